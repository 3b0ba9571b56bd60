"""Practice links: region A's practice taken up by region B, built from the whole document.

A link needs a cue that ties both regions, one as the teacher and one as the learner:
- adoption («переняли опыт A», «переняли у A-ских коллег систему», «по примеру A», «по A-скому
  образцу», «позаимствовала у A», «взяли на вооружение опыт A», «знакомились с A-ской моделью»,
  «внедрит … A»): A (named inside or after the cue, never in the cue verb's subject) → the
  adopting region (that subject by natasha's syntax parser, else a place after «в», else the
  document's home region); a study only intended («намерены изучить») makes no link;
- spreading («масштабируют в B и на C», «тиражируют в B»): the practice's owner (named before the
  cue, else home, never a federal programme) → every place of the list;
- use («A-ская модель используется и в B»): A → B;
- hosting (an internship or training school with visitors «из A, B краёв и C»): host → each
  visitor; the host is often named only in the headline or the dateline (the home region); a
  festival welcome or internships an agreement only promises are not hosting;
- visiting experts in any word order («эксперты из A провели мастер-классы», «Занятия провели
  специалисты из A», «B пригласила экспертов из A»): A → host; «делились опытом с коллегами из
  B»: the speakers' region → B; nothing at a forum, festival or contest of many regions;
- exchanges («обменялись делегациями», «обмен опытом» between two named regions): both ways, but
  not an agreement «об обмене опытом» or a trip «для обмена опытом».
Regions are places, region adjectives and resident nouns («новосибирцы»). A region never links to
itself; a cue without a named region («другим регионам») makes no link.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from loaders.text.document import Document, Sentence
from loaders.text.facts import ExtractedLink, Passage

# (pattern, rule): the named source region is inside group «src» (within the clause after the cue).
# what is taken up: «опыт», «практику», «систему наставничества», «модель», «схему» …
_PRACTICE_NOUN = (
    r"(?:опыт\w*|практик\w*|иде[юия]\w*|методик\w*|формат\w*|модел\w*|систем\w*|схем\w*|"
    r"технологи\w*|механизм\w*|наработк\w*|подход\w*)"
)
# (pattern, rule): the named source region is after the cue's first word (within its clause)
_ADOPTION = [
    (rf"переня\w+\s+(?:[^.;]{{0,40}}?){_PRACTICE_NOUN}", "переняли опыт"),
    (r"переня\w+\s+у\s", "переняли у"),
    (rf"перенима\w+\s+(?:[^.;]{{0,40}}?)(?:у\s|{_PRACTICE_NOUN})", "перенимают опыт"),
    (r"по\s+(?:[\w-]+\s+)?примеру", "по примеру"),
    (r"(?:по)?заимствова\w+\s+(?:[^.;]{0,60}?\s)?у\b", "позаимствовали у"),
    (r"заимству\w+\s+(?:[^.;]{0,60}?\s)?у\b", "заимствуют у"),
    (r"(?:взял\w*|возьм\w+|берут)\s+на\s+вооружение", "взяли на вооружение"),
    (
        r"(?:по)?знакоми\w+\s+с\s+(?:[\w-]+\s+)?(?:опытом|практик\w+|проектом|работой|методик\w+|"
        r"модел\w+|систем\w+|схем\w+|технологи\w+)",
        "познакомились с опытом",
    ),
    (rf"изуч\w+\s+(?:[^.;]{{0,30}}?){_PRACTICE_NOUN}", "изучили опыт"),
    (rf"внедр\w+\s+(?:[^.;]{{0,60}}?){_PRACTICE_NOUN}", "внедряют опыт"),
    (r"равня\w+\s+на", "равняются на"),
    (r"по\s+(?:[\w-]+\s+)?образц\w*", "по образцу"),
]
_ADOPTION = [(re.compile(pattern, re.I), rule) for pattern, rule in _ADOPTION]
_SPREAD = re.compile(
    r"(масштабир\w+|тиражир\w+|распростран\w+|перенос\w+|перенес\w+)\s+(?:[^.;]{0,80}?\s)??(?:на|в|во)\s+",
    re.I,
)
_NATIONWIDE = re.compile(
    r"федеральн\w+|всероссийск\w+|общероссийск\w+|нацпроект\w*|национальн\w+", re.I
)
# between two places of one list: «в Магаданской области и на Чукотке», «в Томске и Северске»
_LIST_GAP = re.compile(
    r"^(?:\s*(?:област\w*|кра[ейюя]\w*|республик\w*|округ\w*|автономн\w+)\s*)*"
    r"\s*(?:,|и|а\s+также|,\s*а\s+также)\s+(?:(?:в|во|на)\s+)?(?:город\w*\s+|г\.\s*)?$",
    re.I,
)
# a training visit; «приняла делегации» alone is not one (a festival, a contest, a congress)
_HOSTING = re.compile(
    r"стажировк\w*|стаж[её]р\w*|обучающ\w+\s+(?:визит|поездк)\w*|приня\w+\s+стаж|"
    r"школ[аеуы]\s+[«\"]|выездн\w+\s+школ",
    re.I,
)
# a sentence that only promises: an agreement's terms, a plan
_PROMISE = re.compile(
    r"соглашени\w*|договор\w*|меморандум\w*|предусматрива\w*|планиру\w*|запланирова\w*|"
    r"намерен\w*|договорил\w*",
    re.I,
)
# exchange wording that names the topic of a document or the aim of a trip, not an exchange done
_EXCHANGE_NOT_DONE = re.compile(
    r"(?:\bоб?|для|целью|целях)\s+(?:взаимн\w+\s+)?обмен\w*|чтобы\s+обменят\w*|"
    r"предусматрива\w*|планиру\w*|намерен\w*|будут\s+обмениват\w*",
    re.I,
)
_VISITORS = re.compile(r"\bиз\s+|представител\w+\s+|делегаци\w+\s+", re.I)
_DELEGATES = re.compile(r"представител\w*|делегаци\w*|стаж[её]р\w*|приехал\w*|прибыл\w*", re.I)
_EXPERT_NOUN = re.compile(r"эксперт\w*|специалист\w*|спикер\w*|тренер\w*|лектор\w*", re.I)
_EXPERTS_TEACH = re.compile(
    r"(эксперт\w*|специалист\w*|спикер\w*|тренер\w*|гост\w*|коллег\w*|представител\w*|координатор\w*|"
    r"делегаци\w*|волонт[её]р\w*|активист\w*)[^.;]{0,120}?(провели\s+(?:мастер-?класс|тренинг|лекци|семинар|занят|обучени)\w*|"
    r"поделил\w*\s+опытом|презентовал\w*|рассказал\w*\s+о\s+(?:своем|своём|опыте)|"
    r"провели\s+для)",
    re.I,
)
_EXPERT_LEMMAS = frozenset(
    "эксперт специалист тренер лектор спикер наставник преподаватель методист консультант".split()
)
_TRAINING_LEMMAS = frozenset(
    "занятие мастер-класс семинар тренинг лекция урок обучение практикум сессия интенсив вебинар "
    "консультация".split()
)
_TEACHING_LEMMAS = frozenset(
    "научить обучить обучать учить рассказать поделиться провести презентовать представить "
    "пригласить".split()
)
_USE_LEMMAS = frozenset(
    "использоваться применяться действовать прижиться внедрить использовать применить".split()
)
_PRACTICE_LEMMAS = frozenset(
    "модель практика опыт методика схема система технология формат подход механизм".split()
)
# a gathering of many regions: presenting there teaches no one region in particular
_GATHERING = re.compile(
    r"форум\w*|фестивал\w*|выставк\w*|конкурс\w*|съезд\w*|сл[её]т\w*|стенд\w*", re.I
)
_SHARED_WITH = re.compile(r"(?:по)?делил\w*\s+(?:своим\s+)?опытом\s+с\s+[^.;]{0,60}?\bиз\s+", re.I)
_EXCHANGE = re.compile(r"обменял\w*|взаимн\w+\s+визит|обмен\w*\s+(?:опытом|делегаци)", re.I)
_LEARNERS_APPLY = re.compile(r"в\s+своих\s+регионах|в\s+своих\s+субъектах|у\s+себя", re.I)
_LOCATIVE_BEFORE = re.compile(r"(\bв|\bво|\bна)\s+(?:город\w*\s+|г\.\s*)?$", re.I)
_VISIT = re.compile(r"приезжал\w*|приехал\w*|побывал\w*|посетил\w*|прибыл\w*", re.I)
_LEARN = re.compile(r"знакоми\w*|изуча\w*|изучил\w*|перенима\w*|учил\w*|стажир\w*", re.I)
# learning that is only intended: «намерены в следующем году изучить», «планируют познакомиться»
_INTENT_BEFORE = re.compile(
    r"(?:намерен\w*|планиру\w*|собира\w+|хот\w+|хоч\w+|предстоит|запланирова\w*|желающ\w+)"
    r"(?:\s+[\w-]+){0,4}\s+$",
    re.I,
)
_LEARNING_RULES = {
    "переняли опыт",
    "переняли у",
    "позаимствовали у",
    "познакомились с опытом",
    "изучили опыт",
}
_FUTURE_ONLY = re.compile(r"может\s+присоединиться|планиру\w+\s+присоедин", re.I)


def _region_mentions(document: Document) -> list[tuple[int, int, str]]:
    """(start, end, region code) of places and of region adjectives («пензенских»,
    «татарстанского»)."""
    if "region_mentions" in document.cache:
        return document.cache["region_mentions"]
    found = [
        (m.start, m.end, m.region_code)
        for m in document.places
        if m.region_code and m.kind in ("region", "settlement")
    ]
    taken = [(s, e) for s, e, _ in found]
    demonyms = _demonym_regions()
    people = [(s, e) for s, e, kind, _ in document.entities if kind == "PER"]  # «Иван Иванович»
    for sentence in document.sentences:
        for token in sentence.tokens:
            if any(s <= token.start < e for s, e in taken):
                continue
            if token.pos == "ADJ":
                code = _region_of_adjective(token.lemma)
            else:  # «у новосибирцев», «Белгородцы рассказали»
                code = demonyms.get(token.lemma) if token.pos in ("NOUN", "PROPN") else None
                if code and any(s <= token.start < e for s, e in people):
                    code = None
            if code:
                found.append((token.start, token.end, code))
    found.sort()
    document.cache["region_mentions"] = found
    return found


@functools.lru_cache(maxsize=20_000)
def _region_of_adjective(word: str) -> str | None:
    """«пензенский» → Пензенская область, «татарстанский» → Татарстан, «петербургский» →
    Петербург."""
    if not re.search(r"(ский|цкий|ской)$", word):
        return None
    from loaders.geo.regions import region_index

    regions = region_index()
    feminine = re.sub(r"(ий|ой)$", "ая", word)
    for name in (f"{feminine} область", f"{word} край", f"{feminine} республика"):
        code = regions.resolve(name)
        if code:
            return code
    stem = re.sub(r"(ский|цкий|ской)$", "", word)
    for name in (stem, stem + "ь", stem + "а", stem + "ия"):
        if len(name) >= 4:
            code = regions.resolve(name)
            if code:
                return code
    return None


_DEMONYM_SUFFIXES = ("ец", "ич", "янин", "анин", "чанин", "як", "ак")


@functools.cache
def _demonym_regions() -> dict[str, str]:
    """Lemma of a resident noun → region: «новосибирец», «томич», «курянин», «калужанин»,
    «москвич», «якутянин». Built from each region's administrative centre and one-word names by
    the common suffixes; a form two regions would share is dropped."""
    from loaders.geo.regions import read_regions

    table: dict[str, str] = {}
    shared: set[str] = set()
    for region in read_regions():
        names = [region.admin_centre, region.name_short, *region.aliases]
        for name in names:
            word = name.lower().replace("ё", "е")
            word = word.split("-на-")[0] if "-на-" in word else word.split("-")[-1]
            if " " in word or len(word) < 3:
                continue
            for form in _demonym_forms(word):
                if table.get(form, region.code) != region.code:
                    shared.add(form)
                table[form] = region.code
    return {form: code for form, code in table.items() if form not in shared}


def _demonym_forms(name: str) -> set[str]:
    """Candidate resident nouns of a place name: stem (without «-ск», «-ия», a final vowel or
    soft sign, with г/д → ж) plus a resident suffix."""
    stems = {name}
    for ending in ("ск", "ия", "ль", "а", "я", "о", "ь"):
        if name.endswith(ending):
            stems.add(name[: -len(ending)])
    stems |= {stem[:-1] + "ж" for stem in stems if stem.endswith(("г", "д"))}
    return {stem + suffix for stem in stems if len(stem) >= 2 for suffix in _DEMONYM_SUFFIXES}


def _regions_between(document: Document, start: int, end: int) -> list[str]:
    return list(
        dict.fromkeys(code for s, e, code in _region_mentions(document) if start <= s and e <= end)
    )


def home_region(document: Document) -> str | None:
    """The document's own region: named in the headline or the dateline (first lines), else the
    region named most often."""
    lines_end = 0
    for count, line in enumerate(document.text.split("\n")):
        lines_end += len(line) + 1
        if count >= 5:
            break
    head = [
        code
        for s, e, code in _region_mentions(document)
        if e <= lines_end and not re.search(r"\bиз\s+$", document.text[max(0, s - 4) : s])
    ]
    if head:
        return Counter(head).most_common(1)[0][0] if len(set(head)) > 1 else head[0]
    every = [code for _, _, code in _region_mentions(document)]
    return Counter(every).most_common(1)[0][0] if every else None


def _host_region(document: Document) -> str | None:
    """Host of an internship: a region after «в/на» or a subject of «приняла» in the first lines,
    else the home region."""
    head_end = sum(len(line) + 1 for line in document.text.split("\n")[:6])
    for start, end, code in _region_mentions(document):
        if end > head_end:
            break
        before = document.text[max(0, start - 8) : start]
        after = document.text[end : end + 40]
        if re.search(r"(\bв|\bво|\bна)\s+$", before) or re.match(r"\s*(?:\w+\s+)?приня\w+", after):
            return code
    return home_region(document)


def _subject_region(document: Document, index: int, cue_start: int) -> str | None:
    """Region of the cue verb's subject (natasha syntax), else a region named before the cue."""
    sentence = document.sentences[index]
    parsed = document.syntax(index)
    verb = next((t for t in parsed if t.start <= cue_start < t.end + 1), None)
    if verb is not None:
        head = verb if verb.relation != "amod" else parsed[verb.head]
        subjects = [t for t in parsed if t.head == head.index and t.relation.startswith("nsubj")]
        for subject in subjects:
            span = _subtree_span(parsed, subject.index)
            codes = _regions_between(document, span[0], span[1])
            if codes:
                return codes[0]
    before = _regions_between(document, sentence.start, cue_start)
    return before[-1] if before else None


