"""What two texts can share across languages: folded words, numbers and months, names and entity keys.

Used by stories (anchor similarity), alignment (sentence anchors, content words) and versions
(numbers and dates one version alone gives); words come from :func:`toolkit.text.tokenize_words`.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable

import pandas as pd

from toolkit.compare.common import cell_text
from toolkit.text import MONTH_ABBREVIATIONS, MONTHS, NUMBER, WEEKDAYS, fold, load_stopwords, number_value, tokenize_words


def word_spans(text: str, language) -> list[tuple[str, int, int]]:
    """Word tokens of ``text`` as (folded word, start_char, end_char)."""
    return [(fold(w), s, e) for w, s, e in tokenize_words(cell_text(text), language=language if isinstance(language, str) else None)]


@functools.cache
def stopwords() -> frozenset[str]:
    """French and English stopwords, folded: never anchors, never content words."""
    return frozenset(fold(w) for lang in ("fr", "en") for w in load_stopwords(lang))


def find_numbers(text: str, language, *, dates: bool = False) -> list[tuple[str, str, int, int]]:
    """Numbers and month names in ``text``: (normalised value, as written, start_char, end_char).

    Months are ``month:N`` in both languages, so "22 au 26 octobre" and "October 22-26"
    share {22, 26, month:10}. English "may" counts only when capitalised (the verb is not a month).

    With ``dates=True``, a day written next to its month is one value ``date:M-D`` (month,
    then day), whichever comes first and however the month is written: "Sept. 11",
    "September 11th", "11 septembre" and "the 11th of September" are all ``date:9-11``,
    "Sept. 12" is ``date:9-12``, and none is the number 11 or 12. A range or list of days
    before or after one month gives a date per day ("22 au 26 octobre", "October 22-26",
    "22, 23 et 24 octobre"). Abbreviated months ("Sept.", "oct.", "janv.") count in a date,
    capitalised or followed by a full stop, and alone only capitalised with their full stop
    ("in Sept. 2012" is ``month:9``; French "sept" is also seven). Known limits, rare in news:
    days listed with commas alone ("3, 4, 5 May") are numbers but the last, a comma being also
    a list of numbers ("Of the 5, 12 September voters"); "Jan." before a name ("Jan. Smith")
    is a month. A year stays
    a number of its own ("Sept. 11, 2001": ``date:9-11`` and 2001); a month without a day
    stays ``month:N``.
    """
    text = cell_text(text)
    numbers = [(number_value(m.group()), m.group(), m.start(), m.end()) for m in NUMBER.finditer(text)]
    months = []
    for word, start, end in tokenize_words(text, language=language if isinstance(language, str) else None):
        key = fold(word)
        month = MONTHS.get(key)
        if month and (word[0].isupper() or key not in ("may", "march")):
            months.append((month, start, end, False))
        elif dates and key in _ABBREVIATED and (word[0].isupper() or text[end:end + 1] == "."):
            # Alone (no day), only capitalised with its full stop: "in Sept. 2012"; French "sept." is seven.
            stop = text[end:end + 1] == "."
            months.append((_ABBREVIATED[key], start, end + stop, not (word[0].isupper() and stop)))
    found, used = _dates(text, numbers, months) if dates else ([], set())
    found += [n for k, n in enumerate(numbers) if k not in used]
    found += [(f"month:{month}", text[s:e], s, e) for k, (month, s, e, in_date_only) in enumerate(months)
              if not in_date_only and ("month", k) not in used]
    return sorted(found, key=lambda n: n[2])


_ABBREVIATED = {fold(name): month for name, month in MONTH_ABBREVIATIONS.items()}
_SPACE = r"[ \t\u00a0\u202f]"
_ORDINAL = r"(?:st|nd|rd|th|er|e|ème|eme)?"
# Between a day and its month: "11 septembre", "11th of September"; a month and its day: "Sept. 11", "October 11".
_DAY_MONTH = re.compile(rf"{_ORDINAL}{_SPACE}+(?:of{_SPACE}+)?")
_MONTH_DAY = re.compile(rf"{_SPACE}+")
# Between two days of a range or a list: "22-26", "du 22 au 26", "22 and 23", and before a month also "22, 23 et 24".
_JOIN = rf"{_ORDINAL}(?:{_SPACE}*[-\u2013\u2014]{_SPACE}*|{_SPACE}+(?:au|to|through|and|et|&|or|ou){_SPACE}+)"
_JOIN_AFTER = re.compile(_JOIN)
# A comma joins days only in a list that a word or dash ends before the month ("22, 23 et 24 octobre", not
# "Of the 5, 12 September voters").
_COMMA = re.compile(rf"{_ORDINAL},{_SPACE}+")
_DAY_END = re.compile(rf"{_ORDINAL}(?![\w%:])")


def _day(text: str, number: tuple[str, str, int, int]) -> int | None:
    """The day a number written alone stands for (1 to 31, "11th", "1er"), else None ("1.5", "$5", "2001")."""
    value, written, start, end = number
    if not written.isdigit() or not 1 <= int(value) <= 31 or not _DAY_END.match(text, end):
        return None
    return None if start and (text[start - 1].isalnum() or text[start - 1] in "$€£.,/:") else int(value)


def _dates(text: str, numbers: list, months: list) -> tuple[list[tuple[str, str, int, int]], set]:
    """The dates of find_numbers(dates=True), and what they use: indices of ``numbers`` and ("month", index)."""
    found, used = [], set()
    starts = [n[2] for n in numbers]
    for k, (month, start, end, _) in enumerate(months):
        before = bisect.bisect_right(starts, start) - 1
        days = []
        # A day before its month ("11 septembre") first: the number after may then be a year ("11 septembre 2001").
        if before >= 0 and before not in used and _DAY_MONTH.fullmatch(text, numbers[before][3], start):
            days = [before] if _day(text, numbers[before]) else []
            while days and days[0] > 0 and days[0] - 1 not in used:
                earlier, later = numbers[days[0] - 1], numbers[days[0]]
                joined = _JOIN_AFTER.fullmatch(text, earlier[3], later[2]) or (
                    len(days) > 1 and _COMMA.fullmatch(text, earlier[3], later[2]))
                if not (joined and _day(text, earlier) and _day(text, earlier) < _day(text, later)):
                    break
                days.insert(0, days[0] - 1)
        after = before + 1
        if not days and after < len(numbers) and _MONTH_DAY.fullmatch(text, end, numbers[after][2]):
            days = [after] if _day(text, numbers[after]) else []
            while days and days[-1] + 1 < len(numbers):
                earlier, later = numbers[days[-1]], numbers[days[-1] + 1]
                if not (_JOIN_AFTER.fullmatch(text, earlier[3], later[2]) and _day(text, later)
                        and _day(text, later) > _day(text, earlier)):
                    break
                days.append(days[-1] + 1)
        if days:
            s, e = min(start, numbers[days[0]][2]), max(end, numbers[days[-1]][3])
            found += [(f"date:{month}-{_day(text, numbers[d])}", text[s:e], s, e) for d in days]
            used |= set(days) | {("month", k)}
    return found, used


def find_names(text: str, language) -> set[str]:
    """Capitalised words that are not stopwords, folded: a cheap stand-in for linked entities."""
    names = set()
    for word, _, _ in tokenize_words(cell_text(text), language=language if isinstance(language, str) else None):
        key = fold(word)
        if word[:1].isupper() and key not in stopwords() and key not in WEEKDAYS and key not in MONTHS:
            names.add(key)
    return names


def find_anchors(text: str, language, entity_ids: Iterable[str] | None = None) -> set[str]:
    """Lexical anchors of a text: numbers and months, plus linked entity ids or else capitalised names.

    Days and months are anchors apart (``find_numbers`` without ``dates``), as the one-pass
    reading of :mod:`toolkit.compare.stories` reads them; reading dates whole here left the
    alignment benchmark's figures unchanged.
    """
    anchors = {value for value, *_ in find_numbers(text, language)}
    return anchors | (set(entity_ids) if entity_ids is not None else {f"name:{n}" for n in find_names(text, language)})


def entity_keys(mentions: pd.DataFrame) -> pd.Series:
    """Entity keys of mentions: ``entity_id`` after linking, else the folded mention text."""
    if "entity_id" in mentions.columns:
        keys = mentions["entity_id"].astype("object")
        return keys.where(keys.notna(), mentions["text"].map(lambda t: f"name:{fold(cell_text(t))}"))
    return mentions["text"].map(lambda t: f"name:{fold(cell_text(t))}")


def content_words(text: str, language) -> set[str]:
    """Folded content words (stopwords removed) of a text."""
    return {w for w, _, _ in word_spans(text, language) if w not in stopwords() and not w.isdigit()}

