"""Controlled vocabularies: event types, topics, genres, evidence types and the other coded values."""

from __future__ import annotations

import re

EVENT_TYPES = (
    "forum",
    "round_table",
    "meeting",
    "conference",
    "strategic_session",
    "action",
    "workshop",
    "contest",
    "exhibition",
    "fair",
    "quest",
    "other",
)
TOPICS = ("ecology", "volunteering", "civic", "other")
EVIDENCE_TYPES = ("adoption_statement", "internship", "joint_event", "agreement", "other")

EVENT_TYPE_LABELS = {
    "forum": "Форум",
    "round_table": "Круглый стол",
    "meeting": "Заседание",
    "conference": "Конференция",
    "strategic_session": "Стратегическая сессия",
    "action": "Акция",
    "workshop": "Семинар, мастер-класс",
    "contest": "Конкурс",
    "exhibition": "Выставка",
    "fair": "Ярмарка",
    "quest": "Квест",
    "other": "Другое",
}
TOPIC_LABELS = {
    "ecology": "Экология",
    "volunteering": "Добровольчество",
    "civic": "ТОС и гражданские инициативы",
    "other": "Другое",
}
EVIDENCE_LABELS = {
    "adoption_statement": "Заявление о заимствовании",
    "internship": "Стажировка, обмен опытом",
    "joint_event": "Совместное мероприятие",
    "agreement": "Соглашение",
    "other": "Другое",
}
GENRE_LABELS = {
    "event_news": "Новость о мероприятии",
    "invitation": "Приглашение",
    "report": "Отчёт",
    "agreement": "Соглашение",
    "practice_sharing": "Обмен практиками",
    "other": "Другое",
}

# Stems of Russian event nouns, most specific first: «стратегическая сессия» before «сессия».
_EVENT_TYPE_STEMS: list[tuple[str, str]] = [
    (r"стратегическ\w*\s+сесси", "strategic_session"),
    (r"кругл\w*\s+стол", "round_table"),
    (r"форум", "forum"),
    (r"конференц", "conference"),
    (r"заседани|совещани|встреч|собрани", "meeting"),
    (r"акци|субботник|посадк|высадк|уборк|экодесант|марафон|забег", "action"),
    (
        r"семинар|мастер-?класс|стажировк|школ[аеуы]\b|тренинг|лекци|вебинар|практикум|интенсив",
        "workshop",
    ),
    (r"конкурс|баттл|чемпионат|олимпиад|премия", "contest"),
    (r"выставк|показ|экспозици", "exhibition"),
    (r"ярмарк", "fair"),
    (r"квест", "quest"),
]
_EVENT_TYPE_PATTERNS = [(re.compile(stem, re.I), kind) for stem, kind in _EVENT_TYPE_STEMS]

# Topic words as lemmas (whole words, not stems: «водитель» is not «вода»), and prefixes of
# compounds («экоакция», «волонтёр-эколог», «добровольческий»).
TOPIC_LEMMAS: dict[str, set[str]] = {
    "civic": {
        "тос",
        "самоуправление",
        "палата",
        "староста",
        "дружина",
        "нко",
        "благоустройство",
        "инициативный",
        "гражданский",
        "грант",
        "проектирование",
    },
    "ecology": {
        "экология",
        "экологический",
        "эколог",
        "природа",
        "природный",
        "природоохранный",
        "субботник",
        "уборка",
        "мусор",
        "отход",
        "тко",
        "вторсырьё",
        "вторсырье",
        "переработка",
        "макулатура",
        "пластик",
        "батарейка",
        "берег",
        "водоём",
        "водоем",
        "река",
        "озеро",
        "очистка",
        "посадка",
        "высадка",
        "саженец",
        "дерево",
        "лес",
        "лесной",
        "лесничество",
        "оопт",
        "заповедник",
        "заповедный",
        "нацпарк",
        "экотропа",
        "биоразнообразие",
        "краснокнижный",
        "рекультивация",
        "плоггинг",
        "климат",
        "вода",
        "родник",
        "озеленение",
        "чистый",
        "зелёный",
        "зеленый",
        "раздельный",
        "парк",
        "сквер",
        "птица",
        "животное",
    },
    "volunteering": {
        "волонтёр",
        "волонтер",
        "волонтёрский",
        "волонтерский",
        "волонтёрство",
        "волонтерство",
        "доброволец",
        "добровольчество",
        "добровольческий",
        "добро.центр",
        "мобильность",
        "стажировка",
        "отряд",
        "молодёжь",
        "молодежь",
        "молодёжный",
        "молодежный",
    },
}
TOPIC_PREFIXES: dict[str, tuple[str, ...]] = {
    "ecology": ("эко", "природо", "лесо", "водо"),
    "volunteering": ("волонт", "доброво"),
    "civic": ("тос-",),
}
# Civic words are weaker alone (every council is «общественный»): they win only with a ТОС word.
_TOPIC_WEIGHT = {"ecology": 1.0, "volunteering": 1.0, "civic": 0.6}
_CIVIC_CORE = {"тос", "самоуправление", "староста", "благоустройство", "инициативный"}
_WORD = re.compile(r"[а-яёa-z][а-яёa-z.-]*", re.I)
_NOT_ECOLOGY_PREFIX = ("водител", "водопровод", "водк", "экономик", "экономич", "экскурс", "экзам")


