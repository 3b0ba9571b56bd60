"""The facts read from a document (events, agreements, practice links, report items) and their
container. Every fact keeps its passage (character offsets), a confidence (0–1) and the reason: the rule
and the evidence that produced it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from loaders.text.dates import DateSpan
from loaders.text.places import PlaceMention


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
    headline: bool = False  # told in the headline, without a date of its own
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
    document: object = field(default=None, repr=False)  # the annotation the facts were read from

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
