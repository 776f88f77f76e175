// Self time by function (and by file) from a V8 .cpuprofile: node summarize-profile.mjs FILE [TOP]
import { readFileSync } from "node:fs";

const [path, topText = "40"] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(path, "utf8"));
const self = new Map(profile.nodes.map((n) => [n.id, 0]));
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++)
  self.set(profile.samples[i], self.get(profile.samples[i]) + (dt[i] ?? 0));
const byFn = new Map();
const byFile = new Map();
let total = 0;
for (const n of profile.nodes) {
  const us = self.get(n.id);
  total += us;
  const f = n.callFrame;
  const file =
    f.url.replace(/^.*node_modules\/\.pnpm\/([^/]+)\/.*$/, "$1").replace(/^.*\//, "") || "(native)";
  const key = `${f.functionName || "(anon)"} ${file}:${f.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + us);
  byFile.set(file, (byFile.get(file) ?? 0) + us);
}
const show = (m, top) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(
      ([k, us]) =>
        `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`,
    )
    .join("\n");
console.log(
  `total ${(total / 1000).toFixed(0)} ms\n--- by file\n${show(byFile, 25)}\n--- by function\n${show(byFn, Number(topText))}`,
);
