/**
 * The remote backends' HTTP transport through a real HTTP proxy on 127.0.0.1 (CONNECT tunnels and
 * absolute-URI forwarding, started and stopped by the test): the editor's `http.proxy`, its
 * `http.noProxy`, and the environment's HTTP_PROXY when no proxy is set.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import { handleConnect, listenOnLoopback, openSockets } from '../helpers/loopbackServers';
import { HttpClient } from '../../../src/core/inference/remote/http';
import { bypassesProxy, createHttpTransport } from '../../../src/worker/httpTransport';

const sockets = openSockets;
const listen = listenOnLoopback;

// The server behind the proxy.
const target = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ object: 'list', data: [{ id: 'm', path: req.url, auth: req.headers.authorization ?? null }] }));
});
// A forward proxy: CONNECT host:port tunnels, `GET http://host:port/path` forwards; it logs what it saw.
const seen: string[] = [];
const proxy = createServer((req, res) => {
  seen.push(`${req.method} ${req.url}`);
  const url = new URL(req.url!);
  if (url.hostname !== '127.0.0.1') return void res.writeHead(403).end('loopback only');
  const out = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: req.method, headers: req.headers }, (r) => {
    res.writeHead(r.statusCode ?? 502, r.headers);
    r.pipe(res);
  });
  out.on('error', () => res.writeHead(502).end());
  req.pipe(out);
});
handleConnect(proxy, (target) => seen.push(`CONNECT ${target}`));
const ports = Promise.all([listen(target), listen(proxy)]);
// Self-stopping: nothing outlives the file even if a test hangs.
const stop = setTimeout(() => {
  for (const s of sockets) s.destroy();
  target.close();
  proxy.close();
}, 60_000);
stop.unref();
after(async () => {
  clearTimeout(stop);
  for (const s of sockets) s.destroy();
  await Promise.all([new Promise((r) => target.close(r)), new Promise((r) => proxy.close(r))]);
});

const models = async (transport: ReturnType<typeof createHttpTransport>, url: string) =>
  new HttpClient({ baseUrl: url, transport, apiKey: 'k-123', retries: 0, timeoutMs: 10_000 }).json<{ data: Array<{ path: string; auth: string }> }>('GET', '/v1/models', undefined);

test('http.proxy: requests to the server go through the proxy (and still reach it, with the key)', async () => {
  const [targetPort, proxyPort] = await ports;
  seen.length = 0;
  const r = await models(createHttpTransport({ url: `http://127.0.0.1:${proxyPort}`, strictSSL: true, noProxy: [] }), `http://127.0.0.1:${targetPort}`);
  assert.equal(r.data[0]!.path, '/v1/models');
  assert.equal(r.data[0]!.auth, 'Bearer k-123');
  assert.ok(seen.some((l) => l === `CONNECT 127.0.0.1:${targetPort}` || l === `GET http://127.0.0.1:${targetPort}/v1/models`), seen.join(', '));
});

test('http.noProxy: a listed host is reached directly', async () => {
  const [targetPort, proxyPort] = await ports;
  seen.length = 0;
  const r = await models(createHttpTransport({ url: `http://127.0.0.1:${proxyPort}`, strictSSL: true, noProxy: ['localhost', '127.0.0.1'] }), `http://127.0.0.1:${targetPort}`);
  assert.equal(r.data[0]!.path, '/v1/models');
  assert.deepEqual(seen, []);
});

test('no http.proxy: the environment\'s HTTP_PROXY applies; NO_PROXY exempts', async () => {
  const [targetPort, proxyPort] = await ports;
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY, http_proxy: process.env.http_proxy, no_proxy: process.env.no_proxy };
  try {
    for (const k of Object.keys(saved)) delete process.env[k];
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxyPort}`;
    seen.length = 0;
    await models(createHttpTransport({ url: '', strictSSL: true, noProxy: [] }), `http://127.0.0.1:${targetPort}`);
    assert.ok(seen.length > 0, 'went through the proxy from HTTP_PROXY');
    process.env.NO_PROXY = '127.0.0.1';
    seen.length = 0;
    await models(createHttpTransport(), `http://127.0.0.1:${targetPort}`);
    assert.deepEqual(seen, []);
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
});

test('a proxy that is down: one-line error naming the server, no key', async () => {
  const [targetPort] = await ports;
  const dead = createServer();
  const deadPort = await listen(dead);
  await new Promise((r) => dead.close(r));
  const error = await models(createHttpTransport({ url: `http://127.0.0.1:${deadPort}`, strictSSL: true, noProxy: [] }), `http://127.0.0.1:${targetPort}`).then(
    () => assert.fail('reached the server through a dead proxy'),
    (e: Error) => e,
  );
  assert.match(error.message, new RegExp(`^GET http://127\\.0\\.0\\.1:${targetPort}/v1/models failed: `));
  assert.doesNotMatch(error.message, /k-123/);
});

test('noProxy matching: exact hosts, domain suffixes, ports, *', () => {
  const u = (s: string) => new URL(s);
  assert.equal(bypassesProxy(u('http://gpu.corp.example:8000'), ['.corp.example']), true);
  assert.equal(bypassesProxy(u('http://gpu.corp.example:8000'), ['corp.example']), true);
  assert.equal(bypassesProxy(u('http://gpu.corp.example.evil:8000'), ['corp.example']), false);
  assert.equal(bypassesProxy(u('http://10.0.0.5:8000'), ['10.0.0.5:8000']), true);
  assert.equal(bypassesProxy(u('http://10.0.0.5:8001'), ['10.0.0.5:8000']), false);
  assert.equal(bypassesProxy(u('https://api.example.com'), ['*']), true);
  assert.equal(bypassesProxy(u('http://[::1]:8000'), ['::1']), true);
  assert.equal(bypassesProxy(u('https://api.example.com'), []), false);
});
