"""What a mention's text says before any grouping: the first stages of :func:`~toolkit.entities.linking.link_entities`.

``trim`` (quote marks, dashes, a lower-case article or noun phrase, a tail, a possessive
cut from a mention's edges), ``strip-title`` (titles and ranks, :mod:`toolkit.entities.titles`),
then the mentions that are not names (``not-a-name``, ``title-only``, ``fragment``) or are
nationality words (``nationality``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from toolkit.entities.linking.state import _Mentions, article_texts, offset
from toolkit.entities.places import is_nationality_word, is_territory_key
from toolkit.entities.titles import Stripped, Title, is_title_only, split_title, title_tokens
from toolkit.text import NAME_ABBREVIATIONS, folded_words

#: Words of web forms and page furniture: a mention made only of them is not a name
#: ("Email Sign", "Share", "Subscribe", "Sign in"); its row stays, unlinked.
INTERFACE_WORDS = frozenset("""
email e-mail mail sign signin signup login logout log in up out share shares subscribe subscribed subscription
newsletter newsletters register follow unfollow like tweet retweet reply replies comment comments print
click here menu search home cookie cookies accept password username account skip content advertisement
advertising sponsored read more next previous continue close submit send download contact
abonnez abonnez-vous abonner connexion connecter inscription inscrire partager partage imprimer commenter
commentaires courriel identifiant mot passe accueil rechercher recherche publicite lire suite envoyer
fermer telecharger newsletter suivre privacy policy terms conditions cgu confidentialite politique mentions legales
""".split())
#: Words that may stand between interface words ("Privacy Policy and Terms of Use").
_FUNCTION_WORDS = frozenset("and or of the to for our your use et ou de la le les des du vos nos notre votre".split())
#: A web address or link ("pic.twitter.com/fOlIQNF5pW", "https://...", "www.x.org").
#: A company's domain alone ("Amazon.com", "Booking.com") and a slash inside a name ("AC/DC")
#: are names; a scheme, "www.", a domain followed by a path ("pic.twitter.com/x") are links,
#: and an e-mail address ("name@reuters.com") or a number with a slash ("3/4", "12/08") is no name.
_WEB_ADDRESS = re.compile(r"://|\bwww\.|\w\.[a-z]{2,6}/\S|\w@\w[\w-]*\.\w|\d/\d", re.IGNORECASE)
#: A single letter (with or without a period) or a roman numeral alone is not a name.
_NO_NAME = re.compile(r"\w\.?|[IVXLC]+\.?")
#: An "@" or "#" standing alone between words ("Francis @ Five", an event's title): a name
#: never holds one (a handle such as "@CNNPR" glues it to its word and stays).
_LOOSE_SYMBOL = re.compile(r"(?:^|\s)[@#](?:\s|$)")
#: A leading lower-case article or preposition before a capitalised word (trimmed from a mention).
_LEADING_ARTICLE = re.compile(r"(la|le|les|the|de|du|des|l['’]|d['’])\s*(?=[A-ZÀ-ÖØ-Þ])")
_PREPOSITIONS = {"de", "du", "des", "d'", "d’"}
#: "À" (with its accent) before a capitalised word: a heading's or dateline's "À PARIS".
_LEADING_A = re.compile(r"^À\s+(?=[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þa-zß-öø-ÿ])")
#: Leading lower-case words before a name: a common noun and its preposition ("traité de
#: Prague", "guerre d'Italie", "ville de Berne", "vis-à-vis de la France", "plan Marshall").
#: French writes common nouns in lower case, so a mention that opens with one is the engine
#: taking the noun phrase around a name; the name is its capitalised part. Particles of
#: names ("de Gaulle", "von Braun", "al-Assad") and titles (left to strip-title) stay.
_LOWER_LEAD = re.compile(r"(?:[a-zß-öø-ÿ]+(?:\s*['’]\s*|\s*-\s*|\s+))+(?=[A-ZÀ-ÖØ-Þ])")
#: A lower-case tail after a name: a clause after a spaced dash ("Tessin - néglige") or one
#: short word ("Ruffie eft", "Chassot m"); French names end in lower-case adjectives
#: ("Conseil fédéral"), never in a word of 1-3 letters other than a particle.
_LOWER_TAIL = re.compile(r"\s+[-–—]\s+([a-zß-öø-ÿ][a-zß-öø-ÿ'’ -]*)$|\s+([a-zß-öø-ÿ]{1,3})$")
#: A possessive inside a person's mention, and what follows it: headlines in title case run
#: the name into what the person owns ("Trump’s POLICIES", "Francis’ Apostolic Constitution").
_OWNED = re.compile(r"(?<=\w)['’]s\s+\S.*$|(?<=s)['’]\s+\S.*$")
#: Lower-case words that open a name, not a noun phrase around it.
_NAME_PARTICLES = frozenset({"de", "du", "des", "d", "von", "van", "der", "den", "ter", "ten", "zu", "bin", "ben",
                             "ibn", "al", "el", "da", "di", "do", "dos", "das", "del", "della", "la", "le", "les",
                             "l", "the", "mac", "mc", "ap", "y", "e", "st", "san", "santa", "saint", "sainte"})
#: Lower-case nouns that make a name of their own with the name after them ("lac de Genève"
#: is a lake, "canton de Fribourg" not the town, "rue de Rivoli" a street, "ministère de
#: l'Intérieur" a ministry, "jardin du Luxembourg" a park, "tour Eiffel" a monument, "côte
#: d'Azur" a coast): never cut. Folded (no accents); English nouns for the rare lower-case
#: "bridge of Remagen".
_NAMING_NOUNS = frozenset("""
lac lacs mont monts montagne montagnes ile iles isle isles presqu mer golfe cap col canal rivière riviere fleuve
baie detroit pic massif vallee val plaine foret bois pont rue avenue boulevard place quai gare aeroport port pointe
lagune desert glacier canton cantons departement region province provinces duche comte principaute royaume
republique empire etat etats arrondissement district diocese eveche abbaye eglise cathedrale chateau palais
ministere ministre ministres police conseil cour tribunal banque parti comite commission office agence bureau
secretariat secretaire universite ecole lycee college institut musee theatre orchestre journal gazette societe
compagnie union assemblee chambre academie fondation association federation confederation armee garde marine
gouvernement administration direction service ambassade consulat prefecture mairie club equipe groupe
stade prix loi lois centrale usine fort hopital clinique plan programme operation mission accord accords
parc parcs jardin jardins square tour tours arc porte portes cote cotes pays cite quartier faubourg salle hotel
opera marche halle halles basilique chapelle couvent monastere prieure temple mosquee synagogue esplanade allee
chaussee impasse route chemin autoroute tunnel viaduc colline mer ocean plateau grotte gorges
chute chutes ecluse phare fontaine cimetiere galerie bibliotheque conservatoire villa manoir
citadelle tourelle rempart aerodrome circuit velodrome arene arenes
park garden gardens tower arch gate bridge street square lake mount river bay cape coast island islands
palace castle cathedral church abbey museum university stadium hall theatre theater
""".split())
#: Quote marks and dashes trimmed from a mention's edges (engines keep "“Mad Dog Mattis").
#: Marks cut from a mention's end only ("McCarrick &", "BDS/"): "AT&T" keeps its own.
_TRAILING_MARKS = "&/\\|<>{}^~[(+="
_EDGE_MARKS = "\"'“”„‟«»‹›‘’‚‛`´-‐‑‒–—―_*•·"


def _trim_edges(linked: pd.DataFrame, titles: Sequence[Title] = ()) -> tuple[pd.DataFrame, dict[int, str]]:
    """Stage 0, trim: quote marks and dashes cut from a mention's edges, offsets moved to match.

    Returns the table (a copy when anything changed) and, per trimmed row, the text before.
    """
    texts = linked["text"].tolist()
    trimmed: dict[int, str] = {}
    new_texts, starts, ends = list(texts), [], []
    has_offsets = "start_char" in linked.columns and "end_char" in linked.columns
    types = linked["entity_type"].tolist()
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text:
            continue
        body = text.lstrip(_EDGE_MARKS + " ")
        # A leading lower-case article is not part of a name ("la France", "the West Bank"),
        # nor a preposition before a place or organisation ("de France"); "de Gaulle" keeps it.
        # "À NEW YORK", "À Paris": a heading's preposition; no name opens with "À" and a capital.
        body = _LEADING_A.sub("", body, count=1)
        lead_article = _LEADING_ARTICLE.match(body)
        if lead_article and (lead_article.group(1).lower() not in _PREPOSITIONS or types[i] in ("LOC", "ORG")):
            body = body[lead_article.end():]
        else:
            body = _without_lower_lead(body, titles)
        lead = len(text) - len(body)
        body = body.rstrip(_EDGE_MARKS + _TRAILING_MARKS + " ")
        owned = _OWNED.search(body) if types[i] == "PER" else None
        if owned:
            body = body[:owned.start()]  # "Trump’s POLICIES": the person is the owner
        tail = _LOWER_TAIL.search(body)
        if tail and tail.group(2) and types[i] == "PER" and \
                sum(w[:1].isupper() for w in body[:tail.start()].split()) >= 2:
            tail = None  # a person's last short word after two names is a name: "Kim Jong un"
        if tail and (tail.group(2) or "") not in _NAME_PARTICLES and any(c.isupper() for c in body[:tail.start()]):
            body = body[:tail.start()].rstrip(_EDGE_MARKS + " ")
        if body == text or not any(c.isalnum() for c in body):
            continue
        trimmed[i] = text
        new_texts[i] = body
        starts.append((i, lead))
        ends.append((i, len(text) - lead - len(body)))
    if not trimmed:
        return linked, trimmed
    linked = linked.copy()
    linked["text"] = pd.Series(new_texts, index=linked.index, dtype=linked["text"].dtype)
    if has_offsets:
        start, end = linked["start_char"].to_numpy().copy(), linked["end_char"].to_numpy().copy()
        for i, lead in starts:
            start[i] += lead
        for i, tail in ends:
            end[i] -= tail
        linked["start_char"], linked["end_char"] = start, end
    return linked, trimmed


#: trim: an abbreviation or initial before a name, whose full stop ends no sentence ("Sen. Mark Kirk", "J. Smith").
_ABBREVIATION_STOP = re.compile(r"(?:\b(?:" + "|".join(map(re.escape, NAME_ABBREVIATIONS)) + r")|\b[A-Z])\.$")


def _opens_sentence(text: str, line_start: int, position: int) -> bool:
    """trim: whether the word at ``position`` opens a sentence: it starts its line, or follows a sentence's end
    (not the full stop of "Sen." or an initial), a colon, an opening quote mark or bracket, or a dash."""
    before = text[line_start:position].rstrip()
    if not before:
        return True
    last, spaced = before[-1], len(before) == 1 or before[-2].isspace()
    if last == ".":
        return not _ABBREVIATION_STOP.search(before)
    if last in "\"'-":  # an opening straight quote or a dash has a space before it ("said, "Plus", "Jean-Pierre")
        return spaced
    return last in "!?:;(“‘«—–"
#: trim: a word of a person's mention, as written (capitalised, letters only).
_EDGE_WORD = re.compile(r"[A-Z][a-z]{2,}")
#: trim: a word of a mention written all in capitals ("FILES" of "JFK FILES"), letters only.
_SHOUTED_WORD = re.compile(r"[A-Z]{3,}")


def _title_case_line(line: str) -> bool:
    """A heading written in title case ("Obama Willing to Use Executive Orders on Guns"): three
    words of 4+ letters or more, three quarters of them capitalised."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) >= 4]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.75 * len(words)


