/**
 * Shape parity of `tokenwise serve` with the servers' documentation: for every recorded body of the
 * endpoints serve implements (test/fixtures/remote/{vllm,llamacpp,openai}.json, the same bodies the
 * client contract tests replay), the real serve handler on loopback answers a matching request with
 * the documented field names and JSON types, recursively for the fields the documented body has.
 * Serve shares no schema module with the clients, so this is where it is held to the documents.
 * Documented fields serve does not send are listed in `knownGaps`: the check fails when one more
 * goes missing and when one listed there is sent after all (then the list shrinks).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBackend } from '../../../src/core/inference/factory';
import { startServer } from '../../../src/cli/serve/server';
import { fixturesDir, shippedModelDir } from '../helpers/paths';

interface Entry {
  verbatim: boolean;
  when?: Record<string, unknown>;
  status?: number;
  body: unknown;
}
const fixtures = ['vllm', 'llamacpp', 'openai'] as const;
const load = (name: string) => JSON.parse(readFileSync(join(fixturesDir, 'remote', `${name}.json`), 'utf8')) as { responses: Record<string, Entry[]> };

const servedPromise = loadBackend({ backend: 'embedded', modelPath: shippedModelDir, executionProvider: 'cpu', threads: 1, kvCacheMB: 64 });
const serverPromise = servedPromise.then((m) => startServer(m, { port: 0 }));
after(async () => {
  await (await serverPromise).close();
  await (await servedPromise).backend.dispose();
});

/** The request each recorded body answers, in the form the client sends it (`ids`: a prompt the served model tokenizes). */
function requestFor(key: string, ids: number[]): Record<string, unknown> | undefined {
  const half = ids.slice(0, Math.max(1, ids.length - 2));
  const table: Record<string, Record<string, unknown> | undefined> = {
    'vllm GET /v1/models #0': undefined,
    'vllm POST /tokenize #0': { prompt: 'def foo\n   ', add_special_tokens: false, return_token_strs: true },
    'vllm POST /detokenize #0': { tokens: ids },
    'vllm POST /v1/completions #0': { prompt: ids, max_tokens: 2, temperature: 0, logprobs: 1, return_tokens_as_token_ids: true, stream: true },
    'vllm POST /v1/completions #1': { prompt: ids, max_tokens: 1, temperature: 0, prompt_logprobs: 2 },
    'vllm POST /v1/completions #2': { prompt: [ids, half], max_tokens: 1, temperature: 0, logprobs: 2, logprob_token_ids: [3], return_tokens_as_token_ids: true },
    'llamacpp GET /health #0': undefined,
    'llamacpp GET /props #0': undefined,
    'llamacpp GET /v1/models #0': undefined,
    'llamacpp POST /tokenize #0': { content: 'Hello world!', add_special: false, with_pieces: false },
    'llamacpp POST /tokenize #1': { content: 'á', add_special: false, with_pieces: true },
    'llamacpp POST /tokenize #2': { content: 'Hello world!', add_special: false, with_pieces: true },
    'llamacpp POST /detokenize #0': { tokens: ids },
    'llamacpp POST /completion #0': { prompt: ids, n_predict: 2, temperature: 0, n_probs: 1, return_tokens: true, cache_prompt: true, stream: true },
    'llamacpp POST /completion #1': { prompt: [ids, half], n_predict: 1, n_probs: 3, temperature: 0, cache_prompt: true },
    'llamacpp POST /infill #0': { input_prefix: 'def f(', input_suffix: '):\n', input_extra: [{ filename: 'a.py', text: 'x = 1\n' }], prompt: '', n_predict: 2, temperature: 0, return_tokens: true, id_slot: 0, stream: true },
    'llamacpp POST /infill #1': { input_prefix: 'def f(', input_suffix: '):\n', input_extra: [], n_predict: 0, cache_prompt: true, id_slot: 0 },
    'openai GET /v1/models #0': undefined,
    'openai POST /v1/completions #0': { prompt: 'Say this is a test', max_tokens: 7, temperature: 0, stream: true },
    'openai POST /v1/completions #1': { prompt: 'x = 1', max_tokens: 0, echo: true, logprobs: 2, temperature: 0 },
    'openai POST /v1/completions #2': { prompt: 'Say this is a test', max_tokens: 7, temperature: 0 },
  };
  if (!(key in table)) throw new Error(`${key}: no request for this recorded body (add one to the table)`);
  return table[key];
}

/** Bodies serve cannot be asked for: llama.cpp's 503 while the model loads (serve answers once loaded). */
const notComparable = new Set(['llamacpp GET /health #1']);

/**
 * Documented fields `tokenwise serve` does not send (per recorded body), as `path: what`.
 * Reported to the lead; serve is changed in src/cli/serve/server.ts, not here.
 */
