// Every row of the shared HTTP status → error table, through each adapter's own error mapping,
// with the error each official SDK really throws for that status and a body that says nothing more.

import { APIError as AnthropicAPIError } from "@anthropic-ai/sdk";
import { GoogleGenerativeAIFetchError } from "@google/generative-ai";
import { errorClassForStatus, HTTP_STATUS_ERRORS, PROVIDER_STATUS_OVERRIDES } from "@keel/core/provider";
import { APIError as OpenAIAPIError } from "openai";
import { describe, expect, it } from "vitest";
import { toAnthropicKeelError } from "../anthropic/errors.js";
import { toGoogleError } from "../google/errors.js";
import { toOpenAIError } from "../openai/errors.js";

const statuses = [
  ...new Set([
    ...Object.keys(HTTP_STATUS_ERRORS).map(Number),
    ...Object.values(PROVIDER_STATUS_OVERRIDES).flatMap((table) => Object.keys(table).map(Number)),
  ]),
];

describe.each(statuses)("HTTP %i", (status) => {
  it("OpenAI maps it as the table says", () => {
    const error = OpenAIAPIError.generate(status, { error: { message: "m" } }, "m", new Headers());
    const mapped = toOpenAIError(error);
    expect(mapped).toBeInstanceOf(errorClassForStatus(status, "openai"));
    expect(mapped.status).toBe(status);
  });

  it("Anthropic maps it as the table says", () => {
    const body = { type: "error", error: { message: "m" } };
    const error = AnthropicAPIError.generate(status, body, "m", new Headers());
    const mapped = toAnthropicKeelError(error);
    expect(mapped).toBeInstanceOf(errorClassForStatus(status, "anthropic"));
    expect(mapped.status).toBe(status);
  });

  it("Google maps it as the table says", () => {
    const error = new GoogleGenerativeAIFetchError(
      `[GoogleGenerativeAI Error]: Error fetching from https://x/v1beta/models/m:generateContent: [${status} S] m`,
      status,
      "S",
    );
    const mapped = toGoogleError(error);
    expect(mapped).toBeInstanceOf(errorClassForStatus(status, "google"));
    expect(mapped.status).toBe(status);
  });
});
