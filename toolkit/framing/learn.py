"""Frames learned from the user's own coding (coded articles or sentences → a model → frames with probabilities).

:func:`train_frames` fits one logistic regression per frame (scikit-learn, one-vs-rest,
balanced class weights) over two kinds of features: the TF-IDF of the lemmas (when the
``tokens`` of :func:`toolkit.annotate` are given; else of the lower-cased words) and the mean
multilingual sentence embedding of the text (Universal Sentence Encoder multilingual, through
:func:`toolkit.compare.embed_texts`, cached per text in the process). Each frame's probability
threshold is chosen by cross-validation on the training data. :meth:`FrameModel.predict` gives
each frame's probability and, as evidence, the sentences that weigh most for it. A model trained
on embeddings alone (``features=("embeddings",)``) carries over to another language, since the
embeddings are multilingual. :func:`save_frame_model` / :func:`load_frame_model` store a model
with joblib (pickle): load only files you made or trust.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from toolkit.framing.validation import best_threshold, frame_sets
from toolkit.schema import require_columns

__all__ = ["FRAME_EVIDENCE_COLUMNS", "PREDICTION_COLUMNS", "FEATURES", "FrameModel", "FramePredictions",
           "load_frame_model", "save_frame_model", "train_frames"]

#: One row per (unit, frame) in :attr:`FramePredictions.predictions`.
PREDICTION_COLUMNS = ["article_id", "frame", "probability", "threshold", "present"]
#: One row per (unit, frame, sentence) in :attr:`FramePredictions.evidence`.
FRAME_EVIDENCE_COLUMNS = ["article_id", "frame", "sentence_id", "weight", "text"]
FEATURES = ("tfidf", "embeddings")
_WORD = re.compile(r"\w[\w'’-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_NON_WORDS = {"PUNCT", "SYM", "SPACE", "NUM", "X"}


class FramePredictions(NamedTuple):
    """What :meth:`FrameModel.predict` returns."""

    predictions: pd.DataFrame  # PREDICTION_COLUMNS
    evidence: pd.DataFrame     # FRAME_EVIDENCE_COLUMNS


def _unit_key(article_id, sentence_id=None) -> str:
    return str(article_id) if sentence_id is None or pd.isna(sentence_id) else f"{article_id}#{int(sentence_id)}"


def _units(articles: pd.DataFrame, sentences: pd.DataFrame | None, tokens: pd.DataFrame | None) -> pd.DataFrame:
    """One row per unit (an article, or a sentence when ``articles`` has ``sentence_id``): key, article, text, lemmas, sentences."""
    require_columns(articles, ["article_id", "text"], name="articles")
    by_sentence = "sentence_id" in articles.columns
    keys = [_unit_key(a, s) for a, s in zip(articles["article_id"],
                                              articles["sentence_id"] if by_sentence else [None] * len(articles))]
    texts = articles["text"].fillna("").astype(str).tolist()
    # the sentences of each unit (for the embeddings and the evidence)
    if by_sentence:
        parts = [[(int(s), t)] for s, t in zip(articles["sentence_id"], texts)]
    elif sentences is not None:
        require_columns(sentences, ["article_id", "sentence_id", "text"], name="sentences")
        grouped = {a: list(zip(g["sentence_id"].astype(int), g["text"].astype(str)))
                   for a, g in sentences.sort_values(["article_id", "sentence_id"]).groupby("article_id", sort=False)}
        parts = [grouped.get(a) or [(0, t)] for a, t in zip(articles["article_id"], texts)]
    else:
        parts = [[(i, s) for i, s in enumerate(x for x in _SENTENCE_END.split(t) if x.strip())] or [(0, t)]
                 for t in texts]
    # the lemmas of each unit and sentence
    if tokens is not None:
        require_columns(tokens, ["article_id", "sentence_id", "lemma", "upos"], name="tokens")
        words = tokens[~tokens["upos"].isin(_NON_WORDS)]
        lemmas = words["lemma"].fillna(words.get("text", "")).astype(str).str.lower()
        by = words.assign(_lemma=lemmas).groupby(["article_id", "sentence_id"], sort=True)["_lemma"].agg(" ".join)
        sentence_lemmas = {(str(a), int(s)): v for (a, s), v in by.items()}
    else:
        sentence_lemmas = {}

    def lemmas_of(article_id, sid, text):
        found = sentence_lemmas.get((str(article_id), int(sid)))
        return found if found is not None else " ".join(w.lower() for w in _WORD.findall(text))

    sentence_docs = [[lemmas_of(a, s, t) for s, t in p] for a, p in zip(articles["article_id"], parts)]
    return pd.DataFrame({"key": keys, "article_id": articles["article_id"].astype(str).tolist(), "text": texts,
                         "parts": parts, "sentence_docs": sentence_docs,
                         "doc": [" ".join(d) for d in sentence_docs]})


def _embed(texts: list[str]) -> np.ndarray:
    from toolkit.compare import embed_texts

    return embed_texts([t[:2000] for t in texts])


def _mean_embeddings(units: pd.DataFrame) -> np.ndarray:
    flat = [t for p in units["parts"] for _, t in p]
    vectors = _embed(flat)
    out, i = [], 0
    for p in units["parts"]:
        mean = vectors[i:i + len(p)].mean(axis=0)
        out.append(mean / (np.linalg.norm(mean) or 1.0))
        i += len(p)
    return np.vstack(out) if out else np.zeros((0, 512), dtype=np.float32)


class FrameModel:
    """A frame classifier trained by :func:`train_frames`; :meth:`predict` applies it."""

    def __init__(self, frames, features, vectorizer, classifier, thresholds, cv_f1, n_train, embedding_weight):
        self.frames = list(frames)
        self.features = tuple(features)
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.thresholds = dict(thresholds)
        self.cv_f1 = dict(cv_f1)
        self.n_train = n_train
        self.embedding_weight = embedding_weight

    def __repr__(self) -> str:
        return (f"FrameModel({len(self.frames)} frames, features={list(self.features)}, trained on {self.n_train} "
                f"units)")

    def _matrix(self, docs: list[str], embeddings: np.ndarray | None):
        from scipy import sparse

        blocks = []
        if "tfidf" in self.features:
            blocks.append(self.vectorizer.transform(docs))
        if "embeddings" in self.features:
            blocks.append(sparse.csr_matrix(embeddings * self.embedding_weight))
        return sparse.hstack(blocks).tocsr()

    def predict(self, articles: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                tokens: pd.DataFrame | None = None, n_evidence: int = 2) -> FramePredictions:
        """Each frame's probability in each article (or sentence), whether it is present, and the evidence.

        Args:
            articles: ``article_id``, ``text`` (and ``sentence_id`` for sentence units), as in training.
            sentences: From :func:`toolkit.annotate`, for the embeddings and the evidence.
            tokens: From :func:`toolkit.annotate`, for the lemma TF-IDF (else lower-cased words).
            n_evidence: Sentences given as evidence per present frame.

        Returns:
            A :class:`FramePredictions`: ``predictions`` (one row per unit and frame:
            ``article_id`` (str; ``"<article>#<sentence>"`` for sentence units), ``frame``
            (str), ``probability`` (float), ``threshold`` (float, cross-validated), ``present``
            (bool: probability ≥ threshold)) and ``evidence`` (one row per present frame and
            sentence that weighs most for it: ``article_id``, ``frame``, ``sentence_id``
            (int), ``weight`` (float, the sentence's own decision value for the frame),
            ``text`` (str)). Sorted by unit, then frame.
        """
        units = _units(articles, sentences, tokens)
        embeddings = _mean_embeddings(units) if "embeddings" in self.features else None
        probabilities = self.classifier.predict_proba(self._matrix(units["doc"].tolist(), embeddings))
        rows = []
        for i, key in enumerate(units["key"]):
            for j, frame in enumerate(self.frames):
                p = float(probabilities[i, j])
                rows.append((key, frame, p, self.thresholds[frame], p >= self.thresholds[frame]))
        predictions = pd.DataFrame(rows, columns=PREDICTION_COLUMNS).astype(
            {"article_id": "string", "frame": "string", "probability": "float64", "threshold": "float64",
             "present": "bool"})
        evidence = self._evidence(units, predictions, n_evidence) if n_evidence else pd.DataFrame(
            columns=FRAME_EVIDENCE_COLUMNS)
        return FramePredictions(predictions.sort_values(["article_id", "frame"]).reset_index(drop=True), evidence)

    def _evidence(self, units: pd.DataFrame, predictions: pd.DataFrame, n: int) -> pd.DataFrame:
        present = predictions[predictions["present"]]
        wanted = present.groupby("article_id")["frame"].agg(list).to_dict()
        index = {f: j for j, f in enumerate(self.frames)}
        rows = []
        for key, parts, docs in zip(units["key"], units["parts"], units["sentence_docs"]):
            frames = wanted.get(key)
            if not frames:
                continue
            embeddings = _embed([t for _, t in parts]) if "embeddings" in self.features else None
            values = self.classifier.decision_function(self._matrix(docs, embeddings))
            values = values.reshape(len(parts), -1)
            for frame in frames:
                column = values[:, index[frame]]
                for k in np.argsort(-column, kind="stable")[:n]:
                    rows.append((key, frame, int(parts[k][0]), float(column[k]), parts[k][1]))
        evidence = pd.DataFrame(rows, columns=FRAME_EVIDENCE_COLUMNS)
        return evidence.astype({"article_id": "string", "frame": "string", "sentence_id": "int64",
                                "weight": "float64", "text": "string"}).reset_index(drop=True)


def train_frames(articles: pd.DataFrame, gold, *, sentences: pd.DataFrame | None = None,
                 tokens: pd.DataFrame | None = None, features: Sequence[str] = FEATURES, C: float = 4.0,
                 embedding_weight: float = 1.0, n_folds: int = 5, groups=None, min_examples: int = 2,
                 seed: int = 0, threshold: str = "frame") -> FrameModel:
    """Learn frames from coded articles (or sentences): one balanced logistic regression per frame.

    Args:
        articles: The coded units: ``article_id``, ``text`` (the body; add the title to it if
            you want it read), and ``sentence_id`` when the units are sentences (a coding
            sheet's rows).
        gold: The coding, any form :func:`toolkit.framing.evaluate_frames` reads: a table
            (``article_id``, ``frame``), a column of lists, or the ``codings`` of
            :func:`toolkit.read_coding_sheet` (rows with ``value == 1``; sentence units).
        sentences: From :func:`toolkit.annotate`: each article's sentences, embedded one by one
            (else the text is split at sentence punctuation).
        tokens: From :func:`toolkit.annotate`: TF-IDF over lemmas (else over lower-cased words).
        features: ``"tfidf"`` (language-specific) and/or ``"embeddings"`` (multilingual: a
            model with embeddings alone predicts frames in another language).
        C: Inverse regularisation strength of the logistic regressions.
        embedding_weight: Scale of the embedding block beside the TF-IDF block.
        n_folds: Folds of the cross-validation that chooses each frame's threshold.
        groups: Article id → group (dict or Series): a group (near-duplicates) stays in one fold.
        min_examples: Frames coded in fewer units than this are left out (nothing to learn).
        seed: Seed of the fold shuffle.
        threshold: ``"frame"``: each frame's probability threshold maximises that frame's
            cross-validated F1 (best per-frame and macro F1); ``"shared"``: one threshold for
            every frame, maximising the micro-F1 of the out-of-fold probabilities (fewer
            frames marked; on SemEval-2023 T3 dev it raised micro-F1 by about 0.025 per
            language and lowered macro-F1).

    Returns:
        A :class:`FrameModel`: ``predict(articles, sentences=, tokens=)`` gives probabilities,
        decisions and evidence sentences; ``thresholds`` and ``cv_f1`` hold each frame's
        cross-validated threshold and F1.

    Raises:
        ValueError: a required column is missing, an unknown feature, or fewer than
            ``min_examples`` units coded with any frame.

    Example:
        >>> model = tk.train_frames(articles, coded, sentences=sentences, tokens=tokens)
        >>> model.predict(new_articles, sentences=new_sentences, tokens=new_tokens).predictions
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, KFold
    from sklearn.multiclass import OneVsRestClassifier

    bad = [f for f in features if f not in FEATURES]
    if bad or not features:
        raise ValueError(f"`features` must be a non-empty subset of {list(FEATURES)}, got {list(features)}")
    truth = _gold_units(gold)
    units = _units(articles, sentences, tokens)
    units = units[units["key"].isin(truth)].reset_index(drop=True)
    counts = pd.Series([f for k in units["key"] for f in truth[k]]).value_counts()
    frames = sorted(counts[counts >= min_examples].index)
    if not frames or len(units) < 2:
        raise ValueError(f"train_frames needs at least two coded units and a frame coded in {min_examples} of them; "
                         f"got {len(units)} units, frame counts {counts.to_dict()}")
    y = np.array([[f in truth[k] for f in frames] for k in units["key"]], dtype=int)
    vectorizer = (TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True,
                                  min_df=2 if len(units) >= 20 else 1, max_df=0.9)
                  .fit(units["doc"]) if "tfidf" in features else None)
    embeddings = _mean_embeddings(units) if "embeddings" in features else None

    def classifier():
        return OneVsRestClassifier(LogisticRegression(C=C, class_weight="balanced", max_iter=2000))

    model = FrameModel(frames, features, vectorizer, None, {}, {}, len(units), embedding_weight)
    X = model._matrix(units["doc"].tolist(), embeddings)
    # thresholds from out-of-fold probabilities (the TF-IDF vocabulary is fitted on all units: unsupervised)
    k = max(2, min(n_folds, len(units)))
    if groups is not None:
        group_of = {str(a): g for a, g in dict(groups).items()}
        keys = [group_of.get(a, a) for a in units["article_id"]]
        k = min(k, len(set(keys)))
        splits = list(GroupKFold(n_splits=k).split(units, groups=keys)) if k >= 2 else []
    else:
        splits = list(KFold(n_splits=k, shuffle=True, random_state=seed).split(units))
    out_of_fold = np.full(y.shape, np.nan)
    for train, test in splits:
        fit = _fit(classifier(), X[train], y[train])
        if fit is not None:
            out_of_fold[test] = fit.predict_proba(X[test])
    if threshold not in ("frame", "shared"):
        raise ValueError(f"`threshold` must be 'frame' or 'shared', got {threshold!r}")
    thresholds, cv_f1 = {}, {}
    shared = _shared_threshold(out_of_fold, y) if threshold == "shared" else None
    for j, frame in enumerate(frames):
        known = ~np.isnan(out_of_fold[:, j])
        if known.sum() >= 2:
            t, f1 = best_threshold(out_of_fold[known, j], y[known, j].astype(bool))
            if shared is not None:
                t = shared
                f1 = _f1_at(out_of_fold[known, j] >= t, y[known, j].astype(bool))
            thresholds[frame], cv_f1[frame] = (t if t > 0 else 0.0), f1
        else:
            thresholds[frame], cv_f1[frame] = 0.5, float("nan")
    model.classifier = _fit(classifier(), X, y)
    model.thresholds, model.cv_f1 = thresholds, cv_f1
    return model


def _f1_at(chosen: np.ndarray, truth: np.ndarray) -> float:
    denominator = chosen.sum() + truth.sum()
    return float(2 * (chosen & truth).sum() / denominator) if denominator else 0.0


def _shared_threshold(probabilities: np.ndarray, y: np.ndarray) -> float:
    """The one threshold (over all frames) with the best micro-F1 of the known out-of-fold probabilities."""
    known = ~np.isnan(probabilities)
    values, truth = probabilities[known], y[known].astype(bool)
    if not len(values):
        return 0.5
    best = (0.5, -1.0)
    for t in np.unique(np.round(values, 3)):
        f1 = _f1_at(values >= t, truth)
        if f1 > best[1] + 1e-12:
            best = (float(t), f1)
    return best[0]


def _fit(classifier, X, y):
    """Fit, with a constant column for a frame absent (or everywhere) in this part, so predict_proba keeps its shape."""
    if len(y) == 0:
        return None
    return classifier.fit(X, y)


def _gold_units(gold) -> dict[str, set]:
    """Gold frames keyed by unit (``"<article>#<sentence>"`` when the coding has ``sentence_id``)."""
    return frame_sets(gold, name="gold")


def save_frame_model(model: FrameModel, path: str | Path) -> Path:
    """Write a model to a file with joblib (a pickle: only load it where you trust its author).

    Returns:
        The path written.
    """
    import joblib

    if not isinstance(model, FrameModel):
        raise TypeError(f"save_frame_model takes a FrameModel, got {type(model).__name__}")
    path = Path(path)
    joblib.dump(model, path)
    return path


def load_frame_model(path: str | Path, *, trusted: bool = False) -> FrameModel:
    """Read a model written by :func:`save_frame_model`.

    The file is a pickle (joblib): loading it can run any code its author put in it. Pass
    ``trusted=True`` to say you made the file or trust whoever did.

    Raises:
        PermissionError: ``trusted`` is not True.
        FileNotFoundError: no such file.
        TypeError: the file holds something other than a FrameModel.
    """
    import joblib

    path = Path(path)
    if not trusted:
        raise PermissionError(f"{path}: a frame model file is a pickle and loading it can run arbitrary code; "
                              f"call load_frame_model(path, trusted=True) only for files you made or trust")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such model file")
    model = joblib.load(path)
    if not isinstance(model, FrameModel):
        raise TypeError(f"{path}: holds a {type(model).__name__}, not a FrameModel")
    return model
