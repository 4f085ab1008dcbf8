"""Draw tidy tables as figures in one house style, and save them under stable names (tables → figures/)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from toolkit.schema import require_columns
from toolkit.paths import FIGURES

STYLE = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlelocation": "left",
    "axes.titlesize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 10,
    "svg.hashsalt": "toolkit",
    "svg.fonttype": "path",
}

# Okabe–Ito, colour-blind safe. Same outlet, same colour, everywhere; grey is "other/unknown".
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
OTHER_COLOR = "#999999"
SOURCE_COLORS = {"VNA": "#0072B2", "VNS": "#56B4E9", "RHC": "#D55E00", "PL": "#E69F00", "unknown": OTHER_COLOR}
REASON_COLORS = {
    "related-articles": "#D55E00", "caption": "#E69F00", "duplicate-standfirst": "#CC79A7",
    "duplicate-paragraph": "#CC79A7", "title": "#0072B2", "navigation": "#009E73", "timestamp": "#56B4E9",
    "markup": "#999999", "url": "#666666", "footer": "#000000",
}


def use_style() -> None:
    """Apply the house style (matplotlib rcParams) to every figure drawn afterwards."""
    mpl.rcParams.update(STYLE)


def source_color(outlet) -> str:
    """The colour of ``outlet``: fixed for known outlets, then the palette in a stable order."""
    if outlet is None or outlet is pd.NA or (isinstance(outlet, float) and np.isnan(outlet)) or outlet == "":
        return OTHER_COLOR
    if outlet in SOURCE_COLORS:
        return SOURCE_COLORS[outlet]
    # A stable choice from the name, so an outlet keeps its colour across notebooks and runs.
    return OKABE_ITO[sum(map(ord, str(outlet))) % len(OKABE_ITO)]


def article_labels(articles: pd.DataFrame) -> list[str]:
    """Short tick labels such as ``003 VNA (fr)``: the id's first 3 characters, outlet, language."""
    require_columns(articles, ["article_id", "outlet", "language"], name="articles")
    return [f"{str(a)[:3]} {o if isinstance(o, str) and o else 'unknown'} ({lang})"
            for a, o, lang in zip(articles["article_id"], articles["outlet"], articles["language"])]


def save_figure(fig, name: str, *, formats: Sequence[str] = ("png", "svg"), figures_dir: Path = FIGURES) -> list[Path]:
    """Save ``fig`` as ``figures_dir/name.{png,svg}`` with byte-identical re-runs.

    Args:
        fig: A matplotlib Figure.
        name: ``NN-kebab-slug``, where ``NN`` is the producing notebook.
        formats: File formats to write.
        figures_dir: Where to write; ``figures/`` of the project by default.

    Returns:
        The written paths.

    Raises:
        ValueError: ``name`` is not ``NN-kebab-slug``.
    """
    import re

    if not re.fullmatch(r"\d\d(?:\.\d)?-[a-z0-9]+(?:-[a-z0-9]+)*", name):
        raise ValueError(f"figure names are NN-kebab-slug (e.g. '01-boilerplate-audit'), got {name!r}")
    figures_dir = Path(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    meta = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}
    paths = [figures_dir / f"{name}.{ext}" for ext in formats]
    with mpl.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"]}):
        for path in paths:
            fig.savefig(path, metadata=meta.get(path.suffix[1:]))
    return paths


def _axes(ax, figsize=None):
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    return ax


