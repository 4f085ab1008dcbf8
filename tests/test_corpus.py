"""Tests for toolkit.corpus: loading, metadata inference and bad input, on the seeds and synthetic files."""

from __future__ import annotations

import codecs
import hashlib
import json
import shutil
import sys
import warnings

import pandas as pd
import pytest

import toolkit as tk
from toolkit.cleaning import REASONS
from toolkit.corpus import decode_bytes, parse_date, parse_dateline

SEED_IDS = ["000_97c0297dd02cef28", "001_bca5567595f81341", "002_a616652f9ed4872e",
            "003_3f9ce869d2ecad74", "004_8ba951dc44bfccf3"]


def nonspace(s: str) -> str:
    return "".join(s.split())


def by_id(articles, column):
    return dict(zip(articles["article_id"], articles[column]))


class TestSeedCorpus:
    def test_contract(self, articles, removed, seed_corpus):
        assert list(articles.columns) == tk.ARTICLE_COLUMNS
        assert list(removed.columns) == tk.REMOVED_COLUMNS
        assert list(seed_corpus.problems.columns) == tk.PROBLEM_COLUMNS
        assert articles["article_id"].tolist() == SEED_IDS
        assert articles["article_id"].is_unique
        assert str(articles["published"].dtype).startswith("datetime64")
        assert (articles["n_words"] > 200).all()
        assert seed_corpus.problems.empty

    def test_titles(self, articles):
        titles = by_id(articles, "title")
        assert titles["000_97c0297dd02cef28"] == "Le Vietnam et Cuba renforcent leur coopération en matière de sécurité"
        assert titles["001_bca5567595f81341"] == "Việt Nam, Cuba strengthen security cooperation"
        assert titles["002_a616652f9ed4872e"] == "Le ministre cubain de l'Intérieur effectue une importante visite au Viêt Nam"
        assert titles["004_8ba951dc44bfccf3"].startswith("Le ministère vietnamien de la Sécurité publique coopère")

    def test_languages(self, articles):
        assert by_id(articles, "language") == {i: ("en" if i.startswith("001") else "fr") for i in SEED_IDS}

    def test_datelines_and_dates(self, articles):
        assert by_id(articles, "dateline") == {
            "000_97c0297dd02cef28": pd.NA, "001_bca5567595f81341": "Havana", "002_a616652f9ed4872e": "Hanoï",
            "003_3f9ce869d2ecad74": "La Havane", "004_8ba951dc44bfccf3": "Hanoï"}
        row = articles.set_index("article_id")
        assert row.loc["001_bca5567595f81341", "published"] == pd.Timestamp("2024-10-27")
        assert row.loc["001_bca5567595f81341", "date_text"] == "October 27, 2024"
        assert row.loc["002_a616652f9ed4872e", "date_text"] == "16 mai"
        assert pd.isna(row.loc["002_a616652f9ed4872e", "published"])  # partial date, no year

    def test_outlets_inferred_from_text_alone(self, tmp_path):
        for f in tk.SEEDS.glob("*.txt"):
            shutil.copy(f, tmp_path)  # no manifest: everything comes from the text
        articles = tk.load_corpus(tmp_path).articles
        assert by_id(articles, "outlet") == {
            "000_97c0297dd02cef28": pd.NA, "001_bca5567595f81341": "VNS", "002_a616652f9ed4872e": "RHC",
            "003_3f9ce869d2ecad74": "VNA", "004_8ba951dc44bfccf3": "VNA"}
        evidence = by_id(articles, "outlet_evidence")
        assert evidence["002_a616652f9ed4872e"].startswith("masthead footer")
        assert evidence["003_3f9ce869d2ecad74"] == "dateline (VNA)"
        assert evidence["001_bca5567595f81341"].startswith("sign-off")
        assert by_id(articles, "outlet_country")["002_a616652f9ed4872e"] == "Cuba"

    def test_no_related_article_text_left(self, articles):
        for text in articles["text"]:
            for stray in ("Voir plus", "Gaza", "Paksé", "UNECE", "Trump", "Photo", "ảnh", "Home Politics",
                          "20:13", "radiohc", "**", "---"):
                assert stray not in text, stray

    def test_hard_wrapped_lines_rejoined(self, articles):
        text = by_id(articles, "text")["002_a616652f9ed4872e"]
        assert "de plus en plus consolidée et développée" in text
        assert "dans la relation de coopération entre les deux pays" in text

    def test_no_spelling_fixed(self, articles, removed):
        text = by_id(articles, "text")["003_3f9ce869d2ecad74"]
        assert "Trân Quôc To exprimé sa gratitude" in text  # the missing "a" stays missing
        standfirst = removed[(removed["article_id"] == "003_3f9ce869d2ecad74")
                             & (removed["reason"] == "duplicate-standfirst")]
        assert standfirst["text"].str.startswith("ne délégation").tolist() == [True]

    def test_standfirst_and_captions_removed_once(self, articles, removed):
        text = by_id(articles, "text")["001_bca5567595f81341"]
        assert text.count("The two parties committed to enhancing cooperation") == 1
        assert text.startswith("HAVANA – A high-level delegation")
        captions = removed[removed["reason"] == "caption"].groupby("article_id").size().to_dict()
        assert captions == {"001_bca5567595f81341": 1, "003_3f9ce869d2ecad74": 2, "004_8ba951dc44bfccf3": 3}

    def test_nothing_lost(self, articles, removed):
        """Body + removed spans account for every non-whitespace character of the raw file."""
        for article in articles.itertuples():
            spans = removed[removed["article_id"] == article.article_id].sort_values("start_char")
            kept, pos = [], 0
            for span in spans.itertuples():
                assert span.start_char >= pos, "removed spans overlap"
                assert article.raw[span.start_char:span.end_char] == span.text
                kept.append(article.raw[pos:span.start_char])
                pos = span.end_char
            kept.append(article.raw[pos:])
            assert nonspace("".join(kept)) == nonspace(article.text), article.article_id

    def test_removed_reasons_are_known(self, removed):
        assert set(removed["reason"]) <= set(REASONS)
        assert (removed["end_char"] > removed["start_char"]).all()

    def test_raw_is_the_file_unchanged(self, articles):
        for article in articles.itertuples():
            assert article.raw == (tk.SEEDS / f"{article.article_id}.txt").read_text(encoding="utf-8")

    def test_input_never_written(self, tmp_path):
        corpus = shutil.copytree(tk.SEEDS, tmp_path / "seeds")

        def state():
            return {p.relative_to(corpus): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
                    for p in sorted(corpus.rglob("*")) if p.is_file()}

        before = state()
        tk.load_corpus(corpus)
        assert state() == before and len(before) == 7  # 5 articles, the manifest, the gold file


