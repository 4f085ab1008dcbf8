"""Tests for toolkit.cleaning: the nothing-lost property on generated articles, and each removal rule."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.cleaning import REASONS, clean_text, is_caption, normalise_for_matching
from toolkit.corpus import TIMESTAMP_LINE

BODY = ["Le ministre a reçu la délégation à Hanoï pour des entretiens sur la coopération.",
        "The two sides agreed to expand cooperation in training and immigration management.",
        "Les deux parties ont convenu de renforcer l'échange d'expériences, et de plus en plus",
        "consolidée sur la base de la confiance.", "**Un mot** en *gras* dans une phrase qui continue.",
        "Hanoï (VNA) - Le général To Lam a souligné l'importance de la visite ministérielle."]
BOILERPLATE = ["Home > Politics", "October 27, 2024 - 20:13", "Photo: VNA", "---",
               "<https://example.org/story>", "**Radio Habana Cuba**", "Voir plus", "Lire aussi : Autre sujet",
               "Le ministre et son homologue. Photo : VNA", "Titre ảnh 1Photo : VNA", "source", "   ", "\u00a0"]


def nonspace(s: str) -> str:
    return "".join(s.split())


def rebuild(raw, removed):
    kept, pos = [], 0
    for start, end, _ in removed:
        assert start >= pos
        kept.append(raw[pos:start])
        pos = end
    return "".join(kept) + raw[pos:]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(BODY + BOILERPLATE), min_size=1, max_size=14),
       st.lists(st.sampled_from(["\n", "\n\n", "\r\n", "\n\n\n"]), min_size=14, max_size=14))
def test_nothing_lost_on_generated_articles(lines, breaks):
    raw = "".join(line + brk for line, brk in zip(lines, breaks))
    cleaned = clean_text(raw, timestamp_pattern=TIMESTAMP_LINE, masthead_names=frozenset({"radio habana cuba"}))
    assert {reason for _, _, reason in cleaned.removed} <= set(REASONS)
    # The body is exactly what was not removed (whitespace aside); the title is a removed span.
    assert nonspace(rebuild(raw, cleaned.removed)) == nonspace(cleaned.text)
    assert "\n\n\n" not in cleaned.text


def test_each_rule():
    raw = ("Home > Politics\n\nUn titre d'article\n\nOctober 27, 2024 - 20:13\n"
           "Hanoï (VNA) - Le premier paragraphe dit ceci, sans détour aucun.\n"
           "Légende de la photo. Photo : VNA\n\nUn *mot* en gras, et une phrase coupée\n\n"
           "en deux lignes.\n\n---\n\n<https://example.org/x>\n\n**Radio Habana Cuba**")
    cleaned = clean_text(raw, timestamp_pattern=TIMESTAMP_LINE, masthead_names=frozenset({"radio habana cuba"}))
    reasons = [reason for _, _, reason in cleaned.removed]
    assert reasons == ["navigation", "title", "timestamp", "caption", "markup", "markup", "markup", "url", "footer"]
    assert cleaned.title == "Un titre d'article"
    assert cleaned.paragraphs == ["Hanoï (VNA) - Le premier paragraphe dit ceci, sans détour aucun.",
                                  "Un mot en gras, et une phrase coupée en deux lignes."]


def test_related_tail_needs_a_body_first():
    cleaned = clean_text("Read more\n\nThis opening line is the article's real first sentence, long enough.")
    assert "real first sentence" in cleaned.text


def test_is_caption():
    assert is_caption("Deputy Minister laid flowers in Havana.  – VNA/VNS Photo")
    assert is_caption("Le ministère coopère avec le ministère cubain ảnh 2Photo : VNA")
    assert not is_caption("The photo session ended with a statement by the minister.")


def test_a_paragraph_repeated_in_decomposed_unicode_is_a_duplicate():
    paragraph = "Le vice-ministre Trần Quốc Tỏ a reçu la délégation cubaine à Hanoï ce mardi."
    decomposed = unicodedata.normalize("NFD", paragraph)
    assert normalise_for_matching(decomposed) == normalise_for_matching(paragraph)
    assert "trần quốc tỏ" in normalise_for_matching(decomposed)
    others = "\n\n".join(f"Un autre paragraphe, le numéro {k}, tout à fait différent." for k in range(3))
    cleaned = clean_text(f"Un titre\n\n{others}\n\n{paragraph}\n\n{decomposed}")
    assert [reason for _, _, reason in cleaned.removed] == ["title", "duplicate-paragraph"]
    assert cleaned.paragraphs[-1] == paragraph
