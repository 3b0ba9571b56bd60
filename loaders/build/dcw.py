"""Boundaries of Russia's federal subjects: DCW-GMT netCDF → simplified GeoJSON → shapely shapes.

Build (needs h5py and the Debian package gmt-dcw, which installs /usr/share/gmt-dcw/dcw-gmt.nc):

    python -m loaders.build.dcw build-regions [--nc PATH] [--out PATH] [--tolerance DEG]

Load (json + shapely only, no netCDF reader needed): `load_region_shapes()`.

DCW-GMT layout (checked against DCW-GMT 2.1.1): region RU<CODE> is a pair of uint16 variables
`RU<CODE>_lon` / `RU<CODE>_lat` with attributes `min`, `max`, `scale`; degrees = min + value /
scale.
A lon value of 65535 starts a ring; the lat value at that index is 0 for an outer ring, 1 for a
hole.
Longitudes run past 180 (Chukotka up to ~190.3), so they are cut at the antimeridian.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from loaders.paths import REGIONS_CSV, REGIONS_GEOJSON

DEFAULT_NC = Path("/usr/share/gmt-dcw/dcw-gmt.nc")
COUNTRY = "RU"
RING_START = 65535  # lon value that opens a new ring
HOLE_FLAG = 1  # lat value at a ring start: 0 = outer ring, 1 = hole
DEFAULT_TOLERANCE = 0.02  # degrees, coverage simplification
GAP_WIDTH = 0.01  # degrees: enclosed gaps between neighbours narrower than this go to a neighbour
SLIVER_WIDTH = 0.02  # degrees: open slivers (rivers, digitising gaps) between neighbours, filled
DECIMALS = 5

# DCW code suffix → our ISO code, only where "RU-" + suffix is not in regions.csv.
# Every one of the 83 DCW-GMT 2.1.1 codes matches directly, so nothing is needed today;
# an unknown code fails the build instead of being guessed.
DCW_CODE_OVERRIDES: dict[str, str] = {}


# ---------------------------------------------------------------- decoding


def decode_rings(
    lon_raw, lat_raw, lon_min: float, lon_scale: float, lat_min: float, lat_scale: float
) -> list[tuple[bool, np.ndarray]]:
    """Split packed uint16 arrays into rings: [(is_hole, array of (lon, lat) degrees), ...].

    Rings with fewer than 3 points are dropped.
    """
    lon_raw = np.asarray(lon_raw)
    lat_raw = np.asarray(lat_raw)
    starts = np.flatnonzero(lon_raw == RING_START)
    if len(starts) == 0 or starts[0] != 0:  # tolerate data that does not open with a marker
        starts = np.concatenate([[-1], starts])
    rings = []
    for start, end in zip(starts, [*starts[1:], len(lon_raw)]):
        is_hole = start >= 0 and int(lat_raw[start]) == HOLE_FLAG
        lon = lon_min + lon_raw[start + 1 : end].astype(np.float64) / lon_scale
        lat = lat_min + lat_raw[start + 1 : end].astype(np.float64) / lat_scale
        if len(lon) >= 3:
            rings.append((is_hole, np.column_stack([lon, lat])))
    return rings


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygon parts of a geometry (make_valid and clipping can leave lines/points)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [q for p in parts for q in shapely.get_parts(p) if not q.is_empty]
    if not polygons:
        return Polygon()
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _valid_polygon(coords: np.ndarray) -> BaseGeometry:
    """A ring as a valid (Multi)Polygon; self-intersecting rings are repaired by make_valid."""
    return polygonal(shapely.make_valid(Polygon(coords), method="structure", keep_collapsed=False))


def rings_to_geometry(rings: list[tuple[bool, np.ndarray]]) -> BaseGeometry:
    """Union of the outer rings minus the union of the holes, as a valid (Multi)Polygon."""
    outers = [_valid_polygon(coords) for is_hole, coords in rings if not is_hole]
    holes = [_valid_polygon(coords) for is_hole, coords in rings if is_hole]
    geom = shapely.union_all(outers)
    if holes:
        geom = geom.difference(shapely.union_all(holes))
    return polygonal(geom)


def cut_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """Clip at ±180° and shift the parts beyond it by ∓360°, so all longitudes are in [-180,
    180]."""
    minx, _, maxx, _ = geom.bounds
    if minx >= -180 and maxx <= 180:
        return geom
    parts = [geom.intersection(box(-180, -90, 180, 90))]
    if maxx > 180:
        parts.append(affinity.translate(geom.intersection(box(180, -90, 540, 90)), xoff=-360))
    if minx < -180:
        parts.append(affinity.translate(geom.intersection(box(-540, -90, -180, 90)), xoff=360))
    polygons = [p for part in parts for p in shapely.get_parts(polygonal(part)) if not p.is_empty]
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _attr(variable, name: str) -> float:
    """A numeric attribute as float (h5py returns 1-element arrays, with no auto-scaling)."""
    return float(np.asarray(variable.attrs[name]).ravel()[0])


def dcw_region_codes(nc, country: str = COUNTRY) -> list[str]:
    """Sorted DCW suffixes of a country's regions in an open h5py file (RUKHM_lon → 'KHM')."""
    return sorted(
        name[len(country) : -len("_lon")]
        for name in nc.keys()
        if name.startswith(country) and name.endswith("_lon") and name != f"{country}_lon"
    )


