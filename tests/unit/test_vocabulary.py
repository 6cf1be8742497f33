"""Unit tests for explorer.core.vocabulary: the compact word list behaves like a tuple plus a dict."""
import random

import pytest

from explorer.core.vocabulary import Vocabulary


def test_rows_and_lookups_match_a_tuple_and_a_dict():
    """Check indexing, slicing, iteration and word -> row agree with tuple/dict on 20,000 odd words."""
    rng = random.Random(0)
    alphabet = "abcxyzé日本\u200d🐸<>&'\"\n "
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(20_000)]
    vocab, as_dict = Vocabulary(words), {w: i for i, w in enumerate(words)}  # a dict keeps the last row
    assert len(vocab) == len(words) and list(vocab) == words
    assert vocab[0] == words[0] and vocab[-1] == words[-1] and vocab[5:50:7] == words[5:50:7]
    assert all(vocab.index[w] == r for w, r in as_dict.items())
    assert len(vocab.index) == len(words)
    # per word: an int64 offset, an int32 row and an int64 hash; plus the text and one last offset
    assert vocab.nbytes == 20 * len(words) + 8 + sum(len(w.encode()) for w in words)


def test_unknown_words_and_bad_rows_fail_like_a_dict_and_a_tuple():
    """Check a missing word is a KeyError / not contained, a non-string is never found, a bad row is an IndexError."""
    vocab = Vocabulary(["king", "queen", "king"])
    assert vocab.index["king"] == 2 and "queen" in vocab.index
    assert "prince" not in vocab.index and 3 not in vocab.index and vocab.row(None) is None
    with pytest.raises(KeyError):
        vocab.index["prince"]
    with pytest.raises(IndexError):
        vocab[3]
    with pytest.raises(IndexError):
        vocab[-4]
