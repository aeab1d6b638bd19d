import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Declaration } from '../../../../src/core/syntax';
import { doc, fixture, service } from './fixtures';

const brief = (d: Declaration) => `${d.kind} ${[...d.container, d.name].join('.')} @${d.scope}`;

test('Python declarations by scope, with signatures and docstrings', async () => {
  const d = fixture('sample.py');
  const decls = await service.declarations(d);
  assert.deepEqual(decls.map(brief), [
    'variable LIMIT @file',
    'class Shape @file',
    'attribute Shape.sides @class',
    'method Shape.area @class',
    'attribute Shape.cache @class',
    'variable Shape.area.total @function',
    'function helper @file',
    'variable helper.squares @function',
  ]);
  const shape = decls.find((x) => x.name === 'Shape')!;
  assert.equal(shape.doc, 'A shape.\n\nWith two lines.');
  assert.deepEqual(shape.position, { line: 10, character: 6 });
  assert.equal(shape.start, d.text.indexOf('Shape'));
  const area = decls.find((x) => x.name === 'area')!;
  assert.deepEqual(area.signature, {
    parameters: [
      { name: 'self', text: 'self' },
      { name: 'scale', text: 'scale: float = 1.0', type: 'float', default: '1.0' },
      { name: 'args', text: '*args' },
      { name: 'flag', text: 'flag=False', default: 'False' },
      { name: 'kw', text: '**kw' },
    ],
    returnType: 'float',
    text: 'def area(self, scale: float = 1.0, *args, flag=False, **kw) -> float',
  });
  assert.equal(decls.find((x) => x.name === 'helper')!.signature!.parameters[1]!.default, 'None');
});

test('TypeScript declarations: functions, classes, members, interfaces, types, enums, arrow functions', async () => {
  const decls = await service.declarations(fixture('sample.ts'));
  assert.deepEqual(decls.map(brief), [
    'constant lodash @file',
    'function add @file',
    'constant add.sum @function',
    'class Counter @file',
    'attribute Counter.count @class',
    'method Counter.constructor @class',
    'attribute Counter.label @class',
    'method Counter.increment @class',
    'interface Shape @file',
    'type Id @file',
    'enum Color @file',
    'function double @file',
    'variable later @file',
  ]);
  const add = decls.find((x) => x.name === 'add')!;
  assert.equal(add.doc, 'Adds numbers.\n@param x first');
  assert.equal(add.exported, true);
  assert.deepEqual(add.signature, {
    parameters: [
      { name: 'x', text: 'x: number', type: 'number' },
      { name: 'y', text: 'y = 2', default: '2' },
      { name: 'rest', text: '...rest: number[]', type: 'number[]' },
    ],
    returnType: 'number',
    text: 'function add(x: number, y = 2, ...rest: number[]): number',
  });
  assert.equal(decls.find((x) => x.name === 'Counter')!.doc, 'A counter.');
  assert.equal(decls.find((x) => x.name === 'increment')!.signature!.text, 'increment(by?: number): void');
  assert.equal(decls.find((x) => x.name === 'double')!.signature!.returnType, 'number');
  assert.equal(decls.find((x) => x.name === 'Shape')!.exported, false);
});

test('Java, Go and Rust declarations', async () => {
  assert.deepEqual((await service.declarations(fixture('sample.java'))).map(brief), [
    'class Greeter @file',
    'attribute Greeter.count @class',
    'method Greeter.greet @class',
    'variable Greeter.greet.n @function',
  ]);
  const greet = (await service.declarations(fixture('sample.java'))).find((x) => x.name === 'greet')!;
  assert.equal(greet.doc, 'Says hello.');
  assert.equal(greet.signature!.returnType, 'String');
  assert.deepEqual(greet.signature!.parameters.map((p) => `${p.name}:${p.type}`), ['name:String', 'extra:List<String>']);

  const go = await service.declarations(fixture('sample.go'));
  assert.deepEqual(go.map(brief), ['class Point @file', 'attribute Point.X @class', 'method Scale @file', 'function main @file']);
  const scale = go.find((x) => x.name === 'Scale')!;
  assert.equal(scale.doc, 'Scale scales.');
  assert.equal(scale.signature!.returnType, 'int');
  assert.equal(scale.exported, true);

  const rs = await service.declarations(fixture('sample.rs'));
  assert.deepEqual(rs.map(brief), ['function add @file', 'variable add.total @function', 'class Point @file', 'attribute Point.x @class', 'method Point.norm @class']);
  const add = rs.find((x) => x.name === 'add')!;
  assert.equal(add.doc, 'Adds two numbers.');
  assert.equal(add.signature!.text, 'pub fn add(a: i32, b: i32) -> i32');
  assert.deepEqual(rs.find((x) => x.name === 'norm')!.signature!.parameters.map((p) => p.name), ['self', 'scale']);
});

