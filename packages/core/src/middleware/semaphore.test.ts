import { describe, expect, it } from "vitest";
import { AbortedError } from "../errors.js";
import { Semaphore } from "./semaphore.js";

describe("Semaphore", () => {
  it("hands slots out first come, first served, and passes a freed slot to the longest waiter", async () => {
    const slots = new Semaphore(1);
    const order: string[] = [];
    const first = await slots.acquire();
    const inLine = (name: string) =>
      slots.acquire().then((release) => {
        order.push(name);
        return release;
      });
    const second = inLine("second");
    const third = inLine("third");
    expect(slots.waiting).toBe(2);
    first();
    first(); // a second release does nothing
    (await second)();
    (await third)();
    expect(order).toEqual(["second", "third"]);
    expect(slots.waiting).toBe(0);
  });

  it("lets an aborted waiter leave the line without taking a slot", async () => {
    const slots = new Semaphore(1);
    const held = await slots.acquire();
    const controller = new AbortController();
    const leaving = slots.acquire(controller.signal);
    const staying = slots.acquire();
    controller.abort();
    await expect(leaving).rejects.toBeInstanceOf(AbortedError);
    expect(slots.waiting).toBe(1);
    held();
    (await staying)();
    await expect(slots.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
  });
});
