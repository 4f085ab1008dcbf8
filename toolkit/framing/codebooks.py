"""Score frames from bilingual codebooks (tokens → frame scores per article and sentence, with evidence).

A *codebook* is a set of frames, each with French and English lexicons of lemmas and
multi-word expressions, kept as editable CSV files (``toolkit/data/codebooks/``, format in
the README there). :func:`score_frames` counts each frame's terms in the ``tokens`` table
of :func:`toolkit.annotate` and returns, besides the scores per article and per sentence
(hits per 1,000 words), an ``evidence`` table with every hit's sentence, term and offsets
into ``articles.text``: every number traces back to its words. :func:`summarise_frames`
pools the scores per group of articles and :func:`mark_evidence` shows the sentences behind
them. The files are read, and terms compared with tokens, by :mod:`toolkit.framing.lexicons`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from toolkit.framing.groups import article_groups, groups_of_rows
from toolkit.framing.lexicons import (
    CodebookError,
    normalise_term_series,
    read_lexicon,
    split_term,
    term_lemmas,
)
from toolkit.paths import DATA
from toolkit.text import tokenize_words
from toolkit.nlp.batches import BATCH_ROWS, token_batches
from toolkit.schema import require_columns

__all__ = [
    "CODEBOOKS", "CODEBOOK_COLUMNS", "EVIDENCE_COLUMNS", "MARKED_COLUMNS", "NEEDS_TOKENS", "NON_WORDS",
    "PROFILE_COLUMNS", "SCORE_COLUMNS", "SENTENCE_SCORE_COLUMNS", "CodebookError", "Frames", "FramingWarning",
    "frames_of", "list_codebooks", "load_codebook", "mark_evidence", "score_frames", "summarise_frames",
]

#: Where the shipped codebooks live (``<name>.csv`` terms + ``<name>.frames.csv`` frames).
CODEBOOKS = DATA / "codebooks"
#: One row per (frame, language, term); a frame with no terms has one row with ``term`` missing.
CODEBOOK_COLUMNS = ["codebook", "frame", "label", "description", "frame_order", "language", "term", "note",
                    "file", "line"]
#: The columns :func:`score_frames` needs in ``tokens`` (``word`` is used when present).
NEEDS_TOKENS = ["article_id", "sentence_id", "token_id", "start_char", "end_char", "text", "lemma", "upos"]
SCORE_COLUMNS = ["article_id", "frame", "label", "n_hits", "n_words", "per_1000_words"]
SENTENCE_SCORE_COLUMNS = ["article_id", "sentence_id", "frame", "label", "n_hits", "n_words", "per_1000_words"]
EVIDENCE_COLUMNS = ["article_id", "sentence_id", "frame", "label", "term", "matched", "start_char", "end_char",
                    "language", "entry"]
PROFILE_COLUMNS = ["frame", "label", "n_articles", "n_articles_with_frame", "n_hits", "n_words", "per_1000_words"]
MARKED_COLUMNS = ["frame", "label", "article_id", "sentence_id", "n_hits", "terms", "marked_text"]


#: Parts of speech that are not words (left out of word counts and keyness).
NON_WORDS = ("PUNCT", "SYM", "SPACE")
_FRAME_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_LANGUAGE = re.compile(r"[a-z]{2}|\*")


class FramingWarning(UserWarning):
    """A framing statistic was computed on too little data to mean much, or data was left out."""


class Frames(NamedTuple):
    """What :func:`score_frames` returns: scores per article and per sentence, and the evidence."""

    scores: pd.DataFrame
    sentence_scores: pd.DataFrame
    evidence: pd.DataFrame


# ---------------------------------------------------------------- codebooks


def list_codebooks() -> list[str]:
    """The names of the codebooks shipped in ``toolkit/data/codebooks/``.

    Returns:
        Sorted codebook names (file stems), e.g. ``["cooperation-themes", "generic-frames", "policy-frames"]``.
    """
    return sorted(p.stem for p in CODEBOOKS.glob("*.csv") if not p.name.endswith(".frames.csv"))


def _codebook_path(codebook: str | Path) -> Path:
    """The terms file of a codebook given by name or path."""
    path = Path(codebook)
    if path.suffix != ".csv" and not path.exists():
        path = CODEBOOKS / f"{codebook}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no codebook {str(codebook)!r}: not a file, and not one of {list_codebooks()} "
                                f"(in {CODEBOOKS})")
    return path


def load_codebook(codebook: str | Path = "cooperation-themes") -> pd.DataFrame:
    """Read a codebook: its frames and their French and English lexicons.

    A codebook is a terms file ``<name>.csv`` (columns ``frame, language, term[, note]``)
    and, beside it, an optional frames file ``<name>.frames.csv`` (``frame, label[,
    description]``) that orders and names the frames; see
    ``toolkit/data/codebooks/README.md``. Lines starting with ``#`` are comments.

    Args:
        codebook: A shipped codebook's name (:func:`list_codebooks`: ``"policy-frames"``,
            ``"generic-frames"``, ``"cooperation-themes"``) or the path of a terms file.

    Returns:
        One row per (frame, language, term), in file order within frames ordered as in the
        frames file (else by first appearance), with columns ``codebook`` (str, the file
        stem), ``frame`` (str id), ``label`` (str), ``description`` (str, may be empty),
        ``frame_order`` (int, from 0), ``language`` (str, ISO 639-1 code or ``"*"`` for
        every language), ``term`` (str, normalised: lower case, NFC, ``'`` apostrophe),
        ``note`` (str), ``file`` (str, the terms file's name) and ``line`` (int). A frame of
        the frames file with no terms (e.g. "Other") has one row with ``language`` and
        ``term`` missing. Exact duplicates of (frame, language, term) are kept once.

    Raises:
        FileNotFoundError: no such codebook.
        CodebookError: a malformed file or entry; the message names the file and line.

    Example:
        >>> codebook = load_codebook("policy-frames")
        >>> codebook.groupby("label", sort=False)["term"].count().head(3)
    """
    path = _codebook_path(codebook)
    frames_path = path.with_name(f"{path.stem}.frames.csv")
    frames = _read_frames(frames_path) if frames_path.is_file() else {}
    rows = _read_terms(path, frames, frames_path if frames_path.is_file() else None)
    order = {frame: i for i, frame in enumerate(frames)}
    with_terms = {r["frame"] for r in rows}
    rows += [{"frame": f, "language": None, "term": None, "note": "", "line": pd.NA} for f in frames
             if f not in with_terms]
    table = pd.DataFrame(rows, columns=["frame", "language", "term", "note", "line"])
    table = table.assign(
        codebook=path.stem, label=table["frame"].map(lambda f: frames[f][0]),
        description=table["frame"].map(lambda f: frames[f][1]), frame_order=table["frame"].map(order),
        file=path.name, line=table["line"].astype("Int64"),
    )[CODEBOOK_COLUMNS]
    table = table.astype({"codebook": "string", "frame": "string", "label": "string", "description": "string",
                          "frame_order": "int64", "language": "string", "term": "string", "note": "string",
                          "file": "string"})
    return table.sort_values(["frame_order", "line"], kind="mergesort", na_position="last").reset_index(drop=True)


def _read_frames(path: Path) -> dict[str, tuple[str, str]]:
    """A frames file: frame id → (label, description), in file order."""
    frames: dict[str, tuple[str, str]] = {}
    for number, row, line in read_lexicon(path, ["frame", "label"], ["description"]):
        if not _FRAME_ID.fullmatch(row["frame"]):
            raise CodebookError(f"{path}:{number}: frame ids are lower-case letters, digits, '_' or "
                                f"'-', got {row['frame']!r}; line {line!r}")
        if row["frame"] in frames:
            raise CodebookError(f"{path}:{number}: frame {row['frame']!r} is defined twice")
        frames[row["frame"]] = (row["label"] or row["frame"], row.get("description", ""))
    return frames


def _read_terms(path: Path, frames: dict, frames_path: Path | None) -> list[dict]:
    """A terms file's entries, checked and parsed, exact duplicates once; adds frames met only here to ``frames``."""
    entries = read_lexicon(path, ["frame", "language", "term"], ["note"])
    normalised = normalise_term_series(pd.Series([row["term"] for _, row, _ in entries], dtype="object")).tolist()
    rows, seen = [], set()
    for (number, row, line), term_form in zip(entries, normalised):
        frame, language, term = row["frame"], row["language"].lower(), row["term"]
        where = f"{path}:{number}"
        if not _FRAME_ID.fullmatch(frame):
            raise CodebookError(f"{where}: frame ids are lower-case letters, digits, '_' or '-', got {frame!r}; "
                                f"line {line!r}")
        if frames_path is not None and frame not in frames:
            raise CodebookError(f"{where}: frame {frame!r} is not in {frames_path.name} "
                                f"(frames: {list(frames)}); line {line!r}")
        if not _LANGUAGE.fullmatch(language):
            raise CodebookError(f"{where}: language must be an ISO 639-1 code such as 'fr' or 'en', or '*' "
                                f"for every language, got {row['language']!r}; line {line!r}")
        try:
            words = split_term(term_form, language=language)
        except ValueError as err:
            raise CodebookError(f"{where}: bad term {term!r} ({err}); line {line!r}") from None
        frames.setdefault(frame, (frame, ""))
        key = (frame, language, words)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"frame": frame, "language": language, "term": " ".join(words), "note": row.get("note", ""),
                     "line": number})
    return rows


