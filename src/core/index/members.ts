/**
 * API token completion at `recv.` / `Module.`: resolve the receiver to a module or a class, list
 * its members, rank them. Receiver resolution, in order: `this` / `self` / `cls` → the enclosing
 * class; a call `C(…)` / `new C(…)` → an instance of C (a function → its return type); a local
 * assignment `x = C(…)`, `x = new C()`, an annotation `x: T` or a typed parameter → T; an import
 * binding → the module (namespace, `import a.b as c`, `from pkg import mod`) or the class; the
 * file's own class; a chain (`self.repo.`, `mod.Class.`) member by member; else the class whose
 * name is most like the receiver's. Ranking: typed prefix, kind, own over inherited, similarity
 * of the code before the cursor to the code around the member's other uses in the project, and
 * (when given) the model's likelihood of the name.
 */
import type { Declaration } from '../syntax/types';
import type { Binding, ProjectIndex } from './projectIndex';
import type { ApiSymbol, ApiTarget, SymbolRef } from './types';
import { dice, splitIdentifier, wordsOf } from './words';
import { enclosingClassByText } from './extract';

export interface ReceiverChainPart {
  name: string;
  /** Called: `name(…)`. */
  call: boolean;
  /** `new name(…)`. */
  construct?: boolean;
}

export interface ParsedReceiver {
  /** The receiver as written, without the trailing dot (`self.repo`, `Config`). */
  text: string;
  chain: ReceiverChainPart[];
  /** What is typed after the dot. */
  prefix: string;
  /** Offset of the typed prefix (where a completion replaces from). */
  prefixStart: number;
}

/** The `recv.pre` before `offset`, or undefined when the cursor is not after a member access. */
export function parseReceiver(text: string, offset: number): ParsedReceiver | undefined {
  let i = offset;
  while (i > 0 && /[\w$]/.test(text[i - 1]!)) i--;
  const prefix = text.slice(i, offset);
  const prefixStart = i;
  let j = i;
  while (j > 0 && /[ \t]/.test(text[j - 1]!)) j--;
  if (text[j - 1] !== '.' || text[j - 2] === '.') return undefined;
  j--;
  const chain: ReceiverChainPart[] = [];
  let end = j;
  // Where the whitespace before the dot just passed may start: a chain broken over lines
  // (`client\n  .getQueryCache()\n  .`) puts a line break and indentation before each dot.
  let spaceFrom = j - 40;
  for (;;) {
    while (j > 0 && /\s/.test(text[j - 1]!) && j > spaceFrom) j--;
    let call = false;
    if (text[j - 1] === ')') {
      // A call: skip the balanced argument list.
      let depth = 0;
      let k = j - 1;
      for (; k >= 0; k--) {
        if (text[k] === ')') depth++;
        else if (text[k] === '(') {
          depth--;
          if (depth === 0) break;
        }
        if (j - k > 2000) return undefined;
      }
      if (k < 0) return undefined;
      j = k;
      call = true;
    }
    let s = j;
    while (s > 0 && /[\w$]/.test(text[s - 1]!)) s--;
    const name = text.slice(s, j);
    if (!name || /^\d/.test(name)) {
      if (chain.length || name || !call) return chain.length ? finish() : undefined;
      // A parenthesized expression (`(a + b).`, a chain broken over lines): a receiver of unknown type.
      chain.unshift({ name: '', call: true });
      return finish();
    }
    const part: ReceiverChainPart = { name, call };
    const before = text.slice(Math.max(0, s - 8), s);
    if (call && /\bnew\s+$/.test(before)) part.construct = true;
    chain.unshift(part);
    j = s;
    if (text[j - 1] === '.' && text[j - 2] !== '.') {
      j--;
      spaceFrom = j - 200;
      continue;
    }
    return finish();
  }
  function finish(): ParsedReceiver {
    return { text: text.slice(j, end).replace(/\s+/g, ''), chain, prefix, prefixStart };
  }
}

export type ResolvedBy = 'self' | 'constructor' | 'assignment' | 'annotation' | 'parameter' | 'isinstance' | 'loop' | 'import' | 'local' | 'chain' | 'usage' | 'similarity' | 'none';

export interface ReceiverResolution {
  target: ApiTarget;
  by: ResolvedBy;
}

export interface LiveDocument {
  uri: string;
  /** The text the cursor is in (for the evaluation: cut at the cursor). */
  text: string;
  offset: number;
  /** Declarations of the live text (the syntax service's), for enclosing classes and parameters. */
  declarations: readonly Declaration[];
}

function innermost(decls: readonly Declaration[], offset: number, kinds: ReadonlySet<string>): Declaration | undefined {
  let best: Declaration | undefined;
  for (const d of decls) if (kinds.has(d.kind) && d.range.start <= offset && offset <= d.range.end && (!best || d.range.start >= best.range.start)) best = d;
  return best;
}

const classKind = new Set(['class']);
const functionKinds = new Set(['function', 'method']);

function escapeRegex(s: string): string {
  return s.replace(/[$.*+?^()[\]{}|\\]/g, '\\$&');
}

/** The target of a call of a binding: a class → an instance; a function → its return type; an alias → what it names. */
function callResult(index: ProjectIndex, binding: Binding | undefined, construct: boolean, depth = 0): ApiTarget {
  if (!binding || binding.kind !== 'symbol') return { kind: 'unknown' };
  const s = binding.ref.symbol;
  if (s.kind === 'class' || s.kind === 'interface') return { kind: 'class', uri: binding.ref.uri, name: s.name, instance: true };
  if (s.alias && !construct && depth < 4) {
    // `const stringType = ZodString.create`: the call is one of `ZodString.create`.
    const [head, ...rest] = s.alias.split('.');
    const headBinding = index.bindingIn(binding.ref.uri, head!);
    if (!rest.length) return headBinding === binding ? { kind: 'unknown' } : callResult(index, headBinding, false, depth + 1);
    let target = index.targetOf(headBinding);
    for (const [i, part] of rest.entries()) if (target.kind !== 'unknown') target = memberOf(index, target, part, i === rest.length - 1, depth + 1);
    return target;
  }
  const returned = s.returnType ?? s.returns;
  if (!construct && returned) return index.resolveType(binding.ref.uri, returned);
  return { kind: 'unknown' };
}

