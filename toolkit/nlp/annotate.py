"""Annotate articles with an engine (stanza or spaCy) into sentences, tokens and mentions, cached as Parquet."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
import tempfile
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from toolkit._checks import require_choice
from toolkit.schema import require_columns
from toolkit.nlp import spacy_engine, stanza_engine
from toolkit.nlp.tables import (
    MENTION_COLUMNS,
    SENTENCE_COLUMNS,
    TOKEN_COLUMNS,
    ModelNotInstalledError,
    harmonise_label,
)
from toolkit.paths import CACHE, DATA

#: Bump when the cached tables' layout or content rules change: old cache files are then ignored.
SCHEMA_VERSION = 5
ENGINES = ("auto", "stanza", "spacy")
_MODULES = {"stanza": stanza_engine, "spacy": spacy_engine}
_CACHE_COLUMNS = [  # one long table; `key` names the article's text, `table` which of the three a row is
    "key", "table", "paragraph_id", "sentence_id", "token_id", "mention_id", "start_char", "end_char",
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


#: The columns each of the three kinds of cache row fills (the others stay missing).
_ROW_COLUMNS = {
    "sentence": ["key", "paragraph_id", "sentence_id", "start_char", "end_char"],
    "token": ["key", "paragraph_id", "sentence_id", "token_id", "start_char", "end_char", "text", "word", "lemma",
              "upos", "head", "deprel"],
    "mention": ["key", "paragraph_id", "mention_id", "start_char", "end_char", "text", "label"],
}


def _opens_next(words: list[str], quotes_before: int) -> bool:
    """True when a sentence's words end on a comma or on a quotation mark that opens a quote.

    « and “ always open; a straight " opens when the paragraph's straight quotes up to it,
    ``quotes_before`` (those of the sentences before) included, are odd in number.
    """
    last = words[-1]
    return last in (",", "«", "“") or (last == '"' and (quotes_before + sum(w.count('"') for w in words)) % 2 == 1)


def join_fragments(result: dict) -> dict:
    """Join the sentence fragments a parser cuts off a dateline, in one paragraph's records.

    A "sentence" of punctuation alone (the "," of "Hanoï, 16 mai (RHC)") joins the sentence
    before it, and a sentence that ends with a comma or with a quotation mark it opens joins
    the next one: neither ends a sentence. spaCy's French model cuts 002's dateline into
    "Hanoï" / "," / "16 mai (RHC)", and a medal's name after its opening quote mark;
    joined, they read "Hanoï, 16 mai (RHC)" and 'la médaille "Protection de la sécurité
    nationale".'. Only whole sentences are joined, so every token's head stays in its
    sentence. Engine-neutral: it runs on the records of :mod:`toolkit.nlp.tables`, whichever
    engine made them.

    Args:
        result: One paragraph's ParagraphResult (``sentences``, ``tokens``, ``mentions``).

    Returns:
        The same records, or new ones with fewer sentences and the tokens renumbered.
    """
    spans = result["sentences"]
    if len(spans) < 2:
        return result
    words: list[list[str]] = [[] for _ in spans]
    for token in result["tokens"]:
        words[token["sentence"]].append(token["text"])
    has_words = [any(c.isalnum() for word in texts for c in word) for texts in words]
    groups: list[list[int]] = []
    joins_next = False
    quotes_before = 0
    for k, texts in enumerate(words):
        if groups and (joins_next or not has_words[k]):
            groups[-1].append(k)
        else:
            groups.append([k])
        # A group of punctuation alone (a leading dash) also waits for the next sentence.
        joins_next = (bool(texts) and _opens_next(texts, quotes_before)) or not any(has_words[m] for m in groups[-1])
        quotes_before += sum(w.count('"') for w in texts)
    if len(groups) == len(spans):
        return result
    new_index = {old: new for new, members in enumerate(groups) for old in members}
    return {**result,
            "sentences": [(spans[members[0]][0], spans[members[-1]][1]) for members in groups],
            "tokens": [{**token, "sentence": new_index[token["sentence"]]} for token in result["tokens"]]}


def _assemble(key: str, results: list[tuple[int, dict]], rows: dict[str, list[tuple]]) -> None:
    """Number one article's paragraph records, shift their offsets into the article, append them to ``rows``.

    ``rows`` holds one list of tuples per kind of row, in the order of ``_ROW_COLUMNS``:
    tuples rather than dicts, since this runs once per token of the corpus.
    """
    sentences, tokens, mentions = rows["sentence"], rows["token"], rows["mention"]
    n_sentences = n_tokens = n_mentions = 0
    for paragraph_id, (offset, result) in enumerate(results):
        result = join_fragments(result)
        first_sentence = n_sentences
        for start, end in result["sentences"]:
            sentences.append((key, paragraph_id, n_sentences, offset + start, offset + end))
            n_sentences += 1
        tokens.extend(
            (key, paragraph_id, first_sentence + tok["sentence"], n_tokens + k, offset + tok["start_char"],
             offset + tok["end_char"], tok["text"], tok["word"], tok["lemma"], tok["upos"],
             None if tok["head"] is None else n_tokens + tok["head"], tok["deprel"])
            for k, tok in enumerate(result["tokens"]))
        n_tokens += len(result["tokens"])
        for mention in result["mentions"]:
            mentions.append((key, paragraph_id, n_mentions, offset + mention["start_char"],
                             offset + mention["end_char"], mention["text"], mention["label"]))
            n_mentions += 1


def annotate_batch(items: Sequence[tuple[str, str]], *, engine: str, language: str, options: Mapping | None = None,
                   batch_size: int = 64) -> pd.DataFrame:
    """Annotate ``(key, text)`` items of one language with one engine: the unit of work of every scheduler.

    Runs in this process, in a worker process (``n_process``) or on a Dask worker; the
    engine's pipeline is loaded once per process and kept.

    Returns:
        The long table the cache stores (``_CACHE_COLUMNS``), one block of rows per item.
    """
    module = _MODULES[engine]
    paragraphs = [split_paragraphs(text) for _, text in items]
    flat = [p for ps in paragraphs for _, p in ps]
    results = module.annotate_paragraphs(flat, language=language, batch_size=batch_size, **dict(options or {}))
    rows: dict[str, list[tuple]] = {name: [] for name in _ROW_COLUMNS}
    pos = 0
    for (key, _), ps in zip(items, paragraphs):
        _assemble(key, [(offset, results[pos + k]) for k, (offset, _) in enumerate(ps)], rows)
        pos += len(ps)
    # Row order does not matter: _split_tables sorts by article and id.
    parts = [pd.DataFrame(rows[name], columns=columns).assign(table=name) for name, columns in _ROW_COLUMNS.items()]
    return _typed_cache(pd.concat(parts, ignore_index=True).reindex(columns=_CACHE_COLUMNS))


def _typed_cache(table: pd.DataFrame) -> pd.DataFrame:
    ints = ["paragraph_id", "sentence_id", "token_id", "mention_id", "start_char", "end_char", "head"]
    return table.astype({c: ("Int64" if c in ints else "string") for c in _CACHE_COLUMNS})


# ---------------------------------------------------------------- the cache

def cache_key(text: str, engine: str, model: str) -> str:
    """Hash of the text, engine, model (name and version) and table schema version."""
    payload = "\0".join([str(SCHEMA_VERSION), engine, model, text]).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()[:32]


def _part_files(cache_dir: Path, engine: str) -> list[Path]:
    folder = cache_dir / engine
    return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []


def _cache_index(cache_dir: Path, engine: str) -> dict[str, Path]:
    """Which part file holds each cached key (reads only the ``key`` column of each part)."""
    import pyarrow.parquet as pq

    index: dict[str, Path] = {}
    for path in _part_files(cache_dir, engine):
        try:
            keys = pq.read_table(path, columns=["key"]).column("key").to_pylist()
        except Exception as err:  # a damaged part of any kind is ignored, its articles redone
            warnings.warn(f"annotation cache file {path.name} is damaged ({type(err).__name__}); its articles "
                          "will be annotated again", AnnotationWarning, stacklevel=3)
            continue
        index.update(dict.fromkeys(keys, path))
    return index


def _read_parts(index: dict[str, Path], keys: set[str]) -> pd.DataFrame:
    """The cached rows of ``keys``, read part by part."""
    import pyarrow.parquet as pq

    by_path: dict[Path, list[str]] = defaultdict(list)
    for key in keys:
        by_path[index[key]].append(key)
    tables = [pq.read_table(path, filters=[("key", "in", wanted)]).to_pandas()
              for path, wanted in sorted(by_path.items())]
    if not tables:
        return _typed_cache(pd.DataFrame(columns=_CACHE_COLUMNS))
    return _typed_cache(pd.concat(tables, ignore_index=True)[_CACHE_COLUMNS])


def _write_part(cache_dir: Path, engine: str, table: pd.DataFrame) -> Path:
    """Write one batch as a new part file, atomically (a reader sees all of it or none)."""
    import uuid

    folder = cache_dir / engine
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"part-{uuid.uuid4().hex}.parquet"
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
    os.close(fd)
    try:
        table.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


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

    A match inside a longer engine mention of the same type is left alone ("Lázaro Alberto
    Álvarez Casas" already covers "Álvarez Casas"). Entries typed ``-`` drop engine mentions
    whose text equals the pattern (e.g. "Lundi" as PER).
    """
    require_columns(mentions, MENTION_COLUMNS, name="mentions")
    if gazetteer.empty or articles.empty:
        return mentions
    patterns = _gazetteer_patterns(gazetteer)
    by_article = mentions.groupby("article_id", sort=False).indices
    starts, ends = mentions["start_char"].to_numpy(), mentions["end_char"].to_numpy()
    types, texts = mentions["entity_type"].to_numpy(dtype=object), mentions["text"].to_numpy(dtype=object)
    engines, models = mentions["engine"].to_numpy(dtype=object), mentions["model"].to_numpy(dtype=object)
    drop: set[int] = set()
    added = []
    for article_id, language, text in zip(articles["article_id"], articles["language"], articles["text"]):
        regex, kinds, not_entities = patterns.get(language if isinstance(language, str) else "", patterns[""])
        rows = by_article.get(article_id, np.array([], dtype=int))
        drop.update(int(i) for i in rows if texts[i] in not_entities)
        if regex is None:
            continue
        for m in regex.finditer(text):
            kind = kinds[m.group(0)]
            hit = rows[(starts[rows] < m.end()) & (ends[rows] > m.start())]
            if any(types[i] == kind and starts[i] <= m.start() and ends[i] >= m.end() for i in hit):
                continue
            drop.update(int(i) for i in hit)
            engine, model = (engines[rows[0]], models[rows[0]]) if len(rows) else (pd.NA, pd.NA)
            added.append({"article_id": article_id, "sentence_id": -1, "mention_id": -1, "start_char": m.start(),
                          "end_char": m.end(), "text": m.group(0), "label": kind, "entity_type": kind,
                          "engine": engine, "model": model, "source": "gazetteer"})
    kept = mentions.drop(index=mentions.index[sorted(drop)])
    return _concat_mentions(kept, added)


