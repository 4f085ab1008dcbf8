"""Load raw articles (a folder of .txt/.md, or JSONL/CSV) into the `articles` and `removed` tables."""

from __future__ import annotations

import codecs
import csv
import functools
import io
import json
import re
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from toolkit._checks import require_choice
from toolkit.cleaning import clean_text
from toolkit.paths import DATA
from toolkit.schema import ARTICLE_COLUMNS, PROBLEM_COLUMNS, REMOVED_COLUMNS
from toolkit.text import MONTH_ABBREVIATIONS, MONTHS

MANIFEST_COLUMNS = ["file", "article_id", "title", "url", "outlet", "published", "language", "notes"]
OUTLET_COLUMNS = ["code", "name", "country", "language", "domains", "aliases"]

TEXT_SUFFIXES = (".txt", ".md")
DEFAULT_LANGUAGES = ("fr", "en")


class CorpusError(ValueError):
    """A problem with the user's input, naming the file (and line) and the reason."""


class CorpusWarning(UserWarning):
    """A problem that skipped one article or one field; the rest of the corpus loaded."""


class Corpus(NamedTuple):
    """What :func:`load_corpus` returns; unpacks as ``articles, removed, problems``."""

    articles: pd.DataFrame
    removed: pd.DataFrame
    problems: pd.DataFrame


# ---------------------------------------------------------------- dates

_MONTHS = {**MONTHS, **MONTH_ABBREVIATIONS}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:er|st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_TIME = r"(?:\s*(?:[-–—,|à@]|at)?\s*\d{1,2}[:hH]\d{2}(?::\d{2})?(?:\s*(?:GMT|UTC|ICT|[AP]M)[+\d:]*)?)"
_WEEKDAY = (r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|lundi|mardi|mercredi|jeudi|vendredi|"
            r"samedi|dimanche),?\s+")
DATE_PATTERN = re.compile(
    rf"(?P<mdy>{_MONTH}\s+{_DAY},?\s+{_YEAR})"  # October 27, 2024
    rf"|(?P<dmy>{_DAY}\s+{_MONTH}\s+{_YEAR})"  # 27 octobre 2024
    rf"|(?P<iso>{_YEAR}-\d\d-\d\d)"  # 2024-10-27
    rf"|(?P<num>\d{{1,2}}/\d{{1,2}}/{_YEAR})"  # 27/10/2024 (day first)
    rf"|(?P<dm>{_DAY}\s+{_MONTH})(?![\w])"  # 16 mai (partial)
    rf"|(?P<md>{_MONTH}\s+{_DAY})(?![\w])",  # May 16 (partial)
    re.IGNORECASE,
)
# A line that is nothing but a publication date and time.
TIMESTAMP_LINE = re.compile(
    rf"^(?:(?:published|updated|posted|publié|mis à jour|modifié)(?: le| on)?\s*:?\s*)?(?:{_WEEKDAY})?"
    rf"(?:{DATE_PATTERN.pattern}){_TIME}?\s*(?:GMT|UTC|ICT)?[+\d:]*$",
    re.IGNORECASE,
)


def parse_date(text: str) -> tuple[str, pd.Timestamp | None]:
    """Find the first date in ``text``.

    Returns:
        ``(date_text, published)``: the date as written ("" when none) and a Timestamp when
        day, month and year are all given, else None ("16 mai" is partial).
    """
    m = DATE_PATTERN.search(text or "")
    if not m:
        return "", None
    found = m.group(0).strip()
    kind = m.lastgroup
    try:
        if kind in ("mdy", "dmy"):
            words = re.findall(r"\w+", found.lower())
            month = next(_MONTHS[w] for w in words if w in _MONTHS)
            nums = [int(re.sub(r"\D", "", w)) for w in words if re.match(r"\d", w)]
            day, year = (nums[0], nums[1]) if nums[0] < 100 else (nums[1], nums[0])
            return found, pd.Timestamp(year=year, month=month, day=day)
        if kind == "iso":
            return found, pd.Timestamp(found)
        if kind == "num":
            day, month, year = (int(x) for x in found.split("/"))
            return found, pd.Timestamp(year=year, month=month, day=day)
    except (ValueError, StopIteration, IndexError):
        return found, None
    return found, None


# ---------------------------------------------------------------- outlets


