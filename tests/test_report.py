"""Tests for toolkit.report: execute tiny notebooks and check the HTML report they produce."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from toolkit.report import build_report, execute_notebooks, write_index

PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
LIVE = re.compile(r"<script[^>]*>\s*alert\(", re.IGNORECASE)


def _write_notebook(path, cells):
    nbformat.write(new_notebook(cells=cells), path)
    return path


def _write_examples(folder):
    """Write 01-alpha (DataFrame holding a script tag) and 02-beta into ``folder``."""
    folder.mkdir()
    _write_notebook(folder / "01-alpha.ipynb", [
        new_markdown_cell("# Alpha\nHow **alpha** articles read.\n\nMore text."),
        new_code_cell(
            "import pandas as pd\n"
            f"articles = pd.DataFrame({{'text': [{PAYLOAD!r}], 'n_words': [3]}})\n"
            "print(articles)\n"
            "articles"
        ),
        new_code_cell(f"from IPython.display import HTML\nHTML('<b>bold</b>' + {PAYLOAD!r})"),
    ])
    _write_notebook(folder / "02-beta.ipynb", [
        new_markdown_cell("# Beta"),
        new_code_cell("print('beta ran in', __import__('pathlib').Path.cwd().name)"),
    ])
    # Not numbered, so not part of the report (it would fail if it ran).
    _write_notebook(folder / "scratch.ipynb", [new_code_cell("1/0")])
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the report once; return (notebooks_dir, out_dir, index path, source bytes)."""
    folder = _write_examples(tmp_path_factory.mktemp("built") / "notebooks")
    sources = {p.name: p.read_bytes() for p in folder.glob("*.ipynb")}
    out_dir = folder.parent / "report"
    index = build_report(folder, out_dir=out_dir, timeout=60)
    return folder, out_dir, index, sources


class TestBuildReport:
    def test_writes_one_html_per_notebook_and_an_index(self, built):
        _, out_dir, index, _ = built
        assert index == out_dir / "index.html"
        assert sorted(p.name for p in out_dir.iterdir()) == [
            "01-alpha.html", "02-beta.html", "index.html"
        ]

    def test_index_links_notebooks_in_order_with_titles(self, built):
        _, out_dir, index, _ = built
        page = index.read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', page)
        assert links == [("01-alpha.html", "Alpha"), ("02-beta.html", "Beta")]
        assert "How alpha articles read." in page
        assert "<script" not in page.lower()
        assert not re.search(r'(src|href)="https?:', page)

    def test_notebooks_ran_in_their_folder(self, built):
        _, out_dir, _, _ = built
        assert "beta ran in notebooks" in (out_dir / "02-beta.html").read_text(encoding="utf-8")

    def test_article_text_stays_escaped(self, built):
        _, out_dir, _, _ = built
        for html_path in out_dir.glob("*.html"):
            assert not LIVE.search(html_path.read_text(encoding="utf-8")), html_path.name
        alpha = (out_dir / "01-alpha.html").read_text(encoding="utf-8")
        assert f"<td>{ESCAPED}</td>" in alpha  # the DataFrame cell, as a real table cell
        assert "<th>n_words</th>" in alpha  # sanitising kept the table header
        assert "<b>bold</b>" in alpha  # harmless markup in an HTML output survives

    def test_source_notebooks_are_untouched(self, built):
        folder, _, _, sources = built
        assert {p.name: p.read_bytes() for p in folder.glob("*.ipynb")} == sources


class TestExecuteNotebooks:
    def test_failure_is_reported_after_the_others_run(self, tmp_path, capsys):
        notebooks_dir = _write_examples(tmp_path / "notebooks")
        _write_notebook(notebooks_dir / "01-alpha.ipynb", [
            new_markdown_cell("# Alpha"),
            new_code_cell("print('before the error')"),
            new_code_cell("1/0"),
            new_code_cell("print('never reached')"),
        ])
        out_dir = tmp_path / "report"
        with pytest.raises(RuntimeError, match=r"01-alpha: ZeroDivisionError") as excinfo:
            execute_notebooks(notebooks_dir, out_dir=out_dir, timeout=60)
        assert "02-beta" not in str(excinfo.value)
        assert (out_dir / "02-beta.html").is_file()
        failed = (out_dir / "01-alpha.html").read_text(encoding="utf-8")
        assert "<pre>before the error" in failed and "ZeroDivisionError" in failed
        assert "<pre>never reached" not in failed  # stops at the error, like a restart-run-all
        progress = capsys.readouterr().out
        assert re.search(r"^01-alpha: FAILED .* in \d+\.\d s$", progress, re.MULTILINE)
        assert re.search(r"^02-beta: ok in \d+\.\d s$", progress, re.MULTILINE)

    def test_empty_folder_is_an_error(self, tmp_path):
        with pytest.raises(FileNotFoundError, match="No notebooks"):
            execute_notebooks(tmp_path, out_dir=tmp_path / "report")


class TestWriteIndex:
    def test_escapes_titles_and_falls_back_to_the_stem(self, tmp_path):
        notebooks = tmp_path / "notebooks"
        notebooks.mkdir()
        _write_notebook(notebooks / "01-x.ipynb", [
            new_markdown_cell(f"# Tags {PAYLOAD}\n{PAYLOAD} in the description")
        ])
        out_dir = tmp_path / "report"
        out_dir.mkdir()
        html_paths = [out_dir / "01-x.html", out_dir / "02-no-source.html"]
        page = write_index(
            html_paths, out_dir=out_dir, notebooks_dir=notebooks, title="A & <B>"
        ).read_text(encoding="utf-8")
        assert not LIVE.search(page)
        assert f"Tags {ESCAPED}" in page and f"{ESCAPED} in the description" in page
        assert "<h1>A &amp; &lt;B&gt;</h1>" in page
        assert '<a href="02-no-source.html">02-no-source</a>' in page
