/** The worker's API index service: build, persist (gzip, versioned), reopen from storage, reject a damaged store, update, answer. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SyntaxService } from '../../../src/core/syntax';
import { ApiService } from '../../../src/worker/apiService';
import { createWorkerHandler } from '../../../src/worker/handler';
import type { WorkerToHost } from '../../../src/core/protocol/engine';
import { fixturesDir } from '../helpers/paths';
import { tempDir } from '../helpers/tempDir';

test('open builds and stores; a second open loads from storage; a damaged store is rebuilt; updates and queries', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-apisvc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(fixturesDir, 'api/py'), join(dir, 'ws'), { recursive: true });
  const root = pathToFileURL(join(dir, 'ws')).href;
  const storagePath = join(dir, 'storage', 'api-index.json.gz');
  const syntax = new SyntaxService();
  const logs: string[] = [];
  const first = new ApiService(() => syntax, (_l, m) => logs.push(m));
  const built = await first.open({ root, storagePath }, new AbortController().signal);
  assert.equal(built.fromStorage, false);
  assert.ok(built.files >= 5 && built.symbols > 5, JSON.stringify(built));
  const second = new ApiService(() => syntax, () => {});
  const reopened = await second.open({ root, storagePath }, new AbortController().signal);
  assert.equal(reopened.fromStorage, true);
  assert.equal(reopened.parsed, 0);
  assert.equal(reopened.symbols, built.symbols);
  writeFileSync(storagePath, 'not gzip');
  const third = new ApiService(() => syntax, (_l, m) => logs.push(m));
  const rebuilt = await third.open({ root, storagePath }, new AbortController().signal);
  assert.equal(rebuilt.fromStorage, false);
  assert.match(rebuilt.rebuiltBecause ?? '', /unreadable/);
  // Queries: members at `e.` of a typed parameter, search.
  const app = `${root}/app.py`;
  const text = 'from pkg.core import Engine\n\ndef run(e: Engine):\n    e.';
  const members = await third.members({ uri: app, text, offset: text.length, languageId: 'python' });
  assert.deepEqual(members?.items.map((i) => i.label).sort(), ['default', 'power', 'start', 'stop']);
  assert.equal(third.find('parse the configuration file')[0]?.name, 'load_config');
  // An edit that adds a function, then a delete.
  writeFileSync(join(dir, 'ws/pkg/extra.py'), 'def shiny_new_helper(x):\n    """Polish the widget."""\n');
  await third.update([{ uri: `${root}/pkg/extra.py` }]);
  assert.equal(third.find('polish the widget')[0]?.name, 'shiny_new_helper');
  await third.remove([`${root}/pkg`]);
  assert.equal(third.find('polish the widget').length, 0);
  assert.equal(third.status().files, 1, 'only app.py is left');
  // Virtual workspaces: the host sends the texts.
  const virtual = new ApiService(() => syntax, () => {});
  await virtual.open({ root: 'vscode-vfs://github/o/r' }, new AbortController().signal);
  await virtual.update([{ uri: 'vscode-vfs://github/o/r/m.py', text: 'def fetch_rows(query):\n    """Run a query."""\n' }]);
  assert.equal(virtual.find('run a query')[0]?.name, 'fetch_rows');
  syntax.dispose();
});

test('the worker handler answers api.* requests (no model needed)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-apih-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(fixturesDir, 'api/ts'), dir, { recursive: true });
  const messages: WorkerToHost[] = [];
  const handler = createWorkerHandler((m) => messages.push(m));
  t.after(() => handler.dispose());
  const root = pathToFileURL(dir).href;
  handler.onMessage({ type: 'request', id: 1, method: 'api.open', params: { root }, priority: 'background' });
  await handler.idle();
  const text = "import * as m from './lib/math';\nm.";
  handler.onMessage({ type: 'request', id: 2, method: 'api.members', params: { uri: `${root}/src/app.ts`, text, offset: text.length, languageId: 'typescript' }, priority: 'interactive' });
  handler.onMessage({ type: 'request', id: 3, method: 'api.search', params: { query: 'turn a title into a url slug' }, priority: 'interactive' });
  await handler.idle();
  const response = (id: number) => messages.find((m) => m.type === 'response' && m.id === id) as Extract<WorkerToHost, { type: 'response' }>;
  assert.equal(response(1).ok, true, JSON.stringify(response(1)));
  const members = response(2).ok ? (response(2) as { result: { items: Array<{ label: string; signature?: string }> } }).result.items : [];
  assert.deepEqual(members.map((i) => i.label).sort(), ['Vector', 'add']);
  assert.match(members.find((i) => i.label === 'add')!.signature!, /add\(a: number, b: number\): number/);
  const hits = response(3).ok ? (response(3) as { result: Array<{ name: string }> }).result : [];
  assert.equal(hits[0]?.name, 'slugify');
});

test('api.search with the active file\'s language id lists only the APIs of its family (a mixed workspace)', async (t) => {
  const messages: WorkerToHost[] = [];
  const handler = createWorkerHandler((m) => messages.push(m));
  t.after(() => handler.dispose());
  const root = pathToFileURL(join(fixturesDir, 'apiAnswer/shop')).href;
  handler.onMessage({ type: 'request', id: 1, method: 'api.open', params: { root }, priority: 'background' });
  await handler.idle();
  const query = 'put an item in the cart';
  handler.onMessage({ type: 'request', id: 2, method: 'api.search', params: { query, languageId: 'python' }, priority: 'interactive' });
  handler.onMessage({ type: 'request', id: 3, method: 'api.search', params: { query, languageId: 'typescript' }, priority: 'interactive' });
  handler.onMessage({ type: 'request', id: 4, method: 'api.search', params: { query }, priority: 'interactive' });
  await handler.idle();
  const files = (id: number) => {
    const r = messages.find((m) => m.type === 'response' && m.id === id) as Extract<WorkerToHost, { type: 'response' }>;
    assert.equal(r.ok, true, JSON.stringify(r));
    return (r as { result: Array<{ uri: string }> }).result.map((h) => h.uri.split('/').pop());
  };
  const python = files(2);
  assert.ok(python.length && python.every((f) => f!.endsWith('.py')), python.join(' '));
  const typescript = files(3);
  assert.ok(typescript.length && typescript.every((f) => f!.endsWith('.ts')), typescript.join(' '));
  assert.equal(files(4)[0], 'cart.ts');
  assert.ok(files(4).some((f) => f!.endsWith('.py')));
});

/** An API service opened on a folder, as the worker opens the workspace. */
async function openedOn(t: TestContext, ws: string): Promise<{ root: string; service: ApiService }> {
  const root = pathToFileURL(ws).href;
  const syntax = new SyntaxService();
  t.after(() => syntax.dispose());
  const service = new ApiService(() => syntax, () => {});
  await service.open({ root }, new AbortController().signal);
  return { root, service };
}

