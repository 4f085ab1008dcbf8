"""Execute the numbered notebooks and write report/ (executed notebooks as HTML) and figures/.

The report is meant to be read offline and as the notebooks look in JupyterLab: the
toolkit's own inline CSS (entity highlights, difference tables) survives sanitising through an
explicit allow-list of CSS properties, every page links to the previous and next notebook and
to the index, no script or stylesheet is requested from the network, figures saved with
``save_figure`` are shown from their SVG (else the PNG) with alt text taken from their title,
and prose is set at a readable line length.

Longer than the ~600 lines the layout aims for: the sanitizer's allow-lists, the page
template and the index are one rendering path; the CSS and HTML constants are most of it.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from toolkit.paths import NOTEBOOKS, REPORT

NOTEBOOK_PATTERN = "[0-9][0-9]-*.ipynb"

# Tags that pandas DataFrame/Styler reprs and simple rich outputs need. nbconvert's own
# ``sanitize_html=True`` allows too few (no thead/th/tbody/style), so it prints pandas tables
# and their CSS as escaped tag soup; see the clean_html filter in nbconvert/filters/strings.py.
_SAFE_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "del", "div",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "mark", "ol", "p", "pre",
    "small", "span", "strong", "style", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
})
_SAFE_ATTRIBUTES = {
    "*": ["class", "id", "title", "style"],
    "a": ["href", "title"],
    "abbr": ["title"],
    "table": ["border"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan"],
}
# CSS properties kept in ``style`` attributes. bleach's default list drops background,
# padding, margin, border-radius, border-bottom and text-decoration-color, which the entity
# highlights (display.highlight_entities) and the differences table (render_differences) use:
# without them highlights turn plain and insertions/deletions vanish. None of these can load
# anything (url() values are refused by bleach's CSS sanitizer for every property).
CSS_PROPERTIES = frozenset({
    "background", "background-color", "border", "border-bottom", "border-collapse",
    "border-left", "border-radius", "border-right", "border-top", "color", "display",
    "font-family", "font-size", "font-style", "font-variant", "font-weight", "letter-spacing",
    "line-height", "margin", "margin-bottom", "margin-left", "margin-right", "margin-top",
    "max-width", "min-width", "opacity", "padding", "padding-bottom", "padding-left",
    "padding-right", "padding-top", "text-align", "text-decoration", "text-decoration-color",
    "text-decoration-line", "text-decoration-style", "vertical-align", "white-space", "width",
    "word-break",
})
# Rendered as <img src="data:..."> or escaped text by nbconvert's lab template, so no markup
# from these types reaches the page live.
_SAFE_OUTPUT_KEYS = frozenset({
    "metadata", "text/plain", "text/latex", "application/json",
    "image/png", "image/jpeg", "image/gif", "image/svg+xml",
})
_NBVAL_COMMENT = re.compile(r"^[ \t]*#[ \t]*NBVAL_[A-Z_]+[ \t]*\n?", re.MULTILINE)
_NOTEBOOK_LINK = re.compile(r"\b(\d\d-[\w.-]+?)\.ipynb\b")
_SAVED_FIGURE = re.compile(r"save_figure\([^,]+,\s*[\"']([^\"']+)[\"']")
# A title's string ends at the quote that opened it (an apostrophe inside "RHC's ..." is text).
_FIGURE_TITLE = re.compile(r"(?:set_title|suptitle|\btitle)\(\s*f?([\"'])(?P<title>(?:(?!\1).)+)\1")
_SUPTITLE = re.compile(r"suptitle\(\s*f?([\"'])(?P<title>(?:(?!\1).)+)\1")
_CSS_URL_COMMENT = re.compile(r"/\*(?:(?!\*/).)*?https?://(?:(?!\*/).)*\*/", re.DOTALL)
_ENGINE_MODEL = re.compile(r"\b(spacy|stanza)\s+([A-Za-z][\w.]*[-_]\d[\w.-]*)")
_NUMBER = re.compile(r"^\s*[-+−]?[\d,. ]*\d(?:[eE][-+]?\d+)?\s*%?\s*$")
_TD = re.compile(r"<td>([^<]*)</td>")
_TH = re.compile(r"(<th\b[^>]*>)([^<]*)(</th>)")
_UNBROKEN_HEADER = 12  # characters
_PROSE_WORDS = 8

_PAGE_CSS = """
main { max-width: 72rem; margin: 0 auto; }
.jp-RenderedMarkdown, .jp-RenderedMarkdown p, .jp-RenderedMarkdown li { max-width: 44rem; }
.jp-RenderedMarkdown p, .jp-RenderedMarkdown li { line-height: 1.6; }
body .jp-RenderedHTMLCommon:not(.jp-RenderedMarkdown) td,
body .jp-RenderedHTMLCommon:not(.jp-RenderedMarkdown) th { text-align: left; }
body .jp-RenderedHTMLCommon:not(.jp-RenderedMarkdown) td.num { text-align: right;
  font-variant-numeric: tabular-nums; }
