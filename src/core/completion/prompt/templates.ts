/**
 * Fill-in-the-middle prompt templates per model family. A prompt is a list of segments: special
 * tokens by name (encoded as their ids) and document text (always encoded as ordinary text, so a
 * sentinel string typed in the document never becomes the special token).
 */
import { assertNever } from '../../base/errors';

export type FimFamily = 'tokenwise' | 'qwen' | 'starcoder' | 'codellama' | 'deepseek' | 'codegen2';
export const fimFamilies: readonly FimFamily[] = ['tokenwise', 'qwen', 'starcoder', 'codellama', 'deepseek', 'codegen2'];

/** PSM: prefix, suffix, then the middle. SPM: suffix first; the middle continues the prefix. */
export type FimOrder = 'psm' | 'spm';

export type PromptSegment =
  | { kind: 'special'; token: string }
  | { kind: 'text'; role: 'prefix' | 'suffix'; text: string };

export interface FimTemplate {
  /** 'none': a model without FIM sentinels, completing left to right (the suffix is unused). */
  family: FimFamily | 'none';
  /** Special tokens that end generation. */
  stopTokens: readonly string[];
  /** Orders the family was trained with. */
  orders: readonly FimOrder[];
  /** Builds the prompt; generation starts right after the last segment. */
  build(order: FimOrder, prefix: string, suffix: string): PromptSegment[];
}

const sp = (token: string): PromptSegment => ({ kind: 'special', token });
const pre = (text: string): PromptSegment => ({ kind: 'text', role: 'prefix', text });
const suf = (text: string): PromptSegment => ({ kind: 'text', role: 'suffix', text });

/** Families with `<|fim_prefix|>`-style sentinels (Qwen2.5-Coder and the shipped model). */
function pipeSentinels(family: 'tokenwise' | 'qwen', stops: string[]): FimTemplate {
  return {
    family,
    stopTokens: stops,
    orders: ['psm', 'spm'],
    build: (order, prefix, suffix) =>
      order === 'psm'
        ? [sp('<|fim_prefix|>'), pre(prefix), sp('<|fim_suffix|>'), suf(suffix), sp('<|fim_middle|>')]
        : [sp('<|fim_prefix|>'), sp('<|fim_suffix|>'), suf(suffix), sp('<|fim_middle|>'), pre(prefix)],
  };
}

export function fimTemplate(family: FimFamily): FimTemplate {
  switch (family) {
    case 'tokenwise':
      return pipeSentinels('tokenwise', ['<|endoftext|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|fim_pad|>', '<|file_sep|>']);
    case 'qwen':
      return pipeSentinels('qwen', ['<|endoftext|>', '<|fim_pad|>', '<|file_sep|>', '<|repo_name|>', '<|im_end|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>']);
    case 'starcoder':
      return {
        family,
        stopTokens: ['<|endoftext|>', '<file_sep>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<fim_pad>'],
        orders: ['psm', 'spm'],
        build: (order, prefix, suffix) =>
          order === 'psm'
            ? [sp('<fim_prefix>'), pre(prefix), sp('<fim_suffix>'), suf(suffix), sp('<fim_middle>')]
            : [sp('<fim_prefix>'), sp('<fim_suffix>'), suf(suffix), sp('<fim_middle>'), pre(prefix)],
      };
    case 'codellama':
      return {
        family,
        stopTokens: ['<EOT>', '</s>'],
        orders: ['psm', 'spm'],
        build: (order, prefix, suffix) =>
          order === 'psm'
            ? [sp('<PRE>'), pre(' ' + prefix), sp('<SUF>'), suf(suffix), sp('<MID>')]
            : [sp('<PRE>'), sp('<SUF>'), suf(suffix), sp('<MID>'), pre(prefix)],
      };
    case 'deepseek':
      return {
        family,
        stopTokens: ['<｜end▁of▁sentence｜>', '<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'],
        orders: ['psm'],
        build: (_order, prefix, suffix) => [sp('<｜fim▁begin｜>'), pre(prefix), sp('<｜fim▁hole｜>'), suf(suffix), sp('<｜fim▁end｜>')],
      };
    case 'codegen2':
      return {
        family,
        stopTokens: ['<eom>', '<|endoftext|>'],
        orders: ['psm'],
        build: (_order, prefix, suffix) => [pre(prefix), sp('<mask_1>'), suf(suffix), sp('<|endoftext|>'), sp('<sep>'), sp('<mask_1>')],
      };
    default:
      return assertNever(family, 'FIM family');
  }
}

/**
 * Detects the family from the tokenizer's added (special) tokens; `modelType`/name hints pick the
 * shipped model. Returns undefined for a model without FIM sentinels (left-to-right only).
 */
export function detectFimFamily(specialTokens: Iterable<string>, hint = ''): FimFamily | undefined {
  const set = new Set(specialTokens);
  if (set.has('<|fim_prefix|>')) return /tokenwise/i.test(hint) ? 'tokenwise' : 'qwen';
  if (set.has('<fim_prefix>')) return 'starcoder';
  if (set.has('<｜fim▁begin｜>')) return 'deepseek';
  if (set.has('<PRE>') || set.has('▁<PRE>')) return 'codellama';
  if (set.has('<mask_1>') && set.has('<sep>')) return 'codegen2';
  return undefined;
}

/** The family from a served model's name (remote models without a local tokenizer.json). */
export function detectFimFamilyFromName(name: string): FimFamily | undefined {
  const n = name.toLowerCase();
  if (/tokenwise/.test(n)) return 'tokenwise';
  if (/qwen.*coder/.test(n)) return 'qwen';
  if (/starcoder/.test(n)) return 'starcoder';
  if (/deepseek.*coder/.test(n)) return 'deepseek';
  if (/code-?llama/.test(n)) return 'codellama';
  if (/codegen2/.test(n)) return 'codegen2';
  return undefined;
}

/** Left-to-right completion for models without FIM sentinels. */
export function leftToRightTemplate(stopTokens: readonly string[]): FimTemplate {
  return { family: 'none', stopTokens, orders: ['psm'], build: (_order, prefix) => [pre(prefix)] };
}
