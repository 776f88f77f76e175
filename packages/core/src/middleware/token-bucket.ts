/**
 * A token bucket that refills continuously: `capacity` tokens per `periodMs`, starting full and
 * never holding more than `capacity`. Its level may drop below zero when a charge is corrected
 * upward after the fact; the debt is then paid off by refill before anyone else goes.
 *
 * The level is kept in token-milliseconds (tokens × `periodMs`), so with whole tokens and whole
 * milliseconds every computation is exact and a wait is never off by a rounding millisecond.
 */
export class TokenBucket {
  #scaled: number;
  #updatedAt: number;
  readonly #full: number;

  constructor(
    readonly capacity: number,
    readonly periodMs: number,
    now: number = Date.now(),
  ) {
    this.#full = capacity * periodMs;
    this.#scaled = this.#full;
    this.#updatedAt = now;
  }

  /** Tokens available at `now`. */
  level(now: number = Date.now()): number {
    this.#refill(now);
    return this.#scaled / this.periodMs;
  }

  /** Removes `n` tokens (the level may go negative). */
  take(n: number, now: number = Date.now()): void {
    this.#refill(now);
    this.#scaled -= n * this.periodMs;
  }

  /** Returns `n` tokens, up to capacity. */
  give(n: number, now: number = Date.now()): void {
    this.#refill(now);
    this.#scaled = Math.min(this.#full, this.#scaled + n * this.periodMs);
  }

  /** Milliseconds from `now` until the level reaches `n` (0 when it already has). */
  msUntil(n: number, now: number = Date.now()): number {
    this.#refill(now);
    const short = n * this.periodMs - this.#scaled;
    return short <= 0 ? 0 : Math.ceil(short / this.capacity);
  }

  #refill(now: number): void {
    if (now > this.#updatedAt) {
      this.#scaled = Math.min(this.#full, this.#scaled + (now - this.#updatedAt) * this.capacity);
      this.#updatedAt = now;
    }
  }
}
