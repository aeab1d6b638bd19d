/** Extraction details the search reads: body words of functions and docs without tool pragmas (real tree-sitter). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProjectIndex, recordOf } from '../../../../src/core/index';
import { classesByText, docText, enclosingClassByText, returnsNothing } from '../../../../src/core/index/extract';
import { syntax } from './helpers';

async function symbolsOf(uri: string, text: string, languageId: string) {
  const doc = { uri, version: 1, text, languageId };
  const record = recordOf({ uri, text }, languageId === 'python' ? 'python' : 'typescript', await syntax.declarations(doc), await syntax.imports(doc));
  syntax.close(uri);
  return Object.fromEntries(record.symbols.map((s) => [s.name, s]));
}

test('a function body gives its words: code and comments, not its docstring, its own name or keywords', async () => {
  const py = await symbolsOf(
    'file:///w/config.py',
    [
      'def load(path):',
      '    """Read the settings from disk."""',
      '    # decode the JSON text',
      '    with open(path) as handle:',
      '        return Config(json.load(handle))',
      '',
      "def single(x):",
      "    'Quoted docstring words.'",
      '    return x.strip()',
      '',
    ].join('\n'),
    'python',
  );
  const loadWords = py.load!.body!.split(' ');
  for (const w of ['decode', 'json', 'text', 'open', 'path', 'handle', 'config']) assert.ok(loadWords.includes(w), w);
  for (const w of ['read', 'settings', 'disk', 'load', 'def', 'return', 'with', 'as']) assert.ok(!loadWords.includes(w), w);
  assert.equal(py.single!.body, 'strip');

  const ts = await symbolsOf(
    'file:///w/cart.ts',
    ['/** Adds an item to the cart. */', 'export function addItem(cart: Cart, item: Item): void {', '  /* block comments are docs-like */', '  cart.lines.push(item);', '}', 'export class Cart { lines: Item[] = []; }', ''].join('\n'),
    'typescript',
  );
  // `item` is a word of the name itself; the block comment is left out.
  assert.deepEqual(ts.addItem!.body!.split(' ').sort(), ['cart', 'lines', 'push']);
  assert.equal(ts.Cart!.body, undefined);
});

test('docs lose tool pragmas; a license header or a pragma alone is no doc', async () => {
  assert.equal(docText('Returns true if the value is a draft\n#__PURE__'), 'Returns true if the value is a draft');
  assert.equal(docText('#__PURE__'), undefined);
  assert.equal(docText('eslint-disable-next-line no-console'), undefined);
  assert.equal(docText('istanbul ignore next'), undefined);
  assert.equal(docText('Parse the file.\n@ts-ignore'), 'Parse the file.');
  assert.equal(docText('Count the items. # noqa: E501'), 'Count the items.');
  assert.equal(docText('Copyright (c) 2020 Someone. All rights reserved.'), undefined);
  assert.equal(docText('@license MIT'), undefined);
  // Words that only look like pragmas stay.
  assert.equal(docText('Parses the eslint config file.'), 'Parses the eslint config file.');
  assert.equal(docText('Global callbacks that fire for every query.'), 'Global callbacks that fire for every query.');

  const ts = await symbolsOf('file:///w/draft.ts', ['/*#__PURE__*/', 'export function isDraft(value: unknown): boolean { return !!value; }', '// eslint-disable-next-line', 'export function other(): void {}', ''].join('\n'), 'typescript');
  assert.equal(ts.isDraft!.doc, undefined);
  assert.equal(ts.other!.doc, undefined);
});

test('a serialized index with a malformed body is rejected', () => {
  const index = new ProjectIndex('file:///w');
  const text = index.serialize();
  const data = JSON.parse(text) as { files: unknown[] };
  const symbol = { name: 'f', kind: 'function', container: '', exported: true, line: 0, character: 0, body: 'open json' };
  data.files = [{ uri: 'file:///w/a.py', language: 'python', size: 1, mtime: 0, symbols: [symbol], imports: [] }];
  assert.ok(!('rejected' in ProjectIndex.deserialize(JSON.stringify(data), 'file:///w')));
  (symbol as { body: unknown }).body = 7;
  assert.deepEqual(ProjectIndex.deserialize(JSON.stringify(data), 'file:///w'), { rejected: 'damaged (invalid file record)' });
});

test('interface members: each keeps its own doc comment, consecutive one-line comments do not run together', async () => {
  const ts = await symbolsOf(
    'file:///w/schema.ts',
    [
      'export interface Schema {',
      '  /** @deprecated Use .def instead. */',
      '  _def: Internals;',
      '  /** @deprecated Use .output instead. */',
      '  _output: Output;',
      '  /** Parses the input and returns the output. */',
      '  parse(input: unknown): Output;',
      '  undocumented: number;',
      '}',
      '',
    ].join('\n'),
    'typescript',
  );
  assert.equal(ts._output!.doc, '@deprecated Use .output instead.');
  assert.equal(ts._def!.doc, '@deprecated Use .def instead.');
  assert.equal(ts.parse!.doc, 'Parses the input and returns the output.');
  assert.equal(ts.undocumented!.doc, undefined);
});

