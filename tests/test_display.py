"""Tests for toolkit.display: highlighted text and two versions side by side keep every character, escaped;
the side-by-side view shows what the differences table lists."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from tests.seed_tables import alignment_table, alike_credit_versions, sentences_table
from toolkit.compare import compare_versions
from toolkit.display import highlight_entities, render_differences


def test_marks_each_mention_and_escapes_text():
    text = "<script>x</script> To Lam met Álvarez Casas & co."
    mentions = pd.DataFrame({"start_char": [19, 30], "end_char": [25, 43], "entity_type": ["PER", "PER"]})
    markup = str(highlight_entities(text, mentions, title="<b>002</b>"))
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "&lt;b&gt;002" in markup
    assert markup.count("<mark") == 2
    visible = re.sub(r"<span[^>]*>[^<]*</span>", "", re.sub(r"<h4.*?</h4>", "", markup))
    assert html.unescape(re.sub(r"<[^>]+>", "", visible)) == text  # every character shown, in order


def test_rejects_offsets_outside_the_text():
    with pytest.raises(ValueError, match="outside"):
        highlight_entities("short", pd.DataFrame({"start_char": [2], "end_char": [50], "entity_type": ["PER"]}))


def test_overlapping_mentions_after_the_first_are_skipped_and_tags_coloured_by_type():
    from toolkit.plotting import ENTITY_TYPE_COLORS

    text = "Trần Quốc Tỏ met Cuba."
    mentions = pd.DataFrame({"start_char": [0, 5, 17], "end_char": [12, 12, 21],
                             "entity_type": ["PER", "PER", "LOC"], "name": ["Trần Quốc Tỏ", "Quốc Tỏ", "Cuba"]})
    markup = str(highlight_entities(text, mentions, label="name"))
    marks = re.findall(r"<mark[^>]*>([^<]*)<span[^>]*>([^<]*)</span></mark>", markup)
    assert marks == [("Trần Quốc Tỏ", "Trần Quốc Tỏ"), ("Cuba", "Cuba")]
    assert f"solid {ENTITY_TYPE_COLORS['PER']}" in markup and f"solid {ENTITY_TYPE_COLORS['LOC']}" in markup


# ---------------------------------------------------------------- render_differences: the view follows the table
#
# Two versions written for these tests: RHC's and VNA's datelines, each its own sentence
# (as spaCy cuts "Hanoï (VNA)" off), a shared sentence with one word changed, a sentence
# each version alone has, and VNA's sign-off "– VNA", once as its own sentence and once
# at the end of its last sentence.

BODY = ["Le ministre de la Sécurité publique a reçu son homologue cubain dans la capitale.",
        "Les deux ministres ont signé un accord sur la formation des policiers.",
        "Il a remis la médaille de l'Amitié à la délégation cubaine & à son chef.",
        "Le ministre a proposé de partager son expérience <en matière> de politiques."]


def _two_versions(vna_last: list[tuple[int, str]]):
    """(texts, sentences, alignment) of 'rhc' and 'vna'; ``vna_last`` ends VNA's sentences."""
    pieces = {"rhc": [(0, "Hanoï, 16 mai (RHC)"), (0, BODY[0]), (1, BODY[1]), (2, BODY[2])],
              "vna": [(0, "Hanoï (VNA)"), (0, "- " + BODY[0]), (1, BODY[1].replace("signé", "conclu")), *vna_last]}
    texts, sentences = sentences_table(pieces)
    # By hand, as align_sentences leaves them: the datelines, RHC's medal and VNA's offer unaligned.
    groups = [(0, None, "unique"), (1, 1, "shared"), (2, 2, "shared"), (3, None, "unique"),
              *((None, k, "unique") for k in [0, *range(3, 3 + len(vna_last))])]
    alignment = alignment_table(sentences, "rhc", "vna", groups, score=0.9)
    return texts, sentences, alignment


def _cells(markup: str) -> list[tuple[str, str, str, str]]:
    """(left background, left text, right background, right text) of each row, text unescaped."""
    found = []
    for row in re.findall(r"<tr><td.*?</tr>", markup):
        (bg_a, a), (bg_b, b) = re.findall(r'<td style="[^"]*background:(#\w+)">(.*?)</td>', row)
        found.append((bg_a, html.unescape(re.sub(r"<[^>]+>", "", a)), bg_b, html.unescape(re.sub(r"<[^>]+>", "", b))))
    return found


def _framed(markup: str) -> list[str]:
    """The texts framed as a dateline or sign-off."""
    return [html.unescape(t) for t in re.findall(r'<span style="[^"]*dashed[^"]*" title="[^"]*">([^<]*)</span>', markup)]


