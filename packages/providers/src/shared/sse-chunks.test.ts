import { describe, expect, it } from "vitest";
import { SSE_END, sseChunks } from "./sse-chunks.js";

const encoder = new TextEncoder();

/** A body that delivers the given packets one read at a time, and records what happened to it. */
function body(packets: (string | Uint8Array)[], options: { failWith?: Error } = {}) {
  const seen = { pulls: 0, cancelled: false };
  let next = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        seen.pulls++;
        if (next < packets.length) {
          const packet = packets[next++]!;
          controller.enqueue(typeof packet === "string" ? encoder.encode(packet) : packet);
        } else if (options.failWith) controller.error(options.failWith);
        else controller.close();
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

const json = (event: { data: string }) => (event.data === "[DONE]" ? SSE_END : JSON.parse(event.data));

async function drain<C>(iterator: AsyncIterator<C>): Promise<C[]> {
  const out: C[] = [];
  for (let step = await iterator.next(); !step.done; step = await iterator.next()) out.push(step.value);
  return out;
}

describe("sseChunks", () => {
  it("parses events whatever the packet boundaries, including a character split across packets", async () => {
    const text = 'data: {"n":1}\n\ndata: {"t":"é"}\n\ndata: {"n":3}\n\n';
    const bytes = encoder.encode(text);
    const at = text.indexOf("é") + 1; // inside the two bytes of "é"
    const { stream } = body([bytes.slice(0, 3), bytes.slice(3, at), bytes.slice(at)]);
    expect(await drain(sseChunks(stream, json))).toEqual([{ n: 1 }, { t: "é" }, { n: 3 }]);
  });

  it("reads CRLF line endings, multi-line data, comments and named events", async () => {
    const names: (string | undefined)[] = [];
    const { stream } = body([': keep-alive\r\n\r\nevent: delta\r\ndata: {"a":\r\ndata: 1}\r\n\r\n']);
    const chunks = await drain(
      sseChunks(stream, (event) => {
        names.push(event.event);
        return JSON.parse(event.data);
      }),
    );
    expect(chunks).toEqual([{ a: 1 }]);
    expect(names).toEqual(["delta"]);
  });

  it("skips events `parse` maps to undefined", async () => {
    const { stream } = body(["data: 1\n\ndata: 2\n\ndata: 3\n\n"]);
    const chunks = await drain(sseChunks(stream, (e) => (e.data === "2" ? undefined : Number(e.data))));
    expect(chunks).toEqual([1, 3]);
  });

  it("ignores everything after SSE_END but still reads the body to its end (the connection is reused)", async () => {
    const { stream, seen } = body([
      'data: {"n":1}\n\ndata: [DONE]\n\ndata: {"n":2}\n\n',
      'data: {"n":3}\n\n',
    ]);
    expect(await drain(sseChunks(stream, json))).toEqual([{ n: 1 }]);
    expect(seen.cancelled).toBe(false);
    expect(seen.pulls).toBe(3); // both packets, then the end
  });

  it("drops an event the body cuts off before its blank line, as the SDK does", async () => {
    const { stream } = body(['data: {"n":1}\n\ndata: {"n":2}']);
    expect(await drain(sseChunks(stream, json))).toEqual([{ n: 1 }]);
  });

  it("hands out the chunks before a refused event, then fails with parse's error and cancels the body", async () => {
    const { stream, seen } = body([
      'data: {"n":1}\n\ndata: not json\n\ndata: {"n":2}\n\n',
      'data: {"n":3}\n\n',
    ]);
    const chunks = sseChunks(stream, json);
    expect(await chunks.next()).toEqual({ value: { n: 1 }, done: false });
    await expect(chunks.next()).rejects.toBeInstanceOf(SyntaxError);
    expect(seen.cancelled).toBe(true);
  });

  it("fails with the body's own error (a cut connection)", async () => {
    const cut = new TypeError("terminated");
    const { stream } = body(['data: {"n":1}\n\n'], { failWith: cut });
    const chunks = sseChunks(stream, json);
    expect((await chunks.next()).value).toEqual({ n: 1 });
    await expect(chunks.next()).rejects.toBe(cut);
    expect(await chunks.next()).toEqual({ value: undefined, done: true });
  });

  it("return() cancels the body, which closes the connection", async () => {
    const { stream, seen } = body(['data: {"n":1}\n\n', 'data: {"n":2}\n\n']);
    const chunks = sseChunks(stream, json);
    await chunks.next();
    expect(await chunks.return!()).toEqual({ value: undefined, done: true });
    expect(seen.cancelled).toBe(true);
    expect(await chunks.next()).toEqual({ value: undefined, done: true });
  });

  it("refuses a response without a body", () => {
    expect(() => sseChunks(null, json)).toThrow(TypeError);
  });
});
