#!/usr/bin/python3
"""Hugging Face-style LLaMA inference in plain PyTorch (Debian's torch 1.13, no transformers), for scripts/bench/runtime.

Loads a merged safetensors model (fp16 on disk) into bfloat16 (torch 1.13 has no fp16 matmul on the CPU and a 7B
model does not fit in 24 GB as float32), runs the prompt (prefill) and greedy-decodes with a KV cache, the way
LlamaForCausalLM.generate does. Prints one JSON object with the timings.
"""
import json
import os
import struct
import sys
import time

import torch

DT = {"F16": torch.float16, "BF16": torch.bfloat16, "F32": torch.float32}


def load(model_dir, dtype):
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    index = os.path.join(model_dir, "model.safetensors.index.json")
    files = sorted(set(json.load(open(index))["weight_map"].values())) if os.path.exists(index) else ["model.safetensors"]
    w = {}
    for f in files:
        path = os.path.join(model_dir, f)
        with open(path, "rb") as fh:
            n = struct.unpack("<Q", fh.read(8))[0]
            header = json.loads(fh.read(n))
            base = 8 + n
            for name, e in header.items():
                if name == "__metadata__":
                    continue
                a, b = e["data_offsets"]
                fh.seek(base + a)
                t = torch.frombuffer(bytearray(fh.read(b - a)), dtype=DT[e["dtype"]]).reshape(e["shape"])
                w[name] = t.to(dtype)
    return cfg, w


def rms(x, weight, eps):
    xf = x.float()
    return (weight.float() * (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps))).to(x.dtype)


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def forward(cfg, w, ids, cache, start):
    H, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    kvh = cfg.get("num_key_value_heads", nh)
    hd = H // nh
    eps = cfg["rms_norm_eps"]
    theta = cfg.get("rope_theta", 10000.0)
    T = len(ids)
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]
    pos = torch.arange(start, start + T, dtype=torch.float32)
    inv = 1.0 / (theta ** (torch.arange(0, hd, 2).float() / hd))
    ang = torch.cat([pos[:, None] * inv[None, :]] * 2, dim=-1)
    cos, sin = ang.cos().to(x.dtype), ang.sin().to(x.dtype)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms(x, w[p + "input_layernorm.weight"], eps)
        q = (h @ w[p + "self_attn.q_proj.weight"].T).view(T, nh, hd).transpose(0, 1)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).view(T, kvh, hd).transpose(0, 1)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).view(T, kvh, hd).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if i in cache:
            k = torch.cat([cache[i][0], k], dim=1)
            v = torch.cat([cache[i][1], v], dim=1)
        cache[i] = (k, v)
        if kvh != nh:
            k = k.repeat_interleave(nh // kvh, dim=0)
            v = v.repeat_interleave(nh // kvh, dim=0)
        att = (q @ k.transpose(1, 2)).float() / (hd ** 0.5)
        S = k.shape[1]
        mask = torch.full((T, S), float("-inf")).triu(S - T + 1)
        att = torch.softmax(att + mask, dim=-1).to(x.dtype)
        o = (att @ v).transpose(0, 1).reshape(T, H)
        x = x + o @ w[p + "self_attn.o_proj.weight"].T
        h = rms(x, w[p + "post_attention_layernorm.weight"], eps)
        g = h @ w[p + "mlp.gate_proj.weight"].T
        u = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(g) * u) @ w[p + "mlp.down_proj.weight"].T
    x = rms(x, w["model.norm.weight"], eps)
    return (x[-1:] @ w["lm_head.weight"].T).float()


def main(model_dir, ids_file, new_tokens, threads):
    torch.set_num_threads(threads)
    t = time.time()
    cfg, w = load(model_dir, torch.bfloat16)
    load_s = time.time() - t
    ids = json.load(open(ids_file))
    cache = {}
    with torch.no_grad():
        t0 = time.time()
        logits = forward(cfg, w, ids, cache, 0)
        t1 = time.time()
        out = [int(logits.argmax())]
        for step in range(new_tokens - 1):
            logits = forward(cfg, w, [out[-1]], cache, len(ids) + step)
            out.append(int(logits.argmax()))
        t2 = time.time()
    print(json.dumps({"load_seconds": load_s, "prompt_tokens": len(ids), "generated": len(out), "threads": threads,
                      "prefill_seconds": t1 - t0, "decode_seconds": t2 - t1,
                      "prefill_tokens_per_second": len(ids) / (t1 - t0),
                      "decode_tokens_per_second": (len(out) - 1) / (t2 - t1) if len(out) > 1 else None,
                      "compute_dtype": "bfloat16", "torch": torch.__version__}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
