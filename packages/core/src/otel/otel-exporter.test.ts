import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import {
  DataPointType,
  type HistogramMetricData,
  MeterProvider,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CostTracker } from "../cost/cost-tracker.js";
import { trackCost } from "../cost/track-cost.js";
import { OverloadedError, RateLimitedError } from "../errors.js";
import { EventHub } from "../events.js";
import { defineFlow } from "../flows/define-flow.js";
import { flowContext } from "../flows/flow-types.js";
import { retry } from "../middleware/retry.js";
import type { ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { captureContent } from "../telemetry/capture-content.js";
import { observeModel } from "../telemetry/observe-model.js";
import { scriptedModel } from "../testing/index.js";
import { otelExporter } from "./otel-exporter.js";

/** A metric reader that collects on demand (the SDK's in-memory pull reader). */
class InMemoryReader extends MetricReader {
  protected override async onForceFlush() {}
  protected override async onShutdown() {}
}

const req: ModelRequest = {
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Reach me at jane@example.com" },
  ],
  temperature: 0.3,
  topP: 0.9,
  maxOutputTokens: 100,
  stop: ["END"],
};

function setup(options: { captureContent?: boolean } = {}) {
  const hub = new EventHub();
  const spans = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer(
    "keel-test",
  );
  const reader = new InMemoryReader();
  const meter = new MeterProvider({ readers: [reader] }).getMeter("keel-test");
  const exporter = otelExporter({ tracer, meter, events: hub, ...options });
  const finished = () => spans.getFinishedSpans();
  const named = (name: string) => finished().filter((s) => s.name === name);
  async function histogram(name: string) {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === name);
    return metric as HistogramMetricData | undefined;
  }
  return { hub, exporter, finished, named, histogram };
}

const durationMs = (s: ReadableSpan) => s.duration[0] * 1000 + s.duration[1] / 1e6;

