"""Score frames from bilingual codebooks and compare outlets' vocabularies (tokens → frame_scores, evidence, keyness).

A *codebook* is a set of frames, each with French and English lexicons of lemmas and
multi-word expressions, kept as editable CSV files (``toolkit/data/codebooks/``, format in
the README there). :func:`score_frames` counts each frame's terms in the ``tokens`` table
of :func:`toolkit.annotate` and returns, besides the scores per article and per sentence
(hits per 1,000 words), an ``evidence`` table with every hit's sentence, term and offsets
into ``articles.text``: every number traces back to its words. :func:`keyness` compares
groups of articles (outlets, countries, stories) lemma by lemma with the log-likelihood G²
and the log ratio. Human coding and agreement live in :mod:`toolkit.coding`, quotations in
:mod:`toolkit.quotes`, agency in :mod:`toolkit.agency`.
"""

from __future__ import annotations

import csv
import functools
import math
import re
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from toolkit.schema import require_columns
from toolkit.paths import DATA
from toolkit.text import load_stopwords

#: Where the shipped codebooks live (``<name>.csv`` terms + ``<name>.frames.csv`` frames).
CODEBOOKS = DATA / "codebooks"
#: One row per (frame, language, term); a frame with no terms has one row with ``term`` missing.
CODEBOOK_COLUMNS = ["codebook", "frame", "label", "description", "frame_order", "language", "term", "note",
                    "file", "line"]
#: Columns :func:`score_frames` needs in ``tokens``.
TOKEN_COLUMNS = ["article_id", "sentence_id", "token_id", "start_char", "end_char", "text", "lemma", "upos"]
SCORE_COLUMNS = ["article_id", "frame", "label", "n_hits", "n_words", "per_1000_words"]
SENTENCE_SCORE_COLUMNS = ["article_id", "sentence_id", "frame", "label", "n_hits", "n_words", "per_1000_words"]
EVIDENCE_COLUMNS = ["article_id", "sentence_id", "frame", "label", "term", "matched", "start_char", "end_char",
                    "language", "entry"]
PROFILE_COLUMNS = ["frame", "label", "n_articles", "n_articles_with_frame", "n_hits", "n_words", "per_1000_words"]
MARKED_COLUMNS = ["frame", "label", "article_id", "sentence_id", "n_hits", "terms", "marked_text"]
KEYNESS_COLUMNS = ["group", "lemma", "n_group", "n_rest", "per_1000_group", "per_1000_rest", "g2", "p_value",
                   "log_ratio", "direction"]

#: Parts of speech that are not words (left out of word counts and keyness).
NON_WORDS = ("PUNCT", "SYM", "SPACE")
_FRAME_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_LANGUAGE = re.compile(r"[a-z]{2}|\*")
# French elisions split like the parsers split them: "d'armes" → "d'", "armes".
_ELISION = re.compile(r"^([^\W\d_]+')(\w.*)$")


class CodebookError(ValueError):
    """A codebook file is malformed; the message names the file and line."""


class FramingWarning(UserWarning):
    """A framing statistic was computed on too little data to mean much, or data was left out."""


class Frames(NamedTuple):
    """What :func:`score_frames` returns: scores per article and per sentence, and the evidence."""

    scores: pd.DataFrame
    sentence_scores: pd.DataFrame
    evidence: pd.DataFrame


# ---------------------------------------------------------------- codebooks


