/**
 * `tokenwise bench syntax`: the syntax service on a 10,000-line file, per language.
 *   - full parse: median of several parses of the whole file (MB/s of UTF-8);
 *   - incremental edit: p50 / p95 of `SyntaxService.parse(doc, changes)` after a typing-sized edit
 *     (half type a letter inside a word, half insert a bracket, quote, newline or delete 1–3
 *     characters at a random offset: tree.edit + parse with the old tree; each edit is undone
 *     before the next, so every edit starts from the intact file),
 *     side by side with a full re-parse of the same edited text, in the same run;
 *   - the first token / declaration / import queries on the whole file.
 * The file is generated deterministically (seeded), so it is not from the model's training corpus
 * (models/corpus_manifest.json); a `file` given instead is checked against the manifest's sources.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TokenwiseError } from '../../core/base/errors';
import { SyntaxService, type SyntaxLanguage, type TextChange } from '../../core/syntax';
import type { BenchGoal, BenchRow, Benchmark } from './types';

export interface SyntaxBenchOptions {
  /** Languages of the generated files (default python and typescript). */
  languages?: ('python' | 'typescript')[];
  /** Lines of the generated file (default 10,000). */
  lines?: number;
  /** Timed edits per language (default 100). */
  edits?: number;
  /** Full parses of the whole file for the median (default 5). */
  fullRuns?: number;
  seed?: number;
  /** Benchmark this file instead (its language from the extension); refused if it is in the training corpus. */
  file?: string;
  signal?: AbortSignal;
  progress?: (line: string) => void;
}

export interface Percentiles {
  p50Ms: number;
  p95Ms: number;
  meanMs: number;
}

export interface SyntaxBenchRun {
  language: SyntaxLanguage;
  /** Where the text came from: "generated: …" or the file path. */
  source: string;
  lines: number;
  utf16Units: number;
  utf8Bytes: number;
  fullParse: { runs: number; medianMs: number; mbPerSecond: number };
  edits: number;
  /** All edits; then the half that types a letter inside a word, and the half that inserts brackets, quotes, newlines or deletes. */
  incremental: Percentiles;
  incrementalInWord: Percentiles;
  incrementalStructural: Percentiles;
  fullReparse: Percentiles;
  /** Median full re-parse / median incremental parse. */
  speedup: number;
  /** Whole-file queries on the parsed tree (first call, not cached). */
  queriesMs: { tokens: number; declarations: number; imports: number };
  tokens: number;
  declarations: number;
}

export interface SyntaxBenchReport {
  benchmark: 'syntax';
  seed: number;
  runs: SyntaxBenchRun[];
}

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = ['alpha', 'beta', 'gamma', 'delta', 'count', 'total', 'index', 'value', 'buffer', 'limit', 'offset', 'record', 'result', 'parser', 'node', 'token'];

