#!/usr/bin/python3
"""The MT-LLaMA zero-shot protocol in plain Python on the tiny merged model: the expected records of `deltamerge eval`.

Usage (Debian's interpreter: torch 1.13, sentencepiece):

    /usr/bin/python3 scripts/references/reference_eval.py          # (re)write tests/fixtures/eval/expected/tiny_protocol.json
    /usr/bin/python3 scripts/references/reference_eval.py --check  # recompute and compare

Independent of the C# code: prompts are built here from the protocol's strings, ids are [2] + sp.encode(prompt)
(the authors' bos_token is </s>), greedy decoding is a full recompute with scripts/references/reference_forward.py's
LlamaForCausalLM forward (fp32, stress elements zeroed) stopping only at id 13 or after 64 tokens, the output is
sp.decode(prompt + generated without </s> and [PAD]) minus sp.decode(prompt), and the label/QA scoring is
scripts/fixtures/eval_scoring.py's restatement of the authors' code. Deterministic: one thread, sorted keys.
"""

import argparse
import json
import os
import sys

import sentencepiece as spm
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures"))
import eval_scoring as fe  # noqa: E402
import reference_forward as rf  # noqa: E402

EVAL = os.path.join(rf.ROOT, "tests", "fixtures", "eval")
OUT = os.path.join("expected", "tiny_protocol.json")  # inside the evaluation fixture directory
SYSTEM = ("A chat between a curious human and an artificial intelligence assistant. "
          "The assistant gives helpful, detailed, and polite answers to the human's questions.")
AUTHORS_BOS, NEWLINE, PAD, MAX_NEW = 2, 13, 384, 64


def wrap(text):
    return SYSTEM + "### Human: " + text + "### Assistant:"


def prompt_of(task, r):
    if task == "copa":
        link = " This happened because... " if r["question"] == "cause" else " As a consequence... "
        return wrap(r["premise"] + link + "Help me pick the more plausible option: - " + r["choice1"] + ". - " + r["choice2"])
    if task == "rte":
        return wrap('Given %s Is it guaranteed true that "%s"? Yes or no?' % (r["premise"], r["hypothesis"]))
    if task == "mnli":
        return wrap(r["premise"] + " Question: Does this imply that " + r["hypothesis"] + "? Please response with 'Yes', 'No', or 'Maybe'.")
    if task == "sst2":
        return r["sentence"] + " Based on this review, would the user recommend this product? No or Yes?"
    if task == "winogrande":
        return wrap(r["sentence"] + " In the previous sentence, does _ refer to " + r["option1"] + " or " + r["option2"] + "?")
    if task == "wic":
        return wrap('Does the word "%s" have the same meaning in these two sentences? Yes, No? %s %s' % (r["word"], r["sentence1"], r["sentence2"]))
    if task == "openbookqa":
        choices = dict(zip(r["choices"]["label"], r["choices"]["text"]))
        return wrap(r["question_stem"] + " Which is the correct answer? - (A) %s - (B) %s - (C) %s - (D) %s" % tuple(choices[k] for k in "ABCD"))
    if task in ("squad", "xquad", "tydiqa", "mlqa"):
        return ("Answer the question according to the context. Question: %s. Context: %s. Answer:"
                % (r["question"], fe.squad_doc_context(r["context"])))
    raise ValueError(task)


# (task, file, gold class of a row, the file's own label for a class)
TASKS = [
    ("copa", "copa.jsonl", lambda r: r["label"], lambda c: c),
    ("rte", "rte.jsonl", lambda r: r["label"], lambda c: c),
    ("mnli", "mnli.jsonl", lambda r: {1: 0, 0: 1, 2: 2}[r["label"]], lambda c: [1, 0, 2][c]),
    ("sst2", "sst2.jsonl", lambda r: r["label"], lambda c: c),
    ("squad", "squad.jsonl", None, None),
    ("winogrande", "winogrande.jsonl", lambda r: int(r["answer"]) - 1, lambda c: str(c + 1)),
    ("wic", "wic.jsonl", lambda r: int(r["label"]), lambda c: c),
    ("openbookqa", "openbookqa.jsonl", lambda r: "ABCD".index(r["answerKey"]), lambda c: "ABCD"[c]),
    ("xquad", "xquad.en.json", None, None),
    ("tydiqa", "tydiqa.goldp.en.dev.json", None, None),
    ("mlqa", "test-context-en-question-en.json", None, None),
]
QA = ("squad", "xquad", "tydiqa", "mlqa")


