"""Link mentions to entities across spellings, titles, languages and short forms (mentions → entities).

:func:`link_entities` applies its rules in stages, one function each, in this order (the
module that holds each stage in brackets):

1. ``trim`` and ``strip-title`` (:mod:`~toolkit.entities.titles`), then the screening of
   mentions that are not names (``not-a-name``, ``title-only``, ``fragment``) or nationality
   words (``nationality``) [:mod:`~toolkit.entities.linking.screening`];
2. ``fold`` and ``alias`` groups, with ``initials`` and ``article``
   (:mod:`~toolkit.entities.aliases`, CLDR territory names, a language's short forms), then
   ``same-name-in-article`` [:mod:`~toolkit.entities.linking.grouping`];
3. ``ocr-spelling`` [:mod:`~toolkit.entities.linking.spelling`], ``region-name``
   [:mod:`~toolkit.entities.linking.grouping`];
4. ``partial-name`` within each article, ``surname-not-place``, ``middle-name``, then ``partial-name-corpus``
   and ``partial-name-dominant`` across the corpus (never across a ``civility`` of the other
   sex), ``transliteration``
   [:mod:`~toolkit.entities.linking.persons`];
5. ``official-name``, ``acronym``, ``org-short-form``, ``company-short-form``, ``abbreviation`` and ``country-code``
   [:mod:`~toolkit.entities.linking.abbreviations`];
6. ``title-of-name`` [:mod:`~toolkit.entities.linking.persons`];

then each entity gets its type, name and id, and each mention the chain of rules (with
their evidence) that linked it: this module, which also builds the ``entities`` and
``merges`` tables. Every stage reads and changes the same state, the mentions' lists and
their groups (:mod:`~toolkit.entities.linking.state`); each rule's input is the previous
rule's groups, so the order above is the order of the calls in :func:`link_entities`.
"""

from __future__ import annotations

import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from toolkit.entities.aliases import Alias, alias_map, load_aliases
from toolkit.entities.counting import part_of_next
from toolkit.entities.linking.abbreviations import (_abbreviations, _acronyms, _company_short_forms, _country_codes,
                                                    _official_names, _organisation_short_forms)
from toolkit.entities.linking.grouping import (_ARTICLES, _group_names, _language_aliases, _one_name_per_article,
                                               _regions, _territory_alias_map)
from toolkit.entities.linking.persons import (_civilities, _middle_names, _partial_names_in_articles,
                                              _partial_names_in_corpus, _surnames_tagged_as_places,
                                              _titles_before_names, _transliterations)
from toolkit.entities.linking.screening import (_fragments, _screen, _strip_titles, _trim_common_words,
                                                _trim_edges)
from toolkit.entities.linking.spelling import _ocr_spellings
from toolkit.entities.linking.state import _Group, _Groups, _Mentions
from toolkit.entities.titles import as_paths, load_titles
from toolkit.schema import ENTITY_COLUMNS, ENTITY_TYPES, require_columns
from toolkit.text import fold, folded_words

#: Columns :func:`link_entities` needs in ``mentions`` (``annotate`` gives all of them).
NEEDS_MENTIONS = ["article_id", "mention_id", "text", "entity_type"]
#: The former name of :data:`NEEDS_MENTIONS`.
LINK_INPUT_COLUMNS = NEEDS_MENTIONS
#: Columns :func:`link_entities` adds to ``mentions`` (``engine_type``: the type before linking).
LINK_COLUMNS = ["entity_id", "name", "link_rule", "engine_type"]
#: Columns of the ``merges`` table (the audit trail of :func:`link_entities`).
MERGE_COLUMNS = ["entity_id", "variant", "rule", "evidence", "n_mentions", "article_ids"]
#: The rules of :func:`link_entities`, in the order they apply (``exact``: no rule needed;
#: ``retype``: the mention's engine type differs from its entity's type).
RULES = ("trim", "strip-title", "not-a-name", "title-only", "fragment", "nationality", "exact", "fold", "initials",
         "alias", "article", "same-name-in-article", "ocr-spelling", "region-name", "partial-name", "surname-not-place",
         "middle-name", "partial-name-nearest", "partial-name-corpus", "partial-name-dominant", "civility",
         "transliteration", "official-name", "acronym", "org-short-form", "company-short-form", "abbreviation",
         "country-code", "title-of-name", "retype")


class Linked(NamedTuple):
    """What :func:`link_entities` returns; unpacks as ``mentions, entities, merges``."""

    mentions: pd.DataFrame
    entities: pd.DataFrame
    merges: pd.DataFrame


def _majority_type(types: Iterable[str]) -> str:
    """Most frequent of PER, ORG, LOC (ties in that order); MISC only when no mention has another type."""
    counts = Counter(t for t in types if t != "MISC")
    if not counts:
        return "MISC"
    return min(counts, key=lambda t: (-counts[t], ENTITY_TYPES.index(t)))


