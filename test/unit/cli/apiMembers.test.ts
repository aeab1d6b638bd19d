/** `tokenwise api-members`: the editor's member completion at `recv.` headless — resolution, ranking, a typed prefix, --explain, and one-line errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/dispatcher';
import { cliCommands } from '../../../src/cli/commands';
import { fixturesDir } from '../helpers/paths';
import { fixtureWorkspace } from '../core/index/helpers';

const inventory = readFileSync(join(fixturesDir, 'apiAnswer/shop/inventory.py'), 'utf8');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['api-members', ...argv], cliCommands, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }, 'test');
  return { code, out: out.join(''), err: err.join('') };
}

interface Members {
  receiver: string | null;
  prefix: string;
  resolvedBy: string | null;
  target: string | null;
  items: Array<{ label: string; signature: string; file: string; line: number; doc: string; parts?: Record<string, number>; features?: Record<string, number> }>;
}

test('api-members lists the resolved class\'s members with signatures, docs and places; a typed prefix filters them', async (t) => {
  const root = fixtureWorkspace(t, { 'inventory.py': inventory, 'store.py': 'from inventory import Inventory\n\ninv = Inventory("front")\ninv.restock("apple")\nif inv.\n' });
  const file = join(root, 'store.py');
  const r = await cli(file, '--repo', root, '--line', '5', '--col', '8', '--json');
  assert.equal(r.code, 0, r.err);
  const m = JSON.parse(r.out) as Members;
  assert.equal(m.receiver, 'inv');
  assert.equal(m.resolvedBy, 'constructor');
  assert.equal(m.target, 'class Inventory (instance)');
  const labels = m.items.map((i) => i.label);
  for (const name of ['restock', 'withdraw', 'report']) assert.ok(labels.includes(name), labels.join(' '));
  const withdraw = m.items.find((i) => i.label === 'withdraw')!;
  assert.equal(withdraw.signature, 'def withdraw(self, sku: str, quantity: int) -> bool');
  assert.equal(withdraw.file, 'inventory.py');
  assert.equal(withdraw.line, 15);
  assert.match(withdraw.doc, /^Take units out of the stock/);
  assert.equal(m.items[0]!.parts, undefined, 'parts only with --explain');

  const typed = JSON.parse((await cli(file, '--repo', root, '--line', '4', '--col', '7', '--json')).out) as Members;
  assert.equal(typed.prefix, 're');
  assert.deepEqual(typed.items.map((i) => i.label).sort(), ['report', 'restock']);
});

test('api-members --explain gives each score\'s parts (the trees among them) and its non-zero features; text output names the resolution', async (t) => {
  const root = fixtureWorkspace(t, { 'inventory.py': inventory, 'store.py': 'from inventory import Inventory\n\ninv = Inventory("front")\ninv.' });
  const file = join(root, 'store.py');
  const m = JSON.parse((await cli(file, '--repo', root, '--explain', '--json')).out) as Members;
  for (const i of m.items) {
    const p = i.parts!;
    assert.deepEqual(Object.keys(p).sort(), ['kind', 'model', 'prefix', 'resolved', 'trees', 'usage']);
    assert.ok(Math.abs(p.kind! + p.resolved! + p.usage! + p.trees! + p.model! + p.prefix! - (m.items.find((x) => x.label === i.label) as { score?: number }).score!) < 0.01);
    assert.ok(Object.values(i.features!).every((v) => v !== 0));
  }
  assert.ok(m.items.some((i) => i.parts!.trees !== 0));
  const text = await cli(file, '--repo', root, '--explain');
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^inv\.  → class Inventory \(instance\), resolved by constructor$/m);
  assert.match(text.out, /withdraw {2}def withdraw\(self, sku: str, quantity: int\) -> bool {2}inventory\.py:15/);
  assert.match(text.out, /^ {8}kind [-\d.]+, resolved/m);
});

test('api-members: no member access at the cursor is an empty answer; a file of another language is a one-line usage error', async (t) => {
  const root = fixtureWorkspace(t, { 'inventory.py': inventory, 'store.py': 'from inventory import Inventory\n\ninv = Inventory("front")\n', 'notes.txt': 'inv.\n' });
  const none = await cli(join(root, 'store.py'), '--repo', root, '--json');
  assert.equal(none.code, 0, none.err);
  assert.deepEqual(JSON.parse(none.out), { ...JSON.parse(none.out), receiver: null, items: [] });
  assert.match((await cli(join(root, 'store.py'), '--repo', root)).out, /no member access at the cursor/);
  const txt = await cli(join(root, 'notes.txt'), '--repo', root);
  assert.equal(txt.code, 2);
  assert.equal(txt.err.trim(), `tokenwise: ${join(root, 'notes.txt')}: member completion covers Python, TypeScript/TSX and JavaScript files.`);
  const past = await cli(join(root, 'store.py'), '--repo', root, '--line', '40');
  assert.equal(past.code, 2);
  assert.match(past.err, /--line 40 is past the end of/);
});
