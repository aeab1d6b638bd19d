import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OnnxEngine } from '../../../../src/core/inference/onnx/engine';
import type { ModelTokenSpan } from '../../../../src/core/inference/types';
import { EntropyDocument, ownedPositions, ownerWindow, scoringGeometry, type HeatToken } from '../../../../src/core/entropy/document';
import { ContentCache } from '../../../../src/core/entropy/cache';
import { natsToBits, surprisalBits } from '../../../../src/core/entropy/metrics';
import { modelFixturesDir } from '../../helpers/paths';
import { scoreText } from '../../../../src/core/entropy/scoreText';

const gqa = join(modelFixturesDir, 'tiny-llama-gqa');
const engines: OnnxEngine[] = [];
/** The tiny fixture with a 64-token context, so a few hundred tokens span several windows. */
async function load(kvCacheMB = 64): Promise<OnnxEngine> {
  const e = await OnnxEngine.load({ modelDir: gqa, provider: 'cpu', threads: 1, kvCacheMB, maxContext: 64 });
  engines.push(e);
  return e;
}
after(async () => {
  for (const e of engines) await e.dispose();
});

const source = Array.from({ length: 14 }, (_, i) => `def f${i}(x, y=${i}):\n    return [v * ${i} for v in range(x)] + "é✓"\n`).join('');

function assertSameScores(a: readonly (HeatToken | undefined)[], b: readonly (HeatToken | undefined)[], what: string): void {
  assert.equal(a.length, b.length, `${what}: token count`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    assert.ok(x && y, `${what}: token ${i} unscored`);
    assert.equal(x.id, y.id, `${what}: id at ${i}`);
    assert.equal(x.start, y.start, `${what}: start at ${i}`);
    assert.ok(Math.abs(x.logprob - y.logprob) < 1e-3, `${what}: logprob at ${i}: ${x.logprob} vs ${y.logprob}`);
    assert.ok(Math.abs(x.entropy - y.entropy) < 1e-3, `${what}: entropy at ${i}`);
    assert.equal(x.rank, y.rank, `${what}: rank at ${i}`);
    assert.deepEqual(x.top.map((t) => t.id), y.top.map((t) => t.id), `${what}: top-k at ${i}`);
  }
}

test('window geometry: every position has one owner with at least `context` tokens of left context', () => {
  const g = scoringGeometry({ maxContext: 64, bosTokenId: 1, location: 'm' }, 20);
  assert.deepEqual([g.window, g.context, g.stride], [64, 20, 44]);
  for (let p = 1; p < 1000; p++) {
    const k = ownerWindow(p, g);
    const own = ownedPositions(k, g);
    assert.ok(p >= own.from && p < own.to, `position ${p} not owned by window ${k}`);
    assert.ok(k === 0 || p - k * g.stride >= g.context, `position ${p}: context ${p - k * g.stride}`);
    assert.ok(own.to - k * g.stride <= g.window);
  }
  // The context is capped so windows always advance.
  assert.equal(scoringGeometry({ maxContext: 64, bosTokenId: null, location: 'm' }, 1000).context, 48);
});

test('surprisal, entropy and rank of scored tokens match the full next-token distribution (tiny model)', async () => {
  const engine = await load();
  const ids = engine.tokenizer.encodeText('def add(a, b):\n    return a + b\n');
  const doc = new EntropyDocument(engine, scoringGeometry(engine.infoSync, 32, 5));
  await doc.update('def add(a, b):\n    return a + b\n');
  await doc.scoreAll();
  const snap = doc.current!;
  for (const i of [0, 3, 7, ids.length - 1]) {
    const prefix = [engine.infoSync.bosTokenId!, ...ids.slice(0, i)];
    const logp = await engine.nextLogprobs(prefix);
    const actual = logp[ids[i]!]!;
    let entropy = 0;
    let rank = 1;
    for (const v of logp) {
      entropy -= Math.exp(v) * v;
      if (v > actual) rank++;
    }
    const s = snap.scores[i]!;
    assert.ok(Math.abs(surprisalBits(s.logprob) - -actual / Math.LN2) < 1e-3, `surprisal at ${i}`);
    assert.ok(Math.abs(natsToBits(s.entropy) - entropy / Math.LN2) < 1e-3, `entropy at ${i}`);
    assert.equal(s.rank, rank, `rank at ${i}`);
  }
});

