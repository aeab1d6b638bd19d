/**
 * Prompt stage, second half: template segments → token ids. Special tokens go in by id; document
 * text is always ordinary text. `splitAtAnchor` finds where the boundary stage may re-tokenize.
 */
import { TokenwiseError } from '../../base/errors';
import type { BoundaryVocabulary } from '../boundary/vocabulary';
import type { PromptSegment } from './templates';

/** The tokenizer side of completion: bytes-level vocabulary plus special tokens by name. */
export interface CompletionTokenizer extends BoundaryVocabulary {
  /** Id of a special token by its content, if the vocabulary has it. */
  specialId(content: string): number | undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes template segments: specials by id, document text always as ordinary text. */
export function encodeSegments(segments: readonly PromptSegment[], tokenizer: CompletionTokenizer): number[] {
  const ids: number[] = [];
  for (const s of segments) {
    if (s.kind === 'special') {
      const id = tokenizer.specialId(s.token);
      if (id === undefined) throw new TokenwiseError('model', `The tokenizer has no special token ${s.token} required by the FIM template.`);
      ids.push(id);
    } else if (s.text) ids.push(...tokenizer.encode(encoder.encode(s.text)));
  }
  return ids;
}

export interface AnchoredPrompt {
  /** Segments encoded as they are. */
  before: PromptSegment[];
  /** The last word(s) of the prefix, whose tokenization the continuation may change. */
  tail: Uint8Array;
  /** Segments after the tail in the prompt (PSM: suffix and the middle sentinel; the tail then starts the middle). */
  after: PromptSegment[];
}

/** Splits the prompt two pre-tokens before the end of the prefix: that boundary cannot move, whatever follows. */
export function splitAtAnchor(segments: readonly PromptSegment[], tokenizer: CompletionTokenizer): AnchoredPrompt {
  const i = segments.findIndex((s) => s.kind === 'text' && s.role === 'prefix');
  if (i < 0) return { before: [...segments], tail: new Uint8Array(0), after: [] };
  const text = (segments[i] as { text: string }).text;
  const bytes = encoder.encode(text);
  const starts = tokenizer.preTokenStarts(bytes);
  let anchor = starts.length >= 2 ? starts[starts.length - 2]! : 0;
  if (bytes.length - anchor > 64) anchor = starts[starts.length - 1] ?? 0;
  return {
    before: [...segments.slice(0, i), { kind: 'text', role: 'prefix', text: decoder.decode(bytes.subarray(0, anchor)) }],
    tail: bytes.slice(anchor),
    after: segments.slice(i + 1),
  };
}
