/**
 * `tokenwise.remote.instruct: auto` per server kind, over loopback HTTP: llama.cpp's `/props` and
 * Ollama's `/api/show` answer with the bodies recorded from their documentation
 * (test/fixtures/remote, sources named there) and with a base model's variant; vLLM / OpenAI
 * probe the chat endpoint itself. The answer is asked once and remembered.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpClient } from '../../../../../src/core/inference/remote/http';
import { RemoteChat } from '../../../../../src/core/inference/remote/chat';
import type { RemoteKind } from '../../../../../src/core/inference/remote/types';
import { fixturesDir } from '../../../helpers/paths';

/** The first recorded body of `route` that has `field`. */
const recorded = (server: string, route: string, field: string) =>
  (JSON.parse(readFileSync(join(fixturesDir, 'remote', `${server}.json`), 'utf8')) as { responses: Record<string, Array<{ body: Record<string, unknown> }>> }).responses[route]!.find((e) => typeof e.body[field] === 'string')!.body;

const servers: Server[] = [];
after(async () => {
  for (const s of servers) await new Promise<void>((resolve) => s.close(() => resolve()));
});

/** A server answering `routes` (path → [status, body]); returns the client and the paths asked. */
async function serve(routes: Record<string, [number, unknown]>): Promise<{ http: HttpClient; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    const [status, body] = routes[`${req.method} ${req.url}`] ?? [404, { error: { message: 'not found' } }];
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { http: new HttpClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, transport: globalThis.fetch, retries: 0 }), asked };
}

const chat = (kind: RemoteKind, http: HttpClient, setting: 'auto' | 'on' | 'off' = 'auto') => new RemoteChat(kind, http, 'm', setting);

test('llama.cpp: the documented /props (chat_template set) means chat; an empty chat_template means a base model', async () => {
  const props = recorded('llamacpp', 'GET /props', 'chat_template');
  assert.equal(typeof props.chat_template, 'string');
  const yes = await serve({ 'GET /props': [200, props] });
  const c = chat('llamacpp', yes.http);
  assert.deepEqual(await c.availability(), { available: true, reason: 'llama.cpp reports a chat template (/props chat_template)' });
  await c.availability();
  assert.deepEqual(yes.asked, ['GET /props'], 'asked once');
  const no = await serve({ 'GET /props': [200, { ...props, chat_template: '' }] });
  assert.equal((await chat('llamacpp', no.http).availability()).available, false);
});

test("Ollama: the documented /api/show template (with .System) means chat; a bare {{ .Prompt }} template does not", async () => {
  const show = recorded('ollama', 'POST /api/show', 'template');
  const yes = await serve({ 'POST /api/show': [200, show] });
  assert.equal((await chat('ollama', yes.http).availability()).available, true);
  const no = await serve({ 'POST /api/show': [200, { ...show, template: '{{ .Prompt }}' }] });
  const a = await chat('ollama', no.http).availability();
  assert.equal(a.available, false);
  assert.match(a.reason, /has no roles or system prompt/);
});

test('vLLM / OpenAI: a chat endpoint that answers means chat; on and off ask nothing', async () => {
  const answer = { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'OK' }, finish_reason: 'length' }] };
  const yes = await serve({ 'POST /v1/chat/completions': [200, answer] });
  assert.deepEqual(await chat('vllm', yes.http).availability(), { available: true, reason: '/v1/chat/completions answers' });
  const missing = await serve({});
  const a = await chat('openai', missing.http).availability();
  assert.equal(a.available, false);
  assert.match(a.reason, /POST \/v1\/chat\/completions answered HTTP 404/);
  const quiet = await serve({});
  assert.equal((await chat('vllm', quiet.http, 'on').availability()).available, true);
  assert.equal((await chat('vllm', quiet.http, 'off').availability()).available, false);
  assert.deepEqual(quiet.asked, []);
});
