/**
 * The typed message protocol between the extension host and the inference worker, shared by the
 * host (src/editor/engine), the worker (src/worker) and the CLI. One map: method → [params, result].
 * Everything is plain structured-cloneable data.
 */
import type { ErrorKind } from '../base/errors';
import type {
  CandidateScore,
  Distribution,
  ExecutionProviderSetting,
  GenerateResult,
  ModelInfo,
  Priority,
  SamplingOptions,
  ScoreResult,
  TextScoreResult,
  TokenSpan,
} from '../inference/types';
import type { LogLevel } from '../inference/onnx/engine';

export interface EngineSettings {
  /** Model directory; '' = the shipped model. */
  modelPath: string;
  executionProvider: ExecutionProviderSetting;
  threads: number;
  kvCacheMB: number;
}

export interface EngineMethods {
  load: [EngineSettings, ModelInfo];
  info: [Record<string, never>, ModelInfo];
  tokenize: [{ text: string }, TokenSpan[]];
  detokenize: [{ ids: number[] }, string];
  score: [{ ids: number[]; topK?: number; prependBos?: boolean }, ScoreResult];
  scoreText: [{ text: string; topK?: number }, TextScoreResult];
  nextToken: [{ ids: number[]; topK?: number }, Distribution];
  nextLogprobs: [{ ids: number[] }, Float32Array];
  /** With `stream`, each new token is also sent as a `token` message before the response. */
  generate: [{ ids: number[]; maxNewTokens: number; stopTokens?: number[]; sampling?: SamplingOptions; lookahead?: number; stream?: boolean }, GenerateResult];
  scoreCandidates: [{ prefix: number[]; candidates: number[][] }, CandidateScore[]];
  setCacheBudget: [{ mb: number }, { ok: true }];
  unload: [Record<string, never>, { ok: true }];
}

export type EngineMethod = keyof EngineMethods;
export type ParamsOf<M extends EngineMethod> = EngineMethods[M][0];
export type ResultOf<M extends EngineMethod> = EngineMethods[M][1];

export type RequestMessage = { [M in EngineMethod]: { type: 'request'; id: number; method: M; params: ParamsOf<M>; priority: Priority } }[EngineMethod];

export type HostToWorker = RequestMessage | { type: 'cancel'; id: number };

export interface SerializedError {
  kind: ErrorKind;
  message: string;
}

export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: SerializedError }
  | { type: 'token'; id: number; token: number }
  | { type: 'log'; level: LogLevel; message: string };
