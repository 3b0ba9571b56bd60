"""Places in Russian text: settlements and federal subjects in any case form, resolved with context.

natasha's NER finds LOC spans; the regions reference and the GeoNames gazetteer decide what each span
is. Nature reserves, streets, lakes, districts and countries are not settlements. Ambiguous settlement
names are resolved by (1) a region named in the same document, (2) nearness to the document's other,
unambiguous places, (3) population; the choice and its alternatives are kept.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from loaders.geo.gazetteer import Gazetteer, Settlement, distance_km, gazetteer
from loaders.text.morph import _point_pymorphy_at_bundled_dictionaries
from loaders.geo.regions import RegionIndex, lemma_key, region_index

FEDERAL_CITIES = {"RU-MOW", "RU-SPE", "RU-SEV"}  # a city and a federal subject at once
COUNTRY_KEYS = {
    "россия",
    "рф",
    "российский федерация",
    "страна",
    "казахстан",
    "беларусь",
    "белоруссия",
    "китай",
    "украина",
    "снг",
}
# Words right before a name that make it something other than a settlement.
_NOT_SETTLEMENT_BEFORE = re.compile(
    r"(заповедник\w*|заказник\w*|национальн\w+\s+парк\w*|парк\w*|сквер\w*|ул\.?|улиц\w+|пр-т|просп\w*|проспект\w*|"
    r"пер\.?|переул\w*|бульвар\w*|площад\w+|пл\.|шоссе|наб\.|набережн\w+|озер\w+|оз\.|рек\w+|р\.|водохранилищ\w+|"
    r"залив\w*|гор[аеы]|хребт\w*|остров\w*|им\.|имени|памяти)\s*[«\"]?\s*$",
    re.I,
)
_NOT_SETTLEMENT_AFTER = re.compile(
    r"^\s*[»\"]?\s*(район\w*|муниципальн\w+\s+район\w*|муниципальн\w+\s+округ\w*|улиц\w+|реки|рек[аеу])\b",
    re.I,
)
_SETTLEMENT_CUE = re.compile(
    r"(?:\bг\.|\bгор\.|\bгород[аеу]?|\bпгт\.?|\bпос\.|\bпоселк[аеу]|\bпосёлк[аеу]|\bс\.|\bсел[аео])\s*$",
    re.I,
)
_CUED_NAME = re.compile(
    r"(?:\bг\.|\bгород[аеу]?|\bпгт\.?|\bпос\.|\bпосел[её]к[аеу]?)\s*([А-ЯЁ][а-яё]+(?:[- ][А-ЯЁ]?[а-яё]+)?)"
)
# Rivers, lakes, mountains and lands that GeoNames also knows as small villages: not settlements unless cued («г.», «пос.»).
NATURAL_FEATURES = {
    "обь",
    "кама",
    "волга",
    "урал",
    "байкал",
    "енисей",
    "лена",
    "амур",
    "иртыш",
    "ока",
    "дон",
    "нева",
    "ангара",
    "алтай",
    "кавказ",
    "сибирь",
    "тобол",
    "печора",
    "вятка",
    "белая",
    "сосьва",
    "самарка",
    "сура",
    "тура",
    "исеть",
}
_PLACE_LIST_WORD = (
    r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*(?:\s+[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*)?"
)
_CUED_LIST = re.compile(
    r"(?:\b(?:в|во|из|г\.|город[аеу]?|пос\.|пгт)\s+)("
    + _PLACE_LIST_WORD
    + r")((?:\s*,\s*"
    + _PLACE_LIST_WORD
    + r")*)(?:\s+и\s+("
    + _PLACE_LIST_WORD
    + r"))?"
)
_COORDINATED_REGIONS = re.compile(
    r"((?:[А-ЯЁ][а-яё-]+(?:ской|цкой|ского|цкого|ском|цком|ская|цкая)\s*,\s*)*[А-ЯЁ][а-яё-]+(?:ской|цкой|ского|цкого|ском|цком|ская|цкая))"
    r"\s+и\s+([А-ЯЁ][а-яё-]+(?:ской|цкой|ского|цкого|ском|цком|ская|цкая))\s+(област\w*|республик\w*|кра[её]в|края[хм]?|автономн\w+\s+округ\w*)"
)
_ADJECTIVE_DISTRICT = re.compile(
    r"^[А-ЯЁ][а-яё]+(ский|ской|ского|ском|цкий|цкого|цком)\s+(район|округ)", re.I
)


@dataclass
class PlaceMention:
    """A place named in the text: a settlement (with its region) or a region, with its span."""

    start: int
    end: int
    text: str
    kind: str  # settlement, region, country
    region_code: str | None = None
    settlement: Settlement | None = None
    candidates: list[Settlement] = field(default_factory=list)
    reason: str = ""

    @property
    def name(self) -> str | None:
        return self.settlement.name if self.settlement else None

    @property
    def geo_precision(self) -> str:
        return {"settlement": "settlement", "region": "region"}.get(self.kind, "country")

    @property
    def alternatives(self) -> list[str]:
        return [
            f"{s.name} ({s.region_code}, {s.population})"
            for s in self.candidates
            if s is not self.settlement
        ]


@functools.cache
def ner_models():
    """natasha's segmenter and news NER tagger, loaded once per process (models ship in the wheels)."""
    _point_pymorphy_at_bundled_dictionaries()
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


