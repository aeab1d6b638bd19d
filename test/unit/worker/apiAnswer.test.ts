/**
 * `api.answer` in the worker: the handler table over the real ApiService (a `file:` workspace,
 * as the editor opens it), the model the worker holds — the embedded engine (no chat: the reason
 * says so) or an openai backend on a loopback chat server — and the grounded call as the quick
 * pick's first item receives it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SyntaxService } from '../../../src/core/syntax';
import { loadBackend, type LoadedModel } from '../../../src/core/inference/factory';
import { createApiHandlers } from '../../../src/worker/apiHandlers';
import { fixturesDir, shippedModelDir } from '../helpers/paths';

const shop = join(fixturesDir, 'apiAnswer/shop');
const root = pathToFileURL(shop).href;
const syntax = new SyntaxService();
let answer = '';
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(req.url === '/v1/completions' ? 400 : 200, { 'content-type': req.url === '/v1/chat/completions' ? 'text/event-stream' : 'application/json' });
    if (req.url === '/v1/models') return void res.end(JSON.stringify({ data: [{ id: 'instruct' }] }));
    if (req.url === '/v1/completions') return void res.end(JSON.stringify({ error: { message: 'no echo' } }));
    res.write(`data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: answer }, finish_reason: null }] })}\n\n`);
    res.end('data: [DONE]\n\n');
  });
});
const models: LoadedModel[] = [];
after(async () => {
  for (const m of models) await m.backend.dispose();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  syntax.dispose();
});

const store = () => {
  const text = readFileSync(join(shop, 'store.py'), 'utf8');
  return { uri: `${root}/store.py`, text, offset: text.indexOf('\n    return inv'), languageId: 'python', version: 1 };
};

test('with the embedded model, api.answer says why there is no call; the search still answers', async () => {
  const embedded = await loadBackend({ backend: 'embedded', modelPath: shippedModelDir, executionProvider: 'cpu', threads: 1, kvCacheMB: 0 });
  models.push(embedded);
  const { handlers } = createApiHandlers(() => syntax, () => {}, async () => embedded);
  const signal = new AbortController().signal;
  await handlers['api.open']({ root }, { signal });
  const r = await handlers['api.answer']({ query: 'add units of an item to the stock', ...store() }, { signal });
  assert.equal(r.status, 'unavailable');
  assert.match(r.status === 'unavailable' ? r.reason : '', /needs an instruction-tuned model on a server .* the embedded model is not one/);
  assert.ok((await handlers['api.search']({ query: 'add units of an item to the stock' }, { signal })).some((m) => m.name === 'restock'));
});

test('with an instruction-tuned server model, api.answer returns the grounded call and its API (file: URIs)', async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const remote = await loadBackend({ backend: 'openai', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, model: '', kvCacheMB: 0, instruct: 'on' }, { fetch: globalThis.fetch });
  models.push(remote);
  const logs: string[] = [];
  const { handlers } = createApiHandlers(() => syntax, (_l, m) => logs.push(m), async () => remote);
  const signal = new AbortController().signal;
  await handlers['api.open']({ root }, { signal });
  answer = '```python\ninv.restock("pear", quantity=4)\n```';
  const ok = await handlers['api.answer']({ query: 'add units of an item to the stock', ...store() }, { signal });
  assert.equal(ok.status, 'accepted', JSON.stringify(ok));
  if (ok.status !== 'accepted') return;
  assert.equal(ok.insertText, 'inv.restock("pear", quantity=4)');
  assert.equal(ok.api.uri, `${root}/inventory.py`);
  assert.equal(ok.api.container, 'Inventory');
  assert.equal(ok.api.signature, 'def restock(self, sku: str, quantity: int = 1) -> None');
  answer = '```python\ninv.clear_all()\n```';
  const no = await handlers['api.answer']({ query: 'add units of an item to the stock', ...store() }, { signal });
  assert.equal(no.status, 'rejected');
  assert.match(no.status === 'rejected' ? no.reason : '', /`inv` is an instance of Inventory, which has no member `clear_all`/);
  assert.ok(logs.some((l) => /Find API: the model's call was rejected/.test(l)));
});
