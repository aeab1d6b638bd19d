/**
 * The tokenization pipeline shared by all tokenizers:
 *   added tokens → sections → normalizer → pre-tokenizer (pieces) → BPE per piece (cached) → spans.
 * Spans come from piece offsets plus the byte lengths of each piece's tokens; the piece cache stores
 * them relative to the piece, so a repeated identifier costs one Map lookup.
 */
import { CancelledError } from '../base/errors';
import { SpanBuilder, TokenSpans, type PieceEntry } from './spans';
import { TokenFlag } from './types';
import { isSpaceLike, type PieceScanner } from './pretokenize';
import type { Normalizer } from './normalize';
import { utf8Length } from '../base/utf8';

export interface SpanTokenizer {
  /** Display name, e.g. `o200k_base` or `Qwen3 (tokenizer.json)`. */
  readonly name: string;
  /** Number of ids (vocabulary plus added tokens). */
  readonly vocabSize: number;
  /** Tokenizes a whole document; special-token text is tokenized as ordinary text. */
  encodeSpans(text: string, signal?: AbortSignal): TokenSpans;
  /** Tokenizes only around [from, to) (large documents): from the restart point before `from` to the first piece boundary at or after `to`. */
  encodeWindow(text: string, from: number, to: number): TokenSpans;
  /** The bytes a token stands for (a SentencePiece "▁" is a space, `<0xNN>` one byte). */
  tokenBytes(id: number): Uint8Array;
  /** The token's vocabulary string, if it has one. */
  tokenString(id: number): string | undefined;
  /** Engine hooks used by incremental re-tokenization. */
  readonly engine: PipelineEngine;
  dispose(): void;
}

export interface AddedTokenMatcher {
  /** Global regex over the contents of the (non-special) added tokens, longest first. */
  regex: RegExp;
  ids: Map<string, number>;
  lstrip: Set<string>;
  rstrip: Set<string>;
  maxLength: number;
}

export interface EngineOptions {
  name: string;
  scanner: PieceScanner;
  normalizer: Normalizer | null;
  encodePiece(piece: string): PieceEntry;
  added: AddedTokenMatcher | null;
  /** Extra characters a pre-tokenizer match may read past its end (besides a whitespace run). */
  lookahead: number;
  cacheLimit?: number;
}

export type StopAt = (docPos: number) => boolean;

export interface RunResult {
  /** Document offset where tokenization stopped (text end, or a piece start where `stop` said so). */
  end: number;
  byteEnd: number;
  stopped: boolean;
}

const jsSpaceRe = /\s/;

export class PipelineEngine {
  readonly name: string;
  private readonly scanner: PieceScanner;
  private readonly normalizer: Normalizer | null;
  private readonly encodePieceUncached: (piece: string) => PieceEntry;
  private readonly added: AddedTokenMatcher | null;
  readonly lookahead: number;
  private cache = new Map<string, PieceEntry>();
  private readonly cacheLimit: number;

  constructor(options: EngineOptions) {
    this.name = options.name;
    this.scanner = options.scanner;
    this.normalizer = options.normalizer && !options.normalizer.isNoop ? options.normalizer : null;
    this.encodePieceUncached = options.encodePiece;
    this.added = options.added;
    this.lookahead = Math.max(options.lookahead, (options.added?.maxLength ?? 0) + 4);
    this.cacheLimit = options.cacheLimit ?? 200_000;
  }

  clearCache(): void {
    this.cache = new Map();
  }

  get cacheSize(): number {
    return this.cache.size;
  }

  piece(piece: string): PieceEntry {
    let e = this.cache.get(piece);
    if (e === undefined) {
      e = this.encodePieceUncached(piece);
      if (this.cache.size >= this.cacheLimit) this.cache = new Map();
      this.cache.set(piece, e);
    }
    return e;
  }

  /**
   * Whether tokenization may restart at `pos` (a piece start of a previous run) with the tokens
   * before `pos` unaffected by any change at or after `editStart`: the pre-tokenizer's matches that
   * end at or before `pos` read at most `lookahead` characters past their end, or to the end of a
   * whitespace run (`\s*[\r\n]+` backtracking), and the normalizer has no stretch across `pos`.
   */
  canRestartAt(text: string, pos: number, editStart: number): boolean {
    if (pos === 0) return true;
    if (pos + this.lookahead >= editStart) return false;
    if (this.normalizer && !this.normalizer.isBoundary(text, pos)) return false;
    let i = pos - 1;
    // A whitespace run through pos may be read to its end by the match before pos.
    if (isSpaceLike(text.charCodeAt(i)) || isSpaceLike(text.charCodeAt(pos))) {
      i = pos;
      while (i < editStart && isSpaceLike(text.charCodeAt(i))) i++;
      if (i + this.lookahead >= editStart) return false;
    }
    return true;
  }

