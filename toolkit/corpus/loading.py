"""The loader: raw articles → the ``articles``, ``removed`` and ``problems`` tables (:func:`load_corpus`).

Stages, each in its module: read and decode the records (:mod:`~toolkit.corpus.reading`), clean
each body (:func:`toolkit.cleaning.clean_text`), detect the language (here), read dates and
datelines (:mod:`~toolkit.corpus.dates`) and the outlet (:mod:`~toolkit.corpus.outlets`), then
reconcile them with the manifest and type the tables (here).
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import functools
import gc
import io
import itertools
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from toolkit._checks import require_choice
from toolkit.cleaning import (REPEATED_MIN_ARTICLES, CleanedText, RepeatedLines, clean_text, countable_lines,
                              find_repeated_lines, load_patterns, looks_like_title, poll_questions_of,
                              repeated_from_counts, text_key)
from toolkit.corpus.dates import TIMESTAMP_LINE, parse_date, parse_dateline
from toolkit.corpus.outlets import OutletIndex, infer_outlet, load_outlets
from toolkit.corpus.problems import CorpusError, Problems
from toolkit.corpus.html import has_html, read_html_records
from toolkit.corpus.reading import TEXT_SUFFIXES, Record, jsonl_bytes_record, read_manifest, read_records
from toolkit.schema import ARTICLE_COLUMNS, REMOVED_COLUMNS
from toolkit.text import load_stopwords, split_words

#: The languages :func:`load_corpus` detects by default.
DEFAULT_LANGUAGES = ("fr", "en")
#: Articles read, cleaned and typed at a time (so the raw text is held once).
CHUNK_SIZE = 2_000
#: Most characters of text whose records the first pass (in this process) keeps for the second, which then cleans
#: them without reading the corpus again (reading a JSONL file is about a twentieth of loading it in one process);
#: a larger corpus is read twice. 50 million characters: about 12,000 articles of 4,000, 50 to 200 MB as Python str.
KEEP_FIRST_PASS_CHARS = 50_000_000


class Corpus(NamedTuple):
    """What :func:`load_corpus` returns; unpacks as ``articles, removed, problems``."""

    articles: pd.DataFrame
    removed: pd.DataFrame
    problems: pd.DataFrame


# A thousand characters decide the language as well as the whole text, at a fraction of the cost.
_DETECT_CHARS = 1000


@functools.cache
def _lingua_codes(languages: tuple[str, ...]) -> tuple:
    from lingua import IsoCode639_1

    return tuple(getattr(IsoCode639_1, code.upper()) for code in languages)


def _checked_languages(languages: Sequence[str]) -> tuple[str, ...]:
    """``languages`` as the detector's key (lower case, sorted); ValueError when lingua does not know a code."""
    key = tuple(sorted(c.lower() for c in languages))
    try:
        _lingua_codes(key)
    except AttributeError as err:
        raise ValueError(f"`languages` must be ISO 639-1 codes lingua knows, got {list(languages)!r}") from err
    return key


@functools.cache
def _detector(languages: tuple[str, ...]):
    """lingua's detector for ``languages`` (checked by :func:`_checked_languages`), built on first need: building
    it reads its models (about 0.6 s), which a corpus the stopword vote decides whole never needs."""
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_iso_codes_639_1(*_lingua_codes(languages)).build()


def detect_language(text: str, *, languages: Sequence[str] = DEFAULT_LANGUAGES) -> str | None:
    """ISO 639-1 code of ``text``'s language among ``languages`` (a clear stopword vote, else lingua), None if unsure.

    Raises:
        ValueError: a code in ``languages`` is not an ISO 639-1 code lingua knows.
    """
    key = _checked_languages(languages)
    if not text.strip():
        return None
    voted = vote_language(text, languages=languages)
    if voted is not None:
        return voted
    found = _detector(key).detect_language_of(text[:_DETECT_CHARS])
    return found.iso_code_639_1.name.lower() if found else None


def detect_languages(texts: Sequence[str], *, languages: Sequence[str] = DEFAULT_LANGUAGES) -> list[str | None]:
    """:func:`detect_language` for many texts at once.

    A clear stopword vote decides first (:func:`vote_language`); lingua (its parallel API, on
    all cores) decides the rest, so the answer is lingua's wherever the vote is not clear.
    """
    key = _checked_languages(languages)
    voted = _votes(texts, languages)
    undecided = [i for i, v in enumerate(voted) if v is None]
    if not undecided:  # the detector is built only when some text needs it
        return voted
    found = _detector(key).detect_languages_in_parallel_of([texts[i][:_DETECT_CHARS] for i in undecided])
    for i, f in zip(undecided, found):
        voted[i] = f.iso_code_639_1.name.lower() if f else None
    return voted


#: Characters of the text the stopword vote reads, fewest stopword hits of the winner, and how many
#: times the runner-up's hits it needs (chosen on the dev sets, see :func:`vote_language`).
VOTE_CHARS, VOTE_MIN_HITS, VOTE_RATIO = 600, 10, 3
_VOTE_WORD = re.compile(r"[^\W\d_]+")


