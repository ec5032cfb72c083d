"""Chinese text for routing, similarity and topics: jieba segmentation with the congress's
user dictionary of local place and unit names (nothing is downloaded; jieba ships its
dictionary)."""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterable

with warnings.catch_warnings():
    # jieba 0.42 has regular expressions in plain strings; Python 3.12 warns when compiling them
    warnings.simplefilter("ignore", SyntaxWarning)
    import jieba

jieba.setLogLevel(logging.WARNING)

_SPLIT = re.compile(r"[\s,，、;；]+")
_KEEP = re.compile(r"[\w\u4e00-\u9fff]")
_lock = threading.Lock()
_base: jieba.Tokenizer | None = None
_cache: OrderedDict[tuple[str, ...], jieba.Tokenizer] = OrderedDict()
_CACHE_SIZE = 8

# Words that say nothing about who should handle a text or what it is about.
STOPWORDS = frozenset(
    "的 了 和 是 在 我 有 也 就 都 而 及 与 着 或 一个 没有 我们 你们 他们 这个 那个 这些 那些 "
    "因为 所以 但是 如果 已经 还是 可以 非常 希望 请问 您好 你好 谢谢 感谢 领导 问题 情况 相关 "
    "部门 进行 一些 什么 怎么 为什么 能否 是否 现在 目前 今年 去年 很多 这样 那么 以及 对于 "
    "关于 建议 要求 反映 请求 尽快 给予 能够 由于 自己 大家 一下 一直 还有 其中 出现 存在 "
    "严重 这里 那里 这种 之后 之前 以后 以前 时候 时间 不是 不能 不会 不要 需要 应该 没 不 "
    "很 又 把 被 让 给 到 从 对 向 为 以 于 将 其 该 此 这 那 之 等 啊 吗 呢 吧".split())


def split_words(value: str) -> list[str]:
    """Keywords or dictionary words typed by staff: separated by spaces, commas or lines."""
    seen: list[str] = []
    for w in _SPLIT.split(value or ""):
        w = w.strip()
        if w and w not in seen:
            seen.append(w[:40])
    return seen


def _base_tokenizer() -> jieba.Tokenizer:
    global _base
    if _base is None:
        t = jieba.Tokenizer()
        t.initialize()
        _base = t
    return _base


def tokenizer(words: Iterable[str] = ()) -> jieba.Tokenizer:
    """A jieba tokenizer that knows ``words`` (kept apart per dictionary so one congress's
    names never change another's segmentation)."""
    key = tuple(sorted(set(words)))
    with _lock:
        base = _base_tokenizer()
        if not key:
            return base
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        t = jieba.Tokenizer()
        t.FREQ = dict(base.FREQ)
        t.total = base.total
        t.initialized = True
        for w in key:
            t.add_word(w, freq=max(t.suggest_freq(w, tune=False), 1000))
        _cache[key] = t
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return t


class Tokenize:
    """A picklable tokenizer for scikit-learn vectorizers: the dictionary words travel
    with the model, so a model always segments the way it was trained."""

    def __init__(self, words: Iterable[str] = (), min_len: int = 1) -> None:
        self.words = tuple(sorted(set(words)))
        self.min_len = min_len

    def __call__(self, text: str) -> list[str]:
        return [w for w in tokenizer(self.words).lcut(text)
                if len(w) >= self.min_len and w not in STOPWORDS and _KEEP.search(w)]


def congress_words(congress_id: int) -> list[str]:
    """The congress's user dictionary plus the names of its handling units."""
    from renda.core.models import Organization

    from .models import DictWord

    words = set(DictWord.objects.filter(congress_id=congress_id).values_list("word", flat=True))
    words |= set(Organization.objects.filter(congress_id=congress_id).values_list("name", flat=True))
    return sorted(w for w in words if w)
