import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/** The SHA-256 of the parts (joined with NUL, UTF-8) as lower-case hex: the ids of chunks and content. */
export function contentHash(...parts: string[]): string {
  return bytesToHex(sha256(utf8ToBytes(parts.join("\u0000"))));
}
