#!/usr/bin/python3
"""Generate the DeltaMerge test fixtures under tests/fixtures/.

Run with Debian's interpreter (it has torch 1.13, numpy and sentencepiece):

    /usr/bin/python3 scripts/make_fixtures.py [--out tests/fixtures]

Everything is deterministic: fixed seeds, sorted JSON keys, no timestamps,
torch.save zips written under fixed file names. Running it twice yields the
same bytes (with the same torch / sentencepiece versions).

What the merge reference computes (MT-LLaMA / FastChat v0 ``apply_delta``):
  * load base in fp16 (bf16/f32 bases are converted with ``.half()``),
  * add ``[PAD]`` to the tokenizer, ``resize_token_embeddings(V+1)`` and set the
    new row of ``embed_tokens`` and ``lm_head`` to zero,
  * ``param += delta`` in fp16 on CPU (== fp16(float32(base) + float32(delta))),
  * ``rotary_emb.inv_freq`` buffers are not part of the result.
"""

import argparse
import collections
import copyreg
import hashlib
import io
import json
import os
import pickle
import shutil
import struct
import sys

import numpy as np
import sentencepiece as spm
import torch

SEED = 20240601

HIDDEN = 64
INTERMEDIATE = 172
N_LAYERS = 2
N_HEADS = 4
HEAD_DIM = HIDDEN // N_HEADS
MAX_POS = 256
NORM_EPS = 1e-6
ROPE_THETA = 10000.0
MULTIPLE_OF = 4          # Meta params.json; see compute_intermediate_size below
SP_VOCAB_SIZE = 384
TRANSFORMERS_VERSION = "4.28.1"
PAD_TOKEN = "[PAD]"

# ---------------------------------------------------------------------------
# Tokenizer corpus (varied English, digits, punctuation, some non-ASCII)
# ---------------------------------------------------------------------------
CORPUS = """\
The quick brown fox jumps over the lazy dog. The dog did not seem to mind at all.
Once upon a time, in a small village by the sea, there lived an old fisherman and his wife.
Every morning he rowed out at 5:30 a.m., cast his nets, and waited patiently for the tide to turn.
In 1969, Apollo 11 landed on the Moon; Neil Armstrong said: "That's one small step for a man."
Prices rose 3.5% in 2023, while wages grew by only 2.1% -- a gap of 1.4 percentage points.
She ordered a café au lait and a croissant, then read the naïve poem her friend had written.
The word "résumé" is borrowed from French, as are "déjà vu", "façade" and "fiancée".
日本語 is the Japanese language; 東京 is its capital. 中文 and 한국어 are other examples.
Emoji are everywhere now: 😀 😂 👍 🎉 ❤️ 🚀 — even in formal e-mails (sadly).
Machine learning models learn patterns from data; large language models predict the next token.
def add(a, b): return a + b  # a tiny Python function, with 4 spaces of indentation
Question: What is 12 * 34? Answer: 408. Question: What is 1024 / 8? Answer: 128.
Temperature today: -3°C in the morning, +7°C by noon. Wind: 15 km/h from the north-west.
Please reply to info@example.com or visit https://example.org/path?query=42&lang=en.
"Well," said the teacher, "if you can't explain it simply, you don't understand it well enough."
The numbers 0, 1, 2, 3, 4, 5, 6, 7, 8 and 9 are digits; 10 is not a single digit.
Über den Wolken muss die Freiheit wohl grenzenlos sein. ¿Dónde está la biblioteca? Ça va bien!
Lists: apples, oranges, bananas; tools: hammer, saw, drill; colours: red, green, blue.
It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of foolishness.
Weights are stored in half precision (fp16) or bfloat16 to save memory; deltas are published instead of weights.
"""

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def dump_json(path, obj, indent=2):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(obj, indent=indent, sort_keys=True, ensure_ascii=False))
        f.write("\n")


ST_DTYPES = {
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float32: "F32",
}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    if t.dtype == torch.float16:
        return t.numpy().astype("<f2").tobytes()
    if t.dtype == torch.float32:
        return t.numpy().astype("<f4").tobytes()
    raise ValueError(t.dtype)


