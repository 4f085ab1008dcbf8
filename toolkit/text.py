"""Text helpers shared by every module: the one word tokenizer, folding, stop words, lemmas,
months, numbers and sentence splitting for text no engine has annotated.

Every module that needs words, keys or sentences from raw ``articles.text`` takes them from
here, so "Trần" is one word (in NFC or NFD) everywhere and a name folds the same way in
loading, annotation, linking, comparison and framing. Annotated tables (``tokens``,
``sentences`` from :func:`toolkit.annotate`) are better where they exist; these are the
light fallbacks and the matching keys.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import pandas as pd

from toolkit.paths import DATA

# ---------------------------------------------------------------- folding

# Letters that NFKD does not decompose into base + combining mark (Vietnamese đ above all).
_LETTERS = str.maketrans({
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i",
})


def fold(text: str) -> str:
    """Remove diacritics and case: ``"Trần Quốc Tỏ"`` → ``"tran quoc to"``, ``"Đà Nẵng"`` → ``"da nang"``.

    Args:
        text: Any string.

    Returns:
        ``text`` decomposed (NFKD), without combining marks, with đ/Đ → d (and ø, ł, æ, œ
        spelled out), case-folded. Punctuation and spacing are kept.

    Example:
        >>> fold("Lázaro Alberto ÁLVAREZ Casas")
        'lazaro alberto alvarez casas'
    """
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_FOLDED_WORD = re.compile(r"\w+")  # after fold() no combining marks are left, so \w+ is safe


def folded_words(text: str) -> tuple[str, ...]:
    """The folded words of ``text``: ``"l'Intérieur"`` → ``("l", "interieur")``."""
    return tuple(_FOLDED_WORD.findall(fold(text)))


def fold_name(text: str) -> str:
    """The matching key of a name: its folded words joined by one space (``"l'Intérieur"`` → ``"l interieur"``)."""
    return " ".join(folded_words(text))


# ---------------------------------------------------------------- words

_APOS = "'\u2019\u02bc"  # ASCII, typographic (’) and modifier-letter (ʼ) apostrophes
# `re` counts ʼ (U+02BC) as a letter, but French and English texts use it as an apostrophe.
_CHAR = r"[^\W_\u02bc]"
# Combining marks are not \w, so decomposed (NFD) Vietnamese such as "Trần" would split.
_MARK = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_CORE = rf"{_CHAR}(?:{_CHAR}|{_MARK})*"
_HYPHEN = r"[-\u2010\u2011]"
# "1,5", "2.000" and "22–26" stay one token; punctuation elsewhere separates words.
_NUM_JOIN = r"(?<=\d)[.,\u2013](?=\d)"
_FR_CLITIC = rf"(?<![^\W_])(?:jusqu|lorsqu|puisqu|quoiqu|qu|[ldnscjmt])[{_APOS}](?={_CHAR})"
_EN_SUFFIX = r"(?:s|re|ve|ll|d|m)(?![^\W_])"
_WORD = rf"{_CORE}(?:(?:{_HYPHEN}|[{_APOS}]|{_NUM_JOIN}){_CORE})*"
# An abbreviation of single letters with their full stops is one word ("U.S.", "F.B.I.", "a.m."), not "U" and "S".
_ACRONYM = r"(?<![^\W_])(?:[^\W\d_]\.){2,}"
_WORD_EN = rf"{_CORE}(?:(?:{_HYPHEN}|[{_APOS}](?!{_EN_SUFFIX})|{_NUM_JOIN}){_CORE})*"
_EN_NT_STEM = rf"{_CHAR}+?(?=n[{_APOS}]t(?![^\W_]))"
_EN_CLITIC = rf"(?<=[^\W_])(?:n[{_APOS}]t|[{_APOS}]{_EN_SUFFIX})"

_PATTERNS = {
    # French: the elided clitic is its own token ("l'" + "entretien"); "aujourd'hui" stays whole.
    "fr": re.compile(rf"{_ACRONYM}|{_FR_CLITIC}|{_WORD}", re.IGNORECASE),
    # English: Penn-Treebank-style clitics ("Nam" + "'s", "do" + "n't"); "O'Brien" stays whole.
    "en": re.compile(rf"{_ACRONYM}|{_EN_NT_STEM}|{_EN_CLITIC}|{_WORD_EN}", re.IGNORECASE),
}
_GENERIC = re.compile(rf"{_ACRONYM}|{_WORD}")
# The same patterns as one capturing group, for re.split (every inner group is non-capturing).
_SPLITTERS = {lang: re.compile(f"({p.pattern})", p.flags) for lang, p in _PATTERNS.items()}
_GENERIC_SPLITTER = re.compile(f"({_ACRONYM}|{_WORD})")
#: Segment boundaries for collocation windows (not sentences: ";" also ends a segment): a blank line, ";", or a run of .!?… followed by a space, a closing
# quote/bracket or the end. Dots inside numbers ("22.10.2024") are not boundaries; abbreviations
# such as "M. Trần" are, which costs a collocation or two and keeps the rule predictable.
SEGMENT_BOUNDARY = re.compile(r"\n[ \t]*\n|;|[.!?\u2026]+(?=[\s\"'\u2019\u201d\u00bb)\]]|$)")
SPACES = re.compile(r"\s+")
_APOS_TABLE = str.maketrans({"\u2019": "'", "\u02bc": "'"})


def language_code(code) -> str:
    """Reduce a language code ("fr", "FR", "fr-CA") to its lower-case primary subtag, or ""."""
    if not isinstance(code, str):
        return ""
    return code.strip().lower().replace("_", "-").split("-")[0]


def language_codes(values) -> np.ndarray:
    """Apply :func:`language_code` to a column, once per distinct value."""
    codes, uniques = pd.factorize(pd.Series(values, dtype="object"))
    # Missing values get code -1, which picks the trailing "".
    return np.array([language_code(u) for u in uniques] + [""], dtype=object)[codes]


def tokenize_words(text: str, *, language: str | None) -> list[tuple[str, int, int]]:
    """Split ``text`` into word tokens with character offsets.

    Words are runs of Unicode letters and digits (with combining marks, so Vietnamese
    "Trần Quốc Tỏ" is three words in NFC or NFD), joined by hyphens ("vice-ministre",
    "Covid-19", "high-level") or, between digits, by ``.``, ``,`` or an en dash ("1,5",
    "22–26"). An abbreviation of single letters with their full stops is one word ("U.S.",
    "F.B.I.", "p.m."). Other punctuation is not a token. French elision gives the clitic its own token
    (``"l’entretien"`` → ``"l’"``, ``"entretien"``; also d' qu' n' s' c' j' m' t' jusqu'
    lorsqu' puisqu' quoiqu'), with either apostrophe; other apostrophes stay inside the
    word ("aujourd'hui"). English splits clitics Penn-Treebank style (``"Nam’s"`` →
    ``"Nam"``, ``"’s"``; ``"don't"`` → ``"do"``, ``"n't"``). Other languages get the
    plain word rule.

    Args:
        text: The text to split (``None`` or NA gives no tokens).
        language: ISO 639-1 code of the text; selects the clitic rules.

    Returns:
        ``(token, start_char, end_char)`` tuples in text order, with
        ``text[start_char:end_char] == token``.

    Example:
        >>> tokenize_words("Selon l’entretien de Nam's", language="fr")[:3]
        [('Selon', 0, 5), ('l’', 6, 8), ('entretien', 8, 17)]
    """
    words, starts, ends = split_words(text, language)
    return list(zip(words, starts.tolist(), ends.tolist()))


def split_words(text, language) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Words of ``text`` with start and end offsets as int64 arrays (see :func:`tokenize_words`)."""
    if not isinstance(text, str) or not text:
        return [], np.empty(0, np.int64), np.empty(0, np.int64)
    pattern = _SPLITTERS.get(language_code(language), _GENERIC_SPLITTER)
    # split() alternates gap, word, gap, ..., gap in C; offsets follow from the lengths,
    # which is several times faster than a Match object per word.
    parts = pattern.split(text)
    edges = np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))
    return parts[1::2], edges[0:-1:2], edges[1::2]


