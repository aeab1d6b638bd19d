/**
 * Serialises model steps between concurrent requests. A request takes the model for one step at
 * a time; when a step ends, the waiting request with the highest priority goes next, so an
 * interactive request pre-empts background work between steps. Cancellation is checked at every
 * step boundary.
 *
 * An interactive request runs as a series of steps with a little JavaScript between them (pick
 * the token, draft the next ones, the next boundary query). When one of its steps ends nothing
 * interactive is waiting yet, so without more care every gap would hand the model to background
 * work for a whole step, and completion would crawl at one token per background step while the
 * heat map scores a large file. So background steps are held back for `interactiveGraceMs`
 * after an interactive step ends: an interactive request keeps the model for its whole run and
 * waits at most one (short) background step when it starts.
 */
import { throwIfAborted, CancelledError } from '../base/errors';
import type { Priority } from './types';

interface Waiter {
  rank: number;
  order: number;
  grant: () => void;
  fail: (error: unknown) => void;
}

const rankOf: Record<Priority, number> = { interactive: 0, background: 1 };

/** How long background steps wait after an interactive step ended (the gap between its steps). */
export const defaultInteractiveGraceMs = 25;

export class StepScheduler {
  private busy = false;
  private order = 0;
  private readonly waiters: Waiter[] = [];
  /** performance.now() when the last interactive step ended. */
  private lastInteractiveEnd = Number.NEGATIVE_INFINITY;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly interactiveGraceMs = defaultInteractiveGraceMs) {}

  /** Runs one step once the model is free and no higher-priority request is waiting. */
  async step<T>(priority: Priority, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    throwIfAborted(signal);
    await this.acquire(rankOf[priority], signal);
    try {
      throwIfAborted(signal);
      return await fn();
    } finally {
      if (priority === 'interactive') this.lastInteractiveEnd = performance.now();
      this.release();
    }
  }

  /** Runs `fn` ahead of every waiting step, once the current step (if any) has finished. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire(-1, undefined);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  get pending(): number {
    return this.waiters.length;
  }

  private acquire(rank: number, signal: AbortSignal | undefined): Promise<void> {
    if (!this.busy && this.waiters.length === 0) {
      this.busy = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        rank,
        order: this.order++,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: reject,
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.waiters.sort((a, b) => a.rank - b.rank || a.order - b.order);
      if (!this.busy) this.release();
    });
  }

  private release(): void {
    const first = this.waiters[0];
    if (first && first.rank >= rankOf.background) {
      // An interactive request may be between two of its steps: keep the model free for it.
      const wait = this.lastInteractiveEnd + this.interactiveGraceMs - performance.now();
      if (wait > 0) {
        this.busy = false;
        if (!this.graceTimer) {
          this.graceTimer = setTimeout(() => {
            this.graceTimer = undefined;
            if (!this.busy) this.release();
          }, Math.ceil(wait));
        }
        return;
      }
    }
    const next = this.waiters.shift();
    if (next) {
      this.busy = true;
      next.grant();
    } else this.busy = false;
  }
}
