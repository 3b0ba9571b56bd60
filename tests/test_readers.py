"""Document readers: txt encodings, HTML main text and tables, DOCX order, PDF text layer,
errors."""

import docx
import pytest
from pypdf import PdfWriter

from loaders.read.documents import DOCUMENT_SUFFIXES, read_document
from loaders.read.textio import UnreadableFileError

NEWS = (
    "Субботник в Сургуте 14 октября 2023 года собрал двести горожан.\nВолонтёры убрали берег "
    "Оби — «чисто!»\n"
)
ROWS = [
    ("1", "14.10.2023", "Субботник на берегу Оби"),
    ("2", "21.10.2023", "Посадка кедров в сквере"),
    ("3", "28.10.2023", "Экологический урок в школе № 5"),
]

PAGE = """<!DOCTYPE html>
<html lang="ru"><head><meta charset="{charset}"><title>Новости | Портал Зелёный \
Сургут</title></head>
<body>
<header><div class="logo">Портал Зелёный Сургут</div><p>Телефон редакции: 8 800 \
000-00-00</p></header>
<nav><ul><li><a href="/">Главная страница</a></li><li><a href="/afisha">Афиша мероприятий</a></li>
<li><a href="/contacts">Контакты редакции</a></li></ul></nav>
<div class="ad">Купите пластиковые окна со скидкой прямо сейчас</div>
<article>
<h1>Субботник в Сургуте</h1>
<p>14 октября 2023 года в Сургуте прошёл&nbsp;большой городской субботник. Жители убрали берег Оби,
вывезли сорок мешков мусора и высадили тридцать молодых кедров у набережной.</p>
<p>Организаторами выступили волонтёры экологического центра «Чистая Обь» и администрация города.
Следующие встречи намечены на конец месяца, расписание приведено ниже.</p>
<table>
<tr><th>№</th><th>Дата</th><th>Мероприятие</th></tr>
{rows}
</table>
</article>
<footer>© Портал Зелёный Сургут, все права защищены</footer>
</body></html>
"""


def html_page(charset="utf-8"):
    rows = "\n".join(f"<tr><td>{n}</td><td>{d}</td><td>{t}</td></tr>" for n, d, t in ROWS)
    return PAGE.format(charset=charset, rows=rows)


def split_cells(line):
    """Cells of a table line, whichever separator (tab or ' | ') the reader used."""
    separator = "\t" if "\t" in line else " | "
    return [cell.strip() for cell in line.split(separator)]


def pdf_with_text(pages):
    """A real PDF with a Cyrillic text layer: Windows-1251 byte codes, a ToUnicode CMap, no font
    file needed."""
    # Adobe glyph names of А..Я, а..я for codes 192..255 (Ё/ё sit inside the afii numbering, after
    # Е/е)
    cyrillic = " ".join(
        f"/afii{first + i + (i >= 6)}" for first in (10017, 10065) for i in range(32)
    )
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        "2 beginbfrange\n<20> <7E> <0020>\n<C0> <FF> <0410>\nendbfrange\n"
        "3 beginbfchar\n<A8> <0401>\n<B8> <0451>\n<B9> <2116>\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    count = len(pages)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{' '.join(f'{5 + 2 * i} 0 R' for i in range(count))}] /Count "
        f"{count} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 255 "
        f"/Widths [{'560 ' * 224}] "
        "/ToUnicode 4 0 R /Encoding << /Type /Encoding "
        "/BaseEncoding /WinAnsiEncoding /Differences [168 /afii10023 184 /afii10071 /afii61352 "
        f"192 {cyrillic}] >> >>",
        cmap,
    ]
    for i, lines in enumerate(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {6 + 2 * i} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>"
        )
        shown = " ".join(f"<{line.encode('cp1251').hex()}> Tj T*" for line in lines)
        objects.append(f"BT /F1 12 Tf 16 TL 50 780 Td {shown} ET")
    return _pdf_file(objects, stream_numbers={4} | {6 + 2 * i for i in range(count)})


