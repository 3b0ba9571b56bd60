"""A synthetic national dataset for load and speed testing, reproducible from a seed.

National scale: about 100,000 events over all regions, 12 quarters (2022Q1–2024Q4), 2,000
settlements
and 3,000 practice links, with synthetic source documents so that every row has provenance.
Everything is marked is_demo and titled «Синтетические данные».
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.geo.gazetteer import load_gazetteer_frame
from loaders.model.ids import document_id, sha256_hex
from loaders.model.quarters import quarter_bounds, quarter_key, quarter_range
from loaders.geo.regions import region_index
from loaders.model.schema import (
    JOINT_EVENT_LINKS,
    SEARCH_TERMS,
    SOURCES,
    TABLES_BY_NAME,
    validate_frame,
)
from loaders.store.database import (
    FACT_TABLES,
    _insert,
    _store_joint_event_links,
    open_store,
    transaction,
    with_review_defaults,
)
from loaders.model.vocabulary import EVENT_TYPE_LABELS, EVIDENCE_TYPES
from loaders.store.search_terms import store_search_terms


@dataclass(frozen=True)
class Scale:
    events: int
    settlements: int
    practice_links: int
    agreements: int
    report_items: int
    events_per_document: int = 50
    batch_events: int = (
        100_000  # events generated and written at a time (a multiple of events_per_document)
    )


SCALES = {
    "x10": Scale(
        events=1_000_000,
        settlements=5_000,
        practice_links=30_000,
        agreements=20_000,
        report_items=30_000,
    ),
    "national": Scale(
        events=100_000,
        settlements=2_000,
        practice_links=3_000,
        agreements=2_000,
        report_items=3_000,
    ),
    "small": Scale(
        events=2_000,
        settlements=200,
        practice_links=300,
        agreements=100,
        report_items=120,
        batch_events=500,
    ),
}
QUARTERS = quarter_range("2022Q1", "2024Q4")
THEMES = (
    "Зелёный город",
    "Чистые берега",
    "Добрые соседи",
    "Эковолонтёры",
    "Сохраним лес",
    "Вторая жизнь вещей",
    "Город для людей",
    "Молодёжь за экологию",
    "Школа активиста",
    "Живая вода",
    "Наш двор",
    "Экопросвет",
)
ORGANIZERS = (
    "Общественная палата региона",
    "Ресурсный центр НКО",
    "Молодёжный центр",
    "Управление экологии",
    "Ассоциация ТОС",
    "Региональное отделение движения «Экосистема»",
    "Центр добровольчества",
)
PRACTICES = (
    "организация волонтёрской деятельности",
    "раздельный сбор отходов в школах",
    "школа активистов ТОС",
    "экологическое просвещение в библиотеках",
    "поддержка серебряных волонтёров",
    "благоустройство дворов силами жителей",
    "муниципальные ресурсные центры НКО",
    "экологические квесты для школьников",
)
TOPICS = np.array(["ecology", "volunteering", "civic", "other"])


def _settlements(count: int) -> pd.DataFrame:
    frame = load_gazetteer_frame()
    frame = frame[frame["region_code"].notna()].sort_values(
        ["population", "settlement_id"], ascending=[False, True]
    )
    return frame.head(count).reset_index(drop=True)


def _event_dates(rng: np.random.Generator, quarters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    starts = np.array([np.datetime64(quarter_bounds(q)[0]) for q in QUARTERS])
    lengths = np.array([(quarter_bounds(q)[1] - quarter_bounds(q)[0]).days + 1 for q in QUARTERS])
    offsets = (rng.random(len(quarters)) * lengths[quarters]).astype("int64")
    date_start = starts[quarters] + offsets.astype("timedelta64[D]")
    duration = rng.choice([0, 0, 0, 0, 1, 2], size=len(quarters)).astype("timedelta64[D]")
    return date_start, date_start + duration


def _documents(
    kind: str, groups: int, seed: int, lines_by_group: list[list[str]], first_group: int = 0
) -> tuple[pd.DataFrame, list[list[tuple[int, int]]]]:
    """One synthetic document per group of rows, each row a line; returns the frame and line spans.
    Documents are numbered from first_group + 1 (a later batch continues the numbering)."""
    rows, spans = [], []
    now = dt.datetime(2025, 1, 1)
    for local_group in range(groups):
        group = first_group + local_group
        header = f"Синтетические данные (seed {seed}): {kind}, сводка {group + 1}\n"
        offset, group_spans, parts = len(header), [], [header]
        for line in lines_by_group[local_group]:
            group_spans.append((offset, offset + len(line)))
            parts.append(line + "\n")
            offset += len(line) + 1
        text = "".join(parts)
        sha = sha256_hex(text.encode("utf-8"))
        rows.append(
            {
                "document_id": document_id(sha),
                "sha256": sha,
                "file_name": f"synthetic_{kind}_{group + 1:05d}.txt",
                "title": header.strip(),
                "genre": "report" if kind == "report_items" else "other",
                "published_date": None,
                "source": f"synthetic://{kind}/{group + 1}",
                "source_kind": "table",
                "full_text": text,
                "ingested_at": now,
                "is_demo": True,
            }
        )
        spans.append(group_spans)
    return pd.DataFrame(rows), spans


def _sources(
    entity: str,
    ids: list[str],
    documents: pd.DataFrame,
    spans: list[list[tuple[int, int]]],
    per_document: int,
) -> pd.DataFrame:
    rows, document_ids = [], documents["document_id"].tolist()
    for index, entity_id in enumerate(ids):
        group, position = divmod(index, per_document)
        start, end = spans[group][position]
        rows.append((entity, entity_id, document_ids[group], start, end, position + 2, ""))
    return pd.DataFrame(rows, columns=SOURCES.column_names)


def _event_frame(
    rng: np.random.Generator,
    count: int,
    first_index: int,
    settlements: pd.DataFrame,
    region_growth: dict[str, float],
    seed: int,
) -> pd.DataFrame:
    """`count` events numbered from `first_index`: place weighted by √population, quarter by the
    region's growth."""
    weights = np.sqrt(settlements["population"].to_numpy(dtype=float))
    place_index = rng.choice(len(settlements), size=count, p=weights / weights.sum())
    growth = np.array([region_growth[code] for code in settlements["region_code"]])[place_index]
    quarter_weights = np.exp(np.outer(growth, np.arange(len(QUARTERS))))
    quarter_weights /= quarter_weights.sum(axis=1, keepdims=True)
    quarters = (quarter_weights.cumsum(axis=1) > rng.random((count, 1))).argmax(axis=1)
    date_start, date_end = _event_dates(rng, quarters)

    types = np.array(list(EVENT_TYPE_LABELS))
    event_types = rng.choice(types, size=count, p=_type_weights(len(types)))
    themes = rng.choice(np.array(THEMES), size=count)
    place = settlements.iloc[place_index].reset_index(drop=True)
    event_ids = [f"ev_syn{seed:03d}{i:08d}" for i in range(first_index, first_index + count)]
    # The place in the title keeps titles as varied as real ones (a dozen themes alone would let the
    # store search 144 distinct titles instead of a million, flattering every text search).
    titles = [
        f"{EVENT_TYPE_LABELS[t]} «{theme}», {town}"
        for t, theme, town in zip(event_types, themes, place["name"].tolist())
    ]
    organizer_picks = rng.choice(np.array(ORGANIZERS), size=count)
    participant_picks = rng.integers(0, len(settlements), size=(count, 2))
    names = settlements["name"].tolist()  # plain lists: indexing a Series per event cost 30 s at 1M
    has_participants = rng.random(count) < 0.3
    return pd.DataFrame(
        {
            "event_id": event_ids,
            "confidence": 1.0,
            "extraction_reason": "синтетические данные / synthetic",
            "title": titles,
            "event_type": event_types,
            "topic": rng.choice(TOPICS, size=count, p=[0.45, 0.35, 0.15, 0.05]),
            "date_start": pd.to_datetime(date_start).date,
            "date_end": pd.to_datetime(date_end).date,
            "date_precision": "day",
            "settlement_name": place["name"],
            "settlement_id": place["settlement_id"],
            "region_code": place["region_code"],
            "lat": place["lat"],
            "lon": place["lon"],
            "geo_precision": "settlement",
            "organizers": [[o] for o in organizer_picks],
            "participant_cities": [
                [names[first], names[second]] if flag else []
                for (first, second), flag in zip(participant_picks, has_participants)
            ],
            "participants_count": rng.integers(10, 400, size=count),
        }
    )


