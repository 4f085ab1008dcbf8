"""Find who is quoted, with the speaker resolved to a linked entity (tokens + linked mentions → quotes).

Quotations are read from the dependency parse in the ``tokens`` table of
:func:`toolkit.annotate` and the linked ``mentions`` of :func:`toolkit.entities.link_entities`.
The speaker is resolved to an entity by :mod:`toolkit.framing.speakers` (a mention, a role
description, an anaphor; the ``resolution`` column says which), the same resolution
:mod:`toolkit.framing.agency` uses for actors and targets. The cue words (reporting verbs,
attribution phrases such as "selon"/"according to") are in ``toolkit/data/speech-cues.csv``.
These are transparent rules, not a trained model: every row carries the words it rests on,
so a reader can check it.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.framing.cues import CUE_KINDS, CUES_FILE, CueSets, load_cues
from toolkit.framing.speakers import (
    NEEDS_ARTICLES,
    NEEDS_MENTIONS,
    NEEDS_TOKENS,
    NOMINAL,
    RESOLUTIONS,
    ROLE_COLUMNS,
    ROLES_FILE,
    Found,
    ParsedArticle,
    Resolver,
    find_roles,
    index_roles,
    parse_articles,
    subject_of,
    subtree,
    typed_table,
)
from toolkit.schema import require_known_ids

__all__ = [
    "CUES_FILE", "CUE_KINDS", "NEEDS_ARTICLES", "NEEDS_MENTIONS", "NEEDS_TOKENS", "QUOTE_COLUMNS", "RESOLUTIONS",
    "ROLES_FILE", "ROLE_COLUMNS", "extract_quotes", "find_roles", "load_cues", "quote_spans",
]

QUOTE_COLUMNS = [
    "article_id", "quote_id", "sentence_id", "kind", "content", "start_char", "end_char", "cue", "cue_text",
    "cue_start_char", "cue_end_char", "speaker_text", "speaker_start_char", "speaker_end_char", "speaker_entity_id",
    "speaker_name", "resolution", "evidence",
]
_QUOTES = re.compile(r"«\s*([^«»]+?)\s*»|“([^“”]+)”|„([^„“”]+)[“”]")


# ---------------------------------------------------------------- quotations

def _inverted(doc: ParsedArticle, verb: int) -> tuple[int, int] | None:
    """For "..., a indiqué le ministre" / "..., a-t-il noté": the (first, last) tokens of the reported content."""
    lo, hi = doc.sentence_rows[doc.sid[verb]]
    group = [verb] + [c for c in doc.children[verb] if doc.deprel[c].startswith("aux") and c < verb]
    first = min(group)
    if first - 1 <= lo or doc.words[first - 1] != ",":
        return None
    if _speaker_after_inversion(doc, verb) is None:
        return None
    tail = set(subtree(doc, verb)) | {j for j in range(first, hi + 1) if doc.upos[j] == "PUNCT"}
    if any(j not in tail for j in range(first, hi + 1)):
        return None
    # Parsers sometimes run two sentences together; the reported content starts after the last full stop.
    stops = [j for j in range(lo, first - 1) if doc.words[j] in (".", "!", "?")]
    words = [j for j in range((stops[-1] + 1) if stops else lo, first - 1) if doc.upos[j] not in ("PUNCT", "SYM")]
    if len(words) < 3:
        return None
    return words[0], words[-1]


def _speaker_after_inversion(doc: ParsedArticle, verb: int) -> int | None:
    """The subject written after the verb: "a indiqué le ministre", "a-t-il noté" (not the euphonic -t-)."""
    group = [verb] + [c for c in doc.children[verb] if doc.deprel[c].startswith("aux") and c < verb]
    after = [c for c in doc.children[verb] if c > min(group) and doc.deprel[c] in ("nsubj", "expl:subj", "obj")
             and doc.words[c] not in ("-t", "-t-", "t")]
    return after[0] if after else None


def _attribution_phrases(doc: ParsedArticle, lo: int, hi: int, cues: CueSets):
    """Yield (first, last) token indices of "selon", "according to"... in a sentence."""
    for i in range(lo, hi + 1):
        for phrase in cues.attributions:
            last = i + len(phrase) - 1
            if last <= hi and all(doc.words[i + k] == w for k, w in enumerate(phrase)):
                yield i, last


def _attributed_speaker(doc: ParsedArticle, last: int, hi: int) -> int | None:
    for j in range(last + 1, min(hi, last + 6) + 1):
        if doc.upos[j] in NOMINAL:
            return j
    return None


def quote_spans(text: str) -> list[tuple[int, int, int, int]]:
    """Where quotation marks enclose words in ``text``: « », “ ”, „ “, and straight ``"`` paired in a paragraph.

    Args:
        text: An article's text.

    Returns:
        ``(open, close, content_start, content_end)`` per quotation, sorted: the offsets of
        the opening mark, just after the closing mark, and of the words inside (without the
        surrounding spaces, nor a trailing comma an English quotation puts inside the marks).

    Example:
        >>> [(s, e) for _, _, s, e in quote_spans('Il a dit : « Nous sommes prêts ».')]
        [(13, 30)]
    """
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


def _row(doc: ParsedArticle, kind: str, sentence_id: int, start: int, end: int, cue: int | None, cue_text: str | None,
         cue_lemma: str | None, speaker: Found | None) -> dict:
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


def _quotes_of(doc: ParsedArticle, roles: dict, cues: CueSets) -> list[dict]:
    """The quotations of one article: direct ones first, then reported speech that does not overlap them.

    The order matters: a resolved pronoun becomes an antecedent for the ones after it.
    """
    resolve = Resolver(doc, roles, cues)
    rows, direct = _direct_quotes(doc, resolve, cues)
    return rows + _reported_speech(doc, resolve, cues, direct)


def _speaker_of(doc: ParsedArticle, resolve: Resolver, verb: int) -> Found | None:
    """The resolved subject of a reporting verb (written after it when the clause is inverted)."""
    subject = _speaker_after_inversion(doc, verb) if _inverted(doc, verb) else None
    if subject is None:
        subject = subject_of(doc, verb)
    return resolve(subject) if subject is not None else None


def _direct_quotes(doc: ParsedArticle, resolve: Resolver, cues: CueSets) -> tuple[list[dict], list[tuple[int, int]]]:
    """Quoted words with a reporting verb or an attribution phrase nearby; the rows and the quotes' spans."""
    rows, direct = [], []
    for open_, close, start, end in quote_spans(doc.text):
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
                             doc.text[doc.start[cue]:doc.end[cue]], doc.lemma[cue], _speaker_of(doc, resolve, cue)))
            direct.append((open_, close))
            continue
        for first, last in _attribution_phrases(doc, lo, hi, cues):
            if open_ <= doc.start[first] < close:
                continue
            who = _attributed_speaker(doc, last, hi)
            rows.append(_row(doc, "direct", int(doc.sid[inside[0]]), start, end, first,
                             doc.text[doc.start[first]:doc.end[last]], " ".join(doc.words[first:last + 1]),
                             resolve(who) if who is not None else None))
            direct.append((open_, close))
            break
    return rows, direct


