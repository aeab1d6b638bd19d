/**
 * `tokenwise complete <file> --offset N`: fill in the middle at a UTF-16 offset of a file, with the
 * chosen boundary mode (exact / heal / naive) and FIM order.
 */
import type { CliCommand, CliContext } from '../dispatcher';
import { printJson, readTextFile } from '../io';
import { TokenwiseError } from '../../core/base/errors';
import { loadEngine, modelOptions } from '../model';
import { boundaryModes, type BoundaryMode } from '../../core/completion/fim';
import { complete, createCompletionStack, type CompletionStack } from '../../core/completion/stack';
import type { FimOrder } from '../../core/completion/prompt/templates';

export const completionOptions = {
  mode: { type: 'string', choices: boundaryModes, description: 'How a prompt that ends mid-token is handled (default exact).' },
  order: { type: 'string', choices: ['psm', 'spm'], description: 'FIM order: prefix-suffix-middle or suffix-prefix-middle (default psm).' },
  'max-tokens': { type: 'number', valueName: 'n', description: 'Most tokens to generate (default 64).' },
} as const;

/** Loads the engine in-process and the completion stack for its model; the caller disposes. */
export async function loadStack(ctx: CliContext): Promise<CompletionStack> {
  const engine = await loadEngine(ctx);
  try {
    return await createCompletionStack(engine);
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}

export const completeCommand: CliCommand = {
  name: 'complete',
  summary: 'Complete code at an offset of a file (fill in the middle) with the model.',
  positionals: [{ name: 'file', description: 'Text file; prefix = text before the offset, suffix = text after.', required: true }],
  options: {
    offset: { type: 'number', valueName: 'utf16', description: 'Cursor offset in UTF-16 code units (default: end of file).' },
    ...completionOptions,
    ...modelOptions,
  },
  details: 'JSON (--json): {"mode", "order", "completion", "latencyMs", "tokens"}; tokens = generated tokens.',
  async run(ctx) {
    const text = readTextFile(ctx.args.positionals[0]!);
    const offset = (ctx.args.options.offset as number | undefined) ?? text.length;
    if (!Number.isInteger(offset) || offset < 0 || offset > text.length)
      throw new TokenwiseError('usage', `--offset must be an integer between 0 and ${text.length} (the file's length in UTF-16 code units).`);
    const stack = await loadStack(ctx);
    try {
      const t0 = performance.now();
      const result = await complete(stack, {
        prefix: text.slice(0, offset),
        suffix: text.slice(offset),
        mode: (ctx.args.options.mode as BoundaryMode | undefined) ?? 'exact',
        order: (ctx.args.options.order as FimOrder | undefined) ?? 'psm',
        maxNewTokens: (ctx.args.options['max-tokens'] as number | undefined) ?? 64,
        signal: ctx.signal,
      });
      const latencyMs = performance.now() - t0;
      if (ctx.json) {
        printJson(ctx.io, { mode: result.mode, order: result.order, completion: result.completion, latencyMs, tokens: result.tokens.length });
        return;
      }
      ctx.io.stdout(`${result.completion}\n`);
      ctx.io.stderr(`[${result.mode}/${result.order}, ${stack.info.name} on ${stack.info.provider}: ${result.tokens.length} tokens in ${latencyMs.toFixed(0)} ms (boundary ${result.promptMs.toFixed(0)} ms)]\n`);
    } finally {
      await stack.backend.dispose();
    }
  },
};
