// The publishable workspace packages (packages/*), in build order: a package comes after the
// workspace packages it depends on.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

/** @returns {{ name: string, dir: string, pkg: Record<string, any> }[]} */
export function publishablePackages() {
  const base = join(ROOT, "packages");
  const found = readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const dir = join(base, entry.name);
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      return { name: pkg.name, dir, pkg };
    })
    .filter((entry) => !entry.pkg.private);
  const byName = new Map(found.map((entry) => [entry.name, entry]));
  const ordered = [];
  const visiting = new Set();
  const visit = (entry) => {
    if (ordered.includes(entry)) return;
    if (visiting.has(entry.name)) throw new Error(`workspace dependency cycle through ${entry.name}`);
    visiting.add(entry.name);
    const deps = { ...entry.pkg.dependencies, ...entry.pkg.peerDependencies };
    for (const dep of Object.keys(deps)) if (byName.has(dep)) visit(byName.get(dep));
    visiting.delete(entry.name);
    ordered.push(entry);
  };
  for (const entry of found) visit(entry);
  return ordered;
}
