"""Practice links, round 4 (issue 10): who teaches and who learns from the roles in the sentence,
and regions named together without a transfer. Every text here is written for this test; the
bodies, people and dates are invented. See tests/extraction_dev_d/LINK_ERRORS_ROUND4.md."""

from __future__ import annotations

import pytest

from loaders.text.extract import extract_document


def _links(text: str) -> set[tuple[str, str]]:
    return {(link.from_region, link.to_region) for link in extract_document(text).practice_links}


@pytest.mark.parametrize(
    "text, links",
    [
        pytest.param(
            "Вологда, 2 июня 2025\n\nВ Вологде прошёл семинар для школьных лесничеств. Занятия "
            "провели специалисты из Архангельской области.",
            {("RU-ARK", "RU-VLG")},
            id="experts after their verb",
        ),
        pytest.param(
            "Киров, 9 июня 2025\n\nЭксперты из Удмуртии научили кировских волонтёров вести учёт "
            "птиц.",
            {("RU-UD", "RU-KIR")},
            id="experts taught the object's region",
        ),
        pytest.param(
            "Курган, 4 июня 2025\n\nКурганская область пригласила специалистов из Челябинска: "
            "те рассказали о раздельном сборе в сельских школах.",
            {("RU-CHE", "RU-KGN")},
            id="the inviter learns from invited experts",
        ),
        pytest.param(
            "Липецк, 5 мая 2025\n\nЛипецкие экоактивисты переняли у воронежцев систему сбора "
            "батареек. Их куратор Пётр Иванович Смирнов доволен.",
            {("RU-VOR", "RU-LIP")},
            id="resident noun as the source, a patronymic is no region",
        ),
        pytest.param(
            "Тула, 8 мая 2025\n\nТульские волонтёры переняли у калужских коллег схему "
            "наставничества.",
            {("RU-KLU", "RU-TUL")},
            id="practice noun off the old list",
        ),
        pytest.param(
            "Томск, 12 мая 2025\n\nПо новосибирскому образцу в Томске и Северске проводят конкурс "
            "малых грантов.",
            {("RU-NVS", "RU-TOM")},
            id="owner adjective inside the cue, a listed place is no source",
        ),
        pytest.param(
            "Самара, 13 мая 2025\n\nКоллеги из Оренбурга знакомились с самарской моделью "
            "закрепления берегов.",
            {("RU-SAM", "RU-ORE")},
            id="owner adjective after «с»",
        ),
        pytest.param(
            "Уфа, 10 мая 2025\n\nБашкирский проект «Чистые родники» тиражируют в Оренбургской "
            "области и в Удмуртии.",
            {("RU-BA", "RU-ORE"), ("RU-BA", "RU-UD")},
            id="every place of a spread list",
        ),
        pytest.param(
            "Тюмень, 11 мая 2025\n\nТюменская модель поддержки ТОС уже два года используется и в "
            "Курганской области.",
            {("RU-TYU", "RU-KGN")},
            id="a practice of one region used in another",
        ),
        pytest.param(
            "Томск, 6 мая 2025\n\nТомичи переняли у новосибирцев формат грантового конкурса. "
            "Новосибирцы, в свою очередь, намерены осенью изучить томскую практику уличных "
            "библиотек.",
            {("RU-NVS", "RU-TOM")},
            id="resident nouns; a study only intended makes no link",
        ),
    ],
)
def test_teacher_and_learner_from_the_roles(text, links):
    assert _links(text) == links


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Петрозаводск, 9 июля 2025\n\nРеспублика Карелия приняла делегации Мурманской и "
            "Архангельской областей на фестивале волонтёрских команд. Участники соревновались в "
            "ориентировании.",
            id="delegations welcomed at a festival",
        ),
        pytest.param(
            "Москва, 20 ноября 2025\n\nНа всероссийском форуме в Москве делегация Тамбовской "
            "области презентовала свой проект экологических троп.",
            id="a region presents at a forum",
        ),
        pytest.param(
            "Казань, 3 марта 2025\n\nНа всероссийском форуме в Казани специалисты из Москвы "
            "провели мастер-класс для участников из сорока регионов.",
            id="a master class at a forum of many regions",
        ),
        pytest.param(
            "Тверь, 3 июня 2025\n\nФедеральный проект раздельного сбора масштабируют на "
            "Смоленскую область.",
            id="a federal programme spread to a region",
        ),
        pytest.param(
            "Ижевск, 5 мая 2025\n\nДелегация Кировской области приехала в Ижевск на молодёжный "
            "фестиваль для обмена опытом. Гости посмотрели концерт.",
            id="exchange as the aim of a festival trip",
        ),
        pytest.param(
            "Омск, 2 марта 2025\n\nОмская и Тюменская области подписали соглашение об обмене "
            "опытом в сфере молодёжной политики.",
            id="exchange as the topic of an agreement",
        ),
        pytest.param(
            "Хабаровск, 4 апреля 2025\n\nСоглашение Хабаровского края и Приморья предусматривает "
            "взаимные стажировки инспекторов. Представители Приморья подключились к подписанию "
            "из Владивостока.",
            id="internships an agreement only promises",
        ),
        pytest.param(
            "Рязань, 18 июля 2025\n\nГлава Рязанской области посетил Белгородскую область с "
            "целью обмена опытом. Гостю показали новую школу.",
            id="exchange as the aim of a governor's trip",
        ),
    ],
)
def test_regions_named_together_without_a_transfer(text):
    assert _links(text) == set()


def test_experts_found_by_syntax_make_the_story_practice_sharing():
    text = (
        "Саратов, 14 апреля 2025\n\nВ Саратове прошёл двухдневный семинар для руководителей "
        "экологических отрядов. Практические занятия провели тренеры из Самарской области."
    )
    extraction = extract_document(text)
    assert {(link.from_region, link.to_region) for link in extraction.practice_links} == {
        ("RU-SAM", "RU-SAR")
    }
    assert extraction.genre == "practice_sharing"


def test_invited_experts_teach_only_where_a_lesson_is_told():
    taught = (
        "Курган, 4 июня 2025\n\nКурганская область пригласила экспертов из Челябинска. Они "
        "провели семинар для сельских библиотекарей."
    )
    inspected = (
        "Волгоград, 3 марта 2025\n\nМинистерство пригласило экспертов из Санкт-Петербурга для "
        "проверки очистных сооружений."
    )
    assert _links(taught) == {("RU-CHE", "RU-KGN")}
    assert _links(inspected) == set()