def test_control_characters_in_a_jsonl_text_are_found_whatever_their_spelling(tmp_path):
    body = "Hanoï (VNA) - Un paragraphe tout à fait normal, avec assez de mots pour faire un article."
    path = tmp_path / "ctl.jsonl"
    path.write_bytes(b"".join((json.dumps(row, ensure_ascii=ascii) + "\n").encode() for row, ascii in [
        ({"id": "escaped", "text": body}, True),  # é written \u00e9: loaded
        ({"id": "backspace", "text": body + " \b"}, False),  # written \b
        ({"id": "del", "text": body + " \x7f"}, False),  # DEL written as it is (JSON allows it)
        ({"id": "del-escaped", "text": body + " \x7f"}, True),  # written \u007f
        ({"id": "c0", "text": body + " \x01"}, False),  # written \u0001, the line's only escape
        ({"id": "tab", "text": body + "\tFin."}, False)]))
    corpus = tk.load_corpus(path, errors="ignore", progress=False)
    assert list(corpus.articles["article_id"]) == ["escaped", "tab"]
    assert sorted(corpus.problems["article_id"]) == ["backspace", "c0", "del", "del-escaped"]
    assert corpus.problems["message"].str.startswith("control characters").all()


class TestManifest:
    def test_manifest_overrides_and_conflicts_are_reported(self, tmp_path):
        for f in tk.SEEDS.glob("*.txt"):
            shutil.copy(f, tmp_path)
        (tmp_path / "manifest.csv").write_text(
            "file,outlet,published,notes\n003_3f9ce869d2ecad74.txt,AFP,2024-10-28,test\n"
            "999_missing.txt,VNA,,\n", encoding="utf-8")
        with pytest.warns(tk.CorpusWarning):
            corpus = tk.load_corpus(tmp_path)
        row = corpus.articles.set_index("article_id").loc["003_3f9ce869d2ecad74"]
        assert row["outlet"] == "AFP" and row["outlet_country"] == "France"
        assert row["published"] == pd.Timestamp("2024-10-28")
        conflicts = corpus.problems[corpus.problems["kind"] == "conflict"]
        assert len(conflicts) == 1 and "VNA" in conflicts["message"].iloc[0] and "AFP" in conflicts["message"].iloc[0]
        assert corpus.problems["message"].str.contains("999_missing").any()

    def test_user_outlet_registry(self, tmp_path):
        (tmp_path / "a.txt").write_text("Titre\n\nParis (XYZ) - Le texte de l'article est ici, avec assez de mots.",
                                        encoding="utf-8")
        (tmp_path / "outlets.csv").write_text("code,name,country\nXYZ,Gazette XYZ,France\n", encoding="utf-8")
        row = tk.load_corpus(tmp_path).articles.iloc[0]
        assert (row["outlet"], row["outlet_name"], row["dateline"]) == ("XYZ", "Gazette XYZ", "Paris")


