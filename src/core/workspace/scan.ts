/**
 * Walks a workspace folder for source files, skipping what no scan should read: dependency and
 * build folders, virtual environments, VCS metadata, files over a size limit. The API index and
 * the metrics panel's workspace scan build on this.
 */
import { throwIfAborted } from '../base/errors';
import { joinUri, type EntryType, type WorkspaceFs } from './fs';

/** Folders never scanned (dependencies, environments, build output, VCS metadata, caches). */
export const skippedFolders: ReadonlySet<string> = new Set([
  'node_modules', '.git', '.hg', '.svn', 'dist', 'build', 'out', '.next', '.venv', 'venv', 'env', '__pycache__', '.mypy_cache', '.pytest_cache', '.tox', 'target', '.cache', 'coverage',
]);

export interface ScanOptions {
  /** File name test (e.g. by extension). */
  include(name: string): boolean;
  /** Larger files are skipped (default 1 MB). */
  maxFileBytes?: number;
  /** Most files returned (default 20,000): a bound on memory for huge workspaces. */
  maxFiles?: number;
  /** Extra exclusion by URI (`files.exclude`, `.gitignore`: ignore.ts `createScanFilter`). */
  exclude?(uri: string, type: EntryType): boolean;
  /** Called with each folder's entries before they are filtered (reads its `.gitignore`). */
  enterDirectory?(uri: string, entries: ReadonlyArray<readonly [string, EntryType]>): Promise<void>;
  signal?: AbortSignal;
}

export interface ScannedFile {
  uri: string;
  size: number;
  mtime: number;
}

export async function scanSourceFiles(fs: WorkspaceFs, root: string, options: ScanOptions): Promise<{ files: ScannedFile[]; truncated: boolean; skippedLarge: number }> {
  const maxBytes = options.maxFileBytes ?? 1_000_000;
  const maxFiles = options.maxFiles ?? 20_000;
  const files: ScannedFile[] = [];
  let skippedLarge = 0;
  const pending = [root];
  while (pending.length) {
    throwIfAborted(options.signal);
    const dir = pending.pop()!;
    let entries: Array<[string, EntryType]>;
    try {
      entries = await fs.readDirectory(dir);
    } catch {
      continue; // unreadable folder: skipped, the scan goes on
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    await options.enterDirectory?.(dir, entries);
    for (const [name, type] of entries) {
      const uri = joinUri(dir, name);
      if (options.exclude?.(uri, type)) continue;
      if (type === 'directory') {
        if (!skippedFolders.has(name)) pending.push(uri);
        continue;
      }
      if (type !== 'file' || !options.include(name)) continue;
      const stat = await fs.stat(uri).catch(() => undefined);
      if (!stat || stat.type !== 'file') continue;
      if (stat.size > maxBytes) {
        skippedLarge++;
        continue;
      }
      files.push({ uri, size: stat.size, mtime: stat.mtime });
      if (files.length >= maxFiles) return { files, truncated: true, skippedLarge };
    }
  }
  return { files, truncated: false, skippedLarge };
}
