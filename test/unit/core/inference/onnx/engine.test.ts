import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OnnxEngine } from '../../../../../src/core/inference/onnx/engine';
import { PrefixKvCache, commonPrefix } from '../../../../../src/core/inference/onnx/kvCache';
import { float16ToFloat32 } from '../../../../../src/core/inference/onnx/fp16';
import { topK } from '../../../../../src/core/inference/onnx/stats';
import { proposeDraft } from '../../../../../src/core/inference/onnx/engine';
import { StepScheduler } from '../../../../../src/core/inference/scheduler';
import { detectLayout } from '../../../../../src/core/inference/onnx/causalLM';
import { resolveModelDir } from '../../../../../src/core/model/modelDir';
import { CancelledError, TokenwiseError } from '../../../../../src/core/base/errors';
import type { KvState } from '../../../../../src/core/inference/onnx/causalLM';
import { modelFixturesDir } from '../../../helpers/paths';
import { scoreText } from '../../../../../src/core/entropy/scoreText';

const fixtures = modelFixturesDir;
const gqa = join(fixtures, 'tiny-llama-gqa');
const text = `def read_lines(path: str) -> List[str]:
    """Return the lines of a file."""
    with open(path, "r", encoding="utf-8") as handle:
        return [line.rstrip("\\n") for line in handle]
`;

const engines: OnnxEngine[] = [];
async function load(dir = gqa, extra: Parameters<typeof OnnxEngine.load>[0] = {}): Promise<OnnxEngine> {
  const e = await OnnxEngine.load({ modelDir: dir, provider: 'cpu', threads: 1, ...extra });
  engines.push(e);
  return e;
}
after(async () => {
  for (const e of engines) await e.dispose();
});

function close(a: number, b: number, tol = 1e-3): boolean {
  return Math.abs(a - b) <= tol;
}

for (const fixture of ['tiny-llama-gqa', 'tiny-llama-nopos']) test(`scoring with the prefix cache equals scoring without it, also after an edit (${fixture})`, async () => {
  const cached = await load(join(fixtures, fixture), { kvCacheMB: 64 });
  const uncached = await load(join(fixtures, fixture), { kvCacheMB: 0 });
  const edited = text.replace('encoding="utf-8"', 'encoding="latin-1"');
  for (const t of [text, edited, text + 'print(1)\n']) {
    const ids = cached.tokenizer.encodeText(t);
    const a = await cached.score(ids, { topK: 3 });
    const b = await uncached.score(ids, { topK: 3 });
    assert.equal(a.tokens.length, ids.length);
    assert.equal(b.computedTokens, ids.length + 1);
    for (let i = 0; i < ids.length; i++) {
      assert.equal(a.tokens[i]!.id, b.tokens[i]!.id);
      assert.ok(close(a.tokens[i]!.logprob, b.tokens[i]!.logprob), `logprob at ${i}`);
      assert.ok(close(a.tokens[i]!.entropy, b.tokens[i]!.entropy), `entropy at ${i}`);
      assert.equal(a.tokens[i]!.rank, b.tokens[i]!.rank);
      assert.deepEqual(a.tokens[i]!.top.map((x) => x.id), b.tokens[i]!.top.map((x) => x.id));
    }
  }
  // the edit and the append reused the cached prefix
  const ids = cached.tokenizer.encodeText(text + 'print(2)\n');
  const r = await cached.score(ids, { topK: 3 });
  assert.ok(r.computedTokens < 10, `computed ${r.computedTokens} of ${ids.length}`);
});

test('generation with the prefix cache equals generation without it (edit in the prompt)', async () => {
  const cached = await load(gqa, { kvCacheMB: 64 });
  const uncached = await load(gqa, { kvCacheMB: 0 });
  const a = cached.tokenizer.encodeText(text);
  const b = cached.tokenizer.encodeText(text.slice(0, -10) + 'x' + text.slice(-9));
  await cached.generate(a, { maxNewTokens: 8, stopTokens: [] });
  const warm = await cached.generate(b, { maxNewTokens: 16, stopTokens: [] });
  const cold = await uncached.generate(b, { maxNewTokens: 16, stopTokens: [] });
  assert.deepEqual(warm.tokens, cold.tokens);
  assert.ok(warm.computedPromptTokens < b.length / 2, `computed ${warm.computedPromptTokens} of ${b.length}`);
  assert.equal(cold.computedPromptTokens, b.length);
});

