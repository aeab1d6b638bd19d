/**
 * Information capacity (Yuan et al., "Information Capacity: Evaluating the Efficiency of Large
 * Language Models via Text Compression"; TeleAI-AI-Flow/InformationCapacity, calc_ic.py):
 *
 *   IC = (mean raw bits per token − mean NLL bits per token + b) / log2(decode FLOPs per token)
 *
 * - raw bits per token of a sample: 8 · UTF-8 bytes / tokens (the model's tokenizer), averaged
 *   over samples (here: files);
 * - NLL bits per token: −log2 p of each token given the ones before it, averaged over all tokens
 *   (here from the heat map's scoring, the one headless entropy path);
 * - b: the paper's numerator bias, −27 by default (−24 for its mixed_text set, −18.7 for
 *   Ch-FineWeb-Edu); calibrated on the paper's text corpora, not on code: compare models with the
 *   same b on the same code, never the absolute value with the paper's tables;
 * - decode FLOPs per token: the paper's dense-GQA count (flops.py, `gqa_model_theoretical_flops`,
 *   forward only, 2 FLOPs per multiply-add) for generating `genLength` tokens from an empty
 *   prompt, divided by `genLength`: per layer Q/O projections 2·d², K/V 2·d·kv (kv = n_kv·d/n_heads),
 *   attention core 4·n_heads·(d/n_heads) per cached token, gated MLP 6·d·d_ff; LM head 2·d·vocab.
 *   The paper uses genLength 1024; a model with a shorter context uses its context.
 */

export const paperNumeratorBias = -27;
export const paperGenLength = 1024;

export interface FlopsConfig {
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  intermediateSize: number;
  vocabSize: number;
}

/** Reads the fields the FLOPs count needs from a Hugging Face config.json object; undefined when one is missing. */
export function flopsConfig(config: Record<string, unknown>): FlopsConfig | undefined {
  const num = (...keys: string[]) => {
    for (const k of keys) if (typeof config[k] === 'number' && Number.isFinite(config[k])) return config[k] as number;
    return undefined;
  };
  const hiddenSize = num('hidden_size', 'n_embd');
  const layers = num('num_hidden_layers', 'n_layer');
  const heads = num('num_attention_heads', 'n_head');
  const intermediateSize = num('intermediate_size', 'ffn_hidden_size', 'n_inner');
  const vocabSize = num('vocab_size');
  if (!hiddenSize || !layers || !heads || !intermediateSize || !vocabSize) return undefined;
  return { hiddenSize, layers, heads, kvHeads: num('num_key_value_heads') ?? heads, intermediateSize, vocabSize };
}

/** Decode FLOPs per token for `genLength` tokens from an empty prompt (flops.py with seq_len 0, batch 1). */
export function decodeFlopsPerToken(c: FlopsConfig, genLength = paperGenLength): number {
  const d = c.hiddenSize;
  const dk = Math.floor(d / c.heads);
  const kv = c.kvHeads * dk;
  const T = genLength;
  const proj = 2 * d * d * 2 + 2 * d * kv * 2; // Q, O, K, V for one token
  const mlp = 6 * d * c.intermediateSize;
  const attn = 4 * c.heads * dk * ((T * (T - 1)) / 2); // Σ over cache lengths 0..T-1
  const stack = c.layers * (T * (proj + mlp) + attn);
  const lmHead = 2 * T * d * c.vocabSize;
  return (stack + lmHead) / T;
}

export interface CapacityInputs {
  /** Mean over samples of 8 · bytes / tokens. */
  rawBitsPerToken: number;
  /** Mean over tokens of −log2 p. */
  nllBitsPerToken: number;
  flopsPerToken: number;
  numeratorBias?: number;
}

export function informationCapacity(x: CapacityInputs): number {
  return (x.rawBitsPerToken - x.nllBitsPerToken + (x.numeratorBias ?? paperNumeratorBias)) / Math.log2(x.flopsPerToken);
}
