"""Country and region names across French and English, from CLDR (through Babel), and nationality words.

:func:`territory_aliases` turns CLDR's territory names (``babel.Locale("fr").territories``,
``Locale("en").territories``: "États-Unis" / "United States", "Russie" / "Russia",
"Union européenne" / "European Union") into :class:`~toolkit.entities.aliases.Alias`
lines, with the short forms newsrooms use (US, U.S., USA, UK, UAE, EU/UE, UN/ONU...), so
:func:`~toolkit.entities.link_entities` joins every spelling of one country without a hand
list. :func:`is_nationality_word` says whether a one-word mention is a demonym
("American", "Français", "vietnamien"): an adjective or a people, never a PER, ORG or LOC
entity of its own.
"""

from __future__ import annotations

import functools
import re

from toolkit.entities.aliases import Alias
from toolkit.text import fold, folded_words

#: The languages whose CLDR territory names are read (the toolkit's corpus languages).
LANGUAGES = ("en", "fr")
#: Short forms newsrooms write for a territory (CLDR code → forms); CLDR names only the
#: long forms. Acronyms match only when written in capitals ("us" is a pronoun).
SHORT_FORMS = {
    "US": ("US", "U.S.", "USA", "U.S.A.", "America", "Etats-Unis d'Amérique", "United States of America"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "Grande-Bretagne", "Royaume-Uni"),
    "AE": ("UAE", "U.A.E.", "EAU"),
    "EU": ("EU", "E.U.", "UE"),
    "UN": ("UN", "U.N.", "ONU", "United Nations Organization", "Organisation des Nations unies"),
    "RU": ("Russian Federation", "Fédération de Russie"),
    "CN": ("People's Republic of China", "République populaire de Chine", "PRC"),
    "KR": ("South Korea", "Corée du Sud"),
    "KP": ("North Korea", "Corée du Nord"),
    "CD": ("DRC", "RDC", "Democratic Republic of the Congo", "République démocratique du Congo"),
    "NL": ("Holland", "Hollande"),
    "CZ": ("Czech Republic", "République tchèque"),
    "VN": ("Viet Nam", "Việt Nam"),
}
#: Short forms whose meaning depends on the article's language: in French "E.-U." (and "É.-U.",
#: "E.U.") is les États-Unis (language → acronym letters → CLDR code). Linking applies it to the
#: dotted forms always, and to plain "EU" ("Armstrong (EU)" in a results list) only in an article
#: whose text names no European Union: "EU" is also the Union in French ("EU DisinfoLab").
LANGUAGE_SHORT_FORMS = {"fr": {"EU": "US"}}
#: Territories that are organisations rather than places.
ORGANISATIONS = {"EU", "UN"}
#: CLDR codes left out: groupings that are not places news names ("Eurozone", "Outlying Oceania"...).
SKIPPED = {"EZ", "QO", "ZZ", "XA", "XB"}

# The endings of demonyms (adjectives of nationality and peoples), English and French, longest first.
_DEMONYM_ENDINGS = tuple(sorted((
    "an", "ans", "ian", "ians", "ese", "ish", "i", "is", "ic", "ics",
    "ain", "aine", "ains", "aines", "ais", "aise", "aises", "ois", "oise", "oises",
    "ien", "ienne", "iens", "iennes", "en", "enne", "ens", "ennes", "e", "es", "and", "ande", "ands", "andes",
), key=len, reverse=True))


#: The AP style's abbreviations of US states, written with their period ("Colo.", "Ga."), folded →
#: the state's name folded: in English news "Colo." is Colorado, never Cologne, and "Ga." Georgia,
#: never Gambia. (States of five letters or fewer are written in full: Iowa, Ohio, Utah...)
US_STATE_ABBREVIATIONS = {
    "ala": "alabama", "ariz": "arizona", "ark": "arkansas", "calif": "california", "colo": "colorado",
    "conn": "connecticut", "del": "delaware", "fla": "florida", "ga": "georgia", "ill": "illinois",
    "ind": "indiana", "kan": "kansas", "ky": "kentucky", "la": "louisiana", "md": "maryland",
    "mass": "massachusetts", "mich": "michigan", "minn": "minnesota", "miss": "mississippi", "mo": "missouri",
    "mont": "montana", "neb": "nebraska", "nev": "nevada", "okla": "oklahoma", "ore": "oregon",
    "pa": "pennsylvania", "tenn": "tennessee", "tex": "texas", "vt": "vermont", "va": "virginia",
    "wash": "washington", "wis": "wisconsin", "wyo": "wyoming",
}
#: The one-word names of US states, folded (those AP abbreviates, and the short ones it writes in full).
US_STATE_WORDS = frozenset(US_STATE_ABBREVIATIONS.values()) | {"alaska", "hawaii", "idaho", "iowa", "maine",
                                                               "ohio", "utah"}


