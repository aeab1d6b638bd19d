/**
 * `tokenwise bench engine`: Tokenwise's engine vs `@huggingface/transformers` `generate()` on the
 * same model directory and prompts, in one process, same thread count:
 *   - prefill of 512 tokens (time to the first new token, cold cache),
 *   - decode tokens/s ((N - 1) / time from the first to the last new token, greedy, no stop token),
 *   - first-token latency after a one-character edit near the end of a warm 512-token prompt,
 *   - RSS growth at model load for each side, the prefix cache held, and the process's peak RSS.
 * Both sides use the same ONNX Runtime settings (threads, no spinning); measurements are
 * interleaved (one of ours, one of theirs) so background load on the machine affects both alike.
 * transformers.js is a dev dependency, loaded at run time; when it is missing its column is empty.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeError } from '../../core/base/errors';
import { loadBackend } from '../../core/inference/factory';
import { findShippedModel } from '../../core/model/modelDir';

export interface EngineBenchOptions {
  /** Model directory (default: the shipped model, else the tiny test fixture). */
  modelDir?: string;
  threads?: number;
  promptTokens?: number;
  decodeTokens?: number;
  repeats?: number;
  searchFrom?: string;
  log?: (line: string) => void;
}

export interface BenchSide {
  prefillMs: number;
  /** Default decoding (Tokenwise: greedy with prompt-lookup speculation). */
  decodeTokensPerSec: number;
  /** One token per model step (Tokenwise with lookahead 0). */
  plainDecodeTokensPerSec: number;
  warmEditFirstTokenMs: number;
  coldFirstTokenMs: number;
  loadMs: number;
  /** RSS growth while loading the model (MB). */
  loadRssMB: number;
  /** Prefix KV cache held at the end (MB). */
  kvCacheMB: number;
  greedyTokens: number[];
}

export interface EngineBenchResult {
  model: string;
  provider: string;
  threads: number;
  promptTokens: number;
  decodeTokens: number;
  /** Peak RSS of the whole process (both sides loaded) in MB. */
  peakRssMB: number;
  tokenwise: BenchSide;
  transformers: BenchSide | { error: string };
  /** True when both sides produced the same greedy tokens. */
  sameTokens: boolean | null;
}

const snippet = `export function parseRecord(line: string, index: number): Record<string, string> | undefined {
  const parts = line.split(',').map((p) => p.trim());
  if (parts.length < 3) return undefined;
  const [name, kind, value] = parts;
  return { name: name ?? 'row' + index, kind: kind ?? 'unknown', value: value ?? '' };
}

def summarize(records, limit=10):
    total = 0
    for i, record in enumerate(records):
        if i >= limit:
            break
        total += len(record.get("value", ""))
    return {"count": min(limit, len(records)), "total": total}
`;