def vote_language(text: str, *, languages: Sequence[str] = DEFAULT_LANGUAGES) -> str | None:
    """The language of ``text`` by a stopword vote, or None when the vote is not clear.

    Counts the words of the first ``VOTE_CHARS`` characters found in each language's stopword
    list (:func:`toolkit.text.load_stopwords`); the language with the most hits wins when it has
    at least ``VOTE_MIN_HITS`` and ``VOTE_RATIO`` times the runner-up's. None when a language
    has no stopword list, when fewer than two languages are given, or when the vote is close:
    then lingua decides (:func:`detect_languages`). On the dev sets (SemEval frames articles,
    newstest fr/en documents, BASIL; 587 texts) the vote decided 584 and agreed with the gold
    language and with lingua on every one, at a twentieth of lingua's time.
    """
    return _votes([text], languages)[0]


def _votes(texts: Sequence[str], languages: Sequence[str]) -> list[str | None]:
    """:func:`vote_language` of each text, the stopword lists looked up once."""
    codes = sorted({c.lower() for c in languages})
    lists = [load_stopwords(c) for c in codes]
    if len(codes) < 2 or not all(lists):
        return [None] * len(texts)
    find, find_bmp, beyond_bmp, voted = _VOTE_WORD.findall, _bmp_vote_word().findall, _BEYOND_BMP.search, []
    for text in texts:
        head = text[:VOTE_CHARS].lower()
        words = (find if beyond_bmp(head) else find_bmp)(head)
        hits = sorted(((sum(map(stop.__contains__, words)), code) for code, stop in zip(codes, lists)), reverse=True)
        (best, code), (second, _) = hits[0], hits[1]
        voted.append(code if best >= VOTE_MIN_HITS and best >= VOTE_RATIO * second else None)
    return voted


_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _bmp_vote_word() -> re.Pattern:
    """``_VOTE_WORD`` for a text of the Basic Multilingual Plane alone, its characters listed: the regex engine tests
    a listed character in a table, where ``[^\\W\\d_]`` asks the Unicode database twice per character (a quarter of the
    vote's time). ``\\w`` is ``str.isalnum`` or "_", ``\\d`` is ``str.isdecimal`` (a test checks the two agree)."""
    runs: list[list[int]] = []
    for code in range(0x10000):
        c = chr(code)
        if c.isalnum() and not c.isdecimal():  # "_" is not alphanumeric
            if runs and runs[-1][1] == code - 1:
                runs[-1][1] = code
            else:
                runs.append([code, code])
    return re.compile("[" + "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in runs) + "]+")


# Characters that are never part of a word token (toolkit.text): stripped from a space-separated piece
# before asking whether the rest is one plain word.
_EDGE_PUNCT = "\"'“”‘’«»()[]{}.,;:!?…*—–-/"


def count_words(text: str, *, language: str | None = None) -> int:
    """Number of word tokens, as :func:`toolkit.text.tokenize_words` counts them.

    The same count is used everywhere (summaries, rates per 1,000 words); an elided French
    clitic ("l'" in "l'entretien") counts as a word. Tokens never cross a space and their rules
    only look at neighbouring characters, so the count is the sum of each space-separated
    piece's count: one for a piece that is letters and digits alone (after edge punctuation),
    the tokenizer's count for the others. Most pieces are letters and digits alone, which
    ``str.isalnum`` tells in C; the others recur (words with their punctuation do), so their
    count is remembered per language (:class:`_PieceCounts`).
    """
    if not isinstance(text, str) or not text:
        return 0
    # A missing language (None, NaN or "" from a data frame) is one key: NaN != NaN would make a new cache each call.
    language = language if isinstance(language, str) and language else None
    counts = _PIECE_COUNTS.get(language)
    if counts is None:
        counts = _PIECE_COUNTS[language] = _PieceCounts(language)
    pieces = text.split()
    if "ʼ" in text:  # a modifier apostrophe is a letter to isalnum, not to the tokenizer: every piece is asked
        return sum(map(counts.__getitem__, pieces))
    # An alphanumeric piece has no edge punctuation and counts one; only the others are looked up.
    odd = list(itertools.filterfalse(str.isalnum, pieces))
    return len(pieces) - len(odd) + sum(map(counts.__getitem__, odd))


#: Most pieces whose word count :func:`count_words` remembers per language (a bound on memory).
PIECE_CACHE_SIZE = 200_000


class _PieceCounts(dict):
    """Word count of a space-separated piece of text, computed on first use and remembered."""

    def __init__(self, language: str | None):
        super().__init__()
        self.language = language

    def __missing__(self, piece: str) -> int:
        core = piece.strip(_EDGE_PUNCT)
        n = 1 if core.isalnum() and "ʼ" not in core else len(split_words(piece, self.language)[0])
        if len(self) < PIECE_CACHE_SIZE:
            self[piece] = n
        return n


_PIECE_COUNTS: dict[str | None, _PieceCounts] = {}


