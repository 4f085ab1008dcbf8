"""Stage 4 of :func:`~toolkit.entities.linking.link_entities`: the rules for people's names.

A short name joins the fuller name it is part of: ``partial-name`` (and
``partial-name-nearest``) within an article, ``partial-name-corpus`` across the corpus,
``partial-name-dominant`` when one full name has most of the mentions, never across a
``civility`` of the other sex ("Mme Dupont" is not "M. Jean Dupont"); ``middle-name`` ("Hillary
Clinton" = "Hillary Rodham Clinton"); ``surname-not-place``
(a bare surname the engine tagged LOC or ORG) and ``transliteration`` ("Poutine" in French
articles = "Putin" in English ones).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pandas as pd

from toolkit.entities.linking.state import _contains, _Groups, _Mentions, article_texts, offset
from toolkit.entities.places import is_territory_key
from toolkit.entities.titles import civilities
from toolkit.text import folded_words

#: civility: what each civility says (a woman's, a man's, a beauty title, a title only a person bears)
#: comes from the civilities table, ``toolkit/data/civilities.csv`` (:func:`~toolkit.entities.titles.civilities`):
#: "Mme", "Mrs" a woman; "M.", "Mr" a man; "Miss" a woman, but also a beauty contest's title ("Miss
#: Bretagne"), so no person; "Dr", "Mgr", "Monsignor", "Pope" a person of either sex. Offices and
#: ranks are not there: they also open the names of companies, places and things ("General Motors",
#: "Prince Edward Island", "President Hotel").


#: A civility right before a mention (only spaces, tabs and its period between, no line break:
#: "Mme Pelletier", "M . Pelletier"), a word of its own: not the "M" of a hyphenated initial ("A.-M. Dupont").
_CIVILITY_BEFORE = re.compile(r"(?:^|(?<=[^\w.\-]))(\w+)([ \t.]{1,5})$")

#: A word of a title as written (its case tells a title from an acronym: "Dr" from "DR").
_WORD = re.compile(r"\w+")

#: Words before a family name that is often a place's ("de Mont", "von Bülow", "of Norfolk").
_PARTICLES = frozenset({"de", "du", "des", "d", "von", "van", "of", "di", "da", "del", "zu"})


def _civilities(m: _Mentions, ends: list, articles: pd.DataFrame | None
                ) -> tuple[list[str | None], set[int], set[int]]:
    """civility: each mention's sex as its civility says it, "f" (Mme, Madame, Mrs, Ms...), "m" (M., Monsieur,
    Mr...) or None; the mentions whose civility is also a beauty contest's title ("Miss"); and the
    mentions written after a person's title that says no sex ("Dr", "Mgr": the civilities table).

    The civility is the last title strip-title removed from the mention, else the word written right
    before it in the article (only spaces and a period between: engines often leave "M." out of
    the mention). In English articles "M." is an initial ("M. Jordan"), not Monsieur.
    """
    text_of = article_texts(articles)
    language_of = dict(zip(articles["article_id"], articles["language"])) if articles is not None \
        and "language" in articles.columns else {}
    table = civilities()
    sexes: list[str | None] = []
    beauty_titles: set[int] = set()
    person_titles: set[int] = set()
    for i in range(len(m.texts)):
        raw = m.stripped[i].removed
        words = folded_words(raw) if raw else ()
        if not words and offset(m.starts[i]) is not None:
            text = text_of.get(m.article_ids[i])
            start = int(m.starts[i])
            # Searched in the whole text (pos, endpos): "^" is the text's start, not the window's.
            before = _CIVILITY_BEFORE.search(text, max(0, start - 16), start) if isinstance(text, str) else None
            # Abbreviated civilities are capitalised ("Mme", "M."); "madame", "monsieur" may be lower case.
            if before is not None and (before.group(1)[:1].isupper() or len(before.group(1)) > 4):
                raw, words = before.group(1), folded_words(before.group(1))
                # Old French print abbreviates Madame "Mad." ("Mad. de Staël"): with its period only.
                if words == ("mad",) and "." in before.group(2):
                    words = ("mme",)
        word = words[-1] if words else None
        if word == "m" and not _french_m(language_of.get(m.article_ids[i]) if language_of else "fr"):
            word = None
        if word in table.beauty_titles:
            beauty_titles.add(i)
        sexes.append("f" if word in table.women else "m" if word in table.men else None)
        # A title inside a span the engine tagged a company's or a work's ("Dr Pepper", "Dr Strangelove")
        # is part of that name; outside the span, or in a person's or a place's span, it titles a person.
        # Written in capitals before a name that is not, it is an acronym: "DR Congo" is a country.
        if sexes[-1] is None and not (m.stripped[i].removed and m.engine_types[i] in ("ORG", "MISC")) and \
                any(folded_words(w)[:1] and folded_words(w)[0] in table.person_titles
                    and not (len(w) > 1 and w.isupper() and not m.names[i].isupper())
                    for w in _WORD.findall(raw or "")):
            person_titles.add(i)
    return sexes, beauty_titles, person_titles


def _french_m(lang) -> bool:
    """civility: whether "M." may be Monsieur in an article of language ``lang``.

    Not in English ("en", "en-GB", "EN": "M. Jordan" is an initial), nor in an article of
    unknown language (None, NaN): there "M." says no sex, the safe side.
    """
    if not isinstance(lang, str) or not lang.strip():
        return False
    return lang.split("-")[0].split("_")[0].strip().lower() != "en"


def _quoted(name: str) -> str:
    """A name in double quotes, for evidence."""
    return f'"{name}"'


def _opposite(a: set, b: set) -> bool:
    """civility: two sets of civility sexes that say two different people (only "f" one side, only "m" the other)."""
    return len(a) == 1 and len(b) == 1 and a != b


def _partial_evidence(full: str, key: tuple[str, ...], full_key: tuple[str, ...], where: str) -> str:
    first, last = _contains(full_key, key)
    words = f"word {first}" if first == last else f"words {first}–{last}"
    return f'{where}: {words} of "{full}", the only fuller PER name there'


def _partial_names_in_articles(m: _Mentions, groups: _Groups, gid: list[int | None],
                               sexes: list[str | None] | None = None) -> tuple[list[int | None], dict[int, str]]:
    """Stage 4a, partial-name: within each article, a short PER name joins the only fuller one.

    ``civility``: a short name written with a woman's civility ("Mme Bonaparte") never joins a
    fuller name the article writes only with a man's ("M. Joseph Bonaparte"), nor the reverse:
    "M. et Mme X" are two people. The other fuller names that fit are still tried.
    Returns each mention's group after the stage and, for the mentions moved, the evidence.
    """
    sexes = sexes or [None] * len(m.texts)
    assigned = list(gid)
    moved: dict[int, str] = {}  # mention → evidence
    nearest = m.nearest
    size = Counter(g for g in gid if g is not None)   # each name's mentions in the corpus
    by_article: dict[object, list[int]] = defaultdict(list)
    for i in range(len(m.texts)):
        if gid[i] is not None and groups.is_person(gid[i]):
            by_article[m.article_ids[i]].append(i)
    for article_id, members in by_article.items():
        present: dict[int, dict[tuple[str, ...], str]] = defaultdict(dict)
        sex_here: dict[int, set[str]] = defaultdict(set)   # group → the sexes its civilities say here
        for i in members:
            present[gid[i]].setdefault(m.keys[i], m.names[i])
            if sexes[i]:
                sex_here[gid[i]].add(sexes[i])
        if len(present) < 2:
            continue
        resolved: dict[int, tuple[int, str]] = {}
        ambiguous: dict[int, set[int]] = {}
        # Longest first, so "Quốc Tỏ" is resolved before "Tỏ" looks for its full name.
        shorts = [g for g in present if groups[g].kind == "fold"]
        for g in sorted(shorts, key=lambda g: (-len(groups[g].key), groups[g].key)):
            short = groups[g].key
            targets: dict[int, tuple[tuple[str, ...], str]] = {}
            for h, forms in present.items():
                for full_key, full in forms.items():
                    if h != g and len(full_key) > len(short) and _contains(full_key, short):
                        targets.setdefault(resolved.get(h, (h,))[0], (full_key, full))
            if len(targets) == 1:
                (target, (full_key, full)), = targets.items()
                resolved[g] = (target, _partial_evidence(full, short, full_key, str(article_id)))
            elif len(targets) > 1:
                ambiguous[g] = set(targets)
        settled: dict[int, tuple[int, str]] = {}  # short group → the person its first use named
        def apart(i: int, target: int, record: bool = True) -> bool:
            """civility: mention ``i``'s civility says the other sex than the target's civilities here."""
            if sexes[i] is None or not _opposite({sexes[i]}, sex_here.get(target, set())):
                return False
            if not record:
                return True
            full = next(iter(present[target].values()))
            m.moved_by.setdefault(i, ("civility", f'{article_id}: "{m.texts[i]}" is written with a '
                                                  f'{"woman" if sexes[i] == "f" else "man"}\'s civility, '
                                                  f'"{full}" only with a {"man" if sexes[i] == "f" else "woman"}\'s '
                                                  f'there: two people, kept apart'))
            return True

        for i in sorted(members, key=lambda i: (m.starts[i] is None, m.starts[i] or 0)):
            if gid[i] in resolved and apart(i, resolved[gid[i]][0]):
                continue
            if gid[i] in resolved:
                assigned[i], moved[i] = resolved[gid[i]]
            elif gid[i] in settled and not apart(i, settled[gid[i]][0], record=False):
                # News style names a person in full, then by the short form, and writes a namesake
                # named later in full or with a qualifier ("his father, Kim Jong Il"): a short form
                # stays with the person its first use named.
                assigned[i], first = settled[gid[i]]
                moved[i] = (f'{article_id}: "{m.names[i]}" fits several fuller PER names there; its first use '
                            f'there went to "{first}", and a short form stays with the person it first named')
                nearest.add(i)
            elif gid[i] in ambiguous and m.starts[i] is not None:
                # Several full names fit: the nearest one before it in the article (else after).
                fits = [j for j in members if (resolved.get(gid[j], (gid[j],))[0]) in ambiguous[gid[i]]
                        and len(m.keys[j]) > len(m.keys[i])]
                # civility: "Mme Morel" is not the "M. Paul Morel" of her article.
                other_sex = {m.names[j] for j in fits if sexes[i] and _opposite({sexes[i]}, sex_here[gid[j]])}
                # The pick without the civility's filter: the civility decided only if it differs.
                unfiltered = _dominant_fit(m, i, fits, gid, size) if other_sex else None
                unfiltered = unfiltered if unfiltered is not None or not other_sex else _nearest(m, i, fits)
                fits = [j for j in fits if m.names[j] not in other_sex]
                near = _nearest(m, i, fits)
                dominant = _dominant_fit(m, i, fits, gid, size)
                if dominant is not None:
                    # Named before any full name (a headline): the one the corpus names far more
                    # often, not the nearest after it ("Trump" over a one-off "Ban Trump").
                    assigned[i] = resolved.get(gid[dominant], (gid[dominant],))[0]
                    moved[i] = (f'{article_id}: "{m.names[i]}" comes before the fuller PER names there it fits; '
                                f'"{m.names[dominant]}" has {size[gid[dominant]]} of their '
                                f'{sum(size[g] for g in {gid[j] for j in fits})} mentions in the corpus')
                    nearest.add(i)
                    settled.setdefault(gid[i], (assigned[i], m.names[dominant]))
                elif near is not None:
                    assigned[i] = resolved.get(gid[near], (gid[near],))[0]
                    moved[i] = (f'{article_id}: "{m.names[i]}" fits several fuller PER names there; '
                                f'"{m.names[near]}" is the nearest')
                    nearest.add(i)
                    settled.setdefault(gid[i], (assigned[i], m.names[near]))
                picked_before = None if unfiltered is None else resolved.get(gid[unfiltered], (gid[unfiltered],))[0]
                if other_sex and assigned[i] != gid[i] and assigned[i] != picked_before:
                    who, others = "woman" if sexes[i] == "f" else "man", ", ".join(map(_quoted, sorted(other_sex)))
                    m.moved_by.setdefault(i, ("civility", f'{article_id}: "{m.texts[i]}" is written with a {who}\'s '
                                                          f'civility, {others} only with the other sex\'s there: '
                                                          f'not that person'))
    return assigned, moved


#: surname-not-place: a particle written right before a bare surname at a clause's start (after
#: punctuation or a line's start: "Tour d'Italie : de Muynck se détache"), not after a word
#: ("l'île de Majorque", "Palma de Majorque").
_PARTICLE_BEFORE = re.compile(r"(?:^|[\n.,;:!?«»\"(—–-])[ \t]*(\w+)[ \t]+$")


def _surnames_tagged_as_places(m: _Mentions, groups: _Groups, assigned: list[int | None],
                               articles: pd.DataFrame | None = None) -> None:
    """Stage 4a', surname-not-place: a bare surname the engine tagged LOC or ORG joins the person it names.

    A one-word name tagged LOC/ORG ("Zulle" in "Alex Zulle a gagné ... Zulle attaque") joins
    the only fuller PER name of its article that ends with it (not after a particle such as
    "de": "Palma de Majorque" is a place the engine tagged PER), provided the corpus tags that
    word LOC/ORG only in articles that name such a person: "Washington", a place in articles
    without George Washington, stays a place everywhere. A surname after a particle ("Johan de
    Muynck") counts only for a bare mention written with that particle at a clause's start ("... :
    de Muynck se détache"; :data:`_PARTICLE_BEFORE`): "Palma de Majorque" tagged PER does not take
    "l'île de Majorque". Changes ``assigned`` and records the rule in ``m.moved_by``; the mentions
    then count as PER for their entity's type.
    """
    persons: dict[object, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))  # article → word → groups
    # article → (particle, surname) → groups: "Johan de Muynck" (a person's name after a particle)
    particled: dict[object, dict[tuple[str, str], set[int]]] = defaultdict(lambda: defaultdict(set))
    full_name: dict[tuple[object, int], str] = {}
    for j in range(len(m.texts)):
        g = assigned[j]
        if g is not None and groups.is_person(g) and len(m.keys[j]) > 1:
            # The surname: the last word, not after a particle ("Palma de Majorque" names a place).
            if m.keys[j][-2] not in _PARTICLES:
                persons[m.article_ids[j]][m.keys[j][-1]].add(g)
            elif len(m.keys[j]) > 2:
                particled[m.article_ids[j]][m.keys[j][-2:]].add(g)
            full_name.setdefault((m.article_ids[j], g), m.names[j])
    text_of = article_texts(articles) if particled else {}
    for i in range(len(m.texts)):
        text = text_of.get(m.article_ids[i])
        if not isinstance(text, str) or len(m.keys[i]) != 1 or offset(m.starts[i]) is None:
            continue
        before = _PARTICLE_BEFORE.search(text, max(0, int(m.starts[i]) - 40), int(m.starts[i]))
        particle = before and before.group(1)
        if particle:   # written as the key folds it: a capitalised "De" opening a sentence finds nothing
            found = particled[m.article_ids[i]].get((particle, m.keys[i][0]))
            if found:
                persons[m.article_ids[i]][m.keys[i][0]] |= found
    places: dict[int, list[int]] = defaultdict(list)
    for i in range(len(m.texts)):
        g = assigned[i]
        if (g is not None and not groups.is_person(g) and groups[g].kind == "fold" and len(m.keys[i]) == 1
                and len(m.keys[i][0]) > 2 and i not in m.moved_by and not is_territory_key(m.keys[i])):
            places[g].append(i)
    for g, members in places.items():
        word = groups[g].key[0]
        if any(not persons[m.article_ids[i]].get(word) for i in members):
            continue  # tagged a place somewhere without a person of that name: a place
        for i in members:
            targets = persons[m.article_ids[i]][word]
            if len(targets) == 1:
                target = next(iter(targets))
                assigned[i] = target
                m.moved_by[i] = ("surname-not-place",
                                 f'{m.article_ids[i]}: "{m.names[i]}" (tagged {m.engine_types[i]}) is a word of '
                                 f'"{full_name[(m.article_ids[i], target)]}", the only PER name there it fits; '
                                 f'the corpus tags it {m.engine_types[i]} only beside such a name')


def _dominant_fit(m: _Mentions, i: int, candidates: list[int], gid: list[int | None], size: Counter) -> int | None:
    """For a short name written before every fuller name of its article that fits it, the candidate
    whose name has at least :data:`DOMINANT_SHARE` of the candidates' mentions in the corpus (None
    when a candidate stands before it, or none dominates)."""
    if not candidates or any(m.starts[j] is not None and m.starts[j] < m.starts[i] for j in candidates):
        return None
    first: dict[int, int] = {}
    for j in sorted(candidates, key=lambda j: m.starts[j] if m.starts[j] is not None else 0):
        first.setdefault(gid[j], j)
    top = max(first, key=lambda g: (size[g], -g))
    if len(first) > 1 and size[top] >= DOMINANT_SHARE * sum(size[g] for g in first):
        return first[top]
    return None


def _nearest(m: _Mentions, i: int, candidates: list[int]) -> int | None:
    """The candidate mention nearest before mention ``i`` (by ``start_char``), else the nearest after."""
    before = [j for j in candidates if m.starts[j] is not None and m.starts[j] < m.starts[i]]
    if before:
        return max(before, key=lambda j: m.starts[j])
    after = [j for j in candidates if m.starts[j] is not None and m.starts[j] > m.starts[i]]
    return min(after, key=lambda j: m.starts[j]) if after else None


#: partial-name-corpus: a full name written in one article only, with words after the bare name,
#: does not take a bare name that this many other articles or more write without it (one "Pope Francis
#: Five Years" in a heading, or "Louis Farrakhan refers", does not rename the "Francis" or the
#: "Farrakhan" of twenty articles). Ending with the bare name ("Richard Nixon"), it still does.
ONE_OFF_OTHER_ARTICLES = 3


def _partial_names_in_corpus(m: _Mentions, groups: _Groups, assigned: list[int | None],
                             sexes: list[str | None] | None = None) -> dict[int, str]:
    """Stage 4b, partial-name-corpus: leftover short PER names, against the whole corpus.

    ``civility``: a short name the corpus writes only with a woman's civility never joins a
    fuller name it writes only with a man's, nor the reverse (nor in ``partial-name-dominant``).
    A full name written in one article only, with words after the bare name, does not take a
    bare name that :data:`ONE_OFF_OTHER_ARTICLES` other articles write without it (a heading's
    "Francis Five", a span run on into a verb: "Louis Farrakhan refers"). Its price: a name
    written family name first and in full in one article only ("Xi Jinping") leaves the bare
    "Xi" of three other articles apart.
    Merges groups (``groups.find``) and returns the evidence per merged group.
    """
    sexes = sexes or [None] * len(m.texts)
    forms_of: dict[int, dict[tuple[str, ...], str]] = defaultdict(dict)
    sex_of: dict[int, set[str]] = defaultdict(set)   # root → the sexes its mentions' civilities say
    for i in range(len(m.texts)):
        if assigned[i] is not None and groups.is_person(assigned[i]):
            forms_of[assigned[i]].setdefault(m.keys[i], m.names[i])
        if assigned[i] is not None and sexes[i]:
            sex_of[groups.find(assigned[i])].add(sexes[i])
    # root → article → the sexes its mentions' civilities say there: a merge never joins a short
    # name to a person its own article kept it apart from ("M. Jean Dupont ... Mme Dupont").
    sex_in: dict[int, dict[object, set[str]]] = defaultdict(lambda: defaultdict(set))
    for i in range(len(m.texts)):
        if assigned[i] is not None and sexes[i]:
            sex_in[groups.find(assigned[i])][m.article_ids[i]].add(sexes[i])

    def apart_in_an_article(a: int, b: int) -> bool:
        return any(_opposite(sx, sex_in[b][article]) for article, sx in sex_in[a].items() if article in sex_in[b])

    kept_apart: dict[int, str] = {}   # short group → the fuller name its civility kept it from
    kept_in_article: dict[int, str] = {}   # short group → the fuller name an article's civilities kept it from
    by_word: dict[str, set[tuple[int, tuple[str, ...]]]] = defaultdict(set)
    for g, forms in forms_of.items():
        for full_key in forms:
            for word in full_key:
                by_word[word].add((g, full_key))
    # group → the articles its mentions are in (before any merge of this stage)
    articles_of: dict[int, set] = defaultdict(set)
    for i in range(len(m.texts)):
        if assigned[i] is not None:
            articles_of[groups.find(assigned[i])].add(m.article_ids[i])
    corpus_evidence: dict[int, str] = {}
    ambiguous: dict[int, dict[int, tuple[tuple[str, ...], str]]] = {}
    leftovers = [g for g, forms in forms_of.items() if groups[g].kind == "fold" and groups[g].key in forms]
    for g in sorted(leftovers, key=lambda g: (-len(groups[g].key), groups[g].key)):
        short = groups[g].key
        targets = {}
        for h, full_key in sorted(by_word.get(short[0], ())):
            root = groups.find(h)
            if root != groups.find(g) and len(full_key) > len(short) and _contains(full_key, short):
                if _opposite(sex_of[groups.find(g)], sex_of[root]):
                    kept_apart.setdefault(g, forms_of[h][full_key])
                    continue
                if apart_in_an_article(groups.find(g), root):
                    kept_in_article.setdefault(g, forms_of[h][full_key])
                    continue
                # An entity's form that ends with the short name speaks for it ("Barack Obama", not the
                # "Barack Hussein Obama Soetoro Sobarkah" merged with it): partial-name-dominant reads surnames.
                if root not in targets or (_without_suffix(full_key)[-len(short):] == short !=
                                           _without_suffix(targets[root][0])[-len(short):]):
                    targets[root] = (full_key, forms_of[h][full_key])
        if len(targets) == 1:
            (root, (full_key, full)), = targets.items()
            if len(articles_of[root]) == 1 and _contains(full_key, short)[1] < len(full_key) and \
                    len(articles_of[groups.find(g)] - articles_of[root]) >= ONE_OFF_OTHER_ARTICLES:
                continue
            sex_of[root] |= sex_of[groups.find(g)]
            for article, sx in sex_in[groups.find(g)].items():
                sex_in[root][article] |= sx
            groups.parent[groups.find(g)] = root
            corpus_evidence[g] = _partial_evidence(full, short, full_key, "corpus")
        elif len(targets) > 1:
            ambiguous[g] = targets
    for i in range(len(m.texts)):
        if assigned[i] in kept_apart and sexes[i] and groups.find(assigned[i]) == assigned[i]:
            woman = sexes[i] == "f"
            m.moved_by.setdefault(i, ("civility", f'"{m.texts[i]}": the corpus writes "{m.names[i]}" only with a '
                                                  f'{"woman" if woman else "man"}\'s civility, '
                                                  f'"{kept_apart[assigned[i]]}" only with a '
                                                  f'{"man" if woman else "woman"}\'s: two people, kept apart'))
        elif assigned[i] in kept_in_article and groups.find(assigned[i]) == assigned[i]:
            m.moved_by.setdefault(i, ("civility", f'"{m.texts[i]}": "{m.names[i]}" and '
                                                  f'"{kept_in_article[assigned[i]]}" are written with civilities of '
                                                  f'the two sexes in one article: two people there, so not joined '
                                                  f'across the corpus'))
    _dominant_full_names(m, groups, assigned, ambiguous)
    return corpus_evidence


#: partial-name-dominant: the share of the candidates' mentions the dominant full name must have.
DOMINANT_SHARE = 0.8
#: partial-name-dominant: a full name written in this many articles or more is common in its own
#: right, however often the bare name is used ("Barack Obama" in 19 articles, "Obama" in 64).
DOMINANT_MIN_ARTICLES = 3
#: Generational suffixes, folded: after the surname, not the surname ("Joseph R. Biden Jr."). Not "II" or
#: "III": also regnal numbers ("John Paul II" is no Paul).
_SUFFIXES = frozenset({"jr", "sr"})


def _without_suffix(key: tuple[str, ...]) -> tuple[str, ...]:
    """A name's folded words without a generational suffix at the end ("joseph r biden jr" → "joseph r biden")."""
    return key[:-1] if len(key) > 2 and key[-1] in _SUFFIXES else key


