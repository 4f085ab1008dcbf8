"""Annotate articles with an engine (stanza or spaCy) into sentences, tokens and mentions.

This module chooses the engine for each article's language and assembles the engines'
paragraph records into the three tables. The rest of the work has its own home:

- :mod:`toolkit.nlp.cache`: the Parquet cache (keys, part files, damaged files);
- :mod:`toolkit.nlp.schedule`: where tasks run (this process, worker processes, Dask);
- :mod:`toolkit.nlp.names`: the gazetteer and name propagation, on top of any engine;
- :mod:`toolkit.nlp.spacy_engine`, :mod:`toolkit.nlp.stanza_engine`: the engines.

The names those modules made public here before the split stay importable from here.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from toolkit._checks import require_choice
from toolkit.nlp import spacy_engine, stanza_engine
from toolkit.nlp.cache import (  # noqa: F401  (SCHEMA_VERSION and cache_key re-exported)
    CACHE_COLUMNS,
    ROW_COLUMNS,
    SCHEMA_VERSION,
    cache_index,
    cache_key,
    check_cache_dir,
    empty_cache_table,
    read_parts,
    typed_cache,
    write_part,
)
from toolkit.nlp.names import (  # noqa: F401  (GAZETTEER_COLUMNS re-exported)
    GAZETTEER_COLUMNS,
    apply_gazetteer,
    load_gazetteer,
    propagate_names,
    repair_spans,
)
from toolkit.nlp.schedule import (  # noqa: F401  (DASK_WORKER_CONFIG and shutdown_workers re-exported)
    DASK_WORKER_CONFIG,
    n_workers,
    run_tasks,
    shutdown_workers,
    task_size,
)
from toolkit.nlp.tables import AnnotationWarning, ModelNotInstalledError, harmonise_label
from toolkit import paths
from toolkit.schema import MENTION_COLUMNS, SENTENCE_COLUMNS, TOKEN_COLUMNS, require_columns

ENGINES = ("auto", "stanza", "spacy")
_MODULES = {"stanza": stanza_engine, "spacy": spacy_engine}
#: The columns of ``articles`` that :func:`annotate` reads.
NEEDS_ARTICLES = ["article_id", "text", "language"]


class Annotation(NamedTuple):
    """What :func:`annotate` returns; unpacks as ``sentences, tokens, mentions``."""

    sentences: pd.DataFrame
    tokens: pd.DataFrame
    mentions: pd.DataFrame


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


def _engine_given_positionally(function: str, positional: tuple, engine: str) -> str:
    """``engine`` passed the old way, as the second positional argument: still accepted for one release."""
    if not positional:
        return engine
    if len(positional) > 1:
        raise TypeError(f"{function}() takes one positional argument besides the first, got {len(positional)}")
    warnings.warn(f"{function}(..., engine) positionally is now {function}(..., engine=...); the positional "
                  "form will be removed in the next release", FutureWarning, stacklevel=3)
    return positional[0]


def choose_engine(language: str, *positional, engine: str = "auto", engine_options: Mapping | None = None) -> str:
    """The engine that annotates articles in ``language``.

    ``"auto"``: stanza when its model for the language is installed, else spaCy. (``engine``
    given positionally still works, with a ``FutureWarning``.)

    Raises:
        ModelNotInstalledError: the requested engine has no model for ``language``.
    """
    engine = _engine_given_positionally("choose_engine", positional, engine)
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


def describe_engines(articles: pd.DataFrame | None = None, *positional, languages: Sequence[str] | None = None,
                     engine: str = "auto", engine_options: Mapping | None = None) -> pd.DataFrame:
    """One row per language: the engine ``annotate`` would use and its model (for notebooks to print).

    Args:
        articles: The ``articles`` table: its languages (most articles first) are described.
        languages: ISO 639-1 codes to describe instead; with neither, French and English.
        engine: ``"auto"``, ``"stanza"`` or ``"spacy"``.
        engine_options: Per-engine options, as for :func:`annotate`.

    The old call, a list of languages first (``describe_engines(["fr", "en"])``), still works
    with a ``FutureWarning``; so does ``engine`` given positionally.

    Returns:
        Columns ``language``, ``engine`` (NA when none has a model), ``model`` (or the reason
        there is none).

    Example:
        >>> describe_engines(articles)
    """
    engine = _engine_given_positionally("describe_engines", positional, engine)
    if articles is not None and not isinstance(articles, pd.DataFrame):
        if languages is not None:
            raise TypeError("describe_engines() takes `articles` first; got a list of languages and `languages=`")
        warnings.warn("describe_engines(languages) is now describe_engines(articles) or "
                      "describe_engines(languages=...); a list of languages first will stop working in the next "
                      "release", FutureWarning, stacklevel=2)
        articles, languages = None, [articles] if isinstance(articles, str) else list(articles)
    if languages is None:
        if articles is not None:
            require_columns(articles, ["language"], name="articles")
            counts = articles["language"].dropna().astype(str).value_counts()
            languages = sorted(counts.index, key=lambda lang: (-counts[lang], lang))
        else:
            languages = ["fr", "en"]
    rows = []
    for language in languages:
        try:
            chosen = choose_engine(language, engine=engine, engine_options=engine_options)
            model = _model_name(chosen, language, (engine_options or {}).get(chosen, {}))
            rows.append({"language": language, "engine": chosen, "model": model})
        except ModelNotInstalledError as err:
            rows.append({"language": language, "engine": pd.NA, "model": str(err)})
    return pd.DataFrame(rows, columns=["language", "engine", "model"], dtype="string")


# ---------------------------------------------------------------- paragraphs and assembly

#: The longest piece of text handed to an engine at once. spaCy refuses texts over its
#: ``nlp.max_length`` (1,000,000 characters, error E088) and needs about 1 GB of memory per
#: 100,000 characters; a longer paragraph is cut at sentence ends (else at a space) into pieces
#: annotated one by one, its offsets kept exact and its ``paragraph_id`` shared.
MAX_PIECE_CHARS = 100_000

_SENTENCE_END = re.compile(r"[.!?…»\"”)]\s+|\n")


def split_long(paragraph: str, *, limit: int = MAX_PIECE_CHARS) -> list[tuple[int, str]]:
    """``(offset, piece)`` of a paragraph cut into pieces of at most ``limit`` characters.

    Cuts fall after a sentence end (``.``, ``!``, ``?`` and the space after it) in the second
    half of each window, else after the last space, else at ``limit``; the pieces join back
    into the paragraph. Linear in the paragraph's length.
    """
    if len(paragraph) <= limit:
        return [(0, paragraph)]
    pieces, start = [], 0
    while len(paragraph) - start > limit:
        window_end = start + limit
        end = 0
        for match in _SENTENCE_END.finditer(paragraph, start + limit // 2, window_end):
            end = match.end()
        if not end:
            space = paragraph.rfind(" ", start + 1, window_end)
            end = space + 1 if space > start else window_end
        pieces.append((start, paragraph[start:end]))
        start = end
    pieces.append((start, paragraph[start:]))
    return pieces


def split_paragraphs(text: str) -> list[tuple[int, str]]:
    """``(offset, paragraph)`` for each paragraph of an article's text (separated by blank lines)."""
    return [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text) if m.group(0).strip()]


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

    ``rows`` holds one list of tuples per kind of row, in the order of ``ROW_COLUMNS``:
    tuples rather than dicts, since this runs once per token of the corpus.
    """
    sentences, tokens, mentions = rows["sentence"], rows["token"], rows["mention"]
    n_sentences = n_tokens = n_mentions = 0
    for paragraph_id, offset, result in results:
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
        The long table the cache stores (``CACHE_COLUMNS``), one block of rows per item.
    """
    module = _MODULES[engine]
    # (paragraph_id, offset, piece): a paragraph longer than MAX_PIECE_CHARS is annotated in pieces.
    pieces = [[(paragraph_id, offset + at, piece)
               for paragraph_id, (offset, paragraph) in enumerate(split_paragraphs(text))
               for at, piece in split_long(paragraph)] for _, text in items]
    flat = [piece for ps in pieces for _, _, piece in ps]
    results = module.annotate_paragraphs(flat, language=language, batch_size=batch_size, **dict(options or {}))
    rows: dict[str, list[tuple]] = {name: [] for name in ROW_COLUMNS}
    pos = 0
    for (key, _), ps in zip(items, pieces):
        _assemble(key, [(paragraph_id, offset, results[pos + k]) for k, (paragraph_id, offset, _) in enumerate(ps)],
                  rows)
        pos += len(ps)
    # Row order does not matter: _split_tables sorts by article and id.
    parts = [pd.DataFrame(rows[name], columns=columns).assign(table=name) for name, columns in ROW_COLUMNS.items()]
    return typed_cache(pd.concat(parts, ignore_index=True).reindex(columns=CACHE_COLUMNS))