def load_corpus(path: str | Path, *, languages: Sequence[str] = DEFAULT_LANGUAGES,
                manifest: str | Path | None = None, outlets: str | Path | None = None,
                errors: str = "warn", progress: bool | None = None,
                patterns: str | Path | Sequence[str | Path] | None = None,
                repeated_min_articles: int = REPEATED_MIN_ARTICLES,
                first_line_title: bool = False, processes: int | None = None,
                repeated_lines: frozenset[str] | None = None) -> Corpus:
    """Load and clean a corpus of news articles.

    Args:
        path: A dataset folder written by :func:`toolkit.corpus.distributed.ingest_corpus`
            (read back as it was cleaned), or a folder of ``.txt``/``.md`` files or saved web pages
            (``.html``/``.htm``, read with trafilatura: :mod:`toolkit.corpus.html`; one article each, the file stem is the
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
            first error (a file, line or row not loaded) raises :class:`CorpusError`, while
            warnings and conflicts (loaded, but check them) are only warned about;
            ``"ignore"``: listed only.
        progress: Show a progress bar; None shows one for large inputs (over 2,000 files
            or 20 MB). Files are read and cleaned in chunks of ``CHUNK_SIZE`` articles, so
            memory holds the raw text once, not twice.
        patterns: Pattern file(s) of your own (``reason regex`` per line, see
            :func:`toolkit.cleaning.load_patterns`), read after the toolkit's
            ``toolkit/data/boilerplate-patterns.txt``; each match is removed with its reason.
        repeated_min_articles: A furniture-shaped line (short, no sentence end, or
            link-like) found verbatim in at least this many distinct articles of the corpus
            is removed with reason ``repeated-across-articles`` (a first, quick pass over the
            texts finds them; in this process, a corpus of at most ``KEEP_FIRST_PASS_CHARS``
            characters is read once for both passes); 0 turns this off. Sentences are never
            removed for recurring.
            The same pass collects the questions of embedded polls (printed with their options
            or twice on a line): such a question alone on a line next to a poll or form line is
            removed with reason ``poll-widget`` (:func:`toolkit.cleaning.find_repeated_lines`).
        repeated_lines: The corpus-level boilerplate lines, when already found over a larger
            corpus (:func:`toolkit.corpus.distributed.ingest_corpus` finds them over the whole
            input once, so every part removes the same lines); skips the first pass. A
            :class:`toolkit.cleaning.RepeatedLines` (what ``find_repeated_lines`` returns) also
            brings its poll questions; a plain set of lines brings none.
        first_line_title: For files without a title field, take the first line as the
            headline whatever its shape (default: only a headline-shaped first line); for
            JSONL/CSV records without a title field, take their text's first line (default:
            no title is looked for in a record's text).
        processes: Worker processes that clean chunks of ``CHUNK_SIZE`` articles in parallel;
            None (default) uses every core when there is more than one chunk, 1 works in this
            process. The tables are the same either way; a problem found while cleaning is
            reported (warned or raised) when its chunk comes back. For a JSONL file of more than
            one chunk's lines, the workers also make the first pass (and read the records, when
            the file holds no bad line; a line changed by another program while the file loads is
            then skipped with an error).

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
          Then one column per field of your own in a JSONL/CSV source (any key besides
          ``text`` and the fields above and their aliases, e.g. ``genre``, ``event_id``), in
          the order first seen, values as given (missing where a record lacks it); a field
          named like a contract column is kept as ``field_<name>``.
        - ``removed``, one row per removed span: ``article_id``, ``start_char``,
          ``end_char`` (int offsets into ``raw``; for a web page, into its page text,
          ``toolkit.corpus.html.page_text(raw)``), ``reason`` (see
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
    from toolkit.corpus.distributed import is_corpus_dataset, read_corpus_dataset

    if is_corpus_dataset(path):  # a dataset written by ingest_corpus: already cleaned
        return read_corpus_dataset(path)
    problems = Problems(errors)
    records = read_any_records(path, problems)
    sources = _read_sources(path, manifest=manifest, outlets=outlets, problems=problems)
    pattern_files = [patterns] if isinstance(patterns, (str, Path)) else list(patterns or [])
    # A RepeatedLines (find_repeated_lines) is kept as it is: it carries the corpus's poll questions.
    repeated = repeated_lines if isinstance(repeated_lines, RepeatedLines) else frozenset(repeated_lines or ())
    sources = sources._replace(patterns=load_patterns(*pattern_files), first_line_title=first_line_title)
    if processes is not None and processes < 1:
        raise ValueError(f"`processes` must be None or a positive number, got {processes!r}")
    with contextlib.ExitStack() as stack:
        stack.enter_context(_fewer_collections())
        # Worker processes start now when a number is given, or, by default, for a JSONL file of more than a chunk's
        # lines, whose first pass they make (with fewer lines, or another input, they start with the second chunk).
        first_pass = repeated_lines is None and repeated_min_articles > 0
        workers = processes if processes is not None else _first_pass_workers(path) if first_pass else 1
        pool = stack.enter_context(_pool(workers, sources, languages)) if workers > 1 else None
        spans = None  # where the records are, when the workers read them (below)
        if first_pass and pool is not None and _can_count_in_pool(path):
            # First pass in the workers (a JSONL file's lines are read, decoded and counted there): the same lines.
            repeated, spans = _repeated_in_pool(path, pool, min_articles=repeated_min_articles)
        elif first_pass:
            # First pass here; a small corpus's records are kept for the second, which then does not read them again.
            repeated, kept = _first_pass(path, min_articles=repeated_min_articles, keep_chars=KEEP_FIRST_PASS_CHARS)
            if kept is not None:
                records = _drain(kept)
        sources = sources._replace(repeated=repeated)
        if spans is not None:
            # The first pass found no problem for the reader to report: the workers read the records at these places
            # (chunks of the same records), instead of this process reading them and sending them over.
            records = spans

        from tqdm import tqdm

        records = tqdm(records, desc="loading", unit="article", mininterval=1.0,
                       disable=not (progress if progress is not None else _looks_large(path)))
        # Articles are cleaned and typed in chunks, so the raw text is held once (in the typed
        # chunk), not twice (Python strings plus a DataFrame copy), whatever the corpus size.
        article_chunks, removed_chunks, loaded = [], [], set()
        for articles, removed, ids in _load_chunks(_chunks(records, CHUNK_SIZE), sources, languages, problems,
                                                   processes=processes, pool=pool,
                                                   spans_of=path.absolute() if spans is not None else None):
            article_chunks.append(articles)
            removed_chunks.append(removed)
            loaded.update(ids)
    for outlet, n in sorted(sources.unknown_outlets.items()):
        problems.add(path.name, unknown_outlet_message(outlet, n), kind="warning")
    if sources.listed is not None:
        for article_id in sources.listed.index.difference(sorted(loaded)):
            problems.add(sources.manifest_path.name, f"manifest lists {article_id!r} but no such article loaded",
                         article_id=article_id, kind="warning")

    articles = pd.concat(article_chunks, ignore_index=True) if article_chunks else _typed_articles([])
    extra = [c for c in articles.columns if c not in ARTICLE_COLUMNS]
    articles = articles[ARTICLE_COLUMNS + extra]
    removed = pd.concat(removed_chunks, ignore_index=True) if removed_chunks else _typed_removed([])
    # Rows stay in input order (a folder's files by name; a JSONL/CSV file's lines in order),
    # which is deterministic; sorting would copy every column of a large corpus once more.
    return Corpus(articles, removed, problems.table())


def read_any_records(path: Path, problems: Problems, *, extract: bool = True) -> Iterable[Record]:
    """Records of ``path``: saved web pages (:mod:`~toolkit.corpus.html`) and/or text files, JSONL, CSV."""
    if not has_html(path):
        return read_records(path, problems)
    html = read_html_records(path, problems, extract=extract)
    if path.is_dir() and any(p.suffix.lower() in TEXT_SUFFIXES for p in path.iterdir() if p.is_file()):
        return itertools.chain(read_records(path, problems), html)
    return html


def record_text(record: Record) -> str:
    """The text cleaning reads and ``removed`` offsets point into: ``raw``, or a web page's page text."""
    return record.fields.get("page_text", record.raw)


