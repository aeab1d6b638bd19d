/**
 * Conversational API search: BM25 over the project's symbols, each a bag of weighted words from
 * its split name, its class, its parameters and return type, its doc comment and its module path
 * ("parse the config file" finds `parseConfigFile(path)` and `def load(path): """Parse the
 * config…"""`). Words are lower-cased, light-stemmed, stop words dropped. A symbol's doc can be
 * left out of its own score (the evaluation's protocol: the query is taken from that doc).
 */
import type { ProjectIndex } from '../index/projectIndex';
import type { ApiSymbol, SymbolRef } from '../index/types';
import { splitIdentifier } from '../index/words';

const stopWords = new Set(
  'a an the of to in on for and or is are be by with as at from it its this that these those into if then else when which what who how do does can will should would get gets given return returns returned value values new use used using one all any some each per via not no yes true false none null undefined self cls this param params type str int bool number string object'.split(' '),
);

/** A light stemmer: plural and verb endings (parses → pars, parsing → pars, parser → parser). */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  for (const [suffix, min] of [['ies', 3], ['ing', 4], ['ed', 4], ['es', 4], ['s', 3]] as const) {
    if (word.endsWith(suffix) && word.length - suffix.length >= min) {
      if (suffix === 'ies') return word.slice(0, -3) + 'y';
      if (suffix === 's' && /(ss|us|is)$/.test(word)) return word;
      return word.slice(0, -suffix.length).replace(/e$/, '');
    }
  }
  return word.replace(/e$/, '');
}

/** Search terms of a text (identifiers split, prose words, stemmed, stop words dropped). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const token of text.match(/[A-Za-z][A-Za-z0-9_$]*/g) ?? [])
    for (const w of splitIdentifier(token)) {
      if (w.length < 2 || stopWords.has(w) || /^\d+$/.test(w)) continue;
      out.push(stem(w));
    }
  return out;
}

const nameBoost = 1.0;

const fieldWeights = { name: 3, container: 1.2, params: 1, doc: 1, path: 0.5 };

interface SearchDoc {
  ref: SymbolRef;
  /** Weighted term frequencies without the doc field, and of the doc field alone. */
  base: Map<string, number>;
  doc: Map<string, number>;
  /** Terms of the name alone. */
  name: Set<string>;
  baseLength: number;
  docLength: number;
}

export interface SearchHit {
  ref: SymbolRef;
  score: number;
}

export interface SearchOptions {
  limit?: number;
  /** Score this symbol without its own doc text (evaluation). */
  excludeDocOf?: SymbolRef;
  /** Kinds to leave out. */
  skipKinds?: ReadonlySet<string>;
}

function addTerms(map: Map<string, number>, text: string | undefined, weight: number): number {
  if (!text) return 0;
  let n = 0;
  for (const t of terms(text)) {
    map.set(t, (map.get(t) ?? 0) + weight);
    n += weight;
  }
  return n;
}

function pathWords(uri: string): string {
  return uri
    .replace(/^[a-z]+:\/\/[^/]*/, '')
    .split('/')
    .slice(-2)
    .join(' ')
    .replace(/\.[a-z]+$/i, '')
    .replace(/__init__|index/g, '');
}

