#!/usr/bin/python3
"""Expected values for DeltaMerge's evaluation tests, computed with Python's own difflib, str and re.

Usage (either interpreter; only the standard library is needed):

    /usr/bin/python3 scripts/fixtures_eval.py          # (re)write tests/fixtures/eval/expected/*.json and squad-long.json
    /usr/bin/python3 scripts/fixtures_eval.py --check  # recompute and compare with the committed files

The scoring functions below restate MT-LLaMA's evaluation code (mCLS/train-CLS.py label extraction and
string_compare, the SQuAD v1.1 and MLQA v1 official normalisation / F1 / EM) so that the C# port is checked
against Python's semantics: str.lower, str.split, str.strip, re's Unicode \\b, unicodedata categories and
difflib.SequenceMatcher.quick_ratio. Deterministic: sorted keys, no timestamps.
"""

import argparse
import difflib
import json
import os
import re
import string
import sys
import unicodedata
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "eval")

# --- label words, as the authors' label_dict (insertion order) -------------------------------------------
LABEL_WORDS = {
    "mnli": [("maybe", 0), ("yes", 1), ("no", 2), ("a", 0), ("b", 1), ("c", 2), ("inconclusive", 0), ("true", 1), ("false", 2)],
    "rte": [("yes", 0), ("no", 1)],
    "wic": [("no", 0), ("yes", 1)],
    "sst2": [("1", 0), ("2", 0), ("4", 1), ("5", 1), ("\u2605", 0), ("\u2605\u2605", 0), ("\u2605\u2605\u2605\u2605", 1),
             ("\u2605\u2605\u2605\u2605\u2605", 1), ("no", 0), ("yes", 1)],
    "openbookqa": [("1.", 0), ("2.", 1), ("3.", 2), ("4.", 3), ("a", 0), ("b", 1), ("c", 2), ("d", 3),
                   ("(a)", 0), ("(b)", 1), ("(c)", 2), ("(d)", 3)],
}


def extract(task, output):
    pred_text = output.lower()
    for word, cls in LABEL_WORDS[task]:
        if word in pred_text:
            return cls, False, word
    return 0, True, None


def string_compare(s, s1, s2):
    score1 = difflib.SequenceMatcher(None, s, s1).quick_ratio()
    score2 = difflib.SequenceMatcher(None, s, s2).quick_ratio()
    return 0 if score1 >= score2 else 1


# --- SQuAD v1.1 and MLQA (en) ------------------------------------------------------------------------------
PUNCT = {chr(i) for i in range(sys.maxunicode) if unicodedata.category(chr(i)).startswith("P")}.union(string.punctuation)


def normalize(s, mlqa):
    s = s.lower()
    exclude = PUNCT if mlqa else set(string.punctuation)
    s = "".join(ch for ch in s if ch not in exclude)
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def f1(pred, gold, mlqa):
    p = normalize(pred, mlqa).split()
    g = normalize(gold, mlqa).split()
    common = Counter(p) & Counter(g)
    same = sum(common.values())
    if same == 0:
        return 0
    precision = 1.0 * same / len(p)
    recall = 1.0 * same / len(g)
    return (2 * precision * recall) / (precision + recall)


def em(pred, gold, mlqa):
    return float(normalize(pred, mlqa) == normalize(gold, mlqa))


def answer_from_output(output):
    return "" if "None" in output else output.strip()


def squad_doc_context(context):
    """transformers' SquadExample doc_tokens joined by single spaces (_is_whitespace: space, tab, CR, LF, U+202F)."""
    tokens, prev_ws = [], True
    for c in context:
        if c in (" ", "\t", "\r", "\n") or ord(c) == 0x202F:
            prev_ws = True
        else:
            if prev_ws:
                tokens.append(c)
            else:
                tokens[-1] += c
            prev_ws = False
    return " ".join(tokens)


# --- cases ------------------------------------------------------------------------------------------------
QUICK_RATIO_PAIRS = [
    ("", ""), ("", "abc"), ("abc", ""), ("abc", "abc"), ("abc", "cba"), ("aab", "abb"),
    ("the sun was rising.", "the grass was cut."), ("the sun was rising", "the sun was rising."),
    ("sarah", "maria"), ("option 1: sarah", "maria"), ("café", "cafe"), ("日本語", "日本"),
    ("😀😀x", "😀x"), ("a\u0307", "a"), ("Upper Case", "upper case"), ("  spaced  ", "spaced"),
]

STRING_COMPARE_CASES = [
    ("The sun was rising.", "The sun was rising.", "The grass was cut."),
    ("the grass", "The sun was rising.", "The grass was cut."),
    ("", "abc", "abd"),                       # tie: first option
    ("Maria", "Sarah", "Maria"),
    ("SARAH", "Sarah", "Maria"),
    ("I think it is option 2", "trophy", "suitcase"),
    ("İstanbul", "istanbul", "ankara"),
]

