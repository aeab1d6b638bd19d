/**
 * Byte-pair encoding of one piece, in the two flavours in use:
 * - rank BPE (tiktoken): merge the adjacent pair whose concatenation has the lowest rank;
 * - merge-list BPE (Hugging Face tokenizer.json): merge the adjacent pair listed first in `merges`.
 * Ties go to the leftmost pair in both, as in the reference implementations.
 */

const NONE = 0x7fffffff;

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

/**
 * Merge-list BPE over initial symbols (ids, -1 for a symbol outside the vocabulary, which never
 * merges). `merges` maps `a * stride + b` to `rank * 2^22 + mergedId`. Rewrites `syms` and
 * `lens` (byte length of each symbol) in place and returns the final symbol count.
 */
export function mergeBpe(syms: number[], lens: number[], merges: Map<number, number>, stride: number): number {
  let m = syms.length;
  if (m < 2) return m;
  const pair = new Float64Array(m); // packed merge value of (i, i+1), or -1
  for (let i = 0; i < m - 1; i++) {
    const a = syms[i]!;
    const b = syms[i + 1]!;
    pair[i] = a < 0 || b < 0 ? -1 : (merges.get(a * stride + b) ?? -1);
  }
  pair[m - 1] = -1;
  const SHIFT = 4194304; // 2^22
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
