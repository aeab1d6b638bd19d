/**
 * Everything a completion request needs besides the text: the backend, the model's tokenizer as
 * a completion tokenizer, the vocabulary prefix index and the FIM template of the model family.
 * Built once per loaded model.
 */
import { join } from 'node:path';
import type { InferenceBackend, ModelInfo } from '../inference/types';
import { detectFimFamily, fimTemplate, leftToRightTemplate, type FimFamily, type FimTemplate } from './prompt/templates';
import { PrefixIndex } from './boundary/vocabulary';
import { promptWindows } from './context/windows';
import { completeFim, type FimRequest, type FimResult } from './fim';
import { ModelCompletionTokenizer } from '../model/tokenizer';

export interface CompletionStack {
  backend: InferenceBackend;
  info: ModelInfo;
  tokenizer: ModelCompletionTokenizer;
  index: PrefixIndex;
  template: FimTemplate;
}

/** `family`: 'auto' detects it from the tokenizer's special tokens. */
export async function createCompletionStack(backend: InferenceBackend, family: FimFamily | 'auto' = 'auto'): Promise<CompletionStack> {
  const info = await backend.info();
  const tokenizer = new ModelCompletionTokenizer(join(info.dir, 'tokenizer.json'), info.vocabSize);
  const detected = family === 'auto' ? detectFimFamily(tokenizer.specialTokens(), info.isDefault ? 'tokenwise' : info.name) : family;
  const eos = info.eosTokenIds.map((id) => tokenizer.specialTokens().find((s) => tokenizer.specialId(s) === id)).filter((s): s is string => !!s);
  const template = detected ? fimTemplate(detected) : leftToRightTemplate(eos);
  return { backend, info, tokenizer, index: new PrefixIndex(tokenizer), template };
}

const encoder = new TextEncoder();

/**
 * Completes at the cursor: the prefix and suffix are first cut to fit the model's context with the
 * tokens to generate (a prompt cut by the engine would lose its leading FIM sentinel).
 */
export function complete(stack: CompletionStack, request: FimRequest): Promise<FimResult> {
  const budgetTokens = Math.max(16, stack.info.maxContext - request.maxNewTokens - 16);
  const countTokens = (text: string) => stack.tokenizer.encode(encoder.encode(text)).length;
  const windows = promptWindows(request.prefix, request.suffix, { budgetTokens, prefixShare: 0.7, countTokens });
  const model = {
    nextLogprobs: (ids: readonly number[], signal?: AbortSignal) => stack.backend.nextLogprobs(ids, { signal, priority: 'interactive' }),
    generate: stack.backend.generate.bind(stack.backend),
  };
  return completeFim(model, stack.tokenizer, stack.index, stack.template, { ...request, prefix: windows.prefix, suffix: windows.suffix });
}
