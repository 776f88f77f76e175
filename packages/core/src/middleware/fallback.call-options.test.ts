import { describe, expect, it } from "vitest";
import { AbortedError, OverloadedError } from "../errors.js";
import type { CallOptions, Model, ModelRequest } from "../model.js";
import { pipe, wrapModel } from "../pipe.js";
import { type ScriptStep, scriptedModel } from "../testing/index.js";
import { drain } from "./__fixtures__/harness.js";
import { fallback } from "./fallback.js";

const request: ModelRequest = { messages: [{ role: "user", content: "Describe a fox." }] };

/** A scripted model that records the call options each call received. */
function spied(id: string, script: ScriptStep[]): { model: Model; calls: CallOptions[] } {
  const inner = scriptedModel(script, { id, provider: id });
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

describe("fallback hands the caller's options to every model it tries", () => {
  it("passes deadline and context to the primary and the backup of a stream", async () => {
    const primary = spied("primary", [new OverloadedError("busy")]);
    const backup = spied("backup", ["ok"]);
    const deadline = Date.now() + 60_000;
    const context = { runId: "run-7" };
    const { error } = await drain(
      pipe(primary.model, fallback([backup.model])).stream(request, { deadline, context }),
    );
    expect(error).toBeUndefined();
    for (const call of [...primary.calls, ...backup.calls]) expect(call).toMatchObject({ deadline, context });
    expect(backup.calls).toHaveLength(1);
  });

  it("passes the caller's options unchanged to each model of a generate call", async () => {
    const primary = spied("primary", [new OverloadedError("busy")]);
    const backup = spied("backup", ["ok"]);
    const controller = new AbortController();
    const call = { deadline: Date.now() + 60_000, context: { runId: "run-8" }, signal: controller.signal };
    await pipe(primary.model, fallback([backup.model])).generate(request, call);
    expect(primary.calls).toEqual([call]);
    expect(backup.calls).toEqual([call]);
  });

  it("aborts the model streaming now when the caller aborts", async () => {
    const primary = spied("primary", [{ text: "never", delayMs: 60_000 }]);
    const controller = new AbortController();
    const stream = pipe(primary.model, fallback([spied("backup", ["ok"]).model])).stream(request, {
      signal: controller.signal,
    });
    const done = drain(stream);
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort();
    const { error } = await done;
    expect(error).toBeInstanceOf(AbortedError);
    expect(primary.calls[0]?.signal?.aborted).toBe(true);
  });
});
