/**
 * `tokenwise eval api`: an APIEval-style evaluation of repository API completion on a real
 * repository.
 *
 * Token completion: every call site `x.member(` / `module.fn(` whose member is defined in the
 * repository in another file than the call site (and not in the call-site file itself) is a
 * case. The member name and everything after it are hidden: the call-site file is cut right
 * after the dot, its index record is replaced by the record of the cut text, and its own usages
 * are left out of the usage similarity. The member completion (receiver resolution, ranking;
 * optionally the model's likelihood) returns a ranked list; accuracy@1/@5 and MRR (1/rank, 0
 * when absent) of the hidden name. With `checker`, TypeScript/JavaScript cases are kept only when
 * the TypeScript checker resolves the member to a declaration in the repository (tsOracle.ts): a
 * true local API call, with its true target (Python cases stay as selected by name).
 *
 * Conversational: every documented function / method / class; the query is the first sentence
 * of its doc comment; the target is scored without its own doc text; accuracy@1/@5 over the
 * BM25 ranking (optionally re-ranked by the model).
 */
import { throwIfAborted } from '../../core/base/errors';
import { looksBinary } from '../../core/base/document';
import type { SyntaxService } from '../../core/syntax';
import type { WorkspaceFs } from '../../core/workspace/fs';
import { buildIndex, indexLanguageOf, isTestFile, recordOf, type ApiTarget, type ProjectIndex } from '../../core/index';
import { completeMembers } from '../../core/index/members';
import { parseReceiver, type ResolvedBy } from '../../core/index/receivers';
import { addModelScores, type NameScorer, type RankFeatures, type RankedMember } from '../../core/index/ranking';
import { ApiSearch, firstSentence, type SearchHit } from '../../core/search/bm25';
import type { SymbolRef } from '../../core/index/types';
import { rerankHits, type QueryScorer } from '../../core/search/rerank';
import { createTsOracle, describeTrueTarget, type TrueTarget, type TsOracle } from './tsOracle';

export interface ApiEvalOptions {
  /** Most token-completion cases (spread evenly over the repository's call sites). Default 500. */
  limit?: number;
  /** Most conversational cases. Default 500. */
  convLimit?: number;
  /** The model's likelihood of member names (adds it to the ranking). */
  nameScorer?: NameScorer;
  /** The model's likelihood for conversational re-ranking. */
  queryScorer?: QueryScorer;
  /** False: conversational search in BM25's order, without the learned re-ranker (to measure it). */
  searchRerank?: boolean;
  signal?: AbortSignal;
  onProgress?(phase: string, done: number, total: number): void;
  /** Each token-completion case as it is scored (inspection). */
  onCase?(c: { uri: string; line: number; member: string; receiver: string; by: ResolvedBy; target: string; rank: number; top: string[]; candidates?: CaseCandidate[]; trueTarget?: string; agrees?: boolean }): void;
  /** Keep TypeScript/JavaScript cases only when the TypeScript checker finds the member declared in the repository (needs the `typescript` package). */
  checker?: boolean;
  /** Give `onCase` the first n ranked candidates and the hidden member with their ranking features (weight tuning). */
  caseCandidates?: number;
  /** Characters of the member name typed before asking (0: the name hidden completely, the protocol's default; 1–2: what a user sees after typing). */
  typed?: number;
  /** Each conversational case as it is scored (inspection). */
  onConvCase?(c: { name: string; query: string; rank: number; top: string[] }): void;
}

export interface ApiEvalReport extends ConversationalReport {
  files: number;
  symbols: number;
  indexMs: number;
  indexBytes: number;
  cases: number;
  accuracyAt1: number;
  accuracyAt5: number;
  mrr: number;
  /** Cases by how the receiver was resolved, with accuracy@1 in each group. */
  byResolution: Record<string, { cases: number; accuracyAt1: number }>;
  /** Whether the model took part (member names / conversational re-ranking). */
  model: { members: boolean; conversational: boolean };
  caseMs: number;
  /** With `checker`: the TypeScript/JavaScript cases by verdict, before spreading to `limit`. */
  checker?: CheckerReport;
  /**
   * With `checker`: the share of verified cases whose resolved receiver leads to the checker's
   * declaration (its container, or a class or module that inherits or re-exports it from there).
   */
  resolverAgreement?: number;
}

