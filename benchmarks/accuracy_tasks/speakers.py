"""Speakers: ``tk.extract_quotes`` speakers against the hand-made gold of 60 quotations (``benchmarks/gold/speakers.csv``)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pandas as pd

import toolkit as tk
from benchmarks.accuracy_tasks._common import Timer, fold_text, load_articles, present, read_jsonl, row, skipped

NAME = "speakers"
DATA = ("frames",)
GOLD = Path(__file__).resolve().parents[1] / "gold" / "speakers.csv"
TARGET_RIGHT = 0.85
TARGET_UNRESOLVED = 0.15

PROTOCOL = """\
**Gold.** `benchmarks/gold/speakers.csv` (see `benchmarks/gold/README.md`): 60 direct
quotations (30 French, 30 English) in 20 SemEval-2023 Task 3 articles, annotated by hand
before any run: the quote's offsets, the speaker's fullest name mention (`named`), the
describing noun phrase (`description`), or `none` when the marks are not speech; and the
main difficulty (`cue_kind`: before, after, inverted, anaphora, nested, dash, none).

**Offsets.** The articles go through `tk.load_corpus` (as a user's JSONL); gold offsets point
into the record's raw `text`, so each gold span's words are looked up in the cleaned
`articles.text` (exact, else with any run of white space matching any other), taking the
occurrence nearest the raw offset.

**Toolkit.** `tk.annotate(articles, engine=<engine>)`, `tk.link_entities(mentions,
articles=articles)`, `tk.extract_quotes(tokens, linked.mentions, articles)`. For each gold
quote, the toolkit quote overlapping it most (any kind). Its speaker is `speaker_name` (the
linked entity) when there is one, else `speaker_text` when `resolution` is not `unresolved`.

**Right.** `named`: the toolkit speaker and the gold name, folded (case and accents), share
the gold name's last word (its surname; for two people quoted jointly, either one's), or
one contains the other. `description`: the toolkit's speaker span overlaps the gold
description span, or the toolkit speaker contains the description's last word.
`none`: no toolkit quote, or one with no speaker. **Unresolved**: a gold quote with a
speaker (`named` or `description`) for which the toolkit finds no quote, or a quote with no
speaker. Both are fractions of the gold quotes with a speaker, per language; `none` quotes
are reported apart in the note.

