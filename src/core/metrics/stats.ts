/**
 * Integer histograms: exact mean, median and p95 of integer-valued samples (token lengths,
 * tokens per line), and exact merging across files (a workspace scan adds the histograms of its
 * files). Bin i counts samples equal to i; the last bin counts samples ≥ its index (capped).
 */

import type { Distribution, Histogram } from './types';

export type { Distribution, Histogram } from './types';

/** An empty histogram with bins 0..cap (the last one collects values ≥ cap). */
export function histogram(cap: number): Histogram {
  return new Array<number>(cap + 1).fill(0);
}

export function addSample(h: Histogram, value: number): void {
  const i = Math.min(Math.max(0, Math.floor(value)), h.length - 1);
  h[i]!++;
}

/** Adds `from` into `into` (bins beyond `into`'s cap go to its last bin). */
export function mergeHistogram(into: Histogram, from: readonly number[]): void {
  for (let i = 0; i < from.length; i++) {
    const j = Math.min(i, into.length - 1);
    into[j]! += from[i]!;
  }
}

export function histogramCount(h: readonly number[]): number {
  let n = 0;
  for (const c of h) n += c;
  return n;
}

/**
 * The q-quantile (0 < q ≤ 1) of the samples: the smallest value v such that at least q of the
 * samples are ≤ v ("nearest rank", the definition that needs no interpolation between integers).
 */
export function quantile(h: readonly number[], q: number): number {
  const n = histogramCount(h);
  if (n === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    seen += h[i]!;
    if (seen >= rank) return i;
  }
  return h.length - 1;
}

/** Mean from the exact sum (bins are capped, the sum is not), median and p95 from the bins. */
export function distribution(h: readonly number[], sum: number): Distribution {
  const n = histogramCount(h);
  return { mean: n > 0 ? sum / n : 0, median: quantile(h, 0.5), p95: quantile(h, 0.95) };
}

export const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);
