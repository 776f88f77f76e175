#!/usr/bin/env python3
"""Generates the reference values the @keel/eval metric tests compare against.

Run with Debian's NLTK 3.8 and WordNet 3.0 (no pip):
    apt-get install -y python3-nltk wordnet-base
    /usr/bin/python3 packages/eval/scripts/generate-reference.py

What is a real reference here and what is a transcription:
- BLEU (sentence/corpus, smoothing methods), METEOR and the Porter stemmer are NLTK 3.8 itself.
- METEOR's synonyms come from Debian's WordNet 3.0 (/usr/share/wordnet) read by NLTK's own
  WordNetCorpusReader; Debian omits the `lexnames` file NLTK insists on, so a temporary
  directory links the database files and adds the standard 45-line lexnames.
- sacrebleu and rouge-score cannot be installed here (no PyPI). `sacre_*` and `rouge_*` below are
  line-by-line transcriptions of sacrebleu 2.x (tokenizer_13a.py, tokenizer_re.py,
  metrics/bleu.py compute_bleu) and rouge-score (tokenize.py, rouge_scorer.py, scoring.py), run
  with Python's own `re` and NLTK's real PorterStemmer. They check the TypeScript port against
  Python's regex and whitespace semantics, not against an independent implementation; the tests
  also check the published worked examples from both projects' test suites.
- SQuAD: the normalize_answer / f1_score functions of the official v1.1 script, verbatim.
"""
import json
import math
import os
import random
import re
import string
import sys
import tempfile
from collections import Counter

import nltk
from nltk.corpus.reader.wordnet import WordNetCorpusReader
from nltk.stem.porter import PorterStemmer
from nltk.translate.bleu_score import SmoothingFunction, corpus_bleu, sentence_bleu
from nltk.translate.meteor_score import meteor_score

assert nltk.__version__ == "3.8", nltk.__version__
# KEEL_EVAL_REFERENCE_OUT writes elsewhere (fresh cases with another seed: argv[1]; count: argv[2]).
OUT = os.environ.get("KEEL_EVAL_REFERENCE_OUT") or os.path.join(os.path.dirname(__file__), "..", "src", "metrics", "__fixtures__")
WORDNET = "/usr/share/wordnet"
LEXNAMES = """adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body
noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location noun.motive
noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process noun.quantity noun.relation
noun.shape noun.state noun.substance noun.time verb.body verb.change verb.cognition verb.communication
verb.competition verb.consumption verb.contact verb.creation verb.emotion verb.motion verb.perception
verb.possession verb.social verb.stative verb.weather adj.ppl""".split()


def open_wordnet():
    d = tempfile.mkdtemp(prefix="wn30-")
    for name in os.listdir(WORDNET):
        os.symlink(os.path.join(WORDNET, name), os.path.join(d, name))
    with open(os.path.join(d, "lexnames"), "w") as f:
        for i, name in enumerate(LEXNAMES):
            f.write("%02d\t%s\t%d\n" % (i, name, {"adj": 3, "adv": 4, "noun": 1, "verb": 2}[name.split(".")[0]]))
    return WordNetCorpusReader(d, None)


class NoWordNet:
    def synsets(self, word):
        return []


# ---- sacrebleu 2.x transcription -------------------------------------------------------------
_RE13A = [
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
]


def tok13a(line):
    line = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ")
    if "&" in line:
        line = line.replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    line = " {} ".format(line)
    for r, repl in _RE13A:
        line = r.sub(repl, line)
    return " ".join(line.strip().split())


def _ngrams(tokens, n):
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def sacre_stats(hyp, refs, order=4):
    refs = [r for r in refs if r is not None and r != ""]
    assert refs
    ref_ngrams, ref_lens = Counter(), []
    for r in refs:
        toks = tok13a(r.rstrip()).split()
        ref_lens.append(len(toks))
        for n in range(1, order + 1):
            for g, c in _ngrams(toks, n).items():
                ref_ngrams[g] = max(ref_ngrams[g], c)
    toks = tok13a(hyp.rstrip()).split()
    closest_diff, ref_len = -1, -1
    for rl in ref_lens:
        diff = abs(len(toks) - rl)
        if closest_diff == -1 or diff < closest_diff:
            closest_diff, ref_len = diff, rl
        elif diff == closest_diff and rl < ref_len:
            ref_len = rl
    correct, total = [0] * order, [0] * order
    for n in range(1, order + 1):
        for g, c in _ngrams(toks, n).items():
            total[n - 1] += c
            if g in ref_ngrams:
                correct[n - 1] += min(c, ref_ngrams[g])
    return [len(toks), ref_len] + correct + total


