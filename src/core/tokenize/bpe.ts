/**
 * Byte-pair encoding of one piece, in the two flavours in use:
 * - rank BPE (tiktoken): merge the adjacent pair whose concatenation has the lowest rank;
 * - merge-list BPE (Hugging Face tokenizer.json): merge the adjacent pair listed first in `merges`.
 * Ties go to the leftmost pair in both, as in the reference implementations.
 *
 * Short pieces (almost all of them) are merged by scanning the pairs for the best one, quadratic
 * but fastest there. Longer pieces (a long run of one letter, base64, minified data) use a binary
 * min-heap of merge candidates keyed by (rank, position) over a doubly linked list of parts:
 * O(n log n). Heap entries are invalidated lazily: a popped entry is skipped unless its position
 * still starts a part whose pair with the next part has that rank. The part starting at a position
 * only ever grows to the right, so an equal rank means the same pair, and every live pair has
 * exactly one valid entry; the heap's order (lowest rank, then leftmost) is the scan's.
 */

const NONE = 0x7fffffff;

/**
 * Pieces of at most this many bytes / symbols are merged by the linear scan, longer ones with the
 * heap. Measured on o200k_base and Qwen3 with lower-case words, base64 and runs of one letter
 * (2–256 bytes): the heap's set-up costs more than the scan saves up to about 64 bytes for rank BPE
 * (string-keyed lookups dominate both) and about 32 symbols for merge-list BPE. 99.98 % of the
 * pieces of this repository's sources are shorter than 16 bytes under o200k_base's pre-tokenizer.
 */
export const RANK_HEAP_THRESHOLD = 64;
export const MERGE_HEAP_THRESHOLD = 32;

/**
 * Min-heap of packed keys `rank * n + position` (exact in a double: rank < 2^24 and n < 2^29, the
 * longest JavaScript string). Grows as needed; stale entries are left in and skipped by the caller.
 */
class KeyHeap {
  private a: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.a = new Float64Array(Math.max(16, capacity));
  }
  push(key: number): void {
    let a = this.a;
    if (this.size === a.length) {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      this.a = a = b;
    }
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = a[p]!;
      if (pk <= key) break;
      a[i] = pk;
      i = p;
    }
    a[i] = key;
  }
  /** Removes and returns the smallest key; only when size > 0. */
  pop(): number {
    const a = this.a;
    const top = a[0]!;
    const n = --this.size;
    if (n > 0) {
      const key = a[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        let ck = a[c]!;
        const r = c + 1;
        if (r < n) {
          const rk = a[r]!;
          if (rk < ck) {
            c = r;
            ck = rk;
          }
        }
        if (ck >= key) break;
        a[i] = ck;
        i = c;
      }
      a[i] = key;
    }
    return top;
  }
}

/**
 * tiktoken's `_byte_pair_merge` + `byte_pair_encode`. `piece` is a binary string (one char per
 * byte); `ranks` maps binary strings to ranks. Appends ids and byte lengths.
 */
export function rankBpe(piece: string, ranks: Map<string, number>, ids: number[], lens: number[]): void {
  const n = piece.length;
  if (n === 1) {
    const r = ranks.get(piece);
    if (r === undefined) throw new Error(`no rank for byte ${piece.charCodeAt(0)}`);
    ids.push(r);
    lens.push(1);
    return;
  }
  if (n > RANK_HEAP_THRESHOLD) rankBpeHeap(piece, ranks, ids, lens);
  else rankBpeScan(piece, ranks, ids, lens);
}

