"""Issue 16, stories at scale: the batched pieces of the candidates path give what the one-shot ones give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit import compare
from toolkit import similarity
from toolkit.compare import stories as module


class TestAverageLinkageBatch:
    """Average linkage of many small groups at once equals scikit-learn's, group by group."""

    @pytest.mark.parametrize("m", [2, 3, 5, 9])
    def test_same_partition_as_scikit_learn(self, m):
        rng = np.random.default_rng(m)
        similarity_ = rng.random((200, m, m)) * 0.6
        similarity_ = (similarity_ + similarity_.transpose(0, 2, 1)) / 2
        similarity_[:, np.arange(m), np.arange(m)] = 1.0
        labels = module._average_linkage_batch(similarity_.copy(), 0.25)
        for square, found in zip(similarity_, labels):
            assert module._same_partition(module._average_linkage(square, 0.25), found)

    def test_average_not_single_linkage(self):
        # a~b and b~c are above the threshold, a and c far apart: average linkage keeps c out.
        square = np.array([[1.0, 0.9, 0.0], [0.9, 1.0, 0.3], [0.0, 0.3, 1.0]])
        labels = module._average_linkage_batch(square[None].copy(), 0.25)[0]
        assert labels[0] == labels[1] != labels[2]

    def test_labels_are_smallest_positions(self):
        square = np.full((4, 4), 0.0)
        square[1, 3] = square[3, 1] = 0.8
        np.fill_diagonal(square, 1.0)
        assert module._average_linkage_batch(square[None].copy(), 0.25)[0].tolist() == [0, 1, 2, 1]


class TestStreamedTfidf:
    """TF-IDF counted batch by batch weighs terms as one TfidfVectorizer over every document."""

    DOCUMENTS = [["ministre", "visite", "havane", "visite"], [], ["minister", "visit", "havana"],
                 ["ministre", "sécurité"], ["visit", "security", "security", "security"]]

    @pytest.mark.parametrize("binary", [False, True])
    def test_same_cosines_as_one_vectorizer(self, binary):
        from sklearn.feature_extraction.text import TfidfVectorizer

        expected = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=not binary, binary=binary).fit_transform(
            self.DOCUMENTS)
        counts = similarity.term_counts()
        for start in range(0, len(self.DOCUMENTS), 2):
            similarity.add_documents(counts, self.DOCUMENTS[start:start + 2])
        found = similarity.tfidf_from_counts(counts, sublinear_tf=not binary, binary=binary)
        assert found.shape[0] == len(self.DOCUMENTS)
        np.testing.assert_allclose((found @ found.T).toarray(), (expected @ expected.T).toarray(), atol=1e-12)
        assert found[1].nnz == 0

    def test_no_terms(self):
        counts = similarity.term_counts()
        similarity.add_documents(counts, [[], []])
        assert similarity.tfidf_from_counts(counts).shape == (2, 1)

    def test_word_lemmas_are_lemma_documents(self, seeds):
        from toolkit.text import split_words

        articles = seeds.articles
        ids = articles["article_id"].astype(str).tolist()
        words = [split_words(t, lang)[0] for t, lang in zip(articles["text"], articles["language"])]
        assert similarity.word_lemmas(words, articles["language"].tolist()) == similarity.lemma_documents(articles, ids)


class TestFeatureChunks:
    """The story features do not depend on how many articles are held at once."""

    @pytest.mark.parametrize("with_mentions", [False, True])
    def test_chunk_size_does_not_change_features(self, seeds, monkeypatch, with_mentions):
        """Light lemmas and capitalised names, or annotate's tokens and linked mentions."""
        articles, tokens = seeds.articles, seeds.tokens
        options = dict(sentences=seeds.sentences, mentions=seeds.mentions if with_mentions else None,
                       tokens=tokens if with_mentions else None, embed=False)
        whole = module.article_features(articles, **options)
        monkeypatch.setattr(module, "FEATURE_CHUNK", 2)
        chunked = module.article_features(articles, **options)
        for name in ("lexical", "anchors"):
            np.testing.assert_allclose((chunked[name] @ chunked[name].T).toarray(),
                                       (whole[name] @ whole[name].T).toarray(), atol=1e-12)


def _small_stories(*, seed: int, day) -> pd.DataFrame:
    """40 stories of 1 to 4 English reports, each report 45 of its story's 60 words; ``day(story, report)`` dates them."""
    rng = np.random.default_rng(seed)
    vocabulary = [f"w{k}" for k in range(3000)]
    rows = []
    for story in range(40):
        words = rng.choice(vocabulary, 60, replace=False)
        for report in range(int(rng.integers(1, 5))):
            kept = rng.choice(words, 45, replace=False)
            rows.append((f"a{len(rows):03d}", " ".join(kept) + ".", "en",
                         pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(day(story, report)))))
    return pd.DataFrame(rows, columns=["article_id", "text", "language", "published"])


class TestManySmallStories:
    """A corpus of many small stories (the batched path) gets the all-pairs grouping."""

    def test_candidates_equal_all_pairs(self, tmp_path):
        articles = _small_stories(seed=0, day=lambda story, report: story * 2 + report)
        every = compare.cluster_stories(articles, method="all-pairs", cache_dir=tmp_path)
        fast = compare.cluster_stories(articles, method="candidates", cache_dir=tmp_path)
        pd.testing.assert_frame_equal(every[["article_id", "story_id", "n_articles"]],
                                      fast[["article_id", "story_id", "n_articles"]])
        assert fast["story_id"].nunique() > 20


