"""Search for journalists (no Streamlit): every word of the query in any grammatical form, and
region names in any common form or alias («ХМАО», «Югра») matching rows of that region by code.

The Данные page searches in the store (analysis/queries.py over loaders/store/search_terms.py); this
module resolves query words to regions for it (`regions_named_by`, `region_of_query`). `search_rows`
is the same search over frames in memory (each query word expanded into its forms, the rows scanned
with one regular expression per word): the reference the store's search is tested against.
"""

from __future__ import annotations

import functools
import re

import pandas as pd

from loaders.geo.regions import region_index
from loaders.text.morph import analyser, lemma

_WORD = re.compile(r"[\wё-]+", re.IGNORECASE)


def _normal(text: str) -> str:
    return text.lower().replace("ё", "е")


@functools.lru_cache(maxsize=4_096)
def word_forms(word: str) -> tuple[str, ...]:
    """Every form of the word's lexeme (lower case, ё → е), the word itself included."""
    lowered = _normal(word)
    forms = {lowered}
    if any("а" <= ch <= "я" for ch in lowered):
        base = lemma(lowered)
        for parse in analyser().parse(lowered):
            if _normal(parse.normal_form) == base:
                forms.update(_normal(form.word) for form in parse.lexeme)
    return tuple(sorted(forms, key=len, reverse=True))


def region_of_query(text: str) -> str | None:
    """The region the whole query names, in any form or alias (ХМАО, Югра, Кузбасс), or None."""
    return region_index().resolve(text.strip()) if text.strip() else None


@functools.cache
def _region_terms() -> dict[str, frozenset[str]]:
    """Region code → the terms of its full and short names and aliases (as rows are indexed)."""
    from loaders.store.search_terms import word_terms, words

    terms = {}
    for code, region in region_index().regions.items():
        names = (region.name_full, region.name_short, *region.aliases)
        terms[code] = frozenset(
            term for name in names for word in words(name) for term in word_terms(word)
        )
    return terms


@functools.lru_cache(maxsize=4_096)
def regions_named_by(word: str) -> list[str]:
    """Codes of the regions one folded query word names, in any form, by a word of a name or alias
    («югры» → Ханты-Мансийский АО — Югра; «тюменской» → Тюменская область). Words of three or more
    letters also match the names' words they begin, as in the row search."""
    from loaders.store.search_terms import PREFIX_MIN_LENGTH, query_terms

    wanted = set(query_terms(word))
    prefix = len(word) >= PREFIX_MIN_LENGTH
    return sorted(
        code
        for code, terms in _region_terms().items()
        if wanted & terms or (prefix and any(term.startswith(word) for term in terms))
    )


def search_rows(
    frame: pd.DataFrame, text: str, columns: list[str], region_columns: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Rows where every query word appears, in any form, in one of the columns; or, when the query
    names a region, rows whose region columns hold that region's code."""
    words = _WORD.findall(text)
    if not words:
        return frame
    haystack = pd.Series("", index=frame.index, dtype="string")
    for column in columns:
        haystack = haystack + " " + frame[column].astype("string").fillna("")
    haystack = haystack.str.lower().str.replace("ё", "е", regex=False)
    mask = pd.Series(True, index=frame.index)
    for word in words:
        pattern = "|".join(re.escape(form) for form in word_forms(word))
        mask &= haystack.str.contains(pattern, regex=True, na=False)
    region = region_of_query(text)
    if region:
        for column in region_columns:
            if column in frame:
                mask |= frame[column].astype("string") == region
    return frame[mask]
