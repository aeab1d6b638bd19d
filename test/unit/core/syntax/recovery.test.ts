import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Declaration } from '../../../../src/core/syntax';
import { separateCallSignatures } from '../../../../src/core/syntax/recovery';
import { doc, fixture, service } from './fixtures';

const brief = (d: Declaration) => `${d.kind} ${[...d.container, d.name].join('.')} @${d.scope}`;

test('declarations after a parse error that swallows the rest of the file are recovered, at their own positions', async () => {
  const d = { ...fixture('lostDeclarations.ts'), languageId: 'typescript' };
  assert.equal((await service.parse(d)).hasError, true, 'the fixture must still break the parser');
  const decls = await service.declarations(d);
  // `catchTags` itself parses once its second call signature is separated from the first (`separateCallSignatures`).
  assert.deepEqual(decls.map(brief), ['constant first @file', 'constant catchTags @file', 'function wrap @file', 'class Box @file', 'attribute Box.value @class', 'method Box.open @class', 'function last @file']);
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

test('an interface whose call signatures follow one another on their own lines is recovered (mobx IObservableFactory)', async () => {
  const text = [
    'export interface Factory extends Annotation {',
    '    <T = any>(value: T[], options?: Options): ObservableArray<T>',
    '    /** A set. */',
    '    <T = any>(value: Set<T>, options?: Options): ObservableSet<T>',
    '    <T extends object>(',
    '        value: T,',
    '    ): T',
    '',
    '    box: BoxFactory',
    '    array: <T = any>(initialValues?: T[]) => ObservableArray<T>',
    '}',
    '',
    'export var observable: Factory = assign(createObservable, factories)',
    '',
  ].join('\n');
  const d = doc(text, 'typescript');
  assert.equal((await service.parse(d)).hasError, true, 'tree-sitter must still misread the second signature');
  const decls = await service.declarations(d);
  assert.deepEqual(decls.filter((x) => x.scope === 'file').map(brief), ['interface Factory @file', 'variable observable @file']);
  const factory = decls.find((x) => x.name === 'Factory')!;
  assert.equal(text.slice(factory.range.start, factory.range.end), text.slice(text.indexOf('interface'), text.indexOf('}') + 1), 'the interface spans its own text');
});

test('separateCallSignatures puts a `;` in the indentation before a call signature that follows another member, and nowhere else', () => {
  const text = 'type F = {\n  <A>(a: A): Box<A>\n  <\n    B\n  >(b: B): B\n}\nconst g = f(\n  <T>(x: T) => x)\nconst h = a ||\n  <T>(x: T) => x\n';
  const separated = separateCallSignatures(text);
  assert.equal(separated.length, text.length);
  assert.equal(separated, 'type F = {\n  <A>(a: A): Box<A>\n ;<\n    B\n  >(b: B): B\n}\nconst g = f(\n  <T>(x: T) => x)\nconst h = a ||\n  <T>(x: T) => x\n');
  assert.equal(separateCallSignatures('a <b> c'), 'a <b> c');
});
