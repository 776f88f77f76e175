import type { KeelError } from "../errors.js";

declare module "../events.js" {
  interface KeelEventMap {
    /**
     * The shared store failed (`error` says how) and this replica now keeps its limits, budgets
     * and breakers in local memory (scaled by `localShare`) until the store answers again.
     */
    "shared-state.degraded": { store: string; operation: string; error: KeelError; localShare: number };
    /** The shared store answers again; limits are shared once more. */
    "shared-state.recovered": { store: string; degradedMs: number };
  }
}
