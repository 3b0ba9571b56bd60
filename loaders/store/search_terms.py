"""Search terms: each word of a fact row's searchable text, as its normal form and as written.

Why a table of terms and not a scan of the text: a search for every word in any grammatical form
over a million titles scanned with a regular expression per word took 1.4–4.4 s (one pattern over a
stored folded column, 0.6 s, and that could not match word forms). Here a row's words are turned
into terms once, when the row is written (the normal form from the morphology the loaders use, and
the word itself, lower case with ё → е), and a search looks its words up in this table: one
filtered
scan of short strings and a semi-join. The table is derived: written with its rows in the same
transaction (loaders.store.database), refreshed when review changes a row, rebuilt by
`python -m loaders derive`, and filled when an older store gains the table.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import pandas as pd

from loaders.model.schema import SEARCH_TERMS
from loaders.text.morph import analyser, lemma

# The columns whose words a search finds, per fact table (what the Данные page searches).
SEARCHED_COLUMNS = {
    "events": ("title", "settlement_name", "organizers", "participant_cities"),
    "agreements": ("parties", "settlement_name", "subject"),
    "report_items": ("reporting_body", "title", "goal"),
    "practice_links": ("practice",),
}
ENTITY_OF = {
    "events": "event",
    "agreements": "agreement",
    "report_items": "report_item",
    "practice_links": "practice_link",
}
ID_OF = {
    "events": "event_id",
    "agreements": "agreement_id",
    "report_items": "report_item_id",
    "practice_links": "link_id",
}
# Prepositions, conjunctions, particles and interjections are neither indexed nor required: «в»
# in «субботник в Сургуте» must not exclude titles that say «Сургут, субботник».
_FUNCTION_WORDS = {"PREP", "CONJ", "PRCL", "INTJ"}
_WORD = re.compile(r"[^\W_]+")
# A query word this long or longer also matches terms it begins («Юго» finds «Югорск»).
PREFIX_MIN_LENGTH = 3


def fold(text: str) -> str:
    """Lower case, ё → е: how terms and query words are compared."""
    return text.lower().replace("ё", "е")


def words(text: str) -> list[str]:
    """The folded words of a text (letters and digits; hyphens and punctuation split words)."""
    return _WORD.findall(fold(text))


def _is_cyrillic(word: str) -> bool:
    return any("а" <= char <= "я" for char in word)


@functools.lru_cache(maxsize=200_000)
def is_function_word(word: str) -> bool:
    """Whether the likeliest reading of a folded word is a preposition, conjunction or particle."""
    if not _is_cyrillic(word) or len(word) > 4:
        return False
    parses = analyser().parse(word)
    return bool(parses) and parses[0].tag.POS in _FUNCTION_WORDS


@functools.lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The terms one folded word of a row is stored under: itself and its normal form."""
    if is_function_word(word):
        return ()
    return tuple(sorted({word, lemma(word)}))


@functools.lru_cache(maxsize=4_096)
def query_terms(word: str) -> tuple[str, ...]:
    """The terms a folded query word matches: itself, and the normal form of every reading of it
    (a word such as «стали» may be a form of «сталь» or of «стать»; each reading is tried)."""
    terms = {word, lemma(word)}
    if _is_cyrillic(word):
        terms.update(fold(parse.normal_form) for parse in analyser().parse(word))
    return tuple(sorted(terms))


def query_words(text: str) -> list[str]:
    """The words of a search that every row must contain (function words dropped, unless that
    leaves nothing: a search for «на» still looks for «на»)."""
    found = words(text)
    content = [word for word in found if not is_function_word(word)]
    return list(dict.fromkeys(content or found))


def _values(value) -> Iterable[str]:
    """A cell's text: a string, or each element of a list column (organizers, parties)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, float) and pd.isna(value):
        return ()
    try:
        return tuple(str(item) for item in value if item is not None)
    except TypeError:
        return (str(value),)


def text_terms(text: str, cache: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    if text not in cache:
        cache[text] = tuple(sorted({term for word in words(text) for term in word_terms(word)}))
    return cache[text]


def search_term_rows(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (row of a fact table, term) for the given rows; grain and key as SEARCH_TERMS.

    `frame` holds the table's id column and its SEARCHED_COLUMNS (as stored or as about to be)."""
    entity, id_column = ENTITY_OF[table], ID_OF[table]
    cache: dict[str, tuple[str, ...]] = {}
    ids: list[str] = []
    terms: list[str] = []
    columns = [frame[column].tolist() for column in SEARCHED_COLUMNS[table]]
    for row_id, *cells in zip(frame[id_column].tolist(), *columns):
        row_terms: set[str] = set()
        for cell in cells:
            for text in _values(cell):
                row_terms.update(text_terms(text, cache))
        ids.extend([row_id] * len(row_terms))
        terms.extend(sorted(row_terms))
    frame = pd.DataFrame(
        {
            "entity": pd.Series([entity] * len(ids), dtype=object),
            "entity_id": pd.Series(ids, dtype=object),
            "term": pd.Series(terms, dtype=object),
        },
        columns=SEARCH_TERMS.column_names,
    )
    # In term order: DuckDB skips a row group whose smallest and largest term cannot match, so a
    # word is looked up in a few row groups of each written batch instead of in all of them (at
    # 1,000,000 events: 0.17 s to scan every term, 0.02 s once they are in order).
    return frame.sort_values(["term", "entity_id"], ignore_index=True)


