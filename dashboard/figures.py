"""Pure Plotly figure builders (no Streamlit): data in, go.Figure out."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.presentation import EVENT_TYPE_COLOURS, plotly_text

DISTRICT_COLOURS = {
    "Центральный": "#1f77b4",
    "Северо-Западный": "#17becf",
    "Южный": "#ff7f0e",
    "Северо-Кавказский": "#d62728",
    "Приволжский": "#2ca02c",
    "Уральский": "#9467bd",
    "Сибирский": "#8c564b",
    "Дальневосточный": "#e377c2",
}


def quarter_bar_figure(
    counts: pd.DataFrame,
    labels: dict[str, str],
    title: str,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Stacked bars: one trace per group, x = Russian quarter labels in time order; `colours` by
    group
    (event types keep the colours they have on the map and the calendar)."""
    figure = go.Figure()
    order = (
        counts.drop_duplicates("quarter").sort_values("quarter")["quarter_label"].tolist()
        if "quarter_label" in counts
        else []
    )
    totals = counts.groupby("group")["events"].sum().sort_values(ascending=False)
    for group in totals.index:
        rows = counts[counts["group"] == group].sort_values("quarter")
        figure.add_bar(
            x=rows["quarter_label"].tolist(),
            y=rows["events"].astype(int).tolist(),
            name=plotly_text(labels.get(group, group)),
            marker_color=(colours or {}).get(group),
        )
    figure.update_layout(
        barmode="stack",
        title=title,
        xaxis={"title": "Квартал", "categoryorder": "array", "categoryarray": order},
        yaxis={"title": "Событий"},
        legend={"title": "", "orientation": "h", "y": -0.25, "x": 0},  # below: phones are narrow
        margin={"t": 50, "l": 40, "r": 10, "b": 40},
        height=420,
    )
    return figure


