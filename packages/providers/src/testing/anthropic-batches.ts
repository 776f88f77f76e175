import { type BatchItem, type ItemOutcome, resolveItem } from "./batch-items.js";
import type { BatchScript } from "./batch-types.js";
import { anthropicErrorBody } from "./error-bodies.js";
import type { BatchReply } from "./openai-batches.js";
import type { RecordedRequest } from "./types.js";

interface MessageBatch {
  object: Record<string, unknown>;
  items: BatchItem[];
  script: BatchScript;
  polls: number;
  results: string | undefined;
}

const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const DAY_MS = 86_400_000;

/** Anthropic's Message Batches API: create, retrieve (poll), cancel, and the JSONL results. */
export class AnthropicBatches {
  readonly #batches = new Map<string, MessageBatch>();
  #ids = 0;

  constructor(
    private readonly nextScript: () => BatchScript,
    private readonly nextSeq: () => number,
    private readonly origin: () => string,
  ) {}

  /** The answer for a Message Batches request, or undefined when the path is not one of them. */
  handle(request: RecordedRequest): BatchReply | undefined {
    const { method, path } = request;
    if (method === "POST" && path === "/v1/messages/batches") return this.#create(request.body);
    const match = /^\/v1\/messages\/batches\/([^/]+)(\/results|\/cancel)?$/.exec(path);
    if (!match) return undefined;
    const id = decodeURIComponent(match[1]!);
    if (method === "GET" && match[2] === undefined) return this.#retrieve(id);
    if (method === "GET" && match[2] === "/results") return this.#results(id);
    if (method === "POST" && match[2] === "/cancel") return this.#cancel(id);
    return undefined;
  }

  polls(batchId: string): number | undefined {
    return this.#batches.get(batchId)?.polls;
  }

  reset(): void {
    this.#batches.clear();
  }

  #create(body: any): BatchReply {
    const requests = body?.requests;
    if (!Array.isArray(requests) || requests.length === 0)
      return invalid("requests: expected a non-empty list of {custom_id, params}");
    const seen = new Set<string>();
    const items: BatchItem[] = [];
    for (const [index, request] of requests.entries()) {
      const customId = request?.custom_id;
      if (typeof customId !== "string" || !CUSTOM_ID.test(customId))
        return invalid(`requests.${index}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
      if (seen.has(customId))
        return invalid(`requests.${index}.custom_id: duplicate custom_id '${customId}'`);
      if (typeof request.params !== "object" || request.params === null)
        return invalid(`requests.${index}.params: Field required`);
      if ("stream" in request.params)
        return invalid(`requests.${index}.params.stream: streaming is not supported in batches`);
      seen.add(customId);
      items.push({ customId, body: request.params });
    }
    const id = `msgbatch_keel${String(++this.#ids).padStart(6, "0")}`;
    const created = Date.now();
    const batch: MessageBatch = {
      object: {
        id,
        type: "message_batch",
        processing_status: "in_progress",
        request_counts: { processing: items.length, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
        ended_at: null,
        created_at: iso(created),
        expires_at: iso(created + DAY_MS),
        archived_at: null,
        cancel_initiated_at: null,
        results_url: null,
      },
      items,
      script: this.nextScript(),
      polls: 0,
      results: undefined,
    };
    this.#batches.set(id, batch);
    return { status: 200, json: batch.object };
  }

  #retrieve(id: string): BatchReply {
    const batch = this.#batches.get(id);
    if (!batch) return notFound(id);
    batch.polls++;
    if (batch.object.processing_status !== "ended" && batch.polls > (batch.script.pollsBeforeEnd ?? 0))
      this.#end(batch);
    return { status: 200, json: batch.object };
  }

  #cancel(id: string): BatchReply {
    const batch = this.#batches.get(id);
    if (!batch) return notFound(id);
    if (batch.object.processing_status === "in_progress")
      Object.assign(batch.object, { processing_status: "canceling", cancel_initiated_at: iso(Date.now()) });
    return { status: 200, json: batch.object };
  }

  #results(id: string): BatchReply {
    const batch = this.#batches.get(id);
    if (!batch) return notFound(id);
    if (batch.results === undefined)
      return invalid(`Batch ${id} has not finished processing; no results yet.`);
    return { status: 200, text: batch.results, contentType: "application/binary" };
  }

  #end(batch: MessageBatch): void {
    const canceling = batch.object.processing_status === "canceling";
    const outcome = canceling ? "cancelled" : (batch.script.outcome ?? "completed");
    const script: BatchScript = { ...batch.script, outcome: outcome === "failed" ? "completed" : outcome };
    const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    const lines = batch.items.map((item) => {
      const result = resultOf(resolveItem(script, item, "anthropic", this.nextSeq()));
      counts[
        result.type === "succeeded" ? "succeeded" : result.type === "errored" ? "errored" : result.type
      ]++;
      return JSON.stringify({ custom_id: item.customId, result });
    });
    // Results come in no particular order; reversing them makes clients prove they match by custom_id.
    batch.results = `${lines.reverse().join("\n")}\n`;
    Object.assign(batch.object, {
      processing_status: "ended",
      request_counts: counts,
      ended_at: iso(Date.now()),
      results_url: `${this.origin()}/v1/messages/batches/${batch.object.id}/results`,
    });
  }
}

function resultOf(outcome: ItemOutcome): {
  type: "succeeded" | "errored" | "canceled" | "expired";
  [key: string]: unknown;
} {
  switch (outcome.kind) {
    case "answer":
      return { type: "succeeded", message: outcome.body };
    case "error":
      return { type: "errored", error: { ...(outcome.body as object), request_id: null } };
    case "expired":
      return { type: "expired" };
    case "canceled":
      return { type: "canceled" };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function notFound(id: string): BatchReply {
  return { status: 404, json: anthropicErrorBody("not_found_error", `message_batch ${id} not found`) };
}

function invalid(message: string): BatchReply {
  return { status: 400, json: anthropicErrorBody("invalid_request_error", message) };
}
