"""The one geocoder: a place name from a table cell or a document → a settlement or a region.

Tables and documents both call `choose_settlement` to pick among same-named settlements, so a name
resolves by the same rules wherever it is read. The order of evidence:

1. a region named with it (the table row's region, or a region the document names): a namesake
outside
   those regions never wins when one inside exists;
2. nearness to the other, unambiguous places of the document, except that a small namesake (under a
   tenth of the size) never beats a large city on nearness alone, unless the text calls the place a
   village or settlement («пос. Волжский»);
3. population.

The result keeps the alternatives considered and an ambiguity flag (the choice rested on nearness or
population while another candidate of comparable size existed), both stored in the places table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.geo.gazetteer import Gazetteer, Settlement, distance_km, gazetteer
from loaders.geo.regions import region_index

# A namesake under this share of the largest candidate's population is "small" beside it.
COMPARABLE_SHARE = 0.1
# A city this large is not beaten by a small namesake that happens to lie near other places.
LARGE_CITY = 50_000


@dataclass
class GeocodeResult:
    """Where a place name points: a settlement, or only a region, with the alternatives
    considered."""

    query: str
    settlement: Settlement | None
    region_code: str | None
    lat: float | None
    lon: float | None
    geo_precision: str | None
    alternatives: list[str] = field(default_factory=list)
    ambiguous: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Choice:
    """The settlement chosen among namesakes, why, and whether another was about as likely."""

    settlement: Settlement
    reason: str
    ambiguous: bool


def describe(settlement: Settlement) -> str:
    """How an alternative is stored: «Советск (RU-KGD, 43309)»."""
    return f"{settlement.name} ({settlement.region_code}, {settlement.population})"


def _has_comparable_rival(chosen: Settlement, others: list[Settlement]) -> bool:
    return any(
        s.population >= COMPARABLE_SHARE * max(chosen.population, 1)
        for s in others
        if s is not chosen
    )


def choose_settlement(
    candidates: list[Settlement],
    region_codes: set[str] | frozenset[str] = frozenset(),
    anchors: list[tuple[float, float]] | None = None,
    region_reason: str = "in a region named in the document",
    said_to_be_small: bool = False,
) -> Choice:
    """Pick one of same-named settlements (candidates largest first, as Gazetteer.candidates gives
    them).

    `said_to_be_small`: the text calls it a village or settlement («пос.», «с.»), so a small
    namesake
    near the document's other places may beat a large city.
    """
    if len(candidates) == 1:
        return Choice(candidates[0], "only settlement of that name", False)
    in_named = [s for s in candidates if s.region_code in region_codes]
    if in_named:
        return Choice(in_named[0], region_reason, _has_comparable_rival(in_named[0], in_named))
    largest = candidates[0]
    if anchors:
        nearest = min(
            candidates,
            key=lambda s: min(distance_km(s.lat, s.lon, lat, lon) for lat, lon in anchors),
        )
        small_beside_large = (
            nearest.population < COMPARABLE_SHARE * largest.population
            and largest.population >= LARGE_CITY
            and not said_to_be_small
        )
        if not small_beside_large:
            return Choice(
                nearest,
                "nearest to other places in the document",
                _has_comparable_rival(nearest, candidates),
            )
        return Choice(
            largest,
            "large city rather than a small namesake near other places",
            True,
        )
    return Choice(largest, "largest population", _has_comparable_rival(largest, candidates))


def geocode(
    name: str,
    region_code: str | None = None,
    context: list[tuple[float, float]] | None = None,
    places: Gazetteer | None = None,
) -> GeocodeResult:
    """A settlement name (any case, with or without «г.»/«пос.») in an optional region → where it
    is.

    With a region given and no settlement of that name in it, the result is the region's centre
    (geo_precision «region»); without a region and no such settlement, nothing is resolved.
    """
    places = places or gazetteer()
    candidates = places.candidates(name)
    alternatives = [describe(s) for s in candidates]
    if region_code and not any(s.region_code == region_code for s in candidates):
        return _region_only(name, region_code, alternatives)
    if not candidates:
        return GeocodeResult(name, None, None, None, None, None, [], reason="not in gazetteer")
    choice = choose_settlement(
        candidates,
        {region_code} if region_code else frozenset(),
        context,
        region_reason="region named with it",
    )
    chosen = choice.settlement
    return GeocodeResult(
        name,
        chosen,
        chosen.region_code,
        chosen.lat,
        chosen.lon,
        "settlement",
        [a for s, a in zip(candidates, alternatives) if s is not chosen],
        choice.ambiguous,
        choice.reason,
    )


def region_centre(region_code: str, query: str = "", reason: str = "region only") -> GeocodeResult:
    """A region alone, placed at its administrative centre's coordinates."""
    region = region_index().regions.get(region_code)
    if region is None:
        return GeocodeResult(query, None, None, None, None, None, reason="unknown region")
    return GeocodeResult(
        query, None, region_code, region.centre_lat, region.centre_lon, "region", reason=reason
    )


def _region_only(name: str, region_code: str, alternatives: list[str]) -> GeocodeResult:
    result = region_centre(
        region_code,
        name,
        "settlement not found in the region; placed at the regional centre",
    )
    result.alternatives = alternatives
    return result
