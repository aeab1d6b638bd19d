import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fixturesDir } from '../helpers/paths';

/** Runs a Node child process to its end: exit code, signal, stdout, stderr. */
function runChild(script: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

test('worker client: dispose(1 ms) while a model step runs lets the step finish, then ends the thread (no SIGABRT)', async () => {
  // The child disposes the client right after a ~40 ms ONNX Runtime step has begun, with a 1 ms
  // grace period. Terminating the thread inside that native call aborted the process
  // ("terminate called after throwing an instance of 'Napi::Error'", exit by SIGABRT).
  const r = await runChild(join(fixturesDir, 'worker/disposeDuringStep.ts'));
  assert.equal(r.signal, null, `child killed by ${r.signal}: ${r.stderr}`);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /terminate called|Napi::Error/);
  const out = JSON.parse(r.stdout.trim()) as { insideStep: boolean; waited: boolean };
  assert.equal(out.insideStep, true, 'dispose was called while a step was running');
  assert.equal(out.waited, true, 'the client waited for the running step instead of terminating inside it');
});