def circular_positions(nodes: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Deterministic layout: regions on a circle, grouped by federal district, then by code."""
    ordered = nodes.sort_values(["federal_district", "region_code"])["region_code"].tolist()
    count = max(len(ordered), 1)
    return {
        code: (math.cos(2 * math.pi * i / count), math.sin(2 * math.pi * i / count))
        for i, code in enumerate(ordered)
    }


COMMUNITY_COLOURS = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#666666",
)


def network_figure(
    edges: pd.DataFrame, nodes: pd.DataFrame, colour_by: str = "district"
) -> go.Figure:
    """Directed network of practice sharing: arrows from the teaching region to the learning one.

    `edges`: from_region, to_region, weight; `nodes`: region_code, name_short, federal_district,
    activity.
    """
    positions = circular_positions(nodes)
    figure = go.Figure()
    max_weight = max(edges["weight"].max(), 1) if not edges.empty else 1
    # built as plain dicts and set at once: add_annotation validates each call and is slow
    arrows = []
    for edge in edges.itertuples(index=False):
        (x0, y0), (x1, y1) = positions[edge.from_region], positions[edge.to_region]
        arrows.append(
            dict(
                x=x1,
                y=y1,
                ax=x0,
                ay=y0,
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                text="",
                arrowhead=2,
                arrowsize=1,
                arrowwidth=1 + 4 * edge.weight / max_weight,
                arrowcolor="rgba(90,90,90,0.45)",
                standoff=8,
                startstandoff=4,
                hovertext=f"{edge.from_region} → {edge.to_region}: {edge.weight}",
            )
        )
    figure.update_layout(annotations=arrows)
    max_activity = max(nodes["activity"].max(), 1) if not nodes.empty else 1
    group_column = (
        "community" if colour_by == "community" and "community" in nodes else "federal_district"
    )
    for index, (group_name, group) in enumerate(nodes.groupby(group_column, sort=True)):
        colour = (
            DISTRICT_COLOURS.get(group_name, "#777")
            if group_column == "federal_district"
            else COMMUNITY_COLOURS[index % len(COMMUNITY_COLOURS)]
        )
        figure.add_scatter(
            x=[positions[c][0] for c in group["region_code"]],
            y=[positions[c][1] for c in group["region_code"]],
            mode="markers+text",
            name=str(group_name)
            if group_column == "federal_district"
            else f"Сообщество {int(group_name)}",
            text=[plotly_text(name) for name in group["name_short"]],
            textposition="top center",
            marker={"size": 8 + 30 * group["activity"] / max_activity, "color": colour},
            customdata=group[["region_code", "activity"]],
            hovertemplate="%{text} (%{customdata[0]}): %{customdata[1]}<extra></extra>",
        )
    figure.update_layout(
        height=640,
        showlegend=True,
        legend={
            "title": "Федеральный округ" if group_column == "federal_district" else "Сообщество"
        },
        margin={"t": 20, "l": 10, "r": 10, "b": 10},
        xaxis={"visible": False, "range": [-1.3, 1.3]},
        yaxis={"visible": False, "range": [-1.25, 1.25], "scaleanchor": "x"},
    )
    return figure


def small_multiples_figure(table: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """One small bar chart per region over the quarters (table: quarter, quarter_label, region_code,
    value). The grid is laid out by hand: make_subplots and one add_bar per region cost the Хроника
    page ~0.3 s of Plotly validation per run at national scale."""
    regions = list(dict.fromkeys(table["region_code"]))
    columns, gap_x, gap_y = 4, 0.04, 0.12
    rows = max(1, -(-len(regions) // columns))
    width = (1 - gap_x * (columns - 1)) / columns
    height = (1 - gap_y * (rows - 1)) / rows
    ordered = table.sort_values("quarter")
    traces, layout = [], {}
    annotations = []
    for index, (region, part) in enumerate(
        (region, ordered[ordered["region_code"] == region]) for region in regions
    ):
        row, column = divmod(index, columns)
        suffix = "" if index == 0 else str(index + 1)
        left = column * (width + gap_x)
        top = 1 - row * (height + gap_y)
        traces.append(
            {
                "type": "bar",
                "x": part["quarter_label"].tolist(),
                "y": part["value"].astype(int).tolist(),
                "name": plotly_text(labels.get(region, region)),
                "xaxis": f"x{suffix}",
                "yaxis": f"y{suffix}",
                "showlegend": False,
                "marker": {"color": "#31a354"},
            }
        )
        layout[f"xaxis{suffix}"] = {
            "domain": [round(left, 6), min(1.0, round(left + width, 6))],
            "anchor": f"y{suffix}",
            "showticklabels": False,
        }
        layout[f"yaxis{suffix}"] = {
            "domain": [max(0.0, round(top - height, 6)), round(top, 6)],
            "anchor": f"x{suffix}",
        }
        annotations.append(
            {
                "text": plotly_text(labels.get(region, region)),
                "x": left + width / 2,
                "y": top,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    layout.update(
        height=190 * rows,
        margin={"t": 40, "l": 20, "r": 10, "b": 20},
        annotations=annotations,
    )
    return go.Figure(data=traces, layout=layout)


MONTHS_SHORT = ("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
MONTHS_NOMINATIVE = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


def russian_date_ticks(events: pd.DataFrame) -> dict:
    """Tick positions and Russian text for a date axis over the events' bars: «1 окт», «8 окт» …
    (Plotly has no Russian locale for month names, so the ticks are given explicitly). Weekly ticks
    on Mondays for up to ~4 months, else the first of each month named in full."""
    if events.empty:
        return {}
    first = events["date_start"].min().normalize()
    last = events["bar_end"].max().normalize()
    if (last - first).days <= 130:
        days = pd.date_range(first - pd.Timedelta(days=first.weekday()), last, freq="7D")
        text = [f"{day.day} {MONTHS_SHORT[day.month - 1]}" for day in days]
    else:
        days = pd.date_range(first.replace(day=1), last, freq="MS")
        text = [f"{MONTHS_NOMINATIVE[day.month - 1]} {day.year}" for day in days]
    return {
        "tickmode": "array",
        "tickvals": [f"{day:%Y-%m-%d}" for day in days],
        "ticktext": text,
    }


def calendar_figure(events: pd.DataFrame, type_labels: dict[str, str]) -> go.Figure:
    """Gantt-style chart: one bar per event from its first to its last day, coloured by type."""
    figure = go.Figure()
    for kind, group in events.groupby(events["event_type"].astype("string"), sort=True):
        figure.add_bar(
            y=[plotly_text(title) for title in group["title"]],
            x=((group["bar_end"] - group["date_start"]).dt.total_seconds() * 1000).tolist(),
            base=group["date_start"].dt.strftime("%Y-%m-%d").tolist(),
            orientation="h",
            name=type_labels.get(kind, kind),
            marker_color=EVENT_TYPE_COLOURS.get(kind),
            customdata=[
                [plotly_text(name) if isinstance(name, str) else ""]
                for name in group["settlement_name"].astype(object)
            ],
            hovertemplate="%{y}<br>%{base|%d.%m.%Y}<br>%{customdata[0]}<extra></extra>",
        )
    figure.update_layout(
        barmode="overlay",
        height=min(2400, 120 + 22 * len(events)),
        xaxis={"type": "date", "title": "", **russian_date_ticks(events)},
        yaxis={"autorange": "reversed", "title": "", "automargin": True},
        margin={"t": 20, "l": 10, "r": 10, "b": 30},
        legend={"title": "", "orientation": "h", "y": -0.05, "yanchor": "top", "x": 0},
    )
    return figure


def coverage_figure(coverage: pd.DataFrame) -> go.Figure:
    """Heat map region × quarter of the number of source kinds; hover lists them."""
    from dashboard.quarters import quarter_label

    pivot = coverage.pivot_table(
        index="name_short", columns="quarter", values="kinds", aggfunc="max"
    ).sort_index()
    text = coverage.pivot_table(
        index="name_short", columns="quarter", values="kinds_text", aggfunc="first"
    ).reindex_like(pivot)
    quarters = list(pivot.columns)
    figure = go.Figure(
        go.Heatmap(
            z=pivot.values.tolist(),
            x=[quarter_label(q) for q in quarters],
            y=pivot.index.tolist(),
            text=text.values.tolist(),
            hovertemplate="%{y}, %{x}: %{text}<extra></extra>",
            colorscale="Greens",
            zmin=0,
            zmax=4,
            colorbar={"title": "видов<br>источников"},
        )
    )
    figure.update_layout(
        height=max(300, 18 * len(pivot) + 80),
        margin={"t": 20, "l": 10, "r": 10, "b": 30},
        yaxis={"automargin": True},
    )
    return figure


def evidence_list_html(
    links: pd.DataFrame, other_column: str, names: dict[str, str], evidence_labels: dict[str, str]
) -> str:
    """Quoted passages behind practice links, each with its partner region and a link to the
    document.

    Every piece of text comes from documents and is HTML-escaped.
    """
    import html

    if links.empty:
        return "<p>—</p>"
    items = []
    for row in links.sort_values([other_column, "date_start"]).itertuples(index=False):
        partner = getattr(row, other_column)
        passage = row.passage if isinstance(row.passage, str) else ""
        document = row.document_id if isinstance(row.document_id, str) else ""
        date = f"{row.date_start:%d.%m.%Y}" if pd.notna(row.date_start) else "без даты"
        items.append(
            f"<li><b>{html.escape(str(names.get(partner, partner)))}</b> · "
            f"{html.escape(str(row.practice))} · "
            f"{html.escape(evidence_labels.get(str(row.evidence_type), str(row.evidence_type)))} · "
            f"{date}"
            f"<blockquote style='margin:4px 0 8px "
            f"12px;color:#444'>{html.escape(passage)}</blockquote>"
            + (
                f"<a href='/explore?doc={html.escape(document)}' target='_self'>документ "
                f"{html.escape(str(row.file_name))}</a>"
                if document
                else ""
            )
            + "</li>"
        )
    return "<ul>" + "".join(items) + "</ul>"
