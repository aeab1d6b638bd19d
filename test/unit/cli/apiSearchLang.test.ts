/** `tokenwise api-search --lang` / `--file`: only the APIs code in that language can call; a bad language is a one-line usage error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/dispatcher';
import { cliCommands } from '../../../src/cli/commands';
import { fixturesDir } from '../helpers/paths';
import { fixtureWorkspace } from '../core/index/helpers';

const shop = join(fixturesDir, 'apiAnswer/shop');

async function files(...argv: string[]): Promise<string[]> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['api-search', 'put an item in the cart', '--repo', shop, '--json', ...argv], cliCommands, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }, 'test');
  assert.equal(code, 0, err.join(''));
  return (JSON.parse(out.join('')) as { results: Array<{ file: string }> }).results.map((r) => r.file);
}

test('api-search --lang and --file filter by language family; without them every language is listed', async () => {
  const all = await files();
  assert.equal(all[0], 'cart.ts');
  assert.ok(all.some((f) => f.endsWith('.py')));
  for (const python of [await files('--lang', 'python'), await files('--file', join(shop, 'store.py'))]) assert.ok(python.length && python.every((f) => f.endsWith('.py')), python.join(' '));
  for (const ecma of [await files('--lang', 'javascript'), await files('--lang', 'ecma'), await files('--file', join(shop, 'checkout.ts'))]) assert.ok(ecma.length && ecma.every((f) => f.endsWith('.ts')), ecma.join(' '));
  // --lang wins over the file's language.
  assert.ok((await files('--lang', 'python', '--file', join(shop, 'checkout.ts'))).every((f) => f.endsWith('.py')));
});

test('api-search --lang with an unknown language is a one-line usage error', async () => {
  const err: string[] = [];
  const code = await runCli(['api-search', 'cart', '--repo', shop, '--lang', 'cobol'], cliCommands, { stdout: () => {}, stderr: (t) => void err.push(t) }, 'test');
  assert.equal(code, 2);
  assert.equal(err.join('').trim(), 'tokenwise: --lang cobol: expected python, typescript, tsx, javascript or ecma.');
});

test('api-search text: a Python result reads Class.name then its def, a TypeScript one Class.signature; tests only with --include-tests', async (t) => {
  const root = fixtureWorkspace(t, {
    'net/connection.py': 'class Connection:\n    def close(self):\n        """Close the connection."""\n',
    'net/client.ts': 'export class Client {\n  /** Close the client connection. */\n  close(): void {}\n}\n',
    'net/tests/test_connection.py': 'class ConnectionTest:\n    def test_close_connection(self):\n        """Closing the connection twice is harmless."""\n',
  });
  const text = async (...argv: string[]) => {
    const out: string[] = [];
    assert.equal(await runCli(['api-search', 'close the connection', '--repo', root, ...argv], cliCommands, { stdout: (s) => void out.push(s), stderr: () => {} }, 'test'), 0);
    return out.join('');
  };
  const plain = await text();
  assert.match(plain, /Connection\.close {2}def close\(self\)/);
  assert.match(plain, /Client\.close\(\): void/);
  assert.ok(!plain.includes('test_close_connection'), plain);
  assert.ok((await text('--include-tests')).includes('ConnectionTest.test_close_connection'));
  // Searching for a call in a test file (--file, as the editor passes it) includes tests, elsewhere not.
  assert.ok((await text('--file', join(root, 'net/tests/test_connection.py'))).includes('ConnectionTest.test_close_connection'));
  assert.ok(!(await text('--file', join(root, 'net/connection.py'))).includes('test_close_connection'));
});

test('api-search --file: another module\'s private names come after the public APIs, as in Find API…', async (t) => {
  const root = fixtureWorkspace(t, {
    'table.py': 'class Table:\n    """A renderable that draws a table of rows."""\n\n    def _render(self, console, widths):\n        for row in self.rows:\n            yield self._render_row(row, widths)\n\n    def add_row(self, *cells):\n        """Add a row of cells."""\n        self.rows.append(cells)\n',
    'app.py': 'from table import Table\n\ndef show(rows):\n    return Table()\n',
  });
  const names = async (...argv: string[]) => {
    const out: string[] = [];
    assert.equal(await runCli(['api-search', 'render the table', '--repo', root, '--json', ...argv], cliCommands, { stdout: (s) => void out.push(s), stderr: () => {} }, 'test'), 0);
    return (JSON.parse(out.join('')) as { results: Array<{ name: string }> }).results.map((r) => r.name);
  };
  assert.equal((await names())[0], '_render');
  const fromApp = await names('--file', join(root, 'app.py'));
  assert.equal(fromApp[0], 'Table');
  assert.equal(fromApp.at(-1), '_render');
  assert.equal((await names('--file', join(root, 'table.py')))[0], '_render');
});
