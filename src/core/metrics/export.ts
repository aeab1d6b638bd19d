/**
 * Exports of a measurement: the JSON document `tokenwise metrics --json` prints (and the panel's
 * "Export JSON" writes), and a CSV of the per-file rows. Pure; no Node.
 */
import type { FileRow, MetricsSummary } from './types';

export interface MetricsReport {
  summary: MetricsSummary;
  languages: Array<{ language: string; summary: MetricsSummary }>;
  rows: FileRow[];
}

const round = (x: number | null | undefined, digits = 4): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));

function tokenizerJson(s: MetricsSummary) {
  const out: Record<string, unknown> = {};
  for (const t of s.tokenizers) {
    out[t.tokenizer] = {
      tokens: t.tokens,
      bytesPerToken: round(t.bytesPerToken.mean),
      charsPerToken: round(t.charsPerToken.mean),
      tokensPerLine: round(t.tokensPerLine.mean),
      identifierTokensMean: round(t.identifierTokensMean),
      identifierSplitShare: round(t.identifierSplitShare),
      premium: round(t.premium),
      crossingShare: round(t.crossingShare),
      purity: { all: round(t.purity.all), identifierTokens: round(t.purity.identifierTokens), unique: round(t.purity.unique) },
      whitespaceShare: round(t.whitespaceShare),
      splitCharShare: round(t.splitCharShare),
      distributions: { bytesPerToken: t.bytesPerToken, charsPerToken: t.charsPerToken, tokensPerLine: t.tokensPerLine },
      tokenBytesHistogram: t.tokenBytesHistogram,
      worstIdentifiers: t.worst,
    };
  }
  return out;
}

/** The CLI's JSON document (README "CLI"). */
export function metricsJson(report: MetricsReport): Record<string, unknown> {
  const s = report.summary;
  const doc: Record<string, unknown> = { files: s.files, bytes: s.bytes, chars: s.chars, lines: s.lines, reference: s.reference, tokenizers: tokenizerJson(s) };
  if (s.model) {
    doc.bitsPerByte = round(s.model.bitsPerByte);
    doc.model = {
      name: s.model.model,
      tokens: s.model.tokens,
      scoredTokens: s.model.scoredTokens,
      rawBitsPerToken: round(s.model.rawBitsPerToken),
      nllBitsPerToken: round(s.model.nllBitsPerToken),
      flopsPerToken: s.model.flopsPerToken ?? null,
      genLength: s.model.genLength ?? null,
      numeratorBias: s.model.numeratorBias,
      informationCapacity: round(s.model.informationCapacity),
    };
  }
  doc.gzipBitsPerByte = round(s.compression.find((c) => c.name.startsWith('gzip'))?.bitsPerByte);
  doc.compression = Object.fromEntries(s.compression.map((c) => [c.name, round(c.bitsPerByte)]));
  doc.languages = Object.fromEntries(
    report.languages.map(({ language, summary }) => [
      language,
      { files: summary.files, bytes: summary.bytes, premium: Object.fromEntries(summary.tokenizers.map((t) => [t.tokenizer, round(t.premium)])), bitsPerByte: round(summary.model?.bitsPerByte) },
    ]),
  );
  doc.perFile = report.rows.map((r) => ({
    file: r.uri,
    language: r.language,
    bytes: r.bytes,
    lines: r.lines,
    tokens: r.tokens,
    bytesPerToken: Object.fromEntries(Object.entries(r.bytesPerToken).map(([k, v]) => [k, round(v)])),
    premium: Object.fromEntries(Object.entries(r.premium).map(([k, v]) => [k, round(v)])),
    identifierSplitShare: Object.fromEntries(Object.entries(r.identifierSplitShare).map(([k, v]) => [k, round(v)])),
    compression: Object.fromEntries(Object.entries(r.compression).map(([k, v]) => [k, round(v)])),
    ...(r.bitsPerByte !== undefined ? { bitsPerByte: round(r.bitsPerByte) } : {}),
  }));
  return doc;
}

function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : typeof value === 'number' ? String(round(value, 6) ?? '') : String(value);
  // Quote when needed; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof value !== 'number' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV of the per-file rows: one column per tokenizer figure and per compressor. */
export function metricsCsv(rows: readonly FileRow[]): string {
  const tokenizers = [...new Set(rows.flatMap((r) => Object.keys(r.tokens)))];
  const compressors = [...new Set(rows.flatMap((r) => Object.keys(r.compression)))];
  const hasModel = rows.some((r) => r.bitsPerByte !== undefined);
  const header = ['file', 'language', 'bytes', 'lines'];
  for (const t of tokenizers) header.push(`tokens ${t}`, `bytes/token ${t}`, `premium ${t}`, `identifier split share ${t}`);
  for (const c of compressors) header.push(`bits/byte ${c}`);
  if (hasModel) header.push('bits/byte model');
  const lines = [header.map(csvCell).join(',')];
  for (const r of rows) {
    const cells: unknown[] = [r.uri, r.language, r.bytes, r.lines];
    for (const t of tokenizers) cells.push(r.tokens[t], r.bytesPerToken[t], r.premium[t], r.identifierSplitShare[t]);
    for (const c of compressors) cells.push(r.compression[c]);
    if (hasModel) cells.push(r.bitsPerByte);
    lines.push(cells.map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}
