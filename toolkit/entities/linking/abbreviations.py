"""Stages 4e-5 of :func:`~toolkit.entities.linking.link_entities`: short forms of places and organisations.

``official-name`` ("Centers for Disease Control" = "Centers for Disease Control and Prevention"),
``acronym`` ("FDIC" joins the "Federal Deposit Insurance Corporation" of its article),
``org-short-form`` ("Nabisco" joins the "RJR Nabisco" of its article), ``company-short-form``
("Continental" joins the "Continental Illinois Corporation" of its article), ``country-code``
("Zulle (S)" in a results list is Swiss) and ``abbreviation`` ("Esp" joins the corpus's only
"Espagne", a country first; "Colo." is Colorado only), never a word the corpus writes in
lower case ("Fed", "fox") but for a US state's abbreviation with its period.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pandas as pd

from toolkit.entities.linking.state import _Groups, _Mentions, article_texts, offset
from toolkit.entities.places import US_STATE_ABBREVIATIONS, US_STATE_WORDS, is_nationality_word, is_territory_key
from toolkit.text import fold, folded_words

#: A short form: a capital then 1-2 lower-case letters ("Esp", "It"), or 1-3 and a period
#: ("Fr.", "Allm."). Four letters without a period are a word ("Etat", "Rome"), not a short form.
#: ("Calif.", a US state's, has four.)
_ABBREVIATION = re.compile(r"[A-ZÀ-Þ][a-zà-ÿ]{1,2}|[A-ZÀ-Þ][a-zà-ÿ]{1,3}\.|Calif\.")
#: A capitalised place and a comma right before a mention: a US state after its city ("Boston, ").
_AFTER_CITY = re.compile(r"\b[A-Z][\w.'-]*,[ \t]+$")
#: Words an acronym skips: articles, prepositions and conjunctions ("Organisation des Nations
#: unies" → ONU, "Bank of America" → BOA is not written; "Federal Bureau of Investigation" → FBI).
_ACRONYM_SKIPS = frozenset("de du des d l la le les of the and et for a au aux en pour und der die das von".split())
#: An acronym: 3 to 6 capitals, nothing else ("FDIC", "ONU"; not "US", "U.S.", "PARIS " with a space).
_ACRONYM = re.compile(r"[A-ZÀ-Þ]{3,6}")
#: Capitalised words then an opening parenthesis: what may stand between a name the engine cut
#: short and the acronym it introduces ("Federal Deposit Insurance| Corporation (FDIC)").
_BEFORE_PARENTHESIS = re.compile(r"((?:\s+[A-ZÀ-Þ][\w'’-]*)*)\s*\(\s*([A-ZÀ-Þ]{3,6})\s*\)")


def _initials(name: str) -> str:
    """``"Federal Deposit Insurance Corporation"`` → ``"FDIC"``: first letters of the words an acronym keeps."""
    words = [w for w in re.split(r"[\s\-‐‑'’]+", fold(name)) if w and w not in _ACRONYM_SKIPS]
    return "".join(w[0] for w in words).upper()


def _acronyms(m: _Mentions, groups: _Groups, assigned: list[int | None], articles: pd.DataFrame | None) -> None:
    """Stage 4e, acronym: "FDIC" joins the name whose initials it is, named in the same article.

    An acronym (3 to 6 capitals) joins the only name of its article, not a person's, of two
    words or more whose initials it spells (articles and prepositions skipped: "Organisation
    des Nations unies" → ONU; an official name's "and ..." may be left out: "Centers for Disease
    Control and Prevention" → CDC), or that the article writes right before the acronym in
    parentheses with capitalised words the engine left out ("Federal Deposit Insurance"
    Corporation (FDIC)). Unless another article spells it out another way, the acronym joins
    that name across the corpus when most articles using it spell it out, else only there
    (one satirical "Clown News Network (CNN)" does not rename CNN). Merges groups
    (``groups.find``) or changes ``assigned``, and records the rule in ``m.moved_by``.
    """
    text_of = article_texts(articles)
    by_article: dict[object, list[int]] = defaultdict(list)
    for i in range(len(m.texts)):
        if assigned[i] is not None and not groups.is_person(assigned[i]):
            by_article[m.article_ids[i]].append(i)
    # acronym group → root of the name it spells → article → the name as spelled out there
    expansions: dict[int, dict[int, dict[object, str]]] = defaultdict(lambda: defaultdict(dict))
    for article_id, members in by_article.items():
        acronyms = {m.names[i] for i in members
                    if _ACRONYM.fullmatch(m.names[i]) and groups[assigned[i]].kind == "fold"}
        if not acronyms:
            continue
        text = text_of.get(article_id)
        for acronym in acronyms:
            fits: dict[int, str] = {}
            for j in members:
                # A name holding the acronym as a word ("BDS Democratize SSMU") is not its expansion.
                if len(m.keys[j]) < 2 or m.names[j] == acronym or acronym in m.names[j].split():
                    continue
                initials = _initials(m.names[j])
                extended = _extension(m.names[j])
                if initials == acronym or (extended and _initials(extended[0]) == acronym):
                    # "CDC" spells the name an official name extends ("Centers for Disease Control and Prevention").
                    fits.setdefault(groups.find(assigned[j]), m.names[j])
                elif text and m.starts[j] is not None and acronym.startswith(initials):
                    after = _BEFORE_PARENTHESIS.match(text, m.starts[j] + len(m.texts[j]))
                    if after and after.group(2) == acronym and initials + _initials(after.group(1)) == acronym:
                        fits.setdefault(groups.find(assigned[j]), m.names[j] + after.group(1))
            if len(fits) == 1:
                g = next(assigned[i] for i in members if m.names[i] == acronym)
                root, name = next(iter(fits.items()))
                if root != groups.find(g):
                    expansions[g][root][article_id] = name
    articles_of: dict[int, set] = defaultdict(set)
    for i in range(len(m.texts)):
        if assigned[i] in expansions:
            articles_of[assigned[i]].add(m.article_ids[i])
    for g, roots in expansions.items():
        if len(roots) != 1:
            continue  # two articles spell the acronym out two ways: leave it alone
        (root, spelled), = roots.items()
        # Spelled out in most of the articles that use it: one entity across the corpus; else
        # only where it is spelled out ("CNN" is not a satirical site's "Clown News Network").
        corpus_wide = 2 * len(spelled) >= len(articles_of[g])
        if corpus_wide:
            groups.parent[groups.find(g)] = groups.find(root)
        for i in range(len(m.texts)):
            if assigned[i] != g or i in m.moved_by or not (corpus_wide or m.article_ids[i] in spelled):
                continue
            article_id = m.article_ids[i] if m.article_ids[i] in spelled else next(iter(spelled))
            if not corpus_wide:
                assigned[i] = root
            m.moved_by[i] = ("acronym", f'{article_id}: "{m.names[i]}" spells the initials of '
                                        f'"{spelled[article_id]}", the only name there it fits')


def _abbreviations(m: _Mentions, groups: _Groups, assigned: list[int | None],
                   articles: pd.DataFrame | None = None) -> None:
    """Stage 5, abbreviation: "Esp", "Fr.", "It" join the one place or organisation of the corpus they start.

    A one-word name of 2 to 4 letters written with a capital then lower case (a period may
    follow), not a person, joins the only non-person entity whose name's first word starts
    with it and is longer ("Esp" → "Espagne"); with two candidates ("Be": Belgique, Berne)
    it stays apart. A US state's AP abbreviation with its period ("Colo.", "Ga.") shortens
    that state only (:data:`~toolkit.entities.places.US_STATE_ABBREVIATIONS`), never
    "Cologne" nor "Gambia". Merges groups (``groups.find``) and records the rule in ``m.moved_by``.
    """
    first_words: dict[str, set[int]] = defaultdict(set)   # folded first word → roots
    shorts: dict[int, list[int]] = defaultdict(list)      # group → its mentions
    country_roots: set[int] = set()                       # roots named by a CLDR country or region name
    for i in range(len(m.texts)):
        g = assigned[i]
        if g is None or groups.is_person(g) or groups[g].kind in ("nationality", "lower"):
            continue
        name = m.names[i]
        if (groups[g].kind == "fold" and len(m.keys[i]) == 1 and _ABBREVIATION.fullmatch(name)):
            shorts[g].append(i)
        elif len(m.keys[i]) == 1 and len(m.keys[i][0]) > 4:
            # A one-word name only: "Fed" does not shorten "Fédération de Russie", nor "Sun" "Sunni Islamic".
            first_words[m.keys[i][0]].add(groups.find(g))
            if is_territory_key(m.keys[i]) or (groups[g].alias is not None and is_territory_key(groups[g].key)):
                country_roots.add(groups.find(g))
    text_of = article_texts(articles)

    def after_city(i: int) -> bool:
        """Mention ``i`` written the AP way after its city: "Boston, Mass.", "Springfield, Ill."."""
        text, start = text_of.get(m.article_ids[i]), offset(m.starts[i])
        return isinstance(text, str) and start is not None \
            and _AFTER_CITY.search(text[max(0, start - 40):start]) is not None

    # Two letters are too few to be a word worth checking ("fr" is francs in old Swiss papers).
    words = _lower_case_words(articles, {groups[g].key[0] for g in shorts if len(groups[g].key[0]) > 2})
    for g, members in shorts.items():
        short = groups[g].key[0]
        state = US_STATE_ABBREVIATIONS.get(short)
        state_only = state is not None and all(m.names[i].endswith(".") for i in members)
        if short in words and not (state_only and all(after_city(i) for i in members)):
            # A word the corpus writes in lower case ("fed", "sun", "fox", "mass"): not a short
            # form, unless every mention is a state written after its city ("Boston, Mass.").
            continue
        roots = {r for word, rs in first_words.items() if word.startswith(short) for r in rs} - {groups.find(g)}
        if state_only:
            # A US state's abbreviation ("Colo.", "Ga.") shortens that state only, not Cologne nor Gambia.
            roots = set(first_words.get(state, set())) - {groups.find(g)}
        # Country names first: "Fr" in results tables shortens France, not Fribourg; "Be"
        # Belgique, not Berne. Other places and organisations count when no country fits.
        countries = {r for r in roots if r in country_roots}
        what = "country"
        if countries:
            roots = countries
        else:
            what = "place or organisation"
        if len(roots) != 1:
            continue
        root = roots.pop()
        target = next(m.names[i] for i in range(len(m.texts))
                      if assigned[i] is not None and groups.find(assigned[i]) == root)
        groups.parent[groups.find(g)] = root
        for i in members:
            m.moved_by[i] = ("abbreviation", f'"{m.names[i]}" is the US state abbreviation of "{target}"' if state_only
                             else f'"{m.names[i]}" starts "{target}", the only {what} of the corpus it can shorten')


def _lower_case_words(articles: pd.DataFrame | None, candidates: set[str]) -> set[str]:
    """The candidates (folded) that the articles' text also writes as a lower-case word."""
    if articles is None or "text" not in articles.columns or not candidates:
        return set()
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, sorted(candidates))) + r")(?!\w)")
    found = set()
    for text in articles["text"]:
        if isinstance(text, str):
            found.update(match.group(1) for match in pattern.finditer(text))
    return found


