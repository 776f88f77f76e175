import { AbortedError, EventHub, type KeelEvent, RateLimitedError, rateLimit } from "@keel/core";
import { alertRules } from "@keel/core/telemetry";
import { scriptedModel } from "@keel/core/testing";
import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import { groundednessJudge } from "../judges/groundedness-judge.js";
import { modelTask } from "./model-task.js";
import { memoryOutputCache } from "./output-cache.js";
import { runEval } from "./run-eval.js";
import { memoryRunJournal } from "./run-journal.js";
import { containsScorer, lexicalGroundednessScorer, referenceScorer } from "./scorers.js";
import type { EvalCase } from "./types.js";

const dataset: EvalCase[] = [
  { id: "capital-fr", input: "Capital of France?", expected: "Paris" },
  { id: "capital-de", input: "Capital of Germany?", expected: "Berlin" },
  { id: "capital-it", input: "Capital of Italy?", expected: ["Rome", "Roma"] },
];
const answers: Record<string, string> = {
  "Capital of France?": "Paris",
  "Capital of Germany?": "It is Bonn.",
  "Capital of Italy?": "Roma",
};
const lastUser = (r: { messages: Array<{ role: string; content: unknown }> }) =>
  String(r.messages.findLast((m) => m.role === "user")?.content);
const answering = () =>
  scriptedModel((req) => answers[lastUser(req)] ?? "no idea", { id: "gpt-4o-mini", provider: "openai" });

function hub() {
  const h = new EventHub();
  const seen: KeelEvent[] = [];
  h.on((e) => seen.push(e));
  return { h, seen };
}

