/**
 * Incremental re-tokenization after an edit: only the pieces around the edit are tokenized again.
 *
 * - Restart: the latest piece start S before the edit such that nothing the pre-tokenizer read to
 *   decide the pieces before S can have changed (`PipelineEngine.canRestartAt`: a match reads at
 *   most a few characters past its end, or to the end of a whitespace run). Tokens before S are kept.
 * - Resynchronise: tokenize the new text from S; as soon as a new piece starts at p ≥ edit end
 *   where the previous tokenization also had a piece start (p - delta), the rest is identical
 *   (the pre-tokenizer depends only on the text from p on) and is reused, shifted.
 * The result equals a full re-tokenization (property-tested in test/unit/tokenize-incremental).
 * The previous spans' buffers are reused for the result: do not use `previous` afterwards.
 */
import { SpanBuilder, TokenSpans } from './spans';
import { TokenFlag, type TextEdit } from './types';
import type { SpanTokenizer } from './engine';

export interface RetokenizeStats {
  /** Tokens reused before and after the re-tokenized window. */
  reusedBefore: number;
  reusedAfter: number;
  /** UTF-16 range of the new text that was tokenized again. */
  windowStart: number;
  windowEnd: number;
}

export function retokenize(tokenizer: SpanTokenizer, previous: TokenSpans, text: string, edit: TextEdit, stats?: RetokenizeStats): TokenSpans {
  if (!previous.complete || previous.tokenizer !== tokenizer.name) return tokenizer.encodeSpans(text);
  const engine = tokenizer.engine;
  const delta = edit.newEnd - edit.oldEnd;
  const E = Math.max(0, Math.min(edit.start, text.length));
  const count = previous.count;
  const starts = previous.starts;
  const flags = previous.flags;

  // 1. Restart point.
  let j = Math.min(previous.indexAt(E), count - 1);
  while (j > 0 && !((flags[j]! & TokenFlag.pieceStart) !== 0 && starts[j]! < E && engine.canRestartAt(text, starts[j]!, E))) j--;
  if (j < 0) j = 0;
  const S = count === 0 ? 0 : starts[j]!;
  const atSectionStart = j === 0 || (flags[j - 1]! & TokenFlag.added) !== 0;

  // 2. Re-tokenize from S until a piece start lines up with a previous piece start after the edit.
  const win = new SpanBuilder(256);
  let k = j;
  let resyncAt = -1;
  const stop = (p: number): boolean => {
    if (p < edit.newEnd) return false;
    const target = p - delta;
    while (k < count && starts[k]! < target) k++;
    for (let m = k; m < count && starts[m] === target; m++) {
      if ((flags[m]! & TokenFlag.pieceStart) !== 0) {
        if (!engine.isResyncPoint(text, p)) return false;
        resyncAt = m;
        return true;
      }
    }
    return false;
  };
  const byteFrom = previous.byteStarts[j]!;
  const r = engine.run(text, S, byteFrom, atSectionStart, win, stop);
  const stopped = r.stopped && resyncAt >= 0;
  if (stats) {
    stats.reusedBefore = j;
    stats.windowStart = S;
    stats.windowEnd = r.end;
    stats.reusedAfter = stopped ? count - resyncAt : 0;
  }

  // 3. Splice: prefix [0, j) + window + suffix [resyncAt, count) shifted. The previous spans'
  // buffers are reused when they have room (no allocation per keystroke); `previous` must not be
  // used afterwards.
  const w = win.length;
  const suffixFrom = stopped ? resyncAt : count;
  const suffix = count - suffixFrom;
  const n = j + w + suffix;
  const byteShift = stopped ? r.byteEnd - previous.byteStarts[resyncAt]! : 0;
  const byteEnd = stopped ? previous.byteStarts[count]! + byteShift : r.byteEnd; // read before the buffers are reused
  let ids: Int32Array;
  let st: Int32Array;
  let bs: Int32Array;
  let fl: Uint8Array;
  const cap = capacityOf(previous);
  if (cap >= n + 1) {
    ids = new Int32Array(previous.ids.buffer, 0, cap);
    st = new Int32Array(previous.starts.buffer, 0, cap + 1);
    bs = new Int32Array(previous.byteStarts.buffer, 0, cap + 1);
    fl = new Uint8Array(previous.flags.buffer, 0, cap);
    if (suffix > 0 && suffixFrom !== j + w) {
      ids.copyWithin(j + w, suffixFrom, count);
      fl.copyWithin(j + w, suffixFrom, count);
      st.copyWithin(j + w, suffixFrom, count);
      bs.copyWithin(j + w, suffixFrom, count);
    }
  } else {
    const c = Math.ceil(n * 1.25) + 64;
    ids = new Int32Array(c);
    st = new Int32Array(c + 1);
    bs = new Int32Array(c + 1);
    fl = new Uint8Array(c);
    ids.set(previous.ids.subarray(0, j));
    fl.set(previous.flags.subarray(0, j));
    st.set(previous.starts.subarray(0, j));
    bs.set(previous.byteStarts.subarray(0, j));
    if (suffix > 0) {
      ids.set(previous.ids.subarray(suffixFrom, count), j + w);
      fl.set(previous.flags.subarray(suffixFrom, count), j + w);
      st.set(previous.starts.subarray(suffixFrom, count), j + w);
      bs.set(previous.byteStarts.subarray(suffixFrom, count), j + w);
    }
  }
  ids.set(win.ids.subarray(0, w), j);
  fl.set(win.flags.subarray(0, w), j);
  st.set(win.starts.subarray(0, w), j);
  bs.set(win.byteStarts.subarray(0, w), j);
  if (suffix > 0 && (delta !== 0 || byteShift !== 0)) {
    for (let i = j + w; i < n; i++) {
      st[i] = st[i]! + delta;
      bs[i] = bs[i]! + byteShift;
    }
  }
  st[n] = text.length;
  bs[n] = byteEnd;
  return new TokenSpans(tokenizer.name, ids.subarray(0, n), st.subarray(0, n + 1), bs.subarray(0, n + 1), fl.subarray(0, n), true);
}

/** Tokens the buffers under `spans` can hold without reallocating (0 when they are not views from 0). */
function capacityOf(spans: TokenSpans): number {
  const { ids, starts, byteStarts, flags } = spans;
  if (ids.byteOffset !== 0 || starts.byteOffset !== 0 || byteStarts.byteOffset !== 0 || flags.byteOffset !== 0) return 0;
  return Math.min(ids.buffer.byteLength >> 2, (starts.buffer.byteLength >> 2) - 1, (byteStarts.buffer.byteLength >> 2) - 1, flags.buffer.byteLength);
}