test('declaration offsets are UTF-16 after astral characters', async () => {
  const d = doc('// 😀😀 emoji\nfunction f(a) {}\n', 'javascript');
  const [f] = await service.declarations(d);
  assert.equal(f!.start, d.text.indexOf('f('));
  assert.deepEqual(f!.position, { line: 1, character: 9 });
});

test('TypeScript: a class\'s method signatures (a declaration file\'s `declare class`, overloads) are methods with their signatures; an interface\'s are not listed', async () => {
  const text = 'export declare class Loader {\n  constructor(inspector: Inspector);\n  load(name: string): Module;\n  private hidden;\n}\nexport interface Shape {\n  area(): number;\n}\n';
  const decls = await service.declarations(doc(text, 'typescript', 'file:///x/loader.d.ts'));
  assert.deepEqual(decls.map(brief), ['class Loader @file', 'method Loader.constructor @class', 'method Loader.load @class', 'attribute Loader.hidden @class', 'interface Shape @file']);
  const load = decls.find((x) => x.name === 'load')!;
  assert.equal(load.signature?.returnType, 'Module');
  assert.deepEqual(load.signature?.parameters.map((p) => p.type), ['string']);
});

test('TypeScript: a method of an object literal is a member of the constant bound to it (also through `as const`), not a function of the file', async () => {
  const text = [
    'export const factories: Factory = {',
    '  box<T>(value: T): Box<T> {',
    '    return new Box(value)',
    '  },',
    '}',
    'const handlers = ({ onOpen() {} }) as const',
    'export function top() {}',
    '',
  ].join('\n');
  const decls = await service.declarations(doc(text, 'typescript'));
  assert.deepEqual(decls.map(brief), ['constant factories @file', 'method factories.box @class', 'constant handlers @file', 'method handlers.onOpen @class', 'function top @file']);
  assert.equal(decls.find((x) => x.name === 'box')!.signature?.returnType, 'Box<T>');
});

test('TypeScript/JavaScript: a method of an object literal in a class field is the field\'s (`A.handlers`), of a nested object the nested key\'s (`api.users`, `users` an attribute of `api`); an object passed in a class body gives the class nothing', async () => {
  const text = [
    'export class A {',
    '  handlers = {',
    '    onX() {},',
    '  }',
    '  static table: T = { rows: { count() {} } } as T',
    '  made = make({ hidden() {} })',
    '  run() {}',
    '}',
    'export const api = {',
    '  users: {',
    '    list() {},',
    '  },',
    '  ping() {},',
    '}',
    '',
  ].join('\n');
  const decls = await service.declarations(doc(text, 'typescript'));
  assert.deepEqual(decls.filter((x) => x.scope !== 'function').map(brief), [
    'class A @file',
    'attribute A.handlers @class',
    'method A.handlers.onX @class',
    'attribute A.table @class',
    'attribute A.table.rows @class',
    'method A.table.rows.count @class',
    'attribute A.made @class',
    'method A.run @class',
    'constant api @file',
    'attribute api.users @class',
    'method api.users.list @class',
    'method api.ping @class',
  ]);
  const js = await service.declarations(doc('class B {\n  handlers = { onY() {} }\n}\n', 'javascript'));
  assert.deepEqual(js.map(brief), ['class B @file', 'attribute B.handlers @class', 'method B.handlers.onY @class']);
});
