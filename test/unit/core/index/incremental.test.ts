/** The index after incremental updates (change, create, delete) equals a full rebuild; persistence is versioned and validated. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync, unlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIndex, indexFile, ProjectIndex, indexVersion } from '../../../../src/core/index';
import { nodeWorkspaceFs } from '../../../../src/cli/workspaceFs';
import { syntax, pyRoot, tsRoot } from './helpers';

function copy(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-api-'));
  cpSync(from, dir, { recursive: true });
  return dir;
}

test('incremental updates equal a full rebuild (TypeScript and Python, change / create / delete)', async (t) => {
  for (const fixture of [tsRoot, pyRoot]) {
    const dir = copy(fixture);
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const { index } = await buildIndex(nodeWorkspaceFs, dir, syntax);
    const ts = fixture === tsRoot;
    const changed = join(dir, ts ? 'src/lib/math.ts' : 'pkg/core.py');
    const created = join(dir, ts ? 'src/lib/extra.ts' : 'pkg/extra.py');
    const deleted = join(dir, ts ? 'src/cjs/util.js' : 'pkg/sub/tools.py');
    writeFileSync(changed, ts ? 'export function sub(a: number, b: number): number { return a - b; }\n' : 'def sub(a, b):\n    """Subtract."""\n    return a - b\n');
    writeFileSync(created, ts ? "export * from './math';\nexport const two = 2;\n" : 'from .core import sub\n');
    unlinkSync(deleted);
    for (const uri of [changed, created]) await indexFile(index, nodeWorkspaceFs, syntax, { uri });
    index.removeFile(deleted);
    const full = (await buildIndex(nodeWorkspaceFs, dir, syntax)).index;
    // mtimes come from the file system in both; the serialized forms are identical.
    assert.equal(index.serialize(), full.serialize());
    assert.deepEqual(index.stats(), full.stats());
    assert.deepEqual([...index.exportsOf(created).keys()].sort(), [...full.exportsOf(created).keys()].sort());
    assert.ok(index.symbolsNamed('sub').length === 1 && index.symbolsNamed(ts ? 'Vector' : 'Engine').length === 0);
  }
});

test('a stored index reloads equal; only changed files are re-read; old, foreign or damaged ones are rejected', async (t) => {
  const dir = copy(pyRoot);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await buildIndex(nodeWorkspaceFs, dir, syntax);
  const text = first.index.serialize();
  const loaded = ProjectIndex.deserialize(text, dir);
  assert.ok(loaded instanceof ProjectIndex);
  assert.equal(loaded.serialize(), text);
  const core = join(dir, 'pkg/core.py');
  writeFileSync(core, 'def only():\n    pass\n');
  utimesSync(core, new Date(), new Date(Date.now() + 5000));
  const again = await buildIndex(nodeWorkspaceFs, dir, syntax, { previous: loaded });
  assert.equal(again.parsed, 1, 'only the changed file is parsed');
  assert.equal(again.index.serialize(), (await buildIndex(nodeWorkspaceFs, dir, syntax)).index.serialize());
  const data = JSON.parse(text);
  assert.match((ProjectIndex.deserialize(JSON.stringify({ ...data, version: indexVersion - 1 }), dir) as { rejected: string }).rejected, /version/);
  assert.match((ProjectIndex.deserialize(text, '/elsewhere') as { rejected: string }).rejected, /another folder/);
  assert.match((ProjectIndex.deserialize(text.slice(0, text.length / 2), dir) as { rejected: string }).rejected, /JSON/);
  data.files.find((f: { symbols: unknown[] }) => f.symbols.length).symbols[0].line = 'x';
  assert.match((ProjectIndex.deserialize(JSON.stringify(data), dir) as { rejected: string }).rejected, /damaged/);
});

test('the scan skips node_modules, virtualenvs, build output, .gitignore matches, binaries and huge files', async (t) => {
  const dir = copy(pyRoot);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const sub of ['node_modules/x', '.venv/lib', 'build', 'generated']) cpSync(join(pyRoot, 'pkg/core.py'), join(dir, sub, 'm.py'), { recursive: true });
  writeFileSync(join(dir, '.gitignore'), 'generated/\n');
  writeFileSync(join(dir, 'blob.py'), Buffer.from([0x64, 0x65, 0x66, 0, 1, 2, 0, 0]));
  writeFileSync(join(dir, 'huge.py'), 'x = 1\n'.repeat(1_000));
  const { index, skippedBinary, skippedLarge } = await buildIndex(nodeWorkspaceFs, dir, syntax, { maxFileBytes: 4_000 });
  const files = index.fileUris().map((u) => u.slice(dir.length + 1)).sort();
  assert.deepEqual(files, ['app.py', 'pkg/__init__.py', 'pkg/core.py', 'pkg/sub/__init__.py', 'pkg/sub/tools.py']);
  assert.equal(skippedBinary, 1);
  assert.equal(skippedLarge, 1);
});

test('cancellation stops a build', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(buildIndex(nodeWorkspaceFs, tsRoot, syntax, { signal: controller.signal }), /cancel|abort/i);
});
