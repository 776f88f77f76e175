import { ContentFilteredError, type KeelErrorOptions, ProviderUnavailableError } from "../errors.js";

const BLOCKED = Symbol.for("keel.guard.blocked");
const REFUSED = Symbol.for("keel.guard.residency");

/** What a guard found, in short: the rule or detector ids and PII types behind a block. */
export interface GuardFinding {
  kind: "injection" | "pii" | "canary" | "deny-list" | "link" | "schema";
  /** Rule id, detector id, PII type, deny-list term or link host. */
  id: string;
  score?: number;
}

/**
 * A guard blocked the prompt or the answer. It is a `ContentFilteredError` (code
 * `content-filtered`, not retryable, `fallback` does not move it), with what was found.
 */
export class GuardBlockedError extends ContentFilteredError {
  readonly stage: "input" | "output";
  readonly findings: readonly GuardFinding[];

  constructor(stage: "input" | "output", findings: readonly GuardFinding[], options: KeelErrorOptions = {}) {
    super(
      `guard blocked the ${stage === "input" ? "prompt" : "answer"}: ${findings.map((f) => `${f.kind}:${f.id}`).join(", ")}`,
      options,
    );
    this.name = "GuardBlockedError";
    this.stage = stage;
    this.findings = findings;
    Object.defineProperty(this, BLOCKED, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BLOCKED] === true
    );
  }
}

/**
 * The data-residency policy kept a sensitive request away from a model that is not approved
 * for it. Code `provider-unavailable` so that `fallback` moves on to the next model (which the
 * policy checks in turn); not retryable, since waiting does not change the answer.
 */
export class ResidencyRefusedError extends ProviderUnavailableError {
  readonly model: string;

  constructor(model: string, provider: string) {
    super(`data residency: ${provider}/${model} is not approved for sensitive requests`, {
      provider,
      retryable: false,
    });
    this.name = "ResidencyRefusedError";
    this.model = model;
    Object.defineProperty(this, REFUSED, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[REFUSED] === true
    );
  }
}
