/**
 * The scoring model of one document for the heat map. Plain data in and out, no editor.
 *
 * Geometry. The model sees at most `window` tokens (its context). The document's token sequence
 * (BOS first, when the model has one) is cut into overlapping windows that start every `stride`
 * tokens (`stride = window - context`); window k starts at k·stride and *owns* the predictions of
 * positions [k·stride + context, k·stride + window) (window 0 owns everything from position 1).
 * So every token is predicted from at least `context` tokens of left context (or from the start of
 * the file), and which window scores a token depends only on its position — never on which part
 * of the file was asked for first. Scoring the visible range, any set of chunks in any order, or
 * the whole file in one pass gives the same numbers. With context = window / 2 this is exactly the
 * engine's own windowing (`scoreText`, the `tokenwise entropy` CLI).
 *
 * Each request scores the prefix of one window up to the last wanted position; the engine's prefix
 * KV cache (which also caches per-position stats) makes extending a window, or rescoring it after
 * an edit further down, cost only the tokens after what it already holds.
 *
 * Edits. `update(text)` re-tokenizes; the tokens before the first changed token keep their scores
 * (their left context is unchanged), the rest are scored again when asked for. States are cached
 * by a hash of the text, so undo or reopening a file reuses them.
 */
import { throwIfAborted } from '../base/errors';
import type { ModelInfo, Priority, ScoreOptions, ScoreResult, TextScoreToken, ModelTokenSpan } from '../inference/types';
import { contentHash, ContentCache, type Sized } from './cache';
import { surprisalBits } from './metrics';

/** The part of `InferenceBackend` the heat map uses (the editor's worker client, or the engine in-process). */
export interface EntropyBackend {
  info(): Promise<ModelInfo>;
  tokenize(text: string): Promise<ModelTokenSpan[]>;
  score(ids: readonly number[], options?: ScoreOptions): Promise<ScoreResult>;
}

/** A scored token: span (UTF-16 offsets), natural-log probability, entropy (nats), rank, top-k. */
export type HeatToken = TextScoreToken;

export interface Geometry {
  /** Tokens per window (the model's context). */
  window: number;
  /** Left context every token gets (all tokens before it near the start of the file). */
  context: number;
  /** window − context: positions owned by each window after the first. */
  stride: number;
  /** Prepended so the first token is scored; null when the model has none (the first token is then unscored). */
  bos: number | null;
  topK: number;
  /** Model + geometry, for cache keys. */
  key: string;
}

export function scoringGeometry(info: Pick<ModelInfo, 'maxContext' | 'bosTokenId' | 'location'>, contextTokens: number, topK = 5): Geometry {
  const window = Math.max(8, Math.floor(info.maxContext));
  const context = Math.max(0, Math.min(Math.floor(contextTokens), Math.floor((window * 3) / 4)));
  const stride = window - context;
  const bos = info.bosTokenId;
  return { window, context, stride, bos, topK, key: `${info.location}|w${window}|c${context}|b${bos ?? '-'}|k${topK}` };
}

/** The window that predicts sequence position p (p ≥ 1). */
export function ownerWindow(p: number, g: Geometry): number {
  return p < g.window ? 0 : Math.floor((p - g.context) / g.stride);
}

/** Sequence positions [from, to) window k predicts. */
export function ownedPositions(k: number, g: Geometry): { from: number; to: number } {
  return { from: k === 0 ? 1 : k * g.stride + g.context, to: k * g.stride + g.window };
}

function utf8Units(code: number): number {
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3;
}

/** One text, its model tokens and the scores known so far (filled in as windows are scored). */
export class ScoredText implements Sized {
  readonly ids: number[];
  readonly scores: (HeatToken | undefined)[];
  scoredCount = 0;
  private byteStarts: Uint32Array | undefined;

  constructor(
    readonly text: string,
    readonly hash: string,
    readonly spans: readonly ModelTokenSpan[],
  ) {
    this.ids = spans.map((s) => s.id);
    this.scores = new Array(spans.length);
  }

  get size(): number {
    return this.spans.length;
  }

  get complete(): boolean {
    return this.scoredCount === this.spans.length;
  }

  set(i: number, token: HeatToken): void {
    if (!this.scores[i]) this.scoredCount++;
    this.scores[i] = token;
  }

