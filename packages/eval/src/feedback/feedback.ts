import { type CallContext, type EventHub, events as globalEvents } from "@keel/core";
import { EvalInputError } from "../errors/index.js";

declare module "@keel/core" {
  interface KeelEventMap {
    /** A user's feedback on a model call or a flow run (recorded by `recordFeedback`). */
    "feedback.recorded": {
      /** The `callId` of the model call, or the run / flow id the feedback is about. */
      targetId: string;
      target: "call" | "run";
      /** A rating, normalized to 0 (bad) – 1 (good) by the caller. */
      score?: number;
      /** A label such as "thumbs-down", "wrong", "unsafe". */
      label?: string;
      comment?: string;
      /** What the answer should have been, when the user said so; becomes the case's expected answer. */
      correction?: string;
    };
  }
}

/** User feedback on one call or run. */
export interface Feedback {
  targetId: string;
  target?: "call" | "run";
  score?: number;
  label?: string;
  comment?: string;
  correction?: string;
}

/**
 * Records user feedback against a call id or a flow run id as a `feedback.recorded` event, so
 * it lands in the same sinks (e.g. `jsonLinesLogger`) as the calls it is about; `keel-eval
 * dataset --from <events.jsonl>` later turns the calls with feedback into dataset cases.
 */
export function recordFeedback(
  feedback: Feedback,
  options: { events?: EventHub; context?: CallContext } = {},
): void {
  if (typeof feedback.targetId !== "string" || feedback.targetId === "")
    throw new EvalInputError("feedback needs the targetId of a call or run");
  if (feedback.score !== undefined && !(feedback.score >= 0 && feedback.score <= 1))
    throw new EvalInputError(`feedback score must be between 0 and 1, got ${feedback.score}`);
  if (feedback.score === undefined && feedback.label === undefined && feedback.comment === undefined)
    throw new EvalInputError("feedback needs a score, a label or a comment");
  (options.events ?? globalEvents).emit(
    "feedback.recorded",
    {
      targetId: feedback.targetId,
      target: feedback.target ?? "call",
      ...(feedback.score === undefined ? {} : { score: feedback.score }),
      ...(feedback.label === undefined ? {} : { label: feedback.label }),
      ...(feedback.comment === undefined ? {} : { comment: feedback.comment }),
      ...(feedback.correction === undefined ? {} : { correction: feedback.correction }),
    },
    options.context,
  );
}
