"""Events read from sentences: an event noun with a date (its own, a neighbour's, or a day named
relative to the page date), a host settlement, the participants' settlements and the organisers.

Not events: deadlines («заявки принимаются до 4 июня», «к 1 июня»), a letter's registration date,
the page dateline, a month named without a day, plural generic nouns without a date, and institutions
that share an event noun («школы» the buildings).
"""

from __future__ import annotations

import datetime as dt
import re

from loaders.model.vocabulary import event_type_from_text
from loaders.text.date_phrases import relative_days
from loaders.text.dates import DateSpan, find_dates
from loaders.text.document import Document, Sentence
from loaders.text.facts import ExtractedEvent, Passage
from loaders.text.places import PlaceMention

_EVENT_NOUN = re.compile(
    r"(стратегическ\w*\s+сесси\w*|кругл\w*\s+стол\w*|форум\w*|конференци\w*|заседани\w*|совещани\w*|"
    r"акци[яиюей]\w*|субботник\w*|посадк\w*|высадк\w*|уборк\w*|экодесант\w*|семинар\w*|"
    r"мастер-?класс\w*|стажировк\w*|школ[аеуы]\b|конкурс\w*|баттл\w*|выставк\w*|ярмарк\w*|"
    r"квест\w*|фестивал\w*|сл[её]т\w*|марафон\w*|вебинар\w*|встреч[аеуи]\b|урок\w*|смен[аеуы]\b|"
    r"экспедици\w*|плоггинг\w*|недел[яиюе]\b|съезд\w*|ассамбле\w*|эстафет\w*|флешмоб\w*|квиз\w*|лагер[ьяеи]\b)",
    re.I,
)
# Nouns that name an event only with a name or a kind word nearby: «летняя школа», «смена «Экокэмп»».
_NEEDS_NAME = re.compile(r"^(школ|смен|урок|встреч|лагер|недел)", re.I)
_INSTITUTION_BEFORE = re.compile(
    r"(средн\w+|общеобразовательн\w+|музыкальн\w+|спортивн\w+|художественн\w+|начальн\w+|"
    r"сельск\w+|коррекционн\w+)\s+$",
    re.I,
)
_NAME_BEFORE = re.compile(
    r"(летн\w+|зимн\w+|осенн\w+|весенн\w+|выездн\w+|профильн\w+|молод[её]жн\w+|экологическ\w+|"
    r"открыт\w+|тематическ\w+|рабоч\w+|онлайн-?|эко-?|профильн\w+|добровольческ\w+|волонт[её]рск\w+)\s*$",
    re.I,
)
_PART_OF = re.compile(
    r"^(пленарн\w+\s+заседани\w*|заседани\w*|секци\w*|церемони\w+\s+открыти\w+)\s+"
    r"(форума|конференции|фестиваля|слета|слёта)",
    re.I,
)
_FRAME_BEFORE = re.compile(
    r"(в\s+рамках|рамках|в\s+ходе|по\s+итогам|итоги|итогам|участник\w*|финалист\w*|победител\w*|"
    r"подготовк\w+\s+к|заявк\w+\s+на|регистраци\w+\s+на)\s+(\w+\s+){0,3}$",
    re.I,
)
_LETTER_DATE = re.compile(r"(№\s*[\w/-]+\s+от\s*|исх\.?\s*[\w/-]*\s*от\s*|\bот\s+)$", re.I)
_DEADLINE_BEFORE = re.compile(
    r"(\b(до|к|не\s+позднее|по)\s+$|(заявк\w*|регистраци\w*|при[её]м\w*|подач\w*|анкет\w*|срок\w*)"
    r"[^.;]{0,60}$)",
    re.I,
)
_DOCUMENT_DATE_BEFORE = re.compile(
    r"(указ\w*|постановлени\w*|решени\w*|приказ\w*|закон\w*)[^.]{0,40}$", re.I
)
_QUOTED = re.compile(r"«((?:[^«»]|«[^«»]*»)+)»|\"([^\"\n]{3,150})\"")
_PARTICIPANTS = re.compile(
    r"(?:собрал[аио]?сь|собрали|приняли\s+участие|участвовали|объединил[аио]?|пришли|более|свыше|"
    r"около|порядка)\s+(?:более\s+|свыше\s+|около\s+)?(\d[\d\s]*)\s*(человек|участник\w*|"
    r"представител\w*|волонт\w*|активист\w*|школьник\w*|делегат\w*)"
    r"|(\d[\d\s]*)\s+(представител\w*|участник\w*|делегат\w*)",
    re.I,
)
_AGREEMENT = re.compile(r"соглашени|меморандум", re.I)
# «в рамках форума «…», который проходил 21-22 ноября»: a frame noun with its own dated clause
_OWN_DATE_CLAUSE = re.compile(
    r"[^.;]{0,80}?котор\w+\s+(?:проход\w+|прош[её]л\w*|пройд\w+|состо\w+|работал\w*)\s+(?:с\s+)?\d",
    re.I,
)
_ONLINE = re.compile(r"онлайн|дистанционн\w*|видеоконференц\w*|в\s+режиме\s+онлайн", re.I)
_PROGRAMME_TYPES = {"forum", "conference", "strategic_session", "workshop"}
_PROGRAMME_NOUN = re.compile(r"сл[её]т|фестивал|смен[аы]|лагер|школ", re.I)
_SAME_TIME = re.compile(
    r"\b(одновременно|параллельно|в\s+тот\s+же\s+день|в\s+этот\s+же\s+день)\b", re.I
)
_HOST_CUE = re.compile(r"(\bв|\bво|г\.|город\w*|\bна\s+базе\s+\w+)\s*$", re.I)
_SPREAD = re.compile(
    r"\bот\s+$", re.I
)  # «от Смоленска до Владивостока»: the spread of participants
_NEAR_DAY = re.compile(r"\b(вчера|сегодня|накануне)\b", re.I)


