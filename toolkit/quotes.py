"""Find who is quoted, with the speaker resolved to a linked entity (tokens + linked mentions → quotes).

Quotations are read from the dependency parse in the ``tokens`` table of
:func:`toolkit.annotate` and the linked ``mentions`` of :func:`toolkit.entities.link_entities`;
:mod:`toolkit.agency` reuses the same resolution for actors and targets. A speaker (or
actor) is resolved to an entity in this order, and the ``resolution`` column says which step won:

1. ``mention``: the word is (or is in apposition with) a linked mention: "To Lam",
   "le ministre To Lam", "Lieutenant General Lázaro Alberto Álvarez Casas".
2. ``role``: a description such as "le ministre cubain de l'Intérieur" or "the Deputy
   Minister" is matched with the roles the corpus gives people next to their names ("le
   ministre cubain de l'Intérieur, Lázaro Alberto Álvarez Casas"; see :func:`find_roles`),
   first in the same article, then in a user role table (``toolkit/data/roles.csv``), then
   in the other articles; two people fitting equally well leave it unresolved.
3. ``anaphora``: a pronoun (il, celui qui..., he) or a bare title ("le responsable") is the
   most recent person that was the subject of a clause in the same or the two previous
   sentences (else the most recent person); "celui qui est membre du Bureau politique" is
   first matched as a role description. Plural pronouns (elles, they) point back to the
   last plural subject and never to one person.
4. ``unresolved``: the words are kept as ``*_text``.

The cue words (reporting verbs, "selon"/"according to", pronouns, role nouns) are in
``toolkit/data/speech-cues.csv``. These are transparent rules, not a trained model: every
row carries the words it rests on, so a reader can check it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from toolkit.schema import require_columns
from toolkit.text import fold_name
from toolkit.framing import CodebookError, _normalise, _read_table, _term_lemma, parse_term
from toolkit.paths import DATA

CUES_FILE = DATA / "speech-cues.csv"
ROLES_FILE = DATA / "roles.csv"
CUE_KINDS = ("verb", "source", "anaphor", "role")
RESOLUTIONS = ("mention", "role", "anaphora", "unresolved")
#: Columns needed in ``tokens`` (a dependency parse) and in linked ``mentions``.
TOKEN_COLUMNS = ["article_id", "sentence_id", "token_id", "start_char", "end_char", "text", "lemma", "upos", "head",
                 "deprel"]
MENTION_COLUMNS = ["article_id", "start_char", "end_char", "entity_type", "entity_id", "name"]
ROLE_COLUMNS = ["article_id", "entity_id", "name", "role", "role_key", "language", "start_char", "end_char", "source"]
QUOTE_COLUMNS = [
    "article_id", "quote_id", "sentence_id", "kind", "content", "start_char", "end_char", "cue", "cue_text",
    "cue_start_char", "cue_end_char", "speaker_text", "speaker_start_char", "speaker_end_char", "speaker_entity_id",
    "speaker_name", "resolution", "evidence",
]

_NOMINAL = {"NOUN", "PROPN", "PRON", "X"}
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
_QUOTES = re.compile(r"«\s*([^«»]+?)\s*»|“([^“”]+)”|„([^„“”]+)[“”]")


class _Cues(NamedTuple):
    verbs: frozenset
    sources: tuple       # tuples of words
    singular: frozenset  # anaphors for one person
    plural: frozenset
    roles: frozenset
    relative: frozenset  # anaphors that need a relative clause (celui qui)


class _Doc(NamedTuple):
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


# ---------------------------------------------------------------- cues and roles


def load_cues(path: str | Path | None = None) -> pd.DataFrame:
    """Read a speech-cues file (default ``toolkit/data/speech-cues.csv``; its header documents the format).

    Args:
        path: A CSV file with columns ``kind, language, term[, note]``; None for the toolkit's own.

    Returns:
        One row per cue: ``kind`` (str: verb, source, anaphor, role), ``language`` (str),
        ``term`` (str, normalised), ``note`` (str), ``line`` (int).

    Raises:
        toolkit.framing.CodebookError: a malformed line (the message names the file and line).

    Example:
        >>> load_cues().query("kind == 'verb' and language == 'en'")["term"].tolist()[:3]
    """
    path = Path(path) if path is not None else CUES_FILE
    rows = []
    for number, row, line in _read_table(path, ["kind", "language", "term"], ["note"]):
        if row["kind"] not in CUE_KINDS:
            raise CodebookError(f"{path}:{number}: kind must be one of {list(CUE_KINDS)}, got {row['kind']!r}; "
                                f"line {line!r}")
        if not re.fullmatch(r"[a-z]{2}", row["language"]) or not row["term"]:
            raise CodebookError(f"{path}:{number}: needs an ISO 639-1 language and a term; line {line!r}")
        rows.append((row["kind"], row["language"], _normalise(row["term"]), row.get("note", ""), number))
    return pd.DataFrame(rows, columns=["kind", "language", "term", "note", "line"]).astype(
        {"kind": "string", "language": "string", "term": "string", "note": "string", "line": "int64"})


def _cue_sets(cues: pd.DataFrame, language: str) -> _Cues:
    mine = cues[cues["language"] == language]
    of = {kind: mine[mine["kind"] == kind] for kind in CUE_KINDS}
    anaphors = of["anaphor"]
    plural = anaphors["note"].fillna("").str.contains("plural")
    relative = anaphors["note"].fillna("").str.contains("relative")
    return _Cues(frozenset(of["verb"]["term"]), tuple(parse_term(t) for t in of["source"]["term"]),
                 frozenset(anaphors[~plural]["term"]), frozenset(anaphors[plural]["term"]),
                 frozenset(of["role"]["term"]), frozenset(anaphors[relative]["term"]))


def _doc(article_id: str, language: str, text: str, columns: dict, lo: int, hi: int, mentions: list) -> _Doc:
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
    texts = columns["text"][lo:hi]
    lemmas = [lem if isinstance(lem, str) else t for lem, t in zip(columns["lemma"][lo:hi], texts)]
    return _Doc(article_id, language, text, np.array(heads, dtype=np.int64), children,
                [d if isinstance(d, str) else "" for d in columns["deprel"][lo:hi]],
                [u if isinstance(u, str) else "" for u in columns["upos"][lo:hi]],
                [_normalise(x) for x in lemmas], [_normalise(x) for x in texts], start, end, sid, mention_of, rows)


def _is_per(doc: _Doc, i: int) -> bool:
    m = doc.mention_of[i]
    return m is not None and m[2] == "PER"


def _np_word(doc: _Doc, i: int) -> bool:
    """A token that can be part of a role description (nouns, adjectives, determiners, "de"/"of")."""
    return doc.upos[i] in _CONTENT or doc.upos[i] == "DET" or doc.words[i] in _OF


def _role_segment(doc: _Doc, tokens: list[int], cues: _Cues):
    """Trim a segment to start at its first role noun; its text and content-word key, or None."""
    for k, i in enumerate(tokens):
        if doc.lemma[i] in cues.roles or doc.words[i] in cues.roles:
            kept = tokens[k:]
            while kept and (doc.upos[kept[-1]] in ("DET", "ADP") or doc.words[kept[-1]] in _OF):
                kept = kept[:-1]
            key = frozenset(doc.lemma[j] for j in kept if doc.upos[j] in _CONTENT)
            return int(doc.start[kept[0]]), int(doc.end[kept[-1]]), key
    return None


def _roles_of_mention(doc: _Doc, first: int, last: int, cues: _Cues) -> list:
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
        elif _is_per(doc, j) or not _np_word(doc, j):
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
        while k <= hi and doc.words[k] != "," and _np_word(doc, k) and not _is_per(doc, k):
            segment.append(k)
            k += 1
        segments.append(segment)
    found = []
    for segment in segments:
        role = _role_segment(doc, segment, cues) if segment else None
        if role:
            found.append(role)
    return found


def _learn_roles(docs: list[_Doc], cue_sets: dict) -> pd.DataFrame:
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
        table = pd.DataFrame([row for _, row, _ in _read_table(path, ["role", "language", "name"],
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
    return [_term_lemma(w, language) for w in parse_term(text) if w not in stop]


def find_roles(tokens: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame, *,
               cues: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The roles the corpus gives each person next to their name ("le ministre cubain de l'Intérieur, Lázaro...").

    A role is the noun phrase right before a person mention, up to one comma back ("le
    ministre vietnamien de la Sécurité publique, le général To Lam"), or after it between
    commas ("To Lam, membre du Bureau Politique, ministre..."), starting at a role noun
    of the cues file (ministre, général, membre, minister, deputy...).

    Args:
        tokens: From :func:`toolkit.annotate` (TOKEN_COLUMNS).
        mentions: Linked mentions (MENTION_COLUMNS, from :func:`toolkit.entities.link_entities`).
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
    docs, cue_sets, _ = _prepare(tokens, mentions, articles, cues)
    roles = _learn_roles(docs, cue_sets)
    return roles.sort_values(["article_id", "start_char"], kind="mergesort").reset_index(drop=True)


def _prepare(tokens, mentions, articles, cues):
    require_columns(tokens, TOKEN_COLUMNS, name="tokens")
    require_columns(articles, ["article_id", "language", "text"], name="articles")
    if "entity_id" not in mentions.columns:
        raise ValueError("`mentions` must be linked: pass `toolkit.entities.link_entities(mentions).mentions` "
                         f"(it adds entity_id and name); got columns {list(mentions.columns)}")
    require_columns(mentions, MENTION_COLUMNS, name="mentions")
    cue_table = cues if isinstance(cues, pd.DataFrame) else load_cues(cues)
    meta = articles.drop_duplicates("article_id").set_index("article_id")
    languages, texts = meta["language"].to_dict(), meta["text"].to_dict()
    missing = sorted(set(tokens["article_id"].dropna()) - set(meta.index))
    if missing:
        raise ValueError(f"`tokens` refer to {len(missing)} article_id(s) missing from `articles`: {missing[:5]}")
    # Plain lists once for the whole table: per-article pandas calls dominate on large corpora.
    ordered = tokens.sort_values(["article_id", "token_id"], kind="mergesort")
    columns = {c: ordered[c].astype("object").tolist() for c in TOKEN_COLUMNS}
    linked = mentions[mentions["entity_id"].notna()]
    mentions_by = defaultdict(list)
    for row in zip(linked["article_id"], linked["entity_id"], linked["name"], linked["entity_type"],
                   linked["start_char"].astype(int), linked["end_char"].astype(int)):
        mentions_by[row[0]].append(row[1:])
    docs, cue_sets = [], {}
    ids, lo = columns["article_id"], 0
    for hi in range(1, len(ids) + 1):
        if hi < len(ids) and ids[hi] == ids[lo]:
            continue
        article_id = ids[lo]
        language = languages.get(article_id)
        language = language if isinstance(language, str) else ""
        if language not in cue_sets:
            cue_sets[language] = _cue_sets(cue_table, language)
        docs.append(_doc(article_id, language, texts[article_id], columns, lo, hi, mentions_by.get(article_id, [])))
        lo = hi
    return docs, cue_sets, cue_table


# ---------------------------------------------------------------- resolution


class _Found(NamedTuple):
    entity_id: object
    name: object
    resolution: str
    text: str
    start: int
    end: int
    evidence: str


def _subtree(doc: _Doc, i: int, skip: set = frozenset()) -> list[int]:
    out, stack = [], [i]
    while stack:
        j = stack.pop()
        out.append(j)
        stack.extend(c for c in doc.children[j] if doc.deprel[c] not in skip)
    return sorted(out)


def _phrase(doc: _Doc, i: int, *, relative: bool = False) -> tuple[int, int, str]:
    """The offsets and text of the noun phrase headed by token ``i`` (its relative clause too if asked)."""
    skip = {"acl", "advcl", "conj", "cc", "punct", "parataxis", "ccomp", "appos", "dep", "case"} | (
        set() if relative else {"acl:relcl"})
    span = _subtree(doc, i, skip)
    start, end = int(doc.start[span[0]]), int(doc.end[span[-1]])
    return start, end, doc.text[start:end]


def _description(doc: _Doc, i: int) -> frozenset:
    """The content lemmas describing the person token ``i`` stands for ("ministre cubain intérieur")."""
    head = i
    if doc.upos[i] == "PRON":
        predicates = [c for c in doc.children[i] if doc.deprel[c] == "acl:relcl" and doc.upos[c] in ("NOUN", "PROPN")]
        if not predicates:
            return frozenset()
        head = predicates[0]
    span = _subtree(doc, head, _NOT_IN_PHRASE)
    return frozenset(doc.lemma[j] for j in span if doc.upos[j] in _CONTENT and not _is_per(doc, j))


def _is_subject(doc: _Doc, i: int) -> bool:
    """Whether token ``i`` is (inside) the subject of its clause."""
    for _ in range(12):
        if doc.deprel[i] in _SUBJECT or doc.deprel[i] == "expl:subj":
            return True
        if doc.deprel[i] not in _UP_TO_SUBJECT or doc.head[i] == i:
            return False
        i = int(doc.head[i])
    return False


def _named(doc: _Doc, i: int, titles: frozenset) -> int | None:
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
        if rel in ("nmod", "amod") and _is_per(doc, j) and doc.upos[j] in ("PROPN", "X") and titled:
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


def _match_role(key: frozenset, doc: _Doc, roles: dict, cues: _Cues):
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


class _Ref(NamedTuple):
    position: int
    sentence_id: int
    entity_id: object
    name: object
    subject: bool
    plural: bool
    text: str


def _resolve(doc: _Doc, i: int, refs: list[_Ref], roles: dict, cues: _Cues) -> _Found:
    """Resolve the person (or thing) token ``i`` stands for; see the module docstring for the steps."""
    pronoun = doc.upos[i] == "PRON"
    start, end, text = _phrase(doc, i, relative=pronoun)
    named = _named(doc, i, cues.roles)
    if named is not None:
        m = doc.mention_of[named]
        return _Found(m[0], m[1], "mention", text, start, end, f'mention "{doc.text[m[3]:m[4]]}"')
    word = doc.words[i].lstrip("-")
    clause = int(doc.head[i])
    if pronoun and word in _RELATIVE and doc.deprel[clause] == "acl:relcl" and i < clause:
        antecedent = _resolve(doc, int(doc.head[clause]), refs, roles, cues)
        name = antecedent.name if isinstance(antecedent.entity_id, str) else antecedent.text
        return _Found(antecedent.entity_id, name, "anaphora", text, start, end, f'"{text}" → "{antecedent.text}"')
    relative_clause = any(doc.deprel[c] == "acl:relcl" for c in doc.children[i])
    if pronoun and (word in cues.relative or doc.lemma[i] in cues.relative) and not relative_clause:
        return _Found(None, None, "unresolved", text, start, end, "a demonstrative without a relative clause")
    if pronoun and word in cues.plural:
        earlier = [r for r in refs if r.position < start and r.plural and doc.sid[i] - r.sentence_id <= 2]
        if earlier:
            r = earlier[-1]
            return _Found(r.entity_id, r.name if isinstance(r.entity_id, str) else r.text, "anaphora", text, start,
                          end, f'"{text}" → "{r.text}"')
        return _Found(None, None, "unresolved", text, start, end, "no plural subject before")
    if not pronoun and _is_plural(doc, i):
        return _Found(None, None, "unresolved", text, start, end, "a plural noun phrase")
    is_anaphor = pronoun and (word in cues.singular or doc.lemma[i] in cues.singular)
    key = _description(doc, i)
    is_role = doc.upos[i] in ("NOUN", "PROPN") and (doc.lemma[i] in cues.roles or word in cues.roles)
    note = ""
    if (is_anaphor or is_role) and key:
        found, note = _match_role(key, doc, roles, cues)
        if found:
            return _Found(found[0], found[1], "anaphora" if pronoun else "role", text, start, end, note)
    bare = is_role and key <= {doc.lemma[i]}
    if is_anaphor or bare:
        earlier = [r for r in refs if r.position < start and isinstance(r.entity_id, str) and not r.plural
                   and doc.sid[i] - r.sentence_id <= 2]
        subjects = [r for r in earlier if r.subject]
        if subjects or earlier:
            r = (subjects or earlier)[-1]
            kind = "subject" if subjects else "person"
            return _Found(r.entity_id, r.name, "anaphora", text, start, end, f'most recent {kind}: "{r.text}"')
    return _Found(None, None, "unresolved", text, start, end, note)


def _is_plural(doc: _Doc, i: int) -> bool:
    word = doc.words[i]
    coordinated = any(doc.deprel[c] == "conj" and any(doc.deprel[g] == "cc" for g in doc.children[c])
                      for c in doc.children[i])
    return coordinated or (doc.upos[i] == "NOUN" and word != doc.lemma[i] and word.endswith(("s", "x")))


def _references(doc: _Doc, roles: dict, cues: _Cues) -> list[_Ref]:
    """Everyone and everything named before each point: person mentions, resolved roles, plural subjects."""
    refs, seen = [], set()
    for i in range(len(doc.words)):
        m = doc.mention_of[i]
        if m is not None and m[2] == "PER" and (m[3], m[4]) not in seen:
            seen.add((m[3], m[4]))
            refs.append(_Ref(m[3], int(doc.sid[i]), m[0], m[1], _is_subject(doc, i), False, doc.text[m[3]:m[4]]))
        elif (m is None and doc.upos[i] in ("NOUN", "PROPN") and doc.lemma[i] in cues.roles
              and _named(doc, i, cues.roles) is None):
            found, _ = _match_role(_description(doc, i), doc, roles, cues)
            if found:
                start, _, text = _phrase(doc, i)
                refs.append(_Ref(start, int(doc.sid[i]), found[0], found[1], _is_subject(doc, i), False, text))
        if doc.deprel[i] in _SUBJECT and doc.upos[i] != "PRON" and _is_plural(doc, i):
            start, _, text = _phrase(doc, i)
            refs.append(_Ref(start, int(doc.sid[i]), None, None, True, True, text))
    return sorted(refs, key=lambda r: r.position)


class _Resolver:
    """Resolve tokens of one article in reading order, adding resolved pronouns to the references."""

    def __init__(self, doc: _Doc, roles: dict, cues: _Cues):
        self.doc, self.roles, self.cues = doc, roles, cues
        self.refs = _references(doc, roles, cues)
        self.cache: dict[int, _Found] = {}

    def __call__(self, i: int) -> _Found:
        if i not in self.cache:
            found = _resolve(self.doc, i, self.refs, self.roles, self.cues)
            self.cache[i] = found
            if found.resolution == "anaphora" and isinstance(found.entity_id, str):
                self.refs.append(_Ref(found.start, int(self.doc.sid[i]), found.entity_id, found.name,
                                      _is_subject(self.doc, i), False, found.text))
                self.refs.sort(key=lambda r: r.position)
        return self.cache[i]


# ---------------------------------------------------------------- quotations


def _subject(doc: _Doc, verb: int, *, depth: int = 0) -> int | None:
    """The subject of ``verb``: its own, a person mention before it, or its governing verb's."""
    kids = doc.children[verb]
    passive = any(doc.deprel[c] == "aux:pass" for c in kids)
    for c in kids:
        if doc.deprel[c] == "nsubj":
            return c
    for c in kids:
        # "a-t-il noté": parsers label the inverted clitic expl:subj, as they do impersonal "il".
        if doc.deprel[c] == "expl:subj" and (doc.words[c].startswith("-") or (not passive and c > verb)):
            return c
    for c in kids:
        if c < verb and _is_per(doc, c):
            return c
    if depth < 3 and doc.deprel[verb] in ("conj", "advcl", "xcomp") and doc.head[verb] != verb:
        return _subject(doc, int(doc.head[verb]), depth=depth + 1)
    return None


