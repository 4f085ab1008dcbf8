"""Describe ``articles`` with a fast regex tokenizer: terms, contexts, collocations, similarity (notebook 01).

This module sits right after ``load_corpus`` and needs no NLP engine: it turns ``articles``
into word tokens with character offsets into ``articles.text`` and derives the tables behind
a Voyant-style corpus overview (summary, terms, contexts, collocates, dispersion) and
quanteda-style ``textstat_*`` measures. Lemmas come from simplemma, per article language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from toolkit._checks import refuse_quadratic, require_choice
from toolkit.schema import require_columns
from toolkit.text import (
    SPACES,
    SEGMENT_BOUNDARY,
    log_likelihood,
    language_code,
    language_codes,
    lemma,
    lemmatize_terms,
    load_stopwords,
    normalise_terms,
    split_words,
    stopword_mask,
    tokenize_words,
)

#: Columns every function here needs in ``articles``.
ARTICLE_COLUMNS = ["article_id", "text", "language", "outlet"]
#: Columns :func:`corpus_summary` needs in ``removed`` (the loader's boilerplate audit).
REMOVED_COLUMNS = ["article_id", "text"]
#: Columns of :func:`tokens_table`.
TOKEN_COLUMNS = [
    "article_id", "token_id", "segment_id", "start_char", "end_char",
    "text", "term", "is_stopword", "language", "outlet",
]
#: Columns of :func:`term_frequencies`, after the ``by`` columns.
TERM_COLUMNS = ["term", "n", "share", "n_articles"]
#: Columns of :func:`keyword_in_context`.
KWIC_COLUMNS = [
    "article_id", "language", "outlet", "start_char", "end_char", "left", "keyword", "right", "query",
]
#: Columns of :func:`collocations`, after the ``by`` columns.
COLLOCATION_COLUMNS = ["ngram", "n", "n_articles", "pmi", "g2"]
#: Columns of :func:`dispersion`.
DISPERSION_COLUMNS = [
    "article_id", "term", "token_index", "relative_position", "start_char", "end_char",
]
#: Columns of :func:`corpus_summary`.
ARTICLE_SUMMARY_COLUMNS = [
    "article_id", "outlet", "language", "published", "n_words", "n_sentences",
    "n_types", "type_token_ratio", "n_words_removed",
]
#: Columns of :func:`summarise_corpus`.
CORPUS_SUMMARY_COLUMNS = ["statistic", "value"]
#: Ways a query can match a token.
MATCH_MODES = ("lemma", "exact", "prefix")
#: Statistics reported by :func:`summarise_corpus`, in order.
CORPUS_STATISTICS = [
    "articles", "outlets", "outlet countries", "languages", "date range",
    "words", "sentences", "vocabulary", "words removed as boilerplate",
]

def _check_articles(articles: pd.DataFrame) -> None:
    """Check ``articles`` has the needed columns and one row per ``article_id``."""
    require_columns(articles, ARTICLE_COLUMNS, name="articles")
    duplicated = articles["article_id"][articles["article_id"].duplicated()]
    if len(duplicated):
        raise ValueError(
            f"`articles.article_id` must be unique, got duplicates {sorted(map(str, duplicated))[:5]}"
        )


def _check_by(articles: pd.DataFrame, by, *, reserved: Sequence[str]) -> tuple[str, ...]:
    """Return ``by`` as a tuple of article columns, or raise naming the allowed ones."""
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


def _attach(tokens: pd.DataFrame, articles: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Add article-level ``columns`` that ``tokens`` lacks, by ``article_id``."""
    extra = [c for c in columns if c not in tokens.columns]
    if not extra:
        return tokens
    lookup = articles[["article_id", *extra]].assign(article_id=articles["article_id"].astype(str))
    return tokens.merge(lookup, on="article_id", how="left", validate="many_to_one")


