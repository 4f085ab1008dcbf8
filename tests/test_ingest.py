"""Distributed ingestion (toolkit.corpus.distributed): partitioned Parquet, resumable, read back in full or lazily."""

import json

import pandas as pd
import pytest

from toolkit.corpus import load_corpus
from toolkit.corpus import distributed
from toolkit.corpus.problems import CorpusError, CorpusWarning

BODY = ("Hanoï (VNA) - Le ministre de la Sécurité publique a reçu mardi une délégation cubaine. "
        "Les deux parties ont salué une coopération exemplaire dans la lutte contre la criminalité.\n\n"
        "Voir plus\n\nAutre article sans rapport")
EN_BODY = ("HAVANA - Viet Nam and Cuba agreed on Tuesday to deepen security cooperation, officials said. "
           "The two ministers signed a plan for training and the exchange of information.")


def _jsonl(path, n):
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(n):
            row = {"text": (BODY if i % 3 else EN_BODY) + f" Numéro {i}."}
            if i % 2:
                row["id"] = f"art{i:03d}"
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.write("{not json\n")
    return path


def _same(a, b):
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)


def _troubled_jsonl(path):
    """Twelve articles in several parts of 1,000 bytes, four of an outlet the registry lacks, and a bad line 8."""
    rows = [json.dumps({"id": f"a{i}", **({"outlet": "ZZX", "text": EN_BODY} if i % 3 == 0 else {"text": BODY})},
                       ensure_ascii=False) for i in range(12)]
    rows[7] = "{not json"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _ingest_warnings(*args, **kwargs):
    """The CorpusWarnings of one ingest_corpus call: (message, file, line) each."""
    with pytest.warns(CorpusWarning) as caught:
        distributed.ingest_corpus(*args, **kwargs)
    return [(str(w.message), w.filename, w.lineno) for w in caught]


