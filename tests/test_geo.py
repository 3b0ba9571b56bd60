"""Region boundaries: the DCW-GMT decoder (real file, when installed) and the committed GeoJSON."""

from __future__ import annotations

import csv
import time

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from loaders.build.dcw import (
    DEFAULT_NC,
    REGIONS_GEOJSON,
    cut_antimeridian,
    decode_rings,
    fill_border_slivers,
    iso_code,
    rings_to_geometry,
)
from loaders.geo.boundaries import (
    BORDER_TOLERANCE_KM,
    check_gazetteer_regions,
    read_region_boundaries,
    region_areas_km2,
)
from loaders.paths import REGIONS_CSV

KHANTY_MANSIYSK = Point(69.0019, 61.0042)  # lon, lat
INLAND_NEIGHBOURS = [
    ("RU-KHM", "RU-TYU"),
    ("RU-MOW", "RU-MOS"),
    ("RU-KHM", "RU-YAN"),
    ("RU-KDA", "RU-AD"),
]
NEAR = 0.05  # degrees: how far either side of a shared border to look for gaps


def _area_km2(geom) -> float:
    """Area on the sinusoidal (equal-area) projection of a sphere; good to ~1% at region scale."""
    km_per_degree = 111.195

    def project(coords):
        return np.column_stack(
            [
                coords[:, 0] * np.cos(np.radians(coords[:, 1])) * km_per_degree,
                coords[:, 1] * km_per_degree,
            ]
        )

    return shapely.transform(geom, project).area


def _shared_border(a, b) -> float:
    """Length (degrees) of boundary that two shapes have exactly in common."""
    return shapely.length(shapely.intersection(a.boundary, b.boundary))


def _border_defects(a, b, everything=None) -> list[str]:
    """Why two inland neighbours do not share a clean border (empty when they do).

    Overlap: area of a ∩ b. Mismatch: the exactly common boundary is short or the pair is not a
    valid
    coverage (vertices differ along the border). Gap: within NEAR degrees of both shapes, area that
    no
    region in `everything` covers (inland, everything there belongs to some region).
    """
    defects = []
    overlap = a.intersection(b).area
    if overlap > 1e-9:
        defects.append(f"overlap {overlap:.2e} deg²")
    if _shared_border(a, b) < 0.5:
        defects.append(f"exactly shared border only {_shared_border(a, b):.3f}°")
    if not shapely.coverage_is_valid([a, b]):
        defects.append("edges do not match vertex for vertex")
    if everything is not None:
        zone = a.buffer(NEAR).intersection(b.buffer(NEAR))
        nearby = [g for g in everything if g.intersects(zone)]
        gap = zone.difference(shapely.union_all([a, b, *nearby])).area
        if gap > 1e-9:
            defects.append(f"gap {gap:.2e} deg² near the border")
    return defects


def _regions_csv() -> dict[str, dict]:
    with open(REGIONS_CSV, encoding="utf-8", newline="") as handle:
        return {row["iso_code"]: row for row in csv.DictReader(handle)}


# ---------------------------------------------------------------- pure decoding (always run)


def test_decode_rings_splits_at_markers_and_scales():
    lon = [65535, 0, 100, 100, 0, 65535, 25, 75, 75]
    lat = [0, 0, 0, 200, 200, 1, 50, 50, 150]
    rings = decode_rings(lon, lat, lon_min=30.0, lon_scale=100.0, lat_min=50.0, lat_scale=200.0)
    assert [is_hole for is_hole, _ in rings] == [False, True]
    np.testing.assert_allclose(rings[0][1], [[30, 50], [31, 50], [31, 51], [30, 51]])
    np.testing.assert_allclose(rings[1][1], [[30.25, 50.25], [30.75, 50.25], [30.75, 50.75]])


def test_rings_to_geometry_subtracts_holes_and_repairs_bowties():
    outer = np.array([[0, 0], [4, 0], [4, 4], [0, 4]], dtype=float)
    hole = np.array([[1, 1], [2, 1], [2, 2], [1, 2]], dtype=float)
    bowtie = np.array([[10, 0], [12, 2], [12, 0], [10, 2]], dtype=float)
    geom = rings_to_geometry([(False, outer), (True, hole), (False, bowtie)])
    assert geom.is_valid
    assert geom.area == pytest.approx(16 - 1 + 2)


