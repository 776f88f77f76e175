import { defineConfig } from "vitest/config";

// Resolve workspace packages to their TypeScript sources (the "@keel/source" export
// condition), so tests never need a build step.
const conditions = ["@keel/source", "node", "import", "default"];
const packages = ["core", "providers", "rag", "memory", "eval", "gpu-client"];

export default defineConfig({
  test: {
    projects: [
      ...packages.map((name) => ({
        resolve: { conditions },
        ssr: { resolve: { conditions, externalConditions: ["@keel/source"] } },
        test: {
          name,
          root: `packages/${name}`,
          include: ["src/**/*.test.ts"],
          environment: "node",
          testTimeout: 20_000,
        },
      })),
      {
        resolve: { conditions },
        ssr: { resolve: { conditions, externalConditions: ["@keel/source"] } },
        test: { name: "examples", root: "examples", include: ["src/**/*.test.ts"], testTimeout: 60_000 },
      },
    ],
  },
});
