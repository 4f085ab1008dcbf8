"""Framing analysis (notebook 04): frames from codebooks, keyness, quotations, agency and human coding.

The modules, in the order of the analysis, and the tables they pass on:

- :mod:`~toolkit.framing.codebooks`: codebooks (CSV lexicons) and ``score_frames``
  (tokens → frame scores per article and sentence, with the evidence of every hit),
  ``summarise_frames`` (per group of articles), ``mark_evidence``.
- :mod:`~toolkit.framing.keywords`: ``keyness``, which lemmas a group of articles over- or under-uses
  (not ``keyness.py``: a submodule named like the function would make ``toolkit.framing.keyness``
  the module or the function depending on import order).
- :mod:`~toolkit.framing.quotes`: who is quoted (tokens + linked mentions → quotes).
- :mod:`~toolkit.framing.agency`: who acts on whom (tokens + linked mentions → agency).
- :mod:`~toolkit.framing.coding`: coding sheets and agreement between coders.

Shared machinery, one home each: :mod:`~toolkit.framing.lexicons` reads the lexicon CSV
files (codebooks, speech cues, roles) and gives the form terms and tokens are compared in;
:mod:`~toolkit.framing.cues` reads the speech cues; :mod:`~toolkit.framing.speakers`
parses articles for quotes and agency and resolves a speaker or actor to a linked entity;
:mod:`~toolkit.framing.groups` reads ``by=``.

"""

from toolkit.framing.codebooks import (
    CODEBOOK_COLUMNS,
    CODEBOOKS,
    EVIDENCE_COLUMNS,
    MARKED_COLUMNS,
    NEEDS_TOKENS,
    NON_WORDS,
    PROFILE_COLUMNS,
    SCORE_COLUMNS,
    SENTENCE_SCORE_COLUMNS,
    CodebookError,
    Frames,
    FramingWarning,
    frames_of,
    list_codebooks,
    load_codebook,
    mark_evidence,
    score_frames,
    summarise_frames,
)
from toolkit.framing.keywords import KEYNESS_COLUMNS, keyness
from toolkit.framing.lexicons import parse_term

__all__ = [
    "CODEBOOKS", "CODEBOOK_COLUMNS", "EVIDENCE_COLUMNS", "KEYNESS_COLUMNS", "MARKED_COLUMNS", "NEEDS_TOKENS",
    "NON_WORDS", "PROFILE_COLUMNS", "SCORE_COLUMNS", "SENTENCE_SCORE_COLUMNS", "CodebookError", "Frames",
    "FramingWarning", "frames_of", "keyness", "list_codebooks", "load_codebook", "mark_evidence", "parse_term",
    "score_frames", "summarise_frames",
]
