"""A Jupyter-first toolkit for analysing news corpora in French and English.

Raw text → tidy tables → figures: ``load_corpus`` gives the ``articles`` and ``removed``
tables; the other functions take and return pandas DataFrames with documented columns.
"""

from toolkit.corpus import (
    ARTICLE_COLUMNS,
    PROBLEM_COLUMNS,
    REMOVED_COLUMNS,
    Corpus,
    CorpusError,
    CorpusWarning,
    detect_language,
    load_corpus,
    load_outlets,
    parse_date,
)
from toolkit.paths import FIGURES, ROOT, SEEDS

__version__ = "0.1.0"