# ---------------------------------------------------------------- dates of a sentence


def _event_dates(document: Document, sentence: Sentence) -> list[tuple[int, int, DateSpan]]:
    """Dates in the sentence that can date an event: day or month precise, not a deadline, a letter's
    or a decree's date, the dateline; a range's end «до 12 июня» after a start stays (see _span_of)."""
    kept = []
    for start, end, span in document.dates_in(sentence.start, sentence.end):
        before = sentence.text[max(0, start - 70) : start]
        if span.precision not in ("day", "month") or _LETTER_DATE.search(before[-40:]):
            continue
        if sentence.start + start in _datelines(document):
            continue
        if _DOCUMENT_DATE_BEFORE.search(before) or (_DEADLINE_BEFORE.search(before) and not kept):
            continue
        kept.append((start, end, span))
    return kept


def _datelines(document: Document) -> set[int]:
    """Start offsets of dates on short lines at the top («Иркутск, 25.07.2023»): page dates."""
    if "datelines" in document.cache:
        return document.cache["datelines"]
    positions, offset = set(), 0
    for line in document.text.split("\n")[:8]:
        if line.strip() and len(line.split()) <= 6:
            positions.update(offset + start for start, _, _ in find_dates(line))
        offset += len(line) + 1
    for start, _, _ in document.dates:  # «Хабаровск, 23 октября - АиФ.» / «Смоленск, 20 июня.»
        line_start = document.text.rfind("\n", 0, start) + 1
        prefix = document.text[line_start:start]
        if re.fullmatch(r"\s*[А-ЯЁ][А-ЯЁа-яё -]+[,.]\s*", prefix) and any(
            m.kind == "settlement" for m in document.places_in(line_start, start)
        ):
            positions.add(start)
    document.cache["datelines"] = positions
    return positions


def _span_of(sentence: str, dates: list[tuple[int, int, DateSpan]]) -> DateSpan:
    """«открылась 6 июня … продлится до 12 июня» → 6–12 June."""
    first = dates[0][2]
    for start, _, span in dates[1:]:
        if (
            re.search(r"\b(до|по)\s*$", sentence[max(0, start - 6) : start])
            and span.start > first.end
        ):
            return DateSpan(first.start, span.end, first.precision)
    return first


def _relative_day(document: Document, sentence: Sentence) -> DateSpan | None:
    """«в минувшую субботу» (a yargy grammar, see date_phrases), «вчера», «сегодня» against the page
    date; None without one. A plain weekday in news is the last one on or before the page date."""
    if not document.published:
        return None
    published = document.published
    word = _NEAR_DAY.search(sentence.text)
    if word:
        shift = {"сегодня": 0, "вчера": 1, "накануне": 1}[word.group(1).lower()]
        day = published - dt.timedelta(days=shift)
        return DateSpan(day, day, "day")
    phrases = relative_days(sentence.text)
    if not phrases:
        return None
    phrase = phrases[0]
    if phrase.direction == "coming":
        day = published + dt.timedelta(days=(phrase.weekday - published.weekday()) % 7 or 7)
    else:
        day = published - dt.timedelta(days=(published.weekday() - phrase.weekday) % 7)
    return DateSpan(day, day, "day")


