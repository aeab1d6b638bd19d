/** Options and loading shared by the CLI commands that run the model (in-process, no worker). */
import type { CliContext, OptionSpec } from './dispatcher';
import { executionProviderSettings, type ExecutionProviderSetting } from '../core/inference/types';
import { OnnxEngine } from '../core/inference/onnx/engine';

export const modelOptions: Record<'model' | 'provider' | 'threads', OptionSpec> = {
  model: { type: 'string', valueName: 'dir', description: 'Model directory (Hugging Face ONNX layout). Default: the shipped model.' },
  provider: { type: 'string', choices: executionProviderSettings, description: 'Execution provider (default auto: CUDA, WebGPU, then CPU).' },
  threads: { type: 'number', valueName: 'n', description: 'CPU threads (default: half the cores).' },
};

export function loadEngine(ctx: CliContext, kvCacheMB = 128): Promise<OnnxEngine> {
  return OnnxEngine.load({
    modelDir: ctx.args.options.model as string | undefined,
    provider: (ctx.args.options.provider as ExecutionProviderSetting | undefined) ?? 'auto',
    threads: (ctx.args.options.threads as number | undefined) ?? 0,
    kvCacheMB,
  });
}
