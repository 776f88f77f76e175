import { describe, expect, it } from "vitest";
import { AbortedError, KeelError, NetworkError, OverloadedError } from "../errors.js";
import type { ModelResponse, StreamEvent } from "../model.js";
import { toKeelError } from "../to-keel-error.js";
import { chunkEventSource } from "./chunk-event-source.js";
import { ResponseAccumulator } from "./response-accumulator.js";
import { type StreamLayerHooks, streamLayer } from "./stream-layer.js";
import { isFusable } from "./stream-read.js";

const text = (t: string): StreamEvent => ({ type: "text-delta", text: t });
const finish: StreamEvent = { type: "finish", finishReason: "stop" };

/** A source that yields `events`, then throws `error` when given; records whether it was closed. */
function source(events: StreamEvent[], error?: unknown) {
  const log = { closed: false, reads: 0 };
  async function* run(): AsyncGenerator<StreamEvent> {
    try {
      for (const event of events) {
        log.reads++;
        yield event;
      }
      if (error !== undefined) throw error;
    } finally {
      log.closed = true;
    }
  }
  return { iterator: run(), log };
}

/** Hooks that accumulate the events into a response, as `createModelStream` does. */
function accumulating(open: () => AsyncIterator<StreamEvent>, extra: Partial<StreamLayerHooks> = {}) {
  const acc = new ResponseAccumulator("p", "m");
  const seen: StreamEvent[] = [];
  const cleanups: string[] = [];
  const hooks: StreamLayerHooks = {
    open,
    event(event) {
      seen.push(event);
      acc.add(event);
    },
    end: () => acc.finish(),
    toError: (thrown) => toKeelError(thrown, "p"),
    cleanup: (how) => cleanups.push(how),
    ...extra,
  };
  return { hooks, seen, cleanups };
}

