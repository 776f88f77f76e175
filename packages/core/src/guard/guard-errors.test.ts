import { describe, expect, it } from "vitest";
import { ContentFilteredError, isKeelError, ProviderUnavailableError } from "../errors.js";
import { GuardBlockedError, ResidencyRefusedError } from "./guard-errors.js";

describe("GuardBlockedError", () => {
  it("names the stage and every finding in its message, and keeps them", () => {
    const findings = [
      { kind: "injection" as const, id: "dan", score: 0.9 },
      { kind: "pii" as const, id: "EMAIL" },
    ];
    const input = new GuardBlockedError("input", findings, { provider: "openai" });
    expect(input.message).toBe("guard blocked the prompt: injection:dan, pii:EMAIL");
    expect(input.name).toBe("GuardBlockedError");
    expect(input.stage).toBe("input");
    expect(input.findings).toBe(findings);
    expect(input.provider).toBe("openai");
    expect(input.code).toBe("content-filtered");
    expect(input.retryable).toBe(false);
    expect(new GuardBlockedError("output", [{ kind: "canary", id: "canary" }]).message).toBe(
      "guard blocked the answer: canary:canary",
    );
  });

  it("is recognized across copies of the package by its brand, and nothing else is", () => {
    const error = new GuardBlockedError("input", []);
    expect(error).toBeInstanceOf(GuardBlockedError);
    expect(error).toBeInstanceOf(ContentFilteredError);
    expect(isKeelError(error)).toBe(true);
    const copy = Object.create(null) as Record<symbol, unknown>;
    copy[Symbol.for("keel.guard.blocked")] = true;
    expect(copy).toBeInstanceOf(GuardBlockedError);
    expect(new ContentFilteredError("x")).not.toBeInstanceOf(GuardBlockedError);
    expect(new ResidencyRefusedError("m", "p")).not.toBeInstanceOf(GuardBlockedError);
    expect(null).not.toBeInstanceOf(GuardBlockedError);
    expect(undefined).not.toBeInstanceOf(GuardBlockedError);
    expect("x").not.toBeInstanceOf(GuardBlockedError);
    expect({ [Symbol.for("keel.guard.blocked")]: "yes" }).not.toBeInstanceOf(GuardBlockedError);
  });
});

describe("ResidencyRefusedError", () => {
  it("says which model was refused, moves fallback on, and is not retryable", () => {
    const error = new ResidencyRefusedError("gpt-4o", "openai");
    expect(error.message).toBe("data residency: openai/gpt-4o is not approved for sensitive requests");
    expect(error.name).toBe("ResidencyRefusedError");
    expect(error.model).toBe("gpt-4o");
    expect(error.provider).toBe("openai");
    expect(error.code).toBe("provider-unavailable");
    expect(error.retryable).toBe(false);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
  });

  it("is recognized by its brand only", () => {
    expect(new ResidencyRefusedError("m", "p")).toBeInstanceOf(ResidencyRefusedError);
    expect({ [Symbol.for("keel.guard.residency")]: true }).toBeInstanceOf(ResidencyRefusedError);
    expect(new GuardBlockedError("input", [])).not.toBeInstanceOf(ResidencyRefusedError);
    expect(new ProviderUnavailableError("x")).not.toBeInstanceOf(ResidencyRefusedError);
    expect(undefined).not.toBeInstanceOf(ResidencyRefusedError);
    expect(null).not.toBeInstanceOf(ResidencyRefusedError);
    expect(7).not.toBeInstanceOf(ResidencyRefusedError);
  });
});
