"""Document files (.txt, .md, .html, .docx, .pdf) as raw bytes plus plain text for the extractor.

Every failure is an UnreadableFileError whose message is "<file name>: <Russian> / <English>".
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import lxml.etree
import lxml.html
import trafilatura
from docx import Document
from docx.table import Table
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from loaders.read.limits import (
    check_document_chars,
    check_zip_directory,
    current_limits,
    read_limited_bytes,
)
from loaders.read.textio import (
    UnreadableFileError,
    decode_text,
    detect_legacy_encoding,
    russian_score,
)

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
DOCUMENT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}

# Below this share of the page's text, trafilatura is taken to have missed the main content.
MIN_MAIN_TEXT_SHARE = 0.2
# A page with less text than this is taken whole (trafilatura's own minimum is 250 characters).
SHORT_PAGE_CHARS = 250
# Page chrome outside the article: pruned before trafilatura and from the fallback body dump.
_CHROME_XPATH = " | ".join(
    [".//nav"]
    + [
        f".//{tag}[not(ancestor::article or ancestor::main)]"
        for tag in ("header", "footer", "aside")
    ]
)
# Never visible: also dropped from the fallback body dump.
_INVISIBLE_XPATH = ".//script | .//style | .//noscript | .//template"
# Elements that start a new line in the fallback body dump.
_BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
}
_MARKUP_RE = re.compile(rb"<[^>]*>")
_MARKUP_TEXT_RE = re.compile(r"<[^>]*>")
_CHARSET_RE = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_DECLARATION_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
_MARKDOWN_RULE_RE = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")


def read_document(path: Path) -> tuple[bytes, str]:
    """Raw bytes (for the content hash) and the document's plain text."""
    return document_text(read_document_bytes(path), path)


def read_document_bytes(path: Path) -> bytes:
    """The bytes of a supported document file, refused before reading if it is over the size
    limit."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise UnreadableFileError(
            f"{path.name}: неподдерживаемый формат / unsupported format {suffix or '(no suffix)'}"
        )
    return read_limited_bytes(path)


def document_text(data: bytes, path: Path) -> tuple[bytes, str]:
    """The bytes and the plain text of a document already read (limits on its text enforced)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        text = decode_text(data, path)
    elif suffix in HTML_SUFFIXES:
        text = html_text(decode_html(data, path), path)
    elif suffix == ".docx":
        text = docx_text(data, path)
    else:
        text = pdf_text(data, path)
    text = normalize_text(text)
    check_document_chars(text, path.name)
    if not text.strip():
        raise UnreadableFileError(f"{path.name}: в документе нет текста / document has no text")
    return data, text


def normalize_text(text: str) -> str:
    """Unix line ends, plain spaces instead of non-breaking ones, no trailing spaces; lines kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


# --- HTML -------------------------------------------------------------------------------------


def decode_html(data: bytes, path: Path) -> str:
    """decode_text, choosing a code page on the page's text without its markup; a non-UTF-8
    <meta charset> is honoured unless the text does not read as Russian in it (a wrong declaration
    must not store mojibake)."""
    visible = _MARKUP_RE.sub(b" ", data)
    match = _CHARSET_RE.search(data[:4096])
    if match and b"\x00" not in data[:4096] and not _is_utf8(data):
        try:
            declared = data.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            declared = None  # unknown or wrong declaration: let decode_text guess
        detected = detect_legacy_encoding(data, visible)
        if declared is not None and (
            detected is None
            or russian_score(_MARKUP_TEXT_RE.sub(" ", declared))
            >= russian_score(visible.decode(detected)) - 0.05
        ):
            return declared
    return decode_text(data, path, sample=visible)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def html_text(html: str, path: Path) -> str:
    """Main text of a page (trafilatura), or a plain body dump when trafilatura finds too little."""
    html = _XML_DECLARATION_RE.sub("", html, count=1)
    try:
        root = lxml.html.document_fromstring(html)
    except lxml.etree.ParserError as error:  # e.g. nothing but a comment
        raise UnreadableFileError(
            f"{Path(path).name}: в документе нет текста / document has no text"
        ) from error
    dump = body_dump(root)  # prunes the page chrome from root, so a logo <h1> is no title
    title = _page_title(root)
    main = trafilatura.extract(
        html,
        include_tables=True,
        include_comments=False,
        favor_recall=True,
        output_format="txt",
        prune_xpath=_CHROME_XPATH,
    )
    main = _unpipe_tables(main or "")
    too_little = _letter_count(main) < MIN_MAIN_TEXT_SHARE * _letter_count(dump)
    if too_little or len(dump) < SHORT_PAGE_CHARS:
        main = dump
    if title and not main.lstrip().startswith(title):
        main = f"{title}\n{main}"
    return main


def _page_title(root) -> str:
    """Text of the first <h1>, else of <title>; whitespace collapsed."""
    for xpath in ("//h1", "//title"):
        found = root.xpath(xpath)
        if found:
            title = " ".join(found[0].text_content().split())
            if title:
                return title
    return ""


def _letter_count(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def _unpipe_tables(text: str) -> str:
    """trafilatura's Markdown-style rows '| a | b |' become 'a | b'; the '|---|' rules go."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if _MARKDOWN_RULE_RE.match(stripped):
            continue
        if len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
            line = stripped[1:-1].strip()
        lines.append(line)
    return "\n".join(lines)