def _normalise(text: str) -> str:
    """The form terms and tokens are compared in: NFC, lower case, ``'`` apostrophe, œ → oe."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    return text.replace("\u2019", "'").replace("\u02bc", "'").replace("œ", "oe").replace("æ", "ae")


def list_codebooks() -> list[str]:
    """The names of the codebooks shipped in ``toolkit/data/codebooks/``.

    Returns:
        Sorted codebook names (file stems), e.g. ``["cooperation-themes", "generic-frames", "policy-frames"]``.
    """
    return sorted(p.stem for p in CODEBOOKS.glob("*.csv") if not p.name.endswith(".frames.csv"))


def _data_lines(path: Path):
    """Yield (line number, parsed fields) for each non-blank, non-comment line of a CSV file."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as err:
        raise CodebookError(f"{path}: not UTF-8 text ({err})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            fields = next(csv.reader([line], strict=True))
        except csv.Error as err:
            raise CodebookError(f"{path}:{number}: malformed CSV ({err}); got {line!r}") from None
        yield number, [f.strip() for f in fields], line


def _read_table(path: Path, required: Sequence[str], optional: Sequence[str] = ()) -> list[tuple[int, dict, str]]:
    """Read a header + rows CSV (comments allowed), checking the header and each row's width."""
    rows = _data_lines(path)
    try:
        header_line, header, _ = next(rows)
    except StopIteration:
        raise CodebookError(f"{path}: empty file; expected a header {','.join(required)}") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise CodebookError(f"{path}:{header_line}: header lacks column(s) {missing}; "
                            f"expected {','.join([*required, *optional])}, got {','.join(header)}")
    out = []
    for number, fields, line in rows:
        if len(fields) > len(header) or len(fields) < len(required):
            raise CodebookError(f"{path}:{number}: expected {len(header)} fields ({','.join(header)}), "
                                f"got {len(fields)}; got {line!r}")
        fields += [""] * (len(header) - len(fields))
        out.append((number, dict(zip(header, fields)), line))
    return out


def parse_term(term: str) -> tuple[str, ...]:
    """Split a codebook term into normalised words, as the parsers split text.

    Args:
        term: A term as written in a codebook: one or more words separated by spaces; a
            word may end in ``*`` (prefix match); French elisions are split (``d'armes``).

    Returns:
        The words, normalised (NFC, lower case, ``'``), e.g. ``("compagnon", "d'", "armes")``.

    Raises:
        ValueError: the term is empty, or a ``*`` is not at the end of a word of 2+ letters.

    Example:
        >>> parse_term("Compagnon d’armes")
        ('compagnon', "d'", 'armes')
    """
    words: list[str] = []
    for word in _normalise(term).split():
        match = _ELISION.match(word)
        words += [match.group(1), match.group(2)] if match else [word]
    if not words:
        raise ValueError("empty term")
    for word in words:
        if "*" in word.rstrip("*") or word.count("*") > 1 or (word.endswith("*") and len(word) < 3):
            raise ValueError(f"'*' may only end a word of at least 2 letters, got {word!r}")
    return tuple(words)


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
    frames: dict[str, tuple[str, str]] = {}
    if frames_path.is_file():
        for number, row, line in _read_table(frames_path, ["frame", "label"], ["description"]):
            if not _FRAME_ID.fullmatch(row["frame"]):
                raise CodebookError(f"{frames_path}:{number}: frame ids are lower-case letters, digits, '_' or "
                                    f"'-', got {row['frame']!r}; line {line!r}")
            if row["frame"] in frames:
                raise CodebookError(f"{frames_path}:{number}: frame {row['frame']!r} is defined twice")
            frames[row["frame"]] = (row["label"] or row["frame"], row.get("description", ""))
    rows, seen = [], set()
    for number, row, line in _read_table(path, ["frame", "language", "term"], ["note"]):
        frame, language, term = row["frame"], row["language"].lower(), row["term"]
        where = f"{path}:{number}"
        if not _FRAME_ID.fullmatch(frame):
            raise CodebookError(f"{where}: frame ids are lower-case letters, digits, '_' or '-', got {frame!r}; "
                                f"line {line!r}")
        if frames_path.is_file() and frame not in frames:
            raise CodebookError(f"{where}: frame {frame!r} is not in {frames_path.name} "
                                f"(frames: {list(frames)}); line {line!r}")
        if not _LANGUAGE.fullmatch(language):
            raise CodebookError(f"{where}: language must be an ISO 639-1 code such as 'fr' or 'en', or '*' "
                                f"for every language, got {row['language']!r}; line {line!r}")
        try:
            words = parse_term(term)
        except ValueError as err:
            raise CodebookError(f"{where}: bad term {term!r} ({err}); line {line!r}") from None
        frames.setdefault(frame, (frame, ""))
        key = (frame, language, words)
        if key in seen:
            continue
        seen.add(key)
        rows.append({"frame": frame, "language": language, "term": " ".join(words), "note": row.get("note", ""),
                     "line": number})
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


def _frames_of(codebook: pd.DataFrame) -> pd.DataFrame:
    """One row per frame (frame, label), in codebook order."""
    return (codebook.sort_values("frame_order", kind="mergesort")
            .drop_duplicates("frame")[["frame", "label"]].reset_index(drop=True))


# ---------------------------------------------------------------- matching


class _Word(NamedTuple):
    exact: frozenset   # forms that match (the word and its lemma)
    prefix: str        # non-empty for a ``word*`` pattern


@functools.lru_cache(maxsize=65_536)
def _term_lemma(word: str, language: str) -> str:
    """simplemma's lemma of a term word (the word itself when the language is unknown)."""
    if language in ("", "*"):
        return word
    import simplemma

    try:
        return _normalise(simplemma.lemmatize(word, lang=language))
    except ValueError:
        return word


def _compile(codebook: pd.DataFrame, language: str):
    """Index a codebook's entries for one language by their first word."""
    entries = codebook[codebook["term"].notna() & codebook["language"].isin([language, "*"])]
    exact, prefix = defaultdict(list), defaultdict(list)
    for row in entries.itertuples(index=False):
        words = tuple(
            _Word(frozenset(), w[:-1]) if w.endswith("*") else _Word(frozenset({w, _term_lemma(w, row.language)}), "")
            for w in row.term.split(" "))
        entry = (row.frame, row.term, words, f"{row.file}:{row.line}")
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
    forms = [frozenset(filter(None, (_normalise(t), _normalise(lem) if isinstance(lem, str) else "",
                                     _normalise(w) if isinstance(w, str) else "")))
             for t, lem, w in zip(ordered["text"], ordered["lemma"],
                                  ordered["word"] if "word" in ordered else ordered["text"])]
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
                 ignore: pd.DataFrame | None = None) -> Frames:
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
        tokens: From :func:`toolkit.annotate`; needs TOKEN_COLUMNS (``word`` is used when present).
        codebook: A table from :func:`load_codebook`, or a codebook's name or path.
        articles: The ``articles`` table, for each article's ``language`` (unless ``tokens``
            has a ``language`` column) and ``text`` (for the ``matched`` column).
        language: The language of every article, when neither of the above gives it.
        ignore: Spans not to count, with ``article_id, start_char, end_char`` (e.g. the
            ``mentions`` of named entities, so "Ministry of Public Security" is a name, not
            a security word). Hits overlapping a span are dropped.

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
    require_columns(tokens, TOKEN_COLUMNS, name="tokens")
    if not isinstance(codebook, pd.DataFrame):
        codebook = load_codebook(codebook)
    require_columns(codebook, CODEBOOK_COLUMNS, name="codebook")
    frames = _frames_of(codebook)
    label_of = dict(zip(frames["frame"], frames["label"]))
    order_of = {f: i for i, f in enumerate(frames["frame"])}
    languages = _token_languages(tokens, articles, language)
    texts = (articles.drop_duplicates("article_id").set_index("article_id")["text"]
             if articles is not None and "text" in articles.columns else None)
    units = _units(tokens)
    is_word = ~units["upos"].isin(NON_WORDS).to_numpy()
    skip = defaultdict(list)
    if ignore is not None:
        require_columns(ignore, ["article_id", "start_char", "end_char"], name="ignore")
        for a, s, e in zip(ignore["article_id"], ignore["start_char"], ignore["end_char"]):
            skip[a].append((int(s), int(e)))

    compiled = {}
    hits = []
    bounds = units.groupby("article_id", sort=False).indices
    starts, ends = units["start_char"].to_numpy(), units["end_char"].to_numpy()
    forms, sids = units["forms"].tolist(), units["sentence_id"].to_numpy()
    for article_id, rows in bounds.items():
        lang = languages.get(article_id)
        lang = lang if isinstance(lang, str) else ""
        if lang not in compiled:
            compiled[lang] = _compile(codebook, lang)
        exact, prefix, lengths = compiled[lang]
        found = []
        rows = np.sort(rows)
        for k, i in enumerate(rows):
            candidates = [e for f in forms[i] for e in exact.get(f, ())]
            candidates += [e for f in forms[i] for n in lengths if len(f) >= n for e in prefix.get(f[:n], ())]
            for frame, term, words, entry in candidates:
                last = k + len(words) - 1
                if last >= len(rows) or sids[rows[last]] != sids[i]:
                    continue
                if all(_matches(w, forms[rows[k + j]]) for j, w in enumerate(words) if j):
                    found.append((frame, term, entry, k, last))
        # Within a frame the longest hit wins and the others that overlap it are dropped.
        found.sort(key=lambda h: (h[4] - h[3], -h[3]), reverse=True)
        taken = defaultdict(set)
        for frame, term, entry, first, last in found:
            span = set(range(first, last + 1))
            if taken[frame] & span:
                continue
            start, end = int(starts[rows[first]]), int(ends[rows[last]])
            if any(s < end and start < e for s, e in skip.get(article_id, ())):
                continue
            taken[frame] |= span
            if texts is not None and article_id in texts.index:
                matched = texts[article_id][start:end]
            else:
                matched = _join(units["text"].iloc[rows[first:last + 1]].tolist(), starts[rows[first:last + 1]],
                                ends[rows[first:last + 1]])
            hits.append((article_id, int(sids[rows[first]]), frame, label_of[frame], term, matched, start, end,
                         lang, entry))

    evidence = pd.DataFrame(hits, columns=EVIDENCE_COLUMNS)
    evidence = evidence.astype({"article_id": "string", "sentence_id": "int64", "frame": "string", "label": "string",
                                "term": "string", "matched": "string", "start_char": "int64", "end_char": "int64",
                                "language": "string", "entry": "string"})
    evidence = (evidence.assign(_order=evidence["frame"].map(order_of))
                .sort_values(["article_id", "start_char", "_order", "end_char"], kind="mergesort")
                .drop(columns="_order").reset_index(drop=True))

    words = units[is_word]
    n_article = words.groupby("article_id", sort=False).size()
    n_sentence = words.groupby(["article_id", "sentence_id"], sort=False).size()
    ids = list(bounds)
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
    return Frames(_typed_scores(scores), _typed_scores(sentence_scores), evidence)


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