@functools.lru_cache(maxsize=8)
def ner_spans(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """Every NER span (start, end, type, text) natasha finds; cached, as places and organisers both ask.

    The tagger sees the text in pieces of at most ATLAS_MAX_NER_CHUNK_CHARS characters (cut at line or
    sentence ends): its memory grows with the length of what it is given at once.
    """
    from loaders.read.limits import current_limits

    _, tagger = ner_models()
    found = []
    for offset, chunk in ner_chunks(text, current_limits().ner_chunk_chars):
        if not chunk.strip():
            continue
        for start, stop, kind in tagger(chunk).spans:
            found.append((offset + start, offset + stop, kind, chunk[start:stop]))
    return tuple(found)


def ner_chunks(text: str, limit: int) -> list[tuple[int, str]]:
    """(offset, piece) covering the text, each piece at most `limit` characters, cut after the last
    line end, else sentence end, else space before the limit (a hard cut only in one long word)."""
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind("\n"), window.rfind(". "), window.rfind("! "), window.rfind("? "))
        if cut <= 0:
            cut = window.rfind(" ")
        end = start + (cut + 1 if cut > 0 else limit)
        pieces.append((start, text[start:end]))
        start = end
    pieces.append((start, text[start:]))
    return pieces


def ner_locations(text: str) -> list[tuple[int, int, str]]:
    """LOC spans (start, end, text)."""
    return [(start, end, found) for start, end, kind, found in ner_spans(text) if kind == "LOC"]


def ner_organisations(text: str, start: int, end: int) -> list[str]:
    """ORG spans inside [start, end), as written."""
    return [
        found for s, e, kind, found in ner_spans(text) if kind == "ORG" and start <= s and e <= end
    ]


def _is_excluded(text: str, start: int, end: int, name: str) -> bool:
    before = text[max(0, start - 40) : start]
    after = text[end : end + 40]
    return bool(_NOT_SETTLEMENT_BEFORE.search(before) or _NOT_SETTLEMENT_AFTER.match(after))


def _classify(
    span_text: str, regions: RegionIndex, places: Gazetteer
) -> tuple[str, str | None, list[Settlement], str] | None:
    """What a name is: ('region', code), ('settlement', candidates), ('country'), or None."""
    cleaned = span_text.strip(" «»\"'")
    key = lemma_key(cleaned)
    if key in COUNTRY_KEYS:
        return "country", None, [], cleaned
    code = regions.resolve(cleaned)
    candidates = places.candidates(cleaned)
    if code in FEDERAL_CITIES and any(s.region_code == code for s in candidates):
        return "settlement", code, [s for s in candidates if s.region_code == code], cleaned
    if code:
        return "region", code, [], cleaned
    if candidates:
        return "settlement", None, candidates, cleaned
    return None