LABEL_CASES = {
    "mnli": ["Yes", "No", "Maybe", "maybe yes no", "It is not clear", "Definitely!", "TRUE", "I cannot say", "", "Inconclusive."],
    "rte": ["Yes, it is.", "no", "Nope", "Not at all", "It is guaranteed", "YES NO", ""],
    "wic": ["Yes", "No, they differ", "yes and no", "Not the same", "Same meaning", ""],
    "sst2": ["Yes", "No", "5 stars", "\u2605\u2605\u2605\u2605\u2605", "\u2605", "I would not", "10/10", "2 thumbs up yes", "Sure!", ""],
    "openbookqa": ["(D) plants sprouting", "4. plants", "D", "The answer is (C)", "xyz", "1. 2.", ""],
}

QA_CASES = [
    ("Denver Broncos", ["Denver Broncos", "The Denver Broncos"]),
    ("the Denver Broncos!", ["Denver Broncos"]),
    ("Broncos", ["Denver Broncos"]),
    ("An apple a day", ["apple day"]),
    ("theater", ["the ater"]),
    ("Levi's Stadium", ["Levis Stadium", "Santa Clara"]),
    ("", ["Roman numerals"]),
    ("None", ["Roman numerals"]),
    ("I don't know. None of them.", ["x"]),
    ("  Santa   Clara,  California ", ["Santa Clara, California"]),
    ("\u201cOut of many, one\u201d", ["Out of many, one"]),
    ("Out of many \u2014 one", ["Out of many, one"]),
    ("\u00bfD\u00f3nde?", ["d\u00f3nde"]),
    ("a the an", ["the"]),
    ("1782.", ["1782"]),
    ("the the the", ["the cat"]),
    ("cat cat dog", ["cat dog dog"]),
    ("\u00c9COLE", ["\u00e9cole"]),
    ("x_the_y the_", ["x the y"]),
]

CONTEXTS = [
    "Super Bowl 50 was an American football game. The  Denver Broncos\tdefeated the Carolina Panthers\n24-10.",
    "  The game was played at Levi's Stadium\u202fin Santa Clara.  ",
    "It was the first Super Bowl\u00a0to avoid Roman numerals.",
    "\n\n",
    "a\r\nb",
]


def build():
    files = {}
    files["expected/quick_ratio.json"] = {
        "pairs": [{"a": a, "b": b, "ratio": difflib.SequenceMatcher(None, a, b).quick_ratio()} for a, b in QUICK_RATIO_PAIRS],
        "string_compare": [{"output": o, "option1": a, "option2": b, "choice": string_compare(o.lower(), a.lower(), b.lower())}
                           for o, a, b in STRING_COMPARE_CASES],
    }
    files["expected/label_extraction.json"] = {
        task: [dict(zip(("class", "fallback", "word"), extract(task, o)), output=o) for o in outputs]
        for task, outputs in LABEL_CASES.items()
    }
    qa = []
    for output, golds in QA_CASES:
        pred = answer_from_output(output)
        qa.append({
            "output": output, "golds": golds, "prediction": pred,
            "squad_normalized": normalize(pred, False), "mlqa_normalized": normalize(pred, True),
            "squad_f1": max(f1(pred, g, False) for g in golds), "squad_em": max(em(pred, g, False) for g in golds),
            "mlqa_f1": max(f1(pred, g, True) for g in golds), "mlqa_em": max(em(pred, g, True) for g in golds),
        })
    files["expected/qa_scores.json"] = {"cases": qa}
    files["expected/qa_context.json"] = {"cases": [{"context": c, "rebuilt": squad_doc_context(c)} for c in CONTEXTS]}
    # A context far longer than 1024 tokens: the QA prompt loses its end (". Answer:") to truncation.
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett"]
    long_context = " ".join("%s%d" % (words[i % len(words)], i) for i in range(1500))
    files["squad-long.json"] = {"version": "1.1", "data": [{"title": "Long", "paragraphs": [{"context": long_context, "qas": [
        {"id": "long-1", "question": "Which word comes first?", "answers": [{"answer_start": 0, "text": "alpha0"}]}]}]}]}
    return {name: json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n" for name, obj in files.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = ap.parse_args()
    bad = 0
    for name, text in sorted(build().items()):
        path = os.path.join(OUT, name)
        if args.check:
            with open(path, encoding="utf-8") as f:
                if f.read() != text:
                    print("differs: " + path)
                    bad += 1
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print("wrote " + path)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
