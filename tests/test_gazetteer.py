"""Settlement gazetteer and geocoding on names that are ambiguous in Russia."""

import pytest

from loaders.geo.gazetteer import gazetteer
from loaders.geo.geocode import geocode


@pytest.mark.parametrize(
    "written, name, region",
    [
        ("Нижнего Тагила", "Нижний Тагил", "RU-SVE"),
        ("Нягани", "Нягань", "RU-KHM"),
        ("Ханты-Мансийске", "Ханты-Мансийск", "RU-KHM"),
        ("Набережных Челнах", "Набережные Челны", "RU-TA"),
        ("Москве", "Москва", "RU-MOW"),
        ("Петербург", "Санкт-Петербург", "RU-SPE"),
        ("г. Кирова", "Киров", "RU-KIR"),
    ],
)
def test_inflected_names_find_the_nominative_settlement(written, name, region):
    best = gazetteer().candidates(written)[0]
    assert (best.name, best.region_code) == (name, region)


def test_region_named_with_it_wins():
    result = geocode("Советский", "RU-KHM")
    assert result.settlement.region_code == "RU-KHM" and result.geo_precision == "settlement"
    assert any("RU-ME" in alternative for alternative in result.alternatives)


def test_nearness_to_other_places_decides_without_a_region():
    yugorsk = gazetteer().candidates("Югорск")[0]
    result = geocode("Советский", context=[(yugorsk.lat, yugorsk.lon)])
    assert result.region_code == "RU-KHM"
    assert result.reason.startswith("nearest")


def test_population_decides_last_and_flags_ambiguity():
    result = geocode("Киров")
    assert (
        result.region_code == "RU-KIR" and not result.ambiguous
    )  # Kaluga's Kirov is under 10 % of it
    pervomaysky = geocode("Первомайский")
    assert pervomaysky.ambiguous


def test_unknown_settlement_in_known_region_falls_back_to_the_centre():
    result = geocode("Нетакогоград", "RU-TYU")
    assert (
        result.geo_precision == "region"
        and result.settlement is None
        and result.region_code == "RU-TYU"
    )


def test_oktyabrsky_goes_to_bashkortostan_and_is_flagged_ambiguous():
    result = geocode("Октябрьский")
    assert result.region_code == "RU-BA" and result.ambiguous
    assert any("RU-MOS" in alternative for alternative in result.alternatives)
