/** Issue 17 item 10: CLI rough edges a new user hits (each case failed before its fix). */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/dispatcher';
import { cliCommands } from '../../../src/cli/commands';
import { dataDir } from '../../../src/tools/bench/fim';
import { benchCommand } from '../../../src/cli/commands/bench';

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, cliCommands, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }, 'test');
  return { code, out: out.join(''), err: err.join('') };
}

const dir = mkdtempSync(join(tmpdir(), 'tw-cli17-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'q.py');
writeFileSync(file, 'x = "a b"\n\tif x:\n        pass  \n');

test('tokens table: whitespace as the editor\'s glyphs, quotes and backslashes not escaped', async () => {
  const r = await cli('tokens', file);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.out, /\\"|\\n|\\t/, r.out);
  assert.match(r.out, /↵/);
  assert.match(r.out, /→/);
  assert.match(r.out, /·/);
  for (const line of r.out.split('\n').filter((l) => /^\s+\d+\s+\d+\s+\d+\.\.\d+/.test(l))) assert.ok(line.trim().split(/\s+/).length >= 4, `a token shown blank: ${JSON.stringify(line)}`);
});

test('tokens --tokenizer gpt2 (undocumented) is a usage error', async () => {
  const r = await cli('tokens', file, '--tokenizer', 'gpt2');
  assert.equal(r.code, 2);
  assert.match(r.err, /Unknown tokenizer 'gpt2'/);
});

test('entropy --top -1 is a usage error', async () => {
  const r = await cli('entropy', file, '--top', '-1');
  assert.equal(r.code, 2);
  assert.match(r.err, /--top/);
});

test('bench entropy --file /nonexistent says the file is missing', async () => {
  const r = await cli('bench', 'entropy', '--file', '/nonexistent');
  assert.equal(r.code, 1);
  assert.match(r.err, /--file \/nonexistent: no such file/);
});

test('bench fim --data-dir: a missing or empty folder fails and says where the data comes from', async () => {
  assert.throws(() => dataDir('/nonexistent'), /no such folder.*human-eval-infilling/);
  assert.throws(() => dataDir(dir), /has neither .*human-eval-infilling/);
  const r = await cli('bench', 'fim', '--data-dir', '/nonexistent');
  assert.equal(r.code, 1);
});

test('bench without a name runs all benchmarks (npm run bench)', () => {
  assert.equal(benchCommand.positionals[0]!.required, false);
});
