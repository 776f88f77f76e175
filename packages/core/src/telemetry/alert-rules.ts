import type { z } from "zod";
import { InvalidRequestError } from "../errors.js";
import { loadZod, type ZodModule } from "../zod-runtime.js";

// Built on first use from a zod loaded at call time, so importing core does not load zod.
function buildAlertRuleSchema(z: ZodModule) {
  const ms = z.number().positive().finite();
  const rate = z.number().min(0).max(1);

  /** Fields every rule has: an id, a severity, which calls it watches, and how often it may fire. */
  const common = {
    /** Unique name of the rule; default `<kind>#<position>`. */
    id: z.string().min(1).optional(),
    severity: z.enum(["info", "warning", "critical"]).default("warning"),
    /** Only calls matching every field given count. */
    where: z
      .object({
        model: z.string().optional(),
        provider: z.string().optional(),
        tenant: z.string().optional(),
      })
      .strict()
      .optional(),
    /** Evaluate separately per model, provider or tenant (one alert and cooldown each). */
    by: z.enum(["model", "provider", "tenant"]).optional(),
    /** Quiet time after an alert, per rule and group, so a lasting problem does not storm. Default 5 min. */
    cooldownMs: z.number().min(0).finite().default(300_000),
  };

  /** A current window compared with an absolute bound, or with a baseline window before it, or both. */
  const spike = {
    windowMs: ms,
    /** Length of the baseline span, which ends where the current window begins. */
    baselineMs: ms.optional(),
    /** Fires when the current value exceeds `factor` × the baseline value. */
    factor: z.number().positive().finite().optional(),
    /** Events needed in each compared span before the rule says anything. Default 20. */
    minSamples: z.number().int().min(1).default(20),
  };

  const needsBound = (r: { baselineMs?: number | undefined; factor?: number | undefined }, bound: unknown) =>
    bound !== undefined || (r.baselineMs !== undefined && r.factor !== undefined);
  const boundMessage = (field: string) => ({
    message: `set ${field}, or baselineMs and factor, or both`,
  });

  const latencySpike = z
    .object({
      kind: z.literal("latency-spike"),
      ...common,
      ...spike,
      baselineMs: ms,
      factor: z.number().positive().finite(),
      metric: z.enum(["latencyMs", "ttftMs"]).default("latencyMs"),
      quantile: z.number().gt(0).lt(1).default(0.95),
    })
    .strict();

  const costSpike = z
    .object({
      kind: z.literal("cost-spike"),
      ...common,
      ...spike,
      minSamples: z.number().int().min(1).default(1),
      /** Fires when the window's cost exceeds this many USD. */
      maxUsd: z.number().positive().finite().optional(),
    })
    .strict()
    .refine((r) => needsBound(r, r.maxUsd), boundMessage("maxUsd"));

  const rateSpike = <K extends string>(kind: K) =>
    z
      .object({
        kind: z.literal(kind),
        ...common,
        ...spike,
        /** Fires when the rate in the window exceeds this. */
        maxRate: rate.optional(),
        /** A baseline comparison also needs the rate to reach this floor. Default 0. */
        minRate: rate.default(0),
      })
      .strict()
      .refine((r) => needsBound(r, r.maxRate), boundMessage("maxRate"));

  const retrievalFailures = z
    .object({
      kind: z.literal("retrieval-failures"),
      ...common,
      windowMs: ms,
      /** Highest acceptable share of retrievals that failed or came back empty. */
      maxRate: rate,
      minSamples: z.number().int().min(1).default(10),
    })
    .strict();

  const modelVersionMismatch = z
    .object({
      kind: z.literal("model-version-mismatch"),
      ...common,
      /** The model id requested. */
      model: z.string().min(1),
      /** The served model id(s) expected, e.g. a dated snapshot. */
      pinned: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    })
    .strict();

  const hallucination = z
    .object({
      kind: z.literal("hallucination"),
      ...common,
      /** The `eval.scored` metric to watch. Default "groundedness". */
      metric: z.string().min(1).default("groundedness"),
      /** Fires when a score (or the window mean, with `windowMs`) is below this. */
      minScore: z.number().finite(),
      windowMs: ms.optional(),
      minSamples: z.number().int().min(1).default(1),
    })
    .strict();

  return z.discriminatedUnion("kind", [
    latencySpike,
    costSpike,
    rateSpike("error-rate-spike"),
    rateSpike("fallback-rate-spike"),
    retrievalFailures,
    modelVersionMismatch,
    hallucination,
  ]);
}

/** The zod schema of one alert rule. */
export type AlertRuleSchema = ReturnType<typeof buildAlertRuleSchema>;

let schema: Promise<AlertRuleSchema> | undefined;

/**
 * Loads zod and returns the schema of one alert rule (rules are data, loadable from JSON config).
 * Async because core loads zod only when it is first needed; the schema is built once.
 */
export function loadAlertRuleSchema(): Promise<AlertRuleSchema> {
  schema ??= loadZod().then(buildAlertRuleSchema);
  return schema;
}

/** An alert rule as written in config (defaults optional). */
export type AlertRuleInput = z.input<AlertRuleSchema>;
/** A validated alert rule, defaults filled in and `id` set. */
export type AlertRule = z.output<AlertRuleSchema> & { id: string };
export type AlertKind = AlertRule["kind"];
export type AlertRuleOf<K extends AlertKind> = Extract<AlertRule, { kind: K }>;

/**
 * Validates alert rules (an array, or its JSON text), fills in defaults and ids, and checks
 * ids are unique. Rejects with `InvalidRequestError` listing every problem with its path.
 * Async because it loads zod on first use (see `loadAlertRuleSchema`).
 */
export async function parseAlertRules(input: unknown): Promise<AlertRule[]> {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new InvalidRequestError(`alert rules: not valid JSON (${(error as Error).message})`, {
        cause: error,
      });
    }
  }
  const ruleSchema = await loadAlertRuleSchema();
  const result = ruleSchema.array().safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new InvalidRequestError(`alert rules: ${issues}`, { cause: result.error });
  }
  const seen = new Set<string>();
  return result.data.map((rule, index) => {
    const id = rule.id ?? `${rule.kind}#${index}`;
    if (seen.has(id)) throw new InvalidRequestError(`alert rules: id "${id}" is used twice`);
    seen.add(id);
    return { ...rule, id } as AlertRule;
  });
}
