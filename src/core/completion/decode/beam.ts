/**
 * Decode stage, several candidates: beam search after the boundary hand-off (the hand-off's
 * tokens are the start of every beam, so exact / heal shape the first token). With the engine's
 * `generateBeams` (capability beamSearch) the beams run batched over the shared prefix KV;
 * without it: greedy plus greedy continuations of the next most probable first tokens, rescored
 * with `scoreCandidates` where the backend has it.
 */
import { CancelledError } from '../../base/errors';
import { utf8DecodeComplete } from '../../base/utf8';
import type { InferenceBackend, ModelInfo } from '../../inference/types';
import type { HandOff } from '../boundary/exact';
import { concatBytes, type BoundaryVocabulary } from '../boundary/vocabulary';

export interface BeamCandidate {
  /** The middle (hand-off bytes + generated tokens, decoded). */
  text: string;
  tokens: number[];
  /** Per generated token; empty when the backend could not score them. */
  tokenLogprobs: number[];
  logprob: number;
  finishReason: 'stop' | 'length' | 'complete' | 'time';
}

export interface BeamDecodeOptions {
  width: number;
  maxNewTokens: number;
  stopTokens: number[];
  /** The time budget: when it fires, the candidates so far are the answer. */
  budget: AbortSignal | undefined;
  /** The caller's cancellation. */
  userSignal: AbortSignal | undefined;
  /** Asked when a candidate's text grew; true ends it there (its unit ended). */
  isComplete?: (text: string) => Promise<boolean>;
}

export interface BeamDecodeResult {
  candidates: BeamCandidate[];
  /** How the candidates were found. */
  method: 'beam' | 'greedy+rescore' | 'greedy';
  steps: number;
}

function textOf(vocab: BoundaryVocabulary, start: HandOff, tokens: readonly number[]): string {
  let bytes = start.emitted;
  for (const id of tokens) bytes = concatBytes(bytes, vocab.tokenBytes(id) ?? new Uint8Array(0));
  return utf8DecodeComplete(bytes);
}

const timedOut = (error: unknown, o: BeamDecodeOptions) => error instanceof CancelledError && !!o.budget?.aborted && !o.userSignal?.aborted;

export async function decodeBeams(backend: InferenceBackend, info: ModelInfo, vocab: BoundaryVocabulary, prompt: readonly number[], start: HandOff, o: BeamDecodeOptions): Promise<BeamDecodeResult> {
  const empty = (finishReason: BeamCandidate['finishReason']): BeamCandidate => ({ text: textOf(vocab, start, []), tokens: [], tokenLogprobs: [], logprob: start.logprob, finishReason });
  if (start.special !== undefined && o.stopTokens.includes(start.special)) return { candidates: [empty('stop')], method: 'greedy', steps: 0 };
  const ids = [...prompt, ...start.tokens];
  // The hand-off token that already added bytes counts as generated.
  const maxNewTokens = Math.max(0, o.maxNewTokens - (start.emitted.length > 0 ? 1 : 0));
  const signal = o.budget && o.userSignal ? AbortSignal.any([o.budget, o.userSignal]) : (o.budget ?? o.userSignal);
  const width = Math.max(1, Math.floor(o.width));

  if (info.capabilities.beamSearch && backend.generateBeams) {
    const isComplete = o.isComplete;
    const r = await backend.generateBeams(ids, {
      width,
      maxNewTokens,
      stopTokens: o.stopTokens,
      priority: 'interactive',
      ...(o.userSignal ? { signal: o.userSignal } : {}),
      ...(o.budget ? { stopSignal: o.budget } : {}),
      ...(isComplete ? { isComplete: (tokens: readonly number[]) => isComplete(textOf(vocab, start, tokens)) } : {}),
    });
    const candidates = r.beams.map((b) => ({
      text: textOf(vocab, start, b.tokens),
      tokens: b.tokens,
      tokenLogprobs: b.tokenLogprobs,
      logprob: start.logprob + b.logprob,
      finishReason: b.finishReason === 'length' && o.budget?.aborted ? ('time' as const) : b.finishReason,
    }));
    return { candidates: candidates.length ? candidates : [empty('length')], method: 'beam', steps: r.steps };
  }

  // Fallback: greedy, then greedy from each next-best first token, rescored together.
  const firsts: (number | undefined)[] = [undefined];
  if (width > 1 && info.capabilities.distribution && backend.nextLogprobs) {
    try {
      const dist = await backend.nextLogprobs(ids, { priority: 'interactive', ...(signal ? { signal } : {}) });
      const order = [...dist.keys()].sort((a, b) => dist[b]! - dist[a]!).filter((t) => !o.stopTokens.includes(t));
      firsts.push(...order.slice(1, width));
    } catch (error) {
      if (!timedOut(error, o)) throw error;
    }
  }
  const candidates: BeamCandidate[] = [];
  let steps = 0;
  for (const first of firsts) {
    const head = first === undefined ? [] : [first];
    try {
      const r = await backend.generate([...ids, ...head], { maxNewTokens: Math.max(0, maxNewTokens - head.length), stopTokens: o.stopTokens, priority: 'interactive', ...(signal ? { signal } : {}) });
      steps += r.decodeSteps ?? r.tokens.length;
      const tokens = [...head, ...r.tokens];
      candidates.push({ text: textOf(vocab, start, tokens), tokens, tokenLogprobs: [], logprob: start.logprob, finishReason: r.finishReason });
    } catch (error) {
      if (!timedOut(error, o)) throw error;
      break;
    }
  }
  if (candidates.length === 0) return { candidates: [empty('time')], method: 'greedy', steps };
  if (candidates.length > 1 && info.capabilities.candidateScoring && backend.scoreCandidates && !o.budget?.aborted) {
    try {
      const scores = await backend.scoreCandidates(ids, candidates.map((c) => c.tokens), { priority: 'interactive', ...(signal ? { signal } : {}) });
      candidates.forEach((c, i) => {
        c.tokenLogprobs = scores[i]!.tokenLogprobs;
        c.logprob = start.logprob + scores[i]!.logprob;
      });
      candidates.sort((a, b) => b.logprob - a.logprob);
      return { candidates, method: 'greedy+rescore', steps };
    } catch (error) {
      if (!timedOut(error, o)) throw error;
    }
  }
  return { candidates, method: 'greedy', steps };
}
