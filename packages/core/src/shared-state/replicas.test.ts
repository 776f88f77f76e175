import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bundleChild } from "../node/__fixtures__/bundle-child.js";
import { type CountingServer, startCountingServer } from "../node/__fixtures__/counting-server.js";
import { unlinkMatching } from "../node/redis-keys.js";
import type { ReplicaArgs, Scenario } from "./__fixtures__/replica-main.js";

// Real replicas: Node processes, each with its own Redis connection and Keel middleware on the
// shared Redis state, calling one counting HTTP server that timestamps what it receives.

const prefix = `keel-test-replicas-${process.pid}-${Math.random().toString(36).slice(2)}:`;
let work: string;
let child: string;
let client: Redis;
let server: CountingServer;
const children = new Set<ChildProcess>();
let run = 0;

beforeAll(async () => {
  client = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect().catch((error: Error) => {
    throw new Error(`Redis at 127.0.0.1:6379 is needed for these tests and is down: ${error.message}`);
  });
  work = await mkdtemp(join(tmpdir(), "keel-replicas-"));
  child = join(work, "replica.mjs");
  await bundleChild(new URL("./__fixtures__/replica-main.ts", import.meta.url), child);
}, 60_000);

afterEach(async () => {
  for (const c of children) c.kill("SIGKILL");
  children.clear();
  await server?.close();
});

afterAll(async () => {
  await unlinkMatching(client, `${prefix}*`);
  client.disconnect();
  await rm(work, { recursive: true, force: true });
});

/** Starts one replica; `done` resolves with its result line (or rejects if it dies without one). */
function replica(name: string, scenario: Scenario, keys: string) {
  const args: ReplicaArgs = { url: server.url, redisPort: 6379, prefix: keys, replica: name, scenario };
  const proc = spawn(process.execPath, [child, JSON.stringify(args)], { stdio: ["pipe", "pipe", "pipe"] });
  children.add(proc);
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d: Buffer) => {
    out += d;
  });
  proc.stderr!.on("data", (d: Buffer) => {
    err += d;
  });
  const done = new Promise<Record<string, unknown>>((resolve, reject) =>
    proc.on("exit", (code, signal) => {
      children.delete(proc);
      const line = out.trim().split("\n").at(-1);
      if (line?.startsWith("{")) resolve(JSON.parse(line));
      else reject(new Error(`replica ${name} exited (${code ?? signal}) without a result: ${err}`));
    }),
  );
  done.catch(() => {}); // a test that expects the child to die awaits `done` itself
  const started = new Promise<void>((resolve, reject) => {
    proc.stdout!.on("data", () => {
      if (out.startsWith("ready")) resolve();
    });
    done.then(() => reject(new Error(`replica ${name} ended before it was ready`)), reject);
  });
  return { proc, done, started, go: () => proc.stdin!.write("go\n") };
}

/** Starts replicas, waits until each has connected, then lets them all go at once. */
async function together(names: string[], scenario: Scenario, keys: string) {
  const all = names.map((name) => replica(name, scenario, keys));
  await Promise.all(all.map((r) => r.started));
  for (const r of all) r.go();
  return Promise.all(all.map((r) => r.done));
}

