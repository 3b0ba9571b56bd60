"""Spatial questions of the store on both engines: region boundaries in PostGIS on the server, and
«events within N km of a point» (PostGIS ST_DWithin on the server, haversine in numpy on DuckDB).

Both use the same sphere (PostGIS's mean Earth radius with use_spheroid = false), so the two engines
give the same answer, not two answers a few hundred metres apart at the edge of the radius."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from loaders.model.ids import sha256_hex
from loaders.paths import REGIONS_GEOJSON
from loaders.store.postgres import ServerConnection

EARTH_RADIUS_KM = 6371.0087714  # PostGIS's sphere for geography with use_spheroid = false
REGION_SHAPES = "region_shapes"
_SHAPES_HASH_KEY = "regions_geojson_sha256"
_SHAPES_DDL = f"""CREATE TABLE IF NOT EXISTS {REGION_SHAPES} (
  region_code TEXT PRIMARY KEY,
  name TEXT,
  geom geometry(MultiPolygon, 4326) NOT NULL
)"""
_SHAPES_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {REGION_SHAPES}_geom ON {REGION_SHAPES} USING gist (geom)"
)
_POINT_INDEXES = (
    "CREATE INDEX IF NOT EXISTS events_geom ON events USING gist (geom)",
    "CREATE INDEX IF NOT EXISTS places_geom ON places USING gist (geom)",
)


def refresh_region_shapes(connection: ServerConnection) -> int | None:
    """(Re)load data/reference/regions.geojson into region_shapes when the file changed since it was
    loaded (its sha256 is kept in store_meta); the number of regions loaded, or None if unchanged.
    Runs in the caller's transaction."""
    connection.execute(_SHAPES_DDL)
    connection.execute(_SHAPES_INDEX)
    for statement in _POINT_INDEXES:
        connection.execute(statement)
    data = REGIONS_GEOJSON.read_bytes()
    digest = sha256_hex(data)
    stored = connection.execute(
        "SELECT value FROM store_meta WHERE key = ?", [_SHAPES_HASH_KEY]
    ).fetchone()
    if stored and stored[0] == digest:
        return None
    features = json.loads(data)["features"]
    connection.execute(f"DELETE FROM {REGION_SHAPES}")
    for feature in features:
        connection.execute(
            f"INSERT INTO {REGION_SHAPES} VALUES "
            "(?, ?, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)))",
            [
                feature["properties"]["region_code"],
                feature["properties"].get("name"),
                json.dumps(feature["geometry"]),
            ],
        )
    connection.execute("DELETE FROM store_meta WHERE key = ?", [_SHAPES_HASH_KEY])
    connection.execute("INSERT INTO store_meta VALUES (?, ?)", [_SHAPES_HASH_KEY, digest])
    return len(features)


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances (km) from one point to many, on PostGIS's sphere."""
    phi1, phi2 = np.radians(lat), np.radians(np.asarray(lats, dtype=float))
    dphi = phi2 - phi1
    dlambda = np.radians(np.asarray(lons, dtype=float) - lon)
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def events_within_km(connection, lat: float, lon: float, radius_km: float) -> list[str]:
    """Ids of stored events placed in a settlement within radius_km of (lat, lon), sorted. Events
    known only to their region (placed at its centre) or without coordinates are never within: a
    radius around a town says nothing about them. PostGIS ST_DWithin on the server, numpy on
    DuckDB."""
    if radius_km < 0:
        raise ValueError(f"радиус не может быть отрицательным / negative radius: {radius_km}")
    if isinstance(connection, ServerConnection):
        rows = connection.execute(
            "SELECT event_id FROM events WHERE geo_precision = 'settlement' AND ST_DWithin(geom, "
            "ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, ?, false) ORDER BY event_id",
            [lon, lat, radius_km * 1000.0],
        ).fetchall()
        return [row[0] for row in rows]
    points = connection.execute(
        "SELECT event_id, lat, lon FROM events WHERE geo_precision = 'settlement' "
        "AND lat IS NOT NULL AND lon IS NOT NULL"
    ).df()
    return sorted(within_km(points, lat, lon, radius_km)["event_id"])


def within_km(frame: pd.DataFrame, lat: float, lon: float, radius_km: float) -> pd.DataFrame:
    """Rows of a frame with lat/lon columns within radius_km of (lat, lon) (no coordinates: out)."""
    located = frame.dropna(subset=["lat", "lon"])
    distances = haversine_km(lat, lon, located["lat"].to_numpy(), located["lon"].to_numpy())
    return located[distances <= radius_km]
