"""Keyness: which lemmas a group of articles uses more or less than the others (tokens + articles → keyness).

The statistic is the log-likelihood G² (:func:`toolkit.text.log_likelihood` on the two
cells of the lemma's counts) with Hardie's log ratio as effect size. :func:`keyness` runs in
stages: the groups, the lemma × group counts, the warnings on groups too small to mean much,
and one table per group against the rest.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.framing.codebooks import FramingWarning
from toolkit.nlp.batches import BATCH_ROWS, token_batches
from toolkit.framing.groups import article_groups, group_labels
from toolkit.framing.lexicons import normalise_term_series
from toolkit.schema import require_columns, require_counted_groups
from toolkit.text import load_stopwords, log_likelihood

__all__ = ["ALL_OTHER_GROUPS", "KEYNESS_COLUMNS", "MIN_ARTICLES", "NEEDS_ARTICLES", "NEEDS_TOKENS", "keyness"]

KEYNESS_COLUMNS = ["group", "lemma", "n_group", "n_rest", "n_articles_group", "n_articles_rest", "per_1000_group",
                   "per_1000_rest", "g2", "p_value",
                   "log_ratio", "direction", "rest"]
#: The ``rest`` of a group compared with more than one other group (all of them together).
ALL_OTHER_GROUPS = "all other groups"
#: The columns :func:`keyness` needs in ``tokens`` and in ``articles`` (besides the ``by`` columns).
NEEDS_TOKENS = ["article_id", "text", "lemma", "upos"]
NEEDS_ARTICLES = ["article_id", "language"]
#: How many articles an over-used lemma must come from by default (``min_articles=None``), so that one article's
#: subject (a name it repeats) does not top an outlet's list; in a group smaller than ``small_group`` (the five seed
#: articles), one article is enough.
MIN_ARTICLES = 3


def keyness(tokens: pd.DataFrame | str | Path, articles: pd.DataFrame, *, by="outlet_country",
            target: str | None = None, min_count: int = 3, stopwords: bool = True,
            exclude_upos: Sequence[str] = ("PUNCT", "SYM", "SPACE", "NUM", "X"),
            min_articles: int | None = None, small_group: int = 5, min_words: int = 2_000,
            top: int | None = None, batch_rows: int = BATCH_ROWS) -> pd.DataFrame:
    """Which lemmas each group of articles uses more (or less) than the others: G² and log ratio.

    Each group is compared with all other articles together. For a lemma seen ``a`` times in
    the group's ``c`` words and ``b`` times in the rest's ``d`` words, the log-likelihood
    (Dunning 1993; Rayson and Garside 2000) is ``G² = 2 Σ O ln(O/E)`` over the two cells,
    with ``E = c(a+b)/(c+d)`` and ``d(a+b)/(c+d)``, and its p-value is that of χ² with one
    degree of freedom. The effect size is Hardie's (2014) log ratio ``log2((a/c)/(b/d))``
    (a zero count taken as 0.5): +1 means twice as frequent in the group. G² says how
    sure, the log ratio how big; rank by G² but read the log ratio.

    Lemmas are lower-cased spaCy/stanza lemmas; stopwords are those of
    :func:`toolkit.text.load_stopwords` for the article's language, tested on lemma
    and text. Comparing lemma frequencies only makes sense within one language: restrict
    ``articles`` to one language when the groups mix them (a warning says so).

    Args:
        tokens: From :func:`toolkit.annotate` (``article_id, text, lemma, upos``): a DataFrame,
            or the path of a Parquet file or folder of token rows (or a Dask DataFrame), read in
            batches so memory stays bounded. The counts per group and the articles each lemma
            comes from add up from batch to batch, so the table is the same as for the whole
            table in memory. An article's rows must be stored together, as ``annotate``
            returns them (see :func:`toolkit.nlp.batches.token_batches`); only the four
            columns are read.
        articles: The ``articles`` table (``article_id, language`` and the ``by`` column);
            only its articles are compared, and those whose group is missing are left out.
        by: A column of ``articles`` (``"outlet"``, ``"outlet_country"``, a ``"story"``
            column you added) or a list of columns (their values joined by ``" / "``).
        target: Compare only this group with the rest; every group by default.
        min_count: Keep lemmas seen at least this often in the two groups together.
        stopwords: Leave stopwords out.
        exclude_upos: Parts of speech left out.
        min_articles: Keep an over-used lemma only if it comes from at least this many of the
            group's articles (an under-used one: of the other articles), so one long article
            cannot make a group's vocabulary. None (the default): MIN_ARTICLES (3) where those
            articles are at least ``small_group`` (at most as many as there are), else 1, so a
            handful of articles still has a list (read it with the small-group warning). On BASIL (three outlets, 50
            articles each), with 1, 3 to 5 of each outlet's top 20 over-used lemmas came from
            a single article (one story's "naacp", "doma", "hutchinson"); with 3, none.
        small_group: Warn when a group has fewer articles than this...
        min_words: ...or fewer words than this: the statistic then compares a few texts,
            not outlets, and tokens are far from the independent draws G² assumes.
        top: Keep this many over-used and this many under-used lemmas per group.
        batch_rows: When ``tokens`` is on disk: about how many token rows to count at a time
            (whole articles); fewer holds less in memory (about 0.2 GB per million rows).

    Returns:
        One row per (group, lemma): ``group`` (str), ``lemma`` (str), ``n_group``,
        ``n_rest`` (int), ``n_articles_group``, ``n_articles_rest`` (int, the articles the
        lemma comes from in the group and in the rest), ``per_1000_group``, ``per_1000_rest`` (float), ``g2`` (float,
        ≥ 0), ``p_value`` (float), ``log_ratio`` (float), ``direction`` (str, ``"over"`` or
        ``"under"``: used more or less in the group). Sorted by group, over-used first,
        then ``g2`` descending, then lemma. ``rest`` (str) names what the group was compared
        with, the words counted in ``n_rest``: the other group when two groups were compared
        (``"Vietnam"``), else ``"all other groups"`` (:data:`ALL_OTHER_GROUPS`), which stays
        true of a table later cut to fewer groups.

    Raises:
        ValueError: a required column is missing, ``by`` is not a column of ``articles``,
            fewer than two groups remain, or ``target`` is not a group.

    Warns:
        FramingWarning: groups too small for the statistic to mean much, articles left out
            for lack of a group, or groups that mix languages.

    Example:
        >>> keyness(tokens, articles[articles["language"] == "fr"], by="outlet_country")
        >>> keyness("tokens.parquet", articles, by="outlet")  # a corpus too big for memory
    """
    batches = token_batches(tokens, NEEDS_TOKENS, batch_rows=batch_rows)
    require_columns(articles, NEEDS_ARTICLES, name="articles")
    groups, problems = _article_groups(articles, by, target)
    counts, sizes, spread = _count_lemmas(batches, articles, groups, stopwords=stopwords, exclude_upos=exclude_upos)
    require_counted_groups(sizes, groups.unique(), function="keyness")
    small = _small_groups(articles, groups, sizes, min_articles=small_group, min_words=min_words)
    _warn_on_small_groups(problems + small[1], small[0], min_articles=small_group, min_words=min_words)
    n_articles = groups.value_counts().reindex(counts.columns, fill_value=0)
    rows = [_compare(counts, sizes, spread, group, min_count=min_count, top=top,
                     min_articles=(_floor(min_articles, n_articles[group], small_group),
                                   _floor(min_articles, n_articles.drop(group).sum(), small_group)))
            .assign(rest=_rest_of(group, counts.columns))
            for group in (sorted(counts.columns) if target is None else [target])]
    result = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=KEYNESS_COLUMNS)
    return result.astype({"group": "string", "lemma": "string", "n_group": "int64", "n_rest": "int64",
                          "n_articles_group": "int64", "n_articles_rest": "int64",
                          "per_1000_group": "float64", "per_1000_rest": "float64", "g2": "float64",
                          "p_value": "float64", "log_ratio": "float64", "direction": "string", "rest": "string"}
                         )[KEYNESS_COLUMNS].reset_index(drop=True)


def _floor(min_articles: int | None, n_articles: int, small_group: int) -> int:
    """The articles a lemma must come from, among ``n_articles``: ``min_articles``, or when None MIN_ARTICLES
    (1 for a small group: fewer than ``small_group``; never more than the group has)."""
    if min_articles is not None:
        return min_articles
    return max(min(MIN_ARTICLES, n_articles), 1) if n_articles >= small_group else 1


def _article_groups(articles: pd.DataFrame, by, target: str | None) -> tuple[pd.Series, list[str]]:
    """Each article's group (str), without the articles that have none (a problem to report)."""
    columns = article_groups(articles, by, function="keyness")
    groups = group_labels(columns)
    problems = []
    missing = sorted(groups.index[groups.isna()].astype(str))
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        problems.append(f"{len(missing)} article(s) with no {' / '.join(columns.columns)} left out ({shown})")
    groups = groups.dropna().astype(str)
    if groups.nunique() < 2:
        raise ValueError(f"keyness needs at least two groups, got {sorted(groups.unique())}")
    if target is not None and target not in set(groups):
        raise ValueError(f"`target` must be one of {sorted(groups.unique())}, got {target!r}")
    return groups, problems


def _count_lemmas(batches: Iterable[pd.DataFrame], articles: pd.DataFrame, groups: pd.Series, *, stopwords: bool,
                  exclude_upos: Sequence[str]) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """Lemma × group counts of the words kept, each group's number of words, and lemma × group
    numbers of articles (groups with no word dropped), added up over the batches of token rows.

    Every count is a sum over articles, and each article is in one batch: the sums of the
    batches' tables are the tables of the whole.
    """
    language = articles.set_index("article_id")["language"]
    group_names = np.array(sorted(groups.unique()), dtype=object)
    counts = spread = None
    for tokens in batches:
        more, more_spread = _count_batch(tokens, language, groups, group_names, stopwords=stopwords,
                                         exclude_upos=exclude_upos)
        if counts is None:
            counts, spread = more, more_spread
        else:  # lemmas of either: the sum, lemmas in sorted order (as np.unique gives them)
            counts = pd.concat([counts, more]).groupby(level=0, sort=True).sum()
            spread = pd.concat([spread, more_spread]).groupby(level=0, sort=True).sum()
    used = counts.sum(axis=1) > 0
    counts, spread = counts[used], spread[used]
    sizes = counts.sum(axis=0)
    # a group with no word counted is not compared
    return counts.loc[:, sizes > 0], sizes[sizes > 0], spread.loc[:, sizes > 0]


def _count_batch(tokens: pd.DataFrame, language: pd.Series, groups: pd.Series, group_names: np.ndarray, *,
                 stopwords: bool, exclude_upos: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lemma × group counts of the words kept of some whole articles, and lemma × group numbers of articles."""
    # Strings are handled once per distinct value (article id, lemma, word), not once per
    # token: a corpus of 100,000 articles has 40 million tokens but a vocabulary of thousands.
    article_codes, article_ids = pd.factorize(tokens["article_id"])
    if not len(article_ids):  # a batch of rows without an article id (read from disk): nothing to count
        empty = pd.DataFrame(np.zeros((0, len(group_names)), dtype=np.int64), index=pd.Index([], dtype=object, name="lemma"),
                             columns=pd.Index(group_names, name="group"))
        return empty, empty.copy()
    group_code = pd.Index(group_names).get_indexer(pd.Index(article_ids).map(groups))  # -1: no group
    lemma_codes, lemma_forms = pd.factorize(tokens["lemma"].fillna(tokens["text"]))
    text_codes, text_forms = pd.factorize(tokens["text"], use_na_sentinel=False)
    lemma_norm = pd.Index(_matching_forms(lemma_forms), dtype=object)
    text_norm = pd.Index(_matching_forms(text_forms), dtype=object)
    # Code -1 is a missing article id, or a token with neither lemma nor text: never counted.
    keep = (article_codes >= 0) & (lemma_codes >= 0) & (group_code[article_codes] >= 0)
    keep &= ~tokens["upos"].isin(list(exclude_upos)).to_numpy(dtype=bool)
    keep &= np.asarray(lemma_norm.str.contains(r"[^\W\d_]", regex=True), dtype=bool)[lemma_codes]
    if stopwords:
        # Articles outside the groups have no language here; their tokens are not counted anyway.
        article_language = pd.Series(article_ids).map(language).fillna("").astype(str).to_numpy(dtype=object)
        token_language = article_language[article_codes]
        for lang in pd.unique(article_language[group_code >= 0]):
            stop = load_stopwords(lang)
            stop_lemma = lemma_norm.isin(stop)
            stop_text = text_norm.isin(stop) | text_norm.str.rstrip("'").isin(stop)
            rows = token_language == lang
            keep[rows] &= ~(stop_lemma[lemma_codes[rows]] | stop_text[text_codes[rows]])
    lemma_names, lemma_of_form = np.unique(lemma_norm.to_numpy(dtype=object).astype(str), return_inverse=True)
    groups_kept, lemmas_kept = group_code[article_codes][keep], lemma_of_form[lemma_codes][keep]
    counts = pd.DataFrame(
        np.bincount(lemmas_kept * len(group_names) + groups_kept, minlength=len(lemma_names) * len(group_names)
                    ).reshape(len(lemma_names), len(group_names)),
        index=pd.Index(lemma_names, name="lemma"), columns=pd.Index(group_names, name="group"))
    # the articles each lemma comes from, per group: distinct (lemma, article) pairs
    n_ids = len(article_ids)
    pairs = np.unique(lemmas_kept.astype(np.int64) * n_ids + article_codes[keep])
    spread = pd.DataFrame(
        np.bincount((pairs // n_ids) * len(group_names) + group_code[pairs % n_ids],
                    minlength=len(lemma_names) * len(group_names)).reshape(len(lemma_names), len(group_names)),
        index=counts.index, columns=counts.columns)
    return counts, spread


def _matching_forms(forms) -> list[str]:
    """The matching form of each distinct lemma or word (a missing one reads as the string "nan", as before)."""
    return normalise_term_series(pd.Series(forms, dtype="object").map(str)).tolist()


def _small_groups(articles: pd.DataFrame, groups: pd.Series, sizes: pd.Series, *, min_articles: int,
                  min_words: int) -> tuple[list[str], list[str]]:
    """Groups with too few articles or words; other problems (groups that mix languages)."""
    problems, others = [], []
    n_articles = groups.value_counts()
    for group in sorted(n_articles.index):
        if n_articles[group] < min_articles or sizes.get(group, 0) < min_words:
            problems.append(f"group {group!r} has {n_articles[group]} article(s) and {sizes.get(group, 0):,} words "
                            "counted")
    mixed = articles[articles["article_id"].isin(groups.index)].assign(_g=lambda a: a["article_id"].map(groups))
    languages = mixed.groupby("_g")["language"].agg(lambda s: "+".join(sorted(set(s.dropna().astype(str)))))
    if languages.str.contains("+", regex=False).any():  # also when every group holds the same languages
        others.append(f"groups mix languages ({dict(languages)}): a group with more articles in one language has "
                      "that language's words as key; compare within one language")
    elif len(set(languages)) > 1:
        others.append(f"the groups are in different languages ({dict(languages)}): lemmas of different languages "
                      "never match; compare within one language")
    return problems, others


def _warn_on_small_groups(problems: list[str], small: list[str], *, min_articles: int, min_words: int) -> None:
    if not problems and not small:
        return
    message = "keyness: " + "; ".join(small + problems) + "."
    if small:  # the sentence about small groups only when a group is small
        message += (f" With fewer than {min_articles} articles or {min_words:,} words per group, G² compares a "
                    "few texts rather than outlets; read the top lemmas as leads to check in context, not as "
                    "findings.")
    # A fixed location, not the caller's: in a notebook that is a temporary kernel file whose
    # name changes on every run, and would make the saved output differ each time.
    warnings.warn_explicit(message, FramingWarning, __name__, 1)  # the module, toolkit.framing.keywords


def _rest_of(group: str, compared: Iterable[str]) -> str:
    """What ``group`` is compared with among the groups with words counted: the other one, or all others."""
    others = [g for g in compared if g != group]
    return others[0] if len(others) == 1 else ALL_OTHER_GROUPS


def _g2(a: np.ndarray, b: np.ndarray, c: float, d: float) -> np.ndarray:
    """Log-likelihood G² of a word seen ``a`` times in ``c`` words and ``b`` times in ``d`` words.

    Rayson and Garside's two cells (the word in each corpus), expected ``c(a+b)/(c+d)`` and
    ``d(a+b)/(c+d)``, through :func:`toolkit.text.log_likelihood`.
    """
    total = a + b
    return log_likelihood([a, b], [c * total / (c + d), d * total / (c + d)])


def _compare(counts: pd.DataFrame, sizes: pd.Series, spread: pd.DataFrame, group: str, *, min_count: int,
             min_articles: tuple[int, int], top: int | None) -> pd.DataFrame:
    """One group against all the others: counts, rates, G², p-value, log ratio and direction per lemma.

    ``min_articles``: the articles an over-used lemma must come from in the group, an under-used one in the rest."""
    total = sizes.sum()
    a = counts[group].to_numpy(dtype=float)
    b = counts.drop(columns=group).sum(axis=1).to_numpy(dtype=float)
    c, d = float(sizes[group]), float(total - sizes[group])
    statistic = _g2(a, b, c, d)
    ratio = np.log2((np.where(a > 0, a, 0.5) / c) / (np.where(b > 0, b, 0.5) / d))
    part = pd.DataFrame({
        "group": group, "lemma": counts.index.to_numpy(), "n_group": a.astype("int64"), "n_rest": b.astype("int64"),
        "n_articles_group": spread[group].to_numpy(dtype="int64"),
        "n_articles_rest": spread.drop(columns=group).sum(axis=1).to_numpy(dtype="int64"),
        "per_1000_group": 1000 * a / c, "per_1000_rest": 1000 * b / d, "g2": statistic,
        "p_value": [math.erfc(math.sqrt(max(g, 0.0) / 2)) for g in statistic], "log_ratio": ratio,
        "direction": np.where(a / c >= b / d, "over", "under")})
    part = part[(part["n_group"] + part["n_rest"]) >= min_count]
    spread_ok = (np.where(part["direction"] == "over", part["n_articles_group"], part["n_articles_rest"])
                 >= np.where(part["direction"] == "over", *min_articles))
    part = part[spread_ok]
    part = part.sort_values(["direction", "g2", "lemma"], ascending=[True, False, True], kind="mergesort")
    if top is not None:
        part = part.groupby("direction", sort=False).head(top)
    return part
