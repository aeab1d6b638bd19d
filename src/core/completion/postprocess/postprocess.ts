/**
 * Post-processing of raw completions before they are shown: each rule fixes one complaint users
 * have about inline completion (see docs/editor-ux.md). Rules are pure and run in order.
 */

export interface PostprocessContext {
  /** Text of the cursor's line before the cursor. */
  linePrefix: string;
  /** Text of the cursor's line after the cursor. */
  lineSuffix: string;
  /** Document text after the cursor's line (starting after its line break). */
  textBelow: string;
  /** False: the completion must stay on the cursor's line. */
  multiline: boolean;
  /** The document's indentation unit: a tab or N spaces. */
  indentUnit: string;
  /** Special-token strings that must never reach the document. */
  stopStrings: readonly string[];
}

export type Rule = (text: string, ctx: PostprocessContext) => string;

/** Markers that models leak even when they are not the family's own sentinels. */
const genericLeaks = ['<|cursor|>', '<think>', '</think>', '<|endoftext|>', '<fim_middle>', '<|fim_middle|>', '<|im_end|>', '<EOT>', '<eom>'];

export const cutAtSpecialTokens: Rule = (text, ctx) => {
  let end = text.length;
  for (const s of [...ctx.stopStrings, ...genericLeaks]) {
    const i = s ? text.indexOf(s) : -1;
    if (i >= 0 && i < end) end = i;
  }
  return text.slice(0, end);
};

export const stripMarkdownFences: Rule = (text) => {
  let lines = text.split('\n');
  if (/^\s*```[\w+-]*\s*$/.test(lines[0] ?? '')) lines = lines.slice(1);
  const close = lines.findIndex((l) => /^\s*```\s*$/.test(l));
  if (close >= 0) lines = lines.slice(0, close);
  return lines.join('\n');
};

export const keepSingleLine: Rule = (text, ctx) => (ctx.multiline ? text : text.split('\n')[0]!);

export const trimTrailingWhitespace: Rule = (text) => {
  const lines = text.split('\n').map((l) => l.replace(/[ \t\r]+$/, ''));
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
};

/** Stops before a line that repeats the next non-empty line of the document. */
export const stopAtRepeatedLineBelow: Rule = (text, ctx) => {
  const below = ctx.textBelow.split('\n').find((l) => l.trim() !== '')?.trim();
  if (!below) return text;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const full = i === 0 ? ctx.linePrefix + lines[0] : lines[i]!;
    if (full.trim() === below && (i > 0 || ctx.lineSuffix.trim() === '')) return lines.slice(0, i).join('\n');
  }
  return text;
};

/** Re-indents continuation lines with the document's unit and drops indentation typed twice. */
export const matchIndentation: Rule = (text, ctx) => {
  const lines = text.split('\n');
  if (/^[ \t]*$/.test(ctx.linePrefix) && ctx.linePrefix.length > 0) {
    // The cursor already sits at an indentation; a completion that indents again would double it.
    const lead = /^[ \t]*/.exec(lines[0]!)![0];
    if (lead.length > 0) lines[0] = lines[0]!.slice(Math.min(lead.length, ctx.linePrefix.length));
  }
  const unit = ctx.indentUnit;
  for (let i = 1; i < lines.length; i++) {
    const lead = /^[ \t]*/.exec(lines[i]!)![0];
    if (!lead) continue;
    let width = 0;
    for (const ch of lead) width += ch === '\t' ? (unit === '\t' ? 4 : unit.length) : 1;
    const size = unit === '\t' ? 4 : unit.length;
    const fixed = unit === '\t' ? '\t'.repeat(Math.floor(width / size)) + ' '.repeat(width % size) : ' '.repeat(width);
    lines[i] = fixed + lines[i]!.slice(lead.length);
  }
  return lines.join('\n');
};

/**
 * Bracket state of one line of code: a closer that closes nothing (or the wrong opener), how many
 * stay open, and whether a string is left open at the end.
 */
export function bracketState(line: string): { mismatch: boolean; open: number; quote?: true; comment?: true } {
  const stack: string[] = [];
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if ((c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) || (c === '/' && line[i + 1] === '/')) return { mismatch: false, open: stack.length, comment: true }; // a comment to the end of the line
    else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c === ')' || c === ']' || c === '}') {
      const want = c === ')' ? '(' : c === ']' ? '[' : '{';
      if (stack.pop() !== want) return { mismatch: true, open: stack.length };
    }
  }
  return quote ? { mismatch: false, open: stack.length, quote: true } : { mismatch: false, open: stack.length };
}

/**
 * Removes the end of the completion that the text right of the cursor already has (closing
 * brackets, quotes, or a longer repeated tail), so accepting never duplicates it. Closers are only
 * removed when the line's brackets then match better: `items()` before an auto-closed `)` of
 * `print(` keeps its own `)`.
 */
export const removeSuffixOverlap: Rule = (text, ctx) => {
  const after = ctx.lineSuffix.trimStart();
  if (!after) return text;
  const body = text.replace(/\s+$/, '');
  for (let k = Math.min(after.length, body.length); k > 0; k--) {
    const overlap = after.slice(0, k);
    if (!body.endsWith(overlap)) continue;
    const stripped = body.slice(0, body.length - k);
    if (/^[)\]}"'`;,:.]+$/.test(overlap)) {
      if (text.includes('\n')) return stripped;
      const kept = bracketState(ctx.linePrefix + body + ctx.lineSuffix);
      const cut = bracketState(ctx.linePrefix + stripped + ctx.lineSuffix);
      return !kept.mismatch && (cut.mismatch || kept.open < cut.open) ? text : stripped;
    }
    if (k >= 4) return stripped;
  }
  return text;
};

