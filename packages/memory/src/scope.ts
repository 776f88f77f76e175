import { InvalidRequestError } from "@keel/core";

/**
 * Who a piece of memory belongs to. Every read, write, list and search is confined to one scope:
 * a tenant, and within it a user (omitted or `""` for state that belongs to the tenant itself).
 */
export interface Scope {
  tenant: string;
  user?: string;
}

/** A scope with its user spelled out. */
export interface ResolvedScope {
  tenant: string;
  user: string;
}

const MAX_NAME_CHARS = 256;
const MAX_KEY_CHARS = 1024;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Control characters would make keys ambiguous in logs and Redis key names.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkName(value: unknown, what: string, max: number, allowEmpty: boolean): string {
  if (typeof value !== "string")
    throw new InvalidRequestError(`${what} must be a string, got ${typeof value}`);
  if (!allowEmpty && value.length === 0) throw new InvalidRequestError(`${what} must not be empty`);
  if (value.length > max)
    throw new InvalidRequestError(`${what} is ${value.length} characters; the limit is ${max}`);
  if (CONTROL.test(value))
    throw new InvalidRequestError(`${what} ${JSON.stringify(value)} contains a control character`);
  if (LONE_SURROGATE.test(value)) throw new InvalidRequestError(`${what} contains an unpaired surrogate`);
  return value;
}

/** Checks a scope and fills in its user; throws `InvalidRequestError` naming what is wrong. */
export function resolveScope(scope: Scope): ResolvedScope {
  if (typeof scope !== "object" || scope === null)
    throw new InvalidRequestError("scope must be an object { tenant, user? }");
  return {
    tenant: checkName(scope.tenant, "scope.tenant", MAX_NAME_CHARS, false),
    user: checkName(scope.user ?? "", "scope.user", MAX_NAME_CHARS, true),
  };
}

/** Checks a key or stream name: 1 to 1024 characters, no control characters. */
export function checkKey(key: unknown, what = "key"): string {
  return checkName(key, what, MAX_KEY_CHARS, false);
}

/** One string per scope, unambiguous (each part URI-encoded), for maps and Redis key names. */
export function scopeId(scope: ResolvedScope): string {
  return `${encodeURIComponent(scope.tenant)}:${encodeURIComponent(scope.user)}`;
}
