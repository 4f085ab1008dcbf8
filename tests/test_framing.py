"""Tests for toolkit.framing (codebooks, scores, evidence, keyness) and its plots, on hand-made tokens and the seeds."""

from __future__ import annotations

import math
import unicodedata

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from tests.seed_tables import A000, A001, A002, A003, A004, STORIES, make_tokens, seed_tables  # noqa: E402
from toolkit.framing import (  # noqa: E402
    CODEBOOK_COLUMNS,
    EVIDENCE_COLUMNS,
    KEYNESS_COLUMNS,
    MARKED_COLUMNS,
    PROFILE_COLUMNS,
    SCORE_COLUMNS,
    SENTENCE_SCORE_COLUMNS,
    CodebookError,
    FramingWarning,
    keyness,
    list_codebooks,
    load_codebook,
    mark_evidence,
    parse_term,
    score_frames,
    summarise_frames,
)
from toolkit.plotting import plot_frame_heatmap, plot_keyness  # noqa: E402
from toolkit.text import log_likelihood  # noqa: E402

MFC_FRAMES = [  # annotations/codes.json of the Media Frames Corpus (Card et al. 2015), codes 1-15
    "Economic", "Capacity and resources", "Morality", "Fairness and equality",
    "Legality, constitutionality and jurisprudence", "Policy prescription and evaluation", "Crime and punishment",
    "Security and defense", "Health and safety", "Quality of life", "Cultural identity", "Public opinion", "Political",
    "External regulation and reputation", "Other",
]


def write_codebook(tmp_path, terms: str, frames: str | None = None, name: str = "mine"):
    path = tmp_path / f"{name}.csv"
    path.write_text(terms, encoding="utf-8")
    if frames is not None:
        (tmp_path / f"{name}.frames.csv").write_text(frames, encoding="utf-8")
    return path


# ---------------------------------------------------------------- codebooks


class TestLoadCodebook:
    def test_shipped_codebooks(self):
        assert list_codebooks() == ["cooperation-themes", "generic-frames", "policy-frames"]
        policy = load_codebook("policy-frames")
        assert list(policy.columns) == CODEBOOK_COLUMNS
        assert list(dict.fromkeys(policy["label"])) == MFC_FRAMES
        generic = load_codebook("generic-frames")
        assert list(dict.fromkeys(generic["label"])) == [
            "Attribution of responsibility", "Human interest", "Conflict", "Morality", "Economic consequences"]
        themes = load_codebook("cooperation-themes")
        assert list(dict.fromkeys(themes["frame"])) == [
            "security_crime", "solidarity_friendship", "health_biotech", "history_memory", "institutional_cooperation"]

    @pytest.mark.parametrize("name", ["policy-frames", "generic-frames", "cooperation-themes"])
    def test_every_frame_is_bilingual(self, name):
        codebook = load_codebook(name)
        for frame, rows in codebook.groupby("frame"):
            if frame == "other":
                assert rows["term"].isna().all() and len(rows) == 1  # coders only
                continue
            assert {"fr", "en"} <= set(rows["language"]), frame
            assert rows["term"].notna().all()
        assert not codebook.duplicated(["frame", "language", "term"]).any()
        assert codebook["frame_order"].is_monotonic_increasing

    def test_own_codebook_without_frames_file(self, tmp_path):
        path = write_codebook(tmp_path, "# comment\nframe,language,term\nb_frame,fr,Vaccin\na_frame,*,covid-19\n"
                                        "b_frame,fr,vaccin\n")
        codebook = load_codebook(path)
        assert list(codebook["frame"]) == ["b_frame", "a_frame"]  # first appearance; the duplicate read once
        assert list(codebook["label"]) == ["b_frame", "a_frame"]
        assert list(codebook["term"]) == ["vaccin", "covid-19"]
        assert list(codebook["line"]) == [3, 4]
        assert set(codebook["codebook"]) == {"mine"}

    @pytest.mark.parametrize("terms, frames, message", [
        ("frame,language,term\nhealth,french,vaccin\n", None, r"mine\.csv:2: language must be"),
        ("frame,language,term\n\n# x\nhealth,fr,vaccin,extra,more\n", None, r"mine\.csv:4: expected 3 fields"),
        ("frame,language,term\nHealth Frame,fr,vaccin\n", None, r"mine\.csv:2: frame ids"),
        ("frame,language,term\nhealth,fr,\n", None, r"mine\.csv:2: bad term"),
        ("frame,language,term\nhealth,fr,v*accin\n", None, r"mine\.csv:2: bad term 'v\*accin'"),
        ("frame,language\nhealth,fr\n", None, r"mine\.csv:1: header lacks column\(s\) \['term'\]"),
        ("frame,language,term\nhealth,fr,vaccin\nwealth,fr,argent\n", "frame,label\nhealth,Health\n",
         r"mine\.csv:3: frame 'wealth' is not in mine\.frames\.csv"),
        ("frame,language,term\nhealth,fr,vaccin\n", "frame,label\nhealth,Health\nhealth,Again\n",
         r"mine\.frames\.csv:3: frame 'health' is defined twice"),
        ("frame,language,term\nhealth,fr,\"vaccin\n", None, r"mine\.csv:2: malformed CSV"),
    ])
    def test_malformed_entries_name_file_and_line(self, tmp_path, terms, frames, message):
        path = write_codebook(tmp_path, terms, frames)
        with pytest.raises(CodebookError, match=message):
            load_codebook(path)

    def test_unknown_codebook(self):
        with pytest.raises(FileNotFoundError, match="policy-frames"):
            load_codebook("no-such-codebook")

    def test_parse_term(self):
        assert parse_term("Compagnon d’armes") == ("compagnon", "d'", "armes")
        assert parse_term("mettre en œuvre") == ("mettre", "en", "oeuvre")
        assert parse_term("terroris*") == ("terroris*",)
        assert parse_term("l'Intérieur*") == ("l'", "intérieur*")
        # Split as the tokenizer splits: "aujourd'hui" and "U.S." stay whole, English clitics split off.
        assert parse_term("aujourd'hui") == ("aujourd'hui",)
        assert parse_term("U.S. forces", language="en") == ("u.s.", "forces")
        assert parse_term("people's army", language="en") == ("people", "'s", "army")
        for bad in ("", "t*", "ter*ror", "terror**"):
            with pytest.raises(ValueError):
                parse_term(bad)

    def test_matching_form_is_the_term_form_of_toolkit_text(self):
        from toolkit.framing.lexicons import normalise_term_series
        from toolkit.text import normalise_terms

        nfd = unicodedata.normalize("NFD", "Trần")
        words = pd.Series(["L’Œuvre", "Trần", nfd, "cœur", "Nam\u02bcs", None, "cœur"], dtype="object")
        got = normalise_term_series(words)
        expected = normalise_terms(words).str.replace("œ", "oe")
        assert got.iloc[:5].tolist() == expected.iloc[:5].tolist() == ["l'oeuvre", "trần", "trần", "coeur", "nam's"]
        assert pd.isna(got.iloc[5]) and got.iloc[6] == "coeur"


