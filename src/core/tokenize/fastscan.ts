/**
 * Hand-written pre-tokenizer for the o200k_base and cl100k_base patterns on ASCII text, with the
 * regex as fallback: at each position the ASCII rules below give the same piece as the regex,
 * and whenever they would have to look at a non-ASCII character (whose Unicode class they do not
 * know) the sticky regex decides that piece instead. Tested piece-for-piece against the regex
 * (and token-for-token against tiktoken) on fuzzed and real text.
 */
import type { PieceScanner } from './pretokenize';

// ASCII classes: 1 upper, 2 lower, 3 digit, 4 whitespace other than \r\n, 5 \r or \n, 6 other.
const UP = 1;
const LO = 2;
const DI = 3;
const WS = 4;
const NL = 5;
const OT = 6;
const cls = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if (c >= 0x41 && c <= 0x5a) cls[c] = UP;
  else if (c >= 0x61 && c <= 0x7a) cls[c] = LO;
  else if (c >= 0x30 && c <= 0x39) cls[c] = DI;
  else if (c === 0x0a || c === 0x0d) cls[c] = NL;
  else if (c === 0x09 || c === 0x0b || c === 0x0c || c === 0x20) cls[c] = WS;
  else cls[c] = OT;
}

/** Sentinel for "needs the regex". */
const BAIL = -1;

export class FastTiktokenScanner implements PieceScanner {
  private readonly sticky: RegExp;
  private readonly global: RegExp;
  private text = '';
  private to = 0;
  private pos = 0;
  start = 0;
  end = 0;

  constructor(
    pattern: string,
    private readonly flavour: 'o200k' | 'cl100k',
  ) {
    this.sticky = new RegExp(pattern, 'uy');
    this.global = new RegExp(pattern, 'gu');
  }

  reset(text: string, from: number, to: number): void {
    this.text = to < text.length ? text.slice(0, to) : text;
    this.to = to;
    this.pos = from;
  }

  /** Class of the character at i: 0 = end of text, -1 = non-ASCII. */
  private c(i: number): number {
    if (i >= this.to) return 0;
    const ch = this.text.charCodeAt(i);
    return ch < 128 ? cls[ch]! : -1;
  }

  /** Length of a contraction suffix ('s 't 're 've 'm 'll 'd, any case) at i; BAIL if non-ASCII is involved. */
  private contraction(i: number): number {
    const t = this.text;
    if (i >= this.to || t.charCodeAt(i) !== 0x27) return 0;
    if (i + 1 >= this.to) return 0;
    const a = t.charCodeAt(i + 1);
    if (a >= 128) return BAIL; // e.g. U+017F matches 's' case-insensitively
    const la = a | 0x20;
    if (la === 0x73 || la === 0x74 || la === 0x6d || la === 0x64) return 2; // s t m d
    if (la === 0x72 || la === 0x76 || la === 0x6c) {
      if (i + 2 >= this.to) return 0;
      const b = t.charCodeAt(i + 2);
      if (b >= 128) return BAIL;
      const lb = b | 0x20;
      if ((la === 0x72 && lb === 0x65) || (la === 0x76 && lb === 0x65) || (la === 0x6c && lb === 0x6c)) return 3; // re ve ll
    }
    return 0;
  }

  /** End of the run of class k from i; BAIL if the run stops at a non-ASCII character. */
  private run(i: number, k: number): number {
    let c = this.c(i);
    while (c === k) c = this.c(++i);
    return c === -1 ? BAIL : i;
  }

  /** End of a whitespace run (WS or NL) from i, or BAIL. */
  private wsRun(i: number): number {
    let c = this.c(i);
    while (c === WS || c === NL) c = this.c(++i);
    return c === -1 ? BAIL : i;
  }

  /** End of a run of "other" (not whitespace, letter, digit) from i, or BAIL. */
  private otherRun(i: number): number {
    let c = this.c(i);
    while (c === OT) c = this.c(++i);
    return c === -1 ? BAIL : i;
  }

  /** \p{N}{1,3}: a non-ASCII number character within the first three would extend the match. */
  private digits(p: number): number {
    const end = Math.min(p + 3, this.to);
    let i = p;
    while (i < end && this.c(i) === DI) i++;
    if (i < end && this.c(i) === -1) return BAIL;
    return i;
  }

