"""The loader's errors and warnings, and the ``problems`` table that lists every file or line not loaded as it was."""

from __future__ import annotations

import warnings

import pandas as pd

from toolkit._checks import user_stacklevel
from toolkit.schema import PROBLEM_COLUMNS


class CorpusError(ValueError):
    """A problem with the user's input, naming the file (and line) and the reason."""


class CorpusWarning(UserWarning):
    """A problem that skipped one article or one field; the rest of the corpus loaded."""


class Problems:
    """Collects the problems of one load; warns or raises as the caller asked (``errors=``).

    ``errors`` has one meaning everywhere: ``"raise"`` raises :class:`CorpusError` on the first
    problem of kind ``error`` (a file, line or row that was not loaded); problems of kind
    ``warning`` (loaded, but check it: a cp1252 decoding, an unknown outlet) and ``conflict``
    (the manifest and the text disagree) are listed and warned about, never raised.
    ``"warn"`` warns about every problem, ``"ignore"`` only lists them.
    """

    def __init__(self, errors: str):
        self.errors, self.rows = errors, []

    def add(self, path: str, message: str, *, line: int | None = None, article_id: str = "",
            kind: str = "error") -> None:
        """Record one problem; raise :class:`CorpusError` (``errors="raise"``, errors only) or warn."""
        where = f"{path}:{line}" if line else path
        self.rows.append({"path": path, "line": line, "article_id": article_id, "kind": kind,
                          "message": message})
        if self.errors == "raise" and kind == "error":
            raise CorpusError(f"{where}: {message}")
        if self.errors != "ignore":
            warnings.warn(f"{where}: {message}", CorpusWarning, stacklevel=user_stacklevel())

    def table(self) -> pd.DataFrame:
        """The ``problems`` table (PROBLEM_COLUMNS; ``line`` as Int64)."""
        problems = pd.DataFrame(self.rows, columns=PROBLEM_COLUMNS)
        problems["line"] = problems["line"].astype("Int64")
        return problems
