import { createHook } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { EventHub } from "../events.js";
import { retry } from "../middleware/retry.js";
import { timeout } from "../middleware/timeout.js";
import type { Model, StreamEvent } from "../model.js";
import { pipe } from "../pipe.js";
import { observeModel } from "../telemetry/observe-model.js";
import { chunkEventSource } from "./chunk-event-source.js";
import { createModelStream } from "./model-stream.js";
import { AbortRacedReads, isFusable, ReadThrough, readThen, thenStep } from "./stream-read.js";

const text = (t: string): StreamEvent => ({ type: "text-delta", text: t });

/** A plain (not fusable) iterator over some events. */
function plain(events: StreamEvent[]): AsyncIterator<StreamEvent> {
  let i = 0;
  return {
    next: async () =>
      i < events.length ? { value: events[i++]!, done: false } : { value: undefined, done: true },
  };
}

/** A model whose stream is a chunk source over `n` pre-parsed chunks, as the OpenAI adapter's is. */
function chunkModel(n: number): Model {
  return {
    provider: "test",
    id: "chunks",
    capabilities: { streaming: true, tools: false, jsonSchema: false, vision: false, reasoning: false },
    generate: () => Promise.reject(new Error("stream only")),
    stream: (_request, options) =>
      createModelStream(
        () => {
          let i = 0;
          return chunkEventSource<string>({
            open: async () => ({
              next: async () =>
                i < n ? { value: `w${i++}`, done: false } : { value: undefined, done: true },
            }),
            map: (chunk) => [text(chunk)],
            toError: (error) => error,
            end: () => [{ type: "finish", finishReason: "stop" }],
          });
        },
        { provider: "test", model: "chunks", ...(options ? { options } : {}) },
      ),
  };
}

/** Promises created while `run` runs. */
async function promisesCreatedBy(run: () => Promise<void>): Promise<number> {
  let count = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === "PROMISE") count++;
    },
  });
  hook.enable();
  try {
    await run();
  } finally {
    hook.disable();
  }
  return count;
}

describe("fused reads", () => {
  it("readThen on a plain iterator is next().then", async () => {
    const it = plain([text("a")]);
    expect(isFusable(it)).toBe(false);
    expect(
      await readThen(
        it,
        (step) => step.value,
        () => "failed",
      ),
    ).toEqual(text("a"));
  });

  it("thenStep sends a throw of the layer's own handler to onError, and the reader's own throw out", async () => {
    const boom = () => {
      throw new Error("own");
    };
    expect(
      thenStep(
        boom,
        1,
        () => "step",
        (e) => (e as Error).message,
      ),
    ).toBe("own");
    expect(() =>
      thenStep(
        () => ({ value: undefined, done: true }),
        1,
        () => {
          throw new Error("reader");
        },
        () => "not this",
      ),
    ).toThrow("reader");
  });

  it("ReadThrough composes the handlers once per reader, not once per read", async () => {
    const seen: string[] = [];
    const through = new ReadThrough(
      (step) => {
        if (!step.done) seen.push((step.value as { text: string }).text);
        return step;
      },
      (error) => {
        throw error;
      },
    );
    const source = chunkEventSource<string>({
      open: async () => plain([text("x"), text("y")]) as unknown as AsyncIterator<string>,
      map: (chunk) => [chunk as unknown as StreamEvent],
      toError: (e) => e,
      end: () => [],
    });
    // Record the handlers the source is given on each read.
    const given: unknown[] = [];
    const readThenOf = source.readThen.bind(source);
    source.readThen = (step, error) => {
      given.push(step, error);
      return readThenOf(step, error);
    };
    const onStep = (step: IteratorResult<StreamEvent>) => step.done;
    const onError = () => true;
    expect(await through.read(source, onStep, onError)).toBe(false);
    expect(await through.read(source, onStep, onError)).toBe(false);
    expect(await through.read(source, onStep, onError)).toBe(true);
    expect(seen).toEqual(["x", "y"]);
    // Same reader, same composed handlers: nothing was made per read.
    expect(new Set(given).size).toBe(2);
    // Another reader gets handlers of its own.
    await through.read(source, (step) => step.done, onError);
    expect(new Set(given).size).toBe(4);
  });

  it("a chunk source under createModelStream, retry and timeout costs a few promises per event, not one per layer", async () => {
    const events = 200;
    const model = pipe(chunkModel(events), retry(), timeout({ ms: 60_000 }));
    const drain = async () => {
      let n = 0;
      for await (const event of model.stream({ messages: [{ role: "user", content: "hi" }] }))
        if (event.type === "text-delta") n++;
      expect(n).toBe(events);
    };
    await drain(); // warm up
    const perEvent = (await promisesCreatedBy(drain)) / events;
    // Per event: the chunk iterator's own promise, the one `then` all layers share, and the
    // consumer's `for await`. Unfused, each of the four layers added at least one more.
    expect(perEvent).toBeLessThan(4);
  });

  it("stays fused with telemetry on (an observed call over a Keel stream)", async () => {
    const events = 200;
    const hub = new EventHub();
    const seen: string[] = [];
    hub.on((event) => seen.push(event.type));
    const model = pipe(
      observeModel(chunkModel(events), { events: hub }),
      retry({ events: hub }),
      timeout({ ms: 60_000 }),
    );
    const drain = async () => {
      for await (const _ of model.stream({ messages: [{ role: "user", content: "hi" }] }));
    };
    await drain();
    const perEvent = (await promisesCreatedBy(drain)) / events;
    expect(perEvent).toBeLessThan(4);
    expect(seen).toContain("model.call.finished");
  });
});

describe("AbortRacedReads", () => {
  it("ends a read in flight when the signal fires, and can drop its listener", async () => {
    const controller = new AbortController();
    const reads = new AbortRacedReads(controller.signal);
    const stuck: AsyncIterator<StreamEvent> = { next: () => new Promise(() => {}) };
    const pending = reads.next(stuck);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
    await expect(reads.next(stuck)).rejects.toThrow("stop");

    const other = new AbortController();
    const dropped = new AbortRacedReads(other.signal);
    dropped.dispose();
    const read = dropped.next(plain([text("a")]));
    other.abort();
    await expect(read).resolves.toEqual({ value: text("a"), done: false });
  });
});
