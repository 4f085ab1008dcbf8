"""Plots of the corpus (notebook 01): removed boilerplate, top terms, dispersion, document similarity."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.plotting.style import OKABE_ITO, REASON_COLORS, new_axes, panel_axes, source_color
from toolkit.schema import require_columns


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
    ax = new_axes(ax, figsize=(6.4, 0.5 * len(articles) + 1.5))
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
        axes: A sequence of Axes, one per group; a new figure (one row) when None.

    Returns:
        The array of Axes, one per group, each with one bar per term (at most ``n``).

    Raises:
        ValueError: ``axes`` has fewer Axes than there are groups.
    """
    require_columns(frequencies, [by, "term", value], name="frequencies")
    frequencies = frequencies.assign(**{by: frequencies[by].astype("string").fillna("unknown")})
    groups = list(dict.fromkeys(frequencies[by]))
    axes = panel_axes(axes, len(groups), figsize=(3.2 * len(groups), 0.28 * n + 1.2), sharex=sharex,
                      name=f"groups of {by!r}")
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
    ax = new_axes(ax, figsize=(6.4, 0.22 * len(rows) + 1.2))
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
    ax = new_axes(ax, figsize=(size, size * 0.85))
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
