/**
 * What one tokenizer does to one text: token counts and length distributions, whitespace-only
 * and character-splitting tokens, identifier fragmentation and token purity. Counts only (plain
 * data that adds up across files); summaries (summary.ts) turn them into ratios.
 *
 * Definitions (README "Compression metrics"):
 * - lines: line terminators, plus one when the text does not end with one; a token belongs to
 *   the line its first character is on.
 * - chars: Unicode code points; bytes: UTF-8.
 * - whitespace-only token: its text is non-empty and only spaces, tabs, CR, LF, FF, VT.
 * - splits a character: the token starts or ends inside a multi-byte UTF-8 character.
 * - a token *touches* an identifier when its span overlaps one; it *crosses an identifier
 *   boundary* when, besides an identifier, it holds other non-whitespace text (another identifier,
 *   an operator: `foo(`, `.bar`);
 * - purity: leading/trailing whitespace and the separators `_`/`$` are neutral. A touching token is
 *   pure when its other characters lie in one sub-word of one identifier, impure when they span
 *   two sub-words (`Parse|r` is pure twice, `eR` across `parseResponse` is not) or cross the
 *   identifier's boundary. Tokens that touch no identifier (operators, keywords, literals,
 *   whitespace) are whole symbols: pure.
 */
import type { TokenSpans } from '../tokenize';
import { TokenFlag } from '../tokenize';
import type { Identifier } from './identifiers';
import { addSample, histogram } from './stats';
import type { FragmentedIdentifier, TokenizerCounts } from './types';

export type { FragmentedIdentifier, TokenizerCounts } from './types';

export const tokenLengthCap = 64;
export const tokensPerLineCap = 256;
/** Worst-fragmented identifiers kept per file and tokenizer. */
export const worstIdentifierCount = 10;

/** Line count as defined above. */
export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}

/** Code points of text[start, end) (a lone surrogate counts as one). */
export function codePoints(text: string, start = 0, end = text.length): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > start && isHigh(text.charCodeAt(i - 1))) continue;
    n++;
  }
  return n;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isNeutral = (c: number) => isSpace(c) || c === 95 /* _ */ || c === 36; /* $ */

function hasSignificant(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return true;
  return false;
}

/** Sub-words of `id` that hold a non-neutral character of text[from, to). */
function subwordsHit(text: string, id: Identifier, from: number, to: number): number {
  let hit = 0;
  for (const [a, b] of id.subwords) {
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    if (lo >= hi) continue;
    for (let i = lo; i < hi; i++) {
      if (!isNeutral(text.charCodeAt(i))) {
        hit++;
        break;
      }
    }
  }
  return hit;
}

export function tokenizerCounts(text: string, spans: TokenSpans, identifiers: readonly Identifier[] | undefined): TokenizerCounts {
  const n = spans.count;
  const tokenBytes = histogram(tokenLengthCap);
  const tokenChars = histogram(tokenLengthCap);
  const lines = countLines(text);
  const perLine = new Uint32Array(lines);
  let whitespaceTokens = 0;
  let splitCharTokens = 0;
  let charsSum = 0;
  let line = 0;
  let lineScan = 0; // offsets before this are counted into `line`
  const ids = identifiers ?? [];
  let idAt = 0;
  let touchingTokens = 0;
  let crossingTokens = 0;
  let impureTokens = 0;
  const touching = new Set<number>();
  const impure = new Set<number>();
  const { starts, byteStarts, flags } = spans;
  for (let t = 0; t < n; t++) {
    const start = starts[t]!;
    const end = starts[t + 1]!;
    addSample(tokenBytes, byteStarts[t + 1]! - byteStarts[t]!);
    const chars = codePoints(text, start, end);
    charsSum += chars;
    addSample(tokenChars, chars);
    if (flags[t]! & (TokenFlag.splitStart | TokenFlag.splitEnd)) splitCharTokens++;
    let ws = end > start;
    for (let i = start; i < end && ws; i++) ws = isSpace(text.charCodeAt(i));
    if (ws) whitespaceTokens++;
    // Line of the token's first character.
    for (; lineScan < start; lineScan++) if (text.charCodeAt(lineScan) === 10) line++;
    if (line < lines) perLine[line]!++;
    // Identifiers overlapping the token.
    if (end <= start) continue;
    while (idAt < ids.length && ids[idAt]!.end <= start) idAt++;
    let k = idAt;
    while (k < ids.length && ids[k]!.start < end) k++;
    const overlapping = k - idAt;
    if (overlapping === 0) continue;
    touchingTokens++;
    const id = spans.ids[t]!;
    touching.add(id);
    let outside = hasSignificant(text, start, Math.max(start, ids[idAt]!.start)) || hasSignificant(text, Math.min(end, ids[k - 1]!.end), end);
    for (let j = idAt; j + 1 < k && !outside; j++) outside = hasSignificant(text, ids[j]!.end, ids[j + 1]!.start);
    const crossing = overlapping > 1 || outside;
    if (crossing) crossingTokens++;
    const pure = !crossing && subwordsHit(text, ids[idAt]!, start, end) <= 1;
    if (!pure) {
      impureTokens++;
      impure.add(id);
    }
  }
  const tokensPerLine = histogram(tokensPerLineCap);
  for (let i = 0; i < lines; i++) addSample(tokensPerLine, perLine[i]!);

  // Fragmentation per identifier occurrence, and the worst names.
  let identifierTokens = 0;
  let splitIdentifiers = 0;
  const worst = new Map<string, FragmentedIdentifier>();
  for (const id of ids) {
    const [first, last] = spans.indexRange(id.start, id.end);
    const count = Math.max(0, last - first);
    identifierTokens += count;
    if (count >= 2) {
      splitIdentifiers++;
      const name = text.slice(id.start, id.end);
      const seen = worst.get(name);
      if (!seen || seen.tokens < count) {
        const pieces: string[] = [];
        for (let t = first; t < last; t++) {
          const piece = text.slice(Math.max(starts[t]!, id.start), Math.min(starts[t + 1]!, id.end));
          if (piece) pieces.push(piece);
        }
        worst.set(name, { name, tokens: count, pieces });
      }
    }
  }
  return {
    tokenizer: spans.tokenizer,
    tokens: n,
    whitespaceTokens,
    splitCharTokens,
    tokenBytes,
    tokenChars,
    tokensPerLine,
    charsSum,
    identifiers: ids.length,
    identifierTokens,
    splitIdentifiers,
    touchingTokens,
    crossingTokens,
    impureTokens,
    touchingIds: [...touching],
    impureIds: [...impure],
    worst: worstOf(worst.values(), worstIdentifierCount),
  };
}

/** The most fragmented names: most tokens first, then fewest characters per token, then by name. */
export function worstOf(items: Iterable<FragmentedIdentifier>, count: number): FragmentedIdentifier[] {
  return [...items]
    .sort((a, b) => b.tokens - a.tokens || a.name.length / a.tokens - b.name.length / b.tokens || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, count);
}
