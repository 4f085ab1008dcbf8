"""The table contracts, each defined once, and the one helper that checks a table on entry.

Every hand-off between stages is a pandas DataFrame. The columns below are the contract of
each table: functions may add columns, never rename these. A function that needs
only some of a table's columns names them at its own top as ``NEEDS_<TABLE>`` (a subset of
the contract) and calls :func:`require_columns` with them.

=========  ================  =========================================================
table      one row per       made by
=========  ================  =========================================================
articles   article           :func:`toolkit.load_corpus`
removed    removed span      :func:`toolkit.load_corpus` (the cleaning audit)
problems   problem found     :func:`toolkit.load_corpus`
sentences  sentence          :func:`toolkit.annotate`, :func:`toolkit.split_sentences`
tokens     token             :func:`toolkit.annotate`
mentions   entity mention    :func:`toolkit.annotate`, then :func:`toolkit.link_entities`
entities   linked entity     :func:`toolkit.link_entities`
=========  ================  =========================================================
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

#: ``articles``: one row per article (offsets of every other table point into ``text``).
ARTICLE_COLUMNS = [
    "article_id", "path", "title", "text", "raw", "language", "outlet", "outlet_name",
    "outlet_country", "dateline", "published", "date_text", "n_words", "url", "notes",
    "outlet_evidence", "encoding",
]
#: ``removed``: one row per span cleaning took out of ``raw`` (offsets into ``raw``).
REMOVED_COLUMNS = ["article_id", "start_char", "end_char", "reason", "text"]
#: ``problems``: one row per file or line that could not be loaded as it was.
PROBLEM_COLUMNS = ["path", "line", "article_id", "kind", "message"]
#: ``sentences``: one row per sentence (offsets into ``articles.text``).
SENTENCE_COLUMNS = ["article_id", "paragraph_id", "sentence_id", "start_char", "end_char", "text"]
#: ``tokens``: one row per token (offsets into ``articles.text``; ``head`` is a token_id).
TOKEN_COLUMNS = [
    "article_id", "sentence_id", "token_id", "start_char", "end_char", "text", "lemma", "upos",
    "head", "deprel", "engine", "model",
]
#: ``mentions``: one row per entity mention; ``entity_id`` is added by linking.
MENTION_COLUMNS = [
    "article_id", "sentence_id", "mention_id", "start_char", "end_char", "text", "label",
    "entity_type", "engine", "model", "source",
]
#: ``entities``: one row per linked entity.
ENTITY_COLUMNS = ["entity_id", "name", "entity_type", "n_mentions", "n_articles", "variants", "rules"]
#: The harmonised entity types of ``mentions.entity_type``.
ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")

#: Each table's contract by name.
TABLES = {
    "articles": ARTICLE_COLUMNS,
    "removed": REMOVED_COLUMNS,
    "problems": PROBLEM_COLUMNS,
    "sentences": SENTENCE_COLUMNS,
    "tokens": TOKEN_COLUMNS,
    "mentions": MENTION_COLUMNS,
    "entities": ENTITY_COLUMNS,
}

#: dtypes of the contract columns that have a fixed one (others are pandas "string").
DTYPES = {
    "articles": {"published": "datetime64[us]", "n_words": "int64"},
    "removed": {"start_char": "int64", "end_char": "int64"},
    "problems": {},
    "sentences": {"paragraph_id": "int64", "sentence_id": "int64", "start_char": "int64", "end_char": "int64"},
    "tokens": {"sentence_id": "int64", "token_id": "int64", "start_char": "int64", "end_char": "int64",
               "head": "int64"},
    "mentions": {"sentence_id": "int64", "mention_id": "int64", "start_char": "int64", "end_char": "int64"},
    "entities": {"n_mentions": "int64", "n_articles": "int64"},
}


def require_columns(table: pd.DataFrame, columns: Iterable[str], *, name: str = "table") -> None:
    """Raise ``ValueError`` naming the columns ``table`` lacks.

    Args:
        table: The DataFrame handed to a public function.
        columns: The columns the function needs (a contract, or a ``NEEDS_*`` subset of one).
        name: How the error message calls the table (e.g. ``"articles"``).

    Raises:
        TypeError: ``table`` is not a DataFrame.
        ValueError: one or more columns are missing.
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"`{name}` must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"`{name}` lacks required column(s) {missing}; it has {list(table.columns)}"
        )


def require_known_ids(articles: pd.DataFrame, **tables: pd.DataFrame | None) -> None:
    """Raise ``ValueError`` when a table refers to articles that ``articles`` does not hold.

    Called in one line at the top of an analysis that joins tables by ``article_id``, e.g.
    ``require_known_ids(articles, tokens=tokens, mentions=mentions)``: rows of another corpus
    (or of articles filtered out) would otherwise be ignored silently. A table given as None
    is skipped.

    Raises:
        TypeError: a table is not a DataFrame.
        ValueError: ``articles`` or a table lacks ``article_id``, or a table has ids not in ``articles``.
    """
    require_columns(articles, ["article_id"], name="articles")
    known = pd.Index(articles["article_id"].dropna().unique())
    for name, table in tables.items():
        if table is None:
            continue
        require_columns(table, ["article_id"], name=name)
        unknown = pd.Index(table["article_id"].dropna().unique()).difference(known)
        if len(unknown):
            raise ValueError(f"`{name}` refers to {len(unknown)} article_id(s) missing from `articles`: "
                             f"{[str(a) for a in unknown[:5]]}; pass the tables of one corpus (or filter `{name}` "
                             "to the articles given)")


def require_counted_groups(sizes: pd.Series, groups: Iterable, *, function: str, minimum: int = 2) -> None:
    """Raise ``ValueError`` when fewer than ``minimum`` groups have anything counted (``sizes`` > 0).

    A comparison of a group with the rest is degenerate when the rest counts 0 words (an
    infinite log ratio); the message names the groups with nothing counted.
    """
    counted = {str(g) for g, n in sizes.items() if n > 0}
    if len(counted) < minimum:
        empty = sorted({str(g) for g in groups} - counted)
        raise ValueError(f"{function}: only {len(counted)} group(s) have counted words ({sorted(counted)[:5]}); "
                         f"group(s) {empty[:5]} have 0 after stopwords and the parts of speech left out; "
                         f"at least {minimum} are needed to compare")


def require_text(value, *, name: str) -> None:
    """Raise ``TypeError`` naming the argument when ``value`` is not a str (None, NA, a number)."""
    if not isinstance(value, str):
        raise TypeError(f"`{name}` must be a str, got {type(value).__name__} ({value!r:.40})")


def require_same_pair(alignment: pd.DataFrame, differences: pd.DataFrame) -> None:
    """Raise ``ValueError`` when ``differences`` (``compare_versions``) compares other articles, or the same ones in the
    other order, than ``alignment`` (``align_sentences``) aligns: its sentence ids would point into the wrong texts."""
    if len(alignment) and len(differences):
        pair = [str(alignment[f"article_id_{s}"].iloc[0]) for s in "ab"]
        other = [str(differences[f"article_id_{s}"].iloc[0]) for s in "ab"]
        if pair != other:
            raise ValueError(f"`differences` compares {other[0]!r} with {other[1]!r}, but `alignment` aligns "
                             f"{pair[0]!r} with {pair[1]!r}: pass compare_versions of the same a and b")
