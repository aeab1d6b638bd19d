/**
 * Contract tests: each client against response bodies transcribed from its server's
 * documentation (test/fixtures/remote/*.json, each naming its source), replayed by a loopback
 * server. The clients were written from the same documentation; `tokenwise serve` independently.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HttpClient } from '../../../../../src/core/inference/remote/http';
import { VllmServer } from '../../../../../src/core/inference/remote/vllm';
import { LlamaCppServer } from '../../../../../src/core/inference/remote/llamacpp';
import { OllamaServer } from '../../../../../src/core/inference/remote/ollama';
import { OpenAIServer } from '../../../../../src/core/inference/remote/openai';
import { spansFromPieces } from '../../../../../src/core/inference/remote/backend';
import { tokenStringBytes } from '../../../../../src/core/inference/remote/tokenStrings';
import { fixturesDir } from '../../../helpers/paths';

interface Fixture {
  source: string;
  responses: Record<string, unknown>;
  stream: string;
}
const load = (name: string) => JSON.parse(readFileSync(join(fixturesDir, 'remote', `${name}.json`), 'utf8')) as Fixture;

const servers: Array<{ close(): void }> = [];
after(() => servers.forEach((s) => s.close()));

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const c of req) text += c;
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Replays a fixture: streaming requests get `stream`; variants are picked by the request's fields. */
async function replay(f: Fixture): Promise<{ http: HttpClient; requests: Array<{ key: string; body: Record<string, unknown> }> }> {
  const requests: Array<{ key: string; body: Record<string, unknown> }> = [];
  const server = createServer((req, res) => {
    void body(req).then((b) => {
      const key = `${req.method} ${req.url}`;
      requests.push({ key, body: b });
      if (b.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        return void res.end(f.stream);
      }
      const variant = b.prompt_logprobs !== undefined ? '#prompt_logprobs' : '#batch';
      let answer = f.responses[key + variant] ?? f.responses[key];
      if (answer === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return void res.end('{"error":{"message":"not in the fixture"}}');
      }
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

test('every fixture names its source', () => {
  for (const name of ['vllm', 'llamacpp', 'ollama', 'openai']) assert.match(load(name).source, /documentation|API reference/, name);
});

test('vLLM: tokenize with token_strs, detokenize, prompt_logprobs rows, batched choices by index, token_id streaming', async () => {
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
  const g = requests.at(-1)!.body;
  assert.equal(g.suffix, undefined, 'never sends suffix');
  assert.deepEqual(g.stop_token_ids, [0]);
});

test('vLLM: a listed id missing from the answer is an error, not a silent -Infinity', async () => {
  const { http } = await replay(load('vllm'));
  await assert.rejects(new VllmServer(http, '').sparse([{ tokens: [1], candidates: [1234], topK: 1 }, { tokens: [2], candidates: [], topK: 1 }], 2000), /left out the logprob of listed token 1234/);
});

test('llama.cpp: probe from /props and /v1/models meta, n_probs distributions, byte pieces, token streaming', async () => {
  const { http, requests } = await replay(load('llamacpp'));
  const llama = new LlamaCppServer(http, '');
  const probe = await llama.probe();
  assert.equal(probe.maxContext, 8192);
  assert.equal(probe.vocabSize, 6);
  assert.equal(probe.model, 'qwen2.5-coder-1.5b-q8_0.gguf');
  assert.equal(probe.distribution, true);
  const probeRequest = requests.find((r) => r.key === 'POST /completion')!.body;
  assert.equal(probeRequest.n_probs, 6, 'n_probs = n_vocab');
  assert.equal(probeRequest.n_predict, 1);
  const [r0, r1] = await llama.distributions([[1], [1, 2]], 6);
  assert.deepEqual(Array.from(r0!), [-1.9, -Infinity, -Infinity, -Infinity, -4, -0.2].map(Math.fround));
  assert.equal(r1![1], Math.fround(-2.5));
  const tok = await llama.tokenize('größe');
  assert.deepEqual(tok.ids, [1, 2, 3, 4]);
  assert.deepEqual(spansFromPieces('größe', tok.ids, tok.pieces!).map((s) => [s.start, s.end]), [[0, 2], [2, 3], [3, 4], [4, 5]]);
  assert.equal(await llama.detokenize([1, 2, 3, 4]), 'größe');
  const gen = await llama.generate({ ids: [1, 2], text: '' }, { maxNewTokens: 8, stopTokenIds: [], stopStrings: [] });
  assert.deepEqual(gen.tokens, [4, 5]);
  assert.equal(gen.text, 'return');
  assert.equal(gen.finishReason, 'stop');
  const g = requests.at(-1)!.body;
  assert.deepEqual(g.prompt, [1, 2], 'token-id prompt');
  assert.equal(g.cache_prompt, true);
});

test('Ollama: num_ctx from /api/show parameters, the template\'s suffix support, raw NDJSON generation', async () => {
  const { http, requests } = await replay(load('ollama'));
  const ollama = new OllamaServer(http, 'qwen2.5-coder:1.5b-base');
  const probe = await ollama.probe();
  assert.equal(probe.maxContext, 8192);
  assert.equal(probe.details.suffixInTemplate, 'yes');
  assert.equal(probe.distribution, false);
  const gen = await ollama.generate({ ids: [], text: '<|fim_prefix|>def f():\n    <|fim_suffix|>\n<|fim_middle|>' }, { maxNewTokens: 2, stopTokenIds: [], stopStrings: ['<|endoftext|>'] });
  assert.equal(gen.text, 'return x');
  assert.equal(gen.finishReason, 'length');
  const sent = requests.at(-1)!.body as { raw: boolean; options: { num_predict: number; stop: string[] } };
  assert.equal(sent.raw, true);
  assert.equal(sent.options.num_predict, 2);
  assert.deepEqual(sent.options.stop, ['<|endoftext|>']);
});

test('OpenAI-compatible: echo + logprobs probe, prompt logprobs with ranks capped at top 5, SSE text', async () => {
  const { http, requests } = await replay(load('openai'));
  const openai = new OpenAIServer(http, '');
  const probe = await openai.probe();
  assert.equal(probe.model, 'davinci-002');
  assert.equal(probe.promptLogprobs, true);
  assert.equal(probe.maxTopK, 5);
  const rows = await openai.promptLogprobs({ ids: [10, 11, 12], text: 'x = 1' }, 5);
  assert.deepEqual(rows.map((r) => [r.id, r.logprob, r.rank, r.top.length]), [
    [11, -1.5, 1, 2],
    [12, -2.25, 2, 3],
  ]);
  await assert.rejects(openai.promptLogprobs({ ids: [10, 11], text: 'x = 1' }, 5), /tokenized the text into 3 tokens, the local tokenizer into 2/);
  const gen = await openai.generate({ ids: [], text: 'def f():' }, { maxNewTokens: 4, stopTokenIds: [], stopStrings: ['<|endoftext|>'] });
  assert.equal(gen.text, 'return x');
  assert.equal(gen.finishReason, 'stop');
  const sent = requests.at(-1)!.body;
  assert.equal(sent.prompt, 'def f():');
  assert.equal(sent.suffix, undefined);
});

test('raw vocabulary strings: GPT-2 byte-level, SentencePiece and byte fallback', () => {
  const d = (s: string) => Array.from(tokenStringBytes(s));
  assert.deepEqual(d('Ġret'), [0x20, 0x72, 0x65, 0x74]);
  assert.deepEqual(d('ĊĠĠ'), [0x0a, 0x20, 0x20]);
  assert.deepEqual(d('Ã¶'), [0xc3, 0xb6]);
  assert.deepEqual(d('▁ret'), [0x20, 0x72, 0x65, 0x74]);
  assert.deepEqual(d('<0x0A>'), [0x0a]);
});
