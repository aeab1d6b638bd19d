/** Conversational API search: BM25 over split identifiers, signatures and docs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiSearch, firstSentence, stem, terms } from '../../../../src/core/search/bm25';
import { indexOf, pyRoot, tsRoot } from '../index/helpers';

test('terms: identifiers split, stemmed, stop words dropped', () => {
  assert.deepEqual(terms('parseConfigFile'), ['pars', 'config', 'fil']);
  assert.deepEqual(terms('Parse the config files'), terms('parse_config_file'));
  assert.equal(stem('retries'), 'retry');
  assert.equal(firstSentence('Parse the file. Then more.\n\nDetails'), 'Parse the file.');
  assert.equal(firstSentence('@deprecated use x'), '');
});

test('search finds a function by a paraphrase of its doc, and by its name alone when its doc is excluded', async () => {
  const py = await indexOf(pyRoot);
  const search = new ApiSearch(py);
  assert.equal(search.search('read the config file')[0]?.ref.symbol.name, 'load_config');
  assert.equal(search.search('stop the running engine')[0]?.ref.symbol.name, 'stop');
  assert.equal(search.search('build an engine with the default power')[0]?.ref.symbol.name, 'make_engine');
  const target = search.search('load config')[0]!.ref;
  assert.equal(target.symbol.name, 'load_config');
  // Without its doc, "parse the configuration" still matches the name's words.
  assert.equal(search.search('parse the configuration file', { excludeDocOf: target })[0]?.ref.symbol.name, 'load_config');
  const ts = new ApiSearch(await indexOf(tsRoot));
  assert.equal(ts.search('multiply coordinates by a factor')[0]?.ref.symbol.name, 'scale');
  assert.equal(ts.search('turn a title into a url slug')[0]?.ref.symbol.name, 'slugify');
  assert.deepEqual(ts.search('zzzz qqqq'), []);
});
