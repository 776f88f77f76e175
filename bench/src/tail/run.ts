/**
 * bench/tail: tail latency with and without `hedge`, on a loopback server with a heavy tail (a
 * fraction `tail` of requests take 500–2000 ms; the rest 15 ms plus an exponential of mean 5 ms).
 * For each tail it runs: no hedge; `hedge()` at its defaults (p95 of observed latencies, 2000 ms
 * until 20 were seen); the setting of "The Tail at Scale" (a fixed delay at the p95 measured
 * without hedging); and the defaults with `maxHedges: 2`. One JSON line per run:
 * {"tail","mode","p50_ms","p99_ms","p999_ms","extra_load","calls","after_ms"?}.
 * extra_load is requests the server received beyond one per call, over calls.
 *
 *   pnpm run bench:tail [--calls 10000] [--concurrency 8] [--tails 0.01,0.05]
 */
import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { type HedgeOptions, hedge, type Model, pipe } from "@keel/core";
import { loopbackModel } from "./loopback-model.js";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ""), process.argv[i + 1]!);
const CALLS = Number(args.get("calls") ?? 10_000);
const CONCURRENCY = Number(args.get("concurrency") ?? 8);
const TAILS = (args.get("tails") ?? "0.01,0.05").split(",").map(Number);

const request = { messages: [{ role: "user" as const, content: "hi" }] };

async function startServer(): Promise<{ child: ChildProcess; baseURL: string }> {
  const child = fork(fileURLToPath(new URL("./tail-server.ts", import.meta.url)), {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  return { child, baseURL: `http://127.0.0.1:${line.toString().trim()}/v1` };
}

async function ask(child: ChildProcess, message: object): Promise<{ requests: number; aborted: number }> {
  const reply = once(child, "message");
  child.send(message);
  return (await reply)[0] as { requests: number; aborted: number };
}

/** Nearest-rank quantile of sorted values. */
const quantile = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

/** Runs CALLS calls, CONCURRENCY at a time; returns each call's latency as its caller saw it. */
async function drive(model: Model): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < CALLS) {
      next++;
      const startedAt = performance.now();
      await model.generate(request);
      latencies.push(performance.now() - startedAt);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return latencies.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const { child, baseURL } = await startServer();
  const base = loopbackModel(baseURL);
  // Warm the connection pool so the first calls do not pay for TCP handshakes.
  await ask(child, { tail: 0 });
  await Promise.all(Array.from({ length: CONCURRENCY }, () => base.generate(request)));
  for (const tail of TAILS) {
    let p95 = 0;
    const modes: Array<[string, HedgeOptions | undefined]> = [
      ["none", undefined],
      ["default", {}],
      ["paper-fixed-p95", { quantile: false }],
      ["default-maxHedges-2", { maxHedges: 2 }],
    ];
    for (const [mode, options] of modes) {
      const settings = mode === "paper-fixed-p95" ? { ...options, afterMs: Math.round(p95) } : options;
      const model = settings ? pipe(base, hedge(settings)) : base;
      await ask(child, { tail, seed: 0x5eed });
      const latencies = await drive(model);
      const { requests, aborted } = await ask(child, { stats: true });
      if (mode === "none") p95 = quantile(latencies, 0.95);
      const round = (x: number) => Math.round(x * 10) / 10;
      console.log(
        JSON.stringify({
          tail,
          mode,
          p50_ms: round(quantile(latencies, 0.5)),
          p99_ms: round(quantile(latencies, 0.99)),
          p999_ms: round(quantile(latencies, 0.999)),
          extra_load: Math.round(((requests - CALLS) / CALLS) * 10_000) / 10_000,
          calls: CALLS,
          aborted_on_server: aborted,
          ...(mode === "paper-fixed-p95" ? { after_ms: Math.round(p95) } : {}),
        }),
      );
    }
  }
  child.disconnect();
}

await main();