def body_dump(root) -> str:
    """Text of <body> minus scripts, styles and page chrome; blocks on lines, cells tab-joined."""
    body = root.find("body")
    body = body if body is not None else root
    for element in body.xpath(f"{_INVISIBLE_XPATH} | {_CHROME_XPATH}"):
        element.drop_tree()
    for element in body.iter():
        _mark_layout(element)
    lines = (_tidy_line(line) for line in body.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _mark_layout(element) -> None:
    """Collapse HTML whitespace, then add a newline around blocks and a tab after table cells."""
    if not isinstance(element.tag, str):  # comments and processing instructions
        element.tail = _collapse(element.tail)
        return
    element.text = _collapse(element.text)
    element.tail = _collapse(element.tail)
    tag = element.tag.lower()
    if tag in _BLOCK_TAGS:
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    elif tag in ("td", "th"):
        element.tail = "\t" + (element.tail or "")


def _collapse(text: str | None) -> str | None:
    return None if text is None else re.sub(r"\s+", " ", text)


def _tidy_line(line: str) -> str:
    """Single spaces, no space around tabs, no tabs at the ends."""
    cells = [" ".join(cell.split()) for cell in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    while cells and not cells[0]:
        cells.pop(0)
    return "\t".join(cells)


# --- DOCX -------------------------------------------------------------------------------------


def docx_text(data: bytes, path: Path) -> str:
    """Paragraphs and table rows in document order; one line per paragraph and per row."""
    check_zip_directory(data, Path(path).name, "DOCX")
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds for a damaged file
        raise UnreadableFileError(
            f"{Path(path).name}: не удалось открыть документ DOCX / "
            f"cannot open DOCX document ({error})"
        ) from error
    lines, length, limit = [], 0, current_limits().document_chars
    for block in document.iter_inner_content():
        new_lines = _table_rows(block) if isinstance(block, Table) else [block.text]
        lines.extend(new_lines)
        length += sum(len(line) + 1 for line in new_lines)
        if length > limit:  # stop early: the rest of a paragraph bomb is never walked
            check_document_chars("\n".join(lines), Path(path).name)
    return "\n".join(lines)


def _table_rows(table: Table) -> list[str]:
    """Each row as its cells' text joined by tabs; a cell spanning several columns counts once."""
    rows = []
    for row in table.rows:
        cells, previous = [], None
        for cell in row.cells:
            if cell is not previous:  # python-docx repeats the same object for a merged span
                cells.append(" ".join(cell.text.split()))
            previous = cell
        rows.append("\t".join(cells))
    return rows


# --- PDF --------------------------------------------------------------------------------------


def pdf_text(data: bytes, path: Path) -> str:
    """The text layer of every page, pages separated by a blank line."""
    name = Path(path).name
    try:
        pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
    except FileNotDecryptedError as error:
        raise UnreadableFileError(
            f"{name}: PDF защищён паролем / PDF is password-protected"
        ) from error
    except Exception as error:  # pypdf raises many kinds for a damaged file
        raise UnreadableFileError(
            f"{name}: не удалось прочитать PDF / cannot read PDF ({error})"
        ) from error
    if not pages:
        raise UnreadableFileError(f"{name}: в PDF нет страниц / PDF has no pages")
    if not any(page.strip() for page in pages):
        raise UnreadableFileError(f"{name}: в PDF нет текстового слоя / PDF has no text layer")
    return "\n\n".join(page.strip("\n") for page in pages)
