/**
 * Statement completion's unit and syntax stop on fixtures per language: where a candidate
 * stops is decided by the tree of the document with the candidate inserted.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SyntaxService } from '../../../../src/core/syntax';
import { completionDocument, decideUnit, syntaxCut, type UnitDecision } from '../../../../src/core/completion/unit';
import { cursorLine } from '../../../../src/core/completion/typing/policy';
import { normalizeLead, pythonIndentationOk } from '../../../../src/core/completion/statement';

const syntax = new SyntaxService();
after(() => syntax.dispose());

/** `|` marks the cursor. */
async function unitAt(languageId: string, marked: string): Promise<UnitDecision> {
  const at = marked.indexOf('|');
  const prefix = marked.slice(0, at);
  const suffix = marked.slice(at + 1);
  const doc = completionDocument(prefix, suffix, { languageId, uri: `test:${languageId}` })!;
  const unit = await decideUnit(syntax, doc, prefix.length, cursorLine(prefix, suffix));
  assert.ok(unit, 'a unit');
  return unit;
}

async function cut(languageId: string, marked: string, candidate: string): Promise<{ kind: string; kept: string | undefined; ranPast: boolean }> {
  const unit = await unitAt(languageId, marked);
  const r = await syntaxCut(syntax, unit, candidate);
  return { kind: unit.kind, kept: r.end === undefined ? undefined : candidate.slice(0, r.end), ranPast: r.ranPast };
}

test('python: a block after `:` ends at the dedent; the body may hold several statements', async () => {
  const doc = 'def area(w, h):\n    |\n\nprint(area(2, 3))\n';
  const r = await cut('python', doc, 'result = w * h\n    return result\n\ndef other():\n    pass');
  assert.equal(r.kind, 'block');
  assert.equal(r.kept, 'result = w * h\n    return result');
  assert.equal(r.ranPast, true);
  // Still inside the block: not ended yet.
  assert.deepEqual(await cut('python', doc, 'result = w * h\n    return res'), { kind: 'block', kept: undefined, ranPast: false });
});

test('python: an empty line inside a block takes one whole statement (a compound one with its body), never past the block', async () => {
  const doc = 'class Point:\n    def __init__(self, x):\n        self.x = x\n        |\n\n    def norm(self):\n        return abs(self.x)\n';
  const one = await cut('python', doc, 'self.y = 0\n        self.z = 0');
  assert.equal(one.kind, 'statement');
  assert.equal(one.kept, 'self.y = 0');
  const compound = await cut('python', doc, 'if x > 0:\n            self.y = x\n        else:\n            self.y = 0\n        self.z = 1');
  assert.equal(compound.kept, 'if x > 0:\n            self.y = x\n        else:\n            self.y = 0');
  // A dedent ends the block (and the unit) first.
  const dedent = await cut('python', doc, 'self.y = 0\n\n    def other(self):\n        pass');
  assert.equal(dedent.kept, 'self.y = 0');
});

test('python: the rest of a statement, continued over a multi-line call, and with brackets inside strings', async () => {
  const call = await cut('python', 'def f(a, b):\n    total = compute(a,|\n    return total\n', '\n        b, "x)")\n    print(total)');
  assert.equal(call.kind, 'rest');
  assert.equal(call.kept, '\n        b, "x)")');
  const str = await cut('python', 'x = 1\nlabel = "(" + |\n', 'name + ")"\nprint(label)');
  assert.equal(str.kept, 'name + ")"');
});

test('typescript: braces end the block; a semicolon-less statement ends at its line', async () => {
  const block = await cut('typescript', 'function area(w: number, h: number): number {\n  |\n}\n\nconsole.log(area(2, 3));\n', 'const r = w * h;\n  return r;\n}\n\nfunction other() {}');
  assert.equal(block.kind, 'block');
  assert.equal(block.kept, 'const r = w * h;\n  return r;');
  const asi = await cut('typescript', 'const a = 1\nconst b = a +|\n', ' 2\nconst c = b * 2\n');
  assert.equal(asi.kind, 'rest');
  assert.equal(asi.kept, ' 2');
  const sameLine = await cut('typescript', 'let n = 0;\nn = |', 'n + 1; n = n * 2;');
  assert.equal(sameLine.kept, 'n + 1;');
});

test('javascript: a multi-line call and a template literal with braces stay one statement', async () => {
  const r = await cut('javascript', 'const items = [1, 2];\nconst out = items.map((x) =>|\n', ' `${x}{`,\n);\nconsole.log(out);');
  assert.equal(r.kept, ' `${x}{`,\n);');
  const stmt = await cut('javascript', 'function f(x) {\n  const y = x;\n  |\n  return y;\n}\n', 'if (y) {\n    log(`}`);\n  }\n  const z = 1;');
  assert.equal(stmt.kind, 'statement');
  assert.equal(stmt.kept, 'if (y) {\n    log(`}`);\n  }');
});

test('inside a string or comment the syntax gives no unit; text right of the cursor keeps it on one line', async () => {
  const doc = completionDocument('x = "abc', 'def"\n', { languageId: 'python' })!;
  assert.equal(await decideUnit(syntax, doc, 'x = "abc'.length, cursorLine('x = "abc', 'def"\n')), undefined);
  const right = await unitAt('python', 'value = compute(|)\n');
  assert.equal(right.kind, 'rest');
  assert.equal(right.multiline, false);
  assert.equal(completionDocument('a', 'b', { languageId: 'plaintext' }), undefined);
});

test('python indentation, which tree-sitter accepts loosely: deeper only after a block opener or inside brackets, back only to an enclosing level', () => {
  const before = 'class A:\n    def f(self):\n        x = 1\n';
  assert.equal(pythonIndentationOk('        ', 'if x:\n            y = 2\n        z = 3', before), true);
  assert.equal(pythonIndentationOk('        ', 'y = 2\n            z = 3', before), false, 'unexpected indent');
  assert.equal(pythonIndentationOk('        ', 'if x:\n        y = 2', before), false, 'a block opener without a body');
  assert.equal(pythonIndentationOk('        ', 'y = 2\n      z = 3', before), false, 'a dedent to no enclosing level');
  assert.equal(pythonIndentationOk('        ', 'y = 2\n\n    def g(self):\n        pass', before), true, 'back to the class level');
  assert.equal(pythonIndentationOk('        ', 'y = f(1,\n              2)', before), true, 'a continuation inside brackets');
});

test('a candidate the model indented once more after the cursor is dedented as a whole', () => {
  assert.equal(normalizeLead('    if x:\n            y\n        z', '    '), 'if x:\n        y\n    z');
  assert.equal(normalizeLead('if x:\n        y', '    '), 'if x:\n        y', 'no lead: unchanged');
  assert.equal(normalizeLead('  y', 'x ='), '  y', 'only on an indentation-only line');
});
