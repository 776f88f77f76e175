/** Thrown by a stage whose work ran but whose result is wrong (a cache that did not hit, ...). */
export class StageCheckError extends Error {
  override name = "StageCheckError";
}

/** Fails the stage with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StageCheckError(message);
}

export interface StageTiming {
  name: string;
  ms: number;
}

/**
 * Runs named stages in order, printing a header for each and timing it. The first stage that
 * throws ends the run: its error is printed and `ok` turns false (later stages depend on it).
 */
export class StageRunner {
  readonly timings: StageTiming[] = [];
  ok = true;
  private number = 0;

  constructor(private readonly out: (line?: string) => void) {}

  async run<T>(name: string, work: () => Promise<T>): Promise<T | undefined> {
    if (!this.ok) return undefined;
    this.number++;
    this.out(`\n${this.number}) ${name}`);
    const started = performance.now();
    try {
      const result = await work();
      const ms = performance.now() - started;
      this.timings.push({ name, ms });
      this.out(`   (${Math.round(ms)} ms)`);
      return result;
    } catch (error) {
      this.ok = false;
      const e = error as { name?: string; code?: string; message?: string };
      this.out(
        `   FAILED: ${e.name ?? "Error"}${e.code ? ` (${e.code})` : ""}: ${e.message ?? String(error)}`,
      );
      return undefined;
    }
  }
}
