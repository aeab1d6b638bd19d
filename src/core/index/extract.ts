/**
 * One source file → its index record, from the syntax service's declarations and imports plus a
 * few textual reads the service does not give (local export lists, CommonJS exports, base
 * classes, constructor-typed attributes, member-call usages). Bounded per file.
 */
import type { SyntaxQueries } from '../syntax/service';
import { resolveLanguage, type SyntaxLanguage } from '../syntax/languages';
import type { Declaration, ImportInfo } from '../syntax/types';
import type { ApiSymbol, FileRecord, ImportRecord } from './types';
import { isPrivateName, wordsOf } from './words';
import { jsDocTypeTag } from '../syntax/jsdoc';

export const extractLimits = { symbols: 4000, docChars: 600, usages: 600, usageWords: 12, bodyChars: 4000, bodyWords: 48 };

/** Languages the index reads (the others are skipped by the scan). */
export const indexedLanguages: ReadonlySet<SyntaxLanguage> = new Set(['python', 'typescript', 'tsx', 'javascript']);

export function indexLanguageOf(uri: string): SyntaxLanguage | undefined {
  if (/\.d\.[cm]?ts$/.test(uri)) return 'typescript';
  const language = resolveLanguage(uri);
  return language && indexedLanguages.has(language) ? language : undefined;
}

// Line starts of the file being extracted (one entry: extraction reads one file at a time), so a
// position costs a binary search instead of a split of the text before it.
let linesOfText: { text: string; newlines: number[] } | undefined;

/** Line and character (UTF-16) of an offset. */
function positionAt(text: string, offset: number): { line: number; character: number } {
  if (linesOfText?.text !== text) {
    const newlines: number[] = [];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlines.push(i);
    linesOfText = { text, newlines };
  }
  const nl = linesOfText.newlines;
  let lo = 0;
  let hi = nl.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (nl[mid]! < offset) lo = mid + 1;
    else hi = mid;
  }
  return { line: lo, character: offset - (lo ? nl[lo - 1]! : -1) - 1 };
}

const apiKinds = new Set(['function', 'method', 'class', 'interface', 'type', 'enum', 'variable', 'constant', 'attribute']);

function symbolOf(d: Declaration, text: string, language: SyntaxLanguage): ApiSymbol | undefined {
  if (!apiKinds.has(d.kind)) return undefined;
  // Module level, or a member of a class directly.
  if (d.scope === 'function') return undefined;
  if (d.scope === 'class' && !d.container.length) return undefined;
  const symbol: ApiSymbol = {
    name: d.name,
    kind: d.kind,
    container: d.scope === 'class' ? d.container[d.container.length - 1]! : '',
    exported: d.exported ?? true,
    line: d.position.line,
    character: d.position.character,
  };
  if (d.scope === 'file' && d.container.length) return undefined; // nested in a class of a class etc.
  if (d.signature) {
    symbol.signature = d.signature.text;
    const params = d.signature.parameters.filter((p, i) => !(i === 0 && /^(self|cls|this)$/.test(p.name)));
    symbol.params = params.map((p) => p.text);
    if (d.signature.returnType) symbol.returnType = d.signature.returnType;
    if (d.signature.parameters[0]?.name === 'cls') symbol.static = true;
  }
  const header = text.slice(d.range.start, Math.min(d.range.end, d.range.start + 200));
  if (/^\s*(?:(?:public|private|protected|readonly|async|export)\s+)*static\b/.test(header) || /@(staticmethod|classmethod)\b/.test(text.slice(Math.max(0, d.range.start - 60), d.range.start))) symbol.static = true;
  if (language !== 'python' && symbol.container && /^\s*(?:(?:static|readonly|async|override|declare|abstract)\s+)*(?:private|protected)\b/.test(header)) symbol.hidden = true;
  if (d.kind === 'attribute' && !symbol.signature) {
    const written = header.split('\n')[0]!.trim();
    // A type written over several lines (`form: FieldApiOptions<\n  TParentData,\n  …\n>['form']`): the whole annotation, collapsed.
    const open = language !== 'python' && (written.match(/</g)?.length ?? 0) > (written.match(/[^=]>/g)?.length ?? 0) ? wholeAnnotation(text.slice(d.range.start, Math.min(d.range.end, d.range.start + 2000))) : undefined;
    if (open) symbol.signature = open;
    else if (written.length < 160) symbol.signature = written.replace(/[;,]$/, '');
  }
  if ((d.kind === 'constant' || d.kind === 'variable') && d.scope === 'file') {
    const bound = /^(?:export\s+)?(?:const|let|var)\s+[\w$]+\s*=\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*;?\s*$/.exec(header);
    if (bound && d.range.end - d.range.start < 200) symbol.alias = bound[1]!;
    const typed = /^(?:export\s+)?(?:declare\s+)?(?:const|let|var)\s+[\w$]+\s*:\s*([A-Za-z_$][\w$.]*(?:<[^=;\n]*>)?)\s*(?:=|;|$)/.exec(header);
    if (typed) symbol.valueType = typed[1]!;
    // `export const focusManager = new FocusManager()`: an instance of the class it constructs (imported, `focusManager.` lists its members).
    // Only when the construction is the whole value: `new Builder().newGrammar(…).build()` is what the chain gives (ohm's IndentationSensitive), not a Builder.
    const decl = text.slice(d.range.start, Math.min(d.range.end, d.range.start + 4000));
    const made = !typed && language !== 'python' && wholeCall(decl, /^(?:export\s+)?(?:const|let|var)\s+[\w$]+\s*=\s*new\s+([A-Za-z_$][\w$.]*)\s*(?:<[^;\n]*?>)?\s*\(/);
    if (made) symbol.valueType = made;
    // Python `settings = Settings()`: an instance of the (capitalized, class-like) callee; kept only for a name assigned once at module level (recordOf).
    const called = language === 'python' && wholeCall(decl, /^[A-Za-z_]\w*\s*=\s*((?:[A-Za-z_]\w*\.)*[A-Z]\w*)\s*\(/);
    if (called) symbol.valueType = called;
  }
  // `type AnyRouter = RouterCore<any, any>`: the alias names one type (a receiver typed so is an instance of it).
  if (d.kind === 'type' && d.scope === 'file') {
    const named = /^(?:export\s+)?(?:declare\s+)?type\s+[\w$]+\s*(?:<[^=]*>)?\s*=\s*([A-Za-z_$][\w$.]*)\s*(?:<[^;{}()|&]*>)?\s*;?\s*$/.exec(text.slice(d.range.start, Math.min(d.range.end, d.range.start + 400)));
    if (named && d.range.end - d.range.start < 400) symbol.alias = named[1]!;
  }
  if (!symbol.returnType && (d.kind === 'function' || d.kind === 'method')) {
    const returned = returnedClass(text.slice(d.range.start, Math.min(d.range.end, d.range.start + 20000)), symbol.container);
    if (returned) symbol.returns = returned;
    else if (symbol.container) {
      const delegate = returnedMemberCall(text.slice(d.range.start, Math.min(d.range.end, d.range.start + 20000)), d.name);
      if (delegate) symbol.returnsMember = delegate;
    }
    if (!symbol.returns && !symbol.returnsMember && d.range.end - d.range.start <= 20000 && returnsNothing(text.slice(d.range.start, d.range.end), language)) symbol.returnsNothing = true;
  }
  const doc = docText(d.doc);
  if (doc) symbol.doc = doc.length > extractLimits.docChars ? doc.slice(0, extractLimits.docChars) : doc;
  if (d.kind === 'function' || d.kind === 'method') {
    const body = bodyWords(text.slice(d.range.start, Math.min(d.range.end, d.range.start + extractLimits.bodyChars)), d.name);
    if (body) symbol.body = body;
  }
  if (d.scope === 'class') symbol.exported = !isPrivateName(d.name) && !symbol.hidden;
  return symbol;
}

/**
 * The callee `head` captures when the call it opens (`head` ends at its `(`) is the declaration's
 * whole value — nothing but `;` after the closing parenthesis — else undefined.
 */
export function wholeCall(decl: string, head: RegExp): string | undefined {
  const m = head.exec(decl);
  if (!m) return undefined;
  let depth = 0;
  let quote = '';
  for (let i = m[0].length - 1; i < decl.length; i++) {
    const c = decl[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth === 0) return /^\s*;?\s*$/.test(decl.slice(i + 1)) ? m[1] : undefined;
    }
  }
  return undefined;
}

/** A field's declaration up to the end of its type annotation (a top-level `=`, `;` or the end), whitespace collapsed; undefined when the brackets do not close or it runs long. */
export function wholeAnnotation(declaration: string): string | undefined {
  let depth = 0;
  let end = declaration.length;
  for (let i = 0; i < declaration.length; i++) {
    const c = declaration[i];
    if (c === '<' || c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && declaration[i - 1] !== '=')) depth--;
    else if (depth === 0 && (c === ';' || (c === '=' && declaration[i + 1] !== '>'))) {
      end = i;
      break;
    }
  }
  const out = declaration.slice(0, end).replace(/\s+/g, ' ').trim().replace(/,$/, '');
  return depth === 0 && out.length <= 600 ? out : undefined;
}