test('Find API from a file lists another module\'s private names after the public APIs', async (t) => {
  const ws = tempDir(t, 'tw-apiprivate-');
  writeFileSync(join(ws, 'table.py'), 'class Table:\n    """A renderable that draws a table of rows."""\n\n    def _render(self, console, widths):\n        for row in self.rows:\n            yield self._render_row(row, widths)\n\n    def add_row(self, *cells):\n        """Add a row of cells."""\n        self.rows.append(cells)\n');
  writeFileSync(join(ws, 'app.py'), 'from table import Table\n\ndef show(rows):\n    return Table()\n');
  const { root, service } = await openedOn(t, ws);
  const names = (uri?: string) => service.find('render the table', 5, 'python', uri).map((h) => h.name);
  assert.equal(names()[0], '_render');
  assert.equal(names(`${root}/table.py`)[0], '_render');
  assert.deepEqual(names(`${root}/app.py`).slice(0, 2), ['Table', 'add_row']);
  assert.equal(names(`${root}/app.py`).at(-1), '_render');
});

test('Find API from a test file also searches test files (fixtures, helpers); from other files they are left out', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-apitests-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ws = join(dir, 'ws');
  cpSync(join(fixturesDir, 'api/py'), ws, { recursive: true });
  mkdirSync(join(ws, 'tests'));
  writeFileSync(join(ws, 'tests/helpers.py'), 'def make_temporary_repository(tmp_path):\n    """Create a temporary repository with one commit."""\n    return tmp_path\n');
  writeFileSync(join(ws, 'tests/test_app.py'), 'from tests.helpers import make_temporary_repository\n');
  const { root, service } = await openedOn(t, ws);
  const names = (uri?: string) => service.find('create a temporary repository', 5, 'python', uri).map((h) => h.name);
  assert.ok(!names().includes('make_temporary_repository'));
  assert.ok(!names(`${root}/app.py`).includes('make_temporary_repository'));
  assert.equal(names(`${root}/tests/test_app.py`)[0], 'make_temporary_repository');
  // Both searches follow edits.
  writeFileSync(join(ws, 'tests/helpers.py'), 'def make_bare_repository(tmp_path):\n    """Create a temporary repository without commits."""\n    return tmp_path\n');
  await service.update([{ uri: `${root}/tests/helpers.py` }]);
  assert.equal(names(`${root}/tests/test_app.py`)[0], 'make_bare_repository');
  // A malformed uri is no test file.
  assert.ok(!service.find('create a temporary repository', 5, 'python', 42 as unknown as string).some((h) => h.name === 'make_bare_repository'));
});
