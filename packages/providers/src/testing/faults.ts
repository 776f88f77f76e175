import { buildAnswer } from "./answer.js";
import { type ErrorReply, faultError } from "./error-bodies.js";
import type { ResponseContext } from "./response-context.js";
import { malformedFrame, streamErrorAsHttp, streamErrorFrames, synthesize } from "./synthesize.js";
import type { Frame } from "./synthesized.js";
import type { FaultResponse, ScriptedResponse } from "./types.js";
import { SSE_HEADERS, type Wire } from "./wire.js";

/** Text streamed by mid-stream faults when the script gives none. */
export const DEFAULT_FAULT_TEXT = "This answer is cut off part-way through by a scripted fault.";

/** Text deltas sent before a mid-stream fault when the script gives no `afterChunks`. */
export const DEFAULT_AFTER_CHUNKS = 2;

const HTML_PAGE =
  "<html><head><title>Service notice</title></head><body><h1>Please sign in</h1><p>This network requires authentication.</p></body></html>";

/** Answers a request with a scripted fault; `respond` answers `slow-first-byte`'s follow-up. */
export async function applyFault(
  wire: Wire,
  fault: FaultResponse,
  ctx: ResponseContext,
  respond: (response: ScriptedResponse) => Promise<void>,
): Promise<void> {
  switch (fault.fault) {
    case "rate-limit":
      return sendError(wire, faultError(ctx.route.protocol, "rate-limit", fault), ctx.protocolHeaders);
    case "quota-exhausted":
    case "server-error":
    case "unavailable":
    case "overloaded":
      return sendError(wire, faultError(ctx.route.protocol, fault.fault), ctx.protocolHeaders);
    case "reset-before-first-byte":
      wire.destroy();
      return;
    case "slow-first-byte":
      if (await wire.delay(fault.delayMs)) await respond(fault.then ?? ctx.defaultResponse());
      return;
    case "truncated-json": {
      const body = JSON.stringify(faultAnswerBody(ctx, DEFAULT_FAULT_TEXT));
      wire.send(200, { "content-type": "application/json", ...ctx.protocolHeaders }, halfOf(body));
      return;
    }
    case "wrong-content-type":
      wire.send(200, { "content-type": "text/html; charset=utf-8" }, HTML_PAGE);
      return;
    case "reset-mid-stream":
    case "stall":
    case "malformed-sse":
    case "stream-error-event":
      return midStreamFault(wire, fault, ctx);
  }
}

/** Writes an HTTP error reply with the protocol's request-id headers. */
export function sendError(wire: Wire, reply: ErrorReply, protocolHeaders: Record<string, string>): void {
  wire.json(reply.status, { ...protocolHeaders, ...reply.headers }, reply.body);
}

type MidStreamFault = Extract<
  FaultResponse,
  { fault: "reset-mid-stream" | "stall" | "malformed-sse" | "stream-error-event" }
>;

async function midStreamFault(wire: Wire, fault: MidStreamFault, ctx: ResponseContext): Promise<void> {
  const answer = buildAnswer(
    { text: fault.text ?? DEFAULT_FAULT_TEXT },
    ctx.route,
    ctx.request.body,
    ctx.seq,
  );
  const synthesized = synthesize(ctx.route, answer, ctx.request.stream, ctx.embeddingDimensions);
  if (synthesized.kind === "json") return bodyFault(wire, fault, ctx, JSON.stringify(synthesized.body));

  const frames = synthesized.frames;
  const cut = cutIndex(frames, fault.afterChunks ?? DEFAULT_AFTER_CHUNKS);
  const before = frames.slice(0, cut).map((f) => f.data);
  const after = frames.slice(cut).map((f) => f.data);
  wire.head(200, { ...SSE_HEADERS, ...ctx.protocolHeaders });
  if (!(await wire.frames(before, 0))) return;
  switch (fault.fault) {
    case "reset-mid-stream":
      wire.destroy();
      return;
    case "stall":
      if (!(await wire.delay(fault.stallMs))) return;
      if (await wire.frames(after, 0)) wire.end();
      return;
    case "malformed-sse":
      if (!(await wire.write(malformedFrame(ctx.route, answer)))) return;
      if (await wire.frames(after, 0)) wire.end();
      return;
    case "stream-error-event":
      if (await wire.frames(streamErrorFrames(ctx.route, answer, cut), 0)) wire.end();
      return;
  }
}

/** The same faults on a non-streamed body: cut it, pause it, break it, or answer with an HTTP error. */
async function bodyFault(
  wire: Wire,
  fault: MidStreamFault,
  ctx: ResponseContext,
  body: string,
): Promise<void> {
  const headers = { "content-type": "application/json", ...ctx.protocolHeaders };
  const first = halfOf(body);
  switch (fault.fault) {
    case "reset-mid-stream":
    case "stall": {
      // The announced length is the whole body, so a cut is a premature close, not a short body.
      wire.head(200, { ...headers, "content-length": String(Buffer.byteLength(body)) });
      if (!(await wire.write(first))) return;
      if (fault.fault === "reset-mid-stream") {
        wire.destroy();
        return;
      }
      if (await wire.delay(fault.stallMs)) wire.end(body.slice(first.length));
      return;
    }
    case "malformed-sse":
      wire.send(200, headers, first);
      return;
    case "stream-error-event":
      sendError(wire, streamErrorAsHttp(ctx.route), ctx.protocolHeaders);
      return;
  }
}

function faultAnswerBody(ctx: ResponseContext, text: string): unknown {
  const answer = buildAnswer({ text }, ctx.route, ctx.request.body, ctx.seq);
  const synthesized = synthesize(ctx.route, answer, false, ctx.embeddingDimensions);
  return synthesized.kind === "json" ? synthesized.body : undefined;
}

function halfOf(text: string): string {
  return text.slice(0, Math.floor(text.length / 2));
}

/** Index of the first frame not sent before a fault placed after `afterChunks` text deltas. */
function cutIndex(frames: Frame[], afterChunks: number): number {
  const textAt = frames.flatMap((f, i) => (f.text ? [i] : []));
  if (textAt.length === 0) return Math.min(1, frames.length);
  if (afterChunks <= 0) return textAt[0]!;
  return textAt[Math.min(afterChunks, textAt.length) - 1]! + 1;
}
