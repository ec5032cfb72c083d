"""Routing (分办建议): the top three handling units — or categories — for a text, with a
confidence, learnt from the congress's own past assignments.

Always a proposal: nothing here creates an assignment; a person confirms in the assign
form. Before a congress has enough history, keyword rules that staff edit propose units.

The learner is word (jieba) + character n-gram TF-IDF, the subject counted three times, and a
linear SVM calibrated into probabilities (``bench/routing.py`` trains through
``Router`` exactly as the platform does and prints its figures).
"""

from __future__ import annotations

import io
import pickle  # models are written and read only by this app, from our own database
import platform
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy
import sklearn
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from renda.core.errors import DomainError

from .text import Tokenize, jieba

FORMAT = 1  # bump when the pickled structure changes
MIN_TRAIN = 20  # fewer past assignments than this: keyword rules instead
SUBJECT_WEIGHT = 3


class IncompatibleModel(DomainError):
    """A saved model cannot be used with the libraries installed now."""


def library_versions() -> dict[str, Any]:
    return {"format": FORMAT, "sklearn": sklearn.__version__, "numpy": np.__version__,
            "scipy": scipy.__version__, "jieba": jieba.__version__,
            "python": platform.python_version()}


def _minor(version: str) -> str:
    return ".".join(str(version).split(".")[:2])


def check_compatible(saved: dict[str, Any]) -> None:
    """Refuse a model saved by another scikit-learn/numpy minor version or format: unpickling
    it could fail or, worse, silently predict differently."""
    now = library_versions()
    if saved.get("format") != FORMAT:
        raise IncompatibleModel(
            f"分办模型的存储格式（{saved.get('format')}）与当前程序（{FORMAT}）不一致，请重新训练。")
    for lib, label in (("sklearn", "scikit-learn"), ("numpy", "numpy")):
        if _minor(saved.get(lib, "?")) != _minor(now[lib]):
            raise IncompatibleModel(
                f"分办模型由 {label} {saved.get(lib, '未知版本')} 训练，当前为 {now[lib]}，"
                "版本不兼容，已停用该模型；请在“智能辅助”页面重新训练。")


def compose(subject: str, body: str = "") -> str:
    """The text a router sees: the subject counts three times (it names the matter)."""
    subject = (subject or "").strip()
    return " ".join([subject] * SUBJECT_WEIGHT + [(body or "").strip()]).strip()


def _softmax(d: np.ndarray) -> np.ndarray:
    e = np.exp(d - d.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Router:
    """Text → ranked labels with confidences. Labels are strings (a unit id or a name)."""

    def __init__(self, words: Sequence[str] = (), C: float = 1.0) -> None:
        self.words = tuple(words)
        self.C = C
        self.features: FeatureUnion | None = None
        self.clf: Any = None
        self.calibrated = False

    def _features(self) -> FeatureUnion:
        return FeatureUnion([
            ("words", TfidfVectorizer(tokenizer=Tokenize(self.words), token_pattern=None,
                                      lowercase=False, ngram_range=(1, 2), sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)),
        ])

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Router:
        labels = [str(x) for x in labels]
        if len(set(labels)) < 2:
            raise DomainError("至少需要两个不同的承办单位（或领域）的历史交办才能训练。")
        self.features = self._features()
        X = self.features.fit_transform(texts)
        svm = LinearSVC(C=self.C, class_weight="balanced")
        smallest = min(Counter(labels).values())
        # Probabilities from a 3-fold sigmoid calibration when every label has the examples
        # for it; otherwise the SVM scores through a softmax (still ranked the same way).
        if smallest >= 3:
            self.clf = CalibratedClassifierCV(svm, cv=3, method="sigmoid", ensemble=False).fit(X, labels)
            self.calibrated = True
        else:
            self.clf = svm.fit(X, labels)
            self.calibrated = False
        return self

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.clf.classes_]

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        X = self.features.transform(texts)
        if self.calibrated:
            p = self.clf.predict_proba(X)
            return p / p.sum(axis=1, keepdims=True)
        return _softmax(self.clf.decision_function(X) * 3)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_fast", None)  # rebuilt on first use
        return state

    def _fast_parts(self) -> list[tuple[Any, dict[str, int], np.ndarray, int]]:
        fast = self.__dict__.get("_fast")
        if fast is None:
            fast, offset = [], 0
            for _, vec in self.features.transformer_list:
                fast.append((vec.build_analyzer(), vec.vocabulary_, vec.idf_, offset))
                offset += len(vec.vocabulary_)
            self._fast = fast
        return fast

    def score_one(self, text: str) -> np.ndarray:
        """``scores([text])[0]`` without scikit-learn's per-call overhead: the same sublinear
        TF-IDF blocks (each L2-normalised, as FeatureUnion stacks them), the same linear
        decision and sigmoid calibration — a message is routed in a few milliseconds."""
        if not self.calibrated or len(self.clf.classes_) < 3:
            return self.scores([text])[0]
        idx: list[np.ndarray] = []
        val: list[np.ndarray] = []
        for analyzer, vocabulary, idf, offset in self._fast_parts():
            counts = Counter(g for g in analyzer(text) if g in vocabulary)
            if not counts:
                continue
            cols = np.fromiter((vocabulary[g] for g in counts), dtype=np.int64, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            w = tf * idf[cols]
            w /= np.sqrt((w * w).sum())
            idx.append(cols + offset)
            val.append(w)
        calibrated = self.clf.calibrated_classifiers_[0]
        svm = calibrated.estimator
        if idx:
            cols = np.concatenate(idx)
            decision = svm.coef_[:, cols] @ np.concatenate(val) + svm.intercept_
        else:
            decision = svm.intercept_.astype(np.float64)
        a = np.array([cal.a_ for cal in calibrated.calibrators])
        b = np.array([cal.b_ for cal in calibrated.calibrators])
        proba = expit(-(a * decision + b))  # _SigmoidCalibration.predict, for all classes at once
        total = proba.sum()
        return proba / total if total > 0 else np.full(len(proba), 1 / len(proba))

    def top(self, text: str, k: int = 3) -> list[tuple[str, float]]:
        p = self.score_one(text)
        order = np.argsort(-p)[:k]
        classes = self.classes
        return [(classes[i], float(p[i])) for i in order]

    def dumps(self) -> bytes:
        buf = io.BytesIO()
        pickle.dump(self, buf, protocol=pickle.HIGHEST_PROTOCOL)
        return buf.getvalue()

    @staticmethod
    def loads(blob: bytes) -> Router:
        return pickle.loads(bytes(blob))  # noqa: S301  (our own database, see check_compatible)


@dataclass
class Quality:
    n: int
    accuracy: float
    macro_f1: float
    top3: float
    folds: int
    predictions: list[str] = field(default_factory=list, repr=False)
    top3_hits: list[bool] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "accuracy": round(self.accuracy, 4),
                "macro_f1": round(self.macro_f1, 4), "top3": round(self.top3, 4),
                "folds": self.folds}


