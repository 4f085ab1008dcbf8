"""Dates and datelines as news articles write them: "27 octobre 2024", "October 27, 2024", "Hanoï, 16 mai (RHC) -"."""

from __future__ import annotations

import re

import pandas as pd

from toolkit.text import MONTH_ABBREVIATIONS, MONTHS, WEEKDAY_NAMES, tokenize_words

_MONTHS = {**MONTHS, **MONTH_ABBREVIATIONS}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:er|st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_TIME = r"(?:\s*(?:[-–—,|à@]|at)?\s*\d{1,2}[:hH]\d{2}(?::\d{2})?(?:\s*(?:GMT|UTC|ICT|[AP]M)[+\d:]*)?)"
# A weekday, English names also shortened ("Tue", "Thurs"), then an optional comma.
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|" + "|".join(WEEKDAY_NAMES) + r"),?\s+"
DATE_PATTERN = re.compile(
    rf"(?P<mdy>{_MONTH}\s+{_DAY},?\s+{_YEAR})"  # October 27, 2024
    rf"|(?P<dmy>{_DAY}\s+{_MONTH}\s+{_YEAR})"  # 27 octobre 2024
    rf"|(?P<iso>{_YEAR}-\d\d-\d\d)"  # 2024-10-27
    rf"|(?P<num>\d{{1,2}}/\d{{1,2}}/{_YEAR})"  # 27/10/2024 (day first)
    rf"|(?P<dm>{_DAY}\s+{_MONTH})(?![\w])"  # 16 mai (partial)
    rf"|(?P<md>{_MONTH}\s+{_DAY})(?![\w])",  # May 16 (partial)
    re.IGNORECASE,
)
# A line that is nothing but a publication date and time.
TIMESTAMP_LINE = re.compile(
    rf"^(?:(?:published|updated|posted|publié|mis à jour|modifié)(?: le| on)?\s*:?\s*)?(?:{_WEEKDAY})?"
    rf"(?:{DATE_PATTERN.pattern}){_TIME}?\s*(?:GMT|UTC|ICT)?[+\d:]*$",
    re.IGNORECASE,
)


def parse_date(text: str) -> tuple[str, pd.Timestamp | None]:
    """Find the first date in ``text``.

    Returns:
        ``(date_text, published)``: the date as written ("" when none) and a Timestamp when
        day, month and year are all given, else None ("16 mai" is partial).
    """
    m = DATE_PATTERN.search(text or "")
    if not m:
        return "", None
    found = m.group(0).strip()
    kind = m.lastgroup
    try:
        if kind in ("mdy", "dmy"):
            words = [word for word, _, _ in tokenize_words(found.lower(), language=None)]
            month = next(_MONTHS[w] for w in words if w in _MONTHS)
            nums = [int(re.sub(r"\D", "", w)) for w in words if re.match(r"\d", w)]
            day, year = (nums[0], nums[1]) if nums[0] < 100 else (nums[1], nums[0])
            return found, pd.Timestamp(year=year, month=month, day=day)
        if kind == "iso":
            return found, pd.Timestamp(found)
        if kind == "num":
            day, month, year = (int(x) for x in found.split("/"))
            return found, pd.Timestamp(year=year, month=month, day=day)
    except (ValueError, StopIteration, IndexError):
        return found, None
    return found, None


# A dateline: a capitalised place of up to four words, maybe a date, then "(CODE)" and/or a dash. The dash may be
# doubled, as typewriters and some newsrooms write it ("WASHINGTON --", "DANVILLE, Ky. –-"); a long dash may touch
# the first word ("WASHINGTON—Joining").
_DASH = r"(?:--|–-|[-–—])"
_DATELINE = re.compile(
    r"^(?P<place>(?:[A-ZÀ-ÖØ-ÞĐ][\w'’.-]*)(?:\s+(?:[A-ZÀ-ÖØ-ÞĐ][\w'’.-]*|de|du|des|la|le|d['’]\w+)){0,3})"
    r"(?:,\s*(?P<date>[^()\-–—]{3,30}?))?\s*"
    rf"(?:\((?P<code>[A-Z][A-Za-z]{{1,9}}(?:/[A-Z][A-Za-z]{{1,9}})?)\)\s*(?P<dash>{_DASH}|:)?|(?P<dash2>{_DASH}))"
    r"(?:\s+|(?<=—)(?=[A-ZÀ-ÖØ-Þ“\"]))"
)
#: Section labels that open a page ("Politique -", "WORLD –") but are never a dateline's place.
SECTION_LABELS = frozenset({
    "politique", "monde", "international", "international news", "france", "économie", "economie", "société",
    "societe", "culture", "sport", "sports", "opinion", "opinions", "tribune", "éditorial", "editorial", "débat",
    "idées", "analyse", "actualité", "actualités", "faits divers", "santé", "sciences", "environnement", "vidéo",
    "exclusif", "politics", "world", "world news", "news", "business", "health", "science", "technology", "tech",
    "entertainment", "lifestyle", "video", "breaking", "breaking news", "exclusive", "analysis", "update",
    "commentary", "op-ed", "us news", "uk news", "local", "nation", "national",
})


def parse_dateline(paragraph: str) -> dict:
    """Read "La Havane (VNA) -", "Hanoï, 16 mai (RHC)", "HAVANA –" or "WASHINGTON --" at the start of a paragraph.

    Returns:
        ``{"place", "date_text", "code", "dash", "words", "end"}`` (empty strings, False, 0
        when absent): ``words`` is all the dateline writes between its place and its code or
        dash ("16 mai", "Mo."), ``end`` where the dateline stops in ``paragraph`` (past its
        dash or colon); all empty when the paragraph does not open with a dateline, when the
        place is a section label (:data:`SECTION_LABELS`: "Politique -"), or when a
        parenthesised code has neither a date before it nor a dash after it ("World Health
        Organization (WHO) said").
    """
    m = _DATELINE.match(paragraph or "")
    none = {"place": "", "date_text": "", "code": "", "dash": False, "words": "", "end": 0}
    if not m or (not m.group("code") and not m.group("place").isupper()):
        return none
    if m.group("place").casefold() in SECTION_LABELS:
        return none
    # A long dash touching the next word ("WASHINGTON—Joining") also joins acronyms and pairs of names ("EU—Canada
    # deal", "U.S.—China talks", "NATO—Russia Council"): taken only after a place of five letters or more, no dots.
    if not m.group(0)[-1].isspace() and (len(m.group("place")) < 5 or "." in m.group("place")):
        return none
    # "(WHO)" after a name inside a sentence is an acronym: a dateline's code comes with a date or a dash.
    if m.group("code") and not (m.group("dash") or m.group("date")):
        return none
    place = m.group("place")
    if place.isupper():
        place = place.title()
    date_text = parse_date(m.group("date") or "")[0]
    return {"place": place, "date_text": date_text, "code": (m.group("code") or "").split("/")[0].upper(),
            "dash": bool(m.group("dash") or m.group("dash2")), "words": (m.group("date") or "").strip(" ,\t\u00a0"),
            "end": len(m.group(0).rstrip())}
