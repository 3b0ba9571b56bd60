"""Read Russian documents: events, report tables, agreements and practice links, each with its passage.

Rules are general (event nouns, date expressions, place cues, agreement and adoption phrases), not tied
to particular documents. Every extracted row keeps the character offsets of the passage it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from loaders.text.dates import DateSpan, find_dates
from loaders.text.places import PlaceMention, extract_places, ner_organisations
from loaders.model.vocabulary import event_type_from_text, topic_from_text

# ---------------------------------------------------------------- vocabulary of the rules

_EVENT_NOUN = re.compile(
    r"(стратегическ\w*\s+сесси\w*|кругл\w*\s+стол\w*|форум\w*|конференци\w*|заседани\w*|совещани\w*|"
    r"акци[яиюей]\w*|субботник\w*|посадк\w*|высадк\w*|уборк\w*|экодесант\w*|семинар\w*|мастер-?класс\w*|стажировк\w*|"
    r"школ[аеуы]\b|конкурс\w*|баттл\w*|выставк\w*|показ\w*|ярмарк\w*|квест\w*|фестивал\w*|слет\w*|слёт\w*|марафон\w*)",
    re.I,
)
_PART_OF = re.compile(
    r"^(пленарн\w+\s+заседани\w*|заседани\w*|секци\w*|церемони\w+\s+открыти\w+)\s+(форума|конференции|фестиваля|слета|слёта)",
    re.I,
)
_FRAME_BEFORE = re.compile(
    r"(в\s+рамках|рамках|в\s+ходе|по\s+итогам|итоги|итогам|участник\w*|финалист\w*|победител\w*|подготовк\w+\s+к)\s+(\w+\s+){0,3}$",
    re.I,
)
_LETTER_DATE = re.compile(r"(№\s*[\w/-]+\s+от\s*|исх\.?\s*[\w/-]*\s*от\s*|от\s+)$", re.I)
_QUOTED = re.compile(r"«((?:[^«»]|«[^«»]*»)+)»|\"([^\"\n]{3,150})\"")
_PARTICIPANTS = re.compile(
    r"(?:собрал[аио]?сь|собрали|приняли\s+участие|участвовали|объединил[аио]?|пришли|более|свыше|около|порядка)\s+"
    r"(?:более\s+|свыше\s+|около\s+)?(\d[\d\s]*)\s*(человек|участник\w*|представител\w*|волонт\w*|активист\w*|школьник\w*|делегат\w*)"
    r"|(\d[\d\s]*)\s+(представител\w*|участник\w*|делегат\w*)",
    re.I,
)
_AGREEMENT = re.compile(
    r"(подписан\w*|заключ\w*|подписал\w*|подпишут|заключили)\s+[^.]{0,60}?соглашени\w*|"
    r"(\d+)\s*-?\s*(?:ти|х|ми|и)?\s*-?\s*сторонн\w*\s+соглашени\w*|"
    r"(дву|двух|тр[её]х|четыр[её]х|пяти|шести|семи|восьми|девяти|десяти)сторонн\w*\s+соглашени\w*|"
    r"соглашени\w*\s+о\s+сотрудничестве[^.]{0,80}?подписал\w*",
    re.I,
)
_PARTY_NUMBERS = {
    "дву": 2,
    "двух": 2,
    "трех": 3,
    "трёх": 3,
    "четырех": 4,
    "четырёх": 4,
    "пяти": 5,
    "шести": 6,
    "семи": 7,
    "восьми": 8,
    "девяти": 9,
    "десяти": 10,
}
_ORG_HINT = re.compile(
    r"\b(АНО|НКО|ООО|АО|ПАО|МАУ|МБУ|МКУ|ГБУ|ФГБУ|фонд\w*|центр\w*|министерств\w*|департамент\w*|администраци\w+|управлени\w+|совет\w*|палат\w+|ассоциаци\w+|союз\w*|движени\w+|университет\w*|колледж\w*|служб\w+|агентств\w+|природнадзор\w*)\b",
    re.I,
)
_REPORT_HEAD = re.compile(
    r"отч[её]т\w*|информаци\w+\s+о\s+(?:работе|деятельности)|итоги\s+(?:работы|деятельности)", re.I
)
_REPORT_ROW = re.compile(
    r"^\s*\|?\s*(\d{1,3})\s*[.)]?\s*(?:\||/|\t|\s{2,}|\s)\s*"
    r"(\d{1,2}(?:\.\d{1,2})?(?:\.\d{2,4})?(?:\s*[-–—]\s*\d{1,2}\.\d{1,2}\.\d{2,4})?|\d{1,2}\s+[а-яё]+(?:\s+\d{4})?(?:\s*[-–—]\s*\d{1,2}\s+[а-яё]+\s*\d{0,4})?)"
    r"\s*(?:\||/|\t|\s{2,}|\s)\s*(.+)$"
)
_TAG = re.compile(r"<[^>]+>")
_INVITATION = re.compile(r"приглаша\w+|приглашени\w+", re.I)
_ADDRESS = re.compile(r"уважаем\w+", re.I)

# Practice adoption: (pattern, role of the region named inside the match) — 'source' = whose practice.
_ADOPTION_TRIGGERS = [
    (re.compile(r"равня\w+\s+на\s+(?P<src>[^,.;]{2,60})", re.I), "adoption_statement"),
    (
        re.compile(r"заимству\w*\s+(?:[^,.;]{0,40}?\s)?у\s+(?P<src>[^,.;]{2,60})", re.I),
        "adoption_statement",
    ),
    (
        re.compile(
            r"(?:перенима\w*|перенял\w*|изуча\w*|внедря\w*|внедрил\w*|тиражиру\w*|использу\w*|применя\w*)\s+(?:[^,.;]{0,30}?\s)?(?:опыт\w*|практик\w*)\s+(?P<src>[^,.;]{2,60})",
            re.I,
        ),
        "adoption_statement",
    ),
    (re.compile(r"по\s+примеру\s+(?P<src>[^,.;]{2,60})", re.I), "adoption_statement"),
    (
        re.compile(
            r"(?:опыт|практик\w*)\s+(?P<src>[^,.;]{2,60}?)\s+(?:[^,.;]{0,40}?\s)?(?:масштабиру\w*|тиражиру\w*|распространя\w*|внедря\w*|применя\w*|использу\w*)\s+(?:[^,.;]{0,30}?\s)?(?:в|во|на)\s+(?P<dst>[^.;]{2,160})",
            re.I,
        ),
        "adoption_statement",
    ),
]
_DELEGATES = re.compile(r"представител\w*|делегаци\w*|стаж[её]р\w*|приехал\w*|прибыл\w*", re.I)
_INTERNSHIP = re.compile(
    r"стажировк\w*|обмен\w*\s+опытом|обучающ\w+\s+визит\w*|с\s+опытом\s+работы", re.I
)
_ADOPTION_VERB = re.compile(
    r"(переня\w+|перенима\w+|заимств\w+|равня\w+|масштабир\w+|по\s+примеру|внедр\w+\s+опыт|изуча\w+\s+опыт|стажировк\w+|тиражир\w+)",
    re.I,
)


@dataclass
class Passage:
    start: int
    end: int


@dataclass
class ExtractedEvent:
    title: str
    event_type: str
    span: DateSpan
    passage: Passage
    settlement: PlaceMention | None = None
    region_code: str | None = None
    participant_cities: list[str] = field(default_factory=list)
    participants_count: int | None = None
    organizers: list[str] = field(default_factory=list)
    sub_activities: list[str] = field(default_factory=list)
    confidence: float = 0.5
    reason: str = ""


@dataclass
class ExtractedAgreement:
    date: DateSpan | None
    parties_count: int | None
    parties: list[str]
    settlement: PlaceMention | None
    region_code: str | None
    subject: str | None
    passage: Passage
    explicit_date: bool = False
    confidence: float = 0.5
    reason: str = ""


@dataclass
class ExtractedLink:
    from_region: str
    to_region: str
    practice: str
    evidence_type: str
    span: DateSpan | None
    passage: Passage
    confidence: float = 0.5
    reason: str = ""


@dataclass
class ReportItem:
    number: int
    title: str
    goal: str | None
    event_index: int
    confidence: float = 0.5
    reason: str = ""


@dataclass
class Report:
    body: str
    period: str | None
    region_code: str | None
    items: list[ReportItem] = field(default_factory=list)


@dataclass
class Extraction:
    """Everything read from one document."""

    text: str
    title: str
    genre: str
    published_date: dt.date | None
    places: list[PlaceMention]
    events: list[ExtractedEvent]
    agreements: list[ExtractedAgreement]
    practice_links: list[ExtractedLink]
    report: Report | None
    unresolved_places: list[str] = field(default_factory=list)

    def cities(self) -> list[str]:
        return sorted({m.name for m in self.places if m.kind == "settlement" and m.name})

    def regions(self) -> list[str]:
        return sorted(
            {
                m.region_code
                for m in self.places
                if m.region_code and m.kind in ("settlement", "region")
            }
        )


# ---------------------------------------------------------------- sentences


@dataclass
class Sentence:
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Lines, then razdel sentences within each line; offsets into the original text."""
    from razdel import sentenize

    sentences = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for piece in sentenize(line):
                sentences.append(Sentence(offset + piece.start, offset + piece.stop, piece.text))
        offset += len(line) + 1
    return sentences


