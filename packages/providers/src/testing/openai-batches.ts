import { type BatchItem, type ItemOutcome, resolveItem } from "./batch-items.js";
import type { BatchScript } from "./batch-types.js";
import { openaiErrorBody } from "./error-bodies.js";
import { parseMultipart } from "./multipart.js";
import type { RecordedRequest } from "./types.js";

/** An answer for the router to send: JSON, or raw file bytes. */
export type BatchReply =
  | { status: number; json: unknown }
  | { status: number; text: string; contentType: string };

interface StoredFile {
  object: {
    id: string;
    object: "file";
    bytes: number;
    created_at: number;
    filename: string;
    purpose: string;
    status: "processed";
    expires_at: number | null;
    status_details: null;
  };
  content: string;
}

interface OpenAIBatch {
  object: Record<string, unknown>;
  items: BatchItem[];
  script: BatchScript;
  errors: Array<{ code: string; message: string; param: string | null; line: number | null }>;
  polls: number;
  cancelRequested: boolean;
}

const DAY_S = 86_400;
const TERMINAL = new Set(["completed", "failed", "expired", "cancelled"]);

/** OpenAI's Files (multipart upload, content download) and Batch APIs, as far as batches need them. */
export class OpenAIBatches {
  readonly #files = new Map<string, StoredFile>();
  readonly #batches = new Map<string, OpenAIBatch>();
  #ids = 0;

  constructor(
    private readonly nextScript: () => BatchScript,
    private readonly nextSeq: () => number,
  ) {}

  /** The answer for a Files / Batches request, or undefined when the path is not one of them. */
  handle(request: RecordedRequest, raw: string): BatchReply | undefined {
    const { method, path } = request;
    if (method === "POST" && /^\/v1\/files$/.test(path)) return this.#upload(request, raw);
    const content = /^\/v1\/files\/([^/]+)\/content$/.exec(path);
    if (method === "GET" && content) return this.#download(decodeURIComponent(content[1]!));
    if (method === "POST" && path === "/v1/batches") return this.#create(request.body);
    const batch = /^\/v1\/batches\/([^/]+)(\/cancel)?$/.exec(path);
    if (batch && method === "GET" && !batch[2]) return this.#retrieve(decodeURIComponent(batch[1]!));
    if (batch && method === "POST" && batch[2]) return this.#cancel(decodeURIComponent(batch[1]!));
    return undefined;
  }

  polls(batchId: string): number | undefined {
    return this.#batches.get(batchId)?.polls;
  }

  reset(): void {
    this.#files.clear();
    this.#batches.clear();
  }

  #upload(request: RecordedRequest, raw: string): BatchReply {
    const parts = parseMultipart(raw, request.headers["content-type"]);
    const file = parts.find((p) => p.name === "file");
    const purpose = parts.find((p) => p.name === "purpose")?.content;
    if (!file || !purpose) return invalid("a file upload needs `file` and `purpose` fields", "file");
    const id = `file-keel${String(++this.#ids).padStart(6, "0")}`;
    const stored = this.#store(id, file.filename ?? "upload", purpose, file.content);
    return { status: 200, json: stored.object };
  }

  #store(id: string, filename: string, purpose: string, content: string): StoredFile {
    const createdAt = now();
    const stored: StoredFile = {
      object: {
        id,
        object: "file",
        bytes: Buffer.byteLength(content),
        created_at: createdAt,
        filename,
        purpose,
        status: "processed",
        expires_at: purpose === "batch" ? createdAt + 30 * DAY_S : null,
        status_details: null,
      },
      content,
    };
    this.#files.set(id, stored);
    return stored;
  }

  #download(id: string): BatchReply {
    const file = this.#files.get(id);
    if (!file) return notFound(`No such File object: ${id}`);
    return { status: 200, text: file.content, contentType: "application/octet-stream" };
  }

  #create(body: any): BatchReply {
    const file = this.#files.get(body?.input_file_id);
    if (!file) return notFound(`No such File object: ${body?.input_file_id}`);
    if (body.endpoint !== "/v1/chat/completions")
      return invalid(
        `keel test server: only /v1/chat/completions batches are emulated, got ${body.endpoint}`,
        "endpoint",
      );
    if (body.completion_window !== "24h")
      return invalid("completion_window must be '24h'", "completion_window");
    const { items, errors } = parseInput(file.content, body.endpoint);
    const id = `batch_keel${String(++this.#ids).padStart(6, "0")}`;
    const createdAt = now();
    const batch: OpenAIBatch = {
      object: {
        id,
        object: "batch",
        endpoint: body.endpoint,
        model: items[0]?.body?.model ?? null,
        errors: null,
        input_file_id: body.input_file_id,
        completion_window: "24h",
        status: "validating",
        output_file_id: null,
        error_file_id: null,
        created_at: createdAt,
        in_progress_at: null,
        expires_at: createdAt + DAY_S,
        finalizing_at: null,
        completed_at: null,
        failed_at: null,
        expired_at: null,
        cancelling_at: null,
        cancelled_at: null,
        request_counts: { total: items.length, completed: 0, failed: 0 },
        metadata: body.metadata ?? null,
      },
      items,
      script: this.nextScript(),
      errors,
      polls: 0,
      cancelRequested: false,
    };
    this.#batches.set(id, batch);
    return { status: 200, json: batch.object };
  }

  #retrieve(id: string): BatchReply {
    const batch = this.#batches.get(id);
    if (!batch) return notFound(`No batch found with id '${id}'.`);
    batch.polls++;
    const status = batch.object.status as string;
    if (!TERMINAL.has(status)) {
      if (batch.polls > (batch.script.pollsBeforeEnd ?? 0)) this.#end(batch);
      else if (status === "validating")
        Object.assign(batch.object, { status: "in_progress", in_progress_at: now() });
    }
    return { status: 200, json: batch.object };
  }

  #cancel(id: string): BatchReply {
    const batch = this.#batches.get(id);
    if (!batch) return notFound(`No batch found with id '${id}'.`);
    if (TERMINAL.has(batch.object.status as string))
      return invalid(`Cannot cancel a batch with status '${batch.object.status}'.`, null);
    batch.cancelRequested = true;
    Object.assign(batch.object, { status: "cancelling", cancelling_at: now() });
    return { status: 200, json: batch.object };
  }

  /** Runs every item and writes the output and error files, as the batch's end requires. */
  #end(batch: OpenAIBatch): void {
    const at = now();
    const outcome = batch.cancelRequested ? "cancelled" : (batch.script.outcome ?? "completed");
    if (outcome === "failed" || batch.errors.length > 0) {
      const errors =
        batch.errors.length > 0
          ? batch.errors
          : [invalidLine("invalid_request", "The batch input file is invalid.", 1)];
      Object.assign(batch.object, {
        status: "failed",
        failed_at: at,
        errors: { object: "list", data: errors },
      });
      return;
    }
    const script: BatchScript = { ...batch.script, outcome };
    const output: string[] = [];
    const failures: string[] = [];
    for (const item of batch.items) {
      const seq = this.nextSeq();
      const line = outputLine(item, resolveItem(script, item, "openai", seq), seq);
      if (line?.ok) output.push(line.text);
      else if (line) failures.push(line.text);
    }
    const base = String(batch.object.id).replace(/^batch_/, "");
    const outputId =
      output.length > 0
        ? this.#store(`file-out-${base}`, "batch_output.jsonl", "batch_output", jsonl(output)).object.id
        : null;
    const errorId =
      failures.length > 0
        ? this.#store(`file-err-${base}`, "batch_errors.jsonl", "batch_output", jsonl(failures)).object.id
        : null;
    Object.assign(batch.object, {
      status: outcome,
      in_progress_at: batch.object.in_progress_at ?? at,
      finalizing_at: at,
      ...(outcome === "completed"
        ? { completed_at: at }
        : outcome === "expired"
          ? { expired_at: at }
          : { cancelled_at: at }),
      output_file_id: outputId,
      error_file_id: errorId,
      request_counts: { total: batch.items.length, completed: output.length, failed: failures.length },
    });
  }
}

