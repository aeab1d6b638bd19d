import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  buildImportGraph,
  checkArchitecture,
  formatViolations,
  matchesPath,
  packageName,
  type ArchitectureRules,
  type ImportEdge,
  type Violation,
} from './helpers/architecture';

const root = join(__dirname, '../..');
const fixtures = join(root, 'test/fixtures/architecture');

/** The rules the real tree is meant to follow; every fixture is checked against all of them. */
const rules: ArchitectureRules = {
  noTransitiveImport: { from: 'src/core', package: 'vscode' },
  noDynamicImportOf: ['onnxruntime-node', 'tiktoken', 'vscode'],
  exactlyOneImporter: [
    { package: 'onnxruntime-node', importer: 'src/core/inference/onnx/session.ts' },
    { package: 'tiktoken', importer: 'src/core/tokenize/tiktoken.ts' },
  ],
  layers: {
    root: 'src/core',
    order: [['base'], ['tokenize', 'syntax', 'workspace'], ['model'], ['inference'], ['completion', 'entropy']],
  },
  forbiddenImports: [
    { from: 'src/core', to: 'src/editor' },
    { from: 'src/core', to: 'src/worker' },
    { from: 'src/core', to: 'src/cli' },
    { from: 'src/core', to: 'src/tools' },
    { from: 'src/worker', to: 'src/editor' },
  ],
  noUnresolvedImports: true,
};

function check(fixture: string, overrides: Partial<ArchitectureRules> = {}): Violation[] {
  return checkArchitecture(buildImportGraph(join(fixtures, fixture), ['src']), { ...rules, ...overrides });
}

/** Asserts the violations are exactly these (rule, file) pairs, in any order. */
function expectViolations(violations: Violation[], expected: Array<[Violation['rule'], string]>): void {
  const key = ([rule, file]: [string, string]) => `${rule} ${file}`;
  assert.deepEqual(
    violations.map((v) => key([v.rule, v.file])).sort(),
    expected.map(key).sort(),
    `violations:\n${formatViolations(violations)}`,
  );
  for (const v of violations) {
    assert.ok(v.message.includes(v.file) && v.message.includes(v.rule) && v.detail.length > 0, v.message);
  }
}

test('clean tree: no violation of any rule', () => {
  expectViolations(check('clean'), []);
  // The same with type-only edges ignored, and with same-layer imports allowed.
  const relaxed = { includeTypeOnly: false };
  expectViolations(
    check('clean', {
      noTransitiveImport: { from: 'src/core', package: 'vscode', ...relaxed },
      layers: { ...(rules.layers as object), allowSameLayer: true, ...relaxed } as ArchitectureRules['layers'],
    }),
    [],
  );
});

test('noTransitiveImport: core reaches vscode through two files outside core; the chain is reported once', () => {
  const violations = check('transitive-vscode');
  expectViolations(violations, [['noTransitiveImport', 'src/core/model/model.ts']]);
  assert.deepEqual(violations[0]!.chain, ['src/core/model/model.ts', 'src/shared/format.ts', 'src/shared/host.ts', 'vscode']);
  assert.equal(violations[0]!.line, 1);
  assert.match(violations[0]!.detail, /src\/core\/model\/model\.ts → src\/shared\/format\.ts → src\/shared\/host\.ts → vscode/);
});

test('noTransitiveImport: a direct import, a type-only import, and a leak via a file outside the checked dirs', () => {
  const direct = check('clean', { noTransitiveImport: { from: 'src/editor', package: 'vscode' } });
  expectViolations(direct, [['noTransitiveImport', 'src/editor/extension.ts']]);
  assert.deepEqual(direct[0]!.chain, ['src/editor/extension.ts', 'vscode']);

  // Only the files of src/core are checked; src/shared is parsed because core reaches it, and the chain sees through it.
  const graph = buildImportGraph(join(fixtures, 'transitive-vscode'), ['src/core']);
  assert.deepEqual(graph.reached, ['src/shared/format.ts', 'src/shared/host.ts']);
  expectViolations(checkArchitecture(graph, { noTransitiveImport: rules.noTransitiveImport! }), [['noTransitiveImport', 'src/core/model/model.ts']]);
  // Without following, the leak is invisible: that is what followLocalImports is for.
  const shallow = buildImportGraph(join(fixtures, 'transitive-vscode'), ['src/core'], { followLocalImports: false });
  expectViolations(checkArchitecture(shallow, { noTransitiveImport: rules.noTransitiveImport! }), []);

  // `type Api = typeof import('vscode')` counts by default, and not with includeTypeOnly: false.
  const kinds = buildImportGraph(join(fixtures, 'graph'), ['src']);
  expectViolations(checkArchitecture(kinds, { noTransitiveImport: { from: 'src', package: 'vscode' } }), [['noTransitiveImport', 'src/kinds.ts']]);
  expectViolations(checkArchitecture(kinds, { noTransitiveImport: { from: 'src', package: 'vscode', includeTypeOnly: false } }), []);
});

