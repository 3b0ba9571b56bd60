"""Places in Russian text: settlements and federal subjects in any case form, resolved with context.

Where names come from: natasha's NER LOC spans; coordinated region lists with a shared head noun
(region_lists.py, a yargy grammar); settlement cues («г.», «пос.», «пгт», «с.», «д.», «ст-ца»,
«г.о.»,
«у/около/под» + a name); region names from the dictionary; «областной центр» (the capital of the
document's region). The regions reference and the GeoNames gazetteer decide what each name is.

What is not a settlement: reserves, streets, lakes, rivers, districts and countries; informal areas
and
federal districts (Южный Урал, Зауралье, Кавминводы, ПФО); an adjective that is a region's («Омской»
left over from a list) or that modifies the next noun («Центральной библиотеки»); the two ends of a
spread «от Калининграда до Владивостока». Same-named settlements are chosen by the one geocoder,
loaders/geo/geocode.py, and the choice, its alternatives and an ambiguity flag are kept.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from loaders.geo.gazetteer import Gazetteer, Settlement, distance_km, gazetteer
from loaders.geo.geocode import choose_settlement, describe
from loaders.geo.regions import RegionIndex, adjective_key, lemma_key, region_index
from loaders.text.morph import _point_pymorphy_at_bundled_dictionaries, analyser
from loaders.text.region_lists import find_region_lists

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
    "монголия",
    "абхазия",
    "узбекистан",
    "киргизия",
    "армения",
}
# Informal areas and federal districts: named in texts, but neither a region nor a settlement.
INFORMAL_AREAS = (
    "Южный Урал",
    "Средний Урал",
    "Северный Урал",
    "Полярный Урал",
    "Приполярный Урал",
    "Урал",
    "Зауралье",
    "Приуралье",
    "Кавминводы",
    "Кавказские Минеральные Воды",
    "КМВ",
    "Кавказ",
    "Северный Кавказ",
    "Поволжье",
    "Приволжье",
    "Сибирь",
    "Западная Сибирь",
    "Восточная Сибирь",
    "Дальний Восток",
    "Арктика",
    "Крайний Север",
    "Центральная Россия",
    "Черноземье",
    "Северо-Запад",
    "Нечерноземье",
    "Дальневосточный",
    "ЦФО",
    "СЗФО",
    "ЮФО",
    "СКФО",
    "ПФО",
    "УФО",
    "УрФО",
    "СФО",
    "ДФО",
)
# Nouns of natural features and of things that are named but are no settlement: a name right after
# them
# (or in a list after them: «рек Бердь и Иня») is theirs.
_FEATURE_NOUNS = (
    r"заповедник\w*|заказник\w*|национальн\w+\s+парк\w*|нацпарк\w*|ул\.?|улиц\w+|пр-т|просп\w*|"
    r"переул\w*|пер\.|бульвар\w*|шоссе|наб\.|озер\w+|оз\.|рек\w*|р\.|водохранилищ\w+|залив\w*|"
    r"бухт\w+|гор[аеыу]|хребт\w*|остров\w*|о\.|им\.|имени|памяти|урочищ\w+|бор[ау]?|рощ\w+|"
    r"микрорайон\w*|мкр\.?|мкрн\.?|квартал\w*|станци\w+|ст\.|платформ\w+|вокзал\w*|аэропорт\w*|"
    r"лагер\w+|баз[аеыу]|санатори\w+|курорт\w*|сквер\w*"
)
_NOT_SETTLEMENT_BEFORE = re.compile(
    rf"\b(?i:{_FEATURE_NOUNS})(?!\w)\s*[«\"]?\s*(?:[А-ЯЁ][\w-]*\s*(?:,|\bи\b)\s*)*$"
)
# Parts of a town: «набережной Рыбинска» is the town's, «набережной Ягорбы» a river's: a name after
# them is a settlement only if it is a town of some size.
_TOWN_PART_BEFORE = re.compile(
    r"\b(?:набережн\w+|парк\w*|площад\w+|пл\.|берег\w*|полос\w+|пляж\w*|акватори\w+|усть[еяю])\s*$",
    re.I,
)
_NOT_SETTLEMENT_AFTER = re.compile(
    r"^\s*[»\"]?\s*(район\w*|муниципальн\w+\s+район\w*|муниципальн\w+\s+округ\w*|улиц\w+|реки|рек[аеу]|"
    r"федеральн\w+\s+округ\w*|сельск\w+\s+поселени\w+|бор\w*|рощ\w+|заповедник\w*|озер\w+)\b",
    re.I,
)
_CUE = (
    r"(?:\bг\.|\bгор\.|\bгород(?:а|е|у|ом)?|\bпгт\.?|\bр\.\s?п\.|\bг\.\s?п\.|\bрп\b|\bп\.|\bпос\.|"
    r"\bпос[её]л(?:ок|ка|ке|ку|ком)|\bс\.|\bсел(?:о|а|е|у|ом)|\bд\.|\bдер\.|\bдеревн(?:я|и|е|ю|ей)|"
    r"\bст-ц[аеыу]|\bстаниц(?:а|ы|е|у|ей)|\bх\.|\bхутор(?:а|е|у|ом)?|\bаул(?:а|е|ом)?|\bг\.\s?о\.|"
    r"\bМО\s+ГО|\bГО|\bгородск\w+\s+округ\w*)"
)
_SETTLEMENT_CUE = re.compile(_CUE + r"\s*$", re.I)
_NAME_WORD = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*"
_CUED_NAME = re.compile(_CUE + rf"\s*[«\"]?({_NAME_WORD}(?:\s+{_NAME_WORD})?)")
# «Орехово-Зуевского г.о.», «Лесного городского округа»: the district is named after its town.
_DISTRICT_OF_TOWN = re.compile(
    rf"({_NAME_WORD}(?:ск|цк|н|в|ов|ин)(?:ого|ий|ом|ой|ому|им))\s+(?:г\.\s?о\.|городско\w+\s+округ\w*)"
)
_CAPITAL_OF_REGION = re.compile(
    r"\b(?:(?:областн|краев|республиканск|окружн)\w+\s+(?:центр|столиц)\w*|"
    r"столиц\w+\s+(?:региона|области|края|республики|субъекта|округа|Прикамья|Кубани|Югры))",
    re.I,
)
_NAMED_BODY_BEFORE = re.compile(r"[А-ЯЁ][а-яё]+\s+$")
_NAMED_BODY_AFTER = re.compile(
    r"\s*[«\"(]|\s+(?:[а-яё]+(?:ого|ой|ых|ия|ии|ости|ства)\b|по\s|для\s)"
)
# «от Калининграда до Владивостока»: the spread of something across the country, not two places.
_SPREAD = re.compile(rf"\b[Оо]т\s+({_NAME_WORD}(?:\s+{_NAME_WORD})?)\s+до\s+({_NAME_WORD})")
SPREAD_KM = 1500
# Rivers, lakes, mountains and lands that GeoNames also knows as small villages: not settlements
# unless
# cued («г.», «пос.»).
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
    "зея",
    "бурея",
    "селенга",
    "чусовая",
    "тургояк",
    "ладога",
    "онега",
    "селигер",
}
_PLACE_LIST_WORD = rf"{_NAME_WORD}(?:\s+[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*)?"
# Words after which a capitalised name (and the list it opens) is where people or bodies are from:
# prepositions of place, and nouns of people and bodies («команды Губкина», «НКО Сыктывкара и
# Печоры»).
_CUED_LIST = re.compile(
    r"(?:\b(?:в|во|из|у|около|под|возле|близ|вблизи|на|г\.|город[аеу]?|пос\.|пгт|"
    r"администраци\w*|жител\w*|команд\w*|волонт[её]р\w*|эковолонт[её]р\w*|НКО|активист\w*|"
    r"представител\w*|делегаци\w*|отряд\w*|школ\w*|дружин\w*)\s+)("
    + _PLACE_LIST_WORD
    + r")((?:\s*,\s*"
    + _PLACE_LIST_WORD
    + r")*)(?:\s+и\s+("
    + _PLACE_LIST_WORD
    + r"))?"
)
# «Вяземский район», «в Вяземском, Рославльском и Демидовском районах»: districts, not towns.
_ADJECTIVE_DISTRICT = re.compile(
    r"^[А-ЯЁ][а-яё-]+(?:ский|ской|ского|ском|цкий|цкого|цком|ный|ного|ном)"
    r"(?:\s*(?:,|\bи\b)\s*[А-ЯЁ][а-яё-]+)*\s+(?i:район|округ|муниципальн)"
)
# A settlement that is only a capitalised common word («Центральной», «Южный») must be a town of
# this size.
COMMON_WORD_TOWN = 20_000
# A name found only by the list or table-cell rule must be a settlement of this size (or cued).
LISTED_TOWN = 3_000
# A tiny namesake outside every region the document names, far from its other places, is dropped.
TINY_NAMESAKE = 3_000
FAR_KM = 300


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
    # Written after a settlement cue («пос.», «с.», «г.»): the text says it is a settlement; a
    # village
    # cue («пос.», «с.», «д.») also says it is small.
    cued: bool = False
    village_cue: bool = False
    ambiguous: bool = False  # namesakes of comparable size and no region to decide by

    @property
    def name(self) -> str | None:
        return self.settlement.name if self.settlement else None

    @property
    def geo_precision(self) -> str:
        return {"settlement": "settlement", "region": "region"}.get(self.kind, "country")

    @property
    def alternatives(self) -> list[str]:
        return [describe(s) for s in self.candidates if s is not self.settlement]


@functools.cache
def ner_models():
    """natasha's segmenter and news NER tagger, loaded once per process (models ship in the
    wheels)."""
    _point_pymorphy_at_bundled_dictionaries()
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


@functools.lru_cache(maxsize=8)
def ner_spans(text: str) -> tuple[tuple[int, int, str, str], ...]:
    """Every NER span (start, end, type, text) natasha finds; cached, as places and organisers both
    ask.

    The tagger sees the text in pieces of at most ATLAS_MAX_NER_CHUNK_CHARS characters (cut at line
    or
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


@functools.cache
def _informal_area_keys() -> frozenset[str]:
    return frozenset(lemma_key(name) for name in INFORMAL_AREAS) | frozenset(
        adjective_key(name) for name in INFORMAL_AREAS
    )


def is_informal_area(name: str) -> bool:
    """Южный Урал, Зауралье, Кавминводы, ПФО …: areas that are neither a region nor a settlement."""
    cleaned = name.strip(" «»\"'")
    if re.search(r"федеральн", cleaned, re.I):
        return True
    return lemma_key(cleaned) in _informal_area_keys() or (
        " " in cleaned and adjective_key(cleaned) in _informal_area_keys()
    )


def _is_excluded(text: str, start: int, end: int, name: str = "") -> bool:
    """A street, river, reserve, district … by the words around the name."""
    before = text[max(0, start - 60) : start]
    after = text[end : end + 40]
    return bool(_NOT_SETTLEMENT_BEFORE.search(before) or _NOT_SETTLEMENT_AFTER.match(after))


def _classify(
    span_text: str, regions: RegionIndex, places: Gazetteer
) -> tuple[str, str | None, list[Settlement], str] | None:
    """What a name is: ('region', code), ('settlement', candidates), ('country'), ('area'), or
    None."""
    cleaned = span_text.strip(" «»\"'")
    key = lemma_key(cleaned)
    if key in COUNTRY_KEYS:
        return "country", None, [], cleaned
    if is_informal_area(cleaned):
        return "area", None, [], cleaned
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


def _listed_regions(text: str, regions: RegionIndex) -> list[PlaceMention]:
    """«Пермского, Хабаровского краёв, Курской, Омской областей» → one region mention per
    adjective."""
    return [
        PlaceMention(
            found.start,
            found.end,
            found.text,
            "region",
            found.region_code,
            reason="coordinated region list with a shared head noun",
        )
        for found in find_region_lists(text, regions)
    ]


def _listed_names(text: str) -> list[tuple[int, int, str]]:
    """Names after «в», «из», «у», «под», «г.» and in the comma/«и» list that follows
    («из Березников, Кунгура и Чайковского»)."""
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


_CELL_NAME = re.compile(rf"(?:^|[|\t])[ ]*({_NAME_WORD}(?:[ ]+{_NAME_WORD})?)[ ]*(?=[|\t]|$)", re.M)


def _cell_names(text: str) -> list[tuple[int, int, str]]:
    """A table cell holding only a name («| Муром |», «\tДанков»): the row's place."""
    return [
        (m.start(1), m.end(1), m.group(1))
        for m in _CELL_NAME.finditer(text)
        if "|" in text or "\t" in text
    ]


def _cued_names(text: str) -> list[tuple[int, int, str]]:
    """Names right after a settlement cue («пос. Мыс Каменный», «ст-це Елизаветинской»), the longest
    first, and towns named by their district («Орехово-Зуевского г.о.»)."""
    spans = []
    for match in _CUED_NAME.finditer(text):
        name = match.group(1)
        first_word = re.match(_NAME_WORD, name).group(0)
        if first_word != name:
            spans.append((match.start(1), match.end(1), name))
        spans.append((match.start(1), match.start(1) + len(first_word), first_word))
    return spans


def _town_of_district(adjective: str, places: Gazetteer) -> list[Settlement]:
    """«Орехово-Зуевского» → Орехово-Зуево; «Омсукчанского» → Омсукчан: the town a district is named
    after."""
    stem = re.sub(r"(ск|цк)?(ого|ий|ом|ой|ому|им)$", "", adjective)
    for ending in ("", "о", "а", "ь", "е", "и", "ск", "ы"):
        found = places.candidates(stem + ending)
        if found and found[0].name.lower().replace("ё", "е").startswith(stem.lower()[:-1]):
            return found
    return []


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
    """Federal subjects by dictionary, for what NER misses («Ямал в свою очередь …»): the longest
    name in each run."""
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


@functools.lru_cache(maxsize=50_000)
def parses_of(word: str) -> tuple:
    """Every dictionary reading of a lower-case word (pymorphy2), cached: names recur across
    texts."""
    return tuple(analyser().parse(word))


@functools.lru_cache(maxsize=50_000)
def _is_known(word: str) -> bool:
    return analyser().word_is_known(word)


def _adjective_parse(word: str):
    """The adjective reading of a single word, if the dictionary has one."""
    if " " in word or not word[:1].isupper():
        return None
    return next((p for p in parses_of(word.lower()) if "ADJF" in p.tag), None)


def _is_region_adjective(word: str, regions: RegionIndex) -> bool:
    return _is_region_adjective_cached(word, regions)


@functools.lru_cache(maxsize=20_000)
def _is_region_adjective_cached(word: str, regions: RegionIndex) -> bool:
    """«Омской», «Алтайского»: the adjective of a region whose head noun is elsewhere (a list's
    leftover)."""
    parse = _adjective_parse(word)
    if parse is None:
        return False
    for gender, heads in (("femn", ("область", "республика")), ("masc", ("край", "округ"))):
        nominative = parse.inflect({"nomn", "sing", gender})
        if nominative and any(regions.resolve(f"{nominative.word} {h}") for h in heads):
            return True
    return False


def _modifies_next_noun(text: str, end: int, word: str) -> bool:
    """«Центральной библиотеки», «Южный микрорайон»: a capitalised adjective before a lower-case
    noun."""
    parse = _adjective_parse(word)
    following = re.match(r"\s+([а-яё]+)", text[end : end + 30])
    if parse is None or not following:
        return False
    nxt = following.group(1)
    if re.match(r"(городск|сельск|муниципальн)", nxt):
        return False
    return any(
        "NOUN" in p.tag and p.tag.case == parse.tag.case and p.score > 0.1 for p in parses_of(nxt)
    )


def _is_common_word(word: str) -> bool:
    """A common noun of the dictionary that is no toponym («Новости», «Печать»). Adjectives are not
    judged here: «Первомайский», «Октябрьский» are towns as often as not."""
    if " " in word or "-" in word:
        return False
    parses = parses_of(word.lower())
    return (
        _is_known(word.lower())
        and not any("Geox" in p.tag or "ADJF" in p.tag for p in parses)
        and "NOUN" in parses[0].tag
    )


SHORT_QUOTE = 40  # a quoted name of an event, project or body; speech quotes are longer


def _inside_short_quote(text: str, start: int, end: int) -> bool:
    """Whether a name lies inside «…» of at most SHORT_QUOTE characters: a title, not a place."""
    opening = text.rfind("«", max(0, start - SHORT_QUOTE), start + 1)
    if opening == -1 or "»" in text[opening:start]:
        return False
    closing = text.find("»", end, opening + SHORT_QUOTE + 1)
    return closing != -1


def _after_a_settlement(text: str, start: int, mentions: list[PlaceMention]) -> bool:
    """«НКО Сыктывкара и Печоры»: a name coordinated with a settlement is one too (not the
    river)."""
    before = re.search(r"\S+\s*(?:,|\bи\b)\s*$", text[max(0, start - 40) : start])
    if not before:
        return False
    word_end = max(0, start - 40) + before.start() + len(before.group(0).split()[0].rstrip(","))
    return any(m.kind == "settlement" and m.end == word_end for m in mentions)


def _not_a_settlement(
    text: str,
    start: int,
    end: int,
    cleaned: str,
    candidates: list[Settlement],
    cued: bool,
    listed: bool,
    regions: RegionIndex,
    mentions: list[PlaceMention],
) -> str | None:
    """Why a name the gazetteer knows is nonetheless no settlement here (None if it is one)."""
    if _is_excluded(text, start, end, cleaned):
        return "a feature word around it"
    if cued:
        return None
    largest = candidates[0].population
    if _inside_short_quote(text, start, end):
        return "inside a quoted name («Чистая Волга», лагерь «Орлёнок»)"
    if (
        lemma_key(cleaned) in NATURAL_FEATURES
        and largest < 100_000
        and not _after_a_settlement(text, start, mentions)
    ):
        return "a river, lake or land"
    if _TOWN_PART_BEFORE.search(text[max(0, start - 25) : start]) and largest < 50_000:
        return "part of a town or a river bank"
    if _is_region_adjective(cleaned, regions):
        return "a region's adjective"
    if _modifies_next_noun(text, end, cleaned):
        return "an adjective of the next noun"
    if largest < COMMON_WORD_TOWN and _is_common_word(cleaned):
        return "a common word"
    named = {m.region_code for m in mentions if m.kind == "region"}
    if listed and largest < LISTED_TOWN and not any(c.region_code in named for c in candidates):
        return "a small place found only by the list rule"
    return None


def _spread_spans(text: str, places: Gazetteer, regions: RegionIndex) -> list[tuple[int, int]]:
    """The two ends of «от Калининграда до Владивостока» when they lie far apart."""
    spans = []
    for match in _SPREAD.finditer(text):
        ends = []
        for group in (1, 2):
            found = places.candidates(match.group(group))
            code = regions.resolve(match.group(group))
            if found:
                ends.append((found[0].lat, found[0].lon))
            elif code:
                region = regions.regions[code]
                ends.append((region.centre_lat, region.centre_lon))
        if len(ends) == 2 and distance_km(*ends[0], *ends[1]) >= SPREAD_KM:
            spans.append((match.start(1), match.end(2)))
    return spans


def find_mentions(
    text: str, regions: RegionIndex | None = None, places: Gazetteer | None = None
) -> tuple[list[PlaceMention], list[str]]:
    """Every place mention (not yet resolved among same-named settlements, see resolve_mentions),
    and the
    NER location names that are no settlement or region we know."""
    regions = regions or region_index()
    places = places or gazetteer()
    mentions: list[PlaceMention] = _listed_regions(text, regions)
    taken: list[tuple[int, int]] = [(m.start, m.end) for m in mentions]
    taken += _spread_spans(text, places, regions)
    ner = ner_locations(text)

    def outside_ner(span: tuple[int, int, str]) -> bool:
        return not any(s < span[1] and span[0] < e for s, e, _ in ner)

    unresolved: list[str] = []
    cued = _cued_names(text)
    cued_spans = {(s, e) for s, e, _ in cued}
    listed = [span for span in _listed_names(text) + _cell_names(text) if outside_ner(span)]
    listed_spans = {(s, e) for s, e, _ in listed}
    dictionary = [span for span in _region_names(text, regions) if outside_ner(span)]
    ner_spans_found = {(s, e) for s, e, _ in ner}
    mentions += _district_towns(text, places, taken)
    for start, end, _ in (
        sorted(cued, key=lambda c: (c[0], -c[1]))
        + sorted(ner + dictionary)
        + [(s, e, "listed") for s, e, _ in sorted(listed)]
    ):
        if any(s < end and start < e for s, e in taken):
            continue
        if _is_excluded(text, start, end) and (start, end) not in cued_spans:
            continue
        is_cued = (start, end) in cued_spans or bool(
            _SETTLEMENT_CUE.search(text[max(0, start - 12) : start])
        )
        is_listed = (start, end) in listed_spans
        for sub_start, sub_end in _with_left_adjective(text, start, end) + _spans_to_try(
            text, start, end
        ):
            name = text[sub_start:sub_end]
            if _ADJECTIVE_DISTRICT.match(text[sub_start : sub_end + 80]):
                break
            found = _classify(name, regions, places)
            if found is None:
                continue
            kind, code, candidates, cleaned = found
            if kind == "area":
                taken.append((sub_start, sub_end))
                break
            if kind == "settlement" and _not_a_settlement(
                text, sub_start, sub_end, cleaned, candidates, is_cued, is_listed, regions, mentions
            ):
                break
            mentions.append(
                PlaceMention(
                    sub_start,
                    sub_end,
                    name,
                    kind,
                    code,
                    None,
                    candidates,
                    cued=is_cued,
                    village_cue=bool(_VILLAGE_CUE.search(text[max(0, sub_start - 14) : sub_start])),
                )
            )
            taken.append((sub_start, sub_end))
            break
        else:
            if (start, end) in ner_spans_found and not is_listed:
                unresolved.append(text[start:end])
    mentions += _list_continuations(text, mentions, regions, places, taken)
    mentions += _capitals_of_region(text, mentions, regions, places, taken)
    return sorted(mentions, key=lambda m: m.start), list(dict.fromkeys(unresolved))


_NEXT_IN_LIST = re.compile(rf"\s*(?:,|\bи\b)\s*({_NAME_WORD}(?:\s+{_NAME_WORD})?)")


def _list_continuations(
    text: str,
    mentions: list[PlaceMention],
    regions: RegionIndex,
    places: Gazetteer,
    taken: list[tuple[int, int]],
) -> list[PlaceMention]:
    """«Арзамаса, Выксы, Павлова, Кстова и …»: names listed after a settlement are settlements too
    (NER often tags only some of them)."""
    found: list[PlaceMention] = []
    queue = sorted((m for m in mentions if m.kind == "settlement"), key=lambda m: m.start)
    while queue:
        mention = queue.pop(0)
        following = _NEXT_IN_LIST.match(text, mention.end)
        if not following:
            continue
        start = following.start(1)
        words = following.group(1).split()
        for end in (following.end(1), start + len(words[0])):
            if any(s < end and start < e for s, e in taken):
                break
            name = text[start:end]
            classified = _classify(name, regions, places)
            if classified is None or classified[0] != "settlement":
                continue
            candidates = classified[2]
            if _not_a_settlement(
                text, start, end, name, candidates, False, True, regions, mentions + found
            ):
                break
            added = PlaceMention(
                start,
                end,
                name,
                "settlement",
                classified[1],
                None,
                candidates,
                reason="listed after a settlement",
            )
            found.append(added)
            taken.append((start, end))
            queue.insert(0, added)
            break
    return found


def _district_towns(
    text: str, places: Gazetteer, taken: list[tuple[int, int]]
) -> list[PlaceMention]:
    """«Орехово-Зуевского г.о.» → the town Орехово-Зуево (the district bears its name)."""
    found = []
    for match in _DISTRICT_OF_TOWN.finditer(text):
        start, end = match.span(1)
        if any(s < end and start < e for s, e in taken):
            continue
        candidates = _town_of_district(match.group(1), places)
        if candidates:
            found.append(
                PlaceMention(
                    start,
                    end,
                    match.group(1),
                    "settlement",
                    None,
                    None,
                    candidates,
                    reason="town of the urban district named after it",
                    cued=True,
                )
            )
            taken.append((start, end))
    return found


def _region_before(mentions: list[PlaceMention], position: int) -> str | None:
    """The region the text is about at a position: the last region named before it, else the
    first."""
    regions = [m for m in sorted(mentions, key=lambda m: m.start) if m.kind == "region"]
    before = [m for m in regions if m.start < position]
    chosen = before[-1] if before else (regions[0] if regions else None)
    return chosen.region_code if chosen else None


def _capitals_of_region(
    text: str,
    mentions: list[PlaceMention],
    regions: RegionIndex,
    places: Gazetteer,
    taken: list[tuple[int, int]],
) -> list[PlaceMention]:
    """«в областном центре», «столицы региона» → the administrative centre of the region in
    question."""
    found = []
    for match in _CAPITAL_OF_REGION.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        if _NAMED_BODY_BEFORE.search(text[max(0, match.start() - 30) : match.start()]) or (
            _NAMED_BODY_AFTER.match(text[match.end() : match.end() + 30])
        ):
            # «Вологодский областной центр «Доброград»», «областной центр развития»: a body
            continue
        code = _region_before(mentions, match.start())
        if code is None or code in FEDERAL_CITIES:
            continue
        centre = regions.regions[code].admin_centre
        candidates = [s for s in places.candidates(centre) if s.region_code == code]
        if candidates:
            found.append(
                PlaceMention(
                    match.start(),
                    match.end(),
                    match.group(0),
                    "settlement",
                    code,
                    None,
                    candidates,
                    reason=f"«{match.group(0)}»: the capital of {code}",
                    cued=True,
                )
            )
    return found


def _is_far_namesake(
    mention: PlaceMention, named_regions: set[str], anchors: list[tuple[float, float]]
) -> bool:
    """A tiny uncued namesake outside every region the text names and far from its other places: a
    false hit («Лая» of another region when the text is about a region where GeoNames has none)."""
    if mention.cued or not named_regions:
        return False
    if any(s.region_code in named_regions for s in mention.candidates):
        return False
    if mention.candidates[0].population >= TINY_NAMESAKE:
        return False
    own = {(s.lat, s.lon) for s in mention.candidates}
    return not any(
        distance_km(s.lat, s.lon, lat, lon) < FAR_KM
        for s in mention.candidates
        for lat, lon in anchors
        if (lat, lon) not in own
    )


_VILLAGE_CUE = re.compile(
    r"(?:\bп\.|\bпос\.|\bпос[её]л\w*|\bпгт\.?|\bс\.|\bсел[аоеу]\w*|\bд\.|\bдеревн\w*|\bх\.|"
    r"\bхутор\w*|\bст-ц\w+|\bстаниц\w+|\bаул\w*|\bр\.\s?п\.)\s*[«\"]?\s*$",
    re.I,
)


def resolve_mentions(mentions: list[PlaceMention]) -> list[PlaceMention]:
    """Choose among same-named settlements with the one geocoder (geocode.choose_settlement): a
    region
    named in the document, then nearness to its unambiguous places, then population."""
    named_regions = {m.region_code for m in mentions if m.kind == "region" and m.region_code}
    anchors: list[tuple[float, float]] = []
    for mention in mentions:
        if mention.kind == "settlement" and len(mention.candidates) == 1:
            anchors.append((mention.candidates[0].lat, mention.candidates[0].lon))
    anchors += [
        (s.lat, s.lon)
        for m in mentions
        if m.kind == "settlement" and len(m.candidates) > 1
        for s in m.candidates[:1]
        if s.region_code in named_regions
    ]
    kept = []
    for mention in mentions:
        if mention.kind == "settlement":
            if _is_far_namesake(mention, named_regions, anchors):
                continue
            choice = choose_settlement(
                mention.candidates, named_regions, anchors, said_to_be_small=mention.village_cue
            )
            mention.settlement = choice.settlement
            mention.ambiguous = choice.ambiguous
            mention.reason = "; ".join(r for r in (mention.reason, choice.reason) if r)
            mention.region_code = choice.settlement.region_code
        kept.append(mention)
    return kept


def extract_places(text: str) -> tuple[list[PlaceMention], list[str]]:
    """Every place mention in a document, resolved; and the location names NER found that are no
    place we know."""
    mentions, unresolved = find_mentions(text)
    return resolve_mentions(mentions), unresolved
