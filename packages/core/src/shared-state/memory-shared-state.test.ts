import { describe } from "vitest";
import { sharedStateContract } from "./__fixtures__/contract.js";
import { memorySharedState } from "./memory-shared-state.js";

describe("memorySharedState", () => {
  sharedStateContract(() => memorySharedState());
});