def _fullest(forms: Sequence[str]) -> str:
    """The fullest, accented form: most words, then not a short form of another, then most non-ASCII
    letters, then most frequent, then alphabetical."""
    counts = Counter(forms)
    folded = {f: " ".join(folded_words(f)) for f in counts}
    # A form another one starts with is a short form ("Esp" of "Espagne"), however frequent.
    short = {f for f in counts if any(len(o) > len(folded[f]) and o.startswith(folded[f]) for o in folded.values())}
    return min(counts, key=lambda f: (-len(folded_words(f)), f in short, -sum(c.isalpha() and ord(c) > 127 for c in f),
                                      -counts[f], f))


def _alias_name(alias: Alias | None, forms: Sequence[str]) -> str:
    """The form of ``forms`` that folds like the alias's canonical name, else (an alias) the fullest
    of its most frequent forms, else the fullest form."""
    if alias is not None:
        canonical = folded_words(alias.canonical)
        seen = [f for f in forms if folded_words(f) == canonical]
        if seen:
            return _fullest(seen)
        # The corpus's usual name for it ("Suisse", not the rarer "Confédération").
        counts = Counter(folded_words(f) for f in forms)
        top = max(counts.values())
        return _fullest([f for f in forms if counts[folded_words(f)] == top])
    return _fullest(forms)


