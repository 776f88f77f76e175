import { InvalidRequestError } from "../errors.js";
import { events as defaultEvents, type EventHub } from "../events.js";
import type {
  CallOptions,
  Failover,
  Middleware,
  Model,
  ModelRequest,
  ModelResponse,
  ModelStream,
  StreamEvent,
} from "../model.js";
import { wrapModel } from "../pipe.js";
import { isContentEvent } from "../stream/content-event.js";
import { createModelStream } from "../stream/model-stream.js";
import { toKeelError } from "../to-keel-error.js";
import { callerGaveUp } from "./caller-gave-up.js";
import { buildContinuationRequest, type ContinuationBuilder } from "./continuation.js";
import { defaultShouldFallback, type FallbackPolicy, FallbackRoute } from "./fallback-route.js";
import { ContinuationJoiner } from "./overlap.js";

/** Options of `fallback`. */
export interface FallbackOptions {
  /**
   * Whether `to` may take over after `from` failed with `error`. Default `defaultShouldFallback`.
   * Whatever it says, a call is never moved after the caller aborted or its deadline passed, nor
   * to a model whose context window is not larger than one that already ran out of context.
   */
  shouldFallback?: FallbackPolicy;
  /**
   * After any error but context-length-exceeded, try eligible models of another provider than the
   * failed one before those of the same provider, whatever their order in the list. Default true.
   */
  preferOtherProvider?: boolean;
  /** Builds the request that continues a stream that failed mid-way. Default `buildContinuationRequest`. */
  buildContinuation?: ContinuationBuilder;
  /** Where `fallback.taken` events go. Default: the global `events` hub. */
  events?: EventHub;
  /**
   * After an authentication or permission error (a key that is missing, wrong or revoked), move the
   * call to a model of another provider, which has a key of its own. Default false: the error is
   * rethrown, because it is a configuration mistake that every call will hit, and a fallback
   * would hide it behind a slower, dearer model. Set it where availability matters more, and
   * watch `response.failovers` (`errorCode: "authentication"`) and `fallback.taken` events. A model of the same
   * provider shares the key, so it is never tried after such an error.
   */
  fallbackOnAuthError?: boolean;
}

interface FallbackSetup {
  chain: Model[];
  policy: { shouldFallback: FallbackPolicy; preferOtherProvider: boolean };
  buildContinuation: ContinuationBuilder;
  hub: EventHub;
}

/**
 * Moves a failed call to the next suitable model: `pipe(primary, fallback([backupA, backupB]))`.
 * Which model takes over depends on the error (see `defaultShouldFallback`). A stream that fails
 * after text reached the caller continues on the next model from that text, without repeating it.
 * The response lists the hops in `failovers`. When every model fails, the last error is thrown;
 * `fallbackAttempts(error)` lists every failed call.
 */
export function fallback(models: Model[], options: FallbackOptions = {}): Middleware {
  if (!Array.isArray(models))
    throw new InvalidRequestError(
      `fallback: give an array of models, as in fallback([backup]); got ${isModel(models) ? "one model" : typeof models}`,
    );
  if (models.length === 0) throw new InvalidRequestError("fallback: give at least one model to fall back to");
  const notModel = models.findIndex((m) => !isModel(m));
  if (notModel >= 0)
    throw new InvalidRequestError(
      `fallback: models[${notModel}] is not a model (an object with generate and stream methods)`,
    );
  const shouldFallback = options.shouldFallback ?? defaultShouldFallback;
  const base = {
    policy: {
      shouldFallback: options.fallbackOnAuthError ? authAware(shouldFallback) : shouldFallback,
      preferOtherProvider: options.preferOtherProvider ?? true,
    },
    buildContinuation: options.buildContinuation ?? buildContinuationRequest,
    hub: options.events ?? defaultEvents,
  };
  return (primary) => {
    const setup: FallbackSetup = { ...base, chain: [primary, ...models] };
    return wrapModel(primary, {
      generate: (request, callOptions) => generateWithFallback(setup, request, callOptions),
      stream: (request, callOptions) => streamWithFallback(setup, request, callOptions),
    });
  };
}