class _Sources(NamedTuple):
    """What the loader knows besides the texts: the manifest and the outlet registry."""

    manifest_path: Path
    listed: pd.DataFrame | None  # the manifest indexed by article_id, or None without one
    index: OutletIndex
    masthead: frozenset[str]  # case-folded outlet names and aliases
    unknown_outlets: Counter  # outlet codes not in the registry → number of articles (warned once each)
    patterns: list = []  # (regex, reason) pairs of the pattern files
    repeated: frozenset = frozenset()  # lines recurring across articles (corpus-level boilerplate)
    first_line_title: bool = False
    registry_files: tuple = ()  # the outlet registry files read besides the toolkit's (to rebuild `index`)

    def entry(self, article_id: str) -> dict:
        """The manifest's fields for ``article_id`` ({} when it is not listed)."""
        if self.listed is None or article_id not in self.listed.index:
            return {}
        return self.listed.loc[article_id].to_dict()


def _read_sources(path: Path, *, manifest: str | Path | None, outlets: str | Path | None,
                  problems: Problems | None = None) -> _Sources:
    """Read the manifest and the outlet registry that go with ``path`` (given, or beside the files)."""
    folder = path if path.is_dir() else path.parent
    manifest_path = Path(manifest) if manifest else folder / "manifest.csv"
    if manifest and not manifest_path.exists():
        raise CorpusError(f"{manifest_path}: manifest not found")
    listed = read_manifest(manifest_path, problems) if manifest_path.exists() and manifest_path != path else None
    registry_files = [Path(outlets)] if outlets else [p for p in [folder / "outlets.csv"] if p.exists() and p != path]
    index = OutletIndex(load_outlets(*registry_files))
    return _Sources(manifest_path, listed.set_index("article_id") if listed is not None else None, index,
                    frozenset(index.by_name), Counter(), registry_files=tuple(registry_files))


