// One replica of a service in the multi-process tests: its own Redis connection, its own Keel
// middleware on the shared Redis state, a model that calls the counting server over HTTP. The
// scenario comes as one JSON argument; the result goes to stdout as one JSON line.
import { Redis } from "ioredis";
import { onEvent } from "../../events.js";
import { circuitBreaker } from "../../middleware/circuit-breaker.js";
import { concurrency } from "../../middleware/concurrency.js";
import { rateLimit } from "../../middleware/rate-limit.js";
import type { ModelRequest } from "../../model.js";
import { redisSharedState } from "../../node/redis-shared-state.js";
import { pipe } from "../../pipe.js";
import { httpModel } from "./http-model.js";

export type Scenario =
  | {
      kind: "load";
      durationMs: number;
      /** Calls this replica offers per minute, evenly spaced. */
      offeredRpm: number;
      requestsPerMinute: number;
      tokensPerMinute: number;
      burstMs: number;
      maxWaitMs: number;
    }
  | { kind: "hold"; calls: number; max: number; leaseMs: number; holdMs: number }
  | { kind: "breaker"; calls: number; intervalMs: number; pollMs: number; cooldownMs: number };

export interface ReplicaArgs {
  url: string;
  redisPort: number;
  prefix: string;
  replica: string;
  scenario: Scenario;
}

const args = JSON.parse(process.argv[2]!) as ReplicaArgs;
const client = new Redis({ host: "127.0.0.1", port: args.redisPort, maxRetriesPerRequest: 1 });
// A generous timeout: these tests run beside others on a busy machine, and a slow answer
// taken for an outage would switch a replica to local mode.
const store = redisSharedState({ client, prefix: args.prefix, timeoutMs: 1_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const codeOf = (call: Promise<unknown>) =>
  call.then(
    () => "ok",
    (e: { code?: string; message?: string }) => e.code ?? `untyped: ${e.message}`,
  );
/** About `tokens` tokens of prompt plus room for `tokens` of answer (the server uses half). */
const ask = (tokens: number): ModelRequest => ({
  messages: [{ role: "user", content: "x".repeat(tokens * 4) }],
  maxOutputTokens: tokens,
});

/** Connects, says "ready", and waits for the parent's "go" line, so every replica starts together. */
async function ready(): Promise<void> {
  await client.ping();
  process.stdout.write("ready\n");
  await new Promise<void>((resolve) => {
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (text: string) => text.includes("go") && resolve());
  });
}

async function main(): Promise<unknown> {
  const { scenario } = args;
  await ready();
  if (scenario.kind === "load") {
    const model = pipe(httpModel(args.url, args.replica), rateLimit({ ...scenario, store, key: "quota" }));
    const calls: Array<Promise<string>> = [];
    const every = 60_000 / scenario.offeredRpm;
    const started = Date.now();
    // Calls of 40 to 60 estimated tokens (prompt + max output): about 100 tokens a call.
    for (let i = 0; Date.now() - started < scenario.durationMs; i++) {
      calls.push(codeOf(model.generate(ask(40 + ((i * 7) % 21)))));
      await sleep(Math.max(0, started + (i + 1) * every - Date.now()));
    }
    const outcomes: Record<string, number> = {};
    for (const code of await Promise.all(calls)) outcomes[code] = (outcomes[code] ?? 0) + 1;
    return { offered: calls.length, outcomes };
  }
  if (scenario.kind === "hold") {
    const model = pipe(
      httpModel(args.url, args.replica, scenario.holdMs),
      concurrency({ max: scenario.max, leaseMs: scenario.leaseMs, pollMs: 20, store, key: "slots" }),
    );
    const outcomes = await Promise.all(
      Array.from({ length: scenario.calls }, () => codeOf(model.generate(ask(10)))),
    );
    return { outcomes };
  }
  const model = pipe(
    httpModel(args.url, args.replica),
    circuitBreaker({
      failureThreshold: 3,
      cooldownMs: scenario.cooldownMs,
      pollMs: scenario.pollMs,
      store,
      key: "breaker",
    }),
  );
  const outcomes: Record<string, number> = {};
  // A number of calls rather than a duration: on a busy machine a young process is slow.
  for (let i = 0; i < scenario.calls; i++) {
    const code = await codeOf(model.generate(ask(10)));
    outcomes[code] = (outcomes[code] ?? 0) + 1;
    await sleep(scenario.intervalMs);
  }
  return { outcomes };
}

const unhandled: string[] = [];
/** Times this replica fell back to local mode: the tests' bounds hold only while Redis is used. */
const degraded: string[] = [];
onEvent((e) => {
  if (e.type === "shared-state.degraded") degraded.push(`${e.operation}: ${e.error.message}`);
});
process.on("unhandledRejection", (reason) => unhandled.push(String(reason)));
main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify({ ...(result as object), unhandled, degraded })}\n`);
    client.disconnect();
    process.stdin.destroy();
  },
  (error: Error) => {
    process.stdout.write(`${JSON.stringify({ crashed: error.stack ?? String(error), unhandled })}\n`);
    client.disconnect();
    process.stdin.destroy();
    process.exitCode = 1;
  },
);
