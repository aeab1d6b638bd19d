/**
 * `tokenwise bench fim`: HumanEval-infilling with the model for every boundary mode × FIM order —
 * pass@1 (executed), exact match, edit similarity and latency — side by side in one run, plus the
 * latency overhead of `exact` over `heal`. Reads the data from `--data-dir` (default: the
 * project's shared data folder when present; the benchmark says so when it is absent).
 */
import { existsSync } from 'node:fs';
import { corpusStatus } from '../corpus';
import { join, resolve } from 'node:path';
import { boundaryModes } from '../../core/completion/boundary';
import { createCompletionSession } from '../../core/completion/pipeline';
import type { ExecutionProviderSetting } from '../../core/inference/types';
import { loadBackend } from '../../core/inference/factory';
import { TokenwiseError } from '../../core/base/errors';
import type { FimOrder } from '../../core/completion/prompt/templates';
import { evaluateFim, type FimEvalReport } from '../eval/fimEval';
import { loadInfillingTasks } from '../eval/humanEvalInfilling';
import { requireSandbox } from '../eval/sandbox';

export interface FimBenchContext {
  options: Readonly<Record<string, string | number | boolean | undefined>>;
  signal: AbortSignal;
  progress(line: string): void;
}

const datasets = ['RandomSpanInfillingLight', 'SingleLineInfilling'] as const;
const orders: readonly FimOrder[] = ['psm', 'spm'];

/** Where the data comes from, for messages: HumanEval-infilling (MIT), one .jsonl.gz per benchmark. */
export const infillingDataSource =
  'HumanEval-infilling (github.com/openai/human-eval-infilling, MIT: data/HumanEval-RandomSpanInfillingLight.jsonl.gz and data/HumanEval-SingleLineInfilling.jsonl.gz, saved as RandomSpanInfillingLight.jsonl.gz and SingleLineInfilling.jsonl.gz)';

export function dataDir(explicit: string | undefined): string {
  if (explicit !== undefined) {
    const dir = resolve(explicit);
    if (!existsSync(dir)) throw new TokenwiseError('input', `--data-dir ${explicit}: no such folder (it should hold ${datasets.map((d) => `${d}.jsonl.gz`).join(' and ')} from ${infillingDataSource}).`);
    if (!datasets.some((d) => existsSync(join(dir, `${d}.jsonl.gz`)))) throw new TokenwiseError('input', `--data-dir ${explicit} has neither ${datasets.map((d) => `${d}.jsonl.gz`).join(' nor ')} (the files of ${infillingDataSource}).`);
    return dir;
  }
  for (const base of [process.cwd(), join(__dirname, '..'), join(__dirname, '..', '..', '..')]) {
    const dir = resolve(base, '..', 'shared', 'data', 'human-eval-infilling');
    if (existsSync(dir)) return dir;
  }
  throw new TokenwiseError('input', `HumanEval-infilling data not found (looked for ../shared/data/human-eval-infilling next to the repository); download ${infillingDataSource} and pass --data-dir <that folder>.`);
}

export const fimBenchmark = {
  name: 'fim',
  summary: 'HumanEval-infilling: pass@1, exact match, edit similarity, latency for each boundary mode × FIM order (--data-dir, --limit, --model).',
  async run(ctx: FimBenchContext) {
    const opts = ctx.options;
    const dir = dataDir(typeof opts['data-dir'] === 'string' ? opts['data-dir'] : undefined);
    const limit = typeof opts.limit === 'number' ? Math.max(1, Math.floor(opts.limit)) : undefined;
    const unsafeNoSandbox = opts['unsafe-no-sandbox'] === true;
    const sandbox = requireSandbox(10_000, unsafeNoSandbox);
    const model = await loadBackend({
      backend: 'embedded',
      modelPath: typeof opts.model === 'string' ? opts.model : '',
      executionProvider: (typeof opts.provider === 'string' ? opts.provider : 'auto') as ExecutionProviderSetting,
      threads: typeof opts.threads === 'number' ? opts.threads : 0,
      kvCacheMB: 128,
    });
    const rows = [];
    const goals = [];
    const info: Record<string, unknown> = {};
    try {
      const stack = await createCompletionSession(model.backend, model.tokenizer);
      info.model = `${stack.info.name} (${stack.info.provider})`;
      info.template = stack.template.family;
      info.data = dir;
      info.heldOut = `${corpusStatus(dir).describe} (HumanEval is not a source of models/corpus_manifest.json)`;
      info.sandbox = sandbox;
      info.decoding = 'greedy, at most 128 new tokens; the completion pipeline of the editor; single-line tasks complete one line';
      for (const name of datasets) {
        const file = join(dir, `${name}.jsonl.gz`);
        if (!existsSync(file)) {
          ctx.progress(`${file} is absent: skipped`);
          continue;
        }
        let tasks = loadInfillingTasks(file);
        if (limit) tasks = tasks.slice(0, limit);
        info[`${name} tasks`] = tasks.length;
        for (const order of orders) {
          const reports = new Map<string, FimEvalReport>();
          for (const mode of boundaryModes) {
            ctx.progress(`${name} ${mode}/${order}: ${tasks.length} tasks…`);
            const r = await evaluateFim(stack, tasks, { mode, order, maxNewTokens: 128, timeoutMs: 10_000, unsafeNoSandbox, signal: ctx.signal });
            reports.set(mode, r);
            rows.push({
              metric: `${name} ${mode}/${order} pass@1`,
              value: r.passAt1 * 100,
              unit: '%',
              note: `exact match ${(r.exactMatch * 100).toFixed(1)}%, edit sim ${r.editSimilarity.toFixed(3)}, latency p50 ${r.latencyMsP50.toFixed(0)} ms p95 ${r.latencyMsP95.toFixed(0)} ms`,
            });
          }
          const exact = reports.get('exact')!;
          const heal = reports.get('heal')!;
          const naive = reports.get('naive')!;
          const overhead = exact.latencyMsP50 / Math.max(1e-9, heal.latencyMsP50);
          goals.push({ goal: `${name} ${order}: exact latency p50 ≤ 2× heal`, met: overhead <= 2, value: `${overhead.toFixed(2)}×` });
          const gain = naive.passAt1 > 0 ? (exact.passAt1 / naive.passAt1 - 1) * 100 : NaN;
          info[`${name} ${order} exact vs naive pass@1`] = Number.isFinite(gain) ? `${gain >= 0 ? '+' : ''}${gain.toFixed(1)}% relative` : `${(exact.passAt1 * 100).toFixed(1)}% vs ${(naive.passAt1 * 100).toFixed(1)}%`;
        }
      }
    } finally {
      await model.backend.dispose();
    }
    return { benchmark: 'fim', info, rows, goals };
  },
};
