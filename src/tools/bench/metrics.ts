/**
 * `tokenwise bench metrics`: throughput of the metrics panel's workspace scan on real source code.
 *
 * Corpus: the JavaScript/TypeScript files under this repository's node_modules (and Debian's
 * /usr/share/nodejs, /usr/lib/node_modules) and the .py files under /usr/lib/python3 and /usr/lib/python3.11, found by the workspace scan itself (skip rules,
 * .gitignore, binaries and files over 1 MB left out), in scan order until `--mb` (default 50) MB.
 * This corpus overlaps the shipped model's training corpus (models/corpus_manifest.json: the
 * CPython standard library, Debian's Python packages and permissively licensed npm packages), so:
 *   1. tokenizers only (o200k_base, cl100k_base, the model's tokenizer.json, tree-sitter
 *      identifiers, gzip and brotli): the whole corpus, MB/s and peak RSS — a throughput figure;
 *   2. with bits per byte (the same plus the model through the heat map's scoring document): only
 *      the files that training held out (models/train/build_corpus.py's rule: sha1 of the path
 *      relative to / — or `node_modules/…` — in the lowest 2 %), minus any whose content also
 *      appears under a trained path, up to `--bpb-mb` (default 1) MB; the bits-per-byte figures
 *      printed are over those held-out files only.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadBackend } from '../../core/inference/factory';
import type { ExecutionProviderSetting } from '../../core/inference/types';
import { findShippedModel } from '../../core/model/modelDir';
import { MetricsAccumulator, loadComparisonTokenizers, measureText, metricsModelFor, readSourceText, scanMetricsFiles, type MeasureOptions } from '../../core/metrics';
import { SyntaxService } from '../../core/syntax';
import { nodeWorkspaceFs } from '../../cli/workspaceFs';
import type { BenchContext, BenchResult, BenchRow, Benchmark } from './types';

interface CorpusFile {
  path: string;
  bytes: number;
  heldOut: boolean;
  /** sha1 of the content, filled in by the first scan. */
  hash?: string;
}

const MB = 1024 * 1024;

/** The training split's key of a file (build_corpus.py: relpath to / or node_modules/…). */
function corpusKey(path: string, nodeModules: string): string {
  return path.startsWith(nodeModules + '/') ? 'node_modules/' + relative(nodeModules, path) : relative('/', path);
}

export function isHeldOut(key: string): boolean {
  const h = BigInt('0x' + createHash('sha1').update(key).digest('hex'));
  return h % 1000n < 20n;
}

async function collectCorpus(nodeModules: string, mb: number, ctx: BenchContext): Promise<CorpusFile[]> {
  const roots: Array<{ root: string; ext: RegExp }> = [
    { root: nodeModules, ext: /\.(ts|js|mjs|cjs|mts|cts|tsx|jsx)$/ },
    { root: '/usr/lib/python3', ext: /\.py$/ },
    { root: '/usr/lib/python3.11', ext: /\.py$/ },
    { root: '/usr/share/nodejs', ext: /\.(ts|js|mjs|cjs)$/ },
    { root: '/usr/lib/node_modules', ext: /\.(ts|js|mjs|cjs)$/ },
  ];
  const files: CorpusFile[] = [];
  let total = 0;
  // Alternate between the roots so both languages are in the corpus whatever --mb is.
  const lists = [];
  for (const { root, ext } of roots) {
    if (!existsSync(root)) continue;
    const scan = await scanMetricsFiles(nodeWorkspaceFs, root, { maxFiles: 200_000, signal: ctx.signal });
    lists.push(scan.files.filter((f) => ext.test(f.uri)));
  }
  const at = lists.map(() => 0);
  while (total < mb * MB && lists.some((l, i) => at[i]! < l.length)) {
    for (let i = 0; i < lists.length && total < mb * MB; i++) {
      const f = lists[i]![at[i]!++];
      if (!f) continue;
      files.push({ path: f.uri, bytes: f.size, heldOut: isHeldOut(corpusKey(f.uri, nodeModules)) });
      total += f.size;
    }
  }
  return files;
}

