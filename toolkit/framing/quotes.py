"""Find who is quoted, with the speaker resolved to a linked entity (tokens + linked mentions → quotes).

Quotations are read from the dependency parse in the ``tokens`` table of
:func:`toolkit.annotate` and the linked ``mentions`` of :func:`toolkit.entities.link_entities`.
The speaker is resolved to an entity by :mod:`toolkit.framing.speakers` (a mention, a role
description, an anaphor; the ``resolution`` column says which), the same resolution
:mod:`toolkit.framing.agency` uses for actors and targets. The cue words (reporting verbs,
attribution phrases such as "selon"/"according to") are in ``toolkit/data/speech-cues.csv``.
These are transparent rules, not a trained model: every row carries the words it rests on,
so a reader can check it.

Longer than the ~600 lines the layout aims for: finding a quotation and attributing it are
one pass over an article's sentences (cues before, after and inside the marks share the
same state); the shared resolution machinery already lives in `speakers.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.framing.cues import CUE_KINDS, CUES_FILE, CueSets, load_cues
from toolkit.framing.speakers import (
    phrase as _noun_phrase,
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
    Ref,
    find_roles,
    fits_gender,
    index_roles,
    in_main_clause,
    is_person,
    most_salient,
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
_OPENS = {"«": "»", "“": "”", "„": "“”"}


def _curly_pairs(text: str) -> list[tuple[int, int]]:
    """(open, just after close) of each pair of « », “ ”, „ “, nested pairs included.

    Marks are matched as brackets, so the outer quote of "« ... « inner » ... »" is found
    too. A quote that runs over paragraphs repeats its opening mark at each new paragraph
    (French and English usage): that repeated mark continues the open quote. Marks never
    closed are left out.
    """
    pairs, stack, paragraph_start = [], [], True
    for k, ch in enumerate(text):
        if ch == "\n":
            paragraph_start = True
            continue
        if paragraph_start and not ch.isspace():
            paragraph_start = False
            if stack and ch == stack[0][1]:
                continue  # the opening mark repeated at a new paragraph of a quote still open
        if stack and ch in _OPENS[stack[-1][1]]:
            pairs.append((stack.pop()[0], k + 1))
        elif ch in _OPENS:
            stack.append((k, ch))
        elif ch in "»”":
            # A closing mark of an outer quote whose inner quote was never closed: drop the unclosed inner ones.
            depth = next((d for d in range(len(stack) - 1, -1, -1) if ch in _OPENS[stack[d][1]]), None)
            if depth is not None:
                pairs.append((stack[depth][0], k + 1))
                del stack[depth:]
    return pairs


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
    # An object with an object predicate is what the verb names, not its subject ("..., called Mr. X an “ally”").
    naming = any(doc.deprel[c] == "oprd" for c in doc.children[verb])
    after = [c for c in doc.children[verb] if c > min(group) and doc.deprel[c] in ("nsubj", "expl:subj", "obj")
             and doc.words[c] not in ("-t", "-t-", "t") and not (naming and doc.deprel[c] == "obj")]
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
    pairs = _curly_pairs(text)
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
        subject = _cue_subject(doc, verb)
    return resolve(subject) if subject is not None else None


_NAMING_PHRASE = {"DET", "PROPN", "NOUN", "ADJ", "PART", "NUM"}


def _cue_subject(doc: ParsedArticle, verb: int) -> int | None:
    """The subject of a cue verb; for a reporting clause set off by commas inside another sentence
    ("Mr. Farrakhan, whose name, the Anti-Defamation League wrote after the event, is “...”"), the
    noun phrase between the comma and the verb, whatever the parser made the subject outside it."""
    subject = _named_subject(doc, subject_of(doc, verb), verb)
    lo, hi = doc.sentence_rows[doc.sid[verb]]
    commas = [j for j in range(lo, verb) if doc.words[j] == ","]
    if not commas or (subject is not None and subject > commas[-1]):
        return subject
    span = range(commas[-1] + 1, verb)
    closed = any(doc.words[j] == "," for j in range(verb + 1, hi + 1))
    if (not span or not closed or doc.upos[span[0]] != "DET" and doc.upos[span[0]] != "PROPN"
            or any(doc.upos[j] not in _NAMING_PHRASE and not (doc.upos[j] == "PUNCT" and doc.words[j] in "-–")
                   for j in span)):
        return subject
    heads = [j for j in span if int(doc.head[j]) not in span and doc.upos[j] in ("PROPN", "NOUN")]
    return heads[0] if heads else _speaker_token(doc, span[0], span[-1])


def _named_subject(doc: ParsedArticle, subject: int | None, verb: int) -> int | None:
    """The cue verb's subject, not a name the clause merely mentions: in "Evoquant Matteo Salvini, Marine
    Le Pen a affirmé", "Citing Smith, Jones said" parsers make the participle's object the subject and the
    real subject a person named in its conjunct (a comma, no "et"/"and") or apposition; that person, when the
    name ends right before the verb ("Rebecca Adducci, field office director..., said" keeps Adducci)."""
    if subject is None or not any(doc.deprel[k] in ("advcl", "acl", "dep", "amod") and doc.upos[k] == "VERB"
                                  for k in range(doc.sentence_rows[doc.sid[verb]][0], subject)):
        return subject
    for c in doc.children[subject]:
        if doc.deprel[c] not in ("conj", "appos") or c < subject or not is_person(doc, c) or any(
                doc.deprel[g] == "cc" for g in doc.children[c]):
            continue
        span = [k for k in subtree(doc, c) if doc.upos[k] != "PUNCT"]
        if doc.words[span[0] - 1] == "," and all(doc.upos[k] in ("AUX", "ADV", "PART", "PUNCT")
                                                 for k in range(span[-1] + 1, verb)):
            return c
    return subject


#: Words that may sit between a closing quote mark and its cue verb ("», a-t-elle assuré", "", he added").
_CLITIC = re.compile(r"^-?t?-(il|elle|on|ils|elles)$|^-(il|elle|on|ils|elles)$")
_SPEECH_MIN_WORDS = 4


def _token_at(doc: ParsedArticle, char: int) -> int:
    """The index of the first token starting at or after ``char``."""
    return int(np.searchsorted(doc.start, char))


def _is_cue(doc: ParsedArticle, j: int, cues: CueSets) -> bool:
    """A reporting verb; a participle the parser tagged ADJ counts after an auxiliary ("a assuré"), a noun never ("tweet")."""
    if doc.lemma[j] not in cues.verbs:
        return False
    return doc.upos[j] == "VERB" or (doc.upos[j] == "ADJ" and j > 0 and doc.upos[j - 1] == "AUX")


def _speaker_token(doc: ParsedArticle, first: int, last: int) -> int | None:
    """The token heading the speaker's words in ``first..last``: the first mention or noun or pronoun (not "-t").

    A title or role noun right before a person's name gives the name ("le ministre Gergely Gulyas").
    """
    span = [j for j in range(first, last + 1) if doc.words[j] not in ("-t", "-t-", "t")]
    persons = [j for j in span if is_person(doc, j)]
    if persons:  # "WHO Director-General Tedros Adhanom Ghebreyesus told": the person, not the organisation
        return persons[0]
    for j in span:
        if doc.mention_of[j] is not None:
            return j
        if doc.upos[j] in ("NOUN", "PROPN", "PRON", "X") and doc.words[j].strip("-") not in ("qui", "que", "qu'"):
            return j
    return None


def _cue_after(doc: ParsedArticle, close: int, cues: CueSets) -> tuple[int, int | None] | None:
    """A cue right after the closing mark: "», a-t-elle assuré", "», assure une diplomate", "", Smith said", "", said he".

    Returns the cue verb and the token naming its subject (written after the verb, or between
    the mark and the verb), or None when the words after the mark are not a cue.
    """
    k = _token_at(doc, close)
    n = len(doc.words)
    if k >= n or doc.text[close:doc.start[k]].strip() or "\n" in doc.text[close:doc.start[k]]:
        return None
    # After a quote closed by a full stop a new sentence starts: a cue there opens with a lower-case word.
    if doc.text[:close].rstrip(" \u00a0\u202f\"\u201d»").endswith(".") and not doc.words[k][:1].islower():
        return None
    while k < n and doc.words[k] in (",", "—", "–", "-") and doc.start[k] - close < 4:
        k += 1
    # A new sentence after ". »" is a cue only when it opens with the cue ("» a-t-il dit" is rare; skip).
    window = [j for j in range(k, min(n, k + 8)) if doc.words[j] not in (".", "!", "?", "«", "“", '"')]
    window = [j for j in window if all(doc.words[m] not in (".", "!", "?", "«", "“", '"', ";")
                                       for m in range(k, j))]
    verbs = [j for j in window if _is_cue(doc, j, cues)]
    if not verbs:
        return None
    verb = verbs[0]
    if any(doc.upos[j] == "AUX" and doc.head[j] != verb for j in range(k, verb)):
        return None  # "» (CERV) est, nous dit-on": the words after the mark belong to another clause
    if any(doc.deprel[c] == "ccomp" and c > verb for c in doc.children[verb]):
        return None  # "", said that ...": the verb reports its own clause, the quote is in its subject
    before = [j for j in range(k, verb) if doc.upos[j] not in ("AUX", "ADV", "PUNCT", "PART")
              and not _CLITIC.match(doc.words[j])]
    clitics = [j for j in range(k, verb + 3) if j < n and _CLITIC.match(doc.words[j])]
    if clitics:
        return verb, clitics[0]
    if before:  # "", Smith said": the subject is written before the verb
        return verb, _speaker_token(doc, before[0], verb - 1)
    hi = doc.sentence_rows[doc.sid[verb]][1]
    stop = verb + 1
    while stop <= hi and stop - verb <= 12 and doc.words[stop] not in (",", ".", ";", "(", ":"):
        stop += 1
    return verb, _speaker_token(doc, verb + 1, stop - 1) if stop > verb + 1 else None


def _cue_before(doc: ParsedArticle, open_: int, cues: CueSets) -> int | None:
    """A cue verb in the words leading to the opening mark: "X a déclaré : «", "X said that "...", "she told CNN: "..."."""
    k = _token_at(doc, open_) - 1
    if k < 0:
        return None
    lo = doc.sentence_rows[doc.sid[k]][0]
    gap = doc.text[doc.end[k]:open_]
    if "\n\n" in gap:
        # A quote opening a paragraph: its cue is the previous paragraph's end when that ends with a colon.
        if doc.words[k] != ":":
            return None
    # The sentence before, when the quote opens a new sentence after a colon.
    if doc.words[k] == ":" and k - 1 >= 0:
        lo = doc.sentence_rows[doc.sid[k - 1]][0]
    candidates = [j for j in range(lo, k + 1) if doc.upos[j] == "VERB" and doc.lemma[j] in cues.verbs
                  and not any(doc.words[m] in (".", "!", "?") for m in range(j + 1, k))]
    return candidates[-1] if candidates else None


def _clitic_after(doc: ParsedArticle, verb: int) -> int | None:
    """The inverted subject pronoun right after a verb ("explique-t-il", "dit-elle"), not the euphonic "-t"."""
    for j in range(verb + 1, min(len(doc.words), verb + 3)):
        if _CLITIC.match(doc.words[j]) and doc.words[j] not in ("-t", "-t-"):
            return j
    return None


def _looks_like_speech(doc: ParsedArticle, start: int, end: int) -> bool:
    """Quoted words that form a clause: at least a few words and a verb (not a title or scare-quoted phrase)."""
    inside = [j for j in range(_token_at(doc, start), _token_at(doc, end)) if doc.upos[j] not in ("PUNCT", "SYM")]
    return len(inside) >= _SPEECH_MIN_WORDS and any(doc.upos[j] in ("VERB", "AUX") for j in inside)


class _Speakers:
    """Resolve the speakers of one article's quotes, remembering who spoke last (for pronouns and continuations)."""

    def __init__(self, doc: ParsedArticle, resolve: Resolver, cues: CueSets, spans: list):
        self.doc, self.resolve, self.cues = doc, resolve, cues
        self.spans = [(o, c) for o, c, _, _ in spans]
        self.spoken: list[tuple[int, Found]] = []  # (quote end, speaker) of quotes with a named speaker
        marked = [m for m in doc.mention_of if m is not None]
        # Names inside a quotation are what the speaker talks about, not antecedents of the cue's pronoun.
        self._all_persons = sorted({(m[3], m[4], m[0], m[1]) for m in marked if m[2] == "PER"})
        self.persons = [p for p in self._all_persons if not self.quoted(p[0])]
        self.organisations = sorted({(m[3], m[4], m[0], m[1]) for m in marked
                                     if m[2] == "ORG" and not self.quoted(m[3])})
        # A proper-noun subject the NER missed whose word is a word of a person named in the article ("Police
        # Chief U. Reneé Hall gave..." where only "Hall said" was tagged): that person, as an antecedent.
        surnames = {}
        for m in marked:
            if m[2] == "PER":
                for w in doc.text[m[3]:m[4]].split()[1:] or doc.text[m[3]:m[4]].split():
                    surnames.setdefault(w, set()).add((m[0], m[1]))
        self.unmarked = [Ref(int(doc.start[j]), int(doc.sid[j]), *next(iter(surnames[doc.text[doc.start[j]:doc.end[j]]])),
                              True, False, doc.text[doc.start[j]:doc.end[j]], in_main_clause(doc, j))
                         for j in range(len(doc.words))
                         if doc.mention_of[j] is None and doc.upos[j] == "PROPN" and doc.deprel[j] == "nsubj"
                         and len(surnames.get(doc.text[doc.start[j]:doc.end[j]], ())) == 1]

    def quoted(self, position: int) -> bool:
        return any(o < position < c for o, c in self.spans)

    def fits(self, entity_id, word: str) -> bool:
        """Whether an entity may be what a pronoun stands for: not one the article says is of the other sex."""
        return fits_gender(self.resolve.genders, entity_id, word, self.cues)

    def antecedent(self, i: int, open_: int) -> Found | None:
        """What the pronoun subject of a quote's cue stands for, read from before the quote.

        The quote's own sentences do not count (a long quote would push everyone out of
        reach) and nor do names inside quotes; the most recent person who was the subject of
        a clause in the three sentences before wins (in its sentence, the main clause's subject
        before an embedded clause's: :func:`most_salient`), then the last speaker (two paragraphs
        back at most), then the most recent person named. A gendered pronoun skips a person
        the article says is of the other sex (:func:`~toolkit.framing.speakers.person_genders`),
        and a person named in the quote itself is who the speaker talks about, not the speaker
        ("« Je considère avec Matteo Salvini qu'il faut... », a-t-elle déclaré").
        """
        doc = self.doc
        word = doc.words[i].strip("-")
        before = min(open_, int(doc.start[i]))
        anchor = int(doc.sid[min(_token_at(doc, before), len(doc.words) - 1)])
        close = next((c for o, c in self.spans if o == open_), open_)
        named_inside = {p[2] for p in self._all_persons if open_ < p[0] < close}
        refs = [r for r in sorted(self.resolve.refs + self.unmarked, key=lambda r: r.position)
                if r.position < before and not r.plural and isinstance(r.entity_id, str)
                and not self.quoted(r.position) and anchor - r.sentence_id <= 3 and self.fits(r.entity_id, word)
                and r.entity_id not in named_inside]
        text, start, end = doc.text[doc.start[i]:doc.end[i]], int(doc.start[i]), int(doc.end[i])
        subjects = [r for r in refs if r.subject]
        if subjects:
            r = most_salient(subjects)
            return Found(r.entity_id, r.name, "anaphora", text, start, end, f'"{text}" → the most recent subject, '
                         f'"{r.text}"')
        last = [(e, f) for e, f in self.spoken if e <= before and isinstance(f.entity_id, str)
                and doc.text[e:before].count("\n\n") <= 2 and self.fits(f.entity_id, word)
                and f.entity_id not in named_inside]
        if last:
            f = last[-1][1]
            return Found(f.entity_id, f.name, "anaphora", text, start, end, f'"{text}" → the last speaker, {f.name}')
        if refs:
            r = refs[-1]
            return Found(r.entity_id, r.name, "anaphora", text, start, end, f'"{text}" → the last person named, '
                         f'"{r.text}"')
        return None

    def organisation(self, i: int, open_: int) -> Found | None:
        """"the group wrote", "l'organisation a indiqué": the organisation named before.

        The most recent one whose name has the noun ("the department" → "the Dallas Police
        Department"), else the most recent named in the three sentences before the quote.
        """
        doc = self.doc
        before = min(open_, int(doc.start[i]))
        anchor = int(doc.sid[min(_token_at(doc, before), len(doc.words) - 1)])
        noun = {doc.lemma[i], doc.words[i]}
        # An organisation whose name has the noun ("the department" → "the Dallas Police Department") wins.
        named = [o for o in self.organisations if o[1] <= before
                 and noun & {w.lower() for w in re.findall(r"\w+", doc.text[o[0]:o[1]])}]
        earlier = named or [o for o in self.organisations if o[1] <= before
                            and anchor - int(doc.sid[_token_at(doc, o[0])]) <= 3]
        if not earlier:
            return None
        o = earlier[-1]
        start, end, text = _noun_phrase(doc, i)
        return Found(o[2], o[3], "anaphora", text, start, end, f'"{text}" → the organisation named before, '
                     f'"{doc.text[o[0]:o[1]]}"')

    def appositive(self, found: Found) -> Found | None:
        """"le Premier ministre italien, Mario Draghi, a déclaré": the person named right after a description."""
        doc = self.doc
        k = _token_at(doc, found.end)
        if k + 1 >= len(doc.words) or doc.words[k] != "," or not is_person(doc, k + 1):
            return None
        m = doc.mention_of[k + 1]
        return Found(m[0], m[1], "mention", doc.text[m[3]:m[4]], m[3], m[4], f'"{found.text}" in apposition with '
                     f'"{doc.text[m[3]:m[4]]}"')

    def of_token(self, i: int | None, open_: int | None = None) -> Found | None:
        """The speaker a token names: a mention, a role, an antecedent; a described speaker is kept as words.

        ``open_``, the opening mark of the quote the token's cue introduces, anchors pronouns
        (see :meth:`antecedent`).
        """
        if i is None:
            return None
        doc = self.doc
        word = doc.words[i].strip("-")
        singular = doc.upos[i] == "PRON" and (word in self.cues.singular or doc.lemma[i] in self.cues.singular)
        if open_ is not None and singular and word not in self.cues.relative:
            found = self.antecedent(i, open_)
            if found is not None:
                return found
        found = self.resolve(i)
        if found.resolution == "mention" and is_person(doc, i) or found.resolution == "anaphora":
            return found
        if found.resolution != "mention" or not is_person(doc, _token_at(doc, found.start)):
            person = self.appositive(found)
            if person is not None:
                return person
        if found.resolution != "unresolved":
            return found
        if doc.upos[i] == "NOUN" and doc.lemma[i] in self.cues.organisations and open_ is not None:
            org = self.organisation(i, open_)
            if org is not None:
                return org
        if singular:
            before = int(doc.start[i])
            last = [f for end, f in self.spoken if end <= before and isinstance(f.entity_id, str)
                    and self.fits(f.entity_id, word)]
            if last:
                f = last[-1]
                return Found(f.entity_id, f.name, "anaphora", found.text, found.start, found.end,
                             f'"{found.text}" → the last speaker, {f.name}')
            person = self.nearest_person(before, word=word)
            if person is not None:
                return Found(person[2], person[3], "anaphora", found.text, found.start, found.end,
                             f'"{found.text}" → the last person named, "{doc.text[person[0]:person[1]]}"')
            return found
        if doc.upos[i] in ("NOUN", "PROPN", "X"):
            return Found(None, None, "description", found.text, found.start, found.end, "described, not named")
        return found

    def nearest_person(self, before: int, *, within: int | None = None, word: str = ""):
        """The last person mention ending before ``before`` (at most ``within`` characters back; one the
        pronoun ``word``, if given, may stand for)."""
        earlier = [p for p in self.persons if p[1] <= before and (within is None or before - p[1] <= within)
                   and self.fits(p[2], word)]
        return earlier[-1] if earlier else None

    def remember(self, end: int, found: Found | None) -> None:
        if found is not None and found.resolution not in ("unresolved", "description"):
            self.spoken.append((end, found))

    def source_before(self, open_: int) -> Found | None:
        """A quote opening a sentence with no cue of its own, after a sentence whose reporting verb has a named
        subject ("..., comme le révèle Reuters. « ... »", "Smith said on Monday. "..."" ): that subject."""
        doc = self.doc
        k = _token_at(doc, open_) - 1
        while k >= 0 and doc.upos[k] in ("PUNCT", "SYM"):
            k -= 1
        if k < 0 or self.quoted(int(doc.start[k])) or doc.text[doc.end[k]:open_].count("\n\n") > 1:
            return None
        lo, hi = doc.sentence_rows[doc.sid[k]]
        if any(self.quoted(int(doc.start[j])) for j in range(lo, hi + 1)):
            return None  # a sentence with a quote of its own: the next quote continues it (see continuation)
        if hi >= _token_at(doc, open_) and doc.sid[k] == doc.sid[min(_token_at(doc, open_), len(doc.words) - 1)]:
            return None  # the quote is inside that sentence: its cue was looked for already
        for verb in range(hi, lo - 1, -1):
            if doc.upos[verb] != "VERB" or doc.lemma[verb] not in self.cues.verbs or self.quoted(int(doc.start[verb])):
                continue
            subject = subject_of(doc, verb)
            found = self.resolve(subject) if subject is not None else None
            if found is not None and found.resolution == "mention":
                return found._replace(evidence=f'subject of "{doc.words[verb]}" in the sentence before: '
                                      f'{found.evidence}')
        return None

    def continuation(self, open_: int) -> Found | None:
        """The previous quote's speaker, when it ended at most two paragraphs before and no other person came between."""
        if not self.spoken:
            return None
        end, f = self.spoken[-1]
        between = self.doc.text[end:open_]
        if between.count("\n\n") > 2 or len(between) > 600:
            return None
        if any(end <= p[0] and p[1] <= open_ and p[2] != f.entity_id for p in self.persons):
            return None
        return Found(f.entity_id, f.name, "continuation", f.text, f.start, f.end,
                     f"continues the quote before, by {f.name}")

    def nearest(self, open_: int) -> Found | None:
        """The nearest person named before the quote, in its paragraph or the one before (the last resort)."""
        person = self.nearest_person(open_, within=800)
        if person is None or self.doc.text[person[1]:open_].count("\n\n") > 1:
            return None
        return Found(person[2], person[3], "nearest-mention", self.doc.text[person[0]:person[1]], person[0],
                     person[1], "the nearest person named before the quote")


