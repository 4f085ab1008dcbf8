"""Benchmark: load_corpus on a large JSONL corpus; time and peak memory (run in a child process).

Usage: python benchmarks/load_corpus.py [--articles 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Peak resident memory from /proc (VmHWM): ru_maxrss would carry the parent's peak over exec.
PEAK = "float(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024"
CHILD = r"""
import json, sys, time
import toolkit as tk
start = time.perf_counter()
corpus = tk.load_corpus(sys.argv[1], progress=False, processes=json.loads(sys.argv[2]))
seconds = time.perf_counter() - start
peak_mb = PEAK
print(json.dumps({"articles": len(corpus.articles), "seconds": seconds, "peak_mb": peak_mb,
                  "raw_mb": corpus.articles["raw"].str.len().sum() / 1e6,
                  "problems": len(corpus.problems)}))
"""
BASELINE = r"""
import json
import toolkit as tk
print(json.dumps({"peak_mb": PEAK}))
"""
# The simplest reading a user would write: json.loads over the same lines (the speed yardstick).
JSON_PASS = r"""
import json, sys, time
start = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as handle:
    n = sum(1 for line in handle if json.loads(line))
print(json.dumps({"articles": n, "seconds": time.perf_counter() - start, "peak_mb": PEAK}))
"""


def run_child(code: str, *args: str) -> dict:
    """Run ``code`` (``PEAK`` replaced by the peak-memory expression) in a fresh interpreter at the
    repository root; return the JSON object its last line prints."""
    out = subprocess.run([sys.executable, "-c", code.replace("PEAK", PEAK), *args], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(n: int) -> dict:
    """Load ``n`` synthetic articles in a fresh process; return its figures."""
    from benchmarks._corpus import write_jsonl

    with tempfile.TemporaryDirectory() as tmp:
        path = write_jsonl(Path(tmp) / "corpus.jsonl", n)
        file_mb = path.stat().st_size / 1e6
        plain = run_child(JSON_PASS, str(path))
        result = run_child(CHILD, str(path), "1")
        multi = run_child(CHILD, str(path), "null")
        base = run_child(BASELINE)
    result.update(file_mb=file_mb, baseline_mb=base["peak_mb"], target_mb=2048,
                  json_seconds=plain["seconds"], articles_per_s=result["articles"] / result["seconds"],
                  json_articles_per_s=plain["articles"] / plain["seconds"],
                  times_json=result["seconds"] / plain["seconds"], target_articles_per_s=3000, target_times_json=5,
                  cores=os.cpu_count(), multi_seconds=multi["seconds"], multi_peak_mb=multi["peak_mb"],
                  multi_articles_per_s=multi["articles"] / multi["seconds"],
                  multi_times_json=multi["seconds"] / plain["seconds"])
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    args = parser.parse_args(argv)
    r = measure(args.articles)
    print(f"load_corpus: {r['articles']:,} articles, {r['file_mb']:.0f} MB JSONL ({r['raw_mb']:.0f} MB of text)")
    print(f"  one process (processes=1): time {r['seconds']:.1f} s ({r['articles_per_s']:,.0f} articles/s; target >= 3,000: "
          f"{'PASS' if r['articles_per_s'] >= 3000 else 'FAIL'})")
    print(f"  plain json.loads over the same lines, same run: {r['json_seconds']:.2f} s "
          f"({r['json_articles_per_s']:,.0f} articles/s); load_corpus takes {r['times_json']:.1f}x that "
          f"(target <= 5x: {'PASS' if r['times_json'] <= 5 else 'FAIL'})")
    print(f"  all cores (processes=None, {r['cores']} cores, shared with whatever else runs): "
          f"{r['multi_seconds']:.1f} s ({r['multi_articles_per_s']:,.0f} articles/s, {r['multi_times_json']:.1f}x json; "
          f"peak memory of the parent {r['multi_peak_mb']:.0f} MB)")
    print(f"  peak memory {r['peak_mb']:.0f} MB (the interpreter with toolkit imported: {r['baseline_mb']:.0f} MB); "
          f"target < 2,048 MB: {'PASS' if r['peak_mb'] < 2048 else 'FAIL'}")
    print(f"  peak / text size: {r['peak_mb'] / r['raw_mb']:.1f}x")
    return r


if __name__ == "__main__":
    main()
