import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, type CliCommand } from '../../../src/cli/dispatcher';
import { TokenwiseError } from '../../../src/core/base/errors';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

const seen: unknown[] = [];
const echo: CliCommand = {
  name: 'echo',
  summary: 'Echo the arguments.',
  positionals: [{ name: 'file', description: 'a file', required: true }],
  options: {
    count: { type: 'number', description: 'a number' },
    mode: { type: 'string', description: 'a mode', choices: ['a', 'b'] },
  },
  async run(ctx) {
    seen.push(ctx.args);
    if (ctx.args.positionals[0] === 'bad') throw new TokenwiseError('input', 'bad input\nsecond line');
    ctx.io.stdout(ctx.json ? JSON.stringify(ctx.args) : 'plain');
  },
};

test('general help lists commands; no command is a usage error', async () => {
  const c = capture();
  assert.equal(await runCli(['--help'], [echo], c.io, '9.9.9'), 0);
  assert.match(c.out.join(''), /echo\s+Echo the arguments\./);
  const d = capture();
  assert.equal(await runCli([], [echo], d.io, '9.9.9'), 2);
});

test('command help shows options and the common --json', async () => {
  const c = capture();
  assert.equal(await runCli(['echo', '--help'], [echo], c.io, '1'), 0);
  const text = c.out.join('');
  assert.match(text, /Usage: tokenwise echo <file>/);
  assert.match(text, /--mode <a\|b>/);
  assert.match(text, /--json/);
  const h = capture();
  assert.equal(await runCli(['help', 'echo'], [echo], h.io, '1'), 0);
  assert.equal(h.out.join(''), text);
});

test('--version prints the version', async () => {
  const c = capture();
  assert.equal(await runCli(['--version'], [echo], c.io, '1.2.3'), 0);
  assert.equal(c.out.join(''), '1.2.3\n');
});

test('options are parsed and typed; --json reaches the command', async () => {
  const c = capture();
  assert.equal(await runCli(['echo', 'f.py', '--count', '3', '--mode=b', '--json'], [echo], c.io, '1'), 0);
  assert.deepEqual(JSON.parse(c.out.join('')), { positionals: ['f.py'], options: { count: 3, mode: 'b', json: true } });
});

for (const [argv, pattern] of [
  [['nope'], /unknown command 'nope'/],
  [['echo', 'f', '--what'], /Unknown option '--what'/],
  [['echo', 'f', '-x'], /Unknown option '-x'/],
  [['echo'], /needs <file>/],
  [['echo', 'f', 'g'], /Unexpected argument 'g'/],
  [['echo', 'f', '--count', 'many'], /needs a number/],
  [['echo', 'f', '--count'], /needs a value/],
  [['echo', 'f', '--mode', 'c'], /must be one of a, b/],
  [['echo', 'f', '--json=1'], /takes no value/],
] as const) {
  test(`usage error exits 2 with one line: ${argv.join(' ')}`, async () => {
    const c = capture();
    assert.equal(await runCli(argv, [echo], c.io, '1'), 2);
    const err = c.err.join('');
    assert.match(err, pattern);
    assert.equal(err.trim().split('\n').length, 1);
    assert.ok(err.startsWith('tokenwise: '));
    assert.equal(c.out.length, 0);
  });
}

test('input errors exit 1 with a one-line message', async () => {
  const c = capture();
  assert.equal(await runCli(['echo', 'bad'], [echo], c.io, '1'), 1);
  assert.equal(c.err.join(''), 'tokenwise: bad input second line\n');
});
