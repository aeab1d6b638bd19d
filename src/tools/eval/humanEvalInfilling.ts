/**
 * HumanEval-infilling harness: loads tasks, executes `prompt + middle + suffix` with the task's
 * tests in python3, and scores the generated middle (pass@1, exact match, edit similarity).
 * Each program runs in a bubblewrap sandbox (./sandbox): its own namespaces, uid 65534, read-only
 * /usr only, private tmpfs /tmp and /work, resource limits, the whole process tree killed at the
 * timeout, nothing created on the host.
 */
import { gunzipSync } from 'node:zlib';
import { TokenwiseError } from '../../core/base/errors';
import { readRegularFile } from '../../core/base/files';
import { runPython } from './sandbox';

export interface InfillingTask {
  task_id: string;
  prompt: string;
  suffix: string;
  canonical_solution: string;
  test: string;
  entry_point: string;
}

export function loadInfillingTasks(path: string): InfillingTask[] {
  // A regular file (a directory, FIFO or device gets a one-line refusal naming it), bounded size.
  const raw = readRegularFile(path, { maxBytes: 1024 * 1024 * 1024 });
  const gzip = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  if (path.endsWith('.gz') && !gzip) throw new TokenwiseError('input', `${path} is not a gzip file (no gzip header).`);
  let text: string;
  try {
    text = (gzip ? gunzipSync(raw, { maxOutputLength: 1024 * 1024 * 1024 }) : raw).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'Z_BUF_ERROR' ? 'truncated (unexpected end of the compressed data)' : code === 'ERR_BUFFER_TOO_LARGE' ? 'too large once decompressed (limit 1 GiB)' : `corrupt (${(error as Error).message})`;
    throw new TokenwiseError('input', `${path} is not a valid gzip file: ${why}.`);
  }
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

export interface ExecutionResult {
  passed: boolean;
  /** One line: why it failed (timeout, exception type), empty when passed. */
  reason: string;
}

export function programFor(task: InfillingTask, middle: string): string {
  return `${task.prompt}${middle}${task.suffix}\n\n${task.test}\n\ncheck(${task.entry_point})\n`;
}

export interface ExecutionOptions {
  /** Run without any sandbox (only when the user asked for it with --unsafe-no-sandbox). */
  unsafeNoSandbox?: boolean;
}

/**
 * Runs the task's program with `middle` in the bubblewrap sandbox (see ./sandbox). Rejects only
 * when there is no working sandbox and `unsafeNoSandbox` is not set.
 */
export async function executeInfilling(task: InfillingTask, middle: string, timeoutMs = 10_000, options: ExecutionOptions = {}): Promise<ExecutionResult> {
  const r = await runPython(programFor(task, middle), { timeoutMs, unsafeNoSandbox: options.unsafeNoSandbox });
  if (r.timedOut) return { passed: false, reason: `timeout after ${timeoutMs} ms` };
  if (r.error) return { passed: false, reason: `could not start the program: ${r.error}`.slice(0, 200) };
  if (r.exitCode === 0) return { passed: true, reason: '' };
  const last = r.stderr.trim().split('\n').pop()?.trim() || `exit ${r.exitCode}`;
  return { passed: false, reason: last.slice(0, 200) };
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

