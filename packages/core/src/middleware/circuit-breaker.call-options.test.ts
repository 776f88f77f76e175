import { describe, expect, it } from "vitest";
import type { CallOptions, ModelRequest } from "../model.js";
import { pipe, wrapModel } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { drain } from "./__fixtures__/harness.js";
import { circuitBreaker } from "./circuit-breaker.js";

const request: ModelRequest = { messages: [{ role: "user", content: "hi" }] };

describe("circuit breaker: the caller's options reach the model", () => {
  function spiedModel(script: Parameters<typeof scriptedModel>[0]) {
    const inner = scriptedModel(script);
    const calls: CallOptions[] = [];
    const model = wrapModel(inner, {
      generate: (r, o) => {
        calls.push(o ?? {});
        return inner.generate(r, o);
      },
      stream: (r, o) => {
        calls.push(o ?? {});
        return inner.stream(r, o);
      },
    });
    return { model, calls };
  }

  it("passes deadline and context to a stream and to a generate call", async () => {
    const { model: spied, calls } = spiedModel(["ok"]);
    const model = pipe(spied, circuitBreaker({ failureThreshold: 3, cooldownMs: 1_000 }));
    const options = { deadline: Date.now() + 60_000, context: { runId: "c1" } };
    expect((await drain(model.stream(request, options))).error).toBeUndefined();
    await model.generate(request, options);
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call).toMatchObject(options);
  });

  it("aborts a stream in flight when the caller aborts, without counting it as a failure", async () => {
    const { model: spied, calls } = spiedModel([{ text: "late", delayMs: 60_000 }]);
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000 });
    const model = pipe(spied, breaker);
    const controller = new AbortController();
    const done = drain(model.stream(request, { signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort();
    expect((await done).error?.code).toBe("aborted");
    expect(calls[0]?.signal?.aborted).toBe(true);
    expect(breaker.state(model)).toBe("closed");
  });
});
