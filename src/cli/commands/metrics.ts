/**
 * `tokenwise metrics <file|dir>...`: compression metrics of files and folders (the panel's
 * figures headless): every tokenizer of the comparison set, gzip/brotli, and with --bpb the
 * model's bits per byte and information capacity. Folders are scanned like the editor's
 * workspace scan (skip rules, .gitignore, binaries and files over 1 MB left out).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliCommand } from '../dispatcher';
import { printJson } from '../io';
import { loadModel, modelOptions } from '../backend';
import { nodeWorkspaceFs } from '../workspaceFs';
import { TokenwiseError } from '../../core/base/errors';
import type { LoadedModel } from '../../core/inference/factory';
import { findShippedModel } from '../../core/model/modelDir';
import {
  defaultReference,
  defaultTokenizers,
  fileRow,
  loadComparisonTokenizers,
  measureText,
  metricsCsv,
  metricsJson,
  metricsModelFor,
  modelDirOf,
  readSourceText,
  scanMetricsFiles,
  summarize,
  summarizeByLanguage,
  unavailableCompressors,
  type FileMetrics,
  type MetricsModel,
  type MetricsReport,
} from '../../core/metrics';
import { SyntaxService } from '../../core/syntax';

const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
const num = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));

/** The files the arguments stand for: files as given, folders scanned. */
async function filesOf(paths: readonly string[], signal: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new TokenwiseError('input', `Cannot read ${p}: no such file or folder.`);
    }
    if (!isDir) out.push(abs);
    else out.push(...(await scanMetricsFiles(nodeWorkspaceFs, abs, { signal })).files.map((f) => f.uri));
  }
  return [...new Set(out)];
}

