"""Region boundaries at run time: the committed GeoJSON (built by loaders.build.dcw) as shapes."""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from loaders.paths import REGIONS_GEOJSON


def load_region_shapes(path: Path | str = REGIONS_GEOJSON) -> list[tuple[str, BaseGeometry]]:
    """[(region_code, shapely geometry), ...] from the committed GeoJSON (json + shapely only)."""
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    return [(f["properties"]["region_code"], shape(f["geometry"])) for f in collection["features"]]