def _dense_corpus(stories: int = 30, seed: int = 0) -> pd.DataFrame:
    """Stories of 1–4 reports over three days, every article drawing 80 of 300 shared words besides its story's own.

    Every pair of articles shares words, so without a cap every pair is a candidate, as in a
    corpus of many near-identical wire stories.
    """
    rng = np.random.default_rng(seed)
    common = [f"c{k}" for k in range(300)]
    rows = []
    for story in range(stories):
        words = [f"s{story}w{k}" for k in range(15)]
        for _ in range(int(rng.integers(1, 5))):
            kept = list(rng.choice(words, 10, replace=False)) + list(rng.choice(common, 80, replace=False))
            rows.append((f"a{len(rows):03d}", " ".join(kept) + ".", "en",
                         pd.Timestamp("2024-01-01") + pd.Timedelta(days=story % 3)))
    return pd.DataFrame(rows, columns=["article_id", "text", "language", "published"])


class TestNeighbourCap:
    """Issue 16: the candidates path keeps at most MAX_NEIGHBOURS partners per article, so a dense corpus stays bounded."""

    def test_cap_bounds_the_pairs_of_a_dense_corpus(self):
        articles = _dense_corpus()
        n = len(articles)
        features = module.article_features(articles, sentences=None, mentions=None, embed=False)
        i, _, _ = module._candidate_pairs(features, 0.25, None)
        assert len(i) > 0.95 * n * (n - 1) / 2  # uncapped: nearly every pair
        for k in (3, 8):
            i, j, low = module._candidate_pairs(features, 0.25, k)
            # One language: each article keeps at most k partners, so at most k·n pairs.
            assert len(i) <= k * n
            assert (i < j).all() and len(set(zip(i, j))) == len(i)
            assert ((0 <= low) & (low <= 1)).all()
            # Each article keeps its k best later partners (by date, then row): its best one is always kept.
            bound = (features["lexical"] @ features["lexical"].T).toarray() * 0.7 + (
                features["anchors"] @ features["anchors"].T).toarray() * 0.15
            rank = np.argsort(np.argsort(features["days"], kind="stable"))
            bound[rank[:, None] >= rank[None, :]] = -1
            best = {(min(a, b), max(a, b)) for a, b in enumerate(bound.argmax(axis=1)) if bound[a, b] > 0}
            assert len(best) == n - 1 and best <= set(zip(i, j))

    def test_capped_grouping_equals_all_pairs_in_a_dense_corpus(self, tmp_path, monkeypatch):
        articles = _dense_corpus()
        every = compare.cluster_stories(articles, method="all-pairs", cache_dir=tmp_path)
        monkeypatch.setattr(module, "MAX_NEIGHBOURS", 3)
        fast = compare.cluster_stories(articles, method="candidates", cache_dir=tmp_path)
        assert module.LAST_CANDIDATES_RUN["candidate_pairs"] <= 3 * len(articles)
        pd.testing.assert_frame_equal(every[["article_id", "story_id", "n_articles"]],
                                      fast[["article_id", "story_id", "n_articles"]])

    @pytest.mark.parametrize("cap", [2, 3])
    def test_cap_under_the_story_size_keeps_the_grouping(self, tmp_path, monkeypatch, cap):
        """Stories of up to 4 reports stay linked through their 2 or 3 best partners (with 1 a story can split in two)."""
        articles = _small_stories(seed=1, day=lambda story, report: story % 5 + report)
        every = compare.cluster_stories(articles, method="all-pairs", cache_dir=tmp_path)
        monkeypatch.setattr(module, "MAX_NEIGHBOURS", cap)
        fast = compare.cluster_stories(articles, method="candidates", cache_dir=tmp_path)
        pd.testing.assert_frame_equal(every[["article_id", "story_id", "n_articles"]],
                                      fast[["article_id", "story_id", "n_articles"]])


class TestSparseAverageLinkage:
    """A linked group above MAX_COMPONENT: average linkage over its kept pairs, the others counting as 0."""

    @pytest.mark.parametrize("seed", range(6))
    def test_equals_average_linkage_of_the_matrix_with_zeros(self, seed):
        rng = np.random.default_rng(seed)
        n = 60
        square = rng.random((n, n)) * 0.7
        square[rng.random((n, n)) < 0.8] = 0.0
        square = np.triu(square, 1)
        square = square + square.T
        np.fill_diagonal(square, 1.0)
        i, j = np.nonzero(np.triu(square, 1))
        found = module._sparse_average_linkage(n, i, j, square[i, j], 0.25)
        assert module._same_partition(found, module._average_linkage(square, 0.25))
        assert len(set(found)) not in (1, n)  # a real test: some merges, not all

    def test_giant_group_is_clustered_on_its_kept_pairs(self, tmp_path, monkeypatch):
        articles = _dense_corpus()
        monkeypatch.setattr(module, "MAX_COMPONENT", 10)
        fast = compare.cluster_stories(articles, method="candidates", cache_dir=tmp_path)
        run = dict(module.LAST_CANDIDATES_RUN)
        assert run["sparse_groups"] == 1 and run["sparse_group_articles"] == len(articles)
        assert run["embedded_articles"] == 0
        # The same stories as average linkage over the matrix of the kept pairs' bounds without embeddings.
        features = module.article_features(articles, sentences=None, mentions=None, embed=False)
        i, j, low = module._candidate_pairs(features, 0.25, module.MAX_NEIGHBOURS)
        square = np.eye(len(articles))
        square[i, j] = square[j, i] = low
        expected = module._average_linkage(square, 0.25)
        found = fast.set_index("article_id")["story_id"].reindex(features["ids"]).to_numpy()
        assert module._same_partition(found, expected)
        assert 1 < fast["story_id"].nunique() < len(articles)
