/**
 * The project API index: file records (the only state) and lookup tables kept in step with them
 * file by file, so an incremental update gives exactly what a full rebuild gives. Answers module
 * resolution, module exports (re-exports, default exports, CommonJS, Python packages), class
 * members with inherited ones, type names → classes, and member usages for ranking.
 * Serialized as versioned JSON; anything that does not validate is rejected (the caller rebuilds).
 */
import { resolveModule, dirname, type ResolverView } from './resolve';
import type { ApiSymbol, ApiTarget, FileRecord, PackageRecord, SymbolRef, TsConfigRecord } from './types';

export const indexFormat = 'tokenwise-api-index';
/** Bump when FileRecord, TsConfigRecord or what extraction writes into them changes: older files are rebuilt. */
export const indexVersion = 30;

/** What a name exported by a module, or bound by an import, stands for. */
export type Binding = { kind: 'symbol'; ref: SymbolRef } | { kind: 'module'; uri: string };

export interface IndexStats {
  files: number;
  symbols: number;
  usages: number;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function pull<K, V>(map: Map<K, V[]>, key: K, test: (v: V) => boolean): void {
  const list = map.get(key);
  if (!list) return;
  const kept = list.filter((v) => !test(v));
  if (kept.length) map.set(key, kept);
  else map.delete(key);
}

const classKinds = new Set(['class', 'interface']);

/** Calls apart (in a file's usage list) within which one call on a receiver name still follows the one before it on that name. */
const transitionReach = 8;

/**
 * A file's call transitions: for each member call on a receiver name, the member called on the
 * same name just before it (at most `transitionReach` calls back): [earlier member, next member].
 */
export function callTransitions(usages: FileRecord['usages']): Array<[earlier: string, next: string]> {
  const out: Array<[string, string]> = [];
  const last = new Map<string, [member: string, at: number]>();
  (usages ?? []).forEach(([member, , receiver], i) => {
    if (!receiver) return;
    const before = last.get(receiver);
    if (before && i - before[1] <= transitionReach) out.push([before[0], member]);
    last.set(receiver, [member, i]);
  });
  return out;
}

/** A class, an interface, or a type alias of an object type (its record lists members for it): what a receiver can be an instance of. */
function isClassLike(record: FileRecord, symbol: ApiSymbol): boolean {
  if (symbol.container) return false;
  if (classKinds.has(symbol.kind)) return true;
  // A type alias of an object type, a TypeScript namespace (`util.arrayToEnum`): their members are listed like a class's.
  return (symbol.kind === 'type' || symbol.kind === 'module') && record.symbols.some((m) => m.container === symbol.name);
}

/** A module-level constant bound to an object literal with methods (`const api = { get() {} }`): `api.` lists them. */
function isObjectWithMethods(record: FileRecord, symbol: ApiSymbol): boolean {
  return !symbol.container && (symbol.kind === 'constant' || symbol.kind === 'variable') && record.symbols.some((m) => m.container === symbol.name);
}

export class ProjectIndex implements ResolverView {
  private readonly files = new Map<string, FileRecord>();
  private readonly configs = new Map<string, TsConfigRecord>();
  /** Workspace packages (`package.json` with a name) by package.json URI. */
  private readonly packages = new Map<string, PackageRecord>();
  /** Class / interface symbols by name. */
  private readonly classes = new Map<string, SymbolRef[]>();
  /** Every symbol by name. */
  private readonly byName = new Map<string, SymbolRef[]>();
  /** Member-call usages by member name: [uri, words]. */
  private readonly usages = new Map<string, Array<[uri: string, words: ReadonlySet<string>, receiver: ReadonlySet<string>]>>();
  /** Member calls by receiver words (`self._backend.x(` and `backend.x(` → `backend`): [uri, member]. */
  private readonly byReceiver = new Map<string, Array<[uri: string, member: string]>>();
  /** Call transitions (`callTransitions`) by earlier member: [uri, next member]. */
  private readonly successors = new Map<string, Array<[uri: string, next: string]>>();
  /** Classes by the last name of each of their bases (`class Loader(Reader, Scanner)` under `Reader` and `Scanner`), computed on use. */
  private subclassesByBase: Map<string, Array<{ uri: string; name: string; bases: string[] }>> | undefined;
  /** Folders above top-level Python packages (derived from the files, computed on use). */
  private pyRoots: string[] | undefined;
  /** Per file, the member names it calls (co-usage, `coUsage`), computed on use. */
  private calledByFile: { files: Map<string, ReadonlySet<string>>; callers: Map<string, number> } | undefined;
  private symbolCount = 0;
  private totalUsages = 0;
  private exportCache = new Map<string, Map<string, Binding>>();

  constructor(readonly root: string) {}

  // ---- state ----

