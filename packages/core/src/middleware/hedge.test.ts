import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AbortedError, InvalidRequestError, NetworkError, OverloadedError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import type { Model, ModelRequest, StreamEvent } from "../model.js";
import { pipe } from "../pipe.js";
import { type ScriptStep, scriptedModel } from "../testing/index.js";
import { hedge } from "./hedge.js";
import { LatencyWindow } from "./latency-window.js";

const request: ModelRequest = { messages: [{ role: "user", content: "hi" }] };

/** A scripted model (one step per call) that also records the AbortSignal each call received. */
function signalRecording(script: ScriptStep[] | ((req: ModelRequest, call: number) => ScriptStep)) {
  const inner = scriptedModel(script);
  const signals: AbortSignal[] = [];
  const model: Model = {
    provider: inner.provider,
    id: inner.id,
    capabilities: inner.capabilities,
    generate(req, options) {
      signals.push(options!.signal!);
      return inner.generate(req, options);
    },
    stream(req, options) {
      signals.push(options!.signal!);
      return inner.stream(req, options);
    },
  };
  return { model, signals, inner };
}

function hedgeEvents(hub: EventHub): string[] {
  const seen: string[] = [];
  hub.on((e: KeelEvent) => {
    if (e.type === "hedge.sent") seen.push(`sent after ${e.afterMs}`);
    if (e.type === "hedge.won") seen.push(e.hedged ? "hedge won" : "first won");
  });
  return seen;
}

