"""Quarter aggregations for the Хроника page (pure pandas, no Streamlit): measures per quarter, the
comparison of two quarters with change bands, council-report reconciliation and source coverage.

An event counts once, in the quarter it starts.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.quarters import quarter_key, quarter_label, shift_quarter

MEASURES = {
    "events": "События",
    "agreements": "Соглашения",
    "practice_links": "Связи практик",
    "settlements": "Активные населённые пункты",
    "regions": "Активные регионы",
}
# Both quarters below this many events: too little data to speak of a change.
LOW_BASELINE = 3
# From a base below LOW_BASELINE only a rise to this many is a band at all (1 → 3 is not +200 %)
RISE_FROM_LOW_BASE = 10
SOURCE_KINDS = {"news": "новости", "letters": "письма", "reports": "отчёты", "tables": "таблицы"}


def count_by(rows: pd.DataFrame, keys: list[str], distinct: str | None = None) -> pd.DataFrame:
    """keys + value: rows (or distinct values of `distinct`) per combination of keys, keys as
    strings.

    Grouping on the categorical columns as loaded (observed=True) is 5–10× faster than DuckDB SQL
    over
    the same frame, which pays ~40 ms to set up (tests/benchmarks/bench_quarters.py)."""
    grouped = rows.groupby(keys, observed=True, sort=False)
    counts = grouped[distinct].nunique() if distinct else grouped.size()
    table = counts.rename("value").reset_index()
    return table.astype({key: "string" for key in keys}).astype({"value": "int64"})


def measure_rows(
    measure: str, events: pd.DataFrame, agreements: pd.DataFrame, links: pd.DataFrame
) -> tuple[pd.DataFrame, str | None]:
    """The rows a measure counts and the column whose distinct values it counts (None: count
    rows)."""
    if measure == "agreements":
        return agreements, None
    if measure == "practice_links":
        return links.rename(columns={"to_region": "region_code"}), None
    if measure == "settlements":
        return events, "settlement_name"
    if measure == "regions":
        return events, "region_code"
    return events, None


def per_quarter(
    rows: pd.DataFrame, quarters: list[str], split: str | None, distinct: str | None
) -> pd.DataFrame:
    """Long table quarter × group → value, every quarter of the range present (zeros included)."""
    if rows.empty or not quarters:
        return pd.DataFrame(
            {
                "quarter": quarters,
                "group": "—",
                "value": 0,
                "quarter_label": [quarter_label(q) for q in quarters],
            }
        )
    keys = ["quarter"] + ([split] if split and split in rows else [])
    counted = count_by(rows, keys, distinct).rename(
        columns={split: "group"} if len(keys) > 1 else {}
    )
    if "group" not in counted:
        counted["group"] = "—"
    counted["group"] = counted["group"].fillna("—")
    counts = counted.groupby(["quarter", "group"])["value"].sum()
    groups = sorted(counted["group"].unique())
    full = pd.MultiIndex.from_product([quarters, groups], names=["quarter", "group"])
    table = counts.reindex(full, fill_value=0).reset_index()
    table["quarter_label"] = table["quarter"].map(quarter_label)
    return table


def latest_complete_quarter(quarters: list[str], today: dt.date) -> str | None:
    """The last quarter of the data that has ended by `today`."""
    current = quarter_key(today)
    finished = [q for q in quarters if q < current]
    return finished[-1] if finished else None


def default_comparison(
    quarters: list[str], today: dt.date
) -> tuple[str | None, str | None, str | None]:
    """(quarter, previous quarter, same quarter a year earlier) for the default comparison."""
    latest = latest_complete_quarter(quarters, today)
    if latest is None:
        return None, None, None
    return latest, shift_quarter(latest, -1), shift_quarter(latest, -4)


def change_band(before: int, after: int, low_baseline: int = LOW_BASELINE) -> str:
    """Russian band for a change. From a base below the low-baseline threshold there is no ratio
    worth naming: «мало данных», unless the count rose to RISE_FROM_LOW_BASE or more («сильный
    рост»)."""
    if before < low_baseline:
        return "сильный рост" if after >= RISE_FROM_LOW_BASE else "мало данных"
    ratio = (after - before) / before
    if ratio >= 0.5:
        return "сильный рост"
    if ratio >= 0.15:
        return "рост"
    if ratio > -0.15:
        return "без изменений"
    if ratio > -0.5:
        return "снижение"
    return "сильное снижение"


def compare_quarters(
    rows: pd.DataFrame,
    distinct: str | None,
    base: str,
    target: str,
    regions: pd.DataFrame,
    low_baseline: int = LOW_BASELINE,
) -> pd.DataFrame:
    """compare_counts over the rows a measure counts (see measure_rows)."""
    counted = count_by(rows, ["quarter", "region_code"], distinct)
    return compare_counts(counted, base, target, regions, low_baseline)


def compare_counts(
    counted: pd.DataFrame,
    base: str,
    target: str,
    regions: pd.DataFrame,
    low_baseline: int = LOW_BASELINE,
) -> pd.DataFrame:
    """Per region: the measure in `base` and in `target`, the change, the percent change and the
    band. `counted`: quarter, region_code, value (as count_by, or the query layer's
    quarter_counts split by region).

    Regions with nothing in either quarter are left out. Percent change is empty from a base below
    the low-baseline threshold, so that 1 → 3 is not shown as +200 %.
    """
    table = regions[["region_code", "name_short"]].assign(
        region_code=lambda t: t["region_code"].astype("string")
    )
    for column, quarter in (("before", base), ("after", target)):
        counts = counted[counted["quarter"] == quarter].set_index("region_code")["value"]
        table[column] = table["region_code"].map(counts).fillna(0).astype(int)
    table = table[(table["before"] > 0) | (table["after"] > 0)].copy()
    table["change"] = table["after"] - table["before"]
    guarded = table["before"] < low_baseline
    table["change_pct"] = (table["change"] / table["before"].where(~guarded) * 100).round(0)
    table["band"] = [
        change_band(b, a, low_baseline) for b, a in zip(table["before"], table["after"])
    ]
    return table.sort_values(["after", "change"], ascending=False, ignore_index=True)


def compare_with_year_ago(
    rows: pd.DataFrame,
    distinct: str | None,
    base: str,
    target: str,
    regions: pd.DataFrame,
    low_baseline: int = LOW_BASELINE,
) -> pd.DataFrame:
    """compare_quarters(base → target) plus the same quarter a year earlier: year_ago, change_year,
    band_year."""
    counted = count_by(rows, ["quarter", "region_code"], distinct)
    return compare_counts_with_year_ago(counted, base, target, regions, low_baseline)


def compare_counts_with_year_ago(
    counted: pd.DataFrame,
    base: str,
    target: str,
    regions: pd.DataFrame,
    low_baseline: int = LOW_BASELINE,
) -> pd.DataFrame:
    """compare_counts(base → target) plus the same quarter a year earlier: year_ago, band_year."""
    table = compare_counts(counted, base, target, regions, low_baseline)
    year_ago = compare_counts(counted, shift_quarter(target, -4), target, regions, low_baseline)
    year_ago = year_ago.set_index("region_code")[["before", "band"]].rename(
        columns={"before": "year_ago", "band": "band_year"}
    )
    table = table.join(year_ago, on="region_code")
    table["year_ago"] = table["year_ago"].fillna(0).astype(int)
    table["band_year"] = table["band_year"].fillna(change_band(0, 0, low_baseline))
    return table


def region_small_multiples(
    rows: pd.DataFrame, distinct: str | None, quarters: list[str], region_codes: list[str]
) -> pd.DataFrame:
    """quarter × region → value for the given regions over the given quarters (zeros included)."""
    subset = rows[rows["region_code"].astype("string").isin(region_codes)]
    return per_quarter(subset, quarters, "region_code", distinct).rename(
        columns={"group": "region_code"}
    )


def small_multiples_from_counts(
    counted: pd.DataFrame, quarters: list[str], region_codes: list[str]
) -> pd.DataFrame:
    """region_small_multiples from counts (quarter, region_code, value): quarter, region_code,
    value, quarter_label for the regions that have any count, every quarter present."""
    subset = counted[counted["region_code"].isin(region_codes) & (counted["value"] > 0)]
    groups = sorted(subset["region_code"].unique())
    if not groups or not quarters:
        return pd.DataFrame(
            {
                "quarter": quarters,
                "region_code": "—",
                "value": 0,
                "quarter_label": [quarter_label(q) for q in quarters],
            }
        )
    counts = subset.groupby(["quarter", "region_code"])["value"].sum()
    full = pd.MultiIndex.from_product([quarters, groups], names=["quarter", "region_code"])
    table = counts.reindex(full, fill_value=0).reset_index()
    table["quarter_label"] = table["quarter"].map(quarter_label)
    return table


def counts_by_region(quarter_counts: pd.DataFrame) -> pd.DataFrame:
    """The query layer's quarter × group table split by region as counts: quarter, region_code,
    value (zeros and the no-group row left out)."""
    found = quarter_counts[(quarter_counts["value"] > 0) & (quarter_counts["group"] != "—")]
    return found.rename(columns={"group": "region_code"})[["quarter", "region_code", "value"]]


def with_bar_ends(calendar: pd.DataFrame) -> pd.DataFrame:
    """Calendar rows with bar_end: a one-day event is drawn as one full day."""
    return calendar.assign(bar_end=pd.to_datetime(calendar["date_end"]) + pd.Timedelta(days=1))


def calendar_rows(events: pd.DataFrame, quarter: str) -> pd.DataFrame:
    """Events starting in the quarter, one bar each; a one-day event is drawn as one full day."""
    chosen = events[events["quarter"].astype("string") == quarter].sort_values(
        ["date_start", "title"]
    )
    return chosen.assign(bar_end=chosen["date_end"] + pd.Timedelta(days=1))


# ---------------------------------------------------------------- sources: coverage and
# reconciliation


def coverage(
    entity_sources: pd.DataFrame, regions: pd.DataFrame, quarters: list[str]
) -> pd.DataFrame:
    """Region × quarter → which kinds of source speak of it (entity_sources: region_code, quarter,
    kind).

    Returns region_code, name_short, quarter, kinds (number of kinds), kinds_text; regions without
    any
    source in the range get has_sources = False so they are not mistaken for zero activity.
    """
    facts = entity_sources[
        ["region_code", "quarter", "kind"]
    ].drop_duplicates()  # ~1,000 rows even at 100k events
    facts = facts.astype("string")
    facts = facts[facts["quarter"].isin(quarters)].sort_values("kind")
    grouped = facts.groupby(["region_code", "quarter"])["kind"].agg(list)
    base = regions[["region_code", "name_short"]].assign(
        region_code=lambda t: t["region_code"].astype("string")
    )
    full = base.merge(pd.DataFrame({"quarter": quarters}, dtype="string"), how="cross")
    kinds = full.set_index(["region_code", "quarter"]).index.map(lambda key: grouped.get(key, []))
    full["kinds"] = [len(k) for k in kinds]
    full["kinds_text"] = [
        ", ".join(SOURCE_KINDS[k] for k in found) or "нет источников" for found in kinds
    ]
    with_any = set(full.loc[full["kinds"] > 0, "region_code"])
    full["has_sources"] = full["region_code"].isin(with_any)
    return full


def reconcile_report(
    items: pd.DataFrame, sources: pd.DataFrame, events: pd.DataFrame, body: str, period: str
) -> pd.DataFrame:
    """A council's report items against other sources, one row per event:

    - «подтверждено»: a report item whose event other documents also report (the merge reason
    shown);
    - «только в отчёте»: a report item no other source mentions;
    - «нет в отчёте»: an event of the report's region and period found elsewhere but not reported.

    `sources`: entity, entity_id, document_id, merge_reason (one row per source of a row); `events`:
    event_id, title, date_start, region_code, quarter. The report's own documents are those its
    items
    were read from; every other document is «another source».
    """
    report = items[
        (items["reporting_body"] == body) & (items["quarter"].astype("string") == period)
    ]
    regions = set(report["region_code"].dropna().astype("string"))
    in_scope = events[
        (events["quarter"].astype("string") == period)
        & events["region_code"].astype("string").isin(regions)
    ]
    relevant = set(report["event_id"]) | set(in_scope["event_id"])
    entity = sources["entity"].astype("string")
    report_documents = set(
        sources.loc[
            (entity == "report_item") & sources["entity_id"].isin(report["report_item_id"]),
            "document_id",
        ]
    )
    event_sources = sources[(entity == "event") & sources["entity_id"].isin(relevant)]
    others = event_sources[~event_sources["document_id"].isin(report_documents)]
    other_by_event = (
        others.groupby("entity_id")["document_id"].nunique().rename("other_sources").to_frame()
    )
    # the reason is recorded on whichever source was merged in second: the report's row or the other
    # one
    reasons = event_sources.groupby("entity_id")["merge_reason"].agg(
        lambda r: "; ".join(sorted({x for x in r if isinstance(x, str) and x}))
    )
    rows = []
    for item in report.itertuples(index=False):
        found = other_by_event.loc[item.event_id] if item.event_id in other_by_event.index else None
        rows.append(
            {
                "status": "подтверждено" if found is not None else "только в отчёте",
                "item_number": item.item_number,
                "date_start": item.date_start,
                "title": item.title,
                "event_id": item.event_id,
                "other_sources": int(found["other_sources"]) if found is not None else 0,
                "rule": (reasons.get(item.event_id) or "прочитано из того же места")
                if found is not None
                else "других источников нет",
            }
        )
    reported = set(report["event_id"])
    for event in in_scope[
        ~in_scope["event_id"].isin(reported) & in_scope["event_id"].isin(others["entity_id"])
    ].itertuples(index=False):
        rows.append(
            {
                "status": "нет в отчёте",
                "item_number": None,
                "date_start": event.date_start,
                "title": event.title,
                "event_id": event.event_id,
                "other_sources": int(other_by_event.loc[event.event_id, "other_sources"]),
                "rule": f"событие региона {event.region_code} в {quarter_label(period)} не совпало "
                f"ни с одним пунктом отчёта",
            }
        )
    columns = ["status", "item_number", "date_start", "title", "event_id", "other_sources", "rule"]
    return pd.DataFrame(rows, columns=columns)
