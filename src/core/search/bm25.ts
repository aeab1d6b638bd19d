/**
 * Conversational API search: BM25F over the project's symbols ("parse the config file" finds
 * `parseConfigFile(path)` and `def load(path): """Parse the config…"""`). Each symbol is a set
 * of weighted fields: its split name, its class, its parameters and return type, its module
 * path, its doc comment (and the docs along its override chain, up and down), its class's doc
 * comment, the code around its call sites in other modules, and its body (a function's code words, a class's member names). Queries are expanded by vocabulary prefixes and by a thesaurus learned from the
 * repository; identifiers written in the query find their symbol.
 *
 * A symbol's doc can be left out of its own score (the evaluation's protocol: the query is taken
 * from that doc): then every count derived from that doc is left out too — its own doc field, its
 * class doc in its members, its copies along override chains, its term frequencies, field lengths
 * and thesaurus pairs — so the ranking equals the ranking over an index where that doc was never written.
 */
import type { ProjectIndex } from '../index/projectIndex';
import type { ApiSymbol, SymbolRef } from '../index/types';
import { isTestFile } from '../index/testFiles';
import { isPrivateName } from '../index/words';
import { porterStem } from './stem';
import { codeTerms, describesThing, isPredicateName, leadVerbTerms, predicateTerm, queryTerms, rawWords, segmentWord, stopWords, terms } from './terms';
import { Thesaurus, type ThesaurusExclusion } from './thesaurus';
import { apiFamilyOfText, type ApiFamily } from './family';
import { rerankScore, searchFeatures, searchRanking, type SearchFeature } from './ranking';

export { terms } from './terms';
export const stem = porterStem;

const fieldNames = ['name', 'container', 'signature', 'path', 'doc', 'classDoc', 'usage', 'body', 'baseDoc', 'derivedDoc'] as const;
type Field = (typeof fieldNames)[number];
const field = Object.fromEntries(fieldNames.map((f, i) => [f, i])) as Record<Field, number>;
/** The fields read as one doc (its coverage of the query counts a word said in any): its own, and the docs along its override chain. */
const docFields: readonly number[] = [field.doc, field.baseDoc, field.derivedDoc];

/**
 * The ranking's constants, measured with the conversational evaluation on development
 * repositories (first on 9, re-checked one at a time on 28 — 10 TypeScript/JavaScript, 18 Python —
 * with leave-one-repository-out; the field weights, b, k1, name boost, prefix and thesaurus were
 * at their optimum, each ±0.3 points). A symbol is found by what it is called, its signature, the words of its body
 * and the words the repository associates with those (thesaurus); a doc counts when it says most
 * of what the query says, and per word as the stronger of it and the other fields.
 */
export const searchTuning = {
  /** BM25F field weights. */
  weights: { name: 3, container: 1.2, signature: 2, path: 0.5, doc: 3, classDoc: 0.3, usage: 0.3, body: 1, baseDoc: 1.5, derivedDoc: 1.5 } as Record<Field, number>,
  /** Length normalisation (BM25's b) over the weighted fields together, the body apart. */
  b: 0.9,
  /** The body's own length normalisation: bodies are long and say much besides what the symbol does. */
  bodyB: 0.2,
  k1: 1.2,
  /** Words of the name count beyond saturation: a query that says the name finds it. */
  nameBoost: 2,
  /** Vocabulary terms that a query term begins or is begun by (`config` ~ `configuration`). */
  prefix: 0.5,
  /** Name terms the thesaurus associates with a query term (weighted by P(name term | query term)). */
  thesaurus: 0.5,
  /**
   * The doc field counts by the share of the query's words it has, to this power: a doc that
   * says what the query says ranks its symbol; one shared word is not evidence (0: a plain field).
   * The evaluation favours ever higher powers (4 → 6 → 12: +0.5, +1.0 points) because its
   * targets never have their doc; 6 keeps a doc saying three quarters of a paraphrase at 18 %.
   */
  docCoverage: 6,
  /**
   * Per query term, the doc's evidence and the other fields' combine as max + docMix × min (1: a
   * sum): a doc that repeats what the name says is not twice the evidence, so a neighbour's doc
   * does not outrank a name that says the query; a doc still adds the words the name lacks.
   */
  docMix: 0,
  /** Name terms the query's leading verb is called in names ("Returns" → `get`), counted in the name only. */
  leadVerb: 0.6,
  /** Predicate names (`isEmpty`, `has_key`) carry a term that "Checks whether …" / "Returns true if …" queries ask for (with leadVerb's weight). */
  predicates: true,
  /** Weight of query words from identifiers the query quotes in backticks (1: as other words). */
  codeTerm: 1.5,
  /** Run-together name words split by the repository's name vocabulary (`getsource`: get source). */
  segmentNames: true,
  /** Call sites read per symbol. */
  usagesPerSymbol: 32,
  /** Fold the results of one name whose docs open with the same sentence into the best scored (`SearchHit.alike`). */
  foldAlike: true,
  /** Leave test files' symbols out of the results (their call sites still count as usages). */
  skipTests: true,
  /** Fold an undocumented override or implementation into the method it overrides or implements (`SearchHit.alike`): the base's doc speaks for it. */
  foldOverrides: true,
  /** Fold an undocumented base method into a documented override of it listed above it (`SearchHit.alike`): never lifts one. */
  foldBases: true,
  /**
   * An override is also described by the docs of the declarations it overrides or implements up its
   * chain (`baseDoc`, read with its own doc): "write the record to the stream" finds
   * `ColourHandler.emit`, whose own doc speaks of colours.
   */
  inheritDocs: true,
  /**
   * A base method is also described by its overrides' docs (`derivedDoc`): an interface's method by
   * what its implementations say they do. Both borrowed docs weigh half a doc of its own (1.5
   * against 3): heavier ones gain a little at 1 in the evaluation, which never asks by a doc that is
   * shown, and put a relative above the symbol whose own sentence is asked (round 14).
   */
  derivedDocs: true,
};