/** The scan as the panel runs it: read each file, measure it, add it to the sums (no file's result is kept). */
async function run(files: readonly CorpusFile[], options: Omit<MeasureOptions, 'syntax'>, ctx: BenchContext, label: string) {
  const syntax = new SyntaxService({ maxTrees: 2 });
  const acc = new MetricsAccumulator('o200k_base');
  const bytes = files.reduce((a, f) => a + f.bytes, 0);
  let binaries = 0;
  const t0 = performance.now();
  let done = 0;
  let next = 0.1;
  try {
    for (const f of files) {
      const text = await readSourceText(nodeWorkspaceFs, f.path).catch(() => undefined);
      if (text === undefined) {
        binaries++;
        continue;
      }
      f.hash ??= createHash('sha1').update(text).digest('hex');
      acc.add(await measureText({ uri: f.path, text }, { ...options, syntax, signal: ctx.signal }));
      syntax.close(f.path);
      done += f.bytes;
      if (done / bytes >= next) {
        ctx.progress(`${label}: ${((100 * done) / bytes).toFixed(0)} % (${(done / MB / ((performance.now() - t0) / 1000)).toFixed(2)} MB/s)`);
        next += 0.1;
      }
    }
  } finally {
    syntax.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  return { summary: acc.summary(), binaries, seconds, mbPerS: bytes / MB / seconds, bytes, peakRssMB: process.resourceUsage().maxRSS / 1024, rssMB: process.memoryUsage().rss / MB };
}

export const metricsBenchmark: Benchmark = {
  name: 'metrics',
  summary: 'Metrics workspace scan: MB/s and peak memory on ≥ 50 MB of real code, tokenizers only and with bits per byte on held-out files (--mb, --bpb-mb, --model, --provider, --threads).',
  async run(ctx): Promise<BenchResult> {
    const o = ctx.options;
    const mb = typeof o.mb === 'number' ? o.mb : 50;
    const bpbMb = typeof o['bpb-mb'] === 'number' ? o['bpb-mb'] : 1;
    const repo = resolve(__dirname, existsSync(resolve(__dirname, '../node_modules/tiktoken')) ? '..' : '../../..');
    const nodeModules = join(repo, 'node_modules');
    ctx.progress(`collecting ${mb} MB of source code…`);
    const corpus = await collectCorpus(nodeModules, mb, ctx);
    const corpusBytes = corpus.reduce((a, f) => a + f.bytes, 0);
    const modelDir = typeof o.model === 'string' ? o.model : findShippedModel();
    const tokenizers = loadComparisonTokenizers(['o200k_base', 'cl100k_base', ...(modelDir ? ['model'] : [])], 'o200k_base', { modelDir });
    const rssBefore = process.memoryUsage().rss / MB;

    ctx.progress(`tokenizers only: ${corpus.length} files, ${(corpusBytes / MB).toFixed(1)} MB…`);
    const plain = await run(corpus, { tokenizers }, ctx, 'tokenizers only');

    // A held-out path whose content is also under a trained path was trained on (cjs/esm copies).
    const trained = new Set(corpus.filter((f) => !f.heldOut && f.hash).map((f) => f.hash));
    const heldOut: CorpusFile[] = [];
    let heldBytes = 0;
    for (const f of corpus) if (f.heldOut && f.hash && !trained.has(f.hash) && heldBytes < bpbMb * MB) (heldOut.push(f), (heldBytes += f.bytes));
    ctx.progress(`loading the model…`);
    const loaded = await loadBackend(
      { backend: 'embedded', modelPath: modelDir ?? '', executionProvider: (typeof o.provider === 'string' ? o.provider : 'cpu') as ExecutionProviderSetting, threads: typeof o.threads === 'number' ? o.threads : 0, kvCacheMB: 64 },
      { log: (_l, m) => ctx.progress(m) },
    );
    let withBpb: Awaited<ReturnType<typeof run>>;
    let info;
    try {
      info = await loaded.backend.info();
      const model = await metricsModelFor(loaded.backend, 256);
      ctx.progress(`with bits per byte: ${heldOut.length} held-out files, ${(heldBytes / MB).toFixed(2)} MB…`);
      withBpb = await run(heldOut, { tokenizers, model }, ctx, 'with bits per byte');
    } finally {
      await loaded.backend.dispose();
    }
    const all = plain.summary;
    const held = withBpb.summary;
    const langs = (files: readonly CorpusFile[]) => {
      const by = new Map<string, number>();
      for (const f of files) {
        const ext = f.path.slice(f.path.lastIndexOf('.') + 1);
        by.set(ext, (by.get(ext) ?? 0) + f.bytes);
      }
      return [...by].map(([e, b]) => `.${e} ${(b / MB).toFixed(1)} MB`).join(', ');
    };
    const rows: BenchRow[] = [
      { metric: 'scan, tokenizers only', value: plain.mbPerS, unit: 'MB/s', note: `${corpus.length} files, ${(corpusBytes / MB).toFixed(1)} MB in ${plain.seconds.toFixed(1)} s; peak RSS ${plain.peakRssMB.toFixed(0)} MB, RSS at the end ${plain.rssMB.toFixed(0)} MB` },
      { metric: 'scan, with bits per byte (held-out files)', value: withBpb.mbPerS * 1024, unit: 'KB/s', note: `${heldOut.length} files, ${(heldBytes / MB).toFixed(2)} MB in ${withBpb.seconds.toFixed(1)} s; peak RSS ${withBpb.peakRssMB.toFixed(0)} MB (${info.provider})` },
      { metric: 'peak RSS (process)', value: withBpb.peakRssMB, unit: 'MB', note: `RSS before the scans ${rssBefore.toFixed(0)} MB (tokenizers loaded)` },
    ];
    for (const t of held.tokenizers) rows.push({ metric: `held-out bytes/token ${t.tokenizer}`, value: t.bytesPerToken.mean, unit: 'B/tok', note: `premium vs o200k_base ${t.premium?.toFixed(3)}` });
    if (held.model) rows.push({ metric: 'held-out bits/byte, model', value: held.model.bitsPerByte, unit: 'bits/B', note: `information capacity ${held.model.informationCapacity?.toFixed(4) ?? 'n/a'} (b = ${held.model.numeratorBias})` });
    for (const c of held.compression) rows.push({ metric: `held-out bits/byte, ${c.name}`, value: c.bitsPerByte, unit: 'bits/B' });
    return {
      benchmark: 'metrics',
      info: {
        corpus: `${(corpusBytes / MB).toFixed(1)} MB: ${langs(corpus)} (.ts/.js under ${nodeModules}, .py under /usr/lib/python3 and /usr/lib/python3.11, through the workspace scan's rules)`,
        'overlap with the training corpus':
          'yes: the model was trained on CPython 3.11, Debian Python packages and npm packages from this node_modules (models/corpus_manifest.json); bits-per-byte figures are over held-out files only',
        'held-out files': `${heldOut.length} files, ${(heldBytes / MB).toFixed(2)} MB (${langs(heldOut)})`,
        tokenizers: tokenizers.map((t) => t.name),
        model: `${info.name} (${info.provider})`,
        'whole corpus bytes/token (o200k_base)': all.tokenizers[0]!.bytesPerToken.mean.toFixed(3),
      },
      rows,
      goals: [{ goal: 'corpus ≥ 50 MB of real source code', met: corpusBytes >= 50 * MB, value: `${(corpusBytes / MB).toFixed(1)} MB` }],
    };
  },
};
