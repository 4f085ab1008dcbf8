"""Code sentences by hand and measure agreement with the codebook or another coder (sentences → sheet → agreement).

The loop: :func:`sample_for_coding` draws sentences into a sheet with one empty column per
frame; a person fills it in a spreadsheet (1 where the frame applies); :func:`read_coding_sheet`
reads it back into a long ``codings`` table, checking every cell; :func:`code_with_codebook`
gives the codebook's own decisions for the same sentences; :func:`measure_agreement` compares
any two coders frame by frame with Cohen's kappa and Krippendorff's alpha.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Hashable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit._checks import renamed
from toolkit.corpus.reading import read_text_file
from toolkit.framing.codebooks import CODEBOOK_COLUMNS, SENTENCE_SCORE_COLUMNS, frames_of
from toolkit.schema import require_columns

__all__ = [
    "AGREEMENT_COLUMNS", "ALL_FRAMES", "CODING_COLUMNS", "NEEDS_SENTENCES", "NO", "UNIT_COLUMNS", "YES",
    "CodingSheetError",
    "code_with_codebook", "cohen_kappa", "krippendorff_alpha", "measure_agreement", "read_coding_sheet",
    "sample_for_coding",
]

UNIT_COLUMNS = ["article_id", "sentence_id"]
#: The columns :func:`sample_for_coding` needs in ``sentences``.
NEEDS_SENTENCES = ["article_id", "sentence_id", "text"]
CODING_COLUMNS = ["article_id", "sentence_id", "frame", "coder", "value"]
AGREEMENT_COLUMNS = ["frame", "coder_a", "coder_b", "n_units", "n_positive_a", "n_positive_b", "percent_agreement",
                     "cohen_kappa", "krippendorff_alpha"]
ALL_FRAMES = "(all frames)"
#: Cell values read as "the frame applies" and "it does not" (case-insensitive).
YES = frozenset({"1", "x", "yes", "y", "oui", "o", "true", "vrai"})
NO = frozenset({"0", "no", "n", "non", "false", "faux", "-"})


class CodingSheetError(ValueError):
    """A coding sheet has a missing column or a cell that is not a code; the message names the file and line."""


# ---------------------------------------------------------------- the sheet


def sample_for_coding(sentences: pd.DataFrame, codebook: pd.DataFrame, *, n: int = 20, seed: int = 0,
                      min_words: int = 5, random_state: int | None = None) -> pd.DataFrame:
    """Draw sentences for a person to code, spread evenly over the articles.

    Sentences are shuffled within each article (seeded) and taken in turn from each article
    until ``n`` are drawn, so a long article cannot fill the sheet. Very short sentences
    (datelines, captions) are left out. The codebook's own decisions are *not* in the sheet,
    so the coder is not steered by them (blind coding); compare afterwards with
    :func:`code_with_codebook` and :func:`measure_agreement`.

    Args:
        sentences: From :func:`toolkit.annotate` (``article_id, sentence_id, text``).
        codebook: From :func:`toolkit.framing.load_codebook`: one column per frame.
        n: Sentences to draw (all eligible ones if fewer).
        seed: Seed of the shuffle.
        min_words: Leave out sentences with fewer whitespace-separated words.
        random_state: Former name of ``seed`` (FutureWarning).

    Returns:
        The sheet, one row per sentence: ``article_id`` (str), ``sentence_id`` (int),
        ``text`` (str), one str column per frame id (empty, for the coder: 1 where the frame
        applies, 0 or nothing where it does not) and ``note`` (str, empty). Sorted by
        article and sentence. Write it with ``sheet.to_csv(path, index=False)``.

    Raises:
        ValueError: a required column is missing.

    Example:
        >>> sheet = sample_for_coding(sentences, load_codebook("cooperation-themes"), n=30)
        >>> sheet.to_csv("coding-sheet.csv", index=False)
    """
    if random_state is not None:
        seed = renamed("random_state", "seed", random_state, function="sample_for_coding")
    require_columns(sentences, NEEDS_SENTENCES, name="sentences")
    require_columns(codebook, CODEBOOK_COLUMNS, name="codebook")
    frames = list(frames_of(codebook)["frame"])
    eligible = sentences[sentences["text"].astype(str).str.split().str.len() >= min_words]
    eligible = eligible.sort_values(UNIT_COLUMNS, kind="mergesort")
    rng = np.random.default_rng(seed)
    queues = [list(rows.index[rng.permutation(len(rows))]) for _, rows in eligible.groupby("article_id", sort=True)]
    chosen = []
    while len(chosen) < n and any(queues):
        for queue in queues:
            if queue and len(chosen) < n:
                chosen.append(queue.pop(0))
    sheet = eligible.loc[chosen, ["article_id", "sentence_id", "text"]]
    sheet = sheet.assign(**{frame: "" for frame in frames}, note="")
    sheet = sheet.sort_values(UNIT_COLUMNS, kind="mergesort").reset_index(drop=True)
    return sheet.astype({"article_id": "string", "sentence_id": "int64", "text": "string",
                         **{c: "string" for c in [*frames, "note"]}})


def _code(raw: str) -> int | None:
    value = (raw or "").strip().lower()
    if value in YES:
        return 1
    if value in NO:
        return 0
    if value == "":
        return None
    raise ValueError(raw)


def read_coding_sheet(path: str | Path, codebook: pd.DataFrame, *, coder: str | None = None) -> pd.DataFrame:
    """Read a filled-in coding sheet into a long ``codings`` table, checking every cell.

    A cell says whether a frame applies to the sentence: ``1``, ``x``, ``yes``, ``oui``
    (any case) for yes; ``0``, ``no``, ``non``, ``-`` or nothing for no. A row whose frame
    cells are all empty was not coded and gives missing values (Krippendorff's alpha
    allows them); write ``0`` in one cell to say "no frame applies".

    Args:
        path: The CSV file (UTF-8, with or without a byte-order mark); lines starting with
            ``#`` are comments.
        codebook: The codebook the sheet was drawn with; its frame ids are the columns.
        coder: The coder's name; the file's stem by default.

    Returns:
        One row per (sentence, frame), CODING_COLUMNS: ``article_id`` (str),
        ``sentence_id`` (int), ``frame`` (str), ``coder`` (str), ``value`` (Int64: 1, 0,
        or missing when the row was not coded). Sorted by sentence, then codebook order.

    Raises:
        CodingSheetError: a column is missing, a ``sentence_id`` is not a whole number, or
            a cell is not a code; the message names the file, line and column.

    Example:
        >>> codings = read_coding_sheet("coding-sheet-alice.csv", codebook)
    """
    require_columns(codebook, CODEBOOK_COLUMNS, name="codebook")
    path = Path(path)
    frames = list(frames_of(codebook)["frame"])
    coder = coder or path.stem
    rows = []
    # Lines starting with '#' are comments (a sheet may carry its coder's notes on top).
    numbered = [(number, line) for number, line in
                enumerate(read_text_file(path, what="coding sheet").splitlines(keepends=True), start=1)
                if not line.startswith("#")]
    reader = csv.DictReader(line for _, line in numbered)
    missing = [c for c in [*UNIT_COLUMNS, *frames] if c not in (reader.fieldnames or [])]
    if missing:
        header = numbered[0][0] if numbered else 1
        raise CodingSheetError(f"{path}:{header}: the header lacks column(s) {missing}; it has {reader.fieldnames}")
    for record in reader:
        line = numbered[reader.line_num - 1][0]
        try:
            sentence_id = int(str(record["sentence_id"]).strip())
        except ValueError:
            raise CodingSheetError(f"{path}:{line}: sentence_id must be a whole number, "
                                   f"got {record['sentence_id']!r}") from None
        values = {}
        for frame in frames:
            try:
                values[frame] = _code(record[frame])
            except ValueError:
                raise CodingSheetError(
                    f"{path}:{line}: column {frame!r}: {record[frame]!r} is not a code; write 1 (or x, yes, oui) "
                    "where the frame applies and 0 or nothing where it does not") from None
        coded = any(v is not None for v in values.values())
        for frame in frames:
            value = values[frame] if values[frame] is not None else (0 if coded else None)
            rows.append((str(record["article_id"]).strip(), sentence_id, frame, coder, value))
    return _codings(rows, frames)


def _codings(rows, frames: Sequence[str]) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=CODING_COLUMNS)
    order = {f: i for i, f in enumerate(frames)}
    table = (table.assign(_order=table["frame"].map(order))
             .sort_values(["article_id", "sentence_id", "_order"], kind="mergesort").drop(columns="_order"))
    return table.astype({"article_id": "string", "sentence_id": "int64", "frame": "string", "coder": "string",
                         "value": "Int64"}).reset_index(drop=True)


def code_with_codebook(units: pd.DataFrame, sentence_scores: pd.DataFrame, codebook: pd.DataFrame, *,
                       coder: str = "codebook", min_hits: int = 1) -> pd.DataFrame:
    """The codebook's decisions for the sentences of a coding sheet, as a ``codings`` table.

    Args:
        units: The sentences coded (``article_id, sentence_id``), e.g. a sheet.
        sentence_scores: ``Frames.sentence_scores`` from :func:`toolkit.framing.score_frames`.
        codebook: The codebook used for the scores.
        coder: The name to give the codebook in the ``coder`` column.
        min_hits: A frame applies to a sentence with at least this many hits.

    Returns:
        CODING_COLUMNS, as :func:`read_coding_sheet`, with ``value`` 1 or 0 (never missing).

    Raises:
        ValueError: a required column is missing.

    Example:
        >>> both = pd.concat([code_with_codebook(sheet, frames.sentence_scores, codebook), codings])
    """
    require_columns(units, UNIT_COLUMNS, name="units")
    require_columns(sentence_scores, SENTENCE_SCORE_COLUMNS, name="sentence_scores")
    require_columns(codebook, CODEBOOK_COLUMNS, name="codebook")
    frames = list(frames_of(codebook)["frame"])
    hits = sentence_scores[sentence_scores["n_hits"] >= min_hits]
    present = set(zip(hits["article_id"].astype(str), hits["sentence_id"].astype(int), hits["frame"].astype(str)))
    rows = [(str(a), int(s), f, coder, int((str(a), int(s), f) in present))
            for a, s in units[UNIT_COLUMNS].drop_duplicates().itertuples(index=False) for f in frames]
    return _codings(rows, frames)


# ---------------------------------------------------------------- agreement


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa between two coders' labels of the same units (units either left missing are skipped).

    ``κ = (p_o − p_e) / (1 − p_e)``, with ``p_o`` the share of units on which they agree
    and ``p_e = Σ_c p_a(c) p_b(c)`` the agreement expected from each coder's own label shares.

    Args:
        a: One coder's labels.
        b: The other's, for the same units in the same order.

    Returns:
        Kappa (float); NaN when no unit is coded by both or when both coders used a single,
        identical label throughout (chance agreement is then 1 and kappa undefined).

    Raises:
        ValueError: ``a`` and ``b`` differ in length.

    Example:
        >>> cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0])
        0.5
    """
    if len(a) != len(b):
        raise ValueError(f"`a` and `b` must have the same length, got {len(a)} and {len(b)}")
    pairs = [(x, y) for x, y in zip(a, b) if not _missing(x) and not _missing(y)]
    if not pairs:
        return float("nan")
    n = len(pairs)
    observed = sum(x == y for x, y in pairs) / n
    left = pd.Series([x for x, _ in pairs]).value_counts() / n
    right = pd.Series([y for _, y in pairs]).value_counts() / n
    expected = float(sum(left.get(c, 0.0) * right.get(c, 0.0) for c in set(left.index) | set(right.index)))
    if math.isclose(expected, 1.0):
        return float("nan")
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(data) -> float:
    """Krippendorff's alpha for nominal data, with missing values.

    ``α = 1 − D_o / D_e``. Each unit coded by ``m_u ≥ 2`` coders adds its ``m_u(m_u − 1)``
    ordered pairs of values to the coincidence matrix, each weighted ``1/(m_u − 1)``; with
    ``o_ck`` its cells and ``n_c = Σ_k o_ck``, ``n = Σ_c n_c``, nominal alpha is
    ``1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k`` (Krippendorff 2011, "Computing
    Krippendorff's Alpha-Reliability"). Units coded by fewer than two coders are ignored.

    Args:
        data: Units × coders: a DataFrame or a 2-D sequence, one row per unit, one column per
            coder, with None/NaN/pd.NA where a coder did not code the unit.

    Returns:
        Alpha (float, 1 for perfect agreement, 0 for chance); NaN when fewer than two
        pairable values exist or every value is the same (no variation to agree on).

    Example:
        >>> krippendorff_alpha([[1, 1], [0, 0], [1, 0], [0, None]])
        0.4444444444444444
    """
    rows = data.to_numpy(dtype=object).tolist() if isinstance(data, pd.DataFrame) else [list(r) for r in data]
    coincidences: dict[tuple, float] = {}
    for row in rows:
        values = [v for v in row if not _missing(v)]
        m = len(values)
        if m < 2:
            continue
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidences[(c, k)] = coincidences.get((c, k), 0.0) + 1.0 / (m - 1)
    totals: dict = {}
    for (c, _), weight in coincidences.items():
        totals[c] = totals.get(c, 0.0) + weight
    n = sum(totals.values())
    disagree = sum(w for (c, k), w in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if n <= 1 or expected == 0:
        return float("nan")
    return 1.0 - (n - 1) * disagree / expected


def measure_agreement(codings: pd.DataFrame, *, coders: tuple[str, str] | None = None) -> pd.DataFrame:
    """Agreement between two coders (a person, another person, the codebook), frame by frame.

    Each (sentence, frame) is a yes/no decision. For each frame, over the sentences both
    coders coded: the percentage agreement, Cohen's kappa (:func:`cohen_kappa`) and
    Krippendorff's alpha (:func:`krippendorff_alpha`, nominal); a last row pools every
    (sentence, frame) decision. With few sentences or a rare frame these numbers swing
    widely: read ``n_units`` and ``n_positive_*`` first.

    Args:
        codings: CODING_COLUMNS from :func:`read_coding_sheet` and/or
            :func:`code_with_codebook`, concatenated.
        coders: The two coders to compare; by default the only two in ``codings``.

    Returns:
        One row per frame plus ``"(all frames)"``: ``frame`` (str), ``coder_a``,
        ``coder_b`` (str), ``n_units`` (int, sentences both coded), ``n_positive_a``,
        ``n_positive_b`` (int, sentences each coder gave the frame), ``percent_agreement``
        (float, 0–100), ``cohen_kappa``, ``krippendorff_alpha`` (float, NaN when undefined).
        Frames in the order of ``codings``.

    Raises:
        ValueError: a required column is missing, or ``coders`` are not two coders present.

    Example:
        >>> measure_agreement(pd.concat([codebook_codings, person_codings]))
    """
    require_columns(codings, CODING_COLUMNS, name="codings")
    present = list(pd.unique(codings["coder"]))
    if coders is None:
        if len(present) != 2:
            raise ValueError(f"`codings` has {len(present)} coder(s) {present}; give `coders=(a, b)`")
        coders = (present[0], present[1])
    if len(coders) != 2 or any(c not in present for c in coders):
        raise ValueError(f"`coders` must be two of {present}, got {coders!r}")
    a, b = coders
    wide = (codings[codings["coder"].isin(coders)]
            .pivot_table(index=["article_id", "sentence_id", "frame"], columns="coder", values="value",
                         aggfunc="first", dropna=False, observed=True)
            .reindex(columns=[a, b]))
    wide = wide.astype("object").where(wide.notna(), None)
    rows = []
    frames = list(pd.unique(codings["frame"]))
    for frame in [*frames, ALL_FRAMES]:
        part = wide if frame == ALL_FRAMES else wide[wide.index.get_level_values("frame") == frame]
        both = part.dropna()
        x, y = both[a].astype(int).to_numpy(), both[b].astype(int).to_numpy()
        rows.append((frame, a, b, len(both), int(x.sum()), int(y.sum()),
                     100.0 * float((x == y).mean()) if len(both) else float("nan"),
                     cohen_kappa(list(part[a]), list(part[b])), krippendorff_alpha(part[[a, b]])))
    table = pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)
    return table.astype({"frame": "string", "coder_a": "string", "coder_b": "string", "n_units": "int64",
                         "n_positive_a": "int64", "n_positive_b": "int64", "percent_agreement": "float64",
                         "cohen_kappa": "float64", "krippendorff_alpha": "float64"})
