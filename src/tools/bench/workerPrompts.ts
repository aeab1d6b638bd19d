/**
 * What the worker-path benchmarks share: the repository's own TypeScript sources as prompts (never
 * in the shipped model's corpus) and the inference worker as the editor starts it.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { WorkerClient, type WorkerLike } from '../../worker/client';

export function repoRoot(bench: string): string {
  for (const dir of [process.cwd(), join(__dirname, '..'), join(__dirname, '..', '..', '..')]) if (existsSync(join(dir, 'src/core'))) return dir;
  throw new Error(`bench ${bench} reads prompts from this repository's src/ (run it from the repository).`);
}

/** TypeScript sources under `dir` (no .d.ts), in sorted order. */
export function typeScriptSources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) typeScriptSources(path, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** A client of the real inference worker: the bundle's dist/worker.js, or the source through tsx. */
export function benchWorkerClient(root: string): WorkerClient {
  const bundled = join(__dirname, 'worker.js');
  const create = existsSync(bundled)
    ? () => new Worker(bundled)
    : () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(root, 'src/worker/main.ts'))});`, { eval: true });
  return new WorkerClient({ createWorker: () => create() as unknown as WorkerLike, log: () => {} });
}
