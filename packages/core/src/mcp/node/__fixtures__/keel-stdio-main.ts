// Keel tools served over stdio by `serveStdio`, run as a child process by the tests.
import { z } from "zod";
import { tool } from "../../../tools/tool.js";
import { mcpToolServer } from "../../index.js";
import { serveStdio } from "../index.js";

const server = mcpToolServer({
  name: "keel-fixture",
  tools: [
    tool({
      name: "shout",
      description: "Upper-cases a text.",
      input: z.object({ text: z.string() }),
      execute: ({ text }) => text.toUpperCase(),
    }),
  ],
});
await serveStdio(server);
