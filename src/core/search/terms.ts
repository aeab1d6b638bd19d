/**
 * The search's words: identifiers split (camelCase, snake_case, digits, acronyms), lower-cased,
 * Porter-stemmed, English function words dropped. One function for symbols and queries alike, so
 * "Parses the config files" and `parse_config_file` meet on `pars config file`.
 */
import { splitIdentifier } from '../index/words';
import { porterStem } from './stem';

/** Function words and words every API doc uses: no evidence for one symbol over another. */
export const stopWords: ReadonlySet<string> = new Set(
  'a an the of to in on for and or is are be been being by with as at from it its this that these those into onto upon if then else when which what who whom whose how do does did can could will shall should would may might must has have had there their them they we you your our us i me my self cls via per than so such also just very'.split(' '),
);

/**
 * Words a doc sentence says about itself rather than about what the symbol does ("Helper method
 * that returns…", "Function to convert…"): dropped from queries only, because in a name they
 * carry meaning (`get`, `value`, `method`).
 */
export const queryBoilerplate: ReadonlySet<string> = new Set(
  'return returns returned returning get gets given helper method function functions class instance object value values new use used using specified provided current called call calls simple simply basic like whether either here following e g eg ie etc'.split(' '),
);

/** The words of a text, as written (split and lower-cased, before stemming). */
export function rawWords(text: string): string[] {
  const out: string[] = [];
  for (const token of text.match(/[A-Za-z][A-Za-z0-9_$]*/g) ?? [])
    for (const w of splitIdentifier(token)) if (w.length >= 2 && !/^\d+$/.test(w)) out.push(w);
  return out;
}

/** Search terms of a text: words stemmed, stop words dropped. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of rawWords(text)) if (!stopWords.has(w)) out.push(porterStem(w));
  return out;
}

/**
 * Search terms of a query: as `terms`, without doc boilerplate (unless nothing else is left). A
 * boilerplate word written in capitals or quoted as code names something ("Sends a GET request",
 * "Calls `get`"): kept.
 */
export function queryTerms(query: string): string[] {
  const words = rawWords(query).filter((w) => !stopWords.has(w));
  const named = new Set([...(query.match(/\b[A-Z]{2,}\b/g) ?? []).map((w) => w.toLowerCase()), ...[...query.matchAll(/`+([^`]+)`+/g)].flatMap((m) => rawWords(m[1]!))]);
  const meaningful = words.filter((w) => !queryBoilerplate.has(w) || named.has(w));
  return (meaningful.length ? meaningful : words).map(porterStem);
}

/** Two-letter words a run-together name may hold (`ishidden`, `tobytes`). */
const shortPieces: ReadonlySet<string> = new Set(['is', 'to', 'on', 'of', 'as', 'by', 'at', 'in', 'mk', 'rm', 'fn', 'id', 'io', 'os']);

/**
 * A run-together lower-case word split into words of the vocabulary (`getsource` → get source,
 * `readlink` → read link), in as few pieces as possible; undefined when no split covers it all.
 */
export function segmentWord(word: string, vocabulary: ReadonlySet<string>): string[] | undefined {
  if (word.length < 5) return undefined;
  const best: Array<string[] | undefined> = [[]];
  for (let end = 1; end <= word.length; end++) {
    let pick: string[] | undefined;
    for (let start = Math.max(0, end - 20); start < end; start++) {
      const before = best[start];
      const piece = word.slice(start, end);
      if (!before || piece === word || !(piece.length >= 3 ? vocabulary.has(piece) : shortPieces.has(piece))) continue;
      if (!pick || before.length + 1 < pick.length) pick = [...before, piece];
    }
    best.push(pick);
  }
  const split = best[word.length];
  return split && split.length >= 2 ? split : undefined;
}

/**
 * What a doc's leading verb is called in names ("Returns the …" → `get…`, "Creates a …" →
 * `make` / `create` / `new` / `build`): name terms, stemmed.
 */
const leadVerbNames: ReadonlyArray<[verbs: string, names: string]> = [
  ['return returns get gets retrieve retrieves fetch fetches obtain obtains', 'get'],
  ['create creates construct constructs make makes build builds instantiate instantiates', 'make creat new build'],
  ['remove removes delete deletes', 'remov delet'],
  ['add adds append appends insert inserts', 'add append insert'],
];
const leadVerbMap = new Map<string, string[]>(leadVerbNames.flatMap(([verbs, names]) => verbs.split(' ').map((v) => [v, names.split(' ')] as [string, string[]])));

/** The term of a predicate's name (`isEmpty`, `has_key`, `ishidden`): its leading word is a stop word, so it gets one of its own. */
export const predicateTerm = '?predicate';
const predicateWords: ReadonlySet<string> = new Set(['is', 'has', 'can', 'should', 'are', 'was']);

/** Whether a name is a predicate's: its first word (or the first piece of a run-together first word) asks a question. */
export function isPredicateName(name: string, firstPiece?: string): boolean {
  const first = rawWords(name)[0];
  return !!first && (predicateWords.has(first) || (!!firstPiece && predicateWords.has(firstPiece)));
}

/** Name terms that the query's leading verb is called in names, if it has any ("Checks whether …", "Returns true if …": a predicate). */
export function leadVerbTerms(query: string): string[] {
  const words = rawWords(query);
  const first = words[0];
  if (!first) return [];
  if (/^(check|checks|determine|determines|test|tests|tell|tells|whether)$/.test(first) || (/^returns?$/.test(first) && /^(true|whether|if)$/.test(words[1] ?? ''))) return [predicateTerm];
  return leadVerbMap.get(first) ?? [];
}

/** First words of a sentence that describes a thing rather than an action ("A parser for …", "Represents …", "Raised when …"): a class's doc. */
const thingOpeners: ReadonlySet<string> = new Set('a an the this represents raised base abstract wrapper mixin encapsulates responsible exception error warning interface container custom'.split(' '));

/** Whether a query reads like a class's doc (its first word opens a description of a thing). */
export function describesThing(query: string): boolean {
  const first = rawWords(query)[0];
  return !!first && thingOpeners.has(first);
}

/** Search terms of the identifiers a text quotes in backticks (`ReadonlyArray`, ``parse_header``). */
export function codeTerms(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/`+([^`]+)`+/g)) out.push(...terms(m[1]!));
  return out;
}
