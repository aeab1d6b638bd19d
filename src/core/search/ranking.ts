/**
 * The search's re-ranker: a linear score over BM25's top candidates — BM25 itself plus what BM25
 * does not weigh (which of the query's words are in which field, how much of the name the query
 * says, the candidate's kind, visibility and popularity, its siblings among the candidates). The
 * weights are a conditional logit (softmax over each query's candidates) fitted by
 * models/search-ranking/fit_search_weights.py on development repositories.
 *
 * No feature reads a candidate's own doc: the evaluation hides its target's doc while every
 * competitor keeps its own, so a doc-derived feature would learn that documented candidates are
 * wrong answers. `documentedShare` reads whether its class-mates have docs, as written (an
 * excluded doc too), so the hidden doc moves no feature.
 */
export const searchFeatures = [
  'relative',
  'logRelative',
  'bm25Rank',
  'namePhrase',
  'thingQuery',
  'name',
  'container',
  'signature',
  'path',
  'classDoc',
  'usage',
  'body',
  'namePrecision',
  'containerPrecision',
  'method',
  'class',
  'data',
  'params',
  'nameWords',
  'leadVerb',
  'firstWord',
  'siblings',
  'containerListed',
  'documentedShare',
] as const;
export type SearchFeature = (typeof searchFeatures)[number];

/**
 * Fitted by fit_search_weights.py on the 28 development repositories' conversational cases
 * (models/search-ranking/README.md); leave-one-repository-out, macro over the repositories,
 * accuracy@5 69.7 → 72.6 % (TypeScript/JavaScript 64.1 → 67.0, Python 72.8 → 75.8; up on 20,
 * down on 5), @1 38.6 → 41.3. Visibility, staticness, call-site popularity and test paths were
 * measured and left out (weights ≈ 0; without them +0.4). `data` (constants, variables,
 * attributes, types) is the least sure: the evaluation never asks for one (its cases are
 * documented functions, methods and classes), and 2 of the 2.9 points are its weight.
 */
export const searchRanking: {
  /** BM25 candidates re-ranked. */
  depth: number;
  /** Weight per feature, `relative` held at 1 (undefined: BM25's order everywhere). */
  weights: Record<SearchFeature, number> | undefined;
} = {
  depth: 50,
  weights: {
    relative: 1.0,
    logRelative: 0.707,
    bm25Rank: 0.528,
    namePhrase: 0.368,
    thingQuery: 0.918,
    name: 1.351,
    container: 0.316,
    signature: 1.337,
    path: 0.807,
    classDoc: 0.683,
    usage: 0.616,
    body: 0.814,
    namePrecision: 0.413,
    containerPrecision: 0.254,
    method: -0.69,
    class: -0.262,
    data: -2.022,
    params: -0.525,
    nameWords: -0.604,
    leadVerb: 0.517,
    firstWord: 0.303,
    siblings: 0.129,
    containerListed: 0.116,
    documentedShare: 0.5,
  },
};

/** A candidate's re-ranked score: the weighted features (`relative`, its BM25 score over the top one's, weighs 1). */
export function rerankScore(features: readonly number[]): number {
  const w = searchRanking.weights;
  if (!w) throw new Error('rerankScore without weights');
  let score = 0;
  for (const [k, name] of searchFeatures.entries()) score += w[name] * features[k]!;
  return score;
}
