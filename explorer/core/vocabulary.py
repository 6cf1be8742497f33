"""A large read-only word list kept as two arrays, with an exact word -> row lookup.

GloVe's 400,000 words as a tuple of Python strings plus a dict index took about
70 MB of the shared server's heap; as UTF-8 bytes, offsets and a sorted hash
table they take about 11 MB, and a lookup is two binary searches.

Example:
    >>> vocab = Vocabulary(["the", "frog", "toad"])
    >>> vocab[1], vocab.index["toad"], "newt" in vocab.index
    ('frog', 2, False)
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

import numpy as np


class Vocabulary(Sequence):
    """Words by row (`vocab[i]`, slices, iteration) and `vocab.index`, a word -> row mapping."""

    def __init__(self, words: Iterable[str]):
        words = [str(w) for w in words]
        encoded = [w.encode("utf-8") for w in words]
        n = len(encoded)
        self._offsets = np.zeros(n + 1, np.int64)
        np.cumsum(np.fromiter(map(len, encoded), np.int64, n), out=self._offsets[1:])
        self._blob = b"".join(encoded)
        # Python's str hash: randomised per process, and this table lives in one process.
        hashes = np.fromiter(map(hash, words), np.int64, n)
        self._order = np.argsort(hashes, kind="stable").astype(np.int32)  # rows by hash, equal hashes by row
        self._hashes = hashes[self._order]
        self.index = _WordIndex(self)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @property
    def nbytes(self) -> int:
        """Bytes held: the UTF-8 text, the offsets and the hash table."""
        return len(self._blob) + self._offsets.nbytes + self._order.nbytes + self._hashes.nbytes

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._word(r) for r in range(*i.indices(len(self)))]
        r = int(i)
        if r < 0:
            r += len(self)
        if not 0 <= r < len(self):
            raise IndexError(f"row {i} outside a vocabulary of {len(self):,} words")
        return self._word(r)

    def __iter__(self) -> Iterator[str]:
        return (self._word(r) for r in range(len(self)))

    def _word(self, r: int) -> str:
        return self._blob[self._offsets[r]:self._offsets[r + 1]].decode("utf-8")

    def row(self, word: str) -> int | None:
        """The row of `word` (the last one if it occurs twice, like a dict), or None."""
        if not isinstance(word, str):
            return None
        h = hash(word)
        lo, hi = np.searchsorted(self._hashes, h, "left"), np.searchsorted(self._hashes, h, "right")
        found = [int(r) for r in self._order[lo:hi] if self._word(int(r)) == word]
        return found[-1] if found else None


class _WordIndex(Mapping):
    """Read-only word -> row view of a Vocabulary (what a dict index offered)."""

    def __init__(self, vocab: Vocabulary):
        self._vocab = vocab

    def __getitem__(self, word: str) -> int:
        row = self._vocab.row(word)
        if row is None:
            raise KeyError(word)
        return row

    def __contains__(self, word: object) -> bool:
        return self._vocab.row(word) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._vocab)

    def __len__(self) -> int:
        return len(self._vocab)
