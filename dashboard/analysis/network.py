"""The practice-sharing network between regions (networkx, no Streamlit).

Nodes are regions; a directed edge runs from the region whose practice is adopted to the adopting
region.
Its weight is the number of distinct pieces of evidence (practice links); every edge keeps its link
ids,
evidence types and first and last dates.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd


def build_graph(links: pd.DataFrame) -> nx.DiGraph:
    """links: link_id, from_region, to_region, evidence_type, date_start (may be empty)."""
    graph = nx.DiGraph()
    if links.empty:
        return graph
    frame = pd.DataFrame(
        {
            "from_region": links["from_region"].astype("string"),
            "to_region": links["to_region"].astype("string"),
            "link_id": links["link_id"],
            "evidence_type": links["evidence_type"].astype("string"),
            "date_start": links["date_start"],
        }
    )
    pair = ["from_region", "to_region"]
    edges = frame.groupby(pair, sort=True).agg(
        weight=("link_id", "nunique"),
        first=("date_start", "min"),
        last=("date_start", "max"),
    )
    evidence = (
        frame.dropna(subset=["evidence_type"])
        .drop_duplicates(pair + ["evidence_type"])
        .sort_values("evidence_type")
    )
    edges["evidence"] = evidence.groupby(pair)["evidence_type"].agg(list).reindex(edges.index)
    edges["evidence"] = [
        list(kinds) if hasattr(kinds, "__len__") else [] for kinds in edges["evidence"]
    ]  # NaN where none
    edges = edges.reset_index()
    for edge in edges.itertuples(index=False):
        graph.add_edge(
            edge.from_region,
            edge.to_region,
            weight=int(edge.weight),
            evidence=edge.evidence,
            first=None if pd.isna(edge.first) else edge.first,
            last=None if pd.isna(edge.last) else edge.last,
        )
    return graph


def weighted_pagerank(
    graph: nx.DiGraph, damping: float = 0.85, tolerance: float = 1e-10
) -> dict[str, float]:
    """PageRank with edge weights by power iteration (networkx's own needs scipy, which we do not
    ship).
    Dangling nodes spread their rank evenly."""
    nodes = sorted(graph.nodes)
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    size = len(nodes)
    matrix = np.zeros((size, size))
    for source, target, data in graph.edges(data=True):
        matrix[index[target], index[source]] += data.get("weight", 1)
    out_weight = matrix.sum(axis=0)
    dangling = out_weight == 0
    matrix[:, ~dangling] /= out_weight[~dangling]
    rank = np.full(size, 1 / size)
    for _ in range(200):
        updated = damping * (matrix @ rank + rank[dangling].sum() / size) + (1 - damping) / size
        if np.abs(updated - rank).sum() < tolerance:
            rank = updated
            break
        rank = updated
    return {node: float(rank[index[node]]) for node in nodes}


def region_metrics(graph: nx.DiGraph) -> pd.DataFrame:
    """Per region: evidence given (teaches) and received (learns), distinct partners, weighted
    PageRank
    (who is learned from, directly and through others) and community (modularity on the undirected
    graph)."""
    columns = [
        "region_code",
        "teaches",
        "learns",
        "teaches_to",
        "learns_from",
        "pagerank",
        "community",
    ]
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=columns)
    # PageRank on the reversed graph: a region scores high when many (and influential) regions learn
    # from it.
    rank = weighted_pagerank(graph.reverse(copy=False))
    communities = nx.community.greedy_modularity_communities(graph.to_undirected(), weight="weight")
    community_of = {
        node: index + 1
        for index, members in enumerate(sorted(communities, key=lambda c: (-len(c), min(c))))
        for node in members
    }
    rows = [
        {
            "region_code": node,
            "teaches": int(graph.out_degree(node, weight="weight")),
            "learns": int(graph.in_degree(node, weight="weight")),
            "teaches_to": graph.out_degree(node),
            "learns_from": graph.in_degree(node),
            "pagerank": round(rank[node], 4),
            "community": community_of[node],
        }
        for node in graph.nodes
    ]
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["pagerank", "region_code"], ascending=[False, True], ignore_index=True
    )


def edge_table(graph: nx.DiGraph) -> pd.DataFrame:
    """One row per edge, strongest first."""
    rows = [
        {
            "from_region": source,
            "to_region": target,
            "weight": data["weight"],
            "evidence": ", ".join(data["evidence"]),
            "first": data["first"],
            "last": data["last"],
        }
        for source, target, data in graph.edges(data=True)
    ]
    table = pd.DataFrame(
        rows, columns=["from_region", "to_region", "weight", "evidence", "first", "last"]
    )
    return table.sort_values(
        ["weight", "from_region", "to_region"], ascending=[False, True, True], ignore_index=True
    )


def practice_spread(links: pd.DataFrame) -> pd.DataFrame:
    """For every practice: the regions that adopted it, in the order they did (first dated
    evidence)."""
    columns = ["practice", "source_regions", "adopters", "first", "regions"]
    if links["date_start"].notna().sum() == 0:
        return pd.DataFrame(columns=columns)
    frame = (
        links.dropna(subset=["date_start"])
        .assign(
            from_region=lambda t: t["from_region"].astype("string"),
            to_region=lambda t: t["to_region"].astype("string"),
        )
        .sort_values(["date_start", "to_region"])
    )
    rows = []
    for practice, group in frame.groupby("practice", sort=True):
        first_adoption = group.drop_duplicates("to_region")
        rows.append(
            {
                "practice": practice,
                "source_regions": ", ".join(sorted(set(group["from_region"]))),
                "adopters": " → ".join(
                    f"{row.to_region} ({row.date_start:%m.%Y})"
                    for row in first_adoption.itertuples(index=False)
                ),
                "first": group["date_start"].min(),
                "regions": len(first_adoption),
            }
        )
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["regions", "practice"], ascending=[False, True], ignore_index=True
    )


def neighbours(links: pd.DataFrame, region: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The links by which a region learns (its teachers) and teaches (its learners)."""
    teachers = links[links["to_region"].astype("string") == region]
    learners = links[links["from_region"].astype("string") == region]
    return teachers, learners


