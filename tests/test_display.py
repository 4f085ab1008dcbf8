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
