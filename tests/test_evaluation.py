"""Tests for toolkit.evaluation: reading CoNLL gold files, exact-match NER scores and the error table."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from toolkit.evaluation import (
    ERROR_COLUMNS,
    ERROR_KINDS,
    GOLD_COLUMNS,
    SCORE_COLUMNS,
    evaluate_ner,
    ner_errors,
    read_conll,
)
from toolkit.paths import ROOT

GOLD_DIR = ROOT / "seeds" / "gold"
GOLD_002 = GOLD_DIR / "002-ner.conll"
IOB1_4COL = ROOT / "tests" / "fixtures" / "gold" / "iob1-4col.conll"
ID_002 = "002_a616652f9ed4872e"

# The 4-column fixture, read without `articles`: offsets into the tokens joined by spaces.
IOB1_TEXT = ("Viet Nam News reported that Cuban Interior Minister Lázaro Alberto Álvarez Casas "
             "met To Lam in Hanoi . Havana awarded Viet Nam Cuba 's Order of Solidarity on Monday .")
IOB1_SPANS = [
    ("Viet Nam News", "ORG"), ("Cuban", "MISC"), ("Lázaro Alberto Álvarez Casas", "PER"),
    ("To Lam", "PER"), ("Hanoi", "LOC"), ("Havana", "LOC"), ("Viet Nam", "LOC"),
    ("Cuba", "LOC"), ("Order of Solidarity", "MISC"),
]


def write(tmp_path, text, name="gold.conll"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def spans(gold):
    return list(zip(gold["article_id"], gold["start_char"], gold["end_char"], gold["entity_type"]))


def table(rows, article_id="a"):
    """A mentions-like table from (start_char, end_char, entity_type[, text]) tuples."""
    return pd.DataFrame(
        [{"article_id": r[4] if len(r) > 4 else article_id, "start_char": r[0],
          "end_char": r[1], "entity_type": r[2], "text": r[3] if len(r) > 3 else f"t{r[0]}"}
         for r in rows],
        columns=["article_id", "start_char", "end_char", "entity_type", "text"],
    )


@pytest.fixture(scope="module")
def gold_002(articles):
    return read_conll(GOLD_002, articles=articles)


class TestReadConllSeedGold:
    def test_contract(self, gold_002):
        assert list(gold_002.columns) == GOLD_COLUMNS + ["line"]
        assert gold_002["start_char"].dtype == "int64" and gold_002["end_char"].dtype == "int64"
        assert gold_002["line"].dtype == "int64"
        assert set(gold_002["entity_type"]) == {"PER", "ORG", "LOC", "MISC"}
        assert gold_002.attrs["scheme"] == "iob2"
        assert gold_002.attrs["article_ids"] == [ID_002]
        assert (gold_002["article_id"] == ID_002).all()
        assert gold_002["start_char"].is_monotonic_increasing
        assert gold_002.index.tolist() == list(range(len(gold_002)))

    def test_every_mention_reads_as_in_the_seed_text(self, gold_002, articles):
        text = articles.set_index("article_id").loc[ID_002, "text"]
        for row in gold_002.itertuples():
            assert text[row.start_char:row.end_char] == row.text
            assert row.text == row.text.strip() and row.start_char < row.end_char
        assert (gold_002["start_char"].iloc[1:].to_numpy() >= gold_002["end_char"].iloc[:-1].to_numpy()).all()

    def test_file_covers_the_whole_cleaned_text(self, articles):
        text = articles.set_index("article_id").loc[ID_002, "text"]
        lines = GOLD_002.read_text(encoding="utf-8").splitlines()
        tokens = [line.split("\t")[0] for line in lines
                  if line.strip() and not line.startswith(("#", "-DOCSTART-"))]
        assert "".join(tokens) == "".join(text.split())
        assert {"l'", "d'", "s'", "jusqu'"} <= set(tokens)

    def test_key_annotations(self, gold_002):
        found = dict(zip(gold_002["text"], gold_002["entity_type"]))
        assert found["To Lam"] == "PER"
        assert found["Lázaro Alberto Álvarez Casas"] == "PER"
        assert found["Alvarez Casas"] == "PER"
        assert found["Hoai Duc"] == "LOC" and found["Hanoï"] == "LOC" and found["Cuba"] == "LOC"
        assert found["Minint"] == "ORG" and found["RHC"] == "ORG"
        assert found["ministère cubain de l'Intérieur"] == "ORG"
        assert found["Bureau politique du Parti communiste vietnamien"] == "ORG"
        assert found["Protection de la sécurité nationale"] == "MISC"
        assert "Covid-19" not in found and "Lundi" not in found
        assert gold_002["text"].value_counts()["Alvarez Casas"] == 3

    def test_without_articles_offsets_index_the_space_joined_tokens(self):
        gold = read_conll(GOLD_002)
        lines = GOLD_002.read_text(encoding="utf-8").splitlines()
        joined = " ".join(line.split("\t")[0] for line in lines
                          if line.strip() and not line.startswith(("#", "-DOCSTART-")))
        assert len(gold) == 20
        for row in gold.itertuples():
            assert joined[row.start_char:row.end_char] == row.text
        assert "ministère cubain de l ' Intérieur" not in set(gold["text"])
        assert "ministère cubain de l' Intérieur" in set(gold["text"])

    def test_perfect_score_against_itself(self, gold_002):
        scores = evaluate_ner(gold_002, gold_002)
        assert scores["entity_type"].tolist() == ["PER", "ORG", "LOC", "MISC", "overall"]
        assert (scores[["precision", "recall", "f1"]] == 1.0).all().all()
        assert scores.set_index("entity_type").loc["overall", "n_gold"] == 20


class TestReadConllFormats:
    def test_iob1_four_columns(self):
        gold = read_conll(IOB1_4COL)
        assert gold.attrs["scheme"] == "iob1"
        assert (gold["article_id"] == "iob1-4col").all()  # the file stem
        assert list(zip(gold["text"], gold["entity_type"])) == IOB1_SPANS
        for row in gold.itertuples():
            assert IOB1_TEXT[row.start_char:row.end_char] == row.text
        assert gold["line"].tolist()[:2] == [6, 11]

    def test_explicit_scheme_and_article_id(self):
        auto = read_conll(IOB1_4COL, article_id="demo")
        explicit = read_conll(IOB1_4COL, scheme="iob1", article_id="demo")
        pd.testing.assert_frame_equal(auto, explicit)
        assert (auto["article_id"] == "demo").all()

    def test_iob1_aligned_to_an_article_with_other_whitespace(self):
        text = ("Viet Nam News reported that Cuban Interior Minister Lázaro Alberto Álvarez "
                "Casas\nmet To Lam in Hanoi.\n\nHavana awarded Viet  Nam Cuba's Order of "
                "Solidarity on Monday.")
        articles = pd.DataFrame({"article_id": ["x"], "text": [text]})
        gold = read_conll(IOB1_4COL, articles=articles, article_id="x")
        assert gold["text"].tolist() == [s if s != "Viet Nam" else "Viet  Nam" for s, _ in IOB1_SPANS]
        for row in gold.itertuples():
            assert text[row.start_char:row.end_char] == row.text
        assert gold.loc[gold["text"] == "Cuba", "start_char"].item() == text.index("Cuba's")

    SAME_ANNOTATION = {
        "iob2": "A B-PER\nB I-PER\nc O\nD B-LOC\nE B-LOC\nF I-LOC\n\nG B-ORG\nh O\nI B-PER\n",
        "iob1": "A I-PER\nB I-PER\nc O\nD I-LOC\nE B-LOC\nF I-LOC\n\nG I-ORG\nh O\nI I-PER\n",
        "bioes": "A B-PER\nB E-PER\nc O\nD S-LOC\nE B-LOC\nF E-LOC\n\nG S-ORG\nh O\nI S-PER\n",
        "bilou": "A B-PER\nB L-PER\nc O\nD U-LOC\nE B-LOC\nF L-LOC\n\nG U-ORG\nh O\nI U-PER\n",
    }
    SAME_SPANS = [("x", 0, 3, "PER"), ("x", 6, 7, "LOC"), ("x", 8, 11, "LOC"),
                  ("x", 12, 13, "ORG"), ("x", 16, 17, "PER")]

    @pytest.mark.parametrize("scheme", ["iob2", "iob1", "bioes", "bilou"])
    def test_schemes_give_the_same_spans(self, tmp_path, scheme):
        path = write(tmp_path, self.SAME_ANNOTATION[scheme])
        for given in ("auto", scheme):
            gold = read_conll(path, scheme=given, article_id="x")
            assert spans(gold) == self.SAME_SPANS
            assert gold["text"].tolist() == ["A B", "D", "E F", "G", "I"]
            assert gold.attrs["scheme"] == scheme

    def test_iob1_and_iob2_files_agree_when_aligned(self, tmp_path):
        articles = pd.DataFrame({"article_id": ["x"], "text": ["A B, c D E-F.\nG h I"]})
        iob1 = "A I-PER\nB I-PER\n, O\nc O\nD I-LOC\nE B-LOC\n- I-LOC\nF I-LOC\n. O\n\nG I-ORG\nh O\nI I-PER\n"
        iob2 = iob1.replace("A I-PER", "A B-PER").replace("D I-LOC", "D B-LOC").replace(
            "G I-ORG", "G B-ORG").replace("I I-PER", "I B-PER")
        one = read_conll(write(tmp_path, iob1, "one.conll"), articles=articles, article_id="x")
        two = read_conll(write(tmp_path, iob2, "two.conll"), articles=articles, article_id="x")
        assert (one.attrs["scheme"], two.attrs["scheme"]) == ("iob1", "iob2")
        pd.testing.assert_frame_equal(one.drop(columns="line"), two.drop(columns="line"))
        assert one["text"].tolist() == ["A B", "D", "E-F", "G", "I"]

    def test_tabs_and_spaces_are_both_separators(self, tmp_path):
        spaced = read_conll(write(tmp_path, "Cuba  B-LOC\nand O\n", "s.conll"), article_id="x")
        tabbed = read_conll(write(tmp_path, "Cuba\tB-LOC\nand\tO\n", "t.conll"), article_id="x")
        pd.testing.assert_frame_equal(spaced, tabbed)

    def test_docstart_names_articles_and_blocks_continue(self, tmp_path):
        path = write(tmp_path, (
            "# a comment\n-DOCSTART- a1\nTo B-PER\nLam I-PER\n\n-DOCSTART- a2\nHanoi B-LOC\n\n"
            "-DOCSTART-\nCuba B-LOC\n\n-DOCSTART- a1\nin O\nHanoi B-LOC\n"
        ))
        gold = read_conll(path, article_id="fallback")
        assert spans(gold) == [("a1", 0, 6, "PER"), ("a1", 10, 15, "LOC"),
                               ("a2", 0, 5, "LOC"), ("fallback", 0, 4, "LOC")]
        assert gold.attrs["article_ids"] == ["a1", "a2", "fallback"]

    def test_labels_are_harmonised_and_non_names_dropped(self, tmp_path):
        path = write(tmp_path, "Lam B-PERSON\nHanoi B-GPE\nMay B-DATE\nVNA B-ORGANIZATION\n"
                               "Cuban B-NORP\n")
        gold = read_conll(path, article_id="x")
        assert gold["entity_type"].tolist() == ["PER", "LOC", "ORG", "MISC"]
        assert "May" not in gold["text"].tolist()

    def test_lenient_auto_reads_mixed_iob(self, tmp_path):
        gold = read_conll(write(tmp_path, "A B-PER\nB I-PER\nc O\nD I-LOC\nE I-ORG\n"), article_id="x")
        assert gold.attrs["scheme"] == "iob1"
        assert spans(gold) == [("x", 0, 3, "PER"), ("x", 6, 7, "LOC"), ("x", 8, 9, "ORG")]

    def test_curly_apostrophes_align(self, tmp_path):
        articles = pd.DataFrame({"article_id": ["x"], "text": ["le ministère de l’Intérieur"]})
        gold = read_conll(write(tmp_path, "le O\nministère B-ORG\nde I-ORG\nl' I-ORG\nIntérieur I-ORG\n"),
                          articles=articles, article_id="x")
        assert gold["text"].tolist() == ["ministère de l’Intérieur"]

    def test_empty_file_gives_the_columns(self, tmp_path):
        gold = read_conll(write(tmp_path, "# nothing\n\n"))
        assert gold.empty and list(gold.columns) == GOLD_COLUMNS + ["line"]


class TestReadConllErrors:
    def raises(self, path, line, *, match="", **kwargs):
        with pytest.raises(ValueError, match=re.escape(f"{path.name}:{line}:") + ".*" + match):
            read_conll(path, **kwargs)

    def test_wrong_column_count(self, tmp_path):
        self.raises(write(tmp_path, "# c\nTo B-PER\nLam NNP I-PER\n"), 3, match="expected 2 columns")

    def test_single_column(self, tmp_path):
        self.raises(write(tmp_path, "To B-PER\n\nLam\n"), 3, match="at least 2 columns")

    def test_bad_tag(self, tmp_path):
        self.raises(write(tmp_path, "To B-PER\nLam X-PER\n"), 2, match="'X-PER'")

    def test_iob2_entity_starting_with_i(self, tmp_path):
        self.raises(write(tmp_path, "To B-PER\nLam I-PER\nin O\nHanoi I-LOC\n"), 4,
                    match="IOB2", scheme="iob2")

    def test_iob1_b_after_o(self, tmp_path):
        self.raises(write(tmp_path, "in O\nHanoi B-LOC\n"), 2, match="IOB1", scheme="iob1")

    def test_bioes_tag_in_iob_file(self, tmp_path):
        self.raises(write(tmp_path, "To B-PER\nLam E-PER\n"), 2, match="IOB2", scheme="iob2")

    def test_bioes_unclosed_entity(self, tmp_path):
        self.raises(write(tmp_path, "To B-PER\nLam I-PER\nin O\nHanoi S-LOC\n"), 3, match="unclosed")
        self.raises(write(tmp_path, "To B-PER\nLam I-PER\n"), 2, match="ends inside", scheme="bioes")

    def test_bilou_letters_in_bioes_file(self, tmp_path):
        self.raises(write(tmp_path, "To B-PER\nLam E-PER\nHanoi U-LOC\n"), 3, scheme="bioes")

    def test_token_not_in_the_article(self, tmp_path, articles):
        text = GOLD_002.read_text(encoding="utf-8").replace("Lázaro\t", "Lazaro\t")
        path = write(tmp_path, text, "002-typo.conll")
        line = text.splitlines().index("Lazaro\tB-PER") + 1
        self.raises(path, line, match="'Lazaro'", articles=articles)

    def test_article_not_in_articles(self, tmp_path, articles):
        self.raises(write(tmp_path, "-DOCSTART- nope\nTo B-PER\n"), 1, match="'nope'", articles=articles)

    def test_bad_arguments(self, tmp_path):
        with pytest.raises(ValueError, match="`scheme` must be one of"):
            read_conll(IOB1_4COL, scheme="bio")
        with pytest.raises(ValueError, match="lacks required column"):
            read_conll(IOB1_4COL, articles=pd.DataFrame({"article_id": ["x"]}))
        with pytest.raises(FileNotFoundError, match="missing.conll"):
            read_conll(tmp_path / "missing.conll")


# Five gold mentions; the predictions get two PER right, give the ORG the wrong type,
# get one LOC right, miss the other LOC and add a MISC.
GOLD = table([(0, 5, "PER"), (10, 15, "PER"), (20, 25, "ORG"), (30, 35, "LOC"), (40, 45, "LOC")])
PREDICTED = table([(0, 5, "PER"), (10, 15, "PER"), (20, 25, "LOC"), (30, 35, "LOC"), (50, 55, "MISC")])


class TestEvaluateNer:
    def test_contract_and_perfect_prediction(self):
        scores = evaluate_ner(GOLD, GOLD)
        assert list(scores.columns) == SCORE_COLUMNS
        assert scores.dtypes.astype(str).tolist() == ["str", "int64", "int64", "int64",
                                                       "float64", "float64", "float64"]
        assert scores["entity_type"].tolist() == ["PER", "ORG", "LOC", "overall"]
        assert (scores[["precision", "recall", "f1"]] == 1.0).all().all()
        assert (scores["n_gold"] == scores["n_correct"]).all()

    def test_missing_wrong_type_and_extra(self):
        scores = evaluate_ner(PREDICTED, GOLD).set_index("entity_type")
        expected = {  # n_gold, n_predicted, n_correct, precision, recall, f1
            "PER": (2, 2, 2, 1.0, 1.0, 1.0),
            "ORG": (1, 0, 0, 0.0, 0.0, 0.0),   # precision undefined -> 0.0
            "LOC": (2, 2, 1, 0.5, 0.5, 0.5),
            "MISC": (0, 1, 0, 0.0, 0.0, 0.0),  # recall undefined -> 0.0
            "overall": (5, 5, 3, 0.6, 0.6, 0.6),
        }
        assert scores.index.tolist() == list(expected)
        for entity_type, values in expected.items():
            assert tuple(scores.loc[entity_type]) == pytest.approx(values)

    def test_precision_and_recall_differ(self):
        scores = evaluate_ner(GOLD.iloc[[0, 3]], GOLD, by_type=False)
        assert scores["entity_type"].tolist() == ["overall"]
        row = scores.iloc[0]
        assert (row.n_gold, row.n_predicted, row.n_correct) == (5, 2, 2)
        assert (row.precision, row.recall) == (1.0, 0.4)
        assert row.f1 == pytest.approx(2 * 1.0 * 0.4 / 1.4)

    def test_no_prediction(self):
        scores = evaluate_ner(GOLD.iloc[:0], GOLD).set_index("entity_type")
        assert scores.loc["overall", "n_predicted"] == 0
        assert (scores[["precision", "recall", "f1"]] == 0.0).all().all()

    def test_predictions_outside_gold_articles_are_ignored(self):
        other = table([(0, 5, "PER"), (60, 65, "ORG")], article_id="elsewhere")
        with_other = pd.concat([PREDICTED, other], ignore_index=True)
        pd.testing.assert_frame_equal(evaluate_ner(with_other, GOLD), evaluate_ner(PREDICTED, GOLD))

    def test_article_ids_count_an_article_without_gold_entities(self):
        other = table([(0, 5, "PER")], article_id="empty")
        with_other = pd.concat([PREDICTED, other], ignore_index=True)
        scores = evaluate_ner(with_other, GOLD, article_ids=["a", "empty"], by_type=False)
        assert (scores.n_predicted[0], scores.n_correct[0]) == (6, 3)
        with pytest.raises(TypeError, match="string"):
            evaluate_ner(PREDICTED, GOLD, article_ids="a")

    def test_duplicates_and_untyped_rows_are_dropped(self):
        noisy = pd.concat([PREDICTED, PREDICTED.iloc[[0]], table([(70, 75, None)])], ignore_index=True)
        pd.testing.assert_frame_equal(evaluate_ner(noisy, GOLD), evaluate_ner(PREDICTED, GOLD))

    def test_inputs_are_not_mutated_and_columns_checked(self):
        before = PREDICTED.copy()
        evaluate_ner(PREDICTED, GOLD)
        ner_errors(PREDICTED, GOLD)
        pd.testing.assert_frame_equal(PREDICTED, before)
        with pytest.raises(ValueError, match="entity_type"):
            evaluate_ner(PREDICTED.drop(columns="entity_type"), GOLD)
        with pytest.raises(ValueError, match="`gold` lacks"):
            ner_errors(PREDICTED, GOLD.drop(columns="text"))


class TestNerErrors:
    def test_classifies_wrong_type_false_negative_false_positive(self):
        errors = ner_errors(PREDICTED, GOLD)
        assert list(errors.columns) == ERROR_COLUMNS
        assert list(zip(errors.start_char, errors.end_char, errors.predicted_type.fillna("-"),
                        errors.gold_type.fillna("-"), errors.error)) == [
            (20, 25, "LOC", "ORG", "wrong type"),
            (40, 45, "-", "LOC", "false negative"),
            (50, 55, "MISC", "-", "false positive"),
        ]
        assert set(errors["error"]) <= set(ERROR_KINDS)
        assert errors["gold_start_char"].dtype == "Int64"
        assert errors["gold_start_char"].isna().tolist() == [False, False, True]

    def test_boundary_errors(self):
        gold = table([(0, 13, "PER", "Alvarez Casas"), (20, 30, "ORG", "Minint RHC"),
                      (40, 45, "LOC", "Hanoi")])
        predicted = table([(0, 7, "PER", "Alvarez"), (20, 26, "LOC", "Minint"),
                           (38, 45, "LOC", "à Hanoi"), (27, 30, "ORG", "RHC")])
        errors = ner_errors(predicted, gold)
        assert list(zip(errors.text, errors.gold_text.fillna("-"), errors.error)) == [
            ("Alvarez", "Alvarez Casas", "boundary"),
            ("Minint", "Minint RHC", "boundary"),       # the largest overlap is paired...
            ("RHC", "-", "false positive"),             # ...the other overlapping one is not
            ("à Hanoi", "Hanoi", "boundary"),
        ]
        assert errors.loc[1, ["predicted_type", "gold_type"]].tolist() == ["LOC", "ORG"]

    def test_counts_match_evaluate_ner(self):
        gold = table([(0, 13, "PER"), (20, 30, "ORG"), (40, 45, "LOC"), (50, 55, "LOC")])
        predicted = table([(0, 7, "PER"), (20, 30, "LOC"), (40, 45, "LOC"), (60, 65, "MISC"),
                           (0, 5, "PER", "x", "elsewhere")])
        overall = evaluate_ner(predicted, gold).iloc[-1]
        kinds = ner_errors(predicted, gold)["error"].value_counts().to_dict()
        paired = kinds.get("wrong type", 0) + kinds.get("boundary", 0)
        assert overall.n_predicted - overall.n_correct == kinds.get("false positive", 0) + paired
        assert overall.n_gold - overall.n_correct == kinds.get("false negative", 0) + paired
        assert kinds == {"boundary": 1, "wrong type": 1, "false negative": 1, "false positive": 1}

    def test_perfect_prediction_has_no_errors(self):
        errors = ner_errors(GOLD, GOLD)
        assert errors.empty and list(errors.columns) == ERROR_COLUMNS

    def test_only_misses_keep_the_dtypes(self):
        errors = ner_errors(GOLD.iloc[:0], GOLD)
        assert (errors["error"] == "false negative").all() and len(errors) == len(GOLD)
        assert errors["predicted_type"].dtype == "str" and errors["predicted_type"].isna().all()
        assert errors["gold_start_char"].tolist() == GOLD["start_char"].tolist()