def _subject_spans(document: Document, index: int, cue_start: int) -> list[tuple[int, int]]:
    """Character spans of the subjects (natasha syntax) of the verb at `cue_start`."""
    parsed = document.syntax(index)
    verb = next((t for t in parsed if t.start <= cue_start < t.end + 1), None)
    if verb is None:
        return []
    return [
        _subtree_span(parsed, t.index)
        for t in parsed
        if t.head == verb.index and t.relation.startswith("nsubj")
    ]


def _subtree_span(parsed, index: int) -> tuple[int, int]:
    members = {index}
    changed = True
    while changed:
        changed = False
        for token in parsed:
            if token.head in members and token.index not in members:
                members.add(token.index)
                changed = True
    chosen = [parsed[i] for i in members]
    return min(t.start for t in chosen), max(t.end for t in chosen)


def _practice(sentence: str) -> str:
    match = re.search(
        r"(?:опыт\w*|практик\w*|формат\w*|методик\w*|проект\w*)\s+([^.;]{3,120})", sentence, re.I
    )
    return (match.group(1) if match else sentence).strip(" ,«»")[:160]


def _link(
    source,
    target,
    sentence: Sentence,
    evidence,
    confidence,
    reason,
    document: Document | None = None,
) -> ExtractedLink:
    return ExtractedLink(
        source,
        target,
        _practice(sentence.text),
        evidence,
        None,
        Passage(sentence.start, sentence.end),
        confidence=confidence,
        reason=reason,
    )


