"""Tests for toolkit.compare: near-duplicates, reused passages, stories, alignment, differences.

Seed properties are those the seed corpus was built with (two stories, see tests/seed_tables.py); the multilingual evaluation corpus and
its answer files are in toolkit/data/examples/stories/ (answers written before any run).
"""

from __future__ import annotations

import html
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.metrics import adjusted_rand_score  # noqa: E402

import toolkit as tk  # noqa: E402
from tests.seed_tables import A000, A001, A002, A003, A004, seed_tables  # noqa: E402
from toolkit import compare  # noqa: E402
from toolkit.compare import reprints  # noqa: E402
from toolkit.compare.anchors import word_spans  # noqa: E402
from toolkit.plotting import plot_alignment, plot_story_attention  # noqa: E402

STORIES = tk.paths.EXAMPLE_STORIES


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def seeds():
    """(articles, sentences, linked mentions) of the seeds, annotated with spaCy (cached)."""
    articles, sentences, _, mentions = seed_tables()
    return articles, sentences, mentions


@pytest.fixture(scope="module")
def stories():
    """(articles, sentences, expected stories) of the evaluation corpus; sentences by punctuation."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", tk.CorpusWarning)  # the fixture must load cleanly
        articles = tk.load_corpus(STORIES / "articles").articles
    expected = pd.read_csv(STORIES / "expected_stories.csv", dtype=str)
    return articles, compare.split_sentences(articles), expected


# One report in English and in French (written for these tests), every sentence opening on a title and a name.
TRAM_EN = ("Mr. Dupont, the mayor of Lyon, opened a new tram line on Monday. Mr. Dupont said the line would carry "
           "40,000 passengers a day. Mr. Martin, the opposition leader, called the project too expensive. Mr. Martin "
           "asked for an audit of the 300 million euro budget. Mr. Dupont replied that the works had finished on "
           "time. Mr. Leroy, a resident, praised the quieter streets.")
TRAM_FR = ("M. Dupont, le maire de Lyon, a inauguré lundi une nouvelle ligne de tramway. M. Dupont a dit que la ligne "
           "transporterait 40 000 voyageurs par jour. M. Martin, chef de l'opposition, a jugé le projet trop cher. "
           "M. Martin a demandé un audit du budget de 300 millions d'euros. M. Dupont a répondu que les travaux "
           "avaient fini à temps. M. Leroy, un habitant, a salué des rues plus calmes.")


def _first_id(sentences, article_id, prefix):
    """The id of the sentence of ``article_id`` that starts with ``prefix`` (exactly one)."""
    rows = sentences[(sentences["article_id"] == article_id) & sentences["text"].str.startswith(prefix)]
    assert len(rows) == 1, (article_id, prefix, rows["text"].tolist())
    return int(rows["sentence_id"].iloc[0])


def _links(alignment):
    """Aligned (sentence_id_a, sentence_id_b) pairs, None for the side a unique sentence lacks."""
    return {(None if pd.isna(a) else int(a), None if pd.isna(b) else int(b))
            for a, b in zip(alignment["sentence_id_a"], alignment["sentence_id_b"])}


# ---------------------------------------------------------------- split_sentences


class TestSplitSentences:
    def test_contract_and_offsets(self, stories):
        articles, sentences, _ = stories
        assert list(sentences.columns) == tk.SENTENCE_COLUMNS
        assert sentences["sentence_id"].dtype == "int64" and sentences["start_char"].dtype == "int64"
        texts = articles.set_index("article_id")["text"]
        for row in sentences.itertuples():
            assert texts[row.article_id][row.start_char:row.end_char] == row.text
        assert not sentences.duplicated(["article_id", "sentence_id"]).any()

    def test_a_closing_quote_alone_ends_no_sentence(self):
        articles = pd.DataFrame({"article_id": ["x"], "language": ["en"],
                                 "text": ['"It is a great day," Bill Nelson said. He left.']})
        assert compare.split_sentences(articles)["text"].tolist() == [
            '"It is a great day," Bill Nelson said.', "He left."]

    @pytest.mark.parametrize("text, expected", [
        ("Sen. John McCain met Mr. Obama on Jan. 5 in St. Louis. He left.",
         ["Sen. John McCain met Mr. Obama on Jan. 5 in St. Louis.", "He left."]),
        ("President John F. Kennedy visited a U.S. Army base. Roe v. Wade stood.",
         ["President John F. Kennedy visited a U.S. Army base.", "Roe v. Wade stood."]),
        ("Le Dr. Lam a reçu Mme Hoa. Il est le No. 2 du parti.",
         ["Le Dr. Lam a reçu Mme Hoa.", "Il est le No. 2 du parti."]),
        # French "M." and "MM." before a name, at a sentence's start or inside it; an initial "M." in English.
        ("M. Macron a dit. M. Dupont a répondu.", ["M. Macron a dit.", "M. Dupont a répondu."]),
        ("Selon MM. Dupont et Durand, le président a reçu M. Lam. Il est parti.",
         ["Selon MM. Dupont et Durand, le président a reçu M. Lam.", "Il est parti."]),
        ("J. M. Coetzee won the prize. Mr. Coetzee left.", ["J. M. Coetzee won the prize.", "Mr. Coetzee left."]),
        # A French abbreviated month before its year; March, June and July are not abbreviated ("Del Mar." ends one).
        ("Le sommet s'est ouvert le 5 janv. 2020 à Paris. Il a duré.", ["Le sommet s'est ouvert le 5 janv. 2020 à Paris.",
                                                                       "Il a duré."]),
        ("He lives in Del Mar. He left on Sept. 12.", ["He lives in Del Mar.", "He left on Sept. 12."]),
        ("Les victimes étaient sept. Selon la police, le bilan est lourd.",
         ["Les victimes étaient sept.", "Selon la police, le bilan est lourd."]),
        # Other acronyms and "No." before a word end sentences; so do « » quotes with a French space.
        ("She works in Washington, D.C. He does not. The answer was No. Then he left.",
         ["She works in Washington, D.C.", "He does not.", "The answer was No.", "Then he left."]),
        ("Il a dit : « Oui. » Puis il est parti.", ["Il a dit : « Oui. »", "Puis il est parti."]),
    ])
    def test_abbreviations_before_names_end_no_sentence(self, text, expected):
        articles = pd.DataFrame({"article_id": ["x"], "language": ["en"], "text": [text]})
        assert compare.split_sentences(articles)["text"].tolist() == expected


# ---------------------------------------------------------------- near-duplicates


class TestFindNearDuplicates:
    def test_seeds_have_one_near_copy_pair(self, seeds):
        articles, _, _ = seeds
        pairs = compare.find_near_duplicates(articles)
        assert list(pairs.columns) == compare.NEAR_DUPLICATE_COLUMNS
        assert list(zip(pairs["article_id_a"], pairs["article_id_b"])) == [(A000, A003)]
        row = pairs.iloc[0]
        assert row["jaccard"] > 0.8 and row["containment"] >= row["jaccard"]
        assert row["n_shared"] <= min(row["n_shingles_a"], row["n_shingles_b"])

    @pytest.mark.parametrize("measure", compare.MEASURES)
    def test_lsh_finds_what_exact_finds(self, stories, measure):
        articles, _, _ = stories
        lsh = compare.find_near_duplicates(articles, threshold=0.5, measure=measure)
        exact = compare.find_near_duplicates(articles, threshold=0.5, measure=measure, method="exact")
        pd.testing.assert_frame_equal(lsh, exact)

    def test_fixture_reprints_and_nothing_else(self, stories):
        articles, _, _ = stories
        expected = pd.read_csv(STORIES / "expected_near_duplicates.csv", dtype=str)
        pairs = compare.find_near_duplicates(articles, threshold=0.5)
        assert set(zip(pairs["article_id_a"], pairs["article_id_b"])) == set(
            zip(expected["article_id_a"], expected["article_id_b"]))

    def test_containment_finds_a_short_copy_inside_a_long_article(self, stories):
        articles, _, _ = stories
        long = articles.iloc[0]
        paragraphs = long["text"].split("\n\n")
        short = pd.DataFrame({"article_id": ["short"], "language": [long["language"]],
                              "text": ["\n\n".join(paragraphs[:2])]})
        both = pd.concat([articles[["article_id", "text", "language"]], short], ignore_index=True)
        by_containment = compare.find_near_duplicates(both, threshold=0.9, measure="containment")
        by_jaccard = compare.find_near_duplicates(both, threshold=0.9)
        assert (long["article_id"], "short") in set(zip(by_containment["article_id_a"], by_containment["article_id_b"]))
        assert list(by_jaccard.columns) == compare.NEAR_DUPLICATE_COLUMNS
        assert "short" not in set(by_jaccard["article_id_b"]) | set(by_jaccard["article_id_a"])
        # The same short copy is found by Jaccard at a threshold its share of the long article reaches.
        loose = compare.find_near_duplicates(both, threshold=0.05, measure="jaccard", method="exact")
        assert (long["article_id"], "short") in set(zip(loose["article_id_a"], loose["article_id_b"]))

    def test_case_and_accents_do_not_break_shingles(self):
        articles = pd.DataFrame({"article_id": ["a", "b"], "language": ["fr", "fr"],
                                 "text": ["Le vice-ministre Trần Quốc Tỏ a visité l'œuvre à Cuba.",
                                          "LE VICE-MINISTRE TRÂN QUÔC TO A VISITÉ L'OEUVRE À CUBA."]})
        pairs = compare.find_near_duplicates(articles, method="exact")
        assert pairs["jaccard"].tolist() == [1.0]

    def test_old_shingle_size_still_works_with_a_warning(self, seeds):
        articles, _, _ = seeds
        with pytest.warns(FutureWarning, match="ngram"):
            old = compare.find_near_duplicates(articles, shingle_size=4)
        pd.testing.assert_frame_equal(old, compare.find_near_duplicates(articles, ngram=4))

    def test_no_pairs_keeps_the_columns(self, seeds):
        articles, _, _ = seeds
        pairs = compare.find_near_duplicates(articles[articles["article_id"] == A000])
        assert pairs.empty and list(pairs.columns) == compare.NEAR_DUPLICATE_COLUMNS

    @pytest.mark.parametrize("kwargs", [{"threshold": 0}, {"method": "minhash"}, {"measure": "cosine"}])
    def test_bad_options_raise(self, seeds, kwargs):
        with pytest.raises(ValueError):
            compare.find_near_duplicates(seeds[0], **kwargs)

    def test_missing_column_is_named(self, seeds):
        with pytest.raises(ValueError, match="language"):
            compare.find_near_duplicates(seeds[0].drop(columns="language"))

    def test_numpy_bands_are_datasketch_buckets(self, stories):
        """The banding in numpy proposes exactly the pairs datasketch's MinHashLSH buckets together."""
        from datasketch import MinHash, MinHashLSH

        articles, _, _ = stories
        # Shorter bands than the default make many candidates, so the comparison means something.
        doc, shingle, sizes = reprints.shingle_table(articles, 5)
        signatures, permutations = reprints.minhash_signatures(doc, shingle, len(sizes), 128, 1)
        present = np.flatnonzero(sizes > 0)
        for bands, rows in ((64, 2), (42, 3), (16, 8)):
            codes = reprints.band_candidates(signatures, present, bands, rows)
            ours = {(int(c // len(sizes)), int(c % len(sizes))) for c in codes}
            index = MinHashLSH(num_perm=128, params=(bands, rows))
            minhashes = {int(d): MinHash(num_perm=128, hashvalues=signatures[d], permutations=permutations,
                                         scheme="affine32") for d in present}
            for d, minhash in minhashes.items():
                index.insert(d, minhash)
            theirs = {(d, o) for d, m in minhashes.items() for o in index.query(m) if o > d}
            assert ours == theirs and len(ours) > 0, (bands, rows)

    def test_lsh_parameters_catch_a_pair_at_the_threshold(self):
        assert reprints.lsh_params(0.5, 128) == (42, 3)  # 1 - (1 - 0.5**3)**42 = 0.996; 4 rows (32 bands) would give 0.87
        for threshold in (0.3, 0.5, 0.8):
            b, r = reprints.lsh_params(threshold, 128)
            assert b * r <= 128 and 1 - (1 - threshold ** r) ** b >= compare.LSH_RECALL


# ---------------------------------------------------------------- reused passages


class TestFindReusedPassages:
    def test_near_copy_is_one_passage_with_true_offsets(self, seeds):
        articles, _, _ = seeds
        passages = compare.find_reused_passages(articles, A000, A003)
        assert list(passages.columns) == compare.PASSAGE_COLUMNS
        texts = articles.set_index("article_id")["text"]
        for row in passages.itertuples():
            assert texts[A000][row.start_char_a:row.end_char_a] == row.text_a
            assert texts[A003][row.start_char_b:row.end_char_b] == row.text_b
        covered = passages["n_words_a"].sum() / len(word_spans(texts[A000], "fr"))
        assert covered > 0.9
        # Neither text gives a date, so no original is claimed.
        assert len(passages) >= 1
        assert passages["original_id"].isna().all()
        assert passages["original_evidence"].str.contains("no publication date").all()

    def test_original_is_the_earlier_version(self, stories):
        articles, _, _ = stories
        expected = pd.read_csv(STORIES / "expected_near_duplicates.csv", dtype=str)
        for row in expected.itertuples():
            passages = compare.find_reused_passages(articles, row.article_id_a, row.article_id_b)
            assert len(passages) >= 1
            assert set(passages["original_id"]) == {row.source}

    def test_unrelated_articles_share_no_passage(self, seeds):
        articles, _, _ = seeds
        passages = compare.find_reused_passages(articles, A001, A002)
        assert passages.empty and list(passages.columns) == compare.PASSAGE_COLUMNS


# ---------------------------------------------------------------- stories


class TestClusterStories:
    @pytest.mark.parametrize("with_entities", [True, False])
    def test_seed_stories(self, seeds, with_entities):
        articles, sentences, mentions = seeds
        kwargs = {"sentences": sentences, "mentions": mentions} if with_entities else {}
        stories = compare.cluster_stories(articles, **kwargs)
        assert list(stories.columns) == compare.STORY_COLUMNS
        groups = {frozenset(g) for g in stories.groupby("story_id")["article_id"].agg(set)}
        assert groups == {frozenset({A000, A001, A003}), frozenset({A002, A004})}
        assert (stories.groupby("story_id")["n_articles"].first() == stories.groupby("story_id").size()).all()
        assert stories.loc[stories["article_id"] == A001, "n_languages"].item() == 2

    def test_evaluation_corpus(self, stories):
        """30 articles, 7 stories, French and English; the expected grouping was written before any run."""
        articles, sentences, expected = stories
        found = compare.cluster_stories(articles, sentences=sentences).merge(expected, on="article_id")
        assert len(found) == len(articles)
        # Never two events in one story, not even the Olympic and Paralympic ceremonies or the
        # eruption and the aid flights; some own-words articles may stay apart.
        assert (found.groupby("story_id")["story"].nunique() == 1).all()
        assert adjusted_rand_score(found["story"], found["story_id"]) >= 0.8

    def test_refuses_all_pairs_beyond_the_limit_and_names_the_scalable_path(self, seeds):
        articles, _, _ = seeds
        with pytest.raises(ValueError, match='period="week"'):
            compare.cluster_stories(articles, max_articles=4)
        with pytest.raises(ValueError, match="find_near_duplicates"):
            compare.article_similarity(articles, max_articles=4)
        # By language the largest group has 4 articles (the French ones), within the limit.
        assert len(compare.cluster_stories(articles, by="language", max_articles=4)) == len(articles)

    def test_by_on_no_articles_keeps_the_columns(self, seeds):
        articles, _, _ = seeds
        for kwargs in ({}, {"period": "week"}, {"by": "language"}, {"by": "language", "period": "month"}):
            empty = compare.cluster_stories(articles.iloc[:0], **kwargs)
            assert empty.empty and list(empty.columns) == compare.STORY_COLUMNS

    def test_a_group_too_large_is_named(self, seeds):
        articles, _, _ = seeds
        with pytest.raises(ValueError, match="group 'fr' alone has 4 articles"):
            compare.cluster_stories(articles, by="language", max_articles=3)

    def test_by_clusters_within_each_group(self, seeds, stories):
        articles, sentences, mentions = seeds
        found = compare.cluster_stories(articles, sentences=sentences, mentions=mentions, by="language")
        assert list(found.columns) == compare.STORY_COLUMNS and sorted(found["article_id"]) == sorted(articles["article_id"])
        assert sorted(found["story_id"].unique()) == list(range(found["story_id"].nunique()))
        language = found.merge(articles[["article_id", "language"]], on="article_id")
        assert (language.groupby("story_id")["language"].nunique() == 1).all()  # no story crosses a group
        groups = {frozenset(g) for g in found.groupby("story_id")["article_id"].agg(set)}
        assert groups == {frozenset({A000, A003}), frozenset({A001}), frozenset({A002, A004})}
        # By publication week on the evaluation corpus: every article once, never two events in a story.
        fixture, _, expected = stories
        weekly = compare.cluster_stories(fixture, period="week").merge(expected, on="article_id")
        assert len(weekly) == len(fixture) and (weekly.groupby("story_id")["story"].nunique() == 1).all()
        weeks = weekly.merge(fixture[["article_id", "published"]], on="article_id")
        weeks = pd.to_datetime(weeks["published"]).dt.to_period("W-SUN")
        assert (weeks.groupby(weekly["story_id"]).nunique() == 1).all()

    def test_old_by_week_still_works_with_a_warning(self, stories):
        fixture, _, _ = stories
        with pytest.warns(FutureWarning, match='period="week"'):
            old = compare.cluster_stories(fixture, by="week")
        pd.testing.assert_frame_equal(old, compare.cluster_stories(fixture, period="week"))

    def test_by_and_period_together(self, stories):
        fixture, _, _ = stories
        found = compare.cluster_stories(fixture, by="language", period="month")
        assert sorted(found["article_id"]) == sorted(fixture["article_id"])
        meta = found.merge(fixture[["article_id", "language", "published"]], on="article_id")
        assert (meta.groupby("story_id")["language"].nunique() == 1).all()
        assert (pd.to_datetime(meta["published"]).dt.to_period("M").groupby(meta["story_id"]).nunique() == 1).all()

    def test_lexical_component_is_the_document_similarity_of_notebook_01(self, seeds):
        articles, sentences, _ = seeds
        lexical = compare.article_similarity(articles, sentences=sentences, component="lexical")
        pd.testing.assert_frame_equal(lexical, tk.document_similarity(articles), check_names=False)

    def test_annotate_tokens_make_the_lexical_component(self, seeds):
        articles, sentences, mentions = seeds
        _, _, tokens, _ = seed_tables()
        lexical = compare.article_similarity(articles, sentences=sentences, tokens=tokens, component="lexical")
        values = lexical.to_numpy()
        assert np.allclose(values, values.T) and np.allclose(np.diag(values), 1)
        # The near copy shares its lemmas; the French and English versions hardly any.
        assert lexical.loc[A000, A003] > 0.8 > 0.2 > lexical.loc[A000, A001]
        stories = compare.cluster_stories(articles, sentences=sentences, mentions=mentions, tokens=tokens)
        groups = {frozenset(g) for g in stories.groupby("story_id")["article_id"].agg(set)}
        assert groups == {frozenset({A000, A001, A003}), frozenset({A002, A004})}

    def test_similarity_is_a_symmetric_unit_matrix(self, seeds):
        articles, sentences, mentions = seeds
        similarity = compare.article_similarity(articles, sentences=sentences, mentions=mentions)
        values = similarity.to_numpy()
        assert np.allclose(values, values.T) and np.allclose(np.diag(values), 1)
        assert values.min() >= 0 and values.max() <= 1
        # Across the language border, the same event beats the other event.
        assert similarity.loc[A000, A001] > 2 * max(similarity.loc[A001, A002], similarity.loc[A001, A004])

    def test_where_sentences_are_cut_does_not_move_the_embedding(self):
        """A French report cut after every "M." (a splitter reading it as a full stop) embeds as the uncut one."""
        import re

        articles = pd.DataFrame({"article_id": ["en", "fr"], "language": ["en", "fr"], "text": [TRAM_EN, TRAM_FR]})
        english = compare.split_sentences(articles.iloc[:1])[["article_id", "sentence_id", "text"]]
        french = re.split(r"(?<=[a-z]\.)\s+", TRAM_FR)
        pieces = [piece for text in french for piece in re.split(r"(?<=\bM\.)\s+", text)]
        assert len(english) == len(french) == 6 and len(pieces) == 12
        sentences, cut = (pd.concat([english, pd.DataFrame({"article_id": "fr", "sentence_id": range(len(texts)),
                                                            "text": texts})]) for texts in (french, pieces))
        whole, fragments = (compare.article_similarity(articles, sentences=table, component="embedding").loc["en", "fr"]
                            for table in (sentences, cut))
        # Six one-word "M." sentences weigh 6 of some 80 words, not half the article (0.79 fell to 0.16).
        assert whole > 0.6 and abs(whole - fragments) < 0.05

    def test_the_lead_is_counted_in_words(self):
        from toolkit.compare.stories import _lead

        long = "One two three four. " * 10
        short = "One two. Three four. " * 10
        sentences = compare.split_sentences(pd.DataFrame({"article_id": ["a", "b"], "language": "en",
                                                          "text": [long, short]}))
        lead = _lead(sentences, ["a", "b"], lead_words=10, max_sentences=None)
        weights = lead.groupby("article_id")["weight"].agg(list).to_dict()
        # The same first ten words, however the sentences are cut; the sentence across the limit weighs its part.
        assert weights == {"a": [4, 4, 2], "b": [2, 2, 2, 2, 2]}
        assert _lead(sentences, ["a"], lead_words=10, max_sentences=2)["weight"].tolist() == [4, 4]
        with pytest.raises(ValueError, match="lead_words"):
            _lead(sentences, ["a"], lead_words=0, max_sentences=None)
        with pytest.raises(ValueError, match="lead_words"):
            compare.cluster_stories(pd.DataFrame({"article_id": ["a"], "language": "en", "text": [long]}),
                                    lead_words=0, method="candidates")

    def test_attention_shares(self, seeds):
        articles, _, _ = seeds
        attention = compare.story_attention(articles, compare.cluster_stories(articles))
        assert list(attention.columns) == compare.ATTENTION_COLUMNS
        assert attention["n_articles"].sum() == len(articles)
        assert np.allclose(attention.groupby("outlet")["share_of_outlet_words"].sum(), 1)
        assert "unknown" in set(attention["outlet"])  # 000 names no outlet


# ---------------------------------------------------------------- alignment

# Read off the two texts: 000's sentence 0 is split in two by the English parser (mid-name),
# and 000's last sentence is split at its semicolon where 001 keeps one sentence.
SEED_PAIRS_000_001 = {(0, 0), (0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9),
                      (9, 10), (10, 10)}


class TestAlignSentences:
    def test_standfirst_and_caption_are_not_sentences(self, seeds):
        articles, sentences, _ = seeds
        removed = tk.load_corpus(tk.SEEDS).removed
        reasons = set(removed.loc[removed["article_id"] == A001, "reason"])
        assert {"duplicate-standfirst", "caption"} <= reasons
        texts = sentences.loc[sentences["article_id"] == A001, "text"]
        assert not texts.str.contains("VNA/VNS Photo").any()
        assert not texts.str.startswith("Deputy Minister Senior Lieutenant General").any()
        assert texts.str.startswith("The two parties committed").sum() == 1

    def test_each_000_sentence_finds_its_english_counterpart(self, seeds):
        articles, sentences, mentions = seeds
        for kwargs in ({}, {"mentions": mentions}):
            alignment = compare.align_sentences(sentences, A000, A001, articles=articles, **kwargs)
            assert list(alignment.columns) == compare.ALIGNMENT_COLUMNS
            assert _links(alignment) == SEED_PAIRS_000_001
            assert set(alignment["status"]) == {"translated"}
            assert set(alignment["kind"]) == {"1-1", "1-2", "2-1"}

    def test_every_sentence_gets_a_status(self, seeds):
        articles, sentences, _ = seeds
        alignment = compare.align_sentences(sentences, A002, A004, articles=articles)
        for side, article_id in (("a", A002), ("b", A004)):
            ids = set(sentences.loc[sentences["article_id"] == article_id, "sentence_id"])
            assert set(alignment[f"sentence_id_{side}"].dropna().astype(int)) == ids
        assert set(alignment["status"]) <= set(compare.STATUSES)
        unique = alignment[alignment["status"] == "unique"]
        assert unique["similarity"].isna().all() and alignment.loc[alignment["status"] != "unique", "similarity"].notna().all()
        # RHC alone reports the Monday visit to Hoai Duc.
        assert unique["text_a"].str.contains("Hoai Duc", na=False).any()

    def test_near_copy_is_shared_and_datelines_unique(self, seeds):
        articles, sentences, _ = seeds
        alignment = compare.align_sentences(sentences, A000, A003, articles=articles)
        aligned = alignment[alignment["status"] != "unique"]
        # Every sentence of the shorter text but its dateline is shared (not a count a parser
        # upgrade would change without a regression).
        body_a = sentences[(sentences["article_id"] == A000)]
        assert set(aligned["status"]) == {"shared"}
        assert aligned["sentence_id_a"].nunique() >= len(body_a) - 1
        assert set(alignment.loc[alignment["status"] == "unique", "text_b"]) == {"La Havane (VNA)", "– VNA"}

    def test_swapping_the_articles_swaps_the_links(self, seeds):
        articles, sentences, _ = seeds
        forward = compare.align_sentences(sentences, A000, A001, articles=articles)
        backward = compare.align_sentences(sentences, A001, A000, articles=articles)
        assert _links(backward) == {(b, a) for a, b in _links(forward)}

    def test_evaluation_corpus_pairs_in_any_order(self, stories):
        """Translations with reordered, split and dropped sentences (toolkit/data/examples/stories/expected_alignments.csv)."""
        articles, sentences, _ = stories
        expected = pd.read_csv(STORIES / "expected_alignments.csv", dtype=str, keep_default_na=False)
        for (a, b), rows in expected.groupby(["article_id_a", "article_id_b"]):
            want = {(_first_id(sentences, a, r.sentence_a) if r.sentence_a else None,
                     _first_id(sentences, b, r.sentence_b) if r.sentence_b else None) for r in rows.itertuples()}
            got = _links(compare.align_sentences(sentences, a, b, articles=articles))
            assert want <= got, (a, b, want - got)
            assert len(got) == len(want), (a, b, got - want)

    def test_unknown_article_is_named(self, seeds):
        articles, sentences, _ = seeds
        with pytest.raises(ValueError, match="nope"):
            compare.align_sentences(sentences, A000, "nope", articles=articles)


# ---------------------------------------------------------------- differences


class TestCompareVersions:
    def test_police_versus_public_security(self, seeds):
        articles, sentences, _ = seeds
        differences = compare.compare_versions(sentences, articles, A000, A003)
        assert list(differences.columns) == compare.DIFFERENCE_COLUMNS
        changed = differences[differences["kind"] == "changed"]
        assert ("Police", "Sécurité publique") in set(zip(changed["text_a"], changed["text_b"]))
        texts = articles.set_index("article_id")["text"]
        for row in changed.itertuples():
            if pd.notna(row.start_char_a):
                assert texts[A000][row.start_char_a:row.end_char_a] == row.text_a
            if pd.notna(row.start_char_b):
                assert texts[A003][row.start_char_b:row.end_char_b] == row.text_b
        # 003's dateline and sign-off, each cut into a sentence of its own, are its dateline and
        # sign-off rows, not added sentences; 000 has neither.
        assert not differences["kind"].isin(["omitted", "added"]).any()
        credits = differences[differences["kind"].isin(["dateline", "signoff"])]
        assert list(zip(credits["kind"], credits["side"], credits["text_b"])) == [
            ("dateline", "b", "La Havane (VNA) -"), ("signoff", "b", "– VNA")]
        assert set(differences["kind"]) <= set(compare.DIFFERENCE_KINDS)

    def test_only_the_english_version_gives_military_ranks(self, seeds):
        articles, sentences, mentions = seeds
        differences = compare.compare_versions(sentences, articles, A000, A001, mentions=mentions)
        ranks = differences[(differences["kind"] == "title") & (differences["detail"] == "rank")]
        assert set(ranks["side"]) == {"b"}
        assert set(zip(ranks["name"], ranks["text_b"])) == {
            ("Trần Quốc Tỏ", "Senior Lieutenant General"), ("Lázaro Alberto Álvarez Casas", "Lieutenant General")}
        # "vice-ministre" and "Deputy Minister" are the same title.
        assert not ((differences["kind"] == "title") & (differences["detail"] == "office")).any()
        # Across languages: no word-level rows, and the dates agree (22–26 October, 2018).
        assert not (differences["kind"] == "changed").any()
        assert not (differences["kind"] == "number").any()

    def test_may_visit_dates_and_omissions(self, seeds):
        articles, sentences, mentions = seeds
        differences = compare.compare_versions(sentences, articles, A002, A004, mentions=mentions)
        numbers = differences[differences["kind"] == "number"]
        # VNA's "le 15 mai" is one date (not the number 15 and the month of RHC's "16 mai").
        assert ("b", "date", "15 mai") in set(zip(numbers["side"], numbers["detail"], numbers["text_b"]))
        # RHC's "16 mai" is its dateline's date: one dateline row for both datelines, which
        # are neither omitted nor added sentences, whichever side's is longer.
        datelines = differences[differences["kind"] == "dateline"]
        assert list(zip(datelines["side"], datelines["detail"], datelines["text_a"], datelines["text_b"])) == [
            ("both", "date, agency", "Hanoï, 16 mai (RHC)", "Hanoï (VNA) -")]
        assert "16" not in set(numbers["text_a"])
        omitted = differences.loc[differences["kind"] == "omitted", "text_a"]
        assert omitted.str.contains("médaille de l'amitié").any()
        assert not differences.loc[differences["kind"].isin(["omitted", "added"]), ["text_a", "text_b"]].apply(
            lambda texts: texts.str.startswith("Hanoï")).any().any()
        entities = differences[differences["kind"] == "entity"]
        assert "LOC:hoai-duc" in set(entities.loc[entities["side"] == "a", "entity_id"])

    def test_without_mentions_no_entity_rows(self, seeds):
        articles, sentences, mentions = seeds
        # 000 and 003 differ in words and entities ("Police" / "Sécurité publique"), so the table is not empty.
        differences = compare.compare_versions(sentences, articles, A000, A003)
        assert (differences["kind"] == "changed").any()
        assert not differences["kind"].isin(["entity", "title"]).any()
        # With mentions the same pair has entity rows: their absence above is the option's doing.
        with_mentions = compare.compare_versions(sentences, articles, A000, A003, mentions=mentions)
        assert (with_mentions["kind"] == "entity").any()

    def test_old_argument_order_still_works_with_a_warning(self, seeds):
        articles, sentences, _ = seeds
        with pytest.warns(FutureWarning, match="compare_versions\\(sentences, articles"):
            old = compare.compare_versions(articles, sentences, A000, A003)
        pd.testing.assert_frame_equal(old, compare.compare_versions(sentences, articles, A000, A003))

    def test_side_by_side_view_escapes_and_highlights(self, seeds):
        articles, sentences, _ = seeds
        tricky = sentences.copy()
        mask = (tricky["article_id"] == A000) & (tricky["sentence_id"] == 2)
        tricky.loc[mask, "text"] = "<script>alert(1)</script> Elles ont passé en revue."
        alignment = compare.align_sentences(tricky, A000, A003, articles=articles)
        differences = compare.compare_versions(sentences, articles, A000, A003)
        markup = str(tk.render_differences(tricky, alignment, differences, labels=["000", "003 VNA"]))
        assert "<script>" not in markup and html.escape("<script>") in markup
        assert "line-through" in markup and ">Police</span>" in markup
        assert ">Sécurité publique</span>" in markup


# ---------------------------------------------------------------- plots


class TestPlots:
    def test_alignment_ribbons(self, seeds):
        articles, sentences, _ = seeds
        alignment = compare.align_sentences(sentences, A000, A001, articles=articles)
        fig, ax = plt.subplots()
        assert plot_alignment(alignment, ax=ax) is ax
        n_boxes = alignment["sentence_id_a"].nunique() + alignment["sentence_id_b"].nunique()
        n_ribbons = alignment.dropna(subset=["sentence_id_a", "sentence_id_b"]).shape[0]
        assert len(ax.patches) == n_boxes + n_ribbons
        plt.close(fig)

    def test_story_attention_bars(self, seeds):
        articles, _, _ = seeds
        attention = compare.story_attention(articles, compare.cluster_stories(articles))
        fig, ax = plt.subplots()
        plot_story_attention(attention, ax=ax)
        assert len(ax.containers) == attention["story_id"].nunique()
        plt.close(fig)


# ---------------------------------------------------------------- issue 11: dates, pairs, names, statuses


class TestIssue11:
    def _articles(self):
        return pd.DataFrame({
            "article_id": ["a", "b", "c", "d"],
            "text": ["The senate passed the budget bill after a long night of votes on spending cuts.",
                     "Senators passed the budget bill overnight after votes on spending cuts.",
                     "The senate passed another budget bill after a long night of votes on spending cuts.",
                     "A cat slept in the sun all afternoon in the garden."],
            "language": ["en"] * 4, "title": ["A", "B", "C", "D"],
            "published": ["2013-10-01", "2013-10-02", "2014-03-01", None]})

    def test_dates_months_apart_keep_stories_apart(self):
        articles = self._articles()
        similarity = compare.article_similarity(articles)
        dates = compare.article_similarity(articles, component="dates")
        assert dates.loc["a", "b"] == 1.0 and dates.loc["a", "c"] < 0.001 and dates.loc["a", "d"] == 1.0
        stories = compare.cluster_stories(articles).set_index("article_id")["story_id"]
        assert stories["a"] == stories["b"] != stories["c"]
        # Undated, the same texts fall back on words alone: c joins a and b.
        undated = compare.cluster_stories(articles.drop(columns="published")).set_index("article_id")["story_id"]
        assert undated["a"] == undated["c"]
        assert similarity.loc["a", "c"] < similarity.loc["a", "b"]

    def test_score_pairs_equals_the_matrix(self):
        articles = self._articles()
        similarity = compare.article_similarity(articles)
        pairs = pd.DataFrame({"article_id_a": ["a", "c", "b"], "article_id_b": ["b", "a", "d"]})
        scored = compare.score_pairs(articles, pairs)
        assert len(scored) == 3 and list(scored["article_id_a"]) == ["a", "c", "b"]
        expected = [similarity.loc[x, y] for x, y in zip(pairs["article_id_a"], pairs["article_id_b"])]
        np.testing.assert_allclose(scored["similarity"], expected, atol=1e-6)
        with pytest.raises(ValueError, match="lacks"):
            compare.score_pairs(articles, pd.DataFrame({"article_id_a": ["a"], "article_id_b": ["zz"]}))

    def test_date_factor_halves_every_half_life(self):
        window, half = compare.DATE_WINDOW_DAYS, compare.DATE_HALF_LIFE_DAYS
        factor = compare.date_factor([0, 0, 0, np.nan], [window, window + half, window + 2 * half, 5])
        np.testing.assert_allclose(factor, [1.0, 0.5, 0.25, 1.0])

    def test_a_name_written_differently_is_not_missing(self):
        texts = {"x": "President Trump met the mayor on Monday. Trump spoke for an hour.",
                 "y": "Donald John Trump met the mayor on Monday. The mayor of Boston listened."}
        articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "language": ["en", "en"]})
        sentences = compare.split_sentences(articles)
        rows = []
        for article_id, name, entity_id, entity_type in (("x", "President Trump", "PER:president-trump", "PER"),
                                                         ("x", "Trump", "PER:trump", "PER"),
                                                         ("y", "Donald John Trump", "PER:donald-john-trump", "PER"),
                                                         ("y", "Boston", "LOC:boston", "LOC")):
            text = texts[article_id]
            start = text.index(name)
            sentence = sentences[(sentences["article_id"] == article_id) & (sentences["start_char"] <= start)
                                 & (sentences["end_char"] >= start + len(name))]["sentence_id"].iloc[0]
            rows.append((article_id, int(sentence), start, start + len(name), name, entity_id, entity_type))
        mentions = pd.DataFrame(rows, columns=["article_id", "sentence_id", "start_char", "end_char", "text",
                                               "entity_id", "entity_type"])
        differences = compare.compare_versions(sentences, articles, "x", "y", mentions=mentions)
        entities = differences[differences["kind"] == "entity"]
        assert set(entities["entity_id"]) == {"LOC:boston"}
        assert set(entities["side"]) == {"b"}

    def test_same_topic_different_fact_is_not_a_paraphrase(self):
        texts = {"x": "The minister refused to resign on Tuesday. Rain fell over the capital all week.",
                 "y": "The minister has denied having said that. Rain fell over the capital all week long."}
        articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "language": ["en", "en"]})
        alignment = compare.align_sentences(compare.split_sentences(articles), "x", "y", articles=articles)
        first = alignment[alignment["sentence_id_a"] == 0]
        assert set(first["status"]) == {"unique"}
        second = alignment[alignment["sentence_id_a"] == 1]
        assert set(second["status"]) <= {"shared", "paraphrased"} and list(second["sentence_id_b"]) == [1]


