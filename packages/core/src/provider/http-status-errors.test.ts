import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  InvalidRequestError,
  KeelError,
  OverloadedError,
  PermissionError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  RateLimitedError,
  TimeoutError,
} from "../errors.js";
import { errorFromHttp } from "./error-from-http.js";
import {
  errorClassForStatus,
  HTTP_STATUS_ERRORS,
  type KeelErrorClass,
  PROVIDER_STATUS_OVERRIDES,
} from "./http-status-errors.js";

// The table as a reviewer reads it, written out again so that a changed row fails here.
const EXPECTED: Array<[number, KeelErrorClass, boolean]> = [
  [400, InvalidRequestError, false],
  [401, AuthenticationError, false],
  [402, QuotaExhaustedError, false],
  [403, PermissionError, false],
  [404, InvalidRequestError, false],
  [408, TimeoutError, true],
  [409, ProviderUnavailableError, true],
  [413, InvalidRequestError, false],
  [422, InvalidRequestError, false],
  [429, RateLimitedError, true],
  [499, ProviderUnavailableError, true],
  [500, ProviderUnavailableError, true],
  [502, ProviderUnavailableError, true],
  [503, ProviderUnavailableError, true],
  [504, TimeoutError, true],
  [529, OverloadedError, true],
];

describe("HTTP_STATUS_ERRORS", () => {
  it("lists exactly the reviewed rows", () => {
    expect(Object.keys(HTTP_STATUS_ERRORS).map(Number)).toEqual(EXPECTED.map(([status]) => status));
  });

  it.each(EXPECTED)(
    "%i maps to its class, with that class's retryable default",
    (status, ErrorClass, retryable) => {
      expect(errorClassForStatus(status)).toBe(ErrorClass);
      const error = errorFromHttp(status, { error: { message: "m" } }, undefined, "some-host");
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error.status).toBe(status);
      expect(error.retryable).toBe(retryable);
    },
  );

  it("maps unlisted statuses by family", () => {
    expect(errorClassForStatus(405)).toBe(InvalidRequestError);
    expect(errorClassForStatus(451)).toBe(InvalidRequestError);
    expect(errorClassForStatus(501)).toBe(ProviderUnavailableError);
    expect(errorClassForStatus(599)).toBe(ProviderUnavailableError);
    // A success or redirect status reported as a failure is the provider's doing.
    expect(errorClassForStatus(302)).toBe(ProviderUnavailableError);
  });

  it("gives every class a Keel error with the status, provider and message", () => {
    for (const [status, ErrorClass] of EXPECTED) {
      const error = new ErrorClass("m", { status, provider: "p" });
      expect(error).toBeInstanceOf(KeelError);
      expect(error.status).toBe(status);
    }
  });
});

describe("PROVIDER_STATUS_OVERRIDES", () => {
  it("holds only Google's 503 → overloaded", () => {
    expect(PROVIDER_STATUS_OVERRIDES).toEqual({ google: { 503: OverloadedError } });
  });

  it.each(
    Object.entries(PROVIDER_STATUS_OVERRIDES).flatMap(([provider, table]) =>
      Object.entries(table).map(([status, ErrorClass]) => [provider, Number(status), ErrorClass] as const),
    ),
  )("%s %i maps to its override, for that provider only", (provider, status, ErrorClass) => {
    expect(errorClassForStatus(status, provider)).toBe(ErrorClass);
    expect(errorFromHttp(status, {}, undefined, provider)).toBeInstanceOf(ErrorClass);
    expect(errorClassForStatus(status, "another")).toBe(HTTP_STATUS_ERRORS[status]);
  });
});
