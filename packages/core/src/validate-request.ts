import { InvalidRequestError } from "./errors.js";
import type { CallOptions, ModelRequest } from "./model.js";

// A structural check of what the types promise, for requests built at run time (JSON from a
// user, another language, an old version of the app). Plain loops and `typeof`: it runs on every
// call, so it allocates nothing on a valid request.

const ROLES = "system, user, assistant or tool";
const EFFORTS = new Set(["minimal", "low", "medium", "high"]);
const TOOL_CHOICES = new Set(["auto", "none", "required"]);

/** Which part types each role may carry. */
const PARTS_OF_ROLE: Record<string, ReadonlySet<string>> = {
  system: new Set(["text"]),
  user: new Set(["text", "image", "file"]),
  assistant: new Set(["text", "reasoning", "tool-call"]),
  tool: new Set(["tool-result"]),
};

/**
 * Checks that `request` is a well-formed `ModelRequest` and throws an `InvalidRequestError`
 * naming the first field that is not (message index, part index, field). Every Keel model runs it
 * before sending anything; an application can run it on a request built from untrusted JSON.
 */
export function validateRequest(request: unknown, provider?: string): asserts request is ModelRequest {
  const problem = requestProblem(request);
  if (problem !== undefined)
    throw new InvalidRequestError(`invalid request: ${problem}`, provider !== undefined ? { provider } : {});
}

/**
 * Checks the per-call options every model takes (`deadline`, `signal`, `headers`) and throws an
 * `InvalidRequestError` naming the bad one: a `deadline` of `NaN` must not mean "no deadline".
 */
export function validateCallOptions(options: unknown, provider?: string): asserts options is CallOptions {
  if (options === undefined) return;
  const problem = callOptionsProblem(options);
  if (problem !== undefined)
    throw new InvalidRequestError(
      `invalid call options: ${problem}`,
      provider !== undefined ? { provider } : {},
    );
}

function callOptionsProblem(options: unknown): string | undefined {
  if (!isObject(options)) return `options must be an object, got ${describe(options)}`;
  const { deadline, signal, headers } = options as Record<string, unknown>;
  if (
    deadline !== undefined &&
    !(typeof deadline === "number" && (Number.isFinite(deadline) || deadline === Number.POSITIVE_INFINITY))
  )
    return `deadline must be a time in ms since the epoch (as Date.now() gives), got ${describe(deadline)}`;
  if (
    signal !== undefined &&
    !(isObject(signal) && typeof (signal as AbortSignal).addEventListener === "function")
  )
    return `signal must be an AbortSignal, got ${describe(signal)}`;
  if (headers !== undefined) {
    if (!isObject(headers)) return `headers must be an object of strings, got ${describe(headers)}`;
    for (const key in headers)
      if (typeof (headers as Record<string, unknown>)[key] !== "string")
        return `headers["${key}"] must be a string, got ${describe((headers as Record<string, unknown>)[key])}`;
  }
  return undefined;
}

/** What is wrong with `request`, or undefined when it is a well-formed `ModelRequest`. */
export function requestProblem(request: unknown): string | undefined {
  if (!isObject(request)) return `the request must be an object with \`messages\`, got ${describe(request)}`;
  const r = request as Record<string, unknown>;
  const messages = r.messages;
  if (!Array.isArray(messages)) {
    if (messages === undefined && "prompt" in r)
      return '`messages` is missing: Keel takes `messages: [{ role: "user", content: "..." }]`, not `prompt`';
    return `\`messages\` must be an array of messages, got ${describe(messages)}`;
  }
  if (messages.length === 0) return "`messages` is empty: give at least one message";
  for (let i = 0; i < messages.length; i++) {
    const problem = messageProblem(messages[i], i);
    if (problem !== undefined) return problem;
  }
  return optionsProblem(r);
}

function messageProblem(message: unknown, i: number): string | undefined {
  const at = `messages[${i}]`;
  if (!isObject(message)) return `${at} must be a message object, got ${describe(message)}`;
  const m = message as Record<string, unknown>;
  const role = m.role;
  const allowed = typeof role === "string" ? PARTS_OF_ROLE[role] : undefined;
  if (allowed === undefined) return `${at}.role must be ${ROLES}, got ${describe(role)}`;
  const content = m.content;
  if (typeof content === "string") {
    if (role === "tool")
      return `${at}.content must be an array of tool-result parts ({ type: "tool-result", toolCallId, name, result })${
        "tool_call_id" in m
          ? `; \`tool_call_id\` is OpenAI's shape, Keel's tool message is { role: "tool", content: [{ type: "tool-result", toolCallId, name, result }] }`
          : ""
      }`;
    return undefined;
  }
  if (!Array.isArray(content))
    return `${at}.content must be ${role === "tool" ? "an array of tool-result parts" : "a string or an array of parts"}, got ${describe(content)}`;
  if (role === "tool" && content.length === 0) return `${at}.content has no tool-result parts`;
  for (let j = 0; j < content.length; j++) {
    const problem = partProblem(content[j], `${at}.content[${j}]`, role as string, allowed);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function partProblem(
  part: unknown,
  at: string,
  role: string,
  allowed: ReadonlySet<string>,
): string | undefined {
  if (!isObject(part)) return `${at} must be a part object, got ${describe(part)}`;
  const p = part as Record<string, unknown>;
  const type = p.type;
  if (typeof type !== "string" || !allowed.has(type))
    return `${at}.type must be ${[...allowed].join(" or ")} in a ${role} message, got ${describe(type)}`;
  switch (type) {
    case "text":
    case "reasoning":
      return typeof p.text === "string" ? undefined : `${at}.text must be a string, got ${describe(p.text)}`;
    case "image":
    case "file":
      if (typeof p.mediaType !== "string")
        return `${at}.mediaType must be a string, got ${describe(p.mediaType)}`;
      if (typeof p.data !== "string" && typeof p.url !== "string")
        return `${at} needs \`data\` (base64) or \`url\` as a string`;
      return undefined;
    case "tool-call":
      if (typeof p.id !== "string") return `${at}.id must be a string, got ${describe(p.id)}`;
      if (typeof p.name !== "string" || p.name === "")
        return `${at}.name must be a non-empty string, got ${describe(p.name)}`;
      return undefined;
    default: // tool-result
      if (typeof p.toolCallId !== "string")
        return `${at}.toolCallId must be a string, got ${describe(p.toolCallId)}`;
      if (typeof p.name !== "string") return `${at}.name must be a string, got ${describe(p.name)}`;
      return undefined;
  }
}

