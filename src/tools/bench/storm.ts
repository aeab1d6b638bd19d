/**
 * Memory under load: RSS after a storm of overlapping engine requests (issue 18 item 10). The
 * embedded engine (shipped model, CPU) takes `requests` requests (default 7,500) — scoring at
 * background priority, generation and next-token distributions at interactive priority, prompts
 * sharing prefixes so the prefix KV cache is used — with `concurrency` in flight and about half
 * cancelled at a random point. Reported: RSS after load, peak and after the storm (after a GC
 * when `--expose-gc` is on), the KV cache held, and the ONNX Runtime memory options in use.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { BenchResult, BenchRow, Benchmark } from './types';
import { OnnxEngine } from '../../core/inference/onnx/engine';
import { findShippedModel } from '../../core/model/modelDir';
import { mulberry32 } from '../../core/base/numbers';
import { CancelledError } from '../../core/base/errors';
import { ortMemoryOptions, type OrtMemoryOptions } from '../../core/inference/onnx/ort';
import { join } from 'node:path';
import { defaultBackendSettings } from '../../core/inference/factory';
import type { InferenceBackend } from '../../core/inference/types';
import type { WorkerClient } from '../../worker/client';
import { benchWorkerClient } from './workerPrompts';

export interface StormOptions {
  requests?: number;
  concurrency?: number;
  modelDir?: string;
  threads?: number;
  kvCacheMB?: number;
  /** ONNX Runtime memory options for this run (default: the engine's; in-process runs only). */
  memory?: OrtMemoryOptions;
  /** `worker`: the requests go through the inference worker as the editor's do (structured-clone copies, host-side queues). */
  via?: 'engine' | 'worker';
  log?: (line: string) => void;
}

export interface StormReport {
  requests: number;
  cancelled: number;
  failed: number;
  rssAfterLoadMB: number;
  rssPeakMB: number;
  rssAfterMB: number;
  /** After the storm: V8 heap used and array buffers (typed arrays: logits, KV states). */
  heapUsedMB: number;
  arrayBuffersMB: number;
  kvCacheMB: number;
  memory: OrtMemoryOptions;
  seconds: number;
  via: 'engine' | 'worker';
}

const mb = (bytes: number) => bytes / 2 ** 20;