def _adoption_links(document: Document, home: str | None) -> list[ExtractedLink]:
    links = []
    for index, sentence in enumerate(document.sentences):
        for pattern, rule in _ADOPTION:
            for match in pattern.finditer(sentence.text):
                cue_start = sentence.start + match.start()
                if rule in _LEARNING_RULES and _only_intended(document, sentence, cue_start):
                    continue  # a study trip still to come teaches nothing yet
                first_word_end = cue_start + len(match.group(0).split()[0])
                clause_end = _clause_end(sentence, match.end())
                learners = _subject_spans(document, index, cue_start)
                named = [  # «переняли у тамбовских коллег систему», «по новосибирскому образцу»
                    (s, e, code)
                    for s, e, code in _region_mentions(document)
                    if first_word_end <= s
                    and e <= clause_end
                    and not any(ls <= s < le for ls, le in learners)
                ]
                if rule == "взяли на вооружение" and not named:
                    clause_start = _clause_start(sentence, match.start())  # «Формат X мы возьмём …»
                    named = [
                        (s, e, code)
                        for s, e, code in _region_mentions(document)
                        if clause_start <= s and e <= cue_start
                    ]
                named = [
                    m
                    for m in named
                    if not _LOCATIVE_BEFORE.search(document.text[max(0, m[0] - 12) : m[0]])
                ] + [
                    m
                    for m in named
                    if _LOCATIVE_BEFORE.search(document.text[max(0, m[0] - 12) : m[0]])
                ]
                if not named or _LOCATIVE_BEFORE.search(
                    document.text[max(0, named[0][0] - 12) : named[0][0]]
                ):
                    continue  # «… откроем точки в Кирове»: where it is applied, not whose it is
                source, source_end = named[0][2], named[0][1]
                after = [code for s, e, code in named[1:] if code != source]
                delegates = _DELEGATES.search(document.text[source_end:clause_end])
                if delegates and after:  # «изучать опыт Югры приехали представители A, B и C»
                    targets, why = after, "learners named after the source"
                else:
                    subject = _subject_region(document, index, cue_start)
                    located = [
                        code
                        for s, e, code in named[1:]
                        if re.search(r"(\bв|\bво)\s+$", document.text[max(0, s - 4) : s])
                    ]
                    target = subject or (located[0] if located else None) or home
                    targets, why = (
                        [target],
                        "learner: the cue's subject, a place after «в», or home",
                    )
                for target in targets:
                    if target and source != target:
                        links.append(
                            _link(
                                source,
                                target,
                                sentence,
                                "adoption_statement",
                                0.85,
                                f"«{rule}»: source named after the cue; {why}",
                            )
                        )
    return links


