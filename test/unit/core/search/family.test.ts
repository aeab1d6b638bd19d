/** Language-aware search: code in Python is offered Python APIs, TypeScript/JavaScript code ECMAScript ones (a mixed workspace). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ApiSearch } from '../../../../src/core/search/bm25';
import { apiFamilyOfText } from '../../../../src/core/search/family';
import { fixturesDir } from '../../helpers/paths';
import { indexOf } from '../index/helpers';

const shop = join(fixturesDir, 'apiAnswer/shop');

test('the family of a language id, a language, a family name or a path', () => {
  assert.equal(apiFamilyOfText('python'), 'python');
  assert.equal(apiFamilyOfText('typescriptreact'), 'ecma');
  assert.equal(apiFamilyOfText('javascript'), 'ecma');
  assert.equal(apiFamilyOfText('ecma'), 'ecma');
  assert.equal(apiFamilyOfText('file:///w/lib/types.d.ts'), 'ecma');
  assert.equal(apiFamilyOfText('/w/app/store.py'), 'python');
  assert.equal(apiFamilyOfText('markdown'), undefined);
  assert.equal(apiFamilyOfText('rust'), undefined);
  assert.equal(apiFamilyOfText(undefined), undefined);
});

test('a family keeps only its APIs, before the limit; without one every language is searched', async () => {
  const search = new ApiSearch(await indexOf(shop));
  const where = (hits: ReturnType<ApiSearch['search']>) => hits.map((h) => `${h.ref.uri.split('/').pop()}:${h.ref.symbol.name}`);
  // The query's words are Cart.add's doc: unfiltered, TypeScript comes first (what a Python file used to get).
  const all = where(search.search('put an item in the cart', { limit: 3 }));
  assert.equal(all[0], 'cart.ts:add');
  const python = where(search.search('put an item in the cart', { limit: 3, family: 'python' }));
  assert.ok(python.length > 0 && python.every((h) => h.startsWith('inventory.py:') || h.startsWith('store.py:')), python.join(' '));
  assert.equal(python[0], 'inventory.py:restock');
  const ecma = where(search.search('add units of an item to the stock', { limit: 3, family: 'ecma' }));
  assert.ok(ecma.length > 0 && ecma.every((h) => h.startsWith('cart.ts:') || h.startsWith('checkout.ts:')), ecma.join(' '));
  const both = where(search.search('add units of an item to the stock', { limit: 4 }));
  assert.ok(both.includes('cart.ts:add') && both.includes('inventory.py:restock'), both.join(' '));
});
