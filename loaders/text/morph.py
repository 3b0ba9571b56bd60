"""One shared Russian morphology analyser (pymorphy2 through natasha), loaded once per process."""

from __future__ import annotations

import functools
import os


def _point_pymorphy_at_bundled_dictionaries() -> None:
    """pymorphy2 finds its dictionaries through pkg_resources, which new setuptools no longer
    ships."""
    if "PYMORPHY2_DICT_PATH" not in os.environ:
        import pymorphy2_dicts_ru

        os.environ["PYMORPHY2_DICT_PATH"] = pymorphy2_dicts_ru.get_path()


@functools.cache
def morph_vocab():
    """natasha's MorphVocab (a pymorphy2 analyser with a parse cache)."""
    _point_pymorphy_at_bundled_dictionaries()
    from natasha import MorphVocab

    return MorphVocab()


@functools.lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """Normal form of one Russian word, lower case, ё→е; non-Cyrillic words come back
    lower-cased."""
    lowered = word.lower().replace("ё", "е")
    if not any("а" <= ch <= "я" for ch in lowered):
        return lowered
    forms = morph_vocab()(lowered)
    return (forms[0].normal if forms else lowered).replace("ё", "е")


@functools.cache
def analyser():
    """A plain pymorphy2 analyser (OpenCorpora grammemes), for inflecting phrases into the
    nominative."""
    morph_vocab()  # natasha first: it sets up what pymorphy2 needs
    import pymorphy2

    return pymorphy2.MorphAnalyzer()