def _load_chunk(chunk: list[Record], sources: _Sources, languages: Sequence[str],
                problems: Problems) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Clean, detect and fill one chunk of records: its typed ``articles`` and ``removed``, and the ids loaded."""
    pending = []
    for record in chunk:
        entry = sources.entry(record.article_id)
        cleaned = _clean_record(record, entry, sources, problems)
        if cleaned is not None:
            pending.append((record, entry, cleaned))
    # The vote and lingua read the first characters only (VOTE_CHARS, _DETECT_CHARS): the rest is not copied.
    head = max(_DETECT_CHARS, VOTE_CHARS)
    detected = detect_languages([c.title + "\n" + c.text[:head] for _, _, c in pending], languages=languages)
    rows, removed_rows = [], []
    for (record, entry, cleaned), language in zip(pending, detected):
        article_row, spans = _build_article(record, cleaned, language, entry, sources, problems)
        rows.append(article_row)
        removed_rows += spans
    return _typed_articles(rows), _typed_removed(removed_rows), [record.article_id for record, _, _ in pending]


#: Allocations of container objects between two runs of the cyclic garbage collector while loading (Python's
#: default is 700): cleaning makes and drops many small lists and objects per article, freed by reference counting.
GC_THRESHOLD = 50_000


@contextlib.contextmanager
def _fewer_collections(threshold: int = GC_THRESHOLD):
    """Run the cyclic garbage collector less often inside the block (its threshold restored after): on a large
    corpus its runs cost about 3% of loading, mostly for objects that reference counting frees anyway. A collector
    turned off (threshold 0) stays off."""
    old = _raise_gc_threshold(threshold)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _raise_gc_threshold(threshold: int = GC_THRESHOLD) -> tuple[int, ...]:
    """Raise the collector's first threshold to ``threshold`` (unless it is off); return the thresholds it had."""
    old = gc.get_threshold()
    if old[0]:
        gc.set_threshold(max(old[0], threshold), *old[1:])
    return old


def _pool(workers: int, sources: _Sources, languages: Sequence[str]):
    """A pool of ``workers`` spawned processes holding ``sources`` (all but ``repeated``, which comes with each chunk).

    Workers are spawned (a forked child could inherit a language detector's threads half-way) and get the
    sources once."""
    import multiprocessing

    return multiprocessing.get_context("spawn").Pool(
        workers, initializer=_start_worker, initargs=(sources._replace(index=None, repeated=frozenset()),
                                                      tuple(languages)))


def _load_chunks(chunks: Iterable[list[Record]], sources: _Sources, languages: Sequence[str], problems: Problems,
                 *, processes: int | None, pool=None,
                 spans_of: Path | None = None) -> Iterable[tuple[pd.DataFrame, pd.DataFrame, list[str]]]:
    """:func:`_load_chunk` over ``chunks``, in order: here, or in ``processes`` worker processes (``pool``, when
    already started by the caller, who closes it). With ``spans_of``, a JSONL file, a chunk holds the places of
    its records (:func:`_span_records`), read where the chunk is loaded.

    At most two chunks per worker are in flight, so memory holds a few chunks of raw text beyond the
    results. A worker's problems and unknown outlets come back with its chunk and are added here, so
    warnings and errors are raised in this process.
    """
    chunks = iter(chunks)
    first = list(itertools.islice(chunks, 2))
    workers = processes if processes is not None else (os.cpu_count() or 1) if len(first) > 1 else 1
    if workers == 1:
        for chunk in itertools.chain(first, chunks):
            yield _load_chunk(_span_records(spans_of, chunk, problems) if spans_of else chunk, sources, languages,
                              problems)
        return
    with contextlib.ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(_pool(workers, sources, languages))
        pending: collections.deque = collections.deque()
        for chunk in itertools.chain(first, chunks):
            pending.append(pool.apply_async(_work, (chunk, sources.repeated, spans_of)))
            if len(pending) >= 2 * workers:
                yield _collect(pending.popleft().get(), sources, problems)
        while pending:
            yield _collect(pending.popleft().get(), sources, problems)


_WORKER: dict = {}


def _start_worker(sources: _Sources, languages: tuple[str, ...]) -> None:
    index = OutletIndex(load_outlets(*sources.registry_files))  # its rows do not pickle: read it again
    _raise_gc_threshold()  # as in load_corpus, for the worker's life
    _WORKER.update(sources=sources._replace(index=index), languages=languages)


def _work(chunk: list, repeated: frozenset, spans_of: Path | None = None):
    """One chunk in a worker (records, or their places in the JSONL file ``spans_of``): its tables, and the problems
    and unknown outlets it found."""
    problems = Problems("ignore")
    if spans_of is not None:
        chunk = _span_records(spans_of, chunk, problems)
    sources = _WORKER["sources"]._replace(unknown_outlets=Counter(), repeated=repeated)
    articles, removed, ids = _load_chunk(chunk, sources, _WORKER["languages"], problems)
    return articles, removed, ids, problems.rows, sources.unknown_outlets


def _collect(result, sources: _Sources, problems: Problems):
    articles, removed, ids, rows, unknown = result
    for row in rows:
        problems.add(row["path"], row["message"], line=row["line"], article_id=row["article_id"], kind=row["kind"])
    sources.unknown_outlets.update(unknown)
    return articles, removed, ids


def _can_count_in_pool(path: Path) -> bool:
    """Whether the first pass over ``path`` can run in the workers (:func:`_repeated_in_pool`): a JSONL file read
    line by line (not a UTF-16 one, which is decoded whole)."""
    if not (path.is_file() and path.suffix.lower() == ".jsonl"):
        return False
    with open(path, "rb") as handle:
        return handle.read(2) not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _first_pass_workers(path: Path) -> int:
    """Workers to start before the first pass when ``processes`` is None: every core for a JSONL file of more than
    ``CHUNK_SIZE`` lines that are not blank (:func:`_load_chunks` would start them for its second chunk anyway, when
    these lines are records), else none (1)."""
    cores = os.cpu_count() or 1
    if cores > 1 and _can_count_in_pool(path) and _more_lines_than(path, CHUNK_SIZE):
        return cores
    return 1


