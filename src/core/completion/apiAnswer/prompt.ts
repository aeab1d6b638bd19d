/**
 * The chat prompt for "answer with a call": the developer's request, the retrieved APIs (exact
 * signatures and the first line of their docs) as the only ones allowed, the names in scope, the
 * enclosing function, and a budgeted window of code around the cursor with a cursor mark.
 */
import type { ChatMessage } from '../../inference/remote/chat';
import type { SymbolRef } from '../../index/types';
import type { SyntaxLanguage } from '../../syntax/languages';

/** What the model sees of the cursor's surroundings. */
export interface CursorContext {
  language: SyntaxLanguage;
  /** Whole lines before the cursor (up to the budget) and the rest of the cursor's line. */
  before: string;
  after: string;
  /** Header of the function or method around the cursor (`def plan(self, inv: Inventory)`). */
  enclosing?: string;
  /** Names visible at the cursor with their kind (`inv: variable`), nearest scope first. */
  names: Array<{ name: string; kind: string }>;
}

export const cursorMark = '<CURSOR>';

const fenceLanguage: Record<SyntaxLanguage, string> = { python: 'python', typescript: 'typescript', tsx: 'tsx', javascript: 'javascript', java: 'java', go: 'go', rust: 'rust' };

/** One retrieved API as a prompt line. */
export function apiLine(ref: SymbolRef, i: number): string {
  const s = ref.symbol;
  const file = ref.uri.slice(ref.uri.lastIndexOf('/') + 1);
  const where = s.container ? `${s.kind} of class ${s.container}` : `${s.kind} in ${file}`;
  const doc = s.doc?.split('\n').find((l) => l.trim())?.trim();
  return `${i + 1}. ${s.signature ?? s.name} — ${where}${doc ? `. ${doc}` : ''}`;
}

export function buildAnswerMessages(query: string, apis: readonly SymbolRef[], context: CursorContext): ChatMessage[] {
  const lang = fenceLanguage[context.language];
  const system = [
    `You write code in the user's ${lang} project. Answer with exactly one call expression to put at the cursor, in one \`\`\`${lang} code block, and nothing else.`,
    'Call one of the listed project APIs: they are the only ones you may use, with their exact names and parameters.',
    'For the receiver and the arguments use the names in scope at the cursor, literals and simple expressions.',
    'Do not define, import or explain anything.',
  ].join(' ');
  const user = [
    `Request: ${query}`,
    '',
    'Project APIs (the only ones you may call):',
    ...apis.map(apiLine),
    '',
    `Names in scope at the cursor: ${context.names.length ? context.names.map((n) => `${n.name} (${n.kind})`).join(', ') : '(none)'}`,
    ...(context.enclosing ? [`The cursor is inside: ${context.enclosing}`] : []),
    '',
    `Code around the cursor (${cursorMark} marks it):`,
    `\`\`\`${lang}`,
    `${context.before}${cursorMark}${context.after}`,
    '```',
    '',
    `Write the one call for ${cursorMark}.`,
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
