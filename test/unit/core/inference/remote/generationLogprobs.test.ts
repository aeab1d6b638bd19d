/**
 * Generated-token logprobs from servers whose answers `tokenwise serve` does not produce: llama.cpp
 * events with split UTF-8 bytes, an older llama.cpp whose entries carry no `logprob` (no confidence,
 * not an error), and OpenAI-compatible servers that do and do not give `token_logprobs` (probed).
 * Each server is a real HTTP server on loopback answering the documented shapes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../../../../../src/core/inference/remote/http';
import { LlamaCppServer } from '../../../../../src/core/inference/remote/llamacpp';
import { OpenAIServer } from '../../../../../src/core/inference/remote/openai';
import { tokenEndsFromBytes } from '../../../../../src/core/inference/remote/tokenEnds';

const servers: Array<{ close(): void }> = [];
after(() => servers.forEach((s) => s.close()));

type Handler = (route: string, body: Record<string, unknown>, res: ServerResponse) => void;
async function serve(handler: Handler): Promise<{ http: HttpClient; bodies: Array<Record<string, unknown>> }> {
  const bodies: Array<Record<string, unknown>> = [];
  const server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      bodies.push(body);
      handler(`${req.method} ${req.url}`, body, res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { http: new HttpClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, transport: globalThis.fetch }), bodies };
}
const sse = (res: ServerResponse, events: unknown[], done = false) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : ''));
};
const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

test('llama.cpp: each streamed token\'s logprob and bytes (a character split over two tokens ends with the second)', async () => {
  const { http, bodies } = await serve((_route, _body, res) =>
    sse(res, [
      { content: 'gr', tokens: [10], stop: false, completion_probabilities: [{ id: 10, token: 'gr', bytes: [103, 114], logprob: -0.5, top_logprobs: [] }] },
      { content: '', tokens: [11], stop: false, completion_probabilities: [{ id: 11, token: '\ufffd', bytes: [0xc3], logprob: -0.25, top_logprobs: [] }] },
      { content: 'ü', tokens: [12], stop: false, completion_probabilities: [{ id: 12, token: '\ufffd', bytes: [0xbc], logprob: -0.125, top_logprobs: [] }] },
      { content: '', tokens: [], stop: true, stop_type: 'eos' },
    ]),
  );
  const llama = new LlamaCppServer(http, '');
  const r = await llama.infill({ prefix: 'x = "', suffix: '"\n', extra: [] }, { maxNewTokens: 8, stopTokenIds: [], stopStrings: [], logprobs: true });
  assert.equal(bodies.at(-1)!.n_probs, 1);
  assert.equal(bodies.at(-1)!.post_sampling_probs, false, 'the model\'s own probabilities, before the sampler chain');
  assert.equal(r.text, 'grü');
  assert.deepEqual(r.logprobs, [-0.5, -0.25, -0.125]);
  assert.deepEqual(tokenEndsFromBytes(r.tokenBytes!), [2, 2, 3]);
});

test('an older llama.cpp whose probabilities carry no logprob: the text, and no logprobs (no confidence) rather than an error', async () => {
  const { http } = await serve((_route, _body, res) =>
    sse(res, [
      { content: 'gr', tokens: [10], stop: false, completion_probabilities: [{ content: 'gr', probs: [{ tok_str: 'gr', prob: 0.6 }] }] },
      { content: '', tokens: [], stop: true, stop_type: 'limit' },
    ]),
  );
  const r = await new LlamaCppServer(http, '').generate({ ids: [], text: 'def' }, { maxNewTokens: 1, stopTokenIds: [], stopStrings: [], logprobs: true });
  assert.equal(r.text, 'gr');
  assert.equal(r.logprobs, undefined);
});

/** An OpenAI-compatible server: `/v1/models`, echo refused, generation with or without `token_logprobs`. */
function openaiHandler(withLogprobs: boolean): Handler {
  return (route, body, res) => {
    if (route === 'GET /v1/models') return json(res, 200, { object: 'list', data: [{ id: 'm', object: 'model' }] });
    if (body.echo === true) return json(res, 400, { error: { message: 'echo is not supported' } });
    if (body.logprobs !== undefined && !withLogprobs) return json(res, 400, { error: { message: 'logprobs is not supported' } });
    const lp = (tokens: string[], values: number[], offsets: number[]) => (body.logprobs === undefined ? null : { tokens, token_logprobs: values, top_logprobs: tokens.map((t, i) => ({ [t]: values[i] })), text_offset: offsets });
    if (body.stream !== true) return json(res, 200, { choices: [{ index: 0, text: ' x', logprobs: lp([' x'], [-0.1], [9]), finish_reason: 'length' }] });
    sse(
      res,
      [
        { choices: [{ index: 0, text: ' return', logprobs: lp([' return'], [-0.2], [9]), finish_reason: null }] },
        { choices: [{ index: 0, text: ' x + 1', logprobs: lp([' x', ' +', ' 1'], [-0.3, -0.4, -0.5], [16, 18, 20]), finish_reason: null }] },
        { choices: [{ index: 0, text: '', logprobs: null, finish_reason: 'length' }] },
      ],
      true,
    );
  };
}

test('OpenAI-compatible: logprobs: 1 where the probe finds token_logprobs, each token placed by text_offset; none where the server refuses them', async () => {
  const good = await serve(openaiHandler(true));
  const openai = new OpenAIServer(good.http, '');
  const probe = await openai.probe();
  assert.equal(probe.generationLogprobs, true);
  const r = await openai.generate({ ids: [], text: 'def f(x):\n   ' }, { maxNewTokens: 4, stopTokenIds: [], stopStrings: [], logprobs: true });
  assert.equal(good.bodies.at(-1)!.logprobs, 1);
  assert.equal(r.text, ' return x + 1');
  assert.deepEqual(r.logprobs, [-0.2, -0.3, -0.4, -0.5]);
  assert.deepEqual(r.tokenEnds, [7, 9, 11, 13]);
  await openai.generate({ ids: [], text: 'def' }, { maxNewTokens: 1, stopTokenIds: [], stopStrings: [] });
  assert.equal(good.bodies.at(-1)!.logprobs, undefined, 'not asked, not sent');

  const refusing = await serve(openaiHandler(false));
  const plain = new OpenAIServer(refusing.http, '');
  const p2 = await plain.probe();
  assert.equal(p2.generationLogprobs, false);
  assert.ok(p2.notes.some((n) => /no generated-token logprobs \(logprobs: logprobs is not supported\): no confidence gate/.test(n)), p2.notes.join('; '));
  const r2 = await plain.generate({ ids: [], text: 'def' }, { maxNewTokens: 4, stopTokenIds: [], stopStrings: [], logprobs: true });
  assert.equal(refusing.bodies.at(-1)!.logprobs, undefined, 'never sent to a server that refuses it');
  assert.equal(r2.text, ' return x + 1');
  assert.equal(r2.logprobs, undefined);
});
