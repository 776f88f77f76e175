// A TypeDoc plugin: names each module of the reference by the import path a user writes
// (`@keel/core/cache`) instead of its source folder (`core/src/cache`).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Converter, ReflectionKind } from "typedoc";

/** TypeDoc's default module name for an entry file → the package entry it is. */
function entryNames() {
  const packagesDir = new URL("../packages/", import.meta.url).pathname;
  const names = new Map();
  for (const dir of readdirSync(packagesDir)) {
    const pkg = JSON.parse(readFileSync(join(packagesDir, dir, "package.json"), "utf8"));
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const source = typeof target === "object" ? target["@keel/source"] : undefined;
      if (!source) continue;
      const path = `${dir}/${source
        .replace(/^\.\//, "")
        .replace(/\.ts$/, "")
        .replace(/\/index$/, "")}`;
      names.set(path, `${pkg.name}${subpath.slice(1)}`);
    }
  }
  return names;
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  const names = entryNames();
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getReflectionsByKind(ReflectionKind.Module))
      module.name = names.get(module.name) ?? module.name;
  });
}