def graph_from_edges(edges: pd.DataFrame) -> nx.DiGraph:
    """The network from the store's edge table (analysis.queries.network_edges: from_region,
    to_region, weight, evidence as ', '-joined labels, first, last): the same graph build_graph
    makes from the links themselves, without fetching them."""
    graph = nx.DiGraph()
    # in build_graph's order: community detection breaks ties by the order edges were added
    for edge in edges.sort_values(["from_region", "to_region"]).itertuples(index=False):
        graph.add_edge(
            edge.from_region,
            edge.to_region,
            weight=int(edge.weight),
            evidence=[kind for kind in str(edge.evidence or "").split(", ") if kind],
            first=None if pd.isna(edge.first) else edge.first,
            last=None if pd.isna(edge.last) else edge.last,
        )
    return graph


def spread_from_adoptions(adoptions: pd.DataFrame) -> pd.DataFrame:
    """practice_spread's table from the store's first adoptions (analysis.queries.
    practice_adoptions: practice, to_region, first, from_regions), one row per practice."""
    columns = ["practice", "source_regions", "adopters", "first", "regions"]
    if adoptions.empty:
        return pd.DataFrame(columns=columns)
    frame = adoptions.assign(first=pd.to_datetime(adoptions["first"])).sort_values(
        ["first", "to_region"]
    )
    rows = []
    for practice, group in frame.groupby("practice", sort=True):
        sources = {code for joined in group["from_regions"] for code in str(joined).split(", ")}
        rows.append(
            {
                "practice": practice,
                "source_regions": ", ".join(sorted(sources)),
                "adopters": " → ".join(
                    f"{row.to_region} ({row.first:%m.%Y})" for row in group.itertuples(index=False)
                ),
                "first": group["first"].min(),
                "regions": len(group),
            }
        )
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["regions", "practice"], ascending=[False, True], ignore_index=True
    )
