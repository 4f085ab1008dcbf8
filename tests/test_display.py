"""Tests for toolkit.display: highlighted text keeps every character, escaped."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from toolkit.display import highlight_entities


def test_marks_each_mention_and_escapes_text():
    text = "<script>x</script> To Lam met Álvarez Casas & co."
    mentions = pd.DataFrame({"start_char": [19, 30], "end_char": [25, 43], "entity_type": ["PER", "PER"]})
    markup = str(highlight_entities(text, mentions, title="<b>002</b>"))
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "&lt;b&gt;002" in markup
    assert markup.count("<mark") == 2
    visible = re.sub(r"<span[^>]*>[^<]*</span>", "", re.sub(r"<h4.*?</h4>", "", markup))
    assert html.unescape(re.sub(r"<[^>]+>", "", visible)) == text  # every character shown, in order


def test_rejects_offsets_outside_the_text():
    with pytest.raises(ValueError, match="outside"):
        highlight_entities("short", pd.DataFrame({"start_char": [2], "end_char": [50], "entity_type": ["PER"]}))


def test_overlapping_mentions_after_the_first_are_skipped_and_tags_coloured_by_type():
    from toolkit.plotting import ENTITY_TYPE_COLORS

    text = "Trần Quốc Tỏ met Cuba."
    mentions = pd.DataFrame({"start_char": [0, 5, 17], "end_char": [12, 12, 21],
                             "entity_type": ["PER", "PER", "LOC"], "name": ["Trần Quốc Tỏ", "Quốc Tỏ", "Cuba"]})
    markup = str(highlight_entities(text, mentions, label="name"))
    marks = re.findall(r"<mark[^>]*>([^<]*)<span[^>]*>([^<]*)</span></mark>", markup)
    assert marks == [("Trần Quốc Tỏ", "Trần Quốc Tỏ"), ("Cuba", "Cuba")]
    assert f"solid {ENTITY_TYPE_COLORS['PER']}" in markup and f"solid {ENTITY_TYPE_COLORS['LOC']}" in markup