/**
 * A completion that starts with a line's indentation right after text on the cursor's line is a
 * new line glued onto the current one (`ret` + `        if x:`; seen in naive mode when the
 * prompt ends inside a token): nothing is shown. Two spaces before a comment stay.
 */
export const dropGluedLine: Rule = (text, ctx) => {
  if (ctx.linePrefix.trim() === '' || !/[^\s]$/.test(ctx.linePrefix)) return text;
  const lead = /^[ \t]*/.exec(text)![0];
  if (lead.length === 0 || text.trim() === '') return text;
  const indent = /^[ \t]*/.exec(ctx.linePrefix)![0];
  const gluedIndent = lead.includes('\t') || lead.length >= 4 || (indent.length >= 2 && lead.length >= indent.length);
  return gluedIndent ? '' : text;
};

/** Where a completion goes on the cursor's line: inserted at the cursor, or replacing `replace` characters right of it. */
export interface Placement {
  text: string;
  /** UTF-16 characters right of the cursor that the completion replaces (0: inserted). */
  replace: number;
}

/** Text an editor inserts right of the cursor by itself: auto-closed brackets and quotes (and what follows them). */
const autoInserted = /^[)\]}"'`;,:.]+$/;

function isSubsequence(small: string, big: string): boolean {
  let j = 0;
  for (let i = 0; i < big.length && j < small.length; i++) if (big[i] === small[j]) j++;
  return j === small.length;
}

/**
 * Fits a single-line completion to what already sits right of the cursor, such as the `)` that
 * VS Code's auto-closing inserted: either inserted before it (the model's line leaves it to that
 * closer) or replacing it (the model's line contains it: `items())` for `self.stock.it|)`), by which
 * the line's brackets match; undefined when neither gives a line whose brackets match (`items():`
 * before `)` would read `items():)`).
 */
export function placeInLine(text: string, ctx: Pick<PostprocessContext, 'linePrefix' | 'lineSuffix'>): Placement | undefined {
  const suffix = ctx.lineSuffix.trimEnd();
  if (text === '' || text.includes('\n') || suffix === '' || !autoInserted.test(suffix)) return { text, replace: 0 };
  const before = bracketState(ctx.linePrefix + suffix);
  if (bracketState(ctx.linePrefix).mismatch || before.mismatch) return { text, replace: 0 };
  const insert = bracketState(ctx.linePrefix + text + suffix);
  // A statement the model ended (`:`/`;`) followed by the auto-inserted closer is not a line anyone wants.
  // …nor one that ends in a comment (the closer would land inside it: `len(value)  # 1)`).
  const insertOk = !insert.mismatch && (!insert.quote || before.quote) && !bracketState(ctx.linePrefix + text).comment && !(/[:;]\s*$/.test(text) && /^[)\]}]/.test(suffix));
  const replace = isSubsequence(suffix, text) ? bracketState(ctx.linePrefix + text) : undefined;
  const replaceOk = replace !== undefined && !replace.mismatch && (!replace.quote || before.quote) && replace.open <= before.open;
  if (insertOk && (!replaceOk || insert.open <= replace!.open)) return { text, replace: 0 };
  if (replaceOk) return { text, replace: ctx.lineSuffix.length };
  return undefined;
}

function indentWidth(line: string, tabSize = 4): number {
  let w = 0;
  for (const ch of line) {
    if (ch === ' ') w++;
    else if (ch === '\t') w += tabSize;
    else break;
  }
  return w;
}

/**
 * Stops where the block the cursor is in ends: at the first later line indented less than the
 * cursor's line (a closing bracket at that depth is kept, it closes the block).
 */
export const stopAtBlockEnd: Rule = (text, ctx) => {
  const lines = text.split('\n');
  if (lines.length < 2) return text;
  const base = indentWidth(ctx.linePrefix);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || indentWidth(line) >= base) continue;
    return lines.slice(0, /^[)\]}]/.test(line.trim()) ? i + 1 : i).join('\n');
  }
  return text;
};

/**
 * Cuts a degenerate loop (small models repeat themselves: "0, 0, 0, 0, …", "not not not …"):
 * at the third consecutive repeat of a unit of 2–16 characters, keep up to its first copy.
 */
export const cutRepetitionLoop: Rule = (text) => {
  const m = /([^\n]{2,16}?)\1{3,}/.exec(text);
  if (!m || m[1]!.trim() === '') return text;
  return text.slice(0, m.index + m[1]!.length).replace(/[ \t]+$/, '');
};

export const rules: ReadonlyArray<[name: string, rule: Rule]> = [
  ['cutAtSpecialTokens', cutAtSpecialTokens],
  ['stripMarkdownFences', stripMarkdownFences],
  ['cutRepetitionLoop', cutRepetitionLoop],
  ['keepSingleLine', keepSingleLine],
  ['dropGluedLine', dropGluedLine],
  ['stopAtBlockEnd', stopAtBlockEnd],
  ['trimTrailingWhitespace', trimTrailingWhitespace],
  ['stopAtRepeatedLineBelow', stopAtRepeatedLineBelow],
  ['matchIndentation', matchIndentation],
  ['removeSuffixOverlap', removeSuffixOverlap],
];

/** Applies every rule; undefined when nothing worth showing is left. */
export function postprocess(raw: string, ctx: PostprocessContext): string | undefined {
  let text = raw;
  for (const [, rule] of rules) text = rule(text, ctx);
  return text.trim() === '' ? undefined : text;
}
