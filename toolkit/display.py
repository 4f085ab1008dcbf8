"""Render tables as HTML for notebooks: text with its entity mentions highlighted (mentions → HTML),
and two versions side by side with their differences (alignment + differences → HTML)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

from toolkit.compare.alignment import ALIGNMENT_COLUMNS
from toolkit.compare.common import cell_text, sentence_rows
from toolkit.compare.versions import DIFFERENCE_COLUMNS
from toolkit.plotting import ENTITY_TYPE_COLORS
from toolkit.schema import SENTENCE_COLUMNS, require_columns, require_text

_STYLE = ("line-height:1.9; font-family:system-ui,sans-serif; font-size:14px; max-width:46rem")
_MARK = ("background:{bg}; border-radius:4px; padding:1px 4px; margin:0 1px; "
         "border-bottom:2px solid {fg}")
_TAG = "font-size:10px; font-weight:700; color:{fg}; margin-left:4px; letter-spacing:0.03em"


class HTML:
    """An HTML fragment that notebooks display as rich output (``_repr_html_``) and as text elsewhere."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return f"<HTML fragment, {len(self.markup)} characters>"


def highlight_entities(text: str, mentions: pd.DataFrame, *, title: str | None = None,
                       label: str = "entity_type") -> HTML:
    """Mark each mention inline in ``text``, displaCy style, with every character escaped.

    Args:
        text: One article's ``text``.
        mentions: That article's mentions, with ``start_char``, ``end_char`` (into ``text``)
            and the ``label`` column; overlapping mentions after the first are skipped.
        title: A heading shown above the text.
        label: The column shown as the tag (``entity_type``, ``label`` or ``name``).

    Returns:
        An :class:`HTML` object; ``str()`` gives the markup.

    Raises:
        ValueError: ``mentions`` lacks a needed column, or an offset falls outside ``text``.
    """
    require_text(text, name="text")
    require_columns(mentions, ["start_char", "end_char", label], name="mentions")
    parts, pos = [], 0
    for row in mentions.sort_values("start_char").itertuples(index=False):
        start, end = int(row.start_char), int(row.end_char)
        if not 0 <= start < end <= len(text):
            raise ValueError(f"mention offsets {start}:{end} fall outside a text of {len(text)} characters")
        if start < pos:
            continue
        tag = getattr(row, label)
        kind = getattr(row, "entity_type", tag)
        fg = ENTITY_TYPE_COLORS.get(kind, "#555555")
        parts.append(html.escape(text[pos:start]))
        parts.append(f'<mark style="{_MARK.format(bg=fg + "22", fg=fg)}">{html.escape(text[start:end])}'
                     f'<span style="{_TAG.format(fg=fg)}">{html.escape(str(tag))}</span></mark>')
        pos = end
    parts.append(html.escape(text[pos:]))
    body = "".join(parts).replace("\n\n", "<br><br>")
    heading = f"<h4 style='margin:0 0 .5em'>{html.escape(title)}</h4>" if title else ""
    return HTML(f'<div style="{_STYLE}">{heading}{body}</div>')


# ---------------------------------------------------------------- two versions side by side

_STATUS_BACKGROUND = {"shared": "#E8F5EE", "translated": "#E6F0F8", "paraphrased": "#FDF3E1", "unique": "#F2F2F2"}
_CELL = "vertical-align:top; padding:6px 10px; border-bottom:1px solid #ddd; width:46%"
_DEL = "background:#F8C9B8; text-decoration:line-through; text-decoration-color:#D55E00"
_INS = "background:#BDE6D3; text-decoration:none; border-bottom:2px solid #009E73"