def _group_column(articles: pd.DataFrame, by) -> tuple[str, pd.Series]:
    """The grouping of articles: a column name of ``articles`` or a mapping article_id → group."""
    require_columns(articles, ["article_id"], name="articles")
    if isinstance(by, str):
        if by not in articles.columns or by in ("text", "raw"):
            allowed = sorted(c for c in articles.columns if c not in ("text", "raw"))
            raise ValueError(f"`by` must be a column of `articles` ({allowed}) or a mapping article_id → group, "
                             f"got {by!r}")
        return by, articles.set_index("article_id")[by]
    if isinstance(by, (Mapping, pd.Series)):
        mapping = dict(by)
        return "group", pd.Series([mapping.get(a) for a in articles["article_id"]], index=articles["article_id"],
                                  dtype="object")
    raise ValueError(f"`by` must be a column name of `articles` or a mapping article_id → group, got {by!r}")


def summarise_frames(scores: pd.DataFrame, articles: pd.DataFrame, *, by="outlet") -> pd.DataFrame:
    """Frame profiles per group of articles (outlet, country, story...): pooled hits per 1,000 words.

    Args:
        scores: ``Frames.scores`` from :func:`score_frames`.
        articles: The ``articles`` table, with ``article_id`` and the ``by`` column.
        by: A column of ``articles`` (``"outlet"``, ``"outlet_country"``, a ``"story"``
            column you added) or a mapping article_id → group (then the column is ``group``).
            Articles whose group is missing are grouped as ``"unknown"``.

    Returns:
        One row per (group, frame): the group column (str), then ``frame`` (str), ``label``
        (str), ``n_articles`` (int), ``n_articles_with_frame`` (int, articles with at
        least one hit), ``n_hits`` (int), ``n_words`` (int), ``per_1000_words`` (float, the
        group's hits per 1,000 of its words). Sorted by group, then codebook order.

    Raises:
        ValueError: a required column is missing or ``by`` is not a column or mapping.

    Example:
        >>> summarise_frames(frames.scores, articles, by="outlet_country")
    """
    require_columns(scores, SCORE_COLUMNS, name="scores")
    name, groups = _group_column(articles, by)
    order = {f: i for i, f in enumerate(pd.unique(scores["frame"]))}
    labelled = scores.assign(**{name: scores["article_id"].map(groups).astype("object").fillna("unknown")})
    profile = labelled.groupby([name, "frame"], sort=False).agg(
        label=("label", "first"), n_articles=("article_id", "nunique"),
        n_articles_with_frame=("n_hits", lambda h: int((h > 0).sum())), n_hits=("n_hits", "sum"),
        n_words=("n_words", "sum")).reset_index()
    profile = _rate(profile)
    profile = (profile.assign(_order=profile["frame"].map(order))
               .sort_values([name, "_order"], kind="mergesort").drop(columns="_order").reset_index(drop=True))
    profile = profile.astype({name: "string", "frame": "string", "label": "string", "n_articles": "int64",
                              "n_articles_with_frame": "int64", "n_hits": "int64", "n_words": "int64"})
    return profile[[name, *PROFILE_COLUMNS]]


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


