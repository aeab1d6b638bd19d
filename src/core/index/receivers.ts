/**
 * The receiver at `recv.` / `Module.`, resolved to a module or a class, and that target's members
 * (ranked in ranking.ts; the whole completion in members.ts). Receiver resolution, in order:
 * `this` / `self` / `cls` → the enclosing class; a call `C(…)` / `new C(…)` → an instance of C
 * (a function → its return type); a local assignment `x = C(…)`, `x = new C()`, an annotation `x: T` or a typed parameter → T; an import
 * binding → the module (namespace, `import a.b as c`, `from pkg import mod`) or the class; a
 * module-level assignment above the function; the file's own class; a chain (`self.repo.`,
 * `mod.Class.`, `a?.b!.`) member by member; a JavaScript class's missing types from its `.d.ts`
 * twin; else the class whose name is most like the receiver's (or the name an attribute was
 * assigned from).
 */
import type { Declaration } from '../syntax/types';
import type { Binding, ProjectIndex } from './projectIndex';
import type { ApiTarget, SymbolRef } from './types';
import { escapeRegex, splitIdentifier, wordsOf } from './words';
import { enclosingClassByText } from './extract';
import { jsDocParameterType } from '../syntax/jsdoc';

export interface ReceiverChainPart {
  name: string;
  /** Called: `name(…)`. */
  call: boolean;
  /** `new name(…)`. */
  construct?: boolean;
  /** A parenthesized expression (`(a | b).`, `(x as Foo).`): its text between the parentheses (the part's name is empty). */
  inner?: string;
  /** Subscripted (`items[0].`, `expr[1, ...].`): an element of what the name holds. */
  subscript?: boolean;
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
  // Optional chaining and non-null assertions (`router?.`, `cache!.`) access members as `.` does.
  if (text[j - 1] === '?' || text[j - 1] === '!') j--;
  const chain: ReceiverChainPart[] = [];
  let end = j;
  // Where the whitespace before the dot just passed may start: a chain broken over lines
  // (`client\n  .getQueryCache()\n  .`) puts a line break and indentation before each dot.
  let spaceFrom = j - 40;
  for (;;) {
    while (j > 0 && /\s/.test(text[j - 1]!) && j > spaceFrom) j--;
    let call = false;
    let close = -1;
    // A subscript right after a name (`self.items[0].`); one, on the chain's last part only.
    let subscript = false;
    if (text[j - 1] === ']' && !chain.length) {
      const open = openingBracket(text, j - 1);
      if (open < 0 || !/[\w$]/.test(text[open - 1] ?? '')) return undefined;
      j = open;
      subscript = true;
    }
    if (text[j - 1] === ')' && !subscript) {
      close = j - 1;
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
      if (name || !call) return chain.length ? finish() : undefined;
      // A parenthesized expression (`(a + b).`, `(x as Foo).`): resolved from its text (resolveExpression).
      chain.unshift({ name: '', call: true, inner: text.slice(j + 1, close) });
      return finish();
    }
    const part: ReceiverChainPart = subscript ? { name, call, subscript } : { name, call };
    const before = text.slice(Math.max(0, s - 8), s);
    if (call && /\bnew\s+$/.test(before)) part.construct = true;
    chain.unshift(part);
    j = s;
    if (text[j - 1] === '.' && text[j - 2] !== '.') {
      j--;
      if (text[j - 1] === '?' || text[j - 1] === '!') j--;
      spaceFrom = j - 200;
      continue;
    }
    return finish();
  }
  function finish(): ParsedReceiver {
    return { text: text.slice(j, end).replace(/\s+/g, '').replace(/[?!](?=\.)/g, ''), chain, prefix, prefixStart };
  }
}

/** The `[` that opens the `]` at `close` (nothing but brackets counted, 2000 characters at most); -1 if none. */
function openingBracket(text: string, close: number): number {
  let depth = 0;
  for (let k = close; k >= 0 && close - k <= 2000; k--) {
    if (text[k] === ']') depth++;
    else if (text[k] === '[' && --depth === 0) return k;
  }
  return -1;
}

export type ResolvedBy = 'self' | 'constructor' | 'assignment' | 'annotation' | 'parameter' | 'isinstance' | 'loop' | 'import' | 'local' | 'chain' | 'expression' | 'usage' | 'similarity' | 'none';

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

export function innermost(decls: readonly Declaration[], offset: number, kinds: ReadonlySet<string>): Declaration | undefined {
  let best: Declaration | undefined;
  for (const d of decls) if (kinds.has(d.kind) && d.range.start <= offset && offset <= d.range.end && (!best || d.range.start >= best.range.start)) best = d;
  return best;
}

const classKind = new Set(['class']);
export const functionKinds = new Set(['function', 'method']);

/** The class whose body holds an offset (the parse tree's, else the text's last unclosed `class X`). */
export function enclosingClass(doc: LiveDocument, offset: number): string | undefined {
  return (innermost(doc.declarations, offset, classKind) ?? enclosingClassByText(doc.text, offset))?.name;
}


