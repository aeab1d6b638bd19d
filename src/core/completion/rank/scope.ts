/**
 * What is declared where, for ranking (CodeFill's re-ranking, Izadi et al., ICSE 2022): a name
 * declared in the visible file multiplies the model's probability by a weight for the kind of
 * use × the scope of the declaration. Names that exist nowhere (not declared, not imported, not
 * used elsewhere in the document, not a builtin) are weighted down: models invent names.
 */
import type { Declaration, SyntaxDocument, SyntaxQueries } from '../../syntax';
import { resolveLanguage, type SyntaxLanguage } from '../../syntax/languages';

export type UseKind = 'attribute' | 'variable' | 'function';
export type DeclScope = 'function' | 'class' | 'file';

/** CodeFill's weights: attribute access / variable names / function names × function / class / file scope. */
export const scopeWeights: Record<UseKind, Record<DeclScope, number>> = {
  attribute: { function: 1.625, class: 1.25, file: 1.125 },
  variable: { function: 1.625, class: 1.125, file: 1.5 },
  function: { function: 1.125, class: 1.625, file: 1.5 },
};

/** Weight of a name that is declared, imported, used or built in nowhere the ranking can see. */
export const unknownNameWeight = 0.5;

export type NameSource = 'function' | 'class' | 'file' | 'import' | 'builtin' | 'document' | 'model';

export interface KnownName {
  name: string;
  /** Where it is declared: the enclosing function ("here"), a class, the file, an import. */
  source: NameSource;
  kind: 'variable' | 'function' | 'method' | 'class' | 'module' | 'attribute' | 'keyword';
  detail?: string;
  /** Class that declares it (members). */
  container?: string;
}

export interface ScopeModel {
  language: SyntaxLanguage;
  /** Names visible without a receiver: the enclosing functions' locals and parameters, the file's, imports. */
  visible: Map<string, KnownName>;
  /** Class members by class name. */
  members: Map<string, Map<string, KnownName>>;
  /** The class around the cursor (for `self.` / `this.`). */
  enclosingClass?: string;
  /** Every identifier of the document, builtins and keywords. */
  exists: Set<string>;
  keywords: Set<string>;
  declarations: Declaration[];
}

const pythonKeywords = 'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case self cls'.split(' ');
const pythonBuiltins =
  'abs all any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex delattr dict dir divmod enumerate eval exec filter float format frozenset getattr globals hasattr hash help hex id input int isinstance issubclass iter len list locals map max memoryview min next object oct open ord pow print property range repr reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip __name__ __file__ __init__ Exception ValueError TypeError KeyError IndexError RuntimeError AttributeError NotImplementedError StopIteration OSError IOError ImportError AssertionError NotImplemented Ellipsis'.split(
    ' ',
  );
const ecmaKeywords =
  'break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof let new return super switch this throw try typeof var void while with yield async await of static get set true false null undefined as from type interface enum implements private public protected readonly declare abstract keyof infer is namespace satisfies'.split(' ');
const ecmaBuiltins =
  'Array Boolean Date Error JSON Map Math Number Object Promise Proxy Reflect RegExp Set String Symbol TypeError RangeError WeakMap WeakSet BigInt Uint8Array Int32Array Float32Array ArrayBuffer console globalThis window document process require module exports setTimeout clearTimeout setInterval clearInterval parseInt parseFloat isNaN isFinite encodeURIComponent decodeURIComponent structuredClone queueMicrotask fetch URL TextEncoder TextDecoder AbortController AbortSignal Buffer NaN Infinity string number boolean any unknown never void object bigint symbol Record Partial Readonly ReadonlyArray Pick Omit Exclude Extract NonNullable ReturnType Parameters Awaited length push pop map filter reduce forEach join slice splice indexOf includes keys values entries then catch finally toString'.split(
    ' ',
  );

export function keywordsOf(language: SyntaxLanguage): Set<string> {
  return new Set(language === 'python' ? pythonKeywords : ecmaKeywords);
}

function builtinsOf(language: SyntaxLanguage): string[] {
  return language === 'python' ? pythonBuiltins : language === 'typescript' || language === 'tsx' || language === 'javascript' ? ecmaBuiltins : [];
}

function knownKind(d: Declaration): KnownName['kind'] {
  switch (d.kind) {
    case 'function':
      return 'function';
    case 'method':
      return 'method';
    case 'class':
    case 'interface':
    case 'type':
    case 'enum':
      return 'class';
    case 'attribute':
      return 'attribute';
    case 'module':
      return 'module';
    default:
      return 'variable';
  }
}

/** The use category a declaration's kind weighs as. */
export function useKind(kind: KnownName['kind']): UseKind {
  return kind === 'function' || kind === 'method' || kind === 'class' ? 'function' : kind === 'attribute' ? 'attribute' : 'variable';
}

/** The weight of using `name` as declared in `known` (attribute access when `attribute`). */
export function weightOf(known: KnownName | undefined, attribute: boolean): number {
  if (!known) return 1;
  if (known.source === 'builtin' || known.source === 'document' || known.source === 'model') return 1;
  const scope: DeclScope = known.source === 'import' ? 'file' : known.source;
  return scopeWeights[attribute ? 'attribute' : useKind(known.kind)][scope];
}

