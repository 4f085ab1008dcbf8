"""Lexicon CSV files and their terms: reading, normalising, splitting, lemmatising (codebooks, speech cues, roles).

The codebooks (:mod:`toolkit.framing.codebooks`), the speech cues and the role table
(:mod:`toolkit.framing.speakers`) are hand-edited CSV files with a header, ``#`` comments
and blank lines. This module reads them, checking the header and each row, and gives the
one form in which their terms and the corpus's tokens are compared.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.corpus.reading import read_text_file
from toolkit.text import lemma, normalise_terms, tokenize_words

__all__ = [
    "CodebookError", "normalise_term", "normalise_term_series", "parse_term", "read_lexicon", "split_term",
    "term_lemmas",
]

# French and English write the ligatures both ways ("mise en œuvre", "mise en oeuvre").
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


class CodebookError(ValueError):
    """A codebook, speech-cues or role file is malformed; the message names the file and line."""


# ---------------------------------------------------------------- the form terms are compared in


def normalise_term_series(texts: pd.Series) -> pd.Series:
    """The matching form of token texts or terms: :func:`toolkit.text.normalise_terms` (NFC, ``'``,
    lower case), then the ligatures spelled out (œ → oe, æ → ae).

    Args:
        texts: Strings as written (missing values stay missing).

    Returns:
        A Series of str aligned with ``texts``.
    """
    # Once per distinct string: a token column repeats a vocabulary of thousands millions of times.
    codes, uniques = pd.factorize(texts)
    forms = normalise_terms(pd.Series(uniques, dtype="object")).str.translate(_LIGATURES).to_numpy(dtype=object)
    values = np.append(forms, np.nan)[codes]  # code -1 (a missing value) takes the trailing NaN
    return pd.Series(values, index=texts.index, dtype="object")


def normalise_term(text) -> str:
    """The matching form of one string (see :func:`normalise_term_series`): ``"Œuvre d’art"`` → ``"oeuvre d'art"``.

    For many strings, :func:`normalise_term_series` is much faster.
    """
    return normalise_term_series(pd.Series([str(text)], dtype="object")).iloc[0]


def term_lemmas(words: Sequence[str], language: str) -> list[str]:
    """The lemmas of term words in the matching form (:func:`toolkit.text.lemma`: one cache for the package).

    A word is its own lemma when the language is ``""``, ``"*"`` (every language) or one simplemma lacks.
    """
    lemmas = [lemma(w, language) for w in words]
    return normalise_term_series(pd.Series(lemmas, dtype="object")).tolist()


def _word_pieces(word: str, language: str | None) -> list[str]:
    """Split an elided clitic off a term word as the tokenizer does ("d'armes" → "d'", "armes").

    A word the tokenizer would change otherwise (drop a "." of "u.s.", a ``*`` of a prefix
    pattern) is kept whole: parsers keep such tokens whole too.
    """
    base, star = (word[:-1], "*") if word.endswith("*") else (word, "")
    if "*" in base or "'" not in base:
        return [word]
    pieces = [w for w, _, _ in tokenize_words(base, language=language or "fr")]
    if len(pieces) < 2 or "".join(pieces) != base:
        return [word]
    return [*pieces[:-1], pieces[-1] + star]


def parse_term(term: str, *, language: str | None = None) -> tuple[str, ...]:
    """Split a codebook term into normalised words, as the parsers split text.

    Args:
        term: A term as written in a codebook: one or more words separated by spaces; a
            word may end in ``*`` (prefix match); French elisions are split (``d'armes``).
        language: The term's language (ISO 639-1), for the tokenizer's elision rules;
            None (or ``"*"``) splits French elisions.

    Returns:
        The words, normalised (NFC, lower case, ``'``, œ → oe), e.g. ``("compagnon", "d'", "armes")``.

    Raises:
        ValueError: the term is empty, or a ``*`` is not at the end of a word of 2+ letters.

    Example:
        >>> parse_term("Compagnon d’armes")
        ('compagnon', "d'", 'armes')
    """
    return split_term(normalise_term(term), language=language)


def split_term(normalised: str, *, language: str | None = None) -> tuple[str, ...]:
    """:func:`parse_term` of a term already in the matching form (:func:`normalise_term_series`), for many terms."""
    language = None if language in (None, "", "*") else language
    words = [piece for word in normalised.split() for piece in _word_pieces(word, language)]
    if not words:
        raise ValueError("empty term")
    for word in words:
        if "*" in word.rstrip("*") or word.count("*") > 1 or (word.endswith("*") and len(word) < 3):
            raise ValueError(f"'*' may only end a word of at least 2 letters, got {word!r}")
    return tuple(words)


# ---------------------------------------------------------------- reading the files


def _data_lines(path: Path):
    """Yield (line number, parsed fields, line) for each non-blank, non-comment line of a CSV file."""
    try:
        lines = read_text_file(path, what="lexicon").splitlines()
    except UnicodeDecodeError as err:
        raise CodebookError(f"{path}: not UTF-8 text ({err})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error as err:
            raise CodebookError(f"{path}:{number}: malformed CSV ({err}); got {line!r}") from None
        yield number, [f.strip() for f in fields], line


def read_lexicon(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> list[tuple[int, dict, str]]:
    """Read a header + rows CSV file (``#`` comments and blank lines allowed), checking the header and each row.

    Args:
        path: The file (UTF-8, with or without a byte-order mark).
        required: Columns the header must have (in any order).
        optional: Further columns it may have; a row may leave them out at its end.

    Returns:
        ``(line number, {column: stripped field}, line as written)`` per data row, in file order.

    Raises:
        CodebookError: not UTF-8, malformed CSV, a missing column or a row of the wrong
            width; the message names the file and line.
    """
    rows = _data_lines(path)
    try:
        header_line, header, _ = next(rows)
    except StopIteration:
        raise CodebookError(f"{path}: empty file; expected a header {','.join(required)}") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise CodebookError(f"{path}:{header_line}: header lacks column(s) {missing}; "
                            f"expected {','.join([*required, *optional])}, got {','.join(header)}")
    out = []
    for number, fields, line in rows:
        if len(fields) > len(header) or len(fields) < len(required):
            raise CodebookError(f"{path}:{number}: expected {len(header)} fields ({','.join(header)}), "
                                f"got {len(fields)}; got {line!r}")
        fields += [""] * (len(header) - len(fields))
        out.append((number, dict(zip(header, fields)), line))
    return out
