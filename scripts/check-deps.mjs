#!/usr/bin/env node
// Enforces the dependency rule: a package may import @keel/core, never a sibling.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const root = "packages";
const violations = [];
function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}
for (const pkg of readdirSync(root)) {
  const src = join(root, pkg, "src");
  let files;
  try {
    files = walk(src);
  } catch {
    continue;
  }
  const manifest = JSON.parse(readFileSync(join(root, pkg, "package.json"), "utf8"));
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
    if (dep.startsWith("@keel/") && dep !== "@keel/core")
      violations.push(`${pkg}/package.json depends on ${dep}`);
  }
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)["'](@keel\/[a-z-]+)/g)) {
      const target = m[1];
      if (target !== "@keel/core" && target !== `@keel/${pkg}`) violations.push(`${file} imports ${target}`);
    }
  }
}
if (violations.length) {
  console.error(
    "Dependency rule broken (packages may import only @keel/core):\n  " + violations.join("\n  "),
  );
  process.exit(1);
}
console.log("dependency rule: ok (packages import only @keel/core)");
