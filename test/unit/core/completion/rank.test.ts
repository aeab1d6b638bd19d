/** Re-ranking with the scope weights (CodeFill) on built cases, with the real syntax service. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { SyntaxService } from '../../../../src/core/syntax';
import { nameUses, rankScore, scopeModel, scopeWeights, structureLogWeight, unknownNameWeight } from '../../../../src/core/completion/rank';
import { receiverMembers } from '../../../../src/core/completion/rank/scope';
import { cardinalPoint } from '../../../../src/core/completion/identifiers';

const syntax = new SyntaxService();
after(() => syntax.dispose());

const python = `import os


class Point:
    def __init__(self, x):
        self.x = x

    def norm(self):
        return abs(self.x)


def main(limit):
    p = Point(1)
    total = 0
    `;

async function model(text: string, languageId: string) {
  const doc = { uri: `test:rank:${languageId}`, version: 1, text, languageId };
  const m = await scopeModel(syntax, doc, text.length);
  assert.ok(m);
  return { doc, m };
}

test('scope model: locals and parameters of the enclosing function, file names, imports, class members; receivers resolve to their class', async () => {
  const { doc, m } = await model(python, 'python');
  assert.equal(m.visible.get('total')?.source, 'function');
  assert.equal(m.visible.get('limit')?.source, 'function');
  assert.equal(m.visible.get('Point')?.source, 'file');
  assert.equal(m.visible.get('os')?.source, 'import');
  assert.equal(m.visible.has('x'), false, 'a class member is not a bare name');
  const members = receiverMembers(m, 'p', doc, python.length);
  assert.deepEqual([...(members?.keys() ?? [])].sort(), ['__init__', 'norm', 'x']);
});

test('names are weighted by kind × scope; names that exist nowhere are weighted down; names the candidate binds are neutral', async () => {
  const { doc, m } = await model(python, 'python');
  const uses = nameUses('result = p.norm() + total + Point(limit).x + mystery', '    ', m, doc, python.length);
  const w = Object.fromEntries(uses.map((u) => [u.name, u.weight]));
  assert.equal(w.result, 1);
  assert.equal(w.norm, scopeWeights.attribute.class);
  assert.equal(w.total, scopeWeights.variable.function);
  assert.equal(w.Point, scopeWeights.function.file);
  assert.equal(w.limit, scopeWeights.variable.function);
  assert.equal(w.mystery, unknownNameWeight);
  assert.equal(uses.find((u) => u.name === 'p')?.weight, scopeWeights.variable.function, 'p is a local of the enclosing function');
});

test('re-ranking weights change the order: a declared method beats a more probable invented one', async () => {
  const { doc, m } = await model(python, 'python');
  const candidates = [
    { text: 'result = p.nrom()', logprob: -3.0, tokens: 6 },
    { text: 'result = p.norm()', logprob: -3.4, tokens: 6 },
  ];
  const plain = [...candidates].sort((a, b) => rankScore({ ...b, structure: 0 }) - rankScore({ ...a, structure: 0 }));
  assert.equal(plain[0]!.text, 'result = p.nrom()');
  const weighted = [...candidates].sort(
    (a, b) => rankScore({ ...b, structure: structureLogWeight(nameUses(b.text, '    ', m, doc, python.length)) }) - rankScore({ ...a, structure: structureLogWeight(nameUses(a.text, '    ', m, doc, python.length)) }),
  );
  assert.equal(weighted[0]!.text, 'result = p.norm()');
});

test('typescript: this. resolves to the enclosing class; strings and comments are not names', async () => {
  const before = `import { readFileSync } from 'node:fs';
class Counter {
  private count = 0;
  increment(by: number): void {
    `;
  const ts = before + '\n  }\n}\n';
  const doc = { uri: 'test:rank:ts', version: 1, text: ts, languageId: 'typescript' };
  const m = (await scopeModel(syntax, doc, before.length))!;
  const uses = nameUses('this.count += by; // nothing here\n    log("readFileSync")', '    ', m, doc, before.length);
  assert.deepEqual(
    uses.map((u) => [u.name, u.why]),
    [
      ['this', 'keyword'],
      ['count', 'member'],
      ['by', 'declared'],
      ['log', 'unknown'],
    ],
  );
});

test('cardinal points', () => {
  assert.deepEqual(cardinalPoint('    print(p.'), { kind: 'member', after: '.', receiver: 'p', typed: '' });
  assert.deepEqual(cardinalPoint('    print(p.no'), { kind: 'member', after: '.', receiver: 'p', typed: 'no' });
  assert.equal(cardinalPoint('    return ')?.kind, 'keyword');
  assert.equal(cardinalPoint('    return')?.kind, undefined, 'no space yet: the keyword is being typed');
  assert.equal(cardinalPoint('f(a, ')?.kind, 'comma');
  assert.equal(cardinalPoint('x = y + ')?.kind, 'operator');
  assert.equal(cardinalPoint('items[')?.kind, 'bracket');
  assert.equal(cardinalPoint('x = 1.'), undefined);
  assert.equal(cardinalPoint('    foo '), undefined);
});
