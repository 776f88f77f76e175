import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Bundles a child-process entry into one ESM file (sources through the "@keel/source" condition,
 * ioredis left to Node): starting tsx per child costs about a second of CPU, a bundle a tenth.
 */
export async function bundleChild(entry: URL, outfile: string): Promise<void> {
  const ioredis = createRequire(import.meta.url).resolve("ioredis");
  await build({
    entryPoints: [fileURLToPath(entry)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@keel/source"],
    outfile,
    logLevel: "warning",
    plugins: [
      {
        name: "node-ioredis",
        setup: (b) => b.onResolve({ filter: /^ioredis$/ }, () => ({ path: ioredis, external: true })),
      },
    ],
  });
}
