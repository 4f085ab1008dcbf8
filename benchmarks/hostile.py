"""Benchmark: the very large hostile inputs of issue 17; time and peak memory of load_corpus (child processes).

Cases (built in a temporary folder, each loaded in a fresh interpreter):

- ``article-53mb``: one .txt article of 53 MB, 539,490 short paragraphs (used to hang:
  the duplicate-paragraph check was quadratic);
- ``jsonl-30mb-line``: a JSONL file whose one text line is 30 MB (300,000 paragraphs);
- ``jsonl-30mb-paragraph``: the same 30 MB as one paragraph with no line break.

Usage: python benchmarks/hostile.py [--scale 1.0]   (``--scale 0.1`` for a quick run)

``run()`` returns the rows, for ``benchmarks/run_all.py``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Peak resident memory from /proc (VmHWM): ru_maxrss would carry the parent's peak over exec.
PEAK = "float(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024"
CHILD = r"""
import json, sys, time, warnings
import toolkit as tk
warnings.simplefilter("ignore")
start, cpu = time.perf_counter(), time.process_time()
corpus = tk.load_corpus(sys.argv[1], progress=False)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"articles": len(corpus.articles), "seconds": seconds, "cpu_s": cpu, "peak_mb": PEAK,
                  "text_mb": corpus.articles["text"].str.len().sum() / 1e6, "problems": len(corpus.problems)}))
"""
BASELINE = "import json, toolkit; print(json.dumps({'peak_mb': PEAK}))"
#: Target of issue 17: each case loads (or is refused by name) in under a minute.
TARGET_S = 60.0


def _paragraphs(n: int) -> list[str]:
    return [f"Paragraphe {i} : le ministre a rappelé la coopération entre les deux pays, à Hanoï, ce mardi."
            for i in range(n)]


def build(folder: Path, scale: float) -> dict[str, Path]:
    """Write the cases under ``folder``; return their paths by name."""
    cases = {}
    article = folder / "article-53mb"
    article.mkdir()
    (article / "long.txt").write_text("\n\n".join(_paragraphs(int(539_490 * scale))), encoding="utf-8")
    cases["article-53mb"] = article
    text = "\n\n".join(_paragraphs(int(300_000 * scale)))
    line = folder / "line.jsonl"
    line.write_text(json.dumps({"id": "big", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    cases["jsonl-30mb-line"] = line
    flat = folder / "paragraph.jsonl"
    flat.write_text(json.dumps({"id": "flat", "text": text.replace("\n\n", " ")}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    cases["jsonl-30mb-paragraph"] = flat
    return cases


def run_child(code: str, *args: str) -> dict:
    """Run ``code`` (PEAK replaced) in a fresh interpreter at the repository root; its last JSON line."""
    done = subprocess.run([sys.executable, "-c", code.replace("PEAK", PEAK), *args], cwd=ROOT,
                          capture_output=True, text=True, check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(scale: float = 1.0) -> list[dict]:
    """Time and peak memory of each case: one row each (case, size_mb, articles, seconds, cpu_s, peak_mb, ok)."""
    base = run_child(BASELINE)["peak_mb"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in build(Path(tmp), scale).items():
            size = sum(p.stat().st_size for p in ([path] if path.is_file() else path.iterdir())) / 1e6
            result = run_child(CHILD, str(path))
            rows.append({"case": name, "size_mb": round(size, 1), "articles": result["articles"],
                         "seconds": round(result["seconds"], 1), "cpu_s": round(result["cpu_s"], 1),
                         "peak_mb": round(result["peak_mb"]),
                         "over_import_mb": round(result["peak_mb"] - base),
                         "ok": result["seconds"] < TARGET_S})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full sizes (quick runs)")
    args = parser.parse_args()
    rows = run(args.scale)
    # Wall time on a shared machine includes waiting for a core; CPU time is the work done.
    print(f"{'case':<22} {'MB':>6} {'articles':>8} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'+import':>8}"
          f"  < {TARGET_S:.0f} s")
    for row in rows:
        print(f"{row['case']:<22} {row['size_mb']:>6} {row['articles']:>8} {row['seconds']:>7} {row['cpu_s']:>7} "
              f"{row['peak_mb']:>8} "
              f"{row['over_import_mb']:>8}  {'yes' if row['ok'] else 'NO'}")


if __name__ == "__main__":
    main()