/**
 * What a name bound to a symbol is as a value: a constant's written type (`const $ZodAny:
 * $constructor<$ZodAny> = …`, also merged into the interface of its name), else the class (static access).
 */
function valueTarget(index: ProjectIndex, binding: Binding | undefined): ApiTarget {
  if (binding?.kind === 'symbol') {
    const s = binding.ref.symbol;
    if (s.valueType) {
      const t = index.resolveType(binding.ref.uri, s.valueType);
      if (t.kind !== 'unknown') return t;
    }
  }
  return index.targetOf(binding);
}

/** A member of a target as a binding (for walking a chain). */
function memberOf(index: ProjectIndex, target: ApiTarget, name: string, call: boolean, depth = 0): ApiTarget {
  if (target.kind === 'module') {
    const b = index.exportsOf(target.uri).get(name);
    return call ? callResult(index, b, false, depth) : valueTarget(index, b);
  }
  if (target.kind === 'class') {
    if (call) {
      const m = index.membersOf(target.uri, target.name).find((x) => x.symbol.name === name);
      const returned = m?.symbol.returnType ?? m?.symbol.returns;
      // A fluent method declared to return `this` (`min(n): this`) keeps the receiver's class, also when a base declares it.
      if (returned?.trim() === 'this') return { ...target, instance: true };
      return m && returned ? index.resolveType(m.uri, returned) : { kind: 'unknown' };
    }
    return index.attributeType(target.uri, target.name, name);
  }
  return { kind: 'unknown' };
}

export function resolveReceiver(index: ProjectIndex, doc: LiveDocument, receiver: ParsedReceiver): ReceiverResolution {
  const [head, ...rest] = receiver.chain;
  if (!head) return { target: { kind: 'unknown' }, by: 'none' };
  let resolved = resolveHead(index, doc, head, receiver.chain.length === 1 ? receiver.prefixStart : doc.offset, 0);
  for (const [i, part] of rest.entries()) {
    if (resolved.target.kind === 'unknown') break;
    resolved = { target: memberOf(index, resolved.target, part.name, part.call), by: 'chain' };
    if (resolved.target.kind === 'unknown' && i === rest.length - 1) break;
  }
  if (resolved.target.kind !== 'unknown') return resolved;
  // An untyped chain (`self._backend.`, `ctx.req.`): the last name, by where else it is used.
  const last = receiver.chain[receiver.chain.length - 1]!;
  if (rest.length && !last.call) return byUsage(index, doc.uri, last.name) ?? { target: { kind: 'unknown' }, by: 'none' };
  return resolved.by === 'similarity' || rest.length ? { target: resolved.target, by: rest.length ? 'none' : resolved.by } : resolved;
}

/**
 * Usage co-occurrence: the class that defines most of the members called on receivers of the
 * same name elsewhere in the project (`backend.`, `self._backend.` → the class with
 * `openssl_assert`, `_bn_to_int`, …).
 */
function byUsage(index: ProjectIndex, uri: string, name: string): ReceiverResolution | undefined {
  const words = wordsOf(name).join(' ');
  if (!words || words === 'self' || words === 'this') return undefined;
  const found = index.classByUsage(words, uri);
  return found ? { target: found.target, by: 'usage' } : undefined;
}

