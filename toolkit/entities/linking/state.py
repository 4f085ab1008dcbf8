"""The state every stage of :func:`~toolkit.entities.linking.link_entities` reads and changes.

``_Mentions``: the mentions as per-row lists (names, folded words, what screening and each
rule decided); ``_Groups``: the fold and alias groups and the union-find that the corpus
rules merge them with. Every stage module imports these; this module imports no other module
of the package.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from toolkit.entities.aliases import Alias
from toolkit.entities.titles import Stripped


def article_texts(articles: pd.DataFrame | None) -> dict:
    """article_id → text; empty without the articles or their ``text``."""
    if articles is None or "text" not in articles.columns:
        return {}
    return dict(zip(articles["article_id"], articles["text"]))


def offset(value) -> int | None:
    """A mention's ``start_char`` or ``end_char`` as an int; None where the table has none (None, NaN, NA)."""
    return None if value is None or pd.isna(value) else int(value)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> tuple[int, int] | None:
    """1-based (first, last) word positions of ``shorter`` as a contiguous run in ``longer``."""
    n = len(shorter)
    for start in range(len(longer) - n + 1):
        if longer[start:start + n] == shorter:
            return start + 1, start + n
    return None


class _Group(NamedTuple):
    kind: str                  # "fold" or "alias"
    key: tuple[str, ...]       # the folded name (alias: of the canonical name)
    family: str                # "PER", "ORG/LOC" or "MISC" (alias: its entity_type)
    alias: Alias | None


class _Groups:
    """The fold and alias groups, numbered in order of creation, and the union-find that
    ``partial-name-corpus`` merges them with."""

    def __init__(self):
        self.groups: list[_Group] = []
        self.parent: list[int] = []
        self._number: dict[tuple, int] = {}

    def __getitem__(self, g: int) -> _Group:
        return self.groups[g]

    def add(self, kind: str, key: tuple[str, ...], family: str, alias: Alias | None = None) -> int:
        """The number of the group (kind, key, family), created on first use."""
        if (kind, key, family) not in self._number:
            self._number[(kind, key, family)] = len(self.groups)
            self.groups.append(_Group(kind, key, family, alias))
            self.parent.append(len(self.parent))
        return self._number[(kind, key, family)]

    def is_person(self, g: int) -> bool:
        """PER groups: fold groups of the PER family, or PER aliases."""
        return self.groups[g].family == "PER"

    def find(self, g: int) -> int:
        """The group that ``g`` was merged into (itself when it was not)."""
        parent = self.parent
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g


class _Mentions(NamedTuple):
    """One list per attribute, item ``i`` for row ``i`` of the (index-reset) mentions."""

    texts: list[str]
    article_ids: list
    engine_types: list[str]   # missing → MISC
    stripped: list[Stripped]  # after strip-title (or the whole form, when an alias lists it)
    names: list[str]          # the name as written, titles stripped
    keys: list[tuple[str, ...]]  # its folded words
    starts: list              # start_char (None when the table has none)
    screened: dict            # mention → (rule, evidence): not-a-name, title-only (unlinked), nationality
    moved_by: dict            # mention → (rule, evidence) of a rule that chose its group: article
    nearest: set              # mentions partial-name gave to the nearest of several full names
    title_of: set             # title-only mentions title-of-name gave to the name after them
    titled: set               # names written right after a title: they vote PER for their entity's type
