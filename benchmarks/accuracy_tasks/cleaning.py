"""Cleaning: what `tk.load_corpus` removes from real web articles (SemEval-2023 Task 3 dev, BASIL dev), by reason,
and the hand checks."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import toolkit as tk
from benchmarks.accuracy_tasks._common import Timer, present, read_jsonl, row, skipped

NAME = "cleaning"
DATA = ("frames", "stories")
#: The hand check: one row per judged removed span (kind=span: article_id, start_char, end_char,
#: judgement article-text|boilerplate) or judged article (kind=article: article_id, judgement
#: clean|widget-left). Ids and offsets only, no text (benchmarks/gold/README.md).
CHECK = Path(__file__).resolve().parents[1] / "gold" / "cleaning_check.csv"
#: The same hand check on the BASIL dev articles (NYT, Fox News, HuffPost web text, 2010-2014).
CHECK_BASIL = Path(__file__).resolve().parents[1] / "gold" / "cleaning_check_basil.csv"
#: The note that opens an article row read outside the hand check's sample (found by a scan of the whole file).
OUTSIDE_SAMPLE = "outside the sample"

PROTOCOL = """\
**Articles.** Each record (`id`, `title`, `text`, `lang`, plus its own `genre`) is written to a
JSONL and read back with `tk.load_corpus` and its defaults (the shipped pattern file,
corpus-level repeated lines from 3 distinct articles). Reported: the removed spans by reason,
and how many articles still hold a known web-form or widget string ("Completing this poll",
"This field is for validation", "Email *", "Subscribe Today!", "take our poll").

**Baseline** (same run): no cleaning at all (the raw text): the share of articles that hold
such a string.

