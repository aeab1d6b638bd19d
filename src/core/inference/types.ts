/**
 * The inference backend interface features talk to. Plain serializable data in and out, so the
 * same interface is served by the in-process ONNX engine, by the worker client on the extension
 * host, and later by a remote (OpenAI-compatible) backend.
 */

export type ProviderName = 'cuda' | 'webgpu' | 'cpu';
export type ExecutionProviderSetting = 'auto' | ProviderName;
export const executionProviderSettings: readonly ExecutionProviderSetting[] = ['auto', 'cuda', 'webgpu', 'cpu'];

/** Interactive work (completion) pre-empts background work (entropy of a long file) between steps. */
export type Priority = 'interactive' | 'background';

export interface RequestOptions {
  signal?: AbortSignal;
  priority?: Priority;
}

export interface ModelInfo {
  /** Model directory. */
  dir: string;
  /** Display name (directory name). */
  name: string;
  /** True when the directory is the model shipped with Tokenwise. */
  isDefault: boolean;
  /** Active execution provider ('remote' for remote backends). */
  provider: ProviderName | 'remote';
  modelType: string;
  vocabSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  kvDtype: 'float32' | 'float16';
  /** Longest context the engine feeds (tokens). */
  maxContext: number;
  bosTokenId: number | null;
  eosTokenIds: number[];
  /** The ONNX file that was loaded. */
  onnxFile: string;
}

export interface TopToken {
  id: number;
  /** Token text (decoded; may contain replacement characters for partial UTF-8). */
  text: string;
  logprob: number;
}

/** Statistics of the model's prediction at one position. */
export interface ScoredToken {
  id: number;
  /** Natural-log probability of this token given the tokens before it. */
  logprob: number;
  /** Entropy (nats) of the predicted distribution at this position. */
  entropy: number;
  /** 1 = the model's top choice. */
  rank: number;
  top: TopToken[];
}

export interface ScoreOptions extends RequestOptions {
  /** Top-k alternatives reported per position (default 5). */
  topK?: number;
  /** Prepend the model's BOS token so the first token is scored too (default true; score()/scoreText() only). */
  prependBos?: boolean;
}

export interface ScoreResult {
  /** One entry per input token after the first (or per token when a BOS was prepended). */
  tokens: ScoredToken[];
  /** True when a BOS token was prepended so the first token is scored too. */
  bosPrepended: boolean;
  /** Tokens run through the model (the rest came from the prefix cache). */
  computedTokens: number;
}

export interface TokenSpan {
  id: number;
  /** UTF-16 offsets in the text. */
  start: number;
  end: number;
}

export interface TextScoreToken extends TokenSpan {
  logprob: number;
  entropy: number;
  rank: number;
  top: TopToken[];
}

export interface TextScoreResult {
  model: string;
  provider: string;
  /** Total surprisal in bits divided by the UTF-8 byte length of the text. */
  bitsPerByte: number;
  tokens: TextScoreToken[];
}

export interface Distribution {
  /** Entropy (nats) of the next-token distribution. */
  entropy: number;
  top: TopToken[];
}

export interface SamplingOptions {
  /** 0 or absent = greedy. */
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Seed of the sampler's PRNG (deterministic sampling). */
  seed?: number;
}

export interface GenerateOptions extends RequestOptions {
  maxNewTokens: number;
  /** Token ids that end generation (default: the model's EOS ids). The stop token is not returned. */
  stopTokens?: number[];
  sampling?: SamplingOptions;
  /**
   * Greedy decoding only: draft tokens verified per step by prompt-lookup speculation (default 4;
   * 0 = one token per step). The output is the greedy output either way.
   */
  lookahead?: number;
  /** Called after each generated token (in the worker: streamed as progress). */
  onToken?: (id: number) => void;
}

export type FinishReason = 'stop' | 'length';

export interface GenerateResult {
  tokens: number[];
  text: string;
  finishReason: FinishReason;
  /** Prompt tokens run through the model (the rest came from the prefix cache). */
  computedPromptTokens: number;
  /** Milliseconds until the first new token was known. */
  firstTokenMs: number;
  /** Model steps after the prompt (fewer than tokens when speculation is accepted). */
  decodeSteps?: number;
}

export interface CandidateScore {
  /** Sum of the candidate tokens' logprobs after the prefix. */
  logprob: number;
  tokenLogprobs: number[];
}

/** What features use; implemented by the ONNX engine, the worker client, and later a remote backend. */
export interface InferenceBackend {
  info(): Promise<ModelInfo>;
  tokenize(text: string): Promise<TokenSpan[]>;
  detokenize(ids: readonly number[]): Promise<string>;
  score(ids: readonly number[], options?: ScoreOptions): Promise<ScoreResult>;
  scoreText(text: string, options?: ScoreOptions): Promise<TextScoreResult>;
  nextToken(ids: readonly number[], options?: ScoreOptions): Promise<Distribution>;
  /** Natural-log probabilities of every next token (the model's full vocabulary). */
  nextLogprobs(ids: readonly number[], options?: RequestOptions): Promise<Float32Array>;
  generate(ids: readonly number[], options: GenerateOptions): Promise<GenerateResult>;
  scoreCandidates(prefix: readonly number[], candidates: readonly (readonly number[])[], options?: RequestOptions): Promise<CandidateScore[]>;
  dispose(): Promise<void>;
}
