import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runCli } from '../../../src/cli/dispatcher';
import { entropyCommand } from '../../../src/cli/commands/entropy';
import { modelFixturesDir } from '../helpers/paths';

const fixture = join(modelFixturesDir, 'tiny-llama-nopos');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

test('tokenwise entropy --json: the documented shape, UTF-16 spans, bits per byte', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenwise-entropy-'));
  try {
    const text = 'def f(x):\n    return "né" + x  # 😀\n';
    const file = join(dir, 'a.py');
    writeFileSync(file, '\ufeff' + text);
    const c = capture();
    assert.equal(await runCli(['entropy', file, '--model', fixture, '--json', '--top', '2', '--provider', 'cpu'], [entropyCommand], c.io, '1'), 0, c.err.join(''));
    const doc = JSON.parse(c.out.join('')) as { model: string; provider: string; bitsPerByte: number; tokens: { id: number; start: number; end: number; logprob: number; entropy: number; rank: number; top: { id: number; text: string; logprob: number }[] }[] };
    assert.deepEqual(Object.keys(doc), ['model', 'provider', 'tokens', 'bitsPerByte']); // streamed: bitsPerByte last
    assert.equal(doc.model, fixture);
    assert.equal(doc.provider, 'cpu');
    assert.ok(doc.bitsPerByte > 0);
    assert.deepEqual(Object.keys(doc.tokens[0]!), ['id', 'start', 'end', 'logprob', 'entropy', 'rank', 'top']);
    assert.deepEqual(Object.keys(doc.tokens[0]!.top[0]!), ['id', 'text', 'logprob']);
    assert.equal(doc.tokens[0]!.start, 0); // the BOM is not part of the text
    assert.equal(doc.tokens.at(-1)!.end, text.length);
    for (const t of doc.tokens) assert.ok(t.top.length === 2 && t.rank >= 1 && t.logprob <= 0);
    const plain = capture();
    assert.equal(await runCli(['entropy', file, '--model', fixture, '--provider', 'cpu'], [entropyCommand], plain.io, '1'), 0);
    assert.match(plain.out.join(''), /bits per byte: \d+\.\d{3}/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tokenwise entropy: a bad model directory is a one-line error, exit 1', async () => {
  const c = capture();
  assert.equal(await runCli(['entropy', __filename, '--model', '/nonexistent/dir'], [entropyCommand], c.io, '1'), 1);
  assert.equal(c.err.join(''), 'tokenwise: Model directory /nonexistent/dir does not exist.\n');
});
