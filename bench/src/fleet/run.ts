// pnpm bench:fleet [--replicas 8] [--requests 600] [--blocks 4000] [--policies a,b] [--workloads a,b] [--loads 0.5,0.8,0.95] [--seed 1]
// Simulated vLLM replicas (Llama-3.1-8B on H100 time model, a KV cache of --blocks blocks) behind
// the fleet client, Poisson arrivals, in lockstep on one simulated clock (see lockstep.ts). One
// JSON line per (workload, load, policy), then the crash run's accounting. Times are simulated ms.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { EventHub, type ModelRequest } from "@keel/core";
import {
  createFleet,
  kvAware,
  kvCost,
  leastOutstanding,
  powerOfTwo,
  prefixAffinity,
  type RoutingPolicy,
  roundRobin,
  routeOf,
} from "@keel/gpu-client";
import { lockstep } from "./lockstep.js";
import { type PickTrace, tracePicks } from "./trace.js";
import { makeRequests, rng, SHAPE, tenantsFor } from "./workloads.js";

const { values } = parseArgs({
  options: {
    replicas: { type: "string", default: "8" },
    requests: { type: "string", default: "1200" },
    warmup: { type: "string", default: "0.25" },
    blocks: { type: "string", default: "4000" },
    policies: {
      type: "string",
      default: "round-robin,least-outstanding,power-of-two,kv-aware,prefix-affinity",
    },
    workloads: { type: "string", default: "shared-prefix,random" },
    loads: { type: "string", default: "0.5,0.8,0.95" },
    "no-crash": { type: "boolean", default: false },
    // Seed of the measured runs' requests (seed) and Poisson arrivals (seed + 6); 1 gives the
    // runs of the README's first table. Capacity is always measured on seed 99.
    seed: { type: "string", default: "1" },
  },
});
// With FLEET_BENCH_DUMP=<dir>, every run's outcomes and routing trace are written there (tail.ts reads them).
const DUMP = process.env.FLEET_BENCH_DUMP;
const REPLICAS = Number(values.replicas);
const REQUESTS = Number(values.requests);
const BLOCKS = Number(values.blocks);
const WARMUP = Number(values.warmup);
const SEED = Number(values.seed);
const MODEL = "meta-llama/Llama-3.1-8B-Instruct";
const SCRAPE_EVERY_MS = 1000;
const shape = { ...SHAPE, tenants: tenantsFor(REPLICAS, BLOCKS) };
const requestsFor = (workload: "shared-prefix" | "random", count: number, seed: number) =>
  makeRequests(workload, count, seed, shape);

const POLICIES: Record<string, () => RoutingPolicy> = {
  "round-robin": () => roundRobin(),
  "least-outstanding": () => leastOutstanding(),
  "power-of-two": () => powerOfTwo(),
  "kv-aware": () => kvAware(),
  "prefix-affinity": () => prefixAffinity({ cacheBlocks: () => BLOCKS }),
  "kv-cost": () => kvCost({ cacheBlocks: () => BLOCKS }),
};

interface Outcome {
  arrivedAt: number;
  endpoint?: string;
  promptTokens?: number;
  cachedTokens?: number;
  ttft?: number;
  e2e?: number;
  tpot?: number;
  finishedAt?: number;
  outputTokens: number;
  error?: string;
}

