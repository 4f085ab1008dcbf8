"""Run every benchmark and write benchmarks/results.md (``make bench``).

Each figure is measured side by side with its baseline in the same run, on this machine:

- annotation words per second: the raw engine (spaCy ``nlp.pipe``), ``toolkit.annotate``
  in one process, in two worker processes, and on a Dask LocalCluster of two workers, all
  cold (empty cache); then the same call warm (cache speed-up);
- loading 100,000 articles with ``load_corpus``: time and peak memory (child process);
- near-duplicates: MinHash LSH against exact all-pairs Jaccard at 10,000 articles, and LSH
  alone at 100,000;
- keyness on the tokens of 100,000 articles (time, peak memory) and story clustering by
  week (rate, extrapolated to 100,000 articles);
- story clustering on the candidates path (``benchmarks/stories_scale.py``): 10,000 and 100,000
  synthetic articles over a year (CPU time, peak memory), and its agreement with the all-pairs
  path on samples, the dev corpora among them when the dev data is present;
- end to end: 100,000 articles through loading (Dask), near-duplicates, stories (the candidates
  path, on every article), keyness and frames, each stage's time, CPU time and peak memory, and a
  projection to 10 million articles;
- the notebook suite: each notebook executed top to bottom, as nbval runs it.

Usage: python benchmarks/run_all.py [--quick]   (--quick: smaller sizes, for a smoke test)
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import toolkit as tk  # noqa: E402
from benchmarks import annotate as annotate_bench  # noqa: E402
from benchmarks import load_corpus as load_bench  # noqa: E402
from toolkit.nlp import annotate as annotate_module  # noqa: E402
from toolkit.nlp import spacy_engine  # noqa: E402

RESULTS = Path(__file__).with_name("results.md")


def best_of(repeats: int, function, *args, **kwargs) -> float:
    """The fastest of ``repeats`` timings of ``function(*args, **kwargs)``, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


def annotation(n_words: int, repeats: int) -> dict:
    """Words per second: raw engine, toolkit with 1 and 2 processes, Dask with 2 workers; cache speed-up."""
    from distributed import Client, LocalCluster

    seeds = tk.load_corpus(tk.SEEDS, progress=False).articles
    articles = annotate_bench.build_corpus(seeds, n_words=n_words)
    words = int(articles["n_words"].sum())
    grouped = annotate_bench.paragraphs_by_language(articles)
    pipelines = {language: spacy_engine.load_pipeline(language) for language in grouped}
    run = dict(engine="spacy", progress=False)

    def cold(**kwargs):
        with tempfile.TemporaryDirectory() as cache_dir:
            tk.annotate(articles, cache_dir=cache_dir, **run, **kwargs)

    # Warm-ups (not timed): models in this process, in the worker pool, on the Dask workers.
    warm_up = annotate_bench.build_corpus(seeds, n_words=3_000, seed=99)
    tk.annotate(warm_up, cache=False, **run)
    tk.annotate(warm_up, cache=False, n_process=2, articles_per_task=1, **run)
    timings = {}
    timings["raw engine (nlp.pipe, 1 process)"] = best_of(
        repeats, annotate_bench.run_raw, "spacy", pipelines, grouped, batch_size=annotate_bench.BATCH_SIZE)
    timings["toolkit, 1 process"] = best_of(repeats, cold)
    timings["toolkit, 2 processes"] = best_of(repeats, cold, n_process=2)
    annotate_module.shutdown_workers()
    import dask

    with dask.config.set(tk.DASK_WORKER_CONFIG), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                         silence_logs=50) as cluster, Client(cluster) as client:
        tk.annotate(warm_up, cache=False, client=client, articles_per_task=1, **run)
        timings["toolkit, Dask LocalCluster (2 workers)"] = best_of(repeats, cold, client=client)
    with tempfile.TemporaryDirectory() as cache_dir:
        start = time.perf_counter()
        tk.annotate(articles, cache_dir=cache_dir, **run)
        cold_once = time.perf_counter() - start
        timings["toolkit, warm cache"] = best_of(repeats, tk.annotate, articles, cache_dir=cache_dir, **run)
    return {"words": words, "articles": len(articles), "timings": timings, "cold_once": cold_once}


def near_duplicates(quick: bool) -> dict | None:
    """LSH against exact all-pairs at 10,000 articles, and LSH alone at 100,000 (from benchmarks/near_duplicates.py)."""
    try:
        from benchmarks import near_duplicates as nd
    except ImportError:
        return None
    if not hasattr(nd, "measure"):
        return None
    sizes = (1_000, 2_000) if quick else (10_000, 100_000)
    return nd.measure(sizes=sizes, exact_up_to=sizes[0])


