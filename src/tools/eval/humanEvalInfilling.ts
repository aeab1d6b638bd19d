/**
 * HumanEval-infilling harness: loads tasks, executes `prompt + middle + suffix` with the task's
 * tests in python3, and scores the generated middle (pass@1, exact match, edit similarity).
 * Execution happens in a fresh temporary directory, without network and, when run as root, as the
 * unprivileged `nobody` user so the program cannot write outside that directory.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { TokenwiseError } from '../../core/base/errors';

export interface InfillingTask {
  task_id: string;
  prompt: string;
  suffix: string;
  canonical_solution: string;
  test: string;
  entry_point: string;
}

export function loadInfillingTasks(path: string): InfillingTask[] {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch {
    throw new TokenwiseError('input', `Cannot read ${path}: no such file.`);
  }
  const text = path.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  const tasks: InfillingTask[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let task: Partial<InfillingTask>;
    try {
      task = JSON.parse(line) as Partial<InfillingTask>;
    } catch {
      throw new TokenwiseError('input', `${path}:${i + 1} is not valid JSON.`);
    }
    for (const key of ['task_id', 'prompt', 'suffix', 'canonical_solution', 'test', 'entry_point'] as const)
      if (typeof task[key] !== 'string') throw new TokenwiseError('input', `${path}:${i + 1} lacks the string field "${key}".`);
    tasks.push(task as InfillingTask);
  });
  return tasks;
}

export type Sandbox = 'netns+nobody' | 'none';

let cachedPython: { python: string; sandbox: Sandbox } | undefined;

/** Picks the interpreter and the strongest isolation available on this machine. */
export function executionSetup(): { python: string; sandbox: Sandbox } {
  if (cachedPython) return cachedPython;
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  let sandbox: Sandbox = 'none';
  if (process.getuid?.() === 0) {
    const probe = spawnSync('unshare', ['-n', 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', python, '-c', 'pass'], { timeout: 10_000 });
    if (probe.status === 0) sandbox = 'netns+nobody';
  }
  cachedPython = { python, sandbox };
  return cachedPython;
}

export interface ExecutionResult {
  passed: boolean;
  /** One line: why it failed (timeout, exception type), empty when passed. */
  reason: string;
}

export function programFor(task: InfillingTask, middle: string): string {
  return `${task.prompt}${middle}${task.suffix}\n\n${task.test}\n\ncheck(${task.entry_point})\n`;
}

export function executeInfilling(task: InfillingTask, middle: string, timeoutMs = 10_000): Promise<ExecutionResult> {
  const { python, sandbox } = executionSetup();
  const dir = mkdtempSync(join(tmpdir(), 'tokenwise-eval-'));
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, 'program.py'), programFor(task, middle));
  const argv = ['-I', '-B', 'program.py'];
  const [cmd, args] =
    sandbox === 'netns+nobody'
      ? ['unshare', ['-n', 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', python, ...argv]]
      : [python, argv];
  return new Promise((resolve) => {
    const child = spawn(cmd, args as string[], { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TMPDIR: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      if (code === 0) resolve({ passed: true, reason: '' });
      else if (signal) resolve({ passed: false, reason: `timeout after ${timeoutMs} ms` });
      else {
        const last = stderr.trim().split('\n').pop() ?? `exit ${code}`;
        resolve({ passed: false, reason: last.slice(0, 200) });
      }
    });
  });
}

export function exactMatch(generated: string, reference: string): boolean {
  return generated.trim() === reference.trim();
}

/** 1 − Levenshtein distance / length of the longer string (1 = identical). */
export function editSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return 0;
  let prev = new Uint32Array(m + 1).map((_, j) => j);
  let cur = new Uint32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return 1 - prev[m]! / Math.max(n, m);
}

