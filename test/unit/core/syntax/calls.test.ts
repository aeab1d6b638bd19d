/** `syntax.callExpression`: one call read from a snippet with the real grammars, or why it is not one. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SyntaxService } from '../../../../src/core/syntax';

const syntax = new SyntaxService();
after(() => syntax.dispose());

const read = async (text: string, language: string) => {
  const r = await syntax.callExpression(text, language);
  return 'call' in r ? r.call : r.problem;
};

test('Python: callee chain, keyword and splat arguments, await, an assignment around the call', async () => {
  const c = await read('await self.repo.find("a", *xs, limit=3, **kw)', 'python');
  assert.ok(typeof c !== 'string');
  assert.equal(c.callee, 'self.repo.find');
  assert.equal(c.receiver, 'self.repo');
  assert.equal(c.name, 'find');
  assert.equal(c.awaited, true);
  assert.deepEqual(c.args.map((a) => [a.kind, a.name ?? '']), [['positional', ''], ['spread', ''], ['keyword', 'limit'], ['keywordSpread', '']]);
  const assigned = await read('n = reorder_threshold(1.5, 3)  # comment', 'python');
  assert.ok(typeof assigned !== 'string');
  assert.equal(assigned.text, 'reorder_threshold(1.5, 3)');
  assert.equal(assigned.receiver, '');
  const chained = await read('make().run(1)', 'python');
  assert.ok(typeof chained !== 'string');
  assert.equal(chained.receiver, 'make()');
});

test('TypeScript / JavaScript: member calls, new, spread', async () => {
  const c = await read('await api.client.get(url, ...rest);', 'typescript');
  assert.ok(typeof c !== 'string');
  assert.equal(c.callee, 'api.client.get');
  assert.deepEqual(c.args.map((a) => a.kind), ['positional', 'spread']);
  const n = await read('new Cart(items)', 'javascript');
  assert.ok(typeof n !== 'string');
  assert.equal(n.construct, true);
  assert.equal(n.name, 'Cart');
});

test('not one call: a parse error, two statements, a declaration, a non-call, a computed callee', async () => {
  assert.equal(await read('foo(', 'python'), 'it does not parse');
  assert.equal(await read('a(1)\nb(2)', 'python'), 'it is 2 statements, not one call');
  assert.equal(await read('const x = f(1);', 'typescript'), 'it is a lexical declaration, not a call');
  assert.equal(await read('x + 1', 'python'), 'it is not a call expression');
  assert.equal(await read('handlers[0](1)', 'python'), 'its callee `handlers[0]` is not a name or a member access');
  await assert.rejects(syntax.callExpression('f()', 'cobol'), /No syntax support for 'cobol'/);
});
