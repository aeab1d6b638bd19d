/**
 * Statement and block structure: the statement at an offset and where it ends, whether an offset
 * starts a statement or a block, and the ERROR / MISSING nodes of a range.
 *
 * statements.scm lists the node types (`@statement.simple`, `@statement.compound`, `@block`); it
 * is compiled as a query (so a wrong type name fails loudly) and read as type sets for walks.
 */
import type { SyntaxContext } from './context';
import { LineIndex } from './context';
import type { SyntaxLanguage } from './languages';
import { loadedLanguage, querySource, type TsNode, type TsTree } from './runtime';
import type { OffsetRange, PositionInfo, StatementInfo, SyntaxIssue } from './types';

export interface StatementTypes {
  simple: Set<string>;
  compound: Set<string>;
  block: Set<string>;
}

const typeSets = new Map<SyntaxLanguage, StatementTypes>();

export function statementTypes(language: SyntaxLanguage): StatementTypes {
  let sets = typeSets.get(language);
  if (!sets) {
    loadedLanguage(language)?.query('statements');
    const source = querySource(language, 'statements').replace(/;[^\n]*/g, '');
    sets = { simple: new Set(), compound: new Set(), block: new Set() };
    for (const m of source.matchAll(/(\[[^\]]*\]|\(\w+\))\s*@([\w.]+)/g)) {
      const target = m[2] === 'statement.simple' ? sets.simple : m[2] === 'statement.compound' ? sets.compound : m[2] === 'block' ? sets.block : undefined;
      if (!target) continue;
      for (const t of m[1]!.matchAll(/\((\w+)\)/g)) target.add(t[1]!);
    }
    typeSets.set(language, sets);
  }
  return sets;
}

function isStatement(types: StatementTypes, node: TsNode): boolean {
  return types.simple.has(node.type) || types.compound.has(node.type);
}

export function statementInfo(ctx: SyntaxContext, node: TsNode): StatementInfo {
  const types = statementTypes(ctx.language);
  let depth = 0;
  for (let p = node.parent; p; p = p.parent) if (types.block.has(p.type)) depth++;
  const info: StatementInfo = {
    type: node.type,
    kind: types.compound.has(node.type) ? 'compound' : 'simple',
    start: node.startIndex,
    end: node.endIndex,
    startPosition: ctx.position(node.startIndex),
    endPosition: ctx.position(node.endIndex),
    depth,
    hasError: node.hasError,
  };
  if (info.kind === 'compound') {
    const body = findBody(types, node);
    if (body) info.headerEnd = body.startIndex;
  }
  return info;
}

/** A compound statement's first block: a child, or a child of its definition (decorated definitions). */
function findBody(types: StatementTypes, node: TsNode): TsNode | undefined {
  for (const child of node.namedChildren) if (child && types.block.has(child.type)) return child;
  for (const child of node.namedChildren) {
    if (!child) continue;
    for (const grand of child.namedChildren) if (grand && types.block.has(grand.type)) return grand;
  }
  return undefined;
}

/** Statement nodes that contain `offset` (start ≤ offset ≤ end), innermost first. */
function statementsAround(ctx: SyntaxContext, offset: number): TsNode[] {
  const types = statementTypes(ctx.language);
  const out: TsNode[] = [];
  const seen = new Set<number>();
  for (const probe of [offset, offset - 1]) {
    if (probe < 0) continue;
    for (let n: TsNode | null = ctx.root.descendantForIndex(probe, probe); n; n = n.parent) {
      if (!isStatement(types, n) || seen.has(n.id) || n.startIndex > offset || n.endIndex < offset) continue;
      seen.add(n.id);
      out.push(n);
    }
  }
  out.sort((a, b) => a.endIndex - a.startIndex - (b.endIndex - b.startIndex) || b.startIndex - a.startIndex);
  return out;
}

/**
 * The innermost statement containing `offset`, where a statement ending right at `offset`
 * counts (the cursor just after it); undefined between top-level statements.
 */
export function statementAt(ctx: SyntaxContext, offset: number): StatementInfo | undefined {
  const node = statementsAround(ctx, offset)[0];
  return node ? statementInfo(ctx, node) : undefined;
}