/** The target of a call of a binding: a class → an instance; a function → its return type; an alias → what it names. */
function callResult(index: ProjectIndex, binding: Binding | undefined, construct: boolean, depth = 0): ApiTarget {
  if (!binding || binding.kind !== 'symbol') return { kind: 'unknown' };
  const s = binding.ref.symbol;
  if (s.kind === 'class' || s.kind === 'interface') return { kind: 'class', uri: binding.ref.uri, name: s.name, instance: true };
  if (s.alias && s.kind !== 'type' && !construct && depth < 4) {
    // `const stringType = ZodString.create`: the call is one of `ZodString.create`.
    const [head, ...rest] = s.alias.split('.');
    const headBinding = index.bindingIn(binding.ref.uri, head!);
    if (!rest.length) return headBinding === binding ? { kind: 'unknown' } : callResult(index, headBinding, false, depth + 1);
    let target = index.targetOf(headBinding);
    for (const [i, part] of rest.entries()) if (target.kind !== 'unknown') target = memberOf(index, target, part, i === rest.length - 1, depth + 1);
    return target;
  }
  const returned = s.returnType ?? s.returns;
  if (!construct && returned) return index.resolveType(binding.ref.uri, declaredResult(returned));
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

/**
 * What a written return type says a call gives, for a receiver: a conditional type's last branch
 * (`Ch extends Guard ? this & Narrowed : this` → `this`), an intersection's first type.
 */
export function declaredResult(type: string): string {
  let t = type.trim();
  for (let guard = 0; guard < 4; guard++) {
    const question = topLevel(t, '?');
    if (question < 0 || !/\sextends\s/.test(t.slice(0, question))) break;
    // The last top-level `:` ends the true branch (a nested conditional sits in the true branch or after it).
    const colon = topLevel(t, ':', question + 1, true);
    if (colon < 0) break;
    t = t.slice(colon + 1).trim();
  }
  const amp = topLevel(t, '&');
  return (amp > 0 ? t.slice(0, amp) : t).trim();
}

/** The first (or last) index of `char` outside brackets and after `from` (the `>` of `=>` closes nothing); -1 if none. */
function topLevel(text: string, char: string, from = 0, last = false): number {
  let depth = 0;
  let found = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '<' || c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && text[i - 1] !== '=')) depth--;
    else if (c === char && depth === 0 && i >= from) {
      found = i;
      if (!last) return i;
    }
  }
  return found;
}

/** A member of a target as a binding (for walking a chain). */
function memberOf(index: ProjectIndex, target: ApiTarget, name: string, call: boolean, depth = 0): ApiTarget {
  if (target.kind === 'module') {
    const b = index.moduleMember(target.uri, name);
    return call ? callResult(index, b, false, depth) : valueTarget(index, b);
  }
  if (target.kind === 'class') {
    if (call) {
      let m = index.membersOf(target.uri, target.name).find((x) => x.symbol.name === name);
      // A JavaScript method without a written type: its declaration twin's (`x.d.ts` beside `x.js`).
      const twin = m && !m.symbol.returnType && !m.symbol.returns ? index.declarationTwin(m.uri) : undefined;
      if (twin && m) m = index.membersOf(twin, m.symbol.container).find((x) => x.symbol.name === name && x.symbol.returnType) ?? m;
      const written = m?.symbol.returnType ?? m?.symbol.returns;
      const returned = written && declaredResult(written);
      // A fluent method declared to return `this` (`min(n): this`) keeps the receiver's class, also when a base declares it.
      if (returned?.trim() === 'this') return { ...target, instance: true };
      // `min(n) { return this._addCheck(…) }`: what the other method returns on the same receiver.
      if (!returned && m?.symbol.returnsMember && depth < 4) return memberOf(index, target, m.symbol.returnsMember, true, depth + 1);
      return m && returned ? index.resolveType(m.uri, returned) : { kind: 'unknown' };
    }
    return index.attributeType(target.uri, target.name, name);
  }
  return { kind: 'unknown' };
}

export function resolveReceiver(index: ProjectIndex, doc: LiveDocument, receiver: ParsedReceiver): ReceiverResolution {
  const [head, ...rest] = receiver.chain;
  if (!head) return { target: { kind: 'unknown' }, by: 'none' };
  if (receiver.chain[receiver.chain.length - 1]!.subscript) return resolveSubscript(index, doc, receiver);
  let resolved = resolveHead(index, doc, head, receiver.chain.length === 1 ? receiver.prefixStart : doc.offset, 0);
  for (const [i, part] of rest.entries()) {
    if (resolved.target.kind === 'unknown') break;
    resolved = { target: memberOf(index, resolved.target, part.name, part.call), by: 'chain' };
    if (resolved.target.kind === 'unknown' && i === rest.length - 1) break;
  }
  if (resolved.target.kind !== 'unknown') return resolved;
  // An untyped chain (`self._backend.`, `ctx.req.`): the last name, by where else it is used.
  const last = receiver.chain[receiver.chain.length - 1]!;
  if (rest.length === 1 && !last.call && /^(?:self|this)$/.test(head.name)) {
    const source = attributeSource(doc.text, last.name);
    if (source) return byUsage(index, doc.uri, source) ?? (source !== last.name ? byUsage(index, doc.uri, last.name) : undefined) ?? { target: similarClass(index, source, doc.uri), by: 'similarity' };
  }
  if (rest.length && !last.call) return byUsage(index, doc.uri, last.name) ?? { target: { kind: 'unknown' }, by: 'none' };
  return resolved.by === 'similarity' || rest.length ? { target: resolved.target, by: rest.length ? 'none' : resolved.by } : resolved;
}