/**
 * The class an unannotated function returns, read from its body: every `return Foo(…)` /
 * `return new Foo(…)` (a capitalized callee) names the same class, `return self` / `return this` /
 * `return cls(…)` → the enclosing class. Undefined when the returns disagree or say nothing.
 */
export function returnedClass(body: string, container: string): string | undefined {
  let found: string | undefined;
  for (const m of body.matchAll(/\breturn\s+(?:await\s+)?(?:(new)\s+)?([A-Za-z_$][\w$.]*)\s*(\(|<|;|\n|$)/g)) {
    const name = m[2]!;
    let cls: string | undefined;
    if (name === 'self' || name === 'this') cls = m[3] === '(' ? undefined : container || undefined;
    else if (name === 'cls' && m[3] === '(') cls = container || undefined;
    else if ((m[3] === '(' || m[3] === '<') && (m[1] || /^[A-Z]/.test(name.split('.').pop()!)) && !/^(?:Error|TypeError|ValueError|Promise|Object|Array|Set|Map|String|Number|Boolean|Symbol|Date|RegExp)$/.test(name)) cls = name;
    if (!cls) continue;
    if (found && found !== cls) return undefined;
    found = cls;
  }
  return found;
}

/**
 * An unannotated function whose body (its declaration's text, in the file's `language`) gives no
 * value back: no `return <value>`, no `yield`, no concise arrow body, and not a stub that
 * subclasses fill in (`raise NotImplementedError`, only `pass` / `...`, no braces at all).
 */
export function returnsNothing(body: string, language: SyntaxLanguage): boolean {
  if (/\breturn[^\S\n]*[^\s;}]|\byield\b|=>\s*[^\s{]|NotImplemented|not implemented|abstract/i.test(body)) return false;
  if (language !== 'python') return body.includes('{');
  const statements = body.replace(/^[^]*?\)\s*(?:->[^:]*)?:/, '').replace(/(['"]{3})[^]*?\1/g, '').replace(/#.*$/gm, '').trim();
  return statements !== '' && !/^(?:pass|\.\.\.)$/.test(statements);
}

/** The method of the same class every `return this.m(…)` / `return self.m(…)` of a body calls (one name, not the method itself). */
export function returnedMemberCall(body: string, name: string): string | undefined {
  let found: string | undefined;
  for (const m of body.matchAll(/\breturn\s+(?:await\s+)?(?:this|self)\.([A-Za-z_$][\w$]*)\s*\(/g)) {
    if (found && found !== m[1]) return undefined;
    found = m[1];
  }
  return found === name ? undefined : found;
}

function importRecord(i: ImportInfo): ImportRecord | undefined {
  if (i.form === 'dynamic' || i.form === 'use') return undefined;
  return { form: i.form, module: i.module, names: i.names.map((n) => [n.name, n.local ?? n.alias ?? '', n.kind]) };
}

/**
 * Interface members (`name(a: T): R;`, `name?: T;`): the syntax service lists interfaces, not their
 * members. `open`: the body's brace in the declaration's text (default: its first brace).
 */
function interfaceMembers(d: Declaration, text: string, open = text.slice(d.range.start, d.range.end).indexOf('{')): ApiSymbol[] {
  const body = text.slice(d.range.start, d.range.end);
  if (open < 0) return [];
  const out: ApiSymbol[] = [];
  let depth = 0;
  let lineStart = open + 1;
  for (let i = open; i < body.length; i++) {
    const c = body[i];
    if (c === '{' || c === '(' || c === '<' || c === '[') depth++;
    // The `>` of an arrow type (`onDone: (x: T) => void`) closes nothing.
    else if (c === '}' || c === ')' || (c === '>' && body[i - 1] !== '=') || c === ']') depth--;
    if ((c === ';' || c === '\n' || c === ',') && depth === 1) {
      const member = body.slice(lineStart, i).trim();
      const m = /^(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*(\(|:|<)/.exec(member);
      // A generic method (`refine<Ch extends (arg: T) => unknown>(check: Ch): this`): its parameter list follows the type parameters.
      const paramsOpen = m?.[2] === '<' ? afterTypeParameters(member, m[0].length - 1) : m?.[2] === '(' ? m[0].length - 1 : -1;
      const method = paramsOpen >= 0 && member[paramsOpen] === '(';
      // `new (def: D): T` is the interface's construct signature, no member.
      if (m && (method || m[2] === ':') && !(m[1] === 'new' && method)) {
        const at = d.range.start + lineStart + body.slice(lineStart, i).indexOf(m[1]!);
        const { line, character } = positionAt(text, at);
        const sym: ApiSymbol = { name: m[1]!, kind: method ? 'method' : 'attribute', container: d.name, signature: member.replace(/\s+/g, ' '), exported: true, line, character };
        // The last doc comment right above (one that does not run on past a `*/` into the next).
        const prev = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*$/.exec(body.slice(Math.max(open, lineStart - 400), lineStart + (body.slice(lineStart, i).length - body.slice(lineStart, i).trimStart().length)));
        if (prev) sym.doc = prev[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, '').trim()).join('\n').trim().slice(0, extractLimits.docChars);
        if (method) {
          sym.params = topLevelParameters(member, paramsOpen);
          const returned = interfaceMethodReturn(member, paramsOpen);
          if (returned) sym.returnType = returned;
        }
        out.push(sym);
      }
      lineStart = i + 1;
    }
    if (depth === 0 && i > open) break;
  }
  return out;
}

/** The return type written after an interface method's parameter list (`min(n: number): this;` → `this`); `open` is the list's `(`. */
function interfaceMethodReturn(member: string, open: number): string | undefined {
  let depth = 0;
  for (let i = open; i < member.length; i++) {
    if (member[i] === '(') depth++;
    // The whole rest: an object type written in the return type has semicolons of its own (`partial(): ZodObject<{ a: T; }, C>`).
    else if (member[i] === ')' && --depth === 0) return /^\s*:\s*([\s\S]+?)\s*;?$/.exec(member.slice(i + 1))?.[1];
  }
  return undefined;
}

/** The parameters of the list that opens at `open`, split at its own commas only (`mask: M & Record<keyof M, never>` is one). */
function topLevelParameters(member: string, open: number): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < member.length; i++) {
    const c = member[i];
    if (c === '<' || c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && member[i - 1] !== '=')) depth--;
    if ((c === ',' && depth === 1) || depth === 0) {
      out.push(member.slice(start, i).trim());
      start = i + 1;
    }
    if (depth === 0) break;
  }
  return out.filter(Boolean);
}

/** Where a type parameter list that opens at `open` (`<T extends (x: A) => B>`) ends: the index after its `>`. */
function afterTypeParameters(member: string, open: number): number {
  let depth = 0;
  for (let i = open; i < member.length; i++) {
    const c = member[i];
    if (c === '<' || c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && member[i - 1] !== '=')) {
      if (--depth === 0) return /^\s*/.exec(member.slice(i + 1))![0].length + i + 1;
    }
  }
  return -1;
}

/** Where the value of a type alias starts in its declaration's text (after `type Api<T = {}> =`), if it is one. */
function typeAliasValue(d: Declaration, text: string): number | undefined {
  const decl = text.slice(d.range.start, d.range.end);
  const head = new RegExp(`\\btype\\s+${d.name.replace(/\$/g, '\\$')}(?![\\w$])`).exec(decl);
  if (!head) return undefined;
  let i = head.index + head[0].length;
  // Type parameters, whose bounds and defaults may hold braces and `=`.
  if (/^\s*</.test(decl.slice(i))) {
    let depth = 0;
    for (; i < decl.length; i++) {
      if (decl[i] === '<') depth++;
      else if (decl[i] === '>' && decl[i - 1] !== '=' && --depth === 0) break;
    }
    i++;
  }
  const m = /^\s*=\s*/.exec(decl.slice(i));
  return m ? i + m[0].length : undefined;
}

/** The body brace of a type alias of an object type (`type Api<T = {}> = {`), if it is one: its members are an interface's. */
function objectTypeBrace(d: Declaration, text: string): number | undefined {
  const i = typeAliasValue(d, text);
  return i !== undefined && text[d.range.start + i] === '{' ? i : undefined;
}

/**
 * A type alias of an intersection of named types and an object type (`type CoordinatorRouter =
 * AnyRouter & { _preloads?: … }`): the named types as bases (`Omit<X, K>` / `Partial<X>` … as X)
 * and the object type's brace (its members are the alias's own), else undefined. Each part a name
 * with type arguments or `{ … }`; a union or conditional type is none.
 */
export function intersectionParts(d: Declaration, text: string): { bases: string[]; brace?: number } | undefined {
  const start = typeAliasValue(d, text);
  if (start === undefined) return undefined;
  const decl = text.slice(d.range.start, Math.min(d.range.end, d.range.start + 20000));
  const parts: Array<[from: number, to: number]> = [];
  let depth = 0;
  let from = start;
  for (let i = start; i <= decl.length; i++) {
    const c = decl[i];
    if (i === decl.length || (depth === 0 && (c === '&' || c === ';'))) {
      parts.push([from, i]);
      if (c !== '&') break;
      from = i + 1;
    } else if (c === '<' || c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && decl[i - 1] !== '=')) depth--;
    else if (depth === 0 && (c === '|' || c === '?' || c === '\n' && /^\s*(?:export|type|interface|const|function|class|declare)\b/.test(decl.slice(i + 1)))) {
      if (c === '\n') {
        parts.push([from, i]);
        break;
      }
      return undefined;
    }
  }
  if (parts.length < 2) return undefined;
  const bases: string[] = [];
  let brace: number | undefined;
  for (const [a, b] of parts) {
    const part = decl.slice(a, b).trim();
    if (part.startsWith('{') && part.endsWith('}')) brace ??= a + decl.slice(a, b).indexOf('{');
    else {
      const named = /^([A-Za-z_$][\w$.]*)\s*(?:<([^]*)>)?$/.exec(part);
      if (!named) return undefined;
      // `Omit<RouterOptions, 'x'>`, `Partial<Options>`: the type they are made from.
      const made = /^(?:Omit|Pick|Partial|Required|Readonly)$/.test(named[1]!) ? /^\s*([A-Za-z_$][\w$.]*)\s*(?:,|$)/.exec(named[2] ?? '')?.[1] : named[1];
      if (made) bases.push(made);
    }
  }
  // Only with an object type of its own: its members make the alias a class-like type (its bases add theirs).
  return bases.length && brace !== undefined ? { bases, brace } : undefined;
}