def load_outlets(*extra: str | Path) -> pd.DataFrame:
    """Read the outlet registry, with user files of the same columns overriding it by code.

    Args:
        *extra: CSV files with columns ``code, name, country`` (and optionally ``language,
            domains, aliases``, lists separated by ``|``); ``#`` lines are comments.

    Returns:
        One row per outlet: ``code, name, country, language, domains, aliases`` (str).

    Raises:
        CorpusError: a file lacks ``code`` or ``name``.
    """
    tables = []
    for path in (DATA / "outlets.csv", *extra):
        table = pd.read_csv(path, comment="#", dtype=str, keep_default_na=False)
        if not {"code", "name"} <= set(table.columns):
            raise CorpusError(f"{path}: an outlet registry needs columns code and name, got {list(table.columns)}")
        tables.append(table.reindex(columns=OUTLET_COLUMNS, fill_value=""))
    outlets = pd.concat(tables, ignore_index=True)
    outlets["code"] = outlets["code"].str.strip().str.upper()
    return outlets.drop_duplicates("code", keep="last").sort_values("code", ignore_index=True)


class _OutletIndex:
    """Look-ups from codes, names, aliases and web domains to registry codes."""

    def __init__(self, outlets: pd.DataFrame):
        self.rows = {r.code: r for r in outlets.itertuples(index=False)}
        self.by_name: dict[str, str] = {}
        self.by_domain: dict[str, str] = {}
        for r in outlets.itertuples(index=False):
            for name in [r.name, *str(r.aliases).split("|")]:
                if name.strip():
                    self.by_name[name.strip().casefold()] = r.code
            for domain in str(r.domains).split("|"):
                if domain.strip():
                    self.by_domain[domain.strip().lower()] = r.code

    def code_for_domain(self, url: str) -> str | None:
        m = re.match(r"<?(?:https?://)?(?:www\.)?([^/\s>]+)", url or "")
        host = m.group(1).lower() if m else ""
        while host:
            if host in self.by_domain:
                return self.by_domain[host]
            host = host.partition(".")[2]
        return None


_DATELINE = re.compile(
    r"^(?P<place>(?:[A-ZÀ-ÖØ-ÞĐ][\w'’.-]*)(?:\s+(?:[A-ZÀ-ÖØ-ÞĐ][\w'’.-]*|de|du|des|la|le|d['’]\w+)){0,3})"
    r"(?:,\s*(?P<date>[^()\-–—]{3,30}?))?\s*"
    r"(?:\((?P<code>[A-Z][A-Za-z]{1,9}(?:/[A-Z][A-Za-z]{1,9})?)\)\s*[-–—:]?|[-–—])\s+"
)
_SIGNOFF = re.compile(r"[.!?\"”»]\s*[-–—]\s*(?P<code>[A-Z]{2,8}(?:/[A-Z]{2,8})*)\s*$")
_CREDIT_CODE = re.compile(r"\bPhoto\s*:\s*(?P<code>[A-Z]{2,8})\b|[-–—]\s*(?P<code2>[A-Z]{2,8})(?:/[A-Z]{2,8})*\s+Photo")


def parse_dateline(paragraph: str) -> dict:
    """Read "La Havane (VNA) -", "Hanoï, 16 mai (RHC)" or "HAVANA –" at the start of a paragraph.

    Returns:
        ``{"place", "date_text", "code"}`` (empty strings when absent); all empty when the
        paragraph does not open with a dateline.
    """
    m = _DATELINE.match(paragraph or "")
    if not m or (not m.group("code") and not m.group("place").isupper()):
        return {"place": "", "date_text": "", "code": ""}
    place = m.group("place")
    if place.isupper():
        place = place.title()
    date_text = parse_date(m.group("date") or "")[0]
    return {"place": place, "date_text": date_text, "code": (m.group("code") or "").split("/")[0].upper()}