  setFile(record: FileRecord): void {
    this.removeFile(record.uri);
    this.files.set(record.uri, record);
    for (const symbol of record.symbols) {
      const ref = { uri: record.uri, symbol };
      push(this.byName, symbol.name, ref);
      if (isClassLike(record, symbol)) push(this.classes, symbol.name, ref);
    }
    for (const [member, words, receiver] of record.usages ?? []) {
      push(this.usages, member, [record.uri, wordSet(words), wordSet(receiver)] as [string, ReadonlySet<string>, ReadonlySet<string>]);
      if (receiver) push(this.byReceiver, receiver, [record.uri, member] as [string, string]);
    }
    for (const [earlier, next] of callTransitions(record.usages)) push(this.successors, earlier, [record.uri, next] as [string, string]);
    this.symbolCount += record.symbols.length;
    this.totalUsages += record.usages?.length ?? 0;
    if (record.usages?.length) this.calledByFile = undefined;
    if (record.language === 'python') this.pyRoots = undefined;
    if (record.bases) this.subclassesByBase = undefined;
    this.exportCache.clear();
  }

  removeFile(uri: string): boolean {
    const old = this.files.get(uri);
    if (!old) return false;
    const mine = (r: SymbolRef) => r.uri === uri;
    for (const symbol of old.symbols) {
      pull(this.byName, symbol.name, mine);
      pull(this.classes, symbol.name, mine);
    }
    for (const [member, , receiver] of old.usages ?? []) {
      pull(this.usages, member, (u) => u[0] === uri);
      if (receiver) pull(this.byReceiver, receiver, (u) => u[0] === uri);
    }
    for (const [earlier] of callTransitions(old.usages)) pull(this.successors, earlier, (u) => u[0] === uri);
    this.symbolCount -= old.symbols.length;
    this.totalUsages -= old.usages?.length ?? 0;
    if (old.usages?.length) this.calledByFile = undefined;
    if (old.language === 'python') this.pyRoots = undefined;
    if (old.bases) this.subclassesByBase = undefined;
    this.files.delete(uri);
    this.exportCache.clear();
    return true;
  }

  /** Sets or (undefined) removes a workspace package (its package.json). */
  setPackage(packageUri: string, record: PackageRecord | undefined): void {
    if (record) this.packages.set(packageUri, record);
    else this.packages.delete(packageUri);
    this.exportCache.clear();
  }

  packageUris(): string[] {
    return [...this.packages.keys()];
  }

  packageFor(spec: string): PackageRecord | undefined {
    let best: PackageRecord | undefined;
    for (const p of this.packages.values())
      if ((spec === p.name || spec.startsWith(`${p.name}/`)) && (!best || p.name.length > best.name.length)) best = p;
    return best;
  }

  /** Sets or (undefined) removes the config of `configUri`'s folder; another config of that folder is left alone. */
  setConfig(configUri: string, record: TsConfigRecord | undefined): void {
    const dir = dirname(configUri);
    if (this.configs.get(dir)?.uri === configUri) this.configs.delete(dir);
    if (record) this.configs.set(record.dir, record);
    this.exportCache.clear();
  }

  configUris(): string[] {
    return [...this.configs.values()].map((c) => c.uri);
  }

  /** The configs whose `extends` chain reads (or looked in vain for) `uri`, or a file under the folder `uri`. */
  configsExtending(uri: string): string[] {
    const hit = (base: string) => base === uri || base.startsWith(`${uri}/`);
    return [...this.configs.values()].filter((c) => c.extends?.some(hit)).map((c) => c.uri);
  }

  file(uri: string): FileRecord | undefined {
    return this.overlay?.uri === uri ? this.overlay : this.files.get(uri);
  }

  private overlay: FileRecord | undefined;
  /** Module exports computed inside a lookup with a live text (see `exportsOf`). */
  private overlayMemo: Map<string, Map<string, Binding>> | undefined;

  /**
   * Runs `fn` with `record` standing in for its file's record in lookups (the live text of the
   * document being edited), without touching the tables or the export cache.
   */
  withOverlay<T>(record: FileRecord, fn: () => T): T {
    const previous = this.overlay;
    const previousMemo = this.overlayMemo;
    this.overlay = record;
    this.overlayMemo = new Map();
    try {
      return fn();
    } finally {
      this.overlay = previous;
      this.overlayMemo = previousMemo;
    }
  }

  fileUris(): string[] {
    return [...this.files.keys()];
  }

  *allSymbols(): Iterable<SymbolRef> {
    for (const record of this.files.values()) for (const symbol of record.symbols) yield { uri: record.uri, symbol };
  }

  symbolsNamed(name: string): readonly SymbolRef[] {
    return this.byName.get(name) ?? [];
  }

  stats(): IndexStats {
    return { files: this.files.size, symbols: this.symbolCount, usages: this.totalUsages };
  }

  // ---- ResolverView ----

  has(uri: string): boolean {
    return this.files.has(uri);
  }

