"""Which articles tell the same story, in any language: article similarity, story clusters, attention.

:func:`cluster_stories` groups articles by average-linkage clustering of a combined
similarity (:func:`article_similarity`): TF-IDF over lemmas within a language
(:mod:`toolkit.similarity`), multilingual sentence embeddings across languages, plus the
names, numbers and dates two articles share. :func:`story_attention` counts how much each
outlet gave each story (Media Cloud's "attention").
"""

from __future__ import annotations

import hashlib
import math
import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit._checks import refuse_quadratic, require_choice
from toolkit.compare.anchors import entity_keys, stopwords
from toolkit.text import MONTHS, NUMBER, WEEKDAYS, fold, number_value, split_words
from toolkit.compare.common import cell_text, check_articles, empty_table
from toolkit.compare.sentences import embed_texts, sentence_table
from toolkit import paths
from toolkit.schema import require_columns, require_known_ids
from toolkit.similarity import token_documents
from toolkit.similarity import MAX_SIMILARITY_ARTICLES

#: Columns of :func:`cluster_stories`.
STORY_COLUMNS = ["article_id", "story_id", "n_articles", "n_languages", "n_outlets", "cohesion", "story_title"]
#: Columns of :func:`story_attention`.
ATTENTION_COLUMNS = [
    "story_id", "story_title", "outlet", "n_articles", "n_words", "share_of_outlet_words",
    "first_published", "last_published",
]
#: Weights of the combined similarity: (lexical, embedding, anchors) within a language,
#: (embedding, anchors) across languages.
SAME_LANGUAGE_WEIGHTS = (0.7, 0.15, 0.15)
CROSS_LANGUAGE_WEIGHTS = (0.6, 0.4)
# Averaged sentence embeddings of any two news articles on related topics sit around
# 0.5–0.7 cosine; rescaling from this floor spreads the useful range over 0–1.
_EMBEDDING_FLOOR = 0.5
#: Publication dates as evidence: two dated articles up to DATE_WINDOW_DAYS apart keep their
#: similarity; beyond, it halves every DATE_HALF_LIFE_DAYS (10 days apart: x 0.25; a month:
#: x 0.002). An undated article keeps its text similarity. Chosen once on the dev stories
#: (BASIL: every event's reports span at most 4 days); see benchmarks/accuracy.md.
DATE_WINDOW_DAYS = 3.0
DATE_HALF_LIFE_DAYS = 5.0
#: Words of each article's lead that are embedded (words: space-separated pieces): the lead
#: carries the event, the rest of an article its background, which related stories share.
#: Counted in words, each sentence weighing its words, so where a sentence splitter cuts does
#: not change what is embedded (a French "M." read as a full stop cut one newstest report's 17
#: sentences into 28, 11 of them "M.", and once moved its stories). Chosen once on the dev
#: stories: 20 sentences (the lead embedded before) of 22 words, the median sentence length of
#: both BASIL and newstest (fr and en); see benchmarks/accuracy.md.
LEAD_WORDS = 440
#: Components of :func:`article_similarity`.
COMPONENTS = ("combined", "lexical", "embedding", "anchors", "dates")
#: Periods of ``published`` that ``cluster_stories(period=...)`` groups by.
DATE_GROUPS = {"week": "W-SUN", "month": "M"}
PERIODS = DATE_GROUPS


