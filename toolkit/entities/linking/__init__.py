"""Link mentions to entities across spellings, titles, languages and short forms (mentions → entities).

:func:`link_entities` and the order of its stages are in :mod:`~toolkit.entities.linking.link`,
with the audit (entity types and names, rule chains, the ``entities`` and ``merges``
tables). One module per rule family: :mod:`~toolkit.entities.linking.screening` (trim,
strip-title, not-a-name, title-only, fragment, nationality),
:mod:`~toolkit.entities.linking.grouping` (fold, initials, alias, article,
same-name-in-article, and where the aliases come from), :mod:`~toolkit.entities.linking.spelling` (ocr-spelling),
:mod:`~toolkit.entities.linking.persons` (partial names, surname-not-place,
middle-name, transliteration), :mod:`~toolkit.entities.linking.abbreviations` (official-name, acronym,
org-short-form, company-short-form, abbreviation, country-code);
:mod:`~toolkit.entities.linking.state` holds the structures they share (``_Mentions``,
``_Groups``). The stage modules import ``state`` only; ``link`` imports them all.
"""

from toolkit.entities.linking.link import (
    LINK_COLUMNS,
    LINK_INPUT_COLUMNS,
    MERGE_COLUMNS,
    NEEDS_MENTIONS,
    RULES,
    Linked,
    link_entities,
)
from toolkit.entities.linking.persons import DOMINANT_MIN_ARTICLES, DOMINANT_SHARE
from toolkit.entities.linking.screening import INTERFACE_WORDS
from toolkit.entities.linking.spelling import (OCR_CORPUS_MIN_LETTERS, OCR_CORPUS_MIN_MENTIONS, OCR_CORPUS_RATIO,
                                               OCR_MIN_LETTERS)

__all__ = [
    "DOMINANT_MIN_ARTICLES", "DOMINANT_SHARE", "INTERFACE_WORDS", "LINK_COLUMNS", "LINK_INPUT_COLUMNS", "MERGE_COLUMNS", "NEEDS_MENTIONS",
    "OCR_CORPUS_MIN_LETTERS", "OCR_CORPUS_MIN_MENTIONS", "OCR_CORPUS_RATIO", "OCR_MIN_LETTERS", "RULES", "Linked",
    "link_entities",
]
