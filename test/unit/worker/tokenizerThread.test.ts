/**
 * The tokenizer thread (issue 18 items 4 and 5): the token view and the CLI tokenize there, never on
 * their own thread, and a request that overruns its budget ends the thread with a clear message.
 * Real threads, real tokenizers, the fixture tokenizer.json whose Split regex is `(a|aa)+$`
 * (exponential backtracking: about a minute on its 41-character input in V8).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { TokenizerClient, TokenizerTooSlowError, type TokenizerWorkerLike } from '../../../src/worker/tokenizerClient';
import { composeEdits } from '../../../src/worker/tokenizerThread';
import { loadTokenizer, parseTokenizerSpec, type TokenSpans } from '../../../src/core/tokenize';
import { CancelledError } from '../../../src/core/base/errors';
import { repoRoot } from '../helpers/paths';

const threadSource = join(repoRoot, 'src/worker/tokenizerThread.ts');
const catastrophicDir = join(repoRoot, 'test/fixtures/tokenize/catastrophic');
const catastrophicText = readFileSync(join(catastrophicDir, 'input.txt'), 'utf8');

function client(budgetMs?: number): TokenizerClient {
  return new TokenizerClient({
    createWorker: () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(threadSource)});`, { eval: true }) as unknown as TokenizerWorkerLike,
    ...(budgetMs !== undefined ? { budgetMs: () => budgetMs } : {}),
  });
}

function sameSpans(a: TokenSpans, b: TokenSpans): void {
  assert.deepEqual(Array.from(a.ids), Array.from(b.ids));
  assert.deepEqual(Array.from(a.starts), Array.from(b.starts));
  assert.deepEqual(Array.from(a.byteStarts), Array.from(b.byteStarts));
  assert.deepEqual(Array.from(a.flags), Array.from(b.flags));
}

test('composeEdits: two edits compose into one covering both', () => {
  const apply = (text: string, e: { start: number; oldEnd: number }, insert: string) => text.slice(0, e.start) + insert + text.slice(e.oldEnd);
  const t0 = 'hello world, again';
  const t1 = apply(t0, { start: 5, oldEnd: 6 }, '__'); // 'hello__world, again'
  const t2 = apply(t1, { start: 2, oldEnd: 9 }, 'X'); // 'heXrld, again'
  const c = composeEdits({ start: 5, oldEnd: 6, newEnd: 7 }, { start: 2, oldEnd: 9, newEnd: 3 });
  assert.equal(t0.slice(0, c.start) + t2.slice(c.start, c.newEnd) + t0.slice(c.oldEnd), t2);
  assert.equal(t0.slice(c.oldEnd), t2.slice(c.newEnd));
});

test('tokenizer thread: document spans equal a direct run, edits are mirrored and re-tokenized incrementally', async () => {
  const c = client();
  try {
    const info = await c.load(parseTokenizerSpec('o200k_base'));
    assert.equal(info?.name, 'o200k_base');
    const direct = loadTokenizer(parseTokenizerSpec('o200k_base'));
    let text = readFileSync(join(repoRoot, 'test/fixtures/tokenize/sample.txt'), 'utf8');
    let version = 1;
    sameSpans(await c.tokenize('file:///a', version, text.length, () => text), direct.encodeSpans(text));
    // Keystrokes: each change is sent alone (no full text), several between two requests.
    const edits: Array<[number, number, string]> = [[10, 10, 'x'], [11, 11, 'yz'], [3, 8, ''], [text.length - 5, text.length - 5, '\n\n  def f(): pass']];
    for (const [k, [s, e, ins]] of edits.entries()) {
      text = text.slice(0, s) + ins + text.slice(e);
      version++;
      c.change('file:///a', version, { start: s, oldEnd: e, text: ins });
      if (k % 2 === 1) sameSpans(await c.tokenize('file:///a', version, text.length, () => assert.fail('the thread has the text: no full resend')), direct.encodeSpans(text));
    }
    // A change the client could not describe (multi-cursor): the next request sends the full text.
    text = 'all new\n' + text;
    version++;
    c.change('file:///a', version, null);
    let asked = 0;
    sameSpans(await c.tokenize('file:///a', version, text.length, () => (asked++, text)), direct.encodeSpans(text));
    assert.equal(asked, 1);
    // A window of a large document.
    const w = await c.tokenize('file:///a', version, text.length, () => text, { from: 40, to: 60 });
    sameSpans(w, direct.encodeWindow(text, 40, 60));
    assert.ok(w.rangeStart <= 40 && w.rangeEnd >= 60 && !w.complete);
    // A newer request supersedes an older one for the same document.
    const older = c.tokenize('file:///a', version, text.length, () => text);
    const newer = c.tokenize('file:///a', version, text.length, () => text);
    await assert.rejects(older, CancelledError);
    sameSpans(await newer, direct.encodeSpans(text));
    // Hover: bytes of ids.
    const [bytes] = await c.tokenBytes([direct.encodeSpans('hello').ids[0]!]);
    assert.equal(new TextDecoder().decode(bytes), 'hello');
  } finally {
    c.dispose();
  }
});

test("watchdog: the catastrophic regex (a|aa)+$ on 41 characters fails with the pre-tokenizer message within the budget; this thread stays responsive; the next request works", async () => {
  const budgetMs = 400;
  const c = client(budgetMs);
  try {
    const info = await c.load(parseTokenizerSpec(join(catastrophicDir, 'tokenizer.json')));
    assert.equal(info?.fromFile, true);
    assert.equal(catastrophicText.length, 41);
    // Ticks of a 10 ms timer on this thread while the thread is stuck in the regex: a blocked
    // thread would get none until the regex returns (about a minute).
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const t0 = performance.now();
    const error = await c.tokenize('file:///evil.txt', 1, catastrophicText.length, () => catastrophicText).then(
      () => assert.fail('the catastrophic regex returned'),
      (e: unknown) => e,
    );
    const ms = performance.now() - t0;
    clearInterval(timer);
    assert.ok(error instanceof TokenizerTooSlowError, String(error));
    assert.match(error.message, /this tokenizer's pre-tokenizer regex is too slow on this text/);
    assert.equal(error.budgetMs, budgetMs);
    // Generous bound (the regex alone takes ~60 s): the error came from the watchdog, not the regex.
    assert.ok(ms < 10_000, `error after ${ms.toFixed(0)} ms`);
    assert.ok(ticks >= 10, `only ${ticks} timer ticks on the host thread while the tokenizer thread was stuck`);
    // A fresh thread took over, with the same tokenizer: harmless text tokenizes.
    const ok = await c.tokenize('file:///fine.txt', 1, 4, () => 'aa b');
    assert.deepEqual(Array.from(ok.ids), [256, 32, 98]);
  } finally {
    c.dispose();
  }
});

test('encode with a signal: aborting ends the thread at once (CancelledError), even inside the regex', async () => {
  const c = client(60_000);
  await c.load(parseTokenizerSpec(join(catastrophicDir, 'tokenizer.json')));
  const controller = new AbortController();
  const pending = c.encode(catastrophicText, { withBytes: true, signal: controller.signal });
  setTimeout(() => controller.abort(), 200);
  await assert.rejects(pending, CancelledError);
});
