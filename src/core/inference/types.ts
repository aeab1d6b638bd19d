/**
 * The inference backend interface features talk to. Plain serializable data in and out, so the
 * same interface is served by the in-process ONNX engine, by the worker client on the extension
 * host, and later by a remote (OpenAI-compatible) backend.
 */

import type { ModelTokenSpan } from '../model/tokenizer';

export type { ModelTokenSpan };

export type ProviderName = 'cuda' | 'webgpu' | 'cpu';
export type ExecutionProviderSetting = 'auto' | ProviderName;
export const executionProviderSettings: readonly ExecutionProviderSetting[] = ['auto', 'cuda', 'webgpu', 'cpu'];

/** Interactive work (completion) pre-empts background work (entropy of a long file) between steps. */
export type Priority = 'interactive' | 'background';

export interface RequestOptions {
  signal?: AbortSignal;
  priority?: Priority;
}

/**
 * What a backend can do beyond the required interface. Features check these and degrade
 * visibly (exact → heal → naive; heat-map rank beyond the top-k shown as ">k").
 */
export interface Capabilities {
  /** `nextLogprobs`: the full next-token distribution (exact and heal boundary modes). */
  distribution: boolean;
  /** `tokenLogprobs`: log-probabilities of chosen next-token ids. */
  tokenLogprobs: boolean;
  /** `score` reports the entropy of each prediction. */
  entropy: boolean;
  /** `score` reports the exact rank of each token (else ranks beyond `maxTopK` are lower bounds). */
  exactRank: boolean;
  /** Most alternatives per position `score` can report. */
  maxTopK: number;
  /** `scoreCandidates`: log-probability of whole candidate continuations. */
  candidateScoring: boolean;
  /** Re-requests sharing a prefix reuse its computation (prefix KV cache). */
  prefixCache: boolean;
  /** `generateBeams`: beam search, the beams batched over the shared prefix KV (absent = false). */
  beamSearch?: boolean;
  /**
   * `generate` / `generateText` / `infillText` with `logprobs` report each generated token's logprob
   * (the completion's confidence gate; absent = false: no confidence, and the probe's notes say why).
   */
  generationLogprobs?: boolean;
}

/** Where the model's tokenizer comes from. */
export type TokenizerSource = { kind: 'tokenizer.json'; path: string } | { kind: 'server' };

