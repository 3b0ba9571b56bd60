"""What a reader sees of a table (no Streamlit): Russian headers from the codebook, values by their
Russian labels, regions by name, dates without times; and the downloads built from it (CSV for
Russian Excel or plain, XLSX with date cells), each carrying its source and filters, with every
text cell that a spreadsheet would run as a formula neutralised.
"""

from __future__ import annotations

import html
import io
import re

import pandas as pd

from loaders.model.schema import column_label
from loaders.model.vocabulary import (
    EVENT_TYPE_LABELS,
    EVIDENCE_LABELS,
    GENRE_LABELS,
    STATUS_LABELS,
    TOPIC_LABELS,
)

# One colour per event type on every chart, the calendar and the map (Tableau 10 and two more,
# no two alike): the bar chart and the map once gave «Акция» and «Выставка» the same blue.
EVENT_TYPE_COLOURS = {
    "forum": "#1f77b4",
    "round_table": "#ff7f0e",
    "meeting": "#7f7f7f",
    "conference": "#9467bd",
    "strategic_session": "#8c564b",
    "action": "#2ca02c",
    "workshop": "#17becf",
    "contest": "#d62728",
    "exhibition": "#e377c2",
    "fair": "#bcbd22",
    "quest": "#e6ab02",
    "other": "#cccccc",
}
DATE_PRECISION_LABELS = {"day": "день", "month": "месяц", "quarter": "квартал", "year": "год"}
GEO_PRECISION_LABELS = {"settlement": "населённый пункт", "region": "регион", "country": "страна"}
SOURCE_KIND_LABELS = {"text": "текст", "table": "таблица"}
VALUE_LABELS: dict[str, dict[str, str]] = {
    "event_type": EVENT_TYPE_LABELS,
    "topic": TOPIC_LABELS,
    "evidence_type": EVIDENCE_LABELS,
    "genre": GENRE_LABELS,
    "date_precision": DATE_PRECISION_LABELS,
    "geo_precision": GEO_PRECISION_LABELS,
    "source_kind": SOURCE_KIND_LABELS,
    "status": STATUS_LABELS,  # proposed facts are marked «предложено» until someone reviews them
}
# Columns the pages derive (not stored, so not in the codebook).
DERIVED_LABELS = {
    "source_file": "Файл источника",
    "source_count": "Источников",
    "text_length": "Длина текста, знаков",
    "region_name": "Регион",
    "from_name": "Чья практика (регион)",
    "to_name": "Кто перенимает (регион)",
    "group": "Группа",
    "value": "Значение",
    "quarter_label": "Квартал (подпись)",
    "kinds": "Видов источников",
    "kinds_text": "Виды источников",
    "has_sources": "Есть источники за период",
    "status": "Статус",
    "other_sources": "Других источников",
    "rule": "Почему",
    "weight": "Подтверждений",
    "evidence": "Типы подтверждений",
    "first": "Впервые",
    "last": "Последнее",
    "source_regions": "Откуда",
    "adopters": "Кто перенял (по порядку)",
    "regions": "Регионов",
}
REGION_CODE_COLUMNS = {
    "region_code": "region_name",
    "from_region": "from_name",
    "to_region": "to_name",
}
# A spreadsheet runs a text cell starting with one of these as a formula (CSV/XLSX injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def header_label(column: str) -> str:
    """The Russian header of a column: the codebook's label, or the page's own for derived
    columns."""
    return DERIVED_LABELS.get(column) or column_label(column)


def readable(frame: pd.DataFrame, region_names: dict[str, str] | None = None) -> pd.DataFrame:
    """The frame as a reader sees it: coded values by their Russian labels, a region name beside
    every
    region code, dates as dates (no 00:00:00), empty cells empty, headers in Russian."""
    shown = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in VALUE_LABELS:
            labels = VALUE_LABELS[column]
            values = values.astype("string").map(lambda v, labels=labels: labels.get(v, v))
        elif pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.date
        elif isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype("string")
        shown[column] = values.astype(object).where(values.notna(), None)
        if region_names is not None and column in REGION_CODE_COLUMNS:
            name_column = REGION_CODE_COLUMNS[column]
            # name_short already names the region (coverage): a second «Регион» would clash
            if name_column not in frame.columns and "name_short" not in frame.columns:
                names = frame[column].astype("string").map(region_names)
                shown[name_column] = names.astype(object).where(names.notna(), None)
    return shown.rename(columns=header_label)