def _reported_speech(doc: ParsedArticle, resolve: Resolver, cues: CueSets,
                     direct: list[tuple[int, int]]) -> list[dict]:
    """Indirect speech and "according to" sentences, sentence by sentence, skipping what overlaps a direct quote."""

    def overlaps_direct(a: int, b: int) -> bool:
        return any(s < b and a < e for s, e in direct)

    rows = []
    for sentence_id, (lo, hi) in sorted(doc.sentence_rows.items()):
        for verb in range(lo, hi + 1):
            if doc.upos[verb] != "VERB" or doc.lemma[verb] not in cues.verbs:
                continue
            content = _reported_content(doc, verb)
            if content is None:
                continue
            start, end = int(doc.start[content[0]]), int(doc.end[content[1]])
            if overlaps_direct(start, end):
                continue
            rows.append(_row(doc, "indirect", sentence_id, start, end, verb, doc.text[doc.start[verb]:doc.end[verb]],
                             doc.lemma[verb], _speaker_of(doc, resolve, verb)))
        for first, last in _attribution_phrases(doc, lo, hi, cues):
            if overlaps_direct(int(doc.start[first]), int(doc.end[last])):
                continue
            who = _attributed_speaker(doc, last, hi)
            body = _attributed_words(doc, lo, hi, first, last)
            if len(body) < 3:
                continue
            rows.append(_row(doc, "according-to", sentence_id, int(doc.start[body[0]]), int(doc.end[body[-1]]), first,
                             doc.text[doc.start[first]:doc.end[last]], " ".join(doc.words[first:last + 1]),
                             resolve(who) if who is not None else None))
    return rows