# ---------------------------------------------------------------- scoring (hand-made tokens)

TEXT = "Les vaccins du Cuba renforcent la sécurité nationale. Les terroristes menacent la sécurité."
WORDS = [  # (text, lemma, upos, head, deprel, sentence_id[, same offsets as previous])
    ("Les", "le", "DET", 1, "det"), ("vaccins", "vaccin", "NOUN", 5, "nsubj"), ("du", "de", "ADP", 4, "case"),
    ("du", "le", "DET", 4, "det", 0, True), ("Cuba", "Cuba", "PROPN", 1, "nmod"),
    ("renforcent", "renforcer", "VERB", None, "root"), ("la", "le", "DET", 7, "det"),
    ("sécurité", "sécurité", "NOUN", 5, "obj"), ("nationale", "national", "ADJ", 7, "amod"),
    (".", ".", "PUNCT", 5, "punct"),
    ("Les", "le", "DET", 11, "det", 1), ("terroristes", "terroriste", "NOUN", 12, "nsubj", 1),
    ("menacent", "menacer", "VERB", None, "root", 1), ("la", "le", "DET", 14, "det", 1),
    ("sécurité", "sécurité", "NOUN", 12, "obj", 1), (".", ".", "PUNCT", 12, "punct", 1),
]
TERMS = ("frame,language,term,note\nsecurity,fr,sécurité,\nsecurity,fr,sécurité nationale,\n"
         "security,fr,terroris*,\n"
         "health,fr,vaccin,\nhealth,en,security,an English word never matched in French\nempty,fr,pandémie,\n")
FRAMES = "frame,label,description\nhealth,Health,\nsecurity,Security and crime,\nempty,Unused,\nother,Other,\n"


