import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksBinary } from '../../../../src/core/base/document';
import { describeToken, escapeTokenText, parseTokenizerSpec } from '../../../../src/core/tokenize';
import { TiktokenTokenizer } from '../../../../src/core/tokenize/tiktoken';

// The token view sniffs a document's text through the core's check (src/editor/tokenView/model.ts).
const looksBinaryText = (text: string) => looksBinary(new TextEncoder().encode(text));

test('binary documents are recognised from their text; text with a stray NUL is not', () => {
  assert.equal(looksBinaryText('const a = 1;\n\tb();\r\n'), false);
  assert.equal(looksBinaryText('text with one \u0000 NUL'), false);
  assert.equal(looksBinaryText('\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR'), true);
  assert.equal(looksBinaryText('\u0001\u0002\u0003\u0004abc'), true);
  assert.equal(looksBinaryText(''), false);
});

test('token text is escaped for hovers; partial UTF-8 shows as \\xNN', () => {
  assert.equal(escapeTokenText(' \t\r\n\\'), ' \\t\\r\\n\\\\');
  assert.equal(escapeTokenText('\u0000\ufeff'), '\\x00\\ufeff');
  const partial = describeToken(Uint8Array.of(0x20, 0xf0, 0x9f, 0x91));
  assert.equal(partial.complete, false);
  assert.equal(partial.text, ' \\xf0\\x9f\\x91');
  assert.equal(partial.hex, '20f09f91');
  assert.deepEqual(describeToken(new TextEncoder().encode('é')), { text: 'é', hex: 'c3a9', complete: true });
});

test('selection counts and token lookup by offset', () => {
  const tok = new TiktokenTokenizer('o200k_base');
  const text = 'hello world 👋 again';
  const spans = tok.encodeSpans(text);
  assert.equal(spans.countInRange(0, text.length), spans.count);
  assert.equal(spans.countInRange(3, 3), 0);
  assert.equal(spans.countInRange(0, 5), 1); // "hello"
  assert.equal(spans.countInRange(2, 8), 2); // "hello", " world"
  const i = spans.indexAt(6);
  assert.ok(spans.starts[i]! <= 6 && spans.starts[i + 1]! > 6);
  // Inside the emoji the token that starts it is found (the split remainder has an empty span).
  const e = text.indexOf('👋');
  const j = spans.indexAt(e + 1);
  assert.ok(spans.starts[j]! <= e + 1 && spans.starts[j + 1]! > e + 1);
});

test('tokenizer choices: names, model, paths, unknown names', () => {
  assert.deepEqual(parseTokenizerSpec('cl100k_base'), { kind: 'tiktoken', encoding: 'cl100k_base' });
  assert.throws(() => parseTokenizerSpec('bogus'), /Unknown tokenizer 'bogus'/);
  assert.throws(() => parseTokenizerSpec('./missing/tokenizer.json'), /Tokenizer file not found/);
  const model = parseTokenizerSpec('model', { modelDir: '/opt/m' });
  assert.equal(model.kind === 'tokenizer.json' && model.path, '/opt/m/tokenizer.json');
  assert.equal(model.kind === 'tokenizer.json' && model.addedTokens, 'ordinary', 'the model option reads added tokens as the model tokenizer does');
  assert.throws(() => parseTokenizerSpec('model'), /No model tokenizer/);
});
