import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadWordNet } from "../node/wordnet-files.js";
import { porterStem } from "../text/porter-stemmer.js";
import { pySplit } from "../text/python-text.js";
import { sentenceBleu, smoothing } from "./bleu.js";
import { bagOfWordsCosine } from "./cosine.js";
import { meteor } from "./meteor.js";
import { scoreText, scoreTextCorpus, type TextCase } from "./score-text.js";
import type { WordNetDatabase } from "./wordnet.js";

// Reference values from scripts/generate-reference.py (NLTK 3.8 + WordNet 3.0; see that file
// for which values are NLTK itself and which are transcriptions of sacrebleu / rouge-score).
// KEEL_EVAL_REFERENCE=DIR checks against fresh values from the script run with another seed.
const fixture = (name: string) =>
  process.env.KEEL_EVAL_REFERENCE
    ? `${process.env.KEEL_EVAL_REFERENCE}/${name}`
    : new URL(`./__fixtures__/${name}`, import.meta.url);
const cases = readFileSync(fixture("reference-cases.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as TextCase & Record<string, any>);
const corpora = JSON.parse(readFileSync(fixture("reference-corpora.json"), "utf8")) as Array<
  Record<string, number>
>;
const TOL = 1e-9;
const WORDNET_DIR = "/usr/share/wordnet";

/** Largest absolute difference seen per metric, printed at the end for the README. */
const worst = new Map<string, number>();
function close(metric: string, actual: number, expected: number, id: string) {
  const d = Math.abs(actual - expected);
  worst.set(metric, Math.max(worst.get(metric) ?? 0, d));
  if (!(d <= TOL)) expect.fail(`${id} ${metric}: got ${actual}, NLTK/reference ${expected}`);
}

if (!existsSync(WORDNET_DIR) && process.env.CI)
  throw new Error(`${WORDNET_DIR} missing: CI must install wordnet-base`);

describe("agreement with the reference implementations", () => {
  let wordnet: WordNetDatabase | undefined;
  beforeAll(async () => {
    if (existsSync(WORDNET_DIR)) wordnet = await loadWordNet(WORDNET_DIR);
  });

  it(`covers many cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThan(600);
    expect(cases.filter((c) => c.hypothesis === "").length).toBeGreaterThan(20);
    expect(cases.filter((c) => c.references.length > 1).length).toBeGreaterThan(100);
  });

  it("BLEU (sentence, every smoothing) matches NLTK 3.8", () => {
    for (const c of cases) {
      const h = pySplit(c.hypothesis);
      const r = c.references.map(pySplit);
      const s = smoothing;
      close("bleu_smooth2", sentenceBleu(r, h, { smoothing: s.method2 }), c.bleu_smooth2, c.id as string);
      close("bleu_smooth3", sentenceBleu(r, h, { smoothing: s.method3 }), c.bleu_smooth3, c.id as string);
      close("bleu_smooth5", sentenceBleu(r, h, { smoothing: s.method5 }), c.bleu_smooth5, c.id as string);
      close("bleu_smooth7", sentenceBleu(r, h, { smoothing: s.method7 }), c.bleu_smooth7, c.id as string);
      close("bleu_w2", sentenceBleu(r, h, { weights: [0.5, 0.5] }), c.bleu_w2, c.id as string);
      close(
        "bleu_w3_smooth1",
        sentenceBleu(r, h, { weights: [0.2, 0.3, 0.5], smoothing: s.method1 }),
        c.bleu_w3_smooth1,
        c.id as string,
      );
      close(
        "bleu_w5_smooth4",
        sentenceBleu(r, h, { weights: [0.2, 0.2, 0.2, 0.2, 0.2], smoothing: s.method4 }),
        c.bleu_w5_smooth4,
        c.id as string,
      );
      close("bleu_reweigh", sentenceBleu(r, h, { autoReweigh: true }), c.bleu_reweigh, c.id as string);
    }
  });

  it("every `keel-eval score` metric matches its reference", () => {
    if (!wordnet) return expect.fail(`${WORDNET_DIR} missing: apt-get install -y wordnet-base`);
    for (const c of cases) {
      const s = scoreText(c, { wordnet });
      const id = String(c.id);
      for (const k of [
        "bleu",
        "bleu_smooth1",
        "bleu_smooth4",
        "meteor",
        "exact_match",
        "squad_em",
        "squad_f1",
      ] as const)
        close(k, s[k], c[k], id);
      if (c.sacrebleu !== null) close("sacrebleu", s.sacrebleu!, c.sacrebleu, id);
      for (const k of ["rouge1", "rouge2", "rougeL", "rouge1_stem", "rouge2_stem", "rougeL_stem"] as const)
        for (const part of ["p", "r", "f"] as const) close(`${k}.${part}`, s[k][part], c[k][part], id);
      close(
        "meteor_no_wordnet",
        meteor(c.references.map(pySplit), pySplit(c.hypothesis), { wordnet: null }),
        c.meteor_no_wordnet,
        id,
      );
      close("bow_cosine", bagOfWordsCosine(c.hypothesis, c.references[0]!), c.bow_cosine, id);
    }
  });

  it("corpus BLEU and corpus sacreBLEU match", () => {
    for (const corpus of corpora) {
      const part = cases.slice(corpus.start!, corpus.start! + corpus.size!);
      const s = scoreTextCorpus(part);
      const id = `corpus@${corpus.start}+${corpus.size}`;
      for (const k of ["bleu", "bleu_smooth1", "bleu_smooth4", "sacrebleu"] as const)
        close(`corpus_${k}`, s[k]!, corpus[k]!, id);
    }
  });

  it("the Porter stemmer matches NLTK's on WordNet lemmas and their inflections", () => {
    const stems = JSON.parse(readFileSync(fixture("porter-stems.json"), "utf8")) as Record<string, string>;
    const wrong = Object.entries(stems).filter(([w, s]) => porterStem(w) !== s);
    expect(wrong.map(([w, s]) => `${w}: ${porterStem(w)} ≠ ${s}`)).toEqual([]);
    expect(Object.keys(stems).length).toBeGreaterThan(8000);
  });

  it("WordNet lemma lookup (morphy included) matches NLTK's synsets()", () => {
    if (!wordnet) return expect.fail(`${WORDNET_DIR} missing: apt-get install -y wordnet-base`);
    const lemmas = JSON.parse(readFileSync(fixture("wordnet-lemmas.json"), "utf8")) as Record<
      string,
      string[]
    >;
    const wn = wordnet;
    const wrong = Object.entries(lemmas).filter(
      ([w, names]) => JSON.stringify([...new Set(wn.lemmaNames(w))].sort()) !== JSON.stringify(names),
    );
    expect(wrong.map(([w]) => w)).toEqual([]);
  });

  it("reports the largest differences", () => {
    console.log(JSON.stringify(Object.fromEntries([...worst].map(([k, v]) => [k, v]))));
  });
});
