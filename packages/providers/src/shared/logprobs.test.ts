import { InvalidRequestError } from "@keel/core";
import { describe, expect, it } from "vitest";
import { fromOpenAILogprobs, logprobsTop } from "./logprobs.js";

const ask = (logprobs?: { top?: number }) => ({ messages: [], ...(logprobs ? { logprobs } : {}) });

describe("logprobsTop", () => {
  it("is undefined when not asked, 0 when asked without top, else top", () => {
    expect(logprobsTop(ask(), "openai")).toBeUndefined();
    expect(logprobsTop(ask({}), "openai")).toBe(0);
    expect(logprobsTop(ask({ top: 20 }), "openai")).toBe(20);
  });

  it("refuses a top that is not an integer from 0 to 20, naming the provider", () => {
    for (const top of [-1, 21, 2.5, Number.NaN]) {
      const attempt = () => logprobsTop(ask({ top }), "google");
      expect(attempt).toThrow(InvalidRequestError);
      expect(attempt).toThrow(/logprobs\.top must be an integer from 0 to 20/);
    }
  });
});

describe("fromOpenAILogprobs", () => {
  it("keeps bytes when given, drops empty alternatives, skips entries without token or logprob", () => {
    expect(
      fromOpenAILogprobs([
        { token: "a", logprob: -1, bytes: [97], top_logprobs: [] },
        {
          token: "b",
          logprob: -2,
          bytes: null,
          top_logprobs: [{ token: "c", logprob: -3 }, { logprob: -4 }],
        },
        { logprob: -5 },
      ]),
    ).toEqual([
      { token: "a", logprob: -1, bytes: [97] },
      { token: "b", logprob: -2, top: [{ token: "c", logprob: -3 }] },
    ]);
  });
});
