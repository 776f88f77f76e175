import { type CallContext, type EventHub, InvalidRequestError, type Message, type Model } from "@keel/core";
import {
  type ContextStrategy,
  dropMiddle,
  type FitReport,
  fitToBudget,
  summarizeMiddle,
} from "@keel/core/context";

/** Options of `WorkingMemory`. */
export interface WorkingMemoryOptions {
  /** The most input tokens the context it builds may have. */
  maxTokens: number;
  /** Whose token rules to count with. Default "gpt-4o". */
  model?: string | { id: string; provider?: string };
  /** Writes a summary of older turns when over budget (core's `summarizeMiddle`); without it they are dropped (`dropMiddle`). */
  summarizer?: Model;
  /** Most recent turns never summarized or dropped. Default 4. */
  keepRecent?: number;
  /** The system prompt, always kept. */
  system?: string;
  /** Where `context.truncated` events go. Default core's process-wide hub. */
  events?: EventHub;
  /** Copied onto the events. */
  context?: CallContext;
}

/** A working memory as JSON, to persist a task (e.g. with a `StateStore`) and resume it. */
export interface WorkingMemorySnapshot {
  format: "keel.working-memory";
  version: 1;
  messages: Message[];
  pinned: Array<[string, string]>;
  scratchpad: Record<string, unknown>;
}

/**
 * Memory for the task at hand: a scratchpad of notes, facts pinned into every context, and the
 * conversation, fitted to a token budget by core's context strategies. When it overflows, older
 * turns are summarized (or dropped) and the buffer keeps the result, so the same turns are not
 * summarized twice; each cut is reported and emitted as a `context.truncated` event.
 */
export class WorkingMemory {
  readonly #options: WorkingMemoryOptions;
  #messages: Message[] = [];
  readonly #pinned = new Map<string, string>();
  readonly #scratchpad = new Map<string, unknown>();
  #nextPin = 1;

  constructor(options: WorkingMemoryOptions) {
    if (!(Number.isInteger(options?.maxTokens) && options.maxTokens > 0))
      throw new InvalidRequestError(
        `WorkingMemory: maxTokens must be a positive integer, got ${options?.maxTokens}`,
      );
    if (
      options.keepRecent !== undefined &&
      !(Number.isInteger(options.keepRecent) && options.keepRecent >= 0)
    )
      throw new InvalidRequestError(
        `WorkingMemory: keepRecent must be an integer >= 0, got ${options.keepRecent}`,
      );
    this.#options = options;
  }

  /** Adds messages to the end of the conversation. */
  append(...messages: Message[]): void {
    for (const m of messages)
      if (!m || !["user", "assistant", "tool", "system"].includes(m.role))
        throw new InvalidRequestError(
          "WorkingMemory.append: each message needs a role of user, assistant, tool or system",
        );
    this.#messages.push(...messages);
  }

  /** The conversation as kept: after a fit, older turns appear as their summary. */
  messages(): Message[] {
    return [...this.#messages];
  }

  /** Pins a fact into every context (never cut); returns its id for `unpin`. */
  pin(fact: string, id?: string): string {
    if (typeof fact !== "string" || fact.trim() === "")
      throw new InvalidRequestError("a pinned fact must be non-empty text");
    const key = id ?? `pin-${this.#nextPin++}`;
    this.#pinned.set(key, fact);
    return key;
  }

  /** Removes a pinned fact; true when it was pinned. */
  unpin(id: string): boolean {
    return this.#pinned.delete(id);
  }

  /** Pinned facts by id. */
  pinned(): Map<string, string> {
    return new Map(this.#pinned);
  }

  /** A scratchpad note (any JSON value). */
  note(key: string, value: unknown): void {
    if (typeof key !== "string" || key === "")
      throw new InvalidRequestError("a scratchpad key must be non-empty text");
    if (value === undefined) this.#scratchpad.delete(key);
    else this.#scratchpad.set(key, value);
  }

  /** A scratchpad note, or undefined. */
  read<T = unknown>(key: string): T | undefined {
    return this.#scratchpad.get(key) as T | undefined;
  }

  /** All scratchpad notes. */
  notes(): Record<string, unknown> {
    return Object.fromEntries(this.#scratchpad);
  }

  /**
   * The messages to send: the system prompt, pinned facts and notes (kept whole), then the
   * conversation fitted to `maxTokens`. When `report.fits` is false even the kept parts are over
   * budget, and the caller decides (nothing is dropped silently).
   */
  async context(): Promise<{ messages: Message[]; report: FitReport }> {
    const head = this.#head();
    const strategies: ContextStrategy[] = [
      this.#options.summarizer
        ? summarizeMiddle({ model: this.#options.summarizer, keepRecent: this.#options.keepRecent ?? 4 })
        : dropMiddle({ keepRecent: this.#options.keepRecent ?? 4 }),
    ];
    const { request, report } = await fitToBudget(
      { messages: [...head, ...this.#messages] },
      {
        maxInputTokens: this.#options.maxTokens,
        strategies,
        ...(this.#options.model !== undefined ? { model: this.#options.model } : {}),
        ...(this.#options.events ? { events: this.#options.events } : {}),
        ...(this.#options.context ? { context: this.#options.context } : {}),
      },
    );
    // Keep the fitted conversation, so a summary replaces its turns for good.
    if (report.cuts.length) this.#messages = request.messages.slice(head.length);
    return { messages: request.messages, report };
  }

  /** The whole state as JSON. */
  toJSON(): WorkingMemorySnapshot {
    return {
      format: "keel.working-memory",
      version: 1,
      messages: structuredClone(this.#messages),
      pinned: [...this.#pinned],
      scratchpad: structuredClone(this.notes()),
    };
  }

  /** A working memory restored from `toJSON`; throws `InvalidRequestError` for anything else. */
  static fromJSON(snapshot: WorkingMemorySnapshot, options: WorkingMemoryOptions): WorkingMemory {
    if (snapshot?.format !== "keel.working-memory" || snapshot.version !== 1)
      throw new InvalidRequestError("not a keel.working-memory snapshot of version 1");
    const memory = new WorkingMemory(options);
    memory.append(...snapshot.messages);
    for (const [id, fact] of snapshot.pinned) memory.pin(fact, id);
    for (const [key, value] of Object.entries(snapshot.scratchpad)) memory.note(key, value);
    memory.#nextPin = snapshot.pinned.length + 1;
    return memory;
  }

  #head(): Message[] {
    const head: Message[] = [];
    if (this.#options.system) head.push({ role: "system", content: this.#options.system });
    if (this.#pinned.size)
      head.push({
        role: "system",
        content: `Pinned facts:\n${[...this.#pinned.values()].map((f) => `- ${f}`).join("\n")}`,
      });
    if (this.#scratchpad.size)
      head.push({ role: "system", content: `Task notes (JSON):\n${JSON.stringify(this.notes())}` });
    return head;
  }
}
