import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import * as errors from "./errors.js";
import { isKeelError, KeelError, OverloadedError, QuotaExhaustedError, RateLimitedError } from "./errors.js";
import * as flowErrors from "./flows/flow-errors.js";

describe("error hierarchy", () => {
  it("carries code, retryable, status, provider, cause and retry-after", () => {
    const cause = new Error("root");
    const e = new RateLimitedError("slow down", {
      provider: "openai",
      status: 429,
      retryAfterMs: 1500,
      cause,
    });
    expect(e).toMatchObject({
      code: "rate-limited",
      retryable: true,
      status: 429,
      provider: "openai",
      retryAfterMs: 1500,
    });
    expect(e.cause).toBe(cause);
    expect(e.name).toBe("RateLimitedError");
    expect(new QuotaExhaustedError("no credit").retryable).toBe(false);
  });

  it("instanceof works by brand and code, even for a second copy of the package", () => {
    const e = new OverloadedError("busy");
    expect(e).toBeInstanceOf(KeelError);
    expect(e).toBeInstanceOf(OverloadedError);
    expect(e).not.toBeInstanceOf(RateLimitedError);
    // Simulate an error thrown by another copy of @keel/core: same brand, different class objects.
    const foreign = Object.assign(Object.create(Error.prototype), { code: "overloaded" });
    Object.defineProperty(foreign, Symbol.for("keel.error"), { value: true });
    expect(foreign).toBeInstanceOf(OverloadedError);
    expect(foreign).toBeInstanceOf(KeelError);
    expect(isKeelError(foreign)).toBe(true);
    expect(new Error("plain")).not.toBeInstanceOf(KeelError);
  });

  it("names each error after its class", () => {
    const classes = Object.entries(errors).filter(
      (entry): entry is [string, typeof KeelError] => typeof entry[1] === "function" && "code" in entry[1],
    );
    expect(classes.length).toBeGreaterThanOrEqual(16);
    for (const [exported, ErrorClass] of classes) expect(new ErrorClass("x").name).toBe(exported);
    expect(new flowErrors.FlowDefinitionError("f", ["p"]).name).toBe("FlowDefinitionError");
    expect(new flowErrors.FlowRunError("step-limit", "m", { flowId: "f" }).name).toBe("FlowRunError");
    expect(new flowErrors.CheckpointCorruptError("run-1", "not JSON").name).toBe("CheckpointCorruptError");
  });

  it("keeps its names when minified without keepNames (as an edge bundle is)", async () => {
    const entry = fileURLToPath(new URL("./errors.ts", import.meta.url));
    const { outputFiles } = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      keepNames: false,
      format: "esm",
      write: false,
    });
    const code = outputFiles[0]!.text;
    expect(code).not.toMatch(/class RateLimitedError/); // the class names really are gone
    const minified = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as typeof errors;
    expect(new minified.RateLimitedError("x").name).toBe("RateLimitedError");
    expect(new minified.ContextLengthExceededError("x").name).toBe("ContextLengthExceededError");
  });

  it("every error class has a distinct code", () => {
    const codes = Object.values(errors)
      .filter((v): v is typeof KeelError => typeof v === "function" && "code" in v)
      .map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.length).toBeGreaterThanOrEqual(16);
  });
});
