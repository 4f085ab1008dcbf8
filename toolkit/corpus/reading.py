"""Read a corpus from disk: a folder of .txt/.md files, a JSONL or a CSV file (decoded, one record per article), and a manifest."""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from toolkit.corpus.problems import CorpusError, Problems

#: Columns of :func:`read_manifest` (a manifest may add others).
MANIFEST_COLUMNS = ["file", "article_id", "title", "url", "outlet", "published", "language", "notes"]
#: Suffixes of the article files of a folder.
TEXT_SUFFIXES = (".txt", ".md")

_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes: UTF-8 (with or without BOM), UTF-16 (BOM), else cp1252, else latin-1.

    Returns:
        ``(text, encoding)``.

    Raises:
        CorpusError: the bytes are empty, or look binary (NUL bytes, control characters).
    """
    if not data.strip():
        raise CorpusError("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise CorpusError(f"undecodable: starts with a UTF-16 mark but is not UTF-16 ({err.reason})") from err
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    controls = len(_CONTROLS.findall(text, 0, 200_000))
    if "\x00" in text or controls > max(2, min(len(text), 200_000) // 200):
        raise CorpusError("binary or undecodable file (control characters; not UTF-8, UTF-16 or cp1252 text)")
    if not text.strip():
        raise CorpusError("empty file")
    return text, "utf-8" if encoding == "utf-8-sig" else encoding


class Record(NamedTuple):
    """One article as read, before cleaning."""

    article_id: str
    path: str
    line: int | None
    raw: str
    encoding: str
    fields: dict  # title, outlet, published, url, language, ... given by the source


def read_records(path: Path, problems: Problems) -> Iterable[Record]:
    """The records of ``path`` (a folder, a .jsonl, a .csv or one .txt/.md file), read lazily.

    Files and lines that cannot be read are added to ``problems`` and skipped.

    Raises:
        CorpusError: ``path`` does not exist or is none of these.
    """
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if path.is_dir():
        return _records_from_folder(path, problems)
    if suffix == ".jsonl":
        return _records_from_jsonl(path, problems)
    if suffix == ".csv":
        return _records_from_csv(path, problems)
    if suffix in TEXT_SUFFIXES:
        return _records_from_folder_file(path, problems)
    raise CorpusError(f"{path}: expected a folder of .txt/.md files, a .jsonl or a .csv, got {suffix!r}")


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as handle:  # read-only: the toolkit never writes to the input
        return handle.read()


def _records_from_folder(folder: Path, problems: Problems) -> Iterable[Record]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES
                   and not p.name.startswith("."))
    if not files:
        problems.add(folder.name, f"no {'/'.join(TEXT_SUFFIXES)} files in this folder")
    for path in files:
        try:
            raw, encoding = decode_bytes(_read_bytes(path))
        except (CorpusError, OSError) as err:
            problems.add(path.name, str(err), article_id=path.stem)
            continue
        if encoding in ("cp1252", "latin-1"):
            problems.add(path.name, f"not UTF-8; decoded as {encoding}, check accented letters",
                         article_id=path.stem, kind="warning")
        yield Record(path.stem, path.name, None, raw, encoding, {})


_FIELD_ALIASES = {"article_id": ("article_id", "id"), "title": ("title", "headline"),
                  "outlet": ("outlet", "source"), "published": ("published", "date"),
                  "url": ("url", "link"), "language": ("language", "lang"), "notes": ("notes",)}


def _fields_of(row: dict) -> dict:
    fields = {}
    for name, aliases in _FIELD_ALIASES.items():
        for alias in aliases:
            value = row.get(alias)
            if value not in (None, "") and not (isinstance(value, float) and pd.isna(value)):
                fields[name] = str(value).strip()
                break
    return fields


# Keys read into Record.fields (or the text); every other key of a row is the user's own field.
_KNOWN_KEYS = frozenset({"text", *(alias for aliases in _FIELD_ALIASES.values() for alias in aliases)})


def _record_from_row(row: dict, path: Path, line: int, problems: Problems, encoding: str,
                     seen: set[str]) -> Record | None:
    text = row.get("text")
    fields = _fields_of(row)
    extra = {k: v for k, v in row.items() if k not in _KNOWN_KEYS and isinstance(k, str) and k.strip()}
    if extra:
        fields["extra"] = extra  # the user's own fields, kept as columns by the loader
    article_id = fields.pop("article_id", f"{path.stem}-{line}")
    if article_id in seen:
        problems.add(path.name, f"duplicate article id {article_id!r}; kept the first", line=line,
                     article_id=article_id)
        return None
    if not isinstance(text, str) or not text.strip():
        problems.add(path.name, "no `text` (missing or empty)", line=line, article_id=article_id)
        return None
    seen.add(article_id)
    return Record(article_id, path.name, line, text, encoding, fields)


def _sniff_encoding(path: Path) -> str:
    """The encoding of a large text file, from its first megabyte: utf-8(-sig), utf-16 or cp1252.

    Raises:
        CorpusError: the file is empty or looks binary.
    """
    with open(path, "rb") as handle:  # read-only, as everywhere
        head = handle.read(1 << 20)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[: max(len(head) - 4, 0)] if len(head) == 1 << 20 else head  # may end mid-character
    encoding = decode_bytes(sample)[1] if sample.strip() else decode_bytes(head)[1]
    return "utf-8-sig" if encoding == "utf-8" else encoding


def _text_lines(path: Path, problems: Problems) -> tuple[Iterable[str], str]:
    """Stream a text file's lines in its encoding (a cp1252/latin-1 fallback is reported once)."""
    encoding = _sniff_encoding(path)
    if encoding in ("cp1252", "latin-1"):
        problems.add(path.name, f"not UTF-8; decoded as {encoding}, check accented letters", kind="warning")

    def lines():
        # newline="" keeps \r\n inside quoted CSV fields as written; the caller strips line ends.
        with open(path, encoding=encoding, errors="replace", newline="") as handle:
            yield from handle

    return lines(), "utf-8" if encoding == "utf-8-sig" else encoding


