/**
 * Completion cache keyed by the text around the cursor. A hit also covers typing along the
 * ghost text: when the new prefix is an old prefix plus characters that the old completion
 * starts with, the rest of that completion is served at once.
 */

interface Entry {
  prefix: string;
  suffix: string;
  completion: string;
  /** Characters right of the cursor the completion replaces (auto-closed brackets it contains). */
  replace: number;
}

export class CompletionCache {
  private entries: Entry[] = [];

  constructor(private readonly capacity = 64) {}

  put(prefix: string, suffix: string, completion: string, replace = 0): void {
    this.entries = this.entries.filter((e) => !(e.prefix === prefix && e.suffix === suffix));
    this.entries.push({ prefix, suffix, completion, replace });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  get(prefix: string, suffix: string): string | undefined {
    return this.lookup(prefix, suffix)?.completion;
  }

  /** The rest of a cached completion for this prefix, and how many characters right of the cursor it replaces. */
  lookup(prefix: string, suffix: string): { completion: string; replace: number } | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i]!;
      if (e.suffix !== suffix || !prefix.startsWith(e.prefix)) continue;
      const typed = prefix.slice(e.prefix.length);
      if (typed.length < e.completion.length && e.completion.startsWith(typed)) return { completion: e.completion.slice(typed.length), replace: e.replace };
    }
    return undefined;
  }

  clear(): void {
    this.entries = [];
  }
}

/**
 * Debounce that follows measured latency: a fast model waits little, a slow one waits longer
 * so fewer requests are wasted while typing.
 */
export class AdaptiveDebounce {
  private latencyMs: number;

  constructor(
    private readonly minMs = 50,
    private readonly maxMs = 400,
    initialLatencyMs = 150,
  ) {
    this.latencyMs = initialLatencyMs;
  }

  record(latencyMs: number): void {
    this.latencyMs = 0.7 * this.latencyMs + 0.3 * latencyMs;
  }

  get delayMs(): number {
    return Math.round(Math.min(this.maxMs, Math.max(this.minMs, this.latencyMs * 0.6)));
  }
}
