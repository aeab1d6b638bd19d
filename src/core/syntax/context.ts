/**
 * A parsed text with what the queries derive from it, computed on first use and kept with the
 * tree: line index, scopes and their bindings.
 */
import type { SyntaxLanguage } from './languages';
import { languageSpec } from './languages';
import type { LoadedLanguage, TsNode, TsTree } from './runtime';
import type { Position, ScopeKind } from './types';

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo]! };
  }
  lineStart(line: number): number {
    return this.starts[line]!;
  }
}

/** Row/column (UTF-16) of an offset, by scanning: for tree edits, where only a few are needed. */
export function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

export type BindingKind = 'parameter' | 'function' | 'class' | 'variable' | 'module' | 'library' | 'alias';

/** Higher wins when one name is bound several ways in one scope. */
const bindingRank: Record<BindingKind, number> = { variable: 0, function: 1, class: 2, library: 3, module: 3, alias: 3, parameter: 4 };

export interface Scope {
  start: number;
  end: number;
  kind: ScopeKind;
  name?: string;
  /** Offset of the scope node's name (a function's or class's own name is bound outside it). */
  nameStart?: number;
  parent: number;
  bindings: Map<string, BindingKind>;
}

export interface Binding {
  kind: BindingKind;
  scope: Scope;
}

export class SyntaxContext {
  private lineIndex?: LineIndex;
  private scopeList?: Scope[];
  /** Offset of a binding identifier → its binding (the identifier where a name is defined). */
  readonly definitionsAt = new Map<number, Binding>();

  constructor(
    readonly language: SyntaxLanguage,
    readonly loaded: LoadedLanguage,
    readonly tree: TsTree,
    readonly text: string,
    /** Import bindings (local name, kind, offset), supplied by the imports module. */
    private readonly importBindings: () => { local: string; kind: BindingKind; offset: number }[],
  ) {}

  get root(): TsNode {
    return this.tree.rootNode;
  }

  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }

  position(offset: number): Position {
    return this.lines.position(offset);
  }

  get scopes(): Scope[] {
    if (!this.scopeList) this.scopeList = this.buildScopes();
    return this.scopeList;
  }

  /** Index of the innermost scope containing `offset`. */
  scopeIndexAt(offset: number): number {
    const scopes = this.scopes;
    let lo = 0;
    let hi = scopes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (scopes[mid]!.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    let i = lo;
    while (i > 0 && !(scopes[i]!.start <= offset && offset < scopes[i]!.end)) i = scopes[i]!.parent;
    return i;
  }

  /** The innermost scope that strictly contains the node range (a scope node itself is not its own scope). */
  scopeOfRange(start: number, end: number): Scope {
    const scopes = this.scopes;
    let i = this.scopeIndexAt(start);
    while (i > 0 && (scopes[i]!.end < end || (scopes[i]!.start === start && scopes[i]!.end === end))) i = scopes[i]!.parent;
    return scopes[i]!;
  }

  /** Enclosing scopes of a range, outermost first, without the file. */
  enclosingScopes(start: number, end: number): Scope[] {
    const chain: Scope[] = [];
    let scope = this.scopeOfRange(start, end);
    while (scope.parent >= 0) {
      chain.unshift(scope);
      scope = this.scopes[scope.parent]!;
    }
    return chain;
  }

  /** What `name` used at `offset` refers to, by the scope rules of the language. */
  resolve(name: string, offset: number): Binding | undefined {
    const scopes = this.scopes;
    const hideClasses = languageSpec(this.language).classScopeHidden;
    let i = this.scopeIndexAt(offset);
    let innermost = true;
    while (i >= 0) {
      const scope = scopes[i]!;
      if (!(hideClasses && scope.kind === 'class' && !innermost)) {
        const kind = scope.bindings.get(name);
        if (kind) return { kind, scope };
      }
      innermost = false;
      i = scope.parent;
    }
    return undefined;
  }

  private buildScopes(): Scope[] {
    const scopes: Scope[] = [{ start: 0, end: Math.max(this.text.length, this.root.endIndex) + 1, kind: 'file', parent: -1, bindings: new Map() }];
    const query = this.loaded.query('locals');
    const captures = query.captures(this.root);
    const found: Scope[] = [];
    for (const capture of captures) {
      if (!capture.name.startsWith('scope.')) continue;
      const node = capture.node;
      const nameNode = node.childForFieldName('name');
      const label = nameNode ?? node.childForFieldName('type');
      found.push({
        start: node.startIndex,
        end: node.endIndex,
        kind: capture.name === 'scope.class' ? 'class' : 'function',
        name: label?.text,
        nameStart: nameNode?.startIndex,
        parent: 0,
        bindings: new Map(),
      });
    }
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    const stack: number[] = [0];
    for (const scope of found) {
      while (stack.length > 1 && scopes[stack[stack.length - 1]!]!.end <= scope.start) stack.pop();
      scope.parent = stack[stack.length - 1]!;
      scopes.push(scope);
      stack.push(scopes.length - 1);
    }
    this.scopeList = scopes;
    const bind = (scope: Scope, name: string, kind: BindingKind) => {
      const old = scope.bindings.get(name);
      if (!old || bindingRank[kind] > bindingRank[old]) scope.bindings.set(name, kind);
    };
    for (const capture of captures) {
      if (!capture.name.startsWith('definition.')) continue;
      const kind = capture.name.slice('definition.'.length) as BindingKind;
      const node = capture.node;
      const offset = node.startIndex;
      let index = this.scopeIndexAt(offset);
      if ((kind === 'function' || kind === 'class') && index > 0 && scopes[index]!.nameStart === offset) index = scopes[index]!.parent;
      const scope = scopes[index]!;
      bind(scope, node.text, kind);
      const prev = this.definitionsAt.get(offset);
      if (!prev || bindingRank[kind] > bindingRank[prev.kind]) this.definitionsAt.set(offset, { kind, scope });
    }
    for (const { local, kind, offset } of this.importBindings()) {
      const scope = scopes[this.scopeIndexAt(offset)]!;
      bind(scope, local, kind);
    }
    return scopes;
  }
}
