import { buildAnswer } from "./answer.js";
import type { BatchItemScript, BatchScript } from "./batch-types.js";
import { scriptedError } from "./error-bodies.js";
import type { Route } from "./protocol-detect.js";
import { synthesize } from "./synthesize.js";
import type { TextResponse } from "./types.js";
import { validateScriptedResponse } from "./validate.js";

/** One request of a batch as submitted. */
export interface BatchItem {
  customId: string;
  body: any;
}

/** What became of one request once its batch ended. */
export type ItemOutcome =
  | { kind: "answer"; body: unknown }
  | { kind: "error"; status: number; body: unknown }
  | { kind: "expired" }
  | { kind: "canceled" };

const DEFAULT_ANSWER: TextResponse = { text: "ok" };

/** Checks a batch script up front, so a typo fails the test that queued it. */
export function validateBatchScript(script: BatchScript): void {
  if (typeof script.items === "object")
    for (const item of Object.values(script.items)) {
      if (!("expired" in item) && !("canceled" in item)) validateScriptedResponse(item, undefined);
    }
}

/**
 * Decides one item's outcome: its own script, else what the batch's end implies (an answer "ok"
 * when it completed, expired or cancelled otherwise). Answers are synthesized exactly as the
 * server answers a live non-streamed call.
 */
export function resolveItem(
  script: BatchScript,
  item: BatchItem,
  protocol: "openai" | "anthropic",
  seq: number,
): ItemOutcome {
  const own = typeof script.items === "function" ? script.items(item) : script.items?.[item.customId];
  const chosen: BatchItemScript = own ?? implied(script.outcome);
  if ("expired" in chosen) return { kind: "expired" };
  if ("canceled" in chosen) return { kind: "canceled" };
  if ("error" in chosen) {
    const reply = scriptedError(protocol, chosen.error);
    return { kind: "error", status: reply.status, body: reply.body };
  }
  if (typeof script.items === "function") validateScriptedResponse(chosen, undefined);
  const route: Route = {
    protocol,
    endpoint: protocol === "openai" ? "chat-completions" : "messages",
    stream: false,
    model: typeof item.body?.model === "string" ? item.body.model : undefined,
    jsonArrayStream: false,
  };
  const synthesized = synthesize(route, buildAnswer(chosen, route, item.body, seq), false, 64);
  return { kind: "answer", body: synthesized.kind === "json" ? synthesized.body : undefined };
}

function implied(outcome: BatchScript["outcome"]): BatchItemScript {
  if (outcome === "expired") return { expired: true };
  if (outcome === "cancelled") return { canceled: true };
  return DEFAULT_ANSWER;
}
