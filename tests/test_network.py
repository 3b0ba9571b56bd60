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


def _reference_pagerank(graph, damping: float) -> dict[str, float]:
    """The leading left eigenvector of networkx's Google matrix, scaled to sum 1 (numpy only)."""
    import networkx as nx
    import numpy as np

    nodes = sorted(graph.nodes)
    google = nx.google_matrix(graph, alpha=damping, nodelist=nodes, weight="weight")
    values, vectors = np.linalg.eig(np.asarray(google).T)
    leading = np.real(vectors[:, np.argmax(np.real(values))])
    leading = leading / leading.sum()
    return dict(zip(nodes, leading))


# Six regions, unequal weights, a 3-cycle, a two-way pair, a region nobody learns from and one that
# teaches nobody (a dangling node, whose rank is spread evenly).
WEIGHTED = pd.DataFrame(
    [
        (f"l{i}", source, target)
        for i, (source, target, weight) in enumerate(
            [
                ("A", "B", 3),
                ("B", "C", 1),
                ("C", "A", 2),
                ("A", "D", 1),
                ("D", "A", 4),
                ("E", "C", 5),
                ("E", "B", 1),
                ("C", "F", 2),
            ]
        )
        for _ in range(weight)
    ],
    columns=["link_id", "from_region", "to_region"],
).assign(
    link_id=lambda t: [f"{link}_{n}" for n, link in enumerate(t["link_id"])],
    evidence_type="other",
    practice="p",
    date_start=pd.NaT,
)


@pytest.mark.parametrize("damping", [0.85, 0.5])
def test_weighted_pagerank_matches_the_google_matrix_eigenvector(damping):
    graph = network.build_graph(WEIGHTED)
    assert graph["E"]["C"]["weight"] == 5 and graph.out_degree("F") == 0
    ranks = network.weighted_pagerank(graph, damping=damping)
    reference = _reference_pagerank(graph, damping)
    assert ranks.keys() == reference.keys()
    for node in reference:
        assert ranks[node] == pytest.approx(reference[node], abs=1e-8), node
    # not uniform: the weights matter (C gets most, E, whom nobody teaches, least)
    assert max(ranks, key=ranks.get) == "C" and min(ranks, key=ranks.get) == "E"


def test_region_metrics_rank_who_is_learned_from_on_the_reversed_graph():
    graph = network.build_graph(WEIGHTED)
    metrics = network.region_metrics(graph).set_index("region_code")
    reference = _reference_pagerank(graph.reverse(copy=True), 0.85)
    for node, value in reference.items():
        assert metrics.loc[node, "pagerank"] == pytest.approx(value, abs=5e-5), node


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