def _gazetteer_patterns(gazetteer: pd.DataFrame) -> dict[str, tuple]:
    """Per language ("" = any language): one regex of all names (longest first), their types, and the non-entities."""
    compiled = {}
    languages = {""} | set(gazetteer["language"])
    for language in languages:
        entries = gazetteer[(gazetteer["language"] == "") | (gazetteer["language"] == language)]
        names = entries[entries["entity_type"] != "-"]
        kinds = dict(zip(names["pattern"], names["entity_type"]))
        alternatives = "|".join(re.escape(p) for p in sorted(kinds, key=len, reverse=True))
        regex = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if kinds else None
        compiled[language] = (regex, kinds, frozenset(entries.loc[entries["entity_type"] == "-", "pattern"]))
    return compiled


def _concat_mentions(mentions: pd.DataFrame, added: list[dict]) -> pd.DataFrame:
    if not added:
        return mentions
    new = pd.DataFrame(added, columns=MENTION_COLUMNS).astype(mentions.dtypes.to_dict())
    return pd.concat([mentions, new], ignore_index=True)


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
    from toolkit.text import fold
    from toolkit.text import load_stopwords

    persons = mentions[mentions["entity_type"] == "PER"]
    if persons.empty:
        return mentions
    language_of = dict(zip(articles["article_id"], articles["language"]))
    text_of = dict(zip(articles["article_id"], articles["text"]))
    token_rows = tokens.groupby("article_id", sort=False).indices
    token_text, token_upos = tokens["text"].to_numpy(dtype=object), tokens["upos"].to_numpy(dtype=object)
    token_lemma = tokens["lemma"].to_numpy(dtype=object)
    token_start, token_end = tokens["start_char"].to_numpy(), tokens["end_char"].to_numpy()
    mention_rows = mentions.groupby("article_id", sort=False).indices
    all_spans = list(zip(mentions["start_char"].to_numpy(), mentions["end_char"].to_numpy()))
    first = mentions.drop_duplicates("article_id")
    engine_of = dict(zip(first["article_id"], zip(first["engine"], first["model"])))
    person_text = persons["text"].to_numpy(dtype=object)
    added = []
    for article_id, own in persons.groupby("article_id", sort=False).indices.items():
        names = {tuple(fold(w) for w in re.findall(r"\w+", text)) for text in person_text[own]}
        names = {n for n in names if len(n) >= 2}
        owners: dict[tuple[str, ...], set] = defaultdict(set)
        for name in names:
            for i in range(len(name)):
                for j in range(i + 1, len(name) + 1):
                    if (i, j) != (0, len(name)):
                        owners[name[i:j]].add(name)
        candidates = {part for part, full in owners.items() if len(full) == 1 and part not in names}
        rows = token_rows.get(article_id)
        if not candidates or rows is None:
            continue
        words = [token_text[i] for i in rows]
        folded = [_fold_word(w) if w[:1].isupper() else "" for w in words]  # candidates are capitalised
        stopwords = load_stopwords(language_of.get(article_id))
        spans = [all_spans[i] for i in mention_rows[article_id]]
        engine, model = engine_of[article_id]
        longest = max(map(len, candidates))
        k = 0
        while k < len(words):
            if not folded[k]:  # most words are lower-case, and every candidate starts with a capital
                k += 1
                continue
            for size in range(min(longest, len(words) - k), 0, -1):
                part = tuple(folded[k:k + size])
                if part not in candidates or not all(w[:1].isupper() for w in words[k:k + size]):
                    continue
                start, end = int(token_start[rows[k]]), int(token_end[rows[k + size - 1]])
                if any(a < end and b > start for a, b in spans):
                    continue
                if size == 1 and part[0] in stopwords:
                    nxt = rows[k + 1] if k + 1 < len(rows) else None
                    if nxt is None or token_upos[nxt] not in ("VERB", "AUX") or \
                            str(token_text[nxt]).lower() == str(token_lemma[nxt]).lower():
                        continue
                added.append({"article_id": article_id, "sentence_id": -1, "mention_id": -1, "start_char": start,
                              "end_char": end, "text": text_of[article_id][start:end], "label": "PER",
                              "entity_type": "PER", "engine": engine, "model": model, "source": "propagation"})
                spans.append((start, end))
                k += size - 1
                break
            k += 1
    return _concat_mentions(mentions, added)


