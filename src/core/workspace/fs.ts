/**
 * The workspace as core sees it: a small file-system interface over string URIs, injected by the
 * edge (VS Code's `workspace.fs` in the editor, so virtual workspaces work; node:fs in the CLI).
 * Core never opens workspace files itself.
 */

export type EntryType = 'file' | 'directory' | 'other';

export interface FileStat {
  type: EntryType;
  /** Bytes. */
  size: number;
  /** Milliseconds since the epoch. */
  mtime: number;
}

export interface WorkspaceFs {
  readFile(uri: string): Promise<Uint8Array>;
  stat(uri: string): Promise<FileStat>;
  readDirectory(uri: string): Promise<Array<[name: string, type: EntryType]>>;
}

/** Appends a path segment to a URI or path with '/' separators. */
export function joinUri(base: string, name: string): string {
  return base.endsWith('/') ? base + name : `${base}/${name}`;
}
