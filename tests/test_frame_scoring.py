"""score_frames matches with array operations: the same tables as the article-by-article loop it replaced."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.seed_tables import seed_tables
from toolkit.framing import codebooks as cb
from toolkit.framing import list_codebooks, load_codebook, score_frames


def reference_frames(tokens, codebook, *, articles=None, language=None, ignore=None, title=False) -> cb.Frames:
    """What score_frames computed before it was vectorised: each article's units, one at a time."""
    if not isinstance(codebook, pd.DataFrame):
        codebook = load_codebook(codebook)
    frames = cb.frames_of(codebook)
    languages = cb._token_languages(tokens, articles, language)
    texts = (articles.drop_duplicates("article_id").set_index("article_id")["text"]
             if articles is not None and "text" in articles.columns else None)
    units = cb._units(tokens)
    arrays = cb._Arrays(units["forms"].tolist(), units["sentence_id"].to_numpy(), units["start_char"].to_numpy(),
                        units["end_char"].to_numpy(), units["text"])
    skip = cb._ignored_spans(ignore)
    compiled, hits = {}, []
    bounds = units.groupby("article_id", sort=False).indices
    for article_id, rows in bounds.items():
        lang = languages.get(article_id)
        lang = lang if isinstance(lang, str) else ""
        if lang not in compiled:
            compiled[lang] = cb._compile(codebook, lang)
        rows = np.sort(rows)
        found = cb._find_hits(arrays, rows, compiled[lang])
        text = texts[article_id] if texts is not None and article_id in texts.index else None
        hits += cb._keep_longest(arrays, rows, found, skip.get(article_id, ()), article_id, lang, text)
    ids = list(bounds)
    if title:
        title_units, title_hits = cb._title_hits(cb._titles(articles), languages, ids, compiled, codebook)
        units, hits = pd.concat([units, title_units], ignore_index=True), hits + title_hits
    evidence = cb._evidence_table(hits, frames)
    return cb.Frames(*reference_score_tables(units, evidence, frames, ids), evidence)


def reference_score_tables(units, evidence, frames, ids):
    """The score tables as computed before (Series lookups per sentence)."""
    label_of = dict(zip(frames["frame"], frames["label"]))
    order_of = {f: i for i, f in enumerate(frames["frame"])}
    words = units[~units["upos"].isin(cb.NON_WORDS).to_numpy()]
    n_article = words.groupby("article_id", sort=False).size()
    n_sentence = words.groupby(["article_id", "sentence_id"], sort=False).size()
    grid = pd.MultiIndex.from_product([ids, list(frames["frame"])], names=["article_id", "frame"])
    counts = evidence.groupby(["article_id", "frame"]).size().reindex(grid, fill_value=0)
    scores = counts.rename("n_hits").reset_index()
    scores = scores.assign(label=scores["frame"].map(label_of),
                           n_words=scores["article_id"].map(n_article).fillna(0).astype("int64"))
    scores = cb._rate(scores)[cb.SCORE_COLUMNS]
    scores = (scores.assign(_order=scores["frame"].map(order_of))
              .sort_values(["article_id", "_order"], kind="mergesort").drop(columns="_order").reset_index(drop=True))
    per_sentence = evidence.groupby(["article_id", "sentence_id", "frame"], sort=False).size().rename("n_hits")
    sentence_scores = per_sentence.reset_index()
    keys = list(zip(sentence_scores["article_id"], sentence_scores["sentence_id"]))
    sentence_scores = sentence_scores.assign(
        label=sentence_scores["frame"].map(label_of),
        n_words=pd.Series([n_sentence.get(k, 0) for k in keys], dtype="int64", index=sentence_scores.index))
    sentence_scores = cb._rate(sentence_scores)[cb.SENTENCE_SCORE_COLUMNS]
    sentence_scores = (sentence_scores.assign(_order=sentence_scores["frame"].map(order_of))
                       .sort_values(["article_id", "sentence_id", "_order"], kind="mergesort")
                       .drop(columns="_order").reset_index(drop=True))
    return cb._typed_scores(scores), cb._typed_scores(sentence_scores)


def assert_same_frames(got: cb.Frames, expected: cb.Frames):
    for name, a, b in zip(cb.Frames._fields, got, expected):
        pd.testing.assert_frame_equal(a, b, obj=name)


@pytest.fixture(scope="module")
def seeds():
    return seed_tables()