def read_region(nc, suffix: str, country: str = COUNTRY) -> BaseGeometry:
    """Decode one region (e.g. 'KHM') from an open h5py file into a valid geometry in [-180,
    180]."""
    lon_var, lat_var = nc[f"{country}{suffix}_lon"], nc[f"{country}{suffix}_lat"]
    rings = decode_rings(
        lon_var[:],
        lat_var[:],
        _attr(lon_var, "min"),
        _attr(lon_var, "scale"),
        _attr(lat_var, "min"),
        _attr(lat_var, "scale"),
    )
    return cut_antimeridian(rings_to_geometry(rings))


def open_dcw(nc_path: Path | str = DEFAULT_NC):
    """Open the DCW-GMT netCDF-4 file read-only with h5py (imported here: only builds need it)."""
    import h5py

    return h5py.File(nc_path, "r")


# ---------------------------------------------------------------- codes and names


def read_region_names(csv_path: Path | str = REGIONS_CSV) -> dict[str, str]:
    """iso_code → name_short from regions.csv (plain csv, no morphology)."""
    with open(csv_path, encoding="utf-8", newline="") as handle:
        return {row["iso_code"]: row["name_short"] for row in csv.DictReader(handle)}


def iso_code(suffix: str, known_codes, country: str = COUNTRY) -> str:
    """Our ISO code for a DCW suffix: the override if any, else 'RU-' + suffix; must be known."""
    code = DCW_CODE_OVERRIDES.get(suffix, f"{country}-{suffix}")
    if code not in known_codes:
        raise KeyError(
            f"DCW region {country}{suffix} has no code in regions.csv "
            f"(tried {code}); add it to DCW_CODE_OVERRIDES"
        )
    return code


# ---------------------------------------------------------------- build


def fill_border_slivers(geoms, width: float = SLIVER_WIDTH) -> np.ndarray:
    """Give thin uncovered slivers that run between two regions to the region bordering them most.

    DCW leaves narrow strips (river channels, digitising gaps) between some neighbours that open
    onto
    the outer boundary, so coverage_clean does not see them as gaps. They are found by a
    morphological
    closing of the union (buffer out and back in by width/2); a piece counts as a sliver when at
    least
    two regions each make up 15% or more of its perimeter, so bays of a single region stay as they
    are.
    """
    geoms = np.asarray(geoms, dtype=object)
    union = shapely.coverage_union_all(geoms)
    closed = union.buffer(width / 2, join_style="mitre").buffer(-width / 2, join_style="mitre")
    uncovered = polygonal(closed.difference(union))
    pieces = np.array([p for p in shapely.get_parts(uncovered) if not p.is_empty], dtype=object)
    if len(pieces) == 0:
        return geoms
    touching: dict[int, list[int]] = {}
    for piece, region in zip(*STRtree(geoms).query(pieces, predicate="dwithin", distance=1e-7)):
        touching.setdefault(int(piece), []).append(int(region))
    edges: dict[int, BaseGeometry] = {}
    additions: dict[int, list[BaseGeometry]] = {}
    for piece_index, regions in touching.items():
        if len(regions) < 2:
            continue
        piece = pieces[piece_index]
        shares = []
        for region in regions:
            if region not in edges:
                edges[region] = geoms[region].boundary.buffer(1e-7)
            shares.append((piece.boundary.intersection(edges[region]).length, region))
        shares.sort(reverse=True)
        if shares[1][0] >= 0.15 * piece.boundary.length:
            additions.setdefault(shares[0][1], []).append(piece)
    filled = geoms.copy()
    for region, extra in additions.items():
        filled[region] = polygonal(shapely.union_all([geoms[region], *extra]))
    return filled


def round_coordinates(geoms, decimals: int = DECIMALS) -> np.ndarray:
    """Round coordinates (shared vertices stay shared); one that rounding breaks is snapped
    instead."""
    rounded = shapely.transform(np.asarray(geoms, dtype=object), lambda xy: np.round(xy, decimals))
    broken = ~shapely.is_valid(rounded)
    if broken.any():
        originals = np.asarray(geoms, dtype=object)[broken]
        rounded[broken] = shapely.set_precision(originals, 10.0**-decimals)
    return rounded


