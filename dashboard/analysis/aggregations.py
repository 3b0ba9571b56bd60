"""Pure aggregations behind the pages (no Streamlit): one function per figure or table."""

from __future__ import annotations

import html
import urllib.parse
from dataclasses import dataclass

import pandas as pd

from loaders.model.vocabulary import EVENT_TYPE_LABELS, EVIDENCE_LABELS, TOPIC_LABELS


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
    rows = frame[frame["quarter"] == quarter]  # categorical == str compares codes, not 100k strings
    return int(rows[column].nunique()) if column else len(rows)


def headline_figures(
    in_period: dict[str, pd.DataFrame],
    any_period: dict[str, pd.DataFrame],
    last_quarter: str | None,
    previous_quarter: str | None,
) -> list[Headline]:
    """Headline figures: totals over the chosen period, and the last quarter of it against the one
    before.

    `in_period` and `any_period` map "events", "agreements", "links" to frames filtered with and
    without
    the period (the previous quarter may lie before the chosen range).
    """
    measures = [
        ("События", "events", None),
        ("Соглашения", "agreements", None),
        ("Связи практик", "links", None),
        ("Населённые пункты", "events", "settlement_name"),
        ("Регионы", "events", "region_code"),
    ]
    figures = []
    for label, name, column in measures:
        frame = in_period[name]
        total = int(frame[column].nunique()) if column else len(frame)
        figures.append(
            Headline(
                label,
                total,
                _count_in(any_period[name], last_quarter, column),
                _count_in(any_period[name], previous_quarter, column),
            )
        )
    return figures


HEADLINES = {
    "events": "События",
    "agreements": "Соглашения",
    "links": "Связи практик",
    "settlements": "Населённые пункты",
    "regions": "Регионы",
}


def headlines_from_counts(counts: pd.DataFrame) -> list[Headline]:
    """The headline figures from analysis.queries.headline_counts (measure, total, last_quarter,
    previous_quarter), in the order of HEADLINES."""
    by_measure = counts.set_index("measure")
    return [
        Headline(
            label,
            int(by_measure.loc[measure, "total"]),
            int(by_measure.loc[measure, "last_quarter"]),
            int(by_measure.loc[measure, "previous_quarter"]),
        )
        for measure, label in HEADLINES.items()
    ]


def group_labels(split: str, regions: pd.DataFrame) -> dict[str, str]:
    """Russian labels for the values of a split column."""
    if split == "event_type":
        return EVENT_TYPE_LABELS
    if split == "topic":
        return TOPIC_LABELS
    return dict(zip(regions["region_code"], regions["name_short"]))


def settlement_activity(events: pd.DataFrame, max_listed: int = 15) -> pd.DataFrame:
    """One row per place with coordinates: event count, dominant type and escaped popup HTML.

    A place is a settlement, or a region's centre for events known only to the region. Vectorised:
    the national dataset has 100,000 events over 2,000 settlements.
    """
    columns = ["place", "lat", "lon", "events", "dominant_type", "popup_html", "proposed"]
    located = events.dropna(subset=["lat", "lon"])
    if located.empty:
        return pd.DataFrame(columns=columns)
    region_label = located["region_code"].astype("string") + " (регион)"
    located = located.assign(
        place=located["settlement_name"].astype("string").fillna(region_label),
        event_type=located["event_type"].astype("string"),
    )
    keys = ["place", "lat", "lon"]
    counts = located.groupby(keys, sort=False).size().rename("events")
    by_type = located.groupby(keys + ["event_type"], sort=False).size().rename("n").reset_index()
    dominant = (
        by_type.sort_values(["n", "event_type"], ascending=[False, True])
        .drop_duplicates(keys)
        .set_index(keys)["event_type"]
    )
    newest = (
        located.sort_values("date_start", ascending=False)
        .groupby(keys, sort=False)
        .head(max_listed)
    )
    escaped_titles = newest["title"].astype("string").map(escape_cached)
    links = (
        pd.Series(
            [
                source_link(document, event) if isinstance(document, str) else ""
                for document, event in zip(
                    newest["document_id"].astype(object), newest["event_id"].astype(object)
                )
            ],
            index=newest.index,
            dtype="string",
        )
        if "document_id" in newest and "event_id" in newest
        else ""
    )
    lines = (
        "<li>"
        + newest["date_start"].dt.strftime("%d.%m.%Y")
        + " — "
        + escaped_titles
        + links
        + "</li>"
    )
    listed = lines.groupby([newest[k] for k in keys], sort=False).agg("".join).rename("items")
    table = pd.concat([counts, dominant.rename("dominant_type"), listed], axis=1).reset_index()
    if (
        "status" in located
    ):  # proposed (unreviewed) events per place: all-proposed places are hollow
        is_proposed = located["status"].astype("string").eq("proposed").fillna(False)
        proposed = is_proposed.groupby([located[k] for k in keys], sort=False).sum()
        table["proposed"] = table.set_index(keys).index.map(proposed).fillna(0).astype(int)
    else:
        table["proposed"] = 0
    tails = (table["events"] - max_listed).map(lambda n: f"<li>… и ещё {n}</li>" if n > 0 else "")
    table["popup_html"] = (
        "<b>"
        + table["place"].map(escape_cached)
        + "</b>: "
        + table["events"].astype(str)
        + " событ.<ul>"
        + table["items"]
        + tails
        + "</ul>"
    )
    return table[columns].sort_values(
        ["events", "place"], ascending=[False, True], ignore_index=True
    )


