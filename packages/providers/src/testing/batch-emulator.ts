import { AnthropicBatches } from "./anthropic-batches.js";
import { validateBatchScript } from "./batch-items.js";
import type { BatchControl, BatchScript } from "./batch-types.js";
import { type BatchReply, OpenAIBatches } from "./openai-batches.js";
import type { RecordedRequest } from "./types.js";
import type { Wire } from "./wire.js";

/**
 * The batch APIs of the test server: OpenAI Files + Batches and Anthropic Message Batches. Each
 * batch takes the next queued `BatchScript` when it is created; its items are answered when a
 * retrieve (poll) finds it due to end, with the same synthesized bodies live calls get.
 */
export class BatchEmulator implements BatchControl {
  readonly #scripts: BatchScript[] = [];
  readonly #openai: OpenAIBatches;
  readonly #anthropic: AnthropicBatches;
  #seq = 0;

  constructor(origin: () => string) {
    const nextScript = () => this.#scripts.shift() ?? {};
    const nextSeq = () => ++this.#seq;
    this.#openai = new OpenAIBatches(nextScript, nextSeq);
    this.#anthropic = new AnthropicBatches(nextScript, nextSeq, origin);
  }

  enqueue(...scripts: BatchScript[]): void {
    for (const script of scripts) validateBatchScript(script);
    this.#scripts.push(...scripts);
  }

  polls(batchId: string): number {
    return this.#openai.polls(batchId) ?? this.#anthropic.polls(batchId) ?? 0;
  }

  reset(): void {
    this.#scripts.length = 0;
    this.#openai.reset();
    this.#anthropic.reset();
  }

  /**
   * Answers a batch-API request and returns true; false when the request is for another route.
   * `seq` numbers the request id header, as on every other answer of the server.
   */
  respond(wire: Wire, request: RecordedRequest, raw: string, seq: number): boolean {
    const reply = this.#openai.handle(request, raw) ?? this.#anthropic.handle(request);
    if (!reply) return false;
    const id = `req_keel${String(seq).padStart(8, "0")}`;
    send(
      wire,
      reply,
      request.path.startsWith("/v1/messages/") ? { "request-id": id } : { "x-request-id": id },
    );
    return true;
  }
}

function send(wire: Wire, reply: BatchReply, headers: Record<string, string>): void {
  if ("json" in reply) wire.json(reply.status, headers, reply.json);
  else wire.send(reply.status, { "content-type": reply.contentType, ...headers }, reply.text);
}
