"""Tiny random-initialised models of every family, built offline from transformers' config classes.

Each model has 2 layers, 4 query heads of 8 dimensions and a 64-token vocabulary,
with eager attention and a large initializer range so attention rows are peaked
(near-uniform rows would hide a wrong position encoding). Each family gets a
small word-level fast tokenizer with its own special-token template.

Example:
    >>> model, tok = build("gpt2")
    >>> tok("the cat sat")["input_ids"]
    [16, 17, 18]
"""
from __future__ import annotations

import functools

import torch
import transformers as tf
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

SPECIALS = ["<pad>", "<s>", "</s>", "<unk>", "[CLS]", "[SEP]", "[MASK]"]
WORDS = ("the cat sat on mat because it was comfortable tired . , bank river money she went to for "
         "i by water fish loan a of dog ran and big small red blue green he they we you hello world "
         "one two three").split()
VOCAB = 64
SMALL = dict(vocab_size=VOCAB, pad_token_id=0, bos_token_id=1, eos_token_id=2, attn_implementation="eager")
ROPE = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, max_position_embeddings=64, initializer_range=0.5, **SMALL)

# family key -> (config class, config kwargs, model class, tokenizer template)
SPECS = {
    "gpt2": (tf.GPT2Config, dict(n_embd=32, n_layer=2, n_head=4, n_positions=64, initializer_range=0.5,
                                  **SMALL), tf.GPT2LMHeadModel, ""),
    "gpt_neox": (tf.GPTNeoXConfig, dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                        num_attention_heads=4, max_position_embeddings=64, rotary_pct=0.5,
                                        initializer_range=0.5, **SMALL), tf.GPTNeoXForCausalLM, ""),
    "llama": (tf.LlamaConfig, ROPE, tf.LlamaForCausalLM, "<s>"),
    "mistral": (tf.MistralConfig, dict(ROPE, sliding_window=3), tf.MistralForCausalLM, "<s>"),
    "qwen2": (tf.Qwen2Config, ROPE, tf.Qwen2ForCausalLM, ""),
    "qwen3": (tf.Qwen3Config, dict(ROPE, head_dim=8), tf.Qwen3ForCausalLM, ""),
    "gemma2": (tf.Gemma2Config, dict(ROPE, head_dim=8, query_pre_attn_scalar=12, attn_logit_softcapping=3.0,
                                     sliding_window=3), tf.Gemma2ForCausalLM, "<s>"),
    "gemma3": (tf.Gemma3TextConfig, dict(ROPE, head_dim=8, query_pre_attn_scalar=12, sliding_window=3,
                                         sliding_window_pattern=2), tf.Gemma3ForCausalLM, "<s>"),
    "phi3": (tf.Phi3Config, dict(ROPE, partial_rotary_factor=0.5, sliding_window=4), tf.Phi3ForCausalLM, "<s>"),
    "bloom": (tf.BloomConfig, dict(hidden_size=32, n_layer=2, n_head=4, initializer_range=0.5, **SMALL),
              tf.BloomForCausalLM, ""),
    "bert": (tf.BertConfig, dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
                                 max_position_embeddings=64, initializer_range=0.5, **SMALL), tf.BertModel, "bert"),
    "roberta": (tf.RobertaConfig, dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                                       intermediate_size=64, max_position_embeddings=72, initializer_range=0.5,
                                       **SMALL), tf.RobertaModel, "roberta"),
    "distilbert": (tf.DistilBertConfig, dict(dim=32, n_layers=2, n_heads=4, hidden_dim=64, max_position_embeddings=64,
                                             initializer_range=0.5, **SMALL), tf.DistilBertModel, "bert"),
    "t5": (tf.T5Config, dict(d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4, relative_attention_num_buckets=8,
                             relative_attention_max_distance=16, initializer_factor=2.0, decoder_start_token_id=0,
                             **SMALL), tf.T5ForConditionalGeneration, "t5"),
    "bart": (tf.BartConfig, dict(d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4,
                                 decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64,
                                 max_position_embeddings=64, init_std=0.5, decoder_start_token_id=2, **SMALL),
             tf.BartForConditionalGeneration, "roberta"),
}
KEYS = tuple(SPECS)


def tiny_tokenizer(template: str) -> tf.PreTrainedTokenizerFast:
    """A lowercasing word-level fast tokenizer; template: '', '<s>', 'bert', 'roberta' or 't5'."""
    vocab = {w: i for i, w in enumerate(SPECIALS + WORDS)}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.normalizer = normalizers.Lowercase()
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    single, pair = {"": ("$A", "$A $B"), "<s>": ("<s> $A", "<s> $A $B"), "t5": ("$A </s>", "$A </s> $B </s>"),
                    "bert": ("[CLS] $A [SEP]", "[CLS] $A [SEP] $B [SEP]"),
                    "roberta": ("<s> $A </s>", "<s> $A </s> </s> $B </s>")}[template]
    backend.post_processor = processors.TemplateProcessing(
        single=single, pair=pair, special_tokens=[(s, vocab[s]) for s in SPECIALS[:7]])
    tok = tf.PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="<pad>", bos_token="<s>",
                                     eos_token="</s>", unk_token="<unk>", cls_token="[CLS]", sep_token="[SEP]",
                                     mask_token="[MASK]")
    return tok


@functools.cache
def build(key: str) -> tuple[torch.nn.Module, tf.PreTrainedTokenizerFast]:
    """(model in eval mode, tokenizer) for one family key, the same objects on every call."""
    config_cls, kwargs, model_cls, template = SPECS[key]
    config = config_cls(**kwargs)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = model_cls(config).eval()
    return model, tiny_tokenizer(template)
