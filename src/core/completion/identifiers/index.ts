/**
 * Ranked identifier completion (CodeFill's single-token task, as a completion list): at a
 * cardinal point or while a name is typed, the next identifier —
 *   candidates  the model's top-k first tokens that start a name (each decoded on to the name's
 *               end) and the names declared in scope (members of the receiver after `.`);
 *   scoring     all candidates together with the engine's batched candidate scoring;
 *   ranking     log-probability × CodeFill's scope weights (declared here / in the class / in the
 *               file), names that exist nowhere weighted down;
 * under a time budget: what is ready when it runs out is returned.
 */
import { CancelledError, throwIfAborted } from '../../base/errors';
import type { SyntaxQueries } from '../../syntax';
import { resolveLanguage } from '../../syntax/languages';
import { promptWindows } from '../context/windows';
import { encodeSegments, splitAtAnchor } from '../prompt/encode';
import { computeCovers } from '../boundary/exact';
import type { CompletionSession } from '../pipeline';
import { keywordsOf, receiverMembers, scopeModel, unknownNameWeight, weightOf, type KnownName, type NameSource, type ScopeModel } from '../rank/scope';
import { cursorLine } from '../typing/policy';
import { completionDocument } from '../unit';
import { cardinalPoint, type CardinalKind } from './cardinal';

export { cardinalPoint, type CardinalPoint, type CardinalKind } from './cardinal';

export interface IdentifierRequest {
  prefix: string;
  suffix: string;
  /** VS Code language id (declarations need syntax support; without it: model candidates only). */
  languageId: string;
  /** The document's URI (key of its cached tree). */
  uri?: string;
  /** Most items (default 10). */
  maxItems?: number;
  /** Scope weights and declared candidates (default true); false: the model's candidates by log-probability alone. */
  structure?: boolean;
  /** Wall-clock budget (default 150 ms); what is ready by then is returned. */
  timeBudgetMs?: number;
  /** Answer at any position, not only at cardinal points or while a name is typed (evaluation). */
  anywhere?: boolean;
  signal?: AbortSignal;
}

export interface IdentifierItem {
  name: string;
  kind: KnownName['kind'] | 'unknown';
  /** Why it ranks: declared in the enclosing function ('function'), the class, the file, an import; or proposed by the model only. */
  source: NameSource;
  /** Model log-probability of the whole name (absent when the budget ran out before scoring). */
  logprob?: number;
  /** The scope weight applied (1 = none). */
  weight: number;
  score: number;
  detail?: string;
}

export interface IdentifierResult {
  items: IdentifierItem[];
  /** The part of the name already typed (items start with it). */
  typed: string;
  point?: CardinalKind | 'typing';
  /** The budget ran out before every candidate was scored. */
  partial: boolean;
  ms: number;
}

const identStart = /^[A-Za-z_$]/;
const identChars = /^[\w$]*/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Keywords that are values and may be offered. */
const valueKeywords = new Set(['self', 'this', 'cls', 'True', 'False', 'None', 'true', 'false', 'null', 'undefined', 'super']);

