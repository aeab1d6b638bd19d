/**
 * CLI limits (issue 18 item 9): one test per point. Every refusal is one line on stderr, before
 * any model work, with the usage exit code 2 for bad options and 1 for bad inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli, type CliIO } from '../../../src/cli/dispatcher';
import { cliCommands } from '../../../src/cli/commands';
import { jsonChunkTokens } from '../../../src/cli/commands/tokens';
import { OnnxEngine } from '../../../src/core/inference/onnx/engine';
import { scoreText, scoreTextStream } from '../../../src/core/entropy/scoreText';
import type { TextScoreToken } from '../../../src/core/inference/types';
import { modelFixturesDir, repoRoot, shippedModelDir } from '../helpers/paths';

const tiny = join(modelFixturesDir, 'tiny-llama-gqa');
const dir = mkdtempSync(join(tmpdir(), 'tokenwise-limits-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const writes: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (t) => void writes.push(t), stderr: (t) => void err.push(t), drain: async () => {} };
  const code = await runCli(argv, cliCommands, io, 'test');
  return { code, out: writes.join(''), writes, err: err.join('') };
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const code = readFileSync(join(repoRoot, 'src/cli/dispatcher.ts'), 'utf8');

test('tokens --json is streamed in bounded chunks that concatenate to one JSON document', async () => {
  const text = code.repeat(Math.ceil((3 * jsonChunkTokens * 4) / code.length));
  const r = await cli('tokens', file('big.ts', text), '--json');
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as { count: number; tokens: Array<{ start: number; end: number }> };
  assert.ok(json.count > 2 * jsonChunkTokens, `${json.count} tokens`);
  assert.equal(json.tokens.length, json.count);
  assert.equal(json.tokens[json.count - 1]!.end, text.length);
  assert.ok(r.writes.length >= 3, `${r.writes.length} writes`);
  // no write holds more than one chunk of tokens (~60 bytes each)
  assert.ok(Math.max(...r.writes.map((w) => w.length)) < jsonChunkTokens * 200, 'a write is bounded');
});

test('entropy: a size limit with --max-bytes to lift it, progress on stderr, JSON streamed', async () => {
  const path = file('small.py', 'def add(a, b):\n    return a + b\n\n\nprint(add(1, 2))\n'.repeat(8));
  const refused = await cli('entropy', path, '--max-bytes', '100', '--model', tiny, '--provider', 'cpu');
  assert.equal(refused.code, 1);
  assert.match(refused.err, /^tokenwise: .*small\.py is too large \(\d+ bytes; limit 100 bytes\); pass --max-bytes <n> \(0 = no limit\) to score it anyway\.\n$/);
  const r = await cli('entropy', path, '--max-bytes', '0', '--model', tiny, '--provider', 'cpu', '--threads', '1', '--json');
  assert.equal(r.code, 0, r.err);
  const json = JSON.parse(r.out) as { tokens: TextScoreToken[]; bitsPerByte: number };
  assert.ok(json.tokens.length > 50 && json.bitsPerByte > 0);
  assert.match(r.err, new RegExp(`\\[entropy\\] ${json.tokens.length}/${json.tokens.length} tokens \\(100%\\)`));
});

test('entropy: scored a group of windows at a time (bounded memory), with the scores of one call', async () => {
  const engine = await OnnxEngine.load({ modelDir: tiny, provider: 'cpu', threads: 1, kvCacheMB: 0, maxContext: 32 });
  try {
    const text = code.slice(0, 3000);
    const whole = await scoreText(engine, text, { topK: 2 });
    const batches: number[] = [];
    const streamed: TextScoreToken[] = [];
    const result = await scoreTextStream(engine, text, { topK: 2, windowsPerCall: 2 }, (tokens) => {
      batches.push(tokens.length);
      streamed.push(...tokens);
    });
    assert.ok(batches.length > 5, `${batches.length} batches`);
    assert.ok(Math.max(...batches) <= 2 * 16 + 16, `batches of at most two windows: ${batches.join(',')}`);
    assert.equal(streamed.length, whole.tokens.length);
    streamed.forEach((t, i) => {
      const w = whole.tokens[i]!;
      assert.deepEqual([t.id, t.start, t.end, t.rank, t.top.map((x) => x.id)], [w.id, w.start, w.end, w.rank, w.top.map((x) => x.id)], `token ${i}`);
      assert.ok(Math.abs(t.logprob - w.logprob) < 1e-4, `token ${i}: ${t.logprob} vs ${w.logprob}`);
    });
    assert.ok(Math.abs(result.bitsPerByte - whole.bitsPerByte) < 1e-6);
  } finally {
    await engine.dispose();
  }
});

test('--threads above the core count is refused', async () => {
  const r = await cli('entropy', file('t.py', 'x = 1\n'), '--threads', '10000');
  assert.equal(r.code, 2);
  assert.equal(r.err, `tokenwise: Option '--threads' must be between 0 and ${availableParallelism()}; got '10000'.\n`);
  const b = await cli('bench', 'engine', '--threads', '10000');
  assert.equal(b.code, 2);
  assert.match(b.err, /--threads' must be between 1 and/);
});

test('eval --timeout at or above 2^31 ms, zero or negative is refused', async () => {
  for (const t of ['2147483648', '0', '-5', '1.5']) {
    const r = await cli('eval', 'fim', '--data', 'x.jsonl', '--timeout', t);
    assert.equal(r.code, 2, t);
    assert.match(r.err, /^tokenwise: Option '--timeout' (must be between 1 and 2147483647|needs a whole number)/, t);
  }
});

test('--limit -1 and --limit 0.5 are refused', async () => {
  const a = await cli('eval', 'fim', '--data', 'x.jsonl', '--limit', '-1');
  assert.equal(a.code, 2);
  assert.equal(a.err, "tokenwise: Option '--limit' must be at least 1; got '-1'.\n");
  const b = await cli('eval', 'fim', '--data', 'x.jsonl', '--limit', '0.5');
  assert.equal(b.code, 2);
  assert.equal(b.err, "tokenwise: Option '--limit' needs a whole number, got '0.5'.\n");
});

test('--max-tokens -1 is refused (complete and eval)', async () => {
  const a = await cli('complete', file('m.py', 'def f():\n'), '--max-tokens', '-1');
  assert.equal(a.code, 2);
  assert.match(a.err, /^tokenwise: Option '--max-tokens' must be between 1 and 1000000; got '-1'\.\n$/);
  const b = await cli('eval', 'fim', '--data', 'x.jsonl', '--max-tokens', '-1');
  assert.equal(b.code, 2);
});

test('eval --data: a non-gzip .gz and a truncated .gz are errors naming the file', async () => {
  const task = JSON.stringify({ task_id: 't', prompt: 'a', suffix: 'b', canonical_solution: 'c', test: 'd', entry_point: 'e' });
  const notGzip = file('plain.jsonl.gz', task + '\n');
  const a = await cli('eval', 'fim', '--data', notGzip);
  assert.equal(a.code, 1);
  assert.equal(a.err, `tokenwise: ${notGzip} is not a gzip file (no gzip header).\n`);
  const gz = gzipSync(Buffer.from((task + '\n').repeat(50)));
  const truncated = file('cut.jsonl.gz', gz.subarray(0, Math.floor(gz.length / 2)));
  const b = await cli('eval', 'fim', '--data', truncated);
  assert.equal(b.code, 1);
  assert.equal(b.err, `tokenwise: ${truncated} is not a valid gzip file: truncated (unexpected end of the compressed data).\n`);
});

test('eval --data with a directory says it is a directory', async () => {
  const folder = join(dir, 'data-folder');
  mkdirSync(folder);
  const r = await cli('eval', 'fim', '--data', folder);
  assert.equal(r.code, 1);
  assert.equal(r.err, `tokenwise: ${folder} is a directory, not a file.\n`);
});

test('--__proto__, --constructor and --toString are not options (looked up without the prototype)', async () => {
  for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
    const r = await cli('tokens', file('p.txt', 'x'), `--${name}`, 'x');
    assert.equal(r.code, 2, name);
    assert.equal(r.err, `tokenwise: Unknown option '--${name}' for 'tokens' (see 'tokenwise tokens --help').\n`);
  }
});

test('config.json with max_position_embeddings "abc" is a clear error', async () => {
  const model = join(dir, 'model-abc');
  cpSync(tiny, model, { recursive: true });
  const config = JSON.parse(readFileSync(join(model, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(model, 'config.json'), JSON.stringify({ ...config, max_position_embeddings: 'abc' }));
  const r = await cli('entropy', file('c.py', 'x = 1\n'), '--model', model, '--provider', 'cpu');
  assert.equal(r.code, 1);
  assert.equal(r.err, `tokenwise: ${join(model, 'config.json')}: "max_position_embeddings" must be a positive integer, got "abc".\n`);
});

/** A copy of a model whose tokenizer.json lacks its last `n` merged tokens. */
function withoutLastTokens(source: string, name: string, n: number): string {
  const model = join(dir, name);
  cpSync(source, model, { recursive: true });
  const json = JSON.parse(readFileSync(join(model, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number>; merges: string[] } };
  const byId = Object.entries(json.model.vocab).sort((a, b) => a[1] - b[1]);
  for (const [token] of byId.slice(byId.length - n)) delete json.model.vocab[token];
  json.model.merges = json.model.merges.slice(0, json.model.merges.length - n);
  writeFileSync(join(model, 'tokenizer.json'), JSON.stringify(json));
  return model;
}

test('a tokenizer with far fewer ids than the model is refused at load, not at generation', async () => {
  const model = withoutLastTokens(shippedModelDir, 'model-short-tokenizer', 300);
  const r = await cli('complete', file('g.py', 'def f(x):\n    return '), '--model', model, '--provider', 'cpu', '--max-tokens', '4');
  assert.equal(r.code, 1);
  assert.equal(r.err, "tokenwise: tokenizer.json does not match the model: it has tokens for 3796 of the model's 4096 ids (300 without a token; at most 128 would be vocabulary padding).\n");
});

test('ids of the model without a token (vocabulary padding) are never generated or ranked', async () => {
  const model = withoutLastTokens(tiny, 'model-padded', 3);
  const logs: string[] = [];
  const engine = await OnnxEngine.load({ modelDir: model, provider: 'cpu', threads: 1, kvCacheMB: 0, log: (_l, m) => logs.push(m) });
  try {
    assert.ok(logs.some((l) => l.startsWith("3 of the model's 320 ids have no token")), logs.join('\n'));
    const logprobs = await engine.nextLogprobs([100, 101, 102]);
    for (const id of [316, 317, 318]) assert.equal(logprobs[id], Number.NEGATIVE_INFINITY, `id ${id}`);
    assert.ok(Number.isFinite(logprobs[315]!));
    const scored = await engine.score([100, 101, 102, 103], { topK: 320 });
    for (const t of scored.tokens) {
      assert.ok(Number.isFinite(t.entropy), 'entropy stays finite');
      assert.ok(t.top.every((x) => x.id < 316 || x.id === 319 || x.logprob === Number.NEGATIVE_INFINITY));
    }
    const g = await engine.generate([100], { maxNewTokens: 40, stopTokens: [], sampling: { temperature: 5, seed: 1 } });
    assert.ok(g.tokens.every((id) => id < 316 || id > 318), g.tokens.join(','));
  } finally {
    await engine.dispose();
  }
});

test('complete --offset between the two halves of a surrogate pair is refused', async () => {
  const path = file('emoji.py', 's = "👩‍💻"\n');
  const inside = 's = "'.length + 1; // between \uD83D and \uDC69
  const r = await cli('complete', path, '--offset', String(inside));
  assert.equal(r.code, 2);
  assert.equal(r.err, `tokenwise: --offset ${inside} falls between the two halves of a surrogate pair (a character outside the BMP); use ${inside - 1} or ${inside + 1}.\n`);
});

test('bench entropy --file /usr/bin/ls refuses a binary', async () => {
  const r = await cli('bench', 'entropy', '--file', '/usr/bin/ls');
  assert.equal(r.code, 1);
  assert.match(r.err, /^tokenwise: \/usr\/bin\/ls looks like a binary file; Tokenwise works on text\.\n$/);
});
