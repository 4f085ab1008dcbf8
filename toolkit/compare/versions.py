"""What each version adds or leaves out: differences between two versions of a story.

:func:`compare_versions` turns an alignment (:func:`toolkit.compare.align_sentences`) into a
table of differences: sentences added and omitted, words changed (same language), the
entities, titles or ranks and numbers only one version gives, and how the two datelines and
sign-offs differ.
"""

from __future__ import annotations

import difflib
import functools
import re
import warnings
from collections import defaultdict
from typing import NamedTuple

import pandas as pd

from toolkit.compare.alignment import ALIGNMENT_COLUMNS, align_pair
from toolkit.compare.anchors import entity_keys, find_numbers, stopwords, word_spans
from toolkit.compare.common import article_row, cell_text, check_articles, sentence_rows
# The loader's own reading of a dateline and a sign-off, so both mean here what they mean to load_corpus.
from toolkit.corpus.dates import parse_dateline
from toolkit.corpus.outlets import find_signoff, load_outlets
from toolkit.schema import SENTENCE_COLUMNS, require_columns
from toolkit.text import WEEKDAY_NAMES, fold, folded_words, tokenize_words

#: Columns of :func:`compare_versions`.
DIFFERENCE_COLUMNS = [
    "article_id_a", "article_id_b", "kind", "detail", "side", "sentence_id_a", "sentence_id_b",
    "start_char_a", "end_char_a", "start_char_b", "end_char_b", "text_a", "text_b", "entity_id", "name",
]
#: Kinds of rows of :func:`compare_versions`.
DIFFERENCE_KINDS = ("omitted", "added", "changed", "entity", "title", "number", "dateline", "signoff")
#: The parts of a dateline a ``dateline`` row's ``detail`` names, in this order.
DATELINE_PARTS = ("place", "date", "agency")
#: Columns :func:`compare_versions` needs in ``mentions``.
NEEDS_MENTIONS = ["article_id", "sentence_id", "start_char", "end_char", "text"]

# Titles and ranks, French and English (and Spanish, for Cuban sources), under one English
# key each, so "vice-ministre" and "Deputy Minister" compare equal. Longest match wins.
TITLES = {
    "deputy minister": ("office", ["deputy minister", "vice minister", "vice-ministre", "ministre adjoint", "viceministro"]),
    "minister": ("office", ["minister", "ministre", "ministro"]),
    "deputy prime minister": ("office", ["deputy prime minister", "vice-premier ministre"]),
    "prime minister": ("office", ["prime minister", "premier ministre", "pm"]),
    "president": ("office", ["president", "président", "présidente", "presidente"]),
    "president-elect": ("office", ["president-elect", "président élu"]),
    "vice president": ("office", ["vice president", "vice-président", "vice-présidente", "vicepresidente"]),
    "general secretary": ("office", ["general secretary", "secretary general", "party general secretary",
                                     "secrétaire général", "secrétaire générale", "secretario general"]),
    # Offices whose last word is "general" (an adjective of the office, not the rank): read whole.
    "attorney general": ("office", ["attorney general", "prosecutor general", "procureur général",
                                    "procureure générale", "fiscal general"]),
    "solicitor general": ("office", ["solicitor general", "solliciteur général"]),
    "surgeon general": ("office", ["surgeon general"]),
    "inspector general": ("office", ["inspector general", "inspecteur général", "inspectrice générale"]),
    "director general": ("office", ["director general", "directeur général", "directrice générale"]),
    "governor general": ("office", ["governor general", "gouverneur général", "gouverneure générale"]),
    "consul general": ("office", ["consul general", "consul général", "consule générale", "cónsul general"]),
    "comptroller general": ("office", ["comptroller general", "contrôleur général", "contrôleuse générale"]),
    "auditor general": ("office", ["auditor general", "vérificateur général", "vérificatrice générale"]),
    "advocate general": ("office", ["advocate general", "avocat général", "avocate générale"]),
    "postmaster general": ("office", ["postmaster general"]),
    "commissioner general": ("office", ["commissioner general", "commissaire général", "commissaire générale"]),
    "ambassador": ("office", ["ambassador", "ambassadeur", "ambassadrice", "embajador"]),
    "archbishop": ("office", ["archbishop", "archevêque"]),
    "general": ("rank", ["general", "général", "general de ejército"]),
    "major general": ("rank", ["major general", "général de division", "general de división"]),
    "brigadier general": ("rank", ["brigadier general", "général de brigade", "general de brigada"]),
    "lieutenant general": ("rank", ["lieutenant general", "lieutenant-général", "général de corps d'armée",
                                    "general de cuerpo de ejército"]),
    "senior lieutenant general": ("rank", ["senior lieutenant general"]),
    "colonel general": ("rank", ["colonel general"]),
    "senior colonel": ("rank", ["senior colonel"]),
    "colonel": ("rank", ["colonel", "coronel"]),
    "lieutenant colonel": ("rank", ["lieutenant colonel", "lieutenant-colonel", "teniente coronel"]),
    "captain": ("rank", ["captain", "capitaine", "capitán"]),
    "admiral": ("rank", ["admiral", "amiral", "almirante"]),
    "vice admiral": ("rank", ["vice admiral", "vice-amiral", "vicealmirante"]),
    "rear admiral": ("rank", ["rear admiral", "contre-amiral", "contralmirante"]),
}
# Words that make another office of the office after them ("Deputy Attorney General", "Assistant Attorney General"),
# under one key each ("vice" and "deputy" alike, as "vice-ministre" and "Deputy Minister").
# ("Under" is left out: "Under President Obama, ..." opens sentences.)
_OFFICE_PREFIXES = {"deputy": "deputy", "vice": "deputy", "assistant": "assistant", "associate": "associate"}