**Baseline** (same run): the nearest PER mention of `tk.annotate` ending before the gold
quote's opening (the simplest rule a researcher would write); unresolved when there is none.
Targets: ≥ 85 % right, ≤ 15 % unresolved.
"""


def read_gold(path: Path = GOLD) -> list[dict]:
    """The gold rows, offsets as ints (None where empty)."""
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for r in rows:
        for key in ("quote_start", "quote_end", "speaker_start", "speaker_end"):
            r[key] = int(r[key]) if r[key] else None
    return rows


def map_span(raw: str, clean: str, start: int, end: int) -> tuple[int, int] | None:
    """Where ``raw[start:end]`` lies in ``clean``: the occurrence nearest ``start`` (white space matched loosely)."""
    words = raw[start:end]
    if not words.strip():
        return None
    hits = [(m.start(), m.end()) for m in re.finditer(re.escape(words), clean)]
    if not hits:
        pattern = r"\s+".join(re.escape(w) for w in words.split())
        hits = [(m.start(), m.end()) for m in re.finditer(pattern, clean)]
    if not hits:
        return None
    return min(hits, key=lambda h: abs(h[0] - start))


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", fold_text(text)) if len(w) >= 2]


def _surnames(gold_name: str) -> set[str]:
    """The last word of each person in a gold span ("A B and C D" → {b, d})."""
    parts = re.split(r"\s+(?:and|et|&)\s+|,\s*", gold_name)
    return {_words(p)[-1] for p in parts if _words(p)}


def name_matches(predicted: str | None, gold_name: str) -> bool:
    """Folded surname or full-name containment (see PROTOCOL)."""
    if not isinstance(predicted, str) or not _words(predicted):
        return False
    p, g = " ".join(_words(predicted)), " ".join(_words(gold_name))
    return bool(_surnames(gold_name) & set(p.split())) or f" {p} " in f" {g} " or f" {g} " in f" {p} "


def _best_quote(quotes: pd.DataFrame, start: int, end: int):
    overlap = (quotes["end_char"].clip(upper=end) - quotes["start_char"].clip(lower=start))
    overlap = overlap[overlap > 0]
    return None if overlap.empty else quotes.loc[overlap.idxmax()]


def _toolkit_speaker(quote) -> tuple[str | None, int | None, int | None]:
    if quote is None:
        return None, None, None
    if isinstance(quote["speaker_name"], str) and quote["speaker_name"]:
        name = quote["speaker_name"]
    elif isinstance(quote["speaker_text"], str) and quote["resolution"] != "unresolved":
        name = quote["speaker_text"]
    else:
        return None, None, None
    start, end = quote["speaker_start_char"], quote["speaker_end_char"]
    return name, (None if pd.isna(start) else int(start)), (None if pd.isna(end) else int(end))


def judge(gold: dict, speaker: str | None, s_start, s_end, description_span, gold_name: str) -> str:
    """``right``, ``wrong`` or ``unresolved`` for one gold quote and one predicted speaker."""
    if gold["speaker_kind"] == "none":
        return "right" if speaker is None else "wrong"
    if speaker is None:
        return "unresolved"
    if gold["speaker_kind"] == "named":
        return "right" if name_matches(speaker, gold_name) else "wrong"
    lo, hi = description_span or (None, None)
    if lo is not None and s_start is not None and s_start < hi and lo < s_end:
        return "right"
    head = _words(gold_name)[-1:] if _words(gold_name) else []
    return "right" if head and head[0] in _words(speaker) else "wrong"


def run(paths: dict, *, quick: bool = False, **options) -> list[dict]:
    """Toolkit against the nearest-PER baseline, per language (see PROTOCOL)."""
    log = options.get("log", print)
    path = present(paths, "frames")
    if path is None:
        return [skipped(NAME, "frames", paths.get("frames"), "speaker gold (SemEval-2023 T3)")]
    gold = read_gold()
    ids = sorted({g["article_id"] for g in gold})
    records = {str(r["id"]): r for r in read_jsonl(path) if str(r["id"]) in ids}
    missing = sorted(set(ids) - set(records))
    if missing:
        return [row(NAME, "speaker gold", "error", note=f"error: gold articles missing from {path.name}: {missing}")]
    if quick:
        keep = {"fr": [], "en": []}
        for a in ids:
            lang = records[a]["lang"]
            if len(keep[lang]) < 2:
                keep[lang].append(a)
        ids = keep["fr"] + keep["en"]
        gold = [g for g in gold if g["article_id"] in ids]
    with Timer() as timer:
        articles = load_articles(({"id": a, "title": records[a].get("title"), "text": records[a]["text"],
                                   "language": records[a]["lang"]} for a in ids), tk=tk)
        articles = articles.assign(language=articles["article_id"].map({a: records[a]["lang"] for a in ids}))
        annotation = tk.annotate(articles, engine=options.get("engine", "spacy"), progress=False,
                                 **({"cache_dir": options["cache_dir"]} if options.get("cache_dir") else {}))
        linked = tk.link_entities(annotation.mentions, articles=articles)
        quotes = tk.extract_quotes(annotation.tokens, linked.mentions, articles)
    texts = dict(zip(articles["article_id"], articles["text"]))
    persons = annotation.mentions[annotation.mentions["entity_type"] == "PER"]
    outcomes, lost = [], 0
    for g in gold:
        raw, clean = records[g["article_id"]]["text"], texts.get(g["article_id"], "")
        q = map_span(raw, clean, g["quote_start"], g["quote_end"])
        gold_name = raw[g["speaker_start"]:g["speaker_end"]] if g["speaker_start"] is not None else ""
        if q is None:
            lost += 1
            outcomes.append(dict(g, toolkit="unresolved" if g["speaker_kind"] != "none" else "right",
                                 baseline="unresolved" if g["speaker_kind"] != "none" else "right",
                                 predicted=None, resolution="quote not in cleaned text", base_pred=None))
            continue
        description = (map_span(raw, clean, g["speaker_start"], g["speaker_end"])
                       if g["speaker_kind"] == "description" else None)
        quote = _best_quote(quotes[quotes["article_id"] == g["article_id"]], *q)
        speaker, s_start, s_end = _toolkit_speaker(quote)
        mine = persons[(persons["article_id"] == g["article_id"]) & (persons["end_char"] <= q[0] - 1)]
        base = mine.loc[mine["end_char"].idxmax()] if not mine.empty else None
        base_name = None if base is None else str(base["text"])
        outcomes.append(dict(
            g, toolkit=judge(g, speaker, s_start, s_end, description, gold_name),
            baseline=judge(g, base_name, None if base is None else int(base["start_char"]),
                           None if base is None else int(base["end_char"]), description, gold_name),
            predicted=speaker, resolution=None if quote is None else quote["resolution"], base_pred=base_name,
            gold_name=gold_name, content=clean[q[0]:q[1]][:60]))
    table = pd.DataFrame(outcomes)
    options.get("keep", {}).update(table=table, quotes=quotes, articles=articles)
    rows = []
    for lang in ("fr", "en"):
        mine = table[table["lang"] == lang]
        spoken = mine[mine["speaker_kind"] != "none"]
        if spoken.empty:
            continue
        data = f"{lang}: {len(mine)} gold quotes ({len(spoken)} with a speaker), {mine['article_id'].nunique()} articles"
        right_t, right_b = (spoken["toolkit"] == "right").mean(), (spoken["baseline"] == "right").mean()
        unres_t, unres_b = (spoken["toolkit"] == "unresolved").mean(), (spoken["baseline"] == "unresolved").mean()
        by_kind = ", ".join(f"{kind} {int((part['toolkit'] == 'right').sum())}/{len(part)}"
                            for kind, part in spoken.groupby("cue_kind"))
        nones = mine[mine["speaker_kind"] == "none"]
        how = Counter(spoken["resolution"].fillna("no quote"))
        note = (f"right by cue kind (toolkit): {by_kind}; not-speech marks left without a speaker: "
                f"toolkit {int((nones['toolkit'] == 'right').sum())}/{len(nones)}, baseline "
                f"{int((nones['baseline'] == 'right').sum())}/{len(nones)}; resolution of the matched quotes: "
                + ", ".join(f"{k} {v}" for k, v in sorted(how.items())))
        if lost:
            note += f"; {lost} gold quote(s) not found in the cleaned text"
        rows.append(row(NAME, data, "speakers right", protocol="gold speaker = toolkit speaker of the most "
                        "overlapping quote", baseline="nearest PER mention before the quote",
                        baseline_value=right_b, toolkit_value=right_t, target=f">= {TARGET_RIGHT:.2f}",
                        met=right_t >= TARGET_RIGHT - 1e-12, seconds=timer.seconds, note=note))
        rows.append(row(NAME, data, "unresolved (lower is better)", protocol="no quote or no speaker",
                        baseline="nearest PER mention before the quote", baseline_value=unres_b,
                        toolkit_value=unres_t, target=f"<= {TARGET_UNRESOLVED:.2f}",
                        met=unres_t <= TARGET_UNRESOLVED + 1e-12, seconds=0.0))
    log(f"{NAME}: {len(table)} gold quotes scored")
    return rows
