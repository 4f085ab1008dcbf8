"""The tables the tests share: the seeds loaded and annotated once per run, their ids, and hand-made tables.

``tests/conftest.py`` serves these as session-scoped fixtures (``seed_corpus``, ``articles``,
``removed``, ``sentences``, ``tokens``, ``mentions``, ``linked``, ``seeds``, ...): request
them by name in a test rather than calling the loaders here. Test modules import only the
constants (article and entity ids, the seed stories) and the builders of hand-made tables
(``make_tokens``, ``mentions_table``, ``one_article``, ``sentences_table``) from this module.
"""

from __future__ import annotations

import functools
import warnings
from typing import NamedTuple

import pandas as pd

import toolkit as tk
from toolkit.entities import link_entities

A000, A001, A002, A003, A004 = ("000_97c0297dd02cef28", "001_bca5567595f81341", "002_a616652f9ed4872e",
                                "003_3f9ce869d2ecad74", "004_8ba951dc44bfccf3")
TO_LAM, ALVAREZ, TO = "PER:to-lam", "PER:lazaro-alberto-alvarez-casas", "PER:tran-quoc-to"
#: The two events of the seed corpus: the October visit to Cuba, the May visit to Hanoi.
STORIES = {A000: "October (Havana)", A001: "October (Havana)", A003: "October (Havana)",
           A002: "May (Hanoi)", A004: "May (Hanoi)"}


# ---------------------------------------------------------------- the seeds, computed once per run


@functools.cache
def seed_corpus() -> tk.Corpus:
    """The seed corpus; a ``CorpusWarning`` fails the run (the seeds must load cleanly)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", tk.CorpusWarning)
        return tk.load_corpus(tk.SEEDS)


@functools.cache
def seed_annotation() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(sentences, tokens, mentions) of the seeds, annotated with spaCy (project cache, so quick after the first run)."""
    return tk.annotate(seed_corpus().articles, engine="spacy", progress=False)


@functools.cache
def seed_linked():
    """``link_entities`` on the seeds' mentions: (mentions with entity ids, entities, merges)."""
    _, _, mentions = seed_annotation()
    return link_entities(mentions, articles=seed_corpus().articles)


class Seeds(NamedTuple):
    """The ``seeds`` fixture; unpacks as ``articles, sentences, tokens, mentions`` (mentions linked)."""

    articles: pd.DataFrame
    sentences: pd.DataFrame
    tokens: pd.DataFrame
    mentions: pd.DataFrame


def seed_tables() -> Seeds:
    """(articles, sentences, tokens, linked mentions) of the seeds: the same objects as the fixtures."""
    sentences, tokens, _ = seed_annotation()
    return Seeds(seed_corpus().articles, sentences, tokens, seed_linked().mentions)


# ---------------------------------------------------------------- hand-made tables


def make_tokens(article_id: str, text: str, words: list[tuple]) -> pd.DataFrame:
    """A hand-made ``tokens`` table from (text, lemma, upos, head index, deprel[, sentence_id[, same]]) tuples.

    Offsets are found by searching each word's text left to right; a head of None makes
    the token the root (its own head). ``same=True`` gives a word the offsets of the one
    before: the second syntactic word of a contraction ("du" → "de" + "le").
    """
    rows, pos, previous = [], 0, (0, 0)
    for k, (word, lemma, upos, head, deprel, *extra) in enumerate(words):
        sentence_id = extra[0] if extra else 0
        if len(extra) > 1 and extra[1]:
            start, end = previous
        else:
            start = text.index(word, pos)
            end = pos = start + len(word)
        previous = (start, end)
        rows.append({"article_id": article_id, "sentence_id": sentence_id, "token_id": k, "start_char": start,
                     "end_char": end, "text": word, "lemma": lemma, "upos": upos, "head": k if head is None else head,
                     "deprel": deprel, "engine": "hand", "model": "hand", "word": lemma})
    return pd.DataFrame(rows).astype({"head": "Int64", "article_id": "string", "text": "string", "lemma": "string",
                                      "upos": "string", "deprel": "string"})


