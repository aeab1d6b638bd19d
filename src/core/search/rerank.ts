/**
 * Optional re-ranking of search hits by the model: the likelihood of each hit's name right after
 * the query written as a comment. Combined with the search's score (both normalised over the hits);
 * `tokenwise eval api --rerank` measures whether it helps.
 */
import type { SearchHit } from './bm25';

/** Log-probabilities of each name after a prompt built from the query (the caller wires the backend). */
export type QueryScorer = (query: string, names: readonly string[], signal?: AbortSignal) => Promise<number[]>;

export const rerankWeight = 0.3;

export async function rerankHits(hits: SearchHit[], query: string, scorer: QueryScorer, signal?: AbortSignal, topN = 10, weight = rerankWeight): Promise<SearchHit[]> {
  const head = hits.slice(0, topN);
  if (head.length < 2) return hits;
  const logprobs = await scorer(query, head.map((h) => h.ref.symbol.name), signal);
  const max = Math.max(...logprobs);
  const exps = logprobs.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  // The search's scores over the head, from 0 (its last) to 1 (its first): re-ranked scores can be negative.
  const low = head[head.length - 1]!.score;
  const span = head[0]!.score - low || 1;
  const rescored = head.map((h, i) => ({ ref: h.ref, score: (h.score - low) / span + weight * (exps[i]! / total) }));
  rescored.sort((a, b) => b.score - a.score);
  return [...rescored, ...hits.slice(topN)];
}
