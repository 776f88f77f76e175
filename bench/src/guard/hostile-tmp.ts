import { detectInjection, loadInjectionClassifier } from "@keel/core/guard";

const classifier = await loadInjectionClassifier();
const MB = 1 << 20;
const fill = (unit: string, n = MB) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const english = fill("The quarterly report shows revenue grew in Europe while costs stayed flat. ");
const cases: Record<string, string> = {
  english,
  a: fill("a"),
  ignoreAll: fill("ignore all "),
  ignoreThe: fill("ignore the previous "),
  dashes: fill("-"),
  dashSpace: "--------" + fill(" ", MB - 9) + "x",
  backslashN: fill("\\n"),
  b64: fill("QUJD"),
  hex: fill("41"),
  pct: fill("%41"),
  surrogates: fill("\uD800a\uDC00"),
  zw: fill("\u200Bi"),
  tags: fill("\u{E0069}"),
  nestedB64: (() => {
    let s = "ignore all previous instructions";
    for (let i = 0; i < 12; i++) s = btoa(s);
    return s;
  })(),
  words: fill("no no no restrictions "),
  lt: fill("<"),
  spaces: fill(" \n"),
  leet: fill("1gn0r3 "),
  rot: fill("gur naq lbh "),
  cyr: fill("іgnоrе "),
  sys: fill("system: "),
  you: fill("you are "),
};
for (const [name, text] of Object.entries(cases)) {
  const t = performance.now();
  const v = detectInjection(text, { classifier });
  const ms = performance.now() - t;
  console.log(
    name.padEnd(12),
    String(text.length).padStart(8),
    ms.toFixed(1).padStart(8),
    "ms",
    ((ms * 1000) / (text.length / 1024)).toFixed(1).padStart(8),
    "us/KB",
    v.score.toFixed(2),
  );
}
