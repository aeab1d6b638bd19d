/** tsconfig / jsconfig `extends` chains in import resolution, on fixture workspaces written to a temp folder and indexed with the real syntax service. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildIndex, forgetFile, indexFile, ProjectIndex, type ProjectIndex as Index } from '../../../../src/core/index';
import { nodeWorkspaceFs } from '../../../../src/cli/workspaceFs';
import { syntax } from './helpers';

const sources = {
  'src/app.ts': "export const app = 1;\n",
  'src/lib/math.ts': 'export function add(a: number, b: number): number { return a + b; }\n',
  'src/one/m.ts': 'export const one = 1;\n',
  'src/two/m.ts': 'export const two = 2;\n',
};

function workspace(t: TestContext, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-extends-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, text] of Object.entries({ ...sources, ...files })) write(dir, path, text);
  return dir;
}

function write(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

async function build(dir: string): Promise<{ index: Index; logged: string[] }> {
  const logged: string[] = [];
  const { index } = await buildIndex(nodeWorkspaceFs, dir, syntax, { log: (_level, message) => logged.push(message) });
  return { index, logged };
}

test('relative extends (no .json written, JSONC): paths only in the base are relative to the base folder; a nested config inherits the chain', async (t) => {
  const dir = workspace(t, {
    'tsconfig.json': '{ // the app\n "extends": "./configs/base", }\n',
    'configs/base.json': '{ "compilerOptions": { /* no baseUrl */ "paths": { "@lib/*": ["../src/lib/*",], }, }, }',
    'packages/web/tsconfig.json': '{ "extends": "../../tsconfig.json" }',
    'packages/web/main.ts': 'export const web = 1;\n',
    // baseUrl from a base, paths from the config itself: substitutions are relative to that baseUrl (as tsc does).
    'packages/api/tsconfig.json': '{ "extends": "./tsconfig.base.json", "compilerOptions": { "paths": { "~/*": ["lib/*"] } } }',
    'packages/api/tsconfig.base.json': '{ "compilerOptions": { "baseUrl": "../../src" } }',
    'packages/api/main.ts': 'export const api = 1;\n',
  });
  const { index, logged } = await build(dir);
  const math = join(dir, 'src/lib/math.ts');
  assert.equal(index.resolveImport(join(dir, 'src/app.ts'), '@lib/math'), math);
  assert.equal(index.resolveImport(join(dir, 'packages/web/main.ts'), '@lib/math'), math, 'two levels of extends');
  assert.equal(index.resolveImport(join(dir, 'packages/api/main.ts'), '~/math'), math);
  assert.equal(index.resolveImport(join(dir, 'packages/api/main.ts'), 'one/m'), join(dir, 'src/one/m.ts'), 'the inherited baseUrl resolves bare specifiers');
  assert.deepEqual(logged, []);
});

test('extends from node_modules packages: a file in the package, the package.json tsconfig field, the package tsconfig.json, from a folder above', async (t) => {
  const dir = workspace(t, {
    // The package's baseUrl is relative to the package folder, as in tsc.
    'node_modules/@acme/tsconfig/strict.json': '{ "compilerOptions": { "baseUrl": "../../../src/one" } }',
    'node_modules/@acme/fielded/package.json': '{ "name": "@acme/fielded", "tsconfig": "./configs/paths.json" }',
    'node_modules/@acme/fielded/configs/paths.json': '{ "compilerOptions": { "paths": { "@f/*": ["../../../../src/two/*"] } } }',
    'node_modules/plain-config/tsconfig.json': '{ "compilerOptions": { "paths": { "@p/*": ["../../src/lib/*"] } } }',
    'a/tsconfig.json': '{ "extends": "@acme/tsconfig/strict.json" }',
    'a/main.ts': 'export const a = 1;\n',
    'b/tsconfig.json': '{ "extends": "@acme/fielded" }',
    'b/main.ts': 'export const b = 1;\n',
    'c/jsconfig.json': '{ "extends": "plain-config" }',
    'c/main.js': 'exports.c = 1;\n',
  });
  const { index, logged } = await build(dir);
  assert.equal(index.resolveImport(join(dir, 'a/main.ts'), 'm'), join(dir, 'src/one/m.ts'), '@acme/tsconfig/strict.json');
  assert.equal(index.resolveImport(join(dir, 'b/main.ts'), '@f/m'), join(dir, 'src/two/m.ts'), 'package.json "tsconfig"');
  assert.equal(index.resolveImport(join(dir, 'c/main.js'), '@p/math'), join(dir, 'src/lib/math.ts'), "the package's tsconfig.json");
  assert.ok(index.file(join(dir, 'src/app.ts')) && !index.fileUris().some((u) => u.includes('node_modules')), 'node_modules itself is not indexed');
  assert.deepEqual(logged, []);
});

