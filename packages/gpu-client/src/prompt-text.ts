/**
 * The text a chat prompt stands for, in message order: what the prefix index hashes and what the
 * simulator "tokenizes". The whole chat counts (every message, tool results included), not only
 * the first one, so two chats share a prefix only when they share their opening messages. Takes
 * Keel messages or OpenAI wire messages alike, so client and server hash the same text.
 */
export function promptText(messages: readonly { role: string; content?: unknown }[]): string {
  let text = "";
  for (const message of messages) text += `${message.role}: ${contentText(message.content)}\n`;
  return text;
}

/** The text of a message's content, whatever its shape (a string, parts, an OpenAI wire message). */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return content == null ? "" : JSON.stringify(content);
  let text = "";
  for (const part of content) {
    if (typeof part === "string") text += part;
    else if (part && typeof part === "object") {
      const p = part as Record<string, unknown>;
      if (typeof p.text === "string") text += p.text;
      else text += JSON.stringify(part);
    }
  }
  return text;
}

/** A rough token count for text with no tokenizer at hand: about 4 characters per token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
