import { InvalidRequestError } from "@keel/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VersionConflictError } from "../../errors.js";
import type { Scope } from "../../scope.js";
import type { StateStore } from "../state-store.js";

let counter = 0;
/** A tenant name no other test (or test run) uses. */
export function freshTenant(): string {
  return `t-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

/**
 * The behaviour every `StateStore` must have, run against one implementation. `open` gives a
 * store whose `maxValueBytes` is 64 KiB.
 */
export function describeStateStore(name: string, open: () => Promise<StateStore>): void {
  describe(`${name} (StateStore contract)`, () => {
    let store: StateStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });
    const scope = (): Scope => ({ tenant: freshTenant(), user: "u1" });

    it("versions every write, from 1", async () => {
      const s = scope();
      expect(await store.get(s, "a")).toBeUndefined();
      const first = await store.put(s, "a", { n: 1, text: 'héllo "x" \u2028' });
      expect(first).toMatchObject({ key: "a", value: { n: 1 }, version: 1 });
      expect((await store.put(s, "a", [1, null])).version).toBe(2);
      expect(await store.get(s, "a")).toMatchObject({ key: "a", value: [1, null], version: 2 });
      expect(typeof (await store.get(s, "a"))!.updatedAt).toBe("number");
    });

    it("writes conditionally on the expected version, and a conflict is typed and writes nothing", async () => {
      const s = scope();
      await store.put(s, "k", "v1", { expectedVersion: 0 });
      await expect(store.put(s, "k", "again", { expectedVersion: 0 })).rejects.toBeInstanceOf(
        VersionConflictError,
      );
      const conflict = await store.put(s, "k", "stale", { expectedVersion: 7 }).catch((e) => e);
      expect(conflict).toBeInstanceOf(VersionConflictError);
      expect(conflict).toMatchObject({ expected: 7, retryable: true, name: "VersionConflictError" });
      expect(await store.get(s, "k")).toMatchObject({ value: "v1", version: 1 });
      await store.put(s, "k", "v2", { expectedVersion: 1 });
      await expect(store.delete(s, "k", { expectedVersion: 1 })).rejects.toBeInstanceOf(VersionConflictError);
      expect(await store.delete(s, "k", { expectedVersion: 2 })).toBe(true);
      expect(await store.delete(s, "k")).toBe(false);
      await expect(store.put(s, "missing", 1, { expectedVersion: 1 })).rejects.toBeInstanceOf(
        VersionConflictError,
      );
    });

    it("lists a scope's values in key order, by prefix and limit", async () => {
      const s = scope();
      for (const k of ["b/2", "a", "b/1", "b/10", "c", "b/é"]) await store.put(s, k, k);
      expect((await store.list(s)).map((v) => v.key)).toEqual(["a", "b/1", "b/10", "b/2", "b/é", "c"]);
      expect((await store.list(s, { prefix: "b/", limit: 2 })).map((v) => v.key)).toEqual(["b/1", "b/10"]);
      expect(await store.list(s, { prefix: "zz" })).toEqual([]);
      expect((await store.list(s, { prefix: "b%" })).length).toBe(0);
      expect((await store.list(s, { prefix: "b_" })).length).toBe(0);
    });

    it("appends events atomically, numbered from 1, conditionally on the last sequence number", async () => {
      const s = scope();
      const first = await store.append(s, "log", [
        { type: "a", data: { x: 1 } },
        { type: "b", data: null },
      ]);
      expect(first.map((e) => [e.seq, e.type, e.data])).toEqual([
        [1, "a", { x: 1 }],
        [2, "b", null],
      ]);
      await expect(
        store.append(s, "log", [{ type: "c", data: 3 }], { expectedSeq: 1 }),
      ).rejects.toBeInstanceOf(VersionConflictError);
      await store.append(s, "log", [{ type: "c", data: 3 }], { expectedSeq: 2 });
      await store.append(s, "other", [{ type: "z", data: 0 }], { expectedSeq: 0 });
      expect((await store.read(s, "log")).map((e) => e.seq)).toEqual([1, 2, 3]);
      expect((await store.read(s, "log", { after: 1, limit: 1 })).map((e) => e.type)).toEqual(["b"]);
      expect(await store.read(s, "nothing")).toEqual([]);
    });

    it("keeps concurrent unconditional writes and appends", async () => {
      const s = scope();
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(s, "n", i)));
      expect((await store.get(s, "n"))!.version).toBe(20);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.append(s, "log", [{ type: "e", data: i }])),
      );
      const seqs = (await store.read(s, "log")).map((e) => e.seq);
      expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it("forgets exactly one scope", async () => {
      const tenant = freshTenant();
      const a = { tenant, user: "a" };
      const b = { tenant, user: "b" };
      const t: Scope = { tenant };
      for (const s of [a, b, t] as Scope[]) {
        await store.put(s, "k", s.user ?? "tenant");
        await store.append(s, "log", [{ type: "e", data: 1 }]);
      }
      await store.forget(a);
      expect(await store.get(a, "k")).toBeUndefined();
      expect(await store.list(a)).toEqual([]);
      expect(await store.read(a, "log")).toEqual([]);
      expect((await store.get(b, "k"))!.value).toBe("b");
      expect((await store.get(t, "k"))!.value).toBe("tenant");
      expect(await store.read(b, "log")).toHaveLength(1);
      // A forgotten stream starts again from 1.
      expect((await store.append(a, "log", [{ type: "e", data: 2 }]))[0]!.seq).toBe(1);
    });

    it("rejects bad input with InvalidRequestError and leaves the store as it was", async () => {
      const s = scope();
      await store.put(s, "k", "kept");
      const bad: Array<() => Promise<unknown>> = [
        () => store.put(s, "", 1),
        () => store.put(s, "a\u0000b", 1),
        () => store.put(s, "x".repeat(1025), 1),
        () => store.put({ tenant: "" }, "k", 1),
        () => store.put({ tenant: "t", user: "a\nb" }, "k", 1),
        () => store.put(s, "k", undefined),
        () => store.put(s, "k", { n: Number.NaN }),
        () => store.put(s, "k", { f: () => 1 }),
        () => store.put(s, "k", "x".repeat(70_000)),
        () => store.put(s, "k", 1, { expectedVersion: -1 }),
        () => store.append(s, "log", []),
        () => store.append(s, "log", [{ type: "", data: 1 }]),
        () =>
          store.append(s, "log", [
            { type: "a", data: "x".repeat(40_000) },
            { type: "b", data: "y".repeat(40_000) },
          ]),
        () => store.read(s, "log", { after: -1 }),
        () => store.list(s, { limit: 1.5 }),
      ];
      for (const call of bad) await expect(call()).rejects.toBeInstanceOf(InvalidRequestError);
      expect(await store.get(s, "k")).toMatchObject({ value: "kept", version: 1 });
      expect(await store.read(s, "log")).toEqual([]);
    });

    it("never returns another tenant's or user's data (property)", async () => {
      const op = fc.oneof(
        fc.record({
          kind: fc.constant("put" as const),
          scope: fc.nat(3),
          key: fc.constantFrom("a", "b", "a/1", "é"),
          value: fc.integer(),
        }),
        fc.record({ kind: fc.constant("delete" as const), scope: fc.nat(3), key: fc.constantFrom("a", "b") }),
        fc.record({ kind: fc.constant("append" as const), scope: fc.nat(3), value: fc.integer() }),
        fc.record({ kind: fc.constant("forget" as const), scope: fc.nat(3) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
          const t1 = freshTenant();
          const t2 = freshTenant();
          // Two tenants, each with two users; tenant-level state is user "".
          const scopes: Scope[] = [
            { tenant: t1, user: "u" },
            { tenant: t1 },
            { tenant: t2, user: "u" },
            { tenant: t2, user: "v" },
          ];
          const values = scopes.map(() => new Map<string, number>());
          const logs = scopes.map((): number[] => []);
          for (const o of ops) {
            const s = scopes[o.scope]!;
            if (o.kind === "put") {
              await store.put(s, o.key, o.value);
              values[o.scope]!.set(o.key, o.value);
            } else if (o.kind === "delete") {
              await store.delete(s, o.key);
              values[o.scope]!.delete(o.key);
            } else if (o.kind === "append") {
              await store.append(s, "log", [{ type: "e", data: o.value }]);
              logs[o.scope]!.push(o.value);
            } else {
              await store.forget(s);
              values[o.scope]!.clear();
              logs[o.scope] = [];
            }
          }
          for (let i = 0; i < scopes.length; i++) {
            const listed = await store.list<number>(scopes[i]!);
            expect(Object.fromEntries(listed.map((v) => [v.key, v.value]))).toEqual(
              Object.fromEntries(values[i]!),
            );
            for (const key of ["a", "b", "a/1", "é"])
              expect((await store.get<number>(scopes[i]!, key))?.value).toEqual(values[i]!.get(key));
            expect((await store.read<number>(scopes[i]!, "log")).map((e) => e.data)).toEqual(logs[i]);
          }
          for (const s of scopes) await store.forget(s);
        }),
        { numRuns: 25 },
      );
    });
  });
}
