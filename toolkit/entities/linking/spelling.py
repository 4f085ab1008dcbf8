"""Stage 3' of :func:`~toolkit.entities.linking.link_entities`, ``ocr-spelling``: names OCR misread.

Within one article, a name one letter away from a commoner one ("Esoagne" → "Espagne");
across the corpus, a name printed with the long s read as f ("Ruffie" → "Russie") and a
rare place, organisation or work name one OCR slip from a far commoner one ("Eurone" →
"Europe", "BERUN" → "Berlin").
"""

from __future__ import annotations

from collections import Counter, defaultdict

from toolkit.entities.linking.state import _Groups, _Mentions
from toolkit.entities.places import is_territory_key

#: OCR-spelling: the shortest word that one wrong letter may join to another (shorter words
#: differ by one letter too often: "Prusse"/"Russe", "Louis XIV"/"Louis XV").
OCR_MIN_LETTERS = 7


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one substitution, insertion or deletion."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    k = next((k for k, (x, y) in enumerate(zip(short, long_)) if x != y), len(short))
    return short[k:] == long_[k + 1:]


#: Letter groups OCR reads one for the other in old print ("rn" for "m", "li" for "u"), folded.
_OCR_CONFUSIONS = (("rn", "m"), ("in", "m"), ("ni", "m"), ("li", "u"), ("il", "u"), ("ii", "u"), ("cl", "d"),
                   ("vv", "w"), ("ri", "n"))
#: Letters OCR reads one for the other (a lost descender or stroke: p/n, h/b, l/t; c/e, n/u).
_OCR_LETTERS = frozenset(frozenset(pair) for pair in ("ce", "nu", "np", "hb", "il", "lt", "ft", "ij", "oc", "rt"))
#: Capitals OCR misreads at the start of a name, as written → the folded letter they stand
#: for: a broken R read as E ("Eeuter"), a T that lost its bar read as ï, î, I or l ("ïokio").
_OCR_INITIALS = {"E": "r", "ï": "t", "î": "t", "I": "t", "l": "t"}
#: Of those, the ones no name starts with (a misreading for sure, whatever the counts).
_OCR_NO_NAME_INITIALS = frozenset({"ï", "î", "l"})
#: Corpus-wide ocr-spelling: the shortest word it may join (both words), and how many more
#: mentions the commoner name needs (at least :data:`OCR_CORPUS_MIN_MENTIONS`, and
#: :data:`OCR_CORPUS_RATIO` times the rare one's).
OCR_CORPUS_MIN_LETTERS = 5
OCR_CORPUS_MIN_MENTIONS = 3
OCR_CORPUS_RATIO = 2


def _one_confusion_apart(a: str, b: str) -> bool:
    """Whether one OCR confusion of :data:`_OCR_CONFUSIONS` turns ``a`` into ``b`` or back ("berun" = "berlin")."""
    for x, y in _OCR_CONFUSIONS:
        for one, other in ((a, b), (b, a)):
            k = one.find(x)
            while k >= 0:
                if one[:k] + y + one[k + len(x):] == other:
                    return True
                k = one.find(x, k + 1)
    return False


#: Letters a worn print reads one for the other within one article (beside :data:`_OCR_LETTERS`:
#: a t that lost its bar read as i, a p that lost its descender read as o).
_OCR_TIE_LETTERS = _OCR_LETTERS | frozenset(frozenset(pair) for pair in ("ti", "op"))


def _look_alike(a: str, b: str) -> bool:
    """Whether folded words ``a`` and ``b`` of the same length differ by one look-alike letter
    (:data:`_OCR_TIE_LETTERS`: "miiller", "mtiller"; not "pedersen", "petersen") or are one OCR
    confusion apart (:data:`_OCR_CONFUSIONS`)."""
    if _one_confusion_apart(a, b):
        return True
    diff = [frozenset((x, y)) for x, y in zip(a, b) if x != y]
    return len(a) == len(b) and len(diff) == 1 and diff[0] in _OCR_TIE_LETTERS