@functools.cache
def _title_variants() -> list[tuple[tuple[str, ...], str, str]]:
    """(folded words, key, kind) of every title variant, longest first."""
    variants = []
    for key, (kind, names) in TITLES.items():
        for name in names:
            variants.append((folded_words(name), key, kind))
    return sorted(variants, key=lambda v: -len(v[0]))


# Inside a token, hyphens, apostrophes and number joins separate the words a title is matched on.
_JOINS = re.compile(r"[^-\u2010\u2011'\u2019\u02bc.,\u2013]+")


def _title_words(text: str, begin: int, end: int) -> list[tuple[str, int, int]]:
    """Folded words of ``text[begin:end]`` with offsets into ``text`` ("vice-ministre" → vice, ministre)."""
    words = []
    for token, s, _ in tokenize_words(text[begin:end], language=None):
        words += [(fold(m.group()), begin + s + m.start(), begin + s + m.end()) for m in _JOINS.finditer(token)]
    return words


# The words naming an office that "general" (général) qualifies after it, when TITLES lacks the office
# ("Paymaster General", "délégué général"), folded. A short list, not a rule on word endings: a title of its own
# before the rank ("Defence Minister General Phan Van Giang", "Prime Minister General Prayut", "Senator General")
# is that title and the rank General, never one office "Minister General": no word here is a title of TITLES.
# Those TITLES reads whole ("Attorney General") need no entry.
_OFFICE_HEADS = frozenset({
    "accountant", "adjutant", "administrateur", "agent", "chaplain", "commissary", "controleur", "controller",
    "delegue", "intendant", "payeur", "paymaster", "procurator", "provost", "quartermaster", "rapporteur",
    "receiver", "receveur", "registrar", "secretaire", "treasurer", "tresorier", "vicaire", "vicar",
})


def _one_title(text: str, left: tuple[str, int, int], right: tuple[str, int, int]) -> bool:
    """Whether two title words (word, start, end) are written as one title: both capitalised or neither, and only
    spaces or a hyphen between them."""
    return text[left[1]].isupper() == text[right[1]].isupper() and not text[left[2]:right[1]].strip(" \u00a0-")


def _titles_before(text: str, start: int, sentence_start: int) -> list[tuple[str, str, str, int, int]]:
    """Titles written right before a name: (key, kind, as written, start_char, end_char), nearest first.

    A title is read whole, longest variant of TITLES first ("Attorney General", "procureur
    général", "Major General"); the rank "general" is never read from the end of an office
    TITLES lacks: after a word naming an office (_OFFICE_HEADS: "Paymaster General",
    "délégué général") the two words are one office, keyed by their folded words. A title
    of its own before "General" stays that title, and General the rank ("Defence Minister
    General Phan Van Giang": minister, then general). The words that make another office
    of an office (_OFFICE_PREFIXES: "Deputy Attorney General", "Assistant Attorney
    General") are read with it, once per key ("Deputy Vice Minister" is "deputy minister",
    as "Vice Minister" is).
    """
    words = _title_words(text, sentence_start, start)
    # Only whitespace may separate the last title from the name ("le vice-ministre Trân").
    if words and text[words[-1][2]:start].strip(" \u00a0-"):
        return []
    found = []
    while words:
        for variant, key, kind in _title_variants():
            n = len(variant)
            if n <= len(words) and tuple(w for w, _, _ in words[-n:]) == variant:
                # The office's word is written as "general" is (both capitalised or neither): "to nominate General
                # Dempsey" is the rank.
                if (variant == ("general",) and n < len(words) and words[-n - 1][0] in _OFFICE_HEADS
                        and _one_title(text, words[-n - 1], words[-n])):
                    n += 1
                    key, kind = " ".join(w for w, _, _ in words[-n:]), "office"
                # "Deputy Attorney General" is another office than "Attorney General": the prefixes are read with it.
                while (kind == "office" and n < len(words) and words[-n - 1][0] in _OFFICE_PREFIXES
                       and _one_title(text, words[-n - 1], words[-n])):
                    n += 1
                    prefix = _OFFICE_PREFIXES[words[-n][0]]
                    if key.split()[0] != prefix:
                        key = f"{prefix} {key}"
                s, e = words[-n][1], words[-1][2]
                found.append((key, kind, text[s:e], s, e))
                words = words[:-n]
                break
        else:
            break
    return found