def merge_reason_text(reason: str, region_names: dict[str, str] | None = None) -> str:
    """The stored merge reason (English, from loaders/store/merge.py) in Russian for readers."""
    if not isinstance(reason, str) or not reason:
        return ""

    def date(text: str) -> str:
        try:
            return f"{pd.Timestamp(text):%d.%m.%Y}"
        except ValueError:
            return text

    names = region_names or {}
    text = re.sub(
        r"dates overlap \(([\d-]+) / ([\d-]+)\)",
        lambda m: f"даты совпадают ({date(m[1])} и {date(m[2])})",
        reason,
    )
    text = re.sub(
        r"same region ([A-Z]{2}-[A-Z]+)",
        lambda m: f"тот же регион ({names.get(m[1], m[1])})",
        text,
    )
    text = text.replace("same settlement", "тот же населённый пункт")
    text = text.replace("same type", "тот же тип")
    return re.sub(
        r"title similarity ([\d.]+)",
        lambda m: f"сходство названий {round(float(m[1]) * 100)} %",
        text,
    )


def count_phrase(count: int, noun: str) -> str:
    """A number with its noun agreed in Russian: 1 регион, 4 региона, 5 регионов (pymorphy2, the
    analyser the loaders use)."""
    from loaders.text.morph import analyser

    parsed = analyser().parse(noun)[0]
    return f"{count} {parsed.make_agree_with_number(abs(count)).word}"


def neutralise_cell(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell and header made safe to open in Excel or LibreOffice."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell)
    safe.columns = [neutralise_cell(str(column)) for column in safe.columns]
    return safe


def about_lines(source: str, filters: list[str]) -> list[str]:
    """What a download says about itself: where the data come from and which filters were
    applied."""
    return [f"Источник: {source}", *(f"Фильтр: {line}" for line in filters)]


def _csv_cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if hasattr(value, "strftime"):
        return f"{value:%d.%m.%Y}"
    return str(value)


def csv_bytes(frame: pd.DataFrame, about: list[str], excel: bool = True) -> bytes:
    """CSV with the about-lines on top. excel=True: what Russian Excel opens by double-click
    (semicolon, UTF-8 with BOM, dates 14.10.2023); excel=False: comma, UTF-8, ISO dates."""
    safe = neutralised(frame)
    separator = ";" if excel else ","
    buffer = io.StringIO()
    for line in about:
        buffer.write(
            pd.DataFrame([[neutralise_cell(line)]]).to_csv(
                index=False, header=False, sep=separator, lineterminator="\r\n"
            )
        )
    if excel:
        safe = safe.apply(lambda column: column.map(_csv_cell))
    # CRLF as RFC 4180 has it: a field holding a CR or LF is then quoted
    safe.to_csv(buffer, index=False, sep=separator, lineterminator="\r\n")
    return buffer.getvalue().encode("utf-8-sig" if excel else "utf-8")


def xlsx_bytes(frame: pd.DataFrame, about: list[str], sheet: str = "Данные") -> bytes:
    """XLSX: the table on the first sheet (Russian headers, real date cells, every text cell a
    string
    cell, never a formula), the source and filters on a second sheet «О выгрузке»."""
    from openpyxl import Workbook

    safe = neutralised(frame)
    workbook = Workbook()
    table = workbook.active
    table.title = sheet
    table.append(list(safe.columns))
    for row in safe.itertuples(index=False):
        table.append([_xlsx_value(value) for value in row])
    for row in table.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store "=…" as a formula
            elif hasattr(cell.value, "year"):
                cell.number_format = "DD.MM.YYYY"
    notes = workbook.create_sheet("О выгрузке")
    for line in about:
        notes.append([neutralise_cell(line)])
        notes.cell(row=notes.max_row, column=1).data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if value is None or (not isinstance(value, (str, list)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()  # numpy scalar
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return value


def plotly_text(value) -> str:
    """Text from documents, safe inside a Plotly label or hover (Plotly renders <a>, <b>, <br>)."""
    return html.escape(str(value), quote=False)
