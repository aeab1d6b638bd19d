/**
 * Special files as input files, tokenizers and model files (issue 18 item 7): /dev/zero and
 * /dev/urandom (stat size 0, endless reads) and a FIFO without a writer (a blocking open or read
 * would hang) are refused with one line before anything is read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/dispatcher';
import { cliCommands } from '../../../src/cli/commands';
import { readRegularFile } from '../../../src/core/base/files';
import { modelFixturesDir, repoRoot } from '../helpers/paths';

const sample = join(repoRoot, 'test/fixtures/tokenize/sample.txt');

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, cliCommands, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }, 'test');
  return { code, out: out.join(''), err: err.join('') };
}

const dir = mkdtempSync(join(tmpdir(), 'tokenwise-special-'));
const fifo = join(dir, 'pipe');
execFileSync('mkfifo', [fifo]);
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const specials: Array<[string, RegExp]> = [
  ['/dev/zero', /is a character device, not a regular file/],
  ['/dev/urandom', /is a character device, not a regular file/],
  [fifo, /is a FIFO \(named pipe\), not a regular file/],
];

for (const [path, kind] of specials) {
  test(`tokens ${path}: one-line refusal as input file and as tokenizer`, async () => {
    const input = await cli('tokens', path, '--json');
    assert.equal(input.code, 1);
    assert.equal(input.out, '');
    assert.match(input.err, new RegExp(`^tokenwise: ${path.replace(/[/.]/g, '\\$&')} ${kind.source}; Tokenwise reads only regular files\\.\\n$`));

    const tokenizer = await cli('tokens', sample, '--tokenizer', path);
    assert.equal(tokenizer.code, 1);
    assert.match(tokenizer.err, /^tokenwise: Tokenizer file .* not a regular file; Tokenwise reads only regular files\.\n$/);
    assert.match(tokenizer.err, kind);
  });
}

test('model files: tokenizer.json, config.json and onnx/model.onnx as special files are refused', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['tokenizer.json', '/dev/zero', /tokenizer\.json is a character device/],
    ['config.json', fifo, /config\.json is a FIFO/],
    ['tokenizer_config.json', '/dev/urandom', /tokenizer_config\.json is a character device/],
    ['onnx/model.onnx', '/dev/urandom', /model\.onnx is a character device/],
  ];
  for (const [file, target, expected] of cases) {
    const model = join(dir, `model-${file.replace(/\W/g, '_')}`);
    cpSync(join(modelFixturesDir, 'tiny-llama-gqa'), model, { recursive: true });
    rmSync(join(model, file));
    symlinkSync(target, join(model, file));
    const r = await cli('entropy', sample, '--model', model, '--provider', 'cpu', '--threads', '1');
    assert.equal(r.code, 1, `${file}: ${r.err}`);
    assert.match(r.err, expected);
    assert.match(r.err, /not a regular file/);
    assert.equal(r.err.split('\n').length, 2, r.err);
  }
});

test('readRegularFile: the size limit is checked on the open descriptor and the read is bounded', () => {
  assert.throws(() => readRegularFile(sample, { maxBytes: 10 }), /sample\.txt is too large \(.*; limit 10 bytes\)/);
  assert.equal(readRegularFile(sample, { maxBytes: 1 << 20 }).length > 10, true);
  assert.throws(() => readRegularFile(join(dir, 'missing'), { maxBytes: 10 }), /Cannot read .*missing: no such file\./);
  assert.throws(() => readRegularFile(dir, { maxBytes: 10 }), /is a directory, not a file\./);
});
