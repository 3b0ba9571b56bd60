"""Agreements: a signed «соглашение» / «меморандум» with its date, parties and place.

A sentence tells of a signed agreement when it holds the noun and a signing cue: a verb before or
after the noun («подписали соглашение», «Соглашение … подписали …», «подписано», «продлили»), the
nominal «подписание соглашения», or a numeral adjective («трёхстороннее»). The noun does not count
inside a frame («в рамках соглашения», «в дополнение к соглашению»), and the sentence does not
count when it tells of an intent («планируют подписать», «договорились о подписании», «проект
соглашения») or of the past («ранее», «уже действующее», a year-only date before the page's year).

How many agreements: one per singular noun; the plural with a partner list («подписало
соглашения с A, B и C») is one bilateral agreement per partner; a count heading a list («Два
соглашения … подписаны:») admits the next items even with the verb elided. Mentions of one
agreement are merged (a headline and the body; «Документ подписали …» after the agreement
sentence), unless a mention says it is another one («ещё одно», «третье») or names a counterparty
the other does not.

Parties are counted, not persons (officials stand for their bodies): a numeral adjective, «обе
стороны», «между A, B и C» (a region list with a shared head noun counts each region), subjects
before a plural verb, or after it («Соглашение подписали A и B», read with natasha's syntax),
agents in the instrumental («A-ом и B-ом подписано»), «A подписал … с B», «A совместно с B», the
genitive after the nominal («подписание соглашения о сотрудничестве A и B»), or a lone «с B» with
the page's own organisation as the other side.

The date is the agreement sentence's own, else that of a follow-up sentence («Документ подписан во
вторник, 12 сентября»), a day named relative to the page date, that of the sentence that
announced a series, or the page date — never the first event of a digest. A day written without a
year takes the page's year.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from loaders.text.dates import DateSpan
from loaders.text.document import Document, Sentence
from loaders.text.events import _relative_day, host_and_participants
from loaders.text.facts import ExtractedAgreement, Passage
from loaders.text.morph import lemma

# «договор» is the agreement only as «договор о сотрудничестве / взаимодействии / партнёрстве»
# (alone it is as often a contract: аренды, подряда, поставки).
_NOUN = re.compile(
    r"\b(соглашени\w*|меморандум\w*|договор(?:а|у|ом|е|ы|ов|ам|ами|ах)?"
    r"(?=\s+(?:о|об)\s+(?:[а-яё]+\s+)?(?:сотрудничеств|взаимодействи|партн[её]рств)))",
    re.I,
)
# «соглашения» is also the genitive singular («подписание соглашения»): the tagger decides that one.
_PLURAL_NOUN = {
    "соглашений",
    "соглашениям",
    "соглашениями",
    "соглашениях",
    "меморандумы",
    "меморандумов",
    "меморандумами",
    "договоры",
    "договоров",
    "договорами",
    "договорах",
}
_SIGNING = re.compile(
    r"\b(подписал\w*|подписан\w*|подписыва\w*|заключил\w*|заключ[её]н\w*|подписи|подписями|"
    r"подписани\w+|заключени\w+|продлил\w*|продлен\w*|продлён\w*|перезаключ\w*|пролонгир\w*|"
    r"скрепил\w*)\b",
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
_BOTH_SIDES = re.compile(r"\b(обе\s+стороны|обеими\s+сторонами|двух\s+сторон)\b", re.I)
# An intent, a plan or the past: the sentence tells of no agreement signed now.
_NOT_SIGNED = re.compile(
    r"планиру\w*|запланирован\w*|(?<!о\s)намерен\w*|подпишут|подпишем|будет\s+подписан\w*|предстоит"
    r"|готов\w+\s+к\s+подписани|договорил\w+\s+о\s+подписани|ожида\w+\s+подписани"
    r"|(?:решени|распоряжени|постановлени|приказ)\w*\s+о\s+(?:подписании|заключении)"
    r"|одобр\w+\s+(?:заключени|подписани)|проект\w*\s+(?:соглашени|меморандум)|уточняется"
    r"|разработан\w*\s+(?:\w+\s+){0,2}(?:соглашени|меморандум)"
    r"|ранее|напомним|аналогичн\w*|подобн\w+\s+(?:соглашени|документ)|\bуже\s+подписыва"
    r"|\bуже\s+заключ|уже\s+действующ|в\s+прошлом\s+году",
    re.I,
)
# «…, в рамках которого планируется работа»: a relative clause tells the agreement's content.
_RELATIVE_CLAUSE = re.compile(
    r",\s+(?:в\s+рамках\s+|согласно\s+|по\s+|в\s+соответствии\s+с\s+)?котор\w+", re.I
)
# The noun inside a frame is not what was signed: «план мероприятий в рамках соглашения».
_FRAME_BEFORE = re.compile(
    r"(?:в\s+рамках|согласно|в\s+соответствии\s+с|в\s+дополнение\s+к|благодаря\s+действию"
    r"|по\s+условиям|на\s+основании|к\s+данному|к\s+этому)\s+(?:[\w-]+\s+){0,6}$",
    re.I,
)
_COUNT_BEFORE = re.compile(
    r"(\d+|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|несколько|около\s+\d+)\s+$", re.I
)
_COUNT_WORDS = {"два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6}
_ANNOUNCED = re.compile(
    r"\b(два|две|три|четыре|пять|шесть)\s+(?:[а-яё]+\s+)?(?:соглашени|меморандум)\w*", re.I
)
_ANOTHER_BEFORE = re.compile(
    r"(ещ[её]\s+(?:одно|один)|втор\w+|треть\w+|четв[её]рт\w+|пят\w+|друг\w+)\s+$", re.I
)
_WITH = re.compile(
    r"\bсо?\s+(.+?)(?=\s+(?:о|об|по(?!\s+делам|\s+вопросам)|в\s+сфере|в\s+области|на\s+срок|сроком|ещ[её])\s|[.;:]|"
    r",\s+(?:предусм|котор|согласно|а\s+также|направлен)|\s+[–—-]\s|$)",
    re.I,
)
_BETWEEN = re.compile(
    r"\bмежду\s+(.+?)(?=\s+[–—-]\s|\s+(?:о|об|по(?!\s+делам|\s+вопросам)|в\s+сфере|в\s+целях|в\s+области|"
    r"предусматрива\w*|подписан\w*)\s|[.;]|,\s+(?:на\s+базе|котор)|$)",
    re.I,
)
# A sentence right after the agreement's that tells of the same signing («Документ подписали …»).
_FOLLOW_UP = re.compile(
    r"^\s*(?:[А-ЯЁа-яё]+\s+)?(?:документ\w*|подпис\w+\s+под\s+документ\w*|со\s+стороны"
    r"|церемони\w*|подписани\w*|(?:его|е[её]|их)\s+(?:сторонами|участниками|подписантами))\b",
    re.I,
)
# «Церемония состоялась 19 июня», «Подписание прошло в актовом зале»: the signing as an occasion.
_SIGNING_TOOK_PLACE = re.compile(r"\b(?:состоял\w*|прош[её]л\w*|прошл[аи])\b", re.I)
# «сразу четыре стороны», «три организации скрепили подписями»: how many signed, in a numeral.
_COUNTED_SIGNERS = re.compile(
    r"\b(две|два|три|четыре|пять|шесть|семь|восемь|девять|десять)\s+(?:[а-яё]+\s+)?"
    r"(?:сторон\w*|организаци\w*|участник\w*|партн[её]р\w*|ведомств\w*|учреждени\w*)",
    re.I,
)
_SIGNER_COUNT_WORDS = {
    "два": 2,
    "две": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
}
# «с тремя учебными заведениями»: partners counted by a numeral in the instrumental.
_COUNTED_PARTNERS = re.compile(
    r"\bс(?:о)?\s+(двумя|тремя|четырьмя|пятью|шестью|семью|восемью|девятью|десятью)\b", re.I
)
_INSTRUMENTAL_NUMBERS = {
    "двумя": 2,
    "тремя": 3,
    "четырьмя": 4,
    "пятью": 5,
    "шестью": 6,
    "семью": 7,
    "восемью": 8,
    "девятью": 9,
    "десятью": 10,
}
# «A и B 30-го января 2025 года подписали»: a date between the subjects and the verb.
_TRAILING_DATE = re.compile(
    r"\s+(?:\d{1,2}(?:-?(?:го|е))?\s+[а-яё]+(?:\s+\d{4}\s*(?:года|г\.)?)?|сегодня|вчера|накануне)"
    r"\s*$",
    re.I,
)
# «Соответствующий документ … подписали», «подписали документ о сотрудничестве»: the agreement
# called «документ» (a word that refers back, or a cooperation subject); «документ об отчётности»
# is some other paper.
_DOCUMENT_SIGNED = re.compile(
    r"\b(?:соответствующ|это\w*|этот|данн|так|настоящ|совместн)\w*\s+документ\w*\b"
    r"[^.]{0,40}?\b(?:подписал\w*|подписан\w*|заключ\w*|скрепил\w*)"
    r"|\bдокумент\w*\s+(?:о|об)\s+(?:сотрудничеств|взаимодействи|партн[её]рств)\w*",
    re.I,
)
# «состоялась церемония подписания соглашений», «стала череда подписаний»: a run of signings that
# the next sentences tell one by one.
_RUN_ANNOUNCED = re.compile(
    r"подписани\w*\s+(?:[а-яё]+\s+){0,3}?(?:соглашений|меморандумов|договоров|документов)\b"
    r"|(?:сери|черед)\w*\s+подписаний",
    re.I,
)
# «Третий документ», «Ещё один документ», «Следующий документ»: «документ» marked as a new one.
_ORDINAL_DOCUMENT = re.compile(
    r"^\s*(?:ещ[её]\s+один|втор\w+|трет\w+|четв[её]рт\w+|пят\w+|последн\w+|следующ\w+|друг\w+)"
    r"\s+документ",
    re.I,
)
# «1) между A и B — о …», «— с фондом …»: an item of a list under a heading.
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[).]|[–—•*-])\s+")
# «заключено на пять лет с возможностью продления»: «с» starting the agreement's terms, no partner.
_TERMS_AFTER_WITH = re.compile(
    r"(?:возможност|прав\w*\s+(?:продлени|пролонгац)|автоматическ|последующ|пролонгац|продлени"
    r"|уч[её]т|цель|целью|помощью|момента|даты)",
    re.I,
)
# «соглашения с A и с B»: the repeated preposition starts the next partner.
_REPEATED_WITH = re.compile(r",?\s+и\s+со?\s+(?=[«\"A-ZА-ЯЁ]|[а-яё]+\s+[«\"A-ZА-ЯЁ])")
# «В первый день форума», «В день открытия», «Во второй день», «На закрытии»: a day of a programme.
_PROGRAMME_DAY = re.compile(
    r"(?:(?:\b(?:в|во|на)\s+|^\s*)(первый|второй|третий|четв[её]ртый|заключительный|последний)"
    r"\s+день|\b(?:в|во)\s+день\s+(открытия|закрытия)|\bна\s+(открытии|закрытии))\b",
    re.I,
)
_PROGRAMME_ORDINALS = {"первый": 0, "второй": 1, "третий": 2, "четвёртый": 3, "четвертый": 3}
# «Его участниками стали A, B и C», «Сторонами соглашения выступили …»: parties in a sentence of
# their own.
_PARTIES_BECAME = re.compile(
    r"\b(?:сторонами|участниками|подписантами)\s+(?:[а-яё]+\s+){0,2}"
    r"(?:стали|выступили|являются)\s+(.+?)\.?$",
    re.I,
)
# «в тот же день», «в этот день», «тогда же»: the day of the sentence before.
_SAME_DAY = re.compile(r"\b(?:в\s+(?:тот|этот)\s+(?:же\s+)?день|тогда\s+же)\b", re.I)
# «…, впервые заключённое в 2019 году»: a participle clause about an earlier signing.
_EARLIER_SIGNING_CLAUSE = re.compile(
    r",\s+(?:[а-яё]+\s+)?(?:заключ[её]нн|подписанн|действовавш|действующ)\w*[^,.;]*", re.I
)
_WEEKDAY_BEFORE = re.compile(
    r"(понедельник|вторник|сред[ау]|четверг|пятниц[ау]|суббот[ау]|воскресень[ея])\W{1,3}$", re.I
)
_WEEKDAYS = ("понед", "вторн", "сред", "четв", "пятн", "субб", "воскр")
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
    "ректор",
    "начальник",
    "врио",
}
# Words that make a party the regional (or city) government, however it is named.
_GOVERNMENT = re.compile(
    r"\b(губернатор\w*|правительств\w*|кабмин\w*|глав\w+\s+(?:региона|республики|области|края)"
    r"|власт\w+\s+(?:региона|области|края|республики))",
    re.I,
)
_PARTY_HEAD = re.compile(
    r"[«\"A-ZА-ЯЁ]|(?:министр|мин[а-яё]+|губернатор|мэр|глав[аеуы]|председател|директор|руководител|"
    r"ректор|президент|правительств|администраци|департамент|комитет|управлени|фонд|ассоциаци|"
    r"союз|общество|отделени|центр|университет|компани|АНО|ПАО|ООО|АО|ГБУ|ФГБУ|НКО|московск|"
    r"региональн|областн|краев|городск|муниципальн|благотворительн|автономн|некоммерческ|"
    r"молод[её]жн|заповедник|дирекци|власт|агентств|служб|инспекци|палат|движени|институт|"
    r"академи|колледж|техникум|училищ|школ|лице(?:й|я|ю|ем)|музе(?:й|я|ю|ем)|библиотек|парк|национальн|"
    r"государствен|федеральн|общественн|педагогическ|технологическ|медицинск|аграрн|"
    r"туроператор|оператор|предприяти|завод|комбинат|банк|корпораци|холдинг|клуб|"
    r"волонт[её]рск|добровольческ|экологическ|окружн|районн|республиканск|лесничеств|зоопарк|"
    r"ботаническ|питомник|станци)",
)


def _subjects_of_sentence(document: Document, index: int) -> list[str]:
    """«A и B будут развивать …» → [A, B]: coordinated bodies before the first verb of a
    sentence (what «Стороны» in the next sentence refers to); [] when any is not a body."""
    sentence = document.sentences[index]
    verb = next((t for t in sentence.tokens if t.pos in ("VERB", "AUX")), None)
    if verb is None:
        return []
    listed = _subject_before(sentence.text, verb.start - sentence.start)
    return listed if all(_PARTY_HEAD.match(part) for part in listed) else []


def _split_top_level(phrase: str, cases: dict[str, str] | None = None) -> list[str]:
    """«A, B (C) и D «E и F»» → [A, B (C), D «E и F»]: commas and «и» outside quotes and brackets,
    and only before a new party («министр природных ресурсов и экологии» stays one). A new party
    starts with a name, a known head word, or — given the sentence's `cases` — a word in the case
    of the list's first word («заповедник …, колледж и туристическая компания …»: nominatives)."""
    phrase = re.sub(r",?\s+а\s+также\s+", ", ", phrase)
    starts_party = _party_start_test(phrase, cases)
    parts, depth, quotes, current, index = [], 0, 0, "", 0
    while index < len(phrase):
        char = phrase[index]
        depth += char == "(" and 1 or 0
        depth -= char == ")" and 1 or 0
        depth = max(depth, 0)
        quotes = _quote_depth(phrase, index, quotes)
        rest = phrase[index + 1 :].lstrip()
        if (
            depth + quotes == 0
            and char == ","
            and (starts_party(rest) or _SIGNATORY_ENDS.search(current) and rest[:1].islower())
        ):
            parts.append(current)
            current = ""
        elif (
            depth + quotes == 0
            and phrase[index : index + 3] == " и "
            and starts_party(phrase[index + 3 :])
        ):
            parts.append(current)
            current, index = "", index + 2
        else:
            current += char
        index += 1
    parts.append(current)
    return [p.strip(" ,*–—-") for p in parts if len(p.strip(" ,*–—-")) > 1]