_STEM_END = re.compile(r"(ый|ий|ой|ая|ое|ие|ье|ие|[аеиоуыяйь])$")
_TOPIC_STEMS: dict[str, list[str]] = {}
for _words in TOPIC_LEMMAS.values():
    for _word in sorted(_words, key=len, reverse=True):
        _TOPIC_STEMS.setdefault(_word.replace("ё", "е")[:3], []).append(_word.replace("ё", "е"))


def _topic_hits(word: str) -> list[str]:
    word = word.lower()
    hits = [topic for topic, words in TOPIC_LEMMAS.items() if word in words]
    if not hits and not word.startswith(_NOT_ECOLOGY_PREFIX):
        hits = [
            topic
            for topic, prefixes in TOPIC_PREFIXES.items()
            if len(word) > 4 and word.startswith(prefixes)
        ]
    return hits


def topic_from_lemmas(lemmas, tie_break=()) -> str:
    """Topic whose words occur most among the lemmas (weights above); ties go to the topic of
    `tie_break` lemmas (a document title), then to the vocabulary's order; 'other' if none occur."""
    scores = {topic: 0.0 for topic in TOPIC_LEMMAS}
    for word in lemmas:
        for topic in _topic_hits(word):
            scores[topic] += _TOPIC_WEIGHT[topic] * (
                2.0 if topic == "civic" and word.lower() in _CIVIC_CORE else 1.0
            )
    best = max(scores.values())
    if best == 0:
        return "other"
    leaders = [topic for topic, value in scores.items() if value == best]
    if len(leaders) > 1 and tie_break:
        title = topic_from_lemmas(tie_break)
        if title in leaders:
            return title
    return leaders[0]


_TYPE_SYNONYMS = {label.lower(): kind for kind, label in EVENT_TYPE_LABELS.items()}
_TOPIC_SYNONYMS = {
    "экология": "ecology",
    "экологическая": "ecology",
    "ecology": "ecology",
    "добровольчество": "volunteering",
    "волонтерство": "volunteering",
    "волонтёрство": "volunteering",
    "volunteering": "volunteering",
    "тос": "civic",
    "civic": "civic",
    "гражданские инициативы": "civic",
    "другое": "other",
    "other": "other",
}
_EVIDENCE_SYNONYMS = {
    "заявление о заимствовании": "adoption_statement",
    "заимствование": "adoption_statement",
    "стажировка": "internship",
    "обмен опытом": "internship",
    "совместное мероприятие": "joint_event",
    "соглашение": "agreement",
}


def event_type_from_text(text: str) -> str:
    """Event type from the Russian event noun in a title or sentence ('other' if none)."""
    lowered = str(text or "").lower().strip()
    if lowered in EVENT_TYPES:
        return lowered
    if lowered in _TYPE_SYNONYMS:
        return _TYPE_SYNONYMS[lowered]
    for pattern, kind in _EVENT_TYPE_PATTERNS:
        if pattern.search(lowered):
            return kind
    return "other"


def topic_from_text(text: str) -> str:
    """Topic (ecology, volunteering, civic, other) from a table's topic cell or a title: a topic
    label, else the topic words its words are forms of (see topic_from_lemmas)."""
    lowered = str(text or "").lower().strip()
    if lowered in _TOPIC_SYNONYMS:
        return _TOPIC_SYNONYMS[lowered]
    return topic_from_lemmas([_as_topic_word(word) for word in _WORD.findall(lowered)])


def _as_topic_word(word: str) -> str:
    """The topic word a word form belongs to («реки» → «река», «экологического» → «экологический»):
    its stem plus at most three letters of ending, so «водителей» is no form of «вода». The model
    layer has no morphology analyser; the text layer passes real lemmas to topic_from_lemmas."""
    word = word.replace("ё", "е")
    for lemma_word in _TOPIC_STEMS.get(word[:3], ()):
        stem = _STEM_END.sub("", lemma_word)
        if word.startswith(stem) and len(word) - len(stem) <= 3:
            return lemma_word
    return word


def evidence_type_from_text(text: str) -> str | None:
    """Evidence type from an English key or Russian phrase; None when unrecognised."""
    lowered = str(text or "").lower().strip()
    if not lowered:
        return "other"
    if lowered in EVIDENCE_TYPES:
        return lowered
    for phrase, kind in _EVIDENCE_SYNONYMS.items():
        if phrase in lowered:
            return kind
    return None


# Review status of every fact (events, agreements, report items, practice links).
STATUSES = ("proposed", "confirmed", "rejected")
STATUS_LABELS = {"proposed": "предложено", "confirmed": "подтверждено", "rejected": "отклонено"}
ROLES = ("viewer", "editor", "admin")
ROLE_LABELS = {"viewer": "читатель", "editor": "редактор", "admin": "администратор"}
# Allowed values of the other coded columns (the schema enforces them; see loaders.model.schema).
GENRES = tuple(GENRE_LABELS)
DATE_PRECISIONS = ("day", "month", "quarter", "year")
GEO_PRECISIONS = ("settlement", "region", "country")
SOURCE_KINDS = ("text", "table")
SOURCE_ENTITIES = ("event", "agreement", "report_item", "practice_link", "joint_event_link")
