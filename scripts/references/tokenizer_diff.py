#!/usr/bin/python3
"""Differential test data for DeltaMerge's tokenizer: generated strings with real SentencePiece's ids.

Usage (Debian's /usr/bin/python3 with python3-sentencepiece 0.1.97), from scripts/references/:
  tokenizer_diff.py train          trains tests/fixtures/sentencepiece/bpe-8k and bpe-odd (once; the models are
                                   committed: their corpus is this machine's Debian texts)
  tokenizer_diff.py generate OUT.jsonl [--count N] [--seed S] [--no-prose]
                                   N generated strings (default 100000) plus every prose line of the corpus, each
                                   with SentencePiece's ids for every fixture vocabulary
  tokenizer_diff.py fixture [OUT]  rewrites tests/fixtures/sentencepiece/diff/strings.jsonl (or writes OUT): the
                                   first strings of the same seeded stream (what `dotnet test` checks)
  tokenizer_diff.py bench TEXT_FILE
                                   SentencePiece's encoding speed on one long text (JSON on stdout)

One JSON object per line: {"category", "text", "ids": {VOCAB: [...]}, "hf": {VOCAB: [...]}, "decode": {VOCAB: str}}.
`ids` are `sp.encode(text)` (no BOS); `decode` is `sp.decode(ids)`, present only where it is not the text with U+2581
read as a space; `hf` is present when the text contains an added or special token: transformers 4.28's slow
LlamaTokenizer ids (split on <unk> <s> </s> [PAD], whitespace around the plain-string [PAD] stripped, each stretch
encoded on its own). The generator is seeded and deterministic; prose comes from /usr/share/common-licenses and
/usr/share/doc, read in sorted order.
"""
import gzip
import json
import os
import random
import sys
import time

import sentencepiece as spm

from hf_tokenize import legacy_v428_ids

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
VOCABS = {
    "tiny": os.path.join(FIXTURES, "tiny", "delta"),
    "bpe8k": os.path.join(FIXTURES, "sentencepiece", "bpe-8k"),
    "odd": os.path.join(FIXTURES, "sentencepiece", "bpe-odd"),
}
FIXTURE_FILE = os.path.join(FIXTURES, "sentencepiece", "diff", "strings.jsonl")
FIXTURE_COUNT = 2000      # generated strings in the committed subset
FIXTURE_PROSE = 200       # prose lines in the committed subset
DEFAULT_SEED = 20261202
CORPUS_LIMIT = 6_000_000  # characters of prose read at most

# --------------------------------------------------------------------------------------------- corpus

