import {
  AbortedError,
  InvalidRequestError,
  type KeelError,
  type ModelResponse,
  OutputParseError,
  TimeoutError,
} from "@keel/core";
import { errorFromHttp, ResponseAccumulator, toKeelError } from "@keel/core/provider";
import type { Batch } from "openai/resources/batches";
import type { ChatCompletion } from "openai/resources/chat/completions";
import type { SystemMessageRole } from "../openai/chat-messages.js";
import { toChatBody } from "../openai/chat-request-body.js";
import { chatCompletionEvents } from "../openai/chat-stream-mapper.js";
import { PROVIDER, toOpenAIError } from "../openai/errors.js";
import { toFile } from "../openai/sdk.js";
import { lazyClient, type OpenAISettings } from "../openai/settings.js";
import { checkBatchRequests, inInputOrder, mapRequest, parseJsonl } from "./batch-results.js";
import { pollUntilEnded } from "./poll.js";
import type {
  BatchClient,
  BatchHandle,
  BatchRequest,
  BatchResult,
  SubmitOptions,
  WaitOptions,
} from "./types.js";

/** Settings of an OpenAI batch client: how to reach OpenAI, and the system-message role as for `openai()`. */
export interface OpenAIBatchSettings extends OpenAISettings {
  systemMessageRole?: SystemMessageRole;
}

const ENDPOINT = "/v1/chat/completions";
const MAX_REQUESTS = 50_000;
const MAX_FILE_BYTES = 200 * 1024 * 1024;
const ENDED = new Set(["completed", "failed", "expired", "cancelled"]);

/** One line of a batch output or error file. */
interface OutputLine {
  custom_id?: string;
  response?: { status_code: number; request_id?: string | null; body: unknown } | null;
  error?: { code?: string | null; message?: string | null } | null;
}

/**
 * Runs Chat Completions requests for one model through OpenAI's Batch API: the requests are
 * mapped exactly as `openai()` maps them, uploaded as a JSONL file (purpose `batch`), and run
 * within 24 hours; the output and error files are read back and each line is mapped exactly as
 * a live `generate` answer.
 */
export function openaiBatch(modelId: string, settings: OpenAIBatchSettings = {}): BatchClient {
  const client = lazyClient(settings);
  const bodyOptions = {
    stream: false as const,
    ...(settings.systemMessageRole ? { systemMessageRole: settings.systemMessageRole } : {}),
  };

  async function submitBatch(requests: BatchRequest[], options: SubmitOptions = {}): Promise<BatchHandle> {
    checkBatchRequests(requests, PROVIDER, { maxRequests: MAX_REQUESTS });
    const lines = requests.map(({ id, request }) =>
      JSON.stringify({
        custom_id: id,
        method: "POST",
        url: ENDPOINT,
        body: mapRequest(id, PROVIDER, () => toChatBody(modelId, request, bodyOptions)),
      }),
    );
    const jsonl = `${lines.join("\n")}\n`;
    const bytes = new TextEncoder().encode(jsonl);
    if (bytes.byteLength > MAX_FILE_BYTES)
      throw new InvalidRequestError(
        `${PROVIDER} batch: the input file is ${bytes.byteLength} bytes, over the 200 MB limit; split the batch`,
        { provider: PROVIDER },
      );
    const { signal } = options;
    try {
      const file = await client().files.create(
        { file: await toFile(bytes, "keel-batch.jsonl", { type: "application/jsonl" }), purpose: "batch" },
        { signal },
      );
      const batch = await client().batches.create(
        {
          input_file_id: file.id,
          endpoint: ENDPOINT,
          completion_window: "24h",
          ...(options.metadata ? { metadata: options.metadata } : {}),
        },
        { signal },
      );
      return { provider: PROVIDER, batchId: batch.id, model: modelId, ids: requests.map((r) => r.id) };
    } catch (error) {
      throw toOpenAIError(error, signal);
    }
  }

  async function waitForBatch(handle: BatchHandle, options: WaitOptions = {}): Promise<BatchResult[]> {
    const batch = await pollUntilEnded(
      PROVIDER,
      handle.batchId,
      async (signal) => {
        const b = await client()
          .batches.retrieve(handle.batchId, { signal })
          .catch((error: unknown) => Promise.reject(toOpenAIError(error, signal)));
        const counts = b.request_counts;
        return {
          value: b,
          status: b.status,
          ended: ENDED.has(b.status),
          ...(counts
            ? {
                counts: {
                  done: counts.completed + counts.failed,
                  failed: counts.failed,
                  total: counts.total,
                },
              }
            : {}),
        };
      },
      options,
    );
    if (batch.status === "failed") throw failedBatchError(batch, handle);
    const timings = {
      totalMs: Math.max(0, ((endedAt(batch) ?? batch.created_at) - batch.created_at) * 1000),
    };
    const found = new Map<string, Omit<BatchResult, "id">>();
    for (const [fileId, source] of [
      [batch.output_file_id, "the output file"],
      [batch.error_file_id, "the error file"],
    ] as const) {
      if (!fileId) continue;
      let text: string;
      try {
        text = await (await client().files.content(fileId, { signal: options.signal })).text();
      } catch (error) {
        throw toOpenAIError(error, options.signal);
      }
      for (const line of parseJsonl(text, PROVIDER, `${source} ${fileId}`) as OutputLine[]) {
        if (typeof line?.custom_id !== "string")
          throw new OutputParseError(`${PROVIDER}: a line of ${source} ${fileId} has no custom_id`, {
            provider: PROVIDER,
            body: line,
          });
        found.set(line.custom_id, lineResult(line, modelId, timings));
      }
    }
    return inInputOrder(handle, found, (id) => missingResult(batch, id));
  }

  async function cancelBatch(handle: BatchHandle, options: { signal?: AbortSignal } = {}): Promise<void> {
    try {
      await client().batches.cancel(handle.batchId, { signal: options.signal });
    } catch (error) {
      throw toOpenAIError(error, options.signal);
    }
  }

  return { provider: PROVIDER, model: modelId, submitBatch, waitForBatch, cancelBatch };
}

