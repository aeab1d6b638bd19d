/**
 * Token healing: back off the last token(s) of the prompt and constrain the first generated
 * tokens to reproduce the removed bytes. An approximation of the exact method (see exact.ts) kept
 * as a comparison mode.
 */
import { throwIfAborted } from '../../base/errors';
import type { HandOff, NextTokenScorer } from './exact';
import { concatBytes, PrefixIndex, startsWith, type BoundaryVocabulary } from './vocabulary';

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

/** Ordinary tokens that start with `rest` or are a prefix of it: the ones healing may pick next. */
export function compatibleTokens(rest: Uint8Array, index: PrefixIndex): number[] {
  const ids = [...index.withPrefix(rest)];
  for (let l = 1; l < rest.length; l++) {
    const head = rest.subarray(0, l);
    for (const id of index.withPrefix(head)) if (index.tokenLength(id) === l) ids.push(id);
  }
  return ids;
}

/** Greedy constrained decoding until the removed bytes are reproduced. */
export async function healGreedy(
  context: readonly number[],
  removed: Uint8Array,
  vocab: BoundaryVocabulary,
  scorer: NextTokenScorer,
  signal?: AbortSignal,
  index?: PrefixIndex,
): Promise<HandOff> {
  if (scorer.batchLogprobs && !index) index = new PrefixIndex(vocab);
  const generated: number[] = [];
  let rest = removed;
  let logprob = 0;
  for (;;) {
    throwIfAborted(signal);
    const prefix = [...context, ...generated];
    // With the batched path, ask only for the tokens the constraint allows.
    const next = scorer.batchLogprobs ? (await scorer.batchLogprobs([{ tokens: prefix, candidates: compatibleTokens(rest, index!), topK: 1 }], signal))[0]! : await scorer.nextLogprobs(prefix, signal);
    let best = -1;
    for (let id = 0; id < next.length; id++) {
      const bytes = vocab.tokenBytes(id);
      if (!bytes || bytes.length === 0 || next[id] === Number.NEGATIVE_INFINITY) continue;
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