class TestBadInput:
    @pytest.fixture()
    def messy(self, tmp_path):
        (tmp_path / "good.txt").write_text("Un titre\n\nHanoï (VNA) - Un paragraphe tout à fait normal.", encoding="utf-8")
        (tmp_path / "empty.txt").write_bytes(b"")
        (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
        (tmp_path / "boilerplate.txt").write_text("Home > News\n\n---\n\n<https://example.org/a>\n", encoding="utf-8")
        (tmp_path / "latin.txt").write_bytes("Titre\n\nLe ministère a décidé de coopérer.".encode("cp1252"))
        (tmp_path / "bom.txt").write_bytes(codecs.BOM_UTF8 + "Titre\n\nTexte accentué, déjà.".encode("utf-8"))
        (tmp_path / "utf16.txt").write_bytes("Titre\n\nTexte accentué en UTF-16.".encode("utf-16"))
        return tmp_path

    def test_problems_named_and_rest_loads(self, messy):
        with pytest.warns(tk.CorpusWarning) as caught:
            corpus = tk.load_corpus(messy)
        assert sorted(corpus.articles["article_id"]) == ["bom", "good", "latin", "utf16"]
        messages = dict(zip(corpus.problems["path"], corpus.problems["message"]))
        assert messages["empty.txt"] == "empty file"
        assert "binary" in messages["binary.txt"]
        assert "boilerplate" in messages["boilerplate.txt"]
        assert "cp1252" in messages["latin.txt"]
        assert any("binary.txt" in str(w.message) for w in caught)
        texts = by_id(corpus.articles, "text")
        assert texts["latin"] == "Le ministère a décidé de coopérer."
        assert texts["bom"] == "Texte accentué, déjà." and texts["utf16"] == "Texte accentué en UTF-16."

    def test_errors_raise(self, messy):
        with pytest.raises(tk.CorpusError, match=r"binary\.txt|boilerplate\.txt|empty\.txt"):
            tk.load_corpus(messy, errors="raise")

    def test_missing_folder(self, tmp_path):
        with pytest.raises(tk.CorpusError, match="nowhere"):
            tk.load_corpus(tmp_path / "nowhere")

    def test_bad_errors_value(self, tmp_path):
        with pytest.raises(ValueError, match="`errors` must be one of"):
            tk.load_corpus(tmp_path, errors="skip")

    def test_dateline_below_a_print_headline(self, tmp_path):
        # The body opens with a print headline that differs from the title field, so it stays; the dateline of the
        # paragraph below is the article's. Below a sentence, a dateline-shaped paragraph is not read.
        body = "WASHINGTON — The Senate voted on Monday to extend the program for a year.\n\nIt passed easily."
        path = tmp_path / "a.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in [
            {"id": "a", "title": "Senate extends program", "text": "Senate Votes to Extend Program\n\n" + body},
            {"id": "b", "title": "Senate extends program", "text": "The vote came late in the day.\n\n" + body}]),
            encoding="utf-8")
        articles = tk.load_corpus(path, progress=False).articles
        assert by_id(articles, "text")["a"].startswith("Senate Votes to Extend Program\n\n")
        assert articles["dateline"].iloc[0] == "Washington" and pd.isna(articles["dateline"].iloc[1])

    def test_jsonl(self, tmp_path):
        path = tmp_path / "articles.jsonl"
        lines = [json.dumps({"id": "a1", "title": "T1", "text": "Hanoï (VNA) - Le texte un, en français.", "outlet": "VNA"}),
                 "{not json",
                 json.dumps({"id": "a2", "text": "HAVANA – The second text, in English, is here.", "published": "2024-05-16"}),
                 json.dumps({"id": "a3", "text": ""})]
        path.write_text("\n".join(lines), encoding="utf-8")
        with pytest.warns(tk.CorpusWarning, match=r"articles\.jsonl:2: malformed JSON"):
            corpus = tk.load_corpus(path)
        assert corpus.articles["article_id"].tolist() == ["a1", "a2"]
        assert by_id(corpus.articles, "title")["a1"] == "T1"
        assert by_id(corpus.articles, "language") == {"a1": "fr", "a2": "en"}
        assert by_id(corpus.articles, "published")["a2"] == pd.Timestamp("2024-05-16")
        assert corpus.problems["line"].tolist() == [2, 4]

    @pytest.mark.parametrize("progress", [False, True])
    def test_warning_points_at_the_callers_line(self, tmp_path, progress):
        # A bad line is found deep in the reader (behind tqdm's bar when it shows): the warning still names the
        # line of the user's load_corpus call, so `warnings.filterwarnings(module=...)` and the notebook's
        # "file:line" point at the user's code, not at the toolkit or tqdm.
        path = tmp_path / "articles.jsonl"
        path.write_text('{"id": "a1", "text": "Un texte."}\n{not json\n', encoding="utf-8")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            line = sys._getframe().f_lineno + 1
            tk.load_corpus(path, progress=progress)
        found = [w for w in caught if issubclass(w.category, tk.CorpusWarning)]
        assert [(w.filename, w.lineno) for w in found] == [(__file__, line)]

    def test_csv(self, tmp_path):
        path = tmp_path / "articles.csv"
        path.write_text('id,title,text\nb1,Titre,"Un texte, avec une virgule."\nb2,Trop,de,champs\n'
                        'b3,Titre 3,"Un texte\nsur deux lignes."\n', encoding="utf-8")
        with pytest.warns(tk.CorpusWarning, match=r"articles\.csv:3: malformed CSV row: expected 3 fields, got 4"):
            corpus = tk.load_corpus(path)
        assert by_id(corpus.articles, "text") == {"b1": "Un texte, avec une virgule.", "b3": "Un texte sur deux lignes."}

    def test_csv_without_text_column(self, tmp_path):
        path = tmp_path / "articles.csv"
        path.write_text("id,body\n1,hello\n", encoding="utf-8")
        with pytest.raises(tk.CorpusError, match=r"articles\.csv: .*`text` column"):
            tk.load_corpus(path)


