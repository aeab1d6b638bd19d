/**
 * The parse service: one tree per document (uri, version), re-parsed incrementally on edits
 * (`tree.edit` + parse with the old tree), trees freed explicitly, an LRU bound on cached trees
 * (count and text size), a size limit and a time budget per parse. Results are plain data.
 */
import { TokenwiseError } from '../base/errors';
import { LineIndex, SyntaxContext, pointAt } from './context';
import { readCallExpression } from './calls';
import { collectDeclarations } from './declarations';
import { collectImports, importBindings } from './imports';
import { recoverDeclarations } from './recovery';
import { resolveLanguage, type SyntaxLanguage } from './languages';
import { loadLanguage, wasmHeapBytes, type LoadedLanguage, type TsEdit, type TsTree } from './runtime';
import { errorsIn, positionInfo, statementAt, treeString } from './structure';
import { collectTokens } from './tokens';
import type {
  CallExpressionInfo,
  Declaration,
  ImportInfo,
  InsertionCheck,
  OffsetRange,
  ParseInfo,
  PositionInfo,
  StatementInfo,
  SyntaxDocument,
  SyntaxIssue,
  SyntaxToken,
  TextChange,
} from './types';

export interface SyntaxServiceOptions {
  /** Most trees kept (least recently used are freed first). Default 32. */
  maxTrees?: number;
  /** Most UTF-16 units of text over all cached trees. Default 16M. */
  maxCachedChars?: number;
  /** Larger documents are refused ("too large"). Default 8M UTF-16 units. */
  maxDocumentChars?: number;
  /** A parse that takes longer is cancelled ("too large"). Default 2000 ms. */
  parseBudgetMs?: number;
}

/** What statement completion, API completion and the metrics panel ask of the syntax service. */
export interface SyntaxQueries {
  parse(doc: SyntaxDocument, changes?: readonly TextChange[]): Promise<ParseInfo>;
  tokens(doc: SyntaxDocument, range?: OffsetRange): Promise<SyntaxToken[]>;
  declarations(doc: SyntaxDocument): Promise<Declaration[]>;
  imports(doc: SyntaxDocument): Promise<ImportInfo[]>;
  statementAt(doc: SyntaxDocument, offset: number): Promise<StatementInfo | undefined>;
  positionInfo(doc: SyntaxDocument, offset: number): Promise<PositionInfo>;
  errorsIn(doc: SyntaxDocument, range?: OffsetRange): Promise<SyntaxIssue[]>;
  checkInsertion(doc: SyntaxDocument, offset: number, insertText: string): Promise<InsertionCheck>;
  parsesCleanly(text: string, language: string, range?: OffsetRange): Promise<boolean>;
}

interface Entry {
  uri: string;
  version: number;
  language: SyntaxLanguage;
  text: string;
  tree: TsTree;
  loaded: LoadedLanguage;
  ctx?: SyntaxContext;
  imports?: ImportInfo[];
  declarations?: Declaration[];
  tokens?: SyntaxToken[];
}

export class SyntaxService implements SyntaxQueries {
  private readonly entries = new Map<string, Entry>();
  private cachedChars = 0;
  private readonly maxTrees: number;
  private readonly maxCachedChars: number;
  private readonly maxDocumentChars: number;
  private readonly parseBudgetMs: number;

  constructor(options: SyntaxServiceOptions = {}) {
    this.maxTrees = Math.max(1, options.maxTrees ?? 32);
    this.maxCachedChars = options.maxCachedChars ?? 16 * 1024 * 1024;
    this.maxDocumentChars = options.maxDocumentChars ?? 8 * 1024 * 1024;
    this.parseBudgetMs = options.parseBudgetMs ?? 2000;
  }

  /** The language of a document (its language id, else its URI's extension), or undefined if unsupported. */
  static languageOf(doc: Pick<SyntaxDocument, 'uri' | 'languageId'>): SyntaxLanguage | undefined {
    return (doc.languageId ? resolveLanguage(doc.languageId) : undefined) ?? resolveLanguage(doc.uri);
  }

  /**
   * Parses the document, or brings its cached tree up to date: from `changes` (VS Code's content
   * changes since the cached version, applied in order) or else from the difference of the texts.
   */
  async parse(doc: SyntaxDocument, changes?: readonly TextChange[]): Promise<ParseInfo> {
    const { info } = await this.entry(doc, changes);
    return info;
  }

  async tokens(doc: SyntaxDocument, range?: OffsetRange): Promise<SyntaxToken[]> {
    const { entry } = await this.entry(doc);
    if (range) return collectTokens(this.context(entry), range);
    return (entry.tokens ??= collectTokens(this.context(entry)));
  }

  async declarations(doc: SyntaxDocument): Promise<Declaration[]> {
    const { entry } = await this.entry(doc);
    if (!entry.declarations) {
      const ctx = this.context(entry);
      entry.declarations = recoverDeclarations(ctx, collectDeclarations(ctx), (text) => this.runParse(entry.loaded, text, null, doc.uri));
    }
    return entry.declarations;
  }