interface Entry {
  ref: SymbolRef;
  /** Term → frequency per field (indexed as `fieldNames`). */
  tf: Map<string, number[]>;
  length: number[];
  /** Terms in all fields. */
  size: number;
  name: Set<string>;
  /** The entry whose doc is this entry's class doc, or -1. */
  classEntry: number;
  /** Doc terms as the thesaurus counted them (with `name`). */
  docTerms: Set<string>;
  /** Its name and its doc's first sentence, when it has a doc: results with the same key fold into one (`SearchHit.alike`). */
  alikeKey: string | undefined;
  /** The symbol across its module's copies (`apiKeyOf`). */
  api: string;
  family: ApiFamily | undefined;
  /** For a method that overrides or implements one of a base class or interface: the entry of the first declaration up the chain; -1 otherwise. */
  root: number;
  /** For an override: the declarations up the chain that have a doc, nearest first; their docs are its `baseDoc`. */
  inherits: number[];
  /** For an overridden method: the overrides down its chains that have a doc; their docs are its `derivedDoc`. */
  derivedFrom: number[];
  /**
   * The share of the other APIs of its class (or module, at top level) that have a doc: where the
   * others are documented it is the user-facing API (`Builder.whereIn`), where they are not an
   * implementation detail (`QueryCompiler.whereIn`). Its own doc never counts. An excluded doc still
   * counts for the others: left out, the evaluation's target would be the one undocumented API of
   * a documented class, and the feature would point at it.
   */
  documentedShare: number;
}

export interface SearchHit {
  ref: SymbolRef;
  score: number;
  /** With `explain`: the BM25 score and the re-ranker's features (`searchFeatures`). */
  bm25?: number;
  features?: number[];
  /**
   * Other APIs of the same name whose doc opens with the same sentence (an interface's method and
   * its implementations, one helper in several builders): folded into this, the best scored, so
   * they do not fill the list with one answer.
   */
  alike?: SymbolRef[];
}

export interface SearchOptions {
  limit?: number;
  /** Score this symbol, and its copies in other builds of its module, without their doc text (evaluation). */
  excludeDocOf?: SymbolRef;
  /** Kinds to leave out. */
  skipKinds?: ReadonlySet<string>;
  /** Only APIs of this language family (the code that will call them). */
  family?: ApiFamily;
  /** Attach each hit's BM25 score and re-ranking features (fitting the re-ranker). */
  explain?: boolean;
  /** Re-rank BM25's top candidates (`searchRanking`); false: BM25's order. Default true. */
  rerank?: boolean;
  /**
   * The file the search is asked from (Find API…'s active editor): another module's private names
   * (`_render`, `#cache`, or members of a `_Helper`) are listed after the public APIs, which are
   * what code there can call.
   */
  from?: string;
}

const searchedKinds: ReadonlySet<string> = new Set(['function', 'method', 'class', 'interface', 'type', 'enum', 'constant', 'variable', 'attribute']);

/** A module's path without the language's extension: `a/b.d.ts`, `a/b.js` and `a/b.ts` are one module. */
function moduleOf(uri: string): string {
  return uri.replace(/(\.d)?\.[cm]?[jt]sx?$|\.pyi?$/i, '');
}

/**
 * Folders that hold another build of the same modules (sources and their compiled, typed,
 * development or per-platform copies): `src/v4/in-out.ts`, `v4/in-out.cjs` and
 * `dist/esm/v4/in-out.js` are one module's API.
 */