def _direct_quotes(doc: ParsedArticle, resolve: Resolver, cues: CueSets) -> tuple[list[dict], list[tuple[int, int]]]:
    """Quoted words with their speaker; the rows and the quotes' spans.

    For each quotation, in order: a cue right after the closing mark ("», a-t-elle assuré",
    "", said Smith"); a cue verb leading to the opening mark ("X a déclaré : «"); a cue verb
    or attribution phrase in the quote's sentences (the dependency parse); then, for quoted
    words that form a clause, the named subject of a reporting verb in the sentence just
    before, the previous quote's speaker (a continuation) or the nearest person named
    before. Quotes inside another quote are left out (the outer speaker speaks). A quoted
    noun phrase (no verb, or fewer than four words: titles, scare quotes) takes a speaker
    only from a cue that reports it: a cue after the mark and a comma, or a verb whose
    complement holds it, or a cue verb before it with a subject ("X called the note an “...”"),
    never a participle naming a thing ("a group called “...”", "so-called"); with no cue, a
    quotation opening with a capital right after a noun is a title. A cue's pronoun is
    resolved from before the quote (see ``_Speakers.antecedent``); a description followed by
    a name in apposition gives the name; an organisation noun ("the group") gives the
    organisation named before.
    """
    rows, direct = [], []
    spans = quote_spans(doc.text)
    speakers = _Speakers(doc, resolve, cues, spans)
    for open_, close, start, end in spans:
        if any(o < open_ and close <= c for o, c, _, _ in spans):
            continue  # a quote nested in another one: the outer quote's speaker speaks
        inside = np.flatnonzero((doc.start < close) & (doc.end > open_))
        if not len(inside) or end <= start:
            continue
        cue, cue_text, cue_lemma, found = None, None, None, None
        after = _cue_after(doc, close, cues)
        if after is not None and not _looks_like_speech(doc, start, end) and not re.match(
                r"[\s\u00a0\u202f]*[,—–-]", doc.text[end:close - 1] + doc.text[close:close + 3]):
            after = None  # "the “mistranslation” defense to explain": a quoted noun phrase inside a clause
        if after is not None:
            cue, found = after[0], speakers.of_token(after[1], open_)
        if not _resolved(found):
            verb = _cue_before(doc, open_, cues)
            if verb is not None and not _looks_like_speech(doc, start, end) and (
                    doc.deprel[verb] in ("acl", "amod") or doc.lemma[verb] in cues.naming
                    and any(doc.deprel[c] == "aux:pass" for c in doc.children[verb])):
                verb = None  # naming a thing: "a group called “Antifa Now”", "so-called", "which is called “X”"
            subject = None if verb is None else (_clitic_after(doc, verb) or _cue_subject(doc, verb))
            if verb is not None and (subject is not None or cue is None):
                cue, found = verb, speakers.of_token(subject, open_)
        if not _resolved(found):
            parsed = _parsed_cue(doc, resolve, cues, open_, close, inside)
            if parsed is not None and not _looks_like_speech(doc, start, end) and not _reports(doc, parsed[0], inside):
                parsed = None  # a quoted noun phrase elsewhere in the cue's sentence: a title or scare quotes
            if parsed is not None and (cue is None or _resolved(parsed[3])):
                cue, cue_text, cue_lemma, found = parsed
        speech = _looks_like_speech(doc, start, end)
        if cue is None and not speech:
            continue  # quoted names or words without a cue are not quotes
        if cue is None and _names_a_work(doc, open_, start):
            continue  # "l'analyse de Philippe Silberzahn « Quand les experts deviennent militants »": a title
        if not _resolved(found) and speech:
            found = (speakers.source_before(open_) or speakers.continuation(open_) or speakers.nearest(open_)
                     or found)
        if cue is not None and cue_text is None:
            cue_text, cue_lemma = doc.text[doc.start[cue]:doc.end[cue]], doc.lemma[cue]
        rows.append(_row(doc, "direct", int(doc.sid[inside[0]]), start, end, cue, cue_text, cue_lemma, found))
        speakers.remember(end, found)
        direct.append((open_, close))
    return rows, direct