def _only_intended(document: Document, sentence: Sentence, cue_start: int) -> bool:
    """«намерены изучить», «планируют познакомиться», «изучат» (a future form)."""
    if _INTENT_BEFORE.search(document.text[max(sentence.start, cue_start - 60) : cue_start]):
        return True
    verb = next((t for t in sentence.tokens if t.start == cue_start), None)
    return verb is not None and verb.feats.get("Tense") == "Fut"


def _clause_end(sentence: Sentence, offset: int) -> int:
    rest = sentence.text[offset:]
    stop = re.search(r"[.;:!?]|,\s+(?:но|где|который|которая|которые|что|чтобы)\s|\s[–—]\s", rest)
    return sentence.start + offset + (stop.start() if stop else len(rest))


def _clause_start(sentence: Sentence, offset: int) -> int:
    head = sentence.text[:offset]
    stops = list(re.finditer(r"[.;:!?«»]|,\s|\s[–—]\s", head))
    return sentence.start + (stops[-1].end() if stops else 0)


def _visit_links(document: Document) -> list[ExtractedLink]:
    """«удмуртские волонтёры приезжали в Киров – знакомились с проектом»: the visited region (after
    «в») teaches the visitors (the subject's region)."""
    links = []
    for index, sentence in enumerate(document.sentences):
        visit = _VISIT.search(sentence.text)
        if not visit or not _LEARN.search(sentence.text):
            continue
        visitors = _subject_region(document, index, sentence.start + visit.start())
        after = [
            (s, code)
            for s, e, code in _region_mentions(document)
            if sentence.start + visit.end() <= s and e <= sentence.end
        ]
        hosts = [
            code for s, code in after if _LOCATIVE_BEFORE.search(document.text[max(0, s - 12) : s])
        ]
        if visitors and hosts and hosts[0] != visitors:
            links.append(
                _link(
                    hosts[0],
                    visitors,
                    sentence,
                    "internship",
                    0.7,
                    "a visit: visitors learn from the visited region",
                )
            )
    return links


