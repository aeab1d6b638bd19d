/**
 * The exact fix for prompts that end mid-token (Byte-Token Representation Lemma, Phan et al.,
 * ICLR 2025). For a context of tokens A that ends on a stable boundary (the anchor) and a byte
 * tail y that may end inside a token:
 *   P(A, y) = Σ over covers c of P(A + c)
 * where a cover is a valid token sequence whose last token reaches or crosses the end of y and
 * whose other tokens decode to a strict prefix of y. For BPE, a valid cover is T_j + [t] with
 * T_j = encode(y[:j]) and t a token that starts with y[j:]; the cover whose decoding is exactly y
 * is T = encode(y). Scoring those needs one forward per prefix of the T_j, i.e. about one per byte
 * of the last word, each reusing the KV cache of the anchor.
 */
import { throwIfAborted } from '../../base/errors';
import { concatBytes, PrefixIndex, type BoundaryVocabulary } from './vocabulary';

/** Natural-log next-token probabilities over the whole vocabulary (special tokens included). */
export interface NextTokenScorer {
  nextLogprobs(tokens: readonly number[], signal?: AbortSignal): Promise<Float32Array>;
  /**
   * Optional batched path (remote backends): for each query, a vocabulary-sized array holding at
   * least the candidates' and the top-k's logprobs (-Infinity elsewhere), in as few round trips as
   * the server allows. When present, the boundary modes ask only for the ids they read.
   */
  batchLogprobs?(queries: ReadonlyArray<{ tokens: readonly number[]; candidates: readonly number[]; topK: number }>, signal?: AbortSignal): Promise<Float32Array[]>;
}

/** Next-token alternatives asked for at the canonical cover T when only listed ids are available (the hand-off's extensions). */
export const handOffTopK = 20;

export interface Cover {
  /** Tokens after the anchor context. */
  tokens: number[];
  /** Bytes of the last token beyond the end of the tail (non-empty for covers in `covers`). */
  remainder: Uint8Array;
  /** log P(tokens | context). */
  logprob: number;
}

export interface CoverSet {
  context: readonly number[];
  tail: Uint8Array;
  /** Covers whose last token crosses the end of the tail. */
  covers: Cover[];
  /** T = encode(tail): the cover that ends exactly at the tail's end, and what follows it. */
  canonical: { tokens: number[]; logprob: number; next: Float32Array };
  /** Distinct model calls made (each a forward of the new tokens only, given a prefix cache). */
  forwards: number;
}