def _pdf_file(objects, stream_numbers):
    """Objects numbered from 1 into a PDF file with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        data = body.encode("latin-1")
        if number in stream_numbers:
            data = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, data)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_suffixes_cover_every_supported_format():
    assert DOCUMENT_SUFFIXES == {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}


def test_txt_in_utf8_and_cp1251_give_the_same_text(tmp_path):
    utf8, cp1251 = tmp_path / "news-utf8.txt", tmp_path / "news-1251.txt"
    utf8.write_bytes(NEWS.replace("\n", "\r\n").encode("utf-8"))
    cp1251.write_bytes(NEWS.encode("cp1251"))
    data, text = read_document(utf8)
    assert data == utf8.read_bytes()
    assert text == read_document(cp1251)[1] == NEWS.strip("\n")


def test_markdown_keeps_lines_and_drops_trailing_spaces(tmp_path):
    path = tmp_path / "заметка.md"
    path.write_text("# Субботник\u00a0в Сургуте   \n\n14 октября 2023 года  \n", encoding="utf-8")
    assert read_document(path)[1] == "# Субботник в Сургуте\n\n14 октября 2023 года"


def test_html_keeps_main_text_and_table_rows_and_drops_page_chrome(tmp_path):
    path = tmp_path / "news.html"
    path.write_text(html_page(), encoding="utf-8")
    data, text = read_document(path)
    assert data == path.read_bytes()
    lines = text.splitlines()
    assert lines[0] == "Субботник в Сургуте"
    assert (
        "14 октября 2023 года в Сургуте прошёл большой городской субботник." in text
    )  # &nbsp; → space
    assert "«Чистая Обь»" in text
    for chrome in (
        "Главная страница",
        "Афиша мероприятий",
        "Контакты редакции",
        "все права защищены",
        "пластиковые окна",
        "Телефон редакции",
    ):
        assert chrome not in text
    for row in ROWS:
        matching = [line for line in lines if row[1] in line]
        assert len(matching) == 1, (row, text)
        assert split_cells(matching[0]) == list(row)


def test_html_declared_windows_1251_is_decoded(tmp_path):
    path = tmp_path / "news-1251.htm"
    path.write_bytes(html_page(charset="windows-1251").encode("cp1251"))
    text = read_document(path)[1]
    assert text.splitlines()[0] == "Субботник в Сургуте"
    assert "высадили тридцать молодых кедров" in text


def test_short_html_falls_back_to_the_body_text(tmp_path):
    path = tmp_path / "short.html"
    path.write_text(
        "<html><head><title>Афиша</title><style>p {color: red}</style></head><body>"
        "<nav>Меню сайта</nav><p>Субботник в Сургуте.</p><script>var x = 'скрипт';</script>"
        "<table><tr><td>1</td><td> 14.10.2023 </td><td>Уборка берега</td></tr></table>"
        "<footer>Подвал</footer></body></html>",
        encoding="utf-8",
    )
    assert read_document(path)[1] == "Афиша\nСубботник в Сургуте.\n1\t14.10.2023\tУборка берега"


def test_docx_keeps_paragraphs_and_table_rows_in_document_order(tmp_path):
    document = docx.Document()
    document.add_heading("Отчёт о мероприятиях в Сургуте", level=1)
    document.add_paragraph("В октябре 2023 года прошли три экологические акции.")
    table = document.add_table(rows=0, cols=3)
    for row in ROWS:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value
    document.add_paragraph("Всего участвовало двести горожан.")
    path = tmp_path / "отчёт.docx"
    document.save(path)
    data, text = read_document(path)
    assert data == path.read_bytes()
    assert text.splitlines() == [
        "Отчёт о мероприятиях в Сургуте",
        "В октябре 2023 года прошли три экологические акции.",
        *("\t".join(row) for row in ROWS),
        "Всего участвовало двести горожан.",
    ]


def test_docx_merged_cells_appear_once(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Октябрь 2023"
    for cell, value in zip(table.rows[1].cells, ROWS[0]):
        cell.text = value
    path = tmp_path / "merged.docx"
    document.save(path)
    assert read_document(path)[1] == "Октябрь 2023\n" + "\t".join(ROWS[0])


def test_pdf_text_layer_with_cyrillic_pages_joined_by_blank_line(tmp_path):
    path = tmp_path / "отчёт.pdf"
    path.write_bytes(
        pdf_with_text(
            [
                ["Субботник в Сургуте", "14 октября 2023 года, ёлки и № 5"],
                ["Вторая страница отчёта"],
            ]
        )
    )
    data, text = read_document(path)
    assert data == path.read_bytes()
    assert text == "Субботник в Сургуте\n14 октября 2023 года, ёлки и № 5\n\nВторая страница отчёта"


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("скан.pdf", "blank-pdf", "нет текстового слоя / PDF has no text layer"),
        (
            "битый.pdf",
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog",
            "не удалось прочитать PDF / cannot read PDF",
        ),
        ("битый.docx", b"PK\x03\x04 this is not really a zip archive", "cannot open DOCX document"),
        ("таблица.xyz", b"1;2;3", "неподдерживаемый формат / unsupported format .xyz"),
        ("пусто.html", b"   \n", "пуст / file is empty"),
    ],
)
def test_unreadable_files_raise_errors_naming_the_file(tmp_path, name, content, fragment):
    path = tmp_path / name
    if content == "blank-pdf":
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.write(path)
    else:
        path.write_bytes(content)
    with pytest.raises(UnreadableFileError) as caught:
        read_document(path)
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert fragment in message
