"""Periodic reports of councils and chambers: the heading (body, period) and the numbered records.

A record is one event row, whatever the layout: a line of cells (Markdown, TSV, «;», « / », HTML
<td>), one cell per line with a trailing « |», a title line followed by «Место:» / «Срок:» lines, a
flattened «1.1. Title (place) date» line, or a bullet «- 07 октября – …». The date may sit in any
cell; an actual date beats a planned month; a record without a day or month date (in «в течение
квартала», «постоянно», «перенесено на 2023 г.») is no event. The heading may be missing: then the
report is recognised by its dated records and a period or a council named anywhere in the text.
"""

from __future__ import annotations

import re

from loaders.model.vocabulary import event_type_from_text
from loaders.text.dates import DateSpan, find_dates
from loaders.text.document import Document
from loaders.text.facts import ExtractedEvent, Passage, Report, ReportItem

_REPORT_WORD = re.compile(
    r"отч[её]т\w*|информаци\w+\s+о\s+(?:работе|деятельности)|итог\w*\s+(?:работы|деятельности|"
    r"[IV]{1,3}\s+квартал|[1-4]\s*(?:-?го\s+)?квартал)|подв[её]л\w*\s+итоги",
    re.I,
)
_PERIOD = re.compile(r"([IV]{1,3}|[1-4])\s*(?:-?й\s+|-?го\s+)?(?:квартал\w*|кв\.)\s*(\d{4})", re.I)
_BODY = re.compile(
    r"((?:Общественн\w+\s+(?:совет|палат)\w*|Совет\w*\s+Ассоциаци\w+|Общественн\w+\s+экологическ\w+"
    r"\s+совет\w*)[^.\n]{0,160}?(?:област\w*|кра[яюе]|республик\w+\s+[А-ЯЁ][\w\s-]+?|округ\w*|"
    r"Марий\s+Эл|Башкортостан|Татарстан|[А-ЯЁ][а-яё]+))(?=\s+(?:за|о\s|подв|\n)|[.\n]|$)",
)
_TAG = re.compile(r"<[^>]+>")
_CELL_SPLIT = re.compile(r"\s*(?:\||\t|;|\s/\s)\s*")
_NUMBERED = re.compile(r"^\s*(?:\|\s*)?(\d{1,2}(?:\.\d{1,2})*)\s*[.)]?\s*(?=[|\t;/]|\s|$)")
_BULLET = re.compile(r"^\s*[-•—–*]\s+")
_CONTINUATION = re.compile(r"^\s*(Место|Срок|Дата|Сроки|Место\s+проведения)\s*:\s*", re.I)
_NOT_AN_EVENT = re.compile(
    r"подготовк\w*\s+предложени|разработк\w*|по\s+(?:отдельному\s+)?плану|в\s+течение|постоянно|"
    r"перенес[её]н\w*|при[её]м\w*\s+заявок|утверждени\w+\s+плана|рассмотрени\w+\s+обращени",
    re.I,
)
_ONLINE = re.compile(r"дистанционн\w*|онлайн|онлайн-формат\w*|видеоконференц\w*", re.I)
_PLACE_CUE = re.compile(r"(\bв|\bво|г\.|пос\.|пгт|с\.|п\.|р\.п\.)\s*$", re.I)


def _lines(text: str) -> list[tuple[int, str]]:
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    return lines


def _cell_text(line: str) -> str:
    """A table row written as HTML on one line as tab-separated text."""
    if "<td" not in line.lower() and "<th" not in line.lower():
        return line
    line = re.sub(r"</p>\s*<p>", " ¶ ", line, flags=re.I)
    return _TAG.sub("", re.sub(r"</t[dh]>", "\t", line, flags=re.I)).strip()


