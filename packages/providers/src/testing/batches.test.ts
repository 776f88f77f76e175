import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseMultipart } from "./multipart.js";
import { startTestServer } from "./server.js";
import type { TestServer } from "./server-types.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const json = (path: string, body?: unknown, method = body === undefined ? "GET" : "POST") =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function upload(content: string): Promise<string> {
  const form = new FormData();
  form.set("purpose", "batch");
  form.set("file", new File([content], "in.jsonl", { type: "application/jsonl" }));
  const res = await fetch(`${server.url}/v1/files`, { method: "POST", body: form });
  expect(res.status).toBe(200);
  const file = await res.json();
  expect(file).toMatchObject({
    object: "file",
    purpose: "batch",
    filename: "in.jsonl",
    bytes: Buffer.byteLength(content),
  });
  return file.id;
}

describe("OpenAI Files + Batch emulation", () => {
  it("stores an upload byte for byte and serves it back", async () => {
    const id = await upload('{"a":1}\n{"b":"é"}\n');
    expect(await (await json(`/v1/files/${id}/content`)).text()).toBe('{"a":1}\n{"b":"é"}\n');
    expect((await json("/v1/files/file-nope/content")).status).toBe(404);
  });

  it("fails a batch whose input has a bad line, with the line number, and answers 404 for unknown batches", async () => {
    const line = (id: string) =>
      JSON.stringify({
        custom_id: id,
        method: "POST",
        url: "/v1/chat/completions",
        body: { model: "m", messages: [] },
      });
    const fileId = await upload(`${line("a")}\nnot json\n${line("a")}\n`);
    const created = await (
      await json("/v1/batches", {
        input_file_id: fileId,
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
      })
    ).json();
    expect(created).toMatchObject({ object: "batch", status: "validating", request_counts: { total: 1 } });
    const ended = await (await json(`/v1/batches/${created.id}`)).json();
    expect(ended.status).toBe("failed");
    expect(ended.errors.data.map((e: { code: string; line: number }) => [e.code, e.line])).toEqual([
      ["invalid_json_line", 2],
      ["duplicate_custom_id", 3],
    ]);
    expect((await json("/v1/batches/batch_nope")).status).toBe(404);
    const wrong = await json("/v1/batches", {
      input_file_id: fileId,
      endpoint: "/v1/embeddings",
      completion_window: "24h",
    });
    expect(wrong.status).toBe(400);
  });
});

describe("Anthropic Message Batches emulation", () => {
  it("validates custom ids, and has no results before the batch ends", async () => {
    const bad = await json("/v1/messages/batches", {
      requests: [{ custom_id: "a b", params: { model: "m" } }],
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.type).toBe("invalid_request_error");
    server.batches.enqueue({ pollsBeforeEnd: 1 });
    const created = await (
      await json("/v1/messages/batches", {
        requests: [{ custom_id: "a", params: { model: "claude-x", max_tokens: 10, messages: [] } }],
      })
    ).json();
    expect(created).toMatchObject({
      type: "message_batch",
      processing_status: "in_progress",
      results_url: null,
    });
    expect((await json(`/v1/messages/batches/${created.id}/results`)).status).toBe(400);
    expect((await (await json(`/v1/messages/batches/${created.id}`)).json()).processing_status).toBe(
      "in_progress",
    );
    const ended = await (await json(`/v1/messages/batches/${created.id}`)).json();
    expect(ended).toMatchObject({
      processing_status: "ended",
      request_counts: { succeeded: 1, processing: 0 },
    });
    expect(ended.results_url).toBe(`${server.url}/v1/messages/batches/${created.id}/results`);
    const lines = (await (await fetch(ended.results_url)).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        custom_id: "a",
        result: {
          type: "succeeded",
          message: expect.objectContaining({ type: "message", model: "claude-x" }),
        },
      },
    ]);
  });
});

describe("parseMultipart", () => {
  it("reads fields and files, and refuses a body without a boundary", () => {
    const body =
      '--XY\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n--XY\r\nContent-Disposition: form-data; name="file"; filename="f.jsonl"\r\nContent-Type: application/jsonl\r\n\r\nline1\r\nline2\r\n--XY--\r\n';
    expect(parseMultipart(body, "multipart/form-data; boundary=XY")).toEqual([
      { name: "purpose", content: "batch" },
      { name: "file", filename: "f.jsonl", contentType: "application/jsonl", content: "line1\r\nline2" },
    ]);
    expect(() => parseMultipart(body, "application/json")).toThrow(/multipart/);
  });
});