def my_log(x):
    return -9999999999 if x == 0 else math.log(x)


def sacre_compute(correct, total, sys_len, ref_len, effective_order, order=4):
    bp = (math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0) if sys_len < ref_len else 1.0
    precisions = [0.0] * order
    if not any(correct):
        return 0.0
    smooth_mteval, eff_order = 1.0, order
    for n in range(1, order + 1):
        if total[n - 1] == 0:
            break
        if effective_order:
            eff_order = n
        if correct[n - 1] == 0:
            smooth_mteval *= 2
            precisions[n - 1] = 100.0 / (smooth_mteval * total[n - 1])
        else:
            precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1]
    return bp * math.exp(sum(my_log(p) for p in precisions[:eff_order]) / eff_order)


def sacre_sentence(hyp, refs):
    s = sacre_stats(hyp, refs)
    return sacre_compute(s[2:6], s[6:10], s[0], s[1], True)


def sacre_corpus(hyps, refss):
    tot = [0] * 10
    for h, rs in zip(hyps, refss):
        tot = [a + b for a, b in zip(tot, sacre_stats(h, rs))]
    return sacre_compute(tot[2:6], tot[6:10], tot[0], tot[1], False)


# ---- rouge-score transcription ---------------------------------------------------------------
_stemmer = PorterStemmer()


def rouge_tokenize(text, stem):
    text = re.sub(r"[^a-z0-9]+", " ", text.lower())
    tokens = re.split(r"\s+", text)
    if stem:
        tokens = [_stemmer.stem(x) if len(x) > 3 else x for x in tokens]
    return [x for x in tokens if re.match(r"^[a-z0-9]+$", x)]


def _f(p, r):
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def rouge_n(t, p, n):
    tn, pn = _ngrams(t, n), _ngrams(p, n)
    inter = sum(min(c, pn[g]) for g, c in tn.items())
    prec = inter / max(sum(pn.values()), 1)
    rec = inter / max(sum(tn.values()), 1)
    return (prec, rec, _f(prec, rec))


def rouge_l(t, p):
    if not t or not p:
        return (0, 0, 0)
    table = [[0] * (len(p) + 1) for _ in range(len(t) + 1)]
    for i in range(1, len(t) + 1):
        for j in range(1, len(p) + 1):
            table[i][j] = table[i - 1][j - 1] + 1 if t[i - 1] == p[j - 1] else max(table[i - 1][j], table[i][j - 1])
    lcs = table[-1][-1]
    prec, rec = lcs / len(p), lcs / len(t)
    return (prec, rec, _f(prec, rec))


def rouge_multi(hyp, refs, stem):
    p = rouge_tokenize(hyp, stem)
    ts = [rouge_tokenize(r, stem) for r in refs]
    out = {}
    for name, fn in (("rouge1", lambda t: rouge_n(t, p, 1)), ("rouge2", lambda t: rouge_n(t, p, 2)), ("rougeL", lambda t: rouge_l(t, p))):
        scores = [fn(t) for t in ts]
        best = max(range(len(scores)), key=lambda i: (scores[i][2], -i))
        out[name] = {"p": scores[best][0], "r": scores[best][1], "f": scores[best][2]}
    return out


# ---- SQuAD v1.1 (official script) ------------------------------------------------------------
def normalize_answer(s):
    def remove_articles(text):
        return re.sub(r"\b(a|an|the)\b", " ", text)

    def white_space_fix(text):
        return " ".join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return "".join(ch for ch in text if ch not in exclude)

    return white_space_fix(remove_articles(remove_punc(s.lower())))