const ecma = (l: SyntaxLanguage) => l !== 'python';

/**
 * A Python module's `__all__`, from its module-level assignments of literal names (`__all__ = [...]`
 * or `(...)`, `+= [...]`, `.extend([...])`, `.append('x')`); undefined without one, or where one is
 * computed (`__all__ = core.__all__ + [...]`), which only running the module would tell.
 */
function dunderAll(text: string): string[] | undefined {
  let names: string[] | undefined;
  for (const m of text.matchAll(/^__all__\s*(?::[^=\n]*)?(\+?=|\.extend\(|\.append\()\s*([\s\S]{0,20000}?)(?=^\S|(?![\s\S]))/gm)) {
    const value = m[2]!.replace(/#[^\n]*/g, '');
    const strings = /[rRuU]?(['"])([A-Za-z_]\w*)\1/g;
    if (!/^[\s[\](),]*$/.test(value.replace(strings, ''))) return undefined;
    const found = [...value.matchAll(strings)].map((n) => n[2]!);
    names = m[1] === '=' ? found : [...(names ?? []), ...found];
  }
  return names;
}

/** Local export lists and CommonJS exports. */
function exportNames(text: string, language: SyntaxLanguage, classes: ReadonlySet<string>): Array<[string, string]> {
  if (!ecma(language)) return [];
  const out: Array<[string, string]> = [];
  for (const m of text.matchAll(/^\s*export\s*(?:type\s*)?\{([^}]*)\}\s*(?!\s*from)\s*;?/gm)) {
    if (/^\s*from\b/.test(text.slice(m.index! + m[0].length))) continue;
    // A documented export list (`export {\n  /** … */\n  _await as await\n}`): the comments are no names.
    for (const spec of m[1]!.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '').split(',')) {
      const parts = spec.trim().replace(/^type\s+/, '').split(/\s+as\s+/);
      if (parts[0]) out.push([(parts[1] ?? parts[0]).trim(), parts[0].trim()]);
    }
  }
  for (const m of text.matchAll(/^\s*export\s+default\s+([A-Za-z_$][\w$]*)\s*;?\s*$/gm)) out.push(['default', m[1]!]);
  for (const m of text.matchAll(/^\s*export\s+default\s+(?:async\s+)?(?:function\s*\*?|(?:abstract\s+)?class)\s+([A-Za-z_$][\w$]*)/gm)) out.push(['default', m[1]!]);
  for (const m of text.matchAll(/^\s*module\.exports\s*=\s*([A-Za-z_$][\w$]*)\s*;?\s*$/gm)) out.push(['default', m[1]!]);
  for (const m of text.matchAll(/^\s*module\.exports\s*=\s*class\s+([A-Za-z_$][\w$]*)/gm)) out.push(['default', m[1]!]);
  for (const m of text.matchAll(/^\s*module\.exports\s*=\s*\{/gm)) out.push(...objectLiteralKeys(text, m.index! + m[0].length - 1));
  // Once `module.exports = X` replaced the exports with a class, `module.exports.y = …` is a static member of X (`assignedMembers`).
  const whole = wholeExport(text);
  if (!whole || !classes.has(whole))
    for (const m of text.matchAll(/^\s*(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=\s*(?:function\s*\*?\s*)?([A-Za-z_$][\w$]*)?/gm)) out.push([m[1]!, m[2] && m[2] !== 'function' ? m[2] : m[1]!]);
  return out;
}

/**
 * The keys of the object literal opening at `open` (`module.exports = { a, b: c, d(x) { … } }`),
 * each with the local name it exports: a shorthand or `key: name` its name, a method or any other
 * value the key itself (the syntax service declares such a method under its key). Comments,
 * strings and nested brackets are skipped; spreads give no key.
 */
export function objectLiteralKeys(text: string, open: number): Array<[key: string, local: string]> {
  const out: Array<[string, string]> = [];
  let depth = 0;
  let entry = '';
  const flush = () => {
    const e = entry.trim();
    entry = '';
    if (!e || e.startsWith('...')) return;
    const m = /^(?:(?:async|get|set|static)\s+)*\*?\s*(?:([A-Za-z_$][\w$]*)|'([^']*)'|"([^"]*)")\s*(?::\s*([A-Za-z_$][\w$]*)\s*$)?/.exec(e);
    const key = m?.[1] ?? m?.[2] ?? m?.[3];
    if (key !== undefined && /^[A-Za-z_$][\w$]*$/.test(key)) out.push([key, m![4] ?? key]);
  };
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
      if (i < 0) break;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
      if (i <= 0) break;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && !(c !== '`' && text[j] === '\n')) j += text[j] === '\\' ? 2 : 1;
      if (depth === 1) entry += text.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '{' || c === '(' || c === '[') {
      depth++;
      if (depth === 2) entry += c;
      continue;
    }
    if (c === '}' || c === ')' || c === ']') {
      depth--;
      if (depth === 0) {
        flush();
        break;
      }
      continue;
    }
    if (depth !== 1) continue;
    if (c === ',') flush();
    else entry += c;
  }
  return out;
}

/**
 * A named class expression that replaces a CommonJS module's exports (`module.exports = class
 * NoModeWarning extends WebpackError {`, 40 of webpack's files): the parser declares its methods
 * but not the class, which requirers and subclasses need.
 */
function exportedClassExpressions(text: string, language: SyntaxLanguage, known: Set<string>): ApiSymbol[] {
  if (!ecma(language) || !text.includes('module.exports')) return [];
  const out: ApiSymbol[] = [];
  for (const m of text.matchAll(/^[ \t]*module\.exports[ \t]*=[ \t]*class\s+([A-Za-z_$][\w$]*)/gm)) {
    if (known.has(m[1]!)) continue;
    known.add(m[1]!);
    out.push({ name: m[1]!, kind: 'class', container: '', exported: true, ...positionAt(text, m.index! + m[0].length - m[1]!.length) });
  }
  return out;
}

/** `exports.name = function (a, b)` declares a function the syntax service sees as an assignment. */
function commonJsFunctions(text: string, language: SyntaxLanguage, known: Set<string>): ApiSymbol[] {
  if (!ecma(language)) return [];
  const out: ApiSymbol[] = [];
  for (const m of text.matchAll(/^\s*(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?function\s*\*?\s*[A-Za-z_$]*\s*\(([^)]*)\)/gm)) {
    if (known.has(m[1]!)) continue;
    const { line, character } = positionAt(text, m.index! + m[0].indexOf(m[1]!, 8));
    const params = m[2]!.split(',').map((p) => p.trim()).filter(Boolean);
    out.push({ name: m[1]!, kind: 'function', container: '', signature: `${m[1]}(${params.join(', ')})`, params, exported: true, line, character });
  }
  return out;
}

/** The name a CommonJS module replaces its exports with (`module.exports = Template;`, `module.exports = class Template {`), if it does. */
function wholeExport(text: string): string | undefined {
  return (/^\s*module\.exports\s*=\s*([A-Za-z_$][\w$]*)\s*;?\s*$/m.exec(text) ?? /^\s*module\.exports\s*=\s*class\s+([A-Za-z_$][\w$]*)/m.exec(text))?.[1];
}

/**
 * Members assigned to a class of the file at the top level: to its prototype
 * (`TableCompiler.prototype.pushQuery = pushQuery;`, knex's helpers mixed into its compilers), an
 * instance member; to the class itself (`ConstDependency.Template = class … {`), or to the exports
 * that the class replaced (`module.exports = Template; module.exports.NUMBER_OF_… = …`), a static
 * one. A method when the value is a function or names one, a class when it is a class, else an
 * attribute. A member the class declares itself is left as declared.
 */
function assignedMembers(text: string, language: SyntaxLanguage, symbols: readonly ApiSymbol[], classes: ReadonlySet<string>): ApiSymbol[] {
  if (!ecma(language) || !classes.size) return [];
  const whole = wholeExport(text);
  const known = new Set(symbols.filter((s) => s.container).map((s) => `${s.container}.${s.name}`));
  const out: ApiSymbol[] = [];
  for (const m of text.matchAll(/^(module\.exports|[A-Za-z_$][\w$]*)\.(prototype\.)?([A-Za-z_$][\w$]*)[^\S\n]*=(?!=)[^\S\n]*([^\n]*)/gm)) {
    const [, holder, prototype, name, value] = m as unknown as [string, string, string | undefined, string, string];
    const container = holder === 'module.exports' ? (prototype ? undefined : whole) : holder;
    if (!container || !classes.has(container) || known.has(`${container}.${name}`)) continue;
    known.add(`${container}.${name}`);
    const fn = /^(?:async\s+)?function\b/.exec(value);
    const arrow = /^(?:async\s*)?(?:\(([^)]*)\)|[A-Za-z_$][\w$]*)\s*=>/.exec(value);
    const isClass = /^class\b/.test(value);
    const callable = fn || arrow || (/^[A-Za-z_$][\w$.]*\s*;?\s*$/.test(value) && !/^(?:true|false|null|undefined|this|NaN|Infinity)\b/.test(value) && !/^[A-Z][A-Z0-9_]*\s*;?\s*$/.test(value));
    const params = fn ? (/\(([^)]*)\)/.exec(value)?.[1] ?? '') : arrow ? (arrow[1] ?? '') : undefined;
    const { line, character } = positionAt(text, m.index! + m[0].indexOf(name, holder.length + 1));
    const list = params?.split(',').map((x) => x.trim()).filter(Boolean);
    const kind = isClass ? 'class' : callable ? 'method' : 'attribute';
    out.push({ name, kind, container, ...(prototype ? {} : { static: true }), ...(list ? { params: list, signature: `${name}(${list.join(', ')})` } : {}), exported: true, line, character });
  }
  return out;
}

