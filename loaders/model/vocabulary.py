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

_TOPIC_PATTERNS = [
    (
        re.compile(
            r"\bтос\b|территориальн\w+\s+общественн\w+\s+самоуправ|инициативн\w+\s+граждан|благоустро",
            re.I,
        ),
        "civic",
    ),
    (
        re.compile(
            r"эколог|природ|субботник|посадк|высадк|отход|мусор|чист|лес|парк|вод|климат|раздельн|зелен|эко",
            re.I,
        ),
        "ecology",
    ),
    (re.compile(r"волонт|добровол|доброволь|нко|молодеж", re.I), "volunteering"),
]

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
    """Topic (ecology, volunteering, civic, other) from a topic cell or a title."""
    lowered = str(text or "").lower().strip()
    if lowered in _TOPIC_SYNONYMS:
        return _TOPIC_SYNONYMS[lowered]
    for pattern, topic in _TOPIC_PATTERNS:
        if pattern.search(lowered):
            return topic
    return "other"


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
