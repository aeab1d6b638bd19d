/** What the cursor position asks for: one line or a block, and how many tokens that may take. */

/** Multi-line when the cursor starts a new line or block; single line when text sits right of it. */
export function wantsMultiline(linePrefix: string, lineSuffix: string): boolean {
  if (lineSuffix.trim() !== '') return false;
  return linePrefix.trim() === '' || /[:{([]\s*$/.test(linePrefix);
}

/** Most tokens a single-line completion generates (a line rarely needs more). */
export const singleLineMaxTokens = 48;

/** The cursor's line split at the cursor, and the text after that line. */
export function cursorLine(prefix: string, suffix: string): { linePrefix: string; lineSuffix: string; textBelow: string } {
  const lineStart = prefix.lastIndexOf('\n') + 1;
  const lineEnd = suffix.indexOf('\n');
  return {
    linePrefix: prefix.slice(lineStart),
    lineSuffix: lineEnd < 0 ? suffix : suffix.slice(0, lineEnd),
    textBelow: lineEnd < 0 ? '' : suffix.slice(lineEnd + 1),
  };
}
