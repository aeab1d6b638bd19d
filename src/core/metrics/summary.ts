/**
 * Summaries of measured files: the ratios shown in the panel and printed by the CLI, from the
 * sums of per-file counts (so a workspace figure is over all its bytes, not a mean of file means).
 *
 * - bytes/token, chars/token: mean = Σ bytes (code points) / Σ tokens; median, p95 over tokens.
 * - tokens/line: mean = Σ tokens / Σ lines; median, p95 over lines (nearest rank).
 * - premium of a tokenizer = its tokens / the reference tokenizer's tokens on the same files.
 * - compressor bits/byte = 8 · Σ compressed bytes / Σ bytes (each file compressed on its own).
 * - model bits/byte = Σ −log2 p / Σ bytes over files the model scored.
 */
import { informationCapacity, paperNumeratorBias } from './capacity';
import { distribution, histogram, mergeHistogram, ratio } from './stats';
import { tokenLengthCap, tokensPerLineCap, worstIdentifierCount, worstOf } from './tokens';
import type { FileMetrics, FileRow, FragmentedIdentifier, Histogram, MetricsSummary, ModelSummary, TokenizerCounts, TokenizerSummary } from './types';

function trimmed(h: Histogram): Histogram {
  let end = h.length;
  while (end > 0 && h[end - 1] === 0) end--;
  return h.slice(0, end);
}

interface TokenizerSums {
  tokens: number;
  bytes: number;
  chars: number;
  lines: number;
  c: Omit<TokenizerCounts, 'tokenizer' | 'touchingIds' | 'impureIds' | 'worst'>;
  touching: Set<number>;
  impure: Set<number>;
  worst: Map<string, FragmentedIdentifier>;
  identifiersKnown: boolean;
}

function emptySums(): TokenizerSums {
  return {
    tokens: 0,
    bytes: 0,
    chars: 0,
    lines: 0,
    c: {
      tokens: 0,
      whitespaceTokens: 0,
      splitCharTokens: 0,
      tokenBytes: histogram(tokenLengthCap),
      tokenChars: histogram(tokenLengthCap),
      tokensPerLine: histogram(tokensPerLineCap),
      charsSum: 0,
      identifiers: 0,
      identifierTokens: 0,
      splitIdentifiers: 0,
      touchingTokens: 0,
      crossingTokens: 0,
      impureTokens: 0,
    },
    touching: new Set(),
    impure: new Set(),
    worst: new Map(),
    identifiersKnown: false,
  };
}

function add(s: TokenizerSums, file: FileMetrics, t: TokenizerCounts): void {
  s.bytes += file.bytes;
  s.lines += file.lines;
  s.identifiersKnown ||= file.identifiersKnown;
  const c = s.c;
  c.tokens += t.tokens;
  c.whitespaceTokens += t.whitespaceTokens;
  c.splitCharTokens += t.splitCharTokens;
  mergeHistogram(c.tokenBytes, t.tokenBytes);
  mergeHistogram(c.tokenChars, t.tokenChars);
  mergeHistogram(c.tokensPerLine, t.tokensPerLine);
  c.charsSum += t.charsSum;
  c.identifiers += t.identifiers;
  c.identifierTokens += t.identifierTokens;
  c.splitIdentifiers += t.splitIdentifiers;
  c.touchingTokens += t.touchingTokens;
  c.crossingTokens += t.crossingTokens;
  c.impureTokens += t.impureTokens;
  for (const id of t.touchingIds) s.touching.add(id);
  for (const id of t.impureIds) s.impure.add(id);
  for (const w of t.worst) {
    const seen = s.worst.get(w.name);
    if (!seen || seen.tokens < w.tokens) s.worst.set(w.name, w);
  }
}

function tokenizerSummary(name: string, s: TokenizerSums, referenceTokens: number | undefined): TokenizerSummary {
  const c = s.c;
  const ids = s.identifiersKnown && c.identifiers > 0;
  return {
    tokenizer: name,
    tokens: c.tokens,
    bytesPerToken: distribution(c.tokenBytes, s.bytes),
    charsPerToken: distribution(c.tokenChars, c.charsSum),
    tokensPerLine: distribution(c.tokensPerLine, c.tokens),
    tokenBytesHistogram: trimmed(c.tokenBytes),
    tokensPerLineHistogram: trimmed(c.tokensPerLine),
    whitespaceShare: ratio(c.whitespaceTokens, c.tokens),
    splitCharShare: ratio(c.splitCharTokens, c.tokens),
    identifiers: c.identifiers,
    identifierTokensMean: ids ? ratio(c.identifierTokens, c.identifiers) : null,
    identifierSplitShare: ids ? ratio(c.splitIdentifiers, c.identifiers) : null,
    crossingShare: ids ? ratio(c.crossingTokens, c.touchingTokens) : null,
    purity: {
      all: c.tokens > 0 ? 1 - c.impureTokens / c.tokens : 1,
      identifierTokens: ids ? 1 - ratio(c.impureTokens, c.touchingTokens) : null,
      unique: ids && s.touching.size > 0 ? 1 - s.impure.size / s.touching.size : null,
    },
    premium: referenceTokens !== undefined && referenceTokens > 0 ? c.tokens / referenceTokens : null,
    worst: worstOf(s.worst.values(), worstIdentifierCount),
  };
}