# ---------------------------------------------------------------- nouns, titles and places


def event_nouns(document: Document, sentence: Sentence):
    """(start, end, type) of event nouns that name an event (not a frame like «в рамках акции»)."""
    for match in _EVENT_NOUN.finditer(sentence.text):
        before = sentence.text[: match.start()]
        start, end = match.span()
        if _FRAME_BEFORE.search(before) and not _OWN_DATE_CLAUSE.match(sentence.text[end:]):
            continue
        part = _PART_OF.match(sentence.text[start:])
        if part:
            outer = sentence.text[start:].find(part.group(2))
            yield (
                start + outer,
                start + outer + len(part.group(2)),
                event_type_from_text(part.group(2)),
            )
            continue
        word = match.group(0)
        if _NEEDS_NAME.match(word) and not _names_an_event(document, sentence, start, end):
            continue
        yield start, end, event_type_from_text(word)


def _names_an_event(document: Document, sentence: Sentence, start: int, end: int) -> bool:
    """«школа», «смена», «встреча» are events when singular and named (a quoted name close after,
    an adjective before, or inside a quoted name); «в 210 школах», «школа №5» are buildings."""
    text = sentence.text
    if re.match(r"\s*№|\s*\d", text[end : end + 3]):
        return False
    if _INSTITUTION_BEFORE.search(text[:start]):
        return False
    tokens = document.tokens_in(sentence.start + start, sentence.start + end)
    if tokens and tokens[0].feats.get("Number") == "Plur":
        return False
    if (
        "«" in text[end : end + 40]
        or text[:start].rstrip().endswith("«")
        or _NAME_BEFORE.search(text[:start])
    ):
        return True
    previous = document.tokens_in(sentence.start + max(0, start - 30), sentence.start + start)
    return bool(previous) and previous[-1].pos == "ADJ"


def _title(sentence: str, noun_start: int, noun_end: int) -> str:
    """The event noun with its quoted name when one follows closely; else the clause around the noun."""
    after = sentence[noun_end : noun_end + 160]
    quoted = _QUOTED.search(after)
    head = _normal_noun_phrase(sentence, noun_start, noun_end)
    if quoted and quoted.start() < 80:
        name = quoted.group(1) or quoted.group(2)
        return f"{head} «{name}»"
    between = after.split(",")[0].split(" в ")[0].strip()
    return f"{head} {between}".strip()[:150] if len(between) < 100 else head


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


def host_and_participants(
    document: Document, sentence: Sentence
) -> tuple[PlaceMention | None, list[str]]:
    """Host settlement («в Югорске», «г. Кирова») and participants' settlements («из Югорска, …»);
    «от Смоленска до Владивостока» is the spread of participants, never the host."""
    text = document.text
    inside = [m for m in document.places_in(sentence.start, sentence.end) if m.kind == "settlement"]
    host, participants = None, []
    from_match = re.search(r"\bиз\s", sentence.text)
    from_position = sentence.start + from_match.start() if from_match else None
    spread = set()
    for mention in inside:
        before = text[max(sentence.start, mention.start - 12) : mention.start].lower()
        if _SPREAD.search(before) or re.search(r"\bдо\s+$", before) and spread:
            spread.add(mention.start)
            participants.append(mention.name)
        elif (
            from_position is not None
            and mention.start > from_position
            and not re.search(r"\b(в|во)\s+(городе\s+|г\.\s*)?$", before)
        ):
            participants.append(mention.name)
        elif host is None and _HOST_CUE.search(before):
            host = mention
    if host is None and not participants:
        host = next((m for m in inside if m.start not in spread), None)
    return host, sorted(set(p for p in participants if p))


def _region_in(document: Document, start: int, end: int) -> str | None:
    codes = [
        m.region_code
        for m in document.places_in(start, end)
        if m.kind == "region" and m.region_code
    ]
    return codes[0] if codes else None


def _participants_count(sentence: str) -> int | None:
    match = _PARTICIPANTS.search(sentence)
    if not match:
        return None
    digits = (match.group(1) or match.group(3) or "").replace(" ", "")
    return int(digits) if digits.isdigit() else None


