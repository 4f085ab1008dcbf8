"""Check frames against coded articles, and calibrate a codebook on them (predicted + gold → scores, rules).

Researchers who code frames by hand validate every automatic measure against their coding
before trusting it. :func:`evaluate_frames` compares any frame predictions (a codebook's,
a model's, a second coder's) with the coding, frame by frame (precision, recall, F1) and
overall (macro and micro F1, scikit-learn's definitions). :func:`calibrate_codebook` learns,
for each frame of a codebook, the decision rule that best reproduces the coding (a minimum
of hits, of hits per 1,000 words or of distinct terms), the rule's measure chosen by
cross-validation; :func:`apply_rules` marks a frame
present in an article by that rule instead of "at least one hit".
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from toolkit.schema import require_columns

__all__ = ["EVALUATION_COLUMNS", "RULE_COLUMNS", "FrameEvaluation", "apply_rules", "calibrate_codebook",
           "evaluate_frames", "frame_sets", "match_frames"]

#: One row per frame in :attr:`FrameEvaluation.frames`.
EVALUATION_COLUMNS = ["frame", "precision", "recall", "f1", "support", "n_predicted"]
#: One row per frame in the rules of :func:`calibrate_codebook`.
RULE_COLUMNS = ["frame", "label", "gold_frame", "measure", "threshold", "cv_f1", "f1_one_hit", "n_articles",
                "n_gold"]
#: The measures a rule can threshold: columns of ``Frames.scores``, and ``n_terms`` (distinct terms, from evidence).
MEASURES = ("n_hits", "per_1000_words", "n_terms")


class FrameEvaluation(NamedTuple):
    """What :func:`evaluate_frames` returns."""

    frames: pd.DataFrame   # EVALUATION_COLUMNS, one row per gold frame
    macro_f1: float        # mean of the per-frame F1
    micro_f1: float        # F1 over all (article, frame) decisions pooled
    n_articles: int


def _key(label) -> str:
    """A label's matching form: letters only, lower case ("Legality, constitutionality…" = "Legality_Constitutionality…")."""
    return re.sub(r"[^a-z]", "", str(label).lower())


def frame_sets(table, *, name: str = "frames") -> dict[str, set]:
    """Each article's set of frames, from any of the forms the functions here accept.

    Args:
        table: A dict ``article_id → frames``; a Series of lists (index ``article_id``); a
            table with ``article_id`` and a ``frames`` column of lists; or a long table with
            ``article_id`` and ``frame`` (one row per article and frame; a missing ``frame``
            means "coded, no frame"; with a ``present`` column, only its true rows count;
            with ``n_hits`` and no ``present``, rows with at least one hit). The ``codings``
            of :func:`toolkit.read_coding_sheet` (``sentence_id``, ``value``) give sentence
            units keyed ``"<article_id>#<sentence_id>"``.
        name: How to call ``table`` in errors.

    Returns:
        ``{article_id (str): set of frames (str)}``, every article of ``table`` included.
    """
    if isinstance(table, Mapping):
        return {str(a): {str(f) for f in (v or ())} for a, v in table.items()}
    if isinstance(table, pd.Series):
        return {str(a): _as_set(v) for a, v in table.items()}
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"`{name}` must be a DataFrame, a Series of lists or a dict, got {type(table).__name__}")
    require_columns(table, ["article_id"], name=name)
    if "frames" in table.columns and "frame" not in table.columns:
        return {str(a): _as_set(v) for a, v in zip(table["article_id"], table["frames"])}
    require_columns(table, ["article_id", "frame"], name=name)
    if "sentence_id" in table.columns:  # sentence units (coding sheets): keyed "<article>#<sentence>"
        keys = [f"{a}#{int(s)}" for a, s in zip(table["article_id"], table["sentence_id"])]
        table = table.assign(article_id=keys)
    out: dict[str, set] = {str(a): set() for a in table["article_id"]}
    keep = pd.Series(True, index=table.index)
    if "value" in table.columns:  # codings of read_coding_sheet / code_with_codebook
        keep = table["value"].fillna(0).astype(int) == 1
    elif "present" in table.columns:
        keep = table["present"].fillna(False).astype(bool)
    elif "n_hits" in table.columns:
        keep = table["n_hits"] > 0
    for a, f in zip(table.loc[keep, "article_id"], table.loc[keep, "frame"]):
        if isinstance(f, str) and f:
            out[str(a)].add(f)
    return out