def compare_versions(sentences: pd.DataFrame, articles: pd.DataFrame, a: str, b: str, *,
                     mentions: pd.DataFrame | None = None, alignment: pd.DataFrame | None = None,
                     min_words: int = 3) -> pd.DataFrame:
    """List what version ``b`` adds to, omits from or changes in version ``a`` of a story.

    - ``omitted`` / ``added``: sentences of one version with no counterpart in the other
      (from :func:`align_sentences`), except fragments under ``min_words`` words.
    - ``changed``: within a language, the word-level edits of each ``shared`` group of
      sentences (``detail`` replace, insert or delete; difflib on folded words, so case,
      accents and punctuation do not count), and one row per ``paraphrased`` group
      (``detail`` "paraphrased"). Across languages, sentences are not diffed word by word.
    - ``entity``: linked entities named in only one version (needs ``mentions``). An entity
      counts as named in both when the other version has its ``entity_id`` or a mention
      ending in the same word, so "Trump", "President Trump" and "Donald J. Trump" are one
      person even when linking gave them several ids.
    - ``title``: titles and ranks written right before a person's name that only one
      version gives ("Senior Lieutenant General" before Trần Quốc Tỏ), compared across
      languages through TITLES (``detail`` "rank" or "office"; needs ``mentions``). A
      title is read whole: "Attorney General", "Surgeon General" and "procureur général"
      are offices, and the rank "General" is never read from the end of an office.
    - ``number``: numbers, dates and months found in only one version (``detail`` "number",
      "date" or "month"). A day written with its month is one date in any order or spelling
      ("Sept. 11", "September 11th" and "11 septembre" agree; "Sept. 12" differs), not the
      number 11 (:func:`toolkit.compare.anchors.find_numbers`); a date gives its month, so
      "in September" is no row against "Sept. 11".
    - ``dateline``: the datelines opening the two versions ("PARIS (AFP) -", "Hanoï, 16 mai
      (RHC)", "Hanoï (VNA) -", "WASHINGTON —"), read by
      :func:`toolkit.corpus.parse_dateline`, when they differ: ``side`` "both" when each
      version has one, else the side that has one; ``detail`` names the parts that differ
      or that the one dateline gives, in DATELINE_PARTS order ("date, agency"). Every word
      of a dateline counts: places compare folded or through their linked entity ("La
      Havane" and "HAVANA"), with the capitalised words written after them when both
      versions write some ("KANSAS CITY, Mo." and "KANSAS CITY, Kan."); dates through
      their numbers, months, weekdays, parts of the day and other words ("16 mai" and "May
      16", "lundi soir" and "Monday evening" agree; "lundi" and "mardi" do not); agencies
      by their code.
    - ``signoff``: the agency code closing the last paragraph ("... Patrie.- VNA"), compared
      the same way (``detail`` "agency"); a code of the outlet registry or the article's own
      ``outlet`` (an editor's initials, "... –BL", are no sign-off).

    Datelines and sign-offs are the agency's credit, not the story, and both versions
    follow one rule: their words are in those rows only. A sentence that is nothing but a
    dateline or sign-off (parsers often cut "Hanoï (VNA)" off its sentence) is never
    omitted or added, their words are never word edits and do not count towards
    ``min_words``, and a name or number written only there is not an entity or number row
    (it still counts as given by that version).

    The main table is ``sentences``, as in :func:`align_sentences` (both work sentence by
    sentence); ``articles`` gives the texts the offsets point into and the languages.

    Args:
        sentences: The ``sentences`` table of both articles.
        articles: One row per article; needs the NEEDS_ARTICLES columns. (The old order
            ``compare_versions(articles, sentences, a, b)`` still works, with a FutureWarning.)
        a, b: The two ``article_id``: ``a`` is the reference.
        mentions: Linked mentions (``article_id``, ``sentence_id``, ``start_char``,
            ``end_char``, ``text``, ``entity_id``, ``name``); without them there are no
            entity and title rows.
        alignment: A table from :func:`align_sentences` for (a, b); computed when None.
        min_words: Shortest sentence reported as added or omitted.

    Returns:
        One row per difference, sorted by ``kind`` (in DIFFERENCE_KINDS order), then
        position in a, then in b: ``article_id_a``, ``article_id_b`` (str), ``kind`` (str),
        ``detail`` (str), ``side`` ("a", "b" or "both": which version has it),
        ``sentence_id_a``, ``sentence_id_b``, ``start_char_a``, ``end_char_a``,
        ``start_char_b``, ``end_char_b`` (Int64 offsets into ``articles.text``; NA on the
        side that lacks it), ``text_a``, ``text_b`` (str; "" for an insertion or deletion),
        ``entity_id``, ``name`` (str; NA except entity and title rows).

    Raises:
        ValueError: a column is missing or an id is unknown.

    Example:
        >>> compare_versions(sentences, articles, "000_97c0297dd02cef28", "003_3f9ce869d2ecad74")
    """
    if (isinstance(sentences, pd.DataFrame) and isinstance(articles, pd.DataFrame)
            and "sentence_id" not in sentences.columns and "sentence_id" in articles.columns):
        warnings.warn("compare_versions(articles, sentences, a, b) is now compare_versions(sentences, articles, "
                      "a, b): the main table first, as in align_sentences; the old order will be refused in the "
                      "next release", FutureWarning, stacklevel=2)
        sentences, articles = articles, sentences
    check_articles(articles)
    require_columns(sentences, SENTENCE_COLUMNS, name="sentences")
    if mentions is not None:
        require_columns(mentions, NEEDS_MENTIONS, name="mentions")
    a, b = str(a), str(b)
    rows = {"a": article_row(articles, a), "b": article_row(articles, b)}
    text = {s: cell_text(rows[s]["text"]) for s in "ab"}
    language = {s: rows[s]["language"] if isinstance(rows[s]["language"], str) else None for s in "ab"}
    if alignment is None:
        alignment = align_pair(sentences, a, b, articles=articles, mentions=mentions)
    require_columns(alignment, ALIGNMENT_COLUMNS, name="alignment")
    spans = {s: sentence_rows(sentences, x).set_index("sentence_id") for s, x in (("a", a), ("b", b))}
    read = {s: read_credits(spans[s].reset_index(), text=text[s], outlet=rows[s].get("outlet")) for s in "ab"}
    credits = {s: read[s].credits for s in "ab"}
    credit_only = {s: read[s].sentence_ids for s in "ab"}
    records = _sentence_differences(alignment, spans, text, language, credits, credit_only, min_words=min_words)
    per_side = None
    if mentions is not None:
        per_side = {s: mentions[mentions["article_id"].astype(str) == x].sort_values("start_char")
                    for s, x in (("a", a), ("b", b))}
        records += _entity_and_title_rows(per_side, spans, text, credits)
    records += _number_rows(spans, text, language, credits)
    records += _credit_rows(credits, spans, text, language, per_side)
    return _difference_table(records, a, b)


