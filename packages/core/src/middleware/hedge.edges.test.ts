import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { NetworkError, OverloadedError } from "../errors.js";
import { EventHub } from "../events.js";
import type { ModelRequest, ModelStream, StreamEvent } from "../model.js";
import { pipe, wrapModel } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { drain } from "./__fixtures__/harness.js";
import { fallback } from "./fallback.js";
import { hedge } from "./hedge.js";

const request: ModelRequest = { messages: [{ role: "user", content: "hi" }] };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("hedge: options", () => {
  it("names the option that is out of range", () => {
    const bad: Array<[string, Parameters<typeof hedge>[0]]> = [
      ["afterMs", { afterMs: -1 }],
      ["window", { window: 0, minSamples: 1 }],
      ["window", { window: 2.5, minSamples: 1 }],
      ["minSamples", { window: 5, minSamples: 0 }],
      ["minSamples", { window: 5, minSamples: 1.5 }],
      ["maxHedges", { maxHedges: 0 }],
      ["maxHedges", { maxHedges: 1.5 }],
    ];
    for (const [name, options] of bad)
      expect(() => hedge(options), name).toThrow(new RegExp(`^hedge: option \`${name}\``));
    expect(() => hedge({ quantile: "0.5" as unknown as number })).toThrow(/^hedge: option `quantile`/);
    expect(() => hedge({ window: 1, minSamples: 1, maxHedges: 3, afterMs: 0 })).not.toThrow();
  });
});

describe("hedge (stream): what reaches the caller", () => {
  it("hands out the winner's events as they are, and emits hedge.won only when a hedge was sent", async () => {
    const hub = new EventHub();
    const won: boolean[] = [];
    hub.on((e) => e.type === "hedge.won" && won.push(e.hedged));
    const model = pipe(
      scriptedModel([{ text: "abcd", chunkSize: 2 }]),
      hedge({ afterMs: 1_000, events: hub }),
    );
    const { seen, error } = await drain(model.stream(request));
    expect(error).toBeUndefined();
    expect(seen.map((e) => e.type)).toEqual([
      "response-metadata",
      "text-delta",
      "text-delta",
      "usage",
      "finish",
    ]);
    expect(won).toEqual([]);
  });

  it("serves a stream that ends without any content", async () => {
    const finishOnly: StreamEvent[] = [{ type: "finish", finishReason: "stop" }];
    const model = pipe(scriptedModel([{ events: finishOnly }]), hedge({ afterMs: 1_000 }));
    const stream = model.stream(request);
    const { seen, error } = await drain(stream);
    expect(error).toBeUndefined();
    expect(seen).toEqual(finishOnly);
    expect((await stream.response).text).toBe("");
  });

  it("fails the stream with the winner's error when it fails after content", async () => {
    const broken = new NetworkError("reset");
    const model = pipe(
      scriptedModel([
        {
          events: [
            { type: "text-delta", text: "par" },
            { type: "fail", error: broken },
          ],
        },
      ]),
      hedge({ afterMs: 1_000 }),
    );
    const stream = model.stream(request);
    const { seen, error } = await drain(stream);
    expect(error).toBe(broken);
    expect(seen.filter((e) => e.type === "text-delta")).toEqual([{ type: "text-delta", text: "par" }]);
    await expect(stream.response).rejects.toBe(broken);
  });

  it("keeps what inner middleware put on the response", async () => {
    const primary = scriptedModel([new OverloadedError("busy")], { id: "primary", provider: "openai" });
    const backup = scriptedModel(["backup"], { id: "backup", provider: "anthropic" });
    const model = pipe(pipe(primary, fallback([backup])), hedge({ afterMs: 1_000 }));
    const response = await model.stream(request).response;
    expect(response.text).toBe("backup");
    expect(response.failovers).toEqual([{ from: "primary", to: "backup", errorCode: "overloaded" }]);
  });

  it("ends the winner's stream when the consumer stops reading, so its response settles", async () => {
    const inner = scriptedModel([{ text: "a long answer", chunkSize: 2 }]);
    const started: ModelStream[] = [];
    const watched = wrapModel(inner, {
      stream: (req, options) => {
        const stream = inner.stream(req, options);
        started.push(stream);
        return stream;
      },
    });
    for await (const e of pipe(watched, hedge({ afterMs: 1_000 })).stream(request))
      if (e.type === "text-delta") break;
    expect(started).toHaveLength(1);
    await expect(started[0]!.response).rejects.toMatchObject({ code: "aborted" });
  });
});
