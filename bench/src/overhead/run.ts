/**
 * bench/overhead: CPU cost of Keel over the raw `openai` client, and Keel's cold-start import cost.
 * See README.md next to this file.
 *
 *   npx tsx --conditions=@keel/source bench/src/overhead/run.ts [--rounds 7] [--calls 1000] [--streams 1000] [--imports 25]
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { once } from "node:events";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { Model } from "@keel/core";
import type { OpenAISettings } from "@keel/providers/openai";
import { coldStart } from "./cold-start.js";
import { bundleDir, installPacked, type ModuleUrl } from "./keel-bundle.js";
import { measure, median, type Sample } from "./measure.js";
import { openaiModuleUrl } from "./resolve-openai.js";

const args = new Map<string, number>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ""), Number(process.argv[i + 1]));
const ROUNDS = args.get("rounds") ?? 9;
const CALLS = args.get("calls") ?? 1000;
const STREAMS = args.get("streams") ?? 1000;
const IMPORTS = args.get("imports") ?? 25;
const CONCURRENCY = 4;
const TARGET_RATIO = 1.1;
const TARGET_IMPORT_MS = 15;

/** The `openai` SDK's client type, as the adapter's settings name it (the bench does not depend on `openai`). */
type OpenAIClient = NonNullable<OpenAISettings["client"]>;

const request = { messages: [{ role: "user" as const, content: "Say 100 words." }] };
const raw = { model: "gpt-4o-mini", messages: request.messages };

