"""keyness and score_frames on token rows stored on disk, read in batches: the same tables as in memory."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.seed_tables import seed_tables
from toolkit.framing import FramingWarning, keyness, score_frames
from toolkit.framing.codebooks import NEEDS_TOKENS
from toolkit.nlp.batches import token_batches


@pytest.fixture(scope="module")
def corpus():
    """The seeds' tokens under three copies of each article (15 articles, about 6,000 rows), and their articles."""
    articles, _, tokens, mentions = seed_tables()
    copies, rows, spans = [], [], []
    for k in range(3):
        renamed = {a: f"{a}-{k}" for a in articles["article_id"]}
        copies.append(articles.assign(article_id=articles["article_id"].map(renamed)))
        rows.append(tokens.assign(article_id=tokens["article_id"].map(renamed)))
        spans.append(mentions.assign(article_id=mentions["article_id"].map(renamed)))
    articles = pd.concat(copies, ignore_index=True).astype({"article_id": "string"})
    articles["outlet_country"] = articles["outlet_country"].fillna("(unknown)")
    tokens = pd.concat(rows, ignore_index=True).astype({"article_id": "string"})
    return articles, tokens, pd.concat(spans, ignore_index=True)


def write_small_row_groups(tokens: pd.DataFrame, path, rows: int = 97):
    """``tokens`` as Parquet, ``rows`` rows per row group: most articles straddle row groups."""
    pq.write_table(pa.Table.from_pandas(tokens, preserve_index=False), path, row_group_size=rows)
    return path


def straddling_articles(path) -> set:
    """The articles whose rows are in more than one row group of the file."""
    handle = pq.ParquetFile(path)
    seen = [set(handle.read_row_group(g, columns=["article_id"]).column(0).to_pylist())
            for g in range(handle.num_row_groups)]
    return {a for g in range(1, len(seen)) for a in seen[g] & seen[g - 1]}


def test_batches_hold_whole_articles(corpus, tmp_path):
    _, tokens, _ = corpus
    path = write_small_row_groups(tokens, tmp_path / "tokens.parquet")
    assert pq.ParquetFile(path).num_row_groups > 50 and straddling_articles(path)
    batches = list(token_batches(path, ["article_id", "lemma"], optional=["word", "nothing"], batch_rows=500))
    assert len(batches) > 5
    assert all(list(b.columns) == ["article_id", "lemma", "word"] for b in batches)
    ids = [set(b["article_id"]) for b in batches]
    assert all(not (ids[i] & ids[j]) for i in range(len(ids)) for j in range(i))  # no article in two batches
    pd.testing.assert_frame_equal(pd.concat(batches, ignore_index=True),
                                  tokens[["article_id", "lemma", "word"]].reset_index(drop=True))
    assert batches[0]["lemma"].dtype == pd.StringDtype()  # pyarrow-backed strings, not Python objects
    # A folder of files, one article cut between two of them, reads the same.
    folder = tmp_path / "parts"
    folder.mkdir()
    tokens.iloc[:1000].to_parquet(folder / "part-0.parquet")
    tokens.iloc[1000:].to_parquet(folder / "part-1.parquet")
    assert tokens["article_id"].iloc[999] == tokens["article_id"].iloc[1000]
    again = list(token_batches(str(folder), ["article_id", "lemma"], batch_rows=700))
    assert [set(b["article_id"]) for b in again] and sum(map(len, again)) == len(tokens)
    assert all(not (set(a["article_id"]) & set(b["article_id"])) for a, b in zip(again, again[1:]))