**Hand check** (`benchmarks/gold/cleaning_check.csv`, ids and offsets only): removed spans judged
one by one (article text wrongly removed: target 0) and articles' remaining text read whole
(web-form or widget lines left: target 0). Articles read: every 6th record of the dev file in file
order, the first 50 (records 0, 6, ..., 294), cleaned with the defaults of the current rules; a row per
article, `clean` or `widget-left` with the offsets (into the cleaned text) of the first such line. Every
paragraph of every article was read in full (a first pass read 37 of the 50 only in part: paragraphs
over 140 characters by their first and last 80 characters; the second pass re-read all 50 whole and
found 4 more articles with widget text, glued to a paragraph or in long lines). Counted as widget
lines: form, poll, sign-up, follow, share and promotion lines (bookshop widgets included), category
trails, related-article links and headlines, copyright and credit lines, embed credits and site-footer
links; not editorial notes (repost or permission notices, corrections: since December 2026 a permission
credit on one of an article's last lines is removed as a footer, its 14 spans judged), photo captions, the quoted
text of an embedded post or tweet, or section dividers. Removed spans judged: 100 drawn at random,
then every span the second round of rules newly removed (38, all read in context), then every span
the third round (cross-references, author-archive links, a headline glued to the last sentence,
tag trails) newly removed (12, all read in context); the 4 articles that round fixed were read whole
again and judged `clean`; then the one span the fourth round (a poll's question alone on its line,
next to a widget line) newly removed, with its article read whole again; then the 14 permission credits and
the 16 spans the December 2026 foot and top rules (comment notices, post footers and time stamps, glued category
trails, bracketed photo credits, reprint credits above the body) newly removed, each read in context. The task re-checks that each judged span is still
removed, and counts removed spans not yet judged.

**Second corpus: BASIL dev** (`benchmarks/gold/cleaning_check_basil.csv`, same columns): the 150 articles read
with `tk.load_corpus` on the file as it is (`article_id`, `title`, `text` fields). Every removed span judged in
context (all of them, not a sample); articles read: 50, one of each event in turn (record 3e + e mod 3 of event e, so the outlets
alternate), each read at its start and end in full, the middle skimmed; all 150 were also scanned (short lines,
first and last paragraphs, strings of web furniture), and articles found so outside the sample are rows of their own
(their note opens "outside the sample"), counted apart. A span judged `article-text` that the current rules no longer
remove is reported as fixed, not as wrongly removed.
"""

WIDGET_STRINGS = ("Completing this poll", "This field is for validation", "Email *", "Subscribe Today!",
                  "take our poll")


def _has_widget(text: str) -> bool:
    return any(s in text for s in WIDGET_STRINGS)


def run(paths: dict, *, quick: bool = False, **options) -> list[dict]:
    return _frames(paths, quick=quick) + _basil(paths)


def _frames(paths: dict, *, quick: bool = False) -> list[dict]:
    path = present(paths, "frames")
    if path is None:
        return [skipped(NAME, "frames", paths.get("frames"))]
    with Timer() as timer:
        records = read_jsonl(path)
        if quick:
            records = records[:60]
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            file = Path(folder) / "articles.jsonl"
            with open(file, "w", encoding="utf-8") as handle:
                for r in records:
                    handle.write(json.dumps({"id": r["id"], "title": r.get("title"), "text": r["text"],
                                             "language": r.get("lang"), "genre": r.get("genre")},
                                            ensure_ascii=False) + "\n")
            articles, removed, _ = tk.load_corpus(file, errors="ignore", progress=False)
    data = f"SemEval-2023 T3 dev ({len(articles)} articles)"
    by_reason = Counter(removed["reason"])
    left = sum(_has_widget(t) for t in articles["text"])
    raw_left = sum(_has_widget(r["text"]) for r in records)
    note = "removed spans by reason: " + ", ".join(f"{k} {v}" for k, v in by_reason.most_common())
    rows = [row(NAME, data, "articles with web-form/widget strings left (share)", baseline="no cleaning",
                baseline_value=raw_left / max(len(records), 1), toolkit_value=left / max(len(articles), 1),
                target="0", met=left == 0, seconds=timer.seconds, note=note)]
    return rows + hand_check(CHECK, removed, data, min_spans=100)


def _basil(paths: dict) -> list[dict]:
    """The BASIL hand check: the file read as it is (every record has ``article_id``, ``title`` and ``text``)."""
    path = present(paths, "stories")
    if path is None:
        return [skipped(NAME, "stories", paths.get("stories"))]
    with Timer() as timer:
        articles, removed, _ = tk.load_corpus(path, errors="ignore", progress=False)
    data = f"BASIL dev ({len(articles)} articles)"
    rows = hand_check(CHECK_BASIL, removed, data, min_spans=None)
    if rows:
        by_reason = Counter(removed["reason"])
        rows[0]["seconds"] = timer.seconds
        rows[0]["note"] += "; removed spans by reason: " + ", ".join(f"{k} {v}" for k, v in by_reason.most_common())
    return rows


def hand_check(check: Path, removed, data: str, *, min_spans: int | None) -> list[dict]:
    """The rows of one hand-check file against the current ``removed`` table: judged spans that are article text and
    still removed (a span judged article text that is no longer removed was fixed), removed spans not judged, and
    articles read with widget lines left (those of the sample; the ones read outside it in the note).

    ``min_spans``: the fewest judged spans the target asks for (a sample); None: every removed span judged."""
    if not check.exists():
        return []
    with open(check, encoding="utf-8") as handle:
        judged = list(csv.DictReader(handle))
    current = {(r.article_id, int(r.start_char), int(r.end_char)) for r in removed.itertuples()}
    spans = [j for j in judged if j["kind"] == "span"]
    keys = {(j["article_id"], int(j["start_char"]), int(j["end_char"])) for j in spans}
    still = [j for j in spans if (j["article_id"], int(j["start_char"]), int(j["end_char"])) in current]
    wrong = sum(j["judgement"] == "article-text" for j in still)
    fixed = sum(j["judgement"] == "article-text" for j in spans) - wrong
    gone = len(spans) - len(still)
    unjudged = len(current - keys)
    docs = [j for j in judged if j["kind"] == "article" and not j["reason"].startswith(OUTSIDE_SAMPLE)]
    outside = [j for j in judged if j["kind"] == "article" and j["reason"].startswith(OUTSIDE_SAMPLE)]
    widget = sum(j["judgement"] == "widget-left" for j in docs)
    enough = unjudged == 0 if min_spans is None else len(spans) >= min_spans
    rows = [row(NAME, data, f"hand check: article text still removed, of {len(spans)} judged spans",
                toolkit_value=wrong / max(len(spans), 1),
                target="0, every removed span judged" if min_spans is None else f"0 of {min_spans}",
                met=wrong == 0 and enough,
                note=f"{gone} judged spans no longer removed ({fixed} of them article text, now kept); "
                     f"{unjudged} removed spans not judged")]
    note = ""
    if outside:
        note = (f"read outside the sample: {len(outside)} articles, "
                f"{sum(j['judgement'] == 'widget-left' for j in outside)} with widget lines left")
    rows.append(row(NAME, data, f"hand check: articles with widget lines left, of {len(docs)} read",
                    toolkit_value=widget / max(len(docs), 1), target="0 of 50", met=widget == 0 and len(docs) >= 50,
                    note=note))
    return rows
