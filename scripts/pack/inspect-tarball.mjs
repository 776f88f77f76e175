// What a published tarball must and must not hold: a manifest with real version ranges and no
// development conditions, every file the manifest points at, and nothing but the build output
// (no sources, tests, fixtures or test data). Source maps carry their sources inline.
import { tarballFiles, tarballText } from "./tarball.mjs";

const ALLOWED_TOP_LEVEL = /^(package\.json|README(\.md)?|LICEN[CS]E(\.\w+)?|CHANGELOG\.md)$/i;
const TEST_ONLY =
  /(^|\/)(__fixtures__|__screenshots__|e2e|fixtures?|testdata)(\/|$)|\.(test|spec)\.[cm]?[jt]s$/;

/** Every file path an exports map (any condition, nested or not) or a bin points at. */
function manifestTargets(pkg) {
  const targets = [];
  const walk = (value) => {
    if (typeof value === "string") targets.push(value);
    else if (value && typeof value === "object") for (const inner of Object.values(value)) walk(inner);
  };
  walk(pkg.exports);
  walk(pkg.bin);
  for (const field of ["main", "types", "module"]) if (pkg[field]) targets.push(pkg[field]);
  return targets.map((target) => target.replace(/^\.\//, ""));
}

/**
 * @param {string} tarball
 * @returns {{ pkg: Record<string, any>, files: string[], problems: string[] }}
 */
export function inspectTarball(tarball) {
  const files = tarballFiles(tarball);
  const pkg = JSON.parse(tarballText(tarball, "package.json"));
  const problems = [];

  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"])
    for (const [name, range] of Object.entries(pkg[field] ?? {}))
      if (/^(workspace|link|file|portal):/.test(range))
        problems.push(`manifest: ${field}["${name}"] is "${range}" (a workspace-local range)`);
  const exportsText = JSON.stringify(pkg.exports ?? {});
  if (exportsText.includes("@keel/source"))
    problems.push('manifest: exports keep the development condition "@keel/source"');
  if (/\.\/src\//.test(exportsText)) problems.push("manifest: exports point into ./src");
  if (pkg.scripts && Object.keys(pkg.scripts).length > 0)
    problems.push(`manifest: scripts (${Object.keys(pkg.scripts).join(", ")}) would run from the workspace`);
  if (pkg.type !== "module") problems.push('manifest: "type" must be "module" (the build emits ESM)');

  for (const target of manifestTargets(pkg))
    if (!files.includes(target)) problems.push(`manifest points at ${target}, which is not in the tarball`);

  const stray = files.filter((file) => !file.startsWith("dist/") && !ALLOWED_TOP_LEVEL.test(file));
  if (stray.length > 0)
    problems.push(`files outside dist/: ${stray.slice(0, 8).join(", ")}${stray.length > 8 ? ", …" : ""}`);
  const testOnly = files.filter((file) => TEST_ONLY.test(file));
  if (testOnly.length > 0)
    problems.push(`test-only files: ${testOnly.slice(0, 8).join(", ")}${testOnly.length > 8 ? ", …" : ""}`);
  const typescriptSources = files.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts"));
  if (typescriptSources.length > 0)
    problems.push(`TypeScript sources: ${typescriptSources.slice(0, 5).join(", ")}`);

  for (const map of files.filter((file) => file.endsWith(".js.map"))) {
    const parsed = JSON.parse(tarballText(tarball, map));
    const inline = parsed.sourcesContent?.length === parsed.sources?.length;
    if (!inline || parsed.sourcesContent.some((content) => typeof content !== "string"))
      problems.push(`${map}: sources are not embedded (sourcesContent), and src/ is not shipped`);
  }
  return { pkg, files, problems };
}