async function startServer(): Promise<{ child: ChildProcess; baseURL: string }> {
  const child = fork(fileURLToPath(new URL("./fixed-answer-server.ts", import.meta.url)), {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const [line] = (await once(child.stdout!, "data")) as [Buffer];
  pinApart(child.pid!);
  return { child, baseURL: `http://127.0.0.1:${line.toString().trim()}/v1` };
}

/**
 * Pins the client (all its threads) to CPU 0 and the server to the last CPU, where `taskset`
 * exists: on a small machine the server and the client's GC threads otherwise take turns on the
 * same cores, which adds more noise than the difference being measured.
 */
function pinApart(serverPid: number): void {
  const cpus = availableParallelism();
  if (process.platform !== "linux" || cpus < 2) return;
  try {
    execFileSync("taskset", ["-acp", String(cpus - 1), String(serverPid)], { stdio: "ignore" });
    execFileSync("taskset", ["-acp", "0", String(process.pid)], { stdio: "ignore" });
    console.log(`pinned: client on CPU 0, server on CPU ${cpus - 1}`);
  } catch {
    console.log("taskset not available: client and server share the CPUs");
  }
}

/** Keel as users get it: the packed packages' dist, npm-installed (tsx would add a helper call to every closure). */
async function loadKeel(moduleUrl: ModuleUrl) {
  const url = moduleUrl(
    "keel-model",
    'export { pipe, retry, timeout } from "@keel/core";\nexport { openai } from "@keel/providers/openai";',
  );
  return (await import(url)) as typeof import("@keel/core") & typeof import("@keel/providers/openai");
}

async function main(): Promise<void> {
  const { dir, dispose } = bundleDir();
  // Built, packed and installed before the CPUs are pinned: the build may use all of them.
  const moduleUrl = installPacked(dir);
  const { child, baseURL } = await startServer();
  const { OpenAI } = (await import(openaiModuleUrl())) as {
    OpenAI: new (options: { baseURL: string; apiKey: string; maxRetries: number }) => OpenAIClient;
  };
  const { pipe, retry, timeout, openai } = await loadKeel(moduleUrl);
  const client = new OpenAI({ baseURL, apiKey: "bench", maxRetries: 0 });
  const keel: Model = pipe(
    openai("gpt-4o-mini", { baseURL, apiKey: "bench" }),
    retry(),
    timeout({ ms: 60_000 }),
  );

  // What each side does per call: the raw client's answer text, or Keel's normalized response.
  const ops = {
    "raw call": async () => {
      const completion = await client.chat.completions.create(raw);
      if (!completion.choices[0]!.message.content) throw new Error("empty answer");
    },
    "keel call": async () => {
      const response = await keel.generate(request);
      if (!response.text) throw new Error("empty answer");
    },
    "raw stream": async () => {
      const stream = await client.chat.completions.create({
        ...raw,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      if (text.length < 100) throw new Error("short stream");
    },
    "keel stream": async () => {
      const stream = keel.stream(request);
      let text = "";
      for await (const event of stream) if (event.type === "text-delta") text += event.text;
      if (text.length < 100 || (await stream.response).usage.outputTokens !== 100)
        throw new Error("short stream");
    },
  };
  type Op = keyof typeof ops;
  const samples = new Map<Op, Sample[]>(Object.keys(ops).map((k) => [k as Op, []]));

  console.log(`warming up (server pid ${child.pid}, concurrency ${CONCURRENCY})…`);
  for (const op of Object.keys(ops) as Op[]) await measure(ops[op], 200, CONCURRENCY);

  for (let round = 1; round <= ROUNDS; round++) {
    // Alternate which side goes first, so drift in machine load falls on both.
    const pairs: Array<[Op, Op, number]> = [
      ["raw call", "keel call", CALLS],
      ["raw stream", "keel stream", STREAMS],
    ];
    for (const [a, b, count] of pairs) {
      for (const op of round % 2 ? [a, b] : [b, a])
        samples.get(op)!.push(await measure(ops[op], count, CONCURRENCY));
    }
    console.log(
      `round ${round}/${ROUNDS}: ` +
        [...samples].map(([op, s]) => `${op} ${s.at(-1)!.cpuMs.toFixed(0)} ms`).join(", "),
    );
  }
  child.disconnect();

  const cpu = (op: Op) => median(samples.get(op)!.map((s) => s.cpuMs));
  const wall = (op: Op) => median(samples.get(op)!.map((s) => s.wallMs));
  const rows = [
    [`${CALLS.toLocaleString("en")} non-streaming calls`, "raw call", "keel call"],
    [`${STREAMS.toLocaleString("en")} streams × 100 chunks`, "raw stream", "keel stream"],
  ] as const;
  console.log(
    `\nCPU time of the client process, median of ${ROUNDS} rounds (wall time in brackets); ratio: median of the per-round ratios\n`,
  );
  console.log("| workload | raw openai | keel: pipe(openai(), retry(), timeout()) | ratio | target |");
  console.log("|---|---:|---:|---:|---|");
  for (const [label, a, b] of rows) {
    // Each round measured both sides back to back: the median of the per-round ratios cancels
    // load that drifts between rounds better than the ratio of the two medians would.
    const keelSamples = samples.get(b)!;
    const ratio = median(samples.get(a)!.map((raw, round) => keelSamples[round]!.cpuMs / raw.cpuMs));
    console.log(
      `| ${label} | ${cpu(a).toFixed(0)} ms (${wall(a).toFixed(0)}) | ${cpu(b).toFixed(0)} ms (${wall(b).toFixed(0)}) | ${ratio.toFixed(2)}× | ≤ ${TARGET_RATIO}× ${ratio <= TARGET_RATIO ? "met" : "MISSED"} |`,
    );
  }

  console.log(`\nCold-start import, fresh node processes, median of ${IMPORTS} each\n`);
  const cold = await coldStart(moduleUrl, IMPORTS);
  dispose();
  console.log("| import | in-process import | its CPU time | whole process |");
  console.log("|---|---:|---:|---:|");
  for (const row of cold.rows)
    console.log(
      `| ${row.label} | ${row.importMs.toFixed(1)} ms | ${row.importCpuMs.toFixed(1)} ms | ${row.processMs.toFixed(1)} ms |`,
    );
  const zod = cold.rows.find((row) => row.label.startsWith("`zod`"))!;
  console.log(
    `\nKeel adds ${cold.extraMs.toFixed(1)} ms to the import of \`openai\` (target ≤ ${TARGET_IMPORT_MS} ms: ` +
      `${cold.extraMs <= TARGET_IMPORT_MS ? "met" : "MISSED"}); for reference, \`zod\` alone takes ${zod.importMs.toFixed(1)} ms.`,
  );
  console.log(
    `In CPU time Keel adds ${cold.extraCpuMs.toFixed(1)} ms (read this one on a busy machine: wall time there is mostly waiting for a CPU).`,
  );
}

await main();