def frames_of(codebook: pd.DataFrame) -> pd.DataFrame:
    """One row per frame (frame, label), in codebook order."""
    return (codebook.sort_values("frame_order", kind="mergesort")
            .drop_duplicates("frame")[["frame", "label"]].reset_index(drop=True))


# ---------------------------------------------------------------- matching


class _Word(NamedTuple):
    exact: frozenset   # forms that match (the word and its lemma)
    prefix: str        # non-empty for a ``word*`` pattern


def _entries(codebook: pd.DataFrame, language: str) -> list[tuple]:
    """A codebook's entries for one language: (frame, term, words, "<file>:<line>", rank)."""
    entries = codebook[codebook["term"].notna() & codebook["language"].isin([language, "*"])]
    lemma_of = {}
    for lang in pd.unique(entries["language"]):
        words = sorted({w for t in entries.loc[entries["language"] == lang, "term"] for w in t.split(" ")
                        if not w.endswith("*")})
        lemma_of |= {(w, lang): lem for w, lem in zip(words, term_lemmas(words, lang))}
    return [(row.frame, row.term, tuple(
        _Word(frozenset(), w[:-1]) if w.endswith("*") else _Word(frozenset({w, lemma_of[(w, row.language)]}), "")
        for w in row.term.split(" ")), f"{row.file}:{row.line}", rank)
        for rank, row in enumerate(entries.itertuples(index=False))]


def _compile(codebook: pd.DataFrame, language: str):
    """Index a codebook's entries for one language by their first word."""
    exact, prefix = defaultdict(list), defaultdict(list)
    for entry in _entries(codebook, language):
        words = entry[2]
        if words[0].prefix:
            prefix[words[0].prefix].append(entry)
        else:
            for form in words[0].exact:
                exact[form].append(entry)
    return dict(exact), dict(prefix), sorted({len(p) for p in prefix})


def _matches(word: _Word, forms: frozenset) -> bool:
    if word.prefix:
        return any(f.startswith(word.prefix) for f in forms)
    return not word.exact.isdisjoint(forms)