# «директор ФГБУ … Николай Будаев, генеральный директор ООО …»: a part ending in a person's
# first name and surname; a comma after it and a title in lower case start the next signatory.
_SIGNATORY_ENDS = re.compile(
    r"\b[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+(?:ов|ев|ин|ын|ий|ой|ая|ова|ева|ина|ына)$"
)


def _quote_depth(phrase: str, index: int, depth: int) -> int:
    """Open «» quotes after the character at `index`. Russian nests quotes by collapsing them:
    «Национальный парк «Мещерские озёра» has one closing mark, so a » not followed by another
    closes every open quote."""
    char = phrase[index]
    if char == "«":
        return depth + 1
    if char == "»":
        return max(depth - 1, 0) if phrase[index + 1 : index + 2] == "»" else 0
    return depth


# Cases in which conjoined parties are told apart from a name's dependents (genitives).
_CASE_GROUPS = {"Nom": "direct", "Acc": "direct", "Ins": "instrumental"}


def _party_start_test(phrase: str, cases: dict[str, str] | None):
    """Whether a text starts a new coordinated party: a known head, or a noun or adjective in the
    case of the list's first word when that case is the nominative (the tagger often says
    accusative for the same form) or the instrumental. A genitive list cannot tell «A и B» from
    «министерство природы и экологии», so it keeps to the head words."""
    words = re.findall(r"[А-ЯЁа-яё-]+", phrase)
    first = next(
        (_CASE_GROUPS.get(cases[w.lower()]) for w in words if w.lower() in (cases or {})), None
    )
    if first is None:
        return _PARTY_HEAD.match

    def starts_party(rest: str):
        word = re.match(r"[А-ЯЁа-яё-]+", rest)
        case = cases.get(word.group(0).lower()) if word else None
        return _PARTY_HEAD.match(rest) or _CASE_GROUPS.get(case) == first

    return starts_party


