"""Tests for toolkit.framing.agency (actor–action–target rows, summaries) and its plot, on a hand-made parse and the seeds."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from tests.seed_tables import (  # noqa: E402
    A000, A002, A004, ALVAREZ, TO, TO_LAM, make_tokens, mentions_table, one_article, seed_tables,
)
from toolkit.framing.agency import AGENCY_COLUMNS, AGENCY_SUMMARY_COLUMNS, extract_agency, summarise_agency  # noqa: E402
from toolkit.plotting import plot_agency  # noqa: E402
from toolkit.framing.quotes import RESOLUTIONS  # noqa: E402

PASSIVE_TEXT = "La délégation est dirigée par Jean Dupont."
PASSIVE_WORDS = [
    ("La", "le", "DET", 1, "det"), ("délégation", "délégation", "NOUN", 3, "nsubj:pass"),
    ("est", "être", "AUX", 3, "aux:pass"), ("dirigée", "diriger", "VERB", None, "root"),
    ("par", "par", "ADP", 5, "case"), ("Jean", "Jean", "PROPN", 3, "obl:agent"),
    ("Dupont", "Dupont", "PROPN", 5, "flat:name"), (".", ".", "PUNCT", 3, "punct"),
]


class TestHandMade:
    def test_passive_agent_is_the_actor(self):
        tokens = make_tokens("fr2", PASSIVE_TEXT, PASSIVE_WORDS)
        mentions = mentions_table("fr2", PASSIVE_TEXT, [("Jean Dupont", "PER", "PER:jean-dupont")])
        agency = extract_agency(tokens, mentions, one_article("fr2", PASSIVE_TEXT, "fr"))
        assert list(agency.columns) == AGENCY_COLUMNS
        row = agency.iloc[0]
        assert (row["verb"], row["voice"], row["actor_entity_id"], row["actor_resolution"]) == (
            "diriger", "passive", "PER:jean-dupont", "mention")
        assert (row["target_text"], row["target_resolution"]) == ("La délégation", "unresolved")



@pytest.fixture(scope="module")
def seeds():
    return seed_tables()


@pytest.fixture(scope="module")
def agency(seeds):
    articles, _, tokens, mentions = seeds
    return extract_agency(tokens, mentions, articles)


class TestSeedAgency:
    def test_actors(self, agency):
        assert set(agency["actor_resolution"].dropna()) <= set(RESOLUTIONS)
        rows = set(zip(agency["article_id"], agency["verb"], agency["actor_entity_id"]))
        assert (A004, "affirmer", TO_LAM) in rows
        assert (A000, "diriger", TO) in rows  # "dirigée par le vice-ministre Trân Quôc To"
        assert (A000, "encourager", TO) in rows  # "Il a encouragé": the previous sentence's subject
        assert (A002, "effectuer", ALVAREZ) in rows  # "Alvarez Casas et sa délégation ont effectué"
        elles = agency[(agency["article_id"] == A000) & (agency["actor_text"] == "Elles")]
        assert set(elles["actor_name"].str.lower()) == {"les deux parties"}  # plural: never one person

    def test_summary(self, seeds, agency):
        summary = summarise_agency(agency, seeds[0], by="outlet", resolved_only=True)
        assert list(summary.columns) == ["outlet", *AGENCY_SUMMARY_COLUMNS]
        assert summary["entity_id"].notna().all()
        vna = summary[summary["outlet"] == "VNA"].set_index("entity")
        assert vna.loc["To Lam", "n_as_actor"] >= 3 and vna.loc["Trần Quốc Tỏ", "n_as_actor"] >= 3
        # Counted per verb: one verb with two objects is one action.
        verbs = agency.dropna(subset=["actor_entity_id"]).drop_duplicates(["article_id", "verb_start_char",
                                                                           "actor_entity_id"])
        assert summary["n_as_actor"].sum() == len(verbs)
        everyone = summarise_agency(agency, seeds[0], by="outlet")
        assert "les deux parties" in set(everyone["entity"])
        assert everyone.groupby("outlet")["n_as_actor"].apply(lambda s: s.is_monotonic_decreasing).all()

    def test_plot(self, seeds, agency):
        summary = summarise_agency(agency, seeds[0], by="outlet", resolved_only=True)
        axes = plot_agency(summary, by="outlet", n=3)
        assert len(axes) == summary["outlet"].nunique()
        assert len(axes[0].containers) == 2
        plt.close("all")
