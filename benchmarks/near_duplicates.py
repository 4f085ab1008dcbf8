"""Benchmark: near-duplicates by MinHash LSH against exact all-pairs Jaccard, side by side in one run.

Usage (from the repository root)::

    python benchmarks/near_duplicates.py                     # 1,000 and 10,000 articles
    python benchmarks/near_duplicates.py --sizes 1000 10000 100000 --exact-up-to 10000

**Corpus.** Real sentences (the five seed articles and the 30 articles of
``toolkit/data/examples/stories``), mutated so that every article is distinct and the shingle
frequencies look like news: each article draws 6–14 sentences of one language and mutates
each at its own rate, uniform between 0 and 0.6 (a word is replaced by another word of the
same language, deleted, or swapped with its neighbour); some sentences stay almost intact,
as formulaic news sentences do, most change a lot. Articles open with a dateline and close
with a sign-off of one of eight outlets. One article in six is a reprint of an earlier one:
one to three sentence-level edits (a sentence deleted, a new one inserted, two swapped) and
2 % of its words replaced, and a new dateline half of the time.

**What is compared.** Both columns call ``toolkit.compare.find_near_duplicates`` on the same
``articles`` table with ``threshold=0.5`` (Jaccard of word 5-grams): ``method="exact"``
builds the sparse article × shingle matrix (scipy CSR) and multiplies it by its transpose,
a vectorised all-pairs computation, then keeps pairs at or above the threshold;
``method="lsh"`` computes MinHash signatures (128 permutations, numpy), cuts them into
bands whose buckets are datasketch ``MinHashLSH``'s (found by sorting in numpy) and checks
every candidate pair exactly. The shingling step is
the same code in both; the table reports the end-to-end time and the time after shingling.
Recall is the share of the exact pairs (the ground truth) that LSH returns; LSH returns
no false positives, since every candidate is checked exactly.

A third column is the textbook all-pairs computation: one Python set of shingles per
article and the Jaccard of every one of the n(n-1)/2 pairs. Up to ``NAIVE_TIMED_PAIRS``
pairs it is timed in full; above that a random sample of that many pairs is timed and the
time per pair multiplied by the number of pairs (marked "est." in the table), since at
10,000 articles the full loop would take minutes.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import toolkit as tk  # noqa: E402
from toolkit import compare  # noqa: E402
from toolkit.compare import reprints  # noqa: E402
from toolkit.compare.common import cell_text  # noqa: E402
from toolkit.text import fold  # noqa: E402

STORIES = tk.paths.EXAMPLE_STORIES / "articles"
OUTLETS = [("Hanoï (VNA) -", "- VNA", "fr"), ("La Havane (PL) -", "(Source: PL)", "fr"),
           ("Paris (AGP) -", "- AGP", "fr"), ("Montréal (RLIT) -", "- Radio Littoral", "fr"),
           ("HAVANA -", "- VNS", "en"), ("LONDON (LEDGER) -", "- The Evening Ledger", "en"),
           ("OTTAWA (NWIRE) -", "- North Wire", "en"), ("AUCKLAND -", "- Pacific Herald", "en")]


def sentence_pool() -> dict[str, list[list[str]]]:
    """Real sentences as word lists, by language: the seeds and the stories fixture."""
    frames = [tk.load_corpus(tk.SEEDS).articles, tk.load_corpus(STORIES).articles]
    articles = pd.concat([f[["article_id", "text", "language"]] for f in frames], ignore_index=True)
    sentences = compare.split_sentences(articles).merge(articles[["article_id", "language"]], on="article_id")
    pool: dict[str, list[list[str]]] = {}
    for text, language in zip(sentences["text"], sentences["language"]):
        words = text.split()
        if len(words) >= 6:
            pool.setdefault(language, []).append(words)
    return pool


def _mutate(words: list[str], rate: float, vocabulary: list[str], rng: random.Random) -> list[str]:
    """Replace, delete or swap words, each with probability ``rate`` / 3."""
    out = []
    for word in words:
        r = rng.random()
        if r < rate / 3:
            out.append(rng.choice(vocabulary))
        elif r < 2 * rate / 3:
            continue
        else:
            out.append(word)
        if rng.random() < rate / 3 and len(out) > 1:
            out[-1], out[-2] = out[-2], out[-1]
    return out or words[:1]


def build_corpus(n: int, *, seed: int = 0) -> pd.DataFrame:
    """``n`` distinct synthetic articles (see the module docstring), as an ``articles`` table."""
    rng = random.Random(seed)
    pool = sentence_pool()
    vocabulary = {lang: sorted({w for s in sentences for w in s}) for lang, sentences in pool.items()}
    originals, rows = [], []
    for i in range(n):
        if originals and rng.random() < 1 / 6:
            outlet, body, language = rng.choice(originals)
            body = [list(s) for s in body]
            for _ in range(rng.randint(1, 3)):
                op = rng.choice(("delete", "insert", "swap"))
                if op == "delete" and len(body) > 3:
                    body.pop(rng.randrange(len(body)))
                elif op == "insert":
                    body.insert(rng.randrange(len(body) + 1),
                                _mutate(rng.choice(pool[language]), rng.uniform(0, 0.6), vocabulary[language], rng))
                elif len(body) > 1:
                    k = rng.randrange(len(body) - 1)
                    body[k], body[k + 1] = body[k + 1], body[k]
            body = [_mutate(s, 0.02 * 3, vocabulary[language], rng) for s in body]
            if rng.random() < 0.5:
                outlet = rng.choice([o for o in OUTLETS if o[2] == language])
        else:
            outlet = rng.choice(OUTLETS)
            language = outlet[2]
            body = [_mutate(rng.choice(pool[language]), rng.uniform(0, 0.6), vocabulary[language], rng)
                    for _ in range(rng.randint(6, 14))]
            originals.append((outlet, body, language))
        text = " ".join([outlet[0], *(" ".join(s) for s in body), outlet[1]])
        text = re.sub(r"\b(19|20)\d\d\b", lambda m: str(rng.randint(1990, 2030)), text)
        rows.append({"article_id": f"n{i:06d}", "text": text, "language": language})
    return pd.DataFrame(rows).astype({"article_id": "string", "text": "string", "language": "string"})


_WORD_RUN = re.compile(r"\w+")


def regex_shingle_table(articles, k):
    """The shingling ``reprints.shingle_table`` replaced: ``re.findall`` per article, words factorised as
    Python strings, ``np.lexsort`` to sort and deduplicate (the reference for speed and for equality)."""
    words, counts = [], []
    for text in articles["text"]:
        tokens = _WORD_RUN.findall(unicodedata.normalize("NFC", cell_text(text)))
        words += tokens
        counts.append(len(tokens))
    lengths = np.array(counts, dtype=np.int64)
    if not words:
        return np.empty(0, np.int64), np.empty(0, np.uint64), np.zeros(len(articles), np.int64)
    codes, vocabulary = pd.factorize(np.array(words, dtype=object))
    word_hash = pd.util.hash_array(np.array([fold(w) for w in vocabulary], dtype=object))[codes]
    ends = np.cumsum(lengths)
    starts = ends - lengths
    doc_of_word = np.repeat(np.arange(len(lengths)), lengths)
    valid = np.arange(len(words)) + k - 1 < ends[doc_of_word]
    first = np.flatnonzero(valid)
    shingle = word_hash[first].copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):
            shingle = shingle * np.uint64(0x100000001B3) + word_hash[first + j]
    doc = doc_of_word[first]
    short = np.flatnonzero((lengths > 0) & (lengths < k))
    if len(short):
        extra = np.empty(len(short), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for n, d in enumerate(short):
                h = np.uint64(0xCBF29CE484222325)
                for w in word_hash[starts[d]:ends[d]]:
                    h = h * np.uint64(0x100000001B3) + w
                extra[n] = h
        doc, shingle = np.concatenate([doc, short]), np.concatenate([shingle, extra])
    order = np.lexsort((shingle, doc))
    doc, shingle = doc[order], shingle[order]
    keep = np.ones(len(doc), dtype=bool)
    keep[1:] = (doc[1:] != doc[:-1]) | (shingle[1:] != shingle[:-1])
    doc, shingle = doc[keep], shingle[keep]
    sizes = np.bincount(doc, minlength=len(articles)).astype(np.int64)
    return doc, shingle, sizes


def _timed(function, *args, **kwargs):
    """(result, seconds) of one call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def _cpu_timed(function, *args, **kwargs):
    """(result, CPU seconds of this process) of one call: other processes on the machine do not inflate it."""
    start = time.process_time()
    result = function(*args, **kwargs)
    return result, time.process_time() - start


