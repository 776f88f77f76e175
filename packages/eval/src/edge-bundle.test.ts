import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect, it } from "vitest";

// The edge rule: the root entry runs on web-standard APIs only. Bundling it for the browser
// platform fails on any Node built-in; the metadata shows none slipped in as an external.
it("the root entry bundles for the browser platform without Node built-ins", async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL("./index.ts", import.meta.url))],
    bundle: true,
    platform: "browser",
    format: "esm",
    conditions: ["@keel/source"],
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
  expect(imports.filter((p) => p.startsWith("node:") || /^(fs|path|os|child_process|url)$/.test(p))).toEqual(
    [],
  );
  expect(Object.keys(result.metafile.inputs).some((f) => f.includes("packages/eval/src/node/"))).toBe(false);
}, 30_000);
