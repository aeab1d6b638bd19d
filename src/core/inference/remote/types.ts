/**
 * What one server kind (vLLM, llama.cpp, Ollama, any OpenAI-compatible endpoint) offers, in
 * Tokenwise's terms. Each kind is written from that server's documentation; `RemoteBackend`
 * (backend.ts) turns any of them into an `InferenceBackend`.
 */
import type { FinishReason, LogprobQuery, SamplingOptions, ScoredToken } from '../types';

export type RemoteKind = 'openai' | 'vllm' | 'llamacpp' | 'ollama';
export const remoteKinds: readonly RemoteKind[] = ['openai', 'vllm', 'llamacpp', 'ollama'];

/** What the probe found at connect time. */
export interface ServerProbe {
  /** The server's model name (what requests send as `model`). */
  model: string;
  /** Context length the server reports (tokens), if it reports one. */
  maxContext: number | null;
  /** Size of the model's vocabulary (logits) if the server says. */
  vocabSize: number | null;
  /** The server tokenizes and detokenizes (`/tokenize`, `/detokenize`). */
  tokenize: boolean;
  /** Prompts can be sent as token ids (otherwise as text). */
  tokenPrompts: boolean;
  /** The full next-token distribution is reachable (vLLM `logprobs: -1`, llama.cpp `n_probs = n_vocab`). */
  distribution: boolean;
  /** Logprobs of listed token ids (vLLM `logprob_token_ids`). */
  candidates: boolean;
  /** Logprobs of the prompt's own tokens (vLLM `prompt_logprobs`, OpenAI `echo` + `logprobs`). */
  promptLogprobs: boolean;
  /** Most alternatives per position the server returns. */
  maxTopK: number;
  /** Scores report exact ranks (vLLM's `rank`, or a full distribution). */
  exactRank: boolean;
  /** Scores report the entropy of each prediction (needs the full distribution per position). */
  entropy: boolean;
  prefixCache: boolean;
  /** The server renders FIM prompts itself from prefix / suffix / other files (llama.cpp `/infill`). */
  infill?: boolean;
  /** Logprobs of generated tokens (top-k per position; Ollama `logprobs` / `top_logprobs`). */
  generationLogprobs?: boolean;
  /** What degrades and why, one line each (shown in the log and the status bar tooltip). */
  notes: string[];
  details: Record<string, string | number>;
}

export interface RemotePrompt {
  ids: readonly number[];
  /** The same prompt as text (special tokens written as their content) for servers that take text only. */
  text: string;
}

export interface RemoteGenerateOptions {
  maxNewTokens: number;
  stopTokenIds: readonly number[];
  /** The stop tokens' text, for servers that only take stop strings. */
  stopStrings: readonly string[];
  sampling?: SamplingOptions;
  signal?: AbortSignal;
  /** Also report the logprob of each generated token (servers that give them). */
  logprobs?: boolean;
  /** Token ids as they stream in (servers that report ids). */
  onTokens?: (ids: number[]) => void;
}

/** A fill-in-the-middle request the server renders with the model's own FIM tokens. */
export interface RemoteInfill {
  prefix: string;
  suffix: string;
  /** Chunks of other files, put before the prefix (llama.cpp `input_extra`). */
  extra: ReadonlyArray<{ filename: string; text: string }>;
}

export interface RemoteGeneration {
  /** Generated ids when the server reports them (stop token excluded). */
  tokens: number[] | null;
  text: string;
  finishReason: FinishReason;
  firstTokenMs: number;
  /** Logprob of each generated token, when asked for (`logprobs`) and the server gives them. */
  logprobs?: number[];
  /** The bytes of each generated token, as the server reports them with its logprobs. */
  tokenBytes?: Uint8Array[];
  /** Characters of `text` each token of `logprobs` ends at, where the server's events tell (no bytes). */
  tokenEnds?: number[];
}

export type { LogprobQuery };

/** One server kind. Optional methods exist when the probe found the capability. */
export interface RemoteServer {
  readonly kind: RemoteKind;
  probe(signal?: AbortSignal): Promise<ServerProbe>;
  tokenize?(text: string, signal?: AbortSignal): Promise<{ ids: number[]; pieces: Uint8Array[] | null }>;
  detokenize?(ids: readonly number[], signal?: AbortSignal): Promise<string>;
  generate(prompt: RemotePrompt, options: RemoteGenerateOptions): Promise<RemoteGeneration>;
  /** Fill-in-the-middle rendered by the server (the probe found `infill`). */
  infill?(parts: RemoteInfill, options: RemoteGenerateOptions): Promise<RemoteGeneration>;
  /** Full next-token distributions of several prompts (as few requests as the server allows), natural-log, `vocab` long. */
  distributions?(prompts: readonly (readonly number[])[], vocab: number, signal?: AbortSignal): Promise<Float32Array[]>;
  /** Sparse next-token logprobs (candidates + top-k; -Infinity elsewhere), `vocab` long. */
  sparse?(queries: readonly LogprobQuery[], vocab: number, signal?: AbortSignal): Promise<Float32Array[]>;
  /** Logprob, rank and top-k of every prompt token after the first. `texts` maps ids to display text. */
  promptLogprobs?(prompt: RemotePrompt, topK: number, signal?: AbortSignal): Promise<Array<Omit<ScoredToken, 'top'> & { top: Array<{ id: number; text: string; logprob: number }> }>>;
}

/** Parses `token_id:123` (vLLM `return_tokens_as_token_ids`) or a plain integer key. */
export function tokenIdOf(key: string): number | null {
  const m = /^(?:token_id:)?(\d+)$/.exec(key);
  return m ? Number(m[1]) : null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
