/**
 * `tokenwise bench entropy`: time to colour a 1,000-line file with the heat map, from cold and
 * after a one-line edit near the end, through the same core path the editor uses
 * (`EntropyDocument` over an `InferenceBackend`), with the engine in-process instead of in the
 * worker. Measured per step:
 *   - the visible screen (60 lines plus the view's token margins) at the top and at the end of the
 *     file, cold (empty prefix KV cache, no scores);
 *   - the whole file, cold (what the status bar's bits per byte needs);
 *   - after a one-line edit near the end (median of 3 different edits, each from the fully scored
 *     file): re-tokenize + rescore the visible screen, then the rest of the file;
 *   - a check that the incremental result equals scoring the edited file from scratch.
 */
import { existsSync, readFileSync } from 'node:fs';
import { decodeText } from '../../core/base/document';
import { readRegularFile } from '../../core/base/files';
import { TokenwiseError } from '../../core/base/errors';
import { corpusStatus, heldoutPythonFiles } from '../corpus';
import { join } from 'node:path';
import type { ExecutionProviderSetting } from '../../core/inference/types';
import { loadBackend } from '../../core/inference/factory';
import { EntropyDocument, scoringGeometry, type ScoreStats } from '../../core/entropy/document';
import { ContentCache } from '../../core/entropy/cache';
import { defaultContextTokens, viewMarginTokens } from '../../core/entropy/view';

export interface EntropyBenchContext {
  options: Readonly<Record<string, string | number | boolean | undefined>>;
  signal: AbortSignal;
  progress(line: string): void;
}

const screenLines = 60;

/**
 * A real 1,000-line source file the model never trained on: the first 1,000 lines of `--file`,
 * else of a held-out file of CPython's library (dataclasses.py; argparse.py is training data),
 * else of this program. Whether it is held out is checked against models/corpus_manifest.json.
 */
function benchText(file: string | undefined, lines: number): { text: string; source: string; heldOut: string } {
  if (file && !existsSync(file)) throw new TokenwiseError('input', `--file ${file}: no such file.`);
  const candidates = file ? [file] : [...heldoutPythonFiles, join(__dirname, 'cli.js'), __filename];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    if (!file && corpusStatus(path).state === 'training') continue;
    // A named file must be text (regular, UTF-8, not binary: `--file /usr/bin/ls` is refused).
    const all = (file ? decodeText(readRegularFile(path, { maxBytes: 256 * 1024 * 1024 }), path) : readFileSync(path, 'utf8')).split('\n');
    if (all.length < lines && !file) continue;
    return { text: all.slice(0, lines).join('\n') + '\n', source: path, heldOut: corpusStatus(path).describe };
  }
  throw new TokenwiseError('input', `no held-out file of ${lines} lines found (looked for ${heldoutPythonFiles.join(', ')}); pass --file`);
}

