"""The word table of notebook 01 (:func:`tokens_table`) and term counts, with the checks every statistic shares.

Every statistic of :mod:`toolkit.stats` starts here: ``articles`` → one row per word token
(:func:`toolkit.text.tokenize_words`), with character offsets into ``articles.text``, a
normalised ``term``, a stopword flag and the sentence-ish segment it falls in. This is not
the ``tokens`` table of :func:`toolkit.annotate` (no sentences, lemmas or parse): it needs
no NLP engine, so notebook 01 runs right after ``load_corpus``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.schema import require_columns
from toolkit.text import SEGMENT_BOUNDARY, language_codes, normalise_terms, split_words, stopword_mask

#: Columns every statistic here needs in ``articles`` (a subset of its contract).
NEEDS_ARTICLES = ["article_id", "text", "language", "outlet"]
#: Columns of :func:`tokens_table`: one row per word token (not the ``tokens`` contract of ``annotate``).
WORD_COLUMNS = [
    "article_id", "token_id", "segment_id", "start_char", "end_char",
    "text", "term", "is_stopword", "language", "outlet",
]
#: Columns of :func:`term_frequencies`, after the ``by`` columns.
TERM_COLUMNS = ["term", "n", "share", "n_articles"]


# --- checks and helpers shared by the statistics ---------------------------------------


def check_articles(articles: pd.DataFrame) -> None:
    """Check ``articles`` has :data:`NEEDS_ARTICLES` and one row per ``article_id``."""
    require_columns(articles, NEEDS_ARTICLES, name="articles")
    duplicated = articles["article_id"][articles["article_id"].duplicated()]
    if len(duplicated):
        raise ValueError(
            f"`articles.article_id` must be unique, got duplicates {sorted(map(str, duplicated))[:5]}"
        )


def check_by(articles: pd.DataFrame, by, *, reserved: Sequence[str]) -> tuple[str, ...]:
    """Return ``by`` (an article column or list of columns) as a tuple, or raise naming the allowed ones."""
    if by is None:
        return ()
    given = (by,) if isinstance(by, str) else by
    allowed = sorted(c for c in articles.columns if c not in {"text", "raw", *reserved})
    try:
        given = tuple(given)
    except TypeError:
        given = None
    if (
        given is None
        or any(not isinstance(c, str) or c not in allowed for c in given)
        or len(set(given)) != len(given)
    ):
        raise ValueError(f"`by` must be a subset of {allowed}, got {by!r}")
    return given


def attach_columns(tokens: pd.DataFrame, articles: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Add article-level ``columns`` that ``tokens`` lacks, by ``article_id``."""
    extra = [c for c in columns if c not in tokens.columns]
    if not extra:
        return tokens
    lookup = articles[["article_id", *extra]].assign(article_id=articles["article_id"].astype(str))
    return tokens.merge(lookup, on="article_id", how="left", validate="many_to_one")


def sort_rows(frame: pd.DataFrame, keys: Sequence[str], ascending: Sequence[bool]) -> pd.DataFrame:
    """Sort deterministically (stable, missing values last) and reset the index."""
    if not keys:
        return frame.reset_index(drop=True)
    return frame.sort_values(
        list(keys), ascending=list(ascending), na_position="last", kind="mergesort"
    ).reset_index(drop=True)


def top_rows(frame: pd.DataFrame, by: Sequence[str], top: int | None) -> pd.DataFrame:
    """The first ``top`` rows of each ``by`` group (of the whole frame without ``by``; all when None)."""
    if top is not None:
        frame = frame.groupby(list(by), dropna=False, sort=False).head(top) if by else frame.head(top)
    return frame.reset_index(drop=True)


# --- the word table and term counts --------------------------------------------------------