def _dominant_full_names(m: _Mentions, groups: _Groups, assigned: list[int | None],
                         ambiguous: dict[int, dict[int, tuple[tuple[str, ...], str]]]) -> None:
    """Stage 4c, partial-name-dominant: a bare name several full names fit joins the dominant one.

    Among the full names that end with the bare name (a generational suffix aside: "Joseph R.
    Biden Jr."), when one has at least :data:`DOMINANT_SHARE` of their mentions in the corpus and
    is common in its own right, at least as many mentions as the bare name or written in
    :data:`DOMINANT_MIN_ARTICLES` articles ("Donald Trump" against a rare "Fred Trump"; "Barack
    Obama" in 19 articles against "Malia Obama" in one), a mention of the bare name joins it,
    unless its article names one of the others. Changes ``assigned`` and records the rule in
    ``m.moved_by``.
    """
    if not ambiguous:
        return
    size: Counter = Counter()
    roots_in: dict[object, set[int]] = defaultdict(set)
    for i in range(len(m.texts)):
        if assigned[i] is not None:
            root = groups.find(assigned[i])
            size[root] += 1
            roots_in[m.article_ids[i]].add(root)
    choice: dict[int, tuple[int, str, set[int]]] = {}
    share: dict[int, str] = {}
    bare_keys = {groups[g].key for g in ambiguous}
    ends_with: dict[tuple[str, ...], Counter] = defaultdict(Counter)  # bare key → root → fuller names ending so
    written_in: dict[tuple[tuple[str, ...], int], set] = defaultdict(set)  # (bare key, root) → articles
    holds: dict[tuple[str, ...], Counter] = defaultdict(Counter)  # bare key → root → names holding it anywhere
    for i in range(len(m.texts)):
        if assigned[i] is not None:
            key = _without_suffix(m.keys[i])
            for n in range(1, len(key) + 1):
                if key[-n:] in bare_keys:
                    ends_with[key[-n:]][groups.find(assigned[i])] += 1
                    if n < len(key):   # the full name itself, not the bare name its article gave it
                        written_in[(key[-n:], groups.find(assigned[i]))].add(m.article_ids[i])
            for bare in {key[k:k + n] for n in range(1, len(key) + 1) for k in range(len(key) - n + 1)} & bare_keys:
                holds[bare][groups.find(assigned[i])] += 1
    bare_size = Counter(g for g in assigned if g in ambiguous)
    for g, targets in ambiguous.items():
        # Only as a surname (the last words of a full name: not "Noah" of "Noah Lew").
        roots = {groups.find(r): full for r, (full_key, full) in targets.items()
                 if _without_suffix(full_key)[-len(groups[g].key):] == groups[g].key}
        roots.pop(groups.find(g), None)
        key = groups[g].key
        if len(roots) == 1:
            # One full name ends with it, others hold it elsewhere ("Barack Obama" beside "Obama
            # CIA"): that person, when written as a name (not "pro-Hillary") and holding the bare
            # name in the share below of all their mentions ("Hunter" stays apart when "Hunter
            # Biden" outnumbers "Paul Hunter"); the others then count as the ones its article must not name.
            (top, full), = roots.items()
            others = {groups.find(r) for r in targets} - {top, groups.find(g)}
            if others and all(w[:1].isupper() for w in re.split(r"[\s\-‐]+", full) if w) and \
                    holds[key][top] >= DOMINANT_SHARE * sum(holds[key][r] for r in others | {top}) and \
                    (ends_with[key][top] >= bare_size[g] or len(written_in[(key, top)]) >= DOMINANT_MIN_ARTICLES):
                choice[g] = (top, full, others)
                share[g] = f"{holds[key][top]} of the {sum(holds[key][r] for r in others | {top})}"
            continue
        if not roots:
            continue
        # Count the mentions ending with the bare name (full names, and the bare name where
        # its article made it theirs), not every mention of their entities: "Keith Ellison"
        # is common, "Keith Ellison-Muhammad" is not, so a bare "Muhammad" does not go to him.
        ending = ends_with[key]
        top = max(roots, key=lambda r: (ending[r], -r))
        # The full name must be common in its own right: at least as frequent as the bare name,
        # or written in full in several articles.
        if ending[top] >= DOMINANT_SHARE * sum(ending[r] for r in roots) and \
                (ending[top] >= bare_size[g] or len(written_in[(key, top)]) >= DOMINANT_MIN_ARTICLES):
            choice[g] = (top, roots[top], set(roots) - {top})
            share[g] = f"{ending[top]} of the {sum(ending[r] for r in roots)}"
    for i in range(len(m.texts)):
        g = assigned[i]
        if g in choice and i not in m.moved_by:
            top, full, others = choice[g]
            if not roots_in[m.article_ids[i]] & others:
                assigned[i] = top
                m.moved_by[i] = ("partial-name-dominant",
                                 f'"{m.names[i]}" fits several fuller PER names of the corpus; "{full}" has '
                                 f'{share[g]} mentions of those names and the article names none of the others')