# ---------------------------------------------------------------- keyness


def _g2(a: np.ndarray, b: np.ndarray, c: float, d: float) -> np.ndarray:
    """Log-likelihood G² of a word seen ``a`` times in ``c`` words and ``b`` times in ``d`` words."""
    total = a + b
    e1, e2 = c * total / (c + d), d * total / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        part1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        part2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2 * (part1 + part2)


def keyness(tokens: pd.DataFrame, articles: pd.DataFrame, *, by="outlet_country", target: str | None = None,
            min_count: int = 3, stopwords: bool = True,
            exclude_upos: Sequence[str] = ("PUNCT", "SYM", "SPACE", "NUM", "X"),
            min_articles: int = 5, min_words: int = 2_000, top: int | None = None) -> pd.DataFrame:
    """Which lemmas each group of articles uses more (or less) than the others: G² and log ratio.

    Each group is compared with all other articles together. For a lemma seen ``a`` times in
    the group's ``c`` words and ``b`` times in the rest's ``d`` words, the log-likelihood
    (Dunning 1993; Rayson and Garside 2000) is ``G² = 2 Σ O ln(O/E)`` over the two cells,
    with ``E = c(a+b)/(c+d)`` and ``d(a+b)/(c+d)``, and its p-value is that of χ² with one
    degree of freedom. The effect size is Hardie's (2014) log ratio ``log2((a/c)/(b/d))``
    (a zero count taken as 0.5): +1 means twice as frequent in the group. G² says how
    sure, the log ratio how big; rank by G² but read the log ratio.

    Lemmas are lower-cased spaCy/stanza lemmas; stopwords are those of
    :func:`toolkit.text.load_stopwords` for the article's language, tested on lemma
    and text. Comparing lemma frequencies only makes sense within one language: restrict
    ``articles`` to one language when the groups mix them (a warning says so).

    Args:
        tokens: From :func:`toolkit.annotate` (``article_id, text, lemma, upos``).
        articles: The ``articles`` table (``article_id, language`` and the ``by`` column);
            only its articles are compared, and those whose group is missing are left out.
        by: A column of ``articles`` (``"outlet"``, ``"outlet_country"``, a ``"story"``
            column you added) or a mapping article_id → group.
        target: Compare only this group with the rest; every group by default.
        min_count: Keep lemmas seen at least this often in the two groups together.
        stopwords: Leave stopwords out.
        exclude_upos: Parts of speech left out.
        min_articles: Warn when a group has fewer articles than this...
        min_words: ...or fewer words than this: the statistic then compares a few texts,
            not outlets, and tokens are far from the independent draws G² assumes.
        top: Keep this many over-used and this many under-used lemmas per group.

    Returns:
        One row per (group, lemma): ``group`` (str), ``lemma`` (str), ``n_group``,
        ``n_rest`` (int), ``per_1000_group``, ``per_1000_rest`` (float), ``g2`` (float,
        ≥ 0), ``p_value`` (float), ``log_ratio`` (float), ``direction`` (str, ``"over"`` or
        ``"under"``: used more or less in the group). Sorted by group, over-used first,
        then ``g2`` descending, then lemma.

    Raises:
        ValueError: a required column is missing, ``by`` is invalid, fewer than two groups
            remain, or ``target`` is not a group.

    Warns:
        FramingWarning: groups too small for the statistic to mean much, articles left out
            for lack of a group, or groups that mix languages.

    Example:
        >>> keyness(tokens, articles[articles["language"] == "fr"], by="outlet_country")
    """
    require_columns(tokens, ["article_id", "text", "lemma", "upos"], name="tokens")
    require_columns(articles, ["article_id", "language"], name="articles")
    _, groups = _group_column(articles, by)
    problems = []
    missing = sorted(groups.index[groups.isna()].astype(str))
    if missing:
        problems.append(f"{len(missing)} article(s) with no {by if isinstance(by, str) else 'group'} left out "
                        f"({', '.join(m[:3] for m in missing)})")
    groups = groups.dropna().astype(str)
    if groups.nunique() < 2:
        raise ValueError(f"keyness needs at least two groups, got {sorted(groups.unique())}")
    if target is not None and target not in set(groups):
        raise ValueError(f"`target` must be one of {sorted(groups.unique())}, got {target!r}")
    language = articles.set_index("article_id")["language"]
    # Strings are handled once per distinct value (article id, lemma, word), not once per
    # token: a corpus of 100,000 articles has 40 million tokens but a vocabulary of thousands.
    article_codes, article_ids = pd.factorize(tokens["article_id"])
    group_names = np.array(sorted(groups.unique()), dtype=object)
    group_code = pd.Index(group_names).get_indexer(pd.Index(article_ids).map(groups))  # -1: no group
    lemma_codes, lemma_forms = pd.factorize(tokens["lemma"].fillna(tokens["text"]))
    text_codes, text_forms = pd.factorize(tokens["text"], use_na_sentinel=False)
    lemma_norm = pd.Index([_normalise(f) for f in lemma_forms], dtype=object)
    text_norm = pd.Index([_normalise(f) for f in text_forms], dtype=object)
    # Code -1 is a missing article id, or a token with neither lemma nor text: never counted.
    keep = (article_codes >= 0) & (lemma_codes >= 0) & (group_code[article_codes] >= 0)
    keep &= ~tokens["upos"].isin(list(exclude_upos)).to_numpy(dtype=bool)
    keep &= np.asarray(lemma_norm.str.contains(r"[^\W\d_]", regex=True), dtype=bool)[lemma_codes]
    if stopwords:
        # Articles outside the groups have no language here; their tokens are not counted anyway.
        article_language = pd.Series(article_ids).map(language).fillna("").astype(str).to_numpy(dtype=object)
        token_language = article_language[article_codes]
        for lang in pd.unique(article_language[group_code >= 0]):
            stop = load_stopwords(lang)
            stop_lemma = lemma_norm.isin(stop)
            stop_text = text_norm.isin(stop) | text_norm.str.rstrip("'").isin(stop)
            rows = token_language == lang
            keep[rows] &= ~(stop_lemma[lemma_codes[rows]] | stop_text[text_codes[rows]])
    lemma_names, lemma_of_form = np.unique(lemma_norm.to_numpy(dtype=object).astype(str), return_inverse=True)
    groups_kept, lemmas_kept = group_code[article_codes][keep], lemma_of_form[lemma_codes][keep]
    counts = pd.DataFrame(
        np.bincount(lemmas_kept * len(group_names) + groups_kept, minlength=len(lemma_names) * len(group_names)
                    ).reshape(len(lemma_names), len(group_names)),
        index=pd.Index(lemma_names, name="lemma"), columns=pd.Index(group_names, name="group"))
    counts = counts[counts.sum(axis=1) > 0]
    sizes = counts.sum(axis=0)
    counts, sizes = counts.loc[:, sizes > 0], sizes[sizes > 0]  # a group with no word counted is not compared
    n_articles = groups.value_counts()
    for group in sorted(n_articles.index):
        if n_articles[group] < min_articles or sizes.get(group, 0) < min_words:
            problems.append(f"group {group!r} has {n_articles[group]} article(s) and {sizes.get(group, 0):,} words "
                            "counted")
    mixed = articles[articles["article_id"].isin(groups.index)].assign(_g=lambda a: a["article_id"].map(groups))
    languages = mixed.groupby("_g")["language"].agg(lambda s: "+".join(sorted(set(s.dropna().astype(str)))))
    if len(set(languages)) > 1:
        problems.append(f"the groups mix languages ({dict(languages)}): lemmas of different languages never match")
    if problems:
        message = ("keyness: " + "; ".join(problems) + f". With fewer than {min_articles} articles or "
                   f"{min_words:,} words per group, G² compares a few texts rather than outlets; read the top "
                   "lemmas as leads to check in context, not as findings.")
        # A fixed location, not the caller's: in a notebook that is a temporary kernel file whose
        # name changes on every run, and would make the saved output differ each time.
        warnings.warn_explicit(message, FramingWarning, "toolkit.framing.keyness", 1)
    total = sizes.sum()
    rows = []
    for group in sorted(counts.columns) if target is None else [target]:
        a = counts[group].to_numpy(dtype=float)
        b = counts.drop(columns=group).sum(axis=1).to_numpy(dtype=float)
        c, d = float(sizes[group]), float(total - sizes[group])
        g2 = _g2(a, b, c, d)
        ratio = np.log2((np.where(a > 0, a, 0.5) / c) / (np.where(b > 0, b, 0.5) / d))
        part = pd.DataFrame({
            "group": group, "lemma": counts.index.to_numpy(), "n_group": a.astype("int64"), "n_rest": b.astype("int64"),
            "per_1000_group": 1000 * a / c, "per_1000_rest": 1000 * b / d, "g2": g2,
            "p_value": [math.erfc(math.sqrt(max(g, 0.0) / 2)) for g in g2], "log_ratio": ratio,
            "direction": np.where(a / c >= b / d, "over", "under")})
        part = part[(part["n_group"] + part["n_rest"]) >= min_count]
        part = part.sort_values(["direction", "g2", "lemma"], ascending=[True, False, True], kind="mergesort")
        if top is not None:
            part = part.groupby("direction", sort=False).head(top)
        rows.append(part)
    result = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=KEYNESS_COLUMNS)
    return result.astype({"group": "string", "lemma": "string", "n_group": "int64", "n_rest": "int64",
                          "per_1000_group": "float64", "per_1000_rest": "float64", "g2": "float64",
                          "p_value": "float64", "log_ratio": "float64", "direction": "string"}
                         )[KEYNESS_COLUMNS].reset_index(drop=True)