def _as_set(value) -> set:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return set()
    if isinstance(value, str):
        return {value} if value else set()
    return {str(v) for v in value}


def match_frames(predicted_frames, gold_frames, *, mapping=None, labels: Mapping | None = None) -> dict[str, str]:
    """Map predicted frame ids to gold labels: the ``mapping`` given, else by name.

    Args:
        predicted_frames: The predicted frame ids.
        gold_frames: The gold labels.
        mapping: A dict ``predicted → gold``; or a codebook table (``frame``, ``label``) whose
            labels are matched with the gold labels by name; or None: matched by name.
        labels: Predicted id → display label, also tried when matching by name.

    Returns:
        ``{predicted id: gold label}`` for the ids that have a counterpart. Names match when
        their letters, lower-cased, are equal ("Legality, constitutionality and
        jurisprudence" = ``Legality_Constitutionality_and_jurisprudence``).
    """
    if isinstance(mapping, Mapping):
        return {str(k): str(v) for k, v in mapping.items()}
    labels = dict(labels or {})
    if isinstance(mapping, pd.DataFrame):
        require_columns(mapping, ["frame", "label"], name="mapping")
        labels |= dict(zip(mapping["frame"].astype(str), mapping["label"].astype(str)))
    elif mapping is not None:
        raise TypeError(f"`mapping` must be a dict, a codebook table or None, got {type(mapping).__name__}")
    by_key = {_key(g): g for g in gold_frames}
    out = {}
    for frame in predicted_frames:
        for name in (frame, labels.get(frame)):
            if name is not None and _key(name) in by_key:
                out[frame] = by_key[_key(name)]
                break
    return out


def evaluate_frames(predicted, gold, *, mapping=None, frames=None) -> FrameEvaluation:
    """Compare frame predictions with human coding: per-frame precision, recall, F1; macro and micro F1.

    The articles evaluated are those of ``gold`` (an article coded with no frame counts);
    a coded article missing from ``predicted`` has no predicted frame. Predicted frames
    with no gold counterpart (a codebook's "Other") are left out, with a warning.

    Args:
        predicted: Predicted frames per article, in any form :func:`frame_sets` reads:
            ``Frames.scores`` (a frame is present with at least one hit, or where its
            ``present`` column is true after :func:`apply_rules`), the ``predictions`` of
            :meth:`FrameModel.predict`, a dict or a Series of lists.
        gold: The coding, in the same forms: a table (``article_id``, ``frame``), or a column
            of lists.
        mapping: Predicted frame → gold label (a dict), or a codebook table whose labels are
            matched by name with the gold labels; by default the names (and a ``label``
            column of ``predicted``) are matched, letters only and lower case.
        frames: The gold labels to score (default: every label seen in ``gold``, plus the
            mapped predicted ones).

    Returns:
        A :class:`FrameEvaluation`: ``frames`` (one row per gold label: ``frame`` (str),
        ``precision``, ``recall``, ``f1`` (float, 0 when undefined), ``support`` (int, coded
        articles), ``n_predicted`` (int)), ``macro_f1``, ``micro_f1`` (float) and
        ``n_articles`` (int). Metrics from ``sklearn.metrics.precision_recall_fscore_support``.

    Raises:
        ValueError: a table lacks ``article_id`` or ``frame``; no article is in ``gold``.

    Example:
        >>> result = evaluate_frames(frames.scores, coded, mapping=codebook)
        >>> result.macro_f1, result.frames.sort_values("f1")
    """
    from sklearn.metrics import f1_score, precision_recall_fscore_support
    from sklearn.preprocessing import MultiLabelBinarizer

    truth = frame_sets(gold, name="gold")
    if not truth:
        raise ValueError("`gold` has no article: nothing to evaluate against")
    guess = frame_sets(predicted, name="predicted")
    gold_labels = sorted({f for v in truth.values() for f in v} | set(frames or ()))
    seen = sorted({f for v in guess.values() for f in v})
    labels = (dict(zip(predicted["frame"].astype(str), predicted["label"].astype(str)))
              if isinstance(predicted, pd.DataFrame) and {"frame", "label"} <= set(predicted.columns) else None)
    to_gold = match_frames(seen, gold_labels, mapping=mapping, labels=labels)
    unmatched = [f for f in seen if f not in to_gold]
    if unmatched:
        warnings.warn(f"evaluate_frames: predicted frames with no gold counterpart left out: {unmatched}; "
                      f"give `mapping` to map them", stacklevel=2)
    classes = sorted(set(gold_labels) | set(to_gold.values())) if frames is None else list(frames)
    ids = list(truth)
    binarizer = MultiLabelBinarizer(classes=classes)
    y = binarizer.fit_transform([sorted(truth[a] & set(classes)) for a in ids])
    p = binarizer.transform([sorted({to_gold[f] for f in guess.get(a, ()) if f in to_gold} & set(classes))
                             for a in ids])
    if len(classes) == 1:  # one column reads as binary to scikit-learn: pad with an empty frame, dropped below
        y, p = np.hstack([y, np.zeros_like(y)]), np.hstack([p, np.zeros_like(p)])
    precision, recall, f1, support = precision_recall_fscore_support(y, p, average=None, zero_division=0)
    precision, recall, f1, support, y, p = (precision[:len(classes)], recall[:len(classes)], f1[:len(classes)],
                                            support[:len(classes)], y[:, :max(len(classes), 1)],
                                            p[:, :max(len(classes), 1)])
    table = pd.DataFrame({"frame": classes, "precision": precision, "recall": recall, "f1": f1,
                          "support": support.astype("int64"), "n_predicted": p.sum(axis=0).astype("int64")})
    table = table.astype({"frame": "string"})[EVALUATION_COLUMNS]
    micro = float(f1_score(np.hstack([y, np.zeros_like(y)]), np.hstack([p, np.zeros_like(p)]), average="micro",
                           zero_division=0))
    return FrameEvaluation(table, float(np.mean(f1)) if len(f1) else 0.0, micro, len(ids))


