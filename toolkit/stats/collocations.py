"""Recurrent word pairs and triples (collocations) with PMI and log-likelihood G² (notebook 01).

The stages of :func:`collocations`: the word table as integer codes (:class:`_Codes`), the
runs of adjacent tokens inside one segment, their counts per group, then the association
of each n-gram with its words' unigram counts, and the labelled, sorted table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from toolkit._checks import renamed, require_choice
from toolkit.stats.words import attach_columns, check_articles, check_by, sort_rows, tokens_table, top_rows
from toolkit.text import log_likelihood

#: Columns of :func:`collocations`, after the ``by`` columns.
COLLOCATION_COLUMNS = ["ngram", "n", "n_articles", "pmi", "g2"]


def collocations(
    articles: pd.DataFrame,
    *,
    ngram: int = 2,
    by: Sequence[str] | None = None,
    min_count: int = 2,
    stopwords: bool = True,
    top: int | None = 20,
    n: int | None = None,
) -> pd.DataFrame:
    """Find recurrent word pairs or triples, Voyant's "Collocates"/quanteda ``textstat_collocations``.

    N-grams are runs of adjacent word tokens inside one sentence-ish segment (see
    :func:`toolkit.stats.words.tokens_table`), so none spans a paragraph break or
    ``. ! ? ;``. Association is measured against the group's unigram counts (all tokens,
    stopwords included), as in NLTK's ``BigramAssocMeasures``/``TrigramAssocMeasures``:
    with N the tokens in the group and f(w) a word's count,
    ``pmi = log2(n · N^(k-1) / Π f(w_i))`` for a k-gram, and ``g2`` is the log-likelihood
    ratio over the 2×2 (bigram) or 2×2×2 (trigram) contingency table, with expected counts
    under independence of the words (for trigrams the table also uses the two inner bigram
    counts and the skip-bigram count of w1 _ w3).

    Args:
        articles: One row per article; needs NEEDS_ARTICLES plus any ``by`` column.
        ngram: The n-gram length: 2 (bigrams) or 3 (trigrams).
        by: Article columns to compute collocations within (``None`` for the corpus).
        min_count: Drop n-grams seen fewer times than this in a group.
        stopwords: Drop n-grams that start or end with a stopword.
        top: Keep only the ``top`` n-grams by ``g2`` per group (``None`` keeps all).
        n: Former name of ``ngram`` (FutureWarning; removed in the next release).

    Returns:
        One row per (*by, ``ngram``), sorted by the ``by`` columns, then ``g2`` descending,
        then ``ngram``, with columns *by, ``ngram`` (str, terms joined by a space), ``n``
        (int, occurrences), ``n_articles`` (int), ``pmi`` (float) and ``g2`` (float).

    Raises:
        ValueError: ``articles`` lacks a column, ``ngram`` is not 2 or 3, or ``by`` names a
            column ``articles`` lacks.

    Example:
        >>> collocations(articles, ngram=2, min_count=2, top=15)
    """
    if n is not None:
        ngram = renamed("n", "ngram", n, function="collocations")
    check_articles(articles)
    require_choice(ngram, (2, 3), name="ngram")
    by = check_by(articles, by, reserved=COLLOCATION_COLUMNS)
    columns = [*by, *COLLOCATION_COLUMNS]
    tokens = attach_columns(tokens_table(articles), articles, by)
    codes = _encode(tokens, by)
    counted = _count_ngrams(codes, ngram, stopwords=stopwords, min_count=min_count)
    if counted.empty:
        empty = {c: pd.Series(dtype="object") for c in by}
        empty.update(ngram=pd.Series(dtype="object"), n=pd.Series(dtype="int64"),
                     n_articles=pd.Series(dtype="int64"), pmi=pd.Series(dtype="float64"),
                     g2=pd.Series(dtype="float64"))
        return pd.DataFrame(empty, columns=columns)
    pmi, g2 = _association(codes, counted, ngram)
    result = _labelled(codes, counted, ngram, pmi, g2, tokens, by)
    result = sort_rows(result[columns], [*by, "g2", "ngram"], [True] * len(by) + [False, True])
    return top_rows(result, by, top)


# --- stages -------------------------------------------------------------------------


class _Codes(NamedTuple):
    """The word table as integer arrays, one entry per token."""

    groups: np.ndarray  # group number (all 0 without `by`)
    words: np.ndarray  # code of the term in `vocabulary`
    vocabulary: np.ndarray  # the term of each code
    documents: np.ndarray  # code of the article
    segments: np.ndarray  # segment_id
    stop: np.ndarray  # is_stopword


def _encode(tokens: pd.DataFrame, by: Sequence[str]) -> _Codes:
    """Code the word table's groups, terms and articles as integers."""
    if by:
        groups = tokens.groupby(list(by), dropna=False, sort=False).ngroup().to_numpy(dtype=np.int64)
    else:
        groups = np.zeros(len(tokens), dtype=np.int64)
    words, vocabulary = pd.factorize(tokens["term"])
    return _Codes(
        groups=groups, words=words, vocabulary=np.asarray(vocabulary, dtype=object),
        documents=pd.factorize(tokens["article_id"])[0],
        segments=tokens["segment_id"].to_numpy(dtype=np.int64),
        stop=tokens["is_stopword"].to_numpy(dtype=bool),
    )