#: A short form in a results list: one capital letter ("S"), or a capital and 1-3 lower-case letters.
_CODE = re.compile(r"[A-ZÀ-Þ](?:[a-zà-ÿ]{1,3})?\.?")
#: The fewest other country short forms in parentheses an article needs to be a results list.
RESULTS_MIN_CODES = 2


def _country_codes(m: _Mentions, groups: _Groups, assigned: list[int | None], ends: list,
                   articles: pd.DataFrame | None) -> None:
    """Stage 5', country-code: in a results list, a short form in parentheses is a country.

    Sports results write each name with its country's short form in parentheses ("Olano
    (Esp)", "Zulle (S)", "Möller (Dan)"). In an article with at least
    :data:`RESULTS_MIN_CODES` such short forms already linked to countries, a short form in
    parentheses that no rule linked (a single letter, screened as no name, one the engine
    tagged a person, or a name of its own) joins the country of the corpus whose name starts
    with it and that has the most mentions ("S" → Suisse in Swiss papers; ties stay apart);
    when none starts so, with "l" for an "i" (OCR prints "Ail" for "All", Allemagne). Needs the articles'
    ``text`` and offsets; changes ``assigned`` and records the rule in ``m.moved_by``.
    """
    text_of = article_texts(articles)
    if not text_of:
        return
    size: dict[int, int] = defaultdict(int)
    # root → its one-word names (folded), each → as written: all of them, so the row order
    # does not matter ("la Confédération" and "Suisse" are both names of one root).
    countries: dict[int, dict[str, str]] = defaultdict(dict)
    for i in range(len(m.texts)):
        if assigned[i] is not None:
            root = groups.find(assigned[i])
            size[root] += 1
            g = assigned[i]
            if len(m.keys[i]) == 1 and (is_territory_key(m.keys[i]) or
                                        (groups[g].alias is not None and is_territory_key(groups[g].key))):
                countries[root].setdefault(m.keys[i][0], m.names[i])

    def in_parentheses(i: int) -> bool:
        text = text_of.get(m.article_ids[i])
        if not isinstance(text, str) or m.starts[i] is None or pd.isna(m.starts[i]) or pd.isna(ends[i]):
            return False
        return bool(re.search(r"\(\s*$", text[max(0, int(m.starts[i]) - 3):int(m.starts[i])])
                    and re.match(r"\s*\.?\s*[),]", text[int(ends[i]):int(ends[i]) + 4]))

    codes: dict[object, int] = defaultdict(int)   # article → country short forms in parentheses linked
    candidates = []
    for i in range(len(m.texts)):
        if not _CODE.fullmatch(m.texts[i].strip()):
            continue
        linked_country = assigned[i] is not None and groups.find(assigned[i]) in countries
        # No rule linked it: a single letter screened as no name, a short form the engine tagged a
        # person, or one of a name of its own that is no country (OCR's "Ail" for "All").
        unlinked = (assigned[i] is None and m.screened.get(i, ("",))[0] == "not-a-name") or \
            (assigned[i] is not None and (groups.is_person(assigned[i]) or
                                          (groups[assigned[i]].kind == "fold" and not linked_country)))
        if (linked_country or unlinked) and in_parentheses(i):
            if linked_country and len(m.keys[i][0]) < max(map(len, countries[groups.find(assigned[i])])):
                codes[m.article_ids[i]] += 1
            elif unlinked:
                candidates.append(i)
    for i in candidates:
        if codes[m.article_ids[i]] < RESULTS_MIN_CODES:
            continue
        short = m.keys[i][0]
        fits = _countries_starting(short, countries, size)
        if not fits and "i" in short:
            # An "l" OCR read as "i" ("Peschel (Ail)": All, Allemagne), when no country starts as printed.
            short = short.replace("i", "l")
            fits = _countries_starting(short, countries, size)
        if not fits or (len(fits) > 1 and size[fits[0]] == size[fits[1]]):
            continue
        name = min(written for w, written in countries[fits[0]].items() if w.startswith(short) and w != short)
        assigned[i] = fits[0]
        m.screened.pop(i, None)
        misread = f' (read with "l" for the "i" OCR often prints for it)' if short != m.keys[i][0] else ""
        m.moved_by[i] = ("country-code", f'{m.article_ids[i]}: "{m.texts[i]}" in parentheses in a results list '
                                         f'(other country short forms there); "{name}" is the commonest country '
                                         f'of the corpus it starts{misread}')


