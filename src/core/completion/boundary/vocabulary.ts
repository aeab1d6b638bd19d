/**
 * What the boundary modes need from a tokenizer, in bytes: the bytes of each ordinary token, the
 * canonical encoding of a byte string, and fast "which tokens start with these bytes" queries.
 */
export interface BoundaryVocabulary {
  readonly vocabSize: number;
  /** Bytes of an ordinary token; undefined for special tokens (EOS, FIM sentinels…). */
  tokenBytes(id: number): Uint8Array | undefined;
  /**
   * Canonical encoding of ordinary bytes that start at a pre-token boundary (never produces
   * special tokens, adds no BOS and no SentencePiece dummy prefix).
   */
  encode(bytes: Uint8Array): number[];
  /** Byte offsets (ascending, starting with 0) where pre-tokens of `bytes` start. */
  preTokenStarts(bytes: Uint8Array): number[];
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Ordinary tokens sorted by their bytes, so the tokens that start with a byte string form one
 * contiguous range found by two binary searches (O(log V) per query, no trie to build).
 */
export class PrefixIndex {
  private readonly sorted: Int32Array;
  private readonly bytes: Uint8Array[];
  readonly maxTokenBytes: number;

  constructor(vocab: Pick<BoundaryVocabulary, 'vocabSize' | 'tokenBytes'>) {
    const ids: number[] = [];
    this.bytes = [];
    let max = 0;
    for (let id = 0; id < vocab.vocabSize; id++) {
      const b = vocab.tokenBytes(id);
      if (!b || b.length === 0) continue;
      ids.push(id);
      this.bytes[id] = b;
      if (b.length > max) max = b.length;
    }
    ids.sort((x, y) => compareBytes(this.bytes[x]!, this.bytes[y]!) || x - y);
    this.sorted = Int32Array.from(ids);
    this.maxTokenBytes = max;
  }

  /** Ids of the ordinary tokens whose bytes start with `prefix` (including an exact match). */
  withPrefix(prefix: Uint8Array): Int32Array {
    const lo = this.lowerBound(prefix);
    let hi = lo;
    // Upper bound: first token that does not start with prefix; binary search on the range end.
    let a = lo;
    let b = this.sorted.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (startsWith(this.bytes[this.sorted[mid]!]!, prefix)) a = mid + 1;
      else b = mid;
    }
    hi = a;
    return this.sorted.subarray(lo, hi);
  }

  /** Byte length of an ordinary token (0 for special tokens). */
  tokenLength(id: number): number {
    return this.bytes[id]?.length ?? 0;
  }

  /** True when some ordinary token starts with `prefix` and is longer than it. */
  hasLongerThan(prefix: Uint8Array): boolean {
    for (const id of this.withPrefix(prefix)) if (this.bytes[id]!.length > prefix.length) return true;
    return false;
  }

  private lowerBound(key: Uint8Array): number {
    let a = 0;
    let b = this.sorted.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (compareBytes(this.bytes[this.sorted[mid]!]!, key) < 0) a = mid + 1;
      else b = mid;
    }
    return a;
  }
}