#: trim: a quoted passage on one line (a work's title, "an article entitled “Mystery of JFK Files Solved”").
_QUOTED = re.compile(r"[“\"]([^“”\"\n]{3,200})[”\"]")


def _in_quoted_title(line: str, position: int) -> bool:
    """trim: whether ``position`` of ``line`` is inside a quoted passage written in title case (a work's title)."""
    return any(q.start(1) <= position < q.end(1) and _title_case_line(q.group(1)) for q in _QUOTED.finditer(line))


def _trim_common_words(linked: pd.DataFrame, trimmed: dict[int, str], articles: pd.DataFrame | None,
                       why: dict[int, str]) -> pd.DataFrame:
    """trim: a common word at a person's mention's edge, capitalised only by its place, is cut off.

    A heading in title case or a sentence's first word runs a common word into a name
    ("Obama Willing to Use Executive Orders on Guns", "Plus Obama said", "Following Romney's
    speech"), as does a work's title quoted in title case ("an article entitled “Mystery of JFK
    Assassination Files Solved”": no evidence that "Files" is a name's word). The first or last word of a PER mention of two words or more is cut when the corpus
    writes it in lower case ("willing", "plus") and never capitalised but at a sentence's start or
    in a title-case heading, it opens no other person's name ("Bill Clinton", "Bill Kristol": a
    first name), and the rest is a name the corpus writes on its own. In a mention written all in
    capitals (a shouted tweet, a heading: "the classified JFK FILES to be opened") case says nothing,
    so its edge word is judged as its capitalised form: "FILES" is cut as "Files" would be, and "JFK"
    stays "JFK" instead of naming a person "JFK FILES"; not a word of a person's name the corpus
    writes in name case ("HILLARY CLINTON" beside "Bill Clinton"). Needs the articles' ``text``
    and the mentions' offsets; records the text before in ``trimmed`` and the evidence in ``why``.
    """
    text_of = article_texts(articles)
    if not text_of or "start_char" not in linked.columns or "end_char" not in linked.columns:
        return linked
    texts, types = linked["text"].tolist(), linked["entity_type"].tolist()
    keys = {folded_words(t) for t in texts if isinstance(t, str)}
    firsts: dict[str, set[str]] = {}
    edges: dict[int, list[tuple[str, str, str]]] = {}   # row → (edge, word, as written) candidates
    # Words of persons' names written in name case ("Bill Clinton"): a shouted "CLINTON" keeps its surname.
    name_words = {w for t, e in zip(texts, types) if e == "PER" and isinstance(t, str) and not t.isupper()
                  for w in folded_words(t)}
    for i, text in enumerate(texts):
        if types[i] != "PER" or not isinstance(text, str):
            continue
        words = text.split()
        if len(words) < 2:
            continue
        firsts.setdefault(words[0], set()).add(text)
        # A mention written all in capitals (a shouted tweet, a heading: "JFK FILES") tells no name
        # from a common word by its case: its edge word counts as its capitalised form ("Files").
        shouted = text.isupper()
        for edge, written in (("first", words[0]), ("last", re.sub(r"['’]s$", "", words[-1]))):
            rest = re.sub(r"['’]s$", "", " ".join(words[1:] if edge == "first" else words[:-1]))
            word = written[:1] + written[1:].lower() if shouted and _SHOUTED_WORD.fullmatch(written) else written
            if word != written and folded_words(word)[:1] and folded_words(word)[0] in name_words:
                continue
            if _EDGE_WORD.fullmatch(word) and rest[:1].isupper() and folded_words(rest) in keys:
                edges.setdefault(i, []).append((edge, word, written))
    candidates = {w for pairs in edges.values() for _, w, _ in pairs}
    if not candidates:
        return linked
    lower: dict[str, int] = dict.fromkeys(candidates, 0)
    placed: dict[str, int] = dict.fromkeys(candidates, 0)   # capitalised where a name would be
    pattern = re.compile(r"(?<![\w'’-])(" + "|".join(map(re.escape, sorted(candidates))) + r")(?![\w'’-])",
                         re.IGNORECASE)
    for text in text_of.values():
        if not isinstance(text, str):
            continue
        for match in pattern.finditer(text):
            found = match.group(1)
            word = found[:1].upper() + found[1:].lower()
            if word not in lower:
                continue
            if found == word.lower():
                lower[word] += 1
            elif found == word:
                line_start = text.rfind("\n", 0, match.start()) + 1
                line_end = text.find("\n", match.end())
                line = text[line_start:line_end if line_end >= 0 else len(text)]
                if not _opens_sentence(text, line_start, match.start()) and not _title_case_line(line) \
                        and not _in_quoted_title(line, match.start() - line_start):
                    placed[word] += 1
    cuts = {}
    starts_at, ends_at = linked["start_char"].tolist(), linked["end_char"].tolist()
    for i, pairs in edges.items():
        if offset(starts_at[i]) is None or offset(ends_at[i]) is None:
            continue
        for edge, word, written in pairs:
            if lower[word] and not placed[word] and (edge == "last" or len(firsts.get(written, ())) < 2):
                cuts[i] = (edge, word, written)
                break
    if not cuts:
        return linked
    linked = linked.copy()
    new_texts = list(texts)
    start, end = linked["start_char"].to_numpy().copy(), linked["end_char"].to_numpy().copy()
    for i, (edge, word, written) in cuts.items():
        text = texts[i]
        if edge == "first":
            body = text[text.index(written) + len(written):].lstrip()
            start[i] += len(text) - len(body)
        else:
            cut = text.rindex(written)
            body = text[:cut].rstrip()
            end[i] -= len(text) - len(body)
        trimmed.setdefault(i, text)
        new_texts[i] = body
        why[i] = (f'"{text}": "{written}" cut; the corpus writes "{word.lower()}" in lower case ({lower[word]}x) and '
                  f'capitalises it only at a sentence\'s start or in a title-case heading'
                  + (", and the mention is written all in capitals" if written != word else ""))
    linked["text"] = pd.Series(new_texts, index=linked.index, dtype=linked["text"].dtype)
    linked["start_char"], linked["end_char"] = start, end
    return linked


