"""Reading bytes as text: UTF-8 (BOM or not), UTF-16 (BOM), cp1251, cp866 or KOI8-R, detected.

A byte-order mark decides outright. Without one, valid UTF-8 is UTF-8. Otherwise charset-normalizer
picks among the three Russian single-byte code pages, and its pick is checked against the frequency
of
common Russian letters (short all-caps text can fool it). Anything else is refused with the byte
offset
of the first byte that is not UTF-8.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import charset_normalizer

LEGACY_ENCODINGS = ("cp1251", "cp866", "koi8_r")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The ten most frequent Russian letters cover about 60 % of running text; a wrong code page
# scrambles the letters and that share falls well below.
_FREQUENT_LETTERS = set("оеаинтсрвлОЕАИНТСРВЛ")
_MIN_CYRILLIC_SHARE = 0.3
_MIN_FREQUENT_SHARE = 0.35
_SCORED_SAMPLE = 200_000  # characters scored when choosing a code page
# A two-byte UTF-8 Cyrillic letter: lead byte 0xD0/0xD1 and a continuation byte.
_UTF8_CYRILLIC = re.compile(rb"[\xd0\xd1][\x80-\xbf]")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


class UnreadableFileError(ValueError):
    """A file we cannot read as text; the message names the file, in Russian and English."""


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return control > max(2, len(sample) // 100)


def _cyrillic_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff") / max(1, len(letters))


def _frequent_share(text: str) -> float:
    cyrillic = [ch for ch in text if "\u0400" <= ch <= "\u04ff"]
    return sum(1 for ch in cyrillic if ch in _FREQUENT_LETTERS) / max(1, len(cyrillic))


def _uppercase_share(text: str) -> float:
    cyrillic = [ch for ch in text if "\u0400" <= ch <= "\u04ff"]
    return sum(1 for ch in cyrillic if ch.isupper()) / max(1, len(cyrillic))


def russian_score(text: str) -> float:
    """How much the text looks like Russian: the share of frequent letters, less a penalty when most
    letters are capitals (KOI8-R read as cp1251, and back, swaps the case)."""
    sample = text[:_SCORED_SAMPLE]
    return _frequent_share(sample) - max(0.0, _uppercase_share(sample) - 0.3)


def _decode_with_bom(data: bytes, name: str) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise UnreadableFileError(
                    f"{name}: файл начинается с метки {encoding.upper()}, но байт {error.start} "
                    f"не декодируется / invalid {encoding} at byte offset {error.start}"
                ) from error
    return None


def _pseudographic_share(text: str) -> float:
    """Box-drawing and block characters: what a wrong code page makes of letters."""
    odd = sum(1 for ch in text if "\u2500" <= ch <= "\u25ff" or ch in "¦¤§©®°±µ¶·")
    return odd / max(1, sum(1 for ch in text if ch.isalpha()))


def is_plausible_russian(text: str) -> bool:
    """Mostly Cyrillic letters, the frequent ones frequent, hardly any box-drawing signs."""
    sample = text[:_SCORED_SAMPLE]
    return (
        _cyrillic_share(sample) > _MIN_CYRILLIC_SHARE
        and _frequent_share(sample) >= _MIN_FREQUENT_SHARE
        and _pseudographic_share(sample) < 0.02
    )


def _is_broken_utf8(data: bytes) -> bool:
    """Mostly UTF-8 Cyrillic with some bad bytes: read in a code page it would be mojibake."""
    sample = data[: _SCORED_SAMPLE * 2]
    high = len(_HIGH_BYTE.findall(sample))
    return high > 0 and 2 * len(_UTF8_CYRILLIC.findall(sample)) >= 0.5 * high


def _legacy_decodings(data: bytes) -> dict[str, str]:
    """Strict decodings in each Russian code page (cp1251 leaves byte 0x98 undefined)."""
    decoded = {}
    for encoding in LEGACY_ENCODINGS:
        try:
            decoded[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return decoded


def detect_legacy_encoding(data: bytes, sample: bytes | None = None) -> str | None:
    """cp1251, cp866 or koi8_r if the bytes read as Russian text in it, else None.

    `sample` (default: the data) is what is scored, e.g. a page's bytes without its markup.
    """
    if sample is None:
        sample = data
        decoded = _legacy_decodings(data)
    else:  # the whole data must decode too
        decoded = _legacy_decodings(sample)
        decoded = {name: text for name, text in decoded.items() if _decodes(data, name)}
    plausible = {name: text for name, text in decoded.items() if is_plausible_russian(text)}
    if not plausible:
        return None
    best = charset_normalizer.from_bytes(
        sample[:_SCORED_SAMPLE], cp_isolation=list(plausible)
    ).best()
    guess = best.encoding if best is not None else None
    scores = {name: russian_score(text) for name, text in plausible.items()}
    top = max(scores, key=scores.get)
    if guess in scores and scores[guess] >= scores[top] - 0.05:
        return guess
    return top


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes, path: Path | str, sample: bytes | None = None) -> str:
    """The bytes as text, or UnreadableFileError naming the file (and the first bad byte).

    `sample` is what a code page is chosen on, when it is not the whole data (see decode_html)."""
    name = Path(path).name
    if not data.strip():
        raise UnreadableFileError(f"{name}: файл пуст / file is empty")
    text = _decode_with_bom(data, name)
    if text is not None:
        return text
    if _looks_binary(data):
        raise UnreadableFileError(
            f"{name}: файл не является текстом (двоичные данные) / not a text file (binary content)"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        first_bad = error.start
    encoding = None if _is_broken_utf8(data) else detect_legacy_encoding(data, sample)
    if encoding:
        return data.decode(encoding)
    raise UnreadableFileError(
        f"{name}: не удалось определить кодировку: байт {first_bad} не UTF-8, а текст не читается "
        f"как cp1251, cp866 или KOI8-R / cannot decode: byte offset {first_bad} is not UTF-8 and "
        "the text is not cp1251, cp866 or KOI8-R"
    )
