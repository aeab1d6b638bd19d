/**
 * Token types for every leaf, in CodeFill's spirit. The tokens query gives syntactic roles
 * (call targets, attributes, literals), the locals query and the imports give bindings; an
 * identifier's type is, in order: an import binding (MODULE / LIBRARY / ALIAS), a class
 * (CLASS_NAME), its role (FUNCTION_CALL, METHOD_CALL, ATTRIBUTE, …), then what it is bound to
 * (PARAMETER, LOCAL_VARIABLE, GLOBAL_VARIABLE, FUNCTION_NAME). Strings, comments and numbers are
 * one token each (an f-string or template literal included). Python also gets INDENT, DEDENT and
 * EOS (zero-width), as Python's tokenizer has them.
 */
import type { Binding, SyntaxContext } from './context';
import { languageSpec } from './languages';
import { queryRange, type TsNode } from './runtime';
import { statementTypes } from './structure';
import type { OffsetRange, SyntaxToken, TokenType } from './types';

const punctuation = new Set(['(', ')', '[', ']', '{', '}', ',', ';', ':', '.', '?.', '::', '->', '=>', '@', '#', '${', '`', '"', "'"]);
/** Higher wins when one leaf has several roles. */
const roleRank: Record<string, number> = {
  'call.method': 9,
  'call.function': 8,
  attribute: 7,
  argument: 6,
  type: 5,
  'import.module': 4,
  'import.library': 4,
  'name.function': 3,
  'name.class': 3,
  tag: 2,
};
const collapsed: Record<string, TokenType> = { string: 'STRING', number: 'NUMBER', comment: 'COMMENT' };

export function collectTokens(ctx: SyntaxContext, range: OffsetRange = { start: 0, end: ctx.text.length }): SyntaxToken[] {
  const roles = new Map<number, { end: number; role: string }>();
  const spans = new Map<number, { end: number; type: TokenType }>();
  const keywords = new Set<number>();
  const eos: number[] = [];
  const paths: OffsetRange[] = [];
  const options = queryRange(range.start, range.end);
  for (const { name, node } of ctx.loaded.query('tokens').captures(ctx.root, options)) {
    const start = node.startIndex;
    const type = collapsed[name];
    if (type) {
      const old = spans.get(start);
      if (!old || old.end < node.endIndex) spans.set(start, { end: node.endIndex, type });
    } else if (name === 'keyword') keywords.add(start);
    else if (name === 'eos') eos.push(node.endIndex);
    else if (name === 'import.path') paths.push({ start, end: node.endIndex });
    else {
      const old = roles.get(start);
      if (!old || (roleRank[name] ?? 0) > (roleRank[old.role] ?? 0)) roles.set(start, { end: node.endIndex, role: name });
    }
  }
  void ctx.scopes; // builds the bindings (and definitionsAt)
  const tokens: SyntaxToken[] = [];
  const cursor = ctx.tree.walk();
  try {
    // Depth-first, in document order, over the nodes that overlap the range.
    walk: for (;;) {
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      if (end > range.start && start < range.end) {
        const span = spans.get(start);
        if (span && span.end === end) tokens.push({ start, end, type: span.type });
        else if (cursor.gotoFirstChild()) continue;
        else if (end > start && !cursor.nodeIsMissing) {
          const token = classifyLeaf(ctx, cursor.nodeType, cursor.nodeIsNamed, start, end, roles, keywords, paths);
          if (token) tokens.push(token);
        }
      }
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) break walk;
      if (cursor.startIndex >= range.end) break;
    }
  } finally {
    cursor.delete();
  }
  return finish(ctx, tokens, eos, range);
}

function classifyLeaf(
  ctx: SyntaxContext,
  nodeType: string,
  named: boolean,
  start: number,
  end: number,
  roles: Map<number, { end: number; role: string }>,
  keywords: Set<number>,
  paths: readonly OffsetRange[],
): SyntaxToken | undefined {
  const text = ctx.text.slice(start, end);
  if (!text.trim()) return undefined;
  if (keywords.has(start)) return { start, end, type: 'KEYWORD', keyword: text };
  if (!named) {
    if (/^[A-Za-z_]\w*$/.test(text)) return { start, end, type: 'KEYWORD', keyword: text };
    return { start, end, type: punctuation.has(text) ? 'PUNCTUATION' : 'OPERATOR' };
  }
  if (/comment/.test(nodeType)) return { start, end, type: 'COMMENT' };
  if (/identifier$|^identifier|^shorthand_property_identifier|^self$|^crate$|^super$/.test(nodeType) && /^[\p{L}\p{Nl}_$][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$\u200c\u200d]*$/u.test(text)) {
    const found = roles.get(start);
    let role = found && found.end === end ? found.role : undefined;
    if (!role && paths.some((p) => p.start <= start && end <= p.end)) role = 'import.path';
    return { start, end, type: classifyName(ctx, nodeType, text, start, role) };
  }
  if (/string|char|jsx_text|escape/.test(nodeType)) return { start, end, type: 'STRING' };
  if (/number|integer|float|int_literal|imaginary/.test(nodeType)) return { start, end, type: 'NUMBER' };
  return { start, end, type: 'OTHER' };
}

