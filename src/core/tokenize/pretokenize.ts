/**
 * Pre-tokenizers: split text into pieces (pre-tokens) that the BPE model encodes independently.
 * A scanner walks text[from, to) lazily; `start`/`end` hold the current piece after `next()`.
 */
export interface PieceScanner {
  reset(text: string, from: number, to: number): void;
  next(): boolean;
  start: number;
  end: number;
}

/**
 * One regex split, with the semantics of Hugging Face's `Split` (behavior "Isolated") and of
 * tiktoken: every match is a piece, and so is text between matches; empty matches are skipped.
 */
export class RegexScanner implements PieceScanner {
  private readonly re: RegExp;
  private text = '';
  private to = 0;
  private pos = 0;
  private pendingStart = -1;
  private pendingEnd = -1;
  start = 0;
  end = 0;

  constructor(pattern: RegExp | string) {
    this.re = new RegExp(typeof pattern === 'string' ? pattern : pattern.source, 'gu');
  }

  reset(text: string, from: number, to: number): void {
    // The regex must see the end of the range as the end of the input (lookaheads), so a
    // range that stops before the end of the text is scanned on a slice.
    if (to < text.length) {
      this.text = text.slice(0, to);
    } else this.text = text;
    this.to = to;
    this.pos = from;
    this.pendingStart = -1;
  }

  next(): boolean {
    if (this.pendingStart >= 0) {
      this.start = this.pendingStart;
      this.end = this.pendingEnd;
      this.pendingStart = -1;
      this.pos = this.end;
      return true;
    }
    const pos = this.pos;
    if (pos >= this.to) return false;
    const re = this.re;
    const text = this.text;
    let search = pos;
    for (;;) {
      re.lastIndex = search;
      const m = re.exec(text);
      if (m === null) {
        this.start = pos;
        this.end = this.to;
        this.pos = this.to;
        return true;
      }
      const len = m[0].length;
      if (len === 0) {
        // Empty match: like String.prototype.matchAll, move on by one code point.
        const c = text.charCodeAt(m.index);
        search = m.index + (c >= 0xd800 && c <= 0xdbff ? 2 : 1);
        if (search >= this.to) {
          this.start = pos;
          this.end = this.to;
          this.pos = this.to;
          return true;
        }
        continue;
      }
      if (m.index > pos) {
        this.start = pos;
        this.end = m.index;
        this.pendingStart = m.index;
        this.pendingEnd = m.index + len;
        this.pos = m.index;
        return true;
      }
      this.start = pos;
      this.end = pos + len;
      this.pos = this.end;
      return true;
    }
  }
}

/**
 * A regex that matches at every position with a non-empty match (tiktoken's patterns): scanned
 * with a sticky `test`, which allocates no match arrays. Falls back to `RegexScanner` semantics
 * (text between matches is a piece) if the pattern ever fails to match at a position.
 */
export class StickyScanner implements PieceScanner {
  private readonly sticky: RegExp;
  private readonly fallback: RegexScanner;
  private text = '';
  private to = 0;
  private pos = 0;
  private inFallback = false;
  start = 0;
  end = 0;

  constructor(pattern: string) {
    this.sticky = new RegExp(pattern, 'uy');
    this.fallback = new RegexScanner(pattern);
  }

  reset(text: string, from: number, to: number): void {
    this.text = to < text.length ? text.slice(0, to) : text;
    this.to = to;
    this.pos = from;
    this.inFallback = false;
  }

  next(): boolean {
    if (this.inFallback) return this.fallback.next() ? ((this.start = this.fallback.start), (this.end = this.fallback.end), true) : false;
    const pos = this.pos;
    if (pos >= this.to) return false;
    const re = this.sticky;
    re.lastIndex = pos;
    if (re.test(this.text) && re.lastIndex > pos) {
      this.start = pos;
      this.end = re.lastIndex;
      this.pos = this.end;
      return true;
    }
    this.inFallback = true;
    this.fallback.reset(this.text, pos, this.to);
    return this.next();
  }
}

/** Several splits applied in turn: each piece of stage k is split again by stage k+1 (HF `Sequence`). */
export class SequenceScanner implements PieceScanner {
  private readonly queue: number[] = [];
  private head = 0;
  private text = '';
  start = 0;
  end = 0;

