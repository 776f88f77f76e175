import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const coreSrc = fileURLToPath(new URL("..", import.meta.url));

describe("the edge rule", () => {
  it("keeps MCP and its SDK out of a bundle of the root entry", async () => {
    const result = await build({
      entryPoints: [`${coreSrc}index.ts`],
      bundle: true,
      platform: "neutral",
      format: "esm",
      conditions: ["@keel/source"],
      mainFields: ["module", "main"],
      // Loaded lazily and shared with the app; not what this test is about.
      external: ["zod", "js-tiktoken", "js-tiktoken/*"],
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(20);
    expect(inputs.filter((file) => file.includes("/mcp/") || file.includes("modelcontextprotocol"))).toEqual(
      [],
    );
  });
});
