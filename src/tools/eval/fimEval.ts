/**
 * FIM evaluation on HumanEval-infilling tasks: generate each middle with the completion pipeline,
 * execute the program with the task's tests, and score it. Shared by `tokenwise eval fim` and
 * `tokenwise bench fim`.
 */
import type { BoundaryMode } from '../../core/completion/boundary';
import { complete, type CompletionSession } from '../../core/completion/pipeline';
import type { FimOrder } from '../../core/completion/prompt/templates';
import { percentile } from '../../core/base/numbers';
import { editSimilarity, exactMatch, executeInfilling, type InfillingTask } from './humanEvalInfilling';

export interface FimEvalOptions {
  mode: BoundaryMode;
  order: FimOrder;
  maxNewTokens: number;
  /** Time limit for running each program. */
  timeoutMs: number;
  /** Run the programs without the bubblewrap sandbox (--unsafe-no-sandbox). */
  unsafeNoSandbox?: boolean;
  signal?: AbortSignal;
  onProgress?(done: number, passed: number, exact: number): void;
}

export interface FimEvalReport {
  mode: BoundaryMode;
  order: FimOrder;
  tasks: number;
  passAt1: number;
  exactMatch: number;
  editSimilarity: number;
  latencyMsP50: number;
  latencyMsP95: number;
}

export async function evaluateFim(session: CompletionSession, tasks: readonly InfillingTask[], options: FimEvalOptions): Promise<FimEvalReport> {
  let passed = 0;
  let exact = 0;
  let similarity = 0;
  const latencies: number[] = [];
  for (const [i, task] of tasks.entries()) {
    const t0 = performance.now();
    // Single-line tasks ask for one line, as a cursor with text to its right does in the editor.
    const multiline = task.canonical_solution.trimEnd().includes('\n');
    const result = await complete(session, { prefix: task.prompt, suffix: task.suffix, mode: options.mode, order: options.order, maxNewTokens: options.maxNewTokens, multiline, signal: options.signal });
    latencies.push(performance.now() - t0);
    const middle = result.text;
    if ((await executeInfilling(task, middle, options.timeoutMs, { unsafeNoSandbox: options.unsafeNoSandbox })).passed) passed++;
    if (exactMatch(middle, task.canonical_solution)) exact++;
    similarity += editSimilarity(middle.trim(), task.canonical_solution.trim());
    options.onProgress?.(i + 1, passed, exact);
  }
  const n = Math.max(1, tasks.length);
  return {
    mode: options.mode,
    order: options.order,
    tasks: tasks.length,
    passAt1: passed / n,
    exactMatch: exact / n,
    editSimilarity: similarity / n,
    latencyMsP50: percentile(latencies, 50),
    latencyMsP95: percentile(latencies, 95),
  };
}
