/**
 * Contract tests: each client against response bodies from its server's documentation
 * (test/fixtures/remote/*.json), replayed by a loopback server. Each body names its source (repo +
 * path or URL, and the section) and says whether it is the documentation's example copied verbatim
 * or, where the documentation has no example body, transcribed from the documented fields. The
 * clients were written from the same documentation; `tokenwise serve` independently.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { HttpClient } from '../../../../../src/core/inference/remote/http';
import { VllmServer } from '../../../../../src/core/inference/remote/vllm';
import { LlamaCppServer } from '../../../../../src/core/inference/remote/llamacpp';
import { OllamaServer } from '../../../../../src/core/inference/remote/ollama';
import { OpenAIServer } from '../../../../../src/core/inference/remote/openai';
import { spansFromPieces } from '../../../../../src/core/inference/remote/backend';
import { tokenStringBytes } from '../../../../../src/core/inference/remote/tokenStrings';
import { fixturesDir } from '../../../helpers/paths';

/** One recorded body: where it comes from, whether it is the documentation's own example, and when it answers. */
interface Entry {
  source: string;
  /** "verbatim" (possibly with a named JSON fix) or "no example body; fields from <section>". */
  documented: string;
  /** Request fields that select this body (the first entry that matches answers; none = any request). */
  when?: Record<string, unknown>;
  body: unknown;
}
interface Fixture {
  source: string;
  responses: Record<string, Entry | Entry[]>;
  stream: Entry & { body: string };
}
const names = ['vllm', 'llamacpp', 'ollama', 'openai'] as const;
const load = (name: string) => JSON.parse(readFileSync(join(fixturesDir, 'remote', `${name}.json`), 'utf8')) as Fixture;
const entries = (f: Fixture) => [...Object.values(f.responses).flat(), f.stream];

