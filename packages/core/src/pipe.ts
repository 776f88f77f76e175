import type { Middleware, Model } from "./model.js";

/**
 * Wraps a model in middleware. The first middleware sits closest to the model:
 * `pipe(model, retry(), timeout())` puts one timeout around all retries.
 */
export function pipe(model: Model, ...middleware: Middleware[]): Model {
  let wrapped = model;
  for (const mw of middleware) wrapped = mw(wrapped);
  return wrapped;
}

/** A model that forwards to `next` except where overridden; the base for writing middleware. */
export function wrapModel(next: Model, overrides: Partial<Pick<Model, "generate" | "stream" | "id">>): Model {
  return {
    provider: next.provider,
    id: overrides.id ?? next.id,
    capabilities: next.capabilities,
    generate: overrides.generate ?? ((req, opts) => next.generate(req, opts)),
    stream: overrides.stream ?? ((req, opts) => next.stream(req, opts)),
  };
}
