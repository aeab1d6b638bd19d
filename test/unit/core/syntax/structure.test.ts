import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doc, service } from './fixtures';

const py = [
  'x = foo(1,',
  '        2)',
  'y = "a(b" + \\',
  "    'c'",
  '# comment (',
  '@dec',
  'def f(a):',
  '    if a:',
  '        return [1,',
  '                2]',
  '    return 0',
  'z = 3',
  '',
].join('\n');

test('Python statement ends: multi-line calls, line continuations, brackets in strings and comments, decorators', async () => {
  const d = doc(py, 'python');
  const text = d.text;
  const at = async (needle: string, delta = 0) => (await service.statementAt(d, text.indexOf(needle) + delta))!;
  const call = await at('2)');
  assert.equal(call.type, 'expression_statement');
  assert.equal(text.slice(call.start, call.end), 'x = foo(1,\n        2)');
  const cont = await at("'c'");
  assert.equal(text.slice(cont.start, cont.end), 'y = "a(b" + \\\n    \'c\'');
  const ret = await at('return [1', 3);
  assert.equal(ret.type, 'return_statement');
  assert.equal(ret.end, text.indexOf('2]') + 2);
  assert.equal(ret.depth, 2);
  const deco = await at('@dec');
  assert.equal(deco.type, 'decorated_definition');
  assert.equal(deco.kind, 'compound');
  assert.equal(deco.headerEnd, text.indexOf('if a:'));
  assert.equal(deco.end, text.indexOf('return 0') + 'return 0'.length);
  const z = await at('z = 3');
  assert.deepEqual([z.start, z.end, z.startPosition, z.endPosition], [text.indexOf('z = 3'), text.indexOf('z = 3') + 5, { line: 11, character: 0 }, { line: 11, character: 5 }]);
  // Right after the end of a statement, that statement (not the enclosing block) is the answer.
  const end = await service.statementAt(d, text.indexOf('return 0') + 8);
  assert.equal(end!.type, 'return_statement');
});

test('Python: where statements and blocks start', async () => {
  const d = doc(py, 'python');
  const text = d.text;
  const info = (offset: number) => service.positionInfo(d, offset);
  assert.equal((await info(0)).startsStatement, true);
  assert.equal((await info(text.indexOf('z = 3'))).startsStatement, true);
  assert.equal((await info(text.indexOf('\n        2)'))).startsStatement, false, 'inside an open call');
  assert.equal((await info(text.indexOf('if a:'))).startsBlock, true);
  assert.equal((await info(text.indexOf('if a:'))).startsStatement, true);
  assert.equal((await info(text.indexOf('return 0'))).startsBlock, false);
  assert.equal((await info(text.indexOf('return 0'))).startsStatement, true);
  assert.equal((await info(text.indexOf('a(b') + 1)).inString, true);
  assert.equal((await info(text.indexOf('# comment (') + 5)).inComment, true);
  assert.equal((await info(text.indexOf('# comment (') + 5)).startsStatement, false);
});

const js = ['const a = 1', 'let b = call(', '  a,', "  ')'", ')', 'if (a) {', '  b = 2', '}', '// {', 'const c = `x${a}`', ''].join('\n');

test('JavaScript without semicolons: statement ends, braces, strings and comments with brackets', async () => {
  const d = doc(js, 'javascript');
  const text = d.text;
  const b = (await service.statementAt(d, text.indexOf('  a,') + 2))!;
  assert.equal(b.type, 'lexical_declaration');
  assert.equal(text.slice(b.start, b.end), "let b = call(\n  a,\n  ')'\n)");
  const inner = (await service.statementAt(d, text.indexOf('b = 2')))!;
  assert.equal(inner.type, 'expression_statement');
  assert.equal(inner.depth, 1);
  const ifs = (await service.statementAt(d, text.indexOf('if (')))!;
  assert.equal(ifs.kind, 'compound');
  assert.equal(ifs.headerEnd, text.indexOf('{\n  b'));
  assert.equal(ifs.end, text.indexOf('}\n//') + 1);
  const c = (await service.statementAt(d, text.indexOf('const c')))!;
  assert.equal(text.slice(c.start, c.end), 'const c = `x${a}`');
  assert.equal((await service.positionInfo(d, text.indexOf('let b'))).startsStatement, true);
  assert.equal((await service.positionInfo(d, text.indexOf('  b = 2') + 2)).startsBlock, true);
  assert.equal((await service.positionInfo(d, text.indexOf('const c'))).startsStatement, true);
  assert.equal((await service.positionInfo(d, text.indexOf("')'") + 1)).inString, true);
  assert.equal((await service.positionInfo(d, text.indexOf('  a,'))).startsStatement, false);
});

test('TypeScript and Go: statements in classes and blocks', async () => {
  const ts = doc('class K {\n  f = 1;\n  m(): number { return this.f }\n}\n', 'typescript');
  const field = (await service.statementAt(ts, ts.text.indexOf('f = 1')))!;
  assert.equal(field.type, 'public_field_definition');
  const ret = (await service.statementAt(ts, ts.text.indexOf('this.f')))!;
  assert.equal(ret.type, 'return_statement');
  assert.equal(ret.depth, 2);
  const go = doc('package main\nfunc f() {\n\tx := g(1,\n\t\t2)\n\ty := 3\n}\n', 'go');
  const x = (await service.statementAt(go, go.text.indexOf('2)')))!;
  assert.equal(go.text.slice(x.start, x.end), 'x := g(1,\n\t\t2)');
});

test('errors and missing nodes in a range; parsesCleanly', async () => {
  const broken = doc('x = (1,\ny = 2\ndef ok():\n    pass\n', 'python');
  const issues = await service.errorsIn(broken);
  assert.ok(issues.length > 0);
  assert.deepEqual(await service.errorsIn(broken, { start: broken.text.indexOf('def ok'), end: broken.text.length }), []);
  assert.equal(await service.parsesCleanly('def f(a):\n    return a\n', 'python'), true);
  assert.equal(await service.parsesCleanly('def f(a:\n    return a\n', 'python'), false);
  assert.equal(await service.parsesCleanly('const a = {b: 1', 'typescript'), false);
  const missing = await service.errorsIn(doc('int f() { return 1 }', 'java'));
  assert.deepEqual(missing.map((e) => [e.kind, e.expected]), [['missing', ';']]);
  assert.equal(await service.parsesCleanly('fn main() { let x = 1; }', 'rust'), true);
});

test('checkInsertion: a completion that closes the statement is clean and is cut at its end; one that breaks the parse is not', async () => {
  const d = doc('def f():\n    x = foo(\n\nz = 1\n', 'python');
  const at = d.text.indexOf('foo(') + 4;
  const good = await service.checkInsertion(d, at, 'a, b)\n    y = 2\n');
  assert.equal(good.clean, true);
  assert.equal(good.statementEnd, 'a, b)'.length);
  const partial = await service.checkInsertion(d, at, 'a, ');
  assert.equal(partial.clean, true, 'still-open call: no error the document did not already have');
  assert.equal(partial.statementEnd, undefined);
  const bad = await service.checkInsertion(d, at, 'a))');
  assert.equal(bad.clean, false);
  assert.ok(bad.issues.length > 0);
  const ts = doc('const v = compute(', 'typescript');
  const tsGood = await service.checkInsertion(ts, ts.text.length, '1, 2);\nconst w = 3;');
  assert.equal(tsGood.clean, true);
  assert.equal(tsGood.statementEnd, '1, 2);'.length);
  assert.equal((await service.checkInsertion(ts, ts.text.length, '1, 2));')).clean, false);
});
