// What a built package may import from outside itself: its dependencies and peer dependencies
// (and their subpaths) and Node's builtins. Anything else would fail for the user who installs
// the tarball, so the build stops and names the import.
import { builtinModules } from "node:module";

const BUILTINS = new Set(builtinModules);

/** The package name of a bare specifier: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageOf(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

export function isBuiltin(specifier) {
  return specifier.startsWith("node:") || BUILTINS.has(packageOf(specifier));
}

/**
 * @param {Record<string, any>} pkg
 * @returns {(specifier: string) => string | undefined} the reason a specifier may not be imported, or undefined
 */
export function importRule(pkg) {
  const allowed = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const dev = new Set(Object.keys(pkg.devDependencies ?? {}));
  return (specifier) => {
    if (isBuiltin(specifier) || allowed.has(packageOf(specifier))) return undefined;
    if (packageOf(specifier) === pkg.name) return "is the package itself: use a relative import";
    if (dev.has(packageOf(specifier)))
      return "is only a devDependency: make it a dependency, or an optional peerDependency imported by its adapter's subpath";
    return "is not in dependencies or peerDependencies";
  };
}