def mentions_table(article_id: str, text: str, names: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Linked mentions for (text, entity_type, entity_id) found left to right in ``text``."""
    rows, pos = [], 0
    for k, (name, entity_type, entity_id) in enumerate(names):
        start = text.index(name, pos)
        pos = start + len(name)
        rows.append({"article_id": article_id, "sentence_id": 0, "mention_id": k, "start_char": start, "end_char": pos,
                     "text": name, "entity_type": entity_type, "entity_id": entity_id, "name": name})
    return pd.DataFrame(rows, columns=["article_id", "sentence_id", "mention_id", "start_char", "end_char", "text",
                                       "entity_type", "entity_id", "name"])


def one_article(article_id: str, text: str, language: str) -> pd.DataFrame:
    """A one-row ``articles`` table."""
    return pd.DataFrame({"article_id": [article_id], "language": [language], "text": [text]})


def sentences_table(pieces: dict[str, list[tuple[int, str]]]) -> tuple[dict[str, str], pd.DataFrame]:
    """``(texts, sentences)`` from each article's ``(paragraph_id, sentence)`` pieces: paragraphs joined by a blank
    line, the sentences of one paragraph by a space; ``sentences`` has the sentence table's columns, offsets into
    ``texts``."""
    rows, texts = [], {}
    for article_id, parts in pieces.items():
        text, last = "", None
        for k, (paragraph, sentence) in enumerate(parts):
            if last is not None:
                text += " " if paragraph == last else "\n\n"
            rows.append((article_id, paragraph, k, len(text), len(text) + len(sentence), sentence))
            text += sentence
            last = paragraph
        texts[article_id] = text
    return texts, pd.DataFrame(rows, columns=["article_id", "paragraph_id", "sentence_id", "start_char", "end_char",
                                              "text"])


def alignment_table(sentences: pd.DataFrame, a: str, b: str, groups: list[tuple], *, score: float = 1.0) -> pd.DataFrame:
    """An ``align_sentences`` table written by hand: one group per ``(sentence_id_a, sentence_id_b, status)`` (None
    for the side a unique sentence lacks), texts from ``sentences``, ``score`` as the similarity of aligned groups."""
    from toolkit.compare.alignment import ALIGNMENT_COLUMNS

    text_of = sentences.set_index(["article_id", "sentence_id"])["text"]
    return pd.DataFrame(
        [(g, a, k_a, b, k_b, None if k_a is None else text_of[a, k_a], None if k_b is None else text_of[b, k_b],
          None if status == "unique" else score, status, f"{int(k_a is not None)}-{int(k_b is not None)}")
         for g, (k_a, k_b, status) in enumerate(groups)],
        columns=ALIGNMENT_COLUMNS).astype({"sentence_id_a": "Int64", "sentence_id_b": "Int64"})


def alike_credit_versions(body: list[str]):
    """Two versions that open with "Hanoï (VNA)" and sign off "– VNA" alike, with their first two sentences shared,
    then ``body[2]`` in x and ``body[3]`` in y: ``(texts, sentences, alignment, differences)``, the alignment written
    by hand (the credits unaligned) and the differences from ``compare_versions``."""
    from toolkit.compare import compare_versions

    texts, sentences = sentences_table({
        "x": [(0, "Hanoï (VNA)"), (0, "- " + body[0]), (1, body[1]), (2, body[2]), (2, "– VNA")],
        "y": [(0, "Hanoï (VNA)"), (0, "- " + body[0]), (1, body[1]), (2, body[3]), (2, "– VNA")]})
    groups = [(0, None, "unique"), (1, 1, "shared"), (2, 2, "shared"), (3, None, "unique"), (4, None, "unique"),
              (None, 0, "unique"), (None, 3, "unique"), (None, 4, "unique")]
    alignment = alignment_table(sentences, "x", "y", groups)
    articles = pd.DataFrame({"article_id": list(texts), "text": list(texts.values()), "language": "fr"})
    return texts, sentences, alignment, compare_versions(sentences, articles, "x", "y", alignment=alignment)