def _english_key(key: tuple[str, ...]) -> tuple[str, ...]:
    """Folded words with a final y written i ("zelensky" = "zelenski")."""
    return tuple(re.sub(r"y$", "i", w) for w in key)


def _french_to_english(key: tuple[str, ...]) -> tuple[str, ...]:
    """How English transcribes a name French transcribes so: ou → u, ch → sh, tch → ch, a final mute e dropped.

    "poutine" → "putin", "khrouchtchev" → "khrushchev", "bachar" → "bashar", "choigou" → "shoigu".
    """
    words = []
    for w in key:
        w = w.replace("tch", "\0").replace("ch", "sh").replace("\0", "ch").replace("ou", "u")
        words.append(re.sub(r"(?<=[^aeiouy])e$", "", w) if len(w) > 4 else w)
    return _english_key(tuple(words))


def _transliterations(m: _Mentions, groups: _Groups, assigned: list[int | None],
                      articles: pd.DataFrame | None) -> None:
    """Stage 4d, transliteration: a person named only in French joins the one named only in English
    whose name is the English transcription of the French one ("Vladimir Poutine" = "Vladimir Putin").

    French and English transcribe Russian, Arabic or Ukrainian names differently (ou/u, ch/sh,
    tch/ch, a final mute e, y/i). Only names of two words or more count: one word ("Louis"
    = "Luis") is too little evidence. Needs the articles' ``language``; merges groups and records
    the rule in ``m.moved_by``.
    """
    if articles is None or "language" not in articles.columns:
        return
    language_of = dict(zip(articles["article_id"], articles["language"]))
    languages: dict[int, set] = defaultdict(set)
    forms: dict[int, dict[tuple[str, ...], str]] = defaultdict(dict)
    for i in range(len(m.texts)):
        if assigned[i] is not None and groups.is_person(assigned[i]) and m.keys[i]:
            root = groups.find(assigned[i])
            languages[root].add(language_of.get(m.article_ids[i]))
            forms[root].setdefault(m.keys[i], m.names[i])
    before = [groups.find(g) if g is not None else None for g in assigned]
    english: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for root, langs in languages.items():
        if langs == {"en"}:
            for key in forms[root]:
                english[_english_key(key)].add(root)
    merged: dict[int, str] = {}
    for root, langs in languages.items():
        if langs != {"fr"}:
            continue
        targets: dict[int, tuple[str, str]] = {}
        for key, name in forms[root].items():
            if len(key) < 2:
                continue  # one word ("Louis", "Luis") is too little evidence of one person
            for target in english.get(_french_to_english(key), ()):
                if _french_to_english(key) != key or _english_key(key) != key:
                    targets.setdefault(target, (name, forms[target][next(k for k in forms[target]
                                                                         if _english_key(k) == _french_to_english(key))]))
        if len(targets) == 1:
            (target, (name, english_name)), = targets.items()
            groups.parent[groups.find(root)] = groups.find(target)
            merged[root] = f'"{name}", named in French articles only, is the French transcription of ' \
                           f'"{english_name}", named in English articles only'
    for i in range(len(m.texts)):
        if before[i] in merged and i not in m.moved_by:
            m.moved_by[i] = ("transliteration", merged[before[i]])


