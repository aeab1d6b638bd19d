/**
 * `tokenwise bench remote`: the remote backends against `tokenwise serve` started in-process on
 * loopback, same model and prompts as the embedded engine: completion latency p50/p95 remote vs
 * embedded, exact vs heal added latency over HTTP, heat-map (score) throughput, and whether the
 * remote completions are identical. Prompts: cursor positions inside identifiers of this
 * repository's src/**\/*.ts (code the shipped model was not trained on).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadBackend, type LoadedModel } from '../../core/inference/factory';
import { complete, createCompletionSession, type CompletionSession } from '../../core/completion/pipeline';
import type { BoundaryMode } from '../../core/completion/boundary';
import { findShippedModel } from '../../core/model/modelDir';
import { startServer } from '../../cli/serve/server';
import type { BenchResult, BenchRow, Benchmark } from './types';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : name.endsWith('.ts') ? [p] : [];
  });
}

/** Cursor positions two or more letters into an identifier, spread over the files (deterministic). */
function prompts(root: string, n: number): Array<{ prefix: string; suffix: string; where: string }> {
  const files = tsFiles(join(root, 'src')).sort();
  const out: Array<{ prefix: string; suffix: string; where: string }> = [];
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let i = 0; out.length < n && i < n * 20; i++) {
    const file = files[next() % files.length]!;
    const text = readFileSync(file, 'utf8');
    const at = next() % Math.max(1, text.length);
    if (!/[A-Za-z]{2}$/.test(text.slice(Math.max(0, at - 2), at)) || !/^[A-Za-z]/.test(text.slice(at, at + 1))) continue;
    out.push({ prefix: text.slice(Math.max(0, at - 1500), at), suffix: text.slice(at, at + 400), where: `${file.slice(root.length + 1)}:${at}` });
  }
  return out;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]! : Number.NaN;
};

export const remoteBenchmark: Benchmark = {
  name: 'remote',
  summary: 'Remote backends vs embedded through tokenwise serve on loopback: latency, exact vs heal over HTTP, heat-map throughput.',
  async run(ctx): Promise<BenchResult> {
    const n = typeof ctx.options.limit === 'number' ? ctx.options.limit : 30;
    const modelDir = typeof ctx.options.model === 'string' ? ctx.options.model : (findShippedModel(__dirname) ?? findShippedModel(process.cwd()) ?? '');
    const threads = typeof ctx.options.threads === 'number' ? ctx.options.threads : 1;
    const root = process.cwd();
    const list = prompts(root, n);
    ctx.progress(`${list.length} prompts from ${root}/src/**/*.ts`);
    const settings = { backend: 'embedded', modelPath: modelDir, executionProvider: 'cpu', threads, kvCacheMB: 128 } as const;
    const embedded = await loadBackend(settings);
    const served = await loadBackend(settings);
    const server = await startServer(served, { port: 0 });
    const remotes: Record<string, LoadedModel> = {};
    const sessions: Record<string, CompletionSession> = {};
    try {
      sessions.embedded = await createCompletionSession(embedded.backend, embedded.tokenizer);
      for (const kind of ['vllm', 'llamacpp'] as const) {
        remotes[kind] = await loadBackend({ backend: kind, url: server.url, model: '', kvCacheMB: 0, tokenizerPath: join(modelDir, 'tokenizer.json') }, { fetch: globalThis.fetch });
        sessions[kind] = await createCompletionSession(remotes[kind]!.backend, remotes[kind]!.tokenizer);
      }
      const lat: Record<string, number[]> = {};
      let identical = 0;
      let compared = 0;
      const modes: BoundaryMode[] = ['exact', 'heal', 'naive'];
      for (const [i, p] of list.entries()) {
        const raws: Record<string, string> = {};
        for (const mode of modes)
          for (const name of ['embedded', 'vllm', 'llamacpp']) {
            const t0 = performance.now();
            const r = await complete(sessions[name]!, { prefix: p.prefix, suffix: p.suffix, mode, order: 'psm', maxNewTokens: 24, signal: ctx.signal });
            (lat[`${name} ${mode}`] ??= []).push(performance.now() - t0);
            raws[`${name} ${mode}`] = r.raw;
          }
        for (const mode of modes)
          for (const name of ['vllm', 'llamacpp']) {
            compared++;
            if (raws[`${name} ${mode}`] === raws[`embedded ${mode}`]) identical++;
          }
        if ((i + 1) % 10 === 0) ctx.progress(`${i + 1}/${list.length}`);
      }
      const rows: BenchRow[] = [];
      for (const name of ['embedded', 'vllm', 'llamacpp'])
        for (const mode of modes) {
          const xs = lat[`${name} ${mode}`]!;
          rows.push({ metric: `${name} ${mode} completion p50`, value: quantile(xs, 0.5), unit: 'ms' });
          rows.push({ metric: `${name} ${mode} completion p95`, value: quantile(xs, 0.95), unit: 'ms' });
        }
      for (const name of ['vllm', 'llamacpp']) {
        const added = lat[`${name} exact`]!.map((x, i) => x - lat[`${name} heal`]![i]!);
        rows.push({ metric: `${name} exact − heal added latency p50`, value: quantile(added, 0.5), unit: 'ms', note: `exact/heal p50 ${(quantile(lat[`${name} exact`]!, 0.5) / quantile(lat[`${name} heal`]!, 0.5)).toFixed(2)}×` });
      }
      rows.push({ metric: 'remote completions identical to embedded', value: (100 * identical) / Math.max(1, compared), unit: '%', note: `${identical}/${compared} (2 servers × 3 modes × ${list.length} prompts)` });
      // Heat map: score the same 400 tokens of this repository's source.
      const text = readFileSync(join(root, 'src/core/completion/boundary/exact.ts'), 'utf8');
      const ids = embedded.tokenizer.encodeText(text).slice(0, 400);
      for (const [name, m] of [['embedded', embedded], ['vllm', remotes.vllm!], ['llamacpp', remotes.llamacpp!]] as const) {
        embedded.clearCache();
        served.clearCache();
        const t0 = performance.now();
        await m.backend.score(ids, { topK: 5, signal: ctx.signal });
        const s = (performance.now() - t0) / 1000;
        rows.push({ metric: `${name} heat map (score, cold)`, value: ids.length / s, unit: 'tokens/s', note: name === 'vllm' ? 'prompt_logprobs, one request' : name === 'llamacpp' ? 'n_probs = n_vocab per position, 32 prompts per request' : 'in process' });
      }
      return {
        benchmark: 'remote',
        info: {
          server: `tokenwise serve on ${server.url} (in-process, loopback), same model as embedded`,
          model: modelDir,
          threads: `${threads} per engine (CPU)`,
          prompts: `${list.length} cursor positions inside identifiers of this repository's src/**/*.ts — not in the shipped model's training corpus`,
          note: 'generation streams each token with its logprob (vLLM logprobs: 1, llama.cpp n_probs: 1, greedy) for the confidence gate; tokenwise serve answers both from the engine loop (prompt-lookup speculation); prompt_logprobs is one scoring pass',
        },
        rows,
        goals: [{ goal: 'remote completions identical to embedded (same model, greedy)', met: identical === compared, value: `${identical}/${compared}` }],
      };
    } finally {
      for (const m of Object.values(remotes)) await m.backend.dispose();
      await server.close();
      await served.backend.dispose();
      await embedded.backend.dispose();
    }
  },
};
