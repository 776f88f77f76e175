/**
 * The edge rule, proven: a worker on `@keel/core` (pipe, retry, fallback, timeout, exact cache) and
 * the remote adapters (OpenAI, Anthropic, Google) bundles for the Workers conditions with no Node
 * built-in in it, and runs in the real workerd runtime with no Node compatibility flag, calling
 * the wire test server through the official SDKs over loopback.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing/index.js";
import { bundleWorker, NODE_BUILTINS, type WorkerBundle } from "./bundle-worker.js";
import { type RunningWorker, startWorkerd, workerdInstalled } from "./workerd.js";

const ENTRY = fileURLToPath(new URL("./__fixtures__/worker.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** Packages that only run on Node (sockets, files, native addons, Node's HTTP stack). */
const NODE_ONLY_PACKAGES = [
  "node-llama-cpp",
  "better-sqlite3",
  "ioredis",
  "pg",
  "undici",
  "node-fetch",
  "ws",
  "formdata-node",
  "agentkeepalive",
  "@opentelemetry/sdk-trace-base",
  "@opentelemetry/sdk-metrics",
  "protobufjs",
];
/** Keel's Node-only subpaths: a worker importing the main entries must never reach them. */
const NODE_ONLY_SOURCES =
  /^packages\/(core\/src\/(node|otel|testing)|providers\/src\/(testing|llama-cpp)|[^/]+\/src\/node)\//;
/** Node APIs Keel's own web-standard code must not touch (comments are stripped first). */
const NODE_API_IN_SOURCE = /\bprocess\.|\bBuffer\b|\brequire\(\s*["'`]|from\s+["']node:|import\(\s*["']node:/;

let bundle: WorkerBundle;

beforeAll(async () => {
  bundle = await bundleWorker(ENTRY);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `edge worker bundle: ${kb(bundle.bytes)} minified, ${kb(bundle.gzipBytes)} gzipped\n` +
      bundle.bytesByPackage.map(([name, n]) => `  ${kb(n).padStart(9)}  ${name}`).join("\n"),
  );
});

describe("the worker bundle (esbuild, Workers conditions)", () => {
  it("resolves everything and leaves no import behind", () => {
    expect(bundle.imports).toEqual([]);
  });

  it("reads no Node built-in module, Node-only package or Node-only Keel subpath", () => {
    const builtins = bundle.inputs.filter((path) => NODE_BUILTINS.has(path) || path.startsWith("node:"));
    expect(builtins).toEqual([]);
    const packages = new Set(bundle.bytesByPackage.map(([name]) => name));
    expect(NODE_ONLY_PACKAGES.filter((name) => packages.has(name))).toEqual([]);
    expect(bundle.inputs.filter((path) => NODE_ONLY_SOURCES.test(path))).toEqual([]);
  });

  it("calls no require() of a Node built-in at run time", () => {
    const required = [...bundle.code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]!);
    expect(required.filter((name) => NODE_BUILTINS.has(name))).toEqual([]);
  });

  it("holds Keel code that uses no process, Buffer, require or node: import", () => {
    // Keel's library sources: the worker fixture itself reports `typeof process` on purpose.
    const keelSources = bundle.inputs.filter((path) => /^packages\/[^/]+\/src\/(?!edge\/).*\.ts$/.test(path));
    expect(keelSources.length).toBeGreaterThan(50);
    const offenders = keelSources.filter((path) =>
      NODE_API_IN_SOURCE.test(withoutComments(readFileSync(`${repoRoot}${path}`, "utf8"))),
    );
    expect(offenders).toEqual([]);
  });

  it("carries the core and all three adapters, but no tokenizer rank tables", () => {
    const packages = bundle.bytesByPackage.map(([name]) => name);
    expect(packages).toEqual(
      expect.arrayContaining([
        "@keel/core",
        "@keel/providers",
        "openai",
        "@anthropic-ai/sdk",
        "@google/generative-ai",
      ]),
    );
    expect(bundle.code).not.toMatch(/bpe_ranks|pat_str/);
    // A sanity bound only: the SDKs dominate the size, and they are not Keel's to trim.
    expect(bundle.bytes).toBeLessThan(2 * 1024 * 1024);
  });
});

