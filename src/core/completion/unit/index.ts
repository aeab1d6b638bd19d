/**
 * Unit stage (statement completion): what a completion should cover, decided from the syntax
 * tree, and where a candidate stops — where the syntax says its statement or block ends.
 *
 *   rest       the cursor is inside a statement: the rest of that statement (one line when text
 *              sits right of the cursor);
 *   statement  the cursor starts a statement (an empty line in a block, after `;`): the whole next
 *              statement (a compound one with its body), never past the end of the block;
 *   block      the cursor starts a block (after `{`, or `:` and a new line): its statements, up to
 *              where the block ends.
 *
 * The document is the prompt's text (prefix + suffix) under a stable URI, so the syntax service
 * re-parses it incrementally from one request to the next.
 */
import type { SyntaxDocument, SyntaxQueries } from '../../syntax';
import { resolveLanguage } from '../../syntax/languages';

/** `statement`: the syntax decides the unit and the stop; `line`: the line / indentation policy alone. */
export type CompletionUnitSetting = 'statement' | 'line';
export const completionUnits: readonly CompletionUnitSetting[] = ['statement', 'line'];

/** Statement-completion options of a request (absent: the plain line policy and greedy decoding). */
export interface StatementOptions {
  unit: CompletionUnitSetting;
  /** Beams (1 = greedy, the cheaper setting). */
  beamWidth: number;
  /** VS Code language id (or a file extension's language); without syntax support the unit is `line`. */
  languageId?: string;
  /** Key of the document's cached tree (the editor's document URI). */
  uri?: string;
  /**
   * Structure features (default true): syntax stop, rejection of candidates that break the parse,
   * scope weights. False ranks the same beams by length-normalised log-probability only, cut by
   * the line policy (evaluation's "no structure").
   */
  structure?: boolean;
  /** Most alternatives returned besides the best (default beamWidth - 1). */
  alternatives?: number;
}

export type UnitKind = 'rest' | 'statement' | 'block';

export interface UnitDecision {
  kind: UnitKind;
  multiline: boolean;
  doc: SyntaxDocument;
  /** The cursor in `doc`. */
  offset: number;
}

let versions = 0;

/** The document the syntax stages see: the prompt's text, the cursor at the end of the prefix. */
export function completionDocument(prefix: string, suffix: string, options: Pick<StatementOptions, 'languageId' | 'uri'>): SyntaxDocument | undefined {
  const languageId = options.languageId;
  if (!languageId || !resolveLanguage(languageId)) return undefined;
  return { uri: `${options.uri ?? 'tokenwise-completion:'}#completion`, version: ++versions, text: prefix + suffix, languageId };
}

/** Decides the unit at the cursor; undefined when the syntax cannot (no language, inside a string or comment). */
export async function decideUnit(syntax: SyntaxQueries, doc: SyntaxDocument, offset: number, line: { linePrefix: string; lineSuffix: string }): Promise<UnitDecision | undefined> {
  const info = await syntax.positionInfo(doc, offset);
  if (info.inString || info.inComment) return undefined;
  const rightOfCursor = line.lineSuffix.trim() !== '';
  if (!rightOfCursor && info.startsBlock) return { kind: 'block', multiline: true, doc, offset };
  if (!rightOfCursor && info.startsStatement && line.linePrefix.trim() === '') return { kind: 'statement', multiline: true, doc, offset };
  // The rest of a statement spans lines only while a bracket it opened is still open (a multi-line call).
  const from = info.statement && info.statement.start < offset ? info.statement.start : doc.text.lastIndexOf('\n', offset - 1) + 1;
  return { kind: 'rest', multiline: !rightOfCursor && (openBrackets(doc.text.slice(from, offset)) > 0 || /[:{([]\s*$/.test(line.linePrefix)), doc, offset };
}

/** Brackets opened and not closed in `text` (strings skipped). */
export function openBrackets(text: string): number {
  let depth = 0;
  for (const ch of text.replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, '""')) {
    if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
  }
  return depth;
}

function insert(doc: SyntaxDocument, offset: number, text: string): SyntaxDocument {
  return { uri: `${doc.uri}+candidate`, version: ++versions, text: doc.text.slice(0, offset) + text + doc.text.slice(offset), ...(doc.languageId ? { languageId: doc.languageId } : {}) };
}

export interface SyntaxCut {
  /** Length of the candidate up to where its unit ends (UTF-16), or undefined: it has not ended inside the candidate. */
  end: number | undefined;
  /** Text follows the end inside the candidate (the model went on past it). */
  ranPast: boolean;
}

/**
 * Where the candidate's unit ends, from the tree of the document with the candidate inserted:
 * rest — the end of the statement at the cursor; statement — the end of the first statement;
 * block — before the first statement that is no longer inside the block the cursor was in (a
 * dedent, a closing brace).
 */
export async function syntaxCut(syntax: SyntaxQueries, unit: UnitDecision, candidate: string): Promise<SyntaxCut> {
  if (candidate.trim() === '') return { end: undefined, ranPast: false };
  const at = unit.offset;
  if (unit.kind === 'rest') {
    const check = await syntax.checkInsertion(unit.doc, at, candidate);
    const end = check.statementEnd;
    return { end, ranPast: end !== undefined && candidate.slice(end).trim() !== '' };
  }
  const doc = insert(unit.doc, at, candidate);
  const limit = at + candidate.length;
  const text = doc.text;
  const skip = (p: number) => {
    while (p < limit && /\s/.test(text[p]!)) p++;
    return p;
  };
  let p = skip(at);
  let depth: number | undefined;
  let lastEnd: number | undefined;
  while (p < limit) {
    // Probe one unit in: a statement ending right at `p` (no space after `;`) would count too.
    const s = await syntax.statementAt(doc, Math.min(p + 1, limit));
    // A statement that began before `p` encloses it: the block the cursor was in has ended here.
    if (!s || s.start < p || (depth !== undefined && s.depth < depth)) {
      const end = lastEnd ?? (p > at ? p : undefined);
      return { end: end === undefined ? undefined : trimEnd(text, at, end), ranPast: true };
    }
    depth ??= s.depth;
    if (s.end >= limit) return { end: undefined, ranPast: false };
    lastEnd = s.end;
    p = skip(s.end);
    if (unit.kind === 'statement') return { end: trimEnd(text, at, s.end), ranPast: p < limit };
  }
  return { end: lastEnd === undefined ? undefined : trimEnd(text, at, lastEnd), ranPast: false };
}

function trimEnd(text: string, at: number, end: number): number {
  let e = end;
  while (e > at && /\s/.test(text[e - 1]!)) e--;
  return e - at;
}
