/**
 * `tokenwise serve`'s `POST /v1/chat/completions` with the shipped model (no chat template: the
 * plain transcript), and `tokenwise api-search --answer` end to end against it over HTTP — the
 * shipped 4M-parameter base model answers poorly and grounding rejects it, which is the point:
 * whatever it writes, nothing ungrounded comes back as a call. The accepted path of the CLI runs
 * against a loopback chat server with a prepared answer.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadBackend } from '../../../src/core/inference/factory';
import { startServer } from '../../../src/cli/serve/server';
import { renderChat } from '../../../src/cli/serve/chat';
import { runCli } from '../../../src/cli/dispatcher';
import { cliCommands } from '../../../src/cli/commands';
import { fixturesDir, modelFixturesDir, shippedModelDir } from '../helpers/paths';

const shop = join(fixturesDir, 'apiAnswer/shop');
const servedPromise = loadBackend({ backend: 'embedded', modelPath: shippedModelDir, executionProvider: 'cpu', threads: 1, kvCacheMB: 32 });
const serverPromise = servedPromise.then((m) => startServer(m, { port: 0 }));

after(async () => {
  await (await serverPromise).close();
  await (await servedPromise).backend.dispose();
});

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, cliCommands, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }, 'test');
  return { code, out: out.join(''), err: err.join('') };
}

const post = async (url: string, body: unknown) => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, text: await r.text() };
};

test('serve: chat completions as JSON and as SSE chunks give the same greedy answer', async () => {
  const { url } = await serverPromise;
  const messages = [
    { role: 'system', content: 'You write Python.' },
    { role: 'user', content: 'def add(a, b):' },
  ];
  const plain = await post(`${url}/v1/chat/completions`, { messages, max_tokens: 12, temperature: 0 });
  assert.equal(plain.status, 200, plain.text);
  const json = JSON.parse(plain.text);
  assert.equal(json.object, 'chat.completion');
  assert.equal(json.model, 'tokenwise-code-small');
  assert.equal(json.choices[0].message.role, 'assistant');
  assert.equal(typeof json.choices[0].message.content, 'string');
  assert.ok(['stop', 'length'].includes(json.choices[0].finish_reason));
  assert.equal(json.usage.total_tokens, json.usage.prompt_tokens + json.usage.completion_tokens);
  // The plain transcript the model saw: its prompt tokens are those of the rendered text.
  const tok = (await servedPromise).tokenizer;
  assert.equal(json.usage.prompt_tokens, tok.encodeText(renderChat(messages, { chatTemplate: undefined, bosToken: '', eosToken: '' }).prompt).length);

  const streamed = await post(`${url}/v1/chat/completions`, { messages, max_tokens: 12, temperature: 0, stream: true });
  const events = streamed.text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
  assert.equal(events.at(-1), '[DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
  assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
  assert.ok(chunks.at(-1).choices[0].finish_reason);
  assert.equal(chunks.map((c) => c.choices[0].delta.content ?? '').join(''), json.choices[0].message.content);
});

test('serve: bad chat requests get 400 with the reason; another model name is 404', async () => {
  const { url } = await serverPromise;
  const empty = await post(`${url}/v1/chat/completions`, { messages: [] });
  assert.equal(empty.status, 400);
  assert.match(JSON.parse(empty.text).error.message, /messages must be a non-empty list/);
  const role = await post(`${url}/v1/chat/completions`, { messages: [{ role: 'robot', content: 'x' }] });
  assert.match(JSON.parse(role.text).error.message, /messages\[0\]\.role must be/);
  const other = await post(`${url}/v1/chat/completions`, { model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] });
  assert.equal(other.status, 404);
});

test('a model chat template (Jinja) renders the messages with the generation prompt', () => {
  const chatml = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
  const r = renderChat([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], { chatTemplate: chatml, bosToken: '<s>', eosToken: '</s>' });
  assert.equal(r.template, 'model');
  assert.equal(r.prompt, '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  const plain = renderChat([{ role: 'user', content: 'Hi' }], { chatTemplate: '', bosToken: '', eosToken: '' });
  assert.equal(plain.prompt, 'User: Hi\n\nAssistant:');
});

test('api-search --answer against tokenwise serve (the shipped base model): the request runs end to end and its answer is grounded or rejected', async () => {
  const { url } = await serverPromise;
  const r = await cli('api-search', 'add units of an item to the stock', '--repo', shop, '--answer', '--backend', 'vllm', '--url', url, '--file', join(shop, 'store.py'), '--line', '7', '--col', '5', '--json');
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.results[0].name === 'add' || out.results.some((x: { name: string }) => x.name === 'restock'), true);
  assert.ok(['accepted', 'rejected'].includes(out.answer.status), JSON.stringify(out.answer));
  assert.equal(typeof out.answer.raw, 'string');
  if (out.answer.status === 'accepted') assert.ok(['restock', 'withdraw', 'report', 'reorder_threshold', 'Inventory'].includes(out.answer.api.name));
  else assert.doesNotMatch(out.answer.reason, /\n/);
  // llama.cpp's /props of tokenwise serve reports no chat template: auto says no, with the reason.
  const llama = await cli('api-search', 'add units', '--repo', shop, '--answer', '--backend', 'llamacpp', '--url', url, '--limit', '1');
  assert.equal(llama.code, 0, llama.err);
  assert.match(llama.out, /no call: the llama\.cpp model has no chat template \(\/props chat_template is empty\)/);
});

test('api-search --answer prints the grounded call (a loopback chat server with a prepared answer); usage errors are one line', async () => {
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/v1/completions' ? 400 : 200, { 'content-type': 'application/json' });
    if (req.url === '/v1/models') return void res.end(JSON.stringify({ data: [{ id: 'instruct' }] }));
    if (req.url === '/v1/completions') return void res.end(JSON.stringify({ error: { message: 'no echo' } }));
    res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: 'Here you go:\n```python\ninv.restock("apple", quantity=12)\n```' }, finish_reason: 'stop' }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const r = await cli('api-search', 'add units of an item to the stock', '--repo', shop, '--answer', '--backend', 'openai', '--url', url, '--instruct', 'on', '--file', join(shop, 'store.py'), '--line', '7', '--col', '5');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^call: inv\.restock\("apple", quantity=12\) {2}\(Inventory\.restock, grounded by receiver; \d+ ms\)$/m);
    const off = await cli('api-search', 'stock', '--repo', shop, '--answer', '--backend', 'openai', '--url', url, '--instruct', 'off', '--json');
    assert.deepEqual(JSON.parse(off.out).answer, { status: 'unavailable', reason: 'tokenwise.remote.instruct is off (--instruct off)' });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  const embedded = await cli('api-search', 'stock', '--repo', shop, '--answer');
  assert.equal(embedded.code, 2);
  assert.match(embedded.err, /--answer needs an instruction-tuned model on a server/);
  const line = await cli('api-search', 'stock', '--repo', shop, '--answer', '--backend', 'openai', '--url', 'http://127.0.0.1:9', '--file', join(shop, 'store.py'), '--line', '99');
  assert.match(line.err, /--line 99 is past the end of .*store\.py \(9 lines\)/);
});

test("serve /props reports the served model's chat template (llama.cpp's `auto` then sees an instruction model); empty without one", async () => {
  const chatml = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
  const dir = mkdtempSync(join(tmpdir(), 'tw-chat-model-'));
  cpSync(join(modelFixturesDir, 'tiny-llama-fp16'), dir, { recursive: true });
  const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8'));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ ...config, chat_template: chatml }));
  const model = await loadBackend({ backend: 'embedded', modelPath: dir, executionProvider: 'cpu', threads: 1, kvCacheMB: 8 });
  const server = await startServer(model, { port: 0 });
  try {
    const props = (await (await fetch(`${server.url}/props`)).json()) as { chat_template: string };
    assert.equal(props.chat_template, chatml);
    const plain = (await (await fetch(`${(await serverPromise).url}/props`)).json()) as { chat_template: string };
    assert.equal(plain.chat_template, '', 'the shipped model has no chat template');
  } finally {
    await server.close();
    await model.backend.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
