"""Coordinated lists of federal subjects with a shared head noun, read with a yargy grammar.

«из Пермского, Хабаровского краёв, Курской, Омской, Псковской областей и Республики Коми»: each head
noun («краёв», «областей») closes a group of adjectives before it; groups follow one another with or
without «и», across line breaks. An adjective belongs to the group only if its gender agrees with
the
head noun («Курской» is feminine: a «область», never a «край»), so a mixed list splits where it
should.
Names with the head noun first («Республики Коми») are the dictionary's job in places.py.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from loaders.geo.regions import RegionIndex
from loaders.text.morph import _point_pymorphy_at_bundled_dictionaries, analyser

# Head noun (normal form) → the gender its adjectives take and its nominative singular.
_HEADS = {
    "область": ("femn", "область"),
    "обл": ("femn", "область"),
    "край": ("masc", "край"),
    "кр": ("masc", "край"),
    "республика": ("femn", "республика"),
    "респ": ("femn", "республика"),
    "округ": ("masc", "округ"),
}
_HYPHENATED_PREFIX = re.compile(r"(?:[А-ЯЁ][а-яё]+-)+$")
_HEAD_WORD = re.compile(r"(?i)\b(област|обл\b|кра[йяеюёи]|респ|округ)\w*")


@dataclass(frozen=True)
class ListedRegion:
    """One region of a coordinated list: the adjective's span and the region it names."""

    start: int
    end: int
    text: str
    region_code: str


@functools.cache
def _parser():
    _point_pymorphy_at_bundled_dictionaries()
    from yargy import Parser, and_, or_, rule
    from yargy.predicates import caseless, dictionary, eq, gram, is_capitalized, normalized

    adjective = and_(gram("ADJF"), is_capitalized())
    separator = or_(eq(","), eq(";"), normalized("и"))
    head = or_(
        rule(dictionary({"область", "край", "республика", "округ"})),
        rule(or_(caseless("обл"), caseless("кр"), caseless("респ")), eq(".").optional()),
    )
    group = rule(
        adjective,
        rule(separator.optional(), adjective).repeatable().optional(),
        normalized("автономный").optional(),
        head,
    )
    return Parser(group)


@functools.lru_cache(maxsize=50_000)
def parses_of(word: str) -> tuple:
    return tuple(analyser().parse(word))


@functools.lru_cache(maxsize=20_000)
def _nominative(word: str, gender: str) -> str | None:
    """The adjective in the nominative singular of the head's gender («Омской» → «омская»)."""
    for parse in parses_of(word.lower()):
        if "ADJF" in parse.tag and parse.tag.gender == gender:
            inflected = parse.inflect({"nomn", "sing", gender})
            if inflected:
                return inflected.word
    return None


def _head_of(tokens) -> tuple[str, str, bool]:
    """(gender, nominative head, autonomous?) of a group's closing noun."""
    words = [t.value.lower().rstrip(".") for t in tokens if t.value not in {".", ",", ";"}]
    autonomous = any(w.startswith("автономн") for w in words)
    last = words[-1]
    normal = last if last in _HEADS else parses_of(last)[0].normal_form
    gender, nominative = _HEADS.get(normal, ("femn", "область"))
    return gender, nominative, autonomous


_WINDOW = 400  # characters before a head noun that a list may span
_TOKEN = re.compile(r"[А-ЯЁа-яё][\w-]*|\S")


def _list_start(text: str, head: int) -> int | None:
    """Where the run of capitalised words, commas and «и» that ends at a head noun begins."""
    offset = max(0, head - _WINDOW)
    start = None
    for token in reversed(list(_TOKEN.finditer(text, offset, head))):
        word = token.group(0)
        if word[:1].isupper():
            start = token.start()
        elif not (word in {",", ";", "и"} or word.startswith("автономн")):
            break
    return start


def _windows(text: str) -> list[tuple[int, int]]:
    """Stretches of text that end at a head noun, merged where they overlap: the grammar runs only
    there, not over the whole document."""
    spans: list[tuple[int, int]] = []
    for match in _HEAD_WORD.finditer(text):
        end = match.end() + 1  # the «.» of «обл.»
        start = _list_start(text, match.start())
        if start is None:
            continue  # no capitalised word right before the head noun: no list to read
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _groups(text: str):
    """yargy matches with spans in the whole text (line breaks read as spaces)."""
    for start, end in _windows(text):
        flat = text[start:end].replace("\n", " ").replace("\r", " ")
        for match in _parser().findall(flat):
            yield start, match


def find_region_lists(text: str, regions: RegionIndex) -> list[ListedRegion]:
    """Regions named by adjectives before a shared head noun, each with its adjective's span.

    Only adjectives that agree with the head in gender and make a known federal subject with it
    count;
    a group of one («Тверской области») counts too, so oblique forms whose lemma differs resolve
    here.
    """
    if not _HEAD_WORD.search(text):
        return []
    found = []
    for offset, match in _groups(text):
        tokens = list(match.tokens)
        gender, head, autonomous = _head_of(tokens)
        suffix = f"автономный {head}" if autonomous else head
        if autonomous and gender == "femn":
            suffix = f"автономная {head}"
        for token in tokens:
            if not token.value[:1].isupper() or token.value.lower().startswith("автономн"):
                continue
            if token.value.lower().rstrip(".") in _HEADS:
                continue
            start, end = offset + token.span.start, offset + token.span.stop
            prefix = _HYPHENATED_PREFIX.search(text[max(0, start - 30) : start])
            if prefix:  # yargy splits «Ямало-Ненецкого»: the adjective is the whole word
                start -= len(prefix.group(0))
            nominative = _nominative(token.value, gender)
            if nominative is None:
                continue
            name = (prefix.group(0).lower() if prefix else "") + nominative
            code = regions.resolve(f"{name} {suffix}")
            if code:
                found.append(ListedRegion(start, end, text[start:end], code))
    return found
