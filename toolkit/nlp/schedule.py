"""Where annotation tasks run: in this process, in worker processes kept for the session, or on Dask.

A task is ``(engine, language, items)``, items being ``(key, text)`` pairs; :func:`run_tasks`
hands each task to a work function (``toolkit.nlp.annotate.annotate_batch``) and yields the
tables as tasks complete. Workers load each model they need once, when they start.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence

import pandas as pd

from toolkit.nlp import spacy_engine, stanza_engine

#: Dask configuration for annotation workers: ``with dask.config.set(DASK_WORKER_CONFIG):``
#: before starting a ``LocalCluster`` (or the same key set to ``null`` in a worker's
#: ``distributed.yaml``). Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` in its workers
#: to hand freed memory back to the system; that also stops glibc from raising its mmap
#: threshold, so the parsers' many mid-sized arrays are mapped and unmapped again and again:
#: spaCy ran 10 to 25 % slower in such workers than in plain processes on this project's
#: benchmark (50,000 words on 2 workers: 8.7-9.1 s against 7.3-7.7 s with this setting and
#: 7.0-7.4 s in plain worker processes). Annotation workers hold their models and little
#: else, so they lose nothing. The nanny also writes the variable into the environment of
#: the process that starts a LocalCluster, so later worker processes started from it inherit
#: it: start clusters with this setting, or restart the kernel after one without.
DASK_WORKER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}

#: One model a run needs: ``(engine, language, sorted engine options as a tuple of pairs)``.
Model = tuple[str, str, tuple]
#: One task: ``(engine, language, [(key, text), ...])``.
Task = tuple[str, str, list]


def n_workers(n_process: int, client) -> int:
    """How many workers run tasks: ``n_process``, or the Dask cluster's workers."""
    if client is None:
        return n_process
    if isinstance(client, str):
        return 4  # unknown until connected; four tasks each for a few workers is a fair guess
    return max(1, len(client.scheduler_info().get("workers", {})))


def task_size(n_articles: int, n_workers: int) -> int:
    """100 articles a task, or fewer so that each worker gets about four tasks."""
    if n_workers <= 1:
        return 100
    return max(1, min(100, -(-n_articles // (4 * n_workers))))


_POOLS: dict[int, object] = {}


def preload(models: Sequence[Model]) -> None:
    """Load the pipelines a run will need, once per worker process (a no-op when already loaded)."""
    for engine, language, options in models:
        if engine == "stanza":
            stanza_engine.load_pipeline(language, **dict(options))
        else:
            spacy_engine.load_pipeline(language)


def _limit_threads(models: Sequence[Model] = ()) -> None:
    """Worker initialiser: one compute thread per process, so N processes use N cores; preload models."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        pass
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    preload(models)


def _pool(n_process: int, models: Sequence[Model] = ()):
    """A process pool kept for the session, so each worker loads its models only once (at start)."""
    import atexit
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if n_process not in _POOLS:
        # spawn, not fork: forking a process that has loaded torch (stanza) can deadlock.
        _POOLS[n_process] = ProcessPoolExecutor(max_workers=n_process, initializer=_limit_threads,
                                                initargs=(tuple(models),),
                                                mp_context=multiprocessing.get_context("spawn"))
        atexit.register(_POOLS[n_process].shutdown, cancel_futures=True)
    return _POOLS[n_process]


def shutdown_workers() -> None:
    """Stop the worker processes ``annotate(..., n_process=N)`` keeps between calls."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        pool.shutdown(cancel_futures=True)


def run_tasks(tasks: list[Task], work: Callable[..., pd.DataFrame], *, options: Mapping, batch_size: int,
              n_process: int, client, show: bool) -> Iterator[pd.DataFrame]:
    """Yield the table of each task as it completes, with a progress bar over articles.

    Args:
        tasks: ``(engine, language, items)`` triples.
        work: Called as ``work(items, engine=, language=, options=, batch_size=)``; a
            module-level function when tasks go to processes or Dask (it is pickled by name).
        options: Per-engine options (``{"stanza": {...}}``).
        batch_size: Paragraphs per engine batch.
        n_process: Worker processes on this machine; 1 runs in this process.
        client: A ``dask.distributed.Client`` or a scheduler address, or None.
        show: Show the progress bar.
    """
    from tqdm import tqdm

    if not tasks:
        return
    total = sum(len(items) for _, _, items in tasks)
    models = sorted({(engine, language, tuple(sorted(options.get(engine, {}).items()))) for engine, language, _ in tasks})
    bar = tqdm(total=total, desc="annotating", unit="article", disable=not show)
    kwargs = lambda engine: {"options": options.get(engine, {}), "batch_size": batch_size}  # noqa: E731
    try:
        if client is not None:
            for table in _on_dask(client, tasks, work, models, kwargs):
                bar.update(table["key"].nunique())
                yield table
        elif n_process > 1:
            from concurrent.futures import as_completed

            futures = {_pool(n_process, models).submit(work, items, engine=engine, language=language,
                                                       **kwargs(engine)): len(items)
                       for engine, language, items in tasks}
            for future in as_completed(futures):
                bar.update(futures[future])
                yield future.result()
        else:
            for engine, language, items in tasks:
                yield work(items, engine=engine, language=language, **kwargs(engine))
                bar.update(len(items))
    finally:
        bar.close()


def _on_dask(client, tasks: list[Task], work: Callable, models: list[Model], kwargs: Callable) -> Iterator[pd.DataFrame]:
    """Run the tasks on a Dask cluster (connecting first when ``client`` is an address), yield tables as they come."""
    from distributed import Client, as_completed

    own = isinstance(client, str)
    dask_client = Client(client) if own else client
    try:
        dask_client.run(preload, models)  # every worker loads each model once, up front
        futures = [dask_client.submit(work, items, engine=engine, language=language, pure=False, **kwargs(engine))
                   for engine, language, items in tasks]
        for future in as_completed(futures):
            yield future.result()
    finally:
        if own:
            dask_client.close()
