/** The model's optional re-ranking of search hits (src/core/search/rerank.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiSearch } from '../../../../src/core/search/bm25';
import { rerankHits } from '../../../../src/core/search/rerank';
import { indexOf, pyRoot } from '../index/helpers';

test('the model re-ranking keeps the search order when the model has no preference, the scores negative or not', async () => {
  const search = new ApiSearch(await indexOf(pyRoot));
  const hits = search.search('build an engine with the default power');
  assert.ok(hits.length >= 3);
  const indifferent = async (_query: string, names: readonly string[]) => names.map(() => -1);
  const order = (list: typeof hits) => list.map((h) => h.ref.symbol.name);
  for (const shift of [0, -100]) {
    const shifted = hits.map((h) => ({ ref: h.ref, score: h.score + shift }));
    assert.deepEqual(order(await rerankHits(shifted, 'build an engine', indifferent)), order(hits), `scores shifted by ${shift}`);
  }
  // A model sure of the third hit lifts it.
  const third = hits[2]!.ref.symbol.name;
  const sure = async (_query: string, names: readonly string[]) => names.map((n) => (n === third ? 0 : -50));
  assert.equal(order(await rerankHits(hits, 'build an engine', sure, undefined, 10, 5))[0], third);
});