def read_rows(fn):
    """JSON Lines, or SQuAD v1.1 nested JSON flattened to (context, question, answers) rows in file order."""
    path = os.path.join(EVAL, fn)
    if fn.endswith(".jsonl"):
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    rows = []
    for article in doc["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                rows.append({"context": paragraph["context"], "question": qa["question"],
                             "answers": {"text": [a["text"] for a in qa["answers"]]}})
    return rows


def greedy(W, cfg, ids):
    seq, out, margins = list(ids), [], []
    while len(out) < MAX_NEW:
        assert len(seq) < cfg["max_position_embeddings"], "a fixture prompt is too long for the tiny model"
        last = rf.forward(W, cfg, seq)[-1]
        top = torch.topk(last, 2)
        nxt = int(torch.argmax(last))
        margins.append(float(top.values[0] - top.values[1]))
        out.append(nxt)
        seq.append(nxt)
        if nxt == NEWLINE:
            break
    return out, min(margins)


def build():
    torch.set_num_threads(1)
    with open(os.path.join(rf.DELTA_DIR, "tokenizer.model"), "rb") as f:
        sp = spm.SentencePieceProcessor(model_proto=f.read())
    with open(os.path.join(rf.DELTA_DIR, "config.json")) as f:
        cfg = json.load(f)
    # The tests raise the tiny model's context (rotary positions need no weights): wrapped prompts are ~300 tokens.
    cfg["max_position_embeddings"] = 2048
    W_raw, _, _ = rf.load_model_dir(os.path.join(rf.TINY, "expected", "merge-f32"), os.path.join(rf.DELTA_DIR, "config.json"))
    W, _ = rf.sanitize(W_raw)

    def decode(ids):
        return sp.decode([i for i in ids if i not in (AUTHORS_BOS, PAD)])

    result = {}
    for task, fn, gold_of, own_label in TASKS:
        rows = read_rows(fn)
        records, fallbacks, min_margin = [], 0, float("inf")
        for i, r in enumerate(rows):
            prompt = prompt_of(task, r)
            ids = ([AUTHORS_BOS] + sp.encode(prompt))[:1024] if task in QA else [AUTHORS_BOS] + sp.encode(prompt)
            gen, margin = greedy(W, cfg, ids)
            min_margin = min(min_margin, margin)
            full, ptext = decode(ids + gen), decode(ids)
            rec = {"index": i, "prompt": prompt}
            if task in QA:
                output = full.replace(ptext, "").strip()
                pred = fe.answer_from_output(output)
                fallbacks += "None" in output
                golds = r["answers"]["text"]
                mlqa = task == "mlqa"
                rec.update(output=output, prediction=pred, f1=float(max(fe.f1(pred, g, mlqa) for g in golds)),
                           exact_match=max(fe.em(pred, g, mlqa) for g in golds))
            else:
                output = full[len(ptext):].strip()
                if task == "copa":
                    cls = fe.string_compare(output.lower(), r["choice1"].lower(), r["choice2"].lower())
                elif task == "winogrande":
                    cls = fe.string_compare(output.lower(), r["option1"].lower(), r["option2"].lower())
                else:
                    cls, fell, _ = fe.extract(task, output)
                    fallbacks += fell
                prediction = own_label(cls)
                if isinstance(r.get("label"), bool):
                    prediction = bool(prediction)  # original WiC files use true/false: answer in the row's own encoding
                rec.update(output=output, prediction=prediction, correct=cls == gold_of(r))
            records.append(rec)
        n = len(records)
        if task in QA:
            metrics = {"task": task, "n": n, "f1": 100.0 * sum(x["f1"] for x in records) / n,
                       "exact_match": 100.0 * sum(x["exact_match"] for x in records) / n, "fallbacks": fallbacks}
        else:
            metrics = {"task": task, "mode": "generate", "n": n,
                       "accuracy": 100.0 * sum(x["correct"] for x in records) / n, "fallbacks": fallbacks}
        result[task] = {"file": fn, "records": records, "metrics": metrics, "min_greedy_margin": min_margin}
    return json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=EVAL, help="the evaluation fixture directory (default tests/fixtures/eval)")
    ap.add_argument("--check", action="store_true", help="compare with the file in --out instead of writing")
    args = ap.parse_args()
    out = os.path.join(args.out, OUT)
    text = build()
    if args.check:
        with open(out, encoding="utf-8") as f:
            same = f.read() == text
        print("OK" if same else "DIFFERENT " + out)
        return 0 if same else 1
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote " + out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