  /** Whether `pos` in the new text can serve as a resynchronisation point (same local conditions). */
  isResyncPoint(text: string, pos: number): boolean {
    return !this.normalizer || this.normalizer.isBoundary(text, pos);
  }

  /**
   * Tokenizes text from `from` (0, or a restart point) onwards into `out`. `byteFrom` is the byte
   * offset of `from`. Stops at the first piece start p > from with `stop(p)`, or at the text end.
   */
  run(text: string, from: number, byteFrom: number, atSectionStart: boolean, out: SpanBuilder, stop: StopAt | null, signal?: AbortSignal): RunResult {
    const added = this.added;
    if (!added) return this.runSection(text, from, text.length, byteFrom, atSectionStart, out, stop, signal);
    let pos = from;
    let byte = byteFrom;
    let sectionStart = atSectionStart;
    const re = added.regex;
    re.lastIndex = from;
    for (;;) {
      const m = re.exec(text);
      if (m === null) break;
      const content = m[0];
      let a = m.index;
      let b = a + content.length;
      if (added.lstrip.has(content)) while (a > pos && jsSpaceRe.test(text[a - 1]!)) a--;
      if (added.rstrip.has(content)) while (b < text.length && jsSpaceRe.test(text[b]!)) b++;
      const r = this.runSection(text, pos, a, byte, sectionStart, out, stop, signal);
      if (r.stopped) return r;
      byte = r.byteEnd;
      if (stop && a > from && stop(a)) return { end: a, byteEnd: byte, stopped: true };
      const bytes = utf8Length(text, a, b);
      let flags = TokenFlag.added | TokenFlag.pieceStart;
      if (b - a !== content.length) flags |= TokenFlag.normalized;
      out.push(added.ids.get(content)!, a, byte, flags);
      byte += bytes;
      pos = b;
      re.lastIndex = b;
      sectionStart = true;
    }
    return this.runSection(text, pos, text.length, byte, sectionStart, out, stop, signal);
  }

  private runSection(
    text: string,
    from: number,
    to: number,
    byteFrom: number,
    atSectionStart: boolean,
    out: SpanBuilder,
    stop: StopAt | null,
    signal: AbortSignal | undefined,
  ): RunResult {
    if (from >= to) return { end: to, byteEnd: byteFrom, stopped: false };
    const norm = this.normalizer ? this.normalizer.apply(text, from, to, atSectionStart) : null;
    if (norm === null || norm.map === null) {
      // Identity: scan the document text itself (or the normalized copy, equal to it).
      const src = norm === null ? text : norm.text;
      const base = norm === null ? 0 : from;
      return this.runIdentity(src, base, norm === null ? from : 0, norm === null ? to : norm.text.length, byteFrom, out, stop, signal);
    }
    return this.runMapped(text, from, to, norm.text, norm.map, norm.changed, byteFrom, out, stop, signal);
  }

  private runIdentity(
    src: string,
    base: number,
    from: number,
    to: number,
    byteFrom: number,
    out: SpanBuilder,
    stop: StopAt | null,
    signal: AbortSignal | undefined,
  ): RunResult {
    const scanner = this.scanner;
    scanner.reset(src, from, to);
    let byte = byteFrom;
    let counter = 0;
    while (scanner.next()) {
      const ps = scanner.start;
      const pe = scanner.end;
      if (stop !== null && ps > from && stop(base + ps)) return { end: base + ps, byteEnd: byte, stopped: true };
      if (signal !== undefined && (++counter & 0xfff) === 0 && signal.aborted) throw new CancelledError();
      const piece = src.slice(ps, pe);
      let e = this.cache.get(piece);
      if (e === undefined) e = this.piece(piece);
      const ids = e.ids;
      const n = ids.length;
      if (out.length + n > out.ids.length) out.grow(out.length + n);
      const oIds = out.ids;
      const oStarts = out.starts;
      const oBytes = out.byteStarts;
      const oFlags = out.flags;
      let o = out.length;
      const start = base + ps;
      const f = e.flags;
      oIds[o] = ids[0]!;
      oStarts[o] = start;
      oBytes[o] = byte;
      oFlags[o] = f === null ? TokenFlag.pieceStart : TokenFlag.pieceStart | f[0]!;
      o++;
      if (n > 1) {
        const u16 = e.u16Ends;
        const be = e.byteEnds;
        for (let k = 1; k < n; k++, o++) {
          oIds[o] = ids[k]!;
          oStarts[o] = start + u16[k - 1]!;
          oBytes[o] = byte + be[k - 1]!;
          oFlags[o] = f === null ? 0 : f[k]!;
        }
      }
      out.length = o;
      byte += e.byteEnds[n - 1]!;
    }
    return { end: base + to, byteEnd: byte, stopped: false };
  }