def normalise_terms(texts: pd.Series, *, lowercase: bool = True) -> pd.Series:
    """Normalise token texts to terms: Unicode NFC, apostrophes as ``'``, lower-case.

    Args:
        texts: Token texts as written.
        lowercase: Lower-case the terms.

    Returns:
        A Series of str aligned with ``texts``.

    Example:
        >>> normalise_terms(pd.Series(["L’", "Trần"])).tolist()
        ["l'", 'trần']
    """
    terms = texts.astype("object").str.normalize("NFC").str.translate(_APOS_TABLE)
    return terms.str.lower() if lowercase else terms


@functools.cache
def load_stopwords(language: str | None) -> frozenset[str]:
    """Read the stopword list shipped for ``language`` (``toolkit/data/stopwords-<lang>.txt``).

    Entries are normalised like terms (NFC, ``'`` apostrophe, lower-case), and an entry
    ending in an apostrophe is stored bare (``"l'"`` → ``"l"``). Languages without a
    list get an empty set, so they keep every word.

    Args:
        language: ISO 639-1 code (``"fr"``, ``"en"``, ...).

    Returns:
        The stopwords as a frozenset of str.

    Example:
        >>> "la" in load_stopwords("fr")
        True
    """
    path = DATA / f"stopwords-{language_code(language)}.txt"
    if not language_code(language) or not path.is_file():
        return frozenset()
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    terms = normalise_terms(pd.Series(words, dtype="object"))
    return frozenset(t.rstrip("'") if t.endswith("'") else t for t in terms)


