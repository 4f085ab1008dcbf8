"""Tests for toolkit.compare.versions: datelines and sign-offs, one rule for both versions.

Texts are written for these tests. A dateline ("PARIS (AFP) -", "Hanoï, 16 mai (RHC)",
"Hanoï (VNA) -", "WASHINGTON —") and a sign-off ("... lundi. – VNA") are the agency's
credit, not news: each version's is compared with the other's in one ``dateline`` or
``signoff`` row, and their words are never counted as an omitted or added sentence, a
word edit, an entity or a number.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.seed_tables import A000, A002, A003, A004, sentences_table
from toolkit import compare

BODY_FR = ["Le ministre de la Sécurité publique a reçu son homologue cubain dans la capitale.",
           "Les deux ministres ont signé un accord sur la formation des policiers."]
BODY_EN = ["The minister met his counterpart in the capital on Monday.",
           "The two ministers signed an agreement on police training."]


def _articles(texts: dict[str, str], language: str) -> pd.DataFrame:
    return pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "language": [language] * len(texts)})


def _rows(differences: pd.DataFrame, kind: str) -> list[tuple]:
    rows = differences[differences["kind"] == kind]
    return list(zip(rows["side"], rows["detail"], rows["text_a"], rows["text_b"]))


class TestDatelines:
    def _may_visit(self):
        """RHC's dateline and VNA's, each its own sentence (as spaCy cuts them), before the same body."""
        texts, sentences = sentences_table({
            "rhc": [(0, "Hanoï, 16 mai (RHC)"), (0, BODY_FR[0]), (1, BODY_FR[1])],
            "vna": [(0, "Hanoï (VNA)"), (0, "- " + BODY_FR[0]), (1, BODY_FR[1])],
        })
        return _articles(texts, "fr"), sentences

    def test_both_datelines_are_one_dateline_row_never_an_omitted_or_added_sentence(self):
        articles, sentences = self._may_visit()
        differences = compare.compare_versions(sentences, articles, "rhc", "vna")
        # Before: "Hanoï, 16 mai (RHC)" (4 words) was an omitted sentence, "Hanoï (VNA)" (2) was dropped.
        assert not differences["kind"].isin(["omitted", "added"]).any()
        assert _rows(differences, "dateline") == [("both", "date, agency", "Hanoï, 16 mai (RHC)", "Hanoï (VNA) -")]
        row = differences[differences["kind"] == "dateline"].iloc[0]
        texts = articles.set_index("article_id")["text"]
        assert texts["rhc"][row["start_char_a"]:row["end_char_a"]] == row["text_a"]
        assert texts["vna"][row["start_char_b"]:row["end_char_b"]] == row["text_b"]
        assert (row["sentence_id_a"], row["sentence_id_b"]) == (0, 0)
        # The dispatch date is the dateline's difference, reported once: not also a number row.
        assert not (differences["kind"] == "number").any()
        # Nor does VNA's "-" before its first sentence make a word edit.
        assert not (differences["kind"] == "changed").any()

    def test_the_same_rule_whichever_version_is_a(self):
        articles, sentences = self._may_visit()
        forward = compare.compare_versions(sentences, articles, "rhc", "vna")
        backward = compare.compare_versions(sentences, articles, "vna", "rhc")
        assert sorted(forward["kind"]) == sorted(backward["kind"])
        assert _rows(backward, "dateline") == [("both", "date, agency", "Hanoï (VNA) -", "Hanoï, 16 mai (RHC)")]

    @pytest.mark.parametrize("dateline, language, detail", [
        ("PARIS (AFP) - ", "en", "place, agency"),
        ("Hanoï, 16 mai (RHC) ", "fr", "place, date, agency"),
        ("Hanoï (VNA) - ", "fr", "place, agency"),
        ("WASHINGTON — ", "en", "place"),
        ("WASHINGTON -- ", "en", "place"),
        ("KANSAS CITY, Mo. — ", "en", "place"),
    ])
    def test_a_dateline_inside_the_first_sentence_is_not_a_word_edit(self, dateline, language, detail):
        body = BODY_EN if language == "en" else BODY_FR
        articles = _articles({"x": dateline + body[0] + "\n\n" + body[1], "y": body[0] + "\n\n" + body[1]}, language)
        sentences = compare.split_sentences(articles)
        for a, b, side in (("x", "y", "a"), ("y", "x", "b")):
            differences = compare.compare_versions(sentences, articles, a, b)
            assert _rows(differences, "dateline") == [
                (side, detail, *((dateline.strip(), "") if side == "a" else ("", dateline.strip())))]
            # Before: "changed delete PARIS (AFP" (or "Hanoï, 16 mai (RHC"), and a number row for "16".
            assert set(differences["kind"]) == {"dateline"}, differences

    def test_two_datelines_alike_are_no_difference(self):
        articles = _articles({"x": "WASHINGTON — " + BODY_EN[0], "y": "WASHINGTON -- " + BODY_EN[0]}, "en")
        sentences = compare.split_sentences(articles)
        assert compare.compare_versions(sentences, articles, "x", "y").empty

    @pytest.mark.parametrize("first, second, languages, detail", [
        # Before: no row, since only numbers and months were read as the date ("lundi" was no part at all).
        ("PARIS, lundi (AFP) - ", "PARIS, mardi (AFP) - ", ("fr", "fr"), "date"),
        ("PARIS, Monday (AFP) - ", "PARIS, Tuesday (AFP) - ", ("en", "en"), "date"),
        ("PARIS, lundi 16 mai (AFP) - ", "PARIS, 16 mai (AFP) - ", ("fr", "fr"), "date"),
        ("PARIS, lundi soir (AFP) - ", "PARIS, lundi (AFP) - ", ("fr", "fr"), "date"),
        ("KANSAS CITY, Mo. — ", "KANSAS CITY, Kan. — ", ("en", "en"), "place"),
        # Before: no row ("aujourd'hui" was skipped as a stopword; "EVENING" in capitals was read as the place's).
        ("PARIS, aujourd'hui (AFP) - ", "PARIS (AFP) - ", ("fr", "fr"), "date"),
        ("HANOI, THURSDAY EVENING (VNA) - ", "HANOI, THURSDAY (VNA) - ", ("en", "en"), "date"),
        # One day in two languages, a state written by one version only, the same words: no row.
        ("PARIS, lundi (AFP) - ", "PARIS, Monday (AFP) - ", ("fr", "en"), None),
        # Before: a date row ("soir" and "evening" compared as words; "aujourd'hui" no word at all; "EVENING" the
        # place's own word in one version and a date word in the other).
        ("PARIS, lundi soir (AFP) - ", "PARIS, Monday evening (AFP) - ", ("fr", "en"), None),
        ("PARIS, mardi matin (AFP) - ", "PARIS, Tuesday morning (AFP) - ", ("fr", "en"), None),
        ("PARIS, aujourd'hui (AFP) - ", "PARIS, today (AFP) - ", ("fr", "en"), None),
        ("HANOI, THURSDAY EVENING (VNA) - ", "HANOI, Thursday evening (VNA) - ", ("en", "en"), None),
        ("KANSAS CITY, Mo. — ", "KANSAS CITY — ", ("en", "en"), None),
        ("PARIS, lundi (AFP) - ", "PARIS, lundi (AFP) - ", ("fr", "fr"), None),
    ])
    def test_every_word_of_two_datelines_is_compared(self, first, second, languages, detail):
        bodies = [BODY_FR if language == "fr" else BODY_EN for language in languages]
        texts = {"x": first + bodies[0][0], "y": second + bodies[1][0]}
        articles = pd.DataFrame({"article_id": ["x", "y"], "text": list(texts.values()), "language": list(languages)})
        sentences = compare.split_sentences(articles)
        for a, b in (("x", "y"), ("y", "x")):
            rows = _rows(compare.compare_versions(sentences, articles, a, b), "dateline")
            expected = {"x": first.strip(), "y": second.strip()}
            assert rows == ([] if detail is None else [("both", detail, expected[a], expected[b])])

    def test_a_sentence_with_a_dateline_and_no_counterpart_is_still_omitted(self):
        articles = _articles({"x": "PARIS (AFP) - " + BODY_EN[0] + " " + BODY_EN[1], "y": BODY_EN[1]}, "en")
        sentences = compare.split_sentences(articles)
        differences = compare.compare_versions(sentences, articles, "x", "y")
        assert _rows(differences, "omitted") == [("a", "sentence", "PARIS (AFP) - " + BODY_EN[0], "")]
        assert _rows(differences, "dateline") == [("a", "place, agency", "PARIS (AFP) -", "")]

    def test_the_agency_in_a_dateline_is_not_an_entity_row(self):
        articles, sentences = self._may_visit()
        texts = articles.set_index("article_id")["text"]
        mentions = pd.DataFrame(
            [(article_id, 0, texts[article_id].index(name), texts[article_id].index(name) + len(name), name, key)
             for article_id, name, key in (("rhc", "Hanoï", "LOC:hanoi"), ("rhc", "RHC", "ORG:rhc"),
                                           ("vna", "Hanoï", "LOC:hanoi"), ("vna", "VNA", "ORG:vna"))],
            columns=["article_id", "sentence_id", "start_char", "end_char", "text", "entity_id"])
        differences = compare.compare_versions(sentences, articles, "rhc", "vna", mentions=mentions)
        assert not (differences["kind"] == "entity").any()
        assert _rows(differences, "dateline") == [("both", "date, agency", "Hanoï, 16 mai (RHC)", "Hanoï (VNA) -")]

    def test_a_place_written_in_two_languages_is_one_place_when_linked(self):
        texts, sentences = sentences_table({"fr": [(0, "La Havane (VNA) - " + BODY_FR[0])],
                                       "en": [(0, "HAVANA (VNA) - " + BODY_EN[0])]})
        articles = pd.DataFrame({"article_id": ["fr", "en"], "text": [texts["fr"], texts["en"]], "language": ["fr", "en"]})
        mentions = pd.DataFrame([("fr", 0, 0, 9, "La Havane", "LOC:havana")],
                                columns=["article_id", "sentence_id", "start_char", "end_char", "text", "entity_id"])
        differences = compare.compare_versions(sentences, articles, "fr", "en", mentions=mentions)
        assert not (differences["kind"] == "dateline").any()
        unlinked = compare.compare_versions(sentences, articles, "fr", "en")
        assert _rows(unlinked, "dateline") == [("both", "place", "La Havane (VNA) -", "HAVANA (VNA) -")]


class TestSignoffs:
    def test_a_signoff_is_a_signoff_row_on_either_side(self):
        signed = BODY_FR[0] + "\n\n" + BODY_FR[1] + " – VNA"
        for pieces in ({"x": [(0, BODY_FR[0]), (1, BODY_FR[1]), (1, "– VNA")]},   # its own sentence (spaCy)
                       {"x": [(0, BODY_FR[0]), (1, BODY_FR[1] + " – VNA")]}):     # inside the last one
            texts, sentences = sentences_table({**pieces, "y": [(0, BODY_FR[0]), (1, BODY_FR[1])]})
            assert texts["x"] == signed
            articles = _articles(texts, "fr")
            for a, b, side in (("x", "y", "a"), ("y", "x", "b")):
                differences = compare.compare_versions(sentences, articles, a, b)
                assert set(differences["kind"]) == {"signoff"}, differences
                assert _rows(differences, "signoff") == [
                    (side, "agency", *(("– VNA", "") if side == "a" else ("", "– VNA")))]

    def test_an_editors_initials_are_no_signoff(self):
        # "–BL" ends the text where an agency signs off, but BL is no agency of the registry nor the article's outlet:
        # as for load_corpus's outlet, an editor's initials are not a sign-off (and the sentence is the same one).
        articles = _articles({"x": BODY_EN[0] + " –BL", "y": BODY_EN[0]}, "en")
        sentences = compare.split_sentences(articles)
        assert "signoff" not in set(compare.compare_versions(sentences, articles, "x", "y")["kind"])
        own = articles.assign(outlet=["BL", None])  # unless BL is the article's own outlet
        assert _rows(compare.compare_versions(sentences, own, "x", "y"), "signoff") == [("a", "agency", "–BL", "")]

    def test_two_agencies_signing_off(self):
        articles = _articles({"x": BODY_EN[0] + " – VNA", "y": BODY_EN[0] + " - VNS"}, "en")
        sentences = compare.split_sentences(articles)
        differences = compare.compare_versions(sentences, articles, "x", "y")
        assert _rows(differences, "signoff") == [("both", "agency", "– VNA", "- VNS")]
        assert set(differences["kind"]) == {"signoff"}


@pytest.mark.parametrize("a, b", [(A002, A004), (A004, A002), (A000, A003), (A003, A000)])
def test_every_sentence_the_alignment_leaves_unaligned_has_one_row(seeds, a, b):
    """What plot_alignment draws unaligned, the table lists once: as an omitted or added sentence,
    or inside a dateline or sign-off row. Before, "Hanoï (VNA)" and "– VNA" (under min_words)
    had no row while "Hanoï, 16 mai (RHC)" and "La Havane (VNA)" were omitted or added sentences."""
    articles, sentences, _, mentions = seeds
    alignment = compare.align_sentences(sentences, a, b, articles=articles, mentions=mentions)
    differences = compare.compare_versions(sentences, articles, a, b, mentions=mentions, alignment=alignment)
    unique = alignment[alignment["status"] == "unique"]
    for side, kind in (("a", "omitted"), ("b", "added")):
        listed = set(differences.loc[differences["kind"] == kind, f"sentence_id_{side}"].dropna().astype(int))
        credits = differences[differences["kind"].isin(["dateline", "signoff"])].dropna(subset=[f"start_char_{side}"])
        spans = list(zip(credits[f"start_char_{side}"].astype(int), credits[f"end_char_{side}"].astype(int)))
        rows = sentences[sentences["article_id"] == (a if side == "a" else b)].set_index("sentence_id")
        for k in unique[f"sentence_id_{side}"].dropna().astype(int):
            start, end = int(rows.loc[k, "start_char"]), int(rows.loc[k, "end_char"])
            in_credit = any(s <= start and end <= e for s, e in spans)
            assert (k in listed) + in_credit == 1, (side, k, rows.loc[k, "text"])


class TestTitles:
    """A person's title is read whole: an office ending in "general" is that office, never the rank "General"."""

    NAME = "Mara Quintelle"

    @staticmethod
    def _differences(titled: str, plain: str, name: str, language: str) -> pd.DataFrame:
        texts = {"x": f"{titled} {name} a dit que l'appel serait entendu au printemps." if language == "fr"
                 else f"{titled} {name} said the appeal would be heard in the spring.",
                 "y": f"{plain}{name} a dit que l'appel serait entendu au printemps." if language == "fr"
                 else f"{plain}{name} said the appeal would be heard in the spring."}
        articles = _articles(texts, language)
        sentences = compare.split_sentences(articles)
        mentions = pd.DataFrame([(k, 0, texts[k].index(name), texts[k].index(name) + len(name), name, "PER:x", name)
                                 for k in "xy"],
                                columns=["article_id", "sentence_id", "start_char", "end_char", "text", "entity_id",
                                         "name"])
        return compare.compare_versions(sentences, articles, "x", "y", mentions=mentions)

    @pytest.mark.parametrize("titled, language, written", [
        # Before: each was ("rank", "General"): the last word of the office read as a military rank.
        ("Westmarch Attorney General", "en", "Attorney General"),
        ("The state's attorney general", "en", "attorney general"),
        ("Surgeon General", "en", "Surgeon General"),
        ("Inspector General", "en", "Inspector General"),
        ("le procureur général", "fr", "procureur général"),
        ("le directeur général", "fr", "directeur général"),
        # Offices TITLES lacks: the word naming the office and "general" are one title.
        ("Paymaster General", "en", "Paymaster General"),
        ("Quartermaster General", "en", "Quartermaster General"),
        ("le délégué général", "fr", "délégué général"),
        # Another office than the one it ends with (before: "General", then "Attorney General").
        ("Deputy Attorney General", "en", "Deputy Attorney General"),
        ("Assistant Attorney General", "en", "Assistant Attorney General"),
    ])
    def test_an_office_ending_in_general_is_that_office(self, titled, language, written):
        differences = self._differences(titled, "", self.NAME, language)
        assert _rows(differences, "title") == [("a", "office", written, "")]

    def test_an_office_is_not_the_rank_of_the_other_version(self):
        # Before: both read "General", so the one version's general and the other's attorney general were alike.
        differences = self._differences("Attorney General", "General ", self.NAME, "en")
        assert sorted(_rows(differences, "title")) == [("a", "office", "Attorney General", ""),
                                                       ("b", "rank", "", "General")]

    @pytest.mark.parametrize("titled, language, expected", [
        ("General", "en", [("rank", "General")]),
        ("Army General", "en", [("rank", "General")]),
        ("Senior General", "en", [("rank", "General")]),
        ("They chose to nominate General", "en", [("rank", "General")]),
        ("Major General", "en", [("rank", "Major General")]),
        ("le général", "fr", [("rank", "général")]),
        ("UN Secretary-General", "en", [("office", "Secretary-General")]),
        ("Vice President", "en", [("office", "Vice President")]),
        ("Vice Admiral", "en", [("rank", "Vice Admiral")]),
        ("Under President", "en", [("office", "President")]),
        # A title of its own before the rank is that title, then the rank (before: one office "Minister General",
        # "Senator General", "Commander General").
        ("Defence Minister General", "en", [("office", "Minister"), ("rank", "General")]),
        ("Prime Minister General", "en", [("office", "Prime Minister"), ("rank", "General")]),
        ("Senator General", "en", [("rank", "General")]),
        ("Commander General", "en", [("rank", "General")]),
    ])
    def test_ranks_stay_ranks(self, titled, language, expected):
        differences = self._differences(titled, "", self.NAME, language)
        assert _rows(differences, "title") == [("a", kind, written, "") for kind, written in expected]

    def test_a_minister_general_is_the_general_of_the_other_version(self):
        # Before: "Minister General" (an office) on one side and the rank "General" on the other.
        differences = self._differences("Defence Minister General", "General ", self.NAME, "en")
        assert _rows(differences, "title") == [("a", "office", "Minister", "")]

    def test_no_office_head_is_a_title_itself(self):
        one_word = {variant[0] for variant, _, _ in compare.versions._title_variants() if len(variant) == 1}
        assert not compare.versions._OFFICE_HEADS & one_word

    @pytest.mark.parametrize("titled, plain, expected", [
        # Before: "deputy deputy minister", another office than "Deputy Minister".
        ("Deputy Vice Minister", "Deputy Minister ", []),
        ("Deputy Vice Minister", "Minister ", [("a", "office", "Deputy Vice Minister", ""),
                                               ("b", "office", "", "Minister")]),
    ])
    def test_a_prefix_is_keyed_once(self, titled, plain, expected):
        assert _rows(self._differences(titled, plain, self.NAME, "en"), "title") == expected

    def test_one_office_in_two_languages(self):
        texts = {"fr": "Le procureur général Tomas Reyland a dit non.",
                 "en": "Attorney General Tomas Reyland said no."}
        articles = pd.DataFrame({"article_id": ["fr", "en"], "text": list(texts.values()), "language": ["fr", "en"]})
        sentences = compare.split_sentences(articles)
        mentions = pd.DataFrame([(k, 0, t.index("Tomas"), t.index("Tomas") + 13, "Tomas Reyland", "PER:reyland",
                                  "Tomas Reyland") for k, t in texts.items()],
                                columns=["article_id", "sentence_id", "start_char", "end_char", "text", "entity_id",
                                         "name"])
        differences = compare.compare_versions(sentences, articles, "fr", "en", mentions=mentions)
        assert not (differences["kind"] == "title").any()