/** One run: fresh replicas, the requests at `rate` req/s (Infinity: all at once), optionally a crash. */
async function runOne(untraced: RoutingPolicy, requests: ModelRequest[], rate: number, crashAt?: number) {
  const outcomes: Outcome[] = [];
  let arrived = -1;
  const traced = DUMP
    ? tracePicks(
        untraced,
        () => sim?.replicas ?? [],
        () => arrived,
      )
    : undefined;
  const policy = traced?.policy ?? untraced;
  let rerouted = 0;
  let routed = 0;
  // The fleet's clock is the simulated one, so metric staleness is judged in simulated time.
  let sim: Awaited<ReturnType<typeof lockstep>> | undefined;
  const hub = new EventHub();
  hub.on((e) => {
    if (e.type === "gpu.rerouted") rerouted++;
    if (e.type === "gpu.routed") routed++;
  });
  // Caught up: every stream a replica finished has been read to its end, and every attempt that
  // did not fail reached its replica.
  const quiet = (received: number, finished: number) => {
    let done = 0;
    let failed = 0;
    for (const o of outcomes) {
      if (o.finishedAt !== undefined) done++;
      else if (o.error) failed++;
    }
    return done >= finished && routed - rerouted - failed <= received;
  };
  sim = await lockstep(
    REPLICAS,
    BLOCKS,
    quiet,
    SCRAPE_EVERY_MS,
    () => fleet.scrape(),
    () => fleet.queued > 0,
  );
  const fleet = createFleet({
    model: MODEL,
    endpoints: sim.replicas.map((r, i) => ({ url: r.url, id: `replica-${i}` })),
    policy,
    events: hub,
    now: () => sim!.now,
    scrapeIntervalMs: SCRAPE_EVERY_MS,
    queue: { maxLength: 100_000, timeoutMs: 3_600_000 },
    firstTokenTimeoutMs: 3_600_000,
    idleTimeoutMs: 3_600_000,
  });
  await fleet.checkHealth();
  await fleet.scrape();
  const model = fleet.model();
  const random = rng(SEED + 6);
  let at = 0;
  for (let i = 0; i < requests.length; i++) {
    if (Number.isFinite(rate)) at += (-Math.log(1 - random()) / rate) * 1000;
    await sim.advanceTo(at);
    if (crashAt !== undefined && i === crashAt) sim.replicas[0]!.fault({ kind: "crash" });
    const outcome: Outcome = { arrivedAt: sim.now, outputTokens: 0 };
    arrived = i;
    outcomes.push(outcome);
    void (async () => {
      try {
        const response = await model.generate(requests[i]!);
        const t = (response.raw as { usage?: { keel_sim?: { first_token_ms: number; finished_ms: number } } })
          ?.usage?.keel_sim;
        if (!t) throw new Error("the simulator sent no timings");
        outcome.outputTokens = response.usage.outputTokens;
        outcome.promptTokens = response.usage.inputTokens;
        outcome.cachedTokens = response.usage.cachedInputTokens ?? 0;
        outcome.endpoint = routeOf(response)?.endpoint;
        outcome.ttft = t.first_token_ms - outcome.arrivedAt;
        outcome.e2e = t.finished_ms - outcome.arrivedAt;
        outcome.tpot = (t.finished_ms - t.first_token_ms) / Math.max(1, outcome.outputTokens - 1);
        outcome.finishedAt = t.finished_ms;
      } catch (error) {
        outcome.error = (error as { name?: string }).name ?? "Error";
      }
    })();
    await sim.settle();
  }
  // Drain: run the clock until every request has ended.
  for (
    let guard = 0;
    guard < 1_000_000 && outcomes.some((o) => o.finishedAt === undefined && !o.error);
    guard++
  ) {
    const next = Math.min(...sim.replicas.map((r) => r.engine.nextEventTime()));
    if (next === Infinity) {
      await sim.settle();
      if (outcomes.every((o) => o.finishedAt !== undefined || o.error)) break;
      continue;
    }
    await sim.advanceTo(next);
  }
  let hits = 0;
  let queries = 0;
  for (const r of sim.replicas) {
    hits += r.engine.counters.prefixHits;
    queries += r.engine.counters.prefixQueries;
  }
  fleet.close();
  await sim.close();
  return {
    outcomes,
    hitRate: queries ? hits / queries : 0,
    rerouted,
    picks: traced?.picks ?? ([] as PickTrace[]),
  };
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)]! : Number.NaN;
}
const round = (x: number) => Math.round(x * 10) / 10;

/**
 * Latency percentiles are taken in the steady state: the first `WARMUP` share of the requests
 * (in arrival order) fill the caches and are not measured, for every policy alike; `*_all` fields
 * keep every request. Failures and losses count every request.
 */
