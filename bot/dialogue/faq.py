"""FAQ search: BM25 over jieba tokens of the counselors' questions and keywords.

Entries are passed in (FaqEntry rows or FaqRecord values); nothing is read from storage here. jieba's
dictionary is loaded once per process, quietly, into a tokenizer of our own (with the words of this domain
added), so that other users of jieba's global tokenizer are left alone.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.dialogue.normalize import normalize

DEFAULT_THRESHOLD = 1.0
# Words of this domain jieba would otherwise cut apart ("三方", "协议" are both useful, "三方协议" more so).
DOMAIN_WORDS = (
    "三方协议", "就业协议", "报到证", "求职补贴", "求职创业补贴", "创业补贴", "五险一金", "专升本", "违约金",
    "就业推荐表", "推荐表", "灵活就业", "应征入伍", "三支一扶", "西部计划", "选调生", "考研", "考公", "事业编",
    "档案", "户口", "派遣", "改派", "就业证明", "毕业证", "学位证", "公积金", "社保", "见习", "入职体检", "政审",
    "生源地",
)  # fmt: skip
_STOPWORDS = frozenset(
    (
        "的", "了", "吗", "呢", "吧", "啊", "呀", "么", "嘛", "是", "我", "你", "他", "她", "它", "们", "这", "那",
        "在", "有", "和", "与", "及", "或", "就", "都", "也", "还", "要", "会", "能", "可以", "怎么", "怎样",
        "如何", "什么", "啥", "哪", "哪里", "哪儿", "多少", "请问", "想", "问", "一下", "问下", "老师", "同学",
        "需要", "办", "弄", "去", "到", "给", "把", "被", "让", "请", "能否", "可不可以", "一般", "现在", "应该",
        "时候", "什么时候", "没有", "不", "吗?", "?", "!", ",", ".", "。", "、",
    )
)  # fmt: skip
_TOKEN_OK = re.compile(r"[\u4e00-\u9fffa-z0-9]")

_lock = threading.Lock()
_tokenizer: Any = None


def _jieba() -> Any:
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba  # imported lazily: loading its dictionary takes about a second

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            for word in DOMAIN_WORDS:
                tokenizer.add_word(word, freq=20000)
            _tokenizer = tokenizer
        return _tokenizer


def tokens(text: str) -> list[str]:
    """Search tokens of `text`: normalised, cut by jieba (search mode), without stop words."""
    norm = normalize(text).text
    return [t for t in _jieba().lcut_for_search(norm) if t not in _STOPWORDS and _TOKEN_OK.search(t)]


class FaqLike(Protocol):
    @property
    def question(self) -> str: ...

    @property
    def answer(self) -> str: ...

    @property
    def keywords(self) -> str | Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class FaqRecord:
    question: str
    answer: str
    keywords: str | Sequence[str] = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class FaqHit:
    entry: FaqLike
    score: float


def _keywords(entry: FaqLike) -> str:
    words = entry.keywords
    if isinstance(words, str):
        return " ".join(re.split(r"[,，、;；\s]+", words))
    return " ".join(words)


def _bm25(docs: list[list[str]]) -> Any:
    """Okapi BM25 with Lucene's idf, log(1 + (N - n + 0.5) / (n + 0.5)).

    rank_bm25's own idf is 0 for a word in half the entries and floors negative ones at a fraction of the
    average, so a school's first FAQ of two or three entries would never match anything; Lucene's idf stays
    positive and ranks large FAQs the same way.
    """
    from rank_bm25 import BM25Okapi

    class _LuceneIdf(BM25Okapi):  # type: ignore[misc]
        def _calc_idf(self, nd: dict[str, int]) -> None:
            for word, freq in nd.items():
                self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))

    return _LuceneIdf(docs)


class FaqIndex:
    """BM25 over the entries' questions and keywords; `search` returns nothing below `threshold`."""

    def __init__(self, entries: Iterable[FaqLike], *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.entries: tuple[FaqLike, ...] = tuple(entries)
        self.threshold = threshold
        # Keywords count twice: counselors write them to say what an entry is about.
        self._docs = [tokens(f"{e.question} {_keywords(e)} {_keywords(e)}") for e in self.entries]
        self._vocab = [set(doc) for doc in self._docs]
        self._bm25 = _bm25(self._docs) if any(self._docs) else None

    def search(self, query: str, limit: int = 3) -> list[FaqHit]:
        """The best entries for `query`, best first, each scoring at least the threshold."""
        words = tokens(query)
        if self._bm25 is None or not words:
            return []
        scores = self._bm25.get_scores(words)
        ranked = sorted(range(len(self.entries)), key=lambda i: -float(scores[i]))
        hits: list[FaqHit] = []
        for i in ranked[:limit]:
            score = float(scores[i])
            # A score only from words every entry shares is no match, however BM25 floors their weight.
            if score >= self.threshold and any(w in self._vocab[i] for w in words):
                hits.append(FaqHit(self.entries[i], round(score, 3)))
        return hits


class FaqIndexCache:
    """Indexes by college, each valid while the signature of its set of entries (count, newest id, last edit) stays
    the same: tokenising every entry per message would cost more than the rest of a turn."""

    def __init__(self) -> None:
        self._indexes: dict[int | None, tuple[tuple[Any, ...], FaqIndex]] = {}
        self._lock = threading.Lock()

    def get(self, college_id: int | None, signature: tuple[Any, ...]) -> FaqIndex | None:
        cached = self._indexes.get(college_id)
        return cached[1] if cached is not None and cached[0] == signature else None

    def put(self, college_id: int | None, signature: tuple[Any, ...], index: FaqIndex) -> None:
        with self._lock:
            self._indexes[college_id] = (signature, index)
