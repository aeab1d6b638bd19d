/**
 * Token healing: back off the last token(s) of the prompt and constrain the first generated
 * tokens to reproduce the removed bytes. An approximation of the exact method (see exact.ts) kept
 * as a comparison mode.
 */
import { throwIfAborted } from '../../base/errors';
import type { HandOff, NextTokenScorer } from './exact';
import { concatBytes, startsWith, type BoundaryVocabulary, type PrefixIndex } from './vocabulary';

export interface Backoff {
  kept: number[];
  removed: Uint8Array;
}

/**
 * Removes the last token, then keeps backing off while the removed text is shorter than the
 * longest token and some token extends the text that would be removed next — the boundary might
 * move that far. Never backs off across a special token.
 */
export function healingBackoff(tokens: readonly number[], vocab: BoundaryVocabulary, index: PrefixIndex): Backoff {
  let k = 0;
  let removed: Uint8Array = new Uint8Array(0);
  while (k < tokens.length) {
    const bytes = vocab.tokenBytes(tokens[tokens.length - 1 - k]!);
    if (!bytes) break;
    const candidate = concatBytes(bytes, removed);
    if (k > 0 && (candidate.length >= index.maxTokenBytes || index.withPrefix(candidate).length === 0)) break;
    removed = candidate;
    k++;
  }
  return { kept: tokens.slice(0, tokens.length - k), removed };
}

/** Greedy constrained decoding until the removed bytes are reproduced. */
export async function healGreedy(
  context: readonly number[],
  removed: Uint8Array,
  vocab: BoundaryVocabulary,
  scorer: NextTokenScorer,
  signal?: AbortSignal,
): Promise<HandOff> {
  const generated: number[] = [];
  let rest = removed;
  let logprob = 0;
  for (;;) {
    throwIfAborted(signal);
    const next = await scorer.nextLogprobs([...context, ...generated], signal);
    let best = -1;
    for (let id = 0; id < next.length; id++) {
      const bytes = vocab.tokenBytes(id);
      if (!bytes || bytes.length === 0) continue;
      if (!(startsWith(bytes, rest) || startsWith(rest, bytes))) continue;
      if (best < 0 || next[id]! > next[best]!) best = id;
    }
    if (best < 0) return { tokens: generated, emitted: new Uint8Array(0), logprob };
    const bytes = vocab.tokenBytes(best)!;
    generated.push(best);
    logprob += next[best]!;
    if (bytes.length >= rest.length) return { tokens: generated, emitted: bytes.slice(rest.length), logprob };
    rest = rest.subarray(bytes.length);
  }
}
