// The workspace scan of the metrics: skip rules, .gitignore (root and nested, negation, directory
// patterns), files.exclude globs, binaries and the size limit, over an in-memory WorkspaceFs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSourceText, scanMetricsFiles, isSourceFile } from '../../../../src/core/metrics';
import { globToRegExp, filesExcludeMatcher } from '../../../../src/core/workspace/ignore';
import type { EntryType, WorkspaceFs } from '../../../../src/core/workspace/fs';

function memoryFs(files: Record<string, string | Uint8Array>): WorkspaceFs {
  const enc = new TextEncoder();
  const data = new Map(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? enc.encode(v) : v]));
  const dirs = new Set<string>();
  for (const path of data.keys()) for (let i = path.indexOf('/', 1); i !== -1; i = path.indexOf('/', i + 1)) dirs.add(path.slice(0, i));
  return {
    async readFile(uri) {
      const d = data.get(uri);
      if (!d) throw new Error(`ENOENT ${uri}`);
      return d;
    },
    async stat(uri) {
      if (data.has(uri)) return { type: 'file', size: data.get(uri)!.length, mtime: 0 };
      if (dirs.has(uri)) return { type: 'directory', size: 0, mtime: 0 };
      throw new Error(`ENOENT ${uri}`);
    },
    async readDirectory(uri) {
      const out = new Map<string, EntryType>();
      for (const p of [...data.keys(), ...dirs]) {
        if (!p.startsWith(uri + '/')) continue;
        const rest = p.slice(uri.length + 1);
        const name = rest.split('/')[0]!;
        out.set(name, rest.includes('/') || dirs.has(`${uri}/${name}`) ? 'directory' : 'file');
      }
      return [...out];
    },
  };
}

test('globs of files.exclude', () => {
  assert.ok(globToRegExp('**/*.js').test('a/b/c.js'));
  assert.ok(globToRegExp('**/*.js').test('c.js'));
  assert.ok(!globToRegExp('**/*.js').test('c.ts'));
  assert.ok(globToRegExp('src/?.ts').test('src/a.ts'));
  assert.ok(!globToRegExp('src/?.ts').test('src/ab.ts'));
  assert.ok(globToRegExp('**/{gen,tmp}/**').test('x/gen/y.py'));
  assert.ok(globToRegExp('[ab].py').test('a.py') && !globToRegExp('[ab].py').test('c.py'));
  assert.ok(!globToRegExp('node_modules').test('a/node_modules'));
  const m = filesExcludeMatcher({ '**/*.gen.py': true, 'docs/**': false, 'tmp/*.py': { when: '$(basename).ts' } });
  assert.ok(m('a/b.gen.py'));
  assert.ok(!m('docs/x.py')); // false turns a default off
  assert.ok(!m('tmp/x.py')); // `when` clauses are not evaluated: not excluded
});

test('the metrics scan honours .gitignore, files.exclude, skip rules, size, and leaves binaries to the reader', async () => {
  const big = 'x = 1\n'.repeat(200_000);
  const fs = memoryFs({
    '/w/.gitignore': '*.gen.js\n!keep.gen.js\nout2/\n/rootonly.py\n',
    '/w/a.py': 'print(1)\n',
    '/w/x.gen.js': 'generated()\n',
    '/w/keep.gen.js': 'kept()\n',
    '/w/out2/b.py': 'ignored = 1\n',
    '/w/rootonly.py': 'ignored = 1\n',
    '/w/sub/rootonly.py': 'kept = 1\n',
    '/w/sub/.gitignore': 'secret.py\n',
    '/w/sub/secret.py': 'ignored = 1\n',
    '/w/sub/ok.ts': 'export const ok = 1;\n',
    '/w/sub/deeper/secret.py': 'ignored = 1\n',
    '/w/node_modules/m.js': 'dependency()\n',
    '/w/dist/bundle.js': 'built()\n',
    '/w/app.min.js': 'minified()\n',
    '/w/skipme/c.py': 'excluded = 1\n',
    '/w/README.md': '# not source\n',
    '/w/big.py': big,
    '/w/bin.py': new Uint8Array([0, 0, 1, 2, 3, 0, 0, 255]),
  });
  const scan = await scanMetricsFiles(fs, '/w', { filesExclude: { '**/skipme': true } });
  assert.deepEqual(scan.files.map((f) => f.uri).sort(), ['/w/a.py', '/w/bin.py', '/w/keep.gen.js', '/w/sub/ok.ts', '/w/sub/rootonly.py']);
  assert.equal(scan.skippedLarge, 1);
  assert.equal(await readSourceText(fs, '/w/bin.py'), undefined);
  assert.equal(await readSourceText(fs, '/w/a.py'), 'print(1)\n');
  // Without .gitignore the ignored files come back (the skip rules still apply).
  const all = await scanMetricsFiles(fs, '/w', { gitignore: false });
  assert.ok(all.files.some((f) => f.uri === '/w/sub/secret.py') && all.files.some((f) => f.uri === '/w/skipme/c.py'));
  assert.ok(!all.files.some((f) => f.uri.includes('node_modules') || f.uri.includes('/dist/')));
  assert.ok(!isSourceFile('README.md') && isSourceFile('a.tsx') && !isSourceFile('x.min.js'));
});
