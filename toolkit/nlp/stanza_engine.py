"""The stanza engine: load pipelines without network access and convert stanza Documents into paragraph records."""

from __future__ import annotations

import atexit
import functools
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from toolkit.nlp.tables import MODELS_COMMAND, ModelNotInstalledError, ParagraphResult

if TYPE_CHECKING:
    import stanza

ENGINE = "stanza"
DEFAULT_PROCESSORS = "tokenize,mwt,pos,lemma,depparse,ner"
DEFAULT_LANGUAGES = ("fr", "en")
MODEL_STATUS_COLUMNS = ["language", "installed", "model", "path"]

# stanza's own processor order (stanza.pipeline.registry.PIPELINE_NAMES, the part we use).
_PIPELINE_ORDER = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")
# What "installed" means: enough to produce sentences, tokens and mentions.
_REQUIRED_PROCESSORS = ("tokenize", "ner")
_MODEL_PATH_SUFFIX = "_model_path"


# ---------------------------------------------------------------- where models live


@functools.cache
def _stanza_versions() -> tuple[str, str]:
    """Return stanza's (package version, resources version) without importing stanza.

    ``import stanza`` imports torch (about 2.5 s), so the version file is read as text.
    """
    spec = importlib.util.find_spec("stanza")
    if spec is None or spec.origin is None:
        return "missing", "missing"
    source = (Path(spec.origin).parent / "_version.py").read_text(encoding="utf-8")
    found = dict(re.findall(r"^(__\w+__)\s*=\s*['\"]([^'\"]+)['\"]", source, flags=re.M))
    version = found.get("__version__") or importlib.metadata.version("stanza")
    return version, found.get("__resources_version__", version)