def _countries_starting(short: str, countries: dict[int, dict[str, str]], size: dict[int, int]) -> list[int]:
    """country-code: the countries (roots) with a one-word name that starts with ``short``, commonest first."""
    return sorted((r for r, words in countries.items() if any(w.startswith(short) and w != short for w in words)),
                  key=lambda r: (-size[r], r))


def _organisation_short_forms(m: _Mentions, groups: _Groups, assigned: list[int | None]) -> None:
    """Stage 4f, org-short-form: "Nabisco" joins the "RJR Nabisco" of its article.

    News names an organisation in full, then by the last word of its name ("la Deutsche
    Rundschau" ... "la Rundschau"). A one-word mention the engine tagged ORG joins the
    only fuller ORG name of two words or more in its article that ends with that word, when
    the corpus never tags the word as a place or a person, and the word is the name's head, not
    a complement or what a possessive owns ("Comité de l'AMS" does not take "AMS", nor "Banque
    de France" "France", nor "Obama's FBI" "FBI"). A word that opens other names of the corpus
    ("House Republicans", "House of Representatives", "Medicare Advantage") is a name of its own:
    it joins a fuller name only when the words before it are a qualifier (a country, a place, a
    nationality: "U.S. Senate", "New York Times", "European Commission"), not a word that makes
    another thing of it ("White House", "Romney-Ryan Medicare"). Changes ``assigned`` for the mentions of that
    article only, and records the rule in ``m.moved_by``. A MISC mention keeps its own entity (a
    title, a ship, a prize: "Titanic" is not the "RMS Titanic" company's name).
    """
    elsewhere = {m.keys[i] for i in range(len(m.texts)) if m.engine_types[i] in ("LOC", "PER")}
    places = {m.keys[i] for i in range(len(m.texts)) if m.engine_types[i] == "LOC"}
    # word → the names of two words or more the corpus opens with it ("House Republicans",
    # "House of Representatives"): a word that opens names of its own is a name of its own.
    opens: dict[str, set[str]] = defaultdict(set)
    for i in range(len(m.texts)):
        if len(m.keys[i]) >= 2 and m.names[i][:1].isupper():
            opens[m.keys[i][0]].add(m.names[i])

    def qualifier(key: tuple[str, ...]) -> bool:
        """The words before the last one say where or whose: a country, a place, a nationality ("U.S.
        Senate", "New York Times", "European Commission"), not a word that makes another thing of it
        ("White House", "State House")."""
        words = key[:-1]
        words = words[1:] if words[:1] in (("the",), ("la",), ("le",), ("l",)) else words
        return bool(words) and (is_territory_key(words) or words in places or
                                (len(words) == 1 and is_nationality_word(words[0])))

    by_article: dict[object, list[int]] = defaultdict(list)
    for i in range(len(m.texts)):
        if assigned[i] is not None and not groups.is_person(assigned[i]) and i not in m.moved_by:
            by_article[m.article_ids[i]].append(i)
    for article_id, members in by_article.items():
        # The last word → each fuller name's group root → (its name, its key).
        fuller: dict[tuple[str, ...], dict[int, tuple[str, tuple[str, ...]]]] = defaultdict(dict)
        for j in members:
            # The last word is the name's head, not a complement after "de", "of" ("Comité de l'AMS"),
            # nor what a possessive owns ("Obama's FBI").
            if m.engine_types[j] == "ORG" and len(m.keys[j]) >= 2 and m.names[j].split()[-1][:1].isupper() and \
                    m.keys[j][-2] not in _ACRONYM_SKIPS and not re.search(r"['’]s\b", m.names[j]):
                fuller[m.keys[j][-1:]].setdefault(groups.find(assigned[j]), (m.names[j], m.keys[j]))
        for i in members:
            key = m.keys[i]
            if len(key) != 1 or m.engine_types[i] != "ORG" or key in elsewhere or \
                    groups[assigned[i]].kind != "fold" or len(fuller.get(key, {})) != 1:
                continue
            (root, (full, full_key)), = fuller[key].items()
            if opens.get(key[0]) and not qualifier(full_key):
                # "House" opens "House Republicans", "House of Representatives": the corpus's name of
                # another body, not a back-reference to "White House" ("White" is no qualifier).
                continue
            if root != groups.find(assigned[i]):
                assigned[i] = root
                m.moved_by[i] = ("org-short-form", f'{article_id}: "{m.names[i]}" is the last word of "{full}", '
                                                    f'the only fuller ORG name there that ends with it')


