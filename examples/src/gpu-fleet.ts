/**
 * A self-hosted fleet, simulated: three vLLM-like replicas (Llama-3.1-8B on an H100 time model, 20×
 * faster than real time) behind `@keel/gpu-client`, and the same workload routed by four policies
 * side by side. The workload is RAG-shaped: four long documents (PostgreSQL manual pages) with six
 * questions each, so requests that share a document share a long prompt prefix that a replica can
 * serve from its prefix cache if the router sends them to the same place.
 *
 *   npx tsx --conditions=@keel/source examples/src/gpu-fleet.ts [--waves 3]
 *
 * Prints, per policy: requests per replica, the share of prompt tokens served from the prefix
 * cache, and time to first token on the simulator's clock (p50 / p95). Exits 1 on a failed request.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ModelRequest } from "@keel/core";
import {
  createFleet,
  kvAware,
  leastOutstanding,
  prefixAffinity,
  type RoutingPolicy,
  roundRobin,
  routeOf,
} from "@keel/gpu-client";
import { startReplicas } from "@keel/gpu-client/simulator";
import { loadManualPages } from "./shared/manual-pages.js";

const { values: flags } = parseArgs({ options: { waves: { type: "string", default: "3" } } });
const out = (line = "") => process.stdout.write(`${line}\n`);
const MODEL = "meta-llama/Llama-3.1-8B-Instruct";
const REPLICAS = 3;
const DOCUMENTS = 4;

const POLICIES: Array<[string, () => RoutingPolicy]> = [
  ["round-robin", () => roundRobin()],
  ["least-outstanding", () => leastOutstanding()],
  ["kv-aware", () => kvAware()],
  ["prefix-affinity", () => prefixAffinity()],
];

const QUESTIONS = [
  "Summarize this section in two sentences.",
  "What is the main risk it warns about?",
  "Which configuration settings does it name?",
  "What should an operator monitor?",
  "Give one example from the text.",
  "What changed compared with older versions?",
];

/** Four documents × six questions, interleaved so no policy gets neighbours for free. */
async function workload(): Promise<ModelRequest[]> {
  const docsDir = fileURLToPath(new URL("../docs/postgresql", import.meta.url));
  const docs = (await loadManualPages(docsDir)).slice(0, DOCUMENTS);
  const requests: ModelRequest[] = [];
  for (const question of QUESTIONS)
    for (const doc of docs)
      requests.push({
        messages: [
          { role: "system", content: `Answer from this document.\n\n${doc.text.slice(0, 6_000)}` },
          { role: "user", content: question },
        ],
        maxOutputTokens: 24,
      });
  return requests;
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? Number.NaN;
};

interface PolicyResult {
  policy: string;
  perReplica: number[];
  cachedShare: number;
  ttftP50: number;
  ttftP95: number;
  failed: number;
  sampleReason: string;
}

async function runPolicy(name: string, policy: RoutingPolicy, requests: ModelRequest[], waves: number) {
  const replicas = await startReplicas(REPLICAS, () => ({ timeScale: 20 }));
  const fleet = createFleet({
    model: MODEL,
    endpoints: replicas.map((r, i) => ({ url: r.url, id: `gpu-${i}` })),
    policy,
  });
  const perReplica = new Map<string, number>();
  const ttfts: number[] = [];
  let prompt = 0;
  let cached = 0;
  let failed = 0;
  let sampleReason = "";
  try {
    await fleet.start();
    const model = fleet.model();
    for (let wave = 0; wave < waves; wave++)
      await Promise.all(
        requests.map(async (request) => {
          try {
            const response = await model.generate(request);
            const route = routeOf(response);
            perReplica.set(route!.endpoint, (perReplica.get(route!.endpoint) ?? 0) + 1);
            if (route!.reason.includes("match")) sampleReason ||= route!.reason;
            prompt += response.usage.inputTokens;
            cached += response.usage.cachedInputTokens ?? 0;
            const sim = (
              response.raw as { usage?: { keel_sim?: { arrived_ms: number; first_token_ms: number } } }
            ).usage?.keel_sim;
            if (sim) ttfts.push(sim.first_token_ms - sim.arrived_ms);
          } catch {
            failed++;
          }
        }),
      );
  } finally {
    fleet.close();
    await Promise.all(replicas.map((r) => r.close()));
  }
  const result: PolicyResult = {
    policy: name,
    perReplica: replicas.map((_, i) => perReplica.get(`gpu-${i}`) ?? 0),
    cachedShare: prompt ? cached / prompt : 0,
    ttftP50: pct(ttfts, 0.5),
    ttftP95: pct(ttfts, 0.95),
    failed,
    sampleReason,
  };
  return result;
}

const requests = await workload();
const waves = Number(flags.waves);
out(
  `${REPLICAS} simulated replicas (${MODEL}, H100 time model, 20× real time); ${requests.length} requests × ${waves} waves`,
);
out(
  `${"policy".padEnd(18)} ${"requests per replica".padEnd(22)} ${"prefix-cached".padEnd(14)} TTFT p50 / p95 (sim ms)`,
);
const results: PolicyResult[] = [];
for (const [name, make] of POLICIES) {
  const r = await runPolicy(name, make(), requests, waves);
  results.push(r);
  out(
    `${r.policy.padEnd(18)} ${r.perReplica.join(" / ").padEnd(22)} ${`${(r.cachedShare * 100).toFixed(1)}%`.padEnd(14)} ` +
      `${Math.round(r.ttftP50)} / ${Math.round(r.ttftP95)}${r.failed ? `  (${r.failed} failed)` : ""}`,
  );
}
out(`\nwhy a request went where it did (prefix-affinity): "${results.at(-1)!.sampleReason}"`);
out("The simulator's clock runs on real timers: TTFT moves with this machine's load; the cache share and");
out("the placement do not. For load-independent figures use the lockstep benchmark: pnpm bench:fleet.");
if (results.some((r) => r.failed > 0)) process.exitCode = 1;
