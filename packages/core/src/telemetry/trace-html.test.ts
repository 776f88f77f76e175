import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { recordWorkflowLog } from "./__fixtures__/workflow-log.js";
import { parseEventLines } from "./parse-event-lines.js";
import { escapeHtml, renderTraceHtml } from "./trace-html.js";
import { buildTrace } from "./trace-model.js";

async function workflowLog() {
  const pending = recordWorkflowLog();
  await vi.runAllTimersAsync();
  return pending;
}

describe("trace", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 4, 1, 9, 30) }));
  afterEach(() => vi.useRealTimers());

  it("builds runs, steps, calls and markers from a real workflow's log", async () => {
    const trace = buildTrace(parseEventLines((await workflowLog()).join("\n")));
    expect(trace.runs).toHaveLength(1);
    const [run] = trace.runs;
    expect(run).toMatchObject({
      runId: "run-42",
      flowId: "answer-question",
      tenant: "acme",
      status: "completed",
    });
    expect(run?.steps.map((s) => s.stepId)).toEqual([
      "retrieve@1",
      "draft@2",
      "check@3",
      "polish@4",
      "done@5",
    ]);
    const [retrieve, draft, check, polish] = run!.steps;
    expect(retrieve?.spans.map((s) => [s.kind, s.end - s.start])).toEqual([["retrieval", 180]]);
    expect(draft?.spans.map((s) => [s.label, s.status])).toEqual([
      ["openai/gpt-4o", "failed"],
      ["openai/gpt-4o", "ok"],
    ]);
    expect(draft?.spans[1]).toMatchObject({ ttftMs: 280, inputTokens: 812, outputTokens: 64 });
    expect(draft?.spans[1]?.costUsd).toBeGreaterThan(0);
    expect(draft?.markers.map((m) => m.kind)).toEqual(["truncation", "retry"]);
    expect(check?.markers.map((m) => m.label)).toEqual(["groundedness 0.820"]);
    expect(polish?.spans.map((s) => [s.label, s.status])).toEqual([
      ["anthropic/claude-sonnet-4", "failed"],
      ["google/gemini-2.5-flash", "ok"],
    ]);
    expect(polish?.markers.map((m) => m.kind)).toEqual(["fallback"]);
    expect(trace.totals).toMatchObject({
      runs: 1,
      steps: 5,
      modelCalls: 4,
      failedCalls: 2,
      inputTokens: 812 + 655,
      outputTokens: 64 + 41,
      retries: 1,
      fallbacks: 1,
      errors: 2,
    });
    expect(trace.totals.costUsd).toBeCloseTo(
      (draft?.spans[1]?.costUsd ?? 0) + (polish?.spans[1]?.costUsd ?? 0),
    );
  });

  it("renders a self-contained page that escapes every logged string", () => {
    const hostile = '<img src=x onerror="alert(1)">';
    const html = renderTraceHtml(
      parseEventLines(
        [
          {
            type: "flow.started",
            time: 1000,
            context: { runId: hostile, flowId: "f" },
            state: "a",
            step: 0,
            resumed: false,
          },
          {
            type: "model.call.started",
            time: 1000,
            context: { runId: hostile },
            provider: "p",
            model: hostile,
            stream: false,
            callId: "c",
          },
          {
            type: "model.call.failed",
            time: 1500,
            context: { runId: hostile },
            provider: "p",
            model: "m",
            callId: "c",
            durationMs: 500,
            error: { name: "E", code: "x", message: "</script><script>alert(2)</script>" },
          },
        ]
          .map((e) => JSON.stringify(e))
          .join("\n"),
      ),
      { source: "<b>log</b>.jsonl" },
    );
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>log");
    expect(html).not.toContain("alert(2)</script>");
    expect(html).toContain(escapeHtml(hostile));
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//);
    expect(html).toContain("default-src 'none'");
  });

  it("explains a line that is not an event", () => {
    expect(() => parseEventLines('{"type":"a","time":1}\n\nnot json')).toThrow(/line 3: not JSON/);
    expect(() => parseEventLines('{"type":"a"}')).toThrow(/line 1: not an event/);
  });

  it("renders an empty log as a page that says so", () => {
    expect(renderTraceHtml([])).toContain("The log holds no events.");
  });
});