def _units(tokens: pd.DataFrame) -> pd.DataFrame:
    """Merge the syntactic words of one surface token ("du" → "de" + "le") into one unit."""
    ordered = tokens.sort_values(["article_id", "token_id"], kind="mergesort")

    def matching(column: str, *, always: bool = False) -> pd.Series:
        values = ordered[column].astype("object")
        values = values.map(str) if always else values.where(values.map(lambda v: isinstance(v, str)))
        return normalise_term_series(values).fillna("")

    forms = [frozenset(filter(None, triple)) for triple in
             zip(matching("text", always=True), matching("lemma"), matching("word" if "word" in ordered else "text"))]
    units = ordered[["article_id", "sentence_id", "start_char", "end_char", "text", "upos"]].assign(forms=forms)
    same = ((units["article_id"] == units["article_id"].shift()) & (units["start_char"] == units["start_char"].shift())
            & (units["end_char"] == units["end_char"].shift())).to_numpy()
    merged: list[frozenset] = []
    for form, repeat in zip(forms, same):
        if repeat:
            merged[-1] = merged[-1] | form
        else:
            merged.append(form)
    return units[~same].assign(forms=merged).reset_index(drop=True)


def _unit_table(tokens: pd.DataFrame):
    """The units of :func:`_units` without their ``forms`` column, and the forms as integer codes.

    Returns ``(units, unit_of_token, form_codes, forms)``: ``unit_of_token`` gives each token
    (sorted by article and token) its unit; ``form_codes`` holds three arrays (the tokens'
    text, lemma and word forms), each a code into ``forms`` (distinct str), -1 for none. Each
    distinct value is normalised once (:func:`normalise_term_series`), as :func:`_units` does.
    """
    columns = ["article_id", "sentence_id", "token_id", "start_char", "end_char", "text", "lemma", "upos"]
    ordered = tokens[columns + (["word"] if "word" in tokens.columns else [])].sort_values(
        ["article_id", "token_id"], kind="mergesort")
    local, pieces = [], []
    for column, always in (("text", True), ("lemma", False), ("word" if "word" in ordered else "text", False)):
        codes, uniques = pd.factorize(ordered[column])
        values = pd.Series(np.asarray(uniques, dtype=object), dtype="object")
        values = values.map(str) if always else values.where(values.map(lambda v: isinstance(v, str)))
        missing = np.flatnonzero(codes < 0)
        if always and len(missing):  # str(None), str(nan)... as _units writes them
            codes[missing] = len(values) + np.arange(len(missing))
            values = pd.concat([values, ordered[column].iloc[missing].astype("object").map(str)], ignore_index=True)
        local.append(codes)
        pieces.append(normalise_term_series(values).fillna("").to_numpy(dtype=object))
    everything, forms = pd.factorize(np.concatenate(pieces))
    forms = np.asarray(forms, dtype=object)
    empty = np.flatnonzero(forms == "")
    form_codes, at = [], 0
    for codes, piece in zip(local, pieces):
        mine = everything[at:at + len(piece)]
        at += len(piece)
        if len(empty):
            mine = np.where(mine == empty[0], -1, mine)
        form_codes.append(np.where(codes >= 0, mine[np.maximum(codes, 0)], -1) if len(piece) else
                          np.full(len(codes), -1))
    units = ordered[["article_id", "sentence_id", "start_char", "end_char", "text", "upos"]]
    same = ((units["article_id"] == units["article_id"].shift()) & (units["start_char"] == units["start_char"].shift())
            & (units["end_char"] == units["end_char"].shift())).to_numpy()
    unit_of_token = np.cumsum(~same) - 1
    return units[~same].reset_index(drop=True), unit_of_token, form_codes, forms