async function drain(stream: AsyncIterable<StreamEvent>) {
  const events: StreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

describe("streamLayer", () => {
  it("forwards the source's events through the event hook and settles response from end", async () => {
    const { iterator } = source([text("a"), text("b"), finish]);
    const { hooks, seen, cleanups } = accumulating(() => iterator);
    const stream = streamLayer(hooks);
    const { events, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(events).toEqual([text("a"), text("b"), finish]);
    expect(seen).toEqual(events);
    expect((await stream.response).text).toBe("ab");
    expect(cleanups).toEqual(["end"]);
  });

  it("opens lazily: nothing starts before the first read or response", async () => {
    let opened = 0;
    const stream = streamLayer(
      accumulating(() => {
        opened++;
        return source([finish]).iterator;
      }).hooks,
    );
    expect(opened).toBe(0);
    await stream.response;
    expect(opened).toBe(1);
  });

  it("hands out one error event, then throws it, then reads as done", async () => {
    const { iterator, log } = source([text("a")], new NetworkError("reset"));
    const { hooks, cleanups } = accumulating(() => iterator);
    const stream = streamLayer(hooks);
    const it = stream[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ value: text("a"), done: false });
    const failed = await it.next();
    expect(failed.value).toMatchObject({ type: "error", error: expect.any(NetworkError) });
    await expect(it.next()).rejects.toBeInstanceOf(NetworkError);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    await expect(stream.response).rejects.toBeInstanceOf(NetworkError);
    expect(log.closed).toBe(true);
    expect(cleanups).toEqual(["fail"]);
  });

  it("closes a source that yields an error event before handing the error out", async () => {
    const { iterator, log } = source([
      text("a"),
      { type: "error", error: new OverloadedError("busy") },
      text("never"),
    ]);
    const { hooks } = accumulating(() => iterator);
    const { events, error } = await drain(streamLayer(hooks));
    expect(events.map((e) => e.type)).toEqual(["text-delta", "error"]);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(log.closed).toBe(true);
    expect(log.reads).toBe(2);
  });

  it("turns a throw from open, a throw from end and a rejected end into the stream's failure", async () => {
    const fromOpen = streamLayer(
      accumulating(() => {
        throw new Error("no socket");
      }).hooks,
    );
    await expect(fromOpen.response).rejects.toBeInstanceOf(KeelError);
    const rejectedEnd = streamLayer(
      accumulating(() => source([finish]).iterator, {
        end: () => Promise.reject(new OverloadedError("late")),
      }).hooks,
    );
    const { error } = await drain(rejectedEnd);
    expect(error).toBeInstanceOf(OverloadedError);
    const throwingEnd = streamLayer(
      accumulating(() => source([finish]).iterator, {
        end: () => {
          throw new NetworkError("cut");
        },
      }).hooks,
    );
    await expect(throwingEnd.response).rejects.toBeInstanceOf(NetworkError);
  });

  it("continues from the source recover returns, and fails when it gives up", async () => {
    const attempts = [source([text("x")], new OverloadedError("busy")), source([text("ok"), finish])];
    let opened = 0;
    const recovered: KeelError[] = [];
    const { hooks } = accumulating(() => attempts[opened++]!.iterator, {
      recover(error) {
        recovered.push(error);
        return opened < attempts.length ? Promise.resolve(attempts[opened++]!.iterator) : undefined;
      },
    });
    const { events, error } = await drain(streamLayer(hooks));
    expect(error).toBeUndefined();
    expect(events).toEqual([text("x"), text("ok"), finish]);
    expect(recovered).toHaveLength(1);
    expect(attempts[0]!.log.closed).toBe(true);

    const giveUp = accumulating(() => source([], new OverloadedError("busy")).iterator, {
      recover: () => Promise.resolve(undefined),
    });
    expect((await drain(streamLayer(giveUp.hooks))).error).toBeInstanceOf(OverloadedError);
  });

  it("closing early settles response with AbortedError, closes the source and runs cleanup once", async () => {
    const { iterator, log } = source([text("a"), text("b"), finish]);
    const reasons: unknown[] = [];
    const { hooks, cleanups } = accumulating(() => iterator, {
      cleanup: (how, reason) => {
        cleanups.push(how);
        reasons.push(reason);
      },
    });
    const stream = streamLayer(hooks);
    for await (const _ of stream) break;
    await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
    expect(log.closed).toBe(true);
    expect(cleanups).toEqual(["close"]);
    expect(reasons[0]).toBeInstanceOf(AbortedError);
  });

  it("races a foreign source's reads against the signal, so an abort ends a read in flight", async () => {
    const controller = new AbortController();
    const stuck: AsyncIterator<StreamEvent> = {
      next: () => new Promise<IteratorResult<StreamEvent>>(() => {}),
      return: async () => ({ value: undefined, done: true }),
    };
    const stream = streamLayer(
      accumulating(() => stuck, {
        signal: controller.signal,
        toError: (thrown) =>
          controller.signal.aborted ? new AbortedError("aborted", { cause: thrown }) : toKeelError(thrown),
      }).hooks,
    );
    const done = drain(stream);
    controller.abort();
    const { error } = await done;
    expect(error).toBeInstanceOf(AbortedError);
  });

  it("is fusable, and reads a fusable source in its own then", async () => {
    const chunks = ["a", "b"];
    const inner = chunkEventSource<string>({
      open: async () =>
        (async function* () {
          yield* chunks;
        })(),
      map: (chunk) => [text(chunk)],
      toError: (error) => error,
      end: () => [finish],
    });
    const stream = streamLayer(accumulating(() => inner).hooks);
    const iterator = stream[Symbol.asyncIterator]();
    expect(isFusable(iterator)).toBe(true);
    const events: StreamEvent[] = [];
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) events.push(step.value);
    expect(events).toEqual([text("a"), text("b"), finish]);
    const response: ModelResponse = await stream.response;
    expect(response.text).toBe("ab");
  });
});
