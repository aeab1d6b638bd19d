/** Where generated tokens end in the text, from their bytes or from streamed events (text-only generation's confidence). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamedTokenEnds, tokenEndsFromBytes } from '../../../../../src/core/inference/remote/tokenEnds';

const utf8 = (s: string) => new TextEncoder().encode(s);

test('from bytes: a token that ends inside a character ends before it; the one that completes it owns it', () => {
  const ü = utf8('ü'); // two bytes, split over two tokens
  assert.deepEqual(tokenEndsFromBytes([utf8(' gr'), ü.subarray(0, 1), ü.subarray(1), utf8('n'), utf8('✓')]), [3, 3, 4, 5, 6]);
  assert.deepEqual(tokenEndsFromBytes([utf8('😀')]), [2], 'UTF-16 characters (a surrogate pair)');
  assert.deepEqual(tokenEndsFromBytes([]), []);
});

test('from stream events: one token per event, several split by text_offset, held-back text joins the token before', () => {
  const ends = new StreamedTokenEnds();
  ends.add(1, 'def');
  ends.add(2, ' add(', [103, 107]); // ' add' + '(' by the server's offsets (any base)
  ends.add(1, ''); // a token whose character is not complete yet
  ends.add(0, 'é'); // the server releases the character without a new token
  ends.add(1, ')');
  assert.deepEqual(ends.ends, [3, 7, 8, 9, 10]);
  const noOffsets = new StreamedTokenEnds();
  noOffsets.add(2, 'ab');
  assert.deepEqual(noOffsets.ends, [0, 2], 'without offsets the earlier tokens of an event end where it starts');
});