const buildFolders = new Set(['src', 'source', 'lib', 'dist', 'build', 'out', 'esm', 'cjs', 'mjs', 'es', 'es5', 'es6', 'es2015', 'es2017', 'es2020', 'umd', 'amd', 'commonjs', 'module', 'modules', 'browser', 'node', 'deno', 'development', 'production', 'types', 'typings', 'min']);

/** A symbol's class (or module, at top level) across its module's copies: the module without build folders, and its class. */
function classKeyOf(ref: SymbolRef): string {
  const module = moduleOf(ref.uri)
    .split('/')
    .filter((part) => !buildFolders.has(part))
    .join('/');
  return `${module}#${ref.symbol.container}`;
}

/** A symbol's identity across its module's copies: `classKeyOf` and its name. */
function apiKeyOf(ref: SymbolRef): string {
  return `${classKeyOf(ref)}.${ref.symbol.name}`;
}

/** A module's last two folders and name below the workspace root (`rootPrefix`: the root and a slash; never the machine's folders above it). */
function pathWords(uri: string, rootPrefix: string): string {
  return moduleOf(uri.startsWith(rootPrefix) ? uri.slice(rootPrefix.length) : uri)
    .replace(/^[a-z]+:\/\/[^/]*/, '')
    .split('/')
    .slice(-2)
    .join(' ')
    .replace(/__init__|index/g, '');
}

function keyOf(ref: SymbolRef): string {
  return `${ref.uri}#${ref.symbol.container}.${ref.symbol.name}@${ref.symbol.line}`;
}

/** A BM25F index over an API index's symbols, built once; rebuild after the API index changes. */
export class ApiSearch {
  private readonly entries: Entry[] = [];
  private readonly byKey = new Map<string, number>();
  /** Entries by `apiKeyOf`: one symbol's declarations in its module's builds (`.ts`, `.d.ts`, `.js`, `dist/`, `development/`). */
  private readonly copies = new Map<string, number[]>();
  private readonly postings = new Map<string, number[]>();
  private totalLength = 0;
  private bodyLength = 0;
  private readonly thesaurus = new Thesaurus();

  /** `tests`: also return the symbols of test files (`isTestFile`), left out by default: no one calls a test. */
  constructor(index: ProjectIndex, options: { kinds?: ReadonlySet<string>; tests?: boolean } = {}) {
    const kinds = options.kinds ?? searchedKinds;
    const tests = options.tests ?? !searchTuning.skipTests;
    const usages = this.usagesByName(index);
    const nameTerms = this.nameTermsOf(index);
    const classes = new Map<string, number>();
    const testFiles = new Map<string, boolean>();
    const inTestFile = (uri: string) => testFiles.get(uri) ?? testFiles.set(uri, isTestFile(uri, index.root)).get(uri)!;
    const rootPrefix = `${index.root.replace(/\/$/, '')}/`;
    for (const ref of index.allSymbols()) {
      const s = ref.symbol;
      if (!kinds.has(s.kind) || s.name === 'constructor' || /^__\w+__$/.test(s.name) || (!tests && inTestFile(ref.uri))) continue;
      const tf = new Map<string, number[]>();
      const length = new Array<number>(fieldNames.length).fill(0);
      const add = (f: Field, text: string | undefined) => text && countTerms({ tf, length }, field[f], terms(text));
      const addTerms = (f: Field, list: string[]) => countTerms({ tf, length }, field[f], list);
      addTerms('name', nameTerms(s.name));
      if (s.container) addTerms('container', nameTerms(s.container));
      add('signature', [...(s.params ?? []), s.returnType ?? s.returns ?? ''].join(' '));
      add('path', pathWords(ref.uri, rootPrefix));
      add('doc', s.doc);
      add('body', s.body);
      const module = moduleOf(ref.uri);
      let calls = 0;
      for (const [callModule, words] of usages.get(s.name) ?? []) {
        if (callModule === module) continue;
        add('usage', words);
        if (++calls >= searchTuning.usagesPerSymbol) break;
      }
      const name = new Set(nameTerms(s.name));
      const docTerms = new Set(s.doc ? terms(s.doc) : []);
      this.thesaurus.add(docTerms, name);
      const i = this.entries.length;
      const api = apiKeyOf(ref);
      const alikeKey = s.doc ? `${s.name}\0${firstSentence(s.doc)}` : undefined;
      this.entries.push({ ref, tf, length, size: 0, name, classEntry: -1, docTerms, alikeKey, api, family: apiFamilyOfText(ref.uri), root: -1, inherits: [], derivedFrom: [], documentedShare: 0 });
      this.byKey.set(keyOf(ref), i);
      const copies = this.copies.get(api);
      if (copies) copies.push(i);
      else this.copies.set(api, [i]);
      if ((s.kind === 'class' || s.kind === 'interface') && !s.container) classes.set(`${ref.uri}#${s.name}`, i);
    }
    // A class's body is what its members are called (`ECAlgorithm` has `sign` and `verify`).
    for (const ref of index.allSymbols()) {
      const c = ref.symbol.container ? classes.get(`${ref.uri}#${ref.symbol.container}`) : undefined;
      if (c === undefined || ref.symbol.name === 'constructor' || /^__\w+__$/.test(ref.symbol.name)) continue;
      countTerms(this.entries[c]!, field.body, terms(ref.symbol.name));
    }
    // Class docs: a member's class says what it belongs to ("The cache of mutations").
    for (const e of this.entries) {
      const c = e.ref.symbol.container ? classes.get(`${e.ref.uri}#${e.ref.symbol.container}`) : undefined;
      const classDoc = c === undefined ? undefined : this.entries[c]!.ref.symbol.doc;
      if (!classDoc) continue;
      e.classEntry = c!;
      countTerms(e, field.classDoc, terms(classDoc));
    }
    this.linkOverrides(index);
    // Docs along an override chain: an override is also described by the docs it inherits (as Sphinx
    // and TypeDoc show them), a base method by its overrides' (what its implementations do).
    for (const e of this.entries) {
      if (searchTuning.inheritDocs) for (const j of e.inherits) countTerms(e, field.baseDoc, terms(this.entries[j]!.ref.symbol.doc!));
      if (searchTuning.derivedDocs) for (const j of e.derivedFrom) countTerms(e, field.derivedDoc, terms(this.entries[j]!.ref.symbol.doc!));
    }
    this.shareDocumented();
    for (const [i, e] of this.entries.entries()) {
      e.size = e.length.reduce((a, b) => a + b, 0) - e.length[field.body]!;
      this.totalLength += e.size;
      this.bodyLength += e.length[field.body]!;
      for (const t of e.tf.keys()) {
        const list = this.postings.get(t);
        if (list) list.push(i);
        else this.postings.set(t, [i]);
      }
    }
  }

