/**
 * The completion's confidence gate on every backend, against `tokenwise serve` on a free loopback
 * port (same shipped model as the embedded engine): the confidence computed through vLLM and
 * llama.cpp (/completion with token ids, /infill and text prompts without a tokenizer.json) and an
 * OpenAI-compatible client equals the embedded one; a suggestion the embedded gate withholds is
 * withheld remotely too. And serve's own logprob endpoints: llama.cpp `post_sampling_probs`, vLLM
 * `prompt_logprobs` in one scoring pass equal to the embedded `score`.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadBackend, type LoadedEmbeddedModel, type LoadedModel } from '../../../src/core/inference/factory';
import { complete, createCompletionSession, type CompletionRequest, type CompletionResult } from '../../../src/core/completion/pipeline';
import { startServer, streamedText } from '../../../src/cli/serve/server';
import { shippedModelDir } from '../helpers/paths';

const tokenizerPath = join(shippedModelDir, 'tokenizer.json');
const embeddedPromise = loadBackend({ backend: 'embedded', modelPath: shippedModelDir, executionProvider: 'cpu', threads: 1, kvCacheMB: 64 });
const servedPromise = loadBackend({ backend: 'embedded', modelPath: shippedModelDir, executionProvider: 'cpu', threads: 1, kvCacheMB: 64 });

/** The served engine, counting the calls serve makes to it (prompt logprobs: one scoring pass, not one call per position). */
const calls = { nextLogprobs: 0, score: 0 };
const serverPromise = servedPromise.then((m) => {
  const real = m.backend;
  const counted = Object.assign(Object.create(real) as typeof real, {
    nextLogprobs: (...a: Parameters<NonNullable<typeof real.nextLogprobs>>) => {
      calls.nextLogprobs++;
      return real.nextLogprobs!(...a);
    },
    score: (...a: Parameters<typeof real.score>) => {
      calls.score++;
      return real.score(...a);
    },
  });
  return startServer({ ...m, backend: counted } as LoadedEmbeddedModel, { port: 0 });
});
const connections: LoadedModel[] = [];

async function connect(backend: 'vllm' | 'llamacpp' | 'openai', withTokenizer: boolean): Promise<LoadedModel> {
  const server = await serverPromise;
  const m = await loadBackend({ backend, url: server.url, model: '', kvCacheMB: 0, timeoutMs: 20_000, ...(withTokenizer ? { tokenizerPath } : {}) }, { fetch: globalThis.fetch });
  connections.push(m);
  return m;
}

after(async () => {
  for (const c of connections) await c.backend.dispose();
  await (await serverPromise).close();
  await (await servedPromise).backend.dispose();
  await (await embeddedPromise).backend.dispose();
});

/** Every remote way to complete: token-id prompts with the tokenizer.json, text prompts and /infill without. */
async function remoteSessions() {
  const out: Array<{ name: string; session: Awaited<ReturnType<typeof createCompletionSession>> }> = [];
  for (const [kind, withTokenizer, name] of [
    ['vllm', true, 'vLLM token ids'],
    ['llamacpp', true, 'llama.cpp /completion token ids'],
    ['vllm', false, 'vLLM text prompt'],
    ['llamacpp', false, 'llama.cpp /infill'],
    ['openai', false, 'OpenAI-compatible text prompt'],
  ] as const) {
    const m = await connect(kind, withTokenizer);
    out.push({ name, session: await createCompletionSession(m.backend, m.tokenizer) });
  }
  return out;
}

const prompts = [
  { prefix: 'def compute_total(items):\n    total = 0\n    for item in items:\n        total += ', suffix: '\n    return total\n' },
  { prefix: 'def fibonacci(n):\n    if n < 2:\n        return n\n    return ', suffix: '\n' },
  { prefix: 'def add(a, b):\n    return ', suffix: '\n' },
];
const request = (p: (typeof prompts)[number], minConfidence: number): CompletionRequest => ({ ...p, mode: 'naive', order: 'psm', maxNewTokens: 16, minConfidence, languageId: 'python' });

test('the confidence of a completion through vLLM, llama.cpp (/completion, /infill) and OpenAI-compatible equals the embedded one within 1e-3', async () => {
  const embedded = await embeddedPromise;
  const local = await createCompletionSession(embedded.backend, embedded.tokenizer);
  const remotes = await remoteSessions();
  assert.equal(remotes.find((r) => r.name === 'llama.cpp /infill')!.session.textPrompts, true);
  for (const p of prompts) {
    const want = await complete(local, request(p, 0));
    assert.ok(want.confidence && want.confidence.tokens > 0, 'the embedded completion has a confidence');
    for (const { name, session } of remotes) {
      const got = await complete(session, request(p, 0));
      assert.equal(got.raw, want.raw, `${name}: same completion`);
      assert.ok(got.confidence, `${name}: a confidence (the gate applies)`);
      assert.equal(got.confidence.tokens, want.confidence.tokens, `${name}: over the same shown tokens`);
      assert.ok(Math.abs(got.confidence.probability - want.confidence.probability) <= 1e-3, `${name}: ${got.confidence.probability} vs ${want.confidence.probability}`);
      assert.ok(Math.abs(got.confidence.minLogprob - want.confidence.minLogprob) <= 1e-3, `${name}: min logprob`);
    }
  }
  for (const c of connections) {
    const info = await c.backend.info();
    assert.equal(info.capabilities.generationLogprobs, true, `${info.modelType}: declared from the probe`);
  }
});