def link_entities(mentions: pd.DataFrame, _articles: pd.DataFrame | None = None, /, *,
                  articles: pd.DataFrame | None = None,
                  aliases: str | Path | Sequence[str | Path] | None = None,
                  titles: str | Path | Sequence[str | Path] | None = None) -> Linked:
    """Link mentions to entities across spellings, titles, languages and short forms.

    The rules apply in this order; each one is recorded per mention (``link_rule``) and per
    variant (``merges``):

    1. ``strip-title``: leading titles, ranks and articles (``toolkit/data/titles.txt``, and the
       civilities of ``toolkit/data/civilities.csv`` marked stripped)
       and a possessive ’s are removed: "le général To Lam" → "To Lam".
    2. ``fold``: names equal once accents and case are removed are one entity ("Trần Quốc
       Tỏ" = "Trân Quôc To"), within a compatible type: PER apart, ORG and LOC together
       (engines swap them on metonymy: "Cuba signed", spaCy en tags "Việt Nam" ORG), MISC
       with whichever of the two has more mentions of that name (ties: PER).
    3. ``alias``: names listed together in ``toolkit/data/aliases.csv`` (and ``aliases``)
       are one entity whatever their type: the alias gives the type ("Minint" tagged LOC →
       ORG, one entity with "ministère cubain de l'Intérieur").
    4. ``partial-name``: in one article, a PER name whose words are a contiguous run of a
       fuller PER name's words in the same article joins it ("To" → "Trần Quốc Tỏ" in the
       English article; "Alvarez Casas" → "Lázaro Alberto Álvarez Casas"), but only when
       exactly one fuller entity fits: a "To" in an article naming both Trần Quốc Tỏ and
       To Lam stays on its own. Then ``partial-name-corpus``: a PER entity still left whose
       name is a run of the words of exactly one fuller PER entity in the corpus joins it,
       unless that full name is written in one article only, has words after the bare name,
       and three other articles write the bare name without it (a heading's "Pope Francis
       Five Years" read as "Francis Five" does not rename every "Francis").

    An entity's type is the most frequent of its mentions' PER, ORG, LOC types (ties in
    that order); MISC counts only when no mention has another type, because MISC is the
    engines' catch-all (spaCy fr tags "To Lam" MISC four times out of five on the seeds).
    Its ``name`` is the alias's canonical name when the corpus uses it ("Russia" for Russie
    and Russian Federation), else the fullest, accented form seen in the mentions (an alias
    never names an entity with a form the corpus does not use): most words, then most
    non-ASCII letters, then most frequent, then alphabetical.

    Corpus-level rules (each recorded in ``merges``): ``trim`` cuts quote marks, dashes, a
    lower-case article, a heading's "À" ("À NEW YORK"), a lower-case noun phrase before a
    name ("traité de Prague" → "Prague"; not "lac de Genève" nor "de Gaulle"), a lower-case
    tail ("Ruffie eft") and, in
    a person's mention, what follows a possessive ("Trump’s POLICIES") from a mention's edges
    (offsets moved, so ``text[start:end]`` is still the mention), and at a person's name's edge a
    common word only a heading or a sentence's start capitalised ("Obama Willing to Use Executive
    Orders", "Plus Obama said": the corpus writes "willing" and "plus" in lower case, and never
    capitalises them mid-sentence; needs the articles' ``text``); ``not-a-name`` (web-form
    words such as "Email", "Sign in", "Subscribe", "Privacy Policy and Terms"; a web
    address; a single letter) and ``title-only`` ("Pope", "M.", "the President") leave a
    mention unlinked; ``nationality`` makes a demonym ("American", "Français", "vietnamien")
    a MISC entity; country names come from CLDR through Babel
    (:mod:`toolkit.entities.places`) with common short forms (US, U.S., USA, UK, UE...), and
    an acronym never matches a lower-case word ("us"); ``article`` joins "La Commission" to
    the "Commission" the corpus names alone; ``partial-name-nearest`` gives a bare surname
    that fits several full names in its article to the nearest one, and its later uses there
    to the same person ("Kim" stays with Kim Jong Un after "his father, Kim Jong Il"); ``abbreviation`` joins
    "It" to the corpus's only "Italie". One name tagged PER in most mentions and ORG/LOC in
    a few is one entity; every mention then takes its entity's type (``retype``), the
    engine's type staying in ``engine_type``. Two signals overrule the engine's majority: the
    gazetteer's type for the entity one of its rows is linked to, and, for a one-word name
    written in three articles or more that the corpus never writes with a civility, a title or
    a first name, a third of its mentions tagged other than PER: no person ("Twitter", tagged PER
    by spaCy en and MISC by spaCy fr, becomes MISC; "Politico" ORG).

    Also: ``initials`` drops middle initials ("Donald J. Trump" = "Donald Trump");
    ``same-name-in-article`` joins a name the engine tagged PER in one place and ORG or LOC in
    another of the same article, where fold kept them apart (one sense per discourse: a town
    "Zuoz" tagged PER once), unless the article names a fuller person's name with these words
    ("George Washington") or writes the name with a civility or a title ("M. Renault ...
    Renault", "Dr Pepper"); the engine's tags decide (MISC is no vote), then the corpus's, and a
    tie goes to the place where the engine tagged it LOC there and the article writes it after
    "à", "au" or "in", else stays apart ("Pence" tagged PER once and ORG once);
    ``ocr-spelling`` joins, within one article, a name one letter away from a commoner one, or
    two letters read as one ("rn" for "m", "in" for "m": "Remhold" → "Reinhold") (words of 7+
    letters, same first letter: "Esoagne" → "Espagne"), and corpus-wide a name
    printed with the long s read as f ("Ruffie" → "Russie") or a rare place, organisation or
    work name one OCR slip from one the corpus names far more often ("Eurone" → "Europe",
    "BERUN" → "Berlin"; never a person nor a country); ``surname-not-place`` gives a
    bare surname tagged LOC/ORG to the only PER full name of its article ending with it,
    when the corpus tags that word a place only beside such a person ("Zulle" → "Alex
    Zulle"; "Washington" stays a place), and a surname written with its particle at a
    clause's start ("de Muynck se détache") to the one person of its article named with it; ``partial-name-dominant`` gives a bare surname
    several full names fit to the one with 80% of their mentions, unless its article names
    another (counting the mentions that end with the bare name, so a rare "Keith
    Ellison-Muhammad" does not take every "Muhammad"; a "Jr." after the surname aside), when
    that full name is written in three articles or as often as the bare name ("Barack Obama" in
    19 articles takes the 242 bare "Obama" of 64 others, though "Malia Obama" shares the surname;
    one full name ending with the bare name takes it beside others that hold it elsewhere, "Obama
    CIA", when it has 80% of all their mentions and is written as a name, not "pro-Hillary");
    ``middle-name`` joins a two-word person's name to the only fuller PER name of the corpus with
    its first name and surname and one or two capitalised names between them ("Hillary Clinton" =
    "Hillary Rodham Clinton"), when no other fits ("George Bush" beside "George Walker Bush" and
    "George Herbert Walker Bush" stays apart); ``transliteration`` joins a person
    named only in French articles to the one named only in English articles whose name is
    its English transcription ("Poutine" = "Putin", ou/u, ch/sh, tch/ch; needs the articles'
    ``language``); ``official-name`` joins an ORG name to the only longer ORG name of the corpus
    that extends it with "and" and one capitalised word that names nothing else there ("Centers
    for Disease Control" = "Centers for Disease Control and Prevention"; not "Bank of America and
    Citigroup", nor "U.S. Immigration and Nationality Act"); an ``acronym`` (3-6 capitals) joins
    the one name of its article whose initials it spells ("FDIC" → "Federal Deposit Insurance
    Corporation", also when the engine cut the name short before "(FDIC)"; "ONU" →
    "Organisation des Nations unies"; "CDC" → "Centers for Disease Control and Prevention"),
    unless another article spells it out otherwise; ``org-short-form`` gives a one-word ORG
    mention to the only fuller ORG name of its article that ends with that word ("RJR
    Nabisco" ... "Nabisco"; not "Comité de l'AMS" ... "AMS"), never a word the corpus tags as a
    place or a person, nor one that opens other names of the corpus unless a country, place or
    nationality qualifies it ("House", which opens "House Republicans", is not "White House"'s;
    "Senate" is "U.S. Senate"'s); ``company-short-form`` gives a one-word name the first word of the only
    company its article names in full with a legal form ("Continental Illinois Corporation" ...
    "Continental", tagged LOC), not a word written after "in", "à" there nor tagged a place
    elsewhere, nor a US state ("Dallas, Texas"); an ``abbreviation`` shortens a one-word
    name, a country first ("Fr" → France, not Fribourg), and is never a word the corpus
    writes in lower case ("Fed"), but a US state's AP abbreviation with its period shortens
    that state only ("Colo." is Colorado, never Cologne; "Mass." even beside "mass");
    ``region-name`` joins "canton de Vaud" (département,
    région, province de X) to "Vaud" when the corpus never writes "à Vaud" as it writes a
    town; ``country-code`` gives a short form in parentheses in a results list ("Zulle (S)",
    "(Dan)"), with other country short forms around it, the commonest country of the corpus
    it starts; ``title-of-name`` gives a title alone written right before a name ("M." of
    "M. Pinard" cut in two, "Fr." of "Fr. Weinandy") that name's entity, and a short form
    written right before a capitalised word no place. A capital OCR misread at the start of
    a name ("Eeuter", "ïokio") is an ``ocr-spelling`` of the name seen at least as often
    ("Reuter", "Tokio"), and a bare surname written before every full name of its article
    it fits (a headline) goes to the one the corpus names 80% of the time
    (``partial-name-nearest``: "Trump" to Donald Trump, not a one-off "Ban Trump"). A short
    name written with a woman's civility (Mme, Madame, Mlle, Mrs, Ms; old print's "Mad.") never
    joins a fuller name its article, or the corpus, writes only with a man's (M., Monsieur, Mr),
    nor the reverse (``civility``: "M. et Mme Dupont" are two people); in English articles "M."
    is an initial. A capitalised name written with a civility, or with a title only a person bears
    (Dr, Prof, Mgr, Msgr, Monsignor, abbé, Pope: ``toolkit/data/civilities.csv``), is a person's whatever the
    engine tagged it and however the corpus tags the name elsewhere: it counts PER in its entity's
    type and stays a person ("M . SCHULTHESS" tagged ORG joins "Schulthess"; "Monsignor Ricca" stays
    a person where the bare "Ricca" is tagged a place six times); not a title inside a span the
    engine tagged a company's or a work's ("Dr Pepper", "Dr Strangelove"), nor one written in
    capitals before a name that is not ("DR Congo").

    Args:
        mentions: One row per mention; needs ``article_id, mention_id, text, entity_type``
            (``MENTION_COLUMNS`` of ``toolkit.schema`` has them all). ``entity_type``
            is one of PER, ORG, LOC, MISC (missing counts as MISC).
        articles: The ``articles`` table, to check that every mention's ``article_id``
            exists; None skips the check. Keyword-only (passing it by position still
            works, with a FutureWarning).
        aliases: Extra alias files (format of ``toolkit/data/aliases.csv``); their lines
            replace the default lines for the same variant.
        titles: Extra titles files (format of ``toolkit/data/titles.txt``), added to it.

    Returns:
        A :class:`Linked` of three tables:

        - ``mentions``: the input's rows and columns, in the same order (index reset),
          plus ``entity_id`` (str, ``"<TYPE>:<folded-name-with-hyphens>"``, e.g.
          ``"PER:lazaro-alberto-alvarez-casas"``; missing when the text has no letter or
          digit), ``name`` (str, the entity's name) and ``link_rule`` (str: the rules that
          linked this mention joined by ``+``, e.g. ``"strip-title+fold"``; ``"exact"`` for
          the name itself, ``"unlinked"`` for an empty text).
        - ``entities``: one row per entity, ``ENTITY_COLUMNS``: ``entity_id`` (str),
          ``name`` (str), ``entity_type`` (str), ``n_mentions`` (int; a title written right
          before the name it is linked to is one mention with it), ``n_articles``
          (int), ``variants`` (str: the distinct names as written, titles stripped, sorted
          and joined by ``"; "``), ``rules`` (str: the rules used, in ``RULES`` order,
          joined by ``"; "``). Sorted by ``n_mentions`` descending, then ``entity_id``.
        - ``merges``: one row per (``entity_id``, ``variant``, ``rule``, ``evidence``), all
          str, plus ``n_mentions`` (int) and ``article_ids`` (str, ``"; "``-joined): why each
          variant belongs to its entity, e.g. ``("PER:tran-quoc-to", "To", "partial-name",
          '001_…: word 3 of "Trần Quốc Tỏ", the only fuller PER name there')``.
          Sorted by ``entity_id``, ``variant``, rule order.

    Raises:
        ValueError: a required column is missing, an ``entity_type`` is not PER, ORG,
            LOC or MISC, a mention's article is not in ``articles``, or an alias file is
            malformed (the message names the file and line).

    Example:
        >>> mentions, entities, merges = link_entities(mentions, articles=articles)
        >>> merges[merges["rule"] != "exact"].head()
    """
    if _articles is not None:
        # `articles` was the second positional argument; optional tables are keyword-only now.
        warnings.warn("link_entities(mentions, articles) is now link_entities(mentions, articles=articles); "
                      "passing `articles` by position will stop working in the next release",
                      FutureWarning, stacklevel=2)
        articles = _articles
    _check_mentions(mentions, articles)
    # CLDR territory names first, so the alias files (the toolkit's and the user's) win.
    alias_of = {**_territory_alias_map(), **alias_map(load_aliases(*as_paths(aliases)))}
    titles = load_titles(titles)
    linked, trimmed = _trim_edges(mentions.reset_index(drop=True), titles)   # 0. trim quote marks, dashes
    trim_why: dict[int, str] = {}
    linked = _trim_common_words(linked, trimmed, articles, trim_why)         # a heading's common word
    m = _strip_titles(linked, titles)                                        # 1. strip-title
    _screen(m, titles)                                                       # not-a-name, title-only, nationality
    _fragments(m, linked, articles)                                          # fragment
    ends = linked["end_char"].tolist() if "end_char" in linked.columns else [None] * len(m.texts)
    sexes, beauty_titles, person_titles = _civilities(m, ends, articles)     # civility: Mme / M. / Mgr before a name
    groups, gid = _group_names(m, alias_of, _language_aliases(m, articles, alias_of), sexes,
                               beauty_titles, person_titles)                 # 2-3. fold, alias
    _one_name_per_article(m, groups, gid, sexes, articles, person_titles)    # same-name-in-article
    _ocr_spellings(m, groups, gid)                                           # ocr-spelling
    _regions(m, groups, gid, articles)                                       # region-name
    assigned, moved = _partial_names_in_articles(m, groups, gid, sexes)      # 4a. partial-name
    _surnames_tagged_as_places(m, groups, assigned, articles)                # surname-not-place
    _middle_names(m, groups, assigned, sexes)                                # middle-name
    corpus_evidence = _partial_names_in_corpus(m, groups, assigned, sexes)   # 4b. partial-name-corpus
    _transliterations(m, groups, assigned, articles)                         # 4d. transliteration
    _official_names(m, groups, assigned)                                     # official-name
    _acronyms(m, groups, assigned, articles)                                 # 4e. acronym
    _organisation_short_forms(m, groups, assigned)                           # 4f. org-short-form
    _company_short_forms(m, groups, assigned, articles)                      # company-short-form
    _abbreviations(m, groups, assigned, articles)                            # 5. abbreviation
    _country_codes(m, groups, assigned, ends, articles)                      # 5'. country-code
    _titles_before_names(m, assigned, ends, articles)                        # 6. title-of-name
    info = _describe_entities(m, groups, assigned, _gazetteer_types(linked),
                              _person_evidence(m, groups, assigned, sexes, person_titles))  # type, name, id
    columns, audit = _link_mentions(m, groups, gid, assigned, moved=moved, corpus_evidence=corpus_evidence,
                                    info=info, alias_of=alias_of, trimmed=trimmed,
                                    trim_why=trim_why)                       # per mention: rules, audit
    entity_types = columns.pop("entity_type")
    linked = linked.assign(**{column: pd.Series(values, index=linked.index, dtype="str")
                              for column, values in columns.items()})
    # After linking, a mention's type is its entity's (the engine's stays in engine_type).
    linked = linked.assign(engine_type=linked["entity_type"],
                           entity_type=pd.Series(entity_types, index=linked.index, dtype=linked["entity_type"].dtype))
    return Linked(linked, _entity_table(linked, m.names, audit, titles=m.title_of,
                                        counted=~part_of_next(linked, articles)), _merge_table(audit))


