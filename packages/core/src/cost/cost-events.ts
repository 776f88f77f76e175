import type { Usage } from "../model.js";

declare module "../events.js" {
  interface KeelEventMap {
    /** A call's cost was computed; `costUsd` is undefined when the model's prices are unknown. */
    "cost.recorded": {
      model: string;
      provider: string;
      tenant?: string;
      usage: Usage;
      costUsd?: number;
      cached: boolean;
    };
    /** The budget middleware refused a call: spent + reserved + estimate would pass the limit. */
    "budget.exceeded": {
      model: string;
      scope: string;
      limitUsd: number;
      spentUsd: number;
      estimateUsd: number;
    };
    /** The budget middleware sent a call to a cheaper model to stay within the limit. */
    "budget.downgraded": { from: string; to: string; scope: string; limitUsd: number; spentUsd: number };
  }
}

/** The dimensions costs are grouped by. "flowId" is the workflow definition, "runId" one run of it. */
export type CostDimension = "tenant" | "flowId" | "runId" | "stepId" | "model" | "provider";
