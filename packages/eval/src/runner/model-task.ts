import { type Message, type Middleware, type Model, type ModelRequest, pipe } from "@keel/core";
import { costOf } from "@keel/core/cost";
import { modelRegistry } from "@keel/core/registry";
import type { EvalCase, EvalTask } from "./types.js";

/** Options of `modelTask`. */
export interface ModelTaskOptions {
  /** System prompt, sent first. */
  system?: string;
  /** Turns a case into the user message; default: the case input as is. `{{input}}` in a string is replaced. */
  prompt?: string | ((c: EvalCase) => string);
  /** Default 0, so reruns are comparable. */
  temperature?: number;
  maxOutputTokens?: number;
  /** Core middleware around the model, e.g. `rateLimit({ requestsPerMinute: 60 })`, `retry()`, `concurrency({ max: 4 })`. */
  middleware?: Middleware[];
  /** Extra request fields (tools, response format, provider options). */
  request?: Partial<ModelRequest>;
  /** Label for the run config and the output cache key, default `provider/model`. */
  name?: string;
}

/** The request `modelTask` sends for a case (exported so batch runs send exactly the same). */
export function requestFor(c: EvalCase, options: ModelTaskOptions, seed: number): ModelRequest {
  const messages: Message[] = [];
  if (options.system) messages.push({ role: "system", content: options.system });
  if (typeof c.input === "string") {
    const p = options.prompt;
    const text =
      typeof p === "function" ? p(c) : typeof p === "string" ? p.replaceAll("{{input}}", c.input) : c.input;
    messages.push({ role: "user", content: text });
  } else messages.push(...c.input);
  return {
    ...options.request,
    messages,
    temperature: options.temperature ?? 0,
    seed,
    ...(options.maxOutputTokens === undefined ? {} : { maxOutputTokens: options.maxOutputTokens }),
    metadata: { ...options.request?.metadata, evalCase: c.id },
  };
}

/**
 * A task that asks a core `Model` (through optional middleware for rate limits, concurrency,
 * retries) and streams the answer so latency and time to first token are measured; cost comes
 * from the model registry's prices when it knows the model.
 */
export function modelTask(model: Model, options: ModelTaskOptions = {}): EvalTask & { label: string } {
  const wrapped = options.middleware?.length ? pipe(model, ...options.middleware) : model;
  const info = modelRegistry.get(model.id);
  const task = async (c: EvalCase, ctx: Parameters<EvalTask>[1]) => {
    const request = requestFor(c, options, ctx.seed);
    const stream = wrapped.stream(request, {
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.context ? { context: ctx.context } : {}),
    });
    const response = await stream.response;
    const cost = costOf(response.usage, info);
    return {
      output: response.text,
      response: {
        usage: response.usage,
        timings: response.timings,
        provider: response.provider,
        model: response.model,
        requestId: response.requestId,
        finishReason: response.finishReason,
      },
      ...(cost ? { costUsd: cost.totalUsd } : {}),
    };
  };
  return Object.assign(task, { label: options.name ?? `${model.provider}/${model.id}` });
}
