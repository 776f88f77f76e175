import { events as defaultEvents, type EventHub } from "../events.js";
import type { CallOptions, Middleware, Model, ModelRequest } from "../model.js";
import { wrapModel } from "../pipe.js";
import { createModelStream } from "../stream/model-stream.js";
import { ResidencyRefusedError } from "./guard-errors.js";

/** The request metadata key that marks a request as sensitive. */
export const SENSITIVE_KEY = "keel.sensitive";

/** A copy of `request` marked sensitive: only approved models may receive it. */
export function markSensitive(request: ModelRequest): ModelRequest {
  return { ...request, metadata: { ...request.metadata, [SENSITIVE_KEY]: "true" } };
}

/** True when `request` was marked sensitive. */
export function isSensitive(request: ModelRequest): boolean {
  return request.metadata?.[SENSITIVE_KEY] === "true";
}

export interface ResidencyOptions {
  /** Whether a sensitive request counts as such. Default `isSensitive` (the metadata mark). */
  sensitive?: (request: ModelRequest, options: CallOptions | undefined) => boolean;
  /** Where `residency.refused` events go. Default: the global `events` hub. */
  events?: EventHub;
}

/**
 * Marks a model as not approved for sensitive data (a hosted API outside your jurisdiction):
 * `pipe(hostedModel, notApprovedForSensitive())`. A sensitive request to it fails with
 * `ResidencyRefusedError` before anything is sent, so `fallback` moves on to the next model
 * and a hedge to it never leaves the process; a continuation after a mid-stream failure carries
 * the same mark and is refused the same way. Requests not marked sensitive pass unchanged.
 */
export function notApprovedForSensitive(options: ResidencyOptions = {}): Middleware {
  const sensitive = options.sensitive ?? ((request: ModelRequest) => isSensitive(request));
  const hub = options.events ?? defaultEvents;
  return (next) => {
    const refuse = (request: ModelRequest, callOptions: CallOptions | undefined) => {
      if (!sensitive(request, callOptions)) return undefined;
      hub.emit("residency.refused", { model: next.id, provider: next.provider }, callOptions?.context);
      return new ResidencyRefusedError(next.id, next.provider);
    };
    return wrapModel(next, {
      generate: (request, callOptions) => {
        const refused = refuse(request, callOptions);
        return refused ? Promise.reject(refused) : next.generate(request, callOptions);
      },
      stream: (request, callOptions) => {
        const refused = refuse(request, callOptions);
        if (!refused) return next.stream(request, callOptions);
        return createModelStream(
          // biome-ignore lint/correctness/useYield: the stream fails before its first event
          async function* () {
            throw refused;
          },
          { provider: next.provider, model: next.id, ...(callOptions ? { options: callOptions } : {}) },
        );
      },
    });
  };
}

/**
 * Wraps every model in `models` for which `approved(model)` is false with
 * `notApprovedForSensitive`, e.g. `fallback(onlyApprovedForSensitive([vllm, openai], m => m.provider === "vllm"))`.
 */
export function onlyApprovedForSensitive(
  models: Model[],
  approved: (model: Model) => boolean,
  options: ResidencyOptions = {},
): Model[] {
  const gate = notApprovedForSensitive(options);
  return models.map((m) => (approved(m) ? m : gate(m)));
}
