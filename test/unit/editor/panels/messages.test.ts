import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MessageOf } from '../../../../src/core/protocol/webview';
import { baseValidators, is, validateMessage, type Validators } from '../../../../src/editor/panels/messages';

// A panel's map, as the metrics panel will declare one.
type ToHost = {
  select: { start: number; end: number };
  setMetric: { metric: 'surprisal' | 'rank' };
  search: { query: string; limit?: number | undefined };
  pick: { ids: number[] };
};
const validators: Validators<ToHost> = {
  select: { start: is.integer, end: is.integer },
  setMetric: { metric: is.literal('surprisal', 'rank') },
  search: { query: is.string, limit: is.optional(is.integer) },
  pick: { ids: is.array(is.integer, 3) },
};

test('well-formed messages pass, typed', () => {
  const r = validateMessage(validators, { type: 'select', start: 3, end: 9 });
  assert.equal(r.ok, true);
  if (r.ok && r.message.type === 'select') assert.equal(r.message.end - r.message.start, 6);
  assert.equal(validateMessage(validators, { type: 'search', query: 'x' }).ok, true);
  assert.equal(validateMessage(validators, { type: 'search', query: 'x', limit: 5 }).ok, true);
  assert.equal(validateMessage(validators, { type: 'pick', ids: [1, 2, 3] }).ok, true);
  const message: MessageOf<ToHost> = { type: 'setMetric', metric: 'rank' };
  assert.equal(validateMessage(validators, message).ok, true);
});

test('unknown types, missing, malformed and unknown fields are rejected with a reason', () => {
  const reason = (v: unknown) => {
    const r = validateMessage(validators, v);
    assert.equal(r.ok, false, JSON.stringify(v));
    return r.ok ? '' : r.reason;
  };
  assert.match(reason(null), /not a message object: null/);
  assert.match(reason('select'), /not a message object: string/);
  assert.match(reason([{ type: 'select' }]), /an array/);
  assert.match(reason({ start: 1 }), /no message type/);
  assert.match(reason({ type: 'deleteEverything' }), /unknown message type "deleteEverything"/);
  assert.match(reason({ type: 'toString' }), /unknown message type/, 'inherited names are not message types');
  assert.match(reason({ type: '__proto__' }), /unknown message type/);
  assert.match(reason({ type: 'select', start: 1 }), /field "end" is missing or malformed/);
  assert.match(reason({ type: 'select', start: 1, end: 2.5 }), /field "end"/);
  assert.match(reason({ type: 'select', start: '1', end: 2 }), /field "start"/);
  assert.match(reason({ type: 'select', start: 1, end: 2, extra: true }), /unknown field "extra"/);
  assert.match(reason({ type: 'setMetric', metric: 'entropy' }), /field "metric"/);
  assert.match(reason({ type: 'search', query: 'x', limit: 'all' }), /field "limit"/);
  assert.match(reason({ type: 'pick', ids: [1, 2, 3, 4] }), /field "ids"/, 'arrays have a length limit');
  assert.match(reason({ type: 'pick', ids: [1, 'x'] }), /field "ids"/);
});

test('the base messages: ready, and nothing else by default', () => {
  assert.equal(validateMessage(baseValidators, { type: 'ready' }).ok, true);
  assert.equal(validateMessage(baseValidators, { type: 'ready', now: 1 }).ok, false);
  assert.equal(validateMessage(baseValidators, { type: 'select', start: 1, end: 2 }).ok, false);
});

test('nested objects are checked field by field', () => {
  const check = is.object<{ line: number; text: string }>({ line: is.integer, text: is.string });
  assert.equal(check({ line: 1, text: 'a' }), true);
  assert.equal(check({ line: 1 }), false);
  assert.equal(check({ line: 1, text: 'a', more: 1 }), false);
  assert.equal(is.number(Number.NaN), false);
  assert.equal(is.number(Infinity), false);
});