def _check_mentions(mentions: pd.DataFrame, articles: pd.DataFrame | None) -> None:
    """Raise ``ValueError`` on a missing column, an unknown type or an unknown article."""
    require_columns(mentions, NEEDS_MENTIONS, name="mentions")
    if articles is not None:
        require_columns(articles, ["article_id"], name="articles")
        unknown = sorted(set(mentions["article_id"].dropna()) - set(articles["article_id"]))
        if unknown:
            raise ValueError(f"`mentions` refer to {len(unknown)} article_id(s) missing from `articles`: {unknown[:5]}")
    bad = sorted(set(mentions["entity_type"].dropna()) - set(ENTITY_TYPES))
    if bad:
        raise ValueError(f"`mentions.entity_type` must be one of {list(ENTITY_TYPES)}, got {bad}")


def _gazetteer_types(linked: pd.DataFrame) -> dict[int, str]:
    """Mention → the type the gazetteer gave it (rows ``annotate`` added with ``source == "gazetteer"``)."""
    if "source" not in linked.columns:
        return {}
    found = (linked["source"] == "gazetteer").fillna(False).to_numpy(dtype=bool)
    types = linked["entity_type"].tolist()
    return {i: types[i] for i in found.nonzero()[0].tolist() if isinstance(types[i], str)}


