"""Internal helpers that check tables and arguments on entry to public functions."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def require_columns(table: pd.DataFrame, columns: Iterable[str], *, name: str = "table") -> None:
    """Raise ``ValueError`` naming the columns ``table`` lacks.

    Args:
        table: The DataFrame handed to a public function.
        columns: The columns the function needs.
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


def require_choice(value, allowed: Iterable, *, name: str) -> None:
    """Raise ``ValueError`` when ``value`` is not one of ``allowed``."""
    allowed = list(allowed)
    if value not in allowed:
        raise ValueError(f"`{name}` must be one of {allowed}, got {value!r}")


def refuse_quadratic(n: int, max_articles: int, name: str, *, group: str | None = None) -> None:
    """Raise ``ValueError`` before an all-pairs step on more than ``max_articles`` articles.

    The message gives the memory one n × n matrix needs and the scalable paths (clustering
    by week, MinHash LSH); with ``group``, it names the group that is too large.
    """
    if n <= max_articles:
        return
    size = f"{n:,} articles make {n:,}² cells ({n ** 2 * 8 / 1e9:,.1f} GB per matrix)"
    if group is not None:
        raise ValueError(
            f"{name}: group {group!r} alone has {n:,} articles: {size}. Choose groups that are finer "
            f"(by=\"week\" rather than \"month\", or a column that splits it further), or pass "
            f"max_articles={n} if you have the memory.")
    raise ValueError(
        f"{name} compares every pair of articles: {size}. Cluster within groups that bound each story, "
        "e.g. toolkit.cluster_stories(articles, by=\"week\") (by publication week) or by=\"<column>\"; "
        "toolkit.find_near_duplicates (MinHash LSH) finds reprints in any number of articles; "
        f"or pass max_articles={n} if you have the memory.")
