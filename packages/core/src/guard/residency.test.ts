import { describe, expect, it } from "vitest";
import { AbortedError, NetworkError, OverloadedError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import { fallback } from "../middleware/fallback.js";
import { hedge } from "../middleware/hedge.js";
import type { StreamEvent } from "../model.js";
import { pipe } from "../pipe.js";
import { scriptedModel } from "../testing/scripted-model.js";
import { ResidencyRefusedError } from "./guard-errors.js";
import { guard } from "./guard-middleware.js";
import {
  isSensitive,
  markSensitive,
  notApprovedForSensitive,
  onlyApprovedForSensitive,
  SENSITIVE_KEY,
} from "./residency.js";

const ask = (content: string) => ({ messages: [{ role: "user" as const, content }] });
const sensitive = (content: string) => markSensitive(ask(content));

describe("data residency through fallback", () => {
  it("never routes a sensitive request to an unapproved model; a plain one may go there", async () => {
    const selfHosted = scriptedModel([new OverloadedError("busy")], { id: "vllm", provider: "vllm" });
    const hosted = scriptedModel(["hosted answer"], { id: "gpt", provider: "openai" });
    const [gatedHosted] = onlyApprovedForSensitive([hosted], (m) => m.provider === "vllm");
    const model = pipe(selfHosted, fallback([gatedHosted as typeof hosted]));

    const refused = model.generate(sensitive("patient record 123"));
    await expect(refused).rejects.toBeInstanceOf(ResidencyRefusedError);
    expect(hosted.requests).toHaveLength(0);

    expect((await model.generate(ask("weather?"))).text).toBe("hosted answer");
  });

  it("moves on to the next approved model", async () => {
    const primary = scriptedModel([new OverloadedError("busy")], { id: "vllm-a", provider: "vllm" });
    const hosted = scriptedModel(["hosted"], { id: "gpt", provider: "openai" });
    const backup = scriptedModel(["backup answer"], { id: "vllm-b", provider: "vllm" });
    const { hub, log } = (() => {
      const h = new EventHub();
      const l: KeelEvent[] = [];
      h.on((e) => l.push(e));
      return { hub: h, log: l };
    })();
    const chain = onlyApprovedForSensitive([hosted, backup], (m) => m.provider === "vllm", { events: hub });
    const answer = await pipe(primary, fallback(chain, { preferOtherProvider: false })).generate(
      sensitive("x"),
    );
    expect(answer.text).toBe("backup answer");
    expect(hosted.requests).toHaveLength(0);
    expect(log.map((e) => e.type)).toContain("residency.refused");
  });

  it("also mid-stream: the continuation after a failure is refused by the unapproved model", async () => {
    const primary = scriptedModel(
      [
        {
          events: [
            { type: "text-delta", text: "The diagnosis is " },
            { type: "fail", error: new NetworkError("reset") },
          ],
        },
      ],
      { id: "vllm", provider: "vllm" },
    );
    const hosted = scriptedModel(["leaked continuation"], { id: "gpt", provider: "openai" });
    const model = pipe(primary, fallback([pipe(hosted, notApprovedForSensitive())]));
    const stream = model.stream(sensitive("diagnose"));
    const seen: StreamEvent[] = [];
    await expect(
      (async () => {
        for await (const e of stream) seen.push(e);
      })(),
    ).rejects.toBeInstanceOf(ResidencyRefusedError);
    expect(hosted.requests).toHaveLength(0);
    expect(
      seen
        .filter((e) => e.type === "text-delta")
        .map((e) => (e as { text: string }).text)
        .join(""),
    ).toBe("The diagnosis is ");
  });

  it("a request the guard found PII in is marked sensitive on its own", async () => {
    const primary = scriptedModel([new OverloadedError("busy")], { id: "vllm", provider: "vllm" });
    const hosted = scriptedModel(["hosted"], { id: "gpt", provider: "openai" });
    const model = pipe(
      primary,
      fallback([pipe(hosted, notApprovedForSensitive())]),
      guard({ injection: false, pii: { action: "pseudonymize" } }),
    );
    await expect(model.generate(ask("my SSN is 536-22-1234"))).rejects.toBeInstanceOf(ResidencyRefusedError);
    expect(hosted.requests).toHaveLength(0);
  });
});

describe("data residency through hedge", () => {
  it("a hedge to an unapproved model never leaves the process; the approved call answers", async () => {
    let calls = 0;
    const slowApproved = scriptedModel([{ text: "approved answer", delayMs: 40 }], {
      id: "vllm",
      provider: "vllm",
    });
    const hosted = scriptedModel(["hosted"], { id: "gpt", provider: "openai" });
    // A model whose first call goes to the approved server and whose hedged retry would go to
    // the hosted one: the gate decides per call.
    const router = {
      ...slowApproved,
      generate: (
        req: Parameters<typeof slowApproved.generate>[0],
        opts?: Parameters<typeof slowApproved.generate>[1],
      ) =>
        calls++ === 0
          ? slowApproved.generate(req, opts)
          : pipe(hosted, notApprovedForSensitive()).generate(req, opts),
    };
    const answer = await pipe(router, hedge({ afterMs: 5 })).generate(sensitive("x"));
    expect(answer.text).toBe("approved answer");
    expect(calls).toBe(2);
    expect(hosted.requests).toHaveLength(0);
  });
});

describe("notApprovedForSensitive", () => {
  it("marks a request through the keel.sensitive metadata key, which a caller can also set", () => {
    expect(SENSITIVE_KEY).toBe("keel.sensitive");
    const marked = markSensitive({ ...ask("x"), metadata: { team: "a" } });
    expect(marked.metadata).toEqual({ team: "a", "keel.sensitive": "true" });
    expect(isSensitive({ ...ask("x"), metadata: { "keel.sensitive": "true" } })).toBe(true);
    expect(isSensitive(ask("x"))).toBe(false);
  });

  it("streams a plain request to the unapproved model unchanged", async () => {
    const hosted = scriptedModel(["hosted answer"], { id: "gpt", provider: "openai" });
    const stream = pipe(hosted, notApprovedForSensitive()).stream(ask("weather?"));
    expect((await stream.response).text).toBe("hosted answer");
    expect(hosted.requests).toHaveLength(1);
  });

  it("says which model refused, in the event, and refuses a sensitive stream before sending", async () => {
    const hub = new EventHub();
    const log: KeelEvent[] = [];
    hub.on((e) => log.push(e));
    const hosted = scriptedModel(["hosted"], { id: "gpt", provider: "openai" });
    const gated = pipe(hosted, notApprovedForSensitive({ events: hub }));
    await expect(gated.stream(sensitive("x")).response).rejects.toBeInstanceOf(ResidencyRefusedError);
    expect(hosted.requests).toHaveLength(0);
    expect(log.find((e) => e.type === "residency.refused")).toMatchObject({
      model: "gpt",
      provider: "openai",
    });
  });

  it("a refused stream of a call already cancelled reports the cancellation", async () => {
    const hosted = scriptedModel(["hosted"], { id: "gpt", provider: "openai" });
    const controller = new AbortController();
    controller.abort();
    const stream = pipe(hosted, notApprovedForSensitive()).stream(sensitive("x"), {
      signal: controller.signal,
    });
    await expect(stream.response).rejects.toBeInstanceOf(AbortedError);
  });
});