class Credit(NamedTuple):
    """A dateline or sign-off of one version: its kind, its span in the text and its parts.

    ``words`` is every word the dateline writes between its place and its agency or dash:
    its date and the place's own words ("lundi 16 mai" of "PARIS, lundi 16 mai (AFP)";
    "Mo." of "KANSAS CITY, Mo. —"), told apart when compared (_credit_parts); "" for a
    sign-off."""

    kind: str  # "dateline" or "signoff"
    start: int
    end: int
    place: str
    words: str
    agency: str


class Credits(NamedTuple):
    """What :func:`read_credits` finds in one version: its credits and the sentences that are nothing else."""

    credits: list[Credit]
    sentence_ids: frozenset[int]


_DASHES = "-\u2013\u2014"
#: Columns :func:`read_credits` and :func:`view_credits` need in ``sentences``.
NEEDS_CREDIT_SENTENCES = ["sentence_id", "text"]


def read_credits(sentences: pd.DataFrame, *, text: str | None = None, outlet: str | None = None) -> Credits:
    """The dateline and sign-off of one version, and the sentences that are nothing but them.

    The reading :func:`compare_versions` makes of each version, and the views
    (:func:`toolkit.display.render_differences`, :func:`toolkit.plotting.plot_alignment`)
    through :func:`view_credits`. A sentence is a credit when it has words and all of them
    lie in the dateline opening the text or in the sign-off closing it (an agency's code
    after a dash: a code of the outlet registry, or ``outlet``).

    Args:
        sentences: One article's sentences: ``sentence_id`` and ``text``; with
            ``start_char`` and ``end_char`` (offsets into the article's text) and
            ``paragraph_id`` when known.
        text: The article's text. When None it is laid out from the sentences: each at its
            offset (else one after another), a blank line between paragraphs.
        outlet: The article's own outlet code: a sign-off by it counts even when the
            outlet registry lacks it.

    Returns:
        ``Credits(credits, sentence_ids)``: the :class:`Credit` found (offsets into ``text``
        or the laid-out text) and the ids of the sentences that are only credits.

    Raises:
        ValueError: ``sentences`` lacks ``sentence_id`` or ``text``.

    Example:
        >>> article = articles.set_index("article_id").loc["003_3f9ce869d2ecad74"]
        >>> found = read_credits(sentences[sentences["article_id"] == article.name], text=article["text"],
        ...                      outlet=article["outlet"])
        >>> sorted(found.sentence_ids), [(c.kind, c.place, c.agency) for c in found.credits]
        ([0, 12], [('dateline', 'La Havane', 'VNA'), ('signoff', '', 'VNA')])
    """
    require_columns(sentences, NEEDS_CREDIT_SENTENCES, name="sentences")
    return _read_credits(sentences, text, {outlet.upper()} if isinstance(outlet, str) else set())


