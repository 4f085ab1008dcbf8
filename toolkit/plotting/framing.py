"""Plots of framing (notebook 04; tables of toolkit.framing: frames, quotes and agency)."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager, transforms
from matplotlib.patches import Patch

from toolkit.framing.keywords import ALL_OTHER_GROUPS
from toolkit.plotting.style import (
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
        annotate: Write each value in its cell (one decimal); not with more than 12 groups,
            whose narrow columns are labelled vertically instead.
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
    many = len(groups) > 12
    ax = new_axes(ax, figsize=((0.3 if many else 1.1) * len(groups) + 3.2, 0.42 * len(labels) + 1.4))
    top = vmax if vmax is not None else (np.nanmax(values) if np.isfinite(values).any() else 1.0)
    image = ax.imshow(values, cmap=cmap, vmin=0, vmax=top or 1.0, aspect="auto")
    long_names = max(map(len, groups), default=0) > 8
    ax.set_xticks(range(len(groups)), groups, rotation=90 if many else 30 if long_names else 0,
                  ha="center" if many or not long_names else "right", fontsize=7 if many else None)
    ax.set_yticks(range(len(labels)), labels)
    ax.grid(False)
    if annotate and not many:
        for i in range(len(labels)):
            for j in range(len(groups)):
                if np.isfinite(values[i, j]):
                    ax.text(j, i, f"{values[i, j]:.1f}", ha="center", va="center", fontsize=8,
                            color="white" if values[i, j] > 0.6 * (top or 1.0) else "black")
    label = {"per_1000_words": "Hits per 1,000 words", "n_hits": "Hits"}.get(value, value.replace("_", " "))
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=label)
    return ax


def plot_keyness(keywords: pd.DataFrame, *, group: str | None = None, n: int = 10, rest: str | None = None,
                 ax=None):
    """Diverging bars of the log ratio: the lemmas a group over-uses (right) and under-uses (left).

    A legend below the x axis names what each colour means in the words of the groups
    compared ("more frequent in Cuba", "more frequent in Vietnam") and what the counts in
    brackets after each lemma are (its occurrences in the group / in the rest). Its text is
    9 pt, the house minimum at print size.

    Args:
        keywords: From :func:`toolkit.framing.keyness`.
        group: The group to draw (the first in the table by default).
        n: Lemmas per side, the highest G² first.
        rest: What ``group`` is compared with, in the legend and the x label. By default the
            table's ``rest`` column (:func:`~toolkit.framing.keyness` names the other group
            when it compared two, ``"all other groups"`` otherwise); in a table without it,
            the other group only when the table holds two whose counts show each was compared
            with the other (``n_rest`` of one is ``n_group`` of the other), else
            ``"all other groups"``: a table of groups A, B and C cut to A and C never says "A vs C".
        ax: Axes to draw on; a new figure when None.

    Returns:
        The Axes, one bar per lemma (at most ``2 n``), over-used at the top, each labelled
        with its counts in the group and in the rest, and a legend of the colours drawn
        whose title explains the counts.

    Raises:
        ValueError: the ``rest`` column names several comparisons of ``group`` (tables of
            several runs put together), or ``rest`` names another group of the table than the
            one ``group`` was compared with (a label cannot change the counts).

    Example:
        >>> ax = plot_keyness(keyness(tokens, articles, by="outlet_country"), group="Cuba")
    """
    require_columns(keywords, ["group", "lemma", "n_group", "n_rest", "g2", "log_ratio", "direction"],
                    name="keywords")
    group = group if group is not None else str(keywords["group"].iloc[0])
    compared = _compared_with(keywords, group)
    if rest is None:
        rest = compared
    elif rest.casefold() != compared.casefold() and rest.casefold() in set(
            keywords["group"].astype(str).str.casefold()):
        # A label cannot make another comparison: the counts would still be those of ``compared``.
        raise ValueError(f"`keywords` compares {group!r} with {compared}, not with {rest!r}: `rest=` only names "
                         f"the comparison; to compare {group!r} with {rest!r}, run keyness on the articles of "
                         "those two groups")
    rows = keywords[keywords["group"] == group]
    over = rows[rows["direction"] == "over"].nlargest(n, "g2").sort_values("log_ratio")
    under = rows[rows["direction"] == "under"].nlargest(n, "g2").sort_values("log_ratio")
    shown = pd.concat([under, over])
    ax = new_axes(ax, figsize=(6.4, 0.28 * len(shown) + 1.4))
    y = np.arange(len(shown))
    sides = {"over": (OKABE_ITO[3], f"more frequent in {group}"), "under": (OKABE_ITO[0], f"more frequent in {rest}")}
    ax.barh(y, shown["log_ratio"].to_numpy(dtype=float),
            color=[sides[d][0] for d in shown["direction"]])
    ax.set_yticks(y, [f"{lemma}  ({a}/{b})" for lemma, a, b in zip(shown["lemma"], shown["n_group"], shown["n_rest"])],
                  fontsize=9)
    ax.axvline(0, color="#444444", lw=0.8)
    ax.set_xlabel(f"Log ratio: log₂ of relative frequency, {group} vs {rest}")
    ax.grid(axis="y", visible=False)
    handles = [Patch(color=color, label=label) for d, (color, label) in sides.items()
               if (shown["direction"] == d).any()]
    ax.legend(handles=handles, frameon=False, fontsize=9, title_fontsize=9, ncol=2,
              title=f"Counts in brackets: occurrences in {group} / in {rest}", loc="upper center",
              bbox_to_anchor=(0.5, 0.0), bbox_transform=_below_xlabel(ax))
    return ax


def _compared_with(keywords: pd.DataFrame, group: str) -> str:
    """What ``group`` of a keyness table was compared with: its ``rest``; without one, the other group
    when the counts show the two were compared with each other; else :data:`ALL_OTHER_GROUPS`."""
    groups = keywords["group"].astype(str)
    if "rest" in keywords.columns:
        named = list(dict.fromkeys(keywords.loc[groups == group, "rest"].dropna().astype(str)))
        if len(named) > 1:
            raise ValueError(f"`keywords` compares group {group!r} with several rests {named}: "
                             "keep the rows of one keyness run")
        if named:
            return named[0]
    others = [g for g in dict.fromkeys(groups) if g != group]
    if len(others) == 1 and _compared_with_each_other(keywords[groups == group], keywords[groups == others[0]]):
        return others[0]
    return ALL_OTHER_GROUPS


def _compared_with_each_other(one: pd.DataFrame, other: pd.DataFrame) -> bool:
    """True when, for every lemma of both (at least one), the rest's count (and rate, when the table
    has rates) of each is the other's own: then each group's rest was the other alone."""
    one, other = one.drop_duplicates("lemma").set_index("lemma"), other.drop_duplicates("lemma").set_index("lemma")
    shared = one.index.intersection(other.index)
    if not len(shared):
        return False
    one, other = one.loc[shared], other.loc[shared]
    pairs = [("n_rest", "n_group")]
    if {"per_1000_rest", "per_1000_group"} <= set(one.columns):
        pairs.append(("per_1000_rest", "per_1000_group"))
    return all(np.allclose(a[rest].to_numpy(dtype=float), b[own].to_numpy(dtype=float))
               for rest, own in pairs for a, b in ((one, other), (other, one)))


def _below_xlabel(ax):
    """The axes' transform moved down past the x tick labels and the x label (in points, so
    whatever the axes' height), to anchor a legend under them."""
    tick_font = font_manager.FontProperties(size=mpl.rcParams["xtick.labelsize"]).get_size_in_points()
    down = (mpl.rcParams["xtick.major.size"] + mpl.rcParams["xtick.major.pad"] + 1.2 * tick_font
            + ax.xaxis.labelpad + 1.3 * ax.xaxis.label.get_size())
    return transforms.offset_copy(ax.transAxes, fig=ax.figure, y=-down, units="points")