#: A one-word name the engine tags PER, with no sign in the corpus that it is a person's, is not one
#: when the engine tags at least this share of its mentions otherwise (MISC included).
NOT_A_PERSON_SHARE = 1 / 3
#: ... and when it is written in this many articles or more: a person named that often is named in
#: full or with a title somewhere; a surname in two articles may just be one ("Bourquenoud").
NOT_A_PERSON_MIN_ARTICLES = 3


def _person_evidence(m: _Mentions, groups: _Groups, assigned: list[int | None], sexes: list[str | None],
                     person_titles: set[int]) -> tuple[set[int], set[str]]:
    """The mentions written with a civility or a title, and the words of the corpus's PER names of two words or more:
    what says that a one-word name is a person's ("Mr. Bush", "President Bush", "George Bush")."""
    titled = {i for i, sex in enumerate(sexes) if sex} | set(person_titles) | m.titled | \
        {i for i in range(len(m.texts)) if set(folded_words(m.stripped[i].removed)) - _ARTICLES}
    words = {w for i in range(len(m.texts)) if assigned[i] is not None and groups.is_person(assigned[i])
             and len(m.keys[i]) > 1 for w in m.keys[i]}
    return titled, words


def _not_a_person(m: _Mentions, members: list[int], voters: list[int],
                  evidence: tuple[set[int], set[str]] | None) -> str | None:
    """A one-word name's type when it is no person's: written in :data:`NOT_A_PERSON_MIN_ARTICLES`
    articles, never with a civility or a title nor in a fuller person's name, and tagged otherwise
    than PER in :data:`NOT_A_PERSON_SHARE` of its mentions ("Twitter", tagged PER by spaCy en and
    MISC by spaCy fr; "Politico", PER and ORG): the commonest of those other tags, MISC on a tie.
    None when it may be a person."""
    if evidence is None or any(len(m.keys[i]) != 1 for i in members) or \
            len({m.article_ids[i] for i in members}) < NOT_A_PERSON_MIN_ARTICLES:
        return None
    titled, words = evidence
    if set(members) & titled or m.keys[members[0]][0] in words:
        return None
    others = Counter(m.engine_types[i] for i in voters if m.engine_types[i] != "PER")
    if sum(others.values()) < max(1, NOT_A_PERSON_SHARE * len(voters)):
        return None
    # Here MISC is a vote like the others ("Twitter": MISC by spaCy fr), and wins a tie: no person, no more said.
    return min(others, key=lambda t: (-others[t], t != "MISC", ENTITY_TYPES.index(t)))


