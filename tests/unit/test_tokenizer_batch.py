"""Unit tests for explorer.tokenizers.batch: padding, truncation and the attention mask."""
import numpy as np
import pytest

from explorer.core import models
from explorer.tokenizers import figures as figs
from explorer.tokenizers.adapters import adapt
from explorer.tokenizers.batch import BatchConfig, make_batch, split_lines
from explorer.tokenizers.presets import NOTES_BATCH


@pytest.fixture(scope="module")
def bert():
    """MiniLM's uncased BERT WordPiece tokenizer in its adapter."""
    return adapt("bert", models.load_tokenizer("bert").obj, "BERT")


@pytest.fixture(scope="module")
def gpt2():
    """GPT-2's tiktoken encoding in its adapter."""
    return adapt("gpt2", models.load_tokenizer("gpt2").obj, "GPT-2")


def test_notes_batch_worked_by_hand(bert):
    """Check the notes' three sentences: lengths 6, 8, 6 -> two [PAD]=0 on rows 0 and 2."""
    # [CLS] bert is great . [SEP]                 -> 6 tokens
    # [CLS] transformers excel in nl ##p . [SEP]  -> 8 tokens (the longest)
    # [CLS] token ##ization matters . [SEP]       -> 6 tokens
    b = make_batch(bert, list(NOTES_BATCH), BatchConfig())
    assert b.input_ids.tolist() == [
        [101, 14324, 2003, 2307, 1012, 102, 0, 0],
        [101, 19081, 24970, 1999, 17953, 2361, 1012, 102],
        [101, 19204, 3989, 5609, 1012, 102, 0, 0]]
    assert b.attention_mask.tolist() == [[1, 1, 1, 1, 1, 1, 0, 0], [1] * 8, [1, 1, 1, 1, 1, 1, 0, 0]]
    assert b.is_pad.sum() == 4 and b.pad_id == 0 and b.pad_token == "[PAD]"
    assert b.pieces[2][:3] == ("[CLS]", "token", "##ization")
    assert b.lengths.tolist() == [6, 8, 6] and not b.ragged


@pytest.mark.parametrize("config", [
    BatchConfig(), BatchConfig(side="left"),
    BatchConfig(padding="max_length", max_length=10),
    BatchConfig(padding="max_length", max_length=5, truncation=True),
    BatchConfig(padding="longest", max_length=4, truncation=True, side="left"),
])
def test_parity_with_hugging_face_batching(bert, config):
    """Check input_ids and attention_mask equal BERT's own tokenizer(...) for the same options."""
    ref = bert.obj(list(NOTES_BATCH), padding=config.padding, max_length=config.max_length,
                   truncation=config.truncation, padding_side=config.side)
    b = make_batch(bert, list(NOTES_BATCH), config)
    assert b.input_ids.tolist() == ref["input_ids"]
    assert b.attention_mask.tolist() == ref["attention_mask"]


def test_truncation_keeps_added_special_tokens(bert):
    """Check truncating to 4 keeps [CLS] and [SEP] and counts the dropped text tokens."""
    b = make_batch(bert, list(NOTES_BATCH), BatchConfig(max_length=4, truncation=True))
    assert (b.input_ids[:, 0] == 101).all() and (b.input_ids[:, -1] == 102).all()
    assert b.truncated.tolist() == [2, 4, 2]


def test_tiktoken_batch_pads_with_end_of_text_on_the_left(gpt2):
    """Check GPT-2 (no pad token) pads with 50256 on the left, stated, mask 0 there."""
    b = make_batch(gpt2, ["Hi", "Hello there friend"], BatchConfig(side="left"))
    assert b.pad_id == 50256 and "no pad token" in b.pad_note
    assert b.input_ids[0].tolist() == [50256, 50256, 17250]
    assert b.attention_mask.tolist() == [[0, 0, 1], [1, 1, 1]]
    assert not b.is_added.any()