test('a completion the embedded gate withholds for low confidence is withheld on every remote backend; just below it, shown on all', async () => {
  const embedded = await embeddedPromise;
  const local = await createCompletionSession(embedded.backend, embedded.tokenizer);
  const remotes = await remoteSessions();
  const p = prompts[0]!;
  const shown = await complete(local, request(p, 0));
  assert.ok(shown.text && shown.confidence, 'shown without a gate');
  const c = shown.confidence.probability;
  const check = (r: CompletionResult, withheld: boolean, name: string) => {
    if (withheld) {
      assert.equal(r.suppressed, 'confidence', name);
      assert.equal(r.text, '', name);
    } else {
      assert.equal(r.suppressed, undefined, name);
      assert.equal(r.text, shown.text, name);
    }
  };
  for (const [minConfidence, withheld] of [
    [Math.min(1, c + 0.01), true],
    [Math.max(0, c - 0.01), false],
  ] as const) {
    check(await complete(local, request(p, minConfidence)), withheld, `embedded at ${minConfidence}`);
    for (const { name, session } of remotes) check(await complete(session, request(p, minConfidence)), withheld, `${name} at ${minConfidence}`);
  }
});

interface PostSamplingEntry {
  id: number;
  prob: number;
  logprob?: number;
  top_probs: Array<{ id: number; token: string; bytes: number[]; prob: number }>;
  top_logprobs?: unknown;
}

test('serve /completion post_sampling_probs: probabilities after the sampler chain, in [0, 1], at most 1 per position, instead of logprobs', async () => {
  const server = await serverPromise;
  const embedded = await embeddedPromise;
  const ids = embedded.tokenizer.encodeText('def add(a, b):\n    return ');
  const post = async (body: Record<string, unknown>) => {
    const r = await fetch(`${server.url}/completion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: ids, n_predict: 6, ...body }) });
    assert.equal(r.status, 200);
    return r;
  };
  const checkEntries = (entries: PostSamplingEntry[], nProbs: number, where: string) => {
    assert.ok(entries.length > 0, where);
    for (const e of entries) {
      assert.equal(e.logprob, undefined, `${where}: prob replaces logprob`);
      assert.equal(e.top_logprobs, undefined, `${where}: top_probs replaces top_logprobs`);
      assert.ok(e.prob > 0 && e.prob <= 1, `${where}: chosen prob ${e.prob}`);
      assert.ok(e.top_probs.length >= 1 && e.top_probs.length <= nProbs, `${where}: ${e.top_probs.length} top_probs`);
      const sum = e.top_probs.reduce((a, t) => a + t.prob, 0);
      assert.ok(e.top_probs.every((t) => t.prob >= 0 && t.prob <= 1), `${where}: each in [0, 1]`);
      assert.ok(sum <= 1 + 1e-6, `${where}: sum ${sum}`);
      for (let i = 1; i < e.top_probs.length; i++) assert.ok(e.top_probs[i - 1]!.prob >= e.top_probs[i]!.prob, `${where}: best first`);
      assert.ok(e.top_probs.some((t) => t.id === e.id), `${where}: the chosen token is a candidate`);
    }
  };
  // Sampling: top_k 3 leaves three candidates, renormalised (sum 1); top_p 0.5 may leave fewer.
  const sampled = (await (await post({ n_probs: 5, temperature: 0.9, top_k: 3, top_p: 1, seed: 7, post_sampling_probs: true })).json()) as { completion_probabilities: PostSamplingEntry[] };
  checkEntries(sampled.completion_probabilities, 5, 'top_k 3');
  for (const e of sampled.completion_probabilities) {
    assert.equal(e.top_probs.length, 3, 'top_k 3 keeps 3 candidates');
    assert.ok(Math.abs(e.top_probs.reduce((a, t) => a + t.prob, 0) - 1) < 1e-6, 'renormalised over the kept candidates');
  }
  const nucleus = (await (await post({ n_probs: 10, temperature: 1, top_k: 0, top_p: 0.5, seed: 3, post_sampling_probs: true })).json()) as { completion_probabilities: PostSamplingEntry[] };
  checkEntries(nucleus.completion_probabilities, 10, 'top_p 0.5');
  // Greedy: the chain keeps the top token alone (probability 1); streamed the same way.
  const greedy = await post({ n_probs: 1, temperature: 0, top_k: 1, post_sampling_probs: true, stream: true });
  const events = (await greedy.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { completion_probabilities?: PostSamplingEntry[] });
  const streamed = events.flatMap((e) => e.completion_probabilities ?? []);
  checkEntries(streamed, 1, 'greedy stream');
  assert.ok(streamed.every((e) => e.prob === 1 && e.top_probs[0]!.id === e.id));
  // Without it: the model's own logprobs (pre-sampling), as before.
  const plain = (await (await post({ n_probs: 2, temperature: 0.9, top_k: 3, seed: 7 })).json()) as { completion_probabilities: Array<{ logprob: number; top_logprobs: unknown[]; prob?: number }> };
  assert.ok(plain.completion_probabilities.every((e) => e.logprob <= 0 && e.top_logprobs.length === 2 && e.prob === undefined));
});

test('serve vLLM prompt_logprobs: one scoring pass over the prompt, equal to the embedded score within 1e-4', async () => {
  const server = await serverPromise;
  const embedded = await embeddedPromise;
  const ids = embedded.tokenizer.encodeText('class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n\n    def norm(self):\n        return (self.x ** 2 + self.y ** 2) ** 0.5\n');
  assert.ok(ids.length > 40);
  const want = await embedded.backend.score(ids, { topK: 5, prependBos: false });
  const before = { ...calls };
  const r = await fetch(`${server.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: ids, max_tokens: 1, temperature: 0, prompt_logprobs: 5 }) });
  assert.equal(r.status, 200);
  const rows = ((await r.json()) as { choices: Array<{ prompt_logprobs: Array<Record<string, { logprob: number; rank: number }> | null> }> }).choices[0]!.prompt_logprobs;
  assert.equal(calls.nextLogprobs - before.nextLogprobs, 0, 'no per-position distribution requests');
  assert.equal(calls.score - before.score, 1, 'one scoring pass');
  assert.equal(rows.length, ids.length);
  assert.equal(rows[0], null);
  want.tokens.forEach((w, i) => {
    const row = rows[i + 1]!;
    const self = row[String(ids[i + 1])]!;
    assert.ok(Math.abs(self.logprob - w.logprob) <= 1e-4, `position ${i + 1}: ${self.logprob} vs ${w.logprob}`);
    assert.equal(self.rank, w.rank, `rank at ${i + 1}`);
    for (const t of w.top) assert.ok(Math.abs(row[String(t.id)]!.logprob - t.logprob) <= 1e-4, `top ${t.id} at ${i + 1}`);
  });
});

