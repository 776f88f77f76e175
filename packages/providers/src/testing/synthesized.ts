/** One SSE event as bytes to write; `text` marks the events that carry a text delta (fault positions count these). */
export interface Frame {
  data: string;
  text: boolean;
}

/** A synthesized answer: a JSON body, or a sequence of SSE events. */
export type Synthesized = { kind: "json"; body: unknown } | { kind: "sse"; frames: Frame[] };

/** Formats one SSE event: optional `event:` line, one `data:` line, blank-line terminator. */
export function sseEvent(data: unknown, options: { event?: string; eol?: string } = {}): string {
  const eol = options.eol ?? "\n";
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  const event = options.event === undefined ? "" : `event: ${options.event}${eol}`;
  return `${event}data: ${payload}${eol}${eol}`;
}

/** A non-text frame. */
export function frame(data: string): Frame {
  return { data, text: false };
}

/** A frame that carries one text delta. */
export function textFrame(data: string): Frame {
  return { data, text: true };
}
