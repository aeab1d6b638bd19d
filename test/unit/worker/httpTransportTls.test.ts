/**
 * TLS of the remote backends, end to end through the real vLLM client (`loadBackend`, as the worker
 * calls it) and the real transport, against real servers on 127.0.0.1 started by this file: an
 * `https` server with a self-signed certificate answering as vLLM does, an HTTP CONNECT proxy,
 * a server that accepts TCP and never answers the TLS handshake, and a plain HTTP server.
 *
 * The certificate is made here with the `openssl` CLI (in .ci/run's packages): a fresh key per run,
 * no private key committed, nothing to expire in the repository.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { handleConnect, listenOnLoopback, openSockets } from '../helpers/loopbackServers';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as tls from 'node:tls';
import { join } from 'node:path';
import { loadBackend, type ProxySettings, type RemoteBackendSettings } from '../../../src/core/inference/factory';
import { connectTimeoutMs, createHttpTransport, systemBundlePaths, trustedCertificates } from '../../../src/worker/httpTransport';
import { repoRoot } from '../helpers/paths';

const apiKey = 'sk-tls-test-secret';
const dir = mkdtempSync(join(tmpdir(), 'tokenwise-tls-'));
/** A self-signed certificate that may also act as its own CA (so trusting it is enough), for the names in `altNames`. */
function selfSigned(name: string, altNames: string): { certFile: string; keyFile: string } {
  const files = { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', files.keyFile, '-out', files.certFile, '-days', '2',
    '-subj', `/CN=Tokenwise TLS test ${name}`, '-addext', `subjectAltName=${altNames}`, '-addext', 'basicConstraints=critical,CA:TRUE'], { stdio: 'pipe' });
  return files;
}
const { certFile, keyFile } = selfSigned('loopback', 'IP:127.0.0.1,DNS:localhost');
/** Trusted too, but names another host: verification still checks the name. */
const otherName = selfSigned('other-name', 'DNS:other.example');
/** This machine's CA bundle (.ci/run installs ca-certificates), and a copy with our certificate added as an administrator would. */
const systemBundle = systemBundlePaths.find((p) => existsSync(p));
if (!systemBundle) throw new Error(`no system CA bundle on this machine (looked for ${systemBundlePaths.join(', ')})`);
const bundleFile = join(dir, 'ca-certificates.crt');
writeFileSync(bundleFile, [systemBundle, certFile, otherName.certFile].map((f) => readFileSync(f, 'utf8')).join('\n'));

/** What the loopback server serves, in vLLM's shapes (docs/serving/openai_compatible_server.md; token ids as `token_id:N`). */
const servedModel = 'tls-test/model';
const streamedChunks = [{ text: ' return', id: 470 }, { text: ' x', id: 856 }];
const streamedText = streamedChunks.map((c) => c.text).join('');
function vllmAnswer(route: string, body: Record<string, unknown>): { status: number; type: string; body: string } {
  const json = (value: unknown, status = 200) => ({ status, type: 'application/json', body: JSON.stringify(value) });
  if (route === 'GET /v1/models') return json({ object: 'list', data: [{ id: servedModel, object: 'model', owned_by: 'vllm', max_model_len: 4096 }] });
  if (route === 'POST /tokenize') return json({ count: 3, max_model_len: 4096, tokens: [750, 2060, 5331], token_strs: ['def', '\u0120probe', '('] });
  if (route !== 'POST /v1/completions') return json({ error: { message: `no route ${route}` } }, 404);
  if (body.stream !== true) return json({ id: 'cmpl-1', object: 'text_completion', model: servedModel, choices: [{ index: 0, text: '(', logprobs: null, finish_reason: 'length' }] });
  const events = streamedChunks.map((c, i) => ({
    id: 'cmpl-2',
    object: 'text_completion',
    model: servedModel,
    choices: [{ index: 0, text: c.text, logprobs: { text_offset: [0], token_logprobs: [-0.1], tokens: [`token_id:${c.id}`], top_logprobs: [{ [`token_id:${c.id}`]: -0.1 }] }, finish_reason: i === streamedChunks.length - 1 ? 'length' : null }],
  }));
  return { status: 200, type: 'text/event-stream', body: `${events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('')}data: [DONE]\n\n` };
}

