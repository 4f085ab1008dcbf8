"""Shared pieces of the accuracy tasks: data files and their provenance, readers, result rows.

Nothing here imports the toolkit's internals: the tasks call ``import toolkit as tk`` and
its public functions only, so the harness keeps working while ``toolkit/`` is restructured.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

#: Data keys, the file each one names under the data folder, and the command-line option
#: that points it elsewhere. A task receives ``paths[key]``: a Path, or None when absent.
DATA_FILES = {
    "stories": ("stories/basil-2010-2014-dev.jsonl", "--stories"),
    "parallel": ("parallel/newstest2014-fren-dev-docs.jsonl", "--parallel"),
    "ner_fr": ("ner/hipe2020-dev-fr.conll", "--ner-fr"),
    "ner_en": ("ner/conll2003-dev-en.conll", "--ner-en"),
    "hipe_tsv": ("ner/HIPE-data-v1.4-dev-fr.tsv", "--hipe-tsv"),
    "frames": ("frames/semeval2023t3-dev.jsonl", "--frames"),
}

#: Provenance of the default files, as the data folder's README gives it.
PROVENANCE = {
    "stories": dict(
        dataset="BASIL (Fan et al., EMNLP 2019; launchnlp/BASIL): one event reported by Fox News, "
                "the New York Times and HuffPost, 2010-2014",
        split="the development part the project keeps (2010-2014 events); a test part is kept apart",
        size="150 articles, 50 events (English)",
        licence="research dataset, no licence stated; texts are copyrighted news"),
    "parallel": dict(
        dataset="WMT newstest2014 fr-en: the 68 documents first written in English, with their French "
                "translations (sentence-aligned)",
        split="development part (documents of English origin); the rest is kept apart",
        size="68 documents, 1,503 sentence pairs",
        licence="research use"),
    "ner_fr": dict(
        dataset="CLEF-HIPE-2020 French dev set (impresso), 3-column CoNLL derived from the TSV: "
                "Swiss and Luxembourg newspapers 1798-2018, OCR text",
        split="dev",
        size="43 documents, 1,244 sentences, 37,952 tokens",
        licence="CC BY-NC-SA 4.0"),
    "ner_en": dict(
        dataset="CoNLL-2003 English development set (eng.testa, Reuters 1996), IOB1",
        split="dev (testa)",
        size="216 documents, ~51,000 tokens",
        licence="research use (Reuters RCV1 terms)"),
    "hipe_tsv": dict(
        dataset="CLEF-HIPE-2020 French dev set v1.4, full TSV (coarse/fine/nested NER, name components, "
                "Wikidata links in NEL-LIT)",
        split="dev",
        size="43 documents, 1,244 sentences, 37,952 tokens",
        licence="CC BY-NC-SA 4.0"),
    "frames": dict(
        dataset="SemEval-2023 Task 3 (subtask 2, frames): online news 2020-2022, web remnants included; "
                "the 14 Media Frames Corpus frames, multi-label per article",
        split="training articles with an odd id (the project's development part)",
        size="301 articles (81 French, 220 English)",
        licence="research use only (task terms)"),
}

ROW_KEYS = ("task", "data", "protocol", "metric", "baseline", "baseline_value", "toolkit_value",
            "target", "met", "seconds")


def default_path(data_dir: Path, key: str) -> Path:
    """Where ``key``'s file lies under the data folder."""
    return Path(data_dir) / DATA_FILES[key][0]


def present(paths: dict, key: str) -> Path | None:
    """``paths[key]`` when that file exists, else None (the task then reports it skipped)."""
    path = paths.get(key)
    return Path(path) if path is not None and Path(path).is_file() else None


def provenance(key: str, path: Path | None) -> dict:
    """The README's provenance for a default file; for any other file, what can be said of it."""
    if path is not None and Path(path).name != Path(DATA_FILES[key][0]).name:
        return dict(dataset=f"user-supplied file `{Path(path).name}`", split="unknown", size="see the data column",
                    licence="unknown (the user's)")
    return PROVENANCE[key]