def _more_lines_than(path: Path, size: int) -> bool:
    """Whether ``path`` has more than ``size`` lines that are not blank, read up to the line that tells. A line of
    ASCII spaces is blank (the reader skips it); any other line may be a record, so the answer never says fewer
    lines than the reader's records (a line of Unicode spaces only, or a bad line, counts)."""
    lines = 0
    with open(path, "rb") as handle:
        for line in handle:  # bytes.isspace: ASCII spaces only, no copy of the line
            if not line.isspace():
                lines += 1
                if lines > size:
                    return True
    return False


def _line_ranges(path: Path, size: int) -> Iterable[tuple[int, int, int]]:
    """``(start, end, first line number)`` of each run of ``size`` lines of ``path`` (byte offsets, lines ended by
    ``\\n`` as the reader splits them); only the line ends are looked for, nothing is decoded here."""
    # Buffered reads, not a memory map: a file truncated by another program while mapped would kill this process
    # (SIGBUS) where a read just ends early.
    start = end = lines = 0
    first = 1
    with open(path, "rb") as handle:
        for line in handle:  # split at b"\n" in C, the line ends the reader's split finds
            end += len(line)
            lines += 1
            if lines == size:
                yield start, end, first
                start, first, lines = end, first + lines, 0
    if lines:
        yield start, end, first


def _count_lines(path: Path, span: tuple[int, int, int]):
    """The first pass over the lines of the JSONL file ``path`` in ``span`` (:func:`_line_ranges`), in a worker.

    Returns ``(entries, counts, questions, clean)``: ``(article_id, text key, offset, length, line number)`` of each
    record read (ids repeated within these lines skipped, as the reader does), :func:`toolkit.cleaning.countable_lines`
    counted once per distinct text, the poll questions of each text holding some, by key, and whether every line is
    blank or a UTF-8 record the reader reads without a problem."""
    start, end, first = span
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    entries, counts, questions, keys, seen = [], Counter(), {}, set(), set()
    problems, offset, clean = Problems("ignore"), start, True
    for line_no, line in enumerate(io.BytesIO(data), start=first):
        record = jsonl_bytes_record(line, line_no, path, problems, seen)
        if record is None or record.encoding != "utf-8":
            clean = clean and record is None and not line.strip()  # a blank line, skipped without a word
        if record is not None:
            text = record_text(record)
            key = text_key(text)
            entries.append((record.article_id, key, offset, len(line), line_no))
            if key not in keys:
                keys.add(key)
                counts.update(countable_lines(text))
                if found := poll_questions_of(text):
                    questions[key] = found
        offset += len(line)
    return entries, counts, questions, clean and not problems.rows


def _repeated_in_pool(path: Path, pool, *, min_articles: int) -> tuple[RepeatedLines, list | None]:
    """:func:`toolkit.cleaning.find_repeated_lines` over the records of the JSONL file ``path``, its lines read,
    decoded and counted in ``pool``'s workers, a chunk of lines each; the same lines and poll questions.

    The workers cannot know the ids and texts of the other chunks: each skips the ids repeated within its lines
    and counts each text once. Here, in file order, a record whose id an earlier chunk already read is dropped (the
    reader skips it), and a text counted by an earlier chunk, or kept only by a dropped record, is taken off again
    (read here once more: identical texts across chunks are few).

    Returns the lines, and when the reader would find no problem in the file (every line blank or a UTF-8 record
    with a new id), where its records are: ``(line number, offset, length)`` each, in order (:func:`_span_records`
    reads them back); else None."""
    path = path.absolute()  # the workers' working folder is this one's, but a path that cannot change is safer
    counts: Counter = Counter()
    questions: set[str] = set()
    seen_ids: set[str] = set()
    counted: set[bytes] = set()
    spans: list | None = []
    ranges = _line_ranges(path, CHUNK_SIZE)
    for entries, chunk_counts, chunk_questions, clean in pool.imap(functools.partial(_count_lines, path), ranges):
        needed, where = set(), {}
        if not clean:
            spans = None
        for article_id, key, offset, length, line_no in entries:
            where.setdefault(key, (offset, length))
            if article_id in seen_ids:
                spans = None  # the reader reports the duplicate id
                continue
            seen_ids.add(article_id)
            if spans is not None:
                spans.append((line_no, offset, length))
            if key not in counted:
                counted.add(key)
                needed.add(key)
        for key in where.keys() - needed:  # counted by the worker, not to be counted
            offset, length = where[key]
            with open(path, "rb") as handle:
                handle.seek(offset)
                data = handle.read(length)
            # The line number only matters for line 1 (a byte-order mark), which a worker never reads twice.
            record = jsonl_bytes_record(data, 0 if offset else 1, path, Problems("ignore"), set())
            if record is not None and text_key(record_text(record)) == key:  # else the line changed since: the
                chunk_counts.subtract(countable_lines(record_text(record)))  # second pass reports it
        counts.update(chunk_counts)
        for key in needed & chunk_questions.keys():
            questions.update(chunk_questions[key])
    return repeated_from_counts(counts, questions, min_articles=min_articles), spans or None