#: Pairs timed for the naive all-pairs baseline; above this it is timed on a sample and scaled.
NAIVE_TIMED_PAIRS = 500_000


def naive_all_pairs_seconds(articles: pd.DataFrame, *, seed: int = 0) -> tuple[float, bool]:
    """Seconds of the textbook all-pairs Jaccard (Python sets, every pair), shingling included.

    Returns (seconds, estimated): ``estimated`` is True when only a random sample of
    NAIVE_TIMED_PAIRS pairs was timed and the time per pair scaled to all n(n-1)/2 pairs.
    """
    start = time.perf_counter()
    doc, shingle, sizes = reprints.shingle_table(articles, 5)
    bounds = np.r_[0, np.cumsum(sizes)]
    sets = [frozenset(shingle[bounds[d]:bounds[d + 1]].tolist()) for d in range(len(sizes))]
    preparing = time.perf_counter() - start
    n = len(sets)
    total = n * (n - 1) // 2
    if total <= NAIVE_TIMED_PAIRS:
        pairs, timed = itertools.combinations(range(n), 2), total
    else:
        rng = np.random.default_rng(seed)
        i, j = rng.integers(0, n, NAIVE_TIMED_PAIRS), rng.integers(0, n - 1, NAIVE_TIMED_PAIRS)
        pairs, timed = zip(i.tolist(), (j + (j >= i)).tolist()), NAIVE_TIMED_PAIRS  # j != i
    start = time.perf_counter()
    for a, b in pairs:
        x, y = sets[a], sets[b]
        shared = len(x & y)
        _ = shared / max(len(x) + len(y) - shared, 1)
    per_pair = (time.perf_counter() - start) / max(timed, 1)
    return preparing + per_pair * total, timed < total


