"""Hot topics (民意热点): group the texts of a period into topics with keywords and counts.

Word (jieba) TF-IDF, k-means with k chosen from the number of texts, keywords from the
centroid. Deterministic (fixed seed) so a figures page shows the same topics twice."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer

from .text import Tokenize


@dataclass
class Topic:
    keywords: list[str]
    count: int
    members: list[int] = field(default_factory=list)  # indices into the texts given

    @property
    def label(self) -> str:
        return "、".join(self.keywords[:3])


def hot_topics(texts: Sequence[str], *, n_topics: int | None = None, n_keywords: int = 5,
               words: Sequence[str] = (), min_count: int = 2) -> list[Topic]:
    """Topics of ``texts``, largest first; topics with fewer than ``min_count`` texts are left
    out. ``words`` are local names to keep whole (the congress's user dictionary)."""
    texts = [t or "" for t in texts]
    if len(texts) < 2:
        return []
    vectorizer = TfidfVectorizer(tokenizer=Tokenize(words, min_len=2), token_pattern=None, lowercase=False,
                                 min_df=2 if len(texts) >= 20 else 1, max_df=0.5 if len(texts) >= 20 else 1.0,
                                 sublinear_tf=True)
    try:
        X = vectorizer.fit_transform(texts)
    except ValueError:
        return []
    terms = np.array(vectorizer.get_feature_names_out())
    keep = np.asarray(X.getnnz(axis=1) > 0)
    rows = np.flatnonzero(keep)
    if len(rows) < 2:
        return []
    k = n_topics or max(2, min(30, round(math.sqrt(len(rows) / 2))))
    k = min(k, len(rows))
    model = KMeans(n_clusters=k, n_init=3, random_state=0).fit(X[rows])
    topics = []
    for c in range(k):
        members = rows[model.labels_ == c].tolist()
        if len(members) < min_count:
            continue
        # keywords: heaviest terms of the centroid that several members actually use
        centroid = model.cluster_centers_[c]
        present = np.asarray((X[members] > 0).sum(axis=0)).ravel()
        score = centroid * (present >= min(2, len(members)))
        top = [terms[i] for i in np.argsort(-score)[:n_keywords] if score[i] > 0]
        topics.append(Topic(keywords=top, count=len(members), members=members))
    topics.sort(key=lambda t: (-t.count, t.keywords))
    return topics
