"""Hostile input files, generated on the fly (no committed binaries): bombs, encodings, injections.

The document and table texts are our own words.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

GOOD_DOCUMENT = """Форум добровольцев «Тропа» в Сургуте

14 октября 2023 года в Сургуте (Ханты-Мансийский автономный округ — Югра) прошёл форум \
добровольцев «Тропа». В нём участвовали 120 человек из Нягани и Югорска.

Совет ТОС Кузбасса и Совет ТОС Югры подписали соглашение о сотрудничестве в Кемерове 20 ноября \
2023 года.
"""

GOOD_EVENTS_CSV = """Дата,Мероприятие,Город,Регион,Число участников
14.10.2023,Форум добровольцев,Югорск,Югра,80
15.11.2023,Субботник в сквере,Тюмень,Тюменская область,
"""

AGREEMENTS_CSV = """Дата,Число сторон,Стороны,Город,Регион,Предмет
14.07.2023,3,Фонд А; Центр Б; Администрация В,Югорск,Югра,экопросвещение
01.11.2023,2,Совет А; Совет Б,Кемерово,Кузбасс,обмен опытом
"""

LINKS_JSON = """[
  {"from_region": "Югра", "to_region": "Тюменская область", "practice": "волонтёрские центры",
   "date": "2023-05-01", "evidence": "adoption_statement"},
  {"from_region": "ХМАО", "to_region": "Кузбасс", "practice": "школа активиста",
   "date": "2023-10-20", "evidence": "internship"}
]
"""

# Text that would do something if a loader or a viewer interpreted it instead of storing it.
INJECTIONS = [
    "![x](https://tracker.invalid/pixel.png)",
    '<a href="https://evil.invalid">клик</a>',
    '=HYPERLINK("https://evil.invalid","отчёт")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "`код` **жирный** <script>alert(1)</script>",
]


def csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def minimal_docx(paragraphs: list[str]) -> bytes:
    """A real DOCX written by python-docx."""
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minimal_xlsx(rows: list[list]) -> bytes:
    """A real XLSX written by openpyxl."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_extra_parts(archive: bytes, parts: dict[str, bytes]) -> bytes:
    """The archive with more members added (deflated: zeros compress about a thousand to one)."""
    buffer = io.BytesIO(archive)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


def with_replaced_part(archive: bytes, name: str, data: bytes) -> bytes:
    """The archive with one member's content replaced."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(
                member.filename, data if member.filename == name else source.read(member)
            )
    return buffer.getvalue()


def docx_paragraph_bomb(paragraph_count: int) -> bytes:
    """A DOCX whose document.xml repeats one paragraph: tiny on disk, huge inflated."""
    archive = minimal_docx(["Семинар"])
    paragraph = (
        b"<w:p><w:r><w:t>\xd0\xa1\xd0\xb5\xd0\xbc\xd0\xb8\xd0\xbd\xd0\xb0\xd1\x80</w:t></w:r></w:p>"
    )
    body = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>" + paragraph * paragraph_count + b"</w:body></w:document>"
    )
    return with_replaced_part(archive, "word/document.xml", body)


def run_cli(
    *args: str, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """python -m loaders … in a fresh process, as a user would run it."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


HOLD_STORE = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
connection.close()
"""


def hold_store(db_path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the store for writing; returns once the lock is taken."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_STORE, str(db_path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "holding"
    return holder
