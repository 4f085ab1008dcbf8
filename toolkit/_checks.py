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