def _ocr_slip(a: str, b: str) -> bool:
    """Whether folded words ``a`` and ``b`` are one OCR slip apart: same first letter, then one
    confusion of :data:`_OCR_CONFUSIONS` ("conseu", "conseil"), or, with the same last letter,
    one letter read for a look-alike (:data:`_OCR_LETTERS`: "eurone", "europe"; not "Bolton",
    "Boston"). A letter more or less is not a slip
    ("Worth" and "Woerth" are two spellings, "Allemand" and "Allemands" inflection), nor a
    last letter that differs ("Germans", "Germany")."""
    if a == b or a[:1] != b[:1] or min(len(a), len(b)) < OCR_CORPUS_MIN_LETTERS or max(len(a), len(b)) < 6:
        return False
    if _one_confusion_apart(a, b):
        return True
    diff = [frozenset((x, y)) for x, y in zip(a, b) if x != y]
    return len(a) == len(b) and a[-1] == b[-1] and len(diff) == 1 and diff[0] in _OCR_LETTERS


def _ocr_spellings_in_corpus(m: _Mentions, groups: _Groups, gid: list[int | None]) -> dict[int, tuple[int, str]]:
    """Corpus-wide ocr-spelling: a rare place, organisation or work name one OCR slip from a far commoner one.

    A name no rule but ``fold`` made (so neither a person, a country nor an alias) whose words
    are those of another name of the same family but one, the two words one slip apart
    (:func:`_ocr_slip`: "Eurone" → "Europe", "BERUN" → "Berlin", "ConseU fédéral" → "Conseil
    fédéral"), joins it when the other has at least :data:`OCR_CORPUS_MIN_MENTIONS` mentions
    and :data:`OCR_CORPUS_RATIO` times its own, and is the only such name. People stay out:
    "Marie" and "Maria" are two persons however rare one is. Returns group → (group, name).
    """
    size = Counter(g for g in gid if g is not None)
    forms: dict[tuple[str, ...], tuple[int, str]] = {}   # each name as written → its group and form
    for i in range(len(m.texts)):
        g = gid[i]
        if g is not None and not groups.is_person(g) and groups[g].kind in ("fold", "alias") and m.keys[i]:
            if m.keys[i] not in forms or size[g] > size[forms[m.keys[i]][0]]:
                forms[m.keys[i]] = (g, m.names[i])
    buckets: dict[tuple, list[tuple[str, ...]]] = defaultdict(list)
    for key in forms:
        for k, word in enumerate(key):
            buckets[(key[:k], key[k + 1:], word[:1])].append(key)
    slips: dict[int, tuple[int, str]] = {}
    for (before, after, _), keys in buckets.items():
        for key in keys:
            g = forms[key][0]
            if groups[g].kind != "fold" or is_territory_key(key) or g in slips:
                continue
            fits = {forms[other] for other in keys
                    if forms[other][0] != g and _ocr_slip(key[len(before)], other[len(before)])
                    and size[forms[other][0]] >= max(OCR_CORPUS_MIN_MENTIONS, OCR_CORPUS_RATIO * size[g])}
            if len({h for h, _ in fits}) == 1:
                slips[g] = next(iter(fits))
    # A capital misread at the start of a name ("Eeuter" → "Reuter", "ïokio" → "Tokio"): the
    # same test, the first letter of the first word read for its look-alike capital.
    for key, (g, name) in forms.items():
        target_letter = _OCR_INITIALS.get(name[:1])
        # Nor does a name start with "Ee" then a consonant or "u" ("Eeuter"): a broken R for sure.
        sure = name[:1] in _OCR_NO_NAME_INITIALS or (name[:2] == "Ee" and key[0][2:3] not in ("", "a", "e", "i", "o"))
        if (target_letter is None or g in slips or groups[g].kind != "fold" or is_territory_key(key)
                or len(key[0]) < OCR_CORPUS_MIN_LETTERS):
            continue
        other = forms.get((target_letter + key[0][1:], *key[1:]))
        # "Eaton" and "Raton" may both be names (so may an I- and a T-form): the same size test as above.
        # No name starts with "ï", "î", a small "l" or "Eeu": the right name need only be as
        # common as the misread one (and seen twice).
        needed = max(2, size[g]) if sure else \
            max(OCR_CORPUS_MIN_MENTIONS, OCR_CORPUS_RATIO * size[g])
        if other is not None and other[0] != g and size[other[0]] >= needed:
            slips[g] = other
    return slips


