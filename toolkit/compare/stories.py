"""Which articles tell the same story, in any language: article similarity, story clusters, attention.

:func:`cluster_stories` groups articles by average-linkage clustering of a combined
similarity (:func:`article_similarity`): TF-IDF over lemmas within a language
(:mod:`toolkit.similarity`), multilingual sentence embeddings across languages, plus the
names, numbers and dates two articles share. :func:`story_attention` counts how much each
outlet gave each story (Media Cloud's "attention").
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from toolkit._checks import refuse_quadratic, require_choice
from toolkit.compare.anchors import entity_keys, find_anchors
from toolkit.compare.common import cell_text, check_articles, empty_table
from toolkit.compare.sentences import embed_texts, sentence_table
from toolkit.schema import require_columns, require_known_ids
from toolkit.similarity import lemma_documents, tfidf_cosine, token_documents
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
SAME_LANGUAGE_WEIGHTS = (0.5, 0.25, 0.25)
CROSS_LANGUAGE_WEIGHTS = (0.6, 0.4)
# Averaged sentence embeddings of any two news articles on related topics sit around
# 0.5–0.7 cosine; rescaling from this floor spreads the useful range over 0–1.
_EMBEDDING_FLOOR = 0.5
#: Components of :func:`article_similarity`.
COMPONENTS = ("combined", "lexical", "embedding", "anchors")
#: Periods of ``published`` that ``cluster_stories(period=...)`` groups by.
DATE_GROUPS = {"week": "W-SUN", "month": "M"}
PERIODS = DATE_GROUPS


def article_similarity(articles: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                       mentions: pd.DataFrame | None = None, tokens: pd.DataFrame | None = None,
                       component: str = "combined", max_sentences: int = 20,
                       max_articles: int = MAX_SIMILARITY_ARTICLES) -> pd.DataFrame:
    """Compare every pair of articles, in the same language or not, on a 0–1 scale.

    Three components:

    - ``lexical``: cosine of TF-IDF vectors of lemmas (:mod:`toolkit.similarity`, as
      ``toolkit.textstats.document_similarity``): ``tokens``' lemmas when given, else
      simplemma's lemmas of toolkit.text's words; near zero across languages.
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
        articles: One row per article; needs the NEEDS_ARTICLES columns (``outlet`` is not needed).
        sentences: The ``sentences`` table from ``toolkit.annotate``; default
            :func:`split_sentences`.
        mentions: Linked mentions (``article_id``, ``text``, optional ``entity_id``), or None.
        tokens: The ``tokens`` table from ``toolkit.annotate`` (``article_id``, ``text``,
            ``lemma``; ``upos`` used when present): its lemmas make the lexical component.
            Default None: simplemma lemmas of :func:`toolkit.text.split_words` words (the
            notebooks' path).
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
    require_choice(component, COMPONENTS, name="component")
    refuse_quadratic(len(articles), max_articles, "article_similarity")
    check_articles(articles)
    _check_optional(sentences=sentences, mentions=mentions, tokens=tokens)
    parts = similarity_parts(articles, sentences=sentences, mentions=mentions, tokens=tokens,
                             max_sentences=max_sentences)
    values = parts[component] if component != "combined" else combine(parts)
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


def similarity_parts(articles, *, sentences, mentions, tokens=None, max_sentences) -> dict:
    """The three similarity matrices and the same-language mask, rows in sorted id order (tables already checked)."""
    articles = articles.assign(article_id=articles["article_id"].astype(str)).sort_values("article_id", ignore_index=True)
    ids = articles["article_id"].tolist()
    if sentences is None:
        sentences = sentence_table(articles)
    parts = {"ids": ids, "lexical": _lexical(articles, ids, tokens),
             "embedding": _embedding(sentences, ids, max_sentences), "anchors": _anchor_similarity(articles, ids, mentions)}
    languages = articles["language"].map(lambda x: x if isinstance(x, str) else "").to_numpy()
    parts["same_language"] = languages[:, None] == languages[None, :]
    for key in ("lexical", "embedding", "anchors"):
        m = np.clip((parts[key] + parts[key].T) / 2, 0, 1)
        np.fill_diagonal(m, 1.0)
        parts[key] = m
    return parts


def _lexical(articles: pd.DataFrame, ids: list[str], tokens: pd.DataFrame | None) -> np.ndarray:
    """TF-IDF cosine over lemmas: annotate's when ``tokens`` are given, else the light path (computed once)."""
    if tokens is None:
        documents = lemma_documents(articles, ids)
    else:
        documents = token_documents(tokens, ids, languages=dict(zip(ids, articles["language"])))
    return tfidf_cosine(documents)


def _embedding(sentences: pd.DataFrame, ids: list[str], max_sentences: int) -> np.ndarray:
    """Cosine of the articles' mean lead-sentence embeddings, rescaled from _EMBEDDING_FLOOR."""
    lead = (sentences.assign(article_id=sentences["article_id"].astype(str))
            .sort_values(["article_id", "sentence_id"]).groupby("article_id", sort=False).head(max_sentences))
    vectors = np.zeros((len(ids), 512), dtype=np.float32)
    position = {a: k for k, a in enumerate(ids)}
    texts = [t for t in lead["text"].map(cell_text)]
    if texts:
        embedded = embed_texts(texts)
        rows = lead["article_id"].map(position).to_numpy()
        keep = ~pd.isna(rows)
        np.add.at(vectors, rows[keep].astype(int), embedded[keep])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return np.clip((vectors @ vectors.T - _EMBEDDING_FLOOR) / (1 - _EMBEDDING_FLOOR), 0, 1)


def _anchor_similarity(articles: pd.DataFrame, ids: list[str], mentions: pd.DataFrame | None) -> np.ndarray:
    """Cosine of IDF-weighted anchor sets (numbers, months, entity ids or capitalised names)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    entities = None
    if mentions is not None:
        keys = entity_keys(mentions)
        entities = keys.groupby(mentions["article_id"].astype(str).to_numpy()).agg(lambda k: set(k))
    anchor_lists = [sorted(find_anchors(t, lang, entities.get(a, set()) if entities is not None else None))
                    for a, t, lang in zip(ids, articles["text"], articles["language"])]
    n = len(ids)
    anchors = np.zeros((n, n))
    if any(anchor_lists):
        matrix = TfidfVectorizer(analyzer=lambda x: x, binary=True).fit_transform(anchor_lists)
        anchors = (matrix @ matrix.T).toarray()
    return anchors


def combine(parts: dict) -> np.ndarray:
    """The combined similarity: weights by whether the two articles share a language."""
    wl, we, wa = SAME_LANGUAGE_WEIGHTS
    ce, ca = CROSS_LANGUAGE_WEIGHTS
    same = wl * parts["lexical"] + we * parts["embedding"] + wa * parts["anchors"]
    cross = ce * parts["embedding"] + ca * parts["anchors"]
    combined = np.where(parts["same_language"], same, cross)
    np.fill_diagonal(combined, 1.0)
    return combined


def cluster_stories(articles: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                    mentions: pd.DataFrame | None = None, tokens: pd.DataFrame | None = None,
                    threshold: float = 0.25, max_sentences: int = 20, by: str | None = None,
                    period: str | None = None, max_articles: int = MAX_SIMILARITY_ARTICLES) -> pd.DataFrame:
    """Group the articles that report the same event, in any of the corpus languages.

    Average-linkage agglomerative clustering (scikit-learn) of the combined
    :func:`article_similarity`: two groups merge while their articles are, on average,
    at least ``threshold`` similar. Average linkage does not chain: one article that
    resembles two stories does not glue them together.

    All pairs are compared, so time and memory grow with the square of the number of
    articles: above ``max_articles`` (5,000) it refuses. The scalable path is grouping: the
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
        max_sentences: Sentences per article that are embedded.
        by: None, or a column of ``articles`` whose values form the groups. The old
            ``by="week"`` / ``by="month"`` still works as ``period=`` (FutureWarning).
        period: None, ``"week"`` or ``"month"``: group by that period of ``published``.
        max_articles: Largest number of articles clustered together (the whole corpus, or
            each group); raise it knowingly.

    Returns:
        One row per article, sorted by ``story_id`` then ``article_id``: ``article_id``
        (str), ``story_id`` (int, 0, 1, ... in order of each story's first article id,
        group after group when grouped), ``n_articles``, ``n_languages``,
        ``n_outlets`` (int, of the story), ``cohesion`` (float, the article's mean
        similarity to the other articles of its story; NaN alone), ``story_title`` (str,
        the title of the story's most central article, or its id).

    Raises:
        ValueError: a column is missing, ``threshold`` is outside (0, 1), or more than
            ``max_articles`` articles would be clustered together.

    Example:
        >>> cluster_stories(articles, mentions=linked.mentions)
        >>> cluster_stories(articles, period="week")    # 100,000 articles
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
    check_articles(articles)
    _check_optional(sentences=sentences, mentions=mentions, tokens=tokens)
    options = dict(threshold=threshold, max_sentences=max_sentences)
    if by is None and period is None:
        refuse_quadratic(len(articles), max_articles, "cluster_stories")
        return _cluster(articles, sentences=sentences, mentions=mentions, tokens=tokens, **options)
    labels = _group_labels(articles, by, period)
    label_of = dict(zip(articles["article_id"].astype(str), labels))
    tables = {"sentences": sentences, "mentions": mentions, "tokens": tokens}
    # Row positions of each table per group, found in one pass (not one scan per group).
    rows_of = {name: _rows_by_group(table, label_of) for name, table in tables.items()}
    stories, offset = [], 0
    for label, rows in sorted(labels.groupby(labels, sort=False).indices.items()):
        refuse_quadratic(len(rows), max_articles, "cluster_stories", group=label)
        parts = {name: None if table is None else table.iloc[rows_of[name].get(label, [])]
                 for name, table in tables.items()}
        part = _cluster(articles.iloc[rows], **parts, **options)
        stories.append(part.assign(story_id=part["story_id"] + offset))
        offset += int(part["story_id"].max()) + 1 if len(part) else 0
    if not stories:
        return _empty_stories()
    return pd.concat(stories, ignore_index=True).sort_values(["story_id", "article_id"], ignore_index=True)


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


def _cluster(articles, *, sentences, mentions, tokens, threshold, max_sentences) -> pd.DataFrame:
    """:func:`cluster_stories` of one group, tables already checked."""
    ids = sorted(articles["article_id"].astype(str))
    if not ids:
        return _empty_stories()
    similarity = combine(similarity_parts(articles, sentences=sentences, mentions=mentions, tokens=tokens,
                                          max_sentences=max_sentences))
    if len(ids) == 1:
        labels = np.zeros(1, dtype=int)
    else:
        from sklearn.cluster import AgglomerativeClustering

        labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                         distance_threshold=1 - threshold).fit_predict(1 - similarity)
    # Number stories by their first article, so ids do not depend on sklearn's labelling.
    first = {}
    for label in labels:
        first.setdefault(label, len(first))
    story = np.array([first[label] for label in labels])
    return _story_table(articles, ids, story, similarity)


def _story_table(articles, ids, story, similarity) -> pd.DataFrame:
    """STORY_COLUMNS: each article's story, its size and cohesion, and the title of its most central article."""
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

