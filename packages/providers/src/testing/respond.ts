import { buildAnswer } from "./answer.js";
import { scriptedError, testServerError } from "./error-bodies.js";
import { applyFault, sendError } from "./faults.js";
import { fixtureProtocol, loadFixture, replayFixture, resolveFixture } from "./fixture-replay.js";
import type { ResponseContext } from "./response-context.js";
import { synthesize } from "./synthesize.js";
import type { RawResponse, ScriptedResponse, TextResponse } from "./types.js";
import { SSE_HEADERS, type Wire } from "./wire.js";

/** Answers one request with a scripted response. Throws on a bad script (the server turns that into a 500). */
export async function respond(wire: Wire, response: ScriptedResponse, ctx: ResponseContext): Promise<void> {
  if ("fixture" in response) {
    const path = resolveFixture(response.fixture, ctx.fixturesDir);
    const reply = loadFixture(path, fixtureProtocol(path, ctx.route.protocol), response);
    return replayFixture(wire, reply, response.chunkDelayMs ?? 0);
  }
  if ("fault" in response) return applyFault(wire, response, ctx, (next) => respond(wire, next, ctx));
  if ("text" in response) return sendText(wire, response, ctx);
  if ("error" in response)
    return sendError(wire, scriptedError(ctx.route.protocol, response.error), ctx.protocolHeaders);
  return sendRaw(wire, response);
}

async function sendText(wire: Wire, script: TextResponse, ctx: ResponseContext): Promise<void> {
  if (ctx.route.protocol === "unknown") {
    const { method, path } = ctx.request;
    const reply = testServerError(
      "unknown",
      404,
      `no OpenAI, Anthropic or Gemini route for ${method} ${path}; script { status, json } or a fixture for other paths`,
    );
    return sendError(wire, reply, {});
  }
  const answer = buildAnswer(script, ctx.route, ctx.request.body, ctx.seq);
  const synthesized = synthesize(ctx.route, answer, ctx.request.stream, ctx.embeddingDimensions);
  if (synthesized.kind === "json") {
    wire.json(200, ctx.protocolHeaders, synthesized.body);
    return;
  }
  wire.head(200, { ...SSE_HEADERS, ...ctx.protocolHeaders });
  const frames = synthesized.frames.map((frame) => frame.data);
  if (await wire.frames(frames, answer.chunkDelayMs)) wire.end();
}

function sendRaw(wire: Wire, response: RawResponse): void {
  if (response.json !== undefined) {
    wire.json(response.status, response.headers ?? {}, response.json);
    return;
  }
  const headers: Record<string, string> =
    response.body === undefined ? {} : { "content-type": "text/plain; charset=utf-8" };
  wire.send(response.status, { ...headers, ...response.headers }, response.body ?? "");
}
