import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Declaration } from '../../../../src/core/syntax';
import { doc, fixture, service } from './fixtures';

const brief = (d: Declaration) => `${d.kind} ${[...d.container, d.name].join('.')} @${d.scope}`;

test('declarations after a parse error that swallows the rest of the file are recovered, at their own positions', async () => {
  const d = { ...fixture('lostDeclarations.ts'), languageId: 'typescript' };
  assert.equal((await service.parse(d)).hasError, true, 'the fixture must still break the parser');
  const decls = await service.declarations(d);
  // `catchTags` itself does not parse cleanly anywhere, so it is not read from broken text.
  assert.deepEqual(decls.map(brief), ['constant first @file', 'function wrap @file', 'class Box @file', 'attribute Box.value @class', 'method Box.open @class', 'function last @file']);
  for (const decl of decls) {
    assert.equal(d.text.slice(decl.start, decl.end), decl.name);
    const lines = d.text.slice(0, decl.start).split('\n');
    assert.deepEqual(decl.position, { line: lines.length - 1, character: lines[lines.length - 1]!.length });
    assert.ok(d.text.slice(decl.range.start, decl.range.end).includes(decl.name));
  }
  const wrap = decls.find((x) => x.name === 'wrap')!;
  assert.equal(wrap.doc, 'Wraps a value.');
  assert.equal(wrap.exported, true);
  assert.equal(wrap.signature?.text, 'function wrap<A>(value: A): Box<A>');
  assert.equal(decls.find((x) => x.name === 'open')!.exported, false);
});

test('recovery reads nothing from text inside a statement that parsed cleanly', async () => {
  const text = [
    'export const template = `',
    'export const notADeclaration = 1;',
    '`',
    ')(a: number =>',
    'export const after = 2',
    '',
  ].join('\n');
  const d = doc(text, 'typescript');
  assert.equal((await service.parse(d)).hasError, true);
  const names = (await service.declarations(d)).map((x) => x.name);
  assert.ok(!names.includes('notADeclaration'), names.join(' '));
  assert.ok(names.includes('template'));
  assert.ok(names.includes('after'), names.join(' '));
});
