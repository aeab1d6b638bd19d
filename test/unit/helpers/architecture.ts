// Architecture checks over the TypeScript import graph.
//
// buildImportGraph() parses every .ts/.tsx/.mts/.cts file under the given directories with the TypeScript
// compiler's parser (no type checking, no module resolution of packages: fixtures may import packages that do
// not exist) and records every module reference as an edge. checkArchitecture() applies plain-data rules to
// that graph and returns violations as plain objects.
//
// Paths in the graph, in rules and in violations are relative to rootDir, with '/' separators.
import ts from 'typescript';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

// ---------------------------------------------------------------------------------------------------------
// Graph

/**
 * static:    `import ... from 'x'`, `import 'x'`, `export ... from 'x'`
 * type-only: `import type`, `export type ... from`, `import { type A, type B } from` (every binding type-only),
 *            `import type x = require('x')`, type positions `typeof import('x')`, `/// <reference types|path>`
 * require:   `require('x')` calls and `import x = require('x')` (both compile to a require call)
 * dynamic:   `import('x')` calls
 */
export type EdgeKind = 'static' | 'type-only' | 'require' | 'dynamic';

/** The syntax an edge came from, finer than its kind. */
export type EdgeSyntax =
  | 'import'
  | 'export-from'
  | 'import-equals'
  | 'require-call'
  | 'import-call'
  | 'import-type'
  | 'reference';

export interface ImportEdge {
  /** Importing file, relative to rootDir. */
  from: string;
  /** The module specifier as written; for a non-literal argument, the argument's source text. */
  specifier: string;
  kind: EdgeKind;
  syntax: EdgeSyntax;
  /** 1-based line of the reference. */
  line: number;
  /** `import(expr)` / `require(expr)` whose argument is not a string literal: the target is unknown. */
  dynamicUnknown: boolean;
  /** Local (relative or absolute) specifier: the file it resolves to, relative to rootDir (may be a .js/.json file). */
  resolved?: string;
  /** Local specifier that resolves to no file. */
  unresolved?: boolean;
  /** Bare specifier: the package name ('@scope/pkg/sub' → '@scope/pkg', 'node:fs/promises' → 'node:fs'). */
  package?: string;
}

export interface ImportGraph {
  /** Absolute root directory. */
  rootDir: string;
  /** The entry directories as given, normalized (relative to rootDir). */
  entryDirs: string[];
  /** Every source file under the entry directories (the checked files), sorted. */
  files: string[];
  /**
   * Local source files outside the entry directories that checked files reach through local imports; they are
   * parsed too so that transitive rules see through them, but the per-file rules do not check them. Sorted.
   */
  reached: string[];
  /** Every edge of every parsed file (checked and reached), sorted by file then position. */
  edges: ImportEdge[];
  /** Edges by importing file. */
  edgesFrom: Map<string, ImportEdge[]>;
}

export interface BuildOptions {
  /** Also parse local .ts files outside entryDirs (but inside rootDir) that are reached by imports. Default true. */
  followLocalImports?: boolean;
}

const SOURCE_EXT = /\.(ts|tsx|mts|cts)$/;
const RESOLVE_EXTS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.json'];
// `./x.js` written for ESM output names `./x.ts` in TypeScript sources.
const JS_TO_TS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.d.ts'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts', '.d.mts'],
  '.cjs': ['.cts', '.d.cts'],
};

const toPosix = (path: string) => (sep === '/' ? path : path.split(sep).join('/'));
const normalizeRel = (path: string) => toPosix(path).replace(/^\.\/+/, '').replace(/\/+$/, '');

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  return ts.ScriptKind.TS;
}

function isLocalSpecifier(spec: string): boolean {
  return spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../') || spec.startsWith('/');
}

/** '@scope/pkg/sub' → '@scope/pkg', 'pkg/sub' → 'pkg', 'node:fs/promises' → 'node:fs'. */
export function packageName(spec: string): string {
  if (spec.startsWith('node:')) return `node:${spec.slice(5).split('/')[0]}`;
  const parts = spec.split('/');
  if (spec.startsWith('@') && parts.length >= 2) return `${parts[0]}/${parts[1]}`;
  return parts[0]!;
}

