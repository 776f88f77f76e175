/**
 * Characters per prefix block. vLLM caches KV in blocks of 16 tokens; at about 4 characters per
 * token one block is about 64 characters, the block size the Gateway API Inference Extension's
 * approximate prefix index uses (see ../shared/notes/gpu-serving.md §1.3).
 */
export const BLOCK_CHARS = 64;

/** cyrb53: a fast 53-bit string hash (public domain), seeded so that hashes can be chained. */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Chained hashes of the full `blockChars`-character blocks of `text`: block i's hash covers
 * blocks 0..i, so two prompts share hash i exactly when they share their first i+1 blocks
 * (`hash(block_i) = hash(content_i, hash(block_{i-1}))`). A trailing partial block has no hash,
 * as vLLM caches only full blocks. `salt` (a LoRA adapter, a cache salt) separates caches.
 */
export function blockHashes(text: string, blockChars = BLOCK_CHARS, salt = "", limit = Infinity): number[] {
  const count = Math.min(Math.floor(text.length / blockChars), limit);
  const out = new Array<number>(count);
  let parent = salt ? hash53(salt, 0) : 0;
  for (let i = 0; i < count; i++) {
    // Fold the 53-bit parent into a 32-bit seed.
    const seed = (parent % 4294967296) ^ Math.floor(parent / 4294967296);
    parent = hash53(text.slice(i * blockChars, (i + 1) * blockChars), seed);
    out[i] = parent;
  }
  return out;
}