class TestVersionLeftovers:
    """Versions of one text (alignment.VERSION_SHARE aligned) pair their mutual best leftovers whatever the cosine."""

    @staticmethod
    def _cosine(clear: int, left: int) -> np.ndarray:
        """``clear`` pairs on the diagonal, then ``left`` sentences a side with low cosines."""
        n = clear + left
        cosine = np.full((n, n), 0.05)
        cosine[np.arange(clear), np.arange(clear)] = 0.9
        return cosine

    def _pairs(self, cosine, clear: int):
        from toolkit.compare.alignment import _leftover_pairs

        groups = [{"a": {k}, "b": {k}, "score": 0.9} for k in range(clear)]
        return {(min(g["a"]), min(g["b"])) for g in _leftover_pairs(groups, cosine)}

    def test_low_cosine_mutual_best_is_paired_in_a_translation(self):
        cosine = self._cosine(19, 1)
        cosine[19, 19] = 0.12
        cosine[19, 0] = 0.3     # its best match overall is taken: among the leftovers it is still the best
        assert self._pairs(cosine, 19) == {(19, 19)}

    def test_leftovers_pair_one_to_one_by_mutual_best(self):
        cosine = self._cosine(19, 2)
        cosine[19:, 19:] = [[0.1, 0.2], [0.15, 0.12]]
        # 19 <-> 20 (0.2) and 20 <-> 19 (0.15) are mutual best among the leftovers.
        assert self._pairs(cosine, 19) == {(19, 20), (20, 19)}
        cosine[19:, 19:] = [[0.2, 0.1], [0.12, 0.15]]
        assert self._pairs(cosine, 19) == {(19, 19), (20, 20)}

    def test_no_pairing_when_few_sentences_are_clear_pairs(self):
        cosine = self._cosine(4, 1)
        cosine[4, 4] = 0.12
        assert self._pairs(cosine, 4) == set()

    def test_sentences_without_words_are_never_paired(self):
        cosine = self._cosine(19, 1)
        cosine[19, :] = cosine[:, 19] = -1.0
        assert self._pairs(cosine, 19) == set()


