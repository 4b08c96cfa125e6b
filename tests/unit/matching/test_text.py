"""Character-bigram TF-IDF: what counts as a term, and similarity as a cosine."""

from __future__ import annotations

import numpy as np

from bot.matching.reference import bigrams
from bot.matching.text import TextModel, bigram_pairs


def test_bigrams_of_chinese_and_latin_letters_only_within_words() -> None:
    docs, terms = bigram_pairs(["Java开发", "护士 5000元"])
    decoded = [(int(d), chr(int(t) >> 21) + chr(int(t) & ((1 << 21) - 1))) for d, t in zip(docs, terms, strict=True)]
    assert decoded == [(0, "ja"), (0, "av"), (0, "va"), (0, "a开"), (0, "开发"), (1, "护士")]


def test_vectorised_bigrams_agree_with_the_plain_reference() -> None:
    text = "招聘Java开发工程师，熟悉MySQL、Linux；五险一金"
    _, terms = bigram_pairs([text])
    assert sorted(terms.tolist()) == sorted(t for t, n in bigrams(text).items() for _ in range(n))


def test_similarity_is_a_cosine_and_common_words_weigh_less() -> None:
    postings = ["护士 病房护理 负责", "护士 门诊护理 负责", "软件开发 Java 负责", "会计 出纳 负责"] * 10
    model = TextModel.build(postings)
    assert not model.vectors(["负责"]).nnz  # in every posting: no weight at all
    p = model.vectors(postings[:4])
    q = model.vectors(["护士", "Java开发", "厨师"])
    sims = (q @ p.T).toarray()
    assert np.allclose(np.asarray(p.multiply(p).sum(axis=1)).ravel(), 1.0, atol=1e-5)
    assert sims[0, 0] > 0 and sims[0, 2] == 0
    assert sims[1, 2] > sims[1, 0]
    assert not sims[2].any()  # no shared bigram, no similarity


def test_empty_texts_give_empty_rows() -> None:
    model = TextModel.build(["护士"])
    assert model.vectors(["", "。。。"]).nnz == 0