export function positionInfo(ctx: SyntaxContext, offset: number): PositionInfo {
  const { text } = ctx;
  const types = statementTypes(ctx.language);
  const info: PositionInfo = { startsStatement: false, startsBlock: false, inString: false, inComment: false };
  const statement = statementAt(ctx, offset);
  if (statement) info.statement = statement;
  const leaf = ctx.root.descendantForIndex(Math.max(0, offset - 1), offset);
  for (let n: TsNode | null = leaf; n; n = n.parent) {
    if (/comment/.test(n.type) && n.startIndex < offset && (offset < n.endIndex || (offset === n.endIndex && !n.text.endsWith('*/')))) info.inComment = true;
    if (/string|template/.test(n.type) && !/interpolation|substitution/.test(n.type) && n.startIndex < offset && offset < n.endIndex) info.inString = true;
    if (/interpolation|substitution/.test(n.type)) break;
  }
  if (info.inComment || info.inString) return info;
  // The previous code character (skipping whitespace and comments).
  let p = offset;
  let newline = false;
  for (;;) {
    while (p > 0 && /\s/.test(text[p - 1]!)) if (text[--p] === '\n') newline = true;
    if (p === 0) break;
    const before = ctx.root.descendantForIndex(p - 1, p);
    const comment = enclosing(before, (n) => /comment/.test(n.type));
    if (!comment) break;
    p = comment.startIndex;
  }
  if (p === 0) {
    info.startsStatement = true;
    return info;
  }
  const prev = ctx.root.descendantForIndex(p - 1, p);
  if (!prev) return info;
  const ch = text[p - 1]!;
  const parent = prev.parent;
  if (ch === '{' && parent && types.block.has(parent.type) && parent.startIndex === p - 1) {
    info.startsStatement = info.startsBlock = true;
    return info;
  }
  if (ch === ':' && newline && ctx.language === 'python' && parent && (types.compound.has(parent.type) || /clause$/.test(parent.type) || parent.type === 'ERROR')) {
    info.startsStatement = info.startsBlock = true;
    return info;
  }
  // A complete statement ends right before: a new one may start (after `;`, `}` or a new line).
  for (let n: TsNode | null = prev; n; n = n.parent) {
    if (n.endIndex !== p) break;
    if (isStatement(types, n)) {
      if (!n.hasError && (ch === ';' || ch === '}' || newline)) info.startsStatement = true;
      break;
    }
    if (types.block.has(n.type) && ctx.language === 'python' && newline) {
      info.startsStatement = true;
      break;
    }
  }
  return info;
}

function enclosing(node: TsNode | null, test: (n: TsNode) => boolean): TsNode | undefined {
  for (let n = node; n; n = n.parent) if (test(n)) return n;
  return undefined;
}

/** ERROR and MISSING nodes overlapping `range` (all of the tree when omitted). */
export function errorsIn(tree: TsTree, lines: LineIndex, range?: OffsetRange): SyntaxIssue[] {
  const out: SyntaxIssue[] = [];
  const lo = range?.start ?? 0;
  const hi = range?.end ?? Number.MAX_SAFE_INTEGER;
  const visit = (node: TsNode): void => {
    const start = node.startIndex;
    const end = node.endIndex;
    if (end < lo || start > hi) return;
    if (node.isMissing) {
      out.push({ kind: 'missing', start, end, position: lines.position(start), expected: node.type });
      return;
    }
    if (node.isError) {
      out.push({ kind: 'error', start, end, position: lines.position(start) });
    }
    if (!node.hasError) return;
    for (const child of node.children) if (child) visit(child);
  };
  if (tree.rootNode.hasError) visit(tree.rootNode);
  return out;
}

/** Every node (named or not) with its range and row:column span, depth-first: two trees print the same iff they are equal. */
export function treeString(tree: TsTree): string {
  const point = (p: { row: number; column: number }) => `[${p.row}:${p.column}]`;
  const parts: string[] = [];
  const cursor = tree.walk();
  try {
    let depth = 0;
    for (;;) {
      const field = cursor.currentFieldName;
      parts.push(`${'  '.repeat(depth)}${field ? field + ': ' : ''}${cursor.nodeIsNamed ? cursor.nodeType : JSON.stringify(cursor.nodeType)}@${cursor.startIndex}-${cursor.endIndex}${point(cursor.startPosition)}${point(cursor.endPosition)}${cursor.nodeIsMissing ? ' MISSING' : ''}`);
      if (cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return parts.join('\n');
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}