def render_differences(sentences: pd.DataFrame, alignment: pd.DataFrame, differences: pd.DataFrame, *,
                       labels: Sequence[str] | None = None):
    """Show two versions side by side as HTML: aligned sentences in one row, edits highlighted.

    Rows follow version a (its unique sentences in place; b's unique sentences at the end),
    tinted by status. Words a deleted or replaced are struck through in red on the left,
    words b inserted are underlined in green on the right (``changed`` rows of
    :func:`compare_versions`); sentences only one version has are tinted entirely. Every
    piece of text is escaped with ``html.escape``.

    Args:
        sentences: The ``sentences`` table of both articles.
        alignment: From :func:`align_sentences`.
        differences: From :func:`compare_versions` for the same pair.
        labels: Column headings (default: the two article ids).

    Returns:
        A ``toolkit.display.HTML`` object (rendered by Jupyter; ``str()`` gives the markup).

    Raises:
        ValueError: a table lacks a column.

    Example:
        >>> render_differences(sentences, alignment, differences, labels=["000", "003 VNA"])
    """
    require_columns(sentences, SENTENCE_COLUMNS, name="sentences")
    require_columns(alignment, ALIGNMENT_COLUMNS, name="alignment")
    require_columns(differences, DIFFERENCE_COLUMNS, name="differences")
    if alignment.empty:
        return HTML("<p>Nothing to compare.</p>")
    a, b = str(alignment["article_id_a"].iloc[0]), str(alignment["article_id_b"].iloc[0])
    labels = list(labels) if labels is not None else [a, b]
    spans = {s: sentence_rows(sentences, x).set_index("sentence_id") for s, x in (("a", a), ("b", b))}
    changed = differences[differences["kind"] == "changed"]
    marks = {"a": [(int(s), int(e)) for s, e in zip(changed["start_char_a"], changed["end_char_a"]) if pd.notna(s)],
             "b": [(int(s), int(e)) for s, e in zip(changed["start_char_b"], changed["end_char_b"]) if pd.notna(s)]}

    rows = []
    for _, group in alignment.groupby("alignment_id", sort=True):
        ids_a = sorted(int(x) for x in group["sentence_id_a"].dropna().unique())
        ids_b = sorted(int(x) for x in group["sentence_id_b"].dropna().unique())
        status = str(group["status"].iloc[0])
        similarity = group["similarity"].iloc[0]
        note = status if pd.isna(similarity) else f"{status} · {similarity:.2f}"
        left = _cell(spans["a"], marks["a"], _DEL, ids_a, status) if ids_a else ""
        right = _cell(spans["b"], marks["b"], _INS, ids_b, status) if ids_b else ""
        tint = _STATUS_BACKGROUND.get(status, "#FFFFFF")
        left_bg = "#FBE3DA" if status == "unique" and ids_a else tint
        right_bg = "#DDF1E7" if status == "unique" and ids_b else tint
        rows.append(f'<tr><td style="{_CELL}; background:{left_bg}">{left}</td>'
                    f'<td style="{_CELL}; background:{right_bg}">{right}</td>'
                    f'<td style="padding:6px; font-size:11px; color:#555; white-space:nowrap">{html.escape(note)}</td></tr>')
    head = "".join(f'<th style="text-align:left; padding:6px 10px">{html.escape(str(x))}</th>'
                   for x in [*labels, "status · score"])
    legend = (f'<p style="font-size:12px">Left only: <span style="background:#FBE3DA">omitted by b</span> · '
              f'right only: <span style="background:#DDF1E7">added by b</span> · '
              f'<span style="{_DEL}">deleted or replaced</span> → <span style="{_INS}">inserted</span></p>')
    return HTML(f'<div style="font-family:system-ui,sans-serif; font-size:13px; line-height:1.5">{legend}'
                f'<table style="border-collapse:collapse; width:100%"><tr>{head}</tr>{"".join(rows)}</table></div>')




def _cell(spans: pd.DataFrame, marks: list[tuple[int, int]], style: str, ids: list[int], status: str) -> str:
    """The escaped HTML of one side's sentences ``ids``, with the edited words of a shared group marked."""
    parts = []
    for k in ids:
        start, text = int(spans.loc[k, "start_char"]), cell_text(spans.loc[k, "text"])
        pieces, pos = [], 0
        for s, e in sorted(marks):
            s, e = s - start, e - start
            if status != "shared" or e <= 0 or s >= len(text) or s < pos:
                continue
            pieces.append(html.escape(text[pos:s]))
            pieces.append(f'<span style="{style}">{html.escape(text[s:e])}</span>')
            pos = e
        pieces.append(html.escape(text[pos:]))
        parts.append(f'<span title="sentence {k}">{"".join(pieces)}</span>')
    return " ".join(parts)
