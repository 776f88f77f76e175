import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

// The resilience example runs end to end and tells the story it claims.
it("the resilience example runs offline and shows retry, seamless failover and a typed error", async () => {
  const script = fileURLToPath(new URL("./resilience.ts", import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "--conditions=@keel/source", script],
    { cwd: fileURLToPath(new URL("..", import.meta.url)), timeout: 60_000 },
  );
  expect(stdout).toContain("answer: Backpressure lets a slow consumer pace a fast producer.");
  expect(stdout).toMatch(/retry\.scheduled .* failed \(rate-limited\)/);
  // The caller's stream reads as one answer: partial + continuation, no repeated words.
  expect(stdout).toContain(
    "stream: Retries with full jitter spread clients out so that they do not return together and overload the server again.\n",
  );
  expect(stdout).toContain("failed over gpt-4.1-mini → claude-haiku-4-5 (network)");
  expect(stdout).toContain("InvalidRequestError code=invalid-request retryable=false status=400");
  expect(stdout).toMatch(/TOTAL\s+2\s/);
});