interface ModelSums {
  model: string;
  files: number;
  bits: number;
  bytes: number;
  tokens: number;
  scoredTokens: number;
  rawSum: number;
  complete: boolean;
  flopsPerToken?: number;
  genLength?: number;
}

/**
 * Adds files one at a time and keeps only sums (histograms, counts, id sets): a workspace scan
 * holds one accumulator per language plus one for everything, never the files' full results.
 */
export class MetricsAccumulator {
  private readonly sums = new Map<string, TokenizerSums>();
  private files = 0;
  private bytes = 0;
  private chars = 0;
  private lines = 0;
  private readonly compressed = new Map<string, number>();
  private model: ModelSums | undefined;

  constructor(readonly reference: string) {}

  add(f: FileMetrics): void {
    this.files++;
    this.bytes += f.bytes;
    this.chars += f.chars;
    this.lines += f.lines;
    for (const t of f.tokenizers) {
      let s = this.sums.get(t.tokenizer);
      if (!s) this.sums.set(t.tokenizer, (s = emptySums()));
      add(s, f, t);
    }
    for (const c of f.compressed) this.compressed.set(c.name, (this.compressed.get(c.name) ?? 0) + c.bytes);
    const m = f.model;
    if (m && m.tokens > 0) {
      const sums = (this.model ??= { model: m.model, files: 0, bits: 0, bytes: 0, tokens: 0, scoredTokens: 0, rawSum: 0, complete: true });
      sums.files++;
      sums.bits += m.bits;
      sums.bytes += m.bytes;
      sums.tokens += m.tokens;
      sums.scoredTokens += m.scoredTokens;
      sums.rawSum += (8 * m.bytes) / m.tokens;
      sums.complete &&= m.complete;
      if (m.flopsPerToken) sums.flopsPerToken = m.flopsPerToken;
      if (m.genLength) sums.genLength = m.genLength;
    }
  }

  get count(): number {
    return this.files;
  }

  summary(): MetricsSummary {
    const referenceTokens = this.sums.get(this.reference)?.c.tokens;
    const summary: MetricsSummary = {
      files: this.files,
      bytes: this.bytes,
      chars: this.chars,
      lines: this.lines,
      reference: this.reference,
      tokenizers: [...this.sums].map(([name, s]) => tokenizerSummary(name, s, referenceTokens)),
      compression: [...this.compressed].map(([name, b]) => ({ name, bitsPerByte: ratio(8 * b, this.bytes) })),
    };
    const m = this.model;
    if (m) {
      const model: ModelSummary = {
        model: m.model,
        bitsPerByte: ratio(m.bits, m.bytes),
        bits: m.bits,
        bytes: m.bytes,
        tokens: m.tokens,
        scoredTokens: m.scoredTokens,
        complete: m.complete && m.files === this.files,
        rawBitsPerToken: m.rawSum / m.files,
        nllBitsPerToken: ratio(m.bits, m.scoredTokens),
        numeratorBias: paperNumeratorBias,
      };
      if (m.flopsPerToken) {
        model.flopsPerToken = m.flopsPerToken;
        if (m.genLength) model.genLength = m.genLength;
        model.informationCapacity = informationCapacity({ rawBitsPerToken: model.rawBitsPerToken, nllBitsPerToken: model.nllBitsPerToken, flopsPerToken: m.flopsPerToken });
      }
      summary.model = model;
    }
    return summary;
  }
}

/** The summary of a set of files (one file, a selection, a language, a workspace). */
export function summarize(files: readonly FileMetrics[], reference: string): MetricsSummary {
  const acc = new MetricsAccumulator(reference);
  for (const f of files) acc.add(f);
  return acc.summary();
}

/** Summaries per language, languages by bytes (largest first). */
export function summarizeByLanguage(files: readonly FileMetrics[], reference: string): Array<{ language: string; summary: MetricsSummary }> {
  const groups = new Map<string, FileMetrics[]>();
  for (const f of files) {
    let g = groups.get(f.language);
    if (!g) groups.set(f.language, (g = []));
    g.push(f);
  }
  return [...groups]
    .map(([language, g]) => ({ language, summary: summarize(g, reference) }))
    .sort((a, b) => b.summary.bytes - a.summary.bytes || (a.language < b.language ? -1 : 1));
}

/** The per-file table row. */
export function fileRow(f: FileMetrics, reference: string): FileRow {
  const ref = f.tokenizers.find((t) => t.tokenizer === reference)?.tokens;
  const row: FileRow = { uri: f.uri, language: f.language, bytes: f.bytes, lines: f.lines, tokens: {}, bytesPerToken: {}, premium: {}, identifierSplitShare: {}, compression: {} };
  for (const t of f.tokenizers) {
    row.tokens[t.tokenizer] = t.tokens;
    row.bytesPerToken[t.tokenizer] = ratio(f.bytes, t.tokens);
    row.premium[t.tokenizer] = ref ? t.tokens / ref : null;
    row.identifierSplitShare[t.tokenizer] = f.identifiersKnown && t.identifiers > 0 ? t.splitIdentifiers / t.identifiers : null;
  }
  for (const c of f.compressed) row.compression[c.name] = ratio(8 * c.bytes, f.bytes);
  if (f.model && f.model.bytes > 0) row.bitsPerByte = f.model.bits / f.model.bytes;
  return row;
}
