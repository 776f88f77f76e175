import { InvalidRequestError } from "../errors.js";
import { type EventHub, events as globalEvents } from "../events.js";
import type { Message } from "../messages.js";
import type { CallContext, ModelRequest } from "../model.js";
import { messageTokenCounter } from "../tokens/message-tokens.js";
import type { ContextCut } from "./context-events.js";
import { type ContextStrategy, FitState } from "./fit-state.js";

export interface FitOptions {
  /** The most input tokens the request may have, tools and framing included. */
  maxInputTokens: number;
  /** Applied in order, each only while the request is still over budget. */
  strategies: ContextStrategy[];
  /** Whose token rules to count with (default "gpt-4o"). */
  model?: string | { id: string; provider?: string };
  /** Messages no strategy may drop, summarize or shorten (system messages are always kept). */
  pinned?: (message: Message, index: number) => boolean;
  events?: EventHub;
  /** Copied onto the `context.truncated` events. */
  context?: CallContext;
}

export interface FitReport {
  /** Whether the result is within `maxInputTokens`; when false the caller must decide what to do. */
  fits: boolean;
  tokensBefore: number;
  tokensAfter: number;
  maxInputTokens: number;
  cuts: ContextCut[];
}

/**
 * Fits a request into a token budget by running strategies (drop the middle, summarize it,
 * dedupe or shorten tool results, drop weak retrieved chunks) until it fits. A tool call is
 * never separated from its result. Returns the new request (the input is not changed) and a
 * report of every cut, each also emitted as a `context.truncated` event.
 */
export async function fitToBudget(
  request: ModelRequest,
  options: FitOptions,
): Promise<{ request: ModelRequest; report: FitReport }> {
  if (!(options.maxInputTokens > 0))
    throw new InvalidRequestError(`fitToBudget: maxInputTokens must be > 0, got ${options.maxInputTokens}`);
  const counter = await messageTokenCounter(options.model ?? "gpt-4o");
  const pinned = new Set(request.messages.filter((m, i) => options.pinned?.(m, i)));
  const state = new FitState(
    request,
    options.maxInputTokens,
    counter,
    pinned,
    options.events ?? globalEvents,
    options.context,
  );
  const tokensBefore = state.tokens();
  for (const strategy of options.strategies) {
    if (state.fits()) break;
    await strategy.apply(state);
  }
  const tokensAfter = state.tokens();
  return {
    request: state.cuts.length ? { ...request, messages: state.messages } : request,
    report: {
      fits: tokensAfter <= options.maxInputTokens,
      tokensBefore,
      tokensAfter,
      maxInputTokens: options.maxInputTokens,
      cuts: state.cuts,
    },
  };
}
