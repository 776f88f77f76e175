import type { EventHub } from "../events.js";
import type { Message } from "../messages.js";
import type { CallContext, ModelRequest } from "../model.js";
import type { MessageTokenCounter } from "../tokens/message-tokens.js";
import type { ContextCut } from "./context-events.js";
import { type Turn, turnsOf } from "./turns.js";

/**
 * The request being fitted, shared by the strategies in turn. A strategy reads `messages`,
 * builds a new list, and hands it to `commit`, which measures the saving, records the cut and
 * emits `context.truncated`.
 */
export class FitState {
  messages: Message[];
  readonly cuts: ContextCut[] = [];

  constructor(
    readonly request: ModelRequest,
    readonly maxInputTokens: number,
    readonly counter: MessageTokenCounter,
    readonly pinned: ReadonlySet<Message>,
    private readonly hub: EventHub,
    private readonly context: CallContext | undefined,
  ) {
    this.messages = request.messages;
  }

  /** Input tokens of the request as it stands. */
  tokens(): number {
    return this.counter.request({ ...this.request, messages: this.messages });
  }

  fits(): boolean {
    return this.tokens() <= this.maxInputTokens;
  }

  /** The current messages grouped into turns, each marked pinned if any of its messages is. */
  turns(): Array<Turn & { pinned: boolean; tokens: number }> {
    return turnsOf(this.messages).map((t) => {
      const span = this.messages.slice(t.start, t.end);
      return {
        ...t,
        pinned: span.some((m) => this.pinned.has(m)),
        tokens: span.reduce((sum, m) => sum + this.counter.message(m), 0),
      };
    });
  }

  /** Replaces the messages and records the cut; a change that saves nothing is still reported. */
  commit(strategy: string, messages: Message[], dropped: string, changed: number): void {
    const tokensBefore = this.tokens();
    this.messages = messages;
    const tokensAfter = this.tokens();
    const cut = {
      strategy,
      dropped,
      messages: changed,
      tokensBefore,
      tokensAfter,
      tokensSaved: tokensBefore - tokensAfter,
    };
    this.cuts.push(cut);
    this.hub.emit("context.truncated", cut, this.context);
  }
}

/** One way of making a request smaller. Strategies run in order until the request fits. */
export interface ContextStrategy {
  readonly name: string;
  apply(state: FitState): void | Promise<void>;
}
