import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promptWindows } from '../../../../src/core/completion/context/windows';
import { AdaptiveDebounce, CompletionCache } from '../../../../src/core/completion/typing/cache';

const words = (t: string) => t.split(/\s+/).filter(Boolean).length;

test('prompt windows keep whole lines nearest the cursor within the budget, prefix first', () => {
  const prefix = Array.from({ length: 50 }, (_, i) => `line ${i} a b\n`).join('') + 'def f(';
  const suffix = Array.from({ length: 50 }, (_, i) => `after ${i} x\n`).join('');
  const w = promptWindows(prefix, suffix, { budgetTokens: 100, prefixShare: 0.75, countTokens: words });
  assert.ok(w.prefix.endsWith('def f('));
  assert.ok(w.prefix.startsWith('line '), 'cut at a line start');
  assert.ok(w.suffix.startsWith('after 0 x\n'));
  assert.ok(w.prefixTokens + w.suffixTokens <= 100);
  assert.ok(w.prefixTokens > w.suffixTokens);
  assert.equal(prefix.slice(w.prefixStart), w.prefix);
});

test('a short suffix leaves its budget to the prefix; a huge single line is cut near the cursor', () => {
  const prefix = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
  const w = promptWindows(prefix, 'end', { budgetTokens: 50, prefixShare: 0.5, countTokens: words });
  assert.equal(w.suffix, 'end');
  assert.equal(w.prefixTokens, 49);
  assert.ok(w.prefix.endsWith('w199'));
});

test('cache serves the rest of a completion while the user types along it, never a stale one', () => {
  const cache = new CompletionCache();
  cache.put('x = ret', '\n', 'urn value');
  assert.equal(cache.get('x = ret', '\n'), 'urn value');
  assert.equal(cache.get('x = retu', '\n'), 'rn value');
  assert.equal(cache.get('x = retx', '\n'), undefined, 'typed text diverges');
  assert.equal(cache.get('x = ret', ')\n'), undefined, 'suffix changed');
  assert.equal(cache.get('x = return value', '\n'), undefined, 'completion fully typed');
});

test('debounce follows measured latency within bounds', () => {
  const d = new AdaptiveDebounce(50, 400, 150);
  for (let i = 0; i < 20; i++) d.record(20);
  assert.equal(d.delayMs, 50);
  for (let i = 0; i < 20; i++) d.record(2000);
  assert.equal(d.delayMs, 400);
});
