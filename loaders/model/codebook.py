"""The README data dictionary, rendered from the table definitions in loaders.model.schema."""

from __future__ import annotations

import re
from pathlib import Path

from loaders.model.schema import ALL_TABLES, Column, Table

START = (
    "<!-- codebook:start (generated: python -m loaders codebook --write; "
    "edit loaders/model/schema.py) -->"
)
END = "<!-- codebook:end -->"


def _meaning(column: Column) -> str:
    parts = [column.description]
    if column.allowed:
        parts.append("one of " + ", ".join(f"`{value}`" for value in column.allowed))
    if column.bounds:
        parts.append(f"from {column.bounds[0]:g} to {column.bounds[1]:g}")
    if column.pattern:
        parts.append(f"matches `{column.pattern}`")
    text = "; ".join(parts)
    return text + (" (required)" if column.required else "")


def render_table(table: Table) -> str:
    """One table's section: grain, key, and a row per column (type, Russian label, meaning)."""
    key = ", ".join(f"`{name}`" for name in table.primary_key)
    lines = [
        f"### `{table.name}`",
        "",
        f"Grain: {table.grain}. Key: {key}.",
        "",
        "| column | type | label (ru) | meaning |",
        "|---|---|---|---|",
    ]
    for column in table.columns:
        meaning = _meaning(column).replace("|", "\\|")
        lines.append(f"| `{column.name}` | {column.sql_type} | {column.label} | {meaning} |")
    return "\n".join(lines)


def render_codebook() -> str:
    """Every table's section between the START and END markers, as README carries it."""
    body = "\n\n".join(render_table(table) for table in ALL_TABLES)
    return f"{START}\n\n{body}\n\n{END}"


def readme_codebook(readme: str) -> str | None:
    """The generated part of a README text (markers included), or None if it has none."""
    match = re.search(re.escape(START) + r".*?" + re.escape(END), readme, re.S)
    return match.group(0) if match else None


def write_codebook(readme_path: Path) -> bool:
    """Replace README's generated part with a fresh rendering; True if the file changed."""
    text = readme_path.read_text(encoding="utf-8")
    current = readme_codebook(text)
    if current is None:
        raise ValueError(f"{readme_path}: no codebook markers ({START} … {END})")
    fresh = render_codebook()
    if current == fresh:
        return False
    readme_path.write_text(text.replace(current, fresh), encoding="utf-8")
    return True
