#!/usr/bin/python3
"""Writes tiny torch.save checkpoints for the DeltaMerge.Formats pickle reader tests.

Usage: scripts/fixtures_pickle.py [OUT_DIR]   (default tests/fixtures/pickle)

Every NAME.pt gets a NAME.json next to it: either the expected tensors (name, dtype, shape and the
hex of the dense row-major little-endian bytes) or the FormatErrorKind the reader must raise.
Needs Debian's python3 with torch (1.13 here); output is deterministic.
"""
import collections
import json
import os
import re
import struct
import sys
import zipfile

import torch

DTYPE_NAMES = {
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float32: "F32",
    torch.float64: "F64",
    torch.int64: "I64",
    torch.int32: "I32",
    torch.int16: "I16",
    torch.int8: "I8",
    torch.uint8: "U8",
    torch.bool: "Bool",
}


def tensor_hex(t):
    flat = t.detach().contiguous().flatten()
    if flat.dtype == torch.bfloat16:
        # numpy has no bfloat16; same-size reinterpretation keeps the bytes.
        flat = flat.view(torch.int16)
    return flat.numpy().tobytes().hex()


def expected(state):
    return {
        "tensors": [
            {
                "name": name,
                "dtype": DTYPE_NAMES[t.dtype],
                "shape": list(t.shape),
                "hex": tensor_hex(t),
            }
            for name, t in state.items()
        ]
    }


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def save(out, name, state, **kwargs):
    path = os.path.join(out, name + ".pt")
    torch.save(state, path, **kwargs)
    return path


def make_legacy_deterministic(path):
    # The legacy format keys storages by their memory address; rename the key to "0" so reruns match.
    with open(path, "rb") as f:
        data = f.read()
    keys = set(re.findall(rb"X.{4}(\d{6,})q", data, re.DOTALL))
    for key in keys:
        data = data.replace(b"X" + struct.pack("<I", len(key)) + key, b"X" + struct.pack("<I", 1) + b"0")
    with open(path, "wb") as f:
        f.write(data)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("tests", "fixtures", "pickle")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)

    # One tensor per common dtype, in an OrderedDict as module.state_dict() returns.
    dtypes = collections.OrderedDict()
    dtypes["model.embed.weight"] = torch.randn(3, 4).to(torch.float16)
    dtypes["model.norm.weight"] = torch.randn(4)
    dtypes["model.layers.0.mlp.weight"] = torch.randn(2, 3).to(torch.bfloat16)
    dtypes["model.position_ids"] = torch.arange(5, dtype=torch.int64).reshape(1, 5)
    save(out, "dtypes", dtypes)
    write_json(os.path.join(out, "dtypes.json"), expected(dtypes))

    # Views, shared storage, a 0-dim scalar, an empty tensor and an nn.Parameter (_rebuild_parameter).
    big = torch.arange(12, dtype=torch.float32)
    views = collections.OrderedDict()
    views["whole"] = big
    views["slice"] = big[3:7]                    # storage_offset 3 into the 12-element storage
    views["reshaped"] = big.view(3, 4)           # shares the storage with "whole"
    views["row"] = big.view(3, 4)[1]             # offset 4, contiguous
    views["column_of_one"] = big.view(12, 1)[2:5]  # size-1 dim, offset 2
    views["scalar"] = torch.tensor(2.5, dtype=torch.float16)
    views["empty"] = torch.zeros(0, 3, dtype=torch.float32)
    views["param"] = torch.nn.Parameter(torch.tensor([[1.0, -2.0]], dtype=torch.float32))
    save(out, "views", views)
    write_json(os.path.join(out, "views.json"), expected(views))

    # A real module's state_dict: an OrderedDict carrying _metadata, which the pickle sets with BUILD.
    module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.LayerNorm(2)).half().state_dict()
    save(out, "module", module)
    write_json(os.path.join(out, "module.json"), expected(module))

    # Pickle protocol 4: FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL.
    proto4 = collections.OrderedDict()
    proto4["a"] = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float16)
    proto4["b"] = torch.tensor([[7, 8], [9, 10]], dtype=torch.int64)
    save(out, "protocol4", proto4, pickle_protocol=4)
    write_json(os.path.join(out, "protocol4.json"), expected(proto4))

    # A transposed tensor: torch.save keeps the strided view, which the reader must refuse.
    save(out, "noncontiguous", {"t": torch.arange(6, dtype=torch.float32).reshape(2, 3).t()})
    write_json(os.path.join(out, "noncontiguous.json"), {"error": "NonContiguousTensor"})

    # The pre-1.6 format (a bare pickle stream, not a zip).
    legacy = save(out, "legacy", {"x": torch.ones(2)}, _use_new_zipfile_serialization=False)
    make_legacy_deterministic(legacy)
    write_json(os.path.join(out, "legacy.json"), {"error": "LegacyTorchFormat"})

    # The dtypes checkpoint rewritten with zip64 extra fields in the local headers.
    with zipfile.ZipFile(os.path.join(out, "dtypes.pt")) as src, \
            zipfile.ZipFile(os.path.join(out, "zip64.pt"), "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            data = src.read(info)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_STORED
            with dst.open(zi, "w", force_zip64=True) as f:
                f.write(data)
    write_json(os.path.join(out, "zip64.json"), expected(dtypes))


if __name__ == "__main__":
    main()