test('fp16 IO model: cached and uncached scores agree', async () => {
  const dir = join(fixtures, 'tiny-llama-fp16');
  const cached = await load(dir, { kvCacheMB: 64 });
  const uncached = await load(dir, { kvCacheMB: 0 });
  assert.equal(cached.infoSync.details.kvDtype, 'float16');
  const ids = cached.tokenizer.encodeText(text);
  await cached.score(ids.slice(0, 20));
  const a = await cached.score(ids);
  const b = await uncached.score(ids);
  for (let i = 0; i < ids.length; i++) assert.ok(close(a.tokens[i]!.logprob, b.tokens[i]!.logprob, 2e-2), `logprob at ${i}`);
});

test('cancellation stops generation within one step', async () => {
  const engine = await load();
  const controller = new AbortController();
  const seen: number[] = [];
  await assert.rejects(
    engine.generate(engine.tokenizer.encodeText('def f('), {
      maxNewTokens: 200,
      stopTokens: [],
      signal: controller.signal,
      onToken: (t) => {
        seen.push(t);
        if (seen.length === 3) controller.abort();
      },
    }),
    (e: unknown) => e instanceof CancelledError,
  );
  assert.equal(seen.length, 3);
  // an already-aborted signal never starts a step
  await assert.rejects(engine.score([1, 2, 3], { signal: AbortSignal.abort() }), CancelledError);
});

test('an interactive request pre-empts background scoring between steps', async () => {
  const engine = await load(gqa, { maxContext: 64, kvCacheMB: 0 });
  const long = engine.tokenizer.encodeText(text.repeat(6));
  const order: string[] = [];
  const background = engine.score(long, { priority: 'background' }).then(() => order.push('background'));
  await new Promise((r) => setImmediate(r));
  const interactive = engine.generate(engine.tokenizer.encodeText('def g('), { maxNewTokens: 4, stopTokens: [], priority: 'interactive' }).then(() => order.push('interactive'));
  await Promise.all([background, interactive]);
  assert.deepEqual(order, ['interactive', 'background']);
});

test('long sequences are scored in windows; every token gets finite stats', async () => {
  const engine = await load(gqa, { maxContext: 32 });
  const ids = engine.tokenizer.encodeText(text.repeat(2));
  assert.ok(ids.length > 64);
  const r = await engine.score(ids, { topK: 2 });
  assert.equal(r.tokens.length, ids.length);
  for (const t of r.tokens) assert.ok(Number.isFinite(t.logprob) && t.logprob <= 0 && t.rank >= 1 && t.top.length === 2);
  // windowed generation keeps within maxContext
  const g = await engine.generate(ids, { maxNewTokens: 8, stopTokens: [] });
  assert.equal(g.tokens.length, 8);
});

test('scoreText: spans cover the text (UTF-16 offsets, multi-byte characters) and bits per byte is consistent', async () => {
  const engine = await load();
  const sample = 'const s = "héllo 😀 wörld";\n// ünïcode ✓\n';
  const r = await scoreText(engine, sample, { topK: 1 });
  assert.equal(r.tokens[0]!.start, 0);
  assert.equal(r.tokens[r.tokens.length - 1]!.end, sample.length);
  for (let i = 1; i < r.tokens.length; i++) assert.equal(r.tokens[i]!.start, r.tokens[i - 1]!.end);
  const nats = r.tokens.reduce((s, t) => s - t.logprob, 0);
  assert.ok(close(r.bitsPerByte, nats / Math.LN2 / Buffer.byteLength(sample), 1e-9));
  const ascii = await scoreText(engine, 'x = 1\n');
  assert.deepEqual(ascii.tokens.map((t) => 'x = 1\n'.slice(t.start, t.end)), ascii.tokens.map((t) => engine.tokenizer.tokenText(t.id)));
  assert.deepEqual((await scoreText(engine, '')).tokens, []);
});

