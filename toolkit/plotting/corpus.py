"""Plots of the corpus (notebook 01): removed boilerplate, top terms, dispersion, document similarity."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.plotting.style import (
    MAX_PANELS,
    OKABE_ITO,
    OTHER_COLOR,
    REASON_COLORS,
    average_other,
    is_other,
    new_axes,
    panel_axes,
    pool_groups,
    short_ids,
    source_color,
)
from toolkit.schema import require_columns


#: A bar segment narrower than this (points, at the figure's size) cannot be told apart.
MIN_VISIBLE_POINTS = 2.0


def plot_removed_by_article(removed: pd.DataFrame, articles: pd.DataFrame, *, n: int = 30, ax=None):
    """Stacked horizontal bars: words removed per article, by reason, next to the words kept.

    A report's reader matches each colour of the legend to a segment they can see, so the
    legend lists only those: reasons too thin to see in every bar (each segment under
    :data:`MIN_VISIBLE_POINTS` wide at the figure's size) are pooled into one hatched segment
    (the bars keep their true length), listed last as "other (k words): their names"; when
    even the pooled segment is too thin to see, that entry has no swatch and reads "too few
    words to see (k words): their names", so nothing removed goes unmentioned.

    Args:
        removed: The ``removed`` table (``article_id, reason, text``).
        articles: The ``articles`` table (``article_id, outlet, n_words``).
        n: Articles drawn at most: the ``n`` with the most words removed, in table order;
            the title says how many more there are and what they lost.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The Axes, with one bar segment per article for the kept body, for each reason visible
        in the articles shown and, when some reasons are too thin to see, for them pooled; the
        legend lists "kept (body)", the visible reasons, then the pooled ones.
    """
    import textwrap

    from matplotlib.patches import Patch

    require_columns(removed, ["article_id", "reason", "text"], name="removed")
    require_columns(articles, ["article_id", "outlet", "n_words"], name="articles")
    words = removed.assign(n=removed["text"].fillna("").astype(str).str.split().str.len().astype(int))
    counts = words.pivot_table(index="article_id", columns="reason", values="n", aggfunc="sum", fill_value=0)
    counts = counts.reindex(articles["article_id"], fill_value=0)
    total_removed = counts.sum(axis=1).to_numpy()
    shown = np.arange(len(articles))
    if len(articles) > n:
        top = np.argsort(-total_removed, kind="mergesort")[:n]
        shown = np.sort(top)
    rows, counts = articles.iloc[shown], counts.iloc[shown]
    present = counts.columns[counts.sum(axis=0) > 0]
    labels = [f"{a} ({o if isinstance(o, str) and o else 'unknown'})"
              for a, o in zip(short_ids(rows["article_id"]), rows["outlet"])]
    ax = new_axes(ax, figsize=(6.4, 0.3 * len(rows) + 1.5))
    kept = rows["n_words"].to_numpy(dtype=float)
    # The x axis runs from 0 to the longest bar plus 5%: so many points per word.
    x_max = 1.05 * max(float((kept + counts[present].sum(axis=1).to_numpy()).max(initial=0)), 1.0)
    points_per_word = ax.get_window_extent().width * 72.0 / ax.figure.dpi / x_max
    visible = [r for r in present if counts[r].max() * points_per_word >= MIN_VISIBLE_POINTS]
    tiny = [r for r in present if r not in visible]
    order = [r for r in REASON_COLORS if r in visible] + sorted(r for r in visible if r not in REASON_COLORS)
    palette = iter(c for c in OKABE_ITO if c not in REASON_COLORS.values())
    colors = {r: REASON_COLORS.get(r) or next(palette, OTHER_COLOR) for r in order}
    y = np.arange(len(rows))[::-1]
    left = kept
    segment = {"edgecolor": "white", "linewidth": 0.5}
    ax.barh(y, kept, color="#DDDDDD", label="kept (body)", **segment)
    for reason in order:
        values = counts[reason].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=colors[reason], label=reason, **segment)
        left = left + values
    handles, names = ax.get_legend_handles_labels()
    if tiny:
        tiny = [r for r in REASON_COLORS if r in tiny] + sorted(r for r in tiny if r not in REASON_COLORS)
        pooled = counts[tiny].sum(axis=1).to_numpy(dtype=float)
        hatch = {"facecolor": "white", "edgecolor": OTHER_COLOR, "hatch": "/////", "linewidth": 0}
        ax.barh(y, pooled, left=left, **hatch)
        seen = pooled.max() * points_per_word >= MIN_VISIBLE_POINTS
        handles.append(Patch(**hatch) if seen else Patch(visible=False))
        head = "other" if seen else "too few words to see"
        names.append(textwrap.fill(f"{head} ({int(pooled.sum()):,} words): " + ", ".join(tiny), 30,
                                   subsequent_indent="  "))
    ax.set_xlim(0, x_max)
    ax.set_yticks(y, labels, fontsize=8 if len(rows) > 15 else None)
    ax.set_xlabel("Words in the raw file")
    if len(rows) < len(articles):
        rest = len(articles) - len(rows)
        ax.set_title(f"The {len(rows)} articles with the most words removed; {rest:,} more "
                     f"({int(total_removed.sum() - counts.to_numpy().sum()):,} words removed) not shown", fontsize=9)
    ax.grid(axis="y", visible=False)
    ax.legend(handles, names, frameon=False, fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax


def plot_top_terms(frequencies: pd.DataFrame, *, by: str = "outlet", n: int = 10, value: str = "n",
                   sharex: bool = False, max_panels: int = MAX_PANELS, axes=None):
    """Small multiples of horizontal bars: the top ``n`` terms of each group.

    Args:
        frequencies: One row per (group, term) with columns ``by``, ``term`` and ``value``.
        by: The grouping column (one panel per group).
        n: Terms per panel.
        value: The column to plot (``n`` counts, or ``share``).
        sharex: Share the x axis across panels.
        max_panels: At most this many panels: beyond, the smaller groups (by total
            ``value``) are pooled in a last panel "other (mean of k)": their average group.
        axes: A sequence of Axes, one per group; a new figure (rows of up to four panels) when None.

    Returns:
        The array of Axes, one per group, each with one bar per term (at most ``n``).

    Raises:
        ValueError: ``axes`` has fewer Axes than there are groups.
    """
    require_columns(frequencies, [by, "term", value], name="frequencies")
    frequencies = frequencies.assign(**{by: frequencies[by].astype("string").fillna("unknown")})
    pooled = pool_groups(frequencies, by, weight=value, max_groups=max_panels)
    if pooled is not frequencies:
        frequencies = average_other(pooled, by, [by, "term"], [value],
                                    n_groups=frequencies[by].nunique() - (max_panels - 1))
    groups = list(dict.fromkeys(frequencies[by]))
    axes = panel_axes(axes, len(groups), figsize=(3.2 * len(groups), 0.28 * n + 1.2), sharex=sharex,
                      name=f"groups of {by!r}")
    for ax, group in zip(axes, groups):
        top = frequencies[frequencies[by] == group].nlargest(n, value).iloc[::-1]
        color = (OTHER_COLOR if is_other(group) else source_color(None if group == "unknown" else group)) \
            if by == "outlet" else OKABE_ITO[0]
        ax.barh(top["term"], top[value], color=color)
        ax.set_title(str(group), fontsize=10)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("Occurrences" if value == "n" else value.replace("_", " "))
    return axes


def plot_dispersion(hits: pd.DataFrame, articles: pd.DataFrame, *, n: int = 20, ax=None):
    """A dispersion plot (as in Voyant and NLTK): where each term occurs along each article.

    Args:
        hits: One row per occurrence, with ``article_id``, ``term`` and ``relative_position`` (0–1).
        articles: The ``articles`` table (``article_id``, ``outlet``, ``language``), for row order and labels.
        n: Articles drawn at most: beyond, the ``n`` with the most hits (in table order);
            the title says how many are left out.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The Axes, with one row per (term, article), a tick per occurrence coloured by the
        article's outlet, and a legend of the outlets drawn (right of the plot, hiding no
        tick), in the order they first appear.
    """
    from matplotlib.lines import Line2D

    require_columns(hits, ["article_id", "term", "relative_position"], name="hits")
    require_columns(articles, ["article_id", "outlet", "language"], name="articles")
    terms = list(dict.fromkeys(hits["term"]))
    ids = articles["article_id"].tolist()
    if len(ids) > n:
        per_article = hits["article_id"].value_counts()
        ranked = sorted(range(len(ids)), key=lambda i: (-per_article.get(ids[i], 0), i))[:n]
        ids = [ids[i] for i in sorted(ranked)]
    rows = [(t, a) for t in terms for a in ids]
    ax = new_axes(ax, figsize=(6.4, 0.22 * len(rows) + 1.2))
    meta = articles.drop_duplicates("article_id").set_index("article_id")
    label = dict(zip(ids, short_ids(ids)))
    for i, (term, article_id) in enumerate(rows):
        pos = hits.loc[(hits["term"] == term) & (hits["article_id"] == article_id), "relative_position"]
        outlet = meta.loc[article_id, "outlet"]
        ax.scatter(pos, np.full(len(pos), i), marker="|", s=120 if len(rows) <= 40 else 40, color=source_color(outlet))
    ax.set_yticks(range(len(rows)), [f"{t} · {label[a]} ({meta.loc[a, 'language']})" for t, a in rows],
                  fontsize=8 if len(rows) <= 40 else 6)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("Position in the article (0 = start, 1 = end)")
    ax.grid(axis="y", visible=False)
    for k in range(1, len(terms)):
        ax.axhline(k * len(ids) - 0.5, color="#CCCCCC", lw=0.8)
    if len(ids) < len(articles):
        ax.set_title(f"The {len(ids)} articles with the most hits; {len(articles) - len(ids):,} more not shown",
                     fontsize=9)
    outlets = list(dict.fromkeys(meta.loc[a, "outlet"] if isinstance(meta.loc[a, "outlet"], str)
                                 and meta.loc[a, "outlet"] else None for a in ids))
    handles = [Line2D([], [], marker="|", linestyle="", markersize=10, markeredgewidth=1.5,
                      color=source_color(outlet), label=outlet or "unknown") for outlet in outlets]
    ax.legend(handles=handles, title="Outlet", frameon=False, fontsize=8, title_fontsize=8, loc="upper left",
              bbox_to_anchor=(1.01, 1.0), ncol=1 if len(handles) <= 20 else 2)
    return ax


def plot_similarity_heatmap(similarity: pd.DataFrame, *, labels: Sequence[str] | None = None, ax=None,
                            cmap: str = "Blues", annotate: bool = True):
    """A heatmap of a square similarity table (index and columns are the same ids).

    Args:
        similarity: Square DataFrame of similarities in [0, 1].
        labels: Tick labels (default: the index, as short as it stays unique); beyond 40,
            every k-th is shown.
        ax: Axes to draw on; a new figure when None.
        cmap: A sequential colormap.
        annotate: Write each value in its cell (for small corpora).

    Returns:
        The Axes, with one image.
    """
    if similarity.shape[0] != similarity.shape[1]:
        raise ValueError(f"`similarity` must be square, got shape {similarity.shape}")
    labels = list(labels) if labels is not None else short_ids(similarity.index)
    size = max(3.5, 0.6 * len(labels) + 2)
    ax = new_axes(ax, figsize=(size, size * 0.85))
    values = similarity.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, vmin=0, vmax=1)
    # At most about 40 tick labels, evenly spaced, so they stay readable on a large corpus.
    step = max(1, -(-len(labels) // 40))
    ticks = list(range(0, len(labels), step))
    fontsize = None if len(labels) <= 15 else 7
    ax.set_xticks(ticks, [labels[i] for i in ticks], rotation=45 if len(labels) <= 15 else 90,
                  ha="right" if len(labels) <= 15 else "center", fontsize=fontsize)
    ax.set_yticks(ticks, [labels[i] for i in ticks], fontsize=fontsize)
    ax.grid(False)
    if annotate and len(labels) <= 15:
        for i in range(len(labels)):
            for j in range(len(labels)):
                ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=8,
                        color="white" if values[i, j] > 0.6 else "black")
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="Cosine similarity")
    return ax
