import { EventHub, pipe } from "@keel/core";
import { captureContent, jsonLinesLogger, observe, parseEventLines } from "@keel/core/telemetry";
import { scriptedModel } from "@keel/core/testing";
import { describe, expect, it } from "vitest";
import { EvalInputError } from "../errors/index.js";
import { datasetFromEvents } from "./dataset-from-events.js";
import { recordFeedback } from "./feedback.js";

describe("feedback loop", () => {
  it("records feedback against call ids and turns the logged calls into redacted dataset cases", async () => {
    const hub = new EventHub();
    const lines: string[] = [];
    jsonLinesLogger({ events: hub, write: (l) => lines.push(l) });
    // Logged verbatim, so the dataset builder's own redaction is what the test sees.
    captureContent({ events: hub, redact: false });
    const model = pipe(
      scriptedModel(
        (req) => (String(req.messages.at(-1)!.content).includes("refund") ? "No refunds, ever." : "Sure."),
        {
          id: "gpt-4o-mini",
          provider: "openai",
        },
      ),
      observe({ events: hub }),
    );
    const ask = async (text: string, tenant: string) => {
      const r = await model.generate(
        { messages: [{ role: "user", content: text }] },
        { context: { tenant } },
      );
      return r;
    };
    await ask("Can I get a refund? My email is jane@example.com", "acme");
    await ask("Hello", "acme");
    await ask("Another refund question", "globex");
    const finished = lines.map((l) => JSON.parse(l)).filter((e) => e.type === "model.call.finished");
    expect(finished).toHaveLength(3);
    recordFeedback(
      { targetId: finished[0].callId, score: 0, label: "wrong", correction: "Refunds within 30 days." },
      { events: hub },
    );
    recordFeedback({ targetId: finished[1].callId, score: 1, label: "thumbs-up" }, { events: hub });
    recordFeedback(
      { targetId: finished[2].callId, label: "thumbs-down", comment: "call me at +1 415 555 0100" },
      { events: hub },
    );

    const events = parseEventLines(lines.join("\n"));
    const negative = datasetFromEvents(events, { feedback: "negative" });
    expect(negative.cases.map((c) => c.id)).toEqual([finished[0].callId, finished[2].callId]);
    const first = negative.cases[0]!;
    expect(JSON.stringify(first.input)).toContain("[redacted:email]");
    expect(JSON.stringify(first.input)).not.toContain("jane@example.com");
    expect(first.expected).toBe("Refunds within 30 days.");
    expect(first.tags).toMatchObject({
      tenant: "acme",
      model: "gpt-4o-mini",
      feedback: "wrong",
      loggedOutput: "No refunds, ever.",
    });
    expect(negative.cases[1]!.tags?.comment).toContain("[redacted:phone]");

    expect(datasetFromEvents(events, { feedback: "negative", tenant: "acme" }).cases).toHaveLength(1);
    expect(datasetFromEvents(events, { feedback: "positive" }).cases).toHaveLength(1);
    expect(datasetFromEvents(events, { feedback: { label: "thumbs-down" } }).cases).toHaveLength(1);
    expect(datasetFromEvents(events, { feedback: "none" }).cases).toHaveLength(3);
    expect(datasetFromEvents(events, { feedback: "any", since: Date.now() + 60_000 }).cases).toHaveLength(0);
  });

  it("counts calls logged without content instead of dropping them silently", () => {
    const events = [
      { type: "model.call.finished", time: 1, callId: "c1", model: "m" },
      { type: "feedback.recorded", time: 2, targetId: "c1", target: "call", score: 0 },
    ];
    expect(datasetFromEvents(events)).toEqual({ cases: [], skipped: { noContent: 1, filtered: 0 } });
  });

  it("rejects feedback without a target or a rating", () => {
    expect(() => recordFeedback({ targetId: "" })).toThrow(EvalInputError);
    expect(() => recordFeedback({ targetId: "c" })).toThrow(/score, a label or a comment/);
    expect(() => recordFeedback({ targetId: "c", score: 5 })).toThrow(/between 0 and 1/);
  });
});
