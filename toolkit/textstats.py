"""Describe ``articles`` with a fast regex tokenizer: terms, contexts, collocations, similarity (notebook 01).

The statistics live in :mod:`toolkit.stats`, one module per kind (the word table and term
counts, keywords in context and dispersion, collocations, summaries); this module keeps
their public names importable as ``toolkit.textstats.<name>``, and holds
:func:`document_similarity` until it moves to :mod:`toolkit.similarity`.
"""

from __future__ import annotations


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
from toolkit.similarity import MAX_SIMILARITY_ARTICLES, document_similarity  # noqa: F401  (re-exported)