@functools.lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    from toolkit.text import fold

    return fold(word)


def _finish_mentions(mentions: pd.DataFrame, sentences: pd.DataFrame, order: Mapping[str, int]) -> pd.DataFrame:
    """Drop nested duplicates, set each mention's sentence_id, number mentions per article, in article order."""
    mentions = mentions.assign(_order=mentions["article_id"].map(order))
    mentions = mentions.sort_values(["_order", "start_char", "end_char"], ascending=[True, True, False],
                                    kind="stable", ignore_index=True)
    # Keep the first (longest) of mentions that overlap, e.g. two gazetteer names on one span.
    keep = np.ones(len(mentions), dtype=bool)
    article = mentions["_order"].to_numpy()
    starts, ends = mentions["start_char"].to_numpy(), mentions["end_char"].to_numpy()
    last_end, last_article = -1, None
    for i in range(len(mentions)):
        if article[i] != last_article:
            last_article, last_end = article[i], -1
        if starts[i] < last_end:
            keep[i] = False
        else:
            last_end = ends[i]
    mentions = mentions[keep].reset_index(drop=True)
    mentions["sentence_id"] = _sentence_of(mentions, sentences)
    mentions["mention_id"] = mentions.groupby("_order", sort=False).cumcount().astype("int64")
    return mentions.drop(columns="_order")


