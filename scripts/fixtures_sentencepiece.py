#!/usr/bin/python3
"""Dumps what the SentencePiece and LLaMA-vocabulary tests expect, as JSON.

Usage: scripts/fixtures_sentencepiece.py [OUT_DIR]   (default tests/fixtures/sentencepiece)

Writes:
  tiny-tokenizer.json  every piece of tests/fixtures/tiny/base-safetensors/tokenizer.model
                       (text, score as float32 bits, type) read with sentencepiece's own
                       processor, plus the trainer/normalizer fields read with
                       sentencepiece_model_pb2 (needs Debian's python3-protobuf; without it
                       the script stops rather than guess).
  tiny-delta-vocab.json the vocabulary llama.cpp's convert_hf_to_gguf.py builds for the
                       tiny delta directory (_create_vocab_sentencepiece + gguf SpecialVocab),
                       restated here from those rules: pieces from the processor, then
                       added_tokens.json ids get score -1000.0 and type USER_DEFINED, ids
                       below config.json vocab_size that nothing fills are "[PAD{id}]",
                       score -10000.0, type UNUSED; special ids come from config.json
                       *_token_id, add_*_token from tokenizer_config.json.
Needs Debian's /usr/bin/python3 (sentencepiece); output is deterministic.
"""
import json
import os
import struct
import sys

import sentencepiece as spm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TINY = os.path.join(ROOT, "tests", "fixtures", "tiny")
MODEL = os.path.join(TINY, "base-safetensors", "tokenizer.model")
DELTA = os.path.join(TINY, "delta")

# convert_hf_to_gguf.py SentencePieceTokenTypes
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6
SPECIAL_TYPES = ("bos", "eos", "unk", "sep", "pad", "cls", "mask")


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def piece_type(sp, i):
    # Same precedence as convert_hf_to_gguf.py; the processor has no is_user_defined.
    if sp.is_unknown(i):
        return UNKNOWN
    if sp.is_control(i):
        return CONTROL
    if sp.is_unused(i):
        return UNUSED
    if sp.is_byte(i):
        return BYTE
    return NORMAL


def dump_model(sp, data):
    pieces = [
        {"piece": sp.id_to_piece(i), "score_bits": f32_bits(sp.get_score(i)), "type": piece_type(sp, i)}
        for i in range(sp.vocab_size())
    ]
    try:
        from sentencepiece import sentencepiece_model_pb2 as pb
    except ImportError:
        sys.exit("sentencepiece_model_pb2 needs python3-protobuf (apt-get install python3-protobuf)")
    proto = pb.ModelProto()
    proto.ParseFromString(data)
    # The processor cannot tell USER_DEFINED from NORMAL; the proto can.
    for entry, p in zip(pieces, proto.pieces):
        assert entry["piece"] == p.piece and entry["score_bits"] == f32_bits(p.score)
        if p.type == pb.ModelProto.SentencePiece.USER_DEFINED:
            entry["type"] = USER_DEFINED
    t, n = proto.trainer_spec, proto.normalizer_spec
    return {
        "file": "tests/fixtures/tiny/base-safetensors/tokenizer.model",
        "pieces": pieces,
        "trainer_spec": {
            "model_type": t.model_type,
            "vocab_size": t.vocab_size,
            "byte_fallback": t.byte_fallback,
            "unk_id": t.unk_id,
            "bos_id": t.bos_id,
            "eos_id": t.eos_id,
            "pad_id": t.pad_id,
        },
        "normalizer_spec": {
            "add_dummy_prefix": n.add_dummy_prefix,
            "remove_extra_whitespaces": n.remove_extra_whitespaces,
            "escape_whitespaces": n.escape_whitespaces,
        },
        "processor": {"unk_id": sp.unk_id(), "bos_id": sp.bos_id(), "eos_id": sp.eos_id(), "pad_id": sp.pad_id()},
    }


def load_json(path):
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dump_delta_vocab(sp):
    config = load_json(os.path.join(DELTA, "config.json")) or {}
    vocab_size = config.get("vocab_size") or sp.vocab_size()
    tokens = ["[PAD%d]" % i for i in range(vocab_size)]
    scores = [f32_bits(-10000.0)] * vocab_size
    types = [UNUSED] * vocab_size
    for i in range(min(sp.vocab_size(), vocab_size)):
        tokens[i], scores[i], types[i] = sp.id_to_piece(i), f32_bits(sp.get_score(i)), piece_type(sp, i)
    for text, i in (load_json(os.path.join(DELTA, "added_tokens.json")) or {}).items():
        assert 0 <= i < vocab_size
        tokens[i], scores[i], types[i] = text, f32_bits(-1000.0), USER_DEFINED
    tc = load_json(os.path.join(DELTA, "tokenizer_config.json")) or {}
    assert "added_tokens_decoder" not in tc and not os.path.exists(os.path.join(DELTA, "tokenizer.json"))
    special = {}
    for typ in SPECIAL_TYPES:
        tid = config.get(typ + "_token_id")
        if isinstance(tid, int) and not isinstance(tid, bool) and 0 <= tid < vocab_size and typ not in special:
            special[typ] = tid
    add = {typ: tc["add_%s_token" % typ] for typ in SPECIAL_TYPES if isinstance(tc.get("add_%s_token" % typ), bool)}
    return {
        "dir": "tests/fixtures/tiny/delta",
        "tokens": [{"text": t, "score_bits": s, "type": k} for t, s, k in zip(tokens, scores, types)],
        "special_token_ids": [[k, v] for k, v in special.items()],
        "add_special_token": [[k, v] for k, v in add.items()],
    }


def write(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "fixtures", "sentencepiece")
    os.makedirs(out, exist_ok=True)
    with open(MODEL, "rb") as f:
        data = f.read()
    sp = spm.SentencePieceProcessor(model_proto=data)
    write(os.path.join(out, "tiny-tokenizer.json"), dump_model(sp, data))
    write(os.path.join(out, "tiny-delta-vocab.json"), dump_delta_vocab(sp))


if __name__ == "__main__":
    main()