def _sort(frame: pd.DataFrame, keys: Sequence[str], ascending: Sequence[bool]) -> pd.DataFrame:
    """Sort deterministically (stable, missing values last) and reset the index."""
    if not keys:
        return frame.reset_index(drop=True)
    return frame.sort_values(
        list(keys), ascending=list(ascending), na_position="last", kind="mergesort"
    ).reset_index(drop=True)


# --- tokens and term counts ----------------------------------------------------------


def tokens_table(articles: pd.DataFrame, *, lowercase: bool = True) -> pd.DataFrame:
    """Tokenize every article into a tidy table of word tokens.

    Args:
        articles: One row per article; needs ARTICLE_COLUMNS (``outlet`` may be NA).
        lowercase: Lower-case ``term``. Stopwords are matched case-insensitively either way.

    Returns:
        One row per word token (see :func:`tokenize_words`), sorted by ``article_id``
        and ``token_id``, with columns ``article_id`` (str), ``token_id`` (int, 0-based
        position in the article), ``segment_id`` (int, 0-based sentence-ish segment:
        segments end at a blank line, ``;`` or ``. ! ? …``), ``start_char`` and
        ``end_char`` (int, offsets into ``articles.text``), ``text`` (str, as written),
        ``term`` (str, NFC, apostrophes as ``'``, lower-cased; elided clitics stay
        ``"l'"``), ``is_stopword`` (bool, by the article's language; languages without a
        list have none), ``language`` and ``outlet`` (copied from ``articles``).

    Raises:
        ValueError: ``articles`` lacks a column or repeats an ``article_id``.

    Example:
        >>> tokens_table(articles)[["article_id", "text", "term", "is_stopword"]].head()
    """
    _check_articles(articles)
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
        boundaries = np.fromiter((m.start() for m in SEGMENT_BOUNDARY.finditer(text)), dtype=np.int64)
        raw_segments = np.searchsorted(boundaries, begin, side="right")
        # Several boundaries can fall between two words ("?!" + blank line); number densely.
        segments.append(np.unique(raw_segments, return_inverse=True)[1].astype(np.int64))
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
    }, columns=TOKEN_COLUMNS)
    return tokens.reset_index(drop=True)


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
        articles: One row per article; needs ARTICLE_COLUMNS plus any ``by`` column.
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
    _check_articles(articles)
    by = _check_by(articles, by, reserved=TERM_COLUMNS)
    columns = [*by, *TERM_COLUMNS]
    tokens = _attach(tokens_table(articles), articles, by)
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
    counts = _sort(counts[columns], keys[:-1] + ["n", "term"], [True] * len(by) + [False, True])
    if top is not None:
        counts = counts.groupby(list(by), dropna=False, sort=False).head(top) if by else counts.head(top)
    return counts.reset_index(drop=True)


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
        articles: One row per article; needs ARTICLE_COLUMNS.
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
    _check_articles(articles)
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
    return _sort(kwic, ["article_id", "start_char", "end_char"], [True, True, True])


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
        articles: One row per article; needs ARTICLE_COLUMNS.
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
    _check_articles(articles)
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
    return _sort(result, ["article_id", "token_index", "term"], [True, True, True])


# --- collocations ------------------------------------------------------------------