#: What may stand between a title and the name it introduces: spaces and the title's period
#: ("M. Pinard", OCR's "M . . Baroche", "MM . Bertoni").
_TITLE_GAP = re.compile(r"[\s.]{1,5}")
#: A title's gap, then the capitalised word after it.
_TITLE_THEN_WORD = re.compile(r"([\s.]{1,5})([A-ZÀ-Þ][\w'’-]+)")
#: A capitalised word right after a short form: the name the short form is the title of.
_BEFORE_A_NAME = re.compile(r"\s[A-ZÀ-Þ][a-zà-ÿ]")
#: Titles written abbreviated, folded: they take their period before the name ("M. Pinard",
#: "Prof. Smith", "Gen. Lee"); a title written in full before a period ends a sentence.
_ABBREVIATED_TITLES = frozenset({
    "m", "mm", "mme", "mmes", "mlle", "mlles", "mgr", "msgr", "me", "dr", "pr", "prof", "mr", "mrs", "ms", "messrs",
    "gen", "sen", "rep", "gov", "pres", "lt", "col", "capt", "cpt", "cdt", "sgt", "adm", "maj", "st", "ste",
    "fr", "rev", "hon", "sr", "jr", "abbe", "cie"})
#: Articles, which is_title_only counts as titles: "LA" before "CORUNA" is part of a name.
_ARTICLE_WORDS = frozenset({"la", "le", "les", "l", "the", "a", "an", "el", "il", "lo", "los", "las", "der", "die",
                            "das"})


