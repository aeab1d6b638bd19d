/**
 * `eval api --checker`: the TypeScript checker keeps only true local API calls. A call whose
 * member name the repository defines but whose receiver is a node_modules or lib type is dropped,
 * an untyped receiver is unresolved, a local call keeps its true target, and the resolver's
 * agreement with the checker is counted over the verified cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { evaluateApi } from '../../../../src/tools/eval/apiEval';
import { SyntaxService } from '../../../../src/core/syntax';
import { nodeWorkspaceFs } from '../../../../src/cli/workspaceFs';

const files: Record<string, string> = {
  'src/store.ts': 'export class Store {\n  restore(): number {\n    return 1;\n  }\n  mkdir(path: string): void {}\n  map(): void {}\n  formatToParts(): string[] {\n    return [];\n  }\n}\n',
  'src/cache.ts': 'export class Cache {\n  restore(): number {\n    return 2;\n  }\n}\n',
  'src/app.ts': [
    "import { Store } from './store';",
    "import type { Dir } from 'fsx';",
    '',
    'const stores: Store[] = [new Store()];',
    'function pick() {',
    '  return stores[0]!;',
    '}',
    '',
    'export function run(store: Store, dir: Dir, fmt: Intl.DateTimeFormat): void {',
    '  store.restore();',
    "  dir.mkdir('out');",
    '  fmt.formatToParts(new Date());',
    '  const cache = pick();',
    '  cache.restore();',
    '  store.map();',
    '}',
    '',
  ].join('\n'),
  'src/saver.ts': 'export interface Saver {\n  save(): void;\n}\n\nexport class FileSaver implements Saver {\n  save(): void {}\n}\n',
  'src/job.ts': [
    "import { FileSaver, type Saver } from './saver';",
    '',
    'export class Job {',
    '  private saver: Saver;',
    '  constructor() {',
    '    this.saver = new FileSaver();',
    '  }',
    '  finish(): void {',
    '    this.saver.save();',
    '  }',
    '}',
    '',
  ].join('\n'),
  'src/util.js': 'export function go(x) {\n  return x.restore();\n}\n',
  // A package outside the repository whose type happens to have a member named like a local one.
  'node_modules/fsx/package.json': '{ "name": "fsx", "version": "1.0.0", "types": "index.d.ts" }\n',
  'node_modules/fsx/index.d.ts': 'export interface Dir {\n  mkdir(path: string): void;\n}\n',
};

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-checker-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

type Seen = { call: string; trueTarget?: string; agrees?: boolean };

async function run(root: string, checker: boolean): Promise<{ seen: Seen[]; report: Awaited<ReturnType<typeof evaluateApi>> }> {
  const syntax = new SyntaxService();
  try {
    const seen: Seen[] = [];
    const report = await evaluateApi(nodeWorkspaceFs, root, syntax, {
      convLimit: 1,
      checker,
      onCase: (c) => void seen.push({ call: `${c.uri.slice(root.length + 1)}:${c.line} ${c.receiver}.${c.member}`, ...(c.trueTarget ? { trueTarget: c.trueTarget, agrees: c.agrees } : {}) }),
    });
    return { seen: seen.sort((a, b) => (a.call < b.call ? -1 : 1)), report };
  } finally {
    syntax.dispose();
  }
}

test('eval api --checker drops calls on node_modules and lib types and untyped receivers, keeps local calls with their true target', async (t) => {
  const root = workspace();
  t.after(() => rmSync(root, { recursive: true, force: true }));

  // By member name alone, all five calls are cases: every member name is defined in src/store.ts or src/cache.ts.
  const byName = await run(root, false);
  assert.deepEqual(byName.seen.map((s) => s.call), ['src/app.ts:10 store.restore', 'src/app.ts:11 dir.mkdir', 'src/app.ts:12 fmt.formatToParts', 'src/app.ts:14 cache.restore', 'src/job.ts:9 this.saver.save', 'src/util.js:2 x.restore']);
  assert.equal(byName.report.checker, undefined);

  const checked = await run(root, true);
  assert.deepEqual(checked.seen, [
    { call: 'src/app.ts:10 store.restore', trueTarget: 'class Store (src/store.ts)', agrees: true },
    // `pick()` returns a Store (the checker infers it); the resolver guesses Cache from the name `cache`.
    { call: 'src/app.ts:14 cache.restore', trueTarget: 'class Store (src/store.ts)', agrees: false },
    // The field is typed by the interface; the resolver takes the class assigned to it, which implements it.
    { call: 'src/job.ts:9 this.saver.save', trueTarget: 'interface Saver (src/saver.ts)', agrees: true },
  ]);
  assert.equal(checked.report.cases, 3);
  const { verified, rejected, unresolved, sameFile, unchecked, scoredVerified, missedByName } = checked.report.checker!;
  assert.deepEqual({ verified, rejected, unresolved, sameFile, unchecked, scoredVerified }, { verified: 3, rejected: 2, unresolved: 1, sameFile: 0, unchecked: 0, scoredVerified: 3 });
  // `store.map()` is a true local call, left out by name (`map` is a built-in method name) and counted as such.
  assert.deepEqual(missedByName, { builtinName: 1, outsideReceiver: 0, notIndexed: 0 });
  assert.equal(checked.report.resolverAgreement, 2 / 3);
});
