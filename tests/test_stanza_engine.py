"""Tests for toolkit.nlp.stanza_engine: hand-built Documents, tiny real models, missing models.

No test needs the network or a downloaded stanza model: Documents are built from token dicts,
the real pipeline runs the tiny models in tests/fixtures/stanza/ (see build_tiny_models.py
there), and every network connection is refused for the whole module.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path
from types import SimpleNamespace

import pytest

from toolkit.nlp import stanza_engine
from toolkit.nlp.tables import ENTITY_TYPES, MODELS_COMMAND, ModelNotInstalledError

FIXTURES = Path(__file__).parent / "fixtures" / "stanza"
TOKENIZER = FIXTURES / "fr_tokenizer.pt"
NER = FIXTURES / "fr_ner.pt"
TINY = {"processors": "tokenize,ner", "tokenize_model_path": TOKENIZER, "ner_model_path": NER}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test that opens a network connection (stanza must run with download_method=None)."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"a test tried to open a network connection: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# ---------------------------------------------------------------- hand-built Documents


def build_doc(paragraph: str, sentences: list[list[dict]]):
    """Make a stanza Document from token dicts, giving each token its offsets in ``paragraph``.

    A dict with a tuple ``id`` is a multi-word token; the word dicts after it carry no offsets,
    as in stanza's own output.
    """
    from stanza.models.common.doc import Document

    cursor = 0
    for sentence in sentences:
        inside_mwt_until = 0
        for entry in sentence:
            if isinstance(entry["id"], int) and entry["id"] <= inside_mwt_until:
                continue
            start = paragraph.index(entry["text"], cursor)
            entry["start_char"], entry["end_char"] = start, start + len(entry["text"])
            cursor = start + len(entry["text"])
            if isinstance(entry["id"], tuple):
                inside_mwt_until = entry["id"][1]
    return Document(sentences, text=paragraph)


def word(id, text, lemma, upos, head, deprel, ner=None):
    """One token dict (a word, or a token that is a single word)."""
    entry = {"id": id, "text": text, "lemma": lemma, "upos": upos, "head": head, "deprel": deprel}
    if ner is not None:
        entry["ner"] = ner
    return entry


FRENCH = " To Lam est arrivé au siège du Minint.  Il a visité La Havane."
ENGLISH = "Minister To Lam met Cuban officials in Havana."


def french_sentences() -> list[list[dict]]:
    """Two sentences; "au" → à + le and "du" → de + le are multi-word tokens."""
    return [
        [
            word(1, "To", "To", "PROPN", 3, "nsubj", "B-PER"),
            word(2, "Lam", "Lam", "PROPN", 1, "flat:name", "E-PER"),
            word(3, "est", "être", "AUX", 4, "aux:tense", "O"),
            word(4, "arrivé", "arriver", "VERB", 0, "root", "O"),
            {"id": (5, 6), "text": "au", "ner": "O"},
            word(5, "à", "à", "ADP", 7, "case"),
            word(6, "le", "le", "DET", 7, "det"),
            word(7, "siège", "siège", "NOUN", 4, "obl:mod", "O"),
            {"id": (8, 9), "text": "du", "ner": "O"},
            word(8, "de", "de", "ADP", 10, "case"),
            word(9, "le", "le", "DET", 10, "det"),
            word(10, "Minint", "Minint", "PROPN", 7, "nmod", "S-ORG"),
            word(11, ".", ".", "PUNCT", 4, "punct", "O"),
        ],
        [
            word(1, "Il", "il", "PRON", 3, "nsubj", "O"),
            word(2, "a", "avoir", "AUX", 3, "aux:tense", "O"),
            word(3, "visité", "visiter", "VERB", 0, "root", "O"),
            word(4, "La", "La", "DET", 5, "det", "B-LOC"),
            word(5, "Havane", "Havane", "PROPN", 3, "obj", "E-LOC"),
            word(6, ".", ".", "PUNCT", 3, "punct", "O"),
        ],
    ]


def english_sentences() -> list[list[dict]]:
    return [[
        word(1, "Minister", "minister", "PROPN", 3, "compound", "O"),
        word(2, "To", "To", "PROPN", 4, "compound", "B-PERSON"),
        word(3, "Lam", "Lam", "PROPN", 4, "nsubj", "E-PERSON"),
        word(4, "met", "meet", "VERB", 0, "ROOT", "O"),
        word(5, "Cuban", "cuban", "ADJ", 6, "amod", "S-NORP"),
        word(6, "officials", "official", "NOUN", 4, "obj", "O"),
        word(7, "in", "in", "ADP", 8, "case", "O"),
        word(8, "Havana", "Havana", "PROPN", 4, "obl", "S-GPE"),
        word(9, ".", ".", "PUNCT", 4, "punct", "O"),
    ]]


def assert_well_formed(records: dict, paragraph: str) -> None:
    """The ParagraphResult invariants every engine must keep."""
    assert set(records) == {"sentences", "tokens", "mentions"}
    for start, end in records["sentences"]:
        assert 0 <= start < end <= len(paragraph)
        assert paragraph[start:end] == paragraph[start:end].strip()
    n = len(records["tokens"])
    for row, token in enumerate(records["tokens"]):
        assert paragraph[token["start_char"]:token["end_char"]] == token["text"]
        start, end = records["sentences"][token["sentence"]]
        assert start <= token["start_char"] < token["end_char"] <= end
        assert token["head"] is None or 0 <= token["head"] < n
        if token["head"] is not None:
            assert records["tokens"][token["head"]]["sentence"] == token["sentence"]
        assert token["deprel"] is None or token["deprel"] == token["deprel"].lower()
    for mention in records["mentions"]:
        assert paragraph[mention["start_char"]:mention["end_char"]] == mention["text"]
        assert mention["label"]


class TestDocToRecords:
    def test_french_offsets_mwt_heads_mentions(self):
        records = stanza_engine.doc_to_records(build_doc(FRENCH, french_sentences()))
        assert_well_formed(records, FRENCH)
        tokens = records["tokens"]
        assert len(records["sentences"]) == 2
        assert len(tokens) == 11 + 6  # one row per syntactic word, MWTs expanded
        assert [t["sentence"] for t in tokens] == [0] * 11 + [1] * 6
        assert FRENCH[slice(*records["sentences"][1])] == "Il a visité La Havane."

        au = [t for t in tokens if t["text"] == "au"]
        du = [t for t in tokens if t["text"] == "du"]
        assert [t["word"] for t in au] == ["à", "le"] and [t["word"] for t in du] == ["de", "le"]
        for pair in (au, du):
            assert len({(t["start_char"], t["end_char"]) for t in pair}) == 1
        assert FRENCH[au[0]["start_char"]:au[0]["end_char"]] == "au"

        roots = [row for row, t in enumerate(tokens) if t["deprel"] == "root"]
        assert [tokens[row]["word"] for row in roots] == ["arrivé", "visité"]
        assert all(tokens[row]["head"] == row for row in roots)
        siege = next(row for row, t in enumerate(tokens) if t["word"] == "siège")
        assert tokens[siege + 1]["word"] == "de" and tokens[siege + 1]["head"] == siege + 3
        assert tokens[siege]["deprel"] == "obl:mod" and tokens[siege]["lemma"] == "siège"

        assert [(m["text"], m["label"]) for m in records["mentions"]] == [
            ("To Lam", "PER"), ("Minint", "ORG"), ("La Havane", "LOC"),
        ]

    def test_english_labels_kept_and_deprel_lowercased(self):
        records = stanza_engine.doc_to_records(build_doc(ENGLISH, english_sentences()))
        assert_well_formed(records, ENGLISH)
        assert [t["word"] for t in records["tokens"]] == [t["text"] for t in records["tokens"]]
        root = next(row for row, t in enumerate(records["tokens"]) if t["word"] == "met")
        assert records["tokens"][root]["deprel"] == "root" and records["tokens"][root]["head"] == root
        assert [(m["text"], m["label"]) for m in records["mentions"]] == [
            ("To Lam", "PERSON"), ("Cuban", "NORP"), ("Havana", "GPE"),
        ]

    def test_drifted_offsets_are_repaired(self):
        # Offsets counted as if the leading space had been stripped, one character short.
        stanza_doc = build_doc(FRENCH.strip(), french_sentences())
        records = stanza_engine.doc_to_records(stanza_doc, text=FRENCH)
        assert_well_formed(records, FRENCH)
        assert records["tokens"][0]["start_char"] == 1
        assert [m["text"] for m in records["mentions"]] == ["To Lam", "Minint", "La Havane"]

    def test_stand_in_objects_without_syntax(self):
        paragraph = "To Lam à Hanoï"
        tokens = [
            SimpleNamespace(text=t, start_char=s, end_char=s + len(t),
                            words=[SimpleNamespace(id=i + 1, text=t, head=None, deprel=None,
                                                   lemma=None, upos=None)])
            for i, (t, s) in enumerate([("To", 0), ("Lam", 3), ("à", 7), ("Hanoï", 9)])
        ]
        stanza_doc = SimpleNamespace(
            text=paragraph, sentences=[SimpleNamespace(tokens=tokens)],
            ents=[SimpleNamespace(text="To Lam", type="PER", start_char=0, end_char=6)],
        )
        records = stanza_engine.doc_to_records(stanza_doc)
        assert_well_formed(records, paragraph)
        assert records["sentences"] == [(0, 14)]
        assert {(t["lemma"], t["upos"], t["head"], t["deprel"]) for t in records["tokens"]} == {(None,) * 4}
        assert records["mentions"] == [{"start_char": 0, "end_char": 6, "text": "To Lam", "label": "PER"}]

    def test_empty_document(self):
        records = stanza_engine.doc_to_records(SimpleNamespace(text="", sentences=[], ents=[]))
        assert records == {"sentences": [], "tokens": [], "mentions": []}


# ---------------------------------------------------------------- tiny real models

PARAGRAPHS = [
    "Le ministre To Lam a reçu son homologue cubain à Hanoï. Les deux ministres ont signé un accord.",
    "  La délégation du Minint est arrivée lundi à La Havane.\nElle a rencontré  Alvarez Casas.",
]


@pytest.fixture(scope="module")
def empty_model_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("stanza-empty")


@pytest.fixture(scope="module")
def tiny_pipeline(empty_model_dir):
    return stanza_engine.load_pipeline("fr", model_dir=empty_model_dir, **TINY)


@pytest.fixture(scope="module")
def installed_model_dir(tmp_path_factory) -> Path:
    """A stanza resources folder laid out as a real download, holding the tiny models."""
    folder = tmp_path_factory.mktemp("stanza-installed")
    resources = {"fr": {
        "lang_name": "French",
        "tokenize": {"tiny": {"md5": "-"}}, "ner": {"tiny": {"md5": "-"}},
        "packages": {"default": {"tokenize": "tiny", "ner": "tiny"}},
    }}
    (folder / "resources.json").write_text(json.dumps(resources), encoding="utf-8")
    for processor, model in [("tokenize", TOKENIZER), ("ner", NER)]:
        (folder / "fr" / processor).mkdir(parents=True)
        shutil.copyfile(model, folder / "fr" / processor / "tiny.pt")
    return folder


class TestTinyModels:
    def test_committed_models_tag_a_training_sentence(self, tiny_pipeline, empty_model_dir):
        """The committed files load through the real loader and still tag what they were trained on."""
        paragraph = ("Le ministre To Lam a reçu son homologue cubain à Hanoï. "
                     "Les deux ministres ont signé un accord de coopération.")
        [records] = stanza_engine.annotate_paragraphs([paragraph], language="fr", model_dir=empty_model_dir, **TINY)
        assert_well_formed(records, paragraph)
        assert [paragraph[a:b] for a, b in records["sentences"]] == [
            "Le ministre To Lam a reçu son homologue cubain à Hanoï.",
            "Les deux ministres ont signé un accord de coopération.",
        ]
        assert [t["text"] for t in records["tokens"]][:5] == ["Le", "ministre", "To", "Lam", "a"]
        assert [(m["text"], m["label"]) for m in records["mentions"]] == [("To Lam", "PER"), ("Hanoï", "LOC")]
        assert all(path.stat().st_size < 1_000_000 for path in (TOKENIZER, NER))  # they stay tiny in the repository

    def test_load_pipeline_is_cached(self, tiny_pipeline, empty_model_dir):
        again = stanza_engine.load_pipeline("fr", model_dir=str(empty_model_dir), **TINY)
        assert again is tiny_pipeline
        assert not (empty_model_dir / "resources.json").exists()  # nothing written there

    def test_annotate_paragraphs_structure(self, tiny_pipeline, empty_model_dir):
        results = stanza_engine.annotate_paragraphs(
            PARAGRAPHS + ["   "], language="fr", model_dir=empty_model_dir, batch_size=1, **TINY)
        assert len(results) == 3
        assert results[2] == {"sentences": [], "tokens": [], "mentions": []}
        for paragraph, records in zip(PARAGRAPHS, results):
            assert_well_formed(records, paragraph)
            assert records["sentences"] and records["tokens"]
            covered = set()
            for start, end in records["sentences"]:
                covered.update(range(start, end))
            assert {i for i, c in enumerate(paragraph) if not c.isspace()} <= covered
            assert sorted(records["sentences"]) == records["sentences"]
            for token in records["tokens"]:  # no lemma/pos/depparse processors were run
                assert token["word"] == token["text"]
                assert (token["lemma"], token["upos"], token["head"], token["deprel"]) == (None,) * 4
            assert {m["label"] for m in records["mentions"]} <= set(ENTITY_TYPES)
        assert any(records["mentions"] for records in results)

    def test_model_name_for_explicit_paths(self):
        assert stanza_engine.model_name("fr", **TINY).endswith("/fr:custom,ner=fr_ner,tokenize=fr_tokenizer")

    def test_installed_layout(self, installed_model_dir):
        assert stanza_engine.is_available("fr", installed_model_dir)
        assert not stanza_engine.is_available("en", installed_model_dir)
        assert stanza_engine.installed_languages(installed_model_dir) == ["fr"]
        assert stanza_engine.model_name("fr", installed_model_dir).endswith("/fr:default,ner=tiny")
        status = stanza_engine.models_status(installed_model_dir)
        assert status["installed"].tolist() == [True, False]
        records = stanza_engine.annotate_paragraphs(PARAGRAPHS[:1], language="fr",
                                                    model_dir=installed_model_dir)[0]
        assert_well_formed(records, PARAGRAPHS[0])


# ---------------------------------------------------------------- missing models


class TestMissingModels:
    def test_load_pipeline_names_the_command(self, tmp_path):
        with pytest.raises(ModelNotInstalledError, match="python -m toolkit models download fr en") as info:
            stanza_engine.load_pipeline("fr", model_dir=tmp_path)
        assert str(tmp_path) in str(info.value) and MODELS_COMMAND in str(info.value)

    def test_partial_install_and_missing_explicit_path(self, tmp_path, installed_model_dir):
        folder = tmp_path / "partial"
        shutil.copytree(installed_model_dir, folder)
        (folder / "fr" / "ner" / "tiny.pt").unlink()
        assert not stanza_engine.is_available("fr", folder)
        with pytest.raises(ModelNotInstalledError, match="models download"):
            stanza_engine.load_pipeline("fr", model_dir=folder)
        with pytest.raises(ModelNotInstalledError, match="missing.pt"):
            stanza_engine.load_pipeline("fr", model_dir=tmp_path, processors="tokenize",
                                        tokenize_model_path=tmp_path / "missing.pt")

    def test_stanza_errors_become_model_not_installed(self, monkeypatch, installed_model_dir):
        import stanza
        from stanza.pipeline.core import LanguageNotDownloadedError

        def pipeline(*args, **kwargs):
            assert kwargs["download_method"] is None
            raise LanguageNotDownloadedError("fr", "/nowhere/fr", "/nowhere/fr/pos/x.pt")

        monkeypatch.setattr(stanza, "Pipeline", pipeline)
        with pytest.raises(ModelNotInstalledError, match="Run: python -m toolkit models download fr en"):
            stanza_engine.load_pipeline("fr", model_dir=installed_model_dir, processors="tokenize")

    def test_availability_and_status(self, tmp_path):
        assert not stanza_engine.is_available("fr", model_dir=tmp_path)
        assert stanza_engine.installed_languages(tmp_path) == []
        status = stanza_engine.models_status(tmp_path)
        assert list(status.columns) == ["language", "installed", "model", "path"]
        assert status["language"].tolist() == ["fr", "en"]
        assert status["installed"].dtype == bool and not status["installed"].any()
        assert status["path"].tolist() == [str(tmp_path / "fr"), str(tmp_path / "en")]

    def test_resources_dir_follows_environment(self, monkeypatch, tmp_path):
        monkeypatch.setenv("STANZA_RESOURCES_DIR", str(tmp_path))
        assert stanza_engine.resources_dir() == tmp_path
        monkeypatch.delenv("STANZA_RESOURCES_DIR")
        from stanza.resources import common

        # stanza's own default folder (the toolkit computes it without importing stanza).
        assert stanza_engine.resources_dir() == Path(common.USER_CACHE_DIR) / "resources"

    def test_download_without_network_is_a_clear_error(self, monkeypatch, tmp_path):
        import requests
        from stanza.resources import common

        def offline(*args, **kwargs):
            raise requests.exceptions.ConnectionError("Failed to resolve 'raw.githubusercontent.com'")

        monkeypatch.setattr(common, "download_resources_json", offline)
        with pytest.raises(RuntimeError, match="unreachable.*fr models"):
            stanza_engine.download_models(["fr", "en"], model_dir=tmp_path)
