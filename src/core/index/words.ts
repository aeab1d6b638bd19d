/**
 * Identifier and text splitting shared by the API index (usage similarity), member ranking and
 * the lexical search: `parseConfigFile`, `parse_config_file` and "Parse the config file" all give
 * `parse config file`.
 */

// Identifiers repeat (an index build splits millions, mostly the same few thousand): the split
// is remembered, within a bound, and each caller gets its own copy.
const splitCache = new Map<string, readonly string[]>();
const splitCacheLimit = 50_000;

/** Words of an identifier: camelCase, PascalCase, snake_case, kebab-case and digits split, lower-cased. */
export function splitIdentifier(name: string): string[] {
  let words = splitCache.get(name);
  if (!words) {
    words = name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .split(/[^A-Za-z0-9]+|(?<=\D)(?=\d)|(?<=\d)(?=\D)/)
      .filter((w) => w.length > 0)
      .map((w) => w.toLowerCase());
    if (splitCache.size >= splitCacheLimit) splitCache.clear();
    splitCache.set(name, words);
  }
  return words.slice();
}

/** Identifiers in a piece of code or prose (ASCII identifiers of two or more characters). */
export function identifiersIn(text: string): string[] {
  return text.match(/[A-Za-z_$][A-Za-z0-9_$]+/g) ?? [];
}

/** The words of a text: every identifier split into its words. */
export function wordsOf(text: string): string[] {
  const out: string[] = [];
  for (const id of identifiersIn(text)) for (const w of splitIdentifier(id)) if (w.length > 1 || /\d/.test(w)) out.push(w);
  return out;
}

/** Dice similarity of two word sets (0..1). */
export function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size || !b.size) return 0;
  let common = 0;
  for (const w of a) if (b.has(w)) common++;
  return (2 * common) / (a.size + b.size);
}

/** A name kept to its module or class by convention: `_x`, `__x` (Python mangles it; not a dunder `__x__`), `#x`. */
export function isPrivateName(name: string): boolean {
  return /^#|^_(?!_\w*__$)/.test(name);
}

/** `s` as a literal inside a regular expression. */
export function escapeRegex(s: string): string {
  return s.replace(/[$.*+?^()[\]{}|\\]/g, '\\$&');
}

/** Start of the line `n` lines above the one holding `from`. */
export function nthLineBefore(text: string, from: number, n: number): number {
  let i = from;
  for (let k = 0; k < n && i > 0; k++) i = text.lastIndexOf('\n', i - 1);
  return i + 1;
}