def _is_body(part: str, cases: dict[str, str]) -> bool:
    """A coordinated part that names a body: a known head word, or a noun phrase in the direct
    case («детская школа искусств», «городская библиотека»)."""
    word = re.match(r"[А-ЯЁа-яё-]+", part)
    return bool(
        _PARTY_HEAD.match(part)
        or word
        and _CASE_GROUPS.get(cases.get(word.group(0).lower(), "")) == "direct"
    )


def _sentence_cases(document: Document, index: int) -> dict[str, str]:
    """The case natasha's tagger gave each noun and adjective of a sentence, by lower-cased word
    (the first reading of a repeated word)."""
    cases: dict[str, str] = {}
    for token in document.sentences[index].tokens:
        if token.pos in ("NOUN", "PROPN", "ADJ") and "Case" in token.feats:
            cases.setdefault(token.text.lower(), token.feats["Case"])
    return cases


def _expand_region_lists(parts: list[str]) -> list[str]:
    """«Ленинградской, Псковской и Вологодской областей» is three parties: a part that is a region
    list with a shared head noun (the yargy grammar of region_lists) is split into its regions."""
    from loaders.geo.regions import region_index
    from loaders.text.region_lists import find_region_lists

    expanded = []
    for part in parts:
        listed = find_region_lists(part, region_index()) if len(part) < 300 else []
        expanded.extend([item.text for item in listed] if len(listed) > 1 else [part])
    return expanded


def _leading_circumstances(subject: str) -> str:
    """The subject without a leading date, «сегодня», place or frame («В ходе форума …»)."""
    subject = re.sub(
        r"^.*?(?:\d{1,2}\s+[а-яё]+\s+\d{4}\s*(?:года|г\.)?|\d{4}\s*(?:года|г\.)?|сегодня|вчера"
        r"|\d{1,2}\s+[а-яё]+)\s*,?\s*",
        "",
        subject,
        flags=re.I,
    )
    subject = re.sub(
        r"^\s*(?:в|во|на)\s+(?:[а-яё]+\s+)?день(?:\s+[а-яё]+)?[,\s]*", "", subject, flags=re.I
    )
    subject = re.sub(r"^\s*(?:на|в|во)\s+(?:закрытии|открытии)[,\s]*", "", subject, flags=re.I)
    subject = re.sub(
        r"^\s*(?:в|во)\s+(?:(?:минувш|прошл|эт)\w+\s+)?(?:понедельник|вторник|среду|четверг"
        r"|пятницу|субботу|воскресенье)[,\s]*",
        "",
        subject,
        flags=re.I,
    )
    subject = re.sub(r"^(?:(?:[Вв]о?|[Нн]а)\s+[а-яё\s-]+,\s*)+", "", subject)
    subject = re.sub(
        r"^(?:в\s+ходе|в\s+рамках|на\s+полях|на\s+площадке)\s+[^«]*?(?=«)", "", subject, flags=re.I
    )
    return re.sub(
        r"^(?:в|во|на)\s+[^А-ЯЁ«]*?[А-ЯЁ][\w-]+(?:\s+[а-яё]+)*\s+(?=[а-яА-ЯЁ])", "", subject
    )


def _subject_before(
    sentence: str, verb_start: int, cases: dict[str, str] | None = None
) -> list[str]:
    """Coordinated subjects right before a signing verb, a leading date or place dropped."""
    subject = _TRAILING_DATE.sub(" ", sentence[:verb_start])
    return _split_top_level(_leading_circumstances(subject), cases)