def _batch_bounds(total: int, batch_size: int) -> list[tuple[int, int]]:
    return [(start, min(start + batch_size, total)) for start in range(0, total, batch_size)]


def generate_batches(
    scale_name: str = "national", seed: int = 1
) -> Iterator[dict[str, pd.DataFrame]]:
    """The synthetic tables as a stream of batches (each with its documents and sources), so that a
    million events never sit in one frame. Deterministic for a (scale, seed) pair.

    Events come in batches of `scale.batch_events`; the report items sample each batch; agreements,
    practice links and report items (small) come in the last batch.
    """
    scale = SCALES[scale_name]
    rng = np.random.default_rng(seed)
    settlements = _settlements(scale.settlements)
    regions = sorted(region_index().regions)
    region_growth = {code: rng.normal(0.04, 0.08) for code in regions}
    reported: list[pd.DataFrame] = []
    for start, end in _batch_bounds(scale.events, scale.batch_events):
        events = _event_frame(rng, end - start, start, settlements, region_growth, seed)
        quota = (
            scale.report_items * end // scale.events - scale.report_items * start // scale.events
        )
        reported.append(events.iloc[np.sort(rng.choice(len(events), size=quota, replace=False))])
        yield _with_documents(
            {"events": events}, scale, seed, first_group=start // scale.events_per_document
        )
    tables = {}
    tables.update(_agreements(rng, scale, settlements, seed))
    tables.update(_practice_links(rng, scale, regions, seed))
    tables.update(_report_items(pd.concat(reported, ignore_index=True), seed))
    yield _with_documents(tables, scale, seed)


