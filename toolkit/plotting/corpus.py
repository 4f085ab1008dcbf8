"""Plots of the corpus (notebook 01): removed boilerplate, top terms, dispersion, document similarity."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.plotting.style import (
    LABEL_SPACING,
    MAX_PANELS,
    MIN_LABEL_SIZE,
    OKABE_ITO,
    OTHER_COLOR,
    REASON_COLORS,
    add_note,
    article_labels,
    average_other,
    axes_points,
    is_other,
    label_size,
    new_axes,
    panel_axes,
    pool_groups,
    short_ids,
    source_color,
)
from toolkit.schema import require_columns


#: A heatmap ordered by at most this many groups draws lines across between them; beyond, it
#: frames each group's own block on the diagonal.
MAX_GROUP_LINES = 12

#: A heatmap too large to label every row labels at most this many (groups or articles).
MAX_TICK_LABELS = 60

#: A bar segment narrower than this (points, at the figure's size) cannot be told apart.
MIN_VISIBLE_POINTS = 2.0


def plot_removed_by_article(removed: pd.DataFrame, articles: pd.DataFrame, *, n: int = 30, ax=None):
    """Stacked horizontal bars: words removed per article, by reason, next to the words kept.

    Only articles that lost text are drawn. A note under the x axis label (where a title set
    afterwards does not erase it) says what is not shown: the articles beyond the ``n`` drawn
    and the words they lost, and the articles with nothing removed. Labels are sized to the
    room each bar has so that they never touch; when the Axes is too small for ``n`` bars at
    :data:`~toolkit.plotting.style.MIN_LABEL_SIZE`, fewer are drawn (and the note counts them).

    A report's reader matches each colour of the legend to a segment they can see, so the
    legend lists only those: reasons too thin to see in every bar (each segment under
    :data:`MIN_VISIBLE_POINTS` wide at the figure's size) are pooled into one hatched segment
    (the bars keep their true length), listed last as "other (k words): their names"; when
    even the pooled segment is too thin to see, that entry has no swatch and reads "too few
    words to see (k words): their names", so nothing removed goes unmentioned.

    Args:
        removed: The ``removed`` table (``article_id, reason, text``).
        articles: The ``articles`` table (``article_id, outlet, n_words``).
        n: Articles drawn at most: the ``n`` with the most words removed, in table order.
        ax: Axes to draw on; a new figure when None.

    Returns:
        The Axes, with one bar segment per article drawn for the kept body, for each reason
        visible in the articles shown and, when some reasons are too thin to see, for them
        pooled; the legend lists "kept (body)", the visible reasons, then the pooled ones.
    """
    import textwrap

    from matplotlib.patches import Patch

    require_columns(removed, ["article_id", "reason", "text"], name="removed")
    require_columns(articles, ["article_id", "outlet", "n_words"], name="articles")
    words = removed.assign(n=removed["text"].fillna("").astype(str).str.split().str.len().astype(int))
    counts = words.pivot_table(index="article_id", columns="reason", values="n", aggfunc="sum", fill_value=0)
    counts = counts.reindex(articles["article_id"], fill_value=0)
    total_removed = counts.sum(axis=1).to_numpy()
    lost = np.flatnonzero(total_removed > 0)
    ranked = lost[np.argsort(-total_removed[lost], kind="mergesort")]
    ax = new_axes(ax, figsize=(6.4, 0.3 * min(len(lost), n) + 1.5))
    # As many bars as the Axes has room for with labels that do not touch.
    height = axes_points(ax)[1]
    n = max(1, min(n, int(height // (LABEL_SPACING * MIN_LABEL_SIZE))))
    shown = np.sort(ranked[:n])
    n_more, n_clean = len(lost) - len(shown), len(articles) - len(lost)
    parts = []
    if n_more:
        more_words = int(total_removed[ranked[n:]].sum())
        parts.append(f"{n_more:,} more article{'s' * (n_more != 1)} that lost text ({more_words:,} words)")
    if n_clean:
        parts.append(f"{n_clean:,} article{'s' * (n_clean != 1)} with nothing removed")
    if not len(shown):
        ax.set_yticks([])
        ax.set_xlabel("Words in the raw file")
        add_note(ax, "No article lost any text" if len(articles) else "No articles")
        return ax
    rows, counts = articles.iloc[shown], counts.iloc[shown]
    present = counts.columns[counts.sum(axis=0) > 0]
    known = rows["outlet"].map(lambda o: isinstance(o, str) and bool(o))
    labels = [f"{a} ({o if k else 'unknown'})" if known.any() else a  # no outlet known: ids alone
              for a, o, k in zip(short_ids(rows["article_id"]), rows["outlet"], known)]
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
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_yticks(y, labels, fontsize=label_size(height / len(rows), largest=10 if len(rows) <= 15 else 8)
                  or MIN_LABEL_SIZE)  # an Axes too small for one row: the smallest size, not matplotlib's 10
    ax.set_xlabel("Words in the raw file")
    if parts:
        add_note(ax, "Not shown: " + "; ".join(parts) + ".")
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

    One block per term, headed by the term and the number of articles drawn that use it, with
    one row per article that uses it (an article without the term has no row in its block).
    Articles without any of the terms are left out; a note under the x axis label (where a
    title set afterwards does not erase it) says how many, and how many more with hits were
    left out beyond ``n``. Row labels give the article's id, and its language when
    ``articles`` holds more than one; they are sized to the room each row has so that they
    never touch, and when the Axes is too small for every row at
    :data:`~toolkit.plotting.style.MIN_LABEL_SIZE`, fewer articles are drawn.

    Args:
        hits: One row per occurrence, with ``article_id``, ``term`` and ``relative_position`` (0–1).
        articles: The ``articles`` table (``article_id``, ``outlet``, ``language``), for row order and labels.
        n: Articles drawn at most: beyond, the ``n`` with the most hits (in table order).
        ax: Axes to draw on; a new figure when None.

    Returns:
        The Axes, with a heading row per term then one row per article drawn that uses it
        (in table order), a tick per occurrence coloured by the article's outlet, and a
        legend of the outlets drawn (right of the plot, hiding no tick), in the order they
        first appear.
    """
    from matplotlib.lines import Line2D

    require_columns(hits, ["article_id", "term", "relative_position"], name="hits")
    require_columns(articles, ["article_id", "outlet", "language"], name="articles")
    terms = list(dict.fromkeys(hits["term"]))
    meta = articles.drop_duplicates("article_id").set_index("article_id")
    hits = hits[hits["article_id"].isin(meta.index)]
    per_article = hits["article_id"].value_counts()
    order = {a: i for i, a in enumerate(meta.index)}
    with_hits = sorted(per_article.index, key=lambda a: (-per_article[a], order[a]))
    uses = {t: set(hits.loc[hits["term"] == t, "article_id"]) for t in terms}

    def layout(k):
        ids = sorted(with_hits[:k], key=order.get)
        return ids, [row for t in terms for row in [(t, None)] + [(t, a) for a in ids if a in uses[t]]]

    ids, rows = layout(n)
    ax = new_axes(ax, figsize=(6.4, 0.22 * len(rows) + 1.2))
    height = axes_points(ax)[1]
    fits = max(1, int(height // (LABEL_SPACING * MIN_LABEL_SIZE)))
    while len(rows) > fits and len(ids) > 1:
        ids, rows = layout(len(ids) - 1)
    room = height / max(len(rows), 1)
    several_languages = articles["language"].nunique(dropna=False) > 1
    label = dict(zip(ids, short_ids(ids)))
    tick_labels = []
    for i, (term, article_id) in enumerate(rows):
        if article_id is None:
            k = sum(a in uses[term] for a in ids)
            tick_labels.append(f"{term}: {k} of {len(ids)} article{'s' * (len(ids) != 1)}")
            if i:
                ax.axhline(i - 0.5, color="#CCCCCC", lw=0.8)
            continue
        pos = hits.loc[(hits["term"] == term) & (hits["article_id"] == article_id), "relative_position"]
        ax.scatter(pos, np.full(len(pos), i), marker="|", s=min(120.0, (0.8 * room) ** 2),
                   color=source_color(meta.loc[article_id, "outlet"]))
        lang = meta.loc[article_id, "language"]
        tick_labels.append(f"{label[article_id]} ({lang if isinstance(lang, str) and lang else '?'})"
                           if several_languages else label[article_id])
    ax.set_yticks(range(len(rows)), tick_labels, fontsize=label_size(room, largest=8) or MIN_LABEL_SIZE)
    for tick, (_, article_id) in zip(ax.yaxis.get_major_ticks(), rows):
        if article_id is None:  # a term's heading
            tick.label1.set_fontweight("bold")
            tick.tick1line.set_visible(False)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.set_xlabel("Position in the article (0 = start, 1 = end)")
    ax.grid(axis="y", visible=False)
    n_more, n_none = len(with_hits) - len(ids), len(meta) - len(with_hits)
    parts = [f"{n_more:,} more article{'s' * (n_more != 1)} with no more hits than those drawn"] if n_more else []
    if n_none:
        parts.append(f"{n_none:,} article{'s' * (n_none != 1)} with none of the terms")
    if parts:
        add_note(ax, "Not shown: " + "; ".join(parts) + ".")
    outlets = list(dict.fromkeys(meta.loc[a, "outlet"] if isinstance(meta.loc[a, "outlet"], str)
                                 and meta.loc[a, "outlet"] else None for a in ids))
    handles = [Line2D([], [], marker="|", linestyle="", markersize=10, markeredgewidth=1.5,
                      color=source_color(outlet), label=outlet or "unknown") for outlet in outlets]
    ax.legend(handles=handles, title="Outlet", frameon=False, fontsize=8, title_fontsize=8, loc="upper left",
              bbox_to_anchor=(1.01, 1.0), ncol=1 if len(handles) <= 20 else 2)
    return ax


def _cluster_order(values: np.ndarray) -> np.ndarray:
    """Rows in the order of an average-linkage clustering of ``1 - similarity`` (leaves
    ordered so that neighbours are alike), so that groups of similar rows sit together."""
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    if len(values) < 3:
        return np.arange(len(values))
    distance = 1.0 - np.nan_to_num((values + values.T) / 2, nan=0.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(np.clip(distance, 0.0, None), checks=False), method="average",
                   optimal_ordering=True)
    return leaves_list(tree)


def _row_groups(groups, index: pd.Index, *, name: str = "groups") -> list[str]:
    """One value (group or label) per row of ``index``, from a Series or mapping keyed by id,
    or a sequence in row order; missing values are "unknown"."""
    if isinstance(groups, (pd.Series, dict)):
        keyed = pd.Series(groups)
        keyed.index = keyed.index.astype(str)
        keyed = keyed[~keyed.index.duplicated()]
        missing = index.difference(keyed.index)
        if len(missing) and name == "articles":
            raise ValueError(f"`articles` lacks {len(missing)} article_id(s) of the similarity table, e.g. "
                             f"{missing[0]!r}")
        if len(missing):
            raise ValueError(f"`{name}` must give a value for each id of the similarity table (a Series "
                             "indexed by article_id, e.g. articles.set_index('article_id')['outlet']); "
                             f"{len(missing)} ids have none, e.g. {missing[0]!r}")
        values = keyed.reindex(index)
    else:
        values = pd.Series(list(groups))
        if len(values) != len(index):
            raise ValueError(f"`{name}` must have one value per row ({len(index)}), got {len(values)}")
    return ["unknown" if pd.isna(v) or v == "" else str(v) for v in values]


def plot_similarity_heatmap(similarity: pd.DataFrame, *, articles: pd.DataFrame | None = None,
                            labels: Sequence[str] | None = None, groups=None, order: str = "auto", ax=None,
                            cmap: str = "Blues", annotate: bool = True):
    """A heatmap of a square similarity table (index and columns are the same ids).

    On a large corpus, the order of the rows is what makes the picture: ``groups`` (a story,
    event or outlet per article) puts each group's rows together, framed by lines, so that
    the similarity within and between groups shows as blocks; ``order="cluster"`` puts
    similar articles next to each other. Every row is labelled while labels that never touch
    fit in its height (at :data:`~toolkit.plotting.style.MIN_LABEL_SIZE` or more); beyond,
    the groups are labelled at the middle of their blocks (as many as fit), or without
    ``groups``, every k-th row, and a note under the x axis says so.

    Args:
        similarity: Square DataFrame of similarities in [0, 1], indexed by article id (as
            :func:`toolkit.document_similarity` returns it: sorted by id, which need not be
            the order of ``articles``).
        articles: The ``articles`` table (``article_id``, ``outlet``, ``language``), matched
            to the rows by id: the labels are then :func:`~toolkit.plotting.style.article_labels`
            (``003 VNA (fr)``), and ``groups`` may name one of its columns.
        labels: Tick labels: a Series (or dict) keyed by id, or a sequence in the table's row
            order (default: from ``articles``, else the index as short as it stays unique).
        groups: The group of each row, to order and frame the rows by: a column of
            ``articles`` (``"event_id"``, ``"outlet"``), a Series (or dict) indexed by id,
            or a sequence in row order. Groups are drawn in order of first appearance
            (after clustering, when it applies).
        order: ``"given"`` keeps the table's order (within groups); ``"cluster"`` orders rows
            by an average-linkage clustering of ``1 - similarity`` (within groups); ``"auto"``
            clusters beyond 15 rows.
        ax: Axes to draw on; a new figure when None.
        cmap: A sequential colormap.
        annotate: Write each value in its cell (up to 15 rows).

    Returns:
        The Axes, with one image, in the order drawn.

    Raises:
        ValueError: ``similarity`` is not square, ``order`` is unknown, or ``labels`` or
            ``groups`` miss rows.

    Example:
        >>> tk.plot_similarity_heatmap(similarity, articles=articles, groups="event_id")
    """
    if similarity.shape[0] != similarity.shape[1]:
        raise ValueError(f"`similarity` must be square, got shape {similarity.shape}")
    from matplotlib.patches import Rectangle

    if order not in {"auto", "given", "cluster"}:
        raise ValueError(f"`order` must be one of 'auto', 'given', 'cluster', got {order!r}")
    title, labels_from = None, "labels"
    if articles is not None:
        require_columns(articles, ["article_id", "outlet", "language"], name="articles")
        articles = articles.drop_duplicates("article_id")
        if labels is None:
            labels = pd.Series(article_labels(articles), index=articles["article_id"].astype(str).to_numpy())
            labels_from = "articles"
        if isinstance(groups, str):
            require_columns(articles, [groups], name="articles")
            title = groups
            groups = pd.Series(articles[groups].to_numpy(), index=articles["article_id"].astype(str).to_numpy())
    elif isinstance(groups, str):
        raise ValueError(f"`groups` names a column ({groups!r}): pass `articles` too")
    index = similarity.index.astype(str)
    if labels is None:
        labels = short_ids(similarity.index)
    labels = _row_groups(labels, index, name=labels_from)
    n_rows = len(labels)
    values = similarity.to_numpy(dtype=float)
    rows = _cluster_order(values) if order == "cluster" or (order == "auto" and n_rows > 15) \
        else np.arange(n_rows)
    names = None
    if groups is not None:
        names = _row_groups(groups, index)
        rank = {g: k for k, g in enumerate(dict.fromkeys(names[i] for i in rows))}
        rows = np.array(sorted(rows, key=lambda i: rank[names[i]]), dtype=int)  # stable: keeps the order within
    values = values[np.ix_(rows, rows)]
    labels = [labels[i] for i in rows]
    size = max(3.5, 0.6 * n_rows + 2)
    ax = new_axes(ax, figsize=(size, size * 0.85))
    image = ax.imshow(values, cmap=cmap, vmin=0, vmax=1)
    ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="Cosine similarity")
    ax.grid(False)
    room = min(axes_points(ax)) / max(n_rows, 1)
    fontsize = label_size(room, largest=10 if n_rows <= 15 else 7)
    if names is not None:
        drawn = [names[i] for i in rows]
        bounds = [k for k in range(1, n_rows) if drawn[k] != drawn[k - 1]]
        starts, ends = [0, *bounds], [*bounds, n_rows]
        if len(starts) <= MAX_GROUP_LINES:  # few groups: lines across, so the blocks between groups show too
            for k in bounds:
                ax.axhline(k - 0.5, color="#666666", lw=0.5)
                ax.axvline(k - 0.5, color="#666666", lw=0.5)
        else:  # many: each group's own block is framed
            for a, b in zip(starts, ends):
                ax.add_patch(Rectangle((a - 0.5, a - 0.5), b - a, b - a, fill=False, edgecolor="#333333", lw=0.6))
        title = title or (groups.name if isinstance(groups, pd.Series) and groups.name else "group")
        ax.set_xlabel(f"Articles by {title} ({len(starts):,} group{'s' * (len(starts) != 1)})")
        note = f"Rows and columns ordered by {title}, " + (
            "lines between groups" if len(starts) <= MAX_GROUP_LINES else "each group's block framed")
    if fontsize is not None:
        ticks, tick_labels = list(range(n_rows)), labels
    elif names is not None:
        centres = [(a + b - 1) / 2 for a, b in zip(starts, ends)]
        group_names = [drawn[a] for a in starts]
        if max(map(len, group_names)) > 20:
            group_names = short_ids(group_names)
        fontsize = label_size(room * n_rows / len(starts), largest=7) or MIN_LABEL_SIZE
        # Rows between two labels that do not touch, and at most MAX_TICK_LABELS of them.
        gap = max(LABEL_SPACING * fontsize / room, n_rows / MAX_TICK_LABELS)
        ticks, tick_labels, last = [], [], -np.inf
        for centre, name in zip(centres, group_names):
            if centre - last >= gap:
                ticks.append(centre)
                tick_labels.append(name)
                last = centre
        ax.set_ylabel(f"Articles by {title}")
        note += "; labels name the groups"
        if len(ticks) < len(starts):
            note += f" ({len(ticks):,} of {len(starts):,} labelled)"
    else:
        step = max(int(np.ceil(LABEL_SPACING * MIN_LABEL_SIZE / room)), -(-n_rows // MAX_TICK_LABELS))
        fontsize = label_size(room * step, largest=7)
        ticks = list(range(0, n_rows, step))
        tick_labels = [labels[i] for i in ticks]
        add_note(ax, f"One article in {step} labelled (of {n_rows:,})"
                 + ("; similar articles are next to each other." if order != "given" else "."))
    if names is not None:
        add_note(ax, note + ".")
    ax.set_xticks(ticks, tick_labels, rotation=45 if n_rows <= 15 else 90,
                  ha="right" if n_rows <= 15 else "center", fontsize=fontsize)
    ax.set_yticks(ticks, tick_labels, fontsize=fontsize)
    if annotate and n_rows <= 15:
        for i in range(n_rows):
            for j in range(n_rows):
                ax.text(j, i, f"{values[i, j]:.2f}", ha="center", va="center", fontsize=8,
                        color="white" if values[i, j] > 0.6 else "black")
    return ax
