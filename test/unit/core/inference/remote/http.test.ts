/**
 * The HTTP layer of the remote backends against real loopback servers that misbehave: a server
 * that hangs, one that stalls mid-stream, malformed answers, cancellation that closes the
 * request, retries for idempotent calls only, the concurrency bound, no key in messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledError } from '../../../../../src/core/base/errors';
import { HttpClient } from '../../../../../src/core/inference/remote/http';
import { VllmServer } from '../../../../../src/core/inference/remote/vllm';
import { LlamaCppServer } from '../../../../../src/core/inference/remote/llamacpp';

async function withServer(handler: (req: IncomingMessage, res: ServerResponse) => void, run: (url: string, events: string[]) => Promise<void>): Promise<void> {
  const events: string[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((req, res) => {
    req.on('close', () => events.push(`close ${req.url}`));
    handler(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, events);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

const client = (url: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) => new HttpClient({ baseUrl: url, transport: globalThis.fetch, backoffMs: 5, ...extra });
const until = async (cond: () => boolean, ms = 2000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('a server that never answers: a one-line timeout, then the client still works (nothing held)', async () => {
  await withServer(
    (req, res) => {
      if (req.url === '/ok') res.end('{"fine":true}');
      // else: hang
    },
    async (url) => {
      const http = client(url, { timeoutMs: 200, maxConcurrent: 1 });
      const t0 = performance.now();
      await assert.rejects(http.json('GET', '/hang', undefined, { idempotent: true }), (e: Error) => /^GET http:\/\/127\.0\.0\.1:\d+\/hang timed out after 200 ms/.test(e.message) && !e.message.includes('\n'));
      assert.ok(performance.now() - t0 < 1500, 'timeouts are not retried');
      assert.equal(http.inFlight, 0);
      assert.deepEqual(await http.json('GET', '/ok', undefined), { fine: true });
    },
  );
});

test('a stream that stalls after its first event times out without losing what came', async () => {
  await withServer(
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
    },
    async (url) => {
      const http = client(url, { timeoutMs: 200 });
      const seen: unknown[] = [];
      await assert.rejects(http.stream('/s', {}, (e) => void seen.push(e)), /timed out: no data for 200 ms/);
      assert.deepEqual(seen, [{ n: 1 }]);
    },
  );
});

test('malformed answers are one-line errors naming the endpoint', async () => {
  await withServer(
    (req, res) => {
      if (req.url === '/v1/models') res.end('{"object":"list"}');
      else if (req.url === '/props') res.end('<html>not json</html>');
      else if (req.url === '/completion') {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          if (!body.includes('"stream":true')) return void res.end('{"content":"","completion_probabilities":[]}');
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end('data: {"content":"a","tokens":[1],"stop":false}\n\ndata: {oops\n\n');
        });
      } else res.end('{}');
    },
    async (url) => {
      await assert.rejects(new VllmServer(client(url), '').probe(), /GET \/v1\/models: malformed answer from the server \(no data list\)\.$/);
      await assert.rejects(new LlamaCppServer(client(url), '').probe(), /GET http:\/\/127\.0\.0\.1:\d+\/props: the server's answer is not JSON/);
      const llama = new LlamaCppServer(client(url), '');
      await assert.rejects(llama.generate({ ids: [1, 2], text: '' }, { maxNewTokens: 4, stopTokenIds: [], stopStrings: [] }), /malformed stream event/);
      await assert.rejects(llama.distributions([[1]], 8), /POST \/completion: malformed answer from the server \(no completion_probabilities/);
    },
  );
});

test('cancelling a stream aborts the HTTP request: the server sees the connection close', async () => {
  await withServer(
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write('data: {"content":"x","tokens":[5],"stop":false}\n\n'), 10);
      res.on('close', () => clearInterval(timer));
    },
    async (url, events) => {
      const llama = new LlamaCppServer(client(url), '');
      const controller = new AbortController();
      let got = 0;
      const run = llama.generate({ ids: [1], text: '' }, { maxNewTokens: 1000, stopTokenIds: [], stopStrings: [], signal: controller.signal, onTokens: () => void (++got === 3 && controller.abort()) });
      await assert.rejects(run, CancelledError);
      await until(() => events.includes('close /completion'));
    },
  );
});

test('a stop token closes the stream early (the server stops generating)', async () => {
  await withServer(
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const timer = setInterval(() => res.write(`data: {"content":"x","tokens":[${++i === 4 ? 99 : 5}],"stop":false}\n\n`), 5);
      res.on('close', () => clearInterval(timer));
    },
    async (url, events) => {
      const llama = new LlamaCppServer(client(url), '');
      const r = await llama.generate({ ids: [1], text: '' }, { maxNewTokens: 1000, stopTokenIds: [99], stopStrings: [] });
      assert.deepEqual(r.tokens, [5, 5, 5]);
      assert.equal(r.finishReason, 'stop');
      await until(() => events.includes('close /completion'));
    },
  );
});

test('idempotent calls are retried with backoff after 503; generation is never retried', async () => {
  let hits = 0;
  await withServer(
    (req, res) => {
      hits++;
      if (req.url === '/flaky' && hits < 3) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"Service is overloaded","type":"unavailable"}}');
        return;
      }
      if (req.url === '/flaky') return void res.end('{"ok":1}');
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"Service is overloaded"}}');
    },
    async (url) => {
      const http = client(url);
      assert.deepEqual(await http.json('POST', '/flaky', {}, { idempotent: true }), { ok: 1 });
      assert.equal(hits, 3);
      hits = 0;
      await assert.rejects(http.stream('/gen', { prompt: 'secret prompt text' }, () => {}), (e: Error) => e.message.endsWith('HTTP 503: Service is overloaded') && !e.message.includes('secret'));
      assert.equal(hits, 1);
    },
  );
});

test('at most maxConcurrent requests reach the server at once', async () => {
  let active = 0;
  let peak = 0;
  await withServer(
    (_req, res) => {
      active++;
      peak = Math.max(peak, active);
      setTimeout(() => {
        active--;
        res.end('{}');
      }, 30);
    },
    async (url) => {
      const http = client(url, { maxConcurrent: 2 });
      await Promise.all(Array.from({ length: 6 }, () => http.json('GET', '/x', undefined)));
      assert.equal(peak, 2);
    },
  );
});

test('the API key goes in the Authorization header and never into an error message', async () => {
  let auth = '';
  await withServer(
    (req, res) => {
      auth = String(req.headers.authorization);
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"bad request","code":400}}');
    },
    async (url) => {
      const http = client(url, { apiKey: 'sk-very-secret' });
      await assert.rejects(http.json('POST', '/v1/completions', { prompt: 'my code' }), (e: Error) => /HTTP 400: bad request$/.test(e.message) && !/sk-very-secret|my code/.test(e.message));
      assert.equal(auth, 'Bearer sk-very-secret');
    },
  );
  assert.throws(() => client('http://user:pw@127.0.0.1:1'), /not in the server URL/);
  assert.throws(() => client('ftp://127.0.0.1'), /must start with http/);
});
