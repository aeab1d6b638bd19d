/**
 * The TypeScript checker as an oracle for `eval api --checker`: which declaration a call site
 * `x.member(` really reaches. One `ts.Program` over the repository's TypeScript/JavaScript files
 * (its own tsconfig.json when there is one; allowJs, checkJs off, no emit, lib checks skipped;
 * type errors do not matter), then `checker.getSymbolAtLocation` on the member name, aliases
 * followed. A call is a local API call when a declaration of its member lies in a file of the
 * repository (not a lib.*.d.ts, not node_modules); the declaration's container (class,
 * interface, type, object, namespace or module file) is its true target.
 *
 * `typescript` is a devDependency: it is loaded only when an oracle is built (never bundled, and
 * never imported by core, worker or editor), so the CLI starts without it.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TS from 'typescript';
import { TokenwiseError } from '../../core/base/errors';

/** Where a member is declared: a class / interface / type / object / namespace by name, or a module (file) itself. */
export interface TrueTarget {
  kind: 'class' | 'interface' | 'type' | 'object' | 'namespace' | 'module' | 'other';
  /** The container's name ('' for a module or an anonymous container). */
  name: string;
  /** Absolute path of the file declaring the member. */
  file: string;
}

export type CheckerVerdict =
  | { state: 'local'; target: TrueTarget }
  /** Declared only outside the repository (lib.*.d.ts, node_modules, elsewhere). */
  | { state: 'external'; file: string }
  /** No symbol (an `any` receiver, an unresolved import) or no property access at the offset. */
  | { state: 'unresolved' };

export interface TsOracle {
  /** The verdict for the member name starting at `offset` in `file` (as read from disk, BOM left out). */
  verdict(file: string, offset: number): CheckerVerdict;
  /** Milliseconds to build the program and its checker. */
  buildMs: number;
  /** Files in the program (the repository's and the libraries' they reach). */
  programFiles: number;
  /** The tsconfig.json used, if any. */
  tsconfig?: string;
}

/** The typescript package, loaded by a computed name so that bundling leaves it out. */
export function loadTypeScript(): typeof TS {
  const name = 'typescript';
  const errors: string[] = [];
  for (const base of [join(process.cwd(), 'package.json'), __filename]) {
    try {
      return createRequire(base)(name) as typeof TS;
    } catch (e) {
      errors.push((e as Error).message.split('\n')[0]!);
    }
  }
  throw new TokenwiseError('usage', `--checker needs the 'typescript' package (a devDependency of Tokenwise: run npm install in its folder, or from a folder that has it): ${errors[0]}`);
}

/** Options that make any repository's program cheap and permissive: only symbols are asked for. */
const forcedOptions: TS.CompilerOptions = { allowJs: true, checkJs: false, noEmit: true, skipLibCheck: true, declaration: false, composite: false, incremental: false };

function compilerOptions(ts: typeof TS, root: string): { options: TS.CompilerOptions; tsconfig?: string } {
  const tsconfig = join(root, 'tsconfig.json');
  if (ts.sys.fileExists(tsconfig)) {
    const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
    if (!read.error) {
      const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, tsconfig);
      return { options: { ...parsed.options, ...forcedOptions }, tsconfig };
    }
  }
  return {
    options: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, jsx: ts.JsxEmit.Preserve, esModuleInterop: true, allowSyntheticDefaultImports: true, resolveJsonModule: true, ...forcedOptions },
  };
}