# ---------------------------------------------------------------- calibration


def _measures(scores: pd.DataFrame, evidence: pd.DataFrame | None) -> pd.DataFrame:
    """``scores`` with ``n_terms`` (distinct terms per article and frame) added from ``evidence``."""
    if "n_terms" in scores.columns:
        return scores
    if evidence is None or evidence.empty:
        return scores.assign(n_terms=(scores["n_hits"] > 0).astype("int64"))
    terms = evidence.groupby(["article_id", "frame"])["term"].nunique().rename("n_terms")
    keys = pd.MultiIndex.from_arrays([scores["article_id"].astype(str), scores["frame"].astype(str)])
    terms.index = pd.MultiIndex.from_arrays([terms.index.get_level_values(0).astype(str),
                                             terms.index.get_level_values(1).astype(str)])
    return scores.assign(n_terms=terms.reindex(keys).fillna(0).astype("int64").to_numpy())


def best_threshold(values: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """The threshold t (a frame present when value ≥ t) with the best F1 on these articles; t = 0: always present.

    The candidates lie halfway between consecutive distinct values (0 included), so a
    held-out article a little below the lowest value kept is still kept: with ~60 training
    articles a rate threshold placed exactly on a training value is too strict. On
    integer-valued measures (hits, distinct terms) the halfway point is rounded up to the
    next integer, which marks the same articles. Ties go to the lowest threshold.
    """
    values = np.nan_to_num(np.asarray(values, dtype=float))
    truth = np.asarray(truth, dtype=bool)
    distinct = np.unique(np.concatenate([[0.0], values[values > 0]]))
    candidates = np.concatenate([[0.0], (distinct[:-1] + distinct[1:]) / 2])
    if np.all(values == np.round(values)):
        candidates = np.ceil(candidates)
    best = (0.0, -1.0)
    n_true = truth.sum()
    for t in candidates:
        chosen = values >= t
        tp = (chosen & truth).sum()
        f1 = 2 * tp / (chosen.sum() + n_true) if (chosen.sum() + n_true) else 0.0
        if f1 > best[1] + 1e-12:
            best = (float(t), float(f1))
    return best


def _f1(chosen: np.ndarray, truth: np.ndarray) -> float:
    denominator = chosen.sum() + truth.sum()
    return float(2 * (chosen & truth).sum() / denominator) if denominator else 0.0


def calibrate_codebook(scores, gold, *, evidence: pd.DataFrame | None = None, mapping=None,
                       measures=MEASURES, n_folds: int = 5, groups=None, seed: int = 0) -> pd.DataFrame:
    """Learn each frame's decision rule from coded articles: the measure and threshold that best reproduce the coding.

    For each codebook frame with a gold counterpart and each measure (``n_hits``, hits;
    ``per_1000_words``, hits per 1,000 words; ``n_terms``, distinct terms), the threshold
    with the best F1 is found on the training folds and scored on the held-out fold; the
    measure with the best cross-validated F1 wins, and its threshold is then refitted on
    all the coded articles given. Everything is fitted on ``scores``/``gold`` alone: to score
    the rules honestly, calibrate on training articles and apply them to held-out ones (the
    accuracy harness does so per fold). With few coded articles, choosing among several
    measures is noisy: ``measures=("per_1000_words",)`` (a rate threshold only) did better on
    SemEval-2023 T3 dev (5-fold CV, macro-F1 fr 0.440 → 0.493, en 0.496 → 0.506). Each threshold
    lies halfway between two consecutive training values (:func:`best_threshold`). Other rule
    choices tried there did no better than the rate alone: an inner CV among the rate, "at
    least one hit" and "always present"; keeping "at least one hit" unless the rate beats it by
    a margin; the lowest threshold within 0.02 F1 of the best, or the one whose predicted
    prevalence matches the coding; thresholds learned on both languages' articles together;
    bagged thresholds; nor did scoring variants (title or lead hits weighted, a smoothed rate,
    repeated terms capped, IDF-weighted hits) or a threshold on a soft or bootstrap-averaged F1
    curve (table in ``data/codebooks/policy-frames-review.md``). A threshold of 0 means "always
    present" (it can be the best choice for a frame most articles carry); "at least one hit" is
    ``n_hits ≥ 1``.

    Args:
        scores: ``Frames.scores`` from :func:`toolkit.score_frames` on the coded articles
            (or the whole :class:`~toolkit.framing.Frames`, whose evidence is then used).
        gold: The coding (any form :func:`evaluate_frames` reads).
        evidence: ``Frames.evidence``, for ``n_terms`` (else ``n_terms`` is 1 with a hit).
        mapping: Codebook frame → gold label, as in :func:`evaluate_frames`.
        measures: The measures to try.
        n_folds: Folds of the cross-validation (fewer if there are fewer articles).
        groups: Article id → group (a dict or Series): articles of one group (near-duplicates,
            one story) stay in one fold (scikit-learn ``GroupKFold``); else ``KFold``, shuffled.
        seed: Seed of the shuffle.

    Returns:
        The rules, one row per codebook frame with a gold counterpart: ``frame`` (str),
        ``label`` (str), ``gold_frame`` (str), ``measure`` (str), ``threshold`` (float),
        ``cv_f1`` (float, the rule's cross-validated F1), ``f1_one_hit`` (float, "at least
        one hit" on the same folds, for comparison), ``n_articles`` (int, coded articles),
        ``n_gold`` (int, articles coded with the frame). Give them to :func:`apply_rules`
        (``Frames.scores`` of the articles to mark).

    Raises:
        ValueError: a required column is missing, an unknown measure, or fewer than two
            coded articles with scores.

    Example:
        >>> frames = tk.score_frames(tokens, "policy-frames", articles=articles)
        >>> rules = tk.calibrate_codebook(frames, coded)
        >>> tk.apply_rules(frames.scores, rules, evidence=frames.evidence)
    """
    from sklearn.model_selection import GroupKFold, KFold

    if hasattr(scores, "scores") and hasattr(scores, "evidence"):
        evidence = scores.evidence if evidence is None else evidence
        scores = scores.scores
    require_columns(scores, ["article_id", "frame", "n_hits", "per_1000_words"], name="scores")
    bad = [m for m in measures if m not in MEASURES]
    if bad:
        raise ValueError(f"`measures` must be a subset of {list(MEASURES)}, got {bad}")
    truth = frame_sets(gold, name="gold")
    scores = _measures(scores.assign(article_id=scores["article_id"].astype(str)), evidence)
    ids = [a for a in pd.unique(scores["article_id"]) if a in truth]
    if len(ids) < 2:
        raise ValueError(f"calibrate_codebook needs at least two coded articles with scores, got {len(ids)}")
    gold_labels = sorted({f for a in ids for f in truth[a]})
    labels = dict(zip(scores["frame"].astype(str), scores["label"].astype(str))) if "label" in scores else {}
    to_gold = match_frames(list(dict.fromkeys(scores["frame"].astype(str))), gold_labels, mapping=mapping,
                           labels=labels)
    k = max(2, min(n_folds, len(ids)))
    if groups is not None:
        group_of = dict(groups)
        keys = [group_of.get(a, a) for a in ids]
        k = min(k, len(set(keys)))
        splits = list(GroupKFold(n_splits=k).split(ids, groups=keys)) if k >= 2 else []
    else:
        splits = list(KFold(n_splits=k, shuffle=True, random_state=seed).split(ids))
    wide = {m: scores.pivot_table(index="article_id", columns="frame", values=m, aggfunc="first").reindex(ids)
            for m in measures}
    rows = []
    for frame, gold_frame in to_gold.items():
        y = np.array([gold_frame in truth[a] for a in ids])
        best = None
        one_hit = _cv_f1(wide.get("n_hits", _n_hits(scores, ids))[frame].to_numpy(float), y, splits, fixed=1.0)
        for measure in measures:
            values = wide[measure][frame].fillna(0).to_numpy(float)
            cv = _cv_f1(values, y, splits)
            if best is None or cv > best[1] + 1e-9:
                best = (measure, cv, values)
        measure, cv, values = best
        threshold, _ = best_threshold(values, y)
        rows.append({"frame": frame, "label": labels.get(frame, frame), "gold_frame": gold_frame, "measure": measure,
                     "threshold": threshold, "cv_f1": cv, "f1_one_hit": one_hit, "n_articles": len(ids),
                     "n_gold": int(y.sum())})
    rules = pd.DataFrame(rows, columns=RULE_COLUMNS)
    return rules.astype({"frame": "string", "label": "string", "gold_frame": "string", "measure": "string",
                         "threshold": "float64", "cv_f1": "float64", "f1_one_hit": "float64",
                         "n_articles": "int64", "n_gold": "int64"}).reset_index(drop=True)


def _n_hits(scores: pd.DataFrame, ids: list) -> pd.DataFrame:
    return scores.pivot_table(index="article_id", columns="frame", values="n_hits", aggfunc="first").reindex(ids)


def _cv_f1(values: np.ndarray, y: np.ndarray, splits, *, fixed: float | None = None) -> float:
    """F1 of the held-out decisions pooled over the folds, the threshold fitted on each training part."""
    values = np.nan_to_num(values)
    if not splits:
        threshold = fixed if fixed is not None else best_threshold(values, y)[0]
        return _f1(values >= threshold, y)
    chosen = np.zeros(len(y), dtype=bool)
    for train, test in splits:
        threshold = fixed if fixed is not None else best_threshold(values[train], y[train])[0]
        chosen[test] = values[test] >= threshold
    return _f1(chosen, y)


def apply_rules(scores: pd.DataFrame, rules: pd.DataFrame, *, evidence: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mark each (article, frame) present or not by the calibrated rules.

    Args:
        scores: ``Frames.scores`` (``article_id, frame, n_hits, per_1000_words``).
        rules: From :func:`calibrate_codebook` (``frame, measure, threshold``).
        evidence: ``Frames.evidence``, needed by ``n_terms`` rules.

    Returns:
        ``scores`` with ``n_terms`` (int, distinct terms) and ``present`` (bool) added: the
        frame's rule holds; a frame with no rule is present with at least one hit. Same rows
        and order.
    """
    require_columns(scores, ["article_id", "frame", "n_hits", "per_1000_words"], name="scores")
    require_columns(rules, ["frame", "measure", "threshold"], name="rules")
    scored = _measures(scores, evidence)
    present = scored["n_hits"].to_numpy() >= 1
    frames = scored["frame"].astype(str).to_numpy()
    for frame, measure, threshold in rules[["frame", "measure", "threshold"]].itertuples(index=False):
        if measure not in MEASURES:
            raise ValueError(f"rules: unknown measure {measure!r} for frame {frame!r}; allowed: {list(MEASURES)}")
        rows = frames == str(frame)
        present[rows] = scored.loc[rows, measure].to_numpy(float) >= float(threshold)
    return scored.assign(present=present).reset_index(drop=True)