def _stored_rows(connection, table: str, ids: list[str] | None) -> pd.DataFrame:
    columns = ", ".join((ID_OF[table], *SEARCHED_COLUMNS[table]))
    sql = f"SELECT {columns} FROM {table}"
    if ids is None:
        return _frame(connection, sql, [])
    return _frame(connection, sql + f" WHERE {ID_OF[table]} IN (SELECT unnest(?))", [ids])


def _frame(connection, sql: str, params: list) -> pd.DataFrame:
    cursor = connection.execute(sql, params)
    if hasattr(cursor, "df"):
        return cursor.df()
    rows = cursor.fetchall()
    return pd.DataFrame(rows, columns=[column[0] for column in cursor.description])


def refresh_search_terms(connection, table: str, ids: list[str] | None = None) -> int:
    """Replace the stored terms of these rows of a fact table (all its rows when None) with terms
    derived from the rows as stored now; inside the caller's transaction. Returns terms written."""
    from loaders.store.database import _insert

    entity = ENTITY_OF[table]
    if ids is None:
        connection.execute(f"DELETE FROM {SEARCH_TERMS.name} WHERE entity = ?", [entity])
    elif ids:
        connection.execute(
            f"DELETE FROM {SEARCH_TERMS.name} WHERE entity = ? AND entity_id IN (SELECT unnest(?))",
            [entity, list(ids)],
        )
    else:
        return 0
    terms = search_term_rows(table, _stored_rows(connection, table, ids))
    _insert(connection, SEARCH_TERMS.name, terms)
    return len(terms)


def file_search_terms(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The terms of every fact row of one file's frames. Ingest computes them where the file was
    extracted (a Dask worker), so that the one process writing the store does not spend its time
    on morphology; store_written_search_terms keeps those of the rows that survive merging."""
    parts = [
        search_term_rows(table, frames[table])
        for table in SEARCHED_COLUMNS
        if table in frames and not frames[table].empty
    ]
    if not parts:
        return pd.DataFrame(columns=SEARCH_TERMS.column_names)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _kept_terms(terms: pd.DataFrame, ids_of: dict[str, set[str]]) -> pd.DataFrame:
    """Terms of rows still present after merging (a row merged into a stored one is not written)."""
    pairs = zip(terms["entity"], terms["entity_id"])
    return terms[[entity_id in ids_of.get(entity, ()) for entity, entity_id in pairs]]


def store_written_search_terms(connection, written: list[dict[str, pd.DataFrame]]) -> int:
    """Store the terms of the fact rows a batch of files just wrote, replacing any stored for the
    same ids: one delete per entity and one insert for the whole batch. A file's terms computed
    beforehand (frames["search_terms"], see file_search_terms) are used for its kept rows;
    otherwise they are derived here. Inside the caller's transaction; returns terms written."""
    from loaders.store.database import _insert

    ids_by_entity: dict[str, list[str]] = {}
    parts: list[pd.DataFrame] = []
    for frames in written:
        ids_of: dict[str, set[str]] = {}
        for table in SEARCHED_COLUMNS:
            frame = frames.get(table)
            if frame is None or frame.empty:
                continue
            ids = frame[ID_OF[table]].tolist()
            ids_by_entity.setdefault(ENTITY_OF[table], []).extend(ids)
            ids_of[ENTITY_OF[table]] = set(ids)
            if SEARCH_TERMS.name not in frames:
                parts.append(search_term_rows(table, frame))
        if SEARCH_TERMS.name in frames and ids_of:
            parts.append(_kept_terms(frames[SEARCH_TERMS.name], ids_of))
    for entity, ids in ids_by_entity.items():
        connection.execute(
            f"DELETE FROM {SEARCH_TERMS.name} WHERE entity = ? AND entity_id IN (SELECT unnest(?))",
            [entity, ids],
        )
    parts = [part for part in parts if not part.empty]
    if not parts:
        return 0
    terms = pd.concat(parts, ignore_index=True)
    terms = terms.sort_values(["term", "entity_id"], ignore_index=True)
    _insert(connection, SEARCH_TERMS.name, terms)
    return len(terms)


def store_search_terms(connection, table: str, frame: pd.DataFrame) -> int:
    """Store the terms of rows just written to a fact table (their frame as inserted), replacing any
    stored for the same ids; inside the caller's transaction. Returns terms written."""
    from loaders.store.database import _insert

    if frame.empty:
        return 0
    ids = frame[ID_OF[table]].tolist()
    connection.execute(
        f"DELETE FROM {SEARCH_TERMS.name} WHERE entity = ? AND entity_id IN (SELECT unnest(?))",
        [ENTITY_OF[table], ids],
    )
    terms = search_term_rows(table, frame)
    _insert(connection, SEARCH_TERMS.name, terms)
    return len(terms)


def rebuild_search_terms(connection) -> int:
    """Every fact row's terms derived again (inside the caller's transaction); terms written."""
    return sum(refresh_search_terms(connection, table) for table in SEARCHED_COLUMNS)
