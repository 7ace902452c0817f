#!/usr/bin/python3
"""Writes a synthetic LLaMA-shaped base and delta for benchmarks, with real torch.save files.

The base is laid out as the public LLaMA conversion did (transformers' convert_llama_weights_to_hf.py, 2023): one
pytorch_model-000NN-of-000MM.bin per layer plus one for embeddings, final norm and LM head, with the per-layer key
order of that script and the rotary inv_freq buffers. The delta is written the way save_pretrained wrote MT-LLaMA's
delta: state_dict order, vocabulary + 1 ([PAD]), split into 10 GB shards. Values are random fp16 (copied from a shared
random pool, so generation is fast); they do not matter for speed. Deterministic.
"""
import argparse
import json
import os
import struct
from collections import OrderedDict

import torch

HIDDEN, INTER, HEADS, VOCAB = 4096, 11008, 32, 32000
TOKENIZER_TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "fixtures", "tiny", "delta", "tokenizer.model")


def pool_tensor(pool, shape, offset):
    n = 1
    for d in shape:
        n *= d
    start = (offset * 7919) % (pool.numel() - n) if pool.numel() > n else 0
    if pool.numel() >= n:
        return pool[start:start + n].clone().view(*shape)
    reps = -(-n // pool.numel())
    return pool.repeat(reps)[:n].clone().view(*shape)


def layer_tensors(i, pool, scale, conversion_order):
    p = f"model.layers.{i}."
    attn = [(p + f"self_attn.{x}_proj.weight", (HIDDEN, HIDDEN)) for x in "qkvo"]
    mlp_gate, mlp_up, mlp_down = (p + "mlp.gate_proj.weight", (INTER, HIDDEN)), (p + "mlp.up_proj.weight", (INTER, HIDDEN)), (p + "mlp.down_proj.weight", (HIDDEN, INTER))
    norms = [(p + "input_layernorm.weight", (HIDDEN,)), (p + "post_attention_layernorm.weight", (HIDDEN,))]
    if conversion_order:
        # convert_llama_weights_to_hf.py: q, k, v, o, gate, down, up, input_layernorm, post_attention_layernorm, inv_freq
        names = attn + [mlp_gate, mlp_down, mlp_up] + norms
    else:
        names = attn + [mlp_gate, mlp_up, mlp_down] + norms
    out = OrderedDict()
    for k, (name, shape) in enumerate(names):
        out[name] = (pool_tensor(pool, shape, i * 31 + k) * scale).half()
    if conversion_order:
        out[p + "self_attn.rotary_emb.inv_freq"] = 1.0 / (10000 ** (torch.arange(0, 128, 2).float() / 128))
    return out


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def write_tokenizer(out, template):
    """tokenizer.model with LLaMA's 32000 pieces: the fixture's real SentencePiece model (byte fallback, specials) plus
    filler pieces, appended as further ModelProto.pieces records (field 1) so no protobuf library is needed."""
    data = bytearray(open(template, "rb").read())
    import sentencepiece as spm
    have = spm.SentencePieceProcessor(model_proto=bytes(data)).get_piece_size()
    for i in range(have, VOCAB):
        piece = ("\u2581w%d" % i).encode()
        sp = b"\x0a" + varint(len(piece)) + piece + b"\x15" + struct.pack("<f", -1000.0 - i)
        data += b"\x0a" + varint(len(sp)) + sp
    assert spm.SentencePieceProcessor(model_proto=bytes(data)).get_piece_size() == VOCAB
    open(os.path.join(out, "tokenizer.model"), "wb").write(data)


def config(vocab, layers):
    return {
        "architectures": ["LlamaForCausalLM"], "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
        "hidden_size": HIDDEN, "intermediate_size": INTER, "initializer_range": 0.02, "max_position_embeddings": 2048,
        "model_type": "llama", "num_attention_heads": HEADS, "num_hidden_layers": layers, "pad_token_id": 0,
        "rms_norm_eps": 1e-06, "tie_word_embeddings": False, "torch_dtype": "float16", "vocab_size": vocab,
    }


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def make_base(out, layers, pool):
    os.makedirs(out, exist_ok=True)
    n = layers + 1
    weight_map, total = {}, 0
    for i in range(layers):
        name = f"pytorch_model-{i + 1:05d}-of-{n:05d}.bin"
        sd = layer_tensors(i, pool, 1.0, conversion_order=True)
        torch.save(sd, os.path.join(out, name))
        for k, v in sd.items():
            weight_map[k] = name
            total += v.numel() * v.element_size()
        del sd
    name = f"pytorch_model-{n:05d}-of-{n:05d}.bin"
    sd = OrderedDict()
    sd["model.embed_tokens.weight"] = pool_tensor(pool, (VOCAB, HIDDEN), 1).half()
    sd["model.norm.weight"] = torch.ones(HIDDEN).half()
    sd["lm_head.weight"] = pool_tensor(pool, (VOCAB, HIDDEN), 2).half()
    torch.save(sd, os.path.join(out, name))
    for k, v in sd.items():
        weight_map[k] = name
        total += v.numel() * v.element_size()
    write_json(os.path.join(out, "pytorch_model.bin.index.json"), {"metadata": {"total_size": total}, "weight_map": weight_map})
    write_json(os.path.join(out, "config.json"), config(VOCAB, layers))


def make_delta(out, layers, pool, shard_bytes):
    os.makedirs(out, exist_ok=True)
    tensors = [("model.embed_tokens.weight", lambda: (pool_tensor(pool, (VOCAB + 1, HIDDEN), 3) * 0.1).half())]
    for i in range(layers):
        tensors.append((f"layer{i}", i))
    tensors.append(("model.norm.weight", lambda: (pool_tensor(pool, (HIDDEN,), 4) * 0.01).half()))
    tensors.append(("lm_head.weight", lambda: (pool_tensor(pool, (VOCAB + 1, HIDDEN), 5) * 0.1).half()))

    def items():
        for name, make in tensors:
            if isinstance(make, int):
                for k, v in layer_tensors(make, pool, 0.1, conversion_order=False).items():
                    yield k, v
            else:
                yield name, make()

    # Group into save_pretrained-style shards, one shard in memory at a time.
    shards, current, size = [], OrderedDict(), 0
    names = []
    tmp_names = []
    for k, v in items():
        b = v.numel() * v.element_size()
        if current and size + b > shard_bytes:
            tmp = os.path.join(out, f"shard-{len(tmp_names)}.tmp")
            torch.save(current, tmp)
            tmp_names.append((tmp, list(current.keys()), size))
            current, size = OrderedDict(), 0
        current[k] = v
        size += b
    if current:
        tmp = os.path.join(out, f"shard-{len(tmp_names)}.tmp")
        torch.save(current, tmp)
        tmp_names.append((tmp, list(current.keys()), size))
    n = len(tmp_names)
    weight_map, total = {}, 0
    for i, (tmp, keys, size) in enumerate(tmp_names):
        name = f"pytorch_model-{i + 1:05d}-of-{n:05d}.bin"
        os.replace(tmp, os.path.join(out, name))
        for k in keys:
            weight_map[k] = name
        total += size
    write_json(os.path.join(out, "pytorch_model.bin.index.json"), {"metadata": {"total_size": total}, "weight_map": weight_map})
    write_json(os.path.join(out, "config.json"), config(VOCAB + 1, layers))
    write_json(os.path.join(out, "added_tokens.json"), {"[PAD]": VOCAB})
    write_tokenizer(out, TOKENIZER_TEMPLATE)


def hf_to_meta_permute(w, n_heads):
    """Inverse of convert_llama_weights_to_hf.py's permute: HF rotary layout back to Meta's interleaved one."""
    dim1, dim2 = w.shape
    return w.view(n_heads, 2, dim1 // n_heads // 2, dim2).transpose(1, 2).reshape(dim1, dim2)


def make_meta(hf_base, out, layers):
    """Meta's original layout of the same base: one consolidated.00.pth in Meta's key order, params.json."""
    os.makedirs(out, exist_ok=True)
    index = json.load(open(os.path.join(hf_base, "pytorch_model.bin.index.json")))
    hf = OrderedDict()
    for f in sorted(set(index["weight_map"].values())):
        hf.update(torch.load(os.path.join(hf_base, f), map_location="cpu"))
    meta = OrderedDict()
    meta["tok_embeddings.weight"] = hf.pop("model.embed_tokens.weight")
    meta["norm.weight"] = hf.pop("model.norm.weight")
    meta["output.weight"] = hf.pop("lm_head.weight")
    names = {"self_attn.q_proj": "attention.wq", "self_attn.k_proj": "attention.wk", "self_attn.v_proj": "attention.wv",
             "self_attn.o_proj": "attention.wo", "mlp.gate_proj": "feed_forward.w1", "mlp.down_proj": "feed_forward.w2",
             "mlp.up_proj": "feed_forward.w3", "input_layernorm": "attention_norm", "post_attention_layernorm": "ffn_norm"}
    for i in range(layers):
        for hf_name, meta_name in names.items():
            w = hf.pop(f"model.layers.{i}.{hf_name}.weight")
            if meta_name in ("attention.wq", "attention.wk"):
                w = hf_to_meta_permute(w, HEADS).clone()
            meta[f"layers.{i}.{meta_name}.weight"] = w
        hf.pop(f"model.layers.{i}.self_attn.rotary_emb.inv_freq", None)
    meta["rope.freqs"] = 1.0 / (10000 ** (torch.arange(0, 128, 2).float() / 128))
    torch.save(meta, os.path.join(out, "consolidated.00.pth"))
    with open(os.path.join(out, "params.json"), "w") as f:
        json.dump({"dim": HIDDEN, "multiple_of": 256, "n_heads": HEADS, "n_layers": layers, "norm_eps": 1e-06, "vocab_size": -1}, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=32)
    ap.add_argument("--delta-shard-bytes", type=int, default=10_000_000_000)
    ap.add_argument("--meta-only", action="store_true", help="only write meta/ from an existing base/")
    ap.add_argument("--tokenizer-only", action="store_true", help="only (re)write delta/tokenizer.model")
    ap.add_argument("--base-only", action="store_true", help="only write base/ (with a tokenizer.model): a model to run, not to merge")
    a = ap.parse_args()
    if a.tokenizer_only:
        write_tokenizer(os.path.join(a.out, "delta"), TOKENIZER_TEMPLATE)
        return
    if a.meta_only:
        make_meta(os.path.join(a.out, "base"), os.path.join(a.out, "meta"), a.layers)
        return
    torch.manual_seed(0)
    pool = torch.randn(1 << 26) * 0.02
    make_base(os.path.join(a.out, "base"), a.layers, pool)
    if a.base_only:
        write_tokenizer(os.path.join(a.out, "base"), TOKENIZER_TEMPLATE)
        return
    make_delta(os.path.join(a.out, "delta"), a.layers, pool, a.delta_shard_bytes)


if __name__ == "__main__":
    main()
