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

/**
 * The packages named (short names: `core`, `providers`; none: all), with the workspace packages
 * they depend on (a tarball installs only next to its dependencies' tarballs), in build order.
 */
export function selectPackages(names) {
  const all = publishablePackages();
  const wanted = new Set(all.filter((entry) => names.length === 0 || names.includes(entry.name.slice(6))));
  const unknown = names.filter((name) => !all.some((entry) => entry.name.slice(6) === name));
  if (unknown.length > 0) throw new Error(`no package named ${unknown.join(", ")} in packages/`);
  for (const entry of [...wanted].reverse())
    for (const dep of Object.keys({ ...entry.pkg.dependencies, ...entry.pkg.peerDependencies }))
      for (const other of all) if (other.name === dep) wanted.add(other);
  return all.filter((entry) => wanted.has(entry));
}
