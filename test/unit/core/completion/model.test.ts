/**
 * Completion on the real shipped model (models/tokenwise-code-small) through the in-process
 * engine, and the `complete` / `eval fim` CLI commands.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxEngine } from '../../../../src/core/inference/onnx/engine';
import { complete, createCompletionSession } from '../../../../src/core/completion/pipeline';
import { hasCrossingCover } from '../../../../src/core/completion/boundary/exact';
import { runCli } from '../../../../src/cli/dispatcher';
import { completeCommand } from '../../../../src/cli/commands/complete';
import { evalCommand } from '../../../../src/cli/commands/eval';
import { shippedModelDir } from '../../helpers/paths';
import { tempDir } from '../../helpers/tempDir';

const modelDir = shippedModelDir;
const enginePromise = OnnxEngine.load({ modelDir, provider: 'cpu', threads: 1, kvCacheMB: 64 });
const stackPromise = enginePromise.then((e) => createCompletionSession(e, e.tokenizer));
after(async () => (await enginePromise).dispose());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

test('the shipped model is detected as the tokenwise FIM family with its sentinels', async () => {
  const stack = await stackPromise;
  assert.equal(stack.template.family, 'tokenwise');
  for (const s of ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|endoftext|>']) assert.notEqual(stack.tokenizer.specialId(s), undefined, s);
});

test('exact at temperature 0 equals naive when the prompt ends where no token can merge across', async () => {
  const stack = await stackPromise;
  const enc = new TextEncoder();
  let checked = 0;
  for (const prefix of ['class Point:\n    def norm(self', 'def g(x):\n    if', 'def main():\n    x = 1\n    return x\n\n\n', 'import']) {
    // Only prompts where no valid cover crosses the end: then the only cover is T itself.
    const bytes = enc.encode(prefix);
    const starts = stack.tokenizer.preTokenStarts(bytes);
    if (hasCrossingCover(bytes.subarray(starts.at(-2) ?? 0), stack.tokenizer, stack.index)) continue;
    checked++;
    for (const order of ['psm', 'spm'] as const) {
      const naive = await complete(stack, { prefix, suffix: '', mode: 'naive', order, maxNewTokens: 12 });
      const exact = await complete(stack, { prefix, suffix: '', mode: 'exact', order, maxNewTokens: 12 });
      assert.equal(exact.raw, naive.raw, `${JSON.stringify(prefix)} ${order}`);
    }
  }
  assert.ok(checked >= 2, 'fewer than two prompts ended on a clean boundary');
});

test('mid-word prompts: exact resolves the boundary with a few forwards and continues the bytes', async () => {
  const stack = await stackPromise;
  const prefix = 'def total(values):\n    result = 0\n    for value in values:\n        result += value\n    ret';
  const exact = await complete(stack, { prefix, suffix: '\n', mode: 'exact', order: 'spm', maxNewTokens: 8 });
  assert.ok(exact.boundaryForwards >= 2, `forwards ${exact.boundaryForwards}`);
  const heal = await complete(stack, { prefix, suffix: '\n', mode: 'heal', order: 'spm', maxNewTokens: 8 });
  assert.equal(heal.mode, 'heal');
  // Prompt + completion re-encodes without special tokens leaking into the text.
  assert.doesNotMatch(exact.raw + heal.raw, /<\|/);
});

test('tokenwise complete --json prints mode, order, completion, latency and token count', async (t) => {
  const dir = tempDir(t, 'tw-complete-');
  const file = join(dir, 'a.py');
  writeFileSync(file, 'def square(x):\n    return x * \n');
  const c = capture();
  const code = await runCli(['complete', file, '--offset', '29', '--max-tokens', '6', '--model', modelDir, '--provider', 'cpu', '--json'], [completeCommand], c.io, '1');
  assert.equal(code, 0, c.err.join(''));
  const doc = JSON.parse(c.out.join('')) as Record<string, unknown>;
  // Optional keys: degraded, confidence (the gate's), suppressed + candidate (when the gate withheld it).
  assert.deepEqual(Object.keys(doc).filter((k) => !['degraded', 'confidence', 'suppressed', 'candidate'].includes(k)), ['mode', 'order', 'completion', 'replace', 'raw', 'multiline', 'latencyMs', 'tokens']);
  assert.equal(doc.multiline, false, 'text right of the cursor: one line');
  assert.equal(doc.mode, 'exact');
  assert.equal(typeof doc.completion, 'string');
  assert.ok((doc.tokens as number) <= 6);
  const bad = capture();
  assert.equal(await runCli(['complete', file, '--offset', '999', '--model', modelDir], [completeCommand], bad.io, '1'), 2);
  assert.match(bad.err.join(''), /--offset must be an integer between 0 and 31/);
});

test('tokenwise eval fim runs the tasks and reports the documented figures', async (t) => {
  const dir = tempDir(t, 'tw-eval-');
  const data = join(dir, 'tasks.jsonl');
  const task = { task_id: 'T/0', prompt: 'def inc(x):\n    return ', suffix: '\n', canonical_solution: 'x + 1', test: 'def check(f):\n    assert f(1) == 2\n', entry_point: 'inc' };
  writeFileSync(data, JSON.stringify(task) + '\n' + JSON.stringify({ ...task, task_id: 'T/1' }) + '\n');
  const c = capture();
  assert.equal(await runCli(['eval', 'fim', '--data', data, '--mode', 'heal', '--max-tokens', '8', '--model', modelDir, '--json'], [evalCommand], c.io, '1'), 0, c.err.join(''));
  const doc = JSON.parse(c.out.join('')) as Record<string, number | string>;
  assert.deepEqual(Object.keys(doc), ['mode', 'order', 'tasks', 'passAt1', 'exactMatch', 'editSimilarity', 'latencyMsP50', 'latencyMsP95', 'sandbox']);
  assert.match(String(doc.sandbox), /^bubblewrap /);
  assert.equal(doc.tasks, 2);
  assert.equal(doc.mode, 'heal');
  for (const k of ['passAt1', 'exactMatch', 'editSimilarity']) assert.ok((doc[k] as number) >= 0 && (doc[k] as number) <= 1, k);
  const missing = capture();
  assert.equal(await runCli(['eval', 'fim'], [evalCommand], missing.io, '1'), 2);
  assert.match(missing.err.join(''), /needs --data/);
  const suite = capture();
  assert.equal(await runCli(['eval', 'mmlu', '--data', data], [evalCommand], suite.io, '1'), 2);
});