def plot_agency(summary: pd.DataFrame, *, by: str = "outlet", n: int = 6, max_panels: int = MAX_PANELS, axes=None):
    """Small multiples of diverging bars: how often each entity acts (right) and is acted upon (left).

    Args:
        summary: From :func:`toolkit.framing.agency.summarise_agency`: columns ``by``, ``entity``,
            ``n_as_actor``, ``n_as_target``.
        by: The group column, one panel per group.
        n: Entities per panel, those with the most actions first.
        max_panels: At most this many panels: beyond, the groups with the fewest actions
            are pooled in a last panel "other (mean of k)": their average group.
        axes: A sequence of Axes, one per group; a new figure (rows of up to four panels,
            shared x) when None.

    Returns:
        The array of Axes, one per group, each with two bar containers (acted upon, acts).

    Raises:
        ValueError: ``axes`` has fewer Axes than there are groups.

    Example:
        >>> axes = plot_agency(summarise_agency(agency, articles, resolved_only=True))
    """
    import textwrap

    require_columns(summary, [by, "entity", "n_as_actor", "n_as_target"], name="summary")
    pooled = pool_groups(summary.assign(_actions=summary["n_as_actor"] + summary["n_as_target"]), by,
                         weight="_actions", max_groups=max_panels)
    if pooled[by].nunique() < summary[by].nunique():
        summary = average_other(pooled[[by, "entity", "n_as_actor", "n_as_target"]], by, [by, "entity"],
                                ["n_as_actor", "n_as_target"],
                                n_groups=summary[by].astype("string").fillna("unknown").nunique() - (max_panels - 1))
    groups = list(dict.fromkeys(summary[by].astype(str)))
    axes = panel_axes(axes, len(groups), figsize=(3.1 * max(len(groups), 1), 0.36 * n + 1.5),
                      name=f"groups of {by!r}")
    for ax, group in zip(axes, groups):
        rows = summary[summary[by].astype(str) == group]
        rows = rows.assign(_total=rows["n_as_actor"] + rows["n_as_target"])
        top = rows.sort_values(["n_as_actor", "_total", "entity"], ascending=[False, False, True],
                               kind="mergesort").head(n).iloc[::-1]
        y = np.arange(len(top))
        color = (OTHER_COLOR if is_other(group) else source_color(group)) if by == "outlet" else OKABE_ITO[0]
        ax.barh(y, -top["n_as_target"].to_numpy(dtype=float), color="white", edgecolor=color, hatch="///",
                label="acted upon")
        ax.barh(y, top["n_as_actor"].to_numpy(dtype=float), color=color, label="acts")
        ax.set_yticks(y, [textwrap.shorten(str(e), 28, placeholder="…") for e in top["entity"]], fontsize=9)
        ax.axvline(0, color="#444444", lw=0.8)
        ax.set_title(group, fontsize=10)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("← acted upon · acts → (verbs)")
        ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: f"{abs(v):g}"))
    return axes
