import { AbortedError } from "../errors.js";

/** Options of `staggeredRace`. */
export interface StaggeredRaceOptions<T> {
  /** Wait before each extra attempt, in ms. */
  delayMs: number;
  /** Extra attempts at most, after the first. */
  maxExtra: number;
  /** Aborting it aborts every attempt and sends no more. */
  signal?: AbortSignal | undefined;
  /** Called as extra attempt `index` (1, 2, ...) is sent. */
  onExtra?: (index: number) => void;
  /** Cleans up the result of an attempt that finished after another had already won. */
  discard?: (value: T) => void;
}

/** The winning attempt: its result, its index (0 = the first), and timings. */
export interface StaggeredWin<T> {
  value: T;
  index: number;
  /** From the start of the race (the first attempt) to the win: the latency the caller saw. */
  latencyMs: number;
  /** From the winning attempt's own start to the win. */
  attemptMs: number;
}

/**
 * Runs `attempt` now and again every `delayMs` (up to `maxExtra` more times) while none has
 * succeeded; the first success wins and every other attempt's signal is aborted. A failure waits
 * for the attempts still running; when none is left, the race rejects with the last error and
 * sends no more attempts.
 */
export function staggeredRace<T>(
  attempt: (signal: AbortSignal, index: number) => Promise<T>,
  options: StaggeredRaceOptions<T>,
): Promise<StaggeredWin<T>> {
  return new Promise((resolve, reject) => {
    const controllers: AbortController[] = [];
    let running = 0;
    let over = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const raceStartedAt = Date.now();

    const finish = () => {
      over = true;
      clearTimeout(timer);
    };
    const launch = () => {
      const index = controllers.length;
      const controller = new AbortController();
      controllers.push(controller);
      const signal = options.signal
        ? AbortSignal.any([options.signal, controller.signal])
        : controller.signal;
      const startedAt = Date.now();
      running++;
      if (index > 0) options.onExtra?.(index);
      if (index < options.maxExtra)
        timer = setTimeout(() => {
          if (!options.signal?.aborted) launch();
        }, options.delayMs);
      Promise.resolve()
        .then(() => attempt(signal, index))
        .then(
          (value) => {
            running--;
            if (over) return options.discard?.(value);
            finish();
            const lost = new AbortedError("another hedged request finished first");
            for (const [i, c] of controllers.entries()) if (i !== index) c.abort(lost);
            const now = Date.now();
            resolve({ value, index, latencyMs: now - raceStartedAt, attemptMs: now - startedAt });
          },
          (error: unknown) => {
            running--;
            if (over || running > 0) return;
            finish();
            reject(error);
          },
        );
    };
    launch();
  });
}