const waitFor = async (ok: () => boolean, what: string, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("replicas sharing Redis state", () => {
  it("four processes at twice a 600 RPM / 60,000 TPM quota for 30 s stay within it plus one burst; nothing is lost", async () => {
    server = await startCountingServer();
    const keys = `${prefix}${run++}:`;
    const quota = { requestsPerMinute: 600, tokensPerMinute: 60_000, burstMs: 6_000 };
    const scenario: Scenario = {
      kind: "load",
      durationMs: 30_000,
      offeredRpm: 300,
      maxWaitMs: 3_000,
      ...quota,
    };
    const results = await together(["r1", "r2", "r3", "r4"], scenario, keys);

    let offered = 0;
    const outcomes: Record<string, number> = {};
    for (const result of results) {
      expect(result.unhandled).toEqual([]);
      offered += result.offered as number;
      for (const [code, n] of Object.entries(result.outcomes as Record<string, number>))
        outcomes[code] = (outcomes[code] ?? 0) + n;
    }
    // Each call succeeded (perhaps after waiting) or ended in a typed rate-limited error.
    expect(Object.keys(outcomes).sort()).toEqual(["ok", "rate-limited"]);
    expect(outcomes.ok! + outcomes["rate-limited"]!).toBe(offered);
    expect(server.received.filter((r) => r.status === 200)).toHaveLength(outcomes.ok!);

    // The bucket holds 6 s of quota (60 requests, 6,000 tokens) and refills 10 requests and
    // 1,000 tokens a second: in any span of W s the server may see 60 + 10·W requests. The
    // server times arrivals, not admissions: on a busy machine the time between the two varies
    // by a second or two, so the 10-second windows get 2 s of refill as slack.
    const burst = { requests: 60, tokens: 6_000 };
    for (const [, count, tokens] of server.perWindow(60_000)) {
      expect(count).toBeLessThanOrEqual(600 + burst.requests);
      expect(tokens).toBeLessThanOrEqual(60_000 + burst.tokens);
    }
    expect(server.busiest(10_000)).toBeLessThanOrEqual(100 + burst.requests + 20);
    expect(server.busiest(10_000, (r) => r.tokens)).toBeLessThanOrEqual(10_000 + burst.tokens + 2_000);
    expect(server.busiest(60_000)).toBeLessThanOrEqual(600 + burst.requests);
    // And the limit was what held the load back: at twice the quota about half went through.
    expect(outcomes["rate-limited"]).toBeGreaterThan(100);
    expect(outcomes.ok).toBeGreaterThan(300);
  }, 90_000);

  it("a replica SIGKILLed while holding semaphore leases: its leases expire and the others proceed", async () => {
    server = await startCountingServer();
    const keys = `${prefix}${run++}:`;
    const leaseMs = 1_500;
    const holder = replica("holder", { kind: "hold", calls: 2, max: 2, leaseMs, holdMs: 60_000 }, keys);
    await holder.started;
    holder.go();
    await waitFor(
      () => server.received.filter((r) => r.replica === "holder").length === 2,
      "the holder's calls",
    );
    const slots = `${keys}ss:l:slots`;
    expect(await client.zcard(slots)).toBe(2);
    holder.proc.kill("SIGKILL");
    const [seconds, micros] = await client.time();
    const killedAt = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    // Renewed every leaseMs / 3 while alive: no lease outlives the kill by more than leaseMs.
    for (const score of (await client.zrange(slots, 0, -1, "WITHSCORES")).filter((_, i) => i % 2 === 1))
      expect(Number(score)).toBeLessThanOrEqual(killedAt + leaseMs);
    await expect(holder.done).rejects.toThrow(/SIGKILL/);

    const others = await together(["a", "b"], { kind: "hold", calls: 3, max: 2, leaseMs, holdMs: 50 }, keys);
    for (const result of others) {
      expect(result.outcomes).toEqual(["ok", "ok", "ok"]);
      expect(result.unhandled).toEqual([]);
    }
    expect(await client.zcard(slots)).toBe(0);
  }, 30_000);

  it("one replica's failures open the shared breaker; the others stop calling; one trial at a time", async () => {
    server = await startCountingServer();
    server.state.failing = true;
    const keys = `${prefix}${run++}:`;
    const cooldownMs = 700;
    const scenario: Scenario = {
      kind: "breaker",
      // 60 calls 20 ms apart outlast the 700 ms cooldown however fast the machine is, so at least
      // one half-open trial happens (25 calls finished inside one cooldown on an idle machine).
      calls: 60,
      intervalMs: 20,
      pollMs: 200,
      cooldownMs,
    };
    const results = await together(["r1", "r2", "r3", "r4"], scenario, keys);
    for (const result of results) {
      expect(result.unhandled).toEqual([]);
      expect((result.outcomes as Record<string, number>)["circuit-open"]).toBeGreaterThan(0);
    }
    const arrivals = server.received.map((r) => r.at).sort((a, b) => a - b);
    // Three failures open the shared circuit. A replica that had read it closed within its poll
    // interval sends at most one more call, whose failure makes it read the circuit again: open.
    const beforeOpen = 3 + 3;
    // Every later request is a half-open trial: one at a time, each failing and reopening the
    // circuit for another cooldown, so they arrive at least a cooldown apart.
    const trials = arrivals.slice(beforeOpen);
    for (let i = 1; i < trials.length; i++)
      expect(trials[i]! - trials[i - 1]!).toBeGreaterThanOrEqual(cooldownMs - 20);
    expect(trials.length).toBeGreaterThanOrEqual(1);
    const total = results.reduce(
      (n, r) => n + Object.values(r.outcomes as Record<string, number>).reduce((a, b) => a + b, 0),
      0,
    );
    // Without a shared circuit each replica would have sent three calls (its own threshold) and
    // a trial per cooldown; with it, the fleet sent few more than one replica alone would.
    expect(total).toBe(4 * scenario.calls);
    expect(arrivals.length).toBeLessThan(total / 4);
  }, 30_000);
});