def _spread_links(document: Document, home: str | None) -> list[ExtractedLink]:
    """«Проект A масштабируют в B и на C»: the practice's owner (named before the cue, else the
    home region unless the practice is a federal one) → every place of the list after the cue."""
    links = []
    for sentence in document.sentences:
        for match in _SPREAD.finditer(sentence.text):
            verb_end = sentence.start + match.end(1)
            clause_end = _clause_end(sentence, match.end(1))
            targets = [code for _, _, code in _locative_list(document, verb_end, clause_end)]
            source = _spread_source(document, sentence, sentence.start + match.start(), home)
            for target in dict.fromkeys(targets):
                if source and target != source:
                    links.append(
                        _link(
                            source,
                            target,
                            sentence,
                            "adoption_statement",
                            0.75,
                            f"«{match.group(1)}» on a named region",
                        )
                    )
    return links


def _spread_source(
    document: Document, sentence: Sentence, cue_start: int, home: str | None
) -> str | None:
    """Owner of the spread practice: the first region named before the cue that is not a place
    after «в/на»; else the home region, unless the practice is federal («федеральный проект»)."""
    before = [
        code
        for s, e, code in _region_mentions(document)
        if sentence.start <= s and e <= cue_start and not self_locative(document, s)
    ]
    if before:
        return before[0]
    if _NATIONWIDE.search(document.text[sentence.start : cue_start]):
        return None
    return home