/** The whole answer of the streamed call, as the caller should read it. */
const ANSWER = "The quick brown fox jumps over the lazy dog.";
/** What OpenAI streams before its connection is reset: four word deltas. */
const PARTIAL = "The quick brown fox";
/** Anthropic continues the assistant turn it is given (prefill). */
const CONTINUATION = " jumps over the lazy dog.";

describe.skipIf(!workerdInstalled)(
  "the bundle in workerd (node_modules/.bin/workerd; skipped when absent)",
  () => {
    let server: TestServer;
    let worker: RunningWorker | undefined;

    beforeAll(async () => {
      server = await startTestServer();
      worker = await startWorkerd({
        code: bundle.code,
        compatibilityDate: "2026-11-01",
        // From 2026-08 this workerd turns on Node's globals (process, Buffer) by default; switch them
        // off so the run proves the code needs nothing but web-standard APIs.
        compatibilityFlags: ["no_nodejs_compat_v2"],
        bindings: {
          OPENAI_BASE_URL: server.openaiBaseURL,
          ANTHROPIC_BASE_URL: server.anthropicBaseURL,
          GEMINI_BASE_URL: server.geminiBaseURL,
        },
      });
    });
    afterAll(async () => {
      await worker?.stop();
      await server?.close();
    });

    it("retries, serves from the cache, fails over mid-stream and calls Gemini, through the real SDKs", async () => {
      server.enqueue(
        { fault: "rate-limit", retryAfterMs: 20 },
        { text: "Hello from the edge", usage: { input: 7, output: 4 } },
        { fault: "reset-mid-stream", afterChunks: 4, text: ANSWER },
        { text: CONTINUATION, usage: { input: 15, output: 6 } },
        { text: "Gemini at the edge", usage: { input: 3, output: 5 } },
      );

      const res = await fetch(worker!.url, { method: "POST" });
      const body = await res.json();
      expect(body, worker!.log()).not.toHaveProperty("error");
      expect(res.status).toBe(200);
      expect(body.runtime).toBe("Cloudflare-Workers");
      expect(body.nodeGlobals).toEqual({ process: "undefined", Buffer: "undefined" });

      // generate: a 429, a retry after the server's retry-after, then the answer.
      expect(body.generate).toMatchObject({
        text: "Hello from the edge",
        provider: "openai",
        model: { requested: "gpt-4o" },
        usage: { inputTokens: 7, outputTokens: 4, totalTokens: 11 },
        finishReason: "stop",
        failovers: [],
        cached: false,
      });
      // The same request again: from the in-memory store, no new HTTP call.
      expect(body.cachedGenerate).toMatchObject({ text: "Hello from the edge", cached: true });

      // stream: reset after four words on OpenAI, continued on Anthropic without repeating them.
      expect(body.stream).toMatchObject({
        received: ANSWER,
        text: ANSWER,
        provider: "anthropic",
        model: { requested: "claude-haiku-4-5" },
        // The cut OpenAI stream never reached its usage chunk; this is Anthropic's.
        usage: { inputTokens: 15, outputTokens: 6, totalTokens: 21 },
        finishReason: "stop",
        failovers: [{ from: "gpt-4o", to: "claude-haiku-4-5", errorCode: "network", deliveredText: PARTIAL }],
        cached: false,
      });

      expect(body.gemini).toMatchObject({
        text: "Gemini at the edge",
        provider: "google",
        usage: { inputTokens: 3, outputTokens: 5 },
      });

      // What the server saw: every call left workerd through the official SDKs over loopback.
      expect(server.requests.map((r) => [r.protocol, r.stream])).toEqual([
        ["openai", false],
        ["openai", false],
        ["openai", true],
        ["anthropic", true],
        ["gemini", false],
      ]);
      // Anthropic was asked to continue the partial answer as its own (prefilled) assistant turn.
      expect(server.requests[3]!.body.messages).toEqual([
        { role: "user", content: [{ type: "text", text: "Tell me about the fox." }] },
        { role: "assistant", content: [{ type: "text", text: PARTIAL }] },
      ]);
      // The Stainless SDKs report "node" and the Node version when they run on Node; workerd is none.
      for (const request of server.requests.slice(0, 4)) {
        expect(request.headers["x-stainless-runtime"]).not.toBe("node");
        expect(request.headers["user-agent"]).toMatch(/^(OpenAI|Anthropic)\/JS /);
      }
    });
  },
);

/** Source text without comments, so a comment that mentions `process.env` is not flagged. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}
