"""Pytest plugin (loaded with ``-p tests.nbbudget``): fail the run when a notebook exceeds its time budget.

It must be a plugin, not ``tests/conftest.py``: a conftest under tests/ never sees the
notebook items that nbval collects from notebooks/.
"""

from __future__ import annotations

import collections

NOTEBOOK_BUDGET_S = 60.0
SUITE_BUDGET_S = 180.0

_durations: dict[str, float] = collections.defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _durations[path] += report.duration


def pytest_sessionfinish(session, exitstatus):
    if not _durations:
        return
    over = {nb: s for nb, s in _durations.items() if s > NOTEBOOK_BUDGET_S}
    total = sum(_durations.values())
    lines = [f"{nb}: {s:.1f}s" for nb, s in sorted(_durations.items())]
    print("\nnotebook run times: " + ", ".join(lines) + f" (suite {total:.1f}s)")
    for nb, s in sorted(over.items()):
        print(f"{nb}: {s:.1f}s > {NOTEBOOK_BUDGET_S:.0f}s budget")
    if total > SUITE_BUDGET_S:
        print(f"notebook suite: {total:.1f}s > {SUITE_BUDGET_S:.0f}s budget")
    if over or total > SUITE_BUDGET_S:
        session.exitstatus = 1