function optionsProblem(r: Record<string, unknown>): string | undefined {
  for (const key of ["temperature", "topP", "frequencyPenalty", "presencePenalty"] as const) {
    const v = r[key];
    if (v !== undefined && !(typeof v === "number" && Number.isFinite(v)))
      return `\`${key}\` must be a finite number, got ${describe(v)}`;
  }
  if (r.topK !== undefined && !isInteger(r.topK, 1))
    return `\`topK\` must be a positive integer, got ${describe(r.topK)}`;
  if (r.seed !== undefined && !isInteger(r.seed, Number.MIN_SAFE_INTEGER))
    return `\`seed\` must be an integer, got ${describe(r.seed)}`;
  if (r.maxOutputTokens !== undefined && !isInteger(r.maxOutputTokens, 1))
    return `\`maxOutputTokens\` must be a positive integer, got ${describe(r.maxOutputTokens)}`;
  if (r.stop !== undefined) {
    if (!Array.isArray(r.stop)) return `\`stop\` must be an array of strings, got ${describe(r.stop)}`;
    for (let i = 0; i < r.stop.length; i++)
      if (typeof r.stop[i] !== "string") return `stop[${i}] must be a string, got ${describe(r.stop[i])}`;
  }
  if (r.tools !== undefined) {
    if (!Array.isArray(r.tools))
      return `\`tools\` must be an array of tool definitions, got ${describe(r.tools)}`;
    for (let i = 0; i < r.tools.length; i++) {
      const t = r.tools[i] as Record<string, unknown>;
      if (!isObject(t)) return `tools[${i}] must be a tool definition, got ${describe(t)}`;
      if (typeof t.name !== "string" || t.name === "")
        return `tools[${i}].name must be a non-empty string, got ${describe(t.name)}`;
      if (!isObject(t.inputSchema))
        return `tools[${i}].inputSchema must be a JSON Schema object, got ${describe(t.inputSchema)}`;
    }
  }
  const choice = r.toolChoice;
  if (
    choice !== undefined &&
    !(typeof choice === "string"
      ? TOOL_CHOICES.has(choice)
      : isObject(choice) &&
        (choice as Record<string, unknown>).type === "tool" &&
        typeof (choice as Record<string, unknown>).name === "string")
  )
    return `\`toolChoice\` must be "auto", "none", "required" or { type: "tool", name }, got ${describe(choice)}`;
  const format = r.responseFormat as Record<string, unknown> | undefined;
  if (format !== undefined) {
    if (!isObject(format) || (format.type !== "text" && format.type !== "json"))
      return `\`responseFormat\` must be { type: "text" } or { type: "json", schema? }, got ${describe(format)}`;
    if (format.schema !== undefined && !isObject(format.schema))
      return `responseFormat.schema must be a JSON Schema object, got ${describe(format.schema)}`;
  }
  const reasoning = r.reasoning as Record<string, unknown> | undefined;
  if (reasoning !== undefined) {
    if (!isObject(reasoning)) return `\`reasoning\` must be an object, got ${describe(reasoning)}`;
    if (reasoning.effort !== undefined && !EFFORTS.has(reasoning.effort as string))
      return `reasoning.effort must be minimal, low, medium or high, got ${describe(reasoning.effort)}`;
    if (reasoning.budgetTokens !== undefined && !isInteger(reasoning.budgetTokens, 0))
      return `reasoning.budgetTokens must be an integer of 0 or more, got ${describe(reasoning.budgetTokens)}`;
  }
  const logprobs = r.logprobs as Record<string, unknown> | undefined;
  if (logprobs !== undefined) {
    if (!isObject(logprobs)) return `\`logprobs\` must be an object ({ top? }), got ${describe(logprobs)}`;
    if (logprobs.top !== undefined && !(isInteger(logprobs.top, 0) && (logprobs.top as number) <= 20))
      return `logprobs.top must be an integer from 0 to 20, got ${describe(logprobs.top)}`;
  }
  if (r.providerOptions !== undefined && !isObject(r.providerOptions))
    return `\`providerOptions\` must be an object keyed by provider, got ${describe(r.providerOptions)}`;
  if (r.tenant !== undefined && typeof r.tenant !== "string")
    return `\`tenant\` must be a string, got ${describe(r.tenant)}`;
  return undefined;
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, min: number): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min;
}

/** A short description of a bad value for an error message; never the whole value (it may be a prompt). */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return value.length > 40 ? `a string ("${value.slice(0, 40)}…")` : `"${value}"`;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    default:
      return "an object";
  }
}
