import { TokenFlag, type TokenSpan } from './types';

/**
 * The tokens of a document (or of a window of it) as parallel typed arrays. Tokens are contiguous:
 * token i covers UTF-16 [starts[i], starts[i+1]) and bytes [byteStarts[i], byteStarts[i+1]), so
 * concatenating all spans gives exactly the covered text.
 */
export class TokenSpans {
  constructor(
    /** Name of the tokenizer that produced the spans. */
    readonly tokenizer: string,
    readonly ids: Int32Array,
    /** count + 1 UTF-16 offsets. */
    readonly starts: Int32Array,
    /** count + 1 UTF-8 byte offsets. */
    readonly byteStarts: Int32Array,
    readonly flags: Uint8Array,
    /** False when only a window of a large document was tokenized (`starts[0]`..`starts[count]`). */
    readonly complete: boolean,
  ) {}

  get count(): number {
    return this.ids.length;
  }
  get rangeStart(): number {
    return this.starts[0]!;
  }
  get rangeEnd(): number {
    return this.starts[this.ids.length]!;
  }

  span(i: number): TokenSpan {
    const f = this.flags[i]!;
    const span: TokenSpan = {
      id: this.ids[i]!,
      start: this.starts[i]!,
      end: this.starts[i + 1]!,
      byteStart: this.byteStarts[i]!,
      byteEnd: this.byteStarts[i + 1]!,
    };
    if (f & (TokenFlag.splitStart | TokenFlag.splitEnd)) span.splitsChar = true;
    if (f & TokenFlag.normalized) span.normalized = true;
    return span;
  }

  toArray(): TokenSpan[] {
    const out: TokenSpan[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.span(i);
    return out;
  }

  /** Index of the first token whose span ends after `offset` (the token under `offset`), or count. */
  indexAt(offset: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid + 1]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Tokens overlapping [start, end) (an empty range counts the token under it): [first, last). */
  indexRange(start: number, end: number): [number, number] {
    const first = this.indexAt(start);
    if (end <= start) return [first, Math.min(first + 1, this.count)];
    let lo = first;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! < end) lo = mid + 1;
      else hi = mid;
    }
    return [first, lo];
  }

  /** Number of tokens that overlap [start, end) (the selection count). */
  countInRange(start: number, end: number): number {
    if (end <= start) return 0;
    const [a, b] = this.indexRange(start, end);
    return Math.max(0, b - a);
  }
}

/** Growable parallel arrays used while tokenizing. */
export class SpanBuilder {
  ids: Int32Array;
  starts: Int32Array;
  byteStarts: Int32Array;
  flags: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    capacity = Math.max(16, capacity | 0);
    this.ids = new Int32Array(capacity);
    this.starts = new Int32Array(capacity + 1);
    this.byteStarts = new Int32Array(capacity + 1);
    this.flags = new Uint8Array(capacity);
  }

  grow(min: number): void {
    let cap = this.ids.length * 2;
    while (cap < min) cap *= 2;
    const ids = new Int32Array(cap);
    ids.set(this.ids.subarray(0, this.length));
    const starts = new Int32Array(cap + 1);
    starts.set(this.starts.subarray(0, this.length));
    const byteStarts = new Int32Array(cap + 1);
    byteStarts.set(this.byteStarts.subarray(0, this.length));
    const flags = new Uint8Array(cap);
    flags.set(this.flags.subarray(0, this.length));
    this.ids = ids;
    this.starts = starts;
    this.byteStarts = byteStarts;
    this.flags = flags;
  }

  push(id: number, start: number, byteStart: number, flags: number): void {
    const n = this.length;
    if (n >= this.ids.length) this.grow(n + 1);
    this.ids[n] = id;
    this.starts[n] = start;
    this.byteStarts[n] = byteStart;
    this.flags[n] = flags;
    this.length = n + 1;
  }

  /** Appends tokens [from, to) of `spans`, shifting offsets. */
  append(spans: TokenSpans, from: number, to: number, shift: number, byteShift: number): void {
    const k = to - from;
    if (k <= 0) return;
    if (this.length + k > this.ids.length) this.grow(this.length + k);
    const n = this.length;
    this.ids.set(spans.ids.subarray(from, to), n);
    this.flags.set(spans.flags.subarray(from, to), n);
    const s = this.starts;
    const b = this.byteStarts;
    const ss = spans.starts;
    const sb = spans.byteStarts;
    for (let i = 0; i < k; i++) {
      s[n + i] = ss[from + i]! + shift;
      b[n + i] = sb[from + i]! + byteShift;
    }
    this.length = n + k;
  }

  finish(tokenizer: string, end: number, byteEnd: number, complete: boolean): TokenSpans {
    const n = this.length;
    this.starts[n] = end;
    this.byteStarts[n] = byteEnd;
    // Views when the buffers are mostly used (no copy), copies when much capacity would be kept.
    const view = n >= this.ids.length * 0.75;
    const cut = <T extends Int32Array | Uint8Array>(a: T, len: number): T => (view ? (a.subarray(0, len) as T) : (a.slice(0, len) as T));
    return new TokenSpans(tokenizer, cut(this.ids, n), cut(this.starts, n + 1), cut(this.byteStarts, n + 1), cut(this.flags, n), complete);
  }
}

/**
 * The tokens of one pre-token (piece), relative to the piece: what the piece cache stores.
 * `u16Ends[k]` is the UTF-16 end of token k with a split character given to the token where it
 * starts (ceil); `byteEnds[k]` is exact.
 */
export interface PieceEntry {
  /** Plain arrays: cheaper than typed arrays for the many short entries of the cache. */
  ids: number[];
  byteEnds: number[];
  u16Ends: number[];
  /** Per-token TokenFlag.splitStart/splitEnd, or null when no token splits a character. */
  flags: number[] | null;
}

/** Builds a piece entry from token ids and their byte lengths in the piece's UTF-8. */
export function makePieceEntry(piece: string, ids: ArrayLike<number>, byteLens: ArrayLike<number>): PieceEntry {
  const n = ids.length;
  if (n === 1) return { ids: [ids[0]!], byteEnds: [byteLens[0]!], u16Ends: [piece.length], flags: null };
  const entry: PieceEntry = { ids: Array.from(ids), byteEnds: new Array<number>(n), u16Ends: new Array<number>(n), flags: null };
  let b = 0; // bytes consumed by whole characters
  let u = 0; // UTF-16 units consumed
  let target = 0;
  for (let k = 0; k < n; k++) {
    target += byteLens[k]!;
    entry.byteEnds[k] = target;
    while (b < target && u < piece.length) {
      const c = piece.charCodeAt(u);
      if (c < 0x80) {
        b += 1;
        u += 1;
      } else if (c < 0x800) {
        b += 2;
        u += 1;
      } else if (c >= 0xd800 && c <= 0xdbff && u + 1 < piece.length) {
        const d = piece.charCodeAt(u + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          b += 4;
          u += 2;
        } else {
          b += 3;
          u += 1;
        }
      } else {
        b += 3;
        u += 1;
      }
    }
    entry.u16Ends[k] = u;
    if (b > target) {
      entry.flags ??= new Array<number>(n).fill(0);
      entry.flags[k]! |= 2; // TokenFlag.splitEnd
      if (k + 1 < n) entry.flags[k + 1]! |= 1; // TokenFlag.splitStart
    }
  }
  return entry;
}