def infer_outlet(raw: str, text: str, removed: Sequence[tuple[int, int, str]], index: _OutletIndex,
                 *, url: str = "") -> tuple[str, str]:
    """Guess the outlet from the text itself, most specific evidence first.

    Order: a masthead footer naming a known outlet; the dateline code ("Hanoï (VNA) -");
    the URL's domain (the file's own URL line, else ``url``); a sign-off ending the body
    ("... – VNS"); a photo credit ("Photo: VNA").

    Returns:
        ``(code, evidence)``: the outlet code (may be unknown to the registry) and a short
        description of what it came from; ``("", "")`` when the text names no outlet.
    """
    spans = [(raw[a:b], reason) for a, b, reason in removed]
    for piece, reason in spans:
        if reason == "footer":
            code = index.by_name.get(piece.strip("*_ ").strip().casefold())
            if code:
                return code, f"masthead footer ({piece.strip('*_ ').strip()})"
    paragraphs = text.split("\n\n") if text else [""]
    dateline = parse_dateline(paragraphs[0])
    if dateline["code"]:
        return dateline["code"], f"dateline ({dateline['code']})"
    for piece, reason in spans:
        if reason == "url":
            code = index.code_for_domain(piece)
            if code:
                return code, f"URL line ({piece.strip('<>')})"
    if url and index.code_for_domain(url):
        return index.code_for_domain(url), f"url ({url})"
    m = _SIGNOFF.search(paragraphs[-1])
    if m:
        return m.group("code").split("/")[-1], f"sign-off ({m.group(0).strip(' .')})"
    for piece, reason in spans:
        if reason == "caption":
            m = _CREDIT_CODE.search(piece)
            if m:
                code = m.group("code") or m.group("code2")
                return code, f"photo credit ({code})"
    return "", ""


# ---------------------------------------------------------------- language

# A thousand characters decide the language as well as the whole text, at a fraction of the cost.
_DETECT_CHARS = 1000


@functools.cache
def _detector(languages: tuple[str, ...]):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect_language(text: str, *, languages: Sequence[str] = DEFAULT_LANGUAGES) -> str | None:
    """ISO 639-1 code of ``text``'s language among ``languages`` (lingua), None if unsure.

    Raises:
        ValueError: a code in ``languages`` is not an ISO 639-1 code lingua knows.
    """
    try:
        detector = _detector(tuple(sorted(c.lower() for c in languages)))
    except AttributeError as err:
        raise ValueError(f"`languages` must be ISO 639-1 codes lingua knows, got {list(languages)!r}") from err
    found = detector.detect_language_of(text[:_DETECT_CHARS]) if text.strip() else None
    return found.iso_code_639_1.name.lower() if found else None


def detect_languages(texts: Sequence[str], *, languages: Sequence[str] = DEFAULT_LANGUAGES) -> list[str | None]:
    """:func:`detect_language` for many texts at once, on all cores (lingua's parallel API)."""
    try:
        detector = _detector(tuple(sorted(c.lower() for c in languages)))
    except AttributeError as err:
        raise ValueError(f"`languages` must be ISO 639-1 codes lingua knows, got {list(languages)!r}") from err
    found = detector.detect_languages_in_parallel_of([t[:_DETECT_CHARS] for t in texts])
    return [f.iso_code_639_1.name.lower() if f else None for f in found]


# ---------------------------------------------------------------- decoding and reading

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


class _Record(NamedTuple):
    article_id: str
    path: str
    line: int | None
    raw: str
    encoding: str
    fields: dict  # title, outlet, published, url, language, ... given by the source


class _Problems:
    """Collects problems; warns or raises as the caller asked."""

    def __init__(self, errors: str):
        self.errors, self.rows = errors, []

    def add(self, path: str, message: str, *, line: int | None = None, article_id: str = "",
            kind: str = "error") -> None:
        where = f"{path}:{line}" if line else path
        self.rows.append({"path": path, "line": line, "article_id": article_id, "kind": kind,
                          "message": message})
        if self.errors == "raise":
            raise CorpusError(f"{where}: {message}")
        if self.errors == "warn":
            warnings.warn(f"{where}: {message}", CorpusWarning, stacklevel=4)

    def table(self) -> pd.DataFrame:
        problems = pd.DataFrame(self.rows, columns=PROBLEM_COLUMNS)
        problems["line"] = problems["line"].astype("Int64")
        return problems


def _read_bytes(path: Path) -> bytes:
    with open(path, "rb") as handle:  # read-only: the toolkit never writes to the input
        return handle.read()


def _records_from_folder(folder: Path, problems: _Problems) -> Iterable[_Record]:
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
        yield _Record(path.stem, path.name, None, raw, encoding, {})


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


def _record_from_row(row: dict, path: Path, line: int, problems: _Problems, encoding: str,
                     seen: set[str]) -> _Record | None:
    text = row.get("text")
    fields = _fields_of(row)
    article_id = fields.pop("article_id", f"{path.stem}-{line}")
    if article_id in seen:
        problems.add(path.name, f"duplicate article id {article_id!r}; kept the first", line=line,
                     article_id=article_id)
        return None
    if not isinstance(text, str) or not text.strip():
        problems.add(path.name, "no `text` (missing or empty)", line=line, article_id=article_id)
        return None
    seen.add(article_id)
    return _Record(article_id, path.name, line, text, encoding, fields)


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


