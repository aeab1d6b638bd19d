/**
 * The remote clients against `tokenwise serve` on a free loopback port, same shipped model as the
 * embedded engine: identical greedy completions, exact/heal over HTTP equal to embedded on prompts
 * that end mid-word, heat-map scores, capability probing, tokenizer check, bearer token.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadBackend, type LoadedModel } from '../../../src/core/inference/factory';
import { complete, createCompletionSession } from '../../../src/core/completion/pipeline';
import { startServer } from '../../../src/cli/serve/server';
import { modelFixturesDir, shippedModelDir } from '../helpers/paths';

const tokenizerPath = join(shippedModelDir, 'tokenizer.json');
const embeddedPromise = loadBackend({ backend: 'embedded', modelPath: shippedModelDir, executionProvider: 'cpu', threads: 1, kvCacheMB: 64 });
const servedPromise = loadBackend({ backend: 'embedded', modelPath: shippedModelDir, executionProvider: 'cpu', threads: 1, kvCacheMB: 64 });
const serverPromise = servedPromise.then((m) => startServer(m, { port: 0, apiKey: 'test-key-123' }));
const connections: LoadedModel[] = [];

async function connect(backend: 'vllm' | 'llamacpp' | 'openai', extra: { tokenizerPath?: string; apiKey?: string } = { tokenizerPath }): Promise<LoadedModel> {
  const server = await serverPromise;
  const m = await loadBackend({ backend, url: server.url, model: '', kvCacheMB: 0, apiKey: 'test-key-123', timeoutMs: 20_000, ...extra }, { fetch: globalThis.fetch });
  connections.push(m);
  return m;
}

after(async () => {
  for (const c of connections) await c.backend.dispose();
  await (await serverPromise).close();
  await (await servedPromise).backend.dispose();
  await (await embeddedPromise).backend.dispose();
});

const midWord = [
  { prefix: 'def compute_total(items):\n    tot', suffix: '\n    return total\n' },
  { prefix: 'class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n\n    def nor', suffix: '' },
  { prefix: 'import os\n\ndef read_file(path):\n    with open(path) as f:\n        ret', suffix: '\n' },
  { prefix: 'for i in ran', suffix: '\n    print(i)\n' },
];

test('vLLM probe: capabilities, context length and the checked tokenizer', async () => {
  const m = await connect('vllm');
  const info = await m.backend.info();
  assert.equal(info.backend, 'remote');
  assert.equal(info.maxContext, 512);
  assert.equal(info.vocabSize, 4096);
  assert.equal(info.capabilities.distribution, true);
  assert.equal(info.capabilities.tokenLogprobs, true);
  assert.equal(info.capabilities.exactRank, true);
  assert.deepEqual(info.tokenizer, { kind: 'tokenizer.json', path: tokenizerPath });
  assert.match(String(info.details.notes), /agrees with the server/);
});

test('llama.cpp probe: n_ctx from /props, n_vocab from /v1/models, full distribution through n_probs', async () => {
  const m = await connect('llamacpp');
  const info = await m.backend.info();
  assert.equal(info.maxContext, 512);
  assert.equal(info.vocabSize, 4096);
  assert.equal(info.capabilities.distribution, true);
  assert.equal(info.capabilities.entropy, true);
});

test('greedy generation over vLLM and llama.cpp equals the embedded engine (same ids)', async () => {
  const embedded = await embeddedPromise;
  const ids = embedded.tokenizer.encodeText('def fibonacci(n):\n    if n < 2:\n        return n\n    return ');
  const want = await embedded.backend.generate(ids, { maxNewTokens: 24 });
  for (const kind of ['vllm', 'llamacpp'] as const) {
    const m = await connect(kind);
    const streamed: number[] = [];
    const got = await m.backend.generate(ids, { maxNewTokens: 24, onToken: (id) => streamed.push(id) });
    assert.deepEqual(got.tokens, want.tokens, kind);
    assert.deepEqual(streamed, want.tokens, `${kind} streamed`);
    assert.equal(got.text, want.text);
    assert.equal(got.finishReason, want.finishReason);
  }
});

test('generated-token logprobs over vLLM (logprobs: 1) and llama.cpp (n_probs: 1) equal the embedded engine within 1e-4', async () => {
  const embedded = await embeddedPromise;
  const ids = embedded.tokenizer.encodeText('def add(a, b):\n    return ');
  const want = await embedded.backend.generate(ids, { maxNewTokens: 12, logprobs: true });
  assert.equal(want.logprobs!.length, want.tokens.length);
  for (const kind of ['vllm', 'llamacpp'] as const) {
    const m = await connect(kind);
    const got = await m.backend.generate(ids, { maxNewTokens: 12, logprobs: true });
    assert.deepEqual(got.tokens, want.tokens, kind);
    assert.equal(got.logprobs?.length, want.tokens.length, `${kind}: one logprob per token`);
    got.logprobs!.forEach((lp, i) => assert.ok(Math.abs(lp - want.logprobs![i]!) <= 1e-4, `${kind} token ${i}: ${lp} vs ${want.logprobs![i]}`));
    assert.ok(got.logprobs!.every((lp) => lp <= 0) && got.logprobs!.some((lp) => lp < -1e-3), `${kind}: real logprobs, not zeros`);
    const plain = await m.backend.generate(ids, { maxNewTokens: 4 });
    assert.equal(plain.logprobs, undefined, `${kind}: none unless asked`);
  }
});

test('exact and heal over HTTP equal the embedded pipeline on prompts that end mid-word', async () => {
  const embedded = await embeddedPromise;
  const local = await createCompletionSession(embedded.backend, embedded.tokenizer);
  for (const kind of ['vllm', 'llamacpp'] as const) {
    const m = await connect(kind);
    const remote = await createCompletionSession(m.backend, m.tokenizer);
    assert.equal(remote.template.family, 'tokenwise');
    for (const mode of ['exact', 'heal'] as const)
      for (const p of midWord) {
        const request = { ...p, mode, order: 'psm' as const, maxNewTokens: 24 };
        const want = await complete(local, request);
        const got = await complete(remote, request);
        assert.equal(got.mode, mode, `${kind} ${mode} not lowered`);
        assert.equal(got.degraded, undefined);
        assert.equal(got.raw, want.raw, `${kind} ${mode} ${JSON.stringify(p.prefix.slice(-12))}`);
        assert.deepEqual(got.tokens, want.tokens);
      }
  }
});

test('a batched boundary: exact over vLLM makes fewer round trips than prefixes it scores', async () => {
  const m = await connect('vllm');
  let calls = 0;
  const original = m.backend.batchLogprobs!.bind(m.backend);
  const counted = Object.assign(Object.create(m.backend) as typeof m.backend, {
    batchLogprobs: (q: Parameters<typeof original>[0], o?: Parameters<typeof original>[1]) => {
      calls++;
      return original(q, o);
    },
  });
  const session = await createCompletionSession(counted, m.tokenizer);
  const r = await complete(session, { ...midWord[0]!, mode: 'exact', order: 'psm', maxNewTokens: 8 });
  assert.equal(r.mode, 'exact');
  assert.equal(calls, 1);
});

test('heat-map scores over vLLM (prompt_logprobs) and llama.cpp (n_probs) equal the embedded scores', async () => {
  const embedded = await embeddedPromise;
  const ids = embedded.tokenizer.encodeText('def add(a, b):\n    return a + b\n');
  const want = await embedded.backend.score(ids, { topK: 5 });
  for (const kind of ['vllm', 'llamacpp'] as const) {
    const m = await connect(kind);
    const got = await m.backend.score(ids, { topK: 5 });
    assert.equal(got.tokens.length, want.tokens.length);
    got.tokens.forEach((t, i) => {
      const w = want.tokens[i]!;
      assert.equal(t.id, w.id);
      assert.ok(Math.abs(t.logprob - w.logprob) < 1e-4, `${kind} logprob ${i}`);
      assert.equal(t.rank, w.rank, `${kind} rank ${i}`);
      assert.deepEqual(t.top.map((x) => x.id), w.top.map((x) => x.id));
      if (kind === 'llamacpp') assert.ok(Math.abs(t.entropy - w.entropy) < 1e-3, 'entropy');
      else assert.ok(Number.isNaN(t.entropy), 'vLLM prompt_logprobs carry no entropy');
    });
  }
});

test('without a local tokenizer.json: the server tokenizes (spans from pieces) and completion uses naive text prompts', async () => {
  const embedded = await embeddedPromise;
  for (const kind of ['vllm', 'llamacpp'] as const) {
    const m = await connect(kind, {});
    assert.equal(m.tokenizer, null);
    const text = 'def größe(x):\n    return x  # ✓\n';
    assert.deepEqual(await m.backend.tokenize(text), embedded.tokenizer.spans(text), kind);
    const session = await createCompletionSession(m.backend, m.tokenizer);
    assert.equal(session.textPrompts, true);
    const p = { prefix: 'def fibonacci(n):\n    if n < 2:\n        return n\n    return ', suffix: '\n' };
    const want = await complete(await createCompletionSession(embedded.backend, embedded.tokenizer), { ...p, mode: 'naive', order: 'psm', maxNewTokens: 16 });
    const got = await complete(session, { ...p, mode: 'exact', order: 'psm', maxNewTokens: 16 });
    assert.equal(got.mode, 'naive');
    assert.match(got.degraded ?? '', /tokenizer\.json/);
    assert.equal(got.raw, want.raw, kind);
  }
});

test('OpenAI-compatible kind: naive text prompts, heat map from echo + logprobs capped at 5', async () => {
  const m = await connect('openai');
  const info = await m.backend.info();
  assert.equal(info.capabilities.distribution, false);
  assert.equal(info.capabilities.tokenLogprobs, false);
  assert.equal(info.capabilities.maxTopK, 5);
  const session = await createCompletionSession(m.backend, m.tokenizer);
  const r = await complete(session, { ...midWord[0]!, mode: 'exact', order: 'psm', maxNewTokens: 8 });
  assert.equal(r.mode, 'naive');
  assert.match(r.degraded ?? '', /next-token logprobs/);
  const embedded = await embeddedPromise;
  const ids = embedded.tokenizer.encodeText('x = 1\ny = 2\n');
  const scored = await m.backend.score(ids, { topK: 10 });
  const want = await embedded.backend.score(ids, { topK: 5 });
  scored.tokens.forEach((t, i) => {
    assert.ok(Math.abs(t.logprob - want.tokens[i]!.logprob) < 1e-4);
    assert.equal(t.top.length, 5);
    assert.equal(t.rank, Math.min(want.tokens[i]!.rank, 6));
  });
});

test('a tokenizer.json that is not the served model\'s is refused with the first differing token', async () => {
  await assert.rejects(connect('vllm', { tokenizerPath: join(modelFixturesDir, 'tiny-llama-gqa/tokenizer.json') }), /does not match the server's tokenizer on a probe text \(token \d+: local \d+, server \d+\)/);
});

test('the bearer token: a wrong key is a one-line 401 with the server message and no key in it', async () => {
  const server = await serverPromise;
  const error = await loadBackend({ backend: 'vllm', url: server.url, model: '', kvCacheMB: 0, apiKey: 'wrong-secret-key' }, { fetch: globalThis.fetch }).then(
    () => assert.fail('connected with a wrong key'),
    (e: Error) => e,
  );
  assert.match(error.message, /^GET http:\/\/127\.0\.0\.1:\d+\/v1\/models: HTTP 401: Invalid API Key$/);
  assert.doesNotMatch(error.message, /wrong-secret-key/);
});

test('llama.cpp /infill: without a tokenizer.json completion goes through /infill (the server renders FIM) and equals embedded naive', async () => {
  const embedded = await embeddedPromise;
  const lines: string[] = [];
  const server = await startServer(await servedPromise, { port: 0, log: (l) => lines.push(l) });
  try {
    const m = await loadBackend({ backend: 'llamacpp', url: server.url, model: '', kvCacheMB: 0, timeoutMs: 20_000 }, { fetch: globalThis.fetch });
    connections.push(m);
    assert.equal(typeof m.backend.infillText, 'function');
    assert.doesNotMatch(String((await m.backend.info()).details.notes), /infill unavailable/);
    const vllm = await connect('vllm', {});
    assert.equal(vllm.backend.infillText, undefined, 'vLLM has no /infill');
    const local = await createCompletionSession(embedded.backend, embedded.tokenizer);
    const session = await createCompletionSession(m.backend, null);
    for (const p of [
      { prefix: 'def compute_total(items):\n    total = 0\n    for item in items:\n        total += ', suffix: '\n    return total\n' },
      { prefix: 'import os\n\ndef read_file(path):\n    with open(path) as f:\n        return ', suffix: '\n' },
    ]) {
      const want = await complete(local, { ...p, mode: 'naive', order: 'psm', maxNewTokens: 16 });
      lines.length = 0;
      const got = await complete(session, { ...p, mode: 'naive', order: 'psm', maxNewTokens: 16 });
      assert.equal(got.raw, want.raw);
      assert.ok(lines.some((l) => /^POST \/infill 200/.test(l)), lines.join('\n'));
      assert.ok(!lines.some((l) => /^POST \/completion/.test(l)), 'no text /completion');
    }
  } finally {
    await server.close();
  }
});

test('tokenwise serve /infill follows the documented prompt: [input_extra]<FIM_PRE>prefix<FIM_SUF>suffix<FIM_MID>prompt, cache_prompt/id_slot accepted', async () => {
  const server = await serverPromise;
  const post = (body: unknown) => fetch(`${server.url}/infill`, { method: 'POST', headers: { authorization: 'Bearer test-key-123', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const r = await post({ input_prefix: 'def add(a, b):\n    return ', input_suffix: '\n', input_extra: [{ filename: 'util.py', text: 'X = 1\n' }], prompt: 'a', n_predict: 4, temperature: 0, cache_prompt: true, id_slot: 0 });
  assert.equal(r.status, 200);
  const json = (await r.json()) as { content: string; prompt: string; stop: boolean; tokens_predicted: number };
  assert.equal(json.prompt, 'X = 1\n<|fim_prefix|>def add(a, b):\n    return <|fim_suffix|>\n<|fim_middle|>a');
  assert.equal(json.stop, true);
  assert.ok(json.tokens_predicted <= 4);
  const badExtra = await post({ input_prefix: 'x', input_extra: 'not a list' });
  assert.equal(badExtra.status, 400);
  assert.match(((await badExtra.json()) as { error: { message: string } }).error.message, /input_extra/);
});
