import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenLabel, tokenTypes } from '../../../../src/core/syntax';
import { doc, fixture, labeller, service } from './fixtures';

/** Hand labels: [token text, occurrence, label]. */
type Labels = [string, number, string][];

const labels: Record<string, Labels> = {
  'sample.py': [
    ['import', 0, 'IMPORT'], ['os', 0, 'MODULE'], ['osp', 0, 'ALIAS'], ['sys', 0, 'MODULE'], ['numpy', 0, 'MODULE'],
    ['linalg', 0, 'MODULE'], ['x', 0, 'LIBRARY'], ['y', 0, 'ALIAS'], ['a', 0, 'LIBRARY'], ['b', 0, 'LIBRARY'], ['c', 0, 'ALIAS'],
    ['m', 0, 'MODULE'], ['*', 0, 'OPERATOR'], ['LIMIT', 0, 'GLOBAL_VARIABLE'], ['10', 0, 'NUMBER'], ['@', 0, 'PUNCTUATION'],
    ['decorate', 0, 'FUNCTION_CALL'], ['class', 0, 'CLASS'], ['Shape', 0, 'CLASS_NAME'], ['Base', 0, 'GLOBAL_VARIABLE'],
    ['sides', 0, 'ATTRIBUTE'], ['def', 0, 'DEF'], ['area', 0, 'FUNCTION_NAME'], ['self', 0, 'PARAMETER'], ['scale', 0, 'PARAMETER'],
    ['float', 0, 'CLASS_NAME'], ['1.0', 0, 'NUMBER'], ['args', 0, 'PARAMETER'], ['flag', 0, 'PARAMETER'], ['False', 0, 'FALSE'],
    ['kw', 0, 'PARAMETER'], ['->', 0, 'PUNCTUATION'], ['self', 1, 'PARAMETER'], ['cache', 0, 'ATTRIBUTE'], ['total', 0, 'LOCAL_VARIABLE'],
    ['osp', 1, 'ALIAS'], ['join', 0, 'METHOD_CALL'], ['"a"', 0, 'STRING'], ["'b'", 0, 'STRING'],
    ['# comment (with brackets]', 0, 'COMMENT'], ['return', 0, 'RETURN'], ['total', 1, 'LOCAL_VARIABLE'], ['strip', 0, 'METHOD_CALL'],
    ['+', 0, 'OPERATOR'], ['helper', 0, 'FUNCTION_CALL'], ['key', 0, 'PARAMETER'], ['=', 3, 'OPERATOR'], ['LIMIT', 1, 'GLOBAL_VARIABLE'],
    ['helper', 1, 'FUNCTION_NAME'], ['v', 0, 'PARAMETER'], ['None', 0, 'NONE'], ['# Helper comment', 0, 'COMMENT'],
    ['squares', 0, 'LOCAL_VARIABLE'], ['n', 0, 'LOCAL_VARIABLE'], ['for', 0, 'FOR'], ['range', 0, 'FUNCTION_CALL'], ['v', 1, 'PARAMETER'],
    ['len', 0, 'FUNCTION_CALL'], ['squares', 1, 'LOCAL_VARIABLE'], ['if', 0, 'IF'], ['key', 2, 'PARAMETER'], ['else', 0, 'ELSE'],
    ['sys', 1, 'MODULE'], ['maxsize', 0, 'ATTRIBUTE'], ['(', 0, 'PUNCTUATION'], [',', 0, 'PUNCTUATION'],
  ],
  'sample.ts': [
    ['React', 0, 'LIBRARY'], ['useState', 0, 'LIBRARY'], ['useS', 0, 'ALIAS'], ['useMemo', 0, 'LIBRARY'], ['path', 0, 'MODULE'],
    ["'react'", 0, 'STRING'], ['type', 0, 'TYPE'], ['Options', 0, 'LIBRARY'], ['fs', 0, 'MODULE'], ['require', 0, 'REQUIRE'],
    ['helper', 0, 'LIBRARY'], ['readFile', 0, 'LIBRARY'], ['writeFile', 0, 'ATTRIBUTE'], ['write', 0, 'ALIAS'], ['lodash', 0, 'MODULE'],
    ['require', 1, 'FUNCTION_CALL'], ['export', 2, 'EXPORT'], ['function', 0, 'FUNCTION'], ['add', 0, 'FUNCTION_NAME'],
    ['x', 0, 'PARAMETER'], ['number', 0, 'KEYWORD_NUMBER'], ['y', 0, 'PARAMETER'], ['2', 0, 'NUMBER'], ['...', 0, 'OPERATOR'],
    ['rest', 0, 'PARAMETER'], ['sum', 0, 'LOCAL_VARIABLE'], ['x', 1, 'PARAMETER'], ['sum', 1, 'LOCAL_VARIABLE'], ['rest', 1, 'PARAMETER'],
    ['length', 0, 'ATTRIBUTE'], ['// A counter.', 0, 'COMMENT'], ['Counter', 0, 'CLASS_NAME'], ['Base', 0, 'GLOBAL_VARIABLE'],
    ['Options', 1, 'LIBRARY'], ['private', 0, 'PRIVATE'], ['count', 0, 'ATTRIBUTE'], ['constructor', 0, 'FUNCTION_NAME'],
    ['step', 0, 'PARAMETER'], ['super', 0, 'SUPER'], ['this', 0, 'THIS'], ['label', 0, 'ATTRIBUTE'], ["'c'", 0, 'STRING'],
    ['increment', 0, 'FUNCTION_NAME'], ['by', 0, 'PARAMETER'], ['void', 0, 'VOID'], ['+=', 0, 'OPERATOR'], ['??', 0, 'OPERATOR'],
    ['step', 1, 'ATTRIBUTE'], ['console', 0, 'GLOBAL_VARIABLE'], ['log', 0, 'METHOD_CALL'], ['path', 1, 'MODULE'], ['join', 0, 'METHOD_CALL'],
    ['`b${by}`', 0, 'STRING'], ['add', 1, 'FUNCTION_CALL'], ['new', 0, 'NEW'], ['Counter', 1, 'CLASS_NAME'], ['Shape', 0, 'CLASS_NAME'],
    ['sides', 0, 'ATTRIBUTE'], ['Id', 0, 'CLASS_NAME'], ['Color', 0, 'CLASS_NAME'], ['double', 0, 'FUNCTION_NAME'], ['n', 0, 'PARAMETER'],
    ['=>', 0, 'PUNCTUATION'], ['n', 1, 'PARAMETER'], ['later', 0, 'GLOBAL_VARIABLE'], ['{', 0, 'PUNCTUATION'], [';', 0, 'PUNCTUATION'],
  ],
  'sample.jsx': [
    ['render', 0, 'LIBRARY'], ['styles', 0, 'MODULE'], ['App', 0, 'FUNCTION_NAME'], ['title', 0, 'PARAMETER'], ['items', 0, 'LOCAL_VARIABLE'],
    ['2.5', 0, 'NUMBER'], ['div', 0, 'CLASS_NAME'], ['className', 0, 'ATTRIBUTE'], ['"app"', 0, 'STRING'], ['title', 1, 'PARAMETER'],
    [' text', 0, 'STRING'], ['div', 1, 'CLASS_NAME'], ['render', 1, 'LIBRARY'], ['App', 1, 'CLASS_NAME'], ['document', 0, 'GLOBAL_VARIABLE'],
    ['getElementById', 0, 'METHOD_CALL'],
  ],
  'sample.tsx': [
    ['React', 0, 'MODULE'], ['Button', 0, 'FUNCTION_NAME'], ['props', 0, 'PARAMETER'], ['label', 0, 'ATTRIBUTE'], ['string', 0, 'KEYWORD_STRING'],
    ['JSX', 0, 'GLOBAL_VARIABLE'], ['Element', 0, 'CLASS_NAME'], ['button', 0, 'CLASS_NAME'], ['onClick', 0, 'ATTRIBUTE'], ['props', 1, 'PARAMETER'],
    ['label', 1, 'ATTRIBUTE'],
  ],
  'sample.java': [
    ['com', 0, 'MODULE'], ['java', 0, 'MODULE'], ['List', 0, 'LIBRARY'], ['max', 0, 'LIBRARY'], ['/** A greeter. */', 0, 'COMMENT'],
    ['Greeter', 0, 'CLASS_NAME'], ['count', 0, 'ATTRIBUTE'], ['greet', 0, 'FUNCTION_NAME'], ['String', 0, 'CLASS_NAME'], ['name', 0, 'PARAMETER'],
    ['List', 1, 'LIBRARY'], ['n', 0, 'LOCAL_VARIABLE'], ['max', 1, 'LIBRARY'], ['count', 1, 'ATTRIBUTE'], ['log', 0, 'ATTRIBUTE'],
    ['info', 0, 'METHOD_CALL'], ['"hi "', 0, 'STRING'], ['n', 1, 'LOCAL_VARIABLE'],
  ],
  'sample.go': [
    ['main', 0, 'MODULE'], ['"fmt"', 0, 'STRING'], ['str', 0, 'ALIAS'], ['Point', 0, 'CLASS_NAME'], ['X', 0, 'ATTRIBUTE'], ['p', 0, 'PARAMETER'],
    ['Scale', 0, 'FUNCTION_NAME'], ['k', 0, 'PARAMETER'], ['total', 0, 'LOCAL_VARIABLE'], [':=', 0, 'OPERATOR'], ['fmt', 0, 'MODULE'],
    ['Println', 0, 'METHOD_CALL'], ['str', 1, 'ALIAS'], ['ToUpper', 0, 'METHOD_CALL'], ['Sqrt', 0, 'FUNCTION_CALL'], ['main', 1, 'FUNCTION_NAME'],
  ],
  'sample.rs': [
    ['std', 0, 'MODULE'], ['::', 0, 'PUNCTUATION'], ['HashMap', 0, 'LIBRARY'], ['util', 0, 'MODULE'], ['parse', 0, 'LIBRARY'],
    ['render', 0, 'LIBRARY'], ['draw', 0, 'ALIAS'], ['extra', 0, 'MODULE'], ['serde', 0, 'MODULE'], ['add', 0, 'FUNCTION_NAME'],
    ['a', 0, 'PARAMETER'], ['i32', 0, 'I32'], ['total', 0, 'LOCAL_VARIABLE'], ['println', 0, 'FUNCTION_CALL'], ['"{}"', 0, 'STRING'],
    ['pow', 0, 'METHOD_CALL'], ['Point', 0, 'CLASS_NAME'], ['x', 0, 'ATTRIBUTE'], ['norm', 0, 'FUNCTION_NAME'], ['scale', 0, 'PARAMETER'],
    ['x', 1, 'ATTRIBUTE'], ['scale', 1, 'PARAMETER'],
  ],
};

