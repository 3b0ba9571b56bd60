"""Places in Russian text, one failure mode per test (sentences written for these tests), and the
one
geocoder shared by tables and documents, with its ambiguity flag stored."""

import duckdb
import pytest

from loaders.geo.gazetteer import gazetteer
from loaders.geo.geocode import choose_settlement, geocode
from loaders.pipeline.ingest import ingest_documents
from loaders.pipeline.load_tables import load_tables
from loaders.text.places import extract_places


def places_in(text: str) -> tuple[set[str], set[str]]:
    """(settlement names, region codes) read from a text, as the scorer counts them."""
    mentions, _ = extract_places(text)
    cities = {m.name for m in mentions if m.kind == "settlement" and m.name}
    regions = {
        m.region_code for m in mentions if m.kind in ("settlement", "region") and m.region_code
    }
    return cities, regions


# ---------------------------------------------------------------- 1. region lists


def test_mixed_list_splits_at_each_head_noun_and_leaves_no_village():
    cities, regions = places_in(
        "На фестиваль приехали делегации Алтайского, Забайкальского краёв, Томской, Ивановской, "
        "Калужской областей и Республики Марий Эл."
    )
    assert regions == {"RU-ALT", "RU-ZAB", "RU-TOM", "RU-IVA", "RU-KLU", "RU-ME"}
    assert cities == set()  # no «Алтайское» or «Ивановское» from a leftover adjective


def test_list_without_and_across_a_line_break():
    _, regions = places_in("Среди гостей были волонтёры Липецкой,\nОрловской, Брянской областей.")
    assert regions == {"RU-LIP", "RU-ORL", "RU-BRY"}


def test_adjective_must_agree_with_its_head_noun():
    """«Вологодского» is masculine: with «областей» it makes no region, and is not read as one."""
    _, regions = places_in("Приехали гости из Вологодского, Курской и Орловской областей.")
    assert regions == {"RU-KRS", "RU-ORL"}


def test_oblique_form_whose_dictionary_lemma_differs():
    _, regions = places_in("Делегация Тверской области привезла саженцы.")
    assert regions == {"RU-TVE"}


def test_informal_areas_and_federal_districts_are_no_regions():
    cities, regions = places_in(
        "Проект объединил школы Среднего Урала, Зауралья и Кавминвод, а позже к нему подключились "
        "команды ПФО и Северного Кавказа."
    )
    assert (cities, regions) == (set(), set())


# ---------------------------------------------------------------- 5. settlements


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Саженцы высадили в пос. Уралец.", {"Уралец"}),
        ("Субботник прошёл в пгт Ахтырский.", {"Ахтырский"}),
        ("Ярмарку провели в ст-це Елизаветинской.", {"Елизаветинская"}),
        ("Лагерь разбили под Ессентуками, второй — около Пятигорска.", {"Ессентуки", "Пятигорск"}),
        ("Эковолонтёры работали у Гусиноозёрска.", {"Гусиноозёрск"}),
    ],
)
def test_settlement_cues(text, expected):
    assert places_in(text)[0] == expected


def test_hyphen_and_space_spellings_are_one_place():
    cities, _ = places_in(
        "Экспедиция вернулась в посёлок Мыс Каменный; школьники Мыс-Каменного встретили её."
    )
    assert cities == {"Мыс-Каменный"}


@pytest.mark.parametrize(
    "written, name",
    [
        ("Совещание прошло в Сергиевом Посаде.", "Сергиев Посад"),
        ("Гости приехали из Великих Лук.", "Великие Луки"),
        ("Акцию повторят в Каменске-Уральском.", "Каменск-Уральский"),
        ("Лесники из Николаевска-на-Амуре присоединились.", "Николаевск-на-Амуре"),
    ],
)
def test_multi_word_names_in_oblique_cases(written, name):
    assert places_in(written)[0] == {name}


def test_regional_centre_is_the_capital_of_the_region_in_question():
    cities, _ = places_in(
        "Фестиваль Калужской области шёл три дня. Финал состоялся в областном центре."
    )
    assert cities == {"Калуга"}


def test_a_body_called_regional_centre_is_no_city():
    cities, _ = places_in(
        "Организатор — Вологодский областной центр «Родник» при поддержке Вологодской области."
    )
    assert "Вологда" not in cities


def test_capitalised_common_words_and_institutions_are_no_settlements():
    cities, _ = places_in(
        "Выставка открылась в зале Центральной библиотеки, а мастер-класс прошёл в микрорайоне "
        "Южный на берегу реки Иня."
    )
    assert cities == set()


