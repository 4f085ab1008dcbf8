"""Shared by the framing tests: the seeds annotated once per run (spaCy, project cache), and hand-made tables."""

from __future__ import annotations

import functools

import toolkit as tk
from toolkit.entities import link_entities

A000, A001, A002, A003, A004 = ("000_97c0297dd02cef28", "001_bca5567595f81341", "002_a616652f9ed4872e",
                                "003_3f9ce869d2ecad74", "004_8ba951dc44bfccf3")
TO_LAM, ALVAREZ, TO = "PER:to-lam", "PER:lazaro-alberto-alvarez-casas", "PER:tran-quoc-to"
#: The two events of the seed corpus (DESIGN.md): the October visit to Cuba, the May visit to Hanoi.
STORIES = {A000: "October (Havana)", A001: "October (Havana)", A003: "October (Havana)",
           A002: "May (Hanoi)", A004: "May (Hanoi)"}


@functools.cache
def seed_tables():
    """(articles, sentences, tokens, linked mentions) of the seeds."""
    articles = tk.load_corpus(tk.SEEDS).articles
    sentences, tokens, mentions = tk.annotate(articles, engine="spacy", progress=False)
    return articles, sentences, tokens, link_entities(mentions, articles=articles).mentions


def make_tokens(article_id: str, text: str, words: list[tuple]):
    """A hand-made ``tokens`` table from (text, lemma, upos, head index, deprel[, sentence_id[, same]]) tuples.

    Offsets are found by searching each word's text left to right; a head of None makes
    the token the root (its own head). ``same=True`` gives a word the offsets of the one
    before: the second syntactic word of a contraction ("du" → "de" + "le").
    """
    import pandas as pd

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


def mentions_table(article_id: str, text: str, names: list[tuple[str, str, str]]):
    """Linked mentions for (text, entity_type, entity_id) found left to right in ``text``."""
    import pandas as pd

    rows, pos = [], 0
    for k, (name, entity_type, entity_id) in enumerate(names):
        start = text.index(name, pos)
        pos = start + len(name)
        rows.append({"article_id": article_id, "sentence_id": 0, "mention_id": k, "start_char": start, "end_char": pos,
                     "text": name, "entity_type": entity_type, "entity_id": entity_id, "name": name})
    return pd.DataFrame(rows, columns=["article_id", "sentence_id", "mention_id", "start_char", "end_char", "text",
                                       "entity_type", "entity_id", "name"])


def one_article(article_id: str, text: str, language: str):
    """A one-row ``articles`` table."""
    import pandas as pd

    return pd.DataFrame({"article_id": [article_id], "language": [language], "text": [text]})
