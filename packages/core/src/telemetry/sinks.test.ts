import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RateLimitedError } from "../errors.js";
import { EventHub } from "../events.js";
import "./telemetry-events.js";
import { consoleLogger } from "./console-logger.js";
import { formatEvent } from "./format-event.js";
import { jsonLinesLogger } from "./jsonl-logger.js";

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

describe("sinks", () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  it("writes each event as one JSON line, errors included", () => {
    const hub = new EventHub();
    const lines: string[] = [];
    const stop = jsonLinesLogger({ events: hub, write: (l) => lines.push(l) });
    const error = new RateLimitedError("slow down", { provider: "openai", status: 429, retryAfterMs: 900 });
    hub.emit("retry.scheduled", { model: "gpt-4o", attempt: 1, delayMs: 900, error }, { runId: "r1" });
    stop();
    hub.emit("retry.attempted", { model: "gpt-4o", attempt: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("\n");
    expect(JSON.parse(lines[0]!)).toEqual({
      type: "retry.scheduled",
      time: T0,
      context: { runId: "r1" },
      model: "gpt-4o",
      attempt: 1,
      delayMs: 900,
      error: {
        name: "RateLimitedError",
        message: "slow down",
        code: "rate-limited",
        status: 429,
        provider: "openai",
        retryable: true,
        retryAfterMs: 900,
      },
    });
  });

  it("still writes a line for a payload JSON cannot hold", () => {
    const hub = new EventHub();
    const lines: string[] = [];
    jsonLinesLogger({ events: hub, write: (l) => lines.push(l) });
    hub.emit("eval.scored", { metric: "x", score: 1, label: 10n as unknown as string });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      type: "eval.scored",
      unserializable: expect.stringMatching(/BigInt/),
    });
  });

  it("formats one plain line per event", () => {
    const hub = new EventHub();
    const lines: string[] = [];
    consoleLogger({
      events: hub,
      write: (l) => lines.push(l),
      colors: false,
      filter: (e) => e.type !== "cache.miss",
    });
    hub.emit(
      "model.call.finished",
      {
        provider: "openai",
        model: "gpt-4o",
        servedModel: "gpt-4o-2024-08-06",
        usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17 },
        finishReason: "stop",
        durationMs: 840,
        timeToFirstTokenMs: 120,
      },
      { runId: "r1", stepId: "draft@2" },
    );
    hub.emit("cache.miss", { kind: "exact", model: "gpt-4o", reason: "not-found" });
    hub.emit("hedge.sent", { model: "gpt-4o", afterMs: 300 });
    expect(lines).toEqual([
      "03:04:05.678  model.call.finished   openai/gpt-4o → gpt-4o-2024-08-06 840ms ttft 120ms in 12 out 5 stop  run=r1 step=draft@2",
      "03:04:05.678  hedge.sent            model=gpt-4o afterMs=300",
    ]);
  });

  it("colors by outcome when asked", () => {
    const event = {
      type: "model.call.failed" as const,
      time: T0,
      provider: "anthropic",
      model: "claude",
      durationMs: 12,
      error: new RateLimitedError("slow"),
    };
    const line = formatEvent(event, { colors: true });
    expect(line).toContain("\u001b[31mmodel.call.failed");
    expect(line).toContain("rate-limited: slow");
  });
});
