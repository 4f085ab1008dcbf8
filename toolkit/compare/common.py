"""Checks and small table helpers shared by the comparison modules (no analysis here)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from toolkit.schema import require_columns

#: Columns every comparison function needs in ``articles`` (a subset of the ``articles`` contract).
NEEDS_ARTICLES = ["article_id", "text", "language"]


def check_articles(articles: pd.DataFrame) -> None:
    """Check ``articles`` has NEEDS_ARTICLES and one row per ``article_id``."""
    require_columns(articles, NEEDS_ARTICLES, name="articles")
    repeated = articles["article_id"][articles["article_id"].duplicated()].tolist()
    if repeated:
        raise ValueError(f"`articles` must have one row per article_id; repeated: {repeated[:5]}")


def article_row(articles: pd.DataFrame, article_id: str) -> pd.Series:
    """The row of ``article_id``, or a ValueError naming the ids there are."""
    rows = articles[articles["article_id"] == article_id]
    if rows.empty:
        some = articles["article_id"].head(5).tolist()
        raise ValueError(f"no article {article_id!r} in `articles` (ids such as {some})")
    return rows.iloc[0]


def cell_text(value) -> str:
    """A cell as str ('' for missing)."""
    return value if isinstance(value, str) else ""


def sentence_rows(sentences: pd.DataFrame, article_id: str) -> pd.DataFrame:
    """One article's sentences, sorted, or a ValueError."""
    rows = sentences[sentences["article_id"].astype(str) == str(article_id)].sort_values("sentence_id")
    if rows.empty:
        raise ValueError(f"`sentences` has no sentence of article {article_id!r}")
    return rows.reset_index(drop=True)


def empty_table(columns: Sequence[str], *, ints: Sequence[str] = (), floats: Sequence[str] = ()) -> pd.DataFrame:
    """An empty table with the right columns and dtypes."""
    table = pd.DataFrame({c: pd.Series(dtype="int64" if c in ints else "float64" if c in floats else "string")
                          for c in columns})
    return table
