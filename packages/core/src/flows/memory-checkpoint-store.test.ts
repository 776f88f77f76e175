import { expect, it } from "vitest";
import { describeCheckpointStore, sampleCheckpoint } from "../testing/checkpoint-store-contract.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";

describeCheckpointStore("MemoryCheckpointStore", async () => ({ store: new MemoryCheckpointStore() }));

it("keeps each store's runs to itself", async () => {
  const a = new MemoryCheckpointStore();
  const b = new MemoryCheckpointStore();
  await a.save(sampleCheckpoint());
  expect(await a.load("run-1")).toEqual(sampleCheckpoint());
  expect(await b.load("run-1")).toBeUndefined();
});
