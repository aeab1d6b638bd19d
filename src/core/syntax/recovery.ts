/**
 * Declarations that a parse error hides. Tree-sitter's error recovery can read the rest of a
 * file after a local error as fragments (a TypeScript call signature on a new line in a type
 * literal, `X\n  <B>(b: B): X`, is taken as type arguments of `X`), so every later top-level
 * declaration is lost. Where the file's tree is broken, the text is cut at lines that start a
 * top-level declaration at column 0, each piece is parsed on its own, and declarations are taken
 * only from the pieces' statements that parse cleanly: nothing is read from broken text.
 */
import { SyntaxContext } from './context';
import { collectDeclarations } from './declarations';
import type { SyntaxLanguage } from './languages';
import type { TsNode, TsTree } from './runtime';
import type { Declaration } from './types';

/** Lines that start a top-level declaration (column 0): where a piece of a broken file is cut. */
const typescriptTopLevel = /^(?:export|function|class|interface|type|const|let|var|declare|abstract|async|namespace|enum)\b/gm;
const topLevelStart: Partial<Record<SyntaxLanguage, RegExp>> = {
  typescript: typescriptTopLevel,
  tsx: typescriptTopLevel,
  javascript: /^(?:export|function|class|const|let|var|async)\b/gm,
};

/** Top-level nodes that are whole statements (not fragments left by error recovery). */
const statementType = /(?:statement|declaration|^comment)$/;

/**
 * `declarations` of `ctx`'s tree, with those of cleanly parsing statements of re-parsed pieces
 * where the tree has errors (positions are the file's). `parse` parses a piece; its tree is freed here.
 */
export function recoverDeclarations(ctx: SyntaxContext, declarations: Declaration[], parse: (text: string) => TsTree): Declaration[] {
  const cut = topLevelStart[ctx.language];
  if (!cut || !ctx.root.hasError) return declarations;
  // Plain spans of the top-level nodes, read once (each node property is a call into the parser).
  const tops = ctx.root.children
    .filter((c): c is TsNode => !!c)
    .map((c) => ({ start: c.startIndex, end: c.endIndex, broken: c.type === 'ERROR' || c.hasError, fragment: !statementType.test(c.type) }));
  const broken = tops.filter((t) => t.broken);
  if (!broken.length) return declarations;
  const starts: number[] = [];
  let top = 0;
  for (const m of ctx.text.matchAll(cut)) {
    const at = m.index!;
    while (top < tops.length && tops[top]!.end <= at) top++;
    const inside = tops[top];
    if (inside && !inside.broken && inside.start < at) continue;
    starts.push(withCommentAbove(ctx.text, at));
  }
  const bounds = [...new Set([0, ...starts, ctx.text.length])].sort((a, b) => a - b);
  const recovered: Declaration[] = [];
  const replaced: { start: number; end: number }[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [from, to] = [bounds[i]!, bounds[i + 1]!];
    // Only pieces that a broken top-level node runs out of (it may have swallowed what follows)
    // or that hold a fragment: a statement whose error stays inside it re-parses the same.
    if (!broken.some((b) => b.start < to && from < b.end && (b.start < from || b.end > to || b.fragment))) continue;
    const tree = parse(ctx.text.slice(from, to));
    try {
      const piece = new SyntaxContext(ctx.language, ctx.loaded, tree, ctx.text.slice(from, to), () => []);
      const clean = tree.rootNode.children.filter((c): c is TsNode => !!c && !c.hasError && c.type !== 'ERROR' && !/comment/.test(c.type));
      if (!clean.length) continue;
      for (const c of clean) replaced.push({ start: from + c.startIndex, end: from + c.endIndex });
      for (const d of collectDeclarations(piece)) {
        if (!clean.some((c) => c.startIndex <= d.range.start && d.range.end <= c.endIndex)) continue;
        recovered.push(shifted(ctx, d, from));
      }
    } finally {
      tree.delete();
    }
  }
  if (!replaced.length) return declarations;
  // `replaced` is in text order and its spans do not overlap: a binary search per declaration.
  const kept = declarations.filter((d) => !withinAny(replaced, d.start));
  return [...kept, ...recovered].sort((a, b) => a.start - b.start);
}

/** Whether `at` is inside one of `spans` (sorted by start, not overlapping). */
function withinAny(spans: readonly { start: number; end: number }[], at: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = spans[mid]!;
    if (at < s.start) hi = mid - 1;
    else if (at >= s.end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** The start of the comment block (`/* … *\/` or `//` lines) right above the line at `offset`, else `offset`. */
function withCommentAbove(text: string, offset: number): number {
  let start = offset;
  for (;;) {
    if (start === 0) return start;
    const prevStart = text.lastIndexOf('\n', start - 2) + 1;
    const line = text.slice(prevStart, start - 1).trim();
    if (line.startsWith('//')) start = prevStart;
    else if (line.endsWith('*/')) {
      const open = text.lastIndexOf('/*', prevStart + text.slice(prevStart, start - 1).lastIndexOf('*/'));
      if (open < 0) return start;
      start = text.lastIndexOf('\n', open) + 1;
      if (text.slice(start, open).trim()) return offset;
    } else return start;
  }
}

function shifted(ctx: SyntaxContext, d: Declaration, by: number): Declaration {
  return {
    ...d,
    start: d.start + by,
    end: d.end + by,
    position: ctx.position(d.start + by),
    range: { start: d.range.start + by, end: d.range.end + by },
  };
}