/** Builds the oracle over `files` (absolute paths of the repository's TypeScript/JavaScript files) below `root`. */
export function createTsOracle(root: string, files: readonly string[]): TsOracle {
  const ts = loadTypeScript();
  const t0 = performance.now();
  const { options, tsconfig } = compilerOptions(ts, root);
  const program = ts.createProgram({ rootNames: [...files], options });
  const checker = program.getTypeChecker();
  const buildMs = performance.now() - t0;
  const prefix = root.endsWith('/') ? root : `${root}/`;

  const inRepository = (sf: TS.SourceFile): boolean =>
    sf.fileName.startsWith(prefix) && !sf.fileName.slice(prefix.length).split('/').includes('node_modules') && !program.isSourceFileDefaultLibrary(sf) && !program.isSourceFileFromExternalLibrary(sf);

  return {
    buildMs,
    programFiles: program.getSourceFiles().length,
    ...(tsconfig ? { tsconfig } : {}),
    verdict(file, offset) {
      const sf = program.getSourceFile(file);
      if (!sf) return { state: 'unresolved' };
      const name = nodeAt(ts, sf, offset);
      if (!name || !ts.isPropertyAccessExpression(name.parent) || name.parent.name !== name) return { state: 'unresolved' };
      let symbol = checker.getSymbolAtLocation(name);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      const declarations = symbol?.declarations ?? [];
      if (!declarations.length) return { state: 'unresolved' };
      const local = declarations.find((d) => inRepository(d.getSourceFile()));
      if (!local) return { state: 'external', file: declarations[0]!.getSourceFile().fileName };
      return { state: 'local', target: containerOf(ts, local) };
    },
  };
}

/** The innermost node whose text (trivia left out) covers `offset`. */
function nodeAt(ts: typeof TS, sf: TS.SourceFile, offset: number): TS.Identifier | TS.PrivateIdentifier | undefined {
  let node: TS.Node = sf;
  for (;;) {
    const child: TS.Node | undefined = ts.forEachChild(node, (c) => (c.getStart(sf) <= offset && offset < c.end ? c : undefined));
    if (!child) break;
    node = child;
  }
  return ts.isIdentifier(node) || ts.isPrivateIdentifier(node) ? node : undefined;
}

function nameOf(ts: typeof TS, node: TS.Node): string {
  const named = node as { name?: TS.Node };
  if (named.name && (ts.isIdentifier(named.name) || ts.isStringLiteral(named.name))) return named.name.text;
  // `const Foo = class {…}`, `const api = {…}`, `type T = {…}` hold their name one level up.
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isTypeAliasDeclaration(parent) || ts.isPropertyAssignment(parent)) && ts.isIdentifier(parent.name)) return parent.name.text;
  return '';
}

/** The container of a member's declaration. */
export function containerOf(ts: typeof TS, declaration: TS.Declaration): TrueTarget {
  const file = declaration.getSourceFile().fileName;
  // A constructor parameter property (`constructor(private repo: Repo)`) belongs to the class.
  let node: TS.Node = ts.isParameter(declaration) ? declaration.parent.parent ?? declaration : declaration.parent;
  for (; node; node = node.parent) {
    if (ts.isClassLike(node)) return { kind: 'class', name: nameOf(ts, node), file };
    if (ts.isInterfaceDeclaration(node)) return { kind: 'interface', name: node.name.text, file };
    if (ts.isTypeLiteralNode(node) || ts.isMappedTypeNode(node)) {
      let top: TS.Node = node;
      while (top.parent && !ts.isTypeAliasDeclaration(top.parent) && !ts.isSourceFile(top.parent) && (ts.isTypeNode(top.parent) || ts.isTypeLiteralNode(top.parent) || ts.isPropertySignature(top.parent))) top = top.parent;
      return { kind: 'type', name: top.parent && ts.isTypeAliasDeclaration(top.parent) ? top.parent.name.text : '', file };
    }
    if (ts.isObjectLiteralExpression(node)) return { kind: 'object', name: nameOf(ts, node), file };
    if (ts.isModuleBlock(node)) return { kind: 'namespace', name: nameOf(ts, node.parent), file };
    if (ts.isSourceFile(node)) return { kind: 'module', name: '', file };
    if (ts.isBlock(node) || ts.isFunctionLike(node)) return { kind: 'other', name: '', file };
  }
  return { kind: 'other', name: '', file };
}

/** A true target in words, for the case dump: `class Foo (src/a.ts)`, `module src/a.ts`. */
export function describeTrueTarget(t: TrueTarget, root: string): string {
  const rel = t.file.startsWith(`${root}/`) ? t.file.slice(root.length + 1) : t.file;
  return t.kind === 'module' ? `module ${rel}` : `${t.kind} ${t.name || '(anonymous)'} (${rel})`;
}
