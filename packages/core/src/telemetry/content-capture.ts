import { type EventHub, events as globalEvents } from "../events.js";
import type { AssistantPart, ContentPart, Message } from "../messages.js";
import type { Redact } from "./redact.js";

// The capture switch per hub. `captureContent` (capture-content.ts) turns it on with a redactor;
// emitters only read it here, so observing a model does not load the PII recognizers.
const captures = new WeakMap<EventHub, Redact>();

/** Sets the hub's redactor (`captureContent` does); returns a function that clears it again. */
export function setContentCapture(hub: EventHub, redact: Redact): () => void {
  captures.set(hub, redact);
  return () => {
    if (captures.get(hub) === redact) captures.delete(hub);
  };
}

/** True when `captureContent` is on for the hub; emitters check it before attaching content. */
export function isContentCaptured(hub: EventHub = globalEvents): boolean {
  return captures.has(hub);
}

/** The redactor in force on the hub, or undefined when content capture is off. */
export function contentRedactor(hub: EventHub = globalEvents): Redact | undefined {
  return captures.get(hub);
}

/** Every string inside a JSON-like value, redacted. */
export function redactValue(value: unknown, redact: Redact): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redact));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, redact)]));
  return value;
}

/**
 * A redacted copy of a part. Inline binary data is replaced by its size, and opaque provider
 * fields (signatures, encrypted reasoning) are left out: they are neither readable nor small.
 */
export function redactPart<P extends ContentPart>(part: P, redact: Redact): P {
  switch (part.type) {
    case "text":
      return { type: "text", text: redact(part.text) } as P;
    case "reasoning":
      return { type: "reasoning", text: redact(part.text) } as P;
    case "image":
    case "file":
      return {
        ...part,
        ...(part.data !== undefined ? { data: `[omitted: ${part.data.length} base64 chars]` } : {}),
        ...(part.url !== undefined ? { url: redact(part.url) } : {}),
      };
    case "tool-call":
      return {
        type: "tool-call",
        id: part.id,
        name: part.name,
        arguments: redactValue(part.arguments, redact),
        ...(part.rawArguments !== undefined ? { rawArguments: redact(part.rawArguments) } : {}),
      } as P;
    case "tool-result":
      return { ...part, result: redactValue(part.result, redact) };
  }
}

/** Redacted copies of a conversation's messages. */
export function redactMessages(messages: Message[], redact: Redact): Message[] {
  return messages.map(
    (m) =>
      ({
        role: m.role,
        content:
          typeof m.content === "string"
            ? redact(m.content)
            : m.content.map((p: ContentPart) => redactPart(p, redact)),
      }) as Message,
  );
}

/** Redacted copies of an answer's parts. */
export function redactAnswer(parts: AssistantPart[], redact: Redact): AssistantPart[] {
  return parts.map((p) => redactPart(p, redact));
}