function listSources(absDir: string, out: string[]): void {
  for (const entry of readdirSync(absDir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(absDir, entry.name);
    if (entry.isDirectory()) listSources(path, out);
    else if (entry.isFile() && SOURCE_EXT.test(entry.name)) out.push(path);
  }
}

/**
 * Parses every .ts/.tsx/.mts/.cts file under rootDir/<entryDir> for each entry dir (node_modules and dot
 * folders skipped) and records its module references. Throws when an entry dir does not exist, so that a stale
 * path fails loudly instead of producing an empty graph that passes every rule.
 */
export function buildImportGraph(rootDir: string, entryDirs: string[], options: BuildOptions = {}): ImportGraph {
  const root = resolve(rootDir);
  const follow = options.followLocalImports ?? true;
  const checked = new Set<string>();
  for (const dir of entryDirs) {
    const abs = resolve(root, dir);
    let stat;
    try {
      stat = statSync(abs);
    } catch {
      throw new Error(`buildImportGraph: entry '${dir}' does not exist under ${root}`);
    }
    const found: string[] = [];
    if (stat.isDirectory()) listSources(abs, found);
    else if (SOURCE_EXT.test(abs)) found.push(abs);
    for (const file of found) checked.add(file);
  }

  const existsCache = new Map<string, boolean>();
  for (const file of checked) existsCache.set(file, true);
  const isFile = (abs: string): boolean => {
    let known = existsCache.get(abs);
    if (known === undefined) {
      try {
        known = statSync(abs).isFile();
      } catch {
        known = false;
      }
      existsCache.set(abs, known);
    }
    return known;
  };
  const resolveLocal = (fromAbs: string, spec: string): string | undefined => {
    const base = spec.startsWith('/') ? spec : resolve(fromAbs, '..', spec);
    const ext = /\.(js|jsx|mjs|cjs)$/.exec(base)?.[0];
    if (ext) {
      const stem = base.slice(0, -ext.length);
      for (const tsExt of JS_TO_TS[ext]!) if (isFile(stem + tsExt)) return stem + tsExt;
    }
    if (isFile(base)) return base;
    for (const e of RESOLVE_EXTS) if (isFile(base + e)) return base + e;
    for (const e of RESOLVE_EXTS) if (isFile(join(base, `index${e}`))) return join(base, `index${e}`);
    return undefined;
  };

  const rel = (abs: string) => toPosix(relative(root, abs));
  const edges: ImportEdge[] = [];
  const edgesFrom = new Map<string, ImportEdge[]>();
  const parsed = new Set<string>();
  const reached: string[] = [];
  const queue = [...checked].sort();

  while (queue.length > 0) {
    const abs = queue.shift()!;
    if (parsed.has(abs)) continue;
    parsed.add(abs);
    if (!checked.has(abs)) reached.push(rel(abs));
    const fromRel = rel(abs);
    const fileEdges = parseFileEdges(abs, fromRel);
    for (const edge of fileEdges) {
      if (edge.dynamicUnknown) continue;
      if (isLocalSpecifier(edge.specifier)) {
        const target = resolveLocal(abs, edge.specifier);
        if (target === undefined) {
          edge.unresolved = true;
          continue;
        }
        edge.resolved = rel(target);
        const inside = !isAbsolute(edge.resolved) && !edge.resolved.startsWith('../');
        if (follow && inside && SOURCE_EXT.test(target) && !target.includes(`${sep}node_modules${sep}`) && !parsed.has(target)) {
          queue.push(target);
        }
      } else {
        edge.package = packageName(edge.specifier);
      }
    }
    edgesFrom.set(fromRel, fileEdges);
    edges.push(...fileEdges);
  }

  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  edges.sort((a, b) => byPath(a.from, b.from) || a.line - b.line);
  return {
    rootDir: root,
    entryDirs: entryDirs.map(normalizeRel),
    files: [...checked].map(rel).sort(byPath),
    reached: reached.sort(byPath),
    edges,
    edgesFrom,
  };
}

function parseFileEdges(abs: string, fromRel: string): ImportEdge[] {
  const text = readFileSync(abs, 'utf8');
  const sf = ts.createSourceFile(abs, text, ts.ScriptTarget.Latest, false, scriptKind(abs));
  const out: ImportEdge[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const add = (node: ts.Node, specifier: string, kind: EdgeKind, syntax: EdgeSyntax, dynamicUnknown = false) =>
    out.push({ from: fromRel, specifier, kind, syntax, line: lineOf(node.getStart(sf)), dynamicUnknown });
  const literal = (node: ts.Node | undefined): string | undefined =>
    node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;

  for (const ref of sf.typeReferenceDirectives) {
    out.push({ from: fromRel, specifier: ref.fileName, kind: 'type-only', syntax: 'reference', line: lineOf(ref.pos), dynamicUnknown: false });
  }
  for (const ref of sf.referencedFiles) {
    const spec = isLocalSpecifier(ref.fileName) ? ref.fileName : `./${ref.fileName}`;
    out.push({ from: fromRel, specifier: spec, kind: 'type-only', syntax: 'reference', line: lineOf(ref.pos), dynamicUnknown: false });
  }

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const spec = literal(node.moduleSpecifier);
      if (spec !== undefined) {
        const clause = node.importClause;
        const bindings = clause?.namedBindings;
        const allTypeBindings =
          clause !== undefined &&
          clause.name === undefined &&
          bindings !== undefined &&
          ts.isNamedImports(bindings) &&
          bindings.elements.length > 0 &&
          bindings.elements.every((e) => e.isTypeOnly);
        add(node, spec, clause?.isTypeOnly || allTypeBindings ? 'type-only' : 'static', 'import');
      }
      return;
    }
    if (ts.isExportDeclaration(node)) {
      const spec = literal(node.moduleSpecifier);
      if (spec !== undefined) {
        const clause = node.exportClause;
        const allTypeExports = clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
        add(node, spec, node.isTypeOnly || allTypeExports ? 'type-only' : 'static', 'export-from');
      }
      return;
    }
    if (ts.isImportEqualsDeclaration(node)) {
      if (ts.isExternalModuleReference(node.moduleReference)) {
        const arg = node.moduleReference.expression;
        const spec = literal(arg);
        if (spec !== undefined) add(node, spec, node.isTypeOnly ? 'type-only' : 'require', 'import-equals');
        else add(node, arg.getText(sf), 'require', 'import-equals', true);
      }
      return;
    }
    if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      const spec = ts.isLiteralTypeNode(arg) ? literal(arg.literal) : undefined;
      if (spec !== undefined) add(node, spec, 'type-only', 'import-type');
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isImport || isRequire) {
        const arg = node.arguments[0];
        const spec = literal(arg);
        const kind: EdgeKind = isImport ? 'dynamic' : 'require';
        const syntax: EdgeSyntax = isImport ? 'import-call' : 'require-call';
        if (spec !== undefined) add(node, spec, kind, syntax);
        else add(node, arg ? arg.getText(sf) : '', kind, syntax, true);
      }
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Rules

export interface NoTransitiveImportRule {
  /** Dir glob ('src/core', 'src/*\/internal', 'src/**\/impl'): the files it covers. */
  from: string;
  /** Package name ('vscode'); deep imports ('pkg/sub') count. */
  package: string;
  /** Follow and count type-only edges. Default true. */
  includeTypeOnly?: boolean;
}

export interface ExactlyOneImporterRule {
  package: string;
  /** The one file expected to import the package (relative to rootDir). */
  importer?: string;
  /** Count files that import the package only for types. Default true. */
  includeTypeOnly?: boolean;
}

export interface LayerRule {
  /** The directory whose top-level folders are layered ('src/core'). */
  root: string;
  /** Folder names under root, lowest layer first; folders in one inner array form one layer. */
  order: string[][];
  /** A folder may import folders of its own layer. Default false. */
  allowSameLayer?: boolean;
  /**
   * Files directly in root (not in any folder) belong to this folder's layer. Unset: such files are violations
   * (and imports of them are not checked further).
   */
  rootFilesFolder?: string;
  /** Count type-only imports. Default true. */
  includeTypeOnly?: boolean;
}

export interface ForbiddenImportRule {
  /** Dir glob of importing files. */
  from: string;
  /** Dir glob of imported files, or a package name (matches edges to that package). */
  to: string;
  /** Count type-only imports. Default true. */
  includeTypeOnly?: boolean;
}

export interface ArchitectureRules {
  noTransitiveImport?: NoTransitiveImportRule | NoTransitiveImportRule[];
  /**
   * No `import()`/`require()`/`import x = require()` of these packages in the checked files; and, whenever
   * this rule is present, no `import()`/`require()` with a non-literal argument in the checked files.
   */
  noDynamicImportOf?: string[];
  /** Dir globs where a non-literal `import(expr)`/`require(expr)` is allowed. */
  allowNonLiteralImportIn?: string[];
  exactlyOneImporter?: ExactlyOneImporterRule[];
  layers?: LayerRule | LayerRule[];
  forbiddenImports?: ForbiddenImportRule[];
  /** Every relative import of a checked file must resolve to a file. */
  noUnresolvedImports?: boolean;
  /**
   * By default a `from`/`root` pattern (or an expected importer) that matches no file of the graph is itself a
   * violation: a stale path would otherwise make its rule pass vacuously. Set true to allow it.
   */
  allowUnmatchedPatterns?: boolean;
}

export type RuleName =
  | 'noTransitiveImport'
  | 'noDynamicImportOf'
  | 'exactlyOneImporter'
  | 'layers'
  | 'forbiddenImports'
  | 'noUnresolvedImports';

export interface Violation {
  rule: RuleName;
  /** The offending file (relative to rootDir); a folder for an undeclared layer folder, the pattern for a stale one. */
  file: string;
  /** What is wrong, readable on its own. */
  detail: string;
  /** 1-based line of the offending reference, when there is one. */
  line?: number;
  /** noTransitiveImport: the import chain, files then the package. */
  chain?: string[];
  /** `file[:line]: [rule] detail` */
  message: string;
}

const globCache = new Map<string, RegExp>();
/** Dir glob match: 'src/core' covers src/core and everything under it; '*' is one path segment part, '**' any depth. */
export function matchesPath(file: string, pattern: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    const pat = normalizeRel(pattern);
    let src = '';
    for (let i = 0; i < pat.length; i++) {
      const c = pat[i]!;
      if (c === '*' && pat[i + 1] === '*') {
        const slash = pat[i + 2] === '/';
        src += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else if (c === '*') src += '[^/]*';
      else if (c === '?') src += '[^/]';
      else src += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    re = new RegExp(`^${src}(?:/.*)?$`);
    globCache.set(pattern, re);
  }
  return re.test(file);
}

const where = (file: string, line?: number) => (line === undefined ? file : `${file}:${line}`);

function violation(rule: RuleName, file: string, detail: string, extra: { line?: number; chain?: string[] } = {}): Violation {
  const v: Violation = { rule, file, detail, message: `${where(file, extra.line)}: [${rule}] ${detail}` };
  if (extra.line !== undefined) v.line = extra.line;
  if (extra.chain !== undefined) v.chain = extra.chain;
  return v;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Applies the rules to the graph; returns every violation (empty when the graph complies). */
export function checkArchitecture(graph: ImportGraph, rules: ArchitectureRules): Violation[] {
  const out: Violation[] = [];
  const checked = new Set(graph.files);
  const allFiles = [...graph.files, ...graph.reached];
  const checkedEdges = graph.edges.filter((e) => checked.has(e.from));
  const describe = (e: ImportEdge) => (e.dynamicUnknown ? `${e.syntax === 'import-call' ? 'import' : 'require'}(${e.specifier})` : `'${e.specifier}'`);
  const unmatched = (rule: RuleName, pattern: string, files: string[], what: string) => {
    if (rules.allowUnmatchedPatterns || files.some((f) => matchesPath(f, pattern))) return;
    out.push(violation(rule, pattern, `${what} '${pattern}' matches no file in the graph (stale path?)`));
  };

  // 1. noTransitiveImport: every edge that leaves `from` (or imports the package directly) and leads to the package.
  for (const rule of asArray(rules.noTransitiveImport)) {
    unmatched('noTransitiveImport', rule.from, allFiles, 'from');
    const typeOk = rule.includeTypeOnly ?? true;
    const inFrom = (f: string) => matchesPath(f, rule.from);
    const usable = (e: ImportEdge) => typeOk || e.kind !== 'type-only';
    // Shortest path from each file outside `from` to the package, through files outside `from` only (a path
    // through a file in `from` is reported at that file). Multi-source BFS over the reversed graph.
    const next = new Map<string, string | null>(); // file → next hop (null: imports the package directly)
    const importersOf = new Map<string, string[]>(); // resolved file → local importers
    for (const e of graph.edges) {
      if (!usable(e)) continue;
      if (e.package === rule.package && !inFrom(e.from) && !next.has(e.from)) next.set(e.from, null);
      if (e.resolved !== undefined) {
        const list = importersOf.get(e.resolved) ?? [];
        list.push(e.from);
        importersOf.set(e.resolved, list);
      }
    }
    const frontier = [...next.keys()];
    while (frontier.length > 0) {
      const file = frontier.shift()!;
      for (const importer of importersOf.get(file) ?? []) {
        if (inFrom(importer) || next.has(importer)) continue;
        next.set(importer, file);
        frontier.push(importer);
      }
    }
    const chainFrom = (file: string): string[] => {
      const chain = [file];
      for (let hop = next.get(file); hop; hop = next.get(hop)) chain.push(hop);
      return [...chain, rule.package];
    };
    const seen = new Set<string>();
    for (const e of graph.edges) {
      if (!usable(e) || !inFrom(e.from)) continue;
      let chain: string[] | undefined;
      if (e.package === rule.package) chain = [e.from, rule.package];
      else if (e.resolved !== undefined && !inFrom(e.resolved) && next.has(e.resolved)) chain = [e.from, ...chainFrom(e.resolved)];
      if (!chain) continue;
      const key = `${e.from}\0${chain[1]}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const how = chain.length === 2 ? 'imports' : 'reaches';
      out.push(violation('noTransitiveImport', e.from, `${rule.from} must not reach '${rule.package}': ${how} it via ${chain.join(' → ')}`, { line: e.line, chain }));
    }
  }

  // 2. noDynamicImportOf
  if (rules.noDynamicImportOf) {
    const banned = new Set(rules.noDynamicImportOf);
    for (const e of checkedEdges) {
      if (e.kind !== 'require' && e.kind !== 'dynamic') continue;
      const how = e.syntax === 'import-call' ? 'import()' : e.syntax === 'import-equals' ? 'import = require()' : 'require()';
      if (e.dynamicUnknown) {
        if ((rules.allowNonLiteralImportIn ?? []).some((p) => matchesPath(e.from, p))) continue;
        out.push(violation('noDynamicImportOf', e.from, `${how} with a non-literal argument: ${describe(e)}`, { line: e.line }));
      } else if (e.package !== undefined && banned.has(e.package)) {
        out.push(violation('noDynamicImportOf', e.from, `${how} of '${e.specifier}': import '${e.package}' statically (import ... from) in its one wrapper`, { line: e.line }));
      }
    }
  }

  // 3. exactlyOneImporter
  for (const rule of rules.exactlyOneImporter ?? []) {
    const typeOk = rule.includeTypeOnly ?? true;
    const importers = [...new Set(checkedEdges.filter((e) => e.package === rule.package && (typeOk || e.kind !== 'type-only')).map((e) => e.from))].sort();
    const firstLine = (file: string) => checkedEdges.find((e) => e.from === file && e.package === rule.package)?.line;
    const list = importers.join(', ');
    if (importers.length === 0) {
      out.push(violation('exactlyOneImporter', rule.importer ?? '', `'${rule.package}' must be imported by exactly one file${rule.importer ? ` (${rule.importer})` : ''}, but no checked file imports it`));
    } else if (rule.importer !== undefined) {
      if (!importers.includes(rule.importer)) {
        out.push(violation('exactlyOneImporter', rule.importer, `'${rule.package}' must be imported by ${rule.importer}, which does not import it (importers: ${list})`));
      }
      for (const file of importers) {
        if (file === rule.importer) continue;
        const line = firstLine(file);
        out.push(violation('exactlyOneImporter', file, `'${rule.package}' must be imported only by ${rule.importer}, not here (importers: ${list})`, line === undefined ? {} : { line }));
      }
    } else if (importers.length > 1) {
      for (const file of importers) {
        const line = firstLine(file);
        out.push(violation('exactlyOneImporter', file, `'${rule.package}' must be imported by exactly one file, but ${importers.length} do: ${list}`, line === undefined ? {} : { line }));
      }
    }
  }

  // 4. layers
  for (const rule of asArray(rules.layers)) {
    const root = normalizeRel(rule.root);
    const layerOf = new Map<string, number>();
    rule.order.forEach((layer, index) => {
      for (const folder of layer) {
        if (layerOf.has(folder)) throw new Error(`layers: folder '${folder}' is listed twice in the order of ${root}`);
        layerOf.set(folder, index);
      }
    });
    if (rule.rootFilesFolder !== undefined && !layerOf.has(rule.rootFilesFolder)) {
      throw new Error(`layers: rootFilesFolder '${rule.rootFilesFolder}' is not in the order of ${root}`);
    }
    const underRoot = graph.files.filter((f) => f.startsWith(`${root}/`));
    unmatched('layers', root, graph.files, 'root');
    /** The folder a path under root belongs to; undefined when not under root; '' for a loose file without rootFilesFolder. */
    const folderOf = (file: string): string | undefined => {
      if (!file.startsWith(`${root}/`)) return undefined;
      const rest = file.slice(root.length + 1);
      const slash = rest.indexOf('/');
      return slash >= 0 ? rest.slice(0, slash) : (rule.rootFilesFolder ?? '');
    };
    const reportedFolders = new Set<string>();
    for (const file of underRoot) {
      const folder = folderOf(file)!;
      if (folder === '') {
        out.push(violation('layers', file, `file directly in ${root} belongs to no layer folder (declared: ${rule.order.flat().join(', ')})`));
      } else if (!layerOf.has(folder) && !reportedFolders.has(folder)) {
        reportedFolders.add(folder);
        out.push(violation('layers', `${root}/${folder}`, `undeclared core folder '${folder}' in ${root} (declared: ${rule.order.flat().join(', ')})`));
      }
    }
    const typeOk = rule.includeTypeOnly ?? true;
    for (const e of checkedEdges) {
      if (e.resolved === undefined || (!typeOk && e.kind === 'type-only')) continue;
      const a = folderOf(e.from);
      const b = folderOf(e.resolved);
      if (a === undefined || b === undefined || a === b) continue;
      const la = layerOf.get(a);
      const lb = layerOf.get(b);
      if (la === undefined || lb === undefined) continue; // reported above as undeclared / loose
      if (lb < la || (lb === la && rule.allowSameLayer)) continue;
      const why = lb === la ? `same layer (${la}) and allowSameLayer is off` : `higher layer (${lb} > ${la})`;
      out.push(violation('layers', e.from, `'${a}' may not import '${b}' (${e.resolved}): ${why}`, { line: e.line }));
    }
  }

  // 5. forbiddenImports
  for (const rule of rules.forbiddenImports ?? []) {
    unmatched('forbiddenImports', rule.from, graph.files, 'from');
    const typeOk = rule.includeTypeOnly ?? true;
    for (const e of checkedEdges) {
      if (!typeOk && e.kind === 'type-only') continue;
      if (!matchesPath(e.from, rule.from)) continue;
      const hit = (e.resolved !== undefined && matchesPath(e.resolved, rule.to)) || e.package === rule.to;
      if (hit) out.push(violation('forbiddenImports', e.from, `${rule.from} must not import ${rule.to}: imports ${describe(e)}${e.resolved ? ` (${e.resolved})` : ''}`, { line: e.line }));
    }
  }

  // noUnresolvedImports
  if (rules.noUnresolvedImports) {
    for (const e of checkedEdges) {
      if (e.unresolved) out.push(violation('noUnresolvedImports', e.from, `${describe(e)} resolves to no file`, { line: e.line }));
    }
  }

  return out;
}

/** One violation a line, for assertion messages. */
export function formatViolations(violations: Violation[]): string {
  return violations.map((v) => v.message).join('\n');
}