def view_credits(sentences: pd.DataFrame, differences: pd.DataFrame, side: str, *,
                 outlet: str | None = None) -> Credits:
    """:func:`read_credits` for a view that has one version's sentences and the differences table, not the article.

    The text is laid out from ``sentences``. A sign-off counts with a code of the outlet
    registry, ``outlet`` (the article's own outlet, when the view knows it) or the agency
    of the table's ``signoff`` row on ``side``. So the view reads what the table read
    except in one case, when ``outlet`` is not given: both versions sign off alike with
    their outlet's own code that the registry lacks ("... –BL" of outlet BL in both). The
    table has no row then, and the sentence "–BL" is read as an editor's initials.

    Args:
        sentences: One version's sentences (``sentence_id``, ``text``; ``start_char``,
            ``end_char`` and ``paragraph_id`` when known, as for :func:`read_credits`).
        differences: From :func:`compare_versions` (``kind``, ``text_a``, ``text_b``).
        side: "a" or "b": which version of the table ``sentences`` are.
        outlet: That article's own outlet code, if known.

    Returns:
        ``Credits``, as :func:`read_credits` returns them.

    Raises:
        ValueError: a column is missing, or ``side`` is not "a" or "b".

    Example:
        >>> differences = compare_versions(sentences, articles, "000_97c0297dd02cef28", "003_3f9ce869d2ecad74")
        >>> sorted(view_credits(sentences[sentences["article_id"] == "003_3f9ce869d2ecad74"], differences, "b",
        ...                     outlet="VNA").sentence_ids)
        [0, 12]
    """
    if side not in ("a", "b"):
        raise ValueError(f"`side` must be 'a' or 'b', got {side!r}")
    require_columns(sentences, NEEDS_CREDIT_SENTENCES, name="sentences")
    require_columns(differences, ["kind", f"text_{side}"], name="differences")
    own = {outlet.upper()} if isinstance(outlet, str) else set()
    signoffs = differences.loc[(differences["kind"] == "signoff") & differences[f"text_{side}"].notna(), f"text_{side}"]
    for written in signoffs:  # the row's text: the dash, then the code ("– VNA")
        own.add(str(written).strip(_DASHES + " \t\u00a0").split("/")[-1])
    return _read_credits(sentences, None, own)


def article_outlets(articles: pd.DataFrame | None, a: str, b: str) -> dict[str, str | None]:
    """Side ("a", "b") → that article's ``outlet`` (None when it has none, or when ``articles`` is None)."""
    if articles is None:
        return {"a": None, "b": None}
    require_columns(articles, ["article_id"], name="articles")
    rows = {"a": article_row(articles, a), "b": article_row(articles, b)}
    return {s: rows[s]["outlet"] if isinstance(rows[s].get("outlet"), str) else None for s in "ab"}


def _read_credits(sentences: pd.DataFrame, text: str | None, own: set[str]) -> Credits:
    """read_credits with ``own`` the set of codes that sign off besides the registry's."""
    rows = sentences.sort_values("sentence_id")
    ids = [int(k) for k in rows["sentence_id"]]
    texts = [cell_text(t) for t in rows["text"]]
    if "start_char" in rows.columns and rows["start_char"].notna().all():
        starts = [int(x) for x in rows["start_char"]]
    else:
        starts, at = [], 0
        for t in texts:
            starts.append(at)
            at += len(t) + 2
    offsets = ["start_char", "end_char"]
    if all(c in rows.columns for c in offsets) and rows[offsets].notna().all().all():
        ends = [int(x) for x in rows["end_char"]]
    else:
        ends = [start + len(t) for start, t in zip(starts, texts)]
    if text is None:
        text = _lay_out(texts, starts, list(rows["paragraph_id"]) if "paragraph_id" in rows.columns else None)
    credits = _credits(text, own)
    only = frozenset(k for k, start, end in zip(ids, starts, ends) if _only_credits(text, start, end, credits))
    return Credits(credits, only)


def _lay_out(texts: list[str], starts: list[int], paragraphs: list | None) -> str:
    """A text with each sentence at its offset, spaces between them, a blank line where the paragraph changes."""
    chars = [" "] * max((s + len(t) for s, t in zip(starts, texts)), default=0)
    for n, (start, t) in enumerate(zip(starts, texts)):
        chars[start:start + len(t)] = t
        if paragraphs is not None and n and paragraphs[n] != paragraphs[n - 1] and start >= 2:
            gap_start = starts[n - 1] + len(texts[n - 1])
            if start - gap_start >= 2:
                chars[gap_start:gap_start + 2] = "\n\n"
    return "".join(chars)


def _credits(text: str, own: set[str]) -> list[Credit]:
    """The dateline opening ``text`` and the sign-off closing it, those it has.

    As for :func:`toolkit.corpus.infer_outlet`, a sign-off counts only with an agency's code (the outlet registry's,
    or one of ``own``: the article's own outlet): an editor's initials ("... –BL") take the same place."""
    found = []
    cut = text.find("\n\n")
    dateline = parse_dateline(text if cut < 0 else text[:cut])
    if dateline["place"]:
        found.append(Credit("dateline", 0, dateline["end"], dateline["place"], dateline["words"], dateline["code"]))
    signoff = find_signoff(text)
    if signoff and signoff.group("code").split("/")[-1] in _agency_codes() | own:
        found.append(Credit("signoff", signoff.start("dash"), signoff.end("code"), "", "", signoff.group("code")))
    return found


@functools.cache
def _agency_codes() -> frozenset[str]:
    """The codes of the toolkit's outlet registry (``toolkit/data/outlets.csv``)."""
    return frozenset(load_outlets()["code"])


def _in_credits(credits: list[Credit], start: int, end: int) -> bool:
    """Whether the span start:end lies inside a dateline or sign-off."""
    return any(c.start <= start and end <= c.end for c in credits)


def _only_credits(text: str, start: int, end: int, credits: list[Credit]) -> bool:
    """Whether the sentence start:end has words and all of them lie in a dateline or sign-off."""
    if not any(c.start < end and start < c.end for c in credits):
        return False
    found = word_spans(text[start:end], None)
    return bool(found) and all(_in_credits(credits, start + s, start + e) for _, s, e in found)