class TestStoriesAtScale:
    """Issue 16: the candidates path of cluster_stories gives the all-pairs grouping without the n² matrix."""

    @staticmethod
    def _both(articles, tmp_path, **kwargs):
        every = compare.cluster_stories(articles, method="all-pairs", cache_dir=tmp_path, **kwargs)
        fast = compare.cluster_stories(articles, method="candidates", cache_dir=tmp_path, **kwargs)
        return every, fast

    @pytest.mark.parametrize("threshold", [0.25, 0.4])
    def test_candidates_equal_all_pairs_on_the_seeds(self, seeds, tmp_path, threshold):
        articles, sentences, mentions = seeds
        every, fast = self._both(articles, tmp_path, sentences=sentences, mentions=mentions, threshold=threshold)
        pd.testing.assert_frame_equal(every[["article_id", "story_id", "n_articles"]],
                                      fast[["article_id", "story_id", "n_articles"]])

    @pytest.mark.parametrize("threshold", [0.25, 0.4, 0.5])
    def test_candidates_equal_all_pairs_on_the_example_corpus(self, stories, tmp_path, threshold):
        articles, sentences, _ = stories
        every, fast = self._both(articles, tmp_path, sentences=sentences, threshold=threshold)
        pd.testing.assert_frame_equal(every[["article_id", "story_id", "n_articles", "n_languages"]],
                                      fast[["article_id", "story_id", "n_articles", "n_languages"]])

    def test_undated_and_spread_dates(self, stories, tmp_path):
        """Undated articles meet every article; dates weeks apart split what the window must split."""
        articles, sentences, _ = stories
        undated = articles.assign(published=pd.NaT)
        every, fast = self._both(undated, tmp_path, sentences=sentences)
        assert adjusted_rand_score(every["story_id"], fast["story_id"]) == 1.0
        published = pd.to_datetime(articles["published"], errors="coerce")
        spread = articles.assign(published=published + pd.to_timedelta(np.arange(len(articles)) * 4, unit="D"))
        spread.loc[spread.index[::7], "published"] = pd.NaT  # some undated among dated ones
        every, fast = self._both(spread, tmp_path, sentences=sentences)
        pd.testing.assert_series_equal(every["story_id"], fast["story_id"])

    def test_window_bounds_the_date_factor(self):
        from toolkit.compare.stories import date_factor, date_window

        for threshold in (0.2, 0.25, 0.5):
            window = date_window(threshold)
            assert date_factor(0.0, window) <= threshold + 1e-12
            assert date_factor(0.0, window - 0.5) > threshold
        assert date_window(0.25) == pytest.approx(13.0)

    def test_no_linking_pair_is_missed(self, stories):
        """Every same-language pair the all-pairs path scores above the threshold is a candidate."""
        from toolkit.compare import stories as module

        articles, sentences, _ = stories
        published = pd.to_datetime(articles["published"], errors="coerce")
        articles = articles.assign(published=published + pd.to_timedelta(np.arange(len(articles)) * 3, unit="D"))
        features = module.article_features(articles, sentences=sentences, mentions=None)
        n = len(features["ids"])
        i, j = np.triu_indices(n, 1)
        parts = module.pair_components(features, i, j)
        linking = {(a, b) for a, b, s, same in zip(i, j, parts["combined"], parts["same_language"]) if s > 0.25 and same}
        i, j, _ = module._candidate_pairs(features, 0.25)
        found = set(zip(i, j))
        assert linking and linking <= found

    def test_embedding_cache_round_trip(self, stories, tmp_path):
        articles, sentences, _ = stories
        first = compare.cluster_stories(articles, method="candidates", cache_dir=tmp_path, sentences=sentences)
        parts = sorted(tmp_path.glob("part-*.npz"))
        assert parts
        (tmp_path / "part-damaged.npz").write_bytes(b"not a zip file")
        with pytest.warns(UserWarning, match="damaged"):
            second = compare.cluster_stories(articles, method="candidates", cache_dir=tmp_path, sentences=sentences)
        pd.testing.assert_frame_equal(first, second)
        assert sorted(tmp_path.glob("part-[!d]*.npz")) == parts  # nothing new to embed

    def test_method_is_checked(self, stories):
        articles, _, _ = stories
        with pytest.raises(ValueError, match="method"):
            compare.cluster_stories(articles, method="fast")
        with pytest.raises(ValueError, match="threshold"):
            compare.cluster_stories(articles, method="candidates", threshold=0.1)

    def test_anchors_in_one_pass_equal_find_anchors(self, seeds):
        from toolkit.compare.anchors import find_anchors
        from toolkit.compare.stories import _anchors

        articles, _, _ = seeds
        texts = list(zip(articles["text"], articles["language"])) + [
            ("On 3 May, May said in March we may march. Monday 6 800 and 6,5", "en"), ("Le 3 mai, Macron", "fr"),
            (None, None)]
        seen = {}
        for text, language in texts:
            for entity_ids in (None, {"Q1"}):
                assert _anchors(text, language, entity_ids, seen) == find_anchors(text, language, entity_ids)
