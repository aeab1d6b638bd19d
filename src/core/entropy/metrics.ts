/**
 * Heat-map metrics of one scored token, in bits: surprisal (−log2 p of the actual token), entropy
 * of the predictive distribution before it, and GLTR rank buckets (top-10 / 100 / 1000 / beyond,
 * thresholds configurable). Each maps to a heat level the editor turns into a colour.
 */
import { assertNever } from '../base/errors';

export type HeatMetric = 'surprisal' | 'entropy' | 'rank';
export const heatMetrics: readonly HeatMetric[] = ['surprisal', 'entropy', 'rank'];

export type HeatStyle = 'background' | 'underline';
export const heatStyles: readonly HeatStyle[] = ['background', 'underline'];

/** Upper bounds (inclusive) of the GLTR buckets: rank ≤ t[0] → bucket 0, ≤ t[1] → 1, ≤ t[2] → 2, else 3. */
export type RankThresholds = readonly [number, number, number];
export const defaultRankThresholds: RankThresholds = [10, 100, 1000];

/** Levels of the surprisal / entropy scale (0 = predictable … 4 = very surprising). */
export const scaleLevels = 5;
/** GLTR buckets: top-10, top-100, top-1000, beyond. */
export const rankBuckets = 4;

/** Upper bounds in bits of the scale levels 0..3 (level 4 is above the last). */
export const surprisalBounds: readonly number[] = [1, 3, 6, 10];
export const entropyBounds: readonly number[] = [1, 2.5, 4, 6];

/** What the scoring reports per token (natural logs, rank 1 = the model's top choice). */
export interface TokenStats {
  logprob: number;
  entropy: number;
  rank: number;
}

export function surprisalBits(logprob: number): number {
  return logprob === 0 ? 0 : -logprob / Math.LN2;
}

export function natsToBits(nats: number): number {
  return nats / Math.LN2;
}

export function probability(logprob: number): number {
  return Math.exp(logprob);
}

/** Valid thresholds: three positive integers, strictly increasing. */
export function isRankThresholds(value: unknown): value is RankThresholds {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1) &&
    value[0] < value[1] &&
    value[1] < value[2]
  );
}

export function rankBucket(rank: number, thresholds: RankThresholds = defaultRankThresholds): number {
  if (rank <= thresholds[0]) return 0;
  if (rank <= thresholds[1]) return 1;
  if (rank <= thresholds[2]) return 2;
  return 3;
}

function scaleLevel(bits: number, bounds: readonly number[]): number {
  for (let i = 0; i < bounds.length; i++) if (bits < bounds[i]!) return i;
  return bounds.length;
}

/** Number of heat levels of a metric. */
export function levelCount(metric: HeatMetric): number {
  switch (metric) {
    case 'surprisal':
    case 'entropy':
      return scaleLevels;
    case 'rank':
      return rankBuckets;
    default:
      return assertNever(metric, 'heat metric');
  }
}

/** The heat level (0 = coolest) of a token under a metric. */
export function heatLevel(token: TokenStats, metric: HeatMetric, thresholds: RankThresholds = defaultRankThresholds): number {
  switch (metric) {
    case 'surprisal':
      return scaleLevel(surprisalBits(token.logprob), surprisalBounds);
    case 'entropy':
      return scaleLevel(natsToBits(token.entropy), entropyBounds);
    case 'rank':
      return rankBucket(token.rank, thresholds);
    default:
      return assertNever(metric, 'heat metric');
  }
}

/** Human-readable ranges of each level, for the legend ("< 1 bit", "top-10", …). */
export function levelLabels(metric: HeatMetric, thresholds: RankThresholds = defaultRankThresholds): string[] {
  const scale = (bounds: readonly number[]) => [
    `< ${bounds[0]} bit${bounds[0] === 1 ? '' : 's'}`,
    ...bounds.slice(1).map((b, i) => `${bounds[i]}–${b} bits`),
    `≥ ${bounds[bounds.length - 1]} bits`,
  ];
  switch (metric) {
    case 'surprisal':
      return scale(surprisalBounds);
    case 'entropy':
      return scale(entropyBounds);
    case 'rank':
      return [`top-${thresholds[0]}`, `top-${thresholds[1]}`, `top-${thresholds[2]}`, `beyond ${thresholds[2]}`];
    default:
      return assertNever(metric, 'heat metric');
  }
}
