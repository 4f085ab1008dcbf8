"""The house style of every figure: rcParams, colours per outlet, entity type, reason and
status, tick labels, the Axes (or panels) a plot draws on, and saving under stable names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from toolkit import paths
from toolkit.schema import require_columns

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
    "duplicate-paragraph": "#CC6677", "title": "#0072B2", "navigation": "#009E73", "timestamp": "#56B4E9",
    "markup": "#999999", "url": "#666666", "footer": "#000000",
    # The reasons of web pages, from Paul Tol's colour-blind safe "muted" scheme (Okabe–Ito has no more).
    "repeated-across-articles": "#882255", "html-boilerplate": "#44AA99", "web-form": "#332288",
    "poll-widget": "#DDCC77", "promo": "#AA4499", "embed": "#117733",
}

#: One colour per entity type (Okabe–Ito; MISC is grey, "other").
ENTITY_TYPE_COLORS = {"PER": "#0072B2", "ORG": "#D55E00", "LOC": "#009E73", "MISC": OTHER_COLOR}

#: One colour per alignment status (Okabe–Ito; "unique" is grey, "other").
STATUS_COLORS = {"shared": "#009E73", "translated": "#0072B2", "paraphrased": "#E69F00", "unique": OTHER_COLOR}


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


#: The largest figure a plot draws on its own (inches, width × height): long tables are cut
#: to their top rows or grouped as "other" rather than drawn taller than a page.
MAX_FIGSIZE = (13.0, 12.0)
#: At most this many panels in a row of small multiples; more wrap to the next row.
MAX_PANEL_COLUMNS = 4
#: Small multiples draw at most this many panels; the smaller groups are pooled as "other".
MAX_PANELS = 12
#: The label of the pooled long tail.
OTHER_LABEL = "other"


def capped_figsize(width: float, height: float) -> tuple[float, float]:
    """``(width, height)`` no larger than :data:`MAX_FIGSIZE`."""
    return (float(min(width, MAX_FIGSIZE[0])), float(min(height, MAX_FIGSIZE[1])))


def short_ids(ids: Sequence, *, max_len: int = 16) -> list[str]:
    """Short labels for ids that stay unique: never cut to ambiguity.

    The shortest prefix that tells the ids apart (at least 3 characters) when it has at most
    ``max_len`` characters; otherwise the start and end of each id around "…", as long as
    needed to tell them apart. A prefix cut between words (``000`` of ``000_97c0…``) has
    no "…". Duplicate ids get duplicate labels, and only those.

    Example:
        >>> short_ids(["000_97c0297dd02cef28", "001_bca5567595f81341"])
        ['000', '001']
    """
    ids = ["" if i is None or (isinstance(i, float) and np.isnan(i)) else str(i) for i in ids]
    distinct = list(dict.fromkeys(ids))
    longest = max((len(i) for i in distinct), default=0)

    def unique(labels):
        return len(set(labels)) == len(distinct)

    def prefix(i, k):
        if len(i) <= k:
            return i
        return i[:k] if not i[k].isalnum() or not i[k - 1].isalnum() else i[:k] + "…"

    for k in range(3, min(max_len, longest) + 1):
        labels = {i: prefix(i, k) for i in distinct}
        if unique(labels.values()):
            return [labels[i] for i in ids]
    for k in range(max_len, longest + 1):
        head = (k - 1) // 2
        labels = {i: i if len(i) <= k else f"{i[:head]}…{i[len(i) - (k - 1 - head):]}" for i in distinct}
        if unique(labels.values()):
            return [labels[i] for i in ids]
    return ids


def article_labels(articles: pd.DataFrame) -> list[str]:
    """Short tick labels such as ``003 VNA (fr)``: the id as short as it stays unique
    (:func:`short_ids`), the outlet and the language."""
    require_columns(articles, ["article_id", "outlet", "language"], name="articles")
    return [f"{a} {o if isinstance(o, str) and o else 'unknown'} ({lang})"
            for a, o, lang in zip(short_ids(articles["article_id"]), articles["outlet"], articles["language"])]


def average_other(table: pd.DataFrame, by: str, keys: Sequence[str], values: Sequence[str], *,
                  n_groups: int) -> pd.DataFrame:
    """Replace the rows of the pooled group ``other`` (see :func:`pool_groups`) by one row per
    ``keys``: each of ``values`` summed and divided by the ``n_groups`` pooled groups (the
    average group of the tail, on the same scale as the groups drawn beside it), under the
    group name ``other (mean of n_groups)``."""
    other = table[by].astype("string") == OTHER_LABEL
    if not other.any():
        return table
    label = f"{OTHER_LABEL} (mean of {n_groups})"
    rest = table[other].groupby(list(keys), as_index=False, sort=False)[list(values)].sum()
    rest[list(values)] = rest[list(values)] / n_groups
    extra = {c: table[other].groupby(list(keys), sort=False)[c].first().to_numpy()
             for c in table.columns if c not in {by, *keys, *values}}
    return pd.concat([table[~other], rest.assign(**{by: label}, **extra)], ignore_index=True)


def is_other(group) -> bool:
    """True for the pooled group of a long tail."""
    return isinstance(group, str) and (group == OTHER_LABEL or group.startswith(f"{OTHER_LABEL} ("))


def pool_groups(table: pd.DataFrame, by: str, *, weight: str, max_groups: int = MAX_PANELS,
                other: str = OTHER_LABEL) -> pd.DataFrame:
    """``table`` with the groups of ``by`` beyond the ``max_groups - 1`` largest (by the sum of
    ``weight``) renamed ``other`` (missing groups become "unknown" first). Tables with at most
    ``max_groups`` groups come back unchanged."""
    groups = table[by].astype("string").fillna("unknown")
    if groups.nunique() <= max_groups:
        return table
    totals = table[weight].groupby(groups).sum().sort_values(ascending=False, kind="mergesort")
    kept = set(totals.index[:max_groups - 1])
    return table.assign(**{by: groups.where(groups.isin(kept), other)})


#: Characters a figure name may not contain: path separators, and what Windows refuses.
_UNSAFE_NAME = re.compile(r'[/\\<>:"|?*\x00-\x1f]')


def save_figure(fig, name: str, *, formats: Sequence[str] = ("png", "svg"),
                figures_dir: str | Path | None = None) -> list[Path]:
    """Save ``fig`` as ``figures_dir/name.{png,svg}`` with byte-identical re-runs, cropped to what is drawn.

    The bounds are tight (``bbox_inches="tight"``) also without :func:`use_style`, so long
    tick labels and a legend below the axes are never cut off.

    Args:
        fig: A matplotlib Figure.
        name: A file name without folders, e.g. ``01-boilerplate-audit`` (the recommended
            ``NN-kebab-slug``, where ``NN`` is the producing notebook) or ``Outlets 2024``;
            an extension among ``formats`` (``"map.png"``) is dropped.
        formats: File formats to write.
        figures_dir: Where to write; by default the user's figures folder
            (:func:`toolkit.paths.folders`: ``figures/`` of the working project).

    Returns:
        The written paths.

    Raises:
        ValueError: ``name`` is empty, names a folder (``/``, ``\\``, ``..``) or holds a
            character file systems refuse.
    """
    name = str(name)
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in {f.lower() for f in formats}:
        name = stem
    if (not name.strip() or name != name.strip() or name in {".", ".."} or ".." in name
            or _UNSAFE_NAME.search(name)):
        raise ValueError("a figure name is a file name without folders, '..' or any of "
                         f"<>:\"|?* (e.g. '01-boilerplate-audit'), got {name!r}")
    figures_dir = Path(figures_dir) if figures_dir is not None else paths.folders().figures
    figures_dir.mkdir(parents=True, exist_ok=True)
    meta = {"png": {"Software": None}, "svg": {"Date": None}, "pdf": {"CreationDate": None}}
    paths_out = [figures_dir / f"{name}.{ext}" for ext in formats]
    with mpl.rc_context({"svg.hashsalt": STYLE["svg.hashsalt"]}):
        for path in paths_out:
            # Tight bounds whatever the rc (use_style sets them too): labels and a legend below the axes are kept.
            fig.savefig(path, metadata=meta.get(path.suffix[1:]), bbox_inches="tight")
    return paths_out


#: A tick label needs this many times its font size of room (its line, 1.2, and a gap) so that
#: neighbouring labels never touch.
LABEL_SPACING = 1.5
#: The smallest font size (points) a plot uses for its labels; below it, it draws fewer rows.
MIN_LABEL_SIZE = 5.0


def axes_points(ax) -> tuple[float, float]:
    """The width and height (points) of the box ``ax`` draws in, after its aspect is applied
    (an image of square cells is drawn in a smaller box than the Axes' own)."""
    ax.apply_aspect()
    box = ax.get_position()
    width, height = ax.figure.get_size_inches()
    return box.width * width * 72.0, box.height * height * 72.0


def label_size(room: float, *, largest: float = 10.0) -> float | None:
    """The largest font size, at most ``largest``, of labels ``room`` points apart that never
    touch; None when even :data:`MIN_LABEL_SIZE` does not fit."""
    size = min(float(largest), room / LABEL_SPACING)
    return round(size, 1) if size >= MIN_LABEL_SIZE else None


def add_note(ax, text: str):
    """Write ``text`` under the x axis label, left-aligned with the Axes: what a plot leaves out
    stays said even when the user replaces its title (``ax.set_title``) or its x label."""
    note = ax.annotate(text, xy=(0, 0), xycoords=("axes fraction", ax.xaxis.label), xytext=(0, -4),
                       textcoords="offset points", ha="left", va="top", fontsize=8, color="#555555",
                       annotation_clip=False)
    note.set_gid("note")
    return note


def notes(ax) -> list[str]:
    """The notes :func:`add_note` wrote on ``ax``."""
    return [t.get_text() for t in ax.texts if t.get_gid() == "note"]


def new_axes(ax=None, figsize=None):
    """``ax``, or the Axes of a new figure of ``figsize`` (capped to :data:`MAX_FIGSIZE`) when it
    is None (the ``ax=`` of every plot)."""
    if ax is None:
        fig, ax = plt.subplots(figsize=capped_figsize(*figsize) if figsize is not None else None)
    return ax


def panel_axes(axes, n_panels: int, *, figsize, sharex: bool = True, name: str = "groups") -> np.ndarray:
    """The Axes of small multiples, one per panel (the ``axes=`` of the panel plots).

    Args:
        axes: A sequence (or array) of Axes, one per panel; None draws a new figure with
            constrained layout (room for long tick labels): one row of up to
            :data:`MAX_PANEL_COLUMNS` panels, wrapping to more rows, within :data:`MAX_FIGSIZE`.
        n_panels: How many panels the plot draws.
        figsize: The size of one row of ``n_panels`` panels (the width is divided among the
            columns of a wrapped grid, and the height repeated per row, then capped).
        sharex: Share the x axis across the panels of a new figure.
        name: What the panels are, for the error message.

    Returns:
        A flat array of the ``n_panels`` Axes, which the plot returns.

    Raises:
        ValueError: ``axes`` has fewer Axes than panels.
    """
    if axes is None:
        n = max(n_panels, 1)
        ncols = min(n, MAX_PANEL_COLUMNS)
        nrows = -(-n // ncols)
        width, height = figsize
        size = capped_figsize(width / n * ncols, height * nrows)
        fig, axes = plt.subplots(nrows, ncols, figsize=size, sharex=sharex, squeeze=False, layout="constrained")
        for extra in axes.ravel()[n:]:
            extra.set_visible(False)
    axes = np.asarray(axes, dtype=object).ravel()
    if len(axes) < n_panels:
        raise ValueError(f"`axes` has {len(axes)} Axes for {n_panels} {name}")
    return axes[:n_panels]
