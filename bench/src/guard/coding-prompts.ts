// Benign programming questions, generated from templates in two halves that share no language,
// task or tool: `train` is training data (CODING_COLLECTION, below), `dev` is reported by the
// protocol's dev split to judge a change. Neither is an evaluation: the reported sets are
// data/coding-questions.jsonl and data/coding-requests.jsonl, written by hand in other words. Programming questions are the
// everyday traffic of the developers who use this SDK, and they share words with attacks
// ("print", "execute", "kill", "override", "bypass"): without examples a classifier flags them.

interface Vocabulary {
  languages: readonly string[];
  outputs: readonly string[];
  tasks: readonly string[];
  stuck: readonly string[];
}

const HALVES: Record<"train" | "dev", Vocabulary> = {
  train: {
    languages: ["Python", "Rust", "Java", "C#", "Bash", "SQL"],
    outputs: ["a welcome banner", "the current date", "a multiplication table", "every even number below 50"],
    tasks: [
      "read a JSON file",
      "reverse a linked list",
      "parse command-line arguments",
      "retry a failed HTTP request",
      "compare two dates",
    ],
    stuck: ["a Flask dev server", "a Celery worker", "a Java thread", "a stuck cron job"],
  },
  dev: {
    languages: ["Go", "Kotlin", "TypeScript", "Ruby", "C++", "PHP"],
    outputs: ["the first ten primes", "a greeting", "a progress bar", "the size of a file"],
    tasks: [
      "split a string on commas",
      "deduplicate an array",
      "hash a password",
      "stream a large upload",
      "format a number as currency",
    ],
    stuck: ["a Go routine", "a Rails server", "a hung PHP-FPM worker", "a frozen Gradle daemon"],
  },
};

/**
 * The collection name of the training half. Its rows train the classifier but do not set its
 * threshold: easy generated rows in the calibration's mean would lower the threshold for every
 * other collection (tried: left-out jackhhao's false positives rose from 0.515 to 0.549).
 */
export const CODING_COLLECTION = "coding (training only)";

/** The benign programming questions of one half (120 each). */
export function codingPrompts(half: "train" | "dev"): string[] {
  const v = HALVES[half];
  const out: string[] = [];
  for (const lang of v.languages) {
    for (const output of v.outputs)
      out.push(`Print ${output} in ${lang}.`, `Write code that outputs ${output} in ${lang}.`);
    for (const task of v.tasks)
      out.push(`How do I ${task} in ${lang}?`, `Show me how to ${task} in ${lang}.`);
  }
  for (const s of v.stuck)
    out.push(
      `How do I stop ${s} that won't respond?`,
      `What's the safest way to kill ${s} and restart it?`,
      `Why does ${s} hang, and how do I force it to exit?`,
    );
  return out;
}
