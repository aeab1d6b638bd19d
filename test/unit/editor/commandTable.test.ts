// The commands of package.json and of src/editor/commandTable.ts match one to one; menus,
// keybindings and `when` clauses only name declared commands and context keys Tokenwise sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';
import { commandCategory, commandTable, contextKeys } from '../../../src/editor/commandTable';

const contributes = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).contributes;
const declaredIds = commandTable.map((c) => c.id as string);

test('package.json contributes exactly the declared commands, with the same titles', () => {
  const json: { command: string; title: string; category?: string }[] = contributes.commands;
  assert.deepEqual(json.map((c) => c.command).sort(), [...declaredIds].sort());
  for (const c of commandTable) {
    const entry = json.find((j) => j.command === c.id)!;
    assert.equal(entry.title, c.title, `${c.id}: title`);
    assert.equal(entry.category, commandCategory, `${c.id}: category`);
  }
  assert.equal(new Set(declaredIds).size, declaredIds.length, 'no command declared twice');
});

test('keybindings and menus name declared commands only; no empty menu lists', () => {
  for (const k of contributes.keybindings ?? []) assert.ok(declaredIds.includes(k.command), `keybinding for unknown command ${k.command}`);
  for (const [menu, items] of Object.entries<{ command: string }[]>(contributes.menus ?? {})) {
    assert.ok(items.length > 0, `menus.${menu} is empty`);
    for (const item of items) assert.ok(declaredIds.includes(item.command), `menus.${menu}: unknown command ${item.command}`);
  }
});

test('`when` clauses use only the context keys Tokenwise sets', () => {
  const known = new Set<string>(Object.values(contextKeys));
  const clauses: string[] = [
    ...(contributes.keybindings ?? []).map((k: { when?: string }) => k.when ?? ''),
    ...Object.values<{ when?: string }[]>(contributes.menus ?? {}).flat().map((m) => m.when ?? ''),
  ];
  const used = clauses.flatMap((w) => w.match(/\btokenwise\.[\w.]+/g) ?? []);
  for (const key of used) assert.ok(known.has(key), `unknown context key ${key}`);
  assert.ok(used.includes(contextKeys.modelReady), 'the heat map menu item uses tokenwise.modelReady');
});

test('commands that need the model say what needs it', () => {
  for (const c of commandTable) if ('needsModel' in c && c.needsModel) assert.ok('subject' in c && c.subject, `${c.id}: subject`);
});