def _without_lower_lead(body: str, titles: Sequence[Title]) -> str:
    """``"traité de Prague"`` → ``"Prague"``: a name without the lower-case noun phrase before it.

    Unchanged when the first word is a particle of names ("de Gaulle", "van Gogh") or opens
    a title ("général de Gaulle": strip-title's work, which keeps "de Gaulle").
    """
    lead = _LOWER_LEAD.match(body)
    if lead is None or lead.group().endswith("-"):
        return body  # a prefix joined to the name is one word: "anti-Semitism", "pro-Israel", "non-Muslim"
    first = folded_words(lead.group())[:1]
    if not first or first[0] in _NAME_PARTICLES or first[0] in _NAMING_NOUNS or any(t.tokens[0] == title_tokens(lead.group())[0] for t in titles):
        return body
    return body[lead.end():]


def _screen(m: _Mentions, titles: Sequence[Title]) -> None:
    """Mentions that are not names (interface words, a title alone) and nationality words."""
    # Words of multi-word person names: "François" in "François Hollande" is a first name,
    # however much it looks like a demonym.
    person_words = {w for i, key in enumerate(m.keys) if len(key) > 1 and m.engine_types[i] == "PER" for w in key}
    verdicts: dict[str, tuple[str, str] | None] = {}
    for i, text in enumerate(m.texts):
        if not m.keys[i]:
            continue
        if text not in verdicts:
            words = folded_words(text)
            if is_title_only(text, titles):
                verdicts[text] = ("title-only", f'"{text}": a title alone names no one')
            elif all(w in INTERFACE_WORDS or w in _FUNCTION_WORDS for w in words) and \
                    any(w in INTERFACE_WORDS for w in words):
                verdicts[text] = ("not-a-name", f'"{text}": words of web forms and page furniture')
            elif _WEB_ADDRESS.search(text):
                verdicts[text] = ("not-a-name", f'"{text}": a web address, not a name')
            elif _LOOSE_SYMBOL.search(text):
                verdicts[text] = ("not-a-name", f'"{text}": a loose "@" or "#" between words, not a name')
            elif _NO_NAME.fullmatch(text.strip()):
                verdicts[text] = ("not-a-name", f'"{text}": a single letter or a roman numeral')
            elif is_nationality_word(m.names[i]) and m.keys[i][0] not in person_words:
                verdicts[text] = ("nationality", f'"{m.names[i]}": a nationality word (demonym), not a name')
            else:
                verdicts[text] = None
        if verdicts[text] is not None:
            m.screened[i] = verdicts[text]


