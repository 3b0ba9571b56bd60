"""Layering and documentation rules that keep the codebase honest."""

import ast
import pytest
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


def test_only_the_data_module_caches_and_touches_duckdb():
    for path in (ROOT / "dashboard").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "data.py":
            assert "cache_data" not in text and "cache_resource" not in text, path
            assert "duckdb" not in _imported_modules(path), path


def test_readme_codebook_is_the_rendered_schema():
    from loaders.model.codebook import readme_codebook, render_codebook

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_codebook(readme) == render_codebook(), (
        "README's data dictionary differs from loaders/model/schema.py: "
        "run `python -m loaders codebook --write`"
    )


def test_codebook_lists_every_column_with_its_label_and_allowed_values():
    from loaders.model.codebook import render_table
    from loaders.model.schema import EVENTS

    section = render_table(EVENTS)
    assert "| `event_type` | VARCHAR | Тип мероприятия |" in section
    assert "`strategic_session`" in section and "`quest`" in section
    assert section.count("\n| `") == len(EVENTS.columns)


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


def _package_imports(path: Path) -> set[str]:
    """Dotted modules a file imports (first two parts: `loaders.store`), lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(".".join(alias.name.split(".")[:2]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(".".join(node.module.split(".")[:2]))
    return names


def _violations(folder: str, forbidden: set[str]) -> list[str]:
    return sorted(
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / folder).rglob("*.py")
        for name in _package_imports(path)
        if name in forbidden or name.split(".")[0] in forbidden
    )


LOADERS_PACKAGES = {
    f"loaders.{p.name}" for p in (ROOT / "loaders").iterdir() if (p / "__init__.py").exists()
}
LOADERS_MODULES = {f"loaders.{p.stem}" for p in (ROOT / "loaders").glob("*.py")}


def test_loaders_never_import_dashboard():
    assert _violations("loaders", {"dashboard", "streamlit", "streamlit_folium"}) == []


def test_read_and_text_never_import_store_or_pipeline():
    forbidden = {"loaders.store", "loaders.pipeline", "loaders.build"}
    assert _violations("loaders/read", forbidden) == []
    assert _violations("loaders/text", forbidden) == []


def test_model_imports_nothing_else_of_loaders():
    forbidden = (LOADERS_PACKAGES | LOADERS_MODULES) - {"loaders.model"}
    assert _violations("loaders/model", forbidden) == []


def test_dashboard_analysis_never_imports_streamlit():
    assert _violations("dashboard/analysis", {"streamlit", "streamlit_folium"}) == []


def test_the_import_rules_see_a_wrong_import(tmp_path, monkeypatch):
    """The checker itself: a model module importing the store is reported."""
    (tmp_path / "loaders" / "model").mkdir(parents=True)
    (tmp_path / "loaders" / "model" / "bad.py").write_text(
        "def f():\n    from loaders.store.database import connect\n", encoding="utf-8"
    )
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert _violations("loaders/model", {"loaders.store"}) == [
        "loaders/model/bad.py imports loaders.store"
    ]


def test_a_missing_resource_skips_locally_but_fails_in_ci(monkeypatch):
    import conftest

    monkeypatch.setitem(conftest.RESOURCES, "absent", (lambda: False, "nothing here"))
    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="nothing here"):
        conftest.require("absent")
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true: required, not skipped"):
        conftest.require("absent")


def test_ci_script_fails_when_it_cannot_install_a_package():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "export CI=true" in ci
    not_root = re.search(r'if \[ "\$\(id -u\)" -ne 0 \]; then(.*?)fi', ci, re.S).group(1)
    assert "return 1" in not_root and "return 0" not in not_root
    assert re.search(r"^apt_install chromium \|\| exit 1", ci, re.M)
    assert re.search(r"^apt_install gmt-dcw \|\| exit 1", ci, re.M)
