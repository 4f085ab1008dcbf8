"""Stages 2-3 of :func:`~toolkit.entities.linking.link_entities`: each mention's fold or alias group.

``fold`` (one name once accents and case are removed, within a compatible type),
``initials`` (a middle initial dropped), ``alias``, ``article`` ("la France" = "France"),
``same-name-in-article`` (a name tagged PER and LOC in one article is one thing there) and
``region-name`` ("canton de Vaud" = "Vaud");
and where the aliases come from: the alias files (:mod:`toolkit.entities.aliases`), CLDR
territory names (:mod:`toolkit.entities.places`) and a language's short forms ("E.-U."
in French is the United States).
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict

import pandas as pd

from toolkit.entities.aliases import Alias, alias_map
from toolkit.entities.linking.state import _contains, _Groups, _Mentions, article_texts, offset
from toolkit.entities.places import (LANGUAGE_SHORT_FORMS, fold_acronym, is_acronym, is_territory_key, territory_aliases,
                                     territory_names)
from toolkit.entities.titles import Stripped
from toolkit.text import folded_words

#: An acronym written with periods ("E.-U.", "É.-U.", "E.U.").
_DOTTED_ACRONYM = re.compile(r"(?:[A-ZÀ-Þ]\.[-‐‑]?\s?){2,}")
#: Leading words that do not change what a name names ("la France", "de France", "the Netherlands").
_ARTICLES = frozenset({"la", "le", "les", "l", "de", "du", "des", "d", "the", "of", "en", "au", "aux"})


@functools.cache
def _territory_alias_map() -> dict[tuple[str, ...], Alias]:
    """CLDR territory names and short forms (:mod:`toolkit.entities.places`) as an alias map."""
    return alias_map(pd.DataFrame(territory_aliases(), columns=list(Alias._fields)))


#: An article naming the European Union: then its plain "EU" is the Union ("EU DisinfoLab").
_EUROPEAN_UNION = re.compile(r"\bUE\b|[Uu]nion européenne|(?:Commission|Parlement|Conseil) européen|"
                             r"European Union|\bEU\s+[A-ZÀ-Þ]")


def _names_the_union(text, cache: dict[int, bool]) -> bool:
    """Whether an article's text names the European Union (True without a text: plain "EU" stays the Union)."""
    if not isinstance(text, str) or not text:
        return True
    key = id(text)
    if key not in cache:
        cache[key] = bool(_EUROPEAN_UNION.search(text))
    return cache[key]


def _language_aliases(m: _Mentions, articles: pd.DataFrame | None,
                      alias_of: dict[tuple[str, ...], Alias]) -> dict[int, Alias]:
    """Mention → the territory alias its acronym means in its article's language ("E.-U." in French: the US).

    Plain "EU" in French means the US only in an article with text that names no European Union.
    """
    if articles is None or "language" not in articles.columns:
        return {}
    language_of = dict(zip(articles["article_id"], articles["language"]))
    text_of = article_texts(articles)
    cache: dict[int, bool] = {}
    found = {}
    for i, name in enumerate(m.names):
        forms = LANGUAGE_SHORT_FORMS.get(language_of.get(m.article_ids[i]), {})
        # The dotted form ("E.-U.", "É.-U.", "E.U.") always; plain "EU" (results lists:
        # "Armstrong (EU)") only in an article that names no European Union: French writes
        # plain "EU" for the Union too ("EU DisinfoLab", next to "Union européenne").
        dotted = _DOTTED_ACRONYM.fullmatch(name.strip())
        plain = not dotted and is_acronym(name) and not _names_the_union(text_of.get(m.article_ids[i]), cache)
        code = forms.get(fold_acronym(name)) if forms and (dotted or plain) else None
        if code is not None:
            alias = alias_of.get(folded_words(territory_names()[code][0]))
            if alias is not None:
                found[i] = alias._replace(variant=name, source=f"CLDR {code} + short form in this language")
    return found


