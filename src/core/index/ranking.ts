/**
 * Ranking of a receiver's member candidates: typed prefix, kind, own over inherited, similarity
 * of the code before the cursor to the code around the member's other uses in the project, and
 * (when given) the model's likelihood of the name.
 */
import type { ProjectIndex } from './projectIndex';
import type { ApiSymbol, SymbolRef } from './types';
import { dice, escapeRegex, isPrivateName, nthLineBefore, splitIdentifier, wordsOf } from './words';
import type { MemberCandidate, ParsedReceiver, ReceiverResolution } from './receivers';
import { indexLanguageOf } from './extract';
import rankingTrees from './rankingTrees.json';
export interface RankedMember extends MemberCandidate {
  score: number;
  /** The weighted parts of the score (kind, resolved, usage, trees, model, prefix); `features` are the raw values behind `usage` and `trees`, for inspection and tuning. */
  parts: { kind: number; resolved: number; usage: number; trees: number; model: number; prefix: number };
  features: RankFeatures;
}

export interface RankContext {
  prefix: string;
  /** Code just before the receiver (a few lines): compared with the code around the member's other uses. */
  contextText: string;
  receiver: ParsedReceiver;
  resolution: ReceiverResolution;
  /** The file whose own usages are left out of the usage similarity (the current file). */
  uri: string;
  /** The live file's text before the receiver: the members it already used (and where). */
  fileText?: string;
  /** Name of the function or method the cursor is in (delegation: `def validate_x(…): return self.v.validate_x(`). */
  enclosingFunction?: string;
}

/**
 * Raw ranking features of one candidate (each about 0..1, log counts a little above); the score
 * is `kind + resolved + prefix + Σ rankWeights[f] · feature`.
 */
export interface RankFeatures {
  /** Best and mean Dice similarity of the code before the cursor to the code around the member's uses in other files. */
  similarBest: number;
  similarMean: number;
  /** Best Dice similarity of the code before the cursor to the code around the member's calls earlier in this file. */
  fileSimilar: number;
  /** log(1 + calls of the member in other files). */
  popularity: number;
  /** Share (capped at 1 from 3 up) of those calls made on a receiver named like this one. */
  receiverUsage: number;
  /** The member name's words echoed by the line before the receiver (`tokens = service.` → `tokens`). */
  echo: number;
  /** The member name's words in the lines before. */
  context: number;
  /** Calls of the member on receivers of this name in the project (log, normalized to the most called). */
  sameReceiver: number;
  /** log(1 + uses of the member earlier in this file, on any receiver). */
  fileUse: number;
  /** log(1 + uses of the member earlier in this file on a receiver of the same name). */
  fileReceiver: number;
  /** Nearness of the last such use (1 on the line before, → 0 far above). */
  fileRecent: number;
  /** log(1 + calls `recv.member(` earlier in this file on a receiver of the same name). */
  fileReceiverCalls: number;
  /** The member name's words in the enclosing function's name. */
  enclosing: number;
  /** A predicate by name (`is_x`, `hasY`) where a condition is written (`if recv.`, `!recv.`): 1; elsewhere -1; else 0. */
  predicate: number;
  /** The same for a member declared to return a boolean (`withdraw(…) -> bool` is also an action: apart from `predicate`). */
  boolReturn: number;
  /** A class member inherited (or a mixin partner's) rather than the class's own: 1 (a module's re-exports are left to `kind`). */
  inherited: number;
  /** A private name (`_x`, `#x`) seen from outside its class: 1. */
  private: number;
  /** A data member (attribute, variable, constant) rather than a function: 1. */
  data: number;
  /** Share of the assigned name's words (`resolution_strategy = config.`, `key=recv.`, `key: recv.`) in the member name. */
  assigned: number;
  /** Right after `await`: 1 for a member that returns a promise or coroutine, -1 for one that does not; else 0. */
  awaited: number;
  /** A member that returns a promise or coroutine, not awaited here: 1. */
  unawaitedAsync: number;
  /** Best similarity of the member name's words to the members used on this receiver in the last lines (`getGlobalPrefix`, `getRouteConflictPolicy` → `getRouteResolutionStrategy`). */
  nearShape: number;
  /** Share of the member's parameters named like an identifier of the last lines (`key = …` above `cache.get(key)`). */
  paramEcho: number;
  /** Dice similarity of the member's doc words to the code just before. */
  docEcho: number;
  /** Nearness of the member's definition to those of the members just used on the receiver (APIs defined together are used together). */
  defNear: number;
  /** Share of the calls made elsewhere right after the member last called on this receiver that call this one (an API call bigram: `open` → `read`). */
  transition: number;
  /** The same, best over every member called on this receiver in the last lines (not only the last one). */
  transitionAny: number;
  /** How much the other files calling the member call what this file calls before the cursor (`ProjectIndex.coUsage`). */
  coUsage: number;
  /** The mean of that share over those files. */
  coUsageMean: number;
  /** A member declared to return nothing (`-> None`, `: void`) whose result the code uses (`x = recv.`, an argument): 1. */
  voidUsed: number;
  /** A member declared to return something, called where its result is dropped (the call opens a statement): 1. */
  valueDropped: number;
  /** A member declared to return nothing, called where the call opens a statement: 1. */
  voidDropped: number;
  // The candidate's shape, read by the trees only (no linear weight): what a feature above means can depend on it.
  /** log(1 + parameters, `self`/`this` left out). */
  paramCount: number;
  /** Words in the name. */
  nameWords: number;
  /** A function or method: 1. */
  callable: number;
  /** Documented: 1. */
  documented: number;
  /** Declared static / a class method: 1. */
  isStatic: number;
  /** Declared in the file being edited: 1. */
  sameFile: number;
  /** log(1 + candidates of this completion): how crowded the choice is. */
  crowd: number;
  /** The call opens a statement, its result dropped (the same for every candidate of a completion): 1. */
  statement: number;
}