def _versions(vna_last):
    texts, sentences, alignment = _two_versions(vna_last)
    articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "language": "fr"})
    differences = compare_versions(sentences, articles, "rhc", "vna", alignment=alignment)
    return texts, sentences, alignment, differences


@pytest.mark.parametrize("vna_last", [[(2, BODY[3]), (2, "– VNA")], [(2, BODY[3] + " – VNA")]],
                         ids=["signoff-sentence", "signoff-inside"])
def test_a_dateline_or_signoff_sentence_is_shown_as_such_not_as_omitted_or_added(vna_last):
    texts, sentences, alignment, differences = _versions(vna_last)
    # The table these tests rely on: one dateline row, one sign-off row, one omitted and one added sentence.
    assert sorted(differences["kind"]) == ["added", "changed", "dateline", "omitted", "signoff"]
    markup = str(render_differences(sentences, alignment, differences))
    cells = _cells(markup)
    background = {text: bg for bg_a, a, bg_b, b in cells for bg, text in ((bg_a, a), (bg_b, b)) if text}
    # Before: "Hanoï, 16 mai (RHC)" was tinted omitted (#FBE3DA) and "Hanoï (VNA)", "– VNA" added (#DDF1E7),
    # from the alignment alone, though the table lists none of them as omitted or added.
    for credit in ("Hanoï, 16 mai (RHC)", "Hanoï (VNA)", *(["– VNA"] if len(vna_last) == 2 else [])):
        assert background[credit] == "#FFFFFF", (credit, background[credit])
    assert background[BODY[2]] == "#FBE3DA"  # omitted by b: the table's omitted row
    assert background[BODY[3] + ("" if len(vna_last) == 2 else " – VNA")] == "#DDF1E7"  # added by b
    # Every credit the table lists is framed, wherever it is: whole sentences, VNA's "-" before
    # its first sentence, and the sign-off inside an added sentence.
    assert _framed(markup) == ["Hanoï, 16 mai (RHC)", "Hanoï (VNA)", "-", "– VNA"]  # in row order
    # Each column reads in its article's order (b's unaligned sentences were all at the end before), and a row
    # that is only a credit says so rather than "unique".
    by_side = {side: sentences[sentences["article_id"] == side].sort_values("sentence_id")["text"].tolist()
               for side in ("rhc", "vna")}
    assert [a for _, a, _, _ in cells if a] == by_side["rhc"] and [b for _, _, _, b in cells if b] == by_side["vna"]
    notes = re.findall(r'white-space:nowrap">([^<]*)</td></tr>', markup)
    assert [note for (_, a, _, b), note in zip(cells, notes) if (a or b) in ("Hanoï (VNA)", "Hanoï, 16 mai (RHC)")] \
        == ["dateline / sign-off"] * 2
    assert "dateline / sign-off" in re.search(r"<p.*?</p>", markup).group()
    # The changed word is still marked, and only once.
    table = markup[markup.index("<table"):]
    assert re.findall(r'line-through[^"]*">([^<]*)<', table) == ["signé"]
    assert re.findall(r'border-bottom:2px solid #009E73">([^<]*)<', table) == ["conclu"]


def test_a_view_of_credits_keeps_every_character_escaped():
    texts, sentences, alignment, differences = _versions([(2, BODY[3] + " – VNA")])
    # Whatever the table says a credit is, its text is escaped: here a span stretched over markup.
    signoff = differences.index[differences["kind"] == "signoff"]
    differences.loc[signoff, "start_char_b"] = texts["vna"].index("<en matière>")
    markup = str(render_differences(sentences, alignment, differences, labels=["<b>RHC</b>", "VNA & co"]))
    assert _framed(markup)[-1] == "<en matière> de politiques. – VNA"
    assert "<en matière>" not in markup and "&lt;en matière&gt;" in markup and "&lt;b&gt;RHC" in markup
    assert "& " not in markup.replace("&amp; ", "")  # every ampersand escaped
    # Every character of every sentence shown, each side in its own column (one sentence a cell here).
    for side, article_id in ((1, "rhc"), (3, "vna")):
        shown = sorted(cell[side] for cell in _cells(markup) if cell[side])
        assert shown == sorted(sentences.loc[sentences["article_id"] == article_id, "text"])


