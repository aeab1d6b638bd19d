/**
 * The one place a backend is built from settings. Editor (in the worker), CLI, benchmarks and
 * evaluation all load models through `loadBackend`.
 */
import { TokenwiseError, type Log } from '../base/errors';
import type { ModelTokenizer } from '../model/tokenizer';
import { OnnxEngine } from './onnx/engine';
import { connectRemote } from './remote/connect';
import type { ChatCapability, InstructSetting } from './remote/chat';
import type { HttpTransport } from './remote/http';
import { remoteKinds, type RemoteKind } from './remote/types';
import type { ExecutionProviderSetting, InferenceBackend } from './types';

export type { RemoteKind };
export type BackendKind = 'embedded' | RemoteKind;
export const backendKinds: readonly BackendKind[] = ['embedded', ...remoteKinds];

interface CommonBackendSettings {
  /** Prefix KV cache budget in MB (0 disables it; remote servers keep their own cache). */
  kvCacheMB: number;
  /** Longest context fed to the model (default: from the model's configuration or the server). */
  maxContext?: number;
}

/** The in-process ONNX engine. */
export interface EmbeddedBackendSettings extends CommonBackendSettings {
  backend: 'embedded';
  /** Model directory; '' = the shipped model. */
  modelPath: string;
  executionProvider: ExecutionProviderSetting;
  /** Intra-op threads (0 = half the cores). */
  threads: number;
}

/** An HTTP proxy and TLS trust for the remote backends (VS Code's `http.proxy`, `http.proxyStrictSSL`, `http.noProxy`, `http.systemCertificates`). */
export interface ProxySettings {
  /** Proxy URL (`http://proxy:3128`); empty: the environment's HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  url: string;
  /** Verify TLS certificates (of the proxy and the server). */
  strictSSL: boolean;
  /** Hosts reached directly (`localhost`, `.corp.example`, `10.0.0.5:8000`, `*`). */
  noProxy: string[];
  /** Trust the system's CA certificates too, not only Node's list and NODE_EXTRA_CA_CERTS (`http.systemCertificates`; default true). */
  systemCertificates?: boolean;
}

/** A model served over HTTP (vLLM, llama.cpp server, Ollama, any OpenAI-compatible endpoint). */
export interface RemoteBackendSettings extends CommonBackendSettings {
  backend: RemoteKind;
  /** Server base URL, e.g. http://gpu-box:8000 (a trailing /v1 is fine). */
  url: string;
  /** Model name on the server ('' = the first one it lists, where it lists them). */
  model: string;
  /** Bearer token (from SecretStorage or TOKENWISE_API_KEY; never in settings, never logged). */
  apiKey?: string;
  /** The served model's tokenizer.json (byte-exact boundary modes, token view); checked against the server. */
  tokenizerPath?: string;
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
  /** Most requests in flight to the server (default 4). */
  maxConcurrent?: number;
  /** The editor's proxy settings; the edge turns them into its HTTP transport (core does no IO). */
  proxy?: ProxySettings;
  /** Whether the served model is instruction-tuned (chat): `auto` (default) asks the server on first use. */
  instruct?: InstructSetting;
}

export type BackendSettings = EmbeddedBackendSettings | RemoteBackendSettings;

export const defaultBackendSettings: EmbeddedBackendSettings = { backend: 'embedded', modelPath: '', executionProvider: 'auto', threads: 0, kvCacheMB: 256 };

export function isRemoteSettings(settings: BackendSettings): settings is RemoteBackendSettings {
  return settings.backend !== 'embedded';
}

/** A loaded backend and the model's tokenizer (byte-level work such as the exact boundary needs it). */
export interface LoadedModel {
  backend: InferenceBackend;
  /** The model's tokenizer.json; null for a remote model without one (the server tokenizes, naive prompts only). */
  tokenizer: ModelTokenizer | null;
  /** Changes the prefix cache budget without reloading (no-op where there is none). */
  setCacheBudget(mb: number): void;
  /** Empties the prefix cache (benchmarks measure cold requests with it). */
  clearCache(): void;
  /** Bytes the prefix cache holds now. */
  cacheBytes(): number;
  /** Chat with the served model (`/v1/chat/completions`), remote backends unless `instruct` is off. */
  chat?: ChatCapability;
}

export interface LoadEnvironment {
  log?: Log;
  /** Where to start looking for the shipped model (defaults to the core's directory). */
  searchFrom?: string;
  /** HTTP for remote backends (the edge passes globalThis.fetch). */
  fetch?: HttpTransport;
}

/** The embedded engine always has the model's tokenizer. */
export interface LoadedEmbeddedModel extends LoadedModel {
  tokenizer: ModelTokenizer;
}

export function loadBackend(settings: EmbeddedBackendSettings, env?: LoadEnvironment): Promise<LoadedEmbeddedModel>;
export function loadBackend(settings: BackendSettings, env?: LoadEnvironment): Promise<LoadedModel>;
export async function loadBackend(settings: BackendSettings, env: LoadEnvironment = {}): Promise<LoadedModel> {
  if (isRemoteSettings(settings)) {
    if (!env.fetch) throw new TokenwiseError('internal', 'A remote backend needs an HTTP transport (LoadEnvironment.fetch).');
    const remote = await connectRemote(settings, { fetch: env.fetch, ...(env.log ? { log: env.log } : {}) });
    return { backend: remote.backend, tokenizer: remote.tokenizer, setCacheBudget: () => {}, clearCache: () => {}, cacheBytes: () => 0, ...(remote.chat ? { chat: remote.chat } : {}) };
  }
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