test('an array of bases: later ones override earlier, option by option; the config itself overrides them all', async (t) => {
  const dir = workspace(t, {
    'tsconfig.json': '{ "extends": ["./first.json", "./second.json"] }',
    'first.json': '{ "compilerOptions": { "baseUrl": "./src", "paths": { "@x/*": ["one/*"] } } }',
    'second.json': '{ "compilerOptions": { "paths": { "@x/*": ["two/*"] } } }',
    'own/tsconfig.json': '{ "extends": ["../first.json", "../second.json"], "compilerOptions": { "paths": { "@x/*": ["../src/one/*"] } } }',
    'own/main.ts': 'export const own = 1;\n',
  });
  const { index } = await build(dir);
  // second.json's paths, first.json's baseUrl (the substitutions are relative to it).
  assert.equal(index.resolveImport(join(dir, 'src/app.ts'), '@x/m'), join(dir, 'src/two/m.ts'));
  assert.equal(index.resolveImport(join(dir, 'src/app.ts'), 'lib/math'), join(dir, 'src/lib/math.ts'));
  assert.equal(index.resolveImport(join(dir, 'own/main.ts'), '@x/m'), join(dir, 'src/one/m.ts'), "own paths, relative to the inherited baseUrl");
});

test('a cycle of extends (and a config extending itself) ends, is logged, and keeps what the chain sets; a chain deeper than the bound stops', async (t) => {
  const dir = workspace(t, {
    'tsconfig.json': '{ "extends": "./a.json" }',
    'a.json': '{ "extends": "./b.json", "compilerOptions": { "baseUrl": "src" } }',
    'b.json': '{ "extends": "./a.json", "compilerOptions": { "paths": { "@x/*": ["two/*"] } } }',
    'self/tsconfig.json': '{ "extends": "./tsconfig.json", "compilerOptions": { "paths": { "@s/*": ["../src/one/*"] } } }',
    'self/main.ts': 'export const s = 1;\n',
    // 20 levels: the bound stops the chain before the paths at its end.
    'deep/tsconfig.json': '{ "extends": "./d0.json" }',
    'deep/main.ts': 'export const d = 1;\n',
    ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`deep/d${i}.json`, i < 19 ? `{ "extends": "./d${i + 1}.json" }` : '{ "compilerOptions": { "paths": { "@d/*": ["../src/one/*"] } } }'])),
  });
  const { index, logged } = await build(dir);
  assert.equal(index.resolveImport(join(dir, 'deep/main.ts'), '@d/m'), undefined);
  assert.equal(logged.filter((l) => /more than 16 levels/.test(l)).length, 1, logged.join('\n'));
  assert.equal(index.resolveImport(join(dir, 'src/app.ts'), '@x/m'), join(dir, 'src/two/m.ts'));
  assert.equal(index.resolveImport(join(dir, 'self/main.ts'), '@s/m'), join(dir, 'src/one/m.ts'));
  assert.equal(logged.filter((l) => /circular/.test(l)).length, 2, logged.join('\n'));
  assert.ok(logged.every((l) => /^API index: .* extends ".*": .*; ignored$/.test(l)), logged.join('\n'));
});

