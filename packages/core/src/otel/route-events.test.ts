import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { OverloadedError } from "../errors.js";
import { EventHub } from "../events.js";
import { defineFlow } from "../flows/define-flow.js";
import { flowContext } from "../flows/flow-types.js";
import type { CallContext, Model, ModelRequest } from "../model.js";
import { scriptedModel } from "../testing/index.js";
import { otelExporter } from "./otel-exporter.js";
import { routeAnnotation } from "./route-events.js";

function setup() {
  const hub = new EventHub();
  const spans = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer(
    "keel-test",
  );
  otelExporter({ tracer, events: hub });
  // Core does not declare these events (a routing layer such as @keel/gpu-client does): emit them
  // as that layer would, outside core's typed event map.
  const emitUntyped = (type: string, payload: object, context?: CallContext) =>
    hub.emit(type as never, payload as never, context);
  return { hub, spans, emitUntyped };
}

// The fleet's `gpu.routed` as @keel/gpu-client emits it (packages/gpu-client/src/fleet/fleet-events.ts).
const ROUTED = {
  model: "meta-llama/Llama-3.1-8B-Instruct",
  endpoint: "10.0.0.7:8000",
  policy: "prefix-affinity",
  reason: "prefix match 93%",
  attempt: 2,
  queuedMs: 41,
  prefixMatch: 0.93,
};

describe("routing events in OpenTelemetry", () => {
  it("records which server took a request, why and after how long queued, on the enclosing step span", async () => {
    const t = setup();
    const inner = scriptedModel(["answer"], { id: "m", provider: "gpu-client" });
    // Stands in for the fleet: it says where it routed the call, in the call's context.
    const fleet: Model = {
      ...inner,
      stream(request, options) {
        t.emitUntyped("gpu.routed", ROUTED, options?.context);
        return inner.stream(request, options);
      },
      generate(request, options) {
        t.emitUntyped("gpu.routed", ROUTED, options?.context);
        return inner.generate(request, options);
      },
    };
    const req: ModelRequest = { messages: [{ role: "user", content: "hi" }] };
    const flow = defineFlow({
      id: "ask",
      context: flowContext<{ text?: string }>(),
      initial: "ask",
      states: {
        ask: { run: async (_ctx, io) => ({ text: (await io.generate(fleet, req)).text }), next: "done" },
        done: { terminal: true },
      },
    });
    await flow.run({}, { events: t.hub, runId: "run-1" });
    const step = t.spans.getFinishedSpans().find((s) => s.name === "step ask");
    const route = step?.events.find((e) => e.name === "keel.route");
    expect(route?.attributes).toEqual({
      "keel.route.endpoint": "10.0.0.7:8000",
      "keel.route.policy": "prefix-affinity",
      "keel.route.reason": "prefix match 93%",
      "keel.route.attempt": 2,
      "keel.route.queued_ms": 41,
      "keel.route.prefix_match": 0.93,
      "keel.model": "meta-llama/Llama-3.1-8B-Instruct",
    });
  });

  it("makes a short span of each outside a flow: failovers, shedding, ejection and adapters", () => {
    const t = setup();
    t.emitUntyped("gpu.routed", ROUTED, { tenant: "acme" });
    t.emitUntyped("gpu.rerouted", {
      model: "m",
      from: "r0",
      attempt: 1,
      error: new OverloadedError("full"),
    });
    t.emitUntyped("gpu.request.shed", { model: "m", reason: "queue-timeout", queuedMs: 30000 });
    t.emitUntyped("gpu.endpoint.ejected", { endpoint: "r0", reason: "connect ECONNREFUSED", forMs: 1000 });
    t.emitUntyped("gpu.endpoint.readmitted", { endpoint: "r0", afterMs: 3002 });
    t.emitUntyped("gpu.adapter.unloaded", { endpoint: "r1", adapter: "sql-lora", reason: "lru", for: "x" });
    const spans = t.spans.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual([
      "keel.route",
      "keel.route.failover",
      "keel.route.shed",
      "keel.endpoint.ejected",
      "keel.endpoint.readmitted",
      "keel.adapter.unloaded",
    ]);
    expect(spans[0]!.attributes).toMatchObject({
      "keel.route.endpoint": "10.0.0.7:8000",
      "keel.tenant": "acme",
    });
    expect(spans[1]!.attributes).toEqual({
      "keel.route.from": "r0",
      "keel.route.attempt": 1,
      "keel.model": "m",
      "error.type": "overloaded",
    });
    expect(spans[2]!.attributes).toEqual({
      "keel.route.shed.reason": "queue-timeout",
      "keel.route.queued_ms": 30000,
      "keel.model": "m",
    });
    expect(spans[3]!.attributes).toEqual({
      "keel.endpoint": "r0",
      "keel.endpoint.reason": "connect ECONNREFUSED",
      "keel.endpoint.ejected_for_ms": 1000,
    });
    expect(spans[4]!.attributes).toEqual({ "keel.endpoint": "r0", "keel.endpoint.ejected_ms": 3002 });
    expect(spans[5]!.attributes).toEqual({
      "keel.endpoint": "r1",
      "keel.adapter": "sql-lora",
      "keel.adapter.reason": "lru",
    });
  });

  it("skips events that do not have the documented shape", () => {
    expect(routeAnnotation({ type: "gpu.routed" })).toBeUndefined();
    expect(routeAnnotation({ type: "routed", endpoint: "a" } as never)).toBeUndefined();
    expect(routeAnnotation({ type: "x.rerouted", from: 3 } as never)).toBeUndefined();
    expect(routeAnnotation({ type: "x.request.shed" })).toBeUndefined();
    expect(routeAnnotation({ type: "x.adapter.loaded", endpoint: "e" } as never)).toBeUndefined();
    expect(routeAnnotation({ type: "x.endpoint.ejected" })).toBeUndefined();
    expect(routeAnnotation({ type: "x.something", endpoint: "e" } as never)).toBeUndefined();
    // Fields of the wrong type are left out, the rest kept.
    expect(
      routeAnnotation({ type: "lb.routed", endpoint: "e", attempt: "2", queuedMs: Number.NaN } as never),
    ).toEqual(["keel.route", { "keel.route.endpoint": "e" }]);
  });
});