def test_keyness_from_parquet_same_as_in_memory(corpus, tmp_path):
    articles, tokens, _ = corpus
    path = write_small_row_groups(tokens, tmp_path / "tokens.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FramingWarning)
        expected = keyness(tokens, articles, by="outlet_country", min_count=1, min_articles=2)
        got = keyness(path, articles, by="outlet_country", min_count=1, min_articles=2, batch_rows=300)
        one_batch = keyness(str(path), articles, by="outlet_country", min_count=1, min_articles=2)
    assert len(expected) > 100 and (expected["n_articles_group"] > 1).any()
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(one_batch, expected)


def test_score_frames_from_parquet_same_as_in_memory(corpus, tmp_path):
    articles, tokens, mentions = corpus
    path = write_small_row_groups(tokens, tmp_path / "tokens.parquet")
    for codebook in ("cooperation-themes", "policy-frames"):
        expected = score_frames(tokens, codebook, articles=articles, ignore=mentions, title=True)
        got = score_frames(path, codebook, articles=articles, ignore=mentions, title=True, batch_rows=300)
        assert len(expected.evidence) > 10
        for name, a, b in zip(got._fields, got, expected):
            pd.testing.assert_frame_equal(a, b, obj=name)
    # Without articles' texts the matched words are rebuilt from the tokens; language from a column.
    with_language = tokens.assign(language=tokens["article_id"].map(articles.set_index("article_id")["language"]))
    path = write_small_row_groups(with_language, tmp_path / "with_language.parquet", rows=50)
    expected = score_frames(with_language, "policy-frames")
    got = score_frames(path, "policy-frames", batch_rows=120)
    for name, a, b in zip(got._fields, got, expected):
        pd.testing.assert_frame_equal(a, b, obj=name)


def test_dask_partitions_same_as_in_memory(corpus):
    dd = pytest.importorskip("dask.dataframe")
    articles, tokens, _ = corpus
    parts = dd.from_pandas(tokens, npartitions=7)  # cut by row number: articles straddle partitions
    expected = score_frames(tokens, articles=articles)
    got = score_frames(parts, articles=articles, batch_rows=800)
    for name, a, b in zip(got._fields, got, expected):
        pd.testing.assert_frame_equal(a, b, obj=name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FramingWarning)
        pd.testing.assert_frame_equal(keyness(parts, articles, batch_rows=800), keyness(tokens, articles))


def test_rows_not_stored_together_or_missing_columns(corpus, tmp_path):
    articles, tokens, _ = corpus
    first = tokens["article_id"].iloc[0]
    moved = pd.concat([tokens[tokens["article_id"] != first], tokens[tokens["article_id"] == first]])
    scattered = pd.concat([moved.iloc[-50:], moved.iloc[:-50]], ignore_index=True)  # one article at both ends
    path = write_small_row_groups(scattered, tmp_path / "scattered.parquet")
    with pytest.raises(ValueError, match="not stored together"):
        score_frames(path, articles=articles, batch_rows=300)
    path = write_small_row_groups(tokens.drop(columns="upos"), tmp_path / "no_upos.parquet")
    with pytest.raises(ValueError, match=r"lacks required column\(s\) \['upos'\]"):
        keyness(path, articles)
    with pytest.raises(TypeError, match="path of a Parquet file"):
        score_frames(tokens.to_dict(), articles=articles)
    with pytest.raises(FileNotFoundError):
        keyness(tmp_path / "nowhere.parquet", articles)


def test_empty_file_gives_empty_tables(corpus, tmp_path):
    articles, tokens, _ = corpus
    path = tmp_path / "empty.parquet"
    tokens.iloc[:0].to_parquet(path)
    got = score_frames(path, articles=articles)
    expected = score_frames(tokens.iloc[:0], articles=articles)
    for name, a, b in zip(got._fields, got, expected):
        pd.testing.assert_frame_equal(a, b, obj=name)
    assert len(got.scores) == 0 and np.all(got.scores.columns == expected.scores.columns)


def test_a_folder_whose_files_differ_in_column_types_or_columns(tmp_path, corpus):
    """A chunk whose optional column is all missing is cast to the first file's type; a missing column is named."""
    seed_tokens = corpus[1]
    folder = tmp_path / "chunks"
    folder.mkdir()
    ids = seed_tokens["article_id"].drop_duplicates().tolist()
    first = seed_tokens[seed_tokens["article_id"].isin(ids[:2])].copy()
    second = seed_tokens[seed_tokens["article_id"].isin(ids[2:])].copy()
    first["language"] = "fr"
    second["language"] = None  # written as a column of nulls
    first.to_parquet(folder / "part-0.parquet", index=False)
    second.to_parquet(folder / "part-1.parquet", index=False)
    batches = list(token_batches(folder, ["article_id", "lemma"], optional=["language"], batch_rows=10_000_000))
    joined = pd.concat(batches, ignore_index=True)
    assert len(joined) == len(first) + len(second)
    assert joined["language"].iloc[: len(first)].eq("fr").all() and joined["language"].iloc[len(first):].isna().all()
    second.drop(columns=["language"]).to_parquet(folder / "part-1.parquet", index=False)
    with pytest.raises(ValueError, match=r"part-1\.parquet.*language"):
        list(token_batches(folder, ["article_id", "lemma"], optional=["language"]))


def test_keyness_from_disk_with_rows_that_have_no_article_id(tmp_path, corpus):
    """A batch holding only rows without an article id counts nothing (as the DataFrame call ignores them)."""
    seed_articles, seed_tokens, _ = corpus
    orphans = seed_tokens.head(10).copy()
    orphans["article_id"] = pd.NA
    tokens = pd.concat([orphans, seed_tokens], ignore_index=True)
    path = tmp_path / "tokens.parquet"
    tokens.to_parquet(path, index=False, row_group_size=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FramingWarning)
        on_disk = keyness(path, seed_articles, by="outlet_country", min_count=1, batch_rows=10)
        in_memory = keyness(tokens, seed_articles, by="outlet_country", min_count=1)
    assert len(in_memory)
    pd.testing.assert_frame_equal(on_disk, in_memory)
