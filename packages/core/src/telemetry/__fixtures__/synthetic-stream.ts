import { KeelError, RateLimitedError } from "../../errors.js";
import { EventHub, type KeelEventMap } from "../../events.js";
import type { CallContext } from "../../model.js";
import "../telemetry-events.js";

/**
 * A hub with a hand-driven clock and shorthands for synthetic events, for tests of metrics,
 * alerts and traces. Not exported from the package.
 */
export function syntheticStream(start = 1_700_000_000_000) {
  let t = start;
  const hub = new EventHub();
  const now = () => t;
  const advance = (ms: number) => {
    t += ms;
  };
  const emit = <K extends keyof KeelEventMap>(type: K, payload: KeelEventMap[K], context?: CallContext) =>
    hub.emit(type, payload, context);
  return {
    hub,
    now,
    advance,
    emit,
    call(
      model: string,
      durationMs: number,
      extra: Partial<KeelEventMap["model.call.finished"]> = {},
      context?: CallContext,
    ) {
      emit(
        "model.call.finished",
        {
          provider: "openai",
          model,
          usage: { inputTokens: 100, outputTokens: 20, totalTokens: 120 },
          finishReason: "stop",
          durationMs,
          ...extra,
        },
        context,
      );
    },
    failure(model: string, error: KeelError = new RateLimitedError("slow down"), context?: CallContext) {
      emit("model.call.failed", { provider: "openai", model, error, durationMs: 5 }, context);
    },
    cost(model: string, costUsd: number, tenant?: string) {
      emit("cost.recorded", {
        model,
        provider: "openai",
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
        costUsd,
        cached: false,
        ...(tenant ? { tenant } : {}),
      });
    },
    retrieval(ids: string[], error?: KeelError) {
      emit("retrieval.finished", {
        ids,
        scores: ids.map((_, i) => 1 - i / 10),
        durationMs: 12,
        ...(error ? { error } : {}),
      });
    },
    fallback(from: string, to: string) {
      emit("fallback.taken", { from, to, error: new KeelError("down"), midStream: false });
    },
  };
}