@pytest.fixture()
def small(tmp_path):
    tokens = make_tokens("a1", TEXT, WORDS)
    articles = pd.DataFrame({"article_id": ["a1"], "language": ["fr"], "text": [TEXT]})
    codebook = load_codebook(write_codebook(tmp_path, TERMS, FRAMES))
    return tokens, articles, codebook


class TestScoreFrames:
    def test_contracts(self, small):
        tokens, articles, codebook = small
        scores, sentence_scores, evidence = score_frames(tokens, codebook, articles=articles)
        assert list(scores.columns) == SCORE_COLUMNS
        assert list(sentence_scores.columns) == SENTENCE_SCORE_COLUMNS
        assert list(evidence.columns) == EVIDENCE_COLUMNS
        assert list(scores["frame"]) == ["health", "security", "empty", "other"]  # every frame, codebook order
        assert scores["n_hits"].dtype == "int64" and scores["per_1000_words"].dtype == "float64"

    def test_counts_longest_match_and_words(self, small):
        tokens, articles, codebook = small
        scores, sentence_scores, evidence = score_frames(tokens, codebook, articles=articles)
        by_frame = scores.set_index("frame")
        # "sécurité nationale" once (not also "sécurité"), "terroristes" by prefix, "sécurité" again.
        assert by_frame.loc["security", "n_hits"] == 3
        assert list(evidence.loc[evidence["frame"] == "security", "matched"]) == [
            "sécurité nationale", "terroristes", "sécurité"]
        assert by_frame.loc["health", "n_hits"] == 1  # "vaccins" by lemma; the English entry is not used
        assert by_frame.loc[["empty", "other"], "n_hits"].tolist() == [0, 0]
        # 13 words: punctuation left out, "du" (two syntactic words) counted once.
        assert set(scores["n_words"]) == {13}
        assert math.isclose(by_frame.loc["security", "per_1000_words"], 3000 / 13)
        assert sentence_scores[["sentence_id", "frame", "n_hits", "n_words"]].values.tolist() == [
            [0, "health", 1, 8], [0, "security", 1, 8], [1, "security", 2, 5]]

    def test_title_counts_with_the_body(self, small):
        tokens, articles, codebook = small
        titled = articles.assign(title="Vaccins et sécurité nationale")
        plain = score_frames(tokens, codebook, articles=titled).scores.set_index("frame")
        scores, _, evidence = score_frames(tokens, codebook, articles=titled, title=True)
        by_frame = scores.set_index("frame")
        assert by_frame.loc["security", "n_hits"] == plain.loc["security", "n_hits"] + 1  # the longest match once
        assert by_frame.loc["health", "n_hits"] == plain.loc["health", "n_hits"] + 1  # "vaccins" by its lemma
        assert set(by_frame["n_words"]) == {plain["n_words"].iloc[0] + 4}
        in_title = evidence[evidence["sentence_id"] == -1]
        for row in in_title.itertuples():
            assert "Vaccins et sécurité nationale"[row.start_char:row.end_char] == row.matched
        assert sorted(in_title["matched"]) == ["Vaccins", "sécurité nationale"]
        with pytest.raises(ValueError, match="title"):
            score_frames(tokens, codebook, articles=articles.drop(columns="title", errors="ignore"), title=True)

    def test_evidence_points_into_the_text(self, small):
        tokens, articles, codebook = small
        evidence = score_frames(tokens, codebook, articles=articles).evidence
        for row in evidence.itertuples():
            assert TEXT[row.start_char:row.end_char] == row.matched
            assert row.entry.startswith("mine.csv:")
        assert evidence.loc[evidence["matched"] == "terroristes", "term"].item() == "terroris*"

    def test_ignore_spans(self, small):
        tokens, articles, codebook = small
        ignore = pd.DataFrame({"article_id": ["a1"], "start_char": [TEXT.index("sécurité nationale")],
                               "end_char": [TEXT.index(".")]})
        evidence = score_frames(tokens, codebook, articles=articles, ignore=ignore).evidence
        assert "sécurité nationale" not in set(evidence["matched"])
        assert len(evidence) == 3

    def test_language_sources(self, small):
        tokens, _, codebook = small
        english = score_frames(tokens, codebook, language="en").scores.set_index("frame")
        assert english.loc["security", "n_hits"] == 0  # French terms are not looked up in English text
        with_column = score_frames(tokens.assign(language="fr"), codebook).scores
        assert with_column["n_hits"].sum() == 4
        with pytest.raises(ValueError, match="needs each article's language"):
            score_frames(tokens, codebook)
        with pytest.raises(ValueError, match="lacks required column"):
            score_frames(tokens.drop(columns="lemma"), codebook, language="fr")

    def test_does_not_mutate_and_handles_no_hits(self, small):
        tokens, articles, codebook = small
        before = tokens.copy()
        nothing = codebook[codebook["frame"].isin(["empty", "other"])]
        scores, sentence_scores, evidence = score_frames(tokens, nothing, articles=articles)
        pd.testing.assert_frame_equal(tokens, before)
        assert scores["n_hits"].sum() == 0 and len(evidence) == 0 and len(sentence_scores) == 0
        assert list(evidence.columns) == EVIDENCE_COLUMNS

    def test_mark_evidence(self, small):
        tokens, articles, codebook = small
        evidence = score_frames(tokens, codebook, articles=articles).evidence
        sentences = pd.DataFrame({"article_id": ["a1", "a1"], "sentence_id": [0, 1], "start_char": [0, 54],
                                  "text": [TEXT[:53], TEXT[54:]]})
        marked = mark_evidence(evidence, sentences, frames=["security"], n=1)
        assert list(marked.columns) == MARKED_COLUMNS
        assert marked["marked_text"].item() == "Les [terroristes] menacent la [sécurité]."
        assert marked["n_hits"].item() == 2


