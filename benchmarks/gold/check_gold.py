"""Verify the hand-annotated gold files against the dev data they point into.

The gold files hold ids, character offsets, labels and an 8-hex-digit sha1 of
each span, never the text itself. This script re-reads the dev JSONL files,
slices every span and checks that

* every checksum matches (the offsets still point at the same words);
* quote spans sit between quotation marks (only spaces in between);
* speaker columns are empty exactly when speaker_kind is ``none``;
* labels and kinds are from the documented sets;
* the two articles of a sentence pair belong to the stated event and to
  different outlets.

Usage::

    python benchmarks/gold/check_gold.py /path/to/dev

where ``/path/to/dev`` is the folder holding ``frames/`` and ``stories/``
(``../shared/data/dev`` on project machines; its parent is accepted too).
Exits 0 when everything checks out, 1 on any mismatch, 2 on a usage error.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FRAMES = Path("frames") / "semeval2023t3-dev.jsonl"
STORIES = Path("stories") / "basil-2010-2014-dev.jsonl"

OPEN_MARKS = "«“\"‘'"
CLOSE_MARKS = "»”\"’'"
SPACES = " \u00a0\u202f\t"

SPEAKER_KINDS = {"named", "description", "none"}
CUE_KINDS = {"before", "after", "inverted", "anaphora", "nested", "dash", "none"}
PAIR_LABELS = {"same_fact", "related", "unrelated"}


def sha8(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def find_dev(arg: str) -> Path:
    base = Path(arg)
    for cand in (base, base / "dev"):
        if (cand / FRAMES).is_file() and (cand / STORIES).is_file():
            return cand
    raise FileNotFoundError(f"no {FRAMES} and {STORIES} under {base} (or {base / 'dev'})")


def load_jsonl(path: Path, key: str) -> dict[str, dict]:
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                out[str(rec[key])] = rec
    return out


def span(text: str, start: str, end: str) -> tuple[int, int]:
    s, e = int(start), int(end)
    if not (0 <= s < e <= len(text)):
        raise ValueError(f"offsets {s}:{e} outside text of length {len(text)}")
    return s, e


def check_speakers(path: Path, frames: dict[str, dict], errors: list[str]) -> int:
    n = 0
    with open(path, encoding="utf-8", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            n += 1
            where = f"{path.name}:{line_no} (article {row['article_id']})"
            rec = frames.get(row["article_id"])
            if rec is None:
                errors.append(f"{where}: article id not in data")
                continue
            text = rec["text"]
            if rec["lang"] != row["lang"]:
                errors.append(f"{where}: lang {row['lang']} but record is {rec['lang']}")
            try:
                qs, qe = span(text, row["quote_start"], row["quote_end"])
            except ValueError as exc:
                errors.append(f"{where}: quote {exc}")
                continue
            if sha8(text[qs:qe]) != row["quote_sha1"]:
                errors.append(f"{where}: quote checksum mismatch")
            i = qs - 1
            while i >= 0 and text[i] in SPACES:
                i -= 1
            k = qe
            while k < len(text) and text[k] in SPACES:
                k += 1
            if i < 0 or text[i] not in OPEN_MARKS:
                errors.append(f"{where}: no opening quotation mark before the quote span")
            if k >= len(text) or text[k] not in CLOSE_MARKS:
                errors.append(f"{where}: no closing quotation mark after the quote span")
            kind, cue = row["speaker_kind"], row["cue_kind"]
            if kind not in SPEAKER_KINDS:
                errors.append(f"{where}: unknown speaker_kind {kind!r}")
            if cue not in CUE_KINDS:
                errors.append(f"{where}: unknown cue_kind {cue!r}")
            if (kind == "none") != (cue == "none"):
                errors.append(f"{where}: speaker_kind and cue_kind must be none together")
            fields = (row["speaker_start"], row["speaker_end"], row["speaker_sha1"])
            if kind == "none":
                if any(fields):
                    errors.append(f"{where}: speaker columns must be empty for kind none")
                continue
            if not all(fields):
                errors.append(f"{where}: speaker columns missing")
                continue
            try:
                ss, se = span(text, row["speaker_start"], row["speaker_end"])
            except ValueError as exc:
                errors.append(f"{where}: speaker {exc}")
                continue
            if sha8(text[ss:se]) != row["speaker_sha1"]:
                errors.append(f"{where}: speaker checksum mismatch")
    return n


def check_pairs(path: Path, stories: dict[str, dict], errors: list[str]) -> int:
    n = 0
    with open(path, encoding="utf-8", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            n += 1
            where = f"{path.name}:{line_no} (event {row['event_id']})"
            if row["label"] not in PAIR_LABELS:
                errors.append(f"{where}: unknown label {row['label']!r}")
            outlets = []
            for side in ("a", "b"):
                rec = stories.get(row[f"article_{side}"])
                if rec is None:
                    errors.append(f"{where}: article_{side} not in data")
                    continue
                if rec["event_id"] != row["event_id"]:
                    errors.append(f"{where}: article_{side} belongs to another event")
                outlets.append(rec["outlet"])
                text = rec["text"]
                try:
                    s, e = span(text, row[f"start_{side}"], row[f"end_{side}"])
                except ValueError as exc:
                    errors.append(f"{where}: side {side} {exc}")
                    continue
                if sha8(text[s:e]) != row[f"sha1_{side}"]:
                    errors.append(f"{where}: side {side} checksum mismatch")
            if len(outlets) == 2 and outlets[0] == outlets[1]:
                errors.append(f"{where}: both sentences come from the same outlet")
    return n


def main(argv: list[str]) -> int:
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__)
        return 2
    arg = argv[1] if len(argv) == 2 else str(HERE.parents[2] / "shared" / "data" / "dev")
    try:
        dev = find_dev(arg)
    except FileNotFoundError as exc:
        print(f"check_gold: {exc}", file=sys.stderr)
        return 2
    frames = load_jsonl(dev / FRAMES, "id")
    stories = load_jsonl(dev / STORIES, "article_id")
    errors: list[str] = []
    n_quotes = check_speakers(HERE / "speakers.csv", frames, errors)
    n_pairs = check_pairs(HERE / "sentence_pairs.csv", stories, errors)
    for err in errors:
        print(err, file=sys.stderr)
    status = "FAILED" if errors else "ok"
    print(f"check_gold: {n_quotes} quotations, {n_pairs} sentence pairs, {len(errors)} problems: {status}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
