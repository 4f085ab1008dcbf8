"""Frames learned from the user's own coding (coded articles or sentences → a model → frames with probabilities).

:func:`train_frames` fits one logistic regression per frame (scikit-learn, one-vs-rest,
balanced class weights) over two kinds of features: the TF-IDF of the lemmas (when the
``tokens`` of :func:`toolkit.annotate` are given; else of the lower-cased words) and the mean
multilingual sentence embedding of the text (Universal Sentence Encoder multilingual, through
:func:`toolkit.compare.embed_texts`, cached per text in the process). Each frame's probability
threshold (and C, when several values are given) is chosen by cross-validation inside the training
data only (grouped when ``groups`` is given), so a model scored on held-out articles has seen nothing
of them; with ``title=True`` the title is read too. :meth:`FrameModel.predict` gives
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


def _units(articles: pd.DataFrame, sentences: pd.DataFrame | None, tokens: pd.DataFrame | None, *,
           title: bool = False) -> pd.DataFrame:
    """One row per unit (an article, or a sentence when ``articles`` has ``sentence_id``): key, article, text, lemmas,
    sentences, and (``title=True``) the title and its lower-cased words."""
    require_columns(articles, ["article_id", "text"], name="articles")
    if title:
        require_columns(articles, ["article_id", "text", "title"], name="articles")
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
    docs = [" ".join(d) for d in sentence_docs]
    titles = (articles["title"].map(lambda t: t if isinstance(t, str) else "").tolist() if title
              else [""] * len(articles))
    if title:  # the title's words join the TF-IDF document (as written: titles are not annotated)
        docs = [f"{d} {' '.join(w.lower() for w in _WORD.findall(t))}".strip() for d, t in zip(docs, titles)]
    return pd.DataFrame({"key": keys, "article_id": articles["article_id"].astype(str).tolist(), "text": texts,
                         "parts": parts, "sentence_docs": sentence_docs, "doc": docs, "title": titles})


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


def _title_embeddings(units: pd.DataFrame) -> np.ndarray:
    """The embedding of each unit's title (zeros for a unit without one)."""
    titles = units["title"].tolist()
    out = np.zeros((len(titles), 512), dtype=np.float32)
    given = [i for i, t in enumerate(titles) if t.strip()]
    if given:
        out[given] = _embed([titles[i] for i in given])
    return out