def generate(scale_name: str = "national", seed: int = 1) -> dict[str, pd.DataFrame]:
    """All synthetic tables in memory (for the small scales and tests; write_synthetic streams)."""
    parts: dict[str, list[pd.DataFrame]] = {}
    for batch in generate_batches(scale_name, seed):
        for name, frame in batch.items():
            parts.setdefault(name, []).append(frame)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}


def _type_weights(count: int) -> np.ndarray:
    weights = np.linspace(2.0, 0.5, count)
    return weights / weights.sum()


def _agreements(rng, scale: Scale, settlements: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    picks = rng.integers(0, len(settlements), size=scale.agreements)
    quarters = rng.integers(0, len(QUARTERS), size=scale.agreements)
    dates, _ = _event_dates(rng, quarters)
    counts = rng.integers(2, 10, size=scale.agreements)
    place = settlements.iloc[picks].reset_index(drop=True)
    return {
        "agreements": pd.DataFrame(
            {
                "agreement_id": [f"ag_syn{seed:03d}{i:08d}" for i in range(scale.agreements)],
                "confidence": 1.0,
                "extraction_reason": "синтетические данные / synthetic",
                "date": pd.to_datetime(dates).date,
                "date_precision": "day",
                "parties_count": counts,
                "parties": [[f"Сторона {k + 1}" for k in range(n)] for n in counts],
                "settlement_name": place["name"],
                "settlement_id": place["settlement_id"],
                "region_code": place["region_code"],
                "lat": place["lat"],
                "lon": place["lon"],
                "subject": rng.choice(np.array(PRACTICES), size=scale.agreements),
            }
        )
    }


def _practice_links(rng, scale: Scale, regions: list[str], seed: int) -> dict[str, pd.DataFrame]:
    teachers = np.array(regions)
    teacher_weights = rng.pareto(1.2, size=len(regions)) + 0.1
    from_regions = rng.choice(
        teachers, size=scale.practice_links, p=teacher_weights / teacher_weights.sum()
    )
    to_regions = rng.choice(teachers, size=scale.practice_links)
    same = from_regions == to_regions
    to_regions[same] = np.roll(teachers, 1)[np.searchsorted(teachers, to_regions[same])]
    quarters = rng.integers(0, len(QUARTERS), size=scale.practice_links)
    dates, _ = _event_dates(rng, quarters)
    return {
        "practice_links": pd.DataFrame(
            {
                "link_id": [f"pl_syn{seed:03d}{i:08d}" for i in range(scale.practice_links)],
                "confidence": 1.0,
                "extraction_reason": "синтетические данные / synthetic",
                "from_region": from_regions,
                "to_region": to_regions,
                "practice": rng.choice(np.array(PRACTICES), size=scale.practice_links),
                "date_start": pd.to_datetime(dates).date,
                "date_end": pd.to_datetime(dates).date,
                "date_precision": "day",
                "evidence_type": rng.choice(
                    np.array(EVIDENCE_TYPES[:4]), size=scale.practice_links
                ),
            }
        )
    }


def _report_items(chosen: pd.DataFrame, seed: int) -> dict[str, pd.DataFrame]:
    """One report item per chosen event, numbered within each region's report for the quarter."""
    chosen = chosen.sort_values(["region_code", "date_start", "event_id"])
    quarters = [quarter_key(day) for day in chosen["date_start"]]
    return {
        "report_items": pd.DataFrame(
            {
                "report_item_id": [f"ri_syn{seed:03d}{i:08d}" for i in range(len(chosen))],
                "confidence": 1.0,
                "extraction_reason": "синтетические данные / synthetic",
                "reporting_body": [
                    f"Общественный совет ({code})" for code in chosen["region_code"]
                ],
                "quarter": quarters,
                "item_number": chosen.groupby(
                    ["region_code", pd.Series(quarters, index=chosen.index)]
                ).cumcount()
                + 1,
                "date_start": chosen["date_start"].to_numpy(),
                "date_end": chosen["date_end"].to_numpy(),
                "title": chosen["title"].to_numpy(),
                "goal": "обмен опытом",
                "region_code": chosen["region_code"].to_numpy(),
                "event_id": chosen["event_id"].to_numpy(),
            }
        )
    }


def _line(table: str, row) -> str:
    if table == "events":
        return f"{row.date_start:%d.%m.%Y}\t{row.title}\t{row.settlement_name}"
    if table == "agreements":
        return (
            f"{row.date:%d.%m.%Y}\tсоглашение ({row.parties_count} сторон)\t{row.settlement_name}"
        )
    if table == "practice_links":
        return f"{row.date_start:%d.%m.%Y}\t{row.from_region} → {row.to_region}\t{row.practice}"
    return f"{row.item_number}\t{row.date_start:%d.%m.%Y}\t{row.title}"


def _lines(table: str, frame: pd.DataFrame) -> list[str]:
    """The document line of every row; events (a million at x10) are formatted column-wise."""
    if table == "events":
        dates = pd.to_datetime(frame["date_start"]).dt.strftime("%d.%m.%Y")
        text = (
            dates + "\t" + frame["title"].astype(str) + "\t" + frame["settlement_name"].astype(str)
        )
        return text.tolist()
    return [_line(table, row) for row in frame.itertuples(index=False)]


ENTITY_OF = {
    "events": "event",
    "agreements": "agreement",
    "practice_links": "practice_link",
    "report_items": "report_item",
}
ID_COLUMN = {
    "events": "event_id",
    "agreements": "agreement_id",
    "practice_links": "link_id",
    "report_items": "report_item_id",
}


def _with_documents(
    tables: dict[str, pd.DataFrame], scale: Scale, seed: int, first_group: int = 0
) -> dict[str, pd.DataFrame]:
    per = scale.events_per_document
    documents, sources = [], []
    for name, frame in tables.items():
        groups = -(-len(frame) // per)
        lines = _lines(name, frame)
        docs, spans = _documents(
            name, groups, seed, [lines[g * per : (g + 1) * per] for g in range(groups)], first_group
        )
        documents.append(docs)
        sources.append(_sources(ENTITY_OF[name], list(frame[ID_COLUMN[name]]), docs, spans, per))
    if "report_items" in tables:  # a report item's event is also sourced by the report line
        report = tables["report_items"].reset_index(drop=True)
        item_sources = (
            sources[-1].set_index("entity_id").loc[report["report_item_id"]].reset_index()
        )
        sources.append(
            item_sources.assign(
                entity="event",
                entity_id=report["event_id"].to_numpy(),
                merge_reason="listed in a council report",
            )
        )
    return {
        **tables,
        "documents": pd.concat(documents, ignore_index=True),
        "sources": pd.concat(sources, ignore_index=True),
    }


def _events_with_new_passages(batch: dict[str, pd.DataFrame]) -> list[str]:
    """Events whose joint-event links must be derived after this batch: its own events, and the
    events a report line now also sources (a joint link inherits every passage of its event)."""
    if "events" in batch:
        return batch["events"]["event_id"].tolist()
    if "report_items" in batch:
        return sorted(set(batch["report_items"]["event_id"]))
    return []


FACT_NAMES = {table.name for table in FACT_TABLES}


def write_synthetic(db_path: Path, scale_name: str = "national", seed: int = 1) -> dict[str, int]:
    """Replace db_path with a fresh synthetic store, written batch by batch; returns rows per table.

    The store is built under a temporary name and moved into place only when complete, so a failed
    build never leaves a half-written store at db_path.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    partial = db_path.with_name(db_path.name + ".building")
    partial.unlink(missing_ok=True)
    Path(str(partial) + ".wal").unlink(missing_ok=True)
    counts: dict[str, int] = {}
    try:
        with open_store(partial) as connection:
            for batch in generate_batches(scale_name, seed):
                with transaction(connection):
                    for name, frame in batch.items():
                        if name in FACT_NAMES:
                            frame = with_review_defaults(
                                frame, "confirmed"
                            )  # synthetic rows count as reviewed
                        frame = validate_frame(TABLES_BY_NAME[name], frame)
                        _insert(connection, name, frame)
                        counts[name] = counts.get(name, 0) + len(frame)
                        if name in FACT_NAMES:
                            store_search_terms(connection, name, frame)
                    _store_joint_event_links(connection, _events_with_new_passages(batch))
            for name in (JOINT_EVENT_LINKS.name, SOURCES.name, SEARCH_TERMS.name):  # derived rows
                counts[name] = connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
            connection.execute("CHECKPOINT")
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(db_path)
    return counts
