import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import { rateLimit } from "../middleware/rate-limit.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { redisSharedState } from "./redis-shared-state.js";

// A redis-server of this test's own (never the shared one on 6379), stopped and restarted mid-run.

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, "close");
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on("data", (chunk: Buffer) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) resolve();
    });
    proc.on("exit", (code) => reject(new Error(`redis-server on ${port} exited (${code}): ${output}`)));
  });
  return proc;
}

async function stopRedis(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  proc.kill("SIGTERM");
  await once(proc, "exit");
}

let port: number;
let redis: ChildProcess;
let client: Redis;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis(port);
  // As an application would create it: ioredis defaults (reconnects by itself), an error listener.
  client = new Redis({ host: "127.0.0.1", port });
  client.on("error", () => {});
  process.on("unhandledRejection", onUnhandled);
});

afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  client?.disconnect();
  if (redis) await stopRedis(redis);
});

const ask = { messages: [{ role: "user" as const, content: "hi" }] };
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (e: { code?: string }) => e.code ?? "?",
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("redisSharedState when Redis goes away", () => {
  it("limits locally with a warning event while Redis is down, and shares them again once it is back", async () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const store = redisSharedState({
      client,
      prefix: "keel-outage-limits:",
      events: hub,
      retryMs: 200,
      localShare: 0.5,
    });
    const model = pipe(scriptedModel(["ok"]), rateLimit({ requestsPerMinute: 10, maxWaitMs: 0, store }));
    const calls = async (n: number) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(await outcome(model.generate(ask)));
      return out;
    };

    // Shared: the bucket of 10 is in Redis.
    expect(await calls(11)).toEqual([...Array(10).fill("ok"), "rate-limited"]);
    expect(await client.exists("keel-outage-limits:ss:b:rate-limit:rpm")).toBe(1);

    await stopRedis(redis);
    // Local mode: this replica keeps half the limit (localShare 0.5) — a limit, never none.
    expect(await calls(6)).toEqual([...Array(5).fill("ok"), "rate-limited"]);
    const degraded = seen.filter((e) => e.type === "shared-state.degraded");
    expect(degraded).toHaveLength(1);
    expect(degraded[0]).toMatchObject({ store: "redis", localShare: 0.5 });
    expect((degraded[0] as { error: unknown }).error).toBeInstanceOf(NetworkError);

    // Redis comes back empty (no persistence); the same client reconnects by itself.
    redis = await startRedis(port);
    const until = Date.now() + 20_000;
    while (client.status !== "ready" && Date.now() < until) await sleep(50);
    expect(client.status).toBe("ready");
    await sleep(250); // past retryMs
    expect(await calls(11)).toEqual([...Array(10).fill("ok"), "rate-limited"]);
    expect(seen.filter((e) => e.type === "shared-state.recovered")).toHaveLength(1);
    expect(await client.exists("keel-outage-limits:ss:b:rate-limit:rpm")).toBe(1);
    expect(unhandled).toEqual([]);
  }, 40_000);

  it("fails the limit check with NetworkError instead, when told to", async () => {
    await stopRedis(redis);
    const store = redisSharedState({ client, prefix: "keel-outage-throw:", onUnavailable: "throw" });
    const model = pipe(scriptedModel(["ok"]), rateLimit({ requestsPerMinute: 10, store }));
    expect(await outcome(model.generate(ask))).toBe("network");
    redis = await startRedis(port);
    expect(unhandled).toEqual([]);
  }, 20_000);
});
