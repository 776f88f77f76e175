import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

it("the runnable triage answers one ticket with a tool and a redraft, and escalates a critical one and a credit", async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--conditions=@keel/source", fileURLToPath(new URL("./run.ts", import.meta.url))],
    { cwd: fileURLToPath(new URL("../..", import.meta.url)), timeout: 60_000 },
  );
  expect(stdout).toContain(
    "→ sent to T-1: Hi Ada! Download your March invoice ($49, paid) under Settings > Billing.",
  );
  expect(stdout).toContain("tools the writer used: lookup_account");
  expect(stdout).toContain("path: classify → retrieve → fit → draft → check → draft → check → respond");
  expect(stdout).toContain("→ escalated T-2: critical ticket: full outage");
  expect(stdout).toContain("path: classify → escalate");
  expect(stdout).toContain("→ escalated T-3: credit of $98 needs a human's approval: charged twice in March");
  expect(stdout).toContain("path: classify → retrieve → fit → draft → escalate");
  expect(stdout).toContain("model calls made: 9");
  expect(stdout).toContain("stateDiagram-v2");
});