def _inverted(doc: _Doc, verb: int) -> tuple[int, int] | None:
    """For "..., a indiqué le ministre" / "..., a-t-il noté": the (first, last) tokens of the reported content."""
    lo, hi = doc.sentence_rows[doc.sid[verb]]
    group = [verb] + [c for c in doc.children[verb] if doc.deprel[c].startswith("aux") and c < verb]
    first = min(group)
    if first - 1 <= lo or doc.words[first - 1] != ",":
        return None
    if _speaker_after_inversion(doc, verb) is None:
        return None
    tail = set(_subtree(doc, verb)) | {j for j in range(first, hi + 1) if doc.upos[j] == "PUNCT"}
    if any(j not in tail for j in range(first, hi + 1)):
        return None
    # Parsers sometimes run two sentences together; the reported content starts after the last full stop.
    stops = [j for j in range(lo, first - 1) if doc.words[j] in (".", "!", "?")]
    words = [j for j in range((stops[-1] + 1) if stops else lo, first - 1) if doc.upos[j] not in ("PUNCT", "SYM")]
    if len(words) < 3:
        return None
    return words[0], words[-1]


def _speaker_after_inversion(doc: _Doc, verb: int) -> int | None:
    """The subject written after the verb: "a indiqué le ministre", "a-t-il noté" (not the euphonic -t-)."""
    group = [verb] + [c for c in doc.children[verb] if doc.deprel[c].startswith("aux") and c < verb]
    after = [c for c in doc.children[verb] if c > min(group) and doc.deprel[c] in ("nsubj", "expl:subj", "obj")
             and doc.words[c] not in ("-t", "-t-", "t")]
    return after[0] if after else None