def article_similarity(articles: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                       mentions: pd.DataFrame | None = None, tokens: pd.DataFrame | None = None,
                       component: str = "combined", lead_words: int = LEAD_WORDS,
                       max_sentences: int | None = None,
                       max_articles: int = MAX_SIMILARITY_ARTICLES) -> pd.DataFrame:
    """Compare every pair of articles, in the same language or not, on a 0–1 scale.

    Three components:

    - ``lexical``: cosine of TF-IDF vectors of lemmas (:mod:`toolkit.similarity`, as
      ``toolkit.textstats.document_similarity``): ``tokens``' lemmas when given, else
      simplemma's lemmas of toolkit.text's words; near zero across languages.
    - ``embedding``: cosine of the articles' mean sentence embeddings (USE multilingual v3)
      over their first ``lead_words`` words, each sentence weighted by its words there (a
      sentence cut in two counts once, a fragment such as "M." hardly), rescaled from 0.5
      (unrelated articles on related topics) to 1.
    - ``anchors``: cosine of IDF-weighted sets of anchors: numbers and dates ("octobre" and
      "October" are one month), plus linked entity ids when ``mentions`` are given, else
      capitalised words.

    ``combined`` weighs them 0.7 / 0.15 / 0.15 within a language and 0 / 0.6 / 0.4 across
    languages (SAME_LANGUAGE_WEIGHTS, CROSS_LANGUAGE_WEIGHTS): within a language, shared
    vocabulary is the strongest evidence; across languages, meaning and shared names,
    numbers and dates are all there is. Then publication dates (``published``, when both
    articles have one): ``dates`` is :func:`date_factor`, 1 up to DATE_WINDOW_DAYS apart,
    halved every DATE_HALF_LIFE_DAYS beyond, and ``combined`` is multiplied by it, so
    reports of two disputes between the same actors weeks apart stay apart. Undated
    articles are compared on their text alone. :func:`score_pairs` gives the same scores
    for a chosen list of pairs.

    Args:
        articles: One row per article; needs the NEEDS_ARTICLES columns (``outlet`` is not needed).
        sentences: The ``sentences`` table from ``toolkit.annotate``; default
            :func:`split_sentences`.
        mentions: Linked mentions (``article_id``, ``text``, optional ``entity_id``), or None.
        tokens: The ``tokens`` table from ``toolkit.annotate`` (``article_id``, ``text``,
            ``lemma``; ``upos`` used when present): its lemmas make the lexical component.
            Default None: simplemma lemmas of :func:`toolkit.text.split_words` words (the
            notebooks' path).
        component: ``"combined"``, ``"lexical"``, ``"embedding"``, ``"anchors"`` or ``"dates"``.
        lead_words: Words of each article's lead that are embedded (the lead carries the
            event; LEAD_WORDS, 440).
        max_sentences: At most this many sentences of the lead are embedded; None: no limit.
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
    require_choice(component, COMPONENTS, name="component")
    refuse_quadratic(len(articles), max_articles, "article_similarity")
    check_articles(articles)
    _check_optional(sentences=sentences, mentions=mentions, tokens=tokens)
    parts = similarity_parts(articles, sentences=sentences, mentions=mentions, tokens=tokens,
                             lead_words=lead_words, max_sentences=max_sentences)
    values = parts[component]
    index = pd.Index(parts["ids"], name="article_id", dtype="object")
    return pd.DataFrame(values, index=index, columns=index.copy())


def _check_optional(*, sentences, mentions, tokens) -> None:
    """Check the optional tables once, on entry to a public function."""
    if sentences is not None:
        require_columns(sentences, ["article_id", "sentence_id", "text"], name="sentences")
    if mentions is not None:
        require_columns(mentions, ["article_id", "text"], name="mentions")
    if tokens is not None:
        require_columns(tokens, ["article_id", "text", "lemma"], name="tokens")


def article_features(articles, *, sentences, mentions, tokens=None, lead_words=LEAD_WORDS, max_sentences=None,
                     embed: bool = True, cache_dir=None) -> dict:
    """What each article is compared on, computed once (tables already checked), rows in sorted id order.

    ``lexical`` (sparse, L2-normalised TF-IDF of lemmas), ``embedding`` (dense,
    L2-normalised mean embedding of the lead, :func:`_embedding_vectors`), ``anchors``
    (sparse, L2-normalised IDF anchor sets), ``language`` (array of codes, "" when unknown)
    and ``days`` (float days since the epoch of ``published``, NaN when undated or absent).
    :func:`score_pairs` and :func:`similarity_parts` both start here: scoring candidate
    pairs costs what the pairs cost, not n². With ``embed=False`` the embeddings are left
    out (``embedding`` is None): the candidates path computes them only for the articles
    where they decide something.
    """
    articles = articles.assign(article_id=articles["article_id"].astype(str)).sort_values("article_id", ignore_index=True)
    ids = articles["article_id"].tolist()
    if sentences is None and embed:
        sentences = sentence_table(articles)
    languages = articles["language"].map(lambda x: x if isinstance(x, str) else "").to_numpy()
    lexical, anchors = _text_vectors(articles, ids, mentions, tokens)
    return {"ids": ids, "lexical": lexical,
            "embedding": _embedding_vectors(sentences, ids, lead_words, max_sentences, cache_dir) if embed else None,
            "anchors": anchors, "language": languages, "days": _days(articles)}


def _days(articles: pd.DataFrame) -> np.ndarray:
    """Days since the epoch of each article's ``published`` (NaN when undated or no column)."""
    if "published" not in articles.columns:
        return np.full(len(articles), np.nan)
    published = pd.to_datetime(articles["published"], errors="coerce", utc=True)
    days = (published - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(days=1)
    return days.to_numpy(dtype=float, na_value=np.nan)


def date_factor(days_a, days_b) -> np.ndarray:
    """How much of the text similarity two publication dates let through (1 when either is undated).

    1 up to DATE_WINDOW_DAYS apart, then halved every DATE_HALF_LIFE_DAYS: reports of one
    event appear over a few days; articles months apart are rarely one story, however
    alike their words (the same actors in a later dispute).
    """
    gap = np.abs(np.asarray(days_a, dtype=float) - np.asarray(days_b, dtype=float))
    factor = np.power(0.5, np.clip(gap - DATE_WINDOW_DAYS, 0, None) / DATE_HALF_LIFE_DAYS)
    return np.where(np.isnan(gap), 1.0, factor)


def _rowwise(matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Dot products of rows ``i`` and ``j`` of a (sparse or dense) matrix, pair by pair."""
    if hasattr(matrix, "multiply"):
        return np.asarray(matrix[i].multiply(matrix[j]).sum(axis=1)).ravel()
    return np.einsum("ij,ij->i", matrix[i], matrix[j])


def pair_components(features: dict, i, j) -> dict:
    """Every component of :func:`article_similarity` for the pairs of rows (``i[k]``, ``j[k]``) of ``features``."""
    i, j = np.asarray(i, dtype=int), np.asarray(j, dtype=int)
    parts = {"lexical": np.clip(_rowwise(features["lexical"], i, j), 0, 1),
             "embedding": np.clip((_rowwise(features["embedding"], i, j) - _EMBEDDING_FLOOR) / (1 - _EMBEDDING_FLOOR),
                                  0, 1),
             "anchors": np.clip(_rowwise(features["anchors"], i, j), 0, 1),
             "dates": date_factor(features["days"][i], features["days"][j]),
             "same_language": features["language"][i] == features["language"][j]}
    parts["combined"] = combine(parts)
    same = i == j
    for key in ("lexical", "embedding", "anchors", "dates", "combined"):
        parts[key][same] = 1.0
    return parts


def score_pairs(articles: pd.DataFrame, pairs: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                mentions: pd.DataFrame | None = None, tokens: pd.DataFrame | None = None,
                lead_words: int = LEAD_WORDS, max_sentences: int | None = None) -> pd.DataFrame:
    """The similarity of :func:`article_similarity`, for a given list of pairs only (no n² matrix).

    For large corpora: find candidate pairs some cheaper way (shared rare words, a time
    window, near-duplicate search), then score only those with the very evidence
    :func:`cluster_stories` uses. The vocabulary and anchor weights are fitted on all of
    ``articles``, so a pair's score does not depend on which other pairs are asked.

    Args:
        articles: One row per article (NEEDS_ARTICLES; ``published`` used when present).
        pairs: ``article_id_a``, ``article_id_b`` (any other columns are kept).
        sentences, mentions, tokens, lead_words, max_sentences: As for :func:`article_similarity`.

    Returns:
        ``pairs`` with float columns ``similarity`` (the combined score), ``lexical``,
        ``embedding``, ``anchors`` and ``date_factor``, in the order given.

    Raises:
        ValueError: a column is missing, or a pair names an article ``articles`` lacks.

    Example:
        >>> score_pairs(articles, pd.DataFrame({"article_id_a": ["a1"], "article_id_b": ["a2"]}))
    """
    check_articles(articles)
    require_columns(pairs, ["article_id_a", "article_id_b"], name="pairs")
    _check_optional(sentences=sentences, mentions=mentions, tokens=tokens)
    features = article_features(articles, sentences=sentences, mentions=mentions, tokens=tokens,
                                lead_words=lead_words, max_sentences=max_sentences)
    position = {a: k for k, a in enumerate(features["ids"])}
    i = pairs["article_id_a"].astype(str).map(position)
    j = pairs["article_id_b"].astype(str).map(position)
    unknown = pairs.loc[i.isna() | j.isna(), ["article_id_a", "article_id_b"]].head(5).values.tolist()
    if unknown:
        raise ValueError(f"`pairs` names articles that `articles` lacks: {unknown}")
    parts = pair_components(features, i.to_numpy(dtype=int), j.to_numpy(dtype=int))
    return pairs.assign(similarity=parts["combined"], lexical=parts["lexical"], embedding=parts["embedding"],
                        anchors=parts["anchors"], date_factor=parts["dates"])


def similarity_parts(articles, *, sentences, mentions, tokens=None, lead_words=LEAD_WORDS, max_sentences=None,
                     cache_dir=None) -> dict:
    """All-pairs matrices of every component and the same-language mask, rows in sorted id order (tables checked)."""
    features = article_features(articles, sentences=sentences, mentions=mentions, tokens=tokens,
                                lead_words=lead_words, max_sentences=max_sentences, cache_dir=cache_dir)
    n = len(features["ids"])
    i, j = np.triu_indices(n)
    parts = pair_components(features, i, j)
    matrices = {"ids": features["ids"]}
    for key, values in parts.items():
        m = np.zeros((n, n), dtype=values.dtype)
        m[i, j] = values
        m[j, i] = values
        matrices[key] = m
    return matrices


#: Articles whose words are held at once while the lexical and anchor vectors are built.
FEATURE_CHUNK = 2_000
# Words remembered with their anchor between chunks (about 200 bytes each).
_SEEN_LIMIT = 500_000


def _text_vectors(articles: pd.DataFrame, ids: list[str], mentions: pd.DataFrame | None,
                  tokens: pd.DataFrame | None):
    """The lexical (TF-IDF of lemmas) and anchor vectors of ``articles`` (sorted by id, rows as ``ids``).

    Built FEATURE_CHUNK articles at a time, each text split into words once for both: only
    the term counts of the whole corpus are kept, never its words (100,000 articles' words
    took gigabytes), and the weights (idf over the whole corpus) are those one
    ``TfidfVectorizer`` over every article gives, whatever the chunk size.
    """
    from toolkit.similarity import add_documents, term_counts, tfidf_from_counts, word_lemmas

    entities = None
    if mentions is not None:
        keys = entity_keys(mentions)
        entities = keys.groupby(mentions["article_id"].astype(str).to_numpy()).agg(lambda k: set(k))
    token_rows = None
    if tokens is not None:
        owner = tokens["article_id"].astype(str).map({a: k for k, a in enumerate(ids)}).to_numpy(dtype=float)
        order = np.argsort(np.where(np.isnan(owner), -1, owner), kind="stable")
        token_rows = (order, np.searchsorted(np.where(np.isnan(owner), -1, owner)[order], np.arange(len(ids) + 1)))
    lexical, anchors, seen = term_counts(), term_counts(), {}
    texts, languages = articles["text"].tolist(), articles["language"].tolist()
    for start in range(0, len(ids), FEATURE_CHUNK):
        stop = min(start + FEATURE_CHUNK, len(ids))
        chunk_texts = [cell_text(t) for t in texts[start:stop]]
        chunk_languages = languages[start:stop]
        words = [split_words(t, lang if isinstance(lang, str) else None)[0]
                 for t, lang in zip(chunk_texts, chunk_languages)]
        if token_rows is None:
            add_documents(lexical, word_lemmas(words, chunk_languages))
        else:
            order, bounds = token_rows
            add_documents(lexical, token_documents(tokens.iloc[order[bounds[start]:bounds[stop]]], ids[start:stop],
                                                   languages=dict(zip(ids[start:stop], chunk_languages))))
        entity_sets = [entities.get(a, set()) if entities is not None else None for a in ids[start:stop]]
        add_documents(anchors, _chunk_anchors(chunk_texts, words, entity_sets, seen))
        if len(seen) > _SEEN_LIMIT:
            seen.clear()  # a cache only: memory stays bounded however large the corpus's vocabulary
    return tfidf_from_counts(lexical), tfidf_from_counts(anchors, sublinear_tf=False, binary=True)


def _lead(sentences: pd.DataFrame, ids: list[str], lead_words: int, max_sentences: int | None) -> pd.DataFrame:
    """Each article's lead: its first sentences up to ``lead_words`` words, each with its ``weight`` (its words there).

    The sentence that crosses the limit weighs its words within it. One row per
    sentence kept (``article_id``, ``text``, ``weight``), in article and sentence order.
    """
    if not lead_words >= 1:
        raise ValueError(f"`lead_words` must be at least 1, got {lead_words!r}")
    lead = sentences.assign(article_id=sentences["article_id"].astype(str))
    lead = lead[lead["article_id"].isin(set(ids))].sort_values(["article_id", "sentence_id"])
    if max_sentences is not None:
        lead = lead.groupby("article_id", sort=False).head(max_sentences)
    texts = lead["text"].map(cell_text)
    words = texts.map(lambda t: len(t.split())).astype("int64")
    before = words.groupby(lead["article_id"].to_numpy(), sort=False).cumsum() - words
    weight = np.minimum(words, np.clip(lead_words - before, 0, None))
    keep = (weight > 0).to_numpy()
    return pd.DataFrame({"article_id": lead["article_id"].to_numpy()[keep], "text": texts.to_numpy()[keep],
                         "weight": weight.to_numpy()[keep]})


def _embedding_vectors(sentences: pd.DataFrame, ids: list[str], lead_words: int = LEAD_WORDS,
                       max_sentences: int | None = None, cache_dir: Path | None = None) -> np.ndarray:
    """The articles' lead embeddings (:func:`_lead`'s sentences, weighted by their words), L2-normalised.

    Zero rows for articles without words. With ``cache_dir``, each article's vector is read
    from / written to the embedding cache, keyed by a hash of its lead sentences and their
    weights (the same text gives the same vector, whatever its id).
    """
    lead = _lead(sentences, ids, lead_words, max_sentences)
    if cache_dir is None or not len(lead):
        return _mean_embeddings(lead, ids)
    vectors = np.zeros((len(ids), 512), dtype=np.float32)
    position = {a: k for k, a in enumerate(ids)}
    keys = {a: _embedding_key(part["text"].tolist(), part["weight"].tolist())
            for a, part in lead.groupby("article_id", sort=False)}
    cached = _read_embeddings(cache_dir, set(keys.values()))
    for article_id, key in keys.items():
        if key in cached:
            vectors[position[article_id]] = cached[key]
    missing = [a for a, key in keys.items() if key not in cached]
    if missing:
        fresh = _mean_embeddings(lead[lead["article_id"].isin(set(missing))], missing)
        _write_embeddings(cache_dir, [keys[a] for a in missing], fresh)
        vectors[[position[a] for a in missing]] = fresh
    return vectors


def _mean_embeddings(lead: pd.DataFrame, ids: list[str]) -> np.ndarray:
    """The weighted mean embedding of each article's ``lead`` rows, L2-normalised (zero rows for articles without)."""
    vectors = np.zeros((len(ids), 512), dtype=np.float32)
    if len(lead):
        position = {a: k for k, a in enumerate(ids)}
        embedded = embed_texts(lead["text"].tolist()) * lead["weight"].to_numpy(dtype=np.float32)[:, None]
        np.add.at(vectors, lead["article_id"].map(position).to_numpy(dtype=int), embedded)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


#: Version of the embedding cache: the model and how an article's vector is made.
EMBEDDING_CACHE_VERSION = "usem3-word-weighted-lead-v2"


def _embedding_key(texts: list[str], weights: list[int]) -> str:
    """Cache key of an article's vector: a hash of its lead sentences, their weights and EMBEDDING_CACHE_VERSION."""
    digest = hashlib.sha256(EMBEDDING_CACHE_VERSION.encode())
    for text, weight in zip(texts, weights):
        digest.update(f"\x00{weight}\x00".encode() + text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def _embedding_cache(cache_dir) -> Path | None:
    """The embedding cache folder: ``"auto"`` → ``embeddings/`` in the user's cache folder (see
    :func:`toolkit.paths.folders`), resolved at call time; None → no cache."""
    if cache_dir is None:
        return None
    return paths.folders().cache / "embeddings" if str(cache_dir) == "auto" else Path(cache_dir)


def _read_embeddings(cache_dir: Path, keys: set[str]) -> dict[str, np.ndarray]:
    """The cached vectors of ``keys`` (parts that cannot be read are skipped with a warning)."""
    found = {}
    for part in sorted(Path(cache_dir).glob("part-*.npz")) if Path(cache_dir).is_dir() else []:
        try:
            with np.load(part, allow_pickle=False) as data:
                part_keys = data["keys"]
                wanted = np.flatnonzero(np.isin(part_keys, list(keys)))
                if len(wanted):
                    vectors = data["vectors"]
                    found.update(zip(part_keys[wanted].tolist(), vectors[wanted]))
        except (OSError, ValueError, KeyError) as error:
            warnings.warn(f"embedding cache part {part.name} is damaged and was skipped ({error})", stacklevel=3)
    return found


def _write_embeddings(cache_dir: Path, keys: list[str], vectors: np.ndarray) -> None:
    """Write one cache part atomically (a temporary file renamed into place)."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256("".join(keys).encode()).hexdigest()[:20]
    temporary = cache_dir / f".tmp-{os.getpid()}-{name}.npz"
    with open(temporary, "wb") as handle:
        np.savez(handle, keys=np.asarray(keys, dtype="U32"), vectors=np.asarray(vectors, dtype=np.float32))
    os.replace(temporary, cache_dir / f"part-{name}.npz")


def _chunk_anchors(texts: list[str], words: list[list[str]], entity_sets: list, seen: dict) -> list[list[str]]:
    """:func:`toolkit.compare.anchors.find_anchors` of a batch of articles, each distinct word looked at once.

    ``words`` are each text's words (split once for the lemmas too); ``entity_sets`` each
    article's linked entity keys, or None where no ``mentions`` were given (then
    capitalised words stand for names). ``seen`` maps a word as written to its anchor
    (``"month:N"``, ``"name:..."`` or None) and a number as written to its value, across
    the batches of one call: a corpus has far fewer distinct words than words.
    """
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    documents = [set() for _ in texts]
    if lengths.sum():
        codes, distinct = pd.factorize(pd.Series([w for found in words for w in found], dtype="object"))
        anchor_codes, anchor_names = pd.factorize(pd.Series([_word_anchor(w, seen) for w in distinct], dtype="object"))
        token_anchor = anchor_codes[codes]
        owner = np.repeat(np.arange(len(words)), lengths)
        keep = token_anchor >= 0
        # With linked mentions, names come from the entities; words give only months.
        months = np.array([str(a).startswith("month:") for a in anchor_names], dtype=bool)
        names_from_words = np.array([e is None for e in entity_sets], dtype=bool)
        keep[keep] &= names_from_words[owner[keep]] | months[token_anchor[keep]]
        pairs = np.unique(owner[keep] * max(len(anchor_names), 1) + token_anchor[keep])
        names = np.asarray(anchor_names, dtype=object)
        for article, anchor in zip((pairs // max(len(anchor_names), 1)).tolist(), names[pairs % max(len(anchor_names), 1)]):
            documents[article].add(anchor)
    for document, text, entity_ids in zip(documents, texts, entity_sets):
        for written in NUMBER.findall(text):
            value = seen.get(("number", written))
            if value is None:
                value = seen[("number", written)] = number_value(written)
            document.add(value)
        if entity_ids is not None:
            document |= entity_ids
    return [list(document) for document in documents]


def _anchors(text, language, entity_ids, seen: dict) -> set[str]:
    """The anchors of one text (:func:`_chunk_anchors` of a batch of one)."""
    text = cell_text(text)
    words = split_words(text, language if isinstance(language, str) else None)[0]
    return set(_chunk_anchors([text], [words], [None if entity_ids is None else set(entity_ids)], seen)[0])


def _word_anchor(word: str, seen: dict):
    """The anchor a word as written stands for (``"month:N"``, ``"name:<folded>"``) or None, remembered in ``seen``."""
    anchor = seen.get(word, False)
    if anchor is False:
        key = fold(word)
        month = MONTHS.get(key)
        if month:
            anchor = f"month:{month}" if word[0].isupper() or key not in ("may", "march") else None
        elif word[:1].isupper() and key not in stopwords() and key not in WEEKDAYS:
            anchor = f"name:{key}"
        else:
            anchor = None
        seen[word] = anchor
    return anchor


def combine(parts: dict) -> np.ndarray:
    """The combined similarity: weights by whether the two articles share a language, times the date factor."""
    wl, we, wa = SAME_LANGUAGE_WEIGHTS
    ce, ca = CROSS_LANGUAGE_WEIGHTS
    same = wl * parts["lexical"] + we * parts["embedding"] + wa * parts["anchors"]
    cross = ce * parts["embedding"] + ca * parts["anchors"]
    combined = np.where(parts["same_language"], same, cross)
    if "dates" in parts:
        combined = combined * parts["dates"]
    if combined.ndim == 2:
        np.fill_diagonal(combined, 1.0)
    return combined


def cluster_stories(articles: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                    mentions: pd.DataFrame | None = None, tokens: pd.DataFrame | None = None,
                    threshold: float = 0.25, lead_words: int = LEAD_WORDS, max_sentences: int | None = None,
                    by: str | None = None, period: str | None = None, max_articles: int = MAX_SIMILARITY_ARTICLES,
                    method: str = "auto", cache_dir: str | Path | None = "auto") -> pd.DataFrame:
    """Group the articles that report the same event, in any of the corpus languages.

    Average-linkage agglomerative clustering (scikit-learn) of the combined
    :func:`article_similarity` (text evidence times the publication-date factor, so
    articles days apart can be one story and months apart practically cannot; undated
    articles rely on text alone): two groups merge while their articles are, on average,
    at least ``threshold`` similar. Average linkage does not chain: one article that
    resembles two stories does not glue them together.

    Two methods give this grouping. ``method="all-pairs"`` compares every pair, so time and
    memory grow with the square of the number of articles: above ``max_articles`` (5,000)
    it refuses. ``method="candidates"`` (the default ``"auto"`` takes it above
    AUTO_CANDIDATES_ABOVE = 2,000 articles) compares only the pairs that could reach the
    threshold: dated articles less than :func:`date_window` days apart (13 days at the
    default threshold: beyond, the date factor alone keeps any pair under it) that share
    lemmas or anchors, undated articles against every article; the groups these pairs link
    are independent (average linkage merges two groups only through a pair above the
    threshold), so each is clustered alone with all its pairs, as the all-pairs path
    would. Each article keeps only its MAX_NEIGHBOURS (50) best later candidates in its
    language (by the bound, dates included; an undated article: of all) and as many in
    others, so the pairs are at most 100 per article however dense the corpus; a linked group is still clustered with all the pairs
    among its articles, so the cap changes the grouping only if it leaves a story's articles
    unlinked, which needs a story whose articles each have 50 better partners elsewhere
    (stories of a few to a few dozen reports stay linked; tests: even a cap of 2 keeps
    stories of 4). Sentence embeddings are computed only for the articles of pairs whose text and
    date evidence leaves the decision open, and cached on disk by their lead sentences
    (``cache_dir``). The words of FEATURE_CHUNK (2,000) articles are held at a time (each
    chunk's term counts are kept, with the vocabulary, never the corpus's words);
    candidate pairs are searched one chunk of dated articles against its date
    window at a time; linked groups are clustered alone (the small ones in batches), those
    up to MAX_COMPONENT = 5,000 articles with all their pairs. So beyond the ``articles`` table
    itself, memory grows with the sparse features (a few kB per article), the vocabulary and
    the capped pairs, not with the square of the window or the corpus.

    Dense corpora (the honest trade-off): where nearly every article shares words with every
    other in its window (near-identical wire copy all year, or a synthetic corpus made of a
    few seed texts), the capped pairs still chain into one linked group larger than
    MAX_COMPONENT. Such a group is clustered by average linkage over its kept pairs only
    (:func:`_sparse_average_linkage`), pairs not kept counting as 0, on the evidence without
    embeddings (their term at 0): its stories are those average linkage gives on that
    sparser, lower similarity, so they tend to split what all pairs would join. Time and
    memory stay linear in articles and window (100,000 such articles over a year: 5 CPU
    minutes, 4.9 GB peak with the corpus, ``benchmarks/stories_scale.py --dense-sizes``);
    ``LAST_CANDIDATES_RUN["sparse_groups"]`` says when this happened. ``period="week"``
    clusters such a corpus week by week with all their pairs (weeks of up to 5,000 articles).

    One approximation: a pair across languages is a candidate only when its anchors
    (names, numbers, dates) reach a cosine of CROSS_LANGUAGE_MIN_ANCHORS (0.1): two texts in
    different languages whose sentence embeddings are alike but which share no name or
    number are not joined, where the all-pairs path may join them. On real text this does
    not happen (newstest fr/en: no pair across languages above the threshold has an anchor
    cosine under 0.1); on the dev corpora (BASIL, newstest fr/en) and synthetic French
    samples both methods give the same stories (adjusted Rand 1.0,
    ``benchmarks/stories_scale.py``). ``cohesion`` of a story decided without embeddings
    leaves their term out (a lower bound, at most 0.15 under the all-pairs value).

    Grouping is the other scalable path: the
    articles are clustered within each group separately, so memory is bounded by the
    largest group. ``period="week"`` (or ``"month"``) groups by the period of ``published``
    (undated articles form one group), since news stories are local in time; a story that
    runs across two weeks then becomes two stories. ``by`` names a column of ``articles``
    (a topic, a section, a language); with both, groups are (column value, period).

    Args:
        articles: One row per article; needs the NEEDS_ARTICLES columns (``outlet`` and ``title``
            are used when present).
        sentences: The ``sentences`` table; default :func:`split_sentences`.
        mentions: Linked mentions (with ``entity_id``); they sharpen the anchors.
        tokens: The ``tokens`` table from ``toolkit.annotate``; its lemmas make the lexical
            similarity (see :func:`article_similarity`). Default: simplemma lemmas.
        threshold: The average similarity at which groups stop merging (0–1); lower
            gives fewer, larger stories.
        lead_words: Words of each article's lead that are embedded (LEAD_WORDS, 440).
        max_sentences: At most this many sentences of the lead are embedded; None: no limit.
        by: None, or a column of ``articles`` whose values form the groups. The old
            ``by="week"`` / ``by="month"`` still works as ``period=`` (FutureWarning).
        period: None, ``"week"`` or ``"month"``: group by that period of ``published``.
        max_articles: Largest number of articles the all-pairs method clusters together (the
            whole corpus, or each group); raise it knowingly.
        method: ``"auto"`` (candidates above 2,000 articles, else all pairs), ``"all-pairs"``
            or ``"candidates"`` (see above); applied to each group when grouped.
        cache_dir: Where article embeddings are cached: ``"auto"`` (default) is
            ``embeddings/`` in the user's cache folder (:func:`toolkit.paths.folders`);
            None keeps nothing on disk.

    Returns:
        One row per article, sorted by ``story_id`` then ``article_id``: ``article_id``
        (str), ``story_id`` (int, 0, 1, ... in order of each story's first article id,
        group after group when grouped), ``n_articles``, ``n_languages``,
        ``n_outlets`` (int, of the story), ``cohesion`` (float, the article's mean
        similarity to the other articles of its story; NaN alone), ``story_title`` (str,
        the title of the story's most central article, or its id).

    Raises:
        ValueError: a column is missing, ``threshold`` is outside (0, 1), ``lead_words`` is
            under 1, ``method`` is unknown, ``method="candidates"`` with a threshold of 0.15 or less (every pair in the
            window would be a candidate), or more than ``max_articles`` articles would be
            clustered together by the all-pairs method.

    Example:
        >>> cluster_stories(articles, mentions=linked.mentions)
        >>> cluster_stories(articles)                    # 100,000 articles: the candidates path
    """
    require_known_ids(articles, sentences=sentences, mentions=mentions, tokens=tokens)
    if by in DATE_GROUPS:
        warnings.warn(f'cluster_stories(by="{by}") is now cluster_stories(period="{by}") (by= names a column); '
                      f'by="{by}" will stop meaning a period in the next release', FutureWarning, stacklevel=2)
        by, period = None, by
    if period is not None:
        require_choice(period, DATE_GROUPS, name="period")
    if not 0 < threshold < 1:
        raise ValueError(f"`threshold` must be in (0, 1), got {threshold!r}")
    if not lead_words >= 1:
        raise ValueError(f"`lead_words` must be at least 1, got {lead_words!r}")
    check_articles(articles)
    _check_optional(sentences=sentences, mentions=mentions, tokens=tokens)
    require_choice(method, STORY_METHODS, name="method")
    if method == "candidates" and threshold <= _embedding_alone_bound():
        raise ValueError(f"method=\"candidates\" needs `threshold` above {_embedding_alone_bound():.2f} (below it every "
                         f"pair in the date window is a candidate); use method=\"all-pairs\" with period=\"week\"")
    if method == "auto" and threshold <= _embedding_alone_bound():
        method = "all-pairs"
    options = dict(threshold=threshold, lead_words=lead_words, max_sentences=max_sentences, method=method,
                   cache_dir=_embedding_cache(cache_dir), max_articles=max_articles)
    if by is None and period is None:
        return _cluster(articles, sentences=sentences, mentions=mentions, tokens=tokens, **options)
    labels = _group_labels(articles, by, period)
    label_of = dict(zip(articles["article_id"].astype(str), labels))
    tables = {"sentences": sentences, "mentions": mentions, "tokens": tokens}
    # Row positions of each table per group, found in one pass (not one scan per group).
    rows_of = {name: _rows_by_group(table, label_of) for name, table in tables.items()}
    stories, offset = [], 0
    for label, rows in sorted(labels.groupby(labels, sort=False).indices.items()):
        parts = {name: None if table is None else table.iloc[rows_of[name].get(label, [])]
                 for name, table in tables.items()}
        part = _cluster(articles.iloc[rows], **parts, **options, group=label)
        stories.append(part.assign(story_id=part["story_id"] + offset))
        offset += int(part["story_id"].max()) + 1 if len(part) else 0
    if not stories:
        return _empty_stories()
    return pd.concat(stories, ignore_index=True).sort_values(["story_id", "article_id"], ignore_index=True)


#: Story clustering methods: ``"auto"`` takes the candidates path above AUTO_CANDIDATES_ABOVE articles.
STORY_METHODS = ("auto", "all-pairs", "candidates")
AUTO_CANDIDATES_ABOVE = 2_000
#: Candidates path: a pair across languages is a candidate only when its anchors (names,
#: numbers, dates) have at least this cosine (reports of one event share some); chosen on
#: the dev data: on the newstest fr/en documents every pair across languages the all-pairs path
#: links has an anchor cosine of at least 0.16, and 99% of the other pairs at most 0.07.
CROSS_LANGUAGE_MIN_ANCHORS = 0.1
#: Candidates path: largest group of linked articles clustered with all its pairs (memory grows as its
#: square); a larger one is clustered on its kept pairs only (see cluster_stories, dense corpora).
MAX_COMPONENT = 5_000
# Float slack: a pair whose bound is within this of the threshold counts as a candidate.
_SLACK = 1e-9
#: Figures of the last candidates run (articles, candidate_pairs, components, largest_component,
#: embedded_articles, embedded_components), for benchmarks and the curious.
LAST_CANDIDATES_RUN: dict = {}
_CHUNK = 256
# Candidates path: a block of products with more than this share of pairs sharing words is scanned dense.
_DENSE_BLOCK = 0.25
#: Candidates path: candidates each article keeps in its language (and as many in other languages), the
#: best by bound. Well above the size of a story on real data (BASIL events: 3 reports; newstest: 2), so
#: the cap bounds the pairs of a dense corpus (at most 100 per article) without unlinking a story.
MAX_NEIGHBOURS = 50


def date_window(threshold: float, max_similarity: float = 1.0) -> float:
    """Days apart at or beyond which :func:`date_factor` keeps any pair at or under ``threshold``.

    ``max_similarity * 0.5 ** ((gap - DATE_WINDOW_DAYS) / DATE_HALF_LIFE_DAYS) <= threshold``
    for every ``gap >= DATE_WINDOW_DAYS + DATE_HALF_LIFE_DAYS * log2(max_similarity / threshold)``
    (13 days for the default threshold 0.25): average linkage never joins two articles
    that far apart unless other, closer articles link them.
    """
    return DATE_WINDOW_DAYS + DATE_HALF_LIFE_DAYS * max(math.log2(max_similarity / threshold), 0.0)


def _bounds(features: dict, i: np.ndarray, j: np.ndarray, members: np.ndarray | None = None):
    """The combined similarity of pairs with the embedding component at 0 and at 1 (it lies between).

    With ``members`` (a group of rows), ``i`` and ``j`` are positions in it, and the group's
    products are computed as one block (much faster than pair by pair).
    """
    if members is not None:
        lexical = np.clip(_block(features["lexical"], members)[i, j], 0, 1)
        anchors = np.clip(_block(features["anchors"], members)[i, j], 0, 1)
        i, j = members[i], members[j]
    else:
        lexical = np.clip(_rowwise(features["lexical"], i, j), 0, 1)
        anchors = np.clip(_rowwise(features["anchors"], i, j), 0, 1)
    parts = {"lexical": lexical, "anchors": anchors, "dates": date_factor(features["days"][i], features["days"][j]),
             "same_language": features["language"][i] == features["language"][j]}
    low = combine({**parts, "embedding": np.zeros(len(i))})
    high = combine({**parts, "embedding": np.ones(len(i))})
    known = features.get("embedded")
    if known is not None and features.get("embedding") is not None:
        # Where both articles are embedded the similarity is known exactly.
        both = np.flatnonzero(known[i] & known[j])
        if len(both):
            low[both] = high[both] = pair_components(features, i[both], j[both])["combined"]
    same = i == j
    low[same] = high[same] = 1.0
    return low, high


def _block(matrix, rows: np.ndarray) -> np.ndarray:
    """Dense dot products of ``rows`` of a sparse matrix with each other."""
    part = matrix[rows]
    return np.asarray((part @ part.T).todense())


def _candidate_pairs(features: dict, threshold: float, max_neighbours: int | None = MAX_NEIGHBOURS):
    """Pairs (i < j) whose combined similarity could exceed ``threshold``, found chunk by chunk.

    Dated articles, sorted by date, meet only the articles less than :func:`date_window`
    days later; undated ones (date factor 1) meet every article. Within a language a pair
    needs shared lemmas or anchors (the embedding term alone stays under the threshold);
    across languages it needs an anchor cosine of at least CROSS_LANGUAGE_MIN_ANCHORS. Each
    article keeps at most ``max_neighbours`` of the partners it meets (later ones, or all for
    an undated article) in its language and as many in others, those of highest bound
    (:data:`MAX_NEIGHBOURS`; None keeps every candidate; ties at the cap: any of them), so
    there are at most ``2 · max_neighbours`` pairs per article (an article may be in more,
    kept by earlier ones), each pair computed once. Memory per step: one chunk of articles
    against its date window. Returns the pairs ``i``, ``j`` and each pair's
    combined similarity with the embedding term at 0 (a lower bound).
    """
    from scipy import sparse

    wl, we, wa = SAME_LANGUAGE_WEIGHTS
    joint = sparse.hstack([features["lexical"] * math.sqrt(wl), features["anchors"] * math.sqrt(wa)]).tocsr()
    anchors = features["anchors"].tocsr()
    days = features["days"]
    language = features["language"]
    window = date_window(threshold) + 1e-6
    dated = np.flatnonzero(~np.isnan(days))
    dated = dated[np.argsort(days[dated], kind="stable")]
    undated = np.flatnonzero(np.isnan(days))
    found_i, found_j, found_low = [], [], []

    def scan(rows: np.ndarray, partners: np.ndarray, keep) -> None:
        for name, matrix in (("same", joint), ("cross", anchors)):
            product = matrix[rows] @ matrix[partners].T
            if max_neighbours is not None and product.nnz > _DENSE_BLOCK * len(rows) * len(partners):
                dense(name, rows, partners, product.toarray(), keep)
                continue
            product = product.tocoo()
            a, b = rows[product.row], partners[product.col]
            same = language[a] == language[b]
            mask = keep(product.row, product.col) & (a != b) & (same if name == "same" else (~same & (product.data >= CROSS_LANGUAGE_MIN_ANCHORS - _SLACK)))
            a, b, value, row = a[mask], b[mask], product.data[mask], product.row[mask]
            if not len(a):
                continue
            # The bound straight from the product: (wl·lexical + wa·anchors + we) or (ce + ca·anchors), times dates.
            high = (value + we) if name == "same" else (CROSS_LANGUAGE_WEIGHTS[0] + CROSS_LANGUAGE_WEIGHTS[1] * value)
            dates = date_factor(days[a], days[b])
            high = high * dates
            hit = high > threshold - _SLACK
            # The bound with the embedding term at 0: wl·lexical + wa·anchors, or ca·anchors, times dates.
            low = (value if name == "same" else CROSS_LANGUAGE_WEIGHTS[1] * value) * dates
            a, b, high, low, row = a[hit], b[hit], high[hit], low[hit], row[hit]
            if max_neighbours is not None and len(a) > max_neighbours:
                # Each row's max_neighbours best partners: sort by row, then by bound (highest first;
                # ties by partner, so the choice does not depend on the chunking).
                order = np.lexsort((b, -high, row))
                row = row[order]
                first = np.searchsorted(row, row)
                rank = np.arange(len(row)) - first
                keep = order[rank < max_neighbours]
                a, b, low = a[keep], b[keep], low[keep]
            found_i.append(np.minimum(a, b))
            found_j.append(np.maximum(a, b))
            found_low.append(low)

    def dense(name: str, rows: np.ndarray, partners: np.ndarray, value: np.ndarray, keep) -> None:
        # The same as scan on a block where most pairs share words (a dense corpus), with whole-block
        # operations and each row's best partners by partial sort (ties at the cap: any of them).
        same = language[rows][:, None] == language[partners][None, :]
        valid = keep(np.arange(len(rows))[:, None], np.arange(len(partners))[None, :]) & (value > 0)
        valid &= rows[:, None] != partners[None, :]
        valid &= same if name == "same" else (~same & (value >= CROSS_LANGUAGE_MIN_ANCHORS - _SLACK))
        dates = date_factor(days[rows][:, None], days[partners][None, :])
        high = (value + we) if name == "same" else (CROSS_LANGUAGE_WEIGHTS[0] + CROSS_LANGUAGE_WEIGHTS[1] * value)
        high = np.where(valid, high * dates, -np.inf)
        k = min(max_neighbours, len(partners))
        top = np.argpartition(-high, k - 1, axis=1)[:, :k] if k < len(partners) else np.tile(
            np.arange(len(partners)), (len(rows), 1))
        r, c = np.repeat(np.arange(len(rows)), top.shape[1]), top.ravel()
        keep = high[r, c] > threshold - _SLACK
        r, c = r[keep], c[keep]
        a, b = rows[r], partners[c]
        low = (value[r, c] if name == "same" else CROSS_LANGUAGE_WEIGHTS[1] * value[r, c]) * dates[r, c]
        found_i.append(np.minimum(a, b))
        found_j.append(np.maximum(a, b))
        found_low.append(low)

    sorted_days = days[dated]
    for start in range(0, len(dated), _CHUNK):
        stop = min(start + _CHUNK, len(dated))
        end = int(np.searchsorted(sorted_days, sorted_days[stop - 1] + window, side="right"))
        scan(dated[start:stop], dated[start:end], lambda r, c, start=start: c + start > r + start)
    position = np.empty(len(days), dtype=int)
    position[undated] = np.arange(len(undated))
    everyone = np.arange(len(days))
    for start in range(0, len(undated), _CHUNK):
        rows = undated[start:start + _CHUNK]
        # Each undated pair once: an undated partner only when it comes later among the undated.
        scan(rows, everyone, lambda r, c, rows=rows: ~np.isnan(days[c]) | (position[c] > position[rows[r]]))
    if not found_i:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0)
    i, j = np.concatenate(found_i), np.concatenate(found_j)
    unique, first = np.unique(i.astype(np.int64) * len(days) + j, return_index=True)
    return unique // len(days), unique % len(days), np.clip(np.concatenate(found_low)[first], 0, 1)


def _average_linkage(similarity: np.ndarray, threshold: float) -> np.ndarray:
    """The labels of the all-pairs path: scikit-learn average linkage cut at ``1 - threshold``."""
    if len(similarity) == 1:
        return np.zeros(1, dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                   distance_threshold=1 - threshold).fit_predict(1 - similarity)


def _sparse_average_linkage(n: int, i: np.ndarray, j: np.ndarray, similarity: np.ndarray,
                            threshold: float) -> np.ndarray:
    """Average linkage of ``n`` items whose similarities are given for the pairs (``i``, ``j``) only, the others 0.

    The result of :func:`_average_linkage` on the ``n`` x ``n`` matrix holding ``similarity``
    at those pairs and 0 elsewhere, without building it: each cluster keeps the sum of its
    similarities to the clusters it has pairs with, and merges are taken from a heap, best
    average first, until none is above ``threshold``. A heap entry keeps the average it had
    when pushed; average linkage only lowers a pair's average as clusters grow (the average
    to a merged cluster lies between the averages to its parts), so an entry whose clusters
    have changed is checked when it comes out and pushed back with its current average.
    Memory and time grow with the number of pairs, not with ``n`` squared. Returns labels
    (each the smallest item of its cluster).
    """
    import heapq

    neighbours = [dict() for _ in range(n)]
    for a, b, s in zip(i.tolist(), j.tolist(), similarity.tolist()):
        if a != b and s > 0:
            neighbours[a][b] = neighbours[a].get(b, 0.0) + s
            neighbours[b][a] = neighbours[b].get(a, 0.0) + s
    parent = list(range(n))
    size = [1] * n

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    heap = [(-s, a, b) for a, b, s in zip(i.tolist(), j.tolist(), similarity.tolist()) if s > threshold and a != b]
    heapq.heapify(heap)
    while heap:
        value, a, b = heapq.heappop(heap)
        a, b = root(a), root(b)
        if a == b:
            continue
        current = neighbours[a][b] / (size[a] * size[b])
        if current <= threshold:
            continue
        if current < -value - _SLACK:
            heapq.heappush(heap, (-current, a, b))
            continue
        if len(neighbours[a]) < len(neighbours[b]):
            a, b = b, a
        # Merge b into a: a's sums to b's neighbours grow by b's, and they now point at a.
        for c, s in neighbours[b].items():
            if c == a:
                continue
            neighbours[a][c] = neighbours[a].get(c, 0.0) + s
            mine = neighbours[c]
            del mine[b]
            mine[a] = mine.get(a, 0.0) + s
        del neighbours[a][b]
        neighbours[b] = {}
        parent[b] = a
        size[a] += size[b]
    labels = np.array([root(x) for x in range(n)])
    smallest = pd.Series(np.arange(n)).groupby(labels).transform("min").to_numpy()
    return smallest


#: Linked groups up to this size are clustered in batches (:func:`_cluster_small_groups`).
SMALL_GROUP = 32


def _cluster_small_groups(features: dict, groups: list, threshold: float, labels: np.ndarray,
                          cohesion: np.ndarray) -> tuple[list, int]:
    """Cluster the linked groups of 2 to SMALL_GROUP articles whose grouping the embeddings cannot change.

    Groups of one size are stacked, their pairs' bounds (:func:`_bounds`) computed in one
    call and average linkage run on all of them at once (:func:`_average_linkage_batch`):
    a 100,000-article year has tens of thousands of groups, and one scikit-learn call per
    group cost more than finding them. Fills ``labels`` (distinct numbers from 0) and
    ``cohesion`` for the groups decided, and returns the others (sorted row arrays) and
    the next free label.
    """
    by_size: dict[int, list] = {}
    rest, next_label = [], 0
    for members in groups:
        members = np.sort(members)
        if len(members) == 1:
            labels[members] = next_label
            next_label += 1
        elif len(members) <= SMALL_GROUP:
            by_size.setdefault(len(members), []).append(members)
        else:
            rest.append(members)
    for m, stacked in sorted(by_size.items()):
        stacked = np.vstack(stacked)
        k = len(stacked)
        a, b = np.triu_indices(m, 1)
        low, high = _bounds(features, stacked[:, a].ravel(), stacked[:, b].ravel())
        squares = []
        for values in (low, high):
            square = np.broadcast_to(np.eye(m), (k, m, m)).copy()
            square[:, a, b] = square[:, b, a] = values.reshape(k, len(a))
            squares.append(square)
        first = _average_linkage_batch(squares[0], threshold)
        decided = (first == _average_linkage_batch(squares[1], threshold)).all(axis=1)
        rest += list(stacked[~decided])
        first, rows, square = first[decided], stacked[decided], squares[0][decided]
        labels[rows] = next_label + np.arange(len(rows))[:, None] * m + first
        next_label += len(rows) * m
        same = first[:, :, None] == first[:, None, :]
        same &= ~np.eye(m, dtype=bool)
        counts = same.sum(axis=2)
        totals = np.where(same, square, 0.0).sum(axis=2)
        cohesion[rows] = np.divide(totals, counts, out=np.full(counts.shape, np.nan), where=counts > 0)
    return rest, next_label


def _average_linkage_batch(similarity: np.ndarray, threshold: float) -> np.ndarray:
    """:func:`_average_linkage` of a stack of ``(k, m, m)`` similarity matrices at once.

    Each step merges, in every matrix, the two clusters of least average distance
    (``1 - similarity``) if it is under ``1 - threshold``, as scikit-learn's average
    linkage does; average linkage never lowers a merge distance, so stopping at the cut
    gives its clusters. Returns ``(k, m)`` labels, each the smallest position in its
    cluster (so two equal partitions have equal labels).
    """
    k, m, _ = similarity.shape
    distance = 1.0 - similarity
    cut = 1.0 - threshold
    eye = np.eye(m, dtype=bool)
    distance[:, eye] = np.inf
    size = np.ones((k, m))
    label = np.broadcast_to(np.arange(m), (k, m)).copy()
    rows = np.arange(k)
    for _ in range(m - 1):
        flat = distance.reshape(k, m * m).argmin(axis=1)
        p, q = np.minimum(flat // m, flat % m), np.maximum(flat // m, flat % m)
        active = distance[rows, p, q] < cut
        if not active.any():
            break
        r, p, q = rows[active], p[active], q[active]
        sp, sq = size[r, p][:, None], size[r, q][:, None]
        merged = (sp * distance[r, p] + sq * distance[r, q]) / (sp + sq)
        distance[r, p, :] = merged
        distance[r, :, p] = merged
        distance[r, p, p] = np.inf
        distance[r, q, :] = np.inf
        distance[r, :, q] = np.inf
        size[r, p] += size[r, q]
        label[r] = np.where(label[r] == q[:, None], p[:, None], label[r])
    return label



def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(pd.factorize(a)[0], pd.factorize(b)[0]))


def _cluster_candidates(articles, *, sentences, mentions, tokens, threshold, lead_words, max_sentences,
                        cache_dir=None, max_component=None, max_neighbours=None) -> pd.DataFrame:
    """:func:`cluster_stories` by candidate pairs and connected components (tables already checked).

    1. Features without embeddings (TF-IDF lemmas, anchors, dates, languages).
    2. Candidate pairs (:func:`_candidate_pairs`): every pair whose combined similarity
       could exceed the threshold, with the embedding term at its maximum.
    3. Connected components of the candidate graph. Average linkage merges two groups only
       when some pair between them is above the threshold, so no story spans two
       components, and clustering each component alone with all its pairs gives the
       all-pairs result. A component above ``max_component`` articles is clustered on its
       kept pairs only, without embeddings (:func:`_sparse_average_linkage`).
    4. In each component, average linkage with the embedding term at 0 and at 1; when both
       give the same grouping, the embeddings cannot change it and are not computed;
       otherwise the component's articles are embedded (cached by text) and clustered on
       the exact similarity.
    """
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    features = article_features(articles, sentences=sentences, mentions=mentions, tokens=tokens,
                                lead_words=lead_words, max_sentences=max_sentences, embed=False)
    ids = features["ids"]
    n = len(ids)
    if not n:
        return _empty_stories()
    features["embedding"] = np.zeros((n, 512), dtype=np.float32)
    embedded = features["embedded"] = np.zeros(n, dtype=bool)
    sorted_articles = articles.assign(article_id=articles["article_id"].astype(str)).set_index("article_id")

    def embed(rows: np.ndarray) -> None:
        rows = rows[~embedded[rows]]
        if not len(rows):
            return
        chosen = [ids[r] for r in rows]
        if sentences is None:
            table = sentence_table(sorted_articles.loc[chosen].reset_index())
        else:
            table = sentences[sentences["article_id"].astype(str).isin(set(chosen))]
        features["embedding"][rows] = _embedding_vectors(table, chosen, lead_words, max_sentences, cache_dir)
        embedded[rows] = True

    def exact(rows_i, rows_j):
        return pair_components(features, rows_i, rows_j)["combined"]

    max_component = MAX_COMPONENT if max_component is None else max_component
    i, j, low_bound = _candidate_pairs(features, threshold, MAX_NEIGHBOURS if max_neighbours is None else max_neighbours)
    sparse_groups = []
    LAST_CANDIDATES_RUN.clear()
    LAST_CANDIDATES_RUN.update(articles=n, candidate_pairs=len(i))
    graph = sparse.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    n_components, component = connected_components(graph, directed=False)
    members_of = pd.Series(np.arange(n)).groupby(component).indices
    labels = np.full(n, -1, dtype=np.int64)
    cohesion = np.full(n, np.nan)
    # Small groups (nearly all of them) in batches of one size; the others, and any group the
    # embeddings could change, one by one below.
    pending, next_label = _cluster_small_groups(features, list(members_of.values()), threshold, labels, cohesion)
    undecided, borderline = [], []
    while pending or borderline:
        if not pending:
            # Embed the articles of the pairs that straddle the threshold, then try those groups again.
            embed(np.unique(np.concatenate([rows for _, rows in borderline])))
            pending, borderline = [members for members, _ in borderline], []
            continue
        members = pending.pop()
        m = len(members)
        if m == 1:
            labels[members] = next_label
            next_label += 1
            continue
        if m > max_component:
            # A linked group too large for its m² similarities (a dense corpus): average linkage
            # over its kept pairs only, on the evidence without embeddings (see cluster_stories).
            inside = np.flatnonzero(component[i] == component[members[0]])
            local = np.searchsorted(members, i[inside]), np.searchsorted(members, j[inside])
            found = _sparse_average_linkage(m, *local, low_bound[inside], threshold)
            labels[members] = next_label + found
            next_label += m
            same = found[local[0]] == found[local[1]]
            totals = np.bincount(local[0][same], low_bound[inside][same], m) + np.bincount(
                local[1][same], low_bound[inside][same], m)
            counts = np.bincount(found, minlength=m)[found] - 1
            cohesion[members] = np.divide(totals, counts, out=np.full(m, np.nan), where=counts > 0)
            sparse_groups.append(m)
            continue
        a, b = np.triu_indices(m, 1)
        low, high = _bounds(features, a, b, members)
        matrices = []
        for values in (low, high):
            square = np.eye(m)
            square[a, b] = square[b, a] = values
            matrices.append(square)
        first = _average_linkage(matrices[0], threshold)
        if not _same_partition(first, _average_linkage(matrices[1], threshold)):
            straddle = (low <= threshold) & (high > threshold - _SLACK)
            rows = np.unique(np.concatenate([members[a[straddle]], members[b[straddle]]]))
            rows = rows[~embedded[rows]]
            if len(rows):
                borderline.append((members, rows))
            else:
                undecided.append(members)
            continue
        labels[members] = next_label + first
        next_label += int(first.max()) + 1
        cohesion[members] = _cohesion(first, matrices[0])
    if undecided:
        embed(np.concatenate(undecided))
    for members in undecided:
        m = len(members)
        a, b = np.triu_indices(m, 1)
        square = np.eye(m)
        square[a, b] = square[b, a] = exact(members[a], members[b])
        found = _average_linkage(square, threshold)
        labels[members] = next_label + found
        next_label += int(found.max()) + 1
        cohesion[members] = _cohesion(found, square)
    LAST_CANDIDATES_RUN.update(components=int(n_components), largest_component=int(max(map(len, members_of.values()))),
                               embedded_articles=int(embedded.sum()), embedded_components=len(undecided),
                               sparse_groups=len(sparse_groups), sparse_group_articles=int(sum(sparse_groups)))
    # Number stories by their first article, as the all-pairs path does.
    story = pd.factorize(labels)[0]
    return _story_table(articles, ids, story, cohesion=cohesion)


def _embedding_alone_bound() -> float:
    """The most the embedding term alone gives a same-language pair (no shared lemma or anchor)."""
    return SAME_LANGUAGE_WEIGHTS[1]


def _empty_stories() -> pd.DataFrame:
    return empty_table(STORY_COLUMNS, ints=["story_id", "n_articles", "n_languages", "n_outlets"], floats=["cohesion"])


def _group_labels(articles: pd.DataFrame, by: str | None, period: str | None) -> pd.Series:
    """One label per article: the value of column ``by``, the ``period`` of ``published``, or both."""
    labels = []
    if by is not None:
        require_columns(articles, [by], name="articles")
        labels.append(articles[by].astype("string").fillna("(missing)"))
    if period is not None:
        require_columns(articles, ["published"], name="articles")
        published = pd.to_datetime(articles["published"], errors="coerce")
        labels.append(published.dt.to_period(DATE_GROUPS[period]).astype("string").fillna("(missing)"))
    label = labels[0] if len(labels) == 1 else labels[0] + " · " + labels[1]
    return label.reset_index(drop=True)


def _rows_by_group(table: pd.DataFrame | None, label_of: dict) -> dict:
    """Row positions of ``table`` per group label (rows of articles not clustered: no group)."""
    if table is None:
        return {}
    keys = table["article_id"].astype(str).map(label_of).to_numpy(dtype=object)
    return pd.Series(np.arange(len(table))).groupby(keys).indices


def _cluster(articles, *, sentences, mentions, tokens, threshold, lead_words, max_sentences, method="all-pairs",
             cache_dir=None, max_articles=MAX_SIMILARITY_ARTICLES, group=None) -> pd.DataFrame:
    """:func:`cluster_stories` of one group, tables already checked."""
    if method == "auto":
        method = "candidates" if len(articles) > AUTO_CANDIDATES_ABOVE else "all-pairs"
    if method == "candidates":
        return _cluster_candidates(articles, sentences=sentences, mentions=mentions, tokens=tokens,
                                   threshold=threshold, lead_words=lead_words, max_sentences=max_sentences,
                                   cache_dir=cache_dir)
    refuse_quadratic(len(articles), max_articles, "cluster_stories", group=group)
    ids = sorted(articles["article_id"].astype(str))
    if not ids:
        return _empty_stories()
    similarity = similarity_parts(articles, sentences=sentences, mentions=mentions, tokens=tokens,
                                  lead_words=lead_words, max_sentences=max_sentences,
                                  cache_dir=cache_dir)["combined"]
    labels = _average_linkage(similarity, threshold)
    # Number stories by their first article, so ids do not depend on sklearn's labelling.
    first = {}
    for label in labels:
        first.setdefault(label, len(first))
    story = np.array([first[label] for label in labels])
    return _story_table(articles, ids, story, similarity)


def _cohesion(story: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """Each article's mean similarity to the other articles of its story (NaN alone)."""
    same = story[:, None] == story[None, :]
    np.fill_diagonal(same, False)
    counts = same.sum(axis=1)
    totals = np.where(same, similarity, 0.0).sum(axis=1)
    return np.divide(totals, counts, out=np.full(len(story), np.nan), where=counts > 0)


def _story_table(articles, ids, story, similarity=None, *, cohesion=None) -> pd.DataFrame:
    """STORY_COLUMNS: each article's story, its size and cohesion, and the title of its most central article.

    ``cohesion`` (one value per id) is given, or computed from the ``similarity`` matrix.
    """
    meta = articles.assign(article_id=articles["article_id"].astype(str)).set_index("article_id").reindex(ids)
    outlets = meta["outlet"] if "outlet" in meta.columns else pd.Series(pd.NA, index=meta.index)
    titles = meta["title"] if "title" in meta.columns else pd.Series(pd.NA, index=meta.index)
    if cohesion is None:
        cohesion = _cohesion(np.asarray(story), similarity)
    stories = pd.DataFrame({"article_id": ids, "story_id": np.asarray(story, dtype=int), "cohesion": cohesion})
    groups = stories.assign(language=meta["language"].to_numpy(), outlet=outlets.to_numpy()).groupby("story_id")
    stories["n_articles"] = groups["article_id"].transform("size")
    stories["n_languages"] = groups["language"].transform("nunique")
    stories["n_outlets"] = groups["outlet"].transform("nunique")
    best = (stories.sort_values(["story_id", "cohesion", "article_id"], ascending=[True, False, True],
                                na_position="last").drop_duplicates("story_id").set_index("story_id")["article_id"])
    central = {story_id: (title if isinstance(title := titles.get(article_id), str) and title else article_id)
               for story_id, article_id in best.items()}
    stories = stories[STORY_COLUMNS[:-1]].copy()
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

