/** Options and loading shared by the CLI commands that run the model (in-process, no worker). */
import type { CliContext, OptionSpec } from './dispatcher';
import { createCompletionSession, type CompletionSession } from '../core/completion/pipeline';
import { loadBackend, type LoadedModel } from '../core/inference/factory';
import { executionProviderSettings, type ExecutionProviderSetting } from '../core/inference/types';

export const modelOptions: Record<'model' | 'provider' | 'threads', OptionSpec> = {
  model: { type: 'string', valueName: 'dir', description: 'Model directory (Hugging Face ONNX layout). Default: the shipped model.' },
  provider: { type: 'string', choices: executionProviderSettings, description: 'Execution provider (default auto: CUDA, WebGPU, then CPU).' },
  threads: { type: 'number', valueName: 'n', description: 'CPU threads (default: half the cores).' },
};

export function loadModel(ctx: CliContext, kvCacheMB = 128): Promise<LoadedModel> {
  return loadBackend({
    backend: 'embedded',
    modelPath: (ctx.args.options.model as string | undefined) ?? '',
    executionProvider: (ctx.args.options.provider as ExecutionProviderSetting | undefined) ?? 'auto',
    threads: (ctx.args.options.threads as number | undefined) ?? 0,
    kvCacheMB,
  });
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
