"""The federal subjects reference (data/reference/regions.csv) and name → ISO 3166-2 code
resolution."""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from loaders.text.morph import lemma
from loaders.paths import REGIONS_CSV

_ABBREVIATIONS = {
    "обл": "область",
    "респ": "республика",
    "ао": "автономный округ",
    "авт": "автономный",
}
_PUNCTUATION = re.compile(r"[«»\"'(),.;:!?/\\]+")
_DASHES = re.compile(r"\s+[-–—]\s+|[–—]")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[\w-]+")
_HEAD_NOUN = re.compile(r"\s(област|кра[йяеюи]|республик|округ)\w*$")
_CITY_PREFIX = re.compile(r"^(г|город|гор)\s+")


@dataclass(frozen=True)
class Region:
    """One federal subject; `code` is ISO 3166-2 (RU-KHM) or the project code for newer subjects."""

    code: str
    name_full: str
    name_short: str
    aliases: tuple[str, ...]
    federal_district: str
    admin_centre: str
    centre_lat: float
    centre_lon: float
    geonames_admin1: str
    population: int


class UnknownRegionError(ValueError):
    """A region name that matches no federal subject."""


def normalize_name(text: str) -> str:
    """Lower case, ё→е, no punctuation, dashes between words as spaces, abbreviations expanded."""
    lowered = str(text or "").lower().replace("ё", "е")
    lowered = _DASHES.sub(" ", lowered)
    lowered = _PUNCTUATION.sub(" ", lowered)
    words = [_ABBREVIATIONS.get(word, word) for word in _SPACES.split(lowered.strip()) if word]
    return " ".join(words)


def lemma_key(text: str) -> str:
    """Case-independent key: every word in its normal form («Тюменской области» → «тюменский
    область»)."""
    return " ".join(lemma(word) for word in _WORD.findall(normalize_name(text)))


@functools.lru_cache(maxsize=100_000)
def adjective_key(text: str) -> str:
    """Like lemma_key, but a word that can be an adjective takes its adjective normal form.

    The first dictionary reading of «Тверской» is a surname and of «Тверская» a street, so their
    plain lemmas differ; as adjectives both are «тверской» («Тверской области» = «Тверская
    область»).
    """
    return " ".join(_adjective_normal(word) for word in _WORD.findall(normalize_name(text)))


@functools.lru_cache(maxsize=100_000)
def _adjective_normal(word: str) -> str:
    from loaders.text.morph import analyser

    adjective = next((p for p in analyser().parse(word) if "ADJF" in p.tag), None)
    return adjective.normal_form.replace("ё", "е") if adjective else lemma(word)


def _name_variants(region: Region) -> set[str]:
    """Names a text may use for the region, in the nominative."""
    names = {region.code, region.name_full, region.name_short, *region.aliases}
    for name in list(names):
        names.update(part for part in re.split(r"\s+[-–—]\s+|—|–", name) if part.strip())
        names.update(re.findall(r"\(([^)]+)\)", name))
        if name.lower().startswith("республика "):
            names.add(name.split(" ", 1)[1])
    return {name.strip() for name in names if name.strip()}


class RegionIndex:
    """Lookup of federal subjects by any common name, abbreviation or grammatical form."""

    def __init__(self, regions: list[Region]):
        self.regions = {region.code: region for region in regions}
        self._by_name: dict[str, str] = {}
        self._by_lemma: dict[str, str] = {}
        self._by_adjective: dict[str, str] = {}
        self._resolved: dict[str, str | None] = {}
        clashes: set[str] = set()
        for region in regions:
            for name in _name_variants(region):
                for table, key in (
                    (self._by_name, normalize_name(name)),
                    (self._by_lemma, lemma_key(name)),
                    (self._by_adjective, adjective_key(name)),
                ):
                    if table.get(key, region.code) != region.code:
                        clashes.add(key)
                    table[key] = region.code
        for key in clashes:  # a name two regions share resolves to neither
            self._by_name.pop(key, None)
            self._by_lemma.pop(key, None)
            self._by_adjective.pop(key, None)

    def resolve(self, name: str) -> str | None:
        """ISO code for a region name in any common form or case, or None."""
        text = str(name or "").strip()
        if text not in self._resolved:
            self._resolved[text] = self._resolve(text)
        return self._resolved[text]

    def _resolve(self, text: str) -> str | None:
        if not text:
            return None
        if text.upper() in self.regions:
            return text.upper()
        key = _CITY_PREFIX.sub("", normalize_name(text))
        return (
            self._by_name.get(key)
            or self._by_lemma.get(lemma_key(key))
            or (self._by_adjective.get(adjective_key(key)) if _HEAD_NOUN.search(key) else None)
        )

    def require(self, name: str) -> str:
        """Like resolve, but raises UnknownRegionError naming the value."""
        code = self.resolve(name)
        if code is None:
            raise UnknownRegionError(f"неизвестный регион «{name}» / unknown region {name!r}")
        return code

    def by_admin1(self) -> dict[str, str]:
        """GeoNames admin1 code → region code."""
        return {
            region.geonames_admin1: code
            for code, region in self.regions.items()
            if region.geonames_admin1
        }


def read_regions(path: Path = REGIONS_CSV) -> list[Region]:
    """Rows of the hand-written regions reference."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            Region(
                code=row["iso_code"].strip(),
                name_full=row["name_full"].strip(),
                name_short=row["name_short"].strip(),
                aliases=tuple(
                    alias.strip() for alias in row["aliases"].split("|") if alias.strip()
                ),
                federal_district=row["federal_district"].strip(),
                admin_centre=row["admin_centre"].strip(),
                centre_lat=float(row["centre_lat"]),
                centre_lon=float(row["centre_lon"]),
                geonames_admin1=(row.get("geonames_admin1") or "").strip(),
                population=int(float(row["population"] or 0)),
            )
            for row in csv.DictReader(handle)
        ]


@functools.cache
def region_index(path: Path = REGIONS_CSV) -> RegionIndex:
    """The shared index, built once per process."""
    return RegionIndex(read_regions(path))