def story_clustering(sizes: Sequence[int], sample: int, data: Path | None) -> list[str]:
    """The results.md section of benchmarks/stories_scale.py: scale runs and agreement, with verdicts."""
    from benchmarks import stories_scale

    result = stories_scale.measure(tuple(sizes), sample=sample, data=data)
    largest = max(result["scale"], key=lambda run: run["articles"])
    rate = largest["articles"] / largest["seconds"]
    # The synthetic French and English sample is not a target (see stories_scale's docstring).
    targeted = [a for a in result["agreement"] if not a["data"].startswith("synthetic fr+en")]
    lowest = min(targeted, key=lambda a: a["ari"], default=None)
    dev = "the dev corpora BASIL and newstest fr+en" if data is not None else "no dev corpora: the dev data was not found"
    lines = ["## Story clustering at scale (the candidates path)", "",
             f"`cluster_stories(method=\"candidates\")` on synthetic stories over a year, each size in a fresh "
             f"process, and its agreement with `method=\"all-pairs\"` on samples small enough for all pairs "
             f"(synthetic samples of {sample:,} articles; {dev}); benchmarks/stories_scale.py.", "",
             result["markdown"], "",
             f"- {verdict(rate >= stories_scale.TARGET_RATE)} at least {stories_scale.TARGET_RATE} articles per CPU "
             f"second at {largest['articles']:,} articles: {rate:.0f}"]
    if lowest is not None:
        lines.append(f"- {verdict(lowest['ari'] >= stories_scale.TARGET_ARI)} ARI ≥ {stories_scale.TARGET_ARI} between "
                     f"the two paths on every targeted sample: lowest {lowest['ari']:.4f} ({lowest['data']})")
    return lines + [""]


def dev_data() -> Path | None:
    """The dev data folder ``make accuracy`` reads, when it exists."""
    from benchmarks.accuracy import default_data_dir

    folder = default_data_dir()
    return folder if folder.is_dir() else None


def notebooks() -> dict[str, float]:
    """Seconds to execute each notebook top to bottom in a fresh kernel (outputs discarded)."""
    import nbformat
    from nbclient import NotebookClient

    from toolkit.report import kernel_config

    times = {}
    for path in sorted(tk.ROOT.joinpath("notebooks").glob("[0-9][0-9]-*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        # The report's kernel settings (channels encrypted where pyzmq can), as `make report` runs them.
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}, config=kernel_config()).execute()
        times[path.stem] = time.perf_counter() - start
    return times