#: company-short-form: the legal forms that end a company's full name ("Continental Illinois
#: Corporation", "Volkswagen AG"), folded.
_LEGAL_FORMS = frozenset({"corporation", "corp", "incorporated", "inc", "limited", "ltd", "plc", "gmbh", "ag", "sa",
                          "nv", "llc", "co", "company"})


#: company-short-form: a preposition of place right before a word: "in Wuxi", "à Lausanne" name a place.
_AT_PLACE = re.compile(r"(?<!\w)(?:in|at|near|à|dans)\s+$", re.IGNORECASE)


def _company_short_forms(m: _Mentions, groups: _Groups, assigned: list[int | None],
                         articles: pd.DataFrame | None = None) -> None:
    """company-short-form: a company named in full with its legal form, then by its first word.

    News names a company once in full ("Continental Illinois Corporation", "Volkswagen AG")
    and then by its first word ("Continental", "Volkswagen"), which engines often tag a place.
    In one article, a one-word name (not a person's, a country's nor a US state's: "Texas
    Instruments Inc." leaves "Dallas, Texas" a place) that is the first word of exactly one
    company named there in three words or more ending with a legal form (:data:`_LEGAL_FORMS`;
    "Kia Motors Corp" and "Hyundai Motor Co" in one article each keep their own short form)
    joins that company, provided the corpus tags the word a place only in articles that name such
    a company ("Paris", a city elsewhere, never joins "Paris Orléans Holding SA") and the article
    never writes it after a preposition of place ("the Wuxi Tong Ling Company Ltd ... its factory
    in Wuxi": the town; needs the articles' ``text``). Changes
    ``assigned`` for that article's mentions and records the rule in ``m.moved_by``.
    """
    companies: dict[object, dict[str, dict[int, str]]] = defaultdict(lambda: defaultdict(dict))  # article → word
    for j in range(len(m.texts)):
        g, key = assigned[j], m.keys[j]
        if g is not None and not groups.is_person(g) and len(key) >= 3 and key[-1] in _LEGAL_FORMS \
                and m.names[j].split()[0][:1].isupper():
            companies[m.article_ids[j]][key[0]].setdefault(groups.find(g), m.names[j])
    if not companies:
        return
    # Words the corpus tags a place in an article with no company they start.
    places = {m.keys[i][0] for i in range(len(m.texts)) if len(m.keys[i]) == 1 and m.engine_types[i] == "LOC"
              and m.keys[i][0] not in companies.get(m.article_ids[i], {})}
    # Words written after a preposition of place in an article that names such a company: towns.
    text_of = article_texts(articles)
    towns = set()
    for i in range(len(m.texts)):
        text = text_of.get(m.article_ids[i])
        if len(m.keys[i]) == 1 and m.keys[i][0] in companies.get(m.article_ids[i], {}) and isinstance(text, str) \
                and offset(m.starts[i]) is not None \
                and _AT_PLACE.search(text, max(0, int(m.starts[i]) - 8), int(m.starts[i])):
            towns.add((m.article_ids[i], m.keys[i][0]))
    for i in range(len(m.texts)):
        g, key = assigned[i], m.keys[i]
        if g is None or len(key) != 1 or groups.is_person(g) or groups[g].kind != "fold" or i in m.moved_by \
                or key[0] in places or (m.article_ids[i], key[0]) in towns or is_territory_key(key) \
                or key[0] in US_STATE_WORDS \
                or not m.names[i][:1].isupper():
            continue
        fits = companies.get(m.article_ids[i], {}).get(key[0], {})
        if len(fits) != 1:
            continue
        (root, full), = fits.items()
        if root != groups.find(g):
            assigned[i] = root
            m.moved_by[i] = ("company-short-form", f'{m.article_ids[i]}: "{m.names[i]}" is the first word of '
                                                   f'"{full}", the only company named there with its legal form')