def test_cut_antimeridian_wraps_the_eastern_part():
    cut = cut_antimeridian(box(170, 60, 190, 70))
    minx, _, maxx, _ = cut.bounds
    assert (minx, maxx) == (-180, 180)
    assert cut.area == pytest.approx(200)
    assert cut.intersection(box(-180, 60, -170, 70)).area == pytest.approx(100)
    assert cut_antimeridian(box(30, 50, 40, 60)).equals(box(30, 50, 40, 60))


def test_fill_border_slivers_fills_strips_between_neighbours_but_not_bays():
    west, east = box(0, 0, 1, 1), box(1.005, 0, 2, 1)  # a 0.005° strip open at both ends
    bay = box(5, 0, 6, 1).difference(box(5.5, 0.5, 5.505, 1))  # a 0.005° inlet of one region
    filled = fill_border_slivers([west, east, bay], width=0.02)
    assert filled[0].union(filled[1]).area == pytest.approx(2.0)  # 1 + 0.995 + the 0.005 strip
    assert filled[0].intersection(filled[1]).area == pytest.approx(0)
    assert filled[2].equals(bay)


def test_unknown_dcw_code_fails_instead_of_guessing():
    assert iso_code("KHM", {"RU-KHM"}) == "RU-KHM"
    with pytest.raises(KeyError, match="DCW_CODE_OVERRIDES"):
        iso_code("XYZ", {"RU-KHM"})


# ---------------------------------------------------------------- the real DCW-GMT file

needs_dcw = pytest.mark.requires("dcw")  # skipped without gmt-dcw, except in CI (which installs it)


@pytest.fixture(scope="module")
def dcw():
    from loaders.build.dcw import open_dcw

    with open_dcw(DEFAULT_NC) as nc:
        yield nc


@needs_dcw
def test_dcw_has_83_regions_all_mapped_to_our_codes(dcw):
    from loaders.build.dcw import dcw_region_codes

    suffixes = dcw_region_codes(dcw)
    known = set(_regions_csv())
    assert len(suffixes) == 83
    assert len({iso_code(s, known) for s in suffixes}) == 83


@needs_dcw
def test_dcw_khanty_mansi_decodes_to_a_plausible_polygon(dcw):
    from loaders.build.dcw import read_region

    khm = read_region(dcw, "KHM")
    assert khm.is_valid and khm.geom_type == "Polygon"
    assert 61 <= khm.centroid.y <= 63 and 65 <= khm.centroid.x <= 75
    minx, miny, maxx, maxy = khm.bounds
    assert 58 < minx < 61 and 85 < maxx < 87 and 58 < miny < 59.5 and 65 < maxy < 66.5
    assert 480_000 < _area_km2(khm) < 590_000  # official 534 801 km²
    assert khm.contains(KHANTY_MANSIYSK)


@needs_dcw
def test_dcw_chukotka_is_cut_at_the_antimeridian(dcw):
    from loaders.build.dcw import read_region

    raw_lon_max = float(np.asarray(dcw["RUCHU_lon"].attrs["max"]).ravel()[0])
    assert raw_lon_max > 180  # the file really runs past 180°
    chukotka = read_region(dcw, "CHU")
    assert chukotka.is_valid
    coords = shapely.get_coordinates(chukotka)
    assert coords[:, 0].min() >= -180 and coords[:, 0].max() <= 180
    assert (coords[:, 0] < -169).any() and (coords[:, 0] > 179.99).any()
    assert 650_000 < _area_km2(chukotka) < 790_000  # official 721 481 km²


@needs_dcw
def test_dcw_moscow_has_the_pre_2012_border(dcw):
    from loaders.build.dcw import read_region

    moscow = read_region(dcw, "MOW")
    assert moscow.bounds[1] > 55.4  # New Moscow (after 2012) reaches 55.1°N
    assert 900 < _area_km2(moscow) < 1300  # ~1 090 km² before 2012, 2 561 km² after


@needs_dcw
def test_raw_dcw_neighbours_do_not_match_so_the_border_check_can_fail(dcw):
    """The raw DCW polygons overlap and leave slivers; the committed file must not (see below)."""
    from loaders.build.dcw import read_region

    for a, b in [("KHM", "TYU"), ("MOW", "MOS")]:
        defects = _border_defects(read_region(dcw, a), read_region(dcw, b))
        assert any(d.startswith("overlap") for d in defects), (a, b, defects)
        assert any(d.startswith("exactly shared") for d in defects), (a, b, defects)


