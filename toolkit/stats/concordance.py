"""Where terms occur: keywords in context (KWIC) and their dispersion along each article (notebook 01).

Queries are matched against the word table of :func:`toolkit.stats.words.tokens_table`:
exactly (case- and apostrophe-insensitive), by prefix, or by simplemma lemma in each
article's language, so one call can search ``["coopération", "cooperation"]`` across
French and English articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from toolkit._checks import require_choice
from toolkit.stats.words import check_articles, sort_rows, tokens_table
from toolkit.text import SPACES, language_codes, lemma, normalise_terms, tokenize_words

#: Columns of :func:`keyword_in_context`.
KWIC_COLUMNS = [
    "article_id", "language", "outlet", "start_char", "end_char", "left", "keyword", "right", "query",
]
#: Columns of :func:`dispersion`.
DISPERSION_COLUMNS = [
    "article_id", "term", "token_index", "relative_position", "start_char", "end_char",
]
#: Ways a query can match a token.
MATCH_MODES = ("lemma", "exact", "prefix")


# --- matching queries against tokens ------------------------------------------------


def _as_variants(query, *, name: str) -> list[str]:
    """Turn a query (str or list/tuple of str) into a non-empty list of strings."""
    variants = [query] if isinstance(query, str) else query
    if not isinstance(variants, (list, tuple)) or not variants or not all(
        isinstance(v, str) and v.strip() for v in variants
    ):
        raise ValueError(f"`{name}` must be a non-empty str or list of str, got {query!r}")
    return list(variants)


def _find(tokens: pd.DataFrame, queries: list[tuple[str, list[str]]], match: str) -> pd.DataFrame:
    """Locate query hits in ``tokens`` (sorted by article, token).

    A query of several words ("sécurité publique") matches that many consecutive tokens of
    one article. Returns one row per (label, first token) with ``row`` and ``last_row``
    (positions in ``tokens``), ``label`` and ``variant`` (the first variant that matched).
    """
    n_tokens = len(tokens)
    # Compare distinct terms (and their lemmas), then broadcast to tokens by code.
    codes, uniques = pd.factorize(tokens["term"])
    uniques = pd.Series(uniques, dtype="object")
    unique_values = uniques.to_numpy(dtype=object)
    languages = language_codes(tokens["language"])
    articles_codes = pd.factorize(tokens["article_id"])[0]
    by_language = {}
    for lang in pd.unique(languages):
        rows = languages == lang
        lemmas = None
        if match == "lemma":
            present = np.unique(codes[rows])
            lemmas = np.empty(len(unique_values), dtype=object)
            lemmas[present] = [lemma(t, lang) for t in unique_values[present]]
        by_language[lang] = (rows, lemmas)
    found = []
    for label, variants in queries:
        for variant in variants:
            for lang, (rows, lemmas) in by_language.items():
                words = normalise_terms(
                    pd.Series([w for w, _, _ in tokenize_words(variant, language=lang)], dtype="object")
                ).tolist()
                if not words:
                    continue
                hit = rows.copy()
                for offset, word in enumerate(words):
                    if match == "prefix":
                        ok = uniques.str.startswith(word).to_numpy(dtype=bool)
                    else:
                        ok = unique_values == word
                        if match == "lemma":
                            ok = ok | (lemmas == lemma(word, lang))
                    ok = ok[codes]
                    shifted = np.zeros(n_tokens, dtype=bool)
                    if offset < n_tokens:
                        shifted[: n_tokens - offset] = ok[offset:] & (
                            articles_codes[offset:] == articles_codes[: n_tokens - offset]
                        )
                    hit &= shifted
                rows_hit = np.flatnonzero(hit)
                found.append(pd.DataFrame({
                    "row": rows_hit, "last_row": rows_hit + len(words) - 1,
                    "label": label, "variant": variant,
                }))
    hits = pd.concat(found, ignore_index=True) if found else pd.DataFrame(
        {"row": pd.Series(dtype="int64"), "last_row": pd.Series(dtype="int64"),
         "label": pd.Series(dtype="object"), "variant": pd.Series(dtype="object")}
    )
    return hits.drop_duplicates(["label", "row"], keep="first").reset_index(drop=True)



def keyword_in_context(
    articles: pd.DataFrame,
    term: str | Sequence[str],
    *,
    window: int = 6,
    match: str = "lemma",
) -> pd.DataFrame:
    """List every occurrence of a term with its context, Voyant's "Contexts" panel (quanteda ``kwic``).

    Args:
        articles: One row per article; needs NEEDS_ARTICLES.
        term: The query, or a list/tuple of variants searched together so one call spans
            languages (``["coopération", "cooperation"]``). A variant of several words
            matches consecutive tokens.
        window: Words of context on each side (within the article).
        match: ``"exact"`` compares normalised terms (case- and apostrophe-insensitive);
            ``"prefix"`` matches terms starting with the query; ``"lemma"`` (default) also
            matches when the simplemma lemma of the token, in the article's language, equals
            the lemma of the query in that language (so "coopération" finds "coopérations").

    Returns:
        One row per hit, sorted by ``article_id`` then ``start_char``, with columns
        ``article_id`` (str), ``language``, ``outlet``, ``start_char`` and ``end_char``
        (int, the hit in ``articles.text``), ``left`` (str, up to ``window`` words before,
        as written, whitespace collapsed), ``keyword`` (str, ``text[start_char:end_char]``),
        ``right`` (str, up to ``window`` words after), ``query`` (str, the variant that
        matched).

    Raises:
        ValueError: ``articles`` lacks a column, ``term`` is empty, ``match`` is unknown or
            ``window`` is negative.

    Example:
        >>> keyword_in_context(articles, ["coopération", "cooperation"], window=5)
    """
    check_articles(articles)
    require_choice(match, MATCH_MODES, name="match")
    if not isinstance(window, (int, np.integer)) or window < 0:
        raise ValueError(f"`window` must be a non-negative int, got {window!r}")
    variants = _as_variants(term, name="term")
    tokens = tokens_table(articles)
    hits = _find(tokens, [("", variants)], match)
    if hits.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c.endswith("_char") else "object") for c in KWIC_COLUMNS})
    codes = pd.factorize(tokens["article_id"])[0]
    first = np.searchsorted(codes, codes, side="left")
    last = np.searchsorted(codes, codes, side="right") - 1
    starts, ends = tokens["start_char"].to_numpy(), tokens["end_char"].to_numpy()
    row, last_row = hits["row"].to_numpy(), hits["last_row"].to_numpy()
    left_start = starts[np.maximum(row - window, first[row])]
    right_end = ends[np.minimum(last_row + window, last[row])]
    hit_start, hit_end = starts[row], ends[last_row]
    texts = dict(zip(articles["article_id"].astype(str), articles["text"]))
    article_ids = tokens["article_id"].to_numpy(dtype=object)[row]
    left, keyword, right = [], [], []
    for article_id, ls, hs, he, rend in zip(article_ids, left_start, hit_start, hit_end, right_end):
        text = texts[article_id]
        left.append(SPACES.sub(" ", text[ls:hs]).strip() if window else "")
        keyword.append(text[hs:he])
        right.append(SPACES.sub(" ", text[he:rend]).strip() if window else "")
    kwic = pd.DataFrame({
        "article_id": article_ids,
        "language": tokens["language"].to_numpy(dtype=object)[row],
        "outlet": tokens["outlet"].to_numpy(dtype=object)[row],
        "start_char": hit_start.astype(np.int64),
        "end_char": hit_end.astype(np.int64),
        "left": left, "keyword": keyword, "right": right,
        "query": hits["variant"].to_numpy(dtype=object),
    }, columns=KWIC_COLUMNS)
    return sort_rows(kwic, ["article_id", "start_char", "end_char"], [True, True, True])


def dispersion(
    articles: pd.DataFrame,
    terms: str | Sequence[str] | Mapping[str, str | Sequence[str]],
    *,
    match: str = "lemma",
) -> pd.DataFrame:
    """Locate every hit of some terms along each article, for a dispersion (lexical) plot.

    This is the table behind Voyant's "Trends"/NLTK's ``dispersion_plot``: one mark per hit,
    placed by its relative position in the article.

    Args:
        articles: One row per article; needs NEEDS_ARTICLES.
        terms: A term, a list of terms (each its own label), or a dict mapping a label to
            one or several cross-language variants
            (``{"sécurité / security": ["sécurité", "security"]}``).
        match: ``"lemma"``, ``"exact"`` or ``"prefix"``, as in :func:`keyword_in_context`.

    Returns:
        One row per (label, hit), sorted by ``article_id``, ``token_index`` and ``term``,
        with columns ``article_id`` (str), ``term`` (str, the label that matched),
        ``token_index`` (int, ``token_id`` of the hit's first token), ``relative_position``
        (float in [0, 1]: ``token_index / (words in article - 1)``, 0 for one-word
        articles), ``start_char`` and ``end_char`` (int, offsets into ``articles.text``).
        Articles without hits have no rows; take the lanes of the plot from ``articles``.

    Raises:
        ValueError: ``articles`` lacks a column, ``terms`` is empty or ``match`` is unknown.

    Example:
        >>> dispersion(articles, {"security": ["sécurité", "security"], "Cuba": "Cuba"})
    """
    check_articles(articles)
    require_choice(match, MATCH_MODES, name="match")
    if isinstance(terms, Mapping):
        if not terms:
            raise ValueError(f"`terms` must not be empty, got {terms!r}")
        queries = [(str(label), _as_variants(v, name="terms")) for label, v in terms.items()]
    else:
        queries = [(v, [v]) for v in _as_variants(terms, name="terms")]
    tokens = tokens_table(articles)
    hits = _find(tokens, queries, match)
    codes = pd.factorize(tokens["article_id"])[0]
    n_words = np.bincount(codes, minlength=codes.max() + 1 if len(codes) else 0)
    row, last_row = hits["row"].to_numpy(dtype=np.int64), hits["last_row"].to_numpy(dtype=np.int64)
    token_index = tokens["token_id"].to_numpy(dtype=np.int64)[row]
    span = np.maximum(n_words[codes[row]] - 1, 1).astype(float)
    result = pd.DataFrame({
        "article_id": pd.Series(tokens["article_id"].to_numpy(dtype=object)[row], dtype="object"),
        "term": pd.Series(hits["label"].to_numpy(dtype=object), dtype="object"),
        "token_index": token_index,
        "relative_position": token_index / span,
        "start_char": tokens["start_char"].to_numpy(dtype=np.int64)[row],
        "end_char": tokens["end_char"].to_numpy(dtype=np.int64)[last_row],
    }, columns=DISPERSION_COLUMNS)
    return sort_rows(result, ["article_id", "token_index", "term"], [True, True, True])