def _locative_list(document: Document, start: int, end: int) -> list[tuple[int, int, str]]:
    """Places named after «в/во/на» between `start` and `end`, with the places coordinated to them
    («в Магаданской области и на Чукотке», «в Томске и Северске»)."""
    found: list[tuple[int, int, str]] = []
    previous_end = None
    for mention in _region_mentions(document):
        s, e, _ = mention
        if s < start or e > end:
            continue
        gap = document.text[previous_end:s] if previous_end is not None else None
        if self_locative(document, s) or (gap is not None and _LIST_GAP.match(gap)):
            found.append(mention)
            previous_end = e
        else:
            previous_end = None
    return found


def _hosting_links(document: Document) -> list[ExtractedLink]:
    """An internship or visit: host (headline, dateline) → each region the visitors come from."""
    held = [
        sentence
        for sentence in document.sentences
        if _HOSTING.search(sentence.text) and not _PROMISE.search(sentence.text)
    ]
    if not held or _EXCHANGE.search(document.title):
        return []
    host = _host_region(document)
    if not host:
        return []
    links = []
    for sentence in document.sentences:
        if _EXPERT_NOUN.search(sentence.text):
            continue  # visiting experts teach the host (see _expert_links)
        for match in _VISITORS.finditer(sentence.text):
            end = _clause_end(sentence, match.end())
            for code in _regions_between(document, sentence.start + match.end(), end):
                if code != host:
                    links.append(
                        _link(
                            host,
                            code,
                            sentence,
                            "internship",
                            0.8,
                            "internship host → visitors «из …»",
                        )
                    )
    return links


def _expert_links(document: Document, home: str | None) -> list[ExtractedLink]:
    links = []
    for index, sentence in enumerate(document.sentences):
        links += _syntax_expert_links(document, index, home)
        for match in _EXPERTS_TEACH.finditer(sentence.text):
            if _GATHERING.search(sentence.text):
                continue  # a forum or festival of many regions: no one host learns
            if match.group(2).lower().startswith("презент") and not _EXPERT_NOUN.match(
                match.group(1)
            ):
                continue  # «делегация A презентовала проект»: presenting, not teaching
            named = [
                (s, code)
                for s, e, code in _region_mentions(document)
                if sentence.start <= s and e <= sentence.end
            ]
            verb_at = sentence.start + match.start(2)
            located = [code for s, code in named if self_locative(document, s)]
            experts = [code for s, code in named if s < verb_at and not self_locative(document, s)]
            experts = experts or _previous_experts(document, index)
            for code in experts[:1]:
                host = next((c for c in located if c != code), None) or home
                if host and code != host:
                    links.append(
                        _link(
                            code,
                            host,
                            sentence,
                            "joint_event",
                            0.75,
                            "visiting experts teach the host",
                        )
                    )
        for match in _SHARED_WITH.finditer(sentence.text):
            listeners = _regions_between(
                document, sentence.start + match.end(), _clause_end(sentence, match.end())
            )
            speaker = _subject_region(document, index, sentence.start + match.start()) or home
            for code in listeners:
                if speaker and code != speaker:
                    links.append(
                        _link(
                            speaker,
                            code,
                            sentence,
                            "joint_event",
                            0.75,
                            "«делились опытом с коллегами из …»",
                        )
                    )
    return links