# ---------------------------------------------------------------- the seeds


@pytest.fixture(scope="module")
def seeds():
    return seed_tables()


@pytest.fixture(scope="module")
def themes(seeds):
    articles, _, tokens, _ = seeds
    return score_frames(tokens, "cooperation-themes", articles=articles)


class TestSeeds:
    def test_every_score_traces_back_to_evidence(self, seeds, themes):
        articles, sentences, _, _ = seeds
        scores, sentence_scores, evidence = themes
        per_article = evidence.groupby(["article_id", "frame"]).size()
        for row in scores.itertuples():
            assert per_article.get((row.article_id, row.frame), 0) == row.n_hits
        assert sentence_scores["n_hits"].sum() == scores["n_hits"].sum() == len(evidence) > 0
        texts = articles.set_index("article_id")["text"]
        bounds = sentences.set_index(["article_id", "sentence_id"])
        for row in evidence.itertuples():
            assert texts[row.article_id][row.start_char:row.end_char] == row.matched
            sentence = bounds.loc[(row.article_id, row.sentence_id)]
            assert sentence["start_char"] <= row.start_char < row.end_char <= sentence["end_char"]

    def test_health_belongs_to_may_and_history_to_october(self, themes):
        hits = themes.scores.pivot(index="article_id", columns="frame", values="n_hits")
        assert (hits.loc[[A002, A004], "health_biotech"] > 0).all()
        assert (hits.loc[[A000, A001, A003], "health_biotech"] == 0).all()
        assert (hits.loc[[A000, A001, A003], "history_memory"] > 0).all()
        assert (hits.loc[[A002, A004], "history_memory"] == 0).all()

    def test_profile_by_story(self, seeds, themes):
        articles = seeds[0].assign(story=seeds[0]["article_id"].map(STORIES))
        profile = summarise_frames(themes.scores, articles, by="story")
        assert list(profile.columns) == ["story", *PROFILE_COLUMNS]
        rates = profile.set_index(["story", "frame"])["per_1000_words"]
        assert rates[("May (Hanoi)", "health_biotech")] > 0 == rates[("October (Havana)", "health_biotech")]
        assert rates[("October (Havana)", "history_memory")] > 0 == rates[("May (Hanoi)", "history_memory")]
        counts = profile.groupby("story")["n_articles"].first().to_dict()
        assert counts == {"May (Hanoi)": 2, "October (Havana)": 3}
        # The former mapping article_id → group still works for one release, with its "group" column.
        with pytest.warns(FutureWarning, match=r"summarise_frames\(by=<mapping>\) is deprecated"):
            mapped = summarise_frames(themes.scores, seeds[0], by=STORIES)
        assert list(mapped.columns) == ["group", *PROFILE_COLUMNS]
        assert mapped["per_1000_words"].tolist() == profile["per_1000_words"].tolist()

    def test_profile_by_several_columns(self, seeds, themes):
        articles = seeds[0].assign(story=seeds[0]["article_id"].map(STORIES))
        profile = summarise_frames(themes.scores, articles, by=["story", "language"])
        assert list(profile.columns) == ["story", "language", *PROFILE_COLUMNS]
        pairs = set(zip(profile["story"], profile["language"]))
        assert pairs == set(zip(articles["story"], articles["language"]))
        totals = profile.groupby("frame")["n_hits"].sum()
        assert totals.to_dict() == themes.scores.groupby("frame")["n_hits"].sum().to_dict()

    def test_profile_by_outlet_keeps_unknown(self, seeds, themes):
        profile = summarise_frames(themes.scores, seeds[0], by="outlet")
        assert set(profile["outlet"]) == {"RHC", "VNA", "VNS", "unknown"}  # 000 names no outlet
        totals = profile.groupby("frame")["n_hits"].sum()
        assert totals.to_dict() == themes.scores.groupby("frame")["n_hits"].sum().to_dict()
        with pytest.raises(ValueError, match="`by` must be a column"):
            summarise_frames(themes.scores, seeds[0], by="nope")

    def test_policy_frames_on_the_seeds(self, seeds):
        articles, _, tokens, mentions = seeds
        scores = score_frames(tokens, "policy-frames", articles=articles).scores
        named = score_frames(tokens, "policy-frames", articles=articles, ignore=mentions).scores
        security = scores[scores["frame"] == "security_defense"]["n_hits"].sum()
        assert 0 < named[named["frame"] == "security_defense"]["n_hits"].sum() < security  # ministry names dropped
        assert scores.loc[scores["frame"] == "other", "n_hits"].sum() == 0


