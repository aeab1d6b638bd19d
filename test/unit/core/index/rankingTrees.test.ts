/** The member ranking's boosted trees (issue 14): the stored ensemble walks as scikit-learn fitted it, and completion adds it to the linear score of the head. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fixtureWorkspace, indexOf, membersAt } from './helpers';
import { memberTrees, sumTrees, type RegressionTree } from '../../../../src/core/index/ranking';

test('sumTrees: `x <= threshold` goes left, a leaf (-1) ends the walk, the trees add up', () => {
  // Root splits on column 1 at 0.5; its right child splits on column 0 at 2.
  const tree: RegressionTree = { feature: [1, -1, 0, -1, -1], threshold: [0.5, 0, 2, 0, 0], left: [1, -1, 3, -1, -1], right: [2, -1, 4, -1, -1], value: [0, -1, 0, 0.25, 1] };
  const stump: RegressionTree = { feature: [0, -1, -1], threshold: [1, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, 0.1, -0.1] };
  assert.equal(sumTrees([tree], [0, 0.5]), -1, 'equal to the threshold goes left');
  assert.equal(sumTrees([tree], [2, 0.6]), 0.25);
  assert.equal(sumTrees([tree], [2.5, 0.6]), 1);
  assert.equal(sumTrees([tree, stump], [2.5, 0.6]), 0.9);
  assert.equal(sumTrees([], [1, 1]), 0);
});

test('the shipped ensemble is well formed and gives the fit\'s own sums on its check rows', () => {
  assert.ok(memberTrees.trees.length >= 10, `${memberTrees.trees.length} trees`);
  assert.ok(memberTrees.top >= 5 && memberTrees.top <= 60);
  for (const t of memberTrees.trees) {
    const n = t.feature.length;
    for (const a of [t.threshold, t.left, t.right, t.value]) assert.equal(a.length, n);
    for (let i = 0; i < n; i++) {
      if (t.feature[i]! < 0) continue;
      assert.ok(t.feature[i]! < memberTrees.columns.length, 'a split on a known column');
      assert.ok(t.left[i]! > i && t.left[i]! < n && t.right[i]! > i && t.right[i]! < n, 'children after their parent, inside the tree');
    }
  }
  assert.ok(memberTrees.checks.length >= 10);
  const sums = memberTrees.checks.map((c) => {
    assert.equal(c.x.length, memberTrees.columns.length);
    const sum = sumTrees(memberTrees.trees, c.x);
    assert.ok(Math.abs(sum - c.sum) < 1e-4, `walked ${sum}, fitted ${c.sum}`);
    return sum;
  });
  assert.ok(new Set(sums.map((s) => s.toFixed(4))).size > 1, 'the check rows fall into different leaves');
});

test('completion adds the trees to the linear score of its first candidates and re-orders only those', async (t) => {
  const root = fixtureWorkspace(t, {
    'svc/__init__.py': '',
    'svc/cache.py': 'class Cache:\n    def find(self, key):\n        return None\n\n    def find_all(self, prefix):\n        return []\n\n    def build(self, key):\n        return 1\n\n    def is_stale(self, key):\n        return False\n\n    def _evict(self):\n        pass\n\n    size = 0\n',
    'svc/users.py': 'from .cache import Cache\n\n\ndef lookup(cache: Cache, key):\n    if cache.is_stale(key):\n        cache.build(key)\n    return cache.find(key)\n',
  });
  const index = await indexOf(root);
  const done = await membersAt(index, join(root, 'svc/api.py'), 'from .cache import Cache\n\n\ndef fetch(cache: Cache, key):\n    if cache.is_stale(key):\n        cache.build(key)\n    return cache.');
  assert.equal(done?.resolvedBy, 'parameter');
  const items = done!.items;
  assert.ok(items.length >= 5);
  assert.ok(items.some((i) => i.parts.trees !== 0), 'the trees score the head');
  // The candidate's shape, for the trees.
  const find = items.find((i) => i.label === 'find_all')!.features;
  const size = items.find((i) => i.label === 'size')!.features;
  assert.deepEqual([find.callable, find.documented, find.isStatic, find.sameFile, find.nameWords, find.paramCount], [1, 0, 0, 0, 2, Math.log1p(1)]);
  assert.deepEqual([size.callable, size.nameWords, size.paramCount], [0, 1, 0]);
  assert.equal(find.crowd, Math.log1p(items.length));
  for (const i of items) {
    const { kind, resolved, usage, trees, model, prefix } = i.parts;
    assert.ok(Math.abs(i.score - (kind + resolved + usage + trees + model + prefix)) < 1e-9, `${i.label}: the score is the sum of its parts`);
  }
  // The trees re-order the linear model's first `top`; the rest keeps the linear order.
  const linear = (i: (typeof items)[number]) => i.score - i.parts.trees;
  const head = items.slice(0, memberTrees.top);
  const rest = items.slice(memberTrees.top);
  for (let k = 1; k < head.length; k++) assert.ok(head[k - 1]!.score >= head[k]!.score, 'the head sorted by the sum');
  for (let k = 1; k < rest.length; k++) assert.ok(rest[k - 1]!.score >= rest[k]!.score, 'the rest sorted by the linear score');
  assert.ok(rest.every((r) => r.parts.trees === 0));
  const lowestHead = Math.min(...head.map(linear));
  assert.ok(rest.every((r) => linear(r) <= lowestHead), 'the head is the linear model\'s first');
});
