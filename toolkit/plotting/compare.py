"""Plots of cross-source comparison (notebook 03; tables of toolkit.compare)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.plotting.style import MAX_FIGSIZE, OKABE_ITO, OTHER_COLOR, OTHER_LABEL, STATUS_COLORS, new_axes
from toolkit.schema import require_columns, require_same_pair


#: How a sentence that is only a dateline or sign-off is drawn: the agency's credit, neither
#: aligned nor unaligned news (a white box with a dashed grey frame and grey italics, as
#: :func:`toolkit.display.render_differences` frames it; told apart by line and type, not hue).
CREDIT_STYLE = {"facecolor": "white", "edgecolor": "#555555", "linestyle": "--", "linewidth": 1.0}
CREDIT_TEXT_COLOR = "#555555"
#: The legend entry of credit sentences (the wording of render_differences).
CREDIT_LABEL = "dateline / sign-off"


def plot_alignment(alignment: pd.DataFrame, *, labels: Sequence[str] | None = None, ax=None, width: int = 42,
                   differences: pd.DataFrame | None = None, articles: pd.DataFrame | None = None):
    """Ribbons between the aligned sentences of two articles, coloured by status.

    Each article is a column of boxes, one per sentence in reading order (a on the left,
    b on the right); a ribbon joins each aligned pair, so reordered sentences cross and a
    many-to-one group fans out from one box. Sentences unique to one side stay grey.

    With ``differences`` (the :func:`toolkit.compare.compare_versions` table of the same
    pair), a sentence that is nothing but a dateline or sign-off ("Hanoï, 16 mai (RHC)",
    "– VNA", "WASHINGTON —") is drawn as the agency's credit: a white box in a dashed grey
    frame, its text in grey italics, under the legend entry "dateline / sign-off", as
    :func:`toolkit.display.render_differences` frames it. The table never lists such a
    sentence as omitted or added, whether the two versions' credits differ (a ``dateline``
    or ``signoff`` row) or are alike (no row); the figure reads them as the table does
    (:func:`toolkit.compare.versions.view_credits`), with one exception when ``articles``
    is not given: a sign-off alike in both versions by their outlet's own code that the
    outlet registry lacks ("... –BL" of outlet BL) has no row to tell the code, and is
    then drawn as an ordinary sentence. A sentence that holds a credit and other words (a
    sign-off at the end of the last sentence) keeps its status colour.

    Args:
        alignment: From :func:`toolkit.compare.align_sentences` (``sentence_id_a``,
            ``sentence_id_b``, ``text_a``, ``text_b``, ``status``).
        labels: Headings of the two columns (default: the article ids).
        ax: Axes to draw on; a new figure sized to the longer article when None.
        width: Characters of each sentence shown beside its box.
        differences: Optional; from :func:`toolkit.compare.compare_versions` for the same
            articles a and b (``article_id_a``, ``article_id_b``, ``kind``,
            ``sentence_id_a``, ``sentence_id_b``, ``text_a``, ``text_b``). Only its
            ``signoff`` rows are read (for an agency that only the article's outlet makes one).
        articles: Optional, with ``differences``: the articles table (``article_id``, and
            ``outlet`` if it has one), so a sign-off is read with each article's own
            outlet, as :func:`toolkit.compare.compare_versions` read it.

    Returns:
        The Axes: one rectangle per sentence (``ax.patches``, boxes first) and one ribbon
        patch per aligned pair, after them.

    Raises:
        ValueError: a column is missing, ``differences`` compares other articles than
            ``alignment`` (or the same in the other order), or ``articles`` lacks one of them.

    Example:
        >>> alignment = align_sentences(sentences, a, b, articles=articles)
        >>> ax = plot_alignment(alignment, articles=articles,
        ...                     differences=compare_versions(sentences, articles, a, b, alignment=alignment))
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
    credit = ({"a": set(), "b": set()} if differences is None
              else _credit_sentences(alignment, differences, sides, articles))
    n = max(len(sides["a"]), len(sides["b"]), 1)
    # Long articles: thinner rows and smaller type, within the largest figure.
    row = min(0.32, (MAX_FIGSIZE[1] - 1.4) / n)
    fontsize = max(5.0, min(8.0, row * 72 * 0.75))
    ax = new_axes(ax, figsize=(9.0, row * n + 1.4))
    position = {side: {k: i for i, (k, _, _) in enumerate(sides[side])} for side in "ab"}
    box, left, right = 0.1, 0.0, 1.0
    drawn = set()
    for side, x in (("a", left), ("b", right - box)):
        for i, (k, text, status) in enumerate(sides[side]):
            label = f"{k}  {textwrap.shorten(text, width, placeholder='…')}" if side == "a" else \
                f"{textwrap.shorten(text, width, placeholder='…')}  {k}"
            where = dict(x=x - 0.02 if side == "a" else x + box + 0.02, y=i, s=label,
                         ha="right" if side == "a" else "left", va="center", fontsize=fontsize)
            if k in credit[side]:
                ax.add_patch(Rectangle((x, i - 0.4), box, 0.8, **CREDIT_STYLE))
                ax.text(**where, color=CREDIT_TEXT_COLOR, fontstyle="italic")
                continue
            drawn.add(status)
            ax.add_patch(Rectangle((x, i - 0.4), box, 0.8, facecolor=STATUS_COLORS.get(status, OTHER_COLOR),
                                   edgecolor="white", alpha=_box_alpha(status)))
            ax.text(**where, color="#333333" if status != "unique" else "#888888")
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
        drawn.add(str(status))
    labels = list(labels) if labels is not None else [str(alignment["article_id_a"].iloc[0]) if len(alignment) else "a",
                                                      str(alignment["article_id_b"].iloc[0]) if len(alignment) else "b"]
    ax.text(left + box / 2, -0.9, labels[0], ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.text(right - box / 2, -0.9, labels[1], ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.set_xlim(-1.45, 2.45)
    ax.set_ylim(n - 0.4, -1.2)
    ax.set_axis_off()
    # Each swatch as its boxes are drawn (the grey of "unique" is lighter than its solid colour).
    handles = [Patch(color=STATUS_COLORS[s], alpha=_box_alpha(s), label=s) for s in STATUS_COLORS if s in drawn]
    if credit["a"] or credit["b"]:
        handles.append(Patch(**CREDIT_STYLE, label=CREDIT_LABEL))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=max(len(handles), 1),
              frameon=False, fontsize=8)
    return ax


def _box_alpha(status: str) -> float:
    """The opacity of a sentence box of ``status``: unaligned sentences paler than aligned ones."""
    return 0.5 if status == "unique" else 0.9


def _credit_sentences(alignment: pd.DataFrame, differences: pd.DataFrame, sides: dict,
                      articles: pd.DataFrame | None) -> dict[str, set[int]]:
    """Per side, the ids of the sentences that are nothing but a dateline or sign-off, read as
    :func:`toolkit.compare.compare_versions` reads them (its ``view_credits``: the alignment has
    no offsets, so the text is laid out from its sentences in order)."""
    from toolkit.compare.versions import article_outlets, view_credits

    require_columns(differences, ["article_id_a", "article_id_b", "kind", "sentence_id_a", "sentence_id_b",
                                  "text_a", "text_b"], name="differences")
    require_same_pair(alignment, differences)
    if alignment.empty:
        return {"a": set(), "b": set()}
    outlets = article_outlets(articles, str(alignment["article_id_a"].iloc[0]), str(alignment["article_id_b"].iloc[0]))
    return {side: set(view_credits(pd.DataFrame([(k, text) for k, text, _ in sides[side]],
                                                columns=["sentence_id", "text"]), differences, side,
                                   outlet=outlets[side]).sentence_ids)
            for side in "ab"}


def plot_story_attention(attention: pd.DataFrame, *, value: str = "n_articles", ax=None, width: int = 45,
                         max_outlets: int = 25, max_stories: int = 7):
    """Stacked horizontal bars: how much each outlet gave each story (Media Cloud's attention).

    Args:
        attention: From :func:`toolkit.compare.story_attention` (``story_id``,
            ``story_title``, ``outlet`` and ``value``).
        value: ``n_articles``, ``n_words`` or ``share_of_outlet_words``.
        ax: Axes to draw on; a new figure when None.
        width: Characters of each story title in the legend.
        max_outlets: At most this many bars: the smaller outlets are pooled in one bar
            "other (mean of k)", their average outlet (on the scale of the bars beside it).
        max_stories: At most this many stories in colour: the smaller ones (by total) are
            pooled as "other stories", in grey (the palette has seven distinct colours).

    Returns:
        The Axes, one bar container per story shown (one segment per outlet), outlets
        sorted by their total, largest at the top.

    Example:
        >>> ax = plot_story_attention(story_attention(articles, stories), value="n_words")
    """
    import textwrap

    require_columns(attention, ["story_id", "story_title", "outlet", value], name="attention")
    attention = attention.assign(outlet=attention["outlet"].astype("string").fillna("unknown"),
                                 story_id=attention["story_id"].astype(str))
    table = attention.pivot_table(index="outlet", columns="story_id", values=value, aggfunc="sum", fill_value=0)
    if len(table) > max_outlets:
        totals = table.sum(axis=1).sort_values(ascending=False, kind="mergesort")
        k = len(totals) - max_outlets + 1
        rest = (table.loc[totals.index[max_outlets - 1:]].sum() / k).rename(f"{OTHER_LABEL} (mean of {k})")
        table = pd.concat([table.loc[totals.index[:max_outlets - 1]], rest.to_frame().T])
    stories = table.sum().sort_values(ascending=False, kind="mergesort").index
    pooled = None
    if len(stories) > max_stories:
        pooled = table[stories[max_stories - 1:]].sum(axis=1)
        table = table[[c for c in table.columns if c in set(stories[:max_stories - 1])]]
    order = table.sum(axis=1) + (pooled if pooled is not None else 0)
    table = table.loc[order.sort_values(kind="mergesort").index]
    titles = attention.drop_duplicates("story_id").set_index("story_id")["story_title"]
    ax = new_axes(ax, figsize=(6.4, 0.3 * len(table) + 2.2))
    y = np.arange(len(table))
    left = np.zeros(len(table))
    for n, story_id in enumerate(table.columns):
        values = table[story_id].to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=OKABE_ITO[n % len(OKABE_ITO)], edgecolor="white",
                label=f"{story_id} · {textwrap.shorten(str(titles.get(story_id, story_id)), width, placeholder='…')}")
        left = left + values
    if pooled is not None:
        values = pooled.reindex(table.index).to_numpy(dtype=float)
        ax.barh(y, values, left=left, color=OTHER_COLOR, edgecolor="white",
                label=f"{len(stories) - len(table.columns)} other stories")
    ax.set_yticks(y, [str(o) for o in table.index], fontsize=8 if len(table) > 15 else None)
    ax.set_xlabel({"n_articles": "Articles", "n_words": "Words",
                   "share_of_outlet_words": "Share of the outlet's words"}.get(value, value.replace("_", " ")))
    ax.grid(axis="y", visible=False)
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=1, title="Story",
              title_fontsize=8)
    return ax