def _is_plural_noun(document: Document, start: int, end: int) -> bool:
    tokens = document.tokens_in(start, end)
    return bool(tokens) and tokens[0].feats.get("Number") == "Plur"


# ---------------------------------------------------------------- events


def _pairs(nouns, dates) -> list[tuple[tuple, list]]:
    """Several events in one sentence: «20 августа — плоггинг, 21 августа — субботник» (each date
    before its noun) or «экоурок 11 апреля, субботник 13 апреля» (after it); one noun keeps all."""
    if len(nouns) < 2 or len(dates) < 2:
        return [(nouns[0], dates)]
    dates_first = dates[0][0] < nouns[0][0]
    pairs = []
    for index, noun in enumerate(nouns):
        if dates_first:
            low = nouns[index - 1][1] if index else -1
            own = [d for d in dates if low <= d[0] < noun[0]]
        else:
            high = nouns[index + 1][0] if index + 1 < len(nouns) else 10**9
            own = [d for d in dates if noun[1] <= d[0] < high]
        if own:
            pairs.append((noun, own))
    used = {d[0] for _, own in pairs for d in own}
    if len(pairs) < 2 or len(used) < len(dates):
        return [(nouns[0], dates)]
    return pairs


def extract_events(document: Document, skip: set[int]) -> list[ExtractedEvent]:
    """Events from sentences with an event noun and a date: its own, one just before that no event
    took, one in the next sentence («… квест. Он состоится 20 апреля …»), a relative day, or the
    previous event's («Одновременно на площадке работала выставка …»)."""
    sentences = document.sentences
    dates_by_sentence = [_event_dates(document, s) for s in sentences]
    nouns_by_sentence = [list(event_nouns(document, s)) for s in sentences]
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
        generic = _is_plural_noun(
            document, sentence.start + nouns[0][0], sentence.start + nouns[0][1]
        )
        if dates:
            if len(nouns) == 1 and _OWN_DATE_CLAUSE.match(sentence.text[nouns[0][1] :]):
                dates = [d for d in dates if d[0] > nouns[0][1]] or dates
            pairs = _pairs(nouns, dates)
            for number, (noun, own) in enumerate(pairs):
                segment = _segment(sentence, pairs, number) if len(pairs) > 1 else None
                made, consumed = _events(
                    document,
                    index,
                    noun,
                    _span_of(sentence.text, own),
                    0.8,
                    "own sentence",
                    segment=segment,
                )
                events.extend(made)
                used.update(consumed)
            pending = None
            continue
        if generic:
            continue
        span, reason, confidence, passage_end = None, "", 0.6, index
        relative = _relative_day(document, sentence)
        if relative:
            span, reason = relative, "a day named relative to the page date"
        elif (
            events
            and _SAME_TIME.search(sentence.text)
            and index - _sentence_of(document, events[-1]) <= 3
        ):
            span, reason = events[-1].span, "held at the same time as the previous event"
        elif pending and index - pending[1] <= 2:
            span, reason = pending[0], "date in an earlier sentence"
        elif (
            index + 1 < len(sentences)
            and dates_by_sentence[index + 1]
            and not nouns_by_sentence[index + 1]
        ):
            next_sentence = sentences[index + 1]
            span = _span_of(next_sentence.text, dates_by_sentence[index + 1])
            reason, passage_end = "date in the next sentence", index + 1
            used.add(index + 1)
        if span is None:
            continue
        pending = None
        made, consumed = _events(document, index, nouns[0], span, confidence, reason, passage_end)
        events.extend(made)
        used.update(consumed)
    return _combine_parts(events)


def _segment(sentence: Sentence, pairs, number: int) -> Sentence:
    """The part of a sentence that tells of one of its several events (its noun and its dates)."""

    def first(pair) -> int:
        return min(pair[0][0], *(d[0] for d in pair[1]))

    start = first(pairs[number])
    end = first(pairs[number + 1]) if number + 1 < len(pairs) else len(sentence.text)
    return Sentence(sentence.start + start, sentence.start + end, sentence.text[start:end])


def _sentence_of(document: Document, event: ExtractedEvent) -> int:
    return document.sentence_index(event.passage.start)


