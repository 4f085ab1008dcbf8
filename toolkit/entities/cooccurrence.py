"""Pairs of entities named in the same sentence, paragraph or article, and their graph (linked mentions → edges)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from toolkit._checks import renamed, require_choice
from toolkit.entities.counting import linked_only
from toolkit.schema import require_columns

#: Columns of :func:`cooccurrences` (``source``, ``target``: the two ends of an edge).
EDGE_COLUMNS = ["source", "target", "source_name", "target_name", "n", "n_articles"]
#: The units of text :func:`cooccurrences` counts pairs in.
UNITS = ("sentence", "paragraph", "article")
#: The former name of :data:`UNITS` (``cooccurrences(window=...)`` is now ``unit=``).
WINDOWS = UNITS


def cooccurrences(linked_mentions: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                  unit: str = "sentence", min_count: int = 1,
                  entity_types: Sequence[str] | None = None, window: str | None = None) -> pd.DataFrame:
    """Pairs of entities named in the same sentence, paragraph or article.

    Args:
        linked_mentions: ``mentions`` from :func:`link_entities` (needs ``article_id,
            entity_id, name``, and ``sentence_id`` for sentence and paragraph units).
            Mentions with a missing or negative ``sentence_id`` (outside any sentence) are
            left out of sentence and paragraph units.
        sentences: The ``sentences`` table (``article_id, sentence_id, paragraph_id``),
            where paragraph units look up each mention's paragraph; not needed when
            ``linked_mentions`` has a ``paragraph_id`` column.
        unit: The unit of text both entities must share: ``"sentence"``, ``"paragraph"``
            or ``"article"``.
        min_count: Keep pairs that share at least this many units.
        window: The former name of ``unit`` (FutureWarning).
        entity_types: Keep only entities of these types (both ends of a pair).

    Returns:
        One row per pair, ``EDGE_COLUMNS``: ``source``, ``target`` (str entity ids,
        ``source < target``, so each pair appears once), ``source_name``, ``target_name``
        (str), ``n`` (int, units naming both, ≥ 1), ``n_articles`` (int). Sorted by ``n``
        descending, then ``source``, ``target``.

    Raises:
        ValueError: an unknown ``unit``, a missing column, paragraph units without a
            ``paragraph_id`` column nor ``sentences``, or mentions whose sentence is not in
            ``sentences``.

    Example:
        >>> cooccurrences(linked.mentions, sentences=sentences, unit="paragraph").head()
    """
    if window is not None:
        unit = renamed("window", "unit", window, function="cooccurrences")
    require_choice(unit, UNITS, name="unit")
    require_columns(linked_mentions, ["article_id", "entity_id", "name"]
                    + (["sentence_id"] if unit != "article" else []), name="linked_mentions")
    if min_count < 1:
        raise ValueError(f"`min_count` must be >= 1, got {min_count!r}")
    linked = linked_only(linked_mentions, entity_types)
    if unit != "article":
        sentence_ids = pd.to_numeric(linked["sentence_id"], errors="coerce")
        linked = linked[sentence_ids.notna() & (sentence_ids >= 0)]
    if unit == "paragraph" and "paragraph_id" not in linked.columns:
        if sentences is None:
            raise ValueError("paragraph units need a `paragraph_id` column on `linked_mentions` "
                             "or the `sentences` table (sentences=...) to look it up")
        require_columns(sentences, ["article_id", "sentence_id", "paragraph_id"], name="sentences")
        linked = linked.merge(sentences[["article_id", "sentence_id", "paragraph_id"]],
                              on=["article_id", "sentence_id"], how="left")
        lost = linked["paragraph_id"].isna()
        if lost.any():
            pairs = linked.loc[lost, ["article_id", "sentence_id"]].drop_duplicates().head(3).to_dict("records")
            raise ValueError(f"{int(lost.sum())} mention(s) have a sentence missing from `sentences`, e.g. {pairs}")
    keys = {"sentence": ["article_id", "sentence_id"], "paragraph": ["article_id", "paragraph_id"],
            "article": ["article_id"]}[unit]
    present = linked[[*keys, "entity_id"]].drop_duplicates()
    pairs = present.merge(present, on=keys, suffixes=("_source", "_target"))
    pairs = pairs[pairs["entity_id_source"] < pairs["entity_id_target"]]
    edges = (pairs.groupby(["entity_id_source", "entity_id_target"])
             .agg(n=("article_id", "size"), n_articles=("article_id", "nunique"))
             .reset_index()
             .rename(columns={"entity_id_source": "source", "entity_id_target": "target"}))
    name_of = linked.drop_duplicates("entity_id").set_index("entity_id")["name"]
    edges = edges.assign(source_name=edges["source"].map(name_of), target_name=edges["target"].map(name_of))
    edges = edges[edges["n"] >= min_count].astype({"n": "int64", "n_articles": "int64"})
    edges = edges.astype({c: "str" for c in ("source", "target", "source_name", "target_name")})
    return edges.sort_values(["n", "source", "target"], ascending=[False, True, True], ignore_index=True)[EDGE_COLUMNS]


def cooccurrence_graph(edges: pd.DataFrame, entities: pd.DataFrame):
    """Build a networkx graph from co-occurrence edges, one node per entity.

    Args:
        edges: From :func:`cooccurrences` (``source, target, n``; ``n_articles`` kept if present).
        entities: The ``entities`` table of :func:`link_entities` (``entity_id, name,
            entity_type, n_mentions``). Every row becomes a node, isolated or not; edges
            whose ends are not both in ``entities`` are left out, so filtering
            ``entities`` (e.g. ``entities.head(15)``) prunes the graph.

    Returns:
        A ``networkx.Graph``: nodes are entity ids with attributes ``name`` (str),
        ``entity_type`` (str), ``n_mentions`` (int); edges have ``weight`` (int, = ``n``)
        and ``n_articles`` (int) when given.

    Raises:
        ValueError: a required column is missing.

    Example:
        >>> graph = cooccurrence_graph(cooccurrences(linked.mentions), linked.entities)
    """
    import networkx as nx  # imported here so `import toolkit` stays fast

    require_columns(edges, ["source", "target", "n"], name="edges")
    require_columns(entities, ["entity_id", "name", "entity_type", "n_mentions"], name="entities")
    graph = nx.Graph()
    for row in entities.itertuples(index=False):
        graph.add_node(row.entity_id, name=row.name, entity_type=row.entity_type, n_mentions=int(row.n_mentions))
    for row in edges.itertuples(index=False):
        if row.source in graph and row.target in graph:
            extra = {"n_articles": int(row.n_articles)} if hasattr(row, "n_articles") else {}
            graph.add_edge(row.source, row.target, weight=int(row.n), **extra)
    return graph