def _ocr_spellings(m: _Mentions, groups: _Groups, gid: list[int | None]) -> None:
    """Stage 3', ocr-spelling: within one article, a name one letter away from a commoner name joins it.

    Both names have the same words but one, and that word has at least
    :data:`OCR_MIN_LETTERS` letters in both, the same first letter and one substitution,
    insertion or deletion between them, or one OCR misreading of :data:`_OCR_CONFUSIONS`
    ("Remhold Laquai" → "Reinhold Laquai"), not in its last two letters ("Esoagne" → "Espagne",
    "PBTERSBOURG" → "Pétersbourg"; not "Germans" → "Germany", "Honduran" → "Honduras"); the
    name with fewer mentions in the corpus joins the other (ties: the one seen later in the
    corpus joins the first, but only for a name printed once each way and one look-alike letter
    apart, :func:`_look_alike`: "Plymputh" → "Plymouth"; "Pedersen" and "Petersen" twice each
    stay two names), a person only a person, a place or organisation only a place or organisation.
    Changes ``gid`` and records the rule in ``m.moved_by``.
    """
    size = Counter(g for g in gid if g is not None)
    by_article: dict[object, dict[tuple[str, ...], tuple[int, str]]] = defaultdict(dict)
    for i in range(len(m.texts)):
        if gid[i] is not None and groups[gid[i]].kind in ("fold", "alias"):
            by_article[m.article_ids[i]].setdefault(m.keys[i], (gid[i], m.names[i]))
    move: dict[tuple[object, int], tuple[int, str]] = {}
    for article_id, names in by_article.items():
        keys = [k for k in names if any(len(w) >= OCR_MIN_LETTERS for w in k)]
        for a in keys:
            ga, name_a = names[a]
            if groups[ga].kind != "fold":
                continue
            fits = set()
            for b in names:
                gb, name_b = names[b]
                if gb == ga or len(a) != len(b) or (size[gb], -gb) <= (size[ga], -ga) \
                        or groups.is_person(ga) != groups.is_person(gb):
                    continue
                diff = [(x, y) for x, y in zip(a, b) if x != y]
                if size[gb] == size[ga] and not (size[ga] == 1 and len(diff) == 1 and _look_alike(*diff[0])):
                    continue  # a tie: only a name printed once each way, a look-alike letter apart
                if (len(diff) == 1 and min(len(diff[0][0]), len(diff[0][1])) >= OCR_MIN_LETTERS - 1
                        and max(len(diff[0][0]), len(diff[0][1])) >= OCR_MIN_LETTERS
                        and diff[0][0][0] == diff[0][1][0]
                        and (_one_edit_apart(*diff[0]) or _one_confusion_apart(*diff[0]))
                        and diff[0][0][-2:] == diff[0][1][-2:]):  # endings differ by inflection: Germans, Germany
                    fits.add((gb, name_b))
            if len({g for g, _ in fits}) == 1:
                move[(article_id, ga)] = next(iter(fits))
    # The long s (ſ) of old print, read as f by OCR: "Ruffie" is "Russie" when the corpus has it.
    key_group: dict[tuple[str, ...], tuple[int, str]] = {}
    for names in by_article.values():
        for key, (g, name) in names.items():
            if key not in key_group or size[g] > size[key_group[key][0]]:
                key_group[key] = (g, name)
    long_s: dict[int, tuple[int, str]] = {}
    for key, (g, name) in key_group.items():
        if groups[g].kind != "fold" or not any("f" in w[:-1] for w in key):
            continue
        target = key_group.get(tuple(w[:-1].replace("f", "s") + w[-1] for w in key))
        if target is not None and target[0] != g and size[target[0]] >= size[g] \
                and groups.is_person(g) == groups.is_person(target[0]):
            long_s[g] = target
    corpus = _ocr_spellings_in_corpus(m, groups, gid)
    for i in range(len(m.texts)):
        target = long_s.get(gid[i])
        if target is not None and i not in m.moved_by:
            m.moved_by[i] = ("ocr-spelling", f'"{m.names[i]}" is "{target[1]}" printed with the long s (ſ) '
                                             f'that OCR reads as f')
            gid[i] = target[0]
            continue
        target = move.get((m.article_ids[i], gid[i]))
        if target is not None and i not in m.moved_by:
            m.moved_by[i] = ("ocr-spelling", f'{m.article_ids[i]}: "{m.names[i]}" is one letter (or one OCR misreading '
                                             f'such as "rn" for "m") away from '
                                             f'"{target[1]}", a name of the same article seen as often or more')
            gid[i] = target[0]
            continue
        target = corpus.get(gid[i])
        if target is not None and i not in m.moved_by:
            m.moved_by[i] = ("ocr-spelling", f'"{m.names[i]}" is one OCR slip away from "{target[1]}", a name the '
                                             f'corpus uses {"more" if size[target[0]] > size[gid[i]] else "as"} often '
                                             f'({size[target[0]]} mentions against {size[gid[i]]})')
            gid[i] = target[0]
