"""Fold names for matching: diacritics and case removed (used by annotation and entity linking)."""

from __future__ import annotations

import unicodedata

# Letters that NFKD does not decompose into base + combining mark (Vietnamese đ above all).
_LETTERS = str.maketrans({
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i",
})


def fold(text: str) -> str:
    """Remove diacritics and case: ``"Trần Quốc Tỏ"`` → ``"tran quoc to"``, ``"Đà Nẵng"`` → ``"da nang"``.

    Args:
        text: Any string.

    Returns:
        ``text`` decomposed (NFKD), without combining marks, with đ/Đ → d (and ø, ł, æ, œ
        spelled out), case-folded. Punctuation and spacing are kept.

    Example:
        >>> fold("Lázaro Alberto ÁLVAREZ Casas")
        'lazaro alberto alvarez casas'
    """
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
