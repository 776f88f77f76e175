import { describe, expect, it } from "vitest";
import { SimEngine } from "./engine.js";
import { H100_LLAMA_8B, H200_LLAMA_8B, replicaParams } from "./sim-params.js";
import { stepMs } from "./step-time.js";

describe("the simulator's time model against the published figures (notes §2.1, §2.5)", () => {
  const p = H100_LLAMA_8B;
  it("decodes one sequence in about 6–7 ms on an H100 and about 4.5–5.5 ms on an H200", () => {
    expect(stepMs({ prefillTokens: 0, decodeSeqs: 1, contextTokens: 1024 }, p)).toBeGreaterThan(6);
    expect(stepMs({ prefillTokens: 0, decodeSeqs: 1, contextTokens: 1024 }, p)).toBeLessThan(7.5);
    const h200 = stepMs({ prefillTokens: 0, decodeSeqs: 1, contextTokens: 1024 }, H200_LLAMA_8B);
    expect(h200).toBeGreaterThan(4.5);
    expect(h200).toBeLessThan(5.5);
  });

  it("decodes a batch of 64 at 1k context in about 10–12 ms", () => {
    const ms = stepMs({ prefillTokens: 0, decodeSeqs: 64, contextTokens: 64 * 1024 }, p);
    expect(ms).toBeGreaterThan(10);
    expect(ms).toBeLessThan(12);
  });

  it("prefills long prompts at about 15–25k tokens/s", () => {
    const ms = stepMs({ prefillTokens: 8192, decodeSeqs: 0, contextTokens: 8192 }, p);
    const tokensPerSecond = 8192 / (ms / 1000);
    expect(tokensPerSecond).toBeGreaterThan(15_000);
    expect(tokensPerSecond).toBeLessThan(25_000);
  });
});

function run(engine: SimEngine, prompts: { at: number; prompt: string; maxTokens: number }[]) {
  return engine.runOffline(prompts);
}

describe("continuous batching, prefix caching and preemption on the virtual clock", () => {
  it("answers a 256-token prompt on an idle H100 in one prefill plus the request overhead", () => {
    const engine = new SimEngine(replicaParams(), { virtual: true });
    const [r] = run(engine, [{ at: 0, prompt: "x".repeat(1024), maxTokens: 10 }]);
    // 25 ms overhead + a 256-token prefill step (about 13.5 ms): below the llm-d-sim table's 60–120 ms.
    expect(r!.ttftMs).toBeGreaterThan(35);
    expect(r!.ttftMs).toBeLessThan(45);
    // Nine more decode steps of about 7.2 ms.
    expect(r!.e2eMs - r!.ttftMs).toBeGreaterThan(9 * 6.5);
    expect(r!.e2eMs - r!.ttftMs).toBeLessThan(9 * 8);
  });

  it("serves a repeated prompt from the prefix cache: faster first token, hits counted in tokens", () => {
    const engine = new SimEngine(replicaParams(), { virtual: true });
    const prompt = "shared system prompt ".repeat(800);
    const [cold, warm] = run(engine, [
      { at: 0, prompt, maxTokens: 4 },
      { at: 2000, prompt, maxTokens: 4 },
    ]);
    expect(warm!.ttftMs).toBeLessThan(cold!.ttftMs / 3);
    const c = engine.counters;
    expect(c.prefixQueries).toBe(2 * Math.ceil(prompt.length / 4));
    // Every full block of the second prompt but the last token's hit.
    expect(c.prefixHits / (c.prefixQueries / 2)).toBeGreaterThan(0.95);
  });

  it("step time grows with the batch: 32 concurrent requests take longer each than one alone", () => {
    const alone = run(new SimEngine(replicaParams(), { virtual: true }), [
      { at: 0, prompt: "a".repeat(4000), maxTokens: 100 },
    ]);
    const batch = run(
      new SimEngine(replicaParams(), { virtual: true }),
      Array.from({ length: 32 }, (_, i) => ({ at: 0, prompt: `${i}`.padEnd(4000, "b"), maxTokens: 100 })),
    );
    const tpot = (r: { ttftMs: number; e2eMs: number }) => (r.e2eMs - r.ttftMs) / 99;
    expect(tpot(batch[0]!)).toBeGreaterThan(tpot(alone[0]!) * 1.2);
  });

  it("queues FCFS when the KV cache is full and preempts the newest sequence when decodes run out of blocks", () => {
    // 40 blocks of 16 tokens: two 200-token prompts fit, their growth does not.
    const engine = new SimEngine(replicaParams({ numGpuBlocks: 40, watermark: 0 }), { virtual: true });
    const results = run(
      engine,
      Array.from({ length: 3 }, (_, i) => ({ at: 0, prompt: `${i}`.padEnd(800, "p"), maxTokens: 200 })),
    );
    expect(results.every((r) => Number.isFinite(r.e2eMs))).toBe(true);
    expect(engine.counters.preemptions).toBeGreaterThan(0);
    expect(engine.counters.finishedLength).toBe(3);
    expect(engine.pool.usage).toBe(0);
  });
});

describe("a crashed virtual engine", () => {
  it("has nothing left to do, even with a step in progress", () => {
    const engine = new SimEngine(replicaParams(), { virtual: true });
    engine.submit({ prompt: "z".repeat(4000), maxTokens: 50, sink: { tokens() {}, finished() {} } });
    engine.advanceTo(30);
    expect(engine.nextEventTime()).toBeLessThan(Infinity);
    engine.crash();
    expect(engine.nextEventTime()).toBe(Infinity);
  });
});
