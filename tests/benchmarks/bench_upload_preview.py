"""Benchmark: upload-to-preview of a 5-page .docx (the Загрузка page's wait before the preview shows).

    python tests/benchmarks/bench_upload_preview.py [--runs 5] [--db PATH]

The document is generated here with python-docx from this project's own sentences: five sections, each
ended by a page break, ~2,800 characters per page, with events, an agreement and a practice-sharing
paragraph. Timed: preview_upload (content check, docx reading, extraction, schema checks, matching against the
store) - the first run in a fresh process (models loading), the first run of a fresh process after
loaders.upload.warm_up() (the Загрузка page warms up when it opens), and the median of later runs. The store is
the demo store (built into a temporary folder if --db is not given).
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

CITIES = [
    ("Сургуте", "Сургут"),
    ("Тюмени", "Тюмень"),
    ("Кемерове", "Кемерово"),
    ("Ханты-Мансийске", "Ханты-Мансийск"),
    ("Новокузнецке", "Новокузнецк"),
]
MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "сентября", "октября", "ноября"]


def page_paragraphs(page: int) -> list[str]:
    """About 2,800 characters of report-like text for one page (our own wording)."""
    locative, city = CITIES[page % len(CITIES)]
    paragraphs = [f"Раздел {page + 1}. Мероприятия общественных советов"]
    for item in range(4):
        day = 3 + 5 * item + page
        month = MONTHS[(page + item) % len(MONTHS)]
        paragraphs.append(
            f"{day} {month} 2024 года в {locative} прошёл круглый стол «Зелёный двор – {item + 1}». "
            f"Участники обсудили раздельный сбор отходов, озеленение дворов и работу волонтёрских "
            f"штабов. В обсуждении приняли участие {40 + 10 * item} человек: представители "
            f"общественных советов, территориального общественного самоуправления, школ и "
            f"управляющих компаний города {city}. По итогам встречи подготовлены предложения для "
            f"муниципальной программы благоустройства и план совместных субботников на сезон."
        )
    paragraphs.append(
        f"В {locative} подписано соглашение о сотрудничестве между общественной палатой региона, "
        f"ассоциацией территориального общественного самоуправления и молодёжным центром. Стороны "
        f"договорились проводить совместные экологические акции и обмениваться опытом."
    )
    paragraphs.append(
        "Опыт соседних регионов по созданию ресурсных центров для добровольцев изучен и будет "
        "применён при подготовке плана на следующий год; итоги обсудят на очередном заседании."
    )
    return paragraphs


def five_page_docx() -> bytes:
    import docx

    document = docx.Document()
    for page in range(5):
        for paragraph in page_paragraphs(page):
            document.add_paragraph(paragraph)
        if page < 4:
            document.add_page_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def first_upload_after_warm_up(db: Path) -> float:
    """The first upload of a new process after warm_up() (what the Загрузка page does on open)."""
    import subprocess
    import sys

    code = (
        "import sys, tempfile, time; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        "from bench_upload_preview import five_page_docx; "
        "from loaders.upload import preview_upload, warm_up; "
        "data = five_page_docx(); warm_up(); folder = Path(tempfile.mkdtemp()); "
        "started = time.perf_counter(); "
        "preview = preview_upload('x.docx', data, folder / 'w', Path(sys.argv[2])); "
        "assert preview.error is None, preview.error; print(time.perf_counter() - started)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    from loaders.upload import preview_upload

    data = five_page_docx()
    with tempfile.TemporaryDirectory() as folder:
        db = args.db
        if db is None:
            from loaders.build.demo import build_demo_database

            db = Path(folder) / "demo.duckdb"
            build_demo_database(db)
        timings, previews = [], []
        for run in range(args.runs + 1):
            started = time.perf_counter()
            preview = preview_upload(f"отчёт-{run}.docx", data, Path(folder) / f"work{run}", db)
            timings.append(time.perf_counter() - started)
            previews.append(preview)
        after_warm_up = first_upload_after_warm_up(db)
    last = previews[-1]
    assert last.error is None, last.error
    print(f"docx: {len(data) / 1024:.0f} KB, 5 pages, {len(last.text)} characters of text")
    print(
        f"facts in the preview: {len(last.facts)} ({last.facts['entity'].value_counts().to_dict()})"
    )
    print(f"first upload in a fresh process, nothing loaded: {timings[0]:.2f} s")
    print(
        f"first upload in a fresh process after warm_up() (the page's case): {after_warm_up:.2f} s"
    )
    print(
        f"median of the next {args.runs}: {statistics.median(timings[1:]):.2f} s "
        f"(max {max(timings[1:]):.2f} s)"
    )


if __name__ == "__main__":
    main()
