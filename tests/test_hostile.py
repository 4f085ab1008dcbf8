"""Hostile input: every case of issue 17 built in the test, with its article-level outcome.

Each test builds its input under ``tmp_path``, asserts what happens to the articles (loaded,
skipped and named, refused by name) and that the inputs are unchanged. Time and memory of
the very large cases are measured in ``benchmarks/hostile.py``, not here.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import toolkit as tk
from toolkit.cleaning import clean_text
from toolkit.corpus.problems import CorpusError, CorpusWarning
from toolkit.nlp import spacy_engine
from toolkit.nlp.annotate import MAX_PIECE_CHARS, annotate_batch, split_long
from toolkit.nlp.tables import AnnotationWarning
from toolkit.schema import require_known_ids

BODY = ("Hanoï (VNA) - Le ministre a rencontré son homologue cubain pour renforcer la coopération "
        "dans la sécurité, a indiqué le ministère mardi.")
OTHER = "La Havane (PL) - Les deux pays ont signé un accord sur la formation des policiers, selon un communiqué."


def fingerprint(folder) -> dict:
    """Hash of every regular file under ``folder`` (the inputs must come out unchanged)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def load(path, **kwargs):
    """load_corpus with warnings collected, checking the inputs are not modified."""
    folder = path if path.is_dir() else path.parent
    before = fingerprint(folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        corpus = tk.load_corpus(path, progress=False, **kwargs)
    assert fingerprint(folder) == before, "an input file was modified"
    return corpus


def messages(corpus, kind=None) -> str:
    problems = corpus.problems if kind is None else corpus.problems[corpus.problems["kind"] == kind]
    return "\n".join(f"{p}:{'' if pd.isna(n) else n}: {m}" for p, n, m in
                     zip(problems["path"], problems["line"], problems["message"]))


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# ---------------------------------------------------------------- 1. no hang: special files, long inputs


class TestSpecialFiles:
    def test_fifo_given_as_the_corpus_is_refused_by_name(self, tmp_path):
        fifo = tmp_path / "x.jsonl"
        os.mkfifo(fifo)
        with pytest.raises(CorpusError, match=r"x\.jsonl.*FIFO"):
            tk.load_corpus(fifo, progress=False)

    def test_fifo_inside_a_folder_is_named_and_the_rest_loads(self, tmp_path):
        (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
        os.mkfifo(tmp_path / "b.txt")
        corpus = load(tmp_path)
        assert list(corpus.articles["article_id"]) == ["a"]
        assert "b.txt" in messages(corpus, "error") and "FIFO" in messages(corpus, "error")

    def test_fifo_as_manifest_is_refused_by_name(self, tmp_path):
        (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
        os.mkfifo(tmp_path / "manifest.csv")
        with pytest.raises(CorpusError, match=r"manifest\.csv.*FIFO"):
            tk.load_corpus(tmp_path, progress=False)


class TestLongInputs:
    def test_many_short_paragraphs_load_linearly_and_keep_every_paragraph(self, tmp_path):
        # 20,000 paragraphs (the 539,490-paragraph case is timed in benchmarks/hostile.py).
        (tmp_path / "long.txt").write_text(
            "\n\n".join(f"Paragraphe {i} : le ministre parle encore." for i in range(20_000)), encoding="utf-8")
        corpus = load(tmp_path)
        assert len(corpus.articles) == 1
        assert corpus.articles["text"][0].count("\n\n") == 20_000 - 1

    def test_a_long_hard_wrapped_paragraph_is_rejoined(self):
        raw = "Titre de l'article\n\n" + "\n".join(f"et la ligne {i} continue la phrase" for i in range(20_000))
        cleaned = clean_text(raw)
        assert len(cleaned.paragraphs) == 1 and cleaned.paragraphs[0].count("continue") == 20_000

    def test_jsonl_with_a_long_text_line_loads(self, tmp_path):
        text = " ".join([BODY] * 2_000)  # ~250 kB on one line (30 MB: benchmarks/hostile.py)
        path = write_jsonl(tmp_path / "big.jsonl", [{"id": "big", "text": text}, {"id": "small", "text": OTHER}])
        corpus = load(path)
        assert list(corpus.articles["article_id"]) == ["big", "small"]

    def test_deeply_nested_json_line_is_named_and_the_rest_loads(self, tmp_path):
        path = tmp_path / "deep.jsonl"
        path.write_text(json.dumps({"id": "ok", "text": BODY}) + "\n" + "[" * 200_000 + "]" * 200_000 + "\n",
                        encoding="utf-8")
        corpus = load(path)
        assert list(corpus.articles["article_id"]) == ["ok"]
        assert "deep.jsonl:2: malformed JSON" in messages(corpus, "error")


class TestAnnotateLongText:
    def test_split_long_cuts_at_sentence_ends_and_joins_back(self):
        paragraph = " ".join(f"Phrase numéro {i} du très long paragraphe." for i in range(8_000))
        pieces = split_long(paragraph, limit=10_000)
        assert "".join(piece for _, piece in pieces) == paragraph
        assert all(paragraph[at:at + len(piece)] == piece for at, piece in pieces)
        assert all(len(piece) <= 10_000 for _, piece in pieces)
        assert all(piece.rstrip().endswith(".") for _, piece in pieces)

    def test_split_long_without_spaces_still_bounded(self):
        pieces = split_long("x" * 25_001, limit=10_000)
        assert [len(p) for _, p in pieces] == [10_000, 10_000, 5_001]

    def test_a_paragraph_over_the_engine_limit_is_annotated_in_pieces_with_exact_offsets(self, monkeypatch):
        seen = []

        def engine(paragraphs, *, language, batch_size=64, **options):
            seen.extend(len(p) for p in paragraphs)
            return [{"sentences": [(0, len(p))], "tokens": [], "mentions": [
                {"start_char": 0, "end_char": 6, "text": p[:6], "label": "LOC"}]} for p in paragraphs]

        monkeypatch.setattr(spacy_engine, "annotate_paragraphs", engine)
        text = "Avant.\n\n" + " ".join(["Hanoï a signé un accord de coopération."] * 30_000)  # 1.2 M characters
        table = annotate_batch([("k", text)], engine="spacy", language="fr")
        assert max(seen) <= MAX_PIECE_CHARS and len(seen) > 2
        sentences = table[table["table"] == "sentence"]
        assert sentences["paragraph_id"].tolist()[:2] == [0, 1] and set(sentences["paragraph_id"]) == {0, 1}
        mentions = table[table["table"] == "mention"]
        assert all(text[a:b] == t for a, b, t in zip(mentions["start_char"], mentions["end_char"], mentions["text"]))
        assert sentences["end_char"].max() == len(text)


# ---------------------------------------------------------------- 2. every error names the file and line


class TestManifestAndRegistries:
    def corpus_folder(self, tmp_path):
        (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
        (tmp_path / "b.txt").write_text(OTHER, encoding="utf-8")
        return tmp_path

    def test_manifest_in_cp1252_loads_with_a_warning(self, tmp_path):
        folder = self.corpus_folder(tmp_path)
        (folder / "manifest.csv").write_bytes("file,title\na.txt,Coopération sécurité\n".encode("cp1252"))
        with pytest.warns(CorpusWarning, match=r"manifest\.csv:2: manifest is not UTF-8"):
            corpus = tk.load_corpus(folder, progress=False)
        assert corpus.articles.set_index("article_id").loc["a", "title"] == "Coopération sécurité"

    def test_empty_manifest_is_named_and_the_corpus_loads(self, tmp_path):
        folder = self.corpus_folder(tmp_path)
        (folder / "manifest.csv").write_text("", encoding="utf-8")
        corpus = load(folder)
        assert len(corpus.articles) == 2 and "manifest is empty" in messages(corpus)

    def test_manifest_row_with_an_extra_field_is_named_and_skipped(self, tmp_path):
        folder = self.corpus_folder(tmp_path)
        (folder / "manifest.csv").write_text("file,outlet\na.txt,VNA,extra\nb.txt,PL\n", encoding="utf-8")
        corpus = load(folder)
        outlets = corpus.articles.set_index("article_id")["outlet"]
        assert outlets["b"] == "PL"  # the good row still applies
        assert "manifest.csv:2: manifest: row has 3 fields, the header has 2" in messages(corpus, "error")
        assert "no such article" not in messages(corpus)

    def test_manifest_with_an_unterminated_quote_is_named(self, tmp_path):
        folder = self.corpus_folder(tmp_path)
        (folder / "manifest.csv").write_text('file,title\nb.txt,Fine\na.txt,"Never closed\n', encoding="utf-8")
        corpus = load(folder)
        assert len(corpus.articles) == 2 and "manifest.csv:3" in messages(corpus, "error")
        assert corpus.articles.set_index("article_id").loc["b", "title"] == "Fine"

    @pytest.mark.parametrize("content", [b"", "code,name\nXX,Agence \xe9trang\xe8re\n".encode("latin-1"),
                                         b'code,name\nXX,"Agence\n', b"code,name\nXX,Agence,extra\n"])
    def test_outlet_registry_never_fails_with_a_library_error(self, tmp_path, content):
        folder = self.corpus_folder(tmp_path)
        (folder / "outlets.csv").write_bytes(content)
        corpus = load(folder)
        assert len(corpus.articles) == 2

    def test_gazetteer_in_cp1252_is_read_with_a_warning_naming_it(self, tmp_path):
        path = tmp_path / "gazetteer.csv"
        path.write_bytes("pattern,entity_type,language,note\nHanoï,LOC,,\n".encode("cp1252"))
        with pytest.warns(CorpusWarning, match=r"gazetteer\.csv:2: gazetteer is not UTF-8"):
            gazetteer = tk.load_gazetteer(path)
        assert gazetteer["pattern"].tolist() == ["Hanoï"]

    def test_errors_raise_stops_on_errors_only(self, tmp_path):
        (tmp_path / "a.txt").write_bytes(BODY.encode("cp1252"))  # a warning: decoded as cp1252
        (tmp_path / "manifest.csv").write_text("file,outlet\na.txt,NOWHERE\n", encoding="utf-8")  # unknown outlet
        with pytest.warns(CorpusWarning):
            corpus = tk.load_corpus(tmp_path, errors="raise", progress=False)
        assert len(corpus.articles) == 1 and set(corpus.problems["kind"]) <= {"warning", "conflict"}
        (tmp_path / "b.txt").write_bytes(b"")
        with pytest.raises(CorpusError, match=r"b\.txt: empty file"):
            tk.load_corpus(tmp_path, errors="raise", progress=False)


# ---------------------------------------------------------------- 3. nothing lost or altered


class TestNothingLost:
    def test_csv_field_over_the_csv_module_limit_loads(self, tmp_path):
        long_text = " ".join([BODY] * 1_500)  # > 131,072 characters
        path = tmp_path / "long.csv"
        pd.DataFrame({"id": ["long", "short"], "text": [long_text, OTHER]}).to_csv(path, index=False)
        corpus = load(path)
        assert list(corpus.articles["article_id"]) == ["long", "short"] and corpus.problems.empty
        assert len(corpus.articles["text"][0]) > 131_072
    def test_a_cp1252_line_after_a_megabyte_of_utf8_is_named(self, tmp_path):
        path = tmp_path / "mixed.jsonl"
        rows = b"".join((json.dumps({"id": f"u{i}", "text": f"{BODY} ({i})"}, ensure_ascii=False) + "\n").encode()
                        for i in range(9_000))
        assert len(rows) > 1_200_000
        path.write_bytes(rows + (json.dumps({"id": "legacy", "text": "Une visite à Hanoï."}, ensure_ascii=False)
                                 + "\n").encode("cp1252"))
        corpus = load(path)
        legacy = corpus.articles.set_index("article_id").loc["legacy"]
        assert legacy["text"] == "Une visite à Hanoï." and legacy["encoding"] == "cp1252"
        assert (corpus.articles["encoding"] == "utf-8").sum() == 9_000
        assert "mixed.jsonl:9001: not UTF-8 on line(s) 9001" in messages(corpus, "warning")

    def test_a_sentence_repeated_later_is_article_text_and_both_copies_stay(self):
        # Issue 13's contract: a repeated sentence is text an author chose to repeat (a refrain,
        # a quote recalled); only furniture ("Share", "Advertisement") repeated is removed.
        repeated = "Le ministre a rappelé les liens historiques entre les deux pays frères."
        cleaned = clean_text(f"{repeated}\n\nUn autre paragraphe au milieu du texte, assez long.\n\n{repeated}",
                             find_title=False)
        assert cleaned.paragraphs == [repeated, "Un autre paragraphe au milieu du texte, assez long.", repeated]

    def test_repeated_furniture_keeps_its_first_copy(self):
        cleaned = clean_text(f"Partager\n\n{BODY}\n\nPartager", find_title=False)
        assert cleaned.paragraphs == ["Partager", BODY]

    def test_an_article_of_two_identical_paragraphs_keeps_one(self, tmp_path):
        # The lead printed again as the first paragraph is a standfirst: one copy stays, the
        # other is listed in `removed`, never both gone (it used to drop the whole article).
        (tmp_path / "twice.txt").write_text(f"{BODY}\n\n{BODY}", encoding="utf-8")
        corpus = load(tmp_path)
        assert corpus.articles["text"].tolist() == [BODY]
        assert corpus.removed["reason"].tolist() == ["duplicate-standfirst"]

    @pytest.mark.parametrize("errors", ["warn", "ignore"])
    def test_nul_and_control_bytes_name_the_line_not_the_file(self, tmp_path, errors):
        path = tmp_path / "ctl.jsonl"
        path.write_bytes(b"".join([
            (json.dumps({"id": "a", "text": BODY}) + "\n").encode(),
            b'{"id": "nul", "text": "bad\x00bytes"}\n',
            (json.dumps({"id": "ctl", "text": "esc \x01\x02\x03 here"}) + "\n").encode(),
            (json.dumps({"id": "b", "text": OTHER}) + "\n").encode()]))
        corpus = load(path, errors=errors)
        assert list(corpus.articles["article_id"]) == ["a", "b"]
        assert {"ctl.jsonl:2", "ctl.jsonl:3"} <= {m.rsplit(":", 1)[0] for m in messages(corpus).split("\n")
                                                   if m.startswith("ctl.jsonl")} | {
            f"{p}:{n}" for p, n in zip(corpus.problems["path"], corpus.problems["line"])}

    def test_nul_in_one_csv_row_names_the_row(self, tmp_path):
        path = tmp_path / "ctl.csv"
        path.write_bytes(b'id,text\na,"' + BODY.encode() + b'"\nnul,"bad\x00bytes"\nb,"' + OTHER.encode() + b'"\n')
        corpus = load(path)
        assert list(corpus.articles["article_id"]) == ["a", "b"]
        assert "ctl.csv:3: control characters" in messages(corpus, "error")

    @pytest.mark.parametrize("name", ["empty.jsonl", "empty.csv"])
    def test_an_empty_jsonl_or_csv_file_is_named(self, tmp_path, name):
        (tmp_path / name).write_bytes(b"")
        corpus = load(tmp_path / name)
        assert corpus.articles.empty and f"{name}:: empty file" in messages(corpus, "error")

    def test_objects_and_arrays_as_fields_are_refused_by_name_not_stringified(self, tmp_path):
        path = write_jsonl(tmp_path / "typed.jsonl", [
            {"id": {"nested": 1}, "text": BODY},
            {"id": "t", "title": ["a", "list"], "language": ["fr"], "text": OTHER},
            {"id": 7, "text": BODY}])
        corpus = load(path)
        articles = corpus.articles.set_index("article_id")
        assert list(articles.index) == ["t", "7"]
        assert "['" not in str(articles.loc["t", "title"]) and articles.loc["t", "language"] == "fr"
        found = messages(corpus)
        assert "typed.jsonl:1: field `id` is a JSON dict" in found
        assert "typed.jsonl:2: field `title` is a JSON list" in found and "field `language` is a JSON list" in found

    def test_unicode_line_separators_stay_inside_the_paragraph(self, tmp_path):
        (tmp_path / "sep.txt").write_text(f"Un titre\u2028sur deux lignes\n\n{BODY}\u2029Suite du paragraphe.",
                                          encoding="utf-8")
        corpus = load(tmp_path)
        assert corpus.articles["title"][0] == "Un titre sur deux lignes"
        assert corpus.articles["text"][0] == f"{BODY}\u2029Suite du paragraphe."


# ---------------------------------------------------------------- 4. nothing followed outside the corpus


class TestOutsideTheCorpus:
    def test_symlink_to_a_file_outside_is_refused_by_name(self, tmp_path):
        outside = tmp_path / "outside.txt"
        outside.write_text(OTHER, encoding="utf-8")
        corpus_dir = tmp_path / "corpus"
        corpus_dir.mkdir()
        (corpus_dir / "a.txt").write_text(BODY, encoding="utf-8")
        (corpus_dir / "link.txt").symlink_to(outside)
        (corpus_dir / "inside.txt").symlink_to(corpus_dir / "a.txt")
        corpus = load(corpus_dir)
        assert sorted(corpus.articles["article_id"]) == ["a", "inside"]
        assert "link.txt:: symbolic link to a file outside the corpus folder" in messages(corpus, "error")

    def test_manifest_path_outside_is_refused_not_applied_to_the_local_file(self, tmp_path):
        (tmp_path / "b.txt").write_text(OTHER, encoding="utf-8")
        (tmp_path / "manifest.csv").write_text("file,title\n../elsewhere/b.txt,Wrong title\n", encoding="utf-8")
        corpus = load(tmp_path)
        assert corpus.articles["title"].fillna("")[0] != "Wrong title"
        assert "manifest.csv:2: `file` '../elsewhere/b.txt' is outside the corpus folder" in messages(corpus)

    @pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd"])
    def test_non_web_urls_are_dropped_at_load(self, tmp_path, url):
        (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
        (tmp_path / "manifest.csv").write_text(f'file,url\na.txt,"{url}"\n', encoding="utf-8")
        corpus = load(tmp_path)
        assert corpus.articles["url"].isna().all() and "is not an http(s) address" in messages(corpus, "warning")
        path = write_jsonl(tmp_path / "urls.jsonl", [{"id": "j", "url": url, "text": BODY}])
        assert load(path).articles["url"].isna().all()

    def test_same_stem_and_nfc_nfd_names_get_unique_ids(self, tmp_path):
        (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
        (tmp_path / "a.md").write_text(OTHER, encoding="utf-8")
        nfc, nfd = unicodedata.normalize("NFC", "dépêche"), unicodedata.normalize("NFD", "dépêche")
        (tmp_path / f"{nfc}.txt").write_text(BODY + " Un.", encoding="utf-8")
        (tmp_path / f"{nfd}.txt").write_text(OTHER + " Deux.", encoding="utf-8")
        corpus = load(tmp_path)
        ids = corpus.articles["article_id"].tolist()
        assert len(ids) == 4 and len(set(ids)) == 4
        assert {"a", "a-txt", nfc, f"{nfc}-2"} == set(ids)  # a.md sorts first; NFD sorts before NFC
        assert messages(corpus, "warning").count("another file already has the article id") == 2

    @pytest.mark.parametrize("content, reason", [
        ("<!DOCTYPE html>\n<html><head><title>x</title></head><body><p>Texte</p></body></html>", "HTML page"),
        ("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF", "PDF file")])
    def test_html_and_pdf_saved_as_txt_are_refused_with_the_reason(self, tmp_path, content, reason):
        (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
        (tmp_path / "saved.txt").write_text(content, encoding="latin-1")
        corpus = load(tmp_path)
        assert corpus.articles["article_id"].tolist() == ["a"]
        assert "saved.txt:: not an article:" in messages(corpus, "error") and reason in messages(corpus, "error")


# ---------------------------------------------------------------- annotate: bad values, 5. the cache heals


def stub_engine(paragraphs, *, language, batch_size=64, **options):
    """Engine stand-in: one sentence and one token per paragraph (no model needed)."""
    return [{"sentences": [(0, len(p))],
             "tokens": [{"sentence": 0, "start_char": 0, "end_char": len(p), "text": p, "word": p, "lemma": p,
                         "upos": "X", "head": 0, "deprel": "root"}],
             "mentions": []} for p in paragraphs]


@pytest.fixture
def stubbed(monkeypatch):
    monkeypatch.setattr(spacy_engine, "annotate_paragraphs", stub_engine)
    return dict(engine="spacy", progress=False, gazetteer=False, propagate=False)


def small_articles():
    return pd.DataFrame({"article_id": ["a", "b"], "text": [BODY, OTHER], "language": ["fr", "fr"]})


class TestAnnotateInput:
    def test_text_na_or_int_is_refused_by_name_before_any_work(self, stubbed, tmp_path, monkeypatch):
        monkeypatch.setattr(spacy_engine, "annotate_paragraphs", lambda *a, **k: pytest.fail("worked"))
        articles = small_articles().astype(object)
        articles.loc[1, "text"] = pd.NA
        with pytest.raises(ValueError, match=r"articles.text.*'b' \(missing\)"):
            tk.annotate(articles, cache_dir=tmp_path, **stubbed)
        articles.loc[1, "text"] = 3
        with pytest.raises(ValueError, match=r"'b' \(int\)"):
            tk.annotate(articles, cache_dir=tmp_path, **stubbed)

    def test_integer_ids_are_refused_before_any_work(self, stubbed, tmp_path, monkeypatch):
        monkeypatch.setattr(spacy_engine, "annotate_paragraphs", lambda *a, **k: pytest.fail("worked"))
        articles = small_articles().assign(article_id=[1, 2])
        with pytest.raises(ValueError, match="article_id` must be text"):
            tk.annotate(articles, cache_dir=tmp_path, **stubbed)


def rewrite_parts(cache_dir, damage):
    [part] = list(cache_dir.rglob("part-*.parquet"))
    damage(part)
    return part


def flip_bytes(path):
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle - 200:middle + 200] = bytes(b ^ 0xFF for b in data[middle - 200:middle + 200])
    path.write_bytes(bytes(data))


class TestCacheHeals:
    @pytest.mark.parametrize("damage", [
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # truncated
        flip_bytes,  # corrupted inside
        lambda p: pq.write_table(pa.table({"key": pq.read_table(p, columns=["key"]).column("key")}), p),  # key only
        lambda p: pq.write_table(pq.read_table(p).set_column(
            pq.read_table(p).schema.get_field_index("start_char"), "start_char",
            pa.array(["x"] * pq.read_table(p).num_rows)), p),  # wrong type
    ], ids=["truncated", "flipped", "key-only", "wrong-type"])
    def test_a_damaged_part_is_named_moved_aside_and_rebuilt_once(self, stubbed, tmp_path, damage):
        articles = small_articles()
        first = tk.annotate(articles, cache_dir=tmp_path, **stubbed)
        part = rewrite_parts(tmp_path, damage)
        with pytest.warns(AnnotationWarning, match=part.name):
            again = tk.annotate(articles, cache_dir=tmp_path, **stubbed)
        pd.testing.assert_frame_equal(first.tokens, again.tokens)
        assert (part.parent / (part.name + ".bad")).exists() and not part.exists()
        with warnings.catch_warnings():
            warnings.simplefilter("error", AnnotationWarning)  # healed: no warning on the next run
            tk.annotate(articles, cache_dir=tmp_path, **stubbed)

    def test_a_cache_path_that_is_a_file_fails_before_any_work(self, stubbed, tmp_path, monkeypatch):
        monkeypatch.setattr(spacy_engine, "annotate_paragraphs", lambda *a, **k: pytest.fail("worked"))
        path = tmp_path / "cache-file"
        path.write_text("not a folder")
        with pytest.raises(ValueError, match="cache-file.*is a file"):
            tk.annotate(small_articles(), cache_dir=path / "annotations", **stubbed)


# ---------------------------------------------------------------- 6. analysis functions


class TestAnalysisChecks:
    def test_require_known_ids_names_the_unknown(self):
        articles = small_articles()
        with pytest.raises(ValueError, match=r"`mentions` refers to 1 article_id.*'zz'"):
            require_known_ids(articles, mentions=pd.DataFrame({"article_id": ["a", "zz"]}), tokens=None)
        require_known_ids(articles, tokens=pd.DataFrame({"article_id": ["a"]}))

    def test_extract_quotes_refuses_mentions_of_unknown_articles(self, stubbed, tmp_path):
        articles = small_articles()
        _, tokens, mentions = tk.annotate(articles, cache_dir=tmp_path, **stubbed)
        stranger = pd.concat([mentions, mentions.head(0).reindex([0]).assign(article_id="zz")], ignore_index=True)
        with pytest.raises(ValueError, match="zz"):
            tk.extract_quotes(tokens, stranger, articles)

    def test_cluster_stories_refuses_sentences_of_unknown_articles(self):
        articles = small_articles()
        sentences = pd.DataFrame({"article_id": ["a", "zz"], "sentence_id": [0, 0], "text": [BODY, OTHER]})
        with pytest.raises(ValueError, match="zz"):
            tk.cluster_stories(articles, sentences=sentences)

    def test_keyness_refuses_a_group_with_no_counted_words(self):
        articles = small_articles().assign(outlet=["VNA", "PL"])
        tokens = pd.DataFrame({"article_id": ["a"] * 3 + ["b"] * 2, "text": ["ministre", "sécurité", "accord", "le", "la"],
                               "lemma": ["ministre", "sécurité", "accord", "le", "la"],
                               "upos": ["NOUN", "NOUN", "NOUN", "DET", "DET"]})
        with np.errstate(all="raise"), pytest.raises(ValueError, match="keyness.*'PL'"):
            tk.keyness(tokens, articles, by="outlet", min_count=1, min_articles=1, min_words=1)

    def test_highlight_entities_of_none_names_the_argument(self):
        with pytest.raises(TypeError, match="`text` must be a str, got NoneType"):
            tk.highlight_entities(None, pd.DataFrame(columns=["start_char", "end_char", "entity_type"]))