  tsconfigFor(dir: string): TsConfigRecord | undefined {
    for (let d = dir; d; ) {
      const found = this.configs.get(d);
      if (found) return found;
      const up = dirname(d);
      if (up === d || up.length < this.root.length - 1) break;
      d = up;
    }
    return undefined;
  }

  /** The folder above the topmost package holding a Python file (by `__init__.py` files in the index). */
  private pythonRootOf(uri: string): string {
    let dir = dirname(uri);
    while (this.files.has(`${dir}/__init__.py`) || this.files.has(`${dir}/__init__.pyi`)) {
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return dir;
  }

  pythonRoots(fromUri: string): string[] {
    if (!this.pyRoots) {
      const found = new Set<string>();
      for (const r of this.files.values()) if (r.language === 'python') found.add(this.pythonRootOf(r.uri));
      this.pyRoots = [...found].sort();
    }
    return [...new Set([this.pythonRootOf(fromUri), this.root, `${this.root}/src`, `${this.root}/lib`, ...this.pyRoots])];
  }

  resolveImport(fromUri: string, module: string): string | undefined {
    const record = this.file(fromUri);
    const language = record?.language ?? (fromUri.endsWith('.py') ? 'python' : 'typescript');
    return resolveModule(this, language, fromUri, module);
  }

  // ---- exports and bindings ----

  /** What a module exports, by name (re-exports followed; `default` included; Python: its top-level names and imports). */
  exportsOf(uri: string, seen: Set<string> = new Set()): Map<string, Binding> {
    const live = this.overlay?.uri === uri;
    const cached = live ? undefined : (this.exportCache.get(uri) ?? this.overlayMemo?.get(uri));
    if (cached) return cached;
    const out = new Map<string, Binding>();
    const record = this.file(uri);
    if (!record || seen.has(uri)) return out;
    seen.add(uri);
    const python = record.language === 'python';
    const local = new Map<string, ApiSymbol>();
    for (const s of record.symbols) if (!s.container && !local.has(s.name)) local.set(s.name, s);
    for (const s of local.values()) if (s.exported || python) out.set(s.name, { kind: 'symbol', ref: { uri, symbol: s } });
    if (python) {
      for (const imp of record.imports)
        for (const [name, localName, kind] of imp.names) {
          if (!localName || out.has(localName) || kind === 'star') continue;
          const b = this.bindingOfImport(uri, imp.form, imp.module, name, kind, seen);
          if (b) out.set(localName, b);
        }
      for (const imp of record.imports)
        if (imp.names.some((n) => n[2] === 'star')) {
          const target = this.resolveImport(uri, imp.module);
          if (!target) continue;
          // Python takes the module's `__all__` where it has one, else every name without a leading underscore.
          const listed = this.file(target)?.starNames;
          const takes = listed ? new Set(listed) : undefined;
          for (const [k, v] of this.exportsOf(target, new Set(seen))) if (!out.has(k) && (takes ? takes.has(k) : !k.startsWith('_'))) out.set(k, v);
        }
    } else {
      for (const [exported, localName] of record.exportNames ?? []) {
        const sym = local.get(localName);
        if (sym) {
          out.set(exported, { kind: 'symbol', ref: { uri, symbol: sym } });
          continue;
        }
        const b = this.importedBinding(uri, localName, seen);
        if (b) out.set(exported, b);
      }
      for (const imp of record.imports) {
        if (imp.form !== 'export-from') continue;
        const target = this.resolveImport(uri, imp.module);
        if (!target) continue;
        for (const [name, alias, kind] of imp.names) {
          if (kind === 'star') {
            for (const [k, v] of this.exportsOf(target, new Set(seen))) if (k !== 'default' && !out.has(k)) out.set(k, v);
          } else if (kind === 'namespace') {
            if (alias) out.set(alias, { kind: 'module', uri: target });
          } else {
            const b = this.exportsOf(target, new Set(seen)).get(name);
            if (b) out.set(alias || name, b);
          }
        }
      }
    }
    // Kept also below the top call: import cycles (common in Python packages) would otherwise be walked once per path,
    // exponentially. While a live text stands in, those results may depend on it: they last for that lookup only.
    if (!live) (seen.size === 1 || !this.overlayMemo ? this.exportCache : this.overlayMemo).set(uri, out);
    return out;
  }

  private bindingOfImport(fromUri: string, form: string, module: string, name: string, kind: string, seen: Set<string> = new Set()): Binding | undefined {
    const target = this.resolveImport(fromUri, module);
    if (kind === 'namespace' || kind === 'module') {
      if (form === 'import' && kind === 'module') {
        // `import a.b.c` binds `a`; `import a.b as c` binds the module a.b itself.
        return target ? { kind: 'module', uri: target } : undefined;
      }
      if (!target) return undefined;
      if (form === 'require') {
        // `const X = require('./m')` where m does `module.exports = X`.
        const exports = this.exportsOf(target, new Set(seen));
        const def = exports.get('default');
        const rec = this.file(target);
        if (def && rec?.exportNames?.some(([e]) => e === 'default') && !rec.exportNames.some(([e]) => e !== 'default')) return def;
      }
      return { kind: 'module', uri: target };
    }
    if (form === 'from') {
      const fromTarget = target ? this.exportsOf(target, new Set(seen)).get(name) : undefined;
      if (fromTarget) return fromTarget;
      // `from pkg import mod`: a submodule.
      const sub = this.resolveImport(fromUri, module.endsWith('.') ? `${module}${name}` : `${module}.${name}`);
      return sub ? { kind: 'module', uri: sub } : undefined;
    }
    if (!target) return undefined;
    return this.exportsOf(target, new Set(seen)).get(name);
  }

  /** What a local name of a file is bound to by its imports (undefined when not imported, or imported from outside the project). */
  importedBinding(fromUri: string, localName: string, seen: Set<string> = new Set()): Binding | undefined {
    const record = this.file(fromUri);
    if (!record) return undefined;
    for (const imp of record.imports) {
      if (imp.form === 'export-from') continue;
      for (const [name, local, kind] of imp.names) {
        if (local !== localName) continue;
        if (imp.form === 'import' && kind === 'module' && name.includes('.') && local === name.split('.')[0]) {
          // `import a.b` binds `a`: the package a.
          const top = this.resolveImport(fromUri, localName);
          return top ? { kind: 'module', uri: top } : undefined;
        }
        return this.bindingOfImport(fromUri, imp.form, imp.module, name, kind, seen);
      }
    }
    return undefined;
  }

  /** A name as seen from a file: its own top-level declaration, else an import. */
  bindingIn(fromUri: string, name: string): Binding | undefined {
    const record = this.file(fromUri);
    // An import first: `const u = require('./u')` also declares the constant u.
    const imported = this.importedBinding(fromUri, name);
    if (imported) return imported;
    const own = record?.symbols.find((s) => s.name === name && !s.container);
    return own ? { kind: 'symbol', ref: { uri: fromUri, symbol: own } } : undefined;
  }

  // ---- classes ----

  /** A target for a binding: modules stay modules; classes become class targets (static access). */
  targetOf(binding: Binding | undefined, instance = false): ApiTarget {
    if (!binding) return { kind: 'unknown' };
    if (binding.kind === 'module') return { kind: 'module', uri: binding.uri };
    const s = binding.ref.symbol;
    const record = this.file(binding.ref.uri);
    if (classKinds.has(s.kind) || (record && (isClassLike(record, s) || isObjectWithMethods(record, s)))) return { kind: 'class', uri: binding.ref.uri, name: s.name, instance };
    return { kind: 'unknown' };
  }

  /** A type as written (`Optional[Repo]`, `Promise<Repo>`, `models.Repo`, `Repo | None`) seen from a file → a class. */
  resolveType(fromUri: string, typeText: string | undefined, depth = 0): ApiTarget {
    if (!typeText) return { kind: 'unknown' };
    let t = typeText.trim().replace(/^['"]|['"]$/g, '');
    for (;;) {
      const m = /^(?:typing\.)?(?:Optional|Readonly|Promise|Awaited|NonNullable|Required|Type|type|ClassVar|Final|Annotated)\s*[[<]\s*(.*)[\]>]\s*$/.exec(t);
      if (!m) break;
      t = m[1]!.split(',')[0]!.trim();
    }
    // A forward reference inside (`Optional["Repo"]`) is quoted too.
    t = t.split('|').map((s) => s.trim().replace(/^['"]|['"]$/g, '')).find((s) => s && s !== 'None' && s !== 'null' && s !== 'undefined') ?? '';
    // An indexed access type: `AnyRouter['serverSsr']` is the type of that property.
    const indexed = /^([A-Za-z_$][\w$.]*)\s*(?:<[^[\]]*>)?\s*\[\s*['"]([\w$]+)['"]\s*\]$/.exec(t);
    if (indexed) {
      const owner = this.resolveType(fromUri, indexed[1]);
      return owner.kind === 'class' ? this.attributeType(owner.uri, owner.name, indexed[2]!) : { kind: 'unknown' };
    }
    // Collections of a class are not the class.
    if (/\[\s*\]$/.test(t) || /^(?:typing\.)?(?:Array|ReadonlyArray|Set|Map|Record|Iterable|Iterator|AsyncIterable|Generator|list|List|dict|Dict|set|Set|tuple|Tuple|Sequence|Mapping|frozenset)\s*[[<]/.test(t)) return { kind: 'unknown' };
    const name = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/.exec(t)?.[0];
    if (!name) return { kind: 'unknown' };
    const parts = name.split('.');
    let binding = this.bindingIn(fromUri, parts[0]!);
    for (const part of parts.slice(1)) {
      if (binding?.kind !== 'module') {
        binding = undefined;
        break;
      }
      binding = this.moduleMember(binding.uri, part);
    }
    const target = this.targetOf(binding, true);
    if (target.kind !== 'unknown') return target;
    const alias = binding?.kind === 'symbol' && binding.ref.symbol.kind === 'type' ? binding.ref.symbol.alias : undefined;
    if (alias && depth < 4) return this.resolveType(binding!.kind === 'symbol' ? binding!.ref.uri : fromUri, alias, depth + 1);
    return this.classNamed(parts[parts.length - 1]!, fromUri, true);
  }

  /**
   * A name of a module as `mod.name` reaches it: an export, or in a Python package a submodule its
   * `__init__` does not import (`writers._html_base`: Python binds it once anything imports it).
   */
  moduleMember(uri: string, name: string): Binding | undefined {
    const exported = this.exportsOf(uri).get(name);
    if (exported || !/\/__init__\.pyi?$/.test(uri)) return exported;
    const dir = dirname(uri);
    const sub = [`${dir}/${name}.py`, `${dir}/${name}.pyi`, `${dir}/${name}/__init__.py`, `${dir}/${name}/__init__.pyi`].find((u) => this.files.has(u));
    return sub ? { kind: 'module', uri: sub } : undefined;
  }

  /** A class by name anywhere in the project (the one nearest `nearUri` by shared path when several). */
  classNamed(name: string, nearUri: string, instance = true): ApiTarget {
    const refs = this.classes.get(name);
    if (!refs?.length) return { kind: 'unknown' };
    let best = refs[0]!;
    let bestShared = -1;
    for (const r of refs) {
      let i = 0;
      while (i < r.uri.length && r.uri[i] === nearUri[i]) i++;
      if (i > bestShared) {
        best = r;
        bestShared = i;
      }
    }
    return { kind: 'class', uri: best.uri, name: best.symbol.name, instance };
  }

  /** Class names, for the name-similarity fallback. */
  classNames(): string[] {
    return [...this.classes.keys()];
  }

  /** The live record when it declares the class (an unfinished text may not), else the indexed one. */
  private recordDeclaring(uri: string, className: string): FileRecord | undefined {
    const live = this.file(uri);
    if (live && live !== this.files.get(uri) && !live.symbols.some((s) => s.name === className && !s.container)) return this.files.get(uri) ?? live;
    return live;
  }

  /** Members of a class, own first, then inherited (bases resolved from the class's file), each name once. */
  membersOf(uri: string, className: string, depth = 0, seen: Set<string> = new Set()): Array<SymbolRef & { inherited: boolean }> {
    const key = `${uri}#${className}`;
    if (seen.has(key) || depth > 5) return [];
    seen.add(key);
    const record = this.recordDeclaring(uri, className);
    if (!record) return [];
    const out: Array<SymbolRef & { inherited: boolean }> = [];
    const names = new Set<string>();
    for (const s of record.symbols)
      if (s.container === className && !names.has(s.name)) {
        names.add(s.name);
        out.push({ uri, symbol: s, inherited: depth > 0 });
      }
    // A JavaScript class's declaration twin also lists what compiles to nothing (abstract methods).
    const twin = this.declarationTwin(uri);
    if (twin)
      for (const m of this.membersOf(twin, className, depth, seen))
        if (!names.has(m.symbol.name)) {
          names.add(m.symbol.name);
          out.push(m);
        }
    for (const base of record.bases?.[className] ?? []) {
      let t = this.resolveType(uri, base);
      // A class declared in a function beside this one (a test's handler extending another): not a module-level name, but this file's.
      if (t.kind !== 'class' && (Object.hasOwn(record.bases ?? {}, base) || record.symbols.some((s) => s.container === base))) t = { kind: 'class', uri, name: base, instance: true };
      if (t.kind !== 'class') continue;
      for (const m of this.membersOf(t.uri, t.name, depth + 1, seen))
        if (!names.has(m.symbol.name)) {
          names.add(m.symbol.name);
          out.push({ ...m, inherited: true });
        }
    }
    return out;
  }

  /**
   * Members a mixin reaches through `self` without inheriting them: those of the other bases of
   * the classes that combine it (`class Loader(Reader, Scanner, Parser)`: in Scanner, `self.peek()`
   * is Reader's). Only when the class's file calls on self a member no class of the file has, and
   * only the partners that define one of those. Each name once, none of the class's own (or inherited) names.
   */
  mixinMembers(uri: string, className: string): SymbolRef[] {
    if (!this.subclassesByBase) {
      const table = new Map<string, Array<{ uri: string; name: string; bases: string[] }>>();
      for (const r of this.files.values())
        for (const [name, bases] of Object.entries(r.bases ?? {})) for (const b of bases) push(table, b.split('.').pop()!, { uri: r.uri, name, bases });
      this.subclassesByBase = table;
    }
    const own = new Set(this.membersOf(uri, className).map((m) => m.symbol.name));
    // Only a class that relies on partners: its file calls on self / this what no class of the file defines or inherits.
    const record = this.file(uri);
    const defined = new Set(record?.symbols.filter((x) => x.container).map((x) => x.name));
    for (const cls of Object.keys(record?.bases ?? {})) for (const m of this.membersOf(uri, cls)) defined.add(m.symbol.name);
    const missing = new Set((record?.usages ?? []).filter(([member, , receiver]) => (receiver === 'self' || receiver === 'this') && !own.has(member) && !defined.has(member)).map(([member]) => member));
    if (!missing.size) return [];
    const out: SymbolRef[] = [];
    for (const sub of this.subclassesByBase.get(className) ?? []) {
      const bases = sub.bases.map((b) => this.resolveType(sub.uri, b));
      if (!bases.some((t) => t.kind === 'class' && t.uri === uri && t.name === className)) continue;
      for (const t of bases) {
        if (t.kind !== 'class' || (t.uri === uri && t.name === className)) continue;
        const members = this.membersOf(t.uri, t.name);
        if (!members.some((m) => missing.has(m.symbol.name))) continue;
        for (const m of members)
          if (!own.has(m.symbol.name)) {
            own.add(m.symbol.name);
            out.push({ uri: m.uri, symbol: m.symbol });
          }
      }
      if (out.length > 2000) break;
    }
    return out;
  }

  /**
   * The declarations generated beside a JavaScript file (`x.js` → `x.d.ts`, `x.mjs` → `x.d.mts`),
   * when the index has them: the types the JavaScript does not write (a compiled package's own files).
   */
  declarationTwin(uri: string): string | undefined {
    const m = /\.([cm]?)js$/.exec(uri);
    if (!m) return undefined;
    const twin = `${uri.slice(0, m.index)}.d.${m[1]}ts`;
    return this.files.has(twin) ? twin : undefined;
  }

  /** The type of a class's attribute (`self.repo = Repo()`), inherited ones included; a JavaScript class's from its declaration twin. */
  attributeType(uri: string, className: string, attr: string, depth = 0): ApiTarget {
    const record = this.recordDeclaring(uri, className);
    if (!record || depth > 5) return { kind: 'unknown' };
    const written = this.file(uri)?.attrTypes?.[`${className}.${attr}`] ?? record.attrTypes?.[`${className}.${attr}`];
    if (written) return this.resolveType(uri, written);
    // An object literal with methods bound to the attribute (`handlers = { onX() {} }`, `users: { list() {} }` in `const api = {…}`): its methods are members of `Class.attr`.
    const nested = `${className}.${attr}`;
    if (record.symbols.some((s) => s.container === nested)) return { kind: 'class', uri, name: nested, instance: true };
    const member = record.symbols.find((s) => s.container === className && s.name === attr);
    const returned = member?.returnType ?? member?.returns;
    if (returned) return this.resolveType(uri, returned);
    // A typed field or interface property: `model: CausalLM`, `readonly cache?: Lru<K, V>;`.
    const declared = member && member.kind !== 'method' ? /^[^:=(]*?\??\s*:\s*([^=;]+)/.exec(member.signature ?? '')?.[1] : undefined;
    if (declared) {
      const t = this.resolveType(uri, declared.trim());
      if (t.kind !== 'unknown') return t;
    }
    const twin = this.declarationTwin(uri);
    if (twin) {
      const t = this.attributeType(twin, className, attr, depth + 1);
      if (t.kind !== 'unknown') return t;
    }
    for (const base of record.bases?.[className] ?? []) {
      const t = this.resolveType(uri, base);
      if (t.kind === 'class') {
        const found = this.attributeType(t.uri, t.name, attr, depth + 1);
        if (found.kind !== 'unknown') return found;
      }
    }
    return { kind: 'unknown' };
  }

  /** Usages of a member name across the project: [words around the call, receiver words]; other files only when `exceptUri`. */
  usagesOf(member: string, exceptUri?: string, limit = 64): Array<[words: ReadonlySet<string>, receiver: ReadonlySet<string>]> {
    const list = this.usages.get(member);
    if (!list) return [];
    const out: Array<[ReadonlySet<string>, ReadonlySet<string>]> = [];
    for (const [uri, words, receiver] of list) {
      if (uri === exceptUri) continue;
      out.push([words, receiver]);
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * Members called on receivers with these words (`backend`: `self._backend.x(`, `backend.y(`)
   * elsewhere in the project, with their counts; the live record's own calls (before the cursor)
   * count, the indexed record of `exceptUri` does not.
   */
  membersCalledOn(receiverWords: string, exceptUri?: string): Map<string, number> {
    const out = new Map<string, number>();
    // Calls nearer the cursor's file (sharing more folders below the root) weigh more: a name means the same thing within a package.
    const near = exceptUri ?? '';
    for (const [uri, member] of this.byReceiver.get(receiverWords) ?? []) if (uri !== exceptUri) out.set(member, (out.get(member) ?? 0) + this.proximity(uri, near));
    const live = exceptUri !== undefined && this.overlay?.uri === exceptUri ? this.overlay : undefined;
    for (const [member, , receiver] of live?.usages ?? []) if (receiver === receiverWords) out.set(member, (out.get(member) ?? 0) + this.proximity(near, near));
    return out;
  }

  /**
   * What is called on a receiver name right after `member` was called on it (`callTransitions`),
   * with counts, in the other files than `exceptUri`; the live record's own transitions (the text
   * before the cursor) count, the indexed record of `exceptUri` does not.
   */
  callsAfter(member: string, exceptUri?: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const [uri, next] of this.successors.get(member) ?? []) if (uri !== exceptUri) out.set(next, (out.get(next) ?? 0) + 1);
    const live = exceptUri !== undefined && this.overlay?.uri === exceptUri ? this.overlay : undefined;
    if (live) for (const [earlier, next] of callTransitions(live.usages)) if (earlier === member) out.set(next, (out.get(next) ?? 0) + 1);
    return out;
  }

  /** 1 + folders two files share below the index root: 1 for files in unrelated folders. */
  proximity(a: string, b: string): number {
    if (!b) return 1;
    const pa = a.slice(this.root.length).split('/').slice(0, -1);
    const pb = b.slice(this.root.length).split('/').slice(0, -1);
    let i = 0;
    while (i < pa.length && i < pb.length && pa[i] === pb[i]) i++;
    return 1 + Math.max(0, i - 1);
  }

  /**
   * The class a receiver name stands for, by usage co-occurrence: the class (own and inherited
   * members) that defines most of the members called on that name elsewhere in the project
   * (calls weighted by folder proximity; ties → the class with fewer members (the more
   * specific declaration), then the one nearer the file). `coverage` is the share of the calls its
   * members explain.
   */
  classByUsage(receiverWords: string, exceptUri?: string): { target: ApiTarget; coverage: number; distinct: number } | undefined {
    const called = this.membersCalledOn(receiverWords, exceptUri);
    if (!called.size) return undefined;
    const total = [...called.values()].reduce((a, b) => a + b, 0);
    const classes = new Map<string, { uri: string; name: string }>();
    for (const member of called.keys())
      for (const r of this.byName.get(member) ?? []) if (r.symbol.container) classes.set(`${r.uri}#${r.symbol.container}`, { uri: r.uri, name: r.symbol.container });
    let best: { uri: string; name: string; score: number; distinct: number; size: number; near: number } | undefined;
    for (const c of classes.values()) {
      if (!this.classes.get(c.name)?.some((r) => r.uri === c.uri)) continue;
      const names = new Set(this.membersOf(c.uri, c.name).map((m) => m.symbol.name));
      let score = 0;
      let distinct = 0;
      for (const [m, n] of called)
        if (names.has(m)) {
          score += n;
          distinct++;
        }
      const near = exceptUri ? this.proximity(c.uri, exceptUri) : 0;
      if (!best || score > best.score || (score === best.score && (names.size < best.size || (names.size === best.size && near > best.near)))) best = { ...c, score, distinct, size: names.size, near };
    }
    if (!best || !best.score) return undefined;
    return { target: { kind: 'class', uri: best.uri, name: best.name, instance: true }, coverage: best.score / total, distinct: best.distinct };
  }

  /**
   * The members this file calls (`calledHere`, the live text's calls before the cursor) with their
   * rarity, log(files / files calling it), for `coUsage`; members every file calls weigh nothing
   * and are left out. Once per completion, not per candidate.
   */
  callWeights(calledHere: ReadonlySet<string>): Array<[member: string, weight: number]> {
    const { files, callers } = this.callsByFile();
    const out: Array<[string, number]> = [];
    for (const m of calledHere) {
      const w = Math.log(Math.max(2, files.size) / Math.max(1, callers.get(m) ?? 0));
      if (w > 0) out.push([m, w]);
    }
    return out;
  }

  /**
   * How much the other files that call `member` call what this file calls (`callWeights`): the
   * best, over those files, of the weighted share of this file's calls (without `member`) they
   * call too, and the mean share. APIs used together are used in the same files.
   */
  coUsage(member: string, weights: ReadonlyArray<readonly [member: string, weight: number]>, exceptUri?: string): { best: number; mean: number } {
    const none = { best: 0, mean: 0 };
    const list = this.usages.get(member);
    if (!list || !weights.length) return none;
    let total = 0;
    for (const [m, w] of weights) if (m !== member) total += w;
    if (!total) return none;
    const { files } = this.callsByFile();
    let best = 0;
    let sum = 0;
    const seen = new Set<string>();
    for (const [uri] of list) {
      if (uri === exceptUri || seen.has(uri)) continue;
      // At most 64 files, each counted in the mean exactly once.
      if (seen.size === 64) break;
      seen.add(uri);
      const called = files.get(uri);
      if (!called) continue;
      let shared = 0;
      for (const [m, w] of weights) if (m !== member && called.has(m)) shared += w;
      best = Math.max(best, shared / total);
      sum += shared / total;
    }
    return { best, mean: seen.size ? sum / seen.size : 0 };
  }

  /** Per file, the member names it calls, and per member the number of files calling it (computed on use). */
  private callsByFile(): { files: Map<string, ReadonlySet<string>>; callers: Map<string, number> } {
    if (!this.calledByFile) {
      const files = new Map<string, ReadonlySet<string>>();
      const callers = new Map<string, number>();
      for (const [uri, record] of this.files) {
        if (!record.usages?.length) continue;
        const called = new Set(record.usages.map((u) => u[0]));
        files.set(uri, called);
        for (const m of called) callers.set(m, (callers.get(m) ?? 0) + 1);
      }
      this.calledByFile = { files, callers };
    }
    return this.calledByFile;
  }

  /** How many calls of a member name the project has (other files only when `exceptUri`). */
  usageCount(member: string, exceptUri?: string): number {
    const list = this.usages.get(member);
    if (!list) return 0;
    let n = 0;
    for (const [uri] of list) if (uri !== exceptUri) n++;
    return n;
  }

  // ---- persistence ----

  serialize(): string {
    const files = [...this.files.values()].sort((a, b) => (a.uri < b.uri ? -1 : 1));
    const configs = [...this.configs.values()].sort((a, b) => (a.dir < b.dir ? -1 : 1));
    const packages = [...this.packages.values()].sort((a, b) => (a.uri < b.uri ? -1 : 1));
    return JSON.stringify({ format: indexFormat, version: indexVersion, root: this.root, configs, packages, files });
  }

  /** The index from `serialize()`'s text, or a reason it cannot be trusted (other format or version, other root, damaged). */
  static deserialize(text: string, root: string): ProjectIndex | { rejected: string } {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { rejected: 'not valid JSON' };
    }
    const data = json as { format?: unknown; version?: unknown; root?: unknown; configs?: unknown; packages?: unknown; files?: unknown };
    if (!data || typeof data !== 'object' || data.format !== indexFormat) return { rejected: 'not a Tokenwise API index' };
    if (data.version !== indexVersion) return { rejected: `format version ${String(data.version)}, expected ${indexVersion}` };
    if (data.root !== root) return { rejected: 'built for another folder' };
    if (!Array.isArray(data.files) || !Array.isArray(data.configs) || !Array.isArray(data.packages)) return { rejected: 'damaged (no file list)' };
    const index = new ProjectIndex(root);
    for (const f of data.files) {
      if (!validRecord(f)) return { rejected: 'damaged (invalid file record)' };
      index.setFile(f);
    }
    for (const c of data.configs) {
      if (!c || typeof c !== 'object' || typeof (c as TsConfigRecord).dir !== 'string' || typeof (c as TsConfigRecord).uri !== 'string') return { rejected: 'damaged (invalid config)' };
      index.configs.set((c as TsConfigRecord).dir, c as TsConfigRecord);
    }
    for (const p of data.packages) {
      const r = p as PackageRecord;
      if (!r || typeof r !== 'object' || typeof r.uri !== 'string' || typeof r.dir !== 'string' || typeof r.name !== 'string' || !validPackageLists(r)) return { rejected: 'damaged (invalid package)' };
      index.packages.set(r.uri, r);
    }
    return index;
  }
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
function validPackageLists(r: PackageRecord): boolean {
  return (r.exports === undefined || (Array.isArray(r.exports) && r.exports.every((e) => Array.isArray(e) && typeof e[0] === 'string' && isStrings(e[1])))) && (r.entry === undefined || isStrings(r.entry));
}

const emptySet: ReadonlySet<string> = new Set();
function wordSet(words: string): ReadonlySet<string> {
  return words ? new Set(words.split(' ')) : emptySet;
}

function validSymbol(s: unknown): s is ApiSymbol {
  const v = s as ApiSymbol;
  return !!v && typeof v === 'object' && typeof v.name === 'string' && typeof v.kind === 'string' && typeof v.container === 'string' && typeof v.line === 'number' && typeof v.character === 'number' && typeof v.exported === 'boolean' && (v.body === undefined || typeof v.body === 'string');
}

function validRecord(f: unknown): f is FileRecord {
  const r = f as FileRecord;
  return (
    !!r &&
    typeof r === 'object' &&
    typeof r.uri === 'string' &&
    typeof r.language === 'string' &&
    typeof r.size === 'number' &&
    typeof r.mtime === 'number' &&
    Array.isArray(r.symbols) &&
    r.symbols.every(validSymbol) &&
    Array.isArray(r.imports) &&
    r.imports.every((i) => i && typeof i.module === 'string' && Array.isArray(i.names)) &&
    (r.starNames === undefined || isStrings(r.starNames)) &&
    (r.usages === undefined || (Array.isArray(r.usages) && r.usages.every((u) => Array.isArray(u) && typeof u[0] === 'string' && typeof u[1] === 'string')))
  );
}