def _names_a_work(doc: ParsedArticle, open_: int, start: int) -> bool:
    """Whether a quotation is a title: it opens with a capital right after a noun or name, with no
    punctuation between ("l'analyse de Philippe Silberzahn « Quand les experts deviennent militants »",
    'the report “Fit for 55”'). Words spoken follow a verb, a colon or a comma, and a partial quote
    continuing the sentence ("que l'administration « déploie une présence... »") opens in lower case."""
    k = _token_at(doc, open_) - 1
    return (k >= 0 and doc.upos[k] in ("NOUN", "PROPN") and not doc.text[doc.end[k]:open_].strip()
            and doc.text[start:start + 1].isupper())


def _reports(doc: ParsedArticle, cue: int, inside) -> bool:
    """Whether the quoted tokens are in what the cue verb reports (its complement or object), not its subject."""
    if doc.upos[cue] != "VERB":
        return False
    reported = set()
    for c in doc.children[cue]:
        if doc.deprel[c] in ("ccomp", "obj", "xcomp", "iobj", "obl") or doc.deprel[c].startswith(("ccomp", "obl")):
            reported.update(subtree(doc, c))
    return any(int(j) in reported for j in inside if doc.upos[j] not in ("PUNCT", "SYM"))


def _resolved(found: Found | None) -> bool:
    return found is not None and found.resolution != "unresolved"


