/**
 * Declarations that a parse error hides. Tree-sitter's error recovery can read the rest of a
 * file after a local error as fragments (a TypeScript call signature on a new line in a type
 * literal, `X\n  <B>(b: B): X`, is taken as type arguments of `X`), so every later top-level
 * declaration is lost. Where the file's tree is broken, the text is cut at lines that start a
 * top-level declaration at column 0, each piece is parsed on its own, and declarations are taken
 * only from the pieces' statements that parse cleanly: nothing is read from broken text. A piece's
 * call signatures on lines of their own are separated first (`separateCallSignatures`).
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
    const overlapping = broken.filter((b) => b.start < to && from < b.end);
    const text = ctx.language === 'typescript' ? separateCallSignatures(ctx.text.slice(from, to)) : ctx.text.slice(from, to);
    if (!overlapping.some((b) => b.start < from || b.end > to || b.fragment) && !(overlapping.length && text !== ctx.text.slice(from, to))) continue;
    const tree = parse(text);
    try {
      const piece = new SyntaxContext(ctx.language, ctx.loaded, tree, text, () => []);
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

/** A line that opens a call signature's type parameters (`  <A, B>(`, `  <T extends X>(`, a lone `  <`). */
const callSignatureLine = /^([ \t]+)<(?=[ \t]*$|[ \t]*(?:const\s+)?[A-Za-z_$][\w$]*[ \t]*(?:extends\b|=|,|>))/gm;
/** How a line ends when the next one goes on with it (an operator, an opening bracket, a separator already written). */
const continuedLine = /(?:[=(\[{,;:?|&<+\-*%!~^]|=>)[ \t]*$/;

/**
 * TypeScript text with a `;` before each call signature written on a line of its own after another
 * member (`): Tx<A>\n  <B>(b: B): Tx<B>`): tree-sitter reads its type parameters as type arguments
 * of the type before the line break, where the TypeScript compiler ends the member at the line break.
 * The `;` takes the place of the line's last indentation character, so offsets and lines stay the same.
 */
export function separateCallSignatures(text: string): string {
  if (!text.includes('<')) return text;
  let out: string | undefined;
  for (const m of text.matchAll(callSignatureLine)) {
    const at = m.index! + m[1]!.length - 1;
    if (continuedLine.test(previousCodeLine(text, m.index!))) continue;
    out ??= text;
    out = `${out.slice(0, at)};${out.slice(at + 1)}`;
  }
  return out ?? text;
}

/** The last line before the line starting at `lineStart` that is neither blank nor a comment ('' at the text's start). */
function previousCodeLine(text: string, lineStart: number): string {
  let end = lineStart - 1;
  let inComment = false;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end).trim();
    end = start - 1;
    if (inComment) {
      if (line.startsWith('/*')) inComment = false;
      continue;
    }
    if (!line || line.startsWith('//')) continue;
    if (line.endsWith('*/')) {
      if (!line.startsWith('/*')) inComment = true;
      continue;
    }
    return line;
  }
  return '';
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
