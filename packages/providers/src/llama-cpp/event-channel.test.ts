import { describe, expect, it } from "vitest";
import { EventChannel } from "./event-channel.js";

describe("EventChannel", () => {
  it("delivers items pushed before and while reading, in order, then ends", async () => {
    const channel = new EventChannel<number>();
    channel.push(1);
    const read = (async () => {
      const seen: number[] = [];
      for await (const n of channel) seen.push(n);
      return seen;
    })();
    await Promise.resolve();
    channel.push(2);
    channel.push(3);
    channel.close();
    channel.push(4); // after close: ignored
    expect(await read).toEqual([1, 2, 3]);
  });

  it("ends with the error after the buffered items", async () => {
    const channel = new EventChannel<number>();
    channel.push(1);
    channel.fail(new Error("boom"));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const n of channel) seen.push(n);
      })(),
    ).rejects.toThrow("boom");
    expect(seen).toEqual([1]);
  });
});
