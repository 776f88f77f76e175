import type { Message } from "@anthropic-ai/sdk/resources/messages";
import type { MessageBatch, MessageBatchResult } from "@anthropic-ai/sdk/resources/messages/batches";
import { AbortedError, type KeelError, type ModelResponse, OutputParseError, TimeoutError } from "@keel/core";
import { errorFromHttp, toKeelError } from "@keel/core/provider";
import { toAnthropicKeelError } from "../anthropic/errors.js";
import { anthropicModelTraits } from "../anthropic/model-traits.js";
import { type AnthropicRequestContext, toAnthropicRequest } from "../anthropic/request-body.js";
import { toModelResponse } from "../anthropic/response.js";
import { Anthropic } from "../anthropic/sdk.js";
import type { AnthropicSettings } from "../anthropic/settings.js";
import { checkBatchRequests, inInputOrder, mapRequest } from "./batch-results.js";
import { pollUntilEnded } from "./poll.js";
import type {
  BatchClient,
  BatchHandle,
  BatchRequest,
  BatchResult,
  SubmitOptions,
  WaitOptions,
} from "./types.js";

const PROVIDER = "anthropic";
const MAX_REQUESTS = 100_000;
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Runs Messages requests for one Claude model through Anthropic's Message Batches API: each
 * request is mapped exactly as `anthropic()` maps it, the batch is polled until its
 * `processing_status` is `ended`, and each result line (succeeded / errored / canceled / expired)
 * is matched back by `custom_id` and mapped exactly as a live `generate` answer.
 */
export function anthropicBatch(modelId: string, settings: AnthropicSettings = {}): BatchClient {
  const client =
    settings.client ??
    new Anthropic({
      ...(settings.apiKey !== undefined ? { apiKey: settings.apiKey } : {}),
      ...(settings.baseURL !== undefined ? { baseURL: settings.baseURL } : {}),
      ...(settings.fetch !== undefined ? { fetch: settings.fetch as never } : {}),
      maxRetries: 0,
      ...(settings.timeoutMs !== undefined ? { timeout: settings.timeoutMs } : {}),
    });
  const context: AnthropicRequestContext = { modelId, traits: anthropicModelTraits(modelId), settings };
  const headers = {
    ...settings.headers,
    ...(settings.apiVersion !== undefined ? { "anthropic-version": settings.apiVersion } : {}),
  };
  const requestOptions = (signal: AbortSignal | undefined) => ({
    maxRetries: 0,
    ...(signal ? { signal } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
  });

  async function submitBatch(requests: BatchRequest[], options: SubmitOptions = {}): Promise<BatchHandle> {
    checkBatchRequests(requests, PROVIDER, {
      maxRequests: MAX_REQUESTS,
      idPattern: CUSTOM_ID,
      idRule: "Anthropic takes 1-64 letters, digits, '_' and '-'",
    });
    const jsonToolNames: Record<string, string> = {};
    const params = requests.map(({ id, request }) => {
      const plan = mapRequest(id, PROVIDER, () => toAnthropicRequest(request, context, false));
      if (plan.jsonToolName !== undefined) jsonToolNames[id] = plan.jsonToolName;
      return { custom_id: id, params: plan.body as never };
    });
    try {
      const batch = await client.messages.batches.create(
        { requests: params },
        requestOptions(options.signal),
      );
      return {
        provider: PROVIDER,
        batchId: batch.id,
        model: modelId,
        ids: requests.map((r) => r.id),
        ...(Object.keys(jsonToolNames).length > 0 ? { jsonToolNames } : {}),
      };
    } catch (error) {
      throw toAnthropicKeelError(error, options.signal);
    }
  }

  async function waitForBatch(handle: BatchHandle, options: WaitOptions = {}): Promise<BatchResult[]> {
    const batch = await pollUntilEnded(
      PROVIDER,
      handle.batchId,
      async (signal) => {
        let b: MessageBatch;
        try {
          b = await client.messages.batches.retrieve(handle.batchId, {}, requestOptions(signal));
        } catch (error) {
          throw toAnthropicKeelError(error, signal);
        }
        const c = b.request_counts;
        const failed = c.errored + c.canceled + c.expired;
        return {
          value: b,
          status: b.processing_status,
          ended: b.processing_status === "ended",
          counts: { done: c.succeeded + failed, failed, total: c.processing + c.succeeded + failed },
        };
      },
      options,
    );
    const timings = {
      totalMs: Math.max(0, Date.parse(batch.ended_at ?? batch.created_at) - Date.parse(batch.created_at)),
    };
    const found = new Map<string, Omit<BatchResult, "id">>();
    try {
      const results = await client.messages.batches.results(
        handle.batchId,
        {},
        requestOptions(options.signal),
      );
      for await (const line of results)
        found.set(line.custom_id, resultOf(line.custom_id, line.result, modelId, handle, timings));
    } catch (error) {
      throw toAnthropicKeelError(error, options.signal);
    }
    return inInputOrder(
      handle,
      found,
      (id) =>
        new OutputParseError(
          `${PROVIDER} batch ${batch.id} ended without a result for ${JSON.stringify(id)}`,
          {
            provider: PROVIDER,
          },
        ),
    );
  }

  async function cancelBatch(handle: BatchHandle, options: { signal?: AbortSignal } = {}): Promise<void> {
    try {
      await client.messages.batches.cancel(handle.batchId, {}, requestOptions(options.signal));
    } catch (error) {
      throw toAnthropicKeelError(error, options.signal);
    }
  }

  return { provider: PROVIDER, model: modelId, submitBatch, waitForBatch, cancelBatch };
}

/** One result line as a response or a typed error, mapped as `anthropic().generate` maps a live answer. */
function resultOf(
  id: string,
  result: MessageBatchResult,
  modelId: string,
  handle: BatchHandle,
  timings: ModelResponse["timings"],
): Omit<BatchResult, "id"> {
  switch (result.type) {
    case "succeeded": {
      try {
        const jsonToolName = handle.jsonToolNames?.[id];
        const response = toModelResponse(result.message as Message, {
          requestedModel: modelId,
          startedAt: Date.now(),
          ...(jsonToolName !== undefined ? { jsonToolName } : {}),
        });
        return { response: { ...response, timings } };
      } catch (error) {
        return { error: toKeelError(error, PROVIDER) };
      }
    }
    case "errored":
      return { error: errorFromHttp(undefined, result.error, undefined, PROVIDER) };
    case "canceled":
      return { error: notRun(id, "the batch was cancelled before it ran", AbortedError) };
    case "expired":
      return {
        error: notRun(id, "it did not run within the batch's 24 h window; submit it again", TimeoutError),
      };
    default:
      return {
        error: new OutputParseError(
          `${PROVIDER} batch result for ${JSON.stringify(id)} has an unknown type ${JSON.stringify((result as { type: unknown }).type)}`,
          { provider: PROVIDER, body: result },
        ),
      };
  }
}

function notRun(id: string, why: string, ErrorClass: typeof AbortedError | typeof TimeoutError): KeelError {
  return new ErrorClass(`${PROVIDER} batch request ${JSON.stringify(id)}: ${why}`, { provider: PROVIDER });
}