def _body_hits(tokens: pd.DataFrame, codebook: pd.DataFrame, languages: pd.Series, texts, skip: dict,
               entries_of: dict | None = None):
    """The evidence rows of every article's body (as :func:`_find_hits` then :func:`_keep_longest`
    give them, article by article), found with array operations; and the units and article ids.

    Each distinct term word (a set of exact forms, or a prefix) is matched once against the
    distinct forms of the corpus; the units whose forms match a term's first word are the
    candidates, checked word by word with sorted (unit, word) keys. Within a frame the longest
    hit wins as in :func:`_keep_longest`: hits of several units go through that greedy loop (in
    Python: they are few), one-unit hits only need to avoid them and each other. ``entries_of``
    keeps each language's entries (:func:`_entries`) from one batch of articles to the next.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    units, unit_of_token, form_codes, forms = _unit_table(tokens)
    n_units = len(units)
    article_codes, ids = pd.factorize(units["article_id"])
    ids = list(ids)
    sids = units["sentence_id"].to_numpy()
    starts, ends = units["start_char"].to_numpy().astype(np.int64), units["end_char"].to_numpy().astype(np.int64)
    language_of = dict(zip(languages.index, languages))
    article_languages = [language_of.get(a) for a in ids]
    article_languages = np.array([lang if isinstance(lang, str) else "" for lang in article_languages], dtype=object)
    language_codes, language_names = pd.factorize(article_languages)
    token_language = language_codes[article_codes[unit_of_token]] if n_units else np.empty(0, dtype=np.int64)
    form_id = {form: i for i, form in enumerate(forms)}
    arrow_forms = pa.array(forms, type=pa.large_string()) if len(forms) else None
    found = []  # per language: (first unit, last unit, entry number), and the entries
    entries_of = {} if entries_of is None else entries_of
    for code, lang in enumerate(language_names):
        if lang not in entries_of:
            entries_of[lang] = _entries(codebook, lang)
        entries = entries_of[lang]
        if not entries or arrow_forms is None:
            continue
        patterns: dict = {}
        entry_words = [[patterns.setdefault(w, len(patterns)) for w in words] for _, _, words, _, _ in entries]
        pattern_forms, pattern_ids = [], []
        for word, p in patterns.items():
            if word.prefix:
                matching = np.flatnonzero(pc.starts_with(arrow_forms, pattern=word.prefix).to_numpy(
                    zero_copy_only=False))
            else:
                matching = np.array([form_id[f] for f in word.exact if f in form_id], dtype=np.int64)
            pattern_forms.append(matching)
            pattern_ids.append(np.full(len(matching), p, dtype=np.int64))
        pattern_forms, pattern_ids = np.concatenate(pattern_forms), np.concatenate(pattern_ids)
        relevant = np.zeros(len(forms), dtype=bool)
        relevant[pattern_forms] = True
        unit_forms = []
        for codes in form_codes:
            chosen = np.flatnonzero((codes >= 0) & relevant[np.maximum(codes, 0)] & (token_language == code))
            unit_forms.append(pd.DataFrame({"unit": unit_of_token[chosen], "form": codes[chosen]}))
        unit_forms = pd.concat(unit_forms, ignore_index=True)
        matched = unit_forms.merge(pd.DataFrame({"form": pattern_forms, "pattern": pattern_ids}), on="form")
        n_patterns = len(patterns)
        keys = _sorted_distinct(matched["unit"].to_numpy(np.int64) * n_patterns + matched["pattern"].to_numpy(np.int64))
        unit, pattern = keys // n_patterns, keys % n_patterns
        # Candidates: a unit matching an entry's first word.
        width = max(len(w) for w in entry_words)
        table = np.full((len(entries), width), -1, dtype=np.int64)
        for e, words in enumerate(entry_words):
            table[e, :len(words)] = words
        lengths = (table >= 0).sum(axis=1)
        by_first = pd.DataFrame({"pattern": table[:, 0], "entry": np.arange(len(entries))})
        pairs = pd.DataFrame({"unit": unit, "pattern": pattern}).merge(by_first, on="pattern")
        first, entry = pairs["unit"].to_numpy(np.int64), pairs["entry"].to_numpy(np.int64)
        last = first + lengths[entry] - 1
        ok = last < n_units
        ok[ok] = (article_codes[last[ok]] == article_codes[first[ok]]) & (sids[last[ok]] == sids[first[ok]])
        for j in range(1, width):
            check = np.flatnonzero(ok & (lengths[entry] > j))
            wanted = (first[check] + j) * n_patterns + table[entry[check], j]
            at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
            ok[check] = keys[at] == wanted
        found.append((first[ok], last[ok], entry[ok], entries, lang))
    hits = _keep_longest_arrays(found, units, ids, article_codes, sids, starts, ends, skip, texts)
    return units, hits, ids


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)``: pandas' hash table, then a sort of the distinct values (numpy 2.3's own
    hash-based unique is slow on these regular keys)."""
    return np.sort(pd.unique(values))


def _overlaps_ignored(article: np.ndarray, start: np.ndarray, end: np.ndarray, ids: list, skip: dict) -> np.ndarray:
    """True for each span (article number, start, end) that overlaps one of the article's ``skip`` spans."""
    spans = [(a, s, e) for a, article_id in enumerate(ids) for s, e in skip.get(article_id, ())]
    if not spans or not len(article):
        return np.zeros(len(article), dtype=bool)
    span_article, span_start, span_end = (np.array(c, dtype=np.int64) for c in zip(*spans))
    big = int(max(span_end.max(), end.max(), span_start.max(), start.max())) + 1
    order = np.lexsort((span_start, span_article))
    keys = span_article[order] * big + span_start[order]
    # The furthest end of the spans so far, article by article (an earlier article's spans end below this one's base).
    furthest = np.maximum.accumulate(span_article[order] * big + span_end[order])
    before = np.searchsorted(keys, article * big + end, side="left") - 1  # the last span starting before the end
    return (before >= 0) & (furthest[np.maximum(before, 0)] > article * big + start)


def _keep_longest_arrays(found: list, units: pd.DataFrame, ids: list, article_codes, sids, starts, ends, skip: dict,
                         texts) -> list[tuple]:
    """:func:`_keep_longest` over the hits of every article at once."""
    if not found:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in EVIDENCE_COLUMNS if c != "label"})
    first = np.concatenate([f[0] for f in found])
    last = np.concatenate([f[1] for f in found])
    columns = []  # per language: frame, term, entry name, rank and language of each hit
    for _, _, entry, entries, lang in found:
        fields = [np.array([e[k] for e in entries], dtype=object)[entry] for k in (0, 1, 3)]
        columns.append((*fields, np.array([e[4] for e in entries], dtype=np.int64)[entry],
                        np.full(len(entry), lang, dtype=object)))
    frames, terms, entry_names, rank, langs = (np.concatenate(c) for c in zip(*columns))
    frame_codes, _ = pd.factorize(frames)
    article = article_codes[first]
    start, end = starts[first], ends[last]
    ignored = _overlaps_ignored(article, start, end, ids, skip)
    # Longest first, then leftmost, then first in the codebook (as _keep_longest).
    order = np.lexsort((rank, first, first - last))
    keep = np.zeros(len(first), dtype=bool)
    taken: set = set()
    for h in order[(last[order] > first[order]) & ~ignored[order]].tolist():
        span = [(frame_codes[h], u) for u in range(first[h], last[h] + 1)]
        if not taken.isdisjoint(span):
            continue
        taken.update(span)
        keep[h] = True
    single = order[(last[order] == first[order]) & ~ignored[order]]
    n_units = len(units) + 1
    if taken and len(single):
        taken_keys = np.array([f * n_units + u for f, u in taken], dtype=np.int64)
        single = single[~np.isin(frame_codes[single] * n_units + first[single], taken_keys)]
    # One hit per (frame, unit): the entry first in the codebook (``single`` is in rank order per unit).
    _, once = np.unique(frame_codes[single] * n_units + first[single], return_index=True)
    keep[single[once]] = True
    kept = np.flatnonzero(keep)
    unit_texts = units["text"]
    article_ids = np.array(ids, dtype=object)[article[kept]]
    matched = []
    for article_id, h, s, e in zip(article_ids, kept.tolist(), start[kept].tolist(), end[kept].tolist()):
        text = texts.get(article_id) if texts is not None else None
        if text is not None:
            matched.append(text[s:e])
        else:
            rows = np.arange(first[h], last[h] + 1)
            matched.append(_join(unit_texts.iloc[rows].tolist(), starts[rows], ends[rows]))
    return pd.DataFrame({"article_id": article_ids, "sentence_id": sids[first[kept]], "frame": frames[kept],
                         "term": terms[kept], "matched": np.array(matched, dtype=object), "start_char": start[kept],
                         "end_char": end[kept], "language": langs[kept], "entry": entry_names[kept]})


