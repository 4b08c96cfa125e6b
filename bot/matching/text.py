"""Chinese text as sparse TF-IDF vectors of character bigrams.

Bigrams need no dictionary (job titles and skills are full of words jieba does not know: "Java开发", "PLC") and
are built with numpy over the code points of all texts at once, so 20,000 posting descriptions take a fraction
of a second. Similarity is one sparse matrix product per block of graduates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

_SHIFT = np.int64(21)  # code points fit in 21 bits
_DOC_SHIFT = np.int64(42)
_TERM_MASK = np.int64((1 << 42) - 1)
# A bigram present in nearly every posting ("负责", "工作") tells nothing and only costs time.
MAX_DF = 0.8


def _is_word(cps: np.ndarray) -> np.ndarray:
    cjk = (cps >= 0x4E00) & (cps <= 0x9FFF)
    latin = (cps >= 97) & (cps <= 122)
    return cjk | latin


def bigram_pairs(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(document index, bigram code) of every bigram of every text, in one pass over the joined code points."""
    if not texts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    joined = "\x00".join(t.replace("\x00", " ") for t in texts)
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    upper = (cps >= 65) & (cps <= 90)
    cps = np.where(upper, cps + 32, cps)
    doc = np.cumsum(cps == 0)
    word = _is_word(cps)
    ok = word[:-1] & word[1:]
    first = np.flatnonzero(ok)
    terms = (cps[first] << _SHIFT) | cps[first + 1]
    return doc[first], terms


def _counts(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    docs, terms = bigram_pairs(texts)
    keys, counts = np.unique((docs << _DOC_SHIFT) | terms, return_counts=True)
    return keys >> _DOC_SHIFT, keys & _TERM_MASK, counts


@dataclass(frozen=True)
class TextModel:
    """Vocabulary (sorted bigram codes) and IDF learnt from the postings."""

    vocab: np.ndarray
    idf: np.ndarray  # float32, 0 for bigrams too common to matter

    @classmethod
    def build(cls, posting_texts: Sequence[str], other_texts: Sequence[str] = ()) -> TextModel:
        """IDF from postings; the vocabulary also holds the graduates' words so later postings can meet them."""
        p_docs, p_terms, _ = _counts(posting_texts)
        _, o_terms, _ = _counts(other_texts)
        vocab = np.unique(np.concatenate([p_terms, o_terms]))
        df = np.bincount(np.searchsorted(vocab, p_terms), minlength=len(vocab)).astype(np.float64)
        n = max(len(posting_texts), 1)
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        if n >= 20:
            idf[df > MAX_DF * n] = 0.0
        del p_docs
        return cls(vocab=vocab, idf=idf.astype(np.float32))

    @property
    def size(self) -> int:
        return len(self.vocab)

    def raw(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Sub-linear TF times IDF, not normalised (so weighted sums of fields can be normalised once)."""
        docs, terms, counts = _counts(texts)
        cols = np.searchsorted(self.vocab, terms)
        cols = np.minimum(cols, max(self.size - 1, 0))
        known = (self.vocab[cols] == terms) if self.size else np.zeros(len(terms), bool)
        docs, cols, counts = docs[known], cols[known], counts[known]
        vals = (1.0 + np.log(counts)).astype(np.float32) * self.idf[cols]
        m = sp.csr_matrix((vals, (docs, cols)), shape=(len(texts), max(self.size, 1)), dtype=np.float32)
        m.eliminate_zeros()
        return m

    def vectors(self, texts: Sequence[str]) -> sp.csr_matrix:
        return normalise_rows(self.raw(texts))


def normalise_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit length (empty rows stay empty), so a dot product is a cosine."""
    m = sp.csr_matrix(m, dtype=np.float32)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sp.csr_matrix(sp.diags(scale.astype(np.float32)) @ m, dtype=np.float32)