def _parsed_cue(doc: ParsedArticle, resolve: Resolver, cues: CueSets, open_: int, close: int, inside):
    """The cue found in the quote's sentences by the dependency parse: (token, attribution text, lemma, speaker) or None."""
    sentences = sorted(set(doc.sid[inside]))
    lo, hi = doc.sentence_rows[sentences[0]][0], doc.sentence_rows[sentences[-1]][1]
    following = doc.sentence_rows.get(sentences[-1] + 1)
    if following and not doc.text[close:doc.start[following[0]]].strip(" .,;:\n"):
        hi = min(following[1], following[0] + 5)
    own_end = doc.sentence_rows[sentences[-1]][1]
    verbs = [j for j in range(lo, hi + 1) if doc.upos[j] == "VERB" and doc.lemma[j] in cues.verbs
             and not (open_ <= doc.start[j] < close)]
    if verbs and all(j > own_end for j in verbs) and any(
            not open_ <= doc.start[first] < close for first, _ in _attribution_phrases(doc, lo, own_end, cues)):
        verbs = []  # "Selon X, « ... ». Elle s'est dit...": the quote's own "selon" before the next sentence's verb
    if verbs:
        cue = min(verbs, key=lambda j: min(abs(int(doc.start[j]) - close), abs(int(doc.end[j]) - open_)))
        return cue, None, None, _speaker_of(doc, resolve, cue)
    for first, last in _attribution_phrases(doc, lo, hi, cues):
        if open_ <= doc.start[first] < close:
            continue
        who = _attributed_speaker(doc, last, hi)
        found = resolve(who) if who is not None else None
        if found is not None and found.resolution == "unresolved" and doc.upos[who] in ("NOUN", "PROPN", "X") \
                and not _is_plural_phrase(doc, who):
            # "Selon la présidente du Rassemblement national, « ... »": a speaker described, not the last one.
            found = found._replace(resolution="description", evidence="described, not named")
        return (first, doc.text[doc.start[first]:doc.end[last]], " ".join(doc.words[first:last + 1]), found)
    return None


def _is_plural_phrase(doc: ParsedArticle, i: int) -> bool:
    return doc.words[i] != doc.lemma[i] and doc.words[i].endswith(("s", "x")) and doc.upos[i] == "NOUN"


def _reported_speech(doc: ParsedArticle, resolve: Resolver, cues: CueSets,
                     direct: list[tuple[int, int]]) -> list[dict]:
    """Indirect speech and "according to" sentences, sentence by sentence, skipping what overlaps a direct quote."""

    def overlaps_direct(a: int, b: int) -> bool:
        return any(s < b and a < e for s, e in direct)

    rows = []
    for sentence_id, (lo, hi) in sorted(doc.sentence_rows.items()):
        for verb in range(lo, hi + 1):
            if doc.upos[verb] != "VERB" or doc.lemma[verb] not in cues.verbs or doc.lemma[verb] in cues.naming:
                continue  # a naming verb (call) reports quoted words, never a clause
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
            if len(body) < 3 or overlaps_direct(int(doc.start[body[0]]), int(doc.end[body[-1]])):
                continue  # the direct quote in those words has its own speaker ("She told..." "...", according to ABC)
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