class TestHelpers:
    @pytest.mark.parametrize("text, expected", [
        ("October 27, 2024 - 20:13", ("October 27, 2024", pd.Timestamp("2024-10-27"))),
        ("le 27 octobre 2025.", ("27 octobre 2025", pd.Timestamp("2025-10-27"))),
        ("Hanoï, 16 mai", ("16 mai", None)),
        ("1er mai 2024", ("1er mai 2024", pd.Timestamp("2024-05-01"))),
        ("no date here", ("", None)),
    ])
    def test_parse_date(self, text, expected):
        assert parse_date(text) == expected

    @pytest.mark.parametrize("paragraph, place, code", [
        ("La Havane (VNA) - Une délégation", "La Havane", "VNA"),
        ("Hanoï, 16 mai (RHC) Le ministre", "Hanoï", "RHC"),
        ("HAVANA – A high-level delegation", "Havana", ""),
        ("Une délégation du ministère vietnamien", "", ""),
        # Doubled dashes (typewriter style, HuffPost) and a long dash touching the first word.
        ("WASHINGTON -- The Senate voted.", "Washington", ""),
        ("DANVILLE, Ky. –- Joe Biden spoke.", "Danville", ""),
        ("WASHINGTON—Joining a chorus of bishops", "Washington", ""),
        ("PARIS (AFP) -- Le gouvernement", "Paris", "AFP"),
        # A hyphen touching a word is part of it, and a long dash in a sentence opening in capitals is no dateline.
        ("NEW YORK-based firms grew.", "", ""),
        ("WASHINGTON—and its allies", "", ""),
        ("U.S.—China trade talks resumed.", "", ""), ("EU—Canada deal signed.", "", ""),
        ("NATO—Russia Council met.", "", ""), ("FBI—The bureau said.", "", ""), ("I—I don't know.", "", ""),
    ])
    def test_parse_dateline(self, paragraph, place, code):
        found = parse_dateline(paragraph)
        assert (found["place"], found["code"]) == (place, code)

    def test_decode_rejects_binary(self):
        with pytest.raises(tk.CorpusError, match="binary"):
            decode_bytes(b"\x00\x01\x02abc" * 10)


