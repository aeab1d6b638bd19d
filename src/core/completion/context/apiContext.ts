/**
 * Context stage: the project's API signatures most relevant to the cursor, put before the prefix
 * window as a comment block in the document's language, cut to a token budget — so an inline
 * completion calls real project functions with their real parameter names. The signatures are
 * chosen by the API index (in the worker); this stage only renders and budgets them.
 */

/** Signatures for the prompt, most relevant first (`Cart.add(item: LineItem): void`). */
export interface ApiContext {
  signatures: string[];
  /** Most prompt tokens the block may take (default 128). */
  budgetTokens?: number;
}

const hashComment = new Set(['python', 'ruby', 'shellscript', 'r', 'perl', 'yaml', 'toml']);

/** The comment block (empty when nothing fits); `languageId` picks `#` or `//` comments. */
export function renderApiContext(context: ApiContext | undefined, languageId: string | undefined, countTokens: (text: string) => number): string {
  if (!context?.signatures.length) return '';
  const mark = languageId && (hashComment.has(languageId) || /\.py[iw]?$/.test(languageId)) ? '#' : '//';
  const budget = context.budgetTokens ?? 128;
  let block = `${mark} Project APIs:\n`;
  if (countTokens(block) >= budget) return '';
  for (const signature of context.signatures) {
    const line = `${mark} ${signature.replace(/\s+/g, ' ').slice(0, 200)}\n`;
    if (countTokens(block + line) > budget) break;
    block += line;
  }
  return block === `${mark} Project APIs:\n` ? '' : block;
}