for (const [name, expected] of Object.entries(labels)) {
  test(`token types of ${name} match the hand labels`, async () => {
    const d = fixture(name);
    const label = labeller(d, await service.tokens(d));
    const wrong = expected.filter(([text, n, want]) => label(text, n) !== want).map(([text, n, want]) => `${text}#${n}: ${label(text, n)} (want ${want})`);
    assert.deepEqual(wrong, []);
  });
}

test('every token type occurs across the fixtures', async () => {
  const seen = new Set<string>();
  for (const name of Object.keys(labels)) for (const t of await service.tokens(fixture(name))) seen.add(t.type);
  assert.deepEqual(tokenTypes.filter((t) => t !== 'OTHER' && !seen.has(t)), []);
});

test('Python INDENT / DEDENT / EOS follow the logical lines', async () => {
  const d = doc('if a:\n    b = f(1,\n          2)\n    # note\nc = 2\n', 'python');
  const stream = (await service.tokens(d)).map((t) => (t.start === t.end ? tokenLabel(t) : d.text.slice(t.start, t.end)));
  assert.deepEqual(stream, ['if', 'a', ':', 'EOS', 'INDENT', 'b', '=', 'f', '(', '1', ',', '2', ')', 'EOS', '# note', 'DEDENT', 'c', '=', '2', 'EOS']);
  const one = doc('if a: b = 1\n@d\ndef g(): pass', 'python');
  const oneStream = (await service.tokens(one)).map((t) => (t.start === t.end ? tokenLabel(t) : one.text.slice(t.start, t.end)));
  assert.deepEqual(oneStream, ['if', 'a', ':', 'b', '=', '1', 'EOS', '@', 'd', 'EOS', 'def', 'g', '(', ')', ':', 'pass', 'EOS']);
});

