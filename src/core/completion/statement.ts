/**
 * Statement completion (CodeFill at inference time): the decode → stop → post-process → rank
 * stages for several candidates. Called by the pipeline after the boundary stage when a request
 * carries `statement` options:
 *   decode    beams after the boundary hand-off (decode/beam.ts), ended early where the syntax
 *             says the unit ended (unit/), or by the model's end-of-middle token;
 *   stop      each candidate cut where its statement / block ends in the tree of the document
 *             with the candidate inserted;
 *   post      the pipeline's post-processing rules;
 *   rank      candidates that add ERROR / MISSING nodes to the edited region are rejected; the
 *             rest ordered by length-normalised log-probability with CodeFill's scope weights.
 */
import type { SyntaxDocument, SyntaxQueries } from '../syntax';
import type { InferenceBackend, ModelInfo } from '../inference/types';
import type { HandOff } from './boundary/exact';
import { concatBytes, type BoundaryVocabulary } from './boundary/vocabulary';
import { gateSuggestion } from './gate';
import { cursorLine } from './typing/policy';
import { decodeBeams, type BeamCandidate } from './decode/beam';
import { cutAtSpecialTokens, postprocess, type PostprocessContext } from './postprocess/postprocess';
import { nameUses, rankScore, scopeModel, structureLogWeight, type ScopeModel } from './rank';
import { completionDocument, decideUnit, syntaxCut, type StatementOptions, type UnitDecision } from './unit';
import type { CompletionRequest, CompletionResult, CompletionSession } from './pipeline';

export interface RankedCandidate {
  /** What to insert. */
  text: string;
  /** The model's middle before the stop and post-processing. */
  raw: string;
  score: number;
  logprob: number;
  /** Kept tokens. */
  tokens: number;
  /** Σ log(scope weight) of the names used (0 without structure). */
  structure: number;
  /** Where the candidate stopped: the syntax (unit ended), the model's end token, the length or time limit. */
  stop: 'syntax' | 'model' | 'length' | 'time' | 'line';
  /** Logprob of each generated token of `raw` and the character of `raw` it ends at (the gate's confidence). */
  tokenLogprobs: number[];
  tokenEnds: number[];
}

export interface StatementStageInput {
  backend: InferenceBackend;
  info: ModelInfo;
  vocab: BoundaryVocabulary;
  syntax: SyntaxQueries | undefined;
  /** The unit decided from the syntax tree; undefined: the line policy. */
  unit: UnitDecision | undefined;
  options: StatementOptions;
  prompt: readonly number[];
  start: HandOff;
  stopTokens: number[];
  maxNewTokens: number;
  budget: AbortSignal | undefined;
  userSignal: AbortSignal | undefined;
  post: PostprocessContext;
  /** The text before the cursor (names the cursor is inside, receivers). */
  prefix: string;
}

export interface StatementStageResult {
  best: RankedCandidate | undefined;
  alternatives: RankedCandidate[];
  /** Every finished candidate, rejected ones included (`rejected`), for diagnostics and tests. */
  considered: (RankedCandidate & { rejected?: string })[];
  method: 'beam' | 'greedy+rescore' | 'greedy';
  finishReason: 'stop' | 'length' | 'time';
  rawBest: string;
  tokens: number[];
}

/** Tokens (and their logprob) needed to produce the first `chars` UTF-16 units of the candidate. */
function keptTokens(c: BeamCandidate, vocab: BoundaryVocabulary, emitted: number, chars: number): { count: number; logprob: number } {
  if (c.tokenLogprobs.length === 0) return { count: Math.max(1, c.tokens.length), logprob: c.logprob };
  const need = new TextEncoder().encode(c.text.slice(0, chars)).length;
  let bytes = emitted;
  let count = 0;
  let logprob = c.logprob - c.tokenLogprobs.reduce((a, b) => a + b, 0); // the hand-off's part
  for (let i = 0; i < c.tokens.length && bytes < need; i++) {
    bytes += vocab.tokenBytes(c.tokens[i]!)?.length ?? 0;
    logprob += c.tokenLogprobs[i]!;
    count++;
  }
  return { count: Math.max(1, count), logprob };
}

