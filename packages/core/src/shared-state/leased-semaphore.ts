import { sleep } from "../abort.js";
import { LocalLine } from "./local-line.js";
import type { SharedState } from "./shared-state.js";

/** Gives a slot back; calling it again does nothing. */
export type LeaseRelease = () => void;

export interface LeasedSemaphoreOptions {
  /** How long a lease lives unless renewed; a dead replica's slots return after at most this. */
  leaseMs: number;
  /** How often the head of this process's line asks the store again while every slot is taken. */
  pollMs: number;
  /** Called when a held lease could not be renewed (it expired or the store lost it). */
  onLost?: () => void;
}

/**
 * A counting semaphore whose slots are leases in a `SharedState`, so `max` holds across every
 * replica. A holder renews its lease every third of `leaseMs`; a replica that dies stops renewing
 * and its slots come back when the leases expire. Waiting calls of one process form a FIFO line
 * whose head alone polls the store.
 */
export class LeasedSemaphore {
  readonly #line = new LocalLine();

  constructor(
    private readonly store: SharedState,
    private readonly key: string,
    readonly max: number,
    private readonly options: LeasedSemaphoreOptions,
  ) {}

  /** Calls of this process waiting now. */
  get waiting(): number {
    return this.#line.length;
  }

  /** Takes a slot if nobody here waits and the store has one free; otherwise undefined. */
  async tryAcquire(): Promise<LeaseRelease | undefined> {
    if (this.#line.length > 0) return undefined;
    const lease = await this.store.acquireLease(this.key, this.max, this.options.leaseMs);
    return lease.ok ? this.#hold(lease.id) : undefined;
  }

  /** Waits in line for a slot. Aborting `signal` leaves the line and rejects with the signal's Keel error. */
  async acquire(signal: AbortSignal): Promise<LeaseRelease> {
    const leave = await this.#line.join(signal);
    try {
      for (;;) {
        const lease = await this.store.acquireLease(this.key, this.max, this.options.leaseMs);
        if (lease.ok) {
          if (!signal.aborted) return this.#hold(lease.id);
          await this.store.releaseLease(this.key, lease.id);
        }
        await sleep(lease.ok ? 0 : Math.min(lease.retryInMs, this.options.pollMs), signal);
      }
    } finally {
      leave();
    }
  }

  /** Keeps the lease alive until released. */
  #hold(id: string): LeaseRelease {
    const { leaseMs } = this.options;
    const renew = setInterval(
      () => {
        this.store.renewLease(this.key, id, leaseMs).then(
          (alive) => {
            if (alive) return;
            clearInterval(renew);
            this.options.onLost?.();
          },
          () => {},
        );
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
    (renew as { unref?: () => void }).unref?.();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      clearInterval(renew);
      // The lease expires by itself if the store cannot take it back now.
      this.store.releaseLease(this.key, id).catch(() => {});
    };
  }
}
