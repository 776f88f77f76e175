import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const ragSrc = fileURLToPath(new URL(".", import.meta.url));

describe("the edge rule", () => {
  it("bundles the root entry for a worker with no Node built-in, pg, Qdrant client or file code", async () => {
    const result = await build({
      entryPoints: [`${ragSrc}index.ts`],
      bundle: true,
      platform: "browser",
      format: "esm",
      conditions: ["@keel/source"],
      // Loaded lazily by core's tokenizer and shared with the app; not what this test is about.
      external: ["zod", "js-tiktoken", "js-tiktoken/*"],
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(20);
    expect(
      inputs.filter((f) => /^node:|\/node\/|\/pg\/|qdrant|cli-progress|unpdf|__fixtures__/.test(f)),
    ).toEqual([]);
  });
});
