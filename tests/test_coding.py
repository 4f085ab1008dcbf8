"""Tests for toolkit.framing.coding: the coding sheet round trip and the agreement coefficients (against published values)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests.seed_tables import seed_tables
from toolkit.framing.coding import (
    AGREEMENT_COLUMNS,
    ALL_FRAMES,
    CODING_COLUMNS,
    CodingSheetError,
    code_with_codebook,
    cohen_kappa,
    krippendorff_alpha,
    measure_agreement,
    read_coding_sheet,
    sample_for_coding,
)
from toolkit.framing import CODEBOOKS, load_codebook, score_frames

FRAMES = ["security_crime", "solidarity_friendship", "health_biotech", "history_memory", "institutional_cooperation"]


class TestCoefficients:
    def test_krippendorff_worked_example(self):
        # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section A: 4 observers,
        # 12 units, nominal values with missing data; published alpha = 0.743.
        n = None
        observers = [[1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
                     [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
                     [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
                     [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n]]
        units = list(zip(*observers))
        assert round(krippendorff_alpha(units), 3) == 0.743
        frame = pd.DataFrame(units, columns=list("ABCD")).astype("Float64")  # pd.NA as missing
        assert math.isclose(krippendorff_alpha(frame), krippendorff_alpha(units))

    def test_krippendorff_limits(self):
        assert krippendorff_alpha([[1, 1], [0, 0], [1, 1]]) == 1.0
        assert math.isnan(krippendorff_alpha([[1, 1], [1, 1]]))  # no variation
        assert math.isnan(krippendorff_alpha([[1, None], [0, None]]))  # nothing pairable
        # By hand: o11 = o00 = 2, o10 = o01 = 1, n = 6: alpha = 1 - 5 * 2 / (2 * 3 * 3).
        assert math.isclose(krippendorff_alpha([[1, 1], [0, 0], [1, 0], [0, None]]), 1 - 10 / 18)

    def test_cohen_kappa_textbook_example(self):
        # 50 proposals, two readers: 20 yes/yes, 15 no/no, 5 yes/no, 10 no/yes: kappa = 0.4.
        a = ["yes"] * 25 + ["no"] * 25
        b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
        assert math.isclose(cohen_kappa(a, b), 0.4)

    def test_cohen_kappa_matches_sklearn_and_skips_missing(self):
        from sklearn.metrics import cohen_kappa_score

        rng = np.random.default_rng(0)
        a, b = rng.integers(0, 3, 200).tolist(), rng.integers(0, 3, 200).tolist()
        assert math.isclose(cohen_kappa(a, b), cohen_kappa_score(a, b))
        assert math.isclose(cohen_kappa(a + [None, 1], b + [2, pd.NA]), cohen_kappa(a, b))
        assert math.isnan(cohen_kappa([1, 1], [1, 1])) and math.isnan(cohen_kappa([None], [1]))
        with pytest.raises(ValueError, match="same length"):
            cohen_kappa([1], [1, 2])


@pytest.fixture(scope="module")
def codebook():
    return load_codebook("cooperation-themes")


@pytest.fixture(scope="module")
def seeds():
    return seed_tables()


class TestSheet:
    def test_sample(self, seeds, codebook):
        sentences = seeds[1]
        sheet = sample_for_coding(sentences, codebook, n=12, seed=0)
        assert list(sheet.columns) == ["article_id", "sentence_id", "text", *FRAMES, "note"]
        assert len(sheet) == 12 and sheet["article_id"].value_counts().max() <= 3  # 5 articles, taken in turn
        assert (sheet[FRAMES] == "").all().all()
        assert (sheet["text"].str.split().str.len() >= 5).all()
        pd.testing.assert_frame_equal(sheet, sample_for_coding(sentences, codebook, n=12, seed=0))
        with pytest.warns(FutureWarning, match=r"sample_for_coding\(random_state=...\) is now .*seed"):
            former = sample_for_coding(sentences, codebook, n=12, random_state=0)
        pd.testing.assert_frame_equal(sheet, former)
        other = sample_for_coding(sentences, codebook, n=12, seed=1)
        drawn = set(zip(sheet["article_id"], sheet["sentence_id"]))
        assert set(zip(other["article_id"], other["sentence_id"])) != drawn

    def test_round_trip(self, tmp_path, codebook):
        sheet = pd.DataFrame({"article_id": ["a", "a", "b"], "sentence_id": [0, 1, 0], "text": ["x", "y", "z"],
                              **{f: "" for f in FRAMES}, "note": ""})
        sheet.loc[0, "security_crime"] = "X"
        sheet.loc[0, "health_biotech"] = "oui"
        sheet.loc[2, "history_memory"] = "0"  # "no frame applies"; row 1 stays uncoded
        path = tmp_path / "alice.csv"
        path.write_text("# coder: Alice\n" + sheet.to_csv(index=False), encoding="utf-8-sig")
        codings = read_coding_sheet(path, codebook)
        assert list(codings.columns) == CODING_COLUMNS and set(codings["coder"]) == {"alice"}
        values = codings.set_index(["article_id", "sentence_id", "frame"])["value"]
        assert values[("a", 0, "security_crime")] == 1 and values[("a", 0, "health_biotech")] == 1
        assert values[("a", 0, "history_memory")] == 0
        assert values.loc[("a", 1)].isna().all()
        assert (values.loc[("b", 0)] == 0).all()

    def test_bad_cells_name_file_line_and_column(self, tmp_path, codebook):
        path = tmp_path / "bob.csv"
        rows = "article_id,sentence_id,text," + ",".join(FRAMES) + "\n# a comment\na,0,x,1,,,,\na,1,y,,maybe,,,\n"
        path.write_text(rows, encoding="utf-8")
        with pytest.raises(CodingSheetError, match=r"bob\.csv:4: column 'solidarity_friendship': 'maybe' is not"):
            read_coding_sheet(path, codebook)
        path.write_text("article_id,sentence_id,text,security_crime\na,0,x,1\n", encoding="utf-8")
        with pytest.raises(CodingSheetError, match=r"bob\.csv:1: the header lacks column\(s\) \['solidarity"):
            read_coding_sheet(path, codebook)
        path.write_text("article_id,sentence_id," + ",".join(FRAMES) + "\na,zero,1,,,,\n", encoding="utf-8")
        with pytest.raises(CodingSheetError, match=r"bob\.csv:2: sentence_id must be a whole number"):
            read_coding_sheet(path, codebook)


class TestAgreement:
    def test_identical_and_opposite_coders(self, codebook):
        units = pd.DataFrame({"article_id": ["a"] * 4, "sentence_id": [0, 1, 2, 3]})
        scores = pd.DataFrame({"article_id": ["a", "a"], "sentence_id": [0, 2], "frame": ["security_crime"] * 2,
                               "label": "Security and crime", "n_hits": [1, 3], "n_words": [10, 10],
                               "per_1000_words": [100.0, 300.0]})
        book = code_with_codebook(units, scores, codebook)
        assert list(book.columns) == CODING_COLUMNS and len(book) == 4 * len(FRAMES)
        assert book.loc[book["frame"] == "security_crime", "value"].tolist() == [1, 0, 1, 0]
        same = measure_agreement(pd.concat([book, book.assign(coder="twin")]))
        assert list(same.columns) == AGREEMENT_COLUMNS
        assert same["frame"].tolist() == [*FRAMES, ALL_FRAMES]
        row = same.set_index("frame").loc["security_crime"]
        assert (row["n_units"], row["percent_agreement"], row["cohen_kappa"], row["krippendorff_alpha"]) == (
            4, 100.0, 1.0, 1.0)
        assert math.isnan(same.set_index("frame").loc["health_biotech", "cohen_kappa"])  # nobody used it
        flipped = book.assign(coder="contrarian", value=1 - book["value"])
        row = measure_agreement(pd.concat([book, flipped])).set_index("frame").loc["security_crime"]
        assert row["percent_agreement"] == 0.0 and row["cohen_kappa"] == -1.0

    def test_coders_argument(self, codebook):
        units = pd.DataFrame({"article_id": ["a"], "sentence_id": [0]})
        empty = pd.DataFrame(columns=["article_id", "sentence_id", "frame", "label", "n_hits", "n_words",
                                      "per_1000_words"])
        book = code_with_codebook(units, empty, codebook)
        three = pd.concat([book, book.assign(coder="x"), book.assign(coder="y")])
        with pytest.raises(ValueError, match="3 coder"):
            measure_agreement(three)
        with pytest.raises(ValueError, match="must be two of"):
            measure_agreement(three, coders=("x", "z"))
        assert measure_agreement(three, coders=("x", "y"))["coder_b"].iloc[0] == "y"

    def test_example_sheet_matches_the_seeds(self, seeds, codebook):
        articles, sentences, tokens, _ = seeds
        path = CODEBOOKS / "examples" / "cooperation-themes-coding.csv"
        person = read_coding_sheet(path, codebook, coder="person")
        assert person["value"].notna().all() and person[["article_id", "sentence_id"]].drop_duplicates().shape[0] == 20
        sheet = pd.read_csv(path, comment="#", dtype={"article_id": str})
        texts = sentences.set_index(["article_id", "sentence_id"])["text"]
        assert [texts[(a, s)] for a, s in zip(sheet["article_id"], sheet["sentence_id"])] == sheet["text"].tolist()
        frames = score_frames(tokens, codebook, articles=articles)
        book = code_with_codebook(person, frames.sentence_scores, codebook)
        table = measure_agreement(pd.concat([book, person])).set_index("frame")
        assert table.loc[ALL_FRAMES, "n_units"] == 100
        assert 0 < table.loc[ALL_FRAMES, "krippendorff_alpha"] <= 1


class TestFrameValidation:
    """evaluate_frames, calibrate_codebook / apply_rules and train_frames on text written here."""

    def test_evaluate_frames_forms_and_mapping(self):
        import pandas as pd
        import pytest
        from toolkit.framing.validation import evaluate_frames

        gold = pd.DataFrame({"article_id": ["a", "a", "b", "c"], "frame": ["Crime_and_punishment", "Economic",
                                                                          "Economic", None]})
        predicted = pd.DataFrame({"article_id": ["a", "b", "b", "c"], "frame": ["crime_punishment", "economic",
                                                                                "other", "economic"],
                                  "label": ["Crime and punishment", "Economic", "Other", "Economic"],
                                  "n_hits": [2, 1, 1, 0]})
        with pytest.warns(UserWarning, match="other"):
            result = evaluate_frames(predicted, gold)
        table = result.frames.set_index("frame")
        assert result.n_articles == 3
        assert table.loc["Crime_and_punishment", "f1"] == 1.0
        assert table.loc["Economic", "recall"] == 0.5 and table.loc["Economic", "precision"] == 1.0
        assert result.micro_f1 == pytest.approx(2 * 2 / (2 + 3))
        lists = pd.Series({"a": ["X"], "b": []})
        same = evaluate_frames(lists, lists)
        assert same.micro_f1 == 1.0
        mapped = evaluate_frames({"a": ["x1"]}, {"a": ["X"], "b": []}, mapping={"x1": "X"})
        assert mapped.macro_f1 == 1.0

    def test_calibration_learns_a_threshold(self):
        import pandas as pd
        from toolkit.framing.validation import apply_rules, calibrate_codebook

        # the frame is coded where it has 3+ hits; one stray hit elsewhere
        hits = [0, 1, 1, 3, 4, 5, 1, 0, 6, 3]
        ids = [f"a{i}" for i in range(len(hits))]
        scores = pd.DataFrame({"article_id": ids, "frame": "economic", "label": "Economic", "n_hits": hits,
                               "n_words": 1000, "per_1000_words": [float(h) for h in hits]})
        gold = {a: (["Economic"] if h >= 3 else []) for a, h in zip(ids, hits)}
        rules = calibrate_codebook(scores, gold, measures=("n_hits",), n_folds=3)
        # halfway between the highest uncoded value (1) and the lowest coded one (3)
        assert rules.loc[0, "threshold"] == 2 and rules.loc[0, "cv_f1"] == 1.0
        assert rules.loc[0, "f1_one_hit"] < 1.0
        present = apply_rules(scores, rules)
        assert len(present) == len(scores) and present["present"].tolist() == [h >= 3 for h in hits]

    def test_best_threshold_lies_halfway_between_training_values(self):
        import numpy as np
        from toolkit.framing.validation import best_threshold

        # coded articles have 4+ hits per 1,000 words, the others 2 or less: the cut sits at 3,
        # so a new article at 3.5 is kept (a cut on the training value 4 would drop it)
        rates = np.array([0.0, 1.0, 2.0, 4.0, 5.0, 8.0])
        truth = rates >= 4
        threshold, f1 = best_threshold(rates, truth)
        assert threshold == 3.0 and f1 == 1.0
        # on counts the cut is the integer that marks the same articles (n_hits >= 2, not >= 1.5)
        threshold, _ = best_threshold(np.array([0, 1, 1, 2, 3, 5]), np.array([0, 0, 0, 1, 1, 1], dtype=bool))
        assert threshold == 2.0
        # a frame coded in every article: always present (t = 0), whatever the hits
        assert best_threshold(np.array([0.0, 3.0, 0.0]), np.ones(3, dtype=bool)) == (0.0, 1.0)

    def test_policy_frames_french_terms_keep_their_sense(self):
        import numpy as np
        import pandas as pd
        from toolkit.framing.codebooks import score_frames

        # hand-made tokens (lemma = lower-cased text, elisions split as the parsers split them): the senses the
        # French review separates
        sentences = {"barely": "il a à peine parlé", "sentence": "il purge une peine de prison",
                     "actual": "la baisse effective des prix", "staff": "le service est en sous-effectif",
                     "survey": "selon une enquête d' opinion", "power": "le pouvoir d' achat recule"}
        rows = []
        for article, sentence in sentences.items():
            words = sentence.split()
            starts = np.cumsum([0] + [len(w) + 1 for w in words[:-1]])
            rows += [{"article_id": article, "sentence_id": 0, "token_id": i, "start_char": int(b),
                      "end_char": int(b) + len(w), "text": w, "lemma": w.lower(), "upos": "NOUN"}
                     for i, (w, b) in enumerate(zip(words, starts))]
        articles = pd.DataFrame({"article_id": list(sentences), "language": "fr", "text": list(sentences.values())})
        hits = score_frames(pd.DataFrame(rows), "policy-frames", articles=articles).evidence
        found = set(zip(hits["article_id"], hits["frame"]))
        assert ("sentence", "crime_punishment") in found and ("barely", "crime_punishment") not in found
        assert ("staff", "capacity_resources") in found and ("actual", "capacity_resources") not in found
        assert ("survey", "public_opinion") in found and ("survey", "crime_punishment") not in found
        assert ("power", "quality_of_life") in found

    def test_policy_frames_french_terms_of_the_fifth_pass_keep_their_sense(self):
        import numpy as np
        import pandas as pd
        from toolkit.framing.codebooks import score_frames

        # hand-made tokens ("word|lemma" where the lemma is not the lower-cased word); each pair: the sense
        # the frame keeps, then the other sense the fifth review pass removed (policy-frames-review.md)
        cases = {
            "heritage": ("la défense du patrimoine culturel", "cultural_identity", True),
            "wealth": ("le patrimoine du milliardaire a doublé", "cultural_identity", False),
            "conventional": ("les partis traditionnels|traditionnel reculent", "cultural_identity", False),
            "commute": ("les transports|transport en commun sont en retard", "quality_of_life", True),
            "freight": ("une entreprise de transport routier", "quality_of_life", False),
            "objector": ("l' objection de conscience des médecins", "morality", True),
            "aware": ("le ministre a pris conscience du danger", "morality", False),
            "sentenced": ("il a été condamné|condamner à deux ans ferme", "crime_punishment", True),
            "condemned": ("Paris condamne|condamner l' attaque", "crime_punishment", False),
            "ministry": ("le ministre des affaires étrangères|étranger parle", "external_relations", True),
            "foreigners": ("les mineurs étrangers|étranger sont accueillis", "external_relations", False),
            "electoral": ("la campagne présidentielle commence", "political", True),
            "countryside": ("ils vivent à la campagne", "political", False),
            "advert": ("une campagne de publicité", "political", False),
        }
        rows = []
        for article, (sentence, _, _) in cases.items():
            words = [w.partition("|") for w in sentence.split()]
            starts = np.cumsum([0] + [len(w) + 1 for w, _, _ in words[:-1]])
            rows += [{"article_id": article, "sentence_id": 0, "token_id": i, "start_char": int(b),
                      "end_char": int(b) + len(w), "text": w, "lemma": lemma or w.lower(), "upos": "NOUN"}
                     for i, ((w, _, lemma), b) in enumerate(zip(words, starts))]
        texts = [" ".join(w.partition("|")[0] for w in s.split()) for s, _, _ in cases.values()]
        articles = pd.DataFrame({"article_id": list(cases), "language": "fr", "text": texts})
        hits = score_frames(pd.DataFrame(rows), "policy-frames", articles=articles).evidence
        found = set(zip(hits["article_id"], hits["frame"]))
        assert {a for a, (_, frame, expected) in cases.items() if ((a, frame) in found) != expected} == set()

    def test_train_frames_predicts_and_saves(self, tmp_path):
        import pandas as pd
        import pytest
        from toolkit.framing.learn import load_frame_model, save_frame_model, train_frames

        economy = ["Le budget et les impôts pèsent sur l'économie.", "La croissance économique ralentit, le budget souffre."]
        crime = ["La police a arrêté le suspect du vol.", "Le tribunal condamne le voleur à la prison."]
        texts = [economy[i % 2] + " Fin." for i in range(6)] + [crime[i % 2] + " Fin." for i in range(6)]
        articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(12)], "text": texts})
        gold = {f"a{i}": (["Economic"] if i < 6 else ["Crime"]) for i in range(12)}
        model = train_frames(articles, gold, features=("tfidf",), n_folds=3)
        result = model.predict(articles.iloc[[0, 6]])
        present = result.predictions[result.predictions["present"]]
        assert set(zip(present["article_id"], present["frame"])) == {("a0", "Economic"), ("a6", "Crime")}
        assert set(result.evidence["article_id"]) == {"a0", "a6"}
        path = save_frame_model(model, tmp_path / "frames.joblib")
        with pytest.raises(PermissionError):
            load_frame_model(path)
        assert load_frame_model(path, trusted=True).frames == model.frames