def _span_records(path: Path, spans: list[tuple[int, int, int]], problems: Problems) -> list[Record]:
    """The records of the JSONL file ``path`` at ``spans`` (:func:`_repeated_in_pool`), read as the reader reads them
    (their lines held no problem in the first pass). A line that no longer reads as it did (the file was changed
    while it was loaded) is skipped, with an error in ``problems``."""
    start, end = spans[0][1], spans[-1][1] + spans[-1][2]
    with open(path, "rb") as handle:
        handle.seek(start)
        data = handle.read(end - start)
    records = []
    for line_no, offset, length in spans:
        found = Problems("ignore")
        record = jsonl_bytes_record(data[offset - start:offset - start + length], line_no, path, found, set())
        if record is None or found.rows:
            problems.add(path.name, "line changed while the file was loaded (it no longer reads as in the first "
                         "pass); line skipped: load the file again once it is written", line=line_no)
            continue
        records.append(record)
    return records


def _first_pass(path: Path, *, min_articles: int, keep_chars: int) -> tuple[RepeatedLines, collections.deque | None]:
    """The first pass over ``path`` in this process: :func:`toolkit.cleaning.find_repeated_lines` over the texts of
    its records, problems ignored (the second pass reports them once, in order with the cleaning's).

    Returns the lines, and the records read when the second pass can take them from here instead of reading them
    again: when their texts hold at most ``keep_chars`` characters and the reader found no problem (none to report);
    else None."""
    problems, kept, chars = Problems("ignore"), collections.deque(), 0
    # A web page is read here without its article extraction, so the second pass reads it again, as a larger corpus.
    limit = -1 if has_html(path) else keep_chars

    def texts():
        nonlocal chars
        for record in read_any_records(path, problems, extract=False):
            text = record_text(record)
            chars += len(text)
            if chars <= limit:
                kept.append(record)
            elif kept:
                kept.clear()  # too many to keep: those kept so far are let go
            yield text

    repeated = find_repeated_lines(texts(), min_articles=min_articles)
    return repeated, (kept if chars <= limit and not problems.rows else None)


def _drain(records: collections.deque) -> Iterable[Record]:
    """``records`` in order, each let go as it is taken: memory holds a record once, here or in its chunk."""
    while records:
        yield records.popleft()


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
    """The typed ``articles`` rows of one chunk, built column by column (every row has every contract column)."""
    # A row has more keys than the contract's columns only when it brings fields of its own.
    extra = list(dict.fromkeys(k for row in rows if len(row) > len(ARTICLE_COLUMNS) for k in row
                               if k not in _CONTRACT))
    if not rows:
        articles = pd.DataFrame(rows, columns=ARTICLE_COLUMNS + extra)
        types = {c: "string" for c in ARTICLE_COLUMNS if c not in ("published", "n_words")}
        articles = articles.astype({**types, "n_words": "int64"})
        articles["published"] = pd.to_datetime(articles["published"]).astype("datetime64[us]")
        return articles
    columns = {}
    for c in ARTICLE_COLUMNS:
        values = [row[c] for row in rows]
        if c == "n_words":
            columns[c] = pd.Series(values, dtype=object).astype("int64")
        elif c == "published":
            columns[c] = pd.to_datetime(pd.Series(values, dtype=object)).astype("datetime64[us]")
        else:
            columns[c] = _strings(values)
    articles = pd.DataFrame(columns)
    if extra:  # the user's own fields: typed as a frame of records types them (missing where a row lacks one)
        own = pd.DataFrame([{k: row[k] for k in extra if k in row} for row in rows], columns=extra)
        articles = pd.concat([articles, own], axis=1)
    return articles


_CONTRACT = frozenset(ARTICLE_COLUMNS)
_STRING_VALUES = frozenset({str, type(pd.NA)})


def _strings(values: list):
    """``values`` (str or missing) as the "string" column ``astype("string")`` makes of them. A list of str and NA
    alone goes to pyarrow's array as it is, when "string" is stored by pyarrow: astype would first copy it to an
    object array and check each value again (a third of the typing of a chunk); anything else is typed by astype."""
    if set(map(type, values)) <= _STRING_VALUES and pd.StringDtype().storage == "pyarrow":
        import pyarrow as pa

        return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string(), from_pandas=True))
    return pd.Series(values, dtype=object).astype("string").array


def _typed_removed(rows: list[tuple]) -> pd.DataFrame:
    """The typed ``removed`` rows of one chunk, given as ``(article_id, start_char, end_char, reason, text)``."""
    if not rows:
        return pd.DataFrame(rows, columns=REMOVED_COLUMNS).astype(
            {"article_id": "string", "start_char": "int64", "end_char": "int64", "reason": "string", "text": "string"})
    ids, starts, ends, reasons, texts = zip(*rows)
    return pd.DataFrame({"article_id": _strings(list(ids)), "start_char": pd.Series(starts, dtype="int64"),
                         "end_char": pd.Series(ends, dtype="int64"), "reason": _strings(list(reasons)),
                         "text": _strings(list(texts))})


def _clean_record(record: Record, entry: dict, sources: _Sources, problems: Problems) -> CleanedText | None:
    """Clean one record; None (and a problem) when nothing but boilerplate is left."""
    title_given = entry.get("title") or record.fields.get("title") or None
    # A JSONL/CSV record's text is searched for a headline only when the user asks (first_line_title): its source has
    # a title field for that, and a record without one usually starts with its first paragraph.
    find_title = title_given is None and (record.line is None or sources.first_line_title)
    cleaned = clean_text(record_text(record), find_title=find_title,
                         title=title_given, timestamp_pattern=TIMESTAMP_LINE, masthead_names=sources.masthead,
                         first_line_title=sources.first_line_title, patterns=sources.patterns,
                         repeated_lines=sources.repeated, spans=record.fields.get("page_spans", ()))
    if not cleaned.text or cleaned.text.isspace():  # isspace: no stripped copy of the text
        problems.add(record.path, "no article text left after cleaning (everything was boilerplate)",
                     line=record.line, article_id=record.article_id)
        return None
    return cleaned


