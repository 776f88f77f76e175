import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const script = fileURLToPath(new URL("./gpu-fleet.ts", import.meta.url));

it("routes one workload through four policies on simulated replicas, and prefix affinity reuses the cache most", async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--conditions=@keel/source", script, "--waves", "2"],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), timeout: 90_000 },
  );
  expect(stdout).toContain("3 simulated replicas");
  const rows = new Map(
    [...stdout.matchAll(/^([a-z-]+) +(\d+) \/ (\d+) \/ (\d+) +([\d.]+)% +(\d+) \/ (\d+)(.*)$/gm)].map((m) => [
      m[1],
      { served: Number(m[2]) + Number(m[3]) + Number(m[4]), cached: Number(m[5]), rest: m[8] },
    ]),
  );
  expect([...rows.keys()]).toEqual(["round-robin", "least-outstanding", "kv-aware", "prefix-affinity"]);
  for (const row of rows.values()) {
    expect(row.served).toBe(48);
    expect(row.rest).toBe("");
  }
  expect(stdout).toMatch(/^round-robin +16 \/ 16 \/ 16 /m);
  expect(rows.get("prefix-affinity")!.cached).toBeGreaterThan(rows.get("round-robin")!.cached);
  expect(stdout).toMatch(/why a request went where it did \(prefix-affinity\): "prefix match \d+%"/);
});
