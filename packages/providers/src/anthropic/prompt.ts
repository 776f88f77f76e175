import type {
  CacheControlEphemeral,
  ContentBlockParam,
  MessageParam,
  TextBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import { InvalidRequestError, type Message, partsOf, type TextPart } from "@keel/core";
import { assistantBlock, textBlock, toolResultBlock, userBlock } from "./content-blocks.js";

/** The `system` and `messages` fields of a Messages API request. */
export interface AnthropicPrompt {
  system?: string | TextBlockParam[];
  messages: MessageParam[];
}

/**
 * Maps Keel messages to Anthropic's prompt. Leading system messages become the top-level
 * `system` (text blocks when a part carries a cache breakpoint); a system message later in the
 * conversation is sent in place, as API version 2026-10-21 allows. Tool messages become user
 * turns of `tool_result` blocks, and consecutive turns of one role are merged, as the API requires.
 */
export function toAnthropicPrompt(messages: Message[], cache: CacheControlEphemeral): AnthropicPrompt {
  const system: TextBlockParam[] = [];
  const out: MessageParam[] = [];
  messages.forEach((message, i) => {
    if (message.role === "system") {
      const blocks = compact(partsOf(message).map((p) => textBlock(p as TextPart, cache)));
      if (out.length === 0) system.push(...blocks);
      else append(out, "system", nonEmpty(blocks, i, message.role));
      return;
    }
    if (message.role === "assistant") {
      const blocks = compact(partsOf(message).map((p) => assistantBlock(p as never, cache)));
      // An assistant turn whose only content was unsendable reasoning is left out whole.
      if (blocks.length > 0) append(out, "assistant", blocks);
      return;
    }
    const blocks =
      message.role === "tool"
        ? message.content.map(toolResultBlock)
        : compact(partsOf(message).map((p) => userBlock(p as never, cache)));
    append(out, "user", nonEmpty(blocks, i, message.role));
  });
  if (out.length === 0)
    throw new InvalidRequestError("Anthropic needs at least one user or assistant message", {
      provider: "anthropic",
    });
  return { ...systemField(system), messages: out };
}

function systemField(blocks: TextBlockParam[]): { system?: string | TextBlockParam[] } {
  if (blocks.length === 0) return {};
  const only = blocks[0]!;
  return blocks.length === 1 && only.cache_control === undefined ? { system: only.text } : { system: blocks };
}

function append(out: MessageParam[], role: MessageParam["role"], blocks: ContentBlockParam[]): void {
  const last = out.at(-1);
  if (last?.role !== role) {
    out.push({ role, content: blocks } as MessageParam);
    return;
  }
  const merged = [...(last.content as ContentBlockParam[]), ...blocks];
  // tool_result blocks must open a user turn.
  last.content =
    role === "user"
      ? [...merged.filter((b) => b.type === "tool_result"), ...merged.filter((b) => b.type !== "tool_result")]
      : merged;
}

function compact<T>(items: Array<T | undefined>): T[] {
  return items.filter((item): item is T => item !== undefined);
}

function nonEmpty<T>(blocks: T[], index: number, role: string): T[] {
  if (blocks.length === 0)
    throw new InvalidRequestError(
      `message ${index} (${role}) has no content; Anthropic rejects empty turns`,
      {
        provider: "anthropic",
      },
    );
  return blocks;
}