def _token_languages(tokens: pd.DataFrame, articles: pd.DataFrame | None, language: str | None,
                     cache: dict | None = None) -> pd.Series:
    """Each article's language, from ``tokens.language``, ``articles`` or ``language``.

    ``cache`` (a dict kept across the batches of one call) holds the articles' languages by id,
    so the ``articles`` table is indexed once per call, not once per batch.
    """
    ids = pd.Series(pd.unique(tokens["article_id"]), dtype="object")
    if "language" in tokens.columns:
        return tokens.drop_duplicates("article_id").set_index("article_id")["language"].astype("object")
    if articles is not None:
        cache = {} if cache is None else cache
        if "lookup" not in cache:
            require_columns(articles, ["article_id", "language"], name="articles")
            cache["lookup"] = articles.drop_duplicates("article_id").set_index("article_id")["language"]
        lookup = cache["lookup"]
        missing = sorted(set(ids) - set(lookup.index))
        if missing:
            raise ValueError(f"`tokens` refer to {len(missing)} article_id(s) missing from `articles`: {missing[:5]}")
        return lookup.reindex(ids).astype("object").set_axis(ids)
    if language is not None:
        return pd.Series(language, index=ids, dtype="object")
    raise ValueError("score_frames needs each article's language: give `articles` (with article_id, language), "
                     "a `language` column in `tokens`, or `language='fr'`")


def score_frames(tokens: pd.DataFrame | str | Path, codebook: pd.DataFrame | str | Path = "cooperation-themes", *,
                 articles: pd.DataFrame | None = None, language: str | None = None,
                 ignore: pd.DataFrame | None = None, title: bool = False, batch_rows: int = BATCH_ROWS) -> Frames:
    """Count each frame's terms in each article and sentence, keeping every hit as evidence.

    A term matches a run of tokens when each of its words equals the token's lemma or its
    text (after lower-casing; French elided forms such as *d'* included), or, for a word
    ending in ``*``, when the lemma or text starts with it. A term word also matches
    through its own simplemma lemma, so "sécurité nationale" finds "sécurités nationales".
    Terms are looked up in the lexicon of the article's language plus the ``*`` entries.
    Within a frame, overlapping hits count once, the longest winning ("sécurité nationale"
    over "sécurité"); one word may count for several frames. Words are the tokens that are
    not punctuation or symbols, a French contraction ("du") counting once.

    Args:
        tokens: From :func:`toolkit.annotate`; needs NEEDS_TOKENS (``word`` and ``language``
            are used when present). A DataFrame, or the path of a Parquet file or folder of
            token rows (or a Dask DataFrame), read in batches so memory stays bounded: each
            batch of whole articles is scored in turn (an article's scores depend on its own
            rows only) and the tables joined, the same tables as for the whole table in
            memory. An article's rows must be stored together, as ``annotate`` returns them
            (see :func:`toolkit.nlp.batches.token_batches`); only the columns needed are read.
        codebook: A table from :func:`load_codebook`, or a codebook's name or path.
        articles: The ``articles`` table, for each article's ``language`` (unless ``tokens``
            has a ``language`` column) and ``text`` (for the ``matched`` column).
        language: The language of every article, when neither of the above gives it.
        ignore: Spans not to count, with ``article_id, start_char, end_char`` (e.g. the
            ``mentions`` of named entities, so "Ministry of Public Security" is a name, not
            a security word). Hits overlapping a span are dropped.
        title: Count the terms of each article's title (``articles.title``) with its body: the
            title's words (split by :func:`toolkit.text.tokenize_words`, each matched through
            its written form and its simplemma lemma) add to the article's hits and words.
            A title hit has ``sentence_id`` -1 and offsets into ``articles.title``.
        batch_rows: When ``tokens`` is on disk: about how many token rows to score at a time
            (whole articles); fewer holds less in memory (about 0.4 GB per million rows),
            much fewer costs a little more time.

    Returns:
        A :class:`Frames` of three tables:

        - ``scores``: one row per (article, frame), every frame of the codebook included
          (zeros too): ``article_id`` (str), ``frame`` (str), ``label`` (str), ``n_hits``
          (int), ``n_words`` (int, the article's words), ``per_1000_words`` (float).
          Sorted by article, then codebook order.
        - ``sentence_scores``: the same per sentence, for sentences with at least one hit:
          ``article_id``, ``sentence_id`` (int), ``frame``, ``label``, ``n_hits``,
          ``n_words`` (the sentence's words), ``per_1000_words``.
        - ``evidence``: one row per hit: ``article_id``, ``sentence_id``, ``frame``,
          ``label``, ``term`` (str, the codebook entry), ``matched`` (str, the words as
          written), ``start_char``, ``end_char`` (int, into ``articles.text``), ``language``
          (str), ``entry`` (str, ``"<file>:<line>"`` of the codebook entry). Sorted by
          article, start, frame order.

    Raises:
        ValueError: a required column is missing, or no language is known for an article.
        CodebookError: the codebook file is malformed.

    Example:
        >>> scores, sentence_scores, evidence = score_frames(tokens, "policy-frames", articles=articles)
        >>> evidence[evidence["frame"] == "health_safety"][["article_id", "matched"]]
        >>> scores = score_frames("tokens.parquet", articles=articles).scores  # a corpus too big for memory
    """
    batches = token_batches(tokens, NEEDS_TOKENS, optional=["word", "language"], batch_rows=batch_rows)
    if not isinstance(codebook, pd.DataFrame):
        codebook = load_codebook(codebook)
    require_columns(codebook, CODEBOOK_COLUMNS, name="codebook")
    frames = frames_of(codebook)
    texts = (articles.drop_duplicates("article_id").set_index("article_id")["text"]
             if articles is not None and "text" in articles.columns else None)
    texts = dict(zip(texts.index, texts)) if texts is not None else None
    skip = _ignored_spans(ignore)
    entries: dict = {}  # each language's codebook entries, compiled once for every batch
    compiled: dict = {}
    # Lookups of the articles table built once, not once per batch.
    lookups: dict = {}
    titles = _titles(articles) if title else None
    parts = [_score_batch(batch, codebook, frames, articles, lookups, language, texts, skip, titles, entries, compiled)
             for batch in batches]
    if len(parts) == 1:
        return parts[0]
    # Each batch's tables are sorted by article first, and an article is in one batch only:
    # a stable sort on article_id of the joined tables is the sort of the whole table.
    return Frames(*(pd.concat(tables, ignore_index=True).sort_values("article_id", kind="mergesort")
                    .reset_index(drop=True) for tables in zip(*parts)))


