/**
 * The project API index as plain, serializable data: one record per source file (its API
 * symbols, imports, exports and member-call usages), from which everything else — module
 * resolution, class members, re-exports, search — is derived. Offsets are UTF-16 units.
 */
import type { DeclarationKind } from '../syntax/types';
import type { SyntaxLanguage } from '../syntax/languages';

/** One API symbol: a module-level function / class / variable, or a member of a class. */
export interface ApiSymbol {
  name: string;
  kind: DeclarationKind;
  /** The enclosing class (methods, attributes); '' at module level. */
  container: string;
  /** Header as written, whitespace-collapsed: `def load(path: str, *, strict=False) -> Config`. */
  signature?: string;
  /** Parameters (`self` / `this` parameters left out), as written. */
  params?: string[];
  returnType?: string;
  /** Return type read from an unannotated body: the class of a returned `Foo(…)` / `new Foo()` (`return self` → the class). */
  returns?: string;
  /** An unannotated function or method whose body gives no value back (no `return <value>`, no `yield`; not an abstract stub). */
  returnsNothing?: boolean;
  /** A method whose unannotated body returns another method's result (`return this._addCheck(…)` → `_addCheck`): it returns what that returns. */
  returnsMember?: string;
  /** A module-level constant bound to another name as written (`const stringType = ZodString.create` → `ZodString.create`): calling it calls that; a type alias naming one type (`type AnyRouter = RouterCore<any>` → `RouterCore`): it is that type. */
  alias?: string;
  /** A module-level constant's written type (`export const $ZodAny: core.$constructor<$ZodAny> = …`; kept on the interface it shares a name with). */
  valueType?: string;
  /** Doc comment / docstring, cut to a bound. */
  doc?: string;
  /** Functions and methods: the distinct words of the body's code and comments (no doc), bounded. */
  body?: string;
  exported: boolean;
  /** Static members, class methods (called on the class rather than an instance). */
  static?: boolean;
  /** A TypeScript `private` / `protected` member: callable only inside its class (and its subclasses). */
  hidden?: boolean;
  /** Zero-based line and UTF-16 column of the name. */
  line: number;
  character: number;
}

/** An import as the index keeps it (resolution happens on demand against the indexed files). */
export interface ImportRecord {
  form: 'import' | 'from' | 'es' | 'export-from' | 'require';
  module: string;
  /** [exported name, local name, kind]; kind as in the syntax service (`named`, `default`, `namespace`, `star`, `module`). */
  names: Array<[name: string, local: string, kind: string]>;
}

export interface FileRecord {
  uri: string;
  language: SyntaxLanguage;
  size: number;
  mtime: number;
  symbols: ApiSymbol[];
  imports: ImportRecord[];
  /** Local exports without a source: `export { a as b }`, `export default x`, `module.exports = { … }`: [exported, local]. */
  exportNames?: Array<[exported: string, local: string]>;
  /** Python's `__all__` as literally written (`=`, `+=`, `.extend`, `.append`): the names `from m import *` takes. */
  starNames?: string[];
  /** Base classes as written, by class name. */
  bases?: Record<string, string[]>;
  /** Types of attributes assigned from a constructor (`self.repo = Repo(…)`, `this.repo = new Repo()`): `Class.attr` → `Repo`. */
  attrTypes?: Record<string, string>;
  /** Member-call usages `x.name(`: [member name, words of the surrounding code, words of the receiver]. Bounded per file. */
  usages?: Array<[member: string, words: string, receiver: string]>;
}

/** A `tsconfig.json` / `jsconfig.json` as module resolution needs it, its `extends` chain applied. */
export interface TsConfigRecord {
  /** URI of the config file. */
  uri: string;
  /** URI of the folder holding the config. */
  dir: string;
  /** `compilerOptions.baseUrl` of the nearest config in the chain that sets it, resolved to a folder URI. */
  baseUrl?: string;
  /** `compilerOptions.paths` of the nearest config in the chain that sets them: pattern → substitutions. */
  paths?: Record<string, string[]>;
  /** The folder `paths` substitutions are relative to: `baseUrl`, else the folder of the config that set `paths`. */
  pathsBase?: string;
  /** Base configs it extends, directly or not (and relative ones looked for in vain): a change to one re-reads this config. */
  extends?: string[];
}

/** A workspace package (`package.json` with a name) as import resolution needs it. */
export interface PackageRecord {
  /** URI of the package.json. */
  uri: string;
  /** URI of the package folder. */
  dir: string;
  name: string;
  /** `exports` as subpath (`.`, `./v3`, `./*`) → targets in condition order (sources and types first). */
  exports?: Array<[subpath: string, targets: string[]]>;
  /** `source`, `types`, `module`, `main`, in that order (without `exports`). */
  entry?: string[];
}

/** A symbol with where it lives. */
export interface SymbolRef {
  uri: string;
  symbol: ApiSymbol;
}

/** What a receiver (`recv.`) or a name resolves to. */
export type ApiTarget =
  | { kind: 'module'; uri: string }
  | { kind: 'class'; uri: string; name: string; instance: boolean }
  | { kind: 'unknown' };