def collocations(
    articles: pd.DataFrame,
    *,
    n: int = 2,
    by: Sequence[str] | None = None,
    min_count: int = 2,
    stopwords: bool = True,
    top: int | None = 20,
) -> pd.DataFrame:
    """Find recurrent word pairs or triples, Voyant's "Collocates"/quanteda ``textstat_collocations``.

    N-grams are runs of adjacent word tokens inside one sentence-ish segment (see
    :func:`tokens_table`), so none spans a paragraph break or ``. ! ? ;``. Association is
    measured against the group's unigram counts (all tokens, stopwords included), as in
    NLTK's ``BigramAssocMeasures``/``TrigramAssocMeasures``: with N the tokens in the group
    and f(w) a word's count, ``pmi = log2(n · N^(k-1) / Π f(w_i))`` for a k-gram, and ``g2``
    is the log-likelihood ratio over the 2×2 (bigram) or 2×2×2 (trigram) contingency
    table, with expected counts under independence of the words (for trigrams the table
    also uses the two inner bigram counts and the skip-bigram count of w1 _ w3).

    Args:
        articles: One row per article; needs ARTICLE_COLUMNS plus any ``by`` column.
        n: 2 (bigrams) or 3 (trigrams).
        by: Article columns to compute collocations within (``None`` for the corpus).
        min_count: Drop n-grams seen fewer times than this in a group.
        stopwords: Drop n-grams that start or end with a stopword.
        top: Keep only the ``top`` n-grams by ``g2`` per group (``None`` keeps all).

    Returns:
        One row per (*by, ``ngram``), sorted by the ``by`` columns, then ``g2`` descending,
        then ``ngram``, with columns *by, ``ngram`` (str, terms joined by a space), ``n``
        (int), ``n_articles`` (int), ``pmi`` (float) and ``g2`` (float).

    Raises:
        ValueError: ``articles`` lacks a column, ``n`` is not 2 or 3, or ``by`` names a
            column ``articles`` lacks.

    Example:
        >>> collocations(articles, n=2, min_count=2, top=15)
    """
    _check_articles(articles)
    require_choice(n, (2, 3), name="n")
    by = _check_by(articles, by, reserved=COLLOCATION_COLUMNS)
    columns = [*by, *COLLOCATION_COLUMNS]
    tokens = _attach(tokens_table(articles), articles, by)
    size = len(tokens)
    if by:
        groups = tokens.groupby(list(by), dropna=False, sort=False).ngroup().to_numpy(dtype=np.int64)
    else:
        groups = np.zeros(size, dtype=np.int64)
    words, vocabulary = pd.factorize(tokens["term"])
    articles_codes = pd.factorize(tokens["article_id"])[0]
    segments = tokens["segment_id"].to_numpy(dtype=np.int64)
    stop = tokens["is_stopword"].to_numpy(dtype=bool)

    def starts_of(length: int) -> np.ndarray:
        """Rows where ``length`` consecutive tokens share article and segment."""
        if size < length:
            return np.empty(0, dtype=np.int64)
        last = size - length + 1
        ok = np.ones(last, dtype=bool)
        for k in range(1, length):
            ok &= articles_codes[k:k + last] == articles_codes[:last]
            ok &= segments[k:k + last] == segments[:last]
        return np.flatnonzero(ok)

    def count(rows: np.ndarray, offsets: Sequence[int]) -> pd.DataFrame:
        """Count word tuples at ``rows + offsets`` per group."""
        keys = {"g": groups[rows], **{f"w{i}": words[rows + o] for i, o in enumerate(offsets)}}
        return pd.DataFrame(keys).value_counts().rename("count").reset_index()

    rows = starts_of(n)
    if stopwords:
        rows = rows[~stop[rows] & ~stop[rows + n - 1]]
    grams = pd.DataFrame({
        "g": groups[rows], "a": articles_codes[rows],
        **{f"w{i}": words[rows + i] for i in range(n)},
    })
    word_keys = [f"w{i}" for i in range(n)]
    counted = grams.groupby(["g", *word_keys], sort=False).agg(
        n=("a", "size"), n_articles=("a", "nunique")
    ).reset_index()
    counted = counted[counted["n"] >= min_count]
    if counted.empty:
        empty = {c: pd.Series(dtype="object") for c in by}
        empty.update(ngram=pd.Series(dtype="object"), n=pd.Series(dtype="int64"),
                     n_articles=pd.Series(dtype="int64"), pmi=pd.Series(dtype="float64"),
                     g2=pd.Series(dtype="float64"))
        return pd.DataFrame(empty, columns=columns)

    unigrams = pd.Series(1, index=pd.MultiIndex.from_arrays([groups, words])).groupby(level=[0, 1]).size()
    total = np.bincount(groups).astype(float)[counted["g"].to_numpy()]
    observed_n = counted["n"].to_numpy(dtype=float)
    f = [
        unigrams.reindex(pd.MultiIndex.from_arrays([counted["g"], counted[w]])).to_numpy(dtype=float)
        for w in word_keys
    ]
    with np.errstate(divide="ignore"):
        pmi = np.log2(observed_n) + (n - 1) * np.log2(total) - np.sum(np.log2(f), axis=0)
    if n == 2:
        o11 = observed_n
        o12, o21 = f[0] - o11, f[1] - o11
        o22 = total - f[0] - f[1] + o11
        p1, p2 = f[0] / total, f[1] / total
        expected = [total * p1 * p2, total * p1 * (1 - p2), total * (1 - p1) * p2,
                    total * (1 - p1) * (1 - p2)]
        g2 = log_likelihood([o11, o12, o21, o22], expected)
    else:
        def lookup(table: pd.DataFrame, left: str, right: str) -> np.ndarray:
            """Count of the (left, right) word pair in ``counted``'s group."""
            index = pd.MultiIndex.from_frame(table[["g", "w0", "w1"]])
            series = pd.Series(table["count"].to_numpy(), index=index)
            wanted = pd.MultiIndex.from_arrays([counted["g"], counted[left], counted[right]])
            return series.reindex(wanted).fillna(0).to_numpy(dtype=float)

        bigrams = count(starts_of(2), (0, 1))
        skips = count(starts_of(3), (0, 2))
        n_iix, n_xii, n_ixi = lookup(bigrams, "w0", "w1"), lookup(bigrams, "w1", "w2"), lookup(skips, "w0", "w2")
        n_iii = observed_n
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
        g2 = log_likelihood(observed, expected)

    vocabulary = np.asarray(vocabulary, dtype=object)
    ngram = pd.Series(vocabulary[counted["w0"].to_numpy()], dtype="object")
    for w in word_keys[1:]:
        ngram = ngram + " " + vocabulary[counted[w].to_numpy()]
    result = pd.DataFrame({
        "g": counted["g"].to_numpy(), "ngram": ngram.to_numpy(dtype=object),
        "n": counted["n"].to_numpy(dtype=np.int64), "n_articles": counted["n_articles"].to_numpy(dtype=np.int64),
        "pmi": pmi.astype(float), "g2": g2.astype(float),
    })
    if by:
        labels = tokens[list(by)].assign(g=groups).drop_duplicates("g")
        result = result.merge(labels, on="g", how="left", validate="many_to_one")
    result = _sort(result[columns], [*by, "g2", "ngram"], [True] * len(by) + [False, True])
    if top is not None:
        result = result.groupby(list(by), dropna=False, sort=False).head(top) if by else result.head(top)
    return result.reset_index(drop=True)