def _syntax_subjects(document: Document, index: int, verb_start: int) -> int:
    """How many coordinated subjects (or instrumental agents) the signing verb at `verb_start`
    has, by natasha's dependency parse: its nsubj (or obl in the instrumental) plus their conj."""
    sentence = document.sentences[index]
    parsed = document.syntax(index)
    verb = next((t for t in parsed if t.start == sentence.start + verb_start), None)
    if verb is None:
        return 0
    tokens = {t.start: t for t in sentence.tokens}
    heads = [
        t
        for t in parsed
        if t.head == verb.index
        and (
            t.relation == "nsubj"
            or t.relation == "obl"
            and tokens.get(t.start)
            and tokens[t.start].feats.get("Case") == "Ins"
        )
        and not _NOUN.match(t.text)
    ]
    if len(heads) != 1:
        return len(heads)
    return 1 + sum(1 for t in parsed if t.head == heads[0].index and t.relation == "conj")


def _parties(document: Document, index: int) -> tuple[list[str], int | None, str]:
    """(parties as written, how many, rule) of one agreement sentence."""
    sentence = document.sentences[index].text
    cases = _sentence_cases(document, index)
    between = _BETWEEN.search(sentence)
    if between:
        listed = _expand_region_lists(_split_top_level(between.group(1), cases))
        if len(listed) >= 2:
            return listed, len(listed), "«между A и B»"
    became = _PARTIES_BECAME.search(sentence)
    if became:
        listed = _split_top_level(became.group(1), cases)
        if len(listed) >= 2:
            return listed, len(listed), "«сторонами стали A, B и C»"
    if _BOTH_SIDES.search(sentence):
        return [], 2, "«обе стороны»"
    if re.match(r"\s*Стороны\b", sentence) and index > 0:
        earlier = _subjects_of_sentence(document, index - 1)
        if len(earlier) >= 2:
            return earlier, len(earlier), "«Стороны …»: the subjects of the sentence before"
    counted_signers = _counted_signers(sentence)
    if counted_signers:
        return counted_signers
    plural = re.search(
        r"\b(подписали|заключили|продлили|перезаключили|скрепили|поставили)\b", sentence
    )
    if plural:
        listed = _subject_before(sentence, plural.start(), cases)
        together = re.search(r"\s+совместно\s+со?\s+", listed[-1]) if listed else None
        if together:  # «A совместно с B заключили»
            listed[-1:] = [listed[-1][: together.start()], listed[-1][together.end() :]]
        noun = _NOUN.search(sentence[: plural.start()])
        if len(listed) >= 2 and not (noun and noun.start() < 3):
            return listed, len(listed), "subjects of the plural verb"
        after = _split_top_level(sentence[plural.end() :].strip(" ."), cases)
        object_first = noun or re.search(r"документ", sentence[: plural.start()], re.I)
        if object_first and len(after) >= 2 and all(_is_body(part, cases) for part in after):
            return after, len(after), "subjects after the verb («соглашение заключили A и B»)"
        counted = _syntax_subjects(document, index, plural.start())
        if counted >= 2:
            after = re.split(r"[:;]|\s[–—]\s", sentence[plural.end() :])[0].strip(" .")
            return _split_top_level(after) or [after], counted, "subjects after the verb (syntax)"
    passive = re.search(r"\bподписан[оа]?\b", sentence)
    if passive:
        agents = _subject_before(sentence, passive.start(), cases)
        if len(agents) >= 2 and all(_is_instrumental(document, index, a) for a in agents):
            return agents, len(agents), "agents of «подписано» in the instrumental"
    singular = re.search(r"\b(подписал[аио]?|заключил[аио]?)\b", sentence)
    if singular:
        partner = _WITH.search(sentence[singular.end() :])
        subject = _subject_before(sentence, singular.start())
        if partner:
            return [*(subject[-1:] or ["?"]), partner.group(1).strip()], 2, "«A подписал … с B»"
        noun = _NOUN.search(sentence[: singular.start()])
        partner = _WITH.search(sentence[noun.end() : singular.start()]) if noun else None
        signer = sentence[singular.end() :].strip(" .")
        if partner and signer:  # «Соглашение … с фондом X подписал губернатор …»
            return [signer, partner.group(1).strip()], 2, "«соглашение … с B подписал A»"
    elided = re.match(r"\s*(.+?)\s+[–—-]\s+(?:соглашени|меморандум)", sentence)
    if elided:  # a list item with the verb elided: «A и B — соглашение между …»
        listed = _split_top_level(_leading_circumstances(elided.group(1)), cases)
        if len(listed) >= 2:
            return listed, len(listed), "subjects of an item whose verb is elided"
    genitive = _genitive_parties(document, index)
    if genitive:
        return genitive, len(genitive), "genitive after «подписание соглашения»"
    noun = _NOUN.search(sentence)
    partner = _WITH.search(sentence[noun.end() :]) if noun else None
    if (
        partner
        and not _TERMS_AFTER_WITH.match(partner.group(1))
        and re.search(r"подписан|подписани|заключен", sentence, re.I)
    ):
        return ["?", partner.group(1).strip()], 2, "«соглашение с B» (the other side: the page's)"
    return [], None, ""


def _counted_signers(sentence: str) -> tuple[list[str], int, str] | None:
    """«заключили … сразу четыре стороны: A, B, C и D», «три организации скрепили подписями
    соглашение: …»: a numeral with «стороны» / «организации» next to the signing verb is the
    count; the list after a colon, when it has as many items, names them."""
    for match in _COUNTED_SIGNERS.finditer(sentence):
        near = sentence[max(0, match.start() - 60) : match.end() + 60]
        if not _SIGNING.search(near):
            continue
        count = _SIGNER_COUNT_WORDS[match.group(1).lower()]
        colon = sentence.find(":", match.start())
        listed = _split_top_level(sentence[colon + 1 :].strip(" .")) if colon >= 0 else []
        return (listed if 2 <= len(listed) <= count else []), count, "a numeral of signers"
    return None


def _is_instrumental(document: Document, index: int, phrase: str) -> bool:
    sentence = document.sentences[index]
    start = sentence.text.find(phrase)
    tokens = document.tokens_in(sentence.start + start, sentence.start + start + len(phrase))
    words = [t for t in tokens if t.pos in ("NOUN", "PROPN")]
    return bool(words) and words[0].feats.get("Case") == "Ins"


def _genitive_parties(document: Document, index: int) -> list[str]:
    """«подписание … соглашения о сотрудничестве A и B»: coordinated genitives right after the
    noun's «о …» complement name the parties."""
    sentence = document.sentences[index]
    if not re.search(r"подписани", sentence.text, re.I):
        return []
    match = re.search(
        r"(?:соглашени\w*|меморандум\w*)\s+(?:о|об)\s+[а-яё]+\s+(.+?)(?=[.;:]|,\s|\s+[–—-]\s|$)",
        sentence.text,
        re.I,
    )
    if not match:
        return []
    start = sentence.start + match.start(1)
    tokens = document.tokens_in(start, sentence.start + match.end(1))
    words = [t for t in tokens if t.pos in ("NOUN", "PROPN", "ADJ")]
    if not words or words[0].feats.get("Case") != "Gen":
        return []
    parts = _split_top_level(match.group(1))
    return parts if len(parts) >= 2 else []


