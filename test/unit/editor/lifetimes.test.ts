import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposableStore, EngineScope } from '../../../src/editor/lifetimes';

const tracker = (log: string[], name: string) => ({ dispose: () => void log.push(name) });

test('a store disposes newest first, keeps going past a throwing item, and disposes late additions at once', () => {
  const log: string[] = [];
  const store = new DisposableStore();
  store.push(tracker(log, 'a'), { dispose: () => { throw new Error('boom'); } }, tracker(log, 'c'));
  const errors = store.clear();
  assert.deepEqual(log, ['c', 'a']);
  assert.equal(errors.length, 1);
  assert.equal(store.size, 0);
  store.add(tracker(log, 'd'));
  store.dispose();
  store.dispose();
  assert.deepEqual(log, ['c', 'a', 'd']);
  store.push(tracker(log, 'late'));
  assert.deepEqual(log, ['c', 'a', 'd', 'late']);
});

test('the engine scope is disposed when the state leaves ready, not before', () => {
  const log: string[] = [];
  const resets: string[] = [];
  const scope = new EngineScope();
  scope.onReset((reason) => resets.push(reason));
  scope.track('loading');
  scope.add(tracker(log, 'early'));
  scope.track('ready');
  assert.deepEqual(log, []);
  scope.add(tracker(log, 'model 1 state'));
  const generation = scope.generation;
  scope.track('ready');
  assert.deepEqual(log, [], 'ready → ready keeps the state');
  scope.track('loading');
  assert.deepEqual(log, ['model 1 state', 'early']);
  assert.deepEqual(resets, ['engine loading']);
  assert.ok(scope.generation > generation);
  scope.track('ready');
  scope.add(tracker(log, 'model 2 state'));
  scope.track('error');
  assert.deepEqual(log, ['model 1 state', 'early', 'model 2 state']);
  scope.track('loading');
  assert.equal(resets.length, 2, 'error → loading is not a second reset');
});

test('a failing cleanup or listener is reported and does not stop the others', () => {
  const errors: unknown[] = [];
  const log: string[] = [];
  const scope = new EngineScope((e) => errors.push(e));
  scope.onReset(() => { throw new Error('listener'); });
  scope.onReset(() => void log.push('second listener'));
  scope.track('ready');
  scope.push(tracker(log, 'x'), { dispose: () => { throw new Error('cleanup'); } });
  scope.track('stopped');
  assert.deepEqual(log, ['x', 'second listener']);
  assert.deepEqual(errors.map((e) => (e as Error).message).sort(), ['cleanup', 'listener']);
  const off = scope.onReset(() => void log.push('removed'));
  off.dispose();
  scope.reset('manual');
  assert.ok(!log.includes('removed'));
  scope.dispose();
});