def marker_popups(markers: pd.DataFrame) -> pd.DataFrame:
    """The query layer's markers (analysis.queries.settlement_markers) with an escaped popup: the
    place and its number of events. Its newest events are fetched when the circle is clicked
    (queries.place_events), so the map carries one short line per place however many events."""
    popups = (
        "<b>"
        + markers["place"].map(escape_cached)
        + "</b>: "
        + markers["events"].astype(str)
        + " событ.<br><i>список — под картой</i>"
    )
    return markers.assign(popup_html=popups.astype(object))


def place_event_rows(events: pd.DataFrame) -> pd.DataFrame:
    """A clicked place's events (queries.place_events) as shown under the map: date_start, title,
    event_type and source, a link to the event's passage in the explorer."""
    links = [
        "/explore?" + urllib.parse.urlencode({"table": "events", "doc": document, "row": event})
        if isinstance(document, str)
        else None
        for document, event in zip(events["document_id"], events["event_id"])
    ]
    return events[["date_start", "title", "event_type"]].assign(
        date_start=pd.to_datetime(events["date_start"]), source=links
    )


def with_area_measure(measures: pd.DataFrame, areas_km2: pd.Series | None) -> pd.DataFrame:
    """Region measures plus events per 1000 km² (empty for a subject without a polygon area)."""
    area = measures["region_code"].map(areas_km2 if areas_km2 is not None else {}).astype(float)
    return measures.assign(
        events_per_1000km2=(measures["events"] / area.where(area > 0) * 1000).round(3)
    )


def source_link(document_id: str, event_id: str | None = None) -> str:
    """A link from a popup (inside the map's iframe) to the event's passage in the explorer, opened
    in the app's tab."""
    query = {"table": "events", "doc": str(document_id)}
    if event_id:
        query["row"] = str(event_id)
    return (
        f' <a href="/explore?{html.escape(urllib.parse.urlencode(query))}" '
        f'target="_top">источник</a>'
    )


REGION_MEASURES = {
    "events": "События",
    "events_per_100k": "События на 100 000 жителей",
    "events_per_1000km2": "События на 1000 км²",
    "agreements": "Соглашения",
}