describe("runEval", () => {
  it("runs the model over the dataset, scores every case and emits eval.scored for each score", async () => {
    const model = answering();
    const { h, seen } = hub();
    const progress: number[] = [];
    const run = await runEval({
      name: "capitals",
      dataset,
      task: modelTask(model, { system: "Answer with the city name." }),
      scorers: [referenceScorer("squad_em", { threshold: 1 }), referenceScorer("squad_f1")],
      seed: 7,
      events: h,
      onProgress: (p) => progress.push(p.done),
    });
    expect(run.cases.map((c) => [c.id, c.output, c.scores.squad_em?.score])).toEqual([
      ["capital-fr", "Paris", 1],
      ["capital-de", "It is Bonn.", 0],
      ["capital-it", "Roma", 1],
    ]);
    expect(run.summary.squad_em).toEqual({ mean: 2 / 3, n: 3, passRate: 2 / 3 });
    expect(progress).toEqual([1, 2, 3]);
    // The fixed seed and temperature 0 go into every request.
    expect(model.requests.every((r) => r.seed === 7 && r.temperature === 0)).toBe(true);
    expect(model.requests[0]!.messages[0]).toEqual({ role: "system", content: "Answer with the city name." });
    const scored = seen.filter((e) => e.type === "eval.scored");
    expect(scored).toHaveLength(6);
    expect(scored[0]).toMatchObject({
      metric: "squad_em",
      threshold: 1,
      model: "gpt-4o-mini",
      context: { runId: run.id },
    });
    expect(scored.filter((e) => e.type === "eval.scored" && e.passed === false)).toHaveLength(1);
    // Usage and latency come from core's response.
    expect(run.cases[0]!.usage?.outputTokens).toBeGreaterThan(0);
    expect(run.cases[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("feeds core's hallucination alert rule with real groundedness scores", async () => {
    const judge = scriptedModel([
      JSON.stringify({
        claims: [{ claim: "Paris is in Spain", supported: false, reason: "context says France" }],
      }),
    ]);
    const { h } = hub();
    const alerts: unknown[] = [];
    await alertRules({
      rules: [{ kind: "hallucination", minScore: 0.5, cooldownMs: 0 }],
      events: h,
      onAlert: (a) => alerts.push(a),
    });
    await runEval({
      name: "rag",
      dataset: [{ id: "q", input: "Where is Paris?", context: ["Paris is the capital of France."] }],
      task: async () => ({ output: "Paris is in Spain." }),
      scorers: [groundednessJudge({ model: judge })],
      events: h,
    });
    expect(alerts).toEqual([
      expect.objectContaining({ kind: "hallucination", metric: "groundedness", score: 0 }),
    ]);
  });

  it("reuses cached outputs for identical requests and records which were cached", async () => {
    const model = answering();
    const cache = memoryOutputCache();
    const options = {
      name: "capitals",
      dataset,
      task: modelTask(model),
      scorers: [referenceScorer("squad_em")],
      cache,
    };
    await runEval(options);
    expect(model.requests).toHaveLength(3);
    const again = await runEval(options);
    expect(model.requests).toHaveLength(3);
    expect(again.cases.every((c) => c.cached)).toBe(true);
    expect(again.summary.squad_em?.mean).toBeCloseTo(2 / 3);
    // A different seed is a different request.
    await runEval({ ...options, seed: 1 });
    expect(model.requests).toHaveLength(6);
  });

  it("resumes an interrupted run from its journal without redoing finished cases", async () => {
    const model = answering();
    const journal = memoryRunJournal();
    const controller = new AbortController();
    const task = modelTask(model);
    let calls = 0;
    await expect(
      runEval({
        name: "capitals",
        dataset,
        task: async (c, ctx) => {
          if (++calls === 2) controller.abort();
          return task(c, ctx);
        },
        scorers: [referenceScorer("squad_em")],
        concurrency: 1,
        journal,
        runId: "nightly-1",
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(AbortedError);
    // The case in flight when the run was interrupted is not recorded; it runs again.
    expect(journal.results.map((r) => r.id)).toEqual(["capital-fr"]);
    const before = model.requests.length;
    const progress: Array<{ resumed: number; done: number }> = [];
    const run = await runEval({
      name: "capitals",
      dataset,
      task,
      scorers: [referenceScorer("squad_em")],
      journal,
      runId: "nightly-1",
      onProgress: (p) => progress.push({ resumed: p.resumed, done: p.done }),
    });
    expect(model.requests.length - before).toBe(2);
    expect(run.id).toBe("nightly-1");
    expect(run.cases.map((c) => c.id)).toEqual(dataset.map((c) => c.id));
    expect(run.cases.every((c) => c.scores.squad_em !== undefined)).toBe(true);
    expect(progress).toEqual([
      { resumed: 1, done: 2 },
      { resumed: 1, done: 3 },
    ]);
  });

  it("records a failing case with its typed error and keeps going", async () => {
    const model = scriptedModel((req) =>
      lastUser(req) === "Capital of Germany?"
        ? new RateLimitedError("slow down", { provider: "scripted" })
        : "Paris",
    );
    const run = await runEval({ name: "x", dataset, task: modelTask(model), scorers: [containsScorer()] });
    const failed = run.cases.find((c) => c.id === "capital-de")!;
    expect(failed.error).toEqual({ name: "RateLimitedError", code: "rate-limited", message: "slow down" });
    expect(failed.scores).toEqual({});
    expect(run.summary.contains?.n).toBe(2);
  });

  it("keeps a scorer's failure beside the other scores", async () => {
    const run = await runEval({
      name: "x",
      dataset: [{ id: "no-context", input: "hi" }],
      task: async () => ({ output: "hello" }),
      scorers: [lexicalGroundednessScorer(), containsScorer("hell")],
    });
    expect(run.cases[0]!.scorerErrors?.groundedness?.message).toMatch(/no context/);
    expect(run.cases[0]!.scores.contains?.score).toBe(1);
  });

  it("applies core middleware (rate limits) around the model", async () => {
    const model = answering();
    const run = await runEval({
      name: "limited",
      dataset,
      task: modelTask(model, { middleware: [rateLimit({ requestsPerMinute: 6000 })] }),
      scorers: [referenceScorer("exact_match")],
    });
    expect(run.cases.map((c) => c.output)).toEqual(["Paris", "It is Bonn.", "Roma"]);
  });

  it("samples a seeded subset", async () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ id: `c${i}`, input: `q${i}` }));
    const opts = {
      name: "s",
      dataset: many,
      task: async () => ({ output: "x" }),
      scorers: [containsScorer("x")],
      sample: 5,
    };
    const a = await runEval({ ...opts, seed: 3 });
    const b = await runEval({ ...opts, seed: 3 });
    const c = await runEval({ ...opts, seed: 4 });
    expect(a.cases.map((x) => x.id)).toEqual(b.cases.map((x) => x.id));
    expect(a.cases.map((x) => x.id)).not.toEqual(c.cases.map((x) => x.id));
    expect(a.cases).toHaveLength(5);
  });

  it("rejects bad datasets and scorer lists with typed errors", async () => {
    const task = async () => ({ output: "x" });
    await expect(
      runEval({ name: "d", dataset: [dataset[0]!, dataset[0]!], task, scorers: [containsScorer("x")] }),
    ).rejects.toThrow(/appears twice/);
    await expect(runEval({ name: "d", dataset, task, scorers: [] })).rejects.toBeInstanceOf(EvalInputError);
    await expect(
      runEval({ name: "d", dataset, task, scorers: [containsScorer("x"), containsScorer("y")] }),
    ).rejects.toThrow(/two scorers are named "contains"/);
  });
});
