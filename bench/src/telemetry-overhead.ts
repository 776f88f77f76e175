/**
 * bench/telemetry-overhead: what `observeModel` costs per call. "Nothing is paid when
 * telemetry is off" is checked by timing, in one run and interleaved round by round, calls
 * through a bare model and through the same model observed with no listener on its hub, then
 * with a listener (a no-op, and the JSON-lines logger). CPU time per call from
 * `process.cpuUsage`, median over rounds.
 *
 *   npx tsx --conditions=@keel/source bench/src/telemetry-overhead.ts
 */
import { EventHub, type Model, type ModelRequest, type ModelResponse } from "@keel/core";
import { observeModel } from "@keel/core/provider";
import { jsonLinesLogger } from "@keel/core/telemetry";
import { scriptedModel } from "@keel/core/testing";

const ROUNDS = 21;

const request: ModelRequest = {
  messages: [{ role: "user", content: "What is our refund window?" }],
  temperature: 0.2,
  maxOutputTokens: 256,
  tenant: "acme",
};

/** The cheapest possible model: a resolved promise. Any wrapper cost shows in full against it. */
function instantModel(): Model {
  const response: ModelResponse = {
    content: [{ type: "text", text: "30 days." }],
    text: "30 days.",
    toolCalls: [],
    usage: { inputTokens: 12, outputTokens: 4, totalTokens: 16 },
    finishReason: "stop",
    provider: "bench",
    model: { requested: "instant", served: "instant-001" },
    timings: { totalMs: 0 },
  };
  return {
    provider: "bench",
    id: "instant",
    capabilities: { streaming: true, tools: false, jsonSchema: false, vision: false, reasoning: false },
    generate: () => Promise.resolve(response),
    stream: () => {
      throw new Error("not used");
    },
  };
}

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Variant = { name: string; call: () => Promise<unknown> };

/**
 * CPU µs per call of each variant, median over rounds, and each variant's per-round ratio to
 * the first (median and interquartile range). Rounds run every variant back to back, in a
 * rotating order, so load from other processes and GC hit them alike.
 */
async function measure(variants: Variant[], callsPerRound: number) {
  const perCall = variants.map(() => [] as number[]);
  for (const v of variants) for (let i = 0; i < callsPerRound; i++) await v.call(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < variants.length; k++) {
      const index = (round + k) % variants.length;
      const start = cpuMicros();
      for (let i = 0; i < callsPerRound; i++) await variants[index]!.call();
      perCall[index]!.push((cpuMicros() - start) / callsPerRound);
    }
  }
  return variants.map((v, index) => {
    const ratios = perCall[index]!.map((us, round) => us / perCall[0]![round]!).sort((a, b) => a - b);
    const q = (p: number) => ratios[Math.floor(p * (ratios.length - 1))]!;
    return { name: v.name, us: median(perCall[index]!), ratio: q(0.5), q1: q(0.25), q3: q(0.75) };
  });
}

/** Bare, observed-off, observed-with-a-no-op-listener and observed-with-JSON-logging variants of one model. */
function variantsOf(label: string, make: () => Model, call: (m: Model) => Promise<unknown>): Variant[] {
  const off = new EventHub();
  const noop = new EventHub();
  noop.on(() => {});
  const logged = new EventHub();
  jsonLinesLogger({ events: logged, write: () => {} }); // serializes every event, writes nowhere
  const bare = make();
  const observedOff = observeModel(make(), { events: off });
  const observedNoop = observeModel(make(), { events: noop });
  const observedLogged = observeModel(make(), { events: logged });
  return [
    { name: `${label}: bare`, call: () => call(bare) },
    { name: `${label}: observed, no listener`, call: () => call(observedOff) },
    { name: `${label}: observed, no-op listener`, call: () => call(observedNoop) },
    { name: `${label}: observed, JSON-lines logger`, call: () => call(observedLogged) },
  ];
}

async function drain(model: Model) {
  for await (const _ of model.stream(request));
}

const groups: Array<[string, Variant[], number]> = [
  [
    "generate, instant model",
    variantsOf("generate, instant model", instantModel, (m) => m.generate(request)),
    20_000,
  ],
  [
    "stream, scripted model (5 chunks)",
    variantsOf(
      "stream, scripted model (5 chunks)",
      () => scriptedModel([{ text: "Refunds: 30 days.", chunkSize: 4 }]),
      drain,
    ),
    1_000,
  ],
];

console.log(
  `telemetry overhead: CPU time per call (process.cpuUsage), ${ROUNDS} interleaved rounds (node ${process.version})`,
);
console.log("ratio = per-round CPU time / bare model's in the same round: median [interquartile range]\n");
for (const [title, variants, calls] of groups) {
  console.log(`${title} (${calls} calls per round)`);
  for (const r of await measure(variants, calls)) {
    const name = r.name.slice(title.length + 2).padEnd(28);
    const spread = `[${r.q1.toFixed(2)}–${r.q3.toFixed(2)}]`;
    console.log(`  ${name} ${r.us.toFixed(3).padStart(8)} µs   ×${r.ratio.toFixed(3)} ${spread}`);
  }
  console.log();
}