  /** Each entry's `documentedShare`, counting each API once across its module's builds (documented in any). */
  private shareDocumented(): void {
    const classes = new Map<string, { apis: Set<string>; documented: Set<string> }>();
    for (const e of this.entries) {
      const key = classKeyOf(e.ref);
      let c = classes.get(key);
      if (!c) classes.set(key, (c = { apis: new Set(), documented: new Set() }));
      c.apis.add(e.api);
      if (e.ref.symbol.doc) c.documented.add(e.api);
    }
    for (const e of this.entries) {
      const c = classes.get(classKeyOf(e.ref))!;
      const others = c.apis.size - 1;
      e.documentedShare = others > 0 ? (c.documented.size - (c.documented.has(e.api) ? 1 : 0)) / others : 0;
    }
  }

  /** Each method's `root`: the declaration it overrides or implements, followed up its bases (resolved from its file) to the first. */
  private linkOverrides(index: ProjectIndex): void {
    /** Per class: its bases' members by name (the nearest declaration of each). */
    const inheritedBy = new Map<string, Map<string, SymbolRef>>();
    const inherited = (uri: string, className: string): Map<string, SymbolRef> => {
      const key = `${uri}#${className}`;
      let out = inheritedBy.get(key);
      if (out) return out;
      inheritedBy.set(key, (out = new Map()));
      for (const base of index.file(uri)?.bases?.[className] ?? []) {
        const t = index.resolveType(uri, base);
        if (t.kind !== 'class' || (t.uri === uri && t.name === className)) continue;
        for (const m of index.membersOf(t.uri, t.name)) if (m.symbol.container && !out.has(m.symbol.name)) out.set(m.symbol.name, m);
      }
      return out;
    };
    for (const [i, e] of this.entries.entries()) {
      if (e.ref.symbol.kind !== 'method' || !e.ref.symbol.container) continue;
      let ref = e.ref;
      const seen = new Set<string>([keyOf(ref)]);
      for (let depth = 0; depth < 8; depth++) {
        const up = inherited(ref.uri, ref.symbol.container).get(ref.symbol.name);
        const j = up && this.byKey.get(keyOf(up));
        if (!up || j === undefined || seen.has(keyOf(up))) break;
        seen.add(keyOf(up));
        e.root = j;
        if (up.symbol.doc) e.inherits.push(j);
        if (e.ref.symbol.doc) this.entries[j]!.derivedFrom.push(i);
        ref = up;
      }
    }
  }

