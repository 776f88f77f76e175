import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../errors.js";
import { EventHub, type KeelEvent } from "../events.js";
import { ModelRegistry, modelRegistry } from "./model-registry.js";
import { MODEL_DATA_VERSION, MODELS } from "./models.js";

describe("modelRegistry", () => {
  it("holds the current OpenAI, Anthropic and Google models with sane figures", () => {
    for (const id of [
      "gpt-4.1",
      "gpt-4.1-mini",
      "gpt-4.1-nano",
      "gpt-4o",
      "gpt-4o-mini",
      "o3",
      "o4-mini",
      "gpt-5",
      "gpt-5-mini",
      "gpt-5-nano",
      "claude-sonnet-4-5",
      "claude-sonnet-4",
      "claude-opus-4-1",
      "claude-haiku-4-5",
      "claude-3-5-haiku",
      "gemini-2.5-pro",
      "gemini-2.5-flash",
      "gemini-2.5-flash-lite",
      "gemini-2.0-flash",
    ])
      expect(modelRegistry.get(id)?.id, id).toBe(id);
    for (const m of MODELS) {
      expect(m.contextWindow).toBeGreaterThan(m.maxOutputTokens);
      const p = m.pricing!;
      expect(p.outputPerMTok, m.id).toBeGreaterThan(p.inputPerMTok);
      if (p.cachedInputPerMTok !== undefined) expect(p.cachedInputPerMTok, m.id).toBeLessThan(p.inputPerMTok);
    }
    expect(modelRegistry.version).toBe(MODEL_DATA_VERSION);
  });

  it("finds dated snapshots, aliases and prefixed ids, but not other models", () => {
    expect(modelRegistry.get("gpt-4o-2024-08-06")?.id).toBe("gpt-4o");
    expect(modelRegistry.get("gpt-4o-mini-2024-07-18")?.id).toBe("gpt-4o-mini");
    expect(modelRegistry.get("claude-sonnet-4-20250514")?.id).toBe("claude-sonnet-4");
    expect(modelRegistry.get("claude-sonnet-4-5-20250929")?.id).toBe("claude-sonnet-4-5");
    expect(modelRegistry.get("claude-3-5-haiku-latest")?.id).toBe("claude-3-5-haiku");
    expect(modelRegistry.get("models/gemini-2.5-flash")?.id).toBe("gemini-2.5-flash");
    expect(modelRegistry.get("gemini-2.0-flash-001")?.id).toBe("gemini-2.0-flash");
    expect(modelRegistry.get("chatgpt-4o-latest")?.id).toBe("gpt-4o");
    // A different model that merely shares a prefix must not borrow its prices.
    expect(modelRegistry.get("gpt-5-pro")).toBeUndefined();
    expect(modelRegistry.get("claude-opus-4-7")).toBeUndefined();
    expect(() => modelRegistry.require("my-model")).toThrow(InvalidRequestError);
  });

  it("can be extended and overridden at run time, which bumps the version", () => {
    const registry = new ModelRegistry(MODELS, "2025.10.1");
    registry.register({
      id: "acme-1",
      provider: "acme",
      contextWindow: 32_000,
      maxOutputTokens: 4_000,
      pricing: { inputPerMTok: 1, outputPerMTok: 2 },
      capabilities: { streaming: true, tools: false, jsonSchema: false, vision: false, reasoning: false },
    });
    expect(registry.get("acme-1-20260101")?.provider).toBe("acme");
    const patched = registry.override("gpt-4o", { pricing: { inputPerMTok: 2, outputPerMTok: 9 } });
    expect(patched.pricing?.cachedInputPerMTok).toBe(1.25);
    expect(registry.get("gpt-4o")?.pricing?.outputPerMTok).toBe(9);
    expect(registry.version).toBe("2025.10.1+local.2");
    // The shared registry is untouched.
    expect(modelRegistry.get("gpt-4o")?.pricing?.outputPerMTok).toBe(10);
    expect(() => registry.register({ ...MODELS[0]!, contextWindow: 0 })).toThrow(InvalidRequestError);
  });

  it("warns once per unknown model id (a misspelled id is otherwise priced as unknown without a word)", () => {
    const hub = new EventHub();
    const seen: KeelEvent[] = [];
    hub.on((e) => seen.push(e));
    const registry = new ModelRegistry(MODELS, "v1", { events: hub });
    expect(registry.get("gpt-4o-mini-typo")).toBeUndefined();
    expect(registry.get("gpt-4o-mini-typo")).toBeUndefined();
    expect(registry.get("claude-sonet-4-5")).toBeUndefined();
    expect(registry.get("gpt-4o-2024-08-06")?.id).toBe("gpt-4o");
    expect(registry.get("gpt-4o")?.id).toBe("gpt-4o");
    expect(seen).toMatchObject([
      { type: "registry.unknown-model", model: "gpt-4o-mini-typo", registryVersion: "v1", level: "warning" },
      { type: "registry.unknown-model", model: "claude-sonet-4-5" },
    ]);
  });
});
