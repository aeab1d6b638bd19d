/**
 * "Answer with a call" end to end over a real HTTP server on 127.0.0.1 that speaks the OpenAI
 * `/v1/chat/completions` API (non-streamed JSON and SSE `chat.completion.chunk` events, as the
 * OpenAI and vLLM documentation give them). No instruction-tuned model runs here, so the server
 * answers with prepared texts; the client side is the real one: `loadBackend` with the openai
 * backend, the real index and syntax service, the real grounding.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBackend, type LoadedModel } from '../../../../src/core/inference/factory';
import { SyntaxService } from '../../../../src/core/syntax';
import { buildIndex, type ProjectIndex, type SymbolRef } from '../../../../src/core/index';
import { ApiSearch } from '../../../../src/core/search/bm25';
import { answerWithCall, type ApiAnswer } from '../../../../src/core/completion/apiAnswer';
import { nodeWorkspaceFs } from '../../../../src/cli/workspaceFs';
import { fixturesDir } from '../../helpers/paths';

const shop = join(fixturesDir, 'apiAnswer/shop');
const syntax = new SyntaxService();

/** What the server does with the next chat request. */
type Reply = { answer: string } | { malformed: string } | { status: number; message: string } | { hang: true };
let reply: Reply = { answer: '' };
const requests: Array<Record<string, unknown>> = [];
const hanging: ServerResponse[] = [];