/**
 * An element of a container (`items[0].`, `self.items[i].`): the element type of the container's written type
 * (`items: List[Token]`), else what a Python class's `__getitem__` returns (`expr[1, ...].`).
 */
function resolveSubscript(index: ProjectIndex, doc: LiveDocument, receiver: ParsedReceiver): ReceiverResolution {
  const chain = receiver.chain;
  const last = chain[chain.length - 1]!;
  if (chain.length <= 2 && (chain.length === 1 || /^(?:self|this)$/.test(chain[0]!.name))) {
    const fn = innermost(doc.declarations, receiver.prefixStart, functionKinds);
    const before = doc.text.slice(fn ? fn.range.start : 0, receiver.prefixStart);
    const element = elementType(containerType(index, doc, fn, before, chain.map((p) => p.name).join('.')));
    const t = element ? index.resolveType(doc.uri, element) : { kind: 'unknown' as const };
    if (t.kind !== 'unknown') return { target: t, by: 'annotation' };
  }
  const container = resolveReceiver(index, doc, { ...receiver, chain: [...chain.slice(0, -1), { name: last.name, call: false }] });
  const guessed = container.by === 'usage' || container.by === 'similarity' || container.by === 'none';
  if (!guessed && container.target.kind === 'class' && container.target.instance && index.file(container.target.uri)?.language === 'python') {
    const item = memberOf(index, container.target, '__getitem__', true);
    if (item.kind !== 'unknown') return { target: item, by: 'chain' };
  }
  return { target: { kind: 'unknown' }, by: 'none' };
}

/**
 * The name an attribute is assigned from in the file (`self._p = provider`, `this.repo = repo`): an
 * untyped parameter's name is the best guess of what the attribute holds. Undefined when it is
 * assigned anything else.
 */
