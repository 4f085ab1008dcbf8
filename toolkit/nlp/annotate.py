"""Annotate articles with an engine (stanza or spaCy) into sentences, tokens and mentions, cached as Parquet."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from toolkit._checks import require_choice, require_columns
from toolkit.nlp import spacy_engine, stanza_engine
from toolkit.nlp.tables import (
    MENTION_COLUMNS,
    SENTENCE_COLUMNS,
    TOKEN_COLUMNS,
    ModelNotInstalledError,
    harmonise_label,
)
from toolkit.paths import CACHE, DATA

#: Bump when the cached tables' layout changes: old cache files are then ignored.
SCHEMA_VERSION = 2
ENGINES = ("auto", "stanza", "spacy")
_MODULES = {"stanza": stanza_engine, "spacy": spacy_engine}
_CACHE_COLUMNS = [  # one long table per article; `table` says which of the three a row belongs to
    "table", "paragraph_id", "sentence_id", "token_id", "mention_id", "start_char", "end_char",
    "text", "word", "lemma", "upos", "head", "deprel", "label",
]


class Annotation(NamedTuple):
    """What :func:`annotate` returns; unpacks as ``sentences, tokens, mentions``."""

    sentences: pd.DataFrame
    tokens: pd.DataFrame
    mentions: pd.DataFrame


class AnnotationWarning(UserWarning):
    """An article could not be annotated (no engine for its language) or a cache file was rebuilt."""


# ---------------------------------------------------------------- engine choice

def _available(engine: str, language: str, options: Mapping) -> bool:
    if engine == "stanza":
        given = {k for k, v in options.items() if k.endswith("_model_path") and v}
        return {"tokenize_model_path", "ner_model_path"} <= given or stanza_engine.is_available(
            language, model_dir=options.get("model_dir"))
    return spacy_engine.is_available(language)


def _model_name(engine: str, language: str, options: Mapping) -> str:
    if engine == "stanza":
        return stanza_engine.model_name(language, **options)
    return spacy_engine.model_name(language)


def choose_engine(language: str, engine: str = "auto", *, engine_options: Mapping | None = None) -> str:
    """The engine that annotates articles in ``language``.

    ``"auto"``: stanza when its model for the language is installed, else spaCy.

    Raises:
        ModelNotInstalledError: the requested engine has no model for ``language``.
    """
    require_choice(engine, ENGINES, name="engine")
    options = (engine_options or {})
    if engine == "auto":
        for candidate in ("stanza", "spacy"):
            if _available(candidate, language, options.get(candidate, {})):
                return candidate
        raise ModelNotInstalledError(f"no engine has a model for language {language!r}")
    if not _available(engine, language, options.get(engine, {})):
        # Let the engine's loader raise its own, specific message (naming the command to run).
        if engine == "stanza":
            stanza_engine.load_pipeline(language, **options.get("stanza", {}))
        spacy_engine.load_pipeline(language)
    return engine


def describe_engines(languages: Sequence[str], engine: str = "auto", *,
                     engine_options: Mapping | None = None) -> pd.DataFrame:
    """One row per language: the engine ``annotate`` would use and its model (for notebooks to print).

    Returns:
        Columns ``language``, ``engine`` (NA when none has a model), ``model`` (or the reason
        there is none).
    """
    rows = []
    for language in languages:
        try:
            chosen = choose_engine(language, engine, engine_options=engine_options)
            model = _model_name(chosen, language, (engine_options or {}).get(chosen, {}))
            rows.append({"language": language, "engine": chosen, "model": model})
        except ModelNotInstalledError as err:
            rows.append({"language": language, "engine": pd.NA, "model": str(err)})
    return pd.DataFrame(rows, columns=["language", "engine", "model"], dtype="string")


# ---------------------------------------------------------------- paragraphs and assembly

def split_paragraphs(text: str) -> list[tuple[int, str]]:
    """``(offset, paragraph)`` for each paragraph of an article's text (separated by blank lines)."""
    return [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text) if m.group(0).strip()]