function findFixture(from: string): string | undefined {
  let dir = resolve(from);
  for (let i = 0; i < 6; i++) {
    const c = join(dir, 'test/fixtures/models/tiny-llama-gqa');
    if (existsSync(join(c, 'config.json'))) return c;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface TransformersLike {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  AutoModelForCausalLM: { from_pretrained(id: string, options: Record<string, unknown>): Promise<TModel> };
  Tensor: new (type: string, data: BigInt64Array, dims: number[]) => unknown;
}
interface TModel {
  generate(options: Record<string, unknown>): Promise<{ tolist(): (number | bigint)[][] }>;
  dispose(): Promise<unknown>;
}

/** Loads transformers.js at run time (kept out of the bundle: it is a dev dependency). */
async function loadTransformers(): Promise<TransformersLike> {
  const name = ['@huggingface', 'transformers'].join('/');
  return (await import(name)) as TransformersLike;
}

export async function runEngineBench(options: EngineBenchOptions = {}): Promise<EngineBenchResult> {
  const log = options.log ?? (() => {});
  const from = options.searchFrom ?? __dirname;
  const modelDir = options.modelDir
    ? resolve(options.modelDir)
    : (findShippedModel(from) ?? findShippedModel(process.cwd()) ?? findFixture(from) ?? findFixture(process.cwd()));
  if (!modelDir) throw new Error('No model to benchmark: pass --model <dir>.');
  const threads = options.threads ?? 2;
  const promptTokens = options.promptTokens ?? 512;
  const decodeTokens = options.decodeTokens ?? 128;
  const repeats = options.repeats ?? 5;

  // Initialise ONNX Runtime once before measuring, so neither side pays for it in load time or RSS.
  const settings = { backend: 'embedded', modelPath: modelDir, executionProvider: 'cpu', threads } as const;
  const warmup = (await loadBackend({ ...settings, kvCacheMB: 0 })).backend;
  await warmup.generate([(await warmup.info()).bosTokenId ?? 0], { maxNewTokens: 2, stopTokens: [] });
  await warmup.dispose();

  // ---- load both ----------------------------------------------------------------------------------
  let rssBefore = process.memoryUsage().rss;
  let t = performance.now();
  const loaded = await loadBackend({ ...settings, kvCacheMB: 256, maxContext: 4096 });
  const engine = loaded.backend;
  const oursLoadMs = performance.now() - t;
  const oursLoadRss = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  const info = await engine.info();

  let text = snippet;
  while (loaded.tokenizer.encodeText(text).length < promptTokens + 8) text += snippet.replace(/parseRecord|summarize/g, (m) => m + text.length);
  const promptText = loaded.tokenizer.decode(loaded.tokenizer.encodeText(text).slice(0, promptTokens));
  const ids = loaded.tokenizer.encodeText(promptText).slice(0, promptTokens);
  // One-character edit 40 characters before the end (the typical "keep typing" case).
  const editAt = promptText.length - 40;
  const editedText = promptText.slice(0, editAt) + (promptText[editAt] === 'x' ? 'y' : 'x') + promptText.slice(editAt + 1);
  const edited = loaded.tokenizer.encodeText(editedText);
  const shortPrompt = ids.slice(0, 16);
  log(`model ${modelDir}: prompt ${ids.length} tokens, edited prompt ${edited.length} tokens`);

  let theirs: { gen(input: number[], n: number, stamps?: number[]): Promise<number[]>; dispose(): Promise<unknown>; loadMs: number; loadRss: number } | { error: string };
  try {
    const tf = await loadTransformers();
    tf.env.allowRemoteModels = false;
    tf.env.allowLocalModels = true;
    tf.env.localModelPath = dirname(modelDir) + '/';
    rssBefore = process.memoryUsage().rss;
    t = performance.now();
    const model = await tf.AutoModelForCausalLM.from_pretrained(modelDir.split(/[\\/]/).pop()!, {
      dtype: 'fp32',
      device: 'cpu',
      local_files_only: true,
      // Same ONNX Runtime settings as Tokenwise, so the comparison is about the engines.
      session_options: { intraOpNumThreads: threads, interOpNumThreads: 1, extra: { session: { 'intra_op.allow_spinning': '0' } } },
    });
    const loadMs = performance.now() - t;
    const loadRss = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    const gen = async (input: number[], n: number, stamps?: number[]): Promise<number[]> => {
      const inputIds = new tf.Tensor('int64', BigInt64Array.from(input.map(BigInt)), [1, input.length]);
      const mask = new tf.Tensor('int64', new BigInt64Array(input.length).fill(1n), [1, input.length]);
      let calls = 0;
      // put() gets the prompt first, then each new token.
      const streamer = stamps ? { put: () => void (calls++ > 0 && stamps.push(performance.now())), end: () => {} } : null;
      const out = await model.generate({ input_ids: inputIds, attention_mask: mask, max_new_tokens: n, min_new_tokens: n, do_sample: false, streamer });
      return out.tolist()[0]!.slice(input.length).map(Number);
    };
    theirs = { gen, dispose: () => model.dispose(), loadMs, loadRss };
  } catch (error) {
    theirs = { error: describeError(error) };
  }
  const tf = 'error' in theirs ? undefined : theirs;

  // ---- measurements, interleaved so background load affects both sides alike ------------------------
  const ours = { prefill: [] as number[], warm: [] as number[], cold: [] as number[], decode: [] as number[], plain: [] as number[], tokens: [] as number[] };
  const them = { prefill: [] as number[], edit: [] as number[], decode: [] as number[], tokens: [] as number[] };
  await engine.generate(shortPrompt, { maxNewTokens: 4, stopTokens: [] });
  await tf?.gen(shortPrompt, 4);
  const time = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  for (let r = 0; r < repeats; r++) {
    loaded.clearCache();
    ours.prefill.push(await time(() => engine.generate(ids, { maxNewTokens: 1, stopTokens: [] })));
    if (tf) them.prefill.push(await time(() => tf.gen(ids, 1)));
    // warm: the unedited prompt is cached (above); the edited one reuses the common prefix
    ours.warm.push(await time(() => engine.generate(edited, { maxNewTokens: 1, stopTokens: [] })));
    if (tf) them.edit.push(await time(() => tf.gen(edited, 1)));
    loaded.clearCache();
    ours.cold.push(await time(() => engine.generate(edited, { maxNewTokens: 1, stopTokens: [] })));
    // decode rate from the time stamps of the first and the last new token
    const rate = (stamps: number[]) => (stamps.length - 1) / ((stamps[stamps.length - 1]! - stamps[0]!) / 1000);
    loaded.clearCache();
    const stamps: number[] = [];
    ours.tokens = (await engine.generate(shortPrompt, { maxNewTokens: decodeTokens, stopTokens: [], onToken: () => stamps.push(performance.now()) })).tokens;
    ours.decode.push(rate(stamps));
    loaded.clearCache();
    const plainStamps: number[] = [];
    await engine.generate(shortPrompt, { maxNewTokens: decodeTokens, stopTokens: [], lookahead: 0, onToken: () => plainStamps.push(performance.now()) });
    ours.plain.push(rate(plainStamps));
    if (tf) {
      const theirStamps: number[] = [];
      them.tokens = await tf.gen(shortPrompt, decodeTokens, theirStamps);
      them.decode.push(rate(theirStamps));
    }
    log(`round ${r + 1}/${repeats}: decode ${ours.decode[r]!.toFixed(0)} (one token per step: ${ours.plain[r]!.toFixed(0)}) vs ${them.decode[r]?.toFixed(0) ?? '—'} tokens/s`);
  }
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const oursSide: BenchSide = {
    prefillMs: median(ours.prefill),
    decodeTokensPerSec: median(ours.decode),
    plainDecodeTokensPerSec: median(ours.plain),
    warmEditFirstTokenMs: median(ours.warm),
    coldFirstTokenMs: median(ours.cold),
    loadMs: oursLoadMs,
    loadRssMB: oursLoadRss,
    kvCacheMB: loaded.cacheBytes() / 2 ** 20,
    greedyTokens: ours.tokens,
  };
  await engine.dispose();
  let theirSide: BenchSide | { error: string };
  if (tf) {
    theirSide = {
      prefillMs: median(them.prefill),
      decodeTokensPerSec: median(them.decode),
      plainDecodeTokensPerSec: median(them.decode),
      warmEditFirstTokenMs: median(them.edit),
      coldFirstTokenMs: median(them.edit),
      loadMs: tf.loadMs,
      loadRssMB: tf.loadRss,
      kvCacheMB: 0,
      greedyTokens: them.tokens,
    };
    await tf.dispose();
  } else theirSide = theirs as { error: string };
  const sameTokens = 'error' in theirSide ? null : theirSide.greedyTokens.join(',') === oursSide.greedyTokens.join(',');
  return { model: modelDir, provider: info.provider, threads, promptTokens: ids.length, decodeTokens, peakRssMB, tokenwise: oursSide, transformers: theirSide, sameTokens };
}

/** The side-by-side table. */
export function formatEngineBench(r: EngineBenchResult): string {
  const them = 'error' in r.transformers ? undefined : r.transformers;
  const rows: [string, number, number | undefined, boolean][] = [
    [`prefill ${r.promptTokens} tokens (ms)`, r.tokenwise.prefillMs, them?.prefillMs, false],
    ['decode (tokens/s)', r.tokenwise.decodeTokensPerSec, them?.decodeTokensPerSec, true],
    ['decode, one token per step (tokens/s)', r.tokenwise.plainDecodeTokensPerSec, them?.decodeTokensPerSec, true],
    ['first token after 1-char edit, warm (ms)', r.tokenwise.warmEditFirstTokenMs, them?.warmEditFirstTokenMs, false],
    ['first token after 1-char edit, cold (ms)', r.tokenwise.coldFirstTokenMs, them?.coldFirstTokenMs, false],
    ['model load (ms)', r.tokenwise.loadMs, them?.loadMs, false],
    ['RSS growth at load (MB)', r.tokenwise.loadRssMB, them?.loadRssMB, false],
    ['prefix KV cache held (MB)', r.tokenwise.kvCacheMB, them ? 0 : undefined, false],
  ];
  const fmt = (v: number | undefined) => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const lines = [
    `model: ${r.model}`,
    `provider: ${r.provider}, threads: ${r.threads}, decode: ${r.decodeTokens} new tokens, greedy; medians of interleaved runs`,
    `peak RSS of the process (both engines loaded): ${r.peakRssMB.toFixed(0)} MB`,
    '',
    `${'metric'.padEnd(44)} ${'tokenwise'.padStart(10)} ${'transformers.js'.padStart(16)} ${'speed-up'.padStart(9)}`,
  ];
  for (const [name, a, b, higherIsBetter] of rows) {
    const ratio = b === undefined || !/ms\)|tokens\/s/.test(name) || name.startsWith('model load') ? '' : `${(higherIsBetter ? a / b : b / a).toFixed(2)}×`;
    lines.push(`${name.padEnd(44)} ${fmt(a).padStart(10)} ${fmt(b).padStart(16)} ${ratio.padStart(9)}`);
  }
  if ('error' in r.transformers) lines.push('', `transformers.js not run: ${r.transformers.error}`);
  else lines.push('', `greedy tokens identical: ${r.sameTokens ? 'yes' : 'no'}`);
  return lines.join('\n') + '\n';
}

/** Options the `tokenwise bench engine` entry reads (`--model <dir>`, `--threads <n>`). */
export interface EngineBenchContext {
  options: Readonly<Record<string, string | number | boolean | undefined>>;
  signal: AbortSignal;
  progress(line: string): void;
}

/**
 * The `engine` entry for the CLI's benchmark table (src/cli/commands/bench.ts): rows carry the
 * Tokenwise value with the transformers.js value and the speed-up beside it in the note.
 */
export const engineBenchmark = {
  name: 'engine',
  summary: 'Tokenwise engine vs transformers.js generate(): prefill, decode, warm first token after an edit, memory (--model <dir>).',
  async run(ctx: EngineBenchContext) {
    const model = typeof ctx.options.model === 'string' ? ctx.options.model : undefined;
    const threads = typeof ctx.options.threads === 'number' ? ctx.options.threads : undefined;
    const opts: EngineBenchOptions = { log: ctx.progress };
    if (model) opts.modelDir = model;
    if (threads) opts.threads = threads;
    const r = await runEngineBench(opts);
    for (const line of formatEngineBench(r).trimEnd().split('\n')) ctx.progress(line);
    const them = 'error' in r.transformers ? undefined : r.transformers;
    const row = (metric: string, ours: number, theirs: number | undefined, unit: string, higherIsBetter: boolean) => ({
      metric,
      value: ours,
      unit,
      note: theirs === undefined ? 'transformers.js not run' : `transformers.js ${theirs.toFixed(1)} ${unit}, ${(higherIsBetter ? ours / theirs : theirs / ours).toFixed(2)}×`,
    });
    const decodeX = them ? r.tokenwise.decodeTokensPerSec / them.decodeTokensPerSec : NaN;
    const warmX = them ? them.warmEditFirstTokenMs / r.tokenwise.warmEditFirstTokenMs : NaN;
    return {
      benchmark: 'engine',
      info: { model: r.model, provider: r.provider, threads: r.threads, promptTokens: r.promptTokens, decodeTokens: r.decodeTokens, 'greedy tokens identical': r.sameTokens === null ? 'n/a' : r.sameTokens ? 'yes' : 'no' },
      rows: [
        row(`prefill ${r.promptTokens} tokens`, r.tokenwise.prefillMs, them?.prefillMs, 'ms', false),
        row('decode (greedy, prompt-lookup speculation)', r.tokenwise.decodeTokensPerSec, them?.decodeTokensPerSec, 'tokens/s', true),
        row('decode, one token per step (lookahead 0)', r.tokenwise.plainDecodeTokensPerSec, them?.decodeTokensPerSec, 'tokens/s', true),
        row('first token after 1-char edit, warm', r.tokenwise.warmEditFirstTokenMs, them?.warmEditFirstTokenMs, 'ms', false),
        row('first token after 1-char edit, cold', r.tokenwise.coldFirstTokenMs, them?.coldFirstTokenMs, 'ms', false),
        row('model load', r.tokenwise.loadMs, them?.loadMs, 'ms', false),
        { metric: 'RSS growth at load', value: r.tokenwise.loadRssMB, unit: 'MB', note: them ? `transformers.js ${them.loadRssMB.toFixed(1)} MB` : 'transformers.js not run' },
        { metric: 'prefix KV cache held', value: r.tokenwise.kvCacheMB, unit: 'MB' },
        { metric: 'peak RSS of the process (both loaded)', value: r.peakRssMB, unit: 'MB' },
      ],
      goals: [
        { goal: 'decode ≥ 1.2× transformers.js', met: decodeX >= 1.2, value: Number.isFinite(decodeX) ? `${decodeX.toFixed(2)}×` : 'n/a' },
        { goal: 'warm first token after a 1-char edit ≥ 5× transformers.js', met: warmX >= 5, value: Number.isFinite(warmX) ? `${warmX.toFixed(2)}×` : 'n/a' },
        { goal: 'greedy tokens identical to transformers.js', met: r.sameTokens === true, value: r.sameTokens === null ? 'n/a' : String(r.sameTokens) },
      ],
    };
  },
};