def tokens_table(articles: pd.DataFrame, *, lowercase: bool = True) -> pd.DataFrame:
    """Tokenize every article into a tidy table of word tokens.

    Args:
        articles: One row per article; needs NEEDS_ARTICLES (``outlet`` may be NA).
        lowercase: Lower-case ``term``. Stopwords are matched case-insensitively either way.

    Returns:
        One row per word token (see :func:`toolkit.text.tokenize_words`), sorted by
        ``article_id`` and ``token_id``, with the columns of :data:`WORD_COLUMNS`:
        ``article_id`` (str), ``token_id`` (int, 0-based position in the article),
        ``segment_id`` (int, 0-based sentence-ish segment: segments end at a blank line,
        ``;`` or ``. ! ? …``), ``start_char`` and ``end_char`` (int, offsets into
        ``articles.text``), ``text`` (str, as written), ``term`` (str, NFC, apostrophes as
        ``'``, lower-cased; elided clitics stay ``"l'"``), ``is_stopword`` (bool, by the
        article's language; languages without a list have none), ``language`` and
        ``outlet`` (copied from ``articles``).

    Raises:
        ValueError: ``articles`` lacks a column or repeats an ``article_id``.

    Example:
        >>> tokens_table(articles)[["article_id", "text", "term", "is_stopword"]].head()
    """
    check_articles(articles)
    # Tokenize in article_id order, so the (large) token table needs no sort.
    ordered = articles.assign(article_id=articles["article_id"].astype(str)).sort_values(
        "article_id", kind="mergesort"
    )
    ids, languages, outlets = (ordered[c].to_numpy(dtype=object) for c in ("article_id", "language", "outlet"))
    counts, starts, ends, texts, segments = [], [], [], [], []
    for text, language in zip(ordered["text"].to_numpy(dtype=object), languages):
        words, begin, finish = split_words(text, language)
        counts.append(len(words))
        if not words:
            continue
        segments.append(_segment_ids(text, begin))
        starts.append(begin)
        ends.append(finish)
        texts.extend(words)
    counts = np.asarray(counts, dtype=np.int64)
    # Normalise each distinct word once: millions of tokens, a vocabulary of thousands.
    text_codes, distinct_texts = pd.factorize(pd.Series(texts, dtype="object"))
    distinct_texts = pd.Series(distinct_texts, dtype="object")
    distinct_lower = normalise_terms(distinct_texts).to_numpy(dtype=object)
    distinct_terms = distinct_lower if lowercase else normalise_terms(
        distinct_texts, lowercase=False
    ).to_numpy(dtype=object)
    tokens = pd.DataFrame({
        "article_id": pd.Series(np.repeat(ids, counts), dtype="object"),
        "token_id": np.concatenate([np.arange(c, dtype=np.int64) for c in counts] or [np.empty(0, np.int64)]),
        "segment_id": np.concatenate(segments or [np.empty(0, np.int64)]),
        "start_char": np.concatenate(starts or [np.empty(0, np.int64)]),
        "end_char": np.concatenate(ends or [np.empty(0, np.int64)]),
        "text": pd.Series(texts, dtype="object"),
        "term": pd.Series(distinct_terms[text_codes], dtype="object"),
        "is_stopword": stopword_mask(
            pd.Series(distinct_lower[text_codes], dtype="object"), np.repeat(language_codes(languages), counts)
        ),
        "language": pd.Series(np.repeat(languages, counts), dtype="object"),
        "outlet": pd.Series(np.repeat(outlets, counts), dtype="object"),
    }, columns=WORD_COLUMNS)
    return tokens.reset_index(drop=True)


def _segment_ids(text: str, starts: np.ndarray) -> np.ndarray:
    """The 0-based segment of each word starting at ``starts`` (segments end at SEGMENT_BOUNDARY)."""
    boundaries = np.fromiter((m.start() for m in SEGMENT_BOUNDARY.finditer(text)), dtype=np.int64)
    raw_segments = np.searchsorted(boundaries, starts, side="right")
    # Several boundaries can fall between two words ("?!" + blank line); number densely.
    return np.unique(raw_segments, return_inverse=True)[1].astype(np.int64)


def term_frequencies(
    articles: pd.DataFrame,
    *,
    by: Sequence[str] = ("outlet",),
    stopwords: bool = True,
    min_count: int = 1,
    top: int | None = None,
) -> pd.DataFrame:
    """Count terms per group, Voyant's "Terms" panel (quanteda ``textstat_frequency``).

    Args:
        articles: One row per article; needs NEEDS_ARTICLES plus any ``by`` column.
        by: Article columns to group by, in output order: ``()``, ``("outlet",)``,
            ``("language",)``, ``("outlet", "language")`` or any other article column
            (a single column name is accepted too). Missing values form their own group.
        stopwords: Drop stopwords (by each article's language) before counting.
        min_count: Drop terms seen fewer times than this in a group.
        top: Keep only the ``top`` most frequent terms per group.

    Returns:
        One row per (*by, ``term``), sorted by the ``by`` columns, then ``n``
        descending, then ``term``, with columns *by, ``term`` (str, see
        :func:`tokens_table`), ``n`` (int), ``share`` (float, ``n`` over all counted
        tokens in the group, i.e. non-stopword tokens when ``stopwords=True``; sums to 1
        within a group when ``min_count=1`` and ``top=None``), ``n_articles`` (int,
        articles of the group using the term).

    Raises:
        ValueError: ``articles`` lacks a column, or ``by`` names a column it lacks.

    Example:
        >>> term_frequencies(articles, by=["outlet"], top=10)
    """
    check_articles(articles)
    by = check_by(articles, by, reserved=TERM_COLUMNS)
    columns = [*by, *TERM_COLUMNS]
    tokens = attach_columns(tokens_table(articles), articles, by)
    if stopwords:
        tokens = tokens[~tokens["is_stopword"]]
    keys = [*by, "term"]
    counts = (
        tokens.groupby(keys, dropna=False, sort=False)
        .agg(n=("token_id", "size"), n_articles=("article_id", "nunique"))
        .reset_index()
    )
    if by:
        totals = counts.groupby(list(by), dropna=False, sort=False)["n"].transform("sum")
    else:
        totals = counts["n"].sum()
    counts["share"] = counts["n"] / totals
    counts = counts[counts["n"] >= min_count]
    counts = counts.astype({"n": "int64", "n_articles": "int64", "share": "float64", "term": "object"})
    counts = sort_rows(counts[columns], keys[:-1] + ["n", "term"], [True] * len(by) + [False, True])
    return top_rows(counts, by, top)