function sameTokens(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Memoises next-token distributions by token sequence within one request. */
class MemoScorer {
  private readonly memo = new Map<string, Float32Array>();
  calls = 0;
  constructor(
    private readonly scorer: NextTokenScorer,
    private readonly context: readonly number[],
    private readonly signal?: AbortSignal,
  ) {}

  /** Answers many prefixes in one batched call (the memo then serves them). */
  async prefetch(queries: Map<string, { tokens: number[]; candidates: Set<number>; topK: number }>): Promise<void> {
    if (!this.scorer.batchLogprobs || queries.size === 0) return;
    throwIfAborted(this.signal);
    const list = [...queries.values()];
    const rows = await this.scorer.batchLogprobs(
      list.map((q) => ({ tokens: [...this.context, ...q.tokens], candidates: [...q.candidates], topK: q.topK })),
      this.signal,
    );
    this.calls++;
    [...queries.keys()].forEach((key, i) => this.memo.set(key, rows[i]!));
  }

  async next(tokens: readonly number[]): Promise<Float32Array> {
    const key = tokens.join(',');
    let dist = this.memo.get(key);
    if (!dist) {
      throwIfAborted(this.signal);
      dist = await this.scorer.nextLogprobs([...this.context, ...tokens], this.signal);
      this.calls++;
      this.memo.set(key, dist);
    }
    return dist;
  }

  /** log P(tokens | context). */
  async sequence(tokens: readonly number[]): Promise<number> {
    let total = 0;
    for (let i = 0; i < tokens.length; i++) total += (await this.next(tokens.slice(0, i)))[tokens[i]!]!;
    return total;
  }
}

/** Enumerates the valid covers of `tail` after `context`. */
export async function computeCovers(
  context: readonly number[],
  tail: Uint8Array,
  vocab: BoundaryVocabulary,
  index: PrefixIndex,
  scorer: NextTokenScorer,
  signal?: AbortSignal,
): Promise<CoverSet> {
  const memo = new MemoScorer(scorer, context, signal);
  if (scorer.batchLogprobs) await memo.prefetch(planCoverQueries(tail, vocab, index));
  const covers: Cover[] = [];
  for (let j = 0; j < tail.length; j++) {
    const head = tail.subarray(0, j);
    const rest = tail.subarray(j);
    const tj = vocab.encode(head);
    let tjLogprob: number | undefined;
    let next: Float32Array | undefined;
    for (const t of index.withPrefix(rest)) {
      const bytes = vocab.tokenBytes(t)!;
      if (bytes.length === rest.length) continue; // ends exactly at the tail: only T qualifies
      const candidate = [...tj, t];
      if (!sameTokens(vocab.encode(concatBytes(head, bytes)), candidate)) continue;
      tjLogprob ??= await memo.sequence(tj);
      next ??= await memo.next(tj);
      covers.push({ tokens: candidate, remainder: bytes.slice(rest.length), logprob: tjLogprob + next[t]! });
    }
  }
  const t = vocab.encode(tail);
  const canonical = { tokens: t, logprob: await memo.sequence(t), next: await memo.next(t) };
  return { context, tail, covers, canonical, forwards: memo.calls };
}

/**
 * The logprobs `computeCovers` reads, by prefix (after the context): for each cover prefix T_j,
 * the tokens of T_j at their positions and the cover tokens at T_j; for T = encode(tail), its
 * tokens and the top-k extensions. Vocabulary work only.
 */
function planCoverQueries(tail: Uint8Array, vocab: BoundaryVocabulary, index: PrefixIndex): Map<string, { tokens: number[]; candidates: Set<number>; topK: number }> {
  const queries = new Map<string, { tokens: number[]; candidates: Set<number>; topK: number }>();
  const want = (tokens: number[], ids: Iterable<number>, topK = 1) => {
    const key = tokens.join(',');
    let q = queries.get(key);
    if (!q) queries.set(key, (q = { tokens, candidates: new Set(), topK }));
    for (const id of ids) q.candidates.add(id);
    q.topK = Math.max(q.topK, topK);
  };
  const sequence = (tokens: number[]) => tokens.forEach((id, i) => want(tokens.slice(0, i), [id]));
  for (let j = 0; j < tail.length; j++) {
    const head = tail.subarray(0, j);
    const rest = tail.subarray(j);
    let tj: number[] | undefined;
    const valid: number[] = [];
    for (const t of index.withPrefix(rest)) {
      const bytes = vocab.tokenBytes(t)!;
      if (bytes.length === rest.length) continue;
      tj ??= vocab.encode(head);
      if (sameTokens(vocab.encode(concatBytes(head, bytes)), [...tj, t])) valid.push(t);
    }
    if (tj && valid.length) {
      sequence(tj);
      want(tj, valid);
    }
  }
  const t = vocab.encode(tail);
  sequence(t);
  want(t, [], handOffTopK);
  return queries;
}

/**
 * True when some valid cover crosses the end of the tail, i.e. the prompt may end inside a token.
 * Vocabulary-only (no model calls). When false, P(tail) = P(encode(tail)) and conditioning on the
 * canonical encoding is already exact.
 */
export function hasCrossingCover(tail: Uint8Array, vocab: BoundaryVocabulary, index: PrefixIndex): boolean {
  for (let j = 0; j < tail.length; j++) {
    const head = tail.subarray(0, j);
    const rest = tail.subarray(j);
    let tj: number[] | undefined;
    for (const t of index.withPrefix(rest)) {
      const bytes = vocab.tokenBytes(t)!;
      if (bytes.length === rest.length) continue;
      tj ??= vocab.encode(head);
      if (sameTokens(vocab.encode(concatBytes(head, bytes)), [...tj, t])) return true;
    }
  }
  return false;
}

export function logSumExp(values: Iterable<number>): number {
  let max = -Infinity;
  const list = [...values];
  for (const v of list) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of list) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** Pseudo-byte for a special token in next-byte distributions: 256 + token id. */
export const specialPseudoByte = (id: number): number => 256 + id;

/**
 * Next-byte distribution P(b | context, tail) as natural-log probabilities keyed by byte (0–255)
 * or pseudo-byte (256 + id) for special tokens. Invalid continuations of T are dropped and the
 * result renormalised ("exact up to invalid mass"; exact for a model that only emits valid
 * tokenizations).
 */
export function nextByteDistribution(set: CoverSet, vocab: BoundaryVocabulary): Map<number, number> {
  const parts = new Map<number, number[]>();
  const add = (key: number, logprob: number) => {
    const list = parts.get(key);
    if (list) list.push(logprob);
    else parts.set(key, [logprob]);
  };
  for (const c of set.covers) add(c.remainder[0]!, c.logprob);
  const { tokens: t, logprob: tLogprob, next } = set.canonical;
  for (let id = 0; id < vocab.vocabSize; id++) {
    const p = next[id]!;
    if (p === -Infinity) continue;
    const bytes = vocab.tokenBytes(id);
    if (!bytes) {
      add(specialPseudoByte(id), tLogprob + p);
      continue;
    }
    if (bytes.length === 0) continue;
    if (!sameTokens(vocab.encode(concatBytes(set.tail, bytes)), [...t, id])) continue;
    add(bytes[0]!, tLogprob + p);
  }
  const merged = new Map<number, number>();
  for (const [key, list] of parts) merged.set(key, logSumExp(list));
  const total = logSumExp(merged.values());
  for (const [key, value] of merged) merged.set(key, value - total);
  return merged;
}

/** log P(context, tail) up to invalid mass: the sum over all covers, T included. */
export function tailLogprob(set: CoverSet): number {
  return logSumExp([...set.covers.map((c) => c.logprob), set.canonical.logprob]);
}

/** Where token decoding resumes after the boundary has been resolved. */
export interface HandOff {
  /** Tokens after the context to feed before decoding continues. */
  tokens: number[];
  /** Bytes those tokens add beyond the prompt: the first bytes of the completion. */
  emitted: Uint8Array;
  /** A special token chosen as the very next token (e.g. end of text), if any. */
  special?: number;
  logprob: number;
}

/**
 * Exact hand-off to token-level decoding: the most probable (or a sampled) cover among the
 * covers of the tail and the one-token extensions of T. Greedy when `temperature` is 0.
 */
export function handOff(
  set: CoverSet,
  vocab: BoundaryVocabulary,
  options: { temperature?: number; random?: () => number } = {},
): HandOff {
  const temperature = options.temperature ?? 0;
  const { tokens: t, logprob: tLogprob, next } = set.canonical;
  const extensionValid = (id: number): boolean => {
    const bytes = vocab.tokenBytes(id);
    if (!bytes) return true;
    return bytes.length > 0 && sameTokens(vocab.encode(concatBytes(set.tail, bytes)), [...t, id]);
  };
  const extension = (id: number): HandOff => {
    const bytes = vocab.tokenBytes(id);
    return bytes
      ? { tokens: [...t, id], emitted: bytes, logprob: tLogprob + next[id]! }
      : { tokens: [...t], emitted: new Uint8Array(0), special: id, logprob: tLogprob + next[id]! };
  };
  const fromCover = (c: Cover): HandOff => ({ tokens: c.tokens, emitted: c.remainder, logprob: c.logprob });

  if (temperature <= 0) {
    let best: HandOff | undefined;
    for (const c of set.covers) if (!best || c.logprob > best.logprob) best = fromCover(c);
    // Extensions of T in descending probability: the first valid one is the best extension.
    const order = Array.from(next.keys()).sort((a, b) => next[b]! - next[a]!);
    for (const id of order) {
      if (best && tLogprob + next[id]! <= best.logprob) break;
      if (extensionValid(id)) {
        best = extension(id);
        break;
      }
    }
    return best!;
  }

  const random = options.random ?? Math.random;
  const weights: Array<{ logit: number; pick: () => HandOff }> = set.covers.map((c) => ({ logit: c.logprob / temperature, pick: () => fromCover(c) }));
  for (let id = 0; id < next.length; id++) {
    if (next[id] === -Infinity || !extensionValid(id)) continue;
    weights.push({ logit: (tLogprob + next[id]!) / temperature, pick: () => extension(id) });
  }
  const z = logSumExp(weights.map((w) => w.logit));
  let u = random();
  for (const w of weights) {
    u -= Math.exp(w.logit - z);
    if (u <= 0) return w.pick();
  }
  return weights[weights.length - 1]!.pick();
}
