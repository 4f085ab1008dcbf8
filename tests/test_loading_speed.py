"""The loader's speed settings leave the interpreter as they found it, and what workers receive keeps its meaning."""

import gc
import json
import pickle

import pytest

import toolkit as tk
from toolkit.cleaning import RepeatedLines


def _write(path):
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(3):
            text = f"Headline number {i}\n\nThe council met on Monday and voted on the budget for the year {i}."
            handle.write(json.dumps({"id": f"a{i}", "text": text}) + "\n")
    return path


def test_the_garbage_collector_threshold_is_restored_after_loading(tmp_path):
    path = _write(tmp_path / "small.jsonl")
    before = gc.get_threshold()
    tk.load_corpus(path, progress=False, processes=1)
    assert gc.get_threshold() == before


def test_a_garbage_collector_turned_off_stays_off(tmp_path):
    path = _write(tmp_path / "small.jsonl")
    before = gc.get_threshold()
    try:
        gc.set_threshold(0)
        tk.load_corpus(path, progress=False, processes=1)
        assert gc.get_threshold()[0] == 0
    finally:
        gc.set_threshold(*before)


def test_repeated_lines_reach_a_worker_with_their_poll_questions():
    # The repeated lines are sent to the worker processes with each chunk (pickled).
    found = RepeatedLines({"Share this article"})
    found.poll_questions = frozenset({"Who should win the vote?"})
    sent = pickle.loads(pickle.dumps(found))
    assert isinstance(sent, RepeatedLines) and sent == found
    assert sent.poll_questions == found.poll_questions


def test_a_number_of_processes_below_one_is_refused_before_any_work(tmp_path):
    path = _write(tmp_path / "small.jsonl")
    before = gc.get_threshold()
    with pytest.raises(ValueError, match="processes"):
        tk.load_corpus(path, progress=False, processes=0)
    assert gc.get_threshold() == before
