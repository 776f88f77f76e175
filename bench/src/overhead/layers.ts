/**
 * Keel's own CPU per call, layer by layer, with the HTTP and the SDK taken out: the adapter gets a
 * fake `openai` client. Its non-streamed answer is a pre-parsed object; its streamed answer is a
 * `Response` whose body hands out one server-sent event per read, as a socket does, because Keel
 * parses event streams itself. What is left is Keel's work.
 * A diagnostic for bench/overhead (it explains where the ratio comes from), not a target.
 *
 *   npx tsx --conditions=@keel/source bench/src/overhead/layers.ts [calls]
 *
 * CHUNKS=1 (default 100) splits the fixed cost per stream from the cost per chunk; ONLY=<row label>
 * and OP=generate|stream narrow the run (for profiling one case).
 */
import type { Model } from "@keel/core";
import type { OpenAISettings } from "@keel/providers/openai";
import { bundle, bundleDir } from "./keel-bundle.js";
import { measure, median } from "./measure.js";

type OpenAIClient = NonNullable<OpenAISettings["client"]>;
const CALLS = Number(process.argv[2] ?? 20_000);

const base = { id: "chatcmpl-bench", created: 1_700_000_000, model: "gpt-4o-mini-2024-07-18" };
const usage = { prompt_tokens: 12, completion_tokens: 100, total_tokens: 112 };
const words = Array.from({ length: Number(process.env.CHUNKS ?? 100) }, (_, i) => ` word${i}`);
const completion = {
  ...base,
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", content: words.join("") }, finish_reason: "stop" }],
  usage,
};
const chunk = (delta: object, finish: string | null) => ({
  ...base,
  object: "chat.completion.chunk",
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const chunks = [
  ...words.map((content) => chunk({ content }, null)),
  chunk({}, "stop"),
  { ...base, object: "chat.completion.chunk", choices: [], usage },
];
const packets = [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), "data: [DONE]\n\n"].map((text) =>
  new TextEncoder().encode(text),
);

/** A streamed answer's body: one event per read, like a token stream arriving from a socket. */
function sseResponse(): Response {
  let next = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (next < packets.length) controller.enqueue(packets[next++]!);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { headers: { "content-type": "text/event-stream", "x-request-id": "req_1" } });
}

const fakeClient = {
  chat: {
    completions: {
      create(body: { stream?: boolean }) {
        const promise = Promise.resolve(completion);
        return Object.assign(promise, { asResponse: async () => (body.stream ? sseResponse() : undefined) });
      },
    },
  },
} as unknown as OpenAIClient;

const { dir, dispose } = bundleDir();
const keel = (await import(
  await bundle(
    dir,
    "keel-layers",
    'export { fallback, pipe, retry, timeout, validateRequest } from "@keel/core";\nexport { openai } from "@keel/providers/openai";',
  )
)) as typeof import("@keel/core") & typeof import("@keel/providers/openai");
dispose();

const adapter = keel.openai("gpt-4o-mini", { client: fakeClient });
const models: Array<[string, Model | undefined]> = [
  ["floor: the fake SDK's object, or its body read and each event JSON-parsed", undefined],
  ["openai() adapter", adapter],
  ["+ retry()", keel.pipe(adapter, keel.retry())],
  ["+ retry() + timeout()", keel.pipe(adapter, keel.retry(), keel.timeout({ ms: 60_000 }))],
  [
    "+ retry() + fallback() + timeout()",
    keel.pipe(adapter, keel.retry(), keel.fallback([adapter]), keel.timeout({ ms: 60_000 })),
  ],
];

const request = { messages: [{ role: "user" as const, content: "Say 100 words." }] };
const generate = (model: Model | undefined) => async () => {
  if (!model) {
    await fakeClient.chat.completions.create({ model: "m", messages: [] });
    return;
  }
  await model.generate(request);
};
const stream = (model: Model | undefined) => async () => {
  if (!model) {
    const response = await fakeClient.chat.completions
      .create({ model: "m", messages: [], stream: true })
      .asResponse();
    // The least any client does: read each packet, decode it, parse its event's JSON.
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      const data = decoder.decode(step.value, { stream: true }).slice(6, -2);
      if (data !== "[DONE]") JSON.parse(data);
    }
    return;
  }
  const s = model.stream(request);
  for await (const _ of s);
  await s.response;
};

console.log(`µs of CPU per call (median of 5 blocks of ${CALLS}), no HTTP, no SDK\n`);
console.log(`| layers | generate | stream of ${words.length} chunks |`);
console.log("|---|---:|---:|");
for (const [label, model] of models.filter(([l]) => !process.env.ONLY || l === process.env.ONLY)) {
  const cells: string[] = [];
  for (const op of process.env.OP === "stream"
    ? [stream(model)]
    : process.env.OP === "generate"
      ? [generate(model)]
      : [generate(model), stream(model)]) {
    await measure(op, CALLS / 4, 4);
    const blocks: number[] = [];
    for (let i = 0; i < 5; i++) blocks.push((await measure(op, CALLS, 4)).cpuMs);
    cells.push(((median(blocks) * 1000) / CALLS).toFixed(1));
  }
  console.log(`| ${label} | ${cells.join(" | ")} |`);
}

// The request check every model runs before it sends anything (included in the rows above), alone:
// the one-message request above, and a 20-turn tool conversation with parts.
const conversation = {
  messages: [
    { role: "system" as const, content: "You are terse." },
    ...Array.from({ length: 5 }, (_, i) => [
      { role: "user" as const, content: [{ type: "text" as const, text: `question ${i}` }] },
      {
        role: "assistant" as const,
        content: [
          { type: "text" as const, text: "Let me look." },
          { type: "tool-call" as const, id: `c${i}`, name: "search", arguments: { q: "x" } },
        ],
      },
      {
        role: "tool" as const,
        content: [{ type: "tool-result" as const, toolCallId: `c${i}`, name: "search", result: "found" }],
      },
      { role: "assistant" as const, content: "Here it is." },
    ]).flat(),
  ],
  tools: [{ name: "search", inputSchema: { type: "object" } }],
  temperature: 0.2,
  maxOutputTokens: 500,
};
if (!process.env.ONLY && !process.env.OP) {
  for (const [label, req] of [
    ["validateRequest(), 1 message", request],
    [`validateRequest(), ${conversation.messages.length} messages with tool calls`, conversation],
  ] as const) {
    // An assertion function must be called through a name with a declared type.
    const validate: (request: unknown) => void = keel.validateRequest;
    // Synchronous, so timed in a plain loop: an awaited op would mostly measure the await.
    const block = (count: number) => {
      const cpu = process.cpuUsage();
      for (let i = 0; i < count; i++) validate(req);
      const used = process.cpuUsage(cpu);
      return (used.user + used.system) / 1000;
    };
    block(CALLS);
    const blocks = Array.from({ length: 5 }, () => block(CALLS * 10));
    console.log(`| ${label} | ${((median(blocks) * 1000) / (CALLS * 10)).toFixed(2)} | (same) |`);
  }
}
