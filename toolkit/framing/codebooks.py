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


def _compile(codebook: pd.DataFrame, language: str):
    """Index a codebook's entries for one language by their first word."""
    entries = codebook[codebook["term"].notna() & codebook["language"].isin([language, "*"])]
    lemma_of = {}
    for lang in pd.unique(entries["language"]):
        words = sorted({w for t in entries.loc[entries["language"] == lang, "term"] for w in t.split(" ")
                        if not w.endswith("*")})
        lemma_of |= {(w, lang): lem for w, lem in zip(words, term_lemmas(words, lang))}
    exact, prefix = defaultdict(list), defaultdict(list)
    for rank, row in enumerate(entries.itertuples(index=False)):
        words = tuple(
            _Word(frozenset(), w[:-1]) if w.endswith("*") else _Word(frozenset({w, lemma_of[(w, row.language)]}), "")
            for w in row.term.split(" "))
        entry = (row.frame, row.term, words, f"{row.file}:{row.line}", rank)
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


def _token_languages(tokens: pd.DataFrame, articles: pd.DataFrame | None, language: str | None) -> pd.Series:
    """Each article's language, from ``tokens.language``, ``articles`` or ``language``."""
    ids = pd.Series(pd.unique(tokens["article_id"]), dtype="object")
    if "language" in tokens.columns:
        return tokens.drop_duplicates("article_id").set_index("article_id")["language"].astype("object")
    if articles is not None:
        require_columns(articles, ["article_id", "language"], name="articles")
        lookup = articles.drop_duplicates("article_id").set_index("article_id")["language"]
        missing = sorted(set(ids) - set(lookup.index))
        if missing:
            raise ValueError(f"`tokens` refer to {len(missing)} article_id(s) missing from `articles`: {missing[:5]}")
        return lookup.reindex(ids).astype("object").set_axis(ids)
    if language is not None:
        return pd.Series(language, index=ids, dtype="object")
    raise ValueError("score_frames needs each article's language: give `articles` (with article_id, language), "
                     "a `language` column in `tokens`, or `language='fr'`")


def score_frames(tokens: pd.DataFrame, codebook: pd.DataFrame | str | Path = "cooperation-themes", *,
                 articles: pd.DataFrame | None = None, language: str | None = None,
                 ignore: pd.DataFrame | None = None, title: bool = False) -> Frames:
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
        tokens: From :func:`toolkit.annotate`; needs NEEDS_TOKENS (``word`` is used when present).
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
    """
    require_columns(tokens, NEEDS_TOKENS, name="tokens")
    if not isinstance(codebook, pd.DataFrame):
        codebook = load_codebook(codebook)
    require_columns(codebook, CODEBOOK_COLUMNS, name="codebook")
    frames = frames_of(codebook)
    languages = _token_languages(tokens, articles, language)
    texts = (articles.drop_duplicates("article_id").set_index("article_id")["text"]
             if articles is not None and "text" in articles.columns else None)
    units = _units(tokens)
    arrays = _Arrays(units["forms"].tolist(), units["sentence_id"].to_numpy(), units["start_char"].to_numpy(),
                     units["end_char"].to_numpy(), units["text"])
    skip = _ignored_spans(ignore)
    compiled, hits = {}, []
    bounds = units.groupby("article_id", sort=False).indices
    for article_id, rows in bounds.items():
        lang = languages.get(article_id)
        lang = lang if isinstance(lang, str) else ""
        if lang not in compiled:
            compiled[lang] = _compile(codebook, lang)
        rows = np.sort(rows)
        found = _find_hits(arrays, rows, compiled[lang])
        text = texts[article_id] if texts is not None and article_id in texts.index else None
        hits += _keep_longest(arrays, rows, found, skip.get(article_id, ()), article_id, lang, text)
    ids = list(bounds)
    if title:
        title_units, title_hits = _title_hits(articles, languages, ids, compiled, codebook)
        units, hits = pd.concat([units, title_units], ignore_index=True), hits + title_hits
    evidence = _evidence_table(hits, frames)
    return Frames(*_score_tables(units, evidence, frames, ids), evidence)


def _title_hits(articles: pd.DataFrame | None, languages: pd.Series, ids: list, compiled: dict,
                codebook: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple]]:
    """The units (sentence -1) and hits of the titles of articles ``ids``."""
    if articles is None or "title" not in articles.columns:
        raise ValueError("score_frames(title=True) needs `articles` with a `title` column")
    titles = articles.drop_duplicates("article_id").set_index("article_id")["title"]
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
    evidence = pd.DataFrame(hits, columns=[c for c in EVIDENCE_COLUMNS if c != "label"])
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
    words = units[~units["upos"].isin(NON_WORDS).to_numpy()]
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
    keys = list(zip(sentence_scores["article_id"], sentence_scores["sentence_id"]))
    sentence_scores = sentence_scores.assign(
        label=sentence_scores["frame"].map(label_of),
        n_words=pd.Series([n_sentence.get(k, 0) for k in keys], dtype="int64", index=sentence_scores.index))
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
