"""Count each entity's mentions per group of articles (linked mentions + articles → counts)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.schema import ENTITY_TYPES, require_columns

#: Columns of :func:`count_entities`, after the ``by`` columns.
COUNT_COLUMNS = [
    "entity_id", "name", "entity_type", "n_mentions", "n_articles", "share_of_mentions",
    "n_words", "mentions_per_1000_words",
]


def part_of_next(mentions: pd.DataFrame, articles: pd.DataFrame | None = None) -> np.ndarray:
    """Mentions written right before a mention of the same entity, only spaces and full stops between: a title
    linked to the name after it ("Judge" before "Brett Kavanaugh", "M." before "Pinard", as ``title-of-name``
    links them) is one reference with it, counted once. Needs ``start_char`` and ``end_char`` (else none); the
    gap is read in the articles' ``text``, or without it must be one character."""
    flags = np.zeros(len(mentions), dtype=bool)
    if len(mentions) < 2 or not {"article_id", "entity_id", "start_char", "end_char"} <= set(mentions.columns):
        return flags
    text_of = (dict(zip(articles["article_id"].astype(str), articles["text"]))
               if articles is not None and {"article_id", "text"} <= set(articles.columns) else {})
    ids = mentions["article_id"].astype(str).to_numpy()
    entities = mentions["entity_id"].to_numpy(dtype=object)
    starts = pd.to_numeric(mentions["start_char"], errors="coerce").to_numpy(dtype=float)
    ends = pd.to_numeric(mentions["end_char"], errors="coerce").to_numpy(dtype=float)
    order = np.lexsort((starts, ids))
    for a, b in zip(order[:-1], order[1:]):
        if ids[a] != ids[b] or not isinstance(entities[a], str) or entities[a] != entities[b] \
                or np.isnan(ends[a]) or np.isnan(starts[b]) or not 0 < starts[b] - ends[a] <= 3:
            continue
        text = text_of.get(ids[a])
        if isinstance(text, str):
            flags[a] = text[int(ends[a]):int(starts[b])].strip(" .\u00a0") == ""
        else:
            flags[a] = starts[b] - ends[a] == 1
    return flags


def _entity_types_filter(entity_types) -> list[str] | None:
    """Validate ``entity_types`` (None means all)."""
    if entity_types is None:
        return None
    entity_types = [entity_types] if isinstance(entity_types, str) else list(entity_types)
    bad = [t for t in entity_types if t not in ENTITY_TYPES]
    if bad:
        raise ValueError(f"`entity_types` must be a subset of {list(ENTITY_TYPES)}, got {entity_types!r}")
    return entity_types


def linked_only(linked_mentions: pd.DataFrame, entity_types) -> pd.DataFrame:
    """Linked rows, with the entity's type (the ``entity_id`` prefix), filtered by type."""
    types = _entity_types_filter(entity_types)
    linked = linked_mentions[linked_mentions["entity_id"].notna()]
    linked = linked.assign(_entity_type=linked["entity_id"].str.split(":", n=1).str[0])
    if types is not None:
        linked = linked[linked["_entity_type"].isin(types)]
    return linked