# The words of a dateline's date besides numbers and months: weekdays, relative days and parts of the day, French
# and English, under one key each ("lundi" and "Monday" are one day, "soir" and "evening" one part of it).
_DAY_WORDS = {
    **{w: f"weekday:{n}" for w, n in WEEKDAY_NAMES.items()},
    "today": "day:0", "aujourd'hui": "day:0", "aujourdhui": "day:0", "yesterday": "day:-1", "hier": "day:-1",
    "tomorrow": "day:1", "demain": "day:1",
    # (No "après-midi": parse_dateline reads no dateline with a hyphen before its agency.)
    **{w: f"part:{names[0]}" for names in [
        ("morning", "matin", "matinee"), ("afternoon",), ("evening", "soir", "soiree"), ("night", "nuit")]
        for w in names},
}


def _credit_parts(credit: Credit, language, mentions: pd.DataFrame | None) -> dict[str, set]:
    """The keys each part of a dateline or sign-off compares on (DATELINE_PARTS; empty when absent).

    Every word between a dateline's place and its agency or dash counts: numbers and months
    (``find_numbers``), weekdays, relative days and parts of the day in any case (_DAY_WORDS:
    "soir", "EVENING") and other lower-case words are the date; other capitalised words are
    the place's own ("Mo." of "KANSAS CITY, Mo."), under the key ``in:`` so they compare
    only with the other version's.
    """
    places = {" ".join(folded_words(credit.place))} if credit.place else set()
    if credit.place and mentions is not None and len(mentions):
        # The place's linked entity: "La Havane" (LOC:havana) and "HAVANA" are one place.
        end = credit.start + len(credit.place)
        on_place = mentions[(mentions["start_char"] < end) & (mentions["end_char"] > credit.start)]
        places |= {" ".join(folded_words(str(key).partition(":")[2])) for key in entity_keys(on_place)}
    numbers = find_numbers(credit.words, language, dates=True)
    dates = {value for value, *_ in numbers}
    counted = [(s, e) for _, _, s, e in numbers]
    within = set()
    for written, s, e in tokenize_words(credit.words, language=language if isinstance(language, str) else None):
        word = fold(written).rstrip(".").replace("\u2019", "'").replace("\u02bc", "'")
        if not word or any(a <= s and e <= b for a, b in counted):
            continue
        # Before the stopwords ("aujourd'hui" is one), and in any case ("HANOI, THURSDAY EVENING (VNA)").
        if word in _DAY_WORDS:
            dates.add(_DAY_WORDS[word])
        elif word in stopwords():
            continue
        elif written[:1].isupper():
            within.add(word)
        elif word.isalpha():
            dates.add(word)
    if within:
        places.add("in:" + " ".join(sorted(within)))
    return {"place": places, "date": dates, "agency": {credit.agency} if credit.agency else set()}


def _credit_rows(credits, spans, text, language, mentions) -> list[dict]:
    """Stage 4: dateline and sign-off rows: the two versions' compared part by part, or the one a version alone has.

    ``mentions`` are each side's ("a", "b"), or None."""
    records = []
    for kind in ("dateline", "signoff"):
        found = {s: next((c for c in credits[s] if c.kind == kind), None) for s in "ab"}
        parts = {}
        for s in "ab":
            if found[s] is not None:
                parts[s] = _credit_parts(found[s], language[s], None if mentions is None else mentions[s])
        if not parts:
            continue
        if len(parts) == 2:
            side, differ = "both", [p for p in DATELINE_PARTS if not _same_part(p, parts["a"][p], parts["b"][p])]
        else:
            side = next(iter(parts))
            differ = [p for p in DATELINE_PARTS if parts[side][p]]
        if not differ:
            continue
        where = {s: (_sentence_at(spans[s], found[s].start), (found[s].start, found[s].end),
                     text[s][found[s].start:found[s].end]) for s in parts}
        records.append(_difference(kind, ", ".join(differ), side, **where))
    return records


def _same_part(part: str, keys_a: set, keys_b: set) -> bool:
    """Two datelines' parts agree: places on any key (a name or its linked entity) and on the words each writes after
    it when both do ("PARIS, Texas" and "PARIS, Ky." differ; "HAVANA, Cuba" and "HAVANA" agree), dates and agencies
    on all."""
    if part == "place" and keys_a and keys_b:
        within = [{k for k in keys if k.startswith("in:")} for keys in (keys_a, keys_b)]
        if all(within) and within[0] != within[1]:
            return False
        return bool((keys_a - within[0]) & (keys_b - within[1]))
    return keys_a == keys_b


def _sentence_at(spans: pd.DataFrame, position: int) -> int:
    """The sentence holding the character at ``position`` (else the next one, else the last)."""
    holding = spans.index[(spans["start_char"] <= position) & (spans["end_char"] > position)]
    if len(holding):
        return int(holding[0])
    after = spans.index[spans["end_char"] > position]
    return int(after[0]) if len(after) else int(spans.index[-1])


