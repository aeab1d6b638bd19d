/**
 * Building and updating the index from a workspace: the source scan (skip rules, size and count
 * bounds, `.gitignore`, the edge's exclusions), binary files skipped, files parsed one at a time
 * (each tree freed right after), progress and cancellation between files.
 */
import { throwIfAborted, type Log } from '../base/errors';
import { looksBinary } from '../base/document';
import type { SyntaxQueries } from '../syntax/service';
import { joinUri, type WorkspaceFs } from '../workspace/fs';
import { scanSourceFiles, type ScannedFile } from '../workspace/scan';
import { extractFile, indexLanguageOf } from './extract';
import { IgnoreRules } from './ignore';
import { ProjectIndex } from './projectIndex';
import { loadTsConfig } from './tsconfig';
import { readPackageJson } from './packageJson';

export type IndexSyntax = SyntaxQueries & { close?(uri: string): void };

const configNames = new Set(['tsconfig.json', 'jsconfig.json', 'package.json']);

/** Files the index reads: sources of the indexed languages, minified bundles excluded, TS/JS configs and package.json files. */
export function isIndexedName(name: string): boolean {
  if (configNames.has(name)) return true;
  if (/\.min\.js$|\.bundle\.js$/.test(name)) return false;
  return indexLanguageOf(name) !== undefined;
}

export function isConfigUri(uri: string): boolean {
  return configNames.has(uri.slice(uri.lastIndexOf('/') + 1));
}

export interface BuildOptions {
  /** Extra exclusion by URI (`files.exclude` from the editor). */
  exclude?(uri: string): boolean;
  /** Default 2 MB: generated or vendored files above this are skipped. */
  maxFileBytes?: number;
  /** Default 20,000 files (a bound on memory). */
  maxFiles?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
  /** Where a base config that cannot be read is reported. */
  log?: Log;
  /** Start from this index (loaded from disk): only files whose size or mtime differ are re-read. */
  previous?: ProjectIndex;
}

export interface BuildReport {
  index: ProjectIndex;
  files: number;
  /** Files parsed in this run (all of them without `previous`). */
  parsed: number;
  removed: number;
  skippedLarge: number;
  skippedBinary: number;
  truncated: boolean;
  ms: number;
}

/** `.gitignore` rules of the root folder (nested `.gitignore` files are read as the scan meets them). */
async function gitignoreOf(fs: WorkspaceFs, dir: string): Promise<IgnoreRules | undefined> {
  try {
    const text = new TextDecoder().decode(await fs.readFile(joinUri(dir, '.gitignore')));
    const rules = IgnoreRules.fromGitignore(dir, text);
    return rules.size ? rules : undefined;
  } catch {
    return undefined;
  }
}

/** The files an index of `root` covers, with the skip rules and `.gitignore` applied. */
export async function scanIndexable(fs: WorkspaceFs, root: string, options: BuildOptions = {}): Promise<{ files: ScannedFile[]; truncated: boolean; skippedLarge: number }> {
  const ignores: IgnoreRules[] = [];
  const rootIgnore = await gitignoreOf(fs, root);
  if (rootIgnore) ignores.push(rootIgnore);
  // Nested .gitignore files: read for each folder that has one (the scan lists folders first-hand).
  const seenDirs = new Set<string>([root]);
  const pendingDirs: Promise<void>[] = [];
  const scan = await scanSourceFiles(fs, root, {
    include: isIndexedName,
    maxFileBytes: options.maxFileBytes ?? 2_000_000,
    maxFiles: options.maxFiles ?? 20_000,
    ...(options.signal ? { signal: options.signal } : {}),
    exclude: (uri) => {
      if (options.exclude?.(uri)) return true;
      const dir = uri.slice(0, uri.lastIndexOf('/'));
      if (!seenDirs.has(dir)) {
        seenDirs.add(dir);
        pendingDirs.push(gitignoreOf(fs, dir).then((r) => void (r && ignores.push(r))));
      }
      return ignores.some((r) => r.ignores(uri, !/\.[A-Za-z0-9]+$/.test(uri)));
    },
  });
  await Promise.all(pendingDirs);
  const files = scan.files.filter((f) => !ignores.some((r) => r.ignores(f.uri)));
  return { files, truncated: scan.truncated, skippedLarge: scan.skippedLarge };
}

/** Re-reads the configs whose `extends` chain reads `uri` (a base config changed, appeared or went away). */
async function rereadDependentConfigs(index: ProjectIndex, fs: WorkspaceFs, uri: string, log: Log | undefined): Promise<void> {
  for (const configUri of index.configsExtending(uri)) {
    if (configUri === uri) continue;
    let text: string;
    try {
      text = new TextDecoder().decode(await fs.readFile(configUri)).replace(/^\uFEFF/, '');
    } catch {
      // Unreadable here (a virtual workspace): the config's own change event re-reads it.
      continue;
    }
    index.setConfig(configUri, await loadTsConfig(fs, configUri, text, log));
  }
}