def cross_validate(texts: Sequence[str], labels: Sequence[str], words: Sequence[str] = (),
                   folds: int = 5, seed: int = 0) -> Quality:
    """k-fold cross-validation of ``Router``: every text is predicted by a model that never
    saw it. Stratified when every label has enough examples."""
    y = np.array([str(x) for x in labels])
    smallest = min(Counter(y.tolist()).values())
    folds = max(2, min(folds, len(y) // 2))
    splitter = (StratifiedKFold(folds, shuffle=True, random_state=seed) if smallest >= folds
                else KFold(folds, shuffle=True, random_state=seed))
    pred = np.empty(len(y), dtype=object)
    hit = np.zeros(len(y), dtype=bool)
    for tr, te in splitter.split(np.zeros(len(y)), y):
        if len(set(y[tr])) < 2:
            continue
        router = Router(words).fit([texts[i] for i in tr], y[tr].tolist())
        p = router.scores([texts[i] for i in te])
        order = np.argsort(-p, axis=1)
        classes = np.array(router.classes)
        pred[te] = classes[order[:, 0]]
        hit[te] = [y[j] in classes[order[n, :3]] for n, j in enumerate(te)]
    done = np.array([x is not None for x in pred])
    return Quality(
        n=int(done.sum()),
        accuracy=float(accuracy_score(y[done], pred[done].astype(str))) if done.any() else 0.0,
        macro_f1=float(f1_score(y[done], pred[done].astype(str), average="macro"))
        if done.any() else 0.0,
        top3=float(hit[done].mean()) if done.any() else 0.0,
        folds=folds, predictions=[str(x) for x in pred], top3_hits=hit.tolist())


# --- stored models, per congress -------------------------------------------------------------

_loaded: dict[tuple[int, Any], Router] = {}
_loaded_lock = threading.Lock()


def load(model: Any) -> Router:
    """The ``Router`` of a saved ``RoutingModel``, kept per process; refuses an incompatible
    one clearly. The key holds the creation time too: a row id alone can come back (a
    database restored from a backup, the tests' rolled-back transactions)."""
    check_compatible(model.libraries or {})
    key = (model.pk, model.created_at)
    with _loaded_lock:
        router = _loaded.get(key)
    if router is None:
        blob = type(model).objects.filter(pk=model.pk).values_list("blob", flat=True).first()
        if blob is None:
            raise IncompatibleModel("分办模型已被删除，请重新训练。")
        router = Router.loads(blob)
        with _loaded_lock:
            if len(_loaded) > 16:
                _loaded.clear()
            _loaded[key] = router
    return router


def timed_fit(texts: Sequence[str], labels: Sequence[str], words: Sequence[str] = ()) -> tuple[Router, float]:
    t0 = time.perf_counter()
    router = Router(words).fit(texts, labels)
    return router, time.perf_counter() - t0
