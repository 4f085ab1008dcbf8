"""Load and clean a corpus larger than memory into partitioned Parquet, on a Dask cluster (:func:`ingest_corpus`).

The input (a folder of ``.txt``/``.md`` files, one or more ``.jsonl`` files, or a folder of
them) is cut into parts: groups of files, or byte ranges of a JSONL file that end at a line
break. Each part is loaded by :func:`toolkit.corpus.load_corpus` itself, on a worker, and
written as ``articles/part-NNNNN.parquet``, ``removed/…`` and ``problems/…`` under the
output folder; a part whose files exist is skipped (its stored problems are warned about
again), so an interrupted run resumes where it stopped. A marker file (:data:`MARKER`) makes
the folder a dataset that :func:`read_corpus_dataset` (and ``load_corpus``) reads back, in
full or lazily.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.corpus.problems import CorpusError, Problems
from toolkit.corpus.reading import TEXT_SUFFIXES
from toolkit.schema import PROBLEM_COLUMNS

#: The file that marks a folder as a dataset written by :func:`ingest_corpus`.
MARKER = "_toolkit_corpus.json"
#: The tables of a dataset, one sub-folder of part files each.
TABLES = ("articles", "removed", "problems")
#: Default size of a part: files per part (folders) and bytes per part (JSONL).
FILES_PER_PART = 2_000
# Parts of under 1 MiB keep each worker's memory small (a part is read whole into a worker).
BYTES_PER_PART = 900_000
#: Columns a part's ``problems`` file has besides PROBLEM_COLUMNS: on the row that load_corpus gives for an outlet
#: the registry lacks, the outlet's code and the part's number of articles from it (missing on other rows). A rerun
#: and :func:`read_corpus_dataset` find those rows by these columns, not by their message, and make of them one row
#: per outlet for the whole corpus.
PART_PROBLEM_COLUMNS = ["outlet", "n_articles"]
# Fixed, so every part file has one schema (an empty table's columns would otherwise be written untyped).
_PART_PROBLEM_DTYPES = {"path": "str", "line": "Int64", "article_id": "str", "kind": "str", "message": "str",
                        "outlet": "str", "n_articles": "Int64"}


def _parts(path: Path, files_per_part: int, bytes_per_part: int) -> list[dict]:
    """The parts of ``path``: dicts describing a group of files or a byte range of one JSONL file."""
    if path.is_dir():
        jsonl = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".jsonl")
        texts = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
                       and not p.name.startswith("."))
        parts = [{"kind": "files", "files": [str(p) for p in texts[i:i + files_per_part]]}
                 for i in range(0, len(texts), files_per_part)]
        for file in jsonl:
            parts += _jsonl_parts(file, bytes_per_part)
        if not parts:
            raise CorpusError(f"{path}: no .jsonl or {'/'.join(TEXT_SUFFIXES)} files in this folder")
        return parts
    if path.suffix.lower() == ".jsonl":
        return _jsonl_parts(path, bytes_per_part)
    raise CorpusError(f"{path}: expected a folder of .txt/.md or .jsonl files, or a .jsonl file, got {path.suffix!r}")


def _jsonl_parts(path: Path, bytes_per_part: int) -> list[dict]:
    """Byte ranges of about ``bytes_per_part`` that start at a line start, with their first line number."""
    size = path.stat().st_size
    parts, start, line = [], 0, 1
    with open(path, "rb") as handle:
        while start < size:
            handle.seek(min(start + bytes_per_part, size))
            handle.readline()  # to the end of the line the cut falls in
            end = min(handle.tell(), size) if start + bytes_per_part < size else size
            parts.append({"kind": "jsonl", "file": str(path), "start": start, "end": end, "line": line})
            handle.seek(start)
            line += handle.read(end - start).count(b"\n")
            start = end
    return parts


def _part_input(part: dict, folder: Path) -> tuple[Path, dict[int, int]]:
    """Write the part's input into ``folder`` for ``load_corpus``; return its path and part line → file line."""
    if part["kind"] == "files":
        for name in part["files"]:
            target = folder / Path(name).name
            try:
                os.link(name, target)
            except OSError:
                shutil.copyfile(name, target)
        return folder, {}
    source = Path(part["file"])
    with open(source, "rb") as handle:
        handle.seek(part["start"])
        chunk = handle.read(part["end"] - part["start"])
    lines = chunk.split(b"\n")
    out = []
    for offset, line in enumerate(lines):
        # Records without an id get load_corpus's own ("stem-line"), numbered in the whole file.
        try:
            row = json.loads(line)
        except ValueError:
            row = None
        if isinstance(row, dict) and not any(row.get(k) not in (None, "") for k in ("article_id", "id")):
            row["id"] = f"{source.stem}-{part['line'] + offset}"
            try:
                line = json.dumps(row, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate escape: kept escaped, for the reader to replace and warn
                line = json.dumps(row).encode("ascii")
        out.append(line)
    target = folder / source.name
    target.write_bytes(b"\n".join(out))
    return target, {i + 1: part["line"] + i for i in range(len(lines))}


def _write_atomic(table: pd.DataFrame, path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    table.to_parquet(partial, index=False)
    os.replace(partial, path)


def _unknown_outlets(articles: pd.DataFrame) -> dict[str, int]:
    """Articles per outlet code the registry lacks (an ``outlet`` without ``outlet_name``)."""
    unknown = articles.loc[articles["outlet"].notna() & articles["outlet_name"].isna(), "outlet"].value_counts()
    return {str(outlet): int(n) for outlet, n in unknown.items()}


def _marked(problems: pd.DataFrame, unknown: dict[str, int], corpus: str) -> pd.DataFrame:
    """A part's problems with PART_PROBLEM_COLUMNS: load_corpus's row for each of the part's ``unknown`` outlets
    (a warning without a line, worded as :func:`~toolkit.corpus.loading.unknown_outlet_message` words it for that
    outlet and count) carries the outlet and count, and the input's name ``corpus`` as its path."""
    from toolkit.corpus.loading import unknown_outlet_message

    given = {unknown_outlet_message(outlet, n): (outlet, n) for outlet, n in unknown.items()}
    found = [given.get(message) if kind == "warning" and pd.isna(line) else None
             for kind, line, message in zip(problems["kind"], problems["line"], problems["message"])]
    marked = np.array([f is not None for f in found], dtype=bool)
    return problems.assign(path=problems["path"].mask(marked, corpus),
                           outlet=[f[0] if f else None for f in found],
                           n_articles=[f[1] if f else None for f in found]).astype(_PART_PROBLEM_DTYPES)


def _stored_problems(out: Path, name: str, corpus: str) -> pd.DataFrame:
    """The ``problems`` file of a written part, with PART_PROBLEM_COLUMNS."""
    problems = pd.read_parquet(out / "problems" / name)
    if "outlet" not in problems.columns:  # written before parts marked their unknown-outlet rows: mark them now
        problems = _marked(problems, _unknown_outlets(pd.read_parquet(out / "articles" / name,
                                                                      columns=["outlet", "outlet_name"])), corpus)
    return problems.astype(_PART_PROBLEM_DTYPES)


def _part_report(problems: pd.DataFrame) -> dict:
    """What :func:`ingest_corpus` warns about for a part: its problems but the unknown-outlet rows (as
    :meth:`Problems.add` takes them), and its articles per unknown outlet."""
    marked = problems["outlet"].notna()
    rows = [{k: (None if pd.isna(v) else v) for k, v in row.items()}
            for row in problems.loc[~marked, PROBLEM_COLUMNS].to_dict("records")]
    unknown = Counter()
    for outlet, n in zip(problems.loc[marked, "outlet"], problems.loc[marked, "n_articles"]):
        unknown[str(outlet)] += int(n)
    return {"problems": rows, "unknown_outlets": dict(unknown)}


def _ingest_part(number: int, part: dict, out: str, options: dict, corpus: str) -> dict:
    """Load one part with load_corpus and write its three tables (articles last: it marks the part done).

    Returns the part's problems (numbered in the whole file) but its unknown-outlet warnings, and its articles per
    unknown outlet (:func:`_part_report`), for :func:`ingest_corpus` to warn about in the caller's process (each
    unknown outlet once, with the whole corpus's count); for a part written by an earlier run, the same, read from
    its ``problems`` file. With ``errors="raise"``, the part's first error is raised here, naming the file's line,
    and nothing of the part is written. ``corpus`` is the input's name, the path of the unknown-outlet rows.
    """
    from toolkit.corpus.loading import load_corpus

    out = Path(out)
    name = f"part-{number:05d}.parquet"
    if (out / "articles" / name).exists():
        return _part_report(_stored_problems(out, name, corpus))
    with tempfile.TemporaryDirectory(dir=out, prefix=".part-") as scratch:
        source, lines = _part_input(part, Path(scratch))
        # Problems are only listed here: the part's line numbers are not the file's, and a worker's warnings
        # would not reach the user. ingest_corpus warns (or raises) with the file's numbers.
        loaded = load_corpus(source, progress=False, **{**options, "errors": "ignore"})
    articles, problems = loaded.articles, loaded.problems
    if lines:
        # load_corpus numbers the part's lines; give the whole file's ("feed.jsonl:1234").
        where = articles["path"].str.extract(r"^(?P<file>.*):(?P<line>\d+)$")
        renumbered = where["file"] + ":" + where["line"].map(lambda v: str(lines.get(int(v), v)), na_action="ignore")
        articles = articles.assign(path=renumbered.fillna(articles["path"]).astype("string"))
        problems = problems.assign(line=problems["line"].map(lambda v: lines.get(int(v), v) if pd.notna(v) else v)
                                   .astype("Int64"))
    # Each part sees only its own files; a manifest's other articles are not missing.
    problems = problems[~problems["message"].str.startswith("manifest lists", na=False)].reset_index(drop=True)
    problems = _marked(problems, _unknown_outlets(articles), corpus)
    report = _part_report(problems)
    if options.get("errors") == "raise":
        replay = Problems("raise")
        for row in report["problems"]:
            if row["kind"] == "error":
                replay.add(row["path"], row["message"], line=row["line"], article_id=row["article_id"], kind="error")
    _write_atomic(loaded.removed, out / "removed" / name)
    _write_atomic(problems, out / "problems" / name)
    _write_atomic(articles, out / "articles" / name)
    return report


def ingest_corpus(path: str | Path, out: str | Path, *, client=None, files_per_part: int = FILES_PER_PART,
                  bytes_per_part: int = BYTES_PER_PART, languages: Sequence[str] | None = None,
                  manifest: str | Path | None = None, outlets: str | Path | None = None,
                  errors: str = "warn") -> Path:
    """Load and clean a corpus into a partitioned Parquet dataset, part by part, on a Dask cluster.

    Every part is cleaned by :func:`toolkit.corpus.load_corpus` (same cleaning, same tables),
    one task per part; only a part's files are in memory at a time, on one worker, so the
    corpus may be larger than any machine's memory. A rerun skips the parts already written.

    Args:
        path: A folder of ``.txt``/``.md`` files, a ``.jsonl`` file, or a folder of ``.jsonl`` files.
        out: The dataset folder (created); workers must see it (a shared disk on a real cluster).
        client: A ``distributed.Client`` (``Client("tcp://scheduler:8786")`` or a
            ``LocalCluster``'s); None loads the parts one after another in this process.
        files_per_part: Text files per part.
        bytes_per_part: Bytes of JSONL per part (cut at line breaks).
        languages, manifest, outlets, errors: As for :func:`load_corpus`; the manifest and
            outlet registry beside ``path`` are used by default. Problems are warned about (or
            raised) in this process, also with a ``client``, with the line numbers of the whole
            file, as the ``problems`` tables give them; on a rerun, those of the parts written
            before too, so a rerun warns as the first run did.

    Returns:
        ``out``, with ``articles/``, ``removed/`` and ``problems/`` folders of
        ``part-NNNNN.parquet`` files (the tables of :func:`load_corpus`, rows in input order
        across parts; a ``problems`` file has one row per unknown outlet of its part, marked by
        :data:`PART_PROBLEM_COLUMNS`) and the marker file :data:`MARKER`.

    Raises:
        CorpusError: ``path`` is missing or of another kind; ``out`` holds a dataset of another input,
            or of this one loaded with another outlet registry, manifest or languages.

    Example:
        >>> from distributed import Client
        >>> ingest_corpus("big.jsonl", "big-corpus", client=Client("tcp://scheduler:8786"))
        >>> articles = load_corpus("big-corpus").articles
    """
    from toolkit.corpus.loading import unknown_outlet_message

    path, out = Path(path).resolve(), Path(out)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    parts = _parts(path, files_per_part, bytes_per_part)
    folder = path if path.is_dir() else path.parent
    options = {"errors": errors, "languages": tuple(languages) if languages else None,
               "manifest": str(manifest) if manifest else (str(folder / "manifest.csv")
                                                            if (folder / "manifest.csv").exists() else None),
               "outlets": str(outlets) if outlets else (str(folder / "outlets.csv")
                                                         if (folder / "outlets.csv").exists() else None)}
    options = {k: v for k, v in options.items() if v is not None}
    marker = out / MARKER
    description = {"format": 1, "source": str(path), "n_parts": len(parts), "inputs": _inputs_digest(options)}
    if marker.exists():
        written = json.loads(marker.read_text(encoding="utf-8"))
        if (written.get("source"), written.get("n_parts")) != (description["source"], description["n_parts"]):
            raise CorpusError(f"{out}: holds a dataset of {written.get('source')!r} in {written.get('n_parts')} parts, "
                              f"not of {str(path)!r} in {len(parts)}; choose another folder")
        if written.get("inputs", description["inputs"]) != description["inputs"]:
            raise CorpusError(f"{out}: its parts were loaded with another outlet registry, manifest or languages "
                              "than this call's, and a rerun only skips them; ingest into another folder to apply "
                              "the new ones")
    for table in TABLES:
        (out / table).mkdir(parents=True, exist_ok=True)
    # Corpus-level boilerplate is a property of the whole corpus, not of a part: find it once,
    # over every input text, so each part removes exactly the lines one load_corpus would.
    options["repeated_lines"] = _repeated_lines(path)
    problems, unknown = Problems(errors), Counter()

    def report(result: dict) -> None:  # the part's problems, warned here (errors were raised in the part)
        for row in result["problems"]:
            problems.add(row["path"], row["message"], line=row["line"], article_id=row["article_id"] or "",
                         kind=row["kind"])
        unknown.update(result["unknown_outlets"])

    if client is None:
        for number, part in enumerate(parts):
            report(_ingest_part(number, part, str(out.resolve()), options, path.name))
    else:
        # Keys new to every call: a key of an earlier call the scheduler has not yet forgotten would hand back that
        # call's result, and its part (of another folder) would not be written.
        run = uuid.uuid4().hex[:12]
        futures = [client.submit(_ingest_part, number, part, str(out.resolve()), options, path.name, pure=False,
                                 key=f"ingest-part-{number}-{run}") for number, part in enumerate(parts)]
        for result in client.gather(futures):
            report(result)
    for outlet, n in sorted(unknown.items()):  # once for the corpus, as load_corpus warns
        problems.add(path.name, unknown_outlet_message(outlet, n), kind="warning")
    marker.write_text(json.dumps(description, indent=1), encoding="utf-8")
    return out


def _inputs_digest(options: dict) -> str:
    """A digest of what shapes the parts besides the input: the languages (in any order), and the manifest and
    outlet registry by their content, wherever they are (a registry the user extends after a run is a change)."""
    digest = hashlib.sha256()
    languages = options.get("languages")
    digest.update(f"languages={sorted(languages) if languages else None!r}\n".encode())
    for key in ("manifest", "outlets"):
        value = options.get(key)
        digest.update(f"{key}:".encode() + (Path(value).read_bytes() if value is not None else b"-") + b"\n")
    return digest.hexdigest()[:16]


def _repeated_lines(path: Path) -> frozenset[str]:
    """The corpus-level boilerplate lines of the whole input (one streaming pass, texts only)."""
    from toolkit.cleaning import find_repeated_lines
    from toolkit.corpus.loading import read_any_records, record_text

    return find_repeated_lines(record_text(r) for r in read_any_records(path, Problems("ignore"), extract=False))


def is_corpus_dataset(path: str | Path) -> bool:
    """True when ``path`` is a folder written by :func:`ingest_corpus` (it holds :data:`MARKER`)."""
    return Path(path).is_dir() and (Path(path) / MARKER).exists()


def _unmarked(problems: pd.DataFrame) -> pd.DataFrame:
    """A part's problems but its unknown-outlet rows, in PROBLEM_COLUMNS."""
    return problems.loc[problems["outlet"].isna(), PROBLEM_COLUMNS].reset_index(drop=True)


def _corpus_unknown_outlets(parts: list[pd.DataFrame], corpus: str) -> pd.DataFrame:
    """The corpus's unknown-outlet rows (PROBLEM_COLUMNS), one per outlet with the parts' counts summed, as
    load_corpus gives them."""
    from toolkit.corpus.loading import unknown_outlet_message

    counts = Counter()
    for problems in parts:
        for outlet, n in zip(problems["outlet"], problems["n_articles"]):
            if pd.notna(outlet):
                counts[outlet] += int(n)
    rows = [{"path": corpus, "line": None, "article_id": "", "kind": "warning",
             "message": unknown_outlet_message(outlet, n)} for outlet, n in sorted(counts.items())]
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS).astype({c: _PART_PROBLEM_DTYPES[c] for c in PROBLEM_COLUMNS})


def _corpus_problems(parts: list[pd.DataFrame], corpus: str) -> pd.DataFrame:
    """The parts' problems as one ``problems`` table: the parts' rows in order, then the unknown outlets'."""
    return pd.concat([_unmarked(problems) for problems in parts] + [_corpus_unknown_outlets(parts, corpus)],
                     ignore_index=True)


def read_corpus_dataset(path: str | Path, *, lazy: bool = False):
    """Read a dataset written by :func:`ingest_corpus`: a :class:`~toolkit.corpus.Corpus`.

    The ``problems`` table is load_corpus's (PROBLEM_COLUMNS): the parts' rows of an outlet the
    registry lacks are one row for the corpus, with the whole corpus's count, after the others.

    Args:
        path: The dataset folder.
        lazy: False (default): pandas DataFrames in memory, as ``load_corpus`` returns them.
            True: ``dask.dataframe`` DataFrames, one partition per part (``problems``: and
            one more, the unknown outlets'), read when computed.

    Raises:
        CorpusError: ``path`` is not a complete dataset.
    """
    from toolkit.corpus.loading import Corpus

    path = Path(path)
    if not is_corpus_dataset(path):
        raise CorpusError(f"{path}: not a corpus dataset (no {MARKER}; write one with ingest_corpus)")
    description = json.loads((path / MARKER).read_text(encoding="utf-8"))
    n_parts, corpus = description["n_parts"], Path(description["source"]).name
    files = {table: sorted((path / table).glob("part-*.parquet")) for table in ("articles", "removed")}
    if len(files["articles"]) != n_parts:
        raise CorpusError(f"{path}: {len(files['articles'])} of {n_parts} parts written; rerun ingest_corpus")
    names = [f.name for f in files["articles"]]
    if lazy:
        import dask
        import dask.dataframe as dd

        articles, removed = (dd.read_parquet([str(f) for f in files[table]]) for table in ("articles", "removed"))
        parts = [dask.delayed(_stored_problems)(path, name, corpus) for name in names]
        problems = dd.from_delayed([dask.delayed(_unmarked)(part) for part in parts]
                                   + [dask.delayed(_corpus_unknown_outlets)(parts, corpus)],
                                   meta=_corpus_unknown_outlets([], corpus))
        return Corpus(articles, removed, problems)
    articles, removed = (pd.concat([pd.read_parquet(f) for f in files[table]], ignore_index=True)
                         for table in ("articles", "removed"))
    return Corpus(articles, removed, _corpus_problems([_stored_problems(path, name, corpus) for name in names], corpus))