body .jp-RenderedHTMLCommon:not(.jp-RenderedMarkdown) td.prose { min-width: 13rem; }
.jp-RenderedImage img, .report-figure img { max-width: 100%; height: auto; }
nav.report-nav { display: flex; gap: 1.5rem; justify-content: space-between;
                 font: 15px/1.4 system-ui, sans-serif; padding: 0.8rem 1rem;
                 border-bottom: 1px solid #ddd; max-width: 72rem; margin: 0 auto; }
nav.report-nav.bottom { border-top: 1px solid #ddd; border-bottom: 0; }
nav.report-nav a { color: #0b5cad; text-decoration: none; }
nav.report-nav a:hover { text-decoration: underline; }
"""

# Extends nbconvert's lab template: no require.js, MathJax, Mermaid or widget manager from a
# CDN (the notebooks use none of them), the report's CSS, and navigation at top and bottom.
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<style type="text/css">{{ resources.report_css }}</style>{%- endblock html_head_css -%}
{%- block body_header -%}{{ super() }}
<nav class="report-nav top" aria-label="Report pages">{{ resources.report_nav }}</nav>
{%- endblock body_header -%}
{%- block body_footer -%}
<nav class="report-nav bottom" aria-label="Report pages">{{ resources.report_nav }}</nav>
{{ super() }}
{%- endblock body_footer -%}
"""
_TEMPLATE_NAME = "toolkit-report.html.j2"

_INDEX_CSS = """
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 48rem; margin: 3rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 0.3rem; }
h3 { font-size: 1rem; margin: 1rem 0 0.2rem; color: #444; }
.note { color: #666; font-size: 0.9rem; margin-top: 0; }
a { color: #0b5cad; text-decoration: none; }
a:hover { text-decoration: underline; }
h2 a { font-weight: 600; }
.question { margin: 0.2rem 0; }
.takeaways { font-size: 0.95rem; }
.takeaways li { margin: 0.3rem 0; }
.figures { display: flex; flex-wrap: wrap; gap: 0.8rem; margin: 0.6rem 0; }
figure { margin: 0; width: 14.5rem; }
figure img { width: 100%; height: 9rem; object-fit: contain; border: 1px solid #ddd;
             background: #fff; }
figcaption { font-size: 0.8rem; color: #444; }
table.engines { border-collapse: collapse; font-size: 0.9rem; }
table.engines td, table.engines th { text-align: left; padding: 2px 12px 2px 0; }
"""


def execute_notebooks(
    notebooks_dir: Path = NOTEBOOKS,
    *,
    out_dir: Path = REPORT,
    timeout: int = 600,
    kernel_name: str = "python3",
    figures_dir: Path | None = None,
) -> list[Path]:
    """Run every numbered notebook top to bottom and export each to self-contained HTML.

    Notebooks run in a fresh kernel with ``notebooks_dir`` as working directory. The source
    ``.ipynb`` files are only read, never written. HTML and Markdown outputs are sanitised
    (scripts, event handlers and ``javascript:`` links are escaped or dropped) so that text
    from the corpus can never run as code in the report. A failing notebook does not stop
    the others; its HTML still shows the cells up to and including the error.

    Args:
        notebooks_dir: Folder holding ``NN-slug.ipynb`` notebooks (two-digit prefix).
        out_dir: Folder for the HTML files, created if missing.
        timeout: Seconds allowed per cell.
        kernel_name: Jupyter kernel to run; ``"python3"`` is the current environment's.
        figures_dir: Where ``save_figure`` wrote the figures (their SVG replaces the inline
            PNG); default where the notebooks' ``save_figure`` writes (``toolkit.paths.folders``
            from ``notebooks_dir``), else ``figures/`` beside ``notebooks_dir``.

    Returns:
        Paths of the written ``out_dir/NN-slug.html`` files, in notebook order.

    Raises:
        FileNotFoundError: ``notebooks_dir`` holds no ``NN-*.ipynb`` notebook.
        RuntimeError: one or more notebooks raised; the message names each one with the
            last line of its error. All HTML files are written before this is raised.

    Example:
        >>> execute_notebooks()
        01-corpus-overview: ok in 12.3 s
        [PosixPath('.../report/01-corpus-overview.html')]
    """
    html_paths, _, failures = _execute_all(
        Path(notebooks_dir), out_dir=Path(out_dir), timeout=timeout, kernel_name=kernel_name,
        figures_dir=figures_dir,
    )
    _raise_failures(failures)
    return html_paths


def export_notebooks(
    notebooks_dir: Path = NOTEBOOKS,
    *,
    out_dir: Path = REPORT,
    title: str = "News corpus report",
    figures_dir: Path | None = None,
) -> Path:
    """Write the report from notebooks that are already executed, without running them.

    The same pages and index as :func:`build_report`, from the outputs saved in the
    ``.ipynb`` files (as committed after a run). Useful to re-render the report after a
    change of presentation, and for the browser check.

    Args:
        notebooks_dir: Folder holding executed ``NN-slug.ipynb`` notebooks.
        out_dir: Folder for the HTML files, ``index.html`` and a copy of the figures.
        title: Title of the index page.
        figures_dir: Folder of the saved figures; default where the notebooks'
            ``save_figure`` writes (``toolkit.paths.folders`` from ``notebooks_dir``), else
            ``figures/`` beside ``notebooks_dir``.

    Returns:
        Path of the written ``index.html``.

    Raises:
        FileNotFoundError: ``notebooks_dir`` holds no ``NN-*.ipynb`` notebook.
    """
    import nbformat

    notebooks_dir, out_dir = Path(notebooks_dir), Path(out_dir)
    paths = _find_notebooks(notebooks_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures_dir = _figures_dir(notebooks_dir, figures_dir)
    stems = [p.stem for p in paths]
    engines: list[tuple[str, str]] = []
    html_paths = []
    for nb_path in paths:
        nb = nbformat.read(nb_path, as_version=4)
        engines += _engines_in(nb)
        html_paths.append(_export_html(nb, nb_path, out_dir=out_dir, stems=stems,
                                       figures_dir=figures_dir))
    return write_index(html_paths, out_dir=out_dir, notebooks_dir=notebooks_dir, title=title,
                       figures_dir=figures_dir, engines=engines)


def write_index(
    html_paths: Iterable[Path],
    *,
    out_dir: Path = REPORT,
    notebooks_dir: Path = NOTEBOOKS,
    title: str = "News corpus report",
    figures_dir: Path | None = None,
    engines: Sequence[tuple[str, str]] = (),
) -> Path:
    """Write ``out_dir/index.html``: each notebook's question, takeaways and figures.

    Each entry shows the notebook's title (its first markdown ``# `` heading, else the file
    stem), its question (the first paragraph after that heading), its takeaways (the last
    markdown cell when it is a ``Takeaways`` section) and a thumbnail of every figure in
    ``figures_dir`` whose name starts with the notebook's number, linking its PNG and SVG
    (copied to ``out_dir/figures``). A footer names the NLP engines and models that ran and
    the toolkit's version. Inline CSS only: no external assets and no JavaScript.

    Args:
        html_paths: HTML files to link, in display order (as returned by
            :func:`execute_notebooks`).
        out_dir: Folder to write ``index.html`` into; links are relative to it.
        notebooks_dir: Folder holding the ``.ipynb`` sources of the HTML files.
        title: Page title and heading.
        figures_dir: Folder of the saved figures; default where the notebooks'
            ``save_figure`` writes (``toolkit.paths.folders`` from ``notebooks_dir``), else
            ``figures/`` beside ``notebooks_dir``. Nothing is shown when it does not exist.
        engines: ``(engine, model)`` pairs that ran, e.g. ``[("spacy", "fr_core_news_md-3.8.0")]``.

    Returns:
        Path of the written ``index.html``.

    Example:
        >>> write_index(execute_notebooks())
        PosixPath('.../report/index.html')
    """
    from toolkit import __version__

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_paths = [Path(p) for p in html_paths]
    figures = _copy_figures(_figures_dir(Path(notebooks_dir), figures_dir), out_dir)
    sections = []
    for html_path in html_paths:
        nb_title, question, takeaways = _describe_notebook(Path(notebooks_dir) / f"{html_path.stem}.ipynb")
        href = quote(Path(os.path.relpath(html_path, out_dir)).as_posix())
        parts = [f'<section><h2><a href="{html.escape(href)}">{html.escape(nb_title)}</a></h2>']
        if question:
            parts.append(f'<p class="question">{html.escape(question)}</p>')
        if takeaways:
            items = "".join(f"<li>{_inline_markdown(x)}</li>" for x in takeaways)
            parts.append(f'<h3>Takeaways</h3><ul class="takeaways">{items}</ul>')
        own = [f for f in figures if f.name[:2] == html_path.stem[:2]]
        if own:
            parts.append('<h3>Figures</h3><div class="figures">')
            parts += [_thumbnail(f, out_dir) for f in own]
            parts.append("</div>")
        sections.append("".join(parts) + "</section>")
    generated = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
    note = f"Generated {generated} from {len(html_paths)} executed notebook(s), toolkit {__version__}."
    engine_rows = "".join(
        f"<tr><td>{html.escape(e)}</td><td>{html.escape(m)}</td></tr>"
        for e, m in sorted(set(engines))
    )
    footer = ("<h2>Engines and models that ran</h2>"
              + (f'<table class="engines"><tr><th>engine</th><th>model</th></tr>{engine_rows}</table>'
                 if engine_rows else "<p>None recorded in the notebooks' outputs.</p>")
              + f'<p class="note">toolkit version {html.escape(__version__)}</p>')
    page = "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_INDEX_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="note">{html.escape(note)}</p>',
        *sections,
        footer,
        "</body>",
        "</html>",
        "",
    ])
    index_path = out_dir / "index.html"
    index_path.write_text(page, encoding="utf-8")
    return index_path


def build_report(
    notebooks_dir: Path = NOTEBOOKS,
    *,
    out_dir: Path = REPORT,
    title: str = "News corpus report",
    **kwargs,
) -> Path:
    """Execute the notebooks, export them to HTML and write the report's ``index.html``.

    The index is written even when a notebook fails, so the failing notebook's HTML (with
    its traceback) is reachable from it; the failure is raised afterwards.

    Args:
        notebooks_dir: Folder holding ``NN-slug.ipynb`` notebooks.
        out_dir: Folder for the HTML files and ``index.html``.
        title: Title of the index page.
        **kwargs: Passed to :func:`execute_notebooks` (``timeout``, ``kernel_name``,
            ``figures_dir``).

    Returns:
        Path of the written ``index.html``.

    Raises:
        FileNotFoundError: ``notebooks_dir`` holds no ``NN-*.ipynb`` notebook.
        RuntimeError: one or more notebooks raised (after the whole report is written).

    Example:
        >>> build_report()
        01-corpus-overview: ok in 12.3 s
        Report written to report/index.html (open it in a browser)
    """
    notebooks_dir, out_dir = Path(notebooks_dir), Path(out_dir)
    html_paths, engines, failures = _execute_all(notebooks_dir, out_dir=out_dir, **kwargs)
    index_path = write_index(html_paths, out_dir=out_dir, notebooks_dir=notebooks_dir, title=title,
                             figures_dir=kwargs.get("figures_dir"), engines=engines)
    print(f"Report written to {_display_path(index_path)} (open it in a browser)")
    _raise_failures(failures)
    return index_path


def _execute_all(
    notebooks_dir: Path, *, out_dir: Path, timeout: int = 600, kernel_name: str = "python3",
    figures_dir: Path | None = None,
) -> tuple[list[Path], list[tuple[str, str]], list[tuple[str, str]]]:
    """Execute and export every notebook; return HTML paths, engines seen and failures."""
    import nbformat
    from nbclient import NotebookClient

    notebook_paths = _find_notebooks(notebooks_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    figures_dir = _figures_dir(notebooks_dir, figures_dir)
    stems = [p.stem for p in notebook_paths]
    html_paths, engines, failures = [], [], []
    for nb_path in notebook_paths:
        nb = nbformat.read(nb_path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name=kernel_name,
            resources={"metadata": {"path": str(notebooks_dir)}},
            config=kernel_config(),
        )
        started = time.perf_counter()
        try:
            client.execute()
        except Exception as error:  # kernel death and timeouts too: report, then run the rest
            failures.append((nb_path.stem, _last_error_line(error)))
            status = f"FAILED ({failures[-1][1]})"
        else:
            status = "ok"
        print(f"{nb_path.stem}: {status} in {time.perf_counter() - started:.1f} s", flush=True)
        engines += _engines_in(nb)
        html_paths.append(_export_html(nb, nb_path, out_dir=out_dir, stems=stems,
                                       figures_dir=figures_dir))
    return html_paths, engines, failures


def kernel_config():
    """Kernel manager settings for every notebook run: encrypt the kernel's channels where both ends can.

    The one definition that the report (here) and ``benchmarks/run_all.py``'s notebook timing hand
    their ``NotebookClient``, which reads no Jupyter config file, so the setting travels as this
    ``Config``. (nbval in ``make test`` builds its kernel manager without config and sends the
    kernel's stderr to /dev/null: its kernels print nothing and stay as they are.)

    A kernel talks to its manager over TCP on localhost; unencrypted, ipykernel warns once per
    kernel ("Kernel is running over TCP without encryption"). With
    ``transport_encryption="auto"`` jupyter_client gives the kernel CurveZMQ keys when its
    kernelspec declares support (ipykernel's does) and pyzmq has CurveZMQ; otherwise the
    channels stay as before. The setting is left out where pyzmq has no CurveZMQ (jupyter_client
    refuses "auto" there) or where jupyter_client is too old to know it: nothing changes.
    """
    import zmq
    from jupyter_client.manager import KernelManager
    from traitlets.config import Config

    if not zmq.has("curve") or not KernelManager.class_traits().get("transport_encryption"):
        return Config()
    return Config({"KernelManager": {"transport_encryption": "auto"}})


def _find_notebooks(notebooks_dir: Path) -> list[Path]:
    """Return the ``NN-*.ipynb`` notebooks in ``notebooks_dir``, sorted by name."""
    paths = sorted(
        p for p in Path(notebooks_dir).glob(NOTEBOOK_PATTERN)
        if p.is_file() and not p.stem.endswith("-checkpoint")
    )
    if not paths:
        raise FileNotFoundError(
            f"No notebooks matching {NOTEBOOK_PATTERN!r} in {notebooks_dir}"
        )
    return paths


def _figures_dir(notebooks_dir: Path, figures_dir: Path | None) -> Path:
    # Where the notebooks' own save_figure writes (their kernels run in notebooks_dir), else a
    # figures/ beside notebooks_dir (a project laid out like this repository).
    from toolkit import paths

    if figures_dir is not None:
        return Path(figures_dir)
    candidates = [paths.folders(start=notebooks_dir).figures, Path(notebooks_dir).parent / "figures"]
    return next((c for c in candidates if c.is_dir()), candidates[0])


def _export_html(nb, nb_path: Path, *, out_dir: Path, stems: Sequence[str] = (),
                 figures_dir: Path | None = None) -> Path:
    """Prepare the executed notebook for reading and write it as ``out_dir/<stem>.html``."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    _sanitize_outputs(nb)
    _prepare_cells(nb, figures_dir)
    nb.metadata.pop("widgets", None)  # widget state needs a widget manager from a CDN
    exporter = HTMLExporter(
        embed_images=True,  # images referenced from markdown are inlined
        extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        template_file=_TEMPLATE_NAME,
    )
    body, _ = exporter.from_notebook_node(nb, resources={
        "metadata": {"name": nb_path.stem, "path": str(nb_path.parent)},
        "report_css": _PAGE_CSS,
        "report_nav": _navigation(nb_path.stem, list(stems)),
    })
    # The lab CSS credits its sources in comments; drop those so no URL is left in the page.
    body = _CSS_URL_COMMENT.sub("", body)
    html_path = out_dir / f"{nb_path.stem}.html"
    html_path.write_text(body, encoding="utf-8")
    return html_path


def _navigation(stem: str, stems: list[str]) -> str:
    """Previous · Index · Next links for one page (only those that exist)."""
    i = stems.index(stem) if stem in stems else -1
    previous = stems[i - 1] if i > 0 else None
    following = stems[i + 1] if 0 <= i < len(stems) - 1 else None
    link = lambda target, text: f'<a href="{html.escape(quote(target))}.html">{html.escape(text)}</a>'  # noqa: E731
    return "".join([
        f"<span>{link(previous, '← ' + previous) if previous else ''}</span>",
        '<span><a href="index.html">Index</a></span>',
        f"<span>{link(following, following + ' →') if following else ''}</span>",
    ])


def _sanitize_outputs(nb) -> None:
    """Escape unsafe markup in code-cell outputs in place (markdown cells are authored, kept)."""
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    sanitizer = SanitizeHTML(
        tags=sorted(_SAFE_TAGS),
        attributes=_SAFE_ATTRIBUTES,
        styles=sorted(CSS_PROPERTIES),
        safe_output_keys=set(_SAFE_OUTPUT_KEYS),
    )
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = sanitizer.sanitize_code_outputs(cell.outputs)


def _prepare_cells(nb, figures_dir: Path | None) -> None:
    """Reader-facing changes: links to pages, no nbval comments, figures, table alignment."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _NOTEBOOK_LINK.sub(r"\1.html", cell.source)
            continue
        if cell.cell_type != "code":
            continue
        cell.source = _NBVAL_COMMENT.sub("", cell.source)
        saved = _SAVED_FIGURE.findall(cell.source)
        titles = _figure_titles(cell.source)
        images = 0
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                data["text/html"] = _TH.sub(_breakable_header, _TD.sub(_align_cell, _as_text(data["text/html"])))
            kind = next((k for k in ("image/svg+xml", "image/png", "image/jpeg") if k in data), None)
            if kind is None:
                continue
            slug = saved[images] if images < len(saved) else None
            alt = titles[images] if images < len(titles) else (
                slug.replace("-", " ") if slug else "Figure")
            images += 1
            svg_file = Path(figures_dir) / f"{slug}.svg" if figures_dir and slug else None
            if svg_file is not None and svg_file.is_file():
                kind, payload = "image/svg+xml", base64.b64encode(svg_file.read_bytes()).decode()
            elif kind == "image/svg+xml":
                payload = base64.b64encode(_as_text(data[kind]).encode()).decode()
            else:
                payload = _as_text(data[kind]).replace("\n", "")
            # Trusted markup written after sanitising: an <img> cannot run what an SVG holds.
            output["data"] = {"text/html": (
                f'<div class="report-figure"><img alt="{html.escape(alt)}" '
                f'src="data:{kind};base64,{payload}"></div>'
            )}


def _figure_titles(source: str) -> list[str]:
    """The figure titles a code cell sets: its suptitles when it has any (subplots' titles name panels only)."""
    return ([m["title"] for m in _SUPTITLE.finditer(source)]
            or [m["title"] for m in _FIGURE_TITLE.finditer(source)])


def _align_cell(match: re.Match) -> str:
    # Numbers right-aligned; a cell of running text (a sentence, a passage) keeps a readable
    # measure, else a table of many short columns squeezes it to a word per line.
    if _NUMBER.match(match.group(1)):
        return f'<td class="num">{match.group(1)}</td>'
    if len(match.group(1).split()) >= _PROSE_WORDS:
        return f'<td class="prose">{match.group(1)}</td>'
    return match.group(0)


def _breakable_header(match: re.Match) -> str:
    # A header such as institutional_cooperation is one unbreakable word to the browser: a
    # table of such columns grows wider than the page, its last headers cut off, and its text
    # column is squeezed to a word per line. A break opportunity after each underscore lets
    # a long header wrap there, and only when the table needs the room; a header no longer
    # than a short value (sentence_id, n_words) stays on one line.
    opening, text, closing = match.groups()
    if len(html.unescape(text)) <= _UNBROKEN_HEADER:
        return match.group(0)
    return opening + re.sub(r"_(?=[^_\s])", "_<wbr>", text) + closing


def _as_text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _engines_in(nb) -> list[tuple[str, str]]:
    """``(engine, model)`` pairs printed in the notebook's outputs (tables with those columns)."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            text = _as_text(output.get("data", {}).get("text/plain", "")) + _as_text(output.get("text", ""))
            found += _ENGINE_MODEL.findall(text)
    return found


def _copy_figures(figures_dir: Path, out_dir: Path) -> list[Path]:
    """Copy ``figures_dir``'s PNG and SVG files to ``out_dir/figures``; return the PNG copies."""
    if not figures_dir.is_dir():
        return []
    target = out_dir / "figures"
    pngs = []
    for path in sorted(figures_dir.iterdir()):
        if path.suffix.lower() in {".png", ".svg"} and path.is_file():
            target.mkdir(parents=True, exist_ok=True)
            if path.resolve() != (target / path.name).resolve():
                shutil.copyfile(path, target / path.name)
            if path.suffix.lower() == ".png":
                pngs.append(target / path.name)
    return pngs


def _thumbnail(png: Path, out_dir: Path) -> str:
    href = html.escape(quote(Path(os.path.relpath(png, out_dir)).as_posix()))
    svg = png.with_suffix(".svg")
    svg_link = (f' · <a href="{html.escape(quote(Path(os.path.relpath(svg, out_dir)).as_posix()))}">SVG</a>'
                if svg.is_file() else "")
    name = html.escape(png.stem)
    return (f'<figure><a href="{href}"><img src="{href}" alt="{name}"></a>'
            f'<figcaption>{name}<br><a href="{href}">PNG</a>{svg_link}</figcaption></figure>')


def _last_error_line(error: BaseException) -> str:
    """Return the last meaningful line of an execution error, e.g. ``ZeroDivisionError: ...``."""
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    if ename:
        return f"{ename}: {evalue}" if evalue else str(ename)
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__


def _raise_failures(failures: Sequence[tuple[str, str]]) -> None:
    """Raise one ``RuntimeError`` naming every failed notebook, if any failed."""
    if failures:
        listing = "\n".join(f"  {name}: {message}" for name, message in failures)
        raise RuntimeError(
            f"{len(failures)} notebook(s) failed (their HTML shows the traceback):\n{listing}"
        )


def _describe_notebook(nb_path: Path) -> tuple[str, str, list[str]]:
    """Return the notebook's title, its question (first paragraph) and its takeaways.

    The title is the first ``# `` heading (else the file stem), the question the first
    paragraph of text after it (in the same cell or the next markdown cell), the takeaways
    the bullet points of the last markdown cell when its heading says "Takeaways".
    """
    import nbformat

    if not nb_path.is_file():
        return nb_path.stem, "", []
    nb = nbformat.read(nb_path, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    title, question = nb_path.stem, ""
    for i, source in enumerate(markdown):
        lines = source.splitlines()
        heading = next((j for j, line in enumerate(lines) if line.startswith("# ")), None)
        if heading is None:
            continue
        title = _plain_text(lines[heading][2:]) or nb_path.stem
        rest = "\n".join(lines[heading + 1:]).strip() or (markdown[i + 1] if i + 1 < len(markdown) else "")
        question = _plain_text(" ".join(rest.strip().split("\n\n")[0].split()))
        break
    takeaways = []
    if markdown and re.match(r"#+\s*Takeaways", markdown[-1].strip(), re.IGNORECASE):
        takeaways = [line.lstrip("-* ").strip() for line in markdown[-1].splitlines()
                     if line.lstrip().startswith(("- ", "* "))]
    return title, question, takeaways


def _plain_text(markdown_line: str) -> str:
    """Drop the inline markdown (links, bold, code ticks, heading marks) from one line."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown_line)
    text = re.sub(r"\*\*|__|`", "", text)
    return text.lstrip("#> ").strip()


def _inline_markdown(text: str) -> str:
    """Escape ``text`` and render its **bold**, *italic* and `code` spans (links as text)."""
    text = html.escape(re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text))
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<em>\1</em>", text)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def _display_path(path: Path) -> str:
    """Return ``path`` relative to the current directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    build_report()
