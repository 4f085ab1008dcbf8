"""Speakers and actors: parsed articles, speech cues, roles, and the resolution of a noun phrase to a linked entity.

Shared by :mod:`toolkit.framing.quotes` (who is quoted) and :mod:`toolkit.framing.agency`
(who acts on whom). Each article's dependency parse (``tokens`` of :func:`toolkit.annotate`)
and linked ``mentions`` (:func:`toolkit.entities.link_entities`) become a
:class:`ParsedArticle`; a :class:`Resolver` resolves a token to an entity in this order,
and the ``resolution`` column says which step won:

1. ``mention``: the word is (or is in apposition with) a linked mention: "To Lam",
   "le ministre To Lam", "Lieutenant General Lázaro Alberto Álvarez Casas". (A surname used
   alone stays, within an article, with the person it first named: the linker's
   ``partial-name-nearest`` rule sees to it.)
2. ``role``: a description such as "le ministre cubain de l'Intérieur" or "the Deputy
   Minister" is matched with the roles the corpus gives people next to their names ("le
   ministre cubain de l'Intérieur, Lázaro Alberto Álvarez Casas"; see :func:`find_roles`),
   first in the same article, then in a user role table (``toolkit/data/roles.csv``), then
   in the other articles; two people fitting equally well leave it unresolved.
3. ``anaphora``: a pronoun (il, celui qui..., he) or a bare title ("le responsable") is the
   most recent person that was the subject of a clause in the same or the two previous
   sentences, the main clause's subject before an embedded clause's in that sentence (see
   :func:`most_salient`; else the most recent person); "celui qui est membre du Bureau
   politique" is first matched as a role description. A name in a prepositional complement
   of the subject ("l'attachée de presse de Marine Le Pen") is not the subject; a name the
   NER typed as a place or organisation is a person here when the article gives it a
   person's role in apposition ("Caroline Parmentier, l'attachée de presse de..."). Plural
   pronouns (elles, they) point back to the last plural subject and never to one person.
4. ``unresolved``: the words are kept as ``*_text``.

The cue words (reporting verbs, attribution phrases such as "selon"/"according to",
pronouns, role nouns) are in ``toolkit/data/speech-cues.csv`` (:mod:`toolkit.framing.cues`).
These are transparent rules, not a trained model: every row carries the words it rests on, so a reader can check it.

Longer than the ~600 lines the layout aims for: preparing the mentions (types, short names,
people given a role), roles and resolution all read the same parsed-article arrays and
clause tests (subject, main clause); split, they would share private helpers across modules.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from toolkit.framing.cues import CueSets, cue_sets_for, read_cues
from toolkit.framing.lexicons import normalise_term_series, parse_term, read_lexicon, term_lemmas
from toolkit.paths import DATA
from toolkit.schema import require_columns
from toolkit.text import fold_name, folded_words

__all__ = [
    "NEEDS_ARTICLES", "NEEDS_MENTIONS", "NEEDS_TOKENS", "NOMINAL", "RESOLUTIONS", "ROLES_FILE", "ROLE_COLUMNS",
    "Found", "ParsedArticle", "Ref", "Resolver", "find_roles", "fits_gender", "in_main_clause", "index_roles",
    "is_person", "most_salient", "parse_articles", "person_genders", "phrase", "subject_of", "subtree", "typed_table",
]

ROLES_FILE = DATA / "roles.csv"
CIVILITIES_FILE = DATA / "civilities.csv"
#: How a speaker (or actor) was found: a linked ``mention``; a ``role`` description matched to a
#: person; ``anaphora`` (a pronoun or bare title → its antecedent); a ``description`` of someone
#: never named ("une diplomate américaine"), kept as words; ``continuation`` (a quote with no cue
#: of its own, after another by the same speaker); ``nearest-mention`` (no cue: the nearest person
#: named before); ``unresolved`` (none).
RESOLUTIONS = ("mention", "role", "anaphora", "description", "continuation", "nearest-mention", "unresolved")
#: The columns needed in ``tokens`` (a dependency parse), ``articles`` and linked ``mentions``
#: (``entity_id`` and ``name`` are added by :func:`toolkit.entities.link_entities`).
NEEDS_TOKENS = ["article_id", "sentence_id", "token_id", "start_char", "end_char", "text", "lemma", "upos", "head",
                "deprel"]
NEEDS_ARTICLES = ["article_id", "language", "text"]
NEEDS_MENTIONS = ["article_id", "start_char", "end_char", "entity_type", "entity_id", "name"]
ROLE_COLUMNS = ["article_id", "entity_id", "name", "role", "role_key", "language", "start_char", "end_char", "source"]

#: Parts of speech that can name a speaker, actor or target.
NOMINAL = {"NOUN", "PROPN", "PRON", "X"}
_CONTENT = {"NOUN", "ADJ", "PROPN", "X"}
_OF = {"de", "d'", "du", "des", "of"}
# Dependents that are not part of a noun phrase's description.
_NOT_IN_PHRASE = {"acl", "acl:relcl", "advcl", "conj", "cc", "punct", "parataxis", "ccomp", "appos", "nsubj",
                  "cop", "aux", "aux:tense", "aux:pass", "mark", "expl:subj", "expl:comp", "dep", "advmod", "xcomp",
                  "obj", "obl", "obl:mod", "obl:arg"}
_UP_TO_SUBJECT = {"appos", "flat", "flat:name", "nmod", "conj", "compound", "amod"}
_SUBJECT = {"nsubj", "nsubj:pass"}
# Relative pronouns stand for the noun their clause attaches to ("la délégation qui...").
_RELATIVE = {"qui", "que", "qu'", "dont", "lequel", "laquelle", "lesquels", "lesquelles",
             "who", "whom", "which", "that"}


class ParsedArticle(NamedTuple):
    """One article's dependency parse as plain arrays indexed by token position (see :func:`parse_articles`)."""

    article_id: str
    language: str
    text: str
    head: np.ndarray            # index of the head token
    children: list
    deprel: list
    upos: list
    lemma: list                 # normalised
    words: list                 # normalised text
    start: np.ndarray
    end: np.ndarray
    sid: np.ndarray
    mention_of: list            # per token: (entity_id, name, entity_type, start, end) or None
    sentence_rows: dict         # sentence_id -> (first, last) token index