def test_a_sentence_the_table_does_not_list_is_not_tinted_omitted():
    """A fragment under compare_versions' min_words has no row: the view does not call it omitted."""
    texts, sentences, alignment, differences = _versions([(2, BODY[3]), (2, "– VNA")])
    short = compare_versions(sentences, pd.DataFrame({"article_id": list(texts), "text": list(texts.values()),
                                                      "language": "fr"}),
                             "rhc", "vna", alignment=alignment, min_words=50)
    assert not short["kind"].isin(["omitted", "added"]).any()
    background = {a: bg_a for bg_a, a, _, _ in _cells(str(render_differences(sentences, alignment, short)))}
    assert background[BODY[2]] == "#F2F2F2"  # the grey of an unaligned sentence, as in the status column


def test_differences_of_another_pair_are_refused():
    # compare_versions(b, a) beside align(a, b) would tint sentences by the other article's ids.
    texts, sentences, alignment, differences = _versions([(2, BODY[3])])
    swapped = differences.rename(columns={"article_id_a": "article_id_b", "article_id_b": "article_id_a"})
    with pytest.raises(ValueError, match="same a and b"):
        render_differences(sentences, alignment, swapped)


def test_credits_alike_in_both_versions_are_shown_as_credits_too():
    """Both versions open with "Hanoï (VNA)" and sign off "– VNA": the table has no dateline or sign-off row (they
    are alike) and lists neither as omitted or added; the view draws them as credits all the same, not as grey
    unaligned sentences (before: #F2F2F2 and unframed, as if the table had forgotten them)."""
    texts, sentences, alignment, differences = alike_credit_versions(BODY)
    # The table: no credit row (alike), the credits in no omitted or added row.
    assert sorted(differences["kind"]) == ["added", "omitted"]
    markup = str(render_differences(sentences, alignment, differences))
    cells = _cells(markup)
    for bg_a, a, bg_b, b in cells:
        for bg, text in ((bg_a, a), (bg_b, b)):
            if text in ("Hanoï (VNA)", "– VNA"):
                assert bg == "#FFFFFF", (text, bg)
    assert [a for bg_a, a, _, _ in cells if bg_a == "#FBE3DA"] == [BODY[2]]
    assert [b for _, _, bg_b, b in cells if bg_b == "#DDF1E7"] == [BODY[3]]
    # Each side's dateline (with the dash opening its next sentence) and sign-off framed, in row order.
    assert _framed(markup) == ["Hanoï (VNA)", "Hanoï (VNA)", "-", "-", "– VNA", "– VNA"]


def test_with_nothing_aligned_a_comes_first_then_b():
    texts, sentences = sentences_table({"x": [(0, BODY[0]), (1, BODY[1])], "y": [(0, BODY[2]), (1, BODY[3])]})
    alignment = alignment_table(sentences, "x", "y", [(0, None, "unique"), (1, None, "unique"),
                                                      (None, 0, "unique"), (None, 1, "unique")])
    articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "language": "fr"})
    differences = compare_versions(sentences, articles, "x", "y", alignment=alignment)
    cells = _cells(str(render_differences(sentences, alignment, differences)))
    assert [(a, b) for _, a, _, b in cells] == [(BODY[0], ""), (BODY[1], ""), ("", BODY[2]), ("", BODY[3])]


def test_an_outlets_own_signoff_alike_in_both_versions_is_framed_given_the_articles():
    """Both versions sign off "–BL", the code of their outlet BL that the outlet registry lacks: alike, the table has
    no sign-off row to tell the view the code. Given the articles, the view reads it with their outlet, as the table
    did (before: render_differences took no articles, and "–BL" was an unaligned sentence, unframed)."""
    texts, sentences = sentences_table({"x": [(0, BODY[0]), (1, BODY[1]), (1, "–BL")],
                                        "y": [(0, BODY[0]), (1, BODY[2]), (1, "–BL")]})
    groups = [(0, 0, "shared"), (1, None, "unique"), (2, None, "unique"), (None, 1, "unique"), (None, 2, "unique")]
    alignment = alignment_table(sentences, "x", "y", groups)
    articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "language": "fr",
                             "outlet": "BL"})
    differences = compare_versions(sentences, articles, "x", "y", alignment=alignment)
    assert sorted(differences["kind"]) == ["added", "omitted"]  # "–BL" in neither: the table read it as a credit
    markup = str(render_differences(sentences, alignment, differences, articles=articles))
    assert _framed(markup) == ["–BL", "–BL"]
    assert [(bg_a, bg_b) for bg_a, a, bg_b, b in _cells(markup) if "–BL" in (a, b)] == [
        ("#F2F2F2", "#FFFFFF"), ("#FFFFFF", "#F2F2F2")]
    # Without the articles, the documented exception: nothing tells the view that BL is an outlet.
    assert _framed(str(render_differences(sentences, alignment, differences))) == []
    with pytest.raises(ValueError, match="no article 'y'"):
        render_differences(sentences, alignment, differences, articles=articles.iloc[:1])
