/**
 * Identifiers and their sub-words. Identifiers come from the syntax service's leaf tokens (types
 * that name something: variables, parameters, functions, calls, attributes, classes, modules);
 * each is split into sub-words at snake_case separators and camelCase humps:
 *   `parseHTTPResponse_v2` → parse | HTTP | Response | v2,   `__init__` → init.
 * Separators (`_`, `$`) and leading whitespace belong to no sub-word: they never make a token
 * impure by themselves (see tokens.ts).
 */
import { identifierTokenTypes, type SyntaxToken } from '../syntax';


export interface Identifier {
  /** UTF-16 offsets in the document. */
  start: number;
  end: number;
  /** Sub-word ranges, document offsets, in order. */
  subwords: Array<[start: number, end: number]>;
}

const identifierRe = /^[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_$]*$/u;
// One sub-word: an acronym before a capitalised word (HTTP in HTTPResponse), a capitalised or
// lower-case word, an all-caps run, or a digit run; trailing digits stay with their word (utf8).
const subwordRe = /\p{Lu}+(?=\p{Lu}\p{Ll})\d*|\p{Lu}?\p{Ll}+\d*|\p{Lu}+\d*|\p{L}+\d*|\d+/gu;

/** Sub-word ranges of `name`, relative to its start. */
export function subwordRanges(name: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const m of name.matchAll(subwordRe)) out.push([m.index, m.index + m[0].length]);
  return out;
}

/** The sub-words of a name as strings (for display and tests). */
export function subwords(name: string): string[] {
  return subwordRanges(name).map(([a, b]) => name.slice(a, b));
}

/** Identifiers of a document from its syntax tokens (leaf tokens of identifier types whose text is a name). */
export function identifiersFromSyntax(text: string, tokens: readonly SyntaxToken[]): Identifier[] {
  const out: Identifier[] = [];
  for (const t of tokens) {
    if (!identifierTokenTypes.has(t.type) || t.end <= t.start) continue;
    const name = text.slice(t.start, t.end);
    if (!identifierRe.test(name)) continue;
    const parts = subwordRanges(name).map(([a, b]) => [t.start + a, t.start + b] as [number, number]);
    out.push({ start: t.start, end: t.end, subwords: parts });
  }
  out.sort((a, b) => a.start - b.start);
  return out;
}