def corpus_files():
    files = []
    for base in ("/usr/share/common-licenses", "/usr/share/doc"):
        for directory, _, names in sorted(os.walk(base)):
            for name in sorted(names):
                path = os.path.join(directory, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                if name.endswith((".gz", ".html", ".htm", ".png", ".svg", ".jpg", ".pdf", ".css", ".js", ".json")):
                    continue
                files.append(path)
    return files


def corpus_lines():
    """Non-empty lines of the prose corpus, in file order, up to CORPUS_LIMIT characters."""
    lines, total = [], 0
    for path in corpus_files():
        try:
            with open(path, "rb") as f:
                data = f.read(400_000)
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "\x00" in text:
            continue
        for line in text.split("\n"):
            if line.strip():
                lines.append(line)
                total += len(line)
        if total >= CORPUS_LIMIT:
            break
    return lines

# --------------------------------------------------------------------------------------------- training

ODD_USER_DEFINED = ["<br>", "[[", "]]", "ss", "http://"]


def train():
    """bpe-8k: LLaMA's options. bpe-odd: what LLaMA lacks (user-defined pieces, unused pieces, no byte fallback)."""
    corpus = os.path.join(FIXTURES, "sentencepiece", "corpus.txt.tmp")
    with open(corpus, "w", encoding="utf-8") as f:
        for line in corpus_lines():
            f.write(line + "\n")
    try:
        train_model(corpus, VOCABS["bpe8k"], vocab_size=8000, byte_fallback=True)
        train_model(corpus, VOCABS["odd"], vocab_size=3000, byte_fallback=False, user_defined_symbols=ODD_USER_DEFINED)
        mark_unused(os.path.join(VOCABS["odd"], "tokenizer.model"))
    finally:
        os.remove(corpus)


def train_model(corpus, out_dir, **options):
    os.makedirs(out_dir, exist_ok=True)
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=os.path.join(out_dir, "tokenizer"), model_type="bpe",
        # LLaMA's options (its tokenizer.model's trainer_spec/normalizer_spec)
        character_coverage=0.99995, split_digits=True, allow_whitespace_only_pieces=True,
        add_dummy_prefix=True, remove_extra_whitespaces=False, normalization_rule_name="identity",
        split_by_unicode_script=True, split_by_whitespace=True, max_sentence_length=16384,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, num_threads=1, input_sentence_size=0, shuffle_input_sentence=False,
        **options)
    os.remove(os.path.join(out_dir, "tokenizer.vocab"))
    sp = spm.SentencePieceProcessor(model_file=os.path.join(out_dir, "tokenizer.model"))
    n = sp.vocab_size()
    # A Hugging Face directory like MT-LLaMA's: [PAD] added behind the model, a plain string in special_tokens_map.json.
    tiny = VOCABS["tiny"]
    for name in ("special_tokens_map.json", "tokenizer_config.json"):
        with open(os.path.join(tiny, name), "rb") as src, open(os.path.join(out_dir, name), "wb") as dst:
            dst.write(src.read())
    write_json(os.path.join(out_dir, "added_tokens.json"), {"[PAD]": n})
    with open(os.path.join(tiny, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    config["vocab_size"] = n + 1
    write_json(os.path.join(out_dir, "config.json"), config)
    print(f"trained {n} pieces into {out_dir}")


def mark_unused(path):
    """Every 7th merged piece becomes UNUSED: SentencePiece still merges through it, then splits it back."""
    from sentencepiece import sentencepiece_model_pb2 as pb  # python3-protobuf
    proto = pb.ModelProto()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    marked = 0
    for i, piece in enumerate(proto.pieces):
        if piece.type == pb.ModelProto.SentencePiece.NORMAL and len(piece.piece) > 1 and i % 7 == 0 and i < len(proto.pieces) - 1:
            piece.type = pb.ModelProto.SentencePiece.UNUSED
            marked += 1
    with open(path, "wb") as f:
        f.write(proto.SerializeToString())
    print(f"{marked} pieces marked unused in {path}")


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, sort_keys=True, ensure_ascii=False)
        f.write("\n")

# --------------------------------------------------------------------------------------------- generator

LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
DIGITS = "0123456789"
SPACES = [" ", " ", " ", "\t", "\n", "\r", "\u00a0", "\u3000", "\u2581", "\u200b", "\u2009"]
SCRIPTS = [
    "αβγδεζηθικλμνξοπρστυφχψω", "абвгдежзийклмнопрстуфхцчшщъыьэюя", "אבגדהוזחטיכלמנסעפצקרשת",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "अआइईउऊएऐओऔकखगघचछजझटठडढणतथदधनपफबभमयरलवशषसह",
    "日本語の文章を書く漢字平仮名片仮名", "中文汉字测试简体繁體", "한국어텍스트", "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿœš",
    "😀😃😄😁😆🙂🤔👍🎉🔥🌍🚀", "∀∂∃∅∇∈∉∋∏∑−∗√∝∞∠∧∨∩∪∫≈≠≡≤≥⊂⊃", "—–‘’“”…•‹›«»€£¥©®™°±§¶",
]
ADDED = ["[PAD]", "<s>", "</s>", "<unk>"]
WORDS = ["the", "and", "license", "software", "copyright", "of", "to", "in", "you", "for", "is", "that", "with",
         "program", "source", "code", "GNU", "General", "Public", "any", "work", "under", "this", "or", "a", "I"]

# Code points that need byte fallback with LLaMA-like vocabularies: every plane, controls, private use, specials.
RARE_RANGES = [(0x01, 0x1F), (0x7F, 0x9F), (0x0100, 0x07FF), (0x0800, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x1FFFF),
               (0x20000, 0x2FFFF), (0xE0000, 0xE01EF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD)]


def rare_char(rng):
    lo, hi = rng.choice(RARE_RANGES)
    return chr(rng.randint(lo, hi))


def some_char(rng):
    kind = rng.random()
    if kind < 0.35:
        return rng.choice(LATIN)
    if kind < 0.55:
        return rng.choice(PUNCT)
    if kind < 0.65:
        return rng.choice(DIGITS)
    if kind < 0.80:
        return rng.choice(SPACES)
    if kind < 0.93:
        return rng.choice(rng.choice(SCRIPTS))
    return rare_char(rng)


def run_length(rng):
    r = rng.random()
    if r < 0.6:
        return rng.randint(1, 12)
    if r < 0.9:
        return rng.randint(13, 64)
    return rng.randint(65, 400)


def word(rng):
    return rng.choice(WORDS) if rng.random() < 0.6 else "".join(rng.choice(LATIN[:26]) for _ in range(rng.randint(1, 10)))


def surround(rng, core):
    """Puts a generated core between words, at the start, at the end, or alone."""
    r = rng.random()
    if r < 0.25:
        return core
    if r < 0.5:
        return word(rng) + core
    if r < 0.75:
        return core + word(rng)
    return word(rng) + rng.choice(["", " "]) + core + rng.choice(["", " "]) + word(rng)


def gen_repeat_one(rng, prose):
    return surround(rng, some_char(rng) * run_length(rng))


def gen_repeat_two(rng, prose):
    a, b = some_char(rng), some_char(rng)
    if rng.random() < 0.5:
        return surround(rng, (a + b) * max(1, run_length(rng) // 2))
    return surround(rng, "".join(rng.choice((a, b)) for _ in range(run_length(rng))))


def gen_whitespace(rng, prose):
    parts = []
    for _ in range(rng.randint(1, 6)):
        parts.append("".join(rng.choice(SPACES[:6]) for _ in range(run_length(rng) if rng.random() < 0.3 else rng.randint(1, 8))))
        parts.append(word(rng) if rng.random() < 0.8 else "")
    if rng.random() < 0.5:
        parts.reverse()
    return "".join(parts)


def gen_punctuation(rng, prose):
    pool = rng.sample(PUNCT, rng.randint(1, 4))
    return surround(rng, "".join(rng.choice(pool) for _ in range(run_length(rng))))


def gen_mixed_scripts(rng, prose):
    parts = []
    for _ in range(rng.randint(1, 8)):
        script = rng.choice(SCRIPTS + [LATIN, DIGITS, PUNCT])
        parts.append("".join(rng.choice(script) for _ in range(rng.randint(1, 10))))
        parts.append(rng.choice(["", " ", "  ", "\t", "-", "\n"]))
    return "".join(parts)


def gen_rare(rng, prose):
    return surround(rng, "".join(rare_char(rng) if rng.random() < 0.7 else some_char(rng) for _ in range(rng.randint(1, 12))))


def gen_long_word(rng, prose):
    r = rng.random()
    if r < 0.4:
        return "".join(rng.choice(LATIN[:26]) for _ in range(rng.randint(40, 600)))
    if r < 0.7:
        return "".join(word(rng) for _ in range(rng.randint(10, 80)))
    w = word(rng)
    return w * rng.randint(5, 60)


def gen_added_tokens(rng, prose):
    parts = []
    for _ in range(rng.randint(1, 5)):
        r = rng.random()
        if r < 0.45:
            parts.append(rng.choice(ADDED))
        elif r < 0.55:
            token = rng.choice(ADDED)
            parts.append(token[: rng.randint(1, len(token) - 1)])  # a partial token is plain text
        elif r < 0.8:
            parts.append("".join(rng.choice(SPACES[:6]) for _ in range(rng.randint(1, 4))))
        else:
            parts.append(word(rng))
    return "".join(parts)


def gen_user_defined(rng, prose):
    parts = []
    for _ in range(rng.randint(1, 6)):
        r = rng.random()
        parts.append(rng.choice(ODD_USER_DEFINED) if r < 0.5 else rng.choice(["", " ", "  ", "s", "<", "["]) if r < 0.7 else word(rng))
    return "".join(parts)


def gen_digits(rng, prose):
    return surround(rng, "".join(rng.choice(DIGITS + ".,-+ ") for _ in range(rng.randint(1, 30))))


def gen_prose_mutated(rng, prose):
    line = rng.choice(prose)
    if len(line) > 300:
        start = rng.randrange(len(line) - 300)
        line = line[start:start + 300]
    chars = list(line)
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(chars))
        insert = some_char(rng) * rng.randint(1, 20) if rng.random() < 0.7 else rng.choice(ADDED)
        chars[at:at] = [insert]
    return "".join(chars)


def gen_prose_window(rng, prose):
    i = rng.randrange(len(prose))
    return "\n".join(prose[i:i + rng.randint(1, 4)])


GENERATORS = [
    ("repeat_one", 16, gen_repeat_one), ("repeat_two", 12, gen_repeat_two), ("whitespace", 12, gen_whitespace),
    ("punctuation", 10, gen_punctuation), ("mixed_scripts", 8, gen_mixed_scripts), ("rare_code_points", 8, gen_rare),
    ("long_word", 6, gen_long_word), ("added_tokens", 8, gen_added_tokens), ("digits", 4, gen_digits),
    ("user_defined", 3, gen_user_defined),
    ("prose_mutated", 10, gen_prose_mutated), ("prose_window", 6, gen_prose_window),
]


def generate_strings(count, seed, prose):
    rng = random.Random(seed)
    names = [g[0] for g in GENERATORS]
    weights = [g[1] for g in GENERATORS]
    functions = {g[0]: g[2] for g in GENERATORS}
    for _ in range(count):
        name = rng.choices(names, weights)[0]
        yield name, functions[name](rng, prose)

# --------------------------------------------------------------------------------------------- reference ids

def hf_legacy_ids(sp, text, pad_id):
    """transformers 4.28 slow LlamaTokenizer: split on <unk> <s> </s> [PAD]; strip around [PAD] (a plain string)."""
    specials = {"<unk>": sp.unk_id(), "<s>": sp.bos_id(), "</s>": sp.eos_id(), "[PAD]": pad_id}
    return legacy_v428_ids(sp, text, specials)


def processors():
    result = {}
    for name, directory in VOCABS.items():
        sp = spm.SentencePieceProcessor(model_file=os.path.join(directory, "tokenizer.model"))
        with open(os.path.join(directory, "added_tokens.json"), encoding="utf-8") as f:
            pad = json.load(f)["[PAD]"]
        result[name] = (sp, pad)
    return result


def record(category, text, sps):
    entry = {"category": category, "text": text, "ids": {name: sp.encode(text) for name, (sp, _) in sps.items()}}
    # sp.decode(ids) is the text with U+2581 read as a space, except where normalization changed it; only then stored.
    decodes = {name: sp.decode(entry["ids"][name]) for name, (sp, _) in sps.items()}
    changed = {name: d for name, d in decodes.items() if d != text.replace("\u2581", " ")}
    if changed:
        entry["decode"] = changed
    if any(t in text for t in ADDED):
        entry["hf"] = {name: hf_legacy_ids(sp, text, pad) for name, (sp, pad) in sps.items()}
    return entry


def write_records(path, count, seed, prose_count):
    sps = processors()
    prose = corpus_lines()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        def put(category, text):
            nonlocal n
            f.write(json.dumps(record(category, text, sps), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
            n += 1
        for category, text in generate_strings(count, seed, prose):
            put(category, text)
        # prose_count: that many lines spread over the corpus; 0: every line; -1: none
        lines = prose if prose_count == 0 else [] if prose_count < 0 else prose[::max(1, len(prose) // prose_count)][:prose_count]
        for line in lines:
            put("prose_line", line)
    return n, len(prose)


def bench(path):
    with open(path, encoding="utf-8", newline="") as f:  # "\r" stays "\r", as .NET reads it
        text = f.read()
    result = {}
    for name, (sp, _) in processors().items():
        sp.encode(text)  # warm up
        best, tokens = None, 0
        for _ in range(10):
            t0 = time.perf_counter()
            tokens = len(sp.encode(text))
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
        result[name] = {"chars": len(text), "tokens": tokens, "seconds": best, "tokens_per_second": tokens / best}
    json.dump({"sentencepiece": spm.__version__, "vocabularies": result}, sys.stdout, indent=2)
    print()


def main(argv):
    if not argv:
        sys.exit(__doc__)
    command = argv[0]
    if command == "train":
        train()
    elif command == "generate":
        out = argv[1]
        count = int(argv[argv.index("--count") + 1]) if "--count" in argv else 100_000
        seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else DEFAULT_SEED
        n, prose = write_records(out, count, seed, -1 if "--no-prose" in argv else 0)
        print(f"{n} strings ({count} generated, seed {seed}, {prose} prose lines) -> {out}")
    elif command == "fixture":
        out = argv[1] if len(argv) > 1 else FIXTURE_FILE
        n, _ = write_records(out, FIXTURE_COUNT, DEFAULT_SEED, FIXTURE_PROSE)
        print(f"{n} strings -> {out}")
    elif command == "bench":
        bench(argv[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