def records(text: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of candidate record lines, with cells-per-line and block layouts joined."""
    joined: list[list] = []
    open_cells = False
    for offset, raw in _lines(text):
        line = _cell_text(raw)
        stripped = line.strip()
        if not stripped:
            open_cells = False
            continue
        one_cell = (
            stripped.endswith("|") and stripped.count("|") == 1 and not stripped.startswith("|")
        )
        if one_cell and open_cells and not re.fullmatch(r"\d{1,3}\s*\|", stripped):
            joined[-1][1] = offset + len(raw)
            joined[-1][2] += " | " + stripped.rstrip("| ")
            continue
        if _CONTINUATION.match(stripped) and joined and offset - joined[-1][1] <= 2:
            joined[-1][1] = offset + len(raw)
            joined[-1][2] += " | " + stripped
            continue
        joined.append([offset, offset + len(raw), stripped.rstrip("| ") if one_cell else stripped])
        open_cells = one_cell
    return [tuple(row) for row in joined]


def _is_record(line: str) -> bool:
    return bool(
        _NUMBERED.match(line)
        or _BULLET.match(line)
        or len(_CELL_SPLIT.split(line.strip("| "))) >= 3
    )


def _record_dates(line: str, year: int | None) -> list[DateSpan]:
    """Day dates of a record (several in one cell are several events); else one month span."""
    found = [span for _, _, span in find_dates(line, year, day_month=year is not None)]
    days = [span for span in found if span.precision == "day"]
    if days:
        return list(dict.fromkeys(days))
    months = [span for span in found if span.precision == "month"]
    return months[:1]


def _record_title(line: str) -> str:
    """The title cell (the longest cell with words and an event noun, else the longest), cleaned."""
    body = _NUMBERED.sub("", line, count=1)
    body = _BULLET.sub("", body)
    cells = [c for c in _CELL_SPLIT.split(body) if re.search(r"[А-Яа-яЁё]{3}", c)]
    cells = [c for c in cells if not _CONTINUATION.match(c)] or cells
    if len(cells) <= 1:
        title = cells[0] if cells else body
        for start, end, _ in reversed(find_dates(title, 2000, day_month=True)):
            title = title[:start] + title[end:]
        title = re.sub(r"^\s*[–—-]\s*|\s*[–—-]\s*$", "", title.strip())
        title = (
            re.split(r"\s+[–—-]\s+(?=[а-яё])", title)[-1]
            if re.match(r"^\W*$", title[:1])
            else title
        )
    else:
        with_noun = [c for c in cells if event_type_from_text(c) != "other"]
        title = max(with_noun or cells, key=len)
    title = title.split(" ¶ ")[0]
    parts = re.split(r"\s*\bЦель\s*[–—:-]\s*", " ".join(title.split()), maxsplit=1)
    return parts[0].strip(" .,;–—-")[:200]


def _goal(line: str) -> str | None:
    parts = re.split(r"\s*\bЦель\s*[–—:-]\s*", " ".join(_TAG.sub(" ", line).split()), maxsplit=1)
    return parts[1].strip(" .|") if len(parts) > 1 else None


def _period(text: str) -> str | None:
    match = _PERIOD.search(text)
    if not match:
        return None
    roman = {"I": 1, "II": 2, "III": 3, "IV": 4}
    quarter = roman.get(match.group(1).upper()) or int(match.group(1))
    return f"{match.group(2)}Q{quarter}"


def _body(document: Document, heading: str | None) -> str:
    """The reporting body in the nominative: from the heading, else a council named in the text."""
    for source in (heading or "", document.text):
        match = _BODY.search(source)
        if match:
            return _nominative(match.group(1))
    if heading:
        return _nominative(
            re.split(
                r"\s+за\s+",
                re.sub(
                    r"^(отч[её]т\w*|информаци\w+|итоги)\s+((о|об)\s+(деятельности|работе)\s+|"
                    r"работы\s+|деятельности\s+)?",
                    "",
                    heading,
                    flags=re.I,
                ),
            )[0].strip(" .,")
        )
    return document.title


def _nominative(body: str) -> str:
    """Put the leading noun group into the nominative: «Общественного совета при …» → «Общественный совет при …»."""
    from loaders.text.morph import analyser as morph_analyser

    words = " ".join(body.split()).split()
    analyser = morph_analyser()
    out = []
    for i, word in enumerate(words):
        parse = analyser.parse(word)[0]
        if i < 4 and parse.tag.case == "gent" and parse.tag.POS in ("ADJF", "NOUN"):
            inflected = parse.inflect({"nomn"})
            new = inflected.word if inflected else word
            out.append(new[:1].upper() + new[1:] if word[:1].isupper() else new)
            if parse.tag.POS == "NOUN":
                out.extend(words[i + 1 :])
                break
        else:
            out.extend(words[i:])
            break
    return " ".join(out)


def _heading(text: str) -> tuple[str, int] | None:
    """(heading text, end offset) when one of the first lines says what this is a report of."""
    offset = 0
    for line in text.split("\n")[:6]:
        clean = " ".join(_TAG.sub(" ", line).replace("*", " ").replace("#", " ").split())
        if _REPORT_WORD.search(clean):
            return clean, offset + len(line)
        offset += len(line) + 1
    return None


def _host(document: Document, start: int, end: int, line: str):
    """The settlement a record names (after a place cue or in a place cell), not a participant's."""
    if _ONLINE.search(line):
        return None
    text = document.text
    settlements = [m for m in document.places_in(start, end) if m.kind == "settlement" and m.name]
    from_word = re.search(r"\bиз\s", text[start:end])
    if from_word:
        settlements = [m for m in settlements if m.start < start + from_word.start()]
    cued = [m for m in settlements if _PLACE_CUE.search(text[max(start, m.start - 6) : m.start])]
    return (cued or settlements or [None])[0]


def extract_report(document: Document):
    """A periodic report (heading, period, body) and its records as events; (None, [], set()) if the
    text is not a report. The third value: sentence indexes the records cover (not re-read)."""
    text = document.text
    heading = _heading(text)
    period = _period(heading[0]) if heading else None
    year = int(period[:4]) if period else document.default_year
    dated = []
    for start, end, line in records(text):
        if not _is_record(line):
            continue
        spans = _record_dates(line, year)
        undated_work = spans and spans[0].precision != "day" and _NOT_AN_EVENT.search(line)
        if spans and not undated_work:  # a month-long «подготовка предложений» is no event
            dated.append((start, end, line, spans))
    period = period or _period(text)
    is_report = (heading and (len(dated) >= 2 or period)) or (
        len(dated) >= 3 and (period or _REPORT_WORD.search(text))
    )
    if not is_report:
        return None, [], set()
    if period and (not heading or not _period(heading[0])):
        year = int(
            period[:4]
        )  # a period named at the end («Отчёт сформирован за III квартал 2024»)
        dated = [(s, e, line, _record_dates(line, year) or spans) for s, e, line, spans in dated]
    heading_end = heading[1] if heading else 0
    region = next(
        (m.region_code for m in document.places_in(0, heading_end) if m.region_code), None
    ) or next(
        (m.region_code for m in document.places if m.kind == "region" and m.region_code), None
    )
    report = Report(_body(document, heading[0] if heading else None), period, region)
    events, covered = [], set()
    for start, end, line, spans in dated:
        title = _record_title(line)
        number_match = _NUMBERED.match(line)
        number = (
            int(number_match.group(1).split(".")[-1]) if number_match else len(report.items) + 1
        )
        host = _host(document, start, end, line)
        for span in spans:
            report.items.append(
                ReportItem(
                    number,
                    title,
                    _goal(line),
                    len(events),
                    confidence=0.9 if span.precision == "day" else 0.7,
                    reason=f"report record {number}: {span.precision} date in the row",
                )
            )
            events.append(
                ExtractedEvent(
                    title=title,
                    event_type=event_type_from_text(title),
                    span=span,
                    passage=Passage(start, end),
                    settlement=host,
                    region_code=host.region_code if host else region,
                    confidence=0.9 if span.precision == "day" else 0.7,
                    reason=f"report record {number} ({span.precision} date in the row)"
                    + ("; place in the row" if host else ""),
                )
            )
        covered.update(i for i, s in enumerate(document.sentences) if start <= s.start < end + 1)
    return report, events, covered