def _describe_entities(m: _Mentions, groups: _Groups, assigned: list[int | None],
                       gazetteer: dict[int, str] | None = None,
                       evidence: tuple[set[int], set[str]] | None = None) -> dict[int, dict]:
    """Each entity (root group): its ``entity_type``, ``name`` and ``entity_id``, and ``typed_by``
    ("alias", "gazetteer" or None: its mentions' votes).

    The gazetteer's type, a curated one, wins over the engine's votes for the whole entity it
    is linked to: "État" listed ORG for French types the entity ORG though the spellings the
    case-sensitive gazetteer misses ("Etat", "ETAT") were tagged LOC more often. An alias's type
    wins over both.
    """
    gazetteer = gazetteer or {}
    members_of: dict[int, list[int]] = defaultdict(list)
    for i in range(len(m.texts)):
        if assigned[i] is not None:
            members_of[groups.find(assigned[i])].append(i)
    info: dict[int, dict] = {}
    for root, members in members_of.items():
        # A title joined to the name after it ("M.") neither names nor types its entity, and a
        # misread name ("ïokio", whose accent would make it the "fullest"), "canton de Vaud" or a short
        # form ("Pa." of Pennsylvania) does not name it.
        members = [i for i in members if i not in m.title_of] or members
        named_by = [i for i in members
                    if m.moved_by.get(i, ("",))[0] not in ("ocr-spelling", "region-name", "country-code",
                                                           "abbreviation")] or members
        alias = groups[root].alias
        # A mention same-name-in-article moved took the type of the name's other mentions there.
        voters = [i for i in members if m.moved_by.get(i, ("",))[0] != "same-name-in-article"] or members
        listed = [gazetteer[i] for i in members if i in gazetteer]
        info[root] = {
            "typed_by": "alias" if alias else "gazetteer" if listed else None,
            "entity_type": alias.entity_type if alias else _majority_type(listed) if listed else
            "MISC" if groups[root].kind == "nationality" else
            _majority_type("PER" if m.moved_by.get(i, ("",))[0] == "surname-not-place" or i in m.titled
                           else "ORG" if m.moved_by.get(i, ("",))[0] == "company-short-form"
                           else m.engine_types[i] for i in voters),
            # The alias's canonical name when the corpus uses it ("Russia", not "Fédération de
            # Russie"); else the fullest, accented form actually seen.
            "name": _alias_name(alias, [m.names[i] for i in named_by]),
        }
        if info[root]["entity_type"] == "PER" and info[root]["typed_by"] is None:
            other = _not_a_person(m, members, voters, evidence)
            if other is not None:
                info[root].update(entity_type=other, typed_by="not-a-person")
    taken: Counter = Counter()
    for root in sorted(info, key=lambda r: (-len(members_of[r]), min(members_of[r]))):
        base = f"{info[root]['entity_type']}:{'-'.join(folded_words(info[root]['name']))}"
        taken[base] += 1
        info[root]["entity_id"] = base if taken[base] == 1 else f"{base}-{taken[base]}"
    return info


