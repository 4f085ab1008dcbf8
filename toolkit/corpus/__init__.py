"""Load raw articles (a folder of .txt/.md, or JSONL/CSV) into the ``articles``, ``removed`` and ``problems`` tables.

The loader's stages, one module each: :mod:`~toolkit.corpus.reading` (files → decoded
records, the manifest), :mod:`toolkit.cleaning` (raw → body + removed spans),
:mod:`~toolkit.corpus.dates` (dates and datelines), :mod:`~toolkit.corpus.outlets` (the
registry and the outlet inferred from the text), :mod:`~toolkit.corpus.problems` (errors,
warnings, the ``problems`` table) and :mod:`~toolkit.corpus.loading` (:func:`load_corpus`,
language detection, the typed tables).
"""

from toolkit.corpus.dates import DATE_PATTERN, TIMESTAMP_LINE, parse_date, parse_dateline
# CHUNK_SIZE is re-exported to be read; to change it, set toolkit.corpus.loading.CHUNK_SIZE.
from toolkit.corpus.loading import (
    CHUNK_SIZE,
    DEFAULT_LANGUAGES,
    Corpus,
    count_words,
    detect_language,
    detect_languages,
    load_corpus,
)
from toolkit.corpus.outlets import OUTLET_COLUMNS, OutletIndex, infer_outlet, load_outlets
from toolkit.corpus.problems import CorpusError, CorpusWarning
from toolkit.corpus.reading import MANIFEST_COLUMNS, TEXT_SUFFIXES, decode_bytes, read_manifest
from toolkit.schema import ARTICLE_COLUMNS, PROBLEM_COLUMNS, REMOVED_COLUMNS

__all__ = [
    "ARTICLE_COLUMNS", "CHUNK_SIZE", "DATE_PATTERN", "DEFAULT_LANGUAGES", "MANIFEST_COLUMNS", "OUTLET_COLUMNS",
    "PROBLEM_COLUMNS", "REMOVED_COLUMNS", "TEXT_SUFFIXES", "TIMESTAMP_LINE", "Corpus", "CorpusError",
    "CorpusWarning", "OutletIndex", "count_words", "decode_bytes", "detect_language", "detect_languages",
    "infer_outlet", "load_corpus", "load_outlets", "parse_date", "parse_dateline", "read_manifest",
]
