#!/usr/bin/python3
"""The PyTorch reference: MT-LLaMA's / FastChat's apply_delta on state dicts (no transformers here), fp16 on CPU.

Loads every shard of base and delta into memory (as from_pretrained does), appends the zero [PAD] row, adds in fp16,
and saves with save_pretrained-like sharding. Needs about 3x the model size in RAM: the benchmark runs it on a model
small enough to fit.
"""
import json
import os
import sys
import time
from collections import OrderedDict

import torch


def load(d):
    index = json.load(open(os.path.join(d, "pytorch_model.bin.index.json")))
    sd = OrderedDict()
    for f in sorted(set(index["weight_map"].values())):
        sd.update(torch.load(os.path.join(d, f), map_location="cpu"))
    return sd


def main(base_dir, delta_dir, out_dir):
    t0 = time.time()
    base, delta = load(base_dir), load(delta_dir)
    t1 = time.time()
    out = OrderedDict()
    for name, b in base.items():
        if name.endswith("rotary_emb.inv_freq"):
            continue
        d = delta[name]
        b = b.half()
        if b.shape != d.shape:
            b = torch.cat([b, torch.zeros(d.shape[0] - b.shape[0], *b.shape[1:], dtype=b.dtype)])
        b += d
        out[name] = b
    t2 = time.time()
    os.makedirs(out_dir, exist_ok=True)
    torch.save(out, os.path.join(out_dir, "pytorch_model.bin"))
    os.sync()
    t3 = time.time()
    print(json.dumps({"load_s": t1 - t0, "add_s": t2 - t1, "save_s": t3 - t2, "total_s": t3 - t0}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