def row(task: str, data: str, metric: str, *, protocol: str = "", baseline: str = "", baseline_value=None,
        toolkit_value=None, target: str = "", met=None, seconds: float = 0.0, note: str = "") -> dict:
    """One result row (keys ROW_KEYS, plus ``note``, free text shown under the task in the report)."""
    def number(value):
        return None if value is None or (isinstance(value, float) and value != value) else float(value)

    return dict(task=task, data=data, protocol=protocol, metric=metric, baseline=baseline,
                baseline_value=number(baseline_value), toolkit_value=number(toolkit_value), target=target,
                met=None if met is None else bool(met), seconds=round(float(seconds), 1), note=note)


def skipped(task: str, key: str, path: Path | None, what: str = "") -> dict:
    """The row of a task (or part of one) whose data is absent."""
    option = DATA_FILES[key][1]
    where = f"`{path}`" if path is not None else "no file"
    return row(task, what or key, "skipped",
               note=f"skipped: data absent ({where} not found; point {option} at a file or --data at a folder)")


def meets(value, target_value, *, baseline_value=None, margin: float | None = None) -> bool | None:
    """value >= target_value (and >= baseline_value + margin when both are given); None without a value."""
    if value is None:
        return None
    ok = value >= target_value - 1e-12
    if margin is not None and baseline_value is not None:
        ok = ok and value >= baseline_value + margin - 1e-12
    return bool(ok)


class Timer:
    """``with Timer() as t: ...``; then ``t.seconds``."""

    def __enter__(self):
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        return False


# ---------------------------------------------------------------- readers

def read_jsonl(path: Path) -> list[dict]:
    """The JSON objects of a JSONL file, blank lines skipped."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_articles(records: Iterable[dict], *, tk) -> pd.DataFrame:
    """Articles through the toolkit's own loader: write a JSONL in its format, ``tk.load_corpus`` it.

    Each record needs ``id`` and ``text``; ``title``, ``outlet``, ``published`` and
    ``language`` are passed on when present. The loader cleans the texts as it would a
    user's corpus; rows come back in input order.
    """
    keys = ("id", "title", "text", "outlet", "published", "language")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "articles.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps({k: record[k] for k in keys if record.get(k) not in (None, "")},
                                        ensure_ascii=False) + "\n")
        corpus = tk.load_corpus(path, errors="ignore", progress=False)
    return corpus.articles


def fold_text(text: str) -> str:
    """Lower case, accents removed, spaces collapsed ("Genève " → "geneve")."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(plain.split())


# ---------------------------------------------------------------- CoNLL / HIPE token files

def read_token_documents(path: Path) -> list[dict]:
    """Documents of a CoNLL-style token file: ``{"doc_id", "sentences": [[fields, ...], ...]}``.

    One token a line, fields split on tabs when the line has any, else on spaces; a blank
    line ends a sentence. A document starts at ``-DOCSTART-`` (CoNLL-2003) or at a
    ``# document_id = X`` comment (HIPE); other ``#`` lines are comments. A TSV whose first
    line starts with ``TOKEN`` is read with that header: each token is then a dict of its
    columns, and a sentence ends after a token whose MISC column says ``PySBDSegment``
    (HIPE's sentence segmentation, the one its CoNLL export keeps). Otherwise each token is
    its list of fields.
    """
    documents: list[dict] = []
    header = None
    sentence: list = []

    def close():
        nonlocal sentence
        if sentence:
            if not documents:
                documents.append({"doc_id": Path(path).stem, "sentences": []})
            documents[-1]["sentences"].append(sentence)
        sentence = []

    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle):
            line = raw.rstrip("\n").rstrip("\r")
            if number == 0 and line.startswith("TOKEN\t"):
                header = line.split("\t")
                continue
            if line.startswith("-DOCSTART-"):
                close()
                parts = line.split()
                name = parts[1] if len(parts) > 1 and parts[1] != "-X-" else f"doc{len(documents):04d}"
                documents.append({"doc_id": name, "sentences": []})
                continue
            if line.startswith("#"):
                match = re.match(r"#\s*document_id\s*=\s*(\S+)", line)
                if match:
                    close()
                    documents.append({"doc_id": match.group(1), "sentences": []})
                continue
            if not line.strip():
                close()
                continue
            fields = line.split("\t") if "\t" in line else line.split()
            if header is not None:
                token = dict(zip(header, fields))
                sentence.append(token)
                if "PySBDSegment" in token.get("MISC", ""):
                    close()
            else:
                sentence.append(fields)
    close()
    return [d for d in documents if d["sentences"]]


