/**
 * Plain-data results of the compression metrics (no imports that need Node: the webview reads
 * these types too). Counts per file add up across files; summaries are ratios of the sums.
 * Every figure is defined in the README ("Compression metrics") and in tokens.ts / summary.ts.
 */

/** Integer histogram: bin i counts samples equal to i, the last bin samples ≥ its index. */
export type Histogram = number[];

export interface Distribution {
  mean: number;
  median: number;
  p95: number;
}

export interface FragmentedIdentifier {
  name: string;
  tokens: number;
  /** The name as the tokenizer cut it (each piece is the part of a token inside the name). */
  pieces: string[];
}

export interface TokenizerCounts {
  tokenizer: string;
  tokens: number;
  whitespaceTokens: number;
  splitCharTokens: number;
  /** Histogram of UTF-8 bytes per token (bin = bytes). */
  tokenBytes: Histogram;
  /** Histogram of code points per token. */
  tokenChars: Histogram;
  /** Histogram of tokens per line, over every line of the text. */
  tokensPerLine: Histogram;
  /** Exact sums behind the capped histograms. */
  charsSum: number;
  /** Identifier occurrences (0 when the language has no syntax support). */
  identifiers: number;
  /** Σ over identifier occurrences of the tokens overlapping it. */
  identifierTokens: number;
  /** Identifier occurrences cut into ≥ 2 tokens. */
  splitIdentifiers: number;
  /** Tokens that touch an identifier. */
  touchingTokens: number;
  /** Touching tokens that cross an identifier boundary. */
  crossingTokens: number;
  /** Impure tokens (all impure tokens touch an identifier). */
  impureTokens: number;
  /** Distinct ids among the touching tokens, and those with at least one impure occurrence. */
  touchingIds: number[];
  impureIds: number[];
  worst: FragmentedIdentifier[];
}

export interface CompressedSize {
  /** `gzip -9`, `brotli -q 11`. */
  name: string;
  bytes: number;
}

/** The model's view of one file: bits from the heat map's scoring (EntropyDocument). */
export interface ModelCounts {
  model: string;
  /** Model tokens of the file. */
  tokens: number;
  scoredTokens: number;
  bytes: number;
  /** Σ −log2 p over the scored tokens. */
  bits: number;
  complete: boolean;
  /** Decode FLOPs per token (information capacity), when the model's config.json has what it needs. */
  flopsPerToken?: number;
  genLength?: number;
}

export interface FileMetrics {
  uri: string;
  /** Syntax language (python, typescript, …) or the file's extension. */
  language: string;
  bytes: number;
  chars: number;
  lines: number;
  /** False when the language has no tree-sitter grammar here: identifier figures are then absent. */
  identifiersKnown: boolean;
  tokenizers: TokenizerCounts[];
  compressed: CompressedSize[];
  model?: ModelCounts;
  /** Why a part is missing (one line each). */
  notes: string[];
}

export interface TokenizerSummary {
  tokenizer: string;
  tokens: number;
  bytesPerToken: Distribution;
  charsPerToken: Distribution;
  tokensPerLine: Distribution;
  /** Histograms trimmed after their last non-empty bin. */
  tokenBytesHistogram: Histogram;
  tokensPerLineHistogram: Histogram;
  whitespaceShare: number;
  splitCharShare: number;
  identifiers: number;
  /** null without identifiers. */
  identifierTokensMean: number | null;
  identifierSplitShare: number | null;
  /** Share of identifier-touching tokens that cross an identifier boundary. */
  crossingShare: number | null;
  purity: { all: number; identifierTokens: number | null; unique: number | null };
  /** Tokens relative to the reference tokenizer on the same text; null when the reference is not measured. */
  premium: number | null;
  worst: FragmentedIdentifier[];
}

export interface ModelSummary {
  model: string;
  bitsPerByte: number;
  bits: number;
  bytes: number;
  tokens: number;
  scoredTokens: number;
  complete: boolean;
  /** Mean over files of 8 · bytes / model tokens. */
  rawBitsPerToken: number;
  /** Σ bits / Σ scored tokens. */
  nllBitsPerToken: number;
  flopsPerToken?: number;
  genLength?: number;
  numeratorBias: number;
  informationCapacity?: number;
}

export interface MetricsSummary {
  files: number;
  bytes: number;
  chars: number;
  lines: number;
  reference: string;
  tokenizers: TokenizerSummary[];
  /** bits per byte of each compressor (compressed bits / bytes, files compressed one by one). */
  compression: Array<{ name: string; bitsPerByte: number }>;
  model?: ModelSummary;
}

/** One row of the per-file table and of the CSV export. */
export interface FileRow {
  uri: string;
  /** Display path (workspace-relative), when the edge knows one. */
  label?: string;
  language: string;
  bytes: number;
  lines: number;
  tokens: Record<string, number>;
  bytesPerToken: Record<string, number>;
  premium: Record<string, number | null>;
  identifierSplitShare: Record<string, number | null>;
  compression: Record<string, number>;
  bitsPerByte?: number;
}

/** A `metrics` request to the worker: one text and what to measure it with. */
export interface MetricsParams {
  uri: string;
  text: string;
  languageId?: string;
  /** Comparison set: encoding names, `model`, tokenizer.json paths. */
  tokenizers: string[];
  reference: string;
  /** Score the text with the loaded model (bits per byte); skipped with a note when no model is loaded. */
  bitsPerByte: boolean;
  /** Left context of the scoring windows (the heat map's `contextTokens`). */
  contextTokens?: number;
}
