"""Agreements: a signed «соглашение» / «меморандум» with its date, parties and place.

Read from every sentence with the noun in the singular and a signing verb before or after it
(«подписали соглашение», «соглашение … подписал с …», «подписано соглашение … между …»), or a
numeral adjective («трёхстороннее»). Not agreements: the plural («подписание соглашений», «7
соглашений»), planned ones («планируют подписать»), earlier ones («ранее», «аналогичное»). The date is
the agreement's own sentence's, a day named relative to the page date, that of the sentence that
introduced a series («состоялось подписание соглашений» then each agreement), or the page date —
never the first event of a digest. Parties: officials stand for their bodies, so parties are counted,
not persons: a numeral adjective, «между A, B и C», «A и B подписали», «A подписал … с B».
"""

from __future__ import annotations

import re

from loaders.text.dates import DateSpan
from loaders.text.document import Document, Sentence
from loaders.text.events import _relative_day, host_and_participants
from loaders.text.facts import ExtractedAgreement, Passage
from loaders.text.morph import lemma

_NOUN = re.compile(r"\b(соглашени\w*|меморандум\w*)", re.I)
_SIGNING = re.compile(
    r"\b(подписал\w*|подписан\w*|подписыва\w*|заключил\w*|заключ[её]н\w*|подписи|заключени\w+|"
    r"подписани\w+)\b",
    re.I,
)
_SIDES = re.compile(
    r"(\d+)\s*-?\s*(?:ти|х|ми|и)?\s*-?\s*сторонн\w*|"
    r"(дву|двух|тр[её]х|четыр[её]х|пяти|шести|семи|восьми|девяти|десяти)сторонн\w*",
    re.I,
)
_SIDE_NUMBERS = {
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
_NOT_SIGNED = re.compile(
    r"планиру\w*|запланирован\w*|намерен\w*|подпишут|будет\s+подписан\w*|предстоит|готов\w+\s+к\s+подписани"
    r"|ранее|напомним|аналогичн\w*|\bуже\s+подписыва",
    re.I,
)
_COUNT_BEFORE = re.compile(
    r"(\d+|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|несколько|около\s+\d+)\s+$", re.I
)
_ORDINAL_BEFORE = re.compile(r"(перв\w+|втор\w+|треть\w+|четв[её]рт\w+|пят\w+)\s+$", re.I)
_WITH = re.compile(
    r"\bсо?\s+(.+?)(?=\s+(?:о|об|по|в\s+сфере|в\s+области|на\s+срок|сроком)\s|[.;]|,\s+(?:предусм|котор|согласно)|$)",
    re.I,
)
_BETWEEN = re.compile(
    r"\bмежду\s+(.+?)(?=\s+[–—-]\s|\s+(?:о|об|по|в\s+сфере|в\s+целях|предусматрива\w*)\s|[.;]|$)",
    re.I,
)
_GENERIC_WORDS = {
    "губернатор",
    "министр",
    "директор",
    "председатель",
    "генеральный",
    "руководитель",
    "заместитель",
    "глава",
    "область",
    "республика",
    "край",
    "региональный",
    "сотрудничество",
    "соглашение",
    "документ",
}


_PARTY_HEAD = re.compile(
    r"[«\"A-ZА-ЯЁ]|(?:министр|мин[а-яё]+|губернатор|мэр|глав[аеуы]|председател|директор|руководител|"
    r"ректор|президент|правительств|администраци|департамент|комитет|управлени|фонд|ассоциаци|"
    r"союз|общество|отделени|центр|университет|компани|АНО|ПАО|ООО|АО|ГБУ|ФГБУ|НКО|московск|"
    r"региональн|областн|краев|городск|муниципальн|благотворительн|автономн|некоммерческ)",
)


def _split_top_level(phrase: str) -> list[str]:
    """«A, B (C) и D «E и F»» → [A, B (C), D «E и F»]: commas and «и» outside quotes and brackets,
    and only before a new party («министр природных ресурсов и экологии» stays one)."""
    parts, depth, current, index = [], 0, "", 0
    while index < len(phrase):
        char = phrase[index]
        depth += char in "«(" and 1 or 0
        depth -= char in "»)" and 1 or 0
        depth = max(depth, 0)
        rest = phrase[index + 1 :].lstrip()
        if depth == 0 and char == "," and _PARTY_HEAD.match(rest):
            parts.append(current)
            current = ""
        elif (
            depth == 0
            and phrase[index : index + 3] == " и "
            and _PARTY_HEAD.match(phrase[index + 3 :])
        ):
            parts.append(current)
            current, index = "", index + 2
        else:
            current += char
        index += 1
    parts.append(current)
    return [p.strip(" ,*–—-") for p in parts if len(p.strip(" ,*–—-")) > 1]


def _subject_before(sentence: str, verb_start: int) -> list[str]:
    """Coordinated subjects right before a plural signing verb, a leading date or place dropped."""
    subject = sentence[:verb_start]
    subject = re.sub(
        r"^.*?(?:\d{4}\s*(?:года|г\.)?|сегодня|вчера|\d{1,2}\s+[а-яё]+)\s*,?\s*",
        "",
        subject,
        flags=re.I,
    )
    subject = re.sub(
        r"^(?:в|во|на)\s+[^А-ЯЁ«]*?[А-ЯЁ][\w-]+(?:\s+[а-яё]+)*\s+(?=[а-яА-ЯЁ])", "", subject
    )
    return _split_top_level(subject)


def _parties(sentence: str) -> tuple[list[str], str]:
    """(parties as written, rule) of one agreement sentence."""
    between = _BETWEEN.search(sentence)
    if between:
        listed = _split_top_level(between.group(1))
        if len(listed) >= 2:
            return listed, "«между A и B»"
    verb = re.search(r"\b(подписали|заключили)\b", sentence)
    if verb:
        listed = _subject_before(sentence, verb.start())
        if len(listed) >= 2:
            return listed, "subjects of «подписали»"
    verb = re.search(r"\b(подписал[аио]?|заключил[аио]?)\b", sentence)
    if verb:
        partner = _WITH.search(sentence[verb.end() :])
        subject = _subject_before(sentence, verb.start())
        if partner:
            return [*(subject[-1:] or ["?"]), partner.group(1).strip()], "«A подписал … с B»"
        noun = _NOUN.search(sentence[: verb.start()])
        partner = _WITH.search(sentence[noun.end() : verb.start()]) if noun else None
        signer = sentence[verb.end() :].strip(" .")
        if partner and signer:  # «Соглашение … с фондом X подписал губернатор …»
            return [signer, partner.group(1).strip()], "«соглашение … с B подписал A»"
    return [], ""


def _sides(sentence: str) -> int | None:
    match = _SIDES.search(sentence)
    if not match:
        return None
    return int(match.group(1)) if match.group(1) else _SIDE_NUMBERS[match.group(2).lower()]


def _is_signed_singular(document: Document, sentence: Sentence) -> re.Match | None:
    """The agreement noun of a sentence that tells of one signed agreement; None otherwise."""
    for noun in _NOUN.finditer(sentence.text):
        before = sentence.text[: noun.start()]
        if _COUNT_BEFORE.search(before):
            continue
        tokens = document.tokens_in(sentence.start + noun.start(), sentence.start + noun.end())
        plural = bool(tokens) and tokens[0].feats.get("Number") == "Plur"
        if plural and not _ORDINAL_BEFORE.search(before):
            continue
        if noun.group(0).lower().startswith("соглашени") and noun.group(0).lower() in (
            "соглашений",
            "соглашениям",
            "соглашениями",
            "соглашениях",
        ):
            continue
        return noun
    return None


def _series_date(document: Document, index: int) -> DateSpan | None:
    """The date of an earlier sentence that announced the signing(s) («состоялось подписание
    соглашений»), up to four sentences back."""
    for back in range(index - 1, max(-1, index - 5), -1):
        previous = document.sentences[back]
        if _NOUN.search(previous.text) and re.search(
            r"подписани|подписал|заключ", previous.text, re.I
        ):
            dates = [
                d
                for d in document.dates_in(previous.start, previous.end)
                if d[2].precision == "day"
            ]
            if dates:
                return dates[0][2]
    return None


def _date(document: Document, index: int) -> tuple[DateSpan | None, str, bool]:
    sentence = document.sentences[index]
    own = [d for d in document.dates_in(sentence.start, sentence.end) if d[2].precision == "day"]
    if own:
        return own[0][2], "date in its sentence", True
    relative = _relative_day(document, sentence)
    if relative:
        return relative, "a day named relative to the page date", True
    series = _series_date(document, index)
    if series:
        return series, "date of the sentence announcing the signing", True
    if document.published:
        published = document.published
        return DateSpan(published, published, "day"), "page date", False
    return None, "no date", False


def _key_words(party: str) -> set[str]:
    return {
        lemma(word)
        for word in re.findall(r"[А-ЯЁA-Zа-яёa-z]{4,}", party)
        if lemma(word) not in _GENERIC_WORDS
    }


def extract_agreements(document: Document) -> list[ExtractedAgreement]:
    """One row per signed agreement (a headline and the body telling of one agreement are merged)."""
    found = []
    for index, sentence in enumerate(document.sentences):
        noun = _is_signed_singular(document, sentence)
        sides = _sides(sentence.text)
        if not noun and not sides:
            continue
        signed = _SIGNING.search(sentence.text) or _BETWEEN.search(sentence.text)
        if not signed or _NOT_SIGNED.search(sentence.text):
            continue
        parties, party_rule = _parties(sentence.text)
        count = sides or (len(parties) if parties else None)
        date, date_rule, explicit = _date(document, index)
        host, _ = host_and_participants(document, sentence)
        if host is None:
            host = _dateline_settlement(document)
        region = host.region_code if host else _region_of_parties(document, sentence)
        subject = re.search(
            r"(?:соглашени\w*|меморандум\w*)\s+((?:о|об)\s+[^.,;]{3,120})", sentence.text, re.I
        )
        confidence = 0.5 + 0.2 * bool(count) + 0.2 * explicit + 0.1 * bool(parties)
        found.append(
            ExtractedAgreement(
                headline=_is_headline(document, sentence) and not explicit,
                date=date,
                parties_count=count,
                parties=parties,
                settlement=host,
                region_code=region,
                subject=subject.group(1) if subject else None,
                passage=Passage(sentence.start, sentence.end),
                explicit_date=explicit,
                confidence=round(min(confidence, 0.95), 2),
                reason="; ".join(
                    part
                    for part in (
                        f"«{(noun or signed).group(0)}» + signing verb",
                        "parties from the numeral adjective" if sides else party_rule,
                        date_rule,
                    )
                    if part
                ),
            )
        )
    return _one_per_agreement(found)


def _is_headline(document: Document, sentence: Sentence) -> bool:
    """A whole line near the top without a closing full stop: a headline."""
    text = document.text
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    return (
        text.count("\n", 0, sentence.start) < 6
        and line == sentence.text.strip()
        and not line.endswith(".")
    )


def _dateline_settlement(document: Document):
    """«Санкт-Петербург, 16 июня 2023»: the settlement of a dateline in the first lines."""
    head_end = sum(len(line) + 1 for line in document.text.split("\n")[:4])
    for mention in document.places_in(0, head_end):
        line_start = document.text.rfind("\n", 0, mention.start) + 1
        if mention.kind == "settlement" and mention.start - line_start <= 1:
            following = document.text[mention.end : mention.end + 25]
            if re.match(r"\s*[,.]\s*\d{1,2}\s", following):
                return mention
    return None


def _region_of_parties(document: Document, sentence: Sentence) -> str | None:
    codes = [
        m.region_code for m in document.places_in(sentence.start, sentence.end) if m.region_code
    ]
    if codes:
        return codes[0]
    return next((m.region_code for m in document.places if m.region_code), None)


def _one_per_agreement(agreements: list[ExtractedAgreement]) -> list[ExtractedAgreement]:
    """A headline and the body often name one agreement: merged unless both name a counterparty and
    the two share no word, the party counts differ, or both have different explicit dates."""
    kept: list[ExtractedAgreement] = []
    for agreement in sorted(
        agreements, key=lambda a: (not a.explicit_date, -len(a.parties), a.passage.start)
    ):
        same = next((k for k in kept if _same_agreement(k, agreement)), None)
        if same is None:
            kept.append(agreement)
            continue
        same.parties = (
            same.parties if len(same.parties) >= len(agreement.parties) else agreement.parties
        )
        same.parties_count = same.parties_count or agreement.parties_count
        same.settlement = same.settlement or agreement.settlement
        same.region_code = same.region_code or agreement.region_code
    return sorted(kept, key=lambda a: a.passage.start)


def _same_agreement(one: ExtractedAgreement, other: ExtractedAgreement) -> bool:
    if one.parties_count and other.parties_count and one.parties_count != other.parties_count:
        return False
    if one.explicit_date and other.explicit_date and one.date != other.date:
        return False
    if one.headline or other.headline:
        return True  # a headline restates the body's agreement (its party names may be shortened)
    if len(one.parties) >= 2 and len(other.parties) >= 2:
        return bool(_key_words(one.parties[-1]) & _key_words(other.parties[-1])) or bool(
            _key_words(" ".join(one.parties)) & _key_words(" ".join(other.parties))
            and one.parties_count
            and other.parties_count
            and one.parties_count > 2
        )
    return True
