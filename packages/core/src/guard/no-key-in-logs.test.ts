import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { AuthenticationError } from "../errors.js";
import { EventHub } from "../events.js";
import type { StreamEvent } from "../model.js";
import { otelExporter } from "../otel/otel-exporter.js";
import { pipe } from "../pipe.js";
import { captureContent } from "../telemetry/capture-content.js";
import { consoleLogger } from "../telemetry/console-logger.js";
import { jsonLinesLogger } from "../telemetry/jsonl-logger.js";
import { observeModel } from "../telemetry/observe-model.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { guard } from "./guard-middleware.js";

// API keys must never reach a log: in the prompt, in the answer, in request headers, or echoed
// back in a provider's error message. Every sink's output is searched for the key.
const KEY = "sk-proj-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNm";

describe("API keys never reach the logs", () => {
  it("greps every sink's output after calls that carry the key everywhere", async () => {
    const hub = new EventHub();
    const lines: string[] = [];
    jsonLinesLogger({ events: hub, write: (l) => lines.push(l) });
    consoleLogger({ events: hub, write: (l) => lines.push(l) });
    consoleLogger({ events: hub, write: (l) => lines.push(l), colors: true } as Parameters<
      typeof consoleLogger
    >[0]);
    const spans = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer(
      "keel-test",
    );
    otelExporter({ tracer, events: hub, captureContent: true });
    const stop = captureContent({ events: hub });
    try {
      const echo = scriptedModel([
        `Sure, your key ${KEY} works.`,
        {
          events: [
            { type: "text-delta", text: `key: ${KEY.slice(0, 12)}` },
            { type: "text-delta", text: KEY.slice(12) },
            { type: "finish", finishReason: "stop" } as StreamEvent,
          ],
        },
        new AuthenticationError(`Incorrect API key provided: ${KEY}.`, { provider: "openai", status: 401 }),
      ]);
      const model = pipe(observeModel(echo, { events: hub }), guard({ events: hub, injection: false }));
      const headers = { authorization: `Bearer ${KEY}` };
      await model.generate({ messages: [{ role: "user", content: `my key is ${KEY}` }] }, { headers });
      await model.stream({ messages: [{ role: "user", content: `api_key=${KEY}` }] }, { headers }).response;
      await expect(
        model.generate({ messages: [{ role: "user", content: "hi" }] }, { headers }),
      ).rejects.toThrow();
    } finally {
      stop();
    }
    for (const span of spans.getFinishedSpans())
      lines.push(
        JSON.stringify({
          name: span.name,
          status: span.status,
          attributes: span.attributes,
          events: span.events,
        }),
      );
    expect(spans.getFinishedSpans().length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeGreaterThan(6);
    const leaks = lines.filter((l) => l.includes(KEY) || l.includes(KEY.slice(8, 30)));
    expect(leaks).toEqual([]);
  });
});
