#!/usr/bin/env python3
"""Scores JSON lines {"hypothesis", "references"} with the Python references, timed, for bench:eval.

Every metric of `keel-eval score`: NLTK 3.8 sentence_bleu (no smoothing, method1, method4) and
meteor_score with WordNet 3.0, plus the Python transcriptions of sacrebleu and rouge-score (with
NLTK's PorterStemmer) and the SQuAD v1.1 functions from packages/eval/scripts/generate-reference.py.
Prints one JSON line: cases, seconds for everything, and seconds for the NLTK-only part.
"""
import importlib.util
import json
import os
import sys
import time
import warnings

warnings.filterwarnings("ignore")
here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "reference", os.path.join(here, "..", "..", "..", "packages", "eval", "scripts", "generate-reference.py")
)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

from nltk.translate.bleu_score import SmoothingFunction, sentence_bleu  # noqa: E402
from nltk.translate.meteor_score import meteor_score  # noqa: E402

cases = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
wn = ref.open_wordnet()
sm = SmoothingFunction()
wn.synsets("warm")  # load the index before timing, as the TypeScript side loads WordNet before timing

t0 = time.perf_counter()
c0 = time.process_time()
nltk_seconds = 0.0
for c in cases:
    hyp, refs = c["hypothesis"], c["references"]
    n0 = time.perf_counter()
    h = hyp.split()
    rs = [r.split() for r in refs]
    sentence_bleu(rs, h)
    sentence_bleu(rs, h, smoothing_function=sm.method1)
    sentence_bleu(rs, h, smoothing_function=sm.method4)
    meteor_score(rs, h, wordnet=wn)
    nltk_seconds += time.perf_counter() - n0
    ref.sacre_sentence(hyp, refs)
    ref.rouge_multi(hyp, refs, False)
    ref.rouge_multi(hyp, refs, True)
    hyp in refs
    max(ref.normalize_answer(hyp) == ref.normalize_answer(r) for r in refs)
    max(ref.squad_f1(hyp, r) for r in refs)
total = time.perf_counter() - t0
cpu = time.process_time() - c0
print(json.dumps({"cases": len(cases), "seconds": total, "cpu_seconds": cpu, "nltk_seconds": nltk_seconds}))
