/**
 * The one place a backend is built from settings. Editor (in the worker), CLI, benchmarks and
 * evaluation all load models through `loadBackend`.
 */
import type { Log } from '../base/errors';
import type { ModelTokenizer } from '../model/tokenizer';
import { OnnxEngine } from './onnx/engine';
import type { ExecutionProviderSetting, InferenceBackend } from './types';

export type BackendKind = 'embedded';
export const backendKinds: readonly BackendKind[] = ['embedded'];

export interface BackendSettings {
  backend: BackendKind;
  /** Model directory; '' = the shipped model. */
  modelPath: string;
  executionProvider: ExecutionProviderSetting;
  /** Intra-op threads (0 = half the cores). */
  threads: number;
  /** Prefix KV cache budget in MB (0 disables it). */
  kvCacheMB: number;
  /** Longest context fed to the model (default: from the model's configuration). */
  maxContext?: number;
}

export const defaultBackendSettings: BackendSettings = { backend: 'embedded', modelPath: '', executionProvider: 'auto', threads: 0, kvCacheMB: 256 };

/** A loaded backend and the model's tokenizer (byte-level work such as the exact boundary needs it). */
export interface LoadedModel {
  backend: InferenceBackend;
  tokenizer: ModelTokenizer;
  /** Changes the prefix cache budget without reloading (no-op where there is none). */
  setCacheBudget(mb: number): void;
  /** Empties the prefix cache (benchmarks measure cold requests with it). */
  clearCache(): void;
  /** Bytes the prefix cache holds now. */
  cacheBytes(): number;
}

export interface LoadEnvironment {
  log?: Log;
  /** Where to start looking for the shipped model (defaults to the core's directory). */
  searchFrom?: string;
}

export async function loadBackend(settings: BackendSettings, env: LoadEnvironment = {}): Promise<LoadedModel> {
  const engine = await OnnxEngine.load({
    modelDir: settings.modelPath || undefined,
    provider: settings.executionProvider,
    threads: settings.threads,
    kvCacheMB: settings.kvCacheMB,
    ...(settings.maxContext ? { maxContext: settings.maxContext } : {}),
    ...(env.searchFrom ? { searchFrom: env.searchFrom } : {}),
    ...(env.log ? { log: env.log } : {}),
  });
  return { backend: engine, tokenizer: engine.tokenizer, setCacheBudget: (mb) => engine.setCacheBudget(mb), clearCache: () => engine.cache.clear(), cacheBytes: () => engine.cache.bytesUsed };
}