describe("otelExporter", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_750_000_000_000 }));
  afterEach(() => vi.useRealTimers());

  it("makes a GenAI chat span for a generate call, without content by default", async () => {
    const t = setup();
    const model = observeModel(scriptedModel(["hello there"], { id: "gpt-4o", provider: "openai" }), {
      events: t.hub,
    });
    await model.generate(req);
    const [span] = t.finished();
    expect(span?.name).toBe("chat gpt-4o");
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o",
      "gen_ai.request.temperature": 0.3,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.max_tokens": 100,
      "gen_ai.request.stop_sequences": ["END"],
      "gen_ai.response.model": "gpt-4o",
      "gen_ai.response.id": "req_1",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 10,
      "gen_ai.usage.output_tokens": 3,
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("makes in-process models INTERNAL spans", async () => {
    const t = setup();
    await observeModel(scriptedModel(["ok"], { id: "qwen3-0.6b", provider: "llama-cpp" }), {
      events: t.hub,
    }).generate(req);
    expect(t.finished()[0]?.kind).toBe(SpanKind.INTERNAL);
  });

  it("times a stream and records time to first chunk on the span and as a metric", async () => {
    const t = setup();
    const inner = scriptedModel(
      [
        {
          events: [
            { type: "response-metadata", requestId: "msg_1", servedModel: "gemini-2.5-flash-001" },
            { type: "pause", ms: 250 },
            { type: "text-delta", text: "hi" },
            { type: "pause", ms: 750 },
            {
              type: "usage",
              usage: { inputTokens: 40, outputTokens: 9, totalTokens: 49, cachedInputTokens: 32 },
            },
            { type: "finish", finishReason: "length" },
          ],
        },
      ],
      { id: "gemini-2.5-flash", provider: "google" },
    );
    const model = observeModel(inner, { events: t.hub });
    const done = (async () => {
      for await (const _ of model.stream(req));
    })();
    await vi.advanceTimersByTimeAsync(2000);
    await done;
    const [span] = t.finished();
    expect(span?.name).toBe("chat gemini-2.5-flash");
    expect(span?.attributes).toMatchObject({
      "gen_ai.provider.name": "gcp.gemini",
      "gen_ai.request.stream": true,
      "gen_ai.response.model": "gemini-2.5-flash-001",
      "gen_ai.response.id": "msg_1",
      "gen_ai.response.finish_reasons": ["length"],
      "gen_ai.usage.cache_read.input_tokens": 32,
      "gen_ai.response.time_to_first_chunk": 0.25,
    });
    expect(durationMs(span!)).toBe(1000);

    const ttfc = await t.histogram("gen_ai.client.operation.time_to_first_chunk");
    expect(ttfc?.descriptor.unit).toBe("s");
    expect(ttfc?.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(ttfc?.dataPoints[0]?.value.sum).toBe(0.25);
    const duration = await t.histogram("gen_ai.client.operation.duration");
    expect(duration?.dataPoints[0]?.value.sum).toBe(1);
    expect(duration?.dataPoints[0]?.value.buckets.boundaries).toEqual([
      0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    ]);
    expect(duration?.dataPoints[0]?.attributes).toEqual({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "gcp.gemini",
      "gen_ai.request.model": "gemini-2.5-flash",
      "gen_ai.response.model": "gemini-2.5-flash-001",
    });
    const tokens = await t.histogram("gen_ai.client.token.usage");
    expect(tokens?.descriptor.unit).toBe("{token}");
    const byType = Object.fromEntries(
      tokens!.dataPoints.map((p) => [p.attributes["gen_ai.token.type"], p.value.sum]),
    );
    expect(byType).toEqual({ input: 40, output: 9 });
  });

  it("marks a failed call with error.type and status ERROR", async () => {
    const t = setup();
    const model = observeModel(
      scriptedModel([new RateLimitedError("slow down")], { id: "claude-sonnet-4", provider: "anthropic" }),
      {
        events: t.hub,
      },
    );
    await expect(model.generate(req)).rejects.toThrow("slow down");
    const [span] = t.finished();
    expect(span?.attributes["error.type"]).toBe("rate-limited");
    expect(span?.attributes["gen_ai.provider.name"]).toBe("anthropic");
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "slow down" });
    const duration = await t.histogram("gen_ai.client.operation.duration");
    expect(duration?.dataPoints[0]?.attributes["error.type"]).toBe("rate-limited");
    expect(await t.histogram("gen_ai.client.token.usage")).toBeUndefined();
  });

  it("records redacted content only when both capture switches are on", async () => {
    for (const exporterCaptures of [true, false]) {
      const t = setup({ captureContent: exporterCaptures });
      const stop = captureContent({ events: t.hub });
      const model = observeModel(scriptedModel(["Noted."], { id: "gpt-4o", provider: "openai" }), {
        events: t.hub,
      });
      await model.generate(req);
      stop();
      const attrs = t.finished()[0]!.attributes;
      if (!exporterCaptures) {
        expect(attrs["gen_ai.input.messages"]).toBeUndefined();
        expect(attrs["gen_ai.output.messages"]).toBeUndefined();
        continue;
      }
      expect(JSON.parse(attrs["gen_ai.input.messages"] as string)).toEqual([
        { role: "user", parts: [{ type: "text", content: "Reach me at [redacted:email]" }] },
      ]);
      expect(JSON.parse(attrs["gen_ai.system_instructions"] as string)).toEqual([
        { type: "text", content: "Be brief." },
      ]);
      expect(JSON.parse(attrs["gen_ai.output.messages"] as string)).toEqual([
        { role: "assistant", parts: [{ type: "text", content: "Noted." }], finish_reason: "stop" },
      ]);
    }
  });

  it("nests model calls under workflow and step spans, with retries and cost as span events", async () => {
    const t = setup();
    const flaky = observeModel(
      scriptedModel([new OverloadedError("busy"), "draft text", "final text"], {
        id: "gpt-4o",
        provider: "openai",
      }),
      { events: t.hub },
    );
    const costs = new CostTracker({ events: t.hub });
    const model = pipe(
      flaky,
      retry({ events: t.hub, baseDelayMs: 100, random: () => 0.5 }),
      trackCost(costs),
    );
    const flow = defineFlow({
      id: "write",
      context: flowContext<{ draft?: string; final?: string }>(),
      initial: "draft",
      states: {
        draft: { run: async (_ctx, io) => ({ draft: (await io.generate(model, req)).text }), next: "polish" },
        polish: { run: async (_ctx, io) => ({ final: (await io.generate(model, req)).text }), next: "done" },
        done: { terminal: true },
      },
    });
    const run = flow.run({}, { events: t.hub, runId: "run-1", tenant: "acme" });
    await vi.advanceTimersByTimeAsync(1000);
    await run;

    const [workflow] = t.named("invoke_workflow write");
    expect(workflow?.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_workflow",
      "gen_ai.workflow.name": "write",
      "keel.run.id": "run-1",
      "keel.tenant": "acme",
    });
    const steps = t.finished().filter((s) => s.name.startsWith("step "));
    expect(steps.map((s) => s.name)).toEqual(["step draft", "step polish", "step done"]);
    for (const step of steps) expect(step.parentSpanContext?.spanId).toBe(workflow?.spanContext().spanId);

    const chats = t.named("chat gpt-4o");
    expect(chats).toHaveLength(3);
    const [draftStep, polishStep] = steps;
    expect(chats.map((c) => c.parentSpanContext?.spanId)).toEqual([
      draftStep?.spanContext().spanId,
      draftStep?.spanContext().spanId,
      polishStep?.spanContext().spanId,
    ]);
    expect(chats[0]?.attributes["error.type"]).toBe("overloaded");
    expect(chats[1]?.attributes).toMatchObject({ "keel.step.id": "draft@1", "keel.tenant": "acme" });
    expect(draftStep?.events.map((e) => e.name)).toEqual(["keel.retry", "keel.cost"]);
    expect(draftStep?.events[0]?.attributes).toMatchObject({
      "keel.retry.attempt": 2,
      "error.type": "overloaded",
    });
  });

  it("ends a failed run's spans with status ERROR", async () => {
    const t = setup();
    const flow = defineFlow({
      id: "broken",
      context: flowContext<object>(),
      initial: "a",
      states: {
        a: {
          run: () => {
            throw new OverloadedError("no capacity");
          },
          next: "done",
          retry: { attempts: 2, delayMs: 10 },
        },
        done: { terminal: true },
      },
    });
    const run = flow.run({}, { events: t.hub }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await run).toMatchObject({ reason: "step-failed" });
    const [step] = t.named("step a");
    expect(step?.events.map((e) => [e.name, e.attributes?.["keel.will_retry"]])).toEqual([
      ["keel.step.attempt_failed", true],
      ["keel.step.attempt", undefined],
      ["keel.step.attempt_failed", false],
    ]);
    expect(step?.status.code).toBe(SpanStatusCode.ERROR);
    const [workflow] = t.named("invoke_workflow broken");
    expect(workflow?.status.code).toBe(SpanStatusCode.ERROR);
    expect(workflow?.attributes["error.type"]).toBe("step-failed");
  });

  it("makes retrieval spans and short spans for events outside a workflow, and stops", async () => {
    const t = setup({ captureContent: true });
    t.hub.emit("retrieval.finished", {
      query: "refund policy",
      ids: ["d1", "d2"],
      scores: [0.9, 0.7],
      durationMs: 40,
      source: "kb",
    });
    t.hub.emit("fallback.taken", {
      from: "gpt-4o",
      to: "claude",
      error: new OverloadedError("busy"),
      midStream: true,
    });
    const [retrieval] = t.named("retrieval kb");
    expect(retrieval?.kind).toBe(SpanKind.CLIENT);
    expect(durationMs(retrieval!)).toBe(40);
    expect(retrieval?.attributes).toMatchObject({
      "gen_ai.operation.name": "retrieval",
      "gen_ai.data_source.id": "kb",
      "gen_ai.retrieval.query.text": "refund policy",
    });
    expect(JSON.parse(retrieval?.attributes["gen_ai.retrieval.documents"] as string)).toEqual([
      { id: "d1", score: 0.9 },
      { id: "d2", score: 0.7 },
    ]);
    const [fallback] = t.named("keel.fallback");
    expect(fallback?.attributes).toMatchObject({
      "keel.fallback.to": "claude",
      "keel.fallback.mid_stream": true,
    });
    t.exporter.stop();
    t.hub.emit("retrieval.finished", { ids: [], scores: [], durationMs: 1 });
    expect(t.named("retrieval")).toHaveLength(0);
  });
});
