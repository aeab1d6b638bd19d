/** Workspace packages (issue 14): bare imports of a package in the workspace — a monorepo sibling or the package itself — resolve to its files through package.json `exports`, `main` / `types`, and a build path's `src/` source. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureWorkspace, indexOf, labels, membersAt, syntax } from './helpers';
import { indexFile, ProjectIndex } from '../../../../src/core/index';
import { nodeWorkspaceFs } from '../../../../src/cli/workspaceFs';

const monorepo = {
  'packages/utils/package.json': JSON.stringify({ name: '@acme/utils', main: 'dist/index.js' }),
  'packages/utils/src/index.ts': "export * from './strings';\n",
  'packages/utils/src/strings.ts': 'export function slugify(text: string): string {\n  return text;\n}\n',
  'packages/schema/package.json': JSON.stringify({
    name: 'schema',
    exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './v3': { import: { types: './dist/v3/index.d.ts', default: './dist/v3/index.js' } }, './*': './dist/*.js' },
  }),
  'packages/schema/src/index.ts': 'export function object(shape: unknown) {\n  return shape;\n}\n',
  'packages/schema/src/v3/index.ts': 'export function string() {\n  return "";\n}\nexport function number() {\n  return 0;\n}\n',
  'packages/schema/src/extra.ts': 'export const extra = 1;\n',
  // The package importing itself by name (as zod's own files import "zod/v3").
  'packages/schema/src/self.ts': 'import * as z from "schema/v3";\n\nexport const s = z.string();\n',
  'packages/app/package.json': '{ "name": "app", "private": true ',
  'packages/app/src/main.ts': "import { slugify } from '@acme/utils';\nimport * as s3 from 'schema/v3';\n\nslugify('x');\n",
};

test('a bare import of a workspace package resolves through exports (conditions, subpaths, patterns), main, and src/ for a build path', async (t) => {
  const root = fixtureWorkspace(t, monorepo);
  const index = await indexOf(root);
  const main = join(root, 'packages/app/src/main.ts');
  const at = (p: string) => join(root, p);
  assert.equal(index.resolveImport(main, '@acme/utils'), at('packages/utils/src/index.ts'), 'main: dist/index.js → src/index.ts');
  assert.equal(index.resolveImport(main, '@acme/utils/src/strings'), at('packages/utils/src/strings.ts'), 'a subpath without exports: the file under the package');
  assert.equal(index.resolveImport(main, 'schema'), at('packages/schema/src/index.ts'));
  assert.equal(index.resolveImport(main, 'schema/v3'), at('packages/schema/src/v3/index.ts'), 'nested conditions');
  assert.equal(index.resolveImport(main, 'schema/extra'), at('packages/schema/src/extra.ts'), 'a ./* pattern');
  assert.equal(index.resolveImport(main, 'schema/missing'), undefined);
  assert.equal(index.resolveImport(main, 'schemas'), undefined, 'a longer name is another package');
  assert.equal(index.resolveImport(main, 'react'), undefined);
  // An unparsable package.json is no package; the others still work.
  assert.equal(index.packageFor('app'), undefined);
  // Member completion through the import: the package itself, `z.` in its own file.
  const self = await membersAt(index, at('packages/schema/src/self.ts'), 'import * as z from "schema/v3";\n\nexport const s = z.');
  assert.equal(self?.resolvedBy, 'import');
  assert.deepEqual(labels(self).sort(), ['number', 'string']);
  // The stored index keeps the packages.
  const again = ProjectIndex.deserialize(index.serialize(), index.root);
  assert.ok(again instanceof ProjectIndex);
  assert.equal(again.resolveImport(main, 'schema/v3'), at('packages/schema/src/v3/index.ts'));
  assert.equal(typeof (ProjectIndex.deserialize(index.serialize().replace('"name":"schema"', '"name":7'), index.root) as { rejected?: string }).rejected, 'string', 'a damaged package record is rejected');
});

test('editing, creating and deleting a package.json updates resolution as a full rebuild would', async (t) => {
  const root = fixtureWorkspace(t, monorepo);
  const index = await indexOf(root);
  const main = join(root, 'packages/app/src/main.ts');
  const pkg = join(root, 'packages/utils/package.json');
  writeFileSync(pkg, JSON.stringify({ name: '@acme/text', main: 'dist/index.js' }));
  await indexFile(index, nodeWorkspaceFs, syntax, { uri: pkg });
  assert.equal(index.resolveImport(main, '@acme/utils'), undefined, 'renamed');
  assert.equal(index.resolveImport(main, '@acme/text'), join(root, 'packages/utils/src/index.ts'));
  rmSync(pkg);
  await indexFile(index, nodeWorkspaceFs, syntax, { uri: pkg });
  assert.equal(index.resolveImport(main, '@acme/text'), undefined, 'deleted');
  const rebuilt = await indexOf(root);
  assert.deepEqual(rebuilt.packageUris().sort(), index.packageUris().sort());
});

test('exports: a source named by a custom condition comes before the declarations; ./x.cjs in a declaration file names x.d.cts', async (t) => {
  const root = fixtureWorkspace(t, {
    'package.json': JSON.stringify({ name: 'kit', exports: { '.': { types: './index.d.cts', '@kit/source': './src/index.ts', import: './index.js' } } }),
    'index.d.cts': 'export * from "./external.cjs";\n',
    'external.d.cts': 'export declare function fromDeclarations(): void;\n',
    'src/index.ts': 'export function fromSource() {}\n',
    'src/use.ts': 'import * as kit from "kit";\n',
  });
  const index = await indexOf(root);
  assert.equal(index.resolveImport(join(root, 'src/use.ts'), 'kit'), join(root, 'src/index.ts'));
  assert.equal(index.resolveImport(join(root, 'index.d.cts'), './external.cjs'), join(root, 'external.d.cts'));
});