# ---------------------------------------------------------------- document date and default year


def document_date(text: str) -> dt.date | None:
    """A letter's registration date («№ 11114-1 от 14.11.2022»), else a day-precise date in the first lines."""
    for start, _, span in find_dates(text[:3000]):
        if _LETTER_DATE.search(text[max(0, start - 40) : start]) and span.precision == "day":
            return span.start
    head = "\n".join(text.split("\n")[:4])
    for _, _, span in find_dates(head):
        if span.precision == "day":
            return span.start
    return None


def _default_year(text: str, published: dt.date | None) -> int | None:
    if published:
        return published.year
    years = Counter(
        span.start.year
        for _, _, span in find_dates(text)
        if span.precision in ("day", "month", "quarter")
    )
    return years.most_common(1)[0][0] if years else None


def _event_dates(text: str, default_year: int | None) -> list[tuple[int, int, DateSpan]]:
    """Dates that can date an event: day or month precise, not a letter's registration date."""
    return [
        (start, end, span)
        for start, end, span in find_dates(text, default_year)
        if span.precision in ("day", "month")
        and not _LETTER_DATE.search(text[max(0, start - 40) : start])
    ]


# ---------------------------------------------------------------- titles, places in a sentence


def _title(sentence: str, noun_start: int, noun_end: int, event_type: str) -> str:
    """The event noun with its quoted name when one follows closely; else the clause around the noun."""
    after = sentence[noun_end : noun_end + 160]
    quoted = _QUOTED.search(after)
    noun = sentence[noun_start:noun_end]
    head = _normal_noun_phrase(sentence, noun_start, noun_end)
    if quoted and quoted.start() < 80:
        name = quoted.group(1) or quoted.group(2)
        return f"{head} «{name}»"
    between = after.split(",")[0].split(" в ")[0].strip()
    return f"{head} {between}".strip()[:150] if len(between) < 100 else head or noun


