"""Execute the numbered notebooks and write report/ (executed notebooks as HTML) and figures/."""

from __future__ import annotations

import html
import os
import re
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
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "div", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "mark", "ol", "p", "pre", "small",
    "span", "strong", "style", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "u", "ul",
})
_SAFE_ATTRIBUTES = {
    "*": ["class", "id", "title", "style"],
    "a": ["href", "title"],
    "abbr": ["title"],
    "table": ["border"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan"],
}
# Rendered as <img src="data:..."> or escaped text by nbconvert's lab template, so no markup
# from these types reaches the page live.
_SAFE_OUTPUT_KEYS = frozenset({
    "metadata", "text/plain", "text/latex", "application/json",
    "image/png", "image/jpeg", "image/gif", "image/svg+xml",
})

_INDEX_CSS = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222;
       max-width: 44rem; margin: 3rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
.note { color: #666; font-size: 0.9rem; margin-top: 0; }
ol { padding-left: 1.4rem; }
li { margin: 1rem 0; }
a { color: #0b5cad; font-weight: 600; text-decoration: none; }
a:hover { text-decoration: underline; }
.description { display: block; color: #444; }
"""


def execute_notebooks(
    notebooks_dir: Path = NOTEBOOKS,
    *,
    out_dir: Path = REPORT,
    timeout: int = 600,
    kernel_name: str = "python3",
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
    html_paths, failures = _execute_all(
        Path(notebooks_dir), out_dir=Path(out_dir), timeout=timeout, kernel_name=kernel_name
    )
    _raise_failures(failures)
    return html_paths


def write_index(
    html_paths: Iterable[Path],
    *,
    out_dir: Path = REPORT,
    notebooks_dir: Path = NOTEBOOKS,
    title: str = "News corpus report",
) -> Path:
    """Write ``out_dir/index.html``, a self-contained page linking each notebook's HTML.

    Each entry shows the notebook's title (its first markdown ``# `` heading, else the file
    stem) and a one-line description (the first line of text after that heading, if any),
    both read from ``notebooks_dir/<stem>.ipynb``. The page uses inline CSS only: no
    external assets and no JavaScript.

    Args:
        html_paths: HTML files to link, in display order (as returned by
            :func:`execute_notebooks`).
        out_dir: Folder to write ``index.html`` into; links are relative to it.
        notebooks_dir: Folder holding the ``.ipynb`` sources of the HTML files.
        title: Page title and heading.

    Returns:
        Path of the written ``index.html``.

    Example:
        >>> write_index(execute_notebooks())
        PosixPath('.../report/index.html')
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_paths = [Path(p) for p in html_paths]
    items = []
    for html_path in html_paths:
        nb_title, description = _describe_notebook(Path(notebooks_dir) / f"{html_path.stem}.ipynb")
        href = quote(Path(os.path.relpath(html_path, out_dir)).as_posix())
        line = f'<li><a href="{html.escape(href)}">{html.escape(nb_title)}</a>'
        if description:
            line += f'<span class="description">{html.escape(description)}</span>'
        items.append(line + "</li>")
    generated = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip()
    note = f"Generated {generated} from {len(html_paths)} executed notebook(s)."
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
        "<ol>",
        *items,
        "</ol>",
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
        **kwargs: Passed to :func:`execute_notebooks` (``timeout``, ``kernel_name``).

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
    html_paths, failures = _execute_all(notebooks_dir, out_dir=out_dir, **kwargs)
    index_path = write_index(html_paths, out_dir=out_dir, notebooks_dir=notebooks_dir, title=title)
    print(f"Report written to {_display_path(index_path)} (open it in a browser)")
    _raise_failures(failures)
    return index_path


def _execute_all(
    notebooks_dir: Path, *, out_dir: Path, timeout: int = 600, kernel_name: str = "python3"
) -> tuple[list[Path], list[tuple[str, str]]]:
    """Execute and export every notebook; return the HTML paths and (name, error) failures."""
    import nbformat
    from nbclient import NotebookClient

    notebook_paths = _find_notebooks(notebooks_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_paths, failures = [], []
    for nb_path in notebook_paths:
        nb = nbformat.read(nb_path, as_version=4)
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name=kernel_name,
            resources={"metadata": {"path": str(notebooks_dir)}},
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
        html_paths.append(_export_html(nb, nb_path, out_dir=out_dir))
    return html_paths, failures


def _find_notebooks(notebooks_dir: Path) -> list[Path]:
    """Return the ``NN-*.ipynb`` notebooks in ``notebooks_dir``, sorted by name."""
    paths = sorted(
        p for p in notebooks_dir.glob(NOTEBOOK_PATTERN)
        if p.is_file() and not p.stem.endswith("-checkpoint")
    )
    if not paths:
        raise FileNotFoundError(
            f"No notebooks matching {NOTEBOOK_PATTERN!r} in {notebooks_dir}"
        )
    return paths


def _export_html(nb, nb_path: Path, *, out_dir: Path) -> Path:
    """Sanitise the executed notebook's outputs and write it as ``out_dir/<stem>.html``."""
    from nbconvert import HTMLExporter

    _sanitize_outputs(nb)
    # embed_images inlines images referenced from markdown; outputs are inlined anyway.
    exporter = HTMLExporter(embed_images=True)
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": nb_path.stem, "path": str(nb_path.parent)}}
    )
    html_path = out_dir / f"{nb_path.stem}.html"
    html_path.write_text(body, encoding="utf-8")
    return html_path


def _sanitize_outputs(nb) -> None:
    """Escape unsafe markup in code-cell outputs in place (markdown cells are authored, kept)."""
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    sanitizer = SanitizeHTML(
        tags=sorted(_SAFE_TAGS),
        attributes=_SAFE_ATTRIBUTES,
        safe_output_keys=set(_SAFE_OUTPUT_KEYS),
    )
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = sanitizer.sanitize_code_outputs(cell.outputs)


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


def _describe_notebook(nb_path: Path) -> tuple[str, str]:
    """Return the notebook's first ``# `` heading and the line after it, else (stem, "")."""
    import nbformat

    if not nb_path.is_file():
        return nb_path.stem, ""
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("# "):
                rest = (_plain_text(x) for x in lines[i + 1:])
                return _plain_text(line[2:]) or nb_path.stem, next((x for x in rest if x), "")
    return nb_path.stem, ""


def _plain_text(markdown_line: str) -> str:
    """Drop the inline markdown (links, bold, code ticks, heading marks) from one line."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown_line)
    text = re.sub(r"\*\*|__|`", "", text)
    return text.lstrip("#> ").strip()


def _display_path(path: Path) -> str:
    """Return ``path`` relative to the current directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    build_report()