test('chunked scoring (visible ranges in any order) equals one-pass scoring, and the engine when context = window/2', async () => {
  const engine = await load();
  const g = scoringGeometry(engine.infoSync, 32, 5);
  const chunked = new EntropyDocument(engine, g);
  await chunked.update(source);
  const n = chunked.current!.size;
  assert.ok(n > 4 * g.window, `fixture text has ${n} tokens`);
  // "Visible ranges" scattered over the file, out of order, then the rest.
  const len = source.length;
  for (const [a, b] of [[0.6, 0.7], [0.1, 0.15], [0.9, 1], [0.3, 0.45]] as const) await chunked.scoreRange(Math.floor(a * len), Math.floor(b * len), 8);
  assert.ok(!chunked.current!.complete);
  await chunked.scoreAll();
  assert.ok(chunked.current!.complete);
  // One pass (another engine, no prefix cache).
  const onePass = new EntropyDocument(await load(0), g);
  await onePass.update(source);
  await onePass.scoreAll();
  assertSameScores(chunked.current!.scores, onePass.current!.scores, 'chunked vs one pass');
  // With context = window / 2 the geometry is the engine's own: equal to scoreText (the CLI's path).
  const ref = await scoreText(await load(0), source, { topK: 5 });
  assertSameScores(chunked.current!.scores, ref.tokens, 'chunked vs engine scoreText');
  const bpb = chunked.bitsPerByte()!;
  assert.ok(bpb.complete);
  assert.ok(Math.abs(bpb.bitsPerByte - ref.bitsPerByte) < 1e-4, `${bpb.bitsPerByte} vs ${ref.bitsPerByte}`);
  // Another context window: chunked still equals one pass.
  const g2 = scoringGeometry(engine.infoSync, 12, 5);
  const c2 = new EntropyDocument(engine, g2);
  await c2.update(source);
  await c2.scoreRange(Math.floor(len / 2), Math.floor(len / 2) + 80, 4);
  await c2.scoreAll();
  const o2 = new EntropyDocument(await load(0), g2);
  await o2.update(source);
  await o2.scoreAll();
  assertSameScores(c2.current!.scores, o2.current!.scores, 'context 12: chunked vs one pass');
});

test('after an edit only tokens after the edit are rescored, and the result equals full rescoring', async () => {
  const engine = await load();
  const g = scoringGeometry(engine.infoSync, 32, 5);
  const doc = new EntropyDocument(engine, g);
  await doc.update(source);
  const cold = await doc.scoreAll();
  const at = source.lastIndexOf('def f12');
  const edited = source.slice(0, at) + 'total = sum(range(10))\n' + source.slice(at);
  const u = await doc.update(edited);
  assert.equal(u.kind, 'merge');
  assert.ok(u.kept > 0.7 * u.tokens, `kept ${u.kept} of ${u.tokens}`);
  assert.equal(doc.current!.scores.slice(0, u.editIndex).filter(Boolean).length, u.editIndex);
  const warm = await doc.scoreAll();
  assert.equal(warm.newlyScored, u.tokens - u.kept);
  assert.ok(warm.computedTokens < cold.computedTokens / 2, `computed ${warm.computedTokens} after the edit vs ${cold.computedTokens} cold`);
  const full = new EntropyDocument(await load(0), g);
  await full.update(edited);
  await full.scoreAll();
  assertSameScores(doc.current!.scores, full.current!.scores, 'incremental vs full');
  // Undo: the original text comes back from the content cache, fully scored, without the model.
  const back = await doc.update(source);
  assert.equal(back.kind, 'cache');
  assert.ok(doc.current!.complete);
  assert.equal((await doc.scoreAll()).requests, 0);
});

test('a shared content cache serves another document with the same text; selection bits per byte', async () => {
  const engine = await load();
  const g = scoringGeometry(engine.infoSync, 32, 5);
  const cache = new ContentCache<import('../../../../src/core/entropy/document').ScoredText>();
  const a = new EntropyDocument(engine, g, cache);
  await a.update(source);
  await a.scoreAll();
  let tokenized = 0;
  const counting = { info: () => engine.info(), score: engine.score.bind(engine), tokenize: (t: string): Promise<ModelTokenSpan[]> => (tokenized++, engine.tokenize(t)) };
  const b = new EntropyDocument(counting, g, cache);
  assert.equal((await b.update(source)).kind, 'cache');
  assert.equal(tokenized, 0);
  // Selection: bits of the tokens it touches over their bytes.
  const start = source.indexOf('return');
  const sel = b.bitsPerByte({ start, end: start + 6 })!;
  const snap = b.current!;
  const i = snap.indexAt(start);
  assert.equal(snap.spans[i]!.start <= start, true);
  assert.ok(sel.complete && sel.tokens >= 1 && sel.bytes >= 6);
  const whole = b.bitsPerByte()!;
  assert.equal(whole.bytes, Buffer.byteLength(source));
});

test('scoring is cancelled by an AbortSignal', async () => {
  const engine = await load(0);
  const doc = new EntropyDocument(engine, scoringGeometry(engine.infoSync, 32, 5));
  await doc.update(source);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(doc.scoreAll({ signal: controller.signal }), /cancelled/);
});