/** Rank BPE by scanning for the best pair after each merge (short pieces). */
export function rankBpeScan(piece: string, ranks: Map<string, number>, ids: number[], lens: number[]): void {
  const n = piece.length;
  // parts[i] = start of part i; parts[m-1] = n. rank[i] = rank of parts i and i+1 merged.
  const parts = new Int32Array(n + 1);
  const rank = new Int32Array(n + 1);
  let m = n + 1;
  for (let i = 0; i <= n; i++) parts[i] = i;
  for (let i = 0; i < n - 1; i++) rank[i] = ranks.get(piece.slice(i, i + 2)) ?? NONE;
  rank[n - 1] = NONE;
  rank[n] = NONE;
  for (;;) {
    let best = NONE;
    let at = -1;
    for (let i = 0; i < m - 2; i++) {
      const r = rank[i]!;
      if (r < best) {
        best = r;
        at = i;
      }
    }
    if (at < 0) break;
    // remove boundary at+1
    parts.copyWithin(at + 1, at + 2, m);
    rank.copyWithin(at + 1, at + 2, m);
    m--;
    rank[at] = at + 2 < m ? (ranks.get(piece.slice(parts[at]!, parts[at + 2]!)) ?? NONE) : NONE;
    if (at > 0) rank[at - 1] = ranks.get(piece.slice(parts[at - 1]!, parts[at + 1]!)) ?? NONE;
  }
  for (let i = 0; i < m - 1; i++) {
    const r = ranks.get(piece.slice(parts[i]!, parts[i + 1]!));
    if (r === undefined) throw new Error('BPE produced a part without rank');
    ids.push(r);
    lens.push(parts[i + 1]! - parts[i]!);
  }
}

/** Rank BPE with a heap of merge candidates over a linked list of parts: O(n log n). */
export function rankBpeHeap(piece: string, ranks: Map<string, number>, ids: number[], lens: number[]): void {
  const n = piece.length;
  if (n === 0) return;
  // Parts are named by their start. next[i]: start of the following part (n after the last);
  // prev[i]: start of the preceding one (-1 before the first); rank[i]: rank of part i merged
  // with the next part, NONE if that is no token, -1 once i no longer starts a part.
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const rank = new Int32Array(n);
  const heap = new KeyHeap(n + (n >> 1));
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  for (let i = 0; i < n - 1; i++) {
    const r = ranks.get(piece.slice(i, i + 2)) ?? NONE;
    rank[i] = r;
    if (r !== NONE) heap.push(r * n + i);
  }
  rank[n - 1] = NONE;
  while (heap.size > 0) {
    const key = heap.pop();
    const i = key % n;
    const r = (key - i) / n;
    if (rank[i] !== r) continue; // stale: i was merged away or its pair changed
    // Merge part i with the next part j.
    const j = next[i]!;
    const k = next[j]!;
    rank[j] = -1;
    next[i] = k;
    if (k < n) {
      prev[k] = i;
      const ri = ranks.get(piece.slice(i, next[k]!)) ?? NONE;
      rank[i] = ri;
      if (ri !== NONE) heap.push(ri * n + i);
    } else rank[i] = NONE;
    const p = prev[i]!;
    if (p >= 0) {
      const rp = ranks.get(piece.slice(p, k)) ?? NONE;
      rank[p] = rp;
      if (rp !== NONE) heap.push(rp * n + p);
    }
  }
  for (let i = 0; i < n; i = next[i]!) {
    const e = next[i]!;
    const r = ranks.get(piece.slice(i, e));
    if (r === undefined) throw new Error('BPE produced a part without rank');
    ids.push(r);
    lens.push(e - i);
  }
}

const SHIFT = 4194304; // 2^22: merge value = rank * 2^22 + merged id

/**
 * Merge-list BPE over initial symbols (ids, negative for a symbol outside the vocabulary, which
 * never merges). `merges` maps `a * stride + b` to `rank * 2^22 + mergedId`. Rewrites `syms` and
 * `lens` (byte length of each symbol) in place and returns the final symbol count.
 */
export function mergeBpe(syms: number[], lens: number[], merges: Map<number, number>, stride: number): number {
  return syms.length > MERGE_HEAP_THRESHOLD ? mergeBpeHeap(syms, lens, merges, stride) : mergeBpeScan(syms, lens, merges, stride);
}