function isModel(value: unknown): value is Model {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Model).generate === "function" &&
    typeof (value as Model).stream === "function"
  );
}

/** `policy`, except that authentication and permission errors move to another provider's model. */
function authAware(policy: FallbackPolicy): FallbackPolicy {
  return (error, from, to) =>
    error.code === "authentication" || error.code === "permission"
      ? to.provider !== from.provider
      : policy(error, from, to);
}

async function generateWithFallback(
  setup: FallbackSetup,
  request: ModelRequest,
  options: CallOptions | undefined,
): Promise<ModelResponse> {
  const route = new FallbackRoute(setup.chain, setup.policy);
  for (;;) {
    const model = route.current;
    try {
      return withFailovers(await model.generate(request, options), route.failovers);
    } catch (thrown) {
      const error = toKeelError(thrown, model.provider);
      const next = route.choose(error);
      if (!next || callerGaveUp(options)) throw route.giveUp(error);
      route.hop(next, error);
      setup.hub.emit(
        "fallback.taken",
        { from: model.id, to: next.id, error, midStream: false },
        options?.context,
      );
    }
  }
}

function streamWithFallback(
  setup: FallbackSetup,
  request: ModelRequest,
  options: CallOptions | undefined,
): ModelStream {
  const route = new FallbackRoute(setup.chain, setup.policy);
  let served: ModelResponse | undefined;

  async function* produce(signal: AbortSignal): AsyncGenerator<StreamEvent> {
    const delivered = { text: "", content: false, toolCall: false };
    let attemptRequest = request;
    let joiner: ContinuationJoiner | undefined;
    for (;;) {
      const model = route.current;
      const stream = model.stream(attemptRequest, { ...options, signal });
      try {
        for await (const event of stream) {
          if (event.type === "error") throw event.error;
          for (const out of joiner ? joiner.push(event) : [event]) {
            track(delivered, out);
            yield out;
          }
        }
        for (const out of joiner?.end() ?? []) {
          track(delivered, out);
          yield out;
        }
        served = await stream.response;
        return;
      } catch (thrown) {
        const error = toKeelError(thrown, model.provider);
        const next = route.choose(error);
        // A delivered tool call cannot be continued without the caller seeing it twice.
        if (!next || signal.aborted || delivered.toolCall) throw route.giveUp(error);
        // Reasoning alone also counts as mid-stream, but with no text to continue the request is the original.
        const midStream = delivered.content;
        route.hop(next, error, midStream ? delivered.text : undefined);
        setup.hub.emit("fallback.taken", { from: model.id, to: next.id, error, midStream }, options?.context);
        const continuing = delivered.text !== "";
        attemptRequest = continuing ? setup.buildContinuation(request, delivered.text, next) : request;
        joiner = continuing ? new ContinuationJoiner(delivered.text) : undefined;
      }
    }
  }

  return createModelStream(produce, {
    provider: setup.chain[0]!.provider,
    model: setup.chain[0]!.id,
    options,
    // Text, content and timings are what the caller received; the rest describes the model that finished.
    finalize: (received) =>
      served
        ? withFailovers(
            {
              ...served,
              content: received.content,
              text: received.text,
              toolCalls: received.toolCalls,
              timings: received.timings,
            },
            route.failovers,
          )
        : received,
  });
}

function track(delivered: { text: string; content: boolean; toolCall: boolean }, event: StreamEvent): void {
  if (event.type === "text-delta") delivered.text += event.text;
  if (event.type === "tool-call" || event.type === "tool-call-delta") delivered.toolCall = true;
  if (isContentEvent(event)) delivered.content = true;
}

function withFailovers(response: ModelResponse, failovers: Failover[]): ModelResponse {
  if (failovers.length === 0) return response;
  return { ...response, failovers: [...failovers, ...(response.failovers ?? [])] };
}