  /**
   * Terms of a name: its words, and the words a run-together word is made of (`getsource`: get
   * source), split by the words the repository's names and parameters use (never its docs, so
   * leaving a doc out cannot change a name).
   */
  private nameTermsOf(index: ProjectIndex): (name: string) => string[] {
    const vocabulary = new Set<string>();
    for (const ref of index.allSymbols()) {
      const s = ref.symbol;
      for (const w of rawWords([s.name, s.container ?? '', ...(s.params ?? [])].join(' '))) if (w.length >= 3) vocabulary.add(w);
    }
    const cache = new Map<string, string[]>();
    return (name) => {
      let out = cache.get(name);
      if (out) return out;
      out = terms(name);
      const words = rawWords(name);
      if (searchTuning.segmentNames) for (const w of words) for (const piece of segmentWord(w, vocabulary) ?? []) if (!stopWords.has(piece)) out.push(porterStem(piece));
      if (searchTuning.predicates && isPredicateName(name, words[0] ? segmentWord(words[0], vocabulary)?.[0] : undefined)) out.push(predicateTerm);
      cache.set(name, out);
      return out;
    };
  }

  /** Words around each call of a member name (its line and the line before, and the receiver), by the calling module. */
  private usagesByName(index: ProjectIndex): Map<string, Array<[module: string, words: string]>> {
    const out = new Map<string, Array<[string, string]>>();
    for (const uri of index.fileUris()) {
      const module = moduleOf(uri);
      for (const [member, words, receiver] of index.file(uri)?.usages ?? []) {
        const list = out.get(member);
        const item: [string, string] = [module, `${words} ${receiver}`];
        if (list) list.push(item);
        else out.set(member, [item]);
      }
    }
    return out;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Whether a symbol is one the search can return. */
  has(ref: SymbolRef): boolean {
    return this.byKey.has(keyOf(ref));
  }

  /** The documented declarations along a method's override chain whose docs it borrows (`baseDoc`, `derivedDoc`): up, then down. */
  chainOf(ref: SymbolRef): SymbolRef[] {
    const i = this.byKey.get(keyOf(ref));
    const e = i === undefined ? undefined : this.entries[i];
    return e ? [...e.inherits, ...e.derivedFrom].map((j) => this.entries[j]!.ref) : [];
  }

  /** A symbol's API: equal for the same symbol and for its declarations in builds of one module (one search result). */
  apiOf(ref: SymbolRef): string {
    return apiKeyOf(ref);
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const tuning = searchTuning;
    const n = this.entries.length;
    // The excluded doc is left out wherever it was written: in the symbol and in its copies.
    const excluded = new Set<number>(options.excludeDocOf && this.has(options.excludeDocOf) ? (this.copies.get(apiKeyOf(options.excludeDocOf)) ?? []) : []);
    const ex = excluded.size > 0;
    const exclusion: ThesaurusExclusion[] = [...excluded].map((i) => ({ doc: this.entries[i]!.docTerms, name: this.entries[i]!.name }));
    /** The excluded docs' term counts, for the chain docs that hold them (`baseDoc`, `derivedDoc`); `''`: the doc's length. */
    const excludedDocs = new Map<number, Map<string, number>>();
    if (searchTuning.inheritDocs || searchTuning.derivedDocs)
      for (const i of excluded) {
        const doc = this.entries[i]!.ref.symbol.doc;
        if (!doc) continue;
        const counts = new Map<string, number>();
        for (const t of terms(doc)) counts.set(t, (counts.get(t) ?? 0) + 1).set('', (counts.get('') ?? 0) + 1);
        excludedDocs.set(i, counts);
      }
    const chainExcluded = (e: Entry) => excludedDocs.size > 0 && (e.inherits.some((j) => excludedDocs.has(j)) || e.derivedFrom.some((j) => excludedDocs.has(j)));
    const touched = (i: number) => excluded.has(i) || excluded.has(this.entries[i]!.classEntry) || chainExcluded(this.entries[i]!);
    /** Field frequencies of entry i (of term t; none: field lengths) with the excluded doc left out. */
    const fieldsOf = (i: number, row: number[], t?: string): number[] => {
      if (!ex || !touched(i)) return row;
      const copy = [...row];
      if (excluded.has(i)) copy[field.doc] = 0;
      if (excluded.has(this.entries[i]!.classEntry)) copy[field.classDoc] = 0;
      for (const j of this.entries[i]!.inherits) copy[field.baseDoc]! -= excludedDocs.get(j)?.get(t ?? '') ?? 0;
      for (const j of this.entries[i]!.derivedFrom) copy[field.derivedDoc]! -= excludedDocs.get(j)?.get(t ?? '') ?? 0;
      return copy;
    };
    const lengthOf = (i: number): number => {
      const e = this.entries[i]!;
      return ex && touched(i) ? fieldsOf(i, e.length).reduce((a, b) => a + b, 0) - e.length[field.body]! : e.size;
    };
    let totalLength = this.totalLength;
    if (ex) for (let i = 0; i < n; i++) totalLength -= this.entries[i]!.size - lengthOf(i);
    const averageLength = totalLength / Math.max(1, n) || 1;
    const averageBody = this.bodyLength / Math.max(1, n) || 1;

    // Query terms; then vocabulary terms sharing a prefix, and thesaurus terms, at lower weight.
    const q = new Map<string, number>();
    for (const t of queryTerms(query)) q.set(t, 1);
    const asked = [...q.keys()];
    const askedSet = new Set(asked);
    // Words of identifiers the query quotes (`ReadonlyArray`, `parse_header`) name types and APIs.
    if (tuning.codeTerm !== 1) for (const t of codeTerms(query)) if (q.has(t)) q.set(t, tuning.codeTerm);
    for (const t of asked)
      if (t.length >= 4)
        for (const v of this.postings.keys())
          if (v !== t && v.length >= 4 && (v.startsWith(t) || t.startsWith(v)) && !q.has(v)) q.set(v, tuning.prefix);
    const nameOnly = new Set<string>();
    if (tuning.leadVerb > 0)
      for (const v of leadVerbTerms(query))
        if (!q.has(v)) {
          q.set(v, tuning.leadVerb);
          nameOnly.add(v);
        }
    if (tuning.thesaurus > 0)
      for (const t of asked)
        for (const [v, p] of this.thesaurus.expand(t, exclusion)) {
          const w = tuning.thesaurus * p;
          if ((q.get(v) ?? 0) < w) {
            q.set(v, w);
            nameOnly.delete(v);
          }
        }

    /** Per entry: each query term's evidence from the doc and from the other fields. */
    const parts = new Map<number, Array<[other: number, doc: number]>>();
    const docCover = new Map<number, number>();
    const idfOf = new Map<string, number>();
    const cover = tuning.docCoverage > 0;
    for (const [t, weight] of q) {
      const list = this.postings.get(t);
      if (!list) continue;
      let df = list.length;
      if (ex) for (const i of list) if (fieldsOf(i, this.entries[i]!.tf.get(t)!, t).every((x) => x === 0)) df--;
      if (df <= 0) continue;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      idfOf.set(t, idf);
      for (const i of list) {
        const e = this.entries[i]!;
        let tf = fieldsOf(i, e.tf.get(t)!, t);
        if (nameOnly.has(t)) tf = tf.map((c, f) => (f === field.name ? c : 0));
        let x = 0;
        const norm = 1 - tuning.b + (tuning.b * lengthOf(i)) / averageLength;
        for (let f = 0; f < fieldNames.length; f++) if (tf[f] && f !== field.body && !(cover && docFields.includes(f))) x += tuning.weights[fieldNames[f]!] * tf[f]!;
        x /= norm;
        if (tf[field.body]) x += (tuning.weights.body * tf[field.body]!) / (1 - tuning.bodyB + (tuning.bodyB * e.length[field.body]!) / averageBody);
        let doc = 0;
        const docTf = cover ? docFields.reduce((a, f) => a + tuning.weights[fieldNames[f]!] * tf[f]!, 0) : 0;
        if (docTf) {
          const d = docTf / norm;
          doc = (weight * idf * d * (tuning.k1 + 1)) / (d + tuning.k1);
          if (askedSet.has(t)) docCover.set(i, (docCover.get(i) ?? 0) + 1);
        }
        const other = x ? weight * ((idf * x * (tuning.k1 + 1)) / (x + tuning.k1) + (e.name.has(t) ? (tuning.nameBoost * idf) / Math.sqrt(e.name.size) : 0)) : 0;
        if (!other && !doc) continue;
        const row = parts.get(i);
        if (row) row.push([other, doc]);
        else parts.set(i, [[other, doc]]);
      }
    }

    const scores = new Map<number, number>();
    const mix = tuning.docMix;
    for (const [i, row] of parts) {
      const c = cover ? ((docCover.get(i) ?? 0) / Math.max(1, asked.length)) ** tuning.docCoverage : 1;
      let score = 0;
      for (const [other, doc] of row) score += Math.max(other, doc * c) + mix * Math.min(other, doc * c);
      scores.set(i, score);
    }
    const hits: Array<{ i: number; score: number }> = [];
    for (const [i, score] of scores) {
      const e = this.entries[i]!;
      if (options.skipKinds?.has(e.ref.symbol.kind) || (options.family && e.family !== options.family)) continue;
      hits.push({ i, score: score * kindPrior(e.ref.symbol) });
    }
    const byScore = (a: { i: number; score: number }, b: { i: number; score: number }) => {
      const x = this.entries[a.i]!.ref;
      const y = this.entries[b.i]!.ref;
      return b.score - a.score || (x.symbol.name < y.symbol.name ? -1 : x.symbol.name > y.symbol.name ? 1 : x.uri < y.uri ? -1 : 1);
    };
    hits.sort(byScore);
    // One module's symbol declared in several builds (`a.js` and `a.d.ts`, `m.py` and `m.pyi`, `src/` and `dist/`) is one result: the better scored.
    const limit = options.limit ?? 20;
    const rerank = options.rerank !== false && !!searchRanking.weights;
    const depth = rerank ? Math.max(limit, searchRanking.depth) : limit;
    const seen = new Set<string>();
    const top: Array<{ i: number; score: number }> = [];
    for (const h of hits) {
      const e = this.entries[h.i]!;
      if (seen.has(e.api)) continue;
      seen.add(e.api);
      top.push(h);
      if (top.length >= depth) break;
    }
    const context: FeatureContext = { asked, q, idfOf, fieldsOf, top, leadVerbs: leadVerbTerms(query), thing: describesThing(query) };
    const features = options.explain || rerank ? top.map((h, k) => this.featuresOf(h, k, context)) : [];
    const scored = top.map((h, k) => ({ i: h.i, bm25: h.score, score: rerank ? rerankScore(features[k]!) : h.score, features: features[k] }));
    if (rerank) scored.sort(byScore);
    // An undocumented override / implementation stands for the method it overrides (listed, or not: the
    // implementations of an interface's method match its words where the interface does not), at the
    // best place of the two; an excluded doc was written, so its symbol never joins.
    const lead: Array<{ i: number; score: number; bm25: number; features: number[] | undefined; members: number[] }> = [];
    const byApi = new Map<string, (typeof lead)[number]>();
    for (const h of scored) {
      const e = this.entries[h.i]!;
      const root = tuning.foldOverrides && e.root >= 0 && !e.ref.symbol.doc && !excluded.has(h.i) ? e.root : h.i;
      const api = this.entries[root]!.api;
      const group = byApi.get(api);
      if (group) {
        if (root !== h.i) group.members.push(h.i);
        continue;
      }
      const g = { ...h, i: root, members: root === h.i ? [] : [h.i] };
      byApi.set(api, g);
      lead.push(g);
    }
    // An excluded doc is never written: its symbol folds with nothing.
    const out: SearchHit[] = [];
    const byAlike = new Map<string, SearchHit>();
    /** Root entry → the first listed documented method overriding it (an excluded doc was written). */
    const byRoot = new Map<number, SearchHit>();
    const from = options.from === undefined ? undefined : moduleOf(options.from);
    for (const h of lead) {
      const e = this.entries[h.i]!;
      const { ref, alikeKey } = e;
      const members = h.members.map((m) => this.entries[m]!.ref);
      const key = searchTuning.foldAlike && !excluded.has(h.i) ? alikeKey : undefined;
      // An undocumented base listed below a documented override of it says nothing the override does not.
      const first = (key === undefined ? undefined : byAlike.get(key)) ?? (tuning.foldBases && !ref.symbol.doc && !excluded.has(h.i) ? byRoot.get(h.i) : undefined);
      if (first) {
        (first.alike ??= []).push(ref, ...members);
        continue;
      }
      if (!from && out.length >= limit) continue;
      const hit: SearchHit = { ref, score: h.score, ...(members.length ? { alike: members } : {}), ...(options.explain ? { bm25: h.bm25, features: h.features! } : {}) };
      if (key !== undefined) byAlike.set(key, hit);
      if (e.root >= 0 && (ref.symbol.doc || excluded.has(h.i)) && !byRoot.has(e.root)) byRoot.set(e.root, hit);
      out.push(hit);
    }
    if (!from) return out;
    const elsewhere = (h: SearchHit) => keptPrivate(h.ref.symbol) && moduleOf(h.ref.uri) !== from;
    return [...out.filter((h) => !elsewhere(h)), ...out.filter(elsewhere)].slice(0, limit);
  }

  /** The re-ranker's features of one BM25 candidate (`searchFeatures`), from what the query and the index say — the excluded doc left out. */
  private featuresOf(hit: { i: number; score: number }, rank: number, c: FeatureContext): number[] {
    const e = this.entries[hit.i]!;
    const s = e.ref.symbol;
    const askedIdf = c.asked.reduce((a, t) => a + (c.idfOf.get(t) ?? 0), 0) || 1;
    /** Per field: the asked words it holds, each by its idf (a share of the query's idf). */
    const perField = new Array<number>(fieldNames.length).fill(0);
    for (const t of c.asked) {
      const row = e.tf.get(t);
      if (!row) continue;
      const tf = c.fieldsOf(hit.i, row, t);
      for (let f = 0; f < fieldNames.length; f++) if (tf[f]) perField[f]! += (c.idfOf.get(t) ?? 0) / askedIdf;
    }
    let nameExpanded = 0;
    for (const t of e.name) if (c.q.has(t)) nameExpanded++;
    const containerTerms = s.container ? terms(s.container) : [];
    const top = c.top[0]!.score || 1;
    let siblings = 0;
    let containerListed = 0;
    for (const h of c.top) {
      if (h.i === hit.i) continue;
      const o = this.entries[h.i]!.ref;
      if (s.container && o.symbol.container === s.container && o.uri === e.ref.uri) siblings++;
      if (s.container && !o.symbol.container && o.symbol.name === s.container && o.uri === e.ref.uri) containerListed = 1;
    }
    const nameWords = rawWords(s.name);
    const nameStems = nameWords.filter((w) => !stopWords.has(w)).map(porterStem);
    const isClass = s.kind === 'class' || s.kind === 'interface';
    const f: Record<SearchFeature, number> = {
      relative: hit.score / top,
      logRelative: Math.log(Math.max(1e-3, hit.score / top)),
      bm25Rank: 1 / (1 + rank),
      namePhrase: nameStems.length >= 2 && ` ${c.asked.join(' ')} `.includes(` ${nameStems.join(' ')} `) ? 1 : 0,
      thingQuery: isClass && c.thing ? 1 : 0,
      name: perField[field.name]!,
      container: perField[field.container]!,
      signature: perField[field.signature]!,
      path: perField[field.path]!,
      classDoc: perField[field.classDoc]!,
      usage: perField[field.usage]!,
      body: perField[field.body]!,
      namePrecision: e.name.size ? nameExpanded / e.name.size : 0,
      containerPrecision: containerTerms.length ? containerTerms.filter((t) => c.q.has(t)).length / containerTerms.length : 0,
      method: s.kind === 'method' ? 1 : 0,
      class: isClass ? 1 : 0,
      data: s.kind === 'function' || s.kind === 'method' || s.kind === 'class' || s.kind === 'interface' ? 0 : 1,
      params: Math.min(6, s.params?.length ?? 0) / 6,
      nameWords: Math.min(6, nameWords.length) / 6,
      leadVerb: c.leadVerbs.some((v) => e.name.has(v)) ? 1 : 0,
      firstWord: nameWords[0] !== undefined && c.asked[0] === porterStem(nameWords[0]) ? 1 : 0,
      siblings: Math.log1p(siblings),
      containerListed,
      documentedShare: e.documentedShare,
    };
    return searchFeatures.map((k) => f[k]);
  }
}

interface FeatureContext {
  asked: readonly string[];
  q: ReadonlyMap<string, number>;
  idfOf: ReadonlyMap<string, number>;
  fieldsOf: (i: number, row: number[], t?: string) => number[];
  top: ReadonlyArray<{ i: number; score: number }>;
  leadVerbs: readonly string[];
  thing: boolean;
}

/** A name its module keeps to itself: `_x` (not `__x__`), `#x` or a TypeScript `private` / `protected` member, or a member of a class named so. */
function keptPrivate(s: ApiSymbol): boolean {
  return !!s.hidden || isPrivateName(s.name) || (!!s.container && isPrivateName(s.container));
}

/** Counts terms in one field of an entry's frequencies and lengths. */
function countTerms(e: Pick<Entry, 'tf' | 'length'>, f: number, list: Iterable<string>): void {
  for (const t of list) {
    let row = e.tf.get(t);
    if (!row) e.tf.set(t, (row = new Array<number>(fieldNames.length).fill(0)));
    row[f]!++;
    e.length[f]!++;
  }
}

function kindPrior(s: ApiSymbol): number {
  if (s.kind === 'function' || s.kind === 'method') return s.exported ? 1 : 0.9;
  if (s.kind === 'class' || s.kind === 'interface') return 0.95;
  return 0.7;
}

/** The first sentence of a doc comment (up to a period followed by space / end, or the first blank line). */
export function firstSentence(doc: string): string {
  // A doc comment ends at its `*/` (a declaration file's doc may run on into the next declarations).
  const description = doc.trim().split('*/')[0]!.split(/\n\s*@/)[0]!;
  if (description.startsWith('@')) return '';
  const para = description.split(/\n\s*\n/)[0]!.replace(/\{@link\s+([^}]*)\}/g, '$1').replace(/\s+/g, ' ');
  const m = /^(.*?[.!?])(\s|$)/.exec(para);
  return (m ? m[1]! : para).trim();
}