def _text_lines(path: Path, problems: _Problems) -> tuple[Iterable[str], str]:
    """Stream a text file's lines in its encoding (a cp1252/latin-1 fallback is reported once)."""
    encoding = _sniff_encoding(path)
    if encoding in ("cp1252", "latin-1"):
        problems.add(path.name, f"not UTF-8; decoded as {encoding}, check accented letters", kind="warning")

    def lines():
        # newline="" keeps \r\n inside quoted CSV fields as written; the caller strips line ends.
        with open(path, encoding=encoding, errors="replace", newline="") as handle:
            yield from handle

    return lines(), "utf-8" if encoding == "utf-8-sig" else encoding


def _records_from_jsonl(path: Path, problems: _Problems) -> Iterable[_Record]:
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


def _records_from_csv(path: Path, problems: _Problems) -> Iterable[_Record]:
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


# ---------------------------------------------------------------- the public loader

def count_words(text: str, *, language: str | None = None) -> int:
    """Number of word tokens, as :func:`toolkit.text.tokenize_words` counts them.

    The same count is used everywhere (summaries, rates per 1,000 words); an elided French
    clitic ("l'" in "l'entretien") counts as a word.
    """
    from toolkit.text import tokenize_words

    return len(tokenize_words(text, language=language))


def load_corpus(path: str | Path, *, languages: Sequence[str] = DEFAULT_LANGUAGES,
                manifest: str | Path | None = None, outlets: str | Path | None = None,
                errors: str = "warn", progress: bool | None = None) -> Corpus:
    """Load and clean a corpus of news articles.

    Args:
        path: A folder of ``.txt``/``.md`` files (one article each, the file stem is the
            ``article_id``), or a ``.jsonl`` / ``.csv`` file with one article per line/row:
            a ``text`` column and optionally ``id``/``article_id``, ``title``, ``outlet``,
            ``published``, ``url``, ``language``, ``notes``.
        languages: ISO 639-1 codes the language detector chooses among.
        manifest: A CSV of per-article metadata (``file`` or ``article_id``, then any of
            ``title, url, outlet, published, language, notes``) that overrides what is
            inferred. Default: ``manifest.csv`` beside the files, when present.
        outlets: A CSV extending the outlet registry (``toolkit/data/outlets.csv``).
            Default: ``outlets.csv`` beside the files, when present.
        errors: ``"warn"`` (default): a bad file, line or row is skipped with a
            :class:`CorpusWarning` naming it, and listed in ``problems``; ``"raise"``: the
            first problem raises :class:`CorpusError`; ``"ignore"``: listed only.
        progress: Show a progress bar; None shows one for large inputs (over 2,000 files
            or 20 MB). Files are read and cleaned in chunks of ``CHUNK_SIZE`` articles, so
            memory holds the raw text once, not twice.

    Returns:
        A :class:`Corpus` ``(articles, removed, problems)``, rows in input order (a folder's
        files sorted by name; a JSONL or CSV file's records in file order):

        - ``articles``, one row per article: ``article_id`` (str), ``path`` (str, file name
          relative to the corpus), ``title``, ``text`` (cleaned body, paragraphs joined by a
          blank line), ``raw`` (the file as decoded, unchanged), ``language`` (ISO 639-1),
          ``outlet`` (code), ``outlet_name``, ``outlet_country``, ``dateline`` (place),
          ``published`` (datetime64, NaT when unknown or partial), ``date_text`` (the date
          as written), ``n_words`` (int), ``url``, ``notes``, ``outlet_evidence`` (what
          the outlet was read from), ``encoding``. Strings are missing (NA) when unknown.
        - ``removed``, one row per removed span: ``article_id``, ``start_char``,
          ``end_char`` (int offsets into ``raw``), ``reason`` (see
          ``toolkit.cleaning.REASONS``), ``text``.
        - ``problems``, one row per problem: ``path``, ``line`` (Int64), ``article_id``,
          ``kind`` (error, warning, conflict), ``message``. Conflicts between the manifest
          and the text are listed here, never silently resolved.

    Raises:
        CorpusError: ``path`` does not exist or is not a folder/.jsonl/.csv; with
            ``errors="raise"``, any problem.

    Example:
        >>> articles, removed, problems = load_corpus(SEEDS)
    """
    require_choice(errors, ("warn", "raise", "ignore"), name="errors")
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    folder = path if path.is_dir() else path.parent
    problems = _Problems(errors)
    suffix = path.suffix.lower()
    if path.is_dir():
        records = _records_from_folder(path, problems)
    elif suffix == ".jsonl":
        records = _records_from_jsonl(path, problems)
    elif suffix == ".csv":
        records = _records_from_csv(path, problems)
    elif suffix in TEXT_SUFFIXES:
        records = _records_from_folder_file(path, problems)
    else:
        raise CorpusError(f"{path}: expected a folder of .txt/.md files, a .jsonl or a .csv, got {suffix!r}")

    manifest_path = Path(manifest) if manifest else folder / "manifest.csv"
    if manifest and not manifest_path.exists():
        raise CorpusError(f"{manifest_path}: manifest not found")
    listed = read_manifest(manifest_path) if manifest_path.exists() and manifest_path != path else None
    registry_files = [Path(outlets)] if outlets else [p for p in [folder / "outlets.csv"] if p.exists() and p != path]
    index = _OutletIndex(load_outlets(*registry_files))
    masthead = frozenset(index.by_name)
    by_id = listed.set_index("article_id") if listed is not None else None

    from tqdm import tqdm

    article_chunks, removed_chunks, loaded = [], [], set()
    records = tqdm(records, desc="loading", unit="article", mininterval=1.0,
                   disable=not (progress if progress is not None else _looks_large(path)))
    # Articles are cleaned and typed in chunks, so the raw text is held once (in the typed
    # chunk), not twice (Python strings plus a DataFrame copy), whatever the corpus size.
    for chunk in _chunks(records, CHUNK_SIZE):
        pending = []
        for record in chunk:
            entry = by_id.loc[record.article_id].to_dict() if by_id is not None and record.article_id in by_id.index else {}
            cleaned = _clean_record(record, entry, masthead, problems)
            if cleaned is not None:
                pending.append((record, entry, cleaned))
        detected = detect_languages([c.title + "\n" + c.text for _, _, c in pending], languages=languages)
        rows, removed_rows = [], []
        for (record, entry, cleaned), language in zip(pending, detected):
            article_row, spans = _build_article(record, cleaned, language, entry, index, problems)
            rows.append(article_row)
            removed_rows += spans
            loaded.add(record.article_id)
        article_chunks.append(_typed_articles(rows))
        removed_chunks.append(_typed_removed(removed_rows))
    if by_id is not None:
        for article_id in by_id.index.difference(sorted(loaded)):
            problems.add(manifest_path.name, f"manifest lists {article_id!r} but no such article loaded",
                         article_id=article_id, kind="warning")

    articles = pd.concat(article_chunks, ignore_index=True) if article_chunks else _typed_articles([])
    removed = pd.concat(removed_chunks, ignore_index=True) if removed_chunks else _typed_removed([])
    # Rows stay in input order (a folder's files by name; a JSONL/CSV file's lines in order),
    # which is deterministic; sorting would copy every column of a large corpus once more.
    return Corpus(articles, removed, problems.table())