def _more_hosts(document: Document, sentence: Sentence, host: PlaceMention) -> list[PlaceMention]:
    """«в Благовещенске и Свободном», «в Элисте – … и в Лагани»: one action held in several towns."""
    text = document.text
    found = []
    for mention in document.places_in(host.end, sentence.end):
        if mention.kind != "settlement" or not mention.name or mention.name == host.name:
            continue
        before = text[max(host.end, mention.start - 8) : mention.start]
        if re.search(r"\bиз\s", text[host.end : mention.start]):
            break  # the participants' towns begin
        if re.search(r"(^\s*|\s)и\s+(?:в\s+|во\s+)?$", before):
            found.append(mention)
    return found


def _events(
    document: Document,
    index: int,
    noun: tuple[int, int, str],
    span: DateSpan,
    confidence: float,
    date_reason: str,
    passage_end: int | None = None,
    segment: Sentence | None = None,
) -> tuple[list[ExtractedEvent], set[int]]:
    """The event(s) of one noun (one per town when held in several), and the sentence indexes read
    for its venue."""
    sentence = document.sentences[index]
    noun_start, noun_end, kind = noun
    host, participants = host_and_participants(document, segment or sentence)
    online = _ONLINE.search((segment or sentence).text)
    if online:
        host = None
    venue_sentence = sentence
    venue_reason = "host in the sentence" if host else ""
    consumed: set[int] = set()
    following = index + 1 if passage_end is None or passage_end == index else passage_end
    if host is None and not online and segment is None and following < len(document.sentences):
        next_sentence = document.sentences[following]
        next_nouns = list(event_nouns(document, next_sentence))
        same_kind = next_nouns and all(n[2] == kind for n in next_nouns)
        no_dates = not _event_dates(document, next_sentence)
        if not next_nouns or following == passage_end or (same_kind and no_dates):
            host, _ = host_and_participants(document, next_sentence)
            if host:
                venue_sentence, venue_reason = next_sentence, "venue in the next sentence"
                if next_nouns:
                    consumed.add(following)
    # one action in several towns is one event per town; a forum in two towns is one event
    several = _more_hosts(document, venue_sentence, host) if host and kind == "action" else []
    hosts = [host, *several] if host else [None]
    end_sentence = document.sentences[passage_end if passage_end is not None else index]
    if kind == "other" and not host:
        confidence -= 0.1
    noun_text = sentence.text[noun_start:noun_end]
    reason = f"event noun «{noun_text}»; date: {date_reason}" + (
        f"; {venue_reason}" if venue_reason else ""
    )
    made = []
    for place in hosts:
        region = (place.region_code if place else None) or _region_in(
            document, sentence.start, sentence.end
        )
        made.append(
            ExtractedEvent(
                title=_title(sentence.text, noun_start, noun_end),
                event_type=kind,
                span=span,
                passage=Passage(sentence.start, max(sentence.end, end_sentence.end)),
                settlement=place,
                region_code=region,
                participant_cities=participants,
                participants_count=_participants_count(sentence.text),
                organizers=document.organisations_in(sentence.start, sentence.end)[:6],
                confidence=round(confidence + (0.1 if place else 0.0), 2),
                reason=reason + ("; one of several towns" if len(hosts) > 1 else ""),
            )
        )
    return made, consumed


def _inside_programme(
    combined: list[ExtractedEvent], event: ExtractedEvent
) -> ExtractedEvent | None:
    """A multi-day event read just before whose dates hold this one: its programme («18 апреля –
    открытие, 19 апреля – экоквест»), unless the text says it ran alongside («одновременно»)."""
    if not combined or "same time" in event.reason:
        return None
    container = combined[-1]
    if container.event_type not in _PROGRAMME_TYPES and not _PROGRAMME_NOUN.search(container.title):
        return None  # an umbrella week or campaign lists separate events
    inside = container.span.start <= event.span.start and event.span.end <= container.span.end
    multi_day = container.span.end > container.span.start and container.span.precision == "day"
    near = 0 <= event.passage.start - container.passage.end <= 800
    return container if inside and multi_day and near and event.span != container.span else None


def _combine_parts(events: list[ExtractedEvent]) -> list[ExtractedEvent]:
    """Parts of one programme (same type, overlapping dates, same or unknown place; or the dated
    items of a multi-day event's programme) become one event."""
    combined: list[ExtractedEvent] = []
    for event in events:
        container = _inside_programme(combined, event)
        if container is not None:
            container.sub_activities.append(event.title)
            continue
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