@pytest.mark.parametrize("codebook", list_codebooks())
def test_seeds_same_as_the_loop(seeds, codebook):
    articles, _, tokens, mentions = seeds
    got = score_frames(tokens, codebook, articles=articles)
    assert len(got.evidence)  # every shipped codebook finds something in the seeds
    assert_same_frames(got, reference_frames(tokens, codebook, articles=articles))
    assert_same_frames(score_frames(tokens, codebook, articles=articles, ignore=mentions),
                       reference_frames(tokens, codebook, articles=articles, ignore=mentions))


def test_seeds_with_titles_same_as_the_loop(seeds):
    articles, _, tokens, mentions = seeds
    assert_same_frames(score_frames(tokens, "policy-frames", articles=articles, ignore=mentions, title=True),
                       reference_frames(tokens, "policy-frames", articles=articles, ignore=mentions, title=True))


def synthetic_tokens(tokens: pd.DataFrame, n_articles: int, seed: int) -> pd.DataFrame:
    """Articles stitched from runs of the seeds' tokens, in French, English, '*'-only or unknown
    languages, some lemmas missing, contractions kept (tokens sharing offsets)."""
    rng = np.random.default_rng(seed)
    pieces = []
    for a in range(n_articles):
        parts, offset, sentence = [], 0, 0
        for _ in range(rng.integers(1, 6)):
            begin = int(rng.integers(0, len(tokens) - 60))
            run = tokens.iloc[begin:begin + int(rng.integers(5, 60))].copy()
            shift = offset - int(run["start_char"].min())
            run["start_char"] += shift
            run["end_char"] += shift
            run["sentence_id"] = run["sentence_id"] - run["sentence_id"].min() + sentence
            sentence = int(run["sentence_id"].max()) + int(rng.integers(0, 2))
            offset = int(run["end_char"].max()) + 1
            parts.append(run)
        run = pd.concat(parts, ignore_index=True)
        run["article_id"] = f"s{a:03d}"
        run["token_id"] = np.arange(len(run))
        run["language"] = ["fr", "en", "de", None][a % 4]
        missing = rng.random(len(run)) < 0.1
        run["lemma"] = run["lemma"].astype("object").where(~missing, None)
        pieces.append(run)
    return pd.concat(pieces, ignore_index=True).astype({"article_id": "string", "lemma": "string"})


def test_synthetic_corpus_same_as_the_loop(seeds):
    _, _, tokens, _ = seeds
    synthetic = synthetic_tokens(tokens, 40, seed=0)
    rng = np.random.default_rng(1)
    spans = synthetic.sample(150, random_state=1)[["article_id", "start_char"]]
    ignore = spans.assign(end_char=spans["start_char"] + rng.integers(1, 30, len(spans)))
    for codebook in list_codebooks():
        got = score_frames(synthetic, codebook, ignore=ignore)
        assert len(got.evidence) and set(got.evidence["language"]) <= {"fr", "en", "de", ""}
        assert_same_frames(got, reference_frames(synthetic, codebook, ignore=ignore))


def test_overlapping_multiword_terms_same_as_the_loop(tmp_path):
    """Terms that overlap, nest, repeat and share words: the longest wins, then the leftmost, then the first entry."""
    terms = ("frame,language,term\nsec,fr,sécurité\nsec,fr,sécurité nationale\nsec,fr,nationale de\n"
             "sec,fr,nationale de sécurité\nsec,fr,sécu*\nsec,fr,sécurité*\nother,*,de\nother,fr,de sécurité\n"
             "other,fr,sécurité nationale de\n")
    path = tmp_path / "mine.csv"
    path.write_text(terms, encoding="utf-8")
    codebook = load_codebook(path)
    words = "la sécurité nationale de sécurité nationale de sécurité sécuritaire de".split()
    text = " ".join(words)
    starts = np.cumsum([0] + [len(w) + 1 for w in words[:-1]])
    tokens = pd.DataFrame({"article_id": "x", "sentence_id": [0] * 6 + [1] * (len(words) - 6),
                           "token_id": range(len(words)), "start_char": starts, "end_char": starts + [len(w) for w in words],
                           "text": words, "lemma": words, "upos": "NOUN"})
    articles = pd.DataFrame({"article_id": ["x"], "language": ["fr"], "text": [text]})
    ignore = pd.DataFrame({"article_id": ["x"], "start_char": [starts[4]], "end_char": [starts[4] + 2]})
    for options in ({}, {"ignore": ignore}):
        got = score_frames(tokens, codebook, articles=articles, **options)
        assert len(got.evidence) > 3
        assert_same_frames(got, reference_frames(tokens, codebook, articles=articles, **options))
