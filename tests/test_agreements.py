"""Agreement rules (issue 10): each test is one failure mode seen in real agreement pages
(tests/extraction_dev/PHRASINGS.md §9), on short texts written for the test."""

from __future__ import annotations

import datetime as dt

import pytest

from loaders.text.agreements import _key_words, extract_agreements
from loaders.text.document import annotate, document_date


def _agreements(text: str) -> list[tuple[str | None, int | None]]:
    return [
        (a.date.start.isoformat() if a.date else None, a.parties_count)
        for a in extract_agreements(annotate(text))
    ]


PAGE = "Вестник области\n14.09.2023\n\n"


def test_plural_with_a_partner_list_is_one_bilateral_agreement_per_partner():
    text = PAGE + (
        "12 сентября министерство молодёжной политики Томской области подписало соглашения о "
        "сотрудничестве с фондом «Сибирский кедр», АНО «Чистая Томь» и Томским центром "
        "добровольчества."
    )
    assert _agreements(text) == [("2023-09-12", 2)] * 3


def test_a_plural_without_partners_is_a_count_not_agreements():
    text = PAGE + "За год министерство подписало соглашения с представителями 12 организаций."
    assert _agreements(text) == []


def test_a_count_heading_a_list_admits_items_with_the_verb_elided():
    text = PAGE + (
        "Два соглашения о сотрудничестве подписаны на форуме в Томске:\n"
        "министр экологии области и директор фонда «Кедр» подписали соглашение между "
        "министерством и фондом;\n"
        "ректор университета и глава Северска — соглашение между вузом и администрацией города.\n"
    )
    assert _agreements(text) == [("2023-09-14", 2), ("2023-09-14", 2)]


def test_another_agreement_is_not_merged_into_the_first():
    text = "Архангельск, 19 июня 2023\n\n" + (
        "На форуме губернатор и председатель фонда «Полярная звезда» подписали соглашение о "
        "сотрудничестве. На форуме было подписано ещё одно соглашение — с фондом «Беломорье»."
    )
    assert _agreements(text) == [("2023-06-19", 2), ("2023-06-19", 2)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Ректор и председатель отделения договорились о подписании соглашения о сотрудничестве.",
        "Проект соглашения о сотрудничестве направлен юристам обеих организаций.",
        "Делегация области планирует подписать меморандум с Росприроднадзором.",
        "Губернатор и глава республики подписали план мероприятий в рамках соглашения о "
        "сотрудничестве регионов.",
        "Первое соглашение центр и фонд заключили в 2021 году.",
        "Подобные соглашения город уже заключил с Самарой и Уфой.",
    ],
)
def test_intents_plans_and_past_agreements_are_not_agreements(sentence):
    assert _agreements(PAGE + sentence) == []


def test_what_a_relative_clause_plans_does_not_unsign_the_agreement():
    text = PAGE + (
        "Минэкологии области и комитет по экологии республики заключили соглашение о "
        "сотрудничестве, в рамках которого планируется работа по созданию новых заказников."
    )
    assert _agreements(text) == [("2023-09-14", 2)]


def test_the_date_of_a_follow_up_sentence_beats_the_page_date():
    text = PAGE + (
        "Правительство Томской области и Сибирское управление гидрометслужбы заключили "
        "соглашение о сотрудничестве. Документ подписан во вторник, 12 сентября, в Томске."
    )
    assert _agreements(text) == [("2023-09-12", 2)]


def test_parties_after_the_verb_are_read_with_the_syntax_parser():
    text = PAGE + (
        "Соглашение о взаимодействии в области охраны окружающей среды и экологического "
        "просвещения подписали министр природных ресурсов и экологии Томской области и его "
        "алтайский коллега."
    )
    assert _agreements(text) == [("2023-09-14", 2)]


@pytest.mark.parametrize(
    ("sentence", "parties"),
    [
        (
            "10 сентября 2023 г. руководителем Западно-Сибирского управления гидрометслужбы и "
            "губернатором Томской области подписано соглашение о сотрудничестве.",
            2,
        ),
        (
            "10 сентября 2023 года эколого-биологический центр Томской области совместно с "
            "центром защиты леса Кемеровской области заключили соглашение о сотрудничестве.",
            2,
        ),
        (
            "Главным событием дня стало подписание 10 сентября в Томске соглашения о "
            "сотрудничестве Томского союза студентов и молодёжной организации «Речной патруль».",
            2,
        ),
        (
            "Соглашение подписано 10 сентября между властями Петербурга, Ленинградской, Псковской "
            "и Новгородской областей, а также Республики Карелия.",
            5,
        ),
        (
            "10 сентября в ходе форума «Томский калий», «Сибхимпром» и Томское отделение "
            "Всероссийского общества охраны природы заключили соглашение о сотрудничестве.",
            3,
        ),
    ],
)
def test_parties_are_counted_in_every_voice(sentence, parties):
    assert _agreements(PAGE + sentence) == [("2023-09-10", parties)]


def test_a_restatement_with_signatories_is_the_same_agreement():
    text = PAGE + (
        "Правительство Томской области подписало соглашение с Всероссийским обществом охраны "
        "природы. Соглашение о сотрудничестве подписали глава региона и председатель ВООП."
    )
    assert _agreements(text) == [("2023-09-14", 2)]
    assert _key_words("Всероссийским обществом охраны природы") & _key_words("председатель ВООП")
    assert "<government>" in _key_words("глава региона")


def test_two_partners_in_one_paragraph_are_two_agreements():
    text = PAGE + (
        "Губернатор подписал соглашение с Российским экологическим оператором. Министр "
        "природопользования заключил соглашение с Томским государственным университетом."
    )
    assert _agreements(text) == [("2023-09-14", 2), ("2023-09-14", 2)]


def test_a_digest_agreement_keeps_its_own_date():
    text = "Итоги недели\n22.04.2024\n\n" + (
        "14 апреля в Миассе прошёл субботник на берегу озера.\n"
        "18 апреля министерство экологии области и АНО «Чистый Урал» подписали соглашение о "
        "сотрудничестве.\n"
        "20 апреля в Челябинске состоялся форум школьных лесничеств.\n"
    )
    assert _agreements(text) == [("2024-04-18", 2)]


def test_a_decree_date_is_neither_the_page_date_nor_the_agreements_year():
    text = "Культура Сочи\n05.12.2023\n\n" + (
        "Ежегодно 5 декабря отмечается День добровольца, установленный указом Президента от 27 "
        "ноября 2017 года.\n4 декабря состоялось подписание соглашения о сотрудничестве между "
        "управлением культуры и Сочинским филиалом университета."
    )
    assert document_date(text) == dt.date(2023, 12, 5)
    assert _agreements(text) == [("2023-12-04", 2)]


def test_every_agreement_carries_confidence_and_reason():
    text = PAGE + "Министерство и фонд «Кедр» подписали соглашение о сотрудничестве."
    (agreement,) = extract_agreements(annotate(text))
    assert 0 < agreement.confidence <= 0.95
    assert "subjects of the plural verb" in agreement.reason and "page date" in agreement.reason