/**
 * A model that indents again after the cursor's indentation ("    if x:\n            y") wrote
 * the whole candidate one level deeper: drop that lead from every line, not only the first (the
 * post-processing strips it from the first line only).
 */
export function normalizeLead(text: string, linePrefix: string): string {
  if (!/^[ \t]+$/.test(linePrefix)) return text;
  const lead = /^[ \t]*/.exec(text)![0];
  if (!lead || lead.length === text.length) return text;
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? line.slice(lead.length) : line.startsWith(lead) ? line.slice(lead.length) : line))
    .join('\n');
}

/**
 * Python's indentation, which tree-sitter accepts loosely: every line of the inserted text is
 * indented as its block allows — deeper only after a line that opens a block (`:`) or a bracket,
 * back only to an enclosing level.
 */
export function pythonIndentationOk(linePrefix: string, text: string, textBefore: string): boolean {
  const width = (l: string) => /^[ \t]*/.exec(l)![0].replace(/\t/g, '    ').length;
  const stack: number[] = [];
  for (const l of textBefore.split('\n').slice(-200)) if (l.trim() !== '' && !l.trim().startsWith('#')) {
    const w = width(l);
    while (stack.length && stack[stack.length - 1]! > w) stack.pop();
    if (stack[stack.length - 1] !== w) stack.push(w);
  }
  const lines = (linePrefix + text).split('\n');
  let prev = lines[0]!;
  let depth = 0; // open brackets
  const brackets = (l: string) => {
    for (const ch of l.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '').replace(/#.*/, '')) {
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth = Math.max(0, depth - 1);
    }
  };
  let w0 = width(prev);
  while (stack.length && stack[stack.length - 1]! > w0) stack.pop();
  if (stack[stack.length - 1] !== w0) stack.push(w0);
  brackets(prev);
  for (const line of lines.slice(1)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const w = width(line);
    const inside = depth > 0;
    if (!inside) {
      const opens = /:\s*(#.*)?$/.test(prev.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '""'));
      const top = stack[stack.length - 1] ?? 0;
      if (w > top) {
        if (!opens) return false;
        stack.push(w);
      } else {
        if (opens) return false; // a block opener needs an indented body
        while (stack.length && stack[stack.length - 1]! > w) stack.pop();
        if ((stack[stack.length - 1] ?? 0) !== w) return false;
      }
      w0 = w;
    }
    brackets(line);
    prev = line;
  }
  return true;
}

/** The character of the candidate's text each generated token ends at. */
function tokenEnds(c: BeamCandidate, vocab: BoundaryVocabulary, emitted: Uint8Array): number[] {
  const decoder = new TextDecoder();
  const ends: number[] = [];
  let bytes = emitted;
  for (const id of c.tokens) {
    bytes = concatBytes(bytes, vocab.tokenBytes(id) ?? new Uint8Array(0));
    ends.push(decoder.decode(bytes).replace(/\uFFFD$/, '').length);
  }
  return ends;
}

/** True when inserting `text` adds ERROR / MISSING nodes to the edited lines (the unit's statement and the inserted lines). */
export async function breaksParse(syntax: SyntaxQueries, doc: SyntaxDocument, offset: number, text: string): Promise<boolean> {
  const lineStart0 = doc.text.lastIndexOf('\n', offset - 1) + 1;
  if (doc.languageId === 'python' && !pythonIndentationOk(doc.text.slice(lineStart0, offset), text, doc.text.slice(0, lineStart0))) return true;
  const check = await syntax.checkInsertion(doc, offset, text);
  if (check.clean) return false;
  // Errors the statement already had (the user is typing it) may move; count them instead.
  const lineStart = doc.text.lastIndexOf('\n', offset - 1) + 1;
  const nl = doc.text.indexOf('\n', offset);
  const lineEnd = nl < 0 ? doc.text.length : nl;
  const after: SyntaxDocument = { ...doc, uri: `${doc.uri}+check`, text: doc.text.slice(0, offset) + text + doc.text.slice(offset) };
  const [was, now] = await Promise.all([syntax.errorsIn(doc, { start: lineStart, end: lineEnd }), syntax.errorsIn(after, { start: lineStart, end: lineEnd + text.length })]);
  return now.length > was.length || (was.length === 0 && now.length > 0);
}

export async function statementStage(input: StatementStageInput): Promise<StatementStageResult> {
  const { syntax, unit, options } = input;
  const structure = options.structure !== false && !!syntax && !!unit;
  const width = Math.max(1, Math.floor(options.beamWidth));
  const stopStrings = input.post;

  // Decode: the unit ends a beam as soon as the syntax says it ended (or the line, without structure).
  const memo = new Map<string, boolean>();
  const isComplete = async (text: string): Promise<boolean> => {
    const clean = cutAtSpecialTokens(text, stopStrings);
    if (clean !== text) return true;
    text = normalizeLead(text, input.post.linePrefix);
    if (!input.post.multiline) return text.includes('\n');
    if (!structure || !/[\n;}]/.test(text.slice(-6))) return false;
    let done = memo.get(text);
    if (done === undefined) {
      const cut = await syntaxCut(syntax!, unit!, text);
      done = cut.end !== undefined && cut.ranPast;
      memo.set(text, done);
    }
    return done;
  };
  const decoded = await decodeBeams(input.backend, input.info, input.vocab, input.prompt, input.start, {
    width,
    maxNewTokens: input.maxNewTokens,
    stopTokens: input.stopTokens,
    budget: input.budget,
    userSignal: input.userSignal,
    isComplete,
  });

  // Stop, post-process, reject, rank.
  const model: ScopeModel | undefined = structure ? await scopeModel(syntax!, unit!.doc, unit!.offset) : undefined;
  const considered: (RankedCandidate & { rejected?: string })[] = [];
  const seen = new Set<string>();
  for (const c of decoded.candidates) {
    let raw = cutAtSpecialTokens(c.text, stopStrings);
    let stop: RankedCandidate['stop'] = c.finishReason === 'stop' ? 'model' : c.finishReason === 'time' ? 'time' : c.finishReason === 'complete' ? (structure ? 'syntax' : 'line') : 'length';
    if (raw !== c.text) stop = 'model';
    if (structure) raw = normalizeLead(raw, input.post.linePrefix);
    if (structure) {
      const cut = await syntaxCut(syntax!, unit!, raw);
      if (cut.end !== undefined) {
        raw = raw.slice(0, cut.end);
        stop = 'syntax';
      }
    }
    const text = postprocess(raw, input.post) ?? '';
    const kept = keptTokens(c, input.vocab, input.start.emitted.length, raw.length);
    const uses = model ? nameUses(text, input.prefix, model, unit!.doc, unit!.offset) : [];
    const weight = structureLogWeight(uses);
    const ranked: RankedCandidate & { rejected?: string } = {
      text,
      raw: c.text,
      score: rankScore({ logprob: kept.logprob, tokens: kept.count, structure: weight }),
      logprob: kept.logprob,
      tokens: kept.count,
      structure: weight,
      stop,
      tokenLogprobs: c.tokenLogprobs,
      tokenEnds: tokenEnds(c, input.vocab, input.start.emitted),
    };
    if (text === '') ranked.rejected = 'empty';
    else if (seen.has(text)) ranked.rejected = 'duplicate';
    else if (structure && (await breaksParse(syntax!, unit!.doc, unit!.offset, text))) ranked.rejected = 'breaks the parse';
    seen.add(text);
    considered.push(ranked);
  }
  const accepted = considered.filter((c) => !c.rejected).sort((a, b) => b.score - a.score);
  const best = accepted[0];
  const alternatives = accepted.slice(1, 1 + Math.max(0, options.alternatives ?? width - 1));
  const top = decoded.candidates[0]!;
  const bestSource = best ? decoded.candidates[considered.indexOf(best)] ?? top : top;
  const finishReason = bestSource.finishReason === 'time' ? 'time' : bestSource.finishReason === 'length' ? 'length' : 'stop';
  return { best, alternatives, considered, method: decoded.method, finishReason, rawBest: bestSource.text, tokens: bestSource.tokens };
}