def _score_batch(tokens: pd.DataFrame, codebook: pd.DataFrame, frames: pd.DataFrame, articles: pd.DataFrame | None,
                 lookups: dict, language: str | None, texts: dict | None, skip: dict, titles: pd.Series | None,
                 entries: dict, compiled: dict) -> Frames:
    """:func:`score_frames` on the token rows of some whole articles (``titles``: None unless ``title=True``)."""
    languages = _token_languages(tokens, articles, language, lookups)
    units, hits, ids = _body_hits(tokens, codebook, languages, texts, skip, entries)
    hits = [hits]  # the body's evidence (a table), then any title hits (tuples)
    if titles is not None:
        title_units, title_hits = _title_hits(titles, languages, ids, compiled, codebook)
        units, hits = pd.concat([units, title_units], ignore_index=True), hits + title_hits
    evidence = _evidence_table(hits, frames)
    return Frames(*_score_tables(units, evidence, frames, ids), evidence)


def _titles(articles: pd.DataFrame | None) -> pd.Series:
    """``articles.title`` by article id, for ``score_frames(title=True)``."""
    if articles is None or "title" not in articles.columns:
        raise ValueError("score_frames(title=True) needs `articles` with a `title` column")
    return articles.drop_duplicates("article_id").set_index("article_id")["title"]


def _title_hits(titles: pd.Series, languages: pd.Series, ids: list, compiled: dict,
                codebook: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple]]:
    """The units (sentence -1) and hits of the titles of articles ``ids`` (``titles``: :func:`_titles`)."""
    rows, hits = [], []
    for article_id in ids:
        text = titles.get(article_id)
        if not isinstance(text, str) or not text.strip():
            continue
        lang = languages.get(article_id)
        lang = lang if isinstance(lang, str) else ""
        words = tokenize_words(text, language=lang or None)
        if not words:
            continue
        forms = normalise_term_series(pd.Series([w for w, _, _ in words], dtype="object")).tolist()
        lemmas = term_lemmas([w for w, _, _ in words], lang) if lang else forms
        table = pd.DataFrame({"article_id": article_id, "sentence_id": -1, "start_char": [s for _, s, _ in words],
                              "end_char": [e for _, _, e in words], "text": [w for w, _, _ in words], "upos": "X",
                              "forms": [frozenset(filter(None, (f, m))) for f, m in zip(forms, lemmas)]})
        arrays = _Arrays(table["forms"].tolist(), table["sentence_id"].to_numpy(), table["start_char"].to_numpy(),
                         table["end_char"].to_numpy(), table["text"])
        if lang not in compiled:
            compiled[lang] = _compile(codebook, lang)
        positions = np.arange(len(table))
        hits += _keep_longest(arrays, positions, _find_hits(arrays, positions, compiled[lang]), (), article_id, lang,
                              text)
        rows.append(table)
    columns = ["article_id", "sentence_id", "start_char", "end_char", "text", "upos", "forms"]
    return (pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)), hits


def _ignored_spans(ignore: pd.DataFrame | None) -> dict[str, list[tuple[int, int]]]:
    """The spans of ``ignore`` by article."""
    skip = defaultdict(list)
    if ignore is not None:
        require_columns(ignore, ["article_id", "start_char", "end_char"], name="ignore")
        for a, s, e in zip(ignore["article_id"], ignore["start_char"], ignore["end_char"]):
            skip[a].append((int(s), int(e)))
    return skip


class _Arrays(NamedTuple):
    """The columns of the units table the matching loop reads, taken out of pandas once."""

    forms: list
    sids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    texts: pd.Series