def _sentence_of(mentions: pd.DataFrame, sentences: pd.DataFrame) -> np.ndarray:
    """The sentence_id holding each mention's first character (-1 when none), by binary search."""
    found = np.full(len(mentions), -1, dtype="int64")
    spans = {a: (g["start_char"].to_numpy(), g["end_char"].to_numpy(), g["sentence_id"].to_numpy())
             for a, g in sentences[["article_id", "start_char", "end_char", "sentence_id"]].groupby(
                 "article_id", sort=False)}
    at_all = mentions["start_char"].to_numpy()
    for article_id, rows in mentions.groupby("article_id", sort=False).indices.items():
        if article_id not in spans:
            continue
        starts, ends, ids = spans[article_id]
        at = at_all[rows]
        i = np.searchsorted(ends, at, side="left")  # sentences are sorted and do not overlap
        ok = i < len(ends)
        ok[ok] = starts[i[ok]] <= at[ok]
        found[rows[ok]] = ids[i[ok]]
    return found


# ---------------------------------------------------------------- the public entry point

def annotate(articles: pd.DataFrame, *, engine: str = "auto", cache: bool = True, progress: bool = True,
             cache_dir: str | Path = CACHE / "annotations", gazetteer: str | Path | None | bool = None,
             batch_size: int = 64, engine_options: Mapping[str, Mapping] | None = None,
             propagate: bool = True, n_process: int = 1, client=None,
             articles_per_task: int | None = None) -> Annotation:
    """Annotate articles into sentences, tokens and entity mentions.

    Each article goes to the engine chosen for its language (``engine="auto"``: stanza where
    its model is installed, else spaCy). Paragraphs are annotated separately, in bulk, in
    tasks of ``articles_per_task`` articles: in this process, in ``n_process`` worker
    processes, or on a Dask cluster (``client``). Each finished task is written to the
    Parquet cache as one part file, keyed per article by the text, engine, model and schema
    version, so an interrupted run resumes with only the missing articles and a re-run reads
    the cache, whatever produced it. The gazetteer and name propagation run on top.

    Args:
        articles: The ``articles`` table; needs ``article_id``, ``text``, ``language``.
        engine: ``"auto"``, ``"stanza"`` or ``"spacy"``.
        cache: Read and write the Parquet cache.
        progress: Show a progress bar when many articles need annotating.
        cache_dir: Where the cache lives (``.cache/annotations`` of the project by default);
            one folder per engine, holding ``part-*.parquet`` files.
        gazetteer: A gazetteer CSV (see :func:`load_gazetteer`); None for the toolkit's own,
            False for none.
        batch_size: Paragraphs per engine batch.
        engine_options: Per-engine options, e.g. ``{"stanza": {"model_dir": ..., "processors":
            "tokenize,ner", "ner_model_path": ...}}`` (see ``toolkit.nlp.stanza_engine.load_pipeline``).
        propagate: Tag later short forms of a person's name in the same article (see
            :func:`propagate_names`).
        n_process: Worker processes on this machine (each loads its model once and is kept
            for later calls); 1 runs in this process.
        client: A ``dask.distributed.Client``, or a scheduler address such as
            ``"tcp://10.0.0.5:8786"``; tasks then run on the cluster's workers, which need the
            toolkit and its models installed. Results come back to this process, which
            writes the cache.
        articles_per_task: Articles per task (and per cache part file); by default 100, or
            fewer when that gives each worker at least four tasks, so workers stay busy.

    Returns:
        An :class:`Annotation` ``(sentences, tokens, mentions)``:

        - ``sentences``: article_id, paragraph_id, sentence_id (int, from 0 in each
          article), start_char, end_char (into ``articles.text``), text.
        - ``tokens``: article_id, sentence_id, token_id (int, from 0 in each article),
          start_char, end_char, text (== ``articles.text[start_char:end_char]``), lemma,
          upos, head (Int64: token_id of the syntactic head; the root points to itself;
          missing without a parser), deprel (lower-case, Universal Dependencies names),
          engine, model, plus ``word`` (the syntactic word: "de" and "le" for the two
          words of French "du", whose ``text`` is "du") and ``paragraph_id``.
        - ``mentions``: article_id, sentence_id, mention_id, start_char, end_char, text,
          label (the engine's own), entity_type (PER, ORG, LOC, MISC), engine, model,
          source ("model", "gazetteer" or "propagation"). Engine types that are not names
          (DATE, MONEY, CARDINAL...) are left out.

    Raises:
        ModelNotInstalledError: ``engine="stanza"`` (or ``"spacy"``) lacks a model for an
            article's language. With ``"auto"``, such articles are skipped with a warning.
        ValueError: ``articles`` lacks a column, or an option is out of range.

    Example:
        >>> sentences, tokens, mentions = annotate(articles)
        >>> sentences, tokens, mentions = annotate(articles, n_process=2)   # two cores
    """
    require_columns(articles, ["article_id", "text", "language"], name="articles")
    require_choice(engine, ENGINES, name="engine")
    if not isinstance(n_process, int) or n_process < 1:
        raise ValueError(f"`n_process` must be a positive integer, got {n_process!r}")
    if articles["article_id"].duplicated().any():
        raise ValueError("`articles` has duplicate article_id values: "
                         f"{articles['article_id'][articles['article_id'].duplicated()].unique()[:5].tolist()}")
    cache_dir = Path(cache_dir)
    options = {name: dict(value) for name, value in (engine_options or {}).items()}

    meta_rows = []  # article_id, key, engine, model, language
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
        meta_rows.append((article.article_id, cache_key(article.text, chosen, model), chosen, model, language,
                          article.text))
    meta = pd.DataFrame(meta_rows, columns=["article_id", "key", "engine", "model", "language", "_text"])

    found: list[pd.DataFrame] = []
    for chosen, group in meta.groupby("engine", sort=True):
        index = _cache_index(cache_dir, chosen) if cache else {}
        cached = set(group["key"]) & set(index)
        if cached:
            found.append(_read_parts(index, cached))
        missing = group[~group["key"].isin(cached)].drop_duplicates("key")
        per_task = articles_per_task or _task_size(len(missing), _n_workers(n_process, client))
        tasks = [(chosen, language, list(zip(batch["key"], batch["_text"])))
                 for language, part in missing.groupby("language", sort=True)
                 for batch in (part.iloc[i:i + per_task] for i in range(0, len(part), per_task))]
        for table in _run_tasks(tasks, options=options, batch_size=batch_size, n_process=n_process, client=client,
                                show=progress and len(missing) >= 20):
            if cache:
                _write_part(cache_dir, chosen, table)
            found.append(table)

    long = pd.concat(found, ignore_index=True) if found else _typed_cache(pd.DataFrame(columns=_CACHE_COLUMNS))
    sentences, tokens, mentions = _split_tables(articles, long, meta)
    annotated = articles[articles["article_id"].isin(meta["article_id"])]
    if gazetteer is not False:
        mentions = apply_gazetteer(mentions, annotated, sentences, load_gazetteer(gazetteer or None))
    if propagate:
        mentions = propagate_names(mentions, tokens, annotated, sentences)
    mentions = _finish_mentions(mentions, sentences, {a: i for i, a in enumerate(articles["article_id"])})
    return Annotation(sentences, tokens, mentions)


