/**
 * "Answer with a call" (conversational API completion, LANCE): an instruction-tuned model writes
 * one call for the cursor's context from the retrieved APIs only; the answer is parsed with the
 * syntax service and grounded (ground.ts) before anything may reach the document. Pipeline:
 * cursor context → chat prompt → chat → candidates from the answer → parse → ground → the text to
 * insert. A server that fails or times out, or an answer that does not ground, leaves the plain
 * retrieval results to the caller with a one-line reason.
 */
import { CancelledError, TokenwiseError, describeError } from '../../base/errors';
import type { ChatCapability } from '../../inference/remote/chat';
import type { ProjectIndex } from '../../index/projectIndex';
import type { SymbolRef } from '../../index/types';
import { recordOf, indexLanguageOf } from '../../index/extract';
import { resolveLanguage, type SyntaxLanguage } from '../../syntax/languages';
import { apiFamilyOf, apiFamilyOfText } from '../../search/family';
import type { CallExpressionInfo, Declaration, SyntaxQueries } from '../../syntax';
import { scopeModel } from '../rank/scope';
import { answerCandidates } from './extract';
import { groundCall, type GroundedBy } from './ground';
import { buildAnswerMessages, type CursorContext } from './prompt';

export { answerCandidates } from './extract';
export { arityMismatch } from './arity';
export { groundCall, describeApi, type Grounding, type GroundedBy, type GroundingContext } from './ground';
export { buildAnswerMessages, cursorMark, type CursorContext } from './prompt';

/** What the answer needs of the syntax service. */
export type AnswerSyntax = Pick<SyntaxQueries, 'declarations' | 'imports'> & {
  callExpression(text: string, language: string): Promise<{ call: CallExpressionInfo } | { problem: string }>;
};

export interface AnswerDocument {
  uri: string;
  text: string;
  /** UTF-16 offset of the cursor. */
  offset: number;
  languageId?: string;
  version?: number;
}

export interface AnswerOptions {
  signal?: AbortSignal;
  /** Longest answer (tokens). Default 160. */
  maxTokens?: number;
  /** The chat request's timeout. Default 20 s. */
  timeoutMs?: number;
  stream?: boolean;
  /** Code around the cursor in the prompt (characters, whole lines). Defaults 2,000 before, 600 after. */
  beforeChars?: number;
  afterChars?: number;
  /** Most names in scope listed. Default 40. */
  maxNames?: number;
  /** The model's context (tokens): the prompt is shrunk (code window, names, APIs) to fit it with the answer. */
  contextTokens?: number;
}

/** A rough token count for budgeting (code and English run about 3–4 characters a token). */
const estimateTokens = (messages: readonly { content: string }[]) => Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 3);


export type ApiAnswer =
  | { status: 'accepted'; call: string; insertText: string; api: SymbolRef; by: GroundedBy; answer: string; chatMs: number }
  | { status: 'rejected'; reason: string; answer: string; call?: string; chatMs: number }
  | { status: 'unavailable'; reason: string }
  | { status: 'failed'; reason: string };

/** Whole lines before the cursor within `chars` (the cursor's own line always), and the rest of the cursor's line plus lines after. */
function codeWindow(text: string, offset: number, beforeChars: number, afterChars: number): { before: string; after: string } {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let start = lineStart;
  while (start > 0) {
    const prev = text.lastIndexOf('\n', start - 2) + 1;
    if (offset - prev > beforeChars) break;
    start = prev;
  }
  const lineEnd = text.indexOf('\n', offset);
  let end = lineEnd < 0 ? text.length : lineEnd;
  while (end < text.length) {
    const next = text.indexOf('\n', end + 1);
    const to = next < 0 ? text.length : next;
    if (to - offset > afterChars) break;
    end = to;
  }
  return { before: text.slice(start, offset), after: text.slice(offset, end) };
}

function enclosingFunction(declarations: readonly Declaration[], offset: number): string | undefined {
  let best: Declaration | undefined;
  for (const d of declarations) if ((d.kind === 'function' || d.kind === 'method') && d.range.start < offset && offset <= d.range.end && (!best || d.range.start >= best.range.start)) best = d;
  return best?.signature?.text ?? (best ? best.name : undefined);
}

/** The cursor's context for the prompt and the names in scope for grounding. */
export async function cursorContext(syntax: Pick<SyntaxQueries, 'declarations' | 'imports'>, doc: AnswerDocument, language: SyntaxLanguage, options: AnswerOptions = {}): Promise<{ context: CursorContext; visible: Set<string>; declarations: Declaration[] }> {
  const syntaxDoc = { uri: doc.uri, version: doc.version ?? 0, text: doc.text, languageId: doc.languageId ?? language };
  const declarations = await syntax.declarations(syntaxDoc);
  const scope = await scopeModel(syntax, syntaxDoc, doc.offset);
  const rank = (s: string) => ['function', 'class', 'file', 'import'].indexOf(s);
  const names = scope ? [...scope.visible.values()].filter((n) => n.source !== 'builtin' && n.source !== 'document' && n.source !== 'model').sort((a, b) => rank(a.source) - rank(b.source)) : [];
  const { before, after } = codeWindow(doc.text, doc.offset, options.beforeChars ?? 2000, options.afterChars ?? 600);
  const enclosing = enclosingFunction(declarations, doc.offset);
  return {
    context: { language, before, after, ...(enclosing ? { enclosing } : {}), names: names.slice(0, options.maxNames ?? 40).map((n) => ({ name: n.name, kind: n.source === 'import' ? `imported ${n.kind}` : n.kind === 'variable' && n.source === 'function' ? 'local' : n.kind })) },
    visible: new Set(names.map((n) => n.name)),
    declarations,
  };
}