class TestCreditReading:
    """The table and the views read credits one way (read_credits; view_credits from what a view has)."""

    def test_a_view_reads_an_outlets_own_signoff_from_the_table(self):
        texts, sentences = sentences_table({"x": [(0, BODY_EN[0]), (0, "–BL")], "y": [(0, BODY_EN[0])]})
        articles = _articles(texts, "en").assign(outlet=["BL", None])
        differences = compare.compare_versions(sentences, articles, "x", "y")
        assert _rows(differences, "signoff") == [("a", "agency", "–BL", "")]
        mine = sentences[sentences["article_id"] == "x"]
        assert compare.versions.read_credits(mine, text=texts["x"], outlet="BL").sentence_ids == {1}
        assert compare.versions.view_credits(mine, differences, "a").sentence_ids == {1}
        # BL is in no registry: without the table's row, "–BL" is an editor's initials, as for compare_versions.
        assert compare.versions.view_credits(mine, differences.iloc[:0], "a").sentence_ids == set()

    def test_a_view_given_the_outlet_reads_a_signoff_both_versions_write_alike(self):
        # Both sign off "–BL", outlet BL (no registry code): alike, the table has no row to tell a view the code.
        texts, sentences = sentences_table({"x": [(0, BODY_EN[0]), (0, "–BL")], "y": [(0, BODY_EN[1]), (0, "–BL")]})
        articles = _articles(texts, "en").assign(outlet="BL")
        differences = compare.compare_versions(sentences, articles, "x", "y")
        assert "signoff" not in set(differences["kind"])
        for side, article_id in (("a", "x"), ("b", "y")):
            mine = sentences[sentences["article_id"] == article_id]
            assert compare.versions.read_credits(mine, text=texts[article_id], outlet="BL").sentence_ids == {1}
            # Without the outlet, the documented exception: "–BL" reads as an editor's initials.
            assert compare.versions.view_credits(mine, differences, side).sentence_ids == set()
            assert compare.versions.view_credits(mine, differences, side, outlet="BL").sentence_ids == {1}
            outlets = compare.versions.article_outlets(articles, "x", "y")
            assert compare.versions.view_credits(mine, differences, side, outlet=outlets[side]).sentence_ids == {1}

    def test_missing_columns_and_sides_are_named(self):
        texts, sentences = sentences_table({"x": [(0, "PARIS (AFP) -"), (0, BODY_EN[0])]})
        with pytest.raises(ValueError, match="text"):
            compare.versions.read_credits(sentences.drop(columns="text"))
        differences = compare.compare_versions(sentences, _articles(texts, "en"), "x", "x")
        with pytest.raises(ValueError, match="text_a"):
            compare.versions.view_credits(sentences, differences.drop(columns="text_a"), "a")
        with pytest.raises(ValueError, match="sentence_id"):
            compare.versions.view_credits(sentences.drop(columns="sentence_id"), differences, "a")
        with pytest.raises(ValueError, match="'a' or 'b'"):
            compare.versions.view_credits(sentences, differences, "c")

    def test_a_sentence_is_read_at_its_offsets(self):
        # The offsets point into the article's text; the text cell may be shorter (here cut after the dateline).
        text = "PARIS (AFP) - " + BODY_EN[0]
        sentences = pd.DataFrame({"sentence_id": [0], "start_char": [0], "end_char": [len(text)],
                                  "text": ["PARIS (AFP) -"]})
        found = compare.versions.read_credits(sentences, text=text)
        assert [(c.kind, c.place, c.words, c.agency) for c in found.credits] == [("dateline", "Paris", "", "AFP")]
        # Before: start_char + len(text) ended the sentence at the dateline, so it was nothing but a credit.
        assert found.sentence_ids == set()

    def test_the_words_between_place_and_agency(self):
        text = "KANSAS CITY, Mo., lundi 16 mai (AFP) - " + BODY_EN[0]
        sentences = pd.DataFrame({"sentence_id": [0], "start_char": [0], "end_char": [len(text)], "text": [text]})
        assert compare.versions.read_credits(sentences, text=text).credits[0].words == "Mo., lundi 16 mai"