def write_safetensors(path, tensors, metadata=None):
    """Minimal safetensors writer: tensors laid out sorted by name."""
    if metadata is None:
        metadata = {"format": "pt"}
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name]
        b = tensor_bytes(t)
        header[name] = {
            "dtype": ST_DTYPES[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(b)],
        }
        offset += len(b)
        blobs.append(b)
    hjson = json.dumps(header, separators=(",", ":"), sort_keys=True).encode("utf-8")
    hjson += b" " * ((8 - len(hjson) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Tiny reader used only for self-checks."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    base = 8 + n
    np_dt = {"F16": "<f2", "F32": "<f4", "BF16": "<i2"}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        s, e = info["data_offsets"]
        arr = np.frombuffer(data[base + s:base + e], dtype=np_dt[info["dtype"]]).reshape(info["shape"])
        t = torch.from_numpy(arr.copy())
        if info["dtype"] == "BF16":
            t = t.view(torch.bfloat16)
        out[name] = t
    return out


def save_torch(path, tensors, via_buffer=False):
    """torch.save an OrderedDict; every tensor gets its own storage.

    torch 1.13 names the zip's top folder after the file stem when given a path
    (e.g. "pytorch_model/data.pkl"), and "archive/" when given a file object
    (what newer torch versions always write). via_buffer=True gives the latter.
    """
    od = collections.OrderedDict((k, v.clone().contiguous()) for k, v in tensors.items())
    if via_buffer:
        buf = io.BytesIO()
        torch.save(od, buf)
        with open(path, "wb") as f:
            f.write(buf.getvalue())
    else:
        torch.save(od, path)


def file_digest(path, algo):
    h = hashlib.new(algo)
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def write_sha256sums(dirpath):
    names = []
    for root, _dirs, files in os.walk(dirpath):
        for fn in files:
            rel = os.path.relpath(os.path.join(root, fn), dirpath).replace(os.sep, "/")
            if rel != "SHA256SUMS":
                names.append(rel)
    lines = ["%s  %s\n" % (file_digest(os.path.join(dirpath, n), "sha256"), n) for n in sorted(names)]
    with open(os.path.join(dirpath, "SHA256SUMS"), "w", newline="\n") as f:
        f.writelines(lines)
    return lines


def bits16(t):
    """uint16 bit pattern(s) of an fp16/bf16 tensor element as int."""
    return int(t.contiguous().view(torch.int16).item()) & 0xFFFF


def jsonable_float(x):
    x = float(x)
    if x != x:
        return "nan"
    if x == float("inf"):
        return "inf"
    if x == float("-inf"):
        return "-inf"
    if x == 0.0 and str(x).startswith("-"):
        return "-0.0"
    return x


# ---------------------------------------------------------------------------
# tokenizer
# ---------------------------------------------------------------------------


def train_tokenizer():
    sentences = [line for line in CORPUS.split("\n") if line.strip()]
    model = io.BytesIO()
    vocab = SP_VOCAB_SIZE
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model,
        model_type="bpe",
        vocab_size=vocab,
        byte_fallback=True,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        add_dummy_prefix=True,
        remove_extra_whitespaces=False,
        allow_whitespace_only_pieces=True,
        normalization_rule_name="identity",
        split_digits=True,
        character_coverage=0.995,
        num_threads=1,
        input_sentence_size=1000,  # must be 0 or > 100; corpus is smaller
        shuffle_input_sentence=False,
        hard_vocab_limit=True,
        minloglevel=2,
    )
    data = model.getvalue()
    sp = spm.SentencePieceProcessor(model_proto=data)
    return data, sp


# ---------------------------------------------------------------------------
# model construction
# ---------------------------------------------------------------------------


def layer_names(i):
    p = "model.layers.%d." % i
    return [
        p + "self_attn.q_proj.weight",
        p + "self_attn.k_proj.weight",
        p + "self_attn.v_proj.weight",
        p + "self_attn.o_proj.weight",
        p + "self_attn.rotary_emb.inv_freq",
        p + "mlp.gate_proj.weight",
        p + "mlp.up_proj.weight",
        p + "mlp.down_proj.weight",
        p + "input_layernorm.weight",
        p + "post_attention_layernorm.weight",
    ]


def inv_freq():
    return 1.0 / (ROPE_THETA ** (torch.arange(0, HEAD_DIM, 2).float() / HEAD_DIM))


def make_base(V, gen):
    """fp16 base weights (plus fp32 inv_freq buffers) in state_dict order."""
    sd = collections.OrderedDict()

    def mat(*shape):
        return (torch.randn(*shape, generator=gen, dtype=torch.float32) * 0.02).half()

    def norm():
        return (1.0 + torch.randn(HIDDEN, generator=gen, dtype=torch.float32) * 0.05).half()

    sd["model.embed_tokens.weight"] = mat(V, HIDDEN)
    for i in range(N_LAYERS):
        for n in layer_names(i):
            if n.endswith("inv_freq"):
                sd[n] = inv_freq()
            elif n.endswith(("q_proj.weight", "k_proj.weight", "v_proj.weight", "o_proj.weight")):
                sd[n] = mat(HIDDEN, HIDDEN)
            elif n.endswith(("gate_proj.weight", "up_proj.weight")):
                sd[n] = mat(INTERMEDIATE, HIDDEN)
            elif n.endswith("down_proj.weight"):
                sd[n] = mat(HIDDEN, INTERMEDIATE)
            else:
                sd[n] = norm()
    sd["model.norm.weight"] = norm()
    sd["lm_head.weight"] = mat(V, HIDDEN)
    return sd


def without_inv_freq(sd):
    return collections.OrderedDict((k, v) for k, v in sd.items() if not k.endswith("rotary_emb.inv_freq"))


def resize_zero(sd, new_vocab):
    """Append zero rows to embed_tokens / lm_head (FastChat v0 apply_delta)."""
    out = collections.OrderedDict()
    for k, v in sd.items():
        if k in ("model.embed_tokens.weight", "lm_head.weight"):
            pad = torch.zeros(new_vocab - v.shape[0], v.shape[1], dtype=v.dtype)
            v = torch.cat([v, pad], dim=0)
        out[k] = v
    return out


H = 2.0 ** -10   # ulp of fp16 at 1.0
TINY = 2.0 ** -24  # smallest fp16 subnormal
MINNORM = 2.0 ** -14

# merge stress cases: (base, delta) -> placed in row 0 of this tensor
MERGE_STRESS_TENSOR = "model.layers.0.self_attn.q_proj.weight"
MERGE_STRESS = [
    (60000.0, 10000.0, "overflow: 70000 -> +inf in fp16"),
    (-60000.0, -10000.0, "overflow: -70000 -> -inf in fp16"),
    (1.0, 2.0 ** -11, "tie 1+2^-11 rounds to even 1.0"),
    (1.0 + H, 2.0 ** -11, "tie 1+3*2^-11 rounds to even 1+2^-9"),
    (-1.0, -(2.0 ** -11), "negative tie rounds to even -1.0"),
    (2048.0, 1.0, "tie 2049 rounds to even 2048"),
    (2048.0, 3.0, "tie 2051 rounds to even 2052"),
    (3 * TINY, TINY, "subnormal + subnormal = 4*2^-24"),
    (MINNORM, -TINY, "normal + subnormal -> subnormal 1023*2^-24"),
    (TINY, -TINY, "x + (-x) = +0.0"),
    (-0.0, -0.0, "-0 + -0 = -0.0 (sign bit kept)"),
    (65504.0, 16.0, "65520 is the tie between 65504 and 2^16: rounds to +inf"),
    (65504.0, 8.0, "65512 rounds down to 65504 (max finite)"),
]

# make-delta stress cases: (base, target) -> placed in row 0 of this tensor
MAKEDELTA_STRESS_TENSOR = "model.layers.1.self_attn.o_proj.weight"
MAKEDELTA_STRESS = [
    (-32768.0, 40000.0, "difference 72768 overflows -> delta +inf"),
    (-1.0, 2048.0, "difference 2049 ties -> rounds to even 2048"),
    (-1.0, 2050.0, "difference 2051 ties -> rounds to even 2052"),
    (MINNORM, MINNORM + TINY, "difference 2^-24 (smallest subnormal)"),
    (0.5, 0.5, "identical -> +0.0"),
    (1.0, 1.0 + H, "difference 2^-10 exact"),
]


def compute_intermediate_size(n, ffn_dim_multiplier=1, multiple_of=256):
    # transformers convert_llama_weights_to_hf.py
    return multiple_of * ((int(ffn_dim_multiplier * int(8 * n / 3)) + multiple_of - 1) // multiple_of)


def hf_permute(w, n_heads=N_HEADS, dim1=HIDDEN, dim2=HIDDEN):
    # transformers convert_llama_weights_to_hf.py: Meta -> HF
    return w.view(n_heads, dim1 // n_heads // 2, 2, dim2).transpose(1, 2).reshape(dim1, dim2)


def hf_unpermute(w, n_heads=N_HEADS, dim1=HIDDEN, dim2=HIDDEN):
    # inverse: HF -> Meta rotary layout
    return w.view(n_heads, 2, dim1 // n_heads // 2, dim2).transpose(1, 2).reshape(dim1, dim2)


def to_meta(sd):
    """HF fp16 state dict -> Meta consolidated layout (one shard)."""
    m = collections.OrderedDict()
    m["tok_embeddings.weight"] = sd["model.embed_tokens.weight"]
    m["norm.weight"] = sd["model.norm.weight"]
    m["output.weight"] = sd["lm_head.weight"]
    for i in range(N_LAYERS):
        p = "model.layers.%d." % i
        q = "layers.%d." % i
        m[q + "attention.wq.weight"] = hf_unpermute(sd[p + "self_attn.q_proj.weight"])
        m[q + "attention.wk.weight"] = hf_unpermute(sd[p + "self_attn.k_proj.weight"])
        m[q + "attention.wv.weight"] = sd[p + "self_attn.v_proj.weight"]
        m[q + "attention.wo.weight"] = sd[p + "self_attn.o_proj.weight"]
        m[q + "feed_forward.w1.weight"] = sd[p + "mlp.gate_proj.weight"]
        m[q + "feed_forward.w2.weight"] = sd[p + "mlp.down_proj.weight"]
        m[q + "feed_forward.w3.weight"] = sd[p + "mlp.up_proj.weight"]
        m[q + "attention_norm.weight"] = sd[p + "input_layernorm.weight"]
        m[q + "ffn_norm.weight"] = sd[p + "post_attention_layernorm.weight"]
        # the permutation must be undone exactly by transformers' permute()
        assert torch.equal(hf_permute(m[q + "attention.wq.weight"]), sd[p + "self_attn.q_proj.weight"])
        assert torch.equal(hf_permute(m[q + "attention.wk.weight"]), sd[p + "self_attn.k_proj.weight"])
    m["rope.freqs"] = inv_freq()
    return m


# split dim per Meta parameter (None = replicated)
def meta_split_dim(name):
    if name == "tok_embeddings.weight":
        return 1
    if name == "output.weight":
        return 0
    for suf, d in ((".attention.wq.weight", 0), (".attention.wk.weight", 0), (".attention.wv.weight", 0),
                   (".attention.wo.weight", 1), (".feed_forward.w1.weight", 0),
                   (".feed_forward.w3.weight", 0), (".feed_forward.w2.weight", 1)):
        if name.endswith(suf):
            return d
    return None


def split_meta(m, n):
    shards = [collections.OrderedDict() for _ in range(n)]
    for k, v in m.items():
        d = meta_split_dim(k)
        if d is None:
            for s in shards:
                s[k] = v
        else:
            assert v.shape[d] % n == 0, (k, v.shape)
            for s, part in zip(shards, torch.chunk(v, n, dim=d)):
                s[k] = part
    # reassemble check
    for k, v in m.items():
        d = meta_split_dim(k)
        if d is not None:
            assert torch.equal(torch.cat([s[k] for s in shards], dim=d), v)
    return shards


# ---------------------------------------------------------------------------
# metadata files
# ---------------------------------------------------------------------------


def hf_config(vocab, dtype):
    return {
        "_name_or_path": "",
        "architectures": ["LlamaForCausalLM"],
        "bos_token_id": 1,
        "eos_token_id": 2,
        "hidden_act": "silu",
        "hidden_size": HIDDEN,
        "initializer_range": 0.02,
        "intermediate_size": INTERMEDIATE,
        "max_position_embeddings": MAX_POS,
        "model_type": "llama",
        "num_attention_heads": N_HEADS,
        "num_hidden_layers": N_LAYERS,
        "num_key_value_heads": N_HEADS,
        "pad_token_id": 0,
        "rms_norm_eps": NORM_EPS,
        "rope_theta": ROPE_THETA,
        "tie_word_embeddings": False,
        "torch_dtype": dtype,
        "transformers_version": TRANSFORMERS_VERSION,
        "use_cache": True,
        "vocab_size": vocab,
    }


GEN_CONFIG = {"_from_model_config": True, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0}


def added_token(content):
    return {"__type": "AddedToken", "content": content, "lstrip": False, "normalized": True,
            "rstrip": False, "single_word": False}


def special_token(content):
    return {"content": content, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}


def write_tokenizer_files(d, sp_model, finetuned, V):
    with open(os.path.join(d, "tokenizer.model"), "wb") as f:
        f.write(sp_model)
    tc = {
        "add_bos_token": True,
        "add_eos_token": False,
        "bos_token": added_token("<s>"),
        "clean_up_tokenization_spaces": False,
        "eos_token": added_token("</s>"),
        # what convert_llama_weights_to_hf writes (VERY_LARGE_INTEGER = int(1e30))
        "model_max_length": int(1e30),
        "pad_token": None,
        "sp_model_kwargs": {},
        "tokenizer_class": "LlamaTokenizer",
        "unk_token": added_token("<unk>"),
    }
    stm = {"bos_token": special_token("<s>"), "eos_token": special_token("</s>"),
           "unk_token": special_token("<unk>")}
    if finetuned:
        # like lmsys/vicuna-7b-delta-v0 after tokenizer.add_special_tokens({"pad_token": "[PAD]"})
        tc["model_max_length"] = 2048
        tc["padding_side"] = "right"
        stm["pad_token"] = PAD_TOKEN
        dump_json(os.path.join(d, "added_tokens.json"), {PAD_TOKEN: V})
    dump_json(os.path.join(d, "tokenizer_config.json"), tc)
    dump_json(os.path.join(d, "special_tokens_map.json"), stm)


def write_hf_dir(d, vocab, dtype, sp_model, finetuned, V):
    os.makedirs(d, exist_ok=True)
    dump_json(os.path.join(d, "config.json"), hf_config(vocab, dtype))
    dump_json(os.path.join(d, "generation_config.json"), GEN_CONFIG)
    write_tokenizer_files(d, sp_model, finetuned, V)


# ---------------------------------------------------------------------------
# malformed pickles
# ---------------------------------------------------------------------------


class _Pwn:
    """Pickles as posix.system('touch /tmp/deltamerge-pwned'). NEVER unpickle."""

    def __reduce__(self):
        return (os.system, ("touch /tmp/deltamerge-pwned",))


def write_bad(bad_dir):
    os.makedirs(bad_dir, exist_ok=True)
    # evil.bin: genuine torch.save zip; data.pkl has GLOBAL 'posix system' + REDUCE.
    evil = collections.OrderedDict()
    evil["model.embed_tokens.weight"] = torch.zeros(2, 2, dtype=torch.float16)
    evil["model.norm.weight"] = _Pwn()
    path = os.path.join(bad_dir, "evil.bin")
    torch.save(evil, path)  # pickling does not execute anything
    # unknown-opcode.bin: register a copyreg extension code so the pickler emits
    # EXT1 (0x82) instead of GLOBAL for collections.OrderedDict. torch.save never
    # emits EXT1 normally, and torch.load cannot load it without the registration.
    code = 0xF0
    copyreg.add_extension("collections", "OrderedDict", code)
    try:
        od = collections.OrderedDict()
        od["model.norm.weight"] = torch.ones(4, dtype=torch.float16)
        torch.save(od, os.path.join(bad_dir, "unknown-opcode.bin"))
    finally:
        copyreg.remove_extension("collections", "OrderedDict", code)
    # sanity-check the bytes without unpickling
    import zipfile
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        pkl = z.read([n for n in names if n.endswith("/data.pkl")][0])
        assert all(i.compress_type == zipfile.ZIP_STORED for i in z.infolist())
    assert b"cposix\nsystem\n" in pkl, pkl
    assert b"deltamerge-pwned" in pkl
    with zipfile.ZipFile(os.path.join(bad_dir, "unknown-opcode.bin")) as z:
        pkl2 = z.read([n for n in z.namelist() if n.endswith("/data.pkl")][0])
    assert pkl2.startswith(b"\x80\x02\x82\xf0"), pkl2[:8]
    return {
        "evil.bin": {"archive_entries": names, "global": "posix system",
                     "command": "touch /tmp/deltamerge-pwned"},
        "unknown-opcode.bin": {"opcode": "EXT1 (0x82) at data.pkl offset 2"},
    }


# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------


def main():
    repo_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(repo_root, "tests", "fixtures"),
                    help="output directory (default: tests/fixtures under the repo root)")
    args = ap.parse_args()
    out = os.path.abspath(args.out)

    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(1)

    tiny = os.path.join(out, "tiny")
    if os.path.isdir(tiny):
        shutil.rmtree(tiny)
    if os.path.isdir(os.path.join(out, "bad")):
        shutil.rmtree(os.path.join(out, "bad"))
    os.makedirs(tiny)

    # -- tokenizer ----------------------------------------------------------
    sp_model, sp = train_tokenizer()
    V = sp.get_piece_size()
    assert V >= 259 and V % 2 == 0, V
    assert sp.id_to_piece(0) == "<unk>" and sp.id_to_piece(1) == "<s>" and sp.id_to_piece(2) == "</s>"
    assert sp.id_to_piece(3) == "<0x00>"
    sample = "café naïve 日本語 😀 12345"
    sample_ids = sp.encode(sample)
    assert sp.decode(sample_ids) == sample
    V1 = V + 1

    # -- weights ------------------------------------------------------------
    assert compute_intermediate_size(HIDDEN, 1, MULTIPLE_OF) == INTERMEDIATE
    gen = torch.Generator().manual_seed(SEED)
    base_full = make_base(V, gen)  # fp16 + fp32 inv_freq
    qp = base_full[MERGE_STRESS_TENSOR]
    for j, (b, _d, _why) in enumerate(MERGE_STRESS):
        qp[0, j] = b
    op = base_full[MAKEDELTA_STRESS_TENSOR]
    for j, (b, _t, _why) in enumerate(MAKEDELTA_STRESS):
        op[0, j] = b
    base = without_inv_freq(base_full)           # fp16, what safetensors holds
    base_resized = resize_zero(base, V1)

    # finetuned = base + noise (float32) -> fp16; row V ([PAD]) is new
    gen_ft = torch.Generator().manual_seed(SEED + 1)
    target = collections.OrderedDict()
    for k, v in base_resized.items():
        noise = torch.randn(v.shape, generator=gen_ft, dtype=torch.float32) * 0.002
        t = v.float() + noise
        if k in ("model.embed_tokens.weight", "lm_head.weight"):
            t[V] = torch.randn(HIDDEN, generator=gen_ft, dtype=torch.float32) * 0.02
        target[k] = t.half()
    tp = target[MAKEDELTA_STRESS_TENSOR]
    for j, (_b, t, _why) in enumerate(MAKEDELTA_STRESS):
        tp[0, j] = t

    # FastChat make_delta: (target - base_resized) in float32 -> fp16
    make_delta = collections.OrderedDict(
        (k, (target[k].float() - base_resized[k].float()).half()) for k in target)

    # published delta = make_delta with the merge stress entries overwritten
    delta = collections.OrderedDict((k, v.clone()) for k, v in make_delta.items())
    for j, (_b, d, _why) in enumerate(MERGE_STRESS):
        delta[MERGE_STRESS_TENSOR][0, j] = d

    # -- bf16 / f32 bases ---------------------------------------------------
    base_bf16 = collections.OrderedDict((k, v.float().to(torch.bfloat16)) for k, v in base.items())
    base_f32 = collections.OrderedDict(
        (k, v.float()) for k, v in base_full.items())  # includes fp32 inv_freq

    # -- reference merges (MT-LLaMA apply_delta) ----------------------------
    def apply_delta(base_sd):
        b = collections.OrderedDict((k, v.half()) for k, v in base_sd.items()
                                    if not k.endswith("rotary_emb.inv_freq"))
        b = resize_zero(b, V1)
        res = collections.OrderedDict()
        for k, v in b.items():
            p = v.clone()
            p += delta[k]          # in-place fp16 add on CPU, as param.data += delta
            # identical to rounding the float32 sum once
            ref = (v.float() + delta[k].float()).half()
            assert torch.equal(p.view(torch.int16), ref.view(torch.int16)), k
            res[k] = p
        return res

    merge_f16 = apply_delta(base)
    for k, v in apply_delta(base_f32).items():
        assert torch.equal(v.view(torch.int16), merge_f16[k].view(torch.int16)), k
    merge_f16_from_bf16 = apply_delta(base_bf16)
    assert any(not torch.equal(merge_f16_from_bf16[k], merge_f16[k]) for k in merge_f16)
    merge_f32 = collections.OrderedDict(
        (k, base_resized[k].float() + delta[k].float()) for k in base_resized)
    merge_bf16 = collections.OrderedDict((k, v.to(torch.bfloat16)) for k, v in merge_f32.items())

    # -- Meta layout --------------------------------------------------------
    meta = to_meta(base)
    # meta -> HF round trip
    for i in range(N_LAYERS):
        assert torch.equal(hf_permute(meta["layers.%d.attention.wq.weight" % i]),
                           base["model.layers.%d.self_attn.q_proj.weight" % i])
    meta_shards = split_meta(meta, 2)
    params = {"dim": HIDDEN, "multiple_of": MULTIPLE_OF, "n_heads": N_HEADS, "n_layers": N_LAYERS,
              "norm_eps": NORM_EPS, "vocab_size": -1}
    assert compute_intermediate_size(params["dim"], 1, params["multiple_of"]) == INTERMEDIATE

    # -- write directories --------------------------------------------------
    written = []

    def d(name):
        p = os.path.join(tiny, name)
        os.makedirs(p, exist_ok=True)
        written.append(name)
        return p

    p = d("base-safetensors")
    write_hf_dir(p, V, "float16", sp_model, False, V)
    write_safetensors(os.path.join(p, "model.safetensors"), base)

    p = d("base-bin")
    write_hf_dir(p, V, "float16", sp_model, False, V)
    shard_files = ["pytorch_model-00001-of-00002.bin", "pytorch_model-00002-of-00002.bin"]
    shard1 = collections.OrderedDict(
        (k, v) for k, v in base_full.items()
        if k == "model.embed_tokens.weight" or k.startswith("model.layers.0."))
    shard2 = collections.OrderedDict((k, v) for k, v in base_full.items() if k not in shard1)
    save_torch(os.path.join(p, shard_files[0]), shard1)
    save_torch(os.path.join(p, shard_files[1]), shard2)
    index = {
        "metadata": {"total_size": sum(v.numel() * v.element_size() for v in base_full.values())},
        "weight_map": {k: shard_files[0] if k in shard1 else shard_files[1] for k in base_full},
    }
    dump_json(os.path.join(p, "pytorch_model.bin.index.json"), index)

    p = d("base-bf16")
    write_hf_dir(p, V, "bfloat16", sp_model, False, V)
    write_safetensors(os.path.join(p, "model.safetensors"), base_bf16)

    p = d("base-f32")
    write_hf_dir(p, V, "float32", sp_model, False, V)
    save_torch(os.path.join(p, "pytorch_model.bin"), base_f32)

    p = d("delta")
    write_hf_dir(p, V1, "float16", sp_model, True, V)
    save_torch(os.path.join(p, "pytorch_model.bin"), delta, via_buffer=True)  # "archive/" prefix

    p = d("delta-safetensors")
    write_hf_dir(p, V1, "float16", sp_model, True, V)
    write_safetensors(os.path.join(p, "model.safetensors"), delta)

    p = d("target")
    write_hf_dir(p, V1, "float16", sp_model, True, V)
    write_safetensors(os.path.join(p, "model.safetensors"), target)

    def write_meta_dir(p, shards):
        dump_json(os.path.join(p, "params.json"), params, indent=None)
        with open(os.path.join(p, "tokenizer.model"), "wb") as f:
            f.write(sp_model)
        names = []
        for i, s in enumerate(shards):
            fn = "consolidated.%02d.pth" % i
            save_torch(os.path.join(p, fn), s)
            names.append(fn)
        names.append("params.json")
        with open(os.path.join(p, "checklist.chk"), "w", newline="\n") as f:
            for n in names:
                f.write("%s  %s\n" % (file_digest(os.path.join(p, n), "md5"), n))

    write_meta_dir(d("base-meta"), [meta])
    write_meta_dir(d("base-meta-mp2"), meta_shards)

    exp = {
        "expected/merge-f16": merge_f16,
        "expected/merge-f16-from-bf16": merge_f16_from_bf16,
        "expected/merge-bf16": merge_bf16,
        "expected/merge-f32": merge_f32,
        "expected/make-delta": make_delta,
    }
    for name, sd in exp.items():
        p = d(name)
        write_safetensors(os.path.join(p, "model.safetensors"), sd)
        # self-check of the writer
        back = read_safetensors(os.path.join(p, "model.safetensors"))
        for k, v in sd.items():
            assert back[k].dtype == v.dtype and torch.equal(back[k].view(torch.int16) if v.dtype != torch.float32
                                                            else back[k].view(torch.int32),
                                                            v.view(torch.int16) if v.dtype != torch.float32
                                                            else v.view(torch.int32)), (name, k)

    # -- checksums ----------------------------------------------------------
    sums = {}
    for name in written:
        sums[name] = write_sha256sums(os.path.join(tiny, name))
    ck = os.path.join(tiny, "checksums")
    os.makedirs(ck, exist_ok=True)
    bad_lines = list(sums["base-bin"])
    # alter the hash of the first .bin shard: flip its first hex digit
    for i, line in enumerate(bad_lines):
        if line.rstrip("\n").endswith("pytorch_model-00001-of-00002.bin"):
            h = line[:64]
            nh = ("0" if h[0] != "0" else "1") + h[1:]
            bad_lines[i] = nh + line[64:]
            altered = line[66:].strip()
            break
    with open(os.path.join(ck, "base-bin.bad.sha256"), "w", newline="\n") as f:
        f.writelines(bad_lines)

    # -- malformed inputs ---------------------------------------------------
    bad_info = write_bad(os.path.join(out, "bad"))

    # -- manifest -----------------------------------------------------------
    def stress_entries(cases, tensor, base_sd, other_sd, key):
        res = []
        for j, c in enumerate(cases):
            e = {
                "tensor": tensor,
                "index": [0, j],
                "flat_index": j,
                "why": c[2],
                "base_f16": jsonable_float(base_sd[tensor][0, j]),
                key: jsonable_float(other_sd[tensor][0, j]),
            }
            res.append(e)
        return res

    merge_cases = stress_entries(MERGE_STRESS, MERGE_STRESS_TENSOR, base, delta, "delta_f16")
    for j, e in enumerate(merge_cases):
        T = MERGE_STRESS_TENSOR
        e["expected_merge_f16"] = jsonable_float(merge_f16[T][0, j])
        e["expected_merge_f16_bits"] = "0x%04x" % bits16(merge_f16[T][0, j])
        e["expected_merge_f32"] = jsonable_float(merge_f32[T][0, j])
        e["expected_merge_bf16"] = jsonable_float(merge_bf16[T][0, j].float())
        e["base_bf16"] = jsonable_float(base_bf16[T][0, j].float())
        e["expected_merge_f16_from_bf16"] = jsonable_float(merge_f16_from_bf16[T][0, j])
    # where HF q_proj row 0 lives in Meta's wq (rotary layout)
    perm_rows = hf_permute(torch.arange(HIDDEN, dtype=torch.float32).unsqueeze(1).expand(HIDDEN, HIDDEN).contiguous())[:, 0]
    meta_row0 = int(perm_rows[0].item())
    for j, e in enumerate(merge_cases):
        e["meta_tensor"] = "layers.0.attention.wq.weight"
        e["meta_index"] = [meta_row0, j]
        e["meta_mp2_shard"] = meta_row0 // (HIDDEN // 2)
        e["meta_mp2_index"] = [meta_row0 % (HIDDEN // 2), j]
        assert meta["layers.0.attention.wq.weight"][meta_row0, j].view(torch.int16) == \
            base[MERGE_STRESS_TENSOR][0, j].view(torch.int16)
    md_cases = stress_entries(MAKEDELTA_STRESS, MAKEDELTA_STRESS_TENSOR, base, target, "target_f16")
    for j, e in enumerate(md_cases):
        e["expected_make_delta_f16"] = jsonable_float(make_delta[MAKEDELTA_STRESS_TENSOR][0, j])
        e["expected_make_delta_f16_bits"] = "0x%04x" % bits16(make_delta[MAKEDELTA_STRESS_TENSOR][0, j])
        # in the published delta this entry is left as computed by make_delta
        e["delta_f16"] = jsonable_float(delta[MAKEDELTA_STRESS_TENSOR][0, j])

    manifest = {
        "seed": SEED,
        "torch_version": torch.__version__.split("+")[0],
        "sentencepiece_version": spm.__version__,
        "vocab_size_base": V,
        "vocab_size_finetuned": V1,
        "pad_token": PAD_TOKEN,
        "pad_token_id": V,
        "hidden_size": HIDDEN,
        "intermediate_size": INTERMEDIATE,
        "num_hidden_layers": N_LAYERS,
        "num_attention_heads": N_HEADS,
        "meta_params": params,
        "tokenizer_sample": {"text": sample, "ids": sample_ids},
        "tensors_base": {k: list(v.shape) for k, v in base.items()},
        "tensors_base_bin_extra": {k: {"shape": list(v.shape), "dtype": "float32"}
                                   for k, v in base_full.items() if k not in base},
        "tensors_finetuned": {k: list(v.shape) for k, v in target.items()},
        "tensors_meta": {k: list(v.shape) for k, v in meta.items()},
        "tensors_meta_mp2_shard": {k: list(v.shape) for k, v in meta_shards[0].items()},
        "base_bin_shards": {f: [k for k, v in index["weight_map"].items() if v == f] for f in shard_files},
        "merge_stress": merge_cases,
        "make_delta_stress": md_cases,
        "notes": [
            "delta/ == expected/make-delta except at merge_stress positions (overwritten in the published delta).",
            "Row V of embed_tokens/lm_head is the [PAD] token; the base is resized with a ZERO row before merging.",
            "base-bin/ and base-f32/ contain fp32 model.layers.*.self_attn.rotary_emb.inv_freq; merges drop them.",
            "merge-f16 is the expected output for every fp16-valued base: base-safetensors, base-bin, base-f32, base-meta, base-meta-mp2.",
            "merge-f16-from-bf16 is the expected fp16 output for base-bf16 (values went through bfloat16).",
            "merge-bf16 / merge-f32 are computed from the fp16 base values: bf16/f32(f32(base) + f32(delta)).",
        ],
        "checksums_bad": {"file": "checksums/base-bin.bad.sha256", "altered_entry": altered},
        "bad": bad_info,
    }
    dump_json(os.path.join(tiny, "manifest.json"), manifest)

    # -- summary ------------------------------------------------------------
    total = 0
    nfiles = 0
    for root, _dirs, files in os.walk(out):
        for fn in files:
            total += os.path.getsize(os.path.join(root, fn))
            nfiles += 1
    print("tokenizer: V=%d (finetuned V+1=%d), sample ids %s" % (V, V1, sample_ids))
    print("wrote %d files, %.1f KiB under %s" % (nfiles, total / 1024.0, out))
    for name in written:
        print("  tiny/%s" % name)
    print("  tiny/checksums/base-bin.bad.sha256, tiny/manifest.json, bad/evil.bin, bad/unknown-opcode.bin")


if __name__ == "__main__":
    sys.exit(main())
