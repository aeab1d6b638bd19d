/** `eval api` case selection on a generated file: a bundle inlined as one string literal of megabytes (@effect/platform's httpApiScalar.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commentOrStringTest, longLine } from '../../../../src/tools/eval/apiEval';

test('calls inside a string literal longer than longLine are found in one pass over the line, as in a short one', () => {
  const calls = 'e.appendChild(document.createTextNode(\'.x{a:b}\')),t.push(\\"q\\"),';
  const bundle = calls.repeat(Math.ceil((longLine + 1000) / calls.length));
  const text = `/* eslint-disable */\n/** @internal */\nexport const javascript = "${bundle}"; foo.bar(1); // baz.qux(2)\nexport const short = "a.b(" + c.d(1)\n`;
  const offsets = [...text.matchAll(/\.([A-Za-z_$][\w$]*)\s*\(/g)].map((m) => m.index! + 1);
  assert.ok(offsets.length > 10_000);
  const hidden = commentOrStringTest(text, false);
  const t0 = performance.now();
  const shown = offsets.filter((o) => !hidden(o)).map((o) => /[\w$]+/.exec(text.slice(o))![0]);
  // The regular expressions read the line up to each offset again: minutes on this text.
  assert.ok(performance.now() - t0 < 3000, `${Math.round(performance.now() - t0)} ms`);
  assert.deepEqual(shown, ['bar', 'd']);
});

test('on a long line the lexer tells code from strings and comments (escapes, template literals, block comments, Python #)', () => {
  const pad = 'x'.repeat(longLine);
  const js = `a.b(); "s.t(\\" u.v(" + w.x(); \`y.z(\`; /* c.d( */ e.f(); // g.h( ${pad}\n`;
  const t = commentOrStringTest(js, false);
  const code = (name: string) => !t(js.indexOf(`.${name}(`) + 1);
  assert.deepEqual(['b', 't', 'v', 'x', 'z', 'd', 'f', 'h'].map(code), [true, false, false, true, false, false, true, false]);
  const py = `a.b() # c.d( ${pad}\n'e.f(' + g.h()  ${pad}\n`;
  const p = commentOrStringTest(py, true);
  assert.deepEqual(['b', 'd', 'f', 'h'].map((n) => !p(py.indexOf(`.${n}(`) + 1)), [true, false, false, true]);
});
