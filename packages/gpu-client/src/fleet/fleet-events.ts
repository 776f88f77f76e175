import type { KeelError } from "@keel/core";

// The fleet's telemetry events join core's event map, so every listener and sink sees them.
declare module "@keel/core" {
  interface KeelEventMap {
    /** A request was sent to an endpoint: which one, by which policy, why, after how long in the queue. */
    "gpu.routed": {
      model: string;
      endpoint: string;
      policy: string;
      reason: string;
      attempt: number;
      queuedMs: number;
      prefixMatch?: number;
    };
    /** An attempt failed before its first token and the request moves to another endpoint. */
    "gpu.rerouted": { model: string; from: string; error: KeelError; attempt: number };
    /** An endpoint left the rotation (failed health check, connection failure, timeout). */
    "gpu.endpoint.ejected": { endpoint: string; reason: string; forMs: number };
    /** An ejected endpoint passed its health check and is back. */
    "gpu.endpoint.readmitted": { endpoint: string; afterMs: number };
    /** A request was refused with `OverloadedError` instead of queued further. */
    "gpu.request.shed": { model: string; reason: "queue-full" | "queue-timeout"; queuedMs: number };
    /** A LoRA adapter was loaded onto an endpoint. */
    "gpu.adapter.loaded": { endpoint: string; adapter: string; reason: "not-loaded" | "pressure" };
    /** A LoRA adapter was unloaded from an endpoint at its slot limit to make room for another (least recently used first). */
    "gpu.adapter.unloaded": { endpoint: string; adapter: string; reason: "lru"; for: string };
  }
}