def _normal_noun_phrase(sentence: str, noun_start: int, noun_end: int) -> str:
    """The event noun (and adjectives right before it) in the nominative, capitalised."""
    from loaders.text.morph import analyser as morph_analyser

    before = re.findall(r"[А-Яа-яЁё-]+", sentence[max(0, noun_start - 60) : noun_start])[-3:]
    words = before + re.findall(r"[А-Яа-яЁё-]+", sentence[noun_start:noun_end])
    analyser = morph_analyser()
    phrase = []
    for word in words:
        parses = analyser.parse(word)
        parse = parses[0] if parses else None
        if parse and parse.tag.POS in ("ADJF", "PRTF", "NOUN"):
            inflected = (
                parse.inflect({"nomn"})
                if parse.tag.POS == "NOUN"
                else parse.inflect({"nomn", parse.tag.gender or "masc", "sing"} - {None})
            )
            phrase.append(inflected.word if inflected else word.lower())
        else:
            phrase = []
    text = " ".join(phrase) or sentence[noun_start:noun_end].lower()
    return text[:1].upper() + text[1:]


def _mentions_in(mentions: list[PlaceMention], start: int, end: int) -> list[PlaceMention]:
    return [m for m in mentions if start <= m.start and m.end <= end]


def _host_and_participants(text: str, sentence: Sentence, mentions: list[PlaceMention]):
    """Host settlement («в Югорске», «г. Кирова») and participant settlements («из Югорска, Советского и …»)."""
    inside = [
        m for m in _mentions_in(mentions, sentence.start, sentence.end) if m.kind == "settlement"
    ]
    host, participants = None, []
    from_position = None
    for match in re.finditer(r"\bиз\s", sentence.text):
        from_position = sentence.start + match.start()
        break
    for mention in inside:
        before = text[max(sentence.start, mention.start - 12) : mention.start].lower()
        if (
            from_position is not None
            and mention.start > from_position
            and not re.search(r"\b(в|во)\s+(городе\s+|г\.\s*)?$", before)
        ):
            participants.append(mention.name)
        elif host is None and re.search(r"(\bв|\bво|г\.|город\w*)\s*$", before):
            host = mention
    if host is None and inside and not participants:
        host = inside[0]
    return host, sorted(set(p for p in participants if p))


def _region_in(mentions: list[PlaceMention], start: int, end: int) -> str | None:
    codes = [
        m.region_code
        for m in _mentions_in(mentions, start, end)
        if m.kind == "region" and m.region_code
    ]
    return codes[0] if codes else None


