"""Plots of entities and NER scores (notebook 02; tables of toolkit.entities and toolkit.evaluation)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.plotting.style import ENTITY_TYPE_COLORS, OKABE_ITO, OTHER_COLOR, new_axes, panel_axes, source_color
from toolkit.schema import require_columns


def plot_top_entities(counts: pd.DataFrame, *, by: str = "outlet", n: int = 8, value: str = "n_mentions",
                      axes=None):
    """Small multiples of horizontal bars: each group's top ``n`` entities, sorted by value.

    Args:
        counts: From ``toolkit.entities.count_entities``: one row per (group, entity) with
            columns ``by``, ``entity_id``, ``name`` and ``value``.
        by: The grouping column, one panel per group (a missing value is drawn as "unknown").
        n: Entities per panel.
        value: The column to plot: ``n_mentions``, ``share_of_mentions`` or
            ``mentions_per_1000_words``.
        axes: A sequence of Axes, one per group; a new figure (one row, shared x) when None.

    Returns:
        The array of Axes, one per group in ``counts`` order, each with one bar per entity
        (at most ``n``), largest at the top.

    Raises:
        ValueError: ``axes`` has fewer Axes than there are groups.

    Example:
        >>> axes = plot_top_entities(count_entities(linked.mentions, articles), n=6)
    """
    import textwrap

    require_columns(counts, [by, "entity_id", "name", value], name="counts")
    groups = list(dict.fromkeys(None if pd.isna(g) else g for g in counts[by]))
    axes = panel_axes(axes, len(groups), figsize=(3.4 * max(len(groups), 1), 0.34 * n + 1.3),
                      name=f"groups of {by!r}")
    label = {"n_mentions": "Mentions", "share_of_mentions": "Share of mentions",
             "mentions_per_1000_words": "Mentions per 1,000 words"}.get(value, value.replace("_", " "))
    for ax, group in zip(axes, groups):
        rows = counts[counts[by].isna()] if group is None else counts[counts[by] == group]
        top = rows.sort_values([value, "entity_id"], ascending=[False, True]).head(n).iloc[::-1]
        color = source_color(group) if by == "outlet" else OKABE_ITO[0]
        # Numeric positions: two entities may share a name (e.g. "Cuba" as ORG and LOC).
        y = np.arange(len(top))
        ax.barh(y, top[value].to_numpy(dtype=float), color=color)
        ax.set_yticks(y, [textwrap.fill(str(name), 22) for name in top["name"]], fontsize=9)
        ax.set_title("unknown" if group is None else str(group), fontsize=10)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(label)
    return axes


def plot_cooccurrence_network(graph, *, ax=None, seed: int = 0, min_weight: int = 1, drop_isolated: bool = True):
    """Draw an entity co-occurrence network: node size ∝ mentions, colour = type, edge width ∝ weight.

    Args:
        graph: From ``toolkit.entities.cooccurrence_graph``: nodes with ``name``,
            ``entity_type`` and ``n_mentions``; edges with ``weight``.
        ax: Axes to draw on; a new figure when None.
        seed: Seed of the spring layout, so the picture is the same on every run.
        min_weight: Draw only edges with at least this weight.
        drop_isolated: Leave out entities with no drawn edge.

    Returns:
        The Axes, with one node per entity (a single scatter collection), one line per
        drawn edge, the names as labels and a legend of entity types.

    Example:
        >>> ax = plot_cooccurrence_network(graph, min_weight=2)
    """
    import networkx as nx  # imported here so `import toolkit` stays fast

    from matplotlib.lines import Line2D

    ax = new_axes(ax, figsize=(7.0, 5.5))
    ax.set_axis_off()
    if graph.number_of_nodes() == 0:
        ax.set_title("No entities to draw")
        return ax
    shown = nx.Graph()
    shown.add_nodes_from(graph.nodes(data=True))
    shown.add_edges_from((u, v, d) for u, v, d in graph.edges(data=True) if d.get("weight", 1) >= min_weight)
    if drop_isolated:
        shown.remove_nodes_from([v for v in list(shown.nodes) if shown.degree(v) == 0])
    # Kamada-Kawai spreads small graphs legibly and is deterministic; spring layout scales further.
    positions = (nx.kamada_kawai_layout(shown) if 2 < shown.number_of_nodes() <= 80
                 else nx.spring_layout(shown, seed=seed, weight="weight"))
    nodes = list(shown.nodes)
    mentions = np.array([shown.nodes[v].get("n_mentions", 1) for v in nodes], dtype=float)
    sizes = 80 + 900 * mentions / max(mentions.max(), 1)
    types = [shown.nodes[v].get("entity_type", "MISC") for v in nodes]
    nx.draw_networkx_nodes(shown, positions, nodelist=nodes, node_size=sizes, ax=ax, alpha=0.85,
                           node_color=[ENTITY_TYPE_COLORS.get(t, OTHER_COLOR) for t in types])
    edges = list(shown.edges(data=True))
    if edges:
        weights = np.array([d.get("weight", 1) for _, _, d in edges], dtype=float)
        nx.draw_networkx_edges(shown, positions, edgelist=[(u, v) for u, v, _ in edges], ax=ax,
                               width=0.5 + 3.5 * weights / weights.max(), edge_color="#888888", alpha=0.6)
    nx.draw_networkx_labels(shown, positions, labels={v: shown.nodes[v].get("name", v) for v in nodes},
                            font_size=8, ax=ax)
    handles = [Line2D([], [], marker="o", linestyle="", markersize=7, color=ENTITY_TYPE_COLORS[t], label=t)
               for t in ENTITY_TYPE_COLORS if t in types]
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="lower right", title="Entity type", title_fontsize=8)
    ax.margins(0.12)
    return ax


def plot_ner_scores(scores: pd.DataFrame, *, by: str = "setup", metric: str = "f1", ax=None):
    """Grouped horizontal bars of an NER score per entity type, one bar per ``by`` value.

    Args:
        scores: Rows of :func:`toolkit.evaluation.evaluate_ner` tables stacked, with a ``by``
            column naming each set-up (e.g. "model", "model + gazetteer").
        by: The column that tells set-ups apart.
        metric: ``f1``, ``precision`` or ``recall``.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The Axes, one bar per (entity type, set-up), each labelled with its value.
    """
    require_columns(scores, [by, "entity_type", metric], name="scores")
    setups = list(dict.fromkeys(scores[by]))
    types = list(dict.fromkeys(scores["entity_type"]))
    ax = new_axes(ax, figsize=(6.4, 0.45 * len(types) * len(setups) + 1.2))
    height = 0.8 / len(setups)
    for k, setup in enumerate(setups):
        values = scores[scores[by] == setup].set_index("entity_type").reindex(types)[metric].fillna(0)
        y = np.arange(len(types))[::-1] + (len(setups) - 1 - k) * height - 0.4 + height / 2
        bars = ax.barh(y, values, height=height * 0.95, color=OKABE_ITO[k % len(OKABE_ITO)], label=str(setup))
        ax.bar_label(bars, fmt="%.2f", padding=2, fontsize=8)
    ax.set_yticks(np.arange(len(types))[::-1], types)
    ax.set_xlim(0, 1.1)
    ax.set_xlabel(f"{metric.upper() if metric == 'f1' else metric.capitalize()} (exact span and type)")
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax
