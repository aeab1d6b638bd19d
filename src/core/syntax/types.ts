/** Plain-data results of the syntax service. Offsets are UTF-16 code units, like VS Code's. */
import type { SyntaxLanguage } from './languages';

export interface Position {
  /** Zero-based line. */
  line: number;
  /** Zero-based UTF-16 column. */
  character: number;
}

export interface OffsetRange {
  start: number;
  end: number;
}

/** A document as the service sees it; `languageId` is a VS Code language id (or omitted: by the URI's extension). */
export interface SyntaxDocument {
  uri: string;
  version: number;
  text: string;
  languageId?: string;
}

/** One edit, as in VS Code's `TextDocumentContentChangeEvent`: replace `rangeLength` units at `rangeOffset` by `text`. */
export interface TextChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

/** Token types in CodeFill's spirit. Keywords are `KEYWORD` with the keyword's name in `keyword`. */
export const tokenTypes = [
  'KEYWORD',
  'FUNCTION_CALL',
  'METHOD_CALL',
  'ATTRIBUTE',
  'PARAMETER',
  'LOCAL_VARIABLE',
  'GLOBAL_VARIABLE',
  'CLASS_NAME',
  'FUNCTION_NAME',
  'MODULE',
  'LIBRARY',
  'ALIAS',
  'STRING',
  'NUMBER',
  'COMMENT',
  'OPERATOR',
  'PUNCTUATION',
  'INDENT',
  'DEDENT',
  'EOS',
  /** A leaf none of the above fits (e.g. a label, a regex flag, JSX text punctuation). */
  'OTHER',
] as const;
export type TokenType = (typeof tokenTypes)[number];

export interface SyntaxToken {
  start: number;
  end: number;
  type: TokenType;
  /** For KEYWORD: the keyword as written (`def`, `True`, `this`). */
  keyword?: string;
}

/** CodeFill's single label: a keyword's upper-cased name (`DEF`), otherwise the type. */
export function tokenLabel(token: SyntaxToken): string {
  if (token.type !== 'KEYWORD') return token.type;
  const name = token.keyword!.toUpperCase();
  return (tokenTypes as readonly string[]).includes(name) ? `KEYWORD_${name}` : name;
}

export type ScopeKind = 'file' | 'class' | 'function';

export type DeclarationKind =
  | 'function'
  | 'method'
  | 'class'
  | 'interface'
  | 'type'
  | 'enum'
  | 'variable'
  | 'constant'
  | 'attribute'
  | 'module';

export interface Parameter {
  name: string;
  type?: string;
  default?: string;
  /** The parameter as written (`*args`, `b: int = 2`). */
  text: string;
}

export interface Signature {
  parameters: Parameter[];
  returnType?: string;
  /** The declaration's header, whitespace-collapsed: `def f(a: int = 1) -> str`. */
  text: string;
}

export interface Declaration {
  kind: DeclarationKind;
  name: string;
  /** Where the declaration lives: the file, a class body (methods, attributes), or a function body. */
  scope: ScopeKind;
  /** Names of the enclosing classes / functions, outermost first. */
  container: string[];
  /** The name's range. */
  start: number;
  end: number;
  position: Position;
  /** The whole declaration's range. */
  range: OffsetRange;
  signature?: Signature;
  /** Doc comment (JSDoc, `///`, `//` lines right above) or docstring, without comment markers. */
  doc?: string;
  exported?: boolean;
}

export type ImportForm =
  | 'import' // Python `import a.b [as c]`, Go, Java
  | 'from' // Python `from m import x [as y]`
  | 'es' // `import … from 'm'`
  | 'export-from' // `export { a } from 'm'`, `export * from 'm'`
  | 'require' // CommonJS `require('m')`, TS `import x = require('m')`
  | 'dynamic' // `import('m')`
  | 'use'; // Rust `use`, `extern crate`