/** Merge-list BPE by scanning for the best pair after each merge (short pieces). */
export function mergeBpeScan(syms: number[], lens: number[], merges: Map<number, number>, stride: number): number {
  let m = syms.length;
  if (m < 2) return m;
  const pair = new Float64Array(m); // packed merge value of (i, i+1), or -1
  for (let i = 0; i < m - 1; i++) {
    const a = syms[i]!;
    const b = syms[i + 1]!;
    pair[i] = a < 0 || b < 0 ? -1 : (merges.get(a * stride + b) ?? -1);
  }
  pair[m - 1] = -1;
  for (;;) {
    let best = Infinity;
    let at = -1;
    for (let i = 0; i < m - 1; i++) {
      const v = pair[i]!;
      if (v >= 0 && v < best) {
        best = v;
        at = i;
      }
    }
    if (at < 0) break;
    const merged = best % SHIFT;
    syms[at] = merged;
    lens[at] = lens[at]! + lens[at + 1]!;
    syms.splice(at + 1, 1);
    lens.splice(at + 1, 1);
    pair.copyWithin(at + 1, at + 2, m);
    m--;
    pair[m - 1] = -1;
    if (at + 1 < m) {
      const b = syms[at + 1]!;
      pair[at] = b < 0 ? -1 : (merges.get(merged * stride + b) ?? -1);
    } else pair[at] = -1;
    if (at > 0) {
      const a = syms[at - 1]!;
      pair[at - 1] = a < 0 ? -1 : (merges.get(a * stride + merged) ?? -1);
    }
  }
  return m;
}

/** Merge-list BPE with a heap of merge candidates over a linked list of symbols: O(n log n). */
export function mergeBpeHeap(syms: number[], lens: number[], merges: Map<number, number>, stride: number): number {
  const m = syms.length;
  if (m < 2) return m;
  // Symbols are named by their first position. next/prev as in rankBpeHeap; pair[i]: packed merge
  // value of symbol i with the next one, -1 if they do not merge, -2 once i is merged away.
  const next = new Int32Array(m);
  const prev = new Int32Array(m);
  const pair = new Float64Array(m);
  const heap = new KeyHeap(m + (m >> 1));
  for (let i = 0; i < m; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  for (let i = 0; i < m - 1; i++) {
    const a = syms[i]!;
    const b = syms[i + 1]!;
    const v = a < 0 || b < 0 ? -1 : (merges.get(a * stride + b) ?? -1);
    pair[i] = v;
    if (v >= 0) heap.push(Math.floor(v / SHIFT) * m + i);
  }
  pair[m - 1] = -1;
  while (heap.size > 0) {
    const key = heap.pop();
    const i = key % m;
    const r = (key - i) / m;
    const v = pair[i]!;
    if (v < 0 || Math.floor(v / SHIFT) !== r) continue; // stale
    const merged = v % SHIFT;
    const j = next[i]!;
    const k = next[j]!;
    syms[i] = merged;
    lens[i] = lens[i]! + lens[j]!;
    pair[j] = -2;
    next[i] = k;
    if (k < m) {
      prev[k] = i;
      const b = syms[k]!;
      const vi = b < 0 ? -1 : (merges.get(merged * stride + b) ?? -1);
      pair[i] = vi;
      if (vi >= 0) heap.push(Math.floor(vi / SHIFT) * m + i);
    } else pair[i] = -1;
    const p = prev[i]!;
    if (p >= 0) {
      const a = syms[p]!;
      const vp = a < 0 ? -1 : (merges.get(a * stride + merged) ?? -1);
      pair[p] = vp;
      if (vp >= 0) heap.push(Math.floor(vp / SHIFT) * m + p);
    }
  }
  let w = 0;
  for (let i = 0; i < m; i = next[i]!) {
    syms[w] = syms[i]!;
    lens[w] = lens[i]!;
    w++;
  }
  syms.length = w;
  lens.length = w;
  return w;
}