# ---------------------------------------------------------------- keyness


def keyness_tables():
    """Two groups of hand-made tokens: A says "vaccin" 10 times in 1,000 words, B never in 1,000."""
    rows = []
    for article, group, words in (("a", "A", ["vaccin"] * 10 + ["coopération"] * 990),
                                  ("b", "B", ["coopération"] * 1000)):
        for k, w in enumerate(words):
            rows.append({"article_id": article, "text": w, "lemma": w, "upos": "NOUN"})
    rows.append({"article_id": "b", "text": "le", "lemma": "le", "upos": "DET"})
    tokens = pd.DataFrame(rows)
    articles = pd.DataFrame({"article_id": ["a", "b"], "language": ["fr", "fr"], "side": ["A", "B"]})
    return tokens, articles


class TestKeyness:
    def test_g2_and_log_ratio(self):
        tokens, articles = keyness_tables()
        with pytest.warns(FramingWarning, match="group 'A' has 1 article"):
            table = keyness(tokens, articles, by="side", min_count=1)
        assert list(table.columns) == KEYNESS_COLUMNS
        row = table[(table["group"] == "A") & (table["lemma"] == "vaccin")].iloc[0]
        # E = 5 in each group: G² = 2 (10 ln(10/5) + 0) = 20 ln 2; log ratio with 0.5 for the zero.
        assert math.isclose(row["g2"], 20 * math.log(2))
        assert math.isclose(row["log_ratio"], math.log2((10 / 1000) / (0.5 / 1000)))
        assert math.isclose(row["p_value"], math.erfc(math.sqrt(10 * math.log(2))))
        assert row["direction"] == "over" and row["n_group"] == 10 and row["n_rest"] == 0
        mirror = table[(table["group"] == "B") & (table["lemma"] == "vaccin")].iloc[0]
        assert mirror["direction"] == "under" and math.isclose(mirror["g2"], row["g2"])
        assert "le" not in set(table["lemma"])  # a stopword
        assert table.groupby("group").head(1)["direction"].tolist() == ["over", "over"]

    def test_g2_is_the_log_likelihood_of_toolkit_text(self, seeds):
        # keyness's G² is text.log_likelihood on the lemma's two cells, bit for bit.
        articles, _, tokens, _ = seeds
        with pytest.warns(FramingWarning):
            table = keyness(tokens, articles[articles["language"] == "fr"], by="outlet_country", min_count=1)
        sizes = {g: (rows["n_group"] / rows["per_1000_group"] * 1000).dropna().iloc[0]
                 for g, rows in table[table["n_group"] > 0].groupby("group")}
        for group, rows in table.groupby("group"):
            a, b = rows["n_group"].to_numpy(float), rows["n_rest"].to_numpy(float)
            c = round(sizes[group])
            d = round(sum(sizes.values())) - c
            expected = log_likelihood([a, b], [c * (a + b) / (c + d), d * (a + b) / (c + d)])
            assert (rows["g2"].to_numpy() == expected).all()

    def test_target_top_and_errors(self):
        tokens, articles = keyness_tables()
        with pytest.warns(FramingWarning):
            only = keyness(tokens, articles, by="side", target="B", min_count=1, top=1)
        assert set(only["group"]) == {"B"} and len(only) == 2
        with pytest.raises(ValueError, match="`target` must be one of"):
            keyness(tokens, articles, by="side", target="C")
        with pytest.raises(ValueError, match="at least two groups"):
            keyness(tokens, articles.assign(side="A"), by="side")

    def test_no_warning_for_large_groups(self):
        import warnings

        tokens, articles = keyness_tables()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            keyness(tokens, articles, by="side", small_group=1, min_words=500)

    def test_seeds_between_countries(self, seeds):
        articles, _, tokens, _ = seeds
        with pytest.warns(FramingWarning) as caught:
            table = keyness(tokens, articles, by="outlet_country")
        message = str(caught[0].message)
        assert "1 article(s) with no outlet_country left out (000_" in message  # the id in full
        assert "group 'Cuba' has 1 article(s)" in message and "mix languages" in message
        french = articles[articles["language"] == "fr"]
        with pytest.warns(FramingWarning) as caught:
            table = keyness(tokens, french, by="outlet_country")
        assert "mix languages" not in str(caught[0].message)
        # Groups alike in languages (both French and English) still mix them: a language's share makes its words key.
        alike = articles.assign(side=["A", "B", "A", "B", "A"], language=["fr", "en", "en", "fr", "fr"])
        with pytest.warns(FramingWarning, match="groups mix languages"):
            keyness(tokens, alike, by="side")
        # One language per group: lemmas of the two never match.
        with pytest.warns(FramingWarning, match="the groups are in different languages"):
            keyness(tokens, articles.assign(side=articles["language"]), by="side")
        over = table["direction"] == "over"
        assert (table.loc[over, "per_1000_group"] >= table.loc[over, "per_1000_rest"]).all()
        assert (table.loc[~over, "per_1000_group"] < table.loc[~over, "per_1000_rest"]).all()
        assert set(table["group"]) == {"Cuba", "Vietnam"}
        assert (table["n_group"] + table["n_rest"] >= 3).all()


