"""What two texts can share across languages: folded words, numbers and months, names and entity keys.

Used by stories (anchor similarity), alignment (sentence anchors, content words) and versions
(numbers one version alone gives); words come from :func:`toolkit.text.tokenize_words`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import pandas as pd

from toolkit.compare.common import cell_text
from toolkit.text import MONTHS, NUMBER, WEEKDAYS, fold, load_stopwords, number_value, tokenize_words


def word_spans(text: str, language) -> list[tuple[str, int, int]]:
    """Word tokens of ``text`` as (folded word, start_char, end_char)."""
    return [(fold(w), s, e) for w, s, e in tokenize_words(cell_text(text), language=language if isinstance(language, str) else None)]


@functools.cache
def stopwords() -> frozenset[str]:
    """French and English stopwords, folded: never anchors, never content words."""
    return frozenset(fold(w) for lang in ("fr", "en") for w in load_stopwords(lang))


def find_numbers(text: str, language) -> list[tuple[str, str, int, int]]:
    """Numbers and month names in ``text``: (normalised value, as written, start_char, end_char).

    Months are ``month:N`` in both languages, so "22 au 26 octobre" and "October 22-26"
    share {22, 26, month:10}. English "may" counts only when capitalised (the verb is not a month).
    """
    text = cell_text(text)
    found = [(number_value(m.group()), m.group(), m.start(), m.end()) for m in NUMBER.finditer(text)]
    for word, start, end in tokenize_words(text, language=language if isinstance(language, str) else None):
        month = MONTHS.get(fold(word))
        if month and (word[0].isupper() or fold(word) not in ("may", "march")):
            found.append((f"month:{month}", word, start, end))
    return sorted(found, key=lambda n: n[2])


def find_names(text: str, language) -> set[str]:
    """Capitalised words that are not stopwords, folded: a cheap stand-in for linked entities."""
    names = set()
    for word, _, _ in tokenize_words(cell_text(text), language=language if isinstance(language, str) else None):
        key = fold(word)
        if word[:1].isupper() and key not in stopwords() and key not in WEEKDAYS and key not in MONTHS:
            names.add(key)
    return names


def find_anchors(text: str, language, entity_ids: Iterable[str] | None = None) -> set[str]:
    """Lexical anchors of a text: numbers and months, plus linked entity ids or else capitalised names."""
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