export interface CheckerReport {
  /** The member is declared in the repository: kept. */
  verified: number;
  /** Declared only outside (lib.*.d.ts, node_modules): dropped. */
  rejected: number;
  /** No symbol (an untyped receiver, an unresolved import): dropped. */
  unresolved: number;
  /** Declared in the call-site file itself (the name was also declared elsewhere): dropped. */
  sameFile: number;
  /**
   * True local calls (declared in another file of the repository) that the name-based selection
   * leaves out, by its reason: a built-in method name (`map`, `get`), a receiver or chain head
   * imported from outside or global, a member name the index has no symbol for.
   */
  missedByName: { builtinName: number; outsideReceiver: number; notIndexed: number };
  /** Python cases, kept as selected by name. */
  unchecked: number;
  /** Verified cases among those scored (after spreading to `limit`). */
  scoredVerified: number;
  buildMs: number;
  programFiles: number;
  tsconfig?: string;
}

/** A ranked candidate of a case with what its score is made of: `base` (kind, prefix, model), the resolved-class bonus when `resolved`, and the weighted features. */
export interface CaseCandidate {
  label: string;
  base: number;
  /** The typed-prefix part of `base` (with `--typed`). */
  prefix: number;
  resolved: boolean;
  features: RankFeatures;
}

interface CallCase {
  uri: string;
  /** Offset right after the dot. */
  dot: number;
  member: string;
  /** With the checker: where the member is declared. */
  trueTarget?: TrueTarget;
}

function spread<T>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items;
  const out: T[] = [];
  const step = items.length / limit;
  for (let i = 0; i < limit; i++) out.push(items[Math.floor(i * step)]!);
  return out;
}

/**
 * Lines longer than this (a bundle inlined as one string literal) are read by a lexer
 * (`commentOrStringTest`); shorter ones by the line-local regular expressions of
 * `inCommentOrString`. Above every line of the development repositories (the longest: 324,620
 * characters, matplotlib's jquery-ui.min.js), so their cases stay as they were: the two tests
 * disagree on minified code, where a regular-expression literal holding a quote misleads both.
 */
export const longLine = 500_000;

/**
 * Whether offsets of `text` sit in a comment or a string on their line: `inCommentOrString`, except
 * on a line longer than `longLine`, which a lexer goes through once (strings with escapes, `//`,
 * `/* … *\/`, Python `#`), picking up where the previous offset of the line left it — the regular
 * expressions re-read the line up to each offset, and the 18,908 calls in the 3.4 MB string of
 * @effect/platform's httpApiScalar.ts took them more than 10 minutes.
 */
export function commentOrStringTest(text: string, python: boolean): (offset: number) => boolean {
  let lexer: { lineStart: number; lineEnd: number; at: number; state: 'code' | 'string' | 'comment' | 'block'; quote: string } | undefined;
  return (offset) => {
    // Still on the lexer's line, at or after where it stopped: no search back to the line's start (itself a scan of the line).
    if (!lexer || offset < lexer.at || offset > lexer.lineEnd) {
      const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
      let lineEnd = text.indexOf('\n', offset);
      if (lineEnd < 0) lineEnd = text.length;
      if (lineEnd - lineStart <= longLine) return inCommentOrString(text, offset, python);
      lexer = { lineStart, lineEnd, at: lineStart, state: 'code', quote: '' };
    }
    const l = lexer;
    while (l.at < offset) {
      const c = text[l.at]!;
      if (l.state === 'code') {
        if (c === '"' || c === "'" || (c === '`' && !python)) [l.state, l.quote] = ['string', c];
        else if (python ? c === '#' : c === '/' && text[l.at + 1] === '/') l.state = 'comment';
        else if (!python && c === '/' && text[l.at + 1] === '*') {
          l.state = 'block';
          l.at++;
        }
      } else if (l.state === 'string') {
        if (c === '\\') l.at++;
        else if (c === l.quote) l.state = 'code';
      } else if (l.state === 'block' && c === '*' && text[l.at + 1] === '/') {
        l.state = 'code';
        l.at++;
      }
      l.at++;
    }
    return l.state !== 'code';
  };
}

