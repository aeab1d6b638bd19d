/** The search's re-ranker over BM25's top candidates (src/core/search/ranking.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiSearch } from '../../../../src/core/search/bm25';
import { searchFeatures, searchRanking } from '../../../../src/core/search/ranking';
import { indexOf, indexOfFiles, pyRoot } from '../index/helpers';


const names = (hits: ReturnType<ApiSearch['search']>) => hits.map((h) => h.ref.symbol.name);

test('a query that describes a thing ("A parser for config files") finds the class, where BM25 ranks the function first', async () => {
  const py = new ApiSearch(await indexOfFiles({ 'config.py': 'class ConfigParser:\n    def read(self, path):\n        return open(path).read()\n\n\ndef parse_config(text):\n    return dict(line.split("=") for line in text.splitlines())\n' }));
  assert.deepEqual(names(py.search('A parser for config files', { rerank: false })).slice(0, 2), ['parse_config', 'ConfigParser']);
  assert.deepEqual(names(py.search('A parser for config files')).slice(0, 2), ['ConfigParser', 'parse_config']);
  const ts = new ApiSearch(await indexOfFiles({ 'config.ts': 'export class ConfigParser {\n  read(path: string): string { return path; }\n}\nexport function parseConfig(text: string): object { return JSON.parse(text); }\n' }));
  assert.deepEqual(names(ts.search('A parser for config files', { rerank: false })).slice(0, 2), ['parseConfig', 'ConfigParser']);
  assert.deepEqual(names(ts.search('A parser for config files')).slice(0, 2), ['ConfigParser', 'parseConfig']);
  // An action still finds the function.
  assert.equal(names(py.search('Parse the config text'))[0], 'parse_config');
  assert.equal(names(ts.search('Parse the config text'))[0], 'parseConfig');
});

test('the re-ranker scores BM25\'s top candidates by the fitted weights; explain shows each one\'s features', async () => {
  assert.ok(searchRanking.weights, 'weights are fitted');
  assert.deepEqual(Object.keys(searchRanking.weights).sort(), [...searchFeatures].sort());
  const search = new ApiSearch(await indexOf(pyRoot));
  const query = 'build an engine with the default power';
  const plain = search.search(query, { rerank: false, explain: true, limit: 50 });
  const reranked = search.search(query, { explain: true, limit: 50 });
  assert.ok(plain.length >= 2);
  // The same candidates, BM25's scores kept, re-ordered by the weighted features.
  assert.deepEqual(names(reranked).sort(), names(plain).sort());
  for (const h of reranked) {
    assert.equal(h.features!.length, searchFeatures.length);
    const weighted = searchFeatures.reduce((a, f, k) => a + searchRanking.weights![f] * h.features![k]!, 0);
    assert.ok(Math.abs(h.score - weighted) < 1e-9);
    assert.equal(h.bm25, plain.find((p) => p.ref === h.ref)!.score);
  }
  for (let k = 1; k < reranked.length; k++) assert.ok(reranked[k - 1]!.score >= reranked[k]!.score);
  for (let k = 1; k < plain.length; k++) assert.ok(plain[k - 1]!.score >= plain[k]!.score);
  assert.equal(plain[0]!.features![searchFeatures.indexOf('relative')], 1);
});