  /** The whitespace alternatives: \s*[\r\n]+ | \s+(?!\S) | \s+ */
  private whitespace(p: number): number {
    const w = this.wsRun(p);
    if (w === BAIL) return BAIL;
    for (let k = w - 1; k >= p; k--) {
      const ch = this.text.charCodeAt(k);
      if (ch === 0x0a || ch === 0x0d) return k + 1;
    }
    if (w >= this.to) return w;
    if (w - 1 > p) return w - 1;
    return w;
  }

  private o200k(p: number): number {
    const c0 = this.c(p);
    if (c0 === -1) return BAIL;
    if (c0 === DI) return this.digits(p);
    // Letters, optionally after one prefix character that is not \r, \n, a letter or a digit.
    let q = p;
    if (c0 === WS || c0 === OT) {
      const c1 = this.c(p + 1);
      if (c1 === -1) return BAIL;
      if (c1 === UP || c1 === LO) q = p + 1;
    }
    const cq = this.c(q);
    if (cq === UP || cq === LO) {
      const u = this.run(q, UP);
      if (u === BAIL) return BAIL;
      const l = this.run(u, LO);
      if (l === BAIL) return BAIL;
      let end: number;
      if (l > u) end = l; // [UL]*[LL]+
      else if (u > q) end = u; // [UL]+[LL]* with no lower-case letters after
      else return BAIL; // cannot happen
      const k = this.contraction(end);
      if (k === BAIL) return BAIL;
      return end + k;
    }
    // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
    let s = p;
    if (c0 === WS && this.text.charCodeAt(p) === 0x20 && this.c(p + 1) === OT) s = p + 1;
    if (this.c(s) === OT) {
      let e = this.otherRun(s);
      if (e === BAIL) return BAIL;
      for (;;) {
        const ch = e < this.to ? this.text.charCodeAt(e) : -1;
        if (ch === 0x0a || ch === 0x0d || ch === 0x2f) e++;
        else break;
      }
      // The [\r\n/]* tail may be followed by more "other" characters only through '/', which
      // otherRun already took; a non-ASCII character right after cannot join.
      return e;
    }
    if (c0 === WS || c0 === NL) {
      if (c0 === WS && this.text.charCodeAt(p) === 0x20 && this.c(p + 1) === -1) return BAIL;
      return this.whitespace(p);
    }
    return BAIL;
  }

  private cl100k(p: number): number {
    const c0 = this.c(p);
    if (c0 === -1) return BAIL;
    if (this.text.charCodeAt(p) === 0x27) {
      const k = this.contraction(p);
      if (k === BAIL) return BAIL;
      if (k > 0) return p + k;
    }
    if (c0 === DI) return this.digits(p);
    let q = p;
    if (c0 === WS || c0 === OT) {
      const c1 = this.c(p + 1);
      if (c1 === -1) return BAIL;
      if (c1 === UP || c1 === LO) q = p + 1;
    }
    const cq = this.c(q);
    if (cq === UP || cq === LO) {
      let i = q;
      let c = cq;
      while (c === UP || c === LO) c = this.c(++i);
      return c === -1 ? BAIL : i;
    }
    let s = p;
    if (c0 === WS && this.text.charCodeAt(p) === 0x20 && this.c(p + 1) === OT) s = p + 1;
    if (this.c(s) === OT) {
      let e = this.otherRun(s);
      if (e === BAIL) return BAIL;
      for (;;) {
        const ch = e < this.to ? this.text.charCodeAt(e) : -1;
        if (ch === 0x0a || ch === 0x0d) e++;
        else break;
      }
      return e;
    }
    if (c0 === WS || c0 === NL) {
      if (c0 === WS && this.text.charCodeAt(p) === 0x20 && this.c(p + 1) === -1) return BAIL;
      return this.whitespace(p);
    }
    return BAIL;
  }

  next(): boolean {
    const p = this.pos;
    if (p >= this.to) return false;
    let e = this.flavour === 'o200k' ? this.o200k(p) : this.cl100k(p);
    if (e === BAIL) {
      const re = this.sticky;
      re.lastIndex = p;
      if (re.test(this.text) && re.lastIndex > p) e = re.lastIndex;
      else {
        // Not expected for these patterns: take the text up to the next match as a piece.
        const g = this.global;
        g.lastIndex = p;
        const m = g.exec(this.text);
        e = m === null ? this.to : m.index > p ? m.index : Math.min(this.to, p + Math.max(1, m[0].length));
      }
    }
    this.start = p;
    this.end = e;
    this.pos = e;
    return true;
  }
}
