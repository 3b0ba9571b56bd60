"""Graph building and metrics on small hand-made graphs."""

import pandas as pd
import pytest

from dashboard.analysis import network

LINKS = pd.DataFrame(
    {
        "link_id": ["1", "2", "3", "4", "5"],
        "from_region": ["A", "A", "A", "B", "C"],
        "to_region": ["B", "B", "C", "C", "D"],
        "evidence_type": [
            "adoption_statement",
            "internship",
            "internship",
            "joint_event",
            "agreement",
        ],
        "practice": ["p1", "p1", "p1", "p2", "p1"],
        "date_start": pd.to_datetime(
            ["2023-01-10", "2023-05-01", "2023-03-01", "2023-06-01", "2023-09-01"]
        ),
    }
)


def test_edges_weighted_by_distinct_evidence():
    graph = network.build_graph(LINKS)
    assert graph["A"]["B"]["weight"] == 2 and graph["A"]["B"]["evidence"] == [
        "adoption_statement",
        "internship",
    ]
    table = network.edge_table(graph)
    assert table.iloc[0][["from_region", "to_region", "weight"]].tolist() == ["A", "B", 2]
    assert str(graph["A"]["B"]["first"].date()) == "2023-01-10"


def test_metrics_teachers_learners_and_pagerank():
    metrics = network.region_metrics(network.build_graph(LINKS)).set_index("region_code")
    assert metrics.loc["A", ["teaches", "learns", "teaches_to"]].tolist() == [3, 0, 2]
    assert metrics.loc["D", ["teaches", "learns"]].tolist() == [0, 1]
    assert metrics["pagerank"].idxmax() == "A"  # everyone learns from A, directly or through others
    assert metrics["pagerank"].sum() == pytest.approx(1.0, abs=1e-3)  # rounded to 4 decimals


def test_pagerank_of_a_symmetric_cycle_is_uniform():
    cycle = pd.DataFrame(
        {
            "link_id": ["1", "2", "3"],
            "from_region": ["A", "B", "C"],
            "to_region": ["B", "C", "A"],
            "evidence_type": ["other"] * 3,
            "practice": ["p"] * 3,
            "date_start": pd.NaT,
        }
    )
    ranks = network.weighted_pagerank(network.build_graph(cycle))
    assert all(value == pytest.approx(1 / 3, abs=1e-6) for value in ranks.values())


def test_communities_split_two_disconnected_pairs():
    pairs = pd.DataFrame(
        {
            "link_id": ["1", "2"],
            "from_region": ["A", "C"],
            "to_region": ["B", "D"],
            "evidence_type": ["other"] * 2,
            "practice": ["p"] * 2,
            "date_start": pd.NaT,
        }
    )
    metrics = network.region_metrics(network.build_graph(pairs)).set_index("region_code")
    assert (
        metrics.loc["A", "community"]
        == metrics.loc["B", "community"]
        != metrics.loc["C", "community"]
    )


def test_practice_spread_lists_adopters_in_date_order():
    spread = network.practice_spread(LINKS).set_index("practice")
    assert spread.loc["p1", "adopters"] == "B (01.2023) → C (03.2023) → D (09.2023)"
    assert spread.loc["p1", "regions"] == 3 and spread.loc["p2", "source_regions"] == "B"


def test_neighbours():
    teachers, learners = network.neighbours(LINKS, "C")
    assert sorted(teachers["from_region"]) == ["A", "B"] and list(learners["to_region"]) == ["D"]


def test_joint_event_links_from_guests_of_other_regions():
    events = pd.DataFrame(
        {
            "event_id": ["e1", "e2", "e3"],
            "title": ["Форум", "Квест", "Семинар"],
            "region_code": ["A", "A", None],
            "participant_cities": ["Гостев; Свой", "", "Гостев"],
            "date_start": pd.to_datetime(["2023-10-14"] * 3),
            "quarter": ["2023Q4"] * 3,
            "document_id": ["d1", "d2", "d3"],
        }
    )
    regions = {"Гостев": "B", "Свой": "A"}
    links = network.joint_event_links(events, regions.get)
    assert links[["from_region", "to_region", "evidence_type", "event_id"]].values.tolist() == [
        ["A", "B", "joint_event", "e1"]
    ]


def test_evidence_sources_quote_stored_links_themselves_and_derived_ones_from_their_event():
    """A table row typed «joint_event» has no event behind it: it is quoted from its own source."""
    links = pd.DataFrame(
        {
            "link_id": ["pl_1", "pl_2", "je_ev_9_RU-SVE"],
            "evidence_type": ["joint_event", "internship", "joint_event"],
            "event_id": [None, None, "ev_9"],
        }
    )
    stated, joint = network.evidence_sources(links)
    assert stated == ("pl_1", "pl_2")
    assert joint.to_dict("records") == [{"link_id": "je_ev_9_RU-SVE", "event_id": "ev_9"}]
    without_derived = network.evidence_sources(links.drop(columns="event_id").head(2))
    assert without_derived[0] == ("pl_1", "pl_2") and without_derived[1].empty