def _reported_content(doc: ParsedArticle, verb: int) -> tuple[int, int] | None:
    """The (first, last) tokens of what a reporting verb reports: its complement clause, or the inverted sentence."""
    clauses = [c for c in doc.children[verb] if doc.deprel[c] == "ccomp"]
    if not clauses:
        return _inverted(doc, verb)
    span = [j for j in subtree(doc, clauses[0]) if j > verb or doc.deprel[j] not in ("mark",)]
    span = [j for j in span if doc.deprel[j] != "mark" or j != span[0]]
    words = [j for j in span if doc.upos[j] not in ("PUNCT", "SYM")]
    if len(words) < 2:
        return None
    return words[0], words[-1]


def _attributed_words(doc: ParsedArticle, lo: int, hi: int, first: int, last: int) -> list[int]:
    """The words an attribution phrase at ``first..last`` attributes: after it (and its comma) or before it."""
    words = [j for j in range(lo, hi + 1) if doc.upos[j] not in ("PUNCT", "SYM")]
    if first - lo <= 1:
        after = [j for j in words if j > last and doc.words[j - 1] == ","] or [j for j in words if j > last]
        return [j for j in words if j >= after[0]] if after else []
    return [j for j in words if j < first]


def extract_quotes(tokens: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame, *,
                   cues: str | Path | pd.DataFrame | None = None,
                   roles: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Find quotations and reported speech, each with its cue, content and resolved speaker.

    Three kinds, in French and English:

    - ``direct``: text between « », “ ”, „ “ or a pair of straight double quotes, with a
      reporting verb (a déclaré, said, stressed...) or an attribution phrase (selon, according
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
        tokens: From :func:`toolkit.annotate` (NEEDS_TOKENS: a dependency parse).
        mentions: Linked mentions (``link_entities(...).mentions``: NEEDS_MENTIONS).
        articles: The ``articles`` table (``article_id, language, text``).
        cues: A speech-cues file or table (see :func:`load_cues`); None for the toolkit's own.
        roles: A role table or file (columns ``role, language, name[, entity_id]``; see
            ``toolkit/data/roles.csv``, the default).

    Returns:
        One row per quotation: ``article_id`` (str), ``quote_id`` (int, from 0 in each
        article, in text order), ``sentence_id`` (int), ``kind`` (str), ``content`` (str),
        ``start_char``, ``end_char`` (int, the content's offsets into ``articles.text``),
        ``cue`` (str, the verb's lemma or the attribution phrase), ``cue_text`` (str, as
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
    require_known_ids(articles, tokens=tokens, mentions=mentions)
    docs, cue_sets = parse_articles(tokens, mentions, articles, cues)
    all_roles = index_roles(docs, cue_sets, mentions, roles)
    rows = [row for doc in docs for row in _quotes_of(doc, all_roles, cue_sets[doc.language])]
    table = pd.DataFrame(rows, columns=[c for c in QUOTE_COLUMNS if c != "quote_id"])
    table = table.sort_values(["article_id", "start_char", "end_char"], kind="mergesort").reset_index(drop=True)
    table.insert(1, "quote_id", table.groupby("article_id").cumcount().astype("int64"))
    return typed_table(table, ints=["sentence_id", "start_char", "end_char"],
                  nullable=["cue_start_char", "cue_end_char", "speaker_start_char", "speaker_end_char"])