def _sides(sentence: str) -> int | None:
    match = _SIDES.search(sentence)
    if not match:
        return None
    return int(match.group(1)) if match.group(1) else _SIDE_NUMBERS[match.group(2).lower()]


@dataclasses.dataclass
class _Noun:
    """The agreement noun of a sentence and how it is counted."""

    match: re.Match
    plural: bool
    another: bool  # «ещё одно соглашение», «третье соглашение»: not one told before


def _agreement_noun(document: Document, sentence: Sentence) -> _Noun | None:
    """The agreement noun that a sentence tells of, skipping nouns in a frame («в рамках
    соглашения») and counted plurals («7 соглашений», a count that heads a list is read apart)."""
    for noun in _NOUN.finditer(sentence.text):
        before = sentence.text[: noun.start()]
        if _FRAME_BEFORE.search(before) or _COUNT_BEFORE.search(before):
            continue
        word = noun.group(0).lower()
        tokens = document.tokens_in(sentence.start + noun.start(), sentence.start + noun.end())
        plural = word in _PLURAL_NOUN or (
            bool(tokens)
            and tokens[0].feats.get("Number") == "Plur"
            and not _ANOTHER_BEFORE.search(before)
        )
        return _Noun(noun, plural, bool(_ANOTHER_BEFORE.search(before)))
    return None


def _listed_count(document: Document, index: int) -> int | None:
    """«Два соглашения … подписаны …:» — how many agreements the following items tell of; a
    heading without a count («были подписаны соглашения:») counts the items that follow it
    («1) между A и B — о …»)."""
    sentence = document.sentences[index]
    if not sentence.text.rstrip().endswith(":") or not _SIGNING.search(sentence.text):
        return None
    match = re.match(
        r"\s*(два|две|три|четыре|пять|шесть|\d)\s+(?:соглашени|меморандум)\w*", sentence.text, re.I
    )
    if match:
        word = match.group(1).lower()
        return int(word) if word.isdigit() else _COUNT_WORDS[word]
    if not _NOUN.search(sentence.text):
        return None
    items = 0
    for item in document.sentences[index + 1 :]:
        if not (
            _LIST_ITEM.match(item.text) and (_BETWEEN.search(item.text) or _WITH.search(item.text))
        ):
            break
        items += 1
    return items if items >= 2 else None


def _series_date(document: Document, index: int) -> DateSpan | None:
    """The date of an earlier sentence that announced the signing(s) («состоялось подписание
    соглашений»), up to four sentences back."""
    for back in range(index - 1, max(-1, index - 7), -1):
        previous = document.sentences[back]
        announces = _NOUN.search(previous.text) and re.search(
            r"подписани|подписал|подписан|заключ", previous.text, re.I
        )
        if announces or re.search(r"\bподписани[йя]\b", previous.text, re.I):
            day = _sentence_day(document, back) or _programme_day(document, back)
            if day:
                return day
    return None


def _sentence_day(document: Document, index: int) -> DateSpan | None:
    """The day a sentence is dated by: a single day of its own; else, when its only dates span
    several days («на форуме, который проходит 26–28 ноября»), the programme day it names («Во
    второй день») or the span's first day."""
    sentence = document.sentences[index]
    own = _day_dates(document, sentence, skip=_earlier_signing_clauses(sentence))
    single = [span for span in own if span.end == span.start]
    if single or not own:
        return single[0] if single else None
    return _programme_day(document, index) or own[0]


def _day_dates(
    document: Document, sentence: Sentence, skip: list[tuple[int, int]] = ()
) -> list[DateSpan]:
    """Day-precise dates of a sentence; a day written without a year takes the page's year (the
    default year can come from a decree's date elsewhere in the text)."""
    found = []
    for start, end, span in document.dates_in(sentence.start, sentence.end):
        if span.precision != "day" or any(a <= start < b for a, b in skip):
            continue
        written = sentence.text[start:end]
        if document.published and not re.search(r"\d{4}|\.\d{2}\b", written):
            span = _in_year(span, document.published)
        weekday = _WEEKDAY_BEFORE.search(sentence.text[:start])
        if weekday and not re.search(r"\d{4}", written):
            span = _year_of_weekday(span, weekday.group(1))
        found.append(span)
    return found


def _year_of_weekday(span: DateSpan, weekday: str) -> DateSpan:
    """«В четверг, 10 октября» without a year: the weekday names the year, searched from the
    year already assumed, then the year before and after."""
    wanted = next(n for n, stem in enumerate(_WEEKDAYS) if weekday.lower().startswith(stem))
    for shift in (0, -1, 1):
        try:
            day = span.start.replace(year=span.start.year + shift)
        except ValueError:  # 29 February
            continue
        if day.weekday() == wanted:
            return DateSpan(day, day, "day")
    return span


def _in_year(span: DateSpan, published: dt.date) -> DateSpan:
    """The span moved to the page's year (the year before when that would be over a month after
    the page), its length kept («26–28 ноября» stays three days)."""
    try:
        day = span.start.replace(year=published.year)
    except ValueError:  # 29 February
        return span
    if day > published + dt.timedelta(days=31):
        day = day.replace(year=published.year - 1)
    return DateSpan(day, day + (span.end - span.start), "day")


def _is_past_background(document: Document, sentence: Sentence) -> bool:
    """«Первое соглашение заключили в 2021 году»: a year (or month) before the page's year and no
    day of its own."""
    if not document.published:
        return False
    if _day_dates(document, sentence):
        return _signed_only_in_a_past_clause(document, sentence)
    earlier = _earlier_signing_clauses(sentence)
    return any(
        span.precision in ("year", "month", "quarter")
        and span.end.year < document.published.year
        and not any(clause_start <= start < clause_end for clause_start, clause_end in earlier)
        for start, _, span in document.dates_in(sentence.start, sentence.end)
    )


def _signed_only_in_a_past_clause(document: Document, sentence: Sentence) -> bool:
    """«Партнёрство строится на соглашении, подписанном 18 апреля 2008 года»: the only signing
    cue is a participle clause dated by a day of an earlier year than the page's — an agreement
    in force, not one signed now."""
    clauses = [m.span() for m in _EARLIER_SIGNING_CLAUSE.finditer(sentence.text)]
    if not clauses:
        return False
    cues = [m.start() for m in _SIGNING.finditer(sentence.text)]
    if not cues or not all(any(a <= cue < b for a, b in clauses) for cue in cues):
        return False
    days = [
        span
        for start, _, span in document.dates_in(sentence.start, sentence.end)
        if any(a <= start < b for a, b in clauses)
    ]
    return bool(days) and all(span.end.year < document.published.year for span in days)