for (const fixture of ['tiny-llama-gqa', 'tiny-llama-fp16', 'tiny-llama-nopos']) test(`nextToken and batched scoreCandidates agree with score() (${fixture})`, async () => {
  const engine = await load(join(fixtures, fixture));
  const tol = fixture.includes('fp16') ? 2e-2 : 1e-3;
  const prefix = engine.tokenizer.encodeText('def main(');
  const candidates = ['argv):', 'x', 'self, name: str = None) -> int:', ''].map((t) => engine.tokenizer.encodeText(t));
  const scores = await engine.scoreCandidates(prefix, candidates);
  assert.equal(scores.length, candidates.length);
  for (const [k, cand] of candidates.entries()) {
    const c = scores[k]!;
    assert.equal(c.tokenLogprobs.length, cand.length);
    if (!cand.length) continue;
    const s = await engine.score([...prefix, ...cand], { prependBos: false });
    assert.equal(s.bosPrepended, false);
    const expected = s.tokens.slice(prefix.length - 1).map((t) => t.logprob);
    c.tokenLogprobs.forEach((lp, i) => assert.ok(close(lp, expected[i]!, tol), `candidate ${k} token ${i}: ${lp} vs ${expected[i]}`));
    assert.ok(close(c.logprob, expected.reduce((a, b) => a + b, 0), tol * cand.length));
  }
  const d = await engine.nextToken(prefix, { topK: 3 });
  assert.equal(d.top.length, 3);
  const full = await engine.nextLogprobs(prefix);
  assert.equal(full.length, (await engine.info()).vocabSize);
  assert.ok(close(full.reduce((a, v) => a + Math.exp(v), 0), 1, 1e-3), 'full distribution sums to 1');
  for (const t of d.top) assert.ok(close(full[t.id]!, t.logprob, tol), `logprob of ${t.id}`);
  assert.equal(d.top[0]!.id, (await engine.generate(prefix, { maxNewTokens: 1, stopTokens: [] })).tokens[0]);
});

test('sampled decoding is deterministic for a seed and stops at stop tokens', async () => {
  const engine = await load();
  const ids = engine.tokenizer.encodeText('class Stack');
  const opts = { maxNewTokens: 12, stopTokens: [], sampling: { temperature: 1, topK: 20, topP: 0.9, seed: 42 } };
  const a = await engine.generate(ids, opts);
  const b = await engine.generate(ids, opts);
  assert.deepEqual(a.tokens, b.tokens);
  const greedy = await engine.generate(ids, { maxNewTokens: 12, stopTokens: [] });
  const stopAt = greedy.tokens[3]!;
  const stopped = await engine.generate(ids, { maxNewTokens: 12, stopTokens: [stopAt] });
  assert.equal(stopped.finishReason, 'stop');
  assert.deepEqual(stopped.tokens, greedy.tokens.slice(0, greedy.tokens.indexOf(stopAt)));
});

test('provider fallback: auto ends on an available provider and logs each failure', async () => {
  const logs: string[] = [];
  const engine = await OnnxEngine.load({ modelDir: gqa, provider: 'auto', threads: 1, log: (_l, m) => logs.push(m) });
  engines.push(engine);
  const order = ['cuda', 'webgpu', 'cpu'];
  const chosen = engine.infoSync.provider;
  for (const p of order.slice(0, order.indexOf(chosen))) assert.ok(logs.some((l) => l.startsWith(`execution provider ${p} unavailable:`)), `no failure logged for ${p}`);
  assert.ok(logs.includes(`execution provider: ${chosen} (1 thread)`));
  assert.ok(logs.some((l) => l.startsWith(`model: ${gqa}`)));
  if (chosen === 'cpu') {
    // explicitly asking for a provider that cannot load is an error naming it (one line)
    await assert.rejects(OnnxEngine.load({ modelDir: gqa, provider: 'webgpu' }), (e: unknown) => e instanceof TokenwiseError && /webgpu/.test(e.message) && !e.message.includes('\n'));
  }
});

function brokenCopy(mutate: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokenwise-bad-model-'));
  cpSync(gqa, dir, { recursive: true });
  mutate(dir);
  return dir;
}
const temp: string[] = [];
after(() => temp.forEach((d) => rmSync(d, { recursive: true, force: true })));