function resolveHead(index: ProjectIndex, doc: LiveDocument, head: ReceiverChainPart, offset: number, depth: number): ReceiverResolution {
  const name = head.name;
  if (!name) return { target: { kind: 'unknown' }, by: 'none' };
  if (name === 'this' || name === 'self' || name === 'cls' || name === 'super') {
    const cls = innermost(doc.declarations, offset, classKind) ?? enclosingClassByText(doc.text, offset);
    if (!cls) return { target: { kind: 'unknown' }, by: 'none' };
    if (name === 'super') {
      const base = index.file(doc.uri)?.bases?.[cls.name]?.[0];
      return { target: index.resolveType(doc.uri, base), by: 'self' };
    }
    return { target: { kind: 'class', uri: doc.uri, name: cls.name, instance: name !== 'cls' }, by: 'self' };
  }
  if (head.call) {
    const t = callResult(index, index.bindingIn(doc.uri, name), !!head.construct);
    if (t.kind !== 'unknown') return { target: t, by: 'constructor' };
    const byName = head.construct || /^[A-Z]/.test(name) ? index.classNamed(name, doc.uri) : { kind: 'unknown' as const };
    return { target: byName, by: byName.kind === 'unknown' ? 'none' : 'constructor' };
  }
  // The nearest assignment or annotation before the cursor, inside the enclosing function if any.
  const fn = innermost(doc.declarations, offset, functionKinds);
  const from = fn ? fn.range.start : 0;
  const before = doc.text.slice(from, offset);
  const assign = new RegExp(`(?:^|[^\\w$.])${escapeRegex(name)}\\s*(?::\\s*([^=\\n;,)]+?))?\\s*=(?![=>])\\s*(?:await\\s+)?(new\\s+)?([A-Za-z_$][\\w$.]*)?\\s*(\\(|<)?`, 'g');
  // A `const x = …` / `x: T` of a block closed before the cursor (another function's local, a class's field) declares another x.
  const inScope = /\.py[iw]?$/.test(doc.uri) ? () => true : blockScope(before);
  let last: RegExpExecArray | undefined;
  for (let m = assign.exec(before); m; m = assign.exec(before)) {
    const at = m.index + m[0].indexOf(name, /^[^\w$.]/.test(m[0]) ? 1 : 0);
    if (!/\b(?:const|let|var)\s+$/.test(before.slice(Math.max(0, at - 8), at)) || inScope(at)) last = m;
  }
  // `isinstance(name, Foo)` after the last assignment narrows to Foo (Python).
  const narrowed = [...before.matchAll(new RegExp(`\\bisinstance\\(\\s*${escapeRegex(name)}\\s*,\\s*\\(?\\s*([A-Za-z_][\\w.]*)`, 'g'))].pop();
  if (narrowed && (!last || narrowed.index! > last.index)) {
    const t = index.resolveType(doc.uri, narrowed[1]);
    if (t.kind !== 'unknown') return { target: t, by: 'isinstance' };
  }
  // `for name in items` / `for (const name of items)` over a container whose element type is written.
  const loop = [...before.matchAll(new RegExp(`\\bfor\\s*(?:\\(\\s*(?:const|let|var)\\s+)?${escapeRegex(name)}\\s+(?:in|of)\\s+((?:self\\.|this\\.)?[A-Za-z_$][\\w$]*)\\s*[:)]`, 'g'))].pop();
  if (loop && (!last || loop.index! > last.index)) {
    const element = elementType(containerType(index, doc, fn, before, loop[1]!));
    const t = element ? index.resolveType(doc.uri, element) : { kind: 'unknown' as const };
    if (t.kind !== 'unknown') return { target: t, by: 'loop' };
  }
  // `items.map((name) => …` / `this.#observers.forEach((name, i) => {` over a container whose element type is written, the call still open.
  const callback = [...before.matchAll(new RegExp(`((?:this\\.|self\\.)?#?[A-Za-z_$][\\w$]*)\\.(?:map|flatMap|forEach|filter|find|findLast|findIndex|some|every)\\(\\s*(?:async\\s+)?(?:\\(\\s*)?${escapeRegex(name)}\\s*(?:[,)]|=>)`, 'g'))].pop();
  if (callback && (!last || callback.index! > last.index) && stillOpen(before, callback.index! + callback[0].indexOf('('))) {
    const element = elementType(containerType(index, doc, fn, before, callback[1]!));
    const t = element ? index.resolveType(doc.uri, element) : { kind: 'unknown' as const };
    if (t.kind !== 'unknown') return { target: t, by: 'loop' };
  }
  if (last) {
    if (last[1]) {
      const t = index.resolveType(doc.uri, last[1]);
      if (t.kind !== 'unknown') return { target: t, by: 'annotation' };
    }
    if (last[3] && depth < 3) {
      const parts = last[3].split('.');
      let chain: ReceiverChainPart[] = parts.map((p, i) => ({ name: p, call: i === parts.length - 1 && !!last![4], ...(i === parts.length - 1 && last![2] ? { construct: true } : {}) }));
      // The whole right-hand side when it is a chain of calls: `Store().new_cart()`, `new Store().newCart()`.
      // Where the name starts (the pattern may have run on over the whitespace after it).
      const rhsStart = last.index + last[0].lastIndexOf(last[3]);
      // Lines that go on with a dot continue it: `const q = client\n  .getQueryCache()\n  .find(…)`.
      const rhs = /^[^\n;]*(?:\n[ \t]*\.[^\n;]*)*/.exec(before.slice(rhsStart))![0].trimEnd();
      const parsed = rhs.length < 300 && /[)\w$]$/.test(rhs) ? parseReceiver(`${rhs}.`, rhs.length + 1) : undefined;
      if (parsed && parsed.chain.length > chain.length && parsed.text === rhs.replace(/\s+/g, '')) {
        chain = parsed.chain;
        if (last[2]) chain[0] = { ...chain[0]!, construct: true };
      }
      let r = resolveHead(index, doc, chain[0]!, from + last.index, depth + 1);
      for (const part of chain.slice(1)) r = r.target.kind === 'unknown' ? r : { target: memberOf(index, r.target, part.name, part.call), by: 'assignment' };
      if (r.target.kind !== 'unknown') return { target: r.target, by: chain.length === 1 && chain[0]!.call ? 'constructor' : 'assignment' };
    }
  }
  // A declaration with a type: `name: T` (TypeScript `let x: T;`, Python `x: T`).
  const declared = new RegExp(`(?:^|[^\\w$.])(?:let|const|var)?\\s*${escapeRegex(name)}\\s*:\\s*([A-Za-z_$][\\w$.]*(?:\\[[^\\]]*\\]|<[^>]*>)?)`, 'g');
  let typed: RegExpExecArray | undefined;
  for (let m = declared.exec(before); m; m = declared.exec(before)) if (inScope(m.index + (/^[^\w$.]/.test(m[0]) ? 1 : 0))) typed = m;
  if (fn?.signature) {
    const p = fn.signature.parameters.find((x) => x.name === name);
    if (p?.type) {
      const t = index.resolveType(doc.uri, p.type);
      if (t.kind !== 'unknown') return { target: t, by: 'parameter' };
    }
    // A default value `cart=Cart()` / `cart = new Cart()`.
    const def = p?.default ? /^(?:new\s+)?([A-Za-z_$][\w$.]*)\s*\(/.exec(p.default.trim()) : null;
    if (def && /^[A-Z]/.test(def[1]!.split('.').pop()!)) {
      const t = index.resolveType(doc.uri, def[1]);
      if (t.kind !== 'unknown') return { target: t, by: 'parameter' };
    }
  }
  if (typed) {
    const t = index.resolveType(doc.uri, typed[1]);
    if (t.kind !== 'unknown') return { target: t, by: 'annotation' };
  }
  const binding = index.bindingIn(doc.uri, name);
  if (binding) {
    const t = valueTarget(index, binding);
    if (t.kind !== 'unknown') return { target: t, by: binding.kind === 'symbol' && binding.ref.uri === doc.uri ? 'local' : 'import' };
  }
  // A class declared anywhere with exactly this name (`Config.` with Config from a star import).
  if (/^[A-Z]/.test(name)) {
    const t = index.classNamed(name, doc.uri, false);
    if (t.kind !== 'unknown') return { target: t, by: 'similarity' };
  }
  return byUsage(index, doc.uri, name) ?? { target: similarClass(index, name, doc.uri), by: 'similarity' };
}

/**
 * Whether a declaration at an offset of `text` is still in scope at its end: no brace block
 * around it closes before the end (TypeScript / JavaScript; strings and comments are not told apart).
 */
export function blockScope(text: string): (at: number) => boolean {
  // visible[p]: the brace balance of text[p..q) stays ≥ 0 for every q up to the end.
  const visible = new Uint8Array(text.length + 1);
  let balance = 0;
  let highest = 0;
  visible[text.length] = 1;
  for (let p = text.length - 1; p >= 0; p--) {
    const c = text.charCodeAt(p);
    if (c === 123) balance++; // {
    else if (c === 125) balance--; // }
    if (balance > highest) highest = balance;
    visible[p] = balance >= highest ? 1 : 0;
  }
  return (at) => visible[Math.max(0, Math.min(at, text.length))] === 1;
}