test('noDynamicImportOf: import() of onnxruntime-node, even in its one wrapper', () => {
  const violations = check('dynamic-onnx');
  expectViolations(violations, [['noDynamicImportOf', 'src/core/inference/onnx/session.ts']]);
  assert.equal(violations[0]!.line, 2);
  assert.match(violations[0]!.detail, /import\(\) of 'onnxruntime-node'/);
});

test('noDynamicImportOf: import()/require() with a non-literal argument, anywhere in the checked dirs', () => {
  expectViolations(check('dynamic-non-literal'), [
    ['noDynamicImportOf', 'src/core/inference/backends.ts'],
    ['noDynamicImportOf', 'src/cli/plugins.ts'],
  ]);
  expectViolations(check('dynamic-non-literal', { allowNonLiteralImportIn: ['src/cli'] }), [['noDynamicImportOf', 'src/core/inference/backends.ts']]);
});

test('require(tiktoken) in a second file: a dynamic import and a second importer', () => {
  const violations = check('second-tiktoken');
  expectViolations(violations, [
    ['noDynamicImportOf', 'src/core/tokenize/count.ts'],
    ['exactlyOneImporter', 'src/core/tokenize/count.ts'],
  ]);
  assert.ok(violations.every((v) => v.line === 2));
  // Without a named importer, both importers are reported.
  expectViolations(check('second-tiktoken', { noDynamicImportOf: [], exactlyOneImporter: [{ package: 'tiktoken' }] }), [
    ['exactlyOneImporter', 'src/core/tokenize/count.ts'],
    ['exactlyOneImporter', 'src/core/tokenize/tiktoken.ts'],
  ]);
});

test('exactlyOneImporter: zero importers is a violation', () => {
  expectViolations(check('zero-importers'), [['exactlyOneImporter', 'src/core/tokenize/tiktoken.ts']]);
  const unnamed = check('zero-importers', { exactlyOneImporter: [{ package: 'tiktoken' }] });
  expectViolations(unnamed, [['exactlyOneImporter', '']]);
  assert.match(unnamed[0]!.detail, /no checked file imports it/);
  // The importer named is not the one that imports it.
  expectViolations(check('clean', { exactlyOneImporter: [{ package: 'tiktoken', importer: 'src/core/tokenize/index.ts' }] }), [
    ['exactlyOneImporter', 'src/core/tokenize/index.ts'],
    ['exactlyOneImporter', 'src/core/tokenize/tiktoken.ts'],
  ]);
});

test('layers: an upward import across layers', () => {
  const violations = check('upward-layer');
  expectViolations(violations, [['layers', 'src/core/model/model.ts']]);
  assert.equal(violations[0]!.line, 2);
  assert.match(violations[0]!.detail, /'model' may not import 'completion'/);
});

test('layers: an import within one layer only with allowSameLayer', () => {
  expectViolations(check('same-layer'), [['layers', 'src/core/tokenize/spans.ts']]);
  expectViolations(check('same-layer', { layers: { ...(rules.layers as object), allowSameLayer: true } as ArchitectureRules['layers'] }), []);
});

test('layers: an undeclared core folder, and a file directly in core', () => {
  const violations = check('undeclared-folder');
  expectViolations(violations, [
    ['layers', 'src/core/misc'],
    ['layers', 'src/core/version.ts'],
  ]);
  assert.match(violations.find((v) => v.file === 'src/core/misc')!.detail, /undeclared core folder 'misc'/);
  // Loose files may be assigned to a folder's layer.
  expectViolations(check('undeclared-folder', { layers: { ...(rules.layers as object), rootFilesFolder: 'base' } as ArchitectureRules['layers'] }), [
    ['layers', 'src/core/misc'],
  ]);
});

test('forbiddenImports: core imports editor; worker imports editor (type-only)', () => {
  expectViolations(check('core-imports-editor'), [
    ['forbiddenImports', 'src/core/completion/ui.ts'],
    ['forbiddenImports', 'src/worker/main.ts'],
  ]);
  const forbiddenImports = rules.forbiddenImports!.map((r) => ({ ...r, includeTypeOnly: false }));
  expectViolations(check('core-imports-editor', { forbiddenImports }), [['forbiddenImports', 'src/core/completion/ui.ts']]);
  // `to` may name a package.
  expectViolations(check('clean', { forbiddenImports: [{ from: 'src/core', to: 'node:fs' }] }), [['forbiddenImports', 'src/core/workspace/files.ts']]);
});