def stopword_mask(terms: pd.Series, languages: np.ndarray) -> np.ndarray:
    """Flag terms that are stopwords in their own language (``"l'"`` is looked up as ``"l"``)."""
    mask = np.zeros(len(terms), dtype=bool)
    # Work on distinct terms: a corpus has millions of tokens but a small vocabulary.
    codes, uniques = pd.factorize(terms)
    lowered = pd.Series(uniques, dtype="object").str.lower()
    stripped = lowered.str.strip("'")
    for lang in pd.unique(languages):
        stop = load_stopwords(lang)
        if not stop:
            continue
        is_stop = (lowered.isin(stop) | stripped.isin(stop)).to_numpy()
        rows = languages == lang
        mask[rows] = is_stop[codes[rows]]
    return mask


# ---------------------------------------------------------------- lemmas

@functools.lru_cache(maxsize=16)
def lemmatizer_knows(language: str) -> bool:
    """Whether simplemma has a dictionary for ``language``."""
    import simplemma

    try:
        simplemma.lemmatize("a", lang=language)
    except ValueError:
        return False
    return True


@functools.lru_cache(maxsize=262_144)
def lemma(term: str, language: str) -> str:
    """Lower-cased simplemma lemma of ``term``; the term itself where simplemma lacks the language."""
    if not language or not lemmatizer_knows(language):
        return term
    import simplemma

    return simplemma.lemmatize(term, lang=language).lower()


def lemmatize_terms(terms: pd.Series, languages: np.ndarray) -> np.ndarray:
    """Lemmatize each term in its own language, once per distinct (language, term)."""
    codes, uniques = pd.factorize(terms)
    uniques = np.asarray(uniques, dtype=object)
    lemmas = np.empty(len(terms), dtype=object)
    for lang in pd.unique(languages):
        rows = languages == lang
        present = np.unique(codes[rows])
        lookup = np.empty(len(uniques), dtype=object)
        lookup[present] = [lemma(t, lang) for t in uniques[present]]
        lemmas[rows] = lookup[codes[rows]]
    return lemmas


# ---------------------------------------------------------------- months and numbers

#: Month names in English and French (with and without accents), lower-case → month number.
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}
#: Abbreviated month names, as datelines write them ("Oct. 22", "22 janv.").
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    "janv": 1, "févr": 2, "avr": 4, "juil": 7, "déc": 12,
}
#: Weekday names in English and French, lower-case → ISO weekday number (Monday is 1).
WEEKDAY_NAMES = {
    name: number for number, names in enumerate([
        ("monday", "lundi"), ("tuesday", "mardi"), ("wednesday", "mercredi"), ("thursday", "jeudi"),
        ("friday", "vendredi"), ("saturday", "samedi"), ("sunday", "dimanche")], start=1) for name in names
}
#: Weekdays: capitalised ("Monday", a sentence's "Lundi") but not names.
WEEKDAYS = frozenset(WEEKDAY_NAMES)

#: Digits with thousands groups ("6 800", "6,800", "4.400") and a decimal part ("6,5", "1.5").
NUMBER = re.compile(r"\d+(?:(?:[ \u00a0\u202f]|[.,](?=\d{3}(?!\d)))\d{3}(?!\d))*(?:[.,]\d+)?")


def number_value(written: str) -> str:
    """Normalise a written number: "6 800" and "6,800" → "6800"; "6,5" and "6.5" → "6.5"; "07" → "7"."""
    digits = re.sub(r"[ \u00a0\u202f]", "", written)
    head, sep, tail = digits, "", ""
    match = re.fullmatch(r"(.*?)([.,])(\d+)", digits)
    if match and len(match.group(3)) != 3:
        head, sep, tail = match.group(1), ".", match.group(3)
    head = re.sub(r"[.,]", "", head).lstrip("0") or "0"
    return f"{head}.{tail}" if sep else head