/** A TypeScript header with every balanced `<…>` removed (`=>` inside them is no closing bracket); cut where the brackets never close. */
export function withoutTypeArguments(header: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < header.length; i++) {
    const c = header[i]!;
    if (c === '<') depth++;
    else if (c === '>' && header[i - 1] !== '=') {
      if (depth === 0) return out;
      depth--;
    } else if (depth === 0) out += c;
  }
  return out;
}

function basesOf(decls: readonly Declaration[], text: string, language: SyntaxLanguage): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  // Classes declared inside a function or class too (a test's `class ProcessHandler(RequestHandler):` in a method), after the top-level ones: a top-level class keeps its name.
  const topLevel = new Set(decls.filter((d) => d.scope === 'file').map((d) => d.name));
  const ordered = [...decls.filter((d) => d.scope === 'file'), ...decls.filter((d) => d.scope !== 'file' && d.kind === 'class' && !topLevel.has(d.name))];
  for (const d of ordered) {
    if (d.kind === 'type' && d.scope === 'file' && language !== 'python') {
      // `type CoordinatorRouter = AnyRouter & { … }`: an instance of AnyRouter, with members of its own.
      const bases = intersectionParts(d, text)?.bases;
      if (bases) out[d.name] = bases;
      continue;
    }
    if ((d.kind !== 'class' && d.kind !== 'interface') || (d.scope !== 'file' && Object.hasOwn(out, d.name))) continue;
    // Long type parameter lists (tanstack form's FieldApiOptions: 50 lines of them) come before a TypeScript `extends`.
    const header = text.slice(d.end, Math.min(d.range.end, d.end + (language === 'python' ? 300 : 6000)));
    let bases: string[] = [];
    if (language === 'python') {
      const m = /^\s*(?:\[[^\]]*\])?\s*\(([^)]*)\)\s*:/.exec(header);
      if (m) bases = m[1]!.split(',').map((b) => b.trim()).filter((b) => b && !b.includes('='));
    } else {
      // Type parameters and arguments nest (`<T extends A<B> = A<B>> extends C<T>`): read the header without them.
      const plain = withoutTypeArguments(header);
      const m = /^\s*extends\s+([^{]*?)\s*(?:implements\b|\{)/.exec(plain);
      if (m) bases.push(...m[1]!.split(',').map((s) => s.trim()).filter(Boolean));
      const impl = /^[^{]*?\bimplements\s+([^{]*)\{/.exec(plain);
      if (impl) bases.push(...impl[1]!.split(',').map((s) => s.trim()).filter(Boolean));
    }
    bases = bases.map((b) => b.replace(/\[.*$/, '').replace(/<.*$/, '')).filter((b) => /^[A-Za-z_$][\w$.]*$/.test(b) && b !== 'object');
    if (bases.length) out[d.name] = bases;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * A class header in TypeScript / JavaScript text: `class` opening a line (after `export`,
 * `default`, `declare`, `abstract`) or a class expression (after `=`, `(`, `,`, `return`, `new`);
 * not the word in a comment or a string (`/** A class representing the Field API … {`).
 */
const classHeader = /(?:^[ \t]*(?:export[ \t]+)?(?:default[ \t]+)?(?:declare[ \t]+)?(?:abstract[ \t]+)?|(?:[=(,]|\breturn|\bnew)[ \t]*)class\s+([A-Za-z_$][\w$]*)[^{;]*\{/gm;

/**
 * The base of each class whose header the text has but the parser gave no declaration (a class
 * still open at the end of the text: the cursor in an unfinished method, `this.` lists what the
 * base declares), or a named class expression that replaces a CommonJS module's exports
 * (`module.exports = class QueryBuilder_PostgreSQL extends QueryBuilder {`): `class X extends Y {`
 * at the start of a line.
 */
function unparsedBases(text: string, decls: readonly Declaration[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!text.includes('extends')) return out;
  const declared = new Set(decls.filter((d) => d.kind === 'class').map((d) => d.name));
  for (const m of text.matchAll(/^[ \t]*(?:module\.exports[ \t]*=[ \t]*)?(?:export[ \t]+)?(?:default[ \t]+)?(?:declare[ \t]+)?(?:abstract[ \t]+)?class\s+([A-Za-z_$][\w$]*)\s*(?:<[^{\n]*?>)?\s+extends\s+([A-Za-z_$][\w$.]*)[^{;\n]*\{/gm))
    if (!declared.has(m[1]!) && !Object.hasOwn(out, m[1]!)) out[m[1]!] = [m[2]!];
  return out;
}

/**
 * The class around an offset read from the text, for text the parser could not close (the cursor
 * in an unfinished method): the last `class X … {` whose brace is still open, or in Python the last
 * `class X:` whose indented body the offset is in.
 */
export function enclosingClassByText(text: string, offset: number): { name: string } | undefined {
  const before = text.slice(0, offset);
  let found: string | undefined;
  if (/^\s*(?:class|def)\s/m.test(before) && !/\{/.test(before.slice(before.search(/^\s*class\s/m)))) {
    for (const m of before.matchAll(/^([ \t]*)class\s+([A-Za-z_]\w*)[^\n]*:\s*$/gm)) {
      const indent = m[1]!.length;
      const body = before.slice(m.index! + m[0].length).split('\n').filter((l) => l.trim());
      if (body.every((l) => /^[ \t]*/.exec(l)![0].length > indent)) found = m[2];
    }
    return found ? { name: found } : undefined;
  }
  for (const m of before.matchAll(classHeader)) {
    let depth = 0;
    for (let i = m.index! + m[0].length - 1; i < before.length; i++) {
      const c = before[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    if (depth > 0) found = m[1];
  }
  return found ? { name: found } : undefined;
}

/**
 * `enclosingClassByText` for many offsets of one text, with the same answers: the text is scanned
 * once (class headers, brace depths), so each offset costs the number of class headers instead of
 * the length of the text (asking it for every `this.x =` of a large prototype-style file was
 * quadratic: two thirds of the index build on npm packages).
 */
export function classesByText(text: string): (offset: number) => string | undefined {
  let scanned = false;
  let pythonLike: RegExpExecArray | null = null;
  let pythonClass: RegExpExecArray | null = null;
  let depth: Int32Array | undefined;
  let opens: Int32Array | undefined;
  let headers: { end: number; name: string }[] | undefined;
  const prefixCounts = () => {
    depth = new Int32Array(text.length + 1);
    opens = new Int32Array(text.length + 1);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      depth[i + 1] = depth[i]! + (c === 123 ? 1 : c === 125 ? -1 : 0);
      opens[i + 1] = opens[i]! + (c === 123 ? 1 : 0);
    }
  };
  return (offset) => {
    // Regex matches inside text.slice(0, offset) are the whole text's matches that end by offset
    // (a match crossing offset has no brace or semicolon before it, so none starts after it either).
    if (!scanned) {
      scanned = true;
      pythonLike = /^\s*(?:class|def)\s/m.exec(text);
      pythonClass = /^\s*class\s/m.exec(text);
      prefixCounts();
    }
    if (pythonLike && pythonLike.index + pythonLike[0].length <= offset) {
      const from = pythonClass && pythonClass.index + pythonClass[0].length <= offset ? pythonClass.index : offset - 1;
      if (opens![offset]! - opens![Math.max(0, from)]! === 0) return enclosingClassByText(text, offset)?.name;
    }
    headers ??= [...text.matchAll(classHeader)].map((m) => ({ end: m.index! + m[0].length, name: m[1]! }));
    let found: string | undefined;
    for (const h of headers) {
      if (h.end > offset) break;
      // The header's brace is still open at offset.
      if (depth![offset]! - depth![h.end - 1]! > 0) found = h.name;
    }
    return found;
  };
}

/** The classes enclosing each offset, by the declarations' ranges (top-level classes only), else by the text. */
function classAt(decls: readonly Declaration[], offset: number, byText?: (offset: number) => string | undefined): string | undefined {
  let best: Declaration | undefined;
  for (const d of decls) if (d.kind === 'class' && d.range.start <= offset && offset < d.range.end && (!best || d.range.start > best.range.start)) best = d;
  return best?.name ?? byText?.(offset);
}

/** The type of a parameter of the function around `offset`: its annotation, else the class of a `Foo()` / `new Foo()` default. */
function parameterType(decls: readonly Declaration[], offset: number, name: string): string | undefined {
  let fn: Declaration | undefined;
  for (const d of decls) if ((d.kind === 'function' || d.kind === 'method') && d.range.start <= offset && offset < d.range.end && (!fn || d.range.start > fn.range.start)) fn = d;
  const p = fn?.signature?.parameters.find((x) => x.name === name);
  if (!p) return undefined;
  if (p.type && /^[\s'"]*[A-Za-z_$]/.test(p.type)) return p.type.trim();
  const def = p.default && /^(?:new\s+)?([A-Za-z_$][\w$.]*)\s*\(/.exec(p.default.trim());
  return def && /^[A-Z]/.test(def[1]!.split('.').pop()!) ? def[1] : undefined;
}

/** The type of a `/** @type {T} *\/` comment ending right before the line of `offset` (or before it on that line). */
function jsDocTypeAbove(text: string, offset: number): string | undefined {
  const before = text.slice(Math.max(0, offset - 400), offset).replace(/\s+$/, '');
  if (!before.endsWith('*/')) return undefined;
  const open = before.lastIndexOf('/**');
  return open >= 0 && before.indexOf('*/', open) === before.length - 2 ? jsDocTypeTag(before.slice(open)) : undefined;
}

function attrTypesOf(decls: readonly Declaration[], text: string, language: SyntaxLanguage, imports: readonly ImportInfo[] = []): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const byText = classesByText(text);
  // The whole annotation (`self.cache: Optional[JWKSetCache] = None`): resolveType unwraps Optional[…].
  for (const m of text.matchAll(/\b(?:self|this)\.([A-Za-z_$][\w$]*)\s*(?::\s*(['"]?[A-Za-z_$][^=;\n]*?))?\s*=(?!=)\s*(?:new\s+)?([A-Za-z_$][\w$.]*)?\s*(\()?/g)) {
    const cls = classAt(decls, m.index!, byText);
    if (!cls) continue;
    let type: string | undefined = m[2]?.trim() || (m[4] && m[3] && /^[A-Z]/.test(m[3].split('.').pop()!) ? m[3] : undefined);
    // `self.repo = repo` with `repo: Repo` or `repo=Repo()` a parameter of the enclosing function.
    if (!type && !m[4] && m[3] && !m[3].includes('.')) type = parameterType(decls, m.index!, m[3]);
    // JavaScript's `/** @type {ChunkGraph} */` right above `this.chunkGraph = undefined;`.
    if (language === 'javascript') type = jsDocTypeAbove(text, m.index!) ?? type;
    if (type) out[`${cls}.${m[1]}`] ??= type;
  }
  // Field initializers: `private readonly cache = new Lru()`, `cache = new Lru()` in a class body.
  for (const m of text.matchAll(/^\s*(?:(?:private|public|protected|readonly|static)\s+)*#?([A-Za-z_$][\w$]*)\s*=\s*new\s+([A-Za-z_$][\w$.]*)/gm)) {
    const cls = classAt(decls, m.index!, byText);
    if (cls) out[`${cls}.${m[1]}`] ??= m[2]!;
  }
  // Python class attributes assigned in the class body (`fnumber = (\n Regex(…)\n .copy()\n)`, `integer = Word(nums).set_name(…)`):
  // what the initialiser constructs, so `pyparsing_common.fnumber.` resolves; not a method's locals.
  if (language === 'python') {
    for (const m of text.matchAll(/^[ \t]+([A-Za-z_]\w*)[ \t]*=(?!=)\s*(?:\(\s*)?([A-Za-z_][\w.]*)[ \t]*\(/gm)) {
      if (!/^[A-Z]/.test(m[2]!.split('.').pop()!)) continue;
      const cls = classAt(decls, m.index!, byText);
      if (!cls || decls.some((d) => (d.kind === 'function' || d.kind === 'method') && d.range.start <= m.index! && m.index! < d.range.end)) continue;
      out[`${cls}.${m[1]}`] ??= m[2]!;
    }
    // A class attribute holding an imported module (fontTools' `class Parser:` / `ast = ast`, so `self.ast.Comment(`):
    // a module's local name (`import a.b as ast`, or lower-case from `from a import ast`), not a class.
    const modules = new Set(imports.flatMap((i) => i.names.filter((n) => n.local && (n.kind === 'module' || n.kind === 'namespace' || (n.kind === 'named' && /^[a-z_]/.test(n.local)))).map((n) => n.local!)));
    if (modules.size)
      for (const m of text.matchAll(/^[ \t]+([A-Za-z_]\w*)[ \t]*=[ \t]*([A-Za-z_]\w*)[ \t]*(?:#.*)?$/gm)) {
        if (!modules.has(m[2]!)) continue;
        const cls = classAt(decls, m.index!, byText);
        if (!cls || decls.some((d) => (d.kind === 'function' || d.kind === 'method') && d.range.start <= m.index! && m.index! < d.range.end)) continue;
        out[`${cls}.${m[1]}`] ??= m[2]!;
      }
  }
  // TypeScript constructor parameter properties and typed fields: `private readonly repo: Repo`.
  for (const m of text.matchAll(/(?:private|public|protected|readonly)\s+(?:readonly\s+)?([A-Za-z_$][\w$]*)\??\s*:\s*([A-Za-z_$][\w$.]*)/g)) {
    const cls = classAt(decls, m.index!, byText);
    if (cls) out[`${cls}.${m[1]}`] ??= m[2]!;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Comments addressed to tools (bundlers, linters, coverage, type checkers), not to readers: whole lines, and marks anywhere. */
const toolPragmaLine = /^\s*(?:eslint-(?:disable|enable)|eslint\s|global\s+[\w$]+(?:\s*[:,]\s*[\w$]+)*\s*$|istanbul\s+ignore|[cv]8\s+ignore|prettier-ignore|@ts-(?:ignore|expect-error|nocheck|check)|tslint:|jshint\s|noqa|type:\s*ignore|pragma:\s*no\s*cover|fmt:\s*(?:on|off|skip)|pylint:|webpack[A-Z]\w*:|@vite-ignore).*$/gim;
const toolPragmaMark = /[#@]__(?:PURE|NO_SIDE_EFFECTS|INLINE|NOINLINE)__|\s*#\s*(?:noqa|type:\s*ignore|pragma:\s*no\s*cover)\b.*$/gim;

/** A doc as readers wrote it: tool pragmas dropped, a license header is no doc (undefined when nothing is left). */
export function docText(doc: string | undefined): string | undefined {
  if (!doc) return undefined;
  if (/^\s*(?:@license\b|@preserve\b|copyright\b|\(c\)\s|SPDX-License-Identifier\b)/i.test(doc)) return undefined;
  const text = doc.replace(toolPragmaLine, '').replace(toolPragmaMark, '').trim();
  return text || undefined;
}

/** Words of the languages themselves: in every body, no evidence of what one does. */
const codeKeywords = new Set(
  'def return self cls this if else elif for while in not and or is none true false null undefined const let var function async await new typeof instanceof try except catch finally raise throw with as import from pass lambda yield class super void delete break continue of switch case default export public private protected readonly static any string number boolean object unknown never type interface extends implements keyof infer str int bool dict list tuple float bytes optional'.split(' '),
);

/**
 * What a function's body uses, as words: the identifiers and comments it is written with ("opens
 * a file, `json.load`s it, returns `Config`" is "load the config file"), distinct, first seen
 * first, bounded. Doc strings and block comments are left out: the doc is a field of its own.
 */
export function bodyWords(declaration: string, name: string): string | undefined {
  const code = declaration
    .replace(/("""|''')[\s\S]*?(?:\1|$)|\/\*[\s\S]*?(?:\*\/|$)/g, ' ')
    // A string alone on its line is a docstring written with single quotes.
    .replace(/^\s*[rRuUbB]*("[^"\n]*"|'[^'\n]*')\s*$/gm, ' ');
  const own = new Set(wordsOf(name));
  const out = new Set<string>();
  for (const w of wordsOf(code)) {
    if (own.has(w) || codeKeywords.has(w) || /^\d/.test(w)) continue;
    out.add(w);
    if (out.size >= extractLimits.bodyWords) break;
  }
  return out.size ? [...out].join(' ') : undefined;
}

const keywordsNotReceivers = new Set(['if', 'for', 'while', 'return', 'function', 'typeof', 'new', 'await']);

/** Member-call usages: the member name and the words of its line and the line before (bounded). */
export function memberUsages(text: string): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const m of text.matchAll(/([A-Za-z_$][\w$]*|\))\s*\.\s*([A-Za-z_$][\w$]*)\s*\(/g)) {
    if (keywordsNotReceivers.has(m[1]!)) continue;
    const lineStart = text.lastIndexOf('\n', m.index!);
    const prevStart = text.lastIndexOf('\n', Math.max(0, lineStart - 1));
    const words = [...new Set(wordsOf(text.slice(prevStart + 1, m.index!)))].slice(-extractLimits.usageWords);
    out.push([m[2]!, words.join(' '), m[1] === ')' ? '' : wordsOf(m[1]!).join(' ')]);
    if (out.length >= extractLimits.usages) break;
  }
  return out;
}

/** The index record of one file (parsed by `syntax`; its tree is closed afterwards unless `keepTree`). */
export async function extractFile(
  syntax: SyntaxQueries & { close?(uri: string): void },
  file: { uri: string; text: string; size?: number; mtime?: number },
  options: { keepTree?: boolean } = {},
): Promise<FileRecord | undefined> {
  const language = indexLanguageOf(file.uri);
  if (!language) return undefined;
  const doc = { uri: file.uri, version: 1, text: file.text, languageId: language === 'tsx' ? 'typescriptreact' : language };
  try {
    const [decls, imports] = [await syntax.declarations(doc), await syntax.imports(doc)];
    return recordOf(file, language, decls, imports);
  } finally {
    if (!options.keepTree) syntax.close?.(file.uri);
  }
}

/** A doc that says what the symbol does (not only tags such as `@deprecated` or `@param`). */
function describes(doc: string | undefined): boolean {
  return !!doc && !/^\s*@/.test(doc);
}

/**
 * TypeScript overloads (and Python `@overload` / property setters) declare one name several
 * times: one symbol per (class, name) is kept — the implementation's location, the first
 * describing doc, the most complete signature.
 */
function mergeOverloads(symbols: ApiSymbol[]): void {
  const first = new Map<string, ApiSymbol>();
  let w = 0;
  for (const s of symbols) {
    const key = `${s.container}\u0000${s.name}`;
    const kept = first.get(key);
    if (!kept) {
      first.set(key, s);
      symbols[w++] = s;
      continue;
    }
    if (!describes(kept.doc) && describes(s.doc)) kept.doc = s.doc;
    else if (!kept.doc && s.doc) kept.doc = s.doc;
    if ((s.params?.length ?? -1) > (kept.params?.length ?? -1) && s.signature) {
      kept.signature = s.signature;
      kept.params = s.params!;
      if (s.returnType) kept.returnType = s.returnType;
    }
    // A method bound in its class's constructor (`this.catch = this.catch.bind(this)`) is first listed as an attribute: it is the method.
    if (kept.kind === 'attribute' && s.kind === 'method') kept.kind = 'method';
    kept.returnType ??= s.returnType;
    kept.returns ??= s.returns;
    kept.returnsMember ??= s.returnsMember;
    kept.exported ||= s.exported;
    // `interface $ZodAny` + `const $ZodAny: $constructor<$ZodAny>`: one symbol, whose value is typed.
    if (s.valueType && !kept.valueType) kept.valueType = s.valueType;
  }
  symbols.length = w;
}

interface NamespaceBlock {
  name: string;
  exported: boolean;
  /** Offsets of the body's braces. */
  open: number;
  close: number;
  line: number;
  character: number;
}

/**
 * TypeScript namespaces at the top of a file (`export namespace util {`, `export declare namespace
 * errorUtil {`): the syntax service lists their members as the file's own. Not a dotted name.
 */
function namespaceBlocks(text: string): NamespaceBlock[] {
  if (!text.includes('namespace')) return [];
  const out: NamespaceBlock[] = [];
  for (const m of text.matchAll(/^(export\s+)?(?:declare\s+)?namespace\s+([A-Za-z_$][\w$]*)\s*\{/gm)) {
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let close = -1;
    for (let i = open; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 123) depth++;
      else if (c === 125 && --depth === 0) {
        close = i;
        break;
      }
    }
    if (close < 0) continue;
    const at = m.index + m[0].indexOf(m[2]!, m[0].indexOf('namespace') + 9);
    out.push({ name: m[2]!, exported: !!m[1], open, close, ...positionAt(text, at) });
  }
  return out;
}

/** Namespace members a receiver reaches as `ns.member` (the types and interfaces declared in one stay the file's). */
const namespaceMemberKinds = new Set(['function', 'constant', 'variable', 'class', 'enum']);

/** The record from already-computed declarations and imports. */
export function recordOf(file: { uri: string; text: string; size?: number; mtime?: number }, language: SyntaxLanguage, decls: readonly Declaration[], imports: readonly ImportInfo[]): FileRecord {
  const text = file.text;
  const symbols: ApiSymbol[] = [];
  // A namespace merged with a class, function or interface of its name (`interface Effect` + `namespace Effect`) is left as it is.
  const namespaces = language === 'python' ? [] : namespaceBlocks(text).filter((n) => !decls.some((d) => d.scope === 'file' && d.name === n.name));
  const namespaced = new Set<string>();
  for (const d of decls) {
    const s = symbolOf(d, text, language);
    if (s && namespaces.length && !s.container && namespaceMemberKinds.has(s.kind)) {
      const ns = namespaces.find((n) => n.open < d.range.start && d.range.end <= n.close);
      if (ns) {
        s.container = ns.name;
        namespaced.add(ns.name);
      }
    }
    if (s) symbols.push(s);
    if (d.kind === 'interface' && d.scope === 'file') symbols.push(...interfaceMembers(d, text));
    // `type Api = { get(): T }` declares members as an interface does (callers get such objects from factories).
    const brace = d.kind === 'type' && d.scope === 'file' && s ? objectTypeBrace(d, text) ?? intersectionParts(d, text)?.brace : undefined;
    if (brace !== undefined) symbols.push(...interfaceMembers(d, text, brace));
    // TypeScript parameter properties: `constructor(public x: number, private readonly repo: Repo)`.
    if (s?.name === 'constructor' && s.container && d.signature)
      for (const p of d.signature.parameters)
        if (/^(?:public|private|protected|readonly)\b/.test(p.text))
          symbols.push({ name: p.name, kind: 'attribute', container: s.container, signature: p.text, exported: !/^(?:private|protected)\b/.test(p.text), line: s.line, character: s.character });
    if (symbols.length >= extractLimits.symbols) break;
  }
  for (const n of namespaces) if (namespaced.has(n.name)) symbols.push({ name: n.name, kind: 'module', container: '', exported: n.exported, line: n.line, character: n.character });
  symbols.push(...commonJsFunctions(text, language, new Set(symbols.map((s) => s.name))));
  symbols.push(...exportedClassExpressions(text, language, new Set(symbols.filter((s) => !s.container).map((s) => s.name))));
  // The file's top-level classes (assigned members only add members to them).
  const classes = new Set(symbols.filter((s) => !s.container && s.kind === 'class').map((s) => s.name));
  symbols.push(...assignedMembers(text, language, symbols, classes));
  if (language === 'python') {
    // `settings = Settings()` types `settings` only when it is the name's one module-level declaration.
    const count = new Map<string, number>();
    for (const d of decls) if (d.scope === 'file') count.set(d.name, (count.get(d.name) ?? 0) + 1);
    for (const s of symbols) if (s.valueType && !s.container && (count.get(s.name) ?? 0) > 1) delete s.valueType;
  }
  mergeOverloads(symbols);
  const record: FileRecord = {
    uri: file.uri,
    language,
    size: file.size ?? text.length,
    mtime: file.mtime ?? 0,
    symbols,
    imports: imports.map(importRecord).filter((i): i is ImportRecord => !!i),
  };
  const exports = exportNames(text, language, classes);
  if (exports.length) record.exportNames = exports;
  const star = language === 'python' ? dunderAll(text) : undefined;
  if (star) record.starNames = star;
  const bases = { ...basesOf(decls, text, language), ...(ecma(language) ? unparsedBases(text, decls) : {}) };
  if (Object.keys(bases).length) record.bases = bases;
  const attrTypes = attrTypesOf(decls, text, language, imports);
  if (attrTypes) record.attrTypes = attrTypes;
  const usages = memberUsages(text);
  if (usages.length) record.usages = usages;
  return record;
}
