"""Contracts and invariants of toolkit.textstats on a small literal French/English corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit import textstats as ts
from toolkit import text as tx
from toolkit.paths import DATA

@pytest.fixture(scope="session")
def articles(literal_articles) -> pd.DataFrame:
    """The small literal FR/EN/DE corpus of conftest (``literal_articles``), not the seeds."""
    return literal_articles


@pytest.fixture(scope="session")
def removed(literal_removed) -> pd.DataFrame:
    return literal_removed


def empty_like(articles: pd.DataFrame) -> pd.DataFrame:
    return articles.iloc[0:0]


def tokenized(text: str, language: str) -> list[str]:
    return [word for word, _, _ in tx.tokenize_words(text, language=language)]


class TestTokenizeWords:
    @pytest.mark.parametrize("language", ["fr", "en", "de", "vi", None])
    def test_offsets_slice_back(self, articles, language):
        for text in articles["text"]:
            for word, start, end in tx.tokenize_words(text, language=language):
                assert text[start:end] == word

    @pytest.mark.parametrize(("text", "expected"), [
        ("l’entretien", ["l’", "entretien"]),
        ("l'entretien", ["l'", "entretien"]),
        ("d'experts", ["d'", "experts"]),
        ("qu’il", ["qu’", "il"]),
        ("jusqu'à", ["jusqu'", "à"]),
        ("Lorsqu’elle", ["Lorsqu’", "elle"]),
        ("aujourd'hui", ["aujourd'hui"]),
    ])
    def test_french_elision(self, text, expected):
        assert tokenized(text, "fr") == expected

    def test_hyphens_numbers_and_punctuation(self):
        words = tokenized("Le vice-ministre, la Covid-19 (2018) : 22-26 octobre, 1,5 % !", "fr")
        assert words == ["Le", "vice-ministre", "la", "Covid-19", "2018", "22-26", "octobre", "1,5"]

    def test_english_clitics(self):
        assert tokenized("Viet Nam’s high-level talks", "en") == ["Viet", "Nam", "’s", "high-level", "talks"]
        assert tokenized("officials don't", "en") == ["officials", "do", "n't"]

    def test_vietnamese_letters_composed_and_decomposed(self):
        assert tokenized("Trần Quốc Tỏ", "vi") == ["Trần", "Quốc", "Tỏ"]
        decomposed = "Tra\u0302\u0300n"
        assert tokenized(decomposed, "fr") == [decomposed]

    def test_missing_text_gives_no_tokens(self):
        assert tx.tokenize_words(None, language="fr") == []


class TestStopwordFiles:
    @pytest.mark.parametrize("language", ["fr", "en"])
    def test_files_are_lower_case_with_a_source_header(self, language):
        lines = (DATA / f"stopwords-{language}.txt").read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("#") and any("NLTK" in line for line in lines if line.startswith("#"))
        words = [line for line in lines if line and not line.startswith("#")]
        assert words == [w.lower() for w in words] and len(words) == len(set(words))

    def test_french_list_has_elided_forms_and_accented_words(self):
        stop = tx.load_stopwords("fr")
        assert {"l", "d", "qu", "n", "s", "c", "j", "m", "t", "jusqu", "lorsqu", "puisqu"} <= stop
        assert {"à", "où", "été", "déjà", "très", "là", "de", "la"} <= stop

    def test_unknown_language_has_no_stopwords(self):
        assert tx.load_stopwords("de") == frozenset()
        assert tx.load_stopwords(None) == frozenset()


class TestTokensTable:
    def test_columns_and_dtypes(self, articles):
        tokens = ts.tokens_table(articles)
        assert list(tokens.columns) == ts.WORD_COLUMNS
        assert tokens["is_stopword"].dtype == bool
        for column in ("token_id", "segment_id", "start_char", "end_char"):
            assert tokens[column].dtype == np.int64

    def test_offsets_slice_back_to_article_text(self, articles):
        tokens = ts.tokens_table(articles)
        texts = dict(zip(articles["article_id"], articles["text"]))
        assert all(
            texts[a][s:e] == t
            for a, s, e, t in zip(tokens["article_id"], tokens["start_char"], tokens["end_char"], tokens["text"])
        )

    def test_token_ids_are_positions(self, articles):
        tokens = ts.tokens_table(articles)
        for _, group in tokens.groupby("article_id"):
            assert group["token_id"].tolist() == list(range(len(group)))
            assert group["segment_id"].is_monotonic_increasing

    def test_terms_and_stopwords(self, articles):
        tokens = ts.tokens_table(articles)
        a1 = tokens[tokens["article_id"] == "a1"]
        assert {"l'", "d'", "qu'", "jusqu'", "coopérations", "trần"} <= set(a1["term"])
        flags = dict(zip(a1["term"], a1["is_stopword"]))
        assert flags["l'"] and flags["de"] and flags["jusqu'"] and not flags["coopération"]
        assert not tokens.loc[tokens["language"] == "de", "is_stopword"].any()
        assert tokens.loc[tokens["term"] == "the", "is_stopword"].all()

    def test_lowercase_false_keeps_case(self, articles):
        tokens = ts.tokens_table(articles, lowercase=False)
        assert "Trần" in set(tokens["term"]) and "Sécurité" in set(tokens["term"])

    def test_does_not_mutate_input(self, articles):
        before = articles.copy()
        ts.tokens_table(articles)
        pd.testing.assert_frame_equal(articles, before)

    def test_empty_input(self, articles):
        tokens = ts.tokens_table(empty_like(articles))
        assert list(tokens.columns) == ts.WORD_COLUMNS and tokens.empty

    def test_missing_column_is_named(self, articles):
        with pytest.raises(ValueError, match="language"):
            ts.tokens_table(articles.drop(columns="language"))

    def test_duplicate_ids_rejected(self, articles):
        with pytest.raises(ValueError, match="unique"):
            ts.tokens_table(pd.concat([articles, articles.iloc[:1]]))


class TestTermFrequencies:
    @pytest.mark.parametrize("by", [(), ("outlet",), ("language",), ("outlet", "language"), ("outlet_country",)])
    def test_columns_and_shares(self, articles, by):
        counts = ts.term_frequencies(articles, by=by)
        assert list(counts.columns) == [*by, *ts.TERM_COLUMNS]
        shares = counts.groupby(list(by), dropna=False)["share"].sum() if by else counts["share"].sum()
        assert np.allclose(shares, 1.0)
        assert counts["n"].dtype == np.int64 and counts["n_articles"].dtype == np.int64

    def test_stopwords_removed_by_default(self, articles):
        terms = set(ts.term_frequencies(articles, by=())["term"])
        assert not {"de", "la", "the", "l'", "d'", "'s", "n't"} & terms
        assert {"coopération", "cooperation", "sécurité", "security"} <= terms
        assert {"de", "la", "the", "l'"} <= set(ts.term_frequencies(articles, by=(), stopwords=False)["term"])

    def test_sorted_by_group_then_n(self, articles):
        counts = ts.term_frequencies(articles, by=("language",))
        expected = counts.sort_values(["language", "n", "term"], ascending=[True, False, True], kind="mergesort")
        pd.testing.assert_frame_equal(counts, expected.reset_index(drop=True))
        top = counts[counts["language"] == "fr"].iloc[0]
        assert top["term"] == "coopération"

    def test_missing_outlet_is_its_own_group(self, articles):
        counts = ts.term_frequencies(articles, by=("outlet",))
        assert counts["outlet"].isna().any()
        assert set(counts.loc[counts["outlet"].isna(), "term"]) >= {"zusammenarbeit", "die"}

    def test_top_and_min_count(self, articles):
        counts = ts.term_frequencies(articles, by=("outlet",), top=3, min_count=2)
        assert counts.groupby("outlet", dropna=False).size().max() <= 3
        assert (counts["n"] >= 2).all()

    def test_n_articles_bounded_by_group_size(self, articles):
        counts = ts.term_frequencies(articles, by=("language",))
        sizes = articles.groupby("language").size()
        assert (counts["n_articles"] <= counts["language"].map(sizes)).all()

    def test_bad_by_names_allowed_columns(self, articles):
        with pytest.raises(ValueError, match=r"`by` must be a subset of .*'outlet'"):
            ts.term_frequencies(articles, by=("source",))
        with pytest.raises(ValueError, match="`by`"):
            ts.term_frequencies(articles, by=("text",))

    def test_empty_input(self, articles):
        counts = ts.term_frequencies(empty_like(articles), by=("outlet",))
        assert list(counts.columns) == ["outlet", *ts.TERM_COLUMNS] and counts.empty


class TestKeywordInContext:
    def test_bilingual_query(self, articles):
        kwic = ts.keyword_in_context(articles, ["coopération", "cooperation"])
        assert list(kwic.columns) == ts.KWIC_COLUMNS
        assert {"fr", "en"} <= set(kwic["language"])
        texts = dict(zip(articles["article_id"], articles["text"]))
        assert all(texts[a][s:e] == k for a, s, e, k in zip(kwic["article_id"], kwic["start_char"], kwic["end_char"], kwic["keyword"]))
        assert kwic.equals(kwic.sort_values(["article_id", "start_char"], kind="mergesort").reset_index(drop=True))

    def test_lemma_finds_plural_and_exact_does_not(self, articles):
        lemma = ts.keyword_in_context(articles, "coopération", match="lemma")
        exact = ts.keyword_in_context(articles, "coopération", match="exact")
        assert "coopérations" in set(lemma["keyword"]) and "coopérations" not in set(exact["keyword"])
        assert set(exact["keyword"]) == {"coopération"}

    def test_prefix(self, articles):
        kwic = ts.keyword_in_context(articles, "coopér", match="prefix")
        assert {"coopération", "coopérations"} <= set(kwic["keyword"])

    def test_exact_is_case_and_apostrophe_insensitive(self, articles):
        kwic = ts.keyword_in_context(articles, "SÉCURITÉ", match="exact")
        assert {"sécurité", "Sécurité"} <= set(kwic["keyword"])

    def test_phrase_query(self, articles):
        kwic = ts.keyword_in_context(articles, ["sécurité publique", "public security"], window=3)
        assert {"sécurité publique", "Sécurité publique", "public security"} <= set(kwic["keyword"])

    def test_window_bounds_context(self, articles):
        kwic = ts.keyword_in_context(articles, "coopération", window=2)
        assert all(len(tx.tokenize_words(side, language="fr")) <= 2 for side in [*kwic["left"], *kwic["right"]])
        assert (ts.keyword_in_context(articles, "coopération", window=0)["left"] == "").all()

    def test_no_hits_and_empty_input(self, articles):
        assert list(ts.keyword_in_context(articles, "zzzz").columns) == ts.KWIC_COLUMNS
        assert list(ts.keyword_in_context(empty_like(articles), "cuba").columns) == ts.KWIC_COLUMNS

    def test_bad_arguments(self, articles):
        with pytest.raises(ValueError, match="match"):
            ts.keyword_in_context(articles, "cuba", match="fuzzy")
        with pytest.raises(ValueError, match="term"):
            ts.keyword_in_context(articles, [])


class TestCollocations:
    @pytest.mark.parametrize("ngram", [2, 3])
    def test_columns_and_order(self, articles, ngram):
        grams = ts.collocations(articles, ngram=ngram, min_count=1, top=None)
        assert list(grams.columns) == ts.COLLOCATION_COLUMNS
        assert (grams["ngram"].str.count(" ") == ngram - 1).all()
        assert np.isfinite(grams["g2"]).all() and (grams["g2"] >= 0).all()
        expected = grams.sort_values(["g2", "ngram"], ascending=[False, True], kind="mergesort")
        pd.testing.assert_frame_equal(grams, expected.reset_index(drop=True))

    def test_recurrent_pair_ranks_high(self, articles):
        grams = ts.collocations(articles, ngram=2, min_count=2, top=5)
        assert "sécurité publique" in set(grams["ngram"]) and len(grams) <= 5

    def test_stopwords_at_edges_dropped(self, articles):
        grams = ts.collocations(articles, ngram=3, by=["language"], min_count=1, top=None)
        for language, words in zip(grams["language"], grams["ngram"].str.split(" ")):
            stop = tx.load_stopwords(language)
            assert words[0].strip("'") not in stop and words[-1].strip("'") not in stop
        assert "trafen sich in" in set(grams["ngram"])  # German has no list, so nothing is dropped

    def test_no_ngram_crosses_a_boundary(self, articles):
        grams = set(ts.collocations(articles, ngram=2, min_count=1, stopwords=False, top=None)["ngram"])
        assert "2024 les" not in grams  # "... 2024. Les deux"
        assert "publique selon" not in grams  # paragraph break
        assert "havane la" not in grams  # ";"
        assert "deux parties" in grams

    def test_former_n_still_means_ngram_with_a_warning(self, articles):
        with pytest.warns(FutureWarning, match=r"collocations\(ngram=\.\.\.\)"):
            old = ts.collocations(articles, n=3, min_count=1, top=None)
        pd.testing.assert_frame_equal(old, ts.collocations(articles, ngram=3, min_count=1, top=None))

    def test_by_group(self, articles):
        grams = ts.collocations(articles, ngram=2, by=["language"], min_count=1, top=3)
        assert list(grams.columns) == ["language", *ts.COLLOCATION_COLUMNS]
        assert grams.groupby("language").size().max() <= 3

    def test_bad_arguments_and_empty(self, articles):
        with pytest.raises(ValueError, match="`ngram`"):
            ts.collocations(articles, ngram=4)
        with pytest.raises(ValueError, match="`by`"):
            ts.collocations(articles, by=["nope"])
        empty = ts.collocations(empty_like(articles), by=["outlet"])
        assert list(empty.columns) == ["outlet", *ts.COLLOCATION_COLUMNS] and empty.empty


class TestDispersion:
    def test_columns_positions_and_offsets(self, articles):
        hits = ts.dispersion(articles, {"sécurité / security": ["sécurité", "security"], "Cuba": "Cuba"})
        assert list(hits.columns) == ts.DISPERSION_COLUMNS
        assert set(hits["term"]) == {"sécurité / security", "Cuba"}
        assert hits["relative_position"].between(0, 1).all()
        texts = dict(zip(articles["article_id"], articles["text"]))
        assert all(
            texts[a][s:e].lower() in {"sécurité", "security", "cuba"}
            for a, s, e in zip(hits["article_id"], hits["start_char"], hits["end_char"])
        )
        assert {"a1", "a3"} <= set(hits.loc[hits["term"] == "sécurité / security", "article_id"])

    def test_token_index_matches_tokens(self, articles):
        tokens = ts.tokens_table(articles).set_index(["article_id", "token_id"])
        hits = ts.dispersion(articles, ["coopération", "cooperation"], match="exact")
        terms = tokens.loc[list(zip(hits["article_id"], hits["token_index"])), "term"]
        assert (terms.to_numpy() == hits["term"].to_numpy()).all()

    def test_empty(self, articles):
        assert list(ts.dispersion(articles, "zzzz").columns) == ts.DISPERSION_COLUMNS
        assert list(ts.dispersion(empty_like(articles), "cuba").columns) == ts.DISPERSION_COLUMNS


class TestDocumentSimilarity:
    def test_square_symmetric_unit_diagonal(self, articles):
        similarity = ts.document_similarity(articles)
        ids = sorted(articles["article_id"])
        assert list(similarity.index) == ids and list(similarity.columns) == ids
        assert np.allclose(similarity.to_numpy(), similarity.to_numpy().T)
        assert np.allclose(np.diag(similarity.to_numpy()), 1.0)
        assert ((similarity >= 0) & (similarity <= 1)).all().all()

    def test_near_copy_scores_higher_than_unrelated(self, articles):
        similarity = ts.document_similarity(articles)
        assert similarity.loc["a1", "a2"] > 0.8
        assert similarity.loc["a1", "a2"] > similarity.loc["a1", "a4"]

    def test_empty_and_bad_method(self, articles):
        assert ts.document_similarity(empty_like(articles)).shape == (0, 0)
        with pytest.raises(ValueError, match="method"):
            ts.document_similarity(articles, method="bm25")


class TestSummaries:
    def test_columns_and_counts(self, articles, removed):
        summary = ts.article_summary(articles, removed=removed)
        assert list(summary.columns) == ts.ARTICLE_SUMMARY_COLUMNS
        assert summary["article_id"].tolist() == sorted(articles["article_id"])
        tokens = ts.tokens_table(articles)
        assert summary.set_index("article_id")["n_words"].to_dict() == tokens.groupby("article_id").size().to_dict()
        assert summary["type_token_ratio"].between(0, 1).all()
        assert summary.set_index("article_id").loc["a1", "n_sentences"] == 6  # split_sentences' sentences
        removed_words = summary.set_index("article_id")["n_words_removed"]
        assert removed_words["a1"] == 5 and removed_words["a3"] == 4 and removed_words["a2"] == 0

    def test_sentences_are_split_sentences_ones(self, articles):
        text = "Mr. Obama met Gov. Brewer in St. Louis; the U.S. Army was there. She left!\n\n\"Why?\" he asked."
        one = articles.head(1).assign(article_id="x", text=text, language="en")
        assert ts.article_summary(one)["n_sentences"].tolist() == [3]

    def test_without_removed(self, articles):
        assert (ts.article_summary(articles)["n_words_removed"] == 0).all()

    def test_empty_input(self, articles):
        summary = ts.article_summary(empty_like(articles))
        assert list(summary.columns) == ts.ARTICLE_SUMMARY_COLUMNS and summary.empty

    def test_former_name_warns_and_gives_the_same_table(self, articles, removed):
        with pytest.warns(FutureWarning, match="article_summary"):
            old = ts.corpus_summary(articles, removed=removed)
        pd.testing.assert_frame_equal(old, ts.article_summary(articles, removed=removed))

    def test_summarise_corpus(self, articles, removed):
        overview = ts.summarise_corpus(articles, removed=removed).set_index("statistic")["value"]
        assert list(overview.index) == ts.CORPUS_STATISTICS
        assert overview["articles"] == "5" and overview["outlets"] == "4"
        assert overview["languages"] == "fr 3, de 1, en 1"
        assert overview["outlet countries"] == "Viet Nam 3, Cuba 1"
        assert overview["date range"] == "2024-05-10 – 2024-10-24 (1 undated)"
        assert overview["words removed as boilerplate"] == "9"

    def test_summarise_corpus_unknown_dates(self, articles):
        undated = articles.drop(columns=["published", "outlet_country"])
        overview = ts.summarise_corpus(undated).set_index("statistic")["value"]
        assert overview["date range"] == "unknown" and overview["outlet countries"] == "unknown"
        all_missing = articles.assign(published=pd.NaT)
        assert ts.summarise_corpus(all_missing).set_index("statistic").loc["date range", "value"] == "unknown"


def test_document_similarity_refuses_quadratic_blowup():
    from toolkit.textstats import document_similarity

    many = pd.DataFrame({"article_id": [f"a{i}" for i in range(6)], "text": ["mot"] * 6,
                         "language": ["fr"] * 6, "outlet": ["X"] * 6})
    with pytest.raises(ValueError, match="find_near_duplicates"):
        document_similarity(many, max_articles=5)
    assert document_similarity(many, max_articles=6).shape == (6, 6)