def resources_dir() -> Path:
    """Return the folder where stanza keeps its models and ``resources.json``.

    Returns:
        ``$STANZA_RESOURCES_DIR`` when set, else stanza's default,
        ``~/.cache/stanza/<resources version>/resources`` on Linux.

    Example:
        >>> resources_dir()
        PosixPath('/home/me/.cache/stanza/1.15.0/resources')
    """
    # Mirrors stanza.resources.common.DEFAULT_MODEL_DIR, which stanza computes once at import
    # time; computed here at call time so that the answer follows the environment and costs no
    # torch import. https://github.com/stanfordnlp/stanza/blob/main/stanza/resources/common.py
    env = os.environ.get("STANZA_RESOURCES_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("stanza", "StanfordNLP", _stanza_versions()[1])) / "resources"


def _model_dir(model_dir: str | os.PathLike | None) -> Path:
    """Resolve ``model_dir`` (None means :func:`resources_dir`)."""
    return Path(model_dir) if model_dir is not None else resources_dir()


def _read_resources(model_dir: Path) -> dict | None:
    """Return the parsed ``resources.json`` of ``model_dir``, or None when absent or unreadable."""
    try:
        resources = json.loads((model_dir / "resources.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return resources if isinstance(resources, dict) else None


def _language_entry(resources: dict | None, language: str) -> tuple[str, dict[str, Any]]:
    """Return (language code after aliases, its default package {processor: model name}).

    The package is empty when the language or its default package is not in ``resources``.
    """
    seen = set()
    entry = (resources or {}).get(language)
    while isinstance(entry, dict) and "alias" in entry and language not in seen:
        seen.add(language)
        language = entry["alias"]
        entry = resources.get(language)
    if not isinstance(entry, dict):
        return language, {}
    # resources.json has held the default package under both names over stanza's history.
    package = entry.get("packages", {}).get("default") or entry.get("default_processors") or {}
    return language, {k: v for k, v in package.items() if k in _PIPELINE_ORDER}


def _model_files(model_dir: Path, language: str, processor: str, package: str | list) -> list[Path]:
    """Where stanza stores a processor's model(s): ``<dir>/<lang>/<processor>/<package>.pt``."""
    names = package if isinstance(package, list) else [package]
    return [model_dir / language / processor / f"{name}.pt" for name in names]


def _has_models(model_dir: Path, language: str, package: dict[str, Any], processors: Iterable[str]) -> bool:
    """True when every one of ``processors`` has its default model file on disk."""
    return all(
        processor in package
        and all(path.is_file() for path in _model_files(model_dir, language, processor, package[processor]))
        for processor in processors
    )


def is_available(language: str, model_dir: str | os.PathLike | None = None) -> bool:
    """Tell whether stanza's models for ``language`` are installed (no network, no torch import).

    Args:
        language: ISO 639-1 code, e.g. ``"fr"``.
        model_dir: stanza's resources folder; default :func:`resources_dir`.

    Returns:
        True when ``resources.json`` exists and names a default package for ``language`` whose
        tokenize and ner model files are on disk.

    Example:
        >>> is_available("fr")
        False
    """
    model_dir = _model_dir(model_dir)
    code, package = _language_entry(_read_resources(model_dir), language)
    return _has_models(model_dir, code, package, _REQUIRED_PROCESSORS)


def installed_languages(model_dir: str | os.PathLike | None = None) -> list[str]:
    """List the languages whose stanza models are installed (see :func:`is_available`).

    Args:
        model_dir: stanza's resources folder; default :func:`resources_dir`.

    Returns:
        Sorted language codes; empty when nothing is installed.

    Example:
        >>> installed_languages()
        ['en', 'fr']
    """
    model_dir = _model_dir(model_dir)
    resources = _read_resources(model_dir) or {}
    return sorted(
        language for language, entry in resources.items()
        if isinstance(entry, dict) and "alias" not in entry and is_available(language, model_dir)
    )


def model_name(language: str, model_dir: str | os.PathLike | None = None, **model_paths: Any) -> str:
    """Name the stanza model that annotates ``language``, for the ``model`` column and cache keys.

    Args:
        language: ISO 639-1 code.
        model_dir: stanza's resources folder; default :func:`resources_dir`.
        **model_paths: The explicit ``<processor>_model_path`` options given to
            :func:`load_pipeline`, if any; other options are ignored.

    Returns:
        ``"stanza-<version>/<lang>:default"`` plus ``",ner=<model>"`` when resources.json names
        the NER model (e.g. ``"stanza-1.15.0/fr:default,ner=wikinergold_charlm"``); with explicit
        paths, ``"stanza-<version>/<lang>:custom,ner=<file stem>,tokenize=<file stem>"``.

    Example:
        >>> model_name("fr", ner_model_path="fr_ner.pt", tokenize_model_path="fr_tokenizer.pt")
        'stanza-1.15.0/fr:custom,ner=fr_ner,tokenize=fr_tokenizer'
    """
    prefix = f"stanza-{_stanza_versions()[0]}/{language}"
    paths = {
        key[: -len(_MODEL_PATH_SUFFIX)]: value for key, value in model_paths.items()
        if key.endswith(_MODEL_PATH_SUFFIX) and value is not None
    }
    if paths:
        return prefix + ":custom," + ",".join(f"{p}={Path(paths[p]).stem}" for p in sorted(paths))
    _, package = _language_entry(_read_resources(_model_dir(model_dir)), language)
    ner = package.get("ner")
    if not ner:
        return prefix + ":default"
    return prefix + ":default,ner=" + ("+".join(ner) if isinstance(ner, list) else ner)


def models_status(model_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Report which stanza models are installed, for the setup step and the notebooks.

    Args:
        model_dir: stanza's resources folder; default :func:`resources_dir`.

    Returns:
        One row per language, ``fr`` and ``en`` first, then any other installed language, with
        columns ``language`` (str), ``installed`` (bool), ``model`` (str, see
        :func:`model_name`; None when not installed) and ``path`` (str, the language's model
        folder).

    Example:
        >>> models_status()
          language  installed model                                   path
        0       fr      False  None  /home/me/.cache/stanza/1.15.0/resources/fr
    """
    model_dir = _model_dir(model_dir)
    installed = installed_languages(model_dir)
    languages = list(DEFAULT_LANGUAGES) + [x for x in installed if x not in DEFAULT_LANGUAGES]
    rows = [
        {
            "language": language,
            "installed": language in installed,
            "model": model_name(language, model_dir) if language in installed else None,
            "path": str(model_dir / language),
        }
        for language in languages
    ]
    status = pd.DataFrame(rows, columns=MODEL_STATUS_COLUMNS)
    return status.astype({"installed": bool}).reset_index(drop=True)


# ---------------------------------------------------------------- download (setup step only)


def _network_errors() -> tuple[type[BaseException], ...]:
    """The exceptions stanza's downloads raise when the model hub cannot be reached.

    resources.json comes through ``requests``; model files through ``huggingface_hub``, which
    raises LocalEntryNotFoundError when offline (measured on this machine) or its own HTTP
    errors, built on ``requests`` or ``httpx`` depending on its version.
    """
    errors: list[type[BaseException]] = [ConnectionError, TimeoutError]
    try:
        import requests

        errors.append(requests.RequestException)
    except ImportError:
        pass
    try:
        from huggingface_hub import errors as hf_errors

        errors += [hf_errors.LocalEntryNotFoundError, hf_errors.HfHubHTTPError]
    except (ImportError, AttributeError):
        pass
    try:
        import httpx

        errors.append(httpx.TransportError)
    except ImportError:
        pass
    return tuple(errors)


def download_models(languages: Sequence[str], model_dir: str | os.PathLike | None = None) -> list[Path]:
    """Download stanza's default models for ``languages`` (the setup step; needs the network).

    Fetches ``resources.json`` once, then, per language, the models of
    :data:`DEFAULT_PROCESSORS` that the language has (English has no mwt).

    Args:
        languages: ISO 639-1 codes, e.g. ``["fr", "en"]``.
        model_dir: stanza's resources folder; default :func:`resources_dir`.

    Returns:
        Each language's model folder.

    Raises:
        RuntimeError: stanza's model hub cannot be reached; the message names the language.
        ValueError: stanza has no models for a language.

    Example:
        >>> download_models(["fr", "en"])
        [PosixPath('/home/me/.cache/stanza/1.15.0/resources/fr'), ...]
    """
    import stanza
    from stanza.resources import common

    languages = list(languages)
    model_dir = _model_dir(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    network_errors = _network_errors()
    folders = []
    for index, language in enumerate(languages):
        try:
            if index == 0:
                common.download_resources_json(str(model_dir))
            code, package = _language_entry(_read_resources(model_dir), language)
            if not package:
                raise ValueError(f"stanza has no models for language {language!r} (see {model_dir / 'resources.json'})")
            processors = [p for p in DEFAULT_PROCESSORS.split(",") if p in package]
            stanza.download(code, model_dir=str(model_dir), processors=",".join(processors),
                            download_json=False)
        except network_errors as err:
            raise RuntimeError(
                f"stanza's model hub is unreachable, so the {language} models could not be downloaded "
                f"into {model_dir} ({type(err).__name__}: {err}). Connect this machine to the internet "
                "and run the command again, or use engine='spacy', whose models install with the package."
            ) from err
        folders.append(model_dir / code)
    return folders


# ---------------------------------------------------------------- pipelines


@functools.cache
def _empty_resources_file() -> Path:
    """Write a ``{}`` resources.json in a private temporary folder (removed at exit).

    With it and ``allow_unknown_language=True``, stanza loads models from explicit paths
    without any downloaded resources (notes/stanza-offline.md). It never goes in the user's
    model folder, where it would hide a later real download.
    """
    folder = Path(tempfile.mkdtemp(prefix="toolkit-stanza-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "resources.json"
    path.write_text("{}", encoding="utf-8")
    return path


def _not_installed(language: str, model_dir: Path) -> ModelNotInstalledError:
    """The error raised whenever stanza lacks a model; it names the setup command."""
    return ModelNotInstalledError(
        f"stanza has no {language} model installed in {model_dir}. Run: {MODELS_COMMAND}"
    )


def _split_processors(processors: str | Sequence[str]) -> list[str]:
    """Turn ``"tokenize,ner"`` or ``["tokenize", "ner"]`` into a clean list."""
    if isinstance(processors, str):
        processors = processors.split(",")
    return [p.strip().lower() for p in processors if p.strip()]


def load_pipeline(language: str, *, processors: str | Sequence[str] | None = None,
                  model_dir: str | os.PathLike | None = None, **model_paths: Any) -> "stanza.Pipeline":
    """Load a stanza pipeline once per process, never touching the network.

    Args:
        language: ISO 639-1 code.
        processors: Comma-separated stanza processors. Default: :data:`DEFAULT_PROCESSORS`
            minus those the language's installed package lacks (English has no mwt); with
            explicit model paths and no installed package, the processors given paths.
        model_dir: stanza's resources folder; default :func:`resources_dir`.
        **model_paths: Passed to ``stanza.Pipeline``: typically ``<processor>_model_path``
            (e.g. ``tokenize_model_path``, ``ner_model_path``), or any other hashable stanza
            option (``tokenize_pretokenized=True``...). When every requested processor has an
            explicit path, no downloaded resources are needed.

    Returns:
        A ``stanza.Pipeline`` on CPU, shared by every call with the same arguments
        (``load_pipeline.cache_clear()`` forgets them).

    Raises:
        ModelNotInstalledError: a model is missing; the message names
            ``python -m toolkit models download fr en``.

    Example:
        >>> stanza_pipeline = load_pipeline("fr")
    """
    options = tuple(sorted(
        (key, str(value) if isinstance(value, os.PathLike) else value) for key, value in model_paths.items()
    ))
    if processors is not None:
        processors = tuple(_split_processors(processors))
    return _load_pipeline(language, processors, str(_model_dir(model_dir)), options)


@functools.cache
def _load_pipeline(language: str, processors: tuple[str, ...] | None, model_dir: str,
                   options: tuple[tuple[str, Any], ...]) -> "stanza.Pipeline":
    """Cached body of :func:`load_pipeline`, keyed on normalised (hashable) arguments."""
    folder = Path(model_dir)
    kwargs = dict(options)
    paths = {key[: -len(_MODEL_PATH_SUFFIX)]: value for key, value in kwargs.items()
             if key.endswith(_MODEL_PATH_SUFFIX) and value is not None}
    code, package = _language_entry(_read_resources(folder), language)
    if processors is not None:
        # mwt only exists for some languages; asking for it elsewhere makes stanza look for a
        # model that was never published, so it is dropped rather than reported missing.
        requested = [p for p in processors if p != "mwt" or "mwt" in package or "mwt" in paths]
    elif package and not set(package) <= set(paths):
        requested = [p for p in _split_processors(DEFAULT_PROCESSORS) if p in package or p in paths]
    elif paths:
        requested = [p for p in _PIPELINE_ORDER if p in paths]
    else:
        raise _not_installed(language, folder)

    for processor, path in paths.items():
        if processor in requested and not Path(path).is_file():
            raise ModelNotInstalledError(f"stanza {processor} model for {language} not found: {path}")
    # Explicit paths for everything: load them alone, through an empty resources file, so that
    # dependencies listed in an installed resources.json (charlm, pretrain) are not mixed in.
    standalone = set(requested) <= set(paths) or (
        kwargs.get("lemma_use_identity") and set(requested) - {"lemma"} <= set(paths)
    )
    if not standalone:
        missing = [p for p in requested if p not in paths and not _has_models(folder, code, package, [p])]
        if missing:
            raise _not_installed(language, folder)
    else:
        kwargs.update(resources_filepath=str(_empty_resources_file()), allow_unknown_language=True)

    import stanza
    from stanza.pipeline.core import LanguageNotDownloadedError, UnsupportedProcessorError
    from stanza.resources.common import ResourcesFileNotFoundError

    try:
        return stanza.Pipeline(
            language, processors=",".join(requested), dir=model_dir, download_method=None,
            use_gpu=False, verbose=False, **kwargs,
        )
    except (ResourcesFileNotFoundError, LanguageNotDownloadedError, UnsupportedProcessorError,
            FileNotFoundError) as err:
        # e.g. a pretrain or charlm file that the default package depends on was deleted.
        raise _not_installed(language, folder) from err


load_pipeline.cache_clear = _load_pipeline.cache_clear  # type: ignore[attr-defined]


# ---------------------------------------------------------------- Document → records


def _word_id(value: Any) -> int | None:
    """A word's 1-based index in its sentence (stanza uses int; CoNLL-U dicts may give tuples)."""
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        value = value[0]
    return int(value)


def _locate(text: str | None, surface: str, start: int | None, end: int | None,
            cursor: int) -> tuple[int, int]:
    """Return offsets such that ``text[start:end]`` is the token, repairing drifted offsets.

    stanza's offsets are exact on the cases measured (leading spaces, double spaces, line
    breaks), but the contract promises that every record slices back to its text, so a token
    whose offsets do not match is looked up from the end of the previous token.
    """
    if text is None:
        if start is None or end is None:
            raise ValueError(f"stanza token {surface!r} has no character offsets and the document no text")
        return start, end
    if start is not None and end is not None and text[start:end] == surface:
        return start, end
    found = text.find(surface, cursor)
    if found >= 0:
        return found, found + len(surface)
    if start is not None and end is not None:
        return start, end  # stanza normalised the surface form; trust its offsets
    raise ValueError(f"cannot place stanza token {surface!r} in the text after offset {cursor}")


def doc_to_records(stanza_doc: Any, *, text: str | None = None) -> ParagraphResult:
    """Convert one stanza Document (one paragraph) into the engine-neutral paragraph record.

    Only documented attributes are read (``Document.sentences``/``ents``/``text``,
    ``Sentence.tokens``, ``Token.words``/``text``/``start_char``/``end_char``,
    ``Word.id``/``head``/``deprel``/``lemma``/``upos``, ``Span.text``/``type``/
    ``start_char``/``end_char``), so simple stand-in objects work too.

    Args:
        stanza_doc: A processed ``stanza.Document``.
        text: The paragraph that was annotated; default ``stanza_doc.text``.

    Returns:
        The ParagraphResult dict of :mod:`toolkit.nlp.tables`: ``sentences`` [(start_char,
        end_char)], ``tokens`` one dict per syntactic word (a multi-word token such as French
        "du" gives two rows, words "de" and "le", both with the token's offsets and text),
        ``mentions`` one dict per entity. Offsets are relative to the paragraph and every
        ``text`` equals ``paragraph[start_char:end_char]``. ``lemma``/``upos``/``deprel``/
        ``head`` are None when the pipeline lacks the processor; ``head`` is the paragraph-level
        index of the head row (the root points to itself).

    Raises:
        ValueError: a token cannot be placed in the text.

    Example:
        >>> records = doc_to_records(load_pipeline("fr")("Le ministre To Lam est à Hanoï."))
        >>> records["mentions"][0]
        {'start_char': 12, 'end_char': 18, 'text': 'To Lam', 'label': 'PER'}
    """
    if text is None:
        text = getattr(stanza_doc, "text", None)
    sentences: list[tuple[int, int]] = []
    tokens: list[dict[str, Any]] = []
    rows_by_word: dict[tuple[int, int], int] = {}
    pending_heads: list[tuple[int, int, int | None]] = []
    # stanza offset → repaired offset, so that repairs carry over to the mentions
    moved_starts: dict[int, int] = {}
    moved_ends: dict[int, int] = {}
    cursor = 0
    for sentence in stanza_doc.sentences:
        sentence_tokens = list(sentence.tokens)
        if not sentence_tokens:
            continue
        index = len(sentences)
        spans = []
        for token in sentence_tokens:
            start, end = _locate(text, token.text, token.start_char, token.end_char, cursor)
            moved_starts[token.start_char], moved_ends[token.end_char] = start, end
            cursor = end
            spans.append((start, end))
            surface = text[start:end] if text is not None else token.text
            for word in list(token.words) or [None]:
                row = len(tokens)
                word_id = _word_id(getattr(word, "id", None))
                if word_id is not None:
                    rows_by_word[(index, word_id)] = row
                deprel = getattr(word, "deprel", None)
                tokens.append({
                    "sentence": index, "start_char": start, "end_char": end, "text": surface,
                    "word": getattr(word, "text", None) or surface,
                    "lemma": getattr(word, "lemma", None), "upos": getattr(word, "upos", None),
                    "head": None, "deprel": deprel.lower() if deprel else None,
                })
                pending_heads.append((row, index, getattr(word, "head", None)))
        sentences.append((spans[0][0], spans[-1][1]))
    for row, index, head in pending_heads:
        if head is not None:
            tokens[row]["head"] = row if int(head) == 0 else rows_by_word.get((index, int(head)))

    mentions = []
    for ent in getattr(stanza_doc, "ents", None) or []:
        start = moved_starts.get(ent.start_char, ent.start_char)
        end = moved_ends.get(ent.end_char, ent.end_char)
        if text is not None and text[start:end] != ent.text:
            near = max(0, (start or 0) - len(ent.text))
            start, end = _locate(text, ent.text, None, None, near if ent.text in text[near:] else 0)
        mentions.append({
            "start_char": start, "end_char": end,
            "text": text[start:end] if text is not None else ent.text, "label": ent.type,
        })
    return {"sentences": sentences, "tokens": tokens, "mentions": mentions}


def annotate_paragraphs(paragraphs: Sequence[str], *, language: str,
                        model_dir: str | os.PathLike | None = None, batch_size: int = 32,
                        **pipeline_kwargs: Any) -> list[ParagraphResult]:
    """Annotate paragraphs with stanza, in bulk, and return one record per paragraph.

    Args:
        paragraphs: Paragraph texts, all in ``language``.
        language: ISO 639-1 code.
        model_dir: stanza's resources folder; default :func:`resources_dir`.
        batch_size: Paragraphs per call to stanza's ``Pipeline.bulk_process``.
        **pipeline_kwargs: Passed to :func:`load_pipeline` (``processors``, model paths...).

    Returns:
        One ParagraphResult per paragraph, in order (see :func:`doc_to_records`); blank
        paragraphs give empty records.

    Raises:
        ModelNotInstalledError: the models are missing.
        ValueError: ``batch_size`` is not a positive integer.

    Example:
        >>> annotate_paragraphs(["To Lam est à Hanoï."], language="fr")[0]["mentions"]
        [{'start_char': 0, 'end_char': 6, 'text': 'To Lam', 'label': 'PER'}, ...]
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"`batch_size` must be a positive integer, got {batch_size!r}")
    paragraphs = list(paragraphs)
    results: list[ParagraphResult] = [
        {"sentences": [], "tokens": [], "mentions": []} for _ in paragraphs
    ]
    todo = [i for i, paragraph in enumerate(paragraphs) if paragraph and paragraph.strip()]
    if not todo:
        return results
    stanza_pipeline = load_pipeline(language, model_dir=model_dir, **pipeline_kwargs)
    for first in range(0, len(todo), batch_size):
        batch = todo[first:first + batch_size]
        # bulk_process wraps each string in a Document and runs every processor once over the
        # whole batch, which is much faster than one call per paragraph.
        stanza_docs = stanza_pipeline.bulk_process([paragraphs[i] for i in batch])
        for i, stanza_doc in zip(batch, stanza_docs):
            results[i] = doc_to_records(stanza_doc, text=paragraphs[i])
    return results
