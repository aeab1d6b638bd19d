import { test } from 'node:test';
import assert from 'node:assert/strict';
import { positionStats } from '../../../../src/core/inference/onnx/stats';
import {
  entropyBounds,
  heatLevel,
  isRankThresholds,
  levelCount,
  levelLabels,
  natsToBits,
  rankBucket,
  surprisalBits,
  surprisalBounds,
} from '../../../../src/core/entropy/metrics';
import { contentHash, ContentCache } from '../../../../src/core/entropy/cache';

const close = (a: number, b: number, tol = 1e-6) => assert.ok(Math.abs(a - b) <= tol, `${a} ≉ ${b}`);

test('surprisal, entropy and rank from known logits (hand-computed, in bits)', () => {
  // p = [1/2, 1/4, 1/8, 1/8]: logits are log-probabilities plus any constant.
  const logits = Float32Array.from([Math.log(4), Math.log(2), 0, 0].map((v) => v + 3.7));
  const second = positionStats(logits, 0, 4, 1, 3);
  close(surprisalBits(second.logprob), 2, 1e-5); // −log2(1/4)
  close(natsToBits(second.entropy), 1.75, 1e-5); // ½·1 + ¼·2 + 2·⅛·3
  assert.equal(second.rank, 2);
  assert.deepEqual(second.top.map((t) => t.id), [0, 1, 2]);
  close(Math.exp(second.top[0]!.logprob), 0.5, 1e-6);
  const last = positionStats(logits, 0, 4, 3, 3);
  close(surprisalBits(last.logprob), 3, 1e-5);
  assert.equal(last.rank, 3, 'tied tokens share a rank: two tokens score strictly higher');
  const top = positionStats(logits, 0, 4, 0, 3);
  close(surprisalBits(top.logprob), 1, 1e-5);
  assert.equal(top.rank, 1);
  // Uniform over 8: 3 bits of entropy, every token 3 bits of surprisal, rank 1 (no strictly better token).
  const uniform = positionStats(new Float32Array(8).fill(-1.25), 0, 8, 5, 2);
  close(natsToBits(uniform.entropy), 3, 1e-5);
  close(surprisalBits(uniform.logprob), 3, 1e-5);
  assert.equal(uniform.rank, 1);
  // A second row at an offset reads its own logits.
  const two = Float32Array.from([0, 0, 0, 0, 10, 0, 0, 0]);
  assert.equal(positionStats(two, 4, 4, 0, 1).rank, 1);
  assert.equal(positionStats(two, 4, 4, 1, 1).rank, 2);
});

test('heat levels: surprisal and entropy scales, GLTR rank buckets with configurable thresholds', () => {
  const tok = (bits: number, entropyBits: number, rank: number) => ({ logprob: -bits * Math.LN2, entropy: entropyBits * Math.LN2, rank });
  assert.deepEqual([0, 0.5, 1, 2.9, 3, 6, 9.9, 10, 20].map((b) => heatLevel(tok(b, 0, 1), 'surprisal')), [0, 0, 1, 1, 2, 3, 3, 4, 4]);
  assert.deepEqual([0, 1, 2.5, 4, 6, 11].map((b) => heatLevel(tok(0, b, 1), 'entropy')), [0, 1, 2, 3, 4, 4]);
  assert.deepEqual([1, 10, 11, 100, 101, 1000, 1001, 50_000].map((r) => heatLevel(tok(0, 0, r), 'rank')), [0, 0, 1, 1, 2, 2, 3, 3]);
  assert.deepEqual([1, 3, 4, 20, 21].map((r) => rankBucket(r, [3, 20, 50])), [0, 0, 1, 1, 2]);
  assert.equal(heatLevel(tok(0, 0, 60), 'rank', [3, 20, 50]), 3);
  assert.equal(levelCount('surprisal'), surprisalBounds.length + 1);
  assert.equal(levelCount('entropy'), entropyBounds.length + 1);
  assert.equal(levelCount('rank'), 4);
  assert.deepEqual(levelLabels('rank', [10, 100, 1000]), ['top-10', 'top-100', 'top-1000', 'beyond 1000']);
  assert.equal(levelLabels('surprisal').length, 5);
  assert.ok(isRankThresholds([10, 100, 1000]));
  for (const bad of [[10, 100], [10, 5, 1000], [0, 1, 2], [1.5, 2, 3], 'x', null]) assert.ok(!isRankThresholds(bad), JSON.stringify(bad));
});

test('content cache: keyed by hash, LRU within a token budget', () => {
  assert.equal(contentHash('abc'), contentHash('abc'));
  assert.notEqual(contentHash('abc'), contentHash('abd'));
  const cache = new ContentCache<{ size: number; name: string }>(10);
  cache.put('a', { size: 4, name: 'a' });
  cache.put('b', { size: 4, name: 'b' });
  assert.equal(cache.get('a')?.name, 'a'); // a is now the most recent
  cache.put('c', { size: 4, name: 'c' }); // evicts b
  assert.equal(cache.get('b'), undefined);
  assert.equal(cache.get('a')?.name, 'a');
  assert.equal(cache.get('c')?.name, 'c');
  cache.put('huge', { size: 11, name: 'huge' });
  assert.equal(cache.get('huge'), undefined);
});
