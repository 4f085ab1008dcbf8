"""Plots of entities and NER scores (notebook 02; tables of toolkit.entities and toolkit.evaluation)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.plotting.style import (
    ENTITY_TYPE_COLORS,
    MAX_PANELS,
    OKABE_ITO,
    OTHER_COLOR,
    average_other,
    is_other,
    new_axes,
    panel_axes,
    pool_groups,
    source_color,
)
from toolkit.schema import require_columns


def plot_top_entities(counts: pd.DataFrame, *, by: str = "outlet", n: int = 8, value: str = "n_mentions",
                      max_panels: int = MAX_PANELS, axes=None):
    """Small multiples of horizontal bars: each group's top ``n`` entities, sorted by value.

    Args:
        counts: From ``toolkit.entities.count_entities``: one row per (group, entity) with
            columns ``by``, ``entity_id``, ``name`` and ``value``.
        by: The grouping column, one panel per group (a missing value is drawn as "unknown").
        n: Entities per panel.
        value: The column to plot: ``n_mentions``, ``share_of_mentions`` or
            ``mentions_per_1000_words``.
        max_panels: At most this many panels: beyond, the smaller groups (by total ``value``)
            are pooled in a last panel "other (mean of k)": their average group.
        axes: A sequence of Axes, one per group; a new figure (rows of up to four panels,
            shared x) when None.

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
    pooled = pool_groups(counts, by, weight=value, max_groups=max_panels)
    if pooled is not counts:
        n_groups = counts[by].astype("string").fillna("unknown").nunique() - (max_panels - 1)
        counts = average_other(pooled[[by, "entity_id", "name", value]], by, [by, "entity_id"], [value],
                               n_groups=n_groups)
        counts = counts.assign(**{by: counts[by].replace("unknown", pd.NA)})
    groups = list(dict.fromkeys(None if pd.isna(g) else g for g in counts[by]))
    axes = panel_axes(axes, len(groups), figsize=(3.4 * max(len(groups), 1), 0.34 * n + 1.3),
                      name=f"groups of {by!r}")
    label = {"n_mentions": "Mentions", "share_of_mentions": "Share of mentions",
             "mentions_per_1000_words": "Mentions per 1,000 words"}.get(value, value.replace("_", " "))
    for ax, group in zip(axes, groups):
        rows = counts[counts[by].isna()] if group is None else counts[counts[by] == group]
        top = rows.sort_values([value, "entity_id"], ascending=[False, True]).head(n).iloc[::-1]
        color = (OTHER_COLOR if is_other(group) else source_color(group)) if by == "outlet" else OKABE_ITO[0]
        # Numeric positions: two entities may share a name (e.g. "Cuba" as ORG and LOC).
        y = np.arange(len(top))
        ax.barh(y, top[value].to_numpy(dtype=float), color=color)
        ax.set_yticks(y, [textwrap.fill(str(name), 22) for name in top["name"]], fontsize=9)
        ax.set_title("unknown" if group is None else str(group), fontsize=10)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(label)
    return axes