def _source_phrases(doc: _Doc, lo: int, hi: int, cues: _Cues):
    """Yield (first, last) token indices of "selon", "according to"... in a sentence."""
    for i in range(lo, hi + 1):
        for phrase in cues.sources:
            last = i + len(phrase) - 1
            if last <= hi and all(doc.words[i + k] == w for k, w in enumerate(phrase)):
                yield i, last


def _source_speaker(doc: _Doc, last: int, hi: int) -> int | None:
    for j in range(last + 1, min(hi, last + 6) + 1):
        if doc.upos[j] in _NOMINAL:
            return j
    return None


def _quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(open, close, content start, content end) of each quotation in ``text``: « », “ ”, „ “ and paired "."""
    pairs = [(m.start(), m.end()) for m in _QUOTES.finditer(text)]
    offset = 0
    for paragraph in text.split("\n\n"):
        marks = [offset + k for k, ch in enumerate(paragraph) if ch == '"']
        pairs += [(a, b + 1) for a, b in zip(marks[0::2], marks[1::2])]
        offset += len(paragraph) + 2
    spans = []
    for open_, close in sorted(pairs):
        inner = text[open_ + 1:close - 1]
        # English puts the comma inside the quotation marks ("We agree," she said): not part of the words.
        lead, trail = len(inner) - len(inner.lstrip()), len(inner) - len(inner.rstrip(" \u00a0\u202f,;:"))
        spans.append((open_, close, open_ + 1 + lead, close - 1 - trail))
    return spans