def _difference(kind: str, detail: str, side: str, *, a=None, b=None, entity_id=None, name=None) -> dict:
    """One difference; ``a`` and ``b`` are each side's (sentence_id, (start, end) or None, text), None if absent."""
    row = dict(kind=kind, detail=detail, side=side, entity_id=entity_id, name=name)
    for s, value in (("a", a), ("b", b)):
        sentence_id, span, written = value if value is not None else (None, None, "")
        row.update({f"sentence_id_{s}": sentence_id, f"start_char_{s}": span[0] if span else None,
                    f"end_char_{s}": span[1] if span else None, f"text_{s}": written})
    return row


def _one_side(kind, detail, side, sentence_id, span, written, **names) -> dict:
    """A difference that only version ``side`` has."""
    return _difference(kind, detail, side, **{side: (sentence_id, span, written)}, **names)


def _sentence_differences(alignment, spans, text, language, credits, credit_only, *, min_words) -> list[dict]:
    """Stage 1: omitted and added sentences, paraphrased groups, and word edits of shared groups.

    A sentence of ``credit_only`` (nothing but a dateline or sign-off: "Hanoï (VNA)", "– VNA") is in no row here.
    """

    def one_side(side, k) -> list[dict]:
        span = (int(spans[side].loc[k, "start_char"]), int(spans[side].loc[k, "end_char"]))
        sentence = text[side][span[0]:span[1]]
        own = [w for w, s, e in word_spans(sentence, None) if not _in_credits(credits[side], span[0] + s, span[0] + e)]
        if len(own) < min_words:
            return []
        return [_one_side("omitted" if side == "a" else "added", "sentence", side, k, span, sentence)]

    records = []
    for _, group in alignment.groupby("alignment_id", sort=True):
        ids_a = sorted(int(x) for x in group["sentence_id_a"].dropna().unique() if int(x) not in credit_only["a"])
        ids_b = sorted(int(x) for x in group["sentence_id_b"].dropna().unique() if int(x) not in credit_only["b"])
        status = group["status"].iloc[0]
        if status == "unique" or not ids_a or not ids_b:
            # A group left with one side (a sentence paired with nothing but a dateline) is unique too.
            for side, ids in (("a", ids_a), ("b", ids_b)):
                for k in ids:
                    records += one_side(side, k)
            continue
        span_a = (int(spans["a"].loc[ids_a[0], "start_char"]), int(spans["a"].loc[ids_a[-1], "end_char"]))
        span_b = (int(spans["b"].loc[ids_b[0], "start_char"]), int(spans["b"].loc[ids_b[-1], "end_char"]))
        if status == "paraphrased" and language["a"] == language["b"]:
            records.append(_difference("changed", "paraphrased", "both",
                                       a=(ids_a[0], span_a, text["a"][span_a[0]:span_a[1]]),
                                       b=(ids_b[0], span_b, text["b"][span_b[0]:span_b[1]])))
        elif status == "shared":
            records += _word_edits(spans, text, language, credits, ids_a, ids_b)
    return records


def _word_edits(spans, text, language, credits, ids_a, ids_b) -> list[dict]:
    """The word-level edits (difflib on folded words) between the sentences ``ids_a`` and ``ids_b``.

    Words of a dateline or sign-off are left out: they are compared in their own rows.
    """
    words_a = [(w, s, e, k) for k in ids_a for w, s, e in _offset_words(spans["a"], k, language["a"])
               if not _in_credits(credits["a"], s, e)]
    words_b = [(w, s, e, k) for k in ids_b for w, s, e in _offset_words(spans["b"], k, language["b"])
               if not _in_credits(credits["b"], s, e)]
    matcher = difflib.SequenceMatcher(None, [w[0] for w in words_a], [w[0] for w in words_b], autojunk=False)
    records = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        sa_ = (words_a[i1][1], words_a[i2 - 1][2]) if i2 > i1 else None
        sb_ = (words_b[j1][1], words_b[j2 - 1][2]) if j2 > j1 else None
        records.append(_difference(
            "changed", op, "both",
            a=(words_a[min(i1, len(words_a) - 1)][3] if words_a else None, sa_, text["a"][sa_[0]:sa_[1]] if sa_ else ""),
            b=(words_b[min(j1, len(words_b) - 1)][3] if words_b else None, sb_, text["b"][sb_[0]:sb_[1]] if sb_ else "")))
    return records


def _difference_table(records: list[dict], a: str, b: str) -> pd.DataFrame:
    """DIFFERENCE_COLUMNS, sorted by kind (DIFFERENCE_KINDS order), then position in a, then in b."""
    table = pd.DataFrame(records, columns=DIFFERENCE_COLUMNS[2:])
    table.insert(0, "article_id_b", b)
    table.insert(0, "article_id_a", a)
    order = {kind: n for n, kind in enumerate(DIFFERENCE_KINDS)}
    table = table.assign(_kind=table["kind"].map(order)).sort_values(
        ["_kind", "start_char_a", "start_char_b", "detail"], na_position="last", kind="stable").drop(columns="_kind")
    ints = ["sentence_id_a", "sentence_id_b", "start_char_a", "end_char_a", "start_char_b", "end_char_b"]
    table = table.astype({c: "Int64" for c in ints} | {c: "string" for c in DIFFERENCE_COLUMNS if c not in ints})
    return table[DIFFERENCE_COLUMNS].reset_index(drop=True)


