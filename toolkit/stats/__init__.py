"""The statistics of notebook 01, computed on a light word table (no NLP engine needed).

``articles`` → :mod:`~toolkit.stats.words` (the word table, term counts, the shared checks)
→ :mod:`~toolkit.stats.concordance` (keywords in context, dispersion),
:mod:`~toolkit.stats.collocations` (bigrams and trigrams with PMI and G²) and
:mod:`~toolkit.stats.summary` (per article, whole corpus). Words, stop words and lemmas come
from :mod:`toolkit.text`. ``toolkit.textstats`` re-exports the public names.
"""

from toolkit.stats.collocations import COLLOCATION_COLUMNS, collocations
from toolkit.stats.concordance import DISPERSION_COLUMNS, KWIC_COLUMNS, MATCH_MODES, dispersion, keyword_in_context
from toolkit.stats.summary import (
    ARTICLE_SUMMARY_COLUMNS,
    CORPUS_STATISTICS,
    CORPUS_SUMMARY_COLUMNS,
    NEEDS_REMOVED,
    article_summary,
    corpus_summary,
    summarise_corpus,
)
from toolkit.stats.words import NEEDS_ARTICLES, TERM_COLUMNS, WORD_COLUMNS, check_articles, term_frequencies, tokens_table

__all__ = [
    "ARTICLE_SUMMARY_COLUMNS", "COLLOCATION_COLUMNS", "CORPUS_STATISTICS", "CORPUS_SUMMARY_COLUMNS",
    "DISPERSION_COLUMNS", "KWIC_COLUMNS", "MATCH_MODES", "NEEDS_ARTICLES", "NEEDS_REMOVED", "TERM_COLUMNS",
    "WORD_COLUMNS", "article_summary", "check_articles", "collocations", "corpus_summary", "dispersion",
    "keyword_in_context", "summarise_corpus", "term_frequencies", "tokens_table",
]
