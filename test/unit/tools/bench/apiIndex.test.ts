import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorkspace, runIndexBench } from '../../../../src/tools/bench/apiIndex';

function listing(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(root.length))
    .sort();
}

test('the generated workspace is the same for a seed and differs for another', (t) => {
  const [a, b, c] = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'tw-gen-')));
  t.after(() => [a, b, c].forEach((d) => rmSync(d!, { recursive: true, force: true })));
  generateWorkspace(a!, 30, 7);
  generateWorkspace(b!, 30, 7);
  generateWorkspace(c!, 30, 8);
  assert.deepEqual(listing(a!), listing(b!));
  const read = (root: string) => listing(root).map((f) => readFileSync(join(root, f), 'utf8')).join('\n');
  assert.equal(read(a!), read(b!));
  assert.notEqual(read(a!), read(c!));
  assert.equal(listing(a!).filter((f) => /\.(py|ts)$/.test(f) && !f.endsWith('__init__.py')).length, 30);
});

test('bench index builds the generated workspace whole, checks it unchanged and updates one edit like a rebuild', async () => {
  const r = await runIndexBench({ files: 60, seed: 3 });
  // 60 modules plus the packages' __init__.py files, all indexed (the cap leaves room for them).
  assert.ok(r.files >= 60, `files ${r.files}`);
  assert.ok(r.symbols > 60 * 5, `symbols ${r.symbols}`);
  assert.equal(r.checkReparsed, 0);
  assert.equal(r.editEqualsRebuild, true);
  assert.match(r.heldOut, /generated/);
  assert.ok(r.jsonMB > 0 && r.buildS > 0 && r.parseOnlyS > 0);
});

test('bench index refuses a folder that does not exist with one clear line', async () => {
  await assert.rejects(runIndexBench({ repo: join(tmpdir(), 'no-such-folder-tokenwise') }), /not a folder/);
});
