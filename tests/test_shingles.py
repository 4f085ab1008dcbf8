"""Vectorised shingling (toolkit.compare.reprints.shingle_table) against the regex shingling it replaced."""

import unicodedata

import numpy as np
import pandas as pd
import pytest

from benchmarks.near_duplicates import regex_shingle_table
from toolkit.compare import reprints

TEXTS = [
    "Hanoï (VNA) - Le ministre Trần Quốc Tỏ a rencontré, à La Havane, son homologue cubain.",
    unicodedata.normalize("NFD", "Hanoï (VNA) - Le ministre Trần Quốc Tỏ a rencontré, à La Havane, son homologue."),
    "L'œuvre d'aujourd'hui : « coopération » — sécurité/défense; 22–26 oct. 2024 (3,5 %) ... fin!",
    "  leading and trailing spaces, tabs\tand\nnewlines  ",
    "HAVANA - Vietnam's To Lam met Cuba's leaders; they didn't sign the 2,000-page deal_v2.",
    "",
    "Deux mots",
    "¿Qué? ½ ² ٣ 第一 Ǆemal Straße ŒUVRE l’Intérieur ʼokina x̧y",
    "répété répété répété répété répété répété répété répété",
    "!!! ... ---",
    "a b c d e",
]


def _canonical(table):
    doc, shingle, sizes = table
    order = np.lexsort((shingle, doc))
    return doc[order], shingle[order], sizes


@pytest.mark.parametrize("k", [1, 2, 5])
def test_same_shingles_as_the_regex_version(k):
    articles = pd.DataFrame({"text": pd.array(TEXTS + [None], dtype="string")})
    ours, reference = _canonical(reprints.shingle_table(articles, k)), regex_shingle_table(articles, k)
    for got, expected in zip(ours, reference):
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)


def test_grouped_by_article_each_shingle_once():
    articles = pd.DataFrame({"text": TEXTS * 3})
    doc, shingle, sizes = reprints.shingle_table(articles, 3)
    assert np.all(np.diff(doc) >= 0)
    assert not pd.DataFrame({"d": doc, "s": shingle}).duplicated().any()
    assert sizes.sum() == len(doc) and len(sizes) == len(articles)


def test_batches_do_not_change_the_result(monkeypatch):
    articles = pd.DataFrame({"text": TEXTS * 20})
    whole = reprints.shingle_table(articles, 5)
    monkeypatch.setattr(reprints, "CHUNK_BYTES", 300)
    monkeypatch.setattr(reprints, "_BLOCK", 7)
    for got, expected in zip(reprints.shingle_table(articles, 5), whole):
        np.testing.assert_array_equal(got, expected)


def test_word_characters_are_exactly_re_word():
    """The code-point table agrees with ``re``'s \\w on every code point, byte by byte through UTF-8."""
    import re

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    data = np.frombuffer(every.encode("utf-8"), dtype=np.uint8)
    spaced = reprints._spaced_bytes(data).tobytes().decode("utf-8")
    assert spaced.split() == re.findall(r"\w+", every)


def test_no_words_gives_empty_tables():
    doc, shingle, sizes = reprints.shingle_table(pd.DataFrame({"text": ["", "...", None]}), 5)
    assert len(doc) == len(shingle) == 0 and sizes.tolist() == [0, 0, 0]


def test_near_duplicates_unchanged_on_a_reprint():
    base = " ".join(f"mot{i} élément{i % 7} Trần" for i in range(60))
    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "text": [base, base.replace("mot5 ", "mot5 ajout "),
                                                                      "autre chose entièrement"],
                             "language": ["fr"] * 3})
    from toolkit import compare

    pairs = compare.find_near_duplicates(articles, method="exact")
    assert pairs[["article_id_a", "article_id_b"]].values.tolist() == [["a", "b"]]
    assert pairs["jaccard"].iloc[0] == pytest.approx(1 - 5 / (pairs["n_shingles_a"].iloc[0] + 5) , abs=0.05)


@pytest.mark.parametrize("dtype", ["string", "str", "object"])
def test_arrow_backed_columns_read_in_place(dtype):
    """A pyarrow-backed column (as load_corpus returns) is read from its Arrow buffers, sliced or
    with missing texts, NFD texts normalised, and gives the same shingles as the regex version."""
    texts = TEXTS * 3 + [None]
    articles = pd.DataFrame({"text": pd.Series(texts, dtype=dtype)}).iloc[2:].reset_index(drop=True)
    reference = regex_shingle_table(articles, 3)
    for got, expected in zip(_canonical(reprints.shingle_table(articles, 3)), reference):
        np.testing.assert_array_equal(got, expected)


def test_text_bounds_split_words(monkeypatch):
    """Texts that end and begin with a word character, read side by side from one buffer, stay apart."""
    articles = pd.DataFrame({"text": pd.array(["abc", "def", "ghi jkl", "", "mno"], dtype="string")})
    monkeypatch.setattr(reprints, "CHUNK_BYTES", 4)
    doc, shingle, sizes = reprints.shingle_table(articles, 1)
    assert sizes.tolist() == [1, 1, 2, 0, 1]
    for got, expected in zip(_canonical((doc, shingle, sizes)), regex_shingle_table(articles, 1)):
        np.testing.assert_array_equal(got, expected)


def test_texts_without_unstable_characters_are_nfc():
    """Every character NFC may change or compose is flagged, so unflagged text is left as it is."""
    table = reprints._nfc_unstable()
    for text in TEXTS[:3] + [unicodedata.normalize("NFD", "Trần Quốc Tỏ ŒUVRE Ǆ 가각")]:
        if not unicodedata.is_normalized("NFC", text):
            assert any(table[ord(c)] for c in text)
    assert table[0x0301] and table[0x1161] and table[0x212B] and not table[ord("é")]


def test_seeds_same_shingles_as_the_regex_version():
    import toolkit as tk

    articles = tk.load_corpus(tk.SEEDS, progress=False).articles
    for got, expected in zip(_canonical(reprints.shingle_table(articles, 5)), regex_shingle_table(articles, 5)):
        np.testing.assert_array_equal(got, expected)
