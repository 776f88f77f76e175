import { events } from "@keel/core";

declare module "@keel/core" {
  interface KeelEventMap {
    /**
     * A provider answered without token usage (some OpenAI-compatible servers ignore
     * `stream_options.include_usage`). The response then carries all-zero usage, which no real
     * call can have (every prompt is at least one token): read zeros as "not reported".
     */
    "model.usage.missing": { provider: string; model: string; stream: boolean };
  }
}

/** Reports an answer that came without usage on the global event hub. */
export function reportMissingUsage(provider: string, model: string, stream: boolean): void {
  events.emit("model.usage.missing", { provider, model, stream });
}