def _syntax_expert_links(document: Document, index: int, home: str | None) -> list[ExtractedLink]:
    """Experts teach whatever the word order: «Занятия провели эксперты из A», «Эксперты из A
    научили B-ских волонтёров», «B пригласила экспертов из A». The experts' region is inside the
    subject (the object of «пригласить»); the learners are the object, a «для …» phrase, a place
    after «в», the inviter, or the home region."""
    sentence = document.sentences[index]
    lemmas = sentence.lemmas()
    if not lemmas & _TEACHING_LEMMAS or not lemmas & _EXPERT_LEMMAS:
        return []
    parsed = document.syntax(index)
    mentions = [m for m in _region_mentions(document) if sentence.start <= m[0] < sentence.end]
    links = []
    if _PROMISE.search(sentence.text):
        return []  # «Калужские специалисты проведут …» as an agreement's term
    tenses = {token.start: token.feats.get("Tense") for token in sentence.tokens}
    for verb in parsed:
        if verb.lemma not in _TEACHING_LEMMAS or not _teaches(parsed, verb, sentence.text):
            continue
        if tenses.get(verb.start) == "Fut":
            continue  # an announcement: nothing taught yet
        if verb.lemma == "пригласить" and not _training_near(document, index):
            continue  # experts invited to judge or to inspect teach nothing
        children = [t for t in parsed if t.head == verb.index]
        role = "obj" if verb.lemma == "пригласить" else "nsubj"
        experts = [
            t
            for t in children
            if t.relation == role and _subtree_lemmas(parsed, t.index) & _EXPERT_LEMMAS
        ]
        if not experts:
            continue
        source = _first_region_in(document, mentions, _subtree_span(parsed, experts[0].index))
        origins = [  # «пригласила экспертов из Тюмени» with «из Тюмени» on the verb
            t
            for t in children
            if t.relation == "obl" and any(c.head == t.index and c.lemma == "из" for c in parsed)
        ]
        if source is None and origins:
            source = _first_region_in(document, mentions, _subtree_span(parsed, origins[0].index))
        if source is None:
            continue
        learner_roles = ("nsubj",) if role == "obj" else ("obj", "iobj", "obl")
        learner = next(
            (
                code
                for t in children
                if t.relation in learner_roles and t.index != experts[0].index
                for code in [_first_region_in(document, mentions, _subtree_span(parsed, t.index))]
                if code and code != source
            ),
            None,
        )
        if learner is None and _GATHERING.search(sentence.text):
            continue  # a master class at a forum of many regions: no one host learns
        located = [c for s, e, c in mentions if self_locative(document, s) and c != source]
        learner = learner or (located[0] if located else None) or home
        if learner and learner != source:
            links.append(
                _link(source, learner, sentence, "joint_event", 0.75, "visiting experts teach")
            )
    return links


def _usage_links(document: Document) -> list[ExtractedLink]:
    """«Тюменская модель … используется и в Курганской области»: a practice noun owned by A (its
    adjective or genitive) is the subject of a verb of use, and the places after «в» are B."""
    links = []
    for index, sentence in enumerate(document.sentences):
        lemmas = sentence.lemmas()
        if not lemmas & _USE_LEMMAS or not lemmas & _PRACTICE_LEMMAS:
            continue
        if _PROMISE.search(sentence.text):
            continue
        parsed = document.syntax(index)
        mentions = [m for m in _region_mentions(document) if sentence.start <= m[0] < sentence.end]
        for verb in parsed:
            if verb.lemma not in _USE_LEMMAS:
                continue
            children = [t for t in parsed if t.head == verb.index]
            practices = [
                t
                for t in children
                if t.relation.startswith("nsubj") and t.lemma in _PRACTICE_LEMMAS
            ]
            if not practices:
                continue
            owner_span = _subtree_span(parsed, practices[0].index)
            owner = _first_region_in(document, mentions, owner_span)
            places = [
                code
                for t in children
                if t.relation == "obl"
                for s, e, code in _locative_list(document, *_subtree_span(parsed, t.index))
            ]
            for place in dict.fromkeys(places):
                if owner and place != owner:
                    links.append(
                        _link(
                            owner,
                            place,
                            sentence,
                            "adoption_statement",
                            0.7,
                            "a practice of one region used in another",
                        )
                    )
    return links


def _training_near(document: Document, index: int) -> bool:
    """A lesson told in this sentence or the next («… пригласила экспертов из A. … прошла
    стратегическая сессия»)."""
    near = document.sentences[index : index + 2]
    lemmas = set().union(*(sentence.lemmas() for sentence in near))
    return bool(lemmas & (_TRAINING_LEMMAS | {"научить", "обучить", "поделиться", "рассказать"}))