# ---------------------------------------------------------------- plots


class TestPlots:
    def test_frame_heatmap(self, seeds, themes):
        profile = summarise_frames(themes.scores, seeds[0].assign(story=seeds[0]["article_id"].map(STORIES)),
                                   by="story")
        ax = plot_frame_heatmap(profile, by="story")
        image = ax.get_images()[0].get_array()
        assert image.shape == (5, 2)
        assert [t.get_text() for t in ax.get_yticklabels()][2] == "Health and biotechnology"
        plt.close("all")

    def test_keyness_bars(self):
        tokens, articles = keyness_tables()
        with pytest.warns(FramingWarning):
            table = keyness(tokens, articles, by="side", min_count=1)
        ax = plot_keyness(table, group="A", n=5)
        assert len(ax.patches) == 2  # "vaccin" over-used, "coopération" under-used
        plt.close("all")

    def test_keyness_legend_names_the_groups_and_explains_the_counts(self):
        tokens, articles = keyness_tables()
        with pytest.warns(FramingWarning):
            table = keyness(tokens, articles, by="side", min_count=1)
            only_a = keyness(tokens, articles, by="side", target="A", min_count=1)
        fig, ax = plt.subplots()
        assert plot_keyness(table, group="A", n=5, ax=ax) is ax
        legend = ax.get_legend()
        assert [t.get_text() for t in legend.get_texts()] == ["more frequent in A", "more frequent in B"]
        colours = {bar.get_facecolor() for bar in ax.patches}
        assert {handle.get_facecolor() for handle in legend.legend_handles} == colours and len(colours) == 2
        assert legend.get_title().get_text() == "Counts in brackets: occurrences in A / in B"
        assert "vaccin  (10/0)" in [t.get_text() for t in ax.get_yticklabels()]
        assert ax.get_xlabel().endswith("A vs B")
        # The legend sits below the x label, inside the saved (tight) figure.
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        assert legend.get_window_extent(renderer).y1 < ax.xaxis.label.get_window_extent(renderer).y0
        assert fig.get_tightbbox(renderer).y0 <= legend.get_window_extent(renderer).y0 / fig.dpi
        # A table of one group: its rest column names the one group it was compared with; without
        # the column nothing shows who the rest was, so it stays "all other groups", unless named.
        ax = plot_keyness(only_a, group="A")
        assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "more frequent in B"
        ax = plot_keyness(only_a.drop(columns="rest"), group="A")
        assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == "more frequent in all other groups"
        ax = plot_keyness(only_a.drop(columns="rest"), group="A", rest="B")
        assert ax.get_legend().get_title().get_text().endswith("in A / in B")
        # Rows of two runs comparing A with different rests: no single name is right.
        with pytest.raises(ValueError, match="several rests"):
            plot_keyness(pd.concat([only_a, only_a.assign(rest="all other groups")]), group="A")
        # Only the colours drawn are in the legend.
        ax = plot_keyness(table[table["direction"] == "over"], group="A")
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["more frequent in A"]
        plt.close("all")


    def test_keyness_figure_never_names_a_wrong_comparison_group(self):
        # Keyness over A, B and C, the table then cut to A and C: A was compared with B and C
        # together (its n_rest counts both), so the figure must not say "A vs C".
        rows = []
        for article, words in (("a", ["vaccin"] * 10 + ["port"] * 40), ("b", ["navire"] * 20 + ["port"] * 30),
                               ("c", ["vaccin"] * 2 + ["port"] * 48)):
            rows += [{"article_id": article, "text": w, "lemma": w, "upos": "NOUN"} for w in words]
        tokens = pd.DataFrame(rows)
        articles = pd.DataFrame({"article_id": ["a", "b", "c"], "language": "fr", "side": ["A", "B", "C"]})
        with pytest.warns(FramingWarning):
            table = keyness(tokens, articles, by="side", min_count=1)
        a_and_c = table[table["group"].isin(["A", "C"])]
        vaccin = a_and_c.set_index(["group", "lemma"]).loc[("A", "vaccin")]
        assert (vaccin["n_group"], vaccin["n_rest"]) == (10, 2)  # the rest of A: B and C
        assert set(table["rest"]) == {"all other groups"}
        for shown in (a_and_c, a_and_c.drop(columns="rest")):  # the column, or the counts when a table lacks it
            ax = plot_keyness(shown, group="A", n=5)
            legend = ax.get_legend()
            assert [t.get_text() for t in legend.get_texts()][-1] == "more frequent in all other groups"
            assert legend.get_title().get_text() == "Counts in brackets: occurrences in A / in all other groups"
            assert ax.get_xlabel().endswith("A vs all other groups") and " C" not in ax.get_xlabel()
        # Naming C the rest would not make the counts those of A against C: refused, not relabelled.
        with pytest.raises(ValueError, match="run keyness on the articles of those two groups"):
            plot_keyness(table, group="A", rest="C")
        with pytest.raises(ValueError, match="not with 'c'"):  # whatever the case
            plot_keyness(table, group="A", rest="c")
        assert plot_keyness(table, group="A", rest="the other sides").get_xlabel().endswith("A vs the other sides")
        # Two groups compared with each other: each names the other, from the column or from the counts.
        with pytest.warns(FramingWarning):
            two = keyness(tokens, articles[articles["side"] != "B"], by="side", min_count=1)
        assert two.groupby("group")["rest"].first().to_dict() == {"A": "C", "C": "A"}
        for shown in (two, two.drop(columns="rest")):
            assert plot_keyness(shown, group="C").get_xlabel().endswith("C vs A")
        plt.close("all")

    def test_keyness_legend_is_at_least_9_pt(self):
        tokens, articles = keyness_tables()
        with pytest.warns(FramingWarning):
            table = keyness(tokens, articles, by="side", min_count=1)
        legend = plot_keyness(table, group="A").get_legend()
        sizes = [t.get_fontsize() for t in [*legend.get_texts(), legend.get_title()]]
        assert min(sizes) >= 9  # STYLE.md: fonts of at least 9 pt at print size
        plt.close("all")