/** A deterministic source file of about `lines` lines: classes, functions, calls, loops, strings, comments. */
export function generateSource(language: 'python' | 'typescript', lines: number, seed: number): string {
  const random = rng(seed);
  const pick = () => words[Math.floor(random() * words.length)]!;
  const out: string[] = language === 'python' ? ['import os', 'from collections import OrderedDict as OD', ''] : ["import * as path from 'node:path';", "import { readFileSync } from 'node:fs';", ''];
  let n = 0;
  while (out.length < lines) {
    n++;
    const a = pick();
    const b = pick();
    if (language === 'python') {
      out.push(
        `class ${a[0]!.toUpperCase()}${a.slice(1)}${n}:`,
        `    """Holds ${a} and ${b} (block ${n})."""`,
        '',
        `    def __init__(self, ${a}: int = ${n}, ${b}=None):`,
        `        self.${a} = ${a}`,
        `        self.${b} = ${b} or OD()`,
        '',
        `    def step_${n}(self, items, *args, **kw) -> list:`,
        `        # walk the items (${n})`,
        `        ${b}_out = []`,
        `        for i, item in enumerate(items):`,
        `            if item > self.${a} and i % ${1 + (n % 7)} == 0:`,
        `                ${b}_out.append(os.path.join("${a}", str(item)))`,
        `            elif item is None:`,
        `                continue`,
        `        return [x * 2 for x in ${b}_out if x]`,
        '',
      );
    } else {
      const cls = `${a[0]!.toUpperCase()}${a.slice(1)}${n}`;
      out.push(
        `/** Holds ${a} and ${b} (block ${n}). */`,
        `export class ${cls} {`,
        `  private ${a}: number;`,
        `  constructor(${a} = ${n}, private readonly ${b}?: string) {`,
        `    this.${a} = ${a};`,
        `  }`,
        `  step${n}(items: number[], ...rest: string[]): string[] {`,
        `    // walk the items (${n})`,
        `    const out: string[] = [];`,
        `    for (const [i, item] of items.entries()) {`,
        `      if (item > this.${a} && i % ${1 + (n % 7)} === 0) out.push(path.join('${a}', \`\${item}\`));`,
        `      else if (item === undefined) continue;`,
        `    }`,
        `    return out.filter((x) => x.length > 0).map((x) => x + rest.join(','));`,
        `  }`,
        `}`,
        '',
      );
    }
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** Refuses a file that belongs to a source of models/corpus_manifest.json (the model's training corpus). */
export function assertOutsideCorpus(file: string, manifestPath?: string): void {
  const manifest = manifestPath ?? [join(process.cwd(), 'models/corpus_manifest.json'), join(__dirname, '../models/corpus_manifest.json'), join(__dirname, '../../../models/corpus_manifest.json')].find(existsSync);
  if (!manifest) return;
  const sources = Object.keys(JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>);
  const path = resolve(file).replace(/\\/g, '/');
  for (const source of sources) {
    const npm = /^npm:(.+)@[^@]+$/.exec(source);
    const hit = npm
      ? path.includes(`/node_modules/${npm[1]}/`)
      : source.startsWith('cpython')
        ? /\/lib\/python3[.\d]*\/(?!site-packages|dist-packages)/.test(path)
        : new RegExp(`/(site|dist)-packages/${source}/`).test(path);
    if (hit) throw new TokenwiseError('usage', `${file} is part of the model's training corpus (${source} in ${manifest}); benchmark another file.`);
  }
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { p50Ms: at(0.5), p95Ms: at(0.95), meanMs: values.reduce((s, v) => s + v, 0) / values.length };
}

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TokenwiseError('cancelled', 'The operation was cancelled.');
}

export async function runSyntaxBench(options: SyntaxBenchOptions = {}): Promise<SyntaxBenchReport> {
  const seed = options.seed ?? 1;
  const lines = options.lines ?? 10_000;
  const edits = options.edits ?? 100;
  const fullRuns = options.fullRuns ?? 5;
  const inputs: { language: SyntaxLanguage; text: string; source: string; uri: string }[] = [];
  if (options.file) {
    assertOutsideCorpus(options.file);
    const language = SyntaxService.languageOf({ uri: options.file });
    if (!language) throw new TokenwiseError('usage', `No syntax support for ${options.file}.`);
    inputs.push({ language, text: readFileSync(options.file, 'utf8'), source: resolve(options.file), uri: resolve(options.file) });
  } else
    for (const language of options.languages ?? ['python', 'typescript'])
      inputs.push({
        language,
        text: generateSource(language, lines, seed),
        source: `generated: deterministic ${language}, ${lines} lines, seed ${seed} (not from the training corpus)`,
        uri: `bench://syntax/generated.${language === 'python' ? 'py' : 'ts'}`,
      });
  const runs: SyntaxBenchRun[] = [];
  for (const input of inputs) {
    options.progress?.(`syntax: ${input.source}`);
    const service = new SyntaxService({ maxDocumentChars: Number.MAX_SAFE_INTEGER, parseBudgetMs: 60_000 });
    const fresh = new SyntaxService({ maxDocumentChars: Number.MAX_SAFE_INTEGER, parseBudgetMs: 60_000 });
    try {
      const bytes = Buffer.byteLength(input.text, 'utf8');
      await fresh.parse({ uri: 'bench://warm', version: 0, text: input.text.slice(0, 2000), languageId: input.language });
      fresh.close('bench://warm');
      const full: number[] = [];
      for (let i = 0; i < fullRuns; i++) {
        aborted(options.signal);
        const uri = `bench://full/${i}`;
        const started = performance.now();
        await fresh.parse({ uri, version: 1, text: input.text, languageId: input.language });
        full.push(performance.now() - started);
        fresh.close(uri);
      }
      const medianFull = percentiles(full).p50Ms;
      let doc = { uri: input.uri, version: 1, text: input.text, languageId: input.language };
      await service.parse(doc);
      let started = performance.now();
      const tokens = (await service.tokens(doc)).length;
      const tokensMs = performance.now() - started;
      started = performance.now();
      const declarations = (await service.declarations(doc)).length;
      const declarationsMs = performance.now() - started;
      started = performance.now();
      await service.imports(doc);
      const importsMs = performance.now() - started;
      const random = rng(seed + 1);
      const incremental: number[] = [];
      const inWordTimes: number[] = [];
      const structuralTimes: number[] = [];
      const reparse: number[] = [];
      for (let i = 0; i < edits; i++) {
        aborted(options.signal);
        // Even edits type a letter inside a word; odd ones insert `(`, `"`, a newline, … or delete 1–3 characters anywhere.
        let offset = Math.floor(random() * doc.text.length);
        const inWord = i % 2 === 0;
        if (inWord) while (offset < doc.text.length - 1 && !/[a-z]/.test(doc.text[offset]!)) offset++;
        const change: TextChange = inWord
          ? { rangeOffset: offset + 1, rangeLength: 0, text: 'x' }
          : random() < 0.6
            ? { rangeOffset: offset, rangeLength: 0, text: ['(', ' = 1', '\n', '"', ', '][Math.floor(random() * 5)]! }
            : { rangeOffset: offset, rangeLength: 1 + Math.floor(random() * 3), text: '' };
        const base = doc;
        const removed = base.text.slice(change.rangeOffset, change.rangeOffset + change.rangeLength);
        const text = base.text.slice(0, change.rangeOffset) + change.text + base.text.slice(change.rangeOffset + change.rangeLength);
        doc = { ...base, version: base.version + 1, text };
        let t0 = performance.now();
        const info = await service.parse(doc, [change]);
        incremental.push(performance.now() - t0);
        (inWord ? inWordTimes : structuralTimes).push(incremental[incremental.length - 1]!);
        if (!info.incremental) throw new TokenwiseError('internal', 'syntax bench: an edit was not parsed incrementally');
        const uri = `bench://reparse/${i}`;
        t0 = performance.now();
        await fresh.parse({ uri, version: 1, text, languageId: input.language });
        reparse.push(performance.now() - t0);
        fresh.close(uri);
        // Undo (not timed), so that every edit starts from the intact file, as typing does.
        doc = { ...base, version: doc.version + 1 };
        await service.parse(doc, [{ rangeOffset: change.rangeOffset, rangeLength: change.text.length, text: removed }]);
      }
      const inc = percentiles(incremental);
      const rep = percentiles(reparse);
      runs.push({
        language: input.language,
        source: input.source,
        lines: input.text.split('\n').length - (input.text.endsWith('\n') ? 1 : 0),
        utf16Units: input.text.length,
        utf8Bytes: bytes,
        fullParse: { runs: fullRuns, medianMs: medianFull, mbPerSecond: bytes / 1e6 / (medianFull / 1000) },
        edits,
        incremental: inc,
        incrementalInWord: percentiles(inWordTimes),
        incrementalStructural: percentiles(structuralTimes),
        fullReparse: rep,
        speedup: rep.p50Ms / inc.p50Ms,
        queriesMs: { tokens: tokensMs, declarations: declarationsMs, imports: importsMs },
        tokens,
        declarations,
      });
    } finally {
      service.dispose();
      fresh.dispose();
    }
  }
  return { benchmark: 'syntax', seed, runs };
}

export function formatSyntaxBench(report: SyntaxBenchReport): string {
  const f = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
  const lines: string[] = [];
  for (const r of report.runs) {
    lines.push(
      `syntax bench, ${r.language}: ${r.source}`,
      `  ${r.lines} lines, ${r.utf8Bytes} bytes, ${r.tokens} tokens, ${r.declarations} declarations`,
      `  full parse            ${f(r.fullParse.medianMs)} ms median of ${r.fullParse.runs}  (${r.fullParse.mbPerSecond.toFixed(2)} MB/s)`,
      `  edit, incremental     p50 ${f(r.incremental.p50Ms)} ms  p95 ${f(r.incremental.p95Ms)} ms  (${r.edits} edits)`,
      `    typing in a word    p50 ${f(r.incrementalInWord.p50Ms)} ms  p95 ${f(r.incrementalInWord.p95Ms)} ms`,
      `    brackets/quotes/del p50 ${f(r.incrementalStructural.p50Ms)} ms  p95 ${f(r.incrementalStructural.p95Ms)} ms`,
      `  edit, full re-parse   p50 ${f(r.fullReparse.p50Ms)} ms  p95 ${f(r.fullReparse.p95Ms)} ms  (same edits; ${r.speedup.toFixed(1)}× slower at p50)`,
      `  whole-file queries    tokens ${f(r.queriesMs.tokens)} ms, declarations ${f(r.queriesMs.declarations)} ms, imports ${f(r.queriesMs.imports)} ms`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The report as bench rows (for `tokenwise bench syntax`); `--file`, `--edits`, `--lines`, `--seed` are read from the options. */
export const syntaxBenchmark: Benchmark = {
  name: 'syntax',
  summary: 'Syntax service: full-parse MB/s, incremental edit p50/p95 vs full re-parse (10k-line files)',
  async run(ctx) {
    const o = ctx.options;
    const report = await runSyntaxBench({
      signal: ctx.signal,
      progress: ctx.progress,
      ...(typeof o.file === 'string' ? { file: o.file } : {}),
      ...(typeof o.edits === 'number' ? { edits: o.edits } : {}),
      ...(typeof o.lines === 'number' ? { lines: o.lines } : {}),
      ...(typeof o.seed === 'number' ? { seed: o.seed } : {}),
    });
    ctx.progress(formatSyntaxBench(report).trimEnd());
    const rows: BenchRow[] = [];
    const goals: BenchGoal[] = [];
    for (const r of report.runs) {
      const l = r.language;
      rows.push(
        { metric: `${l} full parse`, value: r.fullParse.mbPerSecond, unit: 'MB/s', note: `${r.fullParse.medianMs.toFixed(1)} ms, ${r.lines} lines` },
        { metric: `${l} incremental edit p50`, value: r.incremental.p50Ms, unit: 'ms' },
        { metric: `${l} incremental edit p95`, value: r.incremental.p95Ms, unit: 'ms' },
        { metric: `${l} full re-parse p50`, value: r.fullReparse.p50Ms, unit: 'ms' },
        { metric: `${l} full re-parse p95`, value: r.fullReparse.p95Ms, unit: 'ms' },
        { metric: `${l} whole-file tokens`, value: r.queriesMs.tokens, unit: 'ms' },
      );
      goals.push({ goal: `${l}: incremental edit p50 faster than a full re-parse`, met: r.incremental.p50Ms < r.fullReparse.p50Ms, value: `${r.speedup.toFixed(1)}×` });
    }
    return { benchmark: 'syntax', info: { seed: report.seed, files: report.runs.map((r) => r.source) }, rows, goals };
  },
};
