/**
 * `tokenwise bench index`: the project API index on a large workspace, as the worker builds it.
 *   - full build (scan, read, tree-sitter declarations and imports, extraction, import resolution
 *     on first use), side by side with the floor it cannot beat: the same files read and parsed by
 *     the same syntax service with the same two queries and nothing else, in the same run;
 *   - the stored form: JSON size, gzipped size, load time, and the up-to-date check of an unchanged
 *     workspace against the loaded index (must re-read no file);
 *   - one file edited: the update, and that it equals a full rebuild (record count);
 *   - heap after the build.
 * Default input: a generated workspace (seeded: Python packages and TypeScript folders with
 * imports, classes, documented methods and cross-module calls), so it is outside the model's
 * training corpus by construction; `--repo <dir>` measures a real folder (its files are checked
 * against models/corpus_manifest.json and the share held out is printed — the index involves no
 * model, but the house rule holds for every benchmark).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TokenwiseError } from '../../core/base/errors';
import { mulberry32 } from '../../core/base/numbers';
import { SyntaxService } from '../../core/syntax';
import { buildIndex, indexFile, isConfigUri, ProjectIndex, scanIndexable } from '../../core/index';
import { nodeWorkspaceFs } from '../../cli/workspaceFs';
import { corpusStatus } from '../corpus';
import type { BenchGoal, BenchRow, Benchmark } from './types';

export interface IndexBenchOptions {
  /** A real folder instead of the generated workspace. */
  repo?: string;
  /** Files of the generated workspace, and the scan's cap (default 5,000). */
  files?: number;
  seed?: number;
  signal?: AbortSignal;
  progress?: (line: string) => void;
}

export interface IndexBenchReport {
  source: string;
  heldOut: string;
  files: number;
  symbols: number;
  buildS: number;
  msPerFile: number;
  parseOnlyS: number;
  parseOnlyMsPerFile: number;
  jsonMB: number;
  gzMB: number;
  loadS: number;
  checkS: number;
  checkReparsed: number;
  editMs: number;
  editEqualsRebuild: boolean;
  heapMB: number;
}

const nouns = ['record', 'buffer', 'session', 'token', 'cache', 'route', 'query', 'config', 'entry', 'node', 'stream', 'batch', 'schema', 'field', 'model', 'page', 'user', 'event', 'job', 'report', 'index', 'table', 'frame', 'packet', 'policy'];
const verbs = ['load', 'parse', 'build', 'find', 'merge', 'render', 'update', 'resolve', 'encode', 'decode', 'fetch', 'store', 'check', 'split', 'format', 'apply', 'reset', 'scan', 'emit', 'close'];

/** Writes a workspace of `count` source files (half Python, half TypeScript) under `root`. */
export function generateWorkspace(root: string, count: number, seed: number): void {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  const perPackage = 50;
  writeFileSync(join(root, 'tsconfig.json'), '{ "compilerOptions": { "baseUrl": "." } }\n');
  for (let i = 0; i < count; i++) {
    const python = i % 2 === 0;
    const pkg = `pkg${Math.floor(i / (2 * perPackage))}`;
    const dir = join(root, python ? 'py' : 'ts', pkg);
    mkdirSync(dir, { recursive: true });
    const n = Math.floor(i / 2) % perPackage;
    const others = [1, 2, 3].map((k) => (n + k * 7) % perPackage).filter((m) => m !== n);
    const classes = 1 + Math.floor(rnd() * 2);
    const lines: string[] = [];
    if (python) {
      if (n === 0) writeFileSync(join(dir, '__init__.py'), '"""Generated package."""\n');
      lines.push(`"""Module ${n} of ${pkg}."""`, ...others.map((m) => `from . import mod${m}`), '');
      for (let c = 0; c < classes; c++) {
        const cls = `${cap(pick(nouns))}${cap(pick(nouns))}${c}`;
        lines.push(`class ${cls}:`, `    """Keeps ${pick(nouns)} state for ${pick(nouns)} handling."""`, '', `    def __init__(self, ${pick(nouns)}: int = 0):`, `        self.count = 0`, '');
        for (let m = 0; m < 6 + Math.floor(rnd() * 7); m++) {
          const name = `${pick(verbs)}_${pick(nouns)}`;
          lines.push(`    def ${name}_${m}(self, ${pick(nouns)}: str, limit: int = ${m}) -> int:`, `        """${cap(pick(verbs))} the ${pick(nouns)} of this ${pick(nouns)}."""`, `        value = mod${pick(others)}.${pick(verbs)}_${pick(nouns)}(limit)`, `        if value > limit:`, `            self.count += 1`, `        return self.count + len(str(value))`, '');
        }
      }
      for (let f = 0; f < 3 + Math.floor(rnd() * 4); f++)
        lines.push(`def ${pick(verbs)}_${pick(nouns)}_${f}(limit=0):`, `    """${cap(pick(verbs))} ${pick(nouns)} entries up to a limit."""`, `    return [x for x in range(limit)]`, '');
      writeFileSync(join(dir, `mod${n}.py`), lines.join('\n') + '\n');
    } else {
      lines.push(...others.map((m) => `import * as mod${m} from './mod${m}';`), '');
      for (let c = 0; c < classes; c++) {
        const cls = `${cap(pick(nouns))}${cap(pick(nouns))}${c}`;
        lines.push(`/** Keeps ${pick(nouns)} state for ${pick(nouns)} handling. */`, `export class ${cls} {`, `  private count = 0;`, `  constructor(readonly ${pick(nouns)}: string) {}`, '');
        for (let m = 0; m < 6 + Math.floor(rnd() * 7); m++) {
          const name = `${pick(verbs)}${cap(pick(nouns))}${m}`;
          lines.push(`  /** ${cap(pick(verbs))} the ${pick(nouns)} of this ${pick(nouns)}. */`, `  ${name}(${pick(nouns)}: string, limit = ${m}): number {`, `    const value = mod${pick(others)}.${pick(verbs)}${cap(pick(nouns))}(limit);`, `    if (value > limit) this.count++;`, `    return this.count + String(value).length;`, `  }`, '');
        }
        lines.push('}', '');
      }
      for (let f = 0; f < 3 + Math.floor(rnd() * 4); f++)
        lines.push(`/** ${cap(pick(verbs))} ${pick(nouns)} entries up to a limit. */`, `export function ${pick(verbs)}${cap(pick(nouns))}${f}(limit = 0): number[] {`, `  return Array.from({ length: limit }, (_, i) => i);`, `}`, '');
      writeFileSync(join(dir, `mod${n}.ts`), lines.join('\n') + '\n');
    }
  }
}

