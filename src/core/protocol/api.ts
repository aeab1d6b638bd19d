/**
 * Worker protocol methods of the project API index (worker/apiService.ts): open / update /
 * remove / save / status, member completion, search. Plain structured-cloneable data.
 */
import type { ResolvedBy } from '../index/receivers';

export interface ApiOpenParams {
  /** Workspace folder URI. `file:` folders are read by the worker itself; others through `api.update` texts. */
  root: string;
  /** Where the index is stored (a file path in the extension's storage); absent: not persisted. */
  storagePath?: string;
  /** `files.exclude`-style globs (relative to the root). */
  exclude?: string[];
  maxFiles?: number;
  maxFileBytes?: number;
  /** Prompt tokens for API signatures in completions (0: none; default 128). */
  contextTokens?: number;
  /** Add the model's likelihood of member names to the ranking. */
  modelRanking?: boolean;
}

export interface ApiOpenResult {
  files: number;
  symbols: number;
  usages: number;
  /** The stored index was valid and was brought up to date (rather than built from scratch). */
  fromStorage: boolean;
  /** Why a stored index was not used. */
  rebuiltBecause?: string;
  /** Files parsed in this run. */
  parsed: number;
  ms: number;
}

export interface ApiStatus {
  state: 'closed' | 'indexing' | 'ready';
  /** First index: files parsed so far / to parse. */
  done: number;
  total: number;
  files: number;
  symbols: number;
}

/** A symbol as the editor shows it. */
export interface ApiMember {
  /** What is inserted (an exported alias may differ from the declared name). */
  label: string;
  name: string;
  kind: string;
  container: string;
  signature?: string;
  params: string[];
  returnType?: string;
  doc?: string;
  uri: string;
  line: number;
  character: number;
}

export interface ApiMembersParams {
  uri: string;
  text: string;
  offset: number;
  languageId?: string;
  version?: number;
  limit?: number;
}

export interface ApiMembersResult {
  receiver: string;
  prefix: string;
  prefixStart: number;
  resolvedBy: ResolvedBy;
  items: Array<ApiMember & { score: number; inherited: boolean }>;
}

/** `alike`: the APIs of the same name and first doc sentence folded into this one (`Transaction.destroy`, or the file of one without a class). */
export type ApiSearchItem = ApiMember & { score: number; alike?: string[] };

/** "Answer with a call": the request in words and the cursor's document (the worker retrieves, asks the chat model, grounds). */
export interface ApiAnswerParams {
  query: string;
  uri: string;
  text: string;
  offset: number;
  languageId?: string;
  version?: number;
  /** Retrieved APIs the model may use (default 8). */
  topK?: number;
  /** The chat request's timeout (default 20 s). */
  timeoutMs?: number;
}

/** `accepted`: a grounded call to insert; otherwise the one-line reason (the search results stay). */
export type ApiAnswerResult =
  | { status: 'accepted'; call: string; insertText: string; api: ApiMember; by: string; ms: number }
  | { status: 'rejected'; reason: string; call?: string; ms: number }
  | { status: 'unavailable'; reason: string }
  | { status: 'failed'; reason: string; ms: number };

export interface ApiMethods {
  'api.open': [ApiOpenParams, ApiOpenResult];
  'api.status': [Record<string, never>, ApiStatus];
  /** Changed or created files; `text` for virtual workspaces (the worker reads `file:` URIs itself). */
  'api.update': [{ files: Array<{ uri: string; text?: string }> }, ApiStatus];
  /** Deleted files or folders. */
  'api.remove': [{ uris: string[] }, ApiStatus];
  'api.save': [Record<string, never>, { bytes: number }];
  /** Members at `recv.` (undefined when the cursor is not after a member access or there is no index). */
  'api.members': [ApiMembersParams, ApiMembersResult | undefined];
  /**
   * `languageId`: the VS Code language id (or path) of the code that will call them; only APIs of its
   * family (Python, or TypeScript/JavaScript). `uri`: the file they will be called from; from a test
   * file, test files' symbols (fixtures, helpers) are searched too.
   */
  'api.search': [{ query: string; limit?: number; languageId?: string; uri?: string }, ApiSearchItem[]];
  /** A call for the cursor from an instruction-tuned model, grounded in the retrieved APIs. */
  'api.answer': [ApiAnswerParams, ApiAnswerResult];
}