def plot_removed_by_article(removed: pd.DataFrame, articles: pd.DataFrame, *, ax=None):
    """Stacked horizontal bars: words removed per article, by reason, next to the words kept.

    Args:
        removed: The ``removed`` table (``article_id, reason, text``).
        articles: The ``articles`` table (``article_id, outlet, n_words``).
        ax: Axes to draw on; a new figure when None.

    Returns:
        The Axes, one bar segment per (article, reason) plus one for the kept body.
    """
    require_columns(removed, ["article_id", "reason", "text"], name="removed")
    require_columns(articles, ["article_id", "outlet", "n_words"], name="articles")
    words = removed.assign(n=removed["text"].str.split().str.len().fillna(0).astype(int))
    counts = words.pivot_table(index="article_id", columns="reason", values="n", aggfunc="sum", fill_value=0)
    counts = counts.reindex(articles["article_id"], fill_value=0)
    order = [r for r in REASON_COLORS if r in counts.columns]
    labels = [f"{a} ({o if isinstance(o, str) else 'unknown'})" for a, o in zip(articles["article_id"].str[:3], articles["outlet"])]
    ax = _axes(ax, figsize=(6.4, 0.5 * len(articles) + 1.5))
    y = np.arange(len(articles))[::-1]
    left = articles["n_words"].to_numpy(dtype=float)
    ax.barh(y, left, color="#DDDDDD", edgecolor="white", label="kept (body)")
    for reason in order:
        values = counts[reason].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=REASON_COLORS[reason], edgecolor="white", label=reason)
        left = left + values
    ax.set_yticks(y, labels)
    ax.set_xlabel("Words in the raw file")
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax


def plot_top_terms(frequencies: pd.DataFrame, *, by: str = "outlet", n: int = 10, value: str = "n",
                   sharex: bool = False, axes=None):
    """Small multiples of horizontal bars: the top ``n`` terms of each group.

    Args:
        frequencies: One row per (group, term) with columns ``by``, ``term`` and ``value``.
        by: The grouping column (one panel per group).
        n: Terms per panel.
        value: The column to plot (``n`` counts, or ``share``).
        sharex: Share the x axis across panels.
        axes: An array of Axes (one per group); new figure when None.

    Returns:
        The array of Axes.
    """
    require_columns(frequencies, [by, "term", value], name="frequencies")
    frequencies = frequencies.assign(**{by: frequencies[by].astype("string").fillna("unknown")})
    groups = list(dict.fromkeys(frequencies[by]))
    if axes is None:
        fig, axes = plt.subplots(1, len(groups), figsize=(3.2 * len(groups), 0.28 * n + 1.2),
                                 sharex=sharex, squeeze=False, layout="constrained")
        axes = axes[0]
    for ax, group in zip(axes, groups):
        top = frequencies[frequencies[by] == group].nlargest(n, value).iloc[::-1]
        color = source_color(None if group == "unknown" else group) if by == "outlet" else OKABE_ITO[0]
        ax.barh(top["term"], top[value], color=color)
        ax.set_title(str(group), fontsize=10)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("Occurrences" if value == "n" else value.replace("_", " "))
    return axes


def plot_dispersion(hits: pd.DataFrame, articles: pd.DataFrame, *, ax=None):
    """A dispersion plot (as in Voyant and NLTK): where each term occurs along each article.

    Args:
        hits: One row per occurrence, with ``article_id``, ``term`` and ``relative_position`` (0–1).
        articles: The ``articles`` table (``article_id``, ``outlet``, ``language``), for row order and labels.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The Axes, with one row per (term, article) and a tick per occurrence.
    """
    require_columns(hits, ["article_id", "term", "relative_position"], name="hits")
    require_columns(articles, ["article_id", "outlet", "language"], name="articles")
    terms = list(dict.fromkeys(hits["term"]))
    ids = articles["article_id"].tolist()
    rows = [(t, a) for t in terms for a in ids]
    ax = _axes(ax, figsize=(6.4, 0.22 * len(rows) + 1.2))
    meta = articles.set_index("article_id")
    for i, (term, article_id) in enumerate(rows):
        pos = hits.loc[(hits["term"] == term) & (hits["article_id"] == article_id), "relative_position"]
        outlet = meta.loc[article_id, "outlet"]
        ax.scatter(pos, np.full(len(pos), i), marker="|", s=120, color=source_color(outlet))
    ax.set_yticks(range(len(rows)),
                  [f"{t} · {a[:3]} ({meta.loc[a, 'language']})" for t, a in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("Position in the article (0 = start, 1 = end)")
    ax.grid(axis="y", visible=False)
    for k in range(1, len(terms)):
        ax.axhline(k * len(ids) - 0.5, color="#CCCCCC", lw=0.8)
    return ax


def plot_similarity_heatmap(similarity: pd.DataFrame, *, labels: Sequence[str] | None = None, ax=None,
                            cmap: str = "Blues", annotate: bool = True):
    """A heatmap of a square similarity table (index and columns are the same ids).

    Args:
        similarity: Square DataFrame of similarities in [0, 1].
        labels: Tick labels (default: the index).
        ax: Axes to draw on; a new figure when None.
        cmap: A sequential colormap.
        annotate: Write each value in its cell (for small corpora).

    Returns:
        The Axes, with one image.
    """
    if similarity.shape[0] != similarity.shape[1]:
        raise ValueError(f"`similarity` must be square, got shape {similarity.shape}")
    labels = list(labels) if labels is not None else [str(i) for i in similarity.index]
    size = max(3.5, 0.6 * len(labels) + 2)
    ax = _axes(ax, figsize=(size, size * 0.85))
    values = similarity.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.grid(False)
    if annotate and len(labels) <= 15:
        for i in range(len(labels)):
            for j in range(len(labels)):
                ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=8,
                        color="white" if values[i, j] > 0.6 else "black")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="Cosine similarity")
    return ax


