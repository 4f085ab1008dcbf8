"""Link mentions to entities across spellings, titles, languages and short forms (mentions → entities).

:func:`link_entities` and the order of its stages: :mod:`~toolkit.entities.linking.link`.
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
from toolkit.entities.linking.persons import DOMINANT_SHARE
from toolkit.entities.linking.screening import INTERFACE_WORDS
from toolkit.entities.linking.spelling import (OCR_CORPUS_MIN_LETTERS, OCR_CORPUS_MIN_MENTIONS, OCR_CORPUS_RATIO,
                                               OCR_MIN_LETTERS)

__all__ = [
    "DOMINANT_SHARE", "INTERFACE_WORDS", "LINK_COLUMNS", "LINK_INPUT_COLUMNS", "MERGE_COLUMNS", "NEEDS_MENTIONS",
    "OCR_CORPUS_MIN_LETTERS", "OCR_CORPUS_MIN_MENTIONS", "OCR_CORPUS_RATIO", "OCR_MIN_LETTERS", "RULES", "Linked",
    "link_entities",
]