const seconds = (ms: number) => +(ms / 1000).toFixed(2);

export async function runIndexBench(options: IndexBenchOptions = {}): Promise<IndexBenchReport> {
  const count = options.files ?? 5000;
  const progress = options.progress ?? (() => {});
  let root: string;
  let generated: string | undefined;
  if (options.repo) {
    root = resolve(options.repo);
    try {
      if (!statSync(root).isDirectory()) throw new Error();
    } catch {
      throw new TokenwiseError('input', `--repo ${options.repo}: not a folder`);
    }
  } else {
    generated = root = mkdtempSync(join(tmpdir(), 'tokenwise-bench-index-'));
    progress(`generating ${count} files under ${root}`);
    generateWorkspace(root, count, options.seed ?? 1);
  }
  // A real folder is capped at `count` files; the generated one is indexed whole (its package files and tsconfig.json on top).
  const cap = generated ? count + Math.ceil(count / 100) + 10 : count;
  const syntax = new SyntaxService();
  try {
    const scan = await scanIndexable(nodeWorkspaceFs, root, { maxFiles: cap });
    let heldOut = 'all (generated, outside the training corpus)';
    if (!generated) {
      const files = scan.files.filter((f) => !isConfigUri(f.uri));
      const trained = files.filter((f) => corpusStatus(f.uri).state === 'training').length;
      heldOut = `${files.length - trained} of ${files.length} source files held out from the model's training corpus`;
    }
    progress(`${scan.files.length} files to index${scan.truncated ? ` (scan capped at ${cap})` : ''}; ${heldOut}`);

    // The floor: the same files read and parsed with the same two queries, nothing kept (after
    // a warm-up on the first files, so neither side pays the grammars' loading).
    const sources = scan.files.filter((f) => !isConfigUri(f.uri));
    const parseOnly = async (files: typeof sources) => {
      for (const f of files) {
        if (options.signal?.aborted) throw new TokenwiseError('cancelled', 'Cancelled.');
        const text = new TextDecoder().decode(await nodeWorkspaceFs.readFile(f.uri));
        const doc = { uri: f.uri, version: 1, text };
        try {
          await syntax.declarations(doc);
          await syntax.imports(doc);
        } catch {
          // too large or too slow for the service: the index skips such files too
        }
        syntax.close(f.uri);
      }
    };
    await parseOnly(sources.slice(0, 100));
    let t = performance.now();
    await parseOnly(sources);
    const parsedFiles = sources.length;
    const parseOnlyMs = performance.now() - t;
    progress(`parse only: ${seconds(parseOnlyMs)} s`);

    t = performance.now();
    const built = await buildIndex(nodeWorkspaceFs, root, syntax, { maxFiles: cap, signal: options.signal });
    const buildMs = performance.now() - t;
    const heapMB = Math.round(process.memoryUsage().heapUsed / 1e6);
    progress(`index: ${seconds(buildMs)} s, ${built.files} files`);

    const text = built.index.serialize();
    const gz = gzipSync(text).length;
    t = performance.now();
    const loaded = ProjectIndex.deserialize(text, root);
    const loadMs = performance.now() - t;
    if (!(loaded instanceof ProjectIndex)) throw new TokenwiseError('internal', `the stored index did not load: ${loaded.rejected}`);
    t = performance.now();
    const check = await buildIndex(nodeWorkspaceFs, root, syntax, { maxFiles: cap, previous: loaded, signal: options.signal });
    const checkMs = performance.now() - t;

    // One file edited (in memory): the update, then the record count against a rebuild of that file alone.
    const first = sources[0];
    if (!first) throw new TokenwiseError('input', `${root}: no source file to index`);
    const original = new TextDecoder().decode(await nodeWorkspaceFs.readFile(first.uri));
    const edited = `${original}\n${first.uri.endsWith('.py') ? 'def added_by_bench(x):\n    return x\n' : 'export function addedByBench(x: number) {\n  return x;\n}\n'}`;
    t = performance.now();
    await indexFile(built.index, nodeWorkspaceFs, syntax, { uri: first.uri, size: edited.length, mtime: 1, text: edited });
    const editMs = performance.now() - t;
    const alone = new ProjectIndex(root);
    await indexFile(alone, nodeWorkspaceFs, syntax, { uri: first.uri, size: edited.length, mtime: 1, text: edited });
    const updated = built.index.file(first.uri);
    const editEqualsRebuild = updated !== undefined && updated.symbols.some((s) => /^added_?by_?bench$/i.test(s.name)) && JSON.stringify(updated) === JSON.stringify(alone.file(first.uri));

    return {
      source: generated ? `generated (${count} files, seed ${options.seed ?? 1})` : root,
      heldOut,
      files: built.files,
      symbols: built.index.stats().symbols,
      buildS: seconds(buildMs),
      msPerFile: +(buildMs / Math.max(1, built.files)).toFixed(1),
      parseOnlyS: seconds(parseOnlyMs),
      parseOnlyMsPerFile: +(parseOnlyMs / Math.max(1, parsedFiles)).toFixed(1),
      jsonMB: +(text.length / 1e6).toFixed(1),
      gzMB: +(gz / 1e6).toFixed(2),
      loadS: seconds(loadMs),
      checkS: seconds(checkMs),
      // Configs (tsconfig/jsconfig/package.json) are re-read on every check by design: cheap, and what they say can change without their mtime.
      checkReparsed: check.parsed - (scan.files.length - sources.length),
      editMs: +editMs.toFixed(1),
      editEqualsRebuild,
      heapMB,
    };
  } finally {
    syntax.dispose();
    if (generated) rmSync(generated, { recursive: true, force: true });
  }
}

