import { InvalidRequestError } from "../errors.js";
import type { Message } from "../messages.js";
import type { TruncateSpec } from "./flow-types.js";
import type { StepIO } from "./step-io.js";
import { type TruncateResult, truncateMessages, truncateText } from "./truncate.js";

/**
 * The action of a truncation state: fits the named field to the budget, replaces it with the
 * cut value, and emits `flow.truncated` when anything was cut.
 */
export function truncateAction(spec: TruncateSpec<any>) {
  return (ctx: Record<string, unknown>, io: StepIO): Record<string, unknown> => {
    const input = ctx[spec.field];
    const counter = spec.countTokens ? { countTokens: spec.countTokens } : {};
    let result: TruncateResult<string | Message[]>;
    if (typeof input === "string")
      result = truncateText(input, spec.maxTokens, { ...counter, ...(spec.keep ? { keep: spec.keep } : {}) });
    else if (Array.isArray(input)) result = truncateMessages(input as Message[], spec.maxTokens, counter);
    else if (input === undefined || input === null) return {};
    else
      throw new InvalidRequestError(`context field "${spec.field}" is neither a string nor a message list`);
    if (result.truncated)
      io.emit("flow.truncated", {
        state: io.state,
        tokensBefore: result.tokensBefore,
        tokensAfter: result.tokensAfter,
        removed: result.removed,
        unit: result.unit,
      });
    return { [spec.field]: result.value };
  };
}