function lineOffset(text: string, line: number): number {
  let at = 0;
  for (let i = 0; i < line && at !== -1; i++) at = text.indexOf('\n', at) + 1;
  return at <= 0 ? text.length : at;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const entropyBenchmark = {
  name: 'entropy',
  summary: 'Heat map: time to colour a 1,000-line file (visible screen and whole file), cold vs after a one-line edit near the end (--model, --provider, --threads, --file).',
  async run(ctx: EntropyBenchContext) {
    const opts = ctx.options;
    const lines = typeof opts.lines === 'number' ? opts.lines : 1000;
    const { text, source, heldOut } = benchText(typeof opts.file === 'string' ? opts.file : undefined, lines);
    const provider = (typeof opts.provider === 'string' ? opts.provider : 'cpu') as ExecutionProviderSetting;
    const threads = typeof opts.threads === 'number' ? opts.threads : 0;
    const context = typeof opts.context === 'number' ? opts.context : defaultContextTokens;
    ctx.progress(`loading the model (${provider})…`);
    const loaded = await loadBackend(
      { backend: 'embedded', modelPath: typeof opts.model === 'string' ? opts.model : '', executionProvider: provider, threads, kvCacheMB: 256 },
      { log: (_level, m) => ctx.progress(m) },
    );
    const engine = loaded.backend;
    try {
      const info = await engine.info();
      const g = scoringGeometry(info, context, 5);
      const signal = ctx.signal;
      const nLines = text.split('\n').length - 1;
      const top = { start: 0, end: lineOffset(text, screenLines) };
      const end = { start: lineOffset(text, nLines - screenLines), end: text.length };
      const fresh = () => {
        loaded.clearCache();
        return new EntropyDocument(engine, g, new ContentCache());
      };
      /** update (tokenize + merge) then score: what one editor refresh does. */
      const colour = async (doc: EntropyDocument, t: string, range?: { start: number; end: number }) => {
        const t0 = performance.now();
        const u = await doc.update(t, signal);
        const s: ScoreStats = range ? await doc.scoreRange(range.start, range.end, viewMarginTokens, { signal }) : await doc.scoreAll({ signal });
        return { ms: performance.now() - t0, update: u, stats: s };
      };

      // Warm-up: one small request so session start-up costs are not counted as "cold".
      await engine.score(loaded.tokenizer.encodeText('def warm_up():\n    pass\n'), { topK: 5 });

      ctx.progress('cold: visible screen at the top…');
      const coldTop = await colour(fresh(), text, top);
      ctx.progress('cold: visible screen at the end…');
      const coldEnd = await colour(fresh(), text, end);
      ctx.progress('cold: whole file…');
      const doc = fresh();
      const coldAll = await colour(doc, text);
      const tokens = doc.current!.size;
      const bpb = doc.bitsPerByte()!;

      // One-line edits near the end, each applied to the fully scored file (undo = content-cache hit).
      const editLines = [nLines - 10, nLines - 25, nLines - 5];
      const visible: Awaited<ReturnType<typeof colour>>[] = [];
      const rest: Awaited<ReturnType<typeof colour>>[] = [];
      let edited = text;
      for (const [i, line] of editLines.entries()) {
        ctx.progress(`after a one-line edit at line ${line + 1} (${i + 1}/${editLines.length})…`);
        await doc.update(text, signal);
        const at = lineOffset(text, line);
        edited = text.slice(0, at) + `        retries_${i} = max(0, retries_${i} - 1)\n` + text.slice(at);
        visible.push(await colour(doc, edited, end));
        rest.push(await colour(doc, edited));
      }
      ctx.progress('check: incremental == scoring the edited file from scratch…');
      const check = fresh();
      await check.update(edited, signal);
      await check.scoreAll({ signal });
      let maxDiff = 0;
      let mismatched = 0;
      const a = doc.current!.scores;
      const b = check.current!.scores;
      for (let i = 0; i < b.length; i++) {
        const x = a[i];
        const y = b[i];
        if (!x || !y || x.id !== y.id || x.rank !== y.rank) mismatched++;
        else maxDiff = Math.max(maxDiff, Math.abs(x.logprob - y.logprob));
      }

      const visMs = median(visible.map((v) => v.ms));
      const restMs = median(rest.map((v) => v.ms));
      const visComputed = median(visible.map((v) => v.stats.computedTokens));
      const restComputed = median(rest.map((v) => v.stats.computedTokens));
      const kept = median(visible.map((v) => v.update.kept));
      const row = (metric: string, cold: { ms: number; stats: ScoreStats }, warmMs: number | undefined, warmComputed: number | undefined) => ({
        metric,
        value: cold.ms,
        unit: 'ms',
        note:
          `cold: ${cold.stats.computedTokens} tokens through the model, ${cold.stats.requests} requests` +
          (warmMs === undefined ? '' : ` | after edit: ${warmMs.toFixed(1)} ms, ${warmComputed} tokens through the model (${(cold.ms / warmMs).toFixed(1)}× faster)`),
      });
      return {
        benchmark: 'entropy',
        info: {
          model: info.location,
          provider: info.provider,
          threads: threads || 'half the cores',
          file: `${source} (first ${nLines} lines, ${Buffer.byteLength(text)} bytes, ${tokens} model tokens)`,
          heldOut,
          geometry: `window ${g.window}, left context ${g.context}, stride ${g.stride} tokens; view margin ${viewMarginTokens} tokens`,
          'bits per byte of the file': bpb.bitsPerByte.toFixed(3),
          'tokens kept after an edit (median)': `${kept} of ${tokens}`,
          'incremental == from scratch': mismatched === 0 ? `yes (max |Δlogprob| ${maxDiff.toExponential(1)})` : `NO: ${mismatched} tokens differ`,
        },
        rows: [
          row(`visible screen (${screenLines} lines) at the top, cold`, coldTop, undefined, undefined),
          row(`visible screen (${screenLines} lines) at the end`, coldEnd, visMs, visComputed),
          row(`whole file (${nLines} lines)`, coldAll, visMs + restMs, visComputed + restComputed),
          { metric: 'whole file, throughput cold', value: (tokens / coldAll.ms) * 1000, unit: 'tokens/s' },
          { metric: 'tokenize + merge after the edit', value: median(visible.map((v) => v.ms - v.stats.ms)), unit: 'ms' },
        ],
        goals: [
          { goal: 'visible screen after a one-line edit < 250 ms', met: visMs < 250, value: `${visMs.toFixed(1)} ms` },
          { goal: 'whole file after a one-line edit ≥ 5× faster than cold', met: coldAll.ms / (visMs + restMs) >= 5, value: `${(coldAll.ms / (visMs + restMs)).toFixed(1)}×` },
          { goal: 'incremental result equals scoring from scratch', met: mismatched === 0 && maxDiff < 1e-3, value: mismatched === 0 ? 'yes' : `${mismatched} differ` },
        ],
      };
    } finally {
      await engine.dispose();
    }
  },
};
