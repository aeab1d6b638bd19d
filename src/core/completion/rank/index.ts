/**
 * Rank stage: finished candidates ordered by length-normalised log-probability plus structure —
 * the scope weights of the names they use (scope.ts) and a penalty for names that exist nowhere.
 * Candidates that break the parse are rejected before ranking (statement.ts).
 */
import { keywordsOf, weightOf, unknownNameWeight, receiverMembers, type ScopeModel } from './scope';
import type { SyntaxDocument } from '../../syntax';

export { scopeModel, scopeWeights, unknownNameWeight, type ScopeModel, type KnownName } from './scope';

export interface NameUse {
  name: string;
  attribute: boolean;
  weight: number;
  why: 'declared' | 'member' | 'bound' | 'exists' | 'unknown' | 'keyword';
}

/** Strips string literals and comments (their words are not names). */
function code(text: string, language: ScopeModel['language']): string {
  const blank = (m: string) => m.replace(/[^\n]/g, ' ');
  let t = text.replace(/"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|`(?:[^`\\]|\\.)*`?/g, blank);
  t = language === 'python' ? t.replace(/#[^\n]*/g, blank) : t.replace(/\/\/[^\n]*|\/\*[\s\S]*?(\*\/|$)/g, blank);
  return t;
}

/**
 * The names `text` uses when inserted after `before` (the text left of the cursor, for a word the
 * cursor is inside and for a receiver), weighted: declared names by CodeFill's weights, names
 * the candidate binds itself and builtins 1, names that exist nowhere `unknownNameWeight`.
 */
export function nameUses(text: string, before: string, model: ScopeModel, doc: SyntaxDocument, offset: number): NameUse[] {
  const tail = /[A-Za-z_$][\w$]*\s*\.\s*[A-Za-z_$]?[\w$]*$|[A-Za-z_$][\w$]*$/.exec(before.slice(-200))?.[0] ?? '';
  const full = code(tail + text, model.language);
  const keywords = keywordsOf(model.language);
  const bound = new Set<string>();
  const uses: NameUse[] = [];
  for (const m of full.matchAll(/[A-Za-z_$][\w$]*/g)) {
    const name = m[0];
    const at = m.index!;
    if (at + name.length <= tail.length) continue; // entirely left of the cursor
    const left = full.slice(0, at);
    const right = full.slice(at + name.length);
    const receiver = /([A-Za-z_$][\w$]*)\s*\.\s*$/.exec(left)?.[1];
    const attribute = /\.\s*$/.test(left);
    if (keywords.has(name)) {
      uses.push({ name, attribute, weight: 1, why: 'keyword' });
      continue;
    }
    // Names this candidate binds: assignment targets, keyword arguments, declared names, parameters of a def it writes.
    if (!attribute && (/^\s*(=(?!=)|:=|\+=|-=|\*=)/.test(right) || /\b(def|class|function|const|let|var|for|as|import|lambda|interface|type|enum)\s+$/.test(left) || bound.has(name))) {
      bound.add(name);
      uses.push({ name, attribute, weight: 1, why: 'bound' });
      continue;
    }
    if (attribute) {
      const members = receiver ? receiverMembers(model, receiver, doc, offset) : undefined;
      const member = members?.get(name);
      if (member) {
        uses.push({ name, attribute, weight: weightOf(member, true), why: 'member' });
        continue;
      }
      uses.push({ name, attribute, weight: model.exists.has(name) ? 1 : unknownNameWeight, why: model.exists.has(name) ? 'exists' : 'unknown' });
      continue;
    }
    const known = model.visible.get(name);
    if (known) uses.push({ name, attribute, weight: weightOf(known, false), why: 'declared' });
    else uses.push({ name, attribute, weight: model.exists.has(name) ? 1 : unknownNameWeight, why: model.exists.has(name) ? 'exists' : 'unknown' });
  }
  return uses;
}

/** Σ log(weight) over the names a candidate uses. */
export function structureLogWeight(uses: readonly NameUse[]): number {
  return uses.reduce((s, u) => s + Math.log(u.weight), 0);
}

export interface Rankable {
  /** Log-probability of the kept tokens. */
  logprob: number;
  /** Kept tokens (≥ 1 for the normalisation). */
  tokens: number;
  /** Σ log(weight) of the structure features (0 without structure). */
  structure: number;
}

/** Length-normalised log-probability with the structure weights applied to the names' probabilities. */
export function rankScore(c: Rankable): number {
  return (c.logprob + c.structure) / Math.max(1, c.tokens);
}
