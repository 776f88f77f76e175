// publint (package.json against the files really packed) and Are the Types Wrong (how each entry's
// types resolve under node16/nodenext ESM and bundler resolution) on a tarball. Keel is ESM-only,
// so attw runs with its "esm-only" profile: CommonJS `require` resolution is not checked.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

const require = createRequire(import.meta.url);

/** @returns {Promise<string[]>} publint errors and warnings (warnings count: strict mode) */
export async function publintProblems(tarball) {
  const data = readFileSync(tarball);
  const tarballBuffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  const { messages, pkg } = await publint({
    pack: { tarball: tarballBuffer },
    strict: true,
    level: "warning",
  });
  return messages.map(
    (message) => `publint ${message.code}: ${formatMessage(message, pkg, { color: false })}`,
  );
}

/** @returns {string[]} attw's report lines when it finds a problem, else none */
export function attwProblems(tarball) {
  const manifest = require.resolve("@arethetypeswrong/cli/package.json");
  const bin = join(dirname(manifest), JSON.parse(readFileSync(manifest, "utf8")).bin.attw);
  const run = spawnSync(
    process.execPath,
    [bin, tarball, "--profile", "esm-only", "--format", "ascii", "--no-color", "--no-emoji"],
    { encoding: "utf8" },
  );
  if (run.status === 0) return [];
  // Keep the lines that name a problem or an entry's verdict; drop the ignored CommonJS modes.
  const lines = `${run.stdout}${run.stderr}`
    .split("\n")
    .filter((line) => line.trim() && !line.includes("ignored") && !line.startsWith("*"));
  return [`attw (esm-only profile):\n${lines.join("\n")}`];
}
