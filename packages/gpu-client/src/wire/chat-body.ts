import { InvalidRequestError, type Message, type ModelRequest } from "@keel/core";

/** An OpenAI Chat Completions wire message, as self-hosted servers take it. */
export interface WireMessage {
  role: string;
  content: string | null | { type: string; [key: string]: unknown }[];
  tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

/** Keel messages as OpenAI Chat Completions messages (text, images by URL or data URL, tool calls and results). */
export function wireMessages(messages: readonly Message[]): WireMessage[] {
  const out: WireMessage[] = [];
  for (const message of messages) {
    if (typeof message.content === "string") {
      out.push({ role: message.role, content: message.content });
      continue;
    }
    if (message.role === "tool") {
      for (const part of message.content)
        out.push({
          role: "tool",
          tool_call_id: part.toolCallId,
          content: typeof part.result === "string" ? part.result : JSON.stringify(part.result),
        });
      continue;
    }
    if (message.role === "assistant") {
      let text = "";
      const calls: NonNullable<WireMessage["tool_calls"]> = [];
      for (const part of message.content) {
        if (part.type === "text") text += part.text;
        else if (part.type === "tool-call")
          calls.push({
            id: part.id,
            type: "function",
            function: {
              name: part.name,
              arguments: part.rawArguments ?? JSON.stringify(part.arguments ?? {}),
            },
          });
      }
      out.push({ role: "assistant", content: text || null, ...(calls.length ? { tool_calls: calls } : {}) });
      continue;
    }
    const parts: { type: string; [key: string]: unknown }[] = [];
    for (const part of message.content) {
      if (part.type === "text") parts.push({ type: "text", text: part.text });
      else if (part.type === "image")
        parts.push({
          type: "image_url",
          image_url: { url: part.url ?? `data:${part.mediaType};base64,${part.data}` },
        });
      else
        throw new InvalidRequestError(
          `self-hosted chat servers take text and images; a ${part.type} part cannot be sent (message role ${message.role})`,
        );
    }
    out.push({ role: message.role, content: parts });
  }
  return out;
}

/** The Chat Completions body for a Keel request; `model` is the served model or a LoRA adapter's name. */
export function chatBody(request: ModelRequest, model: string, stream: boolean): Record<string, unknown> {
  if (!Array.isArray(request.messages) || request.messages.length === 0)
    throw new InvalidRequestError("the request has no messages");
  const body: Record<string, unknown> = { model, messages: wireMessages(request.messages), stream };
  if (stream) body.stream_options = { include_usage: true };
  if (request.maxOutputTokens !== undefined) body.max_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) body.top_k = request.topK;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.stop !== undefined) body.stop = request.stop;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.tools?.length)
    body.tools = request.tools.map((t) => ({
      type: "function",
      function: { name: t.name, description: t.description, parameters: t.inputSchema },
    }));
  if (request.toolChoice !== undefined)
    body.tool_choice =
      typeof request.toolChoice === "string"
        ? request.toolChoice
        : { type: "function", function: { name: request.toolChoice.name } };
  if (request.responseFormat?.type === "json")
    body.response_format = request.responseFormat.schema
      ? {
          type: "json_schema",
          json_schema: {
            name: request.responseFormat.name ?? "output",
            schema: request.responseFormat.schema,
          },
        }
      : { type: "json_object" };
  if (request.logprobs) {
    body.logprobs = true;
    if (request.logprobs.top) body.top_logprobs = request.logprobs.top;
  }
  // Server-specific fields (vLLM's `priority`, `top_k`, guided decoding, ...) pass through unchanged;
  // the fleet's own options (`providerOptions["gpu-client"]`) are for the client and are not sent.
  Object.assign(body, request.providerOptions?.server);
  return body;
}
