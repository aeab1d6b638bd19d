/**
 * The only file that loads `web-tree-sitter` (the build shipped by @vscode/tree-sitter-wasm, whose
 * grammars match its ABI). Everything tree-sitter stays inside src/core/syntax; the rest of the
 * syntax module uses the type aliases below.
 *
 * Files are found next to the bundle (`dist/tree-sitter/`, copied by esbuild.mjs) or, from source,
 * in node_modules/@vscode/tree-sitter-wasm/wasm and src/core/syntax/queries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as TreeSitter from '@vscode/tree-sitter-wasm';
import { TokenwiseError, describeError } from '../base/errors';
import { languageSpec, type SyntaxLanguage } from './languages';

export type TsNode = TreeSitter.Node;
export type TsTree = TreeSitter.Tree;
export type TsQuery = TreeSitter.Query;
export type TsEdit = TreeSitter.Edit;
export type TsPoint = TreeSitter.Point;
export type TsParser = TreeSitter.Parser;
export type TsTreeCursor = TreeSitter.TreeCursor;

/** Directories tried in order for `tree-sitter.wasm` and the grammars. */
export function wasmDirectories(): string[] {
  const dirs = [join(__dirname, 'tree-sitter')];
  try {
    dirs.push(join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm'));
  } catch {
    // Not resolvable from the bundle: dist/tree-sitter is the only place.
  }
  for (const up of ['..', '../..', '../../..']) dirs.push(join(__dirname, up, 'node_modules/@vscode/tree-sitter-wasm/wasm'));
  return dirs;
}

/** Directories tried in order for the `.scm` queries (`<dir>/<language>/<kind>.scm`). */
export function queryDirectories(): string[] {
  return [join(__dirname, 'tree-sitter', 'queries'), join(__dirname, 'queries'), join(__dirname, '..', 'src/core/syntax/queries')];
}

/** The first directory of `dirs` holding `file`, or a "cannot find" error naming all of them. */
export function locateFile(file: string, dirs: readonly string[]): string {
  for (const dir of dirs) {
    const path = join(dir, file);
    if (existsSync(path)) return path;
  }
  throw new TokenwiseError('internal', `Cannot find ${file} (looked in ${dirs.join(', ')}).`);
}

interface Runtime {
  module: typeof TreeSitter;
  /** The Emscripten module object: web-tree-sitter keeps HEAP8 (the WASM memory view) on it. */
  emscripten: { HEAP8?: Int8Array };
}

let runtime: Promise<Runtime> | undefined;
let loaded: Runtime | undefined;

/** Loads the tree-sitter runtime once (compiles tree-sitter.wasm; the JS side is a plain import). */
export function loadRuntime(): Promise<Runtime> {
  if (runtime) return runtime;
  const pending = (async (): Promise<Runtime> => {
    const module = TreeSitter;
    const wasm = locateFile('tree-sitter.wasm', wasmDirectories());
    const emscripten: Runtime['emscripten'] & { locateFile(file: string): string } = { locateFile: (file: string) => (file === 'tree-sitter.wasm' ? wasm : join(dirname(wasm), file)) };
    try {
      await module.Parser.init(emscripten);
    } catch (error) {
      throw new TokenwiseError('internal', `Cannot start tree-sitter (${wasm}): ${describeError(error)}`, { cause: error });
    }
    loaded = { module, emscripten };
    return loaded;
  })();
  pending.catch(() => (runtime = undefined));
  runtime = pending;
  return pending;
}

/** Bytes of WASM memory the tree-sitter runtime holds (it grows, never shrinks); 0 before it starts. */
export function wasmHeapBytes(): number {
  return loaded?.emscripten.HEAP8?.length ?? 0;
}

export type QueryKind = 'locals' | 'tokens' | 'declarations' | 'imports' | 'statements';

/** A loaded grammar with its parser and compiled queries. */
export interface LoadedLanguage {
  language: SyntaxLanguage;
  parser: TsParser;
  query(kind: QueryKind): TsQuery;
}

const languages = new Map<SyntaxLanguage, Promise<LoadedLanguage>>();
const settled = new Map<SyntaxLanguage, LoadedLanguage>();

/** Loads a grammar once; its queries compile on first use. */
export function loadLanguage(language: SyntaxLanguage): Promise<LoadedLanguage> {
  let pending = languages.get(language);
  if (!pending) {
    pending = (async () => {
      const { module } = await loadRuntime();
      const path = locateFile(`tree-sitter-${languageSpec(language).grammar}.wasm`, wasmDirectories());
      let grammar: TreeSitter.Language;
      try {
        grammar = await module.Language.load(new Uint8Array(readFileSync(path)));
      } catch (error) {
        throw new TokenwiseError('internal', `Cannot load the ${language} grammar (${path}): ${describeError(error)}`, { cause: error });
      }
      const parser = new module.Parser();
      parser.setLanguage(grammar);
      const queries = new Map<QueryKind, TsQuery>();
      const result: LoadedLanguage = {
        language,
        parser,
        query(kind) {
          let query = queries.get(kind);
          if (!query) {
            const source = querySource(language, kind);
            try {
              query = new module.Query(grammar, source);
            } catch (error) {
              throw new TokenwiseError('internal', `Bad ${kind} query for ${language}: ${describeError(error)}`, { cause: error });
            }
            queries.set(kind, query);
          }
          return query;
        },
      };
      settled.set(language, result);
      return result;
    })();
    pending.catch(() => languages.delete(language));
    languages.set(language, pending);
  }
  return pending;
}

/** A language already loaded, synchronously (undefined until `loadLanguage` has finished). */
export function loadedLanguage(language: SyntaxLanguage): LoadedLanguage | undefined {
  return settled.get(language);
}

/**
 * The text of `<language>/<kind>.scm`. A first line `; inherits: a, b` prepends those
 * directories' files of the same kind (TypeScript and TSX share the JavaScript queries).
 */
export function querySource(language: string, kind: QueryKind): string {
  const dirs = queryDirectories();
  const read = (dir: string): string => {
    const text = readFileSync(locateFile(join(dir, `${kind}.scm`), dirs), 'utf8');
    const inherits = /^;\s*inherits:\s*([\w, ]+)/.exec(text);
    if (!inherits) return text;
    const parents = inherits[1]!.split(',').map((s) => s.trim()).filter(Boolean);
    return parents.map(read).join('\n') + '\n' + text;
  };
  return read(language);
}

/**
 * Query options for a UTF-16 range. Node offsets of this binding are UTF-16 code units, but a
 * query's `startIndex` / `endIndex` go to tree-sitter as they are, in bytes of the UTF-16 text:
 * twice the code units.
 */
export function queryRange(start: number, end: number): { startIndex: number; endIndex: number } {
  return { startIndex: start * 2, endIndex: end * 2 };
}
