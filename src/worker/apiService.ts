/**
 * The project API index in the worker (off the extension host thread): builds it (the worker
 * reads `file:` workspaces itself through node:fs; for virtual workspaces the host sends file
 * contents with `api.update`), persists it gzipped in the extension's storage (versioned; a
 * corrupt, old or foreign index is rebuilt), keeps it current on change / create / delete, and
 * answers member completion, search and prompt context.
 */
import { readFile, writeFile, mkdir, readdir, stat, rename } from 'node:fs/promises';
import { dirname as pathDirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { TokenwiseError, describeError, type Log } from '../core/base/errors';
import type { EntryType, WorkspaceFs } from '../core/workspace/fs';
import type { SyntaxService } from '../core/syntax';
import { IgnoreRules, ProjectIndex, buildIndex, indexFile, forgetFile, recordOf, indexLanguageOf, completeMembers, addModelScores, isTestFile, type NameScorer } from '../core/index';
import { ApiSearch } from '../core/search/bm25';
import { apiFamilyOfText } from '../core/search/family';
import type { ApiContext } from '../core/completion/context/apiContext';
import { answerWithCall } from '../core/completion/apiAnswer';
import type { ChatCapability } from '../core/inference/remote/chat';
import type { ApiAnswerParams, ApiAnswerResult, ApiMember, ApiOpenParams, ApiOpenResult, ApiSearchItem, ApiStatus, ApiMembersParams, ApiMembersResult } from '../core/protocol/engine';
import type { SymbolRef } from '../core/index/types';

/** node:fs behind WorkspaceFs for `file:` URIs. */
export const fileUriFs: WorkspaceFs = {
  readFile: async (uri) => new Uint8Array(await readFile(fileURLToPath(uri))),
  async stat(uri) {
    const s = await stat(fileURLToPath(uri));
    return { type: s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other', size: s.size, mtime: s.mtimeMs };
  },
  readDirectory: async (uri) =>
    (await readdir(fileURLToPath(uri), { withFileTypes: true })).map((d) => [d.name, (d.isFile() ? 'file' : d.isDirectory() ? 'directory' : 'other') as EntryType] as [string, EntryType]),
};

/** How a folded API is named to the user: its class and name, or its file's name. */
function alikeLabel(ref: SymbolRef): string {
  return ref.symbol.container ? `${ref.symbol.container}.${ref.symbol.name}` : `${ref.uri.slice(ref.uri.lastIndexOf('/') + 1)}: ${ref.symbol.name}`;
}

function toMember(ref: SymbolRef, label = ref.symbol.name): ApiMember {
  const s = ref.symbol;
  const m: ApiMember = { label, name: s.name, kind: s.kind, container: s.container, uri: ref.uri, line: s.line, character: s.character, params: s.params ?? [] };
  if (s.signature) m.signature = s.signature;
  if (s.doc) m.doc = s.doc;
  if (s.returnType) m.returnType = s.returnType;
  return m;
}

export class ApiService {
  private index: ProjectIndex | undefined;
  /** The search, built on first use after each index change: without test files' symbols (false), and with them for a call written in a test (true). */
  private readonly searches = new Map<boolean, ApiSearch>();
  private storagePath: string | undefined;
  private state: ApiStatus = { state: 'closed', done: 0, total: 0, files: 0, symbols: 0 };
  private exclude: IgnoreRules | undefined;
  private dirty = false;
  /** From the last `api.open`. */
  options: { contextTokens: number; modelRanking: boolean } = { contextTokens: 128, modelRanking: false };

  constructor(
    private readonly syntax: () => SyntaxService,
    private readonly log: Log,
  ) {}

  status(): ApiStatus {
    return { ...this.state, ...(this.index ? { files: this.index.stats().files, symbols: this.index.stats().symbols } : {}) };
  }

  /** Loads the stored index (if it validates) and brings it up to date with the folder, or builds it. */
  async open(params: ApiOpenParams, signal: AbortSignal): Promise<ApiOpenResult> {
    const t0 = performance.now();
    this.storagePath = params.storagePath;
    this.options = { contextTokens: params.contextTokens ?? 128, modelRanking: params.modelRanking ?? false };
    this.exclude = params.exclude?.length ? new IgnoreRules(params.root, params.exclude) : undefined;
    let previous: ProjectIndex | undefined;
    let reason: string | undefined;
    if (params.storagePath) {
      try {
        const loaded = ProjectIndex.deserialize(gunzipSync(await readFile(params.storagePath)).toString('utf8'), params.root);
        if (loaded instanceof ProjectIndex) previous = loaded;
        else reason = loaded.rejected;
      } catch (error) {
        reason = /ENOENT/.test(describeError(error)) ? 'none stored yet' : `unreadable (${describeError(error)})`;
      }
      if (reason) this.log('info', `API index: stored index not used (${reason}); building`);
    }
    if (!params.root.startsWith('file:')) {
      // A virtual workspace: the host sends the files (api.update with texts).
      this.index = previous ?? new ProjectIndex(params.root);
      this.searches.clear();
      this.state = { state: 'ready', done: 0, total: 0, files: 0, symbols: 0 };
      return { ...this.index.stats(), fromStorage: !!previous, ms: performance.now() - t0, parsed: 0, ...(reason ? { rebuiltBecause: reason } : {}) };
    }
    this.state = { state: 'indexing', done: 0, total: 0, files: 0, symbols: 0 };
    try {
      const exclude = this.exclude;
      const report = await buildIndex(fileUriFs, params.root, this.syntax(), {
        ...(exclude ? { exclude: (uri: string) => exclude.ignores(uri) } : {}),
        ...(params.maxFiles ? { maxFiles: params.maxFiles } : {}),
        ...(params.maxFileBytes ? { maxFileBytes: params.maxFileBytes } : {}),
        ...(previous ? { previous } : {}),
        log: this.log,
        signal,
        onProgress: (done, total) => {
          this.state = { ...this.state, done, total };
        },
      });
      this.index = report.index;
      this.searches.clear();
      this.state = { state: 'ready', done: report.parsed, total: report.parsed, files: report.files, symbols: report.index.stats().symbols };
      this.dirty = report.parsed > 0 || report.removed > 0 || !previous;
      await this.save();
      this.log('info', `API index: ${report.files} files, ${report.index.stats().symbols} symbols (${previous ? `loaded from storage, ${report.parsed} re-read` : `built`} in ${Math.round(report.ms)} ms)${report.truncated ? '; file limit reached' : ''}`);
      return { ...report.index.stats(), fromStorage: !!previous, ms: performance.now() - t0, parsed: report.parsed, ...(reason ? { rebuiltBecause: reason } : {}) };
    } catch (error) {
      this.state = { state: 'closed', done: 0, total: 0, files: 0, symbols: 0 };
      throw error;
    }
  }

  private need(): ProjectIndex {
    if (!this.index) throw new TokenwiseError('input', 'The API index is not open.');
    return this.index;
  }

  /** Re-reads changed or created files (texts given for virtual workspaces). */
  async update(files: Array<{ uri: string; text?: string }>): Promise<ApiStatus> {
    const index = this.need();
    for (const f of files) {
      if (this.exclude?.ignores(f.uri)) continue;
      if (f.text === undefined && !f.uri.startsWith('file:')) continue;
      await indexFile(index, fileUriFs, this.syntax(), f.text === undefined ? { uri: f.uri } : { uri: f.uri, text: f.text }, { log: this.log });
    }
    this.searches.clear();
    this.dirty = true;
    return this.status();
  }

  /** Deleted files or folders (everything under a folder), configs included; configs extending one are re-read. */
  async remove(uris: string[]): Promise<ApiStatus> {
    const index = this.need();
    for (const uri of uris) await forgetFile(index, fileUriFs, uri, this.log);
    this.searches.clear();
    this.dirty = true;
    return this.status();
  }

  /** Writes the index to storage (gzipped JSON, written to a temporary file then renamed). */
  async save(): Promise<{ bytes: number }> {
    if (!this.index || !this.storagePath || !this.dirty) return { bytes: 0 };
    const data = gzipSync(this.index.serialize());
    await mkdir(pathDirname(this.storagePath), { recursive: true });
    const tmp = `${this.storagePath}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, this.storagePath);
    this.dirty = false;
    return { bytes: data.length };
  }

  /** Member completion at the cursor of a live document. */
  async members(params: ApiMembersParams, scorer?: NameScorer, signal?: AbortSignal): Promise<ApiMembersResult | undefined> {
    const index = this.index;
    if (!index) return undefined;
    const language = indexLanguageOf(params.uri) ?? (params.languageId === 'python' ? 'python' : 'typescript');
    const doc = { uri: params.uri, version: params.version ?? 0, text: params.text, languageId: params.languageId ?? language };
    const syntax = this.syntax();
    const declarations = await syntax.declarations(doc);
    const imports = await syntax.imports(doc);
    const live = recordOf({ uri: params.uri, text: params.text }, language, declarations, imports);
    const completion = index.withOverlay(live, () => completeMembers(index, { uri: params.uri, text: params.text, offset: params.offset, declarations }, { fallbackToAll: false }));
    if (!completion) return undefined;
    let items = completion.items;
    if (scorer && items.length > 1) items = await addModelScores(items, params.text.slice(Math.max(0, completion.prefixStart - 1500), completion.prefixStart), scorer, 24, signal).catch(() => items);
    return {
      receiver: completion.receiver,
      prefix: completion.prefix,
      prefixStart: completion.prefixStart,
      resolvedBy: completion.resolvedBy,
      items: items.slice(0, params.limit ?? 100).map((i) => ({ ...toMember(i.ref, i.label), score: i.score, inherited: i.inherited })),
    };
  }

  /** The search over the index; written in a test file (`uri`), test files' helpers and fixtures are APIs too. */
  private searchFor(index: ProjectIndex, uri: string | undefined): ApiSearch {
    const tests = typeof uri === 'string' && isTestFile(uri, index.root);
    let search = this.searches.get(tests);
    if (!search) this.searches.set(tests, (search = new ApiSearch(index, { tests })));
    return search;
  }

  /**
   * APIs for a description in words; with `languageId` (or a path), only those code in that language can call; from a
   * file (`uri`), other modules' private names after the public APIs, and from a test file, tests' symbols too.
   */
  find(query: string, limit = 20, languageId?: string, uri?: string): ApiSearchItem[] {
    const index = this.index;
    if (!index) return [];
    const family = apiFamilyOfText(languageId);
    return this.searchFor(index, uri).search(query, { limit, ...(family ? { family } : {}), ...(typeof uri === 'string' ? { from: uri } : {}) }).map((h) => ({ ...toMember(h.ref), score: h.score, ...(h.alike ? { alike: h.alike.map(alikeLabel) } : {}) }));
  }

  /** A call for the cursor from the chat model, grounded in the top `topK` search results (`chat` absent: why not). */
  async answer(params: ApiAnswerParams, chat: ChatCapability | undefined, whyNoChat: string, contextTokens: number | undefined, signal?: AbortSignal): Promise<ApiAnswerResult> {
    const index = this.index;
    if (!index) return { status: 'unavailable', reason: 'the API index is not open' };
    if (!chat) return { status: 'unavailable', reason: whyNoChat };
    const t0 = performance.now();
    const family = apiFamilyOfText(params.languageId) ?? apiFamilyOfText(params.uri);
    const retrieved = this.searchFor(index, params.uri).search(params.query, { limit: params.topK ?? 8, from: params.uri, ...(family ? { family } : {}) }).map((h) => h.ref);
    const document = { uri: params.uri, text: params.text, offset: params.offset, ...(params.languageId ? { languageId: params.languageId } : {}), ...(params.version !== undefined ? { version: params.version } : {}) };
    const r = await answerWithCall({ query: params.query, document, retrieved }, { index, syntax: this.syntax(), chat }, { stream: true, ...(contextTokens ? { contextTokens } : {}), ...(params.timeoutMs ? { timeoutMs: params.timeoutMs } : {}), ...(signal ? { signal } : {}) });
    const ms = performance.now() - t0;
    switch (r.status) {
      case 'accepted':
        return { status: 'accepted', call: r.call, insertText: r.insertText, api: toMember(r.api), by: r.by, ms };
      case 'rejected':
        this.log('info', `Find API: the model's call was rejected: ${r.reason}`);
        return { status: 'rejected', reason: r.reason, ...(r.call ? { call: r.call } : {}), ms };
      case 'failed':
        return { status: 'failed', reason: r.reason, ms };
      case 'unavailable':
        return r;
    }
  }

  /** Signatures for the completion prompt: the receiver's top members at `recv.`, else the project names used near the cursor. */
  async promptContext(uri: string, prefix: string, languageId: string | undefined, budgetTokens: number): Promise<ApiContext | undefined> {
    const index = this.index;
    if (!index || budgetTokens <= 0) return undefined;
    const signatures: string[] = [];
    const line = (ref: SymbolRef) => `${ref.symbol.container ? `${ref.symbol.container}.` : ''}${ref.symbol.signature ?? ref.symbol.name}`.replace(/^(?:export\s+)?(?:async\s+)?(?:def|function)\s+/, '');
    try {
      const members = await this.members({ uri, text: prefix, offset: prefix.length, ...(languageId ? { languageId } : {}), limit: 8 });
      if (members?.items.length) for (const m of members.items) signatures.push(`${m.container ? `${m.container}.` : ''}${(m.signature ?? m.name).replace(/^(?:export\s+)?(?:async\s+)?(?:def|function)\s+/, '')}`);
    } catch {
      // No parse of the live text: names only.
    }
    if (!signatures.length) {
      const recent = prefix.slice(-1200);
      const seen = new Set<string>();
      const names = [...recent.matchAll(/[A-Za-z_$][\w$]*/g)].map((m) => m[0]).reverse();
      for (const name of names) {
        if (seen.has(name) || name.length < 3) continue;
        seen.add(name);
        const binding = index.bindingIn(uri, name) ?? index.importedBinding(uri, name);
        if (binding?.kind !== 'symbol' || binding.ref.uri === uri) continue;
        signatures.push(line(binding.ref));
        if (signatures.length >= 8) break;
      }
    }
    return signatures.length ? { signatures, budgetTokens } : undefined;
  }
}
