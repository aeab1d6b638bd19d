import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText, firstInvalidUtf8, looksBinary } from '../../../../src/core/base/document';

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

test('invalid UTF-8 is refused the same way wherever it is in the file (never replaced by U+FFFD)', () => {
  const enc = new TextEncoder();
  for (const at of [100, 8191, 8192, 12_000, 200_000]) {
    const bytes = Buffer.concat([enc.encode('x'.repeat(at)), Uint8Array.from([0xff, 0xfe]), enc.encode('y\n')]);
    assert.throws(() => decodeText(bytes, 'f.txt'), new RegExp(`^TokenwiseError: f\\.txt is not valid UTF-8 \\(invalid byte 0xff at offset ${at}\\)`), `at ${at}`);
  }
  // a truncated sequence at the very end and an encoded surrogate are invalid too
  assert.throws(() => decodeText(Uint8Array.from([0x61, 0xe2, 0x82]), 'g'), /not valid UTF-8 \(invalid byte 0xe2 at offset 1\)/);
  assert.throws(() => decodeText(Uint8Array.from([0x61, 0x62, 0xed, 0xa0, 0x80]), 'h'), /offset 2\)/);
  assert.equal(firstInvalidUtf8(enc.encode('héllo 👩‍💻 日本')), enc.encode('héllo 👩‍💻 日本').length);
  assert.equal(decodeText(enc.encode('héllo 👩‍💻 日本'), 'ok'), 'héllo 👩‍💻 日本');
});

test('decodeText keeps a BOM (the caller strips exactly one)', () => {
  assert.equal(decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x61]), 'b'), '\uFEFF\uFEFFa');
});
