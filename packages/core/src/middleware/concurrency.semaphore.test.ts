import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { Semaphore } from "./semaphore.js";

// The in-process slots behind `concurrency`: how many are held and when one comes back.

describe("Semaphore slot accounting", () => {
  it("counts the slots held, refuses tryAcquire when none is free, and frees a released slot", () => {
    const slots = new Semaphore(1);
    expect(slots.inFlight).toBe(0);
    const release = slots.tryAcquire();
    expect(release).toBeTypeOf("function");
    expect(slots.inFlight).toBe(1);
    expect(slots.tryAcquire()).toBeUndefined();
    release!();
    expect(slots.inFlight).toBe(0);
    const again = slots.tryAcquire();
    expect(again).toBeTypeOf("function");
    again!();
  });

  it("frees a slot once however often its release is called", async () => {
    const slots = new Semaphore(1);
    const release = slots.tryAcquire()!;
    release();
    release();
    expect(slots.inFlight).toBe(0);
    const held = slots.tryAcquire()!;
    expect(slots.tryAcquire()).toBeUndefined();

    // With callers waiting, a repeated release does not let a second one in.
    const first = slots.acquire();
    const second = slots.acquire();
    held();
    held();
    await first;
    expect(slots.waiting).toBe(1);
    expect(slots.inFlight).toBe(1);
    (await first)();
    (await second)();
  });

  it("leaves no listener on a long-lived caller signal once a waiter gets its slot", async () => {
    const slots = new Semaphore(1);
    const shutdown = new AbortController();
    for (let i = 0; i < 3; i++) {
      const held = slots.tryAcquire()!;
      const waiting = slots.acquire(shutdown.signal);
      expect(getEventListeners(shutdown.signal, "abort")).toHaveLength(1);
      held();
      (await waiting)();
    }
    expect(getEventListeners(shutdown.signal, "abort")).toHaveLength(0);
  });
});
