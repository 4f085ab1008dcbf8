"""The parser boundary: engines (stanza, spaCy) turn articles into sentence, token and mention tables.

- ``annotate``: engine choice per language and assembly of the three tables (``toolkit.annotate``);
- ``cache``: the Parquet cache of annotations; ``schedule``: processes and Dask;
- ``names``: the gazetteer and name propagation, on top of any engine;
- ``spacy_engine``, ``stanza_engine``: the engines; ``tables``: what they share;
- ``lemmas``: spaCy's French lemmas checked against French lexicons (simplemma's, spaCy's own).
"""

from toolkit.nlp.tables import (
    ENTITY_TYPES,
    MENTION_COLUMNS,
    MODELS_COMMAND,
    SENTENCE_COLUMNS,
    TOKEN_COLUMNS,
    ModelNotInstalledError,
    harmonise_label,
)