def measure(sizes=(1_000, 10_000), *, exact_up_to: int = 10_000, threshold: float = 0.5, seed: int = 0) -> dict:
    """Time LSH and exact all-pairs on corpora of each size; return the rows and a Markdown report."""
    rows = []
    # Warm-up, not timed: imports (scipy, datasketch) and first-call costs of both methods.
    warm_up = build_corpus(200, seed=seed + 1)
    for method in ("lsh", "exact"):
        compare.find_near_duplicates(warm_up, threshold=threshold, method=method)
    for n in sizes:
        articles = build_corpus(n, seed=seed)
        reprints._word_chars(), reprints._nfc_unstable()  # code-point tables, built once per process (about 0.6 s)
        # Best of two CPU timings each, alternating: the first call of either pays page faults.
        (ours, ours_s), (reference, regex_s) = (_cpu_timed(reprints.shingle_table, articles, 5),
                                                _cpu_timed(regex_shingle_table, articles, 5))
        shingling_cpu = min(ours_s, _cpu_timed(reprints.shingle_table, articles, 5)[1])
        regex_s = min(regex_s, _cpu_timed(regex_shingle_table, articles, 5)[1])
        _, shingling = _timed(reprints.shingle_table, articles, 5)  # wall time, to set against LSH's
        order = np.lexsort((ours[1], ours[0]))
        same = all(np.array_equal(a, b) for a, b in zip((ours[0][order], ours[1][order], ours[2]), reference))
        lsh, lsh_s = _timed(compare.find_near_duplicates, articles, threshold=threshold, method="lsh")
        row = {"articles": n, "words": int(articles["text"].str.split().str.len().sum()), "shingling_s": shingling,
               "shingling_cpu_s": shingling_cpu, "regex_shingling_cpu_s": regex_s, "same_shingles": same,
               "lsh_s": lsh_s, "lsh_pairs": len(lsh)}
        if n <= exact_up_to:
            exact, exact_s = _timed(compare.find_near_duplicates, articles, threshold=threshold, method="exact")
            truth = set(zip(exact["article_id_a"], exact["article_id_b"]))
            found = set(zip(lsh["article_id_a"], lsh["article_id_b"]))
            naive_s, estimated = naive_all_pairs_seconds(articles, seed=seed)
            row.update(exact_s=exact_s, exact_pairs=len(exact), naive_s=naive_s, naive_estimated=estimated,
                       naive_speedup=naive_s / lsh_s,
                       recall=len(truth & found) / len(truth) if truth else 1.0,
                       speedup=exact_s / lsh_s,
                       speedup_after_shingling=(exact_s - shingling) / max(lsh_s - shingling, 1e-9))
        rows.append(row)
    return {"rows": rows, "markdown": _markdown(rows, threshold)}