def _titles_before_names(m: _Mentions, assigned: list[int | None], ends: list,
                         articles: pd.DataFrame | None) -> None:
    """Stage 6, title-of-name: a title alone (or a short form), written right before a name, names that name's entity.

    Engines often cut "M. Pinard" into "M." and "Pinard"; a civility or rank alone names no
    one (``title-only``), but the one written right before a name (only spaces and periods
    between) is that person's: it joins the entity of the name that follows ("MM. Bertoni,
    Micheli": the first one). So does a short form the ``abbreviation`` rule gave a place,
    when a name follows it ("Fr. Weinandy" is Father Weinandy, not France). A title with no
    name after it stays unlinked. A title names a person: it joins an entity whose mentions are
    mostly tagged PER, counting as PER the names written right after a title ("M . Baroche",
    which engines tag LOC in old print, becomes a person); "M. Renault" beside the company
    Renault, or "President Washington" beside the city, leaves the title unlinked. Only an
    abbreviated title (:data:`_ABBREVIATED_TITLES`) takes its period before the name. Needs the
    articles' ``text`` and the mentions' offsets; changes ``assigned`` and moves the mention
    from ``m.screened`` to ``m.moved_by``.
    """
    if articles is None or "text" not in articles.columns:
        return
    text_of = article_texts(articles)
    placed = [i for i in range(len(m.texts)) if offset(m.starts[i]) is not None and offset(ends[i]) is not None]
    titled = set()   # names written right after a title: PER votes for their entity

    def abbreviated(title: str) -> bool:
        return "".join(folded_words(title)) in _ABBREVIATED_TITLES

    def a_person(g: int, extra: int | None = None) -> bool:
        per = other = 0
        for k in members_of.get(g, ()):
            if m.engine_types[k] == "PER" or k in titled or k == extra or \
                    m.moved_by.get(k, ("",))[0] == "surname-not-place":
                per += 1
            elif m.engine_types[k] in ("ORG", "LOC"):
                other += 1
        return per > other

    members_of: dict[int, list[int]] = defaultdict(list)
    for k in range(len(m.texts)):
        if assigned[k] is not None and k not in m.screened:
            members_of[assigned[k]].append(k)
    order = sorted(placed, key=lambda i: (str(m.article_ids[i]), m.starts[i], -ends[i]))
    short_forms: set[int] = set()   # short forms taken back from a place: the evidence says "a short form"
    for i in placed:
        # A short form right before a capitalised word the engine did not tag ("Fr. Weinandy’s"):
        # a title too, so no place; it stays unlinked (title-of-name below may still give it a name).
        text = text_of.get(m.article_ids[i])
        if m.moved_by.get(i, ("",))[0] == "abbreviation" and isinstance(text, str) and \
                _BEFORE_A_NAME.match(text, int(ends[i])):
            assigned[i] = None
            del m.moved_by[i]
            short_forms.add(i)
            m.screened[i] = ("title-only", f'"{m.texts[i]}" is written right before a capitalised name: '
                                           f'a title ("Fr." for Father), not a place\'s short form')
    pairs = []
    for i, j in zip(order, order[1:]):
        # A title alone, or a short form abbreviation took for a place: "Fr." before a name is
        # "Father", not France (results lists write the country after the name, in parentheses).
        title = m.screened.get(i, ("",))[0] == "title-only"
        if not (title or m.moved_by.get(i, ("",))[0] == "abbreviation") or m.article_ids[i] != m.article_ids[j] \
                or assigned[j] is None or j in m.screened:
            continue
        text = text_of.get(m.article_ids[i])
        if not isinstance(text, str) or not m.names[j][:1].isupper() or set(m.keys[i]) <= _ARTICLE_WORDS:
            continue  # "M. britannique" is no name; "LA CORUNA" opens with an article, not a title
        gap = text[int(ends[i]):int(m.starts[j])]
        # A period after a title written in full ends a sentence ("... met the Pope. O'Malley said"):
        # only an abbreviated title ("M.", "MM.", "Mgr", "Dr.") takes its period before the name.
        if not _TITLE_GAP.fullmatch(gap) or ("." in gap and not abbreviated(m.texts[i])):
            continue
        pairs.append((i, j))
    titled.update(j for _, j in pairs)
    for i, j in pairs:
        if not a_person(assigned[j]):
            continue  # "M. Renault" beside the company: no person's title
        retyped = f', so "{m.names[j]}" (tagged {m.engine_types[j]}) is a person' if m.engine_types[j] != "PER" else ""
        m.titled.add(j)   # a name after a title is a person's: it votes PER for its entity's type (and is retyped)
        assigned[i] = assigned[j]
        m.screened.pop(i, None)
        what = "a short form" if i in short_forms or not title else "a title alone"
        m.moved_by[i] = ("title-of-name", f'{m.article_ids[i]}: "{m.texts[i]}", {what}, is written right '
                                          f'before "{m.names[j]}": it is that person\'s title{retyped}')
        m.title_of.add(i)
    # A title before a name the engine did not tag there ("M . Pinard au ministère"): the
    # entity of its article whose name ends with the word after it, when only one does
    # (a person's, by the same vote), never a country.
    surnames: dict[tuple[object, str], set[int]] = defaultdict(set)
    for j in range(len(m.texts)):
        if assigned[j] is not None and j not in m.screened and j not in m.title_of and m.keys[j] \
                and not is_territory_key(m.keys[j][-1:]):
            surnames[(m.article_ids[j], m.keys[j][-1])].add(assigned[j])
    for i in placed:
        if m.screened.get(i, ("",))[0] != "title-only" or set(m.keys[i]) <= _ARTICLE_WORDS:
            continue
        text = text_of.get(m.article_ids[i])
        after = _TITLE_THEN_WORD.match(text, int(ends[i])) if isinstance(text, str) else None
        if after is None or ("." in after.group(1) and not abbreviated(m.texts[i])):
            continue
        word = folded_words(after.group(2))
        fits = surnames.get((m.article_ids[i], word[0])) if word else None
        if fits and len(fits) == 1 and a_person(next(iter(fits))):
            what = "a short form" if i in short_forms else "a title alone"
            assigned[i] = next(iter(fits))
            m.screened.pop(i, None)
            m.moved_by[i] = ("title-of-name", f'{m.article_ids[i]}: "{m.texts[i]}", {what}, is written right '
                                              f'before "{after.group(2)}", the only person of the article with that '
                                              f'name: it is that person\'s title')
            m.title_of.add(i)