# ---------------------------------------------------------------- parsed articles and roles


def _doc(article_id: str, language: str, text: str, columns: dict, lo: int, hi: int, mentions: list) -> ParsedArticle:
    """Arrays of one article's parse (rows ``lo:hi`` of ``columns``), with each token's linked mention."""
    ids = columns["token_id"][lo:hi]
    index = {t: i for i, t in enumerate(ids)}
    heads = [i if pd.isna(h) else index.get(h, i) for i, h in enumerate(columns["head"][lo:hi])]
    children = [[] for _ in heads]
    for i, h in enumerate(heads):
        if h != i:
            children[h].append(i)
    start = np.asarray(columns["start_char"][lo:hi], dtype=np.int64)
    end = np.asarray(columns["end_char"][lo:hi], dtype=np.int64)
    mention_of = [None] * len(ids)
    for entity_id, name, entity_type, m_start, m_end in mentions:
        for i in np.flatnonzero((start < m_end) & (end > m_start)):
            mention_of[i] = (entity_id, name, entity_type, m_start, m_end)
    sid = np.asarray(columns["sentence_id"][lo:hi], dtype=np.int64)
    rows = {}
    for i, s in enumerate(sid):
        rows[s] = (rows.get(s, (i, i))[0], i)
    return ParsedArticle(article_id, language, text, np.array(heads, dtype=np.int64), children,
                         [d if isinstance(d, str) else "" for d in columns["deprel"][lo:hi]],
                         [u if isinstance(u, str) else "" for u in columns["upos"][lo:hi]],
                         columns["matching_lemma"][lo:hi], columns["matching_word"][lo:hi], start, end, sid,
                         mention_of, rows)


def is_person(doc: ParsedArticle, i: int) -> bool:
    m = doc.mention_of[i]
    return m is not None and m[2] == "PER"


def _np_word(doc: ParsedArticle, i: int) -> bool:
    """A token that can be part of a role description (nouns, adjectives, determiners, "de"/"of")."""
    return doc.upos[i] in _CONTENT or doc.upos[i] == "DET" or doc.words[i] in _OF


def _role_segment(doc: ParsedArticle, tokens: list[int], cues: CueSets):
    """Trim a segment to start at its first role noun; its text and content-word key, or None."""
    for k, i in enumerate(tokens):
        if doc.lemma[i] in cues.roles or doc.words[i] in cues.roles:
            kept = tokens[k:]
            while kept and (doc.upos[kept[-1]] in ("DET", "ADP") or doc.words[kept[-1]] in _OF):
                kept = kept[:-1]
            key = frozenset(doc.lemma[j] for j in kept if doc.upos[j] in _CONTENT)
            return int(doc.start[kept[0]]), int(doc.end[kept[-1]]), key
    return None


def _roles_of_mention(doc: ParsedArticle, first: int, last: int, cues: CueSets) -> list:
    """Role descriptions written next to a person's name: "le ministre X", "X, membre du ..."."""
    lo, hi = doc.sentence_rows[doc.sid[first]]
    segments, current, crossed, j = [], [], False, first - 1
    while j >= lo:
        if doc.words[j] == ",":
            title_like = len(current) <= 3 and all(doc.upos[t] in ("DET", "NOUN", "PROPN", "X", "ADJ") for t in current)
            if crossed or not title_like:
                break
            segments.append(current)
            current, crossed = [], True
        elif is_person(doc, j) or not _np_word(doc, j):
            break
        else:
            current.insert(0, j)
        j -= 1
    segments.append(current)
    k = last + 1
    while k <= hi and doc.words[k] == ",":
        k += 1
        if k <= hi and doc.upos[k] == "DET":
            k += 1
        if k > hi or not (doc.lemma[k] in cues.roles or doc.words[k] in cues.roles):
            break
        segment = []
        while k <= hi and doc.words[k] != "," and _np_word(doc, k) and not is_person(doc, k):
            segment.append(k)
            k += 1
        segments.append(segment)
    found = []
    for segment in segments:
        role = _role_segment(doc, segment, cues) if segment else None
        if role:
            found.append(role)
    return found