def plot_cooccurrence_network(graph, *, ax=None, seed: int = 0, min_weight: int = 1, drop_isolated: bool = True,
                              n: int = 60, n_labels: int = 25):
    """Draw an entity co-occurrence network: node size ∝ mentions, colour = type, edge width ∝ weight.

    Labels never overlap: the names of the most mentioned entities are placed first, nudged
    apart from each other (measured with the figure's renderer), and a name that still
    collides with one already placed is left out. A moved name keeps a thin line to its node.

    Args:
        graph: From ``toolkit.entities.cooccurrence_graph``: nodes with ``name``,
            ``entity_type`` and ``n_mentions``; edges with ``weight``.
        ax: Axes to draw on; a new figure when None.
        seed: Seed of the spring layout, so the picture is the same on every run.
        min_weight: Draw only edges with at least this weight.
        drop_isolated: Leave out entities with no drawn edge.
        n: Entities drawn at most, the most mentioned (a larger graph is a hairball).
        n_labels: Names written at most, the most mentioned first.

    Returns:
        The Axes, with one node per entity (a single scatter collection), one line per
        drawn edge, the names as labels (``ax.texts``, none overlapping) and a legend of
        entity types.

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
    if shown.number_of_nodes() > n:
        ranked = sorted(shown.nodes, key=lambda v: (-shown.nodes[v].get("n_mentions", 1), str(v)))
        shown = shown.subgraph(ranked[:n]).copy()
        if drop_isolated:
            shown.remove_nodes_from([v for v in list(shown.nodes) if shown.degree(v) == 0])
    if shown.number_of_nodes() == 0:
        ax.set_title("No entities to draw")
        return ax
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
    handles = [Line2D([], [], marker="o", linestyle="", markersize=7, color=ENTITY_TYPE_COLORS[t], label=t)
               for t in ENTITY_TYPE_COLORS if t in types]
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="lower right", title="Entity type", title_fontsize=8)
    ax.margins(0.12)
    order = sorted(range(len(nodes)), key=lambda i: (-mentions[i], str(nodes[i])))[:n_labels]
    place_labels(ax, [positions[nodes[i]] for i in order], [str(shown.nodes[nodes[i]].get("name", nodes[i]))
                                                            for i in order], fontsize=8)
    return ax


def place_labels(ax, points, labels, *, fontsize: float = 8, iterations: int = 60, pad: float = 2.0) -> list:
    """Write ``labels`` at ``points`` (data coordinates) without overlaps; return the Text objects kept.

    Labels are given most important first. Overlapping labels are pushed apart in display
    space for a few ``iterations`` (a simple repulsion, measured with the figure's
    renderer); then each label is kept only if it overlaps none kept before it, so the
    result never overlaps. A label moved from its point gets a thin leader line. The axis
    limits are fixed first, so later autoscaling cannot move the labels onto each other.
    """
    ax.set_xlim(*ax.get_xlim())
    ax.set_ylim(*ax.get_ylim())
    renderer = ax.figure.canvas.get_renderer()
    texts = [ax.text(x, y, label, fontsize=fontsize, ha="center", va="center", zorder=5,
                     bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.7})
             for (x, y), label in zip(points, labels)]
    if not texts:
        return []
    to_display, to_data = ax.transData.transform, ax.transData.inverted().transform
    anchors = to_display(np.asarray(points, dtype=float))
    centers = anchors.copy()
    sizes = np.array([[b.width, b.height] for b in (t.get_window_extent(renderer) for t in texts)]) + pad
    frame = ax.get_window_extent(renderer)
    for _ in range(iterations):
        moved = False
        for i in range(len(texts)):
            for j in range(i + 1, len(texts)):
                overlap = (sizes[i] + sizes[j]) / 2 - np.abs(centers[i] - centers[j])
                if (overlap > 0).all():
                    moved = True
                    axis = 0 if overlap[0] < overlap[1] else 1  # push along the smaller overlap
                    sign = np.sign(centers[j][axis] - centers[i][axis]) or (1 if j % 2 else -1)
                    shift = overlap[axis] / 2 + 0.5
                    # The more important label (i) moves less.
                    centers[i][axis] -= sign * shift * 0.4
                    centers[j][axis] += sign * shift * 1.6
        half = sizes / 2
        centers[:, 0] = np.clip(centers[:, 0], frame.x0 + half[:, 0], frame.x1 - half[:, 0])
        centers[:, 1] = np.clip(centers[:, 1], frame.y0 + half[:, 1], frame.y1 - half[:, 1])
        if not moved:
            break
    kept = []
    for i, text in enumerate(texts):
        clash = any(((sizes[i] + sizes[k]) / 2 - np.abs(centers[i] - centers[k]) > 0).all() for k in kept)
        if clash:
            text.remove()
            continue
        kept.append(i)
        text.set_position(to_data(centers[i]))
        if np.hypot(*(centers[i] - anchors[i])) > 6:
            (x0, y0), (x1, y1) = to_data(anchors[i]), to_data(centers[i])
            ax.plot([x0, x1], [y0, y1], color="#666666", lw=0.5, zorder=4)
    return [texts[i] for i in kept]


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
