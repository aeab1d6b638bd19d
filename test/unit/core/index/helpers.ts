/** Builds the API index of a fixture folder with the real syntax service and node:fs. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SyntaxService } from '../../../../src/core/syntax';
import { buildIndex, recordOf, indexLanguageOf, type ProjectIndex } from '../../../../src/core/index';
import { completeMembers, type MemberCompletion } from '../../../../src/core/index/members';
import { nodeWorkspaceFs } from '../../../../src/cli/workspaceFs';
import { fixturesDir } from '../../helpers/paths';

export const tsRoot = join(fixturesDir, 'api/ts');
export const pyRoot = join(fixturesDir, 'api/py');
export const syntax = new SyntaxService();

export async function indexOf(root: string): Promise<ProjectIndex> {
  return (await buildIndex(nodeWorkspaceFs, root, syntax)).index;
}

/** Member completion at the end of `text` as if it were the file `uri` being edited. */
export async function membersAt(index: ProjectIndex, uri: string, text: string): Promise<MemberCompletion | undefined> {
  const language = indexLanguageOf(uri)!;
  const doc = { uri, version: Math.floor(Math.random() * 1e9), text, languageId: language === 'tsx' ? 'typescriptreact' : language };
  const declarations = await syntax.declarations(doc);
  const live = recordOf({ uri, text }, language, declarations, await syntax.imports(doc));
  return index.withOverlay(live, () => completeMembers(index, { uri, text, offset: text.length, declarations }));
}

export const labels = (c: MemberCompletion | undefined) => (c?.items ?? []).map((i) => i.label);

/** A fixture workspace written to a temporary folder, removed when the test ends. */
export function fixtureWorkspace(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-index-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** The index of a workspace written from `files` into a temporary folder, removed once indexed. */
export async function indexOfFiles(files: Record<string, string>): Promise<ProjectIndex> {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-index-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return await indexOf(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