class TestKeynessSpread:
    """n_articles columns, the min_articles filter, full ids and the small-group sentence only when small."""

    def _tables(self):
        import pandas as pd
        rows, arts = [], []
        words = {"a1": ["vaccin"] * 30 + ["santé"], "a2": ["santé", "port"], "b1": ["port", "navire"], "b2": ["navire", "port"]}
        for article_id, ws in words.items():
            arts.append({"article_id": article_id, "language": "fr", "side": article_id[0].upper()})
            rows += [{"article_id": article_id, "text": w, "lemma": w, "upos": "NOUN"} for w in ws]
        return pd.DataFrame(rows), pd.DataFrame(arts)

    def test_columns_and_filter(self):
        import warnings as w
        from toolkit.framing import keyness
        tokens, articles = self._tables()
        with w.catch_warnings():
            w.simplefilter("ignore")
            table = keyness(tokens, articles, by="side", min_count=1, target="A")
            filtered = keyness(tokens, articles, by="side", min_count=1, target="A", min_articles=2)
        vaccin = table[table["lemma"] == "vaccin"].iloc[0]
        assert (vaccin["n_articles_group"], vaccin["n_articles_rest"]) == (1, 0)
        assert "vaccin" not in set(filtered["lemma"])  # one article only
        assert "santé" in set(filtered["lemma"])       # two articles of group A

    def test_by_default_one_article_is_enough_only_in_a_small_group(self):
        import warnings as w

        import pandas as pd

        from toolkit.framing import keyness

        def tables(n):
            """n articles a side: A's first repeats "vaccin", three of A's say "santé"; B's say "port" and "navire"."""
            rows, arts = [], []
            for side in "AB":
                for k in range(n):
                    article_id = f"{side.lower()}{k}"
                    ws = ["port", "navire", "quai"] if side == "B" else (["vaccin"] * 30 if k == 0 else []) + ["quai"]
                    ws += ["santé"] * 3 if side == "A" and k < 3 else []
                    arts.append({"article_id": article_id, "language": "fr", "side": side})
                    rows += [{"article_id": article_id, "text": x, "lemma": x, "upos": "NOUN"} for x in ws]
            return pd.DataFrame(rows), pd.DataFrame(arts)

        with w.catch_warnings():
            w.simplefilter("ignore")
            tokens, articles = tables(5)
            # Before: the default (1) let one article's "vaccin" top A's list.
            default = keyness(tokens, articles, by="side", min_count=1, target="A")
            one = keyness(tokens, articles, by="side", min_count=1, target="A", min_articles=1)
            few = keyness(*tables(2), by="side", min_count=1, target="A")
        over = default.loc[default["direction"] == "over", "lemma"].tolist()
        assert "vaccin" not in over and "santé" in over  # 1 article of 5; 3 of 5
        assert one.loc[one["direction"] == "over", "lemma"].tolist()[0] == "vaccin"
        # Under-used in A: "port" and "navire" come from the 5 articles of B.
        assert {"port", "navire"} <= set(default.loc[default["direction"] == "under", "lemma"])
        assert "vaccin" in set(few.loc[few["direction"] == "over", "lemma"])  # 2 articles a side: 1 is enough
        with w.catch_warnings():
            w.simplefilter("ignore")
            small = keyness(tokens, articles, by="side", min_count=1, target="A", small_group=6)
        assert "vaccin" in set(small.loc[small["direction"] == "over", "lemma"])  # 5 is small when small_group=6
        with w.catch_warnings():
            w.simplefilter("ignore")
            two = keyness(*tables(2), by="side", min_count=1, target="A", small_group=1)
        # small_group=1 (no warning wanted): 2 articles a side need a lemma in both, not in 3 of 2.
        assert set(two.loc[two["direction"] == "under", "lemma"]) >= {"port", "navire"}

    def test_warning_ids_in_full_and_small_sentence_only_when_small(self):
        import pytest
        from toolkit.framing import FramingWarning, keyness
        tokens, articles = self._tables()
        articles = articles.assign(article_id=articles["article_id"] + "-long-id")
        tokens = tokens.assign(article_id=tokens["article_id"] + "-long-id")
        articles.loc[0, "side"] = None
        with pytest.warns(FramingWarning) as record:
            keyness(tokens, articles, by="side", min_count=1, small_group=1, min_words=1)
        message = " ".join(str(r.message) for r in record)
        assert "a1-long-id" in message
        assert "compares a few texts" not in message


class TestSharedThreshold:
    def test_one_threshold_for_every_frame(self):
        from toolkit.framing.learn import train_frames

        economy = ["Le budget et les impôts pèsent sur l'économie.", "La croissance économique ralentit, le budget souffre."]
        crime = ["La police a arrêté le suspect du vol.", "Le tribunal condamne le voleur à la prison."]
        texts = [economy[i % 2] + " Fin." for i in range(6)] + [crime[i % 2] + " Fin." for i in range(6)]
        articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(12)], "text": texts})
        gold = {f"a{i}": (["Economic"] if i < 6 else ["Crime"]) for i in range(12)}
        model = train_frames(articles, gold, features=("tfidf",), n_folds=3, threshold="shared")
        assert len(set(model.thresholds.values())) == 1
        present = model.predict(articles.iloc[[0, 6]]).predictions
        present = present[present["present"]]
        assert set(zip(present["article_id"], present["frame"])) == {("a0", "Economic"), ("a6", "Crime")}
        with pytest.raises(ValueError, match="threshold"):
            train_frames(articles, gold, features=("tfidf",), threshold="global")
