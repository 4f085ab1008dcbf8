"""Who copied whom: near-duplicate articles (shingles, MinHash LSH) and the passages two articles share.

:func:`find_near_duplicates` finds pairs of articles that share most of their word 5-grams
(MinHash LSH proposes candidates; the exact Jaccard and containment of each candidate
decide), so it scales to 100,000 articles. :func:`find_reused_passages` then lists the
shared passages of one pair with their offsets in both texts, as passim reports them, and
which version is the likely original when the publication dates allow.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict

import numpy as np
import pandas as pd

from toolkit._checks import renamed, require_choice
from toolkit.compare.anchors import word_spans
from toolkit.compare.common import article_row, cell_text, check_articles
from toolkit.text import fold

#: Columns of :func:`find_near_duplicates`.
NEAR_DUPLICATE_COLUMNS = [
    "article_id_a", "article_id_b", "jaccard", "containment", "n_shingles_a", "n_shingles_b", "n_shared",
]
#: Columns of :func:`find_reused_passages`.
PASSAGE_COLUMNS = [
    "passage_id", "article_id_a", "start_char_a", "end_char_a", "article_id_b", "start_char_b", "end_char_b",
    "n_words_a", "n_words_b", "n_matched", "text_a", "text_b", "original_id", "original_evidence",
]
#: Near-duplicate methods: MinHash LSH candidates, or all pairs by sparse matrix product.
METHODS = ("lsh", "exact")
#: What ``threshold`` bounds in :func:`find_near_duplicates`.
MEASURES = ("jaccard", "containment")

# Shingles hash runs of letters and digits of the NFC text, not toolkit.text's tokens: NFC
# first, so combining marks are composed (the NFD split the tokenizer guards against does not
# happen), and hyphens and apostrophes separate words, as the benchmarked shingles always have.
# The words are exactly ``re.findall(r"\w+", text)``, found without a Python loop over words or
# texts: a table of the code points ``\w`` matches marks the word bytes of the UTF-8 text
# (numpy), and pyarrow numbers the distinct words; only distinct words that are not ASCII are folded in Python.
# Texts come straight from the Arrow buffers of a pyarrow-backed column (load_corpus's), and only
# the few texts that hold a character NFC could change are normalised (and re-encoded) in Python.
_WORD_RUN = re.compile(r"\w+")
_MULTIPLIER = np.uint64(0x100000001B3)  # FNV prime: combines word hashes into a shingle hash
_OFFSET = np.uint64(0xCBF29CE484222325)  # FNV offset: seeds the one shingle of a short text
_MIX = np.uint64(0x9E3779B97F4A7C15)  # spreads article numbers over 64 bits (see _distinct)
#: UTF-8 bytes per batch of articles: bounds the memory of shingling (about 30 bytes per byte).
CHUNK_BYTES = 1 << 21


@functools.cache
def _word_chars() -> np.ndarray:
    """True for every code point that ``re``'s ``\\w`` matches, so runs of them are exactly ``\\w+``."""
    table = np.zeros(0x110000, dtype=bool)
    for match in _WORD_RUN.finditer("".join(map(chr, range(0x110000)))):
        table[match.start():match.end()] = True
    return table


@functools.cache
def _nfc_unstable() -> np.ndarray:
    """True for every code point NFC may change or combine with its neighbour (a superset of the
    characters whose NFC quick check is not "Yes"), so a text without any of them is already NFC.

    They are: characters NFC changes on their own (singletons, composition exclusions),
    combining marks (they reorder and compose), the second character of every canonical
    two-character decomposition (it composes with the one before), and the Hangul medial vowel
    and final consonant jamo (composed by rule, not by the decomposition table).
    """
    table = np.zeros(0x110000, dtype=bool)
    table[0x1161:0x1176] = table[0x11A8:0x11C3] = True
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        if unicodedata.combining(char) or unicodedata.normalize("NFC", char) != char:
            table[code] = True
        decomposition = unicodedata.decomposition(char)
        if decomposition and not decomposition.startswith("<"):
            parts = decomposition.split()
            if len(parts) == 2:
                table[int(parts[1], 16)] = True
    return table