export async function completeIdentifiers(session: CompletionSession, syntax: SyntaxQueries | undefined, request: IdentifierRequest): Promise<IdentifierResult> {
  const t0 = performance.now();
  const budgetMs = request.timeBudgetMs ?? 150;
  const left = () => budgetMs - (performance.now() - t0);
  // The budget is a signal too, so model calls stop inside it and what is ready is returned.
  const budget = AbortSignal.timeout(Math.max(1, Math.floor(budgetMs)));
  const within = request.signal ? AbortSignal.any([request.signal, budget]) : budget;
  let partial = false;
  /** Runs `work` under the budget; undefined (and a partial result) when the budget ran out first. */
  const inBudget = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CancelledError && budget.aborted && !request.signal?.aborted) {
        partial = true;
        return undefined;
      }
      throw error;
    }
  };
  const maxItems = request.maxItems ?? 10;
  const structure = request.structure !== false;
  const { backend, info, tokenizer, template } = session;
  const line = cursorLine(request.prefix, request.suffix);
  const point = cardinalPoint(line.linePrefix);
  const typed = point?.typed ?? /[A-Za-z_$][\w$]*$/.exec(line.linePrefix)?.[0] ?? '';
  const where: IdentifierResult['point'] = point?.kind ?? (typed ? 'typing' : undefined);
  const done = (items: IdentifierItem[], partial: boolean): IdentifierResult => ({ items, typed, ...(where ? { point: where } : {}), partial, ms: performance.now() - t0 });
  if (!where && !request.anywhere) return done([], false);
  if (/^\d/.test(typed)) return done([], false);

  const suffix = request.suffix.replace(identChars, '');
  const language = resolveLanguage(request.languageId);
  const keywords = language ? keywordsOf(language) : undefined;

  // Declared candidates.
  let model: ScopeModel | undefined;
  const declared = new Map<string, KnownName>();
  const doc = syntax ? completionDocument(request.prefix, request.suffix, { languageId: request.languageId, ...(request.uri ? { uri: request.uri } : {}) }) : undefined;
  if (structure && syntax && doc) {
    try {
      model = await scopeModel(syntax, doc, request.prefix.length);
    } catch {
      model = undefined;
    }
    if (model) {
      if (point?.kind === 'member') {
        const members = point.receiver ? receiverMembers(model, point.receiver, doc, request.prefix.length) : undefined;
        for (const m of members?.values() ?? []) declared.set(m.name, m);
      } else for (const k of model.visible.values()) declared.set(k.name, k);
    }
  }
  throwIfAborted(request.signal);

  // The prompt ends at a stable boundary (the anchor, two pre-tokens back): the last word and
  // what is typed of the name (the tail) may merge with the name's first token ("(self", " x").
  // Candidates are scored as tail + rest of the name, encoded as the model saw such text.
  const windows = promptWindows(request.prefix, suffix, { budgetTokens: Math.max(16, info.maxContext - 24), prefixShare: 0.8, countTokens: (t) => tokenizer.encode(encoder.encode(t)).length });
  const { before, tail, after } = splitAtAnchor(template.build('psm', windows.prefix, windows.suffix), tokenizer);
  const context = [...encodeSegments(before, tokenizer), ...encodeSegments(after, tokenizer)];
  const tailText = decoder.decode(tail);
  const names = new Map<string, { fromModel: boolean }>();
  const options = { priority: 'interactive' as const, signal: within };
  if (info.capabilities.distribution && backend.nextLogprobs) {
    // The next-name distribution after the tail, exactly: every cover of the tail (its last token
    // reaching past the cursor) and the tokens after the tail's own encoding.
    const scorer = { nextLogprobs: (ids: readonly number[], signal?: AbortSignal) => backend.nextLogprobs!(ids, { priority: 'interactive', ...(signal ? { signal } : {}) }) };
    // Enumerating the covers takes at most 60 % of the budget; the rest is for scoring.
    const coverBudget = AbortSignal.any([within, AbortSignal.timeout(Math.max(1, Math.floor(0.6 * left())))]);
    let set: Awaited<ReturnType<typeof computeCovers>> | undefined;
    try {
      set = await computeCovers(context, tail, tokenizer, session.index, scorer, coverBudget);
    } catch (error) {
      if (!(error instanceof CancelledError) || request.signal?.aborted) throw error;
      partial = true; // out of time: the declared names are what is ready
    }
    const firsts: { tokens: number[]; text: string; logprob: number }[] = (set?.covers ?? []).map((c) => ({ tokens: c.tokens, text: decoder.decode(c.remainder), logprob: c.logprob }));
    if (set) {
      const next = set.canonical.next;
      const order = [...next.keys()].sort((a, b) => next[b]! - next[a]!).slice(0, 200);
      for (const id of order) {
        const bytes = tokenizer.tokenBytes(id);
        if (bytes) firsts.push({ tokens: [...set.canonical.tokens, id], text: decoder.decode(bytes), logprob: set.canonical.logprob + next[id]! });
      }
    }
    firsts.sort((a, b) => b.logprob - a.logprob);
    const picked: typeof firsts = [];
    const seen = new Set<string>();
    for (const f of firsts) {
      // A name continues what is typed: right after the tail's end, identifier characters.
      const rest = identChars.exec(f.text)![0];
      const name = typed + rest;
      if (!name || !identStart.test(name) || seen.has(name)) continue;
      if (typed === '' && rest === '') continue;
      seen.add(name);
      picked.push(f);
      if (picked.length >= maxItems) break;
    }
    // Decode each on to the end of its name (greedy, a few tokens).
    for (const f of picked) {
      let rest = identChars.exec(f.text)![0];
      if (rest.length === f.text.length && rest.length > 0) {
        // Keep time for scoring: extension stops at 40 % of the budget left.
        if (left() < 0.4 * budgetMs) {
          partial = true;
          break;
        }
        const more = await inBudget(() => backend.generate([...context, ...f.tokens], { maxNewTokens: 3, stopTokens: [], lookahead: 0, ...options }));
        if (!more) break;
        rest = identChars.exec(f.text + more.text)![0];
      }
      const name = typed + rest;
      if (!keywords?.has(name) || valueKeywords.has(name)) names.set(name, { fromModel: true });
    }
  }
  for (const name of declared.keys()) if (name.startsWith(typed) && !names.has(name)) names.set(name, { fromModel: false });
  if (!structure) for (const [name, n] of names) if (!n.fromModel) names.delete(name);

  // Score every candidate name in one batch; weight by scope.
  const list = [...names.keys()];
  let logprobs: (number | undefined)[] = list.map(() => undefined);
  if (list.length && info.capabilities.candidateScoring && backend.scoreCandidates && left() > 0) {
    const scores = await inBudget(() => backend.scoreCandidates!(context, list.map((n) => tokenizer.encode(encoder.encode(tailText + n.slice(typed.length)))), options));
    if (scores) logprobs = scores.map((s) => s.logprob);
  } else if (list.length) partial = true;
  const items: IdentifierItem[] = list.map((name, i) => {
    const known = declared.get(name);
    const weight = !structure ? 1 : known ? weightOf(known, point?.kind === 'member') : model && !model.exists.has(name) ? unknownNameWeight : 1;
    const logprob = logprobs[i];
    const item: IdentifierItem = {
      name,
      kind: known?.kind ?? 'unknown',
      source: known?.source ?? 'model',
      weight,
      // Unscored names (budget) rank after scored ones, by weight.
      score: (logprob ?? -1e3) + Math.log(weight),
    };
    if (logprob !== undefined) item.logprob = logprob;
    if (known?.detail) item.detail = known.detail;
    return item;
  });
  // After `recv.` with the receiver's class known, its members come first: other names would not resolve.
  const tier = (item: IdentifierItem) => (point?.kind === 'member' && structure && declared.size > 0 && item.source === 'class' ? 0 : 1);
  items.sort((a, b) => tier(a) - tier(b) || b.score - a.score || a.name.localeCompare(b.name));
  return done(items.slice(0, maxItems), partial);
}
