import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { scanSourceFiles } from '../../../../src/core/workspace/scan';
import { nodeWorkspaceFs } from '../../../../src/cli/workspaceFs';
import { tempDir } from '../../helpers/tempDir';

test('the workspace scan finds source files and skips dependencies, environments, large files and symlinks', async (t) => {
  const root = tempDir(t, 'tw-scan-');
  const put = (path: string, text: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  put('src/a.ts', 'export const a = 1;\n');
  put('src/deep/b.py', 'b = 2\n');
  put('src/readme.md', '# not source\n');
  put('node_modules/pkg/index.ts', 'export {};\n');
  put('.venv/lib/x.py', 'x = 1\n');
  put('big.ts', 'x'.repeat(2000));
  put('excluded/c.ts', 'c\n');
  symlinkSync(join(root, 'src'), join(root, 'loop'));
  const r = await scanSourceFiles(nodeWorkspaceFs, root, { include: (n) => /\.(ts|py)$/.test(n), maxFileBytes: 1000, exclude: (uri) => uri.endsWith('/excluded') });
  assert.deepEqual(r.files.map((f) => relative(root, f.uri)).sort(), ['src/a.ts', 'src/deep/b.py']);
  assert.equal(r.skippedLarge, 1);
  assert.equal(r.truncated, false);
  const capped = await scanSourceFiles(nodeWorkspaceFs, root, { include: (n) => /\.(ts|py)$/.test(n), maxFiles: 1 });
  assert.equal(capped.files.length, 1);
  assert.equal(capped.truncated, true);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(scanSourceFiles(nodeWorkspaceFs, root, { include: () => true, signal: controller.signal }), /cancelled/);
});
