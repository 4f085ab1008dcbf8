"""Render tables as HTML for notebooks: text with its entity mentions highlighted (mentions → HTML),
and two versions side by side with their differences (alignment + differences → HTML)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

from toolkit.compare.alignment import ALIGNMENT_COLUMNS
from toolkit.compare.common import cell_text, sentence_rows
from toolkit.compare.versions import DIFFERENCE_COLUMNS, article_outlets, view_credits
from toolkit.plotting import ENTITY_TYPE_COLORS
from toolkit.schema import SENTENCE_COLUMNS, require_columns, require_same_pair, require_text

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
_OMITTED_BACKGROUND, _ADDED_BACKGROUND, _CREDIT_BACKGROUND = "#FBE3DA", "#DDF1E7", "#FFFFFF"
_CELL = "vertical-align:top; padding:6px 10px; border-bottom:1px solid #ddd; width:46%"
_DEL = "background:#F8C9B8; text-decoration:line-through; text-decoration-color:#D55E00"
_INS = "background:#BDE6D3; text-decoration:none; border-bottom:2px solid #009E73"
#: A dateline or sign-off: the agency's credit, neither news nor an edit (grey, dashed, italic).
_CREDIT = "color:#555555; font-style:italic; border:1px dashed #999999; border-radius:3px; padding:0 2px"
_CREDIT_TITLE = {"dateline": "dateline", "signoff": "sign-off"}


def render_differences(sentences: pd.DataFrame, alignment: pd.DataFrame, differences: pd.DataFrame, *,
                       labels: Sequence[str] | None = None, articles: pd.DataFrame | None = None):
    """Show two versions side by side as HTML: aligned sentences in one row, edits highlighted.

    Rows follow version a (its unique sentences in place); a sentence only b has comes just
    after the row of b's sentence before it, so both columns read in order. Rows are tinted
    by status; a row that is only a dateline or sign-off says so in the status column. The
    view shows what ``differences`` lists, so it never disagrees with the table:

    - words a deleted or replaced are struck through in red on the left, words b inserted
      are underlined in green on the right (``changed`` rows);
    - a sentence the table lists as ``omitted`` is tinted red, one listed as ``added``
      green;
    - the datelines and sign-offs ("Hanoï, 16 mai (RHC)", "– VNA", "WASHINGTON —") are
      framed in grey italics wherever they are, those of the ``dateline`` and ``signoff``
      rows and those alike in both versions (which have no row), and a sentence that is
      nothing but a dateline or sign-off keeps a plain background: it is the agency's
      credit, not a sentence one version omits or adds, even when the alignment leaves it
      unaligned. Which sentences these are is read as :func:`compare_versions` reads them
      (:func:`toolkit.compare.versions.view_credits`), so the view and the table agree. One
      case needs ``articles``: when both versions sign off alike with their outlet's own
      code that the outlet registry lacks ("... –BL" of outlet BL), the table has no row
      telling the code, and without the articles' ``outlet`` the view reads "–BL" as an
      editor's initials, not a credit.

    A sentence left unaligned that the table does not list (a fragment under
    ``compare_versions``'s ``min_words``) keeps the grey of the ``unique`` status. Every
    piece of text is escaped with ``html.escape``.

    Args:
        sentences: The ``sentences`` table of both articles.
        alignment: From :func:`align_sentences`.
        differences: From :func:`compare_versions` for the same pair.
        labels: Column headings (default: the two article ids).
        articles: Optional; the articles table (``article_id``, and ``outlet`` if it has
            one), so a sign-off is read with each article's own outlet, as
            :func:`compare_versions` read it.

    Returns:
        A ``toolkit.display.HTML`` object (rendered by Jupyter; ``str()`` gives the markup).

    Raises:
        ValueError: a table lacks a column, ``differences`` compares another pair (or the
            same articles in the other order) than ``alignment`` aligns, or ``articles``
            lacks one of the two.

    Example:
        >>> render_differences(sentences, alignment, differences, labels=["000", "003 VNA"], articles=articles)
    """
    require_columns(sentences, SENTENCE_COLUMNS, name="sentences")
    require_columns(alignment, ALIGNMENT_COLUMNS, name="alignment")
    require_columns(differences, DIFFERENCE_COLUMNS, name="differences")
    require_same_pair(alignment, differences)
    if alignment.empty:
        return HTML("<p>Nothing to compare.</p>")
    a, b = str(alignment["article_id_a"].iloc[0]), str(alignment["article_id_b"].iloc[0])
    labels = list(labels) if labels is not None else [a, b]
    outlets = article_outlets(articles, a, b)
    spans = {s: sentence_rows(sentences, x).set_index("sentence_id") for s, x in (("a", a), ("b", b))}
    changed = differences[differences["kind"] == "changed"]
    credits = differences[differences["kind"].isin(list(_CREDIT_TITLE))]
    marks, listed, credit_only = {}, {}, {}
    for side, kind in (("a", "omitted"), ("b", "added")):
        edits = [(int(s), int(e), _DEL if side == "a" else _INS, "")
                 for s, e in zip(changed[f"start_char_{side}"], changed[f"end_char_{side}"]) if pd.notna(s)]
        # The credits of the table's rows, and those alike in both versions (no row): one reading, compare_versions'.
        found = view_credits(spans[side].reset_index(), differences, side, outlet=outlets[side])
        framed = {(int(s), int(e), _CREDIT_TITLE[k]) for s, e, k in zip(
            credits[f"start_char_{side}"], credits[f"end_char_{side}"], credits["kind"]) if pd.notna(s)}
        framed |= {(c.start, c.end, _CREDIT_TITLE[c.kind]) for c in found.credits}
        marks[side] = (edits, [(s, e, _CREDIT, title) for s, e, title in sorted(framed)])
        rows = differences[differences["kind"] == kind]
        listed[side] = {int(k) for k in rows[f"sentence_id_{side}"].dropna()}
        credit_only[side] = found.sentence_ids

    def background(side: str, ids: list[int], status: str) -> str:
        if ids and all(k in credit_only[side] for k in ids):
            return _CREDIT_BACKGROUND
        if any(k in listed[side] for k in ids):
            return _OMITTED_BACKGROUND if side == "a" else _ADDED_BACKGROUND
        return _STATUS_BACKGROUND.get(status, "#FFFFFF")

    groups = []
    for _, group in alignment.groupby("alignment_id", sort=True):
        ids_a = sorted(int(x) for x in group["sentence_id_a"].dropna().unique())
        ids_b = sorted(int(x) for x in group["sentence_id_b"].dropna().unique())
        groups.append((ids_a, ids_b, group))
    rows = []
    aligned = [(max(ids_b), min(ids_a)) for ids_a, ids_b, _ in groups if ids_a and ids_b]
    for ids_a, ids_b, group in sorted(groups, key=lambda g: _reading_order(g[0], g[1], aligned)):
        status = str(group["status"].iloc[0])
        similarity = group["similarity"].iloc[0]
        note = status if pd.isna(similarity) else f"{status} · {similarity:.2f}"
        if all(all(k in credit_only[side] for k in ids) for side, ids in (("a", ids_a), ("b", ids_b))):
            note = "dateline / sign-off"  # the agency's credit, not a sentence one version lacks
        left = _cell(spans["a"], marks["a"], ids_a, status) if ids_a else ""
        right = _cell(spans["b"], marks["b"], ids_b, status) if ids_b else ""
        rows.append(f'<tr><td style="{_CELL}; background:{background("a", ids_a, status)}">{left}</td>'
                    f'<td style="{_CELL}; background:{background("b", ids_b, status)}">{right}</td>'
                    f'<td style="padding:6px; font-size:11px; color:#555; white-space:nowrap">{html.escape(note)}</td></tr>')
    head = "".join(f'<th style="text-align:left; padding:6px 10px">{html.escape(str(x))}</th>'
                   for x in [*labels, "status · score"])
    legend = (f'<p style="font-size:12px">Left only: <span style="background:{_OMITTED_BACKGROUND}">omitted by b</span> · '
              f'right only: <span style="background:{_ADDED_BACKGROUND}">added by b</span> · '
              f'<span style="{_DEL}">deleted or replaced</span> → <span style="{_INS}">inserted</span> · '
              f'<span style="{_CREDIT}">dateline / sign-off</span> (never omitted or added; '
              f'a row of its own where the versions differ)</p>')
    return HTML(f'<div style="font-family:system-ui,sans-serif; font-size:13px; line-height:1.5">{legend}'
                f'<table style="border-collapse:collapse; width:100%"><tr>{head}</tr>{"".join(rows)}</table></div>')


def _reading_order(ids_a: list[int], ids_b: list[int], aligned: list[tuple[int, int]]) -> tuple:
    """Sort key of a row: version a's order, and a sentence only b has just after the row of b's sentence before it,
    so both columns read in their article's order. With no aligned b sentence before it, it comes just before the
    first aligned row (a dateline above the first paragraph), or after all of a when nothing is aligned. ``aligned``
    holds each aligned row's (last b sentence, first a sentence)."""
    if ids_a:
        return (min(ids_a), 0, min(ids_b) if ids_b else -1)
    before = [row for row in aligned if row[0] < min(ids_b)]
    if before:
        return (max(before)[1], 1, min(ids_b))
    if aligned:
        return (min(a_row for _, a_row in aligned), -1, min(ids_b))
    return (float("inf"), 1, min(ids_b))


def _cell(spans: pd.DataFrame, marks: tuple[list, list], ids: list[int], status: str) -> str:
    """The escaped HTML of one side's sentences ``ids``: edited words marked in a shared group, credits anywhere.

    ``marks`` is (edits, credits), each a list of (start, end, style, title) offsets into the article text.
    """
    edits, credits = marks
    shown = sorted((edits if status == "shared" else []) + credits)
    parts = []
    for k in ids:
        start, text = int(spans.loc[k, "start_char"]), cell_text(spans.loc[k, "text"])
        pieces, pos = [], 0
        for s, e, style, title in shown:
            s, e = max(s - start, 0), min(e - start, len(text))
            if e <= 0 or s >= len(text) or s < pos or s >= e:
                continue
            pieces.append(html.escape(text[pos:s]))
            hint = f' title="{html.escape(title)}"' if title else ""
            pieces.append(f'<span style="{style}"{hint}>{html.escape(text[s:e])}</span>')
            pos = e
        pieces.append(html.escape(text[pos:]))
        parts.append(f'<span title="sentence {k}">{"".join(pieces)}</span>')
    return " ".join(parts)