def build_text(sentences: list[list[str]]) -> tuple[str, list[tuple[int, int]]]:
    """A document's text from its tokens, and each token's (start, end) in it.

    Tokens are joined by single spaces and sentences by a line break (so the text stays
    one paragraph and both systems see the same string).
    """
    parts, offsets, position = [], [], 0
    for s, tokens in enumerate(sentences):
        if s:
            parts.append("\n")
            position += 1
        for t, token in enumerate(tokens):
            if t:
                parts.append(" ")
                position += 1
            parts.append(token)
            offsets.append((position, position + len(token)))
            position += len(token)
    return "".join(parts), offsets


def decode_iob(tags: list[str]) -> list[tuple[int, int, str]]:
    """(first, last, label) spans of a sentence's IOB1 or IOB2 tags, read leniently.

    ``B-`` always starts an entity; ``I-`` continues the entity before it when the label
    is the same, else starts one (IOB1, where ``I-`` opens an entity and ``B-`` only
    separates two adjacent entities of one type).
    """
    spans, current = [], None
    for k, tag in enumerate(tags):
        if tag in ("O", "_", "") or "-" not in tag:
            if current:
                spans.append(tuple(current))
            current = None
            continue
        prefix, label = tag.split("-", 1)
        if prefix == "I" and current and current[2] == label:
            current[1] = k
            continue
        if current:
            spans.append(tuple(current))
        current = [k, k, label]
    if current:
        spans.append(tuple(current))
    return spans


def snap_to_tokens(start: int, end: int, offsets: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The (first, last) gold tokens a predicted character span covers; None when it covers none.

    A token counts when the span overlaps it, so a prediction that cuts a gold token
    ("Hagenbeck" inside "Hagenbeck,") covers that token.
    """
    covered = [k for k, (s, e) in enumerate(offsets) if s < end and start < e]
    return (covered[0], covered[-1]) if covered else None


#: HIPE coarse types → the toolkit's entity types (prod and time are not scored).
HIPE_TYPES = {"pers": "PER", "loc": "LOC", "org": "ORG"}


def hipe_documents(path: Path, *, prefix: str = "fr:") -> list[dict]:
    """HIPE TSV documents: text and token offsets (as :func:`build_text`), tokens' columns, coarse entities.

    Returns one dict per document: ``article_id`` (``prefix`` + HIPE document id), ``text``,
    ``offsets``, ``tokens`` (the TSV rows, flattened over sentences) and ``entities``: one
    dict per literal coarse entity (NE-COARSE-LIT) with ``first``, ``last`` (token indices),
    ``type`` (the HIPE type: pers, loc, org, prod, time), ``qid`` (NEL-LIT of its first
    token: a Wikidata id, ``NIL`` or ``_``) and ``name`` (``(first, last)`` of the first
    run of ``comp.name`` tokens inside it, from NE-FINE-COMP, or None).
    """
    documents = []
    for doc in read_token_documents(path):
        text, offsets = build_text([[t["TOKEN"] for t in s] for s in doc["sentences"]])
        tokens = [t for s in doc["sentences"] for t in s]
        entities, base = [], 0
        for sentence in doc["sentences"]:
            for first, last, label in decode_iob([t.get("NE-COARSE-LIT", "O") for t in sentence]):
                first, last = first + base, last + base
                name, k = None, first
                while k <= last:
                    if tokens[k].get("NE-FINE-COMP", "O") == "B-comp.name":
                        end = k
                        while end + 1 <= last and tokens[end + 1].get("NE-FINE-COMP", "O") == "I-comp.name":
                            end += 1
                        name = (k, end)
                        break
                    k += 1
                entities.append(dict(first=first, last=last, type=label.split(".")[0].lower(),
                                     qid=tokens[first].get("NEL-LIT", "_"), name=name))
            base += len(sentence)
        documents.append(dict(article_id=prefix + doc["doc_id"], text=text, offsets=offsets, tokens=tokens,
                              entities=entities))
    return documents
