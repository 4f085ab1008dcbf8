"""Summaries of a corpus for the top of notebook 01: one row per article, or one table for the whole corpus."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from toolkit.schema import require_columns
from toolkit.stats.words import check_articles, sort_rows, tokens_table
from toolkit.text import sentence_spans, tokenize_words

#: Columns :func:`article_summary` and :func:`summarise_corpus` need in ``removed`` (the loader's audit).
NEEDS_REMOVED = ["article_id", "text"]
#: Columns of :func:`article_summary`.
ARTICLE_SUMMARY_COLUMNS = [
    "article_id", "outlet", "language", "published", "n_words", "n_sentences",
    "n_types", "type_token_ratio", "n_words_removed",
]
#: Columns of :func:`summarise_corpus`.
CORPUS_SUMMARY_COLUMNS = ["statistic", "value"]
#: Statistics reported by :func:`summarise_corpus`, in order.
CORPUS_STATISTICS = [
    "articles", "outlets", "outlet countries", "languages", "date range",
    "words", "sentences", "vocabulary", "words removed as boilerplate",
]


def article_summary(articles: pd.DataFrame, *, removed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Summarise each article, Voyant's "Summary" panel (quanteda ``summary(corpus)``).

    Args:
        articles: One row per article; needs NEEDS_ARTICLES (``published`` is used when
            present).
        removed: The loader's audit of cleaned-away spans (columns ``article_id``,
            ``start_char``, ``end_char``, ``reason``, ``text``; only ``article_id`` and
            ``text`` are needed), or ``None``.

    Returns:
        One row per article, sorted by ``article_id``, with columns ``article_id`` (str),
        ``outlet``, ``language``, ``published`` (as in ``articles``; NA when absent),
        ``n_words`` (int, word tokens from :func:`toolkit.text.tokenize_words`, so an
        elided clitic such as ``l'`` counts as a word), ``n_sentences`` (int,
        sentences holding a word, by :func:`toolkit.compare.split_sentences`' rule: "Mr. Smith"
        or "U.S. Army" end none; :func:`toolkit.annotate`'s parser may count a few more or less),
        ``n_types`` (int, distinct lower-cased terms), ``type_token_ratio`` (float,
        ``n_types / n_words``; NaN without words), ``n_words_removed`` (int, words in the
        article's ``removed.text`` spans; 0 when none).

    Raises:
        ValueError: ``articles`` or ``removed`` lacks a column.

    Example:
        >>> article_summary(articles, removed=removed)
    """
    _check_tables(articles, removed)
    return _per_article(articles, tokens_table(articles), removed)


