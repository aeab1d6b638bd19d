/**
 * CodeFill's cardinal completion points: where the next token is worth predicting — after `.`,
 * an opening bracket, a comma, an operator, or one of the keywords that introduce an expression.
 */

const cardinalKeywords = new Set(['await', 'assert', 'raise', 'del', 'lambda', 'yield', 'return', 'except', 'while', 'for', 'if', 'elif', 'else', 'global', 'in', 'and', 'not', 'or', 'is', 'with', 'new', 'typeof', 'throw', 'case', 'of', 'import', 'from']);

export type CardinalKind = 'member' | 'bracket' | 'comma' | 'keyword' | 'operator';

export interface CardinalPoint {
  kind: CardinalKind;
  /** The token the point follows (`.`, `(`, `return`, `+`…). */
  after: string;
  /** For members: the receiver's last name (`obj` in `a.obj.`). */
  receiver?: string;
  /** The part of the identifier already typed (the request completes names starting with it). */
  typed: string;
}

/**
 * The cardinal point the cursor is at (after the identifier being typed, if any), from the text
 * of its line before the cursor; undefined elsewhere.
 */
export function cardinalPoint(linePrefix: string): CardinalPoint | undefined {
  const typed = /[A-Za-z_$][\w$]*$/.exec(linePrefix)?.[0] ?? '';
  const before = linePrefix.slice(0, linePrefix.length - typed.length);
  if (/\d$/.test(before)) return undefined; // inside a number
  const member = /([A-Za-z_$][\w$]*|[)\]])?\s*(\?\.|\.)$/.exec(before);
  if (member) {
    if (/\d\.$/.test(before)) return undefined; // 1.
    const p: CardinalPoint = { kind: 'member', after: '.', typed };
    if (member[1] && /^[A-Za-z_$]/.test(member[1])) p.receiver = member[1];
    return p;
  }
  const trimmed = before.replace(/\s+$/, '');
  if (trimmed === '') return undefined;
  const kw = /([A-Za-z_]+)$/.exec(trimmed)?.[1];
  if (kw) return cardinalKeywords.has(kw) && trimmed.length < before.length ? { kind: 'keyword', after: kw, typed } : undefined;
  const last = trimmed[trimmed.length - 1]!;
  if ('([{'.includes(last)) return { kind: 'bracket', after: last, typed };
  if (last === ',' || last === ';') return { kind: 'comma', after: last, typed };
  const op = /(\*\*|\/\/|==|!=|<=|>=|&&|\|\||\?\?|=>|[-+*/%<>=!~&|^?:])$/.exec(trimmed)?.[1];
  if (op) return { kind: 'operator', after: op, typed };
  return undefined;
}
