"""What the engines share: label harmonisation, the paragraph-result shape, the errors and warnings.

The table contracts live in :mod:`toolkit.schema`; the four names below stay importable from
here for ``toolkit/__init__.py`` and the modules that still import them from this path.
"""

from __future__ import annotations

from toolkit.schema import ENTITY_TYPES, MENTION_COLUMNS, SENTENCE_COLUMNS, TOKEN_COLUMNS  # noqa: F401  (re-exported)


# Engine labels → harmonised types. OntoNotes (stanza en, spaCy en: 18 labels), WikiNER
# (stanza fr, spaCy fr: PER/ORG/LOC/MISC), CoNLL-03 and spaCy's own spellings. Non-name
# OntoNotes types (dates, numbers, money...) map to None: they are not entity mentions here.
LABEL_TO_TYPE: dict[str, str | None] = {
    "PER": "PER", "PERSON": "PER", "I-PER": "PER",
    "ORG": "ORG", "ORGANIZATION": "ORG", "NORP": "MISC",
    "LOC": "LOC", "GPE": "LOC", "FAC": "LOC", "LOCATION": "LOC",
    "MISC": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
    "LANGUAGE": "MISC",
    "DATE": None, "TIME": None, "PERCENT": None, "MONEY": None, "QUANTITY": None,
    "ORDINAL": None, "CARDINAL": None,
}


def harmonise_label(label: str) -> str | None:
    """Map an engine's label to PER, ORG, LOC or MISC; None for non-name types (DATE, MONEY...)."""
    label = (label or "").upper()
    if label[:2] in ("B-", "I-", "E-", "S-"):
        label = label[2:]
    return LABEL_TO_TYPE.get(label, "MISC")

MODELS_COMMAND = "python -m toolkit models download fr en"


class ModelNotInstalledError(RuntimeError):
    """An engine's model for a language is not installed; the message names the command to run."""


class AnnotationWarning(UserWarning):
    """An article could not be annotated (no engine for its language) or a cache file was rebuilt."""


# What an engine module returns for each paragraph it annotates (plain Python, so engines
# stay independent of pandas and of each other). Offsets are relative to the paragraph;
# ``annotate`` shifts them into ``articles.text`` and numbers everything.
#
#   {"sentences": [(start_char, end_char), ...],
#    "tokens": [{"sentence": int (index into sentences), "start_char", "end_char",
#                "text": surface form == paragraph[start_char:end_char],
#                "word": syntactic word (differs from text for French multi-word tokens:
#                        "du" → words "de" and "le", both with the offsets and text of "du"),
#                "lemma", "upos", "head": index of the head token in the paragraph
#                (the token itself for the root), "deprel": lower-case UD relation}, ...],
#    "mentions": [{"start_char", "end_char", "text", "label": engine's own label}, ...]}
ParagraphResult = dict
