/**
 * Ollama's generated-token logprobs (docs/openapi.yaml: GenerateRequest `logprobs` / `top_logprobs`,
 * GenerateResponse `logprobs: [Logprob]`, Logprob `{token, logprob, bytes, top_logprobs}`) against
 * a loopback server that answers as a recent Ollama does, and as an older one that ignores the
 * fields: the probe finds them (or says why not), generation with `logprobs` returns the exact ids
 * from the reported bytes and their logprobs.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadBackend } from '../../../../../src/core/inference/factory';
import { ModelTokenizer } from '../../../../../src/core/model/tokenizer';
import { shippedModelDir } from '../../../helpers/paths';

const tokenizerPath = join(shippedModelDir, 'tokenizer.json');
const tok = ModelTokenizer.fromFile(tokenizerPath, {});
const answer = tok.encodeText(' return größe + 1');
const servers: Array<{ close(): void }> = [];
after(() => servers.forEach((s) => s.close()));

async function read(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const c of req) text += c;
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** `recent`: answers `logprobs` when asked (Ollama with logprobs); otherwise ignores the field. */
async function ollama(recent: boolean): Promise<{ url: string; bodies: Array<Record<string, unknown>> }> {
  const bodies: Array<Record<string, unknown>> = [];
  const entry = (id: number, i: number) => ({ token: tok.decode([id]), logprob: -0.25 * (i + 1), bytes: Array.from(tok.tokenBytes(id)!), top_logprobs: [{ token: tok.decode([id]), logprob: -0.25 * (i + 1), bytes: Array.from(tok.tokenBytes(id)!) }] });
  const server = createServer((req, res) => {
    void read(req).then((b) => {
      bodies.push(b);
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/show') return void res.end(JSON.stringify({ parameters: 'num_ctx 4096', template: '{{ .Prompt }}', details: { family: 'llama' }, model_info: { 'llama.context_length': 4096 } }));
      if (req.url !== '/api/generate') return void res.writeHead(404).end('{"error":"not found"}');
      const withLp = recent && b.logprobs === true;
      if (b.stream === false) return void res.end(JSON.stringify({ model: b.model, created_at: '2025-11-20T00:00:00Z', response: tok.decode([answer[0]!]), done: true, done_reason: 'length', ...(withLp ? { logprobs: [entry(answer[0]!, 0)] } : {}) }));
      res.setHeader('content-type', 'application/x-ndjson');
      // `response` carries whole characters (a token that ends inside one adds nothing until it ends).
      let sent = '';
      for (const [i, id] of answer.entries()) {
        const upto = tok.decode(answer.slice(0, i + 1));
        const response = upto.endsWith('\ufffd') ? '' : upto.slice(sent.length);
        sent += response;
        res.write(JSON.stringify({ model: b.model, created_at: '2025-11-20T00:00:00Z', response, done: false, ...(withLp ? { logprobs: [entry(id, i)] } : {}) }) + '\n');
      }
      res.end(JSON.stringify({ model: b.model, created_at: '2025-11-20T00:00:00Z', response: '', done: true, done_reason: 'stop', eval_count: answer.length }) + '\n');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies };
}

test('a recent Ollama: the probe finds generated-token logprobs; generate returns the exact ids (from bytes) and their logprobs', async () => {
  const { url, bodies } = await ollama(true);
  const m = await loadBackend({ backend: 'ollama', url, model: 'qwen2.5-coder:1.5b-base', kvCacheMB: 0, tokenizerPath }, { fetch: globalThis.fetch });
  try {
    const info = await m.backend.info();
    assert.doesNotMatch(String(info.details.notes), /no generated-token logprobs/);
    const probeBody = bodies.find((b) => b.stream === false)!;
    assert.equal(probeBody.logprobs, true);
    assert.equal(probeBody.raw, true);
    const streamed: number[] = [];
    const r = await m.backend.generate(tok.encodeText('def f(x):\n   '), { maxNewTokens: 32, logprobs: true, onToken: (id) => streamed.push(id) });
    assert.equal(bodies.at(-1)!.logprobs, true, 'generation asks for logprobs');
    assert.deepEqual(r.tokens, answer);
    assert.deepEqual(streamed, answer);
    assert.deepEqual(r.logprobs, answer.map((_, i) => -0.25 * (i + 1)));
    const plain = await m.backend.generate(tok.encodeText('def f(x):\n   '), { maxNewTokens: 32 });
    assert.equal(bodies.at(-1)!.logprobs, undefined, 'not asked when not wanted');
    assert.equal(plain.logprobs, undefined);
  } finally {
    await m.backend.dispose();
  }
});

test('an older Ollama that ignores `logprobs`: the probe says so, generation has no logprobs and never asks', async () => {
  const { url, bodies } = await ollama(false);
  const m = await loadBackend({ backend: 'ollama', url, model: 'qwen2.5-coder:1.5b-base', kvCacheMB: 0, tokenizerPath }, { fetch: globalThis.fetch });
  try {
    assert.match(String((await m.backend.info()).details.notes), /no generated-token logprobs \(this Ollama version ignores `logprobs`/);
    const r = await m.backend.generate(tok.encodeText('def f(x):\n   '), { maxNewTokens: 32, logprobs: true });
    assert.equal(r.logprobs, undefined);
    assert.equal(bodies.at(-1)!.logprobs, undefined);
    assert.equal(r.text, tok.decode(answer));
  } finally {
    await m.backend.dispose();
  }
});