test('tokens cover the text: every non-space character is in exactly one token, in order', async () => {
  for (const name of Object.keys(labels)) {
    const d = fixture(name);
    const tokens = (await service.tokens(d)).filter((t) => t.end > t.start);
    for (let i = 1; i < tokens.length; i++) assert.ok(tokens[i]!.start >= tokens[i - 1]!.end, `${name}: overlap at ${tokens[i]!.start}`);
    const covered = new Uint8Array(d.text.length);
    for (const t of tokens) covered.fill(1, t.start, t.end);
    const holes = [...d.text].length && d.text.split('').filter((ch, i) => !covered[i] && /\S/.test(ch));
    assert.deepEqual(holes, [], name);
  }
});

test('tokens of a range equal the full stream restricted to it (UTF-16 query ranges)', async () => {
  const d = fixture('sample.ts');
  const all = await service.tokens(d);
  const start = d.text.indexOf('export class');
  const end = d.text.indexOf('interface Shape');
  const part = await service.tokens(d, { start, end });
  assert.deepEqual(part, all.filter((t) => t.end > start && t.start < end));
  assert.ok(part.some((t) => t.type === 'METHOD_CALL'));
});

test('offsets are UTF-16 code units', async () => {
  const d = doc('s = "😀é中"\nvalue = len(s)\n', 'python');
  const tokens = await service.tokens(d);
  const len = tokens.find((t) => t.type === 'FUNCTION_CALL')!;
  assert.equal(d.text.slice(len.start, len.end), 'len');
  assert.equal(len.start, d.text.indexOf('len'));
});