/** One line of the output (ok) or error file; cancelled items that never ran get no line. */
function outputLine(
  item: BatchItem,
  outcome: ItemOutcome,
  seq: number,
): { ok: boolean; text: string } | undefined {
  const id = `batch_req_keel${seq}`;
  const requestId = `req_keelbatch${seq}`;
  switch (outcome.kind) {
    case "answer":
      return {
        ok: true,
        text: JSON.stringify({
          id,
          custom_id: item.customId,
          response: { status_code: 200, request_id: requestId, body: outcome.body },
          error: null,
        }),
      };
    case "error":
      return {
        ok: false,
        text: JSON.stringify({
          id,
          custom_id: item.customId,
          response: { status_code: outcome.status, request_id: requestId, body: outcome.body },
          error: null,
        }),
      };
    case "expired":
      return {
        ok: false,
        text: JSON.stringify({
          id,
          custom_id: item.customId,
          response: null,
          error: {
            code: "batch_expired",
            message: "This request could not be executed before the completion window expired.",
          },
        }),
      };
    case "canceled":
      return undefined;
  }
}

/** Reads the JSONL input: each line `{custom_id, method: "POST", url, body}`; problems become batch errors. */
function parseInput(content: string, endpoint: string) {
  const items: BatchItem[] = [];
  const errors: OpenAIBatch["errors"] = [];
  const seen = new Set<string>();
  content.split("\n").forEach((text, index) => {
    if (text.trim() === "") return;
    const line = index + 1;
    let parsed: any;
    try {
      parsed = JSON.parse(text);
    } catch {
      errors.push(invalidLine("invalid_json_line", "This line is not parseable as valid JSON.", line));
      return;
    }
    if (typeof parsed?.custom_id !== "string")
      errors.push(invalidLine("missing_required_parameter", "custom_id is required.", line));
    else if (seen.has(parsed.custom_id))
      errors.push(
        invalidLine(
          "duplicate_custom_id",
          `The custom_id '${parsed.custom_id}' is used more than once.`,
          line,
        ),
      );
    else if (parsed.method !== "POST" || parsed.url !== endpoint)
      errors.push(
        invalidLine(
          "mismatched_endpoint",
          `The url '${parsed.url}' does not match the batch endpoint ${endpoint}.`,
          line,
        ),
      );
    else {
      seen.add(parsed.custom_id);
      items.push({ customId: parsed.custom_id, body: parsed.body });
    }
  });
  if (items.length === 0 && errors.length === 0)
    errors.push(invalidLine("empty_file", "The input file has no requests.", null));
  return { items, errors };
}

function invalidLine(code: string, message: string, line: number | null) {
  return { code, message, param: null, line };
}

function jsonl(lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function notFound(message: string): BatchReply {
  return { status: 404, json: openaiErrorBody(message, "invalid_request_error") };
}

function invalid(message: string, param: string | null): BatchReply {
  return { status: 400, json: openaiErrorBody(message, "invalid_request_error", null, param) };
}
