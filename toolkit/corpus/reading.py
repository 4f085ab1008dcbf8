"""Read a corpus from disk: a folder of .txt/.md files, a JSONL or a CSV file (decoded, one record per article), and a manifest."""

from __future__ import annotations

import codecs
import contextlib
import csv
import json
import os
import re
import stat
import sys
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import pandas as pd

from toolkit._checks import user_stacklevel
from toolkit.corpus.problems import CorpusError, CorpusWarning, Problems

#: Columns of :func:`read_manifest` (a manifest may add others).
MANIFEST_COLUMNS = ["file", "article_id", "title", "url", "outlet", "published", "language", "notes"]
#: Suffixes of the article files of a folder.
TEXT_SUFFIXES = (".txt", ".md")

#: The largest file (bytes) or JSONL/CSV line the loader reads; a larger one is refused by name.
#: Loading is linear in size (about 1 s per 2 MB of text); raise it for larger articles.
MAX_ARTICLE_BYTES = 200_000_000

_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Control characters that have no place in a text line (NUL and C0 controls, but not tab or line ends).
_LINE_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>]|<\?xml[^>]*>\s*<!doctype\s+html)", re.IGNORECASE)
#: URL schemes kept from a manifest or a source field; any other (``javascript:``, ``data:``, ...) is dropped.
URL_SCHEMES = ("http", "https")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes: UTF-8 (with or without BOM), UTF-16 (BOM), else cp1252, else latin-1.

    The whole file is checked: one byte that is not UTF-8 anywhere makes it cp1252.

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
    text, encoding = _decode_text(data)
    controls = len(_CONTROLS.findall(text, 0, 200_000))
    if "\x00" in text or controls > max(2, min(len(text), 200_000) // 200):
        raise CorpusError("binary or undecodable file (control characters; not UTF-8, UTF-16 or cp1252 text)")
    if not text.strip():
        raise CorpusError("empty file")
    return text, encoding


def _decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (BOM dropped), else cp1252, else latin-1 (which never fails)."""
    try:  # "utf-8-sig" would drop the BOM too, through a codec written in Python (a cost per JSONL/CSV line)
        text = data.decode("utf-8")
        return (text[1:] if text.startswith("\ufeff") else text), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _first_non_utf8_line(data: bytes) -> int:
    """1-based line of the first byte of ``data`` that is not UTF-8 (0 when all is UTF-8)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return data.count(b"\n", 0, err.start) + 1
    return 0


def foreign_format(text: str) -> str | None:
    """Why ``text`` (a .txt/.md file) is not an article but another format saved as text, or None."""
    head = text[:2000].lstrip("\ufeff")
    if head.startswith("%PDF-"):
        return "a PDF file saved as text (starts with %PDF-); convert it to text first"
    if _HTML_START.match(head):
        return "an HTML page saved as text (starts with <!DOCTYPE html>/<html>); extract its article text first"
    return None


class Record(NamedTuple):
    """One article as read, before cleaning."""

    article_id: str
    path: str
    line: int | None
    raw: str
    encoding: str
    fields: dict  # title, outlet, published, url, language, ... given by the source


def require_regular_file(path: Path, *, what: str = "file") -> os.stat_result:
    """``path``'s stat when it is a regular file (symlinks followed); raise CorpusError naming it otherwise.

    A FIFO or a device would block or never end, so it is refused before it is opened.
    """
    try:
        info = os.stat(path)
    except OSError as err:
        raise CorpusError(f"{path}: cannot read this {what} ({err.strerror or err})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = ("a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode)
                else "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
        raise CorpusError(f"{path}: {what} is {kind}, not a regular file; not read")
    return info


def read_records(path: Path, problems: Problems) -> Iterable[Record]:
    """The records of ``path`` (a folder, a .jsonl, a .csv or one .txt/.md file), read lazily.

    Files and lines that cannot be read are added to ``problems`` and skipped.

    Raises:
        CorpusError: ``path`` does not exist, is a special file (FIFO, device), or is none of these.
    """
    if not path.exists() and not path.is_symlink():
        raise CorpusError(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if path.is_dir():
        return _records_from_folder(path, problems)
    if suffix not in (".jsonl", ".csv", *TEXT_SUFFIXES):
        raise CorpusError(f"{path}: expected a folder of .txt/.md files, a .jsonl or a .csv, got {suffix!r}")
    info = require_regular_file(path, what="corpus file")
    if info.st_size > MAX_ARTICLE_BYTES and suffix in TEXT_SUFFIXES:
        raise CorpusError(f"{path}: {info.st_size:,} bytes, over MAX_ARTICLE_BYTES ({MAX_ARTICLE_BYTES:,}) "
                          "of toolkit.corpus.reading; raise it to load this article")
    if suffix == ".jsonl":
        return _records_from_jsonl(path, problems)
    if suffix == ".csv":
        return _records_from_csv(path, problems)
    return _records_from_folder_file(path, problems)


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as handle:  # read-only: the toolkit never writes to the input
        return handle.read()


def _folder_files(folder: Path, problems: Problems) -> list[Path]:
    """The article files of ``folder``, by name; special files and links leading outside are named and left out."""
    root = folder.resolve()
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.suffix.lower() not in TEXT_SUFFIXES:
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            problems.add(path.name, "symbolic link to a file outside the corpus folder; not followed",
                         article_id=path.stem)
            continue
        try:
            info = require_regular_file(path, what="article file")
        except CorpusError as err:
            if path.is_dir():
                continue
            problems.add(path.name, str(err).removeprefix(f"{path}: "), article_id=path.stem)
            continue
        if info.st_size > MAX_ARTICLE_BYTES:
            problems.add(path.name, f"{info.st_size:,} bytes, over MAX_ARTICLE_BYTES ({MAX_ARTICLE_BYTES:,}) of "
                         "toolkit.corpus.reading; raise it to load this article", article_id=path.stem)
            continue
        files.append(path)
    return files


def unique_ids(paths: list[Path], problems: Problems) -> list[str]:
    """One article id per file: its stem in NFC, made unique when two files share it.

    ``a.txt`` and ``a.md``, or a name spelt in NFC and in NFD, would give two articles one
    id; the later file (by name) gets a suffix (``a-txt`` after ``a.md``; ``a-2``, ``a-3``... for
    the same suffix), reported.
    """
    ids, taken = [], {}  # id -> suffix of the file that has it
    for path in paths:
        stem, suffix = unicodedata.normalize("NFC", path.stem), path.suffix.lower().lstrip(".")
        article_id = stem
        if article_id in taken:
            article_id = f"{stem}-{suffix}" if taken[stem] != suffix else f"{stem}-2"
            n = 3
            while article_id in taken:
                article_id, n = f"{stem}-{n}", n + 1
            problems.add(path.name, f"another file already has the article id {stem!r} (same name, other suffix "
                         f"or Unicode spelling); this one is {article_id!r}", article_id=article_id, kind="warning")
        taken[article_id] = suffix
        ids.append(article_id)
    return ids


def _records_from_folder(folder: Path, problems: Problems) -> Iterable[Record]:
    files = _folder_files(folder, problems)
    if not files:
        problems.add(folder.name, f"no {'/'.join(TEXT_SUFFIXES)} files in this folder")
    for path, article_id in zip(files, unique_ids(files, problems)):
        record = _record_from_file(path, article_id, problems)
        if record:
            yield record


def _record_from_file(path: Path, article_id: str, problems: Problems) -> Record | None:
    try:
        data = _read_bytes(path)
        raw, encoding = decode_bytes(data)
    except (CorpusError, OSError) as err:
        problems.add(path.name, str(err), article_id=article_id)
        return None
    foreign = foreign_format(raw)
    if foreign:
        problems.add(path.name, f"not an article: {foreign}", article_id=article_id)
        return None
    if encoding in ("cp1252", "latin-1"):
        problems.add(path.name, f"not UTF-8 (from line {_first_non_utf8_line(data)}); decoded as {encoding}, "
                     "check accented letters", article_id=article_id, kind="warning")
    return Record(article_id, path.name, None, raw, encoding, {})


_FIELD_ALIASES = {"article_id": ("article_id", "id"), "title": ("title", "headline"),
                  "outlet": ("outlet", "source"), "published": ("published", "date"),
                  "url": ("url", "link"), "language": ("language", "lang"), "notes": ("notes",)}


def _fields_of(row: dict, path: Path, line: int, problems: Problems) -> dict | None:
    """The known fields of one JSONL/CSV row, as str; None (and a problem) when the id is not a scalar.

    A field whose value is an object or an array is refused by name (never turned into its
    Python spelling); ``url`` must be an http(s) address.
    """
    fields = {}
    for name, aliases in _FIELD_ALIASES.items():
        for alias in aliases:
            value = row.get(alias)
            if value in (None, "") or (isinstance(value, float) and pd.isna(value)):
                continue
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                message = f"field `{alias}` is a JSON {type(value).__name__}, not a text or a number"
                if name == "article_id":
                    problems.add(path.name, f"{message}; line skipped", line=line)
                    return None
                problems.add(path.name, f"{message}; field ignored", line=line, kind="warning")
                break
            fields[name] = str(value).strip()
            break
    if fields.get("url") and not is_web_url(fields["url"]):
        problems.add(path.name, f"url {fields.pop('url')[:60]!r} is not an http(s) address; dropped", line=line,
                     kind="warning")
    return fields


# Keys read into Record.fields (or the text); every other key of a row is the user's own field.
_KNOWN_KEYS = frozenset({"text", *(alias for aliases in _FIELD_ALIASES.values() for alias in aliases)})


def is_web_url(url: str) -> bool:
    """True when ``url`` is an http(s) address (a ``javascript:`` or ``data:`` URL is not)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in URL_SCHEMES and bool(parts.netloc)


def _record_from_row(row: dict, path: Path, line: int, problems: Problems, encoding: str,
                     seen: set[str], *, controls: bool = True) -> Record | None:
    """The record of one JSONL/CSV row; None (and a problem) when it is skipped. ``controls=False`` says the row's
    values cannot hold a control character (:func:`_json_controls`), so the text is not searched for one."""
    text = row.get("text")
    fields = _fields_of(row, path, line, problems)
    if fields is None:
        return None
    extra = {k: v for k, v in row.items() if k not in _KNOWN_KEYS and isinstance(k, str) and k.strip()}
    if extra:
        fields["extra"] = extra  # the user's own fields, kept as columns by the loader
    article_id = fields.pop("article_id", f"{path.stem}-{line}")
    if article_id in seen:
        problems.add(path.name, f"duplicate article id {article_id!r}; kept the first", line=line,
                     article_id=article_id)
        return None
    if text is not None and not isinstance(text, str):
        problems.add(path.name, f"`text` is a JSON {type(text).__name__}, not a text", line=line,
                     article_id=article_id)
        return None
    if not isinstance(text, str) or not text or text.isspace():  # isspace: no stripped copy of a long text
        problems.add(path.name, "no `text` (missing or empty)", line=line, article_id=article_id)
        return None
    if controls and _LINE_CONTROLS.search(text):
        problems.add(path.name, "control characters (NUL or other C0 bytes) in `text`: binary data, not text; "
                     "line skipped", line=line, article_id=article_id)
        return None
    seen.add(article_id)
    return Record(article_id, path.name, line, text, encoding, fields)


def _text_lines(path: Path, problems: Problems) -> Iterator[tuple[int, str, str]]:
    """``(line number, line, encoding)`` of a JSONL/CSV file, each line decoded on its own.

    UTF-8 is checked line by line over the whole file: a line that is not UTF-8 is decoded as
    cp1252 (else latin-1) with a warning naming it, and the rest stays UTF-8. A UTF-16 file
    (BOM) is decoded whole. Line ends are kept (``\\r\\n`` inside quoted CSV fields).
    """
    with open(path, "rb") as handle:  # read-only, as everywhere
        head = handle.read(2)
    if head in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        with open(path, encoding="utf-16", errors="replace", newline="") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line, "utf-16"
        return
    legacy: dict[str, list[int]] = {}
    with open(path, "rb") as handle:
        for number, data in enumerate(handle, start=1):
            text, encoding = line_text(data, number, path, problems)
            if encoding != "utf-8":
                legacy.setdefault(encoding, []).append(number)
            yield number, text, encoding
    # One warning per file, naming the lines (a whole cp1252 file would otherwise warn once per line).
    for encoding, numbers in legacy.items():
        shown = ", ".join(map(str, numbers[:10])) + (f" and {len(numbers) - 10:,} more" if len(numbers) > 10 else "")
        problems.add(path.name, f"not UTF-8 on line(s) {shown}; decoded as {encoding}, check accented letters",
                     line=numbers[0], kind="warning")


def line_text(data: bytes, number: int, path: Path, problems: Problems) -> tuple[str, str]:
    """``(text, encoding)`` of line ``number`` (its bytes ``data``, line end kept) of a JSONL/CSV file that is not
    UTF-16, as :func:`_text_lines` reads it: the byte-order mark dropped from line 1, then a line of more than
    ``MAX_ARTICLE_BYTES`` bytes (counted without the mark) skipped with a problem (read as a blank line), else the
    line decoded (:func:`_decode_text`). The loader's worker processes read lines with it too
    (:func:`jsonl_bytes_record`), so a line is checked one way."""
    if number == 1 and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if len(data) > MAX_ARTICLE_BYTES:
        problems.add(path.name, f"line of {len(data):,} bytes, over MAX_ARTICLE_BYTES "
                     f"({MAX_ARTICLE_BYTES:,}) of toolkit.corpus.reading; line skipped", line=number)
        return "\n", "utf-8"
    return _decode_text(data)


def jsonl_bytes_record(data: bytes, line_no: int, path: Path, problems: Problems, seen: set[str]) -> Record | None:
    """The record the JSONL reader makes of line ``line_no`` (its bytes ``data``) of a file that is not UTF-16, or
    None where it makes none (a blank line, or a problem, added to ``problems`` as the reader adds it); ``seen``
    holds the ids already read. A legacy encoding is only the record's ``encoding`` here: the reader warns about
    it once per file (:func:`_text_lines`)."""
    line, encoding = line_text(data, line_no, path, problems)
    if not line or line.isspace():
        return None
    return jsonl_line_record(line, line_no, encoding, path, problems, seen)


def _json_controls(line: str, text: object, *, escapes: bool = True) -> bool:
    """Whether ``text``, the ``text`` value decoded from the JSON ``line``, may hold a character of ``_LINE_CONTROLS``.

    The strict JSON decoder refuses C0 controls written as they are, so one comes from an escape: ``\\u00..`` (looked
    for in the line, unless ``escapes`` is False: the line holds no ``\\u`` at all) or ``\\b`` (a backspace, looked
    for in the decoded text: one character is found faster than a two-character escape whose backslash is common); or
    it is a DEL, written as it is or escaped. Tests at memory speed, where searching the text with the regex tries
    every character."""
    return (escapes and "\\u00" in line) or (isinstance(text, str) and ("\b" in text or "\x7f" in text))


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _without_lone_surrogates(value):
    """``value`` (a decoded JSON value) with every lone surrogate in its strings (keys too) replaced by U+FFFD, one
    character for one, so offsets do not move; ``value`` itself when it holds none. No text holding one can be
    stored (UTF-8 has no such character)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        items = [(_without_lone_surrogates(k), _without_lone_surrogates(v)) for k, v in value.items()]
        changed = any(k is not k0 or v is not v0 for (k, v), (k0, v0) in zip(items, value.items()))
        return dict(items) if changed else value
    if isinstance(value, list):
        items = [_without_lone_surrogates(v) for v in value]
        return items if any(v is not v0 for v, v0 in zip(items, value)) else value
    return value


def _records_from_jsonl(path: Path, problems: Problems) -> Iterable[Record]:
    seen: set[str] = set()
    any_line = False
    for line_no, line, encoding in _text_lines(path, problems):
        if not line or line.isspace():
            continue
        any_line = True
        record = jsonl_line_record(line, line_no, encoding, path, problems, seen)
        if record:
            yield record
    if not any_line:
        problems.add(path.name, "empty file: no JSON lines")


def jsonl_line_record(line: str, line_no: int, encoding: str, path: Path, problems: Problems,
                      seen: set[str]) -> Record | None:
    """The record of one non-blank JSONL line (decoded, as :func:`_text_lines` yields it), or None and a problem;
    ``seen`` holds the ids read before it (a repeated one is skipped). The loader's worker processes read lines
    with it too (:func:`jsonl_bytes_record`), so a line is read one way."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as err:
        problems.add(path.name, f"malformed JSON ({err.msg}, column {err.colno})", line=line_no)
        return None
    except RecursionError:
        problems.add(path.name, "malformed JSON (nested too deeply to read); line skipped", line=line_no)
        return None
    if not isinstance(row, dict):
        problems.add(path.name, f"expected a JSON object, got {type(row).__name__}", line=line_no)
        return None
    # A lone surrogate comes only from an escape (\ud800 to \udfff, without its other half: the decoder joins a
    # pair), and a C0 control mostly from one (\u0000 to \u001f): one search for "\u" passes over most lines (every
    # line of a file written without ASCII escapes), where the searches for "\ud", "\uD" and "\u00" read each line
    # three times, longer than json.loads takes; only a line holding one is walked.
    escapes = "\\u" in line
    fixed = _without_lone_surrogates(row) if escapes and ("\\ud" in line or "\\uD" in line) else row
    record = _record_from_row(fixed, path, line_no, problems, encoding, seen,
                              controls=_json_controls(line, fixed.get("text"), escapes=escapes))
    if fixed is not row:
        problems.add(path.name, "half of a character (a lone surrogate escape, \\ud800-\\udfff) replaced by U+FFFD",
                     line=line_no, article_id=record.article_id if record else "", kind="warning")
    return record


def _csv_rows(reader, on_error):
    """``(line number, values)`` of a csv reader's non-blank rows; an unreadable row goes to
    ``on_error(err, line number)`` and is skipped, so one bad row never stops the file."""
    while True:
        line_no = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            on_error(err, line_no)
            continue
        if any(v.strip() for v in values):
            yield line_no, values


@contextlib.contextmanager
def _csv_fields_of_any_size():
    """Let the csv module read fields of any size (its default limit is 131,072 characters)."""
    old = csv.field_size_limit()
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _records_from_csv(path: Path, problems: Problems) -> Iterable[Record]:
    encodings: dict[int, str] = {}

    def lines():
        for number, line, encoding in _text_lines(path, problems):
            encodings[number] = encoding
            yield line

    with _csv_fields_of_any_size():
        reader = csv.reader(lines())
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            problems.add(path.name, "empty file: no CSV header")
            return
        except csv.Error as err:
            raise CorpusError(f"{path.name}:1: unreadable CSV header ({err})") from err
        if "text" not in header:
            raise CorpusError(f"{path.name}: a CSV of articles needs a `text` column; its columns are {header}")
        seen: set[str] = set()
        for line_no, values in _csv_rows(reader, lambda err, n: problems.add(path.name, f"malformed CSV ({err})",
                                                                            line=n)):
            if len(values) != len(header):
                problems.add(path.name, f"malformed CSV row: expected {len(header)} fields, got {len(values)}",
                             line=line_no)
                continue
            used = {encodings.pop(number, "utf-8") for number in range(line_no, reader.line_num + 1)}
            encoding = next((e for e in sorted(used) if e != "utf-8"), "utf-8")
            record = _record_from_row(dict(zip(header, values)), path, line_no, problems, encoding, seen)
            if record:
                yield record


def read_text_file(path: str | Path, *, what: str = "file") -> str:
    """The text of a small input file (manifest, registry, gazetteer, aliases, codebook, cues).

    UTF-8 (BOM dropped) or UTF-16 (BOM); otherwise decoded as cp1252 with a
    :class:`CorpusWarning` naming the file and the first line that is not UTF-8.

    Raises:
        CorpusError: the file is missing, a folder or a special file (FIFO, device), naming it.
    """
    path = Path(path)
    require_regular_file(path, what=what)
    data = _read_bytes(path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise CorpusError(f"{path}: {what} starts with a UTF-16 mark but is not UTF-16 ({err.reason})") from None
    text, encoding = _decode_text(data)
    if encoding != "utf-8":
        warnings.warn(f"{path}:{_first_non_utf8_line(data)}: {what} is not UTF-8; decoded as {encoding}, check "
                      "accented letters", CorpusWarning, stacklevel=user_stacklevel())
    return text


def read_csv_rows(path: str | Path, *, what: str = "CSV file", problems: Problems | None = None,
                  columns: list[str] | None = None, label: str | None = None) -> pd.DataFrame:
    """Read a small CSV file (``#`` lines are comments) into a table of str, naming every bad row.

    A row with the wrong number of fields, or one the csv module cannot read (an unterminated
    quote), is skipped and named (``file:line``) in ``problems`` (or by a
    :class:`CorpusWarning`); the rest loads. An empty file gives an empty table (``columns``),
    with a warning naming it.

    Returns:
        The rows as str, with the header's columns (stripped) and ``_line``, each row's line number.

    Raises:
        CorpusError: the file cannot be read at all (missing, a folder, a FIFO).
    """
    path = Path(path)
    problems = problems if problems is not None else Problems("warn")
    label = label or str(path)
    text = read_text_file(path, what=what)
    physical = [("" if line.lstrip().startswith("#") else line) for line in text.splitlines(keepends=True)]
    rows, numbers, header = [], [], None
    with _csv_fields_of_any_size():
        reader = csv.reader(physical, strict=True)  # an unterminated quote is named, not read to the end
        def unreadable(err, n):
            problems.add(label, f"{what}: unreadable CSV row ({err}); skipped", line=n)

        for line_no, values in _csv_rows(reader, unreadable):
            if header is None:
                header = [v.strip() for v in values]
                continue
            if len(values) != len(header):
                problems.add(label, f"{what}: row has {len(values)} fields, the header has {len(header)}; "
                             "skipped", line=line_no)
                continue
            rows.append(values)
            numbers.append(line_no)
    if header is None:
        problems.add(label, f"{what} is empty (no header)", kind="warning")
        return pd.DataFrame(columns=[*(columns or []), "_line"], dtype=str)
    table = pd.DataFrame(rows, columns=header, dtype=object).astype(str) if rows else pd.DataFrame(
        columns=header, dtype=str)
    table["_line"] = numbers
    return table


def read_manifest(path: Path, problems: Problems | None = None) -> pd.DataFrame:
    """Read a ``manifest.csv``: per-article metadata keyed by ``file`` or ``article_id``.

    Every bad row is named (``manifest.csv:line``) in ``problems`` and skipped, the rest
    loads: a row with the wrong number of fields, a ``file`` outside the corpus folder
    (``../elsewhere/b.txt``, an absolute path), a key listed twice (the first is kept). A
    ``url`` that is not http(s) (``javascript:...``) is dropped with a warning.

    Returns:
        One row per listed article with MANIFEST_COLUMNS (str, "" when not given); ``article_id``
        (NFC) is filled from ``file``'s stem when only ``file`` is given.

    Raises:
        CorpusError: neither ``file`` nor ``article_id`` is a column, or the file cannot be read.
    """
    path = Path(path)
    problems = problems if problems is not None else Problems("warn")
    name = path.name
    table = read_csv_rows(path, what="manifest", problems=problems, columns=MANIFEST_COLUMNS, label=name)
    table.columns = [c.strip() for c in table.columns]
    if len(table.columns) > 1 and not {"file", "article_id"} & set(table.columns):
        raise CorpusError(f"{path}: a manifest needs a `file` or `article_id` column, got "
                          f"{[c for c in table.columns if c != '_line']}")
    table = table.reindex(columns=list(dict.fromkeys(MANIFEST_COLUMNS + list(table.columns))), fill_value="")
    keep = []
    for i, (line, file, url) in enumerate(zip(table["_line"], table["file"], table["url"])):
        file, line = file.strip(), int(line)
        if file and (Path(file).is_absolute() or ".." in Path(file.replace("\\", "/")).parts):
            problems.add(name, f"`file` {file!r} is outside the corpus folder; row skipped", line=line)
            continue
        if url.strip() and not is_web_url(url):
            problems.add(name, f"url {url.strip()[:60]!r} is not an http(s) address; dropped", line=line,
                         kind="warning")
            table.iat[i, table.columns.get_loc("url")] = ""
        keep.append(i)
    table = table.iloc[keep].reset_index(drop=True)
    table["article_id"] = [unicodedata.normalize("NFC", a.strip() or Path(f.strip()).stem)
                           for a, f in zip(table["article_id"], table["file"])]
    repeated = table["article_id"].duplicated()
    for line, article_id in zip(table["_line"][repeated], table["article_id"][repeated]):
        problems.add(name, f"article {article_id!r} listed twice in the manifest; kept the first", line=int(line),
                     article_id=article_id)
    return table[~repeated].drop(columns="_line").reset_index(drop=True)


def _records_from_folder_file(path: Path, problems: Problems) -> Iterable[Record]:
    record = _record_from_file(path, unicodedata.normalize("NFC", path.stem), problems)
    if record:
        yield record