# ---------------------------------------------------------------- the committed GeoJSON (always
# run)


@pytest.fixture(scope="module")
def shapes():
    started = time.perf_counter()
    boundaries = read_region_boundaries(REGIONS_GEOJSON)
    loaded = list(zip(boundaries["region_code"], boundaries.geometry))
    print(f"\nloaded {len(loaded)} region shapes in {time.perf_counter() - started:.3f} s")
    return loaded


def test_geojson_has_83_unique_known_regions(shapes):
    codes = [code for code, _ in shapes]
    assert len(codes) == 83
    assert len(set(codes)) == 83
    assert set(codes) <= set(_regions_csv())
    assert not {"RU-CR", "RU-SEV"} & set(codes)


def test_geojson_properties_use_short_names(shapes):
    import json

    features = json.loads(REGIONS_GEOJSON.read_text(encoding="utf-8"))["features"]
    names = {code: row["name_short"] for code, row in _regions_csv().items()}
    for feature in features:
        props = feature["properties"]
        assert set(props) == {"region_code", "name"}
        assert props["name"] == names[props["region_code"]]
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_geojson_geometries_valid_and_within_longitude_range(shapes):
    for code, geom in shapes:
        assert geom.is_valid and not geom.is_empty, code
        assert geom.geom_type in {"Polygon", "MultiPolygon"}, code
        coords = shapely.get_coordinates(geom)
        assert coords[:, 0].min() >= -180 and coords[:, 0].max() <= 180, code
        assert 41 <= coords[:, 1].min() and coords[:, 1].max() <= 82, code
        assert np.allclose(coords, np.round(coords, 5), rtol=0, atol=1e-9), code


def test_khanty_mansi_contains_khanty_mansiysk(shapes):
    assert dict(shapes)["RU-KHM"].contains(KHANTY_MANSIYSK)


@pytest.mark.parametrize("a, b", INLAND_NEIGHBOURS)
def test_neighbours_share_their_border(shapes, a, b):
    by_code = dict(shapes)
    everything = [geom for _, geom in shapes]
    assert _border_defects(by_code[a], by_code[b], everything) == []


def test_border_check_detects_a_gap_and_an_overlap(shapes):
    by_code = dict(shapes)
    khm, tyu = by_code["RU-KHM"], by_code["RU-TYU"]
    others = [geom for code, geom in shapes if code not in {"RU-KHM", "RU-TYU"}]
    shrunk, grown = tyu.buffer(-0.003), tyu.buffer(0.003)
    assert any(d.startswith("gap") for d in _border_defects(khm, shrunk, [*others, shrunk]))
    assert any(d.startswith("overlap") for d in _border_defects(khm, grown, [*others, grown]))


def test_moscow_border_is_shared_with_moscow_oblast_almost_entirely(shapes):
    by_code = dict(shapes)
    moscow = by_code["RU-MOW"]
    assert _shared_border(moscow, by_code["RU-MOS"]) > 0.95 * moscow.boundary.length
    assert (
        900 < _area_km2(moscow) < 1300
    )  # the pre-2012 border (~1 090 km²), not New Moscow (2 561 km²)


def test_all_regions_form_a_coverage_without_enclosed_gaps(shapes):
    geoms = np.array([geom for _, geom in shapes], dtype=object)
    assert shapely.coverage_is_valid(geoms)  # no overlaps, shared edges match vertex for vertex
    union = shapely.coverage_union_all(geoms)
    holes = [ring for polygon in shapely.get_parts(union) for ring in polygon.interiors]
    assert holes == []


def test_every_centre_lies_in_its_own_polygon(shapes):
    by_code = dict(shapes)
    far = {}
    for code, row in _regions_csv().items():
        if code in by_code:
            centre = Point(float(row["centre_lon"]), float(row["centre_lat"]))
            distance = by_code[code].distance(centre)
            if distance > 0.1:
                far[code] = round(distance, 3)
    assert far == {}


# ---------------------------------------------------------------- geopandas: areas and the spatial
# join


@pytest.fixture(scope="module")
def boundaries():
    return read_region_boundaries(REGIONS_GEOJSON)