/** A BM25 index over an API index's symbols, built once; rebuild after the API index changes. */
export class ApiSearch {
  private readonly docs: SearchDoc[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly avgLength: number;
  private readonly k1 = 1.2;
  private readonly b = 0.75;

  constructor(index: ProjectIndex, options: { kinds?: ReadonlySet<string> } = {}) {
    const kinds = options.kinds ?? new Set(['function', 'method', 'class', 'interface', 'type', 'enum', 'constant', 'variable', 'attribute']);
    for (const ref of index.allSymbols()) {
      const s = ref.symbol;
      if (!kinds.has(s.kind) || s.name === 'constructor' || /^__\w+__$/.test(s.name)) continue;
      const base = new Map<string, number>();
      let baseLength = addTerms(base, s.name, fieldWeights.name);
      baseLength += addTerms(base, s.container, fieldWeights.container);
      baseLength += addTerms(base, [...(s.params ?? []), s.returnType ?? ''].join(' '), fieldWeights.params);
      baseLength += addTerms(base, pathWords(ref.uri), fieldWeights.path);
      const doc = new Map<string, number>();
      const docLength = addTerms(doc, s.doc, fieldWeights.doc);
      const i = this.docs.length;
      this.docs.push({ ref, base, doc, name: new Set(terms(s.name)), baseLength, docLength });
      for (const t of new Set([...base.keys(), ...doc.keys()])) {
        const list = this.postings.get(t);
        if (list) list.push(i);
        else this.postings.set(t, [i]);
      }
    }
    this.avgLength = this.docs.reduce((a, d) => a + d.baseLength + d.docLength, 0) / Math.max(1, this.docs.length);
  }

  get size(): number {
    return this.docs.length;
  }

  search(query: string, options: SearchOptions = {}): SearchHit[] {
    // Query terms, plus vocabulary terms that one of them begins (`config` ~ `configuration`) at half weight.
    const q = new Map<string, number>();
    for (const t of terms(query)) q.set(t, 1);
    for (const t of [...q.keys()])
      if (t.length >= 4)
        for (const v of this.postings.keys())
          if (v !== t && v.length >= 4 && (v.startsWith(t) || t.startsWith(v)) && !q.has(v)) q.set(v, 0.5);
    const n = this.docs.length;
    const scores = new Map<number, number>();
    const excluded = options.excludeDocOf;
    const isExcluded = (d: SearchDoc) => !!excluded && d.ref.uri === excluded.uri && d.ref.symbol === excluded.symbol;
    for (const [t, weight] of q) {
      const list = this.postings.get(t);
      if (!list) continue;
      let df = list.length;
      // The excluded doc's own text does not count towards the term's document frequency either.
      if (excluded) for (const i of list) if (isExcluded(this.docs[i]!) && !this.docs[i]!.base.has(t)) df--;
      if (df <= 0) continue;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (const i of list) {
        const d = this.docs[i]!;
        const without = isExcluded(d);
        const tf = (d.base.get(t) ?? 0) + (without ? 0 : (d.doc.get(t) ?? 0));
        if (!tf) continue;
        const length = d.baseLength + (without ? 0 : d.docLength);
        const s = (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * length) / this.avgLength));
        // Words of the name count beyond BM25's saturation: a query that says the name finds it.
        const named = d.name.has(t) ? (nameBoost * idf) / Math.sqrt(d.name.size) : 0;
        scores.set(i, (scores.get(i) ?? 0) + weight * (s + named));
      }
    }
    const hits: SearchHit[] = [];
    for (const [i, score] of scores) {
      const d = this.docs[i]!;
      if (options.skipKinds?.has(d.ref.symbol.kind)) continue;
      hits.push({ ref: d.ref, score: score * kindPrior(d.ref.symbol) });
    }
    hits.sort((a, b) => b.score - a.score || (a.ref.symbol.name < b.ref.symbol.name ? -1 : 1));
    return hits.slice(0, options.limit ?? 20);
  }
}

function kindPrior(s: ApiSymbol): number {
  if (s.kind === 'function' || s.kind === 'method') return s.exported ? 1 : 0.9;
  if (s.kind === 'class' || s.kind === 'interface') return 0.95;
  return 0.7;
}

/** The first sentence of a doc comment (up to a period followed by space / end, or the first blank line). */
export function firstSentence(doc: string): string {
  const description = doc.trim().split(/\n\s*@/)[0]!;
  if (description.startsWith('@')) return '';
  const para = description.split(/\n\s*\n/)[0]!.replace(/\{@link\s+([^}]*)\}/g, '$1').replace(/\s+/g, ' ');
  const m = /^(.*?[.!?])(\s|$)/.exec(para);
  return (m ? m[1]! : para).trim();
}