function attributeSource(text: string, attr: string): string | undefined {
  for (const m of text.matchAll(new RegExp(`\\b(?:self|this)\\.${escapeRegex(attr)}\\s*=(?!=)\\s*([A-Za-z_$][\\w$]*)\\s*(?:[;\\n]|$)`, 'gm')))
    if (!/^(?:None|True|False|null|undefined|true|false|this|self)$/.test(m[1]!)) return m[1];
  return undefined;
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
  if (!name) return head.inner !== undefined ? resolveExpression(index, doc, head.inner, offset, depth) : { target: { kind: 'unknown' }, by: 'none' };
  if (name === 'this' || name === 'self' || name === 'cls' || name === 'super') {
    const cls = enclosingClass(doc, offset);
    if (name === 'this') {
      const typed = thisParameter(doc.text, offset, cls ? doc.text.lastIndexOf(`class ${cls}`, offset) : 0);
      if (typed) {
        const t = index.resolveType(doc.uri, typed);
        if (t.kind !== 'unknown') return { target: t, by: 'annotation' };
      }
    }
    if (!cls) return { target: { kind: 'unknown' }, by: 'none' };
    // An anonymous class expression (`return class extends ModuleRef {`): its members beyond the base's are not indexed; the base's are.
    if (cls === 'extends') {
      const base = [...doc.text.slice(0, offset).matchAll(/\bclass\s+extends\s+([A-Za-z_$][\w$.]*)/g)].pop();
      const t = base && name !== 'cls' ? index.resolveType(doc.uri, base[1]) : { kind: 'unknown' as const };
      return { target: t, by: t.kind === 'unknown' ? 'none' : 'self' };
    }
    if (name === 'super') {
      const base = index.file(doc.uri)?.bases?.[cls]?.[0];
      return { target: index.resolveType(doc.uri, base), by: 'self' };
    }
    return { target: { kind: 'class', uri: doc.uri, name: cls, instance: name !== 'cls' }, by: 'self' };
  }
  if (head.call) {
    const t = callResult(index, index.bindingIn(doc.uri, name), !!head.construct);
    if (t.kind !== 'unknown') return { target: t, by: 'constructor' };
    const byName = head.construct || /^[A-Z]/.test(name) ? index.classNamed(name, doc.uri) : { kind: 'unknown' as const };
    if (byName.kind !== 'unknown' || head.construct || depth >= 3) return { target: byName, by: byName.kind === 'unknown' ? 'none' : 'constructor' };
    // A call of an instance (`signed_integer()` with `signed_integer = Word(nums)`): what its class's `__call__` returns.
    const value = resolveHead(index, doc, { name, call: false }, offset, depth + 1);
    const called = value.target.kind === 'class' && value.target.instance && value.by !== 'usage' && value.by !== 'similarity' ? memberOf(index, value.target, '__call__', true) : undefined;
    return called && called.kind !== 'unknown' ? { target: called, by: 'constructor' } : { target: { kind: 'unknown' }, by: 'none' };
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
  // Calls that keep the elements (`this.observers.slice().forEach(…)`) may come between.
  const callback = [...before.matchAll(new RegExp(`((?:this\\.|self\\.)?#?[A-Za-z_$][\\w$]*)(?:\\.(?:slice|filter|concat|reverse|sort|toSorted|toReversed)\\([^()]*\\))*\\.(?:map|flatMap|forEach|filter|find|findLast|findIndex|some|every)\\(\\s*(?:async\\s+)?(?:\\(\\s*)?${escapeRegex(name)}\\s*(?:[,)]|=>)`, 'g'))].pop();
  // The array method's own parenthesis (the last call of the match: no dot after it).
  const method = callback && /\.(?:map|flatMap|forEach|filter|find|findLast|findIndex|some|every)\((?=[^.]*$)/.exec(callback[0]);
  const callbackOpen = callback && method ? callback.index! + method.index + method[0].length - 1 : -1;
  if (callback && (!last || callback.index! > last.index) && stillOpen(before, callbackOpen)) {
    const element = elementType(containerType(index, doc, fn, before, callback[1]!));
    const t = element ? index.resolveType(doc.uri, element) : { kind: 'unknown' as const };
    if (t.kind !== 'unknown') return { target: t, by: 'loop' };
  }
  // `loc, tokens = e._parse(…)` / `const [a, b] = f()`: the element at the name's place in a written tuple return type.
  const unpacking = new RegExp(`(?:^|\\n)[ \\t]*(?:(?:const|let|var)\\s*\\[|\\()?((?:[ \\t]*(?:[A-Za-z_$][\\w$]*)?[ \\t]*,)*)[ \\t]*${escapeRegex(name)}[ \\t]*(,[^=\\n]*)?[\\])]?[ \\t]*=(?![=>])[ \\t]*(?:await\\s+)?([^\\n;]+)`, 'g');
  const unpacked = [...before.matchAll(unpacking)].filter((m) => m[1]!.includes(',') || m[2]).pop();
  if (unpacked && (!last || last.index < unpacked.index! + unpacked[0].length) && depth < 3) {
    const element = unpackedElement(index, doc, unpacked[3]!.trim(), (unpacked[1]!.match(/,/g) ?? []).length, from + unpacked.index!, depth);
    if (element) return { target: element, by: 'assignment' };
    // The whole right-hand side is no value of one of the names.
    if (last && last.index >= unpacked.index!) last = undefined;
  }
  // `with ZipFile(path) as zf:` (Python): what the manager's `__enter__` returns, else the manager (most return self).
  // `with open(…) as f` names no project class: left to the rest.
  const managed = /\.py[iw]?$/.test(doc.uri) && depth < 3
    ? [...before.matchAll(new RegExp(`\\b(?:with|,)\\s+((?:[A-Za-z_]\\w*\\.)*[A-Za-z_]\\w*)\\s*\\((?:(?!\\bas\\b)[^\\n])*\\)\\s+as\\s+${escapeRegex(name)}\\s*[:,)]`, 'g'))].pop()
    : undefined;
  if (managed && (!last || managed.index! > last.index)) {
    const parts = managed[1]!.split('.');
    let manager = resolveHead(index, doc, { name: parts[0]!, call: parts.length === 1 }, from + managed.index!, depth + 1);
    for (const [i, part] of parts.slice(1).entries()) if (manager.target.kind !== 'unknown') manager = { target: memberOf(index, manager.target, part, i === parts.length - 2), by: 'assignment' };
    if (manager.target.kind === 'class' && manager.target.instance && manager.by !== 'usage' && manager.by !== 'similarity') {
      const enter = index.membersOf(manager.target.uri, manager.target.name).find((m) => m.symbol.name === '__enter__');
      const entered = memberOf(index, manager.target, '__enter__', true);
      // A base's `__enter__` that returns self (read as its own class) gives the manager: `CSVWriter` by way of `CSVBase`.
      const own = entered.kind === 'unknown' || (entered.kind === 'class' && entered.name === enter?.symbol.container);
      return { target: own ? manager.target : entered, by: 'assignment' };
    }
  }
  if (last) {
    const r = assigned(last, before, from);
    if (r) return r;
  }
  /** What an assignment `name = rhs` found in `text` (starting at `base` in the document) makes the name. */
  function assigned(hit: RegExpExecArray, text: string, base: number): ReceiverResolution | undefined {
    if (hit[1]) {
      const t = index.resolveType(doc.uri, hit[1]);
      if (t.kind !== 'unknown') return { target: t, by: 'annotation' };
    }
    if (depth >= 3) return undefined;
    // A parenthesized right-hand side, maybe over lines, maybe a chain after it: `number = (a | b).set_name("n")`, `x = (\n  Regex(…)\n  .copy()\n)`.
    if (!hit[3] && hit[4] === '(') {
      const open = hit.index + hit[0].length - 1;
      const close = closingBracket(text, open, '()', 2000);
      if (close < 0) return undefined;
      const rhs = text.slice(open, close + 1) + /^[^\n;]*(?:\n[ \t]*[?!]?\.[^\n;]*)*/.exec(text.slice(close + 1))![0].trimEnd();
      const parsed = /[)\w$]$/.test(rhs) ? parseReceiver(`${rhs}.`, rhs.length + 1) : undefined;
      if (!parsed?.chain[0] || parsed.chain[0].inner === undefined || parsed.text !== rhs.replace(/\s+/g, '').replace(/[?!](?=\.)/g, '')) return undefined;
      let r = resolveHead(index, doc, parsed.chain[0], base + hit.index, depth + 1);
      for (const part of parsed.chain.slice(1)) r = r.target.kind === 'unknown' ? r : { target: memberOf(index, r.target, part.name, part.call), by: 'assignment' };
      return r.target.kind !== 'unknown' ? { target: r.target, by: 'assignment' } : undefined;
    }
    if (!hit[3]) return undefined;
    const parts = hit[3].split('.');
    let chain: ReceiverChainPart[] = parts.map((p, i) => ({ name: p, call: i === parts.length - 1 && !!hit[4], ...(i === parts.length - 1 && hit[2] ? { construct: true } : {}) }));
    // The whole right-hand side when it is a chain of calls: `Store().new_cart()`, `new Store().newCart()`.
    // Where the name starts (the pattern may have run on over the whitespace after it).
    const rhsStart = hit.index + hit[0].lastIndexOf(hit[3]);
    // Lines that go on with a dot continue it: `const q = client\n  .getQueryCache()\n  .find(…)`.
    const rhs = /^[^\n;]*(?:\n[ \t]*[?!]?\.[^\n;]*)*/.exec(text.slice(rhsStart))![0].trimEnd().replace(/(?<=[\w$)\]])[?!]\.(?=[A-Za-z_$#])/g, '.');
    // `dist = installed[name]` is an element of `installed`, not `installed`.
    if (!hit[4] && /^\s*\[/.test(text.slice(rhsStart + hit[3].length))) return undefined;
    const parsed = rhs.length < 300 && /[)\w$]$/.test(rhs) ? parseReceiver(`${rhs}.`, rhs.length + 1) : undefined;
    if (parsed && parsed.chain.length > chain.length && parsed.text === rhs.replace(/\s+/g, '')) {
      chain = parsed.chain;
      if (hit[2]) chain[0] = { ...chain[0]!, construct: true };
    }
    const head = resolveHead(index, doc, chain[0]!, base + hit.index, depth + 1);
    let r = head;
    for (const part of chain.slice(1)) r = r.target.kind === 'unknown' ? r : { target: memberOf(index, r.target, part.name, part.call), by: 'assignment' };
    if (r.target.kind === 'unknown') return undefined;
    // What is assigned from a guess (`x = guessed.load()`) is still a guess.
    if (head.by === 'usage' || head.by === 'similarity') return { target: r.target, by: head.by };
    return { target: r.target, by: chain.length === 1 && chain[0]!.call ? 'constructor' : 'assignment' };
  }
  // A declaration with a type: `name: T` (TypeScript `let x: T;`, Python `x: T`).
  const declared = new RegExp(`(?:^|[^\\w$.])(?:let|const|var)?\\s*${escapeRegex(name)}\\s*:\\s*([A-Za-z_$][\\w$.]*(?:\\[[^\\]]*\\]|<[^>]*>)?)`, 'g');
  let typed: RegExpExecArray | undefined;
  const ecma = !/\.py[iw]?$/.test(doc.uri);
  for (let m = declared.exec(before); m; m = declared.exec(before)) {
    const at = m.index + (/^[^\w$.]/.test(m[0]) ? 1 : 0);
    if (inScope(at) && (!ecma || parameterInScope(before, at))) typed = m;
  }
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
  const twinType = !typed && index.declarationTwin(doc.uri) ? twinParameterType(index, doc, fn, offset, name) : undefined;
  if (twinType && twinType.kind !== 'unknown') return { target: twinType, by: 'parameter' };
  if (typed) {
    const t = index.resolveType(doc.uri, typed[1]);
    if (t.kind !== 'unknown') return { target: t, by: 'annotation' };
  }
  const documented = /\.[cm]?js$/.test(doc.uri) ? jsDocParameter(before, name) : undefined;
  if (documented) {
    const t = index.resolveType(doc.uri, documented);
    if (t.kind !== 'unknown') return { target: t, by: 'parameter' };
  }
  // A module-level assignment above the enclosing function (`logger = getLogger(__name__)`, `const cache = new Lru()`), at a line's start.
  if (!last && fn && depth < 3) {
    const top = doc.text.slice(0, from);
    let topLast: RegExpExecArray | undefined;
    assign.lastIndex = 0;
    for (let m = assign.exec(top); m; m = assign.exec(top)) {
      const at = m.index + m[0].indexOf(name, /^[^\w$.]/.test(m[0]) ? 1 : 0);
      if (/(?:^|\n)(?:export\s+)?(?:(?:const|let|var)\s+)?$/.test(top.slice(Math.max(0, at - 20), at))) topLast = m;
    }
    const r = topLast && assigned(topLast, top, 0);
    if (r) return r;
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

/** The element `at` of the tuple a call returns (`-> Tuple[int, ParseResults]`, `(): [A, B]`), from its written return type. */
function unpackedElement(index: ProjectIndex, doc: LiveDocument, rhs: string, at: number, offset: number, depth: number): ApiTarget | undefined {
  if (!rhs.endsWith(')')) return undefined;
  const parsed = parseReceiver(`${rhs}.`, rhs.length + 1);
  if (!parsed || parsed.text !== rhs.replace(/\s+/g, '') || parsed.chain.some((p) => p.inner !== undefined || p.subscript)) return undefined;
  const call = parsed.chain[parsed.chain.length - 1]!;
  let symbol: { uri: string; type?: string } | undefined;
  if (parsed.chain.length === 1) {
    const b = index.bindingIn(doc.uri, call.name);
    if (b?.kind === 'symbol') symbol = { uri: b.ref.uri, type: b.ref.symbol.returnType ?? b.ref.symbol.returns };
  } else {
    let r = resolveHead(index, doc, parsed.chain[0]!, offset, depth + 1);
    for (const part of parsed.chain.slice(1, -1)) r = r.target.kind === 'unknown' ? r : { target: memberOf(index, r.target, part.name, part.call), by: 'chain' };
    if (r.by === 'usage' || r.by === 'similarity') return undefined;
    if (r.target.kind === 'class') {
      const m = index.membersOf(r.target.uri, r.target.name).find((x) => x.symbol.name === call.name);
      if (m) symbol = { uri: m.uri, type: m.symbol.returnType ?? m.symbol.returns };
    } else if (r.target.kind === 'module') {
      const b = index.moduleMember(r.target.uri, call.name);
      if (b?.kind === 'symbol') symbol = { uri: b.ref.uri, type: b.ref.symbol.returnType ?? b.ref.symbol.returns };
    }
  }
  const element = symbol?.type && tupleElement(symbol.type, at);
  const t = element ? index.resolveType(symbol!.uri, element) : undefined;
  return t && t.kind !== 'unknown' ? t : undefined;
}

/** The written type at place `at` of a tuple type (`Tuple[A, B]`, `tuple[A, ...]`, `[a: A, B]`); undefined for any other type. */
export function tupleElement(type: string, at: number): string | undefined {
  const m = /^(?:typing\.)?(?:Tuple|tuple)\s*\[([\s\S]*)\]$/.exec(type.trim()) ?? /^(?:readonly\s+)?\[([\s\S]*)\]$/.exec(type.trim());
  if (!m) return undefined;
  const parts: string[] = [];
  let rest = m[1]!;
  for (let comma = topLevel(rest, ','); comma >= 0; comma = topLevel(rest, ',')) {
    parts.push(rest.slice(0, comma).trim());
    rest = rest.slice(comma + 1);
  }
  if (rest.trim()) parts.push(rest.trim());
  const written = parts[1] === '...' ? parts[0] : parts[at];
  if (!written || written.startsWith('...')) return undefined;
  return written.replace(/^[A-Za-z_$][\w$]*\??\s*:\s*/, '').replace(/^['"]|['"]$/g, '');
}

/** Python's method for a binary operator (`a | b` is `a.__or__(b)`). */
const operatorMethods: Record<string, string> = { '|': '__or__', '+': '__add__', '-': '__sub__', '*': '__mul__', '/': '__truediv__', '//': '__floordiv__', '%': '__mod__', '@': '__matmul__', '&': '__and__', '^': '__xor__', '<<': '__lshift__', '>>': '__rshift__', '**': '__pow__' };

/**
 * A parenthesized expression as a receiver: a cast names its type (`(x as Foo).`; `as any` says
 * nothing), `await` is looked through, `a ?? b` / `a || b` is the left operand, and a Python binary
 * operator is the return type of the left operand's method for it (`(a | b).` → `a.__or__`'s). Only
 * a resolved operand counts: a guessed one (usage, similarity) would guess the whole expression.
 */
function resolveExpression(index: ProjectIndex, doc: LiveDocument, inner: string, offset: number, depth: number): ReceiverResolution {
  const none: ReceiverResolution = { target: { kind: 'unknown' }, by: 'none' };
  if (depth >= 3) return none;
  let text = inner.trim();
  for (let cast = /\s(?:as|satisfies)\s+([A-Za-z_$][\w$.]*)\s*(?:<[^()]*>)?(?:\[\])?\s*$/.exec(text); cast; cast = /\s(?:as|satisfies)\s+([A-Za-z_$][\w$.]*)\s*(?:<[^()]*>)?(?:\[\])?\s*$/.exec(text)) {
    if (!/\[\]\s*$/.test(cast[0]) && !/^(?:any|unknown|const|never|object)$/.test(cast[1]!)) {
      const t = index.resolveType(doc.uri, cast[1]);
      if (t.kind !== 'unknown') return { target: t, by: 'annotation' };
    }
    text = text.slice(0, cast.index).trim();
  }
  text = text.replace(/^await\s+/, '');
  const split = leftOperand(text);
  if (!split) return none;
  const operand = split.operand.trim();
  const written = operand.replace(/^new\s+/, '');
  const parsed = /[\w$)]$/.test(written) ? parseReceiver(`${operand}.`, operand.length + 1) : undefined;
  if (!parsed || parsed.text !== written.replace(/\s+/g, '')) return none;
  let r = resolveHead(index, doc, parsed.chain[0]!, offset, depth + 1);
  if (r.by === 'usage' || r.by === 'similarity') return none;
  for (const part of parsed.chain.slice(1)) if (r.target.kind !== 'unknown') r = { target: memberOf(index, r.target, part.name, part.call), by: 'chain' };
  if (r.target.kind === 'unknown') return none;
  if (!split.operator || /^(?:\?\?|\|\||or)$/.test(split.operator)) return { target: r.target, by: 'expression' };
  const method = operatorMethods[split.operator];
  const python = /\.py[iw]?$/.test(r.target.kind === 'class' ? r.target.uri : doc.uri);
  if (!method || !python || r.target.kind !== 'class') return none;
  const t = memberOf(index, r.target, method, true);
  return t.kind !== 'unknown' ? { target: t, by: 'expression' } : none;
}

/**
 * The left operand of an expression and the binary operator after it (none when the whole text
 * is one operand); undefined for what has no one left operand: a tuple, a lambda, a comprehension,
 * a conditional, a unary operator, a literal.
 */
function leftOperand(text: string): { operand: string; operator?: string } | undefined {
  if (!text || /^[-+~!*"'`\d[{]|^(?:not|lambda|yield)\b/.test(text)) return undefined;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === '"' || c === "'" || c === '`') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return undefined;
      i = end;
    } else if (depth === 0) {
      if (c === ',' || c === '?' && text[i + 1] !== '?' && text[i + 1] !== '.' || c === '=' || c === ':' || c === '<' && text[i + 1] !== '<' || c === '>' && text[i + 1] !== '>') return undefined;
      const word = /^\s(or|and|if|for|else|in|is|not)\s/.exec(text.slice(i, i + 6));
      if (word) return word[1] === 'or' || word[1] === 'and' ? { operand: text.slice(0, i), operator: word[1] } : undefined;
      const op = /^(?:\?\?|\|\||&&|\*\*|\/\/|<<|>>|[|+\-*/%@&^])/.exec(text.slice(i));
      if (op) return { operand: text.slice(0, i), operator: op[0] };
    }
  }
  return { operand: text };
}

/**
 * An untyped parameter of a JavaScript method typed by the declaration twin (`setLogger(logger)`
 * with `setLogger(logger: Logger): void;` in the .d.ts). The method is read from the text when the
 * parser could not close it (the cursor in its body).
 */
function twinParameterType(index: ProjectIndex, doc: LiveDocument, fn: Declaration | undefined, offset: number, name: string): ApiTarget | undefined {
  const twin = index.declarationTwin(doc.uri)!;
  let method = fn?.signature?.parameters.some((p) => p.name === name) ? { name: fn.name, start: fn.range.start } : undefined;
  if (!method && !fn) {
    const before = doc.text.slice(Math.max(0, offset - 4000), offset);
    const headers = [...before.matchAll(/^[ \t]*(?:(?:async|static)\s+)*([A-Za-z_$][\w$]*)\s*\(([^)]*)\)\s*\{/gm)].filter((m) => !/^(?:if|for|while|switch|catch|function)$/.test(m[1]!));
    const last = headers.pop();
    if (last && last[2]!.split(',').some((p) => p.trim().split(/\s*=/)[0] === name)) method = { name: last[1]!, start: offset - before.length + last.index! };
  }
  const cls = method && enclosingClass(doc, method.start);
  if (!method || !cls) return undefined;
  const declared = index.membersOf(twin, cls).find((m) => m.symbol.name === method.name)?.symbol.params?.find((p) => new RegExp(`^(?:\\.\\.\\.)?${escapeRegex(name)}\\??\\s*:`).test(p));
  const type = declared?.slice(declared.indexOf(':') + 1).trim();
  return type ? index.resolveType(twin, type) : undefined;
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

/**
 * Whether a `name: T` at `at` of `text` is, when it is a parameter, still in scope at the end:
 * its list still open, or its function's block body still open, or its arrow function's
 * expression body still going on (no statement starts at a line's beginning, no `;`, after it).
 * Not a parameter (no parenthesis open around it): true.
 */
export function parameterInScope(text: string, at: number): boolean {
  let depth = 0;
  let open = -1;
  for (let i = at - 1; i >= 0 && at - i < 2000; i--) {
    const c = text[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) {
        if (c === '(') open = i;
        break;
      }
      depth--;
    }
  }
  if (open < 0) return true;
  const close = closingBracket(text, open, '()', 2000);
  if (close < 0) return true;
  const after = text.slice(close + 1);
  const block = /^\s*(?::[^={;]*?)?(?:=>\s*)?\{/.exec(after);
  if (block) return closingBracket(text, close + block[0].length, '{}') < 0;
  const arrow = /^\s*(?::[^=;{]*?)?=>/.exec(after);
  if (!arrow) return false;
  let level = 0;
  for (let i = arrow[0].length; i < after.length; i++) {
    const c = after[i];
    if (c === '(' || c === '[' || c === '{') level++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--level < 0) return false;
    } else if (level === 0 && (c === ';' || (c === '\n' && /\S/.test(after[i + 1] ?? '')))) return false;
  }
  return true;
}

/**
 * The JSDoc type of a parameter of a function still open at the end of `text` (the cursor in its
 * body, so the parser gave no declaration): `@param {ModuleGraph} moduleGraph` in the doc right
 * above a header whose parameter list names it.
 */
function jsDocParameter(text: string, name: string): string | undefined {
  const from = Math.max(0, text.length - 20000);
  const tag = new RegExp(`@(?:param|arg|argument)\\s*\\{[^\\n]*\\}\\s*\\[?\\s*${escapeRegex(name)}(?![\\w$])`, 'g');
  for (const m of [...text.slice(from).matchAll(tag)].reverse()) {
    const at = from + m.index!;
    const end = text.indexOf('*/', at);
    const start = text.lastIndexOf('/**', at);
    if (end < 0 || start < 0) continue;
    const header = /^\s*(?:(?:export|default|async|static|function|get|set)\s+|\*\s*)*(?:[A-Za-z_$][\w$]*\s*)?(?:[:=]\s*(?:async\s+)?(?:function\b\s*\*?\s*[A-Za-z_$]?[\w$]*\s*)?)?\(/.exec(text.slice(end + 2, end + 2 + 300));
    if (!header) continue;
    const open = end + 2 + header[0].length - 1;
    const close = closingBracket(text, open, '()', 2000);
    const list = text.slice(open + 1, close < 0 ? undefined : close);
    const param = new RegExp(`(?<![\\w$.])${escapeRegex(name)}(?![\\w$])`).exec(list);
    if (!param || !parameterInScope(text, open + 1 + param.index)) continue;
    return jsDocParameterType(text.slice(start, end), name);
  }
  return undefined;
}

/**
 * The type a function expression declares for `this` (`function (this: Reaction) { this.`), when
 * the cursor is in its body and it starts after `from` (inside the enclosing class, if any).
 */
function thisParameter(text: string, offset: number, from: number): string | undefined {
  const before = text.slice(Math.max(0, from, offset - 4000), offset);
  for (const m of [...before.matchAll(/\bfunction\b[\s\w$*]*\(\s*this\s*:\s*([A-Za-z_$][\w$.]*)[^{]*?\{/g)].reverse())
    if (closingBracket(before, m.index! + m[0].length - 1, '{}') < 0) return m[1];
  return undefined;
}

/** Where the bracket `pair[0]` at `open` closes with `pair[1]` (strings not told apart); -1 when it does not within `limit` characters. */
function closingBracket(text: string, open: number, pair: '()' | '{}', limit = Infinity): number {
  const [o, c] = [pair.charCodeAt(0), pair.charCodeAt(1)];
  let depth = 0;
  for (let i = open; i < text.length && i - open < limit; i++) {
    const ch = text.charCodeAt(i);
    if (ch === o) depth++;
    else if (ch === c && --depth === 0) return i;
  }
  return -1;
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
    const cls = enclosingClass(doc, doc.offset);
    if (!cls) return undefined;
    const written = index.file(doc.uri)?.attrTypes?.[`${cls}.${attr[1]}`];
    if (written) return written;
    const member = index.membersOf(doc.uri, cls).find((m) => m.symbol.name === attr[1]);
    if (member) return /^[^:=(]*?\??\s*:\s*([^=;]+)/.exec(member.symbol.signature ?? '')?.[1]?.trim();
    // A field the index does not list (`#observers: Array<QueryObserver>`, an ES private name): its type as written, maybe over lines.
    const field = new RegExp(`\\n[ \\t]*(?:(?:private|protected|public|readonly|static|declare)\\s+)*${escapeRegex(attr[1]!)}\\s*[?!]?\\s*:\\s*`).exec(doc.text);
    return field ? writtenType(doc.text, field.index + field[0].length) : undefined;
  }
  const p = fn?.signature?.parameters.find((x) => x.name === container);
  if (p?.type) return p.type;
  const declared = [...before.matchAll(new RegExp(`(?:^|[^\\w$.])(?:let|const|var)?\\s*${escapeRegex(container)}\\s*:\\s*([A-Za-z_$][\\w$.]*(?:\\[[^\\]\\n]*\\]|<[^>\\n]*>)?(?:\\[\\])?)`, 'g'))].pop();
  return declared?.[1]?.trim();
}

/** The type written from `start` of `text`: up to `=`, `;` or a line's end outside brackets (`Array<\n  Observer<T>\n>` whole), on one line. */
function writtenType(text: string, start: number): string | undefined {
  let depth = 0;
  let i = start;
  for (; i < text.length && i - start < 1000; i++) {
    const c = text[i];
    if (c === '<' || c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}' || (c === '>' && text[i - 1] !== '=')) depth--;
    else if (depth <= 0 && ((c === '=' && text[i + 1] !== '>') || c === ';' || c === '\n')) break;
  }
  return text.slice(start, i).replace(/\s+/g, ' ').replace(/<\s/g, '<').replace(/,?\s>/g, '>').trim() || undefined;
}

/** The element type of a written container type: `List[Foo]`, `Sequence[Foo]`, `Foo[]`, `Array<Foo>`, `Iterable<Foo>`. */
export function elementType(type: string | undefined): string | undefined {
  if (!type) return undefined;
  const t = type.trim().replace(/^['"]|['"]$/g, '');
  // The element may have type arguments of its own (`Array<QueryObserver<any, any>>`, `Observer<T>[]`).
  const array = /^([A-Za-z_$][\w$.]*)\s*(?:<.*>)?\s*\[\s*\]$/.exec(t);
  if (array) return array[1];
  const generic = /^(?:typing\.)?(?:List|list|Sequence|Iterable|Iterator|Set|set|FrozenSet|frozenset|Collection|Tuple|tuple|Array|ReadonlyArray|AsyncIterable|Generator)\s*[[<]\s*([A-Za-z_$][\w$.]*)\s*(?:[[<][^\]]*?[\]>])?\s*(?:,\s*\.\.\.\s*)?[\]>,]/.exec(t);
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

export const dunder = /^__\w+__$/;

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

/**
 * Whether instances of a class answer attribute names it does not declare: a Python class that
 * defines or inherits `__getattr__` / `__getattribute__` (a hook relay, a proxy); the index cannot
 * list what those return.
 */
export function answersUndeclared(index: ProjectIndex, target: ApiTarget): boolean {
  if (target.kind !== 'class' || !target.instance || index.file(target.uri)?.language !== 'python') return false;
  return index.membersOf(target.uri, target.name).some((m) => m.symbol.name === '__getattr__' || m.symbol.name === '__getattribute__');
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
