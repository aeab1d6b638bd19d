/** Options and loading shared by the CLI commands that run the model (in-process, no worker). */
import { availableParallelism } from 'node:os';
import type { CliContext, OptionSpec } from './dispatcher';
import { TokenwiseError } from '../core/base/errors';
import { createCompletionSession, type CompletionSession } from '../core/completion/pipeline';
import { backendKinds, loadBackend, type BackendKind, type BackendSettings, type LoadedModel } from '../core/inference/factory';
import { executionProviderSettings, type ExecutionProviderSetting } from '../core/inference/types';
import { createHttpTransport } from '../worker/httpTransport';

export const modelOptions: Record<'model' | 'provider' | 'threads' | 'backend' | 'url' | 'remote-model' | 'tokenizer-json', OptionSpec> = {
  model: { type: 'string', valueName: 'dir', description: 'Model directory (Hugging Face ONNX layout). Default: the shipped model.' },
  provider: { type: 'string', choices: executionProviderSettings, description: 'Execution provider (default auto: CUDA, WebGPU, then CPU).' },
  threads: { type: 'number', valueName: 'n', integer: true, min: 0, max: availableParallelism(), description: `CPU threads, at most the ${availableParallelism()} cores (default: half the cores).` },
  backend: { type: 'string', choices: backendKinds, description: 'embedded (default) or a server: openai, vllm, llamacpp, ollama (key from TOKENWISE_API_KEY).' },
  url: { type: 'string', valueName: 'url', description: 'Server URL for --backend openai|vllm|llamacpp|ollama (e.g. http://127.0.0.1:8000).' },
  'remote-model': { type: 'string', valueName: 'name', description: "The server's model name (default: the first it lists)." },
  'tokenizer-json': { type: 'string', valueName: 'path', description: "The served model's tokenizer.json (exact/heal over HTTP; checked against the server)." },
};

/** The backend settings the model options describe. */
export function backendSettingsFrom(ctx: CliContext, kvCacheMB = 128): BackendSettings {
  const o = ctx.args.options;
  const backend = (o.backend as BackendKind | undefined) ?? 'embedded';
  if (backend === 'embedded') {
    if (o.url !== undefined) throw new TokenwiseError('usage', '--url needs --backend openai|vllm|llamacpp|ollama.');
    return {
      backend: 'embedded',
      modelPath: (o.model as string | undefined) ?? '',
      executionProvider: (o.provider as ExecutionProviderSetting | undefined) ?? 'auto',
      threads: (o.threads as number | undefined) ?? 0,
      kvCacheMB,
    };
  }
  const url = o.url as string | undefined;
  if (!url) throw new TokenwiseError('usage', `--backend ${backend} needs --url <server URL>.`);
  const apiKey = process.env.TOKENWISE_API_KEY;
  const tokenizerPath = o['tokenizer-json'] as string | undefined;
  return { backend, url, model: (o['remote-model'] as string | undefined) ?? '', kvCacheMB, ...(apiKey ? { apiKey } : {}), ...(tokenizerPath ? { tokenizerPath } : {}) };
}

export function loadModel(ctx: CliContext, kvCacheMB = 128): Promise<LoadedModel> {
  return loadBackend(backendSettingsFrom(ctx, kvCacheMB), { fetch: createHttpTransport(), log: (level, message) => level !== 'info' && ctx.io.stderr(`[${level}] ${message}\n`) });
}

/** Loads the model and the completion session for it; the caller disposes `session.backend`. */
export async function loadCompletionSession(ctx: CliContext): Promise<CompletionSession> {
  const model = await loadModel(ctx);
  try {
    return await createCompletionSession(model.backend, model.tokenizer);
  } catch (error) {
    await model.backend.dispose();
    throw error;
  }
}
