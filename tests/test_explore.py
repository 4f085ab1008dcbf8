"""Tests for toolkit.explore: the explorers' first view (as exported HTML), filters, paging, escaping."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

pytest.importorskip("ipywidgets")

from toolkit.explore import explore_entities, explore_frames, explore_kwic  # noqa: E402

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def articles():
    texts = [
        f"La coopération entre Cuba et le Vietnam progresse. {HOSTILE} coopération.",
        "Cuba and Vietnam agreed on security cooperation in Havana.",
        "La coopération sanitaire avance à Hanoï.",
    ]
    return pd.DataFrame({
        "article_id": ["a1", "a2", "a3"], "text": texts, "language": ["fr", "en", "fr"],
        "outlet": ["VNA", "VNS", "RHC"], "title": ["t1", "t2", "t3"],
    }).astype({"article_id": "string", "text": "string", "language": "string", "outlet": "string"})


def test_kwic_first_view_is_html_with_every_match(articles):
    explorer = explore_kwic(articles, "coopération", page_size=50)
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # live in JupyterLab
    page = bundle["text/html"]  # and a static view for exports
    assert page.count("<tr>") - 1 == 3  # three French matches, one header row
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_kwic_filters_and_pages(articles):
    explorer = explore_kwic(articles, "coopération", page_size=1)
    search, outlet, language = explorer.widget.children[0].children
    assert "1–1 of 3" in explorer._repr_html_()
    explorer.go(2)
    assert "3–3 of 3" in explorer._repr_html_() and explorer.next.disabled
    explorer.go(99)  # clamped to the last page
    assert explorer.page == 2
    outlet.value = "RHC"
    assert "1–1 of 1" in explorer._repr_html_() and explorer.page == 0
    language.value = "en"
    assert "No matches" in explorer._repr_html_()
    outlet.value, search.value = "(all)", "cooperation"
    assert "a2" in explorer._repr_html_()


def test_entities_shows_variants_rules_and_mentions_in_context(articles):
    mentions = pd.DataFrame({
        "article_id": ["a1", "a2", "a3"], "sentence_id": [0, 0, 0], "start_char": [21, 0, 34],
        "end_char": [25, 4, 39], "text": ["Cuba", "Cuba", "Hanoï"], "entity_id": ["LOC:cuba", "LOC:cuba", "LOC:hanoi"],
        "link_rule": ["exact", "exact", "exact"],
    })
    linked = SimpleNamespace(
        mentions=mentions,
        entities=pd.DataFrame({"entity_id": ["LOC:cuba", "LOC:hanoi"], "name": ["Cuba", "Hanoï"],
                               "entity_type": ["LOC", "LOC"], "n_mentions": [2, 1]}),
        merges=pd.DataFrame({"entity_id": ["LOC:cuba"], "variant": ["Cuba"], "rule": ["exact"],
                             "evidence": [f"alias {HOSTILE}"], "n_mentions": [2]}),
    )
    explorer = explore_entities(linked, articles)
    page = explorer._repr_html_()
    assert "VNA 1" in page and "VNS 1" in page and "1–2 of 2" in page
    assert "alias &lt;script&gt;" in page and "<script>" not in page
    picker = explorer.widget.children[0].children[0]
    picker.value = "LOC:hanoi"
    assert ">Hanoï</span>" in explorer._repr_html_()
    with pytest.raises(ValueError, match="not an entity_id"):
        explore_entities(linked, articles, "PER:nobody")


def test_frames_marks_the_terms_behind_the_score(articles):
    sentences = pd.DataFrame({"article_id": ["a1", "a3"], "sentence_id": [0, 0], "start_char": [0, 0],
                              "text": [articles.text[0][:50], articles.text[2]]})
    evidence = pd.DataFrame({
        "article_id": ["a1", "a3"], "sentence_id": [0, 0], "frame": ["coop", "coop"],
        "label": ["Cooperation", "Cooperation"], "term": ["coopération", "coopération"],
        "start_char": [3, 3], "end_char": [14, 14],
    })
    scores = pd.DataFrame({"article_id": ["a1", "a3"], "frame": ["coop", "coop"], "n_hits": [1, 1],
                           "n_words": [10, 6]})
    explorer = explore_frames(SimpleNamespace(evidence=evidence, scores=scores), sentences, articles)
    page = explorer._repr_html_()
    assert "2 hits in 16 words" in page and "1–2 of 2" in page
    assert 'La <span style="' in page and ">coopération</span> entre" in page
    explorer.widget.children[0].children[1].value = "RHC"
    assert "1 hits in 6 words" in explorer._repr_html_()


def test_executed_notebook_keeps_the_first_view_for_the_report(tmp_path):
    """Run a notebook that shows an explorer; its output and its report page hold the rows."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    from toolkit.report import build_report

    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(new_notebook(cells=[
        new_markdown_cell("# Explorer"),
        new_code_cell(
            "import pandas as pd\nfrom toolkit.explore import explore_kwic\n"
            "articles = pd.DataFrame({'article_id': ['a1'], 'language': ['fr'], 'outlet': ['VNA'],\n"
            "    'text': ['La coopération avance. <b>coopération</b> encore.']})\n"
            "explore_kwic(articles, 'coopération')"),
    ]), folder / "01-explorer.ipynb")
    build_report(folder, out_dir=tmp_path / "report", timeout=120)
    page = (tmp_path / "report" / "01-explorer.html").read_text(encoding="utf-8")
    view = page[page.index('class="toolkit-explorer"'):]
    assert "Matches of “coopération” 1–2 of 2" in view
    assert view.count(">coopération</span>") == 2
    assert "&lt;b&gt;" in view and "<b>coopération" not in view  # article markup stays text