  constructor(private readonly stages: PieceScanner[]) {}

  reset(text: string, from: number, to: number): void {
    this.text = text;
    this.stages[0]!.reset(text, from, to);
    this.queue.length = 0;
    this.head = 0;
  }

  private split(stage: number, piece: string, offset: number): void {
    if (stage >= this.stages.length) {
      this.queue.push(offset, offset + piece.length);
      return;
    }
    const s = this.stages[stage]!;
    s.reset(piece, 0, piece.length);
    const parts: number[] = [];
    while (s.next()) parts.push(s.start, s.end);
    for (let i = 0; i < parts.length; i += 2) this.split(stage + 1, piece.slice(parts[i]!, parts[i + 1]!), offset + parts[i]!);
  }

  next(): boolean {
    while (this.head >= this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      const first = this.stages[0]!;
      if (!first.next()) return false;
      this.split(1, this.text.slice(first.start, first.end), first.start);
    }
    this.start = this.queue[this.head++]!;
    this.end = this.queue[this.head++]!;
    return true;
  }
}

/** No pre-tokenizer: the whole range is one piece. */
export class WholeScanner implements PieceScanner {
  private done = true;
  private from = 0;
  private to = 0;
  start = 0;
  end = 0;
  reset(_text: string, from: number, to: number): void {
    this.from = from;
    this.to = to;
    this.done = from >= to;
  }
  next(): boolean {
    if (this.done) return false;
    this.done = true;
    this.start = this.from;
    this.end = this.to;
    return true;
  }
}

/**
 * For a BPE without pre-tokenizer (SentencePiece-style models such as Llama 2): splits between two
 * code points that never occur next to each other inside any merged token. No merge can cross such
 * a boundary, so encoding the parts separately gives exactly the same tokens (merges on either side
 * commute), while it makes the piece cache and incremental re-tokenization effective.
 */
export class SafeSplitScanner implements PieceScanner {
  private text = '';
  private pos = 0;
  private to = 0;
  start = 0;
  end = 0;

  constructor(private readonly joinable: (prev: number, next: number) => boolean) {}

  reset(text: string, from: number, to: number): void {
    this.text = text;
    this.pos = from;
    this.to = to;
  }

  next(): boolean {
    const text = this.text;
    const to = this.to;
    let i = this.pos;
    if (i >= to) return false;
    this.start = i;
    let prev = text.codePointAt(i)!;
    i += prev > 0xffff ? 2 : 1;
    while (i < to) {
      const cp = text.codePointAt(i)!;
      if (!this.joinable(prev, cp)) break;
      prev = cp;
      i += cp > 0xffff ? 2 : 1;
    }
    this.end = Math.min(i, to);
    this.pos = this.end;
    return true;
  }
}

/**
 * Unicode White_Space (what tiktoken's `\s` matches) plus U+FEFF (which JS `\s` also matches): a
 * superset of both, used to bound how far a regex can look ahead over a whitespace run.
 */
export function isSpaceLike(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Converts a tiktoken (Rust `fancy-regex`) pattern to a JS `u` regex: `\s`/`\S` become
 * `\p{White_Space}`/`\P{White_Space}` (JS `\s` also matches U+FEFF), and the case-insensitive
 * contraction group `(?i:'s|…)` is spelled out (JS has no inline flags in Node 20). Under Unicode
 * case folding `s` also matches U+017F (ſ).
 */
export function tiktokenPatternToJs(pattern: string): string {
  let out = pattern.replace(/\(\?i:([^)]*)\)/g, (_m, body: string) => {
    const alts = body.split('|').map((alt) =>
      [...alt].map((ch) => (/[a-z]/i.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}${ch.toLowerCase() === 's' ? 'ſ' : ''}]` : ch)).join(''),
    );
    return `(?:${alts.join('|')})`;
  });
  out = out.replace(/\\s/g, '\\p{White_Space}').replace(/\\S/g, '\\P{White_Space}');
  // Top-level contraction alternatives without (?i:) (gpt2/r50k/p50k) are case-sensitive: keep.
  return out;
}