# --- similarity and summaries ------------------------------------------------------


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


def corpus_summary(articles: pd.DataFrame, *, removed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Summarise each article, Voyant's "Summary" panel (quanteda ``summary(corpus)``).

    Args:
        articles: One row per article; needs ARTICLE_COLUMNS (``published`` is used when
            present).
        removed: The loader's audit of cleaned-away spans (columns ``article_id``,
            ``start_char``, ``end_char``, ``reason``, ``text``; only ``article_id`` and
            ``text`` are needed), or ``None``.

    Returns:
        One row per article, sorted by ``article_id``, with columns ``article_id`` (str),
        ``outlet``, ``language``, ``published`` (as in ``articles``; NA when absent),
        ``n_words`` (int, word tokens from :func:`tokenize_words`, so an elided clitic
        such as ``l'`` counts as a word), ``n_sentences`` (int, sentence-ish segments
        holding a word, see :func:`tokens_table`), ``n_types`` (int, distinct lower-cased
        terms), ``type_token_ratio`` (float, ``n_types / n_words``; NaN without words),
        ``n_words_removed`` (int, words in the article's ``removed.text`` spans; 0 when
        none).

    Raises:
        ValueError: ``articles`` or ``removed`` lacks a column.

    Example:
        >>> corpus_summary(articles, removed=removed)
    """
    _check_articles(articles)
    if removed is not None:
        require_columns(removed, REMOVED_COLUMNS, name="removed")
    return _summarise_articles(articles, tokens_table(articles), removed)


def _summarise_articles(articles: pd.DataFrame, tokens: pd.DataFrame, removed: pd.DataFrame | None) -> pd.DataFrame:
    """Body of :func:`corpus_summary`, reusing an already built token table."""
    per_article = tokens.groupby("article_id").agg(
        n_words=("token_id", "size"), n_sentences=("segment_id", "nunique"), n_types=("term", "nunique")
    )
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
    return _sort(summary[ARTICLE_SUMMARY_COLUMNS], ["article_id"], [True])


def _tally(values: pd.Series) -> str:
    """Format counts of the non-missing values as "fr 4, en 1" (most frequent first)."""
    counts = values.dropna().astype(str).value_counts()
    if counts.empty:
        return "unknown"
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{name} {count}" for name, count in ordered)


def summarise_corpus(articles: pd.DataFrame, *, removed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Describe the whole corpus in one small table for the top of notebook 01.

    Args:
        articles: One row per article; needs ARTICLE_COLUMNS (``published`` and
            ``outlet_country`` are used when present).
        removed: The loader's audit of cleaned-away spans, or ``None`` (see
            :func:`corpus_summary`).

    Returns:
        One row per statistic, in the order of CORPUS_STATISTICS, with columns
        ``statistic`` (str) and ``value`` (str): ``articles``; ``outlets`` (distinct
        non-missing outlets); ``outlet countries`` (articles per ``outlet_country``, e.g.
        "Viet Nam 4, Cuba 1"; "unknown" without that column); ``languages`` (articles per
        language, e.g. "fr 4, en 1"); ``date range`` ("YYYY-MM-DD – YYYY-MM-DD" over
        ``published``, with "(n undated)" appended when some are missing, "unknown" when
        all are); ``words``, ``sentences`` and ``words removed as boilerplate`` (sums of
        :func:`corpus_summary`); ``vocabulary`` (distinct lower-cased terms in the corpus).

    Raises:
        ValueError: ``articles`` or ``removed`` lacks a column.

    Example:
        >>> summarise_corpus(articles, removed=removed)
    """
    _check_articles(articles)
    if removed is not None:
        require_columns(removed, REMOVED_COLUMNS, name="removed")
    tokens = tokens_table(articles)
    summary = _summarise_articles(articles, tokens, removed)
    vocabulary = tokens["term"].nunique()
    countries = _tally(articles["outlet_country"]) if "outlet_country" in articles else "unknown"
    date_range = "unknown"
    if "published" in articles:
        published = pd.to_datetime(pd.Series(articles["published"], dtype="object"), errors="coerce", format="mixed")
        if published.notna().any():
            date_range = f"{published.min():%Y-%m-%d} – {published.max():%Y-%m-%d}"
            if published.isna().any():
                date_range += f" ({int(published.isna().sum())} undated)"
    values = [
        len(summary),
        articles["outlet"].dropna().nunique(),
        countries,
        _tally(articles["language"]),
        date_range,
        summary["n_words"].sum(),
        summary["n_sentences"].sum(),
        vocabulary,
        summary["n_words_removed"].sum(),
    ]
    return pd.DataFrame(
        {"statistic": CORPUS_STATISTICS, "value": [str(v) for v in values]}, columns=CORPUS_SUMMARY_COLUMNS
    )
