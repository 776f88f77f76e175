// bench:eval: cases per second for every `keel-eval score` metric on 10,000 cases, and the ratio
// to the Python references (NLTK 3.8 for BLEU and METEOR) on the same cases in the same run.
//
//   pnpm bench:eval [--cases 10000] [--data FILE.jsonl] [--rounds 3]
//
// Cases are built from SciFact abstracts (../shared/datasets/scifact/corpus.jsonl): the reference
// is a sentence, the hypothesis the same sentence with words dropped, swapped and repeated, so
// the metrics see real English. --data takes {"hypothesis", "references"} lines instead.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { meteor, scoreText, sentenceBleu, smoothing, type TextCase } from "@keel/eval";
import { DEBIAN_WORDNET_DIR, loadWordNet } from "@keel/eval/node";

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const N = Number(opt("cases") ?? 10_000);
const ROUNDS = Number(opt("rounds") ?? 3);
const SCIFACT = fileURLToPath(new URL("../../../../shared/datasets/scifact/corpus.jsonl", import.meta.url));

/** A small deterministic PRNG (mulberry32), so every run scores the same cases. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildCases(): TextCase[] {
  const data = opt("data");
  if (data)
    return readFileSync(data, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .slice(0, N)
      .map((l, i) => ({ id: i, ...(JSON.parse(l) as TextCase) }));
  if (!existsSync(SCIFACT)) throw new Error(`${SCIFACT} missing; pass --data FILE`);
  const sentences: string[] = [];
  for (const line of readFileSync(SCIFACT, "utf8").split("\n")) {
    if (!line) continue;
    const { text } = JSON.parse(line) as { text: string };
    for (const s of text.split(/(?<=\.)\s+/))
      if (s.split(" ").length >= 5 && s.length < 400) sentences.push(s);
    if (sentences.length > 60_000) break;
  }
  const r = rng(20261207);
  const pick = () => sentences[Math.floor(r() * sentences.length)]!;
  const perturb = (s: string) => {
    const words = s.split(" ");
    const out: string[] = [];
    for (const w of words) {
      const x = r();
      if (x < 0.12) continue;
      if (x < 0.2) out.push(words[Math.floor(r() * words.length)]!);
      else if (x < 0.23) out.push(w, w);
      else out.push(w);
    }
    return out.join(" ");
  };
  return Array.from({ length: N }, (_, i) => {
    const ref = pick();
    const refs = [
      ref,
      ...Array.from({ length: Math.floor(r() * 3) }, () => (r() < 0.5 ? perturb(ref) : pick())),
    ];
    return { id: i, hypothesis: perturb(ref), references: refs };
  });
}

const cases = buildCases();
const wordnet = await loadWordNet(DEBIAN_WORDNET_DIR);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Warm up (JIT, stem and synonym caches fill as they would in a long run; reported as measured).
for (const c of cases.slice(0, 200)) scoreText(c, { wordnet });
const allSeconds: number[] = [];
const allCpuSeconds: number[] = [];
const nltkPartSeconds: number[] = [];
// CPU time as well as wall time: on a shared machine other work stretches the wall clock.
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
for (let round = 0; round < ROUNDS; round++) {
  let t = performance.now();
  const c0 = cpu();
  for (const c of cases) scoreText(c, { wordnet });
  allSeconds.push((performance.now() - t) / 1000);
  allCpuSeconds.push(cpu() - c0);
  t = performance.now();
  for (const c of cases) {
    const h = c.hypothesis.split(/\s+/).filter(Boolean);
    const rs = c.references.map((x) => x.split(/\s+/).filter(Boolean));
    sentenceBleu(rs, h);
    sentenceBleu(rs, h, { smoothing: smoothing.method1 });
    sentenceBleu(rs, h, { smoothing: smoothing.method4 });
    meteor(rs, h, { wordnet });
  }
  nltkPartSeconds.push((performance.now() - t) / 1000);
}
const keel = median(allSeconds);
// Round 1 starts with empty stem and synonym caches (as a one-off CLI run does); later rounds reuse them.
const keelCold = allSeconds[0]!;
const keelNltkPart = median(nltkPartSeconds);
console.log(
  JSON.stringify({
    bench: "eval.score",
    impl: "@keel/eval",
    cases: cases.length,
    metrics: "all keel-eval score metrics",
    seconds: keel,
    casesPerSecond: cases.length / keel,
    cpuSeconds: median(allCpuSeconds),
    coldSeconds: keelCold,
    coldCpuSeconds: allCpuSeconds[0],
    coldCasesPerSecond: cases.length / keelCold,
    rounds: ROUNDS,
  }),
);

const dir = mkdtempSync(join(tmpdir(), "keel-bench-eval-"));
try {
  const file = join(dir, "cases.jsonl");
  writeFileSync(
    file,
    cases.map((c) => JSON.stringify({ hypothesis: c.hypothesis, references: c.references })).join("\n"),
  );
  let py: { cases: number; seconds: number; cpu_seconds: number; nltk_seconds: number } | undefined;
  try {
    const script = fileURLToPath(new URL("./nltk-score.py", import.meta.url));
    py = JSON.parse(
      execFileSync("/usr/bin/python3", [script, file], { encoding: "utf8", maxBuffer: 1 << 24 }),
    );
  } catch (e) {
    console.log(
      JSON.stringify({
        bench: "eval.score",
        impl: "python-references",
        error: `could not run NLTK (apt-get install -y python3-nltk wordnet-base): ${(e as Error).message.split("\n")[0]}`,
      }),
    );
  }
  if (py) {
    console.log(
      JSON.stringify({
        bench: "eval.score",
        impl: "python (NLTK 3.8 + sacrebleu/rouge-score transcriptions)",
        cases: py.cases,
        seconds: py.seconds,
        casesPerSecond: py.cases / py.seconds,
        speedup: py.seconds / keel,
        cpuSeconds: py.cpu_seconds,
        speedupCold: py.seconds / keelCold,
        speedupCpu: py.cpu_seconds / median(allCpuSeconds),
        speedupCpuCold: py.cpu_seconds / allCpuSeconds[0]!,
      }),
    );
    console.log(
      JSON.stringify({
        bench: "eval.score.nltk-only",
        metrics: "sentence_bleu ×3 (none, method1, method4) + meteor_score with WordNet 3.0",
        keelSeconds: keelNltkPart,
        nltkSeconds: py.nltk_seconds,
        keelCasesPerSecond: cases.length / keelNltkPart,
        nltkCasesPerSecond: py.cases / py.nltk_seconds,
        speedup: py.nltk_seconds / keelNltkPart,
      }),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
