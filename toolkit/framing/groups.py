"""Groups of articles for the framing summaries and keyness: the ``by=`` option, read one way everywhere."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import pandas as pd

from toolkit.schema import require_columns

__all__ = ["article_groups", "group_labels", "groups_of_rows"]

# Columns that are texts, never groups.
_NOT_GROUPS = ("text", "raw")


def article_groups(articles: pd.DataFrame, by, *, function: str) -> pd.DataFrame:
    """Each article's group: the ``by`` column(s) of ``articles``, indexed by ``article_id``.

    Args:
        articles: The ``articles`` table (``article_id`` and the ``by`` columns).
        by: A column of ``articles`` (``"outlet"``, ``"outlet_country"``, a ``"story"``
            column you added) or a list of columns. A mapping article_id → group still works
            for one release, with a ``FutureWarning``; its column is then ``group``.
        function: The public function's name, for messages.

    Returns:
        One row per article (index ``article_id``), one column per group column, values as
        in ``articles`` (missing where the article has none).

    Raises:
        ValueError: ``by`` is not a column (or list of columns) of ``articles``.
    """
    require_columns(articles, ["article_id"], name="articles")
    if isinstance(by, (Mapping, pd.Series)):
        warnings.warn(f"{function}(by=<mapping>) is deprecated: add the groups as a column of `articles`, e.g. "
                      "articles.assign(group=articles['article_id'].map(mapping)), and pass by='group'",
                      FutureWarning, stacklevel=3)
        mapping = dict(by)
        return pd.DataFrame({"group": pd.Series([mapping.get(a) for a in articles["article_id"]], dtype="object")
                             .to_numpy()}, index=pd.Index(articles["article_id"], name="article_id"))
    columns = [by] if isinstance(by, str) else list(by) if isinstance(by, (list, tuple)) else None
    allowed = sorted(c for c in articles.columns if c not in _NOT_GROUPS)
    if not columns or any(not isinstance(c, str) or c not in allowed for c in columns):
        raise ValueError(f"`by` must be a column of `articles` ({allowed}) or a list of them, got {by!r}")
    return articles.set_index("article_id")[columns]


def group_labels(groups: pd.DataFrame) -> pd.Series:
    """One label per article: the group column's value, or the values of several joined by ``" / "``.

    An article missing any of its group values has a missing label.
    """
    if groups.shape[1] == 1:
        return groups.iloc[:, 0]
    values = groups.astype("object")
    joined = values.astype(str).agg(" / ".join, axis=1)
    return joined.where(values.notna().all(axis=1))


def groups_of_rows(article_ids: pd.Series, groups: pd.DataFrame) -> pd.DataFrame:
    """The group columns of each row of a table, looked up by its ``article_id``; ``"unknown"`` where missing.

    Args:
        article_ids: The table's ``article_id`` column.
        groups: From :func:`article_groups`.

    Returns:
        One row per entry of ``article_ids`` (same index), one object column per group column.
    """
    values = groups.reindex(pd.Index(article_ids)).astype("object").fillna("unknown")
    return values.set_axis(article_ids.index)