  /** Index of the first token whose span ends after `offset` (spans.length when none). */
  indexAt(offset: number): number {
    let lo = 0;
    let hi = this.spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.spans[mid]!.end <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Tokens [first, last) that intersect the UTF-16 range [start, end) (a token at an empty range's offset counts). */
  tokenRange(start: number, end: number): [number, number] {
    const first = this.indexAt(start);
    let last = first;
    while (last < this.spans.length && (this.spans[last]!.start < end || last === first)) last++;
    // Zero-width tokens (the rest of a split character) belong with the token before them.
    while (last < this.spans.length && this.spans[last]!.start === this.spans[last]!.end && this.spans[last]!.start <= end) last++;
    return [first, Math.min(last, this.spans.length)];
  }

  /** UTF-8 bytes of the whole text. */
  get totalBytes(): number {
    this.bytesOf(0, 0);
    return this.byteStarts![this.spans.length]!;
  }

  /** UTF-8 bytes of the text covered by tokens [first, last). */
  bytesOf(first: number, last: number): number {
    if (!this.byteStarts) {
      const starts = new Uint32Array(this.spans.length + 1);
      let bytes = 0;
      let at = 0;
      for (let i = 0; i < this.spans.length; i++) {
        const s = this.spans[i]!;
        for (; at < s.start; at++) bytes += utf8Units(this.text.charCodeAt(at));
        starts[i] = bytes;
        at = Math.max(at, s.start);
      }
      for (; at < this.text.length; at++) bytes += utf8Units(this.text.charCodeAt(at));
      starts[this.spans.length] = bytes;
      this.byteStarts = starts;
    }
    if (last <= first) return 0;
    const end = last < this.spans.length ? this.byteStarts[last]! : this.byteStarts[this.spans.length]!;
    return end - this.byteStarts[first]!;
  }
}

export interface ScoreRequestOptions {
  signal?: AbortSignal;
  /** Default 'background': completion pre-empts the heat map between model steps. */
  priority?: Priority;
  /** Called after each window with the tokens scored so far and the tokens wanted. */
  onProgress?(done: number, total: number): void;
}

export interface ScoreStats {
  /** Model requests made (one per window touched). */
  requests: number;
  /** Tokens run through the model (the rest came from the prefix KV cache). */
  computedTokens: number;
  /** Tokens that got a score in this call. */
  newlyScored: number;
  ms: number;
}

export type UpdateKind = 'same' | 'cache' | 'merge' | 'fresh';

export interface UpdateResult {
  kind: UpdateKind;
  tokens: number;
  /** Tokens whose scores were kept (cache hit: all that were cached). */
  kept: number;
  /** Index of the first token that changed (tokens.length when none). */
  editIndex: number;
}

export interface BitsPerByte {
  bitsPerByte: number;
  bits: number;
  bytes: number;
  tokens: number;
  scoredTokens: number;
  /** False when some tokens of the range are not scored yet (the figure is over the scored ones). */
  complete: boolean;
}

export class EntropyDocument {
  private snapshot: ScoredText | undefined;

  constructor(
    private readonly backend: EntropyBackend,
    private geo: Geometry,
    private readonly cache: ContentCache<ScoredText> = new ContentCache(),
  ) {}

  get geometry(): Geometry {
    return this.geo;
  }

  /** The current text with its tokens and scores (undefined before the first update). */
  get current(): ScoredText | undefined {
    return this.snapshot;
  }

  /** A new model or context window: scores of the old geometry are dropped. */
  setGeometry(g: Geometry): void {
    if (g.key === this.geo.key) return;
    this.geo = g;
    this.snapshot = undefined;
  }

  /**
   * Moves to `text`: the same text keeps everything; a cached text (by content hash) takes its
   * scores; otherwise re-tokenizes and keeps the scores of the tokens before the first changed token.
   */
  async update(text: string, signal?: AbortSignal): Promise<UpdateResult> {
    const hash = contentHash(text);
    const old = this.snapshot;
    if (old && old.hash === hash && old.text === text) return { kind: 'same', tokens: old.size, kept: old.scoredCount, editIndex: old.size };
    const key = `${this.geo.key}|${hash}`;
    const cached = this.cache.get(key);
    if (cached && cached.text === text) {
      this.snapshot = cached;
      return { kind: 'cache', tokens: cached.size, kept: cached.scoredCount, editIndex: old ? commonPrefix(old.ids, cached.ids) : 0 };
    }
    const geoKey = this.geo.key;
    const spans = await this.backend.tokenize(text);
    throwIfAborted(signal);
    if (geoKey !== this.geo.key) return this.update(text, signal);
    const next = new ScoredText(text, hash, spans);
    const base = this.snapshot; // may have moved on while tokenizing
    let editIndex = 0;
    let kept = 0;
    if (base) {
      editIndex = commonPrefix(base.ids, next.ids);
      for (let i = 0; i < editIndex; i++) {
        const s = base.scores[i];
        if (s) {
          next.set(i, s);
          kept++;
        }
      }
    }
    this.snapshot = next;
    this.cache.put(key, next);
    return { kind: base ? 'merge' : 'fresh', tokens: next.size, kept, editIndex };
  }

  /** Scores tokens [first, last) of the current text that have no score yet. */
  async scoreTokens(first: number, last: number, options: ScoreRequestOptions = {}): Promise<ScoreStats> {
    const t0 = performance.now();
    const snap = this.snapshot;
    const stats: ScoreStats = { requests: 0, computedTokens: 0, newlyScored: 0, ms: 0 };
    if (!snap) return stats;
    const g = this.geo;
    first = Math.max(0, first);
    last = Math.min(snap.size, last);
    const off = g.bos !== null ? 1 : 0;
    // Without a BOS token the first token has no prediction (as in the engine's scoreText).
    if (off === 0 && first === 0 && last > 0 && !snap.scores[0]) {
      const s = snap.spans[0]!;
      snap.set(0, { id: s.id, start: s.start, end: s.end, logprob: 0, entropy: 0, rank: 1, top: [] });
      stats.newlyScored++;
    }
    // Missing sequence positions, grouped by the window that predicts them.
    const windows = new Map<number, number>(); // window → last missing position
    for (let i = first; i < last; i++) {
      if (snap.scores[i]) continue;
      const p = i + off;
      if (p < 1) continue;
      const k = ownerWindow(p, g);
      windows.set(k, Math.max(windows.get(k) ?? 0, p));
    }
    let wanted = 0;
    for (let i = first; i < last; i++) if (!snap.scores[i]) wanted++;
    let done = 0;
    const seq = off ? [g.bos!, ...snap.ids] : snap.ids;
    for (const k of [...windows.keys()].sort((a, b) => a - b)) {
      throwIfAborted(options.signal);
      const start = k * g.stride;
      const end = windows.get(k)! + 1;
      const r = await this.backend.score(seq.slice(start, end), { prependBos: false, topK: g.topK, priority: options.priority ?? 'background', signal: options.signal });
      stats.requests++;
      stats.computedTokens += r.computedTokens;
      const own = ownedPositions(k, g);
      r.tokens.forEach((t, j) => {
        const p = start + j + 1;
        if (p < own.from || p >= own.to) return;
        const i = p - off;
        if (snap.scores[i]) return;
        const s = snap.spans[i]!;
        snap.set(i, { id: s.id, start: s.start, end: s.end, logprob: t.logprob, entropy: t.entropy, rank: t.rank, top: t.top });
        stats.newlyScored++;
        if (i >= first && i < last) done++;
      });
      options.onProgress?.(done, wanted);
    }
    stats.ms = performance.now() - t0;
    return stats;
  }

  /** Scores the tokens intersecting the UTF-16 range [start, end), widened by `marginTokens` on each side. */
  scoreRange(start: number, end: number, marginTokens = 0, options: ScoreRequestOptions = {}): Promise<ScoreStats> {
    const snap = this.snapshot;
    if (!snap) return this.scoreTokens(0, 0, options);
    const [a, b] = snap.tokenRange(start, end);
    return this.scoreTokens(a - marginTokens, b + marginTokens, options);
  }

  /** Scores the whole text (what is not scored yet), window by window. */
  scoreAll(options: ScoreRequestOptions = {}): Promise<ScoreStats> {
    return this.scoreTokens(0, this.snapshot?.size ?? 0, options);
  }

  /** Windows that still have unscored tokens (for deciding whether to show progress). */
  pendingWindows(): number {
    const snap = this.snapshot;
    if (!snap) return 0;
    const off = this.geo.bos !== null ? 1 : 0;
    const set = new Set<number>();
    for (let i = 0; i < snap.size; i++) if (!snap.scores[i] && i + off >= 1) set.add(ownerWindow(i + off, this.geo));
    return set.size;
  }

  /**
   * Bits per UTF-8 byte of the whole text, or of the tokens intersecting [start, end) (the range
   * widened to token boundaries). Over the scored tokens only while some are missing.
   */
  bitsPerByte(range?: { start: number; end: number }): BitsPerByte | undefined {
    const snap = this.snapshot;
    if (!snap) return undefined;
    const [first, last] = range ? snap.tokenRange(range.start, range.end) : [0, snap.size];
    let bits = 0;
    let scored = 0;
    let scoredBytes = 0;
    for (let i = first; i < last; i++) {
      const s = snap.scores[i];
      if (!s) continue;
      bits += surprisalBits(s.logprob);
      scored++;
      scoredBytes += snap.bytesOf(i, i + 1);
    }
    const complete = scored === last - first;
    const bytes = complete ? (range ? snap.bytesOf(first, last) : snap.totalBytes) : scoredBytes;
    return { bitsPerByte: bytes > 0 ? bits / bytes : 0, bits, bytes, tokens: last - first, scoredTokens: scored, complete };
  }
}

export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
