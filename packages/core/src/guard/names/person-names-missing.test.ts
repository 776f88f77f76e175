import { expect, it, vi } from "vitest";
import { ProviderUnavailableError } from "../../errors.js";
import { loadPersonNames } from "./person-names.js";

// As when compromise is not installed. vitest wraps a failing mock factory's error, so this
// checks the type and the package named; optional-peer.test.ts checks the "npm i" wording.
vi.mock("compromise", () => {
  throw Object.assign(new Error("Cannot find package 'compromise' imported from person-names.js"), {
    code: "ERR_MODULE_NOT_FOUND",
  });
});

it("without compromise installed, rejects with a typed error naming the package to install", async () => {
  const error = await loadPersonNames().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderUnavailableError);
  expect((error as Error).message).toMatch(/^compromise .*@keel\/core\/guard\/names/);
});