def count_entities(linked_mentions: pd.DataFrame, articles: pd.DataFrame, *,
                   by: str | Sequence[str] = ("outlet",), entity_types: Sequence[str] | None = None,
                   min_count: int = 1) -> pd.DataFrame:
    """Count each entity's mentions per group of articles (per outlet, language, article...).

    Args:
        linked_mentions: ``mentions`` from :func:`link_entities` (needs ``article_id,
            entity_id, name``); unlinked rows (missing ``entity_id``) are ignored.
        articles: The ``articles`` table: ``article_id``, ``n_words`` and the ``by`` columns.
        by: Columns of ``articles`` to group by, in output order; ``()`` for the whole
            corpus. Missing values (an article with no known outlet) form their own group.
        entity_types: Keep only entities of these types (PER, ORG, LOC, MISC).
        min_count: Drop rows with fewer mentions than this (after shares are computed).

    Returns:
        One row per (*by, entity) with columns *by, then ``COUNT_COLUMNS``: ``entity_id``,
        ``name``, ``entity_type`` (str), ``n_mentions`` (int; a title written right before
        the name it is linked to, "Judge" before "Brett Kavanaugh", is one mention with it:
        :func:`part_of_next`), ``n_articles`` (int, articles of the group naming the entity), ``share_of_mentions`` (float, the entity's share of
        the group's mentions of the kept types: sums to 1 within each group when
        ``min_count=1``), ``n_words`` (int, words in all the group's articles) and
        ``mentions_per_1000_words`` (float). Sorted by the ``by`` columns (missing last),
        then ``n_mentions`` descending, then ``entity_id``.

    Raises:
        ValueError: a required column is missing, ``by`` names a column ``articles`` lacks,
            a mention's article is not in ``articles``, or ``entity_types`` is unknown.

    Example:
        >>> count_entities(linked.mentions, articles, by="outlet", entity_types=["PER"]).head()
    """
    by = [by] if isinstance(by, str) else list(by)
    require_columns(linked_mentions, ["article_id", "entity_id", "name"], name="linked_mentions")
    require_columns(articles, ["article_id", "n_words", *by], name="articles")
    if min_count < 1:
        raise ValueError(f"`min_count` must be >= 1, got {min_count!r}")
    linked = linked_only(linked_mentions, entity_types)
    linked = linked[~part_of_next(linked, articles)]  # "Judge" before "Brett Kavanaugh": one mention
    unknown = sorted(set(linked["article_id"]) - set(articles["article_id"]))
    if unknown:
        raise ValueError(f"`linked_mentions` refer to article_id(s) missing from `articles`: {unknown[:5]}")
    keys = by or ["_all"]
    groups = articles[list(dict.fromkeys(["article_id", "n_words", *by]))].assign(_all="")
    # Missing group values (an article without an outlet) count as one group of their own.
    codes = groups[keys].astype("object").where(groups[keys].notna(), "\0missing")
    groups = groups.assign(**{f"_g{k}": codes[col] for k, col in enumerate(keys)})
    gcols = [f"_g{k}" for k in range(len(keys))]
    words = groups.groupby(gcols, sort=False)["n_words"].sum().rename("n_words").reset_index()
    table = linked[["article_id", "entity_id", "name", "_entity_type"]].merge(
        groups[list(dict.fromkeys(["article_id", *by, *gcols]))], on="article_id", how="left")
    table = table.rename(columns={"article_id": "_article"}).assign(article_id=table["article_id"])
    counts = (table.groupby([*gcols, "entity_id"], sort=False)
              .agg(name=("name", "first"), entity_type=("_entity_type", "first"),
                   n_mentions=("_article", "size"), n_articles=("_article", "nunique"),
                   **{col: (col, "first") for col in by})
              .reset_index())
    counts = counts.merge(words, on=gcols, how="left")
    counts["share_of_mentions"] = counts["n_mentions"] / counts.groupby(gcols)["n_mentions"].transform("sum")
    counts["mentions_per_1000_words"] = 1000 * counts["n_mentions"] / counts["n_words"].where(counts["n_words"] > 0)
    counts = counts[counts["n_mentions"] >= min_count]
    counts = counts.astype({"n_mentions": "int64", "n_articles": "int64", "n_words": "int64",
                            "share_of_mentions": "float64", "mentions_per_1000_words": "float64"})
    missing_last = [counts[g].eq("\0missing") for g in gcols]
    counts = counts.assign(**{f"_m{k}": m for k, m in enumerate(missing_last)})
    order = [c for k, col in enumerate(by) for c in (f"_m{k}", col)]
    counts = counts.sort_values([*order, "n_mentions", "entity_id"],
                                ascending=[True] * len(order) + [False, True], ignore_index=True)
    return counts[[*by, *COUNT_COLUMNS]]
