/**
 * The two cleanup lists of the editor layer (after rust-analyzer's client):
 * - extension lifetime: `context.subscriptions`, disposed when the extension deactivates;
 * - engine lifetime: an `EngineScope`, disposed and emptied every time the engine leaves `ready`
 *   (the model is reloaded, the worker restarts, loading fails, the engine shuts down). State
 *   computed from one loaded model (scores, caches, per-document sessions) goes here, so no
 *   surface has to reset it by hand.
 *
 * No runtime `vscode` dependency: only `dispose()` is needed from what is pushed.
 */

export interface DisposableLike {
  dispose(): unknown;
}

/** An owned list of disposables, disposed newest first. Usable again after `clear()`. */
export class DisposableStore implements DisposableLike {
  private items: DisposableLike[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds disposables; after `dispose()` they are disposed at once instead. */
  push(...items: DisposableLike[]): void {
    if (this.disposed) {
      disposeAll(items);
      return;
    }
    this.items.push(...items);
  }

  /** Adds one disposable and returns it. */
  add<T extends DisposableLike>(item: T): T {
    this.push(item);
    return item;
  }

  /** Disposes everything added so far; the store stays usable. Errors are collected, not fatal. */
  clear(): unknown[] {
    const items = this.items;
    this.items = [];
    return disposeAll(items.reverse());
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }
}

/** Disposes each item even when an earlier one throws; returns what was thrown. */
function disposeAll(items: readonly DisposableLike[]): unknown[] {
  const errors: unknown[] = [];
  for (const item of items) {
    try {
      void item.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}

export type EngineStateKind = 'stopped' | 'loading' | 'ready' | 'error';

/**
 * The engine-lifetime list. The extension feeds it the engine's state changes (`track`); each
 * time the state leaves `ready` everything pushed is disposed and `onReset` listeners run.
 */
export class EngineScope implements DisposableLike {
  private readonly store = new DisposableStore();
  private readonly listeners = new Set<(reason: string) => void>();
  private last: EngineStateKind = 'stopped';
  private generationCount = 0;

  constructor(private readonly onError: (error: unknown) => void = () => {}) {}

  /** Increases at every reset: a value captured with some state tells whether it is still current. */
  get generation(): number {
    return this.generationCount;
  }

  push(...items: DisposableLike[]): void {
    this.store.push(...items);
  }

  add<T extends DisposableLike>(item: T): T {
    return this.store.add(item);
  }

  /** Runs `listener` after each reset (after the list was disposed). */
  onReset(listener: (reason: string) => void): DisposableLike {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Feeds one engine state change; resets when the state leaves `ready`. */
  track(kind: EngineStateKind): void {
    const previous = this.last;
    this.last = kind;
    if (previous === 'ready' && kind !== 'ready') this.reset(`engine ${kind}`);
  }

  /** Disposes and empties the list now, then tells the listeners. */
  reset(reason: string): void {
    this.generationCount++;
    for (const error of this.store.clear()) this.onError(error);
    for (const listener of [...this.listeners]) {
      try {
        listener(reason);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
    this.store.dispose();
  }
}