def _row(doc: _Doc, kind: str, sentence_id: int, start: int, end: int, cue: int | None, cue_text: str | None,
         cue_lemma: str | None, speaker: _Found | None) -> dict:
    return {
        "article_id": doc.article_id, "sentence_id": sentence_id, "kind": kind, "content": doc.text[start:end],
        "start_char": start, "end_char": end, "cue": cue_lemma,
        "cue_text": cue_text, "cue_start_char": int(doc.start[cue]) if cue is not None else None,
        "cue_end_char": int(doc.end[cue]) if cue is not None else None,
        "speaker_text": speaker.text if speaker else None,
        "speaker_start_char": speaker.start if speaker else None, "speaker_end_char": speaker.end if speaker else None,
        "speaker_entity_id": speaker.entity_id if speaker else None, "speaker_name": speaker.name if speaker else None,
        "resolution": speaker.resolution if speaker else "unresolved", "evidence": speaker.evidence if speaker else "",
    }


def _quotes_of(doc: _Doc, roles: dict, cues: _Cues) -> list[dict]:
    resolve = _Resolver(doc, roles, cues)
    rows, direct = [], []

    def speaker_of(verb: int) -> _Found | None:
        subject = _speaker_after_inversion(doc, verb) if _inverted(doc, verb) else None
        if subject is None:
            subject = _subject(doc, verb)
        return resolve(subject) if subject is not None else None

    for open_, close, start, end in _quote_spans(doc.text):
        inside = np.flatnonzero((doc.start < close) & (doc.end > open_))
        if not len(inside) or end <= start:
            continue
        sentences = sorted(set(doc.sid[inside]))
        lo, hi = doc.sentence_rows[sentences[0]][0], doc.sentence_rows[sentences[-1]][1]
        following = doc.sentence_rows.get(sentences[-1] + 1)
        if following and not doc.text[close:doc.start[following[0]]].strip(" .,;:\n"):
            hi = min(following[1], following[0] + 5)
        verbs = [j for j in range(lo, hi + 1) if doc.upos[j] == "VERB" and doc.lemma[j] in cues.verbs
                 and not (open_ <= doc.start[j] < close)]
        if verbs:
            cue = min(verbs, key=lambda j: min(abs(int(doc.start[j]) - close), abs(int(doc.end[j]) - open_)))
            rows.append(_row(doc, "direct", int(doc.sid[inside[0]]), start, end, cue,
                             doc.text[doc.start[cue]:doc.end[cue]], doc.lemma[cue], speaker_of(cue)))
            direct.append((open_, close))
            continue
        for first, last in _source_phrases(doc, lo, hi, cues):
            if open_ <= doc.start[first] < close:
                continue
            who = _source_speaker(doc, last, hi)
            rows.append(_row(doc, "direct", int(doc.sid[inside[0]]), start, end, first,
                             doc.text[doc.start[first]:doc.end[last]], " ".join(doc.words[first:last + 1]),
                             resolve(who) if who is not None else None))
            direct.append((open_, close))
            break

    def overlaps_direct(a: int, b: int) -> bool:
        return any(s < b and a < e for s, e in direct)

    for sentence_id, (lo, hi) in sorted(doc.sentence_rows.items()):
        for verb in range(lo, hi + 1):
            if doc.upos[verb] != "VERB" or doc.lemma[verb] not in cues.verbs:
                continue
            clauses = [c for c in doc.children[verb] if doc.deprel[c] == "ccomp"]
            if clauses:
                span = [j for j in _subtree(doc, clauses[0]) if j > verb or doc.deprel[j] not in ("mark",)]
                span = [j for j in span if doc.deprel[j] != "mark" or j != span[0]]
                words = [j for j in span if doc.upos[j] not in ("PUNCT", "SYM")]
                if len(words) < 2:
                    continue
                first, last = words[0], words[-1]
            else:
                found = _inverted(doc, verb)
                if not found:
                    continue
                first, last = found
            start, end = int(doc.start[first]), int(doc.end[last])
            if overlaps_direct(start, end):
                continue
            rows.append(_row(doc, "indirect", sentence_id, start, end, verb, doc.text[doc.start[verb]:doc.end[verb]],
                             doc.lemma[verb], speaker_of(verb)))
        for first, last in _source_phrases(doc, lo, hi, cues):
            if overlaps_direct(int(doc.start[first]), int(doc.end[last])):
                continue
            who = _source_speaker(doc, last, hi)
            words = [j for j in range(lo, hi + 1) if doc.upos[j] not in ("PUNCT", "SYM")]
            if first - lo <= 1:
                after = [j for j in words if j > last and doc.words[j - 1] == ","] or [j for j in words if j > last]
                body = [j for j in words if j >= after[0]] if after else []
            else:
                body = [j for j in words if j < first]
            if len(body) < 3:
                continue
            rows.append(_row(doc, "according-to", sentence_id, int(doc.start[body[0]]), int(doc.end[body[-1]]), first,
                             doc.text[doc.start[first]:doc.end[last]], " ".join(doc.words[first:last + 1]),
                             resolve(who) if who is not None else None))
    return rows


