import { InvalidRequestError, type Message, partsOf, type ToolResultPart } from "@keel/core";
import type { ChatHistoryItem, ChatModelResponse } from "node-llama-cpp";

type ModelResponseItem = ChatModelResponse["response"][number];

/**
 * Maps Keel messages to node-llama-cpp's chat history. An assistant turn and the tool messages
 * that answer its calls become one `model` item (calls carry their results inline, which is how
 * chat templates render them), so the model continues that turn after the results. A history
 * that ends with an assistant message is continued from where it stops (prefill). Text only:
 * image and file parts fail with an `InvalidRequestError`.
 */
export function toChatHistory(messages: readonly Message[]): ChatHistoryItem[] {
  const results = toolResultsById(messages);
  const used = new Set<string>();
  const history: ChatHistoryItem[] = [];
  messages.forEach((message, index) => {
    switch (message.role) {
      case "system":
        history.push({ type: "system", text: textParts(message, index) });
        break;
      case "user":
        history.push({ type: "user", text: textParts(message, index) });
        break;
      case "assistant": {
        const last = history.at(-1);
        // Assistant messages split only by tool results are one model turn.
        const turn =
          last?.type === "model" && messages[index - 1]?.role === "tool" ? last : newModelTurn(history);
        for (const part of partsOf(message)) {
          if (part.type === "text") appendText(turn.response, part.text);
          else if (part.type === "reasoning") {
            turn.response.push({ type: "segment", segmentType: "thought", text: part.text, ended: true });
          } else if (part.type === "tool-call") {
            const result = results.get(part.id);
            if (!result) {
              invalid(
                `messages[${index}] calls tool "${part.name}" (id ${part.id}) but no tool message answers it`,
              );
            }
            used.add(part.id);
            turn.response.push({
              type: "functionCall",
              name: part.name,
              params: part.arguments,
              result: result.isError ? { error: result.result } : result.result,
            });
          } else
            invalid(`messages[${index}] has a ${part.type} part, which an assistant message cannot hold`);
        }
        break;
      }
      case "tool":
        break;
    }
  });
  for (const id of results.keys()) {
    if (!used.has(id)) invalid(`a tool message answers call id ${id}, which no assistant message made`);
  }
  return history;
}

function toolResultsById(messages: readonly Message[]): Map<string, ToolResultPart> {
  const byId = new Map<string, ToolResultPart>();
  messages.forEach((message, index) => {
    if (message.role !== "tool") return;
    for (const part of message.content) {
      if (part.type !== "tool-result")
        invalid(`messages[${index}] is a tool message with a ${part.type} part`);
      byId.set(part.toolCallId, part);
    }
  });
  return byId;
}

function newModelTurn(history: ChatHistoryItem[]): ChatModelResponse {
  const turn: ChatModelResponse = { type: "model", response: [] };
  history.push(turn);
  return turn;
}

function appendText(response: ModelResponseItem[], text: string): void {
  const last = response.at(-1);
  if (typeof last === "string") response[response.length - 1] = last + text;
  else response.push(text);
}

function textParts(message: Message, index: number): string {
  let text = "";
  for (const part of partsOf(message)) {
    if (part.type !== "text") {
      invalid(`messages[${index}] has a ${part.type} part; llama-cpp models take text only`);
    }
    text += part.text;
  }
  return text;
}

function invalid(message: string): never {
  throw new InvalidRequestError(`llama-cpp: ${message}`, { provider: "llama-cpp" });
}
