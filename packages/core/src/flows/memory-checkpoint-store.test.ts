import { describeCheckpointStore } from "./__fixtures__/checkpoint-store-contract.js";
import { MemoryCheckpointStore } from "./memory-checkpoint-store.js";

describeCheckpointStore("MemoryCheckpointStore", async () => ({ store: new MemoryCheckpointStore() }));