def _all_roles(docs, cue_sets, mentions, roles) -> dict:
    learned = _learn_roles(docs, cue_sets)
    return _role_index(pd.concat([learned, _user_roles(roles, mentions)], ignore_index=True))


def extract_quotes(tokens: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame, *,
                   cues: str | Path | pd.DataFrame | None = None,
                   roles: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Find quotations and reported speech, each with its cue, content and resolved speaker.

    Three kinds, in French and English:

    - ``direct``: text between « », “ ”, „ “ or a pair of straight double quotes, with a
      reporting verb (a déclaré, said, stressed...) or a source phrase (selon, according
      to) in the same sentence, or at the start of the next; the nearest cue wins. Quoted
      names without a cue ("la médaille "Protection de la sécurité nationale"") are not quotes.
    - ``indirect``: a reporting verb with a complement clause ("a souligné que...",
      "stressed that..."), or a verb whose subject follows it at the end of the sentence
      ("..., a indiqué le ministre vietnamien", "..., a-t-il noté"): the content is the
      clause, or the sentence before the comma. Skipped when it overlaps a direct quote.
    - ``according-to``: "selon X", "d'après X", "according to X": the rest of the sentence.

    The speaker is the cue verb's subject (or, with no subject, a person mention right
    before it, or the subject of the verb it depends on: "a souligné ... et a affirmé";
    "affirmant que"), resolved as described in the module docstring.

    Args:
        tokens: From :func:`toolkit.annotate` (TOKEN_COLUMNS: a dependency parse).
        mentions: Linked mentions (``link_entities(...).mentions``: MENTION_COLUMNS).
        articles: The ``articles`` table (``article_id, language, text``).
        cues: A speech-cues file or table (see :func:`load_cues`); None for the toolkit's own.
        roles: A role table or file (columns ``role, language, name[, entity_id]``; see
            ``toolkit/data/roles.csv``, the default).

    Returns:
        One row per quotation: ``article_id`` (str), ``quote_id`` (int, from 0 in each
        article, in text order), ``sentence_id`` (int), ``kind`` (str), ``content`` (str),
        ``start_char``, ``end_char`` (int, the content's offsets into ``articles.text``),
        ``cue`` (str, the verb's lemma or the source phrase), ``cue_text`` (str, as
        written), ``cue_start_char``, ``cue_end_char`` (Int64), ``speaker_text`` (str, the
        words naming the speaker), ``speaker_start_char``, ``speaker_end_char`` (Int64),
        ``speaker_entity_id``, ``speaker_name`` (str, missing when unresolved),
        ``resolution`` (str, one of RESOLUTIONS), ``evidence`` (str, why: the mention, role
        or antecedent used). Sorted by article and offset.

    Raises:
        ValueError: a required column is missing or ``mentions`` are not linked.

    Example:
        >>> quotes = extract_quotes(tokens, linked.mentions, articles)
        >>> quotes.groupby(["speaker_name", "cue"]).size()
    """
    docs, cue_sets, _ = _prepare(tokens, mentions, articles, cues)
    all_roles = _all_roles(docs, cue_sets, mentions, roles)
    rows = [row for doc in docs for row in _quotes_of(doc, all_roles, cue_sets[doc.language])]
    table = pd.DataFrame(rows, columns=[c for c in QUOTE_COLUMNS if c != "quote_id"])
    table = table.sort_values(["article_id", "start_char", "end_char"], kind="mergesort").reset_index(drop=True)
    table.insert(1, "quote_id", table.groupby("article_id").cumcount().astype("int64"))
    return _typed(table, ints=["sentence_id", "start_char", "end_char"],
                  nullable=["cue_start_char", "cue_end_char", "speaker_start_char", "speaker_end_char"])


def _typed(table: pd.DataFrame, *, ints: Sequence[str], nullable: Sequence[str]) -> pd.DataFrame:
    types = {c: "int64" for c in ints} | {c: "Int64" for c in nullable}
    types |= {c: "string" for c in table.columns if c not in types and c != "quote_id"}
    return table.astype(types)