def _run_starts(codes: _Codes, length: int) -> np.ndarray:
    """Rows where ``length`` consecutive tokens share article and segment."""
    size = len(codes.words)
    if size < length:
        return np.empty(0, dtype=np.int64)
    last = size - length + 1
    ok = np.ones(last, dtype=bool)
    for k in range(1, length):
        ok &= codes.documents[k:k + last] == codes.documents[:last]
        ok &= codes.segments[k:k + last] == codes.segments[:last]
    return np.flatnonzero(ok)


def _count_ngrams(codes: _Codes, ngram: int, *, stopwords: bool, min_count: int) -> pd.DataFrame:
    """Occurrences and articles of each n-gram per group: columns ``g``, ``w0``.., ``n``, ``n_articles``."""
    rows = _run_starts(codes, ngram)
    if stopwords:
        rows = rows[~codes.stop[rows] & ~codes.stop[rows + ngram - 1]]
    grams = pd.DataFrame({
        "g": codes.groups[rows], "a": codes.documents[rows],
        **{f"w{i}": codes.words[rows + i] for i in range(ngram)},
    })
    counted = grams.groupby(["g", *(f"w{i}" for i in range(ngram))], sort=False).agg(
        n=("a", "size"), n_articles=("a", "nunique")
    ).reset_index()
    return counted[counted["n"] >= min_count]