# ---------------------------------------------------------------- sentences

#: Abbreviations written before a name or a number, whose full stop ends no sentence: titles ("Mr. Obama",
#: "Gov. Brewer", "Dr. Smith", "Pr Dupont" is written without one), places ("St. Louis", "Mt. Everest"), months
#: ("Jan. 5", "5 janv.") and "vs." / "v." ("Roe v. Wade"). An initial ("John F. Kennedy", "J. M. Coetzee"), French "M." and
#: "MM." ("M. Macron", "MM. Dupont et Durand") and "U.S." ("U.S. Army") are read so too; other acronyms ("D.C.",
#: "U.K.") and words that often end a sentence ("Inc.", "Jr.", "etc.") end one.
NAME_ABBREVIATIONS = (
    "Mr", "Mrs", "Ms", "Messrs", "Mmes", "MM", "Dr", "Drs", "Prof", "Gov", "Govs", "Sen", "Sens", "Rep", "Reps",
    "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Cpl", "Cmdr", "Adm", "Rev", "Hon", "Pres", "Supt", "Atty", "Insp", "Mgr",
    "St", "Ste", "Mt", "Ft", "vs", "v",
    # Months of MONTH_ABBREVIATIONS capitalised ("Jan. 5"), but for the three that AP style spells out ("Del Mar." ends
    # a sentence), and the French-only forms in lower case too ("5 janv. 2020"; not "sept", also the number seven).
    *sorted(form for month in MONTH_ABBREVIATIONS if month not in ("mar", "jun", "jul")
            for form in ((month.capitalize(), month) if month in ("janv", "févr", "avr", "juil", "déc") else
                         (month.capitalize(),))),
)
# A sentence ends at . ! ? or …, possibly followed by a closing quote, then a space and a
# capital, a digit or an opening quote. A closing quote alone ends nothing ("Earth," NASA said);
# nor does the full stop of a NAME_ABBREVIATIONS word or of an initial, nor "No." before a number.
SENTENCE_END = re.compile(
    # The stop first: the abbreviations are looked at only after one.
    r"(?:(?<=[.!?\u2026])|(?<=[.!?\u2026][»\"”’)])|(?<=[.!?\u2026]\s»))"
    + "".join(rf"(?<!\b{re.escape(word)}\.)" for word in NAME_ABBREVIATIONS)
    + r"(?<![\s(\[“\"«'’][A-Z]\.)(?<!^[A-Z]\.)(?<!\bU\.S\.)(?!(?<=\bNo\.)\s+\d)\s+(?=[«\"“A-ZÀ-ÖØ-Þ0-9])")
# A paragraph: lines up to a blank line.
PARAGRAPH = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]+)*")


def sentence_spans(text: str) -> list[tuple[int, int, int]]:
    """Sentences of ``text`` by the punctuation rule, as ``(paragraph_id, start_char, end_char)``.

    Paragraphs are separated by a blank line; within one, a sentence ends at ``. ! ? …`` (or
    a closing quote) followed by a space and a capital letter, digit or opening quote.
    Spans are stripped of surrounding spaces and never empty.
    """
    spans = []
    if not isinstance(text, str):
        return spans
    paragraphs = (m for m in PARAGRAPH.finditer(text) if m.group().strip())
    for paragraph_id, paragraph in enumerate(paragraphs):
        offset = paragraph.start()
        for piece in SENTENCE_END.split(paragraph.group()):
            begin = text.index(piece, offset)
            stripped = piece.strip()
            if stripped:
                s = begin + piece.index(stripped)
                spans.append((paragraph_id, s, s + len(stripped)))
            offset = begin + len(piece)
    return spans


# ---------------------------------------------------------------- association measures


def log_likelihood(observed: list[np.ndarray], expected: list[np.ndarray]) -> np.ndarray:
    """Log-likelihood ratio G² = 2 Σ O ln(O/E) over contingency cells (0 ln 0 = 0)."""
    total = np.zeros(len(observed[0]), dtype=float)
    for o, e in zip(observed, expected):
        o = np.clip(o.astype(float), 0, None)
        with np.errstate(divide="ignore", invalid="ignore"):
            total += np.where(o > 0, o * np.log(o / e), 0.0)
    return 2 * total
