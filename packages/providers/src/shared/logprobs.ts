import { InvalidRequestError, type ModelRequest, type TokenCandidate, type TokenLogprob } from "@keel/core";

/** The most alternatives per token any supported API returns (OpenAI and Gemini both cap at 20). */
const MAX_TOP = 20;

/**
 * How many alternatives per output token the request asks for (0: the chosen token only), or
 * `undefined` when it asks for no log probabilities. A `top` outside 0–20 is refused.
 */
export function logprobsTop(request: ModelRequest, provider: string): number | undefined {
  const asked = request.logprobs;
  if (asked === undefined) return undefined;
  const top = asked.top ?? 0;
  if (!Number.isInteger(top) || top < 0 || top > MAX_TOP)
    throw new InvalidRequestError(
      `logprobs.top must be an integer from 0 to ${MAX_TOP}, got ${String(top)}`,
      {
        provider,
      },
    );
  return top;
}

/** A token's log probability in OpenAI's shape (Chat Completions and Responses alike). */
interface OpenAILogprob {
  token?: string;
  logprob?: number;
  bytes?: number[] | null;
  top_logprobs?: OpenAILogprob[] | null;
}

/** OpenAI's per-token log probabilities as Keel's; entries without a token or logprob are skipped. */
export function fromOpenAILogprobs(entries: readonly OpenAILogprob[]): TokenLogprob[] {
  const tokens: TokenLogprob[] = [];
  for (const entry of entries) {
    const token = candidate(entry);
    if (token) tokens.push(withAlternatives(token, entry.top_logprobs?.map(candidate)));
  }
  return tokens;
}

/**
 * A chosen token with the alternatives the provider gave for its position; alternatives it could
 * not read (`undefined`) are left out, and `top` only appears when some remain.
 */
export function withAlternatives(
  token: TokenCandidate,
  alternatives: readonly (TokenCandidate | undefined)[] | undefined,
): TokenLogprob {
  const top = alternatives?.filter((c): c is TokenCandidate => c !== undefined);
  return top && top.length > 0 ? { ...token, top } : token;
}

function candidate(entry: OpenAILogprob): TokenCandidate | undefined {
  if (typeof entry.token !== "string" || typeof entry.logprob !== "number") return undefined;
  return Array.isArray(entry.bytes)
    ? { token: entry.token, logprob: entry.logprob, bytes: entry.bytes }
    : { token: entry.token, logprob: entry.logprob };
}