def _find_hits(units: _Arrays, rows: np.ndarray, compiled) -> list[tuple]:
    """Every (frame, term, entry, first, last, rank) whose words match units ``rows[first..last]`` of one sentence."""
    exact, prefix, lengths = compiled
    forms, sids = units.forms, units.sids
    found = []
    for k, i in enumerate(rows):
        candidates = [e for f in forms[i] for e in exact.get(f, ())]
        candidates += [e for f in forms[i] for n in lengths if len(f) >= n for e in prefix.get(f[:n], ())]
        for frame, term, words, entry, rank in candidates:
            last = k + len(words) - 1
            if last >= len(rows) or sids[rows[last]] != sids[i]:
                continue
            if all(_matches(w, forms[rows[k + j]]) for j, w in enumerate(words) if j):
                found.append((frame, term, entry, k, last, rank))
    return found


def _keep_longest(units: _Arrays, rows: np.ndarray, found: list[tuple], skip, article_id: str, lang: str,
                  text: str | None) -> list[tuple]:
    """The evidence rows of one article: within a frame the longest hit wins, those it overlaps are dropped."""
    starts, ends, sids = units.starts, units.ends, units.sids
    # Longest first, then leftmost, then the entry first in the codebook (two entries matching the
    # same words, e.g. "safeguard" and "safeguarding", would otherwise tie in an order that
    # depends on Python's string hashing, which changes from run to run).
    found = sorted(found, key=lambda h: (h[3] - h[4], h[3], h[5]))
    taken, hits = defaultdict(set), []
    for frame, term, entry, first, last, _ in found:
        span = set(range(first, last + 1))
        if taken[frame] & span:
            continue
        start, end = int(starts[rows[first]]), int(ends[rows[last]])
        if any(s < end and start < e for s, e in skip):
            continue
        taken[frame] |= span
        if text is not None:
            matched = text[start:end]
        else:
            matched = _join(units.texts.iloc[rows[first:last + 1]].tolist(), starts[rows[first:last + 1]],
                            ends[rows[first:last + 1]])
        hits.append((article_id, int(sids[rows[first]]), frame, term, matched, start, end, lang, entry))
    return hits


def _evidence_table(hits: list[tuple], frames: pd.DataFrame) -> pd.DataFrame:
    label_of = dict(zip(frames["frame"], frames["label"]))
    order_of = {f: i for i, f in enumerate(frames["frame"])}
    columns = [c for c in EVIDENCE_COLUMNS if c != "label"]
    if hits and isinstance(hits[0], pd.DataFrame):  # the body's evidence as a table, then title hits
        evidence = (pd.concat([hits[0], pd.DataFrame(hits[1:], columns=columns)], ignore_index=True) if hits[1:]
                    else hits[0])
    else:
        evidence = pd.DataFrame(hits, columns=columns)
    evidence.insert(3, "label", evidence["frame"].map(label_of).astype("object"))
    evidence = evidence.astype({"article_id": "string", "sentence_id": "int64", "frame": "string", "label": "string",
                                "term": "string", "matched": "string", "start_char": "int64", "end_char": "int64",
                                "language": "string", "entry": "string"})
    return (evidence.assign(_order=evidence["frame"].map(order_of))
            .sort_values(["article_id", "start_char", "_order", "end_char"], kind="mergesort")
            .drop(columns="_order").reset_index(drop=True))