function chunk(res: ServerResponse, delta: Record<string, unknown>, finish: string | null) {
  res.write(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'instruct-test', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  if (req.method === 'GET' && req.url === '/v1/models') return json(200, { object: 'list', data: [{ id: 'instruct-test', object: 'model', owned_by: 'test' }] });
  if (req.url === '/v1/completions') return json(400, { error: { message: 'echo is not supported', type: 'invalid_request_error' } });
  if (req.url !== '/v1/chat/completions') return json(404, { error: { message: 'not found' } });
  requests.push(body);
  const r = reply;
  if ('hang' in r) return void hanging.push(res);
  if ('status' in r) return json(r.status, { error: { message: r.message, type: 'BadRequestError' } });
  if ('malformed' in r) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(r.malformed);
  }
  if (body.stream === true) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    chunk(res, { role: 'assistant', content: '' }, null);
    // Pieces cut mid-word, as a server streams tokens.
    for (let i = 0; i < r.answer.length; i += 5) chunk(res, { content: r.answer.slice(i, i + 5) }, null);
    chunk(res, {}, 'stop');
    return void res.end('data: [DONE]\n\n');
  }
  json(200, { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'instruct-test', choices: [{ index: 0, message: { role: 'assistant', content: r.answer }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
}

const server = createServer((req, res) => void handle(req, res));
let url = '';
let model: LoadedModel;
let index: ProjectIndex;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  model = await loadBackend({ backend: 'openai', url, model: '', kvCacheMB: 0, instruct: 'auto' }, { fetch: globalThis.fetch });
  index = (await buildIndex(nodeWorkspaceFs, shop, syntax)).index;
});

after(async () => {
  for (const res of hanging) res.destroy();
  await model?.backend.dispose();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  syntax.dispose();
});

const ref = (name: string, container = ''): SymbolRef => {
  const found = index.symbolsNamed(name).find((r) => r.symbol.container === container);
  assert.ok(found, `fixture symbol ${container}.${name}`);
  return found;
};

/** store.py with the cursor on the blank line of open_shop (after its indentation), or after `typed`. */
function storeDoc(typed = '') {
  const original = readFileSync(join(shop, 'store.py'), 'utf8');
  const at = original.indexOf('\n    return inv') ;
  const text = original.slice(0, at) + typed + original.slice(at);
  return { uri: join(shop, 'store.py'), text, offset: at + typed.length, languageId: 'python' };
}

async function ask(answer: string, retrieved: SymbolRef[], options: { stream?: boolean; typed?: string; timeoutMs?: number } = {}): Promise<ApiAnswer> {
  reply = { answer };
  return answerWithCall({ query: 'put more apples in stock', document: storeDoc(options.typed), retrieved }, { index, syntax, chat: model.chat! }, { ...(options.stream ? { stream: true } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) });
}

test('a grounded call is accepted, and the prompt lists the retrieved signatures, the names in scope and the cursor', async () => {
  const retrieved = [ref('restock', 'Inventory'), ref('reorder_threshold')];
  const r = await ask('```python\ninv.restock("apple", quantity=3)\n```', retrieved);
  assert.equal(r.status, 'accepted', JSON.stringify(r));
  assert.equal(r.status === 'accepted' && r.insertText, 'inv.restock("apple", quantity=3)');
  assert.equal(r.status === 'accepted' && r.api.symbol.name, 'restock');
  assert.equal(r.status === 'accepted' && r.by, 'receiver');
  const body = requests.at(-1)!;
  assert.equal(body.model, 'instruct-test');
  assert.equal(body.stream, false);
  const messages = body.messages as Array<{ role: string; content: string }>;
  assert.deepEqual(messages.map((m) => m.role), ['system', 'user']);
  const user = messages[1]!.content;
  assert.match(user, /Request: put more apples in stock/);
  assert.match(user, /def restock\(self, sku: str, quantity: int = 1\) -> None — method of class Inventory\. Add units of an item to the stock\./);
  assert.match(user, /def reorder_threshold\(daily_sales: float, lead_days: int\) -> float/);
  assert.doesNotMatch(user, /withdraw/, 'only the retrieved APIs are listed');
  assert.match(user, /Names in scope at the cursor: [^\n]*\binv \(local\)/);
  assert.match(user, /\bdaily \(/);
  assert.match(user, /The cursor is inside: def open_shop\(daily: float\) -> Inventory/);
  assert.match(user, /inv = Inventory\("front"\)\n {4}<CURSOR>\n {4}return inv/);
});

test('streamed answers (SSE chunks cut mid-word) are assembled and grounded the same way', async () => {
  const r = await ask('```python\ninv.restock("apple", 3)\n```', [ref('restock', 'Inventory')], { stream: true });
  assert.equal(requests.at(-1)!.stream, true);
  assert.equal(r.status, 'accepted', JSON.stringify(r));
  assert.equal(r.status === 'accepted' && r.insertText, 'inv.restock("apple", 3)');
});

test('a call to an API that was not retrieved is rejected with the reason', async () => {
  const r = await ask('```python\ninv.withdraw("apple", 1)\n```', [ref('restock', 'Inventory'), ref('reorder_threshold')]);
  assert.equal(r.status, 'rejected');
  assert.match(r.status === 'rejected' ? r.reason : '', /`inv\.withdraw` is Inventory\.withdraw \(inventory\.py:\d+\), which was not among the retrieved APIs/);
});

test('an unknown keyword argument is rejected', async () => {
  const r = await ask('inv.restock("apple", amount=3)', [ref('restock', 'Inventory')]);
  assert.equal(r.status, 'rejected');
  assert.match(r.status === 'rejected' ? r.reason : '', /`inv\.restock` has no parameter `amount` \(sku: str, quantity: int = 1\)/);
});

test('too many arguments, and a missing required one, are rejected; defaults and varargs are respected', async () => {
  const tooMany = await ask('reorder_threshold(daily, 7, 2)', [ref('reorder_threshold')]);
  assert.match(tooMany.status === 'rejected' ? tooMany.reason : '', /`reorder_threshold` takes at most 2 positional arguments .*; the answer passes 3/);
  const missing = await ask('inv.withdraw("apple")', [ref('withdraw', 'Inventory')]);
  assert.match(missing.status === 'rejected' ? missing.reason : '', /leaves out `quantity`/);
  const varargs = await ask('inv.report("apple", "pear", "fig", sort=True, width="10")', [ref('report', 'Inventory')]);
  assert.equal(varargs.status, 'accepted', JSON.stringify(varargs));
  const kwOnlyByPosition = await ask('inv.restock("apple")', [ref('restock', 'Inventory')]);
  assert.equal(kwOnlyByPosition.status, 'accepted', 'a parameter with a default may be left out');
});

test('prose around a code fence: the call inside the fence is taken', async () => {
  const r = await ask('Sure! To know when to order more, call:\n\n```python\nreorder_threshold(daily, 7)\n```\n\nIt multiplies the daily sales by the lead time.', [ref('reorder_threshold'), ref('restock', 'Inventory')]);
  assert.equal(r.status, 'accepted', JSON.stringify(r));
  assert.equal(r.status === 'accepted' && r.insertText, 'reorder_threshold(daily, 7)');
  assert.equal(r.status === 'accepted' && r.by, 'binding');
});

test('a receiver that is not a name in scope is rejected', async () => {
  const r = await ask('inventory.restock("apple", 2)', [ref('restock', 'Inventory')]);
  assert.equal(r.status, 'rejected');
  assert.match(r.status === 'rejected' ? r.reason : '', /`inventory` \(the receiver of `inventory\.restock`\) is not a name in scope here/);
});

test('an answer without a call is rejected; what the line already has is not inserted twice', async () => {
  const prose = await ask('I cannot help with that.', [ref('restock', 'Inventory')]);
  assert.equal(prose.status, 'rejected');
  assert.match(prose.status === 'rejected' ? prose.reason : '', /the answer has no python call expression \("I cannot help with that\."\)/);
  const typed = await ask('inv.restock("apple")', [ref('restock', 'Inventory')], { typed: 'inv.' });
  assert.equal(typed.status === 'accepted' && typed.insertText, 'restock("apple")');
});

test('malformed JSON from the server fails with one line, and the server error message is kept', async () => {
  reply = { malformed: '{"choices": [' };
  const r = await answerWithCall({ query: 'restock', document: storeDoc(), retrieved: [ref('restock', 'Inventory')] }, { index, syntax, chat: model.chat! });
  assert.equal(r.status, 'failed');
  assert.match(r.status === 'failed' ? r.reason : '', /POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: the server's answer is not JSON/);
  assert.doesNotMatch(r.status === 'failed' ? r.reason : '', /\n/);
  reply = { status: 400, message: 'maximum context length exceeded' };
  const refused = await answerWithCall({ query: 'restock', document: storeDoc(), retrieved: [ref('restock', 'Inventory')] }, { index, syntax, chat: model.chat! });
  assert.match(refused.status === 'failed' ? refused.reason : '', /HTTP 400: maximum context length exceeded/);
});

test('a server that hangs times out with one line', async () => {
  reply = { hang: true };
  const t0 = performance.now();
  const r = await answerWithCall({ query: 'restock', document: storeDoc(), retrieved: [ref('restock', 'Inventory')] }, { index, syntax, chat: model.chat! }, { timeoutMs: 400 });
  assert.equal(r.status, 'failed');
  assert.match(r.status === 'failed' ? r.reason : '', /^POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions timed out after 400 ms/);
  assert.ok(performance.now() - t0 < 5000);
});

test('cancelling the request (the quick pick closed) aborts it', async () => {
  reply = { hang: true };
  const controller = new AbortController();
  const pending = answerWithCall({ query: 'restock', document: storeDoc(), retrieved: [ref('restock', 'Inventory')] }, { index, syntax, chat: model.chat! }, { signal: controller.signal });
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(pending, (e: Error) => e.name === 'CancelledError' || /cancel/i.test(e.message));
});

test('TypeScript: receiver from `new Cart()`, optional and rest parameters, unknown members', async () => {
  const text = readFileSync(join(shop, 'checkout.ts'), 'utf8');
  const offset = text.indexOf('\n  return 0');
  const document = { uri: join(shop, 'checkout.ts'), text, offset, languageId: 'typescript' };
  const retrieved = new ApiSearch(index).search('total price of the cart with a discount', { limit: 5 }).map((h) => h.ref);
  assert.ok(retrieved.some((r) => r.symbol.name === 'total'), 'BM25 retrieves Cart.total');
  const run = async (answer: string) => {
    reply = { answer };
    return answerWithCall({ query: 'total price with discount', document, retrieved }, { index, syntax, chat: model.chat! });
  };
  const ok = await run('```ts\ncart.total(prices, 0.1, 2, 3);\n```');
  assert.equal(ok.status, 'accepted', JSON.stringify(ok));
  assert.equal(ok.status === 'accepted' && ok.insertText, 'cart.total(prices, 0.1, 2, 3)');
  const missing = await run('cart.total()');
  assert.match(missing.status === 'rejected' ? missing.reason : '', /leaves out `prices`/);
  const unknown = await run('cart.clear()');
  assert.match(unknown.status === 'rejected' ? unknown.reason : '', /`cart` is an instance of Cart, which has no member `clear`/);
});

test('instruct auto: a server whose chat endpoint refuses is not used, with the reason; off gives no chat at all', async () => {
  const refusing = createServer((req, res) => {
    res.writeHead(req.url === '/v1/models' ? 200 : 400, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url === '/v1/models' ? { data: [{ id: 'base-model' }] } : { error: { message: 'As of transformers v4.44, default chat template is no longer allowed, so you must provide a chat template if the tokenizer does not define one.' } }));
  });
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`;
  try {
    const m = await loadBackend({ backend: 'openai', url: base, model: '', kvCacheMB: 0 }, { fetch: globalThis.fetch });
    const a = await m.chat!.availability();
    assert.equal(a.available, false);
    assert.match(a.reason, /POST \/v1\/chat\/completions answered HTTP 400: As of transformers v4\.44/);
    const r = await answerWithCall({ query: 'restock', document: storeDoc(), retrieved: [ref('restock', 'Inventory')] }, { index, syntax, chat: m.chat! });
    assert.deepEqual(r, { status: 'unavailable', reason: a.reason });
    await m.backend.dispose();
    const off = await loadBackend({ backend: 'openai', url: base, model: '', kvCacheMB: 0, instruct: 'off' }, { fetch: globalThis.fetch });
    assert.equal(off.chat, undefined);
    await off.backend.dispose();
  } finally {
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
  }
});

test("a small model context shrinks the prompt (code window first) to fit with the answer", async () => {
  const retrieved = [ref('restock', 'Inventory'), ref('withdraw', 'Inventory'), ref('report', 'Inventory'), ref('reorder_threshold')];
  reply = { answer: 'inv.restock("apple")' };
  const full = await answerWithCall({ query: 'restock', document: storeDoc(), retrieved }, { index, syntax, chat: model.chat! });
  assert.equal(full.status, 'accepted');
  const fullChars = (requests.at(-1)!.messages as Array<{ content: string }>).reduce((n, m) => n + m.content.length, 0);
  const small = await answerWithCall({ query: 'restock', document: storeDoc(), retrieved }, { index, syntax, chat: model.chat! }, { contextTokens: 600, maxTokens: 100 });
  assert.equal(small.status, 'accepted');
  const messages = requests.at(-1)!.messages as Array<{ content: string }>;
  const chars = messages.reduce((n, m) => n + m.content.length, 0);
  assert.ok(chars < fullChars, `${chars} < ${fullChars}`);
  assert.ok(Math.ceil(chars / 3) + 100 <= 600, `${chars} characters fit 500 tokens`);
  assert.match(messages[1]!.content, /<CURSOR>/);
  assert.match(messages[1]!.content, /def restock/);
});
