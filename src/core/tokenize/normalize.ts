/**
 * Normalizers of tokenizer.json files, with an alignment back to the document text.
 *
 * A normalizer turns text[from, to) into the text the model sees, plus `map`: for every UTF-16
 * unit of the normalized text (and its end) the document offset it comes from. Where a normalizer
 * changes a stretch of text (an NFC composition, a prepended "▁"), every normalized unit after the
 * first maps to the end of that stretch: the stretch goes entirely to the token that starts it, and
 * tokens inside it get empty spans and the `normalized` flag. `changed` marks such units.
 * Identity (the common case: NFC on text already in NFC) is reported as `map === null`.
 */
import { TokenwiseError } from '../base/errors';

export interface Normalized {
  text: string;
  /** Document offset of each normalized unit, relative to `from`; length text.length + 1; null = identity. */
  map: Int32Array | null;
  /** 1 for normalized units whose text differs from the document's (null = none). */
  changed: Uint8Array | null;
}

export interface NormalizerStep {
  apply(input: Normalized, atSectionStart: boolean, atDocStart: boolean): Normalized;
  /** Whether tokenization may restart at `pos` without entering a normalized stretch. */
  isBoundary(text: string, pos: number): boolean;
}

function identityMap(n: number): Int32Array {
  const m = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) m[i] = i;
  return m;
}

const markRe = /\p{M}/u;
/** Hangul vowel/trailing jamo can compose with the preceding character although they are not marks. */
function composesBackward(c: number): boolean {
  return (c >= 0x1160 && c <= 0x11ff) || (c >= 0xd7b0 && c <= 0xd7ff);
}

/** A position where NFC segments may start: before an ASCII character or a non-mark starter. */
function isNfcBoundary(text: string, pos: number): boolean {
  if (pos <= 0 || pos >= text.length) return true;
  const c = text.charCodeAt(pos);
  if (c < 0x80) return true;
  if (c >= 0xdc00 && c <= 0xdfff) return false;
  if (composesBackward(c)) return false;
  return !markRe.test(String.fromCodePoint(text.codePointAt(pos)!));
}

export class NfcStep implements NormalizerStep {
  constructor(private readonly form: 'NFC' | 'NFKC' | 'NFD' | 'NFKD' = 'NFC') {}

  isBoundary(text: string, pos: number): boolean {
    return isNfcBoundary(text, pos);
  }

  apply(input: Normalized, _atSectionStart: boolean): Normalized {
    const text = input.text;
    const whole = text.normalize(this.form);
    if (whole === text) return input;
    const srcMap = input.map ?? identityMap(text.length);
    const parts: string[] = [];
    const map: number[] = [];
    const changed: number[] = [];
    let segStart = 0;
    const flush = (end: number) => {
      if (end <= segStart) return;
      const seg = text.slice(segStart, end);
      const norm = seg.normalize(this.form);
      parts.push(norm);
      if (norm === seg) {
        for (let i = 0; i < seg.length; i++) {
          map.push(srcMap[segStart + i]!);
          changed.push(input.changed ? input.changed[segStart + i]! : 0);
        }
      } else {
        for (let i = 0; i < norm.length; i++) {
          map.push(i === 0 ? srcMap[segStart]! : srcMap[end]!);
          changed.push(1);
        }
      }
      segStart = end;
    };
    for (let i = 1; i < text.length; i++) if (isNfcBoundary(text, i)) flush(i);
    flush(text.length);
    const out = parts.join('');
    if (out !== whole) {
      // Segmentation did not reproduce the normalizer (should not happen): one stretch for all.
      const m = new Int32Array(whole.length + 1);
      m.fill(srcMap[text.length]!);
      m[0] = srcMap[0]!;
      return { text: whole, map: m, changed: new Uint8Array(whole.length).fill(1) };
    }
    map.push(srcMap[text.length]!);
    return { text: out, map: Int32Array.from(map), changed: Uint8Array.from(changed) };
  }
}

/** `Prepend`: adds a string (Llama: "▁") in front of each section. */
export class PrependStep implements NormalizerStep {
  constructor(private readonly prefix: string) {}
  isBoundary(): boolean {
    return true;
  }
  apply(input: Normalized, atSectionStart: boolean): Normalized {
    if (!atSectionStart || input.text.length === 0 || this.prefix.length === 0) return input;
    const n = input.text.length;
    const p = this.prefix.length;
    const srcMap = input.map ?? identityMap(n);
    const map = new Int32Array(n + p + 1);
    for (let i = 0; i < p; i++) map[i] = srcMap[0]!;
    map.set(srcMap, p);
    const changed = new Uint8Array(n + p);
    changed.fill(1, 0, p);
    if (input.changed) changed.set(input.changed, p);
    return { text: this.prefix + input.text, map, changed };
  }
}