class TestStreaming:
    def test_chunked_loading_gives_the_same_tables(self, monkeypatch, seed_corpus):
        whole = seed_corpus
        monkeypatch.setattr(tk.corpus.loading, "CHUNK_SIZE", 2)
        chunked = tk.load_corpus(tk.SEEDS)
        pd.testing.assert_frame_equal(whole.articles, chunked.articles)
        pd.testing.assert_frame_equal(whole.removed, chunked.removed)

    def test_two_worker_processes_give_the_tables_of_one(self, tmp_path, monkeypatch, seed_corpus):
        # Chunks of 7 articles go to two spawned workers; the corpus-level pass (lines recurring across articles)
        # is made once over every article, so a furniture line spread over chunks is removed in all of them.
        monkeypatch.setattr(tk.corpus.loading, "CHUNK_SIZE", 7)
        raws = list(seed_corpus.articles["raw"])
        path = tmp_path / "mixed.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for i in range(40):
                if i == 17:
                    handle.write("{broken\n")
                    continue
                paragraphs = raws[i % len(raws)].split("\n\n")
                paragraphs.insert(1 + i % 3, "Partager sur Facebook")  # recurs across chunks
                handle.write(json.dumps({"id": f"m{i}", "text": "\n\n".join(paragraphs[: 4 + i % 5]) + f"\n\n[{i}]",
                                         "genre": "brève" if i % 2 else None}, ensure_ascii=False) + "\n")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", tk.CorpusWarning)
            one = tk.load_corpus(path, progress=False, processes=1)
            two = tk.load_corpus(path, progress=False, processes=2)
        assert len(one.articles) == 39 and (one.removed["reason"] == "repeated-across-articles").sum() >= 39
        pd.testing.assert_frame_equal(one.articles, two.articles)
        pd.testing.assert_frame_equal(one.removed, two.removed)
        pd.testing.assert_frame_equal(one.problems, two.problems)

    @pytest.mark.parametrize("broken", [False, True])
    def test_a_small_corpus_is_read_once_and_loads_as_when_read_twice(self, tmp_path, monkeypatch, seed_corpus,
                                                                       broken):
        # The first pass keeps the records of a corpus of at most KEEP_FIRST_PASS_CHARS characters for the second;
        # a corpus with a problem to report (in order with the cleaning's), or a larger one, is read twice.
        loading = tk.corpus.loading
        monkeypatch.setattr(loading, "CHUNK_SIZE", 3)
        raws = list(seed_corpus.articles["raw"])
        lines = [json.dumps({"id": f"s{i}", "text": f"{raws[i % 5]}\n\nPartager sur Facebook\n\n[{i}]"},
                            ensure_ascii=False) for i in range(8)]
        if broken:
            lines.insert(4, "{broken")
        path = tmp_path / "small.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        real, read = loading.read_any_records, []

        def counted(*args, **kwargs):
            for record in real(*args, **kwargs):
                read.append(record.article_id)
                yield record

        monkeypatch.setattr(loading, "read_any_records", counted)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", tk.CorpusWarning)
            kept = tk.load_corpus(path, progress=False, processes=1)
            assert len(read) == (16 if broken else 8)
            read.clear()
            monkeypatch.setattr(loading, "KEEP_FIRST_PASS_CHARS", sum(map(len, raws)))  # fewer than the corpus's
            twice = tk.load_corpus(path, progress=False, processes=1)
        assert len(read) == 16
        assert (kept.removed["reason"] == "repeated-across-articles").sum() == 8
        assert list(kept.problems["line"]) == ([5] if broken else [])
        for a, b in zip(kept, twice):
            pd.testing.assert_frame_equal(a, b, check_exact=True)

    def test_large_jsonl_streams_with_line_numbers(self, tmp_path, monkeypatch):
        monkeypatch.setattr(tk.corpus.loading, "CHUNK_SIZE", 50)
        path = tmp_path / "many.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for i in range(300):
                line = "{broken" if i == 123 else json.dumps({"id": f"n{i}", "text": f"Hanoï (VNA) - Dépêche numéro {i}, en français."})
                handle.write(line + "\n")
        with pytest.warns(tk.CorpusWarning, match=r"many\.jsonl:124: malformed JSON"):
            corpus = tk.load_corpus(path, progress=False)
        assert len(corpus.articles) == 299 and corpus.articles["article_id"].is_unique
        assert set(corpus.articles["outlet"]) == {"VNA"}

    def test_csv_in_cp1252_streams_with_one_warning(self, tmp_path):
        path = tmp_path / "legacy.csv"
        path.write_bytes("id,text\nc1,\"Le ministère a décidé.\"\nc2,\"Coopération renforcée, déjà.\"\n".encode("cp1252"))
        with pytest.warns(tk.CorpusWarning, match="cp1252"):
            corpus = tk.load_corpus(path)
        assert by_id(corpus.articles, "text") == {"c1": "Le ministère a décidé.", "c2": "Coopération renforcée, déjà."}
        assert (corpus.problems["kind"] == "warning").sum() == 1

    def test_utf16_jsonl(self, tmp_path):
        path = tmp_path / "wide.jsonl"
        path.write_bytes((json.dumps({"id": "w1", "text": "Texte accentué, en UTF-16."}, ensure_ascii=False) + "\n").encode("utf-16"))
        assert by_id(tk.load_corpus(path).articles, "text") == {"w1": "Texte accentué, en UTF-16."}


