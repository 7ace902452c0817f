#!/usr/bin/python3
"""Writes expected bytes for the DeltaMerge.Formats GGUF tests, computed independently with numpy.

Usage: scripts/fixtures_gguf.py [OUT_DIR]   (default tests/fixtures/gguf)

Files (all little-endian):
  NAME.f32        float32 inputs, a multiple of 32 values
  NAME.q8_0       Q8_0 as gguf-py quants.py computes it (bit-exact with ggml's quantize_row_q8_0_ref):
                  per block d = max|x| / 127 (float32), id = where(d == 0, 0, 1 / d), q = roundf(x * id) with
                  roundf = C's round half away from zero, then fp16 d (astype(float16): round to nearest even) + 32 int8
  NAME.f16        astype(float16) of the inputs
  NAME.bf16       ggml_compute_fp32_to_bf16 (ggml-impl.h): NaN -> quiet, else round to nearest even on the upper half;
                  subnormals kept
  NAME.bf16flush  the same with subnormals flushed to zero first (gguf-py quants.py __compute_fp32_to_bf16)
  permute.json    row order of convert_hf_to_gguf.py LlamaModel.permute on a [32, 3] matrix
Needs Debian's python3 with numpy (1.24 here); output is deterministic.
"""
import json
import os
import sys

import numpy as np

QK8_0 = 32


def roundf(x):
    # C roundf: half away from zero. floor(|x| + 0.5) is wrong for 0.49999997 (|x| + 0.5 rounds up to 1.0 in float32),
    # so build it from the fraction as gguf-py's np_roundf does, all in float32.
    a = np.abs(x)
    floored = np.floor(a)
    b = floored + np.floor(np.float32(2) * (a - floored))
    return np.sign(x) * b


def quantize_q8_0(x):
    blocks = x.reshape(-1, QK8_0).astype(np.float32)
    d = (np.abs(blocks).max(axis=1, keepdims=True) / np.float32(127)).astype(np.float32)
    with np.errstate(divide="ignore"):
        inv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
    q = roundf((blocks * inv).astype(np.float32)).astype(np.int8)
    out = np.concatenate([d.astype(np.float16).view(np.uint8), q.view(np.uint8)], axis=1)
    assert out.dtype == np.uint8 and out.shape[1] == 34
    return out.tobytes()


def to_bf16(x, flush):
    n = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    nan = (n & 0x7FFFFFFF) > 0x7F800000
    if flush:
        n = np.where((n & 0x7F800000) == 0, n & 0x80000000, n)
    r = (n + (0x7FFF + ((n >> 16) & 1))) >> 16
    r = np.where(nan, (n >> 16) | 64, r)
    return r.astype(np.uint16).tobytes()


def vectors():
    rng = np.random.default_rng(20240611)
    v = {}
    v["random"] = rng.normal(0, 0.02, 32 * 8).astype(np.float32)
    # Exact ties after scaling: max 127 gives d = 1, id = 1, so k + 0.5 must round away from zero.
    ties = np.zeros(32, np.float32)
    ties[0] = 127
    ties[1:16] = np.arange(15, dtype=np.float32) + np.float32(0.5)
    ties[16:31] = -(np.arange(15, dtype=np.float32) + np.float32(0.5))
    ties[31] = np.float32(-0.5)
    # max 63.5: d = 0.5, id = 2, x * id ties land on integers; and max 254: d = 2, id = 0.5, odd inputs tie at .5.
    ties2 = (np.arange(32, dtype=np.float32) - 16) * np.float32(2) + np.float32(1)
    ties2[0] = 254
    v["ties"] = np.concatenate([ties, ties2])
    v["zeros"] = np.zeros(32, np.float32)
    neg = rng.normal(0, 1, 32).astype(np.float32)
    neg[7] = -10
    v["negmax"] = neg
    # Tiny but with 1 / d finite: below max|x| of about 127 / FLT_MAX, ggml's 1/d overflows and (int8_t)roundf(inf) is undefined.
    v["tiny"] = (rng.normal(0, 1, 32) * 1e-20).astype(np.float32)
    sub = np.full(32, np.float32(1e-39), np.float32)
    sub[::2] = -sub[::2]
    sub[5] = np.float32(np.finfo(np.float32).tiny)
    v["subnormal"] = sub
    v["large"] = (rng.normal(0, 1, 32) * 1e6).astype(np.float32)
    v["large"][3] = np.float32(8.3e6)  # d = 65354.3 is still a finite fp16
    # d = 3.4e38 / 127 overflows fp16: the stored scale is +inf, as GGML_FP32_TO_FP16 gives.
    v["huge"] = (rng.normal(0, 1, 32) * 3e38 / 4).astype(np.float32)
    v["huge"][3] = np.float32(3.4e38)
    v["half_edges"] = np.array([65504, 65519.99, 65520, -65520, 6.1035156e-05, 5.9604645e-08, 2.9802322e-08, 2.9802326e-08,
                                1 + 2 ** -11, 1 + 3 * 2 ** -11, -(1 + 2 ** -11), 0.1, 1 / 3, 2049, 2051, 1e-8,
                                0.49999997, -0.49999997, 1.5, 2.5, -2.5, 100000, -0.0, 0.0,
                                1.00390625, 1.01171875, 3.0e-39, 65536, 1e-45, 7, 8, 9], dtype=np.float32)
    return v


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("tests", "fixtures", "gguf")
    os.makedirs(out, exist_ok=True)
    q8_names, names = [], []
    for name, x in vectors().items():
        x = x.astype(np.float32)
        assert x.size % QK8_0 == 0 and np.all(np.isfinite(x))
        with open(os.path.join(out, name + ".f32"), "wb") as f:
            f.write(x.tobytes())
        if name != "subnormal":  # 1/d overflows: undefined behaviour in ggml, not a fixture
            with np.errstate(over="ignore"):
                q8 = quantize_q8_0(x)
            with open(os.path.join(out, name + ".q8_0"), "wb") as f:
                f.write(q8)
            q8_names.append(name)
        with np.errstate(over="ignore"):
            with open(os.path.join(out, name + ".f16"), "wb") as f:
                f.write(x.astype(np.float16).tobytes())
        with open(os.path.join(out, name + ".bf16"), "wb") as f:
            f.write(to_bf16(x, flush=False))
        with open(os.path.join(out, name + ".bf16flush"), "wb") as f:
            f.write(to_bf16(x, flush=True))
        names.append(name)

    # convert_hf_to_gguf.py LlamaModel.permute on a matrix whose rows are numbered: the output gives the source row order.
    def permute(w, n_head, n_head_kv):
        if n_head_kv is not None and n_head != n_head_kv:
            n_head = n_head_kv
        return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)

    rows, cols = 8 * 4, 3
    w = np.repeat(np.arange(rows)[:, None], cols, axis=1)
    perm = {
        "rows": rows,
        "cols": cols,
        "n_head": 4,
        "q_source_rows": permute(w, 4, 4)[:, 0].tolist(),
        "k_source_rows_n_head_kv_2": permute(w, 4, 2)[:, 0].tolist(),
    }
    with open(os.path.join(out, "permute.json"), "w") as f:
        json.dump(perm, f, indent=1, sort_keys=True)
        f.write("\n")
    with open(os.path.join(out, "vectors.json"), "w") as f:
        json.dump({"convert": names, "q8_0": q8_names, "numpy": np.__version__}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