const isPackageJson = (uri: string) => uri.endsWith('/package.json');

/** Reads a config file into the index: a tsconfig / jsconfig, or a package.json (a workspace package imports resolve to). */
async function readConfig(index: ProjectIndex, fs: WorkspaceFs, uri: string, text: string, log: Log | undefined): Promise<void> {
  if (isPackageJson(uri)) index.setPackage(uri, readPackageJson(uri, text));
  else index.setConfig(uri, await loadTsConfig(fs, uri, text, log));
}

function dropConfig(index: ProjectIndex, uri: string): void {
  if (isPackageJson(uri)) index.setPackage(uri, undefined);
  else index.setConfig(uri, undefined);
}

export interface IndexFileOptions {
  log?: Log;
  /** Default true: re-read the configs extending a changed config (a full build reads every config anyway). */
  rereadDependents?: boolean;
}

/**
 * Reads and indexes one file (or a config); 'gone' when it is gone or not indexable (a base config
 * some config extends still re-reads those configs).
 */
export async function indexFile(index: ProjectIndex, fs: WorkspaceFs, syntax: IndexSyntax, file: { uri: string; size?: number; mtime?: number; text?: string }, options: IndexFileOptions = {}): Promise<'indexed' | 'binary' | 'gone'> {
  const log = options.log;
  const dependents = options.rereadDependents ?? true;
  if (!isIndexedName(file.uri.slice(file.uri.lastIndexOf('/') + 1))) {
    index.removeFile(file.uri);
    if (dependents) await rereadDependentConfigs(index, fs, file.uri, log);
    return 'gone';
  }
  let text = file.text;
  let size = file.size;
  let mtime = file.mtime;
  if (text === undefined) {
    let bytes: Uint8Array;
    try {
      if (size === undefined || mtime === undefined) {
        const stat = await fs.stat(file.uri);
        size = stat.size;
        mtime = stat.mtime;
      }
      bytes = await fs.readFile(file.uri);
    } catch {
      if (dependents) await forgetFile(index, fs, file.uri, log);
      else {
        index.removeFile(file.uri);
        dropConfig(index, file.uri);
      }
      return 'gone';
    }
    if (looksBinary(bytes)) {
      index.removeFile(file.uri);
      return 'binary';
    }
    text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
  }
  if (isConfigUri(file.uri)) {
    await readConfig(index, fs, file.uri, text, log);
    // A tsconfig.json (or a package's, through `extends`) can itself be the base of another folder's config.
    if (dependents) await rereadDependentConfigs(index, fs, file.uri, log);
    return 'indexed';
  }
  try {
    const record = await extractFile(syntax, { uri: file.uri, text, size: size ?? text.length, mtime: mtime ?? 0 });
    if (record) index.setFile(record);
    else index.removeFile(file.uri);
  } catch {
    // Too large or too slow to parse: left out of the index.
    index.removeFile(file.uri);
    return 'binary';
  }
  return 'indexed';
}

/** A deleted file or folder: its records and configs leave the index; configs extending one of them are re-read. */
export async function forgetFile(index: ProjectIndex, fs: WorkspaceFs, uri: string, log?: Log): Promise<void> {
  const under = (u: string) => u === uri || u.startsWith(`${uri}/`);
  for (const fileUri of index.fileUris()) if (under(fileUri)) index.removeFile(fileUri);
  for (const configUri of [...index.configUris(), ...index.packageUris()].filter(under)) dropConfig(index, configUri);
  await rereadDependentConfigs(index, fs, uri, log);
}

/** A full build of `root`, or an update of `options.previous` to the files on disk now. */
export async function buildIndex(fs: WorkspaceFs, root: string, syntax: IndexSyntax, options: BuildOptions = {}): Promise<BuildReport> {
  const t0 = performance.now();
  const scan = await scanIndexable(fs, root, options);
  const index = options.previous ?? new ProjectIndex(root);
  const present = new Set(scan.files.map((f) => f.uri));
  let removed = 0;
  for (const uri of index.fileUris())
    if (!present.has(uri)) {
      index.removeFile(uri);
      removed++;
    }
  for (const uri of [...index.configUris(), ...index.packageUris()]) if (!present.has(uri)) dropConfig(index, uri);
  const todo = scan.files.filter((f) => {
    const old = index.file(f.uri);
    return isConfigUri(f.uri) || !old || old.size !== f.size || old.mtime !== f.mtime;
  });
  let skippedBinary = 0;
  let done = 0;
  for (const f of todo) {
    throwIfAborted(options.signal);
    if ((await indexFile(index, fs, syntax, f, { log: options.log, rereadDependents: false })) === 'binary') skippedBinary++;
    options.onProgress?.(++done, todo.length);
  }
  return { index, files: index.stats().files, parsed: todo.length, removed, skippedLarge: scan.skippedLarge, skippedBinary, truncated: scan.truncated, ms: performance.now() - t0 };
}