def _participants_count(sentence: str) -> int | None:
    match = _PARTICIPANTS.search(sentence)
    if not match:
        return None
    digits = (match.group(1) or match.group(3) or "").replace(" ", "")
    return int(digits) if digits.isdigit() else None


def _organizers(text: str, sentence: Sentence) -> list[str]:
    """Organisations (NER ORG spans) named in the event's sentence."""
    return list(dict.fromkeys(ner_organisations(text, sentence.start, sentence.end)))[:6]


# ---------------------------------------------------------------- events from sentences


def _event_nouns(sentence: Sentence):
    """(start, end, type) of event nouns in a sentence that name an event (not a frame like «в рамках акции»)."""
    for match in _EVENT_NOUN.finditer(sentence.text):
        if _FRAME_BEFORE.search(sentence.text[: match.start()]):
            continue
        start, end = match.span()
        part = _PART_OF.match(sentence.text[start:])
        if part:
            outer = sentence.text[start:].find(part.group(2))
            yield (
                start + outer,
                start + outer + len(part.group(2)),
                event_type_from_text(part.group(2)),
            )
            continue
        kind = event_type_from_text(match.group(0))
        if kind == "other" and not re.match(r"фестивал|сл[её]т|марафон", match.group(0), re.I):
            continue
        yield (
            start,
            end,
            kind
            if kind != "other"
            else ("action" if match.group(0).lower().startswith("марафон") else "other"),
        )


def _dateline_positions(text: str) -> set[int]:
    """Start offsets of dates on short lines at the top («Иркутск, 25.07.2023»): publication dates, not events."""
    positions = set()
    offset = 0
    for line in text.split("\n")[:8]:
        if line.strip() and len(line.split()) <= 6:
            positions.update(offset + start for start, _, _ in find_dates(line))
        offset += len(line) + 1
    return positions


def _end_by_until(sentence: str, dates: list[tuple[int, int, DateSpan]]) -> DateSpan:
    """«открылась 6 июня … продлится до 12 июня» → 6–12 June."""
    first = dates[0][2]
    for start, _, span in dates[1:]:
        if (
            re.search(r"\b(до|по)\s*$", sentence[max(0, start - 6) : start])
            and span.start > first.end
        ):
            return DateSpan(first.start, span.end, first.precision)
    return first


def _is_plural_noun(word: str) -> bool:
    from loaders.text.morph import analyser as morph_analyser

    parses = morph_analyser().parse(word.lower())
    return bool(parses) and parses[0].tag.number == "plur"


def extract_sentence_events(
    text: str,
    sentences: list[Sentence],
    mentions: list[PlaceMention],
    default_year: int | None,
    skip: set[int],
) -> list[ExtractedEvent]:
    """Events from sentences with an event noun and a date: its own, one just before that no event took,
    or one in the next sentence («… квест «Зелёная Пермь». Он состоится 20 апреля …»)."""
    datelines = _dateline_positions(text)
    dates_by_sentence = [
        [d for d in _event_dates(s.text, default_year) if s.start + d[0] not in datelines]
        for s in sentences
    ]
    nouns_by_sentence = [list(_event_nouns(s)) for s in sentences]
    events: list[ExtractedEvent] = []
    pending: tuple[DateSpan, int] | None = None
    used: set[int] = set()
    for index, sentence in enumerate(sentences):
        if index in skip or index in used:
            continue
        dates, nouns = dates_by_sentence[index], nouns_by_sentence[index]
        if not nouns:
            if dates and not _AGREEMENT.search(sentence.text):
                pending = (dates[0][2], index)
            continue
        noun_start, noun_end, kind = nouns[0]
        generic = _is_plural_noun(sentence.text[noun_start:noun_end])
        if dates:
            span = _end_by_until(sentence.text, dates)
        elif generic:
            continue
        elif pending and index - pending[1] <= 2:
            span = pending[0]
        elif (
            index + 1 < len(sentences)
            and dates_by_sentence[index + 1]
            and not nouns_by_sentence[index + 1]
        ):
            span = _end_by_until(sentences[index + 1].text, dates_by_sentence[index + 1])
            used.add(index + 1)
        else:
            continue
        pending = None
        host, participants = _host_and_participants(text, sentence, mentions)
        if host is None and index + 1 in used:
            host, _ = _host_and_participants(text, sentences[index + 1], mentions)
        region = (host.region_code if host else None) or _region_in(
            mentions, sentence.start, sentence.end
        )
        events.append(
            ExtractedEvent(
                title=_title(sentence.text, noun_start, noun_end, kind),
                event_type=kind,
                span=span,
                passage=Passage(
                    sentence.start, sentences[index + 1].end if index + 1 in used else sentence.end
                ),
                settlement=host,
                region_code=region,
                participant_cities=participants,
                participants_count=_participants_count(sentence.text),
                organizers=_organizers(text, sentence),
            )
        )
    return events