def squad_f1(prediction, ground_truth):
    prediction_tokens = normalize_answer(prediction).split()
    ground_truth_tokens = normalize_answer(ground_truth).split()
    common = Counter(prediction_tokens) & Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    return (2 * precision * recall) / (precision + recall)


def bow_cosine(a, b):
    ca, cb = Counter(a.lower().split()), Counter(b.lower().split())
    vocab = set(ca) | set(cb)
    dot = sum(ca[w] * cb[w] for w in vocab)
    na, nb = math.sqrt(sum(v * v for v in ca.values())), math.sqrt(sum(v * v for v in cb.values()))
    return 0.0 if na == 0 or nb == 0 else dot / (na * nb)


# ---- random cases ----------------------------------------------------------------------------
WORDS = """the a an of to and in is was it that he she they we you for on with as at by this be are from
cat cats dog dogs sat sits sitting mat mats run runs running ran runner quick quickly quicker fast big large
huge small little tiny car cars automobile auto vehicle house houses home happy happiness glad sad unhappy
begin began beginning start started starts end ended ending finish finished good better best well bad worse
city cities country nation people person children child woman women man men go goes went gone going see saw
seen look looked looking study studies studied studying generous generously relational conditional
hopefulness formalize electrical adjustable communism activate effective bowdlerize controlling rolling
sky skies dying lying tying news innings outings howe proceed exceed succeed agreed feed plastered bled
motoring sing conflated troubled sized hopping tanned falling hissing fizzed failing filing happy sky enjoy
spy fly flies tried flying generalization operator feudalism decisiveness callousness formality sensitivity
sensibility triplicate formative electricity hopeful goodness revival allowance inference airliner gyroscopic
defensible irritant replacement adjustment dependent adoption homologous angularity probate rate cease
controll roll logically dogma analogi fulli ies ied""".split()
PUNCT = [".", ",", "!", "?", ";", ":", "'s", "n't", "-", "--", "(", ")", '"', "&", "&amp;", "$5", "3.14", "1,000", "2-3", "e.g.", "U.S.A."]
UNICODE = ["café", "naïve", "Ünïcödé", "中文", "日本語", "Привет", "мир", "Ελληνικά", "😀", "👍🏽", "İstanbul", "straße", "ﬁne", "Ⅻ", "١٢٣", "“quoted”", "…", "。", "—", "\u00a0", "ǅ", "ΣΊΣΥΦΟΣ",
           "\u001c", "x\u0085y", "\u2028", "\ufeffword", "ﬀ", "Ǆ", "ΌΣΟΣ", "ΣΑΣ.", "\u212a", "\u212b", "ⓐ", "½", "²", "٣",
           "_", "a_b", "dog's", "o'clock", "co-operate", "U.K.", "e-mail", "Straße", "İİ", "a\u0301b"]


def rand_sentence(rng, lo=0, hi=18):
    n = rng.randint(lo, hi)
    toks = []
    for _ in range(n):
        r = rng.random()
        if r < 0.72:
            w = rng.choice(WORDS)
            if rng.random() < 0.12:
                w = w.capitalize()
            if rng.random() < 0.05:
                w = w.upper()
        elif r < 0.88:
            w = rng.choice(PUNCT)
            if rng.random() < 0.5 and toks:
                toks[-1] += w
                continue
        else:
            w = rng.choice(UNICODE)
        toks.append(w)
    sep = rng.choice([" ", " ", " ", "  ", "\t", " \n "])
    return sep.join(toks)


def perturb(rng, s):
    toks = s.split()
    out = []
    for t in toks:
        r = rng.random()
        if r < 0.12:
            continue
        if r < 0.22:
            out.append(rng.choice(WORDS))
        elif r < 0.27:
            out.extend([t, t])
        else:
            out.append(t)
    if out and rng.random() < 0.3:
        i, j = rng.randrange(len(out)), rng.randrange(len(out))
        out[i], out[j] = out[j], out[i]
    return " ".join(out)