def _group_names(m: _Mentions, alias_of: dict[tuple[str, ...], Alias],
                 by_language: dict[int, Alias] | None = None,
                 sexes: list[str | None] | None = None,
                 beauty_titles: set[int] | frozenset[int] = frozenset(),
                 person_titles: set[int] | frozenset[int] = frozenset()) -> tuple[_Groups, list[int | None]]:
    """Stages 2-3, fold and alias: each mention's group (None for a name without letters).

    A name written with a civility (``sexes``: "M. SCHULTHESS", "Mme X") or a person's title
    (``person_titles``: "Mgr Ricca", "Dr Kelly") is a person's, whatever the engine tagged it: it
    counts PER in its name's family vote (and in its entity's type, through ``m.titled``), and
    its group is a person's even where the name's other mentions are mostly tagged ORG or LOC
    ("Monsignor Ricca" beside six "Ricca" tagged LOC; "M. Renault a parlé" beside the company).
    Updates ``m`` where an alias lists a form with its article ("La Havane"): that form is kept whole.
    """
    sexes = sexes or [None] * len(m.texts)
    # Only a capitalised name: "M. britannique" is OCR noise, no person; not a territory's name
    # ("Mme France" is OCR or a figure of speech) nor a name after "Miss" ("Miss Bretagne": a beauty title).
    sexes = [sex if m.names[i][:1].isupper() and i not in beauty_titles and not is_territory_key(m.keys[i])
             else None for i, sex in enumerate(sexes)]
    # A name after a person's title that says no sex ("Mgr Ricca", "Dr Kelly"): a person's too.
    person = [bool(sex) or (i in person_titles and m.names[i][:1].isupper() and not is_territory_key(m.keys[i]))
              for i, sex in enumerate(sexes)]
    engine_types = ["PER" if p else t for p, t in zip(person, m.engine_types)]
    groups = _Groups()
    gid: list[int | None] = [None] * len(m.texts)
    by_key: dict[tuple[str, ...], list[int]] = defaultdict(list)
    # Keys of names written as acronyms: a lower-case word never joins them ("us" is not the US).
    acronym_keys = {m.keys[i] for i in range(len(m.texts)) if m.keys[i] and is_acronym(m.names[i])}
    # Capitalised (not acronym) forms the corpus tags a place or person at least as often as
    # otherwise: "Nice" is the city, not NICE (an acronym alias); "Nato" is tagged ORG.
    place_or_person: Counter = Counter()
    for i in range(len(m.texts)):
        if m.keys[i] and not is_acronym(m.names[i]):
            place_or_person[m.keys[i]] += 1 if m.engine_types[i] in ("LOC", "PER") else -1

    def usable(alias: Alias | None, name: str) -> Alias | None:
        # An acronym alias ("US", "UE") matches only a name written in capitals, or, from four
        # letters, with a capital first as British style writes it ("Nato", "Unesco"; not "Us"),
        # unless the corpus tags that capitalised word a place or person ("Nice" is no NICE).
        spelled = is_acronym(name) or (name[:1].isupper() and len(name.strip()) >= 4
                                       and place_or_person[folded_words(name)] < 0)
        return None if alias is None or (is_acronym(alias.variant) and not spelled) else alias

    for i in range(len(m.texts)):
        if not m.keys[i] or m.screened.get(i, ("",))[0] in ("not-a-name", "title-only", "fragment"):
            continue
        if i in m.screened:  # a nationality word: an entity of its own, MISC
            gid[i] = groups.add("nationality", m.keys[i], "MISC")
            continue
        whole = folded_words(m.stripped[i].clean)
        alias = (by_language or {}).get(i)
        if alias is not None:
            m.moved_by[i] = ("alias", f'{alias.source}: "{alias.variant}" is "{alias.canonical}" ({alias.entity_type}) '
                                      f'in this article\'s language')
        else:
            alias = usable(alias_of.get(whole), m.stripped[i].clean)
        if alias is not None and whole != m.keys[i]:
            # The alias lists the form with its article ("La Havane"): do not strip it.
            m.names[i], m.keys[i] = m.stripped[i].clean, whole
            m.stripped[i] = Stripped(m.stripped[i].clean, m.stripped[i].clean, "", False)
        alias = alias or usable(alias_of.get(m.keys[i]), m.names[i])
        key = m.keys[i]
        if alias is None and len(key) > 1 and key[0] in _ARTICLES:
            # "la France", "de France": the name after a leading article or preposition.
            alias = usable(alias_of.get(key[1:]), m.names[i])
            if alias is not None:
                m.moved_by[i] = ("article", f'"{m.names[i]}" is "{key[0]}" + "{alias.variant}"')
                m.names[i], m.keys[i] = _after_first_word(m.names[i]), key[1:]
        if alias is not None:
            gid[i] = groups.add("alias", folded_words(alias.canonical), alias.entity_type, alias)
        elif not any(c.isupper() for c in m.names[i]) and key in acronym_keys:
            gid[i] = groups.add("lower", key, "MISC")
        else:
            bare = _without_initials(m.names[i], key)
            if bare != key:
                m.moved_by[i] = ("initials", f'"{m.names[i]}" is "{" ".join(bare)}" with a middle initial')
                m.keys[i] = key = bare
            by_key[key].append(i)
    # "la Commission" joins "Commission" when the corpus names it without the article.
    for key in [k for k in by_key if len(k) > 1 and k[0] in _ARTICLES and k[1:] in by_key]:
        for i in by_key.pop(key):
            m.moved_by[i] = ("article", f'"{m.names[i]}" is "{key[0]}" + a name the corpus uses alone')
            m.names[i], m.keys[i] = _after_first_word(m.names[i]), key[1:]
            by_key[key[1:]].append(i)
    for key, members in by_key.items():
        counts = Counter(engine_types[i] for i in members)
        per, orgloc = counts["PER"], counts["ORG"] + counts["LOC"]
        misc_family = "PER" if per and per >= orgloc else "ORG/LOC" if orgloc else "MISC"
        for i in members:
            if person[i] and m.engine_types[i] != "PER":
                m.titled.add(i)   # a civility's or a person's title's name votes PER for its entity's type
            family = {"PER": "PER", "ORG": "ORG/LOC", "LOC": "ORG/LOC"}.get(engine_types[i], misc_family)
            if person[i]:
                family = "PER"  # written with a civility or a person's title: a person's, whatever the others
            elif per > orgloc and orgloc:
                family = "PER"  # one name, mostly tagged PER: the ORG/LOC tags are the engine's slips
            elif orgloc > per and per:
                family = "ORG/LOC"
            gid[i] = groups.add("fold", key, family)
    return groups, gid