def _spans_to_try(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span itself, then shorter tails of it («Природнадзора Югры» → «Югры»)."""
    words = list(re.finditer(r"[А-ЯЁA-Z][\w-]*", text[start:end]))
    tails = [(start + word.start(), end) for word in words[1:]]
    return [(start, end), *tails]


def _coordinated_regions(text: str, regions: RegionIndex) -> list[PlaceMention]:
    """«Тюменской, Свердловской и Курганской областей» → three region mentions."""
    found = []
    for match in _COORDINATED_REGIONS.finditer(text):
        kind_word = match.group(3)
        for adjective in re.finditer(
            r"[А-ЯЁ][а-яё-]+", match.group(0)[: match.start(3) - match.start()]
        ):
            code = regions.resolve(f"{adjective.group(0)} {kind_word}")
            if code:
                start = match.start() + adjective.start()
                found.append(
                    PlaceMention(
                        start, start + len(adjective.group(0)), adjective.group(0), "region", code
                    )
                )
    return found


def _listed_names(text: str) -> list[tuple[int, int, str]]:
    """Names after «в», «из», «г.» and in the comma/«и» list that follows («из Березников, Кунгура и Чайковского»)."""
    spans = []
    for match in _CUED_LIST.finditer(text):
        for group in (1, 3):
            if match.group(group):
                spans.append((match.start(group), match.end(group), match.group(group)))
        if match.group(2):
            base = match.start(2)
            for item in re.finditer(_PLACE_LIST_WORD, match.group(2)):
                spans.append((base + item.start(), base + item.end(), item.group(0)))
    return spans


def _with_left_adjective(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """«Новгороде» preceded by «Великом» → try «Великом Новгороде» first."""
    before = re.search(r"([А-ЯЁ][а-яё]+)\s+$", text[max(0, start - 25) : start])
    if before and not re.search(
        r"[.!?]\s*$", text[max(0, start - 27) : start - len(before.group(0))]
    ):
        return [(start - len(before.group(0)), end)]
    return []


_CAPITALISED_RUN = re.compile(
    r"[А-ЯЁ][\w-]*(?:\s+(?:[А-ЯЁ][\w-]*|автономн\w+|област\w+|кра[йяюеём]\w*|округ\w*|республик\w+|[—–-]))*"
)


def _region_names(text: str, regions: RegionIndex) -> list[tuple[int, int, str]]:
    """Federal subjects by dictionary, for what NER misses («Ямал в свою очередь …»): the longest name in each run."""
    found = []
    for run in _CAPITALISED_RUN.finditer(text):
        words = list(re.finditer(r"\S+", run.group(0)))
        for i in range(len(words)):
            for j in range(min(len(words), i + 5), i, -1):
                start, end = run.start() + words[i].start(), run.start() + words[j - 1].end()
                if regions.resolve(text[start:end]):
                    found.append((start, end, text[start:end]))
                    break
    return found


def find_mentions(
    text: str, regions: RegionIndex | None = None, places: Gazetteer | None = None
) -> tuple[list[PlaceMention], list[str]]:
    """Every place mention (not yet resolved among same-named settlements, see resolve_mentions), and the
    NER location names that are no settlement or region we know."""
    regions = regions or region_index()
    places = places or gazetteer()
    mentions: list[PlaceMention] = _coordinated_regions(text, regions)
    taken: list[tuple[int, int]] = [(m.start, m.end) for m in mentions]
    ner = ner_locations(text)
    ner_spans = {(s, e) for s, e, _ in ner}
    unresolved: list[str] = []
    cued = [(m.start(1), m.end(1), m.group(1)) for m in _CUED_NAME.finditer(text)]
    listed = [
        span
        for span in _listed_names(text)
        if not any(s < span[1] and span[0] < e for s, e, _ in ner)
    ]
    dictionary = [
        span
        for span in _region_names(text, regions)
        if not any(s < span[1] and span[0] < e for s, e, _ in ner)
    ]
    for start, end, _ in sorted(ner + cued + dictionary) + [
        (s, e, "listed") for s, e, _ in sorted(listed)
    ]:
        if any(s < end and start < e for s, e in taken) or _is_excluded(text, start, end, ""):
            continue
        is_listed = (start, end) in {(s, e) for s, e, _ in listed}
        for sub_start, sub_end in _with_left_adjective(text, start, end) + _spans_to_try(
            text, start, end
        ):
            name = text[sub_start:sub_end]
            if _ADJECTIVE_DISTRICT.match(text[sub_start : sub_end + 12]):
                break
            found = _classify(name, regions, places)
            if found is None:
                continue
            kind, code, candidates, cleaned = found
            if kind == "settlement" and (
                _is_excluded(text, sub_start, sub_end, cleaned)
                or (
                    lemma_key(cleaned) in NATURAL_FEATURES
                    and not _SETTLEMENT_CUE.search(text[max(0, sub_start - 12) : sub_start])
                )
                or (is_listed and not _plausible_listed(text, sub_start, candidates))
            ):
                break
            mentions.append(PlaceMention(sub_start, sub_end, name, kind, code, None, candidates))
            taken.append((sub_start, sub_end))
            break
        else:
            if (start, end) in ner_spans and not is_listed:
                unresolved.append(text[start:end])
    return sorted(mentions, key=lambda m: m.start), unresolved


def _plausible_listed(text: str, start: int, candidates: list[Settlement]) -> bool:
    """A name found only by the list rule must be a town of some size or carry a settlement cue."""
    cued = _SETTLEMENT_CUE.search(text[max(0, start - 12) : start])
    return bool(cued) or candidates[0].population >= 10_000


def resolve_mentions(mentions: list[PlaceMention]) -> list[PlaceMention]:
    """Choose among same-named settlements: region named in the document, then nearness, then population."""
    named_regions = {m.region_code for m in mentions if m.kind == "region"}
    anchors: list[tuple[float, float]] = []
    for mention in mentions:
        if mention.kind == "settlement" and len(mention.candidates) == 1:
            mention.settlement = mention.candidates[0]
            mention.reason = "only settlement of that name"
            anchors.append((mention.settlement.lat, mention.settlement.lon))
    for mention in mentions:
        if mention.kind != "settlement" or mention.settlement:
            continue
        in_named = [s for s in mention.candidates if s.region_code in named_regions]
        if in_named:
            mention.settlement, mention.reason = in_named[0], "in a region named in the document"
        elif anchors:
            mention.settlement = min(
                mention.candidates,
                key=lambda s: min(distance_km(s.lat, s.lon, lat, lon) for lat, lon in anchors),
            )
            mention.reason = "nearest to other places in the document"
        else:
            mention.settlement, mention.reason = mention.candidates[0], "largest population"
    for mention in mentions:
        if mention.settlement:
            mention.region_code = mention.settlement.region_code
    return mentions


def extract_places(text: str) -> tuple[list[PlaceMention], list[str]]:
    """Every place mention in a document, resolved; and the location names NER found that are no place we know."""
    mentions, unresolved = find_mentions(text)
    return resolve_mentions(mentions), unresolved
