"""Saved web pages (.html/.htm) → records: the article found by trafilatura, the rest audited as ``html-boilerplate``.

A page is read in two views. The **page text** (:func:`page_text`) is every visible text
block of the page's ``<body>`` (scripts, styles and the ``<head>`` left out), one block per
line, spaces inside a block collapsed. trafilatura picks the article's blocks; the loader
cleans the page text with every other block marked ``html-boilerplate``, so the
``removed`` offsets of an HTML article point into its page text
(``page_text(articles.raw)[start_char:end_char] == removed.text``), while ``raw`` keeps the
HTML as read. Title, date, outlet (site name or host) and URL (canonical) come from the
page's metadata, where present.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from toolkit.corpus.problems import CorpusError, Problems
from toolkit.corpus.reading import Record, decode_bytes

#: Suffixes of saved web pages.
HTML_SUFFIXES = (".html", ".htm")

_BLOCKS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "td", "th", "tr", "table",
    "blockquote", "pre", "figcaption", "figure", "caption", "dt", "dd", "dl", "nav", "header", "footer",
    "section", "article", "aside", "main", "form", "label", "button", "br", "hr", "address", "details",
    "summary", "option", "select", "textarea", "fieldset", "legend",
})
_DROP = ("script", "style", "noscript", "template", "head", "svg", "iframe")


def page_text(html: str) -> str:
    """The visible text blocks of a page's body, one per line, spaces inside a block collapsed.

    This is the text the offsets of an HTML article's ``removed`` rows point into.
    """
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(html.encode("utf-8"))
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(root, *_DROP, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _norm(line: str) -> str:
    return " ".join(line.split()).casefold()


def article_spans(text: str, extracted: str) -> list[tuple[int, int, str]]:
    """The lines of ``text`` (a page text) that are not among trafilatura's ``extracted`` lines.

    Extracted lines are matched in order to page lines (equal once spaces are collapsed,
    else one containing the other); every page line left unmatched is returned as
    ``(start, end, "html-boilerplate")``.
    """
    offsets, pos = [], 0
    for line in text.split("\n"):
        offsets.append((pos, pos + len(line), _norm(line)))
        pos += len(line) + 1
    kept, j = set(), 0
    for wanted in (_norm(x) for x in extracted.split("\n")):
        if not wanted:
            continue
        for k in range(j, min(len(offsets), j + 200)):
            page = offsets[k][2]
            if page == wanted or (len(wanted) >= 20 and (wanted in page or page in wanted) and page):
                kept.add(k)
                j = k + 1
                break
    return [(a, b, "html-boilerplate") for k, (a, b, _) in enumerate(offsets) if k not in kept and b > a]


def html_record(path: Path, raw: str, *, extract: bool = True) -> Record:
    """One page as a :class:`Record`: ``raw`` is the HTML; fields carry the page text, the spans
    trafilatura left out, and the metadata (title, published, url, outlet) found in the page."""
    import trafilatura

    text = page_text(raw)
    if not extract:
        return Record(path.stem, path.name, None, raw, "utf-8", {"page_text": text})
    document = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, include_tables=True)
    meta = (document.as_dict() if hasattr(document, "as_dict") else document) or {}
    extracted = meta.get("text") or ""
    fields = {k: v for k, v in {"title": meta.get("title"), "published": meta.get("date"), "url": meta.get("url"),
                                "outlet": meta.get("hostname") or meta.get("sitename")}.items() if v}
    fields["page_text"] = text
    fields["page_spans"] = article_spans(text, extracted) if extracted else []
    return Record(path.stem, path.name, None, raw, "utf-8", fields)


def read_html_records(path: Path, problems: Problems, *, extract: bool = True) -> Iterable[Record]:
    """The records of a folder's .html/.htm files (sorted by name), or of one such file.

    With ``extract=False``, only the page text is read (no trafilatura): the loader's first pass.
    """
    files = [path] if path.is_file() else sorted(
        p for p in path.iterdir() if p.is_file() and p.suffix.lower() in HTML_SUFFIXES and not p.name.startswith("."))
    for file in files:
        try:
            with open(file, "rb") as handle:  # read-only
                raw, encoding = decode_bytes(handle.read())
        except (CorpusError, OSError) as err:
            problems.add(file.name, str(err), article_id=file.stem)
            continue
        record = html_record(file, raw, extract=extract)
        if not record.fields["page_text"].strip():
            problems.add(file.name, "no visible text in this page", article_id=file.stem)
            continue
        yield record._replace(encoding=encoding)


def has_html(path: Path) -> bool:
    """True when ``path`` is an HTML file or a folder holding some."""
    if path.is_file():
        return path.suffix.lower() in HTML_SUFFIXES
    return path.is_dir() and any(p.suffix.lower() in HTML_SUFFIXES for p in path.iterdir() if p.is_file())