# ---------------------------------------------------------------- entities (toolkit.entities)

#: One colour per entity type (Okabe–Ito; MISC is grey, "other").
ENTITY_TYPE_COLORS = {"PER": "#0072B2", "ORG": "#D55E00", "LOC": "#009E73", "MISC": OTHER_COLOR}


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

    Example:
        >>> axes = plot_top_entities(count_entities(linked.mentions, articles), n=6)
    """
    import textwrap

    require_columns(counts, [by, "entity_id", "name", value], name="counts")
    groups = list(dict.fromkeys(None if pd.isna(g) else g for g in counts[by]))
    if axes is None:
        # Constrained layout leaves room for each panel's long entity names.
        fig, axes = plt.subplots(1, max(len(groups), 1), figsize=(3.4 * max(len(groups), 1), 0.34 * n + 1.3),
                                 sharex=True, squeeze=False, layout="constrained")
        axes = axes[0]
    axes = np.asarray(axes, dtype=object).ravel()
    if len(axes) < len(groups):
        raise ValueError(f"`axes` has {len(axes)} Axes for {len(groups)} groups of {by!r}")
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
    return axes[:len(groups)]


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

    ax = _axes(ax, figsize=(7.0, 5.5))
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
    ax = _axes(ax, figsize=(6.4, 0.45 * len(types) * len(setups) + 1.2))
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


# ---------------------------------------------------------------- framing (toolkit.framing, toolkit.quotes)


def plot_frame_heatmap(profile: pd.DataFrame, *, by: str = "outlet", value: str = "per_1000_words", ax=None,
                       cmap: str = "Blues", vmax: float | None = None, annotate: bool = True, colorbar: bool = True):
    """A heatmap of frame scores: one row per frame (codebook order), one column per group.

    Args:
        profile: From :func:`toolkit.framing.summarise_frames`: one row per (group, frame),
            with columns ``by``, ``label`` and ``value``.
        by: The group column (one heatmap column per group, in table order).
        value: The column to colour (``per_1000_words``, ``n_hits``...).
        ax: Axes to draw on; a new figure when None.
        cmap: A sequential colormap (white is zero).
        vmax: The value of the darkest colour (the table's maximum by default), to share a
            scale between panels.
        annotate: Write each value in its cell (one decimal).
        colorbar: Draw a colour bar (leave it to one panel when panels share ``vmax``).

    Returns:
        The Axes, with one image of frames × groups (and a colour bar).

    Example:
        >>> ax = plot_frame_heatmap(summarise_frames(frames.scores, articles, by="outlet"))
    """
    require_columns(profile, [by, "label", value], name="profile")
    groups = list(dict.fromkeys(profile[by].astype(str)))
    labels = list(dict.fromkeys(profile["label"].astype(str)))
    grid = (profile.assign(**{by: profile[by].astype(str), "label": profile["label"].astype(str)})
            .pivot_table(index="label", columns=by, values=value, aggfunc="sum").reindex(index=labels, columns=groups))
    values = grid.to_numpy(dtype=float)
    ax = _axes(ax, figsize=(1.1 * len(groups) + 3.2, 0.42 * len(labels) + 1.4))
    top = vmax if vmax is not None else (np.nanmax(values) if np.isfinite(values).any() else 1.0)
    image = ax.imshow(values, cmap=cmap, vmin=0, vmax=top or 1.0, aspect="auto")
    ax.set_xticks(range(len(groups)), groups, rotation=30 if max(map(len, groups)) > 8 else 0,
                  ha="right" if max(map(len, groups)) > 8 else "center")
    ax.set_yticks(range(len(labels)), labels)
    ax.grid(False)
    if annotate:
        for i in range(len(labels)):
            for j in range(len(groups)):
                if np.isfinite(values[i, j]):
                    ax.text(j, i, f"{values[i, j]:.1f}", ha="center", va="center", fontsize=8,
                            color="white" if values[i, j] > 0.6 * (top or 1.0) else "black")
    label = {"per_1000_words": "Hits per 1,000 words", "n_hits": "Hits"}.get(value, value.replace("_", " "))
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=label)
    return ax


def plot_keyness(keywords: pd.DataFrame, *, group: str | None = None, n: int = 10, ax=None):
    """Diverging bars of the log ratio: the lemmas a group over-uses (right) and under-uses (left).

    Args:
        keywords: From :func:`toolkit.framing.keyness`.
        group: The group to draw (the first in the table by default).
        n: Lemmas per side, the highest G² first.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The Axes, one bar per lemma (at most ``2 n``), over-used at the top, each labelled
        with its counts in the group and in the rest.

    Example:
        >>> ax = plot_keyness(keyness(tokens, articles, by="outlet_country"), group="Cuba")
    """
    require_columns(keywords, ["group", "lemma", "n_group", "n_rest", "g2", "log_ratio", "direction"],
                    name="keywords")
    group = group if group is not None else str(keywords["group"].iloc[0])
    rows = keywords[keywords["group"] == group]
    over = rows[rows["direction"] == "over"].nlargest(n, "g2").sort_values("log_ratio")
    under = rows[rows["direction"] == "under"].nlargest(n, "g2").sort_values("log_ratio")
    shown = pd.concat([under, over])
    ax = _axes(ax, figsize=(6.4, 0.28 * len(shown) + 1.4))
    y = np.arange(len(shown))
    colors = [OKABE_ITO[3] if d == "over" else OKABE_ITO[0] for d in shown["direction"]]
    ax.barh(y, shown["log_ratio"].to_numpy(dtype=float), color=colors)
    ax.set_yticks(y, [f"{lemma}  ({a}/{b})" for lemma, a, b in zip(shown["lemma"], shown["n_group"], shown["n_rest"])],
                  fontsize=9)
    ax.axvline(0, color="#444444", lw=0.8)
    ax.set_xlabel(f"Log ratio: log₂ of relative frequency, {group} vs the rest")
    ax.grid(axis="y", visible=False)
    return ax


def plot_agency(summary: pd.DataFrame, *, by: str = "outlet", n: int = 6, axes=None):
    """Small multiples of diverging bars: how often each entity acts (right) and is acted upon (left).

    Args:
        summary: From :func:`toolkit.quotes.summarise_agency`: columns ``by``, ``entity``,
            ``n_as_actor``, ``n_as_target``.
        by: The group column, one panel per group.
        n: Entities per panel, those with the most actions first.
        axes: A sequence of Axes, one per group; a new figure (one row, shared x) when None.

    Returns:
        The array of Axes, one per group, each with two bar containers (acted upon, acts).

    Example:
        >>> axes = plot_agency(summarise_agency(agency, articles, resolved_only=True))
    """
    import textwrap

    require_columns(summary, [by, "entity", "n_as_actor", "n_as_target"], name="summary")
    groups = list(dict.fromkeys(summary[by].astype(str)))
    if axes is None:
        fig, axes = plt.subplots(1, max(len(groups), 1), figsize=(3.1 * max(len(groups), 1), 0.36 * n + 1.5),
                                 sharex=True, squeeze=False, layout="constrained")
        axes = axes[0]
    axes = np.asarray(axes, dtype=object).ravel()
    for ax, group in zip(axes, groups):
        rows = summary[summary[by].astype(str) == group]
        rows = rows.assign(_total=rows["n_as_actor"] + rows["n_as_target"])
        top = rows.sort_values(["n_as_actor", "_total", "entity"], ascending=[False, False, True],
                               kind="mergesort").head(n).iloc[::-1]
        y = np.arange(len(top))
        color = source_color(group) if by == "outlet" else OKABE_ITO[0]
        ax.barh(y, -top["n_as_target"].to_numpy(dtype=float), color="white", edgecolor=color, hatch="///",
                label="acted upon")
        ax.barh(y, top["n_as_actor"].to_numpy(dtype=float), color=color, label="acts")
        ax.set_yticks(y, [textwrap.shorten(str(e), 28, placeholder="…") for e in top["entity"]], fontsize=9)
        ax.axvline(0, color="#444444", lw=0.8)
        ax.set_title(group, fontsize=10)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("← acted upon · acts → (verbs)")
        ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{abs(v):g}"))
    return axes[:len(groups)]


# ---------------------------------------------------------------- cross-source comparison (toolkit.compare)

#: One colour per alignment status (Okabe–Ito; "unique" is grey, "other").
STATUS_COLORS = {"shared": "#009E73", "translated": "#0072B2", "paraphrased": "#E69F00", "unique": OTHER_COLOR}


def plot_alignment(alignment: pd.DataFrame, *, labels: Sequence[str] | None = None, ax=None, width: int = 42):
    """Ribbons between the aligned sentences of two articles, coloured by status.

    Each article is a column of boxes, one per sentence in reading order (a on the left,
    b on the right); a ribbon joins each aligned pair, so reordered sentences cross and a
    many-to-one group fans out from one box. Sentences unique to one side stay grey.

    Args:
        alignment: From :func:`toolkit.compare.align_sentences` (``sentence_id_a``,
            ``sentence_id_b``, ``text_a``, ``text_b``, ``status``).
        labels: Headings of the two columns (default: the article ids).
        ax: Axes to draw on; a new figure sized to the longer article when None.
        width: Characters of each sentence shown beside its box.

    Returns:
        The Axes: one rectangle per sentence (``ax.patches``, boxes first) and one ribbon
        patch per aligned pair, after them.

    Example:
        >>> ax = plot_alignment(align_sentences(sentences, a, b, articles=articles))
    """
    import textwrap

    from matplotlib.patches import PathPatch, Patch, Rectangle
    from matplotlib.path import Path as MplPath

    require_columns(alignment, ["article_id_a", "article_id_b", "sentence_id_a", "sentence_id_b", "text_a", "text_b",
                                "status"], name="alignment")
    sides = {}
    for side in "ab":
        rows = alignment.dropna(subset=[f"sentence_id_{side}"]).drop_duplicates(f"sentence_id_{side}")
        rows = rows.sort_values(f"sentence_id_{side}")
        status = alignment.dropna(subset=[f"sentence_id_{side}"]).groupby(f"sentence_id_{side}")["status"].first()
        sides[side] = [(int(k), str(t), str(status[k])) for k, t in zip(rows[f"sentence_id_{side}"], rows[f"text_{side}"])]
    n = max(len(sides["a"]), len(sides["b"]), 1)
    ax = _axes(ax, figsize=(9.0, 0.32 * n + 1.4))
    position = {side: {k: i for i, (k, _, _) in enumerate(sides[side])} for side in "ab"}
    box, left, right = 0.1, 0.0, 1.0
    for side, x in (("a", left), ("b", right - box)):
        for i, (k, text, status) in enumerate(sides[side]):
            ax.add_patch(Rectangle((x, i - 0.4), box, 0.8, facecolor=STATUS_COLORS.get(status, OTHER_COLOR),
                                   edgecolor="white", alpha=0.9 if status != "unique" else 0.5))
            label = f"{k}  {textwrap.shorten(text, width, placeholder='…')}" if side == "a" else \
                f"{textwrap.shorten(text, width, placeholder='…')}  {k}"
            ax.text(x - 0.02 if side == "a" else x + box + 0.02, i, label, ha="right" if side == "a" else "left",
                    va="center", fontsize=8, color="#333333" if status != "unique" else "#888888")
    pairs = alignment.dropna(subset=["sentence_id_a", "sentence_id_b"])
    for k_a, k_b, status in zip(pairs["sentence_id_a"], pairs["sentence_id_b"], pairs["status"]):
        ya, yb = position["a"][int(k_a)], position["b"][int(k_b)]
        x0, x1, h = left + box, right - box, 0.3
        # A cubic Bézier band from box to box: straight pairs stay flat, reordered ones cross.
        vertices = [(x0, ya - h), (0.5, ya - h), (0.5, yb - h), (x1, yb - h), (x1, yb + h),
                    (0.5, yb + h), (0.5, ya + h), (x0, ya + h), (x0, ya - h)]
        codes = [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.LINETO,
                 MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY]
        ax.add_patch(PathPatch(MplPath(vertices, codes), facecolor=STATUS_COLORS.get(status, OTHER_COLOR),
                               edgecolor="none", alpha=0.45))
    labels = list(labels) if labels is not None else [str(alignment["article_id_a"].iloc[0]) if len(alignment) else "a",
                                                      str(alignment["article_id_b"].iloc[0]) if len(alignment) else "b"]
    ax.text(left + box / 2, -0.9, labels[0], ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.text(right - box / 2, -0.9, labels[1], ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.set_xlim(-1.45, 2.45)
    ax.set_ylim(n - 0.4, -1.2)
    ax.set_axis_off()
    present = [s for s in STATUS_COLORS if s in set(alignment["status"])]
    ax.legend(handles=[Patch(color=STATUS_COLORS[s], label=s) for s in present], loc="upper center",
              bbox_to_anchor=(0.5, 0.0), ncol=len(present), frameon=False, fontsize=8)
    return ax


def plot_story_attention(attention: pd.DataFrame, *, value: str = "n_articles", ax=None, width: int = 45):
    """Stacked horizontal bars: how much each outlet gave each story (Media Cloud's attention).

    Args:
        attention: From :func:`toolkit.compare.story_attention` (``story_id``,
            ``story_title``, ``outlet`` and ``value``).
        value: ``n_articles``, ``n_words`` or ``share_of_outlet_words``.
        ax: Axes to draw on; a new figure when None.
        width: Characters of each story title in the legend.

    Returns:
        The Axes, one bar container per story (one segment per outlet), outlets sorted by
        their total, largest at the top.

    Example:
        >>> ax = plot_story_attention(story_attention(articles, stories), value="n_words")
    """
    import textwrap

    require_columns(attention, ["story_id", "story_title", "outlet", value], name="attention")
    table = attention.pivot_table(index="outlet", columns="story_id", values=value, aggfunc="sum", fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(kind="mergesort").index]
    titles = attention.drop_duplicates("story_id").set_index("story_id")["story_title"]
    ax = _axes(ax, figsize=(6.4, 0.45 * len(table) + 1.8))
    y = np.arange(len(table))
    left = np.zeros(len(table))
    for n, story_id in enumerate(table.columns):
        values = table[story_id].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=OKABE_ITO[n % len(OKABE_ITO)], edgecolor="white",
                label=f"{story_id} · {textwrap.shorten(str(titles.get(story_id, story_id)), width, placeholder='…')}")
        left = left + values
    ax.set_yticks(y, [str(o) for o in table.index])
    ax.set_xlabel({"n_articles": "Articles", "n_words": "Words",
                   "share_of_outlet_words": "Share of the outlet's words"}.get(value, value.replace("_", " ")))
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=1, title="Story",
              title_fontsize=8)
    return ax