def _without_initials(name: str, key: tuple[str, ...]) -> tuple[str, ...]:
    """``"Donald J. Trump"`` → ``("donald", "trump")``: a name's folded words less its middle initials.

    Only single capital letters between two longer words count ("John F. Kennedy"), so
    "J. Smith" and "Washington D.C." keep theirs.
    """
    if len(key) < 3 or not any(len(w) == 1 for w in key[1:-1]):
        return key
    if not re.search(r"\w{2,}\s+[A-ZÀ-Þ]\.?\s+\w{2,}", name):
        return key
    bare = tuple(w for k, w in enumerate(key) if len(w) > 1 or k in (0, len(key) - 1))
    return bare if all(len(w) > 1 for w in bare) else key


def _after_first_word(name: str) -> str:
    """``"d'Espagne"`` → ``"Espagne"``, ``"La Commission"`` → ``"Commission"``."""
    return re.sub(r"^\w+(?:['’ʼ]\s*|\s+)", "", name, count=1)


#: Lower-case nouns of an administrative region named after a place ("canton de Vaud",
#: "département de la Somme", "province de Liège"), folded.
_REGION_NOUNS = frozenset({"canton", "departement", "region", "province", "comte"})
_REGION_LINKS = frozenset({"de", "du", "des", "d", "la", "l"})