def _association(codes: _Codes, counted: pd.DataFrame, ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """PMI and G² of each counted n-gram against its group's unigram counts."""
    unigrams = pd.Series(1, index=pd.MultiIndex.from_arrays([codes.groups, codes.words])).groupby(level=[0, 1]).size()
    total = np.bincount(codes.groups).astype(float)[counted["g"].to_numpy()]
    observed_n = counted["n"].to_numpy(dtype=float)
    f = [
        unigrams.reindex(pd.MultiIndex.from_arrays([counted["g"], counted[f"w{i}"]])).to_numpy(dtype=float)
        for i in range(ngram)
    ]
    with np.errstate(divide="ignore"):
        pmi = np.log2(observed_n) + (ngram - 1) * np.log2(total) - np.sum(np.log2(f), axis=0)
    if ngram == 2:
        g2 = _bigram_g2(observed_n, f, total)
    else:
        g2 = _trigram_g2(codes, counted, observed_n, f, total)
    return pmi, g2


def _bigram_g2(o11: np.ndarray, f: list[np.ndarray], total: np.ndarray) -> np.ndarray:
    """G² over the 2×2 table of a bigram's count ``o11`` and its words' counts ``f``."""
    o12, o21 = f[0] - o11, f[1] - o11
    o22 = total - f[0] - f[1] + o11
    p1, p2 = f[0] / total, f[1] / total
    expected = [total * p1 * p2, total * p1 * (1 - p2), total * (1 - p1) * p2,
                total * (1 - p1) * (1 - p2)]
    return log_likelihood([o11, o12, o21, o22], expected)


def _trigram_g2(codes: _Codes, counted: pd.DataFrame, n_iii: np.ndarray, f: list[np.ndarray],
                total: np.ndarray) -> np.ndarray:
    """G² over the 2×2×2 table of a trigram, from its count, its inner (skip-)bigrams and its words."""
    bigrams = _count_tuples(codes, _run_starts(codes, 2), (0, 1))
    skips = _count_tuples(codes, _run_starts(codes, 3), (0, 2))
    n_iix = _pair_counts(bigrams, counted, "w0", "w1")
    n_xii = _pair_counts(bigrams, counted, "w1", "w2")
    n_ixi = _pair_counts(skips, counted, "w0", "w2")
    observed = [
        n_iii, n_iix - n_iii, n_ixi - n_iii, n_xii - n_iii,
        f[0] - n_iix - n_ixi + n_iii, f[1] - n_iix - n_xii + n_iii, f[2] - n_ixi - n_xii + n_iii,
        total - f[0] - f[1] - f[2] + n_iix + n_ixi + n_xii - n_iii,
    ]
    p = [fi / total for fi in f]
    q = [1 - pi for pi in p]
    expected = [
        total * p[0] * p[1] * p[2], total * p[0] * p[1] * q[2], total * p[0] * q[1] * p[2],
        total * q[0] * p[1] * p[2], total * p[0] * q[1] * q[2], total * q[0] * p[1] * q[2],
        total * q[0] * q[1] * p[2], total * q[0] * q[1] * q[2],
    ]
    return log_likelihood(observed, expected)


def _count_tuples(codes: _Codes, rows: np.ndarray, offsets: Sequence[int]) -> pd.DataFrame:
    """Count word tuples at ``rows + offsets`` per group: columns ``g``, ``w0``.., ``count``."""
    keys = {"g": codes.groups[rows], **{f"w{i}": codes.words[rows + o] for i, o in enumerate(offsets)}}
    return pd.DataFrame(keys).value_counts().rename("count").reset_index()


def _pair_counts(table: pd.DataFrame, counted: pd.DataFrame, left: str, right: str) -> np.ndarray:
    """Count in ``table`` of each counted n-gram's (left, right) word pair, in its group (0 when unseen)."""
    index = pd.MultiIndex.from_frame(table[["g", "w0", "w1"]])
    series = pd.Series(table["count"].to_numpy(), index=index)
    wanted = pd.MultiIndex.from_arrays([counted["g"], counted[left], counted[right]])
    return series.reindex(wanted).fillna(0).to_numpy(dtype=float)


def _labelled(codes: _Codes, counted: pd.DataFrame, ngram: int, pmi: np.ndarray, g2: np.ndarray,
              tokens: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """The result rows: n-grams spelled out, with their ``by`` labels."""
    spelled = pd.Series(codes.vocabulary[counted["w0"].to_numpy()], dtype="object")
    for i in range(1, ngram):
        spelled = spelled + " " + codes.vocabulary[counted[f"w{i}"].to_numpy()]
    result = pd.DataFrame({
        "g": counted["g"].to_numpy(), "ngram": spelled.to_numpy(dtype=object),
        "n": counted["n"].to_numpy(dtype=np.int64), "n_articles": counted["n_articles"].to_numpy(dtype=np.int64),
        "pmi": pmi.astype(float), "g2": g2.astype(float),
    })
    if by:
        labels = tokens[list(by)].assign(g=codes.groups).drop_duplicates("g")
        result = result.merge(labels, on="g", how="left", validate="many_to_one")
    return result