const sockets = openSockets;
const listen = listenOnLoopback;
async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const c of req) text += c;
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Requests the https server answered (an HTTP request only exists after a completed handshake). */
const served: string[] = [];
const httpsServer = createHttpsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
  void readBody(req).then((body) => {
    const route = `${req.method} ${req.url}`;
    served.push(route);
    const answer = vllmAnswer(route, body);
    res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
  });
});
/** A CONNECT proxy (loopback targets only) that logs the tunnels it opened. */
const tunnels: string[] = [];
const proxy = createHttpServer((_req, res) => res.writeHead(405).end('CONNECT only'));
handleConnect(proxy, (target) => tunnels.push(target));
/** Accepts TCP, reads the ClientHello, never answers. */
const hangingFirstBytes: number[] = [];
const hanging = createTcpServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.once('data', (d: Buffer) => hangingFirstBytes.push(d[0]!));
});
const plainHttp = createHttpServer((_req, res) => res.end('plain'));

/** TCP connections the https server accepted (each one a handshake attempt). */
let httpsConnections = 0;
httpsServer.on('connection', () => httpsConnections++);

let port = { https: 0, proxy: 0, hanging: 0, plain: 0 };
const savedEnv: Record<string, string | undefined> = {};
const environmentVariables = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'NODE_EXTRA_CA_CERTS'];
before(async () => {
  // The machine's own proxy and trust variables would change what these tests see.
  for (const k of environmentVariables) (savedEnv[k] = process.env[k]), delete process.env[k];
  const [h, p, g] = await Promise.all([listen(httpsServer), listen(proxy), listen(hanging as unknown as Server), listen(plainHttp)]);
  port = { https: h, proxy: p, hanging: g, plain: (plainHttp.address() as AddressInfo).port };
});
// Self-stopping: nothing outlives the file even if a test hangs.
const stop = setTimeout(() => closeAll(), 90_000);
stop.unref();
function closeAll() {
  for (const s of sockets) s.destroy();
  for (const s of [httpsServer, proxy, hanging, plainHttp]) s.close();
}
after(() => {
  clearTimeout(stop);
  closeAll();
  for (const [k, v] of Object.entries(savedEnv)) if (v !== undefined) process.env[k] = v;
  rmSync(dir, { recursive: true, force: true });
});

const direct: ProxySettings = { url: '', strictSSL: true, noProxy: [] };
const settings = (url: string, proxySettings: ProxySettings): RemoteBackendSettings => ({ backend: 'vllm', url, model: '', kvCacheMB: 16, apiKey, proxy: proxySettings });
/** The worker's load path: the editor's proxy settings → the transport → the vLLM client's probe; then one streamed completion. */
async function loadAndComplete(url: string, proxySettings: ProxySettings): Promise<{ model: string; text: string }> {
  const loaded = await loadBackend(settings(url, proxySettings), { fetch: createHttpTransport(proxySettings) });
  try {
    const { text } = await loaded.backend.generateText!('def f(x):\n   ', { maxNewTokens: 16, stopStrings: [] });
    return { model: (await loaded.backend.info()).name, text };
  } finally {
    await loaded.backend.dispose();
  }
}
const failure = (url: string, proxySettings: ProxySettings) =>
  loadBackend(settings(url, proxySettings), { fetch: createHttpTransport(proxySettings) }).then(
    () => assert.fail(`${url} was accepted`),
    (e: Error) => e.message,
  );
const withEnv = async <T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> => {
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(vars)) delete process.env[k];
  }
};
const oneLine = (message: string) => assert.doesNotMatch(message, /\n/, message);
const noSecrets = (message: string) => (assert.doesNotMatch(message, new RegExp(apiKey)), assert.doesNotMatch(message, /def f\(x\)|probe/));

test('default settings refuse a self-signed server: one line naming TLS, the host and the problem; no request was sent', async () => {
  served.length = 0;
  httpsConnections = 0;
  const message = await failure(`https://127.0.0.1:${port.https}`, direct);
  oneLine(message);
  noSecrets(message);
  assert.match(message, new RegExp(`^GET https://127\\.0\\.0\\.1:${port.https}/v1/models failed: TLS: the certificate of 127\\.0\\.0\\.1:${port.https} is not trusted: self-signed certificate \\(DEPTH_ZERO_SELF_SIGNED_CERT\\); .*http\\.proxyStrictSSL`));
  assert.deepEqual(served, [], 'no HTTP request (and so no key) crossed an unverified connection');
  assert.equal(httpsConnections, 1, 'the idempotent probe is not retried after a certificate failure (it would fail the same way)');
});

