// Bundled and run in its own process by run.ts: times rateLimit calls in process and on Redis,
// alternating, and counts the Redis commands a call costs. Prints one JSON object.
import { pipe, rateLimit } from "@keel/core";
import { redisSharedState } from "@keel/core/node";
import { scriptedModel } from "@keel/core/testing";
import { Redis } from "ioredis";

const [port, calls] = process.argv.slice(2).map(Number) as [number, number];
const client = new Redis({ host: "127.0.0.1", port });
await client.ping();
const store = redisSharedState({ client, prefix: "bench:" });
const ask = { messages: [{ role: "user" as const, content: "Say something short." }], maxOutputTokens: 20 };
const usage = { inputTokens: 6, outputTokens: 4, totalTokens: 10 };
// Limits far above what the run uses: every call is admitted at once, so only the check is timed.
const limits = { requestsPerMinute: 1e9 };
const local = pipe(scriptedModel([{ text: "ok", usage }]), rateLimit(limits));
const shared = pipe(scriptedModel([{ text: "ok", usage }]), rateLimit({ ...limits, store }));
const sharedTokens = pipe(
  scriptedModel([{ text: "ok", usage }]),
  rateLimit({ ...limits, tokensPerMinute: 1e9, store, key: "tokens" }),
);

async function time(model: typeof local): Promise<number> {
  const started = performance.now();
  await model.generate(ask);
  return performance.now() - started;
}

/** Round trips a call costs: the commands clients sent (a script's inner commands not counted). */
async function roundTripsPerCall(model: typeof local, n: number): Promise<number> {
  const sent = async () => {
    const stats = await client.info("commandstats");
    let total = 0;
    for (const name of ["evalsha", "eval", "zrem", "script"])
      total += Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    return total;
  };
  const before = await sent();
  for (let i = 0; i < n; i++) await model.generate(ask);
  await new Promise((r) => setTimeout(r, 50)); // let the off-path corrections land
  return ((await sent()) - before) / n;
}

for (let i = 0; i < 300; i++) {
  await time(local);
  await time(shared);
  await time(sharedTokens);
}
const rows = {
  local: [] as number[],
  redis: [] as number[],
  redisTokens: [] as number[],
  paired: [] as number[],
};
for (let i = 0; i < calls; i++) {
  const a = await time(local);
  const b = await time(shared);
  rows.local.push(a);
  rows.redis.push(b);
  rows.paired.push(b - a);
  rows.redisTokens.push(await time(sharedTokens));
}
const q = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.floor(p * (xs.length - 1))]!;
process.stdout.write(
  JSON.stringify({
    calls,
    p50_ms_local: q(rows.local, 0.5),
    p50_ms_redis: q(rows.redis, 0.5),
    p99_ms_redis: q(rows.redis, 0.99),
    p50_ms_overhead: q(rows.paired, 0.5),
    p90_ms_overhead: q(rows.paired, 0.9),
    p50_ms_redis_tokens: q(rows.redisTokens, 0.5),
    redis_round_trips_per_call: await roundTripsPerCall(shared, 500),
    redis_round_trips_per_call_tokens: await roundTripsPerCall(sharedTokens, 500),
  }),
);
client.disconnect();