def _teaches(parsed, verb, text: str) -> bool:
    """«провести» a training (занятия, мастер-классы), «рассказать о …», «поделиться опытом»;
    presenting or inviting at a forum, festival or contest is not teaching."""
    below = set()
    for child in (t for t in parsed if t.head == verb.index):
        below |= _subtree_lemmas(parsed, child.index)
    if verb.lemma == "провести":
        return bool(below & _TRAINING_LEMMAS)
    if verb.lemma == "рассказать":
        return bool(below & {"о", "об", "про"})
    if verb.lemma == "поделиться":
        return "опыт" in below
    if verb.lemma in ("презентовать", "представить", "пригласить"):
        return not _GATHERING.search(text)
    return True


def _subtree_lemmas(parsed, index: int) -> set[str]:
    start, end = _subtree_span(parsed, index)
    return {t.lemma for t in parsed if start <= t.start and t.end <= end}


def _first_region_in(document: Document, mentions, span: tuple[int, int]) -> str | None:
    """The first region named inside `span` that is not a place after «в/на»."""
    return next(
        (
            code
            for s, e, code in mentions
            if span[0] <= s and e <= span[1] and not self_locative(document, s)
        ),
        None,
    )


def self_locative(document: Document, start: int) -> bool:
    """A place right after «в/во/на» (where something happens), not whose it is."""
    return bool(_LOCATIVE_BEFORE.search(document.text[max(0, start - 12) : start]))


def _previous_experts(document: Document, index: int) -> list[str]:
    """«Её гостями стали эксперты … из Казани. Они провели мастер-классы»: the previous sentence."""
    if index == 0 or not re.match(r"\s*(Они|Гости|Эксперты)\b", document.sentences[index].text):
        return []
    previous = document.sentences[index - 1]
    return _regions_between(document, previous.start, previous.end)


def _exchange_links(document: Document) -> list[ExtractedLink]:
    links = []
    for sentence in document.sentences:
        if not _EXCHANGE.search(sentence.text) or _FUTURE_ONLY.search(sentence.text):
            continue
        if _EXCHANGE_NOT_DONE.search(sentence.text):
            continue  # «соглашение об обмене опытом», «приехали для обмена опытом»
        codes = _regions_between(document, sentence.start, sentence.end)
        if len(codes) == 2:
            first, second = codes
            links.append(
                _link(first, second, sentence, "joint_event", 0.7, "exchange between two regions")
            )
            links.append(
                _link(second, first, sentence, "joint_event", 0.7, "exchange between two regions")
            )
    return links


def _link_date(document: Document, link: ExtractedLink):
    """When the link is evidenced: a day or month date in its own sentence, else the document's
    first event date, else the page date."""
    own = [
        span
        for _, _, span in document.dates_in(link.passage.start, link.passage.end)
        if span.precision in ("day", "month")
    ]
    if own:
        return own[0]
    days = [span for _, _, span in document.dates if span.precision == "day"]
    if days:
        return days[0]
    if document.published:
        from loaders.text.dates import DateSpan

        return DateSpan(document.published, document.published, "day")
    return None


_ANY_CUE = re.compile(
    "|".join(
        [pattern.pattern for pattern, _ in _ADOPTION]
        + [r"эксперт|специалист|тренер|лектор|спикер|наставник|преподавател|методист|консультант"]
        + [r"использу|применя|действу|прижил|внедрен"]
        + [p.pattern for p in (_SPREAD, _HOSTING, _EXPERTS_TEACH, _SHARED_WITH, _EXCHANGE, _VISIT)]
    ),
    re.I,
)


def extract_practice_links(document: Document) -> list[ExtractedLink]:
    """Directed links from the region whose practice is taken up to the region taking it up; one
    per direction and document (the strongest evidence kept)."""
    if not _ANY_CUE.search(document.text):
        return []  # no cue at all: the region lookups are not worth their cost
    home = home_region(document)
    links = (
        _adoption_links(document, home)
        + _spread_links(document, home)
        + _hosting_links(document)
        + _expert_links(document, home)
        + _exchange_links(document)
        + _visit_links(document)
        + _usage_links(document)
    )
    for link in links:
        link.span = _link_date(document, link)
    unique: dict[tuple[str, str], ExtractedLink] = {}
    for link in links:
        kept = unique.get((link.from_region, link.to_region))
        if kept is None or link.confidence > kept.confidence:
            unique[(link.from_region, link.to_region)] = link
    if _LEARNERS_APPLY.search(document.text):
        for link in unique.values():
            if link.evidence_type == "internship":
                link.confidence = min(0.95, link.confidence + 0.1)
                link.reason += "; learners apply it «в своих регионах»"
    return list(unique.values())