/** Whether an offset sits in a comment or a string on its line (a cheap line-local test). */
function inCommentOrString(text: string, offset: number, python: boolean): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(lineStart, offset);
  if (python ? /#/.test(line.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '')) : /\/\/|^\s*\*|\/\*/.test(line.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, ''))) return true;
  const quotes = line.replace(/\\./g, '').match(/["'`]/g)?.length ?? 0;
  return quotes % 2 === 1;
}

export async function readText(fs: WorkspaceFs, uri: string): Promise<string | undefined> {
  try {
    const bytes = await fs.readFile(uri);
    return looksBinary(bytes) ? undefined : new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/**
 * Method names of the languages' built-in types and common library objects: a call `x.push(` is
 * not a local API call even when the repository happens to define a `push` somewhere.
 */
function builtinMemberNames(): Set<string> {
  const names = new Set<string>();
  const protos: unknown[] = [Object.prototype, Array.prototype, String.prototype, Number.prototype, Map.prototype, Set.prototype, WeakMap.prototype, Promise.prototype, RegExp.prototype, Date.prototype, Function.prototype, Uint8Array.prototype, Object.getPrototypeOf(Uint8Array.prototype), Error.prototype];
  const statics: unknown[] = [Object, Array, String, Number, Math, JSON, Promise, Reflect, Date, Symbol, BigInt, Atomics, console, performance, globalThis];
  for (const p of [...protos, ...statics]) for (const n of Object.getOwnPropertyNames(p)) names.add(n);
  for (const n of [
    // Python str / bytes / list / dict / set / file / int methods, logging, re matches, asyncio, unittest.
    'append', 'extend', 'insert', 'remove', 'pop', 'clear', 'copy', 'count', 'index', 'reverse', 'sort', 'keys', 'values', 'items', 'get', 'setdefault', 'update', 'popitem', 'fromkeys', 'add', 'discard', 'union', 'intersection', 'difference', 'issubset', 'issuperset',
    'join', 'split', 'rsplit', 'splitlines', 'strip', 'lstrip', 'rstrip', 'startswith', 'endswith', 'find', 'rfind', 'replace', 'lower', 'upper', 'title', 'capitalize', 'format', 'format_map', 'encode', 'decode', 'isdigit', 'isalpha', 'isalnum', 'isspace', 'isupper', 'islower', 'zfill', 'partition', 'rpartition', 'casefold', 'expandtabs', 'center', 'ljust', 'rjust', 'translate', 'maketrans', 'hex', 'fromhex',
    'read', 'readline', 'readlines', 'write', 'writelines', 'close', 'flush', 'seek', 'tell', 'fileno',
    'info', 'debug', 'warning', 'warn', 'error', 'exception', 'critical', 'log', 'group', 'groups', 'groupdict', 'start', 'end', 'span', 'match', 'search', 'sub', 'findall', 'finditer', 'fullmatch',
    'assertEqual', 'assertTrue', 'assertFalse', 'assertIn', 'assertRaises', 'assertIsNone', 'assertIsNotNone', 'to_bytes', 'from_bytes', 'bit_length',
  ])
    names.add(n);
  return names;
}

const memberKinds = new Set(['method', 'function', 'attribute', 'constant', 'variable', 'class']);

export const builtins = builtinMemberNames();
const globalReceivers = new Set(['console', 'Math', 'JSON', 'Object', 'Array', 'Promise', 'Reflect', 'Number', 'String', 'Date', 'process', 'performance', 'globalThis', 'window', 'document', 'Buffer', 'os', 'sys', 're', 'json', 'math', 'str', 'dict', 'list', 'set', 'int', 'super']);

/** Local names a file imports from outside the repository (their members are not local APIs). */
function externalNames(index: ProjectIndex, uri: string): Set<string> {
  const out = new Set<string>();
  const record = index.file(uri)!;
  for (const imp of record.imports) {
    if (imp.form === 'export-from') continue;
    if (index.resolveImport(uri, imp.module)) continue;
    // `from . import x` where x is a submodule resolves through the package; only unresolvable modules count.
    for (const [, local] of imp.names) if (local) out.add(local);
  }
  return out;
}

type Verdicts = Pick<CheckerReport, 'verified' | 'rejected' | 'unresolved' | 'sameFile' | 'unchecked' | 'missedByName'>;

async function callCases(index: ProjectIndex, fs: WorkspaceFs, oracle?: TsOracle): Promise<{ cases: CallCase[]; texts: Map<string, string>; verdicts: Verdicts }> {
  const cases: CallCase[] = [];
  const verdicts: Verdicts = { verified: 0, rejected: 0, unresolved: 0, sameFile: 0, unchecked: 0, missedByName: { builtinName: 0, outsideReceiver: 0, notIndexed: 0 } };
  const texts = new Map<string, string>();
  for (const uri of index.fileUris().sort()) {
    const record = index.file(uri)!;
    const text = await readText(fs, uri);
    if (!text) continue;
    texts.set(uri, text);
    const own = new Set(record.symbols.map((s) => s.name));
    const external = externalNames(index, uri);
    const checked = oracle && record.language !== 'python';
    const hidden = commentOrStringTest(text, record.language === 'python');
    for (const m of text.matchAll(/([A-Za-z_$][\w$]*|\))(\s*\.\s*)([A-Za-z_$][\w$]*)\s*\(/g)) {
      const member = m[3]!;
      if (own.has(member) || member === 'constructor' || /^__\w+__$/.test(member)) continue;
      const dot = m.index! + m[1]!.length + m[2]!.length;
      // The dot itself, not the member after it: a comment's sentence ending in a period above a
      // bare call (`// … the dispose call.` then `clearObserving(this)`) is no `recv.member(`.
      if (hidden(m.index! + m[1]!.length + m[2]!.indexOf('.'))) continue;
      if (hidden(dot)) continue;
      // A chain starting at an outside name (`z.string().`, `os.path.`) is no local receiver either.
      const head = parseReceiver(text, dot)?.chain[0]?.name;
      const outside = external.has(m[1]!) || globalReceivers.has(m[1]!) || (!!head && (external.has(head) || globalReceivers.has(head)));
      const indexed = index.symbolsNamed(member).some((r) => r.uri !== uri && memberKinds.has(r.symbol.kind));
      const byName = !builtins.has(member) && !outside && indexed;
      if (!checked) {
        if (!byName) continue;
        if (oracle) verdicts.unchecked++;
        cases.push({ uri, dot, member });
        continue;
      }
      const verdict = oracle.verdict(uri, dot);
      const local = verdict.state === 'local' && verdict.target.file !== uri;
      if (!byName) {
        // A true local call the name filters leave out: counted, never a case (the protocol stays comparable).
        if (local) verdicts.missedByName[builtins.has(member) ? 'builtinName' : outside ? 'outsideReceiver' : 'notIndexed']++;
        continue;
      }
      if (local) {
        verdicts.verified++;
        cases.push({ uri, dot, member, trueTarget: verdict.target });
      } else if (verdict.state === 'local') verdicts.sameFile++;
      else if (verdict.state === 'external') verdicts.rejected++;
      else verdicts.unresolved++;
    }
  }
  return { cases, texts, verdicts };
}

/** A class and its ancestors (bases as written, resolved from each class's file), nearest first. */
function lineage(index: ProjectIndex, uri: string, name: string): Array<{ uri: string; name: string }> {
  const out = [{ uri, name }];
  const seen = new Set([`${uri}#${name}`]);
  for (let i = 0; i < out.length && out.length < 32; i++) {
    const cls = out[i]!;
    for (const base of index.file(cls.uri)?.bases?.[cls.name] ?? []) {
      const t = index.resolveType(cls.uri, base);
      if (t.kind !== 'class' || seen.has(`${t.uri}#${t.name}`)) continue;
      seen.add(`${t.uri}#${t.name}`);
      out.push({ uri: t.uri, name: t.name });
    }
  }
  return out;
}

/**
 * Whether a resolved receiver leads to the checker's declaration of the member: the declaring
 * class, interface or module itself, a class that inherits the member from it or implements it,
 * or a module that re-exports it — in any build of the declaring module (`src/v3/types.ts` and
 * `v3/types.d.cts` are one API: `apiOf`, the search's identity of a symbol across copies).
 */
export function resolverAgrees(index: ProjectIndex, target: ApiTarget | undefined, member: string, truth: TrueTarget, apiOf: (ref: SymbolRef) => string): boolean {
  if (!target || target.kind === 'unknown') return false;
  const probe = { name: member, kind: 'method', container: '', exported: true, line: 0, character: 0 } as const;
  const keyOf = (uri: string, container: string) => apiOf({ uri, symbol: { ...probe, container } });
  const truthKey = keyOf(truth.file, truth.kind === 'module' ? '' : truth.name);
  if (target.kind === 'class') return lineage(index, target.uri, target.name).some((c) => keyOf(c.uri, c.name) === truthKey);
  const exported = index.exportsOf(target.uri).get(member);
  return keyOf(target.uri, '') === truthKey || (exported?.kind === 'symbol' && keyOf(exported.ref.uri, exported.ref.symbol.container) === truthKey);
}

/** A resolved receiver in words, for the case dump: `class Foo`, `instance of Foo`, `module a/b.py`. */
function describeTarget(target: ApiTarget | undefined): string {
  if (!target || target.kind === 'unknown') return 'unknown';
  if (target.kind === 'module') return `module ${target.uri.split('/').slice(-2).join('/')}`;
  return `${target.instance ? 'instance of ' : 'class '}${target.name}`;
}

export async function evaluateApi(fs: WorkspaceFs, root: string, syntax: SyntaxService, options: ApiEvalOptions = {}): Promise<ApiEvalReport> {
  const built = await buildIndex(fs, root, syntax, { ...(options.signal ? { signal: options.signal } : {}), onProgress: (d, t) => options.onProgress?.('index', d, t) });
  const index = built.index;
  const indexBytes = new TextEncoder().encode(index.serialize()).length;

  // ---- token completion ----
  const oracle = options.checker ? createTsOracle(root, index.fileUris().filter((u) => index.file(u)!.language !== 'python')) : undefined;
  const apiSearch = oracle ? new ApiSearch(index) : undefined;
  const { cases: all, texts, verdicts } = await callCases(index, fs, oracle);
  const cases = spread(all, options.limit ?? 500);
  let verifiedScored = 0;
  let agreed = 0;
  let at1 = 0;
  let at5 = 0;
  let rr = 0;
  const groups = new Map<ResolvedBy, { cases: number; hits: number }>();
  const t0 = performance.now();
  let version = 1;
  for (const [n, c] of cases.entries()) {
    throwIfAborted(options.signal);
    const original = index.file(c.uri)!;
    const text = texts.get(c.uri)!.slice(0, c.dot + Math.min(options.typed ?? 0, c.member.length));
    const language = indexLanguageOf(c.uri)!;
    const doc = { uri: c.uri, version: version++, text, languageId: language === 'tsx' ? 'typescriptreact' : language };
    const declarations = await syntax.declarations(doc);
    const imports = await syntax.imports(doc);
    const live = recordOf({ uri: c.uri, text, size: original.size, mtime: original.mtime }, language, declarations, imports);
    const completion = index.withOverlay(live, () => completeMembers(index, { uri: c.uri, text, offset: text.length, declarations }, { fallbackToAll: true }));
    let items = completion?.items ?? [];
    if (options.nameScorer && items.length > 1) items = await addModelScores(items, text.slice(-1500), options.nameScorer, 24, options.signal);
    const ranked = { items, by: completion?.resolvedBy ?? 'none' };
    const rank = ranked.items.findIndex((i) => i.label === c.member) + 1;
    if (rank === 1) at1++;
    if (rank >= 1 && rank <= 5) at5++;
    if (rank >= 1) rr += 1 / rank;
    const g = groups.get(ranked.by) ?? { cases: 0, hits: 0 };
    g.cases++;
    if (rank === 1) g.hits++;
    groups.set(ranked.by, g);
    const agrees = c.trueTarget ? resolverAgrees(index, completion?.target, c.member, c.trueTarget, (ref) => apiSearch!.apiOf(ref)) : undefined;
    if (c.trueTarget) verifiedScored++;
    if (agrees) agreed++;
    if (options.onCase) {
      const shown = (i: RankedMember): CaseCandidate => ({ label: i.label, base: i.parts.kind + i.parts.prefix + i.parts.model, prefix: i.parts.prefix, resolved: !!i.resolved, features: i.features });
      const n = options.caseCandidates ?? 0;
      const candidates = n ? [...ranked.items.slice(0, n), ...(rank > n ? [ranked.items[rank - 1]!] : [])].map(shown) : undefined;
      options.onCase({ uri: c.uri, line: text.split('\n').length, member: c.member, receiver: completion?.receiver ?? '', by: ranked.by, target: describeTarget(completion?.target), rank, top: ranked.items.slice(0, 5).map((i) => i.label), ...(candidates ? { candidates } : {}), ...(c.trueTarget ? { trueTarget: describeTrueTarget(c.trueTarget, root), agrees: !!agrees } : {}) });
    }
    options.onProgress?.('token', n + 1, cases.length);
  }
  for (const uri of new Set(cases.map((c) => c.uri))) syntax.close(uri);
  const caseMs = cases.length ? (performance.now() - t0) / cases.length : 0;

  // ---- conversational ----
  const conv = await evaluateConversational(index, options);

  const ratio = (a: number, b: number) => (b ? a / b : 0);
  return {
    files: index.stats().files,
    symbols: index.stats().symbols,
    indexMs: built.ms,
    indexBytes,
    cases: cases.length,
    accuracyAt1: ratio(at1, cases.length),
    accuracyAt5: ratio(at5, cases.length),
    mrr: ratio(rr, cases.length),
    byResolution: Object.fromEntries([...groups].map(([k, g]) => [k, { cases: g.cases, accuracyAt1: ratio(g.hits, g.cases) }])),
    ...conv,
    model: { members: !!options.nameScorer, conversational: !!options.queryScorer },
    caseMs,
    ...(oracle ? { checker: { ...verdicts, scoredVerified: verifiedScored, buildMs: oracle.buildMs, programFiles: oracle.programFiles, ...(oracle.tsconfig ? { tsconfig: oracle.tsconfig } : {}) }, resolverAgreement: ratio(agreed, verifiedScored) } : {}),
  };
}

export interface ConversationalReport {
  /** Cases whose query describes behaviour (`nonQueryRule` drops the others). */
  convCases: number;
  convAccuracyAt1: number;
  convAccuracyAt5: number;
  /** Every case, the dropped ones included (the earlier protocol). */
  convAll: { cases: number; accuracyAt1: number; accuracyAt5: number };
  /** Cases dropped, by rule. */
  convDropped: Record<keyof typeof nonQueryRules, number>;
  /** Kept cases whose query is also verbatim the first sentence of another API's doc (kept: reported only). */
  convSharedQueries: number;
  /**
   * Kept cases whose top 5 holds the target or another API of its name (the base method it
   * overrides, an interface's, a twin in another dialect's module): reported only, never counted
   * in `convAccuracyAt5`.
   */
  convNameAt5: number;
}

/**
 * First sentences that do not say what the symbol does, so no user would type them as a request
 * (rules fixed before measuring their effect): a pointer to another API ("Alias of `.gte()`",
 * "Same as …", "See …", "Overload of …", "Deprecated …", "Use … instead"), and text that is not
 * prose (comment banners, tool pragmas, code, fewer than three words).
 */
export const nonQueryRules = {
  reference: /^(an? )?(alias|synonym|shorthand|shortcut)\b|^(same as|equivalent to|identical to|see|overload|deprecated)\b|^(use|consider|prefer)\b.*\binstead\b/i,
  nonProse: /\/{4,}|^\W*(biome-ignore|eslint|prettier-ignore|@ts-|noqa|type:\s*ignore|pylint:)|^(type|const|let|var|import|export|def|class|function)\s+[\w$]+\s*[=(:<]/i,
};

/** Which rule makes a first sentence no query, if any. */
export function nonQueryRule(query: string): keyof typeof nonQueryRules | undefined {
  const words = query.match(/[A-Za-z]{2,}/g) ?? [];
  if (words.length < 3) return 'nonProse';
  if (nonQueryRules.reference.test(query.trim())) return 'reference';
  if (nonQueryRules.nonProse.test(query.trim())) return 'nonProse';
  return undefined;
}

/** A conversational case: a documented symbol and the first sentence of its doc as the query. */
export interface ConversationalCase {
  ref: SymbolRef;
  query: string;
}

/**
 * The conversational cases of an index: documented functions / methods / classes the search can
 * return, one per API (a symbol declared in several builds of its module is one case: its copies'
 * docs are left out with its own, and finding any copy finds it), spread to `limit`.
 */
export function conversationalCases(index: ProjectIndex, search: ApiSearch, limit = 500): ConversationalCase[] {
  const documented: ConversationalCase[] = [];
  const apis = new Set<string>();
  for (const r of index.allSymbols()) {
    // Only symbols the search can return (not constructors: their doc speaks for the class), and never a test (an API no one calls).
    if (!((r.symbol.kind === 'function' || r.symbol.kind === 'method' || r.symbol.kind === 'class') && r.symbol.doc && search.has(r)) || isTestFile(r.uri, index.root)) continue;
    const query = firstSentence(r.symbol.doc);
    if (query.split(/\s+/).length < 3 || apis.has(search.apiOf(r))) continue;
    apis.add(search.apiOf(r));
    documented.push({ ref: r, query });
  }
  return spread(documented, limit);
}

/** The 1-based rank of a case's target (or a copy of it) among the hits, 0 when absent. */
export function rankOf(search: ApiSearch, hits: readonly SearchHit[], target: SymbolRef): number {
  const api = search.apiOf(target);
  return hits.findIndex((h) => search.apiOf(h.ref) === api) + 1;
}

/**
 * The conversational half: every documented function / method / class is a case, its query the
 * first sentence of its doc comment, the target scored without its own doc text. Accuracy over the
 * cases whose query describes behaviour, and over all.
 */
export async function evaluateConversational(index: ProjectIndex, options: Pick<ApiEvalOptions, 'convLimit' | 'queryScorer' | 'searchRerank' | 'signal' | 'onProgress' | 'onConvCase'> = {}): Promise<ConversationalReport> {
  const search = new ApiSearch(index);
  const conv = conversationalCases(index, search, options.convLimit ?? 500);
  const apisBySentence = new Map<string, Set<string>>();
  for (const r of index.allSymbols()) {
    if (!r.symbol.doc || !search.has(r)) continue;
    const sentence = firstSentence(r.symbol.doc);
    const apis = apisBySentence.get(sentence) ?? new Set<string>();
    apisBySentence.set(sentence, apis.add(search.apiOf(r)));
  }
  const all = { cases: 0, at1: 0, at5: 0 };
  const kept = { cases: 0, at1: 0, at5: 0 };
  const dropped: Record<keyof typeof nonQueryRules, number> = { reference: 0, nonProse: 0 };
  let shared = 0;
  let nameAt5 = 0;
  for (const [n, c] of conv.entries()) {
    throwIfAborted(options.signal);
    let hits = search.search(c.query, { limit: 20, excludeDocOf: c.ref, ...(options.searchRerank === false ? { rerank: false } : {}) });
    if (options.queryScorer) hits = await rerankHits(hits, c.query, options.queryScorer, options.signal);
    const rank = rankOf(search, hits, c.ref);
    const rule = nonQueryRule(c.query);
    for (const tally of rule ? [all] : [all, kept]) {
      tally.cases++;
      if (rank === 1) tally.at1++;
      if (rank >= 1 && rank <= 5) tally.at5++;
    }
    if (rule) dropped[rule]++;
    else {
      if ((apisBySentence.get(c.query)?.size ?? 0) > 1) shared++;
      if ((rank >= 1 && rank <= 5) || hits.slice(0, 5).some((h) => h.ref.symbol.name === c.ref.symbol.name)) nameAt5++;
    }
    options.onConvCase?.({ name: `${c.ref.symbol.container ? c.ref.symbol.container + '.' : ''}${c.ref.symbol.name}`, query: c.query, rank, top: hits.slice(0, 5).map((h) => h.ref.symbol.name) });
    options.onProgress?.('conversational', n + 1, conv.length);
  }
  const ratio = (a: number, b: number) => (b ? a / b : 0);
  return {
    convCases: kept.cases,
    convAccuracyAt1: ratio(kept.at1, kept.cases),
    convAccuracyAt5: ratio(kept.at5, kept.cases),
    convAll: { cases: all.cases, accuracyAt1: ratio(all.at1, all.cases), accuracyAt5: ratio(all.at5, all.cases) },
    convDropped: dropped,
    convSharedQueries: shared,
    convNameAt5: ratio(nameAt5, kept.cases),
  };
}