@pytest.mark.parametrize("a, b", [(A002, A004), (A004, A002), (A000, A003), (A003, A000)])
def test_the_views_read_the_credits_the_table_reads(seeds, a, b):
    """From the sentences with offsets (render_differences) or in order only (plot_alignment's alignment), the
    credit sentences are those compare_versions leaves out of its omitted and added rows."""
    from toolkit.compare.versions import read_credits, view_credits

    articles, sentences, _, mentions = seeds
    differences = compare.compare_versions(sentences, articles, a, b, mentions=mentions)
    for side, article_id in (("a", a), ("b", b)):
        article = articles.set_index("article_id").loc[article_id]
        mine = sentences[sentences["article_id"] == article_id]
        table = read_credits(mine, text=article["text"], outlet=article["outlet"]).sentence_ids
        assert view_credits(mine, differences, side).sentence_ids == table
        assert view_credits(mine[["sentence_id", "text"]], differences, side).sentence_ids == table
    assert any(read_credits(sentences[sentences["article_id"] == x]).sentence_ids for x in (a, b))


class TestDates:
    """A day written with its month is one date, whatever the order or spelling, and no number of its own."""

    @staticmethod
    def _numbers(first: str, second: str, languages=("en", "en")) -> list[tuple]:
        articles = pd.DataFrame({"article_id": ["x", "y"], "text": [first, second], "language": list(languages)})
        differences = compare.compare_versions(compare.split_sentences(articles), articles, "x", "y")
        return sorted(_rows(differences, "number"))

    @pytest.mark.parametrize("first, second, languages", [
        # Before: "Sept." was no month, so a month row for "September".
        ("The attacks of Sept. 11, 2001 changed the city.", "The attacks of September 11th, 2001 changed the city.",
         ("en", "en")),
        ("The attacks of Sept. 11, 2001 changed the city.", "Les attentats du 11 septembre 2001 ont changé la ville.",
         ("en", "fr")),
        ("The visit took place on October 22-26 in Havana.", "La visite a eu lieu du 22 au 26 octobre à La Havane.",
         ("en", "fr")),
    ])
    def test_one_date_written_two_ways_is_no_row(self, first, second, languages):
        assert self._numbers(first, second, languages) == []

    @pytest.mark.parametrize("first, second", [
        ("The law passed in Sept. 2012 after a long debate.", "The law passed in September 2012 after a long debate."),
        ("The law passed in Sept. after a long debate.", "The law passed in September after a long debate."),
    ])
    def test_an_abbreviated_month_alone_is_its_month(self, first, second):
        # Before: a month row for "September" (an abbreviation counted only in a date).
        assert self._numbers(first, second) == []

    def test_a_comma_joins_days_only_in_a_list_ending_with_a_word(self):
        # Before: "5, 12 September" read as the dates 5 and 12 September.
        assert self._numbers("Of the 5, 12 September voters chose him.", "Of the 5, 12 September voters chose her.") == []
        rows = self._numbers("Of the 5, 12 September voters chose him.", "Of the 6, 12 September voters chose him.")
        assert rows == [("a", "number", "5", ""), ("b", "number", "", "6")]
        rows = self._numbers("Les 22, 23 et 24 octobre.", "Les 22 et 24 octobre.", ("fr", "fr"))
        assert rows == [("a", "date", "22, 23 et 24 octobre", "")]

    def test_french_seven_is_no_month(self):
        assert self._numbers("Ils étaient sept. Puis huit.", "Ils étaient sept. Puis neuf.", ("fr", "fr")) == []

    def test_a_month_alone_is_given_by_a_date_in_that_month(self):
        # The date is a row (the day is news), the month is not.
        assert self._numbers("The committee met in September in Washington.",
                             "The committee met on Sept. 14 in Washington.") == [("b", "date", "", "Sept. 14")]

    def test_another_day_is_another_date(self):
        # Before: the number rows "11" and "12", without their month.
        assert self._numbers("The attack of Sept. 11 was discussed.", "The attack of Sept. 12 was discussed.") == [
            ("a", "date", "Sept. 11", ""), ("b", "date", "", "Sept. 12")]

    def test_a_day_is_not_the_same_number_elsewhere(self):
        # Before: no row, since "11" was given by both versions.
        assert self._numbers("The attack of Sept. 11 was discussed.", "The 11 senators discussed the attack.") == [
            ("a", "date", "Sept. 11", ""), ("b", "number", "", "11")]

    @pytest.mark.parametrize("first, second, detail", [
        # Before: a date row ({22} against {22, month:10}), and "Oct." read as a word of the place.
        ("WASHINGTON, Oct. 22 (AP) - ", "WASHINGTON, October 22 (AP) - ", None),
        ("WASHINGTON, Oct. 22 (AP) - ", "WASHINGTON, Oct. 23 (AP) - ", "date"),
    ])
    def test_dateline_dates(self, first, second, detail):
        articles = _articles({"x": first + BODY_EN[0], "y": second + BODY_EN[0]}, "en")
        rows = _rows(compare.compare_versions(compare.split_sentences(articles), articles, "x", "y"), "dateline")
        assert rows == ([] if detail is None else [("both", detail, first.strip(), second.strip())])


