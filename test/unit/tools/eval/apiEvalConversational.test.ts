/** eval api's conversational half: which first sentences are queries, one case per API, the report both ways. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { evaluateConversational, nonQueryRule } from '../../../../src/tools/eval/apiEval';
import { firstSentence } from '../../../../src/core/search/bm25';
import { indexOf } from '../../core/index/helpers';

test('a first sentence pointing at another API or not prose is no query; a description is', () => {
  for (const q of ['Alias of `.gte()`', 'Same as _custom but defaults to abort:false', 'See the parser for details.', 'Use `z.int()` instead.', 'Deprecated since 2.0, kept for callers.', 'Overload of parse with a default.'])
    assert.equal(nonQueryRule(q), 'reference', q);
  for (const q of ['///////// z.custom /////////', 'biome-ignore lint/suspicious: renaming churns call sites', 'type ZodTupleItems = [ZodTypeAny, ...ZodTypeAny[]];', 'to check', '`a` `b`'])
    assert.equal(nonQueryRule(q), 'nonProse', q);
  for (const q of ['Parse the config file.', 'Returns the value of a header.', 'Creates a named reactive view and keeps it alive.', 'Use the cache to look a mutation up.'])
    assert.equal(nonQueryRule(q), undefined, q);
  // A declaration file's doc ends at its `*/`.
  assert.equal(firstSentence('Identical to .min() */ gte(value: number): this; /** Identical to .max()'), 'Identical to .min()');
});

test('conversational cases: one per API across builds of a module; dropped cases counted and kept in convAll', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-conv-'));
  const files: Record<string, string> = {
    'src/codec.ts': '/** Decode a frame header from bytes. */\nexport function decodeFrame(b: Uint8Array): Uint8Array {\n  return b;\n}\n\n/** Alias of `decodeFrame` for old callers. */\nexport function decode(b: Uint8Array): Uint8Array {\n  return b;\n}\n',
    'dist/codec.js': '/** Decode a frame header from bytes. */\nexport function decodeFrame(b) {\n  return b;\n}\n/** Alias of `decodeFrame` for old callers. */\nexport function decode(b) {\n  return b;\n}\n',
    'src/stream.ts': '/** Open a stream over a socket connection. */\nexport function openStream(s: unknown): unknown {\n  return s;\n}\n',
    // A test is no API: neither a case nor a result.
    'test/stream.test.ts': '/** Opening a stream twice reuses the socket connection. */\nexport function testOpenStreamTwice(): void {}\n',
  };
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const report = await evaluateConversational(await indexOf(root));
    assert.equal(report.convAll.cases, 3);
    assert.deepEqual(report.convDropped, { reference: 1, nonProse: 0 });
    assert.equal(report.convCases, 2);
    assert.equal(report.convAccuracyAt5, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--bm25-only measures the search without its learned re-ranker: the same case ranked in BM25\'s order', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tokenwise-conv-bm25-'));
  try {
    mkdirSync(join(root, 'pkg'));
    writeFileSync(join(root, 'pkg/config.py'), 'class ConfigParser:\n    """A parser for config files."""\n\n    def read(self, path):\n        return open(path).read()\n\n\ndef parse_config(text):\n    return dict(line.split("=") for line in text.splitlines())\n');
    const index = await indexOf(root);
    const ranks = async (searchRerank?: boolean) => {
      const seen: Record<string, number> = {};
      await evaluateConversational(index, { ...(searchRerank === undefined ? {} : { searchRerank }), onConvCase: (c) => (seen[c.name] = c.rank) });
      return seen;
    };
    assert.deepEqual(await ranks(), { ConfigParser: 1 });
    assert.deepEqual(await ranks(false), { ConfigParser: 2 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