def _earlier_signing_clauses(sentence: Sentence) -> list[tuple[int, int]]:
    """Spans of «…, впервые заключённое в 2019 году» when the main clause has a signing verb of
    its own («продлили соглашение, впервые заключённое в 2019 году»): the past year there dates
    the first signing, not this one. Without a verb outside them, they date the agreement."""
    clauses = [m.span() for m in _EARLIER_SIGNING_CLAUSE.finditer(sentence.text)]
    outside, last = "", 0
    for start, end in clauses:
        outside, last = outside + sentence.text[last:start], end
    outside += sentence.text[last:]
    return clauses if clauses and _SIGNING.search(outside) else []


def _programme_day(document: Document, index: int) -> DateSpan | None:
    """«В первый день форума», «На закрытии»: the day counted from the first span of several days
    told before the sentence («С 10 по 12 сентября работал форум»); None without such a span."""
    match = _PROGRAMME_DAY.search(document.sentences[index].text)
    if not match:
        return None
    days = _programme_days(document, index)
    if days is None:
        return None
    first, last = days
    ordinal = (match.group(1) or "").lower()
    if ordinal in _PROGRAMME_ORDINALS:
        day = first + dt.timedelta(days=_PROGRAMME_ORDINALS[ordinal])
        return DateSpan(day, day, "day") if day <= last else None
    opening = (match.group(2) or match.group(3) or "").lower().startswith("открыт")
    day = first if opening else last
    return DateSpan(day, day, "day")


def _programme_days(document: Document, index: int) -> tuple[dt.date, dt.date] | None:
    """(first, last) day of the first span of several days in the sentences up to `index`, a span
    written without a year taking the page's year."""
    end = document.sentences[index].end
    for start, stop, span in document.dates_in(0, end):
        if span.precision not in ("day", "range") or span.end <= span.start:
            continue
        if (span.end - span.start).days > 14:
            continue
        written = document.text[start:stop]
        if document.published and not re.search(r"\d{4}", written):
            first = _in_year(DateSpan(span.start, span.start, "day"), document.published).start
            return first, first + (span.end - span.start)
        return span.start, span.end
    return None


def _date(document: Document, index: int) -> tuple[DateSpan | None, str, bool]:
    sentence = document.sentences[index]
    own = _sentence_day(document, index)
    if own:
        return own, "date in its sentence", True
    if _SAME_DAY.search(sentence.text):
        for back in range(index - 1, max(-1, index - 4), -1):
            earlier = _day_dates(document, document.sentences[back])
            if earlier:
                return earlier[-1], "«в тот же день»: the day of an earlier sentence", True
    programme = _programme_day(document, index)
    if programme:
        return programme, "a day of the programme («в первый день форума»)", True
    relative = _relative_day(document, sentence)
    if relative:
        return relative, "a day named relative to the page date", True
    context = None
    if not _is_headline(document, sentence):  # a headline is dated through the body it sums up
        context = _told_after(document, index) or _paragraph_day(document, index)
        context = context or _frame_day(document, index)
    if context:
        return context[0], context[1], True
    series = _series_date(document, index)
    if series:
        return series, "date of the sentence announcing the signing", True
    if document.published:
        published = document.published
        return DateSpan(published, published, "day"), "page date", False
    dateline = _dateline_day(document)
    if dateline:
        return dateline, "the dateline's day, its year from the text (no page date)", False
    return None, "no date", False


# «документ был подписан 2 апреля», «Подписи под продлением поставили в среду, 9 июля», «Это
# случилось 3 июня»: a later sentence that tells the same signing and can carry its day.
_TELLS_THE_SIGNING = re.compile(
    r"подпис|документ|церемони|\b(?:это|что)\s+(?:случилось|произошло|было)\b", re.I
)
# «В ходе заседания подписано …», «на форуме подписали …»: the signing inside an event told earlier.
_EVENT_FRAME = re.compile(
    r"\b(?:в\s+ходе|во\s+время|в\s+рамках|на)\s+(?:[а-яё]+\s+)?"
    r"(заседани|форум|совещани|встреч|конференци|сесси|съезд|сл[её]т|фестивал|выставк)\w*",
    re.I,
)


def _told_after(document: Document, index: int) -> tuple[DateSpan, str] | None:
    """An undated signing whose day is told in one of the next two sentences about the same
    signing («… объявили о заключении соглашения. Как уточнили в пресс-службе, документ был
    подписан 2 апреля»); a sentence telling another agreement ends the search."""
    for ahead in range(index + 1, min(index + 3, len(document.sentences))):
        sentence = document.sentences[ahead]
        noun = _agreement_noun(document, sentence)
        if (noun and (noun.another or noun.plural)) or _is_intent(sentence):
            return None
        if not _TELLS_THE_SIGNING.search(sentence.text):
            continue
        days = [span for span in _day_dates(document, sentence) if span.start == span.end]
        if days:
            return days[0], "date of a later sentence telling the same signing"
    return None


def _paragraph_day(document: Document, index: int) -> tuple[DateSpan, str] | None:
    """An undated signing takes the day of the sentence before it in the same paragraph («27
    ноября в Казани пять организаций объединились. … соглашение подписали …»), or the programme
    day told there («Второй день был посвящён … . Здесь свои подписи поставили …»)."""
    for back in range(index - 1, max(-1, index - 3), -1):
        between = document.text[document.sentences[back].end : document.sentences[back + 1].start]
        if "\n" in between:
            return None
        day = _sentence_day(document, back) or _programme_day(document, back)
        if day and day.start == day.end and day.start != document.published:
            return day, "date of the sentence before, in the same paragraph"
    return None


def _frame_day(document: Document, index: int) -> tuple[DateSpan, str] | None:
    """«В ходе заседания подписано соглашение»: the day of the nearest earlier sentence that
    names that event with a day of its own («5 февраля в Перми прошло заседание …»)."""
    frame = _EVENT_FRAME.search(document.sentences[index].text)
    if not frame:
        return None
    stem = frame.group(1).lower().replace("ё", "е")
    for back in range(index - 1, -1, -1):
        earlier = document.sentences[back]
        if stem not in earlier.text.lower().replace("ё", "е"):
            continue
        day = _sentence_day(document, back)
        if day:
            return day, "the day of the event the signing was part of"
    return None


def _dateline_day(document: Document) -> DateSpan | None:
    """«Краснодар, 22 апреля.»: a day written without a year in the first lines, the year taken
    from the text's other dates (the page date proper needs a year)."""
    head_end = sum(len(line) + 1 for line in document.text.split("\n")[:4])
    return next(
        (
            span
            for start, end, span in document.dates
            if end <= head_end and span.precision == "day" and span.end == span.start
        ),
        None,
    )


def _key_words(party: str) -> set[str]:
    """Words that identify a party: content lemmas, abbreviations as written, the initials of the
    whole name («Всероссийское общество охраны природы» → «вооп»), and «government» for officials
    and bodies of a regional government."""
    words = re.findall(r"[А-ЯЁA-Zа-яёa-z]+", party)
    keys = {lemma(w) for w in words if len(w) >= 4 and lemma(w) not in _GENERIC_WORDS}
    keys |= {w.lower() for w in words if w.isupper() and 2 < len(w) < 7}
    initials = "".join(w[0] for w in words if len(w) > 2).lower()
    if len(initials) > 2:
        keys.add(initials)
    if _GOVERNMENT.search(party):
        keys.add("<government>")
    return keys


