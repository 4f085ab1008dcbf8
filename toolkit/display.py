"""Render tables as HTML for notebooks: text with its entity mentions highlighted (mentions → HTML)."""

from __future__ import annotations

import html

import pandas as pd

from toolkit.schema import require_columns, require_text
from toolkit.plotting import ENTITY_TYPE_COLORS

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
