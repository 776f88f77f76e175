import type { CheckpointStore, FlowCheckpoint } from "../flows/checkpoint-store.js";
import { optionalPeer } from "../optional-peer.js";

// A test-only entry: vitest is its optional peer. Loaded with the entry, so that importing it
// without vitest fails with a ProviderUnavailableError naming the install command.
const { afterEach, beforeEach, describe, expect, it } = await optionalPeer(
  "vitest",
  "@keel/core/testing/checkpoint-store",
  () => import("vitest"),
).load();

/** A checkpoint with the given overrides, for store tests. */
export function sampleCheckpoint(overrides: Partial<FlowCheckpoint> = {}): FlowCheckpoint {
  return {
    runId: "run-1",
    flowId: "flow-a",
    status: "running",
    state: "draft",
    context: { text: 'héllo \u2028 "quoted"', n: 1, nested: { list: [1, null, true] } },
    step: 2,
    path: ["classify", "retrieve"],
    checkFailures: { check: 1 },
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

/** The behaviour every `CheckpointStore` must have, run against one implementation. */
export function describeCheckpointStore(
  name: string,
  open: () => Promise<{ store: CheckpointStore; close?: () => Promise<void> | void }>,
): void {
  describe(`${name} (CheckpointStore contract)`, () => {
    let store: CheckpointStore;
    let close: (() => Promise<void> | void) | undefined;
    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(async () => {
      await close?.();
    });

    it("saves, replaces and loads checkpoints as JSON", async () => {
      expect(await store.load("run-1")).toBeUndefined();
      await store.save(sampleCheckpoint());
      expect(await store.load("run-1")).toEqual(sampleCheckpoint());
      await store.save(sampleCheckpoint({ step: 3, state: "check", fallbackError: undefined }));
      expect(await store.load("run-1")).toEqual(sampleCheckpoint({ step: 3, state: "check" }));
    });

    it("records effects per run and key, undefined and null included", async () => {
      expect(await store.loadEffect("run-1", "a@1/email")).toBeUndefined();
      await store.saveEffect("run-1", "a@1/email", { id: "m1" });
      await store.saveEffect("run-1", "a@1/nothing", undefined);
      await store.saveEffect("run-2", "a@1/email", null);
      expect(await store.loadEffect("run-1", "a@1/email")).toEqual({ value: { id: "m1" } });
      expect(await store.loadEffect("run-1", "a@1/nothing")).toEqual({ value: undefined });
      expect(await store.loadEffect("run-2", "a@1/email")).toEqual({ value: null });
    });

    it("keeps concurrent effect writes of one run", async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.saveEffect("run-1", `k${i}`, i)));
      for (let i = 0; i < 20; i++) expect(await store.loadEffect("run-1", `k${i}`)).toEqual({ value: i });
    });

    it("lists runs by flow and status, and deletes a run with its effects", async () => {
      await store.save(sampleCheckpoint({ runId: "r/1" }));
      await store.save(sampleCheckpoint({ runId: "r2", status: "completed" }));
      await store.save(sampleCheckpoint({ runId: "r3", flowId: "flow-b" }));
      await store.saveEffect("r/1", "k", 1);
      expect((await store.listRuns!()).sort()).toEqual(["r/1", "r2", "r3"]);
      expect(await store.listRuns!({ status: "running", flowId: "flow-a" })).toEqual(["r/1"]);
      await store.delete("r/1");
      expect(await store.load("r/1")).toBeUndefined();
      expect(await store.loadEffect("r/1", "k")).toBeUndefined();
      expect((await store.listRuns!()).sort()).toEqual(["r2", "r3"]);
    });
  });
}
