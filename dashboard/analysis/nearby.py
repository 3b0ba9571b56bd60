"""«События в радиусе N км от города»: the towns one can measure from (no Streamlit)."""

from __future__ import annotations

import pandas as pd


def town_points(regions: pd.DataFrame, events: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Town name → (lat, lon): every regional centre, then each host settlement of the events with
    coordinates of a settlement of its own (not a region's centre), sorted by name. A name that two
    regions share is told apart by its region code."""
    points: dict[str, tuple[float, float]] = {}
    for row in regions.itertuples(index=False):
        points[row.admin_centre] = (float(row.centre_lat), float(row.centre_lon))
    located = events.dropna(subset=["settlement_name", "lat", "lon"])
    if "geo_precision" in located:
        located = located[located["geo_precision"].astype(str) == "settlement"]
    for row in located.drop_duplicates(["settlement_name", "region_code"]).itertuples(index=False):
        point = (float(row.lat), float(row.lon))
        name = row.settlement_name
        if name in points and _far_apart(points[name], point):
            name = f"{name} ({row.region_code})"
        points.setdefault(name, point)
    return dict(sorted(points.items()))


def _far_apart(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) + abs(a[1] - b[1]) > 0.5