def unknown_outlet_message(outlet: str, n: int) -> str:
    """The warning for an outlet code the registry lacks, given once per load with its number of articles."""
    return (f"outlet {outlet!r} ({n:,} article{'s' if n > 1 else ''}) is not in the outlet registry; "
            "add it to outlets.csv")


def _build_article(record: Record, cleaned: CleanedText, detected_language: str | None, entry: dict,
                   sources: _Sources, problems: Problems):
    """Fill one cleaned article's metadata: manifest > source fields > the text."""
    index = sources.index
    given = record.fields
    article_id, text = record.article_id, record_text(record)
    spans = [(article_id, a, b, reason, text[a:b]) for a, b, reason in cleaned.removed]  # rows of ``removed``
    inferred, evidence, dateline = _read_from_text(record, cleaned, spans, detected_language,
                                                   url=entry.get("url") or given.get("url") or "", index=index)
    _report_conflicts(record, entry, inferred, evidence, problems, index)
    outlet = index.resolve(str(entry.get("outlet") or given.get("outlet") or inferred["outlet"] or ""))
    if entry.get("outlet") or given.get("outlet"):
        stated_by = "manifest" if entry.get("outlet") else "source field"
        evidence = f"{stated_by}; text: {evidence}" if evidence else stated_by
    published_text = entry.get("published") or given.get("published")
    published = _as_date(published_text, record, problems) if published_text else inferred["published"]
    language = (entry.get("language") or given.get("language") or inferred["language"] or "").lower()
    registry = index.rows.get(outlet)
    if outlet and registry is None:
        sources.unknown_outlets[outlet] += 1
    own = {(f"field_{k}" if k in ARTICLE_COLUMNS else k): v for k, v in given.get("extra", {}).items()}
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
        **own,
    }, spans


def _read_from_text(record: Record, cleaned: CleanedText, spans: list[tuple], detected_language: str | None, *,
                    url: str, index: OutletIndex) -> tuple[dict, str, dict]:
    """What the text itself says: outlet (with its evidence), date and language; and the dateline."""
    inferred: dict[str, object] = {}
    first = cleaned.paragraphs[0]
    dateline = parse_dateline(first)
    # infer_outlet reads the dateline of the text's first paragraph: the same one, read once, when they are equal.
    end = cleaned.text.find("\n\n")
    same = (end if end >= 0 else len(cleaned.text)) == len(first) and cleaned.text.startswith(first)
    if not dateline["place"] and len(cleaned.paragraphs) > 1:
        # A print headline kept in the body (it differs from the title field) above the dateline: "Obama Willing to
        # Use Executive Orders on Guns" then "WASHINGTON — ...". The column takes that dateline; the outlet is still
        # read from the first paragraph's. (The anchored dateline match first: it fails at once on most paragraphs.)
        below = parse_dateline(cleaned.paragraphs[1])
        if below["place"] and looks_like_title(first):
            dateline, same = below, False
    inferred["outlet"], evidence = infer_outlet(record_text(record), cleaned.text, cleaned.removed, index, url=url,
                                                dateline=dateline if same else None)
    inferred["date_text"] = ""
    for _, _, _, reason, span_text in spans:
        if reason == "timestamp":
            inferred["date_text"] = parse_date(span_text)[0]
            break
    else:
        inferred["date_text"] = dateline["date_text"]
    inferred["published"] = parse_date(inferred["date_text"])[1]
    inferred["language"] = detected_language
    return inferred, evidence, dateline


def _report_conflicts(record: Record, entry: dict, inferred: dict, evidence: str, problems: Problems,
                      index: OutletIndex) -> None:
    """List where the manifest (or the source's own field) contradicts the text; the stated value wins later."""
    for name in ("outlet", "language", "published"):
        stated = entry.get(name) or record.fields.get(name)
        found = inferred[name]
        if not stated or found in (None, ""):
            continue
        stated_value = _as_date(stated, record, problems) if name == "published" else str(stated).strip()
        if name == "outlet":
            stated_value = index.resolve(str(stated_value))
        if stated_value is not None and stated_value != found:
            source = "the manifest" if entry.get(name) else "the source's field"
            problems.add(record.path, f"{source} says {name}={stated_value!s:.10}, the text says "
                         f"{found!s:.10}" + (f" ({evidence})" if name == "outlet" else "") + f"; kept what {source} "
                         "says",
                         kind="conflict", line=record.line, article_id=record.article_id)


def _as_date(value: str, record: Record, problems: Problems) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(value).normalize()
    except (ValueError, TypeError):
        date_text, parsed = parse_date(value)
        if parsed is None:
            problems.add(record.path, f"cannot read published date {value!r}; use YYYY-MM-DD",
                         line=record.line, article_id=record.article_id, kind="warning")
        return parsed
