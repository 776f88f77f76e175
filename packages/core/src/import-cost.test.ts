import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const MARKER = "--- @keel/core loaded ---";

// A resolve hook that logs every module URL the process resolves, in order, to a file.
const hooks = `
import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + "\\n");
  return result;
}`;

// The child imports core, writes a marker, then imports zod itself: zod showing up after the
// marker proves the hook sees it, so its absence before the marker means core did not load it.
const child = (log: string) => `
import { appendFileSync } from "node:fs";
import { register } from "node:module";
const log = ${JSON.stringify(log)};
register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hooks)}), import.meta.url, { data: { log } });
await import("@keel/core");
appendFileSync(log, ${JSON.stringify(`${MARKER}\n`)});
await import("zod");
`;

describe("importing @keel/core", () => {
  it("loads only what a model call needs: no zod, tokenizer, caches, flows, telemetry tooling, context, cost, tools or guards", async () => {
    const dir = await mkdtemp(join(tmpdir(), "keel-import-cost-"));
    try {
      const log = join(dir, "resolved.txt");
      await run(
        process.execPath,
        ["--conditions=@keel/source", "--import", "tsx", "--input-type=module", "-e", child(log)],
        { cwd: packageRoot },
      );
      const [before, after = ""] = (await readFile(log, "utf8")).split(MARKER);
      const isZod = (url: string) => /\/node_modules\/(\.pnpm\/zod@[^/]+\/node_modules\/)?zod\//.test(url);
      const zodBefore = [...new Set(before?.split("\n").filter(isZod))].slice(0, 5);
      expect(before).toContain("/core/src/index.ts");
      expect(zodBefore).toEqual([]);
      // The tokenizer (encoder and rank tables) also loads only when a count is first asked for.
      expect(before?.split("\n").filter((url) => url.includes("js-tiktoken"))).toEqual([]);
      expect(after.split("\n").some(isZod)).toBe(true);
      // Everything but what a model call needs has an entry of its own (@keel/core/cache,
      // /flows, /telemetry, /context, /tokens, /cost, /registry, /structured, /tools, /guard,
      // /shared-state): the root entry must not compile it. (The middleware reach two small
      // helpers in those folders: the shared-state algorithms and the token estimate.)
      const heavy = new RegExp(
        [
          "flows/",
          "cache/(exact|semantic)-cache",
          "telemetry/(?!call-observation|observe-model|content-capture|telemetry-events)",
          "context/",
          "tokens/(?!estimate-tokens)",
          "cost/",
          "registry/",
          "structured/(?!add-usage)",
          "tools/",
          "guard/",
          "shared-state/(memory|degrading)-shared-state",
        ]
          .map((folder) => `/core/src/${folder}`)
          .join("|"),
      );
      expect(before?.split("\n").filter((url) => heavy.test(url))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