def region_coverage(
    nc_path: Path | str = DEFAULT_NC, tolerance: float = DEFAULT_TOLERANCE, known_codes=None
) -> tuple[list[str], np.ndarray]:
    """Decode all regions, clean them into a coverage and simplify it so neighbours share borders.

    Steps: decode + make_valid + antimeridian cut → coverage_clean (overlaps resolved, edges
    matched,
    enclosed gaps < GAP_WIDTH filled) → coverage_simplify → fill open slivers between neighbours →
    coverage_clean + coverage_simplify again → round to DECIMALS. Returns (iso codes, geometries)
    sorted by code.
    """
    known_codes = set(read_region_names()) if known_codes is None else set(known_codes)
    with open_dcw(nc_path) as nc:
        suffixes = dcw_region_codes(nc)
        decoded = {iso_code(s, known_codes): read_region(nc, s) for s in suffixes}
    codes = sorted(decoded)
    geoms = np.array([decoded[c] for c in codes], dtype=object)
    geoms = shapely.coverage_clean(geoms, gap_width=GAP_WIDTH)
    geoms = shapely.coverage_simplify(geoms, tolerance)
    geoms = fill_border_slivers(geoms)
    geoms = shapely.coverage_clean(geoms, gap_width=GAP_WIDTH)
    geoms = shapely.coverage_simplify(geoms, tolerance)
    geoms = round_coordinates(geoms)
    geoms = np.array([shapely.orient_polygons(polygonal(g)) for g in geoms], dtype=object)
    invalid = [c for c, g in zip(codes, geoms) if g.is_empty or not g.is_valid]
    if invalid:
        raise ValueError(f"regions empty or invalid after simplification: {invalid}")
    return codes, geoms


def _ring_json(ring) -> list[list[float]]:
    return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring.coords]


def geometry_json(geom: BaseGeometry) -> dict:
    """A (Multi)Polygon as a GeoJSON geometry dict with coordinates rounded to DECIMALS."""
    polygons = [
        [_ring_json(p.exterior), *(_ring_json(r) for r in p.interiors)]
        for p in shapely.get_parts(geom)
    ]
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def build_regions_geojson(
    nc_path: Path | str = DEFAULT_NC,
    out_path: Path | str = REGIONS_GEOJSON,
    tolerance: float = DEFAULT_TOLERANCE,
    regions_csv: Path | str = REGIONS_CSV,
) -> dict:
    """Write the regions GeoJSON (properties: region_code, name) and return a small summary."""
    names = read_region_names(regions_csv)
    codes, geoms = region_coverage(nc_path, tolerance, known_codes=names)
    features = [
        {
            "type": "Feature",
            "properties": {"region_code": code, "name": names[code]},
            "geometry": geometry_json(geom),
        }
        for code, geom in zip(codes, geoms)
    ]
    collection = {"type": "FeatureCollection", "features": features}
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    return {
        "features": len(features),
        "bytes": out_path.stat().st_size,
        "overrides": {s: c for s, c in DCW_CODE_OVERRIDES.items() if c in codes},
        "without_polygon": sorted(set(names) - set(codes)),
    }


# ---------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    """python -m loaders.build.dcw build-regions [--nc PATH] [--out PATH] [--tolerance DEG]."""
    parser = argparse.ArgumentParser(
        prog="python -m loaders.build.dcw", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build-regions", help="rebuild data/reference/regions.geojson from DCW-GMT"
    )
    build.add_argument(
        "--nc", type=Path, default=DEFAULT_NC, help=f"DCW-GMT netCDF (default {DEFAULT_NC})"
    )
    build.add_argument("--out", type=Path, default=REGIONS_GEOJSON, help="output GeoJSON")
    build.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help="coverage simplification tolerance in degrees",
    )
    args = parser.parse_args(argv)

    if not args.nc.exists():
        print(
            f"{args.nc} not found: install the Debian package gmt-dcw "
            f"(apt-get install gmt-dcw) or pass --nc",
            file=sys.stderr,
        )
        return 1
    summary = build_regions_geojson(args.nc, args.out, args.tolerance)
    print(f"{args.out}: {summary['features']} regions, {summary['bytes'] / 1e6:.2f} MB")
    overrides = summary["overrides"]
    print(
        "DCW codes needing a mapping: "
        + (", ".join(f"RU{s} → {c}" for s, c in overrides.items()) if overrides else "none")
    )
    print(
        "regions.csv codes without a polygon: " + (", ".join(summary["without_polygon"]) or "none")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
