import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

// Resolve workspace packages to their TypeScript sources (the "@keel/source" export
// condition), so tests never need a build step.
const conditions = ["@keel/source", "node", "import", "default"];
// Vitest hands the SSR conditions to Node as `--conditions`, where they also steer require():
// "import" there makes a CommonJS package get its dependency's ESM build (pg gets pg-pool's).
const ssrConditions = conditions.filter((c) => c !== "import");
const packages = ["core", "providers", "rag", "memory", "eval", "gpu-client"];
// A package that needs a service prepared once per run (e.g. pgvector) keeps that in its own
// `src/__fixtures__/global-setup.ts`.
const globalSetupOf = (name: string) => {
  const file = `src/__fixtures__/global-setup.ts`;
  return existsSync(`packages/${name}/${file}`) ? [file] : [];
};

export default defineConfig({
  test: {
    projects: [
      ...packages.map((name) => ({
        resolve: { conditions },
        ssr: { resolve: { conditions: ssrConditions, externalConditions: ["@keel/source"] } },
        test: {
          name,
          root: `packages/${name}`,
          include: ["src/**/*.test.ts"],
          environment: "node",
          testTimeout: 20_000,
          globalSetup: globalSetupOf(name),
        },
      })),
      {
        resolve: { conditions },
        ssr: { resolve: { conditions: ssrConditions, externalConditions: ["@keel/source"] } },
        test: { name: "examples", root: "examples", include: ["src/**/*.test.ts"], testTimeout: 60_000 },
      },
    ],
  },
});