test('serve streams chosen-token logprobs from the engine loop, and a stop string ends it (also on the last allowed token)', async () => {
  const server = await serverPromise;
  const embedded = await embeddedPromise;
  const ids = embedded.tokenizer.encodeText('def fibonacci(n):\n    if n < 2:\n        return n\n    return ');
  const want = await embedded.backend.generate(ids, { maxNewTokens: 8, logprobs: true, stopTokens: [] });
  const before = { ...calls };
  const stream = async (body: Record<string, unknown>) => {
    const r = await fetch(`${server.url}/completion`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: ids, temperature: 0, top_k: 1, n_probs: 1, stream: true, return_tokens: true, ignore_eos: true, ...body }) });
    return (await r.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as { tokens: number[]; stop: boolean; stop_type?: string; stopping_word?: string; completion_probabilities?: Array<{ logprob: number }> });
  };
  const events = await stream({ n_predict: 8 });
  const lps = events.flatMap((e) => e.completion_probabilities ?? []).map((p) => p.logprob);
  assert.deepEqual(events.flatMap((e) => (e.stop ? [] : e.tokens)), want.tokens);
  lps.forEach((lp, i) => assert.ok(Math.abs(lp - want.logprobs![i]!) <= 1e-4, `token ${i}`));
  assert.equal(calls.nextLogprobs - before.nextLogprobs, 0, 'the engine loop, not one distribution per step');
  // A token's text as a stop string, with exactly as many tokens allowed as reach it: a word stop, not a length stop.
  const n = [8, 7, 6, 5, 4, 3, 2].find((k) => {
    const t = embedded.tokenizer.decode([want.tokens[k - 1]!]);
    return t.trim().length > 0 && !embedded.tokenizer.decode(want.tokens.slice(0, k - 1)).includes(t);
  });
  assert.ok(n, 'a token whose text appears first where it ends');
  const last = embedded.tokenizer.decode([want.tokens[n - 1]!]);
  const end = (await stream({ n_predict: n, stop: [last] })).at(-1)!;
  assert.equal(end.stop, true);
  assert.equal(end.stop_type, 'word');
  assert.equal(end.stopping_word, last);
});

test('serve streams text as the servers do: a character split over tokens comes with the token that completes it', () => {
  const pieces = [[0x61], [0xc3], [0xbc], [0xe2, 0x9c], [0x93, 0x62], [0xf0, 0x9f, 0x98], [0x80]];
  const text = streamedText((id) => pieces[id]!);
  assert.deepEqual(pieces.map((_, id) => text(id)), ['a', '', 'ü', '', '✓b', '', '😀']);
});