#: official-name: the conjunction that extends an organisation's name ("Centers for Disease Control and
#: Prevention", "Ministère de l'Agriculture et de l'Alimentation").
_EXTENDED = re.compile(r"^(?P<base>.+?)\s+(?:and|et|&)\s+(?P<tail>.+)$")
#: official-name: the most words after the conjunction, the function words counted ("et de l'Alimentation").
EXTENSION_MAX_WORDS = 3


def _extension(name: str) -> tuple[str, str] | None:
    """``"Centers for Disease Control and Prevention"`` → ``("Centers for Disease Control", "Prevention")``:
    an organisation's name and the capitalised words its official name adds after "and" (None when none)."""
    found = _EXTENDED.match(name)
    if not found:
        return None
    base, tail = found.group("base"), found.group("tail")
    words = [w for w in re.split(r"[\s'’]+", tail) if w]
    content = [w for w in words if fold(w) not in _ACRONYM_SKIPS]
    # One capitalised word: two may make the whole a thing of its own, "and" joining what they
    # qualify ("Immigration and Nationality Act" is a law, not the "U.S. Immigration" agency).
    if len(content) != 1 or len(words) > EXTENSION_MAX_WORDS or not content[0][:1].isupper():
        return None
    if len(base.split()) < 2 or not base[:1].isupper():
        return None
    return base, tail