class TestWebArticles:
    """Issue 13: own fields, outlets, datelines and corpus-level boilerplate through load_corpus."""

    BODY = "The council met on Tuesday and voted the budget after a long debate."

    def _jsonl(self, tmp_path, rows):
        path = tmp_path / "articles.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        return path

    def test_own_fields_become_columns(self, tmp_path):
        path = self._jsonl(tmp_path, [
            {"id": "a", "text": self.BODY, "genre": "opinion", "frames": ["Economic"], "raw": "mine"},
            {"id": "b", "text": self.BODY + " More.", "genre": "reporting", "event_id": 7}])
        articles = tk.load_corpus(path, progress=False, errors="ignore").articles
        assert list(articles.columns[:len(tk.corpus.ARTICLE_COLUMNS)]) == tk.corpus.ARTICLE_COLUMNS
        assert articles["genre"].tolist() == ["opinion", "reporting"]
        assert articles["frames"].iloc[0] == ["Economic"]
        assert articles["field_raw"].iloc[0] == "mine" and articles["raw"].iloc[0] == self.BODY
        assert pd.isna(articles["event_id"].iloc[0]) and articles["event_id"].iloc[1] == 7

    def test_outlet_spellings_resolve_and_unknown_warns_once(self, tmp_path):
        rows = [{"id": f"x{k}", "text": f"{self.BODY} ({k})", "outlet": o}
                for k, o in enumerate(["fox", "FOXNEWS.COM", "INSIDER.FOXNEWS.COM", "Fox News", "nyt", "hpo",
                                       "Le Monde", "zz", "zz", "zz"])]
        corpus = tk.load_corpus(self._jsonl(tmp_path, rows), progress=False, errors="ignore")
        assert corpus.articles["outlet"].tolist() == ["FOXNEWS"] * 4 + ["NYT", "HUFFPOST", "LEMONDE"] + ["ZZ"] * 3
        unknown = corpus.problems[corpus.problems["message"].str.contains("not in the outlet registry")]
        assert unknown["message"].tolist() == ["outlet 'ZZ' (3 articles) is not in the outlet registry; "
                                               "add it to outlets.csv"]

    def test_acronyms_and_initials_are_not_outlets(self, tmp_path):
        rows = [{"id": "a", "text": "World Health Organization (WHO) said on Monday that cases fell."},
                {"id": "b", "text": "The American Medical Association (AMA) disagreed strongly today."},
                {"id": "c", "text": "The mayor resigned on Friday after the vote. - JB"},
                {"id": "d", "text": "La Havane (VNA) - Le ministre est arrivé."}]
        articles = tk.load_corpus(self._jsonl(tmp_path, rows), progress=False, errors="ignore").articles
        assert articles["outlet"].isna().tolist() == [True, True, True, False]

    def test_infer_outlet_reads_the_paragraphs_a_split_on_blank_lines_gives(self):
        """The sign-off is read in what follows the last blank line as ``split("\\n\\n")`` cuts it (a run of three
        line ends leaves one on the last piece), and a dateline handed over reads as the one found here."""
        from toolkit.corpus import OutletIndex, infer_outlet, load_outlets

        index = OutletIndex(load_outlets())
        for text in ["Hanoï (VNA) - Le ministre est arrivé.\n\nIl repart demain. - VNS",
                     "Le ministre est arrivé.\n\n\nIl repart demain. - VNS", "Il repart demain. - VNS",
                     "Le ministre est arrivé.\n\nIl repart demain. - JB", ""]:
            found = infer_outlet(text, text, [], index)
            assert found == infer_outlet(text, text, [], index, dateline=parse_dateline(text.split("\n\n")[0]))
            paragraphs = text.split("\n\n")
            expected = ("VNA", "dateline (VNA)") if paragraphs[0].startswith("Hanoï") else \
                ("VNS", "sign-off (- VNS)") if paragraphs[-1].endswith("VNS") else ("", "")
            assert found == expected

    @pytest.mark.parametrize("paragraph", ["Politique - Le gouvernement a présenté son budget.",
                                           "POLITICS – The budget was voted."])
    def test_section_label_is_not_a_dateline(self, paragraph):
        assert parse_dateline(paragraph)["place"] == ""

    def test_repeated_across_articles(self, tmp_path):
        reprint = "A sentence reprinted by many outlets, word for word, stays in each."
        rows = [{"id": f"r{k}", "text": f"Story {k} opens here, with its own facts.\n{reprint}\nShare on Facebook\n"
                 "Email *\nSubscribe Today!"} for k in range(4)]
        corpus = tk.load_corpus(self._jsonl(tmp_path, rows), progress=False, errors="ignore")
        assert all(reprint in text and "Share" not in text and "Email" not in text and "Subscribe" not in text
                   for text in corpus.articles["text"])
        assert set(corpus.removed["reason"]) == {"repeated-across-articles", "promo"}  # "!" ends a sentence
        corpus = tk.load_corpus(self._jsonl(tmp_path, rows[:2]), progress=False, errors="ignore")
        assert set(corpus.removed["reason"]) == {"web-form", "promo"}  # 2 articles: patterns only
        for row in corpus.removed.itertuples():
            raw = corpus.articles.set_index("article_id").loc[row.article_id, "raw"]
            assert raw[row.start_char:row.end_char] == row.text


