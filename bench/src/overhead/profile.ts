/**
 * Profiles one side of the overhead bench, for finding hot spots (not part of the figures):
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx --conditions=@keel/source \
 *     bench/src/overhead/profile.ts "keel stream" 3000
 *
 * Ops: "raw call", "keel call", "raw stream", "adapter stream", "keel stream". Summarize the .cpuprofile with
 * `node bench/src/overhead/summarize-profile.mjs /tmp/prof/<file>.cpuprofile` (pick the largest
 * file: the server child writes a profile too). It also prints GC time by kind.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { OpenAISettings } from "@keel/providers/openai";
import { bundle, bundleDir } from "./keel-bundle.js";
import { measure } from "./measure.js";
import { openaiModuleUrl } from "./resolve-openai.js";

type OpenAIClient = NonNullable<OpenAISettings["client"]>;
const [op = "keel stream", countText = "2000"] = process.argv.slice(2);

const child = fork(fileURLToPath(new URL("./fixed-answer-server.ts", import.meta.url)), {
  stdio: ["ignore", "pipe", "inherit", "ipc"],
});
const [line] = (await once(child.stdout!, "data")) as [Buffer];
const baseURL = `http://127.0.0.1:${line.toString().trim()}/v1`;
const { dir, dispose } = bundleDir();
const keelUrl = await bundle(
  dir,
  "keel-model",
  'export { pipe, retry, timeout } from "@keel/core";\nexport { openai } from "@keel/providers/openai";',
);
const { pipe, retry, timeout, openai } = (await import(keelUrl)) as typeof import("@keel/core") &
  typeof import("@keel/providers/openai");
const { OpenAI } = (await import(openaiModuleUrl())) as {
  OpenAI: new (options: { baseURL: string; apiKey: string; maxRetries: number }) => OpenAIClient;
};
const client = new OpenAI({ baseURL, apiKey: "bench", maxRetries: 0 });
const adapter = openai("gpt-4o-mini", { baseURL, apiKey: "bench" });
const keel = pipe(adapter, retry(), timeout({ ms: 60_000 }));
const request = { messages: [{ role: "user" as const, content: "Say 100 words." }] };
const raw = { model: "gpt-4o-mini", messages: request.messages };

const ops: Record<string, () => Promise<void>> = {
  "raw call": async () => {
    await client.chat.completions.create(raw);
  },
  "keel call": async () => {
    await keel.generate(request);
  },
  "raw stream": async () => {
    const s = await client.chat.completions.create({
      ...raw,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of s);
  },
  "adapter stream": async () => {
    const s = adapter.stream(request);
    for await (const _ of s);
  },
  "keel stream": async () => {
    const s = keel.stream(request);
    for await (const _ of s);
    await s.response;
  },
};
const run = ops[op];
if (!run) throw new Error(`unknown op ${op}`);
await measure(run, 200, 4);
// GC time by kind during the measured block: Keel's allocations show up here, not as Keel code.
const GC_KINDS: Record<number, string> = {
  1: "scavenge",
  2: "minor-ms",
  4: "mark-compact",
  8: "incremental",
  16: "weak-cb",
};
const gcByKind = new Map<string, { count: number; ms: number }>();
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = GC_KINDS[(entry as unknown as { detail: { kind: number } }).detail.kind] ?? "other";
    const total = gcByKind.get(kind) ?? { count: 0, ms: 0 };
    total.count++;
    total.ms += entry.duration;
    gcByKind.set(kind, total);
  }
});
observer.observe({ entryTypes: ["gc"] });
const sample = await measure(run, Number(countText), 4);
await new Promise((resolve) => setTimeout(resolve, 50));
observer.disconnect();
console.log(`${op}: ${sample.cpuMs.toFixed(0)} ms CPU for ${countText}`);
console.log(
  `GC: ${[...gcByKind].map(([kind, t]) => `${kind} ${t.count}× ${t.ms.toFixed(0)} ms`).join(", ")}`,
);
child.disconnect();
dispose();
