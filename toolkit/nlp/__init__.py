"""The parser boundary: engines (stanza, spaCy) turn articles into sentence, token and mention tables."""

from toolkit.nlp.tables import (
    ENTITY_TYPES,
    MENTION_COLUMNS,
    MODELS_COMMAND,
    SENTENCE_COLUMNS,
    TOKEN_COLUMNS,
    ModelNotInstalledError,
    harmonise_label,
)
