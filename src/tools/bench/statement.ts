/**
 * `tokenwise bench statement`: latency of statement completion and of the ranked identifier list
 * as the editor gets them — through the real inference worker (`complete` with statement options,
 * `completeIdentifiers` with the provider's 150 ms budget) — at cardinal points of this
 * repository's own TypeScript sources (never in the shipped model's corpus:
 * models/corpus_manifest.json); greedy (beam width 1) vs beam width 4.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { mulberry32, percentile } from '../../core/base/numbers';
import { cardinalPoint } from '../../core/completion/identifiers';
import { defaultBackendSettings } from '../../core/inference/factory';
import type { ExecutionProviderSetting } from '../../core/inference/types';
import { benchWorkerClient, repoRoot, typeScriptSources } from './workerPrompts';
import { assertOutsideCorpus } from './syntax';
import type { BenchGoal, BenchRow, Benchmark } from './types';

/** Cursor positions right before an identifier at a cardinal point (after `.`, `(`, `return `…), deterministic. */
export function cardinalPrompts(root: string, count: number, seed = 11): { prefix: string; suffix: string; where: string }[] {
  const files = typeScriptSources(join(root, 'src/core'));
  const rand = mulberry32(seed);
  const out: { prefix: string; suffix: string; where: string }[] = [];
  for (let tries = 0; out.length < count && tries < count * 50; tries++) {
    const file = files[Math.floor(rand() * files.length)]!;
    assertOutsideCorpus(file);
    const text = readFileSync(file, 'utf8');
    const words = [...text.matchAll(/[A-Za-z_$][\w$]*/g)];
    const w = words[Math.floor(rand() * words.length)];
    if (!w) continue;
    const at = w.index!;
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    if (!cardinalPoint(text.slice(lineStart, at))) continue;
    const nl = text.indexOf('\n', at);
    out.push({ prefix: text.slice(Math.max(0, at - 6000), at), suffix: nl < 0 ? '' : text.slice(nl, nl + 2000), where: `${relative(root, file)}:${at}` });
  }
  return out;
}

export const statementBenchmark: Benchmark = {
  name: 'statement',
  summary: 'Statement completion and ranked identifier list latency through the worker (p50/p95), greedy vs beam width 4, at cardinal points of held-out code.',
  async run(ctx) {
    const opts = ctx.options;
    const n = typeof opts.limit === 'number' ? Math.max(1, Math.floor(opts.limit)) : 40;
    const root = repoRoot('statement');
    const prompts = cardinalPrompts(root, n);
    const client = benchWorkerClient(root);
    const rows: BenchRow[] = [];
    const goals: BenchGoal[] = [];
    try {
      const info = await client.load({
        ...defaultBackendSettings,
        modelPath: typeof opts.model === 'string' ? opts.model : '',
        executionProvider: (typeof opts.provider === 'string' ? opts.provider : 'cpu') as ExecutionProviderSetting,
        threads: typeof opts.threads === 'number' ? opts.threads : 0,
      });
      const uri = 'bench:statement';
      const statement = (beamWidth: number) => ({ unit: 'statement' as const, beamWidth, languageId: 'typescript', uri });
      // Warm-up: session, grammar, first forwards.
      await client.complete({ prefix: prompts[0]!.prefix, suffix: prompts[0]!.suffix, mode: 'exact', order: 'psm', maxNewTokens: 8, statement: statement(1) });
      await client.completeIdentifiers({ prefix: prompts[0]!.prefix, suffix: prompts[0]!.suffix, languageId: 'typescript', uri });
      const ids: number[] = [];
      let partial = 0;
      let declaredTop = 0;
      for (const [i, p] of prompts.entries()) {
        ctx.progress(`identifiers ${i + 1}/${prompts.length} (${p.where})`);
        const t0 = performance.now();
        const r = await client.completeIdentifiers({ prefix: p.prefix, suffix: p.suffix, languageId: 'typescript', uri, timeBudgetMs: 150, signal: ctx.signal });
        ids.push(performance.now() - t0);
        if (r.partial) partial++;
        if (r.items[0] && r.items[0].source !== 'model') declaredTop++;
      }
      rows.push({ metric: 'identifier list (150 ms budget) p50', value: percentile(ids, 50), unit: 'ms', note: `p95 ${percentile(ids, 95).toFixed(1)} ms; budget reached in ${partial}/${prompts.length}; a declared name on top in ${declaredTop}/${prompts.length}` });
      goals.push({ goal: 'identifier list within its 150 ms budget plus the thread crossing (p95 ≤ 200 ms)', met: percentile(ids, 95) <= 200, value: `${percentile(ids, 95).toFixed(0)} ms` });
      for (const beamWidth of [1, 4]) {
        const times: number[] = [];
        let shown = 0;
        let alternatives = 0;
        for (const [i, p] of prompts.entries()) {
          ctx.progress(`statement, beam width ${beamWidth}: ${i + 1}/${prompts.length} (${p.where})`);
          const t0 = performance.now();
          const r = await client.complete({ prefix: p.prefix, suffix: p.suffix, mode: 'exact', order: 'psm', maxNewTokens: 48, timeBudgetMs: 2000, statement: statement(beamWidth), signal: ctx.signal });
          times.push(performance.now() - t0);
          if (r.text) shown++;
          alternatives += r.alternatives?.length ?? 0;
        }
        rows.push({
          metric: `statement completion, beam width ${beamWidth} p50`,
          value: percentile(times, 50),
          unit: 'ms',
          note: `p95 ${percentile(times, 95).toFixed(1)} ms; a suggestion in ${shown}/${prompts.length}, ${(alternatives / prompts.length).toFixed(1)} alternatives on average`,
        });
      }
      return {
        benchmark: 'statement',
        info: {
          model: `${info.name} (${info.provider})`,
          prompts: `${prompts.length} cardinal points in this repository's src/core/**/*.ts (held out: not in models/corpus_manifest.json), up to 6,000 characters before, the file after the line`,
          decoding: 'exact boundary, PSM, at most 48 new tokens, 2 s cap; identifier list: the editor\'s 150 ms budget',
        },
        rows,
        goals,
      };
    } finally {
      await client.dispose();
    }
  },
};
