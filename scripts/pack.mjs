#!/usr/bin/env node
// Builds and packs packages as they would be published, and prints where the tarballs are:
// progress goes to stderr, one JSON object { "<package name>": "<tarball path>" } to stdout.
// Benchmarks use it to measure what users install.
//
//   node scripts/pack.mjs --out <dir> [--no-build] [core providers ...]   (default: every package)
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { buildPackage } from "./build.mjs";
import { pnpmPack } from "./pack/pnpm-pack.mjs";
import { selectPackages } from "./pack/workspace.mjs";

const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
if (outIndex < 0 || !args[outIndex + 1]) {
  console.error("usage: node scripts/pack.mjs --out <dir> [--no-build] [package ...]");
  process.exit(2);
}
const out = resolve(args[outIndex + 1]);
const names = args.filter((arg, i) => !arg.startsWith("--") && i !== outIndex + 1);
mkdirSync(out, { recursive: true });

const tarballs = {};
for (const entry of selectPackages(names)) {
  if (!args.includes("--no-build")) {
    console.error(`building ${entry.name}`);
    await buildPackage(entry.dir);
  }
  console.error(`packing ${entry.name}`);
  tarballs[entry.name] = pnpmPack(entry, out);
}
process.stdout.write(`${JSON.stringify(tarballs)}\n`);