def _official_names(m: _Mentions, groups: _Groups, assigned: list[int | None]) -> None:
    """official-name: "Centers for Disease Control" is the "Centers for Disease Control and Prevention".

    An organisation's official name often extends the name news uses with "and ..." ("Centers
    for Disease Control and Prevention", "Ministère de l'Agriculture et de l'Alimentation"). A
    name of two words or more, tagged ORG, joins the only longer ORG name of the corpus that is
    it, then "and" ("et", "&") and one capitalised word (with function words, at most
    :data:`EXTENSION_MAX_WORDS` words: "et de l'Alimentation"; not "and Nationality Act", a
    law's name), when that word is no name of its own in the corpus: "Bank of America and
    Citigroup", two companies in one span, stays apart. Merges groups (``groups.find``) and
    records the rule in ``m.moved_by``.
    """
    root_before = [None if g is None else groups.find(g) for g in assigned]
    organisation: Counter = Counter()   # root → ORG votes minus LOC and PER votes
    for i in range(len(m.texts)):
        if assigned[i] is not None and not groups.is_person(assigned[i]):
            organisation[groups.find(assigned[i])] += 1 if m.engine_types[i] == "ORG" else \
                -1 if m.engine_types[i] in ("LOC", "PER") else 0
    named = {m.keys[i] for i in range(len(m.texts)) if assigned[i] is not None and m.keys[i]}
    roots_of: dict[tuple[str, ...], set[int]] = defaultdict(set)   # key → roots of the names written so
    longer: dict[tuple[str, ...], dict[int, tuple[str, str]]] = defaultdict(dict)   # base key → root → (name, tail)
    for i in range(len(m.texts)):
        g = assigned[i]
        if g is None or groups.is_person(g) or groups[g].kind not in ("fold", "alias"):
            continue
        root = groups.find(g)
        roots_of[m.keys[i]].add(root)
        parts = _extension(m.names[i])
        if parts is not None and folded_words(parts[1]) not in named:
            longer[folded_words(parts[0])].setdefault(root, (m.names[i], parts[1]))
    merged: dict[int, str] = {}
    for base, fuller in longer.items():
        roots = {r for r in roots_of.get(base, ()) if organisation[r] > 0}
        if len(fuller) != 1 or len(roots) != 1:
            continue
        (target, (full, tail)), = fuller.items()
        root = roots.pop()
        if organisation[target] <= 0 or groups.find(root) == groups.find(target):
            continue
        merged[root] = f'"{full}" is this name followed by "and {tail}": the organisation\'s longer name, ' \
                       f'the only one of the corpus that extends it'
        groups.parent[groups.find(root)] = groups.find(target)
    for i in range(len(m.texts)):
        if root_before[i] in merged and i not in m.moved_by:
            m.moved_by[i] = ("official-name", merged[root_before[i]])
