"""Layering and documentation rules that keep the codebase honest."""

import ast
import re
from pathlib import Path

from loaders.model.schema import ALL_TABLES

ROOT = Path(__file__).resolve().parents[1]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_loaders_never_import_streamlit():
    offenders = [
        p.name
        for p in (ROOT / "loaders").rglob("*.py")
        if {"streamlit", "streamlit_folium", "dashboard"} & _imported_modules(p)
    ]
    assert offenders == []


def test_only_the_data_module_caches_and_touches_duckdb():
    for path in (ROOT / "dashboard").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "data.py":
            assert "cache_data" not in text and "cache_resource" not in text, path
            assert "duckdb" not in _imported_modules(path), path


def test_every_column_is_in_the_readme_data_dictionary():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for table in ALL_TABLES:
        section = re.search(rf"^### `{table.name}`(.*?)(?=^### |\Z)", readme, re.S | re.M)
        assert section, f"README has no section for table {table.name}"
        for column in table.column_names:
            assert f"`{column}`" in section.group(1), f"{table.name}.{column} is not documented"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make run" in readme
    assert re.search(r"^make test\b", ci, re.M)


def test_every_column_has_a_russian_label():
    from loaders.model.schema import COLUMN_LABELS

    missing = [
        f"{t.name}.{c}" for t in ALL_TABLES for c in t.column_names if c not in COLUMN_LABELS
    ]
    assert missing == []