def region_measures(
    events: pd.DataFrame,
    agreements: pd.DataFrame,
    regions: pd.DataFrame,
    areas_km2: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per federal subject: events, events per 100,000 residents, events per 1000 km² (empty
    for
    a subject without an area, i.e. without a polygon), agreements (zeros included).

    `areas_km2`: polygon area by region_code (loaders.geo.boundaries.region_areas_km2)."""
    table = regions[["region_code", "name_short", "population", "centre_lat", "centre_lon"]].copy()
    table["region_code"] = table["region_code"].astype("string")
    event_counts = events["region_code"].astype("string").value_counts()
    agreement_counts = agreements["region_code"].astype("string").value_counts()
    table["events"] = table["region_code"].map(event_counts).fillna(0).astype(int)
    table["agreements"] = table["region_code"].map(agreement_counts).fillna(0).astype(int)
    population = table["population"].where(table["population"] > 0)
    table["events_per_100k"] = (table["events"] / population * 100_000).round(2).fillna(0.0)
    area = table["region_code"].map(areas_km2 if areas_km2 is not None else {}).astype(float)
    table["events_per_1000km2"] = (table["events"] / area.where(area > 0) * 1000).round(3)
    return table


def colour_bins(values: pd.Series, colours: int = 5) -> list[float]:
    """Upper bounds of equal-count classes of the non-zero values (zero gets its own pale
    colour)."""
    positive = values[values > 0]
    if positive.empty:
        return []
    quantiles = positive.quantile([(i + 1) / colours for i in range(colours)])
    whole = bool((positive == positive.round()).all())  # counts: integer bounds
    return sorted(set(quantiles.round(0 if whole else 2)))


_ESCAPED: dict[str, str] = {}


def escape_cached(text) -> str:
    """html.escape with a memo: titles repeat a lot in large datasets."""
    key = str(text)
    if key not in _ESCAPED:
        if len(_ESCAPED) > 200_000:
            _ESCAPED.clear()
        _ESCAPED[key] = html.escape(key)
    return _ESCAPED[key]


def practice_edges(links: pd.DataFrame) -> pd.DataFrame:
    """One row per directed region pair: number of pieces of evidence, evidence types and
    practices."""
    if links.empty:
        return pd.DataFrame(columns=["from_region", "to_region", "weight", "evidence", "practices"])
    grouped = links.assign(
        from_region=links["from_region"].astype("string"),
        to_region=links["to_region"].astype("string"),
        evidence_label=links["evidence_type"].astype("string").map(EVIDENCE_LABELS),
    ).groupby(["from_region", "to_region"], sort=False)
    edges = grouped.agg(
        weight=("link_id", "size"),
        evidence=("evidence_label", lambda s: ", ".join(sorted(set(s.dropna())))),
        practices=("practice", lambda s: "; ".join(sorted(set(s))[:5])),
    ).reset_index()
    return edges.sort_values(
        ["weight", "from_region", "to_region"], ascending=[False, True, True], ignore_index=True
    )


def highlight_passages(text: str, passages: pd.DataFrame, focus: pd.DataFrame | None = None) -> str:
    """The document as escaped HTML with <mark> around each (char_start, char_end) passage; passages
    in `focus` (the row the reader chose) are marked in a stronger colour with id="focus"."""
    focused = (
        {(int(s), int(e)) for s, e in zip(focus["char_start"], focus["char_end"])}
        if focus is not None and not focus.empty
        else set()
    )
    spans = sorted(
        focused
        | (
            {(int(s), int(e)) for s, e in zip(passages["char_start"], passages["char_end"])}
            if not passages.empty
            else set()
        )
    )
    parts, cursor = [], 0
    for start, end in spans:
        original = (start, end)
        start = max(start, cursor)
        if end <= start:
            continue
        parts.append(html.escape(text[cursor:start]))
        opening = (
            "<mark id='focus' style='background:#ffb300'>" if original in focused else "<mark>"
        )
        parts.append(f"{opening}{html.escape(text[start:end])}</mark>")
        cursor = end
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)


DOCUMENT_VIEW_HEIGHT = 480
# Runs inside the component's own iframe: scrolls the text box (not the page) to the focused
# passage.
_SCROLL_TO_FOCUS = (
    "<script>const box=document.getElementById('document');"
    "const mark=document.getElementById('focus');"
    "if(box&&mark){box.scrollTop=Math.max(0,mark.offsetTop-box.clientHeight/3);}</script>"
)


def document_view_html(text: str, passages: pd.DataFrame, focus: pd.DataFrame | None = None) -> str:
    """A self-contained page for an iframe: the document text (escaped) in a fixed-height scroll
    box,
    passages marked, and the focused passage scrolled into view by a two-line script that touches
    nothing but this box."""
    body = highlight_passages(text, passages, focus)
    script = _SCROLL_TO_FOCUS if "id='focus'" in body else ""
    return (
        "<div id='document' style='white-space:pre-wrap;height:"
        f"{DOCUMENT_VIEW_HEIGHT - 16}px;overflow-y:auto;font:14px/1.5 sans-serif;"
        f"padding:4px 8px;border:1px solid #ddd;border-radius:4px'>{body}</div>{script}"
    )
