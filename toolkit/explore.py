"""Interactive explorers for notebooks (ipywidgets): search, browse and read the evidence.

- :func:`explore_kwic`: a word in context, filtered by outlet and language;
- :func:`explore_entities`: one entity's mentions in context across outlets, its variants
  and the merges that joined them, with their rules;
- :func:`explore_stories`: a story's articles, then two of its versions aligned side by side
  with their differences;
- :func:`explore_frames`: a frame and an outlet, and the sentences behind the score.

Each returns an explorer that JupyterLab shows as live widgets. Its first view is also given
as plain HTML (``text/html`` beside the widget in the output), so a static export of the
executed notebook (the report) shows that view instead of an empty widget. Only one page of
rows is rendered at a time, and searches run when the reader presses Enter, so a corpus of
thousands of articles does not freeze the page. Every piece of article text is escaped.

Only the toolkit's public functions are used (``import toolkit as tk``).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import pandas as pd

__all__ = ["explore_kwic", "explore_entities", "explore_stories", "explore_frames", "Explorer"]

ALL = "(all)"
_WRAP = "font-family:system-ui,sans-serif; font-size:13px; line-height:1.5"
_TABLE = "border-collapse:collapse; width:100%"
_TH = "text-align:left; padding:3px 8px; border-bottom:1px solid #999"
_TD = "text-align:left; padding:3px 8px; border-bottom:1px solid #eee; vertical-align:top"
_KEY = "background:#FFE9A8; font-weight:700; padding:0 2px; border-radius:3px"
_NOTE = "color:#555; font-size:12px; margin:4px 0"


def _esc(value) -> str:
    """Escape any value for HTML text (article text is untrusted)."""
    return html.escape("" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *, align: Sequence[str] | None = None) -> str:
    """An HTML table from already-escaped cells."""
    head = "".join(f'<th style="{_TH}">{h}</th>' for h in header)
    body = "".join(
        "<tr>" + "".join(
            f'<td style="{_TD}{"; text-align:" + align[i] if align else ""}">{cell}</td>'
            for i, cell in enumerate(row)
        ) + "</tr>"
        for row in rows
    )
    return f'<table style="{_TABLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _page_note(page: int, page_size: int, total: int, what: str) -> str:
    if total == 0:
        return f'<p style="{_NOTE}">No {what}.</p>'
    first, last = page * page_size + 1, min(total, (page + 1) * page_size)
    return f'<p style="{_NOTE}">{what.capitalize()} {first:,}–{last:,} of {total:,}</p>'


class Explorer:
    """A small widget app: controls above, one HTML view below, paged.

    ``render(page)`` returns the HTML of the current view; ``n_rows()`` the number of rows
    the view pages through. JupyterLab shows :attr:`widget`; exports show :meth:`_repr_html_`.
    """

    def __init__(self, controls: Sequence, render: Callable[[int], str], n_rows: Callable[[], int],
                 *, page_size: int):
        import ipywidgets as w

        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, got {page_size}")
        self.page_size = page_size
        self.page = 0
        self._render, self._n_rows = render, n_rows
        self.view = w.HTML()
        self.previous = w.Button(description="◀ previous", layout=w.Layout(width="auto"))
        self.next = w.Button(description="next ▶", layout=w.Layout(width="auto"))
        self.previous.on_click(lambda _: self.go(self.page - 1))
        self.next.on_click(lambda _: self.go(self.page + 1))
        pager = w.HBox([self.previous, self.next])
        self.widget = w.VBox([w.HBox(list(controls)), pager, self.view])
        self.widget.add_class("toolkit-explorer")
        self.refresh()

    def go(self, page: int) -> None:
        """Show page ``page`` (clamped to the pages there are)."""
        last = max(0, (self._n_rows() - 1) // self.page_size)
        self.page = min(max(0, page), last)
        self.view.value = self._render(self.page)
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= last

    def refresh(self, *_) -> None:
        """Recompute the view from the controls, back on the first page."""
        self.go(0)

    def _repr_html_(self) -> str:
        return f'<div class="toolkit-explorer" style="{_WRAP}">{self.view.value}</div>'

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle["text/html"] = self._repr_html_()
        return bundle


def explore_kwic(articles: pd.DataFrame, term: str = "", *, window: int = 6, page_size: int = 20) -> Explorer:
    """Search a word in context, with outlet and language filters.

    Type a word (or several, comma-separated) and press Enter; the matches are found by
    :func:`toolkit.keyword_in_context` on the articles that pass the filters, and shown a
    page at a time with their article, outlet and language.

    Args:
        articles: Articles table (``article_id, text, language, outlet``).
        term: The first search, shown in the initial view (and in static exports).
        window: Words of context on each side.
        page_size: Rows per page.

    Returns:
        An :class:`Explorer`; display it (last expression of a cell).

    Example:
        >>> explore_kwic(articles, "coopération")
    """
    import ipywidgets as w

    import toolkit as tk

    search = w.Text(value=term, placeholder="a word, then Enter", description="Search",
                    continuous_update=False)
    search.add_class("kwic-search")
    outlet = w.Dropdown(options=_choices(articles, "outlet"), value=ALL, description="Outlet")
    language = w.Dropdown(options=_choices(articles, "language"), value=ALL, description="Language")
    state = {"rows": pd.DataFrame()}

    def compute(*_):
        terms = [t.strip() for t in search.value.split(",") if t.strip()]
        subset = _filter(articles, outlet=outlet.value, language=language.value)
        state["rows"] = (tk.keyword_in_context(subset, terms, window=window)
                         if terms and len(subset) else pd.DataFrame())
        explorer.refresh()

    def render(page: int) -> str:
        rows = state["rows"]
        if not search.value.strip():
            return f'<p style="{_NOTE}">Type a word in the search box and press Enter.</p>'
        shown = rows.iloc[page * page_size:(page + 1) * page_size]
        body = [
            [_esc(r.left), f'<span style="{_KEY}">{_esc(r.keyword)}</span>', _esc(r.right),
             _esc(str(r.article_id)), _esc(r.outlet), _esc(r.language)]
            for r in shown.itertuples()
        ]
        return (_page_note(page, page_size, len(rows), f"matches of “{_esc(search.value)}”")
                + (_table(["left", "word", "right", "article", "outlet", "language"], body,
                          align=["right", "center", "left", "left", "left", "left"]) if body else ""))

    explorer = Explorer([search, outlet, language], render, lambda: len(state["rows"]),
                        page_size=page_size)
    for control in (search, outlet, language):
        control.observe(compute, names="value")
    compute()
    return explorer


def explore_entities(linked, articles: pd.DataFrame, entity: str | None = None, *,
                     context: int = 70, page_size: int = 15) -> Explorer:
    """Pick an entity: its variants and the merges that joined them, then its mentions in context.

    Args:
        linked: The result of :func:`toolkit.link_entities` (``entities``, ``mentions``,
            ``merges``).
        articles: Articles table (``article_id, text, outlet``), for the context and outlets.
        entity: ``entity_id`` shown first; default the most mentioned entity.
        context: Characters of context on each side of a mention.
        page_size: Mentions per page.

    Returns:
        An :class:`Explorer`.
    """
    import ipywidgets as w

    entities = linked.entities.sort_values(["n_mentions", "name"], ascending=[False, True])
    if entities.empty:
        raise ValueError("linked.entities is empty: there is no entity to explore")
    options = [(f"{r.name} ({r.entity_type}, {r.n_mentions})", r.entity_id) for r in entities.itertuples()]
    ids = [value for _, value in options]
    if entity is not None and entity not in ids:
        raise ValueError(f"entity {entity!r} is not an entity_id of linked.entities")
    picker = w.Dropdown(options=options, value=entity or ids[0], description="Entity")
    outlet_of = articles.set_index("article_id")["outlet"] if "outlet" in articles else pd.Series(dtype=str)
    outlet = w.Dropdown(options=_choices(articles, "outlet"), value=ALL, description="Outlet")
    text_of = articles.set_index("article_id")["text"]
    by_entity = linked.mentions.groupby("entity_id", sort=False)  # one pass, then lookups
    state = {"mentions": pd.DataFrame()}

    def compute(*_):
        rows = by_entity.get_group(picker.value) if picker.value in by_entity.groups else linked.mentions.iloc[:0]
        rows = rows.assign(outlet=rows["article_id"].map(outlet_of))
        if outlet.value != ALL:
            rows = rows[rows["outlet"] == outlet.value]
        state["mentions"] = rows.sort_values(["article_id", "start_char"])
        explorer.refresh()

    def render(page: int) -> str:
        merges = linked.merges[linked.merges["entity_id"] == picker.value]
        variants = _table(
            ["variant", "rule", "evidence", "mentions"],
            [[_esc(r.variant), _esc(r.rule), _esc(r.evidence), _esc(r.n_mentions)] for r in merges.itertuples()],
        )
        rows = state["mentions"]
        shown = rows.iloc[page * page_size:(page + 1) * page_size]
        body = []
        for r in shown.itertuples():  # context cut only for the rows on this page
            text = str(text_of.get(r.article_id, ""))
            left = text[max(0, r.start_char - context):r.start_char]
            right = text[r.end_char:r.end_char + context]
            if r.start_char > context:  # cut the context at word boundaries
                left = left.split(" ", 1)[-1]
            if r.end_char + context < len(text):
                right = right.rsplit(" ", 1)[0]
            body.append([_esc(left), f'<span style="{_KEY}">{_esc(text[r.start_char:r.end_char])}</span>',
                         _esc(right), _esc(str(r.article_id)), _esc(r.outlet), _esc(r.link_rule)])
        by_outlet = rows["outlet"].fillna("unknown").value_counts() if "outlet" in rows else {}
        spread = ", ".join(f"{_esc(k)} {v}" for k, v in dict(by_outlet).items())
        return ("<h4 style='margin:4px 0'>Variants and the rules that merged them</h4>" + variants
                + f"<h4 style='margin:10px 0 4px'>Mentions in context</h4><p style=\"{_NOTE}\">By outlet: {spread or '—'}</p>"
                + _page_note(page, page_size, len(rows), "mentions")
                + (_table(["left", "mention", "right", "article", "outlet", "rule"], body,
                          align=["right", "center", "left", "left", "left", "left"]) if body else ""))

    explorer = Explorer([picker, outlet], render, lambda: len(state["mentions"]), page_size=page_size)
    picker.observe(compute, names="value")
    outlet.observe(compute, names="value")
    compute()
    return explorer


def explore_stories(stories: pd.DataFrame, articles: pd.DataFrame, sentences: pd.DataFrame, *,
                    mentions: pd.DataFrame | None = None, story=None, page_size: int = 15) -> Explorer:
    """Pick a story: its articles; pick two of them and press Align to read them side by side.

    The alignment (:func:`toolkit.align_sentences`) and the differences
    (:func:`toolkit.compare_versions`, drawn by :func:`toolkit.render_differences`) are
    computed only when asked, for the pair chosen; the initial view aligns the first two
    articles of the first story with at least two.

    Args:
        stories: From :func:`toolkit.cluster_stories` (``article_id, story_id``).
        articles: Articles table.
        sentences: Sentences table from :func:`toolkit.annotate`.
        mentions: Linked mentions, to align on shared names too (optional).
        story: ``story_id`` shown first; default the largest story.
        page_size: Articles listed per page.

    Returns:
        An :class:`Explorer`.
    """
    import ipywidgets as w

    import toolkit as tk

    info = articles.set_index("article_id")
    sizes = stories.groupby("story_id")["article_id"].count().sort_values(ascending=False, kind="stable")
    if sizes.empty:
        raise ValueError("stories is empty: there is no story to explore")
    title_of = stories.drop_duplicates("story_id").set_index("story_id").get("story_title")
    options = [(f"story {sid}: {n} articles" + (f" · {str(title_of[sid])[:60]}" if title_of is not None else ""), sid)
               for sid, n in sizes.items()]
    first = story if story is not None else sizes.index[0]
    picker = w.Dropdown(options=options, value=first, description="Story", layout=w.Layout(width="28rem"))
    a = w.Dropdown(description="Version a")
    b = w.Dropdown(description="Version b")
    align = w.Button(description="Align a and b", button_style="primary")
    state = {"members": [], "aligned": ""}

    def label(article_id) -> str:
        row = info.loc[article_id]
        outlet, language = row.get("outlet"), row.get("language")
        return (f"{article_id} · {'unknown' if pd.isna(outlet) else outlet}"
                f" · {'' if pd.isna(language) else language}")

    def compute(*_):
        members = stories.loc[stories["story_id"] == picker.value, "article_id"].tolist()
        state["members"] = members
        choices = [(label(m), m) for m in members]
        a.options, b.options = choices, choices
        if len(members) > 1:
            a.value, b.value = members[0], members[1]
        state["aligned"] = ""
        explorer.refresh()

    def do_align(*_):
        if a.value is None or b.value is None or a.value == b.value:
            state["aligned"] = f'<p style="{_NOTE}">Choose two different articles.</p>'
        else:
            alignment = tk.align_sentences(sentences, a.value, b.value, articles=articles, mentions=mentions)
            differences = tk.compare_versions(sentences, articles, a.value, b.value,
                                              mentions=mentions, alignment=alignment)
            rendered = tk.render_differences(sentences, alignment, differences,
                                             labels=[label(a.value), label(b.value)])
            state["aligned"] = getattr(rendered, "_repr_html_", lambda: str(rendered))()
        explorer.go(explorer.page)

    def render(page: int) -> str:
        members = state["members"]
        shown = members[page * page_size:(page + 1) * page_size]
        body = [[_esc(str(m)), _esc(info.at[m, "outlet"] if "outlet" in info else ""),
                 _esc(info.at[m, "language"] if "language" in info else ""),
                 _esc(str(info.at[m, "published"])[:10]
                      if "published" in info and not pd.isna(info.at[m, "published"]) else ""),
                 _esc(info.at[m, "title"] if "title" in info else "")] for m in shown]
        listing = (_page_note(page, page_size, len(members), "articles")
                   + _table(["article", "outlet", "language", "published", "title"], body))
        aligned = state["aligned"] or (f'<p style="{_NOTE}">Pick versions a and b, then press '
                                       "“Align a and b”.</p>" if len(members) > 1 else "")
        return listing + "<h4 style='margin:10px 0 4px'>Two versions side by side</h4>" + aligned

    explorer = Explorer([picker, a, b, align], render, lambda: len(state["members"]), page_size=page_size)
    picker.observe(compute, names="value")
    align.on_click(do_align)
    compute()
    if len(state["members"]) < 2:  # show an alignment in the first view when a story has two
        larger = [sid for sid, n in sizes.items() if n > 1]
        if larger and story is None:
            picker.value = larger[0]
    if len(state["members"]) > 1:
        do_align()
    return explorer


def explore_frames(frames, sentences: pd.DataFrame, articles: pd.DataFrame, *, frame: str | None = None,
                   outlet: str | None = None, page_size: int = 10) -> Explorer:
    """Pick a frame and an outlet: the score, and the sentences behind it with their terms marked.

    Args:
        frames: The result of :func:`toolkit.score_frames` (``scores`` and ``evidence``), or
            its ``evidence`` table alone.
        sentences: Sentences table (``article_id, sentence_id, start_char, text``).
        articles: Articles table (``article_id, outlet``).
        frame: Frame shown first (its ``frame`` code); default the frame with most hits.
        outlet: Outlet shown first; default all outlets.
        page_size: Sentences per page.

    Returns:
        An :class:`Explorer`.
    """
    import ipywidgets as w

    evidence = getattr(frames, "evidence", frames)
    scores = getattr(frames, "scores", None)
    outlet_of = articles.set_index("article_id")["outlet"]
    evidence = evidence.assign(outlet=evidence["article_id"].map(outlet_of).fillna("unknown"))
    counts = evidence.groupby(["frame", "label"]).size().sort_values(ascending=False)
    if counts.empty:
        raise ValueError("frames.evidence is empty: no codebook term matched")
    options = [(f"{lab} ({n} hits)", code) for (code, lab), n in counts.items()]
    frame_picker = w.Dropdown(options=options, value=frame or options[0][1], description="Frame",
                              layout=w.Layout(width="26rem"))
    outlets = [ALL] + sorted(evidence["outlet"].unique())
    outlet_picker = w.Dropdown(options=outlets, value=outlet or ALL, description="Outlet")
    sentence_of = sentences.set_index(["article_id", "sentence_id"])[["start_char", "text"]]
    state = {"groups": []}

    def compute(*_):
        rows = evidence[evidence["frame"] == frame_picker.value]
        if outlet_picker.value != ALL:
            rows = rows[rows["outlet"] == outlet_picker.value]
        groups = sorted(rows.groupby(["article_id", "sentence_id"]), key=lambda kv: (-len(kv[1]), kv[0]))
        state["groups"] = groups
        explorer.refresh()

    def score_line() -> str:
        if scores is None:
            return ""
        rows = scores[scores["frame"] == frame_picker.value]
        if outlet_picker.value != ALL:
            rows = rows[rows["article_id"].map(outlet_of).fillna("unknown") == outlet_picker.value]
        hits, words = rows["n_hits"].sum(), rows["n_words"].sum()
        rate = 1000 * hits / words if words else 0.0
        return (f'<p style="{_NOTE}">Score: {hits:,} hits in {words:,} words '
                f"({rate:.1f} per 1,000 words) over {rows['article_id'].nunique():,} articles.</p>")

    def render(page: int) -> str:
        groups = state["groups"]
        body = []
        for (article_id, sentence_id), hits in groups[page * page_size:(page + 1) * page_size]:
            try:
                start, text = sentence_of.loc[(article_id, sentence_id)]
            except KeyError:
                continue
            body.append([_mark(str(text), hits, int(start)), _esc(", ".join(sorted(set(hits["term"])))),
                         _esc(str(article_id)), _esc(hits["outlet"].iloc[0]), _esc(len(hits))])
        return (score_line() + _page_note(page, page_size, len(groups), "sentences")
                + (_table(["sentence (terms marked)", "terms", "article", "outlet", "hits"], body) if body else ""))

    explorer = Explorer([frame_picker, outlet_picker], render, lambda: len(state["groups"]), page_size=page_size)
    frame_picker.observe(compute, names="value")
    outlet_picker.observe(compute, names="value")
    compute()
    return explorer


def _mark(text: str, hits: pd.DataFrame, offset: int) -> str:
    """``text`` escaped, with each hit's span (article offsets) marked."""
    spans = sorted({(s - offset, e - offset) for s, e in zip(hits["start_char"], hits["end_char"])})
    parts, at = [], 0
    for start, end in spans:
        if start < at or start < 0 or end > len(text):
            continue  # overlapping or outside this sentence: leave unmarked
        parts.append(_esc(text[at:start]) + f'<span style="{_KEY}">{_esc(text[start:end])}</span>')
        at = end
    return "".join(parts) + _esc(text[at:])


def _choices(articles: pd.DataFrame, column: str) -> list[str]:
    values = articles[column].dropna().astype(str).unique() if column in articles else []
    return [ALL] + sorted(values)


def _filter(articles: pd.DataFrame, *, outlet: str, language: str) -> pd.DataFrame:
    keep = pd.Series(True, index=articles.index)
    if outlet != ALL:
        keep &= articles["outlet"].astype(str) == outlet
    if language != ALL:
        keep &= articles["language"].astype(str) == language
    return articles[keep]
