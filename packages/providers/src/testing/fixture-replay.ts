import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InvalidRequestError } from "@keel/core";
import type { FixtureResponse, WireProtocol } from "./types.js";
import { SSE_HEADERS, type Wire } from "./wire.js";

/**
 * The default fixtures directory: env KEEL_FIXTURES_DIR, else the first `../shared/fixtures/wire`
 * found walking up from process.cwd(), then from this file's directory (CI clones the repo
 * beside `shared/`). Undefined when none exists.
 */
export function findFixturesDir(): string | undefined {
  const fromEnv = process.env.KEEL_FIXTURES_DIR;
  if (fromEnv) return resolve(fromEnv);
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, "..", "shared", "fixtures", "wire");
      if (isDirectory(candidate)) return resolve(candidate);
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

/** Resolves a fixture path and checks it exists, with an error that says where it looked. */
export function resolveFixture(fixture: string, fixturesDir: string | undefined): string {
  if (typeof fixture !== "string" || fixture === "") {
    throw new InvalidRequestError("keel test server: `fixture` must be a non-empty path");
  }
  if (!isAbsolute(fixture) && fixturesDir === undefined) {
    throw new InvalidRequestError(
      `keel test server: cannot find fixture "${fixture}": no fixtures directory (set KEEL_FIXTURES_DIR, pass startTestServer({ fixturesDir }), or keep shared/fixtures/wire beside the repository)`,
    );
  }
  const path = isAbsolute(fixture) ? fixture : resolve(fixturesDir!, fixture);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InvalidRequestError(
      `keel test server: fixture "${fixture}" not found (looked for ${path}${fixturesDir ? `; fixtures dir is ${fixturesDir}` : ""})`,
    );
  }
  return path;
}

/** Which protocol a fixture speaks, from its folder name; other folders take the request's protocol. */
export function fixtureProtocol(path: string, requestProtocol: WireProtocol): WireProtocol {
  const folder = basename(dirname(path)).toLowerCase();
  if (folder === "openai" || folder === "anthropic" || folder === "gemini") return folder;
  if (folder === "google") return "gemini";
  return requestProtocol;
}

/** A fixture turned into what goes on the wire. */
export interface FixtureReply {
  status: number;
  headers: Record<string, string>;
  /** Pieces written with the chunk delay between them. */
  pieces: string[];
  /** Whether the body is a stream (chunked) or one sized body. */
  streamed: boolean;
}

/** Reads and frames a fixture by its extension (see FixtureResponse). */
export function loadFixture(path: string, protocol: WireProtocol, script: FixtureResponse): FixtureReply {
  const raw = readFileSync(path, "utf8");
  const name = basename(path);
  const reply = (
    status: number,
    contentType: Record<string, string>,
    pieces: string[],
    streamed: boolean,
  ) => ({
    status: script.status ?? status,
    headers: { ...contentType, ...script.headers },
    pieces,
    streamed,
  });
  if (name.endsWith(".sse")) return reply(200, SSE_HEADERS, splitSseEvents(raw), true);
  if (name.endsWith(".chunks.jsonl")) return reply(200, SSE_HEADERS, frameJsonLines(raw, protocol), true);
  if (name.endsWith(".ndjson")) {
    return reply(200, { "content-type": "application/x-ndjson" }, raw.match(/[^\n]*\n|[^\n]+$/g) ?? [], true);
  }
  if (name.endsWith(".json")) {
    return reply(statusOfBody(raw), { "content-type": "application/json" }, [raw], false);
  }
  if (name.endsWith(".prom")) {
    return reply(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }, [raw], false);
  }
  return reply(200, { "content-type": "text/plain; charset=utf-8" }, [raw], false);
}

/** Writes a loaded fixture. */
export async function replayFixture(wire: Wire, reply: FixtureReply, chunkDelayMs: number): Promise<void> {
  if (!reply.streamed) {
    wire.send(reply.status, reply.headers, reply.pieces.join(""));
    return;
  }
  wire.head(reply.status, reply.headers);
  if (await wire.frames(reply.pieces, chunkDelayMs)) wire.end();
}

/**
 * HTTP status an error fixture was answered with: its own numeric error.code, the status its
 * OpenAI / Anthropic error type implies, else 200.
 */
export function statusOfBody(raw: string): number {
  let body: any;
  try {
    body = JSON.parse(raw);
  } catch {
    return 200;
  }
  const error = body?.error;
  if (typeof error !== "object" || error === null) return 200;
  if (typeof error.code === "number" && error.code >= 400 && error.code < 600) return error.code;
  const kind = String(error.code ?? error.type ?? "");
  const byKind: Record<string, number> = {
    insufficient_quota: 429,
    rate_limit_exceeded: 429,
    rate_limit_error: 429,
    invalid_api_key: 401,
    authentication_error: 401,
    permission_error: 403,
    not_found_error: 404,
    model_not_found: 404,
    request_too_large: 413,
    api_error: 500,
    server_error: 500,
    overloaded_error: 529,
    unavailable_error: 503,
  };
  if (byKind[kind] !== undefined) return byKind[kind];
  const type = String(error.type ?? "");
  if (byKind[type] !== undefined) return byKind[type];
  if (type === "invalid_request_error" || kind !== "") return 400;
  return 500;
}

/**
 * Splits a raw SSE body into events, keeping every byte (LF, CRLF or CR separators; trailing
 * non-SSE text such as a bare JSON error). One repair: a last SSE event missing its blank-line
 * terminator (stored files often lose the final newlines) is completed, or clients would drop it.
 */
function splitSseEvents(raw: string): string[] {
  const events = raw.match(/[\s\S]*?(?:\r\n\r\n|\n\n|\r\r)|[\s\S]+$/g) ?? [];
  const last = events.at(-1);
  if (last !== undefined && /^(?:data|event|id|retry):/.test(last) && !/(?:\r\n\r\n|\n\n|\r\r)$/.test(last)) {
    const eol = raw.includes("\r\n") ? "\r\n" : "\n";
    events[events.length - 1] = last.endsWith(eol) ? last + eol : last + eol + eol;
  }
  return events;
}

/** One SSE event per JSON line, framed as the provider does. */
function frameJsonLines(raw: string, protocol: WireProtocol): string[] {
  const lines = raw.split(/\r?\n/).filter((line) => line.trim() !== "");
  const frames = lines.map((line) => {
    if (protocol !== "anthropic") return `data: ${line}\n\n`;
    const type = JSON.parse(line)?.type;
    return typeof type === "string" ? `event: ${type}\ndata: ${line}\n\n` : `data: ${line}\n\n`;
  });
  if (protocol === "openai") frames.push("data: [DONE]\n\n");
  return frames;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