test('a rule pattern that matches no file is a violation (stale path), unless allowed', () => {
  const stale: Partial<ArchitectureRules> = {
    noTransitiveImport: { from: 'src/kernel', package: 'vscode' },
    forbiddenImports: [{ from: 'src/gone', to: 'src/editor' }],
    layers: { root: 'src/nucleus', order: [['base']] },
  };
  expectViolations(check('clean', stale), [
    ['noTransitiveImport', 'src/kernel'],
    ['forbiddenImports', 'src/gone'],
    ['layers', 'src/nucleus'],
  ]);
  expectViolations(check('clean', { ...stale, allowUnmatchedPatterns: true }), []);
  assert.throws(() => buildImportGraph(join(fixtures, 'clean'), ['src/nope']), /does not exist/);
});

test('buildImportGraph: every kind of module reference, resolved or named by package', () => {
  const graph = buildImportGraph(join(fixtures, 'graph'), ['src']);
  assert.deepEqual(graph.files, [
    'src/kinds.ts',
    'src/local/dir/index.ts',
    'src/local/esm.ts',
    'src/local/jsx.tsx',
    'src/local/mixed.ts',
    'src/local/plain.ts',
    'src/local/side.ts',
    'src/local/types.ts',
  ]);
  assert.deepEqual(graph.reached, ['outside/helper.ts']);
  const simple = (e: ImportEdge) =>
    [e.line, e.kind, e.syntax, e.specifier, e.resolved ?? e.package ?? (e.unresolved ? '<unresolved>' : '<unknown>'), e.dynamicUnknown].join(' ');
  assert.deepEqual(graph.edgesFrom.get('src/kinds.ts')!.map(simple), [
    '1 type-only reference node node false',
    '2 static import ./local/plain src/local/plain.ts false',
    '3 type-only import ./local/types src/local/types.ts false',
    '4 type-only import ./local/types src/local/types.ts false',
    '5 static import ./local/mixed src/local/mixed.ts false',
    '6 static import @scope/pkg/sub/deep @scope/pkg false',
    '7 static import ./local/side src/local/side.ts false',
    '8 static export-from ./local/dir src/local/dir/index.ts false',
    '9 type-only export-from ./local/jsx src/local/jsx.tsx false',
    '10 static export-from ./local/esm.js src/local/esm.ts false',
    '11 require import-equals legacy-pkg legacy-pkg false',
    '12 type-only import-equals ./local/types src/local/types.ts false',
    '13 static import ./local/data.json src/local/data.json false',
    '14 static import node:fs/promises node:fs false',
    '15 static import ./local/missing <unresolved> false',
    '17 dynamic import-call lazy-pkg/inner lazy-pkg false',
    '18 dynamic import-call name <unknown> true',
    '19 dynamic import-call tmpl-pkg tmpl-pkg false',
    '20 require require-call req-pkg req-pkg false',
    '21 require require-call name <unknown> true',
    '22 type-only import-type vscode vscode false',
    '23 type-only import-type ./local/types src/local/types.ts false',
  ]);
  assert.deepEqual(graph.edgesFrom.get('outside/helper.ts')!.map(simple), ['1 static import outside-pkg outside-pkg false']);
  // The unresolved relative import is reported by noUnresolvedImports; the non-literal ones by noDynamicImportOf.
  expectViolations(checkArchitecture(graph, { noUnresolvedImports: true, noDynamicImportOf: [] }), [
    ['noUnresolvedImports', 'src/kinds.ts'],
    ['noDynamicImportOf', 'src/kinds.ts'],
    ['noDynamicImportOf', 'src/kinds.ts'],
  ]);
});

test('packageName and matchesPath', () => {
  assert.equal(packageName('@scope/pkg/sub'), '@scope/pkg');
  assert.equal(packageName('pkg/sub/x'), 'pkg');
  assert.equal(packageName('vscode'), 'vscode');
  assert.equal(packageName('node:fs/promises'), 'node:fs');
  assert.ok(matchesPath('src/core/a.ts', 'src/core'));
  assert.ok(matchesPath('src/core/x/a.ts', 'src/core/'));
  assert.ok(!matchesPath('src/corex/a.ts', 'src/core'));
  assert.ok(matchesPath('src/a/internal/b.ts', 'src/*/internal'));
  assert.ok(!matchesPath('src/a/b/internal/b.ts', 'src/*/internal'));
  assert.ok(matchesPath('src/a/b/internal/b.ts', 'src/**/internal'));
  assert.ok(matchesPath('src/internal/b.ts', 'src/**/internal'));
});

test('buildImportGraph reads the whole real tree (src, test, webview)', () => {
  const graph = buildImportGraph(root, ['src', 'test', 'webview']);
  assert.ok(graph.files.length > 50, `${graph.files.length} files`);
  assert.ok(graph.files.some((f) => f.startsWith('webview/')) && graph.files.some((f) => f.startsWith('test/unit/')));
});