class TestIngestCorpus:
    def test_jsonl_parts_equal_one_load(self, tmp_path):
        source = _jsonl(tmp_path / "feed.jsonl", 25)
        out = distributed.ingest_corpus(source, tmp_path / "ds", bytes_per_part=1500, errors="ignore")
        assert len(list((out / "articles").glob("part-*.parquet"))) > 3
        whole = load_corpus(source, errors="ignore", progress=False)
        back = distributed.read_corpus_dataset(out)
        _same(back.articles, whole.articles)
        _same(back.removed, whole.removed)
        assert back.problems["line"].tolist() == whole.problems["line"].tolist() == [26]

    def test_a_lone_surrogate_escape_warns_as_in_load_corpus(self, tmp_path):
        source = tmp_path / "feed.jsonl"
        body = "Un paragraphe tout à fait normal, avec assez de mots pour faire un article entier."
        # No id: the part rewrites the line with the loader's own id, and keeps the escape for the reader.
        source.write_text('{"text": "' + body + ' Fin \\ud800 ici."}\n{"id": "b", "text": "' + body + '"}\n',
                          encoding="utf-8")
        out = distributed.ingest_corpus(source, tmp_path / "ds", errors="ignore")
        whole = load_corpus(source, errors="ignore", progress=False)
        back = distributed.read_corpus_dataset(out)
        _same(back.articles, whole.articles)
        assert back.articles["raw"].str.contains("\ufffd").tolist() == [True, False]
        assert back.problems["line"].tolist() == whole.problems["line"].tolist() == [1]

    def test_load_corpus_reads_a_dataset(self, tmp_path):
        source = _jsonl(tmp_path / "feed.jsonl", 6)
        out = distributed.ingest_corpus(source, tmp_path / "ds", errors="ignore")
        _same(load_corpus(out, progress=False).articles, load_corpus(source, errors="ignore", progress=False).articles)

    def test_folder_of_text_files(self, tmp_path):
        folder = tmp_path / "texts"
        folder.mkdir()
        for i in range(7):
            (folder / f"a{i}.txt").write_text(BODY + f" {i}", encoding="utf-8")
        out = distributed.ingest_corpus(folder, tmp_path / "ds", files_per_part=3)
        back = distributed.read_corpus_dataset(out)
        _same(back.articles, load_corpus(folder, progress=False).articles)
        assert back.articles["path"].tolist() == [f"a{i}.txt" for i in range(7)]

    def test_rerun_skips_done_parts(self, tmp_path, monkeypatch):
        source = _jsonl(tmp_path / "feed.jsonl", 12)
        out = tmp_path / "ds"
        distributed.ingest_corpus(source, out, bytes_per_part=1000, errors="ignore")
        first = sorted(out.joinpath("articles").glob("*.parquet"))
        first[1].unlink()  # an interrupted run: one part missing
        calls = []
        real = load_corpus

        def counting(*args, **kwargs):
            calls.append(args[0])
            return real(*args, **kwargs)

        monkeypatch.setattr("toolkit.corpus.loading.load_corpus", counting)
        distributed.ingest_corpus(source, out, bytes_per_part=1000, errors="ignore")
        assert len(calls) == 1 and first[1].exists()

    def test_warnings_and_errors_name_the_files_line(self, tmp_path):
        source = tmp_path / "feed.jsonl"
        rows = [json.dumps({"id": f"a{i}", "text": BODY}, ensure_ascii=False) for i in range(12)]
        rows[9] = '{"id": "a9", "text": ""}'  # in a later part: line 10 of the file, not of the part
        source.write_text("\n".join(rows) + "\n", encoding="utf-8")
        with pytest.warns(CorpusWarning) as caught:
            out = distributed.ingest_corpus(source, tmp_path / "ds", bytes_per_part=1000)
        assert [str(w.message) for w in caught] == ["feed.jsonl:10: no `text` (missing or empty)"]
        assert caught[0].filename == __file__  # the user's line, not the toolkit's
        assert distributed.read_corpus_dataset(out).problems["line"].tolist() == [10]
        with pytest.raises(CorpusError, match=r"^feed\.jsonl:10: no `text`"):
            distributed.ingest_corpus(source, tmp_path / "strict", bytes_per_part=1000, errors="raise")
        strict = sorted(p.name for p in (tmp_path / "strict" / "articles").glob("*.parquet"))
        # The part with the error is not written.
        assert strict and len(strict) < len(list((out / "articles").glob("*.parquet")))

    def test_an_unknown_outlet_warns_once_with_the_corpus_count(self, tmp_path):
        source = tmp_path / "feed.jsonl"
        source.write_text("".join(json.dumps({"id": f"a{i}", "outlet": "ZZX", "text": BODY}, ensure_ascii=False) + "\n"
                                  for i in range(12)), encoding="utf-8")
        with pytest.warns(CorpusWarning) as caught:
            out = distributed.ingest_corpus(source, tmp_path / "ds", bytes_per_part=1000)
        assert len(list((out / "articles").glob("*.parquet"))) > 2
        assert [str(w.message) for w in caught if "registry" in str(w.message)] == [
            "feed.jsonl: outlet 'ZZX' (12 articles) is not in the outlet registry; add it to outlets.csv"]

    def test_a_rerun_warns_as_the_first_run(self, tmp_path):
        source = _troubled_jsonl(tmp_path / "feed.jsonl")
        first, second = (_ingest_warnings(source, tmp_path / "ds", bytes_per_part=1000) for _ in range(2))
        assert [message for message, _, _ in first] == [
            "feed.jsonl:8: malformed JSON (Expecting property name enclosed in double quotes, column 2)",
            "feed.jsonl: outlet 'ZZX' (4 articles) is not in the outlet registry; add it to outlets.csv"]
        assert {file for _, file, _ in first} == {__file__}
        assert second == first

    def test_a_rerun_with_another_registry_is_refused(self, tmp_path):
        source = _troubled_jsonl(tmp_path / "feed.jsonl")
        _ingest_warnings(source, tmp_path / "ds", bytes_per_part=1000)
        # The user adds the outlet the first run warned about: the parts written hold it as unknown.
        (tmp_path / "outlets.csv").write_text("code,name,country,domains,aliases\nZZX,Zed News,France,,\n",
                                              encoding="utf-8")
        with pytest.raises(CorpusError, match="another outlet registry"):
            distributed.ingest_corpus(source, tmp_path / "ds", bytes_per_part=1000)
        # The same registry, found beside the input or a copy given by its path, is the same.
        copy = tmp_path / "copy" / "outlets.csv"
        copy.parent.mkdir()
        copy.write_bytes((tmp_path / "outlets.csv").read_bytes())
        distributed.ingest_corpus(source, tmp_path / "ds3", bytes_per_part=1000)
        distributed.ingest_corpus(source, tmp_path / "ds3", bytes_per_part=1000, outlets=copy)
        with pytest.warns(CorpusWarning) as caught:
            out = distributed.ingest_corpus(source, tmp_path / "ds2", bytes_per_part=1000)
        assert not [w for w in caught if "registry" in str(w.message)]
        assert "Zed News" in set(load_corpus(out).articles["outlet_name"])

    def test_parts_mark_their_unknown_outlet_rows_and_read_back_merges_them(self, tmp_path, monkeypatch):
        source = _troubled_jsonl(tmp_path / "feed.jsonl")
        out = distributed.ingest_corpus(source, tmp_path / "ds", bytes_per_part=1000, errors="ignore")
        parts = [pd.read_parquet(f) for f in sorted((out / "problems").glob("*.parquet"))]
        marked = pd.concat([p[p["outlet"].notna()] for p in parts])
        assert len(marked) > 1 and marked["outlet"].eq("ZZX").all() and marked["n_articles"].sum() == 4
        whole = load_corpus(source, errors="ignore", progress=False).problems
        _same(distributed.read_corpus_dataset(out).problems, whole)
        _same(distributed.read_corpus_dataset(out, lazy=True).problems.compute(), whole)
        # Told apart by their columns, not their text: a reworded message still warns once, for the corpus.
        monkeypatch.setattr("toolkit.corpus.loading.unknown_outlet_message", lambda outlet, n: f"{outlet}: {n} new")
        assert [m for m, _, _ in _ingest_warnings(source, out, bytes_per_part=1000)][1:] == ["feed.jsonl: ZZX: 4 new"]

    def test_a_rerun_over_parts_written_before_the_marks_warns_as_the_first_run(self, tmp_path):
        source = _troubled_jsonl(tmp_path / "feed.jsonl")
        first = _ingest_warnings(source, tmp_path / "ds", bytes_per_part=1000)
        for part in (tmp_path / "ds" / "problems").glob("*.parquet"):
            pd.read_parquet(part).drop(columns=["outlet", "n_articles"]).to_parquet(part, index=False)
        assert _ingest_warnings(source, tmp_path / "ds", bytes_per_part=1000) == first
        _same(distributed.read_corpus_dataset(tmp_path / "ds").problems,
              load_corpus(source, errors="ignore", progress=False).problems)

    def test_lazy_read_is_a_dask_dataframe(self, tmp_path):
        source = _jsonl(tmp_path / "feed.jsonl", 10)
        out = distributed.ingest_corpus(source, tmp_path / "ds", bytes_per_part=1000, errors="ignore")
        lazy = distributed.read_corpus_dataset(out, lazy=True)
        assert lazy.articles.npartitions > 1
        assert len(lazy.articles.compute()) == 10

    def test_incomplete_or_foreign_dataset_is_refused(self, tmp_path):
        source = _jsonl(tmp_path / "feed.jsonl", 10)
        out = distributed.ingest_corpus(source, tmp_path / "ds", bytes_per_part=1000, errors="ignore")
        next(out.joinpath("articles").glob("*.parquet")).unlink()
        with pytest.raises(CorpusError, match="parts written"):
            distributed.read_corpus_dataset(out)
        other = _jsonl(tmp_path / "other.jsonl", 3)
        with pytest.raises(CorpusError, match="another folder"):
            distributed.ingest_corpus(other, out)
        with pytest.raises(CorpusError, match="not a corpus dataset"):
            distributed.read_corpus_dataset(tmp_path)


@pytest.mark.slow
def test_on_a_local_cluster(tmp_path):
    from distributed import Client, LocalCluster

    source = _jsonl(tmp_path / "feed.jsonl", 20)
    whole = load_corpus(source, errors="ignore", progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        # One session ingesting the same input into several folders: every call writes all its parts.
        outs = [distributed.ingest_corpus(source, tmp_path / f"ds{i}", client=client, bytes_per_part=1500,
                                          errors="ignore") for i in range(4)]
    for out in outs:
        _same(distributed.read_corpus_dataset(out).articles, whole.articles)
    # A rerun on a new cluster (every part written, so skipped) warns as the first run did.
    source = _troubled_jsonl(tmp_path / "troubled.jsonl")
    runs = []
    for _ in range(2):
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            runs.append(_ingest_warnings(source, tmp_path / "troubled", client=client, bytes_per_part=1000))
    assert len(runs[0]) == 2 and runs[1] == runs[0]
