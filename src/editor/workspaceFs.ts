/** The editor's workspace: VS Code's `workspace.fs` behind the core's WorkspaceFs (works in virtual workspaces). */
import * as vscode from 'vscode';
import type { EntryType, WorkspaceFs } from '../core/workspace/fs';

const typeOf = (t: vscode.FileType): EntryType => (t & vscode.FileType.SymbolicLink ? 'other' : t & vscode.FileType.Directory ? 'directory' : t & vscode.FileType.File ? 'file' : 'other');

export const vscodeWorkspaceFs: WorkspaceFs = {
  readFile: async (uri) => vscode.workspace.fs.readFile(vscode.Uri.parse(uri)),
  async stat(uri) {
    const s = await vscode.workspace.fs.stat(vscode.Uri.parse(uri));
    return { type: typeOf(s.type), size: s.size, mtime: s.mtime };
  },
  readDirectory: async (uri) => (await vscode.workspace.fs.readDirectory(vscode.Uri.parse(uri))).map(([name, type]) => [name, typeOf(type)] as [string, EntryType]),
};
