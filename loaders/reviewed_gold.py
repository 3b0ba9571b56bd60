"""Reviewed documents as gold: what people confirmed (or corrected), in the `evaluate` gold format.

A document counts as reviewed when it is an uploaded or ingested text (not demo data, not a table),
has at least one fact, and none of its facts is still proposed. Its gold is its confirmed facts;
rejected
ones are what the extractor should not have found. Only the fact measures are scored (event dates
and
types, agreements, practice links): reviewers do not list every city or region a text mentions, so
those measures would count correct mentions as errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from loaders.evaluate import Score, score

REVIEWED_MEASURES = ("event_dates", "event_types", "agreements", "practice_links")

_DOCUMENTS_SQL = """
WITH facts AS (
    SELECT s.document_id, coalesce(e.status, a.status, r.status, p.status) AS status
    FROM sources s
    LEFT JOIN events e ON s.entity = 'event' AND e.event_id = s.entity_id
    LEFT JOIN agreements a ON s.entity = 'agreement' AND a.agreement_id = s.entity_id
    LEFT JOIN report_items r ON s.entity = 'report_item' AND r.report_item_id = s.entity_id
    LEFT JOIN practice_links p ON s.entity = 'practice_link' AND p.link_id = s.entity_id
)
SELECT d.document_id, d.file_name, d.genre, d.full_text
FROM documents d JOIN facts f USING (document_id)
WHERE d.source_kind = 'text' AND NOT d.is_demo
GROUP BY d.document_id, d.file_name, d.genre, d.full_text  -- not ALL: PostgreSQL
HAVING count(*) > 0 AND count(*) FILTER (WHERE f.status = 'proposed') = 0
ORDER BY d.file_name
"""


def _iso(value) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _confirmed(connection, sql: str, document_id: str) -> pd.DataFrame:
    return connection.execute(sql, [document_id]).df()


def gold_entry(connection: duckdb.DuckDBPyConnection, document: dict, file_name: str) -> dict:
    """One reviewed document as a gold entry: its confirmed events, agreements and practice
    links."""
    doc_id = document["document_id"]
    events = _confirmed(
        connection,
        """SELECT DISTINCT e.* FROM events e JOIN sources s ON s.entity = 'event'
           AND s.entity_id = e.event_id WHERE s.document_id = ? AND e.status = 'confirmed'""",
        doc_id,
    )
    agreements = _confirmed(
        connection,
        """SELECT DISTINCT a.* FROM agreements a JOIN sources s ON s.entity = 'agreement'
           AND s.entity_id = a.agreement_id WHERE s.document_id = ? AND a.status = 'confirmed'""",
        doc_id,
    )
    links = _confirmed(
        connection,
        """SELECT DISTINCT p.* FROM practice_links p JOIN sources s ON s.entity = 'practice_link'
           AND s.entity_id = p.link_id WHERE s.document_id = ? AND p.status = 'confirmed'""",
        doc_id,
    )
    return {
        "file": file_name,
        "genre": document["genre"],
        "events": [
            {
                "title": row.title,
                "date_start": _iso(row.date_start),
                "date_end": _iso(row.date_end),
                "city": row.settlement_name if isinstance(row.settlement_name, str) else None,
                "region": row.region_code if isinstance(row.region_code, str) else None,
                "type": row.event_type,
            }
            for row in events.itertuples()
        ],
        "agreements": [
            {
                "date": _iso(row.date),
                "parties_count": None if pd.isna(row.parties_count) else int(row.parties_count),
            }
            for row in agreements.itertuples()
        ],
        "practice_links": [
            {"from_region": row.from_region, "to_region": row.to_region}
            for row in links.itertuples()
        ],
        "notes": f"reviewed in the app; document {doc_id}",
    }


def reviewed_documents(connection: duckdb.DuckDBPyConnection) -> list[dict]:
    """Reviewed documents (id, file name, genre, full text)."""
    return connection.execute(_DOCUMENTS_SQL).df().to_dict("records")


def _gold_file_name(document: dict) -> str:
    return f"{document['document_id']}_{Path(document['file_name']).stem}.txt"


def export_gold(connection: duckdb.DuckDBPyConnection, folder: Path) -> int:
    """Write folder/gold.json and each reviewed document's text beside it, so that
    `python -m loaders evaluate folder/gold.json folder` scores them; returns the document count."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    gold = []
    for document in reviewed_documents(connection):
        name = _gold_file_name(document)
        (folder / name).write_text(document["full_text"] or "", encoding="utf-8")
        gold.append(gold_entry(connection, document, name))
    (folder / "gold.json").write_text(
        json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return len(gold)


def evaluate_reviewed(
    connection: duckdb.DuckDBPyConnection,
) -> tuple[dict[str, Score], list[str], int]:
    """Re-extract every reviewed document from its stored text and score it against what people
    confirmed: scores per fact measure, differences, and the number of documents."""
    from loaders.text.extract import extract_document, to_contract_json

    gold, predicted = [], []
    for document in reviewed_documents(connection):
        name = _gold_file_name(document)
        gold.append(gold_entry(connection, document, name))
        predicted.append(to_contract_json(extract_document(document["full_text"] or ""), name))
    scores, differences = score(predicted, gold)
    kept = {measure: scores[measure] for measure in REVIEWED_MEASURES}
    shown = [line for line in differences if line.split(": ")[1] in REVIEWED_MEASURES]
    return kept, shown, len(gold)
