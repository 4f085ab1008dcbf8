"""Speech cues: the words that mark reported speech and stand for people (``toolkit/data/speech-cues.csv``).

Four kinds (CUE_KINDS): reporting verbs (a déclaré, said), attribution phrases (selon,
according to), anaphors (il, celui qui, he) and role nouns (ministre, minister). Used by
:mod:`toolkit.framing.speakers` and :mod:`toolkit.framing.quotes`; the file's header
documents the format, and a file of your own with the same columns replaces it.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from toolkit.framing.lexicons import CodebookError, normalise_term_series, parse_term, read_lexicon
from toolkit.paths import DATA

__all__ = ["CUES_FILE", "CUE_KINDS", "CueSets", "cue_sets_for", "load_cues", "read_cues"]

CUES_FILE = DATA / "speech-cues.csv"
#: The kinds of speech cue: a reporting verb, an attribution phrase ("selon", "according to"),
#: an anaphor, a role noun, a noun that names an organisation ("the group", "l'organisation").
CUE_KINDS = ("verb", "attribution", "anaphor", "role", "organisation")
# The former name of "attribution" in cue files, still read for one release.
_OLD_KINDS = {"source": "attribution"}


class CueSets(NamedTuple):
    """The cues of one language, as sets of normalised words."""

    verbs: frozenset
    attributions: tuple  # tuples of words ("selon", "according to")
    singular: frozenset  # anaphors for one person
    plural: frozenset
    roles: frozenset
    relative: frozenset  # anaphors that need a relative clause (celui qui)
    organisations: frozenset = frozenset()  # nouns standing for an organisation (the group, l'organisation)
    feminine: frozenset = frozenset()  # anaphors noted "feminine" (elle, she)
    masculine: frozenset = frozenset()  # anaphors noted "masculine" (il, he)
    naming: frozenset = frozenset()  # verbs noted "naming" (call, qualifier): cues of quoted words only
    feminine_roles: frozenset = frozenset()  # role nouns noted "feminine", as written (présidente, spokeswoman)
    masculine_roles: frozenset = frozenset()  # role nouns noted "masculine", as written (président, spokesman)


def load_cues(path: str | Path | None = None) -> pd.DataFrame:
    """Read a speech-cues file (default ``toolkit/data/speech-cues.csv``; its header documents the format).

    Args:
        path: A CSV file with columns ``kind, language, term[, note]``; None for the toolkit's own.

    Returns:
        One row per cue: ``kind`` (str, one of CUE_KINDS: verb, attribution, anaphor, role),
        ``language`` (str), ``term`` (str, normalised), ``note`` (str), ``line`` (int).

    Raises:
        toolkit.framing.CodebookError: a malformed line (the message names the file and line).

    Warns:
        FutureWarning: the file uses the former kind ``source`` (read as ``attribution``).

    Example:
        >>> load_cues().query("kind == 'verb' and language == 'en'")["term"].tolist()[:3]
    """
    path = Path(path) if path is not None else CUES_FILE
    rows = []
    for number, row, line in read_lexicon(path, ["kind", "language", "term"], ["note"]):
        if row["kind"] in _OLD_KINDS:
            row["kind"] = _renamed_kind(row["kind"], f"{path}:{number}")
        if row["kind"] not in CUE_KINDS:
            raise CodebookError(f"{path}:{number}: kind must be one of {list(CUE_KINDS)}, got {row['kind']!r}; "
                                f"line {line!r}")
        if not re.fullmatch(r"[a-z]{2}", row["language"]) or not row["term"]:
            raise CodebookError(f"{path}:{number}: needs an ISO 639-1 language and a term; line {line!r}")
        rows.append((row["kind"], row["language"], row["term"], row.get("note", ""), number))
    table = pd.DataFrame(rows, columns=["kind", "language", "term", "note", "line"])
    table["term"] = normalise_term_series(table["term"].astype("object"))
    return table.astype({"kind": "string", "language": "string", "term": "string", "note": "string", "line": "int64"})


def _renamed_kind(kind: str, where: str) -> str:
    new = _OLD_KINDS[kind]
    warnings.warn(f"{where}: the speech-cue kind {kind!r} is now {new!r}; {kind!r} will not be read after the next "
                  "release", FutureWarning, stacklevel=3)
    return new


def read_cues(cues: str | Path | pd.DataFrame | None) -> pd.DataFrame:
    """A cue table: read from a file (None: the toolkit's own), or given, with former kind names replaced."""
    if not isinstance(cues, pd.DataFrame):
        return load_cues(cues)
    old = cues["kind"].isin(list(_OLD_KINDS))
    if not old.any():
        return cues
    for kind in sorted(set(cues.loc[old, "kind"])):
        _renamed_kind(kind, "`cues`")
    return cues.assign(kind=cues["kind"].astype("object").replace(_OLD_KINDS))


def cue_sets_for(cues: pd.DataFrame, language: str) -> CueSets:
    """The cues of one language from a cue table, as sets (attribution phrases split into words)."""
    mine = cues[cues["language"] == language]
    of = {kind: mine[mine["kind"] == kind] for kind in CUE_KINDS}
    anaphors = of["anaphor"]
    plural = anaphors["note"].fillna("").str.contains("plural")
    relative = anaphors["note"].fillna("").str.contains("relative")
    feminine = anaphors["note"].fillna("").str.contains("feminine")
    masculine = anaphors["note"].fillna("").str.contains("masculine")
    naming = of["verb"]["note"].fillna("").str.contains("naming")
    role_notes = of["role"]["note"].fillna("")
    attributions = tuple(parse_term(t, language=language) for t in of["attribution"]["term"])
    return CueSets(frozenset(of["verb"]["term"]), attributions, frozenset(anaphors[~plural]["term"]),
                   frozenset(anaphors[plural]["term"]), frozenset(of["role"]["term"]),
                   frozenset(anaphors[relative]["term"]), frozenset(of["organisation"]["term"]),
                   frozenset(anaphors[feminine]["term"]), frozenset(anaphors[masculine]["term"]),
                   frozenset(of["verb"][naming]["term"]),
                   frozenset(of["role"][role_notes.str.contains("feminine")]["term"]),
                   frozenset(of["role"][role_notes.str.contains("masculine")]["term"]))