class TestHtmlPages:
    """A folder of saved web pages loads through trafilatura; dropped blocks are audited."""

    PAGE = """<!DOCTYPE html><html><head><title>Budget voted? | The Example Times</title>
<meta property="og:title" content="Budget voted?"><meta property="og:site_name" content="The Guardian">
<link rel="canonical" href="https://www.theguardian.com/world/2024/oct/27/budget">
<meta property="article:published_time" content="2024-10-27T10:00:00Z"><script>var x = 1;</script></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Budget voted?</h1>
<p>The council met on Tuesday and voted the budget after a long debate in the town hall.</p>
<h2>What the mayor said</h2>
<p>The mayor said the vote was a relief for everyone, and the opposition agreed with her on most points.</p>
<p>Residents will see the first changes in January, when the new bus lines open across the city.</p></article>
<div class="share">Share on Facebook</div><form><label>Email *</label><button>Subscribe</button></form>
<footer>Copyright 2024 The Example Times</footer></body></html>"""

    def test_folder_of_pages(self, tmp_path):
        from toolkit.corpus.html import page_text

        (tmp_path / "page-1.html").write_text(self.PAGE, encoding="utf-8")
        (tmp_path / "page-2.htm").write_text(self.PAGE.replace("Tuesday", "Monday"), encoding="utf-8")
        articles, removed, problems = tk.load_corpus(tmp_path, progress=False, errors="ignore")
        assert articles["article_id"].tolist() == ["page-1", "page-2"]
        row = articles.iloc[0]
        assert row["title"] == "Budget voted?"
        assert row["published"] == pd.Timestamp("2024-10-27")
        assert row["url"] == "https://www.theguardian.com/world/2024/oct/27/budget"
        assert row["outlet"] == "GUARDIAN"
        assert row["raw"] == self.PAGE
        assert row["text"].split("\n\n") == [
            "The council met on Tuesday and voted the budget after a long debate in the town hall.",
            "What the mayor said",
            "The mayor said the vote was a relief for everyone, and the opposition agreed with her on most points.",
            "Residents will see the first changes in January, when the new bus lines open across the city."]
        mine = removed[removed["article_id"] == "page-1"]
        assert {"html-boilerplate", "title"} <= set(mine["reason"])
        assert any("Share on Facebook" in t for t in mine["text"])
        page = page_text(row["raw"])
        for span in mine.itertuples():
            assert page[span.start_char:span.end_char] == span.text