#: middle-name: the most middle or maiden names written between a first name and a surname.
MIDDLE_NAME_MAX_WORDS = 2


#: Characters within which one article writing both a short name and its fuller form names two people (middle-name).
MIDDLE_NAME_NEAR = 100


def _written_near(a: list, b: list) -> bool:
    """Whether a mention of ``a`` and one of ``b`` ((article, start_char) lists) lie in one article within
    MIDDLE_NAME_NEAR characters."""
    starts = defaultdict(list)
    for article, start in b:
        starts[article].append(start)
    return any(abs(start - other) <= MIDDLE_NAME_NEAR for article, start in a for other in starts.get(article, ()))


def _middle_names(m: _Mentions, groups: _Groups, assigned: list[int | None],
                  sexes: list[str | None] | None = None) -> None:
    """Stage 4a'', middle-name: "Hillary Clinton" and "Hillary Rodham Clinton" are one person.

    News names a person by first name and surname, and at times with a middle or maiden name
    between them ("Hillary Rodham Clinton", "John Fitzgerald Kennedy"); ``partial-name`` misses
    it, the short name not being a run of the long one's words. A two-word PER name joins the
    only PER name of the corpus that has its first word and its last word with one or two
    capitalised words of two letters or more between them (:data:`MIDDLE_NAME_MAX_WORDS`;
    initials are the ``initials`` rule's), when no other such name fits either: "George Bush"
    beside both "George Walker Bush" and "George Herbert Walker Bush" stays apart, and two
    people who share a surname ("Bill Clinton", "Hillary Clinton") have different first names.
    Never across a ``civility`` of the other sex, nor when one article writes both names within
    :data:`MIDDLE_NAME_NEAR` characters (a father and his son, "John Smith and his son, John
    Michael Smith"). Merges groups (``groups.find``) and records
    the rule in ``m.moved_by``.
    """
    sexes = sexes or [None] * len(m.texts)
    short: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)    # (first, last) → root → name
    longer: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    sex_of: dict[int, set[str]] = defaultdict(set)
    written_at: dict[int, list] = defaultdict(list)   # root → (article, start_char) of its mentions
    root_before = [None if g is None else groups.find(g) for g in assigned]
    for i in range(len(m.texts)):
        g = assigned[i]
        if g is None or not groups.is_person(g):
            continue
        root, key = root_before[i], m.keys[i]
        if sexes[i]:
            sex_of[root].add(sexes[i])
        if m.starts[i] is not None:
            written_at[root].append((m.article_ids[i], m.starts[i]))
        words = m.names[i].split()
        if len(words) != len(key) or not all(w[:1].isupper() for w in words):
            continue   # a hyphen or a lower-case particle: not a plain first name, middle name, surname
        if len(key) == 2 and all(len(w) > 1 for w in key):
            short[(key[0], key[-1])].setdefault(root, m.names[i])
        elif 3 <= len(key) <= 2 + MIDDLE_NAME_MAX_WORDS and all(len(w) > 1 for w in key):
            longer[(key[0], key[-1])].setdefault(root, m.names[i])
    merged: dict[int, str] = {}
    for ends, roots in short.items():
        fuller = longer.get(ends, {})
        if len(roots) != 1 or len(fuller) != 1:
            continue
        (root, name), = roots.items()
        (target, full), = fuller.items()
        # Both names written close together in one article are two people ("John Smith and his son, John Michael
        # Smith"); an article that names her "Hillary Rodham Clinton" and later "Hillary Clinton" is one.
        if _written_near(written_at[root], written_at[target]):
            continue
        root, target = groups.find(root), groups.find(target)
        if root == target or _opposite(sex_of[root], sex_of[target]):
            continue
        middle = " ".join(full.split()[1:-1])
        groups.parent[root] = target
        merged[root] = (f'"{name}" is "{full}" without the middle name "{middle}": the only PER names of the corpus '
                        f'with this first name and surname')
    for i in range(len(m.texts)):
        if root_before[i] in merged and i not in m.moved_by:
            m.moved_by[i] = ("middle-name", merged[root_before[i]])
