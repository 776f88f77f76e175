import { sleep } from "../../abort.js";
import { CostTracker } from "../../cost/cost-tracker.js";
import { trackCost } from "../../cost/track-cost.js";
import { OverloadedError } from "../../errors.js";
import { EventHub } from "../../events.js";
import { defineFlow } from "../../flows/define-flow.js";
import { flowContext } from "../../flows/flow-types.js";
import { fallback } from "../../middleware/fallback.js";
import { retry } from "../../middleware/retry.js";
import type { ModelRequest, Usage } from "../../model.js";
import { pipe } from "../../pipe.js";
import { type ScriptStep, scriptedModel } from "../../testing/scripted-model.js";
import { jsonLinesLogger } from "../jsonl-logger.js";
import { observeModel } from "../observe-model.js";
import "../telemetry-events.js";

/** A scripted answer that waits `firstMs` for its first chunk, then `gapMs` between chunks. */
function streamed(chunks: string[], firstMs: number, gapMs: number, usage: Usage): ScriptStep {
  const events: Extract<ScriptStep, { events: unknown }>["events"] = [];
  for (const [i, text] of chunks.entries())
    events.push({ type: "pause", ms: i === 0 ? firstMs : gapMs }, { type: "text-delta", text });
  events.push({ type: "usage", usage }, { type: "finish", finishReason: "stop" });
  return { events };
}

const question: ModelRequest = { messages: [{ role: "user", content: "What is our refund window?" }] };

/**
 * Runs a real four-step RAG workflow (retrieve → draft → check → polish) through real
 * middleware — retry after an overloaded primary, fallback to another provider, cost tracking —
 * and returns its JSON-lines log. Every delay is a timer: drive it with fake timers.
 */
export async function recordWorkflowLog(): Promise<string[]> {
  const hub = new EventHub();
  const lines: string[] = [];
  jsonLinesLogger({ events: hub, write: (l) => lines.push(l) });
  const costs = new CostTracker({ events: hub });
  const usage = (i: number, o: number) => ({ inputTokens: i, outputTokens: o, totalTokens: i + o });

  const drafter = observeModel(
    scriptedModel(
      [
        new OverloadedError("gpt-4o is overloaded", { provider: "openai", status: 529 }),
        streamed(["Refunds are accepted ", "within 30 days ", "of purchase."], 280, 120, usage(812, 64)),
      ],
      { id: "gpt-4o", provider: "openai" },
    ),
    { events: hub },
  );
  const polisher = observeModel(
    scriptedModel([new OverloadedError("anthropic overloaded", { provider: "anthropic", status: 529 })], {
      id: "claude-sonnet-4",
      provider: "anthropic",
    }),
    { events: hub },
  );
  const backup = observeModel(
    scriptedModel([streamed(["You can get a refund ", "within 30 days."], 190, 150, usage(655, 41))], {
      id: "gemini-2.5-flash",
      provider: "google",
    }),
    { events: hub },
  );
  const draftModel = pipe(
    drafter,
    retry({ events: hub, baseDelayMs: 300, random: () => 0.5 }),
    trackCost(costs),
  );
  const polishModel = pipe(polisher, fallback([backup], { events: hub }), trackCost(costs));

  const flow = defineFlow({
    id: "answer-question",
    context: flowContext<{ draft?: string; answer?: string }>(),
    initial: "retrieve",
    states: {
      retrieve: {
        run: async (_ctx, io) => {
          await sleep(180);
          io.emit("retrieval.finished", {
            ids: ["doc-7#2", "doc-2#0", "doc-9#4"],
            scores: [0.91, 0.84, 0.62],
            durationMs: 180,
            source: "kb",
          });
        },
        next: "draft",
      },
      draft: {
        run: async (_ctx, io) => {
          io.emit("context.truncated", {
            strategy: "drop-middle",
            dropped: "2 old turns",
            messages: 2,
            tokensBefore: 1400,
            tokensAfter: 812,
            tokensSaved: 588,
          });
          return { draft: (await io.generate(draftModel, question)).text };
        },
        next: "check",
      },
      check: {
        run: async (_ctx, io) => {
          await sleep(90);
          io.emit("eval.scored", { metric: "groundedness", score: 0.82, passed: true, model: "gpt-4o" });
        },
        next: "polish",
      },
      polish: {
        run: async (_ctx, io) => ({ answer: (await io.generate(polishModel, question)).text }),
        next: "done",
      },
      done: { terminal: true },
    },
  });
  await flow.run({}, { events: hub, runId: "run-42", tenant: "acme" });
  return lines;
}
