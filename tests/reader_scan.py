"""What a reader must never see: the store's internal column names (loaders/model/schema.py) and raw
vocabulary keys (loaders/model/vocabulary.py), looked for in rendered AppTest elements and in the
bytes of downloads. Used by tests/test_reader_words.py."""

from __future__ import annotations

import csv
import io
import re
from functools import cache

import pandas as pd

from loaders.model.schema import ALL_TABLES
from loaders.model.vocabulary import EVENT_TYPES, EVIDENCE_TYPES, GENRE_LABELS, TOPICS

# Text elements whose body a reader reads (their `.value`).
TEXT_ELEMENTS = (
    "title",
    "header",
    "subheader",
    "caption",
    "markdown",
    "text",
    "info",
    "warning",
    "error",
    "success",
)
# Widgets whose label and shown options a reader reads.
CHOICE_WIDGETS = ("selectbox", "multiselect", "radio", "select_slider")
LABELLED_WIDGETS = CHOICE_WIDGETS + (
    "toggle",
    "checkbox",
    "text_input",
    "date_input",
    "button",
    "download_button",
    "number_input",
    "slider",
)
_NOT_A_WORD = r"A-Za-z0-9_"


@cache
def internal_column_names() -> frozenset[str]:
    return frozenset(name for table in ALL_TABLES for name in table.column_names)


@cache
def vocabulary_keys() -> frozenset[str]:
    return frozenset((*EVENT_TYPES, *TOPICS, *EVIDENCE_TYPES, *GENRE_LABELS))


@cache
def _token_pattern() -> re.Pattern:
    words = sorted(internal_column_names() | vocabulary_keys(), key=len, reverse=True)
    return re.compile(
        rf"(?<![{_NOT_A_WORD}])(?:{'|'.join(map(re.escape, words))})(?![{_NOT_A_WORD}])"
    )


def _is_link(text: str) -> bool:
    return text.startswith(("/", "http://", "https://", "?"))


def words_in_text(text: str) -> set[str]:
    """Internal names or vocabulary keys standing as words in a text a reader reads (links
    aside)."""
    if not isinstance(text, str) or _is_link(text):
        return set()
    return set(_token_pattern().findall(text))


def _pieces(cell: str) -> list[str]:
    """A cell and the items of a list written into it («internship, joint_event»)."""
    return [cell, *re.split(r"\s*[;,]\s*", cell)]


def words_in_frame(frame: pd.DataFrame) -> set[str]:
    """Headers that are internal names (or hold one), and cells whose whole value is a raw key."""
    found = set()
    for column in frame.columns:
        found |= words_in_text(str(column))
    keys = vocabulary_keys()
    for column in frame.columns:
        values = frame[column]
        if (
            values.dtype == object
            or pd.api.types.is_string_dtype(values)
            or isinstance(values.dtype, pd.CategoricalDtype)
        ):
            found |= {
                piece for v in values.dropna().astype(str).unique() for piece in _pieces(v)
            } & keys
    return found


def words_in_csv(payload: bytes) -> set[str]:
    """Raw keys in any cell; internal names in the table's header and in the about-lines above
    it."""
    text = payload.decode("utf-8-sig")
    separator = ";" if text.count(";") > text.count(",") else ","
    found, header_seen = set(), False
    for row in csv.reader(io.StringIO(text), delimiter=separator):
        found |= {piece for cell in row for piece in _pieces(cell)} & vocabulary_keys()
        if not header_seen or len(row) == 1:
            for cell in row:
                found |= words_in_text(cell)
        header_seen = header_seen or len(row) > 1
    return found


def words_in_xlsx(payload: bytes) -> set[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(payload), read_only=True)
    found = set()
    for sheet in workbook.worksheets:
        for number, row in enumerate(sheet.iter_rows(values_only=True)):
            for cell in row:
                if not isinstance(cell, str):
                    continue
                found |= set(_pieces(cell)) & vocabulary_keys()
                if number == 0 or sheet.title == "О выгрузке":
                    found |= words_in_text(cell)
    return found


def words_on_page(at) -> list[str]:
    """Every internal word a reader sees on the rendered page, as «element: word» lines."""
    lines = []

    def note(where: str, words: set[str]) -> None:
        lines.extend(f"{where}: {word}" for word in sorted(words))

    for kind in TEXT_ELEMENTS:
        for element in getattr(at, kind):
            note(f"{kind} «{str(element.value)[:60]}»", words_in_text(str(element.value)))
    for metric in at.metric:
        note(
            f"metric «{metric.label}»",
            words_in_text(metric.label) | words_in_text(str(metric.value)),
        )
    for frame in at.dataframe:
        note(f"dataframe {list(frame.value.columns)[:4]}", words_in_frame(frame.value))
    for kind in LABELLED_WIDGETS:
        for widget in getattr(at, kind, []):
            note(f"{kind} label «{widget.label}»", words_in_text(widget.label or ""))
            if kind in CHOICE_WIDGETS:
                for option in widget.options:
                    note(f"{kind} «{widget.label}» option", words_in_text(str(option)))
    return lines