def _learn_roles(docs: list[ParsedArticle], cue_sets: dict) -> pd.DataFrame:
    rows = []
    for doc in docs:
        cues = cue_sets[doc.language]
        seen = set()
        for i, m in enumerate(doc.mention_of):
            if m is None or m[2] != "PER" or (m[3], m[4]) in seen:
                continue
            seen.add((m[3], m[4]))
            inside = [j for j, n in enumerate(doc.mention_of) if n is not None and (n[3], n[4]) == (m[3], m[4])]
            for start, end, key in _roles_of_mention(doc, min(inside), max(inside), cues):
                rows.append((doc.article_id, m[0], m[1], doc.text[start:end], " ".join(sorted(key)), doc.language,
                             start, end, "article"))
    return pd.DataFrame(rows, columns=ROLE_COLUMNS)


def _user_roles(roles, mentions: pd.DataFrame) -> pd.DataFrame:
    """The user's role table, with role keys made from the parse-free lemmas of its words."""
    if roles is None:
        roles = ROLES_FILE
    if not isinstance(roles, pd.DataFrame):
        path = Path(roles)
        table = pd.DataFrame([row for _, row, _ in read_lexicon(path, ["role", "language", "name"],
                                                                ["entity_id", "note"])],
                             columns=["role", "language", "name", "entity_id", "note"])
    else:
        require_columns(roles, ["role", "language", "name"], name="roles")
        table = roles.assign(entity_id=roles["entity_id"] if "entity_id" in roles else None)
    by_name = {fold_name(n): e for n, e in zip(mentions["name"], mentions["entity_id"]) if pd.notna(n)}
    rows = []
    for r in table.itertuples(index=False):
        entity = r.entity_id if isinstance(r.entity_id, str) and r.entity_id else by_name.get(fold_name(r.name))
        if entity is None:
            # The person may never be named in the corpus: that is when a role table matters most.
            entity = "PER:" + "-".join(fold_name(r.name).split())
        key = frozenset(w for w in _role_words(r.role, r.language) if w not in _OF)
        rows.append((None, entity, r.name, r.role, " ".join(sorted(key)), r.language, -1, -1, "table"))
    return pd.DataFrame(rows, columns=ROLE_COLUMNS)


def _role_words(text: str, language: str) -> list[str]:
    """Lemmas of a role's words, with simplemma (the parser is not run on role tables)."""
    stop = {"le", "la", "les", "l'", "the", "a", "an", "un", "une"}
    return term_lemmas([w for w in parse_term(text, language=language) if w not in stop], language)