const knownGaps: Record<string, string[]> = {
  'vllm GET /v1/models #0': ['$.data[].permission: missing'],
  // The README's example nests the sampling settings under `params`; serve puts a few of them directly in default_generation_settings.
  'llamacpp GET /props #0': [
    '$.default_generation_settings.id: missing',
    '$.default_generation_settings.id_task: missing',
    '$.default_generation_settings.speculative: missing',
    '$.default_generation_settings.is_processing: missing',
    '$.default_generation_settings.params: missing',
    '$.default_generation_settings.prompt: missing',
    '$.default_generation_settings.next_token: missing',
    '$.chat_template_caps: missing',
    '$.modalities: missing',
    '$.media_marker: missing',
    '$.is_sleeping: missing',
  ],
  'llamacpp GET /v1/models #0': ['$.data[].architecture: missing', '$.data[].meta.n_embd: missing', '$.data[].meta.n_params: missing', '$.data[].meta.size: missing'],
  'openai POST /v1/completions #0': ['first event.system_fingerprint: missing'],
  'openai POST /v1/completions #2': ['$.system_fingerprint: missing'],
};

type Kind = 'array' | 'object' | 'string' | 'number' | 'boolean' | 'null' | 'undefined';
const kindOf = (v: unknown): Kind => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as Kind));
/** Objects keyed by data (tokens, token ids), not by field names: their values are compared instead. */
const keyedByToken = (path: string) => /logprobs\.top_logprobs\[\]$|prompt_logprobs\[\]$/.test(path);

/** Where `got` lacks a field of `documented` or has another JSON type (null on either side: nullable). */
function shapeGaps(documented: unknown, got: unknown, path: string, out: Set<string>): void {
  if (documented === null || got === null) return;
  const want = kindOf(documented);
  const have = kindOf(got);
  if (want !== have) return void out.add(`${path}: ${have}, documented ${want}`);
  if (want === 'array') {
    const sample = (documented as unknown[]).find((x) => x !== null);
    if (sample !== undefined) for (const g of got as unknown[]) shapeGaps(sample, g, `${path}[]`, out);
  } else if (want === 'object') {
    const doc = documented as Record<string, unknown>;
    const mine = got as Record<string, unknown>;
    if (keyedByToken(path)) {
      const sample = Object.values(doc)[0];
      if (sample !== undefined) for (const v of Object.values(mine)) shapeGaps(sample, v, `${path}{}`, out);
      return;
    }
    for (const k of Object.keys(doc)) {
      if (!(k in mine)) out.add(`${path}.${k}: missing`);
      else shapeGaps(doc[k], mine[k], `${path}.${k}`, out);
    }
  }
}

const sseEvents = (text: string): unknown[] =>
  text
    .split('\n')
    .filter((l) => l.startsWith('data:') && l.slice(5).trim() !== '[DONE]')
    .map((l) => JSON.parse(l.slice(5)) as unknown);

test('tokenwise serve answers with the documented field names and JSON types of every recorded body of the endpoints it serves', async () => {
  const server = await serverPromise;
  const ask = async (method: 'GET' | 'POST', path: string, body?: Record<string, unknown>) => {
    const r = await fetch(server.url + path, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: r.status, text: await r.text() };
  };
  const ids = (JSON.parse((await ask('POST', '/tokenize', { content: 'def add(a, b):\n    return a' })).text) as { tokens: number[] }).tokens;
  assert.ok(ids.length >= 4);
  const gaps: Record<string, string[]> = {};
  let compared = 0;
  for (const name of fixtures)
    for (const [route, list] of Object.entries(load(name).responses))
      for (const [i, entry] of list.entries()) {
        const key = `${name} ${route} #${i}`;
        if (notComparable.has(key)) continue;
        const [method, path] = route.split(' ') as ['GET' | 'POST', string];
        const answer = await ask(method, path, requestFor(key, ids));
        assert.equal(answer.status, entry.status ?? 200, `${key}: ${answer.text.slice(0, 200)}`);
        const out = new Set<string>();
        if (typeof entry.body === 'string') {
          const want = sseEvents(entry.body);
          const got = sseEvents(answer.text);
          assert.ok(got.length > 0, `${key}: serve sent no events`);
          shapeGaps(want[0], got[0], 'first event', out);
          if (want.length > 1) shapeGaps(want.at(-1), got.at(-1), 'last event', out);
        } else shapeGaps(entry.body, JSON.parse(answer.text), '$', out);
        compared++;
        if (out.size) gaps[key] = [...out];
      }
  assert.equal(compared, 21, 'every recorded body of vLLM, llama.cpp and OpenAI except the loading 503');
  assert.deepEqual(gaps, knownGaps);
});
