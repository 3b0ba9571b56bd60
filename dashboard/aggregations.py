"""Pure aggregations behind the pages (no Streamlit): one function per figure or table."""
from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

from loaders.quarters import quarter_label
from loaders.vocabulary import EVENT_TYPE_LABELS, EVIDENCE_LABELS, TOPIC_LABELS


@dataclass(frozen=True)
class Headline:
    """One headline figure: value in the last quarter of the view, and in the quarter before it."""

    label: str
    total: int
    last_quarter: int
    previous_quarter: int

    @property
    def delta(self) -> int:
        return self.last_quarter - self.previous_quarter


def _count_in(frame: pd.DataFrame, quarter: str | None, column: str | None = None) -> int:
    if quarter is None or frame.empty:
        return 0
    rows = frame[frame["quarter"].astype("string") == quarter]
    return int(rows[column].nunique()) if column else len(rows)


def headline_figures(
    in_period: dict[str, pd.DataFrame], any_period: dict[str, pd.DataFrame], last_quarter: str | None, previous_quarter: str | None
) -> list[Headline]:
    """Headline figures: totals over the chosen period, and the last quarter of it against the one before.

    `in_period` and `any_period` map "events", "agreements", "links" to frames filtered with and without
    the period (the previous quarter may lie before the chosen range).
    """
    measures = [
        ("События", "events", None), ("Соглашения", "agreements", None), ("Связи практик", "links", None),
        ("Населённые пункты", "events", "settlement_name"), ("Регионы", "events", "region_code"),
    ]
    figures = []
    for label, name, column in measures:
        frame = in_period[name]
        total = int(frame[column].nunique()) if column else len(frame)
        figures.append(Headline(
            label, total, _count_in(any_period[name], last_quarter, column), _count_in(any_period[name], previous_quarter, column),
        ))
    return figures


def events_per_quarter(events: pd.DataFrame, quarters: list[str], split: str) -> pd.DataFrame:
    """Long table quarter × group → events; every quarter of the range present, zeros included."""
    if events.empty or not quarters:
        return pd.DataFrame({"quarter": quarters, "group": "—", "events": 0})
    keys = events["quarter"].astype("string")
    groups = events[split].astype("string").fillna("—")
    counts = pd.DataFrame({"quarter": keys, "group": groups}).value_counts().rename("events").reset_index()
    full = pd.MultiIndex.from_product([quarters, sorted(counts["group"].unique())], names=["quarter", "group"])
    table = counts.set_index(["quarter", "group"]).reindex(full, fill_value=0).reset_index()
    table["quarter_label"] = table["quarter"].map(quarter_label)
    return table


def group_labels(split: str, regions: pd.DataFrame) -> dict[str, str]:
    """Russian labels for the values of a split column."""
    if split == "event_type":
        return EVENT_TYPE_LABELS
    if split == "topic":
        return TOPIC_LABELS
    return dict(zip(regions["region_code"], regions["name_short"]))


def settlement_activity(events: pd.DataFrame, max_listed: int = 15) -> pd.DataFrame:
    """One row per settlement with coordinates: event count, dominant type and escaped popup HTML."""
    located = events.dropna(subset=["lat", "lon"])
    if located.empty:
        return pd.DataFrame(columns=["place", "lat", "lon", "events", "dominant_type", "popup_html"])
    located = located.assign(place=located["settlement_name"].astype("string").fillna(located["region_code"].astype("string")))
    rows = []
    for (place, lat, lon), group in located.groupby(["place", "lat", "lon"], sort=False, observed=True):
        ordered = group.sort_values("date_start", ascending=False)
        rows.append({
            "place": place, "lat": lat, "lon": lon, "events": len(group),
            "dominant_type": group["event_type"].astype("string").mode().iloc[0],
            "popup_html": popup_html(place, ordered, max_listed),
        })
    return pd.DataFrame(rows).sort_values("events", ascending=False, ignore_index=True)


def popup_html(place: str, events: pd.DataFrame, max_listed: int) -> str:
    """Popup listing events (newest first); every piece of text is HTML-escaped (documents are untrusted)."""
    items = "".join(
        f"<li>{row.date_start:%d.%m.%Y} — {html.escape(str(row.title))}</li>"
        for row in events.head(max_listed).itertuples(index=False)
    )
    more = len(events) - max_listed
    tail = f"<li>… и ещё {more}</li>" if more > 0 else ""
    return f"<b>{html.escape(str(place))}</b>: {len(events)} событ.<ul>{items}{tail}</ul>"


def practice_edges(links: pd.DataFrame) -> pd.DataFrame:
    """One row per directed region pair: number of pieces of evidence, evidence types and practices."""
    if links.empty:
        return pd.DataFrame(columns=["from_region", "to_region", "weight", "evidence", "practices"])
    grouped = links.assign(
        from_region=links["from_region"].astype("string"), to_region=links["to_region"].astype("string"),
        evidence_label=links["evidence_type"].astype("string").map(EVIDENCE_LABELS),
    ).groupby(["from_region", "to_region"], sort=False)
    edges = grouped.agg(
        weight=("link_id", "size"),
        evidence=("evidence_label", lambda s: ", ".join(sorted(set(s.dropna())))),
        practices=("practice", lambda s: "; ".join(sorted(set(s))[:5])),
    ).reset_index()
    return edges.sort_values(["weight", "from_region", "to_region"], ascending=[False, True, True], ignore_index=True)


def region_roles(edges: pd.DataFrame) -> pd.DataFrame:
    """Per region: evidence given (teaches) and received (learns)."""
    teaches = edges.groupby("from_region")["weight"].sum().rename("teaches")
    learns = edges.groupby("to_region")["weight"].sum().rename("learns")
    roles = pd.concat([teaches, learns], axis=1).fillna(0).astype(int)
    roles.index.name = "region_code"
    return roles.reset_index().sort_values(["teaches", "learns"], ascending=False, ignore_index=True)


def search_rows(frame: pd.DataFrame, text: str, columns: list[str]) -> pd.DataFrame:
    """Rows where any of the columns contains the text (case-insensitive, ё = е)."""
    needle = text.strip().lower().replace("ё", "е")
    if not needle:
        return frame
    mask = pd.Series(False, index=frame.index)
    for column in columns:
        values = frame[column].astype("string").str.lower().str.replace("ё", "е", regex=False)
        mask |= values.str.contains(needle, regex=False, na=False)
    return frame[mask]


def highlight_passages(text: str, passages: pd.DataFrame) -> str:
    """The document as escaped HTML with <mark> around each (char_start, char_end) passage."""
    spans = sorted({(int(s), int(e)) for s, e in zip(passages["char_start"], passages["char_end"])}) if not passages.empty else []
    parts, cursor = [], 0
    for start, end in spans:
        start = max(start, cursor)
        if end <= start:
            continue
        parts.append(html.escape(text[cursor:start]))
        parts.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)
