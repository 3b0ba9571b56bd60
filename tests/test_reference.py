"""The hand-written regions reference and name resolution."""

import csv

import pytest

from loaders.paths import REGIONS_CSV
from loaders.geo.regions import normalize_name, read_regions, region_index


def test_every_federal_subject_once():
    regions = read_regions()
    codes = [r.code for r in regions]
    assert len(regions) == 89
    assert len(set(codes)) == 89
    assert {"RU-CR", "RU-SEV", "RU-KHM", "RU-MOW", "RU-SPE", "RU-KEM"} <= set(codes)


def test_centres_inside_russia_bounding_box():
    for region in read_regions():
        assert 41.0 <= region.centre_lat <= 82.0, region.code
        assert 19.0 <= region.centre_lon <= 180.0 or -180.0 <= region.centre_lon <= -168.0, (
            region.code
        )


def test_federal_districts_are_the_eight():
    districts = {r.federal_district for r in read_regions()}
    assert districts == {
        "Центральный",
        "Северо-Западный",
        "Южный",
        "Северо-Кавказский",
        "Приволжский",
        "Уральский",
        "Сибирский",
        "Дальневосточный",
    }


def test_names_do_not_clash_between_regions():
    seen = {}
    with open(REGIONS_CSV, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for name in [row["name_full"], row["name_short"], *row["aliases"].split("|")]:
                key = normalize_name(name)
                if key:
                    assert seen.setdefault(key, row["iso_code"]) == row["iso_code"], name


@pytest.mark.parametrize(
    "name, code",
    [
        ("Югра", "RU-KHM"),
        ("ХМАО", "RU-KHM"),
        ("Ханты-Мансийский автономный округ — Югра", "RU-KHM"),
        ("Ханты-Мансийского автономного округа", "RU-KHM"),
        ("Югры", "RU-KHM"),
        ("Кузбасс", "RU-KEM"),
        ("Кузбасса", "RU-KEM"),
        ("Кемеровская область - Кузбасс", "RU-KEM"),
        ("Подмосковье", "RU-MOS"),
        ("Петербург", "RU-SPE"),
        ("г. Москва", "RU-MOW"),
        ("Тюменской области", "RU-TYU"),
        ("Тюменская обл.", "RU-TYU"),
        ("Республика Татарстан", "RU-TA"),
        ("Татарстан", "RU-TA"),
        ("Республика Крым", "RU-CR"),
        ("Севастополь", "RU-SEV"),
        ("ru-khm", "RU-KHM"),
        ("Якутия", "RU-SA"),
    ],
)
def test_region_names_resolve(name, code):
    assert region_index().resolve(name) == code


@pytest.mark.parametrize("name", ["Марсианская область", "Россия", "", "Казахстан"])
def test_unknown_region_names_do_not_resolve(name):
    assert region_index().resolve(name) is None
