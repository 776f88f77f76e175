import type { CaseResult } from "./types.js";

/**
 * Where a run records each finished case as it goes, so an interrupted run resumes where it
 * stopped. `@keel/eval/node` has `jsonlRunJournal(path)`; this in-memory one suits tests.
 */
export interface RunJournal {
  /** Cases already finished by an earlier, interrupted attempt of this run. */
  load(): Promise<CaseResult[]>;
  append(result: CaseResult): Promise<void>;
  /** Free-form state (e.g. a submitted batch handle), kept with the journal. */
  loadState?(): Promise<Record<string, unknown> | undefined>;
  saveState?(state: Record<string, unknown>): Promise<void>;
}

/** A journal kept in memory. */
export function memoryRunJournal(
  initial: CaseResult[] = [],
): RunJournal & { readonly results: CaseResult[] } {
  const results = [...initial];
  let state: Record<string, unknown> | undefined;
  return {
    results,
    async load() {
      return [...results];
    },
    async append(r) {
      results.push(r);
    },
    async loadState() {
      return state;
    },
    async saveState(s) {
      state = s;
    },
  };
}
