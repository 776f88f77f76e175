// TypeDoc configuration for `npm run docs`: the API reference of every package, generated from the
// TypeScript sources of each entry in its `exports` map (the "@keel/source" condition), into docs/api.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const packagesDir = new URL("./packages/", import.meta.url).pathname;
const entryPoints = [];
for (const name of readdirSync(packagesDir).sort()) {
  const pkg = JSON.parse(readFileSync(join(packagesDir, name, "package.json"), "utf8"));
  for (const target of Object.values(pkg.exports ?? {})) {
    const source = typeof target === "object" ? target["@keel/source"] : undefined;
    if (source) entryPoints.push(join("packages", name, source));
  }
}

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  name: "Keel API reference",
  entryPoints,
  entryPointStrategy: "resolve",
  tsconfig: "tsconfig.docs.json",
  out: "docs/api",
  readme: "README.md",
  plugin: ["./docs/typedoc-entry-names.mjs"],
  // No public remote to link sources to.
  disableSources: true,
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  // Entries re-export many names; a missing TSDoc line is reported, not fatal.
  treatWarningsAsErrors: false,
  // `npm run typecheck` checks types; the reference is generated from whatever the sources say.
  skipErrorChecking: true,
  validation: { notExported: false, invalidLink: true, notDocumented: false },
  logLevel: "Warn",
};
