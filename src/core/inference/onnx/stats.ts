import { mulberry32 } from '../../base/numbers';
/** Per-position statistics of a logits row: log-softmax, entropy, rank, top-k, sampling. */

export interface PositionStats {
  /** The token scored at this position. */
  id: number;
  logprob: number;
  entropy: number;
  rank: number;
  /** Top-k (id, logprob), best first. */
  top: { id: number; logprob: number }[];
}

/** log-sum-exp and entropy of row `logits[offset .. offset+vocab)` (one pass for max, one for sums). */
export function rowStats(logits: Float32Array, offset: number, vocab: number): { lse: number; entropy: number; max: number; argmax: number } {
  let max = -Infinity;
  let argmax = 0;
  for (let i = 0; i < vocab; i++) {
    const v = logits[offset + i]!;
    if (v > max) {
      max = v;
      argmax = i;
    }
  }
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < vocab; i++) {
    const d = logits[offset + i]! - max;
    const e = Math.exp(d);
    sum += e;
    if (e > 0) weighted += e * d; // masked ids (-Infinity) add nothing (0 · -∞ would be NaN)
  }
  const logSum = Math.log(sum);
  // H = -Σ p log p, p = e^(d) / sum, log p = d - log sum
  const entropy = logSum - weighted / sum;
  return { lse: max + logSum, entropy, max, argmax };
}

/** Top-k ids of a row, best first (ties: lower id first). */
export function topK(logits: Float32Array, offset: number, vocab: number, k: number): number[] {
  if (k <= 0) return [];
  const ids: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < vocab; i++) {
    const v = logits[offset + i]!;
    if (ids.length === k && !(v > vals[k - 1]!)) continue;
    let j = ids.length;
    while (j > 0 && vals[j - 1]! < v) j--;
    ids.splice(j, 0, i);
    vals.splice(j, 0, v);
    if (ids.length > k) {
      ids.pop();
      vals.pop();
    }
  }
  return ids;
}

export function positionStats(logits: Float32Array, offset: number, vocab: number, actual: number, k: number): PositionStats {
  const { lse, entropy } = rowStats(logits, offset, vocab);
  const a = actual < vocab ? logits[offset + actual]! : -Infinity;
  let rank = 1;
  for (let i = 0; i < vocab; i++) if (logits[offset + i]! > a) rank++;
  const top = topK(logits, offset, vocab, k).map((id) => ({ id, logprob: logits[offset + id]! - lse }));
  return { id: actual, logprob: a - lse, entropy, rank, top };
}

/** Deterministic PRNG for sampling (mulberry32). */
export const rng = mulberry32;

/** Greedy (temperature 0) or temperature / top-k / top-p sampling from one logits row. */
export function pickToken(
  logits: Float32Array,
  offset: number,
  vocab: number,
  sampling: { temperature?: number; topK?: number; topP?: number } | undefined,
  random: () => number,
): number {
  const temperature = sampling?.temperature ?? 0;
  if (!(temperature > 0)) {
    let best = 0;
    let max = -Infinity;
    for (let i = 0; i < vocab; i++) {
      const v = logits[offset + i]!;
      if (v > max) {
        max = v;
        best = i;
      }
    }
    return best;
  }
  const k = Math.min(vocab, sampling?.topK && sampling.topK > 0 ? sampling.topK : 64);
  const ids = topK(logits, offset, vocab, k);
  const max = logits[offset + ids[0]!]!;
  const weights = ids.map((id) => Math.exp((logits[offset + id]! - max) / temperature));
  let total = weights.reduce((a, b) => a + b, 0);
  const topP = sampling?.topP ?? 1;
  if (topP < 1) {
    let acc = 0;
    let cut = weights.length;
    for (let i = 0; i < weights.length; i++) {
      acc += weights[i]! / total;
      if (acc >= topP) {
        cut = i + 1;
        break;
      }
    }
    weights.length = cut;
    total = weights.reduce((a, b) => a + b, 0);
  }
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r <= 0) return ids[i]!;
  }
  return ids[weights.length - 1]!;
}
