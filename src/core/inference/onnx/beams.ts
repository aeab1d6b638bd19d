/**
 * Beam search for the ONNX engine: the live beams run as one batch per step over a batched KV
 * state that starts as the prompt's (prefix-cached) KV tiled to the beam count; after each step
 * the KV rows are gathered for the surviving beams. Beams are ranked by total logprob during the
 * search (length normalisation and structure are the completion layer's business).
 */
import { throwIfAborted } from '../../base/errors';
import type { Beam, BeamOptions } from '../types';
import type { BeamKv, CausalLM, KvState } from './causalLM';
import { rowStats, topK } from './stats';

export interface BeamSearchContext {
  model: Pick<CausalLM, 'tileKv' | 'gatherKv' | 'forwardBeams'>;
  /** KV state after the prompt (batch 1). */
  prefix: KvState;
  /** Log-probabilities of the first new token (vocabulary-sized). */
  first: Float32Array;
  vocab: number;
  /** Most tokens the model's context still holds after the prompt. */
  room: number;
  stopTokens: ReadonlySet<number>;
  /** Runs one model step (the engine's scheduler: priority, cancellation). */
  step<T>(fn: () => Promise<T>): Promise<T>;
}

interface Live {
  tokens: number[];
  tokenLogprobs: number[];
  logprob: number;
}

/** Log-softmax of one logits row. */
export function logSoftmaxRow(logits: Float32Array, offset: number, vocab: number): Float32Array {
  const { lse } = rowStats(logits, offset, vocab);
  const out = new Float32Array(vocab);
  for (let i = 0; i < vocab; i++) out[i] = logits[offset + i]! - lse;
  return out;
}

/**
 * One selection: every parent's best `width + stops` next tokens, all ranked by total logprob;
 * stop-token expansions ranked above the `width`-th live one finish their parent, the best
 * `width` others continue.
 */
export function selectBeams(parents: readonly Live[], rows: readonly Float32Array[], width: number, stopTokens: ReadonlySet<number>): { live: (Live & { parent: number })[]; stopped: Live[] } {
  const options: { parent: number; token: number; logprob: number; total: number }[] = [];
  const k = width + stopTokens.size;
  parents.forEach((p, i) => {
    const row = rows[i]!;
    for (const token of topK(row, 0, row.length, k)) options.push({ parent: i, token, logprob: row[token]!, total: p.logprob + row[token]! });
  });
  options.sort((a, b) => b.total - a.total || a.parent - b.parent || a.token - b.token);
  const live: (Live & { parent: number })[] = [];
  const stopped: Live[] = [];
  for (const o of options) {
    if (live.length >= width) break;
    if (!Number.isFinite(o.total)) continue;
    const p = parents[o.parent]!;
    if (stopTokens.has(o.token)) stopped.push({ tokens: [...p.tokens], tokenLogprobs: [...p.tokenLogprobs], logprob: p.logprob });
    else live.push({ parent: o.parent, tokens: [...p.tokens, o.token], tokenLogprobs: [...p.tokenLogprobs, o.logprob], logprob: o.total });
  }
  return { live, stopped };
}

export async function beamSearch(ctx: BeamSearchContext, options: BeamOptions): Promise<{ beams: Beam[]; steps: number }> {
  const width = Math.max(1, Math.floor(options.width));
  const maxNew = Math.max(0, Math.min(Math.floor(options.maxNewTokens), ctx.room));
  const finished: Beam[] = [];
  const finish = (b: Live, finishReason: Beam['finishReason']) => finished.push({ tokens: b.tokens, tokenLogprobs: b.tokenLogprobs, logprob: b.logprob, finishReason });
  let steps = 0;
  if (maxNew === 0) return { beams: [{ tokens: [], tokenLogprobs: [], logprob: 0, finishReason: 'length' }], steps };

  /** Keeps the beams that go on; finishes the others. Returns the live ones with their parents. */
  const advance = async (parents: readonly Live[], rows: readonly Float32Array[]): Promise<(Live & { parent: number })[]> => {
    const { live, stopped } = selectBeams(parents, rows, width - finished.length, ctx.stopTokens);
    for (const s of stopped) finish(s, 'stop');
    const next: (Live & { parent: number })[] = [];
    for (const b of live) {
      if (options.isComplete && (await options.isComplete(b.tokens))) finish(b, 'complete');
      else if (b.tokens.length >= maxNew) finish(b, 'length');
      else next.push(b);
    }
    return next;
  };

  let live = await advance([{ tokens: [], tokenLogprobs: [], logprob: 0 }], [ctx.first]);
  let kv: BeamKv | undefined = live.length ? ctx.model.tileKv(ctx.prefix, live.length) : undefined;
  while (live.length > 0 && finished.length < width && kv) {
    if (options.stopSignal?.aborted) break;
    throwIfAborted(options.signal);
    const feed = live.map((b) => b.tokens[b.tokens.length - 1]!);
    const past: BeamKv = kv;
    steps++;
    let out: { rows: Float32Array[]; present: BeamKv };
    try {
      out = await ctx.step(async () => {
        const r = await ctx.model.forwardBeams(feed, past);
        return { rows: feed.map((_, b) => logSoftmaxRow(r.logits, b * ctx.vocab, ctx.vocab)), present: r.present };
      });
    } catch (error) {
      // The time budget ran out inside the step: the beams so far are the answer.
      if (options.stopSignal?.aborted && !options.signal?.aborted) break;
      throw error;
    }
    const next = await advance(live, out.rows);
    const parents = next.map((b) => b.parent);
    kv = next.length === 0 ? undefined : parents.length === live.length && parents.every((p, i) => p === i) ? out.present : ctx.model.gatherKv(out.present, parents);
    live = next;
  }
  for (const b of live) finish(b, 'length');
  finished.sort((a, b) => b.logprob - a.logprob);
  return { beams: finished, steps };
}