def _fragments(m: _Mentions, linked: pd.DataFrame, articles: pd.DataFrame | None) -> None:
    """A one-word place or organisation written right before a person's name is a piece of a longer name.

    "Centre" in "Centre Fidel Castro" (tagged LOC, then PER for the rest) names no place:
    the engine cut one name in two. Needs ``articles`` and the mentions' offsets; such a
    mention is left unlinked with the rule ``fragment``.
    """
    if articles is None or "text" not in articles.columns or "end_char" not in linked.columns:
        return
    text_of = article_texts(articles)
    ends = linked["end_char"].tolist()
    order = sorted((i for i in range(len(m.texts)) if offset(m.starts[i]) is not None),
                   key=lambda i: (str(m.article_ids[i]), m.starts[i]))
    for i, j in zip(order, order[1:]):
        text = text_of.get(m.article_ids[i])
        if (m.article_ids[i] != m.article_ids[j] or text is None or len(m.keys[i]) != 1 or i in m.screened
                or m.engine_types[i] not in ("LOC", "ORG") or m.engine_types[j] != "PER"
                or is_territory_key(m.keys[i])):  # a country opens a headline ("Suisse Chirac à Berne")
            continue
        gap = text[int(ends[i]):int(m.starts[j])]
        if gap == " ":
            m.screened[i] = ("fragment", f'"{m.texts[i]}" is written right before "{m.texts[j]}": '
                                         f'a piece of one longer name')


def _strip_titles(linked: pd.DataFrame, titles: Sequence[Title]) -> _Mentions:
    """Stage 1, strip-title: each mention's name without titles, and its folded words."""
    texts = ["" if pd.isna(t) else str(t) for t in linked["text"]]
    # Cached: a corpus repeats the same few thousand names.
    cache: dict[str, Stripped] = {}
    stripped = [cache[t] if t in cache else cache.setdefault(t, split_title(t, titles)) for t in texts]
    return _Mentions(texts, linked["article_id"].tolist(),
                     ["MISC" if pd.isna(t) else t for t in linked["entity_type"]],
                     stripped, [s.name for s in stripped], [folded_words(s.name) for s in stripped],
                     linked["start_char"].tolist() if "start_char" in linked.columns else [None] * len(texts),
                     {}, {}, set(), set(), set())