@functools.cache
def _ascii_word_bytes() -> np.ndarray:
    """Byte → bool: the ASCII bytes ``\\w`` matches, and every byte of a multi-byte character."""
    table = np.ones(256, dtype=bool)
    table[:128] = _word_chars()[:128]
    return table


def _code_points(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(position of each multi-byte character's first byte, its width in bytes, its code point) in UTF-8 ``data``."""
    lead = np.flatnonzero(data >= 0xC0)
    first = data[lead].astype(np.uint32)
    width = np.where(first >= 0xF0, 4, np.where(first >= 0xE0, 3, 2))
    point = first & np.where(width == 2, 0x1F, np.where(width == 3, 0x0F, 0x07)).astype(np.uint32)
    for j in (1, 2, 3):
        follow = data[np.minimum(lead + j, len(data) - 1)].astype(np.uint32) & 0x3F
        point = np.where(width > j, (point << 6) | follow, point)
    return lead, width, point


def _word_bytes(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(True for every byte of a ``\\w`` character of UTF-8 ``data``; positions of characters NFC may change)."""
    is_word = _ascii_word_bytes()[data]
    unstable = np.empty(0, dtype=np.int64)
    if len(data) and data.max() >= 0xC0:
        lead, width, point = _code_points(data)
        not_word = ~_word_chars()[point]
        unstable = lead[_nfc_unstable()[point]]
        lead, width = lead[not_word], width[not_word]
        for j in range(4):
            is_word[lead[width > j] + j] = False
    return is_word, unstable


def _spaced_bytes(data: np.ndarray) -> np.ndarray:
    """The UTF-8 bytes with every character that is not ``\\w`` (all its bytes) replaced by a space."""
    return np.where(_word_bytes(data)[0], data, np.uint8(32))


def _column_bytes(texts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 bytes of every text, one after the other; offsets, one more than texts); missing texts are empty.

    A pyarrow-backed column is read from its Arrow buffers without a copy of the text;
    any other is encoded in Python (lone surrogates kept, as ``surrogatepass`` writes them).
    """
    if hasattr(texts.array, "__arrow_array__"):
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            arrow = texts.array.__arrow_array__()
        except (TypeError, ValueError, pa.ArrowException):  # lone surrogates, mixed types
            arrow = None
        if arrow is not None and (pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type)):
            arrow = pc.fill_null(arrow, "")
            arrow = arrow.combine_chunks() if isinstance(arrow, pa.ChunkedArray) else arrow
            if arrow.null_count == 0:
                _, offset_buffer, data_buffer = arrow.buffers()
                dtype = np.int64 if pa.types.is_large_string(arrow.type) else np.int32
                offsets = np.frombuffer(offset_buffer, dtype=dtype)[arrow.offset:arrow.offset + len(arrow) + 1]
                data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.empty(0, np.uint8)
                offsets = offsets.astype(np.int64)
                return data[offsets[0]:offsets[-1]], offsets - offsets[0]
    encoded = [cell_text(text).encode("utf-8", "surrogatepass") for text in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(text) for text in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def _batches(offsets: np.ndarray):
    """(first text, end text) of consecutive batches of about CHUNK_BYTES bytes, whole texts only."""
    cuts = np.searchsorted(offsets, np.arange(CHUNK_BYTES, offsets[-1] + CHUNK_BYTES, CHUNK_BYTES), side="left")
    cuts = np.unique(np.r_[0, np.minimum(cuts, len(offsets) - 1), len(offsets) - 1])
    return list(zip(cuts[:-1].tolist(), cuts[1:].tolist()))


def _normalised(data: np.ndarray, offsets: np.ndarray, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``data`` and ``offsets`` with texts ``texts`` (indices) replaced by their NFC form."""
    pieces, lengths, at = [], np.diff(offsets), 0
    for t in texts.tolist():
        pieces.append(data[at:offsets[t]].tobytes())
        text = data[offsets[t]:offsets[t + 1]].tobytes().decode("utf-8", "surrogatepass")
        pieces.append(unicodedata.normalize("NFC", text).encode("utf-8", "surrogatepass"))
        lengths[t] = len(pieces[-1])
        at = offsets[t + 1]
    pieces.append(data[at:].tobytes())
    return np.frombuffer(b"".join(pieces), dtype=np.uint8), np.r_[0, np.cumsum(lengths)]


class _Vocabulary(dict):
    """Distinct word → hash of its folded form, for the words met so far (each word is folded once)."""

    def hash(self, words) -> np.ndarray:
        """``pd.util.hash_array`` of the folded form of each of ``words`` (distinct; an Arrow array).

        An ASCII word's fold is its lower case; only the others go through :func:`toolkit.text.fold`.
        """
        words = words.to_pylist()
        new = [w for w in words if w not in self]
        if new:
            folded = np.array([w.lower() if w.isascii() else fold(w) for w in new], dtype=object)
            self.update(zip(new, pd.util.hash_array(folded).tolist()))
        return np.array([self[w] for w in words], dtype=np.uint64)


def _word_hashes(data: np.ndarray, offsets: np.ndarray, vocabulary: _Vocabulary) -> tuple[np.ndarray, np.ndarray]:
    """(hash of every word of the texts ``data[offsets[i]:offsets[i + 1]]``, in order; number of words per text).

    A word's hash is ``pd.util.hash_array`` of its folded form (see :class:`_Vocabulary`).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    is_word, unstable = _word_bytes(data)
    if len(unstable):
        data, offsets = _normalised(data, offsets, np.unique(np.searchsorted(offsets, unstable, side="right") - 1))
        is_word, _ = _word_bytes(data)
    # Words start and end where word bytes begin and stop, and at every text's bounds (between
    # two texts both a start and an end when a word ends one and another begins the next).
    bounds = np.empty(len(data) + 1, dtype=bool)
    bounds[0] = bounds[-1] = True
    np.not_equal(is_word[1:], is_word[:-1], out=bounds[1:-1])
    bounds[offsets] = True
    edges = np.flatnonzero(bounds)
    starts = edges[:-1][is_word[edges[:-1]]]
    ends = edges[1:][is_word[edges[1:] - 1]]
    word_offsets = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(ends - starts, out=word_offsets[1:])
    words = pa.LargeStringArray.from_buffers(len(starts), pa.py_buffer(word_offsets), pa.py_buffer(data[is_word]))
    words = pc.dictionary_encode(words)
    hashes = vocabulary.hash(words.dictionary)
    per_text = np.diff(np.searchsorted(starts, offsets))
    return hashes[words.indices.to_numpy()], per_text.astype(np.int64)


def shingle_table(articles: pd.DataFrame, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct word k-gram hashes of every article: (article index, uint64 hash), plus set sizes.

    Words are runs of letters and digits (``\\w+`` after NFC normalisation), folded (case,
    accents and œ → oe ignored), so "œuvre"/"oeuvre" or "Trần"/"Trân" do not break a
    shingle. A text shorter than ``k`` words is one shingle of all its words. The rows are
    grouped by article in article order, each distinct shingle of an article once, in order
    of first appearance. Vectorised (numpy and pyarrow), in batches of CHUNK_BYTES; each
    distinct word is folded once.
    """
    data, offsets = _column_bytes(articles["text"])
    vocabulary = _Vocabulary()
    docs, shingles = [], []
    for first, end in _batches(offsets):
        word_hash, lengths = _word_hashes(data[offsets[first]:offsets[end]], offsets[first:end + 1] - offsets[first],
                                          vocabulary)
        doc, shingle = _kgrams(word_hash, lengths, k)
        docs.append(doc + first)
        shingles.append(shingle)
    if not docs or not sum(len(d) for d in docs):
        return np.empty(0, np.int64), np.empty(0, np.uint64), np.zeros(len(articles), np.int64)
    doc, shingle = np.concatenate(docs), np.concatenate(shingles)
    sizes = np.bincount(doc, minlength=len(articles)).astype(np.int64)
    return doc, shingle, sizes


def _kgrams(word_hash: np.ndarray, lengths: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct k-gram hashes per text (text order), from word hashes in text order and words per text."""
    n_grams = max(len(word_hash) - k + 1, 0)
    ends = np.cumsum(lengths)
    # A k-gram starts at word i when its last word is in the same text.
    doc_of_word = np.repeat(np.arange(len(lengths)), lengths)
    first = np.flatnonzero(doc_of_word[:n_grams] == doc_of_word[k - 1:k - 1 + n_grams])
    with np.errstate(over="ignore"):  # hashes wrap modulo 2**64 on purpose
        shingle = word_hash[:n_grams].copy()
        for j in range(1, k):
            shingle *= _MULTIPLIER
            shingle += word_hash[j:j + n_grams]
    shingle, doc = shingle[first], doc_of_word[first]
    short = np.flatnonzero((lengths > 0) & (lengths < k))
    if len(short):
        start, size = ends[short] - lengths[short], lengths[short]
        extra = np.full(len(short), _OFFSET, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(k - 1):
                more = size > j
                extra[more] = extra[more] * _MULTIPLIER + word_hash[start[more] + j]
        order = np.argsort(np.concatenate([doc, short]), kind="stable")
        doc, shingle = np.concatenate([doc, short])[order], np.concatenate([shingle, extra])[order]
    return _distinct(doc.astype(np.int64), shingle)


#: Shingles per hash table in _distinct: small tables stay in the CPU cache (ten times faster).
_BLOCK = 1 << 15


def _distinct(doc: np.ndarray, shingle: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first occurrence of every (doc, shingle) pair, in order (``doc`` ascending).

    One small hash table per block of whole documents, keyed by ``shingle ^ doc * _MIX``: every
    repeated pair repeats its key. A key can also repeat across two documents of a block (odds
    about 2**-37 per block), so the pairs whose key repeats anywhere (a fraction of a percent:
    a sentence said twice in one article) are sorted out exactly.
    """
    with np.errstate(over="ignore"):
        key = shingle ^ (doc.astype(np.uint64) * _MIX)
    repeated = np.zeros(len(key), dtype=bool)
    doc_starts = np.flatnonzero(np.r_[True, doc[1:] != doc[:-1]]) if len(doc) else doc
    at = np.searchsorted(doc_starts, np.arange(0, len(key), _BLOCK))
    cuts = np.unique(np.r_[doc_starts[at[at < len(doc_starts)]], len(key)])
    for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
        repeated[a:b] = pd.Series(key[a:b], copy=False).duplicated().to_numpy()
    if repeated.any():
        # A repeated pair repeats its key, so only the pairs sharing a key that repeats can be repeated.
        # A bitmap of their low bits finds them fast (its 2**20 bits stay in the CPU cache).
        low = (key & np.uint64(0xFFFFF)).astype(np.intp)
        bitmap = np.zeros(1 << 20, dtype=bool)
        bitmap[low[repeated]] = True
        suspects = np.flatnonzero(bitmap[low])
        suspects = suspects[pd.Series(key[suspects], copy=False).isin(pd.unique(key[repeated])).to_numpy()]
        pairs = pd.DataFrame({"doc": doc[suspects], "shingle": shingle[suspects]})
        repeated[suspects] = pairs.duplicated().to_numpy()
    return doc[~repeated], shingle[~repeated]


def _shingle_matrix(doc: np.ndarray, shingle: np.ndarray, n_docs: int):
    """Binary sparse matrix (articles × distinct shingles), CSR."""
    from scipy import sparse

    columns, _ = pd.factorize(shingle)
    return sparse.csr_matrix((np.ones(len(doc), dtype=np.int32), (doc, columns)),
                             shape=(n_docs, int(columns.max()) + 1 if len(columns) else 0))


def minhash_signatures(doc: np.ndarray, shingle: np.ndarray, n_docs: int, num_perm: int, seed: int):
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
                         method: str = "lsh", ngram: int = 5, num_perm: int = 128, seed: int = 1,
                         shingle_size: int | None = None) -> pd.DataFrame:
    """Find pairs of articles that share most of their wording (reprints, lightly edited copies).

    Each article becomes the set of its word ``ngram``-grams (folded: case and accents
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
        articles: One row per article; needs the NEEDS_ARTICLES columns.
        threshold: Keep pairs whose ``measure`` is at least this (0–1).
        measure: ``"jaccard"`` (shared shingles over all shingles of the two) or
            ``"containment"`` (shared shingles over the shorter article's shingles: finds a
            short dispatch inside a longer article).
        method: ``"lsh"`` or ``"exact"``.
        ngram: Words per shingle.
        num_perm: MinHash permutations (LSH only); more is slower and more accurate.
        seed: Seed of the permutations, so runs are repeatable.
        shingle_size: Old name of ``ngram`` (FutureWarning).

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
    if shingle_size is not None:
        ngram = renamed("shingle_size", "ngram", shingle_size, function="find_near_duplicates")
    check_articles(articles)
    require_choice(method, METHODS, name="method")
    require_choice(measure, MEASURES, name="measure")
    if not 0 < threshold <= 1:
        raise ValueError(f"`threshold` must be in (0, 1], got {threshold!r}")
    if ngram < 1:
        raise ValueError(f"`ngram` must be at least 1, got {ngram!r}")
    ids = articles["article_id"].astype(str).to_numpy(dtype=object)
    doc, shingle, sizes = shingle_table(articles, ngram)
    i, j, n_shared = _shared_shingles(doc, shingle, sizes, threshold=threshold, measure=measure, method=method,
                                      num_perm=num_perm, seed=seed)
    # Filter in numpy first: the exact product can give millions of weakly similar pairs.
    na, nb = sizes[i], sizes[j]
    score = (n_shared / np.maximum(na + nb - n_shared, 1) if measure == "jaccard"
             else n_shared / np.maximum(np.minimum(na, nb), 1))
    keep = score >= threshold - 1e-12
    pairs = _pairs_table(ids, i[keep], j[keep], n_shared[keep], sizes)
    return pairs.sort_values(["jaccard", "article_id_a", "article_id_b"], ascending=[False, True, True],
                             ignore_index=True)


def _shared_shingles(doc, shingle, sizes, *, threshold, measure, method, num_perm, seed):
    """Candidate index pairs (i < j) and their exact numbers of shared shingles.

    ``exact``: every pair sharing a shingle, by sparse matrix product. ``lsh``: the MinHash
    LSH candidates, each checked exactly (row-wise products of the two sparse rows).
    """
    if method == "exact":
        from scipy import sparse

        matrix = _shingle_matrix(doc, shingle, len(sizes))
        shared = sparse.triu(matrix @ matrix.T, k=1).tocoo()
        return shared.row, shared.col, shared.data.astype(np.int64)
    i, j = _lsh_candidates(doc, shingle, sizes, threshold=threshold, measure=measure, num_perm=num_perm, seed=seed)
    if not len(i):
        return i, j, np.empty(0, np.int64)
    # Only the candidates' shingles are numbered (the other articles' rows stay empty).
    involved = np.zeros(len(sizes), dtype=bool)
    involved[i] = involved[j] = True
    rows = involved[doc]
    matrix = _shingle_matrix(doc[rows], shingle[rows], len(sizes))
    return i, j, np.asarray(matrix[i].multiply(matrix[j]).sum(axis=1)).ravel().astype(np.int64)


#: Least probability that a pair exactly at the Jaccard threshold becomes a candidate.
LSH_RECALL = 0.97


def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands ``b`` and rows ``r`` for MinHashLSH: the longest bands that still catch a pair at ``threshold``
    with probability LSH_RECALL (``1 - (1 - t**r)**b``). datasketch's own optimiser balances
    false positives against false negatives over the whole range and can leave a pair at the
    threshold with a coin-flip chance; here false positives cost only an exact check."""
    for r in range(num_perm // 2, 0, -1):
        b = num_perm // r
        if b >= 2 and 1 - (1 - threshold ** r) ** b >= LSH_RECALL:
            return b, r
    return num_perm, 1


def band_candidates(signatures: np.ndarray, present: np.ndarray, bands: int, rows: int) -> np.ndarray:
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
    signatures, permutations = minhash_signatures(doc, shingle, n_docs, num_perm, seed)
    present = np.flatnonzero(sizes > 0)
    if measure == "jaccard":
        codes = band_candidates(signatures, present, *lsh_params(threshold, num_perm))
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
    word, an inserted phrase) join one passage. The likely original is the version published
    first, when both dates are known and differ; otherwise it stays missing, and
    ``original_evidence`` says why.

    Args:
        articles: One row per article; needs the NEEDS_ARTICLES columns (``published`` is used when present).
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
        spans), ``original_id`` (str, the likely original of the two, or NA) and
        ``original_evidence`` (str).

    Raises:
        ValueError: a column is missing or an id is not in ``articles``.

    Example:
        >>> find_reused_passages(articles, "000_97c0297dd02cef28", "003_3f9ce869d2ecad74")
    """
    check_articles(articles)
    row_a, row_b = article_row(articles, a), article_row(articles, b)
    text_a, text_b = cell_text(row_a["text"]), cell_text(row_b["text"])
    words_a, words_b = word_spans(text_a, row_a["language"]), word_spans(text_b, row_b["language"])
    keys_a, keys_b = [w for w, _, _ in words_a], [w for w, _, _ in words_b]
    runs = _choose_runs(_matching_runs(keys_a, keys_b, ngram), len(keys_a), len(keys_b))
    passages = [p for p in _join_runs(runs, max_gap) if p["matched"] >= min_words]
    original, evidence = likely_original(row_a, row_b)
    rows = []
    for p in passages:
        sa, ea = words_a[p["start_a"]][1], words_a[p["end_a"] - 1][2]
        sb, eb = words_b[p["start_b"]][1], words_b[p["end_b"] - 1][2]
        rows.append((str(a), sa, ea, str(b), sb, eb, p["end_a"] - p["start_a"], p["end_b"] - p["start_b"],
                     p["matched"], text_a[sa:ea], text_b[sb:eb], original, evidence))
    table = pd.DataFrame(rows, columns=PASSAGE_COLUMNS[1:])
    table.insert(0, "passage_id", np.arange(len(table), dtype=np.int64))
    for column in ("start_char_a", "end_char_a", "start_char_b", "end_char_b", "n_words_a", "n_words_b", "n_matched"):
        table[column] = table[column].astype("int64")
    for column in ("article_id_a", "article_id_b", "text_a", "text_b", "original_id", "original_evidence"):
        table[column] = table[column].astype("string")
    return table.sort_values("start_char_a", ignore_index=True)


def _matching_runs(keys_a: list[str], keys_b: list[str], ngram: int) -> list[tuple[int, int, int]]:
    """Maximal runs (length, i, j) along each diagonal (i - j constant) of matching n-grams."""
    positions = defaultdict(list)
    for j in range(len(keys_b) - ngram + 1):
        positions[tuple(keys_b[j:j + ngram])].append(j)
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
    return runs


def _choose_runs(runs: list[tuple[int, int, int]], n_a: int, n_b: int) -> list[tuple[int, int, int]]:
    """Runs (i, j, length) that use each word once, longest first."""
    used_a, used_b, chosen = np.zeros(n_a, bool), np.zeros(n_b, bool), []
    for length, i, j in sorted(runs, key=lambda r: (-r[0], r[1], r[2])):
        if used_a[i:i + length].any() or used_b[j:j + length].any():
            continue
        used_a[i:i + length] = used_b[j:j + length] = True
        chosen.append((i, j, length))
    return chosen


def _join_runs(chosen: list[tuple[int, int, int]], max_gap: int) -> list[dict]:
    """Passages: runs that follow each other in both texts with at most ``max_gap`` words between them."""
    passages = []
    for i, j, length in sorted(chosen):
        last = passages[-1] if passages else None
        if last and 0 <= i - last["end_a"] <= max_gap and 0 <= j - last["end_b"] <= max_gap:
            last.update(end_a=i + length, end_b=j + length, matched=last["matched"] + length)
        else:
            passages.append(dict(start_a=i, end_a=i + length, start_b=j, end_b=j + length, matched=length))
    return passages


def likely_original(row_a: pd.Series, row_b: pd.Series) -> tuple[str | None, str]:
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

