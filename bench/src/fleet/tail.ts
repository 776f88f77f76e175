// Why a run's slow requests were slow, from the files `FLEET_BENCH_DUMP=<dir> pnpm bench:fleet`
// writes: npx tsx --conditions=@keel/source bench/src/fleet/tail.ts <dir> shared-prefix-0.8-prefix-affinity
//   [--seed 1] [--over 138]
// Prints one JSON object: the measured requests (the steady state, as run.ts measures them),
// the cold ones (under half the prompt cached) split by what the replicas held when the request
// was routed, the requests whose own prefill alone takes at least --over ms on the simulator's
// time model, and (shared-prefix with --seed) how long each tenant had been idle before a request,
// against how often such requests came in cold.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { H100_LLAMA_8B, stepMs } from "@keel/gpu-client/simulator";
import type { PickTrace } from "./trace.js";
import { makeRequests, SHAPE, tenantsFor } from "./workloads.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: "string" },
    over: { type: "string", default: "138" },
    warmup: { type: "string", default: "0.25" },
    replicas: { type: "string", default: "8" },
    blocks: { type: "string", default: "4000" },
  },
});
const [dir, run] = positionals;
if (!dir || !run) throw new Error("usage: tail.ts <dump dir> <workload-load-policy> [--seed N] [--over ms]");

interface Outcome {
  arrivedAt: number;
  promptTokens?: number;
  cachedTokens?: number;
  ttft?: number;
}
const outcomes: Outcome[] = JSON.parse(readFileSync(`${dir}/${run}.json`, "utf8"));
const picks: PickTrace[] = JSON.parse(readFileSync(`${dir}/${run}.trace.json`, "utf8"));
const firstPick = new Map<number, PickTrace>();
for (const p of picks) if (!firstPick.has(p.request)) firstPick.set(p.request, p);

const start = Math.floor(outcomes.length * Number(values.warmup));
const measured = outcomes
  .map((o, i) => ({ ...o, i }))
  .slice(start)
  .filter((o) => o.ttft !== undefined);
const sorted = measured.map((o) => o.ttft!).sort((a, b) => a - b);
const p99 = sorted[Math.ceil(sorted.length * 0.99) - 1]!;
const uncached = (o: Outcome) => o.promptTokens! - o.cachedTokens!;
const cold = measured.filter((o) => o.cachedTokens! < o.promptTokens! / 2);

// Where each cold request's prefix was when it was routed (a replica "held" it: half the prompt).
const causes: Record<string, number> = {};
for (const o of cold) {
  const pick = firstPick.get(o.i);
  let cause = "no pick traced";
  if (pick) {
    const chosen = pick.candidates.find((c) => c.id === pick.endpoint);
    const holders = pick.candidates.filter((c) => c.held >= 0.5);
    if (chosen && chosen.held >= 0.5) cause = "held by the chosen replica, evicted before its prefill";
    else if (holders.length === 0) cause = "held by no replica";
    else if (holders.every((c) => c.believed === undefined)) cause = "sent away from a replica holding it";
    else if (holders.some((c) => (c.believed ?? 0) >= 0.5))
      cause = "sent away from a replica holding it, known to the index";
    else cause = "sent away from a replica holding it, unknown to the index";
  }
  causes[cause] = (causes[cause] ?? 0) + 1;
}

// The request's own prefill on an idle simulated replica: the fixed request overhead plus one
// step computing its uncached tokens. No routing makes a request that misses the cache faster.
const floorMs = (tokens: number) =>
  H100_LLAMA_8B.requestOverheadMs +
  stepMs({ prefillTokens: tokens, decodeSeqs: 0, contextTokens: tokens }, H100_LLAMA_8B);
const over = Number(values.over);

// Shared-prefix only: seconds since the tenant's previous request, bucketed, with the cold count.
let idle: Record<string, { requests: number; cold: number }> | undefined;
if (values.seed !== undefined && run.startsWith("shared-prefix")) {
  const shape = { ...SHAPE, tenants: tenantsFor(Number(values.replicas), Number(values.blocks)) };
  const requests = makeRequests("shared-prefix", outcomes.length, Number(values.seed), shape);
  const tenantOf = requests.map((r) => String(r.messages[0]!.content).slice(0, 12));
  const last = new Map<string, number>();
  const gaps = outcomes.map((o, i) => {
    const previous = last.get(tenantOf[i]!);
    last.set(tenantOf[i]!, o.arrivedAt);
    return previous === undefined ? Infinity : (o.arrivedAt - previous) / 1000;
  });
  idle = {};
  for (const o of measured) {
    const g = gaps[o.i]!;
    const bucket =
      g === Infinity ? "first request" : g < 4 ? "<4 s" : g < 8 ? "4-8 s" : g < 12 ? "8-12 s" : ">=12 s";
    idle[bucket] ??= { requests: 0, cold: 0 };
    idle[bucket].requests++;
    if (o.cachedTokens! < o.promptTokens! / 2) idle[bucket].cold++;
  }
}

console.log(
  JSON.stringify(
    {
      run,
      measured: measured.length,
      ttft_p99_ms: Math.round(p99 * 10) / 10,
      cold: cold.length,
      cold_by_cause: causes,
      [`own_prefill_at_least_${over}_ms`]: measured.filter((o) => floorMs(uncached(o)) >= over).length,
      one_percent_of_measured: Math.ceil(measured.length * 0.01),
      ...(idle ? { tenant_idle_before_request: idle } : {}),
    },
    null,
    1,
  ),
);
