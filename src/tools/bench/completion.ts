/**
 * `tokenwise bench completion`: latency of one inline completion as the editor gets it, through
 * the real inference worker, in one run:
 *   - now: the whole pipeline runs beside the model (one `complete` request);
 *   - before ("Restructure"): the pipeline on the host, each model call (one per byte of the last
 *     word in exact mode) crossing the thread with the whole prompt and a Float32Array(vocab) back.
 * Both go through the same worker and model; prompts are cut mid-word in this repository's own
 * TypeScript sources, which the shipped model never saw (its corpus: models/corpus_manifest.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { mulberry32, percentile } from '../../core/base/numbers';
import { boundaryModes, type BoundaryMode } from '../../core/completion/boundary';
import { complete, createCompletionSession } from '../../core/completion/pipeline';
import { defaultBackendSettings } from '../../core/inference/factory';
import type { ExecutionProviderSetting } from '../../core/inference/types';
import { ModelTokenizer } from '../../core/model/tokenizer';
import { benchWorkerClient, repoRoot, typeScriptSources } from './workerPrompts';
import { corpusStatus, heldoutPythonFiles } from '../corpus';
import type { BenchGoal, BenchRow, Benchmark } from './types';

/** Cursor positions inside identifiers (after ≥ 2 characters of the word), deterministic. */
export function midWordPrompts(root: string, count: number, seed = 7): { prefix: string; suffix: string; where: string }[] {
  const files = typeScriptSources(join(root, 'src/core'));
  const rand = mulberry32(seed);
  const prompts: { prefix: string; suffix: string; where: string }[] = [];
  for (let tries = 0; prompts.length < count && tries < count * 50; tries++) {
    const file = files[Math.floor(rand() * files.length)]!;
    const text = readFileSync(file, 'utf8');
    const words = [...text.matchAll(/[A-Za-z_][A-Za-z0-9_]{4,}/g)];
    if (!words.length) continue;
    const w = words[Math.floor(rand() * words.length)]!;
    const cut = w.index! + 2 + Math.floor(rand() * (w[0].length - 3));
    prompts.push({ prefix: text.slice(Math.max(0, cut - 1500), cut), suffix: text.slice(cut, cut + 500), where: `${relative(root, file)}:${cut}` });
  }
  return prompts;
}

