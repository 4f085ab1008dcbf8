"""Token tables on disk: their rows in batches of whole articles, so memory is bounded by a batch.

:func:`toolkit.keyness` and :func:`toolkit.score_frames` take, besides a DataFrame, the path of
a Parquet file or folder of token rows (``annotate(...).tokens.to_parquet(path)``, or one file
per chunk of articles) or a Dask DataFrame, and read it through :func:`token_batches`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.schema import require_columns

#: About how many token rows :func:`score_frames` and :func:`~toolkit.framing.keyness` read at a time when
#: ``tokens`` is on disk (a batch holds whole articles, so it can be one article longer).
BATCH_ROWS = 1_000_000


def token_batches(tokens, columns: Sequence[str], *, optional: Sequence[str] = (), name: str = "tokens",
                  batch_rows: int = BATCH_ROWS) -> Iterator[pd.DataFrame]:
    """The rows of a token table in batches of whole articles, with only the columns needed.

    ``tokens`` is a DataFrame (one batch: itself, as it is), a Dask DataFrame (its
    partitions, computed one at a time), or the path of a Parquet file or of a folder of
    Parquet files (``*.parquet``, read in name order, subfolders included), read with
    pyarrow about ``batch_rows`` rows at a time. An article's rows must be stored together,
    as :func:`toolkit.annotate` returns them (``tokens.to_parquet(path)`` keeps them so);
    they may straddle row groups, files or partitions: the last article of a batch is held
    back and joins the next one. Strings are read as pyarrow-backed ``string`` columns.
    Only ``columns`` (all required) and those of ``optional`` the table has are read; in a
    folder, the first file says which optional columns the table has and every column's type
    (the other files' columns are cast to it: a chunk whose column is all missing, say).

    Raises:
        FileNotFoundError: ``tokens`` is a path that does not exist.
        ValueError: a required column is missing, the folder holds no Parquet file, a file
            lacks a column of the first one or holds a type that cannot be cast to its type, or an
            article's rows are not stored together (they come back after other articles').
        TypeError: ``tokens`` is none of the above.
    """
    if isinstance(tokens, pd.DataFrame):
        require_columns(tokens, columns, name=name)
        return iter([tokens])
    if isinstance(tokens, (str, os.PathLike)):
        import pyarrow.parquet as pq

        files = _parquet_files(Path(tokens), name)
        have = pq.read_schema(files[0]).names
        wanted = _wanted_columns(have, columns, optional, name)
        return _whole_articles(_arrow_pieces(files, wanted, batch_rows), batch_rows, name)
    if hasattr(tokens, "npartitions") and hasattr(tokens, "partitions"):  # a Dask DataFrame (dask or dask_expr)
        wanted = _wanted_columns(list(tokens.columns), columns, optional, name)
        pieces = (tokens.partitions[i][wanted].compute() for i in range(tokens.npartitions))
        return _whole_articles(pieces, batch_rows, name)
    raise TypeError(f"`{name}` must be a pandas DataFrame, a Dask DataFrame or the path of a Parquet file or folder, "
                    f"got {type(tokens).__name__}")


def _parquet_files(path: Path, name: str) -> list[Path]:
    if not path.is_dir():
        if not path.exists():
            raise FileNotFoundError(f"`{name}`: no such Parquet file or folder: {path}")
        return [path]
    files = sorted(f for f in path.rglob("*.parquet")
                   if not any(part.startswith((".", "_")) for part in f.relative_to(path).parts))
    if not files:
        raise ValueError(f"`{name}`: the folder {path} holds no .parquet file")
    return files


def _wanted_columns(have: Sequence[str], columns: Sequence[str], optional: Sequence[str], name: str) -> list[str]:
    missing = [c for c in columns if c not in have]
    if missing:
        raise ValueError(f"`{name}` lacks required column(s) {missing}; it has {list(have)}")
    return list(dict.fromkeys([*columns, *(c for c in optional if c in have)]))


def _arrow_pieces(files: list[Path], columns: list[str], batch_rows: int):
    """The record batches of ``files`` in order, with ``columns`` (strings as plain strings, not dictionaries),
    each file's columns cast to the types of the first file's (a column of nulls in one chunk, say)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    def plain(kind):
        return kind.value_type if pa.types.is_dictionary(kind) else kind

    first = pq.read_schema(files[0])
    types = {c: plain(first.field(c).type) for c in columns}
    read = False
    for path in files:
        with pq.ParquetFile(path) as handle:
            missing = [c for c in columns if c not in handle.schema_arrow.names]
            if missing:
                raise ValueError(f"{path}: lacks column(s) {missing} that {files[0].name} has; every Parquet file "
                                 "of the token rows needs the same columns")
            for batch in handle.iter_batches(batch_size=min(batch_rows, 1 << 16), columns=columns):
                arrays = []
                for name, column in zip(batch.schema.names, batch.columns):
                    if column.type != types[name]:
                        try:
                            column = pc.cast(column, types[name])
                        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
                            raise ValueError(f"{path}: column {name!r} is {column.type}, not {types[name]} as in "
                                             f"{files[0].name}: {error}") from None
                    arrays.append(column)
                read = True
                yield pa.table(pa.record_batch(arrays, names=batch.schema.names))
    if not read:  # no rows at all: one empty batch, so the caller still sees the columns
        yield pa.schema([(c, types[c]) for c in columns]).empty_table()