/** The inserted text: the call, without what the line already has before the cursor (`inv.` typed, `await `). */
export function insertionText(call: CallExpressionInfo, text: string, offset: number): string {
  const lineBefore = text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
  let prefix = call.awaited && !/\bawait\s+$/.test(lineBefore) ? 'await ' : '';
  let body = call.text;
  const typed = /[\w$.]+$/.exec(lineBefore)?.[0];
  if (typed && body.startsWith(typed)) {
    body = body.slice(typed.length);
    prefix = '';
  }
  return prefix + body;
}

export interface AnswerInput {
  query: string;
  document: AnswerDocument;
  /** The retrieved APIs (the search's top k), best first. */
  retrieved: readonly SymbolRef[];
}

export async function answerWithCall(input: AnswerInput, deps: { index: ProjectIndex; syntax: AnswerSyntax; chat: ChatCapability }, options: AnswerOptions = {}): Promise<ApiAnswer> {
  const { document: doc, retrieved } = input;
  const signal = options.signal;
  const language = resolveLanguage(doc.languageId ?? doc.uri) ?? resolveLanguage(doc.uri);
  if (!language) return { status: 'unavailable', reason: `no syntax support for ${doc.languageId ?? doc.uri}` };
  if (!retrieved.length) return { status: 'unavailable', reason: 'no project API matches the request' };
  const availability = await deps.chat.availability(signal);
  if (!availability.available) return { status: 'unavailable', reason: availability.reason };

  const family = apiFamilyOf(language);
  const callable = family ? retrieved.filter((r) => apiFamilyOfText(r.uri) === family) : [];
  if (!callable.length) return { status: 'unavailable', reason: `none of the APIs found is in ${language === 'python' ? 'Python' : 'TypeScript or JavaScript'}` };
  const maxTokens = options.maxTokens ?? 160;
  let beforeChars = options.beforeChars ?? 2000;
  let afterChars = options.afterChars ?? 600;
  let apis = callable;
  const { context, visible, declarations } = await cursorContext(deps.syntax, doc, language, { ...options, beforeChars, afterChars });
  let messages = buildAnswerMessages(input.query, apis, context);
  // Fit a small context: less code around the cursor first, then fewer APIs (never under 3), then fewer names.
  for (let round = 0; options.contextTokens && estimateTokens(messages) + maxTokens > options.contextTokens && round < 16; round++) {
    if (beforeChars > 150) {
      beforeChars = Math.floor(beforeChars / 2);
      afterChars = Math.floor(afterChars / 2);
      Object.assign(context, codeWindow(doc.text, doc.offset, beforeChars, afterChars));
    } else if (apis.length > 3) apis = apis.slice(0, apis.length - 1);
    else if (context.names.length > 5) context.names = context.names.slice(0, Math.ceil(context.names.length / 2));
    else break;
    messages = buildAnswerMessages(input.query, apis, context);
  }
  let answer: string;
  let chatMs: number;
  try {
    const r = await deps.chat.complete(messages, { maxTokens, temperature: 0, timeoutMs: options.timeoutMs ?? 20_000, ...(signal ? { signal } : {}), ...(options.stream ? { stream: true } : {}) });
    answer = r.text;
    chatMs = r.totalMs;
  } catch (error) {
    if (error instanceof CancelledError || signal?.aborted) throw error instanceof CancelledError ? error : new CancelledError();
    return { status: 'failed', reason: error instanceof TokenwiseError ? error.message : describeError(error) };
  }

  // The live file in the index (its imports as they are now), for resolving names and receivers.
  const indexLanguage = indexLanguageOf(doc.uri) ?? (language === 'python' ? 'python' : 'typescript');
  const syntaxDoc = { uri: doc.uri, version: doc.version ?? 0, text: doc.text, languageId: doc.languageId ?? language };
  const live = recordOf({ uri: doc.uri, text: doc.text }, indexLanguage, declarations, await deps.syntax.imports(syntaxDoc));
  const ctx = { index: deps.index, document: { uri: doc.uri, text: doc.text, offset: doc.offset, declarations }, language, visible, retrieved: apis };
  let firstReason: string | undefined;
  let firstCall: string | undefined;
  for (const candidate of answerCandidates(answer)) {
    const parsed = await deps.syntax.callExpression(candidate, language);
    if (!('call' in parsed)) continue;
    const grounding = deps.index.withOverlay(live, () => groundCall(parsed.call, ctx));
    if (grounding.ok) return { status: 'accepted', call: (parsed.call.awaited ? 'await ' : '') + parsed.call.text, insertText: insertionText(parsed.call, doc.text, doc.offset), api: grounding.api, by: grounding.by, answer, chatMs };
    firstReason ??= grounding.reason;
    firstCall ??= parsed.call.text;
  }
  if (firstReason) return { status: 'rejected', reason: firstReason, answer, call: firstCall!, chatMs };
  const shown = answer.trim().replace(/\s+/g, ' ');
  return { status: 'rejected', reason: shown ? `the answer has no ${language} call expression ("${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}")` : 'the answer is empty', answer, chatMs };
}