/** Builds the scope model of the document at the cursor from the syntax service's declarations and imports. */
export async function scopeModel(syntax: Pick<SyntaxQueries, 'declarations' | 'imports'>, doc: SyntaxDocument, offset: number): Promise<ScopeModel | undefined> {
  const language = resolveLanguage(doc.languageId ?? doc.uri);
  if (!language) return undefined;
  const [declarations, imports] = await Promise.all([syntax.declarations(doc), syntax.imports(doc)]);
  const visible = new Map<string, KnownName>();
  const members = new Map<string, Map<string, KnownName>>();
  // The functions and classes around the cursor, outermost first.
  // A cursor on an indented blank line after a Python body is still inside it: probe at the last
  // code character before the cursor, and compare indentation.
  let probe = offset;
  while (probe > 0 && /\s/.test(doc.text[probe - 1]!)) probe--;
  const lineStart = doc.text.lastIndexOf('\n', offset - 1) + 1;
  const cursorIndent = /^[ \t]*/.exec(doc.text.slice(lineStart, offset))![0].length;
  const indentAt = (at: number) => {
    const s = doc.text.lastIndexOf('\n', at - 1) + 1;
    return /^[ \t]*/.exec(doc.text.slice(s))![0].length;
  };
  const inside = (d: Declaration) =>
    d.range.start < offset && (offset <= d.range.end || (language === 'python' && probe <= d.range.end && (lineStart <= probe || cursorIndent > indentAt(d.range.start))));
  const around = declarations.filter((d) => (d.kind === 'function' || d.kind === 'method' || d.kind === 'class') && inside(d)).sort((a, b) => a.range.start - b.range.start);
  const chain = around.map((d) => d.name);
  const enclosingClass = [...around].reverse().find((d) => d.kind === 'class')?.name;
  const put = (k: KnownName) => {
    const old = visible.get(k.name);
    const rank = (s: NameSource) => ['function', 'class', 'file', 'import'].indexOf(s);
    if (!old || rank(k.source) < rank(old.source)) visible.set(k.name, k);
  };
  for (const imp of imports) for (const n of imp.names) if (n.local) put({ name: n.local, source: 'import', kind: n.kind === 'namespace' || n.kind === 'module' ? 'module' : 'variable', detail: `from ${imp.module}` });
  for (const d of declarations) {
    const kind = knownKind(d);
    const detail = d.signature?.text;
    if (d.scope === 'class') {
      const cls = d.container[d.container.length - 1] ?? '';
      let m = members.get(cls);
      if (!m) members.set(cls, (m = new Map()));
      if (!m.has(d.name)) m.set(d.name, { name: d.name, source: 'class', kind, container: cls, ...(detail ? { detail } : {}) });
      continue;
    }
    if (d.scope === 'file') put({ name: d.name, source: 'file', kind, ...(detail ? { detail } : {}) });
    // Function locals are visible inside their own function chain only.
    else if (d.container.every((c, i) => chain[i] === c)) put({ name: d.name, source: 'function', kind, ...(detail ? { detail } : {}) });
  }
  // Parameters of the enclosing functions are locals too.
  for (const d of around)
    for (const p of d.signature?.parameters ?? []) {
      const name = /[A-Za-z_$][\w$]*/.exec(p.name)?.[0];
      if (name && name !== 'self' && name !== 'this') put({ name, source: 'function', kind: 'variable', ...(p.type ? { detail: p.type } : {}) });
    }
  const keywords = keywordsOf(language);
  const exists = new Set<string>([...keywords, ...builtinsOf(language)]);
  for (const m of doc.text.matchAll(/[A-Za-z_$][\w$]*/g)) exists.add(m[0]);
  const out: ScopeModel = { language, visible, members, exists, keywords, declarations };
  if (enclosingClass) out.enclosingClass = enclosingClass;
  return out;
}

/** Members a receiver has, as far as the file tells: `self`/`this` → the enclosing class; `x` bound to `C(…)`/`new C(…)`/`: C` → C. */
export function receiverMembers(model: ScopeModel, receiver: string, doc: SyntaxDocument, offset: number): Map<string, KnownName> | undefined {
  if ((receiver === 'self' || receiver === 'this' || receiver === 'cls') && model.enclosingClass) return model.members.get(model.enclosingClass);
  if (model.members.has(receiver)) return model.members.get(receiver); // Class.member
  // The latest binding of the receiver before the cursor.
  const before = doc.text.slice(0, offset);
  const esc = receiver.replace(/\$/g, '\\$');
  const patterns = [new RegExp(`\\b${esc}\\s*(?::\\s*([A-Za-z_$][\\w$]*)[^=\\n]*)?=\\s*(?:new\\s+|await\\s+)?([A-Za-z_$][\\w$]*)\\s*\\(`, 'g'), new RegExp(`\\b${esc}\\s*:\\s*([A-Za-z_$][\\w$]*)`, 'g')];
  let best: { at: number; cls: string } | undefined;
  for (const re of patterns)
    for (const m of before.matchAll(re)) {
      const cls = [m[1], m[2]].find((c) => c && model.members.has(c));
      if (cls && (!best || m.index! > best.at)) best = { at: m.index!, cls };
    }
  return best ? model.members.get(best.cls) : undefined;
}
