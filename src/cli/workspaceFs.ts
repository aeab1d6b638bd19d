/** The CLI's workspace: node:fs behind the core's WorkspaceFs interface (paths as URIs). */
import { readdir, readFile, stat } from 'node:fs/promises';
import type { EntryType, WorkspaceFs } from '../core/workspace/fs';

const typeOf = (s: { isFile(): boolean; isDirectory(): boolean }): EntryType => (s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other');

export const nodeWorkspaceFs: WorkspaceFs = {
  readFile: async (path) => new Uint8Array(await readFile(path)),
  async stat(path) {
    const s = await stat(path);
    return { type: typeOf(s), size: s.size, mtime: s.mtimeMs };
  },
  // Symbolic links are not followed (type 'other'): a scan never leaves the folder through one.
  readDirectory: async (path) => (await readdir(path, { withFileTypes: true })).map((d) => [d.name, typeOf(d)] as [string, EntryType]),
};
