import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { editSimilarity, exactMatch, executeInfilling, loadInfillingTasks, type InfillingTask } from '../../../../src/tools/eval/humanEvalInfilling';
import { percentile } from '../../../../src/core/base/numbers';
import { tempDir } from '../../helpers/tempDir';

const task: InfillingTask = {
  task_id: 'Toy/0',
  prompt: 'def add(a, b):\n    return ',
  suffix: '\n',
  canonical_solution: 'a + b',
  test: 'def check(f):\n    assert f(2, 3) == 5\n',
  entry_point: 'add',
};

test('the canonical middle passes and a wrong middle fails, with a one-line reason', async () => {
  assert.deepEqual(await executeInfilling(task, 'a + b'), { passed: true, reason: '' });
  const wrong = await executeInfilling(task, 'a - b');
  assert.equal(wrong.passed, false);
  assert.match(wrong.reason, /AssertionError/);
});

test('an endless middle is killed at the timeout', async () => {
  const r = await executeInfilling({ ...task, prompt: 'def add(a, b):\n    while True: pass\n    return ' }, 'a + b', 1500);
  assert.deepEqual(r, { passed: false, reason: 'timeout after 1500 ms' });
});

test('programs cannot write outside their sandbox or reach the network (sandbox.test.ts tries every escape)', async (t) => {
  const target = join(tempDir(t, 'tw-outside-'), 'escape.txt');
  const escape = await executeInfilling({ ...task, prompt: `def add(a, b):\n    open(${JSON.stringify(target)}, 'w').write('x')\n    return ` }, 'a + b');
  assert.equal(escape.passed, false); // its /tmp is a private tmpfs, without the host's folders
  assert.match(escape.reason, /FileNotFoundError/);
  assert.equal(existsSync(target), false);
  const etc = await executeInfilling({ ...task, prompt: "def add(a, b):\n    open('/etc/escape.txt', 'w').write('x')\n    return " }, 'a + b');
  assert.equal(etc.passed, false);
  assert.match(etc.reason, /Read-only file system|FileNotFoundError/);
  const net = await executeInfilling({ ...task, prompt: "def add(a, b):\n    import socket; socket.create_connection(('127.0.0.1', 9), timeout=1)\n    return " }, 'a + b');
  assert.equal(net.passed, false);
});

test('tasks load from .jsonl and .jsonl.gz; malformed lines are reported by line', (t) => {
  const dir = tempDir(t, 'tw-tasks-');
  const line = JSON.stringify(task);
  writeFileSync(join(dir, 'a.jsonl'), `${line}\n${line}\n`);
  writeFileSync(join(dir, 'a.jsonl.gz'), gzipSync(`${line}\n`));
  assert.equal(loadInfillingTasks(join(dir, 'a.jsonl')).length, 2);
  assert.deepEqual(loadInfillingTasks(join(dir, 'a.jsonl.gz')), [task]);
  writeFileSync(join(dir, 'bad.jsonl'), `${line}\n{"task_id": 1}\n`);
  assert.throws(() => loadInfillingTasks(join(dir, 'bad.jsonl')), /bad\.jsonl:2 lacks the string field "task_id"/);
  assert.throws(() => loadInfillingTasks(join(dir, 'none.jsonl')), /Cannot read/);
});

test('scores: exact match ignores surrounding whitespace; edit similarity; percentiles', () => {
  assert.equal(exactMatch('  a + b\n', 'a + b'), true);
  assert.equal(exactMatch('a+b', 'a + b'), false);
  assert.equal(editSimilarity('kitten', 'sitting'), 1 - 3 / 7);
  assert.equal(editSimilarity('', 'x'), 0);
  assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
  assert.equal(percentile([5, 1, 3, 2, 4], 95), 5);
});
