import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Bundles `store-worker.ts` into one ES module, so each child process
 * starts in tens of milliseconds instead of compiling TypeScript. It is written under the
 * package's node_modules, where the drivers resolve.
 */
export async function bundleStoreWorker(): Promise<string> {
  const outDir = join(here, "../../node_modules/.keel-test");
  await mkdir(outDir, { recursive: true });
  const outfile = join(outDir, `store-worker-${process.pid}.mjs`);
  await build({
    entryPoints: [join(here, "store-worker.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: ["@keel/source"],
    // pg and ioredis are bundled too: one file parses faster than their hundred modules; the native
    // better-sqlite3 cannot be, and pg-native is optional.
    external: ["better-sqlite3", "pg-native"],
    banner: {
      js: [
        // pg asks whether it runs on Cloudflare by constructing a `Response` unless `navigator`
        // says otherwise; on Node 20, which has no `navigator`, that loads undici, about a
        // seventh of a worker's start-up. Node 21+ defines `navigator` with this user agent.
        "globalThis.navigator ??= { userAgent: 'Node.js/' + process.versions.node.split('.')[0] };",
        // The bundled CommonJS drivers require Node's built-ins.
        'import { createRequire as __keelRequire } from "node:module"; const require = __keelRequire(import.meta.url);',
      ].join("\n"),
    },
    // Less source for each of the many short-lived workers to parse.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "error",
  });
  return outfile;
}