def _to_pandas(piece) -> pd.DataFrame:
    """A piece as pandas: strings as pyarrow-backed ``string`` (as :func:`toolkit.annotate` types them)."""
    if isinstance(piece, pd.DataFrame):
        return piece.reset_index(drop=True)
    import pyarrow as pa

    lean = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype()}
    return piece.to_pandas(types_mapper=lean.get, ignore_metadata=True)


def _last_article_start(piece) -> int:
    """Where the rows of the piece's last article begin (its run of rows at the end)."""
    if isinstance(piece, pd.DataFrame):
        ids = piece["article_id"]
        last = ids.iloc[-1]
        same = ids.isna() if pd.isna(last) else (ids == last)
        same = same.to_numpy(dtype=bool, na_value=False)
    else:
        import pyarrow.compute as pc

        ids = piece.column("article_id")
        last = ids[-1]
        same = pc.is_null(ids) if not last.is_valid else pc.fill_null(pc.equal(ids, last), False)
        same = same.to_numpy(zero_copy_only=False)
    other = np.flatnonzero(~same)
    return int(other[-1]) + 1 if len(other) else 0


def _whole_articles(pieces: Iterable, batch_rows: int, name: str) -> Iterator[pd.DataFrame]:
    """Join ``pieces`` (pyarrow tables or DataFrames) into batches of about ``batch_rows`` rows and whole articles."""
    def concat(parts):
        if isinstance(parts[0], pd.DataFrame):
            return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        import pyarrow as pa

        return pa.concat_tables(parts) if len(parts) > 1 else parts[0]

    def emit(piece) -> pd.DataFrame:
        batch = _to_pandas(piece)
        ids = [i for i in pd.unique(batch["article_id"].dropna()).tolist()]
        again = [i for i in ids if i in finished]
        if again:
            raise ValueError(f"`{name}`: the rows of article(s) {again[:5]} are not stored together (they come back "
                             "after other articles'): sort the token rows by article_id before writing them")
        finished.update(ids)
        return batch

    finished: set = set()
    held, n_held, empty = [], 0, None
    for piece in pieces:
        if not len(piece):
            empty = piece if empty is None else empty
            continue
        held.append(piece)
        n_held += len(piece)
        if n_held < batch_rows:
            continue
        joined = concat(held)
        start = _last_article_start(joined)
        if start == 0:  # one article so far: keep reading
            held = [joined]
            continue
        yield emit(joined.slice(0, start) if not isinstance(joined, pd.DataFrame) else joined.iloc[:start])
        tail = joined.slice(start) if not isinstance(joined, pd.DataFrame) else joined.iloc[start:]
        held, n_held = [tail], len(tail)
    if held:
        yield emit(concat(held))
    elif empty is not None:
        yield _to_pandas(empty)