export const completionBenchmark: Benchmark = {
  name: 'completion',
  summary: 'Inline completion latency through the worker: pipeline beside the model (now) vs model calls crossing the thread (before), per boundary mode.',
  async run(ctx) {
    const opts = ctx.options;
    const n = typeof opts.limit === 'number' ? Math.max(1, Math.floor(opts.limit)) : 40;
    const root = repoRoot('completion');
    const prompts = midWordPrompts(root, n);
    const client = benchWorkerClient(root);
    const rows: BenchRow[] = [];
    const goals: BenchGoal[] = [];
    const cacheMB = defaultBackendSettings.kvCacheMB;
    try {
      const info = await client.load({
        ...defaultBackendSettings,
        modelPath: typeof opts.model === 'string' ? opts.model : '',
        executionProvider: (typeof opts.provider === 'string' ? opts.provider : 'cpu') as ExecutionProviderSetting,
        threads: typeof opts.threads === 'number' ? opts.threads : 0,
      });
      if (info.tokenizer.kind !== 'tokenizer.json') throw new Error('bench completion needs a model with a tokenizer.json');
      // "Before": the pipeline on this thread, its backend the worker client.
      const hostSession = await createCompletionSession(client, ModelTokenizer.fromFile(info.tokenizer.path));
      const request = (p: (typeof prompts)[number], mode: BoundaryMode) => ({ prefix: p.prefix, suffix: p.suffix, mode, order: 'psm' as const, maxNewTokens: 16, signal: ctx.signal });
      // Warm-up (session creation in the worker, first forwards).
      await client.complete(request(prompts[0]!, 'exact'));
      await complete(hostSession, request(prompts[0]!, 'exact'));
      for (const mode of boundaryModes) {
        const now: number[] = [];
        const before: number[] = [];
        let same = 0;
        for (const [i, p] of prompts.entries()) {
          ctx.progress(`${mode}: ${i + 1}/${prompts.length} (${p.where})`);
          // As when typing: the previous keystroke's prompt is in the prefix cache. Primed before
          // each side, interleaved, so both measure the same warm state.
          const previous = { ...p, prefix: p.prefix.slice(0, -1) };
          const prime = async () => {
            await client.setCacheBudget(0);
            await client.setCacheBudget(cacheMB);
            await client.complete(request(previous, 'naive'));
          };
          await prime();
          let t0 = performance.now();
          const a = await client.complete(request(p, mode));
          now.push(performance.now() - t0);
          await prime();
          t0 = performance.now();
          const b = await complete(hostSession, request(p, mode));
          before.push(performance.now() - t0);
          if (a.raw === b.raw) same++;
        }
        const p50 = (xs: number[]) => percentile(xs, 50);
        const p95 = (xs: number[]) => percentile(xs, 95);
        rows.push({ metric: `${mode}: pipeline in the worker p50`, value: p50(now), unit: 'ms', note: `p95 ${p95(now).toFixed(1)} ms` });
        rows.push({ metric: `${mode}: model calls crossing the thread p50`, value: p50(before), unit: 'ms', note: `p95 ${p95(before).toFixed(1)} ms; same completion ${same}/${prompts.length}` });
        if (mode === 'exact')
          goals.push({ goal: 'exact mode: pipeline in the worker faster than crossing the thread per byte (p50)', met: p50(now) < p50(before) && same === prompts.length, value: `${(p50(before) / p50(now)).toFixed(2)}×` });
      }
      // Issue 17 item 3: the same completions while the heat map scores a large file in the
      // background (as the editor does), side by side with the idle figures above.
      const scoringFile = heldoutPythonFiles.find((f) => existsSync(f)) ?? join(root, 'src/core/completion/pipeline.ts');
      const scoringIds = (await client.tokenize(readFileSync(scoringFile, 'utf8'))).map((t) => t.id);
      const idle: number[] = [];
      const busy: number[] = [];
      const idleTps: number[] = [];
      const busyTps: number[] = [];
      let backgroundSteps = 0;
      const tps = (r: { tokens: number[]; generationMs: number }) => (r.generationMs > 0 ? (r.tokens.length * 1000) / r.generationMs : 0);
      for (const [i, p] of prompts.entries()) {
        ctx.progress(`background scoring: ${i + 1}/${prompts.length}`);
        const previous = { ...p, prefix: p.prefix.slice(0, -1) };
        await client.setCacheBudget(0);
        await client.setCacheBudget(cacheMB);
        await client.complete(request(previous, 'naive'));
        let t0 = performance.now();
        const a = await client.complete(request(p, 'exact'));
        idle.push(performance.now() - t0);
        idleTps.push(tps(a));
        // Background: score the whole large file again and again (new content each time, so no cache hit).
        const stop = new AbortController();
        const background = (async () => {
          for (let k = 0; !stop.signal.aborted; k++) {
            const ids = [...scoringIds.slice(k % 7), ...scoringIds.slice(0, k % 7)];
            await client.score(ids, { priority: 'background', signal: stop.signal, topK: 5 }).then(() => backgroundSteps++, () => {});
          }
        })();
        await new Promise((r) => setTimeout(r, 150)); // scoring is under way
        await client.setCacheBudget(0);
        await client.setCacheBudget(cacheMB);
        await client.complete(request(previous, 'naive'));
        t0 = performance.now();
        const b = await client.complete(request(p, 'exact'));
        busy.push(performance.now() - t0);
        busyTps.push(tps(b));
        stop.abort();
        await background;
      }
      rows.push({ metric: 'exact: idle p50', value: percentile(idle, 50), unit: 'ms', note: `p95 ${percentile(idle, 95).toFixed(1)} ms; ${percentile(idleTps, 50).toFixed(0)} tok/s p50` });
      rows.push({ metric: 'exact: while the heat map scores a file p50', value: percentile(busy, 50), unit: 'ms', note: `p95 ${percentile(busy, 95).toFixed(1)} ms; ${percentile(busyTps, 50).toFixed(0)} tok/s p50; ${backgroundSteps} whole-file scorings completed meanwhile` });
      goals.push({ goal: 'completion while background scoring runs: p95 within 2× of idle p95 (interactive pre-empts within one step)', met: percentile(busy, 95) <= 2 * percentile(idle, 95), value: `${(percentile(busy, 95) / percentile(idle, 95)).toFixed(2)}×` });
      return {
        benchmark: 'completion',
        info: {
          model: `${info.name} (${info.provider})`,
          cache: 'warm as when typing (the prompt one character shorter was completed just before each measured request)',
          prompts: `${prompts.length} cursors inside identifiers of this repository's src/core/**/*.ts, 1,500 characters before, 500 after`,
          heldOut: corpusStatus(join(root, 'src/core')).state === 'outside' ? `${join(root, 'src/core')}: held out (outside every source of models/corpus_manifest.json)` : corpusStatus(join(root, 'src/core')).describe,
          decoding: 'greedy, 16 new tokens, PSM',
          backgroundScoring: `the heat map's score() of ${scoringFile} (${scoringIds.length} tokens, background priority) running during each measured request`,
        },
        rows,
        goals,
      };
    } finally {
      await client.dispose();
    }
  },
};
