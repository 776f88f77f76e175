import { describe, expect, it, vi } from "vitest";
import type { StreamEvent } from "../model.js";
import { chunkEventSource } from "./chunk-event-source.js";

/** A chunk iterator that records whether it was closed. */
function chunksOf(values: string[]) {
  const closed = vi.fn(async () => ({ value: undefined, done: true as const }));
  let i = 0;
  const iterator: AsyncIterator<string> = {
    next: async () =>
      i < values.length ? { value: values[i++]!, done: false } : { value: undefined, done: true },
    return: closed,
  };
  return { iterator, closed };
}

const text = (t: string): StreamEvent => ({ type: "text-delta", text: t });

async function drain(source: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of source) out.push(event);
  return out;
}

describe("chunkEventSource", () => {
  it("hands out each chunk's events, skips empty chunks, then the closing events, then runs done", async () => {
    const { iterator } = chunksOf(["a", "", "bc"]);
    const done = vi.fn();
    const source = chunkEventSource({
      open: async () => iterator,
      map: (chunk) => [...chunk].map(text),
      toError: (error) => error,
      end: () => [{ type: "finish", finishReason: "stop" }],
      done,
    });
    expect(await drain(source)).toEqual([
      text("a"),
      text("b"),
      text("c"),
      { type: "finish", finishReason: "stop" },
    ]);
    expect(done).toHaveBeenCalledOnce();
  });

  it("closes the chunks and converts the error when mapping throws", async () => {
    const { iterator, closed } = chunksOf(["a", "b"]);
    const source = chunkEventSource({
      open: async () => iterator,
      map: () => {
        throw new Error("bad chunk");
      },
      toError: (error) => new Error(`converted: ${(error as Error).message}`),
      end: () => [],
    });
    await expect(drain(source)).rejects.toThrow("converted: bad chunk");
    expect(closed).toHaveBeenCalledOnce();
  });

  it("converts a failure to open, and closes the chunks when the consumer stops early", async () => {
    const failing = chunkEventSource<string>({
      open: async () => {
        throw new Error("refused");
      },
      map: () => [],
      toError: (error) => new Error(`converted: ${(error as Error).message}`),
      end: () => [],
    });
    await expect(drain(failing)).rejects.toThrow("converted: refused");

    const { iterator, closed } = chunksOf(["a", "b"]);
    const done = vi.fn();
    const source = chunkEventSource({
      open: async () => iterator,
      map: (chunk) => [text(chunk)],
      toError: (error) => error,
      end: () => [],
      done,
    });
    for await (const _ of source) break;
    expect(closed).toHaveBeenCalledOnce();
    expect(done).not.toHaveBeenCalled();
  });
});
