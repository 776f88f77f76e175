// `pnpm pack` of one workspace package with the pinned pnpm (package.json "packageManager"),
// through npx when that pnpm is not on PATH.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./workspace.mjs";

const PNPM = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).packageManager;

/**
 * @param {{ name: string, dir: string, pkg: Record<string, any> }} entry
 * @param {string} into the folder the tarball is written to
 * @returns {string} the tarball's path
 */
export function pnpmPack(entry, into) {
  const tarball = join(into, `${entry.name.replace(/^@/, "").replace("/", "-")}-${entry.pkg.version}.tgz`);
  rmSync(tarball, { force: true });
  const found = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  const [command, prefix] = `pnpm@${found.stdout?.trim()}` === PNPM ? ["pnpm", []] : ["npx", ["--yes", PNPM]];
  const run = spawnSync(command, [...prefix, "pack", "--pack-destination", into], {
    cwd: entry.dir,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`pnpm pack failed:\n${run.stdout}${run.stderr}`);
  if (!existsSync(tarball)) throw new Error(`pnpm pack did not write ${tarball}`);
  return tarball;
}
