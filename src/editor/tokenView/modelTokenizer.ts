/**
 * Which tokenizer.json the token view's "model" choice means. Embedded: the configured model's
 * (or the shipped one's). A remote backend (vLLM, llama.cpp, Ollama, OpenAI-compatible): the
 * served model's `tokenwise.remote.tokenizerPath`; without it the token view says why instead of
 * showing the shipped model's tokens as if they were the server's. (No vscode import: unit-tested.)
 */
import { parseTokenizerSpec } from '../../core/tokenize/registry';
import type { TokenizerSpec } from '../../core/tokenize/types';

export interface ModelTokenizerSettings {
  backend: string;
  modelPath: string;
  remoteModel: string;
  remoteTokenizerPath: string;
  /** The shipped model's folder, when found. */
  shippedModel: string | undefined;
}

export function modelTokenizerSpec(s: ModelTokenizerSettings): TokenizerSpec {
  if (s.backend === 'embedded') return parseTokenizerSpec('model', { modelDir: s.modelPath || s.shippedModel });
  if (!s.remoteTokenizerPath)
    throw new Error(
      `tokenwise.tokenizer is "model" but the model runs on a ${s.backend} server and tokenwise.remote.tokenizerPath is empty: set it to the served model's tokenizer.json (the shipped model's tokenizer would show other tokens).`,
    );
  const spec = parseTokenizerSpec(s.remoteTokenizerPath);
  if (spec.kind !== 'tokenizer.json') throw new Error(`tokenwise.remote.tokenizerPath must be a tokenizer.json or its folder (got '${s.remoteTokenizerPath}').`);
  // As for the embedded model: added tokens are read the way the model reads them.
  return { kind: 'tokenizer.json', path: spec.path, label: `model (${s.remoteModel || s.backend})`, addedTokens: 'ordinary' };
}

/** The quick pick's description of the "model" choice. */
export function modelTokenizerDescription(s: ModelTokenizerSettings): string {
  if (s.backend === 'embedded') {
    const dir = s.modelPath || s.shippedModel;
    return dir ? `tokenizer.json of ${dir}` : 'no model found';
  }
  return s.remoteTokenizerPath ? `the ${s.backend} model's tokenizer.json: ${s.remoteTokenizerPath}` : `unavailable: set tokenwise.remote.tokenizerPath (the ${s.backend} model's tokenizer.json)`;
}
