"""The alias files: translations, exonyms and acronyms that name one entity (the ``alias`` rule).

``toolkit/data/aliases.csv`` (``canonical, variant, entity_type, note``; see its header) and
the user's files, read and validated line by line by :func:`load_aliases`.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from toolkit.corpus.reading import read_text_file
from toolkit.paths import DATA
from toolkit.schema import ENTITY_TYPES
from toolkit.text import fold_name, folded_words

#: The default alias file (``canonical, variant, entity_type, note``; see its header).
ALIASES_FILE = DATA / "aliases.csv"
#: Columns of :func:`load_aliases`.
ALIAS_COLUMNS = ["canonical", "variant", "entity_type", "note", "source"]


class Alias(NamedTuple):
    """One alias line: ``variant`` names the entity ``canonical`` of ``entity_type``."""

    canonical: str
    entity_type: str
    variant: str
    source: str  # "file:line"


def _read_alias_file(path: Path) -> list[dict]:
    """Rows of one alias file, validated line by line."""
    rows, header, seen = [], None, {}
    for number, line in enumerate(read_text_file(path, what="alias file").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            fields = [f.strip() for f in next(csv.reader([line], strict=True))]
        except csv.Error as err:
            raise ValueError(f"{path}, line {number}: not a valid CSV line ({err}): {line!r}") from None
        if header is None:
            header = [f.lower() for f in fields]
            missing = [c for c in ("canonical", "variant", "entity_type") if c not in header]
            if missing:
                raise ValueError(f"{path}, line {number}: the header must name the columns canonical, variant, "
                                 f"entity_type (and optionally note); it lacks {missing}: {line!r}")
            continue
        if len(fields) > len(header):
            raise ValueError(f"{path}, line {number}: {len(fields)} fields for the {len(header)} columns "
                             f"{header}; quote a name that contains a comma: {line!r}")
        row = dict(zip(header, fields + [""] * (len(header) - len(fields))))
        empty = [c for c in ("canonical", "variant", "entity_type") if not row[c]]
        if empty:
            raise ValueError(f"{path}, line {number}: {empty} must not be empty: {line!r}")
        if row["entity_type"] not in ENTITY_TYPES:
            raise ValueError(f"{path}, line {number}: entity_type must be one of {list(ENTITY_TYPES)}, "
                             f"got {row['entity_type']!r}")
        key = fold_name(row["variant"])
        if not key or not fold_name(row["canonical"]):
            raise ValueError(f"{path}, line {number}: a name needs at least one letter or digit: {line!r}")
        target = (fold_name(row["canonical"]), row["entity_type"])
        if key in seen and seen[key][0] != target:
            raise ValueError(f"{path}, line {number}: variant {row['variant']!r} is already an alias of "
                             f"{seen[key][1]!r} on line {seen[key][2]}")
        seen[key] = (target, row["canonical"], number)
        rows.append({"canonical": row["canonical"], "variant": row["variant"],
                     "entity_type": row["entity_type"], "note": row.get("note", ""),
                     "source": f"{path.name}:{number}"})
    return rows


def load_aliases(*extra: str | Path) -> pd.DataFrame:
    """Read the alias file, with the user's alias files after it.

    Args:
        *extra: CSV files with the columns of ``toolkit/data/aliases.csv`` (``canonical,
            variant, entity_type`` and optionally ``note``; ``#`` lines are comments). In
            :func:`link_entities`, a later file's line replaces an earlier line for the same
            (folded) variant.

    Returns:
        One row per alias line, in file order: ``canonical``, ``variant``, ``entity_type``,
        ``note``, ``source`` (``"file:line"``), all str.

    Raises:
        ValueError: a malformed line (wrong number of fields, empty name, unknown
            entity_type, a variant given two canonical names in one file); the message
            names the file and the line.

    Example:
        >>> load_aliases("my-aliases.csv").tail(3)
    """
    rows = []
    for path in (ALIASES_FILE, *extra):
        rows += _read_alias_file(Path(path))
    return pd.DataFrame(rows, columns=ALIAS_COLUMNS, dtype="str")


def alias_map(aliases: pd.DataFrame) -> dict[tuple[str, ...], Alias]:
    """Folded variant → alias; later lines win, and canonical names map to themselves."""
    explicit: dict[tuple[str, ...], Alias] = {}
    for row in aliases.itertuples(index=False):
        explicit[folded_words(row.variant)] = Alias(row.canonical, row.entity_type, row.variant, row.source)
    # A canonical name is a variant of itself, unless a line sends it elsewhere.
    implicit = {}
    for alias in explicit.values():
        implicit.setdefault(folded_words(alias.canonical), alias._replace(variant=alias.canonical))
    return {**implicit, **explicit}
