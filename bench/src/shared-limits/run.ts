// pnpm bench:shared-limits [--seconds 30] [--calls 3000]
//
// 1. Overhead: the Redis-backed rateLimit against the in-process one, per call, on a redis-server
//    of the bench's own on loopback (so its command counter sees only this bench).
// 2. Accuracy: four processes offer twice a 600 RPM / 60,000 TPM quota (6 s burst) for --seconds
//    to a counting HTTP server that timestamps every request and its tokens.
// Each prints one JSON line. The children are Keel compiled into one bundle (bench/src/overhead's
// bundler), as an application's build would run it, not tsx on the sources.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { bundle, bundleDir } from "../overhead/keel-bundle.js";

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const seconds = arg("seconds", 30);
const calls = arg("calls", 3000);
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const probe = createNetServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, "close");
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
  let output = "";
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on("data", (chunk: Buffer) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) resolve();
    });
    proc.on("exit", (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
  return proc;
}

/** OpenAI-shaped answers using half the allowed output; every request timed on arrival. */
async function countingServer() {
  const received: Array<{ at: number; tokens: number }> = [];
  const server = createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const body = JSON.parse(text) as { messages: Array<{ content: string }>; max_tokens: number };
    const prompt = Math.ceil(body.messages.reduce((n, m) => n + m.content.length, 0) / 4);
    const completion = Math.floor(body.max_tokens / 2);
    received.push({ at: Date.now(), tokens: prompt + completion });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      }),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, received, close: () => server.close() };
}

/** The most of `of` in any window of `ms` (sliding, over arrival times). */
function busiest(
  rows: Array<{ at: number; tokens: number }>,
  ms: number,
  of: (r: { tokens: number }) => number,
) {
  const sorted = [...rows].sort((a, b) => a.at - b.at);
  let best = 0;
  let sum = 0;
  let tail = 0;
  for (const r of sorted) {
    sum += of(r);
    while (sorted[tail]!.at <= r.at - ms) sum -= of(sorted[tail++]!);
    best = Math.max(best, sum);
  }
  return best;
}

const here = (file: string) => readFileSync(fileURLToPath(new URL(file, import.meta.url)), "utf8");
const { dir, dispose } = bundleDir();
const port = await freePort();
const redis = await startRedis(port);
try {
  const overheadChild = fileURLToPath(
    await bundle(dir, "overhead-child", here("./overhead-child.ts"), "core"),
  );
  const loadChild = fileURLToPath(await bundle(dir, "load-child", here("./load-child.ts"), "core"));

  const { stdout } = await run(process.execPath, [overheadChild, String(port), String(calls)]);
  const overhead = JSON.parse(stdout) as Record<string, number>;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  console.log(
    JSON.stringify({
      test: "overhead",
      processes: 1,
      quota_rpm: null,
      max_rpm_seen: null,
      lost: null,
      p50_ms_overhead: round(overhead.p50_ms_overhead!),
      ...Object.fromEntries(Object.entries(overhead).map(([k, v]) => [k, round(v)])),
    }),
  );

  const server = await countingServer();
  const offeredRpm = 300; // per process: four offer 1,200 a minute against a 600 quota
  const children = ["r1", "r2", "r3", "r4"].map((replica) =>
    spawn(
      process.execPath,
      [loadChild, JSON.stringify({ url: server.url, port, replica, seconds, offeredRpm })],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    ),
  );
  const outputs = children.map((child) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d));
    return {
      ready: new Promise<void>((r) => child.stdout!.on("data", () => out.startsWith("ready") && r())),
      done: once(child, "exit").then(() => out),
    };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const child of children) child.stdin!.write("go\n");
  const results = (await Promise.all(outputs.map((o) => o.done))).map(
    (out) =>
      JSON.parse(out.trim().split("\n").at(-1)!) as {
        offered: number;
        outcomes: Record<string, number>;
        degraded: string[];
      },
  );
  server.close();
  const offered = results.reduce((n, r) => n + r.offered, 0);
  const ok = results.reduce((n, r) => n + (r.outcomes.ok ?? 0), 0);
  const limited = results.reduce((n, r) => n + (r.outcomes["rate-limited"] ?? 0), 0);
  console.log(
    JSON.stringify({
      test: "shared-quota",
      processes: 4,
      seconds,
      quota_rpm: 600,
      quota_tpm: 60_000,
      burst_requests: 60,
      burst_tokens: 6_000,
      offered_rpm: offeredRpm * 4,
      max_rpm_seen: busiest(server.received, 60_000, () => 1),
      max_tpm_seen: busiest(server.received, 60_000, (r) => r.tokens),
      max_per_10s_seen: busiest(server.received, 10_000, () => 1),
      allowed_per_10s: 100 + 60,
      ok,
      rate_limited: limited,
      received: server.received.length,
      lost: offered - ok - limited,
      degraded_events: results.reduce((n, r) => n + r.degraded.length, 0),
      degraded_because: results.flatMap((r) => r.degraded).slice(0, 3),
      p50_ms_overhead: null,
    }),
  );
} finally {
  redis.kill("SIGTERM");
  dispose();
}
