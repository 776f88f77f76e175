import { describe, expect, it } from "vitest";
import { OverloadedError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import type { ModelRequest } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/index.js";
import { circuitBreaker } from "./circuit-breaker.js";

const request: ModelRequest = { messages: [{ role: "user", content: "hi" }] };
const busy = () => new OverloadedError("529 overloaded");

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function outcome(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => "ok",
    (e: { code?: string }) => e.code ?? "?",
  );
}

describe("circuit breaker: half-open with a threshold above one", () => {
  it("reopens on the first failed trial, then needs the full threshold again once closed", async () => {
    const time = clock();
    const hub = new EventHub();
    const changes: string[] = [];
    hub.on((e: KeelEvent) => {
      if (e.type === "breaker.changed") changes.push(`${e.from}->${e.to}`);
    });
    const inner = scriptedModel([busy(), busy(), busy(), busy(), "ok", busy(), busy(), busy()]);
    const breaker = circuitBreaker({ failureThreshold: 3, cooldownMs: 1_000, now: time.now, events: hub });
    const model = pipe(inner, breaker);

    for (let i = 0; i < 3; i++) await outcome(model.generate(request));
    expect(breaker.state(model)).toBe("open");
    time.advance(1_000);
    expect(await outcome(model.generate(request))).toBe("overloaded");
    expect(breaker.state(model)).toBe("open");
    expect(await outcome(model.generate(request))).toBe("circuit-open");

    time.advance(1_000);
    expect(await outcome(model.generate(request))).toBe("ok");
    expect(breaker.state(model)).toBe("closed");
    for (let i = 0; i < 2; i++) expect(await outcome(model.generate(request))).toBe("overloaded");
    expect(breaker.state(model)).toBe("closed");
    expect(await outcome(model.generate(request))).toBe("overloaded");
    expect(breaker.state(model)).toBe("open");
    expect(changes).toEqual([
      "closed->open",
      "open->half-open",
      "half-open->open",
      "open->half-open",
      "half-open->closed",
      "closed->open",
    ]);
  });

  it("keeps a trial slot taken when a call admitted before the circuit opened is abandoned", async () => {
    const time = clock();
    const inner = scriptedModel((_req, call) => (call === 1 ? busy() : { text: "slow", delayMs: 60_000 }));
    const breaker = circuitBreaker({ failureThreshold: 1, cooldownMs: 1_000, now: time.now });
    const model = pipe(inner, breaker);
    const before = new AbortController();
    const admittedWhileClosed = outcome(model.generate(request, { signal: before.signal }));
    expect(await outcome(model.generate(request))).toBe("overloaded");
    time.advance(1_000);
    const trial = new AbortController();
    const trialCall = outcome(model.generate(request, { signal: trial.signal }));
    expect(breaker.state(model)).toBe("half-open");

    // The old call ends without a verdict; its ticket is from the closed circuit, not a trial's.
    before.abort();
    expect(await admittedWhileClosed).toBe("aborted");
    const rejected = await model.generate(request).catch((e: unknown) => e);
    expect(rejected).toMatchObject({ code: "circuit-open" });
    expect((rejected as Error).message).toMatch(/scripted is half-open and its trial calls are in flight/);
    expect(inner.requests).toHaveLength(3);

    trial.abort();
    expect(await trialCall).toBe("aborted");
    expect(await outcome(model.generate(request, { signal: AbortSignal.timeout(1) }))).toBe("timeout");
    expect(inner.requests).toHaveLength(4);
  });
});