def _regions(m: _Mentions, groups: _Groups, gid: list[int | None], articles: pd.DataFrame | None) -> None:
    """region-name: "canton de Vaud" is "Vaud" when the corpus never writes "à Vaud".

    French writes a town after "à" ("à Neuchâtel", "à Fribourg") and a region after "en", "au"
    or "dans le" ("en Valais", "dans le canton de Vaud"): a region named after a place whose
    name the corpus never puts after "à" is not a town, so "canton de X" (département,
    région, province, comté de X) joins the place named "X" alone (tagged LOC more often than ORG). Where
    the corpus writes "à X", X is a town ("canton de Neuchâtel" and the town of Neuchâtel
    stay apart). A French rule: only regions named in articles whose ``language`` is French
    ("county of Durham" in English says nothing about "à"); "A" or "À" opening a headline or
    sentence counts as "à" (French capitals often drop the accent). Needs the articles' ``text``
    and ``language``; changes ``gid`` and records the rule in ``m.moved_by``.
    """
    if articles is None or "text" not in articles.columns or "language" not in articles.columns:
        return
    french = {a for a, lang in zip(articles["article_id"], articles["language"])
              if isinstance(lang, str) and lang.split("-")[0].lower() == "fr"}
    alone: dict[tuple[str, ...], tuple[int, set[str]]] = {}   # a place's key → its group and forms
    regions: dict[tuple[str, ...], list[int]] = defaultdict(list)
    tagged: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for i in range(len(m.texts)):
        g = gid[i]
        if g is None or groups.is_person(g) or i in m.moved_by:
            continue
        key = m.keys[i]
        if len(key) > 2 and key[0] in _REGION_NOUNS and key[1] in _REGION_LINKS and m.names[i][:1].islower() \
                and m.article_ids[i] in french:
            place = key[1:]
            while place and place[0] in _REGION_LINKS:
                place = place[1:]
            if place:
                regions[place].append(i)
        elif groups[g].kind in ("fold", "alias"):
            alone.setdefault(key, (g, set()))[1].add(m.names[i])
            tagged[key][m.engine_types[i]] += 1
    # The place alone must be tagged a place more often than an organisation ("département de la
    # Défense" is a ministry, not a region named after "Défense").
    regions = {place: members for place, members in regions.items()
               if place in alone and tagged[place]["LOC"] > tagged[place]["ORG"]}
    if not regions:
        return
    texts = [t for t in articles["text"] if isinstance(t, str)]
    for place, members in regions.items():
        g, forms = alone[place]
        names = "|".join(re.escape(f) for f in sorted(forms))
        after_a = re.compile(r"(?:(?<!\w)[àÀ]|(?:^|(?<=[\n.!?:»\"]))\s*A)\s+(?i:" + names + r")(?!\w)")
        if any(after_a.search(t) for t in texts):
            continue  # "à Neuchâtel": a town of that name
        for i in members:
            gid[i] = g
            written = min(forms, key=lambda f: (f.isupper(), f))
            m.moved_by[i] = ("region-name", f'"{m.names[i]}" names the region "{written}", which the corpus '
                                            f'never writes after "à" (as it writes a town)')


#: A place's preposition right before a name, on the same line ("arrivant à Zuoz", "in Tower
#: Hamlets"): the evidence that settles a tie of same-name-in-article for the place. Not "at" nor
#: "to", which English writes before people ("lashed out at Pence"); French writes a person after
#: "à" with a civility or a first name ("à M. Gagnon"), so a bare name after it is taken for a
#: place, the rule's known price ("a répondu à Gagnon" in a tie).
_PLACE_PREPOSITION = re.compile(r"(?<!\w)(?i:à|au|aux|in|near)[ \t]+$")