class FrameModel:
    """A frame classifier trained by :func:`train_frames`; :meth:`predict` applies it."""

    def __init__(self, frames, features, vectorizer, classifier, thresholds, cv_f1, n_train, embedding_weight,
                 title=False):
        self.frames = list(frames)
        self.features = tuple(features)
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.thresholds = dict(thresholds)
        self.cv_f1 = dict(cv_f1)
        self.n_train = n_train
        self.embedding_weight = embedding_weight
        self.title = title
        self.C = None

    def __setstate__(self, state: dict) -> None:
        # Models saved before `title` and `C` existed: the defaults they were trained with.
        self.__dict__.update({"title": False, "C": None, **state})

    def __repr__(self) -> str:
        return (f"FrameModel({len(self.frames)} frames, features={list(self.features)}, trained on {self.n_train} "
                f"units)")

    def _matrix(self, docs: list[str], embeddings: np.ndarray | None, title_embeddings: np.ndarray | None = None):
        from scipy import sparse

        blocks = []
        if "tfidf" in self.features:
            blocks.append(self.vectorizer.transform(docs))
        if "embeddings" in self.features:
            blocks.append(sparse.csr_matrix(embeddings * self.embedding_weight))
            if getattr(self, "title", False):
                if title_embeddings is None:  # a sentence of the evidence: it is not the title
                    title_embeddings = np.zeros_like(embeddings)
                blocks.append(sparse.csr_matrix(title_embeddings * self.embedding_weight))
        return sparse.hstack(blocks).tocsr()

    def _unit_matrix(self, units: pd.DataFrame):
        """The features of whole units (body, and title when the model reads titles)."""
        embeddings = _mean_embeddings(units) if "embeddings" in self.features else None
        titles = (_title_embeddings(units) if "embeddings" in self.features and getattr(self, "title", False)
                  else None)
        return self._matrix(units["doc"].tolist(), embeddings, titles)

    def predict(self, articles: pd.DataFrame, *, sentences: pd.DataFrame | None = None,
                tokens: pd.DataFrame | None = None, n_evidence: int = 2) -> FramePredictions:
        """Each frame's probability in each article (or sentence), whether it is present, and the evidence.

        Args:
            articles: ``article_id``, ``text`` (and ``sentence_id`` for sentence units; ``title`` when the
                model was trained with ``title=True``), as in training.
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
        units = _units(articles, sentences, tokens, title=getattr(self, "title", False))
        probabilities = self.classifier.predict_proba(self._unit_matrix(units))
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
                 tokens: pd.DataFrame | None = None, features: Sequence[str] = FEATURES, C: float | Sequence[float] = 4.0,
                 embedding_weight: float = 1.0, n_folds: int = 5, groups=None, min_examples: int = 2,
                 seed: int = 0, threshold: str = "frame", title: bool = False,
                 class_weight: str | None = "balanced") -> FrameModel:
    """Learn frames from coded articles (or sentences): one balanced logistic regression per frame.

    Args:
        articles: The coded units: ``article_id``, ``text`` (the body), ``title`` (read with
            ``title=True``), and ``sentence_id`` when the units are sentences (a coding
            sheet's rows).
        gold: The coding, any form :func:`toolkit.framing.evaluate_frames` reads: a table
            (``article_id``, ``frame``), a column of lists, or the ``codings`` of
            :func:`toolkit.read_coding_sheet` (rows with ``value == 1``; sentence units).
        sentences: From :func:`toolkit.annotate`: each article's sentences, embedded one by one
            (else the text is split at sentence punctuation).
        tokens: From :func:`toolkit.annotate`: TF-IDF over lemmas (else over lower-cased words).
        features: ``"tfidf"`` (language-specific) and/or ``"embeddings"`` (multilingual: a
            model with embeddings alone predicts frames in another language).
        C: Inverse regularisation strength of the logistic regressions; a sequence of values
            (e.g. ``(1, 4, 16)``) is tried on the inner cross-validation of the training units
            and the best one kept (by the criterion of ``threshold``), in ``model.C``.
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
        title: Read each article's ``title`` too: its words join the TF-IDF document and its
            embedding is a block of its own beside the body's mean embedding (a headline states
            the angle the coders saw). On SemEval-2023 T3 dev (5-fold CV) it raised micro-F1 in
            French, where articles are few.
        class_weight: ``"balanced"`` (each frame's rare positives weigh as much as its
            negatives: more frames marked, better recall of rare frames) or None (plain
            likelihood; with ``threshold="shared"`` it gave the better micro-F1 on SemEval dev).

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
    if class_weight not in ("balanced", None):
        raise ValueError(f"`class_weight` must be 'balanced' or None, got {class_weight!r}")
    truth = _gold_units(gold)
    units = _units(articles, sentences, tokens, title=title)
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

    if threshold not in ("frame", "shared"):
        raise ValueError(f"`threshold` must be 'frame' or 'shared', got {threshold!r}")
    candidates = [float(c) for c in (C if np.ndim(C) > 0 else [C])]  # a number, a list or a NumPy array
    if not candidates or any(not c > 0 for c in candidates):
        raise ValueError(f"`C` must be a positive number or a non-empty sequence of them, got {C!r}")

    def classifier(c):
        return OneVsRestClassifier(LogisticRegression(C=c, class_weight=class_weight, max_iter=2000))

    model = FrameModel(frames, features, vectorizer, None, {}, {}, len(units), embedding_weight, title=title)
    X = model._unit_matrix(units)
    # thresholds from out-of-fold probabilities (the TF-IDF vocabulary is fitted on all units: unsupervised)
    k = max(2, min(n_folds, len(units)))
    if groups is not None:
        group_of = {str(a): g for a, g in dict(groups).items()}
        keys = [group_of.get(a, a) for a in units["article_id"]]
        k = min(k, len(set(keys)))
        splits = list(GroupKFold(n_splits=k).split(units, groups=keys)) if k >= 2 else []
    else:
        splits = list(KFold(n_splits=k, shuffle=True, random_state=seed).split(units))
    # C (when several are given) and the thresholds are chosen on these inner folds of the
    # training units only: nothing of the articles the model will be scored on is seen.
    best = None
    for c in candidates:
        out_of_fold = np.full(y.shape, np.nan)
        for train, test in splits:
            fit = _fit(classifier(c), X[train], y[train])
            if fit is not None:
                out_of_fold[test] = fit.predict_proba(X[test])
        score = _cv_score(out_of_fold, y, threshold) if len(candidates) > 1 else 0.0
        if best is None or score > best[0] + 1e-9:
            best = (score, c, out_of_fold)
    _, chosen_c, out_of_fold = best
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
    model.classifier = _fit(classifier(chosen_c), X, y)
    model.thresholds, model.cv_f1, model.C = thresholds, cv_f1, chosen_c
    return model


def _cv_score(probabilities: np.ndarray, y: np.ndarray, threshold: str) -> float:
    """How good out-of-fold probabilities are under the threshold rule: micro-F1 at the best shared threshold
    (``"shared"``), or the mean over frames of each frame's best F1 (``"frame"``)."""
    if threshold == "shared":
        known = ~np.isnan(probabilities)
        return _f1_at(probabilities[known] >= _shared_threshold(probabilities, y), y[known].astype(bool))
    scores = [best_threshold(probabilities[~np.isnan(probabilities[:, j]), j],
                             y[~np.isnan(probabilities[:, j]), j].astype(bool))[1] for j in range(y.shape[1])]
    return float(np.mean(scores)) if scores else 0.0


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
