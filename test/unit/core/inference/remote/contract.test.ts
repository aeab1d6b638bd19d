/**
 * Contract tests: each client against response bodies from its server's own documentation
 * (test/fixtures/remote/*.json), replayed by a real HTTP server on loopback. Every entry names its
 * source (repository, path, commit, heading, URL) and says whether it is the documentation's example
 * copied verbatim or, where the documentation has no example body, transcribed from the documented
 * fields (and why). The clients were written from the same documentation; `tokenwise serve`
 * independently (its shapes are checked against these bodies in test/unit/cli/serve-contract.test.ts).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { HttpClient, HttpError } from '../../../../../src/core/inference/remote/http';
import { VllmServer } from '../../../../../src/core/inference/remote/vllm';
import { LlamaCppServer } from '../../../../../src/core/inference/remote/llamacpp';
import { OllamaServer } from '../../../../../src/core/inference/remote/ollama';
import { OpenAIServer } from '../../../../../src/core/inference/remote/openai';
import { spansFromPieces } from '../../../../../src/core/inference/remote/backend';
import { tokenStringBytes } from '../../../../../src/core/inference/remote/tokenStrings';
import { fixturesDir } from '../../../helpers/paths';

interface Source {
  repo: string;
  path: string;
  commit: string;
  heading: string;
  url: string;
}
/** One recorded body: where it comes from, whether it is the documentation's own example, and which requests it answers. */
interface Entry {
  source: Source;
  verbatim: boolean;
  /** Verbatim only: what JSON forced (comments removed, a missing comma, YAML written as JSON). */
  edits?: string;
  /** Not verbatim: why (the documentation has no example body for this). */
  reason?: string;
  /** Request fields that select this entry (the first match answers; none = any request). */
  when?: Record<string, unknown>;
  status?: number;
  /** JSON, or the raw text of a stream (SSE `data:` events or NDJSON lines). */
  body: unknown;
}
interface Fixture {
  server: string;
  documentation: string;
  responses: Record<string, Entry[]>;
}
const names = ['vllm', 'llamacpp', 'ollama', 'openai'] as const;
type Name = (typeof names)[number];
const load = (name: Name) => JSON.parse(readFileSync(join(fixturesDir, 'remote', `${name}.json`), 'utf8')) as Fixture;
const entryKey = (name: Name, route: string, index: number) => `${name} ${route} #${index}`;

/** Entries a replay answered with (the last test checks that every verbatim one went through a client). */
const answered = new Set<string>();
const servers: Array<{ close(): void }> = [];
after(() => servers.forEach((s) => s.close()));

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const c of req) text += c;
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * Replays a fixture: each request gets the first entry of its route whose `when` matches, or the
 * entry `force` names for that route ('none': the route answers 404, as a server without it).
 */
