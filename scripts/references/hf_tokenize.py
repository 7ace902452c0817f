"""transformers 4.28's slow LlamaTokenizer around SentencePiece, restated (standard library only): the reference ids
for text containing added or special tokens. Used by reference_forward.py and tokenizer_diff.py."""


def split_on(text, tokens):
    """transformers Trie.split: leftmost, then longest match; returns segments incl. the tokens."""
    out, i, start = [], 0, 0
    longest_first = sorted(tokens, key=len, reverse=True)
    while i < len(text):
        m = next((t for t in longest_first if text.startswith(t, i)), None)
        if m is None:
            i += 1
            continue
        if i > start:
            out.append(text[start:i])
        out.append(m)
        i += len(m)
        start = i
    if start < len(text):
        out.append(text[start:])
    return out


def legacy_v428_ids(sp, text, specials, plain="[PAD]"):
    """LlamaTokenizer.tokenize (legacy) + convert_tokens_to_ids: split on every no-split token of `specials`
    (text -> id); whitespace on both sides of `plain` (a plain string in special_tokens_map.json) is stripped, the
    others are AddedToken objects with lstrip = rstrip = False; empty segments dropped; every other segment
    sp.encode'd on its own (each gets the dummy prefix)."""
    segs = split_on(text, list(specials))
    for i, s in enumerate(segs):
        if s == plain:
            if i + 1 < len(segs) and segs[i + 1] not in specials:
                segs[i + 1] = segs[i + 1].lstrip()
            if i > 0 and segs[i - 1] not in specials:
                segs[i - 1] = segs[i - 1].rstrip()
    ids = []
    for s in segs:
        if not s:
            continue
        ids += [specials[s]] if s in specials else sp.encode(s)
    return ids