/**
 * The ranking's weights, fitted as one conditional-logit model (a softmax over each case's
 * candidates, the kind score's weight held at 1) on the case dumps of the 41 dev repositories
 * with cases and 30 training-only ones from the shipped model's training corpus
 * (`eval api --cases f --case-candidates 60`; script, lists and figures: models/member-ranking/).
 * Held out in 4 groups of 26 dev repositories (the 15 added in rounds 6 and 7 and the corpus ones
 * always in training), accuracy@1 / @5 over their 4,246 cases, linear + the boosted trees
 * (`memberTrees`, 300 of them, which re-order the first 20): 52.8 / 81.7 %, against 52.7 /
 * 77.6 re-ordering the first five (round 9) and 52.2 / 77.8 without the corpus repositories.
 * No test repository was used to fit them.
 */
export const rankWeights = {
  similarBest: 2.08, similarMean: 1.08, fileSimilar: 1.53, popularity: 0.05, receiverUsage: 0.63, echo: 0.68, context: 0.96, sameReceiver: 1.08,
  fileUse: 0.02, fileReceiver: 0.31, fileRecent: 0.07, fileReceiverCalls: 0.5, enclosing: 0.99, predicate: 0.89, boolReturn: 0.2, inherited: 0.57,
  private: -0.13, data: -0.46, assigned: 1.44, awaited: 0.37, unawaitedAsync: -0.27, nearShape: 0.44, paramEcho: 0.54, docEcho: 0.54, defNear: 0.8,
  transition: 1.63, transitionAny: 0.92, voidUsed: -1.06, valueDropped: -0.19, voidDropped: 0.93, coUsage: 0.73, coUsageMean: 0.26,
  model: 0.6,
  // A typed prefix the name starts with (as typed, or in another case; a later word starting with it scores 0): fitted apart with `eval api --typed 1` dumps, the other weights held (dev acc@1 pooled 69.4 → 72.5 % from the earlier 0.3 / 0.2).
  prefixExact: 3, prefixCaseless: 2.4,
  // A member of the receiver's class when the project-wide fallback is mixed in, by how the class was found (`resolved`, not fitted: no case mixes the fallback into a sure resolution).
  resolved: 1.65, resolvedByUsage: 1.65, resolvedBySimilarity: 0.56,
};