/** One output/error line as a response or a typed error, mapped as `openai().generate` maps a live answer. */
function lineResult(
  line: OutputLine,
  modelId: string,
  timings: ModelResponse["timings"],
): Omit<BatchResult, "id"> {
  const response = line.response;
  if (response && response.status_code >= 200 && response.status_code < 300) {
    try {
      const acc = new ResponseAccumulator(PROVIDER, modelId);
      for (const event of chatCompletionEvents(
        response.body as ChatCompletion,
        response.request_id ?? undefined,
      ))
        acc.add(event);
      return { response: { ...acc.finish(), timings } };
    } catch (error) {
      return { error: toKeelError(error, PROVIDER) };
    }
  }
  if (response) return { error: errorFromHttp(response.status_code, response.body, undefined, PROVIDER) };
  if (line.error?.code === "batch_expired")
    return { error: expired(line.custom_id!, line.error.message ?? undefined) };
  if (line.error) return { error: errorFromHttp(undefined, { error: line.error }, undefined, PROVIDER) };
  return {
    error: new OutputParseError(
      `${PROVIDER}: the result line for ${JSON.stringify(line.custom_id)} has neither response nor error`,
      {
        provider: PROVIDER,
        body: line,
      },
    ),
  };
}

function expired(id: string, detail?: string): KeelError {
  return new TimeoutError(
    `${PROVIDER} batch request ${JSON.stringify(id)} expired: it did not run within the batch's 24 h window${detail ? ` (${detail})` : ""}; submit it again`,
    { provider: PROVIDER },
  );
}

/** The error of a request that has no result line: never run (expired / cancelled), or lost. */
function missingResult(batch: Batch, id: string): KeelError {
  if (batch.status === "expired") return expired(id);
  if (batch.status === "cancelled")
    return new AbortedError(
      `${PROVIDER} batch request ${JSON.stringify(id)} did not run: batch ${batch.id} was cancelled`,
      {
        provider: PROVIDER,
      },
    );
  return new OutputParseError(
    `${PROVIDER} batch ${batch.id} ${batch.status} without a result line for ${JSON.stringify(id)}`,
    {
      provider: PROVIDER,
    },
  );
}

/** A batch whose input failed validation: one error naming the failing lines' request ids. */
function failedBatchError(batch: Batch, handle: BatchHandle): KeelError {
  const problems = (batch.errors?.data ?? []).map((e) => {
    const id = typeof e.line === "number" ? handle.ids[e.line - 1] : undefined;
    return `${id !== undefined ? `request ${JSON.stringify(id)}: ` : ""}${e.code ?? "error"}: ${e.message ?? ""}`.trim();
  });
  return errorFromHttp(
    400,
    {
      error: {
        message: `batch ${batch.id} failed: ${problems.join("; ") || "no reason given"}`,
        type: "invalid_request_error",
      },
    },
    undefined,
    PROVIDER,
  );
}

function endedAt(batch: Batch): number | undefined {
  return batch.completed_at ?? batch.expired_at ?? batch.cancelled_at ?? batch.failed_at ?? undefined;
}