export function formatReport(report: MetricsReport): string {
  const s = report.summary;
  const lines = [`${s.files} file(s), ${s.bytes} bytes, ${s.lines} lines; premium relative to ${s.reference}`, ''];
  const head = ['tokenizer', 'tokens', 'bytes/tok', 'med', 'p95', 'chars/tok', 'tok/line', 'p95', 'ids: tok', 'split', 'cross', 'pure', 'premium'];
  const rows = s.tokenizers.map((t) => [
    t.tokenizer,
    String(t.tokens),
    num(t.bytesPerToken.mean),
    String(t.bytesPerToken.median),
    String(t.bytesPerToken.p95),
    num(t.charsPerToken.mean),
    num(t.tokensPerLine.mean),
    String(t.tokensPerLine.p95),
    num(t.identifierTokensMean),
    pct(t.identifierSplitShare),
    pct(t.crossingShare),
    pct(t.purity.identifierTokens),
    num(t.premium, 3),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  lines.push(fmt(head), ...rows.map(fmt), '');
  for (const c of s.compression) lines.push(`  ${c.name.padEnd(14)} ${c.bitsPerByte.toFixed(3)} bits/byte`);
  lines.push(`  (${unavailableCompressors.join(', ')}: no implementation in Node's zlib here)`);
  if (s.model) {
    const m = s.model;
    lines.push(`  model ${m.model.padEnd(8)} ${m.bitsPerByte.toFixed(3)} bits/byte${m.complete ? '' : ' (partial)'}`);
    if (m.informationCapacity !== undefined)
      lines.push(
        `  information capacity ${m.informationCapacity.toFixed(4)} = (${m.rawBitsPerToken.toFixed(2)} raw − ${m.nllBitsPerToken.toFixed(2)} NLL bits/token ${m.numeratorBias}) / log2(${m.flopsPerToken!.toExponential(3)} FLOPs/token, ${m.genLength} decoded)`,
      );
  }
  if (report.languages.length > 1) {
    lines.push('', '  premium by language:');
    for (const { language, summary } of report.languages)
      lines.push(`    ${language.padEnd(12)} ${String(summary.files).padStart(5)} files  ` + summary.tokenizers.map((t) => `${t.tokenizer} ${num(t.premium, 3)}`).join('  '));
  }
  const worst = s.tokenizers.find((t) => t.tokenizer === s.reference)?.worst ?? [];
  if (worst.length) lines.push('', `  most fragmented identifiers (${s.reference}): ` + worst.slice(0, 5).map((w) => `${w.pieces.join('|')} (${w.tokens})`).join(', '));
  return lines.join('\n') + '\n';
}

export const metricsCommand: CliCommand = {
  name: 'metrics',
  summary: 'Compression metrics: tokens, bytes/token, identifier fragmentation, premium, purity per tokenizer; gzip; --bpb: the model.',
  positionals: [{ name: 'path', description: 'Files or folders (folders are scanned: .gitignore, skip rules).', required: true, variadic: true }],
  options: {
    tokenizer: { type: 'string', valueName: 'a,b,...', description: `Comparison set (default ${defaultTokenizers.join(',')},model): encoding names, model, tokenizer.json paths.` },
    reference: { type: 'string', valueName: 'name', description: `Reference of the premium (default ${defaultReference}).` },
    bpb: { type: 'boolean', description: "Also the model's bits per byte (heat-map scoring) and information capacity." },
    csv: { type: 'boolean', description: 'Print the per-file table as CSV.' },
    context: { type: 'number', valueName: 'n', description: 'Least left context of the scoring windows (default 256).' },
    ...modelOptions,
  },
  details: [
    'JSON output: {"files", "bytes", "reference", "tokenizers": {"<name>": {"tokens", "bytesPerToken", "charsPerToken",',
    '"tokensPerLine", "identifierTokensMean", "identifierSplitShare", "premium", "crossingShare", "purity", …}},',
    '"bitsPerByte"?, "model"?, "gzipBitsPerByte", "compression", "languages", "perFile": [...]}. Figures are defined in the README.',
  ].join('\n'),
  async run(ctx) {
    const o = ctx.args.options;
    const reference = (o.reference as string | undefined) ?? defaultReference;
    let loaded: LoadedModel | undefined;
    try {
      if (o.bpb) loaded = await loadModel(ctx, 64);
      const modelDir = (await modelDirOf(loaded?.backend)) ?? (o.model as string | undefined) ?? findShippedModel();
      const names = typeof o.tokenizer === 'string' ? o.tokenizer.split(',') : [...defaultTokenizers, ...(modelDir ? ['model'] : [])];
      const tokenizers = loadComparisonTokenizers(names, reference, { modelDir, cwd: process.cwd() });
      const referenceName = tokenizers[0]!.name;
      const model: MetricsModel | undefined = loaded ? await metricsModelFor(loaded.backend, (o.context as number | undefined) ?? 256) : undefined;
      const syntax = new SyntaxService({ maxTrees: 2 });
      const files: FileMetrics[] = [];
      try {
        for (const path of await filesOf(ctx.args.positionals, ctx.signal)) {
          const text = await readSourceText(nodeWorkspaceFs, path);
          if (text === undefined) {
            if (ctx.args.positionals.includes(path)) throw new TokenwiseError('input', `${path} is a binary file.`);
            continue;
          }
          files.push(await measureText({ uri: path, text }, { tokenizers, syntax, ...(model ? { model } : {}), signal: ctx.signal }));
          syntax.close(path);
        }
      } finally {
        syntax.dispose();
      }
      if (files.length === 0) throw new TokenwiseError('input', 'No source files to measure.');
      const report: MetricsReport = { summary: summarize(files, referenceName), languages: summarizeByLanguage(files, referenceName), rows: files.map((f) => fileRow(f, referenceName)) };
      if (ctx.json) printJson(ctx.io, metricsJson(report));
      else if (o.csv) ctx.io.stdout(metricsCsv(report.rows));
      else ctx.io.stdout(formatReport(report));
    } finally {
      await loaded?.backend.dispose();
    }
  },
};