for (const [name, mutate, pattern] of [
  ['truncated onnx file', (d: string) => truncateSync(join(d, 'onnx/model.onnx'), Math.floor(statSync(join(d, 'onnx/model.onnx')).size / 3)), /model\.onnx.*(corrupt or truncated)/],
  ['missing tokenizer.json', (d: string) => unlinkSync(join(d, 'tokenizer.json')), /tokenizer\.json is missing/],
  ['missing config.json', (d: string) => unlinkSync(join(d, 'config.json')), /config\.json is missing/],
  ['corrupt config.json', (d: string) => writeFileSync(join(d, 'config.json'), '{"model_type": "llama"'), /config\.json is not valid JSON/],
  ['missing onnx file', (d: string) => unlinkSync(join(d, 'onnx/model.onnx')), /No ONNX model/],
  [
    'tokenizer that does not match the vocab size',
    (d: string) => {
      const tok = JSON.parse(readFileSync(join(d, 'tokenizer.json'), 'utf8')) as { added_tokens: unknown[] };
      for (let i = 0; i < 16; i++) tok.added_tokens.push({ id: 320 + i, content: `<extra_${i}>`, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
      writeFileSync(join(d, 'tokenizer.json'), JSON.stringify(tok));
    },
    /tokenizer\.json does not match the model: it has 336 tokens but the model's vocabulary \(logits\) has 320/,
  ],
] as const) {
  test(`bad model input gives a one-line error: ${name}`, async () => {
    const dir = brokenCopy(mutate);
    temp.push(dir);
    await assert.rejects(OnnxEngine.load({ modelDir: dir, provider: 'cpu', threads: 1 }), (e: unknown) => {
      assert.ok(e instanceof TokenwiseError, String(e));
      assert.equal(e.kind, 'model');
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  });
}

test('unsupported layouts name what is missing', () => {
  const t = (name: string, type = /^(past|present|logits)/.test(name) ? 'float32' : 'int64', shape: (number | string)[] = ['b', 2, 'p', 16]) => ({ name, isTensor: true, type, shape });
  const outs = [t('logits', 'float32', ['b', 's', 320]), t('present.0.key'), t('present.0.value')];
  assert.throws(() => detectLayout([t('input_ids')], outs, {}), /no KV-cache inputs/);
  assert.throws(() => detectLayout([t('input_ids'), t('past_key_values.0.key_value')], outs, {}), /fused past_key_values/);
  assert.throws(() => detectLayout([t('input_ids'), t('past_key_values.0.key'), t('past_key_values.0.value')], [t('logits', 'float32', ['b', 's', 320])], {}), /missing output 'present\.0\.key'/);
  assert.throws(() => detectLayout([t('input_ids'), t('past_key_values.0.key', 'int8'), t('past_key_values.0.value', 'int8')], outs, {}), /KV cache dtype 'int8'/);
  assert.throws(() => detectLayout([t('input_ids', 'int32', ['b', 's']), t('past_key_values.0.key'), t('past_key_values.0.value')], outs, {}), /input 'input_ids' has dtype 'int32' \(expected int64\)/);
  assert.throws(() => detectLayout([t('input_ids'), t('cache_position'), t('past_key_values.0.key'), t('past_key_values.0.value')], outs, {}), /unknown input 'cache_position'/);
  const ok = detectLayout([t('input_ids', 'int64'), t('attention_mask', 'int64'), t('use_cache_branch', 'bool', [1]), t('past_key_values.0.key'), t('past_key_values.0.value')], outs, {});
  assert.equal(ok.hasUseCacheBranch, true);
  assert.equal(ok.kvHeads, 2);
  assert.equal(ok.vocabSize, 320);
});

test('the default model directory: a clear one-line error when it is absent', () => {
  assert.throws(() => resolveModelDir(undefined, tmpdir()), /default model tokenwise-code-small is not installed/);
  assert.deepEqual(resolveModelDir(gqa), { dir: gqa, isDefault: false });
});

test('PrefixKvCache: longest prefix, prefix entries replaced, LRU eviction by bytes', () => {
  const kv = (length: number): KvState => ({ length, tensors: [] });
  const cache = new PrefixKvCache(100);
  cache.put([1, 2, 3], kv(3), 30);
  cache.put([1, 2, 3, 4, 5], kv(5), 50); // replaces [1,2,3]
  assert.equal(cache.size, 1);
  assert.equal(cache.lookup([1, 2, 3, 9])!.common, 3);
  cache.put([7, 8], kv(2), 20);
  cache.put([5, 6], kv(2), 20);
  assert.equal(cache.bytesUsed, 90);
  cache.lookup([7]); // [7,8] becomes most recent
  cache.put([9, 9], kv(2), 30); // evicts the least recently used: [1..5]
  assert.equal(cache.lookup([1, 2]), undefined);
  assert.ok(cache.lookup([7, 8]));
  assert.ok(cache.bytesUsed <= 100);
  assert.equal(commonPrefix([1, 2, 3], [1, 2, 4]), 2);
  new PrefixKvCache(0).put([1], kv(1), 1); // disabled cache accepts nothing
});

test('float16 conversion and top-k helpers', () => {
  assert.deepEqual([...float16ToFloat32(Uint16Array.of(0x3c00, 0xc000, 0x0000, 0x7c00, 0x3555))].map((v) => Number(v.toFixed(4))), [1, -2, 0, Infinity, 0.3333]);
  assert.deepEqual(topK(Float32Array.of(0.1, 3, 2, 3, -1), 0, 5, 3), [1, 3, 2]);
});

for (const fixture of ['tiny-llama-gqa', 'tiny-llama-fp16', 'tiny-llama-nopos']) test(`prompt-lookup speculation gives the plain greedy output in fewer steps (${fixture})`, async () => {
  const engine = await load(join(fixtures, fixture), { kvCacheMB: 0 });
  let saved = 0;
  for (const prompt of ['x = 1\nx = 1\nx = 1\nx = ', 'def f(a):\n    return a\n\ndef g(', text]) {
    const ids = engine.tokenizer.encodeText(prompt);
    const plain = await engine.generate(ids, { maxNewTokens: 40, stopTokens: [], lookahead: 0 });
    assert.equal(plain.decodeSteps, 39);
    const fast = await engine.generate(ids, { maxNewTokens: 40, stopTokens: [] });
    assert.deepEqual(fast.tokens, plain.tokens, prompt);
    saved += (plain.decodeSteps ?? 0) - (fast.decodeSteps ?? 0);
    // a stop token inside an accepted draft ends generation there
    const stopAt = plain.tokens[20]!;
    const stopped = await engine.generate(ids, { maxNewTokens: 40, stopTokens: [stopAt] });
    assert.deepEqual(stopped.tokens, plain.tokens.slice(0, plain.tokens.indexOf(stopAt)));
    const short = await engine.generate(ids, { maxNewTokens: 7, stopTokens: [] });
    assert.deepEqual(short.tokens, plain.tokens.slice(0, 7));
  }
  assert.ok(saved > 0, 'speculation never accepted a draft');
});

test('proposeDraft: tokens after the latest earlier occurrence of the last n-gram', () => {
  assert.deepEqual(proposeDraft([1, 2, 3, 4, 5, 1, 2, 3], 3), [4, 5, 1]);
  assert.deepEqual(proposeDraft([1, 2, 9, 7, 2], 2), [9, 7]);
  assert.deepEqual(proposeDraft([1, 2, 3], 2), []);
  assert.deepEqual(proposeDraft([5, 6, 5, 6, 5], 4), [6, 5]);
});

test('StepScheduler: interactive waiters go before background ones; aborted waiters leave the queue', async () => {
  const s = new StepScheduler();
  const order: string[] = [];
  let release!: () => void;
  const first = s.step('background', undefined, () => new Promise<void>((r) => (release = r)));
  const bg = s.step('background', undefined, async () => void order.push('background'));
  const controller = new AbortController();
  const aborted = s.step('interactive', controller.signal, async () => void order.push('aborted'));
  const it = s.step('interactive', undefined, async () => void order.push('interactive'));
  controller.abort();
  await assert.rejects(aborted, CancelledError);
  release();
  await Promise.all([first, bg, it]);
  assert.deepEqual(order, ['interactive', 'background']);
  assert.equal(s.pending, 0);
});

test('generation that stops at once returns no tokens and empty text', async () => {
  const engine = await load();
  const ids = engine.tokenizer.encodeText('def main():');
  const first = (await engine.generate(ids, { maxNewTokens: 1, stopTokens: [] })).tokens[0]!;
  const r = await engine.generate(ids, { maxNewTokens: 8, stopTokens: [first] });
  assert.deepEqual(r.tokens, []);
  assert.equal(r.text, '');
  assert.equal(r.finishReason, 'stop');
});

/** Issue 17 item 9: a CPU-only machine gets no warnings at model load with `auto`. */
test('auto provider: unavailable providers are logged once at info level, never as warnings', async () => {
  const lines: [string, string][] = [];
  for (let i = 0; i < 2; i++) {
    const engine = await OnnxEngine.load({ modelDir: gqa, provider: 'auto', threads: 1, kvCacheMB: 8, log: (level, message) => void lines.push([level, message]) });
    await engine.dispose();
  }
  assert.deepEqual(lines.filter(([level]) => level === 'warn'), []);
  const unavailable = lines.filter(([, m]) => /unavailable/.test(m)).map(([, m]) => m);
  assert.equal(new Set(unavailable).size, unavailable.length, `repeated: ${unavailable.join(' | ')}`);
  assert.ok(lines.some(([, m]) => /execution provider: (cpu|cuda|webgpu)/.test(m)));
});