EDGE = [
    ("", ["the cat sat on the mat"]),
    ("the cat sat on the mat", ["the cat sat on the mat"]),
    ("cat", ["cat"]),
    ("the cat", ["the cat sat"]),
    ("a b c d", ["e f g h"]),
    ("the the the the the the the", ["the cat is on the mat", "there is a cat on the mat"]),
    ("It is a guide to action which ensures that the military always obeys the commands of the party",
     ["It is a guide to action that ensures that the military will forever heed Party commands",
      "It is the guiding principle which guarantees the military forces always being under the command of the Party",
      "It is the practical guide for the army always to heed the directions of the party"]),
    ("he read the book because he was interested in world history",
     ["he was interested in world history because he read the book"]),
    ("The dog bit the man.", ["The dog bit the man.", "The dog had bit the man."]),
    ("It wasn't surprising.", ["It was not unexpected.", "No one was surprised."]),
    ("The man had just bitten him.", ["The man bit him first.", "The man had bitten the dog."]),
    ("中文 日本語 😀", ["中文 日本語 😀"]),
    ("café naïve", ["cafe naive"]),
    ("The quick brown fox", ["A fast brown fox", "the quick brown dog"]),
    ("the car is big", ["the automobile is large"]),
    ("running dogs", ["the dog runs"]),
    ("An apple a day", ["the apple, a day!"]),
    ("U.S.A. well-known", ["usa wellknown"]),
    ("a", ["a a a a"]),
    ("one two three four five", ["one two three four five six", "one two three four"]),
    ("one two three four", ["one two three", "one two three four five"]),
    ("cats", ["cat"]),
]


def nltk_tokens(s):
    return s.split()


def case_row(cid, hyp, refs, wn, sm):
    h = nltk_tokens(hyp)
    rs = [nltk_tokens(r) for r in refs]
    row = {"id": cid, "hypothesis": hyp, "references": refs}
    row["bleu"] = float(sentence_bleu(rs, h))
    row["bleu_smooth1"] = float(sentence_bleu(rs, h, smoothing_function=sm.method1))
    row["bleu_smooth4"] = float(sentence_bleu(rs, h, smoothing_function=sm.method4))
    row["bleu_smooth2"] = float(sentence_bleu(rs, h, smoothing_function=sm.method2))
    row["bleu_smooth3"] = float(sentence_bleu(rs, h, smoothing_function=sm.method3))
    row["bleu_smooth5"] = float(sentence_bleu(rs, h, smoothing_function=sm.method5))
    row["bleu_smooth7"] = float(sentence_bleu(rs, h, smoothing_function=sm.method7))
    row["bleu_w2"] = float(sentence_bleu(rs, h, weights=(0.5, 0.5)))
    row["bleu_w3_smooth1"] = float(sentence_bleu(rs, h, weights=(0.2, 0.3, 0.5), smoothing_function=sm.method1))
    row["bleu_w5_smooth4"] = float(sentence_bleu(rs, h, weights=(0.2,) * 5, smoothing_function=sm.method4))
    row["bleu_reweigh"] = float(sentence_bleu(rs, h, auto_reweigh=True))
    row["meteor"] = float(meteor_score(rs, h, wordnet=wn)) if rs else None
    row["meteor_no_wordnet"] = float(meteor_score(rs, h, wordnet=NoWordNet()))
    nonempty = [r for r in refs if r != ""]
    row["sacrebleu"] = sacre_sentence(hyp, refs) if nonempty else None
    row.update({k: v for k, v in rouge_multi(hyp, refs, False).items()})
    row.update({k + "_stem": v for k, v in rouge_multi(hyp, refs, True).items()})
    row["exact_match"] = 1 if hyp in refs else 0
    row["squad_em"] = 1 if max(normalize_answer(hyp) == normalize_answer(r) for r in refs) else 0
    row["squad_f1"] = float(max(squad_f1(hyp, r) for r in refs))
    row["bow_cosine"] = bow_cosine(hyp, refs[0])
    return row


