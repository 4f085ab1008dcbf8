"""load_corpus on newsroom web text whose first line is page furniture: the dateline below it is still read."""

from __future__ import annotations

import json

import pandas as pd

import toolkit as tk

BODY = "WASHINGTON — The Senate voted on Monday to extend the program for a year.\n\nIt passed easily."


def test_the_dateline_below_a_navigation_heading_and_a_print_headline(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "title": "Senate extends program", "text": "Site Mobile Navigation\n\n" + BODY},
        {"id": "b", "title": "Senate extends program",
         "text": "Site Mobile Navigation\n\nSenate Votes to Extend Program\n\n" + BODY},
        {"id": "c", "title": "Senate extends program", "text": "The vote came late.\n\n" + BODY}]), encoding="utf-8")
    articles, removed, _ = tk.load_corpus(path, progress=False)
    texts = dict(zip(articles["article_id"], articles["text"]))
    datelines = dict(zip(articles["article_id"], articles["dateline"]))
    assert texts["a"] == BODY
    # The print headline stays (it is not the title field's), and the dateline below it is the article's.
    assert texts["b"] == "Senate Votes to Extend Program\n\n" + BODY
    assert datelines["a"] == datelines["b"] == "Washington"
    # Below a sentence, a dateline-shaped paragraph is not the article's.
    assert pd.isna(datelines["c"])
    assert sorted(zip(removed["article_id"], removed["text"], removed["reason"])) == [
        ("a", "Site Mobile Navigation", "navigation"), ("b", "Site Mobile Navigation", "navigation")]