function classifyName(ctx: SyntaxContext, nodeType: string, name: string, start: number, role: string | undefined): TokenType {
  switch (role) {
    case 'call.method':
      return 'METHOD_CALL';
    case 'attribute':
      return 'ATTRIBUTE';
    case 'argument':
      return 'PARAMETER';
    case 'import.module':
      return 'MODULE';
    case 'import.library':
      return 'LIBRARY';
    case 'name.function':
      return 'FUNCTION_NAME';
    case 'name.class':
      return 'CLASS_NAME';
  }
  const property = /^(property|field)_identifier$/.test(nodeType);
  const binding: Binding | undefined = property ? undefined : (ctx.resolve(name, start) ?? ctx.definitionsAt.get(start));
  switch (binding?.kind) {
    case 'module':
      return 'MODULE';
    case 'library':
      return 'LIBRARY';
    case 'alias':
      return 'ALIAS';
    case 'class':
      return 'CLASS_NAME';
  }
  if (role === 'import.path') return 'MODULE';
  if (role === 'call.function') return 'FUNCTION_CALL';
  if (role === 'type' || role === 'tag') return 'CLASS_NAME';
  switch (binding?.kind) {
    case 'parameter':
      return 'PARAMETER';
    case 'function':
      return 'FUNCTION_NAME';
    case 'variable':
      return binding.scope.kind === 'function' ? 'LOCAL_VARIABLE' : binding.scope.kind === 'class' ? 'ATTRIBUTE' : 'GLOBAL_VARIABLE';
  }
  if (property) return 'ATTRIBUTE';
  if (nodeType === 'type_identifier') return 'CLASS_NAME';
  return 'GLOBAL_VARIABLE';
}

const zeroWidthRank: Partial<Record<TokenType, number>> = { EOS: 0, DEDENT: 1, INDENT: 2 };

function finish(ctx: SyntaxContext, tokens: SyntaxToken[], eos: number[], range: OffsetRange): SyntaxToken[] {
  if (!languageSpec(ctx.language).indentation) return tokens;
  const extra: SyntaxToken[] = [];
  const inRange = (offset: number) => offset >= range.start && offset <= range.end;
  for (const end of eos) if (inRange(end)) extra.push({ start: end, end, type: 'EOS' });
  const types = statementTypes(ctx.language);
  const stack: TsNode[] = [ctx.root];
  // Statements and blocks that overlap the range (a walk that skips subtrees outside it).
  while (stack.length) {
    const node = stack.pop()!;
    for (const child of node.namedChildren) {
      if (!child || child.endIndex < range.start || child.startIndex > range.end) continue;
      if (types.simple.has(child.type)) {
        if (inRange(child.endIndex)) extra.push({ start: child.endIndex, end: child.endIndex, type: 'EOS' });
      } else if (types.block.has(child.type)) addBlockTokens(ctx, child, extra, inRange);
      if (child.namedChildCount && !types.simple.has(child.type)) stack.push(child);
    }
  }
  if (!extra.length) return tokens;
  const all = tokens.concat(extra);
  all.sort((a, b) => a.start - b.start || (zeroWidthRank[a.type] ?? 3) - (zeroWidthRank[b.type] ?? 3));
  return all;
}

/** A block on its own lines: EOS after the header's `:`, INDENT before the first statement, DEDENT before the next token after the block. */
function addBlockTokens(ctx: SyntaxContext, block: TsNode, out: SyntaxToken[], inRange: (offset: number) => boolean): void {
  let colon = block.previousSibling;
  while (colon && colon.type === 'comment') colon = colon.previousSibling;
  if (!colon || colon.type !== ':' || block.startIndex === block.endIndex) return;
  const lines = ctx.lines;
  if (lines.position(colon.endIndex).line === lines.position(block.startIndex).line) return;
  if (inRange(colon.endIndex)) out.push({ start: colon.endIndex, end: colon.endIndex, type: 'EOS' });
  if (inRange(block.startIndex)) out.push({ start: block.startIndex, end: block.startIndex, type: 'INDENT' });
  const next = nextCodeOffset(ctx.text, block.endIndex);
  if (inRange(next)) out.push({ start: next, end: next, type: 'DEDENT' });
}

/** The first offset at or after `from` that is not whitespace or a `#` comment (or the text's end). */
function nextCodeOffset(text: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] !== '#') return i;
    while (i < text.length && text[i] !== '\n') i++;
  }
}
