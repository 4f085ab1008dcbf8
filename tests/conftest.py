"""Session-scoped fixtures: the seed corpus, loaded once."""

from __future__ import annotations

import warnings

import pytest

import toolkit as tk


@pytest.fixture(scope="session")
def seed_corpus():
    with warnings.catch_warnings():
        warnings.simplefilter("error", tk.CorpusWarning)  # the seeds must load cleanly
        return tk.load_corpus(tk.SEEDS)


@pytest.fixture(scope="session")
def articles(seed_corpus):
    return seed_corpus.articles


@pytest.fixture(scope="session")
def removed(seed_corpus):
    return seed_corpus.removed
