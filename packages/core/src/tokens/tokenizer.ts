import type { Tiktoken, TiktokenBPE } from "js-tiktoken/lite";
import { InvalidRequestError, KeelError } from "../errors.js";

/** The OpenAI byte-pair encodings Keel counts exactly. */
export type TokenEncoding = "o200k_base" | "cl100k_base";

/** Counts, encodes and decodes text for one encoding. */
export interface Tokenizer {
  readonly encoding: TokenEncoding;
  /** Number of tokens in `text`; special-token strings count as ordinary text, as the APIs treat user text. */
  count(text: string): number;
  encode(text: string): number[];
  decode(tokens: number[]): string;
}

// Literal specifiers, so bundlers can split each multi-megabyte table into its own lazy chunk;
// nothing here runs until a tokenizer is first asked for.
const RANKS: Record<TokenEncoding, () => Promise<{ default: TiktokenBPE }>> = {
  o200k_base: () => import("js-tiktoken/ranks/o200k_base"),
  cl100k_base: () => import("js-tiktoken/ranks/cl100k_base"),
};

const loaded = new Map<TokenEncoding, Tokenizer>();
const loading = new Map<TokenEncoding, Promise<Tokenizer>>();

function assertEncoding(encoding: string): asserts encoding is TokenEncoding {
  if (!Object.hasOwn(RANKS, encoding))
    throw new InvalidRequestError(
      `unknown token encoding "${encoding}"; expected one of ${Object.keys(RANKS).join(", ")}`,
    );
}

function wrap(encoding: TokenEncoding, tiktoken: Tiktoken): Tokenizer {
  return {
    encoding,
    // Empty allowed/disallowed lists: "<|endoftext|>" in user text is text, not a control token.
    count: (text) => tiktoken.encode(text, [], []).length,
    encode: (text) => tiktoken.encode(text, [], []),
    decode: (tokens) => tiktoken.decode(tokens),
  };
}

/** Loads (once) and returns the tokenizer for an encoding; the rank table is imported on first use. */
export function getTokenizer(encoding: TokenEncoding = "o200k_base"): Promise<Tokenizer> {
  assertEncoding(encoding);
  const ready = loaded.get(encoding);
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(encoding);
  if (!pending) {
    // The encoder class loads with its table, so importing core costs no tokenizer code at all.
    pending = Promise.all([import("js-tiktoken/lite"), RANKS[encoding]()]).then(
      ([{ Tiktoken }, mod]) => {
        const tokenizer = wrap(encoding, new Tiktoken(mod.default));
        loaded.set(encoding, tokenizer);
        loading.delete(encoding);
        return tokenizer;
      },
      (error: unknown) => {
        // Forget the failure so a later call can try again.
        loading.delete(encoding);
        throw new KeelError(`could not load the ${encoding} rank table`, { cause: error });
      },
    );
    loading.set(encoding, pending);
  }
  return pending;
}

/** The tokenizer for an encoding if it is already loaded: the synchronous fast path. */
export function loadedTokenizer(encoding: TokenEncoding = "o200k_base"): Tokenizer | undefined {
  return loaded.get(encoding);
}

/** Counts the tokens of plain text exactly with an OpenAI encoding, loading the table on first use. */
export async function countTokens(text: string, encoding: TokenEncoding = "o200k_base"): Promise<number> {
  return (loaded.get(encoding) ?? (await getTokenizer(encoding))).count(text);
}

/** Counts tokens synchronously; throws unless `getTokenizer(encoding)` has finished loading. */
export function countTokensSync(text: string, encoding: TokenEncoding = "o200k_base"): number {
  const tokenizer = loaded.get(encoding);
  if (!tokenizer) {
    assertEncoding(encoding);
    throw new KeelError(
      `the ${encoding} tokenizer is not loaded yet; await getTokenizer("${encoding}") first`,
    );
  }
  return tokenizer.count(text);
}