def _make_agreement(
    document: Document,
    index: int,
    noun: re.Match | None,
    multiple: tuple[int, str] | None = None,
) -> ExtractedAgreement:
    """One agreement read from sentence `index` (for a plural noun, the `multiple` = (partner
    number, partner) one)."""
    sentence = document.sentences[index]
    sides = _sides(sentence.text)
    parties, counted, party_rule = _parties(document, index)
    if multiple:
        parties, counted, party_rule = (
            [*(parties[:1] or ["?"]), multiple[1]],
            2,
            "one partner of «подписал соглашения с A, B и C»",
        )
    date, date_rule, explicit = _date(document, index)
    host, _ = host_and_participants(document, sentence)
    if host is None:
        host = _dateline_settlement(document)
    region = host.region_code if host else _region_of_parties(document, sentence)
    subject = re.search(
        r"(?:соглашени\w*|меморандум\w*)\s+((?:о|об)\s+[^.,;]{3,120})", sentence.text, re.I
    )
    count = sides or counted
    confidence = 0.5 + 0.2 * bool(count) + 0.2 * explicit + 0.1 * bool(parties)
    cue = noun.group(0) if noun else "документ"
    return ExtractedAgreement(
        headline=_is_headline(document, sentence) and not explicit,
        date=date,
        parties_count=count,
        parties=[p for p in parties if p != "?"],
        settlement=host,
        region_code=region,
        subject=subject.group(1) if subject else None,
        passage=Passage(sentence.start, sentence.end),
        explicit_date=explicit,
        confidence=round(min(confidence, 0.95), 2),
        reason="; ".join(
            part
            for part in (
                f"«{cue}» + signing cue",
                "parties from the numeral adjective" if sides else party_rule,
                date_rule,
            )
            if part
        ),
    )


def _complete_from_follow_up(document: Document, agreement: ExtractedAgreement, index: int) -> None:
    """«Документ подписан во вторник, 12 сентября, в Екатеринбурге …»: the sentence after the
    agreement's gives what it lacks — a date of its own, the place, how many signed."""
    sentence = document.sentences[index]
    if not agreement.explicit_date:
        own = _day_dates(document, sentence) or [_relative_day(document, sentence)]
        if own[0]:
            agreement.date, agreement.explicit_date = own[0], True
            agreement.reason += "; date of the follow-up sentence"
            agreement.confidence = round(min(agreement.confidence + 0.2, 0.95), 2)
            agreement.headline = False
    host, _ = host_and_participants(document, sentence)
    if host is not None and (agreement.settlement is None or agreement.headline):
        agreement.settlement, agreement.region_code = (
            host,
            host.region_code or agreement.region_code,
        )
    if not agreement.parties_count:
        parties, counted, rule = _parties(document, index)
        if counted:
            agreement.parties_count = counted
            agreement.parties = agreement.parties or [p for p in parties if p != "?"]
            agreement.reason += f"; parties from the follow-up sentence ({rule})"


def extract_agreements(document: Document) -> list[ExtractedAgreement]:
    """One row per signed agreement (a headline and the body telling of one agreement are
    merged)."""
    found: list[tuple[ExtractedAgreement, bool]] = []  # (agreement, never merged into another)
    announced: list[tuple[int, int]] = []  # (sentence index, how many agreements it announced)
    listed_left = 0
    last_index = -10
    run_until = (
        -1
    )  # the last sentence a run of signings («церемония подписания соглашений») reaches
    for index, sentence in enumerate(document.sentences):
        count_heading = _listed_count(document, index)
        if count_heading:
            listed_left = count_heading
            continue
        if _RUN_ANNOUNCED.search(sentence.text):
            run_until = index + 6
        announced_count = _announced_count(document, index)
        if announced_count:
            announced.append((index, announced_count))
        noun = _agreement_noun(document, sentence)
        listed_item = listed_left > 0 and bool(_LIST_ITEM.match(sentence.text))
        named_document = noun is None and not found and _document_for_agreement(document, sentence)
        run_item = noun is None and index <= run_until and _is_run_item(sentence)
        named_document = named_document or run_item
        if noun is None and not _sides(sentence.text) and not (listed_item or named_document):
            if found and index - last_index <= 2 and _is_follow_up(sentence):
                last_start = document.sentences[last_index].start
                for agreement, _ in found:
                    if agreement.passage.start == last_start:
                        _complete_from_follow_up(document, agreement, index)
            continue
        signed = _SIGNING.search(sentence.text) or _BETWEEN.search(sentence.text)
        in_list = listed_left > 0 and (noun is not None and not noun.plural or listed_item)
        if not (signed or in_list) or _is_intent(sentence):
            continue
        if _is_past_background(document, sentence):
            continue
        if noun is not None and noun.plural:
            partners = _counted_partners(document, index, noun.match) or _plural_partners(
                sentence, noun.match
            )
            for number, partner in enumerate(partners):
                found.append(
                    (_make_agreement(document, index, noun.match, (number, partner)), True)
                )
            if partners:
                last_index = index
            continue
        agreement = _make_agreement(document, index, noun.match if noun else None)
        if in_list:
            listed_left -= 1
            if agreement.date and not agreement.explicit_date:
                series = _series_date(document, index)
                agreement.date = series or agreement.date
        found.append((agreement, in_list or run_item or bool(noun and noun.another)))
        last_index = index
    agreements = _one_per_agreement(found)
    for index, count in announced:
        agreements = _with_announced(document, agreements, index, count)
    for agreement in agreements:
        if agreement.parties_count is None:
            _count_two_by_default(agreement)
    return agreements


def _count_two_by_default(agreement: ExtractedAgreement) -> None:
    """A signing whose parties no rule could count is taken as bilateral: four in five real
    agreements are (tests/extraction_dev/PHRASINGS.md §11), and «unknown» is always wrong. The
    confidence stays without the count's share, and the reason says it is a default."""
    agreement.parties_count = 2
    agreement.reason += "; parties not readable: 2 by default (most agreements are bilateral)"


def _announced_count(document: Document, index: int) -> int | None:
    """«5 сентября министерство подписало два соглашения.»: a dated sentence that counts the
    agreements it signs (a count of a year's agreements has no day, and is not read)."""
    sentence = document.sentences[index]
    match = _ANNOUNCED.search(sentence.text)
    if not match or not _SIGNING.search(sentence.text) or _is_intent(sentence):
        return None
    if not (_day_dates(document, sentence) or _relative_day(document, sentence)):
        return None
    return _COUNT_WORDS[match.group(1).lower()]