const featureNames = ['similarBest', 'similarMean', 'fileSimilar', 'popularity', 'receiverUsage', 'echo', 'context', 'sameReceiver', 'fileUse', 'fileReceiver', 'fileRecent', 'fileReceiverCalls', 'enclosing', 'predicate', 'boolReturn', 'inherited', 'private', 'data', 'assigned', 'awaited', 'unawaitedAsync', 'nearShape', 'paramEcho', 'docEcho', 'defNear', 'transition', 'transitionAny', 'voidUsed', 'valueDropped', 'voidDropped', 'coUsage', 'coUsageMean'] as const satisfies ReadonlyArray<keyof RankFeatures>;

const shapeNames = ['paramCount', 'nameWords', 'callable', 'documented', 'isStatic', 'sameFile', 'crowd', 'statement'] as const satisfies ReadonlyArray<keyof RankFeatures>;

/** Plural and verb endings off (`errors` ~ `error`, `parsed` ~ `parse`). */
function stemWord(w: string): string {
  return w.length > 4 ? w.replace(/(?:ies|es|s|ed|ing)$/, '') : w;
}

function kindScore(s: ApiSymbol, resolution: ReceiverResolution, inherited: boolean, label: string): number {
  const onModule = resolution.target.kind === 'module';
  let v = s.kind === 'method' || s.kind === 'function' ? 0.3 : s.kind === 'attribute' || s.kind === 'variable' || s.kind === 'constant' ? 0.15 : onModule && s.kind === 'class' ? 0.25 : 0.1;
  if (inherited) v -= onModule ? 0.25 : 0.08;
  const selfLike = resolution.by === 'self';
  if (isPrivateName(label)) v -= selfLike ? 0.05 : 0.4;
  if (resolution.target.kind === 'class') {
    if (!resolution.target.instance && s.static) v += 0.2;
    if (resolution.target.instance && s.static) v -= 0.1;
  }
  if (s.kind === 'module') v = inherited ? 0 : 0.12;
  return v;
}

/** Member accesses in a file's text: per member, how often, how often on a receiver named `receiver`, and the line of the last such access. */
function fileAccesses(text: string, receiver: string): Map<string, { uses: number; onReceiver: number; callsOnReceiver: number; lastLine: number }> {
  const out = new Map<string, { uses: number; onReceiver: number; callsOnReceiver: number; lastLine: number }>();
  let line = 0;
  let counted = 0;
  for (const m of text.matchAll(/([A-Za-z_$][\w$]*|\))\s*\.\s*([A-Za-z_$][\w$]*)(\s*\()?/g)) {
    for (let i = text.indexOf('\n', counted); i >= 0 && i < m.index!; i = text.indexOf('\n', i + 1)) line++, (counted = i + 1);
    const e = out.get(m[2]!) ?? { uses: 0, onReceiver: 0, callsOnReceiver: 0, lastLine: -1 };
    e.uses++;
    if (m[1] === receiver) {
      e.onReceiver++;
      if (m[3]) e.callsOnReceiver++;
      e.lastLine = line;
    }
    out.set(m[2]!, e);
  }
  return out;
}

const dataKinds = new Set(['attribute', 'variable', 'constant']);

/** A member named as a yes-or-no question: `is_x`, `hasY`, `canZ`. */
function isPredicateName(name: string): boolean {
  return /^_*(?:is|has|can|should|supports|needs|was|will|contains|exists|matches|allows|uses)(?:[A-Z_]|$)/.test(name);
}