test('a missing or invalid base is ignored with one log line; the other bases still apply', async (t) => {
  const dir = workspace(t, {
    'tsconfig.json': '{ "extends": ["./missing", "@nobody/none", "./broken.json", "./real.json"] }',
    'broken.json': '{ "compilerOptions": ',
    'real.json': '{ "compilerOptions": { "paths": { "@r/*": ["src/two/*"] } } }',
  });
  const { index, logged } = await build(dir);
  assert.equal(index.resolveImport(join(dir, 'src/app.ts'), '@r/m'), join(dir, 'src/two/m.ts'));
  assert.deepEqual(
    logged.map((l) => l.replace(join(dir, 'tsconfig.json'), 'tsconfig.json')),
    ['API index: tsconfig.json extends "./missing": not found; ignored', 'API index: tsconfig.json extends "@nobody/none": not found; ignored', 'API index: tsconfig.json extends "./broken.json": not valid JSON; ignored'],
  );
});

test('incremental: editing, creating and deleting a base config re-resolves the configs extending it, equal to a full rebuild', async (t) => {
  const dir = workspace(t, {
    'tsconfig.json': '{ "extends": ["./configs/base.json", "./configs/later.json"] }',
    'configs/base.json': '{ "compilerOptions": { "paths": { "@x/*": ["../src/one/*"] } } }',
    'packages/web/tsconfig.json': '{ "extends": "../../tsconfig.json" }',
    'packages/web/main.ts': 'export const web = 1;\n',
  });
  const { index } = await build(dir);
  const app = join(dir, 'src/app.ts');
  const web = join(dir, 'packages/web/main.ts');
  const base = join(dir, 'configs/base.json');
  const later = join(dir, 'configs/later.json');
  assert.equal(index.resolveImport(app, '@x/m'), join(dir, 'src/one/m.ts'));
  const same = async () => assert.equal(index.serialize(), (await build(dir)).index.serialize());

  write(dir, 'configs/base.json', '{ "compilerOptions": { "paths": { "@x/*": ["../src/two/*"] } } }');
  await indexFile(index, nodeWorkspaceFs, syntax, { uri: base });
  assert.equal(index.resolveImport(app, '@x/m'), join(dir, 'src/two/m.ts'), 'edited base');
  assert.equal(index.resolveImport(web, '@x/m'), join(dir, 'src/two/m.ts'), 'edited base, two levels down');
  await same();

  write(dir, 'configs/later.json', '{ "compilerOptions": { "paths": { "@x/*": ["../src/lib/*"], "@y/*": ["../src/one/*"] } } }');
  await indexFile(index, nodeWorkspaceFs, syntax, { uri: later });
  assert.equal(index.resolveImport(app, '@y/m'), join(dir, 'src/one/m.ts'), 'a base that was missing is created');
  assert.equal(index.resolveImport(app, '@x/m'), undefined, 'the later base overrides paths as a whole');
  await same();

  unlinkSync(later);
  await forgetFile(index, nodeWorkspaceFs, later);
  assert.equal(index.resolveImport(app, '@x/m'), join(dir, 'src/two/m.ts'), 'deleted base');
  await same();

  rmSync(join(dir, 'configs'), { recursive: true });
  await forgetFile(index, nodeWorkspaceFs, join(dir, 'configs'));
  assert.equal(index.resolveImport(web, '@x/m'), undefined, 'deleted folder of bases');
  await same();

  const storedBefore = index.serialize();
  unlinkSync(join(dir, 'packages/web/tsconfig.json'));
  await forgetFile(index, nodeWorkspaceFs, join(dir, 'packages/web/tsconfig.json'));
  assert.deepEqual(index.configUris(), [join(dir, 'tsconfig.json')], 'a deleted config leaves the index');
  await same();
  const stored = ProjectIndex.deserialize(storedBefore, dir) as Index;
  const { index: updated } = await buildIndex(nodeWorkspaceFs, dir, syntax, { previous: stored });
  assert.deepEqual(updated.configUris(), [join(dir, 'tsconfig.json')], 'a config deleted while the editor was closed leaves the stored index');

  const reloaded = ProjectIndex.deserialize(index.serialize(), dir);
  assert.ok(reloaded instanceof ProjectIndex);
  assert.deepEqual(reloaded.configsExtending(base), [join(dir, 'tsconfig.json')], 'the chain is stored');
});