def test_names_listed_after_a_settlement_are_settlements():
    cities, _ = places_in("Приехали команды Арзамаса, Выксы, Кстова и Павлова.")
    assert {"Арзамас", "Выкса", "Кстово"} <= cities


def test_the_ends_of_a_spread_across_the_country_are_no_places():
    cities, _ = places_in("Наши партнёры есть везде — от Калининграда до Владивостока.")
    assert cities == set()


# ---------------------------------------------------------------- 6. same names


def test_a_namesake_outside_the_named_region_does_not_win():
    mentions, _ = extract_places("В Кировской области жители Советска высадили ели.")
    sovetsk = next(m for m in mentions if m.name == "Советск")
    assert sovetsk.region_code == "RU-KIR"  # not the larger Советск of Kaliningrad
    assert any("RU-KGD" in alternative for alternative in sovetsk.alternatives)


def test_a_small_namesake_near_other_places_does_not_beat_a_large_city():
    mentions, _ = extract_places("Делегации из Самары и Волжского обсудили экотропы.")
    volzhsky = next(m for m in mentions if m.name == "Волжский")
    assert volzhsky.region_code == "RU-VGG" and volzhsky.ambiguous


def test_unless_the_text_says_it_is_a_village():
    mentions, _ = extract_places("Делегации из Самары и пос. Волжский обсудили экотропы.")
    volzhsky = next(m for m in mentions if m.name == "Волжский")
    assert volzhsky.region_code == "RU-SAM"


def test_crimean_towns_are_in_the_gazetteer():
    cities, regions = places_in("Квест прошёл в Евпатории и Ялте, финал — в Севастополе.")
    assert cities == {"Евпатория", "Ялта", "Севастополь"}
    assert regions == {"RU-CR", "RU-SEV"}


# ---------------------------------------------------------------- one geocoder


def test_tables_and_documents_choose_by_the_same_rules():
    candidates = gazetteer().candidates("Советск")
    by_table = geocode("Советск", "RU-KIR")
    by_document = choose_settlement(candidates, {"RU-KIR"})
    assert by_table.settlement == by_document.settlement
    assert by_table.region_code == "RU-KIR"
    without_region = geocode("Волжский")
    assert without_region.region_code == "RU-VGG"
    assert geocode("Первомайский").ambiguous


def test_ambiguity_flag_and_alternatives_are_stored_for_tables(tmp_path):
    table = tmp_path / "events.csv"
    table.write_text(
        "Дата,Мероприятие,Тип,Город,Регион\n"
        "14.10.2023,Акция у родника,акция,Первомайский,\n"
        "15.10.2023,Форум,форум,Советск,Кировская область\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.duckdb"
    load_tables([table], db)
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute(
            "SELECT mention, is_ambiguous, len(alternatives), region_code FROM places ORDER BY "
            "mention"
        ).fetchall()
    assert rows[0][0] == "Первомайский" and rows[0][1] is True and rows[0][2] > 1
    assert rows[1][:2] == ("Советск", False) and rows[1][3] == "RU-KIR"


def test_ambiguity_flag_is_stored_for_documents(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "note.txt").write_text(
        "Акция у родника\n\n12 мая 2024 года жители Первомайского очистили родник. "
        "В субботу к ним присоединились волонтёры из Самары.",
        encoding="utf-8",
    )
    db = tmp_path / "d.duckdb"
    ingest_documents([folder], db, workers=1)
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = dict(
            connection.execute("SELECT settlement_name, is_ambiguous FROM places").fetchall()
        )
    assert rows["Самара"] is False
    assert rows["Первомайский"] is True


def test_a_name_inside_a_short_quoted_title_is_no_settlement():
    cities, _ = places_in("Кубок взяла команда «Октябрьский», второй стала команда из Уфы.")
    assert cities == {"Уфа"}


def test_a_village_own_name_beats_a_town_old_name():
    """«Капустин Яр» is a village and also an old name of Знаменск."""
    assert places_in("Саженцы привезли из с. Капустин Яр.")[0] == {"Капустин Яр"}


def test_a_federal_district_spelled_out_is_no_place_and_no_warning():
    mentions, unresolved = extract_places(
        "Форум собрал гостей из Приволжского федерального округа."
    )
    assert mentions == [] and unresolved == []


def test_a_tiny_uncued_namesake_far_from_the_named_region_is_dropped():
    far, _ = places_in("Акцию в Калининградской области поддержали жители Мыс-Каменного.")
    near, _ = places_in("Акцию на Ямале поддержали жители Мыс-Каменного.")
    said, _ = places_in("Акцию в Калининградской области поддержали жители пос. Мыс-Каменный.")
    assert far == set() and near == said == {"Мыс-Каменный"}