def _combine_parts(events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """Parts of one programme (same type, overlapping dates, same or unknown place) become one event."""
    combined: list[ExtractedEvent] = []
    for event in events:
        same = next(
            (
                kept
                for kept in combined
                if kept.event_type == event.event_type
                and kept.span.start <= event.span.end
                and event.span.start <= kept.span.end
                and (
                    not kept.settlement
                    or not event.settlement
                    or kept.settlement.name == event.settlement.name
                )
            ),
            None,
        )
        if same is None:
            combined.append(event)
            continue
        same.sub_activities.append(event.title)
        if event.span.end > same.span.end or event.span.start < same.span.start:
            same.span = DateSpan(
                min(same.span.start, event.span.start), max(same.span.end, event.span.end), "day"
            )
        same.settlement = same.settlement or event.settlement
        same.region_code = same.region_code or event.region_code
        same.participant_cities = sorted(
            set(same.participant_cities) | set(event.participant_cities)
        )
        same.participants_count = same.participants_count or event.participants_count
    return combined


# ---------------------------------------------------------------- report tables


def _report_heading(text: str) -> tuple[str, str | None, int] | None:
    """(heading text, period key, end offset) of «Отчет … за IV квартал 2023 года», if the document starts with one."""
    head = text[:1500]
    match = _REPORT_HEAD.search(head)
    if not match:
        return None
    tail = head[match.start() :]
    period_match = re.search(
        r"за\s+([IV]{1,3}|[1-4])\s*(?:-?й\s+)?квартал\w*\s+(\d{4})", tail, re.I
    )
    if not period_match:
        period_match = re.search(r"за\s+\S+\s+(полугоди\w+|год)\s+(\d{4})", tail, re.I)
    end = match.start() + (period_match.end() if period_match else min(len(tail), 400))
    heading = " ".join(_TAG.sub(" ", text[match.start() : end]).replace("*", " ").split())
    period = None
    if period_match and period_match.group(1).upper() in (
        "I",
        "II",
        "III",
        "IV",
        "1",
        "2",
        "3",
        "4",
    ):
        quarter = {"I": 1, "II": 2, "III": 3, "IV": 4}.get(
            period_match.group(1).upper(), None
        ) or int(period_match.group(1))
        period = f"{period_match.group(2)}Q{quarter}"
    return heading, period, end


def _reporting_body(heading: str) -> str:
    body = re.sub(
        r"^(отч[её]т\w*|информаци\w+|итоги)\s+((о|об)\s+(деятельности|работе)\s+|работы\s+|деятельности\s+)?",
        "",
        heading,
        flags=re.I,
    )
    body = re.split(r"\s+за\s+", body)[0].strip(" .,")
    from loaders.text.morph import analyser as morph_analyser

    words = body.split()
    analyser = morph_analyser()
    # put the leading noun group into the nominative: «Общественного экологического совета» → «Общественный …»
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


def _report_rows(text: str, default_year: int | None) -> list[tuple[int, int, int, DateSpan, str]]:
    """(start, end, number, dates, text) of numbered dated rows; a row broken over lines is joined."""
    rows = []
    offset = 0
    lines = text.split("\n")
    for line in lines:
        match = _REPORT_ROW.match(_html_row_as_text(line))
        if match:
            found = find_dates(match.group(2), default_year)
            if found and found[0][2].precision == "day":
                rows.append(
                    [offset, offset + len(line), int(match.group(1)), found[0][2], match.group(3)]
                )
        elif (
            rows
            and line.strip()
            and not re.match(r"^[\s|:-]+$", line)
            and offset - rows[-1][1] <= 2
        ):
            rows[-1][1] = offset + len(line)  # continuation of a broken row
            rows[-1][4] += " " + line.strip()
        offset += len(line) + 1
    return [tuple(row) for row in rows]


def _html_row_as_text(line: str) -> str:
    """A table row written as HTML on one line («<tr><td>1</td><td>03.10.2023</td>…») as tab-separated text."""
    if "<td" not in line.lower() and "<th" not in line.lower():
        return line
    return _TAG.sub("", re.sub(r"</t[dh]>", "\t", line, flags=re.I)).strip()


def _split_goal(row_text: str) -> tuple[str, str | None]:
    clean = " ".join(_TAG.sub(" ", row_text).replace("|", " ").split())
    parts = re.split(r"\s*\bЦель\s*[–—:-]\s*", clean, maxsplit=1)
    title = parts[0].strip(" .")
    goal = parts[1].strip(" .") if len(parts) > 1 else None
    first_sentence = re.split(r"(?<=[.»)])\s+(?=[А-ЯЁ])", title)[0].strip(" .")
    return first_sentence[:200], goal


def extract_report(
    text: str, mentions: list[PlaceMention], default_year: int | None, sentences: list[Sentence]
):
    """A periodic report's heading and its numbered rows (each also an event); None if not a report."""
    heading = _report_heading(text)
    rows = _report_rows(text, default_year)
    if not heading or len(rows) < 2:
        return None, [], set()
    heading_text, period, heading_end = heading
    region = _region_in(mentions, 0, heading_end) or next(
        (m.region_code for m in mentions if m.region_code), None
    )
    body = _reporting_body(_TAG.sub(" ", heading_text))
    if len(body) < 8:  # «Информация о работе за …» under a first line naming the council
        body = document_title(text)
    report = Report(body, period, region)
    events = []
    covered = set()
    for start, end, number, span, row_text in rows:
        title, goal = _split_goal(row_text)
        host = next(
            (
                m
                for m in _mentions_in(mentions, start, end)
                if m.kind == "settlement"
                and re.search(r"(\bв|\bво|г\.)\s*$", text[max(0, m.start - 6) : m.start])
            ),
            None,
        )
        report.items.append(ReportItem(number, title, goal, len(events)))
        events.append(
            ExtractedEvent(
                title=title,
                event_type=event_type_from_text(title),
                span=span,
                passage=Passage(start, end),
                settlement=host,
                region_code=(host.region_code if host else region),
            )
        )
        covered.update(i for i, s in enumerate(sentences) if start <= s.start < end + 1)
    return report, events, covered


# ---------------------------------------------------------------- agreements


def _parties_count(match_text: str, parties: list[str]) -> int | None:
    digits = re.search(r"(\d+)\s*-?\s*(?:ти|х|ми|и)?\s*-?\s*сторонн", match_text, re.I)
    if digits:
        return int(digits.group(1))
    word = re.search(
        r"(дву|двух|тр[её]х|четыр[её]х|пяти|шести|семи|восьми|девяти|десяти)сторонн",
        match_text,
        re.I,
    )
    if word:
        return _PARTY_NUMBERS[word.group(1).lower()]
    return len(parties) or None


def _parties(sentence: str) -> list[str]:
    """Parties: the organisations listed before «подписали/заключили», or after «между», or quoted names."""
    verb = re.search(r"\b(подписали|заключили|подписал[аио]?|заключил[аио]?)\b", sentence)
    if verb:
        subject = re.sub(
            r"^.*?\d{4}\s*(года|г\.)?\s*(в\s+[А-ЯЁ][\w-]+\s*)?,?\s*", "", sentence[: verb.start()]
        )
        listed = [
            p.strip(" ,")
            for p in re.split(r",\s*(?![^«»]*»)|\s+и\s+(?![^«»]*»)", subject)
            if p.strip(" ,")
        ]
        organisations = [p for p in listed if _ORG_HINT.search(p) or "«" in p]
        if len(organisations) >= 2:
            return organisations
    found = re.findall(
        r"((?:АНО|НКО|ООО|АО|ПАО|МАУ|МБУ|МКУ|ГБУ|ФГБУ)\s+[«\"][^»\"]+(?:[«\"][^»\"]*[»\"])?[^»\"]*[»\"])",
        sentence,
    )
    between = re.search(r"между\s+(.+?)(?:\s+о\s+|\s+в\s+сфере|[.;]|$)", sentence)
    if between:
        found.extend(
            part.strip(" ,")
            for part in re.split(r",\s*|\s+и\s+", between.group(1))
            if _ORG_HINT.search(part)
        )
    return list(dict.fromkeys(found))


def extract_agreements(
    text: str, sentences: list[Sentence], mentions, events, default_year, published
) -> list[ExtractedAgreement]:
    agreements = []
    for sentence in sentences:
        match = _AGREEMENT.search(sentence.text)
        if not match:
            continue
        dates = _event_dates(sentence.text, default_year)
        span = (
            dates[0][2]
            if dates
            else (
                events[0].span
                if events
                else (DateSpan(published, published, "day") if published else None)
            )
        )
        host, _ = _host_and_participants(text, sentence, mentions)
        host = host or (events[0].settlement if events else None)
        listed = _parties(sentence.text)
        parties = listed if len(listed) >= 2 else (_organizers(text, sentence) or listed)
        subject = re.search(r"соглашени\w*\s+(о\s+[^.,;]{3,120})", sentence.text, re.I)
        agreements.append(
            ExtractedAgreement(
                date=span,
                parties_count=_parties_count(match.group(0), parties),
                parties=parties,
                settlement=host,
                region_code=(
                    host.region_code if host else _region_in(mentions, sentence.start, sentence.end)
                ),
                subject=subject.group(1) if subject else None,
                passage=Passage(sentence.start, sentence.end),
            )
        )
        agreements[-1].explicit_date = bool(dates)
    return _one_per_agreement(agreements)


def _one_per_agreement(agreements: list[ExtractedAgreement]) -> list[ExtractedAgreement]:
    """A headline and the body often name the same agreement: same or unknown party count, no conflicting dates."""
    kept: list[ExtractedAgreement] = []
    for agreement in sorted(agreements, key=lambda a: (not a.explicit_date, a.passage.start)):
        same = next(
            (
                k
                for k in kept
                if (
                    k.parties_count == agreement.parties_count
                    or not agreement.parties_count
                    or not k.parties_count
                )
                and not (agreement.explicit_date and k.explicit_date and k.date != agreement.date)
            ),
            None,
        )
        if same is None:
            kept.append(agreement)
        else:
            same.parties = same.parties or agreement.parties
            same.parties_count = same.parties_count or agreement.parties_count
    return sorted(kept, key=lambda a: a.passage.start)


# ---------------------------------------------------------------- practice links


def _regions_of(mentions: list[PlaceMention], start: int, end: int) -> list[str]:
    """Regions of the places that overlap [start, end) (a region, or a settlement's region)."""
    return [
        m.region_code
        for m in mentions
        if m.start < end and start < m.end and m.region_code and m.kind in ("region", "settlement")
    ]


def _subject_region(
    mentions, sentence: Sentence, exclude: str | None, before: int, last_region: str | None
) -> str | None:
    candidates = [c for c in _regions_of(mentions, sentence.start, before) if c != exclude]
    if candidates:
        return candidates[-1]
    candidates = [c for c in _regions_of(mentions, before, sentence.end) if c != exclude]
    if candidates:
        return candidates[0]
    return last_region if last_region != exclude else None


def _practice_phrase(sentence: str) -> str:
    match = re.search(
        r"(?:опыт\w*|практик\w*)\s+((?:организации|работы|развития|по|в\s+сфере|в\s+вопросах)[^.;«»]{3,100})",
        sentence,
        re.I,
    )
    if match:
        return match.group(1).strip(" ,")
    match = re.search(r"в\s+вопросах\s+([^.;,]{3,80})", sentence, re.I)
    return match.group(1).strip() if match else sentence.strip()[:120]


def extract_practice_links(
    text: str, sentences: list[Sentence], mentions: list[PlaceMention], default_year
) -> list[ExtractedLink]:
    """Directed links from the region whose practice is adopted to the region adopting it."""
    links: list[ExtractedLink] = []
    last_region = None
    for sentence in sentences:
        regions_here = _regions_of(mentions, sentence.start, sentence.end)
        dates = _event_dates(sentence.text, default_year)
        span = dates[0][2] if dates else None
        found_in_sentence = False
        for pattern, evidence in _ADOPTION_TRIGGERS:
            for match in pattern.finditer(sentence.text):
                src_start = sentence.start + match.start("src")
                source_mentions = [
                    m
                    for m in mentions
                    if m.start < sentence.start + match.end("src")
                    and src_start < m.end
                    and m.region_code
                ]
                if not source_mentions:
                    continue
                source, source_end = source_mentions[0].region_code, source_mentions[0].end
                if "dst" in pattern.groupindex and match.group("dst"):
                    targets = _regions_of(
                        mentions,
                        sentence.start + match.start("dst"),
                        sentence.start + match.end("dst"),
                    )
                elif _DELEGATES.search(
                    sentence.text
                ):  # «изучать опыт Югры приехали представители A, B и C»
                    targets = _regions_of(mentions, source_end, sentence.end)
                else:
                    targets = [
                        _subject_region(
                            mentions, sentence, source, sentence.start + match.start(), last_region
                        )
                    ]
                for target in dict.fromkeys(t for t in targets if t and t != source):
                    links.append(
                        ExtractedLink(
                            source,
                            target,
                            _practice_phrase(sentence.text),
                            evidence,
                            span,
                            Passage(sentence.start, sentence.end),
                        )
                    )
                    found_in_sentence = True
        if (
            not found_in_sentence
            and _INTERNSHIP.search(sentence.text)
            and len(set(regions_here)) >= 2
        ):
            host = _internship_host(text, sentence, mentions)
            for code in dict.fromkeys(regions_here):
                if host and code != host:
                    links.append(
                        ExtractedLink(
                            host,
                            code,
                            _practice_phrase(sentence.text),
                            "internship",
                            span,
                            Passage(sentence.start, sentence.end),
                        )
                    )
        if regions_here:
            last_region = regions_here[-1]
    unique = {}  # a headline and the body often restate one statement: one link per direction and document
    for link in links:
        unique.setdefault((link.from_region, link.to_region), link)
    return list(unique.values())


def _internship_host(text: str, sentence: Sentence, mentions: list[PlaceMention]) -> str | None:
    """The region hosting an internship: a place right after «в»/«на базе», else the first region named."""
    for mention in _mentions_in(mentions, sentence.start, sentence.end):
        if mention.region_code and re.search(
            r"(\bв|\bво|базе\s+\w+)\s*$", text[max(0, mention.start - 20) : mention.start]
        ):
            return mention.region_code
    codes = _regions_of(mentions, sentence.start, sentence.end)
    return codes[0] if codes else None


# ---------------------------------------------------------------- genre and the whole document


_INTERVIEW = re.compile(r"интервью|^\s*[—–-]\s*[А-ЯЁ][^\n]{5,}\?\s*$|^\s*вопрос\s*:", re.I | re.M)
_DESCRIPTION = re.compile(
    r"^\s*(описание|паспорт)\s+проекта|^\s*цел[ьи]\s+проекта|^\s*задачи\s+проекта", re.I | re.M
)


def classify_genre(text: str, events, agreements, links, report, places) -> str:
    """Report, invitation, practice sharing, agreement, event news or other, by the strongest signal."""
    if report is not None:
        return "report"
    if _INVITATION.search(text[:300]) or (
        _ADDRESS.search(text[:1500]) and _INVITATION.search(text)
    ):
        return "invitation"
    if links:
        return "practice_sharing"
    if agreements and (re.search(r"соглашени", text[:300], re.I) or not events):
        return "agreement"
    if _INTERVIEW.search(text[:400]) or _DESCRIPTION.search(text) or not places:
        return "other"
    return "event_news"


def document_title(text: str) -> str:
    for line in text.split("\n"):
        line = line.strip().strip("*#").strip()
        if line and not line.startswith("[ДЕМОНСТРАЦИОННЫЕ"):
            return line[:200]
    return ""


def extract_document(text: str) -> Extraction:
    """Read one document's text."""
    places, unresolved = extract_places(text)
    published = document_date(text)
    report_heading = _report_heading(text)
    default_year = _default_year(text, published)
    if report_heading and report_heading[1]:
        default_year = int(report_heading[1][:4])
    sentences = split_sentences(text)
    report, report_events, covered = extract_report(text, places, default_year, sentences)
    events = report_events + _combine_parts(
        extract_sentence_events(text, sentences, places, default_year, covered)
    )
    if report:
        for event in events[len(report_events) :]:
            event.region_code = event.region_code or report.region_code
    agreements = extract_agreements(text, sentences, places, events, default_year, published)
    links = extract_practice_links(text, sentences, places, default_year)
    genre = classify_genre(text, events, agreements, links, report, places)
    return Extraction(
        text,
        document_title(text),
        genre,
        published,
        places,
        events,
        agreements,
        links,
        report,
        unresolved,
    )


def topic_of(event: ExtractedEvent, text: str) -> str:
    return topic_from_text(event.title + " " + text[event.passage.start : event.passage.end])


def to_contract_json(extraction: Extraction, source: str) -> dict:
    """The `extract --json` contract: one object per file."""

    def iso(day):
        return day.isoformat() if day else None

    return {
        "source": source,
        "genre": extraction.genre,
        "events": [
            {
                "title": e.title,
                "date_start": iso(e.span.start),
                "date_end": iso(e.span.end),
                "city": e.settlement.name if e.settlement else None,
                "region": e.region_code,
                "type": e.event_type,
                "participant_cities": e.participant_cities,
            }
            for e in extraction.events
        ],
        "cities": extraction.cities(),
        "regions": extraction.regions(),
        "agreements": [
            {
                "date": iso(a.date.start) if a.date else None,
                "parties_count": a.parties_count,
                "parties": a.parties,
                "city": a.settlement.name if a.settlement else None,
                "region": a.region_code,
            }
            for a in extraction.agreements
        ],
        "practice_links": [
            {
                "from_region": link.from_region,
                "to_region": link.to_region,
                "practice": link.practice,
            }
            for link in extraction.practice_links
        ],
        **(
            {
                "report": {
                    "body": extraction.report.body,
                    "period": extraction.report.period,
                    "region": extraction.report.region_code,
                }
            }
            if extraction.report
            else {}
        ),
    }
