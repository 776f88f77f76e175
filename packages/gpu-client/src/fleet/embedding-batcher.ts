import { type CallOptions, type EmbeddingResult, InvalidRequestError } from "@keel/core";

/** Options of the embedding micro-batcher. */
export interface EmbeddingBatchOptions {
  /** Most texts in one request. Default 64. */
  maxBatchSize?: number;
  /** Longest a text waits for others to share its request, ms. Default 5. */
  maxWaitMs?: number;
}

interface Pending {
  texts: string[];
  resolve: (result: EmbeddingResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Client-side micro-batching: concurrent `embed` calls are gathered into requests of at most
 * `maxBatchSize` texts, sent when a batch is full or its oldest text has waited `maxWaitMs`.
 * A call larger than a batch is split; each caller gets its own vectors back, in order. A batch
 * that fails fails every call in it.
 */
export class EmbeddingBatcher {
  readonly maxBatchSize: number;
  readonly #maxWaitMs: number;
  readonly #send: (texts: string[], options: CallOptions | undefined) => Promise<EmbeddingResult>;
  #pending: { text: string; owner: Pending; index: number }[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    options: EmbeddingBatchOptions,
    send: (texts: string[], options: CallOptions | undefined) => Promise<EmbeddingResult>,
  ) {
    this.maxBatchSize = options.maxBatchSize ?? 64;
    this.#maxWaitMs = options.maxWaitMs ?? 5;
    if (!Number.isInteger(this.maxBatchSize) || this.maxBatchSize < 1)
      throw new InvalidRequestError(
        `embedding batching: maxBatchSize must be a positive integer, got ${options.maxBatchSize}`,
      );
    if (!(this.#maxWaitMs >= 0))
      throw new InvalidRequestError(`embedding batching: maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
    this.#send = send;
  }

  /** Embeds texts, sharing requests with other concurrent calls. */
  embed(texts: string[], options?: CallOptions): Promise<EmbeddingResult> {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== "string"))
      return Promise.reject(new InvalidRequestError("embed: texts must be an array of strings"));
    if (texts.length === 0) return Promise.resolve({ embeddings: [] });
    return new Promise<EmbeddingResult>((resolve, reject) => {
      const owner: Pending = { texts, resolve, reject };
      const vectors = new Array<number[]>(texts.length);
      let left = texts.length;
      let tokens = 0;
      let failed = false;
      // Each text resolves its slot; the call resolves when all its texts have vectors.
      owner.resolve = (result) => {
        tokens += result.usage?.inputTokens ?? 0;
        if (--left === 0) resolve({ embeddings: vectors, usage: { inputTokens: tokens } });
      };
      owner.reject = (error) => {
        if (failed) return;
        failed = true;
        reject(error);
      };
      texts.forEach((text, index) => {
        const slot: Pending = {
          texts,
          reject: (error) => owner.reject(error),
          resolve: (r) => {
            vectors[index] = r.embeddings[0]!;
            owner.resolve(r);
          },
        };
        this.#pending.push({ text, owner: slot, index });
      });
      options?.signal?.addEventListener("abort", () => owner.reject(options.signal!.reason), { once: true });
      while (this.#pending.length >= this.maxBatchSize) this.#flush();
      if (this.#pending.length > 0 && !this.#timer)
        this.#timer = setTimeout(() => this.#flush(), this.#maxWaitMs);
    });
  }

  /** Sends the oldest batch. It carries no caller's signal: one caller giving up must not fail the others. */
  #flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#pending.splice(0, this.maxBatchSize);
    if (batch.length === 0) return;
    if (this.#pending.length > 0) this.#timer = setTimeout(() => this.#flush(), this.#maxWaitMs);
    this.#send(
      batch.map((b) => b.text),
      undefined,
    ).then(
      (result) => {
        // Token usage is per request; share it out by text so every caller's figures add up.
        const perText = (result.usage?.inputTokens ?? 0) / batch.length;
        for (let i = 0; i < batch.length; i++)
          batch[i]!.owner.resolve({ embeddings: [result.embeddings[i]!], usage: { inputTokens: perText } });
      },
      (error) => {
        for (const b of batch) b.owner.reject(error);
      },
    );
  }
}