def _assemble(results: list[tuple[int, dict]]) -> pd.DataFrame:
    """Number and shift one article's paragraph records into the long cache table."""
    rows = []
    n_sentences = n_tokens = n_mentions = 0
    for paragraph_id, (offset, result) in enumerate(results):
        for start, end in result["sentences"]:
            rows.append({"table": "sentence", "paragraph_id": paragraph_id, "sentence_id": n_sentences, "start_char": offset + start, "end_char": offset + end})
            n_sentences += 1
        first_sentence = n_sentences - len(result["sentences"])
        for k, tok in enumerate(result["tokens"]):
            rows.append({"table": "token", "paragraph_id": paragraph_id, "sentence_id": first_sentence + tok["sentence"],
                         "token_id": n_tokens + k, "start_char": offset + tok["start_char"],
                         "end_char": offset + tok["end_char"], "text": tok["text"], "word": tok["word"],
                         "lemma": tok["lemma"], "upos": tok["upos"], "head": None if tok["head"] is None else n_tokens + tok["head"],
                         "deprel": tok["deprel"]})
        n_tokens += len(result["tokens"])
        for mention in result["mentions"]:
            rows.append({"table": "mention", "paragraph_id": paragraph_id, "mention_id": n_mentions,
                         "start_char": offset + mention["start_char"], "end_char": offset + mention["end_char"],
                         "text": mention["text"], "label": mention["label"]})
            n_mentions += 1
    return pd.DataFrame(rows, columns=_CACHE_COLUMNS)


# ---------------------------------------------------------------- the cache

def cache_key(text: str, engine: str, model: str) -> str:
    """Hash of the text, engine, model (name and version) and table schema version."""
    payload = "\0".join([str(SCHEMA_VERSION), engine, model, text]).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()[:32]


def _cache_path(cache_dir: Path, engine: str, key: str) -> Path:
    return cache_dir / engine / key[:2] / f"{key}.parquet"


