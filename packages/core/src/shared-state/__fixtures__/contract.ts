import { expect, it } from "vitest";
import type { SharedState } from "../shared-state.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The behaviour every `SharedState` promises, run against each implementation. `make` returns a
 * store whose keys no other test touches. Timings use real sleeps well past each expiry.
 */
export function sharedStateContract(make: () => SharedState): void {
  it("takes from every bucket at once or from none, and says how long until the cost fits", async () => {
    const store = make();
    const rpm = { key: "r", capacity: 3, periodMs: 60_000, cost: 1 };
    const tpm = { key: "t", capacity: 100, periodMs: 60_000, cost: 40 };
    expect(await store.takeTokens([rpm, tpm])).toEqual({ ok: true, waitMs: 0, blockedBy: 0 });
    expect((await store.takeTokens([rpm, tpm])).ok).toBe(true);
    // 20 tokens left: a cost of 40 is refused and the request bucket keeps its last token.
    const refused = await store.takeTokens([rpm, tpm]);
    expect(refused.ok).toBe(false);
    expect(refused.blockedBy).toBe(1);
    expect(refused.waitMs).toBeGreaterThan(0);
    expect(refused.waitMs).toBeLessThanOrEqual(20 * 600);
    expect((await store.takeTokens([rpm])).ok).toBe(true);
    const empty = await store.takeTokens([rpm]);
    expect(empty.ok).toBe(false);
    expect(empty.waitMs).toBeLessThanOrEqual(20_000);
  });

  it("refunds up to capacity and lets a correction drive a bucket into debt", async () => {
    const store = make();
    const bucket = { key: "b", capacity: 10, periodMs: 60_000, cost: 10 };
    expect((await store.takeTokens([bucket])).ok).toBe(true);
    await store.adjustTokens({ ...bucket, cost: -4 });
    expect((await store.takeTokens([{ ...bucket, cost: 4 }])).ok).toBe(true);
    await store.adjustTokens({ ...bucket, cost: -1000 });
    expect((await store.takeTokens([{ ...bucket, cost: 11 }])).ok).toBe(false);
    expect((await store.takeTokens([bucket])).ok).toBe(true);
    await store.adjustTokens({ ...bucket, cost: 5 });
    const owed = await store.takeTokens([{ ...bucket, cost: 1 }]);
    expect(owed.ok).toBe(false);
    // 5 in debt plus the 1 asked for, at 10 per minute: about 36 s.
    expect(owed.waitMs).toBeGreaterThan(30_000);
  });

  it("counts per window, refuses what passes a limit, and drops amounts for a window that ended", async () => {
    const store = make();
    const first = await store.addToCounter({ key: "c", windowMs: 0, delta: 0.25, limit: 1 });
    expect(first).toEqual({ ok: true, total: 0.25, window: 0 });
    expect(await store.addToCounter({ key: "c", windowMs: 0, delta: 0.5, limit: 1 })).toMatchObject({
      ok: true,
      total: 0.75,
    });
    expect(await store.addToCounter({ key: "c", windowMs: 0, delta: 0.5, limit: 1 })).toMatchObject({
      ok: false,
      total: 0.75,
    });
    expect(await store.addToCounter({ key: "c", windowMs: 0, delta: -0.5, limit: 1 })).toMatchObject({
      total: 0.25,
    });
    const windowed = await store.addToCounter({ key: "w", windowMs: 40, delta: 1 });
    await sleep(100);
    const later = await store.addToCounter({ key: "w", windowMs: 40, delta: 2 });
    expect(later.window).toBeGreaterThan(windowed.window);
    expect(later.total).toBe(2);
    expect(
      await store.addToCounter({ key: "w", windowMs: 40, delta: 5, window: windowed.window }),
    ).toMatchObject({
      total: 2,
    });
  });

  it("hands out at most max leases, frees released and expired ones, renews live ones only", async () => {
    const store = make();
    const a = await store.acquireLease("s", 2, 60);
    const b = await store.acquireLease("s", 2, 60_000);
    expect(a.ok && b.ok).toBe(true);
    const full = await store.acquireLease("s", 2, 60_000);
    expect(full).toMatchObject({ ok: false, held: 2 });
    if (full.ok || !b.ok || !a.ok) throw new Error("unreachable");
    expect(full.retryInMs).toBeLessThanOrEqual(60);
    await sleep(120); // a expires
    expect(await store.renewLease("s", a.id, 60_000)).toBe(false);
    expect(await store.renewLease("s", b.id, 60_000)).toBe(true);
    const c = await store.acquireLease("s", 2, 60_000);
    expect(c.ok).toBe(true);
    expect((await store.acquireLease("s", 2, 60_000)).ok).toBe(false);
    await store.releaseLease("s", b.id);
    expect((await store.acquireLease("s", 2, 60_000)).ok).toBe(true);
  });

  it("writes a record only at the version it was read at", async () => {
    const store = make();
    const empty = await store.readRecord("rec");
    expect(empty.value).toBeUndefined();
    expect(empty.version).toBe(0);
    expect(empty.now).toBeGreaterThan(1.6e12);
    expect(await store.writeRecord("rec", 0, "one", 60_000)).toBe(true);
    expect(await store.writeRecord("rec", 0, "lost", 60_000)).toBe(false);
    expect(await store.writeRecord("rec", 1, "two")).toBe(true);
    expect(await store.readRecord("rec")).toMatchObject({ value: "two", version: 2 });
    expect(await store.writeRecord("short", 0, "x", 50)).toBe(true);
    await sleep(120);
    expect((await store.readRecord("short")).value).toBeUndefined();
  });

  it("rejects a bucket, counter or semaphore that makes no sense with InvalidRequestError", async () => {
    const store = make();
    await expect(store.takeTokens([{ key: "x", capacity: 0, periodMs: 1, cost: 1 }])).rejects.toMatchObject({
      code: "invalid-request",
    });
    await expect(store.takeTokens([{ key: "x", capacity: 1, periodMs: 1, cost: -1 }])).rejects.toMatchObject({
      code: "invalid-request",
    });
    await expect(store.addToCounter({ key: "x", windowMs: -1, delta: 1 })).rejects.toMatchObject({
      code: "invalid-request",
    });
    await expect(store.acquireLease("x", 0, 100)).rejects.toMatchObject({ code: "invalid-request" });
    await expect(store.acquireLease("x", 1, 0)).rejects.toMatchObject({ code: "invalid-request" });
  });
}