def describe_machine() -> str:
    import importlib.metadata as md

    import psutil

    versions = ", ".join(f"{p} {md.version(p)}" for p in ("spacy", "pandas", "pyarrow", "datasketch", "dask"))
    return (f"{os.cpu_count()} CPUs ({platform.machine()}, {platform.processor() or 'unknown CPU'}), "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; {versions}")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    args = parser.parse_args(argv)
    n_words, repeats, n_load = (10_000, 1, 2_000) if args.quick else (100_000, 2, 100_000)
    lines = ["# Benchmark results", "", f"Machine: {describe_machine()}.", "",
             f"Run: `make bench`{' --quick' if args.quick else ''} on {time.strftime('%Y-%m-%d')}. "
             "Every ratio compares figures measured side by side in this run.", ""]

    print("annotation ...", flush=True)
    result = annotation(n_words, repeats)
    t = result["timings"]
    raw, one, two = t["raw engine (nlp.pipe, 1 process)"], t["toolkit, 1 process"], t["toolkit, 2 processes"]
    dask, warm = t["toolkit, Dask LocalCluster (2 workers)"], t["toolkit, warm cache"]
    lines += [f"## Annotation ({result['words']:,} words, {result['articles']} synthetic articles from the seeds, "
              f"spaCy, cold cache unless said; best of {repeats})", "",
              "| run | seconds | words/s | ratio |", "|---|---:|---:|---|"]
    for name, seconds in t.items():
        ratio = {"raw engine (nlp.pipe, 1 process)": "baseline", "toolkit, 1 process": f"{one / raw:.2f}× raw time",
                 "toolkit, 2 processes": f"{one / two:.2f}× faster than 1 process",
                 "toolkit, Dask LocalCluster (2 workers)": f"{dask / two:.2f}× the time of 2 processes",
                 "toolkit, warm cache": f"{result['cold_once'] / seconds:.0f}× faster than cold"}[name]
        lines.append(f"| {name} | {seconds:.2f} | {result['words'] / seconds:,.0f} | {ratio} |")
    lines += ["", f"- {verdict(one / two >= 1.7)} 2 processes at least 1.7× one: {one / two:.2f}×",
              f"- {verdict(dask / two <= 1.15)} Dask with 2 workers within 15% of 2 local processes: "
              f"{(dask / two - 1) * 100:+.0f}%",
              f"- {verdict(one / raw <= 1.10)} toolkit (1 process) within 10% of the raw engine: "
              f"{(one / raw - 1) * 100:+.0f}%",
              f"- {verdict(result['cold_once'] / warm >= 20)} warm cache at least 20× faster than cold: "
              f"{result['cold_once'] / warm:.0f}×", ""]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")

    print("loading ...", flush=True)
    load = load_bench.measure(n_load)
    lines += [f"## Loading {load['articles']:,} articles (`load_corpus` on a {load['file_mb']:.0f} MB JSONL file)", "",
              f"- CPU time: {load['cpu_seconds']:.0f} s ({load['articles_per_s']:,.0f} articles/s); wall time "
              f"{load['seconds']:.0f} s",
              f"- peak memory: {load['peak_mb']:,.0f} MB, of which {load['baseline_mb']:.0f} MB is the interpreter "
              f"with the toolkit imported; {load['raw_mb']:.0f} MB of text",
              f"- {verdict(load['peak_mb'] < 2048)} peak memory under 2 GB",
              f"- plain `json.loads` over the same lines, same run: CPU time {load['json_cpu_seconds']:.1f} s; "
              f"load_corpus takes {load['times_json']:.1f}x that; the least a loader does (json.loads, lines stripped, "
              f"words counted by whitespace, an Arrow table, no cleaning) takes {load['floor_times_json']:.1f}x",
              f"- default settings (`processes=None`: a worker per core, {load['cores']} here): wall time "
              f"{load['default_seconds']:.0f} s ({load['default_articles_per_s']:,.0f} articles/s, "
              f"{load['default_speedup']:.2f}× the one-process wall speed)",
              f"- {verdict(load['default_articles_per_s'] >= 3000)} at least 3,000 articles/s (default settings, wall "
              f"time); "
              f"{verdict(load['times_json'] <= 5)} within 5x of the plain JSON pass", ""]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")

    print("near-duplicates ...", flush=True)
    dups = near_duplicates(args.quick)
    if dups is None:
        lines += ["## Near-duplicates", "", "benchmarks/near_duplicates.py offers no `measure` function yet.", ""]
    else:
        lines += ["## Near-duplicates (MinHash LSH against exact all-pairs Jaccard)", "", dups["markdown"], ""]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")

    print("keyness and story clustering at scale ...", flush=True)
    from benchmarks import scale_analyses

    scale = scale_analyses.measure(2_000 if args.quick else 100_000, cluster_articles=100 if args.quick else 1_000)
    lines += ["## Keyness and story clustering at scale", "", scale["markdown"],
              f"- {verdict(scale['keyness']['peak_mb'] < 8192)} keyness on {scale['keyness']['articles']:,} "
              f"articles under 8 GB (a third of this machine): {scale['keyness']['peak_mb']:,.0f} MB", ""]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")

    print("story clustering at scale ...", flush=True)
    lines += story_clustering((2_000,) if args.quick else (10_000, 100_000), 300 if args.quick else 2_000,
                              dev_data())
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")

    print("end to end ...", flush=True)
    from benchmarks import end_to_end

    e2e = end_to_end.measure(5_000 if args.quick else 100_000)
    lines += [f"## End to end: {e2e['articles']:,} articles through loading, near-duplicates, stories, keyness "
              "and frames", "", e2e["markdown"], ""]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")

    print("notebooks ...", flush=True)
    times = notebooks()
    lines += ["## Notebook suite (each notebook executed top to bottom in a fresh kernel)", "",
              "| notebook | seconds |", "|---|---:|"]
    lines += [f"| {name} | {seconds:.1f} |" for name, seconds in times.items()]
    total = sum(times.values())
    lines += [f"| **total** | **{total:.1f}** |", "",
              f"- {verdict(max(times.values()) <= 60)} every notebook under 60 s; "
              f"{verdict(total <= 180)} suite under 3 min", ""]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(RESULTS.read_text(encoding="utf-8"))
    print(f"Results written to {RESULTS.relative_to(tk.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
