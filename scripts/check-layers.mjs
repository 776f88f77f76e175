#!/usr/bin/env node
// Enforces "folders are layers" inside each package (DESIGN.md, Conventions):
//   1. no import cycle between files (type-only imports included: a cycle of types is still a
//      knot a reader has to untie);
//   2. no import from a folder above one's own: a file may import its own folder, the folders
//      that contain it (the lower layers: `src/errors.ts` sits beneath `src/middleware/`) and
//      other folders, but never a folder nested inside its own;
//   3. no cycle between sibling folders (`a/` importing `b/` while `b/` imports `a/` means one
//      of them is not beneath the other).
// Entry files (the `exports` map's sources) gather from every folder and tests may reach into
// any folder they test, so neither counts as an importer for rules 2 and 3.
//
//   node scripts/check-layers.mjs [packages/<name> ...]
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const SOURCE = /\.(ts|mts|tsx)$/;
const TEST = /\.test\.(ts|mts|tsx)$|\/__fixtures__\//;

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** The relative imports of a file's text, with whether each is type-only. */
export function importsOf(text) {
  const found = [];
  const patterns = [
    /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?[^;'"]*?\s+from\s+["'](\.{1,2}\/[^"']+)["']/g,
    /(?:^|[;\n])\s*import\s+["'](\.{1,2}\/[^"']+)["']/g,
    /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  ];
  for (const match of text.matchAll(patterns[0])) found.push({ spec: match[3], typeOnly: Boolean(match[2]) });
  for (const match of text.matchAll(patterns[1])) found.push({ spec: match[1], typeOnly: false });
  for (const match of text.matchAll(patterns[2])) found.push({ spec: match[1], typeOnly: false });
  return found;
}

/** The file a relative specifier names (`./x.js` is `./x.ts` in the sources), or undefined. */
function resolveSpec(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    base,
    `${base}.ts`,
    join(base, "index.ts"),
  ];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile());
}

/** Every strongly connected component with more than one file (Tarjan), i.e. every cycle. */
function cyclesOf(graph) {
  let index = 0;
  const stack = [];
  const meta = new Map();
  const cycles = [];
  const visit = (node) => {
    meta.set(node, { index, low: index, onStack: true });
    index++;
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!meta.has(next)) {
        visit(next);
        meta.get(node).low = Math.min(meta.get(node).low, meta.get(next).low);
      } else if (meta.get(next).onStack) {
        meta.get(node).low = Math.min(meta.get(node).low, meta.get(next).index);
      }
    }
    if (meta.get(node).low === meta.get(node).index) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        meta.get(member).onStack = false;
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? new Set()).has(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!meta.has(node)) visit(node);
  return cycles;
}

/** The problems in one package: file cycles, upward imports, folder cycles. */
export function checkPackage(pkgDir) {
  const src = resolve(pkgDir, "src");
  if (!existsSync(src)) return [];
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const entries = new Set(
    Object.values(manifest.exports ?? {})
      .map((target) => (typeof target === "object" ? target["@keel/source"] : undefined))
      .filter(Boolean)
      .map((path) => resolve(pkgDir, path)),
  );
  const files = walk(src).map((path) => resolve(path));
  const rel = (path) => relative(src, path).split(sep).join("/");
  const folderOf = (path) => dirname(rel(path));
  const problems = [];
  const fileGraph = new Map();
  const folderGraph = new Map();
  const folderEdgeWitness = new Map();
  for (const file of files) {
    const targets = new Set();
    fileGraph.set(file, targets);
    const exempt = entries.has(file) || TEST.test(rel(file));
    for (const { spec } of importsOf(readFileSync(file, "utf8"))) {
      const target = resolveSpec(file, spec);
      if (!target?.startsWith(src + sep)) continue;
      targets.add(target);
      if (exempt) continue;
      const from = folderOf(file);
      const to = folderOf(target);
      if (from === to) continue;
      const fromParts = from === "." ? [] : from.split("/");
      const toParts = to === "." ? [] : to.split("/");
      const isAncestor =
        fromParts.length > toParts.length && toParts.every((part, i) => part === fromParts[i]);
      if (isAncestor) continue;
      const isDescendant =
        toParts.length > fromParts.length && fromParts.every((part, i) => part === toParts[i]);
      if (isDescendant) {
        problems.push(`${rel(file)} imports ${rel(target)}, from a folder above its own`);
        continue;
      }
      // Siblings: compare the two folders just below their common ancestor.
      let common = 0;
      while (common < fromParts.length && common < toParts.length && fromParts[common] === toParts[common])
        common++;
      const a = fromParts.slice(0, common + 1).join("/");
      const b = toParts.slice(0, common + 1).join("/");
      if (!folderGraph.has(a)) folderGraph.set(a, new Set());
      folderGraph.get(a).add(b);
      if (!folderEdgeWitness.has(`${a}>${b}`))
        folderEdgeWitness.set(`${a}>${b}`, `${rel(file)} → ${rel(target)}`);
    }
  }
  for (const cycle of cyclesOf(fileGraph)) problems.push(`import cycle: ${cycle.map(rel).join(" ↔ ")}`);
  for (const cycle of cyclesOf(folderGraph)) {
    const witnesses = [];
    for (const a of cycle)
      for (const b of cycle)
        if (folderGraph.get(a)?.has(b)) witnesses.push(folderEdgeWitness.get(`${a}>${b}`));
    problems.push(`folders import each other: ${cycle.join(", ")} (${witnesses.join("; ")})`);
  }
  return problems.map((problem) => `${manifest.name}: ${problem}`);
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const dirs = process.argv.slice(2);
  const packages = dirs.length
    ? dirs
    : readdirSync("packages")
        .map((name) => join("packages", name))
        .filter((dir) => existsSync(join(dir, "package.json")));
  const problems = packages.flatMap(checkPackage);
  if (problems.length) {
    console.error(`Layer rule broken (${problems.length}):\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log(`layer rule: ok (${packages.length} packages: no import cycle, no import from a folder above)`);
}