def _offset_words(spans: pd.DataFrame, sentence_id: int, language) -> list[tuple[str, int, int]]:
    """Folded words of one sentence with offsets into the article text."""
    start = int(spans.loc[sentence_id, "start_char"])
    return [(w, s + start, e + start) for w, s, e in word_spans(cell_text(spans.loc[sentence_id, "text"]), language)]


def _entity_and_title_rows(mentions, spans, text, credits) -> list[dict]:
    """Stage 2: entity rows (named in one version only) and title rows (a title one version alone gives).

    ``mentions`` are each side's ("a", "b"), in text order. A name written only in a dateline
    or sign-off counts as named by that version, but is never an entity row of its own (the
    dateline and sign-off rows report it).
    """
    per_side = {side: m.assign(cmp_key=entity_keys(m).to_numpy(),
                               cmp_name=(m["name"] if "name" in m.columns else m["text"]).astype("object"))
                for side, m in mentions.items()}
    keys = {s: set(per_side[s]["cmp_key"]) for s in "ab"}
    heads = {s: _name_heads(per_side[s]) for s in "ab"}
    every_head = {s: set().union(*heads[s].values()) if heads[s] else set() for s in "ab"}
    records = []
    for side, other in (("a", "b"), ("b", "a")):
        mine = per_side[side]
        in_credit = [_in_credits(credits[side], int(s), int(e)) for s, e in zip(mine["start_char"], mine["end_char"])]
        first = mine[~pd.Series(in_credit, index=mine.index, dtype=bool)].drop_duplicates("cmp_key")
        # Named in the other version too: the same entity id, or a name ending in the same
        # word ("Trump", "President Trump", "Donald J. Trump" under several ids).
        named_there = first["cmp_key"].isin(keys[other]) | first["cmp_key"].map(
            lambda k: bool(heads[side].get(k, set()) & every_head[other])).astype(bool)
        for m in first[~named_there].itertuples():
            span = (int(m.start_char), int(m.end_char))
            records.append(_one_side("entity", str(getattr(m, "entity_type", "") or ""), side, int(m.sentence_id),
                                     span, text[side][span[0]:span[1]], entity_id=m.cmp_key, name=m.cmp_name))
    titles = {side: _titles_of(per_side[side], spans[side], text[side]) for side in "ab"}
    for key in sorted(keys["a"] & keys["b"]):
        for side, other in (("a", "b"), ("b", "a")):
            for title, (kind, written, s, e, sentence_id, name) in titles[side].get(key, {}).items():
                if title not in titles[other].get(key, {}):
                    records.append(_one_side("title", kind, side, sentence_id, (s, e), written, entity_id=key, name=name))
    return records


def _name_heads(mentions: pd.DataFrame) -> dict:
    """Entity key → the folded last words of its mentions (a person's surname, a place's main word).

    The last word of a name is what news keeps when it shortens one ("Donald J. Trump",
    "President Trump", "Mr. Trump"); stopwords and one-letter words are not heads.
    """
    heads = defaultdict(set)
    for key, written in zip(mentions["cmp_key"], mentions["text"].map(cell_text)):
        words = [w for w, _, _ in word_spans(written, None) if len(w) > 1 and w not in stopwords() and not w.isdigit()]
        if words:
            heads[key].add(words[-1].removesuffix("'s"))
    return heads


def _titles_of(mentions, spans, text) -> dict:
    """Entity key → {title key: (kind, as written, start, end, sentence_id, name)} of one version."""
    found = defaultdict(dict)
    for m in mentions.itertuples():
        if int(m.sentence_id) not in spans.index:
            continue
        sentence_start = int(spans.loc[int(m.sentence_id), "start_char"])
        for key, kind, written, s, e in _titles_before(text, int(m.start_char), sentence_start):
            found[m.cmp_key].setdefault(key, (kind, written, s, e, int(m.sentence_id), m.cmp_name))
    return found


def _number_rows(spans, text, language, credits) -> list[dict]:
    """Stage 3: number, date and month rows: values one version alone gives (first occurrence).

    A number in a dateline or sign-off counts as given by that version, but is never a row
    of its own (the dateline row reports a date that differs). A date gives its month too
    (not its day: the 11 of "Sept. 11" is no count of eleven).
    """
    given, first = {}, {}
    for side in "ab":
        given[side], first[side] = set(), {}
        for sentence_id, start, end in zip(spans[side].index, spans[side]["start_char"], spans[side]["end_char"]):
            for value, written, s, e in find_numbers(text[side][int(start):int(end)], language[side], dates=True):
                given[side].add(value)
                if value.startswith("date:"):
                    given[side].add("month:" + value[5:].partition("-")[0])
                s, e = s + int(start), e + int(start)
                if not _in_credits(credits[side], s, e):
                    first[side].setdefault(value, (written, s, e, int(sentence_id)))
    records = []
    for side, other in (("a", "b"), ("b", "a")):
        for value, (written, s, e, sentence_id) in first[side].items():
            if value not in given[other]:
                detail = value.partition(":")[0] if value.startswith(("date:", "month:")) else "number"
                records.append(_one_side("number", detail, side, sentence_id, (s, e), written))
    return records
