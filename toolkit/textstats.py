"""Describe ``articles`` with a fast regex tokenizer: terms, contexts, collocations, similarity (notebook 01).

The statistics live in :mod:`toolkit.stats`, one module per kind (the word table and term
counts, keywords in context and dispersion, collocations, summaries); this module keeps
their public names importable as ``toolkit.textstats.<name>``, and holds
:func:`document_similarity` until it moves to :mod:`toolkit.similarity`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit._checks import refuse_quadratic, require_choice
from toolkit.stats import (  # noqa: F401  (re-exported: the public names of toolkit.textstats)
    ARTICLE_SUMMARY_COLUMNS,
    COLLOCATION_COLUMNS,
    CORPUS_STATISTICS,
    CORPUS_SUMMARY_COLUMNS,
    DISPERSION_COLUMNS,
    KWIC_COLUMNS,
    MATCH_MODES,
    NEEDS_ARTICLES,
    NEEDS_REMOVED,
    TERM_COLUMNS,
    WORD_COLUMNS,
    article_summary,
    check_articles,
    collocations,
    corpus_summary,
    dispersion,
    keyword_in_context,
    summarise_corpus,
    term_frequencies,
    tokens_table,
)
from toolkit.text import language_codes, lemmatize_terms

# The name document_similarity (below) uses for the shared check, until it moves to toolkit.similarity.
_check_articles = check_articles


def _identity(document: list[str]) -> list[str]:
    """Analyzer for TfidfVectorizer: documents arrive already tokenized."""
    return document


#: Above this many articles :func:`document_similarity` refuses: its output grows as n².
MAX_SIMILARITY_ARTICLES = 5_000


def document_similarity(articles: pd.DataFrame, *, method: str = "tfidf",
                        max_articles: int = MAX_SIMILARITY_ARTICLES) -> pd.DataFrame:
    """Compare every pair of articles by cosine similarity of their TF-IDF lemma vectors.

    Each article becomes the simplemma lemmas (in its own language) of its non-stopword
    tokens, weighted by scikit-learn's ``TfidfVectorizer`` (``sublinear_tf=True``, smooth
    idf, L2 norm). Vocabulary is not translated, so a French and an English report of the
    same event share little beyond names and numbers and score low; compare within a
    language, or use the cross-lingual tools in ``toolkit.compare``.

    This step is quadratic: the matrix has n² cells (100,000 articles would need 80 GB).
    For large corpora use the scalable paths instead: ``toolkit.compare.find_near_duplicates``
    (MinHash LSH: only the candidate pairs are compared) and ``toolkit.compare.cluster_stories``
    with ``by="week"`` (stories clustered within each week).

    Args:
        articles: One row per article; needs ARTICLE_COLUMNS.
        method: Only ``"tfidf"`` for now.
        max_articles: Refuse larger inputs (see above); raise it knowingly.

    Returns:
        A square DataFrame indexed and columned by ``article_id`` (sorted), with float
        similarities in [0, 1]; symmetric, with 1.0 on the diagonal (also for an article
        without words, which scores 0 against the others).

    Raises:
        ValueError: ``articles`` lacks a column, ``method`` is unknown, or there are more
            than ``max_articles`` articles.

    Example:
        >>> document_similarity(articles).round(2)
    """
    _check_articles(articles)
    refuse_quadratic(len(articles), max_articles, "document_similarity")
    require_choice(method, ("tfidf",), name="method")
    ids = sorted(articles["article_id"].astype(str))
    index = pd.Index(ids, name="article_id", dtype="object")
    if not ids:
        return pd.DataFrame(index=index, columns=pd.Index([], name="article_id", dtype="object"), dtype=float)
    from toolkit.similarity import lemma_documents, tfidf_cosine

    similarity = tfidf_cosine(lemma_documents(articles, ids))
    return pd.DataFrame(similarity, index=index, columns=index.copy())
