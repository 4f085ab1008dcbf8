"""Lexical similarity of articles: TF-IDF cosine over lemmas, shared by notebook 01 and the story similarity.

One computation for :func:`toolkit.textstats.document_similarity` (notebook 01) and the
``lexical`` component of :func:`toolkit.compare.article_similarity`: each article becomes
the lemmas of its content words, weighted by scikit-learn's ``TfidfVectorizer``
(``sublinear_tf=True``, smooth idf, L2 norm), and two articles score the cosine of their
vectors.

The lemmas come from ``annotate``'s ``tokens`` when the caller has them
(:func:`token_documents`); otherwise from the light path of :mod:`toolkit.text`
(:func:`lemma_documents`: the word tokenizer, stop words and simplemma lemmas per article
language), computed once per call.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from toolkit._checks import refuse_quadratic, require_choice
from toolkit.stats.words import check_articles
from toolkit.text import language_codes, lemmatize_terms, normalise_terms, split_words, stopword_mask

#: Columns :func:`lemma_documents` needs in ``articles``.
NEEDS_ARTICLES = ["article_id", "text", "language"]
#: Columns :func:`token_documents` needs in ``tokens`` (``upos`` is used when present).
NEEDS_TOKENS = ["article_id", "text", "lemma"]
#: Parts of speech that are never content words.
NOT_WORDS = frozenset({"PUNCT", "SYM", "SPACE", "X"})


def lemma_documents(articles: pd.DataFrame, ids: Sequence[str]) -> list[list[str]]:
    """The lemmas of each article's non-stopword words, in text order, by the light path of toolkit.text.

    Words are :func:`toolkit.text.split_words` tokens, normalised like terms (NFC, ``'``
    apostrophe, lower-case); stop words are those of the article's language; lemmas are
    simplemma's in that language (the term itself where simplemma lacks the language).

    Args:
        articles: One row per article, already checked (NEEDS_ARTICLES).
        ids: The article ids (str) in the order of the documents returned.

    Returns:
        One list of lemmas per id (empty for an article without words or not in ``articles``).
    """
    position = {article_id: k for k, article_id in enumerate(ids)}
    documents = [[] for _ in ids]
    owners, word_lists, languages = [], [], []
    for article_id, text, language in zip(articles["article_id"].astype(str), articles["text"], articles["language"]):
        if article_id in position:
            owners.append(position[article_id])
            word_lists.append(split_words(text, language)[0])
            languages.append(language)
    for owner, lemmas in zip(owners, word_lemmas(word_lists, languages)):
        documents[owner] = lemmas
    return documents


def word_lemmas(word_lists: Sequence[list[str]], languages: Sequence) -> list[list[str]]:
    """The lemmas of the non-stopword words of each list (words as :func:`toolkit.text.split_words` gives them).

    The work of :func:`lemma_documents` once the words are split, so a caller that needs the
    words for something else too (the story anchors) splits each text once.

    Args:
        word_lists: One list of words per article, in text order.
        languages: The language of each list.

    Returns:
        One list of lemmas per word list, in text order.
    """
    lengths = np.fromiter(map(len, word_lists), dtype=np.int64, count=len(word_lists))
    documents = [[] for _ in word_lists]
    if not lengths.sum():
        return documents
    owners = np.repeat(np.arange(len(word_lists)), lengths)
    words = [word for found in word_lists for word in found]
    # Normalise each distinct word once: many tokens, a small vocabulary.
    codes, distinct = pd.factorize(pd.Series(words, dtype="object"))
    terms = pd.Series(normalise_terms(pd.Series(distinct, dtype="object")).to_numpy(dtype=object)[codes],
                      dtype="object")
    codes_by_token = np.repeat(language_codes(list(languages)), lengths)
    content = ~stopword_mask(terms, codes_by_token)
    lemmas = lemmatize_terms(terms[content].reset_index(drop=True), codes_by_token[content])
    kept = owners[content]
    bounds = np.searchsorted(kept, np.arange(len(word_lists) + 1))
    lemmas = lemmas.tolist()
    for k in range(len(word_lists)):
        documents[k] = lemmas[bounds[k]:bounds[k + 1]]
    return documents


def token_documents(tokens: pd.DataFrame, ids: Sequence[str], *, languages: dict | None = None) -> list[list[str]]:
    """The lemmas of each article's content tokens from ``annotate``'s ``tokens`` table, in token order.

    Lemmas are lower-cased and normalised like terms (the token text where the lemma is
    missing); punctuation and symbols (``upos`` in NOT_WORDS) and stop words (by the
    article's language in ``languages``, looked up on the token as written) are left out.

    Args:
        tokens: The ``tokens`` table (NEEDS_TOKENS; ``upos`` used when present).
        ids: The article ids (str) in the order of the documents returned.
        languages: ``article_id`` → language code, for the stop words; none removed without it.

    Returns:
        One list of lemmas per id (empty for an article without tokens).
    """
    tokens = tokens[tokens["article_id"].astype(str).isin(set(ids))]
    if "token_id" in tokens.columns:
        tokens = tokens.sort_values(["article_id", "sentence_id", "token_id"] if "sentence_id" in tokens.columns
                                    else ["article_id", "token_id"], kind="mergesort")
    keep = np.ones(len(tokens), dtype=bool)
    if "upos" in tokens.columns:
        keep &= ~tokens["upos"].isin(NOT_WORDS).to_numpy()
    article_ids = tokens["article_id"].astype(str).to_numpy(dtype=object)
    if languages:
        codes = language_codes(pd.Series(article_ids, dtype="object").map(languages))
        keep &= ~stopword_mask(normalise_terms(tokens["text"].astype("object").fillna("")).reset_index(drop=True),
                               codes)
    lemma = tokens["lemma"].astype("object").where(tokens["lemma"].notna(), tokens["text"]).fillna("")
    terms = normalise_terms(lemma).to_numpy(dtype=object)
    position = {article_id: k for k, article_id in enumerate(ids)}
    documents = [[] for _ in ids]
    for article_id, term in zip(article_ids[keep], terms[keep]):
        if term:
            documents[position[article_id]].append(term)
    return documents


def _identity(document: list[str]) -> list[str]:
    return document


def tfidf_vectors(documents: Sequence[Sequence[str]]):
    """TF-IDF vectors of lemma documents (``sublinear_tf``, smooth idf, L2 norm), one sparse row per document.

    The cosine of two articles is the dot product of their rows, so a caller can score
    chosen pairs without the n² matrix of :func:`tfidf_cosine`.

    Args:
        documents: One list of lemmas per article.

    Returns:
        A scipy CSR matrix with one row per document (all-zero for an empty one).
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not any(documents):
        return sparse.csr_matrix((len(documents), 1))
    return TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit_transform(documents).tocsr()


def term_counts() -> dict:
    """An empty accumulator for :func:`add_documents` and :func:`tfidf_from_counts` (a vocabulary and count triplets)."""
    return {"vocabulary": {}, "rows": [], "columns": [], "counts": [], "n": 0}


def add_documents(counts: dict, documents: Sequence[Sequence[str]]) -> None:
    """Count the terms of a batch of documents into ``counts`` (rows numbered on from the previous batches).

    Built batch by batch, the matrix never needs every document's terms in memory at once;
    :func:`tfidf_from_counts` then weighs it exactly as :func:`tfidf_vectors` weighs all
    the documents at once.
    """
    lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
    if lengths.sum():
        codes, distinct = pd.factorize(pd.Series([t for document in documents for t in document], dtype="object"))
        vocabulary = counts["vocabulary"]
        columns = np.fromiter((vocabulary.setdefault(term, len(vocabulary)) for term in distinct),
                              dtype=np.int64, count=len(distinct))[codes]
        rows = np.repeat(np.arange(len(documents), dtype=np.int64) + counts["n"], lengths)
        # One (row, column) per distinct term of a document, with its count.
        keys, n_terms = np.unique(rows * (len(vocabulary) + 1) + columns, return_counts=True)
        counts["rows"].append((keys // (len(vocabulary) + 1)).astype(np.int32))
        counts["columns"].append((keys % (len(vocabulary) + 1)).astype(np.int32))
        counts["counts"].append(n_terms.astype(np.int32))
    counts["n"] += len(documents)


def tfidf_from_counts(counts: dict, *, sublinear_tf: bool = True, binary: bool = False):
    """The TF-IDF matrix of the documents counted by :func:`add_documents`: scikit-learn's weighting.

    ``TfidfVectorizer``'s formula (smooth idf ``ln((1 + n) / (1 + df)) + 1``, term frequency
    ``1 + ln(tf)`` with ``sublinear_tf``, 1 with ``binary``, rows L2-normalised), so the
    cosines are those of :func:`tfidf_vectors` over the same documents (columns in order of
    first appearance rather than alphabetical: dot products are unchanged).

    Returns:
        A scipy CSR matrix (float64) with one row per document counted (all-zero for an
        empty one); ``(n, 1)`` of zeros when no document has a term.
    """
    from scipy import sparse

    n, n_terms = counts["n"], len(counts["vocabulary"])
    if not n_terms:
        return sparse.csr_matrix((n, 1))
    rows = np.concatenate(counts["rows"])
    columns = np.concatenate(counts["columns"])
    values = np.concatenate(counts["counts"]).astype(np.float64)
    if binary:
        values[:] = 1.0
    elif sublinear_tf:
        values = 1.0 + np.log(values)
    document_frequency = np.bincount(columns, minlength=n_terms)
    idf = np.log((1.0 + n) / (1.0 + document_frequency)) + 1.0
    values *= idf[columns]
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n))
    values /= norms[rows]
    matrix = sparse.csr_matrix((values, (rows, columns)), shape=(n, n_terms))
    matrix.sort_indices()
    return matrix


def tfidf_cosine(documents: Sequence[Sequence[str]]) -> np.ndarray:
    """Cosine similarity of the TF-IDF vectors of lemma documents (``sublinear_tf``, smooth idf, L2 norm).

    Args:
        documents: One list of lemmas per article.

    Returns:
        A symmetric ``(n, n)`` float array in [0, 1] with 1.0 on the diagonal (also for an
        empty document, which scores 0 against the others).
    """
    vectors = tfidf_vectors(documents)
    similarity = (vectors @ vectors.T).toarray()
    # Float round-off makes the product very slightly asymmetric and can overshoot 1.
    similarity = np.clip((similarity + similarity.T) / 2, 0.0, 1.0)
    np.fill_diagonal(similarity, 1.0)
    return similarity


#: Above this many articles :func:`document_similarity` refuses: its output grows as n².
MAX_SIMILARITY_ARTICLES = 5_000


def document_similarity(articles: pd.DataFrame, *, method: str = "tfidf",
                        max_articles: int = MAX_SIMILARITY_ARTICLES) -> pd.DataFrame:
    """Compare every pair of articles by cosine similarity of their TF-IDF lemma vectors.

    Each article becomes the simplemma lemmas (in its own language) of its non-stopword
    tokens, weighted by scikit-learn's ``TfidfVectorizer`` (``sublinear_tf=True``, smooth
    idf, L2 norm). Vocabulary is not translated, so a French and an English report of the
    same event share little beyond names and numbers and score low; compare within a
    language, or use the cross-lingual tools in ``toolkit.compare``.

    This step is quadratic: the matrix has n² cells (100,000 articles would need 80 GB).
    For large corpora use the scalable paths instead: ``toolkit.compare.find_near_duplicates``
    (MinHash LSH: only the candidate pairs are compared) and ``toolkit.compare.cluster_stories``
    with ``period="week"`` (stories clustered within each week).

    Args:
        articles: One row per article; needs NEEDS_ARTICLES of :mod:`toolkit.stats.words`.
        method: Only ``"tfidf"`` for now.
        max_articles: Refuse larger inputs (see above); raise it knowingly.

    Returns:
        A square DataFrame indexed and columned by ``article_id`` (sorted), with float
        similarities in [0, 1]; symmetric, with 1.0 on the diagonal (also for an article
        without words, which scores 0 against the others).

    Raises:
        ValueError: ``articles`` lacks a column, ``method`` is unknown, or there are more
            than ``max_articles`` articles.

    Example:
        >>> document_similarity(articles).round(2)
    """
    check_articles(articles)
    refuse_quadratic(len(articles), max_articles, "document_similarity")
    require_choice(method, ("tfidf",), name="method")
    ids = sorted(articles["article_id"].astype(str))
    index = pd.Index(ids, name="article_id", dtype="object")
    if not ids:
        return pd.DataFrame(index=index, columns=pd.Index([], name="article_id", dtype="object"), dtype=float)
    similarity = tfidf_cosine(lemma_documents(articles, ids))
    return pd.DataFrame(similarity, index=index, columns=index.copy())