/** What a member is declared to return: nothing (`-> None`, `: void`, `Promise<void>`), something (another written type, or a class read from its body), or not known. */
function declaredResult(s: ApiSymbol): 'void' | 'value' | undefined {
  const written = (s.returnType ?? '').replace(/\s+/g, '');
  if (written) return /^(?:void|None|undefined|never|(?:Promise|PromiseLike|Awaitable)<(?:void|undefined)>|(?:Coroutine|Awaitable)\[.*None\])$/.test(written) ? 'void' : 'value';
  return s.returns || s.returnsMember ? 'value' : s.returnsNothing ? 'void' : undefined;
}

/**
 * Whether the code before a receiver (up to it, the file's text) makes the call open a statement,
 * its result dropped: nothing but indentation or `await` on the line, after a line that ends a
 * statement (not `(`, `,`, `=`, an operator or a backslash, which carry an expression on).
 */
function opensStatement(textBefore: string): boolean {
  const lineStart = textBefore.lastIndexOf('\n') + 1;
  const line = textBefore.slice(lineStart);
  if (/[;{}]\s*(?:await\s+)?$/.test(line)) return true;
  if (!/^\s*(?:await\s+)?$/.test(line)) return false;
  // The last character of the code above, a trailing comment left out.
  const above = /(\S)[^\S\n]*(?:(?:#|\/\/)[^\n]*)?\n\s*$/.exec(textBefore.slice(Math.max(0, lineStart - 400), lineStart));
  return !above || !/[(\[,=+\-*/%&|^<>!?.\\]/.test(above[1]!);
}

function returnsBoolean(s: ApiSymbol): boolean {
  return /^(?:bool|boolean)$/.test((s.returnType ?? '').trim());
}

/** An identifier's words, stemmed, one-letter ones left out. */
function namedWords(name: string | undefined): string[] {
  return name ? splitIdentifier(name).filter((w) => w.length > 1).map(stemWord) : [];
}

/** The name a line assigns or passes by keyword just before the receiver: `x = `, `const x: T = `, `self.x = `, `key=`, `key: `. */
function assignedName(lineBefore: string): string | undefined {
  const m = /([A-Za-z_$][\w$]*)\s*(?::[^=:(){}]*)?(?<![=!<>+\-*/%&|^])=\s*(?:await\s+|yield\s+)?\(?\s*$/.exec(lineBefore) ?? /([A-Za-z_$][\w$]*)\s*:\s*(?:await\s+)?$/.exec(lineBefore);
  return m?.[1];
}

/** Share of `want` words that `have` has (a word also matches a longer or shorter form of itself, `config` ~ `configuration`, and ends a run-together name, `group` ~ `getgroup`). */
function coveredShare(want: readonly string[], have: readonly string[]): number {
  let hit = 0;
  for (const w of want) if (have.some((h) => h === w || (w.length >= 3 && h.length >= 3 && (h.startsWith(w) || w.startsWith(h))) || (w.length >= 4 && h.endsWith(w)))) hit++;
  return want.length ? hit / want.length : 0;
}

const docWords = new WeakMap<ApiSymbol, ReadonlySet<string>>();

/** The words of the start of a symbol's doc (computed once per symbol: the fallback list ranks every member of the project). */
function docWordsOf(s: ApiSymbol): ReadonlySet<string> {
  let words = docWords.get(s);
  if (!words) docWords.set(s, (words = new Set(wordsOf((s.doc ?? '').slice(0, 300)))));
  return words;
}

/** A parameter's name as written in a signature (`*args`, `key: str = ''`, `{ a, b }: T` → none). */
function parameterName(param: string): string | undefined {
  return /^\s*(?:\.\.\.|\*{1,2})?([A-Za-z_$][\w$]*)/.exec(param)?.[1];
}

/** A function that returns a promise or coroutine (`async`, `Promise<…>`, `Awaitable`). */
function returnsPromise(s: ApiSymbol): boolean {
  return /^(?:async\b|[^(]*\basync\s)/.test(s.signature ?? '') || /\b(?:Promise|PromiseLike|Awaitable|Coroutine|Thenable)\b/.test(s.returnType ?? '');
}

/** Members accessed on a receiver of this name in the last `lines` lines of a text. */
function recentMembers(text: string, receiver: string | undefined, lines: number): Set<string> {
  const out = new Set<string>();
  if (!receiver) return out;
  const tail = text.slice(nthLineBefore(text, text.length, lines));
  for (const m of tail.matchAll(new RegExp(`(?<![\\w$])${escapeRegex(receiver)}\\s*\\.\\s*([A-Za-z_$][\\w$]*)`, 'g'))) out.add(m[1]!);
  return out;
}

/** Share of a name's words found in a word set. */
function wordShare(label: string, words: ReadonlySet<string>): number {
  if (!words.size) return 0;
  const nameWords = splitIdentifier(label).filter((w) => w.length > 1).map(stemWord);
  let hit = 0;
  for (const w of nameWords) if (words.has(w)) hit++;
  return nameWords.length ? hit / nameWords.length : 0;
}

/** Members called on a receiver of this name in the last `lines` lines of a text, in order. */
function recentCalls(text: string, receiver: string | undefined, lines: number): string[] {
  if (!receiver) return [];
  const tail = text.slice(nthLineBefore(text, text.length, lines));
  return [...tail.matchAll(new RegExp(`(?<![\\w$])${escapeRegex(receiver)}\\s*\\.\\s*([A-Za-z_$][\\w$]*)\\s*\\(`, 'g'))].map((m) => m[1]!);
}

/** Higher score first, then by label (a stable order for ties). */
function byScore(a: RankedMember, b: RankedMember): number {
  return b.score - a.score || (a.label < b.label ? -1 : 1);
}

/** Ranks candidates by prefix, kind and usage similarity (the model's likelihood is added by `addModelScores`). */
export function rankMembers(index: ProjectIndex, candidates: readonly MemberCandidate[], ctx: RankContext): RankedMember[] {
  const p = ctx.prefix.toLowerCase();
  const contextWords = new Set(wordsOf(ctx.contextText));

  const last = ctx.receiver.chain[ctx.receiver.chain.length - 1];
  const receiverWords = new Set(last ? wordsOf(last.name) : []);
  const lineStart = ctx.contextText.lastIndexOf('\n') + 1;
  const lineWords = new Set(wordsOf(ctx.contextText.slice(lineStart).replace(/[\w$.]*$/, '')).map(stemWord));
  // Words of the code before the receiver (a few lines), for the member name's similarity to its surroundings.
  const nearWords = new Set(wordsOf(ctx.contextText.replace(/[\w$.]*$/, '')).map(stemWord));
  const enclosingWords = new Set(ctx.enclosingFunction ? splitIdentifier(ctx.enclosingFunction).filter((w) => w.length > 1).map(stemWord) : []);
  // How often each member is called on a receiver of this name elsewhere (usage frequency on the same receiver).
  const onReceiver = last && !last.call && ctx.resolution.target.kind !== 'module' ? index.membersCalledOn(wordsOf(last.name).join(' '), ctx.uri) : new Map<string, number>();
  const maxOnReceiver = Math.max(1, ...onReceiver.values());
  const fileText = ctx.fileText ?? '';
  const inFile = fileAccesses(fileText, last && !last.call ? last.name : ')');
  const fileLines = fileText.split('\n').length - 1;
  // The calls this file makes (the live text's record when the editor or the evaluation gives one), with their contexts.
  const liveUsages = new Map<string, Array<ReadonlySet<string>>>();
  if (contextWords.size) for (const [member, words] of index.file(ctx.uri)?.usages ?? []) (liveUsages.get(member) ?? liveUsages.set(member, []).get(member)!).push(new Set(words.split(' ')));
  const lineBefore = fileText.slice(fileText.lastIndexOf('\n') + 1);
  const inCondition = /(?:\b(?:if|elif|while|not|and|or|assert)|!|&&|\|\||\?)\s*\(?\s*$/.test(lineBefore);
  const assignedWords = namedWords(assignedName(lineBefore.slice(-240)));
  const inAwait = /\bawait\s*\(?\s*$/.test(lineBefore);
  const statement = opensStatement(fileText);
  const nearMembers = recentMembers(fileText, last && !last.call ? last.name : undefined, 12);
  // The API call bigram: what other code calls after the members just called on this receiver.
  const calledHere = recentCalls(fileText, last && !last.call ? last.name : undefined, 20);
  const following = calledHere.length ? index.callsAfter(calledHere[calledHere.length - 1]!, ctx.uri) : undefined;
  const followingTotal = following ? [...following.values()].reduce((a, b) => a + b, 0) : 0;
  const followingAny = [...new Set(calledHere)].map((m) => {
    const next = index.callsAfter(m, ctx.uri);
    return { next, total: [...next.values()].reduce((a, b) => a + b, 0) };
  });
  // Co-usage: the rarity of each member this file calls, worked out once for all candidates.
  const calledInFile = index.callWeights(new Set((index.file(ctx.uri)?.usages ?? []).map((u) => u[0])));
  const recentIdentifiers = new Set(fileText.slice(nthLineBefore(fileText, fileText.length, 8)).match(/[A-Za-z_$][\w$]*/g) ?? []);
  // Where the members just used on the receiver are defined (the candidates' own records).
  const nearDefinitions: SymbolRef[] = [];
  if (nearMembers.size) for (const c of candidates) if (nearMembers.has(c.label)) nearDefinitions.push(c.ref);
  const out: RankedMember[] = [];
  const crowd = Math.log1p(candidates.length);
  for (const c of candidates) {
    const lower = c.label.toLowerCase();
    let prefix = 0;
    if (p) {
      if (c.label.startsWith(ctx.prefix)) prefix = rankWeights.prefixExact;
      else if (lower.startsWith(p)) prefix = rankWeights.prefixCaseless;
      else if (splitIdentifier(c.label).some((w) => w.startsWith(p))) prefix = 0;
      else continue;
    }
    const f: RankFeatures = { similarBest: 0, similarMean: 0, fileSimilar: 0, popularity: 0, receiverUsage: 0, echo: 0, context: 0, sameReceiver: 0, fileUse: 0, fileReceiver: 0, fileRecent: 0, fileReceiverCalls: 0, enclosing: 0, predicate: 0, boolReturn: 0, assigned: 0, awaited: 0, unawaitedAsync: 0, nearShape: 0, paramEcho: 0, docEcho: 0, defNear: 0, transition: 0, transitionAny: 0, coUsage: 0, coUsageMean: 0, paramCount: 0, nameWords: 0, callable: 0, documented: 0, isStatic: 0, sameFile: 0, crowd: 0, statement: statement ? 1 : 0, voidUsed: 0, valueDropped: 0, voidDropped: 0, inherited: c.inherited && ctx.resolution.target.kind === 'class' ? 1 : 0, private: 0, data: 0 };
    if (isPrivateName(c.label) && ctx.resolution.by !== 'self') f.private = 1;
    if (dataKinds.has(c.ref.symbol.kind)) f.data = 1;
    const params = (c.ref.symbol.params ?? []).map(parameterName).filter((n): n is string => !!n && !/^(?:self|cls|this)$/.test(n));
    f.paramCount = Math.log1p(params.length);
    f.nameWords = splitIdentifier(c.label).length;
    f.callable = c.ref.symbol.kind === 'function' || c.ref.symbol.kind === 'method' ? 1 : 0;
    f.documented = c.ref.symbol.doc ? 1 : 0;
    f.isStatic = c.ref.symbol.static ? 1 : 0;
    f.sameFile = c.ref.uri === ctx.uri ? 1 : 0;
    f.crowd = crowd;
    const usages = index.usagesOf(c.label, ctx.uri);
    if (usages.length) {
      let sum = 0;
      let sameReceiver = 0;
      for (const [words, receiver] of usages) {
        const d = contextWords.size ? dice(contextWords, words) : 0;
        f.similarBest = Math.max(f.similarBest, d);
        sum += d;

        if (receiver.size && receiverWords.size && dice(receiverWords, receiver) >= 0.5) sameReceiver++;
      }
      f.similarMean = sum / usages.length;

      f.popularity = Math.log1p(index.usageCount(c.label, ctx.uri));
      f.receiverUsage = Math.min(1, sameReceiver / 3);
    }
    if (lineWords.size) {
      const nameWords = splitIdentifier(c.label).map(stemWord);
      let hit = 0;
      for (const w of nameWords) if (lineWords.has(w) || (w.length >= 3 && [...lineWords].some((l) => l.length >= 4 && (l.startsWith(w) || w.startsWith(l))))) hit++;
      f.echo = nameWords.length ? hit / nameWords.length : 0;
    }
    f.context = wordShare(c.label, nearWords);
    f.enclosing = wordShare(c.label, enclosingWords);
    if (isPredicateName(c.label)) f.predicate = inCondition ? 1 : -1;
    else if (returnsBoolean(c.ref.symbol)) f.boolReturn = inCondition ? 1 : -1;
    if (assignedWords.length) f.assigned = coveredShare(assignedWords, splitIdentifier(c.label).map(stemWord));
    const result = declaredResult(c.ref.symbol);
    if (result === 'void') {
      if (statement) f.voidDropped = 1;
      else if (!inCondition) f.voidUsed = 1;
    } else if (result === 'value' && statement) f.valueDropped = 1;
    const awaitable = returnsPromise(c.ref.symbol);
    if (inAwait) f.awaited = awaitable ? 1 : -1;
    else if (awaitable) f.unawaitedAsync = 1;
    if (nearMembers.size) {
      const own = new Set(namedWords(c.label));
      for (const m of nearMembers) if (m !== c.label) f.nearShape = Math.max(f.nearShape, dice(own, new Set(namedWords(m))));
    }
    if (params.length) f.paramEcho = params.filter((n) => recentIdentifiers.has(n)).length / params.length;
    if (c.ref.symbol.doc && contextWords.size) f.docEcho = dice(contextWords, docWordsOf(c.ref.symbol));
    for (const d of nearDefinitions)
      if (d.uri === c.ref.uri && d.symbol !== c.ref.symbol) f.defNear = Math.max(f.defNear, 1 / (1 + Math.abs(d.symbol.line - c.ref.symbol.line) / 20));
    if (following) f.transition = (following.get(c.label) ?? 0) / (followingTotal + 1);
    if (calledInFile.length) ({ best: f.coUsage, mean: f.coUsageMean } = index.coUsage(c.label, calledInFile, ctx.uri));
    for (const { next, total } of followingAny) f.transitionAny = Math.max(f.transitionAny, (next.get(c.label) ?? 0) / (total + 1));
    const calls = onReceiver.get(c.label);
    if (calls) f.sameReceiver = Math.log1p(calls) / Math.log1p(maxOnReceiver);
    for (const words of liveUsages.get(c.label) ?? []) f.fileSimilar = Math.max(f.fileSimilar, dice(contextWords, words));
    const seen = inFile.get(c.label);
    if (seen) {
      f.fileUse = Math.log1p(seen.uses);
      f.fileReceiver = Math.log1p(seen.onReceiver);
      f.fileReceiverCalls = Math.log1p(seen.callsOnReceiver);
      if (seen.lastLine >= 0) f.fileRecent = 1 / (1 + (fileLines - seen.lastLine) / 10);
    }
    let usage = 0;
    for (const name of featureNames) usage += rankWeights[name] * f[name];
    const by = ctx.resolution.by;
    const resolved = c.resolved ? (by === 'similarity' ? rankWeights.resolvedBySimilarity : by === 'usage' ? rankWeights.resolvedByUsage : rankWeights.resolved) : 0;
    const kind = kindScore(c.ref.symbol, ctx.resolution, c.inherited, c.label);
    out.push({ ...c, score: prefix + kind + resolved + usage, parts: { kind, resolved, usage, trees: 0, model: 0, prefix }, features: f });
  }
  out.sort(byScore);
  // The trees re-order the linear model's head (what they were fitted on); the rest keeps its order.
  const python = indexLanguageOf(ctx.uri) === 'python';
  const head = out.slice(0, memberTrees.top);
  for (const r of head) {
    r.parts.trees = treeScore(r, ctx.resolution.by, python);
    r.score += r.parts.trees;
  }
  head.sort(byScore);
  out.splice(0, head.length, ...head);
  return out;
}

/** One regression tree as parallel arrays (scikit-learn's layout): node i splits on `feature[i]` (`x <= threshold[i]` goes left) or, where `feature[i]` is -1, is a leaf worth `value[i]`. */
export interface RegressionTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** The fitted ensemble as stored: its input columns by name, how many head candidates it re-scores, sample rows with the fit's own sums (`checks`, for the test), the trees. */
export interface TreeEnsemble {
  columns: string[];
  top: number;
  checks: Array<{ x: number[]; sum: number }>;
  trees: RegressionTree[];
}

/**
 * Boosted trees over the linear model's inputs (models/member-ranking/fit_rank_trees.py): they
 * add the interactions a sum of weights cannot express (a feature that counts only when another
 * is absent, or by language). Columns are read by name, so a renamed feature fails at load.
 */
export const memberTrees: TreeEnsemble = (() => {
  const t = rankingTrees as TreeEnsemble;
  const known = new Set<string>(['base', 'resolved', 'resolvedByUsage', 'resolvedBySimilarity', 'python', ...featureNames, ...shapeNames]);
  for (const c of t.columns) if (!known.has(c)) throw new Error(`rankingTrees.json: unknown column '${c}'`);
  return t;
})();

/** The sum of the trees' leaves that `x` falls into. */
export function sumTrees(trees: readonly RegressionTree[], x: readonly number[]): number {
  let sum = 0;
  for (const t of trees) {
    let n = 0;
    while (t.feature[n]! >= 0) n = x[t.feature[n]!]! <= t.threshold[n]! ? t.left[n]! : t.right[n]!;
    sum += t.value[n]!;
  }
  return sum;
}

/** The trees' score of one ranked candidate, its columns as the fit's dumps record them (`base` is the kind score). */
function treeScore(r: RankedMember, by: ReceiverResolution['by'], python: boolean): number {
  const weak = by === 'usage' || by === 'similarity';
  const column = (name: string): number => {
    switch (name) {
      case 'base': return r.parts.kind;
      case 'resolved': return r.resolved && !weak ? 1 : 0;
      case 'resolvedByUsage': return r.resolved && by === 'usage' ? 1 : 0;
      case 'resolvedBySimilarity': return r.resolved && by === 'similarity' ? 1 : 0;
      case 'python': return python ? 1 : 0;
      default: return r.features[name as keyof RankFeatures];
    }
  };
  return sumTrees(memberTrees.trees, memberTrees.columns.map(column));
}

/**
 * Scores of candidate names by the model (log-probabilities of each name right after the
 * context); the caller supplies it (the backend's `scoreCandidates`).
 */
export type NameScorer = (contextText: string, names: readonly string[], signal?: AbortSignal) => Promise<number[]>;

/** Adds the model's likelihood (softmax over the top `topN` candidates) and re-sorts. */
export async function addModelScores(ranked: RankedMember[], contextText: string, scorer: NameScorer, topN = 24, signal?: AbortSignal): Promise<RankedMember[]> {
  const head = ranked.slice(0, topN);
  if (head.length < 2) return ranked;
  const logprobs = await scorer(contextText, head.map((r) => r.label), signal);
  const max = Math.max(...logprobs);
  const exps = logprobs.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  head.forEach((r, i) => {
    r.parts.model = rankWeights.model * (exps[i]! / total);
    r.score += r.parts.model;
  });
  return [...head.sort(byScore), ...ranked.slice(topN)];
}