def _markdown(rows: list[dict], threshold: float) -> str:
    """The report: one table row per size, then the targets."""
    lines = [f"Synthetic corpus of mutated real sentences (benchmarks/near_duplicates.py); Jaccard of word "
             f"5-grams ≥ {threshold}; exact = sparse matrix product (scipy), LSH = MinHash bands (the buckets of "
             "datasketch MinHashLSH, sorted in numpy), "
             "128 permutations, every candidate checked exactly; naive = a Python set per article and the Jaccard "
             "of every pair (est.: a sample of pairs timed and scaled to all pairs).", "",
             "| articles | words | regex shingling CPU s | shingling CPU s | same shingles | naive all-pairs s | exact (sparse) s | LSH s | naive ÷ LSH "
             "| exact ÷ LSH | same, after shingling | exact pairs | LSH pairs | recall |",
             "|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        if "exact_s" in r:
            # Below 50 ms after shingling the ratio is noise.
            after = (f"{r['speedup_after_shingling']:.1f}×" if min(r["exact_s"], r["lsh_s"]) - r["shingling_s"] > 0.05
                     else "–")
            naive = f"{r['naive_s']:.1f}{' (est.)' if r['naive_estimated'] else ''}"
            lines.append(f"| {r['articles']:,} | {r['words']:,} | {r['regex_shingling_cpu_s']:.2f} | {r['shingling_cpu_s']:.2f} | "
                         f"{'yes' if r['same_shingles'] else 'NO'} | {naive} | "
                         f"{r['exact_s']:.2f} | {r['lsh_s']:.2f} | {r['naive_speedup']:.0f}× | {r['speedup']:.1f}× | {after} | "
                         f"{r['exact_pairs']:,} | {r['lsh_pairs']:,} | {r['recall']:.3f} |")
        else:
            lines.append(f"| {r['articles']:,} | {r['words']:,} | {r['regex_shingling_cpu_s']:.2f} | {r['shingling_cpu_s']:.2f} | "
                         f"{'yes' if r['same_shingles'] else 'NO'} | (not run) | (not run) | "
                         f"{r['lsh_s']:.2f} | | | | | {r['lsh_pairs']:,} | |")
    verdict = lambda ok: "PASS" if ok else "FAIL"  # noqa: E731
    biggest = max(rows, key=lambda r: r["articles"])
    ratio = biggest["regex_shingling_cpu_s"] / biggest["shingling_cpu_s"]
    lines += ["", f"- {verdict(ratio >= 5 and all(r['same_shingles'] for r in rows))} vectorised shingling at least "
                  f"5× faster than the regex shingling it replaced (CPU time), same shingles, at {biggest['articles']:,} "
                  f"articles: {ratio:.1f}×"]
    compared = [r for r in rows if "exact_s" in r]
    if compared:
        largest = max(compared, key=lambda r: r["articles"])
        lines += [f"- {verdict(largest['recall'] >= 0.95)} recall ≥ 0.95 at {largest['articles']:,} articles: "
                      f"{largest['recall']:.3f}",
                  f"- {verdict(largest['naive_speedup'] >= 20)} LSH at least 20× faster than the naive all-pairs "
                  f"Jaccard at {largest['articles']:,} articles: {largest['naive_speedup']:.0f}×",
                  f"- {verdict(largest['speedup'] >= 20)} LSH at least 20× faster than the sparse-product exact "
                  f"computation at {largest['articles']:,} articles: {largest['speedup']:.1f}× end to end, "
                  f"{largest['speedup_after_shingling']:.1f}× after the shared shingling step"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--exact-up-to", type=int, default=10_000, help="skip exact all-pairs above this size")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    result = measure(args.sizes, exact_up_to=args.exact_up_to, threshold=args.threshold, seed=args.seed)
    print(result["markdown"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
