/**
 * The typed protocol between the extension host and the inference worker: one map of
 * method → [params, result], shared by the host's client, the worker's handler table and tests.
 * Adding a method is one entry here plus one handler in src/worker/handler.ts. Everything is
 * plain structured-cloneable data.
 */
import type { ErrorKind, LogLevel } from '../base/errors';
import type { CompletionRequest, CompletionResult } from '../completion/pipeline';
import type { FimFamily } from '../completion/prompt/templates';
import type { IdentifierRequest, IdentifierResult } from '../completion/identifiers';
import type { BackendSettings } from '../inference/factory';
import type { FileMetrics, MetricsParams } from '../metrics/types';
import type { CandidateScore, GenerateResult, ModelInfo, ModelTokenSpan, Priority, SamplingOptions, ScoreResult } from '../inference/types';
import type { SyntaxQueries } from '../syntax';
import type { ApiMethods } from './api';
export type * from './api';

export type EngineSettings = BackendSettings;

/** A completion request as sent to the worker (cancellation travels as a `cancel` message). */
export type CompletionParams = Omit<CompletionRequest, 'signal'> & { family: FimFamily | 'auto' };

/** A ranked identifier list request (the completion list at a cardinal point), run in the worker within its time budget. */
export type IdentifierParams = Omit<IdentifierRequest, 'signal'> & { family: FimFamily | 'auto' };

/** The syntax service in the worker: `syntax.<query>` takes the query's arguments, returns its result. */
export type SyntaxMethods = { [Q in keyof SyntaxQueries as `syntax.${Q}`]: [{ args: Parameters<SyntaxQueries[Q]> }, Awaited<ReturnType<SyntaxQueries[Q]>>] };

export interface EngineMethods extends SyntaxMethods, ApiMethods {
  load: [EngineSettings, ModelInfo];
  unload: [Record<string, never>, { ok: true }];
  setCacheBudget: [{ mb: number }, { ok: true }];
  info: [Record<string, never>, ModelInfo];
  tokenize: [{ text: string }, ModelTokenSpan[]];
  detokenize: [{ ids: number[] }, string];
  score: [{ ids: number[]; topK?: number; prependBos?: boolean }, ScoreResult];
  /** Each new token is also sent as a `token` message before the response. */
  generate: [{ ids: number[]; maxNewTokens: number; stopTokens?: number[]; sampling?: SamplingOptions; lookahead?: number }, GenerateResult];
  nextLogprobs: [{ ids: number[] }, Float32Array];
  tokenLogprobs: [{ ids: number[]; candidates: number[] }, number[]];
  scoreCandidates: [{ prefix: number[]; candidates: number[][] }, CandidateScore[]];
  /** The whole completion pipeline, beside the model. */
  complete: [CompletionParams, CompletionResult];
  /** Ranked identifiers at the cursor (model candidates + declarations in scope, scope weights). */
  completeIdentifiers: [IdentifierParams, IdentifierResult];
  /** Compression metrics of one text (tokenizers, identifiers, compressors; the model's bits per byte when asked). */
  metrics: [MetricsParams, FileMetrics];
}

export type EngineMethod = keyof EngineMethods;
export type ParamsOf<M extends EngineMethod> = EngineMethods[M][0];
export type ResultOf<M extends EngineMethod> = EngineMethods[M][1];

export type RequestMessage<M extends EngineMethod = EngineMethod> = { [K in M]: { type: 'request'; id: number; method: K; params: ParamsOf<K>; priority: Priority } }[M];

/** `gate`: the first message, the thread's native-call gate (core/base/nativeGate.ts), so the host never ends it inside a model step. */
export type HostToWorker = RequestMessage | { type: 'cancel'; id: number } | { type: 'gate'; buffer: SharedArrayBuffer };

export interface SerializedError {
  kind: ErrorKind;
  message: string;
}

export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'response'; id: number; ok: true; result: ResultOf<EngineMethod> }
  | { type: 'response'; id: number; ok: false; error: SerializedError }
  | { type: 'token'; id: number; token: number }
  | { type: 'log'; level: LogLevel; message: string };