export async function runStorm(options: StormOptions = {}): Promise<StormReport> {
  const requests = options.requests ?? 7500;
  const concurrency = options.concurrency ?? 32;
  const modelDir = options.modelDir ?? findShippedModel();
  const memory = options.memory ?? ortMemoryOptions();
  const threads = options.threads ?? Math.min(2, availableParallelism());
  const kvCacheMB = options.kvCacheMB ?? (options.via === 'worker' ? 256 : 64);
  const local = options.via === 'worker' ? undefined : await OnnxEngine.load({ ...(modelDir ? { modelDir } : {}), provider: 'cpu', threads, kvCacheMB, memory });
  const client = local ? undefined : await workerClient({ modelPath: modelDir ?? '', threads, kvCacheMB });
  const engine: InferenceBackend = local ?? client!;
  const gc = (globalThis as { gc?: () => void }).gc;
  try {
    const vocab = (await engine.info()).vocabSize;
    const random = mulberry32(18);
    // A token stream for prompts: several "files", so prompts share prefixes as edits of a file do.
    const files = Array.from({ length: 8 }, () => Array.from({ length: 1200 }, () => Math.floor(random() * (vocab - 10))));
    await engine.nextLogprobs!(files[0]!.slice(0, 16));
    gc?.();
    const rssAfterLoad = process.memoryUsage().rss;
    let peak = rssAfterLoad;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    let cancelled = 0;
    let failed = 0;
    let next = 0;
    const t0 = performance.now();
    const one = async (i: number) => {
      const r = mulberry32(1000 + i);
      const file = files[Math.floor(r() * files.length)]!;
      const kind = r();
      const controller = new AbortController();
      const timer = r() < 0.5 ? setTimeout(() => controller.abort(), Math.floor(r() * 40)) : undefined;
      try {
        if (kind < 0.4) await engine.score(file.slice(0, 32 + Math.floor(r() * 900)), { topK: 5, signal: controller.signal, priority: 'background' });
        else if (kind < 0.8) await engine.generate(file.slice(0, 16 + Math.floor(r() * 480)), { maxNewTokens: 1 + Math.floor(r() * 8), stopTokens: [], signal: controller.signal });
        else await engine.nextLogprobs!(file.slice(0, 16 + Math.floor(r() * 480)), { signal: controller.signal });
      } catch (error) {
        if (error instanceof CancelledError) cancelled++;
        else failed++;
      } finally {
        clearTimeout(timer);
      }
      if (i % 500 === 0) options.log?.(`storm: ${i}/${requests} requests, RSS ${mb(process.memoryUsage().rss).toFixed(0)} MB`);
    };
    const lane = async () => {
      while (next < requests) await one(next++);
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
    clearInterval(sampler);
    const seconds = (performance.now() - t0) / 1000;
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const usage = process.memoryUsage();
    const rssAfter = usage.rss;
    return { requests, cancelled, failed, rssAfterLoadMB: mb(rssAfterLoad), rssPeakMB: mb(Math.max(peak, rssAfter)), rssAfterMB: mb(rssAfter), heapUsedMB: mb(usage.heapUsed), arrayBuffersMB: mb(usage.arrayBuffers), kvCacheMB: local ? mb(local.cache.bytesUsed) : NaN, memory, seconds, via: options.via ?? 'engine' };
  } finally {
    await engine.dispose();
  }
}

/** The inference worker as the editor starts it, with the model loaded. */
async function workerClient(settings: { modelPath: string; threads: number; kvCacheMB: number }): Promise<WorkerClient> {
  const client = benchWorkerClient(join(__dirname, '../../..'));
  await client.load({ ...defaultBackendSettings, ...settings, executionProvider: 'cpu' });
  return client;
}

/** `tokenwise bench storm`: one storm in this process (`--ort-arena`: ONNX Runtime's own defaults, arena and memory patterns on). */
export const stormBenchmark: Benchmark = {
  name: 'storm',
  summary: 'Memory under load: RSS after 7,500 overlapping engine requests, ~half cancelled (--requests, --ort-arena for ORT\'s defaults, --via worker for the editor\'s path).',
  async run(ctx) {
    const o = ctx.options;
    const memory: OrtMemoryOptions = o['ort-arena'] === true ? { cpuArena: true, memPattern: true } : ortMemoryOptions();
    const r = await runStorm({ ...(typeof o.requests === 'number' ? { requests: o.requests } : {}), ...(typeof o.model === 'string' ? { modelDir: o.model } : {}), memory, via: o.via === 'worker' ? 'worker' : 'engine', log: ctx.progress });
    return stormResult(r);
  },
};

function stormResult(r: StormReport): BenchResult {
  const label = `arena ${r.memory.cpuArena ? 'on' : 'off'}, memory patterns ${r.memory.memPattern ? 'on' : 'off'}`;
  return {
    benchmark: 'storm',
    info: { requests: r.requests, cancelled: r.cancelled, failed: r.failed, seconds: +r.seconds.toFixed(1), ort: label, via: r.via === 'worker' ? 'the inference worker (as the editor), KV budget 256 MB' : 'the engine in this process' },
    rows: stormRows(r, ''),
    goals: [{ goal: 'no request fails (other than cancelled)', met: r.failed === 0, value: `${r.failed} failed` }],
  };
}

export function stormRows(r: StormReport, prefix: string): BenchRow[] {
  const label = `ORT arena ${r.memory.cpuArena ? 'on' : 'off'}, mem patterns ${r.memory.memPattern ? 'on' : 'off'}`;
  return [
    { metric: `${prefix}RSS after load`, value: r.rssAfterLoadMB, unit: 'MB', note: label },
    { metric: `${prefix}RSS after a ${r.requests.toLocaleString('en')}-request storm`, value: r.rssAfterMB, unit: 'MB', note: `${label}; ${r.cancelled} cancelled; KV cache ${r.kvCacheMB.toFixed(0)} MB, V8 heap ${r.heapUsedMB.toFixed(0)} MB, array buffers ${r.arrayBuffersMB.toFixed(0)} MB` },
    { metric: `${prefix}RSS peak during the storm`, value: r.rssPeakMB, unit: 'MB', note: `${r.seconds.toFixed(0)} s` },
  ];
}

/**
 * Both storms in fresh child processes of this program (RSS is per process): ONNX Runtime's own
 * defaults (arena and memory patterns on: the behaviour before) and the engine's settings.
 */
export async function runStormPair(requests: number, log: (line: string) => void): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const [arena, prefix] of [[true, 'storm before (ORT defaults): '], [false, 'storm after (engine settings): ']] as const) {
    const args = [...process.execArgv.filter((a) => a !== '--expose-gc'), '--expose-gc', process.argv[1]!, 'bench', 'storm', '--json', '--requests', String(requests), ...(arena ? ['--ort-arena'] : [])];
    log(`storm (${arena ? 'ORT defaults' : 'engine settings'}): ${requests} requests in a child process`);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`bench storm exited with ${code}`))));
    });
    const result = JSON.parse(out) as BenchResult;
    rows.push(...result.rows.map((row) => ({ ...row, metric: prefix + row.metric })));
  }
  return rows;
}
