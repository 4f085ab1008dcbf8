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

#: Edges per drawn entity, on average, above which plot_cooccurrence_network draws only the strongest ties by default.
EDGES_PER_NODE = 3


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


def plot_cooccurrence_network(graph, *, ax=None, seed: int = 0, min_weight: int | None = None,
                              drop_isolated: bool = True,
                              n: int = 60, n_labels: int = 20):
    """Draw an entity co-occurrence network: node size ∝ mentions, colour = type, edge width ∝ weight.

    The layout is ForceAtlas2 with hubs pushed outwards and room for each node, so that nodes
    do not overlap and the most connected entities, whose names matter most, are not buried
    in the middle; entities named together often are drawn close (ties pull by the square
    root of their weight); it is seeded, the same picture on every run. Names are written beside
    their node, never on it, the most mentioned first: each takes the place around its node
    (preferably on the outer side) that touches no name already written, covers the least of
    other nodes and is nearer its own node than any other; when the places beside the node
    are taken, one further out with a thin line to the node; a name with no free place is
    left out. The legend of entity types sits below the network, hiding nothing.

    Args:
        graph: From ``toolkit.entities.cooccurrence_graph``: nodes with ``name``,
            ``entity_type`` and ``n_mentions``; edges with ``weight``.
        ax: Axes to draw on; a new figure when None.
        seed: Seed of the starting layout, so the picture is the same on every run.
        min_weight: Draw only edges with at least this weight. None (the default): every edge, or,
            when the drawn entities have more than EDGES_PER_NODE (3) edges each on average,
            only the strongest ties, at most that many (a real corpus's 60 most
            named entities are nearly all named together somewhere: every tie drawn is a
            hairball); the legend then says the weight drawn from.
        drop_isolated: Leave out entities with no drawn edge.
        n: Entities drawn at most, the most mentioned (a larger graph is a hairball).
        n_labels: Names written at most, the most mentioned entities first (ties: the most
            connected); the top quarter of them in a larger font.

    Returns:
        The Axes, with one node per entity (a single scatter collection), one line per
        drawn edge, the names as annotations (``ax.texts``; at most ``n_labels``, no two
        overlapping) and a legend of entity types.

    Example:
        >>> ax = plot_cooccurrence_network(graph, min_weight=2, n_labels=15)
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
    shown.add_edges_from((u, v, d) for u, v, d in graph.edges(data=True)
                         if min_weight is None or d.get("weight", 1) >= min_weight)
    if drop_isolated:
        shown.remove_nodes_from([v for v in list(shown.nodes) if shown.degree(v) == 0])
    if shown.number_of_nodes() > n:
        ranked = sorted(shown.nodes, key=lambda v: (-shown.nodes[v].get("n_mentions", 1), str(v)))
        shown = shown.subgraph(ranked[:n]).copy()
        if drop_isolated:
            shown.remove_nodes_from([v for v in list(shown.nodes) if shown.degree(v) == 0])
    drawn_from = None
    if min_weight is None and shown.number_of_edges() > EDGES_PER_NODE * shown.number_of_nodes():
        weights = sorted((d.get("weight", 1) for _, _, d in shown.edges(data=True)), reverse=True)
        # The ties stronger than the first one too many (ties of equal weight go together).
        cut = weights[EDGES_PER_NODE * shown.number_of_nodes()]
        if cut < weights[0]:  # else the strongest ties alone are too many: nothing to choose by
            shown.remove_edges_from([(u, v) for u, v, d in list(shown.edges(data=True)) if d.get("weight", 1) <= cut])
            drawn_from = min(d.get("weight", 1) for _, _, d in shown.edges(data=True))
            if drop_isolated:
                shown.remove_nodes_from([v for v in list(shown.nodes) if shown.degree(v) == 0])
    if shown.number_of_nodes() == 0:
        ax.set_title("No entities to draw")
        return ax
    nodes = sorted(shown.nodes, key=str)  # a fixed order: the layout must not depend on insertion order
    mentions = np.array([shown.nodes[v].get("n_mentions", 1) for v in nodes], dtype=float)
    sizes = 60 + 540 * mentions / max(mentions.max(), 1)  # marker areas (pt²)
    radii = np.sqrt(sizes) / 2 + 0.8  # points, with the white rim
    degree = np.array([shown.degree(v) for v in nodes])
    order = sorted(range(len(nodes)), key=lambda i: (-mentions[i], -degree[i], str(nodes[i])))[:max(n_labels, 0)]
    n_major = max(1, -(-len(order) // 4))
    labels = [(i, str(shown.nodes[nodes[i]].get("name", nodes[i])), 9 if k < n_major else 8)
              for k, i in enumerate(order)]
    boxes = _label_sizes(ax, labels)
    # Data coordinates are points of the frame: node sizes, names and the layout share one unit.
    frame = ax.get_window_extent(ax.figure.canvas.get_renderer())
    width, height = frame.width * 72.0 / ax.figure.dpi, frame.height * 72.0 / ax.figure.dpi
    # Room around the network for a name above or below the outermost nodes (beside them when it fits).
    room = np.minimum([max((w for w, _ in boxes), default=0) / 2 + radii.max() + 2,
                       max((h for _, h in boxes), default=0) + radii.max() + 2], [0.2 * width, 0.2 * height])
    xy = _fit(_network_layout(shown, nodes, seed=seed), radii, width - 2 * room[0], height - 2 * room[1])
    positions = dict(zip(nodes, xy))
    types = [shown.nodes[v].get("entity_type", "MISC") for v in nodes]
    edges = sorted(shown.edges(data=True), key=lambda e: e[2].get("weight", 1))  # strongest on top
    if edges:
        weights = np.array([d.get("weight", 1) for _, _, d in edges], dtype=float)
        nx.draw_networkx_edges(shown, positions, edgelist=[(u, v) for u, v, _ in edges], ax=ax,
                               width=0.5 + 3.0 * weights / weights.max(), edge_color="#999999", alpha=0.5)
    nx.draw_networkx_nodes(shown, positions, nodelist=nodes, node_size=sizes, ax=ax, alpha=0.9,
                           node_color=[ENTITY_TYPE_COLORS.get(t, OTHER_COLOR) for t in types],
                           edgecolors="white", linewidths=0.8)
    ax.set_xlim(-room[0], width - room[0])  # drawing the edges autoscales
    ax.set_ylim(-room[1], height - room[1])
    handles = [Line2D([], [], marker="o", linestyle="", markersize=7, color=ENTITY_TYPE_COLORS[t], label=t)
               for t in ENTITY_TYPE_COLORS if t in types]
    # Below the network: a legend inside the frame would hide nodes or names.
    title = "Entity type" + (f" · ties drawn: named together {drawn_from:g}+ times" if drawn_from else "")
    ax.legend(handles=handles, frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, 0.0),
              ncol=len(handles), title=title, title_fontsize=8, handletextpad=0.2, columnspacing=1.2)
    _place_labels(ax, xy, radii, labels, boxes, frame=(-room[0], -room[1], width - room[0], height - room[1]))
    # Placed for the axes' size now; one unit stays one unit both ways if the figure is laid out again.
    ax.set_aspect("equal", adjustable="datalim")
    return ax


def _network_layout(graph, nodes, *, seed: int) -> np.ndarray:
    """Positions of ``nodes`` (an array of rows x, y): ForceAtlas2 (networkx) with hubs pushed
    outwards ("dissuade hubs"), so the most connected entities, whose names are written first,
    are not buried in the middle. Seeded: the same picture on every run."""
    import networkx as nx

    ordered = nx.Graph()
    ordered.add_nodes_from(nodes)
    # Ties pull by the square root of their weight: named together 40 times is closer than once, not 40 times.
    ordered.add_edges_from((u, v, {"weight": float(np.sqrt(d.get("weight", 1)))})
                           for u, v, d in graph.edges(data=True))
    if len(nodes) <= 2:
        return np.array([[float(k), 0.0] for k in range(len(nodes))])
    # Weighted: entities named together often are drawn close.
    # Strong gravity holds separate groups (no tie between them) near the rest; it would blur a connected one's.
    positions = nx.forceatlas2_layout(ordered, seed=seed, max_iter=300, distributed_action=True, weight="weight",
                                      strong_gravity=not nx.is_connected(ordered))
    return np.array([positions[v] for v in nodes], dtype=float)


def _fit(xy, radii, width: float, height: float, *, gap: float = 1.0, iterations: int = 100) -> np.ndarray:
    """``xy`` scaled into a ``width`` × ``height`` box (points), nodes kept inside it, then pushed
    apart (a few ``iterations``, deterministic) wherever two discs of ``radii`` come closer than ``gap``."""
    xy = np.asarray(xy, dtype=float)
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    size = np.array([width, height])
    inner = np.maximum(size - 2 * radii.max(), 1.0)
    xy = (xy - low) / span * inner + radii.max() + np.where(high > low, 0.0, inner / 2)
    need = radii[:, None] + radii[None, :] + gap
    np.fill_diagonal(need, 0.0)
    for _ in range(iterations):
        diff = xy[:, None, :] - xy[None, :, :]
        distance = np.hypot(diff[..., 0], diff[..., 1])
        short = np.clip(need - distance, 0.0, None)
        np.fill_diagonal(short, 0.0)
        if not short.any():
            break
        # Coinciding nodes part along a fixed direction per pair, so the result never depends on chance.
        direction = np.where(distance[..., None] > 1e-9, diff / np.maximum(distance, 1e-9)[..., None],
                             np.sign(np.subtract.outer(np.arange(len(xy)), np.arange(len(xy))))[..., None]
                             * np.array([1.0, 0.0]))
        xy = xy + 0.5 * (direction * short[..., None]).sum(axis=1)
        xy = np.clip(xy, radii[:, None], size - radii[:, None])
    return xy


def _label_sizes(ax, labels, *, pad: float = 0.15) -> list[tuple[float, float]]:
    """Width and height (points) of each label's box: its text measured with the figure's
    renderer, plus the padding of the white box drawn behind it."""
    renderer = ax.figure.canvas.get_renderer()
    to_points = 72.0 / ax.figure.dpi
    sizes = []
    for _, text, fontsize in labels:
        probe = ax.text(0, 0, text, fontsize=fontsize)
        extent = probe.get_window_extent(renderer)
        probe.remove()
        sizes.append((extent.width * to_points + 2 * pad * fontsize, extent.height * to_points + 2 * pad * fontsize))
    return sizes


#: The places of a name around its node: (x, y) directions.
_LABEL_SIDES = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)]


def _place_labels(ax, xy, radii, labels, sizes, *, frame, gap: float = 2.0, pad: float = 0.15) -> None:
    """Write ``labels`` (``(node index, text, fontsize)``, most important first, of box ``sizes``)
    beside the nodes at ``xy`` with ``radii``, all in points (the data units of the network), within
    ``frame`` (left, bottom, right, top).

    Each name takes the candidate place around its node (beside it, then one and two rings
    further out with a leader line) that keeps ``gap`` clear of every name already written
    and stays in the frame and hides at most a quarter of its box's worth of other nodes; among
    those, the cheapest: covering little of other nodes, not nearer another node than its own,
    near its node (the first ring), on the outer side of the network, beside rather than at a
    corner. A name with no such place is left out. Names are offset from their node in points, so they keep their places at any dpi.
    """
    x0, y0, x1, y1 = frame
    middle = xy.mean(axis=0)
    placed: list[tuple[float, float, float, float]] = []  # boxes (left, bottom, right, top)
    for (index, text, fontsize), (w, h) in zip(labels, sizes):
        cx, cy = xy[index]
        outward = xy[index] - middle
        outward = outward / (np.hypot(*outward) or 1.0)
        best = None
        for ring, extra in enumerate((0.0, h + 6.0)):
            r = radii[index] + gap + extra
            for k, (sx, sy) in enumerate(_LABEL_SIDES):
                diagonal = sx != 0 and sy != 0
                dx = sx * (r * (0.71 if diagonal else 1.0) + w / 2)
                dy = sy * (r * (0.71 if diagonal else 1.0) + h / 2)
                box = (cx + dx - w / 2, cy + dy - h / 2, cx + dx + w / 2, cy + dy + h / 2)
                if box[0] < x0 or box[2] > x1 or box[1] < y0 or box[3] > y1:
                    continue
                if any(_boxes_overlap(box, other, gap) for other in placed):
                    continue
                own = _box_disc_distance(box, xy[index], radii[index])
                covered = ambiguous = 0.0
                for j in range(len(xy)):
                    if j != index:
                        covered += _box_disc_overlap(box, xy[j], radii[j])
                        ambiguous = max(ambiguous, float(_box_disc_distance(box, xy[j], radii[j]) < own + 6.0))
                if covered > 0.25 * w * h:
                    continue  # the name would hide nodes: better left out
                side = np.array([sx, sy]) / np.hypot(sx, sy)
                # Weights set by eye on the seeds and BASIL dev: covering (at most 0.25 of the box), an ambiguous
                # place (0.4) and a ring further out (0.8) decide; the outward side, the order of the sides and
                # corners break ties.
                cost = (covered / (w * h) + 0.4 * ambiguous + 0.8 * ring + 0.1 * (1 - side @ outward) / 2
                        + 0.01 * k + (0.05 if diagonal else 0.0))
                if best is None or cost < best[0]:
                    best = (cost, box, dx, dy, ring, ((1 - sx) / 2, (1 - sy) / 2))
            if best is not None and best[0] < 0.8 * (ring + 1):
                break  # a place this close with little covered: no need to look further out
        if best is None:
            continue
        _, box, dx, dy, ring, corner = best
        placed.append(box)
        # The leader starts at the side or corner of the name nearest the node, so it stays short.
        arrow = {"arrowstyle": "-", "color": "#666666", "lw": 0.5, "shrinkA": 0, "relpos": corner,
                 "shrinkB": float(radii[index])} if ring else None
        ax.annotate(text, xy=tuple(xy[index]), xytext=(dx, dy), textcoords="offset points",
                                   ha="center", va="center", fontsize=fontsize, zorder=5, arrowprops=arrow,
                                   bbox={"boxstyle": f"round,pad={pad}", "facecolor": "white",
                                         "edgecolor": "none", "alpha": 0.8})


def _boxes_overlap(a, b, gap: float) -> bool:
    """Whether boxes ``(left, bottom, right, top)`` come closer than ``gap``."""
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _box_disc_distance(box, center, radius: float) -> float:
    """The gap between ``box`` and a disc (0 when they touch or overlap)."""
    dx = max(box[0] - center[0], 0.0, center[0] - box[2])
    dy = max(box[1] - center[1], 0.0, center[1] - box[3])
    return max(float(np.hypot(dx, dy)) - radius, 0.0)


def _box_disc_overlap(box, center, radius: float) -> float:
    """The area of ``box`` covered by the square around a disc (a cheap, conservative measure)."""
    w = min(box[2], center[0] + radius) - max(box[0], center[0] - radius)
    h = min(box[3], center[1] + radius) - max(box[1], center[1] - radius)
    return max(w, 0.0) * max(h, 0.0)


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
