/**
 * Measures one text: every tokenizer of the comparison set, identifiers from the syntax service,
 * the compressors, and (optionally) the model's bits per byte through the heat map's scoring
 * document (`EntropyDocument`: the one headless scoring path, same windows and numbers as the
 * heat map and `tokenwise entropy`). The worker's `metrics` method, `tokenwise metrics` and
 * `tokenwise bench metrics` all call `measureText`.
 */
import { throwIfAborted, describeError } from '../base/errors';
import { utf8Encode } from '../base/utf8';
import { ContentCache } from '../entropy/cache';
import { EntropyDocument, type EntropyBackend, type Geometry, type ScoredText } from '../entropy/document';
import { SyntaxService, type SyntaxQueries } from '../syntax';
import { loadTokenizer, parseTokenizerSpec, type SpanTokenizer } from '../tokenize';
import { defaultCompressors, type Compressor } from './compression';
import { identifiersFromSyntax, type Identifier } from './identifiers';
import { codePoints, countLines, tokenizerCounts } from './tokens';
import type { FileMetrics } from './types';

/** The comparison set by default; `model` is added when a model directory is known. */
export const defaultTokenizers = ['o200k_base', 'cl100k_base'] as const;
export const defaultReference = 'o200k_base';

export interface MetricsModel {
  backend: EntropyBackend;
  geometry: Geometry;
  /** Display name of the model. */
  name: string;
  flopsPerToken?: number;
  genLength?: number;
  /** Scores by content (a small one for scans; the heat map's for the editor). */
  cache?: ContentCache<ScoredText>;
}

export interface MeasureOptions {
  tokenizers: readonly SpanTokenizer[];
  syntax?: SyntaxQueries;
  compressors?: readonly Compressor[];
  /** Bits per byte under this model; omitted: tokenizer and compressor figures only. */
  model?: MetricsModel;
  signal?: AbortSignal;
}

export interface TextInput {
  uri: string;
  text: string;
  /** A VS Code language id; omitted: by the URI's extension. */
  languageId?: string;
}

/** The language a file is counted under: its syntax language, else the language id, else its extension. */
export function languageOf(input: Pick<TextInput, 'uri' | 'languageId'>): string {
  const syntax = SyntaxService.languageOf(input.languageId ? { uri: input.uri, languageId: input.languageId } : { uri: input.uri });
  if (syntax) return syntax;
  if (input.languageId && input.languageId !== 'plaintext') return input.languageId;
  const name = input.uri.replace(/[?#].*$/, '').split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : 'other';
}

/**
 * Loads the comparison set: names (`o200k_base`, `cl100k_base`, …), `model` (the tokenizer.json of
 * `modelDir`) or tokenizer.json paths. Duplicates are dropped; `reference` is always included.
 */
export function loadComparisonTokenizers(names: readonly string[], reference: string, options: { modelDir?: string | undefined; cwd?: string } = {}): SpanTokenizer[] {
  const wanted = [...new Set([reference, ...names].map((n) => n.trim()).filter(Boolean))];
  return wanted.map((name) => loadTokenizer(parseTokenizerSpec(name, options)));
}

/** Display name a comparison name stands for (the tokenizer's own name: `o200k_base`, `model (…)`, a file's label). */
export function tokenizerDisplayName(name: string, options: { modelDir?: string | undefined; cwd?: string } = {}): string {
  return loadTokenizer(parseTokenizerSpec(name, options)).name;
}

async function identifiersOf(input: TextInput, syntax: SyntaxQueries | undefined, notes: string[]): Promise<Identifier[] | undefined> {
  if (!syntax) return undefined;
  const doc = { uri: input.uri, version: 0, text: input.text, ...(input.languageId ? { languageId: input.languageId } : {}) };
  if (!SyntaxService.languageOf(doc)) {
    notes.push('no tree-sitter grammar for this language: identifier figures are not available');
    return undefined;
  }
  try {
    return identifiersFromSyntax(input.text, await syntax.tokens(doc));
  } catch (error) {
    notes.push(`identifiers unavailable: ${describeError(error)}`);
    return undefined;
  }
}

export async function measureText(input: TextInput, options: MeasureOptions): Promise<FileMetrics> {
  const { text } = input;
  const notes: string[] = [];
  const bytes = utf8Encode(text);
  const identifiers = await identifiersOf(input, options.syntax, notes);
  throwIfAborted(options.signal);
  const tokenizers = options.tokenizers.map((tok) => {
    throwIfAborted(options.signal);
    return tokenizerCounts(text, tok.encodeSpans(text, options.signal), identifiers);
  });
  const compressed = (options.compressors ?? defaultCompressors).map((c) => ({ name: c.name, bytes: c.compressedBytes(bytes) }));
  const result: FileMetrics = {
    uri: input.uri,
    language: languageOf(input),
    bytes: bytes.length,
    chars: codePoints(text),
    lines: countLines(text),
    identifiersKnown: identifiers !== undefined,
    tokenizers,
    compressed,
    notes,
  };
  const model = options.model;
  if (model && text.length > 0) {
    const doc = new EntropyDocument(model.backend, model.geometry, model.cache ?? new ContentCache(0));
    await doc.update(text, options.signal);
    await doc.scoreAll(options.signal ? { signal: options.signal } : {});
    const bpb = doc.bitsPerByte()!;
    result.model = { model: model.name, tokens: bpb.tokens, scoredTokens: bpb.scoredTokens, bytes: bpb.bytes, bits: bpb.bits, complete: bpb.complete };
    if (model.flopsPerToken) result.model.flopsPerToken = model.flopsPerToken;
    if (model.genLength) result.model.genLength = model.genLength;
  }
  return result;
}