def test_no_padding_gives_a_ragged_batch(gpt2):
    """Check padding='none' leaves short rows ragged (-1 cells, mask 0) and says so."""
    b = make_batch(gpt2, ["Hi", "Hello there"], BatchConfig(padding="none"))
    assert b.ragged and b.input_ids[0].tolist() == [17250, -1]
    assert b.attention_mask[0].tolist() == [1, 0] and not b.is_pad.any()


def test_as_lists_stop_ragged_rows_at_their_end(gpt2):
    """Check the Python-list form keeps pads but leaves out a ragged row's empty cells, ids and mask alike."""
    ragged = make_batch(gpt2, ["Hi", "Hello there"], BatchConfig(padding="none"))
    ids, mask = ragged.as_lists()
    assert ids[0] == [17250] and mask == [[1], [1, 1]] and len(ids[1]) == 2
    padded = make_batch(gpt2, ["Hi", "Hello there"], BatchConfig())
    assert padded.as_lists() == (padded.input_ids.tolist(), padded.attention_mask.tolist())


def test_batch_config_and_input_validation(gpt2):
    """Check bad options and empty or oversized batches raise ValueError with the rule."""
    for bad in (dict(padding="max"), dict(side="middle"), dict(max_length=0)):
        with pytest.raises(ValueError):
            BatchConfig(**bad)
    with pytest.raises(ValueError, match="at least one"):
        make_batch(gpt2, [], BatchConfig())
    with pytest.raises(ValueError, match="at most 16"):
        make_batch(gpt2, ["x"] * 17, BatchConfig())
    assert split_lines("a\n\n  \nb\r\n") == ["a", "b"]


def test_mask_sums_equal_lengths(gpt2):
    """Check each row's attention_mask sums to its token count before padding."""
    b = make_batch(gpt2, ["one", "two words", "three words here"], BatchConfig(padding="max_length", max_length=6))
    assert b.input_ids.shape == (3, 6)
    assert np.array_equal(b.attention_mask.sum(axis=1), b.lengths)


def test_typed_control_tokens_and_refused_rows(bert, gpt2):
    """Check a typed [SEP] is marked in BERT's batch, and GPT-2 lists the rows tiktoken refuses."""
    b = make_batch(bert, ["a [SEP] b", "plain"], BatchConfig())
    assert b.input_ids[0].tolist()[:5] == [101, 1037, 102, 1038, 102] and b.is_typed[0].tolist()[:5] == [
        False, False, True, False, False]
    plain = make_batch(bert, ["a [SEP] b", "plain"], BatchConfig(control="text"))
    assert not plain.is_typed.any() and 102 not in plain.input_ids[0, 1:-1].tolist()
    g = make_batch(gpt2, ["fine", "a <|endoftext|> b"], BatchConfig())
    assert g.refused == (1,) and "refuses" in g.refusal and 50256 not in g.input_ids[1].tolist()
    assert make_batch(gpt2, ["fine", "x"], BatchConfig()).refused == ()
    grid = figs.batch_grid(b)
    assert grid.data[0].z[0][2] == figs.CONTROL and grid.data[0].z[0][0] == figs.ADDED


def test_work_is_bounded_with_clear_messages(gpt2):
    """Check a line over the row limit, too many characters in all, and a bad mode are refused by name."""
    with pytest.raises(ValueError, match="at most 4,096 per row"):
        make_batch(gpt2, ["🤖" * 2_000, "short"], BatchConfig())  # 6,000 byte tokens in one line
    cut = make_batch(gpt2, ["🤖" * 2_000, "short"], BatchConfig(truncation=True, max_length=4_096))
    assert cut.input_ids.shape == (2, 4_096) and cut.truncated.tolist() == [6_000 - 4_096, 0]
    with pytest.raises(ValueError, match="20,000 characters"):
        make_batch(gpt2, ["x" * 15_000, "y" * 15_000], BatchConfig())
    with pytest.raises(ValueError, match="control"):
        BatchConfig(control="sometimes")
    assert len(figs.batch_grid(cut).data[0].z[0]) == figs.GRID_POSITIONS