  async imports(doc: SyntaxDocument): Promise<ImportInfo[]> {
    const { entry } = await this.entry(doc);
    this.context(entry);
    return entry.imports!;
  }

  async statementAt(doc: SyntaxDocument, offset: number): Promise<StatementInfo | undefined> {
    const { entry } = await this.entry(doc);
    return statementAt(this.context(entry), clamp(offset, entry.text));
  }

  async positionInfo(doc: SyntaxDocument, offset: number): Promise<PositionInfo> {
    const { entry } = await this.entry(doc);
    return positionInfo(this.context(entry), clamp(offset, entry.text));
  }

  async errorsIn(doc: SyntaxDocument, range?: OffsetRange): Promise<SyntaxIssue[]> {
    const { entry } = await this.entry(doc);
    return errorsIn(entry.tree, this.context(entry).lines, range);
  }

  /**
   * Parses the document with `insertText` inserted at `offset` (incrementally, on a copy of the
   * cached tree) and reports the syntax errors that the insertion introduces in the inserted text
   * and the rest of its statement, and where the statement at `offset` ends inside the insertion.
   */
  async checkInsertion(doc: SyntaxDocument, offset: number, insertText: string): Promise<InsertionCheck> {
    const { entry } = await this.entry(doc);
    const at = clamp(offset, entry.text);
    const text = entry.text.slice(0, at) + insertText + entry.text.slice(at);
    const copy = entry.tree.copy();
    let tree: TsTree | undefined;
    try {
      copy.edit(insertEdit(entry.text, at, insertText));
      tree = this.runParse(entry.loaded, text, copy, doc.uri);
      const ctx = new SyntaxContext(entry.language, entry.loaded, tree, text, () => []);
      const end = at + insertText.length;
      const statement = statementAt(ctx, at);
      const regionEnd = Math.max(end, statement && statement.start <= end ? statement.end : end);
      const before = new Set(
        errorsIn(entry.tree, this.context(entry).lines, { start: at, end: Math.max(at, regionEnd - insertText.length) }).map((e) => {
          const shift = (o: number) => (o >= at ? o + insertText.length : o);
          return `${e.kind}:${shift(e.start)}:${shift(e.end)}`;
        }),
      );
      const issues = errorsIn(tree, ctx.lines, { start: at, end: regionEnd }).filter((e) => !before.has(`${e.kind}:${e.start}:${e.end}`));
      const result: InsertionCheck = { clean: issues.length === 0, issues };
      if (statement && statement.end > at && statement.end <= end && statement.end - at < insertText.length) result.statementEnd = statement.end - at;
      return result;
    } finally {
      copy.delete();
      tree?.delete();
    }
  }

  /** Whether `text` parses without ERROR / MISSING nodes (in `range`, if given). */
  async parsesCleanly(text: string, language: string, range?: OffsetRange): Promise<boolean> {
    const lang = resolveLanguage(language);
    if (!lang) throw new TokenwiseError('input', `No syntax support for '${language}'.`);
    const loaded = await loadLanguage(lang);
    this.checkSize(text, language);
    const tree = this.runParse(loaded, text, null, language);
    try {
      return errorsIn(tree, new LineIndex(''), range).length === 0;
    } finally {
      tree.delete();
    }
  }

  /** The one call expression `text` consists of (optionally awaited or assigned), or why it is not one. */
  async callExpression(text: string, language: string): Promise<{ call: CallExpressionInfo } | { problem: string }> {
    const lang = resolveLanguage(language);
    if (!lang) throw new TokenwiseError('input', `No syntax support for '${language}'.`);
    const loaded = await loadLanguage(lang);
    this.checkSize(text, language);
    const tree = this.runParse(loaded, text, null, language);
    try {
      return readCallExpression(lang, tree);
    } finally {
      tree.delete();
    }
  }

  /** The tree as an S-expression with UTF-16 ranges: `(type@start-end child …)`, MISSING nodes marked. */
  async treeText(doc: SyntaxDocument): Promise<string> {
    const { entry } = await this.entry(doc);
    return treeString(entry.tree);
  }

  /** Frees the document's tree. */
  close(uri: string): void {
    const entry = this.entries.get(uri);
    if (entry) this.drop(entry);
  }

  /** Frees every tree. */
  dispose(): void {
    for (const entry of [...this.entries.values()]) this.drop(entry);
  }

  stats(): { trees: number; cachedChars: number; wasmHeapBytes: number } {
    return { trees: this.entries.size, cachedChars: this.cachedChars, wasmHeapBytes: wasmHeapBytes() };
  }

  // -------------------------------------------------------------------------------------------

  private context(entry: Entry): SyntaxContext {
    if (!entry.ctx) {
      const ctx: SyntaxContext = new SyntaxContext(entry.language, entry.loaded, entry.tree, entry.text, () => importBindings(entry.imports ?? []));
      entry.ctx = ctx;
      entry.imports = collectImports(ctx);
    }
    return entry.ctx;
  }

