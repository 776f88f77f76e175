import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const script = fileURLToPath(new URL("./edge-worker.ts", import.meta.url));
// Tarballs packed before (`node scripts/pack.mjs --out DIR core providers`) skip packing; without
// them the script packs, building the packages first when their dist/ is missing or stale.
const tarballs = process.env.KEEL_EDGE_TARBALLS;

it("bundles the worker from the packed packages and runs it in workerd against the wire test server", async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--conditions=@keel/source", script, ...(tarballs ? ["--tarballs", tarballs] : [])],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), timeout: 280_000, maxBuffer: 16 << 20 },
  );
  process.stdout.write(stdout.match(/ {3}worker bundle: .*\n/)?.[0] ?? "");
  expect(stdout).toMatch(/@keel\/core: \S+keel-core-[\d.]+\.tgz/);
  expect(stdout).toMatch(/\d+ files from the packed @keel packages, no imports left, no node: imports/);
  expect(stdout).toMatch(
    /worker bundle: [\d.]+ KB minified, [\d.]+ KB gzipped \(budget [\d.]+ KB minified\)/,
  );
  expect(stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
  expect(stdout).toContain('200 {"answer":"Backpressure paces a fast producer.","model":"gpt-4.1-mini"');
  expect(stdout).toMatch(/"cached":false\}\n[\s\S]*"cached":true\}\n/);
  expect(stdout).toContain("the model received: My email is [redacted:EMAIL]");
  expect(stdout).toMatch(
    /422 \{"error":"content-filtered","stage":"input","findings":\[.*"override-instructions"/,
  );
  expect(stdout).toContain('400 {"error":"the body must be JSON');
  expect(stdout).toContain('502 {"error":"authentication"');
  expect(stdout).toContain("The worker ran in workerd from the packed packages.");
}, 300_000);