test('classesByText gives enclosingClassByText\'s answer at every offset (one scan of the text for many offsets)', () => {
  const texts = [
    'function Legacy() {\n  this.a = 1;\n}\nclass Store {\n  constructor() {\n    this.items = new Map();\n  }\n  get(k) { return this.items.get(k); }\n}\nclass Open {\n  m() {\n    this.x = 1;\n',
    'import os\n\nclass Repo:\n    def __init__(self, path):\n        self.path = path\n\n    def read(self):\n        return os.path.join(self.path)\n\ndef helper():\n    return 1\n\nclass Other(Repo):\n    pass\n',
    'export class A { f() { const o = { g() { this.y = 2; } }; } }\nclass B extends A {\n  h = () => { this.z = 3; };\n',
    '',
  ];
  let named = 0;
  for (const text of texts) {
    const byText = classesByText(text);
    for (let offset = 0; offset <= text.length; offset++) {
      const expected = enclosingClassByText(text, offset)?.name;
      assert.equal(byText(offset), expected, `offset ${offset} of ${JSON.stringify(text.slice(0, 30))}`);
      if (expected) named++;
    }
  }
  assert.ok(named > 100, `only ${named} offsets inside a class`);
});

test('returnsNothing reads the body by the language the extractor gives it: Python stubs and bodies, TypeScript braces', () => {
  assert.equal(returnsNothing('def save(self):\n    self.saved = True\n', 'python'), true);
  assert.equal(returnsNothing('@property\ndef save(self):\n    """Saves."""\n    ...\n', 'python'), false);
  assert.equal(returnsNothing('async def close(self):\n    pass\n', 'python'), false);
  assert.equal(returnsNothing('def(x) {\n  this.x = x;\n}', 'typescript'), true);
  assert.equal(returnsNothing('save = (x) => store(x)', 'typescript'), false);
  assert.equal(returnsNothing('def load(self):\n    return self.data\n', 'python'), false);
});

test('the class around an unfinished text is a class header, not the word in a doc comment (`/** A class representing the Field API … {`)', () => {
  const text = [
    '/**',
    ' * A class representing the Field API.',
    ' */',
    'export class FieldApi<',
    '  T extends { a: string },',
    '> {',
    '  form: Form',
    '  run() {',
    '    const Made = class Inner {',
    '    }',
    '    this.',
  ].join('\n');
  assert.equal(enclosingClassByText(text, text.length)?.name, 'FieldApi');
  assert.equal(classesByText(text)(text.length), 'FieldApi');
  const open = `${text.slice(0, text.lastIndexOf('    }'))}`;
  assert.equal(enclosingClassByText(open, open.length)?.name, 'Inner');
});

test('TypeScript private / protected members are marked hidden (sources and declaration files); public, static and Python members are not', async () => {
  const a = await symbolsOf('file:///w/a.ts', 'export class A {\n  private foo(): void {}\n  protected static bar(x: number) { return x; }\n  public baz() {}\n  private readonly cache = new Map();\n  static make() { return new A(); }\n}\n', 'typescript');
  assert.deepEqual(['foo', 'bar', 'baz', 'cache', 'make', 'A'].map((n) => !!a[n]?.hidden), [true, true, false, true, false, false]);
  assert.equal(a.bar?.static, true);
  const b = await symbolsOf('file:///w/b.d.ts', 'export declare class B {\n  private foo;\n  protected bar(): void;\n  baz(): void;\n}\n', 'typescript');
  assert.deepEqual(['foo', 'bar', 'baz'].map((n) => !!b[n]?.hidden), [true, true, false]);
  const py = await symbolsOf('file:///w/c.py', 'class C:\n    def private(self):\n        pass\n', 'python');
  assert.equal(py.private?.hidden, undefined);
});

test('class members named private by convention are not exported: _x and mangled __x, not a dunder __x__ or a plain name', async () => {
  const py = await symbolsOf('file:///w/d.py', 'class D:\n    def _a(self):\n        pass\n\n    def __b(self):\n        pass\n\n    def __eq__(self, other):\n        pass\n\n    def c(self):\n        pass\n', 'python');
  assert.deepEqual(['_a', '__b', '__eq__', 'c'].map((n) => py[n]?.exported), [false, false, true, true]);
});

test("a Python module's __all__: literal assignments, += / .extend / .append, a later = starting over; computed or absent → none", async () => {
  const starNames = async (text: string) => {
    const uri = `file:///w/all${Math.random()}.py`;
    const doc = { uri, version: 1, text, languageId: 'python' };
    const record = recordOf({ uri, text }, 'python', await syntax.declarations(doc), await syntax.imports(doc));
    syntax.close(uri);
    return record.starNames;
  };
  assert.deepEqual(await starNames("__all__ = ('a', \"b\")\n__all__ += ['c']\n__all__.extend([\n    'd',  # 'not_a_name' in a comment\n])\n__all__.append('_e')\n"), ['a', 'b', 'c', 'd', '_e']);
  assert.deepEqual(await starNames("__all__: list[str] = ['old']\n__all__ = ['new']\n"), ['new']);
  assert.equal(await starNames("from . import core\n__all__ = core.__all__ + ['x']\n"), undefined);
  assert.equal(await starNames('def f():\n    __all__ = ["inner"]\n'), undefined);
});