def _rule_chain(m: _Mentions, i: int, name: str, group: _Group, *, moved: dict[int, str], evidence: str | None,
                alias_of: dict[tuple[str, ...], Alias], trimmed: dict[int, str],
                trim_why: dict[int, str] | None = None) -> list[tuple[str, str]]:
    """The (rule, evidence) pairs that link mention ``i`` of ``group`` to the entity called ``name``.

    ``evidence`` is the partial-name-corpus evidence of the mention's group, if any.
    """
    chain = []
    if trim_why and i in trim_why:
        chain.append(("trim", trim_why[i]))
    elif i in trimmed:
        chain.append(("trim", f'"{trimmed[i]}": quote marks, dashes or lower-case words before the name cut from its edges'))
    s = m.stripped[i]
    if s.removed or s.possessive:
        removed = [f'"{s.removed}"'] if s.removed else []
        removed += ['the possessive "’s"'] if s.possessive else []
        chain.append(("strip-title", f'"{m.texts[i]}": removed {" and ".join(removed)}'))
    if i in m.screened:
        chain.append(m.screened[i])
    elif i in m.moved_by:
        chain.append(m.moved_by[i])
    if i in moved:
        chain.append(("partial-name-nearest" if i in m.nearest else "partial-name", moved[i]))
    elif evidence is not None:
        chain.append(("partial-name-corpus", evidence))
    elif i in m.screened or i in m.moved_by:
        pass
    elif group.alias is not None and m.keys[i] != group.key and m.keys[i] in alias_of:
        alias = alias_of[m.keys[i]]
        chain.append(("alias", f'{alias.source}: "{alias.variant}" is an alias of '
                               f'"{alias.canonical}" ({alias.entity_type})'))
    else:
        alias = alias_of.get(group.key) if group.alias is not None else None
        # An alias file chose this name: say which line, so the choice can be reviewed.
        origin = f" (the name from {alias.source})" if alias is not None else ""
        if m.names[i] == name:
            chain.append(("exact", f"the entity's name{origin}"))
        else:
            chain.append(("fold", f'"{m.names[i]}" and "{name}" both fold to "{" ".join(m.keys[i])}"{origin}'))
    return chain


def _retype_evidence(engine_type: str, entity_type: str, by_alias: bool, by: str | None = None) -> str:
    """Why a mention tagged ``engine_type`` belongs to an entity of ``entity_type`` (``by``: what typed the entity)."""
    if by_alias:
        why = f"the alias makes it {entity_type}"
    elif by == "gazetteer":
        why = f"the gazetteer lists a mention of it as {entity_type}"
    elif by == "not-a-person":
        why = (f"a one-word name the corpus never writes with a civility, a title or a first name, which the engine "
               f"tags other than PER in at least {NOT_A_PERSON_SHARE:.0%} of its mentions: no person; "
               f"{entity_type} is the commonest of those other tags")
    elif engine_type == "MISC":
        why = f"its other mentions say {entity_type} (MISC is the engines' catch-all)"
    else:
        why = f"most of the entity's mentions are tagged {entity_type}"
    return f"tagged {engine_type} by the engine; {why}"


