import { describe, expect, it } from "vitest";
import { defineFlow } from "./define-flow.js";
import { flowContext } from "./flow-types.js";
import { toMermaid } from "./to-mermaid.js";

describe("toMermaid", () => {
  it("draws states, guarded transitions, fallbacks, checks, branches and terminals", () => {
    const flow = defineFlow({
      id: "triage",
      context: flowContext<{ kind?: string; docs: string }>(),
      initial: "classify",
      states: {
        classify: {
          description: "label the ticket",
          run: () => {},
          next: [
            { to: "retrieve", when: (c) => c.kind === "question", label: "question" },
            { to: "human-review" },
          ],
          fallback: "human-review",
        },
        retrieve: { branches: { kb: () => [], history: () => [] }, join: () => {}, next: "trim" },
        trim: { truncate: { field: "docs", maxTokens: 500 }, next: "draft" },
        draft: { run: () => {}, next: "check" },
        check: {
          check: () => ({ pass: true }),
          onPass: "respond",
          onFail: "draft",
          onEscalate: "human-review",
          maxRetries: 2,
        },
        respond: { terminal: true },
        "human-review": { terminal: true },
      },
    });
    expect(toMermaid(flow)).toBe(
      [
        "stateDiagram-v2",
        "  classify : label the ticket",
        "  trim : truncate docs to 500 tokens",
        '  state "human-review" as s6',
        "  [*] --> classify",
        "  classify --> retrieve : question",
        "  classify --> s6 : otherwise",
        "  classify --> s6 : on error",
        "  retrieve --> trim",
        "  note right of retrieve : parallel kb, history",
        "  trim --> draft",
        "  draft --> check",
        "  check --> respond : pass",
        "  check --> draft : fail (at most 2x)",
        "  check --> s6 : escalate",
        "  respond --> [*]",
        "  s6 --> [*]",
        "",
      ].join("\n"),
    );
  });
});
