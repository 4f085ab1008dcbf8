"""The Parquet cache of annotations: keys, the long table it stores, atomic part files, damaged files.

The cache is one folder per engine holding ``part-*.parquet`` files. Each part is one
finished task: a long table (:data:`CACHE_COLUMNS`) whose rows are the sentences, tokens and
mentions of some articles' texts, each row carrying the ``key`` of its text
(:func:`cache_key`) and the ``table`` it belongs to. Parts are written atomically and never
rewritten, so an interrupted run keeps every finished task; a damaged or foreign part is
moved aside (``<name>.bad``) with a warning naming it, once, and its articles annotated again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
import warnings
from collections import defaultdict
from pathlib import Path

import pandas as pd

from toolkit.nlp.tables import AnnotationWarning

#: Bump when the cached tables' layout or content rules change: old cache files are then ignored.
SCHEMA_VERSION = 5

#: The cache's one long table; ``key`` names the article's text, ``table`` which of the three a row is.
CACHE_COLUMNS = [
    "key", "table", "paragraph_id", "sentence_id", "token_id", "mention_id", "start_char", "end_char",
    "text", "word", "lemma", "upos", "head", "deprel", "label",
]

#: The columns each of the three kinds of cache row fills (the others stay missing).
ROW_COLUMNS = {
    "sentence": ["key", "paragraph_id", "sentence_id", "start_char", "end_char"],
    "token": ["key", "paragraph_id", "sentence_id", "token_id", "start_char", "end_char", "text", "word", "lemma",
              "upos", "head", "deprel"],
    "mention": ["key", "paragraph_id", "mention_id", "start_char", "end_char", "text", "label"],
}

_INT_COLUMNS = ["paragraph_id", "sentence_id", "token_id", "mention_id", "start_char", "end_char", "head"]


def typed_cache(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the cache's dtypes: nullable integers for ids and offsets, strings for the rest."""
    return table.astype({c: ("Int64" if c in _INT_COLUMNS else "string") for c in CACHE_COLUMNS})


def empty_cache_table() -> pd.DataFrame:
    """A cache table with no rows."""
    return typed_cache(pd.DataFrame(columns=CACHE_COLUMNS))


def cache_key(text: str, engine: str, model: str) -> str:
    """Hash of the text, engine, model (name and version) and table schema version."""
    payload = "\0".join([str(SCHEMA_VERSION), engine, model, text]).encode("utf-8")
    return hashlib.sha256(payload).hexdigest()[:32]


def _part_files(cache_dir: Path, engine: str) -> list[Path]:
    folder = cache_dir / engine
    return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []


def check_cache_dir(cache_dir: Path) -> None:
    """Fail before any work when ``cache_dir`` cannot hold the cache (a file, or not writable).

    Raises:
        ValueError: naming the path and the problem.
    """
    cache_dir = Path(cache_dir)
    for parent in (cache_dir, *cache_dir.parents):
        if parent.exists():
            if not parent.is_dir():
                raise ValueError(f"annotation cache path {cache_dir}: {parent} is a file, not a folder; pass another "
                                 "cache_dir= or cache=False")
            if not os.access(parent, os.W_OK | os.X_OK):
                raise ValueError(f"annotation cache path {cache_dir}: {parent} is not writable; pass another "
                                 "cache_dir= or cache=False")
            return


def _set_aside(path: Path, reason: str) -> None:
    """Move a damaged or foreign part to ``<name>.bad`` (so it is reported once, not on every run), with a warning."""
    aside = path.with_name(path.name + ".bad")
    try:
        os.replace(path, aside)
        where = f"moved to {aside.name}"
    except OSError:
        where = "left in place (cannot move it)"
    # stacklevel 5: the warning points at the caller of annotate().
    warnings.warn(f"annotation cache file {path} is damaged or foreign ({reason}); {where}, its articles will be "
                  "annotated again", AnnotationWarning, stacklevel=5)


def _schema_problem(schema) -> str | None:
    """Why a part's Arrow schema is not the cache's (a missing column, a column of the wrong type), or None."""
    import pyarrow as pa

    missing = [c for c in CACHE_COLUMNS if c not in schema.names]
    if missing:
        return f"missing column(s) {missing}"
    for column in CACHE_COLUMNS:
        kind = schema.field(column).type
        fits = pa.types.is_integer(kind) if column in _INT_COLUMNS else (
            pa.types.is_string(kind) or pa.types.is_large_string(kind))
        if not (fits or pa.types.is_null(kind)):
            return f"column {column!r} is {kind}"
    return None


def cache_index(cache_dir: Path, engine: str) -> dict[str, Path]:
    """Which part file holds each cached key (reads the schema and the ``key`` column of each part).

    A part that cannot be read, or is not a cache part (missing columns, wrong types), is
    moved aside to ``<name>.bad`` with an :class:`AnnotationWarning` naming it: its articles
    are then annotated again and written to a new part.
    """
    import pyarrow.parquet as pq

    index: dict[str, Path] = {}
    for path in _part_files(cache_dir, engine):
        try:
            problem = _schema_problem(pq.read_schema(path))
            if problem is None:
                keys = pq.read_table(path, columns=["key"]).column("key").to_pylist()
        except Exception as err:  # a damaged part of any kind is set aside, its articles redone
            problem = f"{type(err).__name__}: {str(err)[:80]}"
        if problem is not None:
            _set_aside(path, problem)
            continue
        index.update(dict.fromkeys(keys, path))
    return index


def read_parts(index: dict[str, Path], keys: set[str]) -> pd.DataFrame:
    """The cached rows of ``keys``, read part by part (``index`` from :func:`cache_index`).

    A part whose data cannot be read (bytes damaged inside) is moved aside with a warning,
    and its keys are removed from ``index``: the caller annotates them again.
    """
    import pyarrow.parquet as pq

    by_path: dict[Path, list[str]] = defaultdict(list)
    for key in keys:
        by_path[index[key]].append(key)
    tables = []
    for path, wanted in sorted(by_path.items()):
        try:
            table = pq.read_table(path, filters=[("key", "in", wanted)]).to_pandas()
            tables.append(typed_cache(table[CACHE_COLUMNS]))
        except Exception as err:  # damaged inside the data pages: set aside, redo its articles
            _set_aside(path, f"{type(err).__name__}: {str(err)[:80]}")
            for key in [k for k, p in index.items() if p == path]:
                del index[key]
    if not tables:
        return empty_cache_table()
    return typed_cache(pd.concat(tables, ignore_index=True))


def write_part(cache_dir: Path, engine: str, table: pd.DataFrame) -> Path:
    """Write one batch as a new part file, atomically (a reader sees all of it or none)."""
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
