import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText, looksBinary } from '../../../../src/core/base/document';

test('text with CJK, emoji and a lone NUL is text', () => {
  assert.equal(looksBinary(new TextEncoder().encode('def f():\n    return "日本語 👩‍💻"\0\n')), false);
});

test('PNG-like bytes and invalid UTF-8 are binary', () => {
  assert.equal(looksBinary(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])), true);
  assert.equal(looksBinary(Uint8Array.from([0x61, 0xff, 0xfe, 0x62])), true);
  assert.throws(() => decodeText(Uint8Array.from([0, 0, 1, 2]), 'x.bin'), /x\.bin looks like a binary file/);
});

test('a multi-byte character cut by the sniff window is not mistaken for binary', () => {
  const text = 'a'.repeat(8191) + 'é' + 'b';
  assert.equal(looksBinary(new TextEncoder().encode(text)), false);
});