def _link_mentions(m: _Mentions, groups: _Groups, gid: list[int | None], assigned: list[int | None], *,
                   moved: dict[int, str], corpus_evidence: dict[int, str], info: dict[int, dict],
                   alias_of: dict[tuple[str, ...], Alias],
                   trimmed: dict[int, str],
                   trim_why: dict[int, str] | None = None) -> tuple[dict[str, list], list[tuple]]:
    """Per mention: its entity, name, rule chain and type (the columns set), and the audit rows."""
    columns: dict[str, list] = {"entity_id": [], "name": [], "link_rule": [], "entity_type": []}
    audit = []
    for i in range(len(m.texts)):
        if assigned[i] is None:
            rule = m.screened[i][0] if i in m.screened else "unlinked"
            for column, value in zip(columns.values(), (None, None, rule, m.engine_types[i])):
                column.append(value)
            if i in m.screened:
                audit.append((None, m.texts[i], *m.screened[i], m.article_ids[i]))
            continue
        root = groups.find(assigned[i])
        entity = info[root]
        eid, name, etype = entity["entity_id"], entity["name"], entity["entity_type"]
        g = gid[i] if gid[i] is not None else assigned[i]  # a title joined to the name after it has no group
        chain = _rule_chain(m, i, name, groups[g], moved=moved, evidence=None if i in m.title_of else
                            corpus_evidence.get(g), alias_of=alias_of,
                            trimmed=trimmed, trim_why=trim_why)
        columns["link_rule"].append("+".join(r for r, _ in chain if r != "exact" or len(chain) == 1))
        if m.engine_types[i] != etype:
            why = _retype_evidence(m.engine_types[i], etype, groups[root].alias is not None, entity["typed_by"])
            if i in m.titled and etype == "PER":
                why = f"tagged {m.engine_types[i]} by the engine; written right after a title or civility: a person"
            chain.append(("retype", why))
        columns["entity_id"].append(eid), columns["name"].append(name), columns["entity_type"].append(etype)
        audit += [(eid, m.names[i], rule, evidence, m.article_ids[i]) for rule, evidence in chain]
    return columns, audit


def _rule_order(rules: Iterable[str]) -> list[str]:
    """Distinct rules in ``RULES`` order."""
    return sorted(set(rules), key=RULES.index)


def _entity_table(linked: pd.DataFrame, names: list[str], audit: list[tuple],
                  titles: set[int] = frozenset(), counted=None) -> pd.DataFrame:
    """One row per entity from the linked mentions and the audit rows.

    A title title-of-name gave the name after it ("Representative" before "Paul Ryan") is not
    one of that person's names: it is left out of ``variants``; written right before a mention
    of the name, it is one mention with it (``counted`` False: not counted in ``n_mentions``).
    """
    rules: dict[str, list[str]] = defaultdict(list)
    for eid, _, rule, _, _ in audit:
        rules[eid].append(rule)
    rows = []
    is_title = [k in titles for k in range(len(names))]
    counted = [True] * len(names) if counted is None else list(counted)
    table = linked.assign(_variant=names, _title=is_title, _counted=counted)[linked["entity_id"].notna()]
    for eid, members in table.groupby("entity_id", sort=True):
        named = members.loc[~members["_title"], "_variant"]
        rows.append({
            "entity_id": eid, "name": members["name"].iloc[0],
            "entity_type": eid.split(":", 1)[0],
            "n_mentions": int(members["_counted"].sum()), "n_articles": members["article_id"].nunique(),
            "variants": "; ".join(sorted(set(named if len(named) else members["_variant"]),
                                         key=lambda v: (fold(v), v))),
            "rules": "; ".join(_rule_order(rules[eid])),
        })
    entities = pd.DataFrame(rows, columns=ENTITY_COLUMNS)
    entities = entities.astype({"n_mentions": "int64", "n_articles": "int64"})
    return entities.sort_values(["n_mentions", "entity_id"], ascending=[False, True], ignore_index=True)


def _merge_table(audit: list[tuple]) -> pd.DataFrame:
    """The audit rows grouped by (entity_id, variant, rule, evidence)."""
    grouped: dict[tuple, list] = defaultdict(list)
    for eid, variant, rule, evidence, article_id in audit:
        grouped[(eid, variant, rule, evidence)].append(article_id)
    rows = [{"entity_id": eid, "variant": variant, "rule": rule, "evidence": evidence,
             "n_mentions": len(ids), "article_ids": "; ".join(sorted(set(map(str, ids))))}
            for (eid, variant, rule, evidence), ids in grouped.items()]
    merges = pd.DataFrame(rows, columns=MERGE_COLUMNS).astype({"n_mentions": "int64"})
    order = merges["rule"].map({r: k for k, r in enumerate(RULES)})
    return (merges.assign(_order=order)
            .sort_values(["entity_id", "variant", "_order", "evidence"], ignore_index=True)
            .drop(columns="_order"))
