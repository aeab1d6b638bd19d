import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyntaxService, languageFromId, languageFromPath, wasmHeapBytes, type SyntaxDocument, type TextChange } from '../../../../src/core/syntax';
import { doc, fixture } from './fixtures';

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fragments: Record<string, string[]> = {
  'sample.py': ['x', ' = ', '(', ')', '\n', '    ', ':', 'def g(a):\n    return a\n', '"s"', '#', ',', '[1, 2]', 'if y:\n', '😀', '\\\n'],
  'sample.ts': ['x', ' = ', '(', ')', '{', '}', '\n', ';', 'function g(a: number) { return a }\n', '"s"', '`t${', '//', ',', '<T>', '😀é'],
  'sample.jsx': ['<div>', '</div>', '{', '}', 'x', '(', ')', '\n', ';', '"s"', '/>', 'const a = <A b="c" />;\n'],
  'sample.tsx': ['<b>', '</b>', '{', '}', 'x', ': string', '(', ')', '\n', '=>'],
  'sample.java': ['int x = 1;', '{', '}', '(', ')', ';', '\n', '"s"', 'void m() {}', '/**/', '.'],
  'sample.go': ['x := 1\n', '{', '}', '(', ')', '\n', '"s"', 'func g() {}\n', '//', '.'],
  'sample.rs': ['let x = 1;', '{', '}', '(', ')', ';', '\n', '"s"', 'fn g() {}\n', '//', '::', "'a"],
};

for (const name of Object.keys(fragments)) {
  test(`incremental parse equals a full parse under 240 random edits (${name})`, async () => {
    const random = rng(name.length * 7919 + 17);
    const incremental = new SyntaxService();
    const full = new SyntaxService();
    const start = fixture(name);
    let current: SyntaxDocument = { ...start, uri: `inc://${name}` };
    await incremental.parse(current);
    let incrementalParses = 0;
    for (let i = 1; i <= 240; i++) {
      const text = current.text;
      const changes: TextChange[] = [];
      let next = text;
      // One to three changes per version, applied in order (as VS Code reports them).
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
        const offset = Math.floor(random() * (next.length + 1));
        const length = random() < 0.5 ? 0 : Math.min(next.length - offset, Math.floor(random() * 6));
        const pool = fragments[name]!;
        const insert = random() < 0.75 ? pool[Math.floor(random() * pool.length)]! : '';
        changes.push({ rangeOffset: offset, rangeLength: length, text: insert });
        next = next.slice(0, offset) + insert + next.slice(offset + length);
      }
      current = { ...current, version: i, text: next };
      // Half the versions come with the change events, half only with the new text (diffed).
      const info = await incremental.parse(current, i % 2 ? changes : undefined);
      if (info.incremental) incrementalParses++;
      const fresh = { ...current, uri: `full://${i}/${name}` };
      const expected = await full.treeText(fresh);
      full.close(fresh.uri);
      const actual = await incremental.treeText(current);
      if (actual !== expected) assert.fail(`edit ${i}: incremental tree differs from a full parse\n${JSON.stringify(changes)}`);
    }
    assert.equal(incrementalParses, 240);
    incremental.dispose();
    full.dispose();
  });
}

test('trees are freed: the WASM heap does not grow over 10k parse + free cycles', async () => {
  const service = new SyntaxService();
  const text = fixture('sample.py').text;
  const cycle = async (i: number) => {
    // A new text each time: a full parse, the tree freed when the next version replaces it.
    const d = { uri: 'mem://heap', version: i, languageId: 'python', text: `${text}\nv${i} = ${i}\n` };
    await service.parse(d);
  };
  for (let i = 0; i < 300; i++) await cycle(i);
  const before = wasmHeapBytes();
  assert.ok(before > 0);
  for (let i = 300; i < 10_300; i++) await cycle(i);
  assert.equal(wasmHeapBytes(), before, 'heap grew: trees are leaking');
  service.dispose();

  // The measurement can see a leak: keeping 3000 trees of a large text grows the heap.
  const keeper = new SyntaxService({ maxTrees: 100_000, maxCachedChars: Number.MAX_SAFE_INTEGER });
  const big = fixture('sample.ts').text.repeat(4);
  for (let i = 0; i < 3000; i++) await keeper.parse({ uri: `mem://keep/${i}`, version: 1, languageId: 'typescript', text: big + `\n// ${i}` });
  assert.ok(wasmHeapBytes() > before, 'kept trees should need more heap');
  assert.equal(keeper.stats().trees, 3000);
  keeper.dispose();
  assert.equal(keeper.stats().trees, 0);
});

test('LRU bound on cached trees by count and by text size', async () => {
  const byCount = new SyntaxService({ maxTrees: 3 });
  for (let i = 0; i < 5; i++) await byCount.parse(doc(`x${i} = ${i}\n`, 'python', `mem://lru/${i}`));
  assert.equal(byCount.stats().trees, 3);
  // The most recently used survive: touching 2 keeps it when 5 arrives.
  await byCount.parse({ uri: 'mem://lru/2', version: 1, languageId: 'python', text: 'x2 = 2\n' });
  await byCount.parse(doc('x5 = 5\n', 'python', 'mem://lru/5'));
  const info = await byCount.parse({ uri: 'mem://lru/2', version: 1, languageId: 'python', text: 'x2 = 2\n' });
  assert.equal(info.parseMs, 0, 'mem://lru/2 should still be cached');
  byCount.dispose();
  const bySize = new SyntaxService({ maxCachedChars: 100 });
  for (let i = 0; i < 4; i++) await bySize.parse(doc('a = 1\n'.repeat(8), 'python', `mem://size/${i}`));
  assert.ok(bySize.stats().cachedChars <= 100);
  assert.equal(bySize.stats().trees, 2);
  bySize.dispose();
});

test('too large: a size limit and a time budget, and the parser still works afterwards', async () => {
  const small = new SyntaxService({ maxDocumentChars: 50 });
  await assert.rejects(small.parse(doc('x = 1\n'.repeat(20), 'python')), /too large.*120 UTF-16 units; limit 50/);
  const slow = new SyntaxService({ parseBudgetMs: 1 });
  await assert.rejects(slow.parse(doc('def f(a, b):\n    return [a, b, (a + b) * 2]\n'.repeat(40_000), 'python')), /too large to parse within 1 ms/);
  const ok = new SyntaxService();
  assert.equal((await ok.parse(doc('y = 2\n', 'python'))).hasError, false);
  assert.deepEqual(await ok.tokens(doc('y = 2\n', 'python')).then((t) => t.length), 4);
});

test('languages from VS Code language ids and file extensions', async () => {
  assert.equal(languageFromId('typescriptreact'), 'tsx');
  assert.equal(languageFromId('javascriptreact'), 'javascript');
  assert.equal(languageFromId('markdown'), undefined);
  assert.equal(languageFromPath('/a/b/c.pyi'), 'python');
  assert.equal(languageFromPath('file:///x/y.MTS?query'), 'typescript');
  assert.equal(languageFromPath('/a.b/noext'), undefined);
  const service = new SyntaxService();
  assert.equal((await service.parse({ uri: 'file:///m/main.rs', version: 1, text: 'fn main() {}' })).language, 'rust');
  await assert.rejects(service.parse({ uri: 'file:///m/readme.md', version: 1, text: '# hi' }), /No syntax support/);
  service.dispose();
});