def _one_name_per_article(m: _Mentions, groups: _Groups, gid: list[int | None],
                          sexes: list[str | None] | None = None, articles: pd.DataFrame | None = None,
                          person_titles: set[int] | frozenset[int] = frozenset()) -> None:
    """same-name-in-article: one name written in one article names one thing, whatever the engine tagged it.

    ``fold`` keeps a name tagged PER apart from the same name tagged ORG or LOC when the corpus
    tags it each way as often (or tags it mostly the other way elsewhere). Within one article a
    name repeated as it is names the same thing (one sense per discourse): a results list's
    "Buschor" tagged PER on one line and LOC on the next, a town "Zuoz" tagged PER once. There the
    mentions of the name's smaller group in the article (fewer mentions the engine tagged in
    the group's family there, then in the corpus: a MISC tag is no vote) join the other group, and take its type: they do not vote in their entity's type.
    A full tie (as many mentions each way in the article and in the corpus) stays apart: nothing
    tells whether "Pence" tagged PER once and ORG once is a man or a company. Not when the article also names a
    fuller PER name with these words ("George Washington" ... "Washington"): then the bare name
    may be the place, and ``partial-name`` and ``surname-not-place`` decide; nor when the article
    writes the name with a civility (``sexes``: "M. Renault a parlé. Renault vend." are a man and
    his company) or a title, in the mention or right before it (``person_titles``: "Dr Kelly";
    "Dr Pepper" tagged PER once is still the drink). Changes ``gid`` and
    records the rule in ``m.moved_by``.
    """
    sexes = sexes or [None] * len(m.texts)

    def votes(i: int, g: int) -> int:
        """1 when the engine tagged mention ``i`` in its group's family (a MISC tag is no vote)."""
        family = groups[g].family
        return int(m.engine_types[i] == "PER" if family == "PER" else m.engine_types[i] in ("ORG", "LOC"))

    size: Counter = Counter()
    for i, g in enumerate(gid):
        if g is not None:
            size[g] += votes(i, g)
    # Names written with a civility or a title ("M. Renault", "Dr Pepper"): the title may be part of
    # a brand's name, or make a person of a company's namesake; left as fold grouped them.
    civil = {(m.article_ids[i], m.keys[i]) for i, sex in enumerate(sexes)
             if sex or i in person_titles or set(folded_words(m.stripped[i].removed)) - _ARTICLES}
    in_article: dict[object, dict[tuple[str, ...], Counter]] = defaultdict(lambda: defaultdict(Counter))
    tagged_place: set[tuple[object, tuple[str, ...]]] = set()   # (article, name) the engine tagged LOC there
    person_keys: dict[object, set[tuple[str, ...]]] = defaultdict(set)
    for i in range(len(m.texts)):
        g = gid[i]
        if g is None:
            continue
        if groups[g].kind == "fold" and groups[g].family in ("PER", "ORG/LOC"):
            in_article[m.article_ids[i]][m.keys[i]][g] += votes(i, g)
            if m.engine_types[i] == "LOC":
                tagged_place.add((m.article_ids[i], m.keys[i]))
        if groups.is_person(g):
            person_keys[m.article_ids[i]].add(m.keys[i])
    text_of = article_texts(articles)
    at: dict[tuple[object, tuple[str, ...]], list[int]] = defaultdict(list)
    for i in range(len(m.texts)):
        if offset(m.starts[i]) is not None:
            at[(m.article_ids[i], m.keys[i])].append(offset(m.starts[i]))

    def after_preposition(article_id, key) -> bool:
        text = text_of.get(article_id)
        return isinstance(text, str) and any(_PLACE_PREPOSITION.search(text[max(0, start - 12):start])
                                             for start in at[(article_id, key)])

    move: dict[tuple[object, int], int] = {}
    for article_id, by_key in in_article.items():
        for key, counts in by_key.items():
            if len(counts) != 2 or {groups[g].family for g in counts} != {"PER", "ORG/LOC"} \
                    or (article_id, key) in civil:
                continue
            if any(len(full) > len(key) and _contains(full, key) for full in person_keys[article_id]):
                continue
            keep, leave = sorted(counts, key=lambda g: (-counts[g], -size[g]))
            if (counts[keep], size[keep]) == (counts[leave], size[leave]):
                # A tie: the place wins where the engine tagged the name a place there and the
                # article writes it after a place's preposition; else nothing tells which ("Pence"
                # tagged PER once and ORG once) and the two stay apart.
                if (article_id, key) not in tagged_place or not after_preposition(article_id, key):
                    continue
                keep, leave = sorted(counts, key=lambda g: groups[g].family == "PER")
            move[(article_id, leave)] = keep
    for i in range(len(m.texts)):
        target = move.get((m.article_ids[i], gid[i]))
        if target is not None and i not in m.moved_by:
            m.moved_by[i] = ("same-name-in-article",
                             f'{m.article_ids[i]}: "{m.names[i]}" is written so elsewhere in its article, where '
                             f'the engine tags it {"PER" if groups.is_person(target) else "ORG or LOC"} as often '
                             f'or more: one name, one thing')
            gid[i] = target
