/**
 * Statement completion and ranked identifiers with the shipped model (models/tokenwise-code-small)
 * and the real syntax service, through the one pipeline.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { OnnxEngine } from '../../../../src/core/inference/onnx/engine';
import { complete, createCompletionSession, type CompletionSession } from '../../../../src/core/completion/pipeline';
import { breaksParse } from '../../../../src/core/completion/statement';
import { completionDocument } from '../../../../src/core/completion/unit';
import { completeIdentifiers } from '../../../../src/core/completion/identifiers';
import { SyntaxService } from '../../../../src/core/syntax';
import type { InferenceBackend } from '../../../../src/core/inference/types';
import { shippedModelDir } from '../../helpers/paths';

const syntax = new SyntaxService();
const enginePromise = OnnxEngine.load({ modelDir: shippedModelDir, provider: 'cpu', threads: 1, kvCacheMB: 64 });
const sessionPromise = enginePromise.then(async (e) => ({ ...(await createCompletionSession(e, e.tokenizer)), syntax }));
after(async () => {
  await (await enginePromise).dispose();
  syntax.dispose();
});

const classDoc = {
  prefix: 'class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n\n    def norm(self):\n        total = self.x * self.x + self.y * self.y\n        ',
  suffix: '\n\n    def scale(self, k):\n        return Point(self.x * k, self.y * k)\n',
};

test('a statement on an empty line in a block: the candidates stop where the syntax says, never past the block, and parse', async () => {
  const session = await sessionPromise;
  const r = await complete(session, { ...classDoc, mode: 'exact', order: 'psm', maxNewTokens: 64, statement: { unit: 'statement', beamWidth: 4, languageId: 'python' } });
  assert.equal(r.unit, 'statement');
  assert.equal(r.decoding, 'beam');
  assert.notEqual(r.text, '');
  const doc = completionDocument(classDoc.prefix, classDoc.suffix, { languageId: 'python' })!;
  for (const text of [r.text, ...(r.alternatives ?? [])]) {
    assert.equal(await breaksParse(syntax, doc, classDoc.prefix.length, text), false, JSON.stringify(text));
    // Inserted, the text is one statement of the method body: the statement at the cursor ends inside it.
    const inserted = { uri: 'test:inserted', version: 1, languageId: 'python', text: classDoc.prefix + text + classDoc.suffix };
    const s = await syntax.statementAt(inserted, classDoc.prefix.length + 1);
    assert.ok(s && s.start === classDoc.prefix.length && s.end <= classDoc.prefix.length + text.length, JSON.stringify(text));
    assert.equal(s.depth, 2, 'inside the method body');
  }
  // Without structure the same beams run on into more statements (cut by the line policy only).
  const plain = await complete(session, { ...classDoc, mode: 'exact', order: 'psm', maxNewTokens: 64, statement: { unit: 'statement', beamWidth: 4, languageId: 'python', structure: false } });
  assert.equal(plain.unit, 'line');
  assert.ok(plain.text.split('\n').length >= r.text.split('\n').length);
});

test('beams that break the parse are rejected: nothing rather than a broken statement', async () => {
  const session = await sessionPromise;
  const prefix = 'def area(w, h):\n    result = w * ';
  const suffix = '\n    return result\n';
  const doc = completionDocument(prefix, suffix, { languageId: 'python' })!;
  const plain = await complete(session, { prefix, suffix, mode: 'exact', order: 'psm', maxNewTokens: 32, statement: { unit: 'statement', beamWidth: 4, languageId: 'python', structure: false } });
  assert.notEqual(plain.text, '');
  assert.equal(await breaksParse(syntax, doc, prefix.length, plain.text), true, `the model's best without structure breaks the parse: ${JSON.stringify(plain.text)}`);
  const r = await complete(session, { prefix, suffix, mode: 'exact', order: 'psm', maxNewTokens: 32, statement: { unit: 'statement', beamWidth: 4, languageId: 'python' } });
  assert.equal(r.unit, 'rest');
  for (const text of [r.text, ...(r.alternatives ?? [])]) if (text) assert.equal(await breaksParse(syntax, doc, prefix.length, text), false, JSON.stringify(text));
  assert.notEqual(r.text, plain.text);
});

test('typescript block after `{`: stops at the closing brace; greedy (width 1) is the cheaper setting', async () => {
  const session = await sessionPromise;
  const prefix = 'function area(w: number, h: number): number {\n  ';
  const suffix = '\n}\n\nfunction other(): number {\n  return 1;\n}\n';
  for (const beamWidth of [4, 1]) {
    const r = await complete(session, { prefix, suffix, mode: 'exact', order: 'psm', maxNewTokens: 48, statement: { unit: 'statement', beamWidth, languageId: 'typescript' } });
    assert.equal(r.unit, 'block');
    assert.ok(!/^\}/m.test(r.text), `no closing brace of the block: ${JSON.stringify(r.text)}`);
    assert.ok(!r.text.includes('function other'));
    if (beamWidth === 1) assert.deepEqual(r.alternatives, []);
  }
});

test('without engine beam search: greedy plus rescored alternatives (the fallback path)', async () => {
  const engine = await enginePromise;
  const info = await engine.info();
  // The real engine, its beam search capability switched off.
  const noBeams: InferenceBackend = Object.assign(Object.create(engine) as OnnxEngine, { generateBeams: undefined, info: async () => ({ ...info, capabilities: { ...info.capabilities, beamSearch: false } }) });
  const session: CompletionSession = { ...(await createCompletionSession(noBeams, engine.tokenizer)), syntax };
  const r = await complete(session, { ...classDoc, mode: 'naive', order: 'psm', maxNewTokens: 32, statement: { unit: 'statement', beamWidth: 3, languageId: 'python', structure: false } });
  assert.equal(r.decoding, 'greedy+rescore');
  assert.ok((r.alternatives ?? []).length >= 1);
});

test('identifier list at `obj.`: the declared members come first, with kind and source; without structure only model names', async () => {
  const session = await sessionPromise;
  const prefix = 'class Point:\n    def __init__(self, x, y):\n        self.x = x\n        self.y = y\n\n    def norm(self):\n        return (self.x ** 2 + self.y ** 2) ** 0.5\n\n\ndef main():\n    p = Point(1, 2)\n    print(p.';
  const suffix = ')\n';
  await completeIdentifiers(session, syntax, { prefix, suffix, languageId: 'python', timeBudgetMs: 5000 }); // warm-up (grammar, prefix cache)
  const r = await completeIdentifiers(session, syntax, { prefix, suffix, languageId: 'python', timeBudgetMs: 5000 });
  assert.equal(r.point, 'member');
  assert.ok(r.items.length <= 10);
  const members = ['__init__', 'norm', 'x', 'y'];
  assert.deepEqual(r.items.slice(0, 4).map((i) => i.name).sort(), members);
  for (const i of r.items.slice(0, 4)) {
    assert.equal(i.source, 'class');
    assert.equal(typeof i.logprob, 'number', 'scored by the model');
  }
  assert.equal(r.items.find((i) => i.name === 'norm')?.kind, 'method');
  assert.equal(r.items.find((i) => i.name === 'x')?.kind, 'attribute');
  const plain = await completeIdentifiers(session, syntax, { prefix, suffix, languageId: 'python', structure: false, timeBudgetMs: 5000 });
  assert.ok(plain.items.every((i) => i.source === 'model'));
  // Typing narrows the list to names that start with what is typed.
  const typed = await completeIdentifiers(session, syntax, { prefix: prefix + 'no', suffix, languageId: 'python', timeBudgetMs: 5000 });
  assert.equal(typed.typed, 'no');
  assert.equal(typed.items[0]?.name, 'norm');
  assert.ok(typed.items.every((i) => i.name.startsWith('no')));
});

test('identifier list: not at a cardinal point nor while typing → nothing; a spent budget returns what is ready', async () => {
  const session = await sessionPromise;
  const none = await completeIdentifiers(session, syntax, { prefix: 'x = 1\nfoo ', suffix: '\n', languageId: 'python' });
  assert.deepEqual(none.items, []);
  const r = await completeIdentifiers(session, syntax, { prefix: 'def f(values):\n    total = 0\n    return ', suffix: '\n', languageId: 'python', timeBudgetMs: 0 });
  assert.equal(r.partial, true);
  assert.ok(r.items.some((i) => i.name === 'total' || i.name === 'values'), 'declared names are still offered');
});
