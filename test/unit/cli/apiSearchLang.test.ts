/** `tokenwise api-search --lang` / `--file`: only the APIs code in that language can call; a bad language is a one-line usage error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/dispatcher';
import { cliCommands } from '../../../src/cli/commands';
import { fixturesDir } from '../helpers/paths';

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