/**
 * The prefix of a `Metaspace` pre-tokenizer (as @huggingface/tokenizers applies it): the
 * replacement character is prepended to a section that does not already start with it, for every
 * section (`always`) or the first one (`first`, the document start here).
 */
export class MetaspacePrependStep implements NormalizerStep {
  constructor(
    private readonly replacement: string,
    private readonly scheme: 'always' | 'first' | 'never',
  ) {}
  isBoundary(): boolean {
    return true;
  }
  apply(input: Normalized, atSectionStart: boolean, atDocStart: boolean): Normalized {
    if (this.scheme === 'never' || !atSectionStart || (this.scheme === 'first' && !atDocStart)) return input;
    if (input.text.startsWith(this.replacement)) return input;
    return new PrependStep(this.replacement).apply(input, true);
  }
}

/**
 * `Replace` with a literal pattern. When the tokenizer's decoder undoes it (Llama: " " ↔ "▁") and
 * both have the same UTF-16 length, the replaced units map one to one and are not marked changed.
 */
export class ReplaceStep implements NormalizerStep {
  constructor(
    private readonly pattern: string,
    private readonly content: string,
    private readonly invertible: boolean,
  ) {}
  isBoundary(): boolean {
    return true;
  }
  apply(input: Normalized): Normalized {
    const text = input.text;
    if (this.pattern.length === 0 || !text.includes(this.pattern)) return input;
    const out = text.split(this.pattern).join(this.content);
    const srcMap = input.map ?? identityMap(text.length);
    const sameLength = this.pattern.length === this.content.length;
    if (sameLength) {
      const changed = input.changed ? input.changed.slice() : new Uint8Array(out.length);
      if (!this.invertible) {
        for (let i = text.indexOf(this.pattern); i >= 0; i = text.indexOf(this.pattern, i + this.pattern.length))
          changed.fill(1, i, i + this.content.length);
      }
      return { text: out, map: input.map ?? identityMap(text.length), changed: input.changed || !this.invertible ? changed : null };
    }
    const map: number[] = [];
    const changed: number[] = [];
    let i = 0;
    while (i < text.length) {
      if (text.startsWith(this.pattern, i)) {
        for (let k = 0; k < this.content.length; k++) {
          map.push(k === 0 ? srcMap[i]! : srcMap[i + this.pattern.length]!);
          changed.push(1);
        }
        i += this.pattern.length;
      } else {
        map.push(srcMap[i]!);
        changed.push(input.changed ? input.changed[i]! : 0);
        i++;
      }
    }
    map.push(srcMap[text.length]!);
    return { text: out, map: Int32Array.from(map), changed: Uint8Array.from(changed) };
  }
}

export class Normalizer {
  constructor(readonly steps: NormalizerStep[]) {}

  get isNoop(): boolean {
    return this.steps.length === 0;
  }

  /** Normalizes text[from, to). */
  apply(text: string, from: number, to: number, atSectionStart: boolean): Normalized {
    let cur: Normalized = { text: from === 0 && to === text.length ? text : text.slice(from, to), map: null, changed: null };
    for (const step of this.steps) cur = step.apply(cur, atSectionStart, from === 0);
    return cur;
  }

  isBoundary(text: string, pos: number): boolean {
    for (const s of this.steps) if (!s.isBoundary(text, pos)) return false;
    return true;
  }
}

interface NormalizerJson {
  type?: string;
  normalizers?: NormalizerJson[];
  prepend?: string;
  pattern?: { String?: string; Regex?: string };
  content?: string;
}

/** Builds the normalizer of a tokenizer.json; `decoderReplaces` lists Replace pairs the decoder undoes. */
export function createNormalizer(json: NormalizerJson | null | undefined, decoderReplaces: ReadonlyArray<[string, string]>): Normalizer {
  const steps: NormalizerStep[] = [];
  const visit = (n: NormalizerJson | null | undefined) => {
    if (!n) return;
    switch (n.type) {
      case 'Sequence':
        for (const c of n.normalizers ?? []) visit(c);
        return;
      case 'NFC':
      case 'NFKC':
      case 'NFD':
      case 'NFKD':
        steps.push(new NfcStep(n.type));
        return;
      case 'Prepend':
        steps.push(new PrependStep(n.prepend ?? ''));
        return;
      case 'Replace': {
        const pattern = n.pattern?.String;
        if (pattern === undefined) throw new TokenwiseError('input', 'tokenizer.json: Replace normalizers with a regex pattern are not supported.');
        const content = n.content ?? '';
        steps.push(new ReplaceStep(pattern, content, decoderReplaces.some(([from, to]) => from === content && to === pattern)));
        return;
      }
      default:
        throw new TokenwiseError('input', `tokenizer.json: normalizer type ${String(n.type)} is not supported.`);
    }
  };
  visit(json);
  return new Normalizer(steps);
}
