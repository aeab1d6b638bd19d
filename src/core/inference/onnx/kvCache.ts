/**
 * Prefix KV cache: KV states keyed by the token ids they cover. A request reuses the longest
 * common prefix with any entry. Memory-bounded (bytes), evicted least-recently-used.
 */
import type { KvState } from './causalLM';
import type { PositionStats } from './stats';

export interface CacheEntry {
  ids: Int32Array;
  kv: KvState;
  bytes: number;
  /** stats[k] = prediction after ids[0..k] scored against ids[k+1]; may be shorter than ids - 1. */
  stats?: PositionStats[];
  statsTopK?: number;
}

export interface CacheHit {
  entry: CacheEntry;
  /** Length of the common token prefix of the request and the entry. */
  common: number;
}

export function commonPrefix(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export class PrefixKvCache {
  /** Insertion order = recency (oldest first). */
  private readonly entries = new Map<number, CacheEntry>();
  private nextKey = 0;
  private used = 0;
  hits = 0;
  misses = 0;

  constructor(private budgetBytes: number) {}

  get bytesUsed(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  setBudget(bytes: number): void {
    this.budgetBytes = bytes;
    this.evict();
  }

  /** The entry sharing the longest prefix with `ids` (marked most recently used), if any shares ≥ 1 token. */
  lookup(ids: ArrayLike<number>): CacheHit | undefined {
    let best: CacheHit | undefined;
    let bestKey = -1;
    for (const [key, entry] of this.entries) {
      const common = commonPrefix(entry.ids, ids);
      if (common > 0 && (!best || common > best.common)) {
        best = { entry, common };
        bestKey = key;
      }
    }
    if (best) {
      this.hits++;
      this.entries.delete(bestKey);
      this.entries.set(bestKey, best.entry);
    } else this.misses++;
    return best;
  }

  /**
   * Stores a KV state for `ids` (kv.length === ids.length). Entries whose ids are a prefix of the
   * new ones are dropped (the new entry serves them too); their scoring stats carry over.
   */
  put(ids: ArrayLike<number>, kv: KvState, bytes: number, stats?: PositionStats[], statsTopK?: number): void {
    if (this.budgetBytes <= 0 || bytes > this.budgetBytes || kv.length !== ids.length || ids.length === 0) return;
    const key = Int32Array.from(ids as ArrayLike<number>);
    for (const [k, entry] of this.entries) {
      const common = commonPrefix(entry.ids, key);
      if (common === entry.ids.length) {
        if (!stats && entry.stats) {
          stats = entry.stats.slice(0, Math.max(0, common - 1));
          statsTopK = entry.statsTopK;
        }
        this.remove(k);
      } else if (common === key.length && (entry.stats || !stats)) return; // already covered
    }
    const entry: CacheEntry = { ids: key, kv, bytes };
    if (stats) {
      entry.stats = stats;
      entry.statsTopK = statsTopK ?? 0;
    }
    this.entries.set(this.nextKey++, entry);
    this.used += bytes;
    this.evict();
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
  }

  private remove(key: number): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.used -= e.bytes;
    this.entries.delete(key);
  }

  private evict(): void {
    for (const key of this.entries.keys()) {
      if (this.used <= this.budgetBytes) break;
      this.remove(key);
    }
  }
}
