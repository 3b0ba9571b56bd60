"""The annotation of one document, built once and read by every extractor (events, reports,
agreements,
practice links, genre, topic): sentences, tokens with lemmas and grammemes, natasha NER spans,
dates,
resolved places and organisations. Extractors never re-parse the text; the syntax parser runs
lazily,
only on the sentences an extractor asks about.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from loaders.text.dates import DateSpan, find_dates
from loaders.text.morph import _point_pymorphy_at_bundled_dictionaries, lemma
from loaders.text.places import PlaceMention, extract_places, ner_spans

# Longer "sentences" (tables flattened into one line, lists) are cut before the morph tagger:
# its cost grows with sentence length and nothing we read spans more than this many tokens.
MAX_TAGGED_TOKENS = 120

_CAPTION = re.compile(r"\s*(на\s+фото|фото)\b", re.I)
_LETTER_DATE = re.compile(r"(№\s*[\w/-]+\s+от\s*|исх\.?\s*[\w/-]*\s*от\s*|от\s+)$", re.I)
# «указом Президента от 27 ноября 2017 года»: the date of a decree or law, not of the letter
_ACT_BEFORE = re.compile(
    r"(указ|постановлени|закон|распоряжени|приказ|решени)\w*(?:\s+[А-ЯЁа-яё]+){0,3}\s+от\s*$",
    re.I,
)


@dataclass
class Token:
    """A word or punctuation mark: offsets into the document, lemma, part of speech and
    grammemes."""

    start: int
    end: int
    text: str
    lemma: str
    pos: str = ""
    feats: dict[str, str] = field(default_factory=dict)


@dataclass
class Sentence:
    """A sentence inside one line of the text (lines never join: headlines and table rows stay
    apart)."""

    start: int
    end: int
    text: str
    tokens: list[Token] = field(default_factory=list)

    def lemmas(self) -> set[str]:
        return {token.lemma for token in self.tokens}


@dataclass
class SyntaxToken:
    """One word of a parsed sentence: its head (index in the sentence, -1 for the root) and
    relation."""

    index: int
    start: int
    end: int
    text: str
    lemma: str
    head: int
    relation: str


@dataclass
class Document:
    """Everything the extractors read about one text. Offsets are characters in `text`."""

    text: str
    title: str
    sentences: list[Sentence]
    entities: tuple[tuple[int, int, str, str], ...]  # natasha NER spans (start, end, type, text)
    places: list[PlaceMention]
    unresolved_places: list[str]
    dates: list[tuple[int, int, DateSpan]]  # every date expression, the default year applied
    published: dt.date | None
    default_year: int | None
    cache: dict = field(default_factory=dict, repr=False)  # extractors' derived lookups
    _sentence_starts: list[int] = field(default_factory=list, repr=False)
    _syntax: dict[int, list[SyntaxToken]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._sentence_starts = [s.start for s in self.sentences]

    # -- lookups by offset
    def sentence_index(self, offset: int) -> int:
        """Index of the sentence that holds `offset` (or the last one starting before it)."""
        return max(0, bisect.bisect_right(self._sentence_starts, offset) - 1)

    def places_in(self, start: int, end: int) -> list[PlaceMention]:
        return [m for m in self.places if start <= m.start and m.end <= end]

    def dates_in(self, start: int, end: int) -> list[tuple[int, int, DateSpan]]:
        """Date expressions inside [start, end), offsets relative to `start`."""
        return [
            (s - start, e - start, span) for s, e, span in self.dates if start <= s and e <= end
        ]

    def organisations_in(self, start: int, end: int) -> list[str]:
        """Organisation names (NER ORG spans) inside [start, end), as written, first mention
        first."""
        found = [
            text for s, e, kind, text in self.entities if kind == "ORG" and start <= s and e <= end
        ]
        return list(dict.fromkeys(found))

    def tokens_in(self, start: int, end: int) -> list[Token]:
        return [
            token
            for sentence in self.sentences
            if sentence.start < end and start < sentence.end
            for token in sentence.tokens
            if start <= token.start and token.end <= end
        ]

    def lemmas_in(self, start: int, end: int) -> list[str]:
        return [token.lemma for token in self.tokens_in(start, end)]

    # -- the syntax parser, only where an extractor needs it
    def syntax_parsed(self) -> set[int]:
        """Indexes of the sentences parsed so far."""
        return set(self._syntax)

    def syntax(self, index: int) -> list[SyntaxToken]:
        """Dependency parse of sentence `index` (natasha's news syntax model), computed on first
        use."""
        if index not in self._syntax:
            self._syntax[index] = _parse_syntax(self.sentences[index])
        return self._syntax[index]


# ---------------------------------------------------------------- models, loaded once per process


@functools.cache
def _morph_models():
    _point_pymorphy_at_bundled_dictionaries()
    from natasha import NewsEmbedding, NewsMorphTagger, NewsSyntaxParser, Segmenter

    embedding = NewsEmbedding()
    return Segmenter(), NewsMorphTagger(embedding), embedding, NewsSyntaxParser


def load_models() -> None:
    """Load the NER, morph models and gazetteer now (once per process), not on the first
    document."""
    from loaders.geo.gazetteer import gazetteer
    from loaders.text.places import ner_models

    ner_models()
    _morph_models()
    gazetteer()


@functools.cache
def _syntax_parser():
    _, _, embedding, parser_class = _morph_models()
    return parser_class(embedding)


# ---------------------------------------------------------------- building the annotation


def split_sentences(text: str) -> list[Sentence]:
    """Lines, then razdel sentences within each line; offsets into the original text."""
    from razdel import sentenize

    sentences = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for piece in sentenize(line):
                sentences.append(Sentence(offset + piece.start, offset + piece.stop, piece.text))
        offset += len(line) + 1
    return sentences


def _tag_tokens(sentences: list[Sentence]) -> None:
    """Tokens of every sentence with natasha's morph tags (a sentence cut at MAX_TAGGED_TOKENS)."""
    from razdel import tokenize

    segmenter, tagger, _, _ = _morph_models()
    del segmenter  # razdel tokenises; natasha's segmenter is razdel too
    words_per_sentence = []
    for sentence in sentences:
        pieces = list(tokenize(sentence.text))[:MAX_TAGGED_TOKENS]
        sentence.tokens = [
            Token(sentence.start + p.start, sentence.start + p.stop, p.text, lemma(p.text))
            for p in pieces
        ]
        words_per_sentence.append([p.text for p in pieces])
    tagged = [s for s, words in zip(sentences, words_per_sentence) if words]
    markups = tagger.map([[t.text for t in s.tokens] for s in tagged])
    for sentence, markup in zip(tagged, markups):
        for token, tag in zip(sentence.tokens, markup.tokens):
            token.pos, token.feats = tag.pos, dict(tag.feats)


def _parse_syntax(sentence: Sentence) -> list[SyntaxToken]:
    words = [token.text for token in sentence.tokens]
    if not words:
        return []
    markup = next(iter(_syntax_parser().map([words])))
    parsed = []
    for index, (token, tag) in enumerate(zip(sentence.tokens, markup.tokens)):
        head = int(tag.head_id) - 1 if tag.head_id not in (None, "0", 0) else -1
        parsed.append(
            SyntaxToken(index, token.start, token.end, token.text, token.lemma, head, tag.rel)
        )
    return parsed


def document_title(text: str) -> str:
    for line in text.split("\n"):
        line = line.strip().strip("*#").strip()
        if line and not line.startswith("[ДЕМОНСТРАЦИОННЫЕ"):
            return line[:200]
    return ""


def document_date(text: str) -> dt.date | None:
    """The page date: a letter's registration date («№ 11114-1 от 14.11.2022»), else a short line
    near
    the top that holds a day-precise date («24.06.2024, 09:40», «08 июня, 2024 | 19:02», «Омск.
    19.08.2024»), else a day-precise date in the first lines (also glued to the first line), else a
    date line at the foot."""
    for start, _, span in find_dates(text[:3000]):
        before = text[max(0, start - 40) : start]
        if (
            _LETTER_DATE.search(before)
            and not _ACT_BEFORE.search(before)
            and span.precision == "day"
        ):
            return span.start
    lines = text.split("\n")[:10]
    for line in lines:
        if line.strip() and len(line.split()) <= 8 and not _CAPTION.match(line):
            found = [span for _, _, span in find_dates(line) if span.precision == "day"]
            if found and found[0].start.year >= 1990:
                return found[0].start
    head = "\n".join(lines[:4])
    for _, _, span in find_dates(head):
        if span.precision == "day":
            return span.start
    return _footer_date(text)


def _footer_date(text: str) -> dt.date | None:
    """A press service's page ends with the date on a line of its own («Пресс-служба …» then
    «24.04.2025»): with no date at the top, one of the last three lines that is a day-precise date
    and hardly anything else is the page date."""
    tail = [line.strip() for line in text.split("\n") if line.strip()][-3:]
    for line in reversed(tail):
        if len(line.split()) > 4:
            continue
        found = [span for _, _, span in find_dates(line) if span.precision == "day"]
        if found and found[0].start.year >= 1990:
            return found[0].start
    return None


def default_year(text: str, published: dt.date | None) -> int | None:
    """The year of dates written without one: the page date's, else a year the text names
    («итоги 2019 года», «— 2024»), else the commonest year among its dates."""
    if published:
        return published.year
    years = Counter(
        span.start.year
        for _, _, span in find_dates(text)
        if span.precision in ("day", "month", "quarter")
    )
    if years:
        return years.most_common(1)[0][0]
    named = Counter(span.start.year for _, _, span in find_dates(text[:2000]))
    return named.most_common(1)[0][0] if named else None


def annotate(text: str) -> Document:
    """Annotate one document's text once: the object every extractor reads."""
    places, unresolved = extract_places(text)
    sentences = split_sentences(text)
    _tag_tokens(sentences)
    published = document_date(text)
    year = default_year(text, published)
    return Document(
        text=text,
        title=document_title(text),
        sentences=sentences,
        entities=ner_spans(text),
        places=places,
        unresolved_places=unresolved,
        dates=find_dates(text, year),
        published=published,
        default_year=year,
    )


def with_default_year(document: Document, year: int) -> None:
    """Re-read dates with a year the document itself states (a report heading's period)."""
    document.default_year = year
    document.dates = find_dates(document.text, year)
