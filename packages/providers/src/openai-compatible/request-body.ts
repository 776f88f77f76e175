import { InvalidRequestError, type ModelRequest } from "@keel/core";
import type { ChatBodyContext } from "../openai/chat-dialect.js";
import { compact } from "../shared/compact.js";
import { OPTION_KEYS, type OpenAICompatibleQuirks, type UnsupportedOption } from "./quirks.js";

type BodyAdapter = (body: Record<string, unknown>, context: ChatBodyContext) => Record<string, unknown>;

/**
 * Builds the body adapter for one host: options it cannot take fail clearly (or are dropped
 * when the caller said so), the token limit and usage request take the host's form, renamed
 * parameters get the host's names, and `providerOptions[provider]` is spread last.
 */
export function compatibleBodyAdapter(
  provider: string,
  quirks: OpenAICompatibleQuirks,
  dropUnsupported: ReadonlySet<UnsupportedOption>,
): BodyAdapter {
  const unsupported = [...(quirks.unsupported ?? []), ...(quirks.topK ? [] : (["topK"] as const))];
  const renames = Object.entries(quirks.renames ?? {});
  return (body, context) => {
    const { request, stream } = context;
    for (const option of unsupported) {
      if (request[option] === undefined) continue;
      if (!dropUnsupported.has(option)) throw unsupportedError(provider, option);
      delete body[OPTION_KEYS[option]];
    }
    if (quirks.maxTokensParam !== "max_completion_tokens" && "max_completion_tokens" in body) {
      body.max_tokens = body.max_completion_tokens;
      delete body.max_completion_tokens;
    }
    if (stream && quirks.streamUsage === "unasked") delete body.stream_options;
    if (quirks.reasoningParam === "reasoning-object" && "reasoning_effort" in body) {
      delete body.reasoning_effort;
      body.reasoning = reasoningObject(request);
    }
    for (const [from, to] of renames) {
      if (!(from in body)) continue;
      body[to] = body[from];
      delete body[from];
    }
    const extra = request.providerOptions?.[provider];
    if (extra) Object.assign(body, compact(extra));
    return quirks.adaptBody ? quirks.adaptBody(body, context) : body;
  };
}

/** OpenRouter's `reasoning` object: the token budget when one was given, else the effort. */
function reasoningObject(request: ModelRequest): Record<string, unknown> {
  const reasoning = request.reasoning ?? {};
  return reasoning.budgetTokens !== undefined
    ? { max_tokens: reasoning.budgetTokens }
    : { effort: reasoning.effort };
}

function unsupportedError(provider: string, option: UnsupportedOption): InvalidRequestError {
  return new InvalidRequestError(
    `${provider} has no parameter for \`${option}\`; remove it from the request, or list it in the model's ` +
      "`dropUnsupported` setting to have it left out",
    { provider },
  );
}