export interface ImportedName {
  /** The exported name: `x`, `default`, `*`, or the module itself for `import a.b`. */
  name: string;
  /** The local name it is bound to, when it differs from `name` or the binding is a namespace. */
  alias?: string;
  /** The name this file uses (alias ?? name; for `import a.b` it is `a`; undefined for `*` and blank imports). */
  local?: string;
  kind: 'named' | 'default' | 'namespace' | 'star' | 'module';
}

export interface ImportInfo {
  form: ImportForm;
  /** Module specifier as written, without quotes: `./m`, `..pkg.mod`, `.`, `os.path`, `std::collections`. */
  module: string;
  relative: boolean;
  names: ImportedName[];
  /** `import 'x'`, `require('x')` as a statement, Go `_` imports. */
  sideEffect: boolean;
  typeOnly?: boolean;
  start: number;
  end: number;
  position: Position;
}

export type StatementKind = 'simple' | 'compound';

export interface StatementInfo {
  /** The grammar's node type (`expression_statement`, `if_statement`, …). */
  type: string;
  kind: StatementKind;
  start: number;
  end: number;
  startPosition: Position;
  endPosition: Position;
  /** Compound statements: where the header ends (start of the body block). */
  headerEnd?: number;
  /** Enclosing blocks. */
  depth: number;
  /** ERROR or MISSING nodes inside. */
  hasError: boolean;
}

export interface PositionInfo {
  /** The innermost statement containing the offset (or ending right at it). */
  statement?: StatementInfo;
  /** The offset is where a new statement begins (after whitespace; after the end of the previous one). */
  startsStatement: boolean;
  /** The offset is where the first statement of a block begins (after `{`, or `:` and a new line in Python). */
  startsBlock: boolean;
  inString: boolean;
  inComment: boolean;
}

export interface SyntaxIssue {
  kind: 'error' | 'missing';
  start: number;
  end: number;
  position: Position;
  /** For MISSING nodes: what the parser inserted (`)`, `;`, `identifier`). */
  expected?: string;
}

export interface InsertionCheck {
  /** No ERROR / MISSING node in the inserted text or the rest of the statement it ends in. */
  clean: boolean;
  issues: SyntaxIssue[];
  /**
   * If the statement containing the insertion point ends inside the inserted text: the length of
   * the inserted text up to that end (cut the completion there).
   */
  statementEnd?: number;
}

export interface ParseInfo {
  language: SyntaxLanguage;
  version: number;
  incremental: boolean;
  parseMs: number;
  hasError: boolean;
}

/** Token types that are identifiers (names), as opposed to keywords, literals, comments and punctuation. */
export const identifierTokenTypes: ReadonlySet<TokenType> = new Set<TokenType>(['FUNCTION_CALL', 'METHOD_CALL', 'ATTRIBUTE', 'PARAMETER', 'LOCAL_VARIABLE', 'GLOBAL_VARIABLE', 'CLASS_NAME', 'FUNCTION_NAME', 'MODULE', 'LIBRARY', 'ALIAS']);

/** One argument of a call as written. */
export interface CallArgument {
  /** `keyword`: Python `name=value`; `spread`: `*xs` / `...xs`; `keywordSpread`: `**kw`. */
  kind: 'positional' | 'keyword' | 'spread' | 'keywordSpread';
  /** The keyword's name (keyword arguments). */
  name?: string;
  text: string;
}

/** A call expression read from a snippet (`syntax.callExpression`). */
export interface CallExpressionInfo {
  /** The call as written (without `await` or an assignment around it). */
  text: string;
  start: number;
  end: number;
  /** The callee as written, whitespace removed: `inv.restock`, `Config.load`, `parse`. */
  callee: string;
  /** The callee without its last name (`inv`, `self.repo`, `make()`); '' for a bare name. */
  receiver: string;
  /** The called name. */
  name: string;
  /** `new C(…)`. */
  construct: boolean;
  awaited: boolean;
  args: CallArgument[];
}