# ---------------------------------------------------------------- the public entry point

def annotate(articles: pd.DataFrame, *, engine: str = "auto", cache: bool = True, progress: bool = True,
             cache_dir: str | Path | None = None, gazetteer: str | Path | None | bool = None,
             batch_size: int = 64, engine_options: Mapping[str, Mapping] | None = None,
             propagate: bool = True, n_process: int = 1, client=None,
             articles_per_task: int | None = None, repair: bool = True) -> Annotation:
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
        cache_dir: Where the cache lives; by default ``annotations/`` in the user's cache
            folder (``.cache/annotations`` of the working project, see
            :func:`toolkit.paths.folders`); one folder per engine, holding ``part-*.parquet`` files.
        gazetteer: A gazetteer CSV (see :func:`load_gazetteer`); None (or True) for the
            toolkit's own, False for none.
        batch_size: Paragraphs per engine batch.
        engine_options: Per-engine options, e.g. ``{"stanza": {"model_dir": ..., "processors":
            "tokenize,ner", "ner_model_path": ...}}`` (see ``toolkit.nlp.stanza_engine.load_pipeline``).
        propagate: Tag later short forms of a person's name in the same article (see
            :func:`propagate_names`).
        repair: Repair the engine's spans before propagation (see
            :func:`toolkit.nlp.names.repair_spans`): cut a span that joins several names
            ("France - Brésil", "Trump and Mattis"), runs across a line break or a clause
            (a sentence's first words, "Et le Conseil national", or a verb after the name,
            "Société générale est"; not in a MISC title), a sport's rubric before a person
            ("Cyclisme Olano"), or a route before its length ("Bari - Matera ( 142 km )": two
            places); join the parts of a name written with spaced hyphens ("Grande - Russie",
            only in a language known to spell names so: French); extend a place by a regional
            adjective ("Suisse romande"); make a place after a newspaper's title the paper's
            ORG ("Gazette de Lausanne") and a name before a company's legal form an ORG
            ("Dow Chemical Co"; not a region's code after a place, "Las Vegas NV"). The
            propagated mentions are grown the same way. Whether two parts are names is read
            from the corpus: the mentions of all the articles annotated in the same call, so a
            span may be cut in one call and not in another with other articles. False leaves
            the engine's spans (and the gazetteer's and propagation's) as they are. The cache
            holds the engine's output only, so either choice reads the same cache.
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
          start_char, end_char, text (== ``articles.text[start_char:end_char]``), lemma (spaCy's
          French lemmas checked against French lexicons: :mod:`toolkit.nlp.lemmas`),
          upos, head (Int64: token_id of the syntactic head; the root points to itself;
          missing without a parser), deprel (lower-case, Universal Dependencies names),
          engine, model, plus ``word`` (the syntactic word: "de" and "le" for the two
          words of French "du", whose ``text`` is "du") and ``paragraph_id``.
        - ``mentions``: article_id, sentence_id, mention_id, start_char, end_char, text,
          label (the engine's own; the toolkit's type where the gazetteer, propagation or a
          repair made or retyped the mention), entity_type (PER, ORG, LOC, MISC), engine, model,
          source ("model", "gazetteer" or "propagation"). Engine types that are not names
          (DATE, MONEY, CARDINAL...) are left out.

    Raises:
        ModelNotInstalledError: ``engine="stanza"`` (or ``"spacy"``) lacks a model for an
            article's language. With ``"auto"``, such articles are skipped with a warning.
        ValueError: ``articles`` lacks a column, has ids or texts that are not str (NA, numbers), or
            an option is out of range; ``cache_dir`` is a file or not writable (before any work).

    Example:
        >>> sentences, tokens, mentions = annotate(articles)
        >>> sentences, tokens, mentions = annotate(articles, n_process=2)   # two cores
    """
    _check_input(articles, engine, n_process)
    cache_dir = Path(cache_dir) if cache_dir is not None else paths.folders().cache / "annotations"
    if cache:
        check_cache_dir(cache_dir)
    options = {name: dict(value) for name, value in (engine_options or {}).items()}
    plan = _plan(articles, engine, options)
    long = _annotate_texts(plan, cache=cache, cache_dir=cache_dir, options=options, batch_size=batch_size,
                           n_process=n_process, client=client, articles_per_task=articles_per_task,
                           progress=progress)
    sentences, tokens, mentions = _split_tables(articles, long, plan)
    annotated = articles[articles["article_id"].isin(plan["article_id"])]
    if gazetteer is not False:
        # True (or ""), like None, means the toolkit's own gazetteer.
        own = gazetteer is True or gazetteer == ""
        mentions = apply_gazetteer(mentions, annotated, load_gazetteer(None if own else gazetteer))
    # Spans that join several names are cut before names are propagated (names.repair_spans).
    if repair:
        mentions = repair_spans(mentions, annotated)
    if propagate:
        mentions = propagate_names(mentions, tokens, annotated, repair=repair)
    mentions = _finish_mentions(mentions, sentences, {a: i for i, a in enumerate(articles["article_id"])})
    return Annotation(sentences, tokens, mentions)


def _check_input(articles: pd.DataFrame, engine: str, n_process: int) -> None:
    require_columns(articles, NEEDS_ARTICLES, name="articles")
    require_choice(engine, ENGINES, name="engine")
    if not isinstance(n_process, int) or n_process < 1:
        raise ValueError(f"`n_process` must be a positive integer, got {n_process!r}")
    if articles["article_id"].duplicated().any():
        raise ValueError("`articles` has duplicate article_id values: "
                         f"{articles['article_id'][articles['article_id'].duplicated()].unique()[:5].tolist()}")
    not_str = ~articles["article_id"].map(lambda a: isinstance(a, str)).astype(bool)
    if not_str.any():
        shown = articles["article_id"][not_str].head(3).tolist()
        raise ValueError(f"`articles.article_id` must be text (str), got {shown!r}; convert them first: "
                         "articles.astype({'article_id': 'string'})")
    bad_text = ~articles["text"].map(lambda t: isinstance(t, str)).astype(bool)
    if bad_text.any():
        shown = [f"{a!r} ({'missing' if pd.isna(t) else type(t).__name__})"
                 for a, t in zip(articles["article_id"][bad_text].head(5), articles["text"][bad_text].head(5))]
        raise ValueError(f"`articles.text` must be text (str); {int(bad_text.sum())} article(s) are not: "
                         f"{', '.join(shown)}; drop them or fill them with \"\"")


def _plan(articles: pd.DataFrame, engine: str, options: Mapping[str, dict]) -> pd.DataFrame:
    """Each article's engine, model and cache key (articles no engine can annotate are left out, with a warning).

    Returns:
        Columns ``article_id``, ``key``, ``engine``, ``model``, ``language``, ``_text``.
    """
    rows = []
    for article in articles.itertuples(index=False):
        language = article.language if isinstance(article.language, str) else ""
        try:
            chosen = choose_engine(language, engine=engine, engine_options=options)
        except ModelNotInstalledError as err:
            if engine != "auto":
                raise
            # stacklevel 3: the warning points at the caller of annotate().
            warnings.warn(f"{article.article_id}: not annotated ({err})", AnnotationWarning, stacklevel=3)
            continue
        model = _model_name(chosen, language, options.get(chosen, {}))
        rows.append((article.article_id, cache_key(article.text, chosen, _key_model(chosen, language, model)), chosen,
                     model, language, article.text))
    return pd.DataFrame(rows, columns=["article_id", "key", "engine", "model", "language", "_text"])


def _key_model(engine: str, language: str, model: str) -> str:
    """The model as the cache key names it: with what spaCy's checked lemmas also depend on (simplemma's version)."""
    extra = spacy_engine.lemma_version(language) if engine == "spacy" else ""
    return f"{model}+{extra}" if extra else model


def _annotate_texts(plan: pd.DataFrame, *, cache: bool, cache_dir: Path, options: Mapping[str, dict],
                    batch_size: int, n_process: int, client, articles_per_task: int | None,
                    progress: bool) -> pd.DataFrame:
    """The cache rows of every planned text: read from the cache, or annotated in tasks and written to it."""
    found: list[pd.DataFrame] = []
    for chosen, group in plan.groupby("engine", sort=True):
        index = cache_index(cache_dir, chosen) if cache else {}
        cached = set(group["key"]) & set(index)
        if cached:
            found.append(read_parts(index, cached))
            cached &= set(index)  # keys of a part found damaged while reading are annotated again
        missing = group[~group["key"].isin(cached)].drop_duplicates("key")
        per_task = articles_per_task or task_size(len(missing), n_workers(n_process, client))
        tasks = [(chosen, language, list(zip(batch["key"], batch["_text"])))
                 for language, part in missing.groupby("language", sort=True)
                 for batch in (part.iloc[i:i + per_task] for i in range(0, len(part), per_task))]
        # annotate_batch is looked up here, at call time, so that tests can replace it.
        for table in run_tasks(tasks, annotate_batch, options=options, batch_size=batch_size, n_process=n_process,
                               client=client, show=progress and len(missing) >= 20):
            if cache:
                write_part(cache_dir, chosen, table)
            found.append(table)
    return pd.concat(found, ignore_index=True) if found else empty_cache_table()


# ---------------------------------------------------------------- the three tables

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

