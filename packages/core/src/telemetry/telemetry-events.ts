import type { KeelError } from "../errors.js";
import type { KeelEventMap } from "../events.js";

// Events that other packages emit and telemetry consumes; declared here so the sinks, metrics
// and alerts can type them. @keel/rag emits `retrieval.finished`, @keel/eval emits `eval.scored`.
declare module "../events.js" {
  interface KeelEventMap {
    /** A retrieval ran: the ids and scores it returned, best first, or the error it failed with. */
    "retrieval.finished": {
      /** The query text; content, so emit it only when `isContentCaptured(hub)` is true. */
      query?: string;
      ids: string[];
      scores: number[];
      durationMs: number;
      error?: KeelError;
      /** Which index or store answered (`gen_ai.data_source.id`). */
      source?: string;
    };
    /** An evaluation metric scored an answer (e.g. groundedness); higher is better. */
    "eval.scored": {
      metric: string;
      score: number;
      /** The bound the evaluator used, when it had one. */
      threshold?: number;
      passed?: boolean;
      label?: string;
      explanation?: string;
      /** The model whose answer was scored. */
      model?: string;
      /** The `callId` of the scored model call, when known. */
      callId?: string;
    };
  }
}

/** The payload @keel/rag emits as `retrieval.finished`. */
export type RetrievalFinished = KeelEventMap["retrieval.finished"];

/** The payload @keel/eval emits as `eval.scored`. */
export type EvalScored = KeelEventMap["eval.scored"];
