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
                       tokens=tokens if with_mentions else None, max_sentences=20, embed=False)
        whole = module.article_features(articles, **options)
        monkeypatch.setattr(module, "FEATURE_CHUNK", 2)
        chunked = module.article_features(articles, **options)
        for name in ("lexical", "anchors"):
            np.testing.assert_allclose((chunked[name] @ chunked[name].T).toarray(),
                                       (whole[name] @ whole[name].T).toarray(), atol=1e-12)


class TestManySmallStories:
    """A corpus of many small stories (the batched path) gets the all-pairs grouping."""

    def test_candidates_equal_all_pairs(self, tmp_path):
        rng = np.random.default_rng(0)
        vocabulary = [f"w{k}" for k in range(3000)]
        rows = []
        for story in range(40):
            words = rng.choice(vocabulary, 60, replace=False)
            for report in range(int(rng.integers(1, 5))):
                kept = rng.choice(words, 45, replace=False)
                rows.append((f"a{len(rows):03d}", " ".join(kept) + ".", "en",
                             pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(story * 2 + report))))
        articles = pd.DataFrame(rows, columns=["article_id", "text", "language", "published"])
        every = compare.cluster_stories(articles, method="all-pairs", cache_dir=tmp_path)
        fast = compare.cluster_stories(articles, method="candidates", cache_dir=tmp_path)
        pd.testing.assert_frame_equal(every[["article_id", "story_id", "n_articles"]],
                                      fast[["article_id", "story_id", "n_articles"]])
        assert fast["story_id"].nunique() > 20
