"""Reading structured tables officials keep (CSV, XLSX, JSON) into raw rows with row numbers and
character offsets. No interpretation happens here: see loaders.pipeline.table_rows for that."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from loaders.read.limits import check_zip_directory, read_limited_bytes
from loaders.read.textio import UnreadableFileError, decode_text

TABLE_SUFFIXES = {".csv", ".xlsx", ".json"}
MAX_REPORTED_PROBLEMS = 20


@dataclass
class RawRow:
    """One data row as read: its number in the file, cells by header, and its passage in the
    text."""

    number: int
    cells: dict[str, str]
    char_start: int
    char_end: int
    extra_cells: list[str] = field(default_factory=list)  # non-empty cells beyond the header


@dataclass
class RawTable:
    """A table file as text plus rows; `text` is what the rows' offsets point into."""

    headers: list[str]
    rows: list[RawRow]
    text: str
    row_word: str = "строка / row"


@dataclass
class TableLoadError(ValueError):
    """Everything wrong with one file; str() lists each problem with row and column."""

    file: str
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        shown = self.problems[:MAX_REPORTED_PROBLEMS]
        more = len(self.problems) - len(shown)
        lines = [f"{self.file}: {problem}" for problem in shown]
        if more > 0:
            lines.append(f"{self.file}: … ещё {more} ошибок / {more} more problems")
        return "\n".join(lines)


# ---------------------------------------------------------------- reading files


def _split_lines_with_offsets(text: str):
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line
        offset += len(line)


def _sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", ",", "\t")}
    return max(counts, key=counts.get) if max(counts.values()) else ","


def read_csv_text(text: str) -> RawTable:
    """Rows of CSV text (comma, semicolon or tab), each with its line number and character span."""
    lines = list(_split_lines_with_offsets(text))
    first = next((line for _, line in lines if line.strip()), "")
    delimiter = _sniff_delimiter(first)
    spans: list[tuple[int, int, int]] = []  # (line_number, start, end) of each line consumed

    def feed():
        for number, (offset, line) in enumerate(lines, start=1):
            spans.append((number, offset, offset + len(line.rstrip("\r\n"))))
            yield line

    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    headers: list[str] | None = None
    rows: list[RawRow] = []
    consumed = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise UnreadableFileError(_csv_problem(error, spans[consumed:])) from error
        record_spans = spans[consumed:]
        consumed = len(spans)
        if not any(cell.strip() for cell in record):
            continue
        if headers is None:
            headers = [cell.strip() for cell in record]
            continue
        cells = {
            header: (record[i].strip() if i < len(record) else "")
            for i, header in enumerate(headers)
        }
        extra = [cell.strip() for cell in record[len(headers) :] if cell.strip()]
        rows.append(
            RawRow(record_spans[0][0], cells, record_spans[0][1], record_spans[-1][2], extra)
        )
    return RawTable(headers or [], rows, text)


def _csv_problem(error: csv.Error, record_spans: list[tuple[int, int, int]]) -> str:
    """A CSV syntax error as a message naming the line where the broken record starts."""
    line = record_spans[0][0] if record_spans else "?"
    if "unexpected end of data" in str(error):
        return (
            f"строка / line {line}: кавычка открыта и не закрыта до конца файла / "
            "unclosed quote runs to the end of the file"
        )
    if "field larger than field limit" in str(error):
        return (
            f"строка / line {line}: ячейка длиннее {csv.field_size_limit()} символов / "
            "cell exceeds the field size limit"
        )
    return f"строка / line {line}: ошибка разметки CSV / CSV syntax error ({error})"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_xlsx_bytes(data: bytes, name: str) -> RawTable:
    """First worksheet of an XLSX workbook; the text is the sheet rendered as tab-separated
    lines."""
    from openpyxl import load_workbook

    check_zip_directory(data, name, "XLSX")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFileError(
            f"{name}: не удалось открыть книгу XLSX / cannot open XLSX workbook ({error})"
        ) from error
    sheet = workbook.worksheets[0]
    headers: list[str] | None = None
    rows: list[RawRow] = []
    parts: list[str] = []
    offset = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in values]
        line = "\t".join(cells)
        parts.append(line + "\n")
        start, offset = offset, offset + len(line) + 1
        if not any(cells):
            continue
        if headers is None:
            headers = cells
            while headers and not headers[-1]:
                headers = headers[:-1]  # a sheet's used range is often wider than its header
            continue
        rows.append(
            RawRow(
                number,
                dict(zip(headers, cells + [""] * (len(headers) - len(cells)))),
                start,
                start + len(line),
                [cell for cell in cells[len(headers) :] if cell],
            )
        )
    workbook.close()
    return RawTable(headers or [], rows, "".join(parts))


def _json_records(text: str) -> list[tuple[dict, int, int]]:
    """Objects of a JSON array (or of the first array inside a top-level object) with their
    spans."""
    decoder = json.JSONDecoder()
    document = json.loads(text)
    if isinstance(document, dict):
        arrays = [key for key, value in document.items() if isinstance(value, list)]
        if not arrays:
            raise ValueError("ожидается массив записей / expected an array of records")
        start = text.index("[", text.index(json.dumps(arrays[0], ensure_ascii=False)))
    elif isinstance(document, list):
        start = text.index("[")
    else:
        raise ValueError("ожидается массив записей / expected an array of records")
    records = []
    position = start + 1
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            return records
        value, end = decoder.raw_decode(text, position)
        records.append((value, position, end))
        position = end


def read_json_text(text: str, name: str) -> RawTable:
    """Records of a JSON array of objects; the header is the union of keys in order of
    appearance."""
    try:
        records = _json_records(text)
    except ValueError as error:
        raise UnreadableFileError(f"{name}: некорректный JSON / invalid JSON ({error})") from error
    headers: list[str] = []
    rows: list[RawRow] = []
    for number, (record, start, end) in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise UnreadableFileError(
                f"{name}: запись {number} не является объектом / record {number} is not an object"
            )
        for key in record:
            if key not in headers:
                headers.append(key)
        cells = {key: _json_cell(value) for key, value in record.items()}
        rows.append(RawRow(number, cells, start, end))
    return RawTable(headers, rows, text, row_word="запись / record")


def _json_cell(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return "" if value is None else str(value)


def read_table_file(path: Path) -> tuple[bytes, RawTable]:
    """Bytes and parsed rows of a CSV, XLSX or JSON file (refused before reading if too large)."""
    data = read_limited_bytes(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        if not data:
            raise UnreadableFileError(f"{path.name}: файл пуст / file is empty")
        return data, read_xlsx_bytes(data, path.name)
    text = decode_text(data, path)
    if suffix == ".json":
        return data, read_json_text(text, path.name)
    return data, read_csv_text(text)