CHUNK_SIZE = 2_000


def _chunks(items: Iterable, size: int) -> Iterable[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _looks_large(path: Path) -> bool:
    """Show a progress bar for folders of many files or files over 20 MB."""
    if path.is_dir():
        return sum(1 for _ in zip(range(2_001), path.iterdir())) > 2_000
    return path.stat().st_size > 20_000_000


def _typed_articles(rows: list[dict]) -> pd.DataFrame:
    articles = pd.DataFrame(rows, columns=ARTICLE_COLUMNS)
    types = {c: "string" for c in ARTICLE_COLUMNS if c not in ("published", "n_words")}
    articles = articles.astype({**types, "n_words": "int64"})
    articles["published"] = pd.to_datetime(articles["published"]).astype("datetime64[us]")
    return articles


def _typed_removed(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=REMOVED_COLUMNS).astype(
        {"article_id": "string", "start_char": "int64", "end_char": "int64", "reason": "string", "text": "string"})


def _records_from_folder_file(path: Path, problems: _Problems) -> Iterable[_Record]:
    try:
        raw, encoding = decode_bytes(_read_bytes(path))
    except CorpusError as err:
        problems.add(path.name, str(err), article_id=path.stem)
        return
    yield _Record(path.stem, path.name, None, raw, encoding, {})


def _clean_record(record: _Record, entry: dict, masthead: frozenset[str], problems: _Problems):
    """Clean one record; None (and a problem) when nothing but boilerplate is left."""
    title_given = entry.get("title") or record.fields.get("title") or None
    cleaned = clean_text(record.raw, find_title=title_given is None and record.line is None,
                         title=title_given, timestamp_pattern=TIMESTAMP_LINE, masthead_names=masthead)
    if not cleaned.text.strip():
        problems.add(record.path, "no article text left after cleaning (everything was boilerplate)",
                     line=record.line, article_id=record.article_id)
        return None
    return cleaned


def _build_article(record: _Record, cleaned, detected_language: str | None, entry: dict, index: _OutletIndex,
                   problems: _Problems):
    """Fill one cleaned article's metadata: manifest > source fields > the text."""
    where = dict(line=record.line, article_id=record.article_id)
    given = record.fields
    spans = [{"article_id": record.article_id, "start_char": a, "end_char": b, "reason": reason,
              "text": record.raw[a:b]} for a, b, reason in cleaned.removed]

    inferred: dict[str, object] = {}
    inferred["outlet"], evidence = infer_outlet(record.raw, cleaned.text, cleaned.removed, index,
                                                url=entry.get("url") or given.get("url") or "")
    dateline = parse_dateline(cleaned.paragraphs[0])
    inferred["date_text"] = ""
    for span in spans:
        if span["reason"] == "timestamp":
            inferred["date_text"] = parse_date(span["text"])[0]
            break
    else:
        inferred["date_text"] = dateline["date_text"]
    inferred["published"] = parse_date(inferred["date_text"])[1]
    inferred["language"] = detected_language

    # Conflicts are reported, then the manifest (or the source's own field) wins.
    for name in ("outlet", "language", "published"):
        stated = entry.get(name) or given.get(name)
        found = inferred[name]
        if not stated or found in (None, ""):
            continue
        stated_value = _as_date(stated, record, problems) if name == "published" else str(stated).strip()
        if name == "outlet":
            stated_value = str(stated_value).upper()
        if stated_value is not None and stated_value != found:
            source = "manifest" if entry.get(name) else "the source's field"
            problems.add(record.path, f"{source} says {name}={stated_value!s:.10}, the text says "
                         f"{found!s:.10}" + (f" ({evidence})" if name == "outlet" else "") + f"; kept {source}'s",
                         kind="conflict", **where)
    outlet = str(entry.get("outlet") or given.get("outlet") or inferred["outlet"] or "").upper()
    if entry.get("outlet") or given.get("outlet"):
        stated_by = "manifest" if entry.get("outlet") else "source field"
        evidence = f"{stated_by}; text: {evidence}" if evidence else stated_by
    published_text = entry.get("published") or given.get("published")
    published = _as_date(published_text, record, problems) if published_text else inferred["published"]
    language = (entry.get("language") or given.get("language") or inferred["language"] or "").lower()
    registry = index.rows.get(outlet)
    if outlet and registry is None:
        problems.add(record.path, f"outlet {outlet!r} is not in the outlet registry; add it to outlets.csv",
                     kind="warning", **where)
    return {
        "article_id": record.article_id,
        "path": record.path if record.line is None else f"{record.path}:{record.line}",
        "title": entry.get("title") or cleaned.title or given.get("title") or pd.NA,
        "text": cleaned.text,
        "raw": record.raw,
        "language": language or pd.NA,
        "outlet": outlet or pd.NA,
        "outlet_name": registry.name if registry is not None else pd.NA,
        "outlet_country": registry.country if registry is not None else pd.NA,
        "dateline": dateline["place"] or pd.NA,
        "published": published,
        "date_text": inferred["date_text"] or (published_text or "") or pd.NA,
        "n_words": count_words(cleaned.text, language=language or None),
        "url": entry.get("url") or given.get("url") or pd.NA,
        "notes": entry.get("notes") or given.get("notes") or pd.NA,
        "outlet_evidence": evidence or pd.NA,
        "encoding": record.encoding,
    }, spans


def _as_date(value: str, record: _Record, problems: _Problems) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        date_text, parsed = parse_date(value)
        if parsed is None:
            problems.add(record.path, f"cannot read published date {value!r}; use YYYY-MM-DD",
                         line=record.line, article_id=record.article_id, kind="warning")
        return parsed
