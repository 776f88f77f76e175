#!/usr/bin/env node
// Bundle-size budget: a minimal worker (scripts/size-entry.ts: an HTTP model + retry + fallback +
// exact cache) bundled for the edge must stay under 40 KB minified, and must contain no tokenizer
// rank tables at all (they load lazily, only when token counting is used).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const LIMIT_BYTES = 40 * 1024;
const root = new URL("..", import.meta.url).pathname;

const corePackage = JSON.parse(readFileSync(join(root, "packages/core/package.json"), "utf8"));
const keelCoreSource = {
  name: "keel-core-source",
  setup(b) {
    b.onResolve({ filter: /^@keel\/core(\/.*)?$/ }, (args) => {
      const entry = corePackage.exports[`.${args.path.slice("@keel/core".length)}`]?.["@keel/source"];
      if (!entry) return { errors: [{ text: `${args.path} is not an entry of @keel/core` }] };
      return { path: join(root, "packages/core", entry) };
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ["scripts/size-entry.ts"],
  bundle: true,
  minify: true,
  platform: "neutral",
  format: "esm",
  target: "es2022",
  conditions: ["@keel/source"],
  mainFields: ["module", "main"],
  // The root has no node_modules link to the workspace package: resolve its entries (the root and
  // subpaths) through its exports map, as the "@keel/source" condition would.
  plugins: [keelCoreSource],
  write: false,
  metafile: true,
  logLevel: "warning",
});

const output = result.outputFiles[0];
const bytes = output.contents.byteLength;
const text = output.text;
const inputs = Object.entries(result.metafile.outputs[Object.keys(result.metafile.outputs)[0]].inputs)
  .map(([path, info]) => ({ path, bytes: info.bytesInOutput }))
  .filter((i) => i.bytes > 0)
  .sort((a, b) => b.bytes - a.bytes);

const rankInputs = inputs.filter((i) => /js-tiktoken[\\/].*ranks/.test(i.path));
// The rank tables are JSON with these keys and a multi-megabyte base64 "bpe_ranks" string.
const rankText = /bpe_ranks|pat_str/.test(text);

console.log("largest inputs (bytes in the minified bundle):");
for (const i of inputs.slice(0, 40)) console.log(`  ${String(i.bytes).padStart(7)}  ${i.path}`);
console.log(
  `\nsize-entry bundle: ${(bytes / 1024).toFixed(1)} KB minified, ${(gzipSync(output.contents).byteLength / 1024).toFixed(1)} KB gzipped ` +
    `(budget ${LIMIT_BYTES / 1024} KB minified)`,
);

let failed = false;
if (rankInputs.length || rankText) {
  console.error(
    `FAIL: tokenizer rank data is in the bundle: ${rankInputs.map((i) => i.path).join(", ") || "rank keys found"}`,
  );
  failed = true;
} else console.log("ok: no tokenizer rank data in the bundle");
if (bytes > LIMIT_BYTES) {
  console.error(`FAIL: ${bytes} bytes is over the ${LIMIT_BYTES}-byte budget`);
  failed = true;
} else console.log("ok: within budget");
process.exit(failed ? 1 : 0);
