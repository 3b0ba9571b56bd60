"""Genre of a document and topic of an event, from the annotation (lemmas), not from raw stems.

Topics count whole lemmas (and a few compound prefixes such as «эко-»), so «водитель» is not «вода»
and «лесенка» is not «лес». The title and the event's own passage are read; an explicit fallback
(«other») is returned when nothing on the lists is met.
"""

from __future__ import annotations

import re

from loaders.model.vocabulary import topic_from_lemmas
from loaders.text.document import Document
from loaders.text.facts import ExtractedEvent

_INVITATION = re.compile(r"приглаша\w+|приглашени\w+", re.I)
_ADDRESS = re.compile(r"уважаем\w+", re.I)
_INTERVIEW = re.compile(r"интервью|^\s*[—–-]\s*[А-ЯЁ][^\n]{5,}\?\s*$|^\s*вопрос\s*:", re.I | re.M)
_DESCRIPTION = re.compile(
    r"^\s*(описание|паспорт)\s+проекта|^\s*цел[ьи]\s+проекта|^\s*задачи\s+проекта", re.I | re.M
)
_ANNOUNCEMENT = re.compile(
    r"пройд[её]т|состоится|стартует|приглаша\w+|при[её]м\w*\s+заявок|заявки\s+принима|регистраци\w+\s+"
    r"(?:открыт|участник)|присоединя\w+|ждём|ждем",
    re.I,
)
_NOTICE = re.compile(
    r"^\s*объявлени\w*|информационн\w+\s+письм\w*|информиру\w+\s+о\s+проведении", re.I | re.M
)
_AGREEMENT_HEAD = re.compile(r"соглашени|меморандум|подписал", re.I)


def classify_genre(document: Document, events, agreements, links, report) -> str:
    """Report, invitation, practice sharing, agreement, event news or other, by the strongest
    signal."""
    text = document.text
    head = text[:400]
    if report is not None:
        return "report"
    if _INVITATION.search(text[:300]) or (
        _ADDRESS.search(text[:1500]) and _INVITATION.search(text)
    ):
        return "invitation"
    if links:
        return "practice_sharing"
    if agreements and (_AGREEMENT_HEAD.search(head) or not events):
        return "agreement"
    if not agreements and not events and _AGREEMENT_HEAD.search(head):
        return "other"  # an agreement planned, or a plan signed under an old one: no fact to file
    if _INTERVIEW.search(head) or _DESCRIPTION.search(text) or not document.places:
        return "other"
    if events and _is_announcement(document, events):
        return "invitation"
    return "event_news"


def _is_announcement(document: Document, events) -> bool:
    """An invitation without the word: a notice or information letter («Объявление», «информирует
    о проведении»), or an opening that announces a coming event and asks for applications."""
    head = document.text[:700]
    if _NOTICE.search(head):
        return True
    asks = re.search(
        r"заявк\w+\s+(?:принима|направля|подава)|(?:принима\w+|подать)\s+заявк|"
        r"регистрац\w+\s+(?:открыт|по\s+ссылке)|зарегистрир\w+",
        head,
        re.I,
    )
    return bool(asks) and bool(_ANNOUNCEMENT.search(head))


def topic_of(document: Document, event: ExtractedEvent) -> str:
    """Topic of an event from the lemmas of the title and of its own passage; the document title
    breaks a tie; «other» when none of the topic words occur."""
    passage = document.lemmas_in(event.passage.start, event.passage.end)
    title = [t.lemma for t in document.sentences[0].tokens] if document.sentences else []
    event_title = [w.lower() for w in re.findall(r"[А-Яа-яЁё-]+", event.title)]
    from loaders.text.morph import lemma

    return topic_from_lemmas([lemma(w) for w in event_title] + passage, tie_break=title)
