"""The one home of the shared test fixtures: the seed tables, computed once per run, and small literal tables.

The seed tables (session-scoped, the same objects for every module; computed in
``tests/seed_tables.py``, which also holds the seed ids and the builders of hand-made tables):

- ``seed_corpus``: ``tk.load_corpus(tk.SEEDS)``, which must load without a ``CorpusWarning``;
  ``articles`` and ``removed`` are its tables.
- ``annotation``: ``(sentences, tokens, mentions)`` from ``tk.annotate(articles, engine="spacy")``
  (the project cache, so quick after the first run); ``sentences``, ``tokens`` and
  ``mentions`` are its tables (mentions not linked).
- ``linked``: ``link_entities(mentions, articles)``, unpacking as ``mentions, entities, merges``.
- ``seeds``: ``(articles, sentences, tokens, linked.mentions)``, what the framing, quotes,
  agency and coding tests unpack.

Small literal tables, for tests that need exact, hand-checkable counts:

- ``literal_articles`` and ``literal_removed``: five short French/English/German articles
  (two near-copies, one unrelated story, one language without resources) and three
  removed boilerplate spans.

A module that needs a table built differently (naive sentences, hand-made mentions)
defines it under its own name rather than shadowing one of these.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests import seed_tables as seed


# ---------------------------------------------------------------- the seeds


@pytest.fixture(scope="session")
def seed_corpus():
    return seed.seed_corpus()


@pytest.fixture(scope="session")
def articles(seed_corpus):
    return seed_corpus.articles


@pytest.fixture(scope="session")
def removed(seed_corpus):
    return seed_corpus.removed


@pytest.fixture(scope="session")
def annotation():
    return seed.seed_annotation()


@pytest.fixture(scope="session")
def sentences(annotation):
    return annotation[0]


@pytest.fixture(scope="session")
def tokens(annotation):
    return annotation[1]


@pytest.fixture(scope="session")
def mentions(annotation):
    return annotation[2]


@pytest.fixture(scope="session")
def linked():
    return seed.seed_linked()


@pytest.fixture(scope="session")
def seeds():
    return seed.seed_tables()


# ---------------------------------------------------------------- a small literal corpus

FR_VISIT = (
    "Le vice-ministre Trần Quốc Tỏ a reçu l’ambassadeur de Cuba à Hanoï le 22 octobre 2024. "
    "Les deux parties ont salué la coopération dans la sécurité publique.\n\n"
    "Selon l'entretien, d’experts qu'il a cités, jusqu'à 2018 les coopérations entre les "
    "ministères de la Sécurité publique se sont renforcées. La sécurité publique reste une "
    "priorité de la coopération bilatérale.\n\n"
    "Du 22-26 octobre, la délégation a visité La Havane ; la Covid-19 n'a pas freiné la "
    "coopération. C’est aujourd'hui une coopération de haut niveau."
)
# A near-copy of FR_VISIT, as when two outlets run the same dispatch.
FR_VISIT_COPY = FR_VISIT.replace("Le vice-ministre", "Mardi, le vice-ministre").replace(
    "haut niveau.", "haut niveau, a-t-il ajouté."
)
EN_VISIT = (
    "Deputy Minister Trần Quốc Tỏ met Cuba’s ambassador in Hanoi on October 22, 2024. "
    "Both sides praised the high-level cooperation in public security.\n\n"
    "Viet Nam's public security cooperation with Cuba dates back decades; officials don't "
    "expect that cooperation to slow. The ministers' talks covered public security training."
)
FR_SUGAR = (
    "La récolte de canne à sucre a commencé dans la province de Matanzas. Les agriculteurs "
    "espèrent une bonne saison malgré la sécheresse.\n\n"
    "Le prix du sucre brut a augmenté de 1,5 % en mai, selon les producteurs de la province."
)
DE_NOTE = "Die Zusammenarbeit zwischen Vietnam und Kuba wurde gestärkt. Die Minister trafen sich in Hanoi."


@pytest.fixture(scope="session")
def literal_articles() -> pd.DataFrame:
    return pd.DataFrame({
        "article_id": ["a1", "a2", "a3", "a4", "a5"],
        "text": [FR_VISIT, FR_VISIT_COPY, EN_VISIT, FR_SUGAR, DE_NOTE],
        "language": ["fr", "fr", "en", "fr", "de"],
        "outlet": ["VNA", "NDO", "VNS", "RHC", pd.NA],
        "outlet_country": ["Viet Nam", "Viet Nam", "Viet Nam", "Cuba", pd.NA],
        "published": pd.to_datetime(["2024-10-23", "2024-10-23", "2024-10-24", "2024-05-10", None]),
    })


@pytest.fixture(scope="session")
def literal_removed() -> pd.DataFrame:
    return pd.DataFrame({
        "article_id": ["a1", "a1", "a3"],
        "start_char": [0, 40, 0],
        "end_char": [20, 60, 30],
        "reason": ["navigation", "caption", "footer"],
        "text": ["Accueil › Monde", "ảnh 1Photo : VNA", "Home / World / Politics news"],
    })
