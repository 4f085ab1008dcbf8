"""load_corpus with worker processes: the first pass (lines repeated across articles) made in the workers gives the
tables of the one made here, on a hostile JSONL file; the detector and the package import stay lazy."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
import toolkit.corpus.loading as loading
from toolkit.cleaning import find_repeated_lines
from toolkit.corpus.problems import Problems

BODY = ("Le conseil municipal a voté mardi soir le budget de la ville pour l'année prochaine, après un long débat "
        "sur les transports et les écoles du quartier nord.")


def _text(i: int, *extra: str) -> str:
    return "\n".join([f"Titre de la dépêche numéro {i}", BODY, *extra, f"Fin de la dépêche {i}."])


def _line(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def _hostile_lines() -> list[bytes]:
    """A JSONL file read in chunks of 3 lines: each case below falls across chunks."""
    reprint = _text(900, "Abonnez-vous à la lettre du matin")  # the same text three times: counts once
    dropped = _text(901, "Rubrique Océans et littoral")  # first under an id already read, then kept
    poll = "Faut-il fermer la rue aux voitures le dimanche ? * Oui * Non * Sans avis"
    lines = [
        codecs.BOM_UTF8 + _line({"id": "a1", "text": _text(1, "Partager sur Facebook", "Rubrique Océans et littoral")}),
        _line({"id": "a2", "text": _text(2, "Partager sur Facebook")}),
        b"{broken json\n",
        _line({"id": "a3", "text": reprint}),
        _line({"id": "a1", "text": _text(3, "Rubrique Océans et littoral", "Lire aussi la chronique")}),  # dup id
        b"\n",
        _line({"id": "a4", "text": _text(4, "Partager sur Facebook", "Lire aussi la chronique")}),
        _line({"id": "a5", "text": reprint}),
        _line({"id": "a6", "text": ""}),  # no text: a6 may come back
        ("{\"id\": \"a7\", \"text\": \"" + _text(7, "Publié à Périgueux — édition du soir").replace("\n", "\\n")
         + "\"}\n").encode("cp1252"),
        _line({"id": "a8", "text": _text(8, "Lire aussi la chronique", "Publié à Périgueux — édition du soir")}),
        _line({"id": "a9", "text": _text(9, "Rubrique \u0001 binaire", "Lire aussi la chronique")}),  # control
        _line({"id": "a2", "text": dropped}),  # duplicate id across chunks: its text is not counted here
        _line({"id": "a6", "text": _text(6, "Publié à Périgueux — édition du soir", "Lire aussi la chronique")}),
        b"[1, 2, 3]\n",
        _line({"id": "a10", "text": dropped}),  # the same text, now kept: counts once
        _line({"id": "a11", "text": reprint}),
        _line({"id": "a12", "text": _text(12, "Partager sur Facebook", poll)}),
        _line({"id": "a1", "text": _text(13, "Sondage : Faut-il tout changer ? * Oui * Non")}),  # dup: no question
        _line({"id": "a13", "text": _text(13, "Rubrique Océans et littoral", "Faut-il fermer la rue aux voitures "
                                                "le dimanche ?", "Partager sur Facebook")}),
        _line({"id": "a14", "text": _text(14, "Publié à Périgueux — édition du soir")}),
    ]
    return lines


@pytest.fixture
def hostile(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(loading, "CHUNK_SIZE", 3)
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b"".join(_hostile_lines()))
    return path


def test_first_pass_in_workers_finds_the_lines_and_questions_of_the_serial_pass(hostile):
    serial = find_repeated_lines(loading.record_text(r)
                                 for r in loading.read_any_records(hostile, Problems("ignore"), extract=False))
    with loading._pool(2, loading._read_sources(hostile, manifest=None, outlets=None), ("fr", "en")) as pool:
        pooled, spans = loading._repeated_in_pool(hostile, pool, min_articles=3)
    assert spans is None  # the reader has problems to report: it reads the records here
    assert type(pooled) is type(serial)
    assert pooled == serial and pooled.poll_questions == serial.poll_questions
    # The cases are live: a duplicate id's text and a reprinted text do not count, the rest does.
    assert {"Partager sur Facebook", "Lire aussi la chronique", "Publié à Périgueux — édition du soir"} <= serial
    assert "Abonnez-vous à la lettre du matin" not in serial
    assert "Rubrique Océans et littoral" in serial  # a1, a13 and the text of a10 (not the dropped a1 nor a2)
    assert serial.poll_questions == {"Faut-il fermer la rue aux voitures le dimanche ?"}


@pytest.mark.parametrize(("processes", "min_articles"), [(2, 2), (2, 3), (2, 4), (None, 3)])
def test_hostile_jsonl_gives_the_same_tables_with_one_and_more_processes(hostile, processes, min_articles):
    # processes=None: the workers start before the first pass (a JSONL file of more than a chunk's lines).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tk.CorpusWarning)
        one = tk.load_corpus(hostile, progress=False, processes=1, repeated_min_articles=min_articles)
        more = tk.load_corpus(hostile, progress=False, processes=processes, repeated_min_articles=min_articles)
    assert len(one.articles) == 13 and len(one.problems) >= 6
    for a, b in zip(one, more):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_default_workers_start_early_only_for_a_jsonl_file_of_more_than_a_chunk(hostile, tmp_path, monkeypatch):
    monkeypatch.setattr(loading.os, "cpu_count", lambda: 2)  # (on one core no worker ever starts early)
    assert loading._first_pass_workers(hostile) == 2
    short = tmp_path / "short.jsonl"
    short.write_bytes(b"".join(_hostile_lines()[:3]))
    assert loading._first_pass_workers(short) == 1
    (tmp_path / "short.csv").write_text("id,text\n" + "x,y\n" * 10, encoding="utf-8")
    assert loading._first_pass_workers(tmp_path / "short.csv") == 1


def test_line_ranges_cover_the_file_in_runs_of_lines(tmp_path):
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"a\n\nbb\r\nccc\nd")
    assert list(loading._line_ranges(path, 2)) == [(0, 3, 1), (3, 11, 3), (11, 12, 5)]
    path.write_bytes(b"")
    assert list(loading._line_ranges(path, 2)) == []


def test_detector_is_built_only_for_texts_the_vote_leaves_undecided(monkeypatch):
    def refuse(languages):
        raise AssertionError("lingua's detector built though the vote decided")

    monkeypatch.setattr(loading, "_detector", refuse)
    french = "Le maire de la ville a dit que les travaux de la rue et du pont sont pour les habitants et les écoles."
    assert loading.detect_languages([french, french]) == ["fr", "fr"]
    assert tk.detect_language(french) == "fr"
    assert tk.detect_language("   ") is None
    with pytest.raises(ValueError, match="ISO 639-1"):
        loading.detect_languages([french], languages=["fr", "xx"])
    with pytest.raises(ValueError, match="ISO 639-1"):
        tk.detect_language(french, languages=["zz", "en"])


def test_import_toolkit_is_light_and_every_public_name_resolves():
    code = ("import sys, toolkit, toolkit.corpus.loading\n"
            "assert 'matplotlib' not in sys.modules and 'lingua' not in sys.modules, sorted(sys.modules)\n"
            "from toolkit import *\n"
            "import toolkit as tk\n"
            "assert all(getattr(tk, n) is not None for n in tk.__all__)\n"
            "assert tk.plot_top_terms.__module__.startswith('toolkit.plotting') and tk.cleaning.clean_text\n"
            "assert 'matplotlib' in sys.modules and set(tk.__all__) <= set(dir(tk))\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(tk.__file__).parent.parent)


def test_a_clean_jsonl_file_is_read_by_the_workers_with_the_same_tables(tmp_path, monkeypatch):
    # No problem for the reader to report (blank lines are skipped silently): the workers read the records too.
    monkeypatch.setattr(loading, "CHUNK_SIZE", 4)
    path = tmp_path / "clean.jsonl"
    lines = [_line({"id": f"c{i}", "text": _text(i, "Partager sur Facebook", "Lire aussi la chronique" * (i % 2)),
                    "genre": "brève" if i % 3 else None}) for i in range(14)]
    lines[5:5] = [b"\n", b"  \r\n"]
    lines[9] = _line({"id": "c99", "text": _text(3, "Partager sur Facebook")})  # the text of c3 again
    lines[0] = codecs.BOM_UTF8 + lines[0]
    path.write_bytes(b"".join(lines))
    with loading._pool(2, loading._read_sources(path, manifest=None, outlets=None), ("fr", "en")) as pool:
        _, spans = loading._repeated_in_pool(path, pool, min_articles=3)
    assert [line for line, _, _ in spans] == [1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16]
    with warnings.catch_warnings():
        warnings.simplefilter("error", tk.CorpusWarning)
        one = tk.load_corpus(path, progress=False, processes=1)
        for processes in (2, None):
            more = tk.load_corpus(path, progress=False, processes=processes)
            for a, b in zip(one, more):
                pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert len(one.articles) == 14 and (one.removed["reason"] == "repeated-across-articles").any()


def test_a_line_changed_after_the_first_pass_is_skipped_with_an_error_not_a_crash(tmp_path):
    path = tmp_path / "corpus.jsonl"
    rows = [{"id": f"a{i}", "text": f"Article {i} says something.\n\nShare this"} for i in range(4)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    ranges = list(loading._line_ranges(path, 10))
    _, _, _, clean = loading._count_lines(path, ranges[0])
    assert clean
    offset, spans = 0, []
    for number, line in enumerate(path.read_bytes().splitlines(keepends=True), start=1):
        spans.append((number, offset, len(line)))
        offset += len(line)
    # Another program rewrites line 2 in place (same length, no longer JSON) and cuts line 4 after the first pass.
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = "{" + "x" * (len(lines[1]) - 2) + "\n"
    path.write_text("".join(lines[:3]), encoding="utf-8")
    problems = Problems("ignore")
    records = loading._span_records(path, spans, problems)
    assert [r.article_id for r in records] == ["a0", "a2"]  # line 4 is gone, line 2 no longer reads
    assert [row["line"] for row in problems.rows] == [2, 4]
    assert all("changed while the file was loaded" in row["message"] for row in problems.rows)


def test_workers_read_a_line_as_the_reader_does_byte_order_mark_and_size_included(tmp_path, monkeypatch):
    # One function checks a line's mark and size for the reader and the workers: the same records and problems.
    from toolkit.corpus import reading

    first = _line({"id": "b1", "text": "Un texte court."})
    monkeypatch.setattr(reading, "MAX_ARTICLE_BYTES", len(first))
    lines = [codecs.BOM_UTF8 + first,  # the mark is not counted: exactly at the limit, read
             _line({"id": "b2", "text": "Un texte bien trop long."}),  # over the limit: skipped with a problem
             b"\n", _line({"id": "b3", "text": "Court."})]
    path = tmp_path / "sizes.jsonl"
    path.write_bytes(b"".join(lines))
    expected = Problems("ignore")
    records = list(reading.read_records(path, expected))
    assert [r.article_id for r in records] == ["b1", "b3"]
    assert [row["line"] for row in expected.rows] == [2]
    assert f"line of {len(lines[1]):,} bytes" in expected.rows[0]["message"]
    found, seen = Problems("ignore"), set()
    read = [reading.jsonl_bytes_record(data, number, path, found, seen) for number, data in enumerate(lines, 1)]
    assert [r for r in read if r is not None] == records
    assert found.rows == expected.rows
    # The workers' first pass sees the problem: the records are read again here, where the reader reports it.
    assert loading._count_lines(path, next(loading._line_ranges(path, 10)))[3] is False


def test_default_workers_start_early_only_for_more_than_a_chunk_of_lines_that_are_not_blank(tmp_path, monkeypatch):
    # More lines than a chunk, but blank lines among them: one chunk of records, which this process loads alone.
    monkeypatch.setattr(loading, "CHUNK_SIZE", 3)
    monkeypatch.setattr(loading.os, "cpu_count", lambda: 2)  # (on one core no worker ever starts early)
    path = tmp_path / "spaced.jsonl"
    records = [_line({"id": f"s{i}", "text": _text(i)}) for i in range(4)]
    path.write_bytes(b"\n".join(records[:3]) + b"\n \r\n\t\n")
    assert loading._first_pass_workers(path) == 1
    path.write_bytes(b"\n".join(records) + b"\n")
    assert loading._first_pass_workers(path) == 2
