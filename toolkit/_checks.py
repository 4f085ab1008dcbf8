"""Internal helpers that check arguments on entry to public functions (tables: :mod:`toolkit.schema`)."""

from __future__ import annotations

from collections.abc import Iterable


def require_choice(value, allowed: Iterable, *, name: str) -> None:
    """Raise ``ValueError`` when ``value`` is not one of ``allowed``."""
    allowed = list(allowed)
    if value not in allowed:
        raise ValueError(f"`{name}` must be one of {allowed}, got {value!r}")


def refuse_quadratic(n: int, max_articles: int, name: str, *, group: str | None = None) -> None:
    """Raise ``ValueError`` before an all-pairs step on more than ``max_articles`` articles.

    The message gives the memory one n × n matrix needs and the scalable paths (clustering
    by week, MinHash LSH); with ``group``, it names the group that is too large.
    """
    if n <= max_articles:
        return
    size = f"{n:,} articles make {n:,}² cells ({n ** 2 * 8 / 1e9:,.1f} GB per matrix)"
    if group is not None:
        raise ValueError(
            f"{name}: group {group!r} alone has {n:,} articles: {size}. Choose groups that are finer "
            f"(period=\"week\" rather than \"month\", or a column that splits it further), or pass "
            f"max_articles={n} if you have the memory.")
    raise ValueError(
        f"{name} compares every pair of articles: {size}. Cluster within groups that bound each story, "
        "e.g. toolkit.cluster_stories(articles, period=\"week\") (by publication week) or by=\"<column>\"; "
        "toolkit.find_near_duplicates (MinHash LSH) finds reprints in any number of articles; "
        f"or pass max_articles={n} if you have the memory.")


def renamed(old: str, new: str, value, *, function: str):
    """Warn that ``old`` is now ``new`` (kept for one release) and return ``value`` for ``new``.

    Used in a public function that still accepts ``old`` as a keyword::

        def f(x, *, seed=0, random_state=None):
            if random_state is not None:
                seed = renamed("random_state", "seed", random_state, function="f")
    """
    import warnings

    warnings.warn(f"{function}({old}=...) is now {function}({new}=...); `{old}` will be removed "
                  "in the next release", FutureWarning, stacklevel=3)
    return value


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a warning raised inside the toolkit point at the user's line.

    Call it in the function that calls ``warnings.warn``: it counts the frames from there up to the first one
    outside the toolkit and the libraries the toolkit iterates through (tqdm's progress bar, contextlib), so a
    warning found deep in a generator (a bad line read while loading) names the user's ``load_corpus(...)`` call,
    not a line of tqdm.
    """
    import sys

    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] in _PASS_THROUGH:
        frame, level = frame.f_back, level + 1
    return level


_PASS_THROUGH = frozenset({"toolkit", "tqdm", "contextlib"})