def corpus_summary(articles: pd.DataFrame, *, removed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Former name of :func:`article_summary` (one row per article); warns with a FutureWarning.

    Renamed so that it is not mistaken for :func:`summarise_corpus` (one table for the corpus).
    """
    warnings.warn("corpus_summary(...) is now article_summary(...) (one row per article; the "
                  "whole-corpus table is summarise_corpus); `corpus_summary` will be removed in the "
                  "next release", FutureWarning, stacklevel=2)
    return article_summary(articles, removed=removed)


def _check_tables(articles: pd.DataFrame, removed: pd.DataFrame | None) -> None:
    """Check ``articles`` (NEEDS_ARTICLES, unique ids) and ``removed`` (NEEDS_REMOVED) when given."""
    check_articles(articles)
    if removed is not None:
        require_columns(removed, NEEDS_REMOVED, name="removed")


def _sentence_counts(articles: pd.DataFrame, tokens: pd.DataFrame) -> pd.Series:
    """Per article id, the sentences (:func:`toolkit.text.sentence_spans`) in which a word of ``tokens`` starts."""
    text_of = dict(zip(articles["article_id"].astype(str), articles["text"]))
    counts = {}
    for article_id, starts in tokens.groupby("article_id", sort=False)["start_char"]:
        ends = np.array([end for _, _, end in sentence_spans(text_of[article_id])], dtype=np.int64)
        counts[article_id] = len(np.unique(np.searchsorted(ends, starts.to_numpy(), side="right")))
    return pd.Series(counts, dtype="int64")


def _per_article(articles: pd.DataFrame, tokens: pd.DataFrame, removed: pd.DataFrame | None) -> pd.DataFrame:
    """Body of :func:`article_summary`, reusing an already built word table."""
    per_article = tokens.groupby("article_id").agg(n_words=("token_id", "size"), n_types=("term", "nunique"))
    per_article["n_sentences"] = _sentence_counts(articles, tokens)
    summary = pd.DataFrame({
        "article_id": articles["article_id"].astype(str).to_numpy(dtype=object),
        "outlet": articles["outlet"].to_numpy(dtype=object),
        "language": articles["language"].to_numpy(dtype=object),
        "published": articles["published"].to_numpy() if "published" in articles else pd.NA,
    })
    summary = summary.join(per_article, on="article_id")
    for column in ("n_words", "n_sentences", "n_types"):
        summary[column] = summary[column].fillna(0).astype("int64")
    summary["type_token_ratio"] = summary["n_types"] / summary["n_words"].where(summary["n_words"] > 0)
    summary["type_token_ratio"] = summary["type_token_ratio"].astype("float64")
    summary["n_words_removed"] = np.int64(0)
    if removed is not None and len(removed):
        language_of = dict(zip(summary["article_id"], summary["language"]))
        removed_ids = removed["article_id"].astype(str)
        words = [
            len(tokenize_words(text, language=language_of.get(article_id)))
            for article_id, text in zip(removed_ids, removed["text"])
        ]
        per_article_removed = pd.Series(words, dtype="int64").groupby(removed_ids.to_numpy()).sum()
        summary["n_words_removed"] = (
            summary["article_id"].map(per_article_removed).fillna(0).astype("int64")
        )
    return sort_rows(summary[ARTICLE_SUMMARY_COLUMNS], ["article_id"], [True])


def _tally(values: pd.Series) -> str:
    """Format counts of the non-missing values as "fr 4, en 1" (most frequent first)."""
    counts = values.dropna().astype(str).value_counts()
    if counts.empty:
        return "unknown"
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{name} {count}" for name, count in ordered)


def _date_range(articles: pd.DataFrame) -> str:
    """"YYYY-MM-DD – YYYY-MM-DD" over ``published`` ("(n undated)" appended when some lack one), or "unknown"."""
    if "published" not in articles:
        return "unknown"
    published = pd.to_datetime(pd.Series(articles["published"], dtype="object"), errors="coerce", format="mixed")
    if not published.notna().any():
        return "unknown"
    date_range = f"{published.min():%Y-%m-%d} – {published.max():%Y-%m-%d}"
    if published.isna().any():
        date_range += f" ({int(published.isna().sum())} undated)"
    return date_range


def summarise_corpus(articles: pd.DataFrame, *, removed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Describe the whole corpus in one small table for the top of notebook 01.

    Args:
        articles: One row per article; needs NEEDS_ARTICLES (``published`` and
            ``outlet_country`` are used when present).
        removed: The loader's audit of cleaned-away spans, or ``None`` (see
            :func:`article_summary`).

    Returns:
        One row per statistic, in the order of CORPUS_STATISTICS, with columns
        ``statistic`` (str) and ``value`` (str): ``articles``; ``outlets`` (distinct
        non-missing outlets); ``outlet countries`` (articles per ``outlet_country``, e.g.
        "Viet Nam 4, Cuba 1"; "unknown" without that column); ``languages`` (articles per
        language, e.g. "fr 4, en 1"); ``date range`` ("YYYY-MM-DD – YYYY-MM-DD" over
        ``published``, with "(n undated)" appended when some are missing, "unknown" when
        all are); ``words``, ``sentences`` and ``words removed as boilerplate`` (sums of
        :func:`article_summary`); ``vocabulary`` (distinct lower-cased terms in the corpus).

    Raises:
        ValueError: ``articles`` or ``removed`` lacks a column.

    Example:
        >>> summarise_corpus(articles, removed=removed)
    """
    _check_tables(articles, removed)
    tokens = tokens_table(articles)
    summary = _per_article(articles, tokens, removed)
    countries = _tally(articles["outlet_country"]) if "outlet_country" in articles else "unknown"
    values = [
        len(summary),
        articles["outlet"].dropna().nunique(),
        countries,
        _tally(articles["language"]),
        _date_range(articles),
        summary["n_words"].sum(),
        summary["n_sentences"].sum(),
        tokens["term"].nunique(),
        summary["n_words_removed"].sum(),
    ]
    return pd.DataFrame(
        {"statistic": CORPUS_STATISTICS, "value": [str(v) for v in values]}, columns=CORPUS_SUMMARY_COLUMNS
    )