  private runMapped(
    text: string,
    from: number,
    to: number,
    src: string,
    map: Int32Array,
    changed: Uint8Array | null,
    byteFrom: number,
    out: SpanBuilder,
    stop: StopAt | null,
    signal: AbortSignal | undefined,
  ): RunResult {
    const scanner = this.scanner;
    scanner.reset(src, 0, src.length);
    let wPos = from; // document walker: byte offset of wPos is wByte
    let wByte = byteFrom;
    const docByte = (pos: number): number => {
      if (pos > wPos) {
        wByte += utf8Length(text, wPos, pos);
        wPos = pos;
      }
      return wByte;
    };
    let lastByte = byteFrom;
    let counter = 0;
    while (scanner.next()) {
      const ps = scanner.start;
      const pe = scanner.end;
      const docStart = from + map[ps]!;
      if (stop !== null && docStart > from && (changed === null || changed[ps] === 0) && stop(docStart))
        return { end: docStart, byteEnd: docByte(docStart), stopped: true };
      if (signal !== undefined && (++counter & 0xfff) === 0 && signal.aborted) throw new CancelledError();
      const e = this.piece(src.slice(ps, pe));
      const n = e.ids.length;
      for (let k = 0; k < n; k++) {
        const nStart = ps + (k === 0 ? 0 : e.u16Ends[k - 1]!);
        const nEnd = ps + e.u16Ends[k]!;
        // A piece that starts inside a normalized stretch is not a restart point (its span
        // starts at the stretch's end, not where its text starts).
        let flags = (k === 0 && (changed === null || changed[ps] === 0) ? TokenFlag.pieceStart : 0) | (e.flags === null ? 0 : e.flags[k]!);
        if (changed !== null) {
          const hi = Math.min(Math.max(nEnd, nStart + 1), src.length);
          // A token that starts inside a split character also covers that character.
          let lo = nStart;
          if (flags & TokenFlag.splitStart && lo > 0) lo -= lo > 1 && src.charCodeAt(lo - 1) >= 0xdc00 && src.charCodeAt(lo - 1) <= 0xdfff ? 2 : 1;
          for (let j = lo; j < hi; j++)
            if (changed[j] !== 0) {
              flags |= TokenFlag.normalized;
              break;
            }
        }
        const dStart = from + map[nStart]!;
        let bStart = docByte(dStart);
        if (flags & TokenFlag.splitStart) {
          // Exact byte offset inside the split character: back off by the bytes of that character
          // already taken by this token's predecessors.
          const nb = k === 0 ? 0 : e.byteEnds[k - 1]!;
          const nbCeil = utf8Length(src, ps, nStart);
          bStart = Math.max(lastByte, bStart - (nbCeil - nb));
        }
        if (bStart < lastByte) bStart = lastByte;
        lastByte = bStart;
        out.push(e.ids[k]!, dStart, bStart, flags);
      }
    }
    return { end: to, byteEnd: docByte(to), stopped: false };
  }
}

/** Base class of tokenizers built on the pipeline engine. */
export abstract class PipelineTokenizer implements SpanTokenizer {
  abstract readonly name: string;
  abstract readonly vocabSize: number;
  abstract readonly engine: PipelineEngine;
  abstract tokenBytes(id: number): Uint8Array;
  abstract tokenString(id: number): string | undefined;

  encodeSpans(text: string, signal?: AbortSignal): TokenSpans {
    const out = new SpanBuilder((text.length >> 2) + 16);
    const r = this.engine.run(text, 0, 0, true, out, null, signal);
    return out.finish(this.name, text.length, r.byteEnd, true);
  }

  encodeWindow(text: string, from: number, to: number): TokenSpans {
    from = Math.max(0, Math.min(from, text.length));
    to = Math.max(from, Math.min(to, text.length));
    if (from === 0 && to === text.length) return this.encodeSpans(text);
    // Restart at a line start at or before `from` (approximate at the window's first line when
    // the pre-tokenizer would have joined it with the line before).
    let s = from;
    while (s > 0 && text.charCodeAt(s - 1) !== 0x0a) s--;
    let guard = 0;
    while (s > 0 && !this.engine.isResyncPoint(text, s) && guard++ < 64) s--;
    const out = new SpanBuilder(((to - s) >> 2) + 16);
    const byteFrom = utf8Length(text, 0, s);
    const r = this.engine.run(text, s, byteFrom, s === 0, out, (p) => p >= to);
    return out.finish(this.name, r.end, r.byteEnd, s === 0 && r.end === text.length);
  }

  dispose(): void {
    this.engine.clearCache();
  }
}