@pytest.mark.parametrize("text, language, values", [
    ("the attacks of Sept. 11, 2001", "en", ["date:9-11", "2001"]),
    ("September 11th and the 11th of September", "en", ["date:9-11", "date:9-11"]),
    ("le 1er mai et le 22 janv. à Paris", "fr", ["date:5-1", "date:1-22"]),
    ("les 22, 23 et 24 octobre", "fr", ["date:10-22", "date:10-23", "date:10-24"]),
    ("Oct. 22 and 23 and 1.5 million in May 2012", "en", ["date:10-22", "date:10-23", "1.5", "month:5", "2012"]),
    # French "sept" is seven; a count, a price or a time next to a month is no day.
    ("les sept 11 pays", "fr", ["11"]),
    ("On Jan. 5, 12 soldiers died; $5 May 3", "en", ["date:1-5", "12", "5", "date:5-3"]),
    ("In September, 11 people, October 10:30", "en", ["month:9", "11", "month:10", "10", "30"]),
])
def test_find_numbers_reads_dates(text, language, values):
    from toolkit.compare.anchors import find_numbers

    found = find_numbers(text, language, dates=True)
    assert [value for value, *_ in found] == values
    assert all(text[s:e] == written for _, written, s, e in found)
    # Without dates (the anchors of alignment and stories), days and months stay apart and abbreviations are no months.
    assert not any(value.startswith("date:") for value, *_ in find_numbers(text, language))