/** A backend-neutral description of the loaded model. */
export interface ModelInfo {
  /** Display name (model directory name, or the server's model name). */
  name: string;
  /** Where the model is: a directory or a server URL. */
  location: string;
  /** True when this is the model shipped with Tokenwise. */
  isDefault: boolean;
  /** Which backend serves it. */
  backend: 'onnx' | 'remote';
  /** Active execution provider (`cpu`, `cuda`, `webgpu`) or 'remote'. */
  provider: ProviderName | 'remote';
  /** Architecture (config.json model_type) when known. */
  modelType: string;
  vocabSize: number;
  /** Longest context the backend feeds (tokens). */
  maxContext: number;
  bosTokenId: number | null;
  eosTokenIds: number[];
  tokenizer: TokenizerSource;
  capabilities: Capabilities;
  /** Backend-specific facts for display (layers, heads, KV dtype, ONNX file…). */
  details: Record<string, string | number>;
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

export interface TextScoreToken extends ModelTokenSpan {
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
  /** Called after each generated token (in the worker: streamed as progress); with `logprobs`, its logprob too. */
  onToken?: (id: number, logprob?: number) => void;
  /** Also return the log-probability of each generated token (`GenerateResult.logprobs`). */
  logprobs?: boolean;
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
  /**
   * With `GenerateOptions.logprobs`: natural-log probability of each token of `tokens` under the
   * model's (unsampled) distribution; absent when the backend cannot report them.
   */
  logprobs?: number[];
}

export interface TextGenerateOptions extends RequestOptions {
  maxNewTokens: number;
  stopStrings: readonly string[];
  sampling?: SamplingOptions;
  /** Also return each generated token's logprob and where it ends in the text (servers that give them). */
  logprobs?: boolean;
}

export interface TextGenerateResult {
  text: string;
  finishReason: FinishReason;
  firstTokenMs: number;
  /** With `TextGenerateOptions.logprobs`: natural-log probability of each generated token. */
  logprobs?: number[];
  /** Characters of `text` each token of `logprobs` ends at (a token ending inside a character ends before it). */
  tokenEnds?: number[];
}

export interface CandidateScore {
  /** Sum of the candidate tokens' logprobs after the prefix. */
  logprob: number;
  tokenLogprobs: number[];
}

export interface BeamOptions extends RequestOptions {
  /** Beams kept per step (1 = greedy with logprobs). */
  width: number;
  maxNewTokens: number;
  /** Token ids that finish a beam (default: the model's EOS ids); not part of the beam. */
  stopTokens?: number[];
  /**
   * Asked after a beam grew by a token: true finishes it there (e.g. its statement ended). May be
   * async; the search waits for it between steps.
   */
  isComplete?: (tokens: readonly number[]) => boolean | Promise<boolean>;
  /** When aborted, the search ends early with the beams so far (a time budget); `signal` cancels it. */
  stopSignal?: AbortSignal;
}

export interface Beam {
  tokens: number[];
  /** Natural-log probability of each token given the prompt and the tokens before it. */
  tokenLogprobs: number[];
  /** Sum of `tokenLogprobs`. */
  logprob: number;
  /** stop: a stop token followed; length: maxNewTokens or the context ran out; complete: `isComplete` said so. */
  finishReason: 'stop' | 'length' | 'complete';
}

export interface BeamResult {
  /** Best first by total logprob (finished beams, then the live ones when the search was cut). */
  beams: Beam[];
  /** Batched model steps after the prompt. */
  steps: number;
  computedPromptTokens: number;
}

/**
 * Logprobs wanted at one prefix (remote backends batch these): the listed candidates and at least
 * the `topK` most probable next tokens.
 */
export interface LogprobQuery {
  tokens: readonly number[];
  candidates: readonly number[];
  topK: number;
}

/**
 * What features use. Required: model info, tokenize/detokenize, streaming generate, score. The
 * optional methods are present exactly when `info().capabilities` says so.
 */
export interface InferenceBackend {
  info(): Promise<ModelInfo>;
  tokenize(text: string): Promise<ModelTokenSpan[]>;
  detokenize(ids: readonly number[]): Promise<string>;
  score(ids: readonly number[], options?: ScoreOptions): Promise<ScoreResult>;
  generate(ids: readonly number[], options: GenerateOptions): Promise<GenerateResult>;
  /** Capability `distribution`: natural-log probabilities of every next token. */
  nextLogprobs?(ids: readonly number[], options?: RequestOptions): Promise<Float32Array>;
  /** Capability `tokenLogprobs`: natural-log probabilities of the listed next tokens. */
  tokenLogprobs?(ids: readonly number[], candidates: readonly number[], options?: RequestOptions): Promise<number[]>;
  /**
   * Capability `tokenLogprobs`, batched (remote backends: one round trip for many prefixes). Each
   * result is vocabulary-sized: the candidates' and the top-k's logprobs, -Infinity where the
   * backend did not report one (the full distribution where it gives that).
   */
  batchLogprobs?(queries: readonly LogprobQuery[], options?: RequestOptions): Promise<Float32Array[]>;
  /**
   * Text in, text out, for remote models without a local tokenizer: the server tokenizes the
   * prompt (special tokens written as their content) and stops at the stop strings.
   */
  generateText?(prompt: string, options: TextGenerateOptions): Promise<TextGenerateResult>;
  /**
   * Fill-in-the-middle rendered by the server with the model's own FIM tokens (llama.cpp
   * `/infill`), for remote models without a local tokenizer; `extra` are chunks of other files.
   */
  infillText?(parts: { prefix: string; suffix: string; extra: ReadonlyArray<{ filename: string; text: string }> }, options: TextGenerateOptions): Promise<TextGenerateResult>;
  /** Capability `beamSearch`. */
  generateBeams?(ids: readonly number[], options: BeamOptions): Promise<BeamResult>;
  /** Capability `candidateScoring`. */
  scoreCandidates?(prefix: readonly number[], candidates: readonly (readonly number[])[], options?: RequestOptions): Promise<CandidateScore[]>;
  dispose(): Promise<void>;
}