/** Whether the parenthesis at `open` is not closed before the end of `text`. */
function stillOpen(text: string, open: number): boolean {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return false;
  }
  return true;
}

/** The type written for a container: a parameter's annotation, a `name: T` declaration, a class field (`self.items`). */
function containerType(index: ProjectIndex, doc: LiveDocument, fn: Declaration | undefined, before: string, container: string): string | undefined {
  const attr = /^(?:self|this)\.(.+)$/.exec(container);
  if (attr) {
    const cls = innermost(doc.declarations, doc.offset, classKind) ?? enclosingClassByText(doc.text, doc.offset);
    if (!cls) return undefined;
    const written = index.file(doc.uri)?.attrTypes?.[`${cls.name}.${attr[1]}`];
    if (written) return written;
    const member = index.membersOf(doc.uri, cls.name).find((m) => m.symbol.name === attr[1]);
    if (member) return /^[^:=(]*?\??\s*:\s*([^=;]+)/.exec(member.symbol.signature ?? '')?.[1]?.trim();
    // A field the index does not list (`#observers: Array<QueryObserver>`, an ES private name): its line as written.
    return new RegExp(`\\n[ \\t]*(?:(?:private|protected|public|readonly|static|declare)\\s+)*${escapeRegex(attr[1]!)}\\s*[?!]?\\s*:\\s*([^=;\\n]+)`).exec(doc.text)?.[1]?.trim();
  }
  const p = fn?.signature?.parameters.find((x) => x.name === container);
  if (p?.type) return p.type;
  const declared = [...before.matchAll(new RegExp(`(?:^|[^\\w$.])(?:let|const|var)?\\s*${escapeRegex(container)}\\s*:\\s*([A-Za-z_$][\\w$.]*(?:\\[[^\\]\\n]*\\]|<[^>\\n]*>)?(?:\\[\\])?)`, 'g'))].pop();
  return declared?.[1]?.trim();
}

/** The element type of a written container type: `List[Foo]`, `Sequence[Foo]`, `Foo[]`, `Array<Foo>`, `Iterable<Foo>`. */
export function elementType(type: string | undefined): string | undefined {
  if (!type) return undefined;
  const t = type.trim().replace(/^['"]|['"]$/g, '');
  const array = /^([A-Za-z_$][\w$.]*)\s*\[\s*\]$/.exec(t);
  if (array) return array[1];
  const generic = /^(?:typing\.)?(?:List|list|Sequence|Iterable|Iterator|Set|set|FrozenSet|frozenset|Collection|Tuple|tuple|Array|ReadonlyArray|AsyncIterable|Generator)\s*[[<]\s*([A-Za-z_$][\w$.]*)\s*(?:,\s*\.\.\.\s*)?[\]>,]/.exec(t);
  return generic?.[1];
}

/** The class whose name is most like a variable's (`user_repo` → `UserRepository`); unknown below a threshold. */
export function similarClass(index: ProjectIndex, variable: string, nearUri: string): ApiTarget {
  const words = splitIdentifier(variable).filter((w) => w.length > 1);
  if (!words.length) return { kind: 'unknown' };
  let best: string | undefined;
  let bestScore = 0;
  for (const cls of index.classNames()) {
    const cw = splitIdentifier(cls);
    let hit = 0;
    for (const w of words) if (cw.some((c) => c === w || (w.length >= 3 && (c.startsWith(w) || w.startsWith(c)) && c.length >= 3))) hit++;
    const score = (2 * hit) / (words.length + cw.length);
    if (score > bestScore || (score === bestScore && best && cls.length < best.length)) {
      best = cls;
      bestScore = score;
    }
  }
  return best && bestScore >= 0.5 ? index.classNamed(best, nearUri, true) : { kind: 'unknown' };
}

export interface MemberCandidate {
  /** What is inserted: the member's name (or the exported alias). */
  label: string;
  ref: SymbolRef;
  inherited: boolean;
  /** A submodule (`from pkg import mod` targets, Python package members). */
  module?: string;
  /** A member of the resolved receiver (rather than of the whole-project fallback). */
  resolved?: boolean;
}

const dunder = /^__\w+__$/;

/** The members of a target, unranked. */
export function candidatesOf(index: ProjectIndex, target: ApiTarget): MemberCandidate[] {
  if (target.kind === 'module') {
    const out: MemberCandidate[] = [];
    const record = index.file(target.uri);
    const python = record?.language === 'python';
    // Names a module imports and re-exports rank below its own (a package's __init__ / index file re-exports on purpose).
    const facade = /\/(__init__\.pyi?|index\.[cm]?[jt]sx?)$/.test(target.uri);
    for (const [label, b] of index.exportsOf(target.uri)) {
      if (label === 'default' || (python && /^__\w+__$/.test(label))) continue;
      if (b.kind === 'symbol') out.push({ label, ref: b.ref, inherited: !facade && b.ref.uri !== target.uri });
      else out.push({ label, ref: { uri: b.uri, symbol: { name: label, kind: 'module', container: '', exported: true, line: 0, character: 0 } }, inherited: !facade, module: b.uri });
    }
    return out;
  }
  if (target.kind === 'class') {
    // A TypeScript/JavaScript instance has no static members (a Python instance reaches class and static methods).
    const ecmaInstance = target.instance && index.file(target.uri)?.language !== 'python';
    return index
      .membersOf(target.uri, target.name)
      .filter((m) => m.symbol.name !== 'constructor' && !(dunder.test(m.symbol.name) && m.symbol.name !== '__call__') && !(ecmaInstance && m.symbol.static))
      .map((m) => ({ label: m.symbol.name, ref: { uri: m.uri, symbol: m.symbol }, inherited: m.inherited }));
  }
  return [];
}

/** Every member-like symbol of the project (the fallback when the receiver is unknown). */
export function allMemberCandidates(index: ProjectIndex): MemberCandidate[] {
  const out: MemberCandidate[] = [];
  const seen = new Set<string>();
  for (const ref of index.allSymbols()) {
    const s = ref.symbol;
    if (s.kind === 'class' || s.kind === 'interface' || s.kind === 'type' || dunder.test(s.name) || s.name === 'constructor' || seen.has(s.name)) continue;
    seen.add(s.name);
    out.push({ label: s.name, ref, inherited: false });
  }
  return out;
}

export interface RankedMember extends MemberCandidate {
  score: number;
  /** The weighted parts of the score (kind, resolved, usage, model, prefix); `features` are the raw values behind `usage`, for inspection and tuning. */
  parts: { kind: number; resolved: number; usage: number; model: number; prefix: number };
  features: RankFeatures;
}

export interface RankContext {
  prefix: string;
  /** Code just before the receiver (a few lines): compared with the code around the member's other uses. */
  contextText: string;
  receiver: ParsedReceiver;
  resolution: ReceiverResolution;
  /** The file whose own usages are left out of the usage similarity (the current file). */
  uri: string;
  /** The live file's text before the receiver: the members it already used (and where). */
  fileText?: string;
  /** Name of the function or method the cursor is in (delegation: `def validate_x(…): return self.v.validate_x(`). */
  enclosingFunction?: string;
}

/**
 * Raw ranking features of one candidate (each about 0..1, log counts a little above); the score
 * is `kind + resolved + prefix + Σ rankWeights[f] · feature`.
 */
export interface RankFeatures {
  /** Best and mean Dice similarity of the code before the cursor to the code around the member's uses in other files. */
  similarBest: number;
  similarMean: number;
  /** Best Dice similarity of the code before the cursor to the code around the member's calls earlier in this file. */
  fileSimilar: number;
  /** log(1 + calls of the member in other files). */
  popularity: number;
  /** Share (capped at 1 from 3 up) of those calls made on a receiver named like this one. */
  receiverUsage: number;
  /** The member name's words echoed by the line before the receiver (`tokens = service.` → `tokens`). */
  echo: number;
  /** The member name's words in the lines before. */
  context: number;
  /** Calls of the member on receivers of this name in the project (log, normalized to the most called). */
  sameReceiver: number;
  /** log(1 + uses of the member earlier in this file, on any receiver). */
  fileUse: number;
  /** log(1 + uses of the member earlier in this file on a receiver of the same name). */
  fileReceiver: number;
  /** Nearness of the last such use (1 on the line before, → 0 far above). */
  fileRecent: number;
  /** log(1 + calls `recv.member(` earlier in this file on a receiver of the same name). */
  fileReceiverCalls: number;
  /** The member name's words in the enclosing function's name. */
  enclosing: number;
  /** A predicate by name (`is_x`, `hasY`) where a condition is written (`if recv.`, `!recv.`): 1; elsewhere -1; else 0. */
  predicate: number;
  /** The same for a member declared to return a boolean (`withdraw(…) -> bool` is also an action: apart from `predicate`). */
  boolReturn: number;
  /** A class member inherited (or a mixin partner's) rather than the class's own: 1 (a module's re-exports are left to `kind`). */
  inherited: number;
  /** A private name (`_x`, `#x`) seen from outside its class: 1. */
  private: number;
  /** A data member (attribute, variable, constant) rather than a function: 1. */
  data: number;
  /** Share of the assigned name's words (`resolution_strategy = config.`, `key=recv.`, `key: recv.`) in the member name. */
  assigned: number;
  /** Right after `await`: 1 for a member that returns a promise or coroutine, -1 for one that does not; else 0. */
  awaited: number;
  /** A member that returns a promise or coroutine, not awaited here: 1. */
  unawaitedAsync: number;
  /** Best similarity of the member name's words to the members used on this receiver in the last lines (`getGlobalPrefix`, `getRouteConflictPolicy` → `getRouteResolutionStrategy`). */
  nearShape: number;
  /** Share of the member's parameters named like an identifier of the last lines (`key = …` above `cache.get(key)`). */
  paramEcho: number;
  /** Dice similarity of the member's doc words to the code just before. */
  docEcho: number;
  /** Nearness of the member's definition to those of the members just used on the receiver (APIs defined together are used together). */
  defNear: number;
}

/**
 * The ranking's weights, fitted as one conditional-logit model (a softmax over each case's
 * candidates, the kind score's weight held at 1) on the case dumps of 26 dev repositories
 * (`eval api --cases f --case-candidates 60`; script and figures: models/member-ranking/).
 * Leave-one-repository-out on dev (each repository ranked with weights fitted on the others):
 * accuracy@1 / @5 over all 4,102 cases 42.5 / 74.0 %, mean of repositories 40.1 / 70.5 %; the
 * earlier hand-set weights gave a mean of 33.5 / 64.2 % on the same dumps. No test repository was used to fit them.
 */
export const rankWeights = {
  similarBest: 2.35, similarMean: 1.26, fileSimilar: 1.4, popularity: 0.04, receiverUsage: 0.62, echo: 0.75, context: 0.81, sameReceiver: 1.17,
  fileUse: -0.1, fileReceiver: 0.42, fileRecent: 0.1, fileReceiverCalls: 0.86, enclosing: 0.93, predicate: 0.85, boolReturn: 0.43,
  inherited: 1.02, private: -0.3, data: -0.53, assigned: 1.51, awaited: 0.36, unawaitedAsync: -0.31, nearShape: 0.62,
  paramEcho: 0.92, docEcho: 0.73, defNear: 1.08,
  model: 0.6,
  // A typed prefix the name starts with (as typed, or in another case; a later word starting with it scores 0): fitted apart with `eval api --typed 1` dumps, the other weights held (dev acc@1 pooled 69.4 → 72.5 % from the earlier 0.3 / 0.2).
  prefixExact: 3, prefixCaseless: 2.4,
  // A member of the receiver's class when the project-wide fallback is mixed in, by how the class was found (`resolved`, not fitted: no case mixes the fallback into a sure resolution).
  resolved: 1.58, resolvedByUsage: 1.58, resolvedBySimilarity: 0.37,
};


const featureNames = ['similarBest', 'similarMean', 'fileSimilar', 'popularity', 'receiverUsage', 'echo', 'context', 'sameReceiver', 'fileUse', 'fileReceiver', 'fileRecent', 'fileReceiverCalls', 'enclosing', 'predicate', 'boolReturn', 'inherited', 'private', 'data', 'assigned', 'awaited', 'unawaitedAsync', 'nearShape', 'paramEcho', 'docEcho', 'defNear'] as const satisfies ReadonlyArray<keyof RankFeatures>;

/** Plural and verb endings off (`errors` ~ `error`, `parsed` ~ `parse`). */
function stemWord(w: string): string {
  return w.length > 4 ? w.replace(/(?:ies|es|s|ed|ing)$/, '') : w;
}

function kindScore(s: ApiSymbol, resolution: ReceiverResolution, inherited: boolean, label: string): number {
  const onModule = resolution.target.kind === 'module';
  let v = s.kind === 'method' || s.kind === 'function' ? 0.3 : s.kind === 'attribute' || s.kind === 'variable' || s.kind === 'constant' ? 0.15 : onModule && s.kind === 'class' ? 0.25 : 0.1;
  if (inherited) v -= onModule ? 0.25 : 0.08;
  const selfLike = resolution.by === 'self';
  if (/^_[^_]/.test(label) || label.startsWith('#')) v -= selfLike ? 0.05 : 0.4;
  if (resolution.target.kind === 'class') {
    if (!resolution.target.instance && s.static) v += 0.2;
    if (resolution.target.instance && s.static) v -= 0.1;
  }
  if (s.kind === 'module') v = inherited ? 0 : 0.12;
  return v;
}

/** Member accesses in a file's text: per member, how often, how often on a receiver named `receiver`, and the line of the last such access. */
function fileAccesses(text: string, receiver: string): Map<string, { uses: number; onReceiver: number; callsOnReceiver: number; lastLine: number }> {
  const out = new Map<string, { uses: number; onReceiver: number; callsOnReceiver: number; lastLine: number }>();
  let line = 0;
  let counted = 0;
  for (const m of text.matchAll(/([A-Za-z_$][\w$]*|\))\s*\.\s*([A-Za-z_$][\w$]*)(\s*\()?/g)) {
    for (let i = text.indexOf('\n', counted); i >= 0 && i < m.index!; i = text.indexOf('\n', i + 1)) line++, (counted = i + 1);
    const e = out.get(m[2]!) ?? { uses: 0, onReceiver: 0, callsOnReceiver: 0, lastLine: -1 };
    e.uses++;
    if (m[1] === receiver) {
      e.onReceiver++;
      if (m[3]) e.callsOnReceiver++;
      e.lastLine = line;
    }
    out.set(m[2]!, e);
  }
  return out;
}

const dataKinds = new Set(['attribute', 'variable', 'constant']);

/** A member named as a yes-or-no question: `is_x`, `hasY`, `canZ`. */
function isPredicateName(name: string): boolean {
  return /^_*(?:is|has|can|should|supports|needs|was|will|contains|exists|matches|allows|uses)(?:[A-Z_]|$)/.test(name);
}

function returnsBoolean(s: ApiSymbol): boolean {
  return /^(?:bool|boolean)$/.test((s.returnType ?? '').trim());
}

/** An identifier's words, stemmed, one-letter ones left out. */
function namedWords(name: string | undefined): string[] {
  return name ? splitIdentifier(name).filter((w) => w.length > 1).map(stemWord) : [];
}

/** The name a line assigns or passes by keyword just before the receiver: `x = `, `const x: T = `, `self.x = `, `key=`, `key: `. */
function assignedName(lineBefore: string): string | undefined {
  const m = /([A-Za-z_$][\w$]*)\s*(?::[^=:(){}]*)?(?<![=!<>+\-*/%&|^])=\s*(?:await\s+|yield\s+)?\(?\s*$/.exec(lineBefore) ?? /([A-Za-z_$][\w$]*)\s*:\s*(?:await\s+)?$/.exec(lineBefore);
  return m?.[1];
}

/** Share of `want` words that `have` has (a word also matches a longer or shorter form of itself: `config` ~ `configuration`). */
function coveredShare(want: readonly string[], have: readonly string[]): number {
  let hit = 0;
  for (const w of want) if (have.some((h) => h === w || (w.length >= 3 && h.length >= 3 && (h.startsWith(w) || w.startsWith(h))))) hit++;
  return want.length ? hit / want.length : 0;
}

const docWords = new WeakMap<ApiSymbol, ReadonlySet<string>>();

/** The words of the start of a symbol's doc (computed once per symbol: the fallback list ranks every member of the project). */
function docWordsOf(s: ApiSymbol): ReadonlySet<string> {
  let words = docWords.get(s);
  if (!words) docWords.set(s, (words = new Set(wordsOf((s.doc ?? '').slice(0, 300)))));
  return words;
}

/** A parameter's name as written in a signature (`*args`, `key: str = ''`, `{ a, b }: T` → none). */
function parameterName(param: string): string | undefined {
  return /^\s*(?:\.\.\.|\*{1,2})?([A-Za-z_$][\w$]*)/.exec(param)?.[1];
}

/** A function that returns a promise or coroutine (`async`, `Promise<…>`, `Awaitable`). */
function returnsPromise(s: ApiSymbol): boolean {
  return /^(?:async\b|[^(]*\basync\s)/.test(s.signature ?? '') || /\b(?:Promise|PromiseLike|Awaitable|Coroutine|Thenable)\b/.test(s.returnType ?? '');
}

/** Members accessed on a receiver of this name in the last `lines` lines of a text. */
function recentMembers(text: string, receiver: string | undefined, lines: number): Set<string> {
  const out = new Set<string>();
  if (!receiver) return out;
  const tail = text.slice(nthLineBefore(text, text.length, lines));
  for (const m of tail.matchAll(new RegExp(`(?<![\\w$])${escapeRegex(receiver)}\\s*\\.\\s*([A-Za-z_$][\\w$]*)`, 'g'))) out.add(m[1]!);
  return out;
}

/** Share of a name's words found in a word set. */
function wordShare(label: string, words: ReadonlySet<string>): number {
  if (!words.size) return 0;
  const nameWords = splitIdentifier(label).filter((w) => w.length > 1).map(stemWord);
  let hit = 0;
  for (const w of nameWords) if (words.has(w)) hit++;
  return nameWords.length ? hit / nameWords.length : 0;
}

/** Ranks candidates by prefix, kind and usage similarity (the model's likelihood is added by `addModelScores`). */
export function rankMembers(index: ProjectIndex, candidates: readonly MemberCandidate[], ctx: RankContext): RankedMember[] {
  const p = ctx.prefix.toLowerCase();
  const contextWords = new Set(wordsOf(ctx.contextText));

  const last = ctx.receiver.chain[ctx.receiver.chain.length - 1];
  const receiverWords = new Set(last ? wordsOf(last.name) : []);
  const lineStart = ctx.contextText.lastIndexOf('\n') + 1;
  const lineWords = new Set(wordsOf(ctx.contextText.slice(lineStart).replace(/[\w$.]*$/, '')).map(stemWord));
  // Words of the code before the receiver (a few lines), for the member name's similarity to its surroundings.
  const nearWords = new Set(wordsOf(ctx.contextText.replace(/[\w$.]*$/, '')).map(stemWord));
  const enclosingWords = new Set(ctx.enclosingFunction ? splitIdentifier(ctx.enclosingFunction).filter((w) => w.length > 1).map(stemWord) : []);
  // How often each member is called on a receiver of this name elsewhere (usage frequency on the same receiver).
  const onReceiver = last && !last.call && ctx.resolution.target.kind !== 'module' ? index.membersCalledOn(wordsOf(last.name).join(' '), ctx.uri) : new Map<string, number>();
  const maxOnReceiver = Math.max(1, ...onReceiver.values());
  const fileText = ctx.fileText ?? '';
  const inFile = fileAccesses(fileText, last && !last.call ? last.name : ')');
  const fileLines = fileText.split('\n').length - 1;
  // The calls this file makes (the live text's record when the editor or the evaluation gives one), with their contexts.
  const liveUsages = new Map<string, Array<ReadonlySet<string>>>();
  if (contextWords.size) for (const [member, words] of index.file(ctx.uri)?.usages ?? []) (liveUsages.get(member) ?? liveUsages.set(member, []).get(member)!).push(new Set(words.split(' ')));
  const lineBefore = fileText.slice(fileText.lastIndexOf('\n') + 1);
  const inCondition = /(?:\b(?:if|elif|while|not|and|or|assert)|!|&&|\|\||\?)\s*\(?\s*$/.test(lineBefore);
  const assignedWords = namedWords(assignedName(lineBefore.slice(-240)));
  const inAwait = /\bawait\s*\(?\s*$/.test(lineBefore);
  const nearMembers = recentMembers(fileText, last && !last.call ? last.name : undefined, 12);
  const recentIdentifiers = new Set(fileText.slice(nthLineBefore(fileText, fileText.length, 8)).match(/[A-Za-z_$][\w$]*/g) ?? []);
  // Where the members just used on the receiver are defined (the candidates' own records).
  const nearDefinitions: SymbolRef[] = [];
  if (nearMembers.size) for (const c of candidates) if (nearMembers.has(c.label)) nearDefinitions.push(c.ref);
  const out: RankedMember[] = [];
  for (const c of candidates) {
    const lower = c.label.toLowerCase();
    let prefix = 0;
    if (p) {
      if (c.label.startsWith(ctx.prefix)) prefix = rankWeights.prefixExact;
      else if (lower.startsWith(p)) prefix = rankWeights.prefixCaseless;
      else if (splitIdentifier(c.label).some((w) => w.startsWith(p))) prefix = 0;
      else continue;
    }
    const f: RankFeatures = { similarBest: 0, similarMean: 0, fileSimilar: 0, popularity: 0, receiverUsage: 0, echo: 0, context: 0, sameReceiver: 0, fileUse: 0, fileReceiver: 0, fileRecent: 0, fileReceiverCalls: 0, enclosing: 0, predicate: 0, boolReturn: 0, assigned: 0, awaited: 0, unawaitedAsync: 0, nearShape: 0, paramEcho: 0, docEcho: 0, defNear: 0, inherited: c.inherited && ctx.resolution.target.kind === 'class' ? 1 : 0, private: 0, data: 0 };
    if ((/^_[^_]/.test(c.label) || c.label.startsWith('#')) && ctx.resolution.by !== 'self') f.private = 1;
    if (dataKinds.has(c.ref.symbol.kind)) f.data = 1;
    const usages = index.usagesOf(c.label, ctx.uri);
    if (usages.length) {
      let sum = 0;
      let sameReceiver = 0;
      for (const [words, receiver] of usages) {
        const d = contextWords.size ? dice(contextWords, words) : 0;
        f.similarBest = Math.max(f.similarBest, d);
        sum += d;

        if (receiver.size && receiverWords.size && dice(receiverWords, receiver) >= 0.5) sameReceiver++;
      }
      f.similarMean = sum / usages.length;

      f.popularity = Math.log1p(index.usageCount(c.label, ctx.uri));
      f.receiverUsage = Math.min(1, sameReceiver / 3);
    }
    if (lineWords.size) {
      const nameWords = splitIdentifier(c.label).map(stemWord);
      let hit = 0;
      for (const w of nameWords) if (lineWords.has(w) || (w.length >= 3 && [...lineWords].some((l) => l.length >= 4 && (l.startsWith(w) || w.startsWith(l))))) hit++;
      f.echo = nameWords.length ? hit / nameWords.length : 0;
    }
    f.context = wordShare(c.label, nearWords);
    f.enclosing = wordShare(c.label, enclosingWords);
    if (isPredicateName(c.label)) f.predicate = inCondition ? 1 : -1;
    else if (returnsBoolean(c.ref.symbol)) f.boolReturn = inCondition ? 1 : -1;
    if (assignedWords.length) f.assigned = coveredShare(assignedWords, splitIdentifier(c.label).map(stemWord));
    const awaitable = returnsPromise(c.ref.symbol);
    if (inAwait) f.awaited = awaitable ? 1 : -1;
    else if (awaitable) f.unawaitedAsync = 1;
    if (nearMembers.size) {
      const own = new Set(namedWords(c.label));
      for (const m of nearMembers) if (m !== c.label) f.nearShape = Math.max(f.nearShape, dice(own, new Set(namedWords(m))));
    }
    const params = (c.ref.symbol.params ?? []).map(parameterName).filter((n): n is string => !!n && !/^(?:self|cls|this)$/.test(n));
    if (params.length) f.paramEcho = params.filter((n) => recentIdentifiers.has(n)).length / params.length;
    if (c.ref.symbol.doc && contextWords.size) f.docEcho = dice(contextWords, docWordsOf(c.ref.symbol));
    for (const d of nearDefinitions)
      if (d.uri === c.ref.uri && d.symbol !== c.ref.symbol) f.defNear = Math.max(f.defNear, 1 / (1 + Math.abs(d.symbol.line - c.ref.symbol.line) / 20));
    const calls = onReceiver.get(c.label);
    if (calls) f.sameReceiver = Math.log1p(calls) / Math.log1p(maxOnReceiver);
    for (const words of liveUsages.get(c.label) ?? []) f.fileSimilar = Math.max(f.fileSimilar, dice(contextWords, words));
    const seen = inFile.get(c.label);
    if (seen) {
      f.fileUse = Math.log1p(seen.uses);
      f.fileReceiver = Math.log1p(seen.onReceiver);
      f.fileReceiverCalls = Math.log1p(seen.callsOnReceiver);
      if (seen.lastLine >= 0) f.fileRecent = 1 / (1 + (fileLines - seen.lastLine) / 10);
    }
    let usage = 0;
    for (const name of featureNames) usage += rankWeights[name] * f[name];
    const by = ctx.resolution.by;
    const resolved = c.resolved ? (by === 'similarity' ? rankWeights.resolvedBySimilarity : by === 'usage' ? rankWeights.resolvedByUsage : rankWeights.resolved) : 0;
    const kind = kindScore(c.ref.symbol, ctx.resolution, c.inherited, c.label);
    out.push({ ...c, score: prefix + kind + resolved + usage, parts: { kind, resolved, usage, model: 0, prefix }, features: f });
  }
  out.sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : 1));
  return out;
}

/**
 * Scores of candidate names by the model (log-probabilities of each name right after the
 * context); the caller supplies it (the backend's `scoreCandidates`).
 */
export type NameScorer = (contextText: string, names: readonly string[], signal?: AbortSignal) => Promise<number[]>;

/** Adds the model's likelihood (softmax over the top `topN` candidates) and re-sorts. */
export async function addModelScores(ranked: RankedMember[], contextText: string, scorer: NameScorer, topN = 24, signal?: AbortSignal): Promise<RankedMember[]> {
  const head = ranked.slice(0, topN);
  if (head.length < 2) return ranked;
  const logprobs = await scorer(contextText, head.map((r) => r.label), signal);
  const max = Math.max(...logprobs);
  const exps = logprobs.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  head.forEach((r, i) => {
    r.parts.model = rankWeights.model * (exps[i]! / total);
    r.score += r.parts.model;
  });
  return [...head.sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : 1)), ...ranked.slice(topN)];
}

export interface MemberCompletion {
  receiver: string;
  prefix: string;
  prefixStart: number;
  resolvedBy: ResolvedBy;
  target: ApiTarget;
  items: RankedMember[];
}

/** The whole member completion at a cursor (without the model: see `addModelScores`). */
export function completeMembers(index: ProjectIndex, doc: LiveDocument, options: { fallbackToAll?: boolean; limit?: number } = {}): MemberCompletion | undefined {
  const receiver = parseReceiver(doc.text, doc.offset);
  if (!receiver) return undefined;
  const resolution = resolveReceiver(index, doc, receiver);
  let candidates = candidatesOf(index, resolution.target);
  if (resolution.by === 'self' && resolution.target.kind === 'class' && resolution.target.instance)
    for (const ref of index.mixinMembers(resolution.target.uri, resolution.target.name))
      if (!dunder.test(ref.symbol.name) && ref.symbol.name !== 'constructor') candidates.push({ label: ref.symbol.name, ref, inherited: true });
  let resolvedBy = resolution.by;
  const weak = resolvedBy === 'similarity' || resolvedBy === 'usage';
  if (options.fallbackToAll && (weak || !candidates.length)) {
    // A guessed class: its members first, then every member of the project.
    const own = new Set(candidates.map((c) => c.label));
    candidates = [...candidates.map((c) => ({ ...c, resolved: true })), ...allMemberCandidates(index).filter((c) => !own.has(c.label))];
    if (!own.size) resolvedBy = 'none';
  } else candidates = candidates.map((c) => ({ ...c, resolved: true }));
  const lineStart = doc.text.lastIndexOf('\n', receiver.prefixStart - 1);
  const contextStart = Math.max(0, nthLineBefore(doc.text, lineStart, 2));
  const contextText = doc.text.slice(contextStart, receiver.prefixStart);
  const enclosing = innermost(doc.declarations, receiver.prefixStart, functionKinds)?.name ?? enclosingFunctionByText(doc.text, receiver.prefixStart);
  const items = rankMembers(index, candidates, { prefix: receiver.prefix, contextText, receiver, resolution, uri: doc.uri, fileText: doc.text.slice(0, receiver.prefixStart - receiver.text.length - 1), ...(enclosing ? { enclosingFunction: enclosing } : {}) });
  return { receiver: receiver.text, prefix: receiver.prefix, prefixStart: receiver.prefixStart, resolvedBy, target: resolution.target, items: options.limit ? items.slice(0, options.limit) : items };
}

/** The last `def name(` / `function name(` / `name(…) {` method header before an offset (the parser may not close an unfinished body). */
function enclosingFunctionByText(text: string, offset: number): string | undefined {
  const before = text.slice(Math.max(0, offset - 4000), offset);
  let found: string | undefined;
  for (const m of before.matchAll(/^[ \t]*(?:(?:async|export|public|private|protected|static|override)\s+)*(?:def|function\*?)?\s*([A-Za-z_$][\w$]*)\s*\([^)\n]*\)?[^\n]*(?::\s*$|\{\s*$)/gm))
    if (!/^(?:if|for|while|switch|catch|with|return)$/.test(m[1]!)) found = m[1];
  return found;
}

function nthLineBefore(text: string, from: number, n: number): number {
  let i = from;
  for (let k = 0; k < n && i > 0; k++) i = text.lastIndexOf('\n', i - 1);
  return i + 1;
}