async function replay(name: Name, force: Record<string, number | 'none'> = {}): Promise<{ http: HttpClient; requests: Array<{ key: string; body: Record<string, unknown> }> }> {
  const f = load(name);
  const requests: Array<{ key: string; body: Record<string, unknown> }> = [];
  const server = createServer((req, res) => {
    void readJson(req).then((b) => {
      const route = `${req.method} ${req.url}`;
      requests.push({ key: route, body: b });
      const list = f.responses[route] ?? [];
      const forced = force[route];
      const index = forced === 'none' ? -1 : forced ?? list.findIndex((e) => Object.entries(e.when ?? {}).every(([k, v]) => isDeepStrictEqual(b[k], v)));
      const entry = list[index];
      if (entry === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end('{"error":{"message":"not in the fixture"}}');
      }
      answered.add(entryKey(name, route, index));
      if (typeof entry.body === 'string') {
        res.writeHead(entry.status ?? 200, { 'content-type': entry.body.startsWith('data:') ? 'text/event-stream' : 'application/x-ndjson' });
        return void res.end(entry.body);
      }
      let answer = entry.body;
      // llama.cpp answers one result per prompt (an object for a single prompt).
      if (Array.isArray(answer) && route === 'POST /completion') answer = Array.isArray(b.prompt) && Array.isArray(b.prompt[0]) ? answer.slice(0, b.prompt.length) : answer[0];
      res.writeHead(entry.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { http: new HttpClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, transport: globalThis.fetch }), requests };
}

test('every recorded body names its source (repo, path, commit, heading, URL) and is verbatim, or says why the documentation has none', () => {
  const withVerbatim: string[] = [];
  for (const name of names) {
    const f = load(name);
    assert.ok(f.server && f.documentation, name);
    for (const [route, list] of Object.entries(f.responses)) {
      assert.match(route, /^(GET|POST) \/\S+$/, `${name}: ${route}`);
      assert.ok(Array.isArray(list) && list.length > 0, `${name} ${route}`);
      list.forEach((e, i) => {
        const where = entryKey(name, route, i);
        assert.match(e.source.repo, /^[\w.-]+\/[\w.-]+$/, where);
        assert.match(e.source.path, /\.(md|yaml)$/, where);
        assert.match(e.source.commit, /^[0-9a-f]{40}$/, where);
        assert.ok(e.source.heading.length > 5, where);
        assert.ok(e.source.url.startsWith(`https://github.com/${e.source.repo}/blob/${e.source.commit}/${e.source.path}`) || e.source.url.startsWith('https://platform.openai.com/docs/api-reference/'), `${where}: ${e.source.url}`);
        assert.equal(typeof e.verbatim, 'boolean', where);
        if (e.verbatim) assert.equal(e.reason, undefined, `${where}: a verbatim body needs no reason`);
        else assert.ok(typeof e.reason === 'string' && e.reason.length > 20 && e.edits === undefined, `${where}: a transcribed body says why`);
        if (e.when?.stream === true) assert.equal(typeof e.body, 'string', `${where}: a stream is recorded as its raw text`);
      });
      if (list.some((e) => e.verbatim)) withVerbatim.push(`${name} ${route}`);
    }
  }
  // Where the documentation has an example body it is copied; vLLM's pages have none for these endpoints.
  assert.deepEqual(withVerbatim.sort(), [
    'llamacpp GET /health',
    'llamacpp GET /props',
    'llamacpp GET /v1/models',
    'llamacpp POST /tokenize',
    'ollama GET /api/tags',
    'ollama GET /api/version',
    'ollama POST /api/generate',
    'ollama POST /api/show',
    'openai GET /v1/models',
    'openai POST /v1/completions',
  ]);
});

test('vLLM: tokenize with token_strs, detokenize, prompt_logprobs rows, batched choices by index, token_id streaming with token_logprobs', async () => {
  const { http, requests } = await replay('vllm');
  const vllm = new VllmServer(http, 'Qwen/Qwen2.5-Coder-1.5B');
  const tok = await vllm.tokenize('def foo\n   ');
  assert.deepEqual(tok.ids, [750, 2060, 5331]);
  assert.deepEqual(tok.pieces!.map((p) => new TextDecoder().decode(p)), ['def', ' foo', '\n   ']);
  assert.equal(await vllm.detokenize([750, 2060, 5331]), 'def foo\n   ');
  const rows = await vllm.promptLogprobs({ ids: [750, 2060, 5331], text: '' }, 2);
  assert.deepEqual(rows.map((r) => [r.id, r.logprob, r.rank, r.top.map((t) => t.id)]), [
    [2060, -7.25, 31, [1156, 4340]],
    [5331, -0.75, 1, [5331, 3044]],
  ]);
  const [a, b] = await vllm.sparse([{ tokens: [1, 2], candidates: [88, 3], topK: 1 }, { tokens: [1, 3], candidates: [3, 87], topK: 1 }], 1000);
  assert.equal(a![88], -0.25);
  assert.equal(a![3], -2);
  assert.equal(b![87], -0.5);
  assert.equal(b![3], -9);
  assert.equal(a![87], Number.NEGATIVE_INFINITY);
  const sent = requests.at(-1)!.body;
  assert.deepEqual(sent.prompt, [[1, 2], [1, 3]]);
  assert.deepEqual(sent.logprob_token_ids, [3, 87, 88]);
  assert.equal(sent.return_tokens_as_token_ids, true);
  const streamed: number[] = [];
  const gen = await vllm.generate({ ids: [1, 2, 3], text: '' }, { maxNewTokens: 2, stopTokenIds: [0], stopStrings: [], onTokens: (ids) => streamed.push(...ids) });
  assert.deepEqual(gen.tokens, [470, 856]);
  assert.deepEqual(streamed, [470, 856]);
  assert.equal(gen.text, ' return x');
  assert.equal(gen.finishReason, 'length');
  assert.equal(gen.logprobs, undefined, 'no logprobs unless asked');
  const g = requests.at(-1)!.body;
  assert.equal(g.suffix, undefined, 'never sends suffix');
  assert.deepEqual(g.stop_token_ids, [0]);
  assert.equal(g.logprobs, 1);
  // Asked for: each chosen token's token_logprobs entry.
  const withLp = await vllm.generate({ ids: [1, 2, 3], text: '' }, { maxNewTokens: 2, stopTokenIds: [0], stopStrings: [], logprobs: true });
  assert.deepEqual(withLp.tokens, [470, 856]);
  assert.deepEqual(withLp.logprobs, [-0.1, -0.3]);
  // A stop token ends the stream before its logprob is counted.
  const stopped = await vllm.generate({ ids: [1, 2, 3], text: '' }, { maxNewTokens: 2, stopTokenIds: [856], stopStrings: [], logprobs: true });
  assert.deepEqual([stopped.tokens, stopped.logprobs], [[470], [-0.1]]);
});

test('vLLM: a listed id missing from the answer is an error, not a silent -Infinity', async () => {
  const { http } = await replay('vllm');
  await assert.rejects(new VllmServer(http, '').sparse([{ tokens: [1], candidates: [1234], topK: 1 }, { tokens: [2], candidates: [], topK: 1 }], 2000), /left out the logprob of listed token 1234/);
});

test('vLLM client on the OpenAI reference bodies vLLM mirrors: the documented model list (no max_model_len), no extras, the documented stream chunk', async () => {
  const { http } = await replay('openai');
  const vllm = new VllmServer(http, '');
  const probe = await vllm.probe();
  assert.equal(probe.model, 'model-id-0');
  assert.equal(probe.maxContext, null, 'the reference lists no context length');
  assert.deepEqual([probe.tokenize, probe.distribution, probe.candidates, probe.promptLogprobs], [false, false, false, false]);
  assert.ok(probe.notes.some((n) => /no \/tokenize \(not in the fixture\)/.test(n)), probe.notes.join('; '));
  const gen = await vllm.generate({ ids: [], text: 'Say this is a test' }, { maxNewTokens: 7, stopTokenIds: [], stopStrings: [] });
  assert.deepEqual([gen.tokens, gen.text], [[], 'This']);
});

test('llama.cpp: probe from the documented /props and /v1/models, /infill warm-up, n_probs distributions (completion_probabilities or probs), the documented /tokenize examples, streaming', async () => {
  const { http, requests } = await replay('llamacpp');
  const llama = new LlamaCppServer(http, '');
  const probe = await llama.probe();
  assert.equal(probe.maxContext, 1024, 'default_generation_settings.n_ctx');
  assert.equal(probe.vocabSize, 128256, 'data[0].meta.n_vocab');
  assert.equal(probe.model, '../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf', 'data[0].id');
  assert.equal(probe.details.slots, 1, 'total_slots');
  assert.equal(probe.distribution, true);
  assert.equal(probe.infill, true, 'the /infill warm-up answered');
  const probeRequest = requests.find((r) => r.key === 'POST /completion')!.body;
  assert.equal(probeRequest.n_probs, 128256, 'n_probs = n_vocab');
  assert.equal(probeRequest.n_predict, 1);
  assert.deepEqual(probeRequest.prompt, [123, 456, 789], 'the probe prompt is the ids /tokenize gave');
  assert.equal(requests.find((r) => r.key === 'POST /infill')!.body.n_predict, 0);
  const [r0, r1] = await llama.distributions([[1], [1, 2]], 6);
  assert.deepEqual(Array.from(r0!), [-1.9, -Infinity, -Infinity, -Infinity, -4, -0.2].map(Math.fround));
  assert.deepEqual(Array.from(r1!), [-0.1, -2.5, -Infinity, -Infinity, -Infinity, -Infinity].map(Math.fround), 'the result written with "probs"');
  // The README's /tokenize examples: pieces as text, and as a byte list when not valid UTF-8.
  const hello = await llama.tokenize('Hello world!');
  assert.deepEqual(hello.ids, [123, 456, 789]);
  assert.deepEqual(spansFromPieces('Hello world!', hello.ids, hello.pieces!).map((s) => [s.start, s.end]), [[0, 5], [5, 11], [11, 12]]);
  const accent = await llama.tokenize('á');
  assert.deepEqual(accent.ids, [198, 164]);
  assert.deepEqual(accent.pieces!.map((p) => Array.from(p)), [[0xc3], [0xa1]], 'byte-list pieces');
  assert.deepEqual(Buffer.concat(accent.pieces!), Buffer.from('á'));
  assert.equal(await llama.detokenize([123, 456, 789]), 'Hello world!');
  const streamed: number[] = [];
  const gen = await llama.generate({ ids: [1, 2, 3], text: '' }, { maxNewTokens: 4, stopTokenIds: [], stopStrings: [], logprobs: true, onTokens: (ids) => streamed.push(...ids) });
  assert.deepEqual([gen.tokens, streamed, gen.text, gen.finishReason], [[4, 5], [4, 5], 'return', 'stop'], 'stop_type eos');
  assert.deepEqual(gen.logprobs, [-0.25, -0.125]);
  const infill = await llama.infill({ prefix: 'def f(', suffix: '):\n', extra: [{ filename: 'a.py', text: 'x = 1\n' }] }, { maxNewTokens: 2, stopTokenIds: [], stopStrings: [] });
  assert.deepEqual([infill.tokens, infill.text, infill.finishReason], [[7, 8], 'a, b', 'length'], 'stop_type limit');
  const sent = requests.at(-1)!.body;
  assert.deepEqual([sent.input_prefix, sent.input_suffix, sent.input_extra, sent.id_slot, sent.cache_prompt, sent.stream], ['def f(', '):\n', [{ filename: 'a.py', text: 'x = 1\n' }], 0, true, true]);
});

test('llama.cpp: the README\'s /tokenize answer without pieces (a server that ignores with_pieces), and its documented 503 "Loading model" body as the error message', async () => {
  const { http } = await replay('llamacpp', { 'POST /tokenize': 0, 'GET /health': 1 });
  const plain = await new LlamaCppServer(http, '').tokenize('Hello world!');
  assert.deepEqual([plain.ids, plain.pieces], [[123, 456, 789], null]);
  const loading = await http.json('GET', '/health', undefined).then(
    () => assert.fail('503 is an error'),
    (error: unknown) => error,
  );
  assert.ok(loading instanceof HttpError);
  assert.deepEqual([loading.status, loading.serverMessage], [503, 'Loading model']);
  assert.match(loading.message, /GET http:\/\/127\.0\.0\.1:\d+\/health: HTTP 503: Loading model$/);
});

test('Ollama (docs/api.md): /api/version, /api/show (num_ctx from the Modelfile, a template without .Suffix), the non-streaming answer without logprobs, the NDJSON stream', async () => {
  const { http, requests } = await replay('ollama');
  const ollama = new OllamaServer(http, 'llama3.2');
  const probe = await ollama.probe();
  assert.equal(probe.details.version, '0.12.6');
  assert.equal(probe.maxContext, 4096, 'PARAMETER num_ctx 4096 in modelfile (parameters has none)');
  assert.deepEqual([probe.details.family, probe.details.parameters, probe.details.suffixInTemplate], ['llama', '8.0B', 'no']);
  assert.equal(probe.distribution, false);
  assert.equal(probe.generationLogprobs, false, 'the documented answer has no logprobs');
  assert.deepEqual(requests.map((r) => r.key), ['GET /api/version', 'POST /api/show', 'POST /api/generate']);
  assert.deepEqual([requests[2]!.body.stream, requests[2]!.body.logprobs, requests[2]!.body.raw], [false, true, true]);
  const gen = await ollama.generate({ ids: [], text: '[INST] why is the sky blue? [/INST]' }, { maxNewTokens: 2, stopTokenIds: [], stopStrings: ['</s>'] });
  assert.equal(gen.text, 'The');
  assert.equal(gen.finishReason, 'stop', 'done without done_reason');
  const sent = requests.at(-1)!.body as { raw: boolean; stream: boolean; options: { num_predict: number; stop: string[] } };
  assert.deepEqual([sent.raw, sent.stream, sent.options.num_predict, sent.options.stop], [true, true, 2, ['</s>']]);
});

test('Ollama (docs/openapi.yaml): /api/show with num_ctx in parameters and no template, the generate example with done_reason; a model the server lacks names the models /api/tags lists', async () => {
  const { http } = await replay('ollama');
  const probe = await new OllamaServer(http, 'gemma4').probe();
  assert.equal(probe.maxContext, 2048, 'num_ctx 2048 in parameters (model_info says 131072 trained)');
  assert.deepEqual([probe.details.family, probe.details.parameters, probe.details.suffixInTemplate], ['gemma4', '8.0B', 'no']);
  assert.equal(probe.generationLogprobs, false);
  const gen = await new OllamaServer(http, 'gemma4').generate({ ids: [], text: 'Why is the sky blue?' }, { maxNewTokens: 2, stopTokenIds: [], stopStrings: [] });
  assert.equal(gen.text, 'The', 'stream requests get the documented stream');
  for (const [tags, listed] of [
    [0, 'codellama:13b, llama3:latest'],
    [1, 'gemma4'],
  ] as const) {
    const missing = await replay('ollama', { 'POST /api/show': 'none', 'GET /api/tags': tags });
    await assert.rejects(
      new OllamaServer(missing.http, 'qwen2.5-coder:1.5b-base').probe(),
      (error: Error) => error.message === `Ollama has no model 'qwen2.5-coder:1.5b-base' (not in the fixture); it has ${listed}. Run \`ollama pull qwen2.5-coder:1.5b-base\` or set tokenwise.remote.model to one of those.`,
    );
  }
});

test('OpenAI-compatible: model from the documented list, echo + logprobs probe, prompt logprobs with ranks capped at top 5, the documented SSE chunk and one-shot body', async () => {
  const { http, requests } = await replay('openai');
  const openai = new OpenAIServer(http, '');
  const probe = await openai.probe();
  assert.equal(probe.model, 'model-id-0');
  assert.equal(probe.promptLogprobs, true);
  assert.equal(probe.maxTopK, 5);
  const rows = await openai.promptLogprobs({ ids: [10, 11, 12], text: 'x = 1' }, 5);
  assert.deepEqual(rows.map((r) => [r.id, r.logprob, r.rank, r.top.length]), [
    [11, -1.5, 1, 2],
    [12, -2.25, 2, 3],
  ]);
  await assert.rejects(openai.promptLogprobs({ ids: [10, 11], text: 'x = 1' }, 5), /tokenized the text into 3 tokens, the local tokenizer into 2/);
  const gen = await openai.generate({ ids: [], text: 'Say this is a test' }, { maxNewTokens: 7, stopTokenIds: [], stopStrings: ['<|endoftext|>'] });
  assert.equal(gen.text, 'This');
  const sent = requests.at(-1)!.body;
  assert.equal(sent.prompt, 'Say this is a test');
  assert.equal(sent.suffix, undefined);
  // The documented one-shot body (logprobs: null) as the echo answer: no prompt logprobs, and a clear error.
  const plain = await replay('openai', { 'POST /v1/completions': 2 });
  const other = new OpenAIServer(plain.http, 'VAR_model_id');
  const p2 = await other.probe();
  assert.equal(p2.promptLogprobs, false);
  assert.ok(p2.notes.some((n) => /heat map unavailable/.test(n)));
  assert.ok(p2.notes.some((n) => /does not list model 'VAR_model_id'/.test(n)), p2.notes.join('; '));
  await assert.rejects(other.promptLogprobs({ ids: [1, 2], text: 'Say this is a test' }, 5), /no logprobs/);
});

test('raw vocabulary strings: GPT-2 byte-level, SentencePiece and byte fallback', () => {
  const d = (s: string) => Array.from(tokenStringBytes(s));
  assert.deepEqual(d('Ġret'), [0x20, 0x72, 0x65, 0x74]);
  assert.deepEqual(d('ĊĠĠ'), [0x0a, 0x20, 0x20]);
  assert.deepEqual(d('Ã¶'), [0xc3, 0xb6]);
  assert.deepEqual(d('▁ret'), [0x20, 0x72, 0x65, 0x74]);
  assert.deepEqual(d('<0x0A>'), [0x0a]);
});

test('every verbatim body went through a client above', () => {
  // The client never calls llama.cpp's GET /health (200): its shape is checked against tokenwise serve only.
  const serveOnly = new Set([entryKey('llamacpp', 'GET /health', 0)]);
  const missed: string[] = [];
  for (const name of names)
    for (const [route, list] of Object.entries(load(name).responses))
      list.forEach((e, i) => {
        const key = entryKey(name, route, i);
        if (e.verbatim && !serveOnly.has(key) && !answered.has(key)) missed.push(key);
      });
  assert.deepEqual(missed, []);
});
