"""Read one Russian document: annotate it once (loaders.text.document), then run each extractor on
the annotation — report tables, events, agreements, practice links, genre. The `extract --json`
contract (to_contract_json) is built here.
"""

from __future__ import annotations

from loaders.text.agreements import extract_agreements
from loaders.text.classify import classify_genre
from loaders.text.classify import topic_of as _topic_of_event
from loaders.text.document import (
    Document,
    Sentence,
    annotate,
    document_date,
    document_title,
    split_sentences,
    with_default_year,
)
from loaders.text.events import extract_events
from loaders.text.facts import (
    ExtractedAgreement,
    ExtractedEvent,
    ExtractedLink,
    Extraction,
    Passage,
    Report,
    ReportItem,
)
from loaders.text.practice_links import extract_practice_links
from loaders.text.report_tables import extract_report

__all__ = [
    "Document",
    "ExtractedAgreement",
    "ExtractedEvent",
    "ExtractedLink",
    "Extraction",
    "Passage",
    "Report",
    "ReportItem",
    "Sentence",
    "annotate",
    "document_date",
    "document_title",
    "extract_document",
    "split_sentences",
    "to_contract_json",
    "topic_of",
]


def extract_document(text: str) -> Extraction:
    """Read one document's text: every fact with its passage, confidence and reason."""
    document = annotate(text)
    report, report_events, covered = extract_report(document)
    if report and report.period and int(report.period[:4]) != document.default_year:
        with_default_year(document, int(report.period[:4]))
    events = report_events + extract_events(document, covered)
    if report:
        for event in events[len(report_events) :]:
            event.region_code = event.region_code or report.region_code
    agreements = extract_agreements(document)
    links = extract_practice_links(document)
    genre = classify_genre(document, events, agreements, links, report)
    extraction = Extraction(
        text,
        document.title,
        genre,
        document.published,
        document.places,
        events,
        agreements,
        links,
        report,
        document.unresolved_places,
    )
    extraction.document = document
    return extraction


def topic_of(event: ExtractedEvent, text: str, document: Document | None = None) -> str:
    """Topic of one event, read from the lemmas of its title and passage."""
    return _topic_of_event(document or annotate(text), event)


def to_contract_json(extraction: Extraction, source: str) -> dict:
    """The `extract --json` contract: one object per file (each fact also carries confidence and
    reason)."""

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
                "confidence": e.confidence,
                "reason": e.reason,
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
                "confidence": a.confidence,
                "reason": a.reason,
            }
            for a in extraction.agreements
        ],
        "practice_links": [
            {
                "from_region": link.from_region,
                "to_region": link.to_region,
                "practice": link.practice,
                "confidence": link.confidence,
                "reason": link.reason,
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