export const indexBenchmark: Benchmark = {
  name: 'index',
  summary: 'The project API index of a 5,000-file workspace (generated, or --repo <dir>): build vs parse-only, stored size, load, up-to-date check, one edit.',
  async run(ctx) {
    const o = ctx.options;
    const r = await runIndexBench({
      ...(typeof o.repo === 'string' ? { repo: o.repo } : {}),
      ...(typeof o.files === 'number' ? { files: o.files } : {}),
      ...(typeof o.seed === 'number' ? { seed: o.seed } : {}),
      signal: ctx.signal,
      progress: ctx.progress,
    });
    const rows: BenchRow[] = [
      { metric: 'files indexed', value: r.files, unit: 'files' },
      { metric: 'symbols', value: r.symbols, unit: 'symbols' },
      { metric: 'index build', value: r.buildS, unit: 's', note: `${r.msPerFile} ms a file` },
      { metric: 'parse only (same files, same queries)', value: r.parseOnlyS, unit: 's', note: `${r.parseOnlyMsPerFile} ms a file` },
      { metric: 'build / parse only', value: r.buildS / Math.max(0.001, r.parseOnlyS), unit: '×' },
      { metric: 'stored index (JSON)', value: r.jsonMB, unit: 'MB', note: `${r.gzMB} MB gzipped` },
      { metric: 'load stored index', value: r.loadS, unit: 's' },
      { metric: 'up-to-date check (nothing changed)', value: r.checkS, unit: 's', note: `${r.checkReparsed} source files re-read` },
      { metric: 'update after one edit', value: r.editMs, unit: 'ms' },
      { metric: 'heap after build', value: r.heapMB, unit: 'MB' },
    ];
    const goals: BenchGoal[] = [
      { goal: 'the up-to-date check of an unchanged workspace re-reads no source file', met: r.checkReparsed === 0, value: `${r.checkReparsed} re-read` },
      { goal: 'an edited file updates to what a rebuild of it gives', met: r.editEqualsRebuild, value: String(r.editEqualsRebuild) },
    ];
    return { benchmark: 'index', info: { input: r.source, heldOut: r.heldOut }, rows, goals };
  },
};