async function textOf(stream: AsyncIterable<StreamEvent>): Promise<string> {
  let text = "";
  for await (const e of stream) if (e.type === "text-delta") text += e.text;
  return text;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("hedge (generate)", () => {
  it("sends a second request after afterMs; the faster wins and the loser's signal is aborted", async () => {
    const hub = new EventHub();
    const seen = hedgeEvents(hub);
    const { model, signals } = signalRecording([
      { text: "slow", delayMs: 5_000 },
      { text: "fast", delayMs: 100 },
    ]);
    const call = pipe(model, hedge({ afterMs: 1_000, events: hub })).generate(request);
    await vi.advanceTimersByTimeAsync(999);
    expect(signals).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(101);
    expect((await call).text).toBe("fast");
    expect(signals).toHaveLength(2);
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[0]!.reason).toBeInstanceOf(AbortedError);
    expect(signals[1]!.aborted).toBe(false);
    expect(seen).toEqual(["sent after 1000", "hedge won"]);
  });

  it("sends nothing more when the first answers in time", async () => {
    const hub = new EventHub();
    const seen = hedgeEvents(hub);
    const { model, signals } = signalRecording([{ text: "quick", delayMs: 500 }]);
    const call = pipe(model, hedge({ afterMs: 1_000, events: hub })).generate(request);
    await vi.advanceTimersByTimeAsync(500);
    expect((await call).text).toBe("quick");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(signals).toHaveLength(1);
    expect(seen).toEqual([]);
  });

  it("aborts the hedge when the first request wins after all", async () => {
    const hub = new EventHub();
    const seen = hedgeEvents(hub);
    const { model, signals } = signalRecording([
      { text: "first", delayMs: 1_500 },
      { text: "hedge", delayMs: 5_000 },
    ]);
    const call = pipe(model, hedge({ afterMs: 1_000, events: hub })).generate(request);
    await vi.advanceTimersByTimeAsync(1_500);
    expect((await call).text).toBe("first");
    expect(signals[1]!.aborted).toBe(true);
    expect(seen).toEqual(["sent after 1000", "first won"]);
  });

  it("waits for the other request when one fails", async () => {
    const { model } = signalRecording([
      {
        events: [
          { type: "pause", ms: 1_500 },
          { type: "fail", error: new OverloadedError("busy") },
        ],
      },
      { text: "hedge", delayMs: 2_000 },
    ]);
    const call = pipe(model, hedge({ afterMs: 1_000 })).generate(request);
    await vi.advanceTimersByTimeAsync(3_000);
    expect((await call).text).toBe("hedge");
  });

  it("throws the last error when every request fails", async () => {
    const last = new NetworkError("reset");
    const { model } = signalRecording([
      {
        events: [
          { type: "pause", ms: 1_500 },
          { type: "fail", error: new OverloadedError("busy") },
        ],
      },
      {
        events: [
          { type: "pause", ms: 1_000 },
          { type: "fail", error: last },
        ],
      },
    ]);
    const call = pipe(model, hedge({ afterMs: 1_000 })).generate(request);
    const failed = expect(call).rejects.toBe(last);
    await vi.advanceTimersByTimeAsync(2_000);
    await failed;
  });

  it("fails at once, without hedging, when the only request fails early", async () => {
    const error = new OverloadedError("busy");
    const { model, signals } = signalRecording([error, "never"]);
    await expect(pipe(model, hedge({ afterMs: 1_000 })).generate(request)).rejects.toBe(error);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(signals).toHaveLength(1);
  });

  it("sends up to maxHedges extra requests, one delay apart", async () => {
    const { model, signals } = signalRecording([
      { text: "a", delayMs: 10_000 },
      { text: "b", delayMs: 10_000 },
      { text: "c", delayMs: 100 },
    ]);
    const call = pipe(model, hedge({ afterMs: 1_000, maxHedges: 2 })).generate(request);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(signals).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_100);
    expect((await call).text).toBe("c");
    expect(signals.map((s) => s.aborted)).toEqual([true, true, false]);
  });

  it("stops everything when the caller aborts", async () => {
    const { model, signals } = signalRecording([{ text: "slow", delayMs: 5_000 }]);
    const controller = new AbortController();
    const call = pipe(model, hedge({ afterMs: 1_000 })).generate(request, { signal: controller.signal });
    const failed = expect(call).rejects.toBeInstanceOf(AbortedError);
    await vi.advanceTimersByTimeAsync(500);
    controller.abort();
    await failed;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(signals).toHaveLength(1);
  });

  it("waits for the observed latency quantile once enough samples exist", async () => {
    const hub = new EventHub();
    const seen = hedgeEvents(hub);
    // Ten answers taking 100..1000 ms, then one that is slow.
    const { model } = signalRecording((_req, call) =>
      call < 10 ? { text: `a${call}`, delayMs: (call + 1) * 100 } : { text: "slow", delayMs: 60_000 },
    );
    const hedged = pipe(model, hedge({ afterMs: 5_000, quantile: 0.8, window: 10, events: hub }));
    for (let i = 0; i < 10; i++) {
      const call = hedged.generate(request);
      await vi.advanceTimersByTimeAsync((i + 1) * 100);
      await call;
    }
    expect(seen).toEqual([]);
    void hedged.generate(request).catch(() => {});
    await vi.advanceTimersByTimeAsync(799);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual(["sent after 800"]);
  });

  it("uses afterMs until minSamples latencies were seen", async () => {
    const hub = new EventHub();
    const seen = hedgeEvents(hub);
    const { model } = signalRecording((_req, call) =>
      call === 0 ? { text: "a", delayMs: 100 } : { text: "slow", delayMs: 60_000 },
    );
    const hedged = pipe(model, hedge({ afterMs: 3_000, quantile: 0.5, minSamples: 2, events: hub }));
    const first = hedged.generate(request);
    await vi.advanceTimersByTimeAsync(100);
    await first;
    void hedged.generate(request).catch(() => {});
    await vi.advanceTimersByTimeAsync(3_000);
    expect(seen).toEqual(["sent after 3000"]);
  });

  it("by default hedges after the p95 of observed latencies, and waits afterMs only until 20 were seen", async () => {
    const hub = new EventHub();
    const seen = hedgeEvents(hub);
    // Twenty answers taking 10..200 ms, then slow ones.
    const { model } = signalRecording((_req, call) =>
      call < 20 ? { text: `a${call}`, delayMs: (call + 1) * 10 } : { text: "slow", delayMs: 60_000 },
    );
    const hedged = pipe(model, hedge({ events: hub }));
    for (let i = 0; i < 20; i++) {
      const call = hedged.generate(request);
      await vi.advanceTimersByTimeAsync((i + 1) * 10);
      await call;
    }
    expect(seen).toEqual([]);
    void hedged.generate(request).catch(() => {});
    // The nearest-rank p95 of 10, 20, ..., 200 ms is 190 ms.
    await vi.advanceTimersByTimeAsync(190);
    expect(seen).toEqual(["sent after 190"]);
  });

  it("waits the 2000 ms warm-up delay before enough latencies were seen, and always with quantile: false", async () => {
    const hub = new EventHub();
    const seen = hedgeEvents(hub);
    const { model } = signalRecording((_req, call) =>
      call < 3 ? { text: `a${call}`, delayMs: 10 } : { text: "slow", delayMs: 60_000 },
    );
    const fixed = pipe(model, hedge({ quantile: false, minSamples: 1, events: hub }));
    for (let i = 0; i < 3; i++) {
      const call = fixed.generate(request);
      await vi.advanceTimersByTimeAsync(10);
      await call;
    }
    void fixed.generate(request).catch(() => {});
    await vi.advanceTimersByTimeAsync(1_999);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual(["sent after 2000"]);
  });

  it("records the latency the caller saw, so a straggler rescued by a hedge counts as slow", async () => {
    const hub = new EventHub();
    const seen = hedgeEvents(hub);
    // Every first request straggles; every hedge answers 10 ms after it is sent.
    const { model } = signalRecording((_req, call) =>
      call % 2 === 0 ? { text: "straggler", delayMs: 60_000 } : { text: "hedge", delayMs: 10 },
    );
    const hedged = pipe(model, hedge({ afterMs: 100, quantile: 0.5, window: 2, minSamples: 2, events: hub }));
    for (let i = 0; i < 2; i++) {
      const call = hedged.generate(request);
      await vi.advanceTimersByTimeAsync(110);
      expect((await call).text).toBe("hedge");
    }
    void hedged.generate(request).catch(() => {});
    await vi.advanceTimersByTimeAsync(110);
    // Each call took 110 ms for its caller (not the 10 ms the winning hedge took itself).
    expect(seen.filter((e) => e.startsWith("sent"))).toEqual([
      "sent after 100",
      "sent after 100",
      "sent after 110",
    ]);
  });

  it("records a stream's time to first content as the caller saw it, hedge included", async () => {
    const hub = new EventHub();
    const seen = hedgeEvents(hub);
    const { model } = signalRecording((_req, call) =>
      call % 2 === 0 ? { text: "straggler", delayMs: 60_000 } : { text: "hedge", delayMs: 10 },
    );
    const hedged = pipe(model, hedge({ afterMs: 100, quantile: 0.5, window: 2, minSamples: 2, events: hub }));
    for (let i = 0; i < 2; i++) {
      const stream = hedged.stream(request);
      const text = textOf(stream);
      await vi.advanceTimersByTimeAsync(110);
      expect(await text).toBe("hedge");
    }
    const third = textOf(hedged.stream(request)).catch(() => "");
    await vi.advanceTimersByTimeAsync(110);
    expect(seen.filter((e) => e.startsWith("sent"))).toEqual([
      "sent after 100",
      "sent after 100",
      "sent after 110",
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    await third;
  });

  it("rejects bad options", () => {
    expect(() => hedge({ quantile: 1 })).toThrow(InvalidRequestError);
    expect(() => hedge({ quantile: 0 })).toThrow(/quantile/);
    expect(() => hedge({ afterMs: -1 })).toThrow(/afterMs/);
    expect(() => hedge({ window: 5, minSamples: 6 })).toThrow(/minSamples/);
    expect(() => hedge({ maxHedges: 0 })).toThrow(/maxHedges/);
    expect(() => hedge({ quantile: true as unknown as false })).toThrow(/quantile/);
    expect(() => hedge({ quantile: false })).not.toThrow();
  });
});

describe("hedge (stream)", () => {
  it("the first stream to produce content wins; the other is aborted before its events reach the caller", async () => {
    const hub = new EventHub();
    const seen = hedgeEvents(hub);
    const { model, signals } = signalRecording([
      // Sends metadata at once but no content for a long time: it still counts as slow.
      {
        events: [
          { type: "response-metadata", requestId: "slow" },
          { type: "pause", ms: 5_000 },
          { type: "text-delta", text: "SLOW" },
          { type: "finish", finishReason: "stop" },
        ],
      },
      { text: "fast answer", delayMs: 200, chunkSize: 4 },
    ]);
    const stream = pipe(model, hedge({ afterMs: 1_000, events: hub })).stream(request);
    const text = textOf(stream);
    await vi.advanceTimersByTimeAsync(1_200);
    expect(await text).toBe("fast answer");
    const response = await stream.response;
    expect(response.text).toBe("fast answer");
    expect(response.requestId).toBe("req_2");
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[1]!.aborted).toBe(false);
    expect(seen).toEqual(["sent after 1000", "hedge won"]);
  });

  it("keeps the first stream when it produces content before the hedge", async () => {
    const { model, signals } = signalRecording([
      {
        events: [
          { type: "pause", ms: 1_500 },
          { type: "text-delta", text: "first" },
          { type: "pause", ms: 3_000 },
          { type: "text-delta", text: " done" },
          { type: "finish", finishReason: "stop" },
        ],
      },
      { text: "hedge", delayMs: 2_000 },
    ]);
    const stream = pipe(model, hedge({ afterMs: 1_000 })).stream(request);
    const text = textOf(stream);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(signals[1]!.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(await text).toBe("first done");
  });

  it("throws the last error when every stream fails before content", async () => {
    const last = new NetworkError("reset");
    const { model } = signalRecording([
      {
        events: [
          { type: "pause", ms: 1_500 },
          { type: "fail", error: new OverloadedError("busy") },
        ],
      },
      {
        events: [
          { type: "pause", ms: 1_000 },
          { type: "fail", error: last },
        ],
      },
    ]);
    const stream = pipe(model, hedge({ afterMs: 1_000 })).stream(request);
    const failed = expect(stream.response).rejects.toBe(last);
    await vi.advanceTimersByTimeAsync(2_000);
    await failed;
  });

  it("aborts the winner's request when the consumer stops reading", async () => {
    const { model, signals } = signalRecording([{ text: "a long answer", chunkSize: 2 }]);
    for await (const e of pipe(model, hedge({ afterMs: 1_000 })).stream(request))
      if (e.type === "text-delta") break;
    expect(signals[0]!.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(signals).toHaveLength(1);
  });
});

describe("LatencyWindow", () => {
  it("keeps the last `capacity` samples and reports nearest-rank quantiles", () => {
    const window = new LatencyWindow(4);
    expect(window.quantile(0.5)).toBeUndefined();
    for (const ms of [1000, 10, 20, 30, 40]) window.add(ms);
    expect(window.size).toBe(4);
    expect(window.quantile(0.5)).toBe(20);
    expect(window.quantile(0.95)).toBe(40);
  });
});