const servers: Array<{ close(): void }> = [];
after(() => servers.forEach((s) => s.close()));

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const c of req) text += c;
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Replays a fixture: streaming requests get `stream`; otherwise the first entry for the route whose `when` matches. */
async function replay(f: Fixture): Promise<{ http: HttpClient; requests: Array<{ key: string; body: Record<string, unknown> }> }> {
  const requests: Array<{ key: string; body: Record<string, unknown> }> = [];
  const server = createServer((req, res) => {
    void body(req).then((b) => {
      const key = `${req.method} ${req.url}`;
      requests.push({ key, body: b });
      if (b.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        return void res.end(f.stream.body);
      }
      const entry = [f.responses[key] ?? []].flat().find((e) => Object.entries(e.when ?? {}).every(([k, v]) => isDeepStrictEqual(b[k], v)));
      if (entry === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end('{"error":{"message":"not in the fixture"}}');
      }
      let answer = entry.body;
      // llama.cpp answers one result per prompt (an object for a single prompt).
      if (Array.isArray(answer) && key === 'POST /completion') answer = Array.isArray(b.prompt) && Array.isArray(b.prompt[0]) ? answer.slice(0, b.prompt.length) : answer[0];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { http: new HttpClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, transport: globalThis.fetch }), requests };
}

test('every recorded body names its source and says whether the documentation has it verbatim', () => {
  for (const name of names) {
    const f = load(name);
    assert.match(f.source, /documentation|API reference/, name);
    for (const e of entries(f)) {
      assert.match(e.source, /(\w[\w.-]*\/[\w.-]+ \S+\.(md|yaml|py)|https:\/\/platform\.openai\.com\/\S+)/, `${name}: ${e.source} names a repo + path or a URL`);
      assert.match(e.documented, /^(verbatim|no example body)/, `${name}: ${e.source}`);
    }
  }
  // What the documentation has examples for is copied, not transcribed.
  const verbatim = (name: string, key: string) => [load(name).responses[key]!].flat().some((e) => e.documented.startsWith('verbatim'));
  assert.ok(verbatim('llamacpp', 'GET /props') && verbatim('llamacpp', 'GET /v1/models') && verbatim('llamacpp', 'POST /tokenize'));
  assert.ok(verbatim('ollama', 'POST /api/show') && load('ollama').stream.documented.startsWith('verbatim'));
  assert.ok(verbatim('openai', 'GET /v1/models') && verbatim('openai', 'POST /v1/completions'));
});

test('vLLM: tokenize with token_strs, detokenize, prompt_logprobs rows, batched choices by index, token_id streaming with token_logprobs', async () => {
  const { http, requests } = await replay(load('vllm'));
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
  const { http } = await replay(load('vllm'));
  await assert.rejects(new VllmServer(http, '').sparse([{ tokens: [1], candidates: [1234], topK: 1 }, { tokens: [2], candidates: [], topK: 1 }], 2000), /left out the logprob of listed token 1234/);
});

test('llama.cpp: probe from the documented /props and /v1/models, n_probs distributions (completion_probabilities or probs), documented /tokenize pieces, token streaming with completion_probabilities logprobs', async () => {
  const { http, requests } = await replay(load('llamacpp'));
  const llama = new LlamaCppServer(http, '');
  const probe = await llama.probe();
  assert.equal(probe.maxContext, 1024, 'default_generation_settings.n_ctx');
  assert.equal(probe.vocabSize, 128256, 'data[0].meta.n_vocab');
  assert.equal(probe.model, '../models/Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf', 'data[0].id');
  assert.equal(probe.distribution, true);
  assert.equal(probe.infill, false, 'no /infill in the fixture');
  const probeRequest = requests.find((r) => r.key === 'POST /completion')!.body;
  assert.equal(probeRequest.n_probs, 128256, 'n_probs = n_vocab');
  assert.equal(probeRequest.n_predict, 1);
  assert.deepEqual(probeRequest.prompt, [123, 456, 789], 'the probe prompt is the ids /tokenize gave');
  const [r0, r1] = await llama.distributions([[1], [1, 2]], 6);
  assert.deepEqual(Array.from(r0!), [-1.9, -Infinity, -Infinity, -Infinity, -4, -0.2].map(Math.fround));
  assert.deepEqual(Array.from(r1!), [-0.1, -2.5, -Infinity, -Infinity, -Infinity, -Infinity].map(Math.fround), 'the result written with "probs"');
  // The README's two /tokenize examples.
  const hello = await llama.tokenize('Hello world!');
  assert.deepEqual(hello.ids, [123, 456, 789]);
  assert.deepEqual(spansFromPieces('Hello world!', hello.ids, hello.pieces!).map((s) => [s.start, s.end]), [[0, 5], [5, 11], [11, 12]]);
  const accent = await llama.tokenize('á');
  assert.deepEqual(accent.ids, [198, 164]);
  assert.deepEqual(accent.pieces!.map((p) => Array.from(p)), [[0xc3], [0xa1]], 'byte-list pieces');
  assert.deepEqual(Buffer.concat(accent.pieces!), Buffer.from('á'));
  assert.equal(await llama.detokenize([123, 456, 789]), 'Hello world!');
  const gen = await llama.generate({ ids: [1, 2], text: '' }, { maxNewTokens: 8, stopTokenIds: [], stopStrings: [] });
  assert.deepEqual(gen.tokens, [4, 5]);
  assert.equal(gen.text, 'return');
  assert.equal(gen.finishReason, 'stop');
  assert.equal(gen.logprobs, undefined, 'no logprobs unless asked');
  const g = requests.at(-1)!.body;
  assert.deepEqual(g.prompt, [1, 2], 'token-id prompt');
  assert.equal(g.cache_prompt, true);
  assert.equal(g.n_probs, undefined);
  // Asked for: n_probs 1 (pre-sampling) and each event's completion_probabilities[].logprob.
  const withLp = await llama.generate({ ids: [1, 2], text: '' }, { maxNewTokens: 8, stopTokenIds: [], stopStrings: [], logprobs: true });
  assert.deepEqual(withLp.tokens, [4, 5]);
  assert.deepEqual(withLp.logprobs, [-0.25, -0.125]);
  const lpRequest = requests.at(-1)!.body;
  assert.equal(lpRequest.n_probs, 1);
  assert.equal(lpRequest.post_sampling_probs, false);
  assert.equal((await llama.probe()).generationLogprobs, true);
});

test('Ollama: the documented /api/show (num_ctx from the Modelfile, a template without .Suffix) and the documented NDJSON stream', async () => {
  const { http, requests } = await replay(load('ollama'));
  const ollama = new OllamaServer(http, 'llama3.2');
  const probe = await ollama.probe();
  assert.equal(probe.maxContext, 4096, 'PARAMETER num_ctx 4096 in modelfile (parameters has none)');
  assert.equal(probe.details.suffixInTemplate, 'no');
  assert.equal(probe.distribution, false);
  assert.equal(probe.generationLogprobs, false, 'no non-streaming /api/generate body: no logprobs');
  const gen = await ollama.generate({ ids: [], text: '[INST] why is the sky blue? [/INST]' }, { maxNewTokens: 2, stopTokenIds: [], stopStrings: ['</s>'] });
  assert.equal(gen.text, 'The');
  assert.equal(gen.finishReason, 'stop', 'done without done_reason');
  const sent = requests.at(-1)!.body as { raw: boolean; options: { num_predict: number; stop: string[] } };
  assert.equal(sent.raw, true);
  assert.equal(sent.options.num_predict, 2);
  assert.deepEqual(sent.options.stop, ['</s>']);
});

test('OpenAI-compatible: model from the documented list, echo + logprobs probe, prompt logprobs with ranks capped at top 5, the documented SSE chunk', async () => {
  const fixture = load('openai');
  const { http, requests } = await replay(fixture);
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
  const plain = await replay({ ...fixture, responses: { ...fixture.responses, 'POST /v1/completions': [fixture.responses['POST /v1/completions']!].flat().filter((e) => !e.when) } });
  const other = new OpenAIServer(plain.http, 'gpt-3.5-turbo-instruct');
  const p2 = await other.probe();
  assert.equal(p2.promptLogprobs, false);
  assert.ok(p2.notes.some((n) => /heat map unavailable/.test(n)));
  assert.ok(p2.notes.some((n) => /does not list model 'gpt-3.5-turbo-instruct'/.test(n)), p2.notes.join('; '));
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