def _with_announced(
    document: Document, agreements: list[ExtractedAgreement], index: int, count: int
) -> list[ExtractedAgreement]:
    """The announced agreements that the next sentences do not tell one by one («Первое — с A
    …»: an item without the noun) are added on the announcement's date; one signer («министерство
    подписало») makes each bilateral."""
    sentence = document.sentences[index]
    window_end = document.sentences[min(index + 6, len(document.sentences) - 1)].end
    told = [a for a in agreements if sentence.start <= a.passage.start < window_end]
    if len(told) >= count:
        return agreements
    parties, counted, rule = _parties(document, index)
    singular = re.search(r"\b(?:подписал[аио]?|заключил[аио]?)\b", sentence.text)
    date, date_rule, explicit = _date(document, index)
    host, _ = host_and_participants(document, sentence)
    host = host or _dateline_settlement(document)
    added = [
        ExtractedAgreement(
            headline=False,
            date=date,
            parties_count=counted or (2 if singular else None),
            parties=[p for p in parties if p != "?"][:1],
            settlement=host,
            region_code=host.region_code if host else _region_of_parties(document, sentence),
            subject=None,
            passage=Passage(sentence.start, sentence.end),
            explicit_date=explicit,
            confidence=0.6,
            reason=f"one of {count} agreements the sentence counts, not told one by one; "
            + (rule or "one signer: bilateral")
            + f"; {date_rule}",
        )
        for _ in range(count - len(told))
    ]
    return sorted([*agreements, *added], key=lambda a: a.passage.start)


def _is_intent(sentence: Sentence) -> bool:
    """An intent, plan or past agreement in the sentence's main clause (a relative clause after
    the agreement tells what the parties plan under it)."""
    return bool(_NOT_SIGNED.search(_RELATIVE_CLAUSE.split(sentence.text, maxsplit=1)[0]))


def _document_for_agreement(document: Document, sentence: Sentence) -> bool:
    """«Соответствующий документ сегодня подписали министр … и ректор …»: «документ» with a
    signing verb tells of the agreement when the text names an agreement elsewhere (even only in
    «по условиям соглашения») and no agreement sentence came before."""
    return bool(
        _DOCUMENT_SIGNED.search(sentence.text)
        and _NOUN.search(document.text)
        and not _is_intent(sentence)
    )


def _is_run_item(sentence: Sentence) -> bool:
    """Inside a run of signings, a sentence that tells one more signing without the noun: its own
    signing cue («Первым свои подписи поставили A и B»), or «документ» with an ordinal («Третий
    документ … подписали …»); a plain follow-up («Документ подписали …») completes the one
    before."""
    if (
        not _SIGNING.search(sentence.text)
        or _RUN_ANNOUNCED.search(sentence.text)
        or _is_intent(sentence)
    ):
        return False
    return bool(_ORDINAL_DOCUMENT.match(sentence.text)) or not _is_follow_up(sentence)


def _is_follow_up(sentence: Sentence) -> bool:
    return bool(
        _FOLLOW_UP.match(sentence.text)
        and (
            re.search(r"подпис|скрепил|заключ", sentence.text, re.I)
            or _SIGNING_TOOK_PLACE.search(sentence.text)
            or _PARTIES_BECAME.search(sentence.text)
        )
        and not _is_intent(sentence)
    )


def _plural_partners(sentence: Sentence, noun: re.Match) -> list[str]:
    """«подписало соглашения о сотрудничестве с A, B и C» → [A, B, C]: one bilateral agreement per
    partner; a plural without a partner list is a count, not agreements."""
    rest = sentence.text[noun.end() :]
    partner = re.search(r"\bсо?\s+(?=[А-ЯЁа-яё«])", rest)
    if not partner or not re.search(
        r"подписал\w*|заключил\w*|подписан\w*", sentence.text[: noun.end() + partner.start()], re.I
    ):
        return []
    phrase = _WITH.search(_REPEATED_WITH.sub(", ", rest[partner.start() :]))
    if not phrase or re.match(r"(?:представител|муниципальн|район|организаци)", phrase.group(1)):
        return []
    parts = _split_top_level(phrase.group(1))
    return parts if len(parts) >= 2 else []


def _counted_partners(document: Document, index: int, noun: re.Match) -> list[str]:
    """«заключил соглашения … с тремя учебными заведениями»: one bilateral agreement per counted
    partner; the partners are named when one of the next two sentences lists as many («Новыми
    партнёрами стали A, B и C»), else left unnamed («?»)."""
    sentence = document.sentences[index].text
    counted = _COUNTED_PARTNERS.search(sentence, noun.end())
    if not counted or not _SIGNING.search(sentence[: counted.start()]):
        return []
    count = _INSTRUMENTAL_NUMBERS[counted.group(1).lower()]
    for later in document.sentences[index + 1 : index + 3]:
        head = re.search(r"(?:\bстал[иа]?|:|\s[–—]\s)\s*", later.text)
        listed = _split_top_level(later.text[head.end() :].strip(" .")) if head else []
        if len(listed) == count:
            return listed
    return ["?"] * count


def _is_headline(document: Document, sentence: Sentence) -> bool:
    """A whole line near the top without a closing full stop: a headline."""
    text = document.text
    line_start = text.rfind("\n", 0, sentence.start) + 1
    line_end = text.find("\n", sentence.end)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    return (
        text.count("\n", 0, sentence.start) < 6
        and line == sentence.text.strip()
        and not line.endswith((".", ";", ":"))
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


def _one_per_agreement(
    found: list[tuple[ExtractedAgreement, bool]],
) -> list[ExtractedAgreement]:
    """Mentions of one agreement merged: a headline restates the body; a body mention restates
    another unless it is marked as a new one (`distinct`), names a counterparty the other does not,
    or has a different explicit date."""
    kept: list[tuple[ExtractedAgreement, bool]] = []
    order = sorted(
        found, key=lambda item: (item[0].headline, not item[0].explicit_date, item[0].passage.start)
    )
    for agreement, distinct in order:
        same = None
        if not distinct or agreement.headline:
            same = next(
                (
                    k
                    for k, k_distinct in kept
                    if (not k_distinct or agreement.headline) and _same_agreement(k, agreement)
                ),
                None,
            )
        if same is None:
            kept.append((agreement, distinct))
            continue
        if len(agreement.parties) > len(same.parties) and not agreement.headline:
            same.parties = agreement.parties
        same.parties_count = same.parties_count or agreement.parties_count
        same.settlement = same.settlement or agreement.settlement
        same.region_code = same.region_code or agreement.region_code
    return sorted((a for a, _ in kept), key=lambda a: a.passage.start)


def _same_agreement(one: ExtractedAgreement, other: ExtractedAgreement) -> bool:
    if one.headline or other.headline:
        return True  # a headline restates the body's agreement (its party names may be shortened)
    if one.parties_count and other.parties_count and one.parties_count != other.parties_count:
        return False
    if one.explicit_date and other.explicit_date and one.date != other.date:
        return False
    if _signatories_only(one.parties) != _signatories_only(other.parties):
        return True  # bodies in one mention, the people who signed for them in the other
    if len(one.parties) >= 2 and len(other.parties) >= 2:
        return bool(_key_words(one.parties[-1]) & _key_words(other.parties[-1])) or bool(
            _key_words(" ".join(one.parties)) & _key_words(" ".join(other.parties))
            and one.parties_count
            and other.parties_count
            and one.parties_count > 2
        )
    return True


def _signatories_only(parties: list[str]) -> bool:
    """«Председатель Правительства республики Таймураз Гагиев», «директор фонда Виктор Лосев»:
    every party is a person's title and name, so its words cannot be matched with the bodies'."""
    return len(parties) >= 2 and all(_SIGNATORY_ENDS.search(party) for party in parties)