def _records_from_jsonl(path: Path, problems: Problems) -> Iterable[Record]:
    lines, encoding = _text_lines(path, problems)
    seen: set[str] = set()
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            problems.add(path.name, f"malformed JSON ({err.msg}, column {err.colno})", line=line_no)
            continue
        if not isinstance(row, dict):
            problems.add(path.name, f"expected a JSON object, got {type(row).__name__}", line=line_no)
            continue
        record = _record_from_row(row, path, line_no, problems, encoding, seen)
        if record:
            yield record


def _records_from_csv(path: Path, problems: Problems) -> Iterable[Record]:
    lines, encoding = _text_lines(path, problems)
    reader = csv.reader(lines)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as err:
        raise CorpusError(f"{path.name}: no CSV header ({err})") from err
    if "text" not in header:
        raise CorpusError(f"{path.name}: a CSV of articles needs a `text` column; its columns are {header}")
    seen: set[str] = set()
    while True:
        line_no = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            problems.add(path.name, f"malformed CSV ({err})", line=line_no)
            continue
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.add(path.name, f"malformed CSV row: expected {len(header)} fields, got {len(values)}",
                         line=line_no)
            continue
        record = _record_from_row(dict(zip(header, values)), path, line_no, problems, encoding, seen)
        if record:
            yield record


def read_manifest(path: Path) -> pd.DataFrame:
    """Read a ``manifest.csv``: per-article metadata keyed by ``file`` or ``article_id``.

    Returns:
        One row per listed article with MANIFEST_COLUMNS (str, "" when not given); ``article_id``
        is filled from ``file``'s stem when only ``file`` is given.

    Raises:
        CorpusError: neither ``file`` nor ``article_id`` is a column, or a key repeats.
    """
    manifest = pd.read_csv(path, dtype=str, keep_default_na=False, comment=None)
    manifest.columns = [c.strip() for c in manifest.columns]
    if not {"file", "article_id"} & set(manifest.columns):
        raise CorpusError(f"{path}: a manifest needs a `file` or `article_id` column, got {list(manifest.columns)}")
    manifest = manifest.reindex(columns=list(dict.fromkeys(MANIFEST_COLUMNS + list(manifest.columns))), fill_value="")
    manifest["article_id"] = manifest["article_id"].where(
        manifest["article_id"] != "", manifest["file"].map(lambda f: Path(f).stem))
    repeated = manifest["article_id"][manifest["article_id"].duplicated()].tolist()
    if repeated:
        raise CorpusError(f"{path}: article(s) listed twice in the manifest: {repeated}")
    return manifest


def _records_from_folder_file(path: Path, problems: Problems) -> Iterable[Record]:
    try:
        raw, encoding = decode_bytes(_read_bytes(path))
    except CorpusError as err:
        problems.add(path.name, str(err), article_id=path.stem)
        return
    yield Record(path.stem, path.name, None, raw, encoding, {})