def _read_cache(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        table = pd.read_parquet(path)
        if list(table.columns) != _CACHE_COLUMNS:
            raise ValueError(f"unexpected columns {list(table.columns)}")
        return table
    except Exception as err:  # a damaged file of any kind is rebuilt, never trusted
        warnings.warn(f"annotation cache file {path.name} is damaged ({type(err).__name__}); rebuilding it",
                      AnnotationWarning, stacklevel=3)
        return None


def _write_cache(path: Path, table: pd.DataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        table.to_parquet(tmp, index=False)
        os.replace(tmp, path)  # atomic: readers see the old file or the new one, never half
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


# ---------------------------------------------------------------- gazetteer

GAZETTEER_COLUMNS = ["pattern", "entity_type", "language", "note"]


def load_gazetteer(path: str | Path | None = None) -> pd.DataFrame:
    """Read a gazetteer: names the models miss or mislabel, applied on top of any engine.

    The file is a CSV with columns ``pattern`` (the name as written; matched case-sensitively
    on word boundaries), ``entity_type`` (PER, ORG, LOC, MISC, or ``-`` for "not an entity":
    an engine mention exactly equal to the pattern is dropped), ``language`` (empty for all)
    and ``note``. ``#`` lines are comments.

    Raises:
        ValueError: a row has an unknown entity_type or an empty pattern (names file and line).
    """
    path = Path(path) if path else DATA / "gazetteer.csv"
    gazetteer = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#", skip_blank_lines=True)
    missing = [c for c in ("pattern", "entity_type") if c not in gazetteer.columns]
    if missing:
        raise ValueError(f"{path}: gazetteer lacks column(s) {missing}")
    gazetteer = gazetteer.reindex(columns=GAZETTEER_COLUMNS, fill_value="")
    lines = _data_line_numbers(path)
    for i, row in enumerate(gazetteer.itertuples(index=False)):
        if not row.pattern.strip() or row.entity_type not in ("PER", "ORG", "LOC", "MISC", "-"):
            raise ValueError(f"{path}:{lines[i]}: gazetteer entry needs a pattern and an entity_type in "
                             f"PER, ORG, LOC, MISC or -, got {row.pattern!r}, {row.entity_type!r}")
    return gazetteer


def _data_line_numbers(path: Path) -> list[int]:
    """1-based line numbers of a CSV's data rows (skipping header, comments and blank lines)."""
    numbers = [n for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1)
               if line.strip() and not line.lstrip().startswith("#")]
    return numbers[1:]


def apply_gazetteer(mentions: pd.DataFrame, articles: pd.DataFrame, sentences: pd.DataFrame,
                    gazetteer: pd.DataFrame) -> pd.DataFrame:
    """Add gazetteer matches as mentions (``source="gazetteer"``), dropping engine mentions they overlap.

    Entries typed ``-`` drop engine mentions whose text equals the pattern (e.g. "Lundi" as PER).
    """
    require_columns(mentions, MENTION_COLUMNS, name="mentions")
    if gazetteer.empty or articles.empty:
        return mentions
    added = []
    drop = set()
    engine_of = mentions.drop_duplicates("article_id").set_index("article_id")[["engine", "model"]]
    for article in articles.itertuples(index=False):
        entries = gazetteer[(gazetteer["language"] == "") | (gazetteer["language"] == article.language)]
        own = mentions[mentions["article_id"] == article.article_id]
        for entry in entries.itertuples(index=False):
            if entry.entity_type == "-":
                drop.update(own.index[own["text"] == entry.pattern])
                continue
            for m in re.finditer(rf"(?<!\w){re.escape(entry.pattern)}(?!\w)", article.text):
                overlapping = own.index[(own["start_char"] < m.end()) & (own["end_char"] > m.start())]
                inside_longer = own.loc[overlapping]
                # A longer engine mention of the same type that contains the match is kept
                # ("Lázaro Alberto Álvarez Casas" PER already covers "Álvarez Casas").
                if ((inside_longer["entity_type"] == entry.entity_type)
                        & (inside_longer["start_char"] <= m.start()) & (inside_longer["end_char"] >= m.end())).any():
                    continue
                drop.update(overlapping)
                engine, model = (engine_of.loc[article.article_id].tolist() if article.article_id in engine_of.index
                                 else (pd.NA, pd.NA))
                added.append({"article_id": article.article_id, "start_char": m.start(), "end_char": m.end(),
                              "text": m.group(0), "label": entry.entity_type, "entity_type": entry.entity_type,
                              "engine": engine, "model": model, "source": "gazetteer"})
    kept = mentions.drop(index=sorted(drop))
    combined = pd.concat([kept, pd.DataFrame(added, columns=MENTION_COLUMNS)], ignore_index=True)
    # Two gazetteer patterns may match the same span ("To Lam" inside "Tô Lâm"? no: exact); keep the longest.
    combined = combined.sort_values(["article_id", "start_char", "end_char"], ascending=[True, True, False])
    combined = _drop_nested(combined)
    return _number_mentions(combined, sentences)


def propagate_names(mentions: pd.DataFrame, tokens: pd.DataFrame, articles: pd.DataFrame,
                    sentences: pd.DataFrame) -> pd.DataFrame:
    """Tag later short forms of a person's name in the same article ("one sense per discourse").

    Once an article names "Trần Quốc Tỏ", a later capitalised "To" (folded: "to") that no
    engine tagged is the same person: news writing introduces a name in full, then shortens
    it. Every contiguous part of a PER name of two or more words is a candidate, when it
    belongs to only one full name in the article and overlaps no other mention. A one-word
    candidate that is also a stopword of the article's language ("To" in English) must be
    followed by an inflected verb ("To expressed"), not an infinitive ("To strengthen ...").
    New rows have ``source="propagation"``.
    """
    from toolkit.folding import fold
    from toolkit.textstats import load_stopwords

    added = []
    language_of = dict(zip(articles["article_id"], articles["language"]))
    for article_id, own in mentions.groupby("article_id", sort=False):
        names = {tuple(fold(w) for w in re.findall(r"\w+", text))
                 for text in own.loc[own["entity_type"] == "PER", "text"]}
        names = {n for n in names if len(n) >= 2}
        owners: dict[tuple[str, ...], set] = defaultdict(set)
        for name in names:
            for i in range(len(name)):
                for j in range(i + 1, len(name) + 1):
                    if (i, j) != (0, len(name)):
                        owners[name[i:j]].add(name)
        candidates = {part for part, full in owners.items() if len(full) == 1 and part not in names}
        if not candidates:
            continue
        words = tokens[tokens["article_id"] == article_id].reset_index(drop=True)
        stopwords = load_stopwords(language_of.get(article_id))
        spans = list(zip(own["start_char"], own["end_char"]))
        folded = [fold(t) for t in words["text"]]
        longest = max(map(len, candidates))
        k = 0
        while k < len(words):
            for size in range(min(longest, len(words) - k), 0, -1):
                part = tuple(folded[k:k + size])
                if part not in candidates or not all(t[:1].isupper() for t in words["text"].iloc[k:k + size]):
                    continue
                start, end = int(words["start_char"].iloc[k]), int(words["end_char"].iloc[k + size - 1])
                if any(a < end and b > start for a, b in spans):
                    continue
                if size == 1 and part[0] in stopwords:
                    following = words.iloc[k + 1] if k + 1 < len(words) else None
                    if following is None or following["upos"] not in ("VERB", "AUX") or \
                            str(following["text"]).lower() == str(following["lemma"]).lower():
                        continue
                first = own.iloc[0]
                added.append({"article_id": article_id, "sentence_id": -1, "mention_id": -1,
                              "start_char": start, "end_char": end,
                              "text": str(words["text"].iloc[k]) if size == 1 else None,
                              "label": "PER", "entity_type": "PER", "engine": first["engine"],
                              "model": first["model"], "source": "propagation"})
                spans.append((start, end))
                k += size - 1
                break
            k += 1
    if not added:
        return mentions
    text_of = dict(zip(articles["article_id"], articles["text"]))
    for row in added:
        row["text"] = text_of[row["article_id"]][row["start_char"]:row["end_char"]]
    combined = pd.concat([mentions, pd.DataFrame(added, columns=MENTION_COLUMNS).astype(mentions.dtypes.to_dict())],
                         ignore_index=True)
    return _number_mentions(combined, sentences)


def _drop_nested(mentions: pd.DataFrame) -> pd.DataFrame:
    keep, last_end, last_article = [], -1, None
    for idx, row in zip(mentions.index, mentions.itertuples(index=False)):
        if row.article_id != last_article:
            last_article, last_end = row.article_id, -1
        if row.start_char >= last_end:
            keep.append(idx)
            last_end = row.end_char
    return mentions.loc[keep]


def _number_mentions(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Sort, re-number mention_id per article and set sentence_id from the sentence spans."""
    mentions = mentions.sort_values(["article_id", "start_char"], ignore_index=True)
    if mentions.empty:
        return mentions
    sentence_ids = []
    by_article = {a: g for a, g in sentences.groupby("article_id")}
    for row in mentions.itertuples(index=False):
        spans = by_article.get(row.article_id)
        found = spans[(spans["start_char"] <= row.start_char) & (spans["end_char"] >= row.start_char)] \
            if spans is not None else []
        sentence_ids.append(int(found["sentence_id"].iloc[0]) if len(found) else -1)
    mentions["sentence_id"] = sentence_ids
    mentions["mention_id"] = mentions.groupby("article_id").cumcount()
    return mentions


# ---------------------------------------------------------------- the public entry point

def annotate(articles: pd.DataFrame, *, engine: str = "auto", cache: bool = True, progress: bool = True,
             cache_dir: str | Path = CACHE / "annotations", gazetteer: str | Path | None | bool = None,
             batch_size: int = 64, engine_options: Mapping[str, Mapping] | None = None,
             propagate: bool = True) -> Annotation:
    """Annotate articles into sentences, tokens and entity mentions.

    Each article goes to the engine chosen for its language (``engine="auto"``: stanza where
    its model is installed, else spaCy). Paragraphs are annotated separately, in bulk. Results
    are cached per article as Parquet, keyed by the text, engine, model and schema version, so
    a re-run reads the cache. The gazetteer is applied on top of the engine's mentions.

    Args:
        articles: The ``articles`` table; needs ``article_id``, ``text``, ``language``.
        engine: ``"auto"``, ``"stanza"`` or ``"spacy"``.
        cache: Read and write the Parquet cache.
        progress: Show a progress bar when many articles need annotating.
        cache_dir: Where the cache lives (``.cache/annotations`` of the project by default).
        gazetteer: A gazetteer CSV (see :func:`load_gazetteer`); None for the toolkit's own,
            False for none.
        batch_size: Paragraphs per engine batch.
        propagate: Tag later short forms of a person's name in the same article (see
            :func:`propagate_names`).
        engine_options: Per-engine options, e.g. ``{"stanza": {"model_dir": ..., "processors":
            "tokenize,ner", "ner_model_path": ...}}`` (see ``toolkit.nlp.stanza_engine.load_pipeline``).

    Returns:
        An :class:`Annotation` ``(sentences, tokens, mentions)``:

        - ``sentences``: article_id, paragraph_id, sentence_id (int, from 0 in each
          article), start_char, end_char (into ``articles.text``), text.
        - ``tokens``: article_id, sentence_id, token_id (int, from 0 in each article),
          start_char, end_char, text (== ``articles.text[start_char:end_char]``), lemma,
          upos, head (Int64: token_id of the syntactic head; the root points to itself;
          missing without a parser), deprel
          (lower-case, Universal Dependencies names), engine, model, plus ``word`` (the
          syntactic word: "de" and "le" for the two words of French "du", whose ``text`` is "du").
        - ``mentions``: article_id, sentence_id, mention_id, start_char, end_char, text,
          label (the engine's own), entity_type (PER, ORG, LOC, MISC), engine, model,
          source ("model", "gazetteer" or "propagation"). Engine types that are not names (DATE, MONEY,
          CARDINAL...) are left out.

    Raises:
        ModelNotInstalledError: ``engine="stanza"`` (or ``"spacy"``) lacks a model for an
            article's language. With ``"auto"``, such articles are skipped with a warning.

    Example:
        >>> sentences, tokens, mentions = annotate(articles)
    """
    require_columns(articles, ["article_id", "text", "language"], name="articles")
    require_choice(engine, ENGINES, name="engine")
    cache_dir = Path(cache_dir)
    options = {name: dict(value) for name, value in (engine_options or {}).items()}
    tables: dict[str, pd.DataFrame] = {}
    meta: dict[str, tuple[str, str]] = {}
    todo: dict[tuple[str, str], list] = defaultdict(list)

    for article in articles.itertuples(index=False):
        language = article.language if isinstance(article.language, str) else ""
        try:
            chosen = choose_engine(language, engine, engine_options=engine_options)
        except ModelNotInstalledError as err:
            if engine != "auto":
                raise
            warnings.warn(f"{article.article_id}: not annotated ({err})", AnnotationWarning, stacklevel=2)
            continue
        model = _model_name(chosen, language, options.get(chosen, {}))
        meta[article.article_id] = (chosen, model)
        key = cache_key(article.text, chosen, model)
        cached = _read_cache(_cache_path(cache_dir, chosen, key)) if cache else None
        if cached is not None:
            tables[article.article_id] = cached
        else:
            todo[(chosen, language)].append((article.article_id, article.text, key))

    for (chosen, language), items in todo.items():
        module = _MODULES[chosen]
        paragraphs = [(article_id, split_paragraphs(text)) for article_id, text, _ in items]
        flat = [p for _, ps in paragraphs for _, p in ps]
        results = _run_with_progress(module, flat, language=language, batch_size=batch_size,
                                     show=progress and len(items) >= 20, label=f"{chosen} {language}",
                                     options=options.get(chosen, {}))
        pos = 0
        for (article_id, ps), (_, text, key) in zip(paragraphs, items):
            table = _assemble([(offset, results[pos + k]) for k, (offset, _) in enumerate(ps)])
            pos += len(ps)
            tables[article_id] = table
            if cache:
                _write_cache(_cache_path(cache_dir, chosen, key), table)

    sentences, tokens, mentions = _split_tables(articles, tables, meta)
    annotated = articles[articles["article_id"].isin(tables)]
    if gazetteer is not False:
        mentions = apply_gazetteer(mentions, annotated, sentences, load_gazetteer(gazetteer or None))
    if propagate:
        mentions = propagate_names(mentions, tokens, annotated, sentences)
    return Annotation(sentences, tokens, mentions)


def _run_with_progress(module, paragraphs: list[str], *, language: str, batch_size: int, show: bool, label: str,
                       options: Mapping):
    from tqdm import tqdm

    results = []
    with tqdm(total=len(paragraphs), desc=f"annotating ({label})", unit="para", disable=not show) as bar:
        for start in range(0, len(paragraphs), batch_size * 4):
            chunk = paragraphs[start:start + batch_size * 4]
            results += module.annotate_paragraphs(chunk, language=language, batch_size=batch_size, **options)
            bar.update(len(chunk))
    return results


def _split_tables(articles: pd.DataFrame, tables: dict[str, pd.DataFrame], meta: dict[str, tuple[str, str]]):
    parts = []
    for article in articles.itertuples(index=False):
        table = tables.get(article.article_id)
        if table is None:
            continue
        engine, model = meta[article.article_id]
        parts.append(table.assign(article_id=article.article_id, engine=engine, model=model,
                                  source="model", _text=article.text))
    long = (pd.concat(parts, ignore_index=True) if parts
            else pd.DataFrame(columns=_CACHE_COLUMNS + ["article_id", "engine", "model", "source", "_text"]))

    sentences = long[long["table"] == "sentence"].copy()
    sentences["text"] = [t[a:b] for t, a, b in zip(sentences["_text"], sentences["start_char"], sentences["end_char"])]
    sentences = _typed(sentences[SENTENCE_COLUMNS], ints=["paragraph_id", "sentence_id", "start_char", "end_char"])

    tokens = long[long["table"] == "token"]
    tokens = _typed(tokens[TOKEN_COLUMNS + ["word", "paragraph_id"]],
                    ints=["sentence_id", "token_id", "start_char", "end_char", "paragraph_id"],
                    nullable_ints=["head"])  # head is missing when the pipeline has no parser

    mentions = long[long["table"] == "mention"].copy()
    mentions["entity_type"] = mentions["label"].map(harmonise_label)
    mentions = mentions[mentions["entity_type"].notna()]
    mentions["sentence_id"] = -1
    mentions = _typed(mentions[MENTION_COLUMNS], ints=["sentence_id", "mention_id", "start_char", "end_char"])
    mentions = _number_mentions(mentions, sentences)
    order = {a: i for i, a in enumerate(articles["article_id"])}
    sort = lambda t, k: t.sort_values(["article_id", k], key=lambda s: s.map(order) if s.name == "article_id" else s,  # noqa: E731
                                      ignore_index=True)
    return sort(sentences, "sentence_id"), sort(tokens, "token_id"), sort(mentions, "mention_id")


def _typed(table: pd.DataFrame, *, ints: list[str], nullable_ints: Sequence[str] = ()) -> pd.DataFrame:
    table = table.copy()
    for column in table.columns:
        dtype = "int64" if column in ints else "Int64" if column in nullable_ints else "string"
        table[column] = table[column].astype(dtype)
    return table.reset_index(drop=True)