# ---------------------------------------------------------------- schedulers

#: Dask configuration for annotation workers: ``with dask.config.set(DASK_WORKER_CONFIG):``
#: before starting a ``LocalCluster`` (or the same key set to ``null`` in a worker's
#: ``distributed.yaml``). Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` in its workers
#: to hand freed memory back to the system; that also stops glibc from raising its mmap
#: threshold, so the parsers' many mid-sized arrays are mapped and unmapped again and again:
#: spaCy ran 10 to 25 % slower in such workers than in plain processes on this project's
#: benchmark (50,000 words on 2 workers: 8.7-9.1 s against 7.3-7.7 s with this setting and
#: 7.0-7.4 s in plain worker processes). Annotation workers hold their models and little
#: else, so they lose nothing. The nanny also writes the variable into the environment of
#: the process that starts a LocalCluster, so later worker processes started from it inherit
#: it: start clusters with this setting, or restart the kernel after one without.
DASK_WORKER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


def _n_workers(n_process: int, client) -> int:
    if client is None:
        return n_process
    if isinstance(client, str):
        return 4  # unknown until connected; four tasks each for a few workers is a fair guess
    return max(1, len(client.scheduler_info().get("workers", {})))


def _task_size(n_articles: int, n_workers: int) -> int:
    """100 articles a task, or fewer so that each worker gets about four tasks."""
    if n_workers <= 1:
        return 100
    return max(1, min(100, -(-n_articles // (4 * n_workers))))


_POOLS: dict[int, object] = {}


def _preload(models: Sequence[tuple[str, str, tuple]]) -> None:
    """Load the pipelines a run will need, once per worker process (a no-op when already loaded)."""
    for engine, language, options in models:
        if engine == "stanza":
            stanza_engine.load_pipeline(language, **dict(options))
        else:
            spacy_engine.load_pipeline(language)


def _limit_threads(models: Sequence[tuple[str, str, tuple]] = ()) -> None:
    """Worker initialiser: one compute thread per process, so N processes use N cores; preload models."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        pass
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    _preload(models)


def _pool(n_process: int, models: Sequence[tuple[str, str, tuple]] = ()):
    """A process pool kept for the session, so each worker loads its models only once (at start)."""
    import atexit
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if n_process not in _POOLS:
        # spawn, not fork: forking a process that has loaded torch (stanza) can deadlock.
        _POOLS[n_process] = ProcessPoolExecutor(max_workers=n_process, initializer=_limit_threads,
                                                initargs=(tuple(models),),
                                                mp_context=multiprocessing.get_context("spawn"))
        atexit.register(_POOLS[n_process].shutdown, cancel_futures=True)
    return _POOLS[n_process]


def shutdown_workers() -> None:
    """Stop the worker processes ``annotate(..., n_process=N)`` keeps between calls."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        pool.shutdown(cancel_futures=True)


def _run_tasks(tasks: list[tuple[str, str, list]], *, options: Mapping, batch_size: int, n_process: int, client,
               show: bool):
    """Yield the table of each task as it completes, with a progress bar over articles."""
    from tqdm import tqdm

    if not tasks:
        return
    total = sum(len(items) for _, _, items in tasks)
    models = sorted({(engine, language, tuple(sorted(options.get(engine, {}).items()))) for engine, language, _ in tasks})
    bar = tqdm(total=total, desc="annotating", unit="article", disable=not show)
    kwargs = lambda engine: {"options": options.get(engine, {}), "batch_size": batch_size}  # noqa: E731
    try:
        if client is not None:
            from distributed import Client, as_completed

            own = isinstance(client, str)
            dask_client = Client(client) if own else client
            try:
                dask_client.run(_preload, models)  # every worker loads each model once, up front
                futures = [dask_client.submit(annotate_batch, items, engine=engine, language=language,
                                              pure=False, **kwargs(engine)) for engine, language, items in tasks]
                for future in as_completed(futures):
                    table = future.result()
                    bar.update(table["key"].nunique())
                    yield table
            finally:
                if own:
                    dask_client.close()
        elif n_process > 1:
            from concurrent.futures import as_completed

            futures = {_pool(n_process, models).submit(annotate_batch, items, engine=engine, language=language,
                                               **kwargs(engine)): len(items) for engine, language, items in tasks}
            for future in as_completed(futures):
                bar.update(futures[future])
                yield future.result()
        else:
            for engine, language, items in tasks:
                yield annotate_batch(items, engine=engine, language=language, **kwargs(engine))
                bar.update(len(items))
    finally:
        bar.close()


def _split_tables(articles: pd.DataFrame, long: pd.DataFrame, meta: pd.DataFrame):
    """Turn the long cache rows of each key into the three tables of each article carrying that text."""
    if meta["key"].duplicated().any():
        # The same text under several article ids: each gets its own copy of the rows.
        long = long.merge(meta[["key"]].assign(_row=np.arange(len(meta))), on="key", how="inner")
        row = long.pop("_row").to_numpy()
    else:
        row = pd.Categorical(long["key"], categories=meta["key"]).codes.astype("int64")
        long, row = long[row >= 0], row[row >= 0]
    order = meta["article_id"].map({a: i for i, a in enumerate(articles["article_id"])}).to_numpy()
    table = long["table"].to_numpy(dtype=object)
    columns = {"article_id": meta["article_id"], "engine": meta["engine"], "model": meta["model"]}

    def part(name: str, id_column: str, keep: list[str]) -> pd.DataFrame:
        mask = table == name
        rows, ids = row[mask], long[id_column].to_numpy(dtype="int64", na_value=-1)[mask]
        sort = np.lexsort((ids, order[rows]))  # article order, then the id within the article
        picked = long.loc[mask, [c for c in dict.fromkeys(keep) if c in long.columns]].iloc[sort].reset_index(drop=True)
        for column, values in columns.items():
            if column in keep:
                picked[column] = values.to_numpy()[rows[sort]]
        picked["_text_row"] = rows[sort]
        return picked

    sentences = part("sentence", "sentence_id", SENTENCE_COLUMNS)
    texts = meta["_text"].to_numpy(dtype=object)
    sentences["text"] = [texts[r][a:b] for r, a, b in zip(sentences["_text_row"], sentences["start_char"],
                                                           sentences["end_char"])]
    sentences = _typed(sentences[SENTENCE_COLUMNS], ints=["paragraph_id", "sentence_id", "start_char", "end_char"])

    tokens = part("token", "token_id", TOKEN_COLUMNS + ["word", "paragraph_id"])
    tokens = _typed(tokens[TOKEN_COLUMNS + ["word", "paragraph_id"]],
                    ints=["sentence_id", "token_id", "start_char", "end_char", "paragraph_id"],
                    nullable_ints=["head"])  # head is missing when the pipeline has no parser

    mentions = part("mention", "mention_id", MENTION_COLUMNS)
    mentions = mentions.assign(entity_type=mentions["label"].map(harmonise_label), sentence_id=-1, source="model")
    mentions = mentions[mentions["entity_type"].notna()]
    mentions = _typed(mentions[MENTION_COLUMNS], ints=["sentence_id", "mention_id", "start_char", "end_char"])
    return sentences, tokens, mentions


def _typed(table: pd.DataFrame, *, ints: list[str], nullable_ints: Sequence[str] = ()) -> pd.DataFrame:
    table = table.copy()
    for column in table.columns:
        dtype = "int64" if column in ints else "Int64" if column in nullable_ints else "string"
        table[column] = table[column].astype(dtype)
    return table.reset_index(drop=True)