def test_boundaries_are_a_geodataframe_in_wgs84(boundaries):
    import geopandas as gpd

    assert isinstance(boundaries, gpd.GeoDataFrame) and boundaries.crs.to_epsg() == 4326
    assert len(boundaries) == 83 and boundaries["area_km2"].gt(0).all()


@pytest.mark.parametrize(
    ("code", "official_km2", "tolerance"),
    [
        ("RU-SA", 3_083_523, 0.01),  # Yakutia, Rosstat
        ("RU-CHU", 721_481, 0.01),  # Chukotka: crosses the antimeridian
        ("RU-KHM", 534_801, 0.01),  # Yugra
        ("RU-MOW", 1_081, 0.03),  # Moscow inside its pre-2012 border (DCW predates New Moscow)
    ],
)
def test_region_areas_match_hand_checked_figures(boundaries, code, official_km2, tolerance):
    area = boundaries.set_index("region_code").loc[code, "area_km2"]
    assert abs(area - official_km2) <= tolerance * official_km2, (code, area)


def test_areas_agree_with_an_independent_spherical_computation(boundaries):
    """Albers on the ellipsoid (pyproj) against a sinusoidal projection of a sphere (numpy only)."""
    albers = region_areas_km2(boundaries)
    for code, geom in zip(boundaries["region_code"], boundaries.geometry):
        # the sphere (R = 6371 km) differs from the ellipsoid by up to ~1% in the far north
        assert abs(albers[code] - _area_km2(geom)) <= 0.015 * albers[code], code
    # all 83 polygons against Russia's area before 2014 (17,098,246 km²): coastline simplification
    assert abs(albers.sum() - 17_098_246) <= 0.02 * 17_098_246


def _settlements(*rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["settlement_id", "name", "region_code", "lat", "lon", "population"]
    )


def test_spatial_join_reports_a_settlement_in_the_wrong_polygon(boundaries):
    report = check_gazetteer_regions(
        _settlements(
            ("1", "Ханты-Мансийск", "RU-KHM", 61.0042, 69.0019, 100),
            ("2", "Ханты-Мансийск, но в Тюмени", "RU-TYU", 61.0042, 69.0019, 100),
            ("3", "Посреди Карского моря", "RU-YAN", 75.0, 70.0, 100),
            ("4", "Симферополь", "RU-CR", 44.95, 34.1, 100),
        ),
        boundaries,
    )
    assert report.checked == 3 and report.without_polygon == {"RU-CR": 1}
    assert report.disagreements[["settlement_id", "polygon_region"]].values.tolist() == [
        ["2", "RU-KHM"]
    ]
    assert report.disagreements["distance_km"].iloc[0] > 100  # Tyumen oblast is far south
    assert report.far_cases["settlement_id"].tolist() == ["2"]
    assert report.outside["settlement_id"].tolist() == ["3"]


def test_the_gazetteer_has_no_far_misplacements_left_unexplained(boundaries):
    """After data/reference/gazetteer_corrections.csv, what remains farther than the border
    tolerance
    is explained in README (New Moscow, the Chechnya–Ingushetia–North Ossetia borders, Sokolskoye
    and
    border villages): no settlement lies more than 30 km inside another region's polygon."""
    report = check_gazetteer_regions(boundaries=boundaries)
    assert report.disagreements["distance_km"].max() < 30
    corrected = report.disagreements[report.disagreements["settlement_id"] == "548040"]
    assert corrected.empty  # Kitovo (Ivanovo oblast), which GeoNames puts 1,266 km away in Kurgan
    assert BORDER_TOLERANCE_KM == 5.0


def test_a_stale_gazetteer_correction_fails_loudly(tmp_path):
    from loaders.geo.gazetteer import correct_regions

    frame = _settlements(("548040", "Китово", "RU-KGN", 56.9, 41.5, 2934))
    good = tmp_path / "good.csv"
    good.write_text(
        "settlement_id,name,geonames_region,region_code,reason\n548040,Китово,RU-KGN,RU-IVA,x\n",
        encoding="utf-8",
    )
    assert correct_regions(frame, good)["region_code"].tolist() == ["RU-IVA"]
    stale = tmp_path / "stale.csv"
    stale.write_text(good.read_text(encoding="utf-8").replace("RU-KGN", "RU-KO"), encoding="utf-8")
    with pytest.raises(ValueError, match="stale.csv: settlement_id 548040"):
        correct_regions(frame, stale)
