import { InvalidRequestError } from "@keel/core";
import { type ModelRegistry, modelRegistry } from "@keel/core/registry";
import type { Workload } from "./replicas.js";

/** Inputs of `costComparison`. */
export interface CostInput {
  workload: Workload;
  /** GPUs the fleet runs (replicas × GPUs per replica). */
  gpus: number;
  /** What one GPU costs per hour, USD (your cloud's or your amortized price). */
  gpuHourlyUsd: number;
  /** The API model to compare with, priced from core's model registry. */
  apiModel: string;
  registry?: ModelRegistry;
}

/** Self-hosted and API cost of the same tokens. */
export interface CostComparison {
  /** USD per million tokens (prompt + output) self-hosted at this volume. */
  selfHostedPerMTok: number;
  /** USD per million tokens at the API's prices for this prompt/output mix. */
  apiPerMTok: number;
  /** 1 − self/API: 0.6 means self-hosting is 60% cheaper; negative means dearer. */
  savings: number;
  tokensPerHour: number;
}

/**
 * Cost per million tokens self-hosted (GPU-hours over the tokens the workload moves in an hour)
 * against an API's list prices from core's registry. Throws `InvalidRequestError` when the
 * registry has no price for the model.
 */
export function costComparison(input: CostInput): CostComparison {
  const registry = input.registry ?? modelRegistry;
  const pricing = registry.require(input.apiModel).pricing;
  if (!pricing)
    throw new InvalidRequestError(`planner: the model registry has no price for "${input.apiModel}"`);
  if (!(input.gpus > 0) || !(input.gpuHourlyUsd >= 0))
    throw new InvalidRequestError("planner: gpus and gpuHourlyUsd must be positive");
  const w = input.workload;
  const perRequest = w.promptTokens + w.outputTokens;
  const tokensPerHour = w.requestsPerSecond * 3600 * perRequest;
  const selfHostedPerMTok = (input.gpus * input.gpuHourlyUsd) / (tokensPerHour / 1e6);
  const apiPerMTok =
    (w.promptTokens * pricing.inputPerMTok + w.outputTokens * pricing.outputPerMTok) / perRequest;
  return { selfHostedPerMTok, apiPerMTok, savings: 1 - selfHostedPerMTok / apiPerMTok, tokensPerHour };
}