@functools.cache
def territory_names() -> dict[str, tuple[str, ...]]:
    """CLDR code → its names (English first, then French, then the short forms), from Babel."""
    from babel import Locale

    names: dict[str, list[str]] = {}
    for language in LANGUAGES:
        for code, name in Locale(language).territories.items():
            if code in SKIPPED or not name:
                continue
            names.setdefault(code, [])
            if name not in names[code]:
                names[code].append(name)
    for code, forms in SHORT_FORMS.items():
        names.setdefault(code, [])
        names[code] += [f for f in forms if f not in names[code]]
    return {code: tuple(forms) for code, forms in names.items()}


def is_acronym(name: str) -> bool:
    """A name written in capitals (dots allowed), 2 to 6 letters: "US", "U.S.", "UNESCO"."""
    letters = re.sub(r"[.\s]", "", name)
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


@functools.cache
def territory_aliases() -> tuple[Alias, ...]:
    """Every territory name and short form as an alias of the territory's English CLDR name.

    Type LOC (ORG for the European Union and the United Nations); ``source`` is
    ``"CLDR <code>"`` (``"CLDR US + short form"`` for the added forms). A name shared by
    two territories (rare in CLDR) is left out.
    """
    seen: dict[tuple[str, ...], str | None] = {}
    for code, forms in territory_names().items():
        for form in forms:
            key = folded_words(form)
            seen[key] = code if seen.get(key, code) == code else None
    aliases = []
    for code, forms in sorted(territory_names().items()):
        canonical = forms[0]
        entity_type = "ORG" if code in ORGANISATIONS else "LOC"
        for form in forms:
            if seen.get(folded_words(form)) != code:
                continue
            short = form in SHORT_FORMS.get(code, ())
            aliases.append(Alias(canonical, entity_type, form, f"CLDR {code}" + (" + short form" if short else "")))
    return tuple(aliases)


@functools.cache
def _country_stems() -> frozenset[str]:
    """Folded country and region names (one word) without their last vowels: "americ", "franc", "vietnam"."""
    stems = set()
    for forms in territory_names().values():
        for form in forms:
            words = folded_words(form)
            if len(words) == 1 and len(words[0]) >= 4:
                stems.add(re.sub(r"(ie|ia|e|a|y|o)$", "", words[0]))
    return frozenset(s for s in stems if len(s) >= 3)


@functools.cache
def _territory_keys() -> frozenset[tuple[str, ...]]:
    return frozenset(folded_words(f) for forms in territory_names().values() for f in forms)


def is_territory_key(key: tuple[str, ...]) -> bool:
    """Whether folded words name a country or region in CLDR (French or English): ``("espagne",)`` → True."""
    return tuple(key) in _territory_keys()


def is_nationality_word(name: str) -> bool:
    """Whether a one-word name is a demonym of a country or region named in CLDR.

    "American", "Américains", "Français", "vietnamien", "Russe", "Chinese", "Cuban" → True;
    "France", "Francis", "Jordan" (a country itself) → False. The word must start with a
    country's name less its last vowel ("americ" of America, "franc" of France) and end
    like a demonym (-an, -ian, -ese, -ish, -ais, -ois, -ien, -e...).
    """
    words = folded_words(name)
    if len(words) != 1 or not name[:1].isalpha():
        return False
    word = words[0]
    if (word,) in _territory_keys() or len(word) < 4:
        return False
    for stem in _country_stems():
        if word.startswith(stem) and len(word) > len(stem):
            rest = word[len(stem):]
            if any(rest == ending or rest.endswith(ending) and len(rest) <= len(ending) + 3
                   for ending in _DEMONYM_ENDINGS):
                return True
    return False


def fold_acronym(name: str) -> str:
    """``"U.S."`` → ``"US"``: an acronym's capitals, for comparing acronyms written with or without dots."""
    return re.sub(r"[^A-Z]", "", fold(name).upper())
