/**
 * Scores cached by content: a document's scored state is stored under a hash of its text (and of
 * the scoring geometry), so reopening a file, undoing an edit or showing the same text in another
 * editor reuses what was computed. LRU, bounded by the number of tokens held.
 */
import { createHash } from 'node:crypto';

export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 27);
}

export interface Sized {
  /** Tokens held (the LRU budget counts these). */
  readonly size: number;
}

export class ContentCache<T extends Sized> {
  private readonly entries = new Map<string, T>();
  private used = 0;

  constructor(private readonly budgetTokens = 400_000) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  put(key: string, value: T): void {
    const old = this.entries.get(key);
    if (old) {
      this.used -= old.size;
      this.entries.delete(key);
    }
    if (value.size > this.budgetTokens) return;
    this.entries.set(key, value);
    this.used += value.size;
    for (const [k, v] of this.entries) {
      if (this.used <= this.budgetTokens) break;
      this.entries.delete(k);
      this.used -= v.size;
    }
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  get count(): number {
    return this.entries.size;
  }
}