function summarize(outcomes: Outcome[]) {
  const all = outcomes.filter((o) => o.finishedAt !== undefined);
  const ok = outcomes.slice(Math.floor(outcomes.length * WARMUP)).filter((o) => o.finishedAt !== undefined);
  const start = Math.min(...outcomes.map((o) => o.arrivedAt));
  const end = Math.max(...all.map((o) => o.finishedAt!));
  const tokens = all.reduce((n, o) => n + o.outputTokens, 0);
  const failed = outcomes.filter((o) => o.error).length;
  return {
    ok,
    all,
    tokens,
    seconds: (end - start) / 1000,
    failed,
    lost: outcomes.length - all.length - failed,
  };
}

/** Fleet capacity for a workload: completed requests per simulated second with all of them sent at once, least-outstanding routing. */
async function capacity(requests: ModelRequest[]): Promise<number> {
  const { outcomes } = await runOne(leastOutstanding(), requests, Infinity);
  const s = summarize(outcomes);
  return s.all.length / s.seconds;
}

for (const workload of values.workloads.split(",").filter(Boolean) as ("shared-prefix" | "random")[]) {
  // Capacity is measured on its own requests (another seed), not on the ones the runs use.
  const cap = await capacity(requestsFor(workload, REQUESTS, 99));
  console.log(
    JSON.stringify({
      workload,
      capacity_req_s: round(cap),
      replicas: REPLICAS,
      kv_blocks: BLOCKS,
      requests: REQUESTS,
      tenants: shape.tenants,
    }),
  );
  const requests = requestsFor(workload, REQUESTS, SEED);
  for (const load of values.loads.split(",").map(Number)) {
    for (const name of values.policies.split(",")) {
      const { outcomes, hitRate, picks } = await runOne(POLICIES[name]!(), requests, cap * load);
      const s = summarize(outcomes);
      if (DUMP) {
        writeFileSync(`${DUMP}/${workload}-${load}-${name}.json`, JSON.stringify(outcomes));
        writeFileSync(`${DUMP}/${workload}-${load}-${name}.trace.json`, JSON.stringify(picks));
      }
      const steady = (f: (o: Outcome) => number, p: number) => round(pct(s.ok.map(f), p));
      console.log(
        JSON.stringify({
          workload,
          load,
          policy: name,
          ttft_p50_ms: steady((o) => o.ttft!, 0.5),
          ttft_p99_ms: steady((o) => o.ttft!, 0.99),
          tpot_p50_ms: steady((o) => o.tpot!, 0.5),
          e2e_p99_ms: steady((o) => o.e2e!, 0.99),
          throughput_tok_s: round(s.tokens / s.seconds),
          prefix_hit_rate: Math.round(hitRate * 1000) / 1000,
          failed: s.failed,
          lost: s.lost,
          ttft_p99_all_ms: round(
            pct(
              s.all.map((o) => o.ttft!),
              0.99,
            ),
          ),
          // Measured requests that found under half their prompt cached: they prefill (nearly)
          // all of it, so their TTFT cannot be short; once they are over 1% of the requests, they
          // set the TTFT P99.
          cold_share:
            Math.round(
              (s.ok.filter((o) => o.cachedTokens! < o.promptTokens! / 2).length / s.ok.length) * 1000,
            ) / 1000,
        }),
      );
    }
  }
}

if (!values["no-crash"]) {
  // Replica 0 crashes when 40% of the requests have been sent: every request must complete
  // elsewhere or end in a typed error, and the counts must add up.
  const cap = await capacity(requestsFor("shared-prefix", REQUESTS, 99));
  const requests = requestsFor("shared-prefix", REQUESTS, 3);
  const { outcomes, rerouted } = await runOne(
    POLICIES["prefix-affinity"]!(),
    requests,
    cap * 0.8,
    Math.floor(REQUESTS * 0.4),
  );
  const s = summarize(outcomes);
  const errors: Record<string, number> = {};
  for (const o of outcomes) if (o.error) errors[o.error] = (errors[o.error] ?? 0) + 1;
  console.log(
    JSON.stringify({
      run: "crash-mid-run",
      workload: "shared-prefix",
      load: 0.8,
      policy: "prefix-affinity",
      sent: requests.length,
      completed: s.all.length,
      failed: s.failed,
      failed_by_error: errors,
      rerouted_before_first_token: rerouted,
      lost: s.lost,
    }),
  );
}