  private checkSize(text: string, what: string): void {
    if (text.length > this.maxDocumentChars)
      throw new TokenwiseError('input', `${what} is too large to parse (${text.length} UTF-16 units; limit ${this.maxDocumentChars}).`);
  }

  private runParse(loaded: LoadedLanguage, text: string, old: TsTree | null, what: string): TsTree {
    const started = performance.now();
    const budget = this.parseBudgetMs;
    const tree = loaded.parser.parse(text, old, { progressCallback: () => performance.now() - started > budget });
    if (!tree) {
      loaded.parser.reset();
      throw new TokenwiseError('input', `${what} is too large to parse within ${budget} ms.`);
    }
    return tree;
  }

  private async entry(doc: SyntaxDocument, changes?: readonly TextChange[]): Promise<{ entry: Entry; info: ParseInfo }> {
    const language = SyntaxService.languageOf(doc);
    if (!language) throw new TokenwiseError('input', `No syntax support for ${doc.languageId ? `language '${doc.languageId}'` : doc.uri}.`);
    const loaded = await loadLanguage(language);
    const cached = this.entries.get(doc.uri);
    if (cached && cached.version === doc.version && cached.language === language && cached.text === doc.text) {
      this.touch(cached);
      return { entry: cached, info: { language, version: doc.version, incremental: false, parseMs: 0, hasError: cached.tree.rootNode.hasError } };
    }
    this.checkSize(doc.text, doc.uri);
    const started = performance.now();
    let old: TsTree | null = null;
    if (cached && cached.language === language) {
      const edits = changes ? editsFromChanges(cached.text, changes, doc.text) : undefined;
      old = cached.tree.copy();
      for (const edit of edits ?? [diffEdit(cached.text, doc.text)]) old.edit(edit);
    }
    let tree: TsTree;
    try {
      tree = this.runParse(loaded, doc.text, old, doc.uri);
    } finally {
      old?.delete();
    }
    if (cached) this.drop(cached);
    const entry: Entry = { uri: doc.uri, version: doc.version, language, text: doc.text, tree, loaded };
    this.entries.set(doc.uri, entry);
    this.cachedChars += doc.text.length;
    this.evict(entry);
    const info: ParseInfo = { language, version: doc.version, incremental: old !== null, parseMs: performance.now() - started, hasError: tree.rootNode.hasError };
    return { entry, info };
  }

  private touch(entry: Entry): void {
    this.entries.delete(entry.uri);
    this.entries.set(entry.uri, entry);
  }

  private evict(keep: Entry): void {
    for (const entry of this.entries.values()) {
      if (this.entries.size <= this.maxTrees && this.cachedChars <= this.maxCachedChars) break;
      if (entry !== keep) this.drop(entry);
    }
  }

  private drop(entry: Entry): void {
    if (this.entries.get(entry.uri) === entry) this.entries.delete(entry.uri);
    this.cachedChars -= entry.text.length;
    entry.tree.delete();
  }
}

function clamp(offset: number, text: string): number {
  return Math.max(0, Math.min(text.length, Math.floor(offset)));
}

function insertEdit(text: string, offset: number, insert: string): TsEdit {
  const start = pointAt(text, offset);
  return { startIndex: offset, oldEndIndex: offset, newEndIndex: offset + insert.length, startPosition: start, oldEndPosition: start, newEndPosition: advance(start, insert) };
}

function advance(point: { row: number; column: number }, inserted: string): { row: number; column: number } {
  const nl = inserted.lastIndexOf('\n');
  if (nl < 0) return { row: point.row, column: point.column + inserted.length };
  let rows = 0;
  for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) rows++;
  return { row: point.row + rows, column: inserted.length - nl - 1 };
}

/** One edit from the common prefix and suffix of two texts. */
export function diffEdit(before: string, after: string): TsEdit {
  let start = 0;
  const min = Math.min(before.length, after.length);
  while (start < min && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < min - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  const oldEnd = before.length - tail;
  const newEnd = after.length - tail;
  const startPosition = pointAt(before, start);
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition,
    oldEndPosition: pointAt(before, oldEnd),
    newEndPosition: advance(startPosition, after.slice(start, newEnd)),
  };
}

/** Tree edits for VS Code content changes, applied in order; undefined if they do not produce `after`. */
export function editsFromChanges(before: string, changes: readonly TextChange[], after: string): TsEdit[] | undefined {
  const edits: TsEdit[] = [];
  let text = before;
  for (const change of changes) {
    const start = change.rangeOffset;
    const oldEnd = start + change.rangeLength;
    if (start < 0 || oldEnd > text.length) return undefined;
    const startPosition = pointAt(text, start);
    edits.push({
      startIndex: start,
      oldEndIndex: oldEnd,
      newEndIndex: start + change.text.length,
      startPosition,
      oldEndPosition: pointAt(text, oldEnd),
      newEndPosition: advance(startPosition, change.text),
    });
    text = text.slice(0, start) + change.text + text.slice(oldEnd);
  }
  return text === after ? edits : undefined;
}