def main():
    import warnings

    warnings.filterwarnings("ignore")
    rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 20261207)
    wn = open_wordnet()
    sm = SmoothingFunction()
    cases = []
    for i, (h, rs) in enumerate(EDGE):
        cases.append(case_row(f"edge-{i}", h, rs, wn, sm))
    for i in range(int(sys.argv[2]) if len(sys.argv) > 2 else 600):
        nrefs = rng.choice([1, 1, 1, 2, 3, 4])
        base = rand_sentence(rng, 0 if rng.random() < 0.05 else 1, rng.choice([3, 8, 18, 40]))
        refs = [base] + [perturb(rng, base) if rng.random() < 0.6 else rand_sentence(rng, 1, 18) for _ in range(nrefs - 1)]
        r = rng.random()
        if r < 0.55:
            hyp = perturb(rng, rng.choice(refs))
        elif r < 0.65:
            hyp = ""
        elif r < 0.75:
            hyp = rng.choice(refs)
        else:
            hyp = rand_sentence(rng, 0, 12)
        refs = [x if x.split() else "x" for x in refs]
        cases.append(case_row(f"rand-{i}", hyp, refs, wn, sm))
    with open(os.path.join(OUT, "reference-cases.jsonl"), "w") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")

    # Corpus-level values over consecutive slices of the cases.
    corpora = []
    for start, size in [(0, len(EDGE)), (0, 50), (50, 200), (250, 7), (300, 322), (8, 3)]:
        part = cases[start : start + size]
        hyps = [nltk_tokens(c["hypothesis"]) for c in part]
        refss = [[nltk_tokens(r) for r in c["references"]] for c in part]
        corpora.append({
            "start": start,
            "size": len(part),
            "bleu": float(corpus_bleu(refss, hyps)),
            "bleu_smooth1": float(corpus_bleu(refss, hyps, smoothing_function=sm.method1)),
            "bleu_smooth4": float(corpus_bleu(refss, hyps, smoothing_function=sm.method4)),
            "bleu_w2": float(corpus_bleu(refss, hyps, weights=(0.5, 0.5))),
            "sacrebleu": sacre_corpus([c["hypothesis"] for c in part], [c["references"] for c in part]),
        })
    with open(os.path.join(OUT, "reference-corpora.json"), "w") as f:
        json.dump(corpora, f, indent=1)

    # Porter stems of a sample of WordNet's lemmas and their inflections.
    stemmer = PorterStemmer()
    lemmas = set()
    for pos in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(WORDNET, "index." + pos)) as f:
            for line in f:
                if not line.startswith(" "):
                    lemmas.add(line.split()[0])
    lemmas = sorted(w for w in lemmas if "_" not in w)
    sample = sorted(set(rng.sample(lemmas, 6000) + WORDS + [w + s for w in rng.sample(lemmas, 1500) for s in ("s", "ed", "ing", "ly", "ies", "ness", "ational", "fulli", "logi", "alli")[rng.randrange(10):][:2]]
                    + ["Skies", "SKY", "dying", "a", "ab", "abc", "y", "yy", "ies", "ied", "tied", "spied", "enjoy", "happy", "ẞtraße", "café", "naïve", "😀😀", "a😀", "ab😀😀", "Ⅻ", "İİ"]))
    with open(os.path.join(OUT, "porter-stems.json"), "w") as f:
        json.dump({w: stemmer.stem(w) for w in sample}, f, ensure_ascii=False, indent=0)

    # WordNet lemma names per word (NLTK's synsets() with morphy), for the WordNet reader test.
    words = sorted(set(rng.sample(lemmas, 1500) + [stemmer.stem(w) for w in WORDS] + WORDS + ["", "xyzzy", "geese", "better", "ran", "axes", "was", "men", "corpora"]))
    syns = {w: sorted({l.name() for s in wn.synsets(w) for l in s.lemmas()}) for w in words}
    with open(os.path.join(OUT, "wordnet-lemmas.json"), "w") as f:
        json.dump(syns, f, ensure_ascii=False, indent=0)
    print(f"{len(cases)} cases, {len(corpora)} corpora, {len(sample)} stems, {len(words)} WordNet words", file=sys.stderr)


if __name__ == "__main__":
    main()
