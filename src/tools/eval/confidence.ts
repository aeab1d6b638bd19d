/**
 * The confidence curve behind `tokenwise.completion.minConfidence` (`tokenwise eval confidence`):
 * each HumanEval-infilling task is completed by the editor's pipeline with no confidence gate
 * (the parse gate on, as in the editor), and for each threshold t the curve gives the share of
 * tasks with a suggestion shown (confidence ≥ t) and the share of shown suggestions that are right
 * (equal to the reference middle, whitespace at the ends ignored). HumanEval is not in the
 * shipped model's training corpus (models/corpus_manifest.json), so the curve is held-out.
 */
import type { BoundaryMode } from '../../core/completion/boundary';
import { complete, type CompletionSession } from '../../core/completion/pipeline';
import type { FimOrder } from '../../core/completion/prompt/templates';
import { exactMatch, type InfillingTask } from './humanEvalInfilling';

export const defaultThresholds = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export interface ConfidencePoint {
  threshold: number;
  /** Share of all tasks with a suggestion shown. */
  shown: number;
  /** Share of the shown suggestions that are right (NaN when none is shown). */
  precision: number;
  shownCount: number;
  rightCount: number;
}

export interface ConfidenceSample {
  taskId: string;
  /** Geometric-mean token probability of the suggestion; undefined: nothing to show at any threshold. */
  confidence: number | undefined;
  right: boolean;
}

export async function confidenceSamples(
  session: CompletionSession,
  tasks: readonly InfillingTask[],
  options: { mode: BoundaryMode; order: FimOrder; maxNewTokens: number; signal?: AbortSignal; onProgress?(done: number): void },
): Promise<ConfidenceSample[]> {
  const samples: ConfidenceSample[] = [];
  for (const [i, task] of tasks.entries()) {
    const multiline = task.canonical_solution.trimEnd().includes('\n');
    const r = await complete(session, { prefix: task.prompt, suffix: task.suffix, mode: options.mode, order: options.order, maxNewTokens: options.maxNewTokens, multiline, languageId: 'python', ...(options.signal ? { signal: options.signal } : {}) });
    const shown = r.text !== '' && r.confidence !== undefined;
    samples.push({ taskId: task.task_id, confidence: shown ? r.confidence!.probability : undefined, right: shown && exactMatch(r.text, task.canonical_solution) });
    options.onProgress?.(i + 1);
  }
  return samples;
}

export function confidenceCurve(samples: readonly ConfidenceSample[], thresholds: readonly number[] = defaultThresholds): ConfidencePoint[] {
  return thresholds.map((threshold) => {
    const shown = samples.filter((s) => s.confidence !== undefined && s.confidence >= threshold);
    const right = shown.filter((s) => s.right).length;
    return { threshold, shown: shown.length / Math.max(1, samples.length), precision: shown.length ? right / shown.length : Number.NaN, shownCount: shown.length, rightCount: right };
  });
}
