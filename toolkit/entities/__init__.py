"""Link mentions to entities across spellings and languages, count them, and find co-occurrences (mentions → entities).

``link_entities`` turns the ``mentions`` table (one row per name an engine found) into
entities: "Deputy Minister Senior Lieutenant General Trần Quốc Tỏ" (English), "Trân Quôc To"
(French) and the bare "To" of a later English sentence become one person,
``PER:tran-quoc-to``, named "Trần Quốc Tỏ". Every decision is recorded in a ``merges`` table
(which rule, on what evidence), so a reader can check the linking instead of trusting it.
The rules are deliberately simple and conservative; three user-editable files steer them:
``toolkit/data/titles.txt`` (titles and ranks to strip), ``toolkit/data/civilities.csv``
(civilities and the titles only a person bears: stripped, and what they say of a person) and
``toolkit/data/aliases.csv`` (translations, exonyms and acronyms).

Modules: :mod:`~toolkit.entities.titles` (strip-title), :mod:`~toolkit.entities.aliases`
(the alias files), :mod:`~toolkit.entities.places` (country names, demonyms),
:mod:`~toolkit.entities.linking` (:func:`link_entities`; a subpackage, one module per rule family),
:mod:`~toolkit.entities.counting` (:func:`count_entities`) and
:mod:`~toolkit.entities.cooccurrence` (:func:`cooccurrences`, :func:`cooccurrence_graph`).
"""

from toolkit.entities.aliases import ALIAS_COLUMNS, ALIASES_FILE, load_aliases
from toolkit.entities.cooccurrence import EDGE_COLUMNS, UNITS, WINDOWS, cooccurrence_graph, cooccurrences
from toolkit.entities.counting import COUNT_COLUMNS, count_entities
from toolkit.entities.linking import (
    LINK_COLUMNS,
    LINK_INPUT_COLUMNS,
    MERGE_COLUMNS,
    NEEDS_MENTIONS,
    RULES,
    Linked,
    link_entities,
)
from toolkit.entities.titles import TITLES_FILE, strip_title
from toolkit.schema import ENTITY_COLUMNS
from toolkit.text import fold, fold_name, folded_words  # re-exported: they were importable from here

__all__ = [
    "ALIAS_COLUMNS", "ALIASES_FILE", "COUNT_COLUMNS", "EDGE_COLUMNS", "ENTITY_COLUMNS", "LINK_COLUMNS",
    "LINK_INPUT_COLUMNS", "MERGE_COLUMNS", "NEEDS_MENTIONS", "RULES", "TITLES_FILE", "UNITS", "WINDOWS",
    "Linked", "cooccurrence_graph", "cooccurrences", "count_entities", "fold", "fold_name", "folded_words",
    "link_entities", "load_aliases", "strip_title",
]
