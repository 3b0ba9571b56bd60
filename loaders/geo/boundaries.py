"""Region boundaries as a GeoDataFrame (the committed GeoJSON, built by loaders.build.dcw): areas in
an equal-area projection, and the check of the gazetteer against the polygons (a spatial join)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from loaders.paths import REGIONS_GEOJSON

# Albers equal-area conic for Russia (standard parallels 52° and 64°, central meridian 105° E):
# areas are exact up to the ellipsoid, and distances are good to a few per cent, enough to tell a
# border village from a misplaced town. Chukotka's far side (-180…-169°) is 85° from the central
# meridian, so the projection stays continuous across the antimeridian.
RUSSIA_ALBERS = "+proj=aea +lat_1=52 +lat_2=64 +lat_0=0 +lon_0=105 +datum=WGS84 +units=m +no_defs"
# The GeoJSON was simplified with a 0.02° tolerance (loaders.build.dcw): a settlement this close to
# its own region's polygon is a border effect, not an error.
BORDER_TOLERANCE_KM = 5.0


def read_region_boundaries(path: Path | str = REGIONS_GEOJSON) -> gpd.GeoDataFrame:
    """One row per federal subject with a polygon: region_code, name, geometry (EPSG:4326),
    area_km2, and `geojson`, the geometry as read (a map embeds it as is: serialising 83 shapes
    again with shapely costs ~0.1 s per map render).

    The six subjects the source has no boundary for (RU-CR, RU-SEV, RU-DNR, RU-LNR, RU-ZAP, RU-KHE)
    have no row."""
    with open(path, encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    boundaries = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    boundaries = boundaries[["region_code", "name", "geometry"]]
    boundaries["area_km2"] = region_areas_km2(boundaries).to_numpy()
    boundaries["geojson"] = [feature["geometry"] for feature in features]
    return boundaries


def region_areas_km2(boundaries: gpd.GeoDataFrame) -> pd.Series:
    """Area of each region's polygon in km² (equal-area projection), indexed by region_code."""
    areas = boundaries.to_crs(RUSSIA_ALBERS).area / 1e6
    return pd.Series(areas.to_numpy(), index=boundaries["region_code"], name="area_km2")


@dataclass
class GeographyReport:
    """Gazetteer settlements against the region polygons.

    `disagreements`: one row per settlement whose GeoNames region differs from the polygon it falls
    in (settlement_id, name, population, region_code, polygon_region, distance_km to its own
    region's polygon); `outside`: settlements in no polygon (same columns, polygon_region empty)."""

    checked: int
    without_polygon: dict[str, int]
    disagreements: pd.DataFrame
    outside: pd.DataFrame

    @property
    def border_cases(self) -> pd.DataFrame:
        return self.disagreements[self.disagreements["distance_km"] <= BORDER_TOLERANCE_KM]

    @property
    def far_cases(self) -> pd.DataFrame:
        return self.disagreements[self.disagreements["distance_km"] > BORDER_TOLERANCE_KM]

    def lines(self, limit: int | None = 40) -> list[str]:
        """The report as printed by `python -m loaders check-geography`."""
        skipped = ", ".join(
            f"{code}: {count}" for code, count in sorted(self.without_polygon.items())
        )
        lines = [
            f"Проверено населённых пунктов / settlements checked: {self.checked}",
            f"В регионах без границ (не проверялись) / in subjects without a polygon: {skipped}",
            f"Вне всех полигонов (побережье, упрощение границ) / outside every polygon: "
            f"{len(self.outside)}",
            f"Регион GeoNames не совпадает с полигоном / region disagrees with polygon: "
            f"{len(self.disagreements)} (у границы, ≤ {BORDER_TOLERANCE_KM:g} км: "
            f"{len(self.border_cases)}; дальше / farther: {len(self.far_cases)})",
        ]
        shown = self.disagreements.sort_values("distance_km", ascending=False)
        if limit is not None:
            shown = shown.head(limit)
        for row in shown.itertuples(index=False):
            lines.append(
                f"  {row.name} ({row.settlement_id}, {row.population} жит.): "
                f"GeoNames {row.region_code}, "
                f"полигон {row.polygon_region}, {row.distance_km:.1f} км до своего региона"
            )
        return lines


def _distance_to_own_region_km(
    points: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame
) -> list[float]:
    projected = boundaries.to_crs(RUSSIA_ALBERS).set_index("region_code").geometry
    located = points.to_crs(RUSSIA_ALBERS)
    return [
        float(projected[code].distance(point)) / 1000 if code in projected.index else float("nan")
        for code, point in zip(located["region_code"], located.geometry)
    ]


def check_gazetteer_regions(
    settlements: pd.DataFrame | None = None, boundaries: gpd.GeoDataFrame | None = None
) -> GeographyReport:
    """Spatial join of every gazetteer settlement (settlement_id, name, region_code, lat, lon,
    population) to the region polygons; settlements of subjects without a polygon are counted
    apart."""
    if settlements is None:
        from loaders.geo.gazetteer import load_gazetteer_frame

        settlements = load_gazetteer_frame()
    boundaries = read_region_boundaries() if boundaries is None else boundaries
    with_polygon = settlements["region_code"].isin(boundaries["region_code"])
    without = settlements.loc[~with_polygon, "region_code"].value_counts().to_dict()
    points = gpd.GeoDataFrame(
        settlements.loc[
            with_polygon, ["settlement_id", "name", "population", "region_code", "lat", "lon"]
        ],
        geometry=gpd.points_from_xy(
            settlements.loc[with_polygon, "lon"], settlements.loc[with_polygon, "lat"]
        ),
        crs="EPSG:4326",
    )
    joined = gpd.sjoin(
        points,
        boundaries[["region_code", "geometry"]].rename(columns={"region_code": "polygon_region"}),
        how="left",
        predicate="within",
    )
    joined = joined[~joined.index.duplicated()]  # a point on a shared edge lies within neither
    columns = ["settlement_id", "name", "population", "region_code", "polygon_region"]
    disagreeing = joined[
        joined["polygon_region"].notna() & (joined["polygon_region"] != joined["region_code"])
    ]
    outside = joined[joined["polygon_region"].isna()]
    return GeographyReport(
        checked=len(points),
        without_polygon={str(code): int(count) for code, count in without.items()},
        disagreements=disagreeing[columns]
        .assign(distance_km=_distance_to_own_region_km(disagreeing, boundaries))
        .reset_index(drop=True),
        outside=outside[columns]
        .assign(distance_km=_distance_to_own_region_km(outside, boundaries))
        .reset_index(drop=True),
    )