def _score_tables(units: pd.DataFrame, evidence: pd.DataFrame, frames: pd.DataFrame,
                  ids: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hits and words per (article, frame), every frame included, and per (sentence, frame) with hits."""
    label_of = dict(zip(frames["frame"], frames["label"]))
    order_of = {f: i for i, f in enumerate(frames["frame"])}
    words = units[["article_id", "sentence_id"]][~units["upos"].isin(NON_WORDS).to_numpy()]
    n_article = words.groupby("article_id", sort=False).size()
    n_sentence = words.groupby(["article_id", "sentence_id"], sort=False).size()
    grid = pd.MultiIndex.from_product([ids, list(frames["frame"])], names=["article_id", "frame"])
    counts = evidence.groupby(["article_id", "frame"]).size().reindex(grid, fill_value=0)
    scores = counts.rename("n_hits").reset_index()
    scores = scores.assign(label=scores["frame"].map(label_of),
                           n_words=scores["article_id"].map(n_article).fillna(0).astype("int64"))
    scores = _rate(scores)[SCORE_COLUMNS]
    scores = (scores.assign(_order=scores["frame"].map(order_of))
              .sort_values(["article_id", "_order"], kind="mergesort").drop(columns="_order").reset_index(drop=True))

    per_sentence = evidence.groupby(["article_id", "sentence_id", "frame"], sort=False).size().rename("n_hits")
    sentence_scores = per_sentence.reset_index()
    keys = list(zip(sentence_scores["article_id"].to_numpy(dtype=object), sentence_scores["sentence_id"].to_numpy()))
    index = n_sentence.index
    words_of = dict(zip(zip(index.get_level_values(0).to_numpy(dtype=object), index.get_level_values(1).to_numpy()),
                        n_sentence.to_numpy()))
    sentence_scores = sentence_scores.assign(
        label=sentence_scores["frame"].map(label_of),
        n_words=pd.Series([words_of.get(k, 0) for k in keys], dtype="int64", index=sentence_scores.index))
    sentence_scores = _rate(sentence_scores)[SENTENCE_SCORE_COLUMNS]
    sentence_scores = (sentence_scores.assign(_order=sentence_scores["frame"].map(order_of))
                       .sort_values(["article_id", "sentence_id", "_order"], kind="mergesort")
                       .drop(columns="_order").reset_index(drop=True))
    return _typed_scores(scores), _typed_scores(sentence_scores)


def _join(texts: list[str], starts, ends) -> str:
    """Rebuild a span's text from its tokens (one space where the offsets leave a gap)."""
    out = texts[0]
    for k in range(1, len(texts)):
        out += (" " if starts[k] > ends[k - 1] else "") + texts[k]
    return out


def _rate(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``per_1000_words`` (0 where there are no words)."""
    words = table["n_words"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(words > 0, 1000 * table["n_hits"].to_numpy(dtype=float) / words, 0.0)
    return table.assign(per_1000_words=rate)


def _typed_scores(table: pd.DataFrame) -> pd.DataFrame:
    types = {"article_id": "string", "frame": "string", "label": "string", "n_hits": "int64", "n_words": "int64",
             "per_1000_words": "float64", "sentence_id": "int64"}
    return table.astype({c: t for c, t in types.items() if c in table.columns})


# ---------------------------------------------------------------- profiles and evidence


def summarise_frames(scores: pd.DataFrame, articles: pd.DataFrame, *, by="outlet") -> pd.DataFrame:
    """Frame profiles per group of articles (outlet, country, story...): pooled hits per 1,000 words.

    Args:
        scores: ``Frames.scores`` from :func:`score_frames`.
        articles: The ``articles`` table, with ``article_id`` and the ``by`` column(s).
        by: A column of ``articles`` (``"outlet"``, ``"outlet_country"``, a ``"story"``
            column you added) or a list of columns. Articles whose group is missing are
            grouped as ``"unknown"``.

    Returns:
        One row per (group, frame): the group column(s) (str), then ``frame`` (str), ``label``
        (str), ``n_articles`` (int), ``n_articles_with_frame`` (int, articles with at
        least one hit), ``n_hits`` (int), ``n_words`` (int), ``per_1000_words`` (float, the
        group's hits per 1,000 of its words). Sorted by group, then codebook order.

    Raises:
        ValueError: a required column is missing or ``by`` is not a column of ``articles``.

    Example:
        >>> summarise_frames(frames.scores, articles, by="outlet_country")
    """
    require_columns(scores, SCORE_COLUMNS, name="scores")
    groups = article_groups(articles, by, function="summarise_frames")
    names = list(groups.columns)
    order = {f: i for i, f in enumerate(pd.unique(scores["frame"]))}
    labelled = scores.assign(**groups_of_rows(scores["article_id"], groups))
    profile = labelled.groupby([*names, "frame"], sort=False).agg(
        label=("label", "first"), n_articles=("article_id", "nunique"),
        n_articles_with_frame=("n_hits", lambda h: int((h > 0).sum())), n_hits=("n_hits", "sum"),
        n_words=("n_words", "sum")).reset_index()
    profile = _rate(profile)
    profile = (profile.assign(_order=profile["frame"].map(order))
               .sort_values([*names, "_order"], kind="mergesort").drop(columns="_order").reset_index(drop=True))
    profile = profile.astype({**{name: "string" for name in names}, "frame": "string", "label": "string",
                              "n_articles": "int64", "n_articles_with_frame": "int64", "n_hits": "int64",
                              "n_words": "int64"})
    return profile[[*names, *PROFILE_COLUMNS]]


def mark_evidence(evidence: pd.DataFrame, sentences: pd.DataFrame, *, frames: Sequence[str] | None = None,
                  n: int = 3, marks: tuple[str, str] = ("[", "]")) -> pd.DataFrame:
    """The sentences behind each frame's score, with the matched words marked.

    Args:
        evidence: ``Frames.evidence`` from :func:`score_frames`.
        sentences: From :func:`toolkit.annotate` (``article_id, sentence_id, start_char, text``).
        frames: The frames to show (ids), in this order; all frames with evidence by default.
        n: Sentences per frame: those with the most hits, then in corpus order.
        marks: The strings put before and after each hit in ``marked_text``.

    Returns:
        One row per (frame, sentence): ``frame`` (str), ``label`` (str), ``article_id``
        (str), ``sentence_id`` (int), ``n_hits`` (int), ``terms`` (str, the matched words
        joined by ``"; "``), ``marked_text`` (str, the sentence with each hit between
        ``marks``). Sorted by frame (given or codebook order), then ``n_hits`` descending.

    Raises:
        ValueError: a required column is missing.

    Example:
        >>> mark_evidence(frames.evidence, sentences, frames=["health_biotech"], n=2)
    """
    require_columns(evidence, EVIDENCE_COLUMNS, name="evidence")
    require_columns(sentences, ["article_id", "sentence_id", "start_char", "text"], name="sentences")
    order = list(frames) if frames is not None else list(pd.unique(evidence["frame"]))
    lookup = sentences.set_index(["article_id", "sentence_id"])
    rows = []
    for frame in order:
        hits = evidence[evidence["frame"] == frame]
        counts = hits.groupby(["article_id", "sentence_id"], sort=True).size().rename("n_hits").reset_index()
        counts = counts.sort_values("n_hits", ascending=False, kind="mergesort").head(n)
        for article_id, sentence_id, n_hits in counts.itertuples(index=False):
            sentence = lookup.loc[(article_id, sentence_id)]
            mine = hits[(hits["article_id"] == article_id) & (hits["sentence_id"] == sentence_id)]
            text, offset = str(sentence["text"]), int(sentence["start_char"])
            for start, end in sorted(zip(mine["start_char"], mine["end_char"]), reverse=True):
                a, b = start - offset, end - offset
                text = text[:a] + marks[0] + text[a:b] + marks[1] + text[b:]
            rows.append((frame, mine["label"].iloc[0], article_id, int(sentence_id), int(n_hits),
                         "; ".join(mine["matched"]), text))
    table = pd.DataFrame(rows, columns=MARKED_COLUMNS)
    return table.astype({"frame": "string", "label": "string", "article_id": "string", "sentence_id": "int64",
                         "n_hits": "int64", "terms": "string", "marked_text": "string"}).reset_index(drop=True)