class TestFastPaths:
    """The loader's quick word count and language vote give the slow paths' answers."""

    TEXTS = [
        "Selon l’entretien, qu'il « a dit » : aujourd'hui 1,5 % (22–26 mai) — vice-ministre Trần.",
        "Nam's aide didn't say; O'Brien won't. ‘Quoted’ [sic] *bold* x_y ½ ² ʼtwo ʼ -dash- end.",
        "Trần Quốc Tỏ dit: l’ONU.\n\nA second paragraph, with 3,000 words...",
        "",
    ]

    @pytest.mark.parametrize("language", ["fr", "en", None, "de"])
    def test_count_words_equals_tokenizer(self, language):
        import unicodedata

        from toolkit.corpus.loading import count_words
        from toolkit.text import tokenize_words

        for text in self.TEXTS + [unicodedata.normalize("NFD", t) for t in self.TEXTS]:
            assert count_words(text, language=language) == len(tokenize_words(text, language=language))
            # A second time the pieces' counts come from memory: the same count.
            assert count_words(text, language=language) == len(tokenize_words(text, language=language))

    def test_count_words_with_a_full_piece_memory(self, monkeypatch):
        from toolkit.corpus import loading
        from toolkit.text import tokenize_words

        monkeypatch.setattr(loading, "PIECE_CACHE_SIZE", 0)
        monkeypatch.setattr(loading, "_PIECE_COUNTS", {})
        for text in self.TEXTS:
            assert loading.count_words(text, language="fr") == len(tokenize_words(text, language="fr"))
        assert all(len(counts) == 0 for counts in loading._PIECE_COUNTS.values())

    def test_count_words_missing_language_is_one_memory(self, monkeypatch):
        """A NaN language (a missing value in a data frame) counts as no language and shares one piece memory."""
        from toolkit.corpus import loading
        from toolkit.text import tokenize_words

        monkeypatch.setattr(loading, "_PIECE_COUNTS", {})
        text = self.TEXTS[0]
        for language in (float("nan"), float("nan"), None, ""):
            assert loading.count_words(text, language=language) == len(tokenize_words(text, language=None))
        assert list(loading._PIECE_COUNTS) == [None]

    def test_vote_words_listed_for_the_basic_plane(self):
        """The vote's listed-characters regex finds the words ``[^\\W\\d_]+`` finds, character by character over
        the Basic Multilingual Plane; a text with a character beyond it is read by the regex itself."""
        import unicodedata

        from toolkit.corpus.loading import _VOTE_WORD, _bmp_vote_word, _votes

        listed = _bmp_vote_word()
        assert [c for c in map(chr, range(0x10000)) if listed.fullmatch(c)] == \
            [c for c in map(chr, range(0x10000)) if _VOTE_WORD.fullmatch(c)]
        for text in self.TEXTS + [unicodedata.normalize("NFD", t) for t in self.TEXTS]:
            assert listed.findall(text.lower()) == _VOTE_WORD.findall(text.lower())
        beyond = "le la les de des du et est dans une pour qui que 𝐀𝐁c 🙂 l'état " * 3
        assert _votes([beyond], ["fr", "en"]) == ["fr"]

    def test_vote_language_clear_or_none(self):
        from toolkit.corpus.loading import vote_language

        fr = "Le gouvernement a annoncé mardi qu'il allait réduire les impôts de la classe moyenne, " * 3
        en = "The government said on Tuesday that it would cut taxes for the middle class and the poor, " * 3
        assert vote_language(fr) == "fr"
        assert vote_language(en) == "en"
        assert vote_language("Trump Macron Biden") is None  # no stopwords: lingua decides
        assert vote_language(en, languages=["en"]) is None  # a vote needs two languages
        assert vote_language(en, languages=["en", "de"]) is None  # no German stopword list
        assert tk.detect_language(fr) == "fr"


def test_a_lone_surrogate_escape_is_replaced_with_a_warning_and_offsets_hold(tmp_path):
    body = "Paris - Un paragraphe tout à fait normal, avec assez de mots pour faire un article entier."
    path = tmp_path / "sur.jsonl"
    path.write_text("\n".join([
        '{"id": "lone", "title": "Un titre \\ud800 cassé", "text": "' + body + ' Fin \\udc00 ici.", "genre": ["\\uDBFF"]}',
        '{"id": "pair", "text": "' + body + ' \\ud83d\\ude00"}',  # a whole pair: one character, no problem
        '{"id": "plain", "text": "' + body + '"}']) + "\n", encoding="utf-8")
    with pytest.warns(tk.CorpusWarning, match=r"sur\.jsonl:1: half of a character"):  # warns, loads every line
        corpus = tk.load_corpus(path, progress=False)
    articles = corpus.articles.set_index("article_id")
    assert list(articles.index) == ["lone", "pair", "plain"]
    assert articles.loc["lone", "raw"] == body + " Fin \ufffd ici."
    assert articles.loc["lone", "title"] == "Un titre \ufffd cassé"
    assert articles.loc["lone", "genre"] == ["\ufffd"]
    assert articles.loc["pair", "raw"].endswith("\U0001F600")
    (row,) = corpus.problems.itertuples()
    assert (row.kind, row.line, row.article_id) == ("warning", 1, "lone") and "lone surrogate" in row.message
    for span in corpus.removed.itertuples():  # offsets still slice the raw text
        assert articles.loc[span.article_id, "raw"][span.start_char:span.end_char] == span.text


def test_first_line_title_takes_a_jsonl_records_first_line_only_when_asked(tmp_path):
    body = "Les dirigeants se sont réunis lundi à Paris pour discuter du climat. Ils ont signé un accord."
    records = [{"id": "a", "text": f"Un sommet sur le climat à Paris\n\n{body}"},
               {"id": "b", "title": "Le titre donné", "text": f"Une première ligne\n\n{body}"}]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    default = tk.load_corpus(path, progress=False).articles.set_index("article_id")
    asked = tk.load_corpus(path, progress=False, first_line_title=True).articles.set_index("article_id")
    assert pd.isna(default.loc["a", "title"]) and default.loc["a", "text"].startswith("Un sommet")
    assert asked.loc["a", "title"] == "Un sommet sur le climat à Paris" and asked.loc["a", "text"] == body
    # A record's own title field wins, and its text is left whole.
    for articles in (default, asked):
        assert articles.loc["b", "title"] == "Le titre donné"
        assert articles.loc["b", "text"].startswith("Une première ligne")
