// A package's build entries, read from its package.json: every `exports` entry (its
// "@keel/source" condition is the source, its "import"/"default" target the output, its "types"
// target the declaration) and every `bin` (dist/x.js is built from src/x.ts).
import { existsSync } from "node:fs";
import { join } from "node:path";

/** A package.json that cannot be built as it stands; the message says which field and why. */
export class PackageManifestError extends Error {
  name = "PackageManifestError";
}

const DIST = "./dist/";

function outName(pkgName, field, target) {
  if (typeof target !== "string" || !target.startsWith(DIST) || !target.endsWith(".js"))
    throw new PackageManifestError(
      `${pkgName}: ${field} must point at ./dist/<name>.js, got ${JSON.stringify(target)}`,
    );
  return target.slice(DIST.length, -".js".length);
}

/**
 * @param {string} dir the package folder
 * @param {Record<string, any>} pkg its parsed package.json
 * @returns {{ name: string, source: string, types: string | undefined, subpath: string | undefined }[]}
 *   `name` is the output path under dist/ without `.js`; `source` is absolute.
 */
export function buildEntries(dir, pkg) {
  const entries = new Map();
  const add = (entry) => {
    const known = entries.get(entry.name);
    if (known && known.source !== entry.source)
      throw new PackageManifestError(
        `${pkg.name}: dist/${entry.name}.js is built from both ${known.source} and ${entry.source}`,
      );
    if (!existsSync(entry.source))
      throw new PackageManifestError(
        `${pkg.name}: ${entry.field} builds from ${entry.source}, which does not exist`,
      );
    entries.set(entry.name, { ...known, ...entry, types: entry.types ?? known?.types });
  };

  const exportsMap = typeof pkg.exports === "string" ? { ".": pkg.exports } : (pkg.exports ?? {});
  for (const [subpath, target] of Object.entries(exportsMap)) {
    const field = `exports["${subpath}"]`;
    if (subpath.includes("*"))
      throw new PackageManifestError(`${pkg.name}: ${field}: pattern exports are not built`);
    if (typeof target === "string") {
      if (!target.endsWith(".js")) continue; // ./package.json and other plain files ship as they are
      throw new PackageManifestError(
        `${pkg.name}: ${field} needs an object with "@keel/source", "types" and "default"`,
      );
    }
    const source = target?.["@keel/source"];
    if (typeof source !== "string")
      throw new PackageManifestError(
        `${pkg.name}: ${field} has no "@keel/source" condition naming its source file`,
      );
    const output = target.import ?? target.default;
    const name = outName(pkg.name, `${field}.default`, output);
    if (target.types !== undefined && target.types !== `${DIST}${name}.d.ts`)
      throw new PackageManifestError(
        `${pkg.name}: ${field}.types must be ${DIST}${name}.d.ts (next to its .js)`,
      );
    add({ name, source: join(dir, source), types: target.types, subpath, field });
  }

  const bins = typeof pkg.bin === "string" ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {});
  for (const [command, target] of Object.entries(bins)) {
    const field = `bin["${command}"]`;
    const name = outName(pkg.name, field, target.startsWith("./") ? target : `./${target}`);
    add({ name, source: join(dir, "src", `${name}.ts`), subpath: undefined, field });
  }

  if (entries.size === 0) throw new PackageManifestError(`${pkg.name}: no exports or bin entries to build`);
  return [...entries.values()];
}