// ---- the pipeline's hooks ------------------------------------------------------------------

/** The unit at the cursor when the request asks for statement completion with structure and the session has the syntax service. */
export async function statementUnit(syntax: SyntaxQueries | undefined, request: Pick<CompletionRequest, 'prefix' | 'suffix' | 'statement'>, line: { linePrefix: string; lineSuffix: string }): Promise<UnitDecision | undefined> {
  const o = request.statement;
  if (!o || o.unit !== 'statement' || o.structure === false || !syntax) return undefined;
  const doc = completionDocument(request.prefix, request.suffix, o);
  if (!doc) return undefined;
  try {
    return await decideUnit(syntax, doc, request.prefix.length, line);
  } catch {
    return undefined; // no grammar for it after all, too large: the line policy
  }
}

/** The pipeline after the boundary stage, for a request with `statement` options: several candidates, ranked; the best and its alternatives. */
export async function finishStatement(
  session: CompletionSession,
  request: CompletionRequest,
  s: {
    unit: UnitDecision | undefined;
    prompt: readonly number[];
    start: HandOff;
    stopTokens: number[];
    maxNewTokens: number;
    budget: AbortSignal | undefined;
    post: PostprocessContext;
    t0: number;
    promptMs: number;
    base: Pick<CompletionResult, 'mode' | 'order' | 'multiline' | 'boundaryForwards' | 'degraded'>;
  },
): Promise<CompletionResult> {
  const r = await statementStage({
    backend: session.backend,
    info: session.info,
    vocab: session.tokenizer,
    syntax: session.syntax,
    unit: s.unit,
    options: request.statement!,
    prompt: s.prompt,
    start: s.start,
    stopTokens: s.stopTokens,
    maxNewTokens: s.maxNewTokens,
    budget: s.budget,
    userSignal: request.signal,
    post: s.post,
    prefix: request.prefix,
  });
  // The editor's gate on every candidate: fit to the text right of the cursor, confidence, parse.
  const gateContext = { ...cursorLine(request.prefix, request.suffix), prefix: request.prefix, suffix: request.suffix, minConfidence: request.minConfidence ?? 0, languageId: request.languageId ?? (request.statement?.structure !== false ? request.statement?.languageId : undefined) };
  const gate = (c: RankedCandidate) => gateSuggestion(c.text, { text: c.raw, ...(c.tokenLogprobs.length ? { logprobs: c.tokenLogprobs, tokenEnds: c.tokenEnds } : {}) }, gateContext);
  const best = r.best ? await gate(r.best) : undefined;
  const alternatives: { text: string; replace: number }[] = [];
  for (const a of r.alternatives) {
    const g = await gate(a);
    if (g.text && g.text !== best?.text) alternatives.push({ text: g.text, replace: g.replace });
  }
  const result: CompletionResult = {
    ...s.base,
    raw: r.rawBest,
    text: best?.text ?? '',
    replace: best?.replace ?? 0,
    candidate: r.best?.text ?? '',
    tokens: r.tokens,
    promptMs: s.promptMs,
    generationMs: performance.now() - s.t0 - s.promptMs,
    finishReason: r.finishReason,
    alternatives: alternatives.map((a) => a.text),
    alternativeReplace: alternatives.map((a) => a.replace),
    unit: s.unit?.kind ?? 'line',
    decoding: r.method,
  };
  if (best?.confidence) result.confidence = best.confidence;
  if (best?.suppressed) result.suppressed = best.suppressed;
  if (result.degraded === undefined) delete result.degraded;
  return result;
}