def find_roles(tokens: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame, *,
               cues: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The roles the corpus gives each person next to their name ("le ministre cubain de l'Intérieur, Lázaro...").

    A role is the noun phrase right before a person mention, up to one comma back ("le
    ministre vietnamien de la Sécurité publique, le général To Lam"), or after it between
    commas ("To Lam, membre du Bureau Politique, ministre..."), starting at a role noun
    of the cues file (ministre, général, membre, minister, deputy...).

    Args:
        tokens: From :func:`toolkit.annotate` (NEEDS_TOKENS: a dependency parse).
        mentions: Linked mentions (NEEDS_MENTIONS, from :func:`toolkit.entities.link_entities`).
        articles: The ``articles`` table (``article_id, language, text``).
        cues: A speech-cues file or table (see :func:`load_cues`); None for the toolkit's own.

    Returns:
        One row per (person mention, role): ``article_id``, ``entity_id``, ``name``,
        ``role`` (the words as written), ``role_key`` (the content lemmas, sorted and
        space-joined), ``language`` (all str), ``start_char``, ``end_char`` (int, the role's
        offsets), ``source`` (str, ``"article"``). Sorted by article and offset.

    Raises:
        ValueError: a required column is missing, or ``mentions`` are not linked.

    Example:
        >>> find_roles(tokens, linked.mentions, articles)[["name", "role"]].drop_duplicates()
    """
    docs, cue_sets = parse_articles(tokens, mentions, articles, cues)
    roles = _learn_roles(docs, cue_sets)
    return roles.sort_values(["article_id", "start_char"], kind="mergesort").reset_index(drop=True)


def parse_articles(tokens: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame,
                   cues: str | Path | pd.DataFrame | None) -> tuple[list[ParsedArticle], dict[str, CueSets]]:
    """Check the tables and turn each article's parse and linked mentions into a :class:`ParsedArticle`.

    Args:
        tokens: NEEDS_TOKENS (a dependency parse).
        mentions: Linked mentions (NEEDS_MENTIONS).
        articles: NEEDS_ARTICLES.
        cues: A speech-cues file or table (see :func:`load_cues`); None for the toolkit's own.

    Returns:
        The parsed articles in ``article_id`` order, and the cue sets by language.

    Raises:
        ValueError: a required column is missing, ``mentions`` are not linked, or ``tokens``
            refer to articles missing from ``articles``.
    """
    require_columns(tokens, NEEDS_TOKENS, name="tokens")
    require_columns(articles, NEEDS_ARTICLES, name="articles")
    if "entity_id" not in mentions.columns:
        raise ValueError("`mentions` must be linked: pass `toolkit.entities.link_entities(mentions).mentions` "
                         f"(it adds entity_id and name); got columns {list(mentions.columns)}")
    require_columns(mentions, NEEDS_MENTIONS, name="mentions")
    cue_table = read_cues(cues)
    meta = articles.drop_duplicates("article_id").set_index("article_id")
    languages, texts = meta["language"].to_dict(), meta["text"].to_dict()
    missing = sorted(set(tokens["article_id"].dropna()) - set(meta.index))
    if missing:
        raise ValueError(f"`tokens` refer to {len(missing)} article_id(s) missing from `articles`: {missing[:5]}")
    # Plain lists once for the whole table: per-article pandas calls dominate on large corpora.
    ordered = tokens.sort_values(["article_id", "token_id"], kind="mergesort")
    columns = {c: ordered[c].astype("object").tolist() for c in NEEDS_TOKENS}
    # The matching forms (normalised lemma, or text where the lemma is missing; normalised text), once.
    texts_as_str = ordered["text"].astype("object").map(str)
    lemma = ordered["lemma"].astype("object")
    lemma = lemma.where(lemma.map(lambda v: isinstance(v, str)), ordered["text"].astype("object")).map(str)
    columns["matching_lemma"] = normalise_term_series(lemma).tolist()
    columns["matching_word"] = normalise_term_series(texts_as_str).tolist()
    linked = mentions[mentions["entity_id"].notna()]
    types = _majority_types(linked)
    mentions_by = defaultdict(list)
    for row in zip(linked["article_id"], linked["entity_id"], linked["name"], types,
                   linked["start_char"].astype(int), linked["end_char"].astype(int)):
        mentions_by[row[0]].append(row[1:])
    for article_id, rows in mentions_by.items():
        mentions_by[article_id] = sorted(rows, key=lambda r: (r[3], r[4]))   # text order
    docs, cue_sets = [], {}
    ids, lo = columns["article_id"], 0
    for hi in range(1, len(ids) + 1):
        if hi < len(ids) and ids[hi] == ids[lo]:
            continue
        article_id = ids[lo]
        language = languages.get(article_id)
        language = language if isinstance(language, str) else ""
        if language not in cue_sets:
            cue_sets[language] = cue_sets_for(cue_table, language)
        doc = _doc(article_id, language, texts[article_id], columns, lo, hi, mentions_by.get(article_id, []))
        docs.append(_people_by_role(doc, cue_sets[language].roles))
        lo = hi
    return docs, cue_sets


def _people_by_role(doc: ParsedArticle, roles: frozenset) -> ParsedArticle:
    """Mark as a person a name the NER typed otherwise when the article gives it a person's role in
    apposition: "Caroline Parmentier, l'attachée de presse de Marine Le Pen", "the aide, John Smith"
    (a role noun of the speech cues). The mention keeps its entity; only its type here changes."""
    for i, m in enumerate(doc.mention_of):
        if m is None or m[2] == "PER" or not (m[3] <= doc.start[i] and doc.end[i] <= m[4]):
            continue
        head = int(doc.head[i])
        if m[3] <= doc.start[head] and doc.end[head] <= m[4] and head != i:
            continue  # not the name's head token
        if doc.text[:m[3]].rstrip().endswith("("):
            continue  # "Le sénateur Roger Wicker (R-Miss)": a name in brackets is an affiliation
        if doc.deprel[i] == "pobj" or any(doc.deprel[c] == "case" for c in doc.children[i]):
            continue  # "membre du Bureau politique, ministre...": a prepositional complement is not the one described
        appositions = [c for c in doc.children[i] if doc.deprel[c] == "appos"]
        if doc.deprel[i] == "appos" and not any(is_person(doc, j) for j in [head, *doc.children[head]] if j != i):
            appositions.append(head)  # "l'eurodéputé Nicolas Bay", unless the role has its person already
        if any((doc.lemma[j] in roles or doc.words[j] in roles) and doc.upos[j] == "NOUN" for j in appositions):
            person = (m[0], m[1], "PER", m[3], m[4])
            for j in np.flatnonzero((doc.start < m[4]) & (doc.end > m[3])):
                doc.mention_of[j] = person
    return doc


def _majority_types(mentions: pd.DataFrame) -> list:
    """Each mention's type, as the corpus mostly tags its words: "Madagascar" tagged PER once and LOC
    ten times is a place, so never a speaker or an antecedent (a tie keeps the mention's own type)."""
    words = mentions["text"].astype("object").map(lambda t: fold_name(t) if isinstance(t, str) else "") \
        if "text" in mentions.columns else mentions["name"].astype("object").map(str)
    own = mentions["entity_type"].astype("object").tolist()
    counts = defaultdict(lambda: defaultdict(int))
    for w, t in zip(words, own):
        counts[w][t] += 1
    typed = []
    for w, t in zip(words, own):
        tally = counts[w]
        best = max(tally.values())
        typed.append(t if tally[t] == best else max(tally, key=tally.get))
    return typed


# ---------------------------------------------------------------- what the article says of a person's sex

# Titles that say a sex but are no civility of civilities.csv (the linker does not strip them).
_SEXED_TITLES = {"lady": "f", "dame": "f", "sir": "m"}
# French determiners (and contractions) before a role noun: "la ministre", "au candidat", "du président".
_DETERMINER_SEX = {"la": "f", "une": "f", "cette": "f", "le": "m", "un": "m", "ce": "m", "cet": "m", "au": "m",
                   "du": "m"}
_CIVILITY_BEFORE = re.compile(r"(?:^|(?<=[^\w.\-]))(\w+)[ \t.]{1,5}$")


@functools.cache
def _civility_sexes(path: Path, _mtime: int) -> dict[str, str]:
    """Folded civility → "f" or "m", from the ``sex`` column of a civilities table."""
    lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    sexes = {" ".join(folded_words(r["civility"])): r["sex"].strip() for r in csv.DictReader(lines)
             if (r.get("sex") or "").strip() in ("f", "m")}
    return sexes | _SEXED_TITLES


def _civility_sex(doc: ParsedArticle, start: int, end: int) -> str | None:
    """The sex a civility says, written first in a mention ("Mme Pelosi") or right before it ("Mrs" "Smith")."""
    sexes = _civility_sexes(CIVILITIES_FILE, CIVILITIES_FILE.stat().st_mtime_ns)
    words = doc.text[start:end].split()
    candidates = [words[0]] if len(words) > 1 else []
    before = _CIVILITY_BEFORE.search(doc.text, max(0, start - 16), start)
    if before is not None and "\n" not in doc.text[before.start():start]:
        candidates.append(before.group(1))
    for word in candidates:
        folded = " ".join(folded_words(word))
        if folded == "m" and (doc.language == "en" or not word[:1].isupper()):
            continue  # in English "M." is an initial ("M. Jordan"), not Monsieur
        if folded in sexes and (word[:1].isupper() or len(word) > 4):
            return sexes[folded]
    return None


def _role_sex(doc: ParsedArticle, j: int, cues: CueSets) -> str | None:
    """The sex a role noun says by its written form ("présidente", "spokeswoman") or by its French
    determiner ("la ministre", "Le Premier ministre", "au candidat"); None for "l'", "the", a plural."""
    if doc.words[j] in cues.feminine_roles:
        return "f"
    if doc.words[j] in cues.masculine_roles:
        return "m"
    if doc.language != "fr":
        return None
    k = j - 1
    while k >= 0 and j - k <= 3 and doc.upos[k] in ("ADJ", "NOUN", "PROPN") and not is_person(doc, k):
        k -= 1  # "le Premier ministre", "la nouvelle ministre"
    return _DETERMINER_SEX.get(doc.words[k]) if k >= 0 and doc.upos[k] in ("DET", "ADP") else None


def _is_role_noun(doc: ParsedArticle, j: int, cues: CueSets) -> bool:
    return doc.upos[j] in ("NOUN", "PROPN") and (doc.lemma[j] in cues.roles or doc.words[j] in cues.roles)


def _role_next_to(doc: ParsedArticle, first: int, last: int, cues: CueSets) -> int | None:
    """A role noun written right before a name ("la présidente du RN Marine Le Pen", "the spokeswoman,
    Jane Doe") or right after it between commas ("Jane Doe, the spokeswoman,"); its index or None."""
    lo, hi = doc.sentence_rows[doc.sid[first]]
    j, commas = first - 1, 0
    while j >= lo and first - j <= 6:
        if doc.words[j] == ",":
            commas += 1
            if commas > 1:
                break
        elif _is_role_noun(doc, j, cues):
            return j
        elif is_person(doc, j) or not _np_word(doc, j):
            break
        j -= 1
    k = last + 1
    if k <= hi and doc.words[k] == ",":
        k += 1
        while k <= hi and k - last <= 3 and doc.upos[k] in ("DET", "ADJ"):
            k += 1
        if k <= hi and _is_role_noun(doc, k, cues):
            return k
    return None


def _participle_sex(doc: ParsedArticle, i: int) -> str | None:
    """The sex a French participle agreeing with the person token ``i`` says: "Marine Le Pen a été battue",
    "Invitée sur RTL, Marine Le Pen a ..." (feminine "-ée"; masculine "-é" only with être or detached)."""
    if doc.language != "fr":
        return None
    for _ in range(6):
        if doc.deprel[i] in _SUBJECT or doc.deprel[i] not in _UP_TO_SUBJECT or doc.head[i] == i:
            break
        i = int(doc.head[i])
    if doc.deprel[i] not in _SUBJECT:
        return None
    verb = int(doc.head[i])
    lo = doc.sentence_rows[doc.sid[verb]][0]
    candidates = []
    if any(doc.lemma[c] == "etre" or doc.lemma[c] == "être" for c in doc.children[verb]
           if doc.deprel[c].startswith(("aux", "cop"))):
        candidates.append(verb)  # "X a été battue", "X est arrivée"
    first = next((k for k in range(lo, i) if doc.upos[k] not in ("PUNCT", "SYM")), None)
    if first is not None and doc.upos[first] in ("VERB", "ADJ") and doc.head[first] == verb and \
            doc.deprel[first] in ("advcl", "acl", "amod", "dep"):
        candidates.append(first)  # "Invitée dans « Le Grand Jury », Marine Le Pen a comparé"
    for k in candidates:
        word = doc.words[k]
        if word.endswith("ée") and doc.lemma[k].endswith("er"):
            return "f"
        if word.endswith("é") and doc.lemma[k].endswith("er"):
            return "m"
    return None


def person_genders(doc: ParsedArticle, cues: CueSets) -> dict:
    """The people whose sex the article itself says, entity id → "f" or "m" (people with conflicting
    evidence are left out): a civility of ``civilities.csv`` before a mention ("Mme", "Mr", "M." outside
    English); a role noun next to a name whose written form or French determiner says it ("la ministre
    X", "Le Premier ministre taïwanais, X", "the spokeswoman X", "X, la présidente du RN,"); a French
    participle agreeing with the person ("X a été battue", "Invitée sur RTL, X a dit"). No first-name
    list: a name alone says nothing here."""
    found: dict = defaultdict(set)
    spans = defaultdict(list)
    for i, m in enumerate(doc.mention_of):
        if m is not None and m[2] == "PER":
            spans[(m[0], m[3], m[4])].append(i)
    for (entity_id, start, end), inside in spans.items():
        first, last = min(inside), max(inside)
        sex = _civility_sex(doc, start, end)
        role = _role_next_to(doc, first, last, cues)
        participle = _participle_sex(doc, first)
        for s in (sex, _role_sex(doc, role, cues) if role is not None else None, participle):
            if s:
                found[entity_id].add(s)
    return {e: next(iter(s)) for e, s in found.items() if len(s) == 1}


def fits_gender(genders: dict, entity_id, word: str, cues: CueSets) -> bool:
    """Whether a pronoun (``word``, normalised) may stand for an entity: not one the article says is of the other sex."""
    known = genders.get(entity_id)
    if known is None:
        return True
    if word in cues.feminine:
        return known == "f"
    if word in cues.masculine:
        return known == "m"
    return True


# ---------------------------------------------------------------- resolution


class Found(NamedTuple):
    """A resolved (or unresolved) speaker, actor or target: the entity, how it was found, and its words."""

    entity_id: object
    name: object
    resolution: str
    text: str
    start: int
    end: int
    evidence: str


def subtree(doc: ParsedArticle, i: int, skip: set = frozenset()) -> list[int]:
    out, stack = [], [i]
    while stack:
        j = stack.pop()
        out.append(j)
        stack.extend(c for c in doc.children[j] if doc.deprel[c] not in skip)
    return sorted(out)


def phrase(doc: ParsedArticle, i: int, *, relative: bool = False) -> tuple[int, int, str]:
    """The offsets and text of the noun phrase headed by token ``i`` (its relative clause too if asked)."""
    skip = {"acl", "advcl", "conj", "cc", "punct", "parataxis", "ccomp", "appos", "dep", "case"} | (
        set() if relative else {"acl:relcl"})
    span = subtree(doc, i, skip)
    start, end = int(doc.start[span[0]]), int(doc.end[span[-1]])
    return start, end, doc.text[start:end]


def _description(doc: ParsedArticle, i: int) -> frozenset:
    """The content lemmas describing the person token ``i`` stands for ("ministre cubain intérieur")."""
    head = i
    if doc.upos[i] == "PRON":
        predicates = [c for c in doc.children[i] if doc.deprel[c] == "acl:relcl" and doc.upos[c] in ("NOUN", "PROPN")]
        if not predicates:
            return frozenset()
        head = predicates[0]
    span = subtree(doc, head, _NOT_IN_PHRASE)
    return frozenset(doc.lemma[j] for j in span if doc.upos[j] in _CONTENT and not is_person(doc, j))


def _is_subject(doc: ParsedArticle, i: int) -> bool:
    """Whether token ``i`` is (inside) the subject of its clause: the subject, a name of the same one
    (apposition, "le ministre To Lam"), or a person in a complement of a subject that is not a person
    ("le discours de Pompeo"); not a person in a complement of another person ("Caroline Parmentier,
    l'attachée de presse de Marine Le Pen, a ...": Marine Le Pen is not the subject)."""
    complement = False
    for _ in range(12):
        if doc.deprel[i] in _SUBJECT or doc.deprel[i] == "expl:subj":
            return not (complement and is_person(doc, i))
        if doc.deprel[i] not in _UP_TO_SUBJECT or doc.head[i] == i:
            return False
        if doc.deprel[i] == "nmod" and any(doc.deprel[c] == "case" for c in doc.children[i]):
            complement = True
        i = int(doc.head[i])
    return False


def in_main_clause(doc: ParsedArticle, i: int) -> bool:
    """Whether token ``i`` (a subject) belongs to its sentence's main clause, not to a clause embedded in it.

    "Leeann Tweeden says Franken groped her": Tweeden is the subject of the main clause ("says",
    the root), Franken of the clause it reports (a complement). Coordinated main clauses count as
    main ("X arrived and Y left").
    """
    for _ in range(12):
        if doc.deprel[i] not in _UP_TO_SUBJECT or doc.head[i] == i:
            break
        i = int(doc.head[i])
    if doc.deprel[i] not in _SUBJECT and doc.deprel[i] != "expl:subj":
        return False
    verb = int(doc.head[i])
    for _ in range(12):
        if doc.deprel[verb] not in ("conj", "parataxis") or doc.head[verb] == verb:
            break
        verb = int(doc.head[verb])
    return doc.deprel[verb] in ("root", "ROOT") or doc.head[verb] == verb


def most_salient(subjects: list) -> object:
    """Of the subjects before a pronoun (in text order), the one it most likely stands for.

    The most recent sentence with a subject wins, and in it the subject of the main clause
    before that of a clause the sentence embeds: after "Leeann Tweeden, a radio news anchor,
    says Franken groped and forcibly kissed her", "She says..." is Tweeden (the discourse
    topic, as centering theory ranks a main-clause subject first), not Franken, the subject of
    what she reports. Among equals, the last one.
    """
    last = subjects[-1].sentence_id
    same = [r for r in subjects if r.sentence_id == last]
    return ([r for r in same if r.main] or same)[-1]


def _named(doc: ParsedArticle, i: int, titles: frozenset) -> int | None:
    """A token of a linked mention that is token ``i`` or in apposition with it ("le ministre To Lam")."""
    if doc.mention_of[i] is not None:
        return i
    titled = doc.upos[i] in ("PROPN", "X") or doc.lemma[i] in titles or doc.words[i] in titles
    frontier = [(c, 1) for c in doc.children[i]]
    while frontier:
        j, depth = frontier.pop(0)
        rel = doc.deprel[j]
        if rel in ("appos", "flat", "flat:name", "compound") and doc.mention_of[j] is not None:
            return j
        # "le ministre To Lam" (nmod under a title), but not "le site commémoratif de Che Guevara".
        if rel in ("nmod", "amod") and is_person(doc, j) and doc.upos[j] in ("PROPN", "X") and titled:
            return j
        if depth < 2 and (rel in ("appos", "flat", "flat:name", "compound") or (titled and rel in ("nmod", "amod"))):
            frontier += [(c, depth + 1) for c in doc.children[j]]
    return None


class _Role(NamedTuple):
    article_id: object
    entity_id: str
    name: str
    role: str
    key: frozenset
    source: str


def _role_index(roles: pd.DataFrame) -> dict:
    """Roles by (language, content word), so a lookup only scans roles sharing a word with the description."""
    index = defaultdict(list)
    for r in roles.itertuples(index=False):
        if not isinstance(r.entity_id, str):
            continue
        role = _Role(r.article_id, r.entity_id, r.name, r.role, frozenset(r.role_key.split()), r.source)
        for word in role.key:
            index[(r.language, word)].append(role)
    return dict(index)


def _match_role(key: frozenset, doc: ParsedArticle, roles: dict, cues: CueSets):
    """The one entity whose recorded role fits ``key`` best: same article, then table, then corpus."""
    if not key or not (key & cues.roles):
        return None, ""
    candidates = {id(r): r for word in key & cues.roles for r in roles.get((doc.language, word), ())}.values()
    tiers = [("article", [r for r in candidates if r.source == "article" and r.article_id == doc.article_id]),
             ("table", [r for r in candidates if r.source == "table"]),
             ("corpus", [r for r in candidates if r.source == "article" and r.article_id != doc.article_id])]
    for tier, rows in tiers:
        best, scored = 0.0, []
        for r in rows:
            role = r.key
            fits = role == key or key < role or (role < key and len(role) >= 2)
            if not fits or not (role & key & cues.roles):
                continue
            score = len(role & key) / len(role | key)
            scored.append((score, r))
            best = max(best, score)
        winners = {r.entity_id: r for score, r in scored if score == best}
        if len(winners) == 1:
            r = next(iter(winners.values()))
            where = {"article": "in this article", "table": "in the role table",
                     "corpus": f"in {str(r.article_id)[:3]}"}[tier]
            return (r.entity_id, r.name), f'role "{r.role}" of {r.name} {where}'
        if len(winners) > 1:
            return None, f"role fits several people ({', '.join(sorted(str(r.name) for r in winners.values()))})"
    return None, ""


class Ref(NamedTuple):
    position: int
    sentence_id: int
    entity_id: object
    name: object
    subject: bool
    plural: bool
    text: str
    main: bool = False          # a subject of its sentence's main clause (see most_salient)


def _resolve(doc: ParsedArticle, i: int, refs: list[Ref], roles: dict, cues: CueSets, genders: dict) -> Found:
    """Resolve the person (or thing) token ``i`` stands for; see the module docstring for the steps."""
    pronoun = doc.upos[i] == "PRON"
    start, end, text = phrase(doc, i, relative=pronoun)
    named = _named(doc, i, cues.roles)
    if named is not None:
        m = doc.mention_of[named]
        return Found(m[0], m[1], "mention", text, start, end, f'mention "{doc.text[m[3]:m[4]]}"')
    word = doc.words[i].lstrip("-")
    clause = int(doc.head[i])
    if pronoun and word in _RELATIVE and doc.deprel[clause] == "acl:relcl" and i < clause:
        antecedent = _resolve(doc, int(doc.head[clause]), refs, roles, cues, genders)
        name = antecedent.name if isinstance(antecedent.entity_id, str) else antecedent.text
        return Found(antecedent.entity_id, name, "anaphora", text, start, end, f'"{text}" → "{antecedent.text}"')
    relative_clause = any(doc.deprel[c] == "acl:relcl" for c in doc.children[i])
    if pronoun and (word in cues.relative or doc.lemma[i] in cues.relative) and not relative_clause:
        return Found(None, None, "unresolved", text, start, end, "a demonstrative without a relative clause")
    if pronoun and word in cues.plural:
        earlier = [r for r in refs if r.position < start and r.plural and doc.sid[i] - r.sentence_id <= 2]
        if earlier:
            r = earlier[-1]
            return Found(r.entity_id, r.name if isinstance(r.entity_id, str) else r.text, "anaphora", text, start,
                          end, f'"{text}" → "{r.text}"')
        return Found(None, None, "unresolved", text, start, end, "no plural subject before")
    if not pronoun and _is_plural(doc, i):
        return Found(None, None, "unresolved", text, start, end, "a plural noun phrase")
    is_anaphor = pronoun and (word in cues.singular or doc.lemma[i] in cues.singular)
    key = _description(doc, i)
    is_role = doc.upos[i] in ("NOUN", "PROPN") and (doc.lemma[i] in cues.roles or word in cues.roles)
    note = ""
    if (is_anaphor or is_role) and key:
        found, note = _match_role(key, doc, roles, cues)
        if found:
            return Found(found[0], found[1], "anaphora" if pronoun else "role", text, start, end, note)
    bare = is_role and key <= {doc.lemma[i]}
    if is_anaphor or bare:
        earlier = [r for r in refs if r.position < start and isinstance(r.entity_id, str) and not r.plural
                   and doc.sid[i] - r.sentence_id <= 2
                   and (not is_anaphor or fits_gender(genders, r.entity_id, word, cues))]
        subjects = [r for r in earlier if r.subject]
        if subjects or earlier:
            r = most_salient(subjects) if subjects else earlier[-1]
            kind = "subject" if subjects else "person"
            return Found(r.entity_id, r.name, "anaphora", text, start, end, f'most recent {kind}: "{r.text}"')
    return Found(None, None, "unresolved", text, start, end, note)


def _is_plural(doc: ParsedArticle, i: int) -> bool:
    word = doc.words[i]
    coordinated = any(doc.deprel[c] == "conj" and any(doc.deprel[g] == "cc" for g in doc.children[c])
                      for c in doc.children[i])
    return coordinated or (doc.upos[i] == "NOUN" and word != doc.lemma[i] and word.endswith(("s", "x")))


def _references(doc: ParsedArticle, roles: dict, cues: CueSets) -> list[Ref]:
    """Everyone and everything named before each point: person mentions, resolved roles, plural subjects."""
    refs, seen = [], set()
    for i in range(len(doc.words)):
        m = doc.mention_of[i]
        if m is not None and m[2] == "PER" and (m[3], m[4]) not in seen:
            seen.add((m[3], m[4]))
            refs.append(Ref(m[3], int(doc.sid[i]), m[0], m[1], _is_subject(doc, i), False, doc.text[m[3]:m[4]],
                            in_main_clause(doc, i)))
        elif (m is None and doc.upos[i] in ("NOUN", "PROPN") and doc.lemma[i] in cues.roles
              and _named(doc, i, cues.roles) is None):
            found, _ = _match_role(_description(doc, i), doc, roles, cues)
            if found:
                start, _, text = phrase(doc, i)
                refs.append(Ref(start, int(doc.sid[i]), found[0], found[1], _is_subject(doc, i), False, text,
                                in_main_clause(doc, i)))
        if doc.deprel[i] in _SUBJECT and doc.upos[i] != "PRON" and _is_plural(doc, i):
            start, _, text = phrase(doc, i)
            refs.append(Ref(start, int(doc.sid[i]), None, None, True, True, text))
    return sorted(refs, key=lambda r: r.position)


class Resolver:
    """Resolve tokens of one article in reading order, adding resolved pronouns to the references."""

    def __init__(self, doc: ParsedArticle, roles: dict, cues: CueSets):
        self.doc, self.roles, self.cues = doc, roles, cues
        self.refs = _references(doc, roles, cues)
        self.genders = person_genders(doc, cues)  # entity id → "f"/"m", as the article says (see person_genders)
        self.cache: dict[int, Found] = {}

    def __call__(self, i: int) -> Found:
        if i not in self.cache:
            found = _resolve(self.doc, i, self.refs, self.roles, self.cues, self.genders)
            self.cache[i] = found
            if found.resolution == "anaphora" and isinstance(found.entity_id, str):
                self.refs.append(Ref(found.start, int(self.doc.sid[i]), found.entity_id, found.name,
                                      _is_subject(self.doc, i), False, found.text, in_main_clause(self.doc, i)))
                self.refs.sort(key=lambda r: r.position)
        return self.cache[i]



def subject_of(doc: ParsedArticle, verb: int, *, depth: int = 0) -> int | None:
    """The subject of ``verb``: its own, a person mention before it, or its governing verb's."""
    kids = doc.children[verb]
    passive = any(doc.deprel[c] == "aux:pass" for c in kids)
    for c in kids:
        # Not the euphonic "-t" of "a-t-elle assuré", which parsers often take for the subject.
        if doc.deprel[c] in ("nsubj", "nsubj:pass") and doc.words[c] not in ("-t", "-t-", "t") and (
                doc.deprel[c] == "nsubj" or doc.words[c].startswith("-")):
            return c
    for c in kids:
        # "a-t-il noté": parsers label the inverted clitic expl:subj, as they do impersonal "il".
        if doc.deprel[c] == "expl:subj" and (doc.words[c].startswith("-") or (not passive and c > verb)):
            return c
    for c in kids:
        if c < verb and is_person(doc, c):
            return c
    if depth < 3 and doc.deprel[verb] in ("conj", "advcl", "xcomp") and doc.head[verb] != verb:
        return subject_of(doc, int(doc.head[verb]), depth=depth + 1)
    return None


def index_roles(docs: list[ParsedArticle], cue_sets: dict[str, CueSets], mentions: pd.DataFrame,
                roles: str | Path | pd.DataFrame | None) -> dict:
    """The roles learned from the articles and those of the user's role table, indexed for :class:`Resolver`."""
    learned = _learn_roles(docs, cue_sets)
    return _role_index(pd.concat([learned, _user_roles(roles, mentions)], ignore_index=True))


def typed_table(table: pd.DataFrame, *, ints: Sequence[str], nullable: Sequence[str]) -> pd.DataFrame:
    """Give a quotes or agency table its dtypes: ``ints`` int64, ``nullable`` Int64, the rest str."""
    types = {c: "int64" for c in ints} | {c: "Int64" for c in nullable}
    types |= {c: "string" for c in table.columns if c not in types and c != "quote_id"}
    return table.astype(types)