test('http.proxyStrictSSL: false accepts the self-signed server: probe and a streamed completion', async () => {
  const r = await loadAndComplete(`https://127.0.0.1:${port.https}`, { ...direct, strictSSL: false });
  assert.match(r.model, new RegExp(servedModel.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  assert.equal(r.text, streamedText);
});

test('the certificate in the system bundle (SSL_CERT_FILE) is trusted with verification on; not with http.systemCertificates: false', async () => {
  const trusted = trustedCertificates({ SSL_CERT_FILE: bundleFile });
  assert.ok(trusted.sources.some((s) => s.startsWith(bundleFile)), trusted.sources.join(', '));
  assert.ok(trusted.pems.some((p) => p.replace(/\s+/g, '') === readFileSync(certFile, 'utf8').trim().replace(/\s+/g, '')));
  const r = await withEnv({ SSL_CERT_FILE: bundleFile }, () => loadAndComplete(`https://127.0.0.1:${port.https}`, direct));
  assert.equal(r.text, streamedText);
  // http.systemCertificates: false leaves the system's bundle out (NODE_EXTRA_CA_CERTS stays: it is Node's own).
  const withoutSystem = await withEnv({ SSL_CERT_FILE: bundleFile }, () => failure(`https://127.0.0.1:${port.https}`, { ...direct, systemCertificates: false }));
  assert.match(withoutSystem, /is not trusted: self-signed certificate/);
  assert.ok(!trustedCertificates({ SSL_CERT_FILE: bundleFile }, false).sources.some((s) => s.startsWith(bundleFile)));
  const extraOnly = await withEnv({ SSL_CERT_FILE: bundleFile, NODE_EXTRA_CA_CERTS: certFile }, () => loadAndComplete(`https://127.0.0.1:${port.https}`, { ...direct, systemCertificates: false }));
  assert.equal(extraOnly.text, streamedText);
  // Verification is still on: a trusted certificate for another name is refused.
  const wrongName = await withEnv({ SSL_CERT_FILE: bundleFile }, async () => {
    const other = createHttpsServer({ key: readFileSync(otherName.keyFile), cert: readFileSync(otherName.certFile) }, (_q, s) => s.end('{}'));
    const p = await listen(other);
    try {
      return await failure(`https://127.0.0.1:${p}`, direct);
    } finally {
      other.close();
    }
  });
  oneLine(wrongName);
  assert.match(wrongName, /TLS: the certificate of 127\.0\.0\.1:\d+ is for another host: .*\(ERR_TLS_CERT_ALTNAME_INVALID\); use a URL with a name the certificate lists/);
});

test('the system bundle is read by default (the distribution file, not only Node\'s list); unreadable sources are named', () => {
  const trusted = trustedCertificates({});
  assert.match(trusted.sources[0]!, /^Node's bundled list \(\d+\)$/);
  assert.ok(trusted.sources.some((s) => s.startsWith(`${systemBundle} (`)), trusted.sources.join(", "));
  assert.ok(trusted.pems.length >= tls.rootCertificates.length);
  const missing = trustedCertificates({ SSL_CERT_FILE: join(dir, 'missing.pem'), NODE_EXTRA_CA_CERTS: join(dir, 'missing-extra.pem') });
  assert.deepEqual(missing.unreadable, [`SSL_CERT_FILE ${join(dir, 'missing.pem')}: ENOENT`, `NODE_EXTRA_CA_CERTS ${join(dir, 'missing-extra.pem')}: ENOENT`]);
});

test('NODE_EXTRA_CA_CERTS set when the process starts is still trusted (an explicit CA list would drop it)', async () => {
  const script = `(async () => {
    const { loadBackend } = require(${JSON.stringify(join(repoRoot, 'src/core/inference/factory.ts'))});
    const { createHttpTransport } = require(${JSON.stringify(join(repoRoot, 'src/worker/httpTransport.ts'))});
    const proxy = { url: '', strictSSL: true, noProxy: [] };
    const m = await loadBackend({ backend: 'vllm', url: process.argv[1], model: '', kvCacheMB: 16, proxy }, { fetch: createHttpTransport(proxy) });
    process.stdout.write((await m.backend.info()).name);
    await m.backend.dispose();
  })().catch((e) => { console.error(e.message); process.exitCode = 1; });`;
  const run = (env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '-e', script, `https://127.0.0.1:${port.https}`], { cwd: repoRoot, env, timeout: 60_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !environmentVariables.includes(k)));
  const [trusting, plain] = await Promise.all([run({ ...childEnv, NODE_EXTRA_CA_CERTS: certFile }), run(childEnv)]);
  assert.equal(trusting.code, 0, trusting.stderr);
  assert.ok(trusting.stdout.includes(servedModel), trusting.stdout);
  assert.notEqual(plain.code, 0, 'without NODE_EXTRA_CA_CERTS the server is refused');
  assert.match(plain.stderr, /DEPTH_ZERO_SELF_SIGNED_CERT/);
});

test('http.proxy: TLS to the server runs through a CONNECT tunnel, verified; http.noProxy reaches it directly', async () => {
  const viaProxy: ProxySettings = { url: `http://127.0.0.1:${port.proxy}`, strictSSL: true, noProxy: [] };
  tunnels.length = 0;
  const refused = await failure(`https://127.0.0.1:${port.https}`, viaProxy);
  oneLine(refused);
  noSecrets(refused);
  assert.match(refused, new RegExp(`TLS: the certificate of 127\\.0\\.0\\.1:${port.https} \\(through the proxy 127\\.0\\.0\\.1:${port.proxy}\\) is not trusted: self-signed certificate`));
  assert.ok(tunnels.includes(`127.0.0.1:${port.https}`), `the proxy opened a tunnel: ${tunnels.join(', ')}`);

  tunnels.length = 0;
  const tunnelled = await withEnv({ SSL_CERT_FILE: bundleFile }, () => loadAndComplete(`https://127.0.0.1:${port.https}`, viaProxy));
  assert.equal(tunnelled.text, streamedText);
  assert.ok(tunnels.length > 0 && tunnels.every((t) => t === `127.0.0.1:${port.https}`), tunnels.join(', '));

  tunnels.length = 0;
  const insecure = await loadAndComplete(`https://127.0.0.1:${port.https}`, { ...viaProxy, strictSSL: false });
  assert.equal(insecure.text, streamedText);
  assert.ok(tunnels.length > 0);

  tunnels.length = 0;
  const bypassed = await withEnv({ SSL_CERT_FILE: bundleFile }, () => loadAndComplete(`https://127.0.0.1:${port.https}`, { ...viaProxy, noProxy: ['127.0.0.1'] }));
  assert.equal(bypassed.text, streamedText);
  assert.deepEqual(tunnels, [], 'noProxy: no tunnel');
});

test('HTTPS_PROXY from the environment carries the TLS settings too', async () => {
  tunnels.length = 0;
  const r = await withEnv({ HTTPS_PROXY: `http://127.0.0.1:${port.proxy}` }, () => loadAndComplete(`https://127.0.0.1:${port.https}`, { ...direct, strictSSL: false }));
  assert.equal(r.text, streamedText);
  assert.ok(tunnels.includes(`127.0.0.1:${port.https}`), tunnels.join(', '));
});

test('a server that never answers the TLS handshake times out with one line, once (not retried)', async () => {
  hangingFirstBytes.length = 0;
  const started = performance.now();
  const message = await failure(`https://127.0.0.1:${port.hanging}`, direct);
  const elapsed = performance.now() - started;
  oneLine(message);
  noSecrets(message);
  assert.match(message, new RegExp(`connecting to 127\\.0\\.0\\.1:${port.hanging} timed out after ${connectTimeoutMs} ms \\(no TCP connection or no TLS handshake\\)`));
  assert.deepEqual(hangingFirstBytes, [0x16], 'one connection, and it sent a TLS handshake record (a ClientHello)');
  assert.ok(elapsed >= connectTimeoutMs - 100, `gave up after ${Math.round(elapsed)} ms`);
});

test('https:// to a plain HTTP server: one line that says so', async () => {
  const message = await failure(`https://127.0.0.1:${port.plain}`, direct);
  oneLine(message);
  assert.match(message, new RegExp(`TLS handshake with 127\\.0\\.0\\.1:${port.plain} failed: wrong version number \\(the server may speak plain HTTP: try http://\\)\\.$`));
});

test('an http.proxy that is not a URL: one line naming the setting, not its value', async () => {
  const message = await failure(`https://127.0.0.1:${port.https}`, { url: 'user:hunter2@proxy:3128', strictSSL: true, noProxy: [] });
  oneLine(message);
  assert.match(message, /^http\.proxy is not a proxy URL \(expected e\.g\. http:\/\/proxy\.example:3128\)\.$/);
});
