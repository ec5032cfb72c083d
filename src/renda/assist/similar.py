"""Similar texts: near-duplicate suggestions (并案 candidates), published replies, and
similar citizen messages.

Character bigrams weighted by TF-IDF, L2-normalised; a query multiplies only the index
columns of its own bigrams (an inverted index held as a sparse column matrix), so the cost
grows with the query's length and the rarity of its words, not with the collection. The 50
best candidates are then re-ranked by the overlap of character trigrams, which keeps word
order: the same message sent again beats other messages about the same matter.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)
MAX_DF = 0.2  # bigrams in more than a fifth of the texts say little about similarity
LARGE = 20_000  # from this many texts on, keep only bigrams in at most 5% of them (faster, as good)
LARGE_MAX_DF = 0.05
RERANK_POOL = 50
RERANK_MIX = 0.5  # weight of the bigram cosine against the n-gram overlap


RERANK_N = 3


def _grams(text: str, n: int | None = None) -> np.ndarray:
    """Sorted unique hashes of the character n-grams of ``text`` (vectorised: the pool is
    re-ranked in about a millisecond)."""
    n = n or RERANK_N
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < n:
        return np.empty(0, dtype=np.uint64)
    h = np.zeros(len(codes) - n + 1, dtype=np.uint64)
    for j in range(n):
        h = h * np.uint64(1_000_003) + codes[j:len(codes) - n + 1 + j]
    return np.unique(h)


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) or not len(b):
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def _overlaps(query: np.ndarray, texts: Sequence[str], n: int | None = None) -> np.ndarray:
    """``_jaccard(query, _grams(t))`` for every text at once (a handful of array operations
    instead of a few per text)."""
    n = n or RERANK_N
    out = np.zeros(len(texts))
    lens = np.array([len(t) for t in texts], dtype=np.int64)
    if not len(query) or not len(texts) or lens.sum() < n:
        return out
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    doc = np.repeat(np.arange(len(texts)), lens)
    m = len(codes) - n + 1
    h = np.zeros(m, dtype=np.uint64)
    for j in range(n):
        h = h * np.uint64(1_000_003) + codes[j:m + j]
    keep = doc[:m] == doc[n - 1:]  # n-grams that do not straddle two texts
    h, d = h[keep], doc[:m][keep]
    order = np.lexsort((h, d))
    h, d = h[order], d[order]
    first = np.ones(len(h), dtype=bool)
    first[1:] = (h[1:] != h[:-1]) | (d[1:] != d[:-1])
    h, d = h[first], d[first]
    size = np.bincount(d, minlength=len(texts))
    shared = np.bincount(d[np.isin(h, query)], minlength=len(texts))
    union = size + len(query) - shared
    np.divide(shared, union, out=out, where=(union > 0) & (size > 0))
    return out


def normalise(text: str) -> str:
    return _NOISE.sub(" ", text or "").strip()


@dataclass(frozen=True)
class Match:
    key: Hashable
    score: float


class SimilarIndex:
    """An in-memory index of (key, text) pairs."""

    ngram_range = (2, 2)

    def __init__(self, items: Iterable[tuple[Hashable, str]], *, max_df: float | None = None) -> None:
        pairs = [(k, normalise(t)) for k, t in items]
        self.keys: list[Hashable] = [k for k, _ in pairs]
        texts = [t for _, t in pairs]
        self.texts = texts
        if max_df is None:
            max_df = 1.0 if len(texts) <= 50 else LARGE_MAX_DF if len(texts) >= LARGE else MAX_DF
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=self.ngram_range, sublinear_tf=True,
                                          dtype=np.float32, max_df=max_df)
        if texts and any(texts):
            try:
                matrix = self.vectorizer.fit_transform(texts)
            except ValueError:  # every bigram too frequent or none at all
                matrix = None
        else:
            matrix = None
        self.columns = matrix.tocsc() if matrix is not None else None

    def __len__(self) -> int:
        return len(self.keys)

    def query(self, text: str, k: int = 10, min_score: float = 0.0,
              exclude: Hashable | None = None) -> list[Match]:
        if self.columns is None:
            return []
        q = self.vectorizer.transform([normalise(text)])
        if q.nnz == 0:
            return []
        cols = self.columns[:, q.indices]
        scores = np.asarray(cols @ q.data).ravel()
        want = k + (1 if exclude is not None else 0)
        pool = max(RERANK_POOL, want)
        if pool < len(scores):
            top = np.argpartition(-scores, pool)[:pool]
        else:
            top = np.arange(len(scores))
        # Re-rank the pool by shared character n-grams, which also see word order: a
        # message sent again keeps its sentences in order, a message on the same matter
        # written by someone else does not.
        grams = _grams(normalise(text))
        final = RERANK_MIX * scores[top] + (1 - RERANK_MIX) * _overlaps(grams, [self.texts[i] for i in top])
        order = np.argsort(-final, kind="stable")
        out = []
        for i, score in zip(top[order].tolist(), final[order].tolist(), strict=True):
            if score <= min_score or (exclude is not None and self.keys[i] == exclude):
                continue
            out.append(Match(self.keys[i], round(score, 4)))
        return out[:k]


def similar(text: str, candidates: Sequence[tuple[Hashable, str]], k: int = 5,
            min_score: float = 0.25, exclude: Hashable | None = None) -> list[Match]:
    """The ``k`` candidates most similar to ``text`` (score 0..1: half the cosine of bigram
    TF-IDF, half the overlap of character trigrams), best first, leaving out those under
    ``min_score``. For a citizen message: pass the congress's recent messages as
    (id, subject + text) pairs."""
    return SimilarIndex(candidates).query(text, k=k, min_score=min_score, exclude=exclude)
