"""Measure the toolkit's accuracy on labelled data, each figure beside a baseline run alongside it (``make accuracy``).

Tasks (one module each in ``benchmarks/accuracy_tasks/``, run in this order): story
clustering (BASIL; newstest across languages), sentence alignment (newstest), NER (HIPE
French, CoNLL-2003 English), entity linking (HIPE, Wikidata ids) and frames (SemEval-2023
Task 3). The report, ``benchmarks/accuracy.md`` by default, has one table of every figure
with its baseline and target, then each task's data (provenance, size, licence) and exact
protocol.

Data: ``--data DIR`` (default: the environment variable ``TOOLKIT_DEV_DATA``, else
``../shared/data/dev`` beside the repository), or one file per option, so users can score
their own labelled files (``--stories FILE.jsonl`` etc.). A task whose data is absent is
skipped with one line in the report.

Usage::

    python benchmarks/accuracy.py                             # every task, about 10 minutes on 2 cores
    python benchmarks/accuracy.py --data /path/to/dev --only ner --only linking
    python benchmarks/accuracy.py --ner-en my.conll --only ner --out /tmp/acc.md
    python benchmarks/accuracy.py --quick                     # small subsets, a smoke test
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.accuracy_tasks import TASKS  # noqa: E402
from benchmarks.accuracy_tasks._common import DATA_FILES, default_path, provenance, row  # noqa: E402

REPORT = Path(__file__).with_name("accuracy.md")


def default_data_dir() -> Path:
    """``$TOOLKIT_DEV_DATA``, else ``<repo>/../shared/data/dev``."""
    return Path(os.environ.get("TOOLKIT_DEV_DATA") or REPO.parent / "shared" / "data" / "dev")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="folder of the labelled data (default: $TOOLKIT_DEV_DATA, else ../shared/data/dev "
                             "beside the repository)")
    for key, (relative, option) in DATA_FILES.items():
        parser.add_argument(option, dest=key, type=Path, default=None,
                            help=f"file for this data (default: <data>/{relative})")
    parser.add_argument("--only", action="append", choices=list(TASKS), default=None,
                        help="run only this task (repeatable)")
    parser.add_argument("--quick", action="store_true", help="small subsets of every data set (smoke test)")
    parser.add_argument("--engine", default="spacy", choices=("spacy", "stanza", "auto"),
                        help="engine for tk.annotate and the raw-engine NER baseline (default: spacy)")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="tk.annotate's cache folder (default: the toolkit's own, .cache/ of the repository)")
    parser.add_argument("--out", type=Path, default=REPORT, help="the markdown report (default: %(default)s)")
    return parser.parse_args(argv)


def log(message: str) -> None:
    """One progress line on standard error, with the time of day."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _number(value) -> str:
    return "" if value is None else f"{value:.4f}"


def _met(value) -> str:
    return {True: "yes", False: "**no**", None: ""}[value]


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _machine() -> str:
    """CPUs, Python, the commit and the engines' models, for the report's header."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                                timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return (f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
            + (f", commit {commit}" if commit else ""))


def _engines(engine: str) -> str:
    try:
        import toolkit as tk

        table = tk.describe_engines(languages=["fr", "en"], engine=engine)
        return "; ".join(f"{r.language}: {r.engine} ({r.model})" for r in table.itertuples())
    except Exception as err:  # noqa: BLE001 - the header must not stop the report
        return f"unknown ({err})"


def write_report(path: Path, results: list[tuple], args: argparse.Namespace, data_dir: Path,
                 seconds: float) -> None:
    """The markdown report: the table of every row, then each task's data and protocol."""
    lines = [
        "# Accuracy on labelled data",
        "",
        f"Written by `make accuracy` (`benchmarks/accuracy.py`{' --quick' if args.quick else ''}) on "
        f"{datetime.date.today().isoformat()}: {_machine()}. Engine: {_engines(args.engine)}. "
        f"Whole run: {seconds / 60:.1f} min.",
        "",
        "Every baseline figure was measured in the same run as the toolkit figure beside it. Figures are "
        "fractions (1.0000 = 100 %); \"met\" compares the toolkit figure with the target. Each task's "
        "section below gives its data and exact protocol.",
        "",
        "| task | data | metric | baseline | toolkit | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, module, rows, _ in results:
        for r in rows:
            if r["metric"] in ("skipped", "error"):
                lines.append(f"| {name} | {_cell(r['data'])} | {r['metric']} | | | | |")
                continue
            baseline = f"{_cell(r['baseline'])}: {_number(r['baseline_value'])}" if r["baseline"] else ""
            lines.append(f"| {name} | {_cell(r['data'])} | {_cell(r['metric'])} | {baseline} | "
                         f"{_number(r['toolkit_value']) or 'not available'} | {_cell(r['target'])} | "
                         f"{_met(r['met'])} |")
    for name, module, rows, task_seconds in results:
        lines += ["", f"## {name}", "", f"Run time: {task_seconds:.0f} s.", "", "**Data.**", ""]
        for key in module.DATA:
            file = args_path(args, data_dir, key)
            where = (f"`{DATA_FILES[key][0]}` under the data folder" if getattr(args, key) is None
                     else f"`{Path(file).name}` ({DATA_FILES[key][1]})")
            facts = provenance(key, getattr(args, key))
            state = "" if Path(file).is_file() else " **Absent: skipped.**"
            lines.append(f"- {where}: {facts['dataset']}. Split: {facts['split']}. Size: {facts['size']}. "
                         f"Licence: {facts['licence']}.{state}")
        lines += ["", module.PROTOCOL.strip()]
        notes = [r for r in rows if r.get("note")]
        if notes:
            lines += ["", "**Notes from this run.**", ""]
            lines += [f"- {_cell(r['data'])}, {_cell(r['metric'])}: {r['note']}" for r in notes]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def args_path(args: argparse.Namespace, data_dir: Path, key: str) -> Path:
    """The file of ``key``: its own option, else its place under the data folder."""
    return getattr(args, key) or default_path(data_dir, key)


def main(argv: list[str] | None = None) -> int:
    """Run the tasks, write the report; 0 when every task ran (targets met or not), 1 when one failed."""
    args = parse_args(argv)
    data_dir = args.data or default_data_dir()
    paths = {key: args_path(args, data_dir, key) for key in DATA_FILES}
    options = {"engine": args.engine, "cache_dir": args.cache_dir, "log": log}
    names = args.only or list(TASKS)
    results, failed, start = [], False, time.perf_counter()
    for name in [n for n in TASKS if n in names]:
        module = TASKS[name]
        log(f"{name}: starting")
        task_start = time.perf_counter()
        try:
            rows = module.run({key: paths[key] for key in module.DATA}, quick=args.quick, **options)
        except Exception as err:  # noqa: BLE001 - one broken task must not hide the others' figures
            failed = True
            traceback.print_exc()
            rows = [row(name, ", ".join(module.DATA), "error", note=f"error: {type(err).__name__}: {err}")]
        task_seconds = time.perf_counter() - task_start
        for r in rows:
            if r["metric"] in ("skipped", "error"):
                log(f"{name}: {r['data']}: {r['note']}")
            else:
                log(f"{name}: {r['data']}: {r['metric']}: toolkit {_number(r['toolkit_value'])}, "
                    f"baseline {_number(r['baseline_value'])}, target {r['target'] or '-'}, met {_met(r['met'])}")
        log(f"{name}: done in {task_seconds:.0f} s")
        results.append((name, module, rows, task_seconds))
    write_report(args.out, results, args, data_dir, time.perf_counter() - start)
    log(f"report written: {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
