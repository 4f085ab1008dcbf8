"""Titles, ranks and articles before a name, and a possessive ’s after it (the ``strip-title`` rule).

The titles come from ``toolkit/data/titles.txt`` (one title a line; see its header), the
civilities of ``toolkit/data/civilities.csv`` marked ``stripped`` and the user's extra files;
:func:`strip_title` removes them from one name, :func:`split_title` says what it removed, for
the audit trail of :func:`toolkit.entities.link_entities`. :func:`civilities` reads the same
table for the linking rules that ask what a civility says: a sex, a person.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from toolkit.paths import DATA
from toolkit.text import folded_words

#: The default titles file (one title a line; see its header for the format).
TITLES_FILE = DATA / "titles.txt"
#: The civilities and the titles only a person bears, one table for title stripping and the linking rules
#: (columns ``civility, sex, names_a_person, stripped``; see its header).
CIVILITIES_FILE = DATA / "civilities.csv"

# Words as titles are compared, matched on NFC text: combining marks are not \w, so "Trần" in
# NFD would split into "Tra" + "n". (Not toolkit.text.tokenize_words: titles are compared word
# by word across hyphens and apostrophes, "vice-ministre" = "vice" "ministre", "=l'" = "l".)
_WORD = re.compile(r"\w+")


class Title(NamedTuple):
    """One title of a titles file, as its words."""

    tokens: tuple[str, ...]
    article: bool  # '=' lines: stripped only in lower case or before another title


class Stripped(NamedTuple):
    """What :func:`split_title` found in one mention."""

    clean: str      # the mention without surrounding punctuation
    name: str       # ... and without leading titles and a possessive 's
    removed: str    # the titles removed ("" if none)
    possessive: bool


def title_tokens(text: str) -> tuple[str, ...]:
    """The words of a title or mention as titles are compared."""
    # Case-folded but accents kept, so the Vietnamese surname "Lê" is never the article "le".
    return tuple(w.casefold() for w in _WORD.findall(unicodedata.normalize("NFC", text)))


class Civilities(NamedTuple):
    """What the civilities table says, folded (accents and case removed): :func:`civilities`."""

    women: frozenset[str]           # a woman's civility ("mme", "mrs", "miss")
    men: frozenset[str]             # a man's ("m", "mr", "herr")
    beauty_titles: frozenset[str]   # a sex but no person: "miss" ("Miss Bretagne")
    person_titles: frozenset[str]   # no sex, but only a person bears it ("dr", "mgr", "pope")


@functools.cache
def _read_civilities(path: Path, _mtime: int) -> tuple[tuple[str, str, bool, bool], ...]:
    """The rows of a civilities table: (civility as written, sex, names_a_person, stripped)."""
    numbered = [(k, line) for k, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), 1)
                if line.strip() and not line.lstrip().startswith("#")]
    rows = []
    for (line_no, _), row in zip(numbered[1:], csv.DictReader(line for _, line in numbered)):
        civility, sex = (row.get("civility") or "").strip(), (row.get("sex") or "").strip()
        flags = [(row.get(column) or "").strip().lower() for column in ("names_a_person", "stripped")]
        if not civility or sex not in ("", "f", "m") or any(f not in ("yes", "no") for f in flags):
            raise ValueError(f"{path}, line {line_no}: a row must give a civility, a sex f, m or empty, and "
                             f"yes or no for names_a_person and stripped, got {dict(row)}")
        rows.append((civility, sex, flags[0] == "yes", flags[1] == "yes"))
    return tuple(rows)


def _civility_rows() -> tuple[tuple[str, str, bool, bool], ...]:
    return _read_civilities(CIVILITIES_FILE, CIVILITIES_FILE.stat().st_mtime_ns)


def civilities() -> Civilities:
    """The civilities table (``toolkit/data/civilities.csv``), folded: who each civility says a person is."""
    rows = [("".join(folded_words(written)), sex, person) for written, sex, person, _ in _civility_rows()]
    return Civilities(frozenset(c for c, sex, _ in rows if sex == "f"),
                      frozenset(c for c, sex, _ in rows if sex == "m"),
                      frozenset(c for c, sex, person in rows if sex and not person),
                      frozenset(c for c, sex, person in rows if not sex and person))


@functools.cache
def _read_titles(files: tuple[tuple[Path, int], ...], stripped: tuple[str, ...] = ()) -> tuple[Title, ...]:
    """Parse titles files (given with their modification times, for the cache), plus the civilities stripped."""
    titles = {Title(title_tokens(c), False) for c in stripped if title_tokens(c)}
    for path, _ in files:
        for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
            entry = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
            article = entry.startswith("=")
            tokens = title_tokens(entry.lstrip("="))
            if tokens:
                titles.add(Title(tokens, article))
    # Longest first, so "général de division" wins over "général".
    return tuple(sorted(titles, key=lambda t: (-len(t.tokens), t.tokens, t.article)))


def as_paths(value) -> list[Path]:
    """None, one path or several paths, as a list of Paths."""
    if value is None:
        return []
    if isinstance(value, (str, Path)):
        return [Path(value)]
    return [Path(v) for v in value]


def load_titles(extra: str | Path | Sequence[str | Path] | None = None) -> tuple[Title, ...]:
    """The default titles (with the civilities stripped) plus those of ``extra`` files, longest first."""
    paths = (TITLES_FILE, *as_paths(extra))
    stripped = tuple(written for written, _, _, strip in _civility_rows() if strip)
    # Keyed by modification time too, so an edited file is re-read without restarting the kernel.
    return _read_titles(tuple((path, path.stat().st_mtime_ns) for path in paths), stripped)


def _title_at(words: list[tuple[int, int, str]], i: int, titles: Sequence[Title]) -> list[Title]:
    """The titles that match the words starting at ``words[i]``, longest first."""
    return [t for t in titles if tuple(w[2] for w in words[i:i + len(t.tokens)]) == t.tokens]


def split_title(text: str, titles: Sequence[Title]) -> Stripped:
    """Remove leading titles and a trailing possessive from one mention's text (NFC-normalised first)."""
    text = unicodedata.normalize("NFC", text)
    words = [(m.start(), m.end(), m.group().casefold()) for m in _WORD.finditer(text)]
    if not words:
        return Stripped(text.strip(), text.strip(), "", False)
    i = 0
    while True:
        for title in _title_at(words, i, titles):
            j = i + len(title.tokens)
            if j >= len(words):
                continue  # never strip a mention to nothing ("the Deputy Minister")
            title_follows = bool(_title_at(words, j, titles))
            if title.article:
                ok = text[words[i][0]].islower() or title_follows
            else:
                # A capitalised name must follow: "Minister of the Interior" is an office.
                ok = text[words[j][0]].isupper() or title_follows
            if ok:
                i = j
                break
        else:
            break
    clean = text.strip().strip(",;:\"“”«»()[]").strip()
    name = text[words[i][0]:].rstrip().rstrip(",;:\"“”«»()[]").rstrip()
    possessive = re.search(r"(?<=\w)['’ʼ]s$", name) is not None and len(words) - i > 1
    if possessive:
        name = name[:-2]
    # When nothing was stripped, keep the clean form (it may start with a bracket or a quote).
    if i == 0 and not possessive:
        name = clean
    return Stripped(clean, name, text[:words[i][0]].strip(), possessive)


def is_title_only(text: str, titles: Sequence[Title]) -> bool:
    """Whether a mention is nothing but titles and articles ("M.", "Pope", "the President", "Mme")."""
    words = title_tokens(text)
    i = 0
    while i < len(words):
        match = next((t for t in titles if words[i:i + len(t.tokens)] == t.tokens), None)
        if match is None:
            return False
        i += len(match.tokens)
    return bool(words)


def strip_title(text: str, *, titles: str | Path | Sequence[str | Path] | None = None) -> str:
    """Remove leading titles, ranks and articles, and a possessive ’s, from a name.

    Args:
        text: A mention's text.
        titles: Extra titles files (same format as ``toolkit/data/titles.txt``), added to it.

    Returns:
        The name (NFC): ``"le général de division Lázaro Alberto Álvarez Casas"`` →
        ``"Lázaro Alberto Álvarez Casas"``, ``"Việt Nam’s"`` → ``"Việt Nam"``; unchanged when
        nothing applies (``"La Havane"``, ``"Minister of the Interior of Cuba"``).

    Example:
        >>> strip_title("Deputy Minister Senior Lieutenant General Trần Quốc Tỏ")
        'Trần Quốc Tỏ'
    """
    return split_title(str(text), load_titles(titles)).name